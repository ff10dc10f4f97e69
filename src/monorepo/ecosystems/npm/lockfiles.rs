//! npm, yarn and pnpm lockfiles read as resolved graphs, so a lockfile edit is charged only
//! to the members whose closure reaches what changed (rule 31).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::monorepo::support::json_at;
use crate::monorepo::support::lock::{LockGraph, LockNode};
use crate::monorepo::support::paths::{self, child, parent};
use crate::monorepo::support::yaml::{self, Yaml};
use crate::monorepo::types::{Ecosystem, Snapshot};
use crate::monorepo::workspace::Workspace;

/// `name@version` from a pnpm package key of any lockfile version (`/a@1`, `/a/1`, `a@1`).
pub(super) fn norm_key(k: &str, v5: bool) -> String {
    let k = k.trim_start_matches('/');
    if v5 {
        // `@scope/name/1.0.0` or `name/1.0.0`.
        if let Some(i) = k.rfind('/') {
            let (n, ver) = (&k[..i], &k[i + 1..]);
            // A bare `@scope` is not a name: the version split fell inside the scope.
            if !n.is_empty() && (!n.starts_with('@') || n.contains('/')) {
                return format!("{n}@{ver}");
            }
        }
    }
    k.to_string()
}

pub(super) fn split_key(k: &str) -> (String, String) {
    let start = usize::from(k.starts_with('@'));
    match k[start..].find('@') {
        Some(i) => (k[..start + i].to_string(), k[start + i + 1..].to_string()),
        None => (k.to_string(), String::new()),
    }
}

/// Direct dependency ranges of each workspace package of one root, read from its manifest at
/// that revision, keyed by directory relative to the root (yarn v1 lockfiles do not list
/// workspaces).
pub(super) fn importers(
    ws: &Workspace,
    snap: &dyn Snapshot,
    root: &str,
) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    for p in &ws.packages {
        if p.ecosystem != Ecosystem::Npm || p.root.as_deref() != Some(root) {
            continue;
        }
        let Some(v) = json_at(snap, &p.manifest) else {
            continue;
        };
        let mut deps = Vec::new();
        for field in ["dependencies", "devDependencies", "optionalDependencies"] {
            for (n, r) in v
                .get(field)
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if let Some(r) = r.as_str() {
                    deps.push((n.clone(), r.to_string()));
                }
            }
        }
        let rel = relative(root, &p.dir);
        out.push((rel, deps));
    }
    out
}

/// `dir` relative to `root` (`.` for the root itself).
fn relative(root: &str, dir: &str) -> String {
    let rel = if root.is_empty() {
        dir
    } else {
        dir.strip_prefix(root)
            .map(|r| r.trim_start_matches('/'))
            .unwrap_or(dir)
    };
    if rel.is_empty() {
        ".".into()
    } else {
        rel.to_string()
    }
}

pub(super) fn member_node(dir: &str, mut deps: Vec<String>) -> LockNode {
    deps.sort();
    deps.dedup();
    LockNode {
        name: dir.to_string(),
        version: String::new(),
        fp: String::new(),
        deps,
        member: true,
    }
}

/// `package-lock.json` v2/v3 (`packages` keyed by install location): workspace entries are
/// members, everything else is resolved the way node does (nearest `node_modules` upwards)
/// and keyed `name@version`, so a hoisting change alone does not count.
pub(crate) fn parse_package_lock(text: &str) -> Option<LockGraph> {
    let v: Value = serde_json::from_str(strip_bom_str(text)).ok()?;
    let lock = PackageLock {
        pkgs: v.get("packages")?.as_object()?,
    };
    let mut g = LockGraph::default();
    for (loc, e) in lock.pkgs {
        let Some(id) = lock.ident(loc) else { continue };
        if e.get("link").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let deps = lock.deps(loc, e);
        let node = match id.strip_prefix("importer:") {
            Some(dir) => member_node(dir, deps),
            None => registry_node(installed_name(loc).unwrap_or_default(), e, deps),
        };
        g.insert(id, node);
    }
    Some(g)
}

/// The `packages` table of a `package-lock.json`, keyed by install location.
struct PackageLock<'a> {
    pkgs: &'a serde_json::Map<String, Value>,
}

