//! Discovery: every enabled ecosystem reads the tree of one revision into one [`Workspace`],
//! plus the configured implicit edges and global files; and the cache key over its inputs.

use foldhash::HashSet;
use std::sync::OnceLock;

use super::ecosystems::ECOSYSTEMS;
use super::support::Ctx;
use super::types::{Config, EdgeKind, GlobalPattern, Package, Snapshot};
use super::workspace::Workspace;

/// File names matched by patterns of the ecosystem table, compiled once: the exact names in a
/// hash set, the few with a `*` as prefix and suffix. Discovery asks for every path of a tree,
/// once per manifest change in a history audit.
struct NameSet {
    exact: HashSet<&'static str>,
    wild: Vec<(&'static str, &'static str)>,
}

impl NameSet {
    fn of(patterns: impl Iterator<Item = &'static str>) -> NameSet {
        let mut set = NameSet {
            exact: HashSet::default(),
            wild: Vec::new(),
        };
        for p in patterns {
            match p.split_once('*') {
                None => {
                    set.exact.insert(p);
                }
                Some(w) => set.wild.push(w),
            }
        }
        set
    }

    /// Whether `name` matches one of the patterns (a `*` stands for any run of characters).
    fn contains(&self, name: &str) -> bool {
        self.exact.contains(name)
            || self.wild.iter().any(|(pre, post)| {
                name.len() >= pre.len() + post.len()
                    && name.starts_with(pre)
                    && name.ends_with(post)
            })
    }
}

/// The compiled name sets: presence inputs, discovery inputs, and meaning-level inputs.
fn name_sets() -> &'static [NameSet; 3] {
    static SETS: OnceLock<[NameSet; 3]> = OnceLock::new();
    SETS.get_or_init(|| {
        let presence = || ECOSYSTEMS.iter().flat_map(|d| d.presence.iter().copied());
        let manifests = || ECOSYSTEMS.iter().flat_map(|d| d.manifests.iter().copied());
        let lockfiles = ECOSYSTEMS.iter().flat_map(|d| d.lockfiles.iter().copied());
        [
            NameSet::of(presence()),
            NameSet::of(manifests()),
            NameSet::of(manifests().chain(presence()).chain(lockfiles)),
        ]
    })
}

/// Lockfiles whose presence (not content) feeds discovery: they tell the package manager,
/// which decides whether plain ranges link workspace packages (rule 28).
pub fn is_presence_input(name: &str) -> bool {
    name_sets()[0].contains(name)
}

/// File names that feed discovery; their (path, blob) pairs make the cache key.
pub fn is_discovery_input(name: &str) -> bool {
    name_sets()[1].contains(name)
}

/// Whether the file at `path` is a meaning-level input, by its file name
/// ([`is_semantic_input`]).
pub fn is_semantic_path(path: &[u8]) -> bool {
    let name = path.rsplit(|b| *b == b'/').next().unwrap_or(&[]);
    is_semantic_input(&String::from_utf8_lossy(name))
}

/// File names a meaning-level diff may read at both revisions: the discovery inputs and
/// every ecosystem's lockfiles (and other files diffed by meaning). A change touching none
/// of them can be answered from one tree.
pub fn is_semantic_input(name: &str) -> bool {
    name_sets()[2].contains(name)
}

impl Workspace {
    /// A hash over the discovery inputs of a snapshot (manifest paths and blob ids), so callers
    /// can cache [`discover`] per revision: manifests change rarely (rule 43).
    pub fn cache_key(snap: &dyn Snapshot) -> u64 {
        cache_key(snap)
    }
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
    // Inputs hold every entry the loop feeds, in the same order.
    for e in snap.inputs().unwrap_or(snap.entries()) {
        let name = e.path.rsplit(|b| *b == b'/').next().unwrap_or(&[]);
        let name = String::from_utf8_lossy(name);
        if is_discovery_input(&name) {
            feed(&e.path);
            feed(&[0]);
            feed(&e.blob.0);
            feed(&[e.mode as u8]);
        } else if is_presence_input(&name) {
            feed(&e.path);
            feed(&[1]);
        }
    }
    h
}

/// Finds packages, barriers and edges at one revision. Never fails: malformed manifests,
/// missing members, escaping paths and symlinks become [`Workspace::diagnostics`].
pub fn discover(snap: &dyn Snapshot, cfg: &Config) -> Workspace {
    let mut cx = Ctx::new(snap, cfg);
    for def in ECOSYSTEMS.iter().filter(|d| (d.enabled)(cfg)) {
        (def.discover)(&mut cx);
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
        for def in ECOSYSTEMS {
            let eco = def.ecosystem;
            if (def.enabled)(cfg) && cx.packages.iter().any(|p| p.ecosystem == eco) {
                for g in def.globals {
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
#[path = "discover_tests.rs"]
mod tests;
