//! Cargo workspaces (rules 12-23).

use std::collections::{BTreeMap, BTreeSet};

use toml::{Table, Value};

use crate::monorepo::support::lock::{self, LockGraph, LockNode};
use crate::monorepo::support::paths::{self, child, is_under, join, parent};
use crate::monorepo::support::{parse_toml, read_at, toml_strings, Ctx, Effect, Sides};
use crate::monorepo::types::{Ecosystem, EdgeKind, Package, Root};

/// A workspace's lockfile, diffed as a resolved graph (rule 22).
pub(crate) const LOCKFILES: &[&str] = &["Cargo.lock"];

const DEP_TABLES: &[(&str, EdgeKind)] = &[
    ("dependencies", EdgeKind::Normal),
    ("dev-dependencies", EdgeKind::Dev),
    ("dev_dependencies", EdgeKind::Dev),
    ("build-dependencies", EdgeKind::Build),
    ("build_dependencies", EdgeKind::Build),
];

/// Every dependency table of a manifest, `[target.'cfg(..)'.*]` included (rule 16).
pub(crate) fn dep_tables(t: &Table) -> Vec<(&Table, EdgeKind)> {
    fn push<'a>(t: &'a Table, out: &mut Vec<(&'a Table, EdgeKind)>) {
        for (key, kind) in DEP_TABLES {
            if let Some(d) = t.get(*key).and_then(Value::as_table) {
                out.push((d, *kind));
            }
        }
    }
    let mut out = Vec::new();
    push(t, &mut out);
    if let Some(targets) = t.get("target").and_then(Value::as_table) {
        for v in targets.values() {
            if let Some(tt) = v.as_table() {
                push(tt, &mut out);
            }
        }
    }
    out
}

/// crates.io compares names ignoring case and treating `-` and `_` alike.
pub(crate) fn registry_name(name: &str) -> String {
    name.to_lowercase().replace('_', "-")
}

fn is_glob(p: &str) -> bool {
    p.contains(['*', '?', '[', '{'])
}

/// A dependency after `workspace = true` and renames are resolved.
struct Dep {
    /// The name the registry or the target manifest knows (rule 18).
    real: String,
    /// Target directory of a path dependency, repository-relative.
    path: Option<String>,
    kind: EdgeKind,
    /// Key inherited from `[workspace.dependencies]` (rule 17).
    inherited: Option<String>,
}

struct WsInfo {
    dir: String,
    /// `[workspace.dependencies]` key -> (real name, absolute path if any).
    ws_deps: BTreeMap<String, (String, Option<String>)>,
    /// `[patch.*]` and `[replace]` name -> directory (rule 20).
    patches: BTreeMap<String, String>,
}

fn read_deps(cx: &mut Ctx, manifest: &str, t: &Table, ws: Option<&WsInfo>) -> Vec<Dep> {
    let dir = parent(manifest).to_string();
    let mut out = Vec::new();
    for (table, kind) in dep_tables(t) {
        for (key, spec) in table {
            let mut real = key.clone();
            let mut path = None;
            let mut inherited = None;
            let mut kind = kind;
            if let Some(s) = spec.as_table() {
                if let Some(p) = s.get("package").and_then(Value::as_str) {
                    real = p.to_string();
                }
                if s.get("optional").and_then(Value::as_bool) == Some(true) && kind != EdgeKind::Dev
                {
                    // Rule 19.
                    kind = EdgeKind::Optional;
                }
                if s.get("workspace").and_then(Value::as_bool) == Some(true) {
                    inherited = Some(key.clone());
                    match ws.and_then(|w| w.ws_deps.get(key)) {
                        Some((r, p)) => {
                            real = r.clone();
                            path = p.clone();
                        }
                        None => cx.diag(
                            manifest,
                            None,
                            format!(
                                "{key} inherits from [workspace.dependencies], which has no {key}"
                            ),
                        ),
                    }
                } else if let Some(p) = s.get("path").and_then(Value::as_str) {
                    match join(&dir, p) {
                        Some(j) => path = Some(j),
                        None => cx.diag(
                            manifest,
                            None,
                            format!("path dependency {key} = {p:?} escapes the repository"),
                        ),
                    }
                }
            }
            if path.is_none() {
                if let Some(d) = ws.and_then(|w| w.patches.get(&real)) {
                    path = Some(d.clone());
                }
            }
            out.push(Dep {
                real,
                path,
                kind,
                inherited,
            });
        }
    }
    out
}

