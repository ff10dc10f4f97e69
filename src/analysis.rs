//! The `analyze` pipeline: read history (git), classify landed changes, measure them, take
//! the branch inventory, and assemble the canonical [`Analysis`] that every view renders.

use crate::branches::{self, BranchFacts};
use crate::classify::SideReader;
use crate::classify::{self, BranchHistory, BranchRole};
use crate::config::Config;
use crate::error::{exit, user};
use crate::git::{HeadState, Repo};
use crate::graph::CommitGraph;
use crate::measure::{self, Attributes, Metrics, SizeRules};
use crate::model::{
    self, Branch, Change, Commit, Oid, RefInfo, RefKind, Timestamp, SCHEMA_VERSION,
};
use crate::score::{self, Tag};
use crate::{monorepo as mono, packages};
use anyhow::{Context, Result};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Blobs over 512 MiB count as binary, like git's default core.bigFileThreshold.
pub const DEFAULT_MAX_BLOB_BYTES: u64 = 512 * 1024 * 1024;

/// What the user asked for.
#[derive(Clone, Debug)]
pub struct Options {
    pub path: PathBuf,
    pub trunk: Option<String>,
    /// Window start (None = all history).
    pub since: Option<Timestamp>,
    /// Window end and the time branches are judged at.
    pub until: Timestamp,
    /// `until` was given by the user. When it was not, commits dated in the future (clock
    /// skew) still count: they are on the trunk, whatever their clock said.
    pub until_explicit: bool,
    pub config: Config,
    pub quiet: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct RepositoryInfo {
    pub path: String,
    /// The trunk: where features land (GitFlow: the integration branch, `develop`).
    pub trunk: String,
    /// GitFlow's production branch (`main`/`master`), analysed too; null otherwise.
    pub production: Option<String>,
    pub head: Option<Oid>,
    pub head_ref: Option<String>,
    pub shallow: bool,
    pub bare: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Window {
    #[serde(with = "model::time_fmt::opt")]
    pub since: Option<Timestamp>,
    #[serde(with = "model::time_fmt")]
    pub until: Timestamp,
}

/// The canonical result of `analyze`; JSON is its serialisation (docs/schema.json).
#[derive(Clone, Debug, Serialize)]
pub struct Analysis {
    pub schema_version: u32,
    pub tool: ToolInfo,
    pub repository: RepositoryInfo,
    pub window: Window,
    /// Landed changes in first-parent order, newest first per branch (GitFlow: the trunk's,
    /// then the production branch's; sort by `landed_at` to interleave them).
    pub changes: Vec<Change>,
    /// Live (unmerged) branches, oldest first.
    pub branches: Vec<Branch>,
    pub metrics: MetricsOut,
    /// `scores` (keyed by model id), `detected_model`, `detection_evidence`,
    /// `recommendation`, `findings`.
    #[serde(flatten)]
    pub scoring: score::Scoring,
    /// CI configuration files found in the trunk's tree.
    pub ci_files: Vec<String>,
    /// The package audit; null unless the trunk holds two or more packages.
    pub monorepo: Option<packages::MonorepoSection>,
    /// Tags, for the release cadence.
    pub tags: Vec<Tag>,
    pub warnings: Vec<String>,
}

/// `metrics`: the measurements of `measure` plus the cadence of `score`.
#[derive(Clone, Debug, Serialize)]
pub struct MetricsOut {
    #[serde(flatten)]
    pub measured: Metrics,
    pub cadence: score::Cadence,
}

#[derive(Clone, Debug, Serialize)]
pub struct ToolInfo {
    pub name: &'static str,
    pub version: &'static str,
}

/// The hint printed when squash lifetimes are unknown.
pub const FETCH_PR_HINT: &str = "git fetch origin '+refs/pull/*/head:refs/remotes/origin/pr/*'";

/// Progress lines on stderr, only when it is a terminal.
/// `REPOHEALTH_TRACE=1` adds the elapsed time to each line, even when quiet or piped.
pub struct Progress {
    on: bool,
    trace: bool,
    start: std::time::Instant,
}

impl Progress {
    pub fn new(quiet: bool) -> Progress {
        Progress {
            on: !quiet && std::io::stderr().is_terminal(),
            trace: std::env::var_os("REPOHEALTH_TRACE").is_some(),
            start: std::time::Instant::now(),
        }
    }
    pub fn say(&self, msg: &str) {
        if self.trace {
            eprintln!(
                "repohealth [{:.3}s]: {msg}",
                self.start.elapsed().as_secs_f64()
            );
        } else if self.on {
            eprintln!("repohealth: {msg}");
        }
    }
}

/// The repository, its refs and the branches to analyse: shared by every command.
pub struct RepoContext {
    pub repo: Repo,
    pub facts: crate::git::RepoFacts,
    pub refs: Vec<RefInfo>,
    pub trunk: (String, Oid),
    pub production: Option<(String, Oid)>,
    pub warnings: Vec<String>,
}

impl RepoContext {
    pub fn open(path: &std::path::Path, trunk: Option<&str>) -> Result<RepoContext> {
        let repo = Repo::open(path)?;
        let facts = repo.facts()?;
        let (refs, skipped) = repo.refs()?;
        let mut warnings = Vec::new();
        if skipped > 0 {
            warnings.push(format!(
                "{skipped} references could not be read or do not point at commits; they were skipped"
            ));
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
        let (trunk, production) = pick_trunk(&repo, &facts, &refs, trunk, &mut warnings)?;
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
            trunk,
            production,
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
}

/// Find a branch by short name: local first, then `origin/<name>`, then any remote.
fn find_branch(refs: &[RefInfo], name: &str) -> Option<(String, Oid)> {
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
        .map(|r| (r.short_name.clone(), r.target))
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

type Picked = ((String, Oid), Option<(String, Oid)>);

fn pick_trunk(
    repo: &Repo,
    facts: &crate::git::RepoFacts,
    refs: &[RefInfo],
    explicit: Option<&str>,
    warnings: &mut Vec<String>,
) -> Result<Picked> {
    let list_branches = || {
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
    };
    let trunk = if let Some(given) = explicit {
        // Accept full ref names and HEAD as well as short branch names.
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
                format!("{what} Branches: {}", list_branches()),
            )
        })?
    } else {
        let from_origin = repo.origin_head().and_then(|n| find_branch(refs, &n));
        match from_origin.or_else(|| {
            ["main", "master", "trunk", "develop"]
                .iter()
                .find_map(|n| find_branch(refs, n))
        }) {
            Some(t) => t,
            None => match &facts.head {
                HeadState::Detached(id) => {
                    warnings.push(format!(
                        "no main, master, trunk or develop branch: analysing the detached HEAD ({}) as the trunk",
                        id.short(12)
                    ));
                    ("HEAD".to_owned(), *id)
                }
                HeadState::Branch(b) => find_branch(refs, b).ok_or_else(|| {
                    user(exit::NO_HISTORY, format!("HEAD branch '{b}' cannot be read"))
                })?,
                HeadState::Unborn(_) => {
                    return Err(user(
                        exit::NO_HISTORY,
                        format!(
                            "no trunk found (tried origin/HEAD, main, master, trunk, develop). Pass --trunk BRANCH. Branches: {}",
                            list_branches()
                        ),
                    ))
                }
            },
        }
    };
    // GitFlow: develop beside main/master. Features land on develop (the trunk we judge);
    // releases and hotfixes land on the production branch, analysed as well.
    let trunk_bare = bare_name(&trunk.0, refs);
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
        Some((dev, prod)) if dev.1 != prod.1 && explicit.is_none_or(|e| !is_prod(e)) => {
            Ok((dev, Some(prod)))
        }
        _ => Ok((trunk, None)),
    }
}

/// Run the whole analysis.
pub fn analyze(opts: &Options) -> Result<Analysis> {
    let progress = Progress::new(opts.quiet);
    let trunk_opt = opts.trunk.clone().or_else(|| opts.config.trunk.clone());
    let mut ctx = RepoContext::open(&opts.path, trunk_opt.as_deref())?;
    progress.say(&format!("reading the history of {}", ctx.trunk.0));

    let pr_heads: HashMap<u64, Oid> = ctx
        .refs
        .iter()
        .filter(|r| r.kind == RefKind::PullHead)
        .filter_map(|r| r.pr.map(|n| (n, r.target)))
        .collect();

    // One walk loads the commit graph every side query below runs on.
    let mut tips: Vec<Oid> = ctx
        .refs
        .iter()
        .filter(|r| r.kind != RefKind::Tag)
        .map(|r| r.target)
        .collect();
    tips.push(ctx.trunk.1);
    tips.extend(ctx.production.as_ref().map(|p| p.1));
    tips.sort();
    tips.dedup();
    let graph = ctx.repo.load_graph(&tips)?;
    progress.say(&format!("{} commits in the graph", graph.len()));
    let history = History {
        repo: &ctx.repo,
        graph: &graph,
    };

    // Walk and classify each analysed branch.
    let mut changes = Vec::new();
    // The latest landing before the window: an empty window says when it was.
    let mut last_landing: Option<Timestamp> = None;
    let mut commits_by_id: HashMap<Oid, Commit> = HashMap::new();
    let mut seen: HashSet<Oid> = HashSet::new();
    let mut branches_walked = vec![(
        ctx.trunk.clone(),
        if ctx.production.is_some() {
            BranchRole::Integration
        } else {
            BranchRole::Trunk
        },
    )];
    if let Some(p) = &ctx.production {
        branches_walked.push((p.clone(), BranchRole::Production));
    }
    let prod_names: Vec<String> = ctx
        .production
        .iter()
        .map(|p| bare_name(&p.0, &ctx.refs))
        .chain(["main".to_owned(), "master".to_owned()])
        .collect();
    for ((name, tip), role) in &branches_walked {
        let chain: Vec<Commit> = ctx
            .repo
            .first_parent_chain(*tip, opts.since)?
            .into_iter()
            .filter(|c| seen.insert(c.id))
            .collect();
        progress.say(&format!(
            "{} first-parent commits on {name}; classifying",
            chain.len()
        ));
        let bare = bare_name(name, &ctx.refs);
        let sync_sources: Vec<String> = if *role == BranchRole::Integration {
            prod_names.clone()
        } else {
            Vec::new()
        };
        let branch = BranchHistory {
            name: &bare,
            role: *role,
            sync_sources: &sync_sources,
            chain: &chain,
            pr_heads: &pr_heads,
        };
        let reader = ChainReader::new(&history, &chain)?;
        let mut found = classify::classify(&branch, &reader)?;
        for c in &mut found {
            c.target = name.clone();
        }
        let before = found
            .iter()
            .map(|c| c.landed_at)
            .filter(|t| opts.since.is_some_and(|s| *t < s));
        last_landing = last_landing.max(before.max());
        found.retain(|c| {
            opts.since.is_none_or(|s| c.landed_at >= s)
                && (!opts.until_explicit || c.landed_at <= opts.until)
        });
        let future = found.iter().filter(|c| c.landed_at > opts.until).count();
        if future > 0 {
            ctx.warnings.push(format!(
                "{future} changes on {name} are dated after {} (a committer clock in the future); they are included",
                model::rfc3339(opts.until)
            ));
        }
        changes.extend(found);
        commits_by_id.extend(chain.into_iter().map(|c| (c.id, c)));
    }
    // Changes stay in first-parent order (newest first per branch), like `git log
    // --first-parent`: committer clocks are not monotonic, the chain is.

    // Sizes: each change against its first parent, in parallel.
    progress.say(&format!("measuring {} landed changes", changes.len()));
    let mut jobs = Vec::with_capacity(changes.len());
    for c in &changes {
        let first = c.commits.first().copied().unwrap_or(c.commit);
        let parent = match commits_by_id.get(&first) {
            Some(fc) => fc.parents.first().copied(),
            None => ctx.repo.commit(first)?.parents.first().copied(),
        };
        jobs.push((parent, c.commit));
    }
    let max_blob = opts
        .config
        .size
        .max_blob_bytes
        .unwrap_or(DEFAULT_MAX_BLOB_BYTES);
    let stats = ctx.repo.diff_stats(&jobs, max_blob)?;
    progress.say("diffs done; reading .gitattributes");
    let rules = SizeRules::new(&opts.config.size.exclude)?;
    let mut attr_cache: HashMap<Vec<u8>, Attributes> = HashMap::new();
    let mut missing = 0;
    let mut diffs = Vec::with_capacity(changes.len());
    for (c, stat) in changes.iter_mut().zip(stats) {
        let stat = stat.with_context(|| format!("measuring change {}", c.commit))?;
        let text = ctx
            .repo
            .blob_at(c.commit, ".gitattributes")
            .unwrap_or_default()
            .unwrap_or_default();
        let attrs = attr_cache
            .entry(text.clone())
            .or_insert_with(|| Attributes::parse(&String::from_utf8_lossy(&text)));
        measure::apply_size(c, &stat, &rules, attrs);
        if c.lines_added.is_none() {
            missing += 1;
        }
        diffs.push(stat);
    }
    if missing > 0 {
        ctx.warnings.push(format!(
            "{missing} changes touch blobs missing from this clone (partial clone or large files left out): their line counts are null"
        ));
    }
    let metrics = measure::metrics(&changes);
    let unknown_squash = changes
        .iter()
        .filter(|c| c.strategy == model::Strategy::Squash && c.lifetime_seconds.is_none())
        .count();
    if unknown_squash > 0 {
        ctx.warnings.push(format!(
            "{unknown_squash} squash-merged changes have no known lifetime: the clone has no PR head refs for them. Fetch them with: {FETCH_PR_HINT}"
        ));
    }

    // Live branches.
    progress.say("taking the branch inventory");
    let branches = branch_inventory(&ctx, &history, opts.until)?;
    let tags = tags(&ctx)?;

    // Judgement against the three workflow models.
    progress.say("scoring");
    let score_cfg = score::ScoreConfig::from_table(opts.config.score.clone())
        .map_err(|e| user(exit::BAD_CONFIG, format!("{e:#}")))?;
    let version_re = score_cfg.version_regex();
    let first_release = first_release(&history, &changes, &tags, &version_re);
    let lines = release_lines(&ctx, &history, opts.since, opts.until)?;
    let ci_files = ci_files(&ctx.repo, ctx.trunk.1)?;
    let gitflow = ctx.production.as_ref().map(|p| score::GitflowRoles {
        integration: ctx.trunk.0.clone(),
        production: p.0.clone(),
    });
    let window_start = opts
        .since
        .or_else(|| changes.iter().map(|c| c.landed_at).min())
        .unwrap_or(opts.until);
    let scoring = score::score(
        &score::ScoreInput {
            changes: &changes,
            branches: &branches,
            tags: &tags,
            first_release: &first_release,
            trunk: &ctx.trunk.0,
            gitflow,
            long_lived_refs: &lines,
            ci_files: &ci_files,
            bots: &opts.config.bots,
            window: (window_start, opts.until),
            last_landing,
        },
        &score_cfg,
    );
    // Packages, when the trunk holds a workspace of two or more.
    let mono_cfg = monorepo_config(&opts.config)?;
    progress.say("reading packages");
    let bases: Vec<Option<Oid>> = jobs.iter().map(|(p, _)| *p).collect();
    let monorepo = packages::audit_changes(
        &ctx.repo,
        ctx.trunk.1,
        &mut changes,
        &bases,
        &diffs,
        &mono_cfg,
        &ci_files,
    )?;
    progress.say("done");

    let head = match &ctx.facts.head {
        HeadState::Detached(id) => Some(*id),
        HeadState::Branch(b) => find_branch(&ctx.refs, b).map(|x| x.1),
        HeadState::Unborn(_) => None,
    };
    let head_ref = match &ctx.facts.head {
        HeadState::Branch(b) | HeadState::Unborn(b) => Some(b.clone()),
        HeadState::Detached(_) => None,
    };
    Ok(Analysis {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo {
            name: "repohealth",
            version: env!("CARGO_PKG_VERSION"),
        },
        repository: RepositoryInfo {
            path: ctx.facts.path.display().to_string(),
            trunk: ctx.trunk.0.clone(),
            production: ctx.production.as_ref().map(|p| p.0.clone()),
            head,
            head_ref,
            shallow: ctx.facts.shallow,
            bare: ctx.facts.bare,
        },
        window: Window {
            since: opts.since,
            until: opts.until,
        },
        changes,
        branches,
        metrics: MetricsOut {
            measured: metrics,
            cadence: scoring.cadence.clone(),
        },
        scoring,
        ci_files,
        monorepo,
        tags,
        warnings: ctx.warnings,
    })
}

fn branch_inventory(
    ctx: &RepoContext,
    history: &History<'_>,
    now: Timestamp,
) -> Result<Vec<Branch>> {
    let mut exclude_names: HashSet<String> = HashSet::new();
    let mut long_lived = vec![ctx.trunk.clone()];
    long_lived.extend(ctx.production.clone());
    for (name, _) in &long_lived {
        let bare = bare_name(name, &ctx.refs);
        exclude_names.insert(bare.clone());
        for r in &ctx.refs {
            if r.kind == RefKind::RemoteBranch
                && r.short_name.split_once('/').map(|(_, b)| b) == Some(bare.as_str())
            {
                exclude_names.insert(r.short_name.clone());
            }
        }
    }
    let mut facts = Vec::new();
    let mut cache: HashMap<Oid, (Vec<Commit>, u64)> = HashMap::new();
    for r in &ctx.refs {
        if !matches!(r.kind, RefKind::LocalBranch | RefKind::RemoteBranch)
            || exclude_names.contains(&r.short_name)
        {
            continue;
        }
        let (unmerged, behind) = match cache.get(&r.target) {
            Some(v) => v.clone(),
            None => {
                let unmerged = history.side(&[r.target], &[ctx.trunk.1])?;
                let behind = if unmerged.is_empty() {
                    0
                } else {
                    history.graph.side(&[ctx.trunk.1], &[r.target]).len() as u64
                };
                cache.insert(r.target, (unmerged.clone(), behind));
                (unmerged, behind)
            }
        };
        if unmerged.is_empty() {
            continue;
        }
        let tip = unmerged
            .iter()
            .find(|c| c.id == r.target)
            .cloned()
            .map_or_else(|| ctx.repo.commit(r.target), Ok)?;
        facts.push(BranchFacts {
            name: r.short_name.clone(),
            remote: r.kind == RefKind::RemoteBranch,
            tip,
            unmerged,
            behind,
        });
    }
    Ok(branches::inventory(facts, now))
}

/// Side queries on the in-memory graph, commits read from the repository.
pub struct History<'a> {
    pub repo: &'a Repo,
    pub graph: &'a CommitGraph,
}

