//! Bad input: a clear message, a documented exit code, never a panic, nothing written.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The bad-input repositories, built once for all tests in this file.
fn bad() -> &'static Path {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("bad");
        let out = Command::new("bash")
            .arg(crate::common::root().join("fixtures/bad_inputs.sh"))
            .arg(&root)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .expect("bad_inputs.sh");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (dir, root)
    })
    .1
}

/// Run analyze with discovery fenced at the fixture directory.
fn run(dir: &str, extra: &[&str]) -> (Option<i32>, String, String) {
    let path = bad().join(dir);
    let mut args = vec![
        "analyze",
        path.to_str().expect("path"),
        "--since",
        "all",
        "--format",
        "json",
        "-q",
    ];
    args.extend_from_slice(extra);
    let out = Command::new(env!("CARGO_BIN_EXE_repohealth"))
        .args(&args)
        .env("GIT_CEILING_DIRECTORIES", bad())
        .env("XDG_CACHE_HOME", crate::common::test_cache_home())
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
    )
}

/// Every file under `dir` with its content hash, to prove nothing was written.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap_or_default()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn not_a_repository_exits_3() {
    let (code, _, err) = run("not_a_repo", &[]);
    assert_eq!(code, Some(3));
    assert!(err.contains("is not inside a git repository"), "{err}");
    let (code, _, err) = run("does-not-exist", &[]);
    assert_eq!(code, Some(3));
    assert!(err.contains("no such file or directory"), "{err}");
}

#[test]
fn empty_repository_exits_4() {
    let (code, _, err) = run("empty", &[]);
    assert_eq!(code, Some(4));
    assert!(
        err.contains("has no commits yet") && err.contains("'main'"),
        "{err}"
    );
}

#[test]
fn missing_trunk_lists_branches() {
    let (code, _, err) = run("detached", &["--trunk", "nope"]);
    assert_eq!(code, Some(4));
    assert!(err.contains("trunk branch 'nope' does not exist"), "{err}");
    assert!(err.contains("main"), "branches listed: {err}");
}

#[test]
fn detached_head_analyses_the_trunk() {
    let (code, out, _) = run("detached", &[]);
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["repository"]["trunk"], "main");
    assert!(v["repository"]["head_ref"].is_null());
    assert_eq!(v["changes"].as_array().map(Vec::len), Some(8));
}

#[test]
fn shallow_clone_analyses_what_is_there_and_warns() {
    let (code, out, _) = run("shallow", &[]);
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["repository"]["shallow"], true);
    // The boundary merge has no parents in the clone: only the commit above it is a change.
    let subjects: Vec<&str> = v["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["subject"].as_str())
        .collect();
    assert_eq!(subjects, vec!["Update README after refactor"]);
    assert!(
        v["warnings"].to_string().contains("shallow clone"),
        "{}",
        v["warnings"]
    );
}

#[test]
fn missing_blob_leaves_lines_null_and_warns() {
    let (code, out, _) = run("missing_object", &[]);
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let changes = v["changes"].as_array().expect("changes");
    let nulls: Vec<&str> = changes
        .iter()
        .filter(|c| c["lines_added"].is_null())
        .filter_map(|c| c["subject"].as_str())
        .collect();
    assert_eq!(nulls.len(), 2, "{nulls:?}");
    assert!(nulls.contains(&"Merge pull request #1 from alice/feature-x"));
    assert!(v["warnings"]
        .to_string()
        .contains("2 changes touch blobs missing"));
    // The other changes still equal git.
    let repo = bad().join("missing_object");
    let known: Vec<serde_json::Value> = changes
        .iter()
        .filter(|c| !c["lines_added"].is_null())
        .cloned()
        .collect();
    let n = assert_numstat_matches_git(&repo, &serde_json::json!({ "changes": known }));
    assert_eq!(n, 6);
}

#[test]
fn corrupt_object_exits_5_naming_it() {
    let (code, _, err) = run("corrupt_object", &[]);
    assert_eq!(code, Some(5));
    let id = std::fs::read_to_string(bad().join("README.txt")).expect("README.txt");
    assert!(err.contains("s.txt"), "{err}");
    assert!(
        id.lines().any(|l| l
            .split_whitespace()
            .any(|w| w.len() == 40 && err.contains(w))),
        "{err}\n{id}"
    );
}

#[test]
fn missing_commit_exits_5_naming_it_on_any_number_of_threads() {
    let id = std::fs::read_to_string(bad().join("README.txt")).expect("README.txt");
    let gone = id
        .lines()
        .find(|l| l.starts_with("missing_commit:"))
        .and_then(|l| l.split_whitespace().find(|w| w.len() == 40))
        .expect("the deleted commit's id")
        .to_owned();
    // One thread walks with gix; more share the walk between workers: both name the commit.
    for threads in ["1", "4"] {
        let (code, _, err) = run("missing_commit", &["--threads", threads]);
        assert_eq!(code, Some(5), "{threads} threads: {err}");
        assert!(err.contains(&gone), "{threads} threads: {err}");
        assert!(
            err.contains("missing or corrupt"),
            "{threads} threads: {err}"
        );
    }
}

#[test]
fn bare_repository_and_linked_worktree() {
    for (dir, bare) in [("bare.git", true), ("worktree", false), ("wt", false)] {
        let (code, out, err) = run(dir, &[]);
        assert_eq!(code, Some(0), "{dir}: {err}");
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        assert_eq!(v["repository"]["bare"], bare, "{dir}");
        assert_eq!(v["changes"].as_array().map(Vec::len), Some(8), "{dir}");
    }
}

#[test]
fn dates_before_1970_and_far_future() {
    let (code, out, _) = run("odd_dates", &[]);
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let landed: Vec<(&str, &str)> = v["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            (
                c["subject"].as_str().unwrap_or(""),
                c["landed_at"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(
        landed.contains(&("Commit dated before 1970", "1969-12-31T00:00:00Z")),
        "{landed:?}"
    );
    assert!(
        landed.contains(&("Commit dated at the epoch", "1970-01-01T00:00:00Z")),
        "{landed:?}"
    );
    assert!(
        landed.contains(&("Commit dated 2200-01-01", "2200-01-01T00:00:00Z")),
        "{landed:?}"
    );
    assert!(v["warnings"].to_string().contains("dated after"));
}

#[test]
fn usage_errors_exit_2() {
    let out = repohealth(&["analyze", "--bogus"]);
    assert_eq!(out.status.code(), Some(2));
    let out = repohealth(&["analyze", ".", "--since", "yesterday"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read the date 'yesterday'"));
}

#[test]
fn bad_config_exits_6_with_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("rh.toml");
    std::fs::write(&cfg, "trunk = \"main\"\nsince = [\n").expect("write");
    let path = bad().join("detached");
    let out = repohealth(&[
        "analyze",
        path.to_str().expect("path"),
        "--config",
        cfg.to_str().expect("cfg"),
    ]);
    assert_eq!(out.status.code(), Some(6));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("rh.toml:") && err.contains("invalid configuration"),
        "{err}"
    );
}

#[test]
fn nothing_is_written_to_the_repository() {
    for dir in ["detached", "bare.git", "worktree", "shallow"] {
        let before = snapshot(&bad().join(dir));
        let (code, _, _) = run(dir, &[]);
        assert_eq!(code, Some(0));
        assert!(before == snapshot(&bad().join(dir)), "{dir} changed");
    }
}
