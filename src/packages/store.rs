//! The package audit kept between runs (kind `packages` of the on-disk cache): per landed
//! change, keyed by its base and commit, what the audit computed for it (the packages it
//! changed and affected, how many the workspace held, whether everything or a global file
//! was hit); the packages and diagnostics at the trunk's tip, keyed by the tip commit; and
//! the inventory of the newest change's workspace. A re-run over unchanged history lists no
//! tree and parses no manifest; new commits cost only their own changes.
//!
//! The settings key covers the tool version and the `[monorepo]` configuration, so a stored
//! value is the value the run would compute: a commit id names its tree, hence its
//! workspace and its diff against its base.

use crate::cache::{self, Cache};
use crate::model::{ChangePackages, Oid};
use crate::monorepo::{self, Diagnostic, Inventory};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use super::PackageOut;

/// The cache file kind.
const KIND: &str = "packages";

/// Bumped when the payload below changes shape.
const PAYLOAD_VERSION: &[u8] = b"packages-1";

/// A change's base and commit.
pub type ChangeKey = (Option<Oid>, Oid);

/// What the audit keeps of one change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    pub packages: ChangePackages,
    /// Packages of the workspace at the change's commit.
    pub total_packages: usize,
    pub all: bool,
    /// A global file changed.
    pub global: bool,
}

/// The packages at one commit, as the `monorepo` section shows them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TipSummary {
    pub commit: Oid,
    pub packages: Vec<PackageOut>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Everything a run found in the cache (or computed, to be stored).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Known {
    pub changes: HashMap<ChangeKey, Stored>,
    pub tip: Option<TipSummary>,
    /// The newest change and the inventory of its workspace.
    pub newest: Option<(ChangeKey, Inventory)>,
}

/// The settings key: the tool version, the payload shape and the `[monorepo]` table.
pub fn key(cfg: &monorepo::Config) -> u64 {
    let cfg = serde_json::to_vec(cfg).unwrap_or_default();
    cache::settings_key(KIND, &[PAYLOAD_VERSION, &cfg])
}

/// What the cache holds for `cfg`; a file that cannot be trusted is reported and ignored.
pub fn load(cache: &Cache, cfg: &monorepo::Config) -> Known {
    let (known, problem) = load_checked(cache, cfg);
    if let Some(why) = problem {
        cache::warn(&format!("{why}; it is ignored and rebuilt"));
    }
    known
}

/// What the cache holds for `cfg`, and why the file was ignored when it was.
fn load_checked(cache: &Cache, cfg: &monorepo::Config) -> (Known, Option<String>) {
    match cache.load::<Payload>(KIND, key(cfg)) {
        Ok(Some(p)) => match p.known() {
            Ok(k) => (k, None),
            Err(why) => (Known::default(), Some(format!("{KIND} cache: {why}"))),
        },
        Ok(None) => (Known::default(), None),
        Err(why) => (Known::default(), Some(why)),
    }
}

/// Store what is known for `cfg`, replacing the file atomically; a failure only warns.
pub fn store(cache: &Cache, cfg: &monorepo::Config, known: &Known) {
    if let Err(e) = cache.store(KIND, key(cfg), &Payload::of(known)) {
        cache::warn(&format!("{e}; the next run audits these changes again"));
    }
}

/// The file's payload: package directories once in a table, entries naming them by index.
#[derive(Serialize, Deserialize)]
struct Payload {
    paths: Vec<String>,
    changes: Vec<Entry>,
    tip: Option<TipSummary>,
    newest: Option<(Option<[u8; 20]>, [u8; 20], Inventory)>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    base: Option<[u8; 20]>,
    commit: [u8; 20],
    changed: Vec<u32>,
    affected: Vec<u32>,
    total_packages: u64,
    all: bool,
    global: bool,
}

impl Payload {
    fn of(known: &Known) -> Payload {
        let mut paths: Vec<String> = Vec::new();
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut intern = |p: &String, paths: &mut Vec<String>| -> u32 {
            if let Some(i) = index.get(p) {
                return *i;
            }
            let i = u32::try_from(paths.len()).unwrap_or(u32::MAX);
            paths.push(p.clone());
            index.insert(p.clone(), i);
            i
        };
        let mut keys: Vec<&ChangeKey> = known.changes.keys().collect();
        keys.sort_by_key(|(base, commit)| (*commit, *base));
        let mut changes = Vec::with_capacity(keys.len());
        for k in keys {
            let s = &known.changes[k];
            changes.push(Entry {
                base: k.0.map(|b| b.0),
                commit: k.1 .0,
                changed: s
                    .packages
                    .changed
                    .iter()
                    .map(|p| intern(p, &mut paths))
                    .collect(),
                affected: s
                    .packages
                    .affected
                    .iter()
                    .map(|p| intern(p, &mut paths))
                    .collect(),
                total_packages: s.total_packages as u64,
                all: s.all,
                global: s.global,
            });
        }
        Payload {
            paths,
            changes,
            tip: known.tip.clone(),
            newest: known
                .newest
                .clone()
                .map(|((b, c), inv)| (b.map(|b| b.0), c.0, inv)),
        }
    }

    /// The payload as lookups; an index outside the table means a corrupt file.
    fn known(self) -> Result<Known, String> {
        let paths = self.paths;
        let names = |ids: &[u32]| -> Result<Vec<String>, String> {
            ids.iter()
                .map(|i| {
                    paths.get(*i as usize).cloned().ok_or_else(|| {
                        format!("package index {i} outside the table of {}", paths.len())
                    })
                })
                .collect()
        };
        let mut changes = HashMap::with_capacity(self.changes.len());
        for e in self.changes {
            let stored = Stored {
                packages: ChangePackages {
                    changed: names(&e.changed)?,
                    affected: names(&e.affected)?,
                },
                total_packages: usize::try_from(e.total_packages).map_err(|e| e.to_string())?,
                all: e.all,
                global: e.global,
            };
            changes.insert((e.base.map(Oid), Oid(e.commit)), stored);
        }
        Ok(Known {
            changes,
            tip: self.tip,
            newest: self.newest.map(|(b, c, inv)| ((b.map(Oid), Oid(c)), inv)),
        })
    }
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