fn ws_info(cx: &mut Ctx, dir: &str, t: &Table) -> WsInfo {
    let manifest = child(dir, "Cargo.toml");
    let mut ws_deps = BTreeMap::new();
    if let Some(d) = t
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(Value::as_table)
    {
        for (k, v) in d {
            let real = v
                .get("package")
                .and_then(Value::as_str)
                .unwrap_or(k)
                .to_string();
            let path = match v.get("path").and_then(Value::as_str) {
                Some(p) => {
                    let j = join(dir, p);
                    if j.is_none() {
                        cx.diag(
                            &manifest,
                            None,
                            format!("workspace dependency {k} escapes the repository"),
                        );
                    }
                    j
                }
                None => None,
            };
            ws_deps.insert(k.clone(), (real, path));
        }
    }
    let mut patches = BTreeMap::new();
    if let Some(p) = t.get("patch").and_then(Value::as_table) {
        for source in p.values().filter_map(Value::as_table) {
            for (k, v) in source {
                if let Some(path) = v.get("path").and_then(Value::as_str) {
                    let real = v.get("package").and_then(Value::as_str).unwrap_or(k);
                    if let Some(j) = join(dir, path) {
                        patches.insert(real.to_string(), j);
                    }
                }
            }
        }
    }
    if let Some(r) = t.get("replace").and_then(Value::as_table) {
        for (k, v) in r {
            if let Some(path) = v.get("path").and_then(Value::as_str) {
                let name = k.split(':').next().unwrap_or(k);
                if let Some(j) = join(dir, path) {
                    patches.insert(name.to_string(), j);
                }
            }
        }
    }
    WsInfo {
        dir: dir.to_string(),
        ws_deps,
        patches,
    }
}

/// A crate to add: its directory, its manifest and the workspace it belongs to (an index
/// into the workspaces' [`WsInfo`]).
struct Crate {
    dir: String,
    t: Table,
    ws: Option<usize>,
}

pub(crate) fn discover(cx: &mut Ctx) {
    let parsed = read_manifests(cx);
    let roots = paths::outermost(
        &parsed
            .iter()
            .filter(|(_, t)| t.contains_key("workspace"))
            .map(|(d, _)| d.clone())
            .collect::<Vec<_>>(),
    );
    let (mut crates, infos) = workspace_members(cx, &roots, &parsed);
    crates.extend(outside_members(cx, &roots, &parsed, &crates));
    // Add packages first, then edges (targets must exist).
    let mut added = Vec::new();
    for c in crates {
        if let Some(i) = add_crate(cx, &c, &infos) {
            added.push((i, c));
        }
    }
    for (i, c) in added {
        link_crate(cx, i, &c, c.ws.and_then(|w| infos.get(w)));
    }
}

/// Every parseable `Cargo.toml`, by directory.
fn read_manifests(cx: &mut Ctx) -> BTreeMap<String, Table> {
    let mut parsed: BTreeMap<String, Table> = BTreeMap::new();
    for m in cx.named("Cargo.toml") {
        if let Some(text) = cx.read_text(&m) {
            if let Some(t) = parse_toml(cx, &m, &text) {
                parsed.insert(parent(&m).to_string(), t);
            }
        }
    }
    parsed
}

/// The members of every outermost workspace, each workspace pushed as a root.
fn workspace_members(
    cx: &mut Ctx,
    roots: &[String],
    parsed: &BTreeMap<String, Table>,
) -> (Vec<Crate>, Vec<WsInfo>) {
    let mut crates = Vec::new();
    let mut infos = Vec::new();
    for root in roots {
        let Some(t) = parsed.get(root) else {
            continue;
        };
        let info = ws_info(cx, root, t);
        let members = members(cx, root, t, parsed, &info);
        cx.roots.push(Root {
            ecosystem: Ecosystem::Cargo,
            dir: root.clone(),
            manifest: child(root, "Cargo.toml"),
            lockfiles: LOCKFILES.iter().map(|f| child(root, f)).collect(),
        });
        let ws = Some(infos.len());
        infos.push(info);
        for m in members {
            if let Some(mt) = parsed.get(&m) {
                crates.push(Crate {
                    dir: m,
                    t: mt.clone(),
                    ws,
                });
            }
        }
    }
    (crates, infos)
}

/// Crates outside every workspace stand alone; crates inside one that are not members are
/// barriers (rule 4), and so are nested workspaces.
fn outside_members(
    cx: &mut Ctx,
    roots: &[String],
    parsed: &BTreeMap<String, Table>,
    members: &[Crate],
) -> Vec<Crate> {
    let claimed: BTreeSet<&str> = members.iter().map(|c| c.dir.as_str()).collect();
    let mut out = Vec::new();
    for (dir, t) in parsed {
        if claimed.contains(dir.as_str()) || roots.contains(dir) {
            continue;
        }
        let inside = roots.iter().any(|r| is_under(dir.as_bytes(), r.as_bytes()));
        if inside {
            cx.barrier(dir);
        } else if t.contains_key("package") {
            out.push(Crate {
                dir: dir.clone(),
                t: t.clone(),
                ws: None,
            });
        }
    }
    out
}

