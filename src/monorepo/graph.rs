//! Graph queries over a [`Workspace`]: cycles per edge kind (rule 10).

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use super::types::EdgeKind;
use super::workspace::Workspace;

impl Workspace {
    /// Cycles (strongly connected components of two or more packages) among edges of one kind
    /// (rule 10), each as sorted package directories.
    pub fn cycles(&self, kind: EdgeKind) -> Vec<Vec<String>> {
        cycles(self, kind)
    }
}

/// Cycles that need an edge of `kind`: strongly connected components of two or more packages
/// among normal edges (for `Normal`), or among normal edges plus edges of `kind` that are
/// not already a normal-edge cycle. Dev edges commonly close cycles that normal edges do not
/// (a crate's tests use a helper crate that depends on the crate), so kinds are kept apart.
/// Each cycle is its sorted package directories; the list is sorted.
fn cycles(ws: &Workspace, kind: EdgeKind) -> Vec<Vec<String>> {
    let normal = sccs(ws, &[EdgeKind::Normal]);
    if kind == EdgeKind::Normal {
        return normal;
    }
    sccs(ws, &[EdgeKind::Normal, kind])
        .into_iter()
        .filter(|c| !normal.contains(c))
        .collect()
}

fn sccs(ws: &Workspace, kinds: &[EdgeKind]) -> Vec<Vec<String>> {
    let mut g: DiGraph<usize, ()> = DiGraph::new();
    for i in 0..ws.packages.len() {
        g.add_node(i);
    }
    for (a, b, k) in ws.edges() {
        if kinds.contains(&k) {
            g.add_edge(NodeIndex::new(a.0), NodeIndex::new(b.0), ());
        }
    }
    let mut out: Vec<Vec<String>> = tarjan_scc(&g)
        .into_iter()
        .filter(|c| c.len() > 1)
        .map(|c| {
            let mut dirs: Vec<String> = c
                .iter()
                .filter_map(|i| ws.packages.get(i.index()).map(|p| p.dir.clone()))
                .collect();
            dirs.sort();
            dirs
        })
        .collect();
    out.sort();
    out
}
