//! Re-merges (`analyze --remerge`): merge two commits again, in memory, the way git's default
//! `ort` strategy does, and compare the result with the tree the history recorded. Nothing is
//! written to the repository.

use super::{to_gix, Repo};
use crate::model::Oid;
use anyhow::{Context, Result};
use gix::bstr::ByteSlice;
use rayon::prelude::*;

/// One re-merge: merge `theirs` into `ours` again and compare the result with the tree of
/// `recorded` (the merge or squash commit the history holds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RemergeJob {
    pub ours: Oid,
    pub theirs: Oid,
    pub recorded: Oid,
    /// The one merge base of `ours` and `theirs`, when the caller's commit graph found exactly
    /// one (an in-memory query on generation numbers). None: the merge finds its bases itself
    /// (several bases, unrelated histories, or commits the graph lacks), a walk that decodes
    /// commits from the repository.
    pub base: Option<Oid>,
}

/// What a re-merge found. Paths are repository-relative, sorted, lossily UTF-8.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RemergeOutcome {
    Merged {
        /// Paths git would leave unmerged in the index (stages 1-3), as `git merge-tree
        /// --write-tree --name-only` lists them.
        conflicted: Vec<String>,
        /// Paths whose entry differs between the re-merged tree and the recorded one.
        differs: Vec<String>,
    },
    /// The merge could not be done: why (missing objects, the time budget).
    Skipped(String),
}

/// The reason of a re-merge not started before the deadline.
pub const BUDGET_SPENT: &str = "time budget spent";

/// Options of [`Repo::remerge`].
#[derive(Clone, Copy, Debug)]
pub struct RemergeOptions {
    /// Jobs not started by then are skipped.
    pub deadline: Option<std::time::Instant>,
    /// Blobs larger than this merge as binary (git's core.bigFileThreshold).
    pub max_blob_bytes: u64,
}

impl Repo {
    /// Redo each merge in parallel, in input order. Nothing is written to the repository: every
    /// object the merge produces (merged blobs, trees, virtual merge bases) stays in memory.
    /// `tick(1)` after each job (for a progress bar).
    pub fn remerge(
        &self,
        jobs: &[RemergeJob],
        opts: RemergeOptions,
        tick: &(dyn Fn(u64) + Sync),
    ) -> Result<Vec<RemergeOutcome>> {
        let diff_proto = self.diff_prototype()?;
        let ts = &self.ts;
        // A few chunks per thread: each has one worker and one commit graph, which keeps the
        // commits its merge-base walks read for the next merges of the chunk.
        let chunk = jobs.len().div_ceil(rayon::current_num_threads() * 4).max(1);
        let chunks: Vec<Vec<RemergeOutcome>> = jobs
            .par_chunks(chunk)
            .map(|chunk| {
                let worker =
                    RemergeWorker::new(ts.to_thread_local(), &diff_proto, opts.max_blob_bytes);
                let (worker, mut platforms) = match worker {
                    Ok(w) => w,
                    Err(e) => {
                        tick(chunk.len() as u64);
                        return vec![RemergeOutcome::Skipped(format!("{e:#}")); chunk.len()];
                    }
                };
                let mut graph = worker.repo.revision_graph(worker.commit_graph.as_ref());
                chunk
                    .iter()
                    .map(|job| {
                        let spent = opts
                            .deadline
                            .is_some_and(|d| std::time::Instant::now() >= d);
                        let out = if spent {
                            RemergeOutcome::Skipped(BUDGET_SPENT.to_owned())
                        } else {
                            worker.run(job, &mut graph, &mut platforms)
                        };
                        tick(1);
                        out
                    })
                    .collect()
            })
            .collect();
        Ok(chunks.into_iter().flatten().collect())
    }
}

/// The commit graph of the merge-base walks, kept over a worker's merges.
type RevGraph<'a> = gix::revwalk::Graph<
    'a,
    'a,
    gix::revwalk::graph::Commit<gix::revision::plumbing::merge_base::Flags>,
