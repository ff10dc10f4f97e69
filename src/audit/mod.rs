//! The pre-migration audit (`repohealth audit`): several repositories analysed by the same
//! pipeline as `analyze`, then compared. Plain data in ([`RepoInput`], built by [`collect`]
//! from git), plain data out ([`AuditReport`], rendered by [`render`]).
//!
//! Stages: [`deps`] (cross-repository dependencies, version skew, publish-to-adoption delay),
//! [`sets`] (coordinated change sets and coupling), [`teams`] (authors and stacks),
//! [`merged`] (the monorepo that would result and its CI saving), [`verdict`].

pub mod collect;
pub mod deps;
pub mod merged;
pub mod render;
pub mod sets;
pub mod teams;
pub mod verdict;

#[cfg(test)]
mod tests;

use crate::model::{self, Oid, Timestamp};
use crate::monorepo::{EdgeKind, Requirement};
use serde::Serialize;
use std::collections::BTreeMap;

/// One landed change of one repository, as the audit needs it.
#[derive(Clone, Debug, Default)]
pub struct Landing {
    pub commit: Oid,
    /// Every trunk commit of the change (a rebase run has several).
    pub commits: Vec<Oid>,
    pub landed_at: Timestamp,
    pub author: String,
    pub bot: bool,
    pub subject: String,
    /// The whole message of the landing commit.
    pub message: String,
    pub source_branch: Option<String>,
    pub pr: Option<u64>,
}

/// A package at the repository's tip, with what its manifest requires.
#[derive(Clone, Debug, Default)]
pub struct RepoPackage {
    /// The name the registry knows.
    pub name: String,
    /// Directory as shown (`.` for the root).
    pub dir: String,
    pub ecosystem: crate::monorepo::Ecosystem,
    pub version: Option<String>,
    pub requires: Vec<Requirement>,
}

/// Where a release was seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseSource {
    /// A version tag.
    Tag,
    /// The manifest's version changed in a landed change.
    Manifest,
}

/// A released version of one package.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Release {
    pub package: String,
    pub version: String,
    #[serde(with = "model::time_fmt")]
    pub at: Timestamp,
    /// The tagged commit or the landing that changed the manifest's version.
    pub commit: Oid,
    pub tag: Option<String>,
    pub source: ReleaseSource,
}

/// A version tag, before it is matched to a package.
#[derive(Clone, Debug)]
pub struct TagInput {
    pub name: String,
    pub target: Oid,
    pub time: Timestamp,
}

/// One landing that changed what a consumer's manifest requires of a package name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequirementChange {
    /// The consumer package (registry name) and its directory.
    pub package: String,
    pub dir: String,
    pub dependency: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub at: Timestamp,
    /// The landing (its trunk commit).
    pub commit: Oid,
}

/// Everything the audit knows about one repository: plain data, built by [`collect`].
#[derive(Clone, Debug, Default)]
pub struct RepoInput {
    pub name: String,
    pub path: String,
    pub trunk: String,
    /// Landed changes in the window, oldest first.
    pub landings: Vec<Landing>,
    pub packages: Vec<RepoPackage>,
    /// Dependency edges between this repository's own packages: (from dir, to dir, kind).
    pub internal_edges: Vec<(String, String, EdgeKind)>,
    /// Version tags (all of history: releases before the window still count for skew).
    pub tags: Vec<TagInput>,
    /// Version changes of the tip's manifests found along the window's landings.
    pub manifest_releases: Vec<Release>,
    pub requirement_changes: Vec<RequirementChange>,
    pub ci_files: Vec<String>,
    pub ci_path_aware: Vec<String>,
    pub build_systems: Vec<String>,
    pub warnings: Vec<String>,
    /// The `analyze` package section, when this repository is itself a monorepo.
    pub monorepo: Option<crate::packages::MonorepoSection>,
    /// Package directories each landing touched (filled for the landings the CI replay needs).
    pub touched: BTreeMap<Oid, Vec<String>>,
}

/// The options of one audit.
#[derive(Clone, Debug, Serialize)]
pub struct AuditOptions {
    /// One author landing in two repositories within this many seconds: the weakest evidence.
    pub author_window_seconds: i64,
    /// A bump lands within this many seconds after the release it adopts to tie the two.
    pub bump_window_seconds: i64,
    /// Two landings with the same source branch name within this many seconds are tied.
    pub branch_window_seconds: i64,
}

impl Default for AuditOptions {
    fn default() -> Self {
        AuditOptions {
            author_window_seconds: 24 * 3600,
            bump_window_seconds: 7 * 24 * 3600,
            branch_window_seconds: 14 * 24 * 3600,
        }
    }
}

