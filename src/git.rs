//! The only module that knows gix: opening repositories, reading refs and commits, walking
//! history, line-counting diffs and reading trees. Everything it returns is plain data from
//! [`crate::model`]. It never writes to the repository.

use crate::model::{Commit, DiffStat, EntryMode, Oid, OidSet, Signature, TreeEntry};
use anyhow::{Context, Result};
use gix::bstr::{BStr, ByteSlice};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

mod diff;
mod refs;
mod remerge;
mod walk;
use diff::{Counting, DiffWorker};
pub use refs::classify_ref_name;
pub use remerge::{remerge_settings, RemergeJob, RemergeOptions, RemergeOutcome, BUDGET_SPENT};

/// What reading the repository can fail on; each names the path, revision or object.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("{}: no such file or directory", path.display())]
    NoSuchPath { path: PathBuf },
    #[error("{} is not inside a git repository ({reason}). Run repohealth inside a clone, or pass its path.", path.display())]
    NotARepo { path: PathBuf, reason: String },
    #[error("cannot resolve revision '{spec}': {reason}")]
    UnknownRevision { spec: String, reason: String },
    #[error("revision '{spec}' does not name a commit: {reason}")]
    NotACommit { spec: String, reason: String },
    #[error("reading history: {reason}")]
    HistoryWalk { reason: String },
    #[error("cannot read HEAD of {}: {reason}", git_dir.display())]
    Head { git_dir: PathBuf, reason: String },
    #[error("the history has a cycle through commit {id}: replace refs (refs/replace/) or grafts make it its own ancestor (git stops there too, with 'replace depth too high')")]
    Cycle { id: Oid },
    #[error("blob {id} is missing or unreadable: {reason}")]
    MissingBlob { id: Oid, reason: String },
    #[error("blob {id}: {reason}")]
    Blob { id: Oid, reason: String },
    #[error("diffing commit {commit}: {reason}")]
    Diff { commit: Oid, reason: String },
    #[error("the tree of commit {commit} is missing or unreadable: {reason}")]
    TreeMissing { commit: Oid, reason: String },
    #[error("reading the tree of {commit}: {reason}")]
    Tree { commit: Oid, reason: String },
    #[error("commit {id} is missing or unreadable: {reason}")]
    MissingCommit { id: Oid, reason: String },
    #[error("commit {id} is corrupt: {reason}")]
    CorruptCommit { id: Oid, reason: String },
    /// `line` is `author` or `committer`.
    #[error("commit {id} has a corrupt {line} line: {reason}")]
    CorruptSignature {
        id: Oid,
        line: &'static str,
        reason: String,
    },
}

fn to_oid(id: impl AsRef<gix::oid>) -> Oid {
    let mut out = [0u8; 20];
    let bytes = id.as_ref().as_bytes();
    let n = bytes.len().min(20);
    out[..n].copy_from_slice(&bytes[..n]);
    Oid(out)
}

fn to_gix(id: &Oid) -> gix::ObjectId {
    gix::ObjectId::from_bytes_or_panic(&id.0)
}

/// What HEAD is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeadState {
    /// On a branch (its short name).
    Branch(String),
    /// Detached at a commit.
    Detached(Oid),
    /// A branch with no commits yet.
    Unborn(String),
}

/// Facts about the opened repository.
#[derive(Clone, Debug)]
pub struct RepoFacts {
    /// The work tree root, or the git directory of a bare repository.
    pub path: PathBuf,
    pub git_dir: PathBuf,
    pub bare: bool,
    pub shallow: bool,
    pub head: HeadState,
}

/// The model's kind of a non-tree entry.
fn file_kind(m: gix::objs::tree::EntryMode) -> EntryMode {
    if m.is_commit() {
        EntryMode::Submodule
    } else if m.is_link() {
        EntryMode::Symlink
    } else if m.is_executable() {
        EntryMode::Executable
    } else {
        EntryMode::File
    }
}

