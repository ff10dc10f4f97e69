//! Fuzzing every manifest and lockfile reader (see `crate::fuzzing`): one file of a small,
//! valid workspace is replaced by arbitrary or mutated bytes. Discovery and `affected` must not
//! panic, and every diagnostic must name a file of the tree.

use crate::fuzzing::{config, mutated};
use crate::monorepo::testutil::*;
use crate::monorepo::*;
use proptest::prelude::*;

/// A workspace of each ecosystem: (path, content) pairs; `target` is the file the fuzzer edits.
struct Seed {
    files: &'static [(&'static str, &'static str)],
    target: &'static str,
}

const CARGO_A: &str = "[package]\nname = \"a\"\nversion = \"0.1.0\"\n\n[dependencies]\nb = { path = \"../b\", version = \"0.1\" }\nserde = \"1\"\n\n[dev-dependencies]\nc = { workspace = true }\n\n[target.'cfg(unix)'.dependencies]\nlibc = \"0.2\"\n";
const CARGO_LOCK: &str = "version = 3\n\n[[package]]\nname = \"a\"\nversion = \"0.1.0\"\ndependencies = [\n \"b\",\n \"serde\",\n]\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.200\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
const NPM_A: &str = r#"{"name": "@s/a", "version": "1.0.0", "dependencies": {"@s/b": "workspace:^", "left-pad": "^1.3.0"}, "devDependencies": {"@s/c": "file:../c"}, "peerDependencies": {"react": ">=16 <19 || 15.x"}}"#;
const NPM_B: &str = r#"{"name": "@s/b", "version": "1.2.3"}"#;
const PNPM_WS: &str =
    "packages:\n  - 'packages/*'\n  - \"!packages/skip\"\ncatalog:\n  react: ^18.2.0\n";
const PNPM_LOCK: &str = "lockfileVersion: '9.0'\n\nimporters:\n\n  .: {}\n\n  packages/a:\n    dependencies:\n      '@s/b':\n        specifier: workspace:^\n        version: link:../b\n      left-pad:\n        specifier: ^1.3.0\n        version: 1.3.0\n\npackages:\n\n  left-pad@1.3.0:\n    resolution: {integrity: sha512-x}\n\nsnapshots:\n\n  left-pad@1.3.0: {}\n";
const PACKAGE_LOCK: &str = r#"{"name": "root", "lockfileVersion": 3, "packages": {"": {"workspaces": ["packages/*"]}, "node_modules/left-pad": {"version": "1.3.0"}, "node_modules/@s/a": {"resolved": "packages/a", "link": true}, "packages/a": {"dependencies": {"left-pad": "^1.3.0"}}}}"#;
const PACKAGE_LOCK_V1: &str = r#"{"name": "root", "lockfileVersion": 1, "dependencies": {"left-pad": {"version": "1.3.0", "requires": {"x": "^1"}}, "x": {"version": "1.0.0", "dependencies": {"y": {"version": "2.0.0"}}}}}"#;
const YARN_LOCK: &str = "# yarn lockfile v1\n\n\"left-pad@^1.3.0\", left-pad@^1.0.0:\n  version \"1.3.0\"\n  resolved \"https://example.org/left-pad-1.3.0.tgz\"\n  dependencies:\n    x \"^1\"\n";
const BUN_LOCK: &str = "{\n  \"lockfileVersion\": 1,\n  \"workspaces\": {\n    \"\": { \"name\": \"root\" },\n    \"packages/a\": { \"name\": \"@s/a\", \"dependencies\": { \"left-pad\": \"^1.3.0\" } },\n  },\n  \"packages\": {\n    \"left-pad\": [\"left-pad@1.3.0\", \"\", {}, \"sha512-x\"],\n  },\n}\n";
const GO_WORK: &str =
    "go 1.22\n\nuse (\n\t./a\n\t./b // comment\n)\n\nreplace example.com/c => ./c\n";
