//! The command line (clap, derive). Every flag is defined once here, with its help text.

use crate::analysis::{self, Options};
use crate::config::{parse_when_checked as parse_when, Config};
use crate::error::{exit, user};
use crate::render;
use anyhow::Result;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

const EXAMPLES: &str = "\
Examples:
  repohealth analyze .                         the full report for this clone (last 90 days)
  repohealth analyze --since 6m --format json  six months, as JSON (the canonical form)
  repohealth analyze ~/src/app --trunk develop --format markdown --output report.md
  repohealth analyze --since all --until 2024-06-30
  repohealth analyze --fail-under 70 --model github-flow   a CI gate: exit 1 below 70

Exit codes: 0 ok, 1 --fail-under gate failed, 2 bad command line, 3 not a repository,
4 nothing to analyse (empty repository, missing trunk or revision), 5 missing or corrupt
objects, 6 invalid configuration, 7 cannot write the output, 70 internal error.";

#[derive(Parser, Debug)]
#[command(
    name = "repohealth",
    version,
    about = "How a team really integrates code, read from a clone's git history",
    long_about = "repohealth reads a git repository's history (no hosting API, no network, never \
                  writing to the repository) and reports how long branches live, how big landed \
                  changes are and how they land: merge commit, squash, rebase or direct push.",
    after_help = EXAMPLES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// The full report: landed changes, lifetimes, sizes, strategies and live branches.
    #[command(after_help = EXAMPLES)]
    Analyze(AnalyzeArgs),
    /// The packages a range of commits affects (for CI: build and test only these).
    #[command(after_help = AFFECTED_EXAMPLES)]
    Affected(AffectedArgs),
    /// The package dependency graph at a revision (dot, mermaid or json).
    #[command(after_help = GRAPH_EXAMPLES)]
    Graph(GraphArgs),
}

const AFFECTED_EXAMPLES: &str = "\
Examples:
  repohealth affected --base origin/main                 package names, one per line
  repohealth affected --base origin/main --paths         package directories instead
  repohealth affected --base v1.2 --head HEAD --format json
  for p in $(repohealth affected --base origin/main); do cargo test -p \"$p\"; done

The range is base...head: from the merge base of the two to head. A base that cannot be
resolved marks every package affected (and says why on stderr).
Output lists `affected` (changed packages and their dependents); --direct-only lists only the
changed ones. Reasons are in the JSON: \"changed: crates/a/src/lib.rs\", \"normal dependency
of b\", \"global file: rust-toolchain.toml\", \"lockfile: ...\".";

const GRAPH_EXAMPLES: &str = "\
Examples:
  repohealth graph                              dot, for `dot -Tsvg`
  repohealth graph --format mermaid             paste into a markdown file
  repohealth graph --rev v1.0 --format json     nodes and typed edges";

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AffectedFormat {
    /// One package name per line (or path, with --paths).
    Plain,
    /// changed, affected (name, path, ecosystem, reason), removed, ignored, global, unowned.
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// Follow every dependency edge (what Nx, Turborepo and pnpm do).
    AllEdges,
    /// A dev-dependency marks its dependent but propagation stops there (cargo-guppy's determinator).
    DevOneHop,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum UnownedArg {
    /// List files outside every package under `unowned`.
    Report,
    /// A file outside every package affects every package.
    All,
    /// Files outside every package affect nothing.
    Ignore,
}

#[derive(Args, Debug)]
pub struct AffectedArgs {
    /// Any path inside the repository.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The revision the change is compared with (typically origin/main).
    #[arg(long, value_name = "REV")]
    pub base: String,
    /// The revision with the change.
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub head: String,
    #[arg(long, value_enum, default_value = "all-edges")]
    pub mode: ModeArg,
    #[arg(long, value_enum, default_value = "report")]
    pub unowned: UnownedArg,
    /// Only the packages changed directly, not their dependents.
    #[arg(long)]
    pub direct_only: bool,
    /// Print package directories instead of names.
    #[arg(long)]
    pub paths: bool,
    #[arg(long, value_enum, default_value = "plain")]
    pub format: AffectedFormat,
    /// Write the output to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Configuration file [default: repohealth.toml at the work-tree root, if present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormatArg {
    Dot,
    Mermaid,
    Json,
}

#[derive(Args, Debug)]
pub struct GraphArgs {
    /// Any path inside the repository.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The revision to read manifests from.
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub rev: String,
    #[arg(long, value_enum, default_value = "dot")]
    pub format: GraphFormatArg,
    /// Write the output to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Configuration file [default: repohealth.toml at the work-tree root, if present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables for a terminal or a CI log (the default on a terminal).
    Table,
    /// The canonical form, documented in docs/schema.md (the default when piped).
    Json,
    /// Markdown, for a CI job summary or a wiki page.
    Markdown,
}

/// Options every command shares.
#[derive(Args, Debug, Clone)]
pub struct Shared {
    /// Output format [default: table on a terminal, json otherwise].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the output to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The trunk branch [default: repohealth.toml, else origin/HEAD, else main, master, trunk, develop].
    #[arg(long, value_name = "BRANCH")]
    pub trunk: Option<String>,
    /// Start of the window: 90d, 12w, 6m, 1y, 2024-01-31, an RFC 3339 time, @<unix>, or all [default: 90d].
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// End of the window, and the time branches are judged at; a date alone includes that day [default: now].
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// Configuration file [default: repohealth.toml at the work-tree root, if present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Threads for diffing [default: all cores].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// No progress messages on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct AnalyzeArgs {
    /// Any path inside a work tree, a bare repository or a linked worktree.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    #[command(flatten)]
    pub shared: Shared,
    /// CI gate: exit 1 when the model's score is below SCORE (0-100). The report is still written.
    #[arg(long, value_name = "SCORE")]
    pub fail_under: Option<f64>,
    /// The model the gate checks [default: the detected model].
    #[arg(long, value_enum, requires = "fail_under")]
    pub model: Option<ModelArg>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModelArg {
    TrunkBased,
    GithubFlow,
    Gitflow,
}

impl ModelArg {
    fn id(self) -> &'static str {
        match self {
            ModelArg::TrunkBased => "trunk_based",
            ModelArg::GithubFlow => "github_flow",
            ModelArg::Gitflow => "gitflow",
        }
    }
}

/// Run the parsed command; returns the process exit code.
pub fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Analyze(args) => analyze(args),
        Command::Affected(args) => affected(args),
        Command::Graph(args) => graph(args),
    }
}

