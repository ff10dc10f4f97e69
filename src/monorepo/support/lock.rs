//! Lockfiles as resolved graphs, diffed per member (rules 22, 31, 38).
//!
//! A lockfile edit is charged only to the members whose closure reaches what changed: the
//! most common complaint about affected-target tools is "I touched the lockfile and CI rebuilt
//! everything". Every format (Cargo.lock, pnpm-lock.yaml, uv.lock) is turned into a
//! [`LockGraph`]; the diff is the same for all.

use std::collections::{BTreeMap, VecDeque};

use foldhash::{HashMap, HashSet};
use std::sync::Arc;

/// One resolved entry. Members stop closures and are keyed by name or directory only, so a
/// member's version bump does not count (rule 22).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LockNode {
    pub name: String,
    pub version: String,
    /// What must stay equal, besides the dependency keys, for the entry to count as
    /// unchanged: version, source, checksum or integrity. Never metadata such as
    /// `deprecated:` (rule 31).
    pub fp: String,
    pub deps: Vec<String>,
    pub member: bool,
}

/// Entries by key. Keys and nodes are shared: a large lockfile changes by a few entries per
/// version, and a reader that parses entry by entry (pnpm) builds each version's graph from
/// nodes it already holds, without copying one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LockGraph {
    pub nodes: BTreeMap<Arc<str>, Arc<LockNode>>,
}

impl LockGraph {
    /// Adds (or replaces) the entry `key`.
    pub fn insert(&mut self, key: impl Into<Arc<str>>, node: LockNode) {
        self.nodes.insert(key.into(), Arc::new(node));
    }

    /// The entry `key`, to change in place (copied first if another graph shares it).
    pub fn get_mut(&mut self, key: &str) -> Option<&mut LockNode> {
        self.nodes.get_mut(key).map(Arc::make_mut)
    }
}

/// A lockfile on one side of a change, as a meaning-level diff reads it.
#[derive(Debug, Clone)]
pub enum LockSide {
    /// Absent, or unreadable (a symlink, too large, not UTF-8, a missing object).
    Missing,
    Unparsable,
    Graph(Arc<LockGraph>),
}

/// Parse a lockfile through a small per-thread memo keyed by its format and text. Walking
/// history, each version of a lockfile is the head of one change and the base of the next,
/// and large lockfiles (a 20,000-line pnpm-lock.yaml) dominate the audit when parsed twice.
pub fn memo_parse(
    format: &'static str,
    text: &str,
    parse: impl FnOnce(&str) -> Option<LockGraph>,
) -> Option<Arc<LockGraph>> {
    use std::cell::RefCell;
    const KEEP: usize = 4;
    /// (format, text hash, text length, parsed graph)
    type Entry = (&'static str, u64, usize, Arc<LockGraph>);
    thread_local! {
        static MEMO: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
    }
    // FNV-1a over the text: stable and fast; the length guards against the rare collision.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let hit = MEMO.with(|m| {
        m.borrow()
            .iter()
            .find(|(f, k, len, _)| *f == format && *k == h && *len == text.len())
            .map(|(_, _, _, g)| Arc::clone(g))
    });
    if hit.is_some() {
        return hit;
    }
    let graph = Arc::new(parse(text)?);
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= KEEP {
            m.remove(0);
        }
        m.push((format, h, text.len(), Arc::clone(&graph)));
    });
    Some(graph)
}

