//! Cadence: how often changes land and releases ship, plus DORA-style proxies classified into
//! the performance bands of the 2023 and 2024 Accelerate State of DevOps reports. A clone has no
//! deployment or incident data, so every DORA figure here is a proxy and says what it stands on.

use super::facts::{is_bot, median, Facts, DAY};
use super::sources::{self, Source};
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
    /// Distinct (developer, day) pairs on which a developer authored or landed work that
    /// reached the integration line (the denominator of integration frequency).
    pub active_developer_days: usize,
    /// Landings by people on the integration line per active developer-day: the integration
    /// frequency the criteria score.
    pub landings_per_active_developer_day: Option<f64>,
    /// Team throughput, the former integration frequency: landings by people on the
    /// integration line / (their distinct authors x weekdays of the window).
    pub landings_per_developer_per_weekday: Option<f64>,
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
    /// The report's year.
    pub report: String,
    pub band: String,
    /// The report's wording for that band.
    pub published: String,
    /// How the band was found when the report's table cannot be read one metric at a time
    /// (2024's change failure rates are not ordered like its bands); null otherwise.
    pub note: Option<String>,
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
    pub source: Source,
    pub metric: DoraMetric,
    /// (band, bound, published wording); the last band takes everything else.
    pub bands: &'static [(&'static str, f64, &'static str)],
    /// False when the bounds are not ordered like the bands (2024's change failure rate:
    /// medium's 10% is better than high's 20%).
    pub ordered: bool,
}

/// The band tables, as data.
pub static BAND_TABLES: &[BandTable] = &[
    BandTable {
        report: "2023",
        source: sources::DORA_2023,
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
        ordered: true,
    },
    BandTable {
        report: "2023",
        source: sources::DORA_2023,
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
        ordered: true,
    },
    BandTable {
        report: "2023",
        source: sources::DORA_2023,
        metric: DoraMetric::ChangeFailureRate,
        bands: &[
            ("elite", 0.05, "5%"),
            ("high", 0.10, "10%"),
            ("medium", 0.15, "15%"),
            ("low", f64::INFINITY, "64%"),
        ],
        ordered: true,
    },
    BandTable {
        report: "2024",
        source: sources::DORA_2024,
        metric: DoraMetric::DeploymentFrequency,
        bands: &[
            ("elite", 1.0, "On demand (multiple deploys per day)"),
            ("high", 1.0 / 7.0, "Between once per day and once per week"),
            (
                "medium",
                1.0 / 30.0,
                "Between once per week and once per month",
            ),
            (
                "low",
                0.0,
                "Between once per month and once every six months",
            ),
        ],
        ordered: true,
    },
    BandTable {
        report: "2024",
        source: sources::DORA_2024,
        metric: DoraMetric::LeadTimeForChanges,
        bands: &[
            ("elite", DAY, "Less than one day"),
            ("high", 7.0 * DAY, "Between one day and one week"),
            ("medium", 30.0 * DAY, "Between one week and one month"),
            ("low", f64::INFINITY, "Between one month and six months"),
        ],
        ordered: true,
    },
    BandTable {
        report: "2024",
        source: sources::DORA_2024,
        metric: DoraMetric::ChangeFailureRate,
        bands: &[
            ("elite", 0.05, "5%"),
            ("high", 0.20, "20%"),
            ("medium", 0.10, "10%"),
            ("low", 0.40, "40%"),
        ],
        ordered: false,
    },
];

/// Does `value` meet band `i` of an ordered table?
fn meets(metric: DoraMetric, t: &BandTable, i: usize, value: f64) -> bool {
    let bound = t.bands[i].1;
    if i + 1 == t.bands.len() {
        return true;
    }
    match metric {
        DoraMetric::DeploymentFrequency => value >= bound,
        // Elite lead time is "less than"; every other bound is inclusive.
        DoraMetric::LeadTimeForChanges if i == 0 => value < bound,
        _ => value <= bound,
    }
}

fn result(t: &BandTable, i: usize, note: Option<String>) -> BandResult {
    let (band, _, published) = t.bands[i];
    BandResult {
        report: t.report.to_string(),
        band: band.to_string(),
        published: published.to_string(),
        note,
    }
}

