//! Every fixture repository's JSON equals its constructed truth (fixtures/*.expected.json),
//! and every landed change's line counts equal `git diff --numstat --no-renames`.

use crate::common::*;
use serde_json::Value;

const FIELDS: &[&str] = &[
    "target",
    "strategy",
    "kind",
    "pr",
    "platform",
    "source_branch",
    "branch_commits",
    "lifetime_seconds",
    "lifetime_source",
    "files_changed",
    "lines_added",
    "lines_deleted",
    "size",
    "confidence",
    "empty_side",
    "clock_skew",
];

fn check(name: &str) {
    let truth: Value = serde_json::from_str(
        &std::fs::read_to_string(
            root()
                .join("fixtures")
                .join(format!("{name}.expected.json")),
        )
        .expect("truth file"),
    )
    .expect("truth JSON");
    let (_guard, repo) = build_fixture(name);
    let until = truth["analysis_time"].as_i64();
    let mut extra = Vec::new();
    let trunk = truth["trunk"].as_str().map(str::to_owned);
    if let Some(t) = &trunk {
        extra.push("--trunk");
        extra.push(t.as_str());
    }
    let got = analyze_json(&repo, until, &extra);
    assert_eq!(
        got["repository"]["trunk"].as_str(),
        truth["trunk"].as_str(),
        "{name}: trunk"
    );
    assert_eq!(
        got["repository"]["production"], truth["production"],
        "{name}: production"
    );

    let actual = got["changes"].as_array().expect("changes");
    let expected = truth["changes"].as_array().expect("changes");
    let mut problems = Vec::new();
    let subjects = |v: &[Value]| {
        let mut s: Vec<String> = v
            .iter()
            .map(|c| c["subject"].as_str().unwrap_or("").to_owned())
            .collect();
        s.sort();
        s
    };
    if subjects(actual) != subjects(expected) {
        problems.push(format!(
            "change subjects differ:\n  expected {:?}\n  actual   {:?}",
            subjects(expected),
            subjects(actual)
        ));
    }
    for e in expected {
        let subject = e["subject"].as_str().unwrap_or("");
        let target = e["target"].as_str();
        let Some(a) = actual.iter().find(|a| {
            a["subject"].as_str() == Some(subject)
                && (target.is_none() || a["target"].as_str() == target)
        }) else {
            continue;
        };
        for f in FIELDS {
            if let Some(ev) = e.get(*f) {
                if a[*f] != *ev {
                    problems.push(format!("{subject:?}: {f} expected {ev}, got {}", a[*f]));
                }
            }
        }
        if let Some(n) = e["commits"].as_u64() {
            let got_n = a["commits"].as_array().map(|v| v.len() as u64);
            if got_n != Some(n) {
                problems.push(format!("{subject:?}: commits expected {n}, got {got_n:?}"));
            }
        }
    }
    if let Some(branches) = truth["branches"].as_array() {
        let actual_b = got["branches"].as_array().expect("branches");
        let mut names: Vec<&str> = actual_b.iter().filter_map(|b| b["name"].as_str()).collect();
        let mut want: Vec<&str> = branches.iter().filter_map(|b| b["name"].as_str()).collect();
        names.sort();
        want.sort();
        if names != want {
            problems.push(format!("branches: expected {want:?}, got {names:?}"));
        }
        for e in branches {
            let Some(a) = actual_b.iter().find(|a| a["name"] == e["name"]) else {
                continue;
            };
            for f in ["remote", "ahead", "behind", "stale", "long_lived"] {
                if let Some(ev) = e.get(f) {
                    if a[f] != *ev {
                        problems.push(format!(
                            "branch {}: {f} expected {ev}, got {}",
                            e["name"], a[f]
                        ));
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{name}: {} mismatches\n{}",
        problems.len(),
        problems.join("\n")
    );
    let checked = assert_numstat_matches_git(&repo, &got);
    assert_eq!(checked, actual.len());
}

macro_rules! fixture_tests {
    ($($name:ident),* $(,)?) => {
        $(#[test] fn $name() { check(stringify!($name)); })*
    };
}

fixture_tests!(
    trunk_direct,
    github_merge,
    github_squash,
    github_rebase,
    gitflow,
    gitflow_parallel,
    platforms,
    edge_cases,
    content,
    github_flow,
);

/// This very repository: every landed change's counts equal git's.
#[test]
fn own_history_numstat_matches_git() {
    let repo = root();
    if !git(&repo, &["rev-parse", "--verify", "-q", "HEAD"])
        .status
        .success()
    {
        return; // a source tarball without history: nothing to compare
    }
    let got = analyze_json(&repo, None, &[]);
    let n = assert_numstat_matches_git(&repo, &got);
    assert_eq!(n, got["changes"].as_array().map(Vec::len).unwrap_or(0));
}

/// The history walk shared between workers loads the graph one thread loads: every number of
/// the analysis is the same on merge-heavy fixtures (no cache, so each run walks).
#[test]
fn history_walk_on_many_threads_equals_one_thread() {
    for name in ["gitflow_parallel", "github_merge", "edge_cases"] {
        let (_guard, repo) = build_fixture(name);
        let until = Some(2_000_000_000);
        let run = |threads: &str| analyze_json(&repo, until, &["--no-cache", "--threads", threads]);
        let one = run("1");
        assert!(
            !one["changes"].as_array().expect("changes").is_empty(),
            "{name}: no changes"
        );
        for threads in ["2", "7"] {
            assert_eq!(run(threads), one, "{name}: {threads} threads");
        }
    }
}

/// The number of commits `REPOHEALTH_TRACE` says the graph holds after a walk (no cache).
fn graph_commits(repo: &std::path::Path) -> usize {
    let path = repo.to_str().expect("utf-8 path");
    let args = [
        "analyze",
        path,
        "--since",
        "all",
        "--until",
        "@2000000000",
        "--no-cache",
    ];
    let out = repohealth_with(&args, &[("REPOHEALTH_TRACE", "1")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    let line = err
        .lines()
        .find(|l| l.contains("commits in the graph"))
        .unwrap_or_else(|| panic!("no graph line in\n{err}"));
    let words: Vec<&str> = line.split_whitespace().collect();
    let at = words
        .iter()
        .position(|w| *w == "commits")
        .expect("count before 'commits'");
    words[at - 1].parse().expect("a count")
}

/// A pull-request head whose number no trunk message names is never asked about: its commits
/// stay out of the graph, and the analysis is the same with it and without it. A head whose
/// number a squash names (#11, reachable only through refs/pull/11/head) is walked.
#[test]
fn pull_request_heads_no_message_names_are_not_walked() {
    let (_guard, repo) = build_fixture("github_squash");
    let until = Some(2_000_000_000);
    let before = analyze_json(&repo, until, &["--no-cache"]);
    let walked = graph_commits(&repo);
    // Two commits on a PR head numbered 4321, which no message names.
    let tree = git(&repo, &["rev-parse", "main^{tree}"]);
    let tree = String::from_utf8_lossy(&tree.stdout).trim().to_owned();
    let mut parent = git(&repo, &["rev-parse", "main"]);
    for subject in ["Unlanded one", "Unlanded two"] {
        let p = String::from_utf8_lossy(&parent.stdout).trim().to_owned();
        let id = ["-c", "user.name=Una", "-c", "user.email=una@example.com"];
        let args = [&id[..], &["commit-tree", &tree, "-p", &p, "-m", subject]].concat();
        parent = git(&repo, &args);
        assert!(parent.status.success());
    }
    let head = String::from_utf8_lossy(&parent.stdout).trim().to_owned();
    assert!(git(&repo, &["update-ref", "refs/pull/4321/head", &head])
        .status
        .success());
    assert_eq!(graph_commits(&repo), walked, "the unnamed head was walked");
    assert_eq!(analyze_json(&repo, until, &["--no-cache"]), before);
    // Without refs/pull/11/head the graph loses the commits only that head reaches.
    assert!(git(&repo, &["update-ref", "-d", "refs/pull/11/head"])
        .status
        .success());
    assert!(
        graph_commits(&repo) < walked,
        "refs/pull/11/head was not walked"
    );
}
