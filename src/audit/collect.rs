//! From repositories to [`RepoInput`]s: each repository runs through the `analyze` pipeline
//! (in parallel), then its tip's packages and their requirements are read, and the manifests
//! that matter across repositories are followed along the window's landings.

use super::{Landing, Release, ReleaseSource, RepoInput, RepoPackage, RequirementChange, TagInput};
use crate::config::Config;
use crate::git::Repo;
use crate::model::{Oid, Timestamp};
use crate::monorepo::{self, Owner, Workspace};
use crate::pipeline::{self, Options};
use anyhow::{Context, Result};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A command line the audit cannot take.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("two repositories are named '{name}' ({} and {}): name them with NAME=PATH", first.display(), second.display())]
    SameName {
        name: String,
        first: PathBuf,
        second: PathBuf,
    },
}

/// One repository on the command line: `NAME=PATH` or `PATH`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub name: Option<String>,
    pub path: PathBuf,
}

impl Target {
    /// `NAME=PATH` when the part before the first `=` is a plain name (no `/`).
    pub fn parse(arg: &str) -> Target {
        match arg.split_once('=') {
            Some((n, p)) if !n.is_empty() && !n.contains(['/', '\\']) && !p.is_empty() => Target {
                name: Some(n.to_string()),
                path: PathBuf::from(p),
            },
            _ => Target {
                name: None,
                path: PathBuf::from(arg),
            },
        }
    }
}

/// The last path segment of a remote URL, without `.git`: `git@github.com:org/app.git` ->
/// `app`.
pub fn name_from_url(url: &str) -> Option<String> {
    let tail = url
        .trim_end_matches('/')
        .rsplit(['/', ':'])
        .next()?
        .trim_end_matches(".git");
    (!tail.is_empty()).then(|| tail.to_string())
}

/// The directory's name, without `.git`; a `.git` directory stands for its parent.
pub fn name_from_dir(path: &Path) -> Option<String> {
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut last = abs.file_name()?.to_string_lossy().into_owned();
    if last == ".git" {
        last = abs.parent()?.file_name()?.to_string_lossy().into_owned();
    }
    let last = last.trim_end_matches(".git").to_string();
    (!last.is_empty()).then_some(last)
}

/// Names for the targets (given, else origin's repository name, else the directory name);
/// two equal names are a usage error.
pub fn names(targets: &[Target]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for t in targets {
        let name = match &t.name {
            Some(n) => n.clone(),
            None => {
                let repo =
                    Repo::open(&t.path).with_context(|| format!("opening {}", t.path.display()))?;
                repo.origin_url()
                    .and_then(|u| name_from_url(&u))
                    .or_else(|| name_from_dir(&t.path))
                    .unwrap_or_else(|| t.path.display().to_string())
            }
        };
        if let Some(i) = out.iter().position(|n| n.eq_ignore_ascii_case(&name)) {
            return Err(AuditError::SameName {
                name,
                first: targets[i].path.clone(),
                second: t.path.clone(),
            }
            .into());
        }
        out.push(name);
    }
    Ok(out)
}

/// What the command line asks for, per repository.
pub struct Request {
    pub since: Option<Timestamp>,
    pub until: Timestamp,
    pub until_explicit: bool,
    pub config: Option<PathBuf>,
    /// `--trunk`, for every repository (else each one's configuration or default).
    pub trunk: Option<String>,
    pub quiet: bool,
    /// `--no-cache` / `--cache-dir`, for every repository (each keeps its own entry).
    pub cache: crate::cache::CacheSetting,
}

/// Phase one, per repository: the pipeline, then the tip's packages.
struct Analysed {
    workspace: Workspace,
    input: RepoInput,
}

fn config_for(req: &Request, path: &Path) -> Result<Config> {
    let root = Repo::open(path)
        .ok()
        .and_then(|r| r.facts().ok())
        .filter(|f| !f.bare)
        .map(|f| f.path);
    Config::load(req.config.as_deref(), root.as_deref())
}

/// What the audit reads of one repository's history.
struct HistoryRead {
    path: String,
    trunk: String,
    tip: Oid,
    /// Landed changes (the classification of `analyze`).
    changes: Vec<crate::model::Change>,
    /// The whole message of each landing commit.
    messages: std::collections::HashMap<Oid, String>,
    tags: Vec<crate::score::Tag>,
    ci_files: Vec<String>,
    warnings: Vec<String>,
    monorepo: Option<crate::packages::MonorepoSection>,
}

