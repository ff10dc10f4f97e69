//! npm, yarn, pnpm and bun workspaces (rules 24-32).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde_json::Value;

use crate::monorepo::support::lock;
use crate::monorepo::support::lock::{LockGraph, LockSide};
use crate::monorepo::support::paths::{self, child, is_under, join, parent};
use crate::monorepo::support::yaml::{self, Yaml};
use crate::monorepo::support::{lock_at, parse_lock, read_at, semver, Ctx, Effect, Sides};
use crate::monorepo::types::{Ecosystem, EdgeKind, Package, Root, Snapshot};
use crate::monorepo::workspace::Workspace;

mod lockfiles;
mod overrides;
mod pnpm;

use overrides::{override_effects, overrides};

use lockfiles::importers;
pub(crate) use lockfiles::{
    parse_bun_lock, parse_package_lock, parse_package_lock_v1, parse_yarn_berry, parse_yarn_v1,
};
pub(crate) use pnpm::parse_pnpm_lock;

pub(crate) const DEP_FIELDS: &[(&str, EdgeKind)] = &[
    ("dependencies", EdgeKind::Normal),
    ("devDependencies", EdgeKind::Dev),
    ("optionalDependencies", EdgeKind::Optional),
    ("peerDependencies", EdgeKind::Peer),
];

/// Files beside a workspace root's `package.json` that are diffed by meaning (rules 29, 31).
pub(crate) const LOCKFILES: &[&str] = &[
    "pnpm-lock.yaml",
    "pnpm-workspace.yaml",
    "package-lock.json",
    "yarn.lock",
    "bun.lock",
];

fn parse_yaml(cx: &mut Ctx, path: &str, text: &str) -> Option<Yaml> {
    match yaml::parse(text) {
        Ok(v) => Some(v),
        Err(e) => {
            cx.diag(path, Some(e.line), format!("invalid YAML: {}", e.message));
            None
        }
    }
}

