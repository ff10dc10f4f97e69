//! Teams and stacks: active authors per repository (bots out; `.mailmap` applied when the
//! history was read), their overlap, the team size; ecosystems, build systems and CI.

use super::RepoInput;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RepoTeam {
    pub repository: String,
    pub active_authors: usize,
    pub authors: Vec<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Overlap {
    pub a: String,
    pub b: String,
    pub shared_authors: usize,
    /// Shared over the union of the two teams.
    pub jaccard: Option<f64>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Teams {
    /// Distinct active authors over every repository.
    pub team_size: usize,
    pub per_repository: Vec<RepoTeam>,
    pub overlap: Vec<Overlap>,
    /// Repositories whose authors land nowhere else.
    pub disjoint: Vec<String>,
    /// Ecosystem -> packages, over every repository.
    pub ecosystems: BTreeMap<String, usize>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CiSummary {
    pub files: Vec<String>,
    /// Some CI file selects work by changed paths or affected targets.
    pub path_aware: bool,
    pub path_aware_files: Vec<String>,
}

pub fn ci_summary(r: &RepoInput) -> CiSummary {
    CiSummary {
        files: r.ci_files.clone(),
        path_aware: !r.ci_path_aware.is_empty(),
        path_aware_files: r.ci_path_aware.clone(),
    }
}

pub fn ecosystems(r: &RepoInput) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for p in &r.packages {
        *out.entry(p.ecosystem.as_str().to_string()).or_insert(0) += 1;
    }
    out
}

fn authors(r: &RepoInput) -> BTreeSet<String> {
    r.landings
        .iter()
        .filter(|l| !l.bot && !l.author.is_empty())
        .map(|l| l.author.clone())
        .collect()
}

pub fn teams(inputs: &[RepoInput]) -> Teams {
    let sets: Vec<BTreeSet<String>> = inputs.iter().map(authors).collect();
    let all: BTreeSet<&String> = sets.iter().flatten().collect();
    let mut overlap = Vec::new();
    for i in 0..inputs.len() {
        for j in i + 1..inputs.len() {
            let shared = sets[i].intersection(&sets[j]).count();
            let union = sets[i].union(&sets[j]).count();
            overlap.push(Overlap {
                a: inputs[i].name.clone(),
                b: inputs[j].name.clone(),
                shared_authors: shared,
                jaccard: super::share(shared, union),
            });
        }
    }
    let disjoint = if inputs.len() < 2 {
        Vec::new()
    } else {
        (0..inputs.len())
            .filter(|i| {
                !sets[*i].is_empty()
                    && (0..inputs.len()).all(|j| j == *i || sets[*i].is_disjoint(&sets[j]))
            })
            .map(|i| inputs[i].name.clone())
            .collect()
    };
    let mut ecos = BTreeMap::new();
    for r in inputs {
        for (k, v) in ecosystems(r) {
            *ecos.entry(k).or_insert(0) += v;
        }
    }
    Teams {
        team_size: all.len(),
        per_repository: inputs
            .iter()
            .zip(&sets)
            .map(|(r, s)| RepoTeam {
                repository: r.name.clone(),
                active_authors: s.len(),
                authors: s.iter().cloned().collect(),
            })
            .collect(),
        overlap,
        disjoint,
        ecosystems: ecos,
    }
}

/// Build systems and package managers, from the file names of a tree.
pub fn build_systems(paths: &[String]) -> Vec<String> {
    const ROOT: &[(&str, &str)] = &[
        ("WORKSPACE", "bazel"),
        ("WORKSPACE.bazel", "bazel"),
        ("MODULE.bazel", "bazel"),
        ("nx.json", "nx"),
        ("turbo.json", "turborepo"),
        ("lerna.json", "lerna"),
        ("pnpm-workspace.yaml", "pnpm"),
        ("Makefile", "make"),
        ("CMakeLists.txt", "cmake"),
        ("go.work", "go"),
    ];
    const ANY: &[(&str, &str)] = &[
        ("Cargo.toml", "cargo"),
        ("package-lock.json", "npm"),
        ("pnpm-lock.yaml", "pnpm"),
        ("yarn.lock", "yarn"),
        ("bun.lock", "bun"),
        ("bun.lockb", "bun"),
        ("go.mod", "go"),
        ("uv.lock", "uv"),
        ("poetry.lock", "poetry"),
        ("pom.xml", "maven"),
        ("build.gradle", "gradle"),
        ("build.gradle.kts", "gradle"),
        ("BUILD.bazel", "bazel"),
    ];
    let mut out = BTreeSet::new();
    for p in paths {
        if p.split('/').any(|c| c == "node_modules" || c == "vendor") {
            continue;
        }
        let name = p.rsplit('/').next().unwrap_or(p);
        if !p.contains('/') {
            if let Some((_, s)) = ROOT.iter().find(|(f, _)| *f == name) {
                out.insert(*s);
            }
        }
        if let Some((_, s)) = ANY.iter().find(|(f, _)| *f == name) {
            out.insert(*s);
        }
    }
    out.into_iter().map(str::to_string).collect()
}