/// The stages of `analyze` the audit needs. One repository runs the whole pipeline (its
/// package audit answers the reverse questions). Across repositories only the stages whose
/// results the audit uses run: opening the history, classifying the landings, the inventory
/// (tags, CI files); sizes and scores are not part of the audit.
fn read_history(opts: &Options, package_audit: bool) -> Result<HistoryRead> {
    if package_audit {
        let a = pipeline::run(opts)?;
        let repo = Repo::open(&opts.path)?;
        let tip = repo.resolve(&a.repository.trunk)?;
        let ids: Vec<Oid> = a.changes.iter().map(|c| c.commit).collect();
        let messages = repo
            .commits(&ids)?
            .into_iter()
            .map(|c| (c.id, c.message))
            .collect();
        return Ok(HistoryRead {
            path: a.repository.path,
            trunk: a.repository.trunk,
            tip,
            changes: a.changes,
            messages,
            tags: a.tags,
            ci_files: a.ci_files,
            warnings: a.warnings,
            monorepo: a.monorepo,
        });
    }
    let progress = pipeline::Progress::new(true);
    let open = pipeline::open_history(opts, &progress)?;
    let landings = pipeline::classify_landings(&open, opts, &progress)?;
    let inventory = pipeline::inventory_branches(&open, opts.until, &progress)?;
    // The walked commits keep only the lines the classifier reads: their whole messages are read.
    let ids: Vec<Oid> = landings
        .changes
        .iter()
        .map(|c| c.commit)
        .filter(|id| landings.commits.contains_key(id))
        .collect();
    let messages = open
        .ctx
        .repo
        .commits(&ids)?
        .into_iter()
        .map(|c| (c.id, c.message))
        .collect();
    let mut warnings = open.ctx.warnings.clone();
    warnings.extend(landings.warnings);
    Ok(HistoryRead {
        path: open.ctx.facts.path.display().to_string(),
        trunk: open.ctx.trunk.name.clone(),
        tip: open.ctx.trunk.tip,
        changes: landings.changes,
        messages,
        tags: inventory.tags,
        ci_files: inventory.ci_files,
        warnings,
        monorepo: None,
    })
}

fn analyse(name: &str, path: &Path, req: &Request, package_audit: bool) -> Result<Analysed> {
    let config = config_for(req, path)?;
    let mono_cfg = pipeline::monorepo_config(&config)?;
    let opts = Options {
        path: path.to_path_buf(),
        trunk: req.trunk.clone().or_else(|| config.trunk.clone()),
        since: req.since,
        until: req.until,
        until_explicit: req.until_explicit,
        config: config.clone(),
        quiet: true,
        remerge: None,
        cache: req.cache.clone(),
    };
    let h = read_history(&opts, package_audit)?;
    let tip = h.tip;
    let repo = Repo::open(path)?;
    let ws = crate::packages::workspace_at(&repo, &tip.to_hex(), &mono_cfg)?;
    let packages = repo_packages(&repo, tip, &ws)?;
    let internal_edges = internal_edges(&ws);
    let landings = landings(&h, &config);
    let files: Vec<String> = repo
        .tree_files(tip)?
        .iter()
        .map(|f| String::from_utf8_lossy(&f.path).into_owned())
        .collect();
    let ci_path_aware = crate::packages::ci_path_aware(&repo, tip, &h.ci_files)?;
    // A monorepo's package audit already knows the packages every landing changed.
    let touched = h
        .changes
        .iter()
        .filter_map(|c| Some((c.commit, c.packages.as_ref()?.changed.clone())))
        .collect();
    let input = RepoInput {
        name: name.to_string(),
        path: h.path.clone(),
        trunk: h.trunk.clone(),
        landings,
        packages,
        internal_edges,
        tags: h
            .tags
            .iter()
            .map(|t| TagInput {
                name: t.name.clone(),
                target: t.target,
                time: t.time,
            })
            .collect(),
        manifest_releases: Vec::new(),
        requirement_changes: Vec::new(),
        ci_files: h.ci_files.clone(),
        ci_path_aware,
        build_systems: super::teams::build_systems(&files),
        warnings: h.warnings.clone(),
        monorepo: h.monorepo.clone(),
        touched,
    };
    Ok(Analysed {
        workspace: ws,
        input,
    })
}