>;

/// The resource caches of a worker's merges (mutable while its repository is borrowed).
struct Platforms {
    diff_cache: gix::diff::blob::Platform,
    blob_merge: gix::merge::blob::Platform,
}

/// The merge settings every re-merge runs with, as text (rename similarity and limit, diff
/// algorithm, conflict style): what an outcome depends on besides the commits, for the key of
/// the cached outcomes.
pub fn remerge_settings() -> String {
    format!("{:?}", RemergeWorker::options())
}

/// Per-chunk state of the re-merges: an in-memory repository handle and the commit-graph file;
/// its [`Platforms`] beside it.
struct RemergeWorker {
    repo: gix::Repository,
    commit_graph: Option<gix::commitgraph::Graph>,
}

impl RemergeWorker {
    fn new(
        repo: gix::Repository,
        diff_proto: &gix::diff::blob::Platform,
        max_blob_bytes: u64,
    ) -> Result<(RemergeWorker, Platforms)> {
        use gix::merge::plumbing::blob as mblob;
        use gix::worktree::stack::state::attributes::Source;
        // Objects written by the merge stay in memory; the object cache spares re-reading the
        // trees each side shares.
        let mut repo = repo.with_object_memory();
        repo.object_cache_size_if_unset(32 * 1024 * 1024);
        let commit_graph = repo.commit_graph_if_enabled().ok().flatten();
        // Attributes as for the diffs: none from HEAD in a bare repository, like git. No
        // configured merge drivers: they would run programs, and git's defaults are the measure.
        let empty = gix::index::State::new(repo.object_hash());
        let attrs = repo
            .attributes_only(&empty, Source::IdMapping)
            .context("setting up attributes for re-merges")?
            .detach();
        let pipeline = mblob::Pipeline::new(
            Default::default(),
            gix::filter::plumbing::Pipeline::new(
                Default::default(),
                repo.object_hash(),
                Default::default(),
            ),
            mblob::pipeline::Options {
                large_file_threshold_bytes: max_blob_bytes,
            },
        );
        let blob_merge = mblob::Platform::new(
            pipeline,
            mblob::pipeline::Mode::ToGit,
            attrs,
            Vec::new(),
            Default::default(),
        );
        Ok((
            RemergeWorker { repo, commit_graph },
            Platforms {
                diff_cache: diff_proto.clone(),
                blob_merge,
            },
        ))
    }

    /// git's `ort` defaults: rename detection at 50% similarity with a limit of 7000, histogram
    /// diffs for content merges, all merge bases merged into one virtual base.
    fn options() -> gix::merge::plumbing::commit::Options {
        use gix::merge::plumbing::blob::builtin_driver::text;
        gix::merge::plumbing::commit::Options {
            allow_missing_merge_base: true,
            use_first_merge_base: false,
            tree_merge: gix::merge::plumbing::tree::Options {
                rewrites: Some(gix::diff::Rewrites {
                    copies: None,
                    percentage: Some(0.5),
                    limit: 7000,
                    track_empty: false,
                }),
                blob_merge: gix::merge::plumbing::blob::platform::merge::Options {
                    is_virtual_ancestor: false,
                    resolve_binary_with: None,
                    text: text::Options {
                        diff_algorithm: gix::diff::blob::Algorithm::Histogram,
                        conflict: text::Conflict::Keep {
                            style: text::ConflictStyle::Merge,
                            marker_size: text::Conflict::DEFAULT_MARKER_SIZE
                                .try_into()
                                .unwrap_or(std::num::NonZeroU8::MIN),
                        },
                    },
                },
                blob_merge_command_ctx: Default::default(),
                fail_on_conflict: None,
                marker_size_multiplier: 0,
                symlink_conflicts: None,
                tree_conflicts: None,
            },
        }
    }

