//! `repohealth analyze`: the full report.

use super::{
    emit, load_config, pick_format, setup_threads, table_columns, window, CliError, Format, Shared,
};
use crate::error::exit;
use crate::pipeline::{self, Options};
use crate::render;
use anyhow::Result;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

pub(super) const EXAMPLES: &str = "\
Examples:
  repohealth analyze .                         the full report for this clone (last 90 days)
  repohealth analyze --since 6m --format json  six months, as JSON (the canonical form)
  repohealth analyze ~/src/app --trunk develop --format markdown --output report.md
  repohealth analyze --since all --until 2024-06-30
  repohealth analyze --fail-under 70 --model github-flow   a CI gate: exit 1 below 70
  repohealth analyze --remerge --since 1y      which merges conflict, by branch lifetime

Exit codes: 0 ok, 1 --fail-under gate failed, 2 bad command line, 3 not a repository,
4 nothing to analyse (empty repository, missing trunk or revision), 5 missing or corrupt
objects, 6 invalid configuration, 7 cannot write the output, 70 internal error.";

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
    /// The repository's name in `--format ndjson` lines [default: origin's name, else the directory's].
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Merge every merge commit's parents (and every squash's trunk parent and PR head) again,
    /// in memory, like git's default merge: conflict rate by branch lifetime and size, evil merges.
    #[arg(long)]
    pub remerge: bool,
    /// Stop starting re-merges after SECONDS; the rest are reported as skipped [default: 600].
    #[arg(long, value_name = "SECONDS", requires = "remerge")]
    pub remerge_budget: Option<u64>,
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

pub(super) fn run(args: AnalyzeArgs) -> Result<i32> {
    if let Some(t) = args.fail_under {
        if !(0.0..=100.0).contains(&t) {
            return Err(CliError::FailUnder(t).into());
        }
    }
    setup_threads(args.shared.read.threads)?;
    let config = load_config(&args.shared.read, &args.path)?;
    let (since, until) = window(&args.shared, &config)?;
    let opts = Options {
        path: args.path.clone(),
        trunk: args.shared.read.trunk.clone(),
        since,
        until,
        until_explicit: args.shared.until.is_some(),
        config,
        quiet: args.shared.read.quiet,
        remerge: args.remerge.then(|| {
            std::time::Duration::from_secs(
                args.remerge_budget
                    .unwrap_or(pipeline::DEFAULT_REMERGE_BUDGET_SECS),
            )
        }),
        cache: args.shared.cache.setting(),
    };
    let a = pipeline::run(&opts)?;
    let text = match pick_format(&args.shared.out) {
        Format::Json => render::json(&a)?,
        Format::Table => render::table_fit(&a, table_columns(&args.shared.out)),
        Format::Markdown => render::markdown(&a),
        Format::Html => render::html::analysis_page(&a),
        Format::Ndjson => {
            let origin = crate::git::Repo::open(&args.path)
                .ok()
                .and_then(|r| r.origin_url());
            let name = render::ndjson::repository_name(
                args.name.as_deref(),
                origin.as_deref(),
                &args.path,
            );
            render::ndjson::lines(&name, &a.repository.trunk, &a.changes, &|_| None)?
        }
    };
    emit(&args.shared.out, &text)?;
    match args.fail_under {
        Some(threshold) => gate(&a, threshold, args.model),
        None => Ok(exit::OK),
    }
}

/// `--fail-under`: compare the chosen model's score with the threshold. A missing score (no
/// evidence) fails the gate: a gate that cannot see must not pass.
fn gate(a: &pipeline::Analysis, threshold: f64, model: Option<ModelArg>) -> Result<i32> {
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
