//! The discovery context every ecosystem reader fills: the tree of one revision indexed by
//! path, and the packages, edges, barriers and diagnostics found so far.

use foldhash::HashMap;
use std::cell::OnceCell;
use std::collections::BTreeSet;

use std::sync::Arc;

use super::paths;
use crate::monorepo::memo::Json;
use crate::monorepo::types::{
    Config, Diagnostic, Ecosystem, EdgeKind, EntryMode, ExternalEdge, GlobalPattern, Package, Root,
    Snapshot, TreeEntry, MAX_MANIFEST_BYTES,
};

/// The tree of one revision, indexed for discovery, plus everything discovery accumulates.
pub(crate) struct Ctx<'a> {
    snap: &'a dyn Snapshot,
    pub cfg: &'a Config,
    /// Every entry, sorted by path for binary search.
    files: Files<'a>,
    /// Every directory, `""` included: built on first use (few ecosystems ask for it).
    dirs: OnceCell<BTreeSet<&'a str>>,
    /// Paths by file name, each list in path order: every ecosystem asks for its manifests by
    /// name, and one pass over the tree answers them all.
    names: HashMap<&'a str, Vec<&'a str>>,
    pub packages: Vec<Package>,
    /// Index into `packages` by directory and ecosystem (packages are only ever added, through
    /// [`Ctx::add_package`]): a large workspace adds hundreds and links thousands of specs.
    package_index: HashMap<(String, Ecosystem), usize>,
    pub edges: Vec<(usize, usize, EdgeKind)>,
    pub barriers: Vec<String>,
    pub roots: Vec<Root>,
    pub external_edges: Vec<ExternalEdge>,
    pub diags: Vec<Diagnostic>,
    pub globals: Vec<GlobalPattern>,
}

/// The entries of a snapshot in path order: its own list when sorted (as a git tree lists
/// them), else a sorted copy of the UTF-8 ones. A `&str` looked up can only equal a UTF-8 path,
/// and byte order is `str` order, so both answer the same.
enum Files<'a> {
    Sorted(&'a [TreeEntry]),
    Copied(Vec<(&'a str, &'a TreeEntry)>),
}

/// An entry with its path as `&str`, if the path is UTF-8.
fn utf8(e: &TreeEntry) -> Option<(&str, &TreeEntry)> {
    Some((std::str::from_utf8(&e.path).ok()?, e))
}

