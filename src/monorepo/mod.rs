//! Monorepo engine: package discovery, the typed dependency graph, affected packages of a
//! change, graph rendering and the history audit.
//!
//! Everything here works on plain data handed in through [`Snapshot`] (a tree at one revision)
//! and [`ChangedPath`] (a tree diff), so that both revisions of a range are read from git objects
//! and never from a checkout. The rules implemented are numbered as in docs/monorepo.md;
//! comments cite them as "rule N".

mod affected;
mod audit;
mod cargo;
mod go;
mod gradle;
mod graph;
mod lock;
mod maven;
mod npm;
mod paths;
mod python;
mod render;
mod semver;
mod yaml;

#[cfg(test)]
mod testutil;

use std::collections::{BTreeMap, BTreeSet};

use globset::{GlobSet, GlobSetBuilder};
use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use serde::{Deserialize, Serialize};

pub use affected::{
    affected, affected_all, Affected, AffectedOptions, AffectedPackage, ClosureMode,
    RemovedPackage, UnownedMode,
};
pub use audit::{
    audit, audit_with, Audit, AuditOptions, AuditUnit, ChangeInput, ChangeStat, CoChange,
};
pub use render::{render_graph, GraphFormat};

/// A package directory as output shows it: the repository root is `.`, never an empty string
/// (an empty line would break `repohealth affected --paths` in a shell loop).
pub fn shown_dir(dir: &str) -> &str {
    if dir.is_empty() {
        "."
    } else {
        dir
    }
}

/// Manifests above this size are skipped: a generated 50 MiB `package.json` is not a manifest
/// anyone edits, and parsing it would dominate the run.
pub const MAX_MANIFEST_BYTES: usize = 4 << 20;

/// One blob in a tree at a revision. Paths are bytes with '/' separators (may be non-UTF-8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeEntry {
    pub path: Vec<u8>,
    pub blob: [u8; 20],
    pub mode: EntryMode,
}

/// The kind of a non-tree entry; symlinks and submodules are never followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryMode {
    File,
    Executable,
    Symlink,
    Submodule,
}

/// A read-only view of the repository at one revision, implemented by the git module (and by
/// an in-memory map in tests).
pub trait Snapshot {
    /// Every non-tree entry, sorted by path.
    fn entries(&self) -> &[TreeEntry];
    /// Blob content.
    fn read(&self, blob: &[u8; 20]) -> anyhow::Result<Vec<u8>>;
}

/// How a path changed between the two revisions (renames are off: rule 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeStatus {
    Added,
    Modified,
    Deleted,
}

/// One changed path of a tree diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedPath {
    pub path: Vec<u8>,
    pub status: ChangeStatus,
    pub old_blob: Option<[u8; 20]>,
    pub new_blob: Option<[u8; 20]>,
}

/// The package manager family a package was discovered from.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Ecosystem {
    #[default]
    Cargo,
    Npm,
    Go,
    Python,
    Maven,
    Gradle,
}

impl Ecosystem {
    pub const ALL: [Ecosystem; 6] = [
        Ecosystem::Cargo,
        Ecosystem::Npm,
        Ecosystem::Go,
        Ecosystem::Python,
        Ecosystem::Maven,
        Ecosystem::Gradle,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::Cargo => "cargo",
            Ecosystem::Npm => "npm",
            Ecosystem::Go => "go",
            Ecosystem::Python => "python",
            Ecosystem::Maven => "maven",
            Ecosystem::Gradle => "gradle",
        }
    }
}

/// The kind of a dependency edge (rule 10). Edges point from the dependent to the dependency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EdgeKind {
    Normal,
    Build,
    Dev,
    Optional,
    Peer,
}

impl EdgeKind {
    pub const ALL: [EdgeKind; 5] = [
        EdgeKind::Normal,
        EdgeKind::Build,
        EdgeKind::Dev,
        EdgeKind::Optional,
        EdgeKind::Peer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Normal => "normal",
            EdgeKind::Build => "build",
            EdgeKind::Dev => "dev",
            EdgeKind::Optional => "optional",
            EdgeKind::Peer => "peer",
        }
    }
}

