//! The docs stay true to the tree: every file or folder docs/architecture.md names exists.

use crate::common::root;

/// The `src/`, `docs/`, `tests/` and `fixtures/` paths named in a text; templates (`NAME`,
/// `*`) left out.
fn named_paths(text: &str) -> Vec<String> {
    let re = regex::Regex::new(r"\b(?:src|docs|tests|fixtures)/[A-Za-z0-9_./*-]*").expect("regex");
    let mut out: Vec<String> = re
        .find_iter(text)
        .map(|m| m.as_str().trim_end_matches(['.', ',']).to_owned())
        .filter(|p| !p.contains("NAME") && !p.contains('*'))
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn architecture_paths_exist() {
    let text =
        std::fs::read_to_string(root().join("docs/architecture.md")).expect("docs/architecture.md");
    let paths = named_paths(&text);
    for must in [
        "src/pipeline.rs",
        "src/history/classify.rs",
        "src/cli/mod.rs",
    ] {
        assert!(
            paths.iter().any(|p| p == must),
            "{must} not found in {paths:?}"
        );
    }
    let missing: Vec<&String> = paths.iter().filter(|p| !root().join(p).exists()).collect();
    assert!(
        missing.is_empty(),
        "docs/architecture.md names missing paths: {missing:?}"
    );
}

#[test]
fn named_paths_reads_paths_and_skips_templates() {
    assert_eq!(
        named_paths("see `src/git.rs`, docs/monorepo.md. and src/cli/NAME.rs or fixtures/*.sh"),
        ["docs/monorepo.md", "src/git.rs"]
    );
}