    fn run(&self, job: &RemergeJob, graph: &mut RevGraph<'_>, p: &mut Platforms) -> RemergeOutcome {
        let out = self.merge(job, graph, p);
        // Forget what this merge wrote, so memory stays flat over thousands of merges.
        self.repo.objects.reset_object_memory();
        match out {
            Ok(o) => o,
            Err(e) => RemergeOutcome::Skipped(format!("{e:#}")),
        }
    }

    fn merge(
        &self,
        job: &RemergeJob,
        graph: &mut RevGraph<'_>,
        p: &mut Platforms,
    ) -> Result<RemergeOutcome> {
        for id in [job.ours, job.theirs, job.recorded] {
            if !self.repo.has_object(to_gix(&id)) {
                return Ok(RemergeOutcome::Skipped(format!(
                    "commit {id} is missing from the clone"
                )));
            }
        }
        let renames = match self.fast_paths(job, &mut p.diff_cache)? {
            Route::Done(outcome) => return Ok(outcome),
            Route::Full { renames } => renames,
        };
        let (tree_id, conflicted) = self.full_merge(job, renames, graph, p)?;
        let merged = self
            .repo
            .find_tree(tree_id)
            .map_err(|e| anyhow::anyhow!("reading the re-merged tree: {e}"))?;
        let recorded = tree_of(&self.repo, job.recorded)?;
        let differs = if recorded.id == tree_id {
            Vec::new()
        } else {
            let mut d = changed_files(&merged, &recorded, &mut p.diff_cache, job.recorded)?;
            d.sort();
            d.dedup();
            d
        };
        Ok(RemergeOutcome::Merged {
            conflicted,
            differs,
        })
    }

    /// The merge itself: the merged tree (in memory) and the paths git would leave
    /// conflicted, sorted. Without `renames`, rename detection is off (see
    /// [`SideChanges::renames_matter`] for when that changes nothing).
    fn full_merge(
        &self,
        job: &RemergeJob,
        renames: bool,
        graph: &mut RevGraph<'_>,
        p: &mut Platforms,
    ) -> Result<(gix::ObjectId, Vec<String>)> {
        use gix::merge::plumbing::tree::{apply_index_entries::RemovalMode, TreatAsUnresolved};
        use gix::prelude::Write;
        let repo = &self.repo;
        let (ours, theirs) = (job.ours.to_hex(), job.theirs.to_hex());
        let mut merge = self.tree_merge(job, renames, graph, p)?;
        let tree_id = merge
            .tree
            .write(|tree| repo.write(tree))
            .map_err(|e| anyhow::anyhow!("writing the re-merged tree in memory: {e}"))?;
        let how = TreatAsUnresolved::git();
        // git's default (`merge.directoryRenames=conflict`) reports a path moved by the other
        // side's directory rename as a conflict; gix moves it and calls it resolved.
        let mut conflicted = moved_by_directory_rename(&merge.conflicts);
        if merge.has_unresolved_conflicts(how) {
            let mut index =
                gix::index::State::from_tree(&tree_id, &repo.objects, Default::default())
                    .map_err(|e| anyhow::anyhow!("listing the re-merged tree: {e}"))?;
            merge.index_changed_after_applying_conflicts(&mut index, how, RemovalMode::Prune);
            for e in index.entries() {
                if e.stage_raw() != 0 {
                    conflicted.push(e.path(&index).to_str_lossy().into_owned());
                }
            }
            conflicted.extend(distinct_type_paths(&merge.conflicts, &ours, &theirs));
        }
        conflicted.sort();
        conflicted.dedup();
        Ok((tree_id, conflicted))
    }