/// Index into [`Workspace::packages`]; also the graph node index of that package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct PackageId(pub usize);

/// A discovered package. Its identity is `(ecosystem, dir)`, never its name (rule 7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Package {
    pub name: String,
    /// Directory relative to the repository root, `""` for the root.
    pub dir: String,
    pub ecosystem: Ecosystem,
    /// Path of the manifest the package was read from.
    pub manifest: String,
    pub version: Option<String>,
    /// Directory of the workspace root this package belongs to, when it belongs to one.
    pub root: Option<String>,
    /// Keys inherited from a shared table: Cargo `workspace = true` dependencies (rule 21),
    /// pnpm catalog entries as `catalog:<catalog>:<name>` (rule 29).
    pub inherits: Vec<String>,
    /// Every dependency name the manifest declares, local or not: used to find who reaches an
    /// overridden name (rule 30).
    pub dep_names: Vec<String>,
}

/// A problem met while reading manifests. Discovery never fails; it reports and skips.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub file: String,
    pub line: Option<u32>,
    pub message: String,
}

/// `file:line: message`, as compilers print it.
impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// A glob whose change affects every package (`ecosystem: None`) or every package of one
/// ecosystem (the per-ecosystem defaults, e.g. `rust-toolchain.toml` only matters to Cargo).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GlobalPattern {
    pub glob: String,
    pub ecosystem: Option<Ecosystem>,
}

/// A workspace root whose manifest and lockfiles are diffed by meaning rather than charged
/// to the root package (rules 21, 22, 31, 32, 33, 38).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Root {
    pub ecosystem: Ecosystem,
    pub dir: String,
    pub manifest: String,
    pub lockfiles: Vec<String>,
}

/// A dependency on an in-repo module that the package manager resolves from a registry
/// (Go `require` without `replace` or `use`, rule 37): not an edge, but worth a warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExternalEdge {
    pub from: String,
    pub to: String,
    pub version: String,
}

/// Configuration: the `[monorepo]` table of `repohealth.toml`. Every field has a default.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Extra globs (repository-relative) whose change affects every package.
    pub global: Vec<String>,
    /// Globs whose change affects nothing, on top of README*, LICENSE*, CHANGELOG*, .changeset/*.md.
    pub ignore: Vec<String>,
    /// Edges no manifest shows (rule 30): dependent -> dependencies, each a package path or
    /// name; `"*"` as the dependent means every package.
    pub implicit_dependencies: BTreeMap<String, Vec<String>>,
    /// Whether the per-ecosystem default global files apply (rules 23, 32, 33, 42).
    pub default_globals: bool,
    pub cargo: bool,
    pub npm: bool,
    pub go: bool,
    pub python: bool,
    pub maven: bool,
    pub gradle: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            global: Vec::new(),
            ignore: Vec::new(),
            implicit_dependencies: BTreeMap::new(),
            default_globals: true,
            cargo: true,
            npm: true,
            go: true,
            python: true,
            maven: true,
            gradle: true,
        }
    }
}

impl Config {
    fn enabled(&self, eco: Ecosystem) -> bool {
        match eco {
            Ecosystem::Cargo => self.cargo,
            Ecosystem::Npm => self.npm,
            Ecosystem::Go => self.go,
            Ecosystem::Python => self.python,
            Ecosystem::Maven => self.maven,
            Ecosystem::Gradle => self.gradle,
        }
    }
}

/// Where a changed path is charged (rules 3-5, 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Package(PackageId),
    Ignored,
    /// A global file; `Some(eco)` limits it to one ecosystem's packages.
    Global(Option<Ecosystem>),
    Unowned,
}

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
    global_set: GlobSet,
    user_ignore_set: GlobSet,
    default_ignore_set: GlobSet,
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

