//! Each criterion picks its metric from the [`Facts`] ([`evaluate`]) and says what stands behind
//! the number. The measurement is the same for every model; only the thresholds in
//! `criteria.rs` differ.

use super::card::{criterion_score, round, status_of, CriterionResult};
use super::criteria::{CriterionDef, Metric, Unit, LONG_LIVED_DAYS, SIZE_LIMIT_LINES};
use super::facts::{is_release_kind, median, normalize, reviewed, Facts, DAY};
use super::rules::FETCH_PR_REFS;
use crate::format::{days, plural, share};
use crate::model::{Branch, Change, Timestamp};

/// How many examples an evidence string names.
const EXAMPLES: usize = 3;

/// A measured value in its unit, for people.
pub(crate) fn fmt_value(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Days => days(v),
        Unit::Share => share(v),
        Unit::Lines => format!("{v:.0} lines"),
        Unit::Flag => (if v >= 0.5 { "yes" } else { "no" }).to_string(),
        Unit::PerDeveloperDay => format!("{v:.2}/dev-day"),
        Unit::Count if v.fract() == 0.0 => format!("{v:.0}"),
        Unit::Count => format!("{v:.2}"),
    }
}

/// `<= 1d` (lower is better) or `>= 1.00/dev-day` (higher is better).
pub(crate) fn fmt_target(target: f64, failing: f64, unit: Unit) -> String {
    if unit == Unit::Flag {
        return fmt_value(target, unit);
    }
    let op = if target < failing { "<=" } else { ">=" };
    format!("{op} {}", fmt_value(target, unit))
}

/// `abcdef0123 (feature/x)`, or the subject when the branch is unknown.
pub(crate) fn label(c: &Change) -> String {
    let what = c.source_branch.clone().unwrap_or_else(|| {
        let mut s: String = c.subject.chars().take(50).collect();
        if c.subject.chars().count() > 50 {
            s.push_str("...");
        }
        format!("\"{s}\"")
    });
    format!("{} {}", c.commit.short(10), what)
}

fn list<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
    let mut s: Vec<String> = items.iter().take(EXAMPLES).map(f).collect();
    if items.len() > EXAMPLES {
        s.push(format!("{} more", items.len() - EXAMPLES));
    }
    s.join(", ")
}

pub(crate) fn branch_age(b: &Branch) -> String {
    b.age_seconds
        .map_or("age unknown".into(), |s| days(s.max(0) as f64 / DAY))
}

/// The value a metric measured, and the evidence behind it (or why it is n/a).
pub(crate) struct Measured {
    pub value: Option<f64>,
    pub evidence: String,
}

fn na(evidence: String) -> Measured {
    Measured {
        value: None,
        evidence,
    }
}

fn val(value: f64, evidence: String) -> Measured {
    Measured {
        value: Some(value),
        evidence,
    }
}

/// `k` of `n` as a share, with the evidence and the examples of what is missing.
fn ratio(k: usize, n: usize, mut evidence: String, what: &str, missing: &[&Change]) -> Measured {
    if !missing.is_empty() {
        evidence.push_str(&format!("; {what}: {}", list(missing, |c| label(c))));
    }
    val(k as f64 / n as f64, evidence)
}

/// Measure one criterion and score it.
pub(crate) fn evaluate(def: &CriterionDef, f: &Facts, min: usize) -> CriterionResult {
    let m = if f.counted.is_empty() {
        na("no landed changes in the window".into())
    } else {
        measure(def.metric, f, min)
    };
    let measured = m.value.filter(|v| v.is_finite()).map(|v| round(v, 4));
    let score = measured.map(|v| round(criterion_score(v, def.target, def.failing), 1));
    CriterionResult {
        id: def.id.to_string(),
        metric: def.metric,
        measured,
        unit: def.metric.unit(),
        target: def.target,
        failing: def.failing,
        weight: def.weight,
        score,
        status: status_of(score),
        rule: def.rule.to_string(),
        source: def.source,
        evidence: m.evidence,
    }
}

