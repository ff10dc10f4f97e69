//! The commits a run reads, kept across runs: what the classifier, the first-parent walks and
//! the side queries read of each commit (parents, author after `.mailmap`, committer, times,
//! subject, and the lines of the message the classifier matches: see
//! [`classify::evidence_lines`]). Commits are immutable, so the table only grows: a re-run
//! decodes only the commits it had not read before, whatever the refs did since.
//!
//! The file (`commits-<key>.bin`) is keyed by what changes a value beyond the commit itself:
//! the `.mailmap` in effect and the classifier's message patterns. Names and emails are
//! stored once each. Without a cache the table still saves reading a commit twice in a run.

use super::Cache;
use crate::git::{GitError, Repo};
use crate::history::classify;
use crate::model::{Commit, Oid, OidMap, Signature, Timestamp};
use anyhow::Result;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

/// The file kind (name prefix) of the commit table.
const KIND: &str = "commits";

/// Commits by id, read from the cache or decoded once in this run.
pub struct CommitStore {
    table: Mutex<Table>,
    /// Where the table is kept between runs, and under which key (None: no cache).
    file: Option<(Cache, u64)>,
}

#[derive(Default)]
struct Table {
    /// The table the cache held (its records decoded only when asked for).
    stored: Stored,
    /// Commits decoded in this run (the stored table lacks them).
    fresh: OidMap<Known>,
}

/// A commit as the store keeps it: its message reduced to the evidence lines.
struct Known {
    commit: Commit,
    /// Both signature lines had a readable date (else they read as 1970, said once a run).
    dated: bool,
}

/// The cache key of the commit table for this repository's `.mailmap`.
pub fn settings_key(repo: &Repo) -> u64 {
    let mailmap = repo.mailmap_fingerprint().to_le_bytes();
    let patterns = classify::evidence_patterns().join("\n");
    // The table's layout, bumped when it changes: a table of another layout is never read.
    super::settings_key(KIND, &[b"layout 3", &mailmap, patterns.as_bytes()])
}

impl CommitStore {
    /// The store of `repo`, over the table the cache holds for the same settings. An
    /// unreadable table is said (a warning) and rebuilt, never trusted.
    pub fn open(repo: &Repo, cache: Option<&Cache>) -> CommitStore {
        let Some(cache) = cache else {
            return CommitStore {
                table: Mutex::default(),
                file: None,
            };
        };
        let key = settings_key(repo);
        let stored = match cache.load::<Stored>(KIND, key) {
            Ok(Some(p)) => p.checked().unwrap_or_else(|why| {
                let path = cache.kind_path(KIND, key);
                super::warn(&format!(
                    "{}: {why}; it is ignored and rebuilt",
                    path.display()
                ));
                Stored::default()
            }),
            Ok(None) => Stored::default(),
            Err(why) => {
                super::warn(&format!("{why}; it is ignored and rebuilt"));
                Stored::default()
            }
        };
        let table = Table {
            stored,
            fresh: OidMap::default(),
        };
        CommitStore {
            table: Mutex::new(table),
            file: Some((cache.clone(), key)),
        }
    }

