//! Cadence: how often changes land and releases ship, plus DORA-style proxies classified into
//! the performance bands of the 2021 and 2023 Accelerate State of DevOps reports. A clone has no
//! deployment or incident data, so every DORA figure here is a proxy and says what it stands on.

use super::measure::{is_bot, median, Facts, DAY};
use crate::model::{Change, Kind};
use serde::Serialize;
use std::collections::HashSet;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Cadence {
    /// Landed changes counted (sync/back-merges and the root commit excluded).
    pub changes: usize,
    /// Days (UTC) with at least one landing.
    pub active_days: usize,
    pub landings_per_active_day: Option<f64>,
    /// Distinct authors (bots excluded) of the counted changes.
    pub active_authors: usize,
    pub window_weeks: f64,
    /// Landings by people / active authors / weeks.
    pub landings_per_author_per_week: Option<f64>,
    /// The version tag pattern used.
    pub version_tag_pattern: String,
    /// Version-like tags dated in the window, oldest first (one per tagged commit).
    pub release_tags: Vec<String>,
    pub release_tags_per_week: Option<f64>,
    pub reverts: usize,
    pub revert_rate: Option<f64>,
    pub hotfixes: usize,
    pub hotfix_rate: Option<f64>,
    pub dora: Dora,
}

/// DORA-style proxies. Proxies, not DORA metrics: tags are not deployments and reverts are not
/// incidents.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Dora {
    pub deployment_frequency: DoraProxy,
    pub lead_time_for_changes: DoraProxy,
    pub change_failure_rate: DoraProxy,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DoraProxy {
    /// What the number stands on, e.g. "proxy: release tags per week".
    pub proxy: String,
    pub value: Option<f64>,
    pub unit: String,
    /// How many values it was computed from.
    pub samples: usize,
    /// The band in each report's table.
    pub bands: Vec<BandResult>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BandResult {
    pub report: String,
    pub band: String,
    /// The report's wording for that band.
    pub published: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DoraMetric {
    /// Deployments per day; higher is better.
    DeploymentFrequency,
    /// Seconds; lower is better.
    LeadTimeForChanges,
    /// 0-1; lower is better.
    ChangeFailureRate,
}

/// One report's bands for one metric, best first. A value meets a band when it is at least as
/// good as the band's bound; values in the gaps between published ranges fall to the lower band.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BandTable {
    pub report: &'static str,
    pub source: &'static str,
    pub metric: DoraMetric,
    /// (band, bound, published wording); the last band takes everything else.
    pub bands: &'static [(&'static str, f64, &'static str)],
}

const SRC_2021: &str = "Accelerate State of DevOps Report 2021 (DORA / Google Cloud), table \"Software delivery performance metric\"";
const SRC_2023: &str = "Accelerate State of DevOps Report 2023 (DORA / Google Cloud), table of software delivery performance levels";
const H: f64 = 3600.0;

/// The band tables, as data.
pub static BAND_TABLES: &[BandTable] = &[
    BandTable {
        report: "2021",
        source: SRC_2021,
        metric: DoraMetric::DeploymentFrequency,
        bands: &[
            ("elite", 1.0, "On-demand (multiple deploys per day)"),
            (
                "high",
                1.0 / 30.0,
                "Between once per week and once per month",
            ),
            (
                "medium",
                1.0 / 182.5,
                "Between once per month and once every 6 months",
            ),
            ("low", 0.0, "Fewer than once per six months"),
        ],
    },
    BandTable {
        report: "2021",
        source: SRC_2021,
        metric: DoraMetric::LeadTimeForChanges,
        bands: &[
            ("elite", H, "Less than one hour"),
            ("high", 7.0 * DAY, "Between one day and one week"),
            ("medium", 182.5 * DAY, "Between one month and six months"),
            ("low", f64::INFINITY, "More than six months"),
        ],
    },
    BandTable {
        report: "2021",
        source: SRC_2021,
        metric: DoraMetric::ChangeFailureRate,
        bands: &[
            ("elite", 0.15, "0%-15%"),
            (
                "high/medium/low",
                0.30,
                "16%-30% (the same range for all three)",
            ),
            ("low", f64::INFINITY, "above every published range"),
        ],
    },
    BandTable {
        report: "2023",
        source: SRC_2023,
        metric: DoraMetric::DeploymentFrequency,
        bands: &[
            ("elite", 1.0, "On demand"),
            ("high", 1.0 / 7.0, "Between once per day and once per week"),
            (
                "medium",
                1.0 / 30.0,
                "Between once per week and once per month",
            ),
            (
                "low",
                0.0,
                "Between once per week and once per month (as published; below medium here)",
            ),
        ],
    },
    BandTable {
        report: "2023",
        source: SRC_2023,
        metric: DoraMetric::LeadTimeForChanges,
        bands: &[
            ("elite", DAY, "Less than one day"),
            ("high", 7.0 * DAY, "Between one day and one week"),
            ("medium", 30.0 * DAY, "Between one week and one month"),
            (
                "low",
                f64::INFINITY,
                "Between one week and one month (as published; beyond medium here)",
            ),
        ],
    },
    BandTable {
        report: "2023",
        source: SRC_2023,
        metric: DoraMetric::ChangeFailureRate,
        bands: &[
            ("elite", 0.05, "5%"),
            ("high", 0.10, "10%"),
            ("medium", 0.15, "15%"),
            ("low", f64::INFINITY, "64%"),
        ],
    },
];

/// The band a value falls in, per report.
pub(crate) fn classify(metric: DoraMetric, value: f64) -> Vec<BandResult> {
    let higher_is_better = metric == DoraMetric::DeploymentFrequency;
    BAND_TABLES
        .iter()
        .filter(|t| t.metric == metric)
        .filter_map(|t| {
            let last = t.bands.len().checked_sub(1)?;
            let (band, _, published) = t
                .bands
                .iter()
                .enumerate()
                .find(|(i, (_, bound, _))| {
                    *i == last
                        || if higher_is_better {
                            value >= *bound
                        } else if metric == DoraMetric::LeadTimeForChanges && *i == 0 {
                            // Elite lead time is "less than"; every other bound is inclusive.
                            value < *bound
                        } else {
                            value <= *bound
                        }
                })
                .map(|(_, b)| *b)?;
            Some(BandResult {
                report: t.report.to_string(),
                band: band.to_string(),
                published: published.to_string(),
            })
        })
        .collect()
}

fn rate(k: usize, n: usize) -> Option<f64> {
    (n > 0).then(|| k as f64 / n as f64)
}

fn r4(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

pub(crate) fn cadence(f: &Facts) -> Cadence {
    let (since, until) = f.input.window;
    let window_days = (until.saturating_sub(since)).max(0) as f64 / DAY;
    let weeks = window_days / 7.0;
    let per_week = |k: usize| (weeks > 0.0).then(|| r4(k as f64 / weeks));

    let n = f.counted.len();
    let active_days = f
        .counted
        .iter()
        .map(|c| c.landed_at.div_euclid(86_400))
        .collect::<HashSet<_>>()
        .len();
    // People only: bots land changes but are not authors of the team.
    let human: Vec<&&Change> = f
        .counted
        .iter()
        .filter(|c| !is_bot(&c.author, f.input.bots))
        .collect();
    let authors = human
        .iter()
        .map(|c| c.author.as_str())
        .collect::<HashSet<_>>()
        .len();
    let reverts = f.counted.iter().filter(|c| c.kind == Kind::Revert).count();
    let hotfixes = f.counted.iter().filter(|c| c.kind == Kind::Hotfix).count();
    let releases = f.releases_in_window();

    // Deployment frequency: release tags, or production landings when nothing is tagged.
    let deployment_frequency = if !releases.is_empty() {
        let v = per_week(releases.len());
        DoraProxy {
            proxy: "proxy: version tags per week (a tag stands for a deployment)".into(),
            value: v,
            unit: "per_week".into(),
            samples: releases.len(),
            bands: v.map_or(vec![], |v| {
                classify(DoraMetric::DeploymentFrequency, v / 7.0)
            }),
        }
    } else {
        let landings = f.production_landings.len();
        let v = (window_days > 0.0 && n > 0).then(|| r4(landings as f64 / window_days));
        DoraProxy {
            proxy: format!(
                "proxy: landings on {} per day (no version tags: each landing stands for a deployment)",
                f.production
            ),
            value: v,
            unit: "per_day".into(),
            samples: landings,
            bands: v.map_or(vec![], |v| classify(DoraMetric::DeploymentFrequency, v)),
        }
    };

    // Lead time: first commit (or landing) to the first release tag containing the change.
    let mut leads: Vec<f64> = f
        .counted
        .iter()
        .filter_map(|c: &&Change| {
            let (_, t) = f.input.first_release.get(&c.commit)?;
            let start = c.first_commit_at.unwrap_or(c.landed_at);
            Some(t.saturating_sub(start).max(0) as f64)
        })
        .collect();
    leads.sort_by(|a, b| a.total_cmp(b));
    let lead = median(&leads).map(f64::round);
    let lead_time_for_changes = DoraProxy {
        proxy: "proxy: median seconds from a change's first commit (or its landing when unknown) to the first version tag containing it".into(),
        value: lead,
        unit: "seconds".into(),
        samples: leads.len(),
        bands: lead.map_or(vec![], |v| classify(DoraMetric::LeadTimeForChanges, v)),
    };

    let cfr = rate(reverts + hotfixes, n).map(r4);
    let change_failure_rate = DoraProxy {
        proxy: "proxy: (reverts + hotfixes) / landed changes".into(),
        value: cfr,
        unit: "share".into(),
        samples: n,
        bands: cfr.map_or(vec![], |v| classify(DoraMetric::ChangeFailureRate, v)),
    };

    Cadence {
        changes: n,
        active_days,
        landings_per_active_day: rate(n, active_days).map(r4),
        active_authors: authors,
        window_weeks: r4(weeks),
        landings_per_author_per_week: if authors > 0 {
            per_week(human.len()).map(|v| r4(v / authors as f64))
        } else {
            None
        },
        version_tag_pattern: String::new(),
        release_tags: releases.iter().map(|t| t.name.clone()).collect(),
        release_tags_per_week: per_week(releases.len()),
        reverts,
        revert_rate: rate(reverts, n).map(r4),
        hotfixes,
        hotfix_rate: rate(hotfixes, n).map(r4),
        dora: Dora {
            deployment_frequency,
            lead_time_for_changes,
            change_failure_rate,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(m: DoraMetric, v: f64) -> Vec<String> {
        classify(m, v)
            .into_iter()
            .map(|b| format!("{}:{}", b.report, b.band))
            .collect()
    }

    #[test]
    fn deployment_frequency_bands() {
        use DoraMetric::DeploymentFrequency as D;
        assert_eq!(band(D, 3.0), ["2021:elite", "2023:elite"]);
        assert_eq!(band(D, 1.0), ["2021:elite", "2023:elite"]);
        assert_eq!(band(D, 1.0 / 3.0), ["2021:high", "2023:high"]);
        assert_eq!(band(D, 1.0 / 14.0), ["2021:high", "2023:medium"]);
        assert_eq!(band(D, 1.0 / 60.0), ["2021:medium", "2023:low"]);
        assert_eq!(band(D, 1.0 / 400.0), ["2021:low", "2023:low"]);
        assert_eq!(band(D, 0.0), ["2021:low", "2023:low"]);
    }

    #[test]
    fn lead_time_bands() {
        use DoraMetric::LeadTimeForChanges as L;
        assert_eq!(band(L, 1800.0), ["2021:elite", "2023:elite"]);
        assert_eq!(band(L, 3600.0), ["2021:high", "2023:elite"]); // elite is "less than one hour"
        assert_eq!(band(L, 2.0 * DAY), ["2021:high", "2023:high"]);
        assert_eq!(band(L, 7.0 * DAY), ["2021:high", "2023:high"]);
        assert_eq!(band(L, 20.0 * DAY), ["2021:medium", "2023:medium"]);
        assert_eq!(band(L, 90.0 * DAY), ["2021:medium", "2023:low"]);
        assert_eq!(band(L, 400.0 * DAY), ["2021:low", "2023:low"]);
    }

    #[test]
    fn change_failure_rate_bands() {
        use DoraMetric::ChangeFailureRate as C;
        assert_eq!(band(C, 0.0), ["2021:elite", "2023:elite"]);
        assert_eq!(band(C, 0.15), ["2021:elite", "2023:medium"]);
        assert_eq!(band(C, 0.2), ["2021:high/medium/low", "2023:low"]);
        assert_eq!(band(C, 0.5), ["2021:low", "2023:low"]);
    }
}
