//! npm, yarn, pnpm and bun workspaces (rules 24-32).

use crate::monorepo::testutil::*;
use crate::monorepo::*;

fn pkg(name: &str, version: &str, deps: &str) -> String {
    format!(
        "{{\"name\": \"{name}\", \"version\": \"{version}\"{}{deps}}}",
        if deps.is_empty() { "" } else { ", " }
    )
}

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

#[test]
fn rule_26_same_name_resolves_like_pnpm() {
    // Two packages named `dup`: 1.0.0 under packages/dup-a, 2.0.0 under packages/dup-b;
    // two named `twin` with one version (the last directory wins, as in pnpm's map).
    let m = [
        pkg("dup", "1.0.0", ""),
        pkg("dup", "2.0.0", ""),
        pkg("twin", "0.0.0", ""),
        pkg(
            "star",
            "1.0.0",
            "\"dependencies\": {\"dup\": \"workspace:*\", \"twin\": \"workspace:*\"}",
        ),
        pkg(
            "one",
            "1.0.0",
            "\"dependencies\": {\"dup\": \"workspace:^1.0.0\"}",
        ),
        pkg("plain", "1.0.0", "\"dependencies\": {\"dup\": \"~1.0.0\"}"),
        pkg("none", "1.0.0", "\"dependencies\": {\"dup\": \"^3\"}"),
    ];
    let files = pnpm_files(&[
        (
            "pnpm-workspace.yaml",
            "packages:\n  - 'packages/*'\nlinkWorkspacePackages: true\n",
        ),
        ("packages/dup-a/package.json", &m[0]),
        ("packages/dup-b/package.json", &m[1]),
        ("packages/twin-a/package.json", &m[2]),
        ("packages/twin-b/package.json", &m[2]),
        ("packages/star/package.json", &m[3]),
        ("packages/one/package.json", &m[4]),
        ("packages/plain/package.json", &m[5]),
        ("packages/none/package.json", &m[6]),
    ]);
    let ws = discover(&MemSnap::new(&files), &Config::default());
    let got: Vec<(String, String)> = edges(&ws).into_iter().map(|(f, t, _)| (f, t)).collect();
    assert_eq!(
        got,
        pairs(&[
            ("packages/one", "packages/dup-a"),
            ("packages/plain", "packages/dup-a"),
            ("packages/star", "packages/dup-b"),
            ("packages/star", "packages/twin-b"),
        ])
    );
    // A change to the package a dependent really uses reaches it; plain output tells the
    // two `dup` packages apart.
    let (bs, hs) = revise(&files, &[("packages/dup-a/index.js", Some("x"))]);
    let r = run(&bs, &hs, &opts());
    assert_eq!(
        pr(&r.affected),
        pairs(&[
            ("packages/dup-a", "changed: packages/dup-a/index.js"),
            ("packages/one", "normal dependency of dup"),
            ("packages/plain", "normal dependency of dup"),
        ])
    );
    let labels: Vec<String> = r.affected.iter().map(|p| r.label(p)).collect();
    assert_eq!(labels, vec!["dup@packages/dup-a", "one", "plain"]);
}

const BUN_LOCK: &str = r#"{
  "lockfileVersion": 1,
  "workspaces": {
    "": { "name": "root" },
    "packages/a": { "name": "a", "dependencies": { "b": "workspace:*", "left-pad": "^1.3.0" } },
    "packages/b": { "name": "b", "dependencies": { "lodash": "^4" } },
    "packages/c": { "name": "c", "dependencies": { "a": "workspace:*" } },
    // A comment, as bun allows.
  },
  "packages": {
    "a": ["a@workspace:packages/a"],
    "b": ["b@workspace:packages/b"],
    "c": ["c@workspace:packages/c"],
    "left-pad": ["left-pad@1.3.0", "", { "dependencies": { "x": "^1" } }, "sha512-lp"],
    "lodash": ["lodash@4.17.21", "", {}, "sha512-lo"],
    "x": ["x@1.0.0", "", {}, "sha512-x1"],
    "left-pad/x": ["x@2.0.0", "", {}, "sha512-x2"],
  },
}
"#;

