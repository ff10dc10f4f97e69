//! Whole-stage tests on hand-built histories: trunk-based, GitHub Flow, GitFlow without and with
//! parallel release lines, and empty input.

use super::*;
use crate::model::{Branch, Change, Confidence, Kind, LifetimeSource, Oid, Platform, Strategy};

const H: i64 = 3600;
const D: i64 = 86_400;
/// 2024-01-01T00:00:00Z, a Monday.
const MON: i64 = 1_704_067_200;
const WINDOW: (i64, i64) = (MON, MON + 28 * D);

fn oid(n: u32) -> Oid {
    let mut b = [0u8; 20];
    b[..4].copy_from_slice(&n.to_be_bytes());
    b[19] = 0xaa;
    Oid(b)
}

/// A direct commit on `target`; tests adjust the fields they care about.
pub(crate) fn change(n: u32, target: &str, landed_at: i64) -> Change {
    Change {
        commit: oid(n),
        commits: vec![oid(n)],
        target: target.into(),
        landed_at,
        strategy: Strategy::Direct,
        kind: Kind::Feature,
        pr: None,
        platform: None,
        source_branch: None,
        branch_commits: Some(1),
        first_commit_at: Some(landed_at - 2 * H),
        lifetime_seconds: Some(2 * H),
        lifetime_source: LifetimeSource::AuthorToCommit,
        files_changed: Some(3),
        lines_added: Some(80),
        lines_deleted: Some(20),
        size: Some(100),
        confidence: Confidence::Low,
        authored: vec![("a@example.com".into(), landed_at.div_euclid(D))],
        author: "a@example.com".into(),
        subject: format!("change {n}"),
        empty_side: false,
        clock_skew: false,
        packages: None,
        remerge: None,
    }
}

/// The author of a change, who worked on it on its first commit's day and its landing day.
fn set_author(c: &mut Change, who: &str) {
    c.author = who.into();
    let first = c.first_commit_at.unwrap_or(c.landed_at).div_euclid(D);
    c.authored = vec![(who.into(), first), (who.into(), c.landed_at.div_euclid(D))];
    c.authored.dedup();
}

fn merge(n: u32, target: &str, landed_at: i64, branch: &str, lifetime: i64, size: u64) -> Change {
    Change {
        strategy: Strategy::Merge,
        platform: Some(Platform::Git),
        source_branch: Some(branch.into()),
        branch_commits: Some(3),
        first_commit_at: Some(landed_at - lifetime),
        lifetime_seconds: Some(lifetime),
        lifetime_source: LifetimeSource::MergeSide,
        size: Some(size),
        confidence: Confidence::High,
        subject: format!("Merge branch '{branch}' into {target}"),
        ..change(n, target, landed_at)
    }
}

fn branch(name: &str, age_days: i64, stale: bool) -> Branch {
    let until = WINDOW.1;
    let idle = if stale { 40 * D } else { D };
    Branch {
        name: name.into(),
        remote: false,
        tip: oid(999_000 + age_days as u32),
        ahead: 4,
        behind: 10,
        first_unmerged_at: Some(until - age_days * D),
        last_activity_at: until - idle,
        age_seconds: Some(age_days * D),
        idle_seconds: idle,
        stale,
        long_lived: age_days >= 21,
    }
}

fn tag(name: &str, target: Oid, time: i64) -> Tag {
    Tag {
        name: name.into(),
        target,
        time,
        annotated: true,
    }
}

/// Everything the input borrows.
#[derive(Default)]
struct History {
    changes: Vec<Change>,
    branches: Vec<Branch>,
    tags: Vec<Tag>,
    first_release: OidMap<(String, i64)>,
    gitflow: Option<GitflowRoles>,
    lines: Vec<LineActivity>,
    ci: Vec<String>,
    bots: Vec<String>,
    remerge: Option<crate::history::remerge::RemergeMetrics>,
}

impl History {
    fn run(&self) -> Scoring {
        self.run_with(&ScoreConfig::default())
    }
    fn run_with(&self, cfg: &ScoreConfig) -> Scoring {
        let input = ScoreInput {
            changes: &self.changes,
            branches: &self.branches,
            tags: &self.tags,
            first_release: &self.first_release,
            trunk: "main",
            gitflow: self.gitflow.clone(),
            long_lived_refs: &self.lines,
            ci_files: &self.ci,
            bots: &self.bots,
            window: WINDOW,
            last_landing: None,
            remerge: self.remerge.as_ref(),
        };
        let s = score(&input, cfg);
        // Every view renders without panicking.
        let _ = render::markdown(&s);
        let _ = render::table_rows(&s);
        let _ = serde_json::to_string(&s).unwrap();
        s
    }
}

fn crit<'a>(s: &'a Scoring, model: &str, id: &str) -> &'a CriterionResult {
    s.scores[model]
        .criteria
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("{model}.{id}"))
}

fn mv(s: &Scoring, model: &str, id: &str) -> (Option<f64>, Option<f64>, Status) {
    let c = crit(s, model, id);
    (c.measured, c.score, c.status)
}

/// Weekdays of the 4-week window, as day offsets from MON.
fn weekdays() -> Vec<i64> {
    (0..28).filter(|d| d % 7 < 5).collect()
}