/// An open repository. Cheap to share across threads (`ThreadSafeRepository`).
pub struct Repo {
    ts: gix::ThreadSafeRepository,
    repo: gix::Repository,
    mailmap: gix::mailmap::Snapshot,
    /// Commits at the boundary of a shallow clone: their parents are not in the clone.
    shallow: OidSet,
}

impl Repo {
    /// Open the repository containing `path` (a work tree, any directory inside it, a bare
    /// repository or a linked worktree).
    pub fn open(path: &Path) -> Result<Repo> {
        if !path.exists() {
            return Err(GitError::NoSuchPath {
                path: path.to_path_buf(),
            }
            .into());
        }
        // A memory-capped delta-base cache makes numstat 15-20% faster (measured on
        // real histories). 48 MiB per thread: on git/git's full history it costs 4% more CPU
        // than 96 MiB and saves 130 MB of peak memory (docs/benchmarks.md).
        let open = gix::open::Options::default().config_overrides(["core.deltaBaseCacheLimit=48m"]);
        // A file inside a work tree stands for its directory.
        let start = if path.is_file() {
            path.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
        } else {
            path
        };
        // GIT_CEILING_DIRECTORIES and GIT_DISCOVERY_ACROSS_FILESYSTEM fence discovery, as in git.
        let fence = gix::discover::upwards::Options {
            match_ceiling_dir_or_error: false,
            ..Default::default()
        }
        .apply_environment();
        let repo = gix::discover_opts(start, fence, open).map_err(|e| {
            // A `.git` file (linked worktree, submodule) whose target is gone says so.
            let dotgit = start.join(".git");
            let pointer = std::fs::read_to_string(&dotgit)
                .ok()
                .filter(|_| dotgit.is_file())
                .map(|t| {
                    format!(
                        "; {} says \"{}\", which is not a git directory",
                        dotgit.display(),
                        t.trim()
                    )
                })
                .unwrap_or_default();
            GitError::NotARepo {
                path: path.to_path_buf(),
                reason: format!("{e}{pointer}"),
            }
        })?;
        let mailmap = repo.open_mailmap();
        let shallow = repo
            .shallow_commits()
            .ok()
            .flatten()
            .map(|c| c.iter().map(to_oid).collect())
            .unwrap_or_default();
        let ts = repo.clone().into_sync();
        Ok(Repo {
            ts,
            repo,
            mailmap,
            shallow,
        })
    }