pub(crate) fn measure(metric: Metric, f: &Facts, min: usize) -> Measured {
    match metric {
        Metric::LifetimeMedian | Metric::LifetimeP90 => lifetime(metric, f, min),
        Metric::LongLivedBranches => long_lived_branches(f),
        Metric::ActiveBranches => active_branches(f),
        Metric::ExtraLongLivedLines => extra_lines(f),
        Metric::IntegrationBranch => integration_branch(f),
        Metric::FeaturesIntoIntegration => features_into_integration(f, min),
        Metric::ReleasesThroughBranches => releases_through_branches(f),
        Metric::ReleasesTagged => releases_tagged(f),
        Metric::ReleasesBackMerged => releases_back_merged(f),
        Metric::SizeOverLimitShare | Metric::SizeMedian => size(metric, f, min),
        Metric::IntegrationFrequency => integration_frequency(f, min),
        Metric::ReviewedShare => reviewed_share(f, min),
        Metric::ReleaseInterval => release_interval(f),
        Metric::CiConfig => ci_config(f),
        Metric::ConflictRate => conflict_rate(f, min),
    }
}

fn long_lived_branches(f: &Facts) -> Measured {
    let n = f.long_lived_live.len();
    let mut e = if n == 0 {
        format!(
            "no active branch {LONG_LIVED_DAYS} days old or older among {}",
            plural(f.live_branches, "live branch")
        )
    } else {
        format!(
            "{n} of {} {LONG_LIVED_DAYS} days old or older and still active: {}",
            plural(f.live_branches, "live branch"),
            list(&f.long_lived_live, |b| format!(
                "{} ({})",
                b.name,
                branch_age(b)
            ))
        )
    };
    if !f.long_lived_stale.is_empty() {
        e.push_str(&format!(
            "; not counted, stale (idle 30+ days): {}",
            list(&f.long_lived_stale, |b| b.name.clone())
        ));
    }
    val(n as f64, e)
}

fn active_branches(f: &Facts) -> Measured {
    let n = f.active_branches.len();
    let stale = f.live_branches - n;
    let mut e = format!(
        "{} active (idle under 30 days)",
        plural(f.live_branches, "live branch")
    );
    e = if n == 0 {
        format!("no active branch among {e}")
    } else {
        format!(
            "{n} of {e}: {}",
            list(&f.active_branches, |b| format!(
                "{} ({})",
                b.name,
                branch_age(b)
            ))
        )
    };
    if stale > 0 {
        e.push_str(&format!("; {} stale, not counted", plural(stale, "branch")));
    }
    val(n as f64, e)
}

fn extra_lines(f: &Facts) -> Measured {
    let n = f.lines.len();
    let e = if n == 0 {
        format!(
            "{} only: no other long-lived line received commits in the window",
            f.input.trunk
        )
    } else {
        format!(
            "besides {}: {}",
            f.input.trunk,
            list(&f.lines, |l| format!(
                "{} ({})",
                l.name,
                plural(l.commits.len(), "commit")
            ))
        )
    };
    val(n as f64, e)
}

fn integration_branch(f: &Facts) -> Measured {
    match &f.input.gitflow {
        Some(r) => val(
            1.0,
            format!(
                "{} is the integration branch, {} the production branch",
                r.integration, r.production
            ),
        ),
        None => val(
            0.0,
            format!(
                "no develop-like integration branch beside {}",
                f.input.trunk
            ),
        ),
    }
}

fn features_into_integration(f: &Facts, min: usize) -> Measured {
    let (features, k) = f.features();
    let n = features.len();
    if n < min {
        return na(format!("{}, fewer than {min}", plural(n, "feature change")));
    }
    if !f.gitflow {
        return val(
            0.0,
            format!(
                "no integration branch: all {} landed on {}",
                plural(n, "feature change"),
                f.input.trunk
            ),
        );
    }
    let elsewhere: Vec<&Change> = features
        .iter()
        .copied()
        .filter(|c| normalize(&c.target) != f.integration)
        .collect();
    let e = format!("{k} of {n} feature changes landed on {}", f.integration);
    ratio(k, n, e, "elsewhere", &elsewhere)
}

fn releases_through_branches(f: &Facts) -> Measured {
    let n = f.production_landings.len();
    if n == 0 {
        return na(format!("no landings on {} in the window", f.production));
    }
    let k = f.release_landings.len();
    let others: Vec<&Change> = f
        .production_landings
        .iter()
        .copied()
        .filter(|c| !is_release_kind(c))
        .collect();
    let e = format!(
        "{k} of {n} landings on {} are release or hotfix merges",
        f.production
    );
    ratio(k, n, e, "others", &others)
}

fn no_release_merges(f: &Facts) -> Measured {
    na(format!(
        "no release or hotfix merges on {} in the window",
        f.production
    ))
}

