//! Findings: what a reader should look at first, each with numbers and examples (commit ids,
//! branch names) and the rule it follows (`rules.rs`).

use super::cadence::Cadence;
use super::criteria::{Model, FAILURE_RATE_FINDING, LONG_LIVED_DAYS, SIZE_OVER_LIMIT_TARGET};
use super::detect::Detection;
use super::facts::{normalize, reviewed, Facts, DAY};
use super::measure::{branch_age, label};
use super::rules::{self, FindingRule, Severity, FETCH_PR_REFS};
use super::sources::Source;
use crate::format::{days, plural, share};
use crate::model::{rfc3339, Change, Kind, Timestamp};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// Which rule of `rules::FINDINGS` it follows.
    pub id: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Commit ids (first 10 hex digits) and branch names.
    pub evidence: Vec<String>,
    /// The public source of the rule; null for notes about the data or the configuration.
    pub source: Option<Source>,
}

impl Finding {
    pub(crate) fn new(rule: FindingRule, message: String, evidence: Vec<String>) -> Finding {
        Finding {
            id: rule.id,
            severity: rule.severity,
            message,
            evidence,
            source: rule.source,
        }
    }
}

const MAX_EVIDENCE: usize = 10;

fn commits(cs: &[&Change]) -> Vec<String> {
    cs.iter().take(MAX_EVIDENCE).map(|c| label(c)).collect()
}

pub(crate) fn findings(f: &Facts, cad: &Cadence, det: &Detection) -> Vec<Finding> {
    let mut out = Vec::new();
    empty_window(f, &mut out);
    branches(f, &mut out);
    landed(f, &mut out);
    practice(f, cad, det, &mut out);
    if f.gitflow {
        gitflow(f, &mut out);
    }
    if !det.parallel_lines.is_empty() {
        out.push(Finding::new(
            rules::PARALLEL_LINES,
            format!(
                "Parallel release lines: {} received commits within 14 days of each other",
                det.parallel_lines.join(", ")
            ),
            det.parallel_evidence
                .iter()
                .take(MAX_EVIDENCE)
                .cloned()
                .collect(),
        ));
    }
    let skewed: Vec<&Change> = f.counted.iter().copied().filter(|c| c.clock_skew).collect();
    if !skewed.is_empty() {
        out.push(Finding::new(
            rules::CLOCK_SKEW,
            format!(
                "{} with a committer date before the author date: lifetime clamped to zero",
                plural(skewed.len(), "change")
            ),
            commits(&skewed),
        ));
    }
    out
}

/// The `--since` that reaches back to `t` from `until`: whole days, rounded up.
pub(crate) fn since_covering(t: Timestamp, until: Timestamp) -> String {
    let d = (until.saturating_sub(t) as f64 / DAY).ceil().max(1.0);
    format!("--since {d:.0}d")
}

/// No landing in the window: when was the last one, and which `--since` covers it.
fn empty_window(f: &Facts, out: &mut Vec<Finding>) {
    if !f.counted.is_empty() {
        return;
    }
    let (since, until) = f.input.window;
    let last = match f.input.last_landing {
        Some(t) => format!(
            "; the last landing on {} was at {} ({} before the window's end): {} (or --since all) covers it",
            f.input.trunk,
            rfc3339(t),
            days(until.saturating_sub(t) as f64 / DAY),
            since_covering(t, until)
        ),
        None => format!("; {} has no landing before the window either", f.input.trunk),
    };
    out.push(Finding::new(
        rules::EMPTY_WINDOW,
        format!(
            "No landed changes between {} and {}: nothing to score{last}",
            rfc3339(since),
            rfc3339(until)
        ),
        vec![],
    ));
}

