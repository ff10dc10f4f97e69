//! The JSON contract: the real outputs of `analyze`, `affected` and `graph` on fixture
//! repositories validate against docs/schema.json. Every object in the schema is closed
//! (`additionalProperties: false`), so a field added to the Rust output but not to the schema
//! fails here; so does a field removed, renamed or made nullable without the schema saying so.

use crate::common::{analyze_json, build_fixture, repohealth, root};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

fn schema() -> Value {
    let text = std::fs::read_to_string(root().join("docs/schema.json")).expect("docs/schema.json");
    serde_json::from_str(&text).expect("docs/schema.json is JSON")
}

/// A validator for one of the three outputs: the schema with its top-level `$ref` pointed at
/// `#/$defs/<def>`.
fn validator(def: &str) -> jsonschema::Validator {
    let mut s = schema();
    assert!(
        s["$defs"][def].is_object(),
        "docs/schema.json has no $defs/{def}"
    );
    s["$ref"] = json!(format!("#/$defs/{def}"));
    jsonschema::draft202012::new(&s).expect("docs/schema.json compiles")
}

fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| {
            let mut msg = format!("{}: {e}", e.instance_path());
            if msg.len() > 400 {
                let mut end = 400;
                while !msg.is_char_boundary(end) {
                    end -= 1;
                }
                msg.truncate(end);
                msg.push_str("...");
            }
            msg
        })
        .collect()
}

fn assert_valid(def: &str, what: &str, instance: &Value) {
    // A nullable section fails as a whole ("not valid under any of the schemas listed in
    // anyOf"); validate it on its own first for errors that name the field.
    if def == "analysis" && instance["monorepo"].is_object() {
        assert_valid(
            "monorepo",
            &format!("{what}, monorepo section"),
            &instance["monorepo"],
        );
    }
    let errs = errors(&validator(def), instance);
    assert!(
        errs.is_empty(),
        "{what} does not match docs/schema.json#/$defs/{def}:\n{}",
        errs.join("\n")
    );
}

fn run_json(args: &[&str]) -> Value {
    let out = repohealth(args);
    assert!(
        out.status.success(),
        "repohealth {args:?} failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

fn p(repo: &Path) -> &str {
    repo.to_str().expect("utf-8 path")
}

#[test]
fn schema_is_a_valid_draft_2020_12_schema() {
    let s = schema();
    assert_eq!(
        s["$schema"],
        json!("https://json-schema.org/draft/2020-12/schema")
    );
    assert!(
        jsonschema::meta::is_valid(&s),
        "docs/schema.json is not a valid JSON Schema"
    );
    assert_eq!(s["$ref"], json!("#/$defs/analysis"));
    for def in ["analysis", "affected", "graph"] {
        assert!(s["$defs"][def].is_object(), "missing $defs/{def}");
    }
    assert_eq!(
        s["$defs"]["analysis"]["properties"]["schema_version"]["const"],
        json!(1)
    );
}

/// Every object schema with `properties` is closed, so that an unlisted field fails.
#[test]
fn every_object_in_the_schema_is_closed() {
    fn walk(v: &Value, at: &str, open: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if m.contains_key("properties")
                    && m.get("additionalProperties") != Some(&json!(false))
                {
                    open.push(at.to_owned());
                }
                if m.contains_key("properties") {
                    let props = m["properties"].as_object().expect("properties");
                    let req: Vec<&str> = m["required"]
                        .as_array()
                        .unwrap_or_else(|| panic!("{at}: no required list"))
                        .iter()
                        .map(|r| r.as_str().expect("string"))
                        .collect();
                    for r in &req {
                        assert!(
                            props.contains_key(*r),
                            "{at}: required {r} is not a property"
                        );
                    }
                }
                for (k, x) in m {
                    walk(x, &format!("{at}/{k}"), open);
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    walk(x, &format!("{at}/{i}"), open);
                }
            }
            _ => {}
        }
    }
    let mut open = Vec::new();
    walk(&schema(), "#", &mut open);
    assert!(
        open.is_empty(),
        "objects without additionalProperties: false: {open:?}"
    );
}

