//! Stage `remerge_landings` (`analyze --remerge`): plan each landed change's merge, redo the
//! merges in memory in parallel (`git`; outcomes of earlier runs from the cache, with a progress
//! bar), record the outcomes on the changes and aggregate them (`history::remerge`).

use super::{Measured, OpenHistory, Options, Progress, DEFAULT_MAX_BLOB_BYTES};
use crate::git::{RemergeJob, RemergeOptions, BUDGET_SPENT};
use crate::history::graph::CommitGraph;
use crate::history::remerge::{self, Plan};
use crate::model::{Oid, Strategy};
use anyhow::Result;
use std::collections::HashMap;

/// `--remerge-budget` when not given.
pub const DEFAULT_REMERGE_BUDGET_SECS: u64 = 600;

/// Re-merge every merge and every squash whose PR head is in the clone; fills each change's
/// `remerge` and `measured.remerge`. Does nothing without `--remerge`.
pub fn remerge_landings(
    open: &OpenHistory,
    measured: &mut Measured,
    opts: &Options,
    progress: &Progress,
) -> Result<()> {
    let Some(budget) = opts.remerge else {
        return Ok(());
    };
    let repo = &open.ctx.repo;
    let changes = &mut measured.changes;
    // Parents of the merges and squashes, read in parallel.
    let ids: Vec<_> = changes
        .iter()
        .filter(|c| {
            matches!(
                c.strategy,
                Strategy::Merge | Strategy::Octopus | Strategy::Squash
            )
        })
        .map(|c| c.commit)
        .collect();
    let parents: HashMap<_, _> = repo
        .commits(&ids)?
        .into_iter()
        .map(|c| (c.id, c.parents))
        .collect();
    let mut jobs = Vec::new();
    let mut index = Vec::new();
    for (i, c) in changes.iter_mut().enumerate() {
        let Some(p) = parents.get(&c.commit) else {
            continue;
        };
        match remerge::plan(c, p, &open.pr_heads) {
            Some(Plan::Merge(job)) => {
                jobs.push(job);
                index.push(i);
            }
            Some(Plan::Skip(reason)) => c.remerge = Some(remerge::skipped(reason)),
            None => {}
        }
    }
    progress.say(&format!("re-merging {} merges and squashes", jobs.len()));
    let remerge_opts = RemergeOptions {
        deadline: Some(std::time::Instant::now() + budget),
        max_blob_bytes: opts
            .config
            .size
            .max_blob_bytes
            .unwrap_or(DEFAULT_MAX_BLOB_BYTES),
    };
    let done = {
        let bar = progress.bar(jobs.len() as u64, "re-merges");
        let tick = |n: u64| bar.inc(n);
        // Merge bases only for the merges the cache lacks.
        let (graph, shallow) = (&open.graph, open.ctx.facts.shallow);
        let prepare = |jobs: &mut [RemergeJob]| {
            use rayon::prelude::*;
            jobs.par_iter_mut()
                .for_each(|job| job.base = single_base(graph, shallow, job));
        };
        let cache = open.cache.as_ref();
        crate::cache::remerge::remerges(repo, cache, &jobs, remerge_opts, &prepare, &tick)?
    };
    progress.say(&format!(
        "re-merges done: {} merged, {} from the cache",
        done.merged, done.cached
    ));
    let outcomes = done.outcomes;
    for (i, outcome) in index.into_iter().zip(outcomes) {
        let r = remerge::result(&changes[i], outcome);
        changes[i].remerge = Some(r);
    }
    let m = remerge::metrics(changes);
    if let Some(n) = m.skipped_reasons.get(BUDGET_SPENT) {
        measured.warnings.push(format!(
            "{n} merges were not re-merged within the --remerge-budget of {} s; raise it to re-merge them",
            budget.as_secs()
        ));
    }
    measured.remerge = Some(m);
    Ok(())
}

/// The merge base of a job when the loaded commit graph finds exactly one: an in-memory query,
/// where the repository's own merge-base walk decodes commits (git/git: 4.8 of 13 CPU seconds
/// over 90 days of merges). A shallow clone's graph stops at its boundary, so there the
/// repository decides.
fn single_base(graph: &CommitGraph, shallow: bool, job: &RemergeJob) -> Option<Oid> {
    if shallow {
        return None;
    }
    match graph.merge_bases(&job.ours, &job.theirs)?.as_slice() {
        [base] => Some(*base),
        _ => None,
    }
}
