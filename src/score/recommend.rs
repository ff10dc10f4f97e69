//! The recommendation, following the seed's rule: "Start with trunk-based development or GitHub
//! Flow. Only adopt GitFlow if you have a genuine need for parallel release management."
//!
//! - GitFlow with parallel release lines: keep GitFlow, improve it where the gaps are.
//! - GitFlow without them: the seed's five-phase migration to trunk-based development, the
//!   phases ordered by the measured gaps (within their prerequisites).
//! - Otherwise: stay with the detected model and close its largest gaps.

use super::cadence::Cadence;
use super::card::{CriterionResult, Scorecard};
use super::criteria::{Metric, Model, S_RULE, S_WHEN_IN_DOUBT};
use super::detect::Detection;
use super::measure::{
    fmt_days, fmt_share, fmt_target, fmt_value, label, median, percentile, plural, Facts,
};
use crate::model::Kind;
use serde::Serialize;
use std::collections::BTreeMap;

// The seed sentence each migration phase quotes.
const P1_SEED: &str = "Set a team norm: no branch lives longer than 2 days.";
const P2_SEED: &str = "Start wrapping incomplete features behind flags so that partially complete work can be merged to develop without being visible to users.";
const P3_SEED: &str = "Start merging directly to main.";
const P4_SEED: &str =
    "With CI/CD deploying from main, release branches become unnecessary for web services.";
const P5_SEED: &str = "If your CI takes 45 minutes, fix that before going fully trunk-based.";

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Recommendation {
    /// The model to work towards (a model id).
    pub model: String,
    pub summary: String,
    /// Steps, most needed first (ordered by the measured gaps).
    pub phases: Vec<String>,
    /// Release lines maintained in parallel (the evidence for keeping GitFlow).
    pub parallel_release_lines: Vec<String>,
}

/// The advice for a metric: a group name (criteria in one group become one step) and the seed
/// sentence behind it.
fn advice(metric: Metric) -> (&'static str, &'static str) {
    match metric {
        Metric::LifetimeMedian | Metric::LifetimeP90 | Metric::LongLivedBranches => (
            "Shorten branch lifetimes",
            "If a feature takes 3 weeks, break it into smaller increments that can be merged daily behind a feature flag.",
        ),
        Metric::SizeOverLimitShare | Metric::SizeMedian => (
            "Keep changes under 400 lines",
            "Keep PRs small (under 400 lines changed).",
        ),
        Metric::IntegrationFrequency => (
            "Integrate more often",
            "The practice of merging all developer working copies to a shared mainline multiple times a day.",
        ),
        Metric::ReviewedShare => (
            "Land every change through a reviewed pull request",
            "GitHub Flow: Create a branch from main, do work, open a pull request, review, merge to main, deploy.",
        ),
        Metric::ExtraLongLivedLines => (
            "Retire long-lived lines besides main",
            "Long-lived branches create merge conflicts and delay integration.",
        ),
        Metric::ReleaseInterval => (
            "Release more often",
            "If your team deploys multiple times per day, use trunk-based development.",
        ),
        Metric::CiConfig => ("Add CI", "CI runs on every commit."),
        Metric::IntegrationBranch | Metric::FeaturesIntoIntegration => (
            "Land features on develop",
            "GitFlow: Separate develop, release, and hotfix branches alongside main.",
        ),
        Metric::ReleasesThroughBranches => (
            "Ship to the production branch through release/* and hotfix/* only",
            "GitFlow: Separate develop, release, and hotfix branches alongside main.",
        ),
        Metric::ReleasesTagged => (
            "Tag every release and hotfix merge",
            "The benefit: explicit control over what goes into each release.",
        ),
        Metric::ReleasesBackMerged => (
            "Merge every release and hotfix back into develop",
            "Common symptoms: merge conflicts between long-lived develop and release branches, hotfixes that need cherry-picking across multiple branches, release branches that accumulate so many changes that testing them is a project in itself, and a \u{201c}merge day\u{201d} before each release where the team stops feature work to resolve conflicts.",
        ),
    }
}

fn metric_of(model: Model, id: &str) -> Option<Metric> {
    model
        .criteria()
        .iter()
        .find(|d| d.id == id)
        .map(|d| d.metric)
}

