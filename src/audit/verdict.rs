//! The verdict: each decision factor measured against its threshold, with its public source;
//! the decision, the repositories to move first, the tooling that fits, and the risks. On a
//! single monorepo, the reverse questions (split candidates, coupling, path-aware CI).
//!
//! The numeric thresholds are repohealth's defaults (documented in docs/audit.md); the
//! sources back the reasoning each factor stands for, not the exact number.

use super::deps::Dependency;
use super::merged::{CiSaving, Merged};
use super::sets::{ChangeSet, Coupling, EvidenceKind};
use super::teams::Teams;
use super::RepoInput;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Fewer landings than this over every repository: not enough evidence for a decision.
pub const MIN_LANDINGS: usize = 20;
/// A coordinated share at or above this means the repositories change together.
pub const COUPLED_SHARE: f64 = 0.30;
/// Below this share, coordination is rare enough to stay apart.
pub const LOOSE_SHARE: f64 = 0.10;
/// Most sets spanning three or more repositories: one repository replaces three pull requests.
pub const WIDE_SHARE: f64 = 0.50;
/// Sets tied only by releases and bumps at or above this share: the pain is library versioning.
pub const LIBRARY_SHARE: f64 = 0.50;
/// Team sizes: light tooling suits up to 20 engineers; past 50 with several stacks the
/// migration may not earn its cost.
pub const SMALL_TEAM: usize = 20;
pub const LARGE_TEAM: usize = 50;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Migrate,
    StayPolyrepo,
    FixVersioning,
    InsufficientEvidence,
    /// One monorepo audited: its packages change together; keep it.
    KeepMonorepo,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Source {
    pub title: &'static str,
    pub url: &'static str,
}