impl PackageLock<'_> {
    /// Location of what `name` resolves to from `from`.
    fn resolve(&self, from: &str, name: &str) -> Option<String> {
        let mut dir = from.to_string();
        loop {
            let cand = child(&dir, &format!("node_modules/{name}"));
            if self.pkgs.contains_key(&cand) {
                return Some(cand);
            }
            if dir.is_empty() {
                return None;
            }
            dir = parent(&dir).to_string();
        }
    }

    /// A location's identity: `importer:<dir>` for workspace packages (directly or through a
    /// link), `name@version` otherwise.
    fn ident(&self, loc: &str) -> Option<String> {
        let e = self.pkgs.get(loc)?;
        if e.get("link").and_then(Value::as_bool) == Some(true) {
            let target = e.get("resolved").and_then(Value::as_str)?;
            return Some(format!(
                "importer:{}",
                if target.is_empty() { "." } else { target }
            ));
        }
        if !paths::has_component(loc, "node_modules") {
            return Some(format!(
                "importer:{}",
                if loc.is_empty() { "." } else { loc }
            ));
        }
        Some(format!(
            "{}@{}",
            installed_name(loc)?,
            e.get("version").and_then(Value::as_str).unwrap_or("")
        ))
    }

    /// Identities of everything the entry at `loc` depends on, unsorted.
    fn deps(&self, loc: &str, e: &Value) -> Vec<String> {
        let mut deps = Vec::new();
        for field in [
            "dependencies",
            "devDependencies",
            "optionalDependencies",
            "peerDependencies",
        ] {
            for n in e
                .get(field)
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|o| o.keys())
            {
                if let Some(t) = self.resolve(loc, n).and_then(|l| self.ident(&l)) {
                    deps.push(t);
                }
            }
        }
        deps
    }
}

/// The package name installed at a `node_modules/` location.
fn installed_name(loc: &str) -> Option<String> {
    let i = loc.rfind("node_modules/")?;
    Some(loc[i + "node_modules/".len()..].to_string())
}

/// A registry package, fingerprinted by version, `resolved` and `integrity`.
fn registry_node(name: String, e: &Value, mut deps: Vec<String>) -> LockNode {
    deps.sort();
    deps.dedup();
    let version = e
        .get("version")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    LockNode {
        name,
        fp: format!(
            "{version}|{}|{}",
            e.get("resolved").and_then(Value::as_str).unwrap_or(""),
            e.get("integrity").and_then(Value::as_str).unwrap_or("")
        ),
        version,
        deps,
        member: false,
    }
}

/// The same `name@version` may sit at several paths: one node, the union of its deps.
fn merge_node(g: &mut LockGraph, id: String, node: LockNode) {
    match g.get_mut(&id) {
        Some(n) => {
            n.deps.extend(node.deps);
            n.deps.sort();
            n.deps.dedup();
        }
        None => {
            g.insert(id, node);
        }
    }
}

fn strip_bom_str(s: &str) -> &str {
    s.strip_prefix('\u{feff}').unwrap_or(s)
}

/// Splits a lockfile key list `"a@^1", a@~1.2` into descriptors.
fn descriptors(key: &str) -> Vec<String> {
    key.split(", ")
        .map(|d| d.trim().trim_matches('"').to_string())
        .filter(|d| !d.is_empty())
        .collect()
}

/// yarn berry (`__metadata:`): a YAML map of descriptor lists to resolutions; workspaces
/// appear as `name@workspace:<dir>` and are the members.
pub(crate) fn parse_yarn_berry(text: &str) -> Option<LockGraph> {
    let y = yaml::parse(text).ok()?;
    let mut by_desc: BTreeMap<String, String> = BTreeMap::new();
    let mut nodes: Vec<(String, &Yaml)> = Vec::new();
    for (k, v) in y.entries() {
        if k == "__metadata" {
            continue;
        }
        let res = v
            .get("resolution")
            .and_then(Yaml::as_str)
            .unwrap_or(k)
            .to_string();
        let id = match res.split_once("@workspace:") {
            Some((_, dir)) => format!("importer:{dir}"),
            None => res.clone(),
        };
        for d in descriptors(k) {
            by_desc.insert(d, id.clone());
        }
        nodes.push((id, v));
    }
    let mut g = LockGraph::default();
    for (id, v) in nodes {
        let mut deps = Vec::new();
        for field in ["dependencies", "optionalDependencies"] {
            for (n, r) in v.get(field).map(Yaml::entries).unwrap_or(&[]) {
                let r = r.as_str().unwrap_or("");
                let d = if r.contains(':') {
                    format!("{n}@{r}")
                } else {
                    format!("{n}@npm:{r}")
                };
                if let Some(t) = by_desc.get(&d) {
                    deps.push(t.clone());
                }
            }
        }
        let node = match id.strip_prefix("importer:") {
            Some(dir) => member_node(dir, deps),
            None => {
                deps.sort();
                deps.dedup();
                let (name, _) = split_key(&id);
                let version = v
                    .get("version")
                    .and_then(Yaml::as_str)
                    .unwrap_or("")
                    .to_string();
                LockNode {
                    name,
                    fp: format!(
                        "{version}|{}",
                        v.get("checksum").and_then(Yaml::as_str).unwrap_or("")
                    ),
                    version,
                    deps,
                    member: false,
                }
            }
        };
        g.insert(id, node);
    }
    Some(g)
}

