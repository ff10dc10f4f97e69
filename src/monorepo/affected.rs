//! Affected packages of a change: charge each changed path to an owner, diff root manifests and
//! lockfiles by meaning, then walk dependents (rules 6, 8, 9, 11 and the ecosystem rules).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use petgraph::stable_graph::NodeIndex;
use petgraph::Direction;
use serde::Serialize;

use super::ecosystems;
use super::support::{Effect, Sides};
use super::types::{
    shown_dir, ChangeStatus, ChangedPath, Ecosystem, EdgeKind, Owner, Package, PackageId, Snapshot,
};
use super::workspace::Workspace;

/// How far a change propagates along dependents (rule 11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClosureMode {
    /// Every edge kind propagates (what Nx, Turborepo and pnpm do).
    #[default]
    AllEdges,
    /// A dev edge marks the dependent but propagation stops there: a test-only user of a
    /// changed library must rerun its tests, but nothing is built on top of its tests.
    DevOneHop,
}

/// What a file outside every package does (rule 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UnownedMode {
    /// List it under `unowned` and affect nothing.
    #[default]
    Report,
    /// Treat it as global: everything is affected.
    All,
    /// Treat it as ignored.
    Ignore,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AffectedOptions {
    pub mode: ClosureMode,
    pub unowned: UnownedMode,
    /// Only the packages charged directly; no walk over dependents.
    pub direct_only: bool,
}

/// A package in a result, with the one reason that put it there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AffectedPackage {
    pub name: String,
    pub path: String,
    pub ecosystem: Ecosystem,
    pub reason: String,
}

/// A package present at base and gone at head (rule 8).
pub type RemovedPackage = AffectedPackage;

/// The answer to "what must CI build and test for this range".
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Affected {
    /// Packages with a changed file of their own (or their root manifest section).
    pub changed: Vec<AffectedPackage>,
    /// Everything to build and test: `changed`, packages charged by lockfile or shared-table
    /// diffs and global files, and their dependents.
    pub affected: Vec<AffectedPackage>,
    pub removed: Vec<RemovedPackage>,
    pub ignored: Vec<String>,
    pub global: Vec<String>,
    pub unowned: Vec<String>,
    pub all: bool,
    pub all_reason: Option<String>,
    pub warnings: Vec<String>,
    /// Names that two or more packages of the base or head workspace share (vite has such
    /// test packages); plain output labels those `name@path`. Not part of the JSON, which
    /// always gives both.
    #[serde(skip)]
    pub shared_names: BTreeSet<String>,
}

impl Affected {
    /// How plain output names a package: its name, or `name@path` when another package of
    /// the workspace has the same name.
    pub fn label(&self, p: &AffectedPackage) -> String {
        if self.shared_names.contains(&p.name) {
            format!("{}@{}", p.name, p.path)
        } else {
            p.name.clone()
        }
    }
}

/// Names held by two or more packages of `ws`.
fn shared_names(ws: &Workspace) -> BTreeSet<String> {
    let mut seen = foldhash::HashSet::default();
    let mut shared = BTreeSet::new();
    for p in &ws.packages {
        if !seen.insert(p.name.as_str()) {
            shared.insert(p.name.clone());
        }
    }
    shared
}

fn entry(p: &Package, reason: String) -> AffectedPackage {
    AffectedPackage {
        name: p.name.clone(),
        path: shown_dir(&p.dir).to_owned(),
        ecosystem: p.ecosystem,
        reason,
    }
}

fn find(ws: &Workspace, eco: Ecosystem, dir: &str) -> Option<usize> {
    ws.packages
        .iter()
        .position(|p| p.ecosystem == eco && p.dir == dir)
}

/// What the changed paths charge before the walk over dependents, by head package index.
#[derive(Default)]
struct Charges {
    /// Packages with a change of their own (or their section of a root manifest).
    direct: BTreeMap<usize, String>,
    /// Packages charged through a lockfile, a shared table, a removed dependency or a global
    /// file.
    seeds: BTreeMap<usize, String>,
    /// Global files: every package (`None`) or every package of one ecosystem.
    alls: Vec<(Option<Ecosystem>, String)>,
}

/// A charged package: its reason, and whether the walk goes on from it (rule 11).
type Reached = BTreeMap<usize, (String, bool)>;

/// Affected packages of a change from `base` to `head`. `changed` is the tree diff of the
/// merge base against head (rule 1); deleted paths are charged with the base graph, added
/// and modified ones with head's (rule 6).
pub fn affected(
    base: &Workspace,
    head: &Workspace,
    changed: &[ChangedPath],
    base_snap: &dyn Snapshot,
    head_snap: &dyn Snapshot,
    opts: &AffectedOptions,
) -> Affected {
    let sides = Sides {
        base,
        head,
        base_snap,
        head_snap,
    };
    let mut out = Affected::default();
    let mut charges = Charges::default();
    let mut sorted: Vec<&ChangedPath> = changed.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    for cp in sorted {
        charge_path(&sides, cp, opts, &mut charges, &mut out);
    }
    charge_package_changes(base, head, &mut charges, &mut out);
    charge_globals(head, &mut charges, &mut out);
    let reached = walk_dependents(head, &charges, opts);
    finish(head, &charges, &reached, &mut out);
    out.shared_names = shared_names(base);
    out.shared_names.extend(shared_names(head));
    out
}

