//! The on-disk cache: what a run computed that the next run over the same history would
//! compute again: the diff stats of every landed change, so a re-run over unchanged history
//! reads no blob and new commits cost only their own diffs; and the commit graph (ids,
//! parents, generation numbers) with the ref tips it was loaded from, so a re-run reads no
//! commit to build it and moved refs cost only the commits they added.
//!
//! Where: `--cache-dir DIR`, else `$XDG_CACHE_HOME/repohealth`, else `~/.cache/repohealth`;
//! never inside the analysed repository. One directory per repository (named by a hash of its
//! git directory's canonical path, with a `repository` file naming that path); in it one file
//! per settings key (`diffs-<key>.bin`, `graph-<key>.bin`, `commits-<key>.bin`: the commits
//! read, [`commits`]; `remerge-<key>.bin`: the re-merges, [`remerge`]; `packages-<key>.bin`:
//! the package audit, `crate::packages::store`).
//!
//! What is trusted: nothing unchecked. A file starts with a header (magic, format version,
//! settings key, payload length, payload checksum); a file with another magic or version, a
//! short or long payload, a checksum mismatch or a payload that does not decode is ignored
//! (with a warning on stderr) and rebuilt. Entries are keyed by commit ids, which name their
//! content, and by the settings that change a value (size limit, attributes, tool version),
//! so a cached value is the value the run would compute.
//!
//! Writes are atomic (a temporary file in the same directory, then a rename), so concurrent
//! runs never see a partial file: the last writer wins. A cache that cannot be written (a
//! read-only directory, a file where a directory should be) only costs speed: the run goes on
//! without it and says so.

pub mod commits;
pub mod remerge;

use crate::history::graph::CommitGraph;
use crate::model::Oid;
use crate::model::{DiffStat, EntryMode, FileStat, FileStatus};
use anyhow::Result;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What the cache refuses: a directory the user named inside the repository (a usage error),
/// or a cache file `cache clear` cannot remove (an output error).
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("{0}")]
    InsideRepository(String),
    #[error("cannot remove {}: {reason}", path.display())]
    Remove {
        path: std::path::PathBuf,
        reason: String,
    },
}

/// The version of the file format; files of any other version are ignored.
pub const FORMAT_VERSION: u32 = 1;
const MAGIC: &[u8; 8] = b"RHCACHE\0";
/// magic, version, settings key, payload length, payload checksum.
const HEADER_LEN: usize = 8 + 4 + 8 + 8 + 8;
/// The file in each repository's directory that names the repository.
const MARKER: &str = "repository";

/// Where the cache lives, as asked on the command line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum CacheSetting {
    /// The user cache directory (XDG).
    #[default]
    Default,
    /// `--cache-dir DIR`.
    Dir(PathBuf),
    /// `--no-cache`.
    Off,
}

/// The cache root for a setting: None when off, or when no user cache directory is known.
pub fn root(setting: &CacheSetting) -> Option<PathBuf> {
    match setting {
        CacheSetting::Off => None,
        CacheSetting::Dir(d) => Some(d.clone()),
        CacheSetting::Default => {
            let abs =
                |v: Option<std::ffi::OsString>| v.map(PathBuf::from).filter(|p| p.is_absolute());
            abs(std::env::var_os("XDG_CACHE_HOME"))
                .map(|x| x.join("repohealth"))
                .or_else(|| {
                    abs(std::env::var_os("HOME")).map(|h| h.join(".cache").join("repohealth"))
                })
        }
    }
}

/// FNV-1a, 64 bits: stable across runs and platforms.
fn fnv(bytes: &[u8], mut h: u64) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

/// The kinds of cache file this tool writes (`<kind>-<key>.bin`); `cache clear` removes these.
pub const KINDS: &[&str] = &["diffs", "graph", "packages", "commits", "remerge"];

