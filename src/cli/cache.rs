//! `repohealth cache info|clear`: the on-disk cache (graph, commits, diffs, packages, re-merges).

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

The cache keeps, per repository, the commit graph, the commits read, each landed change's diff
stats and package audit, and the re-merges of --remerge: a re-run over the same history reads
no blob and decodes no commit. It is never inside a repository; a damaged file is ignored and
rebuilt. analyze, report and audit take --no-cache and --cache-dir DIR.";

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
            super::emit_text(&info_text(&root, &entries))?;
        }
        CacheAction::Clear => {
            let n = cache::clear(&root)?;
            super::emit_text(&format!(
                "removed {n} cached repositories from {}\n",
                root.display()
            ))?;
        }
    }
    Ok(exit::OK)
}

/// `cache info`: the directory, then each repository with its size and its size per kind.
fn info_text(root: &std::path::Path, entries: &[cache::RepoEntry]) -> String {
    use std::fmt::Write;
    let total: u64 = entries.iter().map(|e| e.bytes).sum();
    let mut out = String::new();
    let _ = writeln!(out, "cache directory: {}", root.display());
    let _ = writeln!(out, "format version:  {}", cache::FORMAT_VERSION);
    let _ = writeln!(out, "repositories:    {} ({})", entries.len(), size(total));
    for e in entries {
        let _ = writeln!(
            out,
            "  {}  {} files, {}  ({})",
            e.repository,
            e.files,
            size(e.bytes),
            e.dir.display()
        );
        let kinds: Vec<String> = e
            .kinds
            .iter()
            .map(|(k, b)| format!("{k} {}", size(*b)))
            .collect();
        if !kinds.is_empty() {
            let _ = writeln!(out, "    {}", kinds.join(", "));
        }
    }
    out
}

/// Bytes for a person: B, kB, MB (powers of 1000, one decimal from kB up).
fn size(bytes: u64) -> String {
    match bytes {
        b if b < 1000 => format!("{b} B"),
        b if b < 1_000_000 => format!("{:.1} kB", b as f64 / 1e3),
        b => format!("{:.1} MB", b as f64 / 1e6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_a_person_would() {
        assert_eq!(size(0), "0 B");
        assert_eq!(size(999), "999 B");
        assert_eq!(size(1_000), "1.0 kB");
        assert_eq!(size(10_300_000), "10.3 MB");
    }

    #[test]
    fn info_lists_each_kind_with_its_size() {
        let e = cache::RepoEntry {
            dir: "/c/0123".into(),
            repository: "/src/app/.git".into(),
            files: 3,
            bytes: 2_500,
            kinds: vec![("commits".into(), 2_000), ("diffs".into(), 500)],
        };
        let text = info_text(std::path::Path::new("/c"), &[e]);
        assert!(text.contains("repositories:    1 (2.5 kB)\n"), "{text}");
        assert!(
            text.contains("  /src/app/.git  3 files, 2.5 kB  (/c/0123)\n"),
            "{text}"
        );
        assert!(text.contains("    commits 2.0 kB, diffs 500 B\n"), "{text}");
    }
}
