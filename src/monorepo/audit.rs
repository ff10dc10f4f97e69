//! History statistics for `analyze` (rules 43-44): how many packages each landed change
//! touched and affected, co-change coupling, and what affected-target CI would have saved.
//! Pure: the caller walks history, discovers workspaces (cached by [`super::cache_key`]) and
//! computes each change's [`Affected`].

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

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

/// What the audit keeps of one change: enough to count it without its workspace, so that a
/// cached change needs neither its trees nor its manifests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeFacts {
    pub id: String,
    pub files: usize,
    /// Directories of the packages charged directly (as output shows them, deduplicated).
    pub changed: BTreeSet<String>,
    /// How many packages are affected.
    pub affected: usize,
    /// Packages of the workspace at the change.
    pub total_packages: usize,
    pub all: bool,
    /// A global file changed.
    pub global: bool,
}

impl ChangeFacts {
    pub fn of(c: &ChangeInput) -> ChangeFacts {
        let a = c.affected;
        ChangeFacts {
            id: c.id.clone(),
            files: c.paths.len(),
            changed: a.changed.iter().map(|p| shown(&p.path)).collect(),
            affected: a.affected.len(),
            total_packages: c.workspace.packages.len(),
            all: a.all,
            global: !a.global.is_empty(),
        }
    }
}

pub fn audit_with(inputs: &[ChangeInput], opts: &AuditOptions) -> Audit {
    let newest = inputs.last().map(|c| Inventory::of(c.workspace));
    let facts: Vec<ChangeFacts> = inputs.iter().map(ChangeFacts::of).collect();
    audit_facts(&facts, newest.as_ref(), opts)
}

/// The audit of changes given by their facts (oldest first), with the inventory of the
/// newest change's workspace.
pub fn audit_facts(
    facts: &[ChangeFacts],
    newest: Option<&Inventory>,
    opts: &AuditOptions,
) -> Audit {
    let inventory = newest.cloned().unwrap_or_default();
    let mut tally = Tally::default();
    for c in facts {
        tally.add(c, opts);
    }
    let co_change = co_change(tally.pairs, &tally.touched, opts);
    let n = facts.len();
    let ratios = tally.ratios;
    Audit {
        unit: opts.unit,
        options: *opts,
        changes: n,
        packages: inventory.packages,
        packages_by_ecosystem: inventory.packages_by_ecosystem,
        edges: inventory.edges,
        cycles: inventory.cycles,
        per_change: tally.per_change,
        multi_package_share: (n > 0).then(|| tally.multi as f64 / n as f64),
        bulk_changes: tally.bulk_changes,
        global_only_changes: tally.global_only_changes,
        co_change,
        ci_saving: (!ratios.is_empty())
            .then(|| 1.0 - ratios.iter().sum::<f64>() / ratios.len() as f64),
    }
}

/// Packages, edges and cycles of one workspace, counted by ecosystem and edge kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inventory {
    pub packages: usize,
    pub packages_by_ecosystem: BTreeMap<String, usize>,
    pub edges: BTreeMap<String, BTreeMap<String, usize>>,
    pub cycles: BTreeMap<String, Vec<Vec<String>>>,
}

impl Inventory {
    pub fn of(ws: &Workspace) -> Inventory {
        let mut inv = Inventory {
            packages: ws.packages.len(),
            ..Inventory::default()
        };
        for p in &ws.packages {
            *inv.packages_by_ecosystem
                .entry(p.ecosystem.as_str().to_string())
                .or_insert(0) += 1;
        }
        for (a, _, k) in ws.edges() {
            if let Some(p) = ws.package(a) {
                *inv.edges
                    .entry(p.ecosystem.as_str().to_string())
                    .or_default()
                    .entry(k.as_str().to_string())
                    .or_insert(0) += 1;
            }
        }
        for k in EdgeKind::ALL {
            let c = ws.cycles(k);
            if !c.is_empty() {
                inv.cycles.insert(k.as_str().to_string(), c);
            }
        }
        inv
    }
}

/// Running counts over the changes, in input order.
#[derive(Default)]
struct Tally {
    per_change: Vec<ChangeStat>,
    bulk_changes: Vec<String>,
    global_only_changes: Vec<String>,
    /// Package -> changes (neither bulk nor global-only) that touched it directly.
    touched: BTreeMap<String, usize>,
    /// Package pair (in order) -> changes that touched both directly.
    pairs: BTreeMap<(String, String), usize>,
    /// Changes touching two or more packages directly.
    multi: usize,
    /// Affected share of the packages, per change with at least one package.
    ratios: Vec<f64>,
}

impl Tally {
    fn add(&mut self, c: &ChangeFacts, opts: &AuditOptions) {
        let set = &c.changed;
        let total = c.total_packages;
        let bulk = set.len() >= opts.bulk_threshold;
        let global_only = set.is_empty() && c.global;
        if set.len() >= 2 {
            self.multi += 1;
        }
        if total > 0 {
            self.ratios
                .push(c.affected.min(total) as f64 / total as f64);
        }
        if bulk {
            self.bulk_changes.push(c.id.clone());
        } else if global_only {
            self.global_only_changes.push(c.id.clone());
        } else {
            self.count_together(set);
        }
        self.per_change.push(ChangeStat {
            id: c.id.clone(),
            files: c.files,
            directly_changed: set.len(),
            affected: c.affected,
            total_packages: total,
            all: c.all,
            bulk,
            global_only,
        });
    }

    fn count_together(&mut self, set: &BTreeSet<String>) {
        for p in set {
            *self.touched.entry(p.clone()).or_insert(0) += 1;
        }
        let v: Vec<&String> = set.iter().collect();
        for i in 0..v.len() {
            for j in i + 1..v.len() {
                *self.pairs.entry((v[i].clone(), v[j].clone())).or_insert(0) += 1;
            }
        }
    }
}

/// The strongest pairs with at least `min_support` changes, with both confidences.
fn co_change(
    pairs: BTreeMap<(String, String), usize>,
    touched: &BTreeMap<String, usize>,
    opts: &AuditOptions,
) -> Vec<CoChange> {
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
    co_change
}

#[cfg(test)]
#[path = "audit_tests.rs"]
mod tests;