/// Live branches that have lived too long, active or abandoned.
fn branches(f: &Facts, out: &mut Vec<Finding>) {
    if let Some(oldest) = f.long_lived_live.first() {
        let k = f.long_lived_live.len();
        let mut finding = Finding::new(
            rules::LONG_LIVED_ACTIVE,
            format!(
                "{} {LONG_LIVED_DAYS} days old or older and still active (oldest: {}, {}): a branch that old has drifted far from the trunk",
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
        if k >= 3 {
            finding.severity = Severity::High;
        }
        out.push(finding);
    }
    if !f.long_lived_stale.is_empty() {
        out.push(Finding::new(
            rules::LONG_LIVED_STALE,
            format!(
                "{} {LONG_LIVED_DAYS} days old or older and idle for 30+ days: merge, rebase or delete them",
                plural(f.long_lived_stale.len(), "branch")
            ),
            f.long_lived_stale
                .iter()
                .take(MAX_EVIDENCE)
                .map(|b| b.name.clone())
                .collect(),
        ));
    }
}

/// Landed changes that came from long-lived branches, of unknown lifetime, or too large.
fn landed(f: &Facts, out: &mut Vec<Finding>) {
    let long: Vec<&Change> = f
        .lifetimes
        .iter()
        .rev()
        .filter(|(d, _)| *d >= LONG_LIVED_DAYS)
        .map(|(_, c)| *c)
        .collect();
    if let Some((worst, _)) = f.lifetimes.last().filter(|_| !long.is_empty()) {
        out.push(Finding::new(
            rules::LONG_LANDED,
            format!(
                "{} of {} landed changes came from branches that lived {LONG_LIVED_DAYS} days or more (longest {})",
                long.len(),
                f.lifetimes.len(),
                days(*worst)
            ),
            commits(&long),
        ));
    }
    if f.lifetime_unknown > 0 {
        let unknown: Vec<&Change> = f
            .counted
            .iter()
            .copied()
            .filter(|c| c.lifetime_seconds.is_none())
            .collect();
        out.push(Finding::new(
            rules::LIFETIME_UNKNOWN,
            format!(
                "{} of {} changes have no known branch lifetime (squash merges without PR refs in the clone); they are excluded from lifetime criteria. Fetch the PR heads with `{FETCH_PR_REFS}`",
                f.lifetime_unknown,
                f.counted.len()
            ),
            commits(&unknown),
        ));
    }
    let over = f.over_limit();
    let n = f.sized.len();
    if n > 0 && over.len() as f64 / n as f64 > SIZE_OVER_LIMIT_TARGET {
        out.push(Finding::new(
            rules::TOO_LARGE,
            format!(
                "{} of {n} changes ({}) exceed {} lines (largest {} lines), where reviews find fewer defects",
                over.len(),
                share(over.len() as f64 / n as f64),
                super::criteria::SIZE_LIMIT_LINES,
                over.first().map_or(0, |(s, _)| *s)
            ),
            over.iter()
                .take(MAX_EVIDENCE)
                .map(|(s, c)| format!("{} {s} lines", label(c)))
                .collect(),
        ));
    }
}

/// CI, failure rate and review: the practices the detected model asks for.
fn practice(f: &Facts, cad: &Cadence, det: &Detection, out: &mut Vec<Finding>) {
    let n = f.counted.len();
    if n > 0 && f.input.ci_files.is_empty() {
        out.push(Finding::new(
            rules::NO_CI,
            "No CI configuration in the trunk's tree (.github/workflows, .gitlab-ci.yml, Jenkinsfile, ...): frequent integration needs an automated build and tests".into(),
            vec![],
        ));
    }
    if let Some(cfr) = cad
        .dora
        .change_failure_rate
        .value
        .filter(|v| *v > FAILURE_RATE_FINDING)
    {
        let failed: Vec<&Change> = f
            .counted
            .iter()
            .rev()
            .copied()
            .filter(|c| matches!(c.kind, Kind::Revert | Kind::Hotfix))
            .collect();
        out.push(Finding::new(
            rules::FAILURE_RATE,
            format!(
                "{} of {n} changes ({}) are reverts ({}) or hotfixes ({}): change failure rate proxy above the 2023 report's medium cluster ({})",
                failed.len(),
                share(cfr),
                cad.reverts,
                cad.hotfixes,
                share(FAILURE_RATE_FINDING)
            ),
            commits(&failed),
        ));
    }
    if det.model == Some(Model::GithubFlow) {
        let direct: Vec<&Change> = f
            .counted
            .iter()
            .rev()
            .copied()
            .filter(|c| !reviewed(c))
            .collect();
        if !direct.is_empty() {
            out.push(Finding::new(
                rules::UNREVIEWED,
                format!(
                    "{} of {n} changes landed without PR or review evidence",
                    direct.len()
                ),
                commits(&direct),
            ));
        }
    }
}

/// GitFlow's own rules: tagged releases, merged back, features on develop.
fn gitflow(f: &Facts, out: &mut Vec<Finding>) {
    let untagged = f.untagged_releases();
    if !untagged.is_empty() {
        out.push(Finding::new(
            rules::UNTAGGED_RELEASES,
            format!(
                "{} of {} release/hotfix merges on {} carry no version tag",
                untagged.len(),
                f.release_landings.len(),
                f.production
            ),
            commits(&untagged),
        ));
    }
    let missing: Vec<&Change> = f
        .back_merged()
        .into_iter()
        .filter(|(_, ok)| !ok)
        .map(|(c, _)| c)
        .collect();
    if !missing.is_empty() {
        out.push(Finding::new(
            rules::NOT_BACK_MERGED,
            format!(
                "{} on {} not merged back into {} before the next release",
                plural(missing.len(), "release/hotfix merge"),
                f.production,
                f.integration
            ),
            commits(&missing),
        ));
    }
    let on_main: Vec<&Change> = f
        .counted
        .iter()
        .copied()
        .filter(|c| c.kind == Kind::Feature && normalize(&c.target) == f.production)
        .collect();
    if !on_main.is_empty() {
        out.push(Finding::new(
            rules::FEATURES_ON_PRODUCTION,
            format!(
                "{} landed on {} instead of {}",
                plural(on_main.len(), "feature change"),
                f.production,
                f.integration
            ),
            commits(&on_main),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_covering_rounds_up_to_whole_days() {
        assert_eq!(since_covering(0, 100 * 86_400), "--since 100d");
        assert_eq!(since_covering(0, 100 * 86_400 + 1), "--since 101d");
        assert_eq!(since_covering(10, 10), "--since 1d");
    }
}
