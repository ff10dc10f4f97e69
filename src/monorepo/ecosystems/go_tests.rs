//! Go modules and workspaces (rules 33-37).

use crate::monorepo::testutil::*;
use crate::monorepo::*;

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
