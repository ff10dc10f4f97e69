//! How long one package discovery takes at a revision (docs/benchmarks.md):
//! `cargo run --release --example discovery_bench -- REPO [REV] [N]` discovers the workspace at
//! REV (default HEAD) N times (default 1000) through one memo, as the history audit does, and
//! prints the time per discovery (the cache key included).
use anyhow::{Context, Result};
use repohealth::git::Repo;
use repohealth::monorepo::{self, Config, Memo};
use repohealth::packages::TreeSnapshot;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .context("usage: discovery_bench REPO [REV] [N]")?;
    let rev = args.next().unwrap_or_else(|| "HEAD".to_owned());
    let n: u32 = match args.next() {
        Some(n) => n
            .parse()
            .with_context(|| format!("N: not a count: {n:?}"))?,
        None => 1000,
    };
    let repo = Repo::open(std::path::Path::new(&path))?;
    let commit = repo.resolve(&rev)?;
    let memo = Memo::default();
    let cfg = Config::default();
    let snap = TreeSnapshot::at(&repo, Some(commit))?.with_memo(&memo);
    let first = monorepo::discover(&snap, &cfg);
    let start = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(monorepo::cache_key(&snap));
        std::hint::black_box(monorepo::discover(&snap, &cfg));
    }
    let per = start.elapsed() / n.max(1);
    println!(
        "{} packages at {rev}: {per:?} per discovery ({n} runs)",
        first.packages.len()
    );
    Ok(())
}
