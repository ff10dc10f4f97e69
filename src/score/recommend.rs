//! The recommendation. The rule (`rules::CHOOSE_MODEL`): trunk-based development or GitHub Flow,
//! unless versions are maintained in parallel.
//!
//! - GitFlow with parallel release lines: keep GitFlow, improve it where the gaps are.
//! - GitFlow without them: the five-phase migration to trunk-based development, the phases
//!   ordered by the measured gaps (within their prerequisites).
//! - Otherwise: stay with the detected model and close its largest gaps.

use super::cadence::Cadence;
use super::card::{CriterionResult, Scorecard};
use super::criteria::{Model, LONG_LIVED_DAYS, SIZE_LIMIT_LINES};
use super::detect::Detection;
use super::facts::{median, Facts};
use super::measure::{fmt_target, fmt_value, label};
use super::rules::{self, advice, PhaseRule, CHOOSE_MODEL, PHASES};
use super::sources::Source;
use crate::format::{days, plural, share};
use crate::model::Kind;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Recommendation {
    /// The model to work towards.
    pub model: Model,
    pub summary: String,
    /// The rule the recommendation follows.
    pub source: Source,
    /// Steps, most needed first (ordered by the measured gaps).
    pub phases: Vec<Step>,
    /// Release lines maintained in parallel (the evidence for keeping GitFlow).
    pub parallel_release_lines: Vec<String>,
}

/// One step of a recommendation, with the source of its rule.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    pub text: String,
    pub source: Source,
}

/// A criterion's weighted gap: weight x (100 - score) / 100; 0 when it passes or is n/a.
fn gap(c: &CriterionResult) -> f64 {
    c.score.map_or(0.0, |s| c.weight * (100.0 - s) / 100.0)
}

fn describe(c: &CriterionResult) -> String {
    format!(
        "{} {} (target {})",
        c.id,
        c.measured.map_or("n/a".into(), |v| fmt_value(v, c.unit)),
        fmt_target(c.target, c.failing, c.unit)
    )
}

/// Improvements within a model: failing and partial criteria grouped by advice, largest
/// weighted gap first.
pub(crate) fn improvements(card: &Scorecard) -> Vec<Step> {
    let mut groups: BTreeMap<&str, (f64, rules::Advice, Vec<&CriterionResult>)> = BTreeMap::new();
    for c in card.criteria.iter().filter(|c| gap(c) > 0.0) {
        let a = advice(c.metric);
        let e = groups.entry(a.title).or_insert((0.0, a, vec![]));
        e.0 += gap(c);
        e.2.push(c);
    }
    let mut v: Vec<(f64, Step)> = groups
        .into_values()
        .map(|(g, a, cs)| {
            let measured: Vec<String> = cs.iter().map(|c| describe(c)).collect();
            let worst = cs
                .iter()
                .max_by(|a, b| gap(a).total_cmp(&gap(b)))
                .map(|c| c.evidence.clone())
                .unwrap_or_default();
            let text = format!(
                "{}: {}; {worst}. {}.",
                a.title,
                measured.join(", "),
                cap(a.rule)
            );
            (
                g,
                Step {
                    text,
                    source: a.source,
                },
            )
        })
        .collect();
    v.sort_by(|a, b| b.0.total_cmp(&a.0));
    v.into_iter().map(|(_, s)| s).collect()
}