/// The band a value falls in, per report whose table is ordered (every metric but 2024's
/// change failure rate, see [`classify_unordered`]).
pub(crate) fn classify(metric: DoraMetric, value: f64) -> Vec<BandResult> {
    BAND_TABLES
        .iter()
        .filter(|t| t.metric == metric && t.ordered)
        .filter_map(|t| {
            let i = (0..t.bands.len()).find(|i| meets(metric, t, *i, value))?;
            Some(result(t, i, None))
        })
        .collect()
}

/// A change failure rate in a report whose rates are not ordered like its bands (2024: medium
/// 10% is better than high 20%), so the rate cannot be banded alone. The band starts from the
/// worse of the deployment-frequency and lead-time bands of that report, and moves down while
/// the rate is above the band's published rate; the last band takes any rate. Without either
/// throughput band the rate is not banded.
pub(crate) fn classify_unordered(value: f64, throughput: &[&[BandResult]]) -> Vec<BandResult> {
    BAND_TABLES
        .iter()
        .filter(|t| t.metric == DoraMetric::ChangeFailureRate && !t.ordered)
        .filter_map(|t| {
            let position = |b: &BandResult| t.bands.iter().position(|(n, _, _)| *n == b.band);
            let start = throughput
                .iter()
                .flat_map(|bands| bands.iter().filter(|b| b.report == t.report))
                .filter_map(position)
                .max()?;
            let last = t.bands.len() - 1;
            let i = (start..=last)
                .find(|i| *i == last || value <= t.bands[*i].1)
                .unwrap_or(last);
            let note = format!(
                "{}'s change failure rates are not ordered like its bands (medium {}, high {}): the band starts from deployment frequency and lead time ({}) and moves down while the rate is above the band's",
                t.report,
                t.bands[2].2,
                t.bands[1].2,
                t.bands[start].0
            );
            Some(result(t, i, Some(note)))
        })
        .collect()
}

fn rate(k: usize, n: usize) -> Option<f64> {
    (n > 0).then(|| k as f64 / n as f64)
}

