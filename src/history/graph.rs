//! An in-memory commit graph (ids, parents, generation numbers) for fast, exact set
//! operations: "commits reachable from A and not from B" for every merge side, PR head and
//! live branch. Loading it costs one walk of the history; each query then touches only the
//! commits between the two sides, like git's own merge-base painting, instead of walking the
//! whole history once per query (what a hidden-tips walk without a commit-graph file does).

use crate::model::{Oid, OidMap, OidSet};
use std::collections::{BinaryHeap, HashSet};

#[derive(Clone, Debug, Default)]
pub struct CommitGraph {
    ids: Vec<Oid>,
    index: OidMap<u32>,
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

    /// A graph from its stored parts (the on-disk cache): `parents` are indices into `ids`.
    /// Checked before it is trusted: equal lengths, indices in range, no id twice, and each
    /// generation one more than its parents' highest (which also rules out a cycle). None
    /// when any check fails.
    pub fn from_parts(
        ids: Vec<Oid>,
        parents: Vec<Vec<u32>>,
        generation: Vec<u32>,
    ) -> Option<CommitGraph> {
        let n = ids.len();
        if parents.len() != n || generation.len() != n || n > u32::MAX as usize {
            return None;
        }
        for (ps, &gen) in parents.iter().zip(&generation) {
            let mut max = 0;
            for &p in ps {
                max = max.max(*generation.get(p as usize)?);
            }
            if gen != max.checked_add(1)? {
                return None;
            }
        }
        let mut index = OidMap::with_capacity_and_hasher(n, Default::default());
        for (i, id) in ids.iter().enumerate() {
            if index.insert(*id, i as u32).is_some() {
                return None;
            }
        }
        Some(CommitGraph {
            ids,
            index,
            parents,
            generation,
            cycle: None,
        })
    }

    /// The stored parts: ids, parents (indices into the ids) and generation numbers.
    pub fn parts(&self) -> (&[Oid], &[Vec<u32>], &[u32]) {
        (&self.ids, &self.parents, &self.generation)
    }