/// A criterion's weighted gap: weight x (100 - score) / 100; 0 when it passes or is n/a.
fn gap(c: &CriterionResult) -> f64 {
    c.score.map_or(0.0, |s| c.weight * (100.0 - s) / 100.0)
}

fn describe(c: &CriterionResult) -> String {
    format!(
        "{} {} (target {})",
        c.id,
        c.measured.map_or("n/a".into(), |v| fmt_value(v, &c.unit)),
        fmt_target(c.target, c.failing, &c.unit)
    )
}

/// Improvements within a model: failing and partial criteria grouped by advice, largest
/// weighted gap first.
pub(crate) fn improvements(model: Model, card: &Scorecard) -> Vec<String> {
    let mut groups: BTreeMap<&str, (f64, &str, Vec<&CriterionResult>)> = BTreeMap::new();
    for c in &card.criteria {
        let g = gap(c);
        if g <= 0.0 {
            continue;
        }
        let Some(metric) = metric_of(model, &c.id) else {
            continue;
        };
        let (name, seed) = advice(metric);
        let e = groups.entry(name).or_insert((0.0, seed, vec![]));
        e.0 += g;
        e.2.push(c);
    }
    let mut v: Vec<(f64, String)> = groups
        .into_iter()
        .map(|(name, (g, seed, cs))| {
            let measured: Vec<String> = cs.iter().map(|c| describe(c)).collect();
            let worst = cs
                .iter()
                .max_by(|a, b| gap(a).total_cmp(&gap(b)))
                .map(|c| c.evidence.clone())
                .unwrap_or_default();
            (
                g,
                format!("{name}: {}; {worst}. Seed: \"{seed}\"", measured.join(", ")),
            )
        })
        .collect();
    v.sort_by(|a, b| b.0.total_cmp(&a.0));
    v.into_iter().map(|(_, s)| s).collect()
}

fn find<'c>(card: &'c Scorecard, id: &str) -> Option<&'c CriterionResult> {
    card.criteria.iter().find(|c| c.id == id)
}

/// Mean unscored share (1 - score/100) of some criteria; None when all are n/a.
fn mean_gap(card: &Scorecard, ids: &[&str]) -> Option<f64> {
    let gaps: Vec<f64> = ids
        .iter()
        .filter_map(|id| find(card, id)?.score)
        .map(|s| (100.0 - s) / 100.0)
        .collect();
    (!gaps.is_empty()).then(|| gaps.iter().sum::<f64>() / gaps.len() as f64)
}

struct Phase {
    number: u8,
    gap: Option<f64>,
    text: String,
    requires: Vec<u8>,
}