fn default_globals(eco: Ecosystem) -> &'static [&'static str] {
    match eco {
        // Rule 23.
        Ecosystem::Cargo => &[
            "rust-toolchain",
            "rust-toolchain.toml",
            ".cargo/config",
            ".cargo/config.toml",
        ],
        // Rule 32 (bun.lockb is binary and cannot be scoped: rule 31).
        Ecosystem::Npm => &[
            "nx.json",
            "turbo.json",
            "turbo.jsonc",
            ".npmrc",
            ".nvmrc",
            "tsconfig.base.json",
            "bun.lockb",
        ],
        // Rule 33.
        Ecosystem::Go => &["go.work", "go.work.sum"],
        Ecosystem::Python => &[".python-version"],
        Ecosystem::Maven => &[".mvn/**"],
        // Rule 42.
        Ecosystem::Gradle => &[
            "buildSrc/**",
            "settings.gradle",
            "settings.gradle.kts",
            "gradle.properties",
            "gradle/libs.versions.toml",
            "gradle/wrapper/gradle-wrapper.properties",
        ],
    }
}

fn globset(patterns: &[String]) -> (GlobSet, Vec<String>) {
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
    (b.build().unwrap_or_else(|_| GlobSet::empty()), bad)
}

impl Workspace {
    fn new(
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

    /// Cycles (strongly connected components of two or more packages) among edges of one kind
    /// (rule 10), each as sorted package directories.
    pub fn cycles(&self, kind: EdgeKind) -> Vec<Vec<String>> {
        graph::cycles(self, kind)
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

    /// A hash over the discovery inputs of a snapshot (manifest paths and blob ids), so callers
    /// can cache [`discover`] per revision: manifests change rarely (rule 43).
    pub fn cache_key(snap: &dyn Snapshot) -> u64 {
        cache_key(snap)
    }
}

/// Lockfiles whose presence (not content) feeds discovery: they tell the package manager,
/// which decides whether plain ranges link workspace packages (rule 28).
pub fn is_presence_input(name: &str) -> bool {
    matches!(
        name,
        "pnpm-lock.yaml" | "yarn.lock" | "bun.lockb" | "bun.lock"
    )
}

/// File names that feed discovery; their (path, blob) pairs make the cache key.
pub fn is_discovery_input(name: &str) -> bool {
    matches!(
        name,
        "Cargo.toml"
            | "package.json"
            | "pnpm-workspace.yaml"
            | ".npmrc"
            | "go.mod"
            | "go.work"
            | "pyproject.toml"
            | "setup.py"
            | "setup.cfg"
            | "pom.xml"
            | "settings.gradle"
            | "settings.gradle.kts"
            | "build.gradle"
            | "build.gradle.kts"
    ) || (name.starts_with("requirements") && name.ends_with(".txt"))
}

/// See [`Workspace::cache_key`]. FNV-1a: stable across runs and platforms, unlike
/// `DefaultHasher`. Lockfiles count by presence only, so a lockfile-only change reuses the
/// cached workspace. Not covered: directories without manifests (a member glob matching a new
/// empty directory only changes a diagnostic) and `-r` includes not named `requirements*.txt`.
pub fn cache_key(snap: &dyn Snapshot) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for e in snap.entries() {
        let name = e.path.rsplit(|b| *b == b'/').next().unwrap_or(&[]);
        let name = String::from_utf8_lossy(name);
        if is_discovery_input(&name) {
            feed(&e.path);
            feed(&[0]);
            feed(&e.blob);
            feed(&[e.mode as u8]);
        } else if is_presence_input(&name) {
            feed(&e.path);
            feed(&[1]);
        }
    }
    h
}

/// The tree of one revision, indexed for discovery, plus everything discovery accumulates.
pub(crate) struct Ctx<'a> {
    snap: &'a dyn Snapshot,
    pub cfg: &'a Config,
    /// UTF-8 paths of every entry (non-UTF-8 paths cannot be manifests we parse).
    pub files: BTreeMap<String, &'a TreeEntry>,
    /// Every directory, `""` included.
    pub dirs: BTreeSet<String>,
    pub packages: Vec<Package>,
    pub edges: Vec<(usize, usize, EdgeKind)>,
    pub barriers: Vec<String>,
    pub roots: Vec<Root>,
    pub external_edges: Vec<ExternalEdge>,
    pub diags: Vec<Diagnostic>,
    pub globals: Vec<GlobalPattern>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(snap: &'a dyn Snapshot, cfg: &'a Config) -> Ctx<'a> {
        let mut files = BTreeMap::new();
        let mut dirs = BTreeSet::new();
        dirs.insert(String::new());
        for e in snap.entries() {
            let Ok(p) = std::str::from_utf8(&e.path) else {
                continue;
            };
            let mut d = paths::parent(p);
            while !d.is_empty() && dirs.insert(d.to_string()) {
                d = paths::parent(d);
            }
            files.insert(p.to_string(), e);
        }
        Ctx {
            snap,
            cfg,
            files,
            dirs,
            packages: Vec::new(),
            edges: Vec::new(),
            barriers: Vec::new(),
            roots: Vec::new(),
            external_edges: Vec::new(),
            diags: Vec::new(),
            globals: Vec::new(),
        }
    }

    pub(crate) fn diag(&mut self, file: &str, line: Option<u32>, message: impl Into<String>) {
        self.diags.push(Diagnostic {
            file: file.to_string(),
            line,
            message: message.into(),
        });
    }

    /// Paths of files named `name`, skipping `node_modules` (fixture manifests are committed
    /// there in real repositories, rule 24).
    pub(crate) fn named(&self, name: &str) -> Vec<String> {
        self.files
            .keys()
            .filter(|p| paths::basename(p) == name && !paths::has_component(p, "node_modules"))
            .cloned()
            .collect()
    }

    pub(crate) fn exists(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// A manifest's text: symlinks are not followed, huge files are skipped, a UTF-8 BOM is
    /// stripped (rule 25); every refusal becomes a diagnostic.
    pub(crate) fn read_text(&mut self, path: &str) -> Option<String> {
        let entry = *self.files.get(path)?;
        match entry.mode {
            EntryMode::Symlink => {
                self.diag(path, None, "symlinked manifest not followed");
                return None;
            }
            EntryMode::Submodule => return None,
            EntryMode::File | EntryMode::Executable => {}
        }
        let bytes = match self.snap.read(&entry.blob) {
            Ok(b) => b,
            Err(e) => {
                self.diag(path, None, format!("cannot read blob: {e}"));
                return None;
            }
        };
        if bytes.len() > MAX_MANIFEST_BYTES {
            self.diag(
                path,
                None,
                format!(
                    "manifest of {} bytes skipped (limit {MAX_MANIFEST_BYTES})",
                    bytes.len()
                ),
            );
            return None;
        }
        match String::from_utf8(bytes) {
            Ok(s) => Some(strip_bom(s)),
            Err(_) => {
                self.diag(path, None, "manifest is not valid UTF-8");
                None
            }
        }
    }

    /// Adds a package unless one of the same ecosystem already sits in that directory.
    pub(crate) fn add_package(&mut self, p: Package) -> usize {
        if let Some(i) = self
            .packages
            .iter()
            .position(|q| q.dir == p.dir && q.ecosystem == p.ecosystem)
        {
            return i;
        }
        self.packages.push(p);
        self.packages.len() - 1
    }

    pub(crate) fn package_at(&self, dir: &str, eco: Ecosystem) -> Option<usize> {
        self.packages
            .iter()
            .position(|p| p.dir == dir && p.ecosystem == eco)
    }

    pub(crate) fn edge(&mut self, from: usize, to: usize, kind: EdgeKind) {
        self.edges.push((from, to, kind));
    }

    pub(crate) fn barrier(&mut self, dir: &str) {
        if !self.barriers.iter().any(|b| b == dir) {
            self.barriers.push(dir.to_string());
        }
    }
}