/// Workspace globs from `pnpm-workspace.yaml` or `package.json` `workspaces` (an array or
/// `{packages, nohoist}`), rule 24.
fn patterns(pkg: Option<&Value>, pnpm: Option<&Yaml>) -> Option<Vec<String>> {
    if let Some(p) = pnpm {
        return Some(
            p.get("packages")
                .map(Yaml::items)
                .unwrap_or(&[])
                .iter()
                .filter_map(|y| y.as_str().map(str::to_string))
                .collect(),
        );
    }
    let w = pkg?.get("workspaces")?;
    let arr = w
        .as_array()
        .or_else(|| w.get("packages").and_then(Value::as_array))?;
    Some(
        arr.iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
    )
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Manager {
    Npm,
    Yarn,
    Pnpm,
    Bun,
}

struct RootInfo {
    dir: String,
    manager: Manager,
    /// Whether a plain semver range satisfied by a workspace package links it (rule 28).
    link_plain: bool,
    members: Vec<String>,
}

/// Every parsed `package.json` and `pnpm-workspace.yaml`, keyed by directory.
struct Manifests {
    packages: BTreeMap<String, Arc<Value>>,
    pnpm: BTreeMap<String, Yaml>,
}

/// The outermost workspace roots, with the member directories they claim.
struct Workspaces {
    roots: Vec<RootInfo>,
    /// Member directories (a set asked for membership only).
    claimed: foldhash::HashSet<String>,
}

/// A package added to the context, with the index of the workspace root it belongs to.
struct Member {
    package: usize,
    root: Option<usize>,
}

pub(crate) fn discover(cx: &mut Ctx) {
    let manifests = read_manifests(cx);
    let tops = outermost_roots(&manifests);
    let workspaces = add_roots(cx, &tops, &manifests);
    let standalone = fence_strays(cx, &tops, &workspaces.claimed, &manifests);
    let members = add_packages(cx, &manifests.packages, &workspaces.roots, standalone);
    link_dependencies(cx, &manifests.packages, &workspaces.roots, members);
    link_overrides(cx, &manifests, &workspaces.roots);
}

fn read_manifests(cx: &mut Ctx) -> Manifests {
    let mut packages: BTreeMap<String, Arc<Value>> = BTreeMap::new();
    for m in cx.named("package.json") {
        if let Some(v) = cx.read_json(&m) {
            packages.insert(parent(&m).to_string(), v);
        }
    }
    let mut pnpm: BTreeMap<String, Yaml> = BTreeMap::new();
    for m in cx.named("pnpm-workspace.yaml") {
        if let Some(text) = cx.read_text(&m) {
            if let Some(v) = parse_yaml(cx, &m, &text) {
                pnpm.insert(parent(&m).to_string(), v);
            }
        }
    }
    Manifests { packages, pnpm }
}

/// Directories that declare a workspace and sit inside no other one.
fn outermost_roots(manifests: &Manifests) -> Vec<String> {
    let mut root_dirs: Vec<String> = manifests
        .packages
        .iter()
        .filter(|(_, v)| v.get("workspaces").is_some())
        .map(|(d, _)| d.clone())
        .chain(manifests.pnpm.keys().cloned())
        .collect();
    root_dirs.sort();
    root_dirs.dedup();
    root_dirs
        .iter()
        .filter(|d| {
            !root_dirs
                .iter()
                .any(|o| o != *d && is_under(d.as_bytes(), o.as_bytes()))
        })
        .cloned()
        .collect()
}

fn add_roots(cx: &mut Ctx, tops: &[String], manifests: &Manifests) -> Workspaces {
    let mut roots = Vec::new();
    let mut claimed = foldhash::HashSet::default();
    for r in tops {
        let info = root_info(cx, r, &manifests.packages, manifests.pnpm.get(r));
        for m in &info.members {
            claimed.insert(m.clone());
        }
        cx.roots.push(Root {
            ecosystem: Ecosystem::Npm,
            dir: r.clone(),
            manifest: child(r, "package.json"),
            lockfiles: LOCKFILES.iter().map(|f| child(r, f)).collect(),
        });
        roots.push(info);
    }
    Workspaces { roots, claimed }
}

/// package.json files outside every workspace stand alone (returned); inside one, they are
/// barriers.
fn fence_strays(
    cx: &mut Ctx,
    tops: &[String],
    claimed: &foldhash::HashSet<String>,
    manifests: &Manifests,
) -> Vec<String> {
    let mut standalone = Vec::new();
    for dir in manifests.packages.keys() {
        if claimed.contains(dir) {
            continue;
        }
        if tops.iter().any(|r| is_under(dir.as_bytes(), r.as_bytes())) {
            // Inside a member package, a stray package.json is that member's test fixture:
            // its files stay the member's. Elsewhere it fences its files off (rule 4).
            let in_member = claimed
                .iter()
                .any(|m| !tops.contains(m) && is_under(dir.as_bytes(), m.as_bytes()));
            if !in_member {
                cx.barrier(dir);
            }
        } else {
            standalone.push(dir.clone());
        }
    }
    standalone
}

/// Adds the members of every root, then the standalone packages, in that order.
fn add_packages(
    cx: &mut Ctx,
    manifests: &BTreeMap<String, Arc<Value>>,
    roots: &[RootInfo],
    standalone: Vec<String>,
) -> Vec<Member> {
    let groups = roots
        .iter()
        .enumerate()
        .map(|(i, r)| (Some(i), r.members.clone()))
        .chain(std::iter::once((None, standalone)));
    let mut members = Vec::new();
    for (ri, dirs) in groups {
        for d in &dirs {
            let Some(v) = manifests.get(d) else { continue };
            let name = v
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| {
                    if d.is_empty() {
                        "(root)".into()
                    } else {
                        d.clone()
                    }
                });
            let package = cx.add_package(Package {
                name,
                dir: d.clone(),
                ecosystem: Ecosystem::Npm,
                manifest: child(d, "package.json"),
                version: v.get("version").and_then(Value::as_str).map(str::to_string),
                root: ri.and_then(|r| roots.get(r)).map(|r| r.dir.clone()),
                inherits: Vec::new(),
                dep_names: Vec::new(),
            });
            members.push(Member { package, root: ri });
        }
    }
    members
}

