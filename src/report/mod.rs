//! `repohealth report`: the landed changes of one analysis, bucketed into calendar periods,
//! each period measured with the same functions as `analyze` and compared with the period
//! before and with a trailing baseline; scorecards at the first and last period; breakdowns
//! per team, per package and (on request) per author. A pure stage: an [`Analysis`] in, a
//! [`Report`] out. docs/report.md describes every field.

pub mod owners;
pub mod periods;
pub mod remerge;
pub mod render;
pub mod stats;
pub mod trend;

use crate::model::{self, Change, Oid, Timestamp, SCHEMA_VERSION};
use crate::pipeline::{Analysis, RepositoryInfo, ToolInfo, Window};
use crate::score::{self, ScoreConfig};
use periods::{PeriodKind, Span};
use serde::Serialize;
use stats::{Context, PeriodStats};
use std::collections::{BTreeMap, HashMap};
use trend::{Side, Trend, MEASURES};

/// How the report is cut.
#[derive(Clone, Debug, Serialize)]
pub struct PeriodSpec {
    pub kind: PeriodKind,
    /// The IANA zone periods start in (`UTC` unless `--tz`).
    pub tz: String,
    /// Periods reported.
    pub last: usize,
    /// Periods before each one that form its baseline.
    pub baseline: usize,
    /// Smallest sample a percentile or share is compared on.
    pub min_sample: usize,
}

/// One reported period: `[start, end)`.
#[derive(Clone, Debug, Serialize)]
pub struct Period {
    #[serde(with = "model::time_fmt")]
    pub start: Timestamp,
    /// Exclusive: the next period's start.
    #[serde(with = "model::time_fmt")]
    pub end: Timestamp,
    /// `2024-W03`, `2024-01-15` or `2024-01`.
    pub label: String,
    #[serde(flatten)]
    pub stats: PeriodStats,
    /// Each measure against the previous period and the baseline, keyed by measure id.
    pub trend: BTreeMap<&'static str, Trend>,
}

/// A change worth a look, with its id.
#[derive(Clone, Debug, Serialize)]
pub struct Notable {
    pub commit: Oid,
    #[serde(with = "model::time_fmt")]
    pub landed_at: Timestamp,
    pub subject: String,
    pub pr: Option<u64>,
    pub strategy: model::Strategy,
    pub lifetime_seconds: Option<i64>,
    pub size: Option<u64>,
    /// Only with `--by author`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
}

/// The notable changes of the last period.
#[derive(Clone, Debug, Default, Serialize)]
pub struct NotableChanges {
    pub longest_lived: Vec<Notable>,
    pub largest: Vec<Notable>,
    pub reverts: Vec<Notable>,
}

/// One model's score at the first and the last period.
#[derive(Clone, Debug, Serialize)]
pub struct Drift {
    pub model: String,
    pub first: Option<f64>,
    pub last: Option<f64>,
    /// last - first; null when either is unknown.
    pub change: Option<f64>,
    pub first_coverage: f64,
    pub last_coverage: f64,
}

/// A group of changes (a team, a package, an author) over the reported periods.
#[derive(Clone, Debug, Serialize)]
pub struct GroupRow {
    pub name: String,
    /// Landed changes in each reported period, oldest first.
    pub landed: Vec<usize>,
    /// The measures over all reported periods together.
    pub total: GroupTotals,
}

#[derive(Clone, Debug, Serialize)]
pub struct GroupTotals {
    pub landed: usize,
    pub lifetime_known: usize,
    pub lifetime_p50_seconds: Option<i64>,
    pub size_p50: Option<u64>,
    pub over_400_share: Option<f64>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Breakdowns {
    /// Where teams come from: a CODEOWNERS path, `repohealth.toml [teams]`, or null.
    pub teams_source: Option<String>,
    pub teams: Vec<GroupRow>,
    /// Landed changes owned by no team.
    pub teams_unowned: Option<usize>,
    pub packages: Vec<GroupRow>,
    /// Only with `--by author`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authors: Option<Vec<GroupRow>>,
}

/// Lifetime and size classes over the reported periods.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Histograms {
    pub lifetime: crate::history::measure::LifetimeBuckets,
    pub size: stats::SizeBuckets,
}

/// The canonical result of `report`.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: ToolInfo,
    pub repository: RepositoryInfo,
    pub period: PeriodSpec,
    /// The span analysed: the baseline's first period to the last period's end.
    pub window: Window,
    /// Reported periods, oldest first.
    pub periods: Vec<Period>,
    pub notable: NotableChanges,
    /// Lifetime and size classes of the changes of all reported periods together.
    pub histograms: Histograms,
    /// Scorecards at the first and last reported period, per model.
    pub drift: Vec<Drift>,
    pub breakdowns: Breakdowns,
    pub warnings: Vec<String>,
}

