//! Line-counting diffs of one commit against a base, the way `git diff --numstat --no-renames`
//! counts them (Myers, line terminators kept; gix-level details in the module docs of
//! [`crate::git`]).
//!
//! Each blob version is inflated once per worker: a change's new side is usually the next
//! (older or newer) change's old side at the same path, so decoded contents are kept in a
//! bounded least-recently-used cache keyed by path and blob id. The path is part of the key
//! because attributes (`binary`, `-diff`) are per path: the same blob can be text at one path
//! and binary at another.

use super::GitError;
use super::{file_kind, to_gix, to_oid};
use crate::model::Oid;
use crate::model::{DiffStat, FileStat, FileStatus};
use anyhow::{Context, Result};
use gix::bstr::ByteSlice;
use gix::diff::blob::platform::resource::Data;
use gix::diff::blob::ResourceKind;
use gix::objs::tree::EntryMode;
use std::num::NonZeroUsize;
use std::ops::ControlFlow;
use std::sync::Arc;

/// What a diff reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Counting {
    /// Paths, blob ids and kinds only: no blob is read, line counts stay zero.
    PathsOnly,
    /// Line counts too. Blobs larger than `max_blob_bytes` count as binary (0: no limit).
    Lines { max_blob_bytes: u64 },
}

/// Bytes of decoded blob contents one worker keeps.
const CONTENT_CACHE_BYTES: usize = 32 * 1024 * 1024;

/// One side of a file entry change: its mode and blob (or gitlink) id.
#[derive(Clone, Copy, Debug)]
struct Side {
    mode: EntryMode,
    id: gix::ObjectId,
}

/// A non-tree entry that differs between the two trees.
struct EntryChange {
    path: Vec<u8>,
    old: Option<Side>,
    new: Option<Side>,
}

impl EntryChange {
    /// The entry changes of one tree-diff change: none for trees and for mode changes git
    /// does not show, two for a rewrite (never reported with rename tracking off, but
    /// `--no-renames` would show it as a deletion and an addition).
    fn from_change(change: &gix::object::tree::diff::Change<'_, '_, '_>, out: &mut Vec<Self>) {
        use gix::object::tree::diff::Change;
        let side = |mode: EntryMode, id: gix::Id<'_>| {
            (!mode.is_tree()).then_some(Side {
                mode,
                id: id.detach(),
            })
        };
        let (path, old, new) = match change {
            Change::Addition {
                location,
                entry_mode,
                id,
                ..
            } => (location, None, side(*entry_mode, *id)),
            Change::Deletion {
                location,
                entry_mode,
                id,
                ..
            } => (location, side(*entry_mode, *id), None),
            Change::Modification {
                location,
                previous_entry_mode,
                previous_id,
                entry_mode,
                id,
            } => {
                // git canonicalises modes (100664 -> 100644): same blob and same kind is no change.
                if previous_id == id && previous_entry_mode.kind() == entry_mode.kind() {
                    return;
                }
                // A tree replaced by a blob (or the reverse): count the blob side only.
                (
                    location,
                    side(*previous_entry_mode, *previous_id),
                    side(*entry_mode, *id),
                )
            }
            Change::Rewrite {
                source_location,
                source_entry_mode,
                source_id,
                location,
                entry_mode,
                id,
                copy,
                ..
            } => {
                if !*copy {
                    if let Some(old) = side(*source_entry_mode, *source_id) {
                        out.push(EntryChange {
                            path: source_location.to_vec(),
                            old: Some(old),
                            new: None,
                        });
                    }
                }
                (location, None, side(*entry_mode, *id))
            }
        };
        if old.is_some() || new.is_some() {
            out.push(EntryChange {
                path: path.to_vec(),
                old,
                new,
            });
        }
    }

    fn status(&self) -> FileStatus {
        match (self.old, self.new) {
            (None, _) => FileStatus::Added,
            (_, None) => FileStatus::Deleted,
            _ => FileStatus::Modified,
        }
    }

    fn into_file_stat(self, counts: LineCounts) -> FileStat {
        FileStat {
            status: self.status(),
            added: counts.added,
            deleted: counts.deleted,
            binary: counts.binary,
            missing: counts.missing,
            old_blob: self.old.map(|s| to_oid(s.id)),
            new_blob: self.new.map(|s| to_oid(s.id)),
            new_kind: self.new.map(|s| file_kind(s.mode)),
            path: self.path,
        }
    }
}

/// What `git diff --numstat` prints for one file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct LineCounts {
    added: u64,
    deleted: u64,
    /// git prints `-\t-`.
    binary: bool,
    /// A blob is not in the object database: the lines are unknown.
    missing: bool,
}

impl LineCounts {
    const BINARY: LineCounts = LineCounts {
        added: 0,
        deleted: 0,
        binary: true,
        missing: false,
    };
    const MISSING: LineCounts = LineCounts {
        added: 0,
        deleted: 0,
        binary: false,
        missing: true,
    };
}

/// One blob version as the line diff sees it.
#[derive(Clone, Debug)]
enum Content {
    Text(Arc<[u8]>),
    Binary,
    Missing,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq)]