/// A settings key for a cache file of `kind`: the tool version, the kind, and every setting
/// (as bytes) that changes a stored value.
pub fn settings_key(kind: &str, settings: &[&[u8]]) -> u64 {
    let mut h = fnv(env!("CARGO_PKG_VERSION").as_bytes(), FNV_START);
    h = fnv(kind.as_bytes(), h);
    for s in settings {
        h = fnv(&(s.len() as u64).to_le_bytes(), h);
        h = fnv(s, h);
    }
    h
}

/// The key of the settings that change a diff stat: the tool version, the blob size limit and
/// a fingerprint of the attribute files (`binary`, `-diff`).
pub fn diff_settings_key(max_blob_bytes: u64, attributes: u64) -> u64 {
    let mut h = fnv(env!("CARGO_PKG_VERSION").as_bytes(), FNV_START);
    h = fnv(&max_blob_bytes.to_le_bytes(), h);
    fnv(&attributes.to_le_bytes(), h)
}

/// The key of the settings that change a commit graph: the tool version and the fingerprint
/// of the shallow boundary and replace refs ([`crate::git::Repo::graph_fingerprint`]).
pub fn graph_settings_key(fingerprint: u64) -> u64 {
    let h = fnv(env!("CARGO_PKG_VERSION").as_bytes(), FNV_START);
    fnv(&fingerprint.to_le_bytes(), fnv(b"graph", h))
}

/// The cache directory of one repository.
#[derive(Clone, Debug)]
pub struct Cache {
    dir: PathBuf,
}

/// What loading a cache file found.
#[derive(Debug, Default)]
pub struct Loaded {
    pub diffs: HashMap<(Option<Oid>, Oid), DiffStat>,
    /// Why the file was ignored (corrupt, truncated, another version), for a warning.
    pub problem: Option<String>,
}

/// Makes a path absolute and resolves what exists of it (the cache directory may not exist yet).
fn resolve(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    out.extend(rest.iter().rev());
    out
}

impl Cache {
    /// The cache of the repository at `git_dir` (work tree `work_tree`), or None when the
    /// cache is off or cannot be used (said in the returned warning). A cache directory
    /// inside the repository is refused: a usage error when given with `--cache-dir`.
    pub fn open(
        setting: &CacheSetting,
        git_dir: &Path,
        work_tree: Option<&Path>,
    ) -> Result<(Option<Cache>, Option<String>)> {
        let Some(root) = root(setting) else {
            return Ok((None, None));
        };
        let root = resolve(&root);
        let git_dir = resolve(git_dir);
        let inside =
            root.starts_with(&git_dir) || work_tree.is_some_and(|w| root.starts_with(resolve(w)));
        if inside {
            let msg = format!(
                "cache directory {} is inside the repository; repohealth never writes there",
                root.display()
            );
            return match setting {
                CacheSetting::Dir(_) => Err(CacheError::InsideRepository(msg).into()),
                _ => Ok((None, Some(format!("{msg}: running without a cache")))),
            };
        }
        let id = fnv(git_dir.as_os_str().as_encoded_bytes(), FNV_START);
        let dir = root.join(format!("{id:016x}"));
        let made = std::fs::create_dir_all(&dir).and_then(|()| {
            let marker = dir.join(MARKER);
            if marker.exists() {
                Ok(())
            } else {
                write_atomic(&dir, &marker, git_dir.as_os_str().as_encoded_bytes())
            }
        });
        match made {
            Ok(()) => Ok((Some(Cache { dir }), None)),
            // A marker that cannot be written (read-only directory) still allows reading.
            Err(_) if dir.is_dir() => Ok((Some(Cache { dir }), None)),
            Err(e) => Ok((
                None,
                Some(format!(
                    "cache directory {} cannot be used ({e}): running without a cache",
                    dir.display()
                )),
            )),
        }
    }

    fn diffs_path(&self, key: u64) -> PathBuf {
        self.dir.join(format!("diffs-{key:016x}.bin"))
    }

