//! Glue between history and the monorepo engine: a revision's tree as a
//! [`monorepo::Snapshot`], a diff as changed paths, the per-change package audit of `analyze`,
//! and the pipelines of the `affected` and `graph` commands. The engine itself
//! ([`crate::monorepo`]) stays pure; the trees and blobs come from the `git` module.

use crate::git::Repo;
use crate::model::{Change, ChangePackages, DiffStat, FileStatus, Oid};
use crate::monorepo::{
    self, Affected, AffectedOptions, ChangeStatus, ChangedPath, Memo, Snapshot, TreeEntry,
    Workspace,
};
use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;
use std::num::NonZeroUsize;
use std::rc::Rc;

mod store;
use store::{ChangeKey, Known, Stored, TipSummary};

/// The tree of one revision, readable through the repository.
#[derive(Clone)]
pub struct TreeSnapshot<'r> {
    repo: &'r Repo,
    entries: Vec<TreeEntry>,
    /// The entries whose name is a meaning-level input, kept apart (see [`Snapshot::inputs`]).
    inputs: Vec<TreeEntry>,
    memo: Option<&'r Memo>,
}

impl Snapshot for TreeSnapshot<'_> {
    fn entries(&self) -> &[TreeEntry] {
        &self.entries
    }
    fn read(&self, blob: &Oid) -> Result<Vec<u8>> {
        self.repo.blob(*blob)
    }
    fn memo(&self) -> Option<&Memo> {
        self.memo
    }
    fn inputs(&self) -> Option<&[TreeEntry]> {
        Some(&self.inputs)
    }
}

