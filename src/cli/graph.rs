//! `repohealth graph`: the package dependency graph at a revision.

use super::{monorepo_config_for, write_out};
use crate::error::exit;
use anyhow::Result;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

pub(super) const EXAMPLES: &str = "\
Examples:
  repohealth graph                              dot, for `dot -Tsvg`
  repohealth graph --format mermaid             paste into a markdown file
  repohealth graph --rev v1.0 --format json     nodes and typed edges";

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

pub(super) fn run(args: GraphArgs) -> Result<i32> {
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