    /// The graph of every commit reachable from `tips`, made of this graph and `fresh`, the
    /// `(commit, parents)` of commits this graph lacks (what a ref that moved added). Commits
    /// no tip reaches any more (a deleted or rewritten branch) are left out, so the result is
    /// the graph a full walk from `tips` would load.
    pub fn extended(&self, fresh: Vec<(Oid, Vec<Oid>)>, tips: &[Oid]) -> CommitGraph {
        let fresh: OidMap<Vec<Oid>> = fresh.into_iter().collect();
        let mut seen: OidSet =
            OidSet::with_capacity_and_hasher(self.ids.len() + fresh.len(), Default::default());
        let mut edges = Vec::with_capacity(self.ids.len() + fresh.len());
        let mut stack: Vec<Oid> = tips.to_vec();
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            let parents: Vec<Oid> = match (fresh.get(&id), self.index.get(&id)) {
                (Some(p), _) => p.clone(),
                (None, Some(&n)) => self.parents[n as usize]
                    .iter()
                    .map(|&p| self.ids[p as usize])
                    .collect(),
                (None, None) => continue,
            };
            stack.extend(parents.iter().rev().copied());
            edges.push((id, parents));
        }
        CommitGraph::from_edges(edges)
    }

    /// A [`Reach`] walk, nothing seen yet.
    pub fn reach(&self) -> Reach<'_> {
        Reach {
            graph: self,
            seen: vec![false; self.ids.len()],
            stack: Vec::new(),
        }
    }

    /// The generation number of a commit (None when it is not in the graph).
    pub fn generation_of(&self, id: &Oid) -> Option<u32> {
        self.index.get(id).map(|&n| self.generation[n as usize])
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
    pub fn chain_sides(&self, chain: &[(Oid, Vec<Oid>)]) -> OidMap<Vec<Oid>> {
        self.chain_pass(chain, &OidMap::default()).0
    }

    /// The sides `^P1 <head>` of squashes on a first-parent chain, by squash commit, in the
    /// same one pass as [`CommitGraph::chain_sides`]: when the pass reaches a squash, the
    /// commits reached so far are those its parent reaches, so the side is what `head` reaches
    /// beyond them (newest generation first, equal ones by id, as [`CommitGraph::side`]
    /// gives them). `heads` maps squash commits to the heads of their pull requests; a squash
    /// after a gap gets no entry.
    pub fn chain_squash_sides(
        &self,
        chain: &[(Oid, Vec<Oid>)],
        heads: &OidMap<Oid>,
    ) -> OidMap<Vec<Oid>> {
        if heads.is_empty() || self.cycle.is_some() {
            return OidMap::default();
        }
        let mut squashes = self.chain_pass(chain, heads).1;
        for side in squashes.values_mut() {
            side.sort_unstable_by_key(|&n| {
                std::cmp::Reverse((self.generation[n as usize], self.ids[n as usize]))
            });
        }
        squashes
            .into_iter()
            .map(|(id, side)| (id, side.into_iter().map(|n| self.ids[n as usize]).collect()))
            .collect()
    }

    /// The pass of [`CommitGraph::chain_sides`]: merge sides as ids, squash sides (of `heads`)
    /// as indexes.
    fn chain_pass(
        &self,
        chain: &[(Oid, Vec<Oid>)],
        heads: &OidMap<Oid>,
    ) -> (OidMap<Vec<Oid>>, OidMap<Vec<u32>>) {
        let mut seen = vec![false; self.ids.len()];
        let mut out = OidMap::default();
        let mut squashes = OidMap::default();
        let mut stack: Vec<u32> = Vec::new();
        let mut mark_from = |start: u32, seen: &mut Vec<bool>, collect: Option<&mut Vec<u32>>| {
            let mut collected = collect;
            stack.clear();
            if !seen[start as usize] {
                seen[start as usize] = true;
                stack.push(start);
            }
            while let Some(n) = stack.pop() {
                if let Some(c) = collected.as_deref_mut() {
                    c.push(n);
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
            if let (true, Some(head)) = (contiguous && parents.len() == 1, heads.get(id)) {
                // What the head reaches beyond the parent, marked only while it is collected.
                let mut side = Vec::new();
                if let Some(&h) = self.index.get(head) {
                    mark_from(h, &mut seen, Some(&mut side));
                }
                for &s in &side {
                    seen[s as usize] = false;
                }
                squashes.insert(*id, side);
            }
            seen[n as usize] = true;
            if contiguous && parents.len() >= 2 {
                let mut side = Vec::new();
                for p in &parents[1..] {
                    if let Some(&pn) = self.index.get(p) {
                        mark_from(pn, &mut seen, Some(&mut side));
                    }
                }
                out.insert(
                    *id,
                    side.into_iter().map(|s| self.ids[s as usize]).collect(),
                );
            } else {
                for p in parents.iter().skip(1) {
                    if let Some(&pn) = self.index.get(p) {
                        mark_from(pn, &mut seen, None);
                    }
                }
            }
            prev = Some(*id);
        }
        (out, squashes)
    }

    /// Commits reachable from `include` and not from `exclude` (`git rev-list ^exclude include`),
    /// newest generation first. Tips not in the graph are ignored.
    pub fn side(&self, include: &[Oid], exclude: &[Oid]) -> Vec<Oid> {
        let mut state = Painter {
            graph: self,
            flags: PaintFlags::take(self.ids.len()),
            touched: Vec::new(),
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
            let Some((_, _, n)) = state.heap.pop() else {
                break;
            };
            let f = state.flags[n as usize];
            if f & EXCLUDE == 0 {
                state.live -= 1;
                out.push(self.ids[n as usize]);
            }
            for &p in &self.parents[n as usize] {
                state.paint(p, f & (INCLUDE | EXCLUDE));
            }
        }
        PaintFlags::give_back(state.flags, &state.touched);
        out
    }
}

impl CommitGraph {
    /// The best common ancestors of `a` and `b` (`git merge-base --all a b`): the commits both
    /// reach that no other such commit descends from, sorted by id; empty for unrelated
    /// histories. None when either commit is not in the graph or the history has a cycle
    /// (then generation numbers order nothing): the caller asks the repository instead.
    ///
    /// git's painting: `a` paints its ancestors with one colour, `b` with another, highest
    /// generation first, so a commit is taken only after every descendant that could paint it;
    /// a commit with both colours is a candidate and paints its ancestors stale; the walk ends
    /// when only stale commits are queued. Candidates a later candidate painted stale, or that
    /// another candidate reaches, are dropped.
    pub fn merge_bases(&self, a: &Oid, b: &Oid) -> Option<Vec<Oid>> {
        const ONE: u8 = 1;
        const TWO: u8 = 2;
        const STALE: u8 = 4;
        const RESULT: u8 = 8;
        if self.cycle.is_some() {
            return None;
        }
        let (&ia, &ib) = (self.index.get(a)?, self.index.get(b)?);
        if ia == ib {
            return Some(vec![*a]);
        }
        // Each commit is queued once, when first painted: every commit that can paint it has a
        // higher generation and is taken first, so its colours are final when it is taken.
        // `live` counts the queued commits not (yet) stale.
        let mut flags = vec![0u8; self.ids.len()];
        flags[ia as usize] = ONE;
        flags[ib as usize] = TWO;
        let mut heap: BinaryHeap<(u32, u32)> = BinaryHeap::new();
        heap.push((self.generation[ia as usize], ia));
        heap.push((self.generation[ib as usize], ib));
        let mut live = 2usize;
        let mut candidates = Vec::new();
        while live > 0 {
            let Some((_, n)) = heap.pop() else {
                break;
            };
            let own = flags[n as usize];
            if own & STALE == 0 {
                live -= 1;
            }
            let mut paint = own & (ONE | TWO | STALE);
            if paint == ONE | TWO {
                flags[n as usize] = own | RESULT;
                candidates.push(n);
                paint |= STALE;
            }
            for &p in &self.parents[n as usize] {
                let f = &mut flags[p as usize];
                let old = *f;
                if old & paint == paint {
                    continue;
                }
                *f |= paint;
                if old == 0 {
                    heap.push((self.generation[p as usize], p));
                    if paint & STALE == 0 {
                        live += 1;
                    }
                } else if old & STALE == 0 && paint & STALE != 0 {
                    live -= 1;
                }
            }
        }
        let mut bases: Vec<u32> = candidates
            .into_iter()
            .filter(|n| flags[*n as usize] & STALE == 0)
            .collect();
        // A candidate another candidate reaches is not a best one (git's remove_redundant).
        let all = bases.clone();
        bases.retain(|&n| !all.iter().any(|&m| m != n && self.reaches(m, n)));
        let mut out: Vec<Oid> = bases.into_iter().map(|n| self.ids[n as usize]).collect();
        out.sort();
        Some(out)
    }

    /// Whether `from` reaches `to` (walking no lower than `to`'s generation).
    fn reaches(&self, from: u32, to: u32) -> bool {
        let floor = self.generation[to as usize];
        let mut seen = HashSet::from([from]);
        let mut stack = vec![from];
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            for &p in &self.parents[n as usize] {
                if self.generation[p as usize] >= floor && seen.insert(p) {
                    stack.push(p);
                }
            }
        }
        false
    }
}

/// The commits each of a sequence of tips reaches beyond all earlier tips of the sequence:
/// for tips `t1, t2, …` the sets `t1`, `^t1 t2`, `^t1 ^t2 t3`, … in one pass over the history
/// (each commit visited once), instead of one side query per tip.
pub struct Reach<'g> {
    graph: &'g CommitGraph,
    seen: Vec<bool>,
    stack: Vec<u32>,
}

