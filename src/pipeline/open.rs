//! Open the repository: its facts, its refs, and the branches the analysis walks (the trunk
//! and, with GitFlow, the production branch).

use crate::error::{exit, user};
use crate::git::{HeadState, Repo, RepoFacts};
use crate::model::{Oid, RefInfo, RefKind};
use anyhow::Result;

/// A branch by its short name (`main`, `origin/main`) and the commit it points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BranchTip {
    pub name: String,
    pub tip: Oid,
}

/// The repository, its refs and the branches to analyse: shared by every command.
pub struct RepoContext {
    pub repo: Repo,
    pub facts: RepoFacts,
    pub refs: Vec<RefInfo>,
    /// Where features land (GitFlow: the integration branch, `develop`).
    pub trunk: BranchTip,
    /// GitFlow's production branch (`main`/`master`) when `develop` sits beside it.
    pub production: Option<BranchTip>,
    pub warnings: Vec<String>,
}

/// The trunk and the GitFlow production branch, as picked from the refs.
struct TrunkChoice {
    trunk: BranchTip,
    production: Option<BranchTip>,
}

impl RepoContext {
    pub fn open(path: &std::path::Path, trunk: Option<&str>) -> Result<RepoContext> {
        let repo = Repo::open(path)?;
        let facts = repo.facts()?;
        let (refs, skipped) = repo.refs()?;
        let mut warnings = Vec::new();
        if !skipped.is_empty() {
            const SHOWN: usize = 5;
            let more = match skipped.len().saturating_sub(SHOWN) {
                0 => String::new(),
                n => format!("; and {n} more"),
            };
            warnings.push(format!(
                "{} references could not be read or do not point at commits; they were skipped: {}{more}",
                skipped.len(),
                skipped[..skipped.len().min(SHOWN)].join("; ")
            ));
        }
        for dir in repo.missing_alternates() {
            warnings.push(format!(
                "objects/info/alternates names {}, which does not exist: objects stored there are missing",
                dir.display()
            ));
        }
        // The branch HEAD is on is there but unreadable: its objects are missing or damaged.
        if let HeadState::Branch(b) = &facts.head {
            let prefix = format!("refs/heads/{b} (");
            if let Some(broken) = skipped.iter().find(|s| s.starts_with(&prefix)) {
                return Err(user(
                    exit::CORRUPT,
                    format!("HEAD's branch cannot be read: {broken}"),
                ));
            }
        }
        if let HeadState::Unborn(name) = &facts.head {
            if refs
                .iter()
                .all(|r| r.kind == RefKind::PullHead || r.kind == RefKind::Tag)
            {
                return Err(user(
                    exit::NO_HISTORY,
                    format!(
                        "{} has no commits yet (HEAD points to the unborn branch '{name}'): nothing to analyse",
                        facts.path.display()
                    ),
                ));
            }
        }
        let choice = pick_trunk(&repo, &facts, &refs, trunk, &mut warnings)?;
        if facts.shallow {
            warnings.push(
                "shallow clone: history is truncated, so lifetimes and counts cover only the commits present (git fetch --unshallow for all)"
                    .to_owned(),
            );
        }
        Ok(RepoContext {
            repo,
            facts,
            refs,
            trunk: choice.trunk,
            production: choice.production,
            warnings,
        })
    }

    pub fn branch_names(&self) -> Vec<String> {
        self.refs
            .iter()
            .filter(|r| matches!(r.kind, RefKind::LocalBranch | RefKind::RemoteBranch))
            .map(|r| r.short_name.clone())
            .collect()
    }

    /// The branch name without its remote (`origin/main` -> `main`), so names compare.
    pub fn bare_name(&self, short: &str) -> String {
        bare_name(short, &self.refs)
    }

    /// The commit HEAD points at; none when HEAD is unborn.
    pub fn head(&self) -> Option<Oid> {
        match &self.facts.head {
            HeadState::Detached(id) => Some(*id),
            HeadState::Branch(b) => find_branch(&self.refs, b).map(|x| x.tip),
            HeadState::Unborn(_) => None,
        }
    }

    /// The branch HEAD names; none when HEAD is detached.
    pub fn head_ref(&self) -> Option<String> {
        match &self.facts.head {
            HeadState::Branch(b) | HeadState::Unborn(b) => Some(b.clone()),
            HeadState::Detached(_) => None,
        }
    }
}

/// Find a branch by short name: local first, then `origin/<name>`, then any remote.
pub fn find_branch(refs: &[RefInfo], name: &str) -> Option<BranchTip> {
    let local = refs
        .iter()
        .find(|r| r.kind == RefKind::LocalBranch && r.short_name == name);
    let origin = || {
        refs.iter()
            .find(|r| r.kind == RefKind::RemoteBranch && r.short_name == format!("origin/{name}"))
    };
    let any_remote = || {
        refs.iter().find(|r| {
            r.kind == RefKind::RemoteBranch
                && (r.short_name == name
                    || r.short_name.split_once('/').map(|(_, b)| b) == Some(name))
        })
    };
    local
        .or_else(origin)
        .or_else(any_remote)
        .map(|r| BranchTip {
            name: r.short_name.clone(),
            tip: r.target,
        })
}

