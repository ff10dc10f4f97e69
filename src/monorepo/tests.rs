//! One test per numbered rule of docs/monorepo.md, each on in-memory trees.

use super::testutil::*;
use super::*;

fn opts() -> AffectedOptions {
    AffectedOptions::default()
}

fn krate(name: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\n")
}

fn krate_deps(name: &str, deps: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\n\n{deps}\n")
}

const WS: &str = "[workspace]\nmembers = [\"crates/*\"]\n";

// ---------------------------------------------------------------- paths and ownership

#[test]
fn rule_01_paths_are_bytes() {
    let a = krate("a");
    let base = MemSnap::new(&[("Cargo.toml", WS), ("crates/a/Cargo.toml", &a)]);
    let head = MemSnap::new(&[
        ("Cargo.toml", WS),
        ("crates/a/Cargo.toml", &a),
        ("crates/a/src/ñ.rs", ""),
    ])
    .with_entry(b"crates/a/src/\xff.rs", b"x", EntryMode::File)
    .with_entry(b"odd/\xfe", b"x", EntryMode::File);
    let r = run(&base, &head, &opts());
    assert_eq!(
        pr(&r.changed),
        pairs(&[("crates/a", "changed: crates/a/src/ñ.rs")])
    );
    assert_eq!(r.unowned, vec!["odd/\u{fffd}".to_string()]);
    let ws = discover(&head, &Config::default());
    assert_eq!(
        ws.owner(b"crates/a/src/\xff.rs"),
        Owner::Package(PackageId(0))
    );
}

#[test]
fn rule_02_missing_ref_marks_all() {
    let a = krate("a");
    let ws = discover(
        &MemSnap::new(&[("Cargo.toml", WS), ("crates/a/Cargo.toml", &a)]),
        &Config::default(),
    );
    let r = affected_all(&ws, "base ref origin/main not found");
    assert!(r.all);
    assert_eq!(
        r.all_reason.as_deref(),
        Some("base ref origin/main not found")
    );
    assert_eq!(
        pr(&r.affected),
        pairs(&[("crates/a", "base ref origin/main not found")])
    );
}

#[test]
fn rule_03_deepest_owner_by_component() {
    let files = [
        (
            "Cargo.toml",
            "[workspace]\nmembers = [\"libs/a\", \"libs/a-b\", \"libs/a/b\"]\n",
        ),
        ("libs/a/Cargo.toml", &krate("a") as &str),
        ("libs/a-b/Cargo.toml", &krate("a-b")),
        ("libs/a/b/Cargo.toml", &krate("b")),
    ];
    let (base, head) = revise(
        &files,
        &[
            ("libs/a-b/src/lib.rs", Some("1")),
            ("libs/a/b/src/lib.rs", Some("2")),
            ("libs/a/src/lib.rs", Some("3")),
        ],
    );
    let r = run(&base, &head, &opts());
    assert_eq!(
        pr(&r.changed),
        pairs(&[
            ("libs/a", "changed: libs/a/src/lib.rs"),
            ("libs/a-b", "changed: libs/a-b/src/lib.rs"),
            ("libs/a/b", "changed: libs/a/b/src/lib.rs"),
        ])
    );
}

#[test]
fn rule_04_barriers_are_not_charged_to_the_enclosing_package() {
    let files = [
        ("Cargo.toml", WS),
        ("crates/a/Cargo.toml", &krate("a") as &str),
        (
            "crates/a/fuzz/Cargo.toml",
            "[package]\nname = \"a-fuzz\"\n[workspace]\nmembers = [\".\"]\n",
        ),
    ];
    let (base, head) = revise(
        &files,
        &[("crates/a/fuzz/src/main.rs", Some("fn main(){}"))],
    );
    let r = run(&base, &head, &opts());
    assert!(r.changed.is_empty());
    assert_eq!(r.unowned, vec!["crates/a/fuzz/src/main.rs".to_string()]);
    let ws = discover(&head, &Config::default());
    assert_eq!(ws.barriers, vec!["crates/a/fuzz".to_string()]);
}