impl classify::SideReader for History<'_> {
    fn side(&self, include: &[Oid], exclude: &[Oid]) -> Result<Vec<Commit>> {
        self.graph
            .side(include, exclude)
            .into_iter()
            .map(|id| self.repo.commit(id))
            .collect()
    }
}

/// Side queries for one branch: the sides of its merges computed in one pass and their
/// commits decoded in parallel; anything else goes to the graph.
struct ChainReader<'a> {
    history: &'a History<'a>,
    sides: HashMap<Oid, Vec<Oid>>,
    commits: HashMap<Oid, Commit>,
}

impl<'a> ChainReader<'a> {
    fn new(history: &'a History<'a>, chain: &[Commit]) -> Result<ChainReader<'a>> {
        let edges: Vec<(Oid, Vec<Oid>)> = chain.iter().map(|c| (c.id, c.parents.clone())).collect();
        let sides = history.graph.chain_sides(&edges);
        let mut ids: Vec<Oid> = sides.values().flatten().copied().collect();
        ids.sort_unstable();
        ids.dedup();
        let commits = history
            .repo
            .commits(&ids)?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        Ok(ChainReader {
            history,
            sides,
            commits,
        })
    }
}

impl classify::SideReader for ChainReader<'_> {
    fn side(&self, include: &[Oid], exclude: &[Oid]) -> Result<Vec<Commit>> {
        self.history.side(include, exclude)
    }
    fn merge_side(&self, merge: &Commit) -> Result<Vec<Commit>> {
        match self.sides.get(&merge.id) {
            Some(ids) => ids
                .iter()
                .map(|id| match self.commits.get(id) {
                    Some(c) => Ok(c.clone()),
                    None => self.history.repo.commit(*id),
                })
                .collect(),
            None => self.history.side(&merge.parents[1..], &merge.parents[..1]),
        }
    }
}