impl<'r> TreeSnapshot<'r> {
    /// The tree of `commit`, or the empty tree.
    pub fn at(repo: &'r Repo, commit: Option<Oid>) -> Result<TreeSnapshot<'r>> {
        let entries = match commit {
            Some(c) => repo.tree_files(c)?,
            None => Vec::new(),
        };
        let inputs = entries
            .iter()
            .filter(|e| monorepo::is_semantic_path(&e.path))
            .cloned()
            .collect();
        Ok(TreeSnapshot {
            repo,
            entries,
            inputs,
            memo: None,
        })
    }

    /// The same tree, its blobs parsed through `memo`.
    pub fn with_memo(mut self, memo: &'r Memo) -> TreeSnapshot<'r> {
        self.memo = Some(memo);
        self
    }

    /// Move the snapshot across a diff (the tree of the diff's new side).
    pub fn apply(&mut self, diff: &DiffStat) {
        for f in &diff.files {
            patch(&mut self.entries, f);
            if monorepo::is_semantic_path(&f.path) {
                patch(&mut self.inputs, f);
            }
        }
    }
}

/// Entries sorted by path, moved across the change of one file.
fn patch(entries: &mut Vec<TreeEntry>, f: &crate::model::FileStat) {
    let at = entries.binary_search_by(|e| e.path.as_slice().cmp(&f.path));
    match (f.new_blob, f.new_kind, at) {
        (Some(blob), Some(kind), Ok(i)) => {
            entries[i].blob = blob;
            entries[i].mode = kind;
        }
        (Some(blob), Some(kind), Err(i)) => entries.insert(
            i,
            TreeEntry {
                path: f.path.clone(),
                blob,
                mode: kind,
            },
        ),
        (None, _, Ok(i)) => {
            entries.remove(i);
        }
        _ => {}
    }
}

/// A diff as the engine's changed paths.
pub fn changed_paths(diff: &DiffStat) -> Vec<ChangedPath> {
    diff.files
        .iter()
        .map(|f| ChangedPath {
            path: f.path.clone(),
            status: match f.status {
                FileStatus::Added => ChangeStatus::Added,
                FileStatus::Modified => ChangeStatus::Modified,
                FileStatus::Deleted => ChangeStatus::Deleted,
            },
            old_blob: f.old_blob,
            new_blob: f.new_blob,
        })
        .collect()
}

fn file_name(path: &[u8]) -> String {
    String::from_utf8_lossy(path.rsplit(|b| *b == b'/').next().unwrap_or(&[])).into_owned()
}

/// The diff changes what discovery reads: the package set may differ.
fn touches_discovery(diff: &DiffStat) -> bool {
    diff.files.iter().any(|f| {
        let n = file_name(&f.path);
        monorepo::is_discovery_input(&n) || monorepo::is_presence_input(&n)
    })
}

/// The diff changes a file the engine diffs by meaning (manifests, lockfiles, workspace
/// files): both revisions' trees must then be readable by path.
fn touches_meaning(diff: &DiffStat) -> bool {
    diff.files
        .iter()
        .any(|f| monorepo::is_semantic_path(&f.path))
}

/// The `monorepo` section of `analyze`.
#[derive(Clone, Debug, Serialize)]
pub struct MonorepoSection {
    /// Packages at the trunk's tip.
    pub packages: Vec<PackageOut>,
    pub diagnostics: Vec<monorepo::Diagnostic>,
    /// Statistics over the landed changes (rules 43-44).
    pub audit: monorepo::Audit,
    /// The monorepo-vs-polyrepo decision factors (how coupled the packages are, how many people
    /// work on them), measured.
    pub factors: Factors,
}

#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct PackageOut {
    pub name: String,
    pub path: String,
    pub ecosystem: monorepo::Ecosystem,
}

/// What decides between one repository and several: how often changes couple packages, and
/// how many people work on them.
#[derive(Clone, Debug, Serialize)]
pub struct Factors {
    /// Share of landed changes touching two or more packages directly.
    pub coupling_frequency: Option<f64>,
    /// Distinct authors of landed changes in the window.
    pub team_size: usize,
    /// Packages per ecosystem.
    pub language_mix: std::collections::BTreeMap<String, usize>,
    /// CI files that already select work by path (path filters, affected commands).
    pub ci_path_aware: Vec<String>,
}

/// Packages of a workspace for output.
pub fn package_list(ws: &Workspace) -> Vec<PackageOut> {
    ws.packages
        .iter()
        .map(|p| PackageOut {
            name: p.name.clone(),
            path: if p.dir.is_empty() {
                ".".to_owned()
            } else {
                p.dir.clone()
            },
            ecosystem: p.ecosystem,
        })
        .collect()
}

/// Run the package audit over the landed changes (newest first, with their diffs and bases)
/// and fill each change's `packages`. None when the trunk's tip has fewer than two packages.
/// With a cache, changes audited by an earlier run are read from it and the new ones stored.
/// `tick(n)`: n more changes audited (for a progress bar).
#[allow(clippy::too_many_arguments)] // the stage's inputs, each a different thing
pub fn audit_changes(
    repo: &Repo,
    cache: Option<&crate::cache::Cache>,
    trunk_tip: Oid,
    changes: &mut [Change],
    bases: &[Option<Oid>],
    diffs: &[DiffStat],
    cfg: &monorepo::Config,
    ci_files: &[String],
    tick: &(dyn Fn(u64) + Sync),
) -> Result<Option<MonorepoSection>> {
    let mut known = cache.map(|c| store::load(c, cfg)).unwrap_or_default();
    let memo = Memo::default();
    let mut fresh = false;
    let tip = match known.tip.take().filter(|t| t.commit == trunk_tip) {
        Some(t) => t,
        None => {
            fresh = true;
            tip_summary(repo, trunk_tip, cfg, &memo)?
        }
    };
    known.tip = Some(tip.clone());
    if tip.packages.len() < 2 {
        if let (Some(c), true) = (cache, fresh) {
            store::store(c, cfg, &known);
        }
        return Ok(None);
    }
    let keys: Vec<ChangeKey> = (0..changes.len())
        .map(|i| (bases[i], changes[i].commit))
        .collect();
    let work = Work {
        keys: &keys,
        bases,
        diffs,
        cfg,
        memo: &memo,
    };
    fresh |= fill(repo, &work, &mut known, tick)?;
    let facts = change_facts(changes, &keys, diffs, &known)?;
    let newest = known.newest.as_ref().map(|(_, inv)| inv);
    let audit = monorepo::audit_facts(&facts, newest, &monorepo::AuditOptions::default());
    if let (Some(c), true) = (cache, fresh) {
        store::store(c, cfg, &known);
    }
    let ci_path_aware = ci_path_aware(repo, trunk_tip, ci_files)?;
    Ok(Some(section(changes, tip, audit, ci_path_aware)))
}

/// The packages and diagnostics at `commit`.
fn tip_summary(
    repo: &Repo,
    commit: Oid,
    cfg: &monorepo::Config,
    memo: &Memo,
) -> Result<TipSummary> {
    let snap = TreeSnapshot::at(repo, Some(commit))?.with_memo(memo);
    let ws = monorepo::discover(&snap, cfg);
    Ok(TipSummary {
        commit,
        packages: package_list(&ws),
        diagnostics: ws.diagnostics,
    })
}

/// The section from the tip's packages, the audit and the CI files.
fn section(
    changes: &[Change],
    tip: TipSummary,
    audit: monorepo::Audit,
    ci_path_aware: Vec<String>,
) -> MonorepoSection {
    let team_size = {
        let mut a: Vec<&str> = changes.iter().map(|c| c.author.as_str()).collect();
        a.sort_unstable();
        a.dedup();
        a.len()
    };
    let mut language_mix = std::collections::BTreeMap::new();
    for p in &tip.packages {
        *language_mix
            .entry(format!("{:?}", p.ecosystem).to_lowercase())
            .or_insert(0) += 1;
    }
    MonorepoSection {
        packages: tip.packages,
        diagnostics: tip.diagnostics,
        factors: Factors {
            coupling_frequency: audit.multi_package_share,
            team_size,
            language_mix,
            ci_path_aware,
        },
        audit,
    }
}

/// What every segment of the audit reads.
struct Work<'a> {
    /// Base and commit of each change.
    keys: &'a [ChangeKey],
    bases: &'a [Option<Oid>],
    diffs: &'a [DiffStat],
    cfg: &'a monorepo::Config,
    memo: &'a Memo,
}