pub(crate) fn strip_bom(s: String) -> String {
    match s.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => s,
    }
}

/// 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> u32 {
    let end = offset.min(text.len());
    let n = text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count();
    u32::try_from(n + 1).unwrap_or(u32::MAX)
}

/// Parses TOML, turning an error into a diagnostic with the line.
pub(crate) fn parse_toml(cx: &mut Ctx, path: &str, text: &str) -> Option<toml::Table> {
    match text.parse::<toml::Table>() {
        Ok(t) => Some(t),
        Err(e) => {
            let line = e.span().map(|s| line_of(text, s.start));
            let msg = e.message().to_string();
            cx.diag(path, line, format!("invalid TOML: {msg}"));
            None
        }
    }
}

/// Finds packages, barriers and edges at one revision. Never fails: malformed manifests,
/// missing members, escaping paths and symlinks become [`Workspace::diagnostics`].
pub fn discover(snap: &dyn Snapshot, cfg: &Config) -> Workspace {
    let mut cx = Ctx::new(snap, cfg);
    if cfg.cargo {
        cargo::discover(&mut cx);
    }
    if cfg.npm {
        npm::discover(&mut cx);
    }
    if cfg.go {
        go::discover(&mut cx);
    }
    if cfg.python {
        python::discover(&mut cx);
    }
    if cfg.maven {
        maven::discover(&mut cx);
    }
    if cfg.gradle {
        gradle::discover(&mut cx);
    }
    implicit_edges(&mut cx);

    let mut globals: Vec<GlobalPattern> = cfg
        .global
        .iter()
        .map(|g| GlobalPattern {
            glob: g.clone(),
            ecosystem: None,
        })
        .collect();
    if cfg.default_globals {
        for eco in Ecosystem::ALL {
            if cfg.enabled(eco) && cx.packages.iter().any(|p| p.ecosystem == eco) {
                for g in default_globals(eco) {
                    globals.push(GlobalPattern {
                        glob: g.to_string(),
                        ecosystem: Some(eco),
                    });
                }
            }
        }
    }
    globals.append(&mut cx.globals);
    // Barriers that coincide with a package directory are not barriers.
    let barriers: Vec<String> = cx
        .barriers
        .iter()
        .filter(|b| !cx.packages.iter().any(|p| &p.dir == *b))
        .cloned()
        .collect();
    let mut ws = Workspace::new(
        std::mem::take(&mut cx.packages),
        std::mem::take(&mut cx.edges),
        globals,
        cfg.ignore.clone(),
        std::mem::take(&mut cx.diags),
    );
    ws.barriers = barriers;
    ws.barriers.sort();
    ws.reindex();
    ws.roots = std::mem::take(&mut cx.roots);
    ws.external_edges = std::mem::take(&mut cx.external_edges);
    ws
}