/// Members of `head` (by key) whose closure changed, with a reason such as
/// `lockfile: serde 1.0.1 -> 1.0.2`.
pub fn scoped_diff(base: &LockGraph, head: &LockGraph) -> Vec<(String, String)> {
    let reaching = reaching_changes(base, head);
    // Every node on a path to a changed entry reaches it, so a walk that only follows the
    // entries of `reaching` meets them in the order the walk of the whole closure would, and
    // finds the same first reason. Many members share a changed entry: each is described once.
    let reaches = |d: &&String| reaching.contains(d.as_str());
    let mut described: HashMap<&str, String> = HashMap::default();
    let mut out = Vec::new();
    for (key, node) in &head.nodes {
        if !node.member {
            continue;
        }
        let mut reason = None;
        let mut carrier = None;
        let mut seen = HashSet::default();
        let mut queue: VecDeque<&String> = node.deps.iter().filter(reaches).collect();
        while let Some(k) = queue.pop_front() {
            if !seen.insert(k.as_str()) {
                continue;
            }
            let Some(n) = head.nodes.get(k.as_str()) else {
                continue;
            };
            if n.member {
                continue;
            }
            match base.nodes.get(k.as_str()) {
                Some(b) if b.fp == n.fp => {
                    // Only its dependency list changed: keep looking for the change itself.
                    if !same_deps(b, n) && carrier.is_none() {
                        carrier = Some(format!(
                            "lockfile: dependencies of {} {} changed",
                            n.name, n.version
                        ));
                    }
                }
                _ => {
                    let d = described
                        .entry(k.as_str())
                        .or_insert_with(|| describe(base, k, n));
                    reason = Some(d.clone());
                    break;
                }
            }
            queue.extend(n.deps.iter().filter(reaches));
        }
        if reason.is_none() {
            reason = carrier;
        }
        if reason.is_none() {
            if let Some(b) = base.nodes.get(key) {
                if !same_deps(b, node) {
                    reason = Some(format!("lockfile: dependencies of {} changed", node.name));
                }
            }
        }
        if let Some(r) = reason {
            out.push((key.to_string(), r));
        }
    }
    out
}

/// The entries of `head` (members aside) from which a changed entry can be reached without
/// passing a member, the changed ones included. Changed: new, another fingerprint, or other
/// dependencies than in `base`; exactly what the closure walk of [`scoped_diff`] reports.
fn reaching_changes<'a>(base: &LockGraph, head: &'a LockGraph) -> HashSet<&'a str> {
    let mut dependents: HashMap<&str, Vec<&str>> = HashMap::default();
    let mut reaching = HashSet::default();
    let mut stack = Vec::new();
    // Both maps are sorted by key: one merged pass pairs each head entry with its base entry.
    let mut olds = base.nodes.iter().peekable();
    for (k, n) in &head.nodes {
        let k: &str = k;
        while olds.next_if(|(b, _)| &***b < k).is_some() {}
        let old = olds.next_if(|(b, _)| &***b == k).map(|(_, b)| b);
        if n.member {
            continue;
        }
        for d in &n.deps {
            dependents.entry(d.as_str()).or_default().push(k);
        }
        // A node both graphs share (the same entry text, parsed once) is unchanged.
        let changed = match old {
            None => true,
            Some(b) => !Arc::ptr_eq(b, n) && (b.fp != n.fp || !same_deps(b, n)),
        };
        if changed && reaching.insert(k) {
            stack.push(k);
        }
    }
    while let Some(k) = stack.pop() {
        for &d in dependents.get(k).map_or(&[][..], Vec::as_slice) {
            if reaching.insert(d) {
                stack.push(d);
            }
        }
    }
    reaching
}

/// Whether two entries have the same dependencies, in any order.
fn same_deps(a: &LockNode, b: &LockNode) -> bool {
    if a.deps.len() != b.deps.len() {
        return false;
    }
    if a.deps == b.deps {
        return true;
    }
    let mut x: Vec<&String> = a.deps.iter().collect();
    let mut y: Vec<&String> = b.deps.iter().collect();
    x.sort();
    y.sort();
    x == y
}

