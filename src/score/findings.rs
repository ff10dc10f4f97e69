//! Findings: what a reader should look at first, each with numbers and examples (commit ids,
//! branch names).

use super::cadence::Cadence;
use super::criteria::{SIZE_LIMIT_LINES, S_FETCH_PR_REFS};
use super::detect::Detection;
use super::measure::{branch_age, fmt_days, fmt_share, label, plural, reviewed, Facts};
use crate::model::{rfc3339, Change, Kind};
use serde::Serialize;

/// How soon to look: `high` first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    High,
    Medium,
    Low,
    Info,
}

impl Severity {
    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub message: String,
    /// Commit ids (first 10 hex digits) and branch names.
    pub evidence: Vec<String>,
}

const MAX_EVIDENCE: usize = 10;

fn commits(cs: &[&Change]) -> Vec<String> {
    cs.iter().take(MAX_EVIDENCE).map(|c| label(c)).collect()
}

pub(crate) fn findings(f: &Facts, cad: &Cadence, det: &Detection) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push = |severity, message: String, evidence: Vec<String>| {
        out.push(Finding {
            severity,
            message,
            evidence,
        })
    };
    let n = f.counted.len();
    let (since, until) = f.input.window;
    if n == 0 {
        push(
            Severity::Info,
            format!(
                "No landed changes between {} and {}: every criterion is n/a",
                rfc3339(since),
                rfc3339(until)
            ),
            vec![],
        );
    }

    // Live branches that will end in a painful merge.
    if !f.long_lived_live.is_empty() {
        let k = f.long_lived_live.len();
        let oldest = f.long_lived_live[0];
        push(
            if k >= 3 { Severity::High } else { Severity::Medium },
            format!(
                "{} older than 3 weeks and still active (oldest: {}, {}): \"A branch that lives for 3+ weeks almost always ends in a painful merge.\"",
                plural(k, "live branch"),
                oldest.name,
                branch_age(oldest)
            ),
            f.long_lived_live
                .iter()
                .take(MAX_EVIDENCE)
                .map(|b| format!("{} ({}, {} ahead)", b.name, branch_age(b), b.ahead))
                .collect(),
        );
    }
    if !f.long_lived_stale.is_empty() {
        push(
            Severity::Low,
            format!(
                "{} older than 3 weeks and idle for 30+ days: merge, rebase or delete them",
                plural(f.long_lived_stale.len(), "branch")
            ),
            f.long_lived_stale
                .iter()
                .take(MAX_EVIDENCE)
                .map(|b| b.name.clone())
                .collect(),
        );
    }

    // Landed changes whose branch lived 3+ weeks.
    let long: Vec<&Change> = f
        .lifetimes
        .iter()
        .rev()
        .filter(|(d, _)| *d >= 21.0)
        .map(|(_, c)| *c)
        .collect();
    if !long.is_empty() {
        let worst = f
            .lifetimes
            .last()
            .map(|(d, _)| fmt_days(*d))
            .unwrap_or_default();
        push(
            Severity::Medium,
            format!(
                "{} of {} landed changes came from branches that lived 3+ weeks (longest {worst})",
                long.len(),
                f.lifetimes.len()
            ),
            commits(&long),
        );
    }

    if f.lifetime_unknown > 0 {
        let unknown: Vec<&Change> = f
            .counted
            .iter()
            .copied()
            .filter(|c| c.lifetime_seconds.is_none())
            .collect();
        push(
            Severity::Info,
            format!(
                "{} of {n} changes have no known branch lifetime (squash merges without PR refs in the clone); they are excluded from lifetime criteria. Fetch the PR heads with `{S_FETCH_PR_REFS}`",
                f.lifetime_unknown
            ),
            commits(&unknown),
        );
    }

    // Changes too large to review.
    if !f.sized.is_empty() {
        let over = f.over_limit();
        let share = over.len() as f64 / f.sized.len() as f64;
        if share > 0.10 {
            push(
                Severity::Medium,
                format!(
                    "{} of {} changes ({}) exceed {SIZE_LIMIT_LINES} lines (largest {} lines): \"Keep PRs small (under 400 lines changed).\"",
                    over.len(),
                    f.sized.len(),
                    fmt_share(share),
                    over.first().map_or(0, |(s, _)| *s)
                ),
                over.iter()
                    .take(MAX_EVIDENCE)
                    .map(|(s, c)| format!("{} {s} lines", label(c)))
                    .collect(),
            );
        }
    }

    if n > 0 && f.input.ci_files.is_empty() {
        push(
            Severity::High,
            "No CI configuration in the trunk's tree (.github/workflows, .gitlab-ci.yml, Jenkinsfile, ...): trunk-based development needs \"Strong CI mandatory\"".into(),
            vec![],
        );
    }

    if let Some(cfr) = cad.dora.change_failure_rate.value {
        if cfr > 0.15 {
            let failed: Vec<&Change> = f
                .counted
                .iter()
                .rev()
                .copied()
                .filter(|c| matches!(c.kind, Kind::Revert | Kind::Hotfix))
                .collect();
            push(
                Severity::Medium,
                format!(
                    "{} of {n} changes ({}) are reverts ({}) or hotfixes ({}): change failure rate proxy above the 2021 elite range (0%-15%)",
                    failed.len(),
                    fmt_share(cfr),
                    cad.reverts,
                    cad.hotfixes
                ),
                commits(&failed),
            );
        }
    }

    if det.model == "github_flow" {
        let direct: Vec<&Change> = f
            .counted
            .iter()
            .rev()
            .copied()
            .filter(|c| !reviewed(c))
            .collect();
        if !direct.is_empty() {
            push(
                Severity::Low,
                format!(
                    "{} of {n} changes landed without PR or review evidence",
                    direct.len()
                ),
                commits(&direct),
            );
        }
    }

    if f.gitflow {
        let untagged = f.untagged_releases();
        if !untagged.is_empty() {
            push(
                Severity::Medium,
                format!(
                    "{} of {} release/hotfix merges on {} carry no version tag",
                    untagged.len(),
                    f.release_landings.len(),
                    f.production
                ),
                commits(&untagged),
            );
        }
        let missing: Vec<&Change> = f
            .back_merged()
            .into_iter()
            .filter(|(_, ok)| !ok)
            .map(|(c, _)| c)
            .collect();
        if !missing.is_empty() {
            push(
                Severity::Medium,
                format!(
                    "{} on {} not merged back into {} before the next release",
                    plural(missing.len(), "release/hotfix merge"),
                    f.production,
                    f.integration
                ),
                commits(&missing),
            );
        }
        let on_main: Vec<&Change> = f
            .counted
            .iter()
            .copied()
            .filter(|c| {
                c.kind == Kind::Feature && super::measure::normalize(&c.target) == f.production
            })
            .collect();
        if !on_main.is_empty() {
            push(
                Severity::Low,
                format!(
                    "{} landed on {} instead of {}",
                    plural(on_main.len(), "feature change"),
                    f.production,
                    f.integration
                ),
                commits(&on_main),
            );
        }
    }

    if !det.parallel_lines.is_empty() {
        push(
            Severity::Info,
            format!(
                "Parallel release lines: {} received commits within 14 days of each other",
                det.parallel_lines.join(", ")
            ),
            det.parallel_evidence
                .iter()
                .take(MAX_EVIDENCE)
                .cloned()
                .collect(),
        );
    }

    let skewed: Vec<&Change> = f.counted.iter().copied().filter(|c| c.clock_skew).collect();
    if !skewed.is_empty() {
        push(
            Severity::Low,
            format!(
                "{} with a committer date before the author date: lifetime clamped to zero",
                plural(skewed.len(), "change")
            ),
            commits(&skewed),
        );
    }

    out
}
