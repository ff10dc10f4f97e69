//! The measures of one period (or of a pool of periods), computed with the same functions as
//! `analyze`: [`crate::history::measure::metrics`] for lifetimes, sizes and the strategy mix.

use crate::history::branches::{LONG_LIVED_SECONDS, STALE_SECONDS};
use crate::history::measure::{self, LifetimeStats, SizeStats};
use crate::model::{Branch, Change, Kind, Strategy, Timestamp};
use crate::score::Tag;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The measures of one period.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct PeriodStats {
    /// Landed changes (every kind, as `analyze` counts them).
    pub landed: usize,
    /// Branch lifetimes of the landed changes (sync merges left out; unknown counted).
    pub lifetime: LifetimeStats,
    /// Change sizes (lines, lockfiles and generated files left out).
    pub size: SizeStats,
    pub strategy_mix: BTreeMap<String, usize>,
    /// Share of landed changes pushed directly (no branch); null without landings.
    pub direct_share: Option<f64>,
    /// Landed reverts.
    pub reverts: usize,
    /// Releases made in the period (version-like tags, one per tagged commit), oldest first.
    pub releases: Vec<String>,
    /// Distinct authors of landed changes, bots left out.
    pub active_authors: usize,
    /// Branches open at the period's end whose first commit was 21+ days old then.
    pub long_lived_open: usize,
    /// Monorepos: mean share of the packages each change affects; null otherwise.
    pub affected_share: Option<f64>,
    /// `--remerge` only: the period's landed changes merged again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remerge: Option<PeriodRemerge>,
}

/// The re-merges of one period's landed changes (`report --remerge`), counted as
/// `analyze --remerge` counts them ([`crate::history::remerge::metrics`]).
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct PeriodRemerge {
    /// Landed changes re-merged (clean or conflicted).
    pub remerged: usize,
    pub conflicted: usize,
    /// conflicted / remerged; null when nothing that landed in the period was re-merged.
    pub conflict_rate: Option<f64>,
    /// Changes not re-merged (an octopus, missing objects, the time budget).
    pub skipped: usize,
}

impl PeriodRemerge {
    pub fn of(changes: &[Change]) -> PeriodRemerge {
        let m = crate::history::remerge::metrics(changes);
        PeriodRemerge {
            remerged: m.remerged,
            conflicted: m.conflicted,
            conflict_rate: m.conflict_rate,
            skipped: m.skipped,
        }
    }
}

/// What the per-period measures read besides the changes.
pub struct Context<'a> {
    /// Release tags, one per tagged commit, oldest first (as the scorecards count them).
    pub releases: &'a [&'a Tag],
    pub bots: &'a [String],
    /// Change commit (10-digit short id) -> affected share, for monorepos.
    pub affected: &'a HashMap<String, f64>,
    /// Every landed change of the analysis (to find branches still open at a period's end).
    pub all_changes: &'a [Change],
    /// Live branches at the end of the analysis.
    pub branches: &'a [Branch],
    /// The changes were re-merged (`--remerge`): count the re-merges per period.
    pub remerge: bool,
}