    /// The diff stats stored under `key`; an unreadable file is reported, never trusted.
    pub fn load_diffs(&self, key: u64) -> Loaded {
        match read_payload::<DiffPayload>(&self.diffs_path(key), key) {
            Ok(payload) => Loaded {
                diffs: payload
                    .into_iter()
                    .flat_map(|p| p.entries)
                    .map(|e| ((e.base.map(Oid), Oid(e.commit)), e.stat()))
                    .collect(),
                problem: None,
            },
            Err(why) => Loaded {
                problem: Some(why),
                ..Loaded::default()
            },
        }
    }

    fn graph_path(&self, key: u64) -> PathBuf {
        self.dir.join(format!("graph-{key:016x}.bin"))
    }

    /// The commit graph stored under `key` and the ref tips it was loaded from (None when
    /// there is none). An unreadable file, or one whose graph fails the checks of
    /// [`CommitGraph::from_parts`], is reported (the error) and never trusted.
    pub fn load_graph(&self, key: u64) -> Result<Option<(Vec<Oid>, CommitGraph)>, String> {
        let path = self.graph_path(key);
        let Some(p) = read_payload::<GraphPayload>(&path, key)? else {
            return Ok(None);
        };
        let ids = p.ids.into_iter().map(Oid).collect();
        match CommitGraph::from_parts(ids, p.parents, p.generation) {
            Some(g) => Ok(Some((p.tips.into_iter().map(Oid).collect(), g))),
            None => Err(format!(
                "{}: the stored graph is inconsistent (corrupt)",
                path.display()
            )),
        }
    }

    /// Store the commit graph loaded from `tips` under `key`, replacing the file atomically.
    pub fn store_graph(&self, key: u64, tips: &[Oid], graph: &CommitGraph) -> Result<(), String> {
        let (ids, parents, generation) = graph.parts();
        let payload = postcard::to_allocvec(&GraphPayload {
            tips: tips.iter().map(|t| t.0).collect(),
            ids: ids.iter().map(|t| t.0).collect(),
            parents: parents.to_vec(),
            generation: generation.to_vec(),
        })
        .map_err(|e| format!("cannot encode the cache ({e})"))?;
        let path = self.graph_path(key);
        write_atomic(&self.dir, &path, &encode_file(&payload, key))
            .map_err(|e| format!("cache file {} cannot be written ({e})", path.display()))
    }

    fn kind_path(&self, kind: &str, key: u64) -> PathBuf {
        self.dir.join(format!("{kind}-{key:016x}.bin"))
    }

    /// The payload of kind `kind` (a file name prefix: `packages`, `remerge`, ...) stored under
    /// `key`: None when there is none, the reason (naming the file) when it cannot be trusted.
    /// A payload type that changes shape must change its kind name or its key.
    pub fn load<T: serde::de::DeserializeOwned>(
        &self,
        kind: &str,
        key: u64,
    ) -> Result<Option<T>, String> {
        read_payload::<T>(&self.kind_path(kind, key), key)
    }

    /// Store `payload` as kind `kind` under `key`, replacing the file atomically.
    pub fn store<T: Serialize>(&self, kind: &str, key: u64, payload: &T) -> Result<(), String> {
        let bytes =
            postcard::to_allocvec(payload).map_err(|e| format!("cannot encode the cache ({e})"))?;
        let path = self.kind_path(kind, key);
        write_atomic(&self.dir, &path, &encode_file(&bytes, key))
            .map_err(|e| format!("cache file {} cannot be written ({e})", path.display()))
    }

    /// Store the diff stats under `key`, replacing the file atomically.
    pub fn store_diffs(
        &self,
        key: u64,
        diffs: &HashMap<(Option<Oid>, Oid), DiffStat>,
    ) -> Result<(), String> {
        let mut entries: Vec<DiffEntry> = diffs
            .iter()
            .map(|((base, commit), stat)| DiffEntry::new(*base, *commit, stat))
            .collect();
        entries.sort_by_key(|e| (e.commit, e.base));
        let payload = postcard::to_allocvec(&DiffPayload { entries })
            .map_err(|e| format!("cannot encode the cache ({e})"))?;
        let path = self.diffs_path(key);
        write_atomic(&self.dir, &path, &encode_file(&payload, key))
            .map_err(|e| format!("cache file {} cannot be written ({e})", path.display()))
    }
}

