//! An in-memory commit graph (ids, parents, generation numbers) for fast, exact set
//! operations: "commits reachable from A and not from B" for every merge side, PR head and
//! live branch. Loading it costs one walk of the history; each query then touches only the
//! commits between the two sides, like git's own merge-base painting, instead of walking the
//! whole history once per query (what a hidden-tips walk without a commit-graph file does).

use crate::model::Oid;
use std::collections::{BinaryHeap, HashMap};

#[derive(Clone, Debug, Default)]
pub struct CommitGraph {
    ids: Vec<Oid>,
    index: HashMap<Oid, u32>,
    parents: Vec<Vec<u32>>,
    /// 1 for a root (or a commit whose parents are not in the graph), else 1 + max of parents.
    generation: Vec<u32>,
    /// A commit that is its own ancestor, if any (only replace refs or grafts make one).
    cycle: Option<Oid>,
}

/// Generation mark of a commit whose parents are still being numbered.
const IN_PROGRESS: u32 = u32::MAX;

const INCLUDE: u8 = 1;
const EXCLUDE: u8 = 2;

impl CommitGraph {
    /// Build from `(commit, parents)` pairs in any order. Parents not listed themselves
    /// (a shallow boundary, a missing object) are dropped.
    pub fn from_edges(edges: Vec<(Oid, Vec<Oid>)>) -> CommitGraph {
        let mut g = CommitGraph::default();
        for (id, _) in &edges {
            let n = g.ids.len() as u32;
            if g.index.insert(*id, n).is_none() {
                g.ids.push(*id);
            }
        }
        g.parents = vec![Vec::new(); g.ids.len()];
        for (id, parents) in edges {
            let i = g.index[&id] as usize;
            g.parents[i] = parents
                .iter()
                .filter_map(|p| g.index.get(p).copied())
                .collect();
        }
        g.generation = vec![0; g.ids.len()];
        // Iterative post-order DFS: a parent's generation is known before its child's. The
        // commits marked IN_PROGRESS are the current path, so an edge to one closes a cycle:
        // it is recorded and left out, and the numbering still ends.
        for start in 0..g.ids.len() as u32 {
            if g.generation[start as usize] != 0 {
                continue;
            }
            let mut stack = vec![(start, false)];
            while let Some((n, expanded)) = stack.pop() {
                let nu = n as usize;
                if expanded {
                    let max = g.parents[nu]
                        .iter()
                        .map(|p| g.generation[*p as usize])
                        .filter(|&gen| gen != IN_PROGRESS)
                        .max()
                        .unwrap_or(0);
                    g.generation[nu] = max + 1;
                    continue;
                }
                if g.generation[nu] != 0 {
                    continue;
                }
                g.generation[nu] = IN_PROGRESS;
                stack.push((n, true));
                for p in &g.parents[nu] {
                    match g.generation[*p as usize] {
                        0 => stack.push((*p, false)),
                        IN_PROGRESS => {
                            g.cycle.get_or_insert(g.ids[*p as usize]);
                        }
                        _ => {}
                    }
                }
            }
        }
        g
    }

    /// A commit that is its own ancestor, if the history has a cycle.
    pub fn cycle(&self) -> Option<Oid> {
        self.cycle
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn contains(&self, id: &Oid) -> bool {
        self.index.contains_key(id)
    }

    /// The side (`^P1 P2…`) of every merge on a first-parent chain, in one pass over the
    /// history instead of one query per merge. Walking the chain oldest first, the commits
    /// reached so far are exactly those the next commit's first parent reaches, so each
    /// merge's side is what its other parents reach beyond them. `chain` is newest first, as
    /// `(commit, parents)`; a commit whose first parent is not the previous chain commit (a
    /// gap) gets no entry, and callers fall back to [`CommitGraph::side`].
    pub fn chain_sides(&self, chain: &[(Oid, Vec<Oid>)]) -> HashMap<Oid, Vec<Oid>> {
        let mut seen = vec![false; self.ids.len()];
        let mut out = HashMap::new();
        let mut stack: Vec<u32> = Vec::new();
        let mut mark_from = |start: u32, seen: &mut Vec<bool>, collect: Option<&mut Vec<Oid>>| {
            let mut collected = collect;
            stack.clear();
            if !seen[start as usize] {
                seen[start as usize] = true;
                stack.push(start);
            }
            while let Some(n) = stack.pop() {
                if let Some(c) = collected.as_deref_mut() {
                    c.push(self.ids[n as usize]);
                }
                for &p in &self.parents[n as usize] {
                    if !seen[p as usize] {
                        seen[p as usize] = true;
                        stack.push(p);
                    }
                }
            }
        };
        let mut prev: Option<Oid> = None;
        for (i, (id, parents)) in chain.iter().rev().enumerate() {
            let Some(&n) = self.index.get(id) else {
                prev = None;
                continue;
            };
            let first = parents.first().copied();
            let contiguous = match (i, prev) {
                (0, _) => {
                    // Everything below the oldest walked commit is reached by its first parent.
                    if let Some(&p) = first.and_then(|f| self.index.get(&f)) {
                        mark_from(p, &mut seen, None);
                    }
                    true
                }
                (_, Some(p)) => first == Some(p),
                (_, None) => false,
            };
            seen[n as usize] = true;
            if contiguous && parents.len() >= 2 {
                let mut side = Vec::new();
                for p in &parents[1..] {
                    if let Some(&pn) = self.index.get(p) {
                        mark_from(pn, &mut seen, Some(&mut side));
                    }
                }
                out.insert(*id, side);
            } else {
                for p in parents.iter().skip(1) {
                    if let Some(&pn) = self.index.get(p) {
                        mark_from(pn, &mut seen, None);
                    }
                }
            }
            prev = Some(*id);
        }
        out
    }

    /// Commits reachable from `include` and not from `exclude` (`git rev-list ^exclude include`),
    /// newest generation first. Tips not in the graph are ignored.
    pub fn side(&self, include: &[Oid], exclude: &[Oid]) -> Vec<Oid> {
        let mut state = Painter {
            graph: self,
            flags: HashMap::new(),
            heap: BinaryHeap::new(),
            live: 0,
        };
        for id in exclude {
            if let Some(&n) = self.index.get(id) {
                state.paint(n, EXCLUDE);
            }
        }
        for id in include {
            if let Some(&n) = self.index.get(id) {
                state.paint(n, INCLUDE);
            }
        }
        let mut out = Vec::new();
        // Stop once every queued commit is excluded: nothing below them can be on the side.
        while state.live > 0 {
            let Some((_, n)) = state.heap.pop() else {
                break;
            };
            let f = state.flags[&n];
            if f & EXCLUDE == 0 {
                state.live -= 1;
                out.push(self.ids[n as usize]);
            }
            for &p in &self.parents[n as usize] {
                state.paint(p, f & (INCLUDE | EXCLUDE));
            }
        }
        out
    }
}

/// Painting state of one side query. Commits are processed highest generation first, so a
/// commit is popped only after every descendant that could paint it.
struct Painter<'g> {
    graph: &'g CommitGraph,
    flags: HashMap<u32, u8>,
    heap: BinaryHeap<(u32, u32)>,
    /// Queued commits not (yet) excluded.
    live: usize,
}

