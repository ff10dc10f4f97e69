//! uv workspaces, Poetry path dependencies and pip requirements (rules 38-40).

use std::collections::{BTreeMap, BTreeSet};

use toml::{Table, Value};

use crate::monorepo::support::lock::{self, LockGraph, LockNode};
use crate::monorepo::support::paths::{self, child, is_under, join, parent};
use crate::monorepo::support::{parse_toml, read_at, toml_strings, Ctx, Effect, Sides};
use crate::monorepo::types::{Ecosystem, EdgeKind, Package, Root};

/// A uv workspace's lockfile, diffed per member (rule 38).
pub(crate) const LOCKFILES: &[&str] = &["uv.lock"];

/// PEP 503: lowercase, runs of `-`, `_`, `.` become one `-`.
pub(crate) fn normalize(name: &str) -> String {
    let mut out = String::new();
    let mut sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// A PEP 508 requirement: its normalized name and, for `name @ file://...`, the path.
fn pep508(req: &str) -> Option<(String, Option<String>)> {
    let req = req.split(';').next()?.trim();
    let end = req
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(req.len());
    let name = &req[..end];
    if name.is_empty() {
        return None;
    }
    let mut path = None;
    if let Some((_, url)) = req.split_once('@') {
        let url = url.trim();
        if let Some(p) = url.strip_prefix("file:") {
            let p = p.trim_start_matches("//");
            let p = p.replace("${PROJECT_ROOT}", "");
            path = Some(p.trim_start_matches('/').to_string());
            if p.starts_with('/') && !url.contains("${PROJECT_ROOT}") {
                // An absolute path names the machine, not the repository.
                path = None;
            }
        }
    }
    Some((normalize(name), path))
}

struct Proj {
    dir: String,
    t: Table,
}

/// The uv workspaces of a tree: their top-level roots and the root each member belongs to
/// (a root belongs to itself).
struct UvWorkspaces {
    tops: Vec<String>,
    member_root: BTreeMap<String, String>,
}

pub(crate) fn discover(cx: &mut Ctx) {
    let projs = read_projects(cx);
    let ws = uv_workspaces(cx, &projs);
    let mut ids = pyproject_packages(cx, &projs, &ws);
    ids.extend(setup_packages(cx, &projs));
    link_dependencies(cx, &projs, &ids);
    requirements(cx);
}

/// Every parseable `pyproject.toml`, by directory.
fn read_projects(cx: &mut Ctx) -> BTreeMap<String, Proj> {
    let mut projs: BTreeMap<String, Proj> = BTreeMap::new();
    for m in cx.named("pyproject.toml") {
        let dir = parent(&m).to_string();
        if let Some(text) = cx.read_text(&m) {
            if let Some(t) = parse_toml(cx, &m, &text) {
                projs.insert(dir.clone(), Proj { dir, t });
            }
        }
    }
    projs
}

fn uv_workspace(t: &Table) -> Option<&Value> {
    t.get("tool")
        .and_then(|t| t.get("uv"))
        .and_then(|u| u.get("workspace"))
}

/// The outermost uv workspaces, each pushed as a root, with their members (rule 38).
fn uv_workspaces(cx: &mut Ctx, projs: &BTreeMap<String, Proj>) -> UvWorkspaces {
    let uv_roots: Vec<String> = projs
        .values()
        .filter(|p| uv_workspace(&p.t).is_some())
        .map(|p| p.dir.clone())
        .collect();
    let tops = paths::outermost(&uv_roots);
    let mut member_root: BTreeMap<String, String> = BTreeMap::new();
    for r in &tops {
        member_root.insert(r.clone(), r.clone());
        let ws = projs.get(r).and_then(|p| uv_workspace(&p.t)).cloned();
        for d in workspace_members(cx, projs, r, ws.as_ref()) {
            member_root.insert(d, r.clone());
        }
        cx.roots.push(Root {
            ecosystem: Ecosystem::Python,
            dir: r.clone(),
            manifest: child(r, "pyproject.toml"),
            lockfiles: LOCKFILES.iter().map(|f| child(r, f)).collect(),
        });
    }
    UvWorkspaces { tops, member_root }
}

/// The member directories of the uv workspace at `r` that hold a parsed `pyproject.toml`;
/// bad patterns and members without one become diagnostics.
fn workspace_members(
    cx: &mut Ctx,
    projs: &BTreeMap<String, Proj>,
    r: &str,
    ws: Option<&Value>,
) -> Vec<String> {
    let manifest = child(r, "pyproject.toml");
    let globs = |key: &str, cx: &mut Ctx| -> Vec<std::sync::Arc<globset::GlobMatcher>> {
        toml_strings(ws.and_then(|w| w.get(key)))
            .iter()
            .filter_map(
                |p| match paths::rebase_pattern(r, p).map(|f| paths::glob(&f)) {
                    Some(Ok(g)) => Some(g),
                    _ => {
                        cx.diag(
                            &manifest,
                            None,
                            format!("bad workspace {key} pattern {p:?}"),
                        );
                        None
                    }
                },
            )
            .collect()
    };
    let inc = globs("members", cx);
    let exc = globs("exclude", cx);
    let mut members = Vec::new();
    let dirs: Vec<String> = cx.dirs().iter().map(|d| d.to_string()).collect();
    for d in dirs {
        if d == r || !inc.iter().any(|g| g.is_match(&d)) || exc.iter().any(|g| g.is_match(&d)) {
            continue;
        }
        if projs.contains_key(&d) {
            members.push(d);
        } else if !cx.exists(&child(&d, "pyproject.toml")) {
            cx.diag(
                &manifest,
                None,
                format!("member {d:?} has no pyproject.toml"),
            );
        }
    }
    members
}

/// The packages of `pyproject.toml` files: workspace members and standalone projects; a
/// project inside a workspace but not a member is a barrier (rule 4).
fn pyproject_packages(
    cx: &mut Ctx,
    projs: &BTreeMap<String, Proj>,
    ws: &UvWorkspaces,
) -> Vec<usize> {
    let mut ids = Vec::new();
    for (dir, p) in projs {
        let in_root = ws
            .tops
            .iter()
            .find(|r| is_under(dir.as_bytes(), r.as_bytes()));
        let root = ws.member_root.get(dir).cloned();
        if in_root.is_some() && root.is_none() {
            // Inside a member it is that member's fixture; elsewhere a barrier (rule 4).
            let in_member = ws
                .member_root
                .keys()
                .any(|m| !ws.tops.contains(m) && is_under(dir.as_bytes(), m.as_bytes()));
            if !in_member {
                cx.barrier(dir);
            }
            continue;
        }
        let Some(name) = project_name(&p.t) else {
            if root.as_deref() != Some(dir.as_str()) {
                cx.diag(
                    &child(dir, "pyproject.toml"),
                    None,
                    "no [project] or [tool.poetry] name",
                );
            }
            continue;
        };
        let version =
            p.t.get("project")
                .and_then(|x| x.get("version"))
                .and_then(Value::as_str)
                .map(str::to_string);
        ids.push(cx.add_package(Package {
            name: normalize(name),
            dir: dir.clone(),
            ecosystem: Ecosystem::Python,
            manifest: child(dir, "pyproject.toml"),
            version,
            root,
            inherits: Vec::new(),
            dep_names: Vec::new(),
        }));
    }
    ids
}

/// `[project] name`, else `[tool.poetry] name`.
fn project_name(t: &Table) -> Option<&str> {
    t.get("project")
        .and_then(|x| x.get("name"))
        .or_else(|| {
            t.get("tool")
                .and_then(|t| t.get("poetry"))
                .and_then(|x| x.get("name"))
        })
        .and_then(Value::as_str)
}

/// A package without a name of its own (`setup.py`, `setup.cfg`, a requirements file),
/// named after its directory: `(root)` at the top.
fn directory_package(dir: &str, manifest: &str) -> Package {
    Package {
        name: if dir.is_empty() {
            "(root)".into()
        } else {
            normalize(paths::basename(dir))
        },
        dir: dir.to_string(),
        ecosystem: Ecosystem::Python,
        manifest: manifest.to_string(),
        version: None,
        root: None,
        inherits: Vec::new(),
        dep_names: Vec::new(),
    }
}

/// `setup.py` / `setup.cfg` projects without a `pyproject.toml`, named after their directory.
fn setup_packages(cx: &mut Ctx, projs: &BTreeMap<String, Proj>) -> Vec<usize> {
    let mut ids = Vec::new();
    for f in cx
        .named("setup.py")
        .into_iter()
        .chain(cx.named("setup.cfg"))
    {
        let dir = parent(&f).to_string();
        if projs.contains_key(&dir) || cx.package_at(&dir, Ecosystem::Python).is_some() {
            continue;
        }
        ids.push(cx.add_package(directory_package(&dir, &f)));
    }
    ids
}

/// Each package's declared dependencies: its `dep_names`, and an edge to every one that
/// resolves to a package of the tree (a path, else the workspace's sources).
fn link_dependencies(cx: &mut Ctx, projs: &BTreeMap<String, Proj>, ids: &[usize]) {
    for &i in ids {
        let Some(p) = cx.packages.get(i).cloned() else {
            continue;
        };
        let Some(proj) = projs.get(&p.dir) else {
            continue;
        };
        let root_t = p
            .root
            .as_ref()
            .and_then(|r| projs.get(r))
            .map(|r| (r.dir.clone(), r.t.clone()));
        let mut names = Vec::new();
        for (dep, path, kind) in pyproject_deps(&proj.t) {
            names.push(dep.clone());
            let target = if let Some(path) = path {
                join(&p.dir, &path)
            } else {
                source_target(cx, &p, &proj.t, root_t.as_ref(), &dep)
            };
            if let Some(t) = target.and_then(|d| cx.package_at(&d, Ecosystem::Python)) {
                cx.edge(i, t, kind);
            }
        }
        names.sort();
        names.dedup();
        if let Some(q) = cx.packages.get_mut(i) {
            q.dep_names = names;
        }
    }
}

/// Rule 38 and 39: every declared dependency with the kind of its table and, for PEP 508 or
/// Poetry path dependencies, the relative path.
fn pyproject_deps(t: &Table) -> Vec<(String, Option<String>, EdgeKind)> {
    let mut out = Vec::new();
    let project = t.get("project");
    for r in toml_strings(project.and_then(|p| p.get("dependencies"))) {
        if let Some((n, p)) = pep508(&r) {
            out.push((n, p, EdgeKind::Normal));
        }
    }
    if let Some(o) = project
        .and_then(|p| p.get("optional-dependencies"))
        .and_then(Value::as_table)
    {
        for v in o.values() {
            for r in toml_strings(Some(v)) {
                if let Some((n, p)) = pep508(&r) {
                    out.push((n, p, EdgeKind::Optional));
                }
            }
        }
    }
    if let Some(g) = t.get("dependency-groups").and_then(Value::as_table) {
        for v in g.values() {
            for r in toml_strings(Some(v)) {
                if let Some((n, p)) = pep508(&r) {
                    out.push((n, p, EdgeKind::Dev));
                }
            }
        }
    }
    let tool = t.get("tool");
    for r in toml_strings(
        tool.and_then(|x| x.get("uv"))
            .and_then(|u| u.get("dev-dependencies")),
    ) {
        if let Some((n, p)) = pep508(&r) {
            out.push((n, p, EdgeKind::Dev));
        }
    }
    let poetry = tool.and_then(|x| x.get("poetry"));
    let mut tables: Vec<(&Value, EdgeKind)> = Vec::new();
    if let Some(d) = poetry.and_then(|p| p.get("dependencies")) {
        tables.push((d, EdgeKind::Normal));
    }
    if let Some(d) = poetry.and_then(|p| p.get("dev-dependencies")) {
        tables.push((d, EdgeKind::Dev));
    }
    if let Some(groups) = poetry
        .and_then(|p| p.get("group"))
        .and_then(Value::as_table)
    {
        for (g, v) in groups {
            if let Some(d) = v.get("dependencies") {
                tables.push((
                    d,
                    if g == "main" {
                        EdgeKind::Normal
                    } else {
                        EdgeKind::Dev
                    },
                ));
            }
        }
    }
    for (tbl, kind) in tables {
        for (name, spec) in tbl.as_table().into_iter().flatten() {
            if name == "python" {
                continue;
            }
            let path = spec.get("path").and_then(Value::as_str).map(str::to_string);
            let kind = if spec.get("optional").and_then(Value::as_bool) == Some(true) {
                EdgeKind::Optional
            } else {
                kind
            };
            out.push((normalize(name), path, kind));
        }
    }
    out
}

/// `[tool.uv.sources] x = { workspace = true }` or `{ path = ... }`, from the member or the
/// workspace root (rule 38).
fn source_target(
    cx: &Ctx,
    p: &Package,
    t: &Table,
    root: Option<&(String, Table)>,
    dep: &str,
) -> Option<String> {
    let find = |t: &Table| -> Option<Value> {
        let s = t.get("tool")?.get("uv")?.get("sources")?.as_table()?;
        s.iter()
            .find(|(k, _)| normalize(k) == dep)
            .map(|(_, v)| v.clone())
    };
    let (src, base) = match find(t) {
        Some(s) => (s, p.dir.clone()),
        None => {
            let (rd, rt) = root?;
            (find(rt)?, rd.clone())
        }
    };
    if src.get("workspace").and_then(Value::as_bool) == Some(true) {
        return cx
            .packages
            .iter()
            .find(|q| q.ecosystem == Ecosystem::Python && q.name == dep && q.root == p.root)
            .map(|q| q.dir.clone());
    }
    join(&base, src.get("path")?.as_str()?)
}

/// Rule 40: `-e ./libs/x`, bare local paths and `-r` includes, followed up to a depth bound.
fn requirements(cx: &mut Ctx) {
    let files = cx.named_where(|b| b.starts_with("requirements") && b.ends_with(".txt"));
    for f in files {
        let mut targets = BTreeSet::new();
        let mut seen = BTreeSet::new();
        read_requirements(cx, &f, parent(&f), &mut Vec::new(), &mut targets, &mut seen);
        if targets.is_empty() {
            continue;
        }
        let dir = parent(&f).to_string();
        // Charged to the Python package owning the file; a directory with only
        // requirements files becomes an application package.
        let owner = cx
            .packages
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                p.ecosystem == Ecosystem::Python && is_under(dir.as_bytes(), p.dir.as_bytes())
            })
            .max_by_key(|(_, p)| paths::depth(&p.dir))
            .map(|(i, _)| i);
        let from = match owner {
            Some(i) => i,
            None => cx.add_package(directory_package(&dir, &f)),
        };
        for t in targets {
            match cx.package_at(&t, Ecosystem::Python) {
                Some(j) => cx.edge(from, j, EdgeKind::Normal),
                None => cx.diag(
                    &f,
                    None,
                    format!("local requirement {t:?} is not a Python package"),
                ),
            }
        }
    }
}