/// The packages of the workspace at the tip, named as their registry names them, with the
/// facts (version, requirements, group) their manifests declare.
fn repo_packages(repo: &Repo, tip: Oid, ws: &Workspace) -> Result<Vec<RepoPackage>> {
    let mut packages = Vec::new();
    for p in &ws.packages {
        let mut facts = None;
        for manifest in monorepo::registry_manifests(&p.manifest) {
            if monorepo::manifest_ecosystem(&manifest) != Some(p.ecosystem) {
                continue;
            }
            if let Some(b) = repo.blob_at(tip, &manifest)? {
                facts = monorepo::manifest_facts(p.ecosystem, &String::from_utf8_lossy(&b));
                break;
            }
        }
        let mut facts = facts.unwrap_or_default();
        // Names as the registry compares them, on both sides of an edge.
        for q in &mut facts.requires {
            q.name = monorepo::registry_name(p.ecosystem, &q.name);
        }
        let name = match &facts.group {
            // Gradle publishes a project as `group:name`, the name being the last segment of
            // its project path (`:libs:core` -> `core`).
            Some(g) => format!("{g}:{}", p.name.rsplit(':').next().unwrap_or(&p.name)),
            None => monorepo::registry_name(p.ecosystem, &p.name),
        };
        packages.push(RepoPackage {
            name,
            dir: monorepo::shown_dir(&p.dir).to_string(),
            ecosystem: p.ecosystem,
            version: p.version.clone().or(facts.version),
            requires: facts.requires,
        });
    }
    Ok(packages)
}

/// The workspace's own edges, between package directories as shown.
fn internal_edges(ws: &Workspace) -> Vec<(String, String, crate::monorepo::EdgeKind)> {
    ws.edges()
        .into_iter()
        .filter_map(|(a, b, k)| {
            Some((
                monorepo::shown_dir(&ws.package(a)?.dir).to_string(),
                monorepo::shown_dir(&ws.package(b)?.dir).to_string(),
                k,
            ))
        })
        .collect()
}

/// The landed changes in landing order, with their whole messages and bot flags.
fn landings(h: &HistoryRead, config: &Config) -> Vec<Landing> {
    let mut changes: Vec<&crate::model::Change> = h.changes.iter().collect();
    changes.sort_by_key(|c| (c.landed_at, c.commit));
    changes
        .iter()
        .map(|c| Landing {
            commit: c.commit,
            commits: c.commits.clone(),
            landed_at: c.landed_at,
            author: c.author.clone(),
            bot: crate::score::is_bot(&c.author, &config.bots),
            subject: c.subject.clone(),
            message: h.messages.get(&c.commit).cloned().unwrap_or_default(),
            source_branch: c.source_branch.clone(),
            pr: c.pr,
        })
        .collect()
}

/// A manifest worth following along the landings, and the index of its package.
struct Tracked {
    manifest: String,
    package: usize,
}

/// The manifests of packages others require or that require packages defined elsewhere.
fn tracked_manifests(
    input: &RepoInput,
    ws: &Workspace,
    required: &BTreeSet<String>,
    defined_elsewhere: &BTreeSet<String>,
) -> Vec<Tracked> {
    let mut tracked = Vec::new();
    for (i, p) in ws.packages.iter().enumerate() {
        let rp = &input.packages[i];
        let consumes = rp
            .requires
            .iter()
            .any(|q| defined_elsewhere.contains(&q.name));
        if (required.contains(&rp.name) || consumes)
            && monorepo::manifest_ecosystem(&p.manifest) == Some(p.ecosystem)
        {
            tracked.push(Tracked {
                manifest: p.manifest.clone(),
                package: i,
            });
        }
    }
    tracked
}