#[test]
fn rule_05_root_package_owns_only_leftover_root_files() {
    let root =
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n[workspace]\nmembers = [\"crates/*\"]\n";
    let files = [
        ("Cargo.toml", root),
        ("crates/a/Cargo.toml", &krate("a") as &str),
    ];
    let (base, head) = revise(
        &files,
        &[
            ("src/main.rs", Some("fn main(){}")),
            ("crates/a/src/lib.rs", Some("")),
            ("README.md", Some("hi")),
        ],
    );
    let r = run(&base, &head, &opts());
    assert_eq!(
        pr(&r.changed),
        pairs(&[
            (".", "changed: src/main.rs"),
            ("crates/a", "changed: crates/a/src/lib.rs")
        ])
    );
    assert_eq!(r.ignored, vec!["README.md".to_string()]);
}

#[test]
fn rule_06_deleted_paths_use_the_base_graph() {
    // At head `crates/a/sub` becomes a package; the file deleted there was `a`'s at base.
    let ws = "[workspace]\nmembers = [\"crates/a\"]\n";
    let ws2 = "[workspace]\nmembers = [\"crates/a\", \"crates/a/sub\"]\n";
    let a = krate("a");
    let base = MemSnap::new(&[
        ("Cargo.toml", ws),
        ("crates/a/Cargo.toml", &a),
        ("crates/a/sub/old.rs", ""),
    ]);
    let head = MemSnap::new(&[
        ("Cargo.toml", ws2),
        ("crates/a/Cargo.toml", &a),
        ("crates/a/sub/Cargo.toml", &krate("sub")),
        ("crates/a/sub/new.rs", ""),
    ]);
    let r = run(&base, &head, &opts());
    assert_eq!(
        pr(&r.changed),
        pairs(&[
            ("crates/a", "changed: crates/a/sub/old.rs"),
            ("crates/a/sub", "changed: crates/a/sub/Cargo.toml")
        ])
    );
}

#[test]
fn rule_07_identity_is_the_directory() {
    let dep = krate_deps("app", "[dependencies]\nutils = { path = \"../x/utils\" }");
    let files = [
        ("x/utils/Cargo.toml", &krate("utils") as &str),
        ("y/utils/Cargo.toml", &krate("utils")),
        ("app/Cargo.toml", &dep),
    ];
    let (base, head) = revise(&files, &[("y/utils/src/lib.rs", Some("1"))]);
    let r = run(&base, &head, &opts());
    assert_eq!(
        pr(&r.affected),
        pairs(&[("y/utils", "changed: y/utils/src/lib.rs")])
    );
    let (base, head) = revise(&files, &[("x/utils/src/lib.rs", Some("1"))]);
    let r = run(&base, &head, &opts());
    assert_eq!(
        pr(&r.affected),
        pairs(&[
            ("app", "normal dependency of utils"),
            ("x/utils", "changed: x/utils/src/lib.rs")
        ])
    );
}

#[test]
fn rule_08_removed_moved_renamed() {
    let app = krate_deps("app", "[dependencies]\nb = { path = \"../b\" }");
    let base_files = [
        ("Cargo.toml", WS),
        ("crates/app/Cargo.toml", &app as &str),
        ("crates/b/Cargo.toml", &krate("b")),
        ("crates/c/Cargo.toml", &krate("c")),
        ("crates/d/Cargo.toml", &krate("d")),
    ];
    // b deleted, c moved to crates/c2 (same name), d renamed to e in a new directory.
    let app2 = krate("app");
    let (base, head) = revise(
        &base_files,
        &[
            ("crates/b/Cargo.toml", None),
            ("crates/app/Cargo.toml", Some(&app2)),
            ("crates/c/Cargo.toml", None),
            ("crates/c2/Cargo.toml", Some(&krate("c"))),
            ("crates/d/Cargo.toml", None),
            ("crates/e/Cargo.toml", Some(&krate("e"))),
        ],
    );
    let r = run(&base, &head, &opts());
    assert_eq!(
        pr(&r.removed),
        pairs(&[("crates/b", "removed"), ("crates/d", "removed")])
    );
    assert_eq!(
        pr(&r.changed),
        pairs(&[
            ("crates/app", "changed: crates/app/Cargo.toml"),
            ("crates/c2", "moved from crates/c"),
            ("crates/e", "changed: crates/e/Cargo.toml"),
        ])
    );
    // The removed package's base dependents are affected even though the edge is gone.
    let (base, head) = revise(&base_files, &[("crates/b/Cargo.toml", None)]);
    let r = run(&base, &head, &opts());
    assert_eq!(
        pr(&r.affected),
        pairs(&[("crates/app", "normal dependency of removed b")])
    );
}

#[test]
fn rule_09_buckets_and_unowned_modes() {
    let files = [
        ("Cargo.toml", WS),
        ("crates/a/Cargo.toml", &krate("a") as &str),
    ];
    let (base, head) = revise(
        &files,
        &[
            ("README.md", Some("x")),
            ("docs/LICENSE-MIT", Some("x")),
            (".changeset/brave-fox.md", Some("x")),
            ("rust-toolchain.toml", Some("x")),
            ("scripts/release.sh", Some("x")),
        ],
    );
    let r = run(&base, &head, &opts());
    assert_eq!(
        r.ignored,
        vec![".changeset/brave-fox.md", "README.md", "docs/LICENSE-MIT"]
    );
    assert_eq!(r.global, vec!["rust-toolchain.toml"]);
    assert_eq!(r.unowned, vec!["scripts/release.sh"]);
    assert_eq!(
        pr(&r.affected),
        pairs(&[("crates/a", "global file: rust-toolchain.toml")])
    );
    assert!(r.all);

    let (base, head) = revise(&files, &[("scripts/release.sh", Some("x"))]);
    let all = AffectedOptions {
        unowned: UnownedMode::All,
        ..opts()
    };
    let r = run(&base, &head, &all);
    assert!(r.all);
    assert_eq!(
        r.all_reason.as_deref(),
        Some("unowned file: scripts/release.sh")
    );
    assert_eq!(
        pr(&r.affected),
        pairs(&[("crates/a", "unowned file: scripts/release.sh")])
    );
    let ign = AffectedOptions {
        unowned: UnownedMode::Ignore,
        ..opts()
    };
    let r = run(&base, &head, &ign);
    assert!(!r.all && r.affected.is_empty() && r.unowned.is_empty());
    assert_eq!(r.ignored, vec!["scripts/release.sh"]);
}

#[test]
fn rule_10_edge_kinds_self_loops_and_cycles_per_kind() {
    let a = krate_deps(
        "a",
        "[dev-dependencies]\nb = { path = \"../b\" }\na = { path = \".\" }",
    );
    let b = krate_deps("b", "[dependencies]\na = { path = \"../a\" }");
    let ws = discover(
        &MemSnap::new(&[
            ("Cargo.toml", WS),
            ("crates/a/Cargo.toml", &a),
            ("crates/b/Cargo.toml", &b),
        ]),
        &Config::default(),
    );
    assert_eq!(
        edges(&ws),
        vec![
            ("crates/a".into(), "crates/b".into(), EdgeKind::Dev),
            ("crates/b".into(), "crates/a".into(), EdgeKind::Normal),
        ]
    );
    assert!(ws.cycles(EdgeKind::Normal).is_empty());
    assert_eq!(
        ws.cycles(EdgeKind::Dev),
        vec![vec!["crates/a".to_string(), "crates/b".to_string()]]
    );
}

#[test]
fn rule_11_closure_modes() {
    let b = krate_deps("b", "[dependencies]\na = { path = \"../a\" }");
    let c = krate_deps("c", "[dev-dependencies]\nb = { path = \"../b\" }");
    let d = krate_deps("d", "[dependencies]\nc = { path = \"../c\" }");
    let files = [
        ("Cargo.toml", WS),
        ("crates/a/Cargo.toml", &krate("a") as &str),
        ("crates/b/Cargo.toml", &b),
        ("crates/c/Cargo.toml", &c),
        ("crates/d/Cargo.toml", &d),
    ];
    let (base, head) = revise(&files, &[("crates/a/src/lib.rs", Some("1"))]);
    let r = run(&base, &head, &opts());
    assert_eq!(
        pr(&r.affected),
        pairs(&[
            ("crates/a", "changed: crates/a/src/lib.rs"),
            ("crates/b", "normal dependency of a"),
            ("crates/c", "dev dependency of b"),
            ("crates/d", "normal dependency of c"),
        ])
    );
    let r = run(
        &base,
        &head,
        &AffectedOptions {
            mode: ClosureMode::DevOneHop,
            ..opts()
        },
    );
    assert_eq!(
        pr(&r.affected),
        pairs(&[
            ("crates/a", "changed: crates/a/src/lib.rs"),
            ("crates/b", "normal dependency of a"),
            ("crates/c", "dev dependency of b"),
        ])
    );
    let r = run(
        &base,
        &head,
        &AffectedOptions {
            direct_only: true,
            ..opts()
        },
    );
    assert_eq!(
        pr(&r.affected),
        pairs(&[("crates/a", "changed: crates/a/src/lib.rs")])
    );
}

// ---------------------------------------------------------------- Cargo

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

// ---------------------------------------------------------------- npm / yarn / pnpm / bun

fn pkg(name: &str, version: &str, deps: &str) -> String {
    format!(
        "{{\"name\": \"{name}\", \"version\": \"{version}\"{}{deps}}}",
        if deps.is_empty() { "" } else { ", " }
    )
}

const NPM_ROOT: &str = "{\"name\": \"root\", \"private\": true, \"workspaces\": [\"packages/*\"]}";

fn pnpm_files<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut v = vec![
        ("package.json", "{\"name\": \"root\", \"private\": true}"),
        ("pnpm-workspace.yaml", "packages:\n  - 'packages/*'\n"),
    ];
    for (p, c) in extra {
        v.retain(|(q, _)| q != p);
        v.push((p, c));
    }
    v
}

#[test]
fn rule_24_workspace_globs_root_and_node_modules() {
    let root = "{\"name\": \"root\", \"workspaces\": {\"packages\": [\"packages/*\"], \"nohoist\": [\"**\"]}}";
    let a = pkg("a", "1.0.0", "");
    let ws = discover(
        &MemSnap::new(&[
            ("package.json", root),
            ("packages/a/package.json", &a),
            (
                "packages/a/node_modules/y/package.json",
                &pkg("y", "1.0.0", ""),
            ),
            ("node_modules/x/package.json", &pkg("x", "1.0.0", "")),
        ]),
        &Config::default(),
    );
    assert_eq!(dirs(&ws), vec!["", "packages/a"]);
    let files = pnpm_files(&[
        (
            "pnpm-workspace.yaml",
            "packages:\n  - 'packages/**'\n  - '!**/test/**'\n",
        ),
        ("packages/a/package.json", &a),
        ("packages/a/nested/package.json", "{\"name\": \"nested\"}"),
        ("packages/test/x/package.json", "{\"name\": \"x\"}"),
        ("packages/test/package.json", "{\"name\": \"t\"}"),
        (
            "packages/a/nested/test/fixture/package.json",
            "{\"name\": \"fixture\"}",
        ),
    ]);
    let ws = discover(&MemSnap::new(&files), &Config::default());
    assert_eq!(dirs(&ws), vec!["", "packages/a", "packages/a/nested"]);
    // Outside every member: a barrier. Inside a member: that member's fixture.
    assert_eq!(ws.barriers, vec!["packages/test", "packages/test/x"]);
    assert_eq!(
        ws.owner(b"packages/a/nested/test/fixture/index.js"),
        Owner::Package(PackageId(2))
    );
}

#[test]
fn rule_25_byte_order_mark_is_stripped() {
    let a = format!("\u{feff}{}", pkg("a", "1.0.0", ""));
    let ws = discover(
        &MemSnap::new(&[("package.json", NPM_ROOT), ("packages/a/package.json", &a)]),
        &Config::default(),
    );
    assert_eq!(
        ws.packages
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        vec!["root", "a"]
    );
    assert!(ws.diagnostics.is_empty());
}

