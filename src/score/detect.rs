//! Which model the history resembles most, and whether release lines run in parallel.

use super::criteria::{Model, PARALLEL_WINDOW_DAYS};
use super::facts::{median, reviewed, Facts, Line, LineRole};
use super::measure::label;
use crate::format::{days, plural, share};
use crate::model::{rfc3339, Change, Kind, Strategy, Timestamp};
use serde::Serialize;
use std::collections::BTreeMap;

/// How much the history resembles each model, the runner-up and the margin, so that a reader
/// sees a close call as one.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Resemblance {
    /// Per model id, 0-1: the share of landed changes that landed the way the model asks
    /// (trunk-based scaled by how often developers integrate).
    pub shares: BTreeMap<String, f64>,
    /// The second most resembled model; null without landed changes.
    pub runner_up: Option<Model>,
    /// The detected model's share minus the runner-up's (0-1); null without landed changes.
    pub margin: Option<f64>,
}

pub(crate) struct Detection {
    /// None without landed changes (`unknown`).
    pub model: Option<Model>,
    pub resemblance: Resemblance,
    pub evidence: Vec<String>,
    /// Release/maintenance lines that received commits within 14 days of another one.
    pub parallel_lines: Vec<String>,
    pub parallel_evidence: Vec<String>,
}

/// The smallest distance between two ascending lists of times, with the pair.
fn closest(a: &[Timestamp], b: &[Timestamp]) -> Option<(Timestamp, Timestamp)> {
    let (mut i, mut j) = (0, 0);
    let mut best: Option<(Timestamp, Timestamp)> = None;
    while i < a.len() && j < b.len() {
        let d = a[i].abs_diff(b[j]);
        let better = match best {
            None => true,
            Some((x, y)) => d < x.abs_diff(y),
        };
        if better {
            best = Some((a[i], b[j]));
        }
        if a[i] < b[j] {
            i += 1;
        } else {
            j += 1;
        }
    }
    best
}

/// Release/maintenance lines (not develop, not the production branch, not hotfix/*) that
/// received commits within `PARALLEL_WINDOW_DAYS` of each other.
pub(crate) fn parallel_release_lines(lines: &[Line]) -> (Vec<String>, Vec<String>) {
    let release: Vec<&Line> = lines
        .iter()
        .filter(|l| l.role == LineRole::Release)
        .collect();
    let window = (PARALLEL_WINDOW_DAYS * 86_400) as u64;
    let mut names: Vec<String> = Vec::new();
    let mut evidence = Vec::new();
    for (i, a) in release.iter().enumerate() {
        for b in &release[i + 1..] {
            if let Some((ta, tb)) = closest(&a.commits, &b.commits) {
                if ta.abs_diff(tb) <= window {
                    evidence.push(format!(
                        "{} ({}) and {} ({}) received commits {} apart ({} and {})",
                        a.name,
                        plural(a.commits.len(), "commit"),
                        b.name,
                        plural(b.commits.len(), "commit"),
                        days(ta.abs_diff(tb) as f64 / 86_400.0),
                        rfc3339(ta),
                        rfc3339(tb)
                    ));
                    for n in [&a.name, &b.name] {
                        if !names.contains(n) {
                            names.push(n.clone());
                        }
                    }
                }
            }
        }
    }
    names.sort();
    (names, evidence)
}

/// How each counted change landed: through a reviewed pull request, the trunk-based way
/// (unreviewed, directly or from a branch of under a day), or from an unreviewed branch of a
/// day or more; and the GitFlow way (features on develop, releases and hotfixes on production).
struct Landings {
    reviewed: usize,
    trunk_style: usize,
    branch_unreviewed: usize,
    gitflow_style: usize,
}

fn landings(f: &Facts) -> Landings {
    let mut l = Landings {
        reviewed: 0,
        trunk_style: 0,
        branch_unreviewed: 0,
        gitflow_style: 0,
    };
    let short = |c: &Change| c.lifetime_seconds.is_none_or(|s| s < 86_400);
    for c in &f.counted {
        if reviewed(c) {
            l.reviewed += 1;
        } else if c.strategy == Strategy::Direct || short(c) {
            l.trunk_style += 1;
        } else {
            l.branch_unreviewed += 1;
        }
        let target = super::facts::normalize(&c.target);
        let gitflow_way = match c.kind {
            Kind::Release | Kind::Hotfix => target == f.production,
            _ => target == f.integration,
        };
        if f.gitflow && gitflow_way {
            l.gitflow_style += 1;
        }
    }
    l
}

/// Resemblance shares: GitHub Flow = reviewed share (an unreviewed branch merge counts half:
/// a branch per change, merged, but no review seen); trunk-based = trunk-style share, scaled
/// from one half (integration once in several active days) to one (at least daily); GitFlow =
/// the share that landed the GitFlow way, when the repository has its two branches.
fn resemblance(f: &Facts, l: &Landings) -> [(Model, f64); 3] {
    let n = f.counted.len().max(1) as f64;
    let i = &f.integration_line;
    let freq = i.landings.len() as f64 / i.developer_days.max(1) as f64;
    let daily = 0.5 + 0.5 * freq.min(1.0);
    let r4 = |v: f64| (v * 10_000.0).round() / 10_000.0;
    [
        (Model::TrunkBased, r4(l.trunk_style as f64 / n * daily)),
        (
            Model::GithubFlow,
            r4((l.reviewed as f64 + 0.5 * l.branch_unreviewed as f64) / n),
        ),
        (Model::Gitflow, r4(l.gitflow_style as f64 / n)),
    ]
}