/// The delta-base cache of each audit thread. The audit reads a few blobs per change, mostly
/// lockfile versions whose parse is memoized: on vite's full history 8 MiB per thread costs
/// no measurable time and lowers the peak memory (docs/benchmarks.md).
const AUDIT_DELTA_CACHE: usize = 8 * 1024 * 1024;

/// Audit the changes `known` lacks (and the newest one, when its workspace's inventory is
/// not known) into `known`. Whether anything was computed.
fn fill(repo: &Repo, work: &Work, known: &mut Known, tick: &(dyn Fn(u64) + Sync)) -> Result<bool> {
    let n = work.keys.len();
    let newest = work.keys.first().copied();
    if known.newest.as_ref().map(|(k, _)| Some(*k)) != Some(newest) {
        known.newest = None;
    }
    // Changes come newest first in first-parent order (per branch): walking them backwards,
    // each change's base is the previous change's head, so the tree moves by one diff.
    // Contiguous segments of that walk run in parallel, each from a tree listing of its own.
    let todo: Vec<usize> = (0..n)
        .rev()
        .filter(|i| {
            !known.changes.contains_key(&work.keys[*i]) || (*i == 0 && known.newest.is_none())
        })
        .collect();
    tick((n - todo.len()) as u64);
    if todo.is_empty() {
        return Ok(false);
    }
    let threads = rayon::current_num_threads().max(1);
    // Many small segments balance the load (the cost sits where the workspace is large),
    // at the price of one tree listing and discovery per segment.
    let per = todo.len().div_ceil(threads * 16).max(128);
    let shared = repo.shared();
    let segments: Vec<Segment> = todo
        .par_chunks(per)
        .map_init(
            || shared.local_with_delta_cache(AUDIT_DELTA_CACHE),
            |r, chunk| {
                let seg = audit_segment(r, chunk, work);
                tick(chunk.len() as u64);
                seg
            },
        )
        .collect::<Result<_>>()?;
    for seg in segments {
        for (i, stored) in seg.results {
            known.changes.insert(work.keys[i], stored);
        }
        if let (Some(inv), Some(k)) = (seg.newest, newest) {
            known.newest = Some((k, inv));
        }
    }
    Ok(true)
}

/// Each change's `packages` set, and its facts for the audit, oldest first.
fn change_facts(
    changes: &mut [Change],
    keys: &[ChangeKey],
    diffs: &[DiffStat],
    known: &Known,
) -> Result<Vec<monorepo::ChangeFacts>> {
    let mut facts = Vec::with_capacity(changes.len());
    for i in (0..changes.len()).rev() {
        let s = known.changes.get(&keys[i]).ok_or_else(|| {
            anyhow::anyhow!("package audit: commit {} was not audited", keys[i].1)
        })?;
        changes[i].packages = Some(s.packages.clone());
        facts.push(monorepo::ChangeFacts {
            id: changes[i].commit.short(10),
            files: diffs[i].files.len(),
            changed: s.packages.changed.iter().cloned().collect(),
            affected: s.packages.affected.len(),
            total_packages: s.total_packages,
            all: s.all,
            global: s.global,
        });
    }
    Ok(facts)
}

