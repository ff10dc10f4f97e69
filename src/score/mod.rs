//! Scoring: measured history (landed changes, live branches, tags, long-lived lines, CI files)
//! in; scorecards against trunk-based development, GitHub Flow and GitFlow, the model the
//! history resembles most (with the runner-up and the margin), a recommendation and findings
//! out. A pure stage: plain data in, plain data out, no I/O. Every threshold lives in
//! [`criteria`], every sentence and public source in [`criteria`] and [`rules`]; docs/scoring.md
//! and docs/guidance.md explain them.

mod cadence;
mod card;
mod config;
pub mod criteria;
mod detect;
mod facts;
mod findings;
mod measure;
mod recommend;
pub mod render;
pub mod rules;
pub mod sources;

#[cfg(test)]
mod tests;

pub use cadence::{BandResult, BandTable, Cadence, Dora, DoraMetric, DoraProxy, BAND_TABLES};
pub use card::{criterion_score, CriterionResult, Scorecard, Status};
pub use config::{CriterionOverride, ScoreConfig};
pub use criteria::{CriterionDef, Metric, Model, Unit};
pub use detect::Resemblance;
pub(crate) use facts::{is_bot, releases};
pub use findings::Finding;
pub use recommend::{Recommendation, Step};
pub use rules::Severity;
pub use sources::Source;

use crate::model::{Branch, Change, Oid, OidMap, Timestamp};
use serde::Serialize;
use std::collections::BTreeMap;

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
    pub first_release: &'a OidMap<(String, Timestamp)>,
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
    /// The latest landing before the window, when the walk saw one: an empty window says when
    /// it was and which `--since` covers it.
    pub last_landing: Option<Timestamp>,
    /// The re-merges' conflict rates (`--remerge`); without them the conflict-rate criterion
    /// is not measured and left out of the cards.
    pub remerge: Option<&'a crate::history::remerge::RemergeMetrics>,
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
    /// The model the history resembles most; `unknown` when there were no landed changes.
    #[serde(serialize_with = "model_or_unknown")]
    pub detected_model: Option<Model>,
    /// Why that model: numbers and branch names.
    pub detection_evidence: Vec<String>,
    /// How much the history resembles each model, the runner-up and the margin.
    pub detection: Resemblance,
    pub recommendation: Recommendation,
    pub findings: Vec<Finding>,
}

/// Score a history against the three models.
pub fn score(input: &ScoreInput, cfg: &ScoreConfig) -> Scoring {
    let mut notes = Vec::new();
    let version_re = version_regex(cfg, &mut notes);
    let facts = facts::Facts::new(input, &version_re);
    let mut cadence = cadence::cadence(&facts);
    cadence.version_tag_pattern = version_re.as_str().to_string();

    let mut scores = BTreeMap::new();
    for model in Model::ALL {
        let results = cfg
            .criteria_of(model)
            .iter()
            .filter(|def| def.metric != Metric::ConflictRate || input.remerge.is_some())
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
        detected_model: detection.model,
        detection_evidence: detection.evidence,
        detection: detection.resemblance,
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
            notes.push(Finding::new(
                rules::BAD_TAG_PATTERN,
                format!(
                    "version_tag_regex {p:?} does not compile ({e}); used the default {}",
                    criteria::DEFAULT_VERSION_TAG_REGEX
                ),
                vec![],
            ));
            default()
        }),
    }
}

/// `detected_model`: a model id, or `unknown`.
fn model_or_unknown<S: serde::Serializer>(m: &Option<Model>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(m.map_or("unknown", |m| m.id()))
}