const POTVIN: Source = Source {
    title: "Potvin and Levenberg, \"Why Google Stores Billions of Lines of Code in a Single Repository\", CACM 59(7), 2016",
    url: "https://doi.org/10.1145/2854146",
};
const NX_AFFECTED: Source = Source {
    title: "Nx, \"Run Only Tasks Affected by a PR\"",
    url: "https://nx.dev/docs/features/ci-features/affected",
};
const TURBO: Source = Source {
    title: "Turborepo, \"Running tasks\" (filtering by source control changes)",
    url: "https://turborepo.com/docs/crafting-your-repository/running-tasks",
};
const BAZEL: Source = Source {
    title: "Bazel, \"Why Bazel?\"",
    url: "https://bazel.build/about/why",
};
const SEMVER: Source = Source {
    title: "Semantic Versioning 2.0.0",
    url: "https://semver.org/",
};
const DEPENDABOT: Source = Source {
    title: "GitHub Docs, \"About Dependabot version updates\"",
    url: "https://docs.github.com/en/code-security/dependabot/dependabot-version-updates/about-dependabot-version-updates",
};
const CODEOWNERS: Source = Source {
    title: "GitHub Docs, \"About code owners\"",
    url: "https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners",
};

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Reason {
    pub factor: &'static str,
    /// The measured value (a share, a count, a list), null when unknown.
    pub measured: serde_json::Value,
    pub threshold: String,
    /// Whether the measurement passes the threshold; null when unknown.
    pub met: Option<bool>,
    pub finding: String,
    pub source: Option<Source>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Tooling {
    pub tool: String,
    pub why: String,
    pub source: Source,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Verdict {
    pub decision: Decision,
    pub reasons: Vec<Reason>,
    /// The migration order (most tightly coupled first); for one monorepo, the packages to
    /// split out first.
    pub first: Vec<String>,
    pub tooling: Option<Tooling>,
    pub risks: Vec<String>,
}

/// What the verdict reads.
pub struct Facts<'a> {
    pub inputs: &'a [RepoInput],
    pub dependencies: &'a [Dependency],
    pub change_sets: &'a [ChangeSet],
    pub coupling: &'a Coupling,
    pub teams: &'a Teams,
    pub merged: &'a Merged,
    pub ci_saving: &'a CiSaving,
    pub reverse: Option<&'a Reverse>,
}

fn num(x: Option<f64>) -> serde_json::Value {
    x.map(serde_json::Value::from)
        .unwrap_or(serde_json::Value::Null)
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// The tool that fits the ecosystems and the team size.
pub fn tooling(
    ecosystems: &BTreeMap<String, usize>,
    team: usize,
    packages: usize,
) -> Option<Tooling> {
    let used: Vec<&String> = ecosystems.keys().collect();
    let tool = |t: &str, why: String, source: Source| {
        Some(Tooling {
            tool: t.to_string(),
            why,
            source,
        })
    };
    match used.as_slice() {
        [] => None,
        [one] if one.as_str() == "npm" => {
            if team <= SMALL_TEAM && packages <= 15 {
                tool("Turborepo", format!("one JavaScript stack, {team} engineers, {packages} packages: task caching and affected filtering with little setup"), TURBO)
            } else {
                tool("Nx", format!("one JavaScript stack, {team} engineers, {packages} packages: a project graph for affected targets at this size"), NX_AFFECTED)
            }
        }
        [one] if team <= LARGE_TEAM => {
            let (t, src) = match one.as_str() {
                "cargo" => (
                    "Cargo workspace",
                    Source {
                        title: "The Cargo Book, \"Workspaces\"",
                        url: "https://doc.rust-lang.org/cargo/reference/workspaces.html",
                    },
                ),
                "go" => (
                    "Go workspace (go.work)",
                    Source {
                        title: "Go Modules Reference, \"Workspaces\"",
                        url: "https://go.dev/ref/mod#workspaces",
                    },
                ),
                "python" => (
                    "uv workspace",
                    Source {
                        title: "uv, \"Using workspaces\"",
                        url: "https://docs.astral.sh/uv/concepts/projects/workspaces/",
                    },
                ),
                "maven" => (
                    "Maven multi-module build",
                    Source {
                        title: "Maven, \"Guide to Working with Multiple Modules\"",
                        url: "https://maven.apache.org/guides/mini/guide-multiple-modules.html",
                    },
                ),
                _ => (
                    "Gradle multi-project build",
                    Source {
                        title: "Gradle, \"Multi-Project Builds\"",
                        url: "https://docs.gradle.org/current/userguide/multi_project_builds.html",
                    },
                ),
            };
            tool(t, format!("one {one} stack and {team} engineers: the ecosystem's own workspaces, with affected-target CI"), src)
        }
        _ => tool(
            "Bazel",
            format!(
                "{} stacks ({}) and {team} engineers: one build graph across languages",
                used.len(),
                used.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            BAZEL,
        ),
    }
}

pub fn verdict(f: &Facts<'_>) -> Verdict {
    if let Some(rev) = f.reverse {
        return reverse_verdict(f, rev);
    }
    let mut reasons = Vec::new();
    let (share, library_share, lagging) = coupling_reasons(f, &mut reasons);
    let (team, polyglot) = team_reasons(f, &mut reasons);
    let w = Weights {
        share,
        library_share,
        lagging,
        team,
        polyglot,
    };
    let decision = decide(f, &w);
    let (risks, first) = risks_and_order(f, &w, decision);
    let ecos = &f.teams.ecosystems;
    let tooling = match decision {
        Decision::Migrate => tooling(ecos, team, f.merged.packages),
        Decision::FixVersioning => Some(Tooling {
            tool: "automated dependency updates (Renovate or Dependabot) with semantic versioning"
                .into(),
            why: "the coordination comes from releases and the bumps that follow them".into(),
            source: DEPENDABOT,
        }),
        _ => None,
    };
    Verdict {
        decision,
        reasons,
        first,
        tooling,
        risks,
    }
}

/// What the decision weighs, measured once.
struct Weights {
    /// Share of landings in coordinated sets.
    share: Option<f64>,
    /// Share of sets tied only by a release and the bump after it.
    library_share: Option<f64>,
    /// Cross-repository requirements behind the latest release.
    lagging: usize,
    team: usize,
    polyglot: bool,
}

/// Coupling, wide sets and shared-library versioning: the reasons and what they measured.
fn coupling_reasons(f: &Facts<'_>, reasons: &mut Vec<Reason>) -> (Option<f64>, Option<f64>, usize) {
    let c = f.coupling;
    let share = c.coordinated_share;
    reasons.push(Reason {
        factor: "coupling",
        measured: num(share),
        threshold: format!(
            ">= {} of landings in coordinated sets (under {} is loose)",
            pct(COUPLED_SHARE),
            pct(LOOSE_SHARE)
        ),
        met: share.map(|s| s >= COUPLED_SHARE),
        finding: format!(
            "{} of {} landings belong to {} coordinated change sets",
            c.coordinated_landings,
            c.landings,
            f.change_sets.len()
        ),
        source: Some(POTVIN),
    });
    reasons.push(Reason {
        factor: "sets_spanning_3_plus",
        measured: num(c.share_spanning_3_plus),
        threshold: format!(
            ">= {} of sets span three or more repositories",
            pct(WIDE_SHARE)
        ),
        met: c.share_spanning_3_plus.map(|s| s >= WIDE_SHARE),
        finding: format!("sets by repositories spanned: {:?}", c.by_repos_spanned),
        source: Some(POTVIN),
    });
    let library_only = f
        .change_sets
        .iter()
        .filter(|s| {
            s.evidence
                .iter()
                .all(|e| e.kind == EvidenceKind::BumpAfterRelease)
        })
        .count();
    let library_share = super::share(library_only, f.change_sets.len());
    let behind: Vec<usize> = f
        .dependencies
        .iter()
        .flat_map(|d| d.via.iter().filter_map(|v| v.skew.releases_behind))
        .collect();
    let lagging = behind.iter().filter(|b| **b > 0).count();
    reasons.push(Reason {
        factor: "shared_library_versioning",
        measured: serde_json::json!({"sets_tied_only_by_release_bumps": library_share, "requirements_behind": lagging, "requirements_with_known_skew": behind.len()}),
        threshold: format!(">= {} of sets tied only by a release and its bump", pct(LIBRARY_SHARE)),
        met: library_share.map(|s| s >= LIBRARY_SHARE),
        finding: format!(
            "{library_only} of {} sets are a release followed by a bump; {lagging} of {} cross-repository requirements are behind the latest release",
            f.change_sets.len(),
            behind.len()
        ),
        source: Some(SEMVER),
    });
    (share, library_share, lagging)
}

/// Team size, stacks, path-aware CI, autonomy and access control.
fn team_reasons(f: &Facts<'_>, reasons: &mut Vec<Reason>) -> (usize, bool) {
    let team = f.teams.team_size;
    reasons.push(Reason {
        factor: "team_size",
        measured: serde_json::Value::from(team),
        threshold: format!("<= {LARGE_TEAM} engineers (light tooling suits up to {SMALL_TEAM})"),
        met: Some(team <= LARGE_TEAM),
        finding: format!("{team} distinct active authors across the repositories (bots left out)"),
        source: Some(POTVIN),
    });
    let ecos = &f.teams.ecosystems;
    let polyglot = ecos.len() >= 2;
    reasons.push(Reason {
        factor: "stacks",
        measured: serde_json::to_value(ecos).unwrap_or_default(),
        threshold: "one ecosystem (several need a multi-language build system)".into(),
        met: Some(!polyglot),
        finding: format!(
            "ecosystems: {}",
            ecos.keys().cloned().collect::<Vec<_>>().join(", ")
        ),
        source: Some(BAZEL),
    });
    let aware: Vec<&str> = f
        .inputs
        .iter()
        .filter(|r| !r.ci_path_aware.is_empty())
        .map(|r| r.name.as_str())
        .collect();
    reasons.push(Reason {
        factor: "ci_path_aware",
        measured: serde_json::json!(aware),
        threshold: "CI already selects work by changed paths in some repository".into(),
        met: Some(!aware.is_empty()),
        finding: format!(
            "{} of {} repositories have path-aware CI; affected-target builds would skip {} of builds against building everything",
            aware.len(),
            f.inputs.len(),
            f.ci_saving.saving_vs_build_all.map(pct).unwrap_or_else(|| "an unknown share".into())
        ),
        source: Some(NX_AFFECTED),
    });
    reasons.push(Reason {
        factor: "team_autonomy",
        measured: serde_json::json!(f.teams.disjoint),
        threshold: "every repository shares authors with another".into(),
        met: Some(f.teams.disjoint.is_empty()),
        finding: if f.teams.disjoint.is_empty() {
            "every repository shares authors with another".into()
        } else {
            format!("teams that share nobody: {}", f.teams.disjoint.join(", "))
        },
        source: Some(CODEOWNERS),
    });
    reasons.push(Reason {
        factor: "access_control",
        measured: serde_json::Value::Null,
        threshold: "per-directory ownership is enough for every team".into(),
        met: None,
        finding: "not measurable from history: check which repositories restrict access today"
            .into(),
        source: Some(CODEOWNERS),
    });

    (team, polyglot)
}

/// The decision from the measured weights, in order of precedence.
fn decide(f: &Facts<'_>, w: &Weights) -> Decision {
    let (share, library_share, lagging, team, polyglot) =
        (w.share, w.library_share, w.lagging, w.team, w.polyglot);
    let landings = f.coupling.landings;
    let coupled = share.is_some_and(|s| s >= COUPLED_SHARE);
    let library = library_share.is_some_and(|s| s >= LIBRARY_SHARE);
    if landings < MIN_LANDINGS || f.inputs.len() < 2 {
        Decision::InsufficientEvidence
    } else if library && share.is_some_and(|s| s >= LOOSE_SHARE) {
        Decision::FixVersioning
    } else if coupled && !(team > LARGE_TEAM && polyglot) {
        Decision::Migrate
    } else if !coupled
        && lagging > 0
        && f.dependencies.iter().any(|d| !d.via.is_empty())
        && share.is_some_and(|s| s >= LOOSE_SHARE)
    {
        Decision::FixVersioning
    } else {
        Decision::StayPolyrepo
    }
}

/// The risks of the decision and, for a migration, the order: most coupled pairs first.
fn risks_and_order(f: &Facts<'_>, w: &Weights, decision: Decision) -> (Vec<String>, Vec<String>) {
    let c = f.coupling;
    let (team, polyglot) = (w.team, w.polyglot);
    let ecos = &f.teams.ecosystems;
    let landings = c.landings;
    let coupled = w.share.is_some_and(|s| s >= COUPLED_SHARE);
    let mut risks = Vec::new();
    if decision == Decision::InsufficientEvidence {
        risks.push(format!(
            "only {landings} landings over {} repositories (at least {MIN_LANDINGS} needed): widen --since",
            f.inputs.len()
        ));
    }
    if coupled && team > LARGE_TEAM && polyglot {
        risks.push(format!("{team} engineers on {} stacks: the migration and the build tooling it needs may cost more than the coordination it removes", ecos.len()));
    }
    // The migration order: walk the pairs, most coupled first.
    let mut first: Vec<String> = Vec::new();
    if decision == Decision::Migrate {
        for p in &c.pairs {
            for r in [&p.a, &p.b] {
                if !first.contains(r) {
                    first.push(r.clone());
                }
            }
        }
        risks.push("set up affected-target builds from the first day, or CI builds every package for every change".into());
        risks.push("keep each repository's current pipeline running during the move: it is the rollback path".into());
    }
    for cy in &f.merged.new_cycles {
        risks.push(format!(
            "a {} dependency cycle would appear: {}",
            cy.edges,
            cy.packages.join(" -> ")
        ));
    }
    if !f.teams.disjoint.is_empty() && decision == Decision::Migrate {
        risks.push(format!(
            "{} share no author with the others: moving them costs their autonomy and buys little",
            f.teams.disjoint.join(", ")
        ));
    }
    (risks, first)
}

/// The reverse questions on a single monorepo.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Reverse {
    pub packages: usize,
    pub landings: usize,
    /// Share of landed changes touching two or more packages directly.
    pub multi_package_share: Option<f64>,
    /// Packages changed at least once and never together with another package.
    pub split_candidates: Vec<SplitCandidate>,
    pub ci_path_aware: Vec<String>,
    pub ci_saving: Option<f64>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SplitCandidate {
    pub path: String,
    pub changes: usize,
    /// Packages of the repository that depend on it (a split turns these into releases).
    pub dependents: usize,
}

pub fn reverse(r: &RepoInput) -> Reverse {
    // Packages changed per landing (filled from the package audit of `analyze`).
    let mut touched: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut multi = 0;
    for c in r.touched.values() {
        if c.len() >= 2 {
            multi += 1;
        }
        for p in c {
            let e = touched.entry(p.clone()).or_insert((0, 0));
            e.0 += 1;
            if c.len() >= 2 {
                e.1 += 1;
            }
        }
    }
    let mut dependents: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (a, b, _) in &r.internal_edges {
        dependents.entry(b.as_str()).or_default().insert(a.as_str());
    }
    let split_candidates = touched
        .iter()
        .filter(|(_, (n, together))| *n > 0 && *together == 0)
        .map(|(p, (n, _))| SplitCandidate {
            path: p.clone(),
            changes: *n,
            dependents: dependents.get(p.as_str()).map(|s| s.len()).unwrap_or(0),
        })
        .collect();
    Reverse {
        packages: r.packages.len(),
        landings: r.landings.len(),
        multi_package_share: super::share(multi, r.touched.len()),
        split_candidates,
        ci_path_aware: r.ci_path_aware.clone(),
        ci_saving: r
            .monorepo
            .as_ref()
            .and_then(|m| m.audit.ci_saving.map(super::round2)),
    }
}

fn reverse_verdict(f: &Facts<'_>, rev: &Reverse) -> Verdict {
    let mut reasons = vec![Reason {
        factor: "coupling",
        measured: num(rev.multi_package_share),
        threshold: format!(">= {} of landed changes touch two or more packages", pct(LOOSE_SHARE)),
        met: rev.multi_package_share.map(|s| s >= LOOSE_SHARE),
        finding: format!(
            "{} packages; {} landed changes; {} split candidates (changed, never with another package)",
            rev.packages,
            rev.landings,
            rev.split_candidates.len()
        ),
        source: Some(POTVIN),
    }];
    reasons.push(Reason {
        factor: "ci_path_aware",
        measured: serde_json::json!(rev.ci_path_aware),
        threshold: "CI selects work by changed paths or affected targets".into(),
        met: Some(!rev.ci_path_aware.is_empty()),
        finding: match rev.ci_saving {
            Some(s) => format!(
                "affected-target builds would skip {} of package builds",
                pct(s)
            ),
            None => "no CI saving measured".into(),
        },
        source: Some(NX_AFFECTED),
    });
    let decision = if rev.landings < MIN_LANDINGS || rev.packages < 2 {
        Decision::InsufficientEvidence
    } else if rev.multi_package_share.is_some_and(|s| s < LOOSE_SHARE)
        && !rev.split_candidates.is_empty()
    {
        Decision::StayPolyrepo
    } else {
        Decision::KeepMonorepo
    };
    let mut risks = Vec::new();
    if rev.ci_path_aware.is_empty() && rev.packages >= 2 {
        risks.push("CI is not path-aware: every change builds every package".into());
    }
    Verdict {
        decision,
        reasons,
        first: rev
            .split_candidates
            .iter()
            .filter(|s| s.dependents == 0)
            .map(|s| s.path.clone())
            .collect(),
        tooling: if decision == Decision::KeepMonorepo && rev.ci_path_aware.is_empty() {
            tooling(
                &super::teams::ecosystems(&f.inputs[0]),
                f.teams.team_size,
                rev.packages,
            )
        } else {
            None
        },
        risks,
    }
}
