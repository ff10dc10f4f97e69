//! Plain data shared by every stage: commit ids, commits, refs, landed changes, live branches
//! and the JSON contract of `analyze`. Nothing here knows gix; the `git` module converts into
//! these types and every other module works on them.

use serde::{Deserialize, Serialize, Serializer};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// The JSON contract version; bump on any incompatible change of the output.
pub const SCHEMA_VERSION: u32 = 2;

/// A SHA-1 object id (20 bytes). Serialised as 40 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Oid(pub [u8; 20]);

/// An id hashes as its first eight bytes: a digest's bytes are uniform already, so equal ids
/// hash alike and hashing all twenty would only cost.
impl Hash for Oid {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let mut head = [0u8; 8];
        head.copy_from_slice(&self.0[..8]);
        state.write_u64(u64::from_le_bytes(head));
    }
}

/// The hasher of [`OidMap`] and [`OidSet`]: an id's eight bytes are its hash (as gitoxide's
/// own hash tables do); several ids (a pair as a key) are mixed. Not for keys a user chooses.
#[derive(Default, Clone, Copy)]
pub struct OidHasher(u64);

impl Hasher for OidHasher {
    fn write_u64(&mut self, v: u64) {
        self.0 = self.0.rotate_left(23) ^ v;
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(b).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A hash map keyed by object ids, hashed by [`OidHasher`].
pub type OidMap<V> = HashMap<Oid, V, BuildHasherDefault<OidHasher>>;
/// A hash set of object ids, hashed by [`OidHasher`].
pub type OidSet = HashSet<Oid, BuildHasherDefault<OidHasher>>;

impl Oid {
    /// The 40 hex digits, without allocating.
    fn hex_digits<'a>(&self, buf: &'a mut [u8; 40]) -> &'a str {
        match faster_hex::hex_encode(&self.0, buf) {
            Ok(s) => s,
            // Unreachable: 40 bytes hold the digits of 20.
            Err(_) => "",
        }
    }
    pub fn to_hex(&self) -> String {
        self.hex_digits(&mut [0; 40]).to_owned()
    }
    /// The first `n` hex digits, for messages and tables.
    pub fn short(&self, n: usize) -> String {
        let mut h = self.to_hex();
        h.truncate(n.min(40));
        h
    }
    pub fn from_hex(hex: &str) -> Option<Oid> {
        if hex.len() != 40 {
            return None;
        }
        let mut out = [0u8; 20];
        faster_hex::hex_decode(hex.as_bytes(), &mut out).ok()?;
        Some(Oid(out))
    }
}

impl fmt::Display for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.hex_digits(&mut [0; 40]))
    }
}
impl fmt::Debug for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Oid({})", self.short(12))
    }
}
impl Serialize for Oid {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.hex_digits(&mut [0; 40]))
    }
}
impl<'de> Deserialize<'de> for Oid {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Oid::from_hex(&s).ok_or_else(|| serde::de::Error::custom("expected 40 hex digits"))
    }
}

/// Seconds since the Unix epoch (UTC). May be negative (dates before 1970 exist in the wild).
pub type Timestamp = i64;

/// Format a timestamp as an RFC 3339 UTC string (`2024-01-02T03:04:05Z`).
/// Out-of-range values (far future or past) are clamped to chrono's range, never panic.
pub fn rfc3339(t: Timestamp) -> String {
    use chrono::{DateTime, SecondsFormat, Utc};
    let dt = DateTime::<Utc>::from_timestamp(t, 0).unwrap_or(if t < 0 {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    });
    dt.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// serde helpers that write timestamps as RFC 3339 strings.
pub mod time_fmt {
    use super::{rfc3339, Timestamp};
    use serde::Serializer;
    pub fn serialize<S: Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&rfc3339(*t))
    }
    pub mod opt {
        use super::super::{rfc3339, Timestamp};
        use serde::Serializer;
        pub fn serialize<S: Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => s.serialize_str(&rfc3339(*t)),
                None => s.serialize_none(),
            }
        }
    }
}

/// A person and a moment, as recorded in a commit header.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Signature {
    pub name: String,
    pub email: String,
    /// Seconds since the epoch, UTC.
    pub time: Timestamp,
}

/// One commit, decoded. Messages and names are converted lossily to UTF-8 (invalid bytes
/// become U+FFFD); ids are exact.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Commit {
    pub id: Oid,
    pub parents: Vec<Oid>,
    pub author: Signature,
    pub committer: Signature,
    /// The first line of the message (git's `%s`: the first paragraph joined by spaces).
    pub subject: String,
    /// The whole message; commits read through the commit store
    /// ([`crate::cache::commits::CommitStore`]: every commit the pipeline walks) keep only
    /// the lines the classifier reads ([`crate::history::classify::evidence_lines`]).
    pub message: String,
}

impl Commit {
    pub fn is_merge(&self) -> bool {
        self.parents.len() >= 2
    }
}

/// What kind of reference a [`RefInfo`] is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RefKind {
    LocalBranch,
    RemoteBranch,
    Tag,
    /// A pull/merge request head: `refs/pull/N/head`, `refs/merge-requests/N/head`,
    /// `refs/remotes/*/pr/N`.
    PullHead,
}