fn releases_tagged(f: &Facts) -> Measured {
    let n = f.release_landings.len();
    if n == 0 {
        return no_release_merges(f);
    }
    let untagged = f.untagged_releases();
    let k = n - untagged.len();
    let e = format!("{k} of {n} release/hotfix landings carry a version tag");
    ratio(k, n, e, "untagged", &untagged)
}

fn releases_back_merged(f: &Facts) -> Measured {
    if !f.gitflow {
        return na("no integration branch to merge releases back into".into());
    }
    let bm = f.back_merged();
    let n = bm.len();
    if n == 0 {
        return no_release_merges(f);
    }
    let missing: Vec<&Change> = bm.iter().filter(|(_, ok)| !ok).map(|(c, _)| *c).collect();
    let k = n - missing.len();
    let e = format!(
        "{k} of {n} release/hotfix landings were merged back into {}",
        f.integration
    );
    ratio(k, n, e, "not merged back", &missing)
}

fn integration_frequency(f: &Facts, min: usize) -> Measured {
    let i = &f.integration_line;
    let n = i.landings.len();
    if n < min {
        return na(format!(
            "{} by people on {}, fewer than {min}",
            plural(n, "landing"),
            f.integration
        ));
    }
    let bots = if i.bot_landings > 0 {
        format!(
            " ({} by bots not counted)",
            plural(i.bot_landings, "landing")
        )
    } else {
        String::new()
    };
    val(
        n as f64 / i.developer_days.max(1) as f64,
        format!(
            "{n} landings on {} by {} over {}{bots}",
            f.integration,
            plural(i.authors, "developer"),
            plural(i.developer_days, "active developer-day"),
        ),
    )
}

fn reviewed_share(f: &Facts, min: usize) -> Measured {
    let n = f.counted.len();
    if n < min {
        return na(format!("{}, fewer than {min}", plural(n, "landed change")));
    }
    let direct: Vec<&Change> = f.counted.iter().copied().filter(|c| !reviewed(c)).collect();
    let k = n - direct.len();
    let e = format!("{k} of {n} changes carry PR or review-platform evidence");
    ratio(k, n, e, "without", &direct)
}

/// Days between each release in the window and the release before it (ties are one release).
fn release_gaps(f: &Facts) -> Vec<f64> {
    let (since, until) = f.input.window;
    let mut gaps: Vec<f64> = Vec::new();
    let mut prev: Option<Timestamp> = None;
    let mut i = 0;
    while i < f.releases.len() {
        let t = f.releases[i].time;
        let mut j = i;
        while j < f.releases.len() && f.releases[j].time == t {
            if let (Some(p), true) = (prev, t >= since && t <= until) {
                gaps.push(t.saturating_sub(p) as f64 / DAY);
            }
            j += 1;
        }
        prev = Some(t);
        i = j;
    }
    gaps.sort_by(|a, b| a.total_cmp(b));
    gaps
}

fn release_interval(f: &Facts) -> Measured {
    let in_window = f.releases_in_window();
    if in_window.is_empty() {
        return na(
            "no version tags in the window: continuous delivery from the trunk is not penalised"
                .into(),
        );
    }
    let names = list(&in_window, |t| t.name.clone());
    match median(&release_gaps(f)) {
        None => na(format!(
            "one release in the window ({names}) and none before it: no interval"
        )),
        Some(m) => val(
            m,
            format!(
                "{} in the window ({names}); median {} between releases",
                plural(in_window.len(), "release"),
                days(m)
            ),
        ),
    }
}

fn ci_config(f: &Facts) -> Measured {
    let files = f.input.ci_files;
    let e = if files.is_empty() {
        "no CI configuration (.github/workflows/*, .gitlab-ci.yml, Jenkinsfile, .circleci/config.yml, azure-pipelines.yml, .travis.yml, bitbucket-pipelines.yml, .buildkite/*) in the trunk's tree".to_string()
    } else {
        list(files, |p| p.clone())
    };
    val(files.len() as f64, e)
}