fn tags(ctx: &RepoContext) -> Result<Vec<Tag>> {
    let mut out = Vec::new();
    for r in ctx.refs.iter().filter(|r| r.kind == RefKind::Tag) {
        let time = match r.tagger_time {
            Some(t) => t,
            None => ctx.repo.commit(r.target)?.committer.time,
        };
        out.push(Tag {
            name: r.short_name.clone(),
            target: r.target,
            time,
            annotated: r.tagger_time.is_some(),
        });
    }
    out.sort_by(|a, b| a.time.cmp(&b.time).then(a.name.cmp(&b.name)));
    Ok(out)
}

/// For each landed change, the earliest version tag (by time) whose history contains it.
fn first_release(
    history: &History<'_>,
    changes: &[Change],
    tags: &[Tag],
    version: &regex::Regex,
) -> HashMap<Oid, (String, Timestamp)> {
    let wanted: HashSet<Oid> = changes.iter().map(|c| c.commit).collect();
    // A tag made before the window's first landing cannot hold a change of the window (but
    // for clock skew): it only bounds the later queries.
    let first_landing = changes
        .iter()
        .map(|c| c.landed_at)
        .min()
        .unwrap_or(Timestamp::MAX);
    let mut out = HashMap::new();
    let mut earlier: Vec<Oid> = Vec::new();
    for t in tags.iter().filter(|t| version.is_match(&t.name)) {
        if out.len() == wanted.len() {
            break;
        }
        if t.time >= first_landing {
            for id in history.graph.side(&[t.target], &earlier) {
                if wanted.contains(&id) {
                    out.entry(id).or_insert_with(|| (t.name.clone(), t.time));
                }
            }
        }
        earlier.push(t.target);
    }
    out
}

