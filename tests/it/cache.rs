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
    run_analyze(repo, cache, &["--quiet"], &[])
}

/// `analyze` with `REPOHEALTH_TRACE=1`: stderr says where the graph came from.
fn traced(repo: &Path, cache: &[&str]) -> (Vec<u8>, String) {
    run_analyze(repo, cache, &[], &[("REPOHEALTH_TRACE", "1")])
}

/// The JSON of the whole fixture history and the stderr of a successful run.
fn run_analyze(
    repo: &Path,
    cache: &[&str],
    extra: &[&str],
    env: &[(&str, &str)],
) -> (Vec<u8>, String) {
    let mut args = vec![
        "analyze",
        repo.to_str().expect("utf-8 path"),
        "--format",
        "json",
        "--since",
        "all",
        "--until",
        "@2000000000",
    ];
    args.extend_from_slice(extra);
    args.extend_from_slice(cache);
    let out = repohealth_with(&args, env);
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
    files_named(root, "diffs-")
}

fn files_named(root: &Path, prefix: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for d in std::fs::read_dir(root).into_iter().flatten().flatten() {
        for f in std::fs::read_dir(d.path()).into_iter().flatten().flatten() {
            if f.file_name().to_string_lossy().starts_with(prefix) {
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
        assert_eq!(
            files_named(&root, "graph-").len(),
            1,
            "{name}: one graph written"
        );
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

/// Run `script` (bash, with the fixture helpers) in `repo`: commits with fixed identities and dates.
fn add_commits(repo: &Path, script: &str) {
    let lib = root().join("fixtures").join("lib.sh");
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            ". '{}'\ncd '{}'\n{script}",
            lib.display(),
            repo.display()
        ))
        .output()
        .expect("run bash");
    assert!(
        out.status.success(),
        "adding commits failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The commit graph is cached with the ref tips it was loaded from: a re-run reads it, a run
/// after new commits extends it by those commits only, a run after a branch is deleted drops
/// what only that branch reached; each output is the bytes of a `--no-cache` run.
#[test]
fn cached_graph_gives_the_output_of_a_walk_cold_warm_and_after_new_commits() {
    let (_guard, repo) = build_fixture("github_merge");
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("cache");
    let flag = ["--cache-dir", root.to_str().expect("utf-8")];
    let (cold, err) = traced(&repo, &flag);
    assert!(err.contains("commits in the graph (walked)"), "{err}");
    let (warm, err) = traced(&repo, &flag);
    assert!(
        err.contains("commits in the graph (from the cache)"),
        "{err}"
    );
    assert!(warm == cold, "warm run differs from the cold run");
    assert!(warm == analyze(&repo, &["--no-cache"]).0);

    // Three new commits: a PR branch of two commits merged with a merge commit (the third).
    add_commits(
        &repo,
        r#"git checkout -q -b erin/feature-z
fx_lines z.txt "feature z" 4
fx_commit erin $((40*DAY)) erin $((40*DAY)) "Add feature z"
fx_append z.txt "feature z 5"
fx_commit erin $((40*DAY + HOUR)) erin $((40*DAY + HOUR)) "Finish feature z"
git checkout -q main
fx_merge mia $((41*DAY)) github $((41*DAY)) $'Merge pull request #90 from erin/feature-z\n\nAdd feature z' erin/feature-z
git branch -q -D erin/feature-z"#,
    );
    let (after, err) = traced(&repo, &flag);
    assert!(
        err.contains("commits in the graph (from the cache, 3 new)"),
        "{err}"
    );
    let (walked, _) = analyze(&repo, &["--no-cache"]);
    assert!(
        after == walked,
        "extended graph gives other output than a walk"
    );
    assert!(after != cold, "the new merge is in the output");
    let json: serde_json::Value = serde_json::from_slice(&after).expect("json");
    assert!(json["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .any(|c| c["pr"] == 90 && c["branch_commits"] == 2));

    // A live branch, then its deletion: the graph follows the refs both ways.
    add_commits(
        &repo,
        r#"git checkout -q -b frank/wip
fx_lines w.txt "wip" 2
fx_commit frank $((42*DAY)) frank $((42*DAY)) "Work in progress"
git checkout -q main"#,
    );
    let (live, err) = traced(&repo, &flag);
    assert!(err.contains("(from the cache, 1 new)"), "{err}");
    assert!(live == analyze(&repo, &["--no-cache"]).0);
    add_commits(&repo, "git branch -q -D frank/wip");
    let (gone, err) = traced(&repo, &flag);
    assert!(err.contains("(from the cache, 0 new)"), "{err}");
    assert!(
        gone == walked,
        "after the branch is deleted: the output before it"
    );

    // A damaged graph file is said, ignored and rebuilt.
    let graph = files_named(&root, "graph-");
    assert_eq!(graph.len(), 1);
    let bytes = std::fs::read(&graph[0]).expect("read");
    std::fs::write(&graph[0], &bytes[..bytes.len() - 3]).expect("truncate");
    let (damaged, err) = traced(&repo, &flag);
    assert!(err.contains("truncated") && err.contains("walked"), "{err}");
    assert!(damaged == walked);
}

/// Progress bars are for terminals: with stderr piped, a run that is not quiet writes no
/// carriage return and no escape sequence there.
#[test]
fn piped_stderr_gets_no_progress_bars() {
    let (_guard, repo) = build_fixture("monorepo_cargo");
    let out = repohealth(&[
        "analyze",
        repo.to_str().expect("utf-8"),
        "--since",
        "all",
        "--no-cache",
        "--format",
        "json",
    ]);
    assert!(out.status.success());
    assert!(
        !out.stderr.iter().any(|b| *b == b'\r' || *b == 0x1b),
        "{:?}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.stdout.iter().any(|b| *b == b'\r' || *b == 0x1b));
}

/// The number a traced run says before `what` (`"12 commits decoded in this run"`).
fn traced_count(stderr: &str, what: &str) -> usize {
    let line = stderr
        .lines()
        .find(|l| l.ends_with(what))
        .unwrap_or_else(|| panic!("no \"{what}\" in {stderr}"));
    let words: Vec<&str> = line.trim_end_matches(what).split_whitespace().collect();
    words
        .last()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {line}"))
}

/// Every commit a run reads is kept: a warm run decodes none (the table holds the cold run's
/// commits), and its output is the bytes of the cold and the `--no-cache` runs. A truncated,
/// corrupt or foreign commit table is said, ignored and rebuilt to the same bytes.
#[test]
fn a_warm_run_decodes_no_commit_and_a_damaged_commit_table_is_rebuilt() {
    for name in ["github_merge", "gitflow", "edge_cases", "platforms"] {
        let (_guard, repo) = build_fixture(name);
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("cache");
        let flag = ["--cache-dir", root.to_str().expect("utf-8")];
        let (cold, err) = traced(&repo, &flag);
        assert_eq!(traced_count(&err, " commits in the cache"), 0, "{name}");
        let decoded = traced_count(&err, " commits decoded in this run");
        assert!(decoded > 0, "{name}: {err}");
        let (warm, err) = traced(&repo, &flag);
        assert_eq!(
            traced_count(&err, " commits in the cache"),
            decoded,
            "{name}"
        );
        assert_eq!(
            traced_count(&err, " commits decoded in this run"),
            0,
            "{name}"
        );
        assert!(warm == cold, "{name}: warm run differs from the cold run");
        assert!(warm == analyze(&repo, &["--no-cache"]).0, "{name}");
        let table = files_named(&root, "commits-");
        assert_eq!(table.len(), 1, "{name}");
        let bytes = std::fs::read(&table[0]).expect("read");
        let mut corrupt = bytes.clone();
        let last = corrupt.len() - 1;
        corrupt[last] ^= 0x55;
        let mut foreign = bytes.clone();
        foreign[8] = foreign[8].wrapping_add(1);
        let damages = [
            (bytes[..bytes.len() - 5].to_vec(), "truncated"),
            (corrupt, "checksum"),
            (foreign, "format version"),
        ];
        for (damaged, said) in damages {
            std::fs::write(&table[0], &damaged).expect("damage");
            let (out, err) = traced(&repo, &flag);
            assert!(out == cold, "{name}: output over a {said} table differs");
            assert!(
                err.contains(said) && err.contains("rebuilt"),
                "{name}: {err}"
            );
            assert_eq!(
                traced_count(&err, " commits decoded in this run"),
                decoded,
                "{name}"
            );
            assert_eq!(
                std::fs::read(&table[0]).expect("rebuilt"),
                bytes,
                "{name}: {said}"
            );
        }
    }
}

/// `report` and `audit` read and write the cache `analyze` does: `--cache-dir DIR` fills DIR
/// (one entry per repository, each kind the run reads), `--no-cache` writes nothing, and the
/// output of a cold, a warm and a `--no-cache` run is the same bytes.
#[test]
fn report_and_audit_take_the_cache_flags() {
    let (_g1, app) = build_fixture("weekly");
    let (_g2, lib) = build_fixture("trunk_direct");
    let (app_s, lib_s) = (app.to_str().expect("utf-8"), lib.to_str().expect("utf-8"));
    let audit_targets = [format!("app={app_s}"), format!("lib={lib_s}")];
    let commands: [(&str, Vec<&str>); 2] = [
        (
            "report",
            vec![
                "report",
                app_s,
                "--until",
                "2024-02-04",
                "--format",
                "json",
                "-q",
            ],
        ),
        (
            "audit",
            vec![
                "audit",
                &audit_targets[0],
                &audit_targets[1],
                "--since",
                "all",
                "--until",
                "@2000000000",
                "--format",
                "json",
                "-q",
            ],
        ),
    ];
    for (name, args) in commands {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("cache");
        let root_s = root.to_str().expect("utf-8");
        let run = |flags: &[&str], env: &[(&str, &str)]| {
            let mut all = args.clone();
            all.extend_from_slice(flags);
            let out = repohealth_with(&all, env);
            assert!(
                out.status.success(),
                "{name} {flags:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            out.stdout
        };
        let cold = run(&["--cache-dir", root_s], &[]);
        let repos = std::fs::read_dir(&root).expect("cache written").count();
        assert_eq!(repos, if name == "audit" { 2 } else { 1 }, "{name}");
        // A multi-repository audit reads graphs and commits only (no diff, no package audit).
        let kinds: &[&str] = if name == "audit" {
            &["graph-", "commits-"]
        } else {
            &["graph-", "commits-", "diffs-"]
        };
        for kind in kinds {
            assert_eq!(files_named(&root, kind).len(), repos, "{name}: {kind}");
        }
        let warm = run(&["--cache-dir", root_s], &[]);
        assert!(warm == cold, "{name}: the warm run differs");
        // --no-cache writes nowhere, not even in the default cache home.
        let home = dir.path().join("home");
        let home_s = home.to_str().expect("utf-8");
        let off = run(&["--no-cache"], &[("XDG_CACHE_HOME", home_s)]);
        assert!(off == cold, "{name}: the --no-cache run differs");
        assert!(
            !home.join("repohealth").exists(),
            "{name}: --no-cache wrote"
        );
    }
}