    /// How many commits the cache held when the store was opened.
    pub fn stored(&self) -> usize {
        self.lock().stored.ids.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Table> {
        // A panic elsewhere cannot leave the table half-updated: inserts are whole entries.
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Decode (in parallel) the commits of `ids` the store lacks, so later lookups find them.
    pub fn prefetch(&self, repo: &Repo, ids: &[Oid]) -> Result<()> {
        let missing: Vec<Oid> = {
            let table = self.lock();
            let mut seen = HashSet::new();
            ids.iter()
                .filter(|id| !table.holds(id) && seen.insert(**id))
                .copied()
                .collect()
        };
        if missing.is_empty() {
            return Ok(());
        }
        let decoded = repo.dated_commits(&missing)?;
        let mut table = self.lock();
        for (c, dated) in decoded {
            table.fresh.insert(c.id, Known::new(c, dated));
        }
        Ok(())
    }

    /// One commit, from the store or decoded (and kept). Its message holds only the lines
    /// the classifier reads.
    pub fn get(&self, repo: &Repo, id: Oid) -> Result<Commit> {
        if let Some(c) = self.lock().find(&id) {
            return Ok(c);
        }
        let (c, dated) = repo.dated_commit(id)?;
        let known = Known::new(c, dated);
        let commit = known.commit.clone();
        self.lock().fresh.insert(id, known);
        Ok(commit)
    }

    /// The commits of `ids`, in order ([`CommitStore::get`] for each; the missing ones
    /// decoded in parallel).
    pub fn get_many(&self, repo: &Repo, ids: &[Oid]) -> Result<Vec<Commit>> {
        self.prefetch(repo, ids)?;
        ids.iter().map(|id| self.get(repo, *id)).collect()
    }

    /// The first-parent chain from `tip`, newest first, stopping once 64 consecutive commits
    /// are older (by committer time) than `since` (clock skew makes single old commits
    /// common). A shallow clone's boundary commit is left out: its parents, and so its side,
    /// lifetime and size, are not in the clone.
    pub fn first_parent_chain(
        &self,
        repo: &Repo,
        tip: Oid,
        since: Option<Timestamp>,
    ) -> Result<Vec<Commit>> {
        const STOP_AFTER_OLD: usize = 64;
        let mut out = Vec::new();
        let mut next = Some(tip);
        let mut old_run = 0;
        let mut seen = HashSet::new();
        while let Some(id) = next {
            if repo.is_shallow_boundary(&id) {
                break;
            }
            if !seen.insert(id) {
                return Err(GitError::Cycle { id }.into());
            }
            let c = self.get(repo, id)?;
            next = c.parents.first().copied();
            if let Some(s) = since {
                if c.committer.time < s {
                    old_run += 1;
                } else {
                    old_run = 0;
                }
            }
            out.push(c);
            if old_run >= STOP_AFTER_OLD {
                break;
            }
        }
        Ok(out)
    }

    /// Keep the table for the next run when this run decoded commits it lacked (an atomic
    /// replace of the file; a failure is a warning: it costs the next run speed only).
    /// Returns how many commits this run decoded.
    pub fn save(&self) -> usize {
        let mut table = self.lock();
        let added = table.fresh.len();
        let Some((cache, key)) = &self.file else {
            return added;
        };
        if added == 0 {
            return 0;
        }
        let merged = table.stored.merged(&table.fresh);
        match merged.and_then(|m| cache.store(KIND, *key, &m).map(|()| m)) {
            Ok(m) => {
                table.stored = m;
                table.fresh.clear();
            }
            Err(e) => super::warn(&format!("{e}; the next run reads these commits again")),
        }
        added
    }
}

impl Table {
    fn holds(&self, id: &Oid) -> bool {
        self.fresh.contains_key(id) || self.stored.index(id).is_some()
    }

    /// The commit, when the store holds it (a stored record that does not decode is said
    /// and left to the repository).
    fn find(&self, id: &Oid) -> Option<Commit> {
        if let Some(k) = self.fresh.get(id) {
            return Some(k.commit.clone());
        }
        let i = self.stored.index(id)?;
        match self.stored.known(i) {
            Some(k) => Some(k.commit_said()),
            None => {
                super::warn(&format!(
                    "the cached record of commit {id} does not decode (corrupt); it is read again"
                ));
                None
            }
        }
    }
}

impl Known {
    fn new(mut commit: Commit, dated: bool) -> Known {
        commit.message = classify::evidence_lines(&commit.message);
        Known { commit, dated }
    }

    /// The commit, saying (once a run, as decoding does) when it had no readable date.
    fn commit_said(self) -> Commit {
        if !self.dated {
            crate::git::warn_undated(self.commit.id);
        }
        self.commit
    }
}

/// The stored table: the ids sorted, record `i` (a commit without its id) at
/// `records[ends[i - 1]..ends[i]]`, names and emails by index into `people`. A record is
/// decoded only when its commit is asked for: opening the table costs little more than
/// reading the file, whatever the run reads of it.
#[derive(Default, Serialize, Deserialize)]
struct Stored {
    people: Vec<String>,
    ids: Vec<[u8; 20]>,
    ends: Vec<u32>,
    records: Bytes,
    /// Where the ids of each first-two-bytes value start (built on first lookup): a lookup
    /// searches only its bucket, a few ids, instead of the whole table.
    #[serde(skip)]
    buckets: std::sync::OnceLock<Vec<u32>>,
}

#[derive(Serialize, Deserialize)]
struct Record<'a> {
    parents: Vec<[u8; 20]>,
    /// (name, email) indices into `people`, and the time.
    author: (u32, u32, Timestamp),
    committer: (u32, u32, Timestamp),
    subject: Cow<'a, str>,
    /// The evidence lines of the message.
    evidence: Cow<'a, str>,
    dated: bool,
}

/// For sorted `ids`: entry `b` is the index of the first id whose first two bytes are `b` or
/// more (65,537 entries, the last the number of ids).
fn bucket_starts(ids: &[[u8; 20]]) -> Vec<u32> {
    let mut starts = Vec::with_capacity(1 << 16 | 1);
    let mut i = 0;
    for b in 0..=u16::MAX {
        while i < ids.len() && u16::from_be_bytes([ids[i][0], ids[i][1]]) < b {
            i += 1;
        }
        starts.push(i as u32);
    }
    starts.push(ids.len() as u32);
    starts
}

impl Stored {
    /// The table, or why it cannot be trusted (ids out of order, records out of bounds).
    fn checked(self) -> Result<Stored, String> {
        let sorted = self.ids.windows(2).all(|w| w[0] < w[1]);
        let bounded = self.ends.windows(2).all(|w| w[0] <= w[1])
            && self.ends.last().map_or(0, |e| *e as usize) == self.records.0.len();
        if sorted && bounded && self.ends.len() == self.ids.len() {
            Ok(self)
        } else {
            Err("the stored commit table is inconsistent (corrupt)".to_owned())
        }
    }

