//! Re-merges as measures: which landed changes would conflict if their branch were merged
//! again today, and how that relates to branch lifetime and change size.
//!
//! Plain data in, plain data out. [`plan`] says what to merge for a change (a merge commit's
//! two parents; a squash's trunk parent and its PR head), `git` does the merges in memory, and
//! [`result`] and [`metrics`] turn what it found into the per-change `remerge` record and the
//! `metrics.remerge` section. A re-merge is what git's default merge makes of the same two
//! commits, so a conflict here is a conflict the author met (or would have met: a squash
//! platform merges the PR head the same way).

use crate::git::{RemergeJob, RemergeOutcome};
use crate::history::measure::is_work;
use crate::model::{Change, Oid, Remerge, RemergeStatus, Strategy};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Per-change lists keep the first this many paths.
pub const MAX_FILES: usize = 20;
/// Example commits kept per bucket.
pub const MAX_EXAMPLES: usize = 5;

const DAY: i64 = 86_400;

/// Lifetime buckets: the same edges as the lifetime distribution.
pub const LIFETIME_BUCKETS: [(&str, i64); 5] = [
    ("<1d", DAY),
    ("1-3d", 3 * DAY),
    ("3-7d", 7 * DAY),
    ("1-3w", 21 * DAY),
    (">3w", i64::MAX),
];

/// Size buckets (lines, `size`): around the 100-line "reasonable" and 1000-line "too large"
/// of Google's review guide and the 400-line review limit.
pub const SIZE_BUCKETS: [(&str, u64); 5] = [
    ("<10", 10),
    ("10-99", 100),
    ("100-399", 400),
    ("400-999", 1000),
    ("1000+", u64::MAX),
];

/// What to re-merge for one change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan {
    /// Merge these two commits and compare with the change's commit.
    Merge(RemergeJob),
    /// Not re-merged, with the reason (an octopus merge).
    Skip(String),
}

/// The re-merge of a change whose commit has `parents`: a true merge's first and second
/// parent; a squash's trunk parent and its PR head (from `pr_heads`). None for changes that
/// are not merges (rebases, direct pushes) and squashes whose PR head is not in the clone.
pub fn plan(change: &Change, parents: &[Oid], pr_heads: &HashMap<u64, Oid>) -> Option<Plan> {
    match change.strategy {
        Strategy::Merge | Strategy::Octopus if parents.len() > 2 => Some(Plan::Skip(format!(
            "octopus merge of {} parents",
            parents.len()
        ))),
        Strategy::Merge if parents.len() == 2 => Some(Plan::Merge(RemergeJob {
            ours: parents[0],
            theirs: parents[1],
            recorded: change.commit,
            base: None,
        })),
        Strategy::Squash => {
            let head = change.pr.and_then(|n| pr_heads.get(&n))?;
            let trunk = *parents.first()?;
            Some(Plan::Merge(RemergeJob {
                ours: trunk,
                theirs: *head,
                recorded: change.commit,
                base: None,
            }))
        }
        _ => None,
    }
}

/// The per-change record of a re-merge. Evil files are the files where the recorded result
/// differs from the re-merge although they did not conflict; for squashes they are not judged.
pub fn result(change: &Change, outcome: RemergeOutcome) -> Remerge {
    match outcome {
        RemergeOutcome::Skipped(reason) => skipped(reason),
        RemergeOutcome::Merged {
            conflicted,
            differs,
        } => {
            let conflicted_set: HashSet<&str> = conflicted.iter().map(String::as_str).collect();
            let evil_files: Vec<String> = differs
                .iter()
                .filter(|p| !conflicted_set.contains(p.as_str()))
                .cloned()
                .collect();
            let judged = change.strategy == Strategy::Merge;
            Remerge {
                status: if conflicted.is_empty() {
                    RemergeStatus::Clean
                } else {
                    RemergeStatus::Conflicted
                },
                conflicted_files: Some(conflicted.len() as u64),
                files: conflicted.into_iter().take(MAX_FILES).collect(),
                reason: None,
                evil: judged.then_some(!evil_files.is_empty()),
                evil_files: if judged {
                    evil_files.into_iter().take(MAX_FILES).collect()
                } else {
                    Vec::new()
                },
            }
        }
    }
}

