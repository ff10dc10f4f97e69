//! The cache changes speed only: on every fixture, the JSON of a cold run (empty cache), a
//! warm run (filled cache), a `--no-cache` run and a run over a damaged cache are the same
//! bytes; `cache info` and `cache clear` see and remove what was written.

use crate::common::*;
use std::path::Path;

const FIXTURES: &[&str] = &[
    "trunk_direct",
    "github_merge",
    "github_squash",
    "github_rebase",
    "github_flow",
    "gitflow",
    "gitflow_parallel",
    "platforms",
    "edge_cases",
    "content",
    "monorepo_cargo",
];

fn analyze(repo: &Path, cache: &[&str]) -> (Vec<u8>, String) {
    let mut args = vec![
        "analyze",
        repo.to_str().expect("utf-8 path"),
        "--format",
        "json",
        "--since",
        "all",
        "--until",
        "@2000000000",
        "--quiet",
    ];
    args.extend_from_slice(cache);
    let out = repohealth(&args);
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

fn cache_files(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for d in std::fs::read_dir(root).into_iter().flatten().flatten() {
        for f in std::fs::read_dir(d.path()).into_iter().flatten().flatten() {
            if f.file_name().to_string_lossy().starts_with("diffs-") {
                out.push(f.path());
            }
        }
    }
    out
}

#[test]
fn warm_output_is_byte_identical_to_cold_output_on_every_fixture() {
    for name in FIXTURES {
        let (_guard, repo) = build_fixture(name);
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("cache");
        let flag = ["--cache-dir", root.to_str().expect("utf-8")];
        let (uncached, _) = analyze(&repo, &["--no-cache"]);
        let (cold, cold_err) = analyze(&repo, &flag);
        assert!(!cold_err.contains("warning"), "{name}: {cold_err}");
        let files = cache_files(&root);
        assert_eq!(files.len(), 1, "{name}: one diff table written");
        let (warm, warm_err) = analyze(&repo, &flag);
        assert!(!warm_err.contains("warning"), "{name}: {warm_err}");
        assert!(cold == uncached, "{name}: cold run differs from --no-cache");
        assert!(warm == cold, "{name}: warm run differs from the cold run");
        // A truncated file is ignored, said, and rebuilt.
        let bytes = std::fs::read(&files[0]).expect("read");
        std::fs::write(&files[0], &bytes[..bytes.len() / 2]).expect("truncate");
        let (damaged, damaged_err) = analyze(&repo, &flag);
        assert!(
            damaged == cold,
            "{name}: output over a damaged cache differs"
        );
        assert!(
            damaged_err.contains("truncated") && damaged_err.contains("rebuilt"),
            "{name}: {damaged_err}"
        );
        assert_eq!(std::fs::read(&files[0]).expect("rebuilt"), bytes, "{name}");
    }
}

#[test]
fn cache_info_and_clear() {
    let (_guard, repo) = build_fixture("trunk_direct");
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("cache");
    let root_s = root.to_str().expect("utf-8");
    analyze(&repo, &["--cache-dir", root_s]);
    let info = repohealth(&["cache", "info", "--cache-dir", root_s]);
    assert!(info.status.success());
    let text = String::from_utf8_lossy(&info.stdout);
    assert!(text.contains("repositories:    1"), "{text}");
    assert!(text.contains("trunk_direct"), "{text}");
    let clear = repohealth(&["cache", "clear", "--cache-dir", root_s]);
    assert!(clear.status.success());
    assert!(String::from_utf8_lossy(&clear.stdout).contains("removed 1 cached repositories"));
    assert!(cache_files(&root).is_empty());
    let info = repohealth(&["cache", "info", "--cache-dir", root_s]);
    assert!(String::from_utf8_lossy(&info.stdout).contains("repositories:    0"));
}

#[test]
fn a_cache_dir_inside_the_repository_is_a_usage_error() {
    let (_guard, repo) = build_fixture("trunk_direct");
    let inside = repo.join("cache");
    let out = repohealth(&[
        "analyze",
        repo.to_str().expect("utf-8"),
        "--cache-dir",
        inside.to_str().expect("utf-8"),
        "--quiet",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("inside the repository"));
    assert!(!inside.exists());
}