const GO_A: &str = "module example.com/a\n\ngo 1.22\n\nrequire (\n\texample.com/b v0.0.0\n\tgolang.org/x/text v0.14.0 // indirect\n)\n\nreplace example.com/b => ../b\n";
const GO_B: &str = "module example.com/b\n\ngo 1.22\n";
const POM_ROOT: &str = "<?xml version=\"1.0\"?>\n<project><modelVersion>4.0.0</modelVersion><groupId>g</groupId><artifactId>root</artifactId><version>1</version><packaging>pom</packaging><modules><module>a</module><module>b</module></modules><profiles><profile><modules><module>c</module></modules></profile></profiles></project>\n";
const POM_A: &str = "<project><parent><groupId>g</groupId><artifactId>root</artifactId><version>1</version></parent><artifactId>a</artifactId><dependencies><dependency><groupId>g</groupId><artifactId>b</artifactId><version>${project.version}</version><scope>test</scope></dependency></dependencies></project>\n";
const POM_B: &str =
    "<project><groupId>g</groupId><artifactId>b</artifactId><version>1</version></project>\n";
const GRADLE_SETTINGS: &str = "rootProject.name = 'root'\ninclude ':a', ':b'\ninclude(\"lib:c\")\nproject(':b').projectDir = file('libs/b')\n";
const GRADLE_A: &str = "plugins { id 'java' }\ndependencies {\n    implementation project(':b')\n    testImplementation(project(path: \":lib:c\"))\n    api \"org.x:y:1.0\"\n}\n";
const UV_ROOT: &str = "[project]\nname = \"root\"\nversion = \"0.1.0\"\n\n[tool.uv.workspace]\nmembers = [\"libs/*\"]\nexclude = [\"libs/skip\"]\n";
const UV_A: &str = "[project]\nname = \"a\"\nversion = \"0.1.0\"\ndependencies = [\"b>=1.0\", \"requests[socks]~=2.31; python_version>'3.8'\"]\n\n[tool.uv.sources]\nb = { workspace = true }\n\n[tool.poetry.dependencies]\nc = { path = \"../c\", develop = true }\n";
const UV_B: &str = "[project]\nname = \"b\"\nversion = \"1.0\"\n";
const REQUIREMENTS: &str =
    "-e ./libs/a\n-r more.txt\n./libs/b\nrequests==2.31.0 --hash=sha256:x\n# comment\n";

fn seeds() -> Vec<Seed> {
    let cargo: &'static [(&str, &str)] = &[
        ("Cargo.toml", WS),
        ("crates/a/Cargo.toml", CARGO_A),
        (
            "crates/b/Cargo.toml",
            "[package]\nname = \"b\"\nversion = \"0.1.0\"\n",
        ),
        (
            "crates/c/Cargo.toml",
            "[package]\nname = \"c\"\nversion = \"0.1.0\"\n",
        ),
        ("Cargo.lock", CARGO_LOCK),
    ];
    let npm: &'static [(&str, &str)] = &[
        ("package.json", NPM_ROOT),
        ("pnpm-workspace.yaml", PNPM_WS),
        ("packages/a/package.json", NPM_A),
        ("packages/b/package.json", NPM_B),
        ("packages/c/package.json", r#"{"name": "@s/c"}"#),
        ("pnpm-lock.yaml", PNPM_LOCK),
        ("package-lock.json", PACKAGE_LOCK),
        ("yarn.lock", YARN_LOCK),
        ("bun.lock", BUN_LOCK),
    ];
    let npm_v1: &'static [(&str, &str)] = &[
        ("package.json", NPM_ROOT),
        ("packages/a/package.json", NPM_A),
        ("package-lock.json", PACKAGE_LOCK_V1),
    ];
    let go: &'static [(&str, &str)] = &[
        ("go.work", GO_WORK),
        ("a/go.mod", GO_A),
        ("b/go.mod", GO_B),
        ("go.work.sum", "golang.org/x/text v0.14.0 h1:x=\n"),
    ];
    let maven: &'static [(&str, &str)] = &[
        ("pom.xml", POM_ROOT),
        ("a/pom.xml", POM_A),
        ("b/pom.xml", POM_B),
    ];
    let gradle: &'static [(&str, &str)] = &[
        ("settings.gradle", GRADLE_SETTINGS),
        ("a/build.gradle", GRADLE_A),
        (
            "libs/b/build.gradle.kts",
            "dependencies { implementation(project(\":a\")) }\n",
        ),
        ("settings.gradle.kts", "include(\":a\")\n"),
    ];
    let python: &'static [(&str, &str)] = &[
        ("pyproject.toml", UV_ROOT),
        ("libs/a/pyproject.toml", UV_A),
        ("libs/b/pyproject.toml", UV_B),
        ("requirements.txt", REQUIREMENTS),
        ("more.txt", "-r requirements.txt\n"),
        ("uv.lock", "version = 1\n\n[[package]]\nname = \"a\"\nversion = \"0.1.0\"\nsource = { editable = \"libs/a\" }\ndependencies = [{ name = \"b\" }]\n"),
    ];
    let mut out = Vec::new();
    for files in [cargo, npm, npm_v1, go, maven, gradle, python] {
        for (target, _) in files {
            out.push(Seed { files, target });
        }
    }
    out
}

