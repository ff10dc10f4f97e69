//! The `analyze` pipeline, a short list of named stages; each is a function from named types
//! to named types, public so every command runs the same code for every number:
//!
//! ```text
//! Options -> open_history -> OpenHistory
//!         -> classify_landings -> Landings      (history::classify on each walked branch)
//!         -> measure_landings -> Measured       (diffs, size rules, history::measure)
//!         -> remerge_landings                   (--remerge: merges redone, history::remerge)
//!         -> inventory_branches -> Inventory    (live branches, tags, CI files; then the
//!                                                commits read so far are kept in the cache)
//!         -> audit_packages -> MonorepoSection  (packages, when the trunk holds two or more)
//!         -> score_models -> Scoring            (score)
//!         -> assemble -> Analysis               (rendered by render::{json, table, markdown})
//! ```
//!
//! [`run`] runs them in that order.

mod inventory;
mod open;
mod releases;
mod remerge;
mod sides;

pub use inventory::is_ci_file;
pub use open::{find_branch, BranchTip, OpenError, RepoContext};
pub use remerge::{remerge_landings, DEFAULT_REMERGE_BUDGET_SECS};
pub use sides::{ChainReader, History};

use crate::cache::commits::CommitStore;
use crate::config::{Config, ConfigError};
use crate::history::classify::{self, BranchHistory, BranchRole};
use crate::history::graph::CommitGraph;
use crate::history::measure::{self, Metrics, SizeRules};
use crate::model::{
    self, Branch, Change, Commit, DiffStat, Oid, OidMap, OidSet, RefKind, Timestamp, SCHEMA_VERSION,
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
    /// Re-merge merges and squashes (`--remerge`), with this time budget.
    pub remerge: Option<std::time::Duration>,
    /// Where results are kept between runs (docs/benchmarks.md, "Cache").
    pub cache: crate::cache::CacheSetting,
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
    /// Conflict rates of the re-merges (`--remerge` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remerge: Option<crate::history::remerge::RemergeMetrics>,
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
                "repohealth [{:.3}s{}]: {msg}",
                self.start.elapsed().as_secs_f64(),
                memory_now()
            );
        } else if self.on {
            eprintln!("repohealth: {msg}");
        }
    }

    /// A progress bar for a long phase of `len` steps, with the time left: drawn on stderr
    /// only when stderr is a terminal and the run is not quiet (never in pipes or CI, never
    /// with `REPOHEALTH_TRACE`, whose lines it would break).
    pub fn bar(&self, len: u64, what: &str) -> Bar {
        if !self.on || self.trace || len == 0 {
            return Bar(None);
        }
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(len),
            indicatif::ProgressDrawTarget::stderr(),
        );
        let style = indicatif::ProgressStyle::with_template(
            "repohealth: {msg} [{bar:30}] {pos}/{len} ({eta} left)",
        )
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_message(what.to_owned());
        Bar(Some(bar))
    }
}

/// The resident memory of this process (of it, anonymous: the heap rather than mapped
/// packs), and its peak, for trace lines; empty where `/proc/self/status` cannot be read
/// (not Linux).
fn memory_now() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        line[name.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()
    };
    match (field("VmRSS:"), field("RssAnon:"), field("VmHWM:")) {
        (Some(rss), Some(anon), Some(peak)) => format!(
            ", rss {} MiB (heap {} MiB), peak {} MiB",
            rss / 1024,
            anon / 1024,
            peak / 1024
        ),
        _ => String::new(),
    }
}

/// A progress bar of [`Progress::bar`] (nothing when progress is off); cleared when dropped.
pub struct Bar(Option<indicatif::ProgressBar>);