/// The payload of the cache file at `path`, checked and decoded: None when there is no file,
/// the reason (naming the file) when it cannot be trusted.
fn read_payload<T: serde::de::DeserializeOwned>(
    path: &Path,
    key: u64,
) -> Result<Option<T>, String> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: cannot be read ({e})", path.display())),
    };
    decode_file(&bytes, key)
        .and_then(|p| {
            postcard::from_bytes::<T>(p).map_err(|e| format!("payload does not decode ({e})"))
        })
        .map(Some)
        .map_err(|why| format!("{}: {why}", path.display()))
}

fn encode_file(payload: &[u8], key: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&key.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&fnv(payload, FNV_START).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

/// The payload of a cache file, after checking its header.
fn decode_file(bytes: &[u8], key: u64) -> Result<&[u8], String> {
    let u64_at = |at: usize| -> u64 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&bytes[at..at + 8]);
        u64::from_le_bytes(b)
    };
    if bytes.len() < HEADER_LEN {
        return Err(format!(
            "truncated ({} bytes, shorter than the header)",
            bytes.len()
        ));
    }
    if &bytes[..8] != MAGIC {
        return Err("not a repohealth cache file".to_owned());
    }
    let mut v = [0u8; 4];
    v.copy_from_slice(&bytes[8..12]);
    let version = u32::from_le_bytes(v);
    if version != FORMAT_VERSION {
        return Err(format!(
            "format version {version}, this repohealth reads version {FORMAT_VERSION}"
        ));
    }
    if u64_at(12) != key {
        return Err("written for other settings".to_owned());
    }
    let len = u64_at(20);
    let payload = &bytes[HEADER_LEN..];
    if payload.len() as u64 != len {
        return Err(format!(
            "truncated or padded (payload of {} bytes, the header says {len})",
            payload.len()
        ));
    }
    if fnv(payload, FNV_START) != u64_at(28) {
        return Err("corrupt (checksum mismatch)".to_owned());
    }
    Ok(payload)
}

