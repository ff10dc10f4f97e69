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
    pub fn remerge(
        &self,
        jobs: &[RemergeJob],
        opts: RemergeOptions,
    ) -> Result<Vec<RemergeOutcome>> {
        let diff_proto = self.diff_prototype()?;
        let ts = &self.ts;
        Ok(jobs
            .par_iter()
            .with_min_len(1)
            .map_init(
                || RemergeWorker::new(ts.to_thread_local(), &diff_proto, opts.max_blob_bytes),
                |worker, job| {
                    if opts
                        .deadline
                        .is_some_and(|d| std::time::Instant::now() >= d)
                    {
                        return RemergeOutcome::Skipped(BUDGET_SPENT.to_owned());
                    }
                    match worker {
                        Ok(w) => w.run(job),
                        Err(e) => RemergeOutcome::Skipped(format!("{e:#}")),
                    }
                },
            )
            .collect())
    }
}

/// Per-thread state of the re-merges: an in-memory repository handle and the resource caches.
struct RemergeWorker {
    repo: gix::Repository,
    commit_graph: Option<gix::commitgraph::Graph>,
    diff_cache: gix::diff::blob::Platform,
    blob_merge: gix::merge::blob::Platform,
}

impl RemergeWorker {
    fn new(
        repo: gix::Repository,
        diff_proto: &gix::diff::blob::Platform,
        max_blob_bytes: u64,
    ) -> Result<RemergeWorker> {
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
        Ok(RemergeWorker {
            repo,
            commit_graph,
            diff_cache: diff_proto.clone(),
            blob_merge,
        })
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

    fn run(&mut self, job: &RemergeJob) -> RemergeOutcome {
        let out = self.merge(job);
        // Forget what this merge wrote, so memory stays flat over thousands of merges.
        self.repo.objects.reset_object_memory();
        match out {
            Ok(o) => o,
            Err(e) => RemergeOutcome::Skipped(format!("{e:#}")),
        }
    }

    fn merge(&mut self, job: &RemergeJob) -> Result<RemergeOutcome> {
        use gix::merge::plumbing::tree::{apply_index_entries::RemovalMode, TreatAsUnresolved};
        use gix::prelude::Write;
        let RemergeWorker {
            repo,
            commit_graph,
            diff_cache,
            blob_merge,
        } = self;
        let repo = &*repo;
        for id in [job.ours, job.theirs, job.recorded] {
            if !repo.has_object(to_gix(&id)) {
                return Ok(RemergeOutcome::Skipped(format!(
                    "commit {id} is missing from the clone"
                )));
            }
        }
        let (ours, theirs) = (job.ours.to_hex(), job.theirs.to_hex());
        let labels = gix::merge::blob::builtin_driver::text::Labels {
            ancestor: None,
            current: Some(ours.as_str().into()),
            other: Some(theirs.as_str().into()),
        };
        let mut graph = repo.revision_graph(commit_graph.as_ref());
        let outcome = gix::merge::plumbing::commit(
            to_gix(&job.ours),
            to_gix(&job.theirs),
            labels,
            &mut graph,
            diff_cache,
            blob_merge,
            repo,
            &mut |id| id.to_hex().to_string(),
            Self::options(),
        )
        .with_context(|| format!("re-merging {} and {}", job.ours, job.theirs))?;
        let mut merge = outcome.tree_merge;
        let tree_id = merge
            .tree
            .write(|tree| repo.write(tree))
            .map_err(|e| anyhow::anyhow!("writing the re-merged tree in memory: {e}"))?;
        let how = TreatAsUnresolved::git();
        let mut conflicted = Vec::new();
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
            conflicted.sort();
            conflicted.dedup();
        }
        let recorded = repo
            .find_commit(to_gix(&job.recorded))
            .and_then(|c| c.tree())
            .map_err(|e| anyhow::anyhow!("reading the tree of {}: {e}", job.recorded))?;
        let mut differs = Vec::new();
        if recorded.id != tree_id {
            let merged = repo
                .find_tree(tree_id)
                .map_err(|e| anyhow::anyhow!("reading the re-merged tree: {e}"))?;
            let mut platform = merged
                .changes()
                .with_context(|| format!("comparing with {}", job.recorded))?;
            platform.options(|o| {
                o.track_rewrites(None);
            });
            platform
                .for_each_to_obtain_tree_with_cache(&recorded, diff_cache, |change| {
                    if !change.entry_mode().is_tree() {
                        differs.push(change.location().to_str_lossy().into_owned());
                    }
                    Ok(std::ops::ControlFlow::Continue(()))
                })
                .map_err(|e| anyhow::anyhow!("comparing with {}: {e}", job.recorded))?;
            differs.sort();
            differs.dedup();
        }
        Ok(RemergeOutcome::Merged {
            conflicted,
            differs,
        })
    }
}

/// Where git's merge puts the two sides of a file whose type differs on each side (a regular
/// file on one, a symlink or submodule on the other): the regular file moves to
/// `path~<its side>` and both paths are conflicted (both move when neither is a regular file).
/// gix reports such a clash at its path only; this lists the paths git lists.
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