    fn index(&self, id: &Oid) -> Option<usize> {
        let starts = self.buckets.get_or_init(|| bucket_starts(&self.ids));
        let b = usize::from(u16::from_be_bytes([id.0[0], id.0[1]]));
        let (lo, hi) = (starts[b] as usize, starts[b + 1] as usize);
        let at = self.ids.get(lo..hi)?.binary_search(&id.0).ok()?;
        Some(lo + at)
    }

    fn record(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.records.0[start..self.ends[i] as usize]
    }

    /// Record `i` decoded (None: it does not decode, or names people the table lacks).
    fn known(&self, i: usize) -> Option<Known> {
        let r: Record<'_> = postcard::from_bytes(self.record(i)).ok()?;
        let sig = |(name, email, time): (u32, u32, Timestamp)| -> Option<Signature> {
            Some(Signature {
                name: self.people.get(name as usize)?.clone(),
                email: self.people.get(email as usize)?.clone(),
                time,
            })
        };
        let commit = Commit {
            id: Oid(self.ids[i]),
            parents: r.parents.into_iter().map(Oid).collect(),
            author: sig(r.author)?,
            committer: sig(r.committer)?,
            subject: r.subject.into_owned(),
            message: r.evidence.into_owned(),
        };
        Some(Known {
            commit,
            dated: r.dated,
        })
    }

    /// This table with the `fresh` commits added: the stored records copied as they are, new
    /// people given new indices, the ids kept in order.
    fn merged(&self, fresh: &OidMap<Known>) -> Result<Stored, String> {
        let mut people = self.people.clone();
        let mut index: HashMap<String, u32> = self
            .people
            .iter()
            .enumerate()
            .map(|(i, p)| (p.clone(), i as u32))
            .collect();
        let mut person = |s: &str| -> u32 {
            if let Some(i) = index.get(s) {
                return *i;
            }
            people.push(s.to_owned());
            let i = (people.len() - 1) as u32;
            index.insert(s.to_owned(), i);
            i
        };
        let mut added: Vec<(&Oid, &Known)> = fresh
            .iter()
            .filter(|(id, _)| self.index(id).is_none())
            .collect();
        added.sort_unstable_by_key(|(id, _)| **id);
        let mut encoded = Vec::with_capacity(added.len());
        for (id, k) in &added {
            let (a, c) = (&k.commit.author, &k.commit.committer);
            let record = Record {
                parents: k.commit.parents.iter().map(|p| p.0).collect(),
                author: (person(&a.name), person(&a.email), a.time),
                committer: (person(&c.name), person(&c.email), c.time),
                subject: Cow::Borrowed(&k.commit.subject),
                evidence: Cow::Borrowed(&k.commit.message),
                dated: k.dated,
            };
            let bytes = postcard::to_allocvec(&record)
                .map_err(|e| format!("cannot encode the cache ({e})"))?;
            encoded.push((id.0, bytes));
        }
        let mut out = Stored {
            people,
            ..Stored::default()
        };
        let (mut i, mut j) = (0, 0);
        while i < self.ids.len() || j < encoded.len() {
            if j == encoded.len() || (i < self.ids.len() && self.ids[i] < encoded[j].0) {
                out.push(self.ids[i], self.record(i))?;
                i += 1;
            } else {
                out.push(encoded[j].0, &encoded[j].1)?;
                j += 1;
            }
        }
        Ok(out)
    }

