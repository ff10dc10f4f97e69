//! The public sources the guidance follows. Every criterion, finding, recommendation and
//! migration step names one of these; docs/guidance.md explains what each says and where they
//! disagree.

use serde::Serialize;

/// A public source a reader can open: a title (author or organisation first), its address and
/// the section the rule comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Source {
    pub title: &'static str,
    pub url: &'static str,
    pub section: &'static str,
}

impl Source {
    /// `DORA, Capabilities: Trunk-based development, Ways to measure (https://dora.dev/...)`.
    pub fn cite(&self) -> String {
        if self.section.is_empty() {
            format!("{} ({})", self.title, self.url)
        } else {
            format!("{}, {} ({})", self.title, self.section, self.url)
        }
    }
}

pub const DORA_TBD: Source = Source {
    title: "DORA, Capabilities: Trunk-based development",
    url: "https://dora.dev/capabilities/trunk-based-development/",
    section: "Ways to measure",
};
pub const DORA_CI: Source = Source {
    title: "DORA, Capabilities: Continuous integration",
    url: "https://dora.dev/capabilities/continuous-integration/",
    section: "Common pitfalls",
};
pub const DORA_METRICS: Source = Source {
    title: "DORA, DORA's software delivery metrics",
    url: "https://dora.dev/guides/dora-metrics/",
    section: "",
};
pub const DORA_2023: Source = Source {
    title: "DORA, Accelerate State of DevOps Report 2023",
    url: "https://dora.dev/research/2023/",
    section: "Software delivery performance levels",
};
pub const DORA_2024: Source = Source {
    title: "DORA, Accelerate State of DevOps Report 2024",
    url: "https://dora.dev/research/2024/",
    section: "Software delivery performance levels (p. 13)",
};
pub const TBD_HOME: Source = Source {
    title: "Paul Hammant, Trunk Based Development",
    url: "https://trunkbaseddevelopment.com/",
    section: "Introduction",
};
pub const TBD_SHORT_LIVED: Source = Source {
    title: "Paul Hammant, Trunk Based Development",
    url: "https://trunkbaseddevelopment.com/short-lived-feature-branches/",
    section: "Short-Lived Feature Branches",
};
pub const TBD_FEATURE_FLAGS: Source = Source {
    title: "Paul Hammant, Trunk Based Development",
    url: "https://trunkbaseddevelopment.com/feature-flags/",
    section: "Feature Flags",
};
pub const TBD_BRANCH_BY_ABSTRACTION: Source = Source {
    title: "Paul Hammant, Trunk Based Development",
    url: "https://trunkbaseddevelopment.com/branch-by-abstraction/",
    section: "Branch by Abstraction",
};
pub const TBD_BRANCH_FOR_RELEASE: Source = Source {
    title: "Paul Hammant, Trunk Based Development",
    url: "https://trunkbaseddevelopment.com/branch-for-release/",
    section: "Branch for release",
};
pub const TBD_RELEASE_FROM_TRUNK: Source = Source {
    title: "Paul Hammant, Trunk Based Development",
    url: "https://trunkbaseddevelopment.com/release-from-trunk/",
    section: "Release from trunk",
};
pub const FOWLER_CI: Source = Source {
    title: "Martin Fowler, Continuous Integration",
    url: "https://martinfowler.com/articles/continuousIntegration.html",
    section: "Everyone Pushes Commits To the Mainline Every Day",
};
pub const FOWLER_BRANCHING: Source = Source {
    title: "Martin Fowler, Patterns for Managing Source Code Branches",
    url: "https://martinfowler.com/articles/branching-patterns.html",
    section: "Integration Frequency",
};
pub const GITHUB_FLOW: Source = Source {
    title: "GitHub Docs, GitHub flow",
    url: "https://docs.github.com/en/get-started/using-github/github-flow",
    section: "Following GitHub flow",
};
pub const CHACON_GITHUB_FLOW: Source = Source {
    title: "Scott Chacon, GitHub Flow (2011)",
    url: "https://scottchacon.com/2011/08/31/github-flow.html",
    section: "How We Do It",
};
pub const GITHUB_MERGE_METHODS: Source = Source {
    title: "GitHub Docs, About merge methods on GitHub",
    url: "https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/configuring-pull-request-merges/about-merge-methods-on-github",
    section: "Squashing your merge commits",
};
pub const GITFLOW_MAIN: Source = Source {
    title: "Vincent Driessen, A successful Git branching model (2010)",
    url: "https://nvie.com/posts/a-successful-git-branching-model/",
    section: "The main branches",
};
pub const GITFLOW_SUPPORTING: Source = Source {
    title: "Vincent Driessen, A successful Git branching model (2010)",
    url: "https://nvie.com/posts/a-successful-git-branching-model/",
    section: "Supporting branches",
};
pub const GITFLOW_REFLECTION: Source = Source {
    title: "Vincent Driessen, A successful Git branching model (2010)",
    url: "https://nvie.com/posts/a-successful-git-branching-model/",
    section: "Note of reflection (March 5, 2020)",
};
pub const GOOGLE_SMALL_CLS: Source = Source {
    title: "Google Engineering Practices, Small CLs",
    url: "https://google.github.io/eng-practices/review/developer/small-cls.html",
    section: "What is Small?",
};
pub const GOOGLE_REVIEW_SPEED: Source = Source {
    title: "Google Engineering Practices, Speed of Code Reviews",
    url: "https://google.github.io/eng-practices/review/reviewer/speed.html",
    section: "How Fast Should Code Reviews Be?",
};
pub const SMARTBEAR_REVIEW: Source = Source {
    title: "SmartBear, Best Practices for Code Review",
    url: "https://smartbear.com/learn/code-review/best-practices-for-peer-code-review/",
    section: "Review fewer than 400 lines of code at a time",
};