    /// The fast paths, with one merge base ([`RemergeJob::base`]). Sides that changed disjoint paths (no path, or
    /// directory of a path, changed by both; no deletion in a directory the other side
    /// changes, so no rename can meet the other side's work): the merge is clean and its tree
    /// takes each path from the side that changed it. Then only the recorded tree needs
    /// comparing, path by path; the content merges and rename detection are skipped. Sides
    /// that meet but where no rename can matter ([`SideChanges::renames_matter`]): the full
    /// merge without rename detection. Anything else, or no known single base: the full merge.
    fn fast_paths(
        &self,
        job: &RemergeJob,
        diff_cache: &mut gix::diff::blob::Platform,
    ) -> Result<Route> {
        let repo = &self.repo;
        let Some(base) = job.base else {
            return Ok(Route::Full { renames: true });
        };
        let base_tree = tree_of(repo, base)?;
        let ours = tree_of(repo, job.ours)?;
        let theirs = tree_of(repo, job.theirs)?;
        let o = SideChanges::new(&base_tree, &ours, diff_cache)?;
        let t = SideChanges::new(&base_tree, &theirs, diff_cache)?;
        if o.interferes(&t) {
            let renames = o.renames_matter(&t) || t.renames_matter(&o);
            return Ok(Route::Full { renames });
        }
        let recorded = tree_of(repo, job.recorded)?;
        let mut differs: Vec<String> = changed_files(&ours, &recorded, diff_cache, job.recorded)?
            .into_iter()
            .filter(|p| !t.files.contains(p.as_bytes().as_bstr()))
            .collect();
        for p in &t.files {
            if entry_at(&theirs, p.as_ref())? != entry_at(&recorded, p.as_ref())? {
                differs.push(p.to_str_lossy().into_owned());
            }
        }
        differs.sort();
        differs.dedup();
        Ok(Route::Done(RemergeOutcome::Merged {
            conflicted: Vec::new(),
            differs,
        }))
    }
}

/// What [`RemergeWorker::fast_paths`] decided.
enum Route {
    /// Merged without the full merge (disjoint sides).
    Done(RemergeOutcome),
    /// The full merge, with rename detection or without.
    Full { renames: bool },
}

/// The tree of a commit.
fn tree_of(repo: &gix::Repository, commit: Oid) -> Result<gix::Tree<'_>> {
    repo.find_commit(to_gix(&commit))
        .and_then(|c| c.tree())
        .map_err(|e| anyhow::anyhow!("reading the tree of {commit}: {e}"))
}

/// The paths of the non-tree entries that differ between two trees (no rename tracking).
fn changed_files(
    from: &gix::Tree<'_>,
    to: &gix::Tree<'_>,
    cache: &mut gix::diff::blob::Platform,
    what: Oid,
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut platform = from
        .changes()
        .with_context(|| format!("comparing with {what}"))?;
    platform.options(|o| {
        o.track_rewrites(None);
    });
    platform
        .for_each_to_obtain_tree_with_cache(to, cache, |change| {
            if !change.entry_mode().is_tree() {
                out.push(change.location().to_str_lossy().into_owned());
            }
            Ok(std::ops::ControlFlow::Continue(()))
        })
        .map_err(|e| anyhow::anyhow!("comparing with {what}: {e}"))?;
    Ok(out)
}

/// The mode and object at `path` of a tree; None when absent.
fn entry_at(
    tree: &gix::Tree<'_>,
    path: &gix::bstr::BStr,
) -> Result<Option<(gix::objs::tree::EntryMode, gix::ObjectId)>> {
    let e = tree
        .lookup_entry(path.split(|b| *b == b'/'))
        .map_err(|e| anyhow::anyhow!("looking up {path}: {e}"))?;
    Ok(e.map(|e| (e.mode(), e.object_id())))
}

/// What one side of a merge changed against the merge base: every changed non-tree path,
/// the directories holding them, and the directories holding deletions (where a rename, of a
/// file or a directory, may start).
struct SideChanges {
    files: std::collections::HashSet<gix::bstr::BString>,
    dirs: std::collections::HashSet<gix::bstr::BString>,
    deletion_dirs: std::collections::HashSet<gix::bstr::BString>,
    /// Deleted and added non-tree paths: the sources and destinations a rename pairs.
    deleted: Vec<gix::bstr::BString>,
    added: Vec<gix::bstr::BString>,
    /// The directories holding deletions that are gone from the side's tree altogether: only
    /// such a directory can be renamed as a whole.
    removed_dirs: Vec<gix::bstr::BString>,
}

