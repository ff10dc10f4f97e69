//! The guidance as data: one table per workflow model. Every threshold the scorer uses lives in
//! this file, next to the sentence of shared/seed/workflows-and-monorepos.txt it comes from, so
//! changing a threshold never means hunting through code. `ScoreConfig` can override target,
//! failing value and weight per criterion (`"<model>.<criterion id>"`).

/// Where every `source` sentence is quoted from.
pub const SEED: &str = "shared/seed/workflows-and-monorepos.txt";

/// "Keep PRs small (under 400 lines changed)."
pub const SIZE_LIMIT_LINES: u64 = 400;
/// Two release lines run in parallel when both receive commits within this many days of each
/// other (the spec's "receiving commits in the same period").
pub const PARALLEL_WINDOW_DAYS: i64 = 14;
/// A criterion built on a sample (lifetimes, sizes, landings) needs this many values by default.
pub const DEFAULT_MIN_EVIDENCE: usize = 5;
/// Version-like tag names (`v1.2`, `1.2.3`, `v2.0.0-rc.1`): the releases counted in cadence.
pub const DEFAULT_VERSION_TAG_REGEX: &str = r"^v?\d+(\.\d+)+([-.+].*)?$";

/// The three workflow models of the seed's "Git Workflow Comparison".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Model {
    TrunkBased,
    GithubFlow,
    Gitflow,
}

impl Model {
    pub const ALL: [Model; 3] = [Model::TrunkBased, Model::GithubFlow, Model::Gitflow];

    /// The id used as JSON key and in config keys.
    pub fn id(&self) -> &'static str {
        match self {
            Model::TrunkBased => "trunk_based",
            Model::GithubFlow => "github_flow",
            Model::Gitflow => "gitflow",
        }
    }

    pub fn title(&self) -> &'static str {
        match self {
            Model::TrunkBased => "Trunk-based development",
            Model::GithubFlow => "GitHub Flow",
            Model::Gitflow => "GitFlow",
        }
    }

    pub fn from_id(id: &str) -> Option<Model> {
        Model::ALL.into_iter().find(|m| m.id() == id)
    }

    /// The criteria table of this model.
    pub fn criteria(&self) -> &'static [CriterionDef] {
        match self {
            Model::TrunkBased => TRUNK_BASED,
            Model::GithubFlow => GITHUB_FLOW,
            Model::Gitflow => GITFLOW,
        }
    }
}

/// What a criterion measures. The measurement itself is the same for every model; only the
/// thresholds differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Metric {
    /// Median branch lifetime of landed changes, days.
    LifetimeMedian,
    /// 90th percentile (nearest rank) of branch lifetimes, days.
    LifetimeP90,
    /// Live, still active (not stale) branches whose first unmerged commit is 21+ days old.
    LongLivedBranches,
    /// Long-lived lines besides the trunk that received commits in the window.
    ExtraLongLivedLines,
    /// 1 when a develop-like integration branch exists beside the production branch, else 0.
    IntegrationBranch,
    /// Share of feature changes that landed on the integration branch (develop).
    FeaturesIntoIntegration,
    /// Share of production-branch landings that are release or hotfix merges.
    ReleasesThroughBranches,
    /// Share of release/hotfix landings on production that carry a version tag.
    ReleasesTagged,
    /// Share of release/hotfix landings on production merged back into develop.
    ReleasesBackMerged,
    /// Share of changes whose size exceeds 400 lines.
    SizeOverLimitShare,
    /// Median change size in lines.
    SizeMedian,
    /// Landings on the integration line per active developer per weekday.
    IntegrationFrequency,
    /// Share of changes with review evidence (a PR/MR number or a review platform).
    ReviewedShare,
    /// Median days between consecutive version tags.
    ReleaseInterval,
    /// Number of CI configuration files in the trunk's tree.
    CiConfig,
}

