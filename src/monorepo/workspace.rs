//! [`Workspace`]: the packages of one revision, the typed graph between them, and who owns a
//! changed path (rules 3-5, 9).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use globset::{GlobSet, GlobSetBuilder};
use petgraph::stable_graph::{NodeIndex, StableDiGraph};

use super::support::paths;
use super::types::{
    Diagnostic, EdgeKind, ExternalEdge, GlobalPattern, Owner, Package, PackageId, Root,
};

/// The packages of one revision and the typed graph between them.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub packages: Vec<Package>,
    /// Node `i` holds `PackageId(i)`; edges go from dependent to dependency.
    pub graph: StableDiGraph<PackageId, EdgeKind>,
    /// Directories whose files are never charged to an enclosing package (rule 4).
    pub barriers: Vec<String>,
    pub globals: Vec<GlobalPattern>,
    pub ignores: Vec<String>,
    pub roots: Vec<Root>,
    pub external_edges: Vec<ExternalEdge>,
    pub diagnostics: Vec<Diagnostic>,
    global_set: Arc<GlobSet>,
    user_ignore_set: Arc<GlobSet>,
    default_ignore_set: Arc<GlobSet>,
    /// Non-root package and barrier directories: `Some(first package)` or `None` (barrier).
    dir_index: BTreeMap<Vec<u8>, Option<PackageId>>,
}

/// Files outside packages that never affect a build (rule 9).
const DEFAULT_IGNORES: &[&str] = &[
    "README*",
    "**/README*",
    "LICENSE*",
    "**/LICENSE*",
    "CHANGELOG*",
    "**/CHANGELOG*",
    ".changeset/*.md",
];

/// A compiled set and the diagnostics of the patterns that do not compile.
type Compiled = (Arc<GlobSet>, Vec<String>);

fn globset(patterns: &[String]) -> Compiled {
    // A history audit builds a workspace at every manifest change, nearly always from the
    // same few pattern lists: each list is compiled once per thread.
    const KEEP: usize = 64;
    thread_local! {
        static COMPILED: RefCell<foldhash::HashMap<Vec<String>, Compiled>> =
            RefCell::new(foldhash::HashMap::default());
    }
    super::support::thread_memo(&COMPILED, patterns, KEEP, || compile(patterns))
}

fn compile(patterns: &[String]) -> Compiled {
    let mut b = GlobSetBuilder::new();
    let mut bad = Vec::new();
    for p in patterns {
        match paths::glob_raw(p) {
            Ok(g) => {
                b.add(g);
            }
            Err(e) => bad.push(format!("invalid glob {p:?}: {e}")),
        }
    }
    (
        Arc::new(b.build().unwrap_or_else(|_| GlobSet::empty())),
        bad,
    )
}

impl Workspace {
    pub(crate) fn new(
        packages: Vec<Package>,
        edges: Vec<(usize, usize, EdgeKind)>,
        mut globals: Vec<GlobalPattern>,
        ignores: Vec<String>,
        mut diagnostics: Vec<Diagnostic>,
    ) -> Workspace {
        let mut graph = StableDiGraph::new();
        for i in 0..packages.len() {
            graph.add_node(PackageId(i));
        }
        let mut seen = BTreeSet::new();
        for (from, to, kind) in edges {
            // Rule 10: crates that dev-depend on themselves exist; a self-loop says nothing.
            if from == to || from >= packages.len() || to >= packages.len() {
                continue;
            }
            if seen.insert((from, to, kind)) {
                graph.add_edge(NodeIndex::new(from), NodeIndex::new(to), kind);
            }
        }
        globals.sort_by(|a, b| a.glob.cmp(&b.glob));
        globals.dedup();
        let (global_set, bad1) =
            globset(&globals.iter().map(|g| g.glob.clone()).collect::<Vec<_>>());
        let (user_ignore_set, bad2) = globset(&ignores);
        let (default_ignore_set, _) = globset(
            &DEFAULT_IGNORES
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>(),
        );
        for m in bad1.into_iter().chain(bad2) {
            diagnostics.push(Diagnostic {
                file: "repohealth.toml".into(),
                line: None,
                message: m,
            });
        }
        Workspace {
            packages,
            graph,
            barriers: Vec::new(),
            globals,
            ignores,
            roots: Vec::new(),
            external_edges: Vec::new(),
            diagnostics,
            global_set,
            user_ignore_set,
            default_ignore_set,
            dir_index: BTreeMap::new(),
        }
    }

    /// Rebuilds the directory index behind [`Workspace::owner`]; call it after editing
    /// `packages` or `barriers` by hand.
    pub fn reindex(&mut self) {
        let mut index = BTreeMap::new();
        for b in &self.barriers {
            if !b.is_empty() {
                index.insert(b.as_bytes().to_vec(), None);
            }
        }
        // A package wins over a barrier in the same directory (another ecosystem's manifest).
        for (i, p) in self.packages.iter().enumerate().rev() {
            if !p.dir.is_empty() {
                index.insert(p.dir.as_bytes().to_vec(), Some(PackageId(i)));
            }
        }
        self.dir_index = index;
    }

    /// The package with this id.
    pub fn package(&self, id: PackageId) -> Option<&Package> {
        self.packages.get(id.0)
    }

    /// Every package whose directory is exactly `dir` (a directory may hold, say, both a
    /// `Cargo.toml` and a `package.json`).
    pub fn packages_at(&self, dir: &str) -> Vec<PackageId> {
        self.packages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.dir == dir)
            .map(|(i, _)| PackageId(i))
            .collect()
    }

    /// Edges as `(dependent, dependency, kind)`.
    pub fn edges(&self) -> Vec<(PackageId, PackageId, EdgeKind)> {
        let mut out: Vec<_> = self
            .graph
            .edge_indices()
            .filter_map(|e| {
                let (a, b) = self.graph.edge_endpoints(e)?;
                Some((self.graph[a], self.graph[b], *self.graph.edge_weight(e)?))
            })
            .collect();
        out.sort();
        out
    }

    /// Who a path is charged to (rules 3-5, 9).
    ///
    /// Order: user ignore globs, global globs, the deepest package or barrier by path
    /// component (a barrier's files are unowned), the default ignore names, the root package,
    /// and finally unowned.
    pub fn owner(&self, path: &[u8]) -> Owner {
        let text = String::from_utf8_lossy(path);
        if self.user_ignore_set.is_match(text.as_ref()) {
            return Owner::Ignored;
        }
        let hits = self.global_set.matches(text.as_ref());
        if !hits.is_empty() {
            // A pattern without an ecosystem wins over scoped ones.
            let mut scope = None;
            let mut all = false;
            for i in hits {
                match self.globals.get(i).and_then(|g| g.ecosystem) {
                    None => all = true,
                    Some(e) => scope = Some(e),
                }
            }
            return Owner::Global(if all { None } else { scope });
        }
        // Walk up from the path itself: the first directory holding a package or a barrier
        // is the deepest one (rule 3). The root is handled last (rule 5).
        let mut end = path.len();
        while end > 0 {
            match self.dir_index.get(&path[..end]) {
                Some(Some(id)) => return Owner::Package(*id),
                Some(None) => return Owner::Unowned,
                None => {}
            }
            end = path[..end].iter().rposition(|b| *b == b'/').unwrap_or(0);
        }
        if self.default_ignore_set.is_match(text.as_ref()) {
            return Owner::Ignored;
        }
        if let Some(i) = self.packages.iter().position(|p| p.dir.is_empty()) {
            return Owner::Package(PackageId(i));
        }
        Owner::Unowned
    }
}