impl<'a> Files<'a> {
    /// The UTF-8 paths with their entries (non-UTF-8 paths cannot be manifests we parse).
    fn utf8(&self) -> Box<dyn Iterator<Item = (&'a str, &'a TreeEntry)> + '_> {
        match self {
            Files::Sorted(entries) => Box::new(entries.iter().filter_map(utf8)),
            Files::Copied(files) => Box::new(files.iter().copied()),
        }
    }
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(snap: &'a dyn Snapshot, cfg: &'a Config) -> Ctx<'a> {
        // Borrowed from the snapshot: discovery runs once per manifest change in a history
        // audit, and copying every path of a large tree each time showed in its profile.
        let entries = snap.entries();
        let files = if entries.is_sorted_by(|a, b| a.path <= b.path) {
            Files::Sorted(entries)
        } else {
            let mut files: Vec<(&str, &TreeEntry)> = entries.iter().filter_map(utf8).collect();
            files.sort_unstable_by(|a, b| a.0.cmp(b.0));
            Files::Copied(files)
        };
        let mut names: HashMap<&str, Vec<&str>> = HashMap::default();
        let mut add = |p: &'a str| names.entry(paths::basename(p)).or_default().push(p);
        match snap.inputs() {
            // Every name discovery asks for is an input's (tested): the rest of the tree is
            // not indexed by name.
            Some(inputs) => inputs.iter().filter_map(utf8).for_each(|(p, _)| add(p)),
            None => files.utf8().for_each(|(p, _)| add(p)),
        }
        Ctx {
            snap,
            cfg,
            files,
            dirs: OnceCell::new(),
            names,
            packages: Vec::new(),
            package_index: HashMap::default(),
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
        self.names
            .get(name)
            .into_iter()
            .flatten()
            .filter(|p| !paths::has_component(p, "node_modules"))
            .map(|p| p.to_string())
            .collect()
    }

    /// Paths, in path order, of files whose name passes `keep`, skipping `node_modules` as
    /// [`Ctx::named`] does.
    pub(crate) fn named_where(&self, keep: impl Fn(&str) -> bool) -> Vec<String> {
        let mut out = self.paths_named(keep);
        out.retain(|p| !paths::has_component(p, "node_modules"));
        out
    }

    /// Paths, in path order, of every file whose name passes `keep`.
    pub(crate) fn paths_named(&self, keep: impl Fn(&str) -> bool) -> Vec<String> {
        let mut out: Vec<String> = self
            .names
            .iter()
            .filter(|(n, _)| keep(n))
            .flat_map(|(_, ps)| ps.iter().map(|p| p.to_string()))
            .collect();
        out.sort_unstable();
        out
    }

    pub(crate) fn exists(&self, path: &str) -> bool {
        self.entry(path).is_some()
    }

    /// The tree entry at `path`.
    fn entry(&self, path: &str) -> Option<&'a TreeEntry> {
        match &self.files {
            Files::Sorted(entries) => {
                let i = entries
                    .binary_search_by(|e| e.path.as_slice().cmp(path.as_bytes()))
                    .ok()?;
                Some(&entries[i])
            }
            Files::Copied(files) => {
                let i = files.binary_search_by(|(p, _)| (*p).cmp(path)).ok()?;
                Some(files[i].1)
            }
        }
    }

    /// Every directory of the tree, `""` included, in path order.
    pub(crate) fn dirs(&self) -> &BTreeSet<&'a str> {
        self.dirs.get_or_init(|| {
            let mut dirs = BTreeSet::new();
            dirs.insert("");
            for (p, _) in self.files.utf8() {
                let mut d = paths::parent(p);
                while !d.is_empty() && dirs.insert(d) {
                    d = paths::parent(d);
                }
            }
            dirs
        })
    }

    /// A manifest's text: symlinks are not followed, huge files are skipped, a UTF-8 BOM is
    /// stripped (rule 25); every refusal becomes a diagnostic.
    pub(crate) fn read_text(&mut self, path: &str) -> Option<String> {
        let entry = self.entry(path)?;
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

    /// A JSON manifest, parsed: through the snapshot's memo when it has one (each blob
    /// parsed once per run), with the refusals and errors of [`Ctx::read_text`] as
    /// diagnostics.
    pub(crate) fn read_json(&mut self, path: &str) -> Option<Arc<serde_json::Value>> {
        let entry = self.entry(path)?;
        match entry.mode {
            EntryMode::Symlink => {
                self.diag(path, None, "symlinked manifest not followed");
                return None;
            }
            EntryMode::Submodule => return None,
            EntryMode::File | EntryMode::Executable => {}
        }
        let snap = self.snap;
        let blob = entry.blob;
        let parsed = match snap.memo() {
            Some(m) => m.json(blob, || json_of(snap, &blob)),
            None => json_of(snap, &blob),
        };
        match parsed {
            Ok(v) => Some(v),
            Err((line, message)) => {
                self.diag(path, line, message);
                None
            }
        }
    }

    /// Adds a package unless one of the same ecosystem already sits in that directory.
    pub(crate) fn add_package(&mut self, p: Package) -> usize {
        let key = (p.dir.clone(), p.ecosystem);
        if let Some(i) = self.package_index.get(&key) {
            return *i;
        }
        self.packages.push(p);
        self.package_index.insert(key, self.packages.len() - 1);
        self.packages.len() - 1
    }

    pub(crate) fn package_at(&self, dir: &str, eco: Ecosystem) -> Option<usize> {
        self.package_index.get(&(dir.to_owned(), eco)).copied()
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

/// A blob read and parsed as a JSON manifest, or the diagnostic (line, message) it gives.
pub(crate) fn json_of(snap: &dyn Snapshot, blob: &crate::model::Oid) -> Json {
    let bytes = snap
        .read(blob)
        .map_err(|e| (None, format!("cannot read blob: {e}")))?;
    if bytes.len() > MAX_MANIFEST_BYTES {
        return Err((
            None,
            format!(
                "manifest of {} bytes skipped (limit {MAX_MANIFEST_BYTES})",
                bytes.len()
            ),
        ));
    }
    let text = String::from_utf8(bytes)
        .map(strip_bom)
        .map_err(|_| (None, "manifest is not valid UTF-8".to_string()))?;
    serde_json::from_str::<serde_json::Value>(&text)
        .map(Arc::new)
        .map_err(|e| {
            let line = u32::try_from(e.line()).ok().filter(|l| *l > 0);
            (line, format!("invalid JSON: {e}"))
        })
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

/// The strings of a TOML array (other items skipped); empty when the value is missing or
/// not an array.
pub(crate) fn toml_strings(v: Option<&toml::Value>) -> Vec<String> {
    v.and_then(toml::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::Ctx;
    use crate::monorepo::testutil::MemSnap;
    use crate::monorepo::types::{Config, Snapshot, TreeEntry};

    #[test]
    fn files_by_name_come_in_path_order_without_node_modules() {
        let snap = MemSnap::new(&[
            ("z/package.json", "{}"),
            ("package.json", "{}"),
            ("a/b/package.json", "{}"),
            ("node_modules/x/package.json", "{}"),
            ("a/package.json.bak", "{}"),
            ("requirements.txt", ""),
            ("svc/requirements-dev.txt", ""),
            ("docs/requirements.md", ""),
        ]);
        let cfg = Config::default();
        let cx = Ctx::new(&snap, &cfg);
        assert_eq!(
            cx.named("package.json"),
            ["a/b/package.json", "package.json", "z/package.json"]
        );
        assert!(cx.named("pom.xml").is_empty());
        assert_eq!(
            cx.named_where(|n| n.starts_with("requirements") && n.ends_with(".txt")),
            ["requirements.txt", "svc/requirements-dev.txt"]
        );
    }

    /// A snapshot listing its entries out of order.
    struct Shuffled(Vec<TreeEntry>);

    impl Snapshot for Shuffled {
        fn entries(&self) -> &[TreeEntry] {
            &self.0
        }
        fn read(&self, _: &crate::model::Oid) -> anyhow::Result<Vec<u8>> {
            anyhow::bail!("not read")
        }
    }

    #[test]
    fn entries_out_of_order_are_found_as_in_order() {
        let snap = MemSnap::new(&[
            ("a-b/x", ""),
            ("a.b", ""),
            ("a/c", ""),
            ("a/d/e", ""),
            ("b", ""),
        ]);
        let mut reversed = snap.entries().to_vec();
        reversed.reverse();
        let reversed = Shuffled(reversed);
        let cfg = Config::default();
        let (sorted, shuffled) = (Ctx::new(&snap, &cfg), Ctx::new(&reversed, &cfg));
        for p in ["a-b/x", "a.b", "a/c", "a/d/e", "b", "a", "a/d", "c", ""] {
            assert_eq!(sorted.exists(p), shuffled.exists(p), "{p}");
            assert_eq!(
                sorted.exists(p),
                !matches!(p, "a" | "a/d" | "c" | ""),
                "{p}"
            );
        }
        assert_eq!(sorted.dirs(), shuffled.dirs());
        assert_eq!(
            sorted.dirs().iter().copied().collect::<Vec<_>>(),
            ["", "a", "a-b", "a/d"]
        );
    }
}