/// Three developers, each committing directly to main twice every weekday; 2-hour lifetimes;
/// a release tag every weekday; CI present.
fn trunk_based() -> History {
    let mut h = History {
        ci: vec![".github/workflows/ci.yml".into()],
        ..Default::default()
    };
    let mut n = 0;
    for d in weekdays() {
        for author in ["ann", "bob", "cyd"] {
            for k in 0..2 {
                n += 1;
                let mut c = change(n, "main", MON + d * D + (9 + 4 * k) * H);
                set_author(&mut c, author);
                h.changes.push(c);
            }
        }
        h.tags
            .push(tag(&format!("v1.{d}.0"), oid(n), MON + d * D + 18 * H));
    }
    for c in &h.changes {
        let day = (c.landed_at - MON) / D;
        h.first_release
            .insert(c.commit, (format!("v1.{day}.0"), MON + day * D + 18 * H));
    }
    h.changes.reverse(); // newest first, as the caller gives them
    h
}

#[test]
fn trunk_based_history() {
    let h = trunk_based();
    let s = h.run();
    assert_eq!(s.detected_model, Some(Model::TrunkBased));
    assert!(
        s.detection_evidence[0].contains("0 of 120 changes landed through reviewed pull requests (0%), 120 the trunk-based way (120 directly"),
        "{:?}",
        s.detection_evidence
    );
    // Every change direct, one landing per developer per active day or more: all trunk-based.
    assert_eq!(s.detection.shares["trunk_based"], 1.0);
    assert_eq!(s.detection.shares["github_flow"], 0.0);
    assert_eq!(s.detection.runner_up, Some(Model::GithubFlow));
    assert_eq!(s.detection.margin, Some(1.0));
    // 120 landings over 3 developers x 20 days.
    assert_eq!(s.cadence.active_developer_days, 60);
    assert_eq!(
        mv(&s, "trunk_based", "active_branches"),
        (Some(0.0), Some(100.0), Status::Pass)
    );

    let t = "trunk_based";
    assert_eq!(
        mv(&s, t, "lifetime_median"),
        (Some(0.0833), Some(100.0), Status::Pass)
    );
    assert_eq!(
        mv(&s, t, "lifetime_p90"),
        (Some(0.0833), Some(100.0), Status::Pass)
    );
    assert_eq!(
        mv(&s, t, "long_lived_branches"),
        (Some(0.0), Some(100.0), Status::Pass)
    );
    assert_eq!(
        mv(&s, t, "long_lived_lines"),
        (Some(0.0), Some(100.0), Status::Pass)
    );
    assert_eq!(
        mv(&s, t, "change_size_over_400"),
        (Some(0.0), Some(100.0), Status::Pass)
    );
    assert_eq!(
        mv(&s, t, "change_size_median"),
        (Some(100.0), Some(100.0), Status::Pass)
    );
    // 120 landings / 60 active developer-days (3 developers x 20 weekdays, each a landing
    // day); the team-throughput figure is the same here: 120 / (3 x 20 weekdays).
    assert_eq!(
        mv(&s, t, "integration_frequency"),
        (Some(2.0), Some(100.0), Status::Pass)
    );
    assert_eq!(s.cadence.landings_per_developer_per_weekday, Some(2.0));
    // 20 tags: 16 gaps of 1 day, 3 weekend gaps of 3 days
    assert_eq!(
        mv(&s, t, "release_interval"),
        (Some(1.0), Some(100.0), Status::Pass)
    );
    assert_eq!(
        mv(&s, t, "ci_config"),
        (Some(1.0), Some(100.0), Status::Pass)
    );
    assert_eq!(s.scores[t].score, Some(100.0));
    assert_eq!(s.scores[t].coverage, 1.0);

    // GitHub Flow: everything passes but review evidence (weight 3 of 18).
    assert_eq!(
        mv(&s, "github_flow", "reviewed_share"),
        (Some(0.0), Some(0.0), Status::Fail)
    );
    assert_eq!(s.scores["github_flow"].score, Some(83.3));

    // GitFlow: no develop, features on main, no release merges: structural criteria fail,
    // release-merge criteria are n/a.
    let g = "gitflow";
    assert_eq!(
        mv(&s, g, "integration_branch"),
        (Some(0.0), Some(0.0), Status::Fail)
    );
    assert_eq!(
        mv(&s, g, "features_into_develop"),
        (Some(0.0), Some(0.0), Status::Fail)
    );
    assert_eq!(
        mv(&s, g, "releases_through_branches"),
        (Some(0.0), Some(0.0), Status::Fail)
    );
    assert_eq!(mv(&s, g, "releases_tagged").2, Status::NotApplicable);
    assert_eq!(mv(&s, g, "releases_back_merged").2, Status::NotApplicable);
    // 7 of 14 scored weight passes; 3 of 17 weight is n/a.
    assert_eq!(s.scores[g].score, Some(50.0));
    assert_eq!(s.scores[g].coverage, 0.824);

    // Cadence and DORA proxies.
    let c = &s.cadence;
    assert_eq!((c.changes, c.active_days, c.active_authors), (120, 20, 3));
    assert_eq!(c.landings_per_active_day, Some(6.0));
    assert_eq!(c.landings_per_author_per_week, Some(10.0));
    assert_eq!(c.release_tags.len(), 20);
    assert_eq!(c.release_tags_per_week, Some(5.0));
    assert_eq!(c.dora.deployment_frequency.value, Some(5.0));
    assert_eq!(c.dora.deployment_frequency.bands[0].band, "high"); // 5/week < daily
                                                                   // First commit 07:00 or 11:00, tag 18:00: 11 h and 7 h, half each -> the nearest-rank
                                                                   // median is the lower one, 7 h.
    assert_eq!(c.dora.lead_time_for_changes.value, Some(7.0 * 3600.0));
    assert_eq!(c.dora.lead_time_for_changes.bands[1].band, "elite"); // 2023: < 1 day
    assert_eq!(c.dora.change_failure_rate.value, Some(0.0));

    assert_eq!(s.recommendation.model, Model::TrunkBased);
    assert!(
        s.recommendation.phases.is_empty(),
        "{:?}",
        s.recommendation.phases
    );
    assert!(s.recommendation.summary.contains("No criterion has a gap"));
    assert!(s.recommendation.parallel_release_lines.is_empty());
}