fn setup_threads(n: Option<usize>) -> Result<()> {
    if let Some(n) = n {
        if !(1..=256).contains(&n) {
            return Err(user(
                exit::USAGE,
                format!("--threads takes 1 to 256, not {n}"),
            ));
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .map_err(|e| anyhow::anyhow!("setting up {n} threads: {e}"))?;
    }
    Ok(())
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Load configuration: `--config`, else `repohealth.toml` at the work-tree root.
pub fn load_config(shared: &Shared, path: &std::path::Path) -> Result<Config> {
    let root = crate::git::Repo::open(path)
        .ok()
        .and_then(|r| r.facts().ok())
        .filter(|f| !f.bare)
        .map(|f| f.path);
    Config::load(shared.config.as_deref(), root.as_deref())
}

/// Resolve the window from flags, then config, then the 90-day default.
pub fn window(shared: &Shared, config: &Config) -> Result<(Option<i64>, i64)> {
    let now = now();
    let until = match &shared.until {
        Some(u) if u.trim().eq_ignore_ascii_case("all") => {
            return Err(user(
                exit::USAGE,
                "--until takes a time; `all` is only for --since",
            ))
        }
        // A date alone means the whole day: `--until 2024-06-30` includes June 30.
        Some(u) if chrono::NaiveDate::parse_from_str(u.trim(), "%Y-%m-%d").is_ok() => {
            parse_when(u, now)?.unwrap_or(now) + 86_399
        }
        Some(u) => parse_when(u, now)?.unwrap_or(now),
        None => now,
    };
    let since_text = shared
        .since
        .clone()
        .or_else(|| config.since.clone())
        .unwrap_or_else(|| "90d".to_owned());
    let since = parse_when(&since_text, until)?;
    if let Some(s) = since {
        if s > until {
            return Err(user(
                exit::USAGE,
                format!("--since ({since_text}) is after --until"),
            ));
        }
    }
    Ok((since, until))
}

fn analyze(args: AnalyzeArgs) -> Result<i32> {
    if let Some(t) = args.fail_under {
        if !(0.0..=100.0).contains(&t) {
            return Err(user(
                exit::USAGE,
                format!("--fail-under takes a score from 0 to 100, not {t}"),
            ));
        }
    }
    setup_threads(args.shared.threads)?;
    let config = load_config(&args.shared, &args.path)?;
    let (since, until) = window(&args.shared, &config)?;
    let opts = Options {
        path: args.path.clone(),
        trunk: args.shared.trunk.clone(),
        since,
        until,
        until_explicit: args.shared.until.is_some(),
        config,
        quiet: args.shared.quiet,
    };
    let a = analysis::analyze(&opts)?;
    let text = match pick_format(&args.shared) {
        Format::Json => render::json(&a)?,
        Format::Table => render::table(&a),
        Format::Markdown => render::markdown(&a),
    };
    emit(&args.shared, &text)?;
    match args.fail_under {
        Some(threshold) => gate(&a, threshold, args.model),
        None => Ok(exit::OK),
    }
}

/// `--fail-under`: compare the chosen model's score with the threshold. A missing score (no
/// evidence) fails the gate: a gate that cannot see must not pass.
fn gate(a: &crate::analysis::Analysis, threshold: f64, model: Option<ModelArg>) -> Result<i32> {
    let id = model
        .map(ModelArg::id)
        .unwrap_or(a.scoring.detected_model.map_or("unknown", |m| m.id()));
    let score = a.scoring.scores.get(id).and_then(|c| c.score);
    match score {
        Some(s) if s >= threshold => {
            eprintln!("repohealth: {id} score {s:.1} >= {threshold}: gate passed");
            Ok(exit::OK)
        }
        Some(s) => {
            eprintln!("repohealth: {id} score {s:.1} < {threshold}: gate failed");
            Ok(exit::GATE_FAILED)
        }
        None if id == "unknown" => {
            eprintln!("repohealth: no model detected (no landed changes in the window) and no --model: gate failed");
            Ok(exit::GATE_FAILED)
        }
        None => {
            eprintln!("repohealth: no {id} score (not enough evidence in the window): gate failed");
            Ok(exit::GATE_FAILED)
        }
    }
}

pub fn pick_format(shared: &Shared) -> Format {
    shared.format.unwrap_or(
        if shared.output.is_none() && std::io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Json
        },
    )
}

/// Write to `--output` or stdout. A closed pipe (`| head`) is not an error.
pub fn emit(shared: &Shared, text: &str) -> Result<()> {
    match &shared.output {
        Some(p) => std::fs::write(p, text)
            .map_err(|e| user(exit::OUTPUT, format!("cannot write {}: {e}", p.display()))),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(user(
                    exit::OUTPUT,
                    format!("cannot write to standard output: {e}"),
                )),
            }
        }
    }
}