#[test]
fn rule_31_bun_lock_is_scoped() {
    let root = "{\"name\": \"root\", \"workspaces\": [\"packages/*\"]}";
    let a = pkg(
        "a",
        "1.0.0",
        "\"dependencies\": {\"b\": \"workspace:*\", \"left-pad\": \"^1.3.0\"}",
    );
    let b = pkg("b", "1.0.0", "\"dependencies\": {\"lodash\": \"^4\"}");
    let c = pkg("c", "1.0.0", "\"dependencies\": {\"a\": \"workspace:*\"}");
    let files = [
        ("package.json", root),
        ("bun.lock", BUN_LOCK),
        ("packages/a/package.json", a.as_str()),
        ("packages/b/package.json", b.as_str()),
        ("packages/c/package.json", c.as_str()),
    ];
    // `x` under left-pad (2.0.0, not the hoisted 1.0.0) changes: a and its dependent c (two
    // versions of x were locked, so the new one reads as added).
    let bump = BUN_LOCK.replace(
        "x@2.0.0\", \"\", {}, \"sha512-x2",
        "x@2.0.1\", \"\", {}, \"sha512-x3",
    );
    let (bs, hs) = revise(&files, &[("bun.lock", Some(&bump))]);
    let r = run(&bs, &hs, &opts());
    assert_eq!(
        pr(&r.affected),
        pairs(&[
            ("packages/a", "lockfile: x 2.0.1 added"),
            ("packages/c", "normal dependency of a"),
        ])
    );
    // The hoisted x@1.0.0 is used by nobody's closure: nothing.
    let bump = BUN_LOCK.replace("sha512-x1", "sha512-x9");
    let (bs, hs) = revise(&files, &[("bun.lock", Some(&bump))]);
    let r = run(&bs, &hs, &opts());
    assert!(r.affected.is_empty() && !r.all, "{r:?}");
    // lodash: b, and a and c through it.
    let bump = BUN_LOCK.replace(
        "lodash@4.17.21\", \"\", {}, \"sha512-lo",
        "lodash@4.17.22\", \"\", {}, \"sha512-l2",
    );
    let (bs, hs) = revise(&files, &[("bun.lock", Some(&bump))]);
    let r = run(&bs, &hs, &opts());
    assert_eq!(
        pr(&r.affected),
        pairs(&[
            ("packages/a", "normal dependency of b"),
            ("packages/b", "lockfile: lodash 4.17.21 -> 4.17.22"),
            ("packages/c", "normal dependency of a"),
        ])
    );
    // Unparsable: every npm package.
    let (bs, hs) = revise(&files, &[("bun.lock", Some("{ not json"))]);
    let r = run(&bs, &hs, &opts());
    assert_eq!(r.affected.len(), 4, "{r:?}");
}

const LOCK_V1: &str = r#"{
  "name": "root",
  "lockfileVersion": 1,
  "requires": true,
  "dependencies": {
    "a": { "version": "file:packages/a", "requires": { "left-pad": "^1.3.0" } },
    "left-pad": { "version": "1.3.0", "integrity": "sha512-lp", "requires": { "x": "^2" },
      "dependencies": { "x": { "version": "2.0.0", "integrity": "sha512-x2" } } },
    "x": { "version": "1.0.0", "integrity": "sha512-x1" },
    "lodash": { "version": "4.17.21", "integrity": "sha512-lo" }
  }
}
"#;

#[test]
fn rule_31_package_lock_v1_is_scoped() {
    let root = pkg(
        "root",
        "1.0.0",
        "\"workspaces\": [\"packages/*\"], \"dependencies\": {\"lodash\": \"^4\", \"x\": \"^1\"}",
    );
    let a = pkg("a", "1.0.0", "\"dependencies\": {\"left-pad\": \"^1.3.0\"}");
    let files = [
        ("package.json", root.as_str()),
        ("package-lock.json", LOCK_V1),
        ("packages/a/package.json", a.as_str()),
    ];
    // The nested x under left-pad: only a.
    let bump = LOCK_V1.replace(
        "\"2.0.0\", \"integrity\": \"sha512-x2\"",
        "\"2.0.1\", \"integrity\": \"sha512-x3\"",
    );
    let (bs, hs) = revise(&files, &[("package-lock.json", Some(&bump))]);
    let r = run(&bs, &hs, &opts());
    assert_eq!(
        pr(&r.affected),
        pairs(&[("packages/a", "lockfile: x 2.0.1 added")])
    );
    // The hoisted x: only the root, which requires it.
    let bump = LOCK_V1.replace(
        "\"1.0.0\", \"integrity\": \"sha512-x1\"",
        "\"1.0.1\", \"integrity\": \"sha512-x4\"",
    );
    let (bs, hs) = revise(&files, &[("package-lock.json", Some(&bump))]);
    let r = run(&bs, &hs, &opts());
    assert_eq!(pr(&r.affected), pairs(&[(".", "lockfile: x 1.0.1 added")]));
}