/// Edges for every dependency spec that links a workspace package; `catalog:` specs are
/// recorded as inherited instead.
fn link_dependencies(
    cx: &mut Ctx,
    manifests: &BTreeMap<String, Arc<Value>>,
    roots: &[RootInfo],
    members: Vec<Member>,
) {
    let by_name = NpmNames::of(cx);
    for Member { package: i, root } in members {
        let Some(p) = cx.packages.get(i).cloned() else {
            continue;
        };
        let Some(v) = manifests.get(&p.dir) else {
            continue;
        };
        let info = root.and_then(|r| roots.get(r));
        let mut names = Vec::new();
        let mut inherits = Vec::new();
        for (field, kind) in DEP_FIELDS {
            let Some(deps) = v.get(*field).and_then(Value::as_object) else {
                continue;
            };
            for (dep, spec) in deps {
                let Some(spec) = spec.as_str() else { continue };
                names.push(dep.clone());
                if let Some(c) = spec.strip_prefix("catalog:") {
                    let c = if c.is_empty() { "default" } else { c };
                    inherits.push(format!("catalog:{c}:{dep}"));
                    continue;
                }
                if let Some(t) = resolve(cx, &by_name, &p, info, dep, spec) {
                    cx.edge(i, t, *kind);
                }
            }
        }
        names.sort();
        names.dedup();
        inherits.sort();
        inherits.dedup();
        if let Some(p) = cx.packages.get_mut(i) {
            p.dep_names = names;
            p.inherits = inherits;
        }
    }
}

/// Overrides pointing at a workspace package are implicit edges from every package that
/// depends on the overridden name (rule 30).
fn link_overrides(cx: &mut Ctx, manifests: &Manifests, roots: &[RootInfo]) {
    for info in roots {
        let root_pkg = manifests.packages.get(&info.dir).map(|v| &**v);
        let pnpm = manifests.pnpm.get(&info.dir);
        for (name, target) in overrides(root_pkg, pnpm) {
            let ti = if target.starts_with("workspace:") {
                cx.packages.iter().position(|p| {
                    p.ecosystem == Ecosystem::Npm
                        && p.name == name
                        && p.root.as_deref() == Some(info.dir.as_str())
                })
            } else {
                target_of(&info.dir, &target).and_then(|t| cx.package_at(&t, Ecosystem::Npm))
            };
            let Some(ti) = ti else {
                continue;
            };
            let users: Vec<usize> = (0..cx.packages.len())
                .filter(|j| {
                    cx.packages[*j].ecosystem == Ecosystem::Npm
                        && cx.packages[*j].dep_names.contains(&name)
                })
                .collect();
            for u in users {
                cx.edge(u, ti, EdgeKind::Normal);
            }
        }
    }
}

/// Directory an override value points at, for `workspace:`-less local specs.
fn target_of(root: &str, spec: &str) -> Option<String> {
    for pre in ["link:", "file:", "portal:"] {
        if let Some(p) = spec.strip_prefix(pre) {
            return join(root, p);
        }
    }
    None
}

/// Compiled workspace patterns of one root: a member matches an include and no exclude.
struct MemberGlobs {
    include: Vec<Arc<globset::GlobMatcher>>,
    exclude: Vec<Arc<globset::GlobMatcher>>,
    /// Patterns without wildcards, which must name a directory with a package.json.
    literal: Vec<String>,
}

fn root_info(
    cx: &mut Ctx,
    dir: &str,
    manifests: &BTreeMap<String, Arc<Value>>,
    pnpm: Option<&Yaml>,
) -> RootInfo {
    let pkg = manifests.get(dir).map(|v| &**v);
    let manager = detect_manager(cx, dir, pkg, pnpm);
    let link_plain = links_plain_ranges(cx, dir, manager, pnpm);
    let manifest = if pnpm.is_some() {
        child(dir, "pnpm-workspace.yaml")
    } else {
        child(dir, "package.json")
    };
    let pats = patterns(pkg, pnpm).unwrap_or_default();
    let globs = member_globs(cx, dir, &manifest, &pats);
    for l in &globs.literal {
        if !manifests.contains_key(l) && !cx.exists(&child(l, "package.json")) {
            cx.diag(
                &manifest,
                None,
                format!("workspace {l:?} has no package.json"),
            );
        }
    }
    RootInfo {
        dir: dir.to_string(),
        manager,
        link_plain,
        members: members_of(dir, manifests, &globs),
    }
}