/// The crate's package (name, version, workspace root); `None` without `[package]`.
fn add_crate(cx: &mut Ctx, c: &Crate, infos: &[WsInfo]) -> Option<usize> {
    let manifest = child(&c.dir, "Cargo.toml");
    let Some(pkg) = c.t.get("package").and_then(Value::as_table) else {
        cx.diag(&manifest, None, "workspace member has no [package]");
        return None;
    };
    let name = pkg
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_else(|| paths::basename(&c.dir))
        .to_string();
    let version = pkg
        .get("version")
        .and_then(Value::as_str)
        .map(str::to_string);
    Some(cx.add_package(Package {
        name,
        dir: c.dir.clone(),
        ecosystem: Ecosystem::Cargo,
        manifest,
        version,
        root: c.ws.and_then(|w| infos.get(w)).map(|w| w.dir.clone()),
        inherits: Vec::new(),
        dep_names: Vec::new(),
    }))
}

/// The crate's edges to path dependencies in the tree, its dependency names and the keys
/// it inherits from `[workspace.dependencies]`.
fn link_crate(cx: &mut Ctx, i: usize, c: &Crate, info: Option<&WsInfo>) {
    let manifest = child(&c.dir, "Cargo.toml");
    let deps = read_deps(cx, &manifest, &c.t, info);
    let mut inherits = Vec::new();
    let mut names = Vec::new();
    for d in deps {
        names.push(d.real.clone());
        if let Some(k) = &d.inherited {
            inherits.push(k.clone());
        }
        let Some(target) = d.path else { continue };
        match cx.package_at(&target, Ecosystem::Cargo) {
            Some(j) => cx.edge(i, j, d.kind),
            None => {
                if !cx.exists(&child(&target, "Cargo.toml")) {
                    cx.diag(
                        &manifest,
                        None,
                        format!(
                            "path dependency {} points to {target:?}, which has no Cargo.toml",
                            d.real
                        ),
                    );
                }
            }
        }
    }
    inherits.sort();
    inherits.dedup();
    names.sort();
    names.dedup();
    if let Some(p) = cx.packages.get_mut(i) {
        p.inherits = inherits;
        p.dep_names = names;
    }
}

/// Members of the workspace rooted at `root`: globs, the root package, then path dependencies
/// under the root (rules 12-15, 20).
fn members(
    cx: &mut Ctx,
    root: &str,
    t: &Table,
    parsed: &BTreeMap<String, Table>,
    info: &WsInfo,
) -> Vec<String> {
    let manifest = child(root, "Cargo.toml");
    let ws = t.get("workspace");
    let excludes = excludes(cx, root, ws, parsed);
    let excluded = |d: &str| {
        excludes
            .iter()
            .any(|e| is_under(d.as_bytes(), e.as_bytes()))
    };
    let mut out: BTreeSet<String> = BTreeSet::new();
    // Rule 15: a root package is a member; `default-members` changes nothing.
    if t.contains_key("package") {
        out.insert(root.to_string());
    }
    for pat in toml_strings(ws.and_then(|w| w.get("members"))) {
        let Some(full) = paths::rebase_pattern(root, &pat) else {
            cx.diag(
                &manifest,
                None,
                format!("member {pat:?} escapes the repository"),
            );
            continue;
        };
        if !is_glob(&full) {
            add_member(cx, &manifest, &full, parsed, &mut out, &pat);
            continue;
        }
        let m = match paths::glob(&full) {
            Ok(m) => m,
            Err(e) => {
                cx.diag(&manifest, None, format!("invalid member glob {pat:?}: {e}"));
                continue;
            }
        };
        let matched: Vec<String> = cx
            .dirs()
            .iter()
            .filter(|d| m.is_match(**d) && !excluded(d))
            .map(|d| d.to_string())
            .collect();
        for d in matched {
            add_member(cx, &manifest, &d, parsed, &mut out, &pat);
        }
    }
    path_members(root, parsed, info, &excluded, &mut out);
    out.into_iter().collect()
}

