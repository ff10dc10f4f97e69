//! Affected packages of a change: charge each changed path to an owner, diff root manifests and
//! lockfiles by meaning, then walk dependents (rules 6, 8, 9, 11 and the ecosystem rules).

use std::collections::{BTreeMap, VecDeque};

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
    let mut out = Affected::default();
    let mut direct: BTreeMap<usize, String> = BTreeMap::new();
    let mut seeds: BTreeMap<usize, String> = BTreeMap::new();
    let mut alls: Vec<(Option<Ecosystem>, String)> = Vec::new();

    let mut sorted: Vec<&ChangedPath> = changed.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    for cp in sorted {
        let shown = String::from_utf8_lossy(&cp.path).into_owned();
        if let Ok(p) = std::str::from_utf8(&cp.path) {
            let sides = Sides {
                base,
                head,
                base_snap,
                head_snap,
            };
            let effects = ecosystems::ECOSYSTEMS
                .iter()
                .filter_map(|d| d.semantic)
                .find_map(|semantic| semantic(p, &sides));
            if let Some(effects) = effects {
                for e in effects {
                    apply(
                        head,
                        e,
                        &mut direct,
                        &mut seeds,
                        &mut alls,
                        &mut out.warnings,
                    );
                }
                continue;
            }
        }
        let ws = if cp.status == ChangeStatus::Deleted {
            base
        } else {
            head
        };
        match ws.owner(&cp.path) {
            Owner::Package(id) => {
                let Some(p) = ws.package(id) else { continue };
                // A directory can hold packages of several ecosystems: charge them all.
                for q in ws.packages.iter().filter(|q| q.dir == p.dir) {
                    if let Some(h) = find(head, q.ecosystem, &q.dir) {
                        direct
                            .entry(h)
                            .or_insert_with(|| format!("changed: {shown}"));
                    }
                    // Otherwise the package is gone at head: reported as removed below.
                }
            }
            Owner::Ignored => out.ignored.push(shown),
            Owner::Global(scope) => {
                alls.push((scope, format!("global file: {shown}")));
                out.global.push(shown);
            }
            Owner::Unowned => match opts.unowned {
                UnownedMode::Report => out.unowned.push(shown),
                UnownedMode::All => {
                    alls.push((None, format!("unowned file: {shown}")));
                    out.unowned.push(shown);
                }
                UnownedMode::Ignore => out.ignored.push(shown),
            },
        }
    }

    // Rule 8: removed, moved and added packages.
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
            direct.insert(h, format!("moved from {}", display_dir(&bp.dir)));
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
                seeds.entry(h).or_insert_with(|| {
                    format!("{} dependency of removed {}", e.weight().as_str(), bp.name)
                });
            }
        }
    }
    for (hi, hp) in head.packages.iter().enumerate() {
        if find(base, hp.ecosystem, &hp.dir).is_none() {
            direct.entry(hi).or_insert_with(|| "added".into());
        }
    }

    // Global files: everything, or everything of one ecosystem.
    for (scope, reason) in &alls {
        if scope.is_none() && !out.all {
            out.all = true;
            out.all_reason = Some(reason.clone());
        }
        for (i, p) in head.packages.iter().enumerate() {
            if scope.map(|s| s == p.ecosystem).unwrap_or(true) {
                seeds.entry(i).or_insert_with(|| reason.clone());
            }
        }
    }
    if !out.all && !alls.is_empty() && !head.packages.is_empty() {
        let covered = head
            .packages
            .iter()
            .all(|p| alls.iter().any(|(s, _)| *s == Some(p.ecosystem)));
        if covered {
            out.all = true;
            out.all_reason = alls.first().map(|(_, r)| r.clone());
        }
    }

    let mut reached: BTreeMap<usize, (String, bool)> = BTreeMap::new();
    let mut queue = VecDeque::new();
    for (i, r) in direct.iter().chain(seeds.iter()) {
        if !reached.contains_key(i) {
            reached.insert(*i, (r.clone(), true));
            queue.push_back(*i);
        }
    }
    if !opts.direct_only {
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
    }

    let pkgs = &head.packages;
    out.changed = direct
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
                display_dir(&e.from),
                display_dir(&e.to),
                e.version
            ));
        }
    }
    out
}

fn display_dir(d: &str) -> &str {
    if d.is_empty() {
        "."
    } else {
        d
    }
}

fn apply(
    head: &Workspace,
    e: Effect,
    direct: &mut BTreeMap<usize, String>,
    seeds: &mut BTreeMap<usize, String>,
    alls: &mut Vec<(Option<Ecosystem>, String)>,
    warnings: &mut Vec<String>,
) {
    let pkgs = head.packages.iter().enumerate();
    match e {
        Effect::All { scope, reason } => alls.push((scope, reason)),
        Effect::Dir { eco, dir, reason } => {
            if let Some(i) = find(head, eco, &dir) {
                direct.entry(i).or_insert(reason);
            }
        }
        Effect::At { eco, dir, reason } => {
            if let Some(i) = find(head, eco, &dir) {
                seeds.entry(i).or_insert(reason);
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
                    seeds.entry(i).or_insert_with(|| reason.clone());
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
                    seeds.entry(i).or_insert_with(|| reason.clone());
                }
            }
        }
        Effect::Uses { eco, name, reason } => {
            for (i, p) in pkgs {
                if p.ecosystem == eco && p.dep_names.contains(&name) {
                    seeds.entry(i).or_insert_with(|| reason.clone());
                }
            }
        }
        Effect::Warning(w) => warnings.push(w),
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
        ..Affected::default()
    }
}

#[cfg(test)]
#[path = "affected_tests.rs"]
mod tests;
