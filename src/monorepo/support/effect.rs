//! What a meaning-level diff of a root manifest or lockfile charges, and the two revisions
//! such a diff reads.

use super::ctx::{json_of, strip_bom};
use super::lock::{self, LockGraph, LockSide};
use crate::monorepo::types::{Ecosystem, EntryMode, Root, Snapshot, MAX_MANIFEST_BYTES};
use crate::monorepo::workspace::Workspace;
use std::sync::Arc;

/// Both sides of a change, as an ecosystem's meaning-level diff reads them: the workspaces
/// discovered at base and head and the trees they were read from.
#[derive(Clone, Copy)]
pub(crate) struct Sides<'a> {
    pub base: &'a Workspace,
    pub head: &'a Workspace,
    pub base_snap: &'a dyn Snapshot,
    pub head_snap: &'a dyn Snapshot,
}

impl<'a> Sides<'a> {
    /// The root of `eco` (head's, else base's) whose manifest or lockfile is `path`.
    pub fn root_of(&self, eco: Ecosystem, path: &str) -> Option<&'a Root> {
        self.head
            .roots
            .iter()
            .chain(self.base.roots.iter())
            .find(|r| {
                r.ecosystem == eco && (r.manifest == path || r.lockfiles.iter().any(|l| l == path))
            })
    }
}

/// What a meaning-level diff of a root manifest or lockfile charges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Effect {
    /// Every package (`scope: None`) or every package of one ecosystem.
    All {
        scope: Option<Ecosystem>,
        reason: String,
    },
    /// The packages in a directory: a directly changed package.
    Dir {
        eco: Ecosystem,
        dir: String,
        reason: String,
    },
    /// Packages of an ecosystem by name (lockfile members), optionally within one root.
    Named {
        eco: Ecosystem,
        root: Option<String>,
        name: String,
        reason: String,
    },
    /// The packages in a directory, charged through a lockfile (pnpm importers).
    At {
        eco: Ecosystem,
        dir: String,
        reason: String,
    },
    /// Packages inheriting a shared key (Cargo workspace dependency, pnpm catalog entry).
    Inherits {
        eco: Ecosystem,
        root: String,
        key: String,
        reason: String,
    },
    /// Packages declaring a dependency on a name (overrides, rule 30).
    Uses {
        eco: Ecosystem,
        name: String,
        reason: String,
    },
    Warning(String),
}

/// A file's text at one revision: `None` when absent, `Err` when unreadable (symlink, too
/// big, not UTF-8, missing object).
pub(crate) fn read_at(snap: &dyn Snapshot, path: &str) -> Option<Result<String, String>> {
    let e = snap.entries().iter().find(|e| e.path == path.as_bytes())?;
    if matches!(e.mode, EntryMode::Symlink | EntryMode::Submodule) {
        return Some(Err(format!("{path} is a symlink or submodule")));
    }
    Some(match snap.read(&e.blob) {
        Err(err) => Err(format!("{path}: {err}")),
        Ok(b) if b.len() > MAX_MANIFEST_BYTES => Err(format!("{path} is too large")),
        Ok(b) => String::from_utf8(b)
            .map(strip_bom)
            .map_err(|_| format!("{path} is not UTF-8")),
    })
}

/// The lockfile at `path` in `snap`, read by `parse` (which gets the text): by blob id through
/// the snapshot's memo when it has one (each version parsed once per run), else from the text.
/// `format` and `extra` (a fingerprint of whatever else `parse` reads) complete the memo key.
pub(crate) fn lock_at(
    snap: &dyn Snapshot,
    path: &str,
    format: &'static str,
    extra: u64,
    parse: impl FnOnce(&str) -> Option<Arc<LockGraph>>,
) -> LockSide {
    let Some(e) = snap.entries().iter().find(|e| e.path == path.as_bytes()) else {
        return LockSide::Missing;
    };
    if matches!(e.mode, EntryMode::Symlink | EntryMode::Submodule) {
        return LockSide::Missing;
    }
    let from_text = || match read_at(snap, path) {
        Some(Ok(text)) => parse(&text).map_or(LockSide::Unparsable, LockSide::Graph),
        _ => LockSide::Missing,
    };
    match snap.memo() {
        Some(m) => m.lock((e.blob, format, extra), from_text),
        None => from_text(),
    }
}

/// Parse a lockfile's text: directly when the snapshot has a memo (which keeps the graph by
/// blob id), else through the per-thread memo keyed by the text.
pub(crate) fn parse_lock(
    snap: &dyn Snapshot,
    format: &'static str,
    text: &str,
    parse: fn(&str) -> Option<LockGraph>,
) -> Option<Arc<LockGraph>> {
    match snap.memo() {
        Some(_) => parse(text).map(Arc::new),
        None => lock::memo_parse(format, text, parse),
    }
}

/// A JSON file at one revision, parsed (through the snapshot's memo when it has one); None
/// when absent, unreadable or not JSON.
pub(crate) fn json_at(snap: &dyn Snapshot, path: &str) -> Option<Arc<serde_json::Value>> {
    let e = snap.entries().iter().find(|e| e.path == path.as_bytes())?;
    if matches!(e.mode, EntryMode::Symlink | EntryMode::Submodule) {
        return None;
    }
    let blob = e.blob;
    match snap.memo() {
        Some(m) => m.json(blob, || json_of(snap, &blob)).ok(),
        None => json_of(snap, &blob).ok(),
    }
}

impl Effect {
    /// Every package of one ecosystem, for one reason.
    pub fn all_of(eco: Ecosystem, reason: String) -> Vec<Effect> {
        vec![Effect::All {
            scope: Some(eco),
            reason,
        }]
    }

    /// The members a lockfile change reaches, by name within the root at `dir`.
    pub fn lock_members(eco: Ecosystem, dir: &str, a: &LockGraph, b: &LockGraph) -> Vec<Effect> {
        lock::scoped_diff(a, b)
            .into_iter()
            .map(|(name, reason)| Effect::Named {
                eco,
                root: Some(dir.to_string()),
                name,
                reason,
            })
            .collect()
    }
}