/// The seed's five phases, each with the numbers that call for it, ordered by gap: at each step
/// the largest gap among the phases whose prerequisites are done (Phase 3 needs 1 and 2, and 5
/// when there is no CI: "If your CI takes 45 minutes, fix that before going fully trunk-based.";
/// Phase 4 needs 3).
fn migration_phases(f: &Facts, scores: &BTreeMap<String, Scorecard>, cad: &Cadence) -> Vec<String> {
    let empty = Scorecard {
        score: None,
        coverage: 0.0,
        criteria: vec![],
    };
    let tbd = scores.get(Model::TrunkBased.id()).unwrap_or(&empty);

    // Phase 1: lifetimes.
    let days = f.lifetime_days();
    let lifetimes = match (median(&days), percentile(&days, 90.0)) {
        (Some(m), Some(p)) => format!(
            "median branch lifetime {}, p90 {} over {} changes",
            fmt_days(m),
            fmt_days(p),
            days.len()
        ),
        _ => "no known branch lifetimes".into(),
    };
    let live = if f.long_lived_live.is_empty() {
        "no active branch older than 3 weeks".to_string()
    } else {
        let names: Vec<&str> = f
            .long_lived_live
            .iter()
            .take(3)
            .map(|b| b.name.as_str())
            .collect();
        format!(
            "{} older than 3 weeks ({})",
            plural(f.long_lived_live.len(), "active branch"),
            names.join(", ")
        )
    };
    let p1 = Phase {
        number: 1,
        gap: mean_gap(tbd, &["lifetime_median", "lifetime_p90", "long_lived_branches"]),
        text: format!(
            "Phase 1 \u{2014} Shorten branch lifetimes (2-4 weeks): {lifetimes}; {live}. Seed: \"{P1_SEED}\""
        ),
        requires: vec![],
    };

    // Phase 2: feature flags, needed in proportion to the work that cannot land in small pieces.
    let over = f.over_limit().len();
    let sizes = f.sizes();
    let size_text = if f.sized.is_empty() {
        "no sized changes".to_string()
    } else {
        format!(
            "{over} of {} changes over 400 lines, median {:.0} lines",
            f.sized.len(),
            median(&sizes).unwrap_or(0.0)
        )
    };
    let p2 = Phase {
        number: 2,
        gap: mean_gap(tbd, &["change_size_over_400", "change_size_median"]),
        text: format!(
            "Phase 2 \u{2014} Introduce feature flags (2-4 weeks): {size_text}: large changes are work that could not land in small pieces. Seed: \"{P2_SEED}\""
        ),
        requires: vec![],
    };

    // Phase 3: develop.
    let features: Vec<_> = f
        .counted
        .iter()
        .filter(|c| c.kind == Kind::Feature)
        .collect();
    let on_develop = features
        .iter()
        .filter(|c| super::measure::normalize(&c.target) == f.integration)
        .count();
    let p3_gap = if features.is_empty() {
        None
    } else {
        Some(on_develop as f64 / features.len() as f64)
    };
    let no_ci = f.input.ci_files.is_empty();
    let p3 = Phase {
        number: 3,
        gap: p3_gap,
        text: format!(
            "Phase 3 \u{2014} Eliminate the develop branch (1-2 weeks): {on_develop} of {} feature changes land on {} and reach {} only through {} release merges. Seed: \"{P3_SEED}\"",
            features.len(),
            f.integration,
            f.production,
            f.release_landings.iter().filter(|c| c.kind == Kind::Release).count()
        ),
        requires: if no_ci { vec![1, 2, 5] } else { vec![1, 2] },
    };

    // Phase 4: release branches.
    let release_lines: Vec<&str> = f
        .lines
        .iter()
        .filter(|l| {
            matches!(
                l.role,
                super::measure::LineRole::Release | super::measure::LineRole::Hotfix
            )
        })
        .map(|l| l.name.as_str())
        .collect();
    let rl = f.release_landings.len();
    let p4_gap = if f.production_landings.is_empty() && release_lines.is_empty() {
        None
    } else if !release_lines.is_empty() {
        Some(1.0)
    } else {
        Some(rl as f64 / f.production_landings.len().max(1) as f64)
    };
    let examples: Vec<String> = f
        .release_landings
        .iter()
        .rev()
        .take(3)
        .map(|c| label(c))
        .collect();
    let p4 = Phase {
        number: 4,
        gap: p4_gap,
        text: format!(
            "Phase 4 \u{2014} Eliminate release branches (gradual): {rl} release/hotfix merges on {}{}{}. Seed: \"{P4_SEED}\"",
            f.production,
            if examples.is_empty() { String::new() } else { format!(" ({})", examples.join(", ")) },
            if release_lines.is_empty() {
                String::new()
            } else {
                format!("; release lines with commits in the window: {}", release_lines.join(", "))
            }
        ),
        requires: vec![3],
    };

    // Phase 5: CI.
    let cfr = cad.dora.change_failure_rate.value.unwrap_or(0.0);
    let ci_text = if no_ci {
        "no CI configuration in the trunk's tree".to_string()
    } else {
        format!("CI configuration: {}", f.input.ci_files.join(", "))
    };
    let p5 = Phase {
        number: 5,
        gap: Some(if no_ci { 1.0 } else { (cfr / 0.30).min(1.0) * 0.5 }),
        text: format!(
            "Phase 5 \u{2014} Invest in CI and automated testing: {ci_text}; change failure proxy {} ({}, {}). Seed: \"{P5_SEED}\"",
            fmt_share(cfr),
            plural(cad.reverts, "revert"),
            plural(cad.hotfixes, "hotfix")
        ),
        requires: vec![],
    };

    let mut pending = vec![p1, p2, p3, p4, p5];
    let mut done: Vec<u8> = Vec::new();
    let mut out = Vec::new();
    while !pending.is_empty() {
        // An unmeasured gap counts as half: neither urgent nor skippable.
        let key = |p: &Phase| p.gap.unwrap_or(0.5);
        let pick = pending
            .iter()
            .enumerate()
            .filter(|(_, p)| p.requires.iter().all(|r| done.contains(r)))
            .max_by(|(_, a), (_, b)| key(a).total_cmp(&key(b)).then(b.number.cmp(&a.number)))
            .map(|(i, _)| i)
            .unwrap_or(0);
        let p = pending.remove(pick);
        done.push(p.number);
        let g = match p.gap {
            Some(g) => format!(" (measured gap {})", fmt_share(g)),
            None => " (gap not measured)".into(),
        };
        out.push(format!("{}{g}", p.text));
    }
    out
}

