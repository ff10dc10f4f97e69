//! The monorepo that would result: every repository's packages in one graph, where the
//! cross-repository requirements become internal edges; the cycles that would appear; and the
//! CI saving affected-target builds would give, replaying the coordinated change sets.

use super::deps::definers;
use super::sets::ChangeSet;
use super::RepoInput;
use crate::monorepo::EdgeKind;
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct MergedEdge {
    /// `repository:directory` of the dependent and of the dependency.
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Cycle {
    /// `normal` counts normal and build edges (a build order would break); `any` counts
    /// every kind (dev and peer edges too).
    pub edges: String,
    pub packages: Vec<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Merged {
    pub packages: usize,
    pub internal_edges: usize,
    /// Cross-repository edges that would become internal.
    pub cross_edges: Vec<MergedEdge>,
    /// Cycles of the merged graph that span two or more repositories: no single repository
    /// has them today.
    pub new_cycles: Vec<Cycle>,
}

/// An edge of the merged graph: (dependent, dependency, kind, crosses repositories).
type Edge = (usize, usize, EdgeKind, bool);

/// Node names and edges of the merged graph.
fn graph(inputs: &[RepoInput]) -> (Vec<String>, Vec<Edge>) {
    let mut names = Vec::new();
    let mut index: BTreeMap<(usize, String), usize> = BTreeMap::new();
    for (ri, r) in inputs.iter().enumerate() {
        for p in &r.packages {
            index.entry((ri, p.dir.clone())).or_insert_with(|| {
                names.push(format!("{}:{}", r.name, p.dir));
                names.len() - 1
            });
        }
    }
    let mut edges = Vec::new();
    for (ri, r) in inputs.iter().enumerate() {
        for (a, b, k) in &r.internal_edges {
            if let (Some(x), Some(y)) = (index.get(&(ri, a.clone())), index.get(&(ri, b.clone()))) {
                edges.push((*x, *y, *k, false));
            }
        }
        for p in &r.packages {
            for q in &p.requires {
                for (bi, bpi) in definers(inputs, &q.name) {
                    let target = &inputs[bi].packages[bpi];
                    if bi == ri || target.ecosystem != p.ecosystem {
                        continue;
                    }
                    if let (Some(x), Some(y)) = (
                        index.get(&(ri, p.dir.clone())),
                        index.get(&(bi, target.dir.clone())),
                    ) {
                        edges.push((*x, *y, q.kind, true));
                    }
                }
            }
        }
    }
    edges.sort_by_key(|e| (e.0, e.1, e.2));
    edges.dedup();
    (names, edges)
}

fn repo_of(node: &str) -> &str {
    node.split_once(':').map(|(r, _)| r).unwrap_or(node)
}

pub fn merged(inputs: &[RepoInput]) -> Merged {
    let (names, edges) = graph(inputs);
    let mut new_cycles = Vec::new();
    for (label, kinds) in [
        ("normal", &[EdgeKind::Normal, EdgeKind::Build][..]),
        ("any", &EdgeKind::ALL[..]),
    ] {
        let mut g: DiGraph<usize, ()> = DiGraph::new();
        let nodes: Vec<NodeIndex> = (0..names.len()).map(|i| g.add_node(i)).collect();
        for (a, b, k, _) in &edges {
            if kinds.contains(k) {
                g.update_edge(nodes[*a], nodes[*b], ());
            }
        }
        for scc in tarjan_scc(&g) {
            let mut members: Vec<String> = scc.iter().map(|n| names[g[*n]].clone()).collect();
            let repos: BTreeSet<&str> = members.iter().map(|m| repo_of(m)).collect();
            if repos.len() >= 2 {
                members.sort();
                if label == "any" && new_cycles.iter().any(|c: &Cycle| c.packages == members) {
                    continue;
                }
                new_cycles.push(Cycle {
                    edges: label.to_string(),
                    packages: members,
                });
            }
        }
    }
    new_cycles.sort_by(|a, b| (&a.edges, &a.packages).cmp(&(&b.edges, &b.packages)));
    Merged {
        packages: names.len(),
        internal_edges: edges.iter().filter(|e| !e.3).count(),
        cross_edges: edges
            .iter()
            .filter(|e| e.3)
            .map(|(a, b, k, _)| MergedEdge {
                from: names[*a].clone(),
                to: names[*b].clone(),
                kind: *k,
            })
            .collect(),
        new_cycles,
    }
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SetReplay {
    pub set: String,
    /// Packages the set's landings changed directly.
    pub changed: usize,
    /// Changed packages and everything that depends on them in the merged graph.
    pub affected: usize,
    /// Packages the polyrepo CI builds: every package of every repository the set touched.
    pub polyrepo: usize,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CiSaving {
    pub sets_replayed: usize,
    pub merged_packages: usize,
    pub replay: Vec<SetReplay>,
    /// 1 - mean(affected / merged packages): builds skipped against a monorepo CI that
    /// builds everything.
    pub saving_vs_build_all: Option<f64>,
    /// 1 - sum(affected) / sum(polyrepo): builds skipped against today's per-repository CI.
    pub saving_vs_polyrepo: Option<f64>,
}

pub fn ci_saving(inputs: &[RepoInput], m: &Merged, sets: &[ChangeSet]) -> CiSaving {
    let (names, edges) = graph(inputs);
    let index: BTreeMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
    for (a, b, _, _) in &edges {
        dependents[*b].push(*a);
    }
    let mut replay = Vec::new();
    for s in sets {
        let mut changed: BTreeSet<usize> = BTreeSet::new();
        for l in &s.landings {
            let Some(r) = inputs.iter().find(|r| r.name == l.repository) else {
                continue;
            };
            for dir in r.touched.get(&l.commit).into_iter().flatten() {
                if let Some(i) = index.get(format!("{}:{dir}", r.name).as_str()) {
                    changed.insert(*i);
                }
            }
        }
        let mut affected = changed.clone();
        let mut stack: Vec<usize> = changed.iter().copied().collect();
        while let Some(n) = stack.pop() {
            for d in &dependents[n] {
                if affected.insert(*d) {
                    stack.push(*d);
                }
            }
        }
        let polyrepo = inputs
            .iter()
            .filter(|r| s.repositories.contains(&r.name))
            .map(|r| r.packages.len())
            .sum();
        replay.push(SetReplay {
            set: s.id.clone(),
            changed: changed.len(),
            affected: affected.len(),
            polyrepo,
        });
    }
    let n = m.packages;
    let ratios: Vec<f64> = replay
        .iter()
        .map(|r| r.affected as f64 / n.max(1) as f64)
        .collect();
    let poly: usize = replay.iter().map(|r| r.polyrepo).sum();
    let aff: usize = replay.iter().map(|r| r.affected).sum();
    CiSaving {
        sets_replayed: replay.len(),
        merged_packages: n,
        saving_vs_build_all: (!ratios.is_empty() && n > 0)
            .then(|| super::round2(1.0 - ratios.iter().sum::<f64>() / ratios.len() as f64)),
        saving_vs_polyrepo: (poly > 0).then(|| super::round2(1.0 - aff as f64 / poly as f64)),
        replay,
    }
}