impl Metric {
    /// The JSON `metric` name.
    pub fn id(&self) -> &'static str {
        match self {
            Metric::LifetimeMedian => "branch_lifetime_median",
            Metric::LifetimeP90 => "branch_lifetime_p90",
            Metric::LongLivedBranches => "live_branches_older_than_3_weeks",
            Metric::ExtraLongLivedLines => "long_lived_lines_besides_trunk",
            Metric::IntegrationBranch => "integration_branch_present",
            Metric::FeaturesIntoIntegration => "features_into_integration_share",
            Metric::ReleasesThroughBranches => "production_landings_via_release_or_hotfix_share",
            Metric::ReleasesTagged => "release_landings_tagged_share",
            Metric::ReleasesBackMerged => "release_landings_back_merged_share",
            Metric::SizeOverLimitShare => "changes_over_400_lines_share",
            Metric::SizeMedian => "change_size_median",
            Metric::IntegrationFrequency => "landings_per_developer_per_weekday",
            Metric::ReviewedShare => "reviewed_changes_share",
            Metric::ReleaseInterval => "days_between_releases_median",
            Metric::CiConfig => "ci_config_files",
        }
    }

    pub fn unit(&self) -> Unit {
        match self {
            Metric::LifetimeMedian | Metric::LifetimeP90 | Metric::ReleaseInterval => Unit::Days,
            Metric::LongLivedBranches | Metric::ExtraLongLivedLines | Metric::CiConfig => {
                Unit::Count
            }
            Metric::IntegrationBranch => Unit::Flag,
            Metric::FeaturesIntoIntegration
            | Metric::ReleasesThroughBranches
            | Metric::ReleasesTagged
            | Metric::ReleasesBackMerged
            | Metric::SizeOverLimitShare
            | Metric::ReviewedShare => Unit::Share,
            Metric::SizeMedian => Unit::Lines,
            Metric::IntegrationFrequency => Unit::PerDeveloperDay,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Days,
    /// 0..1, shown as a percentage.
    Share,
    Lines,
    Count,
    /// 1 = yes, 0 = no.
    Flag,
    PerDeveloperDay,
}

impl Unit {
    pub fn as_str(&self) -> &'static str {
        match self {
            Unit::Days => "days",
            Unit::Share => "share",
            Unit::Lines => "lines",
            Unit::Count => "count",
            Unit::Flag => "flag",
            Unit::PerDeveloperDay => "per_developer_day",
        }
    }
}

/// One row of a model's table. `target` scores 100, `failing` scores 0, linear between;
/// `target < failing` means lower is better.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CriterionDef {
    pub id: &'static str,
    pub metric: Metric,
    pub target: f64,
    pub failing: f64,
    pub weight: f64,
    /// The seed sentence, quoted exactly. Table cells are given as
    /// `Git Workflow Comparison, <row>, <model>: "<cell>"`.
    pub source: &'static str,
    /// Why these thresholds (for docs/scoring.md).
    pub rationale: &'static str,
}

// Seed sentences, quoted exactly (curly quotes included).
const S_TBD_BRANCHES: &str = "Short-lived feature branches (hours, not weeks).";
const S_GHF_BRANCHES: &str = "Branches should be short-lived (1-3 days).";
const S_TABLE_LIFETIME_TBD: &str =
    "Git Workflow Comparison, Branch lifetime, Trunk-Based Development: \"Hours (or direct commits)\"";
const S_TABLE_LIFETIME_GITFLOW: &str =
    "Git Workflow Comparison, Branch lifetime, GitFlow: \"Days to weeks\"";
const S_3_WEEKS: &str = "A branch that lives for 3+ weeks almost always ends in a painful merge.";
const S_2_MONTHS: &str = "Merging a 2-month branch is a project in itself.";
const S_TABLE_MAIN_ONLY: &str = "Git Workflow Comparison, Main branches, Trunk-Based Development and GitHub Flow: \"main only\"";
const S_TABLE_MAIN_GITFLOW: &str =
    "Git Workflow Comparison, Main branches, GitFlow: \"main, develop, release/*, hotfix/*\"";
const S_GITFLOW: &str = "GitFlow: Separate develop, release, and hotfix branches alongside main.";
const S_TABLE_RELEASE_GITFLOW: &str =
    "Git Workflow Comparison, Release model, GitFlow: \"Scheduled releases\"";
const S_RELEASE_CONTROL: &str = "The benefit: explicit control over what goes into each release.";
const S_CEREMONY: &str = "GitFlow adds ceremony (merge develop into release, merge release into main, merge main back into develop) that provides zero value when your \u{201c}release\u{201d} is a button click to deploy main.";
const S_SIZE: &str = "Keep PRs small (under 400 lines changed).";
const S_SIZE_NORM: &str = "Set a team norm for PR size (under 400 lines is a good target).";
const S_CI: &str = "The practice of merging all developer working copies to a shared mainline multiple times a day.";
const S_GHF: &str = "GitHub Flow: Create a branch from main, do work, open a pull request, review, merge to main, deploy.";
const S_DEPLOY_TBD: &str =
    "If your team deploys multiple times per day, use trunk-based development.";