/// Four developers, 40 squash merges with PR numbers, lifetimes 1.5-3 days, 4 of them over 400
/// lines, a weekly release, one live branch 30 days old and one stale.
fn github_flow() -> History {
    let mut h = History {
        ci: vec![
            ".github/workflows/test.yml".into(),
            ".github/workflows/lint.yml".into(),
        ],
        branches: vec![
            branch("feature/search", 30, false),
            branch("origin/experiment", 60, true),
            branch("fix/typo", 2, false),
        ],
        ..Default::default()
    };
    let lifetimes = [36 * H, 2 * D, 60 * H, 3 * D];
    let authors = ["ann", "bob", "cyd", "dan"];
    for i in 0..40u32 {
        let day = weekdays()[(i / 2) as usize];
        let landed = MON + day * D + (10 + 5 * (i as i64 % 2)) * H;
        let lt = lifetimes[i as usize % 4];
        let mut c = change(i + 1, "main", landed);
        c.strategy = Strategy::Squash;
        c.platform = Some(Platform::Github);
        c.pr = Some(100 + i as u64);
        c.source_branch = Some(format!("feature/f{i}"));
        c.lifetime_seconds = Some(lt);
        c.first_commit_at = Some(landed - lt);
        c.lifetime_source = LifetimeSource::PrHead;
        c.size = Some(if i % 10 == 3 { 600 } else { 150 });
        set_author(&mut c, authors[i as usize % 4]);
        c.subject = format!("Feature {i} (#{})", 100 + i);
        h.changes.push(c);
    }
    for (k, day) in [4, 11, 18, 25].into_iter().enumerate() {
        let last = h
            .changes
            .iter()
            .filter(|c| c.landed_at < MON + day * D + 20 * H)
            .count();
        h.tags.push(tag(
            &format!("v2.{k}.0"),
            oid(last as u32),
            MON + day * D + 20 * H,
        ));
    }
    h.changes.reverse();
    h
}

#[test]
fn github_flow_history() {
    let h = github_flow();
    let s = h.run();
    assert_eq!(s.detected_model, Some(Model::GithubFlow));

    let g = "github_flow";
    // lifetimes: 10 each of 1.5, 2, 2.5, 3 days -> nearest-rank median (rank 20) 2, p90 (rank 36) 3
    assert_eq!(
        mv(&s, g, "lifetime_median"),
        (Some(2.0), Some(100.0), Status::Pass)
    );
    assert_eq!(
        mv(&s, g, "lifetime_p90"),
        (Some(3.0), Some(100.0), Status::Pass)
    );
    // feature/search (30 days, active) counts; origin/experiment is stale; fix/typo is young
    assert_eq!(
        mv(&s, g, "long_lived_branches"),
        (Some(1.0), Some(80.0), Status::Partial)
    );
    assert!(crit(&s, g, "long_lived_branches")
        .evidence
        .contains("feature/search (4w 2d)"));
    assert!(crit(&s, g, "long_lived_branches")
        .evidence
        .contains("not counted, stale (idle 30+ days): origin/experiment"));
    assert_eq!(
        mv(&s, g, "reviewed_share"),
        (Some(1.0), Some(100.0), Status::Pass)
    );
    assert_eq!(
        mv(&s, g, "change_size_over_400"),
        (Some(0.1), Some(100.0), Status::Pass)
    );
    // (1000 - 150) / 900
    assert_eq!(
        mv(&s, g, "change_size_median"),
        (Some(150.0), Some(94.4), Status::Partial)
    );
    // Developer-days (first-commit day and landing day of each change, inside the window):
    // ann and bob 13 each (landings on 10 even weekdays, work 2 days earlier), cyd and dan 19
    // each (work 3 days earlier, apart from their landing days): 40 landings / 64.
    assert_eq!(s.cadence.active_developer_days, 64);
    assert_eq!(
        mv(&s, g, "integration_frequency"),
        (Some(0.625), Some(100.0), Status::Pass)
    );
    // The team-throughput figure: 40 landings / (4 developers x 20 weekdays).
    assert_eq!(s.cadence.landings_per_developer_per_weekday, Some(0.5));
    // Every change is a reviewed pull request: GitHub Flow, with a clear margin.
    assert_eq!(s.detection.shares["github_flow"], 1.0);
    assert_eq!(s.detection.shares["trunk_based"], 0.0);
    assert_eq!(s.detection.margin, Some(1.0));
    // feature/search and fix/typo are active; origin/experiment is stale.
    assert_eq!(
        mv(&s, "trunk_based", "active_branches"),
        (Some(2.0), Some(100.0), Status::Pass)
    );
    assert_eq!(
        mv(&s, g, "release_interval"),
        (Some(7.0), Some(100.0), Status::Pass)
    );
    // 1774.4 / 18
    assert_eq!(s.scores[g].score, Some(98.6));
    assert_eq!(s.scores[g].coverage, 1.0);

    let t = "trunk_based";
    // (7 - 2) / 6
    assert_eq!(
        mv(&s, t, "lifetime_median"),
        (Some(2.0), Some(83.3), Status::Partial)
    );
    // (14 - 3) / 12
    assert_eq!(
        mv(&s, t, "lifetime_p90"),
        (Some(3.0), Some(91.7), Status::Partial)
    );
    // (0.625 - 0.25) / 0.75
    assert_eq!(
        mv(&s, t, "integration_frequency"),
        (Some(0.625), Some(50.0), Status::Partial)
    );
    // (14 - 7) / 13
    assert_eq!(
        mv(&s, t, "release_interval"),
        (Some(7.0), Some(53.8), Status::Partial)
    );

    assert_eq!(s.recommendation.model, Model::GithubFlow);
    assert_eq!(s.recommendation.phases.len(), 2);
    assert!(s.recommendation.phases[0]
        .text
        .starts_with("Shorten branch lifetimes"));
    assert!(s.recommendation.phases[1]
        .text
        .starts_with("Keep changes small"));
    assert_eq!(
        s.recommendation.phases[0].source,
        crate::score::sources::TBD_FEATURE_FLAGS
    );
    assert!(s.recommendation.phases[0].text.contains("feature/search"));
    assert!(s
        .recommendation
        .summary
        .contains("Deployment frequency 1.00 per week"));
    let f = s
        .findings
        .iter()
        .find(|f| f.message.starts_with("1 live branch 21 days old or older"));
    let f = f.unwrap();
    assert_eq!(f.evidence, ["feature/search (4w 2d, 4 ahead)"]);
    assert_eq!(f.source, Some(crate::score::sources::TBD_SHORT_LIVED));
}

