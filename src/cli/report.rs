//! `repohealth report`: the trend of the last complete periods, per team and package.

use super::{emit, load_config, setup_threads, until_time, CliError, Format, OutputArgs, ReadArgs};
use crate::config::ConfigError;
use crate::error::exit;
use crate::model::{Change, Oid};
use crate::pipeline::{self, Options};
use crate::report::owners::{Owners, CODEOWNERS_PATHS};
use crate::report::periods::{self, PeriodKind};
use crate::report::{self, Plan};
use anyhow::Result;
use clap::{Args, ValueEnum};
use std::collections::HashMap;
use std::path::PathBuf;

pub const EXAMPLES: &str = "\
Examples:
  repohealth report                               the last 8 complete ISO weeks (UTC)
  repohealth report --format markdown >> \"$GITHUB_STEP_SUMMARY\"
  repohealth report --format html -o weekly.html  one self-contained HTML file
  repohealth report --period month --last 6 --tz Europe/Berlin
  repohealth report --until 2024-06-30 --format json   the 8 weeks ending on that Sunday
  repohealth report --by author                   add a per-author breakdown

Each period is compared with the one before and with the mean of the --baseline periods
before it; percentiles and shares need --min-sample changes on both sides, else the report
says \"not enough data\". Teams come from repohealth.toml [teams], else CODEOWNERS
(.github/, the root, docs/ or .gitlab/) at the trunk's tip. Exit codes as for analyze.";

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PeriodArg {
    Day,
    Week,
    Month,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ByArg {
    /// A per-author breakdown (the default report names no one).
    Author,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Any path inside a work tree, a bare repository or a linked worktree.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The length of a period: ISO weeks start on Monday 00:00.
    #[arg(long, value_enum, default_value = "week")]
    pub period: PeriodArg,
    /// How many complete periods to report.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub last: usize,
    /// How many periods before each one form its baseline.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub baseline: usize,
    /// The report ends with the last complete period at or before WHEN; a date alone includes
    /// that day [default: the end of the last complete period before now].
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// The IANA time zone periods start in (e.g. Europe/Berlin).
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    pub tz: String,
    /// Percentiles and shares are compared only on at least N changes on both sides.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub min_sample: usize,
    /// The repository's name in `--format ndjson` lines [default: origin's name, else the directory's].
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Add a breakdown by author.
    #[arg(long, value_enum)]
    pub by: Option<ByArg>,
    /// Merge every merge commit's parents (and every squash's trunk parent and PR head) again,
    /// in memory, like git's default merge: re-merged and conflicted changes per period.
    #[arg(long)]
    pub remerge: bool,
    /// Stop starting re-merges after SECONDS; the rest are reported as skipped [default: 600].
    #[arg(long, value_name = "SECONDS", requires = "remerge")]
    pub remerge_budget: Option<u64>,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub cache: super::CacheOpts,
}

/// The periods a report covers: their kind and zone, and every span (baseline first, the
/// shown ones last).
struct Periods {
    kind: PeriodKind,
    spans: Vec<periods::Span>,
}

pub fn run(args: ReportArgs) -> Result<i32> {
    let periods = periods(&args)?;
    setup_threads(args.read.threads)?;
    let config = load_config(&args.read, &args.path)?;
    let (Some(first), Some(last)) = (periods.spans.first(), periods.spans.last()) else {
        return Err(CliError::NoPeriod.into());
    };
    let opts = Options {
        path: args.path.clone(),
        trunk: args.read.trunk.clone(),
        since: Some(first.start),
        until: last.end - 1,
        until_explicit: true,
        config: config.clone(),
        quiet: args.read.quiet,
        remerge: args.remerge.then(|| {
            std::time::Duration::from_secs(
                args.remerge_budget
                    .unwrap_or(pipeline::DEFAULT_REMERGE_BUDGET_SECS),
            )
        }),
        cache: args.cache.setting(),
    };
    let score_cfg = crate::score::ScoreConfig::from_table(config.score.clone())
        .map_err(|e| ConfigError::Invalid(format!("{e:#}")))?;
    // The stages of `analyze`, once over the whole span.
    let progress = pipeline::Progress::new(args.read.quiet);
    let open = pipeline::open_history(&opts, &progress)?;
    let landings = pipeline::classify_landings(&open, &opts, &progress)?;
    let mut measured = pipeline::measure_landings(&open, landings, &opts.config, &progress)?;
    pipeline::remerge_landings(&open, &mut measured, &opts, &progress)?;
    let inventory = pipeline::inventory_branches(&open, opts.until, &progress)?;
    let monorepo =
        pipeline::audit_packages(&open, &mut measured, &inventory, &opts.config, &progress)?;
    let scoring = pipeline::score_models(&open, &measured, &inventory, &opts, &progress)?;
    let shown = &periods.spans[periods.spans.len() - args.last..];
    let cards = match (shown.first(), shown.last()) {
        (Some(f), Some(l)) => Some((
            period_cards(&open, &measured, &inventory, &opts, f)?,
            period_cards(&open, &measured, &inventory, &opts, l)?,
        )),
        _ => None,
    };
    let (teams, mut warnings) = teams(&config, &open, &measured)?;
    let origin = open.ctx.repo.origin_url();
    let a = pipeline::assemble(open, &opts, measured, inventory, scoring, monorepo);
    let plan = Plan {
        spec: report::PeriodSpec {
            kind: periods.kind,
            tz: args.tz.clone(),
            last: args.last,
            baseline: args.baseline,
            min_sample: args.min_sample,
        },
        spans: &periods.spans,
        score_cfg: &score_cfg,
        bots: &config.bots,
        teams,
        by_author: args.by == Some(ByArg::Author),
        top: 3,
        cards,
    };
    let mut r = report::build(&a, &plan);
    r.warnings.append(&mut warnings);
    let text = render(&args, &r, &a, shown, origin.as_deref())?;
    emit(&args.out, &text)?;
    Ok(exit::OK)
}

/// The spans to report from `--period`, `--last`, `--baseline`, `--tz` and `--until`.
fn periods(args: &ReportArgs) -> Result<Periods> {
    if !(1..=520).contains(&args.last) {
        return Err(CliError::Last(args.last).into());
    }
    if args.baseline > 520 {
        return Err(CliError::Baseline(args.baseline).into());
    }
    let tz = periods::parse_tz(&args.tz).map_err(CliError::TimeZone)?;
    let kind = match args.period {
        PeriodArg::Day => PeriodKind::Day,
        PeriodArg::Week => PeriodKind::Week,
        PeriodArg::Month => PeriodKind::Month,
    };
    let until = match &args.until {
        Some(u) => until_time(Some(u))?,
        None => periods::current_period_start(kind, &tz, chrono::Utc::now().timestamp()) - 1,
    };
    let spans = periods::complete_periods(kind, &tz, until, args.last + args.baseline);
    Ok(Periods { kind, spans })
}

/// The report in the chosen format; ndjson lists the shown periods' changes.
fn render(
    args: &ReportArgs,
    r: &report::Report,
    a: &pipeline::Analysis,
    shown: &[periods::Span],
    origin: Option<&str>,
) -> Result<String> {
    Ok(match super::pick_format(&args.out) {
        Format::Json => serde_json::to_string_pretty(r)? + "\n",
        Format::Table => report::render::table(r),
        Format::Markdown => report::render::markdown(r),
        Format::Html => report::render::html(r),
        Format::Ndjson => {
            let name =
                crate::render::ndjson::repository_name(args.name.as_deref(), origin, &args.path);
            let period_of = |c: &Change| {
                shown
                    .iter()
                    .find(|s| c.landed_at >= s.start && c.landed_at < s.end)
                    .map(|s| (s.label.clone(), s.start))
            };
            let in_shown: Vec<&Change> = a
                .changes
                .iter()
                .filter(|c| period_of(c).is_some())
                .collect();
            crate::render::ndjson::lines(&name, &a.repository.trunk, in_shown, &period_of)?
        }
    })
}

/// The scoring stage on one period's changes, with the period as the window and the
/// branches open at its end.
fn period_cards(
    open: &pipeline::OpenHistory,
    measured: &pipeline::Measured,
    inventory: &pipeline::Inventory,
    opts: &Options,
    span: &periods::Span,
) -> Result<report::Cards> {
    let changes: Vec<Change> = measured
        .changes
        .iter()
        .filter(|c| c.landed_at >= span.start && c.landed_at < span.end)
        .cloned()
        .collect();
    // With --remerge, the period's cards score its conflict rate too.
    let remerge = measured
        .remerge
        .is_some()
        .then(|| crate::history::remerge::metrics(&changes));
    let sub = pipeline::Measured {
        metrics: crate::history::measure::metrics(&changes),
        changes,
        bases: Vec::new(),
        diffs: Vec::new(),
        remerge,
        warnings: Vec::new(),
        // A period's cards need no "last landing before the window": an empty week is shown
        // as such in the trend.
        last_landing: None,
    };
    let inv = pipeline::Inventory {
        branches: report::stats::branches_at(span.end, &measured.changes, &inventory.branches),
        tags: inventory.tags.clone(),
        ci_files: inventory.ci_files.clone(),
    };
    let o = Options {
        since: Some(span.start),
        until: span.end - 1,
        ..opts.clone()
    };
    let quiet = pipeline::Progress::new(true);
    Ok(pipeline::score_models(open, &sub, &inv, &o, &quiet)?.scores)
}

type Teams = Option<(String, HashMap<Oid, Vec<String>>)>;

/// Change -> owning teams: `[teams]` in the configuration, else the first CODEOWNERS file at
/// the trunk's tip; None when there is neither.
fn teams(
    config: &crate::config::Config,
    open: &pipeline::OpenHistory,
    measured: &pipeline::Measured,
) -> Result<(Teams, Vec<String>)> {
    let mut warnings = Vec::new();
    let (source, owners) = if !config.teams.is_empty() {
        let o = Owners::from_teams(&config.teams).map_err(ConfigError::Invalid)?;
        let file = config
            .source
            .as_deref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "repohealth.toml".to_owned());
        (format!("{file} [teams]"), o)
    } else {
        let repo = &open.ctx.repo;
        let tip = open.ctx.trunk.tip;
        let mut found = None;
        for p in CODEOWNERS_PATHS {
            if let Some(text) = repo.blob_at(tip, p)? {
                let (o, w) = Owners::parse_codeowners(&String::from_utf8_lossy(&text));
                warnings.extend(w.into_iter().map(|w| format!("{p}: {w}")));
                found = Some((p.to_string(), o));
                break;
            }
        }
        match found {
            Some(f) => f,
            None => return Ok((None, warnings)),
        }
    };
    let map = measured
        .changes
        .iter()
        .zip(&measured.diffs)
        .map(|(c, d)| {
            let paths: Vec<String> = d
                .files
                .iter()
                .map(|f| String::from_utf8_lossy(&f.path).into_owned())
                .collect();
            (
                c.commit,
                owners.owners_of_all(paths.iter().map(String::as_str)),
            )
        })
        .collect();
    Ok((Some((source, map)), warnings))
}