const S_DEPLOY_GHF: &str = "If your team deploys once per day or per sprint, use GitHub Flow.";
const S_TABLE_CI_TBD: &str =
    "Git Workflow Comparison, CI/CD requirement, Trunk-Based Development: \"Strong CI mandatory\"";
const S_TABLE_CI_GHF: &str =
    "Git Workflow Comparison, CI/CD requirement, GitHub Flow: \"CI recommended\"";
const S_TABLE_CI_GITFLOW: &str =
    "Git Workflow Comparison, CI/CD requirement, GitFlow: \"CI helpful but not critical\"";

/// Seed sentences used by the recommendation (not criteria).
pub const S_RULE: &str = "The rule: Start with trunk-based development or GitHub Flow. Only adopt GitFlow if you have a genuine need for parallel release management.";
pub const S_WHEN_IN_DOUBT: &str = "When in doubt, start with GitHub Flow \u{2014} it is the simplest model that works for the majority of teams.";
pub const S_PARALLEL: &str = "If you ship versioned software with parallel supported releases (e.g., a mobile app with v3.1 in production and v3.2 in beta), consider GitFlow.";
pub const S_FETCH_PR_REFS: &str = "git fetch origin '+refs/pull/*/head:refs/remotes/origin/pr/*'";

/// Trunk-based development: direct commits or hours-long branches, main only, strong CI.
pub static TRUNK_BASED: &[CriterionDef] = &[
    CriterionDef {
        id: "lifetime_median",
        metric: Metric::LifetimeMedian,
        target: 1.0,
        failing: 7.0,
        weight: 3.0,
        source: S_TBD_BRANCHES,
        rationale: "hours (<= 1 day) pass; a week is the start of \"weeks\"",
    },
    CriterionDef {
        id: "lifetime_p90",
        metric: Metric::LifetimeP90,
        target: 1.0,
        failing: 14.0,
        weight: 2.0,
        source: S_TABLE_LIFETIME_TBD,
        rationale: "even the slow tail stays within a day; 2 weeks is \"painful\"",
    },
    CriterionDef {
        id: "long_lived_branches",
        metric: Metric::LongLivedBranches,
        target: 0.0,
        failing: 5.0,
        weight: 1.0,
        source: S_3_WEEKS,
        rationale: "no active branch older than 3 weeks; 5 such branches score 0",
    },
    CriterionDef {
        id: "long_lived_lines",
        metric: Metric::ExtraLongLivedLines,
        target: 0.0,
        failing: 2.0,
        weight: 2.0,
        source: S_TABLE_MAIN_ONLY,
        rationale: "main only; two active extra lines (e.g. develop + release/*) score 0",
    },
    CriterionDef {
        id: "change_size_over_400",
        metric: Metric::SizeOverLimitShare,
        target: 0.10,
        failing: 0.50,
        weight: 2.0,
        source: S_SIZE,
        rationale: "at most 1 change in 10 over 400 lines; half of them over it scores 0",
    },
    CriterionDef {
        id: "change_size_median",
        metric: Metric::SizeMedian,
        target: 200.0,
        failing: 400.0,
        weight: 1.0,
        source: S_SIZE_NORM,
        rationale: "the typical change is half the limit; a median at the limit scores 0",
    },
    CriterionDef {
        id: "integration_frequency",
        metric: Metric::IntegrationFrequency,
        target: 2.0,
        failing: 0.2,
        weight: 3.0,
        source: S_CI,
        rationale: "\"multiple times a day\" = 2 per developer per weekday; once a week scores 0",
    },
    CriterionDef {
        id: "release_interval",
        metric: Metric::ReleaseInterval,
        target: 1.0,
        failing: 14.0,
        weight: 1.0,
        source: S_DEPLOY_TBD,
        rationale: "a tagged release at least daily; n/a without version tags (continuous delivery from main is not penalised)",
    },
    CriterionDef {
        id: "ci_config",
        metric: Metric::CiConfig,
        target: 1.0,
        failing: 0.0,
        weight: 3.0,
        source: S_TABLE_CI_TBD,
        rationale: "a CI configuration in the trunk's tree",
    },
];