fn bare_name(short: &str, refs: &[RefInfo]) -> String {
    // `origin/main` -> `main` for remote-tracking refs, so messages compare by branch name.
    if refs
        .iter()
        .any(|r| r.kind == RefKind::RemoteBranch && r.short_name == short)
    {
        short
            .split_once('/')
            .map(|(_, b)| b.to_owned())
            .unwrap_or_else(|| short.to_owned())
    } else {
        short.to_owned()
    }
}

/// The branch names, for error messages.
fn branch_list(refs: &[RefInfo]) -> String {
    let names: Vec<&str> = refs
        .iter()
        .filter(|r| matches!(r.kind, RefKind::LocalBranch | RefKind::RemoteBranch))
        .map(|r| r.short_name.as_str())
        .collect();
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

fn pick_trunk(
    repo: &Repo,
    facts: &RepoFacts,
    refs: &[RefInfo],
    explicit: Option<&str>,
    warnings: &mut Vec<String>,
) -> Result<TrunkChoice> {
    let trunk = match explicit {
        Some(given) => given_trunk(facts, refs, given)?,
        None => default_trunk(repo, facts, refs, warnings)?,
    };
    Ok(gitflow_pair(trunk, refs, explicit))
}

/// `--trunk`: full ref names and HEAD as well as short branch names; a tag is an error.
fn given_trunk(facts: &RepoFacts, refs: &[RefInfo], given: &str) -> Result<BranchTip> {
    let head_branch = match &facts.head {
        HeadState::Branch(b) => Some(b.clone()),
        _ => None,
    };
    let name = match given {
        "HEAD" => head_branch.as_deref().unwrap_or(given),
        _ => given
            .strip_prefix("refs/heads/")
            .or_else(|| given.strip_prefix("refs/remotes/"))
            .unwrap_or(given),
    };
    find_branch(refs, name).ok_or_else(|| {
        let is_tag = refs
            .iter()
            .any(|r| r.kind == RefKind::Tag && r.short_name == name);
        let what = if is_tag {
            format!("'{given}' is a tag; --trunk takes a branch.")
        } else {
            format!("trunk branch '{given}' does not exist.")
        };
        user(
            exit::NO_HISTORY,
            format!("{what} Branches: {}", branch_list(refs)),
        )
    })
}

/// No `--trunk`: origin/HEAD, else main, master, trunk, develop, else HEAD.
fn default_trunk(
    repo: &Repo,
    facts: &RepoFacts,
    refs: &[RefInfo],
    warnings: &mut Vec<String>,
) -> Result<BranchTip> {
    let from_origin = repo.origin_head().and_then(|n| find_branch(refs, &n));
    if let Some(t) = from_origin.or_else(|| {
        ["main", "master", "trunk", "develop"]
            .iter()
            .find_map(|n| find_branch(refs, n))
    }) {
        return Ok(t);
    }
    match &facts.head {
        HeadState::Detached(id) => {
            warnings.push(format!(
                "no main, master, trunk or develop branch: analysing the detached HEAD ({}) as the trunk",
                id.short(12)
            ));
            Ok(BranchTip {
                name: "HEAD".to_owned(),
                tip: *id,
            })
        }
        HeadState::Branch(b) => find_branch(refs, b)
            .ok_or_else(|| user(exit::NO_HISTORY, format!("HEAD branch '{b}' cannot be read"))),
        HeadState::Unborn(_) => Err(user(
            exit::NO_HISTORY,
            format!(
                "no trunk found (tried origin/HEAD, main, master, trunk, develop). Pass --trunk BRANCH. Branches: {}",
                branch_list(refs)
            ),
        )),
    }
}

/// GitFlow: develop beside main/master. Features land on develop (the trunk we judge);
/// releases and hotfixes land on the production branch, analysed as well.
fn gitflow_pair(trunk: BranchTip, refs: &[RefInfo], explicit: Option<&str>) -> TrunkChoice {
    let trunk_bare = bare_name(&trunk.name, refs);
    let is_prod = |n: &str| n == "main" || n == "master";
    let is_dev = |n: &str| n == "develop" || n == "dev";
    let pair = if is_prod(&trunk_bare) {
        ["develop", "dev"]
            .iter()
            .find_map(|n| find_branch(refs, n))
            .map(|dev| (dev, trunk.clone()))
    } else if is_dev(&trunk_bare) {
        ["main", "master"]
            .iter()
            .find_map(|n| find_branch(refs, n))
            .map(|prod| (trunk.clone(), prod))
    } else {
        None
    };
    match pair {
        Some((dev, prod)) if dev.tip != prod.tip && explicit.is_none_or(|e| !is_prod(e)) => {
            TrunkChoice {
                trunk: dev,
                production: Some(prod),
            }
        }
        _ => TrunkChoice {
            trunk,
            production: None,
        },
    }
}