#[test]
fn analyze_outputs_match_the_schema() {
    for name in [
        "github_flow",
        "gitflow",
        "gitflow_parallel",
        "github_squash",
        "github_merge",
        "github_rebase",
        "trunk_direct",
        "platforms",
        "edge_cases",
        "content",
        "monorepo_cargo",
        "monorepo_dotnet",
    ] {
        let (_dir, repo) = build_fixture(name);
        let out = analyze_json(&repo, None, &[]);
        assert_valid("analysis", &format!("analyze {name}"), &out);
        if name.starts_with("monorepo_") {
            assert!(out["monorepo"].is_object(), "{name} has a monorepo section");
            assert!(
                out["changes"][0]["packages"].is_object(),
                "monorepo changes carry packages"
            );
        } else {
            assert!(out["monorepo"].is_null(), "{name}: no monorepo section");
        }
    }
}

/// An empty window: no landed changes, so most statistics are null and the model is unknown.
#[test]
fn analyze_of_an_empty_window_matches_the_schema() {
    let (_dir, repo) = build_fixture("github_flow");
    let out = run_json(&[
        "analyze",
        p(&repo),
        "--format",
        "json",
        "--since",
        "30d",
        "--quiet",
    ]);
    assert_eq!(out["changes"], json!([]), "fixtures are dated long ago");
    assert_eq!(out["detected_model"], json!("unknown"));
    assert_valid("analysis", "analyze github_flow --since 30d", &out);
}

/// A workspace with a root package, a manifest that does not parse (diagnostics), a dev-edge
/// cycle, two packages that change together (co-change) and a removed package: the monorepo
/// objects the fixture leaves empty.
fn rich_monorepo(dir: &Path) -> std::path::PathBuf {
    let repo = dir.join("rich");
    let files: &[(&str, &str)] = &[
        (
            "Cargo.toml",
            "[package]\nname = \"top\"\nversion = \"0.1.0\"\n\n[workspace]\nmembers = [\"crates/*\"]\n",
        ),
        ("src/lib.rs", ""),
        (
            "crates/a/Cargo.toml",
            "[package]\nname = \"a\"\nversion = \"0.1.0\"\n\n[dev-dependencies]\nb = { path = \"../b\" }\n",
        ),
        ("crates/a/src/lib.rs", ""),
        (
            "crates/b/Cargo.toml",
            "[package]\nname = \"b\"\nversion = \"0.1.0\"\n\n[dev-dependencies]\na = { path = \"../a\" }\n",
        ),
        ("crates/b/src/lib.rs", ""),
        (
            "crates/gone/Cargo.toml",
            "[package]\nname = \"gone\"\nversion = \"0.1.0\"\n",
        ),
        ("crates/gone/src/lib.rs", ""),
        ("crates/broken/Cargo.toml", "[package\nname = \n"),
    ];
    for (path, text) in files {
        let f = repo.join(path);
        std::fs::create_dir_all(f.parent().expect("parent")).expect("mkdir");
        std::fs::write(f, text).expect("write");
    }
    let mut when = 1_700_000_000;
    let mut git = |args: &[&str]| {
        when += 3600;
        let date = format!("@{when} +0000");
        let out = Command::new("git")
            .arg("-C")
            .arg(&repo)
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Alice")
            .env("GIT_AUTHOR_EMAIL", "alice@example.com")
            .env("GIT_COMMITTER_NAME", "Alice")
            .env("GIT_COMMITTER_EMAIL", "alice@example.com")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .output()
            .expect("run git");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "Workspace"]);
    git(&["tag", "base"]);
    for i in 1..=2 {
        for c in ["a", "b"] {
            let f = repo.join(format!("crates/{c}/src/lib.rs"));
            let mut text = std::fs::read_to_string(&f).expect("read");
            text.push_str(&format!("// {i}\n"));
            std::fs::write(f, text).expect("write");
        }
        git(&["commit", "-q", "-a", "-m", &format!("Change a and b, {i}")]);
    }
    git(&["rm", "-q", "-r", "crates/gone"]);
    git(&["commit", "-q", "-m", "Remove gone"]);
    repo
}

#[test]
fn analyze_of_a_richer_monorepo_matches_the_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = rich_monorepo(dir.path());
    let out = analyze_json(&repo, None, &[]);
    let m = &out["monorepo"];
    assert!(!m["diagnostics"].as_array().expect("diagnostics").is_empty());
    assert!(!m["audit"]["co_change"]
        .as_array()
        .expect("co_change")
        .is_empty());
    assert!(m["audit"]["cycles"]["dev"].is_array(), "a dev cycle");
    assert_valid("analysis", "analyze rich monorepo", &out);

    let aff = run_json(&["affected", p(&repo), "--base", "base", "--format", "json"]);
    assert!(!aff["removed"].as_array().expect("removed").is_empty());
    assert_valid("affected", "affected rich monorepo", &aff);

    let graph = run_json(&["graph", p(&repo), "--format", "json"]);
    assert_valid("graph", "graph rich monorepo", &graph);
}

