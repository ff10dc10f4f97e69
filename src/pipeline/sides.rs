//! Side queries (`git rev-list ^exclude include`) for the classifier: on the in-memory graph,
//! with the commits read through the commit store.

use crate::cache::commits::CommitStore;
use crate::git::Repo;
use crate::history::classify::SideReader;
use crate::history::graph::CommitGraph;
use crate::model::{Commit, Oid, OidMap};
use anyhow::Result;
use std::collections::HashMap;

/// Side queries on the in-memory graph, commits read through the commit store (their
/// messages hold only the lines the classifier reads).
pub struct History<'a> {
    pub repo: &'a Repo,
    pub graph: &'a CommitGraph,
    pub commits: &'a CommitStore,
}

impl History<'_> {
    /// One commit, from the store (decoded once).
    pub fn commit(&self, id: Oid) -> Result<Commit> {
        self.commits.get(self.repo, id)
    }
}

impl SideReader for History<'_> {
    fn side(&self, include: &[Oid], exclude: &[Oid]) -> Result<Vec<Commit>> {
        let ids = self.graph.side(include, exclude);
        self.commits.get_many(self.repo, &ids)
    }
}

/// Side queries for one branch: the sides of its merges computed in one pass and the commits
/// the store lacks decoded in parallel; anything else goes to the graph.
pub struct ChainReader<'a> {
    history: &'a History<'a>,
    sides: OidMap<Vec<Oid>>,
    /// Two-parent merges with a precomputed side, by `(first parent, second parent)`: a
    /// query `^P1 P2` (a foxtrot's) is then that side.
    by_parents: HashMap<(Oid, Oid), Oid>,
    /// The chain as `(commit, parents)`, newest first, for the squash sides' pass.
    edges: Vec<(Oid, Vec<Oid>)>,
}

impl<'a> ChainReader<'a> {
    pub fn new(history: &'a History<'a>, chain: &[Commit]) -> Result<ChainReader<'a>> {
        let edges: Vec<(Oid, Vec<Oid>)> = chain.iter().map(|c| (c.id, c.parents.clone())).collect();
        let sides = history.graph.chain_sides(&edges);
        let by_parents = chain
            .iter()
            .filter(|c| c.parents.len() == 2 && sides.contains_key(&c.id))
            .map(|c| ((c.parents[0], c.parents[1]), c.id))
            .collect();
        let mut ids: Vec<Oid> = sides.values().flatten().copied().collect();
        ids.sort_unstable();
        ids.dedup();
        history.commits.prefetch(history.repo, &ids)?;
        Ok(ChainReader {
            history,
            sides,
            by_parents,
            edges,
        })
    }
}

impl SideReader for ChainReader<'_> {
    fn side(&self, include: &[Oid], exclude: &[Oid]) -> Result<Vec<Commit>> {
        let known = match (include, exclude) {
            ([p2], [p1]) => self
                .by_parents
                .get(&(*p1, *p2))
                .and_then(|m| self.sides.get(m)),
            _ => None,
        };
        let Some(ids) = known else {
            return self.history.side(include, exclude);
        };
        // The order of a side query: newest generation first, equal ones by id.
        let graph = self.history.graph;
        let mut ids = ids.clone();
        ids.sort_by_key(|id| std::cmp::Reverse((graph.generation_of(id), *id)));
        ids.iter().map(|id| self.history.commit(*id)).collect()
    }
    fn merge_side(&self, merge: &Commit) -> Result<Vec<Commit>> {
        match self.sides.get(&merge.id) {
            Some(ids) => ids.iter().map(|id| self.history.commit(*id)).collect(),
            None => self.history.side(&merge.parents[1..], &merge.parents[..1]),
        }
    }
    /// One pass over the chain answers every squash after which the chain has no gap; the
    /// commits the store lacks are decoded together; the rest are side queries.
    fn squash_sides(&self, squashes: &[(&Commit, Oid)]) -> Result<OidMap<Vec<Commit>>> {
        let heads: OidMap<Oid> = squashes.iter().map(|(c, h)| (c.id, *h)).collect();
        let known = self.history.graph.chain_squash_sides(&self.edges, &heads);
        let mut ids: Vec<Oid> = known.values().flatten().copied().collect();
        ids.sort_unstable();
        ids.dedup();
        self.history.commits.prefetch(self.history.repo, &ids)?;
        squashes
            .iter()
            .map(|(c, head)| {
                let side = match known.get(&c.id) {
                    Some(ids) => ids.iter().map(|id| self.history.commit(*id)).collect(),
                    None => self.history.side(&[*head], &c.parents[..1]),
                };
                Ok((c.id, side?))
            })
            .collect()
    }
}
