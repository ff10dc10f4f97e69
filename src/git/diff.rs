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

/// Bytes of decoded blob contents one worker keeps (halved with the delta-base cache in
/// `Repo::open`: together 130 MB less at 4% more CPU on a large history).
const CONTENT_CACHE_BYTES: usize = 16 * 1024 * 1024;

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
///
/// The lines both texts share at their start and end are hashed once, not once per side: the
/// token sequences handed to Myers are the same as interning both whole texts (Myers trims the
/// common ends itself, but counts every token of the whole input first, so the ends must stay
/// in the input). An empty side needs no diff at all.
fn myers_counts(old: &[u8], new: &[u8]) -> LineCounts {
    use gix::diff::blob::{sources::byte_lines, Algorithm, Diff, Interner};
    let counts = |added, deleted| LineCounts {
        added,
        deleted,
        binary: false,
        missing: false,
    };
    if old.is_empty() || new.is_empty() || old == new {
        let (added, deleted) = if old == new {
            (0, 0)
        } else {
            (count_lines(new), count_lines(old))
        };
        return counts(added, deleted);
    }
    let p = common_line_prefix(old, new);
    let (old_rest, new_rest) = (&old[p..], &new[p..]);
    let s = common_line_suffix(old_rest, new_rest);
    let (old_mid, new_mid) = (
        &old_rest[..old_rest.len() - s],
        &new_rest[..new_rest.len() - s],
    );
    let suffix = &old_rest[old_rest.len() - s..];
    let mut interner = Interner::new(old.len().max(new.len()) / 32 + 16);
    let head: Vec<_> = byte_lines(&old[..p]).map(|l| interner.intern(l)).collect();
    let tail: Vec<_> = byte_lines(suffix).map(|l| interner.intern(l)).collect();
    let [before, after] = [old_mid, new_mid].map(|mid| {
        let mut v = Vec::with_capacity(head.len() + tail.len() + mid.len() / 32);
        v.extend_from_slice(&head);
        v.extend(byte_lines(mid).map(|l| interner.intern(l)));
        v.extend_from_slice(&tail);
        v
    });
    let mut d = Diff::default();
    d.compute_with(Algorithm::Myers, &before, &after, interner.num_tokens());
    counts(
        u64::from(d.count_additions()),
        u64::from(d.count_removals()),
    )
}

/// The length of the whole lines (terminators included) both texts start with.
fn common_line_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = common_prefix_len(a, b);
    a[..n]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1)
}

/// The length of the whole lines both texts end with (the last may lack a terminator): a
/// common tail that starts a line in both.
fn common_line_suffix(a: &[u8], b: &[u8]) -> usize {
    let n = common_suffix_len(a, b);
    let starts_line = |t: &[u8]| t.len() == n || t[t.len() - n - 1] == b'\n';
    if n == 0 || (starts_line(a) && starts_line(b)) {
        return n;
    }
    let tail = &a[a.len() - n..];
    tail.iter()
        .position(|&c| c == b'\n')
        .map_or(0, |i| n - i - 1)
}

/// The length of the common prefix of two byte strings, compared 16 bytes at a time.
fn common_prefix_len(a: &[u8], b: &[u8]) -> usize {
    let wide = a
        .chunks_exact(16)
        .zip(b.chunks_exact(16))
        .take_while(|(x, y)| x == y)
        .count()
        * 16;
    wide + a[wide..]
        .iter()
        .zip(&b[wide..])
        .take_while(|(x, y)| x == y)
        .count()
}