/// What one segment computed: per change (index into the changes) what the audit keeps, and
/// the inventory of the newest change's workspace when the segment holds it.
struct Segment {
    results: Vec<(usize, Stored)>,
    newest: Option<monorepo::Inventory>,
}

/// What the audit keeps of a change whose head workspace is `head`.
fn stored(r: &Affected, head: &Workspace) -> Stored {
    Stored {
        packages: ChangePackages {
            changed: r.changed.iter().map(|p| p.path.clone()).collect(),
            affected: r.affected.iter().map(|p| p.path.clone()).collect(),
        },
        total_packages: head.packages.len(),
        all: r.all,
        global: !r.global.is_empty(),
    }
}

/// Workspaces a segment keeps by discovery key: the walk moves forward, so a workspace is
/// rarely needed again once its manifests change (a revert is the exception). Bounded, as a
/// segment of vite's history discovers dozens of 280-package workspaces.
const WORKSPACES_KEPT: usize = 8;

/// The workspaces of one segment by discovery key, the least recently used dropped first.
struct Workspaces<'a> {
    kept: clru::CLruCache<u64, Rc<Workspace>>,
    cfg: &'a monorepo::Config,
}

impl Workspaces<'_> {
    /// The workspace of `snap`: discovered unless one with the same inputs is kept.
    fn of(&mut self, snap: &TreeSnapshot<'_>) -> Rc<Workspace> {
        let key = monorepo::cache_key(snap);
        if let Some(ws) = self.kept.get(&key) {
            return Rc::clone(ws);
        }
        let ws = Rc::new(monorepo::discover(snap, self.cfg));
        self.kept.put(key, Rc::clone(&ws));
        ws
    }
}