/// yarn v1: `"a@^1", a@~1:` blocks with `version`, `resolved`, `integrity` and
/// `dependencies`; workspaces are not listed, so their ranges come from the manifests.
pub(crate) fn parse_yarn_v1(
    text: &str,
    importers: &[(String, Vec<(String, String)>)],
) -> Option<LockGraph> {
    let entries = yarn_v1_entries(text)?;
    let ids = YarnIds::of(&entries);
    let mut g = LockGraph::default();
    for e in &entries {
        let (name, _) = split_key(e.descs.first().map(String::as_str).unwrap_or(""));
        let version = e.fields.get("version").cloned().unwrap_or_default();
        let mut deps: Vec<String> = e.deps.iter().filter_map(|(n, r)| ids.get(n, r)).collect();
        deps.sort();
        deps.dedup();
        let fp = format!(
            "{version}|{}|{}",
            e.fields.get("resolved").map(String::as_str).unwrap_or(""),
            e.fields.get("integrity").map(String::as_str).unwrap_or("")
        );
        g.insert(
            format!("{name}@{version}"),
            LockNode {
                name,
                version,
                fp,
                deps,
                member: false,
            },
        );
    }
    for (dir, ranges) in importers {
        let deps = ranges.iter().filter_map(|(n, r)| ids.get(n, r)).collect();
        g.insert(format!("importer:{dir}"), member_node(dir, deps));
    }
    Some(g)
}

/// One block of a yarn v1 lockfile: its descriptors (`a@^1, a@~1.2`), scalar fields and
/// dependency ranges.
struct YarnEntry {
    descs: Vec<String>,
    fields: BTreeMap<String, String>,
    deps: Vec<(String, String)>,
}

/// The blocks of a yarn v1 lockfile; `None` when a line fits no block.
fn yarn_v1_entries(text: &str) -> Option<Vec<YarnEntry>> {
    let mut entries: Vec<YarnEntry> = Vec::new();
    let mut in_deps = false;
    for line in text.lines() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let body = line.trim();
        if indent == 0 {
            let key = body.strip_suffix(':')?;
            entries.push(YarnEntry {
                descs: descriptors(key),
                fields: BTreeMap::new(),
                deps: Vec::new(),
            });
            in_deps = false;
            continue;
        }
        let e = entries.last_mut()?;
        if indent <= 2 {
            in_deps = body == "dependencies:" || body == "optionalDependencies:";
            if let Some((k, v)) = body.split_once(' ') {
                e.fields
                    .insert(k.to_string(), v.trim().trim_matches('"').to_string());
            }
        } else if in_deps {
            let (n, r) = match body.strip_prefix('"') {
                Some(rest) => {
                    let (n, r) = rest.split_once('"')?;
                    (n.to_string(), r.trim())
                }
                None => {
                    let (n, r) = body.split_once(' ')?;
                    (n.to_string(), r.trim())
                }
            };
            e.deps.push((n, r.trim_matches('"').to_string()));
        }
    }
    Some(entries)
}

/// `name@range` descriptor -> `name@version` of the block that resolves it.
struct YarnIds(BTreeMap<String, String>);

impl YarnIds {
    fn of(entries: &[YarnEntry]) -> YarnIds {
        let mut by_desc = BTreeMap::new();
        for e in entries {
            let name = e.descs.first().map(|d| split_key(d).0).unwrap_or_default();
            let id = format!(
                "{name}@{}",
                e.fields.get("version").map(String::as_str).unwrap_or("")
            );
            for d in &e.descs {
                by_desc.insert(d.clone(), id.clone());
            }
        }
        YarnIds(by_desc)
    }

