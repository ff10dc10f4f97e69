//! `affected` and `graph` end to end: real git history, manifests read from git objects.

use crate::common::*;

fn lines(out: &std::process::Output) -> Vec<String> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn affected_follows_dependents_and_reasons() {
    let (_g, repo) = build_fixture("monorepo_cargo");
    let r = repo.to_str().expect("path");
    let run = |args: &[&str]| {
        let mut all = vec!["affected", r];
        all.extend_from_slice(args);
        repohealth(&all)
    };
    // a changed: b (normal), c (dev) and d (normal, through c) depend on it.
    assert_eq!(
        lines(&run(&["--base", "base", "--head", "lib-change"])),
        ["a", "b", "c", "d"]
    );
    // dev-one-hop: c is marked through its dev edge, but propagation stops there.
    assert_eq!(
        lines(&run(&[
            "--base",
            "base",
            "--head",
            "lib-change",
            "--mode",
            "dev-one-hop"
        ])),
        ["a", "b", "c"]
    );
    assert_eq!(
        lines(&run(&[
            "--base",
            "base",
            "--head",
            "lib-change",
            "--direct-only"
        ])),
        ["a"]
    );
    assert_eq!(
        lines(&run(&[
            "--base",
            "base",
            "--head",
            "lib-change",
            "--direct-only",
            "--paths"
        ])),
        ["crates/a"]
    );
    // README is ignored; a toolchain file is global for Cargo; d has no dependents.
    assert!(lines(&run(&["--base", "lib-change", "--head", "readme"])).is_empty());
    assert_eq!(
        lines(&run(&["--base", "readme", "--head", "toolchain"])),
        ["a", "b", "c", "d"]
    );
    assert_eq!(
        lines(&run(&["--base", "toolchain", "--head", "d-only"])),
        ["d"]
    );

    let out = run(&["--base", "base", "--head", "lib-change", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let reasons: Vec<(String, String)> = v["affected"]
        .as_array()
        .expect("affected")
        .iter()
        .map(|p| {
            (
                p["path"].as_str().unwrap_or("").to_owned(),
                p["reason"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        reasons,
        [
            (
                "crates/a".to_owned(),
                "changed: crates/a/src/lib.rs".to_owned()
            ),
            ("crates/b".to_owned(), "normal dependency of a".to_owned()),
            ("crates/c".to_owned(), "dev dependency of a".to_owned()),
            ("crates/d".to_owned(), "normal dependency of c".to_owned()),
        ]
    );
    assert_eq!(v["changed"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["ignored"], serde_json::json!([]));
    let out = run(&[
        "--base",
        "lib-change",
        "--head",
        "readme",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["ignored"], serde_json::json!(["README.md"]));
}

#[test]
fn missing_base_marks_everything_and_says_why() {
    let (_g, repo) = build_fixture("monorepo_cargo");
    let out = repohealth(&[
        "affected",
        repo.to_str().expect("path"),
        "--base",
        "no-such-ref",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 4);
    assert!(String::from_utf8_lossy(&out.stderr).contains("base 'no-such-ref' cannot be resolved"));
    let out = repohealth(&[
        "affected",
        repo.to_str().expect("path"),
        "--base",
        "base",
        "--head",
        "nope",
    ]);
    assert_eq!(out.status.code(), Some(4));
}

#[test]
fn graph_formats() {
    let (_g, repo) = build_fixture("monorepo_cargo");
    let r = repo.to_str().expect("path");
    let out = repohealth(&["graph", r, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["nodes"].as_array().map(Vec::len), Some(4));
    assert_eq!(
        v["edges"],
        serde_json::json!([
            {"from": "crates/b", "to": "crates/a", "kind": "normal"},
            {"from": "crates/c", "to": "crates/a", "kind": "dev"},
            {"from": "crates/d", "to": "crates/c", "kind": "normal"}
        ])
    );
    let dot = String::from_utf8_lossy(&repohealth(&["graph", r]).stdout).into_owned();
    assert!(dot.starts_with("digraph"), "{dot}");
    let mermaid = String::from_utf8_lossy(
        &repohealth(&["graph", r, "--format", "mermaid", "--rev", "base"]).stdout,
    )
    .into_owned();
    assert!(
        mermaid.starts_with("graph LR") && mermaid.contains("-.->|dev|"),
        "{mermaid}"
    );
}

#[test]
fn analyze_has_a_monorepo_section() {
    let (_g, repo) = build_fixture("monorepo_cargo");
    let v = analyze_json(&repo, Some(1_700_000_000 + 14_400), &[]);
    let m = &v["monorepo"];
    assert_eq!(m["packages"].as_array().map(Vec::len), Some(4));
    let by_subject = |s: &str| {
        v["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .find(|c| c["subject"] == s)
            .map(|c| c["packages"].clone())
            .expect("change")
    };
    assert_eq!(
        by_subject("Change a"),
        serde_json::json!({"changed": ["crates/a"], "affected": ["crates/a", "crates/b", "crates/c", "crates/d"]})
    );
    assert_eq!(
        by_subject("Docs"),
        serde_json::json!({"changed": [], "affected": []})
    );
    assert_eq!(
        by_subject("Change d"),
        serde_json::json!({"changed": ["crates/d"], "affected": ["crates/d"]})
    );
    // The root commit creates every package: all four changed.
    assert_eq!(
        by_subject("Workspace")["changed"].as_array().map(Vec::len),
        Some(4)
    );
    // Mean affected share over 5 changes: (4 + 4 + 0 + 4 + 1) / 5 / 4 = 0.65 -> saving 0.35.
    let saving = m["audit"]["ci_saving"].as_f64().expect("ci_saving");
    assert!((saving - 0.35).abs() < 1e-9, "{saving}");
}

#[test]
fn a_package_whose_manifest_breaks_stays_affected() {
    let (_g, repo) = build_fixture("monorepo_cargo");
    let r = repo.to_str().expect("path");
    let out = repohealth(&[
        "affected", r, "--base", "d-only", "--head", "broken-b", "--format", "json",
    ]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let b = v["affected"]
        .as_array()
        .expect("affected")
        .iter()
        .find(|p| p["path"] == "crates/b")
        .cloned()
        .expect("b is affected");
    assert!(
        b["reason"]
            .as_str()
            .unwrap_or("")
            .starts_with("manifest cannot be read at head: crates/b/Cargo.toml:"),
        "{b}"
    );
    assert_eq!(v["removed"], serde_json::json!([]));
    assert!(
        v["warnings"].to_string().contains("crates/b/Cargo.toml:"),
        "{}",
        v["warnings"]
    );
    let plain = repohealth(&["affected", r, "--base", "d-only", "--head", "broken-b"]);
    assert!(String::from_utf8_lossy(&plain.stdout)
        .lines()
        .any(|l| l == "b"));
    assert!(String::from_utf8_lossy(&plain.stderr).contains("crates/b/Cargo.toml:"));
}

/// `(path, reason)` of each affected package in `affected --format json` output.
/// `affected REPO --base BASE --head HEAD`, plain or as JSON.
fn affected(repo: &std::path::Path, base: &str, head: &str, json: bool) -> std::process::Output {
    let r = repo.to_str().expect("path");
    let mut all = vec!["affected", r, "--base", base, "--head", head];
    if json {
        all.extend_from_slice(&["--format", "json"]);
    }
    repohealth(&all)
}

fn reasons(out: &std::process::Output) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    v["affected"]
        .as_array()
        .expect("affected")
        .iter()
        .map(|p| {
            (
                p["path"].as_str().unwrap_or("").to_owned(),
                p["reason"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn owned(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn dotnet_affected_follows_references_props_and_central_versions() {
    let (_g, repo) = build_fixture("monorepo_dotnet");
    let run = |base: &str, head: &str, json: bool| affected(&repo, base, head, json);
    assert_eq!(
        lines(&run("base", "util-change", false)),
        ["App", "Shop.Lib", "Util", "Lib.Tests"]
    );
    assert_eq!(
        reasons(&run("base", "util-change", true)),
        owned(&[
            ("src/App", "normal dependency of Shop.Lib"),
            ("src/Lib", "normal dependency of Util"),
            ("src/Util", "changed: src/Util/Util.cs"),
            ("tests/Lib.Tests", "normal dependency of Shop.Lib"),
        ])
    );
    let props = "imported file changed: src/Directory.Build.props";
    assert_eq!(
        reasons(&run("util-change", "props", true)),
        owned(&[
            ("src/App", props),
            ("src/Lib", props),
            ("src/Util", props),
            ("tests/Lib.Tests", "normal dependency of Shop.Lib"),
        ])
    );
    assert_eq!(
        reasons(&run("props", "cpm", true)),
        owned(&[
            ("src/App", "normal dependency of Shop.Lib"),
            (
                "src/Lib",
                "central package version Newtonsoft.Json changed: Directory.Packages.props"
            ),
            ("tests/Lib.Tests", "normal dependency of Shop.Lib"),
        ])
    );
    // tools/Gen is in no solution and referenced by no member: its files are unowned.
    let out = run("cpm", "tool", true);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["affected"], serde_json::json!([]));
    assert_eq!(v["unowned"], serde_json::json!(["tools/Gen/Program.cs"]));
    assert_eq!(lines(&run("tool", "app-only", false)), ["App"]);
}

#[test]
fn dotnet_graph_and_analyze() {
    let (_g, repo) = build_fixture("monorepo_dotnet");
    let r = repo.to_str().expect("path");
    let out = repohealth(&["graph", r, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let nodes: Vec<(&str, &str, &str)> = v["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| {
            (
                n["name"].as_str().unwrap_or(""),
                n["path"].as_str().unwrap_or(""),
                n["ecosystem"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        nodes,
        [
            ("App", "src/App", "dotnet"),
            ("Shop.Lib", "src/Lib", "dotnet"),
            ("Util", "src/Util", "dotnet"),
            ("Lib.Tests", "tests/Lib.Tests", "dotnet"),
        ]
    );
    assert_eq!(
        v["edges"],
        serde_json::json!([
            {"from": "src/App", "to": "src/Lib", "kind": "normal"},
            {"from": "src/Lib", "to": "src/Util", "kind": "normal"},
            {"from": "tests/Lib.Tests", "to": "src/Lib", "kind": "normal"}
        ])
    );

    let v = analyze_json(&repo, Some(1_700_000_000 + 18_000), &[]);
    let m = &v["monorepo"];
    assert_eq!(m["packages"].as_array().map(Vec::len), Some(4));
    let by_subject = |s: &str| {
        v["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .find(|c| c["subject"] == s)
            .map(|c| c["packages"].clone())
            .expect("change")
    };
    let all = ["src/App", "src/Lib", "src/Util", "tests/Lib.Tests"];
    assert_eq!(
        by_subject("Change Util"),
        serde_json::json!({"changed": ["src/Util"], "affected": all})
    );
    assert_eq!(
        by_subject("Build props"),
        serde_json::json!({"changed": [], "affected": all})
    );
    assert_eq!(
        by_subject("Bump Newtonsoft.Json"),
        serde_json::json!({"changed": [], "affected": ["src/App", "src/Lib", "tests/Lib.Tests"]})
    );
    assert_eq!(
        by_subject("Tool"),
        serde_json::json!({"changed": [], "affected": []})
    );
    assert_eq!(
        by_subject("Change App"),
        serde_json::json!({"changed": ["src/App"], "affected": ["src/App"]})
    );
    // Mean affected share over 6 changes: (4 + 4 + 4 + 3 + 0 + 1) / 6 / 4 = 2/3 -> saving 1/3.
    let saving = m["audit"]["ci_saving"].as_f64().expect("ci_saving");
    assert!((saving - 1.0 / 3.0).abs() < 1e-9, "{saving}");
}

#[test]
fn pnpm_same_named_packages_resolve_like_pnpm() {
    let (_g, repo) = build_fixture("monorepo_pnpm_dupes");
    let run = |base: &str, head: &str, json: bool| affected(&repo, base, head, json);
    assert_eq!(
        lines(&run("base", "change-a", false)),
        ["legacy", "@t/ssr-html@packages/ssr-a"]
    );
    // app uses the 1.0.0 package: a change there reaches it (it used to resolve to ssr-a).
    assert_eq!(
        lines(&run("change-a", "change-b", false)),
        ["app", "@t/ssr-html@packages/ssr-b"]
    );
    assert_eq!(
        reasons(&run("change-a", "change-b", true)),
        owned(&[
            ("packages/app", "normal dependency of @t/ssr-html"),
            ("packages/ssr-b", "changed: packages/ssr-b/index.js"),
        ])
    );
    let out = repohealth(&["graph", repo.to_str().expect("path"), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        v["edges"],
        serde_json::json!([
            {"from": "packages/app", "to": "packages/ssr-b", "kind": "normal"},
            {"from": "packages/legacy", "to": "packages/ssr-a", "kind": "normal"}
        ])
    );
}
