//! `repohealth audit` end to end on the fixture family (fixtures/audit/family.sh): every
//! expected value is known from how the four repositories were built.

use crate::common::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

const T0: i64 = 1_700_000_000;
const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;

fn family() -> (tempfile::TempDir, PathBuf) {
    build_family("family")
}

/// Run `fixtures/audit/NAME.sh` into a fresh directory: the repositories of one family.
fn build_family(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let top = dir.path().join(name);
    let out = Command::new("bash")
        .arg(root().join(format!("fixtures/audit/{name}.sh")))
        .arg(&top)
        .output()
        .expect("run the family script");
    assert!(
        out.status.success(),
        "{name}.sh failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, top)
}

fn paths(top: &Path) -> Vec<String> {
    ["shared-lib", "api", "web", "tools"]
        .iter()
        .map(|r| top.join(r).to_string_lossy().into_owned())
        .collect()
}

fn audit(args: &[String], format: &str) -> std::process::Output {
    let until = format!("@{}", T0 + 40 * DAY);
    let mut all: Vec<&str> = vec!["audit"];
    all.extend(args.iter().map(String::as_str));
    all.extend([
        "--since", "all", "--until", &until, "--format", format, "--quiet",
    ]);
    repohealth(&all)
}

fn audit_json(args: &[String]) -> Value {
    let out = audit(args, "json");
    assert!(
        out.status.success(),
        "audit failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn rfc(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .expect("time")
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn rev(repo: &Path, spec: &str) -> String {
    let out = git(repo, &["rev-parse", spec]);
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The first-parent commit whose subject is `subject`.
fn by_subject(repo: &Path, subject: &str) -> String {
    let out = git(repo, &["log", "--first-parent", "--format=%H %s", "main"]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| {
            l.split_once(' ')
                .filter(|(_, s)| *s == subject)
                .map(|(h, _)| h.to_owned())
        })
        .unwrap_or_else(|| panic!("no commit {subject:?}"))
}

#[test]
fn family_dependencies_skew_and_adoption() {
    let (_g, top) = family();
    let a = audit_json(&paths(&top));
    let deps: Vec<(String, String, String, String, Value, Value)> = a["dependencies"]
        .as_array()
        .expect("dependencies")
        .iter()
        .flat_map(|d| {
            d["via"].as_array().expect("via").iter().map(move |v| {
                (
                    d["from"].as_str().unwrap_or_default().to_owned(),
                    d["to"].as_str().unwrap_or_default().to_owned(),
                    v["requires"].as_str().unwrap_or_default().to_owned(),
                    v["requirement"].as_str().unwrap_or_default().to_owned(),
                    v["skew"]["releases_behind"].clone(),
                    v["skew"]["behind_since"].clone(),
                )
            })
        })
        .collect();
    let since_v2 = json!(rfc(T0 + 30 * DAY + 10 * HOUR));
    assert_eq!(
        deps,
        vec![
            (
                "api".into(),
                "shared-lib".into(),
                "@acme/shared".into(),
                "^1.1.0".into(),
                json!(1),
                since_v2.clone()
            ),
            (
                "shared-lib".into(),
                "tools".into(),
                "@acme/util".into(),
                "^1.0.0".into(),
                json!(0),
                Value::Null
            ),
            (
                "tools".into(),
                "shared-lib".into(),
                "@acme/shared".into(),
                "^2.0.0".into(),
                json!(0),
                Value::Null
            ),
            (
                "web".into(),
                "shared-lib".into(),
                "@acme/shared".into(),
                "^1.0.0".into(),
                json!(1),
                since_v2
            ),
        ]
    );
    // The library's releases: three tags, each also a manifest version (the tag wins).
    let shared = &a["repositories"][0];
    assert_eq!(shared["name"], "shared-lib");
    let rel: Vec<(&str, &str)> = shared["releases"]
        .as_array()
        .expect("releases")
        .iter()
        .map(|r| {
            (
                r["version"].as_str().unwrap_or(""),
                r["tag"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        rel,
        [
            ("1.0.0", "v1.0.0"),
            ("1.1.0", "v1.1.0"),
            ("2.0.0", "v2.0.0")
        ]
    );
    // Two raises, one day and a day and six hours after the release they adopt.
    let bumps: Vec<(&str, &str, f64)> = a["adoption"]["bumps"]
        .as_array()
        .expect("bumps")
        .iter()
        .map(|b| {
            (
                b["from"].as_str().unwrap_or(""),
                b["version"].as_str().unwrap_or(""),
                b["delay_days"].as_f64().unwrap_or(-1.0),
            )
        })
        .collect();
    assert_eq!(bumps, [("api", "1.1.0", 1.0), ("tools", "2.0.0", 1.25)]);
    assert_eq!(a["adoption"]["median_days"], json!(1.0));
    assert_eq!(a["adoption"]["p90_days"], json!(1.25));
    assert_eq!(
        a["adoption"]["bumps"][0]["commit"],
        json!(by_subject(&top.join("api"), "Bump @acme/shared to ^1.1.0"))
    );
    assert_eq!(
        a["adoption"]["bumps"][0]["release_commit"],
        json!(rev(&top.join("shared-lib"), "v1.1.0"))
    );
}

/// (strongest evidence, repositories, evidence details, landing subjects).
type SetRow = (String, Vec<String>, Vec<String>, Vec<String>);

#[test]
fn family_sets_coupling_teams_and_verdict() {
    let (_g, top) = family();
    let a = audit_json(&paths(&top));
    let sets: Vec<SetRow> = a["change_sets"]
        .as_array()
        .expect("sets")
        .iter()
        .map(|s| {
            let strs = |v: &Value, k: &str| -> Vec<String> {
                v.as_array()
                    .expect("array")
                    .iter()
                    .map(|x| x[k].as_str().or(x.as_str()).unwrap_or("").to_owned())
                    .collect()
            };
            (
                s["strongest"].as_str().unwrap_or("").to_owned(),
                strs(&s["repositories"], ""),
                strs(&s["evidence"], "detail"),
                strs(&s["landings"], "subject"),
            )
        })
        .collect();
    let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        sets,
        vec![
            (
                "issue_key".into(),
                v(&["api", "shared-lib", "web"]),
                v(&["PAY-12"]),
                v(&[
                    "Add formatDate (PAY-12)",
                    "Use formatDate for invoices (PAY-12)",
                    "Show invoice dates (PAY-12)"
                ])
            ),
            (
                "same_branch".into(),
                v(&["api", "shared-lib"]),
                v(&["feat/checkout"]),
                v(&[
                    "Merge branch 'feat/checkout'",
                    "Merge branch 'feat/checkout'"
                ])
            ),
            (
                "bump_after_release".into(),
                v(&["api", "shared-lib"]),
                v(&["@acme/shared 1.1.0"]),
                v(&["Release 1.1.0", "Bump @acme/shared to ^1.1.0"])
            ),
            (
                "cross_reference".into(),
                v(&["api", "web"]),
                v(&["web#3"]),
                v(&[
                    "Share the session format",
                    "Merge pull request #3 from acme/session-format"
                ])
            ),
            (
                "bump_after_release".into(),
                v(&["shared-lib", "tools"]),
                v(&["@acme/shared 2.0.0"]),
                v(&["Release 2.0.0", "Move to @acme/shared 2"])
            ),
        ]
    );
    assert_eq!(
        a["change_sets"][3]["landings"][1]["commit"],
        json!(by_subject(
            &top.join("web"),
            "Merge pull request #3 from acme/session-format"
        ))
    );
    // The weakest evidence, apart: alice in shared-lib and api three hours apart.
    let weak = a["author_window_sets"].as_array().expect("weak");
    assert_eq!(weak.len(), 1);
    assert_eq!(weak[0]["repositories"], json!(["api", "shared-lib"]));
    assert_eq!(weak[0]["landings"][0]["subject"], "Fix rounding");
    assert_eq!(weak[0]["landings"][1]["subject"], "Tune logging");

    let c = &a["coupling"];
    assert_eq!(c["landings"], 20);
    assert_eq!(c["coordinated_landings"], 11);
    assert_eq!(c["coordinated_share"], json!(0.55));
    assert_eq!(c["by_repos_spanned"], json!({"2": 4, "3": 1}));
    assert_eq!(c["share_spanning_3_plus"], json!(0.2));
    assert_eq!(
        c["author_window"],
        json!({"sets": 1, "landings": 2, "share": 0.1})
    );
    // Units of work: 20 - 11 landings outside sets + 5 sets = 14.
    assert_eq!(
        c["pairs"],
        json!([
            {"a": "api", "b": "shared-lib", "sets": 3, "support": 0.21, "confidence": 0.5},
            {"a": "api", "b": "web", "sets": 2, "support": 0.14, "confidence": 0.5},
            {"a": "shared-lib", "b": "tools", "sets": 1, "support": 0.07, "confidence": 0.33},
            {"a": "shared-lib", "b": "web", "sets": 1, "support": 0.07, "confidence": 0.25},
        ])
    );

    let t = &a["teams"];
    assert_eq!(t["team_size"], 5);
    assert_eq!(t["disjoint"], json!(["tools"]));
    assert_eq!(t["per_repository"][3]["authors"], json!(["Frank Fisher"]));
    assert_eq!(
        a["repositories"][1]["ci"]["path_aware_files"],
        json!([".github/workflows/ci.yml"])
    );

    // The cycle only the merged graph has; the CI replay of the five sets.
    assert_eq!(a["merged"]["packages"], 4);
    assert_eq!(
        a["merged"]["new_cycles"],
        json!([{"edges": "normal", "packages": ["shared-lib:.", "tools:."]}])
    );
    let affected: Vec<u64> = a["ci_saving"]["replay"]
        .as_array()
        .expect("replay")
        .iter()
        .map(|r| r["affected"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(affected, [4, 4, 4, 2, 4]);
    assert_eq!(a["ci_saving"]["saving_vs_build_all"], json!(0.1));

    let verdict = &a["verdict"];
    assert_eq!(verdict["decision"], "migrate");
    assert_eq!(
        verdict["first"],
        json!(["api", "shared-lib", "web", "tools"])
    );
    assert_eq!(verdict["tooling"]["tool"], "Turborepo");
    let met: Vec<(String, Value)> = verdict["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .map(|r| {
            (
                r["factor"].as_str().unwrap_or("").to_owned(),
                r["met"].clone(),
            )
        })
        .collect();
    assert_eq!(
        met,
        vec![
            ("coupling".into(), json!(true)),
            ("sets_spanning_3_plus".into(), json!(false)),
            ("shared_library_versioning".into(), json!(false)),
            ("team_size".into(), json!(true)),
            ("stacks".into(), json!(true)),
            ("ci_path_aware".into(), json!(true)),
            ("team_autonomy".into(), json!(false)),
            ("access_control".into(), Value::Null),
        ]
    );
    assert!(verdict["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .all(|r| r["source"]["url"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://"))));
}

#[test]
fn names_default_to_origin_then_directory_and_must_differ() {
    let (_g, top) = family();
    let api = top.join("api");
    assert!(git(
        &api,
        &[
            "remote",
            "add",
            "origin",
            "git@github.com:acme/payments-api.git"
        ]
    )
    .status
    .success());
    let a = audit_json(&[
        api.to_string_lossy().into_owned(),
        top.join("web").to_string_lossy().into_owned(),
    ]);
    let names: Vec<&str> = a["repositories"]
        .as_array()
        .expect("repos")
        .iter()
        .map(|r| r["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, ["payments-api", "web"]);
    // Two repositories named alike: exit 2, naming both paths.
    let web = top.join("web").to_string_lossy().into_owned();
    let out = audit(
        &[web.clone(), format!("web={}", top.join("tools").display())],
        "json",
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("two repositories are named 'web'") && err.contains(&web),
        "{err}"
    );
    // A path that is no repository names itself.
    let out = audit(&[top.to_string_lossy().into_owned()], "json");
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn table_and_markdown_views_show_the_same_figures() {
    let (_g, top) = family();
    let md = audit(&paths(&top), "markdown");
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(md.contains("Verdict: migrate."), "{md}");
    assert!(md.contains("| api | shared-lib | 3 | 21% | 50% |"), "{md}");
    assert!(
        md.contains("| normal | shared-lib:. -&gt; tools:. |"),
        "{md}"
    );
    let table = audit(&paths(&top), "table");
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("Coordinated change sets"), "{table}");
    assert!(table.contains("11 of 20 landings (55%)"), "{table}");
}

#[test]
fn one_monorepo_gets_the_reverse_questions() {
    let (_g, repo) = build_fixture("monorepo_cargo");
    let a = audit_json(&[repo.to_string_lossy().into_owned()]);
    let rev = &a["reverse"];
    assert_eq!(rev["packages"], 4);
    // Five landings: the workspace (all four crates), a, README, the toolchain (global), d.
    // Only the first touches two packages; a and d changed with the others there, so no
    // package never changed with another. Affected shares 4, 4, 0, 4, 1 of 4: 35% saved.
    assert_eq!(rev["landings"], 5);
    assert_eq!(rev["multi_package_share"], json!(0.2));
    assert_eq!(rev["split_candidates"], json!([]));
    assert_eq!(rev["ci_saving"], json!(0.35));
    assert_eq!(a["verdict"]["decision"], "insufficient_evidence");
    assert_eq!(a["dependencies"], json!([]));
}

#[test]
fn analyze_views_show_the_monorepo_section() {
    let (_g, repo) = build_fixture("monorepo_cargo");
    let r = repo.to_str().expect("path");
    let md = repohealth(&["analyze", r, "--since", "all", "--format", "markdown"]);
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(md.contains("## Monorepo"), "{md}");
    assert!(md.contains("| cargo | 4 |"), "{md}");
    assert!(md.contains("| cargo | normal | 2 |"), "{md}");
    let t = repohealth(&["analyze", r, "--since", "all", "--format", "table"]);
    let t = String::from_utf8_lossy(&t.stdout);
    assert!(t.contains("Packages by ecosystem"), "{t}");
}

/// Every audit output validates against docs/audit.schema.json (closed objects: a field added,
/// removed or made nullable without the schema saying so fails here).
#[test]
fn audit_output_matches_its_schema() {
    let text = std::fs::read_to_string(root().join("docs/audit.schema.json")).expect("schema");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    let v = jsonschema::draft202012::new(&schema).expect("schema compiles");
    let (_g, top) = family();
    let (_m, mono) = build_fixture("monorepo_cargo");
    for (what, out) in [
        ("family", audit_json(&paths(&top))),
        (
            "one monorepo",
            audit_json(&[mono.to_string_lossy().into_owned()]),
        ),
    ] {
        let errs: Vec<String> = v
            .iter_errors(&out)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errs.is_empty(), "{what}:\n{}", errs.join("\n"));
    }
    // The schema is closed: an unknown field fails.
    let mut bad = audit_json(&paths(&top));
    bad["coupling"]["extra"] = json!(1);
    assert!(!v.is_valid(&bad));
}

/// Gradle builds publish `group:project` coordinates and consume coordinates; a Maven project
/// and a Gradle build that require what a Gradle build publishes are edges to it
/// (fixtures/audit/jvm.sh).
#[test]
fn gradle_and_maven_coordinates_are_edges_across_repositories() {
    let (_g, top) = build_family("jvm");
    let args: Vec<String> = ["platform", "billing", "mobile"]
        .iter()
        .map(|r| top.join(r).to_string_lossy().into_owned())
        .collect();
    let j = audit_json(&args);
    let names: Vec<&str> = j["repositories"][0]["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["platform", "com.acme:core", "com.acme:testkit"]);
    let edges: Vec<(String, String, String, String, String)> = j["dependencies"]
        .as_array()
        .expect("dependencies")
        .iter()
        .flat_map(|d| {
            d["via"].as_array().expect("via").iter().map(move |v| {
                (
                    d["from"].as_str().expect("from").to_owned(),
                    d["to"].as_str().expect("to").to_owned(),
                    v["requires"].as_str().expect("requires").to_owned(),
                    v["requirement"].as_str().expect("requirement").to_owned(),
                    v["kind"].as_str().expect("kind").to_owned(),
                )
            })
        })
        .collect();
    let e = |f: &str, t: &str, r: &str, v: &str, k: &str| {
        (f.into(), t.into(), r.into(), v.into(), k.into())
    };
    assert_eq!(
        edges,
        [
            e("billing", "platform", "com.acme:core", "1.1.0", "normal"),
            e("billing", "platform", "com.acme:testkit", "1.2.0", "dev"),
            e("mobile", "platform", "com.acme:core", "1.2.0", "normal"),
        ]
    );
}