impl SideChanges {
    fn new(
        base: &gix::Tree<'_>,
        side: &gix::Tree<'_>,
        cache: &mut gix::diff::blob::Platform,
    ) -> Result<SideChanges> {
        use gix::object::tree::diff::Change;
        let mut out = SideChanges {
            files: Default::default(),
            dirs: Default::default(),
            deletion_dirs: Default::default(),
            deleted: Vec::new(),
            added: Vec::new(),
            removed_dirs: Vec::new(),
        };
        let mut platform = base.changes().context("comparing with the merge base")?;
        platform.options(|o| {
            o.track_rewrites(None);
        });
        platform
            .for_each_to_obtain_tree_with_cache(side, cache, |change| {
                if !change.entry_mode().is_tree() {
                    let path = change.location();
                    let deleted = matches!(change, Change::Deletion { .. });
                    for d in parent_dirs(path) {
                        out.dirs.insert(d.to_owned());
                        if deleted {
                            out.deletion_dirs.insert(d.to_owned());
                        }
                    }
                    match change {
                        Change::Deletion { .. } => out.deleted.push(path.to_owned()),
                        Change::Addition { .. } => out.added.push(path.to_owned()),
                        // No rename tracking here, so no rewrite either.
                        Change::Modification { .. } | Change::Rewrite { .. } => {}
                    }
                    out.files.insert(path.to_owned());
                }
                Ok(std::ops::ControlFlow::Continue(()))
            })
            .map_err(|e| anyhow::anyhow!("comparing with the merge base: {e}"))?;
        for d in &out.deletion_dirs {
            if entry_at(side, d.as_ref())?.is_none() {
                out.removed_dirs.push(d.clone());
            }
        }
        Ok(out)
    }

    /// Whether the two sides' changes can meet in a merge: a path both changed, a path one
    /// changed where the other changed something below it, or a deletion (a possible rename
    /// source) in a directory where the other side changed something.
    fn interferes(&self, other: &SideChanges) -> bool {
        let meets = |a: &SideChanges, b: &SideChanges| {
            a.files
                .iter()
                .any(|p| b.files.contains(p) || b.dirs.contains(p))
                || a.deletion_dirs.iter().any(|d| b.dirs.contains(d))
        };
        meets(self, other) || meets(other, self)
    }

    /// Whether rename detection on this side can change the merge. A rename pairs a deletion
    /// with an addition of the same side (copies are off), so a side without both has none.
    /// Otherwise a rename matters only where the other side's changes meet its source or its
    /// destination: the other side changed the source path, something below it, or something
    /// in a directory this side removed altogether (a directory rename would move it); or the other side
    /// changed the destination path, something below it, or a file where one of its
    /// directories goes. Where none of that holds, the renamed file lands at its destination
    /// untouched by the other side, exactly as the deletion plus the addition would: the
    /// merge with rename detection off is the same merge. git's `ort` skips the same renames
    /// ("irrelevant" sources).
    fn renames_matter(&self, other: &SideChanges) -> bool {
        if self.deleted.is_empty() || self.added.is_empty() {
            return false;
        }
        let touched = |p: &gix::bstr::BString| other.files.contains(p) || other.dirs.contains(p);
        self.deleted.iter().any(touched)
            || self.removed_dirs.iter().any(touched)
            || self
                .added
                .iter()
                .any(|p| touched(p) || parent_dirs(p.as_ref()).any(|d| other.files.contains(d)))
    }
}

/// `a/b/c` -> `a/b`, `a` (the root is no directory a rename can move).
fn parent_dirs(path: &gix::bstr::BStr) -> impl Iterator<Item = &gix::bstr::BStr> {
    path.iter()
        .enumerate()
        .filter(|(_, b)| **b == b'/')
        .map(move |(i, _)| path[..i].as_bstr())
}