/// develop + main; ten feature merges into develop (5-20 days), release/1.0 and release/1.1
/// and hotfix/1.0.1 merged into main and tagged; the first two merged back into develop, the
/// last not; no CI; one 25-day-old feature branch.
fn gitflow(parallel: bool) -> History {
    let mut h = History {
        gitflow: Some(GitflowRoles {
            integration: "develop".into(),
            production: "main".into(),
        }),
        branches: vec![
            branch("origin/feature/big", 25, false),
            branch("develop", 90, false),
        ],
        ..Default::default()
    };
    let lifetimes = [5, 6, 7, 8, 9, 10, 11, 12, 13, 20];
    let sizes = [100, 200, 300, 500, 600, 700, 800, 150, 250, 900];
    let authors = ["ann", "bob", "cyd"];
    for i in 0..10u32 {
        let landed = MON + (2 + 2 * i as i64) * D + 10 * H;
        let mut c = merge(
            i + 1,
            "develop",
            landed,
            &format!("feature/f{i}"),
            lifetimes[i as usize] * D,
            sizes[i as usize],
        );
        set_author(&mut c, authors[i as usize % 3]);
        h.changes.push(c);
    }
    let releases = [
        (101, "release/1.0", 10, 4, Kind::Release, "1.0"),
        (102, "hotfix/1.0.1", 20, 1, Kind::Hotfix, "1.0.1"),
        (103, "release/1.1", 27, 3, Kind::Release, "1.1"),
    ];
    for (n, br, day, life, kind, version) in releases {
        let landed = MON + day * D + 12 * H;
        let mut c = merge(n, "main", landed, br, life * D, 2000);
        c.kind = kind;
        if kind == Kind::Hotfix {
            c.size = Some(20);
        }
        h.tags.push(tag(version, c.commit, landed + 60));
        h.changes.push(c);
    }
    // Back-merges into develop (sync): release/1.0 and hotfix/1.0.1 only.
    for (n, day, br) in [(201, 10, "release/1.0"), (202, 20, "hotfix/1.0.1")] {
        let mut c = merge(n, "develop", MON + day * D + 14 * H, br, D, 2000);
        c.kind = Kind::Sync;
        h.changes.push(c);
    }
    h.lines.push(LineActivity {
        name: "origin/develop".into(),
        commits_in_window: h
            .changes
            .iter()
            .filter(|c| c.target == "develop")
            .map(|c| c.landed_at)
            .collect(),
    });
    // A hotfix line and a release line active at the same time are not parallel releases.
    h.lines.push(LineActivity {
        name: "hotfix/1.1.1".into(),
        commits_in_window: vec![MON + 27 * D],
    });
    h.lines.push(LineActivity {
        name: "release/1.2".into(),
        commits_in_window: vec![MON + 26 * D],
    });
    if parallel {
        h.lines.push(LineActivity {
            name: "support/0.9".into(),
            commits_in_window: vec![MON + 5 * D, MON + 24 * D],
        });
    }
    h.changes.sort_by_key(|c| std::cmp::Reverse(c.landed_at));
    h
}