/// The ranking: highest share first; ties keep the simpler model first (trunk-based, GitHub
/// Flow, GitFlow).
fn ranked(shares: [(Model, f64); 3]) -> Vec<(Model, f64)> {
    let mut v = shares.to_vec();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

fn evidence(f: &Facts, l: &Landings, ranking: &[(Model, f64)], min: usize) -> Vec<String> {
    let n = f.counted.len();
    let direct = f
        .counted
        .iter()
        .filter(|c| c.strategy == Strategy::Direct)
        .count();
    let d = f.lifetime_days();
    let lifetime = match (d.len() >= min).then(|| median(&d)).flatten() {
        Some(m) => format!(
            "median branch lifetime {} over {} changes",
            days(m),
            d.len()
        ),
        None => format!(
            "{} (too few for a median)",
            plural(d.len(), "known lifetime")
        ),
    };
    let i = &f.integration_line;
    let mut e = vec![
        format!(
            "{} of {n} changes landed through reviewed pull requests ({}), {} the trunk-based way ({direct} directly, the rest from branches of under a day), {} from unreviewed branches of a day or more",
            l.reviewed,
            share(l.reviewed as f64 / n as f64),
            l.trunk_style,
            l.branch_unreviewed
        ),
        format!(
            "{lifetime}; {} landings per active developer-day ({} landings, {})",
            (i.landings.len() as f64 / i.developer_days.max(1) as f64 * 100.0).round() / 100.0,
            i.landings.len(),
            plural(i.developer_days, "developer-day")
        ),
    ];
    if f.gitflow {
        gitflow_evidence(f, l, &mut e);
    }
    let [(best, a), (second, b), _] = [ranking[0], ranking[1], ranking[2]];
    let close = if a - b < 0.1 { ": a close call" } else { "" };
    e.push(format!(
        "resembles {} most ({}), then {} ({}), margin {} points{close}",
        best.title(),
        share(a),
        second.title(),
        share(b),
        ((a - b) * 1000.0).round() / 10.0
    ));
    e
}

/// The GitFlow part of the evidence: what landed where, and the release lines.
fn gitflow_evidence(f: &Facts, l: &Landings, e: &mut Vec<String>) {
    let n = f.counted.len();
    e.push(format!(
        "{} of {n} changes landed the GitFlow way (features on {}, releases and hotfixes on {})",
        l.gitflow_style, f.integration, f.production
    ));
    let (features, on) = f.features();
    if !features.is_empty() {
        e.push(format!(
            "{on} of {} feature changes landed on {}",
            features.len(),
            f.integration
        ));
    }
    if !f.release_landings.is_empty() {
        let ex: Vec<String> = f
            .release_landings
            .iter()
            .take(3)
            .map(|c| label(c))
            .collect();
        e.push(format!(
            "{} landed on {}: {}",
            plural(f.release_landings.len(), "release/hotfix merge"),
            f.production,
            ex.join(", ")
        ));
    }
    let lines = f.release_lines();
    if !lines.is_empty() {
        e.push(format!(
            "release/hotfix lines with commits in the window: {}",
            lines.join(", ")
        ));
    }
}

pub(crate) fn detect(f: &Facts, min: usize) -> Detection {
    let (parallel_lines, parallel_evidence) = parallel_release_lines(&f.lines);
    if f.counted.is_empty() {
        return Detection {
            model: None,
            resemblance: Resemblance::default(),
            evidence: vec!["no landed changes in the window".into()],
            parallel_lines,
            parallel_evidence,
        };
    }
    let l = landings(f);
    let ranking = ranked(resemblance(f, &l));
    let evidence = evidence(f, &l, &ranking, min);
    Detection {
        model: Some(ranking[0].0),
        resemblance: Resemblance {
            shares: ranking
                .iter()
                .map(|(m, s)| (m.id().to_string(), *s))
                .collect(),
            runner_up: Some(ranking[1].0),
            margin: Some(((ranking[0].1 - ranking[1].1) * 10_000.0).round() / 10_000.0),
        },
        evidence,
        parallel_lines,
        parallel_evidence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(name: &str, role: LineRole, days: &[i64]) -> Line {
        Line {
            name: name.into(),
            role,
            commits: days.iter().map(|d| d * 86_400).collect(),
        }
    }

    #[test]
    fn closest_pair() {
        assert_eq!(closest(&[0, 100, 200], &[150, 400]), Some((100, 150)));
        assert_eq!(closest(&[], &[1]), None);
    }

    #[test]
    fn two_release_lines_within_14_days_run_in_parallel() {
        let lines = [
            line("release/2.x", LineRole::Release, &[30]),
            line("release/1.x", LineRole::Release, &[10, 20]),
            line("develop", LineRole::Integration, &[1, 2, 3]),
        ];
        let (names, ev) = parallel_release_lines(&lines);
        assert_eq!(names, ["release/1.x", "release/2.x"]);
        assert!(ev[0].contains("1w 3d apart"), "{ev:?}");
    }

    #[test]
    fn exactly_14_days_is_parallel_15_is_not() {
        let a = [
            line("1.x", LineRole::Release, &[0]),
            line("2.x", LineRole::Release, &[14]),
        ];
        assert_eq!(parallel_release_lines(&a).0.len(), 2);
        let b = [
            line("1.x", LineRole::Release, &[0]),
            line("2.x", LineRole::Release, &[15]),
        ];
        assert!(parallel_release_lines(&b).0.is_empty());
    }

    #[test]
    fn hotfix_and_develop_lines_are_not_release_lines() {
        let lines = [
            line("release/1.3", LineRole::Release, &[10]),
            line("hotfix/1.2.1", LineRole::Hotfix, &[11]),
            line("develop", LineRole::Integration, &[10]),
            line("main", LineRole::Production, &[10]),
        ];
        assert!(parallel_release_lines(&lines).0.is_empty());
    }
}