/// What a report is built from besides the analysis.
pub struct Plan<'a> {
    pub spec: PeriodSpec,
    /// Every period analysed, oldest first: `spec.baseline` baseline periods, then `spec.last`.
    pub spans: &'a [Span],
    pub score_cfg: &'a ScoreConfig,
    pub bots: &'a [String],
    /// Change commit -> the teams that own one of its paths (None: no team map).
    pub teams: Option<(String, HashMap<Oid, Vec<String>>)>,
    pub by_author: bool,
    pub top: usize,
    /// The scorecards of the first and the last reported period (the scoring stage run on
    /// each period's changes, with the period as the window).
    pub cards: Option<(Cards, Cards)>,
}

/// Scorecards keyed by model id.
pub type Cards = BTreeMap<String, score::Scorecard>;

fn in_span(c: &Change, s: &Span) -> bool {
    c.landed_at >= s.start && c.landed_at < s.end
}

fn notable(c: &Change, by_author: bool) -> Notable {
    Notable {
        commit: c.commit,
        landed_at: c.landed_at,
        subject: c.subject.clone(),
        pr: c.pr,
        strategy: c.strategy,
        lifetime_seconds: c.lifetime_seconds,
        size: c.size,
        author: by_author.then(|| c.author.clone()),
    }
}

/// Build the report from one analysis over the whole span.
pub fn build(a: &Analysis, plan: &Plan) -> Report {
    let version = plan.score_cfg.version_regex();
    let (releases, _) = crate::score::releases(&a.tags, &version);
    let affected = affected_shares(a);
    let cx = Context {
        releases: &releases,
        bots: plan.bots,
        affected: &affected,
        all_changes: &a.changes,
        branches: &a.branches,
        remerge: a.metrics.remerge.is_some(),
    };
    let buckets: Vec<Vec<&Change>> = plan
        .spans
        .iter()
        .map(|s| a.changes.iter().filter(|c| in_span(c, s)).collect())
        .collect();
    let first_shown = plan.spans.len().saturating_sub(plan.spec.last);
    let periods = periods(a, plan, &cx, &buckets, first_shown);
    let shown: Vec<&Change> = buckets[first_shown..].iter().flatten().copied().collect();
    let last: Vec<Change> = buckets
        .last()
        .map(|b| b.iter().map(|c| (*c).clone()).collect())
        .unwrap_or_default();
    let breakdowns = breakdowns(a, plan, &shown, &plan.spans[first_shown..]);
    let shown_owned: Vec<Change> = shown.iter().map(|c| (*c).clone()).collect();
    let histograms = Histograms {
        lifetime: crate::history::measure::metrics(&shown_owned)
            .lifetime
            .buckets,
        size: stats::size_buckets(&shown_owned),
    };
    Report {
        schema_version: SCHEMA_VERSION,
        tool: a.tool.clone(),
        repository: a.repository.clone(),
        period: plan.spec.clone(),
        window: a.window.clone(),
        periods,
        notable: notable_changes(&last, plan),
        histograms,
        drift: drift(&plan.cards),
        breakdowns,
        warnings: a.warnings.clone(),
    }
}

/// The shown periods, each with its measures and their trend against the period before and
/// the trailing baseline (the periods before the first shown one feed the comparisons).
fn periods(
    a: &Analysis,
    plan: &Plan,
    cx: &Context,
    buckets: &[Vec<&Change>],
    first_shown: usize,
) -> Vec<Period> {
    let all_stats: Vec<PeriodStats> = plan
        .spans
        .iter()
        .zip(buckets)
        .map(|(s, b)| stats::period_stats(b, s.start, s.end, cx))
        .collect();
    let mut periods = Vec::new();
    for i in first_shown..plan.spans.len() {
        let span = &plan.spans[i];
        let prev = (i > 0).then(|| Side {
            stats: &all_stats[i - 1],
            mean_of: None,
        });
        let from = i.saturating_sub(plan.spec.baseline);
        let pool: Vec<&Change> = buckets[from..i].iter().flatten().copied().collect();
        let pool_stats = (i > from)
            .then(|| stats::period_stats(&pool, plan.spans[from].start, plan.spans[i].start, cx));
        let base = pool_stats.as_ref().map(|p| Side {
            stats: p,
            mean_of: Some(&all_stats[from..i]),
        });
        let trend = MEASURES
            .iter()
            .filter(|m| m.id != "affected_share" || a.monorepo.is_some())
            .filter(|m| m.id != "conflict_rate" || a.metrics.remerge.is_some())
            .map(|m| {
                (
                    m.id,
                    trend::trend(
                        m,
                        &all_stats[i],
                        prev.as_ref(),
                        base.as_ref(),
                        plan.spec.min_sample,
                    ),
                )
            })
            .collect();
        periods.push(Period {
            start: span.start,
            end: span.end,
            label: span.label.clone(),
            stats: all_stats[i].clone(),
            trend,
        });
    }
    periods
}

