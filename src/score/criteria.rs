//! The guidance as data: one table per workflow model. Every criterion's thresholds, its rule
//! in the project's words and the public source it follows live here, so changing a threshold
//! never means hunting through code; the findings, recommendations and migration steps read
//! their thresholds from here too (`rules.rs` holds their sentences and sources).
//! `ScoreConfig` can override target, failing value and weight per criterion
//! (`"<model>.<criterion id>"`). docs/scoring.md's tables are generated from this file.

use super::sources::{self, Source};
use serde::Serialize;

/// Change size, in lines, above which a review finds fewer defects (SmartBear's 200-400 lines
/// per review, its upper end).
pub const SIZE_LIMIT_LINES: u64 = 400;
/// At most this share of changes above [`SIZE_LIMIT_LINES`] passes; the size finding fires
/// above it.
pub const SIZE_OVER_LIMIT_TARGET: f64 = 0.10;
/// A landed change whose branch lived this long, or a live branch this old, is long-lived:
/// ten times trunkbaseddevelopment.com's "about two days", so a flag is never a close call.
pub const LONG_LIVED_DAYS: f64 = crate::history::branches::LONG_LIVED_SECONDS as f64 / 86_400.0;
/// A live branch idle this long is stale: abandoned, not about to land.
pub const STALE_DAYS: f64 = crate::history::branches::STALE_SECONDS as f64 / 86_400.0;
/// Two release lines run in parallel when both receive commits within this many days of each
/// other.
pub const PARALLEL_WINDOW_DAYS: i64 = 14;
/// The change-failure-rate proxy above which a finding fires: worse than the 2023 report's
/// medium cluster.
pub const FAILURE_RATE_FINDING: f64 = 0.15;
/// A criterion built on a sample (lifetimes, sizes, landings) needs this many values by default.
pub const DEFAULT_MIN_EVIDENCE: usize = 5;
/// Version-like tag names (`v1.2`, `1.2.3`, `v2.0.0-rc.1`): the releases counted in cadence.
pub const DEFAULT_VERSION_TAG_REGEX: &str = r"^(?:@?[^@\s]+@|\S+[/-])?v?\d+(\.\d+)+([-.+].*)?$";