fn r4(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

/// Deployment frequency: release tags per week, or production landings per day when nothing
/// is tagged.
fn deployment_frequency(f: &Facts, window_days: f64) -> DoraProxy {
    let releases = f.releases_in_window().len();
    if releases > 0 {
        let v = (window_days > 0.0).then(|| r4(releases as f64 / (window_days / 7.0)));
        return DoraProxy {
            proxy: "proxy: version tags per week (a tag stands for a deployment)".into(),
            value: v,
            unit: "per_week".into(),
            samples: releases,
            bands: v.map_or(vec![], |v| {
                classify(DoraMetric::DeploymentFrequency, v / 7.0)
            }),
        };
    }
    let landings = f.production_landings.len();
    let v = (window_days > 0.0 && !f.counted.is_empty()).then(|| r4(landings as f64 / window_days));
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
}

/// Lead time: first commit (or landing) to the first release tag containing the change.
fn lead_time(f: &Facts) -> DoraProxy {
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
    DoraProxy {
        proxy: "proxy: median seconds from a change's first commit (or its landing when unknown) to the first version tag containing it".into(),
        value: lead,
        unit: "seconds".into(),
        samples: leads.len(),
        bands: lead.map_or(vec![], |v| classify(DoraMetric::LeadTimeForChanges, v)),
    }
}

/// Change failure rate: (reverts + hotfixes) / counted changes; 2024's band follows the two
/// throughput bands ([`classify_unordered`]).
fn failure_rate(f: &Facts, failed: usize, throughput: [&DoraProxy; 2]) -> DoraProxy {
    let n = f.counted.len();
    let cfr = rate(failed, n).map(r4);
    let bands = |v: f64| {
        let mut b = classify(DoraMetric::ChangeFailureRate, v);
        b.extend(classify_unordered(
            v,
            &[&throughput[0].bands, &throughput[1].bands],
        ));
        b
    };
    DoraProxy {
        proxy: "proxy: (reverts + hotfixes) / landed changes".into(),
        value: cfr,
        unit: "share".into(),
        samples: n,
        bands: cfr.map_or(vec![], bands),
    }
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
    let deployment_frequency = deployment_frequency(f, window_days);
    let lead_time_for_changes = lead_time(f);
    let change_failure_rate = failure_rate(
        f,
        reverts + hotfixes,
        [&deployment_frequency, &lead_time_for_changes],
    );
    let i = &f.integration_line;
    let people = i.landings.len();
    Cadence {
        changes: n,
        active_days,
        landings_per_active_day: rate(n, active_days).map(r4),
        active_authors: authors,
        window_weeks: r4(weeks),
        landings_per_author_per_week: per_week(human.len())
            .filter(|_| authors > 0)
            .map(|v| r4(v / authors as f64)),
        active_developer_days: i.developer_days,
        landings_per_active_developer_day: rate(people, i.developer_days).map(r4),
        landings_per_developer_per_weekday: rate(people, i.authors * f.weekdays as usize).map(r4),
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
        assert_eq!(band(D, 3.0), ["2023:elite", "2024:elite"]);
        assert_eq!(band(D, 1.0), ["2023:elite", "2024:elite"]);
        assert_eq!(band(D, 1.0 / 3.0), ["2023:high", "2024:high"]);
        assert_eq!(band(D, 1.0 / 14.0), ["2023:medium", "2024:medium"]);
        assert_eq!(band(D, 1.0 / 60.0), ["2023:low", "2024:low"]);
        assert_eq!(band(D, 0.0), ["2023:low", "2024:low"]);
    }

    #[test]
    fn lead_time_bands() {
        use DoraMetric::LeadTimeForChanges as L;
        assert_eq!(band(L, 1800.0), ["2023:elite", "2024:elite"]);
        assert_eq!(band(L, DAY), ["2023:high", "2024:high"]); // elite is "less than one day"
        assert_eq!(band(L, 7.0 * DAY), ["2023:high", "2024:high"]);
        assert_eq!(band(L, 20.0 * DAY), ["2023:medium", "2024:medium"]);
        assert_eq!(band(L, 90.0 * DAY), ["2023:low", "2024:low"]);
    }

    #[test]
    fn change_failure_rate_bands_of_2023_are_ordered() {
        use DoraMetric::ChangeFailureRate as C;
        // Only 2023 is classified one metric at a time.
        assert_eq!(band(C, 0.0), ["2023:elite"]);
        assert_eq!(band(C, 0.15), ["2023:medium"]);
        assert_eq!(band(C, 0.2), ["2023:low"]);
    }

    fn b2024(band: &str) -> BandResult {
        BandResult {
            report: "2024".into(),
            band: band.into(),
            published: String::new(),
            note: None,
        }
    }

    fn cfr_2024(v: f64, df: &str, lt: &str) -> String {
        let (df, lt) = ([b2024(df)], [b2024(lt)]);
        let r = classify_unordered(v, &[&df, &lt]);
        assert_eq!(r.len(), 1);
        assert!(r[0].note.as_deref().unwrap().contains("not ordered"));
        r[0].band.clone()
    }

    /// 2024: medium's 10% is better than high's 20%. The band follows deployment frequency and
    /// lead time and moves down only while the rate is above the band's rate.
    #[test]
    fn change_failure_rate_of_2024_follows_the_throughput_bands() {
        // 15% is above medium's 10% but within high's 20%: a high team stays high...
        assert_eq!(cfr_2024(0.15, "high", "high"), "high");
        // ...while a medium team with the same rate moves down to low.
        assert_eq!(cfr_2024(0.15, "medium", "medium"), "low");
        assert_eq!(cfr_2024(0.08, "medium", "high"), "medium");
        // Elite throughput with 8% failures: above elite's 5%, within high's 20%.
        assert_eq!(cfr_2024(0.08, "elite", "elite"), "high");
        assert_eq!(cfr_2024(0.03, "elite", "elite"), "elite");
        // The worse throughput band is the start.
        assert_eq!(cfr_2024(0.03, "elite", "medium"), "medium");
        assert_eq!(cfr_2024(0.9, "elite", "elite"), "low");
        // Without a 2024 throughput band, no 2024 rate band.
        assert!(classify_unordered(0.1, &[&[], &[]]).is_empty());
    }
}
