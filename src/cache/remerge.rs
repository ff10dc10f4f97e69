//! The cached re-merges (`analyze --remerge`): the outcome of every merge redone, keyed by the
//! three commits it read (ours, theirs, the recorded merge), so a re-run over unchanged history
//! merges nothing and new merges cost only themselves.
//!
//! One file per settings key (`remerge-<key>.bin`, through [`Cache::load`] and
//! [`Cache::store`]); the key covers what changes an outcome besides the commits: the merge
//! settings of [`crate::git::remerge_settings`] (rename similarity and limit, diff algorithm,
//! conflict style), the blob size limit, the attribute files and the tool version, and
//! [`PAYLOAD_VERSION`]. Only merges that ran are stored: an outcome skipped for the time budget
//! or for objects missing from the clone (which a later fetch may bring) is computed again on
//! the next run.

use super::{settings_key, warn, Cache};
use crate::git::{RemergeJob, RemergeOptions, RemergeOutcome, Repo};
use crate::model::Oid;
use anyhow::Result;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The cache file kind (its name prefix).
pub const KIND: &str = "remerge";

/// The version of [`RemergePayload`]; bump it when the payload changes shape or an outcome
/// changes meaning (2: paths moved by a directory rename count as conflicted, as in git).
pub const PAYLOAD_VERSION: u32 = 2;

/// A job's identity: (ours, theirs, recorded).
type JobKey = (Oid, Oid, Oid);

fn job_key(j: &RemergeJob) -> JobKey {
    (j.ours, j.theirs, j.recorded)
}

#[derive(Serialize, Deserialize)]
struct RemergePayload {
    /// Sorted by (ours, theirs, recorded).
    entries: Vec<RemergeEntry>,
}

#[derive(Serialize, Deserialize)]
struct RemergeEntry {
    ours: [u8; 20],
    theirs: [u8; 20],
    recorded: [u8; 20],
    /// Every conflicted path (not only the first 20 a change lists), sorted.
    conflicted: Vec<String>,
    /// Every path where the re-merge differs from the recorded tree, sorted.
    differs: Vec<String>,
}

/// The settings key of the re-merge file: merge settings, blob size limit, attribute files.
pub fn remerge_settings_key(max_blob_bytes: u64, attributes: u64) -> u64 {
    settings_key(
        KIND,
        &[
            &PAYLOAD_VERSION.to_le_bytes(),
            crate::git::remerge_settings().as_bytes(),
            &max_blob_bytes.to_le_bytes(),
            &attributes.to_le_bytes(),
        ],
    )
}

fn decode(p: RemergePayload) -> HashMap<JobKey, RemergeOutcome> {
    p.entries
        .into_iter()
        .map(|e| {
            (
                (Oid(e.ours), Oid(e.theirs), Oid(e.recorded)),
                RemergeOutcome::Merged {
                    conflicted: e.conflicted,
                    differs: e.differs,
                },
            )
        })
        .collect()
}

fn encode(known: &HashMap<JobKey, RemergeOutcome>) -> RemergePayload {
    let mut entries: Vec<RemergeEntry> = known
        .iter()
        .filter_map(|((ours, theirs, recorded), o)| match o {
            RemergeOutcome::Merged {
                conflicted,
                differs,
            } => Some(RemergeEntry {
                ours: ours.0,
                theirs: theirs.0,
                recorded: recorded.0,
                conflicted: conflicted.clone(),
                differs: differs.clone(),
            }),
            RemergeOutcome::Skipped(_) => None,
        })
        .collect();
    entries.sort_by_key(|e| (e.ours, e.theirs, e.recorded));
    RemergePayload { entries }
}

/// What [`remerges`] found: each job's outcome, in input order, and where they came from.
#[derive(Debug)]
pub struct Remerged {
    pub outcomes: Vec<RemergeOutcome>,
    /// Jobs merged in this run (not skipped).
    pub merged: usize,
    /// Jobs whose outcome came from the cache.
    pub cached: usize,
}

/// The outcome of each job: from the cache where it holds them, the rest merged (and the
/// merged ones stored). Without a cache, all merged. `tick(n)`: n more jobs done.
pub fn remerges(
    repo: &Repo,
    cache: Option<&Cache>,
    jobs: &[RemergeJob],
    opts: RemergeOptions,
    prepare: &dyn Fn(&mut [RemergeJob]),
    tick: &(dyn Fn(u64) + Sync),
) -> Result<Remerged> {
    let Some(cache) = cache else {
        let mut jobs = jobs.to_vec();
        prepare(&mut jobs);
        let outcomes = repo.remerge(&jobs, opts, tick)?;
        let merged = outcomes.iter().filter(|o| is_merged(o)).count();
        return Ok(Remerged {
            outcomes,
            merged,
            cached: 0,
        });
    };
    let key = remerge_settings_key(opts.max_blob_bytes, repo.attributes_fingerprint()?);
    let (mut known, damaged) = match cache.load::<RemergePayload>(KIND, key) {
        Ok(p) => (p.map(decode).unwrap_or_default(), false),
        Err(why) => {
            warn(&format!("{why}; it is ignored and rebuilt"));
            (HashMap::new(), true)
        }
    };
    let mut missing: Vec<RemergeJob> = Vec::new();
    let mut queued = std::collections::HashSet::new();
    for j in jobs {
        if !known.contains_key(&job_key(j)) && queued.insert(job_key(j)) {
            missing.push(*j);
        }
    }
    let cached = jobs.len() - jobs.iter().filter(|j| queued.contains(&job_key(j))).count();
    tick(cached as u64);
    prepare(&mut missing);
    let computed = repo.remerge(&missing, opts, tick)?;
    let mut skipped = HashMap::new();
    let mut merged = 0;
    for (job, outcome) in missing.iter().zip(computed) {
        if is_merged(&outcome) {
            known.insert(job_key(job), outcome);
            merged += 1;
        } else {
            skipped.insert(job_key(job), outcome);
        }
    }
    if merged > 0 || damaged {
        if let Err(e) = cache.store(KIND, key, &encode(&known)) {
            warn(&format!("{e}; the next run re-merges these merges again"));
        }
    }
    let outcomes = jobs
        .iter()
        .map(|j| {
            let k = job_key(j);
            known.get(&k).or_else(|| skipped.get(&k)).cloned()
        })
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| anyhow::anyhow!("a re-merge outcome went missing"))?;
    Ok(Remerged {
        outcomes,
        merged,
        cached,
    })
}

fn is_merged(o: &RemergeOutcome) -> bool {
    matches!(o, RemergeOutcome::Merged { .. })
}