/// `[workspace] exclude` as directories (rule 13: prefixes, not globs); an excluded crate is
/// a barrier.
fn excludes(
    cx: &mut Ctx,
    root: &str,
    ws: Option<&Value>,
    parsed: &BTreeMap<String, Table>,
) -> Vec<String> {
    let mut excludes = Vec::new();
    for e in toml_strings(ws.and_then(|w| w.get("exclude"))) {
        match join(root, &e) {
            Some(j) => excludes.push(j),
            None => cx.diag(
                &child(root, "Cargo.toml"),
                None,
                format!("exclude {e:?} escapes the repository"),
            ),
        }
    }
    for e in &excludes {
        if parsed.contains_key(e) {
            cx.barrier(e);
        }
    }
    excludes
}

/// Rule 14 (and 20): path dependencies under the root join, transitively.
fn path_members(
    root: &str,
    parsed: &BTreeMap<String, Table>,
    info: &WsInfo,
    excluded: &dyn Fn(&str) -> bool,
    out: &mut BTreeSet<String>,
) {
    let mut queue: Vec<String> = out.iter().cloned().collect();
    queue.extend(info.patches.values().cloned());
    let mut guard = 0usize;
    while let Some(d) = queue.pop() {
        guard += 1;
        if guard > 100_000 {
            break;
        }
        let Some(mt) = parsed.get(&d) else { continue };
        if !out.contains(&d) {
            if !is_under(d.as_bytes(), root.as_bytes())
                || excluded(&d)
                || mt.contains_key("workspace")
                || !mt.contains_key("package")
            {
                continue;
            }
            out.insert(d.clone());
        }
        for (table, _) in dep_tables(mt) {
            for (key, spec) in table {
                let p = if spec.get("workspace").and_then(Value::as_bool) == Some(true) {
                    info.ws_deps.get(key).and_then(|(_, p)| p.clone())
                } else {
                    spec.get("path")
                        .and_then(Value::as_str)
                        .and_then(|p| join(&d, p))
                };
                if let Some(p) = p {
                    if !out.contains(&p) {
                        queue.push(p);
                    }
                }
            }
        }
    }
}

fn add_member(
    cx: &mut Ctx,
    manifest: &str,
    dir: &str,
    parsed: &BTreeMap<String, Table>,
    out: &mut BTreeSet<String>,
    pat: &str,
) {
    match parsed.get(dir) {
        Some(t) if t.contains_key("workspace") && !dir.is_empty() => {
            cx.diag(
                manifest,
                None,
                format!("member {dir:?} has its own [workspace]; skipped"),
            );
        }
        Some(_) => {
            out.insert(dir.to_string());
        }
        None if cx.exists(&child(dir, "Cargo.toml")) => {} // unreadable: already reported
        None => cx.diag(
            manifest,
            None,
            format!("member {dir:?} (from {pat:?}) has no Cargo.toml"),
        ),
    }
}

/// Meaning-level diff of a workspace root's `Cargo.toml` and `Cargo.lock` (rules 21, 22).
pub(crate) fn semantic(path: &str, sides: &Sides) -> Option<Vec<Effect>> {
    let root = sides.root_of(Ecosystem::Cargo, path)?;
    let old = read_at(sides.base_snap, path);
    let new = read_at(sides.head_snap, path);
    if root.manifest == path {
        Some(diff_manifest(&root.dir, path, old, new))
    } else {
        Some(diff_lock(&root.dir, path, old, new))
    }
}

fn all(reason: String) -> Vec<Effect> {
    Effect::all_of(Ecosystem::Cargo, reason)
}

fn diff_manifest(
    dir: &str,
    path: &str,
    old: Option<Result<String, String>>,
    new: Option<Result<String, String>>,
) -> Vec<Effect> {
    let (Some(old), Some(new)) = (old, new) else {
        return all(format!("{path} created or deleted"));
    };
    let parse = |r: Result<String, String>| {
        r.and_then(|s| s.parse::<Table>().map_err(|e| e.message().to_string()))
    };
    let (Ok(a), Ok(b)) = (parse(old), parse(new)) else {
        return all(format!("{path} cannot be parsed"));
    };
    let mut out = Vec::new();
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let mut root_changed = false;
    for k in keys {
        if a.get(k) == b.get(k) {
            continue;
        }
        match k.as_str() {
            "profile" | "patch" | "replace" | "cargo-features" => {
                out.extend(all(format!("{path}: [{k}] changed")));
            }
            "workspace" => {
                let empty = Table::new();
                let wa = a.get(k).and_then(Value::as_table).unwrap_or(&empty);
                let wb = b.get(k).and_then(Value::as_table).unwrap_or(&empty);
                let wkeys: BTreeSet<&String> = wa.keys().chain(wb.keys()).collect();
                for wk in wkeys {
                    if wa.get(wk) == wb.get(wk) {
                        continue;
                    }
                    match wk.as_str() {
                        // The graph of each revision is rebuilt: new members show up as
                        // added packages, removed ones as removed.
                        "members" | "exclude" | "default-members" | "metadata" => {}
                        "dependencies" => {
                            let da = wa.get(wk).and_then(Value::as_table).unwrap_or(&empty);
                            let db = wb.get(wk).and_then(Value::as_table).unwrap_or(&empty);
                            let dkeys: BTreeSet<&String> = da.keys().chain(db.keys()).collect();
                            for dk in dkeys {
                                if da.get(dk) != db.get(dk) {
                                    out.push(Effect::Inherits {
                                        eco: Ecosystem::Cargo,
                                        root: dir.to_string(),
                                        key: dk.clone(),
                                        reason: format!("workspace dependency {dk} changed"),
                                    });
                                }
                            }
                        }
                        _ => out.extend(all(format!("{path}: workspace.{wk} changed"))),
                    }
                }
            }
            _ => root_changed = true,
        }
    }
    if root_changed {
        out.push(Effect::Dir {
            eco: Ecosystem::Cargo,
            dir: dir.to_string(),
            reason: format!("changed: {path}"),
        });
    }
    out
}

