//! Cargo workspaces (rules 12-23).

use crate::monorepo::testutil::*;
use crate::monorepo::*;

#[test]
fn rule_12_member_globs_do_not_cross_slash() {
    let snap = MemSnap::new(&[
        ("Cargo.toml", WS),
        ("crates/a/Cargo.toml", &krate("a")),
        ("crates/a/nested/Cargo.toml", &krate("nested")),
        ("crates/empty/README.md", "no manifest"),
    ]);
    let ws = discover(&snap, &Config::default());
    assert_eq!(dirs(&ws), vec!["crates/a"]);
    assert_eq!(ws.barriers, vec!["crates/a/nested"]);
    assert_eq!(
        ws.diagnostics,
        vec![Diagnostic {
            file: "Cargo.toml".into(),
            line: None,
            message: "member \"crates/empty\" (from \"crates/*\") has no Cargo.toml".into()
        }]
    );
}

#[test]
fn rule_13_exclude_is_a_path_prefix_and_a_barrier() {
    let root =
        "[workspace]\nmembers = [\"crates/*\"]\nexclude = [\"crates/skip\", \"crates/sk\"]\n";
    let files = [
        ("Cargo.toml", root),
        ("crates/skip/Cargo.toml", &krate("skip") as &str),
        ("crates/skipper/Cargo.toml", &krate("skipper")),
    ];
    let (base, head) = revise(
        &files,
        &[
            ("crates/skip/src/lib.rs", Some("1")),
            ("crates/skipper/src/lib.rs", Some("1")),
        ],
    );
    let ws = discover(&head, &Config::default());
    assert_eq!(dirs(&ws), vec!["crates/skipper"]);
    let r = run(&base, &head, &opts());
    assert_eq!(
        pr(&r.changed),
        pairs(&[("crates/skipper", "changed: crates/skipper/src/lib.rs")])
    );
    assert_eq!(r.unowned, vec!["crates/skip/src/lib.rs"]);
}

#[test]
fn rule_14_path_dependencies_under_the_root_are_members() {
    let a = krate_deps(
        "a",
        "[dependencies]\nhelper = { path = \"../../tools/helper\" }\nown = { path = \"../../own\" }\nout = { path = \"../../excluded\" }",
    );
    let root = "[workspace]\nmembers = [\"crates/a\"]\nexclude = [\"excluded\"]\n";
    let snap = MemSnap::new(&[
        ("Cargo.toml", root),
        ("crates/a/Cargo.toml", &a),
        ("tools/helper/Cargo.toml", &krate("helper")),
        ("own/Cargo.toml", "[package]\nname = \"own\"\n[workspace]\n"),
        ("excluded/Cargo.toml", &krate("out")),
    ]);
    let ws = discover(&snap, &Config::default());
    assert_eq!(dirs(&ws), vec!["crates/a", "tools/helper"]);
    assert_eq!(
        edges(&ws),
        vec![("crates/a".into(), "tools/helper".into(), EdgeKind::Normal)]
    );
    assert_eq!(ws.barriers, vec!["excluded", "own"]);
}

#[test]
fn rule_15_root_package_with_workspace_and_default_members() {
    let root = "[package]\nname = \"app\"\nversion = \"1.0.0\"\n[dependencies]\na = { path = \"crates/a\" }\n[workspace]\nmembers = [\"crates/*\"]\ndefault-members = [\".\"]\n";
    let files = [
        ("Cargo.toml", root),
        ("crates/a/Cargo.toml", &krate("a") as &str),
        ("crates/b/Cargo.toml", &krate("b")),
    ];
    let ws = discover(&MemSnap::new(&files), &Config::default());
    assert_eq!(dirs(&ws), vec!["", "crates/a", "crates/b"]);
    let (base, head) = revise(&files, &[("crates/a/src/lib.rs", Some("1"))]);
    let r = run(&base, &head, &opts());
    assert_eq!(
        pr(&r.affected),
        pairs(&[
            (".", "normal dependency of a"),
            ("crates/a", "changed: crates/a/src/lib.rs")
        ])
    );
}