/// Configured edges that no manifest shows (rule 30): hoisted root devDependencies, overrides
/// pointing at workspace packages, code generators, ...
fn implicit_edges(cx: &mut Ctx) {
    let find = |pkgs: &[Package], key: &str| -> Vec<usize> {
        if key == "*" {
            return (0..pkgs.len()).collect();
        }
        let by_dir: Vec<usize> = (0..pkgs.len())
            .filter(|i| pkgs[*i].dir == key.trim_matches('/'))
            .collect();
        if !by_dir.is_empty() {
            return by_dir;
        }
        (0..pkgs.len()).filter(|i| pkgs[*i].name == key).collect()
    };
    let mut new = Vec::new();
    for (from, tos) in cx.cfg.implicit_dependencies.iter() {
        let froms = find(&cx.packages, from);
        if froms.is_empty() {
            new.push(Err(format!("implicit_dependencies: no package {from:?}")));
        }
        for to in tos {
            let targets = find(&cx.packages, to);
            if targets.is_empty() {
                new.push(Err(format!("implicit_dependencies: no package {to:?}")));
            }
            for f in &froms {
                for t in &targets {
                    new.push(Ok((*f, *t)));
                }
            }
        }
    }
    for n in new {
        match n {
            Ok((f, t)) => cx.edge(f, t, EdgeKind::Normal),
            Err(m) => cx.diag("repohealth.toml", None, m),
        }
    }
}

#[cfg(test)]
mod tests;