fn describe(base: &LockGraph, key: &str, n: &LockNode) -> String {
    if base.nodes.contains_key(key) {
        return format!("lockfile: {} {} changed", n.name, n.version);
    }
    let old: Vec<&str> = base
        .nodes
        .values()
        .filter(|b| !b.member && b.name == n.name && b.version != n.version)
        .map(|b| b.version.as_str())
        .collect();
    match old.as_slice() {
        [v] => format!("lockfile: {} {} -> {}", n.name, v, n.version),
        _ => format!("lockfile: {} {} added", n.name, n.version),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, v: &str, deps: &[&str], member: bool) -> LockNode {
        LockNode {
            name: name.into(),
            version: v.into(),
            fp: v.to_string(),
            deps: deps.iter().map(|s| s.to_string()).collect(),
            member,
        }
    }

    #[test]
    fn closure_stops_at_members() {
        let mut base = LockGraph::default();
        base.insert("a", node("a", "0", &["b", "x 1"], true));
        base.insert("b", node("b", "0", &["y 1"], true));
        base.insert("x 1", node("x", "1", &[], false));
        base.insert("y 1", node("y", "1", &[], false));
        let mut head = base.clone();
        head.nodes.remove("y 1");
        head.insert("y 2", node("y", "2", &[], false));
        head.insert("b", node("b", "0", &["y 2"], true));
        let d = scoped_diff(&base, &head);
        assert_eq!(d, vec![("b".to_string(), "lockfile: y 1 -> 2".to_string())]);
    }

    /// The closure walk of every member, without the shortcut: the definition.
    fn walk_every_member(base: &LockGraph, head: &LockGraph) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (key, node) in head.nodes.iter().filter(|(_, n)| n.member) {
            let (mut reason, mut carrier) = (None, None);
            let mut seen = HashSet::default();
            let mut queue: VecDeque<&String> = node.deps.iter().collect();
            while let Some(k) = queue.pop_front() {
                if !seen.insert(k.as_str()) {
                    continue;
                }
                let Some(n) = head.nodes.get(k.as_str()).filter(|n| !n.member) else {
                    continue;
                };
                match base.nodes.get(k.as_str()) {
                    Some(b) if b.fp == n.fp => {
                        if !same_deps(b, n) && carrier.is_none() {
                            carrier = Some(format!(
                                "lockfile: dependencies of {} {} changed",
                                n.name, n.version
                            ));
                        }
                    }
                    _ => {
                        reason = Some(describe(base, k, n));
                        break;
                    }
                }
                queue.extend(n.deps.iter());
            }
            let own = base
                .nodes
                .get(key)
                .filter(|b| !same_deps(b, node))
                .map(|_| format!("lockfile: dependencies of {} changed", node.name));
            if let Some(r) = reason.or(carrier).or(own) {
                out.push((key.to_string(), r));
            }
        }
        out
    }

    /// A random graph of `n` entries (the first three members), each with dependencies.
    fn graph_of(deps: &[Vec<usize>], fps: &[u8]) -> LockGraph {
        let mut g = LockGraph::default();
        for (i, d) in deps.iter().enumerate() {
            let names: Vec<String> = d.iter().map(|j| format!("k{j}")).collect();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let v = fps[i].to_string();
            g.insert(
                format!("k{i}"),
                node(&format!("p{}", i % 5), &v, &names, i < 3),
            );
        }
        g
    }

    proptest::proptest! {
        #![proptest_config(crate::fuzzing::config())]
        /// Skipping the members whose dependencies reach no changed entry changes no answer.
        #[test]
        fn the_shortcut_answers_as_the_walk_of_every_member(
            deps in proptest::collection::vec(proptest::collection::vec(0usize..12, 0..4), 12),
            fps in proptest::collection::vec(0u8..3, 12),
            edits in proptest::collection::vec((0usize..12, 0u8..4, 0usize..12), 0..4),
        ) {
            let head = graph_of(&deps, &fps);
            let mut base = head.clone();
            for (i, what, j) in edits {
                let k = format!("k{i}");
                match what {
                    0 => {
                        base.nodes.remove(k.as_str());
                    }
                    1 => {
                        if let Some(n) = base.get_mut(&k) {
                            n.fp.push('*');
                        }
                    }
                    2 => {
                        if let Some(n) = base.get_mut(&k) {
                            n.deps.push(format!("k{j}"));
                        }
                    }
                    _ => {
                        if let Some(n) = base.get_mut(&k) {
                            n.deps.clear();
                        }
                    }
                }
            }
            proptest::prop_assert_eq!(scoped_diff(&base, &head), walk_every_member(&base, &head));
        }
    }
}