#[test]
fn affected_outputs_match_the_schema() {
    let (_dir, repo) = build_fixture("monorepo_cargo");
    for (base, head) in [
        ("base", "lib-change"),
        ("lib-change", "readme"),
        ("readme", "toolchain"),
        ("base", "d-only"),
        // An unresolvable base: everything affected, merge_base null, all_reason set.
        ("no-such-revision", "HEAD"),
    ] {
        let out = run_json(&[
            "affected",
            p(&repo),
            "--base",
            base,
            "--head",
            head,
            "--format",
            "json",
        ]);
        assert_valid("affected", &format!("affected {base}...{head}"), &out);
    }
}

#[test]
fn graph_outputs_match_the_schema() {
    let (_dir, repo) = build_fixture("monorepo_cargo");
    for rev in ["HEAD", "base"] {
        let out = run_json(&["graph", p(&repo), "--rev", rev, "--format", "json"]);
        assert!(!out["edges"].as_array().expect("edges").is_empty());
        assert_valid("graph", &format!("graph --rev {rev}"), &out);
    }
}

/// A way to break a valid output, and what it breaks.
type Mutation = (&'static str, Box<dyn Fn(&mut Value)>);

/// The schema is strict where the Rust types are: an unknown field anywhere, a missing field,
/// a null where the type is not an Option or a value outside an enum fails.
#[test]
fn schema_rejects_what_the_rust_types_cannot_produce() {
    let (_dir, repo) = build_fixture("monorepo_cargo");
    let good = analyze_json(&repo, None, &[]);
    let v = validator("analysis");
    assert!(errors(&v, &good).is_empty());

    let mutations: Vec<Mutation> = vec![
        ("extra top-level field", Box::new(|a| a["extra"] = json!(1))),
        (
            "extra change field",
            Box::new(|a| a["changes"][0]["extra"] = json!(1)),
        ),
        (
            "extra metrics field",
            Box::new(|a| a["metrics"]["extra"] = json!(1)),
        ),
        (
            "extra cadence field",
            Box::new(|a| a["metrics"]["cadence"]["dora"]["extra"] = json!(1)),
        ),
        (
            "extra audit field",
            Box::new(|a| a["monorepo"]["audit"]["extra"] = json!(1)),
        ),
        (
            "extra criterion field",
            Box::new(|a| a["scores"]["gitflow"]["criteria"][0]["extra"] = json!(1)),
        ),
        (
            "missing field",
            Box::new(|a| {
                a["changes"][0]
                    .as_object_mut()
                    .expect("change")
                    .remove("strategy");
            }),
        ),
        (
            "null where not an Option",
            Box::new(|a| a["changes"][0]["landed_at"] = Value::Null),
        ),
        (
            "null packages (skipped, never null)",
            Box::new(|a| a["changes"][0]["packages"] = Value::Null),
        ),
        (
            "unknown strategy",
            Box::new(|a| a["changes"][0]["strategy"] = json!("fast_forward")),
        ),
        (
            "short commit id",
            Box::new(|a| a["changes"][0]["commit"] = json!("abc123")),
        ),
        (
            "timestamp as a number",
            Box::new(|a| a["window"]["until"] = json!(1_700_000_000)),
        ),
        (
            "other schema_version",
            Box::new(|a| a["schema_version"] = json!(2)),
        ),
        (
            "unknown model key in scores",
            Box::new(|a| a["scores"]["waterfall"] = a["scores"]["gitflow"].clone()),
        ),
    ];
    for (what, mutate) in mutations {
        let mut bad = good.clone();
        mutate(&mut bad);
        assert!(
            !errors(&v, &bad).is_empty(),
            "the schema accepts an output with {what}"
        );
    }

    let out = run_json(&["graph", p(&repo), "--format", "json"]);
    let g = validator("graph");
    let mut bad = out.clone();
    bad["edges"][0]["kind"] = json!("transitive");
    assert!(!errors(&g, &bad).is_empty(), "unknown edge kind accepted");
    let mut bad = out;
    bad["nodes"][0]["version"] = json!("0.1.0");
    assert!(!errors(&g, &bad).is_empty(), "extra node field accepted");
}