/// The well-formed example's tree with `target` holding `bytes`.
fn tree(seed: &Seed, bytes: Option<&[u8]>) -> MemSnap {
    let rest: Vec<(&str, &str)> = seed
        .files
        .iter()
        .copied()
        .filter(|(p, _)| bytes.is_none() || *p != seed.target)
        .collect();
    let snap = MemSnap::new(&rest);
    match bytes {
        Some(b) => snap.with_entry(seed.target.as_bytes(), b, EntryMode::File),
        None => snap,
    }
}

fn check(seed: &Seed, bytes: &[u8]) -> Result<(), TestCaseError> {
    let base = tree(seed, None);
    let head = tree(seed, Some(bytes));
    let cfg = Config::default();
    let ws = discover(&head, &cfg);
    let paths: Vec<&str> = seed.files.iter().map(|(p, _)| *p).collect();
    for d in &ws.diagnostics {
        // A file of the tree, or one a file of the tree refers to (a missing `-r` include).
        let referred = String::from_utf8_lossy(bytes).contains(&d.file)
            || seed.files.iter().any(|(_, c)| c.contains(&d.file));
        prop_assert!(
            !d.file.is_empty() && (paths.contains(&d.file.as_str()) || referred),
            "{}: diagnostic names no file of the tree: {}",
            seed.target,
            d
        );
    }
    // Both directions, so the fuzzed lockfile is read as the old and as the new version.
    let _ = run(&base, &head, &opts());
    let _ = run(&head, &base, &opts());
    Ok(())
}

#[test]
fn seeds_are_valid_workspaces() {
    for seed in seeds() {
        let ws = discover(&tree(&seed, None), &Config::default());
        assert!(ws.packages.len() >= 2, "{}: {:?}", seed.target, dirs(&ws));
    }
}

/// The well-formed example's own content of its target file.
fn target_content(seed: &Seed) -> &'static str {
    seed.files
        .iter()
        .find(|(p, _)| *p == seed.target)
        .map(|(_, c)| *c)
        .unwrap_or("")
}

proptest! {
    #![proptest_config(config())]

    /// Every reader, one file at a time: the index picks the ecosystem and the file.
    #[test]
    fn fuzz_manifests_and_lockfiles(
        (pick, bytes) in (0..seeds().len())
            .prop_flat_map(|i| (Just(i), mutated(target_content(&seeds()[i]))))
    ) {
        check(&seeds()[pick], &bytes)?;
    }
}