/// Where git's merge puts the two sides of a file whose type differs on each side (a regular
/// file on one, a symlink or submodule on the other): the regular file moves to
/// `path~<its side>` and both paths are conflicted (both move when neither is a regular file).
/// gix reports such a clash at its path only; this lists the paths git lists.
impl RemergeWorker {
    /// gix's merge of the job, configured like git's: with one known base the tree merge
    /// against it (labelled as the commit merge labels it), else the commit merge, which
    /// finds and merges the bases itself.
    fn tree_merge<'r>(
        &'r self,
        job: &RemergeJob,
        renames: bool,
        graph: &mut RevGraph<'_>,
        p: &mut Platforms,
    ) -> Result<gix::merge::plumbing::tree::Outcome<'r>> {
        let repo = &self.repo;
        let (ours, theirs) = (job.ours.to_hex(), job.theirs.to_hex());
        let base_hex = job.base.map(|b| b.to_hex());
        let labels = gix::merge::blob::builtin_driver::text::Labels {
            ancestor: base_hex.as_deref().map(Into::into),
            current: Some(ours.as_str().into()),
            other: Some(theirs.as_str().into()),
        };
        let mut options = RemergeWorker::options();
        if !renames {
            options.tree_merge.rewrites = None;
        }
        let context = || format!("re-merging {} and {}", job.ours, job.theirs);
        let Some(base) = job.base else {
            let merged = gix::merge::plumbing::commit(
                to_gix(&job.ours),
                to_gix(&job.theirs),
                labels,
                graph,
                &mut p.diff_cache,
                &mut p.blob_merge,
                repo,
                &mut |id| id.to_hex().to_string(),
                options,
            )
            .with_context(context)?;
            return Ok(merged.tree_merge);
        };
        let [base_tree, ours_tree, theirs_tree] =
            [base, job.ours, job.theirs].map(|c| tree_of(repo, c).map(|t| t.id));
        let merged = gix::merge::plumbing::tree(
            &base_tree?,
            &ours_tree?,
            &theirs_tree?,
            labels,
            repo,
            |buf| gix::prelude::Write::write_buf(repo, gix::object::Kind::Blob, buf),
            &mut gix::diff::tree::State::default(),
            &mut p.diff_cache,
            &mut p.blob_merge,
            options.tree_merge,
        )
        .with_context(context)?;
        Ok(merged)
    }
}

/// The paths a directory rename on one side moved the other side's addition or rename to: git
/// reports each as a "file location" conflict at its new location.
fn moved_by_directory_rename(conflicts: &[gix::merge::tree::Conflict]) -> Vec<String> {
    use gix::merge::tree::Resolution;
    conflicts
        .iter()
        .filter_map(|c| match &c.resolution {
            Ok(Resolution::SourceLocationAffectedByRename { final_location }) => {
                Some(final_location.to_str_lossy().into_owned())
            }
            _ => None,
        })
        .collect()
}

fn distinct_type_paths(
    conflicts: &[gix::merge::tree::Conflict],
    ours_label: &str,
    theirs_label: &str,
) -> Vec<String> {
    use gix::merge::tree::ResolutionFailure;
    let mut out = Vec::new();
    for c in conflicts {
        if !matches!(c.resolution, Err(ResolutionFailure::Unknown)) {
            continue;
        }
        let (ours, theirs) = c.changes_in_resolution();
        let (om, tm) = (ours.entry_mode(), theirs.entry_mode());
        if ours.location() != theirs.location() || om.is_tree() || tm.is_tree() {
            continue;
        }
        if om.kind() == tm.kind() || (om.is_blob() && tm.is_blob()) {
            continue;
        }
        let path = ours.location().to_str_lossy();
        if om.is_blob() {
            out.push(format!("{path}~{ours_label}"));
        } else if tm.is_blob() {
            out.push(format!("{path}~{theirs_label}"));
        } else {
            out.push(format!("{path}~{ours_label}"));
            out.push(format!("{path}~{theirs_label}"));
        }
    }
    out
}