const MAX_INCLUDE_DEPTH: usize = 8;

/// Local paths are taken relative to the top-level file's directory (pip resolves them from
/// the working directory, where that file is normally used); `-r` includes relative to the
/// including file.
fn read_requirements(
    cx: &mut Ctx,
    file: &str,
    top_dir: &str,
    stack: &mut Vec<String>,
    targets: &mut BTreeSet<String>,
    seen: &mut BTreeSet<String>,
) {
    if stack.iter().any(|f| f == file) {
        cx.diag(
            stack.last().map(String::as_str).unwrap_or(file),
            None,
            format!("-r {file} forms an include loop; skipped"),
        );
        return;
    }
    if !seen.insert(file.to_string()) {
        return;
    }
    if stack.len() > MAX_INCLUDE_DEPTH {
        cx.diag(file, None, "requirements includes nested too deeply");
        return;
    }
    let Some(text) = cx.read_text(file) else {
        if !cx.exists(file) {
            cx.diag(file, None, "included requirements file does not exist");
        }
        return;
    };
    let dir = parent(file).to_string();
    for (n, line) in text.lines().enumerate() {
        let line = line.split(" #").next().unwrap_or("").trim();
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let (opt, rest) = match line.split_once(|c: char| c.is_whitespace() || c == '=') {
            Some((o, r)) if o.starts_with('-') => (o, r.trim()),
            _ => ("", line),
        };
        match opt {
            "-r" | "--requirement" => match join(&dir, rest) {
                Some(inc) => {
                    stack.push(file.to_string());
                    read_requirements(cx, &inc, top_dir, stack, targets, seen);
                    stack.pop();
                }
                None => cx.diag(
                    file,
                    u32::try_from(n + 1).ok(),
                    format!("include {rest:?} escapes the repository"),
                ),
            },
            "-e" | "--editable" | "" => {
                let p = rest.split(['[', ';']).next().unwrap_or("").trim();
                let p = p.strip_prefix("file:").unwrap_or(p);
                if p.starts_with('.')
                    || p.starts_with('/')
                    || (p.contains('/') && !p.contains("://") && !p.contains('@'))
                {
                    match join(top_dir, p) {
                        Some(t) => {
                            targets.insert(t);
                        }
                        None => cx.diag(
                            file,
                            u32::try_from(n + 1).ok(),
                            format!("path {p:?} escapes the repository"),
                        ),
                    }
                }
            }
            _ => {}
        }
    }
}