/// The longest-lived, largest and reverted changes of the last period.
fn notable_changes(last: &[Change], plan: &Plan) -> NotableChanges {
    NotableChanges {
        longest_lived: crate::render::longest_lived(last, plan.top)
            .into_iter()
            .filter(|c| c.lifetime_seconds.is_some_and(|l| l > 0))
            .map(|c| notable(c, plan.by_author))
            .collect(),
        largest: crate::render::largest(last, plan.top)
            .into_iter()
            .map(|c| notable(c, plan.by_author))
            .collect(),
        reverts: last
            .iter()
            .filter(|c| c.kind == model::Kind::Revert)
            .map(|c| notable(c, plan.by_author))
            .collect(),
    }
}

/// Per package (monorepos), per team (CODEOWNERS or `[teams]`) and, when asked, per author.
fn breakdowns(a: &Analysis, plan: &Plan, shown: &[&Change], spans: &[Span]) -> Breakdowns {
    let group = |key: &dyn Fn(&Change) -> Vec<String>| groups(shown, spans, key);
    let mut breakdowns = Breakdowns {
        packages: if a.monorepo.is_some() {
            group(&|c: &Change| {
                c.packages
                    .as_ref()
                    .map(|p| p.changed.clone())
                    .unwrap_or_default()
            })
        } else {
            Vec::new()
        },
        authors: plan
            .by_author
            .then(|| group(&|c: &Change| vec![c.author.clone()])),
        ..Breakdowns::default()
    };
    if let Some((source, owners)) = &plan.teams {
        breakdowns.teams_source = Some(source.clone());
        breakdowns.teams = group(&|c: &Change| owners.get(&c.commit).cloned().unwrap_or_default());
        breakdowns.teams_unowned = Some(
            shown
                .iter()
                .filter(|c| owners.get(&c.commit).is_none_or(|t| t.is_empty()))
                .count(),
        );
    }
    breakdowns
}

/// Change (10-digit id) -> share of the packages it affects, from the monorepo audit.
fn affected_shares(a: &Analysis) -> HashMap<String, f64> {
    let Some(m) = &a.monorepo else {
        return HashMap::new();
    };
    m.audit
        .per_change
        .iter()
        .filter(|c| c.total_packages > 0)
        .map(|c| {
            (
                c.id.clone(),
                c.affected.min(c.total_packages) as f64 / c.total_packages as f64,
            )
        })
        .collect()
}

/// Groups of the shown changes by `key` (a change may belong to several), largest first.
fn groups(
    shown: &[&Change],
    spans: &[Span],
    key: &dyn Fn(&Change) -> Vec<String>,
) -> Vec<GroupRow> {
    let mut by: BTreeMap<String, Vec<&Change>> = BTreeMap::new();
    for c in shown {
        let mut keys = key(c);
        keys.sort();
        keys.dedup();
        for k in keys {
            by.entry(k).or_default().push(c);
        }
    }
    let mut rows: Vec<GroupRow> = by
        .into_iter()
        .map(|(name, cs)| {
            let owned: Vec<Change> = cs.iter().map(|c| (*c).clone()).collect();
            let m = crate::history::measure::metrics(&owned);
            GroupRow {
                landed: spans
                    .iter()
                    .map(|s| cs.iter().filter(|c| in_span(c, s)).count())
                    .collect(),
                total: GroupTotals {
                    landed: m.changes,
                    lifetime_known: m.lifetime.known,
                    lifetime_p50_seconds: m.lifetime.p50_seconds,
                    size_p50: m.size.p50,
                    over_400_share: m.size.over_400_share,
                },
                name: if name.is_empty() {
                    ".".to_owned()
                } else {
                    name
                },
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.total
            .landed
            .cmp(&a.total.landed)
            .then(a.name.cmp(&b.name))
    });
    rows
}

/// Each model's score at the first and the last reported period.
fn drift(cards: &Option<(Cards, Cards)>) -> Vec<Drift> {
    let Some((f, l)) = cards else {
        return Vec::new();
    };
    f.iter()
        .map(|(model, fc)| {
            let lc = l.get(model);
            let last = lc.and_then(|c| c.score);
            Drift {
                model: model.clone(),
                first: fc.score,
                last,
                change: fc.score.zip(last).map(|(a, b)| b - a),
                first_coverage: fc.coverage,
                last_coverage: lc.map(|c| c.coverage).unwrap_or(0.0),
            }
        })
        .collect()
}
