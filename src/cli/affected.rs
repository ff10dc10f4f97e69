//! `repohealth affected`: the packages a range of commits affects.

use super::{monorepo_config_for, write_out};
use crate::error::exit;
use anyhow::Result;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

pub(super) const EXAMPLES: &str = "\
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

pub(super) fn run(args: AffectedArgs) -> Result<i32> {
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
                if args.paths {
                    out.push_str(&p.path);
                } else {
                    out.push_str(&report.result.label(p));
                }
                out.push('\n');
            }
            out
        }
    };
    write_out(&args.output, &text)?;
    Ok(exit::OK)
}