fn detect_manager(cx: &Ctx, dir: &str, pkg: Option<&Value>, pnpm: Option<&Yaml>) -> Manager {
    let pm = pkg
        .and_then(|p| p.get("packageManager"))
        .and_then(Value::as_str)
        .unwrap_or("");
    if pnpm.is_some() || cx.exists(&child(dir, "pnpm-lock.yaml")) || pm.starts_with("pnpm") {
        Manager::Pnpm
    } else if cx.exists(&child(dir, "bun.lockb"))
        || cx.exists(&child(dir, "bun.lock"))
        || pm.starts_with("bun")
    {
        Manager::Bun
    } else if cx.exists(&child(dir, "yarn.lock")) || pm.starts_with("yarn") {
        Manager::Yarn
    } else {
        Manager::Npm
    }
}

/// Whether a plain semver range links a workspace package (rule 28): always, except under
/// pnpm, where `linkWorkspacePackages` or `.npmrc` `link-workspace-packages` turns it on.
fn links_plain_ranges(cx: &mut Ctx, dir: &str, manager: Manager, pnpm: Option<&Yaml>) -> bool {
    if manager != Manager::Pnpm {
        return true;
    }
    let from_yaml = pnpm
        .and_then(|y| y.get("linkWorkspacePackages"))
        .and_then(|v| v.as_bool().or(v.as_str().map(|s| s == "deep")))
        .unwrap_or(false);
    let npmrc = child(dir, ".npmrc");
    let from_rc = cx.read_text(&npmrc).is_some_and(|t| {
        t.lines().any(|l| {
            let l = l.split(['#', ';']).next().unwrap_or("");
            let mut kv = l.splitn(2, '=');
            kv.next().map(str::trim) == Some("link-workspace-packages")
                && matches!(kv.next().map(str::trim), Some("true" | "deep"))
        })
    });
    from_yaml || from_rc
}

fn member_globs(cx: &mut Ctx, dir: &str, manifest: &str, pats: &[String]) -> MemberGlobs {
    let mut globs = MemberGlobs {
        include: Vec::new(),
        exclude: Vec::new(),
        literal: Vec::new(),
    };
    for p in pats {
        let (negated, body) = match p.strip_prefix('!') {
            Some(b) => (true, b),
            None => (false, p.as_str()),
        };
        let body = body.trim_start_matches("./");
        let Some(full) = paths::rebase_pattern(dir, body) else {
            cx.diag(
                manifest,
                None,
                format!("workspace pattern {p:?} escapes the repository"),
            );
            continue;
        };
        // Matched like pnpm and npm do, against `<pattern>/package.json`, so that a trailing
        // `**` also matches the directory itself (`packages/**/__tests__/**`).
        match paths::glob(&child(&full, "package.json")) {
            Ok(g) => {
                if negated {
                    globs.exclude.push(g);
                } else {
                    if !full.contains(['*', '?', '[', '{']) {
                        globs.literal.push(full.clone());
                    }
                    globs.include.push(g);
                }
            }
            Err(e) => cx.diag(manifest, None, format!("invalid workspace glob {p:?}: {e}")),
        }
    }
    globs
}

/// The root itself (rule 24: always a project, when it has a package.json) and every
/// package.json directory below it that the globs select.
fn members_of(
    dir: &str,
    manifests: &BTreeMap<String, Arc<Value>>,
    globs: &MemberGlobs,
) -> Vec<String> {
    let mut members = vec![dir.to_string()];
    for d in manifests.keys() {
        if d == dir || !is_under(d.as_bytes(), dir.as_bytes()) {
            continue;
        }
        let m = child(d, "package.json");
        if globs.include.iter().any(|g| g.is_match(&m))
            && !globs.exclude.iter().any(|g| g.is_match(&m))
        {
            members.push(d.clone());
        }
    }
    if !manifests.contains_key(dir) {
        members.retain(|m| m != dir);
    }
    members
}

/// The workspace package a dependency spec links to (rules 26-29).
fn resolve(
    cx: &Ctx,
    by_name: &NpmNames,
    from: &Package,
    info: Option<&RootInfo>,
    dep: &str,
    spec: &str,
) -> Option<usize> {
    let by_dir = |rel: &str| join(&from.dir, rel).and_then(|d| cx.package_at(&d, Ecosystem::Npm));
    if let Some(rest) = spec.strip_prefix("workspace:") {
        if rest.starts_with('.') || rest.starts_with('/') {
            return by_dir(rest);
        }
        // `workspace:<alias>@<range>` names another package.
        let (name, range) = match rest.rfind('@').filter(|i| *i > 0) {
            Some(at) => (&rest[..at], &rest[at + 1..]),
            None => (dep, rest),
        };
        return pick(cx, by_name, from, name, Pick::Workspace(range));
    }
    for pre in ["link:", "file:", "portal:"] {
        if let Some(rest) = spec.strip_prefix(pre) {
            return by_dir(rest);
        }
    }
    if spec.starts_with("npm:") {
        return None;
    }
    let info = info?;
    if !info.link_plain {
        return None;
    }
    let _ = info.manager;
    pick(cx, by_name, from, dep, Pick::Plain(spec))
}

