//! In-memory snapshots for tests.

use std::collections::BTreeMap;

use super::*;
use crate::model::Oid;

/// A tree at one revision held in memory; blob ids are a simple (non-crypto) hash of content.
pub struct MemSnap {
    entries: Vec<TreeEntry>,
    blobs: BTreeMap<Oid, Vec<u8>>,
}

pub fn blob_id(content: &[u8]) -> Oid {
    let mut out = [0u8; 20];
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, slot) in out.iter_mut().enumerate() {
        for b in content.iter().chain([i as u8].iter()) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        *slot = (h >> 24) as u8;
    }
    Oid(out)
}

impl MemSnap {
    pub fn new(files: &[(&str, &str)]) -> MemSnap {
        let mut entries = Vec::new();
        let mut blobs = BTreeMap::new();
        for (p, c) in files {
            let id = blob_id(c.as_bytes());
            blobs.insert(id, c.as_bytes().to_vec());
            entries.push(TreeEntry {
                path: p.as_bytes().to_vec(),
                blob: id,
                mode: EntryMode::File,
            });
        }
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        MemSnap { entries, blobs }
    }

    pub fn with_entry(mut self, path: &[u8], content: &[u8], mode: EntryMode) -> MemSnap {
        let id = blob_id(content);
        self.blobs.insert(id, content.to_vec());
        self.entries.push(TreeEntry {
            path: path.to_vec(),
            blob: id,
            mode,
        });
        self.entries.sort_by(|a, b| a.path.cmp(&b.path));
        self
    }

    /// The tree diff from `self` to `head` (renames off), like the git module produces.
    pub fn diff(&self, head: &MemSnap) -> Vec<ChangedPath> {
        let a: BTreeMap<&[u8], Oid> = self
            .entries
            .iter()
            .map(|e| (e.path.as_slice(), e.blob))
            .collect();
        let b: BTreeMap<&[u8], Oid> = head
            .entries
            .iter()
            .map(|e| (e.path.as_slice(), e.blob))
            .collect();
        let mut out = Vec::new();
        for (p, old) in &a {
            match b.get(p) {
                None => out.push(ChangedPath {
                    path: p.to_vec(),
                    status: ChangeStatus::Deleted,
                    old_blob: Some(*old),
                    new_blob: None,
                }),
                Some(new) if new != old => out.push(ChangedPath {
                    path: p.to_vec(),
                    status: ChangeStatus::Modified,
                    old_blob: Some(*old),
                    new_blob: Some(*new),
                }),
                Some(_) => {}
            }
        }
        for (p, new) in &b {
            if !a.contains_key(p) {
                out.push(ChangedPath {
                    path: p.to_vec(),
                    status: ChangeStatus::Added,
                    old_blob: None,
                    new_blob: Some(*new),
                });
            }
        }
        out
    }
}

impl Snapshot for MemSnap {
    fn entries(&self) -> &[TreeEntry] {
        &self.entries
    }

    fn read(&self, blob: &Oid) -> anyhow::Result<Vec<u8>> {
        self.blobs
            .get(blob)
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("missing blob"))
    }
}

/// Base and head trees: `head` is `base` with `edits` applied (`None` deletes).
pub fn revise(base: &[(&str, &str)], edits: &[(&str, Option<&str>)]) -> (MemSnap, MemSnap) {
    let mut m: BTreeMap<&str, &str> = base.iter().copied().collect();
    for (p, c) in edits {
        match c {
            Some(c) => {
                m.insert(p, c);
            }
            None => {
                m.remove(p);
            }
        }
    }
    let head: Vec<(&str, &str)> = m.into_iter().collect();
    (MemSnap::new(base), MemSnap::new(&head))
}

/// Runs discovery on both trees and `affected` on their diff.
pub fn run(base: &MemSnap, head: &MemSnap, opts: &AffectedOptions) -> Affected {
    let cfg = Config::default();
    let b = discover(base, &cfg);
    let h = discover(head, &cfg);
    affected(&b, &h, &base.diff(head), base, head, opts)
}

/// `(path, reason)` pairs of a result list.
pub fn pr(list: &[AffectedPackage]) -> Vec<(String, String)> {
    list.iter()
        .map(|a| (a.path.clone(), a.reason.clone()))
        .collect()
}

pub fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// Package directories of a workspace.
pub fn dirs(ws: &Workspace) -> Vec<String> {
    let mut d: Vec<String> = ws.packages.iter().map(|p| p.dir.clone()).collect();
    d.sort();
    d
}

/// Edges as `(from dir, to dir, kind)`.
pub fn edges(ws: &Workspace) -> Vec<(String, String, EdgeKind)> {
    let mut e: Vec<_> = ws
        .edges()
        .into_iter()
        .filter_map(|(a, b, k)| Some((ws.package(a)?.dir.clone(), ws.package(b)?.dir.clone(), k)))
        .collect();
    e.sort();
    e
}

// ---------------------------------------------------------------- manifests used by several test modules

pub fn opts() -> AffectedOptions {
    AffectedOptions::default()
}

pub fn krate(name: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\n")
}

pub fn krate_deps(name: &str, deps: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\n\n{deps}\n")
}

pub const WS: &str = "[workspace]\nmembers = [\"crates/*\"]\n";

pub const NPM_ROOT: &str =
    "{\"name\": \"root\", \"private\": true, \"workspaces\": [\"packages/*\"]}";

pub fn pom(body: &str) -> String {
    format!("<?xml version=\"1.0\"?>\n<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n<modelVersion>4.0.0</modelVersion>\n{body}\n</project>\n")
}