    /// Directories `objects/info/alternates` names that do not exist (git warns about each;
    /// their objects are missing).
    pub fn missing_alternates(&self) -> Vec<PathBuf> {
        let objects = self.repo.objects.store_ref().path().to_path_buf();
        let Ok(text) = std::fs::read_to_string(objects.join("info").join("alternates")) else {
            return Vec::new();
        };
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| objects.join(l))
            .filter(|p| !p.is_dir())
            .collect()
    }

    /// A handle that can cross threads; [`SharedRepo::local`] makes a [`Repo`] on each.
    pub fn shared(&self) -> SharedRepo {
        SharedRepo {
            ts: self.ts.clone(),
            mailmap: self.mailmap.clone(),
            shallow: self.shallow.clone(),
        }
    }

    pub fn facts(&self) -> Result<RepoFacts> {
        let repo = &self.repo;
        let bare = repo.is_bare();
        let path = repo
            .workdir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| repo.git_dir().to_path_buf());
        let shallow = repo.is_shallow().unwrap_or(false);
        let head = repo.head().map_err(|e| GitError::Head {
            git_dir: repo.git_dir().to_path_buf(),
            reason: error_chain(&e),
        })?;
        let head = match head.kind {
            gix::head::Kind::Symbolic(r) => {
                HeadState::Branch(r.name.shorten().to_str_lossy().into_owned())
            }
            gix::head::Kind::Unborn(name) => {
                HeadState::Unborn(name.shorten().to_str_lossy().into_owned())
            }
            gix::head::Kind::Detached { target, .. } => HeadState::Detached(to_oid(target)),
        };
        Ok(RepoFacts {
            path,
            git_dir: repo.git_dir().to_path_buf(),
            bare,
            shallow,
            head,
        })
    }

    /// Resolve a revision (branch, tag, remote branch, commit id, `HEAD~2`, ...) to a commit.
    pub fn resolve(&self, spec: &str) -> Result<Oid> {
        let id = self
            .repo
            .rev_parse_single(spec)
            .map_err(|e| GitError::UnknownRevision {
                spec: spec.to_owned(),
                reason: e.to_string(),
            })?;
        let obj = id
            .object()
            .with_context(|| format!("reading object {id} named by '{spec}'"))?;
        let commit = obj.peel_to_commit().map_err(|e| GitError::NotACommit {
            spec: spec.to_owned(),
            reason: e.to_string(),
        })?;
        Ok(to_oid(commit.id))
    }

    /// Read and decode one commit, with the author mapped through `.mailmap`.
    pub fn commit(&self, id: Oid) -> Result<Commit> {
        read_commit(&self.repo, &self.mailmap, id)
    }

    /// Read many commits in parallel (one repository handle per thread), in input order.
    pub fn commits(&self, ids: &[Oid]) -> Result<Vec<Commit>> {
        Ok(self
            .dated_commits(ids)?
            .into_iter()
            .map(|(c, _)| c)
            .collect())
    }

    /// [`Repo::commit`], with whether its author and committer lines had a readable date.
    pub fn dated_commit(&self, id: Oid) -> Result<(Commit, bool)> {
        read_dated_commit(&self.repo, &self.mailmap, id)
    }

    /// [`Repo::commits`], each with whether its author and committer lines had a readable
    /// date (a commit without one reads as 1970: see [`warn_undated`]).
    pub fn dated_commits(&self, ids: &[Oid]) -> Result<Vec<(Commit, bool)>> {
        let ts = &self.ts;
        let mailmap = &self.mailmap;
        ids.par_iter()
            .with_min_len(64)
            .map_init(
                || ts.to_thread_local(),
                |repo, id| read_dated_commit(repo, mailmap, *id),
            )
            .collect()
    }

    /// A commit at the boundary of a shallow clone: its parents are not in the clone.
    pub fn is_shallow_boundary(&self, id: &Oid) -> bool {
        self.shallow.contains(id)
    }

    /// A fingerprint of the `.mailmap` in effect (every entry, in order): authors are what it
    /// maps them to, so a cache of commits is keyed by it.
    pub fn mailmap_fingerprint(&self) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |bytes: Option<&BStr>| {
            let bytes: &[u8] = bytes.map_or(b"\xfe", |b| b.as_ref());
            for b in bytes.iter().chain(&[0xff]) {
                h ^= u64::from(*b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        };
        for e in self.mailmap.iter() {
            feed(e.old_name());
            feed(Some(e.old_email()));
            feed(e.new_name());
            feed(e.new_email());
        }
        h
    }

    /// Every commit reachable from `tips`, with its parents, for the in-memory graph. Uses the
    /// commit-graph file when present (no object reads at all); otherwise the commits are read
    /// on every core.
    pub fn load_graph(&self, tips: &[Oid]) -> Result<crate::history::graph::CommitGraph> {
        let threads = rayon::current_num_threads();
        let has_file = self.repo.commit_graph_if_enabled().ok().flatten().is_some();
        let edges = if has_file || threads < 2 {
            self.graph_edges_one_thread(tips)?
        } else {
            walk::edges(&self.ts, tips, &self.shallow, threads)
                .map_err(|e| self.walk_failure(tips, e))?
        };
        let graph = crate::history::graph::CommitGraph::from_edges(edges);
        match graph.cycle() {
            Some(id) => Err(cycle_error(id)),
            None => Ok(graph),
        }
    }

    /// The edges of [`Repo::load_graph`] from gix's walk: the commit-graph file when there
    /// is one and it is sound, the objects otherwise.
    fn graph_edges_one_thread(&self, tips: &[Oid]) -> Result<Vec<(Oid, Vec<Oid>)>> {
        let edges = match self.graph_edges(tips, true) {
            Ok(edges) => edges,
            // A damaged commit-graph file: git falls back to the objects, and so do we.
            Err(e) if self.repo.commit_graph_if_enabled().ok().flatten().is_some() => {
                match self.graph_edges(tips, false) {
                    Ok(edges) => {
                        eprintln!(
                            "repohealth: warning: the commit-graph file in {} is damaged ({e}); read the commits instead",
                            self.repo.objects.store_ref().path().join("info").display()
                        );
                        edges
                    }
                    Err(_) => return Err(self.walk_failure(tips, e)),
                }
            }
            Err(e) => return Err(self.walk_failure(tips, e)),
        };
        Ok(edges)
    }

    /// `(commit, parents)` of the commits reachable from `tips` that `known` lacks: what the
    /// refs gained since `known` was loaded. Only those commits are read. A shallow clone's
    /// boundary commits get no parents (they are not in the clone).
    pub fn new_graph_edges(
        &self,
        known: &crate::history::graph::CommitGraph,
        tips: &[Oid],
    ) -> Result<Vec<(Oid, Vec<Oid>)>> {
        let mut out = Vec::new();
        let mut seen: OidSet = OidSet::default();
        let mut stack: Vec<Oid> = tips.to_vec();
        while let Some(id) = stack.pop() {
            if known.contains(&id) || !seen.insert(id) {
                continue;
            }
            let commit =
                self.repo
                    .find_commit(to_gix(&id))
                    .map_err(|e| GitError::MissingCommit {
                        id,
                        reason: error_chain(&e),
                    })?;
            let parents: Vec<Oid> = if self.shallow.contains(&id) {
                Vec::new()
            } else {
                commit.parent_ids().map(|p| to_oid(p.detach())).collect()
            };
            stack.extend(parents.iter().copied());
            out.push((id, parents));
        }
        Ok(out)
    }

    /// A fingerprint of what decides the parents a walk sees beyond the commits themselves:
    /// the shallow boundary and the replace refs (`refs/replace/`). A cached graph is keyed by it.
    pub fn graph_fingerprint(&self) -> Result<u64> {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |bytes: &[u8]| {
            for b in bytes.iter().chain(&[0xff]) {
                h ^= u64::from(*b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        };
        let mut shallow: Vec<&Oid> = self.shallow.iter().collect();
        shallow.sort();
        for id in shallow {
            feed(&id.0);
        }
        feed(b"replace");
        let platform = self.repo.references().context("reading references")?;
        let mut replaced: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        for r in platform
            .prefixed("refs/replace/")
            .context("listing replace refs")?
            .flatten()
        {
            let target = match r.target() {
                gix::refs::TargetRef::Object(id) => id.as_bytes().to_vec(),
                gix::refs::TargetRef::Symbolic(name) => name.as_bstr().to_vec(),
            };
            replaced.push((r.name().as_bstr().to_vec(), target));
        }
        replaced.sort();
        for (name, target) in replaced {
            feed(&name);
            feed(&target);
        }
        Ok(h)
    }

    /// `(commit, parents)` for every commit reachable from `tips`.
    fn graph_edges(
        &self,
        tips: &[Oid],
        commit_graph: bool,
    ) -> Result<Vec<(Oid, Vec<Oid>)>, String> {
        let mut edges = Vec::new();
        if tips.is_empty() {
            return Ok(edges);
        }
        let walk = self
            .repo
            .rev_walk(tips.iter().map(to_gix))
            .use_commit_graph(commit_graph)
            .all()
            .map_err(|e| error_chain(&e))?;
        for info in walk {
            let info = info.map_err(|e| error_chain(&e))?;
            let parents = info.parent_ids().map(|p| to_oid(p.detach())).collect();
            edges.push((to_oid(info.id), parents));
        }
        Ok(edges)
    }

    /// The history walk failed with `message`: name the first commit that cannot be read or
    /// decoded (a slow walk, only on this error path).
    fn walk_failure(&self, tips: &[Oid], message: String) -> anyhow::Error {
        let mut seen: OidSet = tips.iter().copied().collect();
        let mut queue: std::collections::VecDeque<Oid> = tips.iter().copied().collect();
        while let Some(id) = queue.pop_front() {
            if self.shallow.contains(&id) {
                continue;
            }
            let parents = self
                .repo
                .find_commit(to_gix(&id))
                .map_err(|e| error_chain(&e))
                .and_then(|c| {
                    c.decode()
                        .map(|d| d.parents().map(to_oid).collect::<Vec<_>>())
                        .map_err(|e| error_chain(&e))
                });
            match parents {
                Ok(parents) => queue.extend(parents.into_iter().filter(|p| seen.insert(*p))),
                Err(e) => {
                    return GitError::HistoryWalk {
                        reason: format!("commit {id} is missing or corrupt: {e}"),
                    }
                    .into()
                }
            }
        }
        GitError::HistoryWalk { reason: message }.into()
    }

    pub fn merge_base(&self, a: Oid, b: Oid) -> Result<Option<Oid>> {
        let base = self
            .repo
            .merge_base(to_gix(&a), to_gix(&b))
            .map_err(|e| anyhow::anyhow!("merge base of {a} and {b}: {e}"))?;
        Ok(base.map(to_oid))
    }

    /// The content of the blob at `path` in the tree of `commit`, if any.
    pub fn blob_at(&self, commit: Oid, path: &str) -> Result<Option<Vec<u8>>> {
        let c = self
            .repo
            .find_commit(to_gix(&commit))
            .with_context(|| format!("reading commit {commit}"))?;
        let tree = c
            .tree()
            .with_context(|| format!("reading the tree of {commit}"))?;
        let Some(entry) = tree
            .lookup_entry_by_path(path)
            .with_context(|| format!("looking up {path} in {commit}"))?
        else {
            return Ok(None);
        };
        if !entry.mode().is_blob() {
            return Ok(None);
        }
        let blob = self
            .repo
            .find_object(entry.oid())
            .with_context(|| format!("reading {path} at {commit}"))?;
        Ok(Some(blob.data.clone()))
    }

    /// The blob ids of `paths` in the tree of `commit` (None where a path is missing or is
    /// not a blob): cheap enough to follow a few manifests along a long history.
    pub fn blob_ids_at(&self, commit: Oid, paths: &[String]) -> Result<Vec<Option<Oid>>> {
        let c = self
            .repo
            .find_commit(to_gix(&commit))
            .with_context(|| format!("reading commit {commit}"))?;
        let tree = c
            .tree()
            .with_context(|| format!("reading the tree of {commit}"))?;
        let mut out = Vec::with_capacity(paths.len());
        for path in paths {
            let entry = tree
                .lookup_entry_by_path(path)
                .with_context(|| format!("looking up {path} in {commit}"))?;
            out.push(
                entry
                    .filter(|e| e.mode().is_blob())
                    .map(|e| to_oid(e.oid())),
            );
        }
        Ok(out)
    }

    /// Read a blob by id.
    pub fn blob(&self, id: Oid) -> Result<Vec<u8>> {
        let obj = self
            .repo
            .find_object(to_gix(&id))
            .map_err(|e| GitError::MissingBlob {
                id,
                reason: e.to_string(),
            })?;
        Ok(obj.data.clone())
    }

    /// Every non-tree entry of the tree of `commit`, sorted by path.
    pub fn tree_files(&self, commit: Oid) -> Result<Vec<TreeEntry>> {
        let c = self
            .repo
            .find_commit(to_gix(&commit))
            .with_context(|| format!("reading commit {commit}"))?;
        let tree = c
            .tree()
            .with_context(|| format!("reading the tree of {commit}"))?;
        let mut rec = gix::traverse::tree::Recorder::default();
        tree.traverse()
            .breadthfirst(&mut rec)
            .map_err(|e| GitError::Tree {
                commit,
                reason: e.to_string(),
            })?;
        let mut out: Vec<TreeEntry> = rec
            .records
            .into_iter()
            .filter(|e| !e.mode.is_tree())
            .map(|e| TreeEntry {
                path: e.filepath.to_vec(),
                blob: to_oid(e.oid),
                mode: file_kind(e.mode),
            })
            .collect();
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }

    /// Numstat of each `(base, commit)` pair (`base` None = the empty tree), in parallel on
    /// `threads` threads, in input order. Blobs larger than `max_blob_bytes` count as binary.
    /// `tick(n)` says n more jobs are done (for a progress bar).
    pub fn diff_stats(
        &self,
        jobs: &[(Option<Oid>, Oid)],
        max_blob_bytes: u64,
        tick: &(dyn Fn(u64) + Sync),
    ) -> Result<Vec<Result<DiffStat>>> {
        let proto = self.diff_prototype()?;
        let ts = &self.ts;
        let counting = Counting::Lines { max_blob_bytes };
        // Contiguous segments, each diffed in order by one worker: a change's old side is then
        // usually the previous change's new side, still in the worker's content cache.
        let threads = rayon::current_num_threads().max(1);
        let per = jobs.len().div_ceil(threads * 8).max(16);
        let segments: Vec<Vec<Result<DiffStat>>> = jobs
            .par_chunks(per)
            .map_init(
                || DiffWorker::new(ts.to_thread_local(), &proto, counting),
                |w, segment| {
                    segment
                        .iter()
                        .map(|(b, c)| {
                            let d = w.diff(*b, *c);
                            tick(1);
                            d
                        })
                        .collect()
                },
            )
            .collect();
        Ok(segments.into_iter().flatten().collect())
    }

    /// The paths changed from `base` (None = the empty tree) to `commit`, with blob ids and
    /// kinds but no line counts: what `affected` needs, without reading a single blob.
    pub fn changed_files(&self, base: Option<Oid>, commit: Oid) -> Result<DiffStat> {
        let proto = self.diff_prototype()?;
        DiffWorker::new(self.repo.clone(), &proto, Counting::PathsOnly).diff(base, commit)
    }

    /// A fingerprint of every attribute file the diffs read (`binary`, `-diff` decide what
    /// counts as binary): the repository's `info/attributes`, the global and system files,
    /// and in a work tree each tracked `.gitattributes` as it is on disk. Cached diff stats
    /// are keyed by it.
    pub fn attributes_fingerprint(&self) -> Result<u64> {
        let repo = &self.repo;
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |bytes: &[u8]| {
            for b in bytes.iter().chain(&[0xff]) {
                h ^= u64::from(*b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        };
        let mut files = vec![
            repo.git_dir().join("info").join("attributes"),
            PathBuf::from("/etc/gitattributes"),
        ];
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let xdg = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".config")));
        files.extend(xdg.map(|x| x.join("git").join("attributes")));
        if let Some(p) = repo.config_snapshot().string("core.attributesFile") {
            let p = p.to_str_lossy().into_owned();
            feed(p.as_bytes());
            match (p.strip_prefix("~/"), &home) {
                (Some(rest), Some(h)) => files.push(h.join(rest)),
                _ => files.push(PathBuf::from(p)),
            }
        }
        for f in &files {
            feed(f.as_os_str().as_encoded_bytes());
            feed(&std::fs::read(f).unwrap_or_default());
        }
        if let Some(work) = repo.workdir() {
            feed(b"work tree");
            let index = repo
                .index_or_empty()
                .context("reading the index for .gitattributes")?;
            for e in index.entries() {
                let path = e.path(&index);
                if path.ends_with(b".gitattributes") {
                    feed(path);
                    let on_disk = gix::path::from_bstr(path)
                        .ok()
                        .and_then(|p| std::fs::read(work.join(p)).ok());
                    match on_disk {
                        Some(text) => feed(&text),
                        None => feed(e.id.as_bytes()),
                    }
                }
            }
        }
        Ok(h)
    }

    /// The blob-diff resource cache, built once and cloned per thread. Attributes (`-diff`,
    /// `binary`) come from where git takes them for `git diff A B`: the work tree's
    /// `.gitattributes` (then the index) in a non-bare repository, none in a bare one.
    fn diff_prototype(&self) -> Result<gix::diff::blob::Platform> {
        use gix::worktree::stack::state::attributes::Source;
        let repo = &self.repo;
        let attrs = if repo.workdir().is_some() {
            let index = repo
                .index_or_empty()
                .context("reading the index for .gitattributes")?;
            repo.attributes_only(&index, Source::WorktreeThenIdMapping)
                .context("setting up attributes")?
                .detach()
        } else {
            let empty = gix::index::State::new(repo.object_hash());
            repo.attributes_only(&empty, Source::IdMapping)
                .context("setting up attributes")?
                .detach()
        };
        gix::diff::resource_cache(
            repo,
            gix::diff::blob::pipeline::Mode::ToGit,
            attrs,
            Default::default(),
        )
        .context("setting up the diff resource cache")
    }
}

/// A [`Repo`] that can be shared between threads (gix's per-thread handles are not `Sync`).
pub struct SharedRepo {
    ts: gix::ThreadSafeRepository,
    mailmap: gix::mailmap::Snapshot,
    shallow: OidSet,
}

impl SharedRepo {
    /// A repository handle for the calling thread.
    pub fn local(&self) -> Repo {
        Repo {
            ts: self.ts.clone(),
            repo: self.ts.to_thread_local(),
            mailmap: self.mailmap.clone(),
            shallow: self.shallow.clone(),
        }
    }

    /// A handle for the calling thread whose delta-base cache holds at most `bytes`: for
    /// work that reads few blobs per tree (manifests, lockfiles), where the diffs' 48 MiB per
    /// thread would only raise the peak memory.
    pub fn local_with_delta_cache(&self, bytes: usize) -> Repo {
        let mut repo = self.local();
        repo.repo.objects.set_pack_cache(move || {
            Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(bytes))
        });
        repo
    }
}