/// A change that was not re-merged.
pub fn skipped(reason: String) -> Remerge {
    Remerge {
        status: RemergeStatus::Skipped,
        conflicted_files: None,
        files: Vec::new(),
        reason: Some(reason),
        evil: None,
        evil_files: Vec::new(),
    }
}

/// Conflicts among the re-merged changes of one bucket.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct BucketRate {
    pub bucket: String,
    /// Changes in the bucket that were re-merged (clean or conflicted).
    pub remerged: usize,
    pub conflicted: usize,
    /// conflicted / remerged; null when nothing in the bucket was re-merged.
    pub conflict_rate: Option<f64>,
    /// The first conflicted changes of the bucket, newest first.
    pub examples: Vec<Oid>,
}

/// `metrics.remerge`: conflict rates overall, by lifetime and by size; evil merges apart.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RemergeMetrics {
    /// Changes re-merged (clean or conflicted).
    pub remerged: usize,
    pub clean: usize,
    pub conflicted: usize,
    pub skipped: usize,
    /// Why changes were skipped, with counts.
    pub skipped_reasons: BTreeMap<String, usize>,
    /// Squash merges whose PR head is not in the clone: nothing to re-merge them with.
    pub squashes_without_pr_head: usize,
    /// conflicted / remerged; null when nothing was re-merged.
    pub conflict_rate: Option<f64>,
    /// The first conflicted changes, newest first.
    pub examples: Vec<Oid>,
    /// Units of work only (no sync merges): changes with a known lifetime, per bucket.
    pub by_lifetime: Vec<BucketRate>,
    /// Re-merged units of work whose lifetime is unknown.
    pub lifetime_unknown: usize,
    /// Units of work with a known size, per bucket.
    pub by_size: Vec<BucketRate>,
    /// Merge commits judged for evil edits (re-merged true merges).
    pub evil_judged: usize,
    /// Merge commits whose recorded tree differs from the re-merge outside the conflicts.
    pub evil: usize,
    pub evil_examples: Vec<Oid>,
}

fn bucket_rows(labels: &[&str]) -> Vec<BucketRate> {
    labels
        .iter()
        .map(|l| BucketRate {
            bucket: (*l).to_owned(),
            ..BucketRate::default()
        })
        .collect()
}

fn count(row: &mut BucketRate, c: &Change, conflicted: bool) {
    row.remerged += 1;
    if conflicted {
        row.conflicted += 1;
        if row.examples.len() < MAX_EXAMPLES {
            row.examples.push(c.commit);
        }
    }
}

fn rate(conflicted: usize, total: usize) -> Option<f64> {
    (total > 0).then(|| conflicted as f64 / total as f64)
}

