//! Go modules and `go.work` (rules 33-37).

use std::collections::BTreeMap;

use crate::monorepo::support::paths::{child, join, parent};
use crate::monorepo::support::{Ctx, Effect, Sides};
use crate::monorepo::types::{Ecosystem, EdgeKind, ExternalEdge, Package, Root};

/// The directives of a `go.mod` or `go.work` we need.
#[derive(Debug, Default)]
pub(crate) struct GoFile {
    pub(crate) module: Option<String>,
    /// `(module path, version)`.
    pub(crate) requires: Vec<(String, String)>,
    /// `module path -> local directory` for replacements whose target is a path (rule 34).
    replaces: Vec<(String, String)>,
    uses: Vec<String>,
}

/// Splits directives, joining `( ... )` blocks: `require ( a v1 \n b v2 )` yields
/// `("require", "a v1")`, `("require", "b v2")`.
fn directives(text: &str) -> Vec<(String, String, u32)> {
    let mut out = Vec::new();
    let mut block: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let line = raw.split("//").next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if let Some(b) = &block {
            if line == ")" {
                block = None;
            } else {
                out.push((b.clone(), line.to_string(), no));
            }
            continue;
        }
        let (verb, rest) = match line.split_once(char::is_whitespace) {
            Some((v, r)) => (v, r.trim()),
            None => (line, ""),
        };
        if rest == "(" {
            block = Some(verb.to_string());
        } else {
            out.push((verb.to_string(), rest.to_string(), no));
        }
    }
    out
}

fn unquote(s: &str) -> String {
    s.trim().trim_matches('"').trim_matches('`').to_string()
}

pub(crate) fn parse(text: &str) -> GoFile {
    let mut f = GoFile::default();
    for (verb, rest, _) in directives(text) {
        match verb.as_str() {
            "module" => f.module = Some(unquote(&rest)),
            "require" => {
                let mut it = rest.split_whitespace();
                if let (Some(m), Some(v)) = (it.next(), it.next()) {
                    f.requires.push((unquote(m), v.to_string()));
                }
            }
            "replace" => {
                if let Some((lhs, rhs)) = rest.split_once("=>") {
                    let m = lhs
                        .split_whitespace()
                        .next()
                        .map(unquote)
                        .unwrap_or_default();
                    let target = rhs
                        .split_whitespace()
                        .next()
                        .map(unquote)
                        .unwrap_or_default();
                    // `=> m vX` is a version swap, not a local edge.
                    if target.starts_with("./")
                        || target.starts_with("../")
                        || target.starts_with('/')
                        || target == "."
                        || target == ".."
                    {
                        f.replaces.push((m, target));
                    }
                }
            }
            "use" if !rest.is_empty() => f.uses.push(unquote(&rest)),
            _ => {}
        }
    }
    f
}

/// The workspace file's checksums, diffed with it (rule 33).
pub(crate) const LOCKFILES: &[&str] = &["go.work.sum"];

/// Rule 36: `testdata/`, `vendor/`, `_x/` and `.x/` directories are ignored by the go tool.
fn ignored_dir(dir: &str) -> bool {
    dir.split('/')
        .any(|c| c == "testdata" || c == "vendor" || c.starts_with('_') || c.starts_with('.'))
}

/// The workspace file (empty without one) and the module directories it uses.
struct Work {
    file: GoFile,
    used: Vec<String>,
}

pub(crate) fn discover(cx: &mut Ctx) {
    let mods = read_modules(cx);
    let work = read_work(cx, &mods);
    let mut by_module: BTreeMap<String, usize> = BTreeMap::new();
    let mut ids = Vec::new();
    for (dir, f) in &mods {
        let name = f.module.clone().unwrap_or_default();
        let i = cx.add_package(Package {
            name: name.clone(),
            dir: dir.clone(),
            ecosystem: Ecosystem::Go,
            manifest: child(dir, "go.mod"),
            version: None,
            root: if work.used.contains(dir) {
                Some(String::new())
            } else {
                None
            },
            inherits: Vec::new(),
            dep_names: f.requires.iter().map(|(m, _)| m.clone()).collect(),
        });
        by_module.insert(name, i);
        ids.push((i, dir.clone()));
    }
    for (i, dir) in ids {
        if let Some(f) = mods.get(&dir) {
            link_module(cx, i, &dir, f, &work, &by_module);
        }
    }
}