/// The requirements on packages defined elsewhere that a landing changed in one manifest
/// (its facts `old` before and `new` after it).
fn requirement_changes(
    pkg: &RepoPackage,
    l: &Landing,
    old: &Option<monorepo::ManifestFacts>,
    new: &Option<monorepo::ManifestFacts>,
    defined_elsewhere: &BTreeSet<String>,
) -> Vec<RequirementChange> {
    let mut changes = Vec::new();
    let reqs = |f: &Option<monorepo::ManifestFacts>| -> BTreeMap<String, Option<String>> {
        f.iter()
            .flat_map(|f| f.requires.iter())
            .map(|q| {
                let name = monorepo::registry_name(pkg.ecosystem, &q.name);
                (name, q.requirement.clone())
            })
            .filter(|(n, _)| defined_elsewhere.contains(n))
            .collect()
    };
    let (before, after) = (reqs(old), reqs(new));
    let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for n in names {
        let (b, a) = (
            before.get(n).cloned().flatten(),
            after.get(n).cloned().flatten(),
        );
        if b != a {
            changes.push(RequirementChange {
                package: pkg.name.clone(),
                dir: pkg.dir.clone(),
                dependency: n.clone(),
                before: b,
                after: a,
                at: l.landed_at,
                commit: l.commit,
            });
        }
    }
    changes
}

/// Phase two: follow the manifests that matter across repositories along the landings:
/// version changes of packages others require (releases), and requirement changes on
/// packages other repositories define (bumps).
fn follow_manifests(
    path: &Path,
    input: &mut RepoInput,
    ws: &Workspace,
    required: &BTreeSet<String>,
    defined_elsewhere: &BTreeSet<String>,
) -> Result<()> {
    let tracked = tracked_manifests(input, ws, required, defined_elsewhere);
    if tracked.is_empty() || input.landings.is_empty() {
        return Ok(());
    }
    let repo = Repo::open(path)?;
    let paths: Vec<String> = tracked.iter().map(|t| t.manifest.clone()).collect();
    let facts_of = |blob: Option<Oid>, eco| -> Result<Option<monorepo::ManifestFacts>> {
        Ok(match blob {
            Some(b) => monorepo::manifest_facts(eco, &String::from_utf8_lossy(&repo.blob(b)?)),
            None => None,
        })
    };
    // The state before the window's first landing.
    let first = &input.landings[0];
    let first_commit = first.commits.first().copied().unwrap_or(first.commit);
    let base = repo.commit(first_commit)?.parents.first().copied();
    let mut blobs: Vec<Option<Oid>> = match base {
        Some(b) => repo.blob_ids_at(b, &paths)?,
        None => vec![None; paths.len()],
    };
    let mut facts: Vec<Option<monorepo::ManifestFacts>> = Vec::with_capacity(paths.len());
    for t in &tracked {
        facts.push(facts_of(
            blobs[facts.len()],
            ws.packages[t.package].ecosystem,
        )?);
    }
    let mut releases = Vec::new();
    let mut changes = Vec::new();
    for l in &input.landings {
        let now = repo.blob_ids_at(l.commit, &paths)?;
        for (k, t) in tracked.iter().enumerate() {
            if now[k] == blobs[k] {
                continue;
            }
            let pkg = &input.packages[t.package];
            let new = facts_of(now[k], pkg.ecosystem)?;
            let old_version = facts[k].as_ref().and_then(|f| f.version.clone());
            let new_version = new.as_ref().and_then(|f| f.version.clone());
            if required.contains(&pkg.name) && new_version.is_some() && new_version != old_version {
                releases.push(Release {
                    package: pkg.name.clone(),
                    version: new_version.clone().unwrap_or_default(),
                    at: l.landed_at,
                    commit: l.commit,
                    tag: None,
                    source: ReleaseSource::Manifest,
                });
            }
            changes.extend(requirement_changes(
                pkg,
                l,
                &facts[k],
                &new,
                defined_elsewhere,
            ));
            facts[k] = new;
            blobs[k] = now[k];
        }
    }
    input.manifest_releases = releases;
    input.requirement_changes = changes;
    Ok(())
}