/// Write `bytes` to `path` through a temporary file in `dir` and a rename.
fn write_atomic(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = tempfile::Builder::new().prefix(".tmp-").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.flush()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[derive(Serialize, Deserialize)]
struct GraphPayload {
    /// The ref tips the graph was loaded from (sorted).
    tips: Vec<[u8; 20]>,
    ids: Vec<[u8; 20]>,
    /// Indices into `ids`.
    parents: Vec<Vec<u32>>,
    generation: Vec<u32>,
}

#[derive(Serialize, Deserialize)]
struct DiffPayload {
    entries: Vec<DiffEntry>,
}

#[derive(Serialize, Deserialize)]
struct DiffEntry {
    base: Option<[u8; 20]>,
    commit: [u8; 20],
    files: Vec<CachedFile>,
}

#[derive(Serialize, Deserialize)]
struct CachedFile {
    path: Vec<u8>,
    added: u64,
    deleted: u64,
    binary: bool,
    missing: bool,
    status: FileStatus,
    old_blob: Option<[u8; 20]>,
    new_blob: Option<[u8; 20]>,
    new_kind: Option<EntryMode>,
}

impl DiffEntry {
    fn new(base: Option<Oid>, commit: Oid, stat: &DiffStat) -> DiffEntry {
        DiffEntry {
            base: base.map(|b| b.0),
            commit: commit.0,
            files: stat
                .files
                .iter()
                .map(|f| CachedFile {
                    path: f.path.clone(),
                    added: f.added,
                    deleted: f.deleted,
                    binary: f.binary,
                    missing: f.missing,
                    status: f.status,
                    old_blob: f.old_blob.map(|o| o.0),
                    new_blob: f.new_blob.map(|o| o.0),
                    new_kind: f.new_kind,
                })
                .collect(),
        }
    }

    fn stat(self) -> DiffStat {
        DiffStat {
            files: self
                .files
                .into_iter()
                .map(|f| FileStat {
                    path: f.path,
                    added: f.added,
                    deleted: f.deleted,
                    binary: f.binary,
                    missing: f.missing,
                    status: f.status,
                    old_blob: f.old_blob.map(Oid),
                    new_blob: f.new_blob.map(Oid),
                    new_kind: f.new_kind,
                })
                .collect(),
        }
    }
}

/// Numstat of each `(base, commit)` job: from the cache where it holds them, the rest
/// computed (and stored). Without a cache, all computed. `tick(n)`: n more jobs done.
pub fn diff_stats(
    repo: &crate::git::Repo,
    cache: Option<&Cache>,
    jobs: &[(Option<Oid>, Oid)],
    max_blob_bytes: u64,
    tick: &(dyn Fn(u64) + Sync),
) -> Result<Vec<Result<DiffStat>>> {
    let Some(cache) = cache else {
        return repo.diff_stats(jobs, max_blob_bytes, tick);
    };
    let key = diff_settings_key(max_blob_bytes, repo.attributes_fingerprint()?);
    let Loaded {
        diffs: mut known,
        problem,
    } = cache.load_diffs(key);
    if let Some(p) = problem {
        warn(&format!("{p}; it is ignored and rebuilt"));
    }
    let mut missing: Vec<(Option<Oid>, Oid)> = jobs
        .iter()
        .filter(|j| !known.contains_key(j))
        .copied()
        .collect();
    missing.dedup();
    tick((jobs.len() - missing.len()) as u64);
    let computed = repo.diff_stats(&missing, max_blob_bytes, tick)?;
    let mut errors = HashMap::new();
    let mut added = false;
    for (job, r) in missing.into_iter().zip(computed) {
        match r {
            Ok(s) => {
                known.insert(job, s);
                added = true;
            }
            Err(e) => {
                errors.insert(job, e);
            }
        }
    }
    if added {
        if let Err(e) = cache.store_diffs(key, &known) {
            warn(&format!("{e}; the next run computes these diffs again"));
        }
    }
    Ok(jobs
        .iter()
        .map(|j| match known.get(j) {
            Some(s) => Ok(s.clone()),
            None => Err(errors
                .remove(j)
                .unwrap_or_else(|| anyhow::anyhow!("diffing commit {} failed", j.1))),
        })
        .collect())
}

/// How [`load_graph`] got the graph, for the trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphSource {
    /// Walked from the refs (no cache, nothing cached, or a cache that could not be used).
    Walked,
    /// From the cache, the refs unchanged.
    Cached,
    /// From the cache, extended by this many new commits (refs moved).
    Extended(usize),
}

/// The commit graph of everything reachable from `tips` (sorted), or more: from the cache
/// when it was stored for the same tips, the cached graph extended by the new commits only
/// when refs moved, else walked. A cached graph keeps the tips of `may_keep` (sorted: every
/// ref's target) it was loaded from, so runs that need different refs (another window) do
/// not walk again what an earlier run walked. What is walked or extended is stored for the
/// next run.
pub fn load_graph(
    repo: &crate::git::Repo,
    cache: Option<&Cache>,
    tips: &[Oid],
    may_keep: &[Oid],
) -> Result<(CommitGraph, GraphSource)> {
    let Some(cache) = cache else {
        return Ok((repo.load_graph(tips)?, GraphSource::Walked));
    };
    let key = graph_settings_key(repo.graph_fingerprint()?);
    let cached = match cache.load_graph(key) {
        Ok(c) => c,
        Err(why) => {
            warn(&format!("{why}; it is ignored and rebuilt"));
            None
        }
    };
    let mut tips = tips.to_vec();
    if let Some((known_tips, _)) = &cached {
        tips.extend(
            known_tips
                .iter()
                .filter(|t| may_keep.binary_search(t).is_ok()),
        );
        tips.sort();
        tips.dedup();
    }
    let tips = &tips[..];
    let (graph, source) = match cached {
        Some((known_tips, g)) if known_tips == tips => return Ok((g, GraphSource::Cached)),
        Some((_, g)) => match repo.new_graph_edges(&g, tips) {
            Ok(fresh) => {
                let n = fresh.len();
                let extended = g.extended(fresh, tips);
                match extended.cycle() {
                    // The full walk names the cycle (or the unreadable commit) itself.
                    Some(_) => (repo.load_graph(tips)?, GraphSource::Walked),
                    None => (extended, GraphSource::Extended(n)),
                }
            }
            Err(_) => (repo.load_graph(tips)?, GraphSource::Walked),
        },
        None => (repo.load_graph(tips)?, GraphSource::Walked),
    };
    if let Err(e) = cache.store_graph(key, tips, &graph) {
        warn(&format!("{e}; the next run walks the history again"));
    }
    Ok((graph, source))
}

