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
use crate::model::{Commit, Oid, Signature, Timestamp};
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
    known: HashMap<Oid, Known>,
    /// Commits decoded in this run (the file lacks them).
    added: usize,
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
    super::settings_key(KIND, &[b"layout 2", &mailmap, patterns.as_bytes()])
}

impl CommitStore {
    /// The store of `repo`, filled from the cache when it holds a table for the same
    /// settings. An unreadable table is said (a warning) and rebuilt, never trusted.
    pub fn open(repo: &Repo, cache: Option<&Cache>) -> CommitStore {
        let Some(cache) = cache else {
            return CommitStore {
                table: Mutex::default(),
                file: None,
            };
        };
        let key = settings_key(repo);
        let known = match cache.load::<Payload<'static>>(KIND, key) {
            Ok(Some(p)) => p.into_known().unwrap_or_else(|why| {
                let path = cache.kind_path(KIND, key);
                super::warn(&format!(
                    "{}: {why}; it is ignored and rebuilt",
                    path.display()
                ));
                HashMap::new()
            }),
            Ok(None) => HashMap::new(),
            Err(why) => {
                super::warn(&format!("{why}; it is ignored and rebuilt"));
                HashMap::new()
            }
        };
        CommitStore {
            table: Mutex::new(Table { known, added: 0 }),
            file: Some((cache.clone(), key)),
        }
    }

    /// How many commits the store holds.
    pub fn len(&self) -> usize {
        self.lock().known.len()
    }

    /// Whether the store holds no commit.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
                .filter(|id| !table.known.contains_key(id) && seen.insert(**id))
                .copied()
                .collect()
        };
        if missing.is_empty() {
            return Ok(());
        }
        let decoded = repo.dated_commits(&missing)?;
        let mut table = self.lock();
        table.added += decoded.len();
        for (c, dated) in decoded {
            table.known.insert(c.id, Known::new(c, dated));
        }
        Ok(())
    }

    /// One commit, from the store or decoded (and kept). Its message holds only the lines
    /// the classifier reads.
    pub fn get(&self, repo: &Repo, id: Oid) -> Result<Commit> {
        if let Some(k) = self.lock().known.get(&id) {
            return Ok(k.commit_said());
        }
        self.prefetch(repo, &[id])?;
        match self.lock().known.get(&id) {
            Some(k) => Ok(k.commit.clone()),
            None => Err(GitError::MissingCommit {
                id,
                reason: "not read".to_owned(),
            }
            .into()),
        }
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
        let added = table.added;
        let Some((cache, key)) = &self.file else {
            return added;
        };
        if added == 0 {
            return 0;
        }
        let payload = Payload::from_known(&table.known);
        match cache.store(KIND, *key, &payload) {
            Ok(()) => table.added = 0,
            Err(e) => super::warn(&format!("{e}; the next run reads these commits again")),
        }
        added
    }
}

impl Known {
    fn new(mut commit: Commit, dated: bool) -> Known {
        commit.message = classify::evidence_lines(&commit.message);
        Known { commit, dated }
    }

    /// The commit, saying (once a run, as decoding does) when it had no readable date.
    fn commit_said(&self) -> Commit {
        if !self.dated {
            crate::git::warn_undated(self.commit.id);
        }
        self.commit.clone()
    }
}

/// The stored table: commits sorted by id, names and emails by index into `people`.
#[derive(Serialize, Deserialize)]
struct Payload<'a> {
    people: Vec<Cow<'a, str>>,
    commits: Vec<Record<'a>>,
}

#[derive(Serialize, Deserialize)]
struct Record<'a> {
    id: [u8; 20],
    parents: Vec<[u8; 20]>,
    /// (name, email) indices into `people`, and the time.
    author: (u32, u32, Timestamp),
    committer: (u32, u32, Timestamp),
    subject: Cow<'a, str>,
    /// The evidence lines of the message.
    evidence: Cow<'a, str>,
    dated: bool,
}

impl<'a> Payload<'a> {
    fn from_known(known: &'a HashMap<Oid, Known>) -> Payload<'a> {
        let mut ids: Vec<&Oid> = known.keys().collect();
        ids.sort_unstable();
        let mut people: Vec<Cow<'a, str>> = Vec::new();
        let mut index: HashMap<&'a str, u32> = HashMap::new();
        let mut person = |s: &'a str| -> u32 {
            *index.entry(s).or_insert_with(|| {
                people.push(Cow::Borrowed(s));
                (people.len() - 1) as u32
            })
        };
        let mut commits = Vec::with_capacity(ids.len());
        for id in ids {
            let k = &known[id];
            let (a, c) = (&k.commit.author, &k.commit.committer);
            commits.push(Record {
                id: id.0,
                parents: k.commit.parents.iter().map(|p| p.0).collect(),
                author: (person(&a.name), person(&a.email), a.time),
                committer: (person(&c.name), person(&c.email), c.time),
                subject: Cow::Borrowed(&k.commit.subject),
                evidence: Cow::Borrowed(&k.commit.message),
                dated: k.dated,
            });
        }
        Payload { people, commits }
    }

    /// The table, or why it cannot be trusted (an index out of range: corrupt).
    fn into_known(self) -> Result<HashMap<Oid, Known>, String> {
        let people = self.people;
        let sig = |(name, email, time): (u32, u32, Timestamp)| -> Option<Signature> {
            Some(Signature {
                name: people.get(name as usize)?.to_string(),
                email: people.get(email as usize)?.to_string(),
                time,
            })
        };
        let mut known = HashMap::with_capacity(self.commits.len());
        for r in self.commits {
            let (Some(author), Some(committer)) = (sig(r.author), sig(r.committer)) else {
                return Err("the stored commit table names people it lacks (corrupt)".to_owned());
            };
            let commit = Commit {
                id: Oid(r.id),
                parents: r.parents.into_iter().map(Oid).collect(),
                author,
                committer,
                subject: r.subject.into_owned(),
                message: r.evidence.into_owned(),
            };
            known.insert(
                commit.id,
                Known {
                    commit,
                    dated: r.dated,
                },
            );
        }
        Ok(known)
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

    fn table() -> HashMap<Oid, Known> {
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

    #[test]
    fn a_stored_table_reads_back_with_messages_reduced_to_their_evidence() {
        let known = table();
        let bytes = postcard::to_allocvec(&Payload::from_known(&known)).expect("encode");
        let payload: Payload<'static> = postcard::from_bytes(&bytes).expect("decode");
        // ada, bob, their emails and the committer's two: each once.
        assert_eq!(payload.people.len(), 6);
        let back = payload.into_known().expect("consistent");
        assert_eq!(back.len(), 3);
        for (id, k) in &known {
            assert_eq!(back[id].commit, k.commit);
            assert_eq!(back[id].dated, k.dated);
        }
        assert_eq!(
            back[&Oid([2; 20])].commit.message,
            "see PR #4\nChange-Id: I12ab"
        );
        assert_eq!(back[&Oid([3; 20])].commit.message, "* b:");
        assert_eq!(back[&Oid([1; 20])].commit.message, "");
        assert!(!back[&Oid([2; 20])].dated);
    }

    #[test]
    fn a_table_naming_people_it_lacks_is_corrupt() {
        let known = table();
        let mut payload = Payload::from_known(&known);
        payload.commits[1].author.0 = 99;
        let bytes = postcard::to_allocvec(&payload).expect("encode");
        let payload: Payload<'static> = postcard::from_bytes(&bytes).expect("decode");
        let err = payload.into_known().err().expect("refused");
        assert!(err.contains("corrupt"), "{err}");
    }
}
