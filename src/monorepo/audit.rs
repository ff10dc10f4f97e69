//! History statistics for `analyze` (rules 43-44): how many packages each landed change
//! touched and affected, co-change coupling, and what affected-target CI would have saved.
//! Pure: the caller walks history, discovers workspaces (cached by [`super::cache_key`]) and
//! computes each change's [`Affected`].

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::affected::Affected;
use super::types::{shown_dir, EdgeKind};
use super::workspace::Workspace;

/// One landed change (or commit) with its diff against its first parent.
#[derive(Debug, Clone)]
pub struct ChangeInput<'a> {
    pub id: String,
    pub paths: Vec<Vec<u8>>,
    /// The workspace at that change (shared between changes with the same cache key).
    pub workspace: &'a Workspace,
    pub affected: &'a Affected,
}

/// What one input stands for (rule 43 asks to say it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditUnit {
    /// Each landed change on the trunk's first-parent chain.
    #[default]
    LandedChange,
    /// Every commit.
    Commit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AuditOptions {
    /// Changes touching at least this many packages directly are bulk changes (release
    /// merges, mass renames): reported, left out of coupling.
    pub bulk_threshold: usize,
    /// How many co-change pairs to keep.
    pub top_pairs: usize,
    /// Pairs seen together fewer times are noise.
    pub min_support: usize,
    pub unit: AuditUnit,
}

impl Default for AuditOptions {
    fn default() -> Self {
        AuditOptions {
            bulk_threshold: 10,
            top_pairs: 20,
            min_support: 2,
            unit: AuditUnit::LandedChange,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeStat {
    pub id: String,
    pub files: usize,
    pub directly_changed: usize,
    pub affected: usize,
    pub total_packages: usize,
    pub all: bool,
    pub bulk: bool,
    pub global_only: bool,
}

/// Two packages that change together. `confidence_ab` = P(b changes | a changes).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoChange {
    pub a: String,
    pub b: String,
    pub support: usize,
    pub confidence_ab: f64,
    pub confidence_ba: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Audit {
    pub unit: AuditUnit,
    pub options: AuditOptions,
    pub changes: usize,
    /// Of the newest workspace among the inputs.
    pub packages: usize,
    pub packages_by_ecosystem: BTreeMap<String, usize>,
    /// ecosystem of the dependent -> edge kind -> count.
    pub edges: BTreeMap<String, BTreeMap<String, usize>>,
    /// edge kind -> cycles (package paths).
    pub cycles: BTreeMap<String, Vec<Vec<String>>>,
    pub per_change: Vec<ChangeStat>,
    /// Share of changes touching two or more packages directly.
    pub multi_package_share: Option<f64>,
    pub bulk_changes: Vec<String>,
    pub global_only_changes: Vec<String>,
    pub co_change: Vec<CoChange>,
    /// 1 - mean(affected / total packages) over the changes: the share of package builds
    /// that affected-target CI would have skipped.
    pub ci_saving: Option<f64>,
}

/// [`audit_with`] and the default options.
pub fn audit(inputs: &[ChangeInput]) -> Audit {
    audit_with(inputs, &AuditOptions::default())
}

fn shown(p: &str) -> String {
    shown_dir(p).to_owned()
}

pub fn audit_with(inputs: &[ChangeInput], opts: &AuditOptions) -> Audit {
    let mut packages_by_ecosystem = BTreeMap::new();
    let mut edges: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    let mut cycles = BTreeMap::new();
    let newest = inputs.last().map(|c| c.workspace);
    if let Some(ws) = newest {
        for p in &ws.packages {
            *packages_by_ecosystem
                .entry(p.ecosystem.as_str().to_string())
                .or_insert(0) += 1;
        }
        for (a, _, k) in ws.edges() {
            if let Some(p) = ws.package(a) {
                *edges
                    .entry(p.ecosystem.as_str().to_string())
                    .or_default()
                    .entry(k.as_str().to_string())
                    .or_insert(0) += 1;
            }
        }
        for k in EdgeKind::ALL {
            let c = ws.cycles(k);
            if !c.is_empty() {
                cycles.insert(k.as_str().to_string(), c);
            }
        }
    }

    let mut per_change = Vec::new();
    let mut bulk_changes = Vec::new();
    let mut global_only_changes = Vec::new();
    let mut touched: BTreeMap<String, usize> = BTreeMap::new();
    let mut pairs: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut multi = 0usize;
    let mut ratios = Vec::new();
    for c in inputs {
        let a = c.affected;
        let set: BTreeSet<String> = a.changed.iter().map(|p| shown(&p.path)).collect();
        let total = c.workspace.packages.len();
        let bulk = set.len() >= opts.bulk_threshold;
        let global_only = set.is_empty() && !a.global.is_empty();
        if set.len() >= 2 {
            multi += 1;
        }
        if total > 0 {
            ratios.push(a.affected.len().min(total) as f64 / total as f64);
        }
        if bulk {
            bulk_changes.push(c.id.clone());
        } else if global_only {
            global_only_changes.push(c.id.clone());
        } else {
            for p in &set {
                *touched.entry(p.clone()).or_insert(0) += 1;
            }
            let v: Vec<&String> = set.iter().collect();
            for i in 0..v.len() {
                for j in i + 1..v.len() {
                    *pairs.entry((v[i].clone(), v[j].clone())).or_insert(0) += 1;
                }
            }
        }
        per_change.push(ChangeStat {
            id: c.id.clone(),
            files: c.paths.len(),
            directly_changed: set.len(),
            affected: a.affected.len(),
            total_packages: total,
            all: a.all,
            bulk,
            global_only,
        });
    }
    let mut co_change: Vec<CoChange> = pairs
        .into_iter()
        .filter(|(_, s)| *s >= opts.min_support)
        .map(|((a, b), support)| {
            let ca = touched.get(&a).copied().unwrap_or(0).max(1) as f64;
            let cb = touched.get(&b).copied().unwrap_or(0).max(1) as f64;
            CoChange {
                confidence_ab: support as f64 / ca,
                confidence_ba: support as f64 / cb,
                a,
                b,
                support,
            }
        })
        .collect();
    co_change.sort_by(|x, y| {
        y.support
            .cmp(&x.support)
            .then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b)))
    });
    co_change.truncate(opts.top_pairs);
    let n = inputs.len();
    Audit {
        unit: opts.unit,
        options: *opts,
        changes: n,
        packages: newest.map(|w| w.packages.len()).unwrap_or(0),
        packages_by_ecosystem,
        edges,
        cycles,
        per_change,
        multi_package_share: (n > 0).then(|| multi as f64 / n as f64),
        bulk_changes,
        global_only_changes,
        co_change,
        ci_saving: (!ratios.is_empty())
            .then(|| 1.0 - ratios.iter().sum::<f64>() / ratios.len() as f64),
    }
}

#[cfg(test)]
#[path = "audit_tests.rs"]
mod tests;