struct ContentKey {
    path: Vec<u8>,
    id: gix::ObjectId,
    link: bool,
}

/// Weighs cached contents by their size in bytes (plus the key's path).
struct ContentWeight;

impl clru::WeightScale<ContentKey, Content> for ContentWeight {
    fn weight(&self, key: &ContentKey, value: &Content) -> usize {
        key.path.len()
            + match value {
                Content::Text(t) => t.len(),
                Content::Binary | Content::Missing => 0,
            }
    }
}

type ContentCache = clru::CLruCache<ContentKey, Content, std::hash::RandomState, ContentWeight>;

/// Per-thread state for line-counting diffs: a repository handle, two resource caches (one
/// for the tree diff, one to convert blobs), and the decoded contents seen recently.
pub(super) struct DiffWorker {
    repo: gix::Repository,
    tree_cache: gix::diff::blob::Platform,
    blob_cache: gix::diff::blob::Platform,
    contents: ContentCache,
    counting: Counting,
}

impl DiffWorker {
    pub(super) fn new(
        repo: gix::Repository,
        proto: &gix::diff::blob::Platform,
        counting: Counting,
    ) -> DiffWorker {
        let capacity = NonZeroUsize::new(CONTENT_CACHE_BYTES).unwrap_or(NonZeroUsize::MIN);
        DiffWorker {
            tree_cache: proto.clone(),
            blob_cache: proto.clone(),
            contents: ContentCache::with_config(
                clru::CLruCacheConfig::new(capacity).with_scale(ContentWeight),
            ),
            repo,
            counting,
        }
    }

    /// The numstat of `commit` against `base` (None: the empty tree).
    pub(super) fn diff(&mut self, base: Option<Oid>, commit: Oid) -> Result<DiffStat> {
        let entries = self.entry_changes(base, commit)?;
        let mut files = Vec::with_capacity(entries.len());
        for entry in entries {
            let counts = match self.counting {
                Counting::PathsOnly => LineCounts::default(),
                Counting::Lines { max_blob_bytes } => {
                    self.line_counts(&entry, max_blob_bytes).with_context(|| {
                        format!(
                            "diffing {} in commit {commit}",
                            String::from_utf8_lossy(&entry.path)
                        )
                    })?
                }
            };
            files.push(entry.into_file_stat(counts));
        }
        Ok(DiffStat { files })
    }

    /// The non-tree entries that differ between the two trees, without reading any blob.
    fn entry_changes(&mut self, base: Option<Oid>, commit: Oid) -> Result<Vec<EntryChange>> {
        let repo = &self.repo;
        let new_tree = tree_of(repo, commit)?;
        let old_tree = match base {
            Some(b) => tree_of(repo, b)?,
            None => repo.empty_tree(),
        };
        let mut platform = old_tree
            .changes()
            .with_context(|| format!("diffing {commit}"))?;
        platform.options(|o| {
            o.track_rewrites(None);
        });
        let mut out = Vec::new();
        platform
            .for_each_to_obtain_tree_with_cache(&new_tree, &mut self.tree_cache, |change| {
                EntryChange::from_change(&change, &mut out);
                Ok(ControlFlow::Continue(()))
            })
            .map_err(|e| GitError::Diff {
                commit,
                reason: e.to_string(),
            })?;
        Ok(out)
    }

    /// Line counts of one entry change.
    fn line_counts(&mut self, entry: &EntryChange, max_blob_bytes: u64) -> Result<LineCounts> {
        let is_link = |s: &Option<Side>| s.is_some_and(|s| s.mode.is_commit());
        if is_link(&entry.old) || is_link(&entry.new) {
            return self.submodule_counts(entry);
        }
        let old = self.side_content(&entry.path, entry.old, max_blob_bytes)?;
        let new = self.side_content(&entry.path, entry.new, max_blob_bytes)?;
        Ok(match (old, new) {
            (Content::Missing, _) | (_, Content::Missing) => LineCounts::MISSING,
            (Content::Binary, _) | (_, Content::Binary) => LineCounts::BINARY,
            (Content::Text(old), Content::Text(new)) => myers_counts(&old, &new),
        })
    }

    /// Submodules (gitlinks) count one line per side, like git ("Subproject commit <id>"); a
    /// blob replaced by a gitlink (or the reverse) counts the blob's lines on its side.
    fn submodule_counts(&self, entry: &EntryChange) -> Result<LineCounts> {
        let side_lines = |side: Option<Side>| -> Result<u64> {
            match side {
                None => Ok(0),
                Some(s) if s.mode.is_commit() => Ok(1),
                Some(s) => Ok(count_lines(&blob_bytes(&self.repo, s.id)?)),
            }
        };
        Ok(LineCounts {
            added: side_lines(entry.new)?,
            deleted: side_lines(entry.old)?,
            binary: false,
            missing: false,
        })
    }

