//! Monorepo engine: package discovery, the typed dependency graph, affected packages of a
//! change, graph rendering and the history audit.
//!
//! Everything here works on plain data handed in through [`Snapshot`] (a tree at one revision)
//! and [`ChangedPath`] (a tree diff), so that both revisions of a range are read from git objects
//! and never from a checkout. Comments cite the numbered rules of docs/monorepo.md as "rule N".
//!
//! Layers, each using only those above it:
//! - `types`: the plain data (snapshots, packages, edges, settings);
//! - `workspace`: a revision's packages and graph, and who owns a path;
//! - `support`: the discovery context, meaning-level effects, paths, lockfile graphs, parsers;
//! - `ecosystems`: one file per ecosystem and the one table of them;
//! - `discover`, `affected`, `graph`, `render`, `audit`: the engine's operations.

mod affected;
mod audit;
mod discover;
mod ecosystems;
mod graph;
mod memo;
mod render;
mod requires;
mod support;
mod types;
mod workspace;

#[cfg(test)]
mod fuzz_tests;
#[cfg(test)]
mod testutil;

pub use affected::{
    affected, affected_all, Affected, AffectedOptions, AffectedPackage, ClosureMode,
    RemovedPackage, UnownedMode,
};
pub use audit::{
    audit, audit_facts, audit_with, Audit, AuditOptions, AuditUnit, ChangeFacts, ChangeInput,
    ChangeStat, CoChange, Inventory,
};
pub use discover::{
    cache_key, discover, is_discovery_input, is_presence_input, is_semantic_input, is_semantic_path,
};
pub use ecosystems::registry_name;
pub use memo::Memo;
pub use render::{render_graph, GraphFormat};
pub use requires::{
    compare_versions, manifest_ecosystem, manifest_facts, registry_manifests, requirement_accepts,
    ManifestFacts, Requirement,
};
pub use types::{
    shown_dir, ChangeStatus, ChangedPath, Config, Diagnostic, Ecosystem, EdgeKind, EntryMode,
    ExternalEdge, GlobalPattern, Owner, Package, PackageId, Root, Snapshot, TreeEntry,
    MAX_MANIFEST_BYTES,
};
pub use workspace::Workspace;