#[test]
fn rule_26_workspace_protocols() {
    let a = pkg(
        "a",
        "1.0.0",
        "\"dependencies\": {\"b\": \"workspace:*\", \"c\": \"workspace:^\", \"d\": \"workspace:~\", \"e\": \"workspace:1.0.0\", \"f-alias\": \"workspace:f@*\", \"g\": \"workspace:../g\"}",
    );
    let mut files = vec![("packages/a/package.json".to_string(), a)];
    for n in ["b", "c", "d", "e", "f", "g"] {
        files.push((format!("packages/{n}/package.json"), pkg(n, "1.0.0", "")));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let ws = discover(&MemSnap::new(&pnpm_files(&refs)), &Config::default());
    let targets: Vec<String> = edges(&ws).into_iter().map(|(_, t, _)| t).collect();
    assert_eq!(
        targets,
        vec![
            "packages/b",
            "packages/c",
            "packages/d",
            "packages/e",
            "packages/f",
            "packages/g"
        ]
    );
}

#[test]
fn rule_27_link_file_portal_inside_the_workspace() {
    let a = pkg(
        "a",
        "1.0.0",
        "\"dependencies\": {\"b\": \"link:../b\", \"c\": \"file:../c\", \"d\": \"portal:../d\", \"e\": \"file:../../../outside\"}",
    );
    let ws = discover(
        &MemSnap::new(&[
            ("package.json", NPM_ROOT),
            ("packages/a/package.json", &a),
            ("packages/b/package.json", &pkg("b", "1.0.0", "")),
            ("packages/c/package.json", &pkg("c", "1.0.0", "")),
            ("packages/d/package.json", &pkg("d", "1.0.0", "")),
        ]),
        &Config::default(),
    );
    let targets: Vec<String> = edges(&ws).into_iter().map(|(_, t, _)| t).collect();
    assert_eq!(targets, vec!["packages/b", "packages/c", "packages/d"]);
}

#[test]
fn rule_28_plain_ranges_satisfied_by_a_workspace_package() {
    let a = pkg(
        "a",
        "1.0.0",
        "\"dependencies\": {\"b\": \"^1.0.0\", \"c\": \"^2.0.0\"}",
    );
    let b = pkg("b", "1.2.0", "");
    let c = pkg("c", "1.0.0", "");
    let members = [
        ("packages/a/package.json", a.as_str()),
        ("packages/b/package.json", &b),
        ("packages/c/package.json", &c),
    ];
    // npm (and yarn) link a satisfied range.
    let mut npm = vec![("package.json", NPM_ROOT)];
    npm.extend_from_slice(&members);
    let ws = discover(&MemSnap::new(&npm), &Config::default());
    assert_eq!(
        edges(&ws),
        vec![("packages/a".into(), "packages/b".into(), EdgeKind::Normal)]
    );
    // pnpm only with link-workspace-packages.
    let ws = discover(&MemSnap::new(&pnpm_files(&members)), &Config::default());
    assert!(edges(&ws).is_empty());
    let mut linked = pnpm_files(&members);
    linked.push((".npmrc", "link-workspace-packages=true\n"));
    let ws = discover(&MemSnap::new(&linked), &Config::default());
    assert_eq!(
        edges(&ws),
        vec![("packages/a".into(), "packages/b".into(), EdgeKind::Normal)]
    );
}

#[test]
fn rule_29_npm_aliases_catalogs_and_peers() {
    let a = pkg(
        "a",
        "1.0.0",
        "\"dependencies\": {\"b\": \"npm:b@^1\", \"react\": \"catalog:\"}, \"peerDependencies\": {\"c\": \"workspace:*\"}",
    );
    let b = pkg(
        "b",
        "1.0.0",
        "\"dependencies\": {\"lodash\": \"catalog:utils\"}",
    );
    let c = pkg("c", "1.0.0", "");
    let wsy = "packages:\n  - 'packages/*'\ncatalog:\n  react: ^18.2.0\n  vue: ^3.0.0\ncatalogs:\n  utils:\n    lodash: ^4.17.0\n";
    let files = pnpm_files(&[
        ("pnpm-workspace.yaml", wsy),
        ("packages/a/package.json", &a),
        ("packages/b/package.json", &b),
        ("packages/c/package.json", &c),
    ]);
    let files = &files;
    let ws = discover(&MemSnap::new(files), &Config::default());
    assert_eq!(
        edges(&ws),
        vec![("packages/a".into(), "packages/c".into(), EdgeKind::Peer)]
    );
    let edited = wsy.replace("^18.2.0", "^18.3.0");
    let (bs, hs) = revise(files, &[("pnpm-workspace.yaml", Some(&edited))]);
    let r = run(&bs, &hs, &opts());
    assert_eq!(
        pr(&r.affected),
        pairs(&[("packages/a", "catalog:default:react changed")])
    );
    let edited = wsy.replace("^4.17.0", "^4.18.0");
    let (bs, hs) = revise(files, &[("pnpm-workspace.yaml", Some(&edited))]);
    let r = run(&bs, &hs, &opts());
    assert_eq!(
        pr(&r.affected),
        pairs(&[("packages/b", "catalog:utils:lodash changed")])
    );
    let edited = wsy.replace("^3.0.0", "^3.1.0");
    let (bs, hs) = revise(files, &[("pnpm-workspace.yaml", Some(&edited))]);
    assert!(run(&bs, &hs, &opts()).affected.is_empty());
}

#[test]
fn rule_30_overrides_and_implicit_dependencies() {
    let root = |v: &str| {
        format!("{{\"name\": \"root\", \"workspaces\": [\"packages/*\"], \"overrides\": {{\"lodash\": \"{v}\", \"shared\": \"file:./packages/shared\", \"tool\": \"workspace:*\"}}}}")
    };
    let a = pkg("a", "1.0.0", "\"dependencies\": {\"lodash\": \"^4\"}");
    let b = pkg(
        "b",
        "1.0.0",
        "\"dependencies\": {\"a\": \"^1.0.0\", \"shared\": \"^9.0.0\"}",
    );
    let c = pkg("c", "1.0.0", "\"devDependencies\": {\"tool\": \"^7\"}");
    let shared = pkg("shared", "1.0.0", "");
    let tool = pkg("tool", "1.0.0", "");
    let r1 = root("4.17.21");
    let files = [
        ("package.json", r1.as_str()),
        ("packages/a/package.json", &a),
        ("packages/b/package.json", &b),
        ("packages/c/package.json", &c),
        ("packages/shared/package.json", &shared),
        ("packages/tool/package.json", &tool),
    ];
    let ws = discover(&MemSnap::new(&files), &Config::default());
    // b's range ^9 is not satisfied by shared 1.0.0, but the override links it.
    assert_eq!(
        edges(&ws),
        vec![
            ("packages/b".into(), "packages/a".into(), EdgeKind::Normal),
            (
                "packages/b".into(),
                "packages/shared".into(),
                EdgeKind::Normal
            ),
            // `tool: workspace:*` in overrides links c's `^7` to the workspace package.
            (
                "packages/c".into(),
                "packages/tool".into(),
                EdgeKind::Normal
            ),
        ]
    );
    let r2 = root("4.17.22");
    let (bs, hs) = revise(&files, &[("package.json", Some(&r2))]);
    let r = run(&bs, &hs, &opts());
    assert!(r.changed.is_empty());
    assert_eq!(
        pr(&r.affected),
        pairs(&[
            ("packages/a", "override of lodash changed"),
            ("packages/b", "normal dependency of a")
        ])
    );
    // Configured implicit edges (hoisted root devDependencies, generators, ...).
    let cfg: Config =
        toml::from_str("[implicit_dependencies]\n\"packages/c\" = [\"shared\"]\n").expect("config");
    let ws = discover(&MemSnap::new(&files), &cfg);
    assert!(edges(&ws).contains(&(
        "packages/c".into(),
        "packages/shared".into(),
        EdgeKind::Normal
    )));
}

const PNPM_LOCK: &str = "lockfileVersion: '9.0'

importers:

  .:
    devDependencies:
      typescript:
        specifier: ^5.0.0
        version: 5.4.2

  packages/a:
    dependencies:
      b:
        specifier: workspace:*
        version: link:../b
      react:
        specifier: ^18.0.0
        version: 18.2.0

  packages/b:
    dependencies:
      lodash:
        specifier: ^4
        version: 4.17.21

packages:

  lodash@4.17.21:
    resolution: {integrity: sha512-lodash}

  loose-envify@1.4.0:
    resolution: {integrity: sha512-le}

  react@18.2.0:
    resolution: {integrity: sha512-react}
    engines: {node: '>=0.10.0'}

  typescript@5.4.2:
    resolution: {integrity: sha512-ts}

snapshots:

  lodash@4.17.21: {}

  loose-envify@1.4.0: {}

  react@18.2.0:
    dependencies:
      loose-envify: 1.4.0

  typescript@5.4.2: {}
";

#[test]
fn rule_31_lockfiles_are_scoped() {
    let a = pkg(
        "a",
        "1.0.0",
        "\"dependencies\": {\"b\": \"workspace:*\", \"react\": \"^18.0.0\"}",
    );
    let b = pkg("b", "1.0.0", "\"dependencies\": {\"lodash\": \"^4\"}");
    let c = pkg("c", "1.0.0", "\"dependencies\": {\"a\": \"workspace:*\"}");
    let files = pnpm_files(&[
        ("pnpm-lock.yaml", PNPM_LOCK),
        ("packages/a/package.json", &a),
        ("packages/b/package.json", &b),
        ("packages/c/package.json", &c),
    ]);
    // Metadata only: nothing.
    let meta = PNPM_LOCK.replace(
        "    engines: {node: '>=0.10.0'}\n",
        "    engines: {node: '>=0.10.0'}\n    deprecated: use 19\n",
    );
    let (bs, hs) = revise(&files, &[("pnpm-lock.yaml", Some(&meta))]);
    let r = run(&bs, &hs, &opts());
    assert!(r.affected.is_empty() && !r.all, "{r:?}");
    // A transitive bump: the importers reaching it, and their dependents.
    let bump = PNPM_LOCK
        .replace("loose-envify@1.4.0", "loose-envify@1.5.0")
        .replace("loose-envify: 1.4.0", "loose-envify: 1.5.0");
    let (bs, hs) = revise(&files, &[("pnpm-lock.yaml", Some(&bump))]);
    let r = run(&bs, &hs, &opts());
    assert_eq!(
        pr(&r.affected),
        pairs(&[
            ("packages/a", "lockfile: loose-envify 1.4.0 -> 1.5.0"),
            ("packages/c", "normal dependency of a")
        ])
    );
    // A direct bump in one importer.
    let bump = PNPM_LOCK.replace("4.17.21", "4.17.22");
    let (bs, hs) = revise(&files, &[("pnpm-lock.yaml", Some(&bump))]);
    let r = run(&bs, &hs, &opts());
    assert_eq!(
        pr(&r.affected),
        pairs(&[
            ("packages/a", "normal dependency of b"),
            ("packages/b", "lockfile: lodash 4.17.21 -> 4.17.22"),
            ("packages/c", "normal dependency of a"),
        ])
    );
    // Binary bun.lockb: everything.
    let (bs, hs) = revise(&files, &[("bun.lockb", Some("\u{0}bin"))]);
    let r = run(&bs, &hs, &opts());
    assert!(r.all);
    assert_eq!(r.all_reason.as_deref(), Some("global file: bun.lockb"));
}

#[test]
fn rule_32_npm_global_files_and_root_package_json() {
    let a = pkg("a", "1.0.0", "");
    let files = [
        ("package.json", NPM_ROOT),
        ("packages/a/package.json", a.as_str()),
    ];
    for f in [
        "nx.json",
        "turbo.json",
        "turbo.jsonc",
        ".npmrc",
        ".nvmrc",
        "tsconfig.base.json",
    ] {
        let (bs, hs) = revise(&files, &[(f, Some("{}"))]);
        let r = run(&bs, &hs, &opts());
        assert!(r.all, "{f}");
        assert_eq!(r.global, vec![f.to_string()]);
    }
    let scripts = NPM_ROOT.replace(
        "\"private\": true",
        "\"private\": true, \"scripts\": {\"x\": \"y\"}",
    );
    let (bs, hs) = revise(&files, &[("package.json", Some(&scripts))]);
    let r = run(&bs, &hs, &opts());
    assert_eq!(pr(&r.affected), pairs(&[(".", "changed: package.json")]));
}

// ---------------------------------------------------------------- Go

#[test]
fn rule_33_go_work_use_replace_and_global() {
    let work = "go 1.22\n\nuse ./a\nuse (\n    ./b\n    ./c // comment\n)\n\nreplace example.com/x => ./x\n";
    let files = [
        ("go.work", work),
        (
            "a/go.mod",
            "module example.com/a\n\ngo 1.22\n\nrequire example.com/b v0.0.0\n",
        ),
        ("b/go.mod", "module example.com/b\n"),
        (
            "c/go.mod",
            "module example.com/c\n\nrequire (\n\texample.com/x v1.0.0\n)\n",
        ),
        ("x/go.mod", "module example.com/x\n"),
    ];
    let ws = discover(&MemSnap::new(&files), &Config::default());
    assert_eq!(
        edges(&ws),
        vec![
            ("a".into(), "b".into(), EdgeKind::Normal),
            ("c".into(), "x".into(), EdgeKind::Normal)
        ]
    );
    let (bs, hs) = revise(&files, &[("go.work", Some("go 1.23\n\nuse ./a\n"))]);
    let r = run(&bs, &hs, &opts());
    assert!(r.all);
    assert_eq!(r.all_reason.as_deref(), Some("global file: go.work"));
    assert_eq!(r.affected.len(), 4);
}

#[test]
fn rule_34_replace_with_a_path_is_local() {
    let files = [
        (
            "svc/go.mod",
            "module example.com/svc\n\nrequire (\n\texample.com/lib v1.2.0\n\texample.com/other v1.0.0\n)\n\nreplace example.com/lib => ../lib\nreplace example.com/other => example.com/other v1.1.0\n",
        ),
        ("lib/go.mod", "module example.com/lib\n"),
        ("other/go.mod", "module example.com/other\n"),
    ];
    let ws = discover(&MemSnap::new(&files), &Config::default());
    assert_eq!(
        edges(&ws),
        vec![("svc".into(), "lib".into(), EdgeKind::Normal)]
    );
    let (bs, hs) = revise(&files, &[("lib/lib.go", Some("package lib"))]);
    let r = run(&bs, &hs, &opts());
    assert_eq!(
        pr(&r.affected),
        pairs(&[
            ("lib", "changed: lib/lib.go"),
            ("svc", "normal dependency of example.com/lib")
        ])
    );
}

#[test]
fn rule_35_nested_modules_are_barriers() {
    let files = [
        ("go.mod", "module example.com/root\n"),
        ("tools/go.mod", "module example.com/root/tools\n"),
    ];
    let (bs, hs) = revise(
        &files,
        &[
            ("tools/gen.go", Some("package main")),
            ("main.go", Some("package main")),
        ],
    );
    let r = run(&bs, &hs, &opts());
    assert_eq!(
        pr(&r.changed),
        pairs(&[
            (".", "changed: main.go"),
            ("tools", "changed: tools/gen.go")
        ])
    );
}

#[test]
fn rule_36_testdata_underscore_and_dot_dirs_are_not_modules() {
    let files = [
        ("go.mod", "module example.com/root\n"),
        ("testdata/mod/go.mod", "module example.com/fixture\n"),
        ("_old/go.mod", "module example.com/old\n"),
        (".hidden/go.mod", "module example.com/hidden\n"),
    ];
    let ws = discover(&MemSnap::new(&files), &Config::default());
    assert_eq!(dirs(&ws), vec![""]);
    let (bs, hs) = revise(&files, &[("testdata/mod/x.go", Some("package x"))]);
    assert_eq!(
        pr(&run(&bs, &hs, &opts()).changed),
        pairs(&[(".", "changed: testdata/mod/x.go")])
    );
}

#[test]
fn rule_37_in_repo_module_without_replace_is_external() {
    let files = [
        (
            "svc/go.mod",
            "module example.com/svc\n\nrequire example.com/lib v1.2.0\n",
        ),
        ("lib/go.mod", "module example.com/lib\n"),
    ];
    let ws = discover(&MemSnap::new(&files), &Config::default());
    assert!(edges(&ws).is_empty());
    assert_eq!(
        ws.external_edges,
        vec![ExternalEdge {
            from: "svc".into(),
            to: "lib".into(),
            version: "v1.2.0".into()
        }]
    );
    let (bs, hs) = revise(&files, &[("lib/lib.go", Some("package lib"))]);
    let r = run(&bs, &hs, &opts());
    assert_eq!(pr(&r.affected), pairs(&[("lib", "changed: lib/lib.go")]));
    assert_eq!(
        r.warnings,
        vec!["svc requires in-repo module lib at v1.2.0 without replace or use: it builds against the published version"]
    );
}

// ---------------------------------------------------------------- Python

const UV_LOCK: &str = r#"version = 1
requires-python = ">=3.11"

[[package]]
name = "lib-a"
version = "0.1.0"
source = { editable = "packages/lib_a" }
dependencies = [{ name = "lib-b" }]

[[package]]
name = "lib-b"
version = "0.1.0"
source = { editable = "packages/lib_b" }
dependencies = [{ name = "requests" }]

[[package]]
name = "lib-c"
version = "0.1.0"
source = { editable = "packages/lib_c" }

[[package]]
name = "requests"
version = "2.31.0"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://x/requests-2.31.0.tar.gz", hash = "sha256:aaa" }

[[package]]
name = "root-app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "lib-a" }]
"#;

#[test]
fn rule_38_uv_workspace() {
    let root = "[project]\nname = \"Root_App\"\nversion = \"0.1.0\"\ndependencies = [\"lib-a\"]\n\n[tool.uv.workspace]\nmembers = [\"packages/*\"]\nexclude = [\"packages/legacy\"]\n\n[tool.uv.sources]\nlib-a = { workspace = true }\n";
    let a = "[project]\nname = \"Lib.A\"\ndependencies = [\"lib_b[extra]>=1; python_version > '3.8'\"]\n\n[dependency-groups]\ndev = [\"lib-c\"]\n\n[tool.uv.sources]\nlib-b = { workspace = true }\nlib-c = { path = \"../lib_c\", editable = true }\n";
    let files = [
        ("pyproject.toml", root),
        ("uv.lock", UV_LOCK),
        ("packages/lib_a/pyproject.toml", a),
        (
            "packages/lib_b/pyproject.toml",
            "[project]\nname = \"lib-b\"\n",
        ),
        (
            "packages/lib_c/pyproject.toml",
            "[project]\nname = \"lib-c\"\n",
        ),
        (
            "packages/legacy/pyproject.toml",
            "[project]\nname = \"legacy\"\n",
        ),
        (
            "packages/lib_a/tests/fixture/pyproject.toml",
            "[project]\nname = \"fixture\"\n",
        ),
        ("packages/empty/README.md", "x"),
    ];
    let ws = discover(&MemSnap::new(&files), &Config::default());
    assert_eq!(
        dirs(&ws),
        vec!["", "packages/lib_a", "packages/lib_b", "packages/lib_c"]
    );
    assert_eq!(ws.packages[0].name, "root-app");
    assert_eq!(
        edges(&ws),
        vec![
            ("".into(), "packages/lib_a".into(), EdgeKind::Normal),
            (
                "packages/lib_a".into(),
                "packages/lib_b".into(),
                EdgeKind::Normal
            ),
            (
                "packages/lib_a".into(),
                "packages/lib_c".into(),
                EdgeKind::Dev
            ),
        ]
    );
    assert_eq!(ws.barriers, vec!["packages/legacy"]);
    assert_eq!(
        ws.owner(b"packages/lib_a/tests/fixture/x.py"),
        Owner::Package(PackageId(1))
    );
    assert_eq!(ws.diagnostics.len(), 1);
    assert_eq!(
        ws.diagnostics[0].message,
        "member \"packages/empty\" has no pyproject.toml"
    );
    let bump = UV_LOCK
        .replace("2.31.0", "2.32.0")
        .replace("sha256:aaa", "sha256:bbb");
    let (bs, hs) = revise(&files, &[("uv.lock", Some(&bump))]);
    let r = run(&bs, &hs, &opts());
    assert_eq!(
        pr(&r.affected),
        pairs(&[
            (".", "normal dependency of lib-a"),
            ("packages/lib_a", "normal dependency of lib-b"),
            ("packages/lib_b", "lockfile: requests 2.31.0 -> 2.32.0"),
        ])
    );
}

#[test]
fn rule_39_poetry_path_dependencies_and_pep508_file_urls() {
    let app = "[tool.poetry]\nname = \"app\"\n\n[tool.poetry.dependencies]\npython = \"^3.11\"\nlib = { path = \"../lib\", develop = true }\n\n[tool.poetry.group.test.dependencies]\ntst = { path = \"../tst\" }\n";
    let lib = "[project]\nname = \"lib\"\ndependencies = [\"x @ file:///${PROJECT_ROOT}/../x\"]\n";
    let ws = discover(
        &MemSnap::new(&[
            ("app/pyproject.toml", app),
            ("lib/pyproject.toml", lib),
            ("tst/pyproject.toml", "[tool.poetry]\nname = \"tst\"\n"),
            ("x/pyproject.toml", "[project]\nname = \"x\"\n"),
        ]),
        &Config::default(),
    );
    assert_eq!(
        edges(&ws),
        vec![
            ("app".into(), "lib".into(), EdgeKind::Normal),
            ("app".into(), "tst".into(), EdgeKind::Dev),
            ("lib".into(), "x".into(), EdgeKind::Normal),
        ]
    );
}

#[test]
fn rule_40_pip_requirements() {
    let ws = discover(
        &MemSnap::new(&[
            (
                "requirements.txt",
                "-r requirements/base.txt\n-e ./libs/x\nrequests==2.0  # pinned\n",
            ),
            (
                "requirements/base.txt",
                "./libs/y\n-r ../requirements.txt\n-r missing.txt\n",
            ),
            ("libs/x/pyproject.toml", "[project]\nname = \"x\"\n"),
            ("libs/y/setup.py", "from setuptools import setup\n"),
        ]),
        &Config::default(),
    );
    assert_eq!(dirs(&ws), vec!["", "libs/x", "libs/y"]);
    assert_eq!(
        edges(&ws),
        vec![
            ("".into(), "libs/x".into(), EdgeKind::Normal),
            ("".into(), "libs/y".into(), EdgeKind::Normal)
        ]
    );
    assert_eq!(
        ws.diagnostics,
        vec![
            Diagnostic {
                file: "requirements/base.txt".into(),
                line: None,
                message: "-r requirements.txt forms an include loop; skipped".into()
            },
            Diagnostic {
                file: "requirements/missing.txt".into(),
                line: None,
                message: "included requirements file does not exist".into()
            }
        ]
    );
}

// ---------------------------------------------------------------- JVM

fn pom(body: &str) -> String {
    format!("<?xml version=\"1.0\"?>\n<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n<modelVersion>4.0.0</modelVersion>\n{body}\n</project>\n")
}

#[test]
fn rule_41_maven_reactor() {
    let parent = "<parent><groupId>com.ex</groupId><artifactId>parent</artifactId><version>1.0</version></parent>";
    let root = pom(
        "<groupId>com.ex</groupId><artifactId>parent</artifactId><version>1.0</version><packaging>pom</packaging>\
         <modules><module>core</module><module>app</module><module>plugin</module><module>missing</module></modules>\
         <profiles><profile><id>it</id><modules><module>testkit/pom.xml</module></modules></profile></profiles>\
         <dependencyManagement><dependencies><dependency><groupId>com.ex</groupId><artifactId>core</artifactId></dependency></dependencies></dependencyManagement>",
    );
    let core = pom(&format!(
        "{parent}<artifactId>core</artifactId><modules><module>..</module></modules>"
    ));
    let app = pom(&format!(
        "{parent}<artifactId>app</artifactId><properties><kit>testkit</kit></properties><dependencies>\
         <dependency><groupId>${{project.groupId}}</groupId><artifactId>core</artifactId></dependency>\
         <dependency><groupId>com.ex</groupId><artifactId>${{kit}}</artifactId><scope>test</scope></dependency>\
         <dependency><groupId>org.other</groupId><artifactId>core</artifactId></dependency>\
         </dependencies><build><plugins><plugin><groupId>com.ex</groupId><artifactId>plugin</artifactId></plugin></plugins></build>"
    ));
    let plugin = pom(&format!("{parent}<artifactId>plugin</artifactId>"));
    let kit = pom(&format!("{parent}<artifactId>testkit</artifactId>"));
    let files = [
        ("pom.xml", root.as_str()),
        ("core/pom.xml", &core),
        ("app/pom.xml", &app),
        ("plugin/pom.xml", &plugin),
        ("testkit/pom.xml", &kit),
    ];
    let ws = discover(&MemSnap::new(&files), &Config::default());
    assert_eq!(dirs(&ws), vec!["", "app", "core", "plugin", "testkit"]);
    assert!(ws
        .packages
        .iter()
        .any(|p| p.name == "com.ex:core" && p.dir == "core"));
    let e = |a: &str, b: &str, k| (a.to_string(), b.to_string(), k);
    assert_eq!(
        edges(&ws),
        vec![
            e("app", "", EdgeKind::Normal),
            e("app", "core", EdgeKind::Normal),
            e("app", "testkit", EdgeKind::Dev),
            e("app", "plugin", EdgeKind::Build),
            e("core", "", EdgeKind::Normal),
            e("plugin", "", EdgeKind::Normal),
            e("testkit", "", EdgeKind::Normal),
        ]
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
    );
    assert_eq!(
        ws.diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .collect::<Vec<_>>(),
        vec![
            "module \"missing\": missing/pom.xml does not exist",
            "module \"..\" points back to pom.xml: loop skipped"
        ]
    );
    let (bs, hs) = revise(&files, &[("core/src/main/java/A.java", Some("class A {}"))]);
    let r = run(&bs, &hs, &opts());
    assert_eq!(
        pr(&r.affected),
        pairs(&[
            ("app", "normal dependency of com.ex:core"),
            ("core", "changed: core/src/main/java/A.java")
        ])
    );
}

#[test]
fn rule_42_gradle_projects_and_accessors() {
    let settings = "rootProject.name = \"demo\"\ninclude(\":lib:core\", \":app\")\ninclude(\":lib-utils\") // utils\nproject(\":lib-utils\").projectDir = file(\"libs/utils\")\n";
    let app = "dependencies {\n    implementation(project(\":lib:core\"))\n    testImplementation(projects.libUtils)\n}\n";
    let core = "dependencies {\n    api project(':lib-utils')\n    /* implementation project(':app') */\n}\n";
    let files = [
        ("settings.gradle.kts", settings),
        ("app/build.gradle.kts", app),
        ("lib/core/build.gradle", core),
        ("libs/utils/build.gradle.kts", ""),
    ];
    let ws = discover(&MemSnap::new(&files), &Config::default());
    assert_eq!(dirs(&ws), vec!["", "app", "lib/core", "libs/utils"]);
    assert_eq!(
        edges(&ws),
        vec![
            ("app".into(), "lib/core".into(), EdgeKind::Normal),
            ("app".into(), "libs/utils".into(), EdgeKind::Dev),
            ("lib/core".into(), "libs/utils".into(), EdgeKind::Normal),
        ]
    );
    let touched = format!("{settings}// touched\n");
    for f in [
        "settings.gradle.kts",
        "gradle.properties",
        "gradle/libs.versions.toml",
        "buildSrc/src/main/kotlin/x.kt",
    ] {
        let content = if f == "settings.gradle.kts" {
            touched.as_str()
        } else {
            "x = 1"
        };
        let (bs, hs) = revise(&files, &[(f, Some(content))]);
        let r = run(&bs, &hs, &opts());
        assert!(r.all, "{f}");
        assert_eq!(r.affected.len(), 4);
    }
    let (bs, hs) = revise(&files, &[("libs/utils/src/U.kt", Some("x"))]);
    let r = run(
        &bs,
        &hs,
        &AffectedOptions {
            mode: ClosureMode::DevOneHop,
            ..opts()
        },
    );
    assert_eq!(
        pr(&r.affected),
        pairs(&[
            ("app", "normal dependency of :lib:core"),
            ("lib/core", "normal dependency of :lib-utils"),
            ("libs/utils", "changed: libs/utils/src/U.kt"),
        ])
    );
}

// ---------------------------------------------------------------- audit

#[test]
fn rule_43_workspaces_are_cached_by_manifest_blobs() {
    let b = krate_deps("b", "[dependencies]\na = { path = \"../a\" }");
    let files = [
        ("Cargo.toml", WS),
        ("crates/a/Cargo.toml", &krate("a") as &str),
        ("crates/b/Cargo.toml", &b),
    ];
    let (s1, s2) = revise(&files, &[("crates/a/src/lib.rs", Some("x"))]);
    assert_eq!(cache_key(&s1), cache_key(&s2));
    let (_, s3) = revise(&files, &[("crates/a/Cargo.toml", Some(&krate("a2")))]);
    assert_ne!(cache_key(&s1), cache_key(&s3));
    // A lockfile counts by presence, not content.
    let (l1, l2) = revise(&files, &[("pnpm-lock.yaml", Some("a"))]);
    let (_, l3) = revise(&files, &[("pnpm-lock.yaml", Some("b"))]);
    assert_ne!(cache_key(&l1), cache_key(&l2));
    assert_eq!(cache_key(&l2), cache_key(&l3));
    assert_eq!(Workspace::cache_key(&s1), cache_key(&s1));
}

#[test]
fn rule_44_audit_separates_bulk_and_global_only_changes() {
    let b = krate_deps("b", "[dependencies]\na = { path = \"../a\" }");
    let files = [
        ("Cargo.toml", WS),
        ("crates/a/Cargo.toml", &krate("a") as &str),
        ("crates/b/Cargo.toml", &b),
        ("crates/c/Cargo.toml", &krate("c")),
    ];
    let cfg = Config::default();
    let edits: Vec<(&str, Vec<&str>)> = vec![
        ("c1", vec!["crates/a/x", "crates/b/x"]),
        ("c2", vec!["crates/a/y", "crates/b/y"]),
        ("c3", vec!["crates/c/x"]),
        ("c4", vec!["rust-toolchain.toml"]),
        ("c5", vec!["crates/a/z", "crates/b/z", "crates/c/z"]),
    ];
    let mut results = Vec::new();
    for (id, paths) in &edits {
        let e: Vec<(&str, Option<&str>)> = paths.iter().map(|p| (*p, Some("x"))).collect();
        let (bs, hs) = revise(&files, &e);
        let r = affected(
            &discover(&bs, &cfg),
            &discover(&hs, &cfg),
            &bs.diff(&hs),
            &bs,
            &hs,
            &opts(),
        );
        results.push((
            id.to_string(),
            paths
                .iter()
                .map(|p| p.as_bytes().to_vec())
                .collect::<Vec<_>>(),
            r,
        ));
    }
    let ws = discover(&MemSnap::new(&files), &cfg);
    let inputs: Vec<ChangeInput> = results
        .iter()
        .map(|(id, paths, r)| ChangeInput {
            id: id.clone(),
            paths: paths.clone(),
            workspace: &ws,
            affected: r,
        })
        .collect();
    let a = audit_with(
        &inputs,
        &AuditOptions {
            bulk_threshold: 3,
            ..AuditOptions::default()
        },
    );
    assert_eq!(a.packages, 3);
    assert_eq!(a.edges.get("cargo").and_then(|k| k.get("normal")), Some(&1));
    assert_eq!(a.bulk_changes, vec!["c5"]);
    assert_eq!(a.global_only_changes, vec!["c4"]);
    assert_eq!(
        a.per_change
            .iter()
            .map(|c| (c.directly_changed, c.affected))
            .collect::<Vec<_>>(),
        vec![(2, 2), (2, 2), (1, 1), (0, 3), (3, 3)]
    );
    assert_eq!(a.multi_package_share, Some(0.6));
    assert_eq!(a.co_change.len(), 1);
    let p = &a.co_change[0];
    assert_eq!(
        (
            p.a.as_str(),
            p.b.as_str(),
            p.support,
            p.confidence_ab,
            p.confidence_ba
        ),
        ("crates/a", "crates/b", 2, 1.0, 1.0)
    );
    let saving = a.ci_saving.unwrap_or(0.0);
    assert!((saving - (1.0 - (2.0 / 3.0 + 2.0 / 3.0 + 1.0 / 3.0 + 1.0 + 1.0) / 5.0)).abs() < 1e-9);
    let json = serde_json::to_value(&a).expect("serializes");
    assert_eq!(json["unit"], "landed_change");
}

// ---------------------------------------------------------------- rendering, config, bad input

#[test]
fn render_graph_formats() {
    let b = krate_deps("b", "[dev-dependencies]\na = { path = \"../a\" }");
    let ws = discover(
        &MemSnap::new(&[
            ("Cargo.toml", WS),
            ("crates/a/Cargo.toml", &krate("a")),
            ("crates/b/Cargo.toml", &b),
        ]),
        &Config::default(),
    );
    let json: serde_json::Value =
        serde_json::from_str(&render_graph(&ws, GraphFormat::Json)).expect("json");
    assert_eq!(
        json,
        serde_json::json!({
            "schema_version": crate::model::SCHEMA_VERSION,
            "nodes": [
                {"name": "a", "path": "crates/a", "ecosystem": "cargo"},
                {"name": "b", "path": "crates/b", "ecosystem": "cargo"}
            ],
            "edges": [{"from": "crates/b", "to": "crates/a", "kind": "dev"}]
        })
    );
    let dot = render_graph(&ws, GraphFormat::Dot);
    assert!(dot.starts_with("digraph packages {"));
    assert!(dot.contains("n1 -> n0 [label=\"dev\", style=dashed];"));
    let mm = render_graph(&ws, GraphFormat::Mermaid);
    assert!(mm.contains("n0[\"a<br/>crates/a\"]"));
    assert!(mm.contains("n1 -.->|dev| n0"));
}

#[test]
fn affected_serializes_with_the_documented_field_names() {
    let files = [
        ("Cargo.toml", WS),
        ("crates/a/Cargo.toml", &krate("a") as &str),
    ];
    let (bs, hs) = revise(&files, &[("crates/a/src/lib.rs", Some("x"))]);
    let v = serde_json::to_value(run(&bs, &hs, &opts())).expect("json");
    assert_eq!(
        v["affected"],
        serde_json::json!([{"name": "a", "path": "crates/a", "ecosystem": "cargo", "reason": "changed: crates/a/src/lib.rs"}])
    );
    for f in [
        "changed",
        "ignored",
        "global",
        "unowned",
        "removed",
        "all",
        "all_reason",
        "warnings",
    ] {
        assert!(v.get(f).is_some(), "{f}");
    }
}

#[test]
fn config_defaults_and_unknown_keys() {
    let c: Config = toml::from_str("global = [\"ci/**\"]\nnpm = false\n").expect("config");
    assert_eq!(c.global, vec!["ci/**"]);
    assert!(!c.npm && c.cargo && c.default_globals);
    assert!(toml::from_str::<Config>("bogus = 1").is_err());
    let snap = MemSnap::new(&[
        ("package.json", NPM_ROOT),
        ("packages/a/package.json", "{\"name\": \"a\"}"),
        ("ci/x.yml", ""),
    ]);
    let ws = discover(&snap, &c);
    assert!(ws.packages.is_empty());
    assert_eq!(ws.owner(b"ci/x.yml"), Owner::Global(None));
}

#[test]
fn malformed_manifests_name_file_and_line() {
    let big = format!(
        "{{\"name\": \"big\", \"x\": \"{}\"}}",
        "a".repeat(MAX_MANIFEST_BYTES)
    );
    let snap = MemSnap::new(&[
        (
            "Cargo.toml",
            "[workspace]\nmembers = [\"crates/*\", \"../outside\"]\n",
        ),
        (
            "crates/a/Cargo.toml",
            "[package]\nname = \"a\"\nversion = \n",
        ),
        ("crates/b/Cargo.toml", &krate("b")),
        ("web/package.json", "{\n  \"name\": \"web\",\n  oops\n}"),
        ("big/package.json", &big),
        ("pnpm-workspace.yaml", "packages:\n  - 'a'\n\tbad: 1\n"),
        (
            "java/pom.xml",
            "<project>\n<artifactId>x</artifactId>\n</projec>\n",
        ),
    ])
    .with_entry(
        b"crates/c/Cargo.toml",
        b"../../etc/passwd",
        EntryMode::Symlink,
    );
    let ws = discover(&snap, &Config::default());
    let got: Vec<(String, Option<u32>)> = ws
        .diagnostics
        .iter()
        .map(|d| (d.file.clone(), d.line))
        .collect();
    for want in [
        ("Cargo.toml".to_string(), None),
        ("crates/a/Cargo.toml".to_string(), Some(3)),
        ("crates/c/Cargo.toml".to_string(), None),
        ("web/package.json".to_string(), Some(3)),
        ("big/package.json".to_string(), None),
        ("pnpm-workspace.yaml".to_string(), Some(3)),
        ("java/pom.xml".to_string(), Some(3)),
    ] {
        assert!(got.contains(&want), "{want:?} not in {:#?}", ws.diagnostics);
    }
    assert!(ws
        .diagnostics
        .iter()
        .any(|d| d.message == "member \"../outside\" escapes the repository"));
    assert!(ws
        .diagnostics
        .iter()
        .any(|d| d.message == "symlinked manifest not followed"));
    assert_eq!(dirs(&ws), vec!["crates/b"]);
}

/// No input may panic: manifests, lockfiles and ranges built from a tricky alphabet.
#[test]
fn garbage_never_panics() {
    let alphabet: Vec<&str> = vec![
        "\n",
        " ",
        "  ",
        "\t",
        ":",
        ": ",
        "- ",
        "-",
        "{",
        "}",
        "[",
        "]",
        ",",
        "'",
        "\"",
        "#",
        "|",
        ">",
        "\\",
        "/",
        "..",
        ".",
        "*",
        "**",
        "!",
        "@",
        "^",
        "~",
        "=",
        "<",
        ">=",
        "||",
        " - ",
        "1",
        "0.1.0",
        "x",
        "ñ",
        "é",
        "€",
        "\u{feff}",
        "(",
        ")",
        "${",
        "${x}",
        "<project>",
        "</project>",
        "<module>",
        "</module>",
        "<modules>",
        "&amp;",
        "&#x41;",
        "<!--",
        "-->",
        "[package]",
        "[workspace]",
        "members = [\"*\"]",
        "name = \"a\"",
        "path = \"..\"",
        "[[package]]",
        "dependencies",
        "workspace:",
        "link:",
        "catalog:",
        "npm:",
        "importers:",
        "packages:",
        "snapshots:",
        "version:",
        "module ",
        "require ",
        "replace ",
        "=>",
        "use ",
        "include(",
        "project(\":",
        "projects.",
        "implementation",
        "-e ",
        "-r ",
        "requirements.txt",
        "//",
        "/*",
        "*/",
        "[tool.uv.workspace]",
        "[tool.uv.sources]",
        "{ workspace = true }",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..250 {
        let mut gen = || {
            let n = (next() % 60) as usize;
            (0..n)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect::<String>()
        };
        let texts: Vec<String> = (0..14).map(|_| gen()).collect();
        let _ = yaml::parse(&texts[0]);
        let _ = semver::satisfies(&texts[1], "1.2.3");
        let _ = maven::parse_xml(&texts[2]);
        let _ = cargo::parse_lock(&texts[3]);
        let _ = npm::parse_pnpm_lock(&texts[4]);
        let _ = python::parse_uv_lock(&texts[5]);
        let _ = npm::parse_package_lock(&texts[7]);
        let _ = npm::parse_yarn_berry(&texts[0]);
        let _ = npm::parse_yarn_v1(
            &texts[4],
            &[(".".into(), vec![("a".into(), texts[1].clone())])],
        );
        let files = [
            ("Cargo.toml", texts[3].as_str()),
            ("a/Cargo.toml", &texts[6]),
            ("package.json", &texts[7]),
            ("pnpm-workspace.yaml", &texts[0]),
            ("pnpm-lock.yaml", &texts[4]),
            ("go.mod", &texts[8]),
            ("go.work", &texts[9]),
            ("pyproject.toml", &texts[10]),
            ("requirements.txt", &texts[11]),
            ("pom.xml", &texts[2]),
            ("settings.gradle", &texts[12]),
            ("build.gradle", &texts[13]),
            ("uv.lock", &texts[5]),
            ("Cargo.lock", &texts[1]),
            ("yarn.lock", &texts[4]),
            ("package-lock.json", &texts[7]),
        ];
        let (bs, hs) = revise(
            &files,
            &[
                ("Cargo.toml", Some(&texts[13])),
                ("package.json", Some(&texts[12])),
            ],
        );
        let r = run(&bs, &hs, &opts());
        let ws = discover(&hs, &Config::default());
        for f in [GraphFormat::Dot, GraphFormat::Mermaid, GraphFormat::Json] {
            let _ = render_graph(&ws, f);
        }
        let _ = serde_json::to_string(&r);
    }
}

/// Deep nesting must not overflow the stack in any reader.
#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let n = 50_000;
    let toml_text = format!("a = {}{}", "[".repeat(n), "]".repeat(n));
    let json_text = format!("{{\"name\": {}{}}}", "[".repeat(n), "]".repeat(n));
    let yaml_flow = format!("packages: {}{}", "[".repeat(n), "]".repeat(n));
    let yaml_block: String = (0..5000)
        .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
        .collect();
    let xml = format!("{}{}", "<a>".repeat(n), "</a>".repeat(n));
    let snap = MemSnap::new(&[
        ("Cargo.toml", &toml_text),
        ("package.json", &json_text),
        ("pnpm-workspace.yaml", &yaml_flow),
        ("x/pnpm-workspace.yaml", &yaml_block),
        ("pom.xml", &xml),
    ]);
    let ws = discover(&snap, &Config::default());
    assert!(ws.packages.is_empty());
    assert!(ws.diagnostics.len() >= 4, "{:?}", ws.diagnostics);
}

const PACKAGE_LOCK: &str = r#"{
  "name": "root",
  "lockfileVersion": 3,
  "packages": {
    "": { "name": "root", "workspaces": ["packages/*"], "devDependencies": { "typescript": "^5" } },
    "node_modules/a": { "resolved": "packages/a", "link": true },
    "node_modules/b": { "resolved": "packages/b", "link": true },
    "node_modules/typescript": { "version": "5.4.2", "resolved": "https://r/ts.tgz", "integrity": "sha512-ts", "dev": true },
    "node_modules/react": { "version": "18.2.0", "resolved": "https://r/react.tgz", "integrity": "sha512-react", "dependencies": { "loose-envify": "^1.1.0" } },
    "node_modules/loose-envify": { "version": "1.4.0", "resolved": "https://r/le.tgz", "integrity": "sha512-le" },
    "packages/a": { "name": "a", "version": "1.0.0", "dependencies": { "react": "^18", "b": "^1.0.0" } },
    "packages/b": { "name": "b", "version": "1.0.0", "dependencies": { "lodash": "^4" } },
    "packages/b/node_modules/lodash": { "version": "4.17.21", "resolved": "https://r/lodash.tgz", "integrity": "sha512-lodash" }
  }
}"#;

