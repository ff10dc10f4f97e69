//! Scoring: measured history (landed changes, live branches, tags, long-lived lines, CI files)
//! in; scorecards against trunk-based development, GitHub Flow and GitFlow, the model the
//! history resembles most, a recommendation and findings out. A pure stage: plain data in,
//! plain data out, no I/O. Every threshold lives in [`criteria`]; docs/scoring.md explains
//! each one with its seed sentence.

mod cadence;
mod card;
mod config;
pub mod criteria;
mod detect;
mod findings;
mod measure;
mod recommend;
pub mod render;

#[cfg(test)]
mod tests;

pub use cadence::{BandResult, BandTable, Cadence, Dora, DoraMetric, DoraProxy, BAND_TABLES};
pub use card::{criterion_score, CriterionResult, Scorecard, Status};
pub use config::{CriterionOverride, ScoreConfig};
pub use criteria::{CriterionDef, Metric, Model, Unit};
pub use findings::{Finding, Severity};
pub(crate) use measure::is_bot;
pub use recommend::Recommendation;

use crate::model::{Branch, Change, Oid, Timestamp};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// A tag, peeled to its commit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Tag {
    pub name: String,
    pub target: Oid,
    /// Tagger time of an annotated tag, else the commit's committer time.
    #[serde(with = "crate::model::time_fmt")]
    pub time: Timestamp,
    pub annotated: bool,
}

/// The two long-lived branches of a GitFlow repository.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GitflowRoles {
    /// Where features land (`develop`).
    pub integration: String,
    /// Where releases and hotfixes land (`main`/`master`).
    pub production: String,
}

/// A long-lived line (release/*, hotfix/*, support/*, maint*, N.x, vN.M, develop) and the
/// committer times of the commits unique to it within the window.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct LineActivity {
    pub name: String,
    pub commits_in_window: Vec<Timestamp>,
}

/// Everything the scorer reads.
pub struct ScoreInput<'a> {
    /// Landed changes in the window, newest first. GitFlow: both branches (`Change.target`).
    pub changes: &'a [Change],
    /// Live unmerged branches.
    pub branches: &'a [Branch],
    /// All tags.
    pub tags: &'a [Tag],
    /// Change commit -> earliest version tag containing it (name, time).
    pub first_release: &'a HashMap<Oid, (String, Timestamp)>,
    pub trunk: &'a str,
    pub gitflow: Option<GitflowRoles>,
    pub long_lived_refs: &'a [LineActivity],
    /// CI configuration paths found in the trunk's tree.
    pub ci_files: &'a [String],
    /// Author names (or emails) of bots (config `bots`): their changes count as landed
    /// changes, but they are not active developers. Names ending in `[bot]` are bots too.
    pub bots: &'a [String],
    /// (since, until); until = analysis time.
    pub window: (Timestamp, Timestamp),
}

/// The scoring stage's output. `cadence` is not serialised with the rest: the caller places it
/// where it wants it (e.g. `metrics.cadence`); the other fields are the `analyze` JSON keys
/// `scores`, `detected_model`, `detection_evidence`, `recommendation`, `findings`.
#[derive(Clone, Debug, Serialize)]
pub struct Scoring {
    #[serde(skip)]
    pub cadence: Cadence,
    /// Keyed by model id: `trunk_based`, `github_flow`, `gitflow`.
    pub scores: BTreeMap<String, Scorecard>,
    /// A model id, or `unknown` when there were no landed changes.
    pub detected_model: String,
    /// Why that model: numbers and branch names.
    pub detection_evidence: Vec<String>,
    pub recommendation: Recommendation,
    pub findings: Vec<Finding>,
}

/// Score a history against the three models.
pub fn score(input: &ScoreInput, cfg: &ScoreConfig) -> Scoring {
    let mut notes = Vec::new();
    let version_re = version_regex(cfg, &mut notes);
    let facts = measure::Facts::new(input, &version_re);
    let mut cadence = cadence::cadence(&facts);
    cadence.version_tag_pattern = version_re.as_str().to_string();

    let mut scores = BTreeMap::new();
    for model in Model::ALL {
        let results = cfg
            .criteria_of(model)
            .iter()
            .map(|def| measure::evaluate(def, &facts, cfg.min_evidence.max(1)))
            .collect();
        scores.insert(model.id().to_string(), card::scorecard(results));
    }

    let detection = detect::detect(&facts, cfg.min_evidence.max(1));
    let recommendation = recommend::recommend(&facts, &detection, &scores, &cadence);
    let mut findings = findings::findings(&facts, &cadence, &detection);
    findings.extend(notes);
    findings.sort_by_key(|f| f.severity);

    Scoring {
        cadence,
        scores,
        detected_model: detection.model.to_string(),
        detection_evidence: detection.evidence,
        recommendation,
        findings,
    }
}

/// The configured version-tag pattern, or the default when it is absent or does not compile
/// (config validation reports that earlier; here it only becomes a finding).
fn version_regex(cfg: &ScoreConfig, notes: &mut Vec<Finding>) -> regex::Regex {
    let default = || regex::Regex::new(criteria::DEFAULT_VERSION_TAG_REGEX).expect("valid");
    match &cfg.version_tag_regex {
        None => default(),
        Some(p) => regex::Regex::new(p).unwrap_or_else(|e| {
            notes.push(Finding {
                severity: Severity::Medium,
                message: format!(
                    "version_tag_regex {p:?} does not compile ({e}); used the default {}",
                    criteria::DEFAULT_VERSION_TAG_REGEX
                ),
                evidence: vec![],
            });
            default()
        }),
    }
}
