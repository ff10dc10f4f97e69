//! The cache of re-merge outcomes changes speed only: on fixtures/remerge.sh the JSON of
//! `analyze --remerge` is the same bytes cold, warm, with `--no-cache` and over a damaged
//! file; a warm run merges nothing; outcomes skipped for the time budget are not kept.

use crate::common::*;
use std::path::{Path, PathBuf};

/// The fixture's clock: T0 + 70 days is after its last landing.
const UNTIL: &str = "@1706048000";

/// `analyze --remerge` with `REPOHEALTH_TRACE=1`: the JSON and stderr of a successful run.
fn remerge(repo: &Path, extra: &[&str]) -> (Vec<u8>, String) {
    let mut args = vec![
        "analyze",
        repo.to_str().expect("utf-8 path"),
        "--format",
        "json",
        "--since",
        "all",
        "--until",
        UNTIL,
        "--remerge",
    ];
    args.extend_from_slice(extra);
    let out = repohealth_with(&args, &[("REPOHEALTH_TRACE", "1")]);
    assert!(
        out.status.success(),
        "analyze {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The re-merge files under a cache root.
fn remerge_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for d in std::fs::read_dir(root).into_iter().flatten().flatten() {
        for f in std::fs::read_dir(d.path()).into_iter().flatten().flatten() {
            if f.file_name().to_string_lossy().starts_with("remerge-") {
                out.push(f.path());
            }
        }
    }
    out
}

#[test]
fn warm_remerges_are_byte_identical_and_merge_nothing() {
    let (_guard, repo) = build_fixture("remerge");
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("cache");
    let flag = ["--cache-dir", root.to_str().expect("utf-8")];
    let (uncached, _) = remerge(&repo, &["--no-cache"]);
    let (cold, cold_err) = remerge(&repo, &flag);
    assert!(!cold_err.contains("warning"), "{cold_err}");
    // The 15 re-merged changes of the fixture; the octopus is skipped before any merge.
    assert!(
        cold_err.contains("re-merges done: 15 merged, 0 from the cache"),
        "{cold_err}"
    );
    let files = remerge_files(&root);
    assert_eq!(files.len(), 1, "one re-merge file written");
    let (warm, warm_err) = remerge(&repo, &flag);
    assert!(!warm_err.contains("warning"), "{warm_err}");
    assert!(
        warm_err.contains("re-merges done: 0 merged, 15 from the cache"),
        "{warm_err}"
    );
    assert!(cold == uncached, "cold run differs from --no-cache");
    assert!(warm == cold, "warm run differs from the cold run");

    let bytes = std::fs::read(&files[0]).expect("read");
    let mut flipped = bytes.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x55;
    let damages: [(&str, Vec<u8>); 3] = [
        ("truncated", bytes[..bytes.len() / 2].to_vec()),
        ("corrupt", flipped),
        (
            "not a repohealth cache file",
            b"some other tool's file, long enough for a header".to_vec(),
        ),
    ];
    for (what, damaged) in damages {
        std::fs::write(&files[0], &damaged).expect("damage");
        let (out, err) = remerge(&repo, &flag);
        assert!(out == cold, "{what}: output over a damaged file differs");
        assert!(
            err.contains(what) && err.contains("rebuilt"),
            "{what}: {err}"
        );
        assert!(
            err.contains("re-merges done: 15 merged, 0 from the cache"),
            "{what}: {err}"
        );
        assert_eq!(std::fs::read(&files[0]).expect("rebuilt"), bytes, "{what}");
    }
}

#[test]
fn remerges_skipped_for_the_budget_are_not_cached() {
    let (_guard, repo) = build_fixture("remerge");
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("cache");
    let flag = ["--cache-dir", root.to_str().expect("utf-8")];
    let mut zero = flag.to_vec();
    zero.extend(["--remerge-budget", "0"]);
    let (_, err) = remerge(&repo, &zero);
    assert!(
        err.contains("re-merges done: 0 merged, 0 from the cache"),
        "{err}"
    );
    assert!(
        remerge_files(&root).is_empty(),
        "nothing merged, nothing stored"
    );
    // The next run merges all 15: none is taken as skipped from the cache.
    let (out, err) = remerge(&repo, &flag);
    assert!(
        err.contains("re-merges done: 15 merged, 0 from the cache"),
        "{err}"
    );
    let (uncached, _) = remerge(&repo, &["--no-cache"]);
    assert!(out == uncached, "after a spent budget the run differs");
}