    /// The content of one side, from the cache or decoded once. An absent side is empty.
    fn side_content(
        &mut self,
        path: &[u8],
        side: Option<Side>,
        max_blob_bytes: u64,
    ) -> Result<Content> {
        let Some(side) = side else {
            return Ok(Content::Text(Arc::from(&[][..])));
        };
        let key = ContentKey {
            path: path.to_vec(),
            id: side.id,
            link: side.mode.is_link(),
        };
        if let Some(c) = self.contents.get(&key) {
            return Ok(c.clone());
        }
        let content = self.decode(path, side, max_blob_bytes)?;
        // Too heavy for the cache: used once, then dropped.
        let _ = self.contents.put_with_weight(key, content.clone());
        Ok(content)
    }

    /// Read and convert one blob: missing, over the size limit, binary (content or
    /// attributes), or text.
    fn decode(&mut self, path: &[u8], side: Side, max_blob_bytes: u64) -> Result<Content> {
        let repo = &self.repo;
        if !repo.has_object(side.id) {
            return Ok(Content::Missing);
        }
        if max_blob_bytes > 0 {
            let size = repo
                .find_header(side.id)
                .map_err(|e| GitError::Blob {
                    id: to_oid(side.id),
                    reason: e.to_string(),
                })?
                .size();
            if size > max_blob_bytes {
                return Ok(Content::Binary);
            }
        }
        let set = self.blob_cache.set_resource(
            side.id,
            side.mode.kind(),
            path.as_bstr(),
            ResourceKind::OldOrSource,
            &repo.objects,
        );
        let content = match set {
            Err(e) => Err(GitError::Blob {
                id: to_oid(side.id),
                reason: e.to_string(),
            }
            .into()),
            Ok(()) => Ok(
                match self
                    .blob_cache
                    .resource(ResourceKind::OldOrSource)
                    .map(|r| r.data)
                {
                    Some(Data::Buffer { buf, .. }) => Content::Text(Arc::from(buf)),
                    Some(Data::Binary { .. }) => Content::Binary,
                    Some(Data::Missing) | None => Content::Text(Arc::from(&[][..])),
                },
            ),
        };
        self.blob_cache.clear_resource_cache_keep_allocation();
        content
    }
}

/// Added and deleted lines between two texts: Myers over lines with their terminators, which
/// is what git counts (`a` vs `a\n` and CRLF vs LF are changes).
fn myers_counts(old: &[u8], new: &[u8]) -> LineCounts {
    use gix::diff::blob::{sources::byte_lines, Algorithm, Diff, InternedInput};
    let input = InternedInput::new(byte_lines(old), byte_lines(new));
    let d = Diff::compute(Algorithm::Myers, &input);
    LineCounts {
        added: u64::from(d.count_additions()),
        deleted: u64::from(d.count_removals()),
        binary: false,
        missing: false,
    }
}

fn tree_of(repo: &gix::Repository, commit: Oid) -> Result<gix::Tree<'_>> {
    let c = repo
        .find_commit(to_gix(&commit))
        .map_err(|e| GitError::MissingCommit {
            id: commit,
            reason: e.to_string(),
        })?;
    Ok(c.tree().map_err(|e| GitError::TreeMissing {
        commit,
        reason: e.to_string(),
    })?)
}

fn blob_bytes(repo: &gix::Repository, id: gix::ObjectId) -> Result<Vec<u8>> {
    Ok(repo
        .find_object(id)
        .map_err(|e| GitError::Blob {
            id: to_oid(id),
            reason: e.to_string(),
        })?
        .data
        .clone())
}

fn count_lines(data: &[u8]) -> u64 {
    if data.is_empty() {
        return 0;
    }
    let n = data.iter().filter(|&&b| b == b'\n').count() as u64;
    if data.last() == Some(&b'\n') {
        n
    } else {
        n + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_keep_line_terminators() {
        // A missing final newline and CRLF -> LF are changes, as git counts them.
        assert_eq!(myers_counts(b"a", b"a\n").added, 1);
        assert_eq!(myers_counts(b"a", b"a\n").deleted, 1);
        let crlf = myers_counts(b"x\r\ny\r\n", b"x\ny\r\n");
        assert_eq!((crlf.added, crlf.deleted), (1, 1));
        let grow = myers_counts(b"1\n2\n", b"1\n2\n3\n4\n");
        assert_eq!((grow.added, grow.deleted), (2, 0));
        assert_eq!(myers_counts(b"", b"").added, 0);
    }

    #[test]
    fn line_count_of_a_blob() {
        assert_eq!(count_lines(b""), 0);
        assert_eq!(count_lines(b"a"), 1);
        assert_eq!(count_lines(b"a\nb\n"), 2);
        assert_eq!(count_lines(b"a\nb"), 2);
    }

    #[test]
    fn content_weight_counts_bytes() {
        let key = ContentKey {
            path: b"src/a.rs".to_vec(),
            id: gix::ObjectId::null(gix::hash::Kind::Sha1),
            link: false,
        };
        let w = clru::WeightScale::weight(
            &ContentWeight,
            &key,
            &Content::Text(Arc::from(&b"12345"[..])),
        );
        assert_eq!(w, 8 + 5);
        assert_eq!(
            clru::WeightScale::weight(&ContentWeight, &key, &Content::Binary),
            8
        );
    }
}