/// GitHub Flow: a reviewed pull request per change, branches of 1-3 days, main only.
pub static GITHUB_FLOW: &[CriterionDef] = &[
    CriterionDef {
        id: "lifetime_median",
        metric: Metric::LifetimeMedian,
        target: 3.0,
        failing: 14.0,
        weight: 3.0,
        source: S_GHF_BRANCHES,
        rationale: "1-3 days pass; a 2-week branch is \"painful\"",
    },
    CriterionDef {
        id: "lifetime_p90",
        metric: Metric::LifetimeP90,
        target: 3.0,
        failing: 21.0,
        weight: 2.0,
        source: S_3_WEEKS,
        rationale: "the slow tail within 3 days; 3 weeks scores 0",
    },
    CriterionDef {
        id: "long_lived_branches",
        metric: Metric::LongLivedBranches,
        target: 0.0,
        failing: 5.0,
        weight: 1.0,
        source: S_3_WEEKS,
        rationale: "no active branch older than 3 weeks; 5 such branches score 0",
    },
    CriterionDef {
        id: "long_lived_lines",
        metric: Metric::ExtraLongLivedLines,
        target: 0.0,
        failing: 2.0,
        weight: 2.0,
        source: S_TABLE_MAIN_ONLY,
        rationale: "main only; two active extra lines score 0",
    },
    CriterionDef {
        id: "reviewed_share",
        metric: Metric::ReviewedShare,
        target: 0.9,
        failing: 0.5,
        weight: 3.0,
        source: S_GHF,
        rationale: "9 in 10 changes carry PR evidence; half of them pushed directly scores 0",
    },
    CriterionDef {
        id: "change_size_over_400",
        metric: Metric::SizeOverLimitShare,
        target: 0.10,
        failing: 0.50,
        weight: 2.0,
        source: S_SIZE,
        rationale: "at most 1 change in 10 over 400 lines; half of them over it scores 0",
    },
    CriterionDef {
        id: "change_size_median",
        metric: Metric::SizeMedian,
        target: 200.0,
        failing: 400.0,
        weight: 1.0,
        source: S_SIZE_NORM,
        rationale: "the typical change is half the limit; a median at the limit scores 0",
    },
    CriterionDef {
        id: "integration_frequency",
        metric: Metric::IntegrationFrequency,
        target: 0.5,
        failing: 0.1,
        weight: 1.0,
        source: S_CI,
        rationale: "a landing every 2 weekdays per developer (1-3 day branches); once in two weeks scores 0",
    },
    CriterionDef {
        id: "release_interval",
        metric: Metric::ReleaseInterval,
        target: 14.0,
        failing: 60.0,
        weight: 1.0,
        source: S_DEPLOY_GHF,
        rationale: "a tagged release at least every sprint (14 days); n/a without version tags",
    },
    CriterionDef {
        id: "ci_config",
        metric: Metric::CiConfig,
        target: 1.0,
        failing: 0.0,
        weight: 2.0,
        source: S_TABLE_CI_GHF,
        rationale: "a CI configuration in the trunk's tree",
    },
];

