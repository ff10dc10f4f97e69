//! `repohealth cache info|clear`: the on-disk cache of diff stats.

use super::CliError;
use crate::cache::{self, CacheSetting};
use crate::error::exit;
use anyhow::Result;
use clap::{Args, Subcommand};
use std::path::PathBuf;

pub(super) const EXAMPLES: &str = "\
Examples:
  repohealth cache info                     where the cache is and what it holds
  repohealth cache clear                    remove every cached repository
  repohealth cache info --cache-dir /tmp/rh the cache under another directory

The cache keeps each landed change's diff stats, so a re-run over the same history reads no
blob. It is never inside a repository; a damaged file is ignored and rebuilt. analyze takes
--no-cache and --cache-dir DIR.";

#[derive(Args, Debug)]
pub struct CacheArgs {
    #[command(subcommand)]
    pub action: CacheAction,
    /// The cache directory [default: $XDG_CACHE_HOME/repohealth, else ~/.cache/repohealth].
    #[arg(long, value_name = "DIR", global = true)]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum CacheAction {
    /// The cache directory, and each cached repository with its size.
    Info,
    /// Remove every cached repository.
    Clear,
}

pub(super) fn run(args: CacheArgs) -> Result<i32> {
    let setting = match args.cache_dir {
        Some(d) => CacheSetting::Dir(d),
        None => CacheSetting::Default,
    };
    let root = cache::root(&setting).ok_or(CliError::NoCacheDir)?;
    match args.action {
        CacheAction::Info => {
            let entries = cache::entries(&root)?;
            let total: u64 = entries.iter().map(|e| e.bytes).sum();
            println!("cache directory: {}", root.display());
            println!("format version:  {}", cache::FORMAT_VERSION);
            println!("repositories:    {} ({} bytes)", entries.len(), total);
            for e in entries {
                println!(
                    "  {}  {} files, {} bytes  ({})",
                    e.repository,
                    e.files,
                    e.bytes,
                    e.dir.display()
                );
            }
        }
        CacheAction::Clear => {
            let n = cache::clear(&root)?;
            println!("removed {n} cached repositories from {}", root.display());
        }
    }
    Ok(exit::OK)
}
