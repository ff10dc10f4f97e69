//! The live state of the repository: unmerged branches against the trunk, and the CI
//! configuration in the trunk's tree.

use super::sides::History;
use super::RepoContext;
use crate::git::Repo;
use crate::history::branches::{self, BranchFacts};
use crate::history::classify::SideReader;
use crate::model::{Branch, Commit, Oid, OidMap, RefKind, Timestamp};
use anyhow::Result;
use std::collections::HashSet;

/// What a branch tip holds that the trunk does not, and how far the trunk moved since.
#[derive(Clone)]
struct Unmerged {
    commits: Vec<Commit>,
    behind: u64,
}

/// Live (unmerged) branches, the trunk and the production branch left out.
pub fn branch_inventory(
    ctx: &RepoContext,
    history: &History<'_>,
    now: Timestamp,
) -> Result<Vec<Branch>> {
    let exclude_names = long_lived_names(ctx);
    let mut facts = Vec::new();
    let mut cache: OidMap<Unmerged> = OidMap::default();
    for r in &ctx.refs {
        if !matches!(r.kind, RefKind::LocalBranch | RefKind::RemoteBranch)
            || exclude_names.contains(&r.short_name)
        {
            continue;
        }
        let unmerged = match cache.get(&r.target) {
            Some(v) => v.clone(),
            None => {
                let commits = history.side(&[r.target], &[ctx.trunk.tip])?;
                let behind = if commits.is_empty() {
                    0
                } else {
                    history.graph.side(&[ctx.trunk.tip], &[r.target]).len() as u64
                };
                let v = Unmerged { commits, behind };
                cache.insert(r.target, v.clone());
                v
            }
        };
        if unmerged.commits.is_empty() {
            continue;
        }
        let tip = unmerged
            .commits
            .iter()
            .find(|c| c.id == r.target)
            .cloned()
            .map_or_else(|| history.commit(r.target), Ok)?;
        facts.push(BranchFacts {
            name: r.short_name.clone(),
            remote: r.kind == RefKind::RemoteBranch,
            tip,
            unmerged: unmerged.commits,
            behind: unmerged.behind,
        });
    }
    Ok(branches::inventory(facts, now))
}

/// The trunk's and the production branch's names, local and remote-tracking: not live branches.
fn long_lived_names(ctx: &RepoContext) -> HashSet<String> {
    let mut names = HashSet::new();
    for b in std::iter::once(&ctx.trunk).chain(&ctx.production) {
        let bare = ctx.bare_name(&b.name);
        for r in &ctx.refs {
            if r.kind == RefKind::RemoteBranch
                && r.short_name.split_once('/').map(|(_, b)| b) == Some(bare.as_str())
            {
                names.insert(r.short_name.clone());
            }
        }
        names.insert(bare);
    }
    names
}

/// CI configuration in the tree of `commit`.
pub fn ci_files(repo: &Repo, commit: Oid) -> Result<Vec<String>> {
    let files = repo.tree_files(commit)?;
    Ok(files
        .iter()
        .map(|f| String::from_utf8_lossy(&f.path).into_owned())
        .filter(|p| is_ci_file(p))
        .collect())
}

/// Paths that configure a CI service.
pub fn is_ci_file(p: &str) -> bool {
    const EXACT: &[&str] = &[
        ".gitlab-ci.yml",
        "Jenkinsfile",
        ".circleci/config.yml",
        "azure-pipelines.yml",
        ".travis.yml",
        "bitbucket-pipelines.yml",
        ".drone.yml",
        "appveyor.yml",
        ".appveyor.yml",
        ".cirrus.yml",
        "buildkite.yml",
        ".woodpecker.yml",
    ];
    EXACT.contains(&p)
        || (p.starts_with(".github/workflows/") && (p.ends_with(".yml") || p.ends_with(".yaml")))
        || p.starts_with(".buildkite/")
        || p.starts_with(".woodpecker/")
}
