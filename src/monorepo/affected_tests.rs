//! Affected packages: paths and ownership, removed and moved packages, buckets, edge kinds and closures (rules 1-11).

use crate::monorepo::testutil::*;
use crate::monorepo::*;

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