impl Reach<'_> {
    /// What `tip` reaches that no earlier tip does (in no particular order), added to `out`;
    /// with `out` None the commits are only marked. A tip not in the graph reaches nothing.
    pub fn next(&mut self, tip: &Oid, mut out: Option<&mut Vec<Oid>>) {
        let Some(&n) = self.graph.index.get(tip) else {
            return;
        };
        if self.seen[n as usize] {
            return;
        }
        self.seen[n as usize] = true;
        self.stack.push(n);
        while let Some(n) = self.stack.pop() {
            if let Some(o) = out.as_deref_mut() {
                o.push(self.graph.ids[n as usize]);
            }
            for &p in &self.graph.parents[n as usize] {
                if !self.seen[p as usize] {
                    self.seen[p as usize] = true;
                    self.stack.push(p);
                }
            }
        }
    }
}

/// Painting state of one side query. Commits are processed highest generation first, so a
/// commit is popped only after every descendant that could paint it.
struct Painter<'g> {
    graph: &'g CommitGraph,
    /// Flags by commit index (all zero outside `touched`).
    flags: Vec<u8>,
    /// Commits painted so far, to clear their flags afterwards.
    touched: Vec<u32>,
    /// Highest generation first; equal generations by commit id, so the order does not depend
    /// on how the graph was loaded (walked now or read from the cache).
    heap: BinaryHeap<(u32, Oid, u32)>,
    /// Queued commits not (yet) excluded.
    live: usize,
}