pub(crate) fn recommend(
    f: &Facts,
    det: &Detection,
    scores: &BTreeMap<String, Scorecard>,
    cad: &Cadence,
) -> Recommendation {
    let parallel = det.parallel_lines.clone();
    let card = |m: Model| scores.get(m.id());
    let score_text = |m: Model| {
        card(m)
            .and_then(|c| c.score)
            .map_or("n/a".to_string(), |s| format!("{s:.1}/100"))
    };
    let improve = |m: Model| card(m).map(|c| improvements(m, c)).unwrap_or_default();

    if det.model == "unknown" {
        return Recommendation {
            model: Model::GithubFlow.id().into(),
            summary: format!(
                "No landed changes in the window, so nothing was measured. The seed's default: \"{S_WHEN_IN_DOUBT}\""
            ),
            phases: vec![],
            parallel_release_lines: parallel,
        };
    }

    if det.model == Model::Gitflow.id() {
        if !parallel.is_empty() {
            return Recommendation {
                model: Model::Gitflow.id().into(),
                summary: format!(
                    "Keep GitFlow ({}): release lines {} received commits in the same period ({}), the \"genuine need for parallel release management\" of the seed's rule: \"{S_RULE}\" Improve within GitFlow, largest gap first.",
                    score_text(Model::Gitflow),
                    parallel.join(", "),
                    det.parallel_evidence.first().cloned().unwrap_or_default()
                ),
                phases: improve(Model::Gitflow),
                parallel_release_lines: parallel,
            };
        }
        return Recommendation {
            model: Model::TrunkBased.id().into(),
            summary: format!(
                "GitFlow history (GitFlow {}, trunk-based {}) without parallel release lines: no two release/maintenance lines received commits within 14 days of each other. The seed's rule: \"{S_RULE}\" Migrate incrementally, not as a big bang; the seed's phases below are ordered by the measured gaps.",
                score_text(Model::Gitflow),
                score_text(Model::TrunkBased)
            ),
            phases: migration_phases(f, scores, cad),
            parallel_release_lines: parallel,
        };
    }

    let model = Model::from_id(det.model).unwrap_or(Model::GithubFlow);
    let mut summary = format!(
        "Stay with {} ({}); the history already follows it, and the seed's rule is satisfied: \"{S_RULE}\"",
        model.title(),
        score_text(model)
    );
    if model == Model::GithubFlow {
        let df = &cad.dora.deployment_frequency;
        if let Some(v) = df.value {
            summary.push_str(&format!(
                " Deployment frequency {v:.2} {} ({}); \"If your team deploys multiple times per day, use trunk-based development.\" (trunk-based {}).",
                df.unit.replace('_', " "),
                df.proxy,
                score_text(Model::TrunkBased)
            ));
        }
    }
    if !parallel.is_empty() {
        summary.push_str(&format!(
            " Release lines {} are maintained in parallel: keep them as lightweight release branches cut from main that only receive cherry-picked fixes.",
            parallel.join(", ")
        ));
    }
    let phases = improve(model);
    if phases.is_empty() {
        summary.push_str(" No criterion has a gap.");
    } else {
        summary.push_str(" Close the gaps below, largest first.");
    }
    Recommendation {
        model: model.id().into(),
        summary,
        phases,
        parallel_release_lines: parallel,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advice_and_phase_quotes_are_from_the_seed() {
        let Some(seed) = crate::score::criteria::seed_text() else {
            return;
        };
        let metrics = Model::ALL
            .iter()
            .flat_map(|m| m.criteria().iter().map(|c| c.metric));
        let quotes = metrics
            .map(|m| advice(m).1)
            .chain([P1_SEED, P2_SEED, P3_SEED, P4_SEED, P5_SEED]);
        for q in quotes {
            assert!(seed.contains(q), "not in the seed: {q}");
        }
    }
}