/// A snapshot whose blobs parse through a memo shared with the other revisions of a test,
/// and which keeps its meaning-level inputs apart, as the history audit's snapshots do.
struct Memoized<'a>(&'a MemSnap, &'a Memo, Vec<TreeEntry>);

fn memoized_snap<'a>(snap: &'a MemSnap, memo: &'a Memo) -> Memoized<'a> {
    let inputs = snap
        .entries()
        .iter()
        .filter(|e| is_semantic_path(&e.path))
        .cloned()
        .collect();
    Memoized(snap, memo, inputs)
}

impl Snapshot for Memoized<'_> {
    fn entries(&self) -> &[TreeEntry] {
        self.0.entries()
    }
    fn read(&self, blob: &crate::model::Oid) -> anyhow::Result<Vec<u8>> {
        self.0.read(blob)
    }
    fn memo(&self) -> Option<&Memo> {
        Some(self.1)
    }
    fn inputs(&self) -> Option<&[TreeEntry]> {
        Some(&self.2)
    }
}

/// Everything discovery produced, as comparable values.
fn shape(ws: &Workspace) -> String {
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        ws.packages,
        ws.edges(),
        ws.barriers,
        ws.globals,
        ws.ignores,
        ws.roots,
        ws.external_edges,
        ws.diagnostics
    )
}

/// Walks `revisions` in order with one memo for the whole walk (so later revisions hit what
/// earlier ones parsed), names looked up among the inputs alone: each workspace and each
/// change's affected set must equal what a run over the whole tree without the memo finds.
fn check_memo_walk(revisions: &[MemSnap]) -> Result<(), TestCaseError> {
    let cfg = Config::default();
    let memo = Memo::default();
    let plain: Vec<Workspace> = revisions.iter().map(|s| discover(s, &cfg)).collect();
    let memoized: Vec<Workspace> = revisions
        .iter()
        .map(|s| discover(&memoized_snap(s, &memo), &cfg))
        .collect();
    for (p, m) in plain.iter().zip(&memoized) {
        prop_assert_eq!(shape(p), shape(m));
    }
    for i in 1..revisions.len() {
        let (a, b) = (&revisions[i - 1], &revisions[i]);
        let diff = a.diff(b);
        let want = affected(&plain[i - 1], &plain[i], &diff, a, b, &opts());
        let got = affected(
            &memoized[i - 1],
            &memoized[i],
            &diff,
            &memoized_snap(a, &memo),
            &memoized_snap(b, &memo),
            &opts(),
        );
        prop_assert_eq!(want, got);
    }
    Ok(())
}

#[test]
fn a_memo_changes_nothing_on_the_seed_edits() {
    // Every seed file deleted and restored, walked twice so the second pass hits the memo.
    for seed in seeds() {
        let mut walk = Vec::new();
        for _ in 0..2 {
            walk.push(tree(&seed, None));
            walk.push(MemSnap::new(
                &seed
                    .files
                    .iter()
                    .copied()
                    .filter(|(p, _)| *p != seed.target)
                    .collect::<Vec<_>>(),
            ));
            walk.push(tree(&seed, Some(b"{not valid")));
        }
        walk.push(tree(&seed, None));
        if let Err(e) = check_memo_walk(&walk) {
            panic!("{}: {e}", seed.target);
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// Random edit sequences of one file, back to the original between edits: the memo
    /// serves both the fresh versions and the ones seen before.
    #[test]
    fn a_memo_changes_no_workspace_and_no_affected_set(
        (pick, edits) in (0..seeds().len()).prop_flat_map(|i| {
            (Just(i), prop::collection::vec(mutated(target_content(&seeds()[i])), 1..4))
        })
    ) {
        let seed = &seeds()[pick];
        let mut walk = vec![tree(seed, None)];
        for e in &edits {
            walk.push(tree(seed, Some(e)));
            walk.push(tree(seed, None));
            walk.push(tree(seed, Some(e)));
        }
        check_memo_walk(&walk)?;
    }
}