impl Bar {
    /// `n` more steps done (callable from any thread).
    pub fn inc(&self, n: u64) {
        if let Some(b) = &self.0 {
            b.inc(n);
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

/// Run the whole analysis: every stage, in order.
pub fn run(opts: &Options) -> Result<Analysis> {
    let progress = Progress::new(opts.quiet);
    let open = open_history(opts, &progress)?;
    let landings = classify_landings(&open, opts, &progress)?;
    let mut measured = measure_landings(&open, landings, &opts.config, &progress)?;
    remerge_landings(&open, &mut measured, opts, &progress)?;
    let inventory = inventory_branches(&open, opts.until, &progress)?;
    let monorepo = audit_packages(&open, &mut measured, &inventory, &opts.config, &progress)?;
    let scoring = score_models(&open, &measured, &inventory, opts, &progress)?;
    progress.say("done");
    Ok(assemble(open, opts, measured, inventory, scoring, monorepo))
}

/// The repository opened, the trunk picked, the analysed branches' first-parent chains read,
/// and the commit graph of the refs the analysis can reach loaded.
pub struct OpenHistory {
    pub ctx: RepoContext,
    pub graph: CommitGraph,
    /// The first-parent chain of each branch of [`OpenHistory::walked`], in that order, back
    /// to the window's start; None when one could not be read (classification reads it again
    /// and reports why).
    pub chains: Option<Vec<Vec<Commit>>>,
    /// Pull/merge request heads found in the clone, by number.
    pub pr_heads: HashMap<u64, Oid>,
    /// The on-disk cache of this repository (None: off or unusable).
    pub cache: Option<crate::cache::Cache>,
    /// Every commit read, from the cache or decoded once (messages reduced to the lines the
    /// classifier reads).
    pub commits: CommitStore,
}

impl OpenHistory {
    /// Side queries on the graph, commits read through the store.
    pub fn history(&self) -> History<'_> {
        History {
            repo: &self.ctx.repo,
            graph: &self.graph,
            commits: &self.commits,
        }
    }

    /// The branches classified, with their roles: the trunk, then the production branch.
    pub fn walked(&self) -> Vec<(&BranchTip, BranchRole)> {
        walked_branches(&self.ctx)
    }
}

/// See [`OpenHistory::walked`].
fn walked_branches(ctx: &RepoContext) -> Vec<(&BranchTip, BranchRole)> {
    let trunk_role = if ctx.production.is_some() {
        BranchRole::Integration
    } else {
        BranchRole::Trunk
    };
    let mut out = vec![(&ctx.trunk, trunk_role)];
    out.extend(ctx.production.iter().map(|p| (p, BranchRole::Production)));
    out
}

/// The tips the commit graph is loaded from: every branch, and the pull-request heads the
/// analysis can ask about. Classification looks a PR head up by the number a first-parent
/// commit's message names (`(#N)`, `Merge pull request #N`, `!N`), so a head whose number no
/// message in `chains` holds as a run of digits is never read: on git/git, whose clone holds
/// 3,277 PR heads, the 90-day window's graph is 85,000 commits instead of 202,000. Without the
/// chains, every head. Sorted.
fn graph_tips(ctx: &RepoContext, chains: Option<&[Vec<Commit>]>) -> Vec<Oid> {
    let named: Option<HashSet<u64>> = chains.map(|chains| {
        chains
            .iter()
            .flatten()
            .flat_map(|c| numbers_in(&c.subject).chain(numbers_in(&c.message)))
            .collect()
    });
    let wanted = |r: &&crate::model::RefInfo| match (&r.kind, r.pr, &named) {
        (RefKind::Tag, _, _) => false,
        (RefKind::PullHead, Some(n), Some(named)) => named.contains(&n),
        _ => true,
    };
    let mut tips: Vec<Oid> = ctx.refs.iter().filter(wanted).map(|r| r.target).collect();
    tips.push(ctx.trunk.tip);
    tips.extend(ctx.production.as_ref().map(|p| p.tip));
    tips.sort();
    tips.dedup();
    tips
}

/// Every run of ASCII digits in `text`, as a number (runs too long for one are left out).
fn numbers_in(text: &str) -> impl Iterator<Item = u64> + '_ {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|run| !run.is_empty())
        .filter_map(|run| run.parse().ok())
}

/// Stage 1: open the repository, pick the trunk, load the commit graph (one walk).
pub fn open_history(opts: &Options, progress: &Progress) -> Result<OpenHistory> {
    let trunk = opts.trunk.clone().or_else(|| opts.config.trunk.clone());
    let ctx = RepoContext::open(&opts.path, trunk.as_deref())?;
    progress.say(&format!("reading the history of {}", ctx.trunk.name));
    let pr_heads = ctx
        .refs
        .iter()
        .filter(|r| r.kind == RefKind::PullHead)
        .filter_map(|r| r.pr.map(|n| (n, r.target)))
        .collect();
    let work_tree = (!ctx.facts.bare).then_some(ctx.facts.path.as_path());
    let (cache, problem) = crate::cache::Cache::open(&opts.cache, &ctx.facts.git_dir, work_tree)?;
    if let Some(p) = problem {
        crate::cache::warn(&p);
    }
    let commits = CommitStore::open(&ctx.repo, cache.as_ref());
    let chains: Option<Vec<Vec<Commit>>> = walked_branches(&ctx)
        .iter()
        .map(|(b, _)| {
            commits
                .first_parent_chain(&ctx.repo, b.tip, opts.since)
                .ok()
        })
        .collect();
    let tips = graph_tips(&ctx, chains.as_deref());
    let every_ref = graph_tips(&ctx, None);
    // One walk loads the commit graph every side query below runs on.
    let (graph, source) = crate::cache::load_graph(&ctx.repo, cache.as_ref(), &tips, &every_ref)?;
    let how = match source {
        crate::cache::GraphSource::Walked => "walked".to_owned(),
        crate::cache::GraphSource::Cached => "from the cache".to_owned(),
        crate::cache::GraphSource::Extended(n) => format!("from the cache, {n} new"),
    };
    progress.say(&format!("{} commits in the graph ({how})", graph.len()));
    progress.say(&format!("{} commits in the cache", commits.stored()));
    Ok(OpenHistory {
        ctx,
        graph,
        chains,
        pr_heads,
        cache,
        commits,
    })
}

/// The landed changes of the window, before measuring.
pub struct Landings {
    /// In first-parent order, newest first per branch, like `git log --first-parent`:
    /// committer clocks are not monotonic, the chain is.
    pub changes: Vec<Change>,
    /// The first-parent commits walked, by id (from the commit store: their messages hold
    /// only the lines the classifier reads).
    pub commits: OidMap<Commit>,
    pub warnings: Vec<String>,
    /// The latest landing before the window (an empty window says when it was).
    pub last_landing: Option<Timestamp>,
}

/// Stage 2: walk each analysed branch's first-parent chain and classify its landed changes.
pub fn classify_landings(
    open: &OpenHistory,
    opts: &Options,
    progress: &Progress,
) -> Result<Landings> {
    let ctx = &open.ctx;
    let history = open.history();
    let prod_names: Vec<String> = ctx
        .production
        .iter()
        .map(|p| ctx.bare_name(&p.name))
        .chain(["main".to_owned(), "master".to_owned()])
        .collect();
    let mut out = Landings {
        changes: Vec::new(),
        commits: OidMap::default(),
        warnings: Vec::new(),
        last_landing: None,
    };
    let mut seen: OidSet = OidSet::default();
    let prs_by_head = classify::prs_by_head(&open.pr_heads);
    for (k, (branch, role)) in open.walked().into_iter().enumerate() {
        let read = match open.chains.as_ref().and_then(|c| c.get(k)) {
            Some(chain) => chain.clone(),
            None => open
                .commits
                .first_parent_chain(&ctx.repo, branch.tip, opts.since)?,
        };
        let chain: Vec<Commit> = read.into_iter().filter(|c| seen.insert(c.id)).collect();
        progress.say(&format!(
            "{} first-parent commits on {}; classifying",
            chain.len(),
            branch.name
        ));
        let bare = ctx.bare_name(&branch.name);
        let sync_sources = match role {
            BranchRole::Integration => prod_names.clone(),
            _ => Vec::new(),
        };
        let walked = BranchHistory {
            name: &bare,
            role,
            sync_sources: &sync_sources,
            chain: &chain,
            pr_heads: &open.pr_heads,
            prs_by_head: &prs_by_head,
        };
        let reader = ChainReader::new(&history, &chain)?;
        let mut found = classify::classify(&walked, &reader)?;
        for c in &mut found {
            c.target = branch.name.clone();
        }
        let before = found
            .iter()
            .map(|c| c.landed_at)
            .filter(|t| opts.since.is_some_and(|s| *t < s));
        out.last_landing = out.last_landing.max(before.max());
        found.retain(|c| {
            opts.since.is_none_or(|s| c.landed_at >= s)
                && (!opts.until_explicit || c.landed_at <= opts.until)
        });
        let future = found.iter().filter(|c| c.landed_at > opts.until).count();
        if future > 0 {
            out.warnings.push(format!(
                "{future} changes on {} are dated after {} (a committer clock in the future); they are included",
                branch.name,
                model::rfc3339(opts.until)
            ));
        }
        out.changes.extend(found);
        out.commits.extend(chain.into_iter().map(|c| (c.id, c)));
    }
    Ok(out)
}

/// The landed changes with their sizes, and the diffs they were measured from.
pub struct Measured {
    pub changes: Vec<Change>,
    /// `bases[i]` is the commit `changes[i]` was diffed against (its first commit's first
    /// parent; none for a root commit).
    pub bases: Vec<Option<Oid>>,
    /// `diffs[i]` is the diff of `changes[i]` against `bases[i]`.
    pub diffs: Vec<DiffStat>,
    pub metrics: Metrics,
    /// The conflict rates of [`remerge_landings`] (`--remerge` only).
    pub remerge: Option<crate::history::remerge::RemergeMetrics>,
    /// The latest landing before the window.
    pub last_landing: Option<Timestamp>,
    /// The warnings of classifying and measuring.
    pub warnings: Vec<String>,
}

/// Stage 3: diff every landed change against its first parent (in parallel), apply the size
/// rules and `.gitattributes`, and compute the distributions.
pub fn measure_landings(
    open: &OpenHistory,
    landings: Landings,
    config: &Config,
    progress: &Progress,
) -> Result<Measured> {
    let repo = &open.ctx.repo;
    let Landings {
        mut changes,
        commits,
        mut warnings,
        last_landing,
    } = landings;
    progress.say(&format!("measuring {} landed changes", changes.len()));
    let mut bases = Vec::with_capacity(changes.len());
    for c in &changes {
        let first = c.commits.first().copied().unwrap_or(c.commit);
        bases.push(match commits.get(&first) {
            Some(fc) => fc.parents.first().copied(),
            None => repo.commit(first)?.parents.first().copied(),
        });
    }
    let jobs: Vec<(Option<Oid>, Oid)> = bases
        .iter()
        .zip(&changes)
        .map(|(b, c)| (*b, c.commit))
        .collect();
    let max_blob = config.size.max_blob_bytes.unwrap_or(DEFAULT_MAX_BLOB_BYTES);
    let stats = {
        let bar = progress.bar(jobs.len() as u64, "diffs");
        let tick = |n: u64| bar.inc(n);
        crate::cache::diff_stats(repo, open.cache.as_ref(), &jobs, max_blob, &tick)?
    };
    progress.say("diffs done; reading .gitattributes");
    let rules = SizeRules::new(&config.size.exclude)?;
    let mut sizer = measure::Sizer::new(&rules);
    // The root `.gitattributes` of each change: read from the tree only where it may differ
    // from the previous (older) change's, that is where the change is not based on it or its
    // diff touches the file; elsewhere it is the older change's.
    let n = changes.len();
    let mut texts: Vec<std::rc::Rc<Vec<u8>>> = vec![std::rc::Rc::default(); n];
    for i in (0..n).rev() {
        let untouched = stats[i].as_ref().is_ok_and(|d| {
            !d.files
                .iter()
                .any(|f| f.path.as_slice() == b".gitattributes")
        });
        let carried = i + 1 < n && untouched && bases[i] == Some(changes[i + 1].commit);
        texts[i] = if carried {
            texts[i + 1].clone()
        } else {
            std::rc::Rc::new(
                repo.blob_at(changes[i].commit, ".gitattributes")
                    .unwrap_or_default()
                    .unwrap_or_default(),
            )
        };
    }
    let mut diffs = Vec::with_capacity(changes.len());
    for ((c, stat), text) in changes.iter_mut().zip(stats).zip(texts) {
        let stat = stat.with_context(|| format!("measuring change {}", c.commit))?;
        sizer.apply(c, &stat, &text);
        diffs.push(stat);
    }
    warnings.extend(measure_warnings(&changes));
    let metrics = measure::metrics(&changes);
    Ok(Measured {
        changes,
        bases,
        diffs,
        metrics,
        remerge: None,
        last_landing,
        warnings,
    })
}

/// Unknown sizes (blobs missing from the clone) and unknown squash lifetimes (no PR heads).
fn measure_warnings(changes: &[Change]) -> Vec<String> {
    let mut out = Vec::new();
    let missing = changes.iter().filter(|c| c.lines_added.is_none()).count();
    if missing > 0 {
        out.push(format!(
            "{missing} changes touch blobs missing from this clone (partial clone or large files left out): their line counts are null"
        ));
    }
    let unknown_squash = changes
        .iter()
        .filter(|c| c.strategy == model::Strategy::Squash && c.lifetime_seconds.is_none())
        .count();
    if unknown_squash > 0 {
        out.push(format!(
            "{unknown_squash} squash-merged changes have no known lifetime: the clone has no PR head refs for them. Fetch them with: {FETCH_PR_HINT}"
        ));
    }
    out
}

/// The live state of the repository at the end of the window.
pub struct Inventory {
    /// Live (unmerged) branches, oldest first.
    pub branches: Vec<Branch>,
    /// Every tag, oldest first.
    pub tags: Vec<Tag>,
    /// CI configuration files in the trunk's tree.
    pub ci_files: Vec<String>,
}

/// Stage 4: the live branches (judged at `until`), the tags, the CI files on the trunk. The
/// commits read up to here (the walks, the sides, the branches) are then kept in the cache.
pub fn inventory_branches(
    open: &OpenHistory,
    until: Timestamp,
    progress: &Progress,
) -> Result<Inventory> {
    progress.say("taking the branch inventory");
    let ctx = &open.ctx;
    let inventory = Inventory {
        branches: inventory::branch_inventory(ctx, &open.history(), until)?,
        tags: releases::tags(ctx)?,
        ci_files: inventory::ci_files(&ctx.repo, ctx.trunk.tip)?,
    };
    let decoded = open.commits.save();
    progress.say(&format!("{decoded} commits decoded in this run"));
    Ok(inventory)
}

/// Stage 5: the package audit, when the trunk's tip holds two or more packages; fills each
/// change's `packages`.
pub fn audit_packages(
    open: &OpenHistory,
    measured: &mut Measured,
    inventory: &Inventory,
    config: &Config,
    progress: &Progress,
) -> Result<Option<packages::MonorepoSection>> {
    let mono_cfg = monorepo_config(config)?;
    progress.say("reading packages");
    let bar = progress.bar(measured.changes.len() as u64, "package audit");
    let tick = |n: u64| bar.inc(n);
    packages::audit_changes(
        &open.ctx.repo,
        open.cache.as_ref(),
        open.ctx.trunk.tip,
        &mut measured.changes,
        &measured.bases,
        &measured.diffs,
        &mono_cfg,
        &inventory.ci_files,
        &tick,
    )
}

/// Stage 6: judge the window against the three workflow models.
pub fn score_models(
    open: &OpenHistory,
    measured: &Measured,
    inventory: &Inventory,
    opts: &Options,
    progress: &Progress,
) -> Result<score::Scoring> {
    progress.say("scoring");
    let ctx = &open.ctx;
    let history = open.history();
    let score_cfg = score::ScoreConfig::from_table(opts.config.score.clone())
        .map_err(|e| ConfigError::Invalid(format!("{e:#}")))?;
    let version_re = score_cfg.version_regex();
    let changes = &measured.changes;
    let first_release = releases::first_release(&history, changes, &inventory.tags, &version_re);
    let lines = releases::release_lines(ctx, &history, opts.since, opts.until)?;
    let gitflow = ctx.production.as_ref().map(|p| score::GitflowRoles {
        integration: ctx.trunk.name.clone(),
        production: p.name.clone(),
    });
    let window_start = opts
        .since
        .or_else(|| changes.iter().map(|c| c.landed_at).min())
        .unwrap_or(opts.until);
    let input = score::ScoreInput {
        changes,
        branches: &inventory.branches,
        tags: &inventory.tags,
        first_release: &first_release,
        trunk: &ctx.trunk.name,
        gitflow,
        long_lived_refs: &lines,
        ci_files: &inventory.ci_files,
        bots: &opts.config.bots,
        window: (window_start, opts.until),
        last_landing: measured.last_landing,
        remerge: measured.remerge.as_ref(),
    };
    Ok(score::score(&input, &score_cfg))
}

/// Stage 7: the canonical [`Analysis`], which every view renders.
pub fn assemble(
    open: OpenHistory,
    opts: &Options,
    measured: Measured,
    inventory: Inventory,
    scoring: score::Scoring,
    monorepo: Option<packages::MonorepoSection>,
) -> Analysis {
    let ctx = open.ctx;
    let repository = RepositoryInfo {
        path: ctx.facts.path.display().to_string(),
        trunk: ctx.trunk.name.clone(),
        production: ctx.production.as_ref().map(|p| p.name.clone()),
        head: ctx.head(),
        head_ref: ctx.head_ref(),
        shallow: ctx.facts.shallow,
        bare: ctx.facts.bare,
    };
    let mut warnings = ctx.warnings;
    warnings.extend(measured.warnings);
    Analysis {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo {
            name: "repohealth",
            version: env!("CARGO_PKG_VERSION"),
        },
        repository,
        window: Window {
            since: opts.since,
            until: opts.until,
        },
        changes: measured.changes,
        branches: inventory.branches,
        metrics: MetricsOut {
            measured: measured.metrics,
            cadence: scoring.cadence.clone(),
            remerge: measured.remerge,
        },
        scoring,
        ci_files: inventory.ci_files,
        monorepo,
        tags: inventory.tags,
        warnings,
    }
}

/// The `[monorepo]` table of the configuration.
pub fn monorepo_config(cfg: &Config) -> Result<mono::Config> {
    toml::Value::Table(cfg.monorepo.clone())
        .try_into::<mono::Config>()
        .map_err(|e| ConfigError::Invalid(format!("invalid [monorepo] configuration: {e}")).into())
}

#[cfg(test)]
mod tests {
    use super::numbers_in;

    #[test]
    fn every_run_of_digits_is_a_number() {
        let got: Vec<u64> =
            numbers_in("Merge pull request #12 from a/b-3 (#4567) !89 v2.45.0").collect();
        assert_eq!(got, vec![12, 3, 4567, 89, 2, 45, 0]);
        // A run too long for a u64 is left out, not wrapped.
        assert_eq!(
            numbers_in("#99999999999999999999999 #7").collect::<Vec<_>>(),
            vec![7]
        );
        assert_eq!(numbers_in("no digits, ünïcode").count(), 0);
    }
}
