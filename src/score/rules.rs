//! The findings, the improvement advice, the recommendations and the migration phases as data:
//! each with its rule in the project's words and the public source it follows. Their thresholds
//! are the constants of `criteria.rs`, so a number is defined once.

use super::criteria::Metric;
use super::sources::{self, Source};
use serde::Serialize;

/// How soon to look: `high` first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    High,
    Medium,
    Low,
    Info,
}

impl Severity {
    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }
}

/// A kind of finding: what it is about, how urgent by default, and the rule behind it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FindingRule {
    pub id: &'static str,
    pub severity: Severity,
    pub rule: &'static str,
    /// `None` for notes about the data or the configuration, which follow no guidance.
    pub source: Option<Source>,
}

macro_rules! finding {
    ($name:ident, $id:literal, $sev:ident, $rule:literal, $src:expr) => {
        pub const $name: FindingRule = FindingRule {
            id: $id,
            severity: Severity::$sev,
            rule: $rule,
            source: $src,
        };
    };
}

finding!(
    EMPTY_WINDOW,
    "empty_window",
    Info,
    "Nothing landed in the window: say when the last landing was and which --since covers it.",
    None
);
finding!(
    LONG_LIVED_ACTIVE,
    "long_lived_active",
    Medium,
    "A branch open for 21 days or more has drifted far from the trunk; its merge will be hard. Three or more are high severity.",
    Some(sources::TBD_SHORT_LIVED)
);
finding!(
    LONG_LIVED_STALE,
    "long_lived_stale",
    Low,
    "A long-lived branch idle for 30 days or more is abandoned work: merge it, rebase it or delete it.",
    Some(sources::GITHUB_FLOW)
);
finding!(
    LONG_LANDED,
    "long_lived_landings",
    Medium,
    "A landed change whose branch lived 21 days or more integrated late.",
    Some(sources::FOWLER_BRANCHING)
);
finding!(
    LIFETIME_UNKNOWN,
    "lifetime_unknown",
    Info,
    "A squash merge keeps no trace of when its branch started; only the pull request's head in the clone tells.",
    Some(sources::GITHUB_MERGE_METHODS)
);
finding!(
    TOO_LARGE,
    "changes_too_large",
    Medium,
    "More than one change in ten is above 400 lines, where reviews find fewer defects.",
    Some(sources::SMARTBEAR_REVIEW)
);
finding!(
    NO_CI,
    "no_ci",
    High,
    "No CI configuration in the trunk's tree: frequent integration needs an automated build and tests.",
    Some(sources::DORA_CI)
);
finding!(
    FAILURE_RATE,
    "change_failure_rate",
    Medium,
    "Reverts and hotfixes make up more than 15% of the changes, worse than the 2023 report's medium cluster.",
    Some(sources::DORA_2023)
);
finding!(
    UNREVIEWED,
    "unreviewed_changes",
    Low,
    "In GitHub Flow every change lands through a reviewed pull request.",
    Some(sources::GITHUB_FLOW)
);
finding!(
    UNTAGGED_RELEASES,
    "untagged_releases",
    Medium,
    "In GitFlow every release or hotfix merged into the production branch is tagged.",
    Some(sources::GITFLOW_SUPPORTING)
);
finding!(
    NOT_BACK_MERGED,
    "releases_not_back_merged",
    Medium,
    "In GitFlow every release and hotfix is merged back into develop before the next release.",
    Some(sources::GITFLOW_SUPPORTING)
);
finding!(
    FEATURES_ON_PRODUCTION,
    "features_on_production",
    Low,
    "In GitFlow features land on develop, not on the production branch.",
    Some(sources::GITFLOW_SUPPORTING)
);
finding!(
    PARALLEL_LINES,
    "parallel_release_lines",
    Info,
    "Release lines that receive commits within 14 days of each other are maintained in parallel: the case GitFlow was made for.",
    Some(sources::GITFLOW_REFLECTION)
);
finding!(
    CLOCK_SKEW,
    "clock_skew",
    Low,
    "A committer date before the author date makes a negative lifetime: it is clamped to zero and counted.",
    None
);
finding!(
    BAD_TAG_PATTERN,
    "bad_version_tag_pattern",
    Medium,
    "A version_tag_regex that does not compile is replaced by the default.",
    None
);