/// The first letter in upper case.
fn cap(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
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

/// A migration phase with what was measured for it and how big its gap is.
struct Phase {
    rule: PhaseRule,
    gap: Option<f64>,
    measured: String,
}

fn phase(number: u8, gap: Option<f64>, measured: String) -> Phase {
    Phase {
        rule: PHASES[usize::from(number) - 1],
        gap,
        measured,
    }
}

/// Phase 1: branch lifetimes.
fn lifetimes_phase(f: &Facts, tbd: &Scorecard) -> Phase {
    let d = f.lifetime_days();
    let lifetimes = match (median(&d), crate::history::measure::percentile(&d, 90.0)) {
        (Some(m), Some(p)) => format!(
            "median branch lifetime {}, p90 {} over {} changes",
            days(m),
            days(p),
            d.len()
        ),
        _ => "no known branch lifetimes".into(),
    };
    let live = if f.long_lived_live.is_empty() {
        format!("no active branch {LONG_LIVED_DAYS} days old or older")
    } else {
        let names: Vec<&str> = f
            .long_lived_live
            .iter()
            .take(3)
            .map(|b| b.name.as_str())
            .collect();
        format!(
            "{} {LONG_LIVED_DAYS} days old or older ({})",
            plural(f.long_lived_live.len(), "active branch"),
            names.join(", ")
        )
    };
    let ids = ["lifetime_median", "lifetime_p90", "long_lived_branches"];
    phase(1, mean_gap(tbd, &ids), format!("{lifetimes}; {live}"))
}

/// Phase 2: feature flags, needed in proportion to the work that cannot land in small pieces.
fn flags_phase(f: &Facts, tbd: &Scorecard) -> Phase {
    let size = if f.sized.is_empty() {
        "no sized changes".to_string()
    } else {
        format!(
            "{} of {} changes over {SIZE_LIMIT_LINES} lines, median {:.0} lines: large changes are work that could not land in small pieces",
            f.over_limit().len(),
            f.sized.len(),
            median(&f.sizes()).unwrap_or(0.0)
        )
    };
    let ids = ["change_size_over_400", "change_size_median"];
    phase(2, mean_gap(tbd, &ids), size)
}

/// Phase 3: develop.
fn develop_phase(f: &Facts) -> Phase {
    let (features, on) = f.features();
    let gap = (!features.is_empty()).then(|| on as f64 / features.len() as f64);
    let releases = f
        .release_landings
        .iter()
        .filter(|c| c.kind == Kind::Release)
        .count();
    let text = format!(
        "{on} of {} feature changes land on {} and reach {} only through {}",
        features.len(),
        f.integration,
        f.production,
        plural(releases, "release merge")
    );
    phase(3, gap, text)
}

/// Phase 4: release branches.
fn release_phase(f: &Facts) -> Phase {
    let lines = f.release_lines();
    let rl = f.release_landings.len();
    let gap = if f.production_landings.is_empty() && lines.is_empty() {
        None
    } else if !lines.is_empty() {
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
    let mut text = format!("{} on {}", plural(rl, "release/hotfix merge"), f.production);
    if !examples.is_empty() {
        text.push_str(&format!(" ({})", examples.join(", ")));
    }
    if !lines.is_empty() {
        text.push_str(&format!(
            "; release lines with commits in the window: {}",
            lines.join(", ")
        ));
    }
    phase(4, gap, text)
}

/// Phase 5: CI.
fn ci_phase(f: &Facts, cad: &Cadence) -> Phase {
    let cfr = cad.dora.change_failure_rate.value.unwrap_or(0.0);
    let no_ci = f.input.ci_files.is_empty();
    let ci = if no_ci {
        "no CI configuration in the trunk's tree".to_string()
    } else {
        format!("CI configuration: {}", f.input.ci_files.join(", "))
    };
    let gap = if no_ci {
        1.0
    } else {
        (cfr / 0.30).min(1.0) * 0.5
    };
    let text = format!(
        "{ci}; change failure proxy {} ({}, {})",
        share(cfr),
        plural(cad.reverts, "revert"),
        plural(cad.hotfixes, "hotfix")
    );
    phase(5, Some(gap), text)
}

/// The five phases, each with the numbers that call for it, ordered by gap: at each step the
/// largest gap among the phases whose prerequisites are done (phase 3 also waits for phase 5
/// when there is no CI).
fn migration_phases(f: &Facts, scores: &BTreeMap<String, Scorecard>, cad: &Cadence) -> Vec<Step> {
    let empty = Scorecard {
        score: None,
        coverage: 0.0,
        criteria: vec![],
    };
    let tbd = scores.get(Model::TrunkBased.id()).unwrap_or(&empty);
    let no_ci = f.input.ci_files.is_empty();
    let mut pending = vec![
        lifetimes_phase(f, tbd),
        flags_phase(f, tbd),
        develop_phase(f),
        release_phase(f),
        ci_phase(f, cad),
    ];
    let requires = |p: &Phase| -> Vec<u8> {
        let mut r = p.rule.requires.to_vec();
        if p.rule.number == 3 && no_ci {
            r.push(5);
        }
        r
    };
    let mut done: Vec<u8> = Vec::new();
    let mut out = Vec::new();
    while !pending.is_empty() {
        // An unmeasured gap counts as half: neither urgent nor skippable.
        let key = |p: &Phase| p.gap.unwrap_or(0.5);
        let pick = pending
            .iter()
            .enumerate()
            .filter(|(_, p)| requires(p).iter().all(|r| done.contains(r)))
            .max_by(|(_, a), (_, b)| {
                key(a)
                    .total_cmp(&key(b))
                    .then(b.rule.number.cmp(&a.rule.number))
            })
            .map_or(0, |(i, _)| i);
        let p = pending.remove(pick);
        done.push(p.rule.number);
        let g = match p.gap {
            Some(g) => format!(" (measured gap {})", share(g)),
            None => " (gap not measured)".into(),
        };
        out.push(Step {
            text: format!(
                "Phase {} \u{2014} {}: {}. {}.{g}",
                p.rule.number,
                p.rule.title,
                p.measured,
                cap(p.rule.rule)
            ),
            source: p.rule.source,
        });
    }
    out
}

fn score_text(scores: &BTreeMap<String, Scorecard>, m: Model) -> String {
    scores
        .get(m.id())
        .and_then(|c| c.score)
        .map_or("n/a".to_string(), |s| format!("{s:.1}/100"))
}

fn gitflow(
    f: &Facts,
    det: &Detection,
    scores: &BTreeMap<String, Scorecard>,
    cad: &Cadence,
) -> Recommendation {
    let parallel = det.parallel_lines.clone();
    if !parallel.is_empty() {
        return Recommendation {
            model: Model::Gitflow,
            summary: format!(
                "Keep GitFlow ({}): release lines {} received commits in the same period ({}), versions maintained in parallel, the case GitFlow is made for. Improve within GitFlow, largest gap first.",
                score_text(scores, Model::Gitflow),
                parallel.join(", "),
                det.parallel_evidence.first().cloned().unwrap_or_default()
            ),
            source: CHOOSE_MODEL.source,
            phases: scores.get(Model::Gitflow.id()).map(improvements).unwrap_or_default(),
            parallel_release_lines: parallel,
        };
    }
    Recommendation {
        model: Model::TrunkBased,
        summary: format!(
            "GitFlow history (GitFlow {}, trunk-based {}) without parallel release lines: no two release/maintenance lines received commits within 14 days of each other. {}. Migrate step by step, not all at once; the phases below are ordered by the measured gaps.",
            score_text(scores, Model::Gitflow),
            score_text(scores, Model::TrunkBased),
            cap(CHOOSE_MODEL.rule)
        ),
        source: CHOOSE_MODEL.source,
        phases: migration_phases(f, scores, cad),
        parallel_release_lines: parallel,
    }
}

pub(crate) fn recommend(
    f: &Facts,
    det: &Detection,
    scores: &BTreeMap<String, Scorecard>,
    cad: &Cadence,
) -> Recommendation {
    let parallel = det.parallel_lines.clone();
    let model = match det.model {
        None => {
            return Recommendation {
                model: Model::GithubFlow,
                summary: "No landed changes in the window, so nothing was measured. Without evidence, start with GitHub Flow: the simpler models fit continuously delivered software.".into(),
                source: CHOOSE_MODEL.source,
                phases: vec![],
                parallel_release_lines: parallel,
            }
        }
        Some(Model::Gitflow) => return gitflow(f, det, scores, cad),
        Some(m) => m,
    };
    let mut summary = format!(
        "Stay with {} ({}): the history already follows it, and it is one of the simpler models.",
        model.title(),
        score_text(scores, model)
    );
    if model == Model::GithubFlow {
        let df = &cad.dora.deployment_frequency;
        if let Some(v) = df.value {
            summary.push_str(&format!(
                " Deployment frequency {v:.2} {} ({}); releasing several times a day from the trunk is trunk-based development's ground (trunk-based {}).",
                df.unit.replace('_', " "),
                df.proxy,
                score_text(scores, Model::TrunkBased)
            ));
        }
    }
    if !parallel.is_empty() {
        summary.push_str(&format!(
            " Release lines {} are maintained in parallel: keep them as lightweight release branches cut from main that only receive cherry-picked fixes.",
            parallel.join(", ")
        ));
    }
    let phases = scores.get(model.id()).map(improvements).unwrap_or_default();
    summary.push_str(if phases.is_empty() {
        " No criterion has a gap."
    } else {
        " Close the gaps below, largest first."
    });
    Recommendation {
        model,
        summary,
        source: model.source(),
        phases,
        parallel_release_lines: parallel,
    }
}