/// Audit a contiguous run of changes, oldest first, moving one tree snapshot along it.
fn audit_segment(repo: &Repo, order: &[usize], work: &Work) -> Result<Segment> {
    let opts = AffectedOptions::default();
    let mut spaces = Workspaces {
        kept: clru::CLruCache::new(NonZeroUsize::new(WORKSPACES_KEPT).unwrap_or(NonZeroUsize::MIN)),
        cfg: work.cfg,
    };
    let mut current: Option<(Option<Oid>, TreeSnapshot<'_>, Rc<Workspace>)> = None;
    let mut seg = Segment {
        results: Vec::with_capacity(order.len()),
        newest: None,
    };
    for &i in order {
        let base = work.bases[i];
        let diff = &work.diffs[i];
        let (base_snap, base_ws) = match current.take() {
            Some((commit, snap, ws)) if commit == base => (snap, ws),
            _ => {
                let snap = TreeSnapshot::at(repo, base)?.with_memo(work.memo);
                let ws = spaces.of(&snap);
                (snap, ws)
            }
        };
        let changed = changed_paths(diff);
        let (head_snap, head_ws, result) = if touches_meaning(diff) {
            let mut head = base_snap.clone();
            head.apply(diff);
            let head_ws = if touches_discovery(diff) {
                spaces.of(&head)
            } else {
                Rc::clone(&base_ws)
            };
            let mut r = monorepo::affected(&base_ws, &head_ws, &changed, &base_snap, &head, &opts);
            keep_broken_packages(&mut r, &base_ws, &head_ws);
            (head, head_ws, r)
        } else {
            // Only non-manifest files changed: the engine reads neither tree by path.
            let r = monorepo::affected(&base_ws, &base_ws, &changed, &base_snap, &base_snap, &opts);
            let mut head = base_snap;
            head.apply(diff);
            (head, base_ws, r)
        };
        seg.results.push((i, stored(&result, &head_ws)));
        if i == 0 {
            seg.newest = Some(monorepo::Inventory::of(&head_ws));
        }
        current = Some((Some(work.keys[i].1), head_snap, head_ws));
    }
    Ok(seg)
}

/// CI files whose text selects work by changed paths or affected targets.
pub fn ci_path_aware(repo: &Repo, commit: Oid, ci_files: &[String]) -> Result<Vec<String>> {
    const MARKERS: &[&str] = &[
        "paths:",
        "paths-ignore:",
        "paths-filter",
        "changed-files",
        "changes:",
        "nx affected",
        "affected:",
        "turbo run",
        "--filter",
        "bazel-diff",
        "target-determinator",
        "repohealth affected",
        "pnpm --filter",
        "lerna run --since",
    ];
    let mut out = Vec::new();
    for f in ci_files {
        if let Some(text) = repo.blob_at(commit, f)? {
            let text = String::from_utf8_lossy(&text);
            if MARKERS.iter().any(|m| text.contains(m)) {
                out.push(f.clone());
            }
        }
    }
    Ok(out)
}

/// The answer of `repohealth affected`, with the revisions it compared.
#[derive(Clone, Debug, Serialize)]
pub struct AffectedReport {
    pub schema_version: u32,
    pub base: String,
    pub head: String,
    /// The commit the diff starts from: the merge base of base and head (or base itself when
    /// the histories share no commit).
    pub merge_base: Option<Oid>,
    pub head_commit: Oid,
    #[serde(flatten)]
    pub result: Affected,
}

/// `base...head` semantics: changed paths from the merge base to head, mapped to packages
/// through the base and head graphs (docs/monorepo.md, rules 1, 2, 6).
pub fn affected_range(
    repo: &Repo,
    base: &str,
    head: &str,
    cfg: &monorepo::Config,
    opts: &AffectedOptions,
) -> Result<AffectedReport> {
    let head_commit = repo.resolve(head)?;
    let head_snap = TreeSnapshot::at(repo, Some(head_commit))?;
    let head_ws = monorepo::discover(&head_snap, cfg);
    let base_commit = match repo.resolve(base) {
        Ok(b) => b,
        Err(e) => {
            // Rule 2: a missing base marks everything, and says why.
            let reason =
                format!("base '{base}' cannot be resolved ({e:#}): everything is affected");
            let mut result = monorepo::affected_all(&head_ws, &reason);
            result.warnings.push(reason);
            return Ok(AffectedReport {
                schema_version: crate::model::SCHEMA_VERSION,
                base: base.to_owned(),
                head: head.to_owned(),
                merge_base: None,
                head_commit,
                result,
            });
        }
    };
    let mut warnings = Vec::new();
    let from = match repo.merge_base(base_commit, head_commit)? {
        Some(mb) => mb,
        None => {
            warnings.push(format!(
                "{base} and {head} share no history (shallow or unrelated): diffing against {base} itself"
            ));
            base_commit
        }
    };
    let diff = repo.changed_files(Some(from), head_commit)?;
    let base_snap = TreeSnapshot::at(repo, Some(from))?;
    let base_ws = monorepo::discover(&base_snap, cfg);
    let mut result = monorepo::affected(
        &base_ws,
        &head_ws,
        &changed_paths(&diff),
        &base_snap,
        &head_snap,
        opts,
    );
    keep_broken_packages(&mut result, &base_ws, &head_ws);
    warnings.extend(head_ws.diagnostics.iter().map(|d| d.to_string()));
    result.warnings.extend(warnings);
    Ok(AffectedReport {
        schema_version: crate::model::SCHEMA_VERSION,
        base: base.to_owned(),
        head: head.to_owned(),
        merge_base: Some(from),
        head_commit,
        result,
    })
}

/// A package whose manifest no longer parses at head would otherwise look removed, and CI
/// would skip exactly the package that was just broken: keep it affected, and say why.
fn keep_broken_packages(result: &mut Affected, base: &Workspace, head: &Workspace) {
    let broken = |dir: &str| {
        let pkg = base
            .packages
            .iter()
            .find(|p| monorepo::shown_dir(&p.dir) == dir)?;
        head.diagnostics.iter().find(|d| d.file == pkg.manifest)
    };
    let mut kept = Vec::new();
    result.removed.retain(|p| match broken(&p.path) {
        Some(d) => {
            let mut p = p.clone();
            p.reason = format!("manifest cannot be read at head: {d}");
            kept.push(p);
            false
        }
        None => true,
    });
    for p in kept {
        if !result.changed.iter().any(|c| c.path == p.path) {
            result.changed.push(p.clone());
        }
        if !result.affected.iter().any(|c| c.path == p.path) {
            result.affected.push(p);
        }
    }
}

/// The package graph at a revision.
pub fn workspace_at(repo: &Repo, rev: &str, cfg: &monorepo::Config) -> Result<Workspace> {
    let commit = repo.resolve(rev)?;
    let snap = TreeSnapshot::at(repo, Some(commit))?;
    Ok(monorepo::discover(&snap, cfg))
}