    fn get(&self, name: &str, range: &str) -> Option<String> {
        self.0.get(&format!("{name}@{range}")).cloned()
    }
}

/// Deepest bracket nesting of a JSON-like text, strings skipped: a recursive parser is given
/// only texts that stay within `limit`, so hostile nesting cannot exhaust the stack.
fn nesting_within(text: &str, limit: usize) -> bool {
    let (mut depth, mut in_str, mut esc) = (0usize, false, false);
    for b in text.bytes() {
        if in_str {
            match b {
                _ if esc => esc = false,
                b'\\' => esc = true,
                b'"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return false;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    true
}

/// Package names of a bun lockfile key: `a/@s/b/c` is `a` > `@s/b` > `c` (a scoped name takes
/// two segments).
fn bun_path(key: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut scoped = false;
    for (i, c) in key.char_indices() {
        if i == start && c == '@' {
            scoped = true;
        }
        if c == '/' {
            if scoped {
                scoped = false;
                continue;
            }
            out.push(&key[start..i]);
            start = i + 1;
        }
    }
    if start < key.len() {
        out.push(&key[start..]);
    }
    out
}

/// `bun.lock` (text, JSONC with trailing commas): `workspaces` keyed by directory are the
/// members, with their declared dependencies; `packages` maps an install path of names
/// (`name`, or `parent/name` when not hoisted) to `[ "name@version", registry, {deps},
/// integrity ]`, or `[ "name@workspace:dir" ]` for a workspace package. A dependency is found
/// the way bun places it: under the dependent's own path first, then each shorter path.
pub(crate) fn parse_bun_lock(text: &str) -> Option<LockGraph> {
    let text = strip_bom_str(text);
    if !nesting_within(text, 64) {
        return None;
    }
    let v: Value =
        jsonc_parser::parse_to_serde_value(text, &jsonc_parser::ParseOptions::default()).ok()?;
    let lock = BunLock {
        pkgs: v.get("packages")?.as_object()?,
    };
    let workspaces = v.get("workspaces")?.as_object()?;
    let mut g = LockGraph::default();
    add_bun_workspaces(&mut g, &lock, workspaces);
    add_bun_packages(&mut g, &lock);
    Some(g)
}

/// The `packages` table of a `bun.lock`, keyed by install path.
struct BunLock<'a> {
    pkgs: &'a serde_json::Map<String, Value>,
}

impl BunLock<'_> {
    /// Identity of the entry at a key: `importer:<dir>` or `name@version`.
    fn ident(&self, key: &str) -> Option<String> {
        let first = self.pkgs.get(key)?.get(0)?.as_str()?;
        match first.split_once("@workspace:") {
            Some((_, dir)) => Some(format!(
                "importer:{}",
                if dir.is_empty() { "." } else { dir }
            )),
            None => Some(first.to_string()),
        }
    }

    /// The key `name` resolves to from the install path `from` (names).
    fn resolve(&self, from: &[&str], name: &str) -> Option<String> {
        for n in (0..=from.len()).rev() {
            let mut k = from[..n].join("/");
            if !k.is_empty() {
                k.push('/');
            }
            k.push_str(name);
            if self.pkgs.contains_key(&k) {
                return Some(k);
            }
        }
        None
    }

    /// Identities of the dependencies named in `o`, resolved from the install path `from`.
    fn deps(&self, from: &[&str], o: Option<&Value>) -> Vec<String> {
        bun_dep_names(o)
            .iter()
            .filter_map(|n| self.resolve(from, n).and_then(|k| self.ident(&k)))
            .collect()
    }
}

fn bun_dep_names(o: Option<&Value>) -> Vec<String> {
    let mut out = Vec::new();
    for f in [
        "dependencies",
        "devDependencies",
        "optionalDependencies",
        "peerDependencies",
    ] {
        if let Some(m) = o.and_then(|o| o.get(f)).and_then(Value::as_object) {
            out.extend(m.keys().cloned());
        }
    }
    out
}

/// One member per `workspaces` entry; a workspace's link to itself is not a dependency.
fn add_bun_workspaces(
    g: &mut LockGraph,
    lock: &BunLock,
    workspaces: &serde_json::Map<String, Value>,
) {
    for (dir, w) in workspaces {
        let name = w.get("name").and_then(Value::as_str).unwrap_or("");
        let from: Vec<&str> = if name.is_empty() {
            Vec::new()
        } else {
            vec![name]
        };
        let dir = if dir.is_empty() { "." } else { dir.as_str() };
        let deps = lock
            .deps(&from, Some(w))
            .into_iter()
            .filter(|d| d.strip_prefix("importer:") != Some(dir))
            .collect();
        g.insert(format!("importer:{dir}"), member_node(dir, deps));
    }
}

/// One node per `name@version`, fingerprinted by the entry's non-object fields.
fn add_bun_packages(g: &mut LockGraph, lock: &BunLock) {
    for (key, e) in lock.pkgs {
        let Some(id) = lock.ident(key) else { continue };
        if id.starts_with("importer:") {
            continue;
        }
        let Some(arr) = e.as_array() else { continue };
        let info = arr.iter().find(|x| x.is_object());
        let mut deps = lock.deps(&bun_path(key), info);
        deps.sort();
        deps.dedup();
        let (name, version) = split_key(&id);
        let rest: Vec<String> = arr
            .iter()
            .skip(1)
            .filter(|x| !x.is_object())
            .map(|x| x.to_string())
            .collect();
        let node = LockNode {
            name,
            fp: format!("{version}|{}", rest.join("|")),
            version,
            deps,
            member: false,
        };
        merge_node(g, id, node);
    }
}

/// `package-lock.json` v1 (npm 5 and 6): `dependencies` nested by install location, each with
/// `version`, `resolved`, `integrity`, `requires` (names to ranges) and its own nested
/// `dependencies`. A required name is found in the entry's own nested map, then in each
/// enclosing one, as node finds `node_modules`. A `file:` version that names a workspace
/// package is that member. The lockfile lists no workspaces, so the members' ranges come from
/// the manifests at each revision and resolve at the top level.
pub(crate) fn parse_package_lock_v1(
    text: &str,
    importers: &[(String, Vec<(String, String)>)],
) -> Option<LockGraph> {
    let v: Value = serde_json::from_str(strip_bom_str(text)).ok()?;
    if v.get("lockfileVersion").and_then(Value::as_u64) != Some(1) {
        return None;
    }
    let top = v.get("dependencies").and_then(Value::as_object)?;
    let members: Vec<&str> = importers.iter().map(|(d, _)| d.as_str()).collect();
    let ident = |name: &str, e: &Value| -> String {
        let version = e.get("version").and_then(Value::as_str).unwrap_or("");
        if let Some(dir) = version.strip_prefix("file:") {
            let dir = dir.trim_start_matches("./");
            if members.contains(&dir) {
                return format!("importer:{dir}");
            }
        }
        format!("{name}@{version}")
    };
    type Scope<'a> = &'a serde_json::Map<String, Value>;
    fn find<'a>(scopes: &[Scope<'a>], name: &str) -> Option<&'a Value> {
        scopes.iter().rev().find_map(|s| s.get(name))
    }
    let mut g = LockGraph::default();
    // Depth-first over install locations, with the chain of enclosing scopes.
    let mut stack: Vec<(Vec<Scope>, &String, &Value)> =
        top.iter().map(|(n, e)| (vec![top], n, e)).collect();
    while let Some((scopes, name, e)) = stack.pop() {
        let id = ident(name, e);
        let mut inner = scopes.clone();
        if let Some(nested) = e.get("dependencies").and_then(Value::as_object) {
            inner.push(nested);
            for (n, c) in nested {
                stack.push((inner.clone(), n, c));
            }
        }
        if id.starts_with("importer:") {
            continue;
        }
        let deps: Vec<String> = e
            .get("requires")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|o| o.keys())
            .filter_map(|n| find(&inner, n).map(|t| ident(n, t)))
            .collect();
        let node = registry_node(name.clone(), e, deps);
        merge_node(&mut g, id, node);
    }
    for (dir, ranges) in importers {
        let deps = ranges
            .iter()
            .filter_map(|(n, _)| top.get(n).map(|e| ident(n, e)))
            .filter(|d| d.strip_prefix("importer:") != Some(dir.as_str()))
            .collect();
        g.insert(format!("importer:{dir}"), member_node(dir, deps));
    }
    Some(g)
}