/// A cache problem, on stderr: it costs speed, never correctness.
pub fn warn(msg: &str) {
    eprintln!("repohealth: warning: {msg}");
}

/// One repository's directory in the cache, for `repohealth cache info`.
#[derive(Clone, Debug, Serialize)]
pub struct RepoEntry {
    pub dir: PathBuf,
    /// The repository's git directory, as recorded.
    pub repository: String,
    pub files: usize,
    pub bytes: u64,
    /// Bytes per kind of cache file (see [`KINDS`]), in the order of [`KINDS`]; kinds without
    /// a file are left out.
    pub kinds: Vec<(String, u64)>,
}

/// The repositories cached under `root`.
pub fn entries(root: &Path) -> Result<Vec<RepoEntry>> {
    let mut out = Vec::new();
    let Ok(read) = std::fs::read_dir(root) else {
        return Ok(out);
    };
    for d in read.flatten() {
        let dir = d.path();
        let Ok(repository) = std::fs::read_to_string(dir.join(MARKER)) else {
            continue;
        };
        let (mut files, mut bytes) = (0, 0);
        let mut per_kind = vec![0u64; KINDS.len()];
        for f in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            if let Ok(m) = f.metadata() {
                files += 1;
                bytes += m.len();
                let name = f.file_name().to_string_lossy().into_owned();
                if let Some(k) = KINDS
                    .iter()
                    .position(|k| name.starts_with(&format!("{k}-")))
                {
                    per_kind[k] += m.len();
                }
            }
        }
        let kinds = KINDS
            .iter()
            .zip(per_kind)
            .filter(|(_, b)| *b > 0)
            .map(|(k, b)| ((*k).to_owned(), b))
            .collect();
        out.push(RepoEntry {
            dir,
            repository,
            files,
            bytes,
            kinds,
        });
    }
    out.sort_by(|a, b| a.repository.cmp(&b.repository));
    Ok(out)
}

/// Remove every repository's directory under `root` (only directories this tool made: the
/// ones holding a `repository` file, and only the files it writes). Returns how many.
pub fn clear(root: &Path) -> Result<usize> {
    let mut n = 0;
    for e in entries(root)? {
        for f in std::fs::read_dir(&e.dir).into_iter().flatten().flatten() {
            let name = f.file_name().to_string_lossy().into_owned();
            let ours = name == MARKER
                || name.starts_with(".tmp-")
                || (KINDS.iter().any(|k| name.starts_with(&format!("{k}-")))
                    && name.ends_with(".bin"));
            if ours {
                std::fs::remove_file(f.path()).map_err(|err| CacheError::Remove {
                    path: f.path(),
                    reason: err.to_string(),
                })?;
            }
        }
        // A directory holding files of someone else's stays.
        if std::fs::remove_dir(&e.dir).is_ok() {
            n += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
#[path = "cache_tests.rs"]
mod tests;