/// A commit that is its own ancestor: git's objects cannot form one, replacements can.
fn cycle_error(id: Oid) -> anyhow::Error {
    GitError::Cycle { id }.into()
}

fn lossy(b: &BStr) -> String {
    b.to_str_lossy().into_owned()
}

/// Text of a commit in the encoding its `encoding` header names, as `git log` shows it: git
/// re-encodes the whole commit (names and message) from that encoding to UTF-8. No header, a
/// UTF-8 header or an encoding nobody knows: the bytes are read as UTF-8 (invalid sequences
/// become U+FFFD, where git would print the raw bytes).
fn decode_text(b: &BStr, encoding: Option<&BStr>) -> String {
    let Some(label) = encoding.map(|e| e.trim()) else {
        return lossy(b);
    };
    // ISO-8859-1 maps each byte to the code point of the same number (what iconv does, and
    // what git therefore shows); the WHATWG label table would read it as windows-1252.
    const LATIN1: [&[u8]; 8] = [
        b"iso-8859-1",
        b"iso8859-1",
        b"iso_8859-1",
        b"latin1",
        b"latin-1",
        b"l1",
        b"cp819",
        b"ibm819",
    ];
    if LATIN1.iter().any(|l| label.eq_ignore_ascii_case(l)) {
        return b.iter().map(|&byte| char::from(byte)).collect();
    }
    match encoding_rs::Encoding::for_label_no_replacement(label) {
        Some(enc) if enc != encoding_rs::UTF_8 => enc.decode_without_bom_handling(b).0.into_owned(),
        _ => lossy(b),
    }
}