/// The measures of `changes`, which landed in `[start, end)`.
pub fn period_stats(
    changes: &[&Change],
    start: Timestamp,
    end: Timestamp,
    cx: &Context,
) -> PeriodStats {
    let owned: Vec<Change> = changes.iter().map(|c| (*c).clone()).collect();
    let m = measure::metrics(&owned);
    let direct = m
        .strategy_mix
        .get(Strategy::Direct.as_str())
        .copied()
        .unwrap_or(0);
    let authors: BTreeSet<&str> = changes
        .iter()
        .filter(|c| !crate::score::is_bot(&c.author, cx.bots))
        .map(|c| c.author.as_str())
        .collect();
    let releases = cx
        .releases
        .iter()
        .filter(|t| t.time >= start && t.time < end)
        .map(|t| t.name.clone())
        .collect();
    let shares: Vec<f64> = changes
        .iter()
        .filter_map(|c| cx.affected.get(&c.commit.short(10)).copied())
        .collect();
    PeriodStats {
        landed: m.changes,
        direct_share: (m.changes > 0).then(|| direct as f64 / m.changes as f64),
        reverts: m.kind_mix.get(Kind::Revert.as_str()).copied().unwrap_or(0),
        releases,
        active_authors: authors.len(),
        long_lived_open: branches_at(end, cx.all_changes, cx.branches)
            .iter()
            .filter(|b| b.long_lived)
            .count(),
        affected_share: (!shares.is_empty())
            .then(|| shares.iter().sum::<f64>() / shares.len() as f64),
        remerge: cx.remerge.then(|| PeriodRemerge::of(&owned)),
        lifetime: m.lifetime,
        size: m.size,
        strategy_mix: m.strategy_mix,
    }
}

/// The branches open at `at`, as the history shows them: landed changes that came from a
/// branch (not direct pushes) whose first commit is at or before `at` and that landed after
/// it, plus the live branches (local and remote-tracking copies once) started by then. The
/// activity inside a branch is not replayed, so a reconstructed branch is never stale; branches
/// deleted without landing left no trace. At the end of the analysis this is the inventory.
pub fn branches_at(at: Timestamp, changes: &[Change], branches: &[Branch]) -> Vec<Branch> {
    let mut out = Vec::new();
    for c in changes
        .iter()
        .filter(|c| measure::is_work(c) && c.strategy != Strategy::Direct && c.landed_at >= at)
    {
        let Some(first) = c.first_commit_at.filter(|f| *f <= at) else {
            continue;
        };
        let age = at - first;
        out.push(Branch {
            name: c
                .source_branch
                .clone()
                .unwrap_or_else(|| format!("change {}", c.commit.short(10))),
            remote: false,
            tip: c.commit,
            ahead: c.branch_commits.map(u64::from).unwrap_or(0),
            behind: 0,
            first_unmerged_at: Some(first),
            last_activity_at: at,
            age_seconds: Some(age),
            idle_seconds: 0,
            stale: false,
            long_lived: age >= LONG_LIVED_SECONDS,
        });
    }
    let mut seen = BTreeSet::new();
    for b in branches {
        let bare = if b.remote {
            b.name.split_once('/').map_or(b.name.as_str(), |(_, n)| n)
        } else {
            b.name.as_str()
        };
        let Some(first) = b.first_unmerged_at.filter(|f| *f <= at) else {
            continue;
        };
        if !seen.insert(bare.to_owned()) {
            continue;
        }
        let last = b.last_activity_at.min(at);
        let idle = at - last;
        out.push(Branch {
            last_activity_at: last,
            age_seconds: Some(at - first),
            idle_seconds: idle,
            stale: idle >= STALE_SECONDS,
            long_lived: at - first >= LONG_LIVED_SECONDS,
            ..b.clone()
        });
    }
    out
}

/// Change sizes in classes around the 400-line guidance.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct SizeBuckets {
    pub under_50: usize,
    pub l50_to_199: usize,
    pub l200_to_400: usize,
    pub l401_to_999: usize,
    pub l1000_or_more: usize,
}

/// The size classes of the changes of work (sync merges and the root left out, as in the
/// size distribution) whose size is known.
pub fn size_buckets<'c>(changes: impl IntoIterator<Item = &'c Change>) -> SizeBuckets {
    let mut b = SizeBuckets::default();
    for c in changes.into_iter().filter(|c| measure::is_work(c)) {
        match c.size {
            Some(s) if s < 50 => b.under_50 += 1,
            Some(s) if s < 200 => b.l50_to_199 += 1,
            Some(s) if s <= 400 => b.l200_to_400 += 1,
            Some(s) if s < 1000 => b.l401_to_999 += 1,
            Some(_) => b.l1000_or_more += 1,
            None => {}
        }
    }
    b
}
