//! The command line (clap, derive). Every flag is defined once, with its help text: the
//! options every command shares here, each command's own in its file (`analyze.rs`,
//! `affected.rs`, `graph.rs`).

mod affected;
mod analyze;
mod audit;
mod cache;
mod completions;
mod graph;
mod report;

pub use affected::{AffectedArgs, AffectedFormat, ModeArg, UnownedArg};
pub use analyze::{AnalyzeArgs, ModelArg};
pub use audit::AuditArgs;
pub use graph::{GraphArgs, GraphFormatArg};

use crate::config::{parse_when_checked as parse_when, Config, ConfigError, WhenError};
use crate::error::exit;
use crate::git::GitError;
use crate::output::OutputError;
use crate::pipeline::OpenError;
use analyze::EXAMPLES;
use anyhow::Result;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;

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
    #[command(after_help = affected::EXAMPLES)]
    Affected(AffectedArgs),
    /// The package dependency graph at a revision (dot, mermaid or json).
    #[command(after_help = graph::EXAMPLES)]
    Graph(GraphArgs),
    /// The trend of the last complete weeks (or days, months), per team and package.
    #[command(after_help = report::EXAMPLES)]
    Report(report::ReportArgs),
    /// Shell completions (bash, zsh, fish, elvish, powershell), generated from the options.
    #[command(after_help = completions::COMPLETIONS_EXAMPLES)]
    Completions(completions::CompletionsArgs),
    /// The man page (roff), generated from the options.
    #[command(after_help = completions::MAN_EXAMPLES)]
    Man,
    /// The pre-migration audit across repositories: dependencies, coordinated changes, teams, verdict.
    #[command(after_help = audit::EXAMPLES)]
    Audit(AuditArgs),
    /// The on-disk cache of diff stats: where it is, what it holds, clearing it.
    #[command(after_help = cache::EXAMPLES)]
    Cache(cache::CacheArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables for a terminal or a CI log (the default on a terminal).
    Table,
    /// The canonical form, documented in docs/schema.md (the default when piped).
    Json,
    /// Markdown, for a CI job summary or a wiki page.
    Markdown,
    /// One self-contained HTML file: inline SVG charts, no script, no external reference.
    Html,
    /// One landed change per line, with the repository name and schema version (docs/at-scale.md).
    Ndjson,
}