impl Painter<'_> {
    fn paint(&mut self, n: u32, f: u8) {
        let old = self.flags.get(&n).copied().unwrap_or(0);
        let new = old | f;
        if new == old {
            return;
        }
        self.flags.insert(n, new);
        if old == 0 {
            self.heap.push((self.graph.generation[n as usize], n));
            if new & EXCLUDE == 0 {
                self.live += 1;
            }
        } else if old & EXCLUDE == 0 && new & EXCLUDE != 0 {
            self.live -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(n: u8) -> Oid {
        Oid([n; 20])
    }

    /// 1 - 2 - 3 - 6 (main, 6 merges 5)
    ///      \- 4 - 5
    ///   7 (unrelated root) - 8 merges 7 and 6
    fn graph() -> CommitGraph {
        CommitGraph::from_edges(vec![
            (o(8), vec![o(6), o(7)]),
            (o(6), vec![o(3), o(5)]),
            (o(5), vec![o(4)]),
            (o(4), vec![o(2)]),
            (o(3), vec![o(2)]),
            (o(2), vec![o(1)]),
            (o(1), vec![]),
            (o(7), vec![o(99)]), // parent missing (shallow): dropped
        ])
    }

    fn sorted(mut v: Vec<Oid>) -> Vec<Oid> {
        v.sort();
        v
    }

    #[test]
    fn a_cycle_is_found_and_numbering_ends() {
        assert_eq!(graph().cycle(), None);
        // A self-loop and a longer loop (what replace refs can make).
        let g = CommitGraph::from_edges(vec![(o(1), vec![o(1)])]);
        assert_eq!(g.cycle(), Some(o(1)));
        let g = CommitGraph::from_edges(vec![
            (o(3), vec![o(2)]),
            (o(2), vec![o(1)]),
            (o(1), vec![o(3)]),
            (o(4), vec![o(3)]),
        ]);
        assert!(g.cycle().is_some());
        assert_eq!(g.len(), 4);
    }

    #[test]
    fn chain_sides_equal_side_queries() {
        let g = graph();
        // First-parent chain of 8: 8, 6, 3, 2, 1.
        let chain = vec![
            (o(8), vec![o(6), o(7)]),
            (o(6), vec![o(3), o(5)]),
            (o(3), vec![o(2)]),
            (o(2), vec![o(1)]),
            (o(1), vec![]),
        ];
        let sides = g.chain_sides(&chain);
        assert_eq!(sides.len(), 2);
        assert_eq!(
            sorted(sides[&o(6)].clone()),
            sorted(g.side(&[o(5)], &[o(3)]))
        );
        assert_eq!(
            sorted(sides[&o(8)].clone()),
            sorted(g.side(&[o(7)], &[o(6)]))
        );
        // A window that starts at 6: the oldest walked commit's first parent is pre-marked.
        let sides = g.chain_sides(&chain[..2]);
        assert_eq!(sorted(sides[&o(6)].clone()), vec![o(4), o(5)]);
    }

    #[test]
    fn merge_side_and_counts() {
        let g = graph();
        assert_eq!(g.len(), 8);
        assert_eq!(sorted(g.side(&[o(5)], &[o(3)])), vec![o(4), o(5)]);
        assert_eq!(sorted(g.side(&[o(3)], &[o(5)])), vec![o(3)]);
        assert!(g.side(&[o(2)], &[o(6)]).is_empty());
        assert_eq!(sorted(g.side(&[o(8)], &[o(6)])), vec![o(7), o(8)]);
        assert_eq!(g.side(&[o(6)], &[]).len(), 6);
        assert!(g.side(&[o(42)], &[]).is_empty());
    }
}