/// Aggregate the `remerge` records of `changes` (in their order, newest first per branch).
pub fn metrics(changes: &[Change]) -> RemergeMetrics {
    let mut m = RemergeMetrics {
        by_lifetime: bucket_rows(&LIFETIME_BUCKETS.map(|b| b.0)),
        by_size: bucket_rows(&SIZE_BUCKETS.map(|b| b.0)),
        ..RemergeMetrics::default()
    };
    for c in changes {
        let Some(r) = &c.remerge else {
            if c.strategy == Strategy::Squash {
                m.squashes_without_pr_head += 1;
            }
            continue;
        };
        let conflicted = match r.status {
            RemergeStatus::Skipped => {
                m.skipped += 1;
                let reason = r.reason.clone().unwrap_or_default();
                *m.skipped_reasons.entry(reason).or_default() += 1;
                continue;
            }
            RemergeStatus::Clean => false,
            RemergeStatus::Conflicted => true,
        };
        m.remerged += 1;
        if conflicted {
            m.conflicted += 1;
            if m.examples.len() < MAX_EXAMPLES {
                m.examples.push(c.commit);
            }
        } else {
            m.clean += 1;
        }
        if let Some(evil) = r.evil {
            m.evil_judged += 1;
            if evil {
                m.evil += 1;
                if m.evil_examples.len() < MAX_EXAMPLES {
                    m.evil_examples.push(c.commit);
                }
            }
        }
        if !is_work(c) {
            continue;
        }
        match c.lifetime_seconds {
            Some(l) => {
                let i = LIFETIME_BUCKETS
                    .iter()
                    .position(|(_, upper)| l < *upper)
                    .unwrap_or(LIFETIME_BUCKETS.len() - 1);
                count(&mut m.by_lifetime[i], c, conflicted);
            }
            None => m.lifetime_unknown += 1,
        }
        if let Some(s) = c.size {
            let i = SIZE_BUCKETS
                .iter()
                .position(|(_, upper)| s < *upper)
                .unwrap_or(SIZE_BUCKETS.len() - 1);
            count(&mut m.by_size[i], c, conflicted);
        }
    }
    m.conflict_rate = rate(m.conflicted, m.remerged);
    for row in m.by_lifetime.iter_mut().chain(m.by_size.iter_mut()) {
        row.conflict_rate = rate(row.conflicted, row.remerged);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    fn oid(n: u8) -> Oid {
        Oid([n; 20])
    }

    fn change(n: u8, strategy: Strategy, lifetime: Option<i64>, size: Option<u64>) -> Change {
        use crate::model::{Confidence, LifetimeSource};
        Change {
            commit: oid(n),
            commits: vec![oid(n)],
            target: "main".into(),
            landed_at: 0,
            strategy,
            kind: Kind::Feature,
            pr: Some(n as u64),
            platform: None,
            source_branch: None,
            branch_commits: None,
            first_commit_at: None,
            lifetime_seconds: lifetime,
            lifetime_source: LifetimeSource::Unknown,
            files_changed: None,
            lines_added: None,
            lines_deleted: None,
            size,
            confidence: Confidence::Low,
            authored: vec![],
            author: String::new(),
            subject: String::new(),
            empty_side: false,
            clock_skew: false,
            packages: None,
            remerge: None,
        }
    }

    fn merged(conflicted: &[&str], differs: &[&str]) -> RemergeOutcome {
        RemergeOutcome::Merged {
            conflicted: conflicted.iter().map(|s| s.to_string()).collect(),
            differs: differs.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn plans_follow_the_strategy() {
        let heads = HashMap::from([(7u64, oid(70))]);
        let m = change(1, Strategy::Merge, None, None);
        assert_eq!(
            plan(&m, &[oid(10), oid(11)], &heads),
            Some(Plan::Merge(RemergeJob {
                ours: oid(10),
                theirs: oid(11),
                recorded: oid(1),
                base: None,
            }))
        );
        let o = change(2, Strategy::Octopus, None, None);
        assert_eq!(
            plan(&o, &[oid(10), oid(11), oid(12)], &heads),
            Some(Plan::Skip("octopus merge of 3 parents".into()))
        );
        let s = change(7, Strategy::Squash, None, None);
        assert_eq!(
            plan(&s, &[oid(10)], &heads),
            Some(Plan::Merge(RemergeJob {
                ours: oid(10),
                theirs: oid(70),
                recorded: oid(7),
                base: None,
            }))
        );
        // A squash without its PR head, a rebase and a direct push: nothing to re-merge.
        let lost = change(8, Strategy::Squash, None, None);
        assert_eq!(plan(&lost, &[oid(10)], &heads), None);
        assert_eq!(
            plan(&change(3, Strategy::Rebase, None, None), &[oid(10)], &heads),
            None
        );
        assert_eq!(
            plan(&change(4, Strategy::Direct, None, None), &[oid(10)], &heads),
            None
        );
    }

    #[test]
    fn evil_files_are_differences_outside_the_conflicts() {
        let m = change(1, Strategy::Merge, None, None);
        let r = result(&m, merged(&["a.txt"], &["a.txt", "notes.txt"]));
        assert_eq!(r.status, RemergeStatus::Conflicted);
        assert_eq!(r.conflicted_files, Some(1));
        assert_eq!(r.files, vec!["a.txt"]);
        assert_eq!(r.evil, Some(true));
        assert_eq!(r.evil_files, vec!["notes.txt"]);
        // A resolved conflict alone is not evil.
        let r = result(&m, merged(&["a.txt"], &["a.txt"]));
        assert_eq!((r.evil, r.evil_files.len()), (Some(false), 0));
        // Squashes are not judged for evil edits.
        let s = change(2, Strategy::Squash, None, None);
        let r = result(&s, merged(&[], &["x"]));
        assert_eq!((r.status, r.evil), (RemergeStatus::Clean, None));
        let r = result(&m, RemergeOutcome::Skipped("time budget spent".into()));
        assert_eq!(r.status, RemergeStatus::Skipped);
        assert_eq!(r.conflicted_files, None);
        assert_eq!(r.reason.as_deref(), Some("time budget spent"));
        // Only the first 20 files are listed; the count is exact.
        let many: Vec<String> = (0..25).map(|i| format!("f{i:02}")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        let r = result(&m, merged(&refs, &[]));
        assert_eq!((r.conflicted_files, r.files.len()), (Some(25), 20));
    }

    #[test]
    fn rates_by_lifetime_and_size() {
        let h = 3600;
        let mut changes = vec![
            change(1, Strategy::Merge, Some(2 * h), Some(5)),
            change(2, Strategy::Merge, Some(2 * DAY), Some(50)),
            change(3, Strategy::Merge, Some(2 * DAY + h), Some(150)),
            change(4, Strategy::Merge, Some(30 * DAY), Some(2000)),
            change(5, Strategy::Squash, None, Some(5)),
            change(6, Strategy::Merge, Some(h), Some(1)),
            change(7, Strategy::Squash, Some(h), Some(1)),
        ];
        changes[5].kind = Kind::Sync;
        let outcomes = [
            merged(&[], &[]),
            merged(&["a"], &[]),
            merged(&[], &["evil.txt"]),
            merged(&["b", "c"], &["b"]),
            merged(&["d"], &[]),
            merged(&["e"], &[]),
        ];
        for (c, o) in changes.iter_mut().zip(outcomes) {
            let r = result(c, o);
            c.remerge = Some(r);
        }
        // #7: a squash without its PR head has no record.
        let m = metrics(&changes);
        assert_eq!((m.remerged, m.clean, m.conflicted), (6, 2, 4));
        assert_eq!(m.conflict_rate, Some(4.0 / 6.0));
        assert_eq!(m.examples, vec![oid(2), oid(4), oid(5), oid(6)]);
        assert_eq!(m.squashes_without_pr_head, 1);
        // The sync merge (#6) counts overall but in no bucket; #5's lifetime is unknown.
        let life: Vec<(usize, usize)> = m
            .by_lifetime
            .iter()
            .map(|b| (b.remerged, b.conflicted))
            .collect();
        assert_eq!(life, vec![(1, 0), (2, 1), (0, 0), (0, 0), (1, 1)]);
        assert_eq!(m.by_lifetime[1].conflict_rate, Some(0.5));
        assert_eq!(m.by_lifetime[2].conflict_rate, None);
        assert_eq!(m.by_lifetime[4].examples, vec![oid(4)]);
        assert_eq!(m.lifetime_unknown, 1);
        let size: Vec<(usize, usize)> = m
            .by_size
            .iter()
            .map(|b| (b.remerged, b.conflicted))
            .collect();
        assert_eq!(size, vec![(2, 1), (1, 1), (1, 0), (0, 0), (1, 1)]);
        // Evil: judged on the five true merges, found in #3 only (#4's difference conflicted).
        assert_eq!((m.evil_judged, m.evil), (5, 1));
        assert_eq!(m.evil_examples, vec![oid(3)]);
    }
}