/// Package directories a landing's diff touches, at the tip's package layout.
fn touched_packages(repo: &Repo, ws: &Workspace, l: &Landing) -> Result<Vec<String>> {
    let first = l.commits.first().copied().unwrap_or(l.commit);
    let parent = repo.commit(first)?.parents.first().copied();
    let diff = repo.changed_files(parent, l.commit)?;
    let mut out = BTreeSet::new();
    for f in &diff.files {
        match ws.owner(&f.path) {
            Owner::Package(id) => {
                if let Some(p) = ws.package(id) {
                    out.insert(monorepo::shown_dir(&p.dir).to_string());
                }
            }
            Owner::Global(eco) => {
                for p in ws
                    .packages
                    .iter()
                    .filter(|p| eco.is_none_or(|e| e == p.ecosystem))
                {
                    out.insert(monorepo::shown_dir(&p.dir).to_string());
                }
            }
            Owner::Ignored | Owner::Unowned => {}
        }
    }
    Ok(out.into_iter().collect())
}

/// The whole collection: inputs, change sets (with the packages their landings touched),
/// author-window sets.
pub struct Collected {
    pub inputs: Vec<RepoInput>,
    pub change_sets: Vec<super::sets::ChangeSet>,
    pub author_window_sets: Vec<super::sets::ChangeSet>,
}

pub fn collect(
    targets: &[Target],
    names: &[String],
    req: &Request,
    opts: &super::AuditOptions,
) -> Result<Collected> {
    let single = targets.len() == 1;
    let mut analysed: Vec<Analysed> = targets
        .par_iter()
        .zip(names.par_iter())
        .map(|(t, n)| {
            if !req.quiet {
                eprintln!("repohealth: auditing {n} ({})", t.path.display());
            }
            analyse(n, &t.path, req, single)
                .with_context(|| format!("auditing {n} ({})", t.path.display()))
        })
        .collect::<Result<_>>()?;
    follow_all_manifests(&mut analysed)?;
    let mut inputs: Vec<RepoInput> = analysed.iter().map(|a| a.input.clone()).collect();
    let releases = super::deps::releases(&inputs);
    let bumps = super::deps::bumps(&inputs, &releases);
    let (change_sets, author_window_sets) = super::sets::find_sets(&inputs, &bumps, opts);
    touch_set_landings(&analysed, &mut inputs, &change_sets)?;
    Ok(Collected {
        inputs,
        change_sets,
        author_window_sets,
    })
}

/// Follow, in every repository, the history of the manifests that matter across repositories:
/// the packages others require, and the packages that require what another one defines.
fn follow_all_manifests(analysed: &mut [Analysed]) -> Result<()> {
    let required: BTreeSet<String> = analysed
        .iter()
        .flat_map(|a| {
            a.input
                .packages
                .iter()
                .flat_map(|p| p.requires.iter().map(|q| q.name.clone()))
        })
        .collect();
    let defined: Vec<BTreeSet<String>> = analysed
        .iter()
        .map(|a| a.input.packages.iter().map(|p| p.name.clone()).collect())
        .collect();
    analysed
        .par_iter_mut()
        .enumerate()
        .map(|(i, a)| {
            let own = &defined[i];
            let required_here: BTreeSet<String> = required
                .iter()
                .filter(|n| own.contains(*n))
                .cloned()
                .collect();
            let elsewhere: BTreeSet<String> = defined
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .flat_map(|(_, d)| d.iter().cloned())
                .filter(|n| !own.contains(n))
                .collect();
            let path = PathBuf::from(&a.input.path);
            follow_manifests(
                &path,
                &mut a.input,
                &a.workspace,
                &required_here,
                &elsewhere,
            )
            .with_context(|| format!("reading the manifest history of {}", a.input.name))
        })
        .collect::<Result<Vec<()>>>()?;
    Ok(())
}

/// The packages each landing of a coordinated set touched, for the CI replay.
fn touch_set_landings(
    analysed: &[Analysed],
    inputs: &mut [RepoInput],
    change_sets: &[super::sets::ChangeSet],
) -> Result<()> {
    for (ri, a) in analysed.iter().enumerate() {
        let wanted: Vec<Oid> = change_sets
            .iter()
            .flat_map(|s| s.landings.iter())
            .filter(|l| l.repository == a.input.name)
            .map(|l| l.commit)
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let repo = Repo::open(Path::new(&a.input.path))?;
        for id in wanted {
            if let Some(l) = a.input.landings.iter().find(|l| l.commit == id) {
                let t = touched_packages(&repo, &a.workspace, l)
                    .with_context(|| format!("diffing {id} in {}", a.input.name))?;
                inputs[ri].touched.insert(id, t);
            }
        }
    }
    Ok(())
}