    fn push(&mut self, id: [u8; 20], record: &[u8]) -> Result<(), String> {
        self.records.0.extend_from_slice(record);
        let end = u32::try_from(self.records.0.len())
            .map_err(|_| "the commit table outgrew 4 GiB".to_owned())?;
        self.ids.push(id);
        self.ends.push(end);
        self.buckets = std::sync::OnceLock::new();
        Ok(())
    }
}

/// Bytes stored as one byte string (serde's default for `Vec<u8>` is a sequence of numbers,
/// decoded one by one).
#[derive(Default)]
struct Bytes(Vec<u8>);

impl Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = Bytes;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a byte string")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes(v.to_vec()))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
                Ok(Bytes(v))
            }
        }
        d.deserialize_byte_buf(Visit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit(n: u8, parents: &[u8], author: &str, subject: &str, message: &str) -> Commit {
        Commit {
            id: Oid([n; 20]),
            parents: parents.iter().map(|p| Oid([*p; 20])).collect(),
            author: Signature {
                name: author.to_owned(),
                email: format!("{author}@example.com"),
                time: 1_700_000_000 + i64::from(n),
            },
            committer: Signature {
                name: "Maintainer".to_owned(),
                email: "maint@example.com".to_owned(),
                time: 1_700_000_100 + i64::from(n),
            },
            subject: subject.to_owned(),
            message: message.to_owned(),
        }
    }

    fn table() -> OidMap<Known> {
        [
            (
                commit(1, &[], "ada", "Root", "Root\n\nSigned-off-by: ada"),
                true,
            ),
            (
                commit(
                    2,
                    &[1],
                    "bob",
                    "Fix (#4)",
                    "Fix (#4)\n\nsee PR #4\nChange-Id: I12ab",
                ),
                false,
            ),
            (
                commit(
                    3,
                    &[1, 2],
                    "ada",
                    "Merge branch 'b'",
                    "Merge branch 'b'\n\n* b:\n  Fix",
                ),
                true,
            ),
        ]
        .into_iter()
        .map(|(c, dated)| (c.id, Known::new(c, dated)))
        .collect()
    }

    fn stored(known: &OidMap<Known>) -> Stored {
        let table = Stored::default().merged(known).expect("encode");
        let bytes = postcard::to_allocvec(&table).expect("encode");
        postcard::from_bytes::<Stored>(&bytes)
            .expect("decode")
            .checked()
            .expect("consistent")
    }

    #[test]
    fn a_stored_table_reads_back_with_messages_reduced_to_their_evidence() {
        let known = table();
        let back = stored(&known);
        // ada, bob, their emails and the committer's two: each once.
        assert_eq!(back.people.len(), 6);
        assert_eq!(back.ids, [[1; 20], [2; 20], [3; 20]]);
        for (id, k) in &known {
            let read = back
                .known(back.index(id).expect("stored"))
                .expect("decodes");
            assert_eq!(read.commit, k.commit);
            assert_eq!(read.dated, k.dated);
        }
        let message = |n: usize| back.known(n - 1).expect("decodes").commit.message;
        assert_eq!(message(2), "see PR #4\nChange-Id: I12ab");
        assert_eq!(message(3), "* b:");
        assert_eq!(message(1), "");
        assert!(!back.known(1).expect("decodes").dated);
    }

    #[test]
    fn a_table_grows_by_the_new_commits_and_keeps_the_old_records() {
        let mut known = table();
        let second = known.remove(&Oid([2; 20])).expect("2");
        let first = stored(&known);
        let fresh: OidMap<Known> = [(Oid([2; 20]), second)].into_iter().collect();
        let grown = first
            .merged(&fresh)
            .expect("merge")
            .checked()
            .expect("consistent");
        assert_eq!(grown.ids, [[1; 20], [2; 20], [3; 20]]);
        let all = stored(&table());
        for i in 0..3 {
            let (a, b) = (grown.known(i).expect("grown"), all.known(i).expect("all"));
            assert_eq!(a.commit, b.commit);
        }
    }

    #[test]
    fn every_stored_id_is_found_in_its_bucket_and_no_other_id_is() {
        // Ids at both ends of the bucket range, several sharing a bucket, one alone.
        let mut ids: Vec<[u8; 20]> = [
            [0x00, 0x00, 1],
            [0x00, 0x00, 2],
            [0x00, 0x01, 0],
            [0x7f, 0xff, 9],
            [0xff, 0xff, 0],
            [0xff, 0xff, 5],
        ]
        .iter()
        .map(|head| {
            let mut id = [0u8; 20];
            id[..3].copy_from_slice(head);
            id
        })
        .collect();
        ids.sort_unstable();
        let table = Stored {
            ends: vec![0; ids.len()],
            ids: ids.clone(),
            ..Stored::default()
        };
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(table.index(&Oid(*id)), Some(i));
        }
        for head in [
            [0x00, 0x00, 3],
            [0x00, 0x02, 0],
            [0xff, 0xff, 1],
            [0x80, 0x00, 0],
        ] {
            let mut id = [0u8; 20];
            id[..3].copy_from_slice(&head);
            assert_eq!(table.index(&Oid(id)), None);
        }
        assert_eq!(Stored::default().index(&Oid([0xff; 20])), None);
    }

    #[test]
    fn a_table_out_of_order_or_naming_people_it_lacks_is_not_trusted() {
        let mut swapped = stored(&table());
        swapped.ids.swap(0, 1);
        let err = swapped.checked().err().expect("refused");
        assert!(err.contains("corrupt"), "{err}");
        let mut short = stored(&table());
        short.records.0.pop();
        assert!(short.checked().is_err());
        let mut lacking = stored(&table());
        lacking.people.truncate(1);
        assert!(lacking.known(1).is_none());
    }
}