#[test]
fn rule_16_every_dependency_table_form() {
    let a = krate_deps(
        "a",
        "[dev_dependencies]\nb = { path = \"../b\" }\n\
         [build-dependencies]\nc = { path = \"../c\" }\n\
         [target.'cfg(unix)'.dependencies]\nd = { path = \"../d\" }\n\
         [target.'cfg(windows)'.dev-dependencies]\ne = { path = \"../e\" }\n\
         [dependencies.f]\npath = \"../f\"\nversion = \"0.1\"\n",
    );
    let mut files: Vec<(String, String)> = vec![
        ("Cargo.toml".into(), WS.into()),
        ("crates/a/Cargo.toml".into(), a),
    ];
    for n in ["b", "c", "d", "e", "f"] {
        files.push((format!("crates/{n}/Cargo.toml"), krate(n)));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let ws = discover(&MemSnap::new(&refs), &Config::default());
    let e = |t: &str, k| ("crates/a".to_string(), format!("crates/{t}"), k);
    assert_eq!(
        edges(&ws),
        vec![
            e("b", EdgeKind::Dev),
            e("c", EdgeKind::Build),
            e("d", EdgeKind::Normal),
            e("e", EdgeKind::Dev),
            e("f", EdgeKind::Normal)
        ]
    );
}

#[test]
fn rule_17_workspace_inheritance_resolves_from_the_root() {
    let root = "[workspace]\nmembers = [\"crates/*\"]\n[workspace.dependencies]\nb = { path = \"crates/b\" }\nserde = \"1\"\n[workspace.lints.rust]\nunsafe_code = \"forbid\"\n";
    let a = krate_deps("a", "[dependencies]\nb = { workspace = true }\nserde.workspace = true\n[lints]\nworkspace = true");
    let ws = discover(
        &MemSnap::new(&[
            ("Cargo.toml", root),
            ("crates/a/Cargo.toml", &a),
            ("crates/b/Cargo.toml", &krate("b")),
        ]),
        &Config::default(),
    );
    assert_eq!(
        edges(&ws),
        vec![("crates/a".into(), "crates/b".into(), EdgeKind::Normal)]
    );
    assert_eq!(ws.packages[0].inherits, vec!["b", "serde"]);
    assert!(ws.diagnostics.is_empty(), "{:?}", ws.diagnostics);
}

#[test]
fn rule_18_renamed_dependencies_are_found_by_path() {
    let a = krate_deps(
        "a",
        "[dependencies]\nalias = { package = \"real-b\", path = \"../b\" }",
    );
    let ws = discover(
        &MemSnap::new(&[
            ("Cargo.toml", WS),
            ("crates/a/Cargo.toml", &a),
            ("crates/b/Cargo.toml", &krate("real-b")),
        ]),
        &Config::default(),
    );
    assert_eq!(
        edges(&ws),
        vec![("crates/a".into(), "crates/b".into(), EdgeKind::Normal)]
    );
    assert_eq!(ws.packages[0].dep_names, vec!["real-b"]);
}

#[test]
fn rule_19_optional_dependencies() {
    let a = krate_deps(
        "a",
        "[dependencies]\nb = { path = \"../b\", optional = true }\n[features]\nfast = [\"dep:b\"]",
    );
    let files = [
        ("Cargo.toml", WS),
        ("crates/a/Cargo.toml", &a as &str),
        ("crates/b/Cargo.toml", &krate("b")),
    ];
    let ws = discover(&MemSnap::new(&files), &Config::default());
    assert_eq!(
        edges(&ws),
        vec![("crates/a".into(), "crates/b".into(), EdgeKind::Optional)]
    );
    let (base, head) = revise(&files, &[("crates/b/src/lib.rs", Some("1"))]);
    let r = run(&base, &head, &opts());
    assert_eq!(
        pr(&r.affected),
        pairs(&[
            ("crates/a", "optional dependency of b"),
            ("crates/b", "changed: crates/b/src/lib.rs")
        ])
    );
}

#[test]
fn rule_20_patch_and_replace_make_local_edges() {
    let root = "[workspace]\nmembers = [\"crates/*\"]\n[patch.crates-io]\nb = { path = \"vendor/b\" }\n[replace]\n\"c:1.0.0\" = { path = \"vendor/c\" }\n";
    let a = krate_deps("a", "[dependencies]\nb = \"1\"\nc = \"1\"\nd = \"1\"");
    let ws = discover(
        &MemSnap::new(&[
            ("Cargo.toml", root),
            ("crates/a/Cargo.toml", &a),
            ("vendor/b/Cargo.toml", &krate("b")),
            ("vendor/c/Cargo.toml", &krate("c")),
        ]),
        &Config::default(),
    );
    assert_eq!(
        edges(&ws),
        vec![
            ("crates/a".into(), "vendor/b".into(), EdgeKind::Normal),
            ("crates/a".into(), "vendor/c".into(), EdgeKind::Normal)
        ]
    );
}

#[test]
fn rule_21_root_manifest_is_diffed_by_meaning() {
    let root = |extra: &str| {
        format!(
            "[package]\nname = \"app\"\nversion = \"1.0.0\"\n[workspace]\nmembers = [\"crates/*\"]\n[workspace.dependencies]\nserde = \"1.0.1\"\nlog = \"0.4\"\n{extra}"
        )
    };
    let a = krate_deps("a", "[dependencies]\nserde = { workspace = true }");
    let b = krate_deps("b", "[dependencies]\nlog.workspace = true");
    let c = krate_deps("c", "[dependencies]\na = { path = \"../a\" }");
    let base_root = root("");
    let files = [
        ("Cargo.toml", base_root.as_str()),
        ("crates/a/Cargo.toml", &a),
        ("crates/b/Cargo.toml", &b),
        ("crates/c/Cargo.toml", &c),
    ];
    // workspace.dependencies.serde: only its inheritors (and their dependents).
    let bumped = base_root.replace("1.0.1", "1.0.2");
    let (bs, hs) = revise(&files, &[("Cargo.toml", Some(&bumped))]);
    let r = run(&bs, &hs, &opts());
    assert!(r.changed.is_empty());
    assert_eq!(
        pr(&r.affected),
        pairs(&[
            ("crates/a", "workspace dependency serde changed"),
            ("crates/c", "normal dependency of a")
        ])
    );
    // [profile] => everything.
    let prof = root("[profile.release]\nlto = true\n");
    let (bs, hs) = revise(&files, &[("Cargo.toml", Some(&prof))]);
    let r = run(&bs, &hs, &opts());
    assert!(r.all);
    assert_eq!(
        r.all_reason.as_deref(),
        Some("Cargo.toml: [profile] changed")
    );
    assert_eq!(r.affected.len(), 4);
    // workspace.lints => everything.
    let lints = root("[workspace.lints.rust]\nunsafe_code = \"deny\"\n");
    let (bs, hs) = revise(&files, &[("Cargo.toml", Some(&lints))]);
    assert_eq!(
        run(&bs, &hs, &opts()).all_reason.as_deref(),
        Some("Cargo.toml: workspace.lints changed")
    );
    // Root [package] => the root package only.
    let pkg = base_root.replace("version = \"1.0.0\"", "version = \"1.1.0\"");
    let (bs, hs) = revise(&files, &[("Cargo.toml", Some(&pkg))]);
    let r = run(&bs, &hs, &opts());
    assert_eq!(pr(&r.affected), pairs(&[(".", "changed: Cargo.toml")]));
    // members => graph rebuilt; the new member is added, nothing else.
    let more = base_root.replace("[\"crates/*\"]", "[\"crates/*\", \"tools/x\"]");
    let (bs, hs) = revise(
        &files,
        &[
            ("Cargo.toml", Some(&more)),
            ("tools/x/Cargo.toml", Some(&krate("x"))),
        ],
    );
    let r = run(&bs, &hs, &opts());
    assert_eq!(
        pr(&r.affected),
        pairs(&[("tools/x", "changed: tools/x/Cargo.toml")])
    );
}

fn lock(entries: &[(&str, &str, Option<&str>, &[&str])]) -> String {
    let mut s = String::from("version = 3\n");
    for (n, v, src, deps) in entries {
        s.push_str(&format!(
            "\n[[package]]\nname = \"{n}\"\nversion = \"{v}\"\n"
        ));
        if let Some(src) = src {
            s.push_str(&format!("source = \"{src}\"\nchecksum = \"{n}{v}\"\n"));
        }
        if !deps.is_empty() {
            let d: Vec<String> = deps.iter().map(|d| format!("\"{d}\"")).collect();
            s.push_str(&format!("dependencies = [{}]\n", d.join(", ")));
        }
    }
    s
}

#[test]
fn rule_22_cargo_lock_is_diffed_as_a_resolved_graph() {
    const REG: Option<&str> = Some("registry+https://github.com/rust-lang/crates.io-index");
    let a = krate_deps(
        "a",
        "[dependencies]\nserde = \"1\"\nb = { path = \"../b\" }",
    );
    let b = krate_deps("b", "[dependencies]\nlog = \"0.4\"");
    let c = krate("c");
    let base_lock = lock(&[
        ("a", "0.1.0", None, &["b", "serde"]),
        ("b", "0.1.0", None, &["log"]),
        ("c", "0.1.0", None, &[]),
        ("log", "0.4.20", REG, &[]),
        ("serde", "1.0.1", REG, &[]),
    ]);
    let files = [
        ("Cargo.toml", WS),
        ("Cargo.lock", base_lock.as_str()),
        ("crates/a/Cargo.toml", &a),
        ("crates/b/Cargo.toml", &b),
        ("crates/c/Cargo.toml", &c),
    ];
    // serde bump: only a (its closure stops at member b).
    let l2 = base_lock
        .replace("1.0.1", "1.0.2")
        .replace("serde1.0.2", "serde1.0.2x");
    let (bs, hs) = revise(&files, &[("Cargo.lock", Some(&l2))]);
    let r = run(&bs, &hs, &opts());
    assert_eq!(
        pr(&r.affected),
        pairs(&[("crates/a", "lockfile: serde 1.0.1 -> 1.0.2")])
    );
    // log bump: b and its dependent a.
    let l3 = base_lock.replace("0.4.20", "0.4.21");
    let (bs, hs) = revise(&files, &[("Cargo.lock", Some(&l3))]);
    let r = run(&bs, &hs, &opts());
    assert_eq!(
        pr(&r.affected),
        pairs(&[
            ("crates/a", "normal dependency of b"),
            ("crates/b", "lockfile: log 0.4.20 -> 0.4.21")
        ])
    );
    // A member's version bump alone does not count.
    let l4 = base_lock.replace(
        "name = \"c\"\nversion = \"0.1.0\"",
        "name = \"c\"\nversion = \"0.2.0\"",
    );
    let (bs, hs) = revise(&files, &[("Cargo.lock", Some(&l4))]);
    assert!(run(&bs, &hs, &opts()).affected.is_empty());
    // Created => everything.
    let no_lock: Vec<(&str, &str)> = files
        .iter()
        .copied()
        .filter(|(p, _)| *p != "Cargo.lock")
        .collect();
    let (bs, hs) = revise(&no_lock, &[("Cargo.lock", Some(&base_lock))]);
    let r = run(&bs, &hs, &opts());
    assert!(r.all);
    assert_eq!(
        r.all_reason.as_deref(),
        Some("lockfile Cargo.lock created or deleted")
    );
}

#[test]
fn rule_23_toolchain_and_cargo_config_are_global() {
    let files = [
        ("Cargo.toml", WS),
        ("crates/a/Cargo.toml", &krate("a") as &str),
    ];
    for f in [
        "rust-toolchain",
        "rust-toolchain.toml",
        ".cargo/config",
        ".cargo/config.toml",
    ] {
        let (bs, hs) = revise(&files, &[(f, Some("x"))]);
        let r = run(&bs, &hs, &opts());
        assert!(r.all, "{f}");
        assert_eq!(r.global, vec![f.to_string()]);
        assert_eq!(
            pr(&r.affected),
            vec![("crates/a".to_string(), format!("global file: {f}"))]
        );
    }
}