fn write_out(output: &Option<PathBuf>, text: &str) -> Result<()> {
    let shared = Shared {
        format: None,
        output: output.clone(),
        trunk: None,
        since: None,
        until: None,
        config: None,
        threads: None,
        quiet: true,
    };
    emit(&shared, text)
}

/// The `[monorepo]` configuration of an open repository.
fn monorepo_config_for(
    config: &Option<PathBuf>,
    repo: &crate::git::Repo,
) -> Result<crate::monorepo::Config> {
    let root = repo.facts().ok().filter(|f| !f.bare).map(|f| f.path);
    crate::analysis::monorepo_config(&Config::load(config.as_deref(), root.as_deref())?)
}

fn affected(args: AffectedArgs) -> Result<i32> {
    use crate::monorepo::{AffectedOptions, ClosureMode, UnownedMode};
    let repo = crate::git::Repo::open(&args.path)?;
    let cfg = monorepo_config_for(&args.config, &repo)?;
    let opts = AffectedOptions {
        mode: match args.mode {
            ModeArg::AllEdges => ClosureMode::AllEdges,
            ModeArg::DevOneHop => ClosureMode::DevOneHop,
        },
        unowned: match args.unowned {
            UnownedArg::Report => UnownedMode::Report,
            UnownedArg::All => UnownedMode::All,
            UnownedArg::Ignore => UnownedMode::Ignore,
        },
        direct_only: args.direct_only,
    };
    let report = crate::packages::affected_range(&repo, &args.base, &args.head, &cfg, &opts)?;
    for w in &report.result.warnings {
        eprintln!("repohealth: warning: {w}");
    }
    let text = match args.format {
        AffectedFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
        AffectedFormat::Plain => {
            let list = if args.direct_only {
                &report.result.changed
            } else {
                &report.result.affected
            };
            let mut out = String::new();
            for p in list {
                out.push_str(if args.paths { &p.path } else { &p.name });
                out.push('\n');
            }
            out
        }
    };
    write_out(&args.output, &text)?;
    Ok(exit::OK)
}

fn graph(args: GraphArgs) -> Result<i32> {
    use crate::monorepo::GraphFormat;
    let repo = crate::git::Repo::open(&args.path)?;
    let cfg = monorepo_config_for(&args.config, &repo)?;
    let ws = crate::packages::workspace_at(&repo, &args.rev, &cfg)?;
    for d in &ws.diagnostics {
        eprintln!("repohealth: warning: {d}");
    }
    let format = match args.format {
        GraphFormatArg::Dot => GraphFormat::Dot,
        GraphFormatArg::Mermaid => GraphFormat::Mermaid,
        GraphFormatArg::Json => GraphFormat::Json,
    };
    let mut text = crate::monorepo::render_graph(&ws, format);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    write_out(&args.output, &text)?;
    Ok(exit::OK)
}