/// Every `go.mod` with a module directive outside ignored directories, by directory.
fn read_modules(cx: &mut Ctx) -> BTreeMap<String, GoFile> {
    let mut mods: BTreeMap<String, GoFile> = BTreeMap::new();
    for m in cx.named("go.mod") {
        let dir = parent(&m).to_string();
        if ignored_dir(&dir) {
            continue;
        }
        if let Some(text) = cx.read_text(&m) {
            let f = parse(&text);
            if f.module.is_none() {
                cx.diag(&m, None, "go.mod without a module directive");
                continue;
            }
            mods.insert(dir, f);
        }
    }
    mods
}

/// The root `go.work` (pushed as a root) and the modules it uses.
fn read_work(cx: &mut Ctx, mods: &BTreeMap<String, GoFile>) -> Work {
    let mut work = Work {
        file: GoFile::default(),
        used: Vec::new(),
    };
    if !cx.exists("go.work") {
        return work;
    }
    if let Some(text) = cx.read_text("go.work") {
        work.file = parse(&text);
        for u in &work.file.uses {
            match join("", u) {
                Some(d) if mods.contains_key(&d) => work.used.push(d),
                Some(d) => cx.diag("go.work", None, format!("use {u:?}: no go.mod in {d:?}")),
                None => cx.diag("go.work", None, format!("use {u:?} escapes the repository")),
            }
        }
    }
    cx.roots.push(Root {
        ecosystem: Ecosystem::Go,
        dir: String::new(),
        manifest: "go.work".into(),
        lockfiles: LOCKFILES.iter().map(|f| f.to_string()).collect(),
    });
    work
}

/// One module's requirements on modules of the tree: a local `replace` (the module's or the
/// workspace's) or both in the workspace make an edge; otherwise it comes from the module
/// proxy (rule 37).
fn link_module(
    cx: &mut Ctx,
    i: usize,
    dir: &str,
    f: &GoFile,
    work: &Work,
    by_module: &BTreeMap<String, usize>,
) {
    let manifest = child(dir, "go.mod");
    for (m, v) in &f.requires {
        let Some(&target) = by_module.get(m) else {
            continue;
        };
        let local = f
            .replaces
            .iter()
            .map(|(r, t)| (r, join(dir, t)))
            .chain(work.file.replaces.iter().map(|(r, t)| (r, join("", t))))
            .find(|(r, _)| *r == m);
        match local {
            Some((_, Some(tdir))) => match cx.package_at(&tdir, Ecosystem::Go) {
                Some(t) => cx.edge(i, t, EdgeKind::Normal),
                None => cx.diag(
                    &manifest,
                    None,
                    format!("replace {m} => {tdir:?}: no go.mod there"),
                ),
            },
            Some((_, None)) => cx.diag(
                &manifest,
                None,
                format!("replace {m} escapes the repository"),
            ),
            None => {
                let tdir = cx
                    .packages
                    .get(target)
                    .map(|p| p.dir.clone())
                    .unwrap_or_default();
                if work.used.iter().any(|u| u == dir) && work.used.contains(&tdir) {
                    cx.edge(i, target, EdgeKind::Normal);
                } else {
                    // Rule 37: resolved from the module proxy, not from the tree.
                    cx.external_edges.push(ExternalEdge {
                        from: dir.to_string(),
                        to: tdir,
                        version: v.clone(),
                    });
                }
            }
        }
    }
}

/// Rule 33: a `go.work` change affects every Go module.
pub(crate) fn semantic(path: &str, sides: &Sides) -> Option<Vec<Effect>> {
    let Sides { base, head, .. } = *sides;
    head.roots.iter().chain(base.roots.iter()).find(|r| {
        r.ecosystem == Ecosystem::Go
            && (r.manifest == path || r.lockfiles.iter().any(|l| l == path))
    })?;
    Some(vec![Effect::All {
        scope: Some(Ecosystem::Go),
        reason: format!("global file: {path}"),
    }])
}

#[cfg(test)]
#[path = "go_tests.rs"]
mod tests;