fn diff_lock(
    dir: &str,
    path: &str,
    old: Option<Result<String, String>>,
    new: Option<Result<String, String>>,
) -> Vec<Effect> {
    let (Some(old), Some(new)) = (old, new) else {
        return all(format!("lockfile {path} created or deleted"));
    };
    let parse = |s: String| lock::memo_parse("cargo", &s, parse_lock);
    let (Ok(Some(a)), Ok(Some(b))) = (old.map(parse), new.map(parse)) else {
        let mut out = all(format!("lockfile {path} cannot be parsed"));
        out.push(Effect::Warning(format!(
            "{path} could not be read as a resolved graph at one of the revisions; every Cargo package is affected"
        )));
        return out;
    };
    Effect::lock_members(Ecosystem::Cargo, dir, &a, &b)
}

/// `Cargo.lock` as a [`LockGraph`]: members (no `source`) keyed by name, externals by
/// name, version and source; the fingerprint adds the checksum.
pub(crate) fn parse_lock(text: &str) -> Option<LockGraph> {
    let t: Table = text.parse().ok()?;
    let pkgs = t.get("package").and_then(Value::as_array)?;
    struct Raw<'a> {
        name: &'a str,
        version: &'a str,
        source: Option<&'a str>,
        checksum: &'a str,
        deps: Vec<&'a str>,
    }
    let raws: Vec<Raw> = pkgs
        .iter()
        .filter_map(|p| {
            Some(Raw {
                name: p.get("name")?.as_str()?,
                version: p.get("version").and_then(Value::as_str).unwrap_or(""),
                source: p.get("source").and_then(Value::as_str),
                checksum: p.get("checksum").and_then(Value::as_str).unwrap_or(""),
                deps: p
                    .get("dependencies")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default(),
            })
        })
        .collect();
    let key = |r: &Raw| match r.source {
        None => r.name.to_string(),
        Some(s) => format!("{} {} {}", r.name, r.version, s),
    };
    let resolve = |d: &str| -> Option<String> {
        let mut parts = d.splitn(3, ' ');
        let name = parts.next()?;
        let version = parts.next();
        let source = parts
            .next()
            .map(|s| s.trim_start_matches('(').trim_end_matches(')'));
        let cands: Vec<&Raw> = raws
            .iter()
            .filter(|r| r.name == name)
            .filter(|r| version.is_none_or_eq(r.version))
            .filter(|r| source.is_none() || r.source == source)
            .collect();
        cands.first().map(|r| key(r))
    };
    let mut g = LockGraph::default();
    for r in &raws {
        let mut deps: Vec<String> = r.deps.iter().filter_map(|d| resolve(d)).collect();
        deps.sort();
        let member = r.source.is_none();
        let fp = if member {
            String::new()
        } else {
            format!("{}|{}|{}", r.version, r.source.unwrap_or(""), r.checksum)
        };
        g.insert(
            key(r),
            LockNode {
                name: r.name.to_string(),
                version: r.version.to_string(),
                fp,
                deps,
                member,
            },
        );
    }
    Some(g)
}

trait OptEq {
    fn is_none_or_eq(&self, v: &str) -> bool;
}

impl OptEq for Option<&str> {
    fn is_none_or_eq(&self, v: &str) -> bool {
        self.map(|s| s == v).unwrap_or(true)
    }
}

#[cfg(test)]
#[path = "cargo_tests.rs"]
mod tests;
