//! The history audit and its workspace cache (rules 43-44).

use crate::monorepo::testutil::*;
use crate::monorepo::*;

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