/// Branch names that mark a long-lived line: release, hotfix, support and maintenance lines.
fn is_release_line(name: &str) -> bool {
    static LINE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(release|releases|hotfix|support|maint[^/]*|stable)([/-].*)?$|^v?\d+\.(\d+|x)(\.x)?$")
            .expect("static regex")
    });
    LINE.is_match(name)
}

/// Activity of each long-lived line in the window: committer times of the commits on its
/// first-parent chain that the trunk does not have.
fn release_lines(
    ctx: &RepoContext,
    history: &History<'_>,
    since: Option<Timestamp>,
    until: Timestamp,
) -> Result<Vec<score::LineActivity>> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let trunk_bare = bare_name(&ctx.trunk.0, &ctx.refs);
    for r in &ctx.refs {
        if !matches!(r.kind, RefKind::LocalBranch | RefKind::RemoteBranch) {
            continue;
        }
        let bare = bare_name(&r.short_name, &ctx.refs);
        if bare == trunk_bare
            || !(is_release_line(&bare) || bare == "develop")
            || !seen.insert(bare.clone())
        {
            continue;
        }
        // The line's own commits: those the trunk does not have.
        let own: HashSet<Oid> = history
            .graph
            .side(&[r.target], &[ctx.trunk.1])
            .into_iter()
            .collect();
        let mut times = Vec::new();
        let mut next = Some(r.target);
        while let Some(id) = next.filter(|id| own.contains(id)) {
            let c = ctx.repo.commit(id)?;
            if since.is_none_or(|s| c.committer.time >= s) && c.committer.time <= until {
                times.push(c.committer.time);
            }
            next = c.parents.first().copied();
        }
        out.push(score::LineActivity {
            name: bare,
            commits_in_window: times,
        });
    }
    Ok(out)
}

/// CI configuration in the tree of `commit`.
fn ci_files(repo: &Repo, commit: Oid) -> Result<Vec<String>> {
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

/// The `[monorepo]` table of the configuration.
pub fn monorepo_config(cfg: &Config) -> Result<mono::Config> {
    toml::Value::Table(cfg.monorepo.clone())
        .try_into::<mono::Config>()
        .map_err(|e| {
            user(
                exit::BAD_CONFIG,
                format!("invalid [monorepo] configuration: {e}"),
            )
        })
}