/// The npm packages of a discovery by name, each list in package order: every dependency
/// spec of every member looks its name up (vite: 279 packages, thousands of specs).
struct NpmNames(foldhash::HashMap<String, Vec<usize>>);

impl NpmNames {
    fn of(cx: &Ctx) -> NpmNames {
        let mut m: foldhash::HashMap<String, Vec<usize>> = foldhash::HashMap::default();
        for (i, p) in cx.packages.iter().enumerate() {
            if p.ecosystem == Ecosystem::Npm {
                m.entry(p.name.clone()).or_default().push(i);
            }
        }
        NpmNames(m)
    }

    /// Indices of the npm packages named `name`, ascending.
    fn get(&self, name: &str) -> &[usize] {
        self.0.get(name).map_or(&[], Vec::as_slice)
    }
}

/// How a dependency names a workspace package.
#[derive(Clone, Copy)]
enum Pick<'a> {
    /// `workspace:<range>`: the package must be in the workspace.
    Workspace(&'a str),
    /// A plain range, linked only when a workspace version satisfies it (rule 28).
    Plain(&'a str),
}

/// The package `name` resolves to among the same-named packages of `from`'s workspace, the way
/// pnpm picks: the highest version satisfying the range (`workspace:*`, `^` and `~` take the
/// highest version, prereleases included; a package without a version counts as `0.0.0`), and
/// among equal versions the last by directory. A single `workspace:` candidate is taken
/// whatever its version (pnpm would refuse the install otherwise).
fn pick(cx: &Ctx, by_name: &NpmNames, from: &Package, name: &str, how: Pick) -> Option<usize> {
    let mut cands: Vec<usize> = by_name
        .get(name)
        .iter()
        .copied()
        .filter(|i| cx.packages[*i].root == from.root)
        .collect();
    cands.sort_by(|a, b| cx.packages[*a].dir.cmp(&cx.packages[*b].dir));
    let version = |i: usize| cx.packages[i].version.as_deref().unwrap_or("0.0.0");
    let best = |ok: &dyn Fn(usize) -> bool| {
        let mut best: Option<(semver::Version, usize)> = None;
        for &i in &cands {
            let Some(v) = semver::Version::parse(version(i)) else {
                continue;
            };
            if ok(i) && best.as_ref().is_none_or(|(b, _)| v >= *b) {
                best = Some((v, i));
            }
        }
        best.map(|(_, i)| i)
    };
    match how {
        Pick::Workspace(r) => {
            if cands.len() <= 1 {
                return cands.first().copied();
            }
            if matches!(r, "" | "*" | "^" | "~") {
                return best(&|_| true).or(cands.last().copied());
            }
            best(&|i| semver::satisfies(r, version(i)) == Some(true))
                .or_else(|| best(&|_| true))
                .or(cands.last().copied())
        }
        Pick::Plain(r) => match cands.as_slice() {
            // One candidate keeps the old rule: its version must be given and satisfy.
            [one] => {
                let v = cx.packages[*one].version.as_deref()?;
                (semver::satisfies(r, v) == Some(true)).then_some(*one)
            }
            _ => best(&|i| semver::satisfies(r, version(i)) == Some(true)),
        },
    }
}

/// Meaning-level diffs of a root `package.json`, `pnpm-workspace.yaml` and lockfiles
/// (rules 29-32).
pub(crate) fn semantic(path: &str, sides: &Sides) -> Option<Vec<Effect>> {
    let Sides {
        base,
        head,
        base_snap: bs,
        head_snap: hs,
    } = *sides;
    let root = sides.root_of(Ecosystem::Npm, path)?;
    let name = paths::basename(path);
    let all = |reason: String| Effect::all_of(Ecosystem::Npm, reason);
    if LOCKFILES.contains(&name) && name != "pnpm-workspace.yaml" {
        let side = |ws: &Workspace, snap: &dyn Snapshot| lock_side(snap, path, name, ws, &root.dir);
        return Some(match (side(base, bs), side(head, hs)) {
            (LockSide::Graph(a), LockSide::Graph(b)) => importer_effects(&root.dir, &a, &b),
            (LockSide::Missing, _) | (_, LockSide::Missing) => {
                all(format!("lockfile {path} created, deleted or unreadable"))
            }
            _ => all(format!("lockfile {path} cannot be parsed")),
        });
    }
    let old = read_at(bs, path);
    let new = read_at(hs, path);
    if path == root.manifest {
        let (Some(Ok(a)), Some(Ok(b))) = (old, new) else {
            return Some(all(format!("{path} created, deleted or unreadable")));
        };
        let (Ok(a), Ok(b)) = (
            serde_json::from_str::<Value>(&a),
            serde_json::from_str::<Value>(&b),
        ) else {
            return Some(all(format!("{path} cannot be parsed")));
        };
        return Some(diff_root_json(&root.dir, path, &a, &b));
    }
    match name {
        "pnpm-workspace.yaml" => {
            let parse = |r: Option<Result<String, String>>| match r {
                None => Ok(Yaml::Null),
                Some(Ok(t)) => yaml::parse(&t).map_err(|e| e.message),
                Some(Err(e)) => Err(e),
            };
            let (Ok(a), Ok(b)) = (parse(old), parse(new)) else {
                return Some(all(format!("{path} cannot be parsed")));
            };
            Some(diff_pnpm_workspace(&root.dir, path, &a, &b))
        }
        _ => Some(all(format!("lockfile: {path} (not scoped per package)"))),
    }
}

/// One side of a lockfile change as a graph. Yarn v1 and npm v1 lockfiles do not list the
/// workspace packages: their direct ranges come from the manifests of `ws`, so the memo key
/// holds a fingerprint of those.
fn lock_side(snap: &dyn Snapshot, path: &str, name: &str, ws: &Workspace, root: &str) -> LockSide {
    match name {
        "pnpm-lock.yaml" => lock_at(snap, path, "pnpm", 0, |t| match snap.memo() {
            Some(m) => pnpm::parse_pnpm_lock_cut(t, m)
                .or_else(|| parse_pnpm_lock(t))
                .map(Arc::new),
            None => parse_lock(snap, "pnpm", t, parse_pnpm_lock),
        }),
        "bun.lock" => lock_at(snap, path, "bun", 0, |t| {
            parse_lock(snap, "bun", t, parse_bun_lock)
        }),
        _ => {
            let imps = importers(ws, snap, root);
            let format = if name == "yarn.lock" { "yarn" } else { "npm" };
            lock_at(snap, path, format, fingerprint(&imps), |text| match name {
                "package-lock.json" if is_package_lock_v1(text) => {
                    parse_package_lock_v1(text, &imps).map(Arc::new)
                }
                "package-lock.json" => parse_lock(snap, "npm", text, parse_package_lock),
                _ if text.contains("__metadata:") => {
                    parse_lock(snap, "berry", text, parse_yarn_berry)
                }
                _ => parse_yarn_v1(text, &imps).map(Arc::new),
            })
        }
    }
}

/// FNV-1a over the importers' directories and ranges.
fn fingerprint(imps: &[(String, Vec<(String, String)>)]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |s: &str| {
        for b in s.as_bytes().iter().chain([0xff].iter()) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for (dir, deps) in imps {
        feed(dir);
        for (n, r) in deps {
            feed(n);
            feed(r);
        }
        feed("");
    }
    h
}

/// The importers (workspace packages, by directory under the root at `dir`) whose closure
/// changed between two lockfile graphs.
fn importer_effects(dir: &str, a: &LockGraph, b: &LockGraph) -> Vec<Effect> {
    lock::scoped_diff(a, b)
        .into_iter()
        .filter_map(|(key, reason)| {
            let imp = key.strip_prefix("importer:")?;
            let dir = if imp == "." || imp.is_empty() {
                Some(dir.to_string())
            } else {
                join(dir, imp)
            }?;
            Some(Effect::At {
                eco: Ecosystem::Npm,
                dir,
                reason,
            })
        })
        .collect()
}

/// A v1 `package-lock.json` (npm 5 and 6): `"lockfileVersion": 1`. Probed on the text, so
/// that a large v2/v3 lockfile is not parsed twice.
fn is_package_lock_v1(text: &str) -> bool {
    let Some(i) = text.find("\"lockfileVersion\"") else {
        return false;
    };
    let rest = text[i + "\"lockfileVersion\"".len()..].trim_start();
    let Some(rest) = rest.strip_prefix(':') else {
        return false;
    };
    let rest = rest.trim_start();
    rest.starts_with('1') && !rest[1..].starts_with(|c: char| c.is_ascii_digit())
}

fn diff_root_json(dir: &str, path: &str, a: &Value, b: &Value) -> Vec<Effect> {
    let mut out = Vec::new();
    let empty = serde_json::Map::new();
    let oa = a.as_object().unwrap_or(&empty);
    let ob = b.as_object().unwrap_or(&empty);
    let keys: BTreeSet<&String> = oa.keys().chain(ob.keys()).collect();
    let mut root_changed = false;
    let mut overrides_changed = false;
    for k in keys {
        if oa.get(k) == ob.get(k) {
            continue;
        }
        match k.as_str() {
            "workspaces" => {}
            "overrides" | "resolutions" => overrides_changed = true,
            "pnpm" => {
                let pa = oa.get(k).and_then(Value::as_object).unwrap_or(&empty);
                let pb = ob.get(k).and_then(Value::as_object).unwrap_or(&empty);
                let pk: BTreeSet<&String> = pa.keys().chain(pb.keys()).collect();
                for p in pk {
                    if pa.get(p) == pb.get(p) {
                        continue;
                    }
                    if p == "overrides" {
                        overrides_changed = true;
                    } else {
                        out.push(Effect::All {
                            scope: Some(Ecosystem::Npm),
                            reason: format!("{path}: pnpm.{p} changed"),
                        });
                    }
                }
            }
            "packageManager" => out.push(Effect::All {
                scope: Some(Ecosystem::Npm),
                reason: format!("{path}: packageManager changed"),
            }),
            _ => root_changed = true,
        }
    }
    if overrides_changed {
        out.extend(override_effects(
            overrides(Some(a), None),
            overrides(Some(b), None),
        ));
    }
    if root_changed {
        out.push(Effect::Dir {
            eco: Ecosystem::Npm,
            dir: dir.to_string(),
            reason: format!("changed: {path}"),
        });
    }
    out
}

fn diff_pnpm_workspace(dir: &str, path: &str, a: &Yaml, b: &Yaml) -> Vec<Effect> {
    let mut out = Vec::new();
    let keys: BTreeSet<&String> = a
        .entries()
        .iter()
        .chain(b.entries())
        .map(|(k, _)| k)
        .collect();
    for k in keys {
        let (va, vb) = (a.get(k), b.get(k));
        if va == vb {
            continue;
        }
        match k.as_str() {
            "packages" => {}
            "catalog" | "catalogs" => {
                let flat = |v: Option<&Yaml>| -> BTreeMap<String, Yaml> {
                    let mut m = BTreeMap::new();
                    if let Some(v) = v {
                        if k == "catalog" {
                            for (n, s) in v.entries() {
                                m.insert(format!("catalog:default:{n}"), s.clone());
                            }
                        } else {
                            for (c, entries) in v.entries() {
                                for (n, s) in entries.entries() {
                                    m.insert(format!("catalog:{c}:{n}"), s.clone());
                                }
                            }
                        }
                    }
                    m
                };
                let (fa, fb) = (flat(va), flat(vb));
                let ks: BTreeSet<&String> = fa.keys().chain(fb.keys()).collect();
                for key in ks {
                    if fa.get(key) != fb.get(key) {
                        out.push(Effect::Inherits {
                            eco: Ecosystem::Npm,
                            root: dir.to_string(),
                            key: key.clone(),
                            reason: format!("{key} changed"),
                        });
                    }
                }
            }
            "overrides" => out.extend(override_effects(
                overrides(None, Some(a)),
                overrides(None, Some(b)),
            )),
            _ => out.push(Effect::All {
                scope: Some(Ecosystem::Npm),
                reason: format!("{path}: {k} changed"),
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests;