/// A commit whose author or committer line has no date, or one that does not fit 64 bits,
/// reads as 1970-01-01 (the model's times are plain seconds); say so once per run, naming
/// the first such commit read (commits are read in parallel: any one of them).
pub fn warn_undated(id: Oid) {
    use std::sync::atomic::{AtomicBool, Ordering};
    static WARNED: AtomicBool = AtomicBool::new(false);
    if !WARNED.swap(true, Ordering::Relaxed) {
        eprintln!(
            "repohealth: warning: commit {id} has no readable date in its author or committer \
             line; it counts as 1970-01-01T00:00:00Z (further such commits are not reported)"
        );
    }
}

fn read_commit(
    repo: &gix::Repository,
    mailmap: &gix::mailmap::Snapshot,
    id: Oid,
) -> Result<Commit> {
    read_dated_commit(repo, mailmap, id).map(|(c, _)| c)
}

/// A commit decoded, and whether both its signature lines had a readable date.
fn read_dated_commit(
    repo: &gix::Repository,
    mailmap: &gix::mailmap::Snapshot,
    id: Oid,
) -> Result<(Commit, bool)> {
    let dated = std::cell::Cell::new(true);
    let commit = repo
        .find_commit(to_gix(&id))
        .map_err(|e| GitError::MissingCommit {
            id,
            reason: e.to_string(),
        })?;
    let c = commit.decode().map_err(|e| GitError::CorruptCommit {
        id,
        reason: e.to_string(),
    })?;
    let text = |b: &BStr| decode_text(b, c.encoding);
    let sig = |s: gix::actor::SignatureRef<'_>| -> Signature {
        let time = match s.time() {
            Ok(t) if !s.time.trim().is_empty() => t.seconds,
            _ => {
                warn_undated(id);
                dated.set(false);
                0
            }
        };
        Signature {
            name: text(s.name),
            email: text(s.email),
            time,
        }
    };
    let author_ref = c.author().map_err(|e| GitError::CorruptSignature {
        id,
        line: "author",
        reason: e.to_string(),
    })?;
    let mut author = sig(author_ref);
    if let Some(mapped) = mailmap.try_resolve(author_ref) {
        author.name = lossy(mapped.name.as_ref());
        author.email = lossy(mapped.email.as_ref());
    }
    let committer = sig(c.committer().map_err(|e| GitError::CorruptSignature {
        id,
        line: "committer",
        reason: e.to_string(),
    })?);
    let message = text(c.message);
    let subject = text(c.message().summary().as_ref());
    let commit = Commit {
        id,
        parents: c.parents().map(to_oid).collect(),
        author,
        committer,
        subject,
        message,
    };
    Ok((commit, dated.get()))
}

