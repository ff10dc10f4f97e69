//! Unit tests of the pure audit stages on hand-built inputs.

use super::deps::{skew, tag_package};
use super::sets::{find_sets, EvidenceKind};
use super::teams::build_systems;
use super::*;
use crate::monorepo::Ecosystem;

fn pkg(name: &str, dir: &str, version: &str) -> RepoPackage {
    RepoPackage {
        name: name.into(),
        dir: dir.into(),
        ecosystem: Ecosystem::Npm,
        version: Some(version.into()),
        requires: Vec::new(),
    }
}

fn landing(n: u8, at: i64, author: &str, subject: &str, branch: Option<&str>) -> Landing {
    Landing {
        commit: Oid([n; 20]),
        commits: vec![Oid([n; 20])],
        landed_at: at,
        author: author.into(),
        bot: author.ends_with("[bot]"),
        subject: subject.into(),
        message: subject.into(),
        source_branch: branch.map(str::to_string),
        pr: None,
    }
}

fn release(version: &str, at: i64) -> Release {
    Release {
        package: "lib".into(),
        version: version.into(),
        at,
        commit: Oid::default(),
        tag: None,
        source: ReleaseSource::Tag,
    }
}

#[test]
fn tags_name_their_package() {
    let r = RepoInput {
        packages: vec![
            pkg("@vitejs/plugin-vue", "packages/plugin-vue", "6.0.8"),
            pkg("@vitejs/plugin-vue-jsx", "packages/plugin-vue-jsx", "5.1.0"),
        ],
        ..RepoInput::default()
    };
    let both = [0, 1];
    assert_eq!(
        tag_package(&r, &both, "plugin-vue@6.0.8"),
        Some((0, "6.0.8".into()))
    );
    assert_eq!(
        tag_package(&r, &both, "plugin-vue-jsx@5.0.0"),
        Some((1, "5.0.0".into()))
    );
    // A plain version tag: the required package with the same major; ambiguous otherwise.
    assert_eq!(tag_package(&r, &both, "v5.2.0"), Some((1, "5.2.0".into())));
    assert_eq!(tag_package(&r, &[0], "v1.0.0"), Some((0, "1.0.0".into())));
    assert_eq!(tag_package(&r, &both, "v1.0.0"), None);
    assert_eq!(tag_package(&r, &both, "nightly"), None);
}

#[test]
fn skew_counts_stable_releases_past_the_newest_accepted() {
    let rels = [
        release("1.0.0", 10),
        release("1.1.0", 20),
        release("2.0.0-beta.1", 25),
        release("2.0.0", 30),
        release("2.1.0", 40),
    ];
    let refs: Vec<&Release> = rels.iter().collect();
    let s = skew(Ecosystem::Npm, Some("^1.0.0"), &refs);
    assert_eq!(s.releases, 4);
    assert_eq!(s.latest.as_deref(), Some("2.1.0"));
    assert_eq!(s.newest_accepted.as_deref(), Some("1.1.0"));
    assert_eq!(s.releases_behind, Some(2));
    assert_eq!(s.behind_since, Some(30));
    // A requirement that accepts none, or is no range: unknown, never zero.
    assert_eq!(
        skew(Ecosystem::Npm, Some("^3.0.0"), &refs).releases_behind,
        None
    );
    assert_eq!(
        skew(Ecosystem::Npm, Some("workspace:*"), &refs).releases_behind,
        None
    );
}

#[test]
fn evidence_is_found_and_generic_branches_are_not() {
    let h = 3600;
    let a = RepoInput {
        name: "api".into(),
        landings: vec![
            landing(1, 0, "Ann", "Fix totals (PAY-7)", None),
            landing(2, 10 * h, "Ann", "Merge branch 'main'", Some("main")),
            landing(3, 20 * h, "Ann", "Follow acme/web#9", None),
            landing(
                4,
                100 * h,
                "dependabot[bot]",
                "Bump x",
                Some("dependabot/npm/x"),
            ),
            landing(5, 200 * h, "Ann", "Tidy", None),
            landing(6, 260 * h, "Ann", "Also see UTF-8 handling", None),
        ],
        ..RepoInput::default()
    };
    let mut w9 = landing(
        9,
        21 * h,
        "Bo",
        "Merge pull request #9 from acme/x",
        Some("x"),
    );
    w9.pr = Some(9);
    let b = RepoInput {
        name: "web".into(),
        landings: vec![
            landing(7, h, "Bo", "Show totals (PAY-7)", None),
            landing(8, 11 * h, "Bo", "Merge branch 'main'", Some("main")),
            w9,
            landing(
                10,
                101 * h,
                "dependabot[bot]",
                "Bump x",
                Some("dependabot/npm/x"),
            ),
            landing(11, 210 * h, "Ann", "Tidy too", None),
            landing(12, 261 * h, "Bo", "UTF-8 everywhere", None),
        ],
        ..RepoInput::default()
    };
    let (strong, weak) = find_sets(&[a, b], &[], &AuditOptions::default());
    let kinds: Vec<(EvidenceKind, String)> = strong
        .iter()
        .map(|s| (s.strongest, s.evidence[0].detail.clone()))
        .collect();
    assert_eq!(
        kinds,
        [
            (EvidenceKind::IssueKey, "PAY-7".into()),
            (EvidenceKind::CrossReference, "web#9".into()),
        ]
    );
    // Ann in both within ten hours: weak, and apart; the bots' same branch is no evidence.
    assert_eq!(weak.len(), 1);
    assert_eq!(weak[0].landings[0].subject, "Tidy");
}

#[test]
fn build_systems_from_tree_names() {
    let paths: Vec<String> = [
        "pnpm-lock.yaml",
        "turbo.json",
        "crates/a/Cargo.toml",
        "node_modules/x/package-lock.json",
        "sub/Makefile",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(build_systems(&paths), ["cargo", "pnpm", "turborepo"]);
}