/// A reference, peeled to the commit it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefInfo {
    /// Full name, e.g. `refs/remotes/origin/main`.
    pub full_name: String,
    /// Short name, e.g. `origin/main`, `main`, `v1.2`.
    pub short_name: String,
    pub kind: RefKind,
    /// The commit the ref points to (after peeling tags).
    pub target: Oid,
    /// Pull/merge request number for [`RefKind::PullHead`].
    pub pr: Option<u64>,
    /// Tagger time of an annotated tag (None for lightweight tags and non-tags).
    pub tagger_time: Option<Timestamp>,
}

/// How a landed change reached the trunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    Merge,
    Squash,
    Rebase,
    Direct,
    Octopus,
}

impl Strategy {
    pub const ALL: [Strategy; 5] = [
        Strategy::Merge,
        Strategy::Squash,
        Strategy::Rebase,
        Strategy::Direct,
        Strategy::Octopus,
    ];
    pub fn as_str(&self) -> &'static str {
        match self {
            Strategy::Merge => "merge",
            Strategy::Squash => "squash",
            Strategy::Rebase => "rebase",
            Strategy::Direct => "direct",
            Strategy::Octopus => "octopus",
        }
    }
}

/// What a landed change is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Feature,
    /// A sync or back-merge (trunk into itself, a tag or the production branch into develop).
    Sync,
    Release,
    Hotfix,
    Revert,
    CherryPick,
    /// The first commit of the history (no parents).
    Root,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Feature,
        Kind::Sync,
        Kind::Release,
        Kind::Hotfix,
        Kind::Revert,
        Kind::CherryPick,
        Kind::Root,
    ];
    pub fn as_str(&self) -> &'static str {
        match self {
            Kind::Feature => "feature",
            Kind::Sync => "sync",
            Kind::Release => "release",
            Kind::Hotfix => "hotfix",
            Kind::Revert => "revert",
            Kind::CherryPick => "cherry_pick",
            Kind::Root => "root",
        }
    }
}

/// The hosting platform or review tool whose fingerprint a change carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Github,
    Gitlab,
    BitbucketCloud,
    BitbucketServer,
    AzureDevops,
    Gerrit,
    Phabricator,
    Bors,
    BorsNg,
    Homu,
    Marge,
    Git,
}

impl Platform {
    pub fn as_str(&self) -> &'static str {
        match self {
            Platform::Github => "github",
            Platform::Gitlab => "gitlab",
            Platform::BitbucketCloud => "bitbucket_cloud",
            Platform::BitbucketServer => "bitbucket_server",
            Platform::AzureDevops => "azure_devops",
            Platform::Gerrit => "gerrit",
            Platform::Phabricator => "phabricator",
            Platform::Bors => "bors",
            Platform::BorsNg => "bors_ng",
            Platform::Homu => "homu",
            Platform::Marge => "marge",
            Platform::Git => "git",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

/// Where a change's branch lifetime came from, or why it is unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifetimeSource {
    /// Side of a true merge: `^P1 P2`.
    MergeSide,
    /// A squash whose PR head is in the clone: `^P1 <pr head>` (minus an earlier stacked PR).
    PrHead,
    /// A rebase-merge run: earliest author time in the run.
    RebaseRun,
    /// Committer time minus author time of a single commit (direct pushes, Gerrit, cherry-picks).
    AuthorToCommit,
    /// No evidence of when the work started (a squash without PR refs, an exported history).
    Unknown,
}

/// One landed change on the trunk (or on the production branch of a GitFlow repository).
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    /// The trunk commit (for a rebase run: its last commit).
    pub commit: Oid,
    /// The trunk commits that make up the change, oldest first (one, or a rebase run).
    pub commits: Vec<Oid>,
    /// The branch the change landed on (the trunk, or the GitFlow production branch).
    pub target: String,
    #[serde(with = "time_fmt")]
    pub landed_at: Timestamp,
    pub strategy: Strategy,
    pub kind: Kind,
    pub pr: Option<u64>,
    pub platform: Option<Platform>,
    pub source_branch: Option<String>,
    /// Number of commits on the branch side (null when unknown, e.g. a squash without PR refs).
    pub branch_commits: Option<u32>,
    #[serde(with = "time_fmt::opt")]
    pub first_commit_at: Option<Timestamp>,
    /// Landing time minus first commit time; null when unknown. Never negative (clock skew is
    /// clamped to zero and flagged in `clock_skew`).
    pub lifetime_seconds: Option<i64>,
    pub lifetime_source: LifetimeSource,
    /// Files in the diff against the first parent (null when the diff could not be read).
    pub files_changed: Option<u64>,
    /// Equal to `git diff --numstat --no-renames` summed; null when a blob is missing from
    /// the clone (git cannot count it either).
    pub lines_added: Option<u64>,
    pub lines_deleted: Option<u64>,
    /// Lines added + deleted, excluding lockfiles, vendored and generated files.
    pub size: Option<u64>,
    pub confidence: Confidence,
    /// (author, UTC day number) of the change's own commits, each pair once: the days its
    /// developers worked on it (integration frequency counts active developer-days). A squash
    /// without its PR head, or a direct commit, has only its own author and day.
    #[serde(skip)]
    pub authored: Vec<(String, i64)>,
    pub author: String,
    pub subject: String,
    /// The merge brought nothing new (parent 2 was already an ancestor of parent 1).
    pub empty_side: bool,
    /// The computed lifetime was negative and was clamped to zero.
    pub clock_skew: bool,
    /// Packages directly changed and affected (monorepos only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub packages: Option<ChangePackages>,
    /// The change's merge done again in memory (`analyze --remerge` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remerge: Option<Remerge>,
}