#[test]
fn gitflow_history_without_parallel_lines_migrates() {
    let h = gitflow(false);
    let s = h.run();
    assert_eq!(s.detected_model, Some(Model::Gitflow));
    assert!(s
        .detection_evidence
        .iter()
        .any(|e| e == "10 of 10 feature changes landed on develop"));

    let g = "gitflow";
    assert_eq!(
        mv(&s, g, "integration_branch"),
        (Some(1.0), Some(100.0), Status::Pass)
    );
    assert_eq!(
        mv(&s, g, "features_into_develop"),
        (Some(1.0), Some(100.0), Status::Pass)
    );
    assert_eq!(
        mv(&s, g, "releases_through_branches"),
        (Some(1.0), Some(100.0), Status::Pass)
    );
    assert_eq!(
        mv(&s, g, "releases_tagged"),
        (Some(1.0), Some(100.0), Status::Pass)
    );
    // release/1.1 not merged back: 2 of 3 -> (0.6667 - 0.5) / 0.5
    assert_eq!(
        mv(&s, g, "releases_back_merged"),
        (Some(0.6667), Some(33.3), Status::Partial)
    );
    assert!(crit(&s, g, "releases_back_merged")
        .evidence
        .contains("release/1.1"));
    // 13 known lifetimes: 1, 3, 4, 5..13, 20 days -> median 8, p90 (rank 12) 13
    assert_eq!(
        mv(&s, g, "lifetime_median"),
        (Some(8.0), Some(100.0), Status::Pass)
    );
    assert_eq!(
        mv(&s, g, "lifetime_p90"),
        (Some(13.0), Some(100.0), Status::Pass)
    );
    // feature/big counts; develop is a long-lived line, not a feature branch
    assert_eq!(
        mv(&s, g, "long_lived_branches"),
        (Some(1.0), Some(80.0), Status::Partial)
    );
    // 11 sized (10 features + the hotfix; release merges excluded), 5 over 400
    assert_eq!(
        mv(&s, g, "change_size_over_400"),
        (Some(0.4545), Some(11.4), Status::Partial)
    );
    // (1000 - 300) / 900
    assert_eq!(
        mv(&s, g, "change_size_median"),
        (Some(300.0), Some(77.8), Status::Partial)
    );
    // 10 landings on develop over 15 developer-days inside the window (first-commit and
    // landing days): ann {0, 2, 3, 8, 14, 20}, bob {1, 4, 10, 16}, cyd {2, 5, 6, 12, 18}.
    assert_eq!(
        mv(&s, g, "integration_frequency"),
        (Some(0.6667), Some(100.0), Status::Pass)
    );
    // The old figure: 10 landings / (3 developers x 20 weekdays).
    assert_eq!(s.cadence.landings_per_developer_per_weekday, Some(0.1667));
    assert_eq!(mv(&s, g, "ci_config"), (Some(0.0), Some(0.0), Status::Fail));
    // (300 + 200 + 200 + 200 + 33.3 + 100 + 100 + 80 + 11.4 + 77.8 + 100 + 0) / 17
    assert_eq!(s.scores[g].score, Some(82.5));
    // All 13 counted changes landed the GitFlow way; as plain merges of branches of days
    // without review evidence they count half for GitHub Flow.
    assert_eq!(s.detection.shares["gitflow"], 1.0);
    assert_eq!(s.detection.shares["github_flow"], 0.5);
    assert_eq!(s.detection.runner_up, Some(Model::GithubFlow));
    assert_eq!(s.detection.margin, Some(0.5));

    // Trunk-based: develop, release/1.2 and hotfix/1.1.1 are extra lines.
    assert_eq!(
        mv(&s, "trunk_based", "long_lived_lines"),
        (Some(3.0), Some(0.0), Status::Fail)
    );
    assert_eq!(
        mv(&s, "trunk_based", "lifetime_median"),
        (Some(8.0), Some(0.0), Status::Fail)
    );

    let r = &s.recommendation;
    assert_eq!(r.model, Model::TrunkBased);
    assert!(r.parallel_release_lines.is_empty());
    assert!(r.summary.contains("without parallel release lines"));
    // No CI (gap 100%) first; then lifetimes (gap 70.6%) before sizes (55.4%); 3 and 4 last.
    let order: Vec<&str> = r.phases.iter().map(|p| &p.text[..7]).collect();
    assert_eq!(
        order,
        ["Phase 5", "Phase 1", "Phase 2", "Phase 3", "Phase 4"]
    );
    assert!(
        r.phases[0].text.contains("no CI configuration"),
        "{}",
        r.phases[0].text
    );
    assert!(r.phases[1]
        .text
        .contains("median branch lifetime 1w 1d, p90 1w 6d over 13 changes"));
    assert!(r.phases[1].text.contains("(measured gap 70.6%)"));
    assert!(r.phases[2].text.contains("(measured gap 55.4%)"));
    assert_eq!(r.phases[0].source, crate::score::sources::DORA_CI);
    assert!(r.phases[1].text.contains("feature/big"));
    assert!(r.phases[2]
        .text
        .contains("5 of 11 changes over 400 lines, median 300 lines"));
    assert!(r.phases[3]
        .text
        .contains("10 of 10 feature changes land on develop"));
    assert!(r.phases[4].text.contains("3 release/hotfix merges on main"));

    // Findings cite numbers and commit ids.
    let f = s
        .findings
        .iter()
        .find(|f| f.message.contains("not merged back"))
        .unwrap();
    assert_eq!(f.evidence, [format!("{} release/1.1", oid(103).short(10))]);
    assert_eq!(s.findings[0].severity, Severity::High); // no CI

    // Lead time: no first_release map given -> null; deployment frequency from 3 tags.
    assert_eq!(s.cadence.dora.lead_time_for_changes.value, None);
    assert_eq!(s.cadence.release_tags, ["1.0", "1.0.1", "1.1"]);
    assert_eq!(s.cadence.hotfixes, 1);
}

#[test]
fn gitflow_with_parallel_release_lines_keeps_gitflow() {
    let h = gitflow(true);
    let s = h.run();
    assert_eq!(s.detected_model, Some(Model::Gitflow));
    let r = &s.recommendation;
    assert_eq!(r.model, Model::Gitflow);
    // support/0.9 (day 24) and release/1.2 (day 26): 2 days apart; hotfix/1.1.1 is not a line
    assert_eq!(r.parallel_release_lines, ["release/1.2", "support/0.9"]);
    assert!(r.summary.starts_with("Keep GitFlow"), "{}", r.summary);
    assert!(r.summary.contains("2d apart"));
    assert!(r.phases.iter().all(|p| !p.text.starts_with("Phase")));
    // Improvements within GitFlow, largest weighted gap first: size (0.886 + 0.222), CI (1.0),
    // back-merge (0.667), ...
    assert!(
        r.phases[0].text.starts_with("Keep changes small"),
        "{:?}",
        r.phases
    );
    assert!(r.phases[1].text.starts_with("Add CI"));
    assert!(r
        .phases
        .iter()
        .any(|p| p.text.starts_with("Merge every release and hotfix back")));
    assert!(s
        .findings
        .iter()
        .any(|f| f.message.starts_with("Parallel release lines")));
}