/// An error and its sources, "outer: inner: innermost" (gix puts the detail in the sources).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        next = cause.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::decode_text;
    use gix::bstr::ByteSlice;

    #[test]
    fn messages_are_read_in_their_declared_encoding() {
        let latin1 = b"Caf\xe9 cr\xe8me \x80";
        for label in ["ISO-8859-1", "latin1", "iso8859-1 "] {
            // Byte for byte, as iconv does: 0x80 is U+0080, not the euro sign of windows-1252.
            assert_eq!(
                decode_text(latin1.as_bstr(), Some(label.as_bytes().as_bstr())),
                "Café crème \u{80}"
            );
        }
        assert_eq!(
            decode_text(b"\x80 1".as_bstr(), Some(b"windows-1252".as_bstr())),
            "€ 1"
        );
        // "修正" in Shift_JIS and EUC-JP.
        assert_eq!(
            decode_text(b"\x8fC\x90\xb3".as_bstr(), Some(b"Shift_JIS".as_bstr())),
            "修正"
        );
        assert_eq!(
            decode_text(b"\xbd\xa4\xc0\xb5".as_bstr(), Some(b"EUC-JP".as_bstr())),
            "修正"
        );
        // No header, UTF-8, or a name nobody knows: UTF-8, invalid bytes replaced.
        for enc in [None, Some(b"UTF-8".as_bstr()), Some(b"klingon".as_bstr())] {
            assert_eq!(
                decode_text(b"caf\xc3\xa9 \xff".as_bstr(), enc),
                "café \u{fffd}"
            );
        }
    }
}
