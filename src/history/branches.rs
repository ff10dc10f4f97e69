//! The live-branch inventory: every local and remote-tracking branch that is not merged into
//! the trunk, with its age, idle time and ahead/behind counts. Pure: the `analyze` pipeline
//! reads the commits with the `git` module and hands them over.

use crate::model::{Branch, Commit, Timestamp};

/// A branch whose first unmerged commit is this old is long-lived: ten times the "about two
/// days" trunkbaseddevelopment.com gives a short-lived feature branch (docs/guidance.md).
pub const LONG_LIVED_SECONDS: i64 = 21 * 86_400;
/// Idle this long and a branch is stale: abandoned rather than in progress (docs/metrics.md).
pub const STALE_SECONDS: i64 = 30 * 86_400;

/// What the git module found about one branch.
pub struct BranchFacts {
    pub name: String,
    pub remote: bool,
    pub tip: Commit,
    /// Commits on the branch and not on the trunk.
    pub unmerged: Vec<Commit>,
    /// Number of commits on the trunk and not on the branch.
    pub behind: u64,
}

/// Turn facts into the inventory, judged at `now` (the end of the analysis window). Merged
/// branches (nothing unmerged) are left out. Sorted oldest first.
pub fn inventory(facts: Vec<BranchFacts>, now: Timestamp) -> Vec<Branch> {
    let mut out: Vec<Branch> = facts
        .into_iter()
        .filter(|f| !f.unmerged.is_empty())
        .map(|f| {
            let first = f.unmerged.iter().map(|c| c.author.time).min();
            let last = f.tip.committer.time;
            let age = first.map(|t| (now - t).max(0));
            let idle = (now - last).max(0);
            Branch {
                name: f.name,
                remote: f.remote,
                tip: f.tip.id,
                ahead: f.unmerged.len() as u64,
                behind: f.behind,
                first_unmerged_at: first,
                last_activity_at: last,
                age_seconds: age,
                idle_seconds: idle,
                stale: idle >= STALE_SECONDS,
                long_lived: age.is_some_and(|a| a >= LONG_LIVED_SECONDS),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.age_seconds
            .cmp(&a.age_seconds)
            .then_with(|| a.name.cmp(&b.name))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Oid, Signature};

    fn c(id: u8, at: i64, ct: i64) -> Commit {
        Commit {
            id: Oid([id; 20]),
            author: Signature {
                time: at,
                ..Signature::default()
            },
            committer: Signature {
                time: ct,
                ..Signature::default()
            },
            ..Commit::default()
        }
    }

    #[test]
    fn stale_and_long_lived_flags() {
        let day = 86_400;
        let now = 100 * day;
        let facts = vec![
            BranchFacts {
                name: "old".into(),
                remote: false,
                tip: c(2, 65 * day, 65 * day),
                unmerged: vec![c(1, 60 * day, 60 * day), c(2, 65 * day, 65 * day)],
                behind: 5,
            },
            BranchFacts {
                name: "fresh".into(),
                remote: true,
                tip: c(3, 99 * day, 99 * day),
                unmerged: vec![c(3, 99 * day, 99 * day)],
                behind: 0,
            },
            BranchFacts {
                name: "merged".into(),
                remote: false,
                tip: c(4, 0, 0),
                unmerged: vec![],
                behind: 9,
            },
        ];
        let inv = inventory(facts, now);
        assert_eq!(inv.len(), 2);
        assert_eq!(inv[0].name, "old");
        assert_eq!(inv[0].ahead, 2);
        assert_eq!(inv[0].age_seconds, Some(40 * day));
        assert_eq!(inv[0].idle_seconds, 35 * day);
        assert!(inv[0].stale && inv[0].long_lived);
        assert_eq!(inv[1].name, "fresh");
        assert!(!inv[1].stale && !inv[1].long_lived);
    }
}