/// The three workflow models.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
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

    /// The source that defines the model.
    pub fn source(&self) -> Source {
        match self {
            Model::TrunkBased => sources::DORA_TBD,
            Model::GithubFlow => sources::GITHUB_FLOW,
            Model::Gitflow => sources::GITFLOW_MAIN,
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
    /// Live feature branches that are still active (not stale).
    ActiveBranches,
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
    /// Landings on the integration line per active developer-day (a day on which a developer
    /// authored or landed work that reached the trunk).
    IntegrationFrequency,
    /// Share of changes with review evidence (a PR/MR number or a review platform).
    ReviewedShare,
    /// Median days between consecutive version tags.
    ReleaseInterval,
    /// Number of CI configuration files in the trunk's tree.
    CiConfig,
    /// Share of re-merged merges and squashes that conflict when merged again the way git's
    /// default merge does (`analyze --remerge` only; left out of the card without it).
    ConflictRate,
}

/// Serialised as its JSON name ([`Metric::id`]).
impl Serialize for Metric {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl Metric {
    /// The JSON `metric` name.
    pub fn id(&self) -> &'static str {
        match self {
            Metric::LifetimeMedian => "branch_lifetime_median",
            Metric::LifetimeP90 => "branch_lifetime_p90",
            Metric::LongLivedBranches => "live_branches_older_than_3_weeks",
            Metric::ActiveBranches => "active_branches",
            Metric::ExtraLongLivedLines => "long_lived_lines_besides_trunk",
            Metric::IntegrationBranch => "integration_branch_present",
            Metric::FeaturesIntoIntegration => "features_into_integration_share",
            Metric::ReleasesThroughBranches => "production_landings_via_release_or_hotfix_share",
            Metric::ReleasesTagged => "release_landings_tagged_share",
            Metric::ReleasesBackMerged => "release_landings_back_merged_share",
            Metric::SizeOverLimitShare => "changes_over_400_lines_share",
            Metric::SizeMedian => "change_size_median",
            Metric::IntegrationFrequency => "landings_per_active_developer_day",
            Metric::ReviewedShare => "reviewed_changes_share",
            Metric::ReleaseInterval => "days_between_releases_median",
            Metric::CiConfig => "ci_config_files",
            Metric::ConflictRate => "remerge_conflict_rate",
        }
    }

    pub fn unit(&self) -> Unit {
        match self {
            Metric::LifetimeMedian | Metric::LifetimeP90 | Metric::ReleaseInterval => Unit::Days,
            Metric::LongLivedBranches
            | Metric::ActiveBranches
            | Metric::ExtraLongLivedLines
            | Metric::CiConfig => Unit::Count,
            Metric::IntegrationBranch => Unit::Flag,
            Metric::FeaturesIntoIntegration
            | Metric::ReleasesThroughBranches
            | Metric::ReleasesTagged
            | Metric::ReleasesBackMerged
            | Metric::SizeOverLimitShare
            | Metric::ReviewedShare
            | Metric::ConflictRate => Unit::Share,
            Metric::SizeMedian => Unit::Lines,
            Metric::IntegrationFrequency => Unit::PerDeveloperDay,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Days,
    /// 0..1, shown as a percentage.
    Share,
    Lines,
    Count,
    /// 1 = yes, 0 = no.
    Flag,
    /// Landings per active developer-day.
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
    /// The rule, in the project's words.
    pub rule: &'static str,
    /// The public source the rule follows.
    pub source: Source,
    /// Why these thresholds, and which source each follows (for docs/scoring.md).
    pub rationale: &'static str,
}

/// The conflict rate of the re-merges, in the trunk-based and GitHub Flow tables alike: the
/// guidance behind both says that merging often keeps merges small and free of conflicts.
/// Measured only with `--remerge`; without it the criterion is left out of the card.
pub const CONFLICT_RATE: CriterionDef = CriterionDef {
    id: "conflict_rate",
    metric: Metric::ConflictRate,
    target: 0.05,
    failing: 0.25,
    weight: 2.0,
    rule: "Branches merge before they drift apart: merged again the way git merges by default, few of them conflict.",
    source: sources::FOWLER_BRANCHING,
    rationale: "the source gives no number: at most 1 re-merge in 20 conflicting passes, 1 in 4 scores 0; measured with --remerge only (left out of the card without it, never scored as zero)",
};

/// Trunk-based development: direct commits or branches of hours, one trunk, strong CI.
pub static TRUNK_BASED: &[CriterionDef] = &[
    CriterionDef {
        id: "lifetime_median",
        metric: Metric::LifetimeMedian,
        target: 1.0,
        failing: 7.0,
        weight: 3.0,
        rule: "Branches live hours, not days: work is merged into the trunk at least once a day.",
        source: sources::DORA_TBD,
        rationale: "DORA: branches live less than a day; a median of a week scores 0",
    },
    CriterionDef {
        id: "lifetime_p90",
        metric: Metric::LifetimeP90,
        target: 2.0,
        failing: 14.0,
        weight: 2.0,
        rule: "Even the slowest branches stay short: about two days at most.",
        source: sources::TBD_SHORT_LIVED,
        rationale: "trunkbaseddevelopment.com's about two days, for the slowest tenth; two weeks scores 0",
    },
    CriterionDef {
        id: "active_branches",
        metric: Metric::ActiveBranches,
        target: 3.0,
        failing: 10.0,
        weight: 1.0,
        rule: "Three or fewer branches are active at a time.",
        source: sources::DORA_TBD,
        rationale: "DORA: three or fewer active branches (not stale: idle under 30 days); ten score 0",
    },
    CriterionDef {
        id: "long_lived_branches",
        metric: Metric::LongLivedBranches,
        target: 0.0,
        failing: 5.0,
        weight: 1.0,
        rule: "No branch stays open for weeks: a branch 21 days old has diverged far from the trunk.",
        source: sources::TBD_SHORT_LIVED,
        rationale: "no live feature branch older than 21 days; five score 0",
    },
    CriterionDef {
        id: "long_lived_lines",
        metric: Metric::ExtraLongLivedLines,
        target: 0.0,
        failing: 2.0,
        weight: 2.0,
        rule: "One shared trunk: no other long-lived line receives work.",
        source: sources::TBD_HOME,
        rationale: "the trunk only; two active extra lines (e.g. develop and a release line) score 0",
    },
    CriterionDef {
        id: "change_size_over_400",
        metric: Metric::SizeOverLimitShare,
        target: SIZE_OVER_LIMIT_TARGET,
        failing: 0.50,
        weight: 2.0,
        rule: "Changes stay small enough to review in one sitting: past about 400 lines a reviewer finds fewer defects.",
        source: sources::SMARTBEAR_REVIEW,
        rationale: "SmartBear's 200-400 lines per review, its upper end; at most 1 change in 10 above it passes, half of them scores 0",
    },
    CriterionDef {
        id: "change_size_median",
        metric: Metric::SizeMedian,
        target: 100.0,
        failing: 1000.0,
        weight: 1.0,
        rule: "The typical change is small: about 100 lines is reasonable, about 1000 is too large.",
        source: sources::GOOGLE_SMALL_CLS,
        rationale: "Google's two marks: a median of 100 lines passes, 1000 scores 0",
    },
    CriterionDef {
        id: "integration_frequency",
        metric: Metric::IntegrationFrequency,
        target: 1.0,
        failing: 0.25,
        weight: 3.0,
        rule: "Every developer integrates into the trunk at least once on each day they work.",
        source: sources::FOWLER_CI,
        rationale: "one landing per active developer-day (at least daily) passes; one per four working days scores 0",
    },
    CONFLICT_RATE,
    CriterionDef {
        id: "release_interval",
        metric: Metric::ReleaseInterval,
        target: 1.0,
        failing: 14.0,
        weight: 1.0,
        rule: "Teams that integrate continuously release from the trunk, often daily.",
        source: sources::TBD_RELEASE_FROM_TRUNK,
        rationale: "a tagged release at least daily; two weeks scores 0; n/a without version tags (continuous delivery from the trunk is not penalised)",
    },
    CriterionDef {
        id: "ci_config",
        metric: Metric::CiConfig,
        target: 1.0,
        failing: 0.0,
        weight: 3.0,
        rule: "Every change to the trunk is built and tested automatically.",
        source: sources::DORA_CI,
        rationale: "a CI configuration in the trunk's tree",
    },
];

/// GitHub Flow: a reviewed pull request per change, short branches, main always deployable.
pub static GITHUB_FLOW: &[CriterionDef] = &[
    CriterionDef {
        id: "lifetime_median",
        metric: Metric::LifetimeMedian,
        target: 3.0,
        failing: 14.0,
        weight: 3.0,
        rule: "Each change lives on a short branch of its own, merged after review.",
        source: sources::GITHUB_FLOW,
        rationale: "the sources give no number: 3 days leaves room for a review round trip (Google: a first response within one business day); two weeks scores 0",
    },
    CriterionDef {
        id: "lifetime_p90",
        metric: Metric::LifetimeP90,
        target: 3.0,
        failing: 21.0,
        weight: 2.0,
        rule: "The slowest branches are still merged within days, not weeks.",
        source: sources::GITHUB_FLOW,
        rationale: "the slow tail within 3 days; 21 days (long-lived) scores 0",
    },
    CriterionDef {
        id: "long_lived_branches",
        metric: Metric::LongLivedBranches,
        target: 0.0,
        failing: 5.0,
        weight: 1.0,
        rule: "No branch stays open for weeks: a branch 21 days old has diverged far from the trunk.",
        source: sources::TBD_SHORT_LIVED,
        rationale: "no live feature branch older than 21 days; five score 0",
    },
    CriterionDef {
        id: "long_lived_lines",
        metric: Metric::ExtraLongLivedLines,
        target: 0.0,
        failing: 2.0,
        weight: 2.0,
        rule: "The main branch is always deployable; every branch starts from it and returns to it.",
        source: sources::CHACON_GITHUB_FLOW,
        rationale: "main only; two active extra lines score 0",
    },
    CriterionDef {
        id: "reviewed_share",
        metric: Metric::ReviewedShare,
        target: 0.9,
        failing: 0.5,
        weight: 3.0,
        rule: "Every change lands through a pull request that was reviewed before the merge.",
        source: sources::GITHUB_FLOW,
        rationale: "9 in 10 changes carry pull-request or review-platform evidence; half of them without scores 0",
    },
    CriterionDef {
        id: "change_size_over_400",
        metric: Metric::SizeOverLimitShare,
        target: SIZE_OVER_LIMIT_TARGET,
        failing: 0.50,
        weight: 2.0,
        rule: "Changes stay small enough to review in one sitting: past about 400 lines a reviewer finds fewer defects.",
        source: sources::SMARTBEAR_REVIEW,
        rationale: "SmartBear's 200-400 lines per review, its upper end; at most 1 change in 10 above it passes, half of them scores 0",
    },
    CriterionDef {
        id: "change_size_median",
        metric: Metric::SizeMedian,
        target: 100.0,
        failing: 1000.0,
        weight: 1.0,
        rule: "The typical change is small: about 100 lines is reasonable, about 1000 is too large.",
        source: sources::GOOGLE_SMALL_CLS,
        rationale: "Google's two marks: a median of 100 lines passes, 1000 scores 0",
    },
    CriterionDef {
        id: "integration_frequency",
        metric: Metric::IntegrationFrequency,
        target: 0.5,
        failing: 0.1,
        weight: 1.0,
        rule: "Branches merge often enough to stay short: integration frequency decides how painful a merge is.",
        source: sources::FOWLER_BRANCHING,
        rationale: "a landing every second active developer-day (branches of a few days) passes; one in ten scores 0",
    },
    CONFLICT_RATE,
    CriterionDef {
        id: "release_interval",
        metric: Metric::ReleaseInterval,
        target: 14.0,
        failing: 60.0,
        weight: 1.0,
        rule: "What is merged is deployed right away.",
        source: sources::CHACON_GITHUB_FLOW,
        rationale: "tags stand for deployments: a release at least every two weeks passes; two months (git-flow's pace of releases weeks to months apart) scores 0; n/a without version tags",
    },
    CriterionDef {
        id: "ci_config",
        metric: Metric::CiConfig,
        target: 1.0,
        failing: 0.0,
        weight: 2.0,
        rule: "Every change to the trunk is built and tested automatically.",
        source: sources::DORA_CI,
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
        rule: "Two long-lived branches: develop for integration beside the production branch.",
        source: sources::GITFLOW_MAIN,
        rationale: "a develop-like integration branch beside the production branch",
    },
    CriterionDef {
        id: "features_into_develop",
        metric: Metric::FeaturesIntoIntegration,
        target: 0.9,
        failing: 0.5,
        weight: 2.0,
        rule: "Feature branches start from develop and are merged back into develop.",
        source: sources::GITFLOW_SUPPORTING,
        rationale: "features land on develop, not on the production branch",
    },
    CriterionDef {
        id: "releases_through_branches",
        metric: Metric::ReleasesThroughBranches,
        target: 0.9,
        failing: 0.5,
        weight: 2.0,
        rule: "The production branch only receives release and hotfix branches.",
        source: sources::GITFLOW_SUPPORTING,
        rationale: "9 in 10 production landings are release/* or hotfix/* merges",
    },
    CriterionDef {
        id: "releases_tagged",
        metric: Metric::ReleasesTagged,
        target: 1.0,
        failing: 0.5,
        weight: 2.0,
        rule: "Every release or hotfix merged into the production branch is tagged with its version.",
        source: sources::GITFLOW_SUPPORTING,
        rationale: "every release/hotfix landing on production carries a version tag",
    },
    CriterionDef {
        id: "releases_back_merged",
        metric: Metric::ReleasesBackMerged,
        target: 1.0,
        failing: 0.5,
        weight: 1.0,
        rule: "Every release and hotfix is merged back into develop, so its fixes are not lost.",
        source: sources::GITFLOW_SUPPORTING,
        rationale: "every release/hotfix is merged back into develop before the next release",
    },
    CriterionDef {
        id: "lifetime_median",
        metric: Metric::LifetimeMedian,
        target: 14.0,
        failing: 21.0,
        weight: 1.0,
        rule: "Feature branches live as long as the feature is developed, then merge into develop.",
        source: sources::GITFLOW_SUPPORTING,
        rationale: "the source gives no number: two weeks passes, 21 days (long-lived) scores 0",
    },
    CriterionDef {
        id: "lifetime_p90",
        metric: Metric::LifetimeP90,
        target: 21.0,
        failing: 60.0,
        weight: 1.0,
        rule: "Even long features merge into develop before they drift far from it.",
        source: sources::GITFLOW_SUPPORTING,
        rationale: "the slow tail within 21 days; two months scores 0",
    },
    CriterionDef {
        id: "long_lived_branches",
        metric: Metric::LongLivedBranches,
        target: 0.0,
        failing: 5.0,
        weight: 1.0,
        rule: "No branch stays open for weeks: a branch 21 days old has diverged far from the trunk.",
        source: sources::TBD_SHORT_LIVED,
        rationale: "no active feature branch older than 21 days (develop, release and support lines are not counted)",
    },
    CriterionDef {
        id: "change_size_over_400",
        metric: Metric::SizeOverLimitShare,
        target: SIZE_OVER_LIMIT_TARGET,
        failing: 0.50,
        weight: 1.0,
        rule: "Changes stay small enough to review in one sitting: past about 400 lines a reviewer finds fewer defects.",
        source: sources::SMARTBEAR_REVIEW,
        rationale: "SmartBear's 200-400 lines per review, its upper end; at most 1 change in 10 above it passes, half of them scores 0",
    },
    CriterionDef {
        id: "change_size_median",
        metric: Metric::SizeMedian,
        target: 100.0,
        failing: 1000.0,
        weight: 1.0,
        rule: "The typical change is small: about 100 lines is reasonable, about 1000 is too large.",
        source: sources::GOOGLE_SMALL_CLS,
        rationale: "Google's two marks: a median of 100 lines passes, 1000 scores 0",
    },
    CriterionDef {
        id: "integration_frequency",
        metric: Metric::IntegrationFrequency,
        target: 0.2,
        failing: 0.05,
        weight: 1.0,
        rule: "Features are merged into develop regularly, not saved up for a release.",
        source: sources::FOWLER_BRANCHING,
        rationale: "a landing on develop every fifth active developer-day; one in twenty scores 0",
    },
    CriterionDef {
        id: "ci_config",
        metric: Metric::CiConfig,
        target: 1.0,
        failing: 0.0,
        weight: 1.0,
        rule: "Every change to the trunk is built and tested automatically.",
        source: sources::DORA_CI,
        rationale: "a CI configuration in the trunk's tree",
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn tables_are_well_formed_and_cite_public_sources() {
        for m in Model::ALL {
            let mut ids = HashSet::new();
            assert!(m.source().url.starts_with("https://"));
            for c in m.criteria() {
                assert!(ids.insert(c.id), "{} duplicate id {}", m.id(), c.id);
                assert!(c.target != c.failing, "{}.{}", m.id(), c.id);
                assert!(c.weight > 0.0);
                assert!(c.source.url.starts_with("https://"), "{}.{}", m.id(), c.id);
                assert!(!c.rule.is_empty() && !c.rationale.is_empty());
            }
        }
    }
}