/// Rule 38: `uv.lock` diffed per member closure.
pub(crate) fn semantic(path: &str, sides: &Sides) -> Option<Vec<Effect>> {
    let root = sides
        .root_of(Ecosystem::Python, path)
        .filter(|r| r.lockfiles.iter().any(|l| l == path))?;
    let all = |reason: String| Effect::all_of(Ecosystem::Python, reason);
    let (Some(Ok(a)), Some(Ok(b))) = (
        read_at(sides.base_snap, path),
        read_at(sides.head_snap, path),
    ) else {
        return Some(all(format!(
            "lockfile {path} created, deleted or unreadable"
        )));
    };
    let parse = |t: &str| lock::memo_parse("uv", t, parse_uv_lock);
    let (Some(a), Some(b)) = (parse(&a), parse(&b)) else {
        return Some(all(format!("lockfile {path} cannot be parsed")));
    };
    Some(Effect::lock_members(Ecosystem::Python, &root.dir, &a, &b))
}

/// A uv lock entry built from the workspace (editable, virtual or a member), not a registry.
fn uv_local(p: &Value) -> bool {
    p.get("source").and_then(Value::as_table).is_some_and(|s| {
        s.contains_key("editable") || s.contains_key("virtual") || s.contains_key("workspace")
    })
}