/// Charges one changed path: by meaning when an ecosystem diffs that file, else to its owner
/// (rules 3-5, 9).
fn charge_path(
    sides: &Sides,
    cp: &ChangedPath,
    opts: &AffectedOptions,
    charges: &mut Charges,
    out: &mut Affected,
) {
    let shown = String::from_utf8_lossy(&cp.path).into_owned();
    if let Ok(p) = std::str::from_utf8(&cp.path) {
        let effects = ecosystems::ECOSYSTEMS
            .iter()
            .filter_map(|d| d.semantic)
            .find_map(|semantic| semantic(p, sides));
        if let Some(effects) = effects {
            for e in effects {
                charges.apply(sides.head, e, &mut out.warnings);
            }
            return;
        }
    }
    let ws = if cp.status == ChangeStatus::Deleted {
        sides.base
    } else {
        sides.head
    };
    match ws.owner(&cp.path) {
        Owner::Package(id) => {
            let Some(p) = ws.package(id) else { return };
            // A directory can hold packages of several ecosystems: charge them all.
            for q in ws.packages.iter().filter(|q| q.dir == p.dir) {
                if let Some(h) = find(sides.head, q.ecosystem, &q.dir) {
                    charges
                        .direct
                        .entry(h)
                        .or_insert_with(|| format!("changed: {shown}"));
                }
                // Otherwise the package is gone at head: reported as removed.
            }
        }
        Owner::Ignored => out.ignored.push(shown),
        Owner::Global(scope) => {
            charges.alls.push((scope, format!("global file: {shown}")));
            out.global.push(shown);
        }
        Owner::Unowned => match opts.unowned {
            UnownedMode::Report => out.unowned.push(shown),
            UnownedMode::All => {
                charges.alls.push((None, format!("unowned file: {shown}")));
                out.unowned.push(shown);
            }
            UnownedMode::Ignore => out.ignored.push(shown),
        },
    }
}

/// Rule 8: removed packages (their base dependents are charged), moved and added ones.
fn charge_package_changes(
    base: &Workspace,
    head: &Workspace,
    charges: &mut Charges,
    out: &mut Affected,
) {
    for (bi, bp) in base.packages.iter().enumerate() {
        if find(head, bp.ecosystem, &bp.dir).is_some() {
            continue;
        }
        let moved = head.packages.iter().position(|hp| {
            hp.ecosystem == bp.ecosystem
                && hp.name == bp.name
                && find(base, hp.ecosystem, &hp.dir).is_none()
        });
        if let Some(h) = moved {
            charges
                .direct
                .insert(h, format!("moved from {}", shown_dir(&bp.dir)));
            continue;
        }
        out.removed.push(entry(bp, "removed".into()));
        for e in base
            .graph
            .edges_directed(NodeIndex::new(bi), Direction::Incoming)
        {
            let Some(d) = base.package(base.graph[petgraph::visit::EdgeRef::source(&e)]) else {
                continue;
            };
            if let Some(h) = find(head, d.ecosystem, &d.dir) {
                charges.seeds.entry(h).or_insert_with(|| {
                    format!("{} dependency of removed {}", e.weight().as_str(), bp.name)
                });
            }
        }
    }
    for (hi, hp) in head.packages.iter().enumerate() {
        if find(base, hp.ecosystem, &hp.dir).is_none() {
            charges.direct.entry(hi).or_insert_with(|| "added".into());
        }
    }
}

/// Global files: everything, or everything of one ecosystem; `all` when a global file has
/// no ecosystem scope or the scoped ones cover every package.
fn charge_globals(head: &Workspace, charges: &mut Charges, out: &mut Affected) {
    for (scope, reason) in &charges.alls {
        if scope.is_none() && !out.all {
            out.all = true;
            out.all_reason = Some(reason.clone());
        }
        for (i, p) in head.packages.iter().enumerate() {
            if scope.map(|s| s == p.ecosystem).unwrap_or(true) {
                charges.seeds.entry(i).or_insert_with(|| reason.clone());
            }
        }
    }
    if !out.all && !charges.alls.is_empty() && !head.packages.is_empty() {
        let covered = head
            .packages
            .iter()
            .all(|p| charges.alls.iter().any(|(s, _)| *s == Some(p.ecosystem)));
        if covered {
            out.all = true;
            out.all_reason = charges.alls.first().map(|(_, r)| r.clone());
        }
    }
}

