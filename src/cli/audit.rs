//! `repohealth audit [NAME=]PATH...`: the arguments and the run.

use super::{CliError, Format, Shared};
use crate::audit::collect::{self, Request, Target};
use crate::audit::AuditOptions;
use crate::error::exit;
use anyhow::Result;
use clap::Args;

pub const EXAMPLES: &str = "\
Examples:
  repohealth audit ../api ../web ../shared-lib       three repositories, last 90 days
  repohealth audit api=../api web=../web --since 1y --format json
  repohealth audit ~/src/monorepo --format markdown  one monorepo: the reverse questions
  repohealth audit a=/srv/git/a.git b=/srv/git/b.git --author-window 12

Names default to the origin remote's repository name, else the directory name; two equal
names are an error (exit 2): name them with NAME=PATH. Each repository is analysed as
`analyze` does. The JSON is documented in docs/audit.md and docs/audit.schema.json.";

#[derive(Args, Debug)]
pub struct AuditArgs {
    /// Repositories to audit: PATH or NAME=PATH (one path: a monorepo, audited in reverse).
    #[arg(required = true, value_name = "[NAME=]PATH")]
    pub repositories: Vec<String>,
    #[command(flatten)]
    pub shared: Shared,
    /// Hours within which one author landing in two repositories ties the landings (the
    /// weakest evidence, reported apart).
    #[arg(long, value_name = "HOURS", default_value_t = 24)]
    pub author_window: u32,
}

pub fn run(args: AuditArgs) -> Result<i32> {
    if let Some(f @ (Format::Html | Format::Ndjson)) = args.shared.out.format {
        return Err(CliError::AuditFormat(format!("{f:?}").to_lowercase()).into());
    }
    super::setup_threads(args.shared.read.threads)?;
    if args.author_window == 0 || args.author_window > 24 * 31 {
        return Err(CliError::AuthorWindow(args.author_window).into());
    }
    let targets: Vec<Target> = args.repositories.iter().map(|a| Target::parse(a)).collect();
    let names = collect::names(&targets)?;
    let config = super::load_config(&args.shared.read, &targets[0].path)?;
    let (since, until) = super::window(&args.shared, &config)?;
    let req = Request {
        since,
        until,
        until_explicit: args.shared.until.is_some(),
        config: args.shared.read.config.clone(),
        trunk: args.shared.read.trunk.clone(),
        quiet: args.shared.read.quiet || !std::io::IsTerminal::is_terminal(&std::io::stderr()),
        cache: args.shared.cache.setting(),
    };
    let opts = AuditOptions {
        author_window_seconds: i64::from(args.author_window) * 3600,
        ..AuditOptions::default()
    };
    let c = collect::collect(&targets, &names, &req, &opts)?;
    let report = crate::audit::assemble(
        &c.inputs,
        c.change_sets,
        c.author_window_sets,
        crate::pipeline::Window { since, until },
        opts,
    );
    let text = match super::pick_format(&args.shared.out) {
        Format::Json => serde_json::to_string_pretty(&report)? + "\n",
        Format::Table => crate::audit::render::table(&report),
        Format::Markdown => crate::audit::render::markdown(&report),
        f @ (Format::Html | Format::Ndjson) => {
            return Err(CliError::AuditFormat(format!("{f:?}").to_lowercase()).into())
        }
    };
    super::emit(&args.shared.out, &text)?;
    Ok(exit::OK)
}