/// Every finding rule, for the documentation and the tests.
pub const FINDINGS: &[FindingRule] = &[
    EMPTY_WINDOW,
    LONG_LIVED_ACTIVE,
    LONG_LIVED_STALE,
    LONG_LANDED,
    LIFETIME_UNKNOWN,
    TOO_LARGE,
    NO_CI,
    FAILURE_RATE,
    UNREVIEWED,
    UNTAGGED_RELEASES,
    NOT_BACK_MERGED,
    FEATURES_ON_PRODUCTION,
    PARALLEL_LINES,
    CLOCK_SKEW,
    BAD_TAG_PATTERN,
];

/// A step of advice: a title and the rule behind it, with its source.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Advice {
    pub title: &'static str,
    pub rule: &'static str,
    pub source: Source,
}

const SHORTEN: Advice = Advice {
    title: "Shorten branch lifetimes",
    rule: "split work that takes weeks into pieces that land daily, hidden behind a feature flag until it is done",
    source: sources::TBD_FEATURE_FLAGS,
};
const FEWER_BRANCHES: Advice = Advice {
    title: "Keep three or fewer branches active",
    rule: "finish or close a branch before opening the next",
    source: sources::DORA_TBD,
};
const SMALL: Advice = Advice {
    title: "Keep changes small",
    rule: "land a large change as a series of small ones, each reviewable on its own",
    source: sources::GOOGLE_SMALL_CLS,
};
const INTEGRATE: Advice = Advice {
    title: "Integrate more often",
    rule: "every developer merges into the trunk at least once on each day they work",
    source: sources::FOWLER_CI,
};
const REVIEW: Advice = Advice {
    title: "Land every change through a reviewed pull request",
    rule: "open a pull request for each branch and merge it after review",
    source: sources::GITHUB_FLOW,
};
const RETIRE_LINES: Advice = Advice {
    title: "Retire long-lived lines besides the trunk",
    rule: "work lands on one shared trunk; releases are cut from it",
    source: sources::TBD_HOME,
};
const RELEASE: Advice = Advice {
    title: "Release more often",
    rule: "release from the trunk as soon as a change is ready",
    source: sources::TBD_RELEASE_FROM_TRUNK,
};
const ADD_CI: Advice = Advice {
    title: "Add CI",
    rule: "build and test every change to the trunk automatically, in about ten minutes",
    source: sources::DORA_CI,
};
const FEATURES_TO_DEVELOP: Advice = Advice {
    title: "Land features on develop",
    rule: "start feature branches from develop and merge them back into develop",
    source: sources::GITFLOW_SUPPORTING,
};
const RELEASE_BRANCHES: Advice = Advice {
    title: "Ship to the production branch through release/* and hotfix/* only",
    rule: "the production branch receives release and hotfix merges, nothing else",
    source: sources::GITFLOW_SUPPORTING,
};
const TAG: Advice = Advice {
    title: "Tag every release and hotfix merge",
    rule: "tag each merge into the production branch with its version",
    source: sources::GITFLOW_SUPPORTING,
};
const BACK_MERGE: Advice = Advice {
    title: "Merge every release and hotfix back into develop",
    rule: "merge each release and hotfix branch into develop as well as into the production branch",
    source: sources::GITFLOW_SUPPORTING,
};