/// GitFlow: develop beside main, features into develop, releases and hotfixes through their own
/// branches, merged into both and tagged.
pub static GITFLOW: &[CriterionDef] = &[
    CriterionDef {
        id: "integration_branch",
        metric: Metric::IntegrationBranch,
        target: 1.0,
        failing: 0.0,
        weight: 3.0,
        source: S_TABLE_MAIN_GITFLOW,
        rationale: "a develop-like integration branch beside the production branch",
    },
    CriterionDef {
        id: "features_into_develop",
        metric: Metric::FeaturesIntoIntegration,
        target: 0.9,
        failing: 0.5,
        weight: 2.0,
        source: S_GITFLOW,
        rationale: "features land on develop, not on main",
    },
    CriterionDef {
        id: "releases_through_branches",
        metric: Metric::ReleasesThroughBranches,
        target: 0.9,
        failing: 0.5,
        weight: 2.0,
        source: S_TABLE_RELEASE_GITFLOW,
        rationale: "the production branch receives release/* and hotfix/* merges only",
    },
    CriterionDef {
        id: "releases_tagged",
        metric: Metric::ReleasesTagged,
        target: 1.0,
        failing: 0.5,
        weight: 2.0,
        source: S_RELEASE_CONTROL,
        rationale: "every release/hotfix landing on production carries a version tag",
    },
    CriterionDef {
        id: "releases_back_merged",
        metric: Metric::ReleasesBackMerged,
        target: 1.0,
        failing: 0.5,
        weight: 1.0,
        source: S_CEREMONY,
        rationale: "every release/hotfix is merged back into develop before the next release",
    },
    CriterionDef {
        id: "lifetime_median",
        metric: Metric::LifetimeMedian,
        target: 14.0,
        failing: 21.0,
        weight: 1.0,
        source: S_TABLE_LIFETIME_GITFLOW,
        rationale: "days to weeks (<= 2 weeks) pass; 3 weeks is the painful-merge line",
    },
    CriterionDef {
        id: "lifetime_p90",
        metric: Metric::LifetimeP90,
        target: 21.0,
        failing: 60.0,
        weight: 1.0,
        source: S_2_MONTHS,
        rationale: "the slow tail within 3 weeks; 2 months scores 0",
    },
    CriterionDef {
        id: "long_lived_branches",
        metric: Metric::LongLivedBranches,
        target: 0.0,
        failing: 5.0,
        weight: 1.0,
        source: S_3_WEEKS,
        rationale: "no active feature branch older than 3 weeks (develop, release and support lines are not counted)",
    },
    CriterionDef {
        id: "change_size_over_400",
        metric: Metric::SizeOverLimitShare,
        target: 0.10,
        failing: 0.50,
        weight: 1.0,
        source: S_SIZE,
        rationale: "at most 1 change in 10 over 400 lines (release merges are not counted)",
    },
    CriterionDef {
        id: "change_size_median",
        metric: Metric::SizeMedian,
        target: 200.0,
        failing: 400.0,
        weight: 1.0,
        source: S_SIZE_NORM,
        rationale: "the typical change is half the limit; a median at the limit scores 0",
    },
    CriterionDef {
        id: "integration_frequency",
        metric: Metric::IntegrationFrequency,
        target: 0.2,
        failing: 0.05,
        weight: 1.0,
        source: S_CI,
        rationale: "a landing on develop per developer per week; once a month scores 0",
    },
    CriterionDef {
        id: "ci_config",
        metric: Metric::CiConfig,
        target: 1.0,
        failing: 0.0,
        weight: 1.0,
        source: S_TABLE_CI_GITFLOW,
        rationale: "a CI configuration in the trunk's tree",
    },
];

/// The seed file, when this crate sits inside the project's work area (tests skip otherwise).
#[cfg(test)]
pub(crate) fn seed_text() -> Option<String> {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|d| d.join(SEED))
        .find(|p| p.is_file())
        .and_then(|p| std::fs::read_to_string(p).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// The quoted part of a source: the cell between quotes, or the whole sentence.
    fn quoted(source: &str) -> &str {
        match (source.find('"'), source.rfind('"')) {
            (Some(a), Some(b)) if b > a => &source[a + 1..b],
            _ => source,
        }
    }

    #[test]
    fn every_source_is_quoted_exactly_from_the_seed() {
        let Some(seed) = seed_text() else {
            eprintln!(
                "seed not found above {}; skipped",
                env!("CARGO_MANIFEST_DIR")
            );
            return;
        };
        let mut all: Vec<&str> = Model::ALL
            .iter()
            .flat_map(|m| m.criteria().iter().map(|c| c.source))
            .collect();
        all.extend([S_RULE, S_WHEN_IN_DOUBT, S_PARALLEL]);
        for s in all {
            for part in quoted(s).split(" | ") {
                assert!(seed.contains(part), "not in the seed: {part}");
            }
        }
    }

    #[test]
    fn tables_are_well_formed() {
        for m in Model::ALL {
            let mut ids = HashSet::new();
            for c in m.criteria() {
                assert!(ids.insert(c.id), "{} duplicate id {}", m.id(), c.id);
                assert!(c.target != c.failing, "{}.{}", m.id(), c.id);
                assert!(c.weight > 0.0);
                assert!(!c.source.is_empty());
            }
        }
    }
}