const YARN_V1: &str = r#"# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


lodash@^4:
  version "4.17.21"
  resolved "https://r/lodash-4.17.21.tgz#abc"
  integrity sha512-lodash

loose-envify@^1.1.0:
  version "1.4.0"
  resolved "https://r/le-1.4.0.tgz#def"
  integrity sha512-le

"react@^18", react@^18.2.0:
  version "18.2.0"
  resolved "https://r/react-18.2.0.tgz#ghi"
  integrity sha512-react
  dependencies:
    loose-envify "^1.1.0"
"#;

const YARN_BERRY: &str = r#"# This file is generated by running "yarn install" inside your project.
__metadata:
  version: 8
  cacheKey: 10c0

"a@workspace:packages/a":
  version: 0.0.0-use.local
  resolution: "a@workspace:packages/a"
  dependencies:
    b: "workspace:^"
    react: "npm:^18"
  languageName: unknown
  linkType: soft

"b@workspace:^, b@workspace:packages/b":
  version: 0.0.0-use.local
  resolution: "b@workspace:packages/b"
  dependencies:
    lodash: "npm:^4"
  languageName: unknown
  linkType: soft

"lodash@npm:^4":
  version: 4.17.21
  resolution: "lodash@npm:4.17.21"
  checksum: 10c0/lodash
  languageName: node
  linkType: hard

