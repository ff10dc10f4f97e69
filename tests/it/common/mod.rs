//! Shared helpers for the integration tests: build fixture repositories, run the real binary,
//! ask git for the truth.
#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Build `fixtures/<name>.sh` into a fresh temporary directory; returns (guard, repo path).
pub fn build_fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path().join(name);
    let script = root().join("fixtures").join(format!("{name}.sh"));
    let out = Command::new("bash")
        .arg(&script)
        .arg(&repo)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("run fixture script");
    assert!(
        out.status.success(),
        "fixture {name} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, repo)
}

pub fn repohealth(args: &[&str]) -> Output {
    repohealth_with(args, &[])
}

/// [`repohealth`] with more environment variables.
pub fn repohealth_with(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_repohealth"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("XDG_CACHE_HOME", test_cache_home())
        .envs(env.iter().copied())
        .output()
        .expect("run repohealth")
}

/// The cache home every test run of the binary uses: under target/, never the user's cache.
pub fn test_cache_home() -> std::path::PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("xdg-cache")
}

/// `repohealth analyze <repo> --format json --since all --until @<until>` parsed.
pub fn analyze_json(repo: &Path, until: Option<i64>, extra: &[&str]) -> Value {
    let until = until.map(|u| format!("@{u}"));
    let mut args = vec![
        "analyze",
        repo.to_str().expect("utf-8 path"),
        "--format",
        "json",
        "--since",
        "all",
        "--quiet",
    ];
    if let Some(u) = &until {
        args.push("--until");
        args.push(u);
    }
    args.extend_from_slice(extra);
    let out = repohealth(&args);
    assert!(
        out.status.success(),
        "analyze failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

pub fn git(repo: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("run git")
}

pub const EMPTY_TREE: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/// `git diff --numstat --no-renames base head` summed: (files, added, deleted), or None
/// when git cannot produce it (missing objects).
pub fn git_numstat(repo: &Path, base: &str, head: &str) -> Option<(u64, u64, u64)> {
    let out = git(
        repo,
        &[
            "-c",
            "core.quotepath=false",
            "diff",
            "--numstat",
            "--no-renames",
            "-z",
            base,
            head,
        ],
    );
    if !out.status.success() {
        return None;
    }
    let (mut files, mut added, mut deleted) = (0, 0, 0);
    for rec in out.stdout.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let text = String::from_utf8_lossy(rec);
        let mut parts = text.splitn(3, '\t');
        let (a, d) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        if parts.next().is_none() {
            continue;
        }
        files += 1;
        added += a.parse::<u64>().unwrap_or(0);
        deleted += d.parse::<u64>().unwrap_or(0);
    }
    Some((files, added, deleted))
}

/// Compare every landed change's files/lines with git; returns the number of changes checked.
pub fn assert_numstat_matches_git(repo: &Path, analysis: &Value) -> usize {
    let mut checked = 0;
    for c in analysis["changes"].as_array().expect("changes") {
        let commits = c["commits"].as_array().expect("commits");
        let first = commits[0].as_str().expect("id");
        let last = c["commit"].as_str().expect("id");
        let parent = git(
            repo,
            &["rev-parse", "--verify", "-q", &format!("{first}^1")],
        );
        let base = if parent.status.success() {
            String::from_utf8_lossy(&parent.stdout).trim().to_owned()
        } else {
            EMPTY_TREE.to_owned()
        };
        let truth = git_numstat(repo, &base, last);
        match truth {
            Some((files, added, deleted)) => {
                assert_eq!(
                    c["files_changed"].as_u64(),
                    Some(files),
                    "files of {last} ({})",
                    c["subject"]
                );
                assert_eq!(
                    c["lines_added"].as_u64(),
                    Some(added),
                    "added of {last} ({})",
                    c["subject"]
                );
                assert_eq!(
                    c["lines_deleted"].as_u64(),
                    Some(deleted),
                    "deleted of {last} ({})",
                    c["subject"]
                );
            }
            None => assert!(
                c["lines_added"].is_null(),
                "git cannot diff {last}, so lines must be null"
            ),
        }
        checked += 1;
    }
    checked
}