/// The advice for a failing or partial criterion (criteria with the same advice become one
/// step).
pub fn advice(metric: Metric) -> Advice {
    match metric {
        Metric::LifetimeMedian | Metric::LifetimeP90 | Metric::LongLivedBranches => SHORTEN,
        Metric::ActiveBranches => FEWER_BRANCHES,
        Metric::SizeOverLimitShare | Metric::SizeMedian => SMALL,
        Metric::IntegrationFrequency | Metric::ConflictRate => INTEGRATE,
        Metric::ReviewedShare => REVIEW,
        Metric::ExtraLongLivedLines => RETIRE_LINES,
        Metric::ReleaseInterval => RELEASE,
        Metric::CiConfig => ADD_CI,
        Metric::IntegrationBranch | Metric::FeaturesIntoIntegration => FEATURES_TO_DEVELOP,
        Metric::ReleasesThroughBranches => RELEASE_BRANCHES,
        Metric::ReleasesTagged => TAG,
        Metric::ReleasesBackMerged => BACK_MERGE,
    }
}

/// A phase of the migration from GitFlow to trunk-based development.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PhaseRule {
    pub number: u8,
    pub title: &'static str,
    pub rule: &'static str,
    pub source: Source,
    /// Phases that must come first (phase 3 also waits for 5 when there is no CI).
    pub requires: &'static [u8],
}

pub const PHASES: [PhaseRule; 5] = [
    PhaseRule {
        number: 1,
        title: "Shorten branch lifetimes",
        rule: "agree that no branch lives longer than about two days",
        source: sources::TBD_SHORT_LIVED,
        requires: &[],
    },
    PhaseRule {
        number: 2,
        title: "Introduce feature flags",
        rule: "unfinished work lands on develop hidden behind a flag instead of waiting on a branch",
        source: sources::TBD_FEATURE_FLAGS,
        requires: &[],
    },
    PhaseRule {
        number: 3,
        title: "Eliminate the develop branch",
        rule: "merge feature branches straight into the production branch, which becomes the trunk",
        source: sources::TBD_HOME,
        requires: &[1, 2],
    },
    PhaseRule {
        number: 4,
        title: "Eliminate release branches",
        rule: "release from the trunk; cut a release branch late, only when a release needs fixes, and cherry-pick those from the trunk",
        source: sources::TBD_BRANCH_FOR_RELEASE,
        requires: &[3],
    },
    PhaseRule {
        number: 5,
        title: "Invest in CI and automated testing",
        rule: "a fast automated build and test suite on every change comes before landing everything on one trunk",
        source: sources::DORA_CI,
        requires: &[],
    },
];

/// The rule the recommendation follows: trunk-based development or GitHub Flow unless
/// versions are maintained in parallel, the case GitFlow's author still recommends it for.
pub const CHOOSE_MODEL: Advice = Advice {
    title: "Choose the simplest model that fits",
    rule: "continuously delivered software is better served by a simpler model such as GitHub Flow or trunk-based development; GitFlow fits software released in explicit versions, several of them maintained at once",
    source: sources::GITFLOW_REFLECTION,
};

/// How to fetch pull-request heads so that squash merges get a lifetime.
pub const FETCH_PR_REFS: &str = "git fetch origin '+refs/pull/*/head:refs/remotes/origin/pr/*'";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::criteria::Model;

    #[test]
    fn every_rule_cites_a_public_source() {
        for f in FINDINGS {
            assert!(!f.rule.is_empty(), "{}", f.id);
            if let Some(s) = f.source {
                assert!(s.url.starts_with("https://"), "{}", f.id);
            }
        }
        let guidance = FINDINGS.iter().filter(|f| f.source.is_some()).count();
        assert_eq!(
            guidance,
            FINDINGS.len() - 3,
            "only data notes have no source"
        );
        for m in Model::ALL {
            for c in m.criteria() {
                assert!(advice(c.metric).source.url.starts_with("https://"));
            }
        }
        for p in PHASES {
            assert!(p.source.url.starts_with("https://"), "phase {}", p.number);
        }
        assert!(CHOOSE_MODEL.source.url.starts_with("https://"));
    }
}