/// Where and how a command writes its output.
#[derive(Args, Debug, Clone, Default)]
pub struct OutputArgs {
    /// Output format [default: table on a terminal, json otherwise].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the output to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// How a command reads a repository.
#[derive(Args, Debug, Clone, Default)]
pub struct ReadArgs {
    /// The trunk branch [default: repohealth.toml, else origin/HEAD, else main, master, trunk, develop].
    #[arg(long, value_name = "BRANCH")]
    pub trunk: Option<String>,
    /// Configuration file [default: repohealth.toml at the work-tree root, if present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Threads for walking the history and diffing [default: all cores].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// No progress messages on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Options every command over a window of history shares.
#[derive(Args, Debug, Clone)]
pub struct Shared {
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Start of the window: 90d, 12w, 6m, 1y, 2024-01-31, an RFC 3339 time, @<unix>, or all [default: 90d].
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// End of the window, and the time branches are judged at; a date alone includes that day [default: now].
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    #[command(flatten)]
    pub cache: CacheOpts,
}

/// Where the cache of what a run read (graph, commits, diff stats, re-merges, packages) lives.
#[derive(Args, Debug, Clone)]
pub struct CacheOpts {
    /// Neither read nor write the cache (docs/benchmarks.md, "Cache").
    #[arg(long, conflicts_with = "cache_dir")]
    pub no_cache: bool,
    /// The cache directory [default: $XDG_CACHE_HOME/repohealth, else ~/.cache/repohealth].
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
}

impl CacheOpts {
    /// `--no-cache` / `--cache-dir` as a setting.
    pub fn setting(&self) -> crate::cache::CacheSetting {
        use crate::cache::CacheSetting;
        match (&self.cache_dir, self.no_cache) {
            (_, true) => CacheSetting::Off,
            (Some(d), false) => CacheSetting::Dir(d.clone()),
            (None, false) => CacheSetting::Default,
        }
    }
}

/// Errors of the command line itself: a value out of range or out of order.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("--threads takes 1 to 256, not {0}")]
    Threads(usize),
    #[error("--fail-under takes a score from 0 to 100, not {0}")]
    FailUnder(f64),
    #[error("--until takes a time; `all` is only for --since")]
    UntilAll,
    #[error("--since ({0}) is after --until")]
    SinceAfterUntil(String),
    #[error("--last takes 1 to 520, not {0}")]
    Last(usize),
    #[error("--baseline takes 0 to 520, not {0}")]
    Baseline(usize),
    /// `--tz` names no IANA zone (the message says which).
    #[error("{0}")]
    TimeZone(String),
    #[error("no period to report")]
    NoPeriod,
    #[error("--author-window takes 1 to 744 hours, not {0}")]
    AuthorWindow(u32),
    #[error("audit writes table, json or markdown, not {0}")]
    AuditFormat(String),
    #[error("no cache directory: neither XDG_CACHE_HOME nor HOME is set; pass --cache-dir DIR")]
    NoCacheDir,
}

/// The exit code of an error (README, "Exit codes"), decided here and only here: the first
/// error of a known type in the chain decides; anything else is an internal error.
pub fn exit_code(err: &anyhow::Error) -> i32 {
    for cause in err.chain() {
        if let Some(code) = code_of(cause) {
            return code;
        }
    }
    exit::INTERNAL
}

fn code_of(e: &(dyn std::error::Error + 'static)) -> Option<i32> {
    if e.is::<CliError>() || e.is::<WhenError>() {
        return Some(exit::USAGE);
    }
    if let Some(e) = e.downcast_ref::<GitError>() {
        return Some(match e {
            GitError::NoSuchPath { .. } | GitError::NotARepo { .. } => exit::NOT_A_REPO,
            GitError::UnknownRevision { .. } | GitError::NotACommit { .. } => exit::NO_HISTORY,
            _ => exit::CORRUPT,
        });
    }
    if let Some(e) = e.downcast_ref::<OpenError>() {
        return Some(match e {
            OpenError::BrokenHeadBranch { .. } => exit::CORRUPT,
            _ => exit::NO_HISTORY,
        });
    }
    if e.is::<ConfigError>() {
        return Some(exit::BAD_CONFIG);
    }
    if e.is::<OutputError>() {
        return Some(exit::OUTPUT);
    }
    if e.is::<crate::audit::collect::AuditError>() {
        return Some(exit::USAGE);
    }
    e.downcast_ref::<crate::cache::CacheError>()
        .map(|c| match c {
            crate::cache::CacheError::InsideRepository(_) => exit::USAGE,
            crate::cache::CacheError::Remove { .. } => exit::OUTPUT,
        })
}

/// Run the parsed command; returns the process exit code.
pub fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Analyze(args) => analyze::run(args),
        Command::Affected(args) => affected::run(args),
        Command::Graph(args) => graph::run(args),
        Command::Report(args) => report::run(args),
        Command::Completions(args) => completions::completions(args),
        Command::Man => completions::man(),
        Command::Audit(args) => audit::run(args),
        Command::Cache(args) => cache::run(args),
    }
}