/// The length of the common suffix of two byte strings, compared 16 bytes at a time.
fn common_suffix_len(a: &[u8], b: &[u8]) -> usize {
    let wide = a
        .rchunks_exact(16)
        .zip(b.rchunks_exact(16))
        .take_while(|(x, y)| x == y)
        .count()
        * 16;
    let (a, b) = (&a[..a.len() - wide], &b[..b.len() - wide]);
    wide + a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
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

    /// Myers over both whole texts, interned side by side: what `myers_counts` must equal.
    fn whole_text_counts(old: &[u8], new: &[u8]) -> (u64, u64) {
        use gix::diff::blob::{sources::byte_lines, Algorithm, Diff, InternedInput};
        let input = InternedInput::new(byte_lines(old), byte_lines(new));
        let d = Diff::compute(Algorithm::Myers, &input);
        (
            u64::from(d.count_additions()),
            u64::from(d.count_removals()),
        )
    }

    fn text(lines: &[u8], pool: &[&[u8]]) -> Vec<u8> {
        lines
            .iter()
            .flat_map(|&i| pool[usize::from(i) % pool.len()].iter().copied())
            .collect()
    }

    #[test]
    fn shared_ends_and_empty_sides_count_like_the_whole_texts() {
        let cases: &[(&[u8], &[u8])] = &[
            (b"a\nb\nc\n", b"a\nx\nc\n"),
            (b"a\nb", b"a\nb\n"),
            (b"a\nb\n", b"a\nb"),
            (b"x\na\nb", b"y\na\nb"),
            (b"ab\n", b"b\n"),
            (b"b\n", b"ab\n"),
            (b"a\n", b"a\na\n"),
            (b"a\na\n", b"a\n"),
            (b"", b"a\nb"),
            (b"a\nb", b""),
            (b"same\n", b"same\n"),
            (b"\n\n\n", b"\n\n"),
            (b"a\r\nb\r\n", b"a\nb\r\n"),
        ];
        for (old, new) in cases {
            let c = myers_counts(old, new);
            assert_eq!(
                (c.added, c.deleted),
                whole_text_counts(old, new),
                "{:?} -> {:?}",
                String::from_utf8_lossy(old),
                String::from_utf8_lossy(new)
            );
        }
    }

    #[test]
    fn common_ends_are_found_across_the_wide_comparisons() {
        let long = b"0123456789abcdef0123456789abcdef";
        for cut in [0, 1, 15, 16, 17, 31, 32] {
            let mut a = long[..cut].to_vec();
            let mut b = a.clone();
            a.extend_from_slice(b"X-tail");
            b.extend_from_slice(b"Y-tail");
            assert_eq!(common_prefix_len(&a, &b), cut);
            let (ra, rb): (Vec<u8>, Vec<u8>) = (
                a.iter().rev().copied().collect(),
                b.iter().rev().copied().collect(),
            );
            assert_eq!(common_suffix_len(&ra, &rb), cut);
        }
        assert_eq!(common_prefix_len(long, &long[..20]), 20);
        assert_eq!(common_suffix_len(long, &long[12..]), 20);
        // Whole lines only: the shared "ab" of "ab\nc" and "ab\nd" is one line, the shared
        // "\nz" of "x\nz" and "yy\nz" starts a line in both.
        assert_eq!(common_line_prefix(b"ab\nc", b"ab\nd"), 3);
        assert_eq!(common_line_prefix(b"abc", b"abd"), 0);
        assert_eq!(common_line_suffix(b"x\nz", b"yy\nz"), 1);
        assert_eq!(common_line_suffix(b"xz", b"yz"), 0);
        assert_eq!(common_line_suffix(b"z", b"a\nz"), 1);
    }

    proptest::proptest! {
        #![proptest_config(crate::fuzzing::config())]
        /// Random texts over a small pool of lines (many repeats, lines without terminators,
        /// CRLF), edited at random; long ones reach the cost heuristics of Myers.
        #[test]
        fn fuzz_myers_counts_equal_whole_text_interning(
            base in proptest::collection::vec(0u8..12, 0..400),
            edits in proptest::collection::vec((0usize..400, 0u8..12, 0u8..3), 0..40),
        ) {
            let pool: &[&[u8]] = &[
                b"a\n", b"b\n", b"c\n", b"}\n", b"\n", b"a", b"x\r\n", b"  return;\n",
                b"b", b"{\n", b"d\n", b"\tfoo();\n",
            ];
            let old = text(&base, pool);
            let mut lines = base.clone();
            for (at, line, op) in edits {
                let at = at.min(lines.len());
                match op {
                    0 => lines.insert(at, line),
                    1 if at < lines.len() => { lines.remove(at); }
                    _ if at < lines.len() => lines[at] = line,
                    _ => lines.push(line),
                }
            }
            let new = text(&lines, pool);
            let c = myers_counts(&old, &new);
            proptest::prop_assert_eq!((c.added, c.deleted), whole_text_counts(&old, &new));
        }
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