/// The charged packages and, unless `direct_only`, their dependents in head's graph (rule 11).
fn walk_dependents(head: &Workspace, charges: &Charges, opts: &AffectedOptions) -> Reached {
    let mut reached = Reached::new();
    let mut queue = VecDeque::new();
    for (i, r) in charges.direct.iter().chain(charges.seeds.iter()) {
        if !reached.contains_key(i) {
            reached.insert(*i, (r.clone(), true));
            queue.push_back(*i);
        }
    }
    if opts.direct_only {
        return reached;
    }
    while let Some(n) = queue.pop_front() {
        let Some(np) = head.package(PackageId(n)) else {
            continue;
        };
        for e in head
            .graph
            .edges_directed(NodeIndex::new(n), Direction::Incoming)
        {
            let d = head.graph[petgraph::visit::EdgeRef::source(&e)].0;
            let kind = *e.weight();
            let propagate = !(opts.mode == ClosureMode::DevOneHop && kind == EdgeKind::Dev);
            let reason = format!("{} dependency of {}", kind.as_str(), np.name);
            match reached.get_mut(&d) {
                None => {
                    reached.insert(d, (reason, propagate));
                    if propagate {
                        queue.push_back(d);
                    }
                }
                Some(slot) if propagate && !slot.1 => {
                    *slot = (reason, true);
                    queue.push_back(d);
                }
                Some(_) => {}
            }
        }
    }
    reached
}

/// The result lists, sorted by path, and the warnings about in-repo modules built against
/// their published version (rule 37).
fn finish(head: &Workspace, charges: &Charges, reached: &Reached, out: &mut Affected) {
    let pkgs = &head.packages;
    out.changed = charges
        .direct
        .iter()
        .filter_map(|(i, r)| pkgs.get(*i).map(|p| entry(p, r.clone())))
        .collect();
    out.affected = reached
        .iter()
        .filter_map(|(i, (r, _))| pkgs.get(*i).map(|p| entry(p, r.clone())))
        .collect();
    let key = |a: &AffectedPackage| (a.path.clone(), a.ecosystem);
    out.changed.sort_by_key(key);
    out.affected.sort_by_key(key);
    out.removed.sort_by_key(key);
    for e in &head.external_edges {
        if out.affected.iter().any(|a| a.path == e.to) {
            out.warnings.push(format!(
                "{} requires in-repo module {} at {} without replace or use: it builds against the published version",
                shown_dir(&e.from),
                shown_dir(&e.to),
                e.version
            ));
        }
    }
}

impl Charges {
    /// Records one meaning-level effect.
    fn apply(&mut self, head: &Workspace, e: Effect, warnings: &mut Vec<String>) {
        let pkgs = head.packages.iter().enumerate();
        match e {
            Effect::All { scope, reason } => self.alls.push((scope, reason)),
            Effect::Dir { eco, dir, reason } => {
                if let Some(i) = find(head, eco, &dir) {
                    self.direct.entry(i).or_insert(reason);
                }
            }
            Effect::At { eco, dir, reason } => {
                if let Some(i) = find(head, eco, &dir) {
                    self.seeds.entry(i).or_insert(reason);
                }
            }
            Effect::Named {
                eco,
                root,
                name,
                reason,
            } => {
                for (i, p) in pkgs {
                    if p.ecosystem == eco && p.name == name && (root.is_none() || p.root == root) {
                        self.seeds.entry(i).or_insert_with(|| reason.clone());
                    }
                }
            }
            Effect::Inherits {
                eco,
                root,
                key,
                reason,
            } => {
                for (i, p) in pkgs {
                    if p.ecosystem == eco
                        && p.root.as_deref() == Some(root.as_str())
                        && p.inherits.contains(&key)
                    {
                        self.seeds.entry(i).or_insert_with(|| reason.clone());
                    }
                }
            }
            Effect::Uses { eco, name, reason } => {
                for (i, p) in pkgs {
                    if p.ecosystem == eco && p.dep_names.contains(&name) {
                        self.seeds.entry(i).or_insert_with(|| reason.clone());
                    }
                }
            }
            Effect::Warning(w) => warnings.push(w),
        }
    }
}

/// Every package of `head`, for when the range cannot be diffed at all: a missing ref
/// (rule 2). The caller says why; without a merge base it should diff against base instead
/// and push a warning.
pub fn affected_all(head: &Workspace, reason: &str) -> Affected {
    let mut affected: Vec<AffectedPackage> = head
        .packages
        .iter()
        .map(|p| entry(p, reason.to_string()))
        .collect();
    affected.sort_by_key(|a| (a.path.clone(), a.ecosystem));
    Affected {
        affected,
        all: true,
        all_reason: Some(reason.to_string()),
        shared_names: shared_names(head),
        ..Affected::default()
    }
}

#[cfg(test)]
#[path = "affected_tests.rs"]
mod tests;