"loose-envify@npm:^1.1.0":
  version: 1.4.0
  resolution: "loose-envify@npm:1.4.0"
  checksum: 10c0/le
  languageName: node
  linkType: hard

"react@npm:^18":
  version: 18.2.0
  resolution: "react@npm:18.2.0"
  dependencies:
    loose-envify: "npm:^1.1.0"
  checksum: 10c0/react
  languageName: node
  linkType: hard

"root@workspace:.":
  version: 0.0.0-use.local
  resolution: "root@workspace:."
  languageName: unknown
  linkType: soft
"#;

#[test]
fn rule_31_npm_and_yarn_lockfiles_are_scoped_too() {
    let a = pkg(
        "a",
        "1.0.0",
        "\"dependencies\": {\"b\": \"^1.0.0\", \"react\": \"^18\"}",
    );
    let b = pkg("b", "1.0.0", "\"dependencies\": {\"lodash\": \"^4\"}");
    let c = pkg("c", "1.0.0", "\"dependencies\": {\"a\": \"^1.0.0\"}");
    let members = [
        ("packages/a/package.json", a.as_str()),
        ("packages/b/package.json", &b),
        ("packages/c/package.json", &c),
    ];
    let want_react = pairs(&[
        ("packages/a", "lockfile: loose-envify 1.4.0 -> 1.5.0"),
        ("packages/c", "normal dependency of a"),
    ]);
    let want_lodash = pairs(&[
        ("packages/a", "normal dependency of b"),
        ("packages/b", "lockfile: lodash 4.17.21 -> 4.17.22"),
        ("packages/c", "normal dependency of a"),
    ]);
    for (lockfile, text, le_from, le_to) in [
        (
            "package-lock.json",
            PACKAGE_LOCK,
            "\"version\": \"1.4.0\"",
            "\"version\": \"1.5.0\"",
        ),
        (
            "yarn.lock",
            YARN_V1,
            "version \"1.4.0\"",
            "version \"1.5.0\"",
        ),
        (
            "yarn.lock",
            YARN_BERRY,
            "loose-envify@npm:1.4.0\"\n  checksum: 10c0/le",
            "loose-envify@npm:1.5.0\"\n  checksum: 10c0/le2",
        ),
    ] {
        let mut files = vec![("package.json", NPM_ROOT), (lockfile, text)];
        files.extend_from_slice(&members);
        let berry_version = if text.contains("__metadata") {
            "version: 1.4.0\n  resolution: \"loose"
        } else {
            ""
        };
        let bumped = if berry_version.is_empty() {
            text.replace(le_from, le_to)
        } else {
            text.replace(le_from, le_to)
                .replace(berry_version, "version: 1.5.0\n  resolution: \"loose")
        };
        let (bs, hs) = revise(&files, &[(lockfile, Some(&bumped))]);
        let r = run(&bs, &hs, &opts());
        assert_eq!(pr(&r.affected), want_react, "{lockfile}");
        let bumped = text.replace("4.17.21", "4.17.22");
        let (bs, hs) = revise(&files, &[(lockfile, Some(&bumped))]);
        let r = run(&bs, &hs, &opts());
        assert_eq!(pr(&r.affected), want_lodash, "{lockfile}");
    }
}