#[test]
fn empty_input_is_all_na() {
    let h = History::default();
    let s = h.run();
    for (model, card) in &s.scores {
        assert_eq!(card.score, None, "{model}");
        assert_eq!(card.coverage, 0.0);
        assert!(card
            .criteria
            .iter()
            .all(|c| c.status == Status::NotApplicable && c.measured.is_none()));
    }
    assert_eq!(s.detected_model, None);
    assert_eq!(s.recommendation.model, Model::GithubFlow);
    assert!(s.recommendation.phases.is_empty());
    assert_eq!(s.cadence.changes, 0);
    assert_eq!(s.cadence.landings_per_active_day, None);
    assert_eq!(s.cadence.dora.deployment_frequency.value, None);
    assert_eq!(s.cadence.dora.change_failure_rate.value, None);
    // An empty window prints what happened instead of tables of n/a.
    let md = render::markdown(&s);
    assert!(!md.contains("| n/a |"), "{md}");
    assert!(
        md.contains("No landed changes between 2024-01-01T00:00:00Z and 2024-01-29T00:00:00Z: nothing to score; main has no landing before the window either"),
        "{md}"
    );
    assert_eq!(s.findings[0].id, "empty_window");
}

#[test]
fn empty_window_says_when_the_last_landing_was() {
    let h = History::default();
    let input = ScoreInput {
        changes: &h.changes,
        branches: &h.branches,
        tags: &h.tags,
        first_release: &h.first_release,
        trunk: "main",
        gitflow: None,
        long_lived_refs: &h.lines,
        ci_files: &h.ci,
        bots: &h.bots,
        window: WINDOW,
        // 40 days before the window's end, 12 before its start.
        last_landing: Some(MON - 12 * D + 3 * H),
        remerge: None,
    };
    let s = score(&input, &ScoreConfig::default());
    let f = &s.findings[0];
    assert_eq!((f.id, f.severity), ("empty_window", Severity::Info));
    assert_eq!(
        f.message,
        "No landed changes between 2024-01-01T00:00:00Z and 2024-01-29T00:00:00Z: nothing to score; the last landing on main was at 2023-12-20T03:00:00Z (5w 4d before the window's end): --since 40d (or --since all) covers it"
    );
    // Nothing else is claimed about an empty window.
    assert_eq!(s.findings.len(), 1);
}

#[test]
fn degenerate_windows_and_values_do_not_panic() {
    let mut h = trunk_based();
    h.changes.truncate(3);
    h.changes[0].lifetime_seconds = None;
    h.changes[1].landed_at = i64::MAX / 2;
    h.changes[2].first_commit_at = Some(i64::MIN / 2);
    h.branches.push(Branch {
        age_seconds: None,
        ..branch("weird", 40, false)
    });
    let input = ScoreInput {
        changes: &h.changes,
        branches: &h.branches,
        tags: &h.tags,
        first_release: &h.first_release,
        trunk: "main",
        gitflow: None,
        long_lived_refs: &h.lines,
        ci_files: &h.ci,
        bots: &[],
        window: (10, 5), // until before since
        last_landing: None,
        remerge: None,
    };
    let s = score(&input, &ScoreConfig::default());
    // 3 changes < min evidence 5: sampled criteria are n/a, counted ones are not.
    assert_eq!(
        mv(&s, "trunk_based", "lifetime_median").2,
        Status::NotApplicable
    );
    assert_eq!(mv(&s, "trunk_based", "ci_config").2, Status::Pass);
    assert!(crit(&s, "trunk_based", "lifetime_median")
        .evidence
        .contains("1 unknown"));
    let _ = render::markdown(&s);
}

#[test]
fn only_sync_changes_count_as_no_changes() {
    let mut c = change(1, "main", MON + D);
    c.kind = Kind::Sync;
    let h = History {
        changes: vec![c],
        ..Default::default()
    };
    let s = h.run();
    assert_eq!(s.detected_model, None);
    assert!(s.scores.values().all(|c| c.score.is_none()));
}

#[test]
fn min_evidence_and_overrides_come_from_config() {
    let h = github_flow();
    let cfg = ScoreConfig::from_toml_str(
        "min_evidence = 50\n[criteria.\"github_flow.long_lived_branches\"]\nfailing = 2\nweight = 0\n",
    )
    .unwrap();
    let s = h.run_with(&cfg);
    // 40 known lifetimes < 50
    assert_eq!(
        mv(&s, "github_flow", "lifetime_median").2,
        Status::NotApplicable
    );
    assert!(crit(&s, "github_flow", "lifetime_median")
        .evidence
        .starts_with("40 changes with a known lifetime, fewer than 50"));
    let c = crit(&s, "github_flow", "long_lived_branches");
    assert_eq!((c.failing, c.weight, c.score), (2.0, 0.0, Some(50.0)));
}

#[test]
fn version_tag_pattern_is_configurable() {
    let mut h = github_flow();
    h.tags.push(tag("nightly", oid(1), MON + D));
    let s = h.run();
    assert_eq!(s.cadence.release_tags.len(), 4); // "nightly" is not version-like
    let cfg = ScoreConfig {
        version_tag_regex: Some("^nightly$".into()),
        ..Default::default()
    };
    let s = h.run_with(&cfg);
    assert_eq!(s.cadence.release_tags, ["nightly"]);
    assert_eq!(s.cadence.version_tag_pattern, "^nightly$");
    let bad = ScoreConfig {
        version_tag_regex: Some("(".into()),
        ..Default::default()
    };
    let s = h.run_with(&bad);
    assert_eq!(s.cadence.release_tags.len(), 4);
    assert!(s
        .findings
        .iter()
        .any(|f| f.message.contains("does not compile")));
}

