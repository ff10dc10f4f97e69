//! The plain data of the monorepo engine: snapshots and diffs handed in by the caller, and the
//! packages, edges and settings discovery produces. Nothing here reads a file or knows an
//! ecosystem's formats.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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

use crate::model::Oid;
pub use crate::model::{EntryMode, TreeEntry};

/// A read-only view of the repository at one revision, implemented by the git module (and by
/// an in-memory map in tests).
pub trait Snapshot {
    /// Every non-tree entry, sorted by path.
    fn entries(&self) -> &[TreeEntry];
    /// Blob content.
    fn read(&self, blob: &Oid) -> anyhow::Result<Vec<u8>>;
    /// Values parsed from blobs, shared with the other snapshots of the run; without one,
    /// every read parses again.
    fn memo(&self) -> Option<&super::Memo> {
        None
    }
    /// The entries whose file name is a meaning-level input
    /// ([`super::is_semantic_input`]: manifests, presence files, lockfiles), in path order,
    /// when the snapshot keeps them apart. Discovery looks files up by name among these alone,
    /// and a history audit keeps them up to date change by change instead of scanning the
    /// whole tree at every manifest change.
    fn inputs(&self) -> Option<&[TreeEntry]> {
        None
    }
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
    pub old_blob: Option<Oid>,
    pub new_blob: Option<Oid>,
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
    Dotnet,
}

impl Ecosystem {
    pub const ALL: [Ecosystem; 7] = [
        Ecosystem::Cargo,
        Ecosystem::Npm,
        Ecosystem::Go,
        Ecosystem::Python,
        Ecosystem::Maven,
        Ecosystem::Gradle,
        Ecosystem::Dotnet,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::Cargo => "cargo",
            Ecosystem::Npm => "npm",
            Ecosystem::Go => "go",
            Ecosystem::Python => "python",
            Ecosystem::Maven => "maven",
            Ecosystem::Gradle => "gradle",
            Ecosystem::Dotnet => "dotnet",
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    pub dotnet: bool,
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
            dotnet: true,
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