fn lifetime(metric: Metric, f: &Facts, min: usize) -> Measured {
    let n = f.lifetimes.len();
    let unknown = if f.lifetime_unknown > 0 {
        format!(
            " ({} unknown, excluded: squashes without PR refs; fetch them with `{FETCH_PR_REFS}`)",
            f.lifetime_unknown
        )
    } else {
        String::new()
    };
    if n < min {
        return na(format!(
            "{} with a known lifetime, fewer than {min}{unknown}",
            plural(n, "change")
        ));
    }
    let d = f.lifetime_days();
    let (name, v) = match metric {
        Metric::LifetimeP90 => ("p90", crate::history::measure::percentile(&d, 90.0)),
        _ => ("median", median(&d)),
    };
    let v = v.unwrap_or(0.0);
    let longest: Vec<&(f64, &Change)> = f.lifetimes.iter().rev().take(EXAMPLES).collect();
    val(
        v,
        format!(
            "{name} {} over {n} changes{unknown}; longest: {}",
            days(v),
            list(&longest, |(d, c)| format!("{} {}", label(c), days(*d)))
        ),
    )
}

/// Why some changes are not in the size sample, in parentheses (or nothing).
fn size_exclusions(f: &Facts) -> String {
    let mut skipped = Vec::new();
    if f.release_merges_unsized > 0 {
        skipped.push(format!(
            "{} not counted: they aggregate changes counted on their own",
            plural(f.release_merges_unsized, "release merge")
        ));
    }
    if f.size_unknown > 0 {
        skipped.push(format!(
            "{} of unknown size (a blob missing from the clone) excluded",
            plural(f.size_unknown, "change")
        ));
    }
    if skipped.is_empty() {
        String::new()
    } else {
        format!(" ({})", skipped.join("; "))
    }
}

fn size(metric: Metric, f: &Facts, min: usize) -> Measured {
    let n = f.sized.len();
    let skipped = size_exclusions(f);
    if n < min {
        return na(format!("{n} sized changes, fewer than {min}{skipped}"));
    }
    if metric == Metric::SizeMedian {
        let m = median(&f.sizes()).unwrap_or(0.0);
        let largest = f
            .sized
            .last()
            .map(|(s, c)| format!("{} {s} lines", label(c)));
        return val(
            m,
            format!(
                "median {m:.0} lines over {n} changes{skipped}; largest: {}",
                largest.unwrap_or_default()
            ),
        );
    }
    let over = f.over_limit();
    let mut e = format!(
        "{} of {n} changes over {SIZE_LIMIT_LINES} lines{skipped}",
        over.len()
    );
    if !over.is_empty() {
        e.push_str(&format!(
            "; largest: {}",
            list(&over, |(s, c)| format!("{} {s} lines", label(c)))
        ));
    }
    val(over.len() as f64 / n as f64, e)
}

/// The conflict rate of the re-merges, with the rate by branch lifetime as evidence.
fn conflict_rate(f: &Facts, min: usize) -> Measured {
    let Some(m) = f.input.remerge else {
        return na("not measured: run analyze with --remerge".into());
    };
    let n = m.remerged;
    if n < min {
        return na(format!(
            "{} re-merged, fewer than {min}",
            plural(n, "change")
        ));
    }
    let by_life: Vec<String> = m
        .by_lifetime
        .iter()
        .filter(|b| b.remerged > 0)
        .map(|b| format!("{} {}/{}", b.bucket, b.conflicted, b.remerged))
        .collect();
    let mut e = format!(
        "{} of {} conflict when merged again",
        m.conflicted,
        plural(n, "re-merged change")
    );
    if !by_life.is_empty() {
        e.push_str(&format!("; by branch lifetime: {}", by_life.join(", ")));
    }
    if !m.examples.is_empty() {
        let ex: Vec<String> = m
            .examples
            .iter()
            .take(EXAMPLES)
            .map(|o| o.short(10))
            .collect();
        e.push_str(&format!("; e.g. {}", ex.join(", ")));
    }
    val(m.conflicted as f64 / n as f64, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_in_their_units() {
        assert_eq!(fmt_value(0.25, Unit::Days), "6h");
        assert_eq!(fmt_value(2.0, Unit::Days), "2d");
        assert_eq!(fmt_value(0.5, Unit::Share), "50%");
        assert_eq!(fmt_value(1.0, Unit::Flag), "yes");
        assert_eq!(fmt_value(3.0, Unit::Count), "3");
        assert_eq!(
            fmt_target(1.0, 0.25, Unit::PerDeveloperDay),
            ">= 1.00/dev-day"
        );
        assert_eq!(fmt_target(100.0, 1000.0, Unit::Lines), "<= 100 lines");
    }
}