fn uv_str<'a>(p: &'a Value, field: &str) -> &'a str {
    p.get(field).and_then(Value::as_str).unwrap_or("")
}

/// A lock entry's node key: its name for a local package, `name version` otherwise.
fn uv_key(p: &Value) -> Option<String> {
    let n = normalize(p.get("name")?.as_str()?);
    if uv_local(p) {
        Some(n)
    } else {
        Some(format!("{n} {}", uv_str(p, "version")))
    }
}

/// Normalized name -> (node key, version) of every entry of that name.
type UvNames = BTreeMap<String, Vec<(String, String)>>;

/// The node a dependency entry names: the entry of that name and version, else the first.
fn uv_resolve(by_name: &UvNames, d: &Value) -> Option<String> {
    let n = normalize(d.get("name")?.as_str()?);
    let c = by_name.get(&n)?;
    match d.get("version").and_then(Value::as_str) {
        Some(v) => c
            .iter()
            .find(|(_, cv)| cv == v)
            .or(c.first())
            .map(|(k, _)| k.clone()),
        None => c.first().map(|(k, _)| k.clone()),
    }
}

/// One lock entry as a node: its resolved dependencies (all groups), and a fingerprint of
/// what a registry package resolved to.
fn uv_node(p: &Value, by_name: &UvNames) -> LockNode {
    let mut deps: Vec<String> = Vec::new();
    let mut collect = |v: Option<&Value>| {
        for d in v.and_then(Value::as_array).into_iter().flatten() {
            if let Some(r) = uv_resolve(by_name, d) {
                deps.push(r);
            }
        }
    };
    collect(p.get("dependencies"));
    for field in ["optional-dependencies", "dev-dependencies"] {
        if let Some(tb) = p.get(field).and_then(Value::as_table) {
            for v in tb.values() {
                collect(Some(v));
            }
        }
    }
    deps.sort();
    deps.dedup();
    let member = uv_local(p);
    let version = uv_str(p, "version").to_string();
    let fp = if member {
        String::new()
    } else {
        format!(
            "{version}|{:?}|{:?}|{:?}",
            p.get("source"),
            p.get("sdist").and_then(|s| s.get("hash")),
            p.get("wheels"),
        )
    };
    LockNode {
        name: normalize(uv_str(p, "name")),
        version,
        fp,
        deps,
        member,
    }
}

pub(crate) fn parse_uv_lock(text: &str) -> Option<LockGraph> {
    let t: Table = text.parse().ok()?;
    let pkgs = t.get("package").and_then(Value::as_array)?;
    let mut by_name = UvNames::new();
    for p in pkgs {
        if let (Some(k), Some(n)) = (uv_key(p), p.get("name").and_then(Value::as_str)) {
            let v = uv_str(p, "version").to_string();
            by_name.entry(normalize(n)).or_default().push((k, v));
        }
    }
    let mut g = LockGraph::default();
    for p in pkgs {
        if let Some(k) = uv_key(p) {
            g.insert(k, uv_node(p, &by_name));
        }
    }
    Some(g)
}

#[cfg(test)]
#[path = "python_tests.rs"]
mod tests;