fn setup_threads(n: Option<usize>) -> Result<()> {
    if let Some(n) = n {
        if !(1..=256).contains(&n) {
            return Err(CliError::Threads(n).into());
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
pub fn load_config(read: &ReadArgs, path: &std::path::Path) -> Result<Config> {
    let root = crate::git::Repo::open(path)
        .ok()
        .and_then(|r| r.facts().ok())
        .filter(|f| !f.bare)
        .map(|f| f.path);
    Config::load(read.config.as_deref(), root.as_deref())
}

/// `--until`: a time, a date alone meaning the whole day; now when absent.
pub fn until_time(until: Option<&str>) -> Result<i64> {
    let now = now();
    Ok(match until {
        Some(u) if u.trim().eq_ignore_ascii_case("all") => return Err(CliError::UntilAll.into()),
        // A date alone means the whole day: `--until 2024-06-30` includes June 30.
        Some(u) if chrono::NaiveDate::parse_from_str(u.trim(), "%Y-%m-%d").is_ok() => {
            parse_when(u, now)?.unwrap_or(now) + 86_399
        }
        Some(u) => parse_when(u, now)?.unwrap_or(now),
        None => now,
    })
}

/// Resolve the window from flags, then config, then the 90-day default.
pub fn window(shared: &Shared, config: &Config) -> Result<(Option<i64>, i64)> {
    let until = until_time(shared.until.as_deref())?;
    let since_text = shared
        .since
        .clone()
        .or_else(|| config.since.clone())
        .unwrap_or_else(|| "90d".to_owned());
    let since = parse_when(&since_text, until)?;
    if let Some(s) = since {
        if s > until {
            return Err(CliError::SinceAfterUntil(since_text).into());
        }
    }
    Ok((since, until))
}

/// Columns the table view fits: `COLUMNS` when set, else the terminal's width when writing
/// to one, else 100; never more than 100.
pub fn table_columns(out: &OutputArgs) -> usize {
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0);
    let terminal = match terminal_size::terminal_size() {
        Some((terminal_size::Width(w), _)) if out.output.is_none() => Some(usize::from(w)),
        _ => None,
    };
    columns
        .or(terminal)
        .unwrap_or(crate::render::DEFAULT_WIDTH)
        .min(crate::render::DEFAULT_WIDTH)
}

pub fn pick_format(out: &OutputArgs) -> Format {
    out.format
        .unwrap_or(if out.output.is_none() && std::io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Json
        })
}

/// Write to `--output` or stdout (see [`crate::output`]).
pub fn emit(out: &OutputArgs, text: &str) -> Result<()> {
    crate::output::write(out.output.as_deref(), text)
}

/// Write to standard output (a closed pipe is not an error).
fn emit_text(text: &str) -> Result<()> {
    emit(&OutputArgs::default(), text)
}

/// Write to `--output` or stdout, for commands whose format is their own.
fn write_out(output: &Option<PathBuf>, text: &str) -> Result<()> {
    crate::output::write(output.as_deref(), text)
}

/// The `[monorepo]` configuration of an open repository.
fn monorepo_config_for(
    config: &Option<PathBuf>,
    repo: &crate::git::Repo,
) -> Result<crate::monorepo::Config> {
    let root = repo.facts().ok().filter(|f| !f.bare).map(|f| f.path);
    crate::pipeline::monorepo_config(&Config::load(config.as_deref(), root.as_deref())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each stage's error type maps to its documented code, through any added context.
    #[test]
    fn exit_codes_come_from_the_error_types() {
        let code = |e: anyhow::Error| exit_code(&e.context("while testing"));
        assert_eq!(code(CliError::Threads(0).into()), exit::USAGE);
        use crate::cache::CacheError;
        assert_eq!(
            code(CacheError::InsideRepository("inside".into()).into()),
            exit::USAGE
        );
        assert_eq!(
            code(
                CacheError::Remove {
                    path: PathBuf::from("/c/diffs-1.bin"),
                    reason: "read-only".into()
                }
                .into()
            ),
            exit::OUTPUT
        );
        assert_eq!(
            code(
                crate::audit::collect::AuditError::SameName {
                    name: "web".into(),
                    first: PathBuf::from("/a/web"),
                    second: PathBuf::from("/b/web")
                }
                .into()
            ),
            exit::USAGE
        );
        assert_eq!(
            code(
                GitError::Blob {
                    id: crate::model::Oid([1; 20]),
                    reason: "inflate".into()
                }
                .into()
            ),
            exit::CORRUPT
        );
        assert_eq!(
            code(WhenError::Unreadable("soon".into()).into()),
            exit::USAGE
        );
        let path = PathBuf::from("/nowhere");
        assert_eq!(
            code(GitError::NoSuchPath { path: path.clone() }.into()),
            exit::NOT_A_REPO
        );
        assert_eq!(
            code(
                GitError::UnknownRevision {
                    spec: "v9".into(),
                    reason: "not found".into()
                }
                .into()
            ),
            exit::NO_HISTORY
        );
        assert_eq!(
            code(
                GitError::MissingCommit {
                    id: crate::model::Oid([7; 20]),
                    reason: "gone".into()
                }
                .into()
            ),
            exit::CORRUPT
        );
        assert_eq!(
            code(
                OpenError::NoTrunk {
                    branches: "none".into()
                }
                .into()
            ),
            exit::NO_HISTORY
        );
        assert_eq!(
            code(
                OpenError::BrokenHeadBranch {
                    broken: "refs/heads/main (missing)".into()
                }
                .into()
            ),
            exit::CORRUPT
        );
        assert_eq!(
            code(ConfigError::Invalid("r.toml:1: bad".into()).into()),
            exit::BAD_CONFIG
        );
        assert_eq!(code(CliError::NoPeriod.into()), exit::USAGE);
        assert_eq!(code(OutputError::StdoutClosed.into()), exit::OUTPUT);
        assert_eq!(code(anyhow::anyhow!("a bug")), exit::INTERNAL);
    }
}