/// Whether a change's merge, done again, conflicts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemergeStatus {
    Clean,
    Conflicted,
    /// Not re-merged: missing objects, an octopus merge, the time budget (see `reason`).
    Skipped,
}

/// A merge (first and second parent) or a squash (trunk parent and PR head) merged again in
/// memory, the way git's default merge does it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Remerge {
    pub status: RemergeStatus,
    /// Files left conflicted; null when skipped.
    pub conflicted_files: Option<u64>,
    /// The first 20 conflicted files, sorted.
    pub files: Vec<String>,
    /// Why the change was skipped; null otherwise.
    pub reason: Option<String>,
    /// The recorded merge differs from the re-merge in files that did not conflict (an "evil
    /// merge"). Null when skipped and for squashes (their PR head may have moved on).
    pub evil: Option<bool>,
    /// The first 20 such files, sorted.
    pub evil_files: Vec<String>,
}

/// Per-change monorepo data.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ChangePackages {
    /// Package directories directly changed.
    pub changed: Vec<String>,
    /// Package directories affected (changed plus transitive dependents).
    pub affected: Vec<String>,
}

/// A live (unmerged) branch.
#[derive(Clone, Debug, Serialize)]
pub struct Branch {
    /// Short name, e.g. `feature/x` or `origin/feature/x`.
    pub name: String,
    pub remote: bool,
    pub tip: Oid,
    /// Commits on the branch not on the trunk.
    pub ahead: u64,
    /// Commits on the trunk not on the branch.
    pub behind: u64,
    /// Author time of the oldest commit not on the trunk.
    #[serde(with = "time_fmt::opt")]
    pub first_unmerged_at: Option<Timestamp>,
    /// Committer time of the tip.
    #[serde(with = "time_fmt")]
    pub last_activity_at: Timestamp,
    /// Seconds from the first unmerged commit to the analysis time (`window.until`).
    pub age_seconds: Option<i64>,
    /// Seconds since the last activity.
    pub idle_seconds: i64,
    /// Idle for 30 days or more.
    pub stale: bool,
    /// First unmerged commit 21 days old or more.
    pub long_lived: bool,
}

/// One file entry of a diff: what `git diff --numstat --no-renames` prints on one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileStat {
    /// Path as bytes (may be non-UTF-8).
    pub path: Vec<u8>,
    pub added: u64,
    pub deleted: u64,
    /// Binary (or over the size limit): git prints `-\t-`, and no lines count.
    pub binary: bool,
    /// A blob of this entry is missing from the object database (partial clones, snapshots
    /// without big files): its lines are unknown.
    pub missing: bool,
    pub status: FileStatus,
    pub old_blob: Option<Oid>,
    pub new_blob: Option<Oid>,
    /// What the entry is after the change (None when deleted).
    pub new_kind: Option<EntryMode>,
}

/// The kind of a non-tree entry; symlinks and submodules are never followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryMode {
    File,
    Executable,
    Symlink,
    Submodule,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileStatus {
    Added,
    Modified,
    Deleted,
}

/// The diff of one commit (or a range) against a base.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DiffStat {
    pub files: Vec<FileStat>,
}

/// One non-tree entry (a blob, a symlink or a submodule) of a tree at a revision. Paths are
/// bytes with '/' separators (may be non-UTF-8).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeEntry {
    pub path: Vec<u8>,
    pub blob: Oid,
    pub mode: EntryMode,
}

#[cfg(test)]
mod tests {
    use super::Oid;

    #[test]
    fn hex_round_trips_and_rejects_what_is_not_an_id() {
        let mut bytes = [0u8; 20];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = (i as u8).wrapping_mul(37).wrapping_add(5);
        }
        let id = Oid(bytes);
        let hex = id.to_hex();
        assert_eq!(hex, "052a4f7499bee3082d52779cc1e60b30557a9fc4");
        assert_eq!(id.to_string(), hex);
        assert_eq!(id.short(7), "052a4f7");
        assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{hex}\""));
        assert_eq!(Oid::from_hex(&hex), Some(id));
        assert_eq!(Oid::from_hex(&hex.to_uppercase()), Some(id));
        assert_eq!(Oid::from_hex(&hex[..39]), None);
        assert_eq!(Oid::from_hex(&format!("{}g", &hex[..39])), None);
        assert_eq!(Oid::from_hex(&format!("{}é", &hex[..38])), None);
    }
}
