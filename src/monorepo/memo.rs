//! Values parsed from blobs, kept for one run and shared by its threads. Walking history, one
//! version of a manifest is read by every workspace discovered until it changes, and one
//! version of a lockfile is the head of a change and the base of the next; a blob id names
//! its content, so each is parsed once. Bounded: the least recently used values go first.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use clru::CLruCache;
use serde_json::Value;

use super::support::lock::LockSide;
use crate::model::Oid;

/// A lockfile's blob, its format, and a fingerprint of what else its reader reads.
pub(crate) type LockKey = (Oid, &'static str, u64);

/// A parsed `package.json`, or the diagnostic (line, message) reading it gives.
pub(crate) type Json = Result<Arc<Value>, (Option<u32>, String)>;

/// Manifests kept: a few times the manifests of one large workspace (vite has 279).
const JSON_KEEP: usize = 4096;
/// Lockfile graphs kept: each thread needs two at a time (the base and head of a change).
const LOCK_KEEP: usize = 16;
/// Lockfile entries kept (pnpm-lock.yaml read entry by entry): vite's lockfile has 6,000.
const CHUNK_KEEP: usize = 1 << 16;

/// A value parsed from a piece of text, of a type its reader knows.
type Piece = Arc<dyn std::any::Any + Send + Sync>;

/// Parsed pieces by their text, each with the tag of the reader that parsed it.
type Chunks = CLruCache<String, Vec<(u8, Piece)>, foldhash::fast::RandomState>;

/// Parsed blobs by id, shared by the snapshots of one run (see [`super::Snapshot::memo`]).
pub struct Memo {
    json: Mutex<CLruCache<Oid, Json>>,
    locks: Mutex<CLruCache<LockKey, LockSide>>,
    /// Pieces of text (lockfile entries) by their text: parsed, per reader's tag.
    chunks: Mutex<Chunks>,
}

impl Default for Memo {
    fn default() -> Self {
        let n = |k: usize| NonZeroUsize::new(k).unwrap_or(NonZeroUsize::MIN);
        Memo {
            json: Mutex::new(CLruCache::new(n(JSON_KEEP))),
            locks: Mutex::new(CLruCache::new(n(LOCK_KEEP))),
            chunks: Mutex::new(CLruCache::with_hasher(
                n(CHUNK_KEEP),
                foldhash::fast::RandomState::default(),
            )),
        }
    }
}

/// The value under `key`, or `make()` stored under it. The lock is not held while parsing:
/// two threads may parse the same blob at once, and both get equal values.
fn get_or<K: std::hash::Hash + Eq + Clone, V: Clone>(
    map: &Mutex<CLruCache<K, V>>,
    key: &K,
    make: impl FnOnce() -> V,
) -> V {
    let hit = map.lock().ok().and_then(|mut m| m.get(key).cloned());
    if let Some(v) = hit {
        return v;
    }
    let v = make();
    if let Ok(mut m) = map.lock() {
        m.put(key.clone(), v.clone());
    }
    v
}

impl Memo {
    /// The `package.json` in `blob`, parsed by `parse` unless known.
    pub(crate) fn json(&self, blob: Oid, parse: impl FnOnce() -> Json) -> Json {
        get_or(&self.json, &blob, parse)
    }

    /// The piece of text `text`, as its reader tagged `tag` (what else the parse depends on)
    /// parses it, by `parse` unless known; None if it was stored as another type. A hit
    /// borrows the text: nothing is copied unless it is new.
    pub(crate) fn chunk<T: std::any::Any + Send + Sync>(
        &self,
        tag: u8,
        text: &str,
        parse: impl FnOnce() -> T,
    ) -> Option<Arc<T>> {
        let hit = self.chunks.lock().ok().and_then(|mut m| {
            m.get(text)
                .and_then(|tagged| tagged.iter().find(|(t, _)| *t == tag))
                .map(|(_, p)| Arc::clone(p))
        });
        let piece = match hit {
            Some(p) => p,
            None => {
                let p: Piece = Arc::new(parse());
                if let Ok(mut m) = self.chunks.lock() {
                    match m.get_mut(text) {
                        Some(tagged) => tagged.push((tag, Arc::clone(&p))),
                        None => {
                            m.put(text.to_owned(), vec![(tag, Arc::clone(&p))]);
                        }
                    }
                }
                p
            }
        };
        piece.downcast::<T>().ok()
    }

    /// The lockfile graph under `key`, parsed by `parse` unless known.
    pub(crate) fn lock(&self, key: LockKey, parse: impl FnOnce() -> LockSide) -> LockSide {
        get_or(&self.locks, &key, parse)
    }
}