/// Per repository, in the report.
#[derive(Clone, Debug, Serialize)]
pub struct RepoSummary {
    pub name: String,
    pub path: String,
    pub trunk: String,
    pub landings: usize,
    pub packages: Vec<PackageSummary>,
    pub ecosystems: BTreeMap<String, usize>,
    pub build_systems: Vec<String>,
    pub active_authors: usize,
    pub ci: teams::CiSummary,
    pub releases: Vec<Release>,
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PackageSummary {
    pub name: String,
    pub path: String,
    pub ecosystem: crate::monorepo::Ecosystem,
    pub version: Option<String>,
}

/// The canonical result of `audit`; its JSON is documented in docs/audit.md and
/// docs/audit.schema.json.
#[derive(Clone, Debug, Serialize)]
pub struct AuditReport {
    pub schema_version: u32,
    pub tool: crate::pipeline::ToolInfo,
    pub window: crate::pipeline::Window,
    pub options: AuditOptions,
    pub repositories: Vec<RepoSummary>,
    pub dependencies: Vec<deps::Dependency>,
    pub adoption: deps::Adoption,
    pub change_sets: Vec<sets::ChangeSet>,
    /// Sets tied only by one author landing in several repositories within the window.
    pub author_window_sets: Vec<sets::ChangeSet>,
    pub coupling: sets::Coupling,
    pub teams: teams::Teams,
    pub merged: merged::Merged,
    pub ci_saving: merged::CiSaving,
    /// Only for a single monorepo: the reverse questions.
    pub reverse: Option<verdict::Reverse>,
    pub verdict: verdict::Verdict,
}

/// Assemble the report from the inputs (the change sets' touched packages already filled).
pub fn assemble(
    inputs: &[RepoInput],
    change_sets: Vec<sets::ChangeSet>,
    author_window_sets: Vec<sets::ChangeSet>,
    window: crate::pipeline::Window,
    options: AuditOptions,
) -> AuditReport {
    let releases = deps::releases(inputs);
    let dependencies = deps::dependencies(inputs, &releases);
    let adoption = deps::adoption(inputs, &releases);
    let coupling = sets::coupling(inputs, &change_sets, &author_window_sets);
    let teams = teams::teams(inputs);
    let merged = merged::merged(inputs);
    let ci_saving = merged::ci_saving(inputs, &merged, &change_sets);
    let reverse = (inputs.len() == 1).then(|| verdict::reverse(&inputs[0]));
    let verdict = verdict::verdict(&verdict::Facts {
        inputs,
        dependencies: &dependencies,
        change_sets: &change_sets,
        coupling: &coupling,
        teams: &teams,
        merged: &merged,
        ci_saving: &ci_saving,
        reverse: reverse.as_ref(),
    });
    let repositories = inputs
        .iter()
        .zip(&releases)
        .zip(&teams.per_repository)
        .map(|((r, rel), t)| RepoSummary {
            name: r.name.clone(),
            path: r.path.clone(),
            trunk: r.trunk.clone(),
            landings: r.landings.len(),
            packages: r
                .packages
                .iter()
                .map(|p| PackageSummary {
                    name: p.name.clone(),
                    path: p.dir.clone(),
                    ecosystem: p.ecosystem,
                    version: p.version.clone(),
                })
                .collect(),
            ecosystems: teams::ecosystems(r),
            build_systems: r.build_systems.clone(),
            active_authors: t.active_authors,
            ci: teams::ci_summary(r),
            releases: rel.clone(),
            warnings: r.warnings.clone(),
        })
        .collect();
    AuditReport {
        schema_version: model::SCHEMA_VERSION,
        tool: crate::pipeline::ToolInfo {
            name: "repohealth",
            version: env!("CARGO_PKG_VERSION"),
        },
        window,
        options,
        repositories,
        dependencies,
        adoption,
        change_sets,
        author_window_sets,
        coupling,
        teams,
        merged,
        ci_saving,
        reverse,
        verdict,
    }
}

/// Nearest-rank percentile of seconds, in days.
pub(crate) fn days_percentile(mut seconds: Vec<i64>, p: f64) -> Option<f64> {
    seconds.sort_unstable();
    crate::history::measure::percentile(&seconds, p).map(|s| round2(s as f64 / 86_400.0))
}

/// Two decimals: shares and days are reported at that precision.
pub(crate) fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// `part / whole`, None when there is no whole.
pub(crate) fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| round2(part as f64 / whole as f64))
}