#[test]
fn unknown_lifetimes_are_excluded_counted_and_explained() {
    let mut h = github_flow();
    for c in h.changes.iter_mut().take(4) {
        c.lifetime_seconds = None;
        c.lifetime_source = LifetimeSource::Unknown;
    }
    let s = h.run();
    let c = crit(&s, "github_flow", "lifetime_median");
    assert!(
        c.evidence.contains("over 36 changes (4 unknown, excluded"),
        "{}",
        c.evidence
    );
    assert!(c.evidence.contains("refs/pull/*/head"));
    assert!(s.findings.iter().any(|f| f
        .message
        .starts_with("4 of 40 changes have no known branch lifetime")));
}

#[test]
fn json_contract() {
    let s = gitflow(false).run();
    let v = serde_json::to_value(&s).unwrap();
    assert!(
        v.get("cadence").is_none(),
        "cadence is placed by the caller"
    );
    assert_eq!(v["detected_model"], "gitflow");
    let c = &v["scores"]["gitflow"]["criteria"][0];
    for key in [
        "id", "metric", "measured", "unit", "target", "failing", "weight", "score", "status",
        "source", "evidence",
    ] {
        assert!(c.get(key).is_some(), "{key}");
    }
    let na = &v["scores"]["trunk_based"]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "release_interval")
        .unwrap()
        .clone();
    assert_eq!(na["status"], "partial");
    assert!(v["recommendation"]["phases"].as_array().unwrap().len() == 5);
    assert!(v["findings"][0]["severity"] == "high");
    // Sources are objects a reader can open, on criteria, steps, the recommendation and
    // findings.
    assert_eq!(
        c["source"]["url"],
        "https://nvie.com/posts/a-successful-git-branching-model/"
    );
    assert_eq!(c["source"]["section"], "The main branches");
    assert!(c["rule"]
        .as_str()
        .unwrap()
        .starts_with("Two long-lived branches"));
    assert_eq!(
        v["recommendation"]["source"]["section"],
        "Note of reflection (March 5, 2020)"
    );
    for p in v["recommendation"]["phases"].as_array().unwrap() {
        assert!(p["source"]["url"].as_str().unwrap().starts_with("https://"));
    }
    assert_eq!(v["findings"][0]["id"], "no_ci");
    assert_eq!(
        v["findings"][0]["source"]["url"],
        "https://dora.dev/capabilities/continuous-integration/"
    );
    assert_eq!(v["detection"]["runner_up"], "github_flow");
    assert_eq!(v["detection"]["margin"], 0.5);
    assert_eq!(v["recommendation"]["model"], "trunk_based");
    let cad = serde_json::to_value(&s.cadence).unwrap();
    assert!(cad["dora"]["deployment_frequency"]["proxy"]
        .as_str()
        .unwrap()
        .starts_with("proxy:"));
}

#[test]
fn markdown_and_rows() {
    let s = gitflow(false).run();
    let md = render::markdown(&s);
    assert!(
        md.contains("Detected model: **GitFlow (100% of changes land its way), runner-up GitHub Flow (50%), margin 50.0 points**"),
        "{md}"
    );
    assert!(md.contains("### GitFlow: 82.5 / 100 (coverage 100%)"));
    // Every criterion, step and finding links its source.
    assert!(md.contains("[DORA, Capabilities: Trunk-based development, Ways to measure](https://dora.dev/capabilities/trunk-based-development/)"));
    assert!(md.contains("1. Phase 5"));
    assert!(md.contains(". Source: [DORA, Capabilities: Continuous integration"));
    // 1 hotfix in 13 changes: 2023 high (at most 10%); 2024 follows the throughput band
    // (deployment frequency medium) and 7.7% is within medium's 10%.
    assert!(md.contains("| Change failure rate | 7.7% | 2023 high | 2024 medium |"));
    assert!(md.contains("| `releases_back_merged` | 66.7% | >= 100% | 50% | 1 | 33.3 | partial |"));
    assert!(md.contains("1. Phase 5"));
    let rows = render::table_rows(&s);
    assert_eq!(rows.len(), 10 + 10 + 12);
    let r = rows
        .iter()
        .find(|r| r[0] == "trunk_based.lifetime_median")
        .unwrap();
    assert_eq!(r[1..5], ["1w 1d", "<= 1d", "0.0", "fail"]);
    assert_eq!(
        r[5],
        "DORA, Capabilities: Trunk-based development, Ways to measure (https://dora.dev/capabilities/trunk-based-development/)"
    );
}

/// `cargo test print_examples -- --ignored --nocapture` shows what a reader sees.
#[test]
#[ignore]
fn print_examples() {
    for (name, h) in [
        ("trunk", trunk_based()),
        ("github", github_flow()),
        ("gitflow", gitflow(false)),
        ("gitflow-parallel", gitflow(true)),
        ("empty", History::default()),
    ] {
        let s = h.run();
        println!("=== {name}\n{}", render::markdown(&s));
        println!(
            "{}",
            serde_json::to_string_pretty(&s.recommendation).unwrap()
        );
    }
}