/// Every source, for the documentation and the tests.
pub const ALL: &[Source] = &[
    DORA_TBD,
    DORA_CI,
    DORA_METRICS,
    DORA_2023,
    DORA_2024,
    TBD_HOME,
    TBD_SHORT_LIVED,
    TBD_FEATURE_FLAGS,
    TBD_BRANCH_BY_ABSTRACTION,
    TBD_BRANCH_FOR_RELEASE,
    TBD_RELEASE_FROM_TRUNK,
    FOWLER_CI,
    FOWLER_BRANCHING,
    GITHUB_FLOW,
    CHACON_GITHUB_FLOW,
    GITHUB_MERGE_METHODS,
    GITFLOW_MAIN,
    GITFLOW_SUPPORTING,
    GITFLOW_REFLECTION,
    GOOGLE_SMALL_CLS,
    GOOGLE_REVIEW_SPEED,
    SMARTBEAR_REVIEW,
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Text files of the repository (not `target/`, `.git/` or other dot-directories).
    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if name != "target" && !name.starts_with('.') || name == ".ci" {
                    files(&path, out);
                }
            } else {
                out.push(path);
            }
        }
    }

    /// The project stands alone: no file points at documents outside it. The needles are
    /// assembled so that this file does not match itself.
    #[test]
    fn no_file_refers_to_documents_outside_the_project() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let needles = [
            ["shared", "/docs"].concat(),
            ["shared", "/seed"].concat(),
            ["the ", "seed"].concat(),
            ["merge-", "signatures.md"].concat(),
            ["gix-", "notes.md"].concat(),
            ["monorepo-", "rules.md"].concat(),
        ];
        let mut all = Vec::new();
        files(root, &mut all);
        assert!(all.len() > 50, "walked {} files", all.len());
        let mut hits = Vec::new();
        for f in all {
            let Ok(text) = std::fs::read_to_string(&f) else {
                continue; // binary
            };
            let lower = text.to_lowercase();
            for n in &needles {
                if lower.contains(n.as_str()) {
                    hits.push(format!("{}: {n}", f.display()));
                }
            }
        }
        assert!(hits.is_empty(), "references outside the project: {hits:#?}");
    }

    #[test]
    fn every_source_is_public_and_named() {
        for s in ALL {
            assert!(s.url.starts_with("https://"), "{s:?}");
            assert!(!s.title.is_empty() && !s.url.contains(' '), "{s:?}");
        }
        assert_eq!(
            DORA_METRICS.cite(),
            "DORA, DORA's software delivery metrics (https://dora.dev/guides/dora-metrics/)"
        );
        assert_eq!(
            DORA_TBD.cite(),
            "DORA, Capabilities: Trunk-based development, Ways to measure (https://dora.dev/capabilities/trunk-based-development/)"
        );
    }
}
