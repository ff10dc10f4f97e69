//! Which model the history resembles most, and whether release lines run in parallel.

use super::criteria::{Model, PARALLEL_WINDOW_DAYS};
use super::measure::{fmt_days, fmt_share, label, median, plural, Facts, Line, LineRole};
use crate::model::{rfc3339, Kind, Strategy, Timestamp};

pub(crate) struct Detection {
    /// A model id, or `unknown` without landed changes.
    pub model: &'static str,
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
                        fmt_days(ta.abs_diff(tb) as f64 / 86_400.0),
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

pub(crate) fn detect(f: &Facts, min: usize) -> Detection {
    let (parallel_lines, parallel_evidence) = parallel_release_lines(&f.lines);
    let mut evidence = Vec::new();
    let n = f.counted.len();
    if n == 0 {
        return Detection {
            model: "unknown",
            evidence: vec!["no landed changes in the window".into()],
            parallel_lines,
            parallel_evidence,
        };
    }

    if f.gitflow {
        let features: Vec<_> = f
            .counted
            .iter()
            .filter(|c| c.kind == Kind::Feature)
            .collect();
        let on_develop = features
            .iter()
            .filter(|c| super::measure::normalize(&c.target) == f.integration)
            .count();
        let release_lines: Vec<&str> = f
            .lines
            .iter()
            .filter(|l| matches!(l.role, LineRole::Release | LineRole::Hotfix))
            .map(|l| l.name.as_str())
            .collect();
        if !f.release_landings.is_empty() || !release_lines.is_empty() || on_develop > 0 {
            evidence.push(format!(
                "{} is a develop-like integration branch beside the production branch {}",
                f.integration, f.production
            ));
            if !features.is_empty() {
                evidence.push(format!(
                    "{on_develop} of {} feature changes landed on {}",
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
                evidence.push(format!(
                    "{} release/hotfix merges landed on {}: {}",
                    f.release_landings.len(),
                    f.production,
                    ex.join(", ")
                ));
            }
            if !release_lines.is_empty() {
                evidence.push(format!(
                    "release/hotfix lines with commits in the window: {}",
                    release_lines.join(", ")
                ));
            }
            return Detection {
                model: Model::Gitflow.id(),
                evidence,
                parallel_lines,
                parallel_evidence,
            };
        }
        evidence.push(format!(
            "{} exists beside {} but received no features and {} no release merges",
            f.integration, f.production, f.production
        ));
    }

    let direct = f
        .counted
        .iter()
        .filter(|c| c.strategy == Strategy::Direct)
        .count();
    let direct_share = direct as f64 / n as f64;
    let days = f.lifetime_days();
    let med = (days.len() >= min).then(|| median(&days)).flatten();
    let lifetime_note = match med {
        Some(m) => format!(
            "median branch lifetime {} over {} changes",
            fmt_days(m),
            days.len()
        ),
        None => format!("{} known lifetimes (too few for a median)", days.len()),
    };
    let model = if direct_share >= 0.5 {
        evidence.push(format!(
            "{direct} of {n} changes ({}) were committed directly to {}",
            fmt_share(direct_share),
            f.input.trunk
        ));
        evidence.push(lifetime_note);
        Model::TrunkBased
    } else if med.is_some_and(|m| m <= 1.0) {
        evidence.push(format!("{lifetime_note}: hours, not days"));
        evidence.push(format!(
            "{direct} of {n} changes ({}) were committed directly",
            fmt_share(direct_share)
        ));
        Model::TrunkBased
    } else {
        let reviewed = f
            .counted
            .iter()
            .filter(|c| super::measure::reviewed(c))
            .count();
        evidence.push(format!(
            "{} of {n} changes landed through branches ({} with PR evidence), {direct} directly",
            n - direct,
            reviewed
        ));
        evidence.push(lifetime_note);
        Model::GithubFlow
    };
    Detection {
        model: model.id(),
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
        assert!(ev[0].contains("10.0 d apart"), "{ev:?}");
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