impl Painter<'_> {
    fn paint(&mut self, n: u32, f: u8) {
        let old = self.flags[n as usize];
        let new = old | f;
        if new == old {
            return;
        }
        self.flags[n as usize] = new;
        if old == 0 {
            self.touched.push(n);
            self.heap.push((
                self.graph.generation[n as usize],
                self.graph.ids[n as usize],
                n,
            ));
            if new & EXCLUDE == 0 {
                self.live += 1;
            }
        } else if old & EXCLUDE == 0 && new & EXCLUDE != 0 {
            self.live -= 1;
        }
    }
}

/// One zeroed flag array per thread, reused by every side query on it: a query touches a
/// few hundred commits of a graph that may hold hundreds of thousands, so neither a hash map
/// nor a fresh array per query (thousands of queries per run) is cheap.
struct PaintFlags;

thread_local! {
    static PAINT_FLAGS: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl PaintFlags {
    /// This thread's array, zeroed, at least `n` long.
    fn take(n: usize) -> Vec<u8> {
        let mut v = PAINT_FLAGS.with(|f| std::mem::take(&mut *f.borrow_mut()));
        if v.len() < n {
            v.resize(n, 0);
        }
        v
    }

    /// Clear the `touched` flags and keep the array for the next query on this thread.
    fn give_back(mut v: Vec<u8>, touched: &[u32]) {
        for &n in touched {
            v[n as usize] = 0;
        }
        PAINT_FLAGS.with(|f| *f.borrow_mut() = v);
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
        let mut edges = vec![(o(8), vec![o(6), o(7)])];
        edges.extend(up_to_6());
        edges.push((o(7), vec![o(99)])); // parent missing (shallow): dropped
        CommitGraph::from_edges(edges)
    }

    /// The edges of 1 .. 6: the main line 1-2-3-6 and the side branch 2-4-5 merged by 6.
    fn up_to_6() -> Vec<(Oid, Vec<Oid>)> {
        vec![
            (o(6), vec![o(3), o(5)]),
            (o(5), vec![o(4)]),
            (o(4), vec![o(2)]),
            (o(3), vec![o(2)]),
            (o(2), vec![o(1)]),
            (o(1), vec![]),
        ]
    }

    fn sorted(mut v: Vec<Oid>) -> Vec<Oid> {
        v.sort();
        v
    }

    /// Best common ancestors by their definition: every commit both reach, less those from
    /// which another common ancestor is reachable.
    fn brute_merge_bases(g: &CommitGraph, a: &Oid, b: &Oid) -> Vec<Oid> {
        let ancestors = |x: &Oid| -> OidSet {
            let mut r = g.reach();
            let mut out = Vec::new();
            r.next(x, Some(&mut out));
            out.into_iter().collect()
        };
        let common: Vec<Oid> = ancestors(a).intersection(&ancestors(b)).copied().collect();
        let best = common
            .iter()
            .filter(|c| !common.iter().any(|d| d != *c && ancestors(d).contains(c)))
            .copied()
            .collect();
        sorted(best)
    }

    #[test]
    fn merge_bases_of_known_shapes() {
        let g = graph();
        // 3 and 5 fork at 2; 6 descends from 5 (a fast-forward base is the ancestor itself).
        assert_eq!(g.merge_bases(&o(3), &o(5)), Some(vec![o(2)]));
        assert_eq!(g.merge_bases(&o(6), &o(5)), Some(vec![o(5)]));
        assert_eq!(g.merge_bases(&o(6), &o(6)), Some(vec![o(6)]));
        // 7 is an unrelated root: no common ancestor with 3.
        assert_eq!(g.merge_bases(&o(7), &o(3)), Some(vec![]));
        assert_eq!(g.merge_bases(&o(3), &o(42)), None);
        // Criss-cross: 10 and 11 each merge 3 and 5, 12 and 13 build on them: two bases.
        let mut edges = up_to_6();
        edges.push((o(10), vec![o(3), o(5)]));
        edges.push((o(11), vec![o(5), o(3)]));
        edges.push((o(12), vec![o(10)]));
        edges.push((o(13), vec![o(11)]));
        let g = CommitGraph::from_edges(edges);
        assert_eq!(g.merge_bases(&o(12), &o(13)), Some(vec![o(3), o(5)]));
        let cyclic = CommitGraph::from_edges(vec![(o(1), vec![o(2)]), (o(2), vec![o(1)])]);
        assert_eq!(cyclic.merge_bases(&o(1), &o(2)), None);
    }

    proptest::proptest! {
        /// On random histories (each commit's parents drawn from the earlier ones), the painted
        /// merge bases equal the definition's for every pair of commits.
        #[test]
        fn merge_bases_equal_the_definition(
            parents in proptest::collection::vec(
                proptest::collection::vec(proptest::prelude::any::<proptest::sample::Index>(), 0..3),
                1..24,
            )
        ) {
            let edges: Vec<(Oid, Vec<Oid>)> = parents
                .iter()
                .enumerate()
                .map(|(i, ps)| {
                    let ps: Vec<Oid> = if i == 0 {
                        Vec::new()
                    } else {
                        let mut v: Vec<Oid> = ps.iter().map(|p| o(p.index(i) as u8 + 1)).collect();
                        v.dedup();
                        v
                    };
                    (o(i as u8 + 1), ps)
                })
                .collect();
            let g = CommitGraph::from_edges(edges);
            for a in 1..=parents.len() as u8 {
                for b in 1..=parents.len() as u8 {
                    let want = brute_merge_bases(&g, &o(a), &o(b));
                    proptest::prop_assert_eq!(g.merge_bases(&o(a), &o(b)), Some(want), "{} {}", a, b);
                }
            }
        }
    }

    proptest::proptest! {
        /// On random histories, the squash sides of the one pass equal the side queries
        /// `^P1 <head>`, order included, for a head drawn for every one-parent chain commit.
        #[test]
        fn chain_squash_sides_equal_side_queries(
            parents in proptest::collection::vec(
                proptest::collection::vec(proptest::prelude::any::<proptest::sample::Index>(), 0..3),
                1..24,
            ),
            heads in proptest::collection::vec(proptest::prelude::any::<proptest::sample::Index>(), 24),
        ) {
            let edges: Vec<(Oid, Vec<Oid>)> = parents
                .iter()
                .enumerate()
                .map(|(i, ps)| {
                    let mut v: Vec<Oid> = ps.iter().take(usize::from(i > 0) * 3).map(|p| o(p.index(i) as u8 + 1)).collect();
                    v.dedup();
                    (o(i as u8 + 1), v)
                })
                .collect();
            let g = CommitGraph::from_edges(edges.clone());
            // The first-parent chain of the newest commit, newest first.
            let by_id: OidMap<Vec<Oid>> = edges.into_iter().collect();
            let mut chain = Vec::new();
            let mut next = Some(o(parents.len() as u8));
            while let Some(id) = next {
                let ps = by_id[&id].clone();
                next = ps.first().copied();
                chain.push((id, ps));
            }
            let squashes: OidMap<Oid> = chain
                .iter()
                .zip(&heads)
                .filter(|((_, ps), _)| ps.len() == 1)
                .map(|((id, _), h)| (*id, o(h.index(parents.len()) as u8 + 1)))
                .collect();
            let sides = g.chain_squash_sides(&chain, &squashes);
            proptest::prop_assert_eq!(sides.len(), squashes.len());
            for ((id, ps), head) in chain.iter().filter_map(|(id, ps)| Some(((id, ps), squashes.get(id)?))) {
                proptest::prop_assert_eq!(&sides[id], &g.side(&[*head], &ps[..1]), "{:?}", id);
            }
        }
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

    /// The same commits in another order: what a cached graph extended later looks like.
    fn reordered() -> CommitGraph {
        CommitGraph::from_edges(vec![
            (o(1), vec![]),
            (o(7), vec![o(99)]),
            (o(3), vec![o(2)]),
            (o(2), vec![o(1)]),
            (o(5), vec![o(4)]),
            (o(4), vec![o(2)]),
            (o(8), vec![o(6), o(7)]),
            (o(6), vec![o(3), o(5)]),
        ])
    }

    #[test]
    fn side_order_does_not_depend_on_load_order() {
        let (a, b) = (graph(), reordered());
        for (inc, exc) in [
            (vec![o(8)], vec![]),
            (vec![o(6)], vec![o(2)]),
            (vec![o(5), o(3)], vec![o(1)]),
            (vec![o(8)], vec![o(4)]),
        ] {
            let side = a.side(&inc, &exc);
            assert_eq!(side, b.side(&inc, &exc), "side of {inc:?} ^{exc:?}");
        }
        // Newest generation first, equal generations by id (highest first): 3 and 4 are
        // both generation 3.
        assert_eq!(a.side(&[o(6)], &[o(2)]), vec![o(6), o(5), o(4), o(3)]);
    }

    #[test]
    fn parts_round_trip_and_bad_parts_are_refused() {
        let g = graph();
        let (ids, parents, gens) = g.parts();
        let back = CommitGraph::from_parts(ids.to_vec(), parents.to_vec(), gens.to_vec())
            .expect("valid parts");
        assert_eq!(back.len(), 8);
        assert_eq!(back.side(&[o(8)], &[o(6)]), g.side(&[o(8)], &[o(6)]));
        // A wrong generation, an index out of range, a length mismatch, an id twice.
        let mut bad = gens.to_vec();
        bad[0] += 1;
        assert!(CommitGraph::from_parts(ids.to_vec(), parents.to_vec(), bad).is_none());
        let mut bad = parents.to_vec();
        bad[0].push(42);
        assert!(CommitGraph::from_parts(ids.to_vec(), bad, gens.to_vec()).is_none());
        assert!(
            CommitGraph::from_parts(ids[1..].to_vec(), parents.to_vec(), gens.to_vec()).is_none()
        );
        let mut twice = ids.to_vec();
        twice[1] = twice[0];
        assert!(CommitGraph::from_parts(twice, parents.to_vec(), gens.to_vec()).is_none());
    }

    #[test]
    fn extended_graph_equals_a_full_load() {
        // Cached: the history up to 6 (and the side branch 4-5); then 8 and 7 arrive.
        let mut edges = up_to_6();
        edges.push((o(9), vec![o(1)])); // a branch deleted since: no tip reaches it
        let old = CommitGraph::from_edges(edges);
        let fresh = vec![(o(8), vec![o(6), o(7)]), (o(7), vec![o(99)])];
        let g = old.extended(fresh, &[o(8)]);
        let full = graph();
        assert_eq!(g.len(), full.len());
        assert!(!g.contains(&o(9)));
        assert_eq!(g.cycle(), None);
        for id in [1, 2, 3, 4, 5, 6, 7, 8] {
            assert_eq!(
                g.side(&[o(id)], &[]),
                full.side(&[o(id)], &[]),
                "side of {id}"
            );
            let (i, j) = (g.index[&o(id)] as usize, full.index[&o(id)] as usize);
            assert_eq!(g.generation[i], full.generation[j]);
        }
    }

    #[test]
    fn reach_equals_side_queries_against_earlier_tips() {
        let g = graph();
        let tips = [o(3), o(42), o(5), o(8), o(6)];
        let mut reach = g.reach();
        let mut earlier: Vec<Oid> = Vec::new();
        for t in &tips {
            let mut got = Vec::new();
            reach.next(t, Some(&mut got));
            assert_eq!(sorted(got), sorted(g.side(&[*t], &earlier)), "tip {t:?}");
            earlier.push(*t);
        }
        // Marking only: what 8 reaches is then seen.
        let mut reach = g.reach();
        reach.next(&o(8), None);
        let mut got = Vec::new();
        reach.next(&o(5), Some(&mut got));
        assert!(got.is_empty());
    }
}