#[test]
fn bots_land_changes_but_are_not_developers() {
    let mut h = github_flow();
    for (i, c) in h.changes.iter_mut().enumerate().take(8) {
        set_author(
            c,
            if i % 2 == 0 {
                "dependabot[bot]"
            } else {
                "Renovate"
            },
        );
    }
    let s = h.run();
    // Renovate is not listed: it counts as a fifth developer. Its days: 20, 22, 23, 24, 25;
    // ann and bob keep 10 days each, cyd and dan 15: 36 landings / 55 developer-days.
    let c = crit(&s, "github_flow", "integration_frequency");
    assert_eq!(
        c.evidence,
        "36 landings on main by 5 developers over 55 active developer-days (4 landings by bots not counted)"
    );
    assert_eq!(c.measured, Some(0.6545));
    h.bots = vec!["renovate".into()];
    let s = h.run();
    let c = crit(&s, "github_flow", "integration_frequency");
    // 32 landings / 50 developer-days; the team throughput 32 / (4 developers x 20 weekdays).
    assert_eq!(c.measured, Some(0.64));
    assert_eq!(s.cadence.landings_per_developer_per_weekday, Some(0.4));
    assert!(
        c.evidence.contains("(8 landings by bots not counted)"),
        "{}",
        c.evidence
    );
    assert_eq!(s.cadence.changes, 40);
    assert_eq!(s.cadence.active_authors, 4);
    assert_eq!(s.cadence.landings_per_author_per_week, Some(2.0));
}

#[test]
fn unknown_sizes_are_excluded_and_counted() {
    let mut h = github_flow();
    for c in h.changes.iter_mut().take(5) {
        c.size = None;
    }
    let s = h.run();
    let c = crit(&s, "github_flow", "change_size_median");
    assert!(
        c.evidence
            .contains("over 35 changes (5 changes of unknown size"),
        "{}",
        c.evidence
    );
}

/// `cargo test print_criteria_tables -- --ignored --nocapture` prints the docs tables.
#[test]
#[ignore]
fn print_criteria_tables() {
    print!("<<<BEGIN\n{}END>>>\n", render::criteria_tables());
}

/// `cargo test print_dora_tables -- --ignored --nocapture` prints the docs band tables.
#[test]
#[ignore]
fn print_dora_tables() {
    print!("<<<BEGIN\n{}END>>>\n", render::dora_tables());
}

#[test]
fn default_version_tags_include_monorepo_package_tags() {
    let re = regex::Regex::new(super::criteria::DEFAULT_VERSION_TAG_REGEX).expect("valid");
    for yes in [
        "v1.2.3",
        "1.2",
        "2.0.0-rc.1",
        "@tanstack/query-core@5.102.0", // changesets, scoped package
        "query-core@5.1.0",             // changesets, plain package
        "tools/v0.4.1",                 // Go module in a subdirectory
        "my-pkg-v1.2.3",                // release-please
    ] {
        assert!(re.is_match(yes), "{yes} is a release");
    }
    for no in [
        "nightly",
        "latest",
        "release-2026-08-22-1856",
        "v1",
        "backup",
        "@scope/pkg@next",
    ] {
        assert!(!re.is_match(no), "{no} is not a release");
    }
}

#[test]
fn one_publish_that_tags_many_packages_is_one_release() {
    let mut h = github_flow();
    let before = h.run().cadence.release_tags.len();
    // A monorepo publish: three package tags on one new commit, one second apart.
    for (i, name) in ["@acme/a@1.0.0", "@acme/b@2.1.0", "@acme/c@0.3.0"]
        .iter()
        .enumerate()
    {
        h.tags.push(tag(name, oid(99), MON + 2 * D + i as i64));
    }
    let s = h.run();
    assert_eq!(s.cadence.release_tags.len(), before + 1);
    assert!(s.cadence.release_tags.contains(&"@acme/a@1.0.0".to_owned()));
}

#[test]
fn conflict_rate_is_scored_only_when_re_merged() {
    use crate::history::remerge::{BucketRate, RemergeMetrics};
    let mut h = History {
        changes: (0..10)
            .map(|i| change(i, "main", MON + i as i64 * D))
            .collect(),
        ..History::default()
    };
    // Without --remerge the criterion is not in any card: not measured, never zero.
    let s = h.run();
    for model in ["trunk_based", "github_flow", "gitflow"] {
        assert!(s.scores[model]
            .criteria
            .iter()
            .all(|c| c.id != "conflict_rate"));
    }
    // 3 of 20 re-merges conflict: 15%, halfway between the 5% target and the 25% failing mark.
    h.remerge = Some(RemergeMetrics {
        remerged: 20,
        clean: 17,
        conflicted: 3,
        conflict_rate: Some(0.15),
        examples: vec![oid(1)],
        by_lifetime: vec![
            BucketRate {
                bucket: "<1d".into(),
                remerged: 15,
                conflicted: 1,
                ..BucketRate::default()
            },
            BucketRate {
                bucket: ">3w".into(),
                remerged: 5,
                conflicted: 2,
                ..BucketRate::default()
            },
        ],
        ..RemergeMetrics::default()
    });
    let s = h.run();
    for model in ["trunk_based", "github_flow"] {
        assert_eq!(
            mv(&s, model, "conflict_rate"),
            (Some(0.15), Some(50.0), Status::Partial),
            "{model}"
        );
    }
    assert!(s.scores["gitflow"]
        .criteria
        .iter()
        .all(|c| c.id != "conflict_rate"));
    let c = crit(&s, "trunk_based", "conflict_rate");
    assert_eq!(c.metric.id(), "remerge_conflict_rate");
    assert_eq!(
        c.source.url,
        "https://martinfowler.com/articles/branching-patterns.html"
    );
    assert!(
        c.evidence.starts_with("3 of 20 re-merged changes conflict when merged again; by branch lifetime: <1d 1/15, >3w 2/5"),
        "{}",
        c.evidence
    );
    // Re-merged, but too few to judge: n/a, not zero.
    h.remerge = Some(RemergeMetrics {
        remerged: 2,
        conflicted: 2,
        ..RemergeMetrics::default()
    });
    let s = h.run();
    assert_eq!(
        mv(&s, "trunk_based", "conflict_rate"),
        (None, None, Status::NotApplicable)
    );
}
