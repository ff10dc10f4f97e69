//! Maven reactors (rule 41).

use std::collections::{BTreeMap, BTreeSet};

use crate::monorepo::support::paths::{child, is_under, join, parent};
use crate::monorepo::support::xml::{parse_xml, El};
use crate::monorepo::support::Ctx;
use crate::monorepo::types::{Ecosystem, EdgeKind, Package};

#[derive(Debug, Clone)]
struct Pom {
    path: String,
    el: El,
}

fn coords(el: &El) -> (Option<String>, Option<String>) {
    (el.text_of("groupId"), el.text_of("artifactId"))
}

/// `${x}` replaced from `props`, a bounded number of times (properties may refer to others).
pub(crate) fn interpolate(s: &str, props: &BTreeMap<String, String>) -> String {
    let mut out = s.to_string();
    for _ in 0..8 {
        let Some(start) = out.find("${") else { break };
        let Some(len) = out[start..].find('}') else {
            break;
        };
        let key = &out[start + 2..start + len];
        let Some(v) = props.get(key) else { break };
        out = format!("{}{}{}", &out[..start], v, &out[start + len + 1..]);
    }
    out
}

/// A pom's resolved identity: `groupId:artifactId` and the properties its values
/// interpolate from (its own over its reactor parent's).
struct Coordinates {
    name: String,
    props: BTreeMap<String, String>,
}

pub(crate) fn discover(cx: &mut Ctx) {
    let poms = walk_reactor(cx);
    let coordinates = resolve_coordinates(&poms);
    let ids: Vec<usize> = poms
        .iter()
        .zip(&coordinates)
        .map(|(p, c)| {
            cx.add_package(Package {
                name: c.name.clone(),
                dir: parent(&p.path).to_string(),
                ecosystem: Ecosystem::Maven,
                manifest: p.path.clone(),
                version: c
                    .props
                    .get("project.version")
                    .cloned()
                    .filter(|v| !v.is_empty()),
                root: None,
                inherits: Vec::new(),
                dep_names: Vec::new(),
            })
        })
        .collect();
    let by_name: BTreeMap<&str, usize> = coordinates
        .iter()
        .zip(&ids)
        .map(|(c, &id)| (c.name.as_str(), id))
        .collect();
    let mut edges = Vec::new();
    for ((p, c), &id) in poms.iter().zip(&coordinates).zip(&ids) {
        for (target, kind) in reactor_edges(p, &c.props, &by_name) {
            edges.push((id, target, kind));
        }
    }
    for (a, b, k) in edges {
        cx.edge(a, b, k);
    }
}

/// Every pom of the reactors: the top-level poms and the `<modules>` they name (also inside
/// `<profiles>`), guarding against loops; sorted by path.
fn walk_reactor(cx: &mut Ctx) -> Vec<Pom> {
    let all_poms: Vec<String> = cx.named("pom.xml");
    let tops: Vec<String> = all_poms
        .iter()
        .filter(|p| {
            let d = parent(p);
            !all_poms
                .iter()
                .any(|o| o != *p && is_under(d.as_bytes(), parent(o).as_bytes()))
        })
        .cloned()
        .collect();
    let mut poms: Vec<Pom> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut queue = tops;
    while let Some(path) = queue.pop() {
        if !seen.insert(path.clone()) || seen.len() > 10_000 {
            continue;
        }
        let Some(text) = cx.read_text(&path) else {
            if !cx.exists(&path) {
                cx.diag(&path, None, "module has no pom");
            }
            continue;
        };
        let el = match parse_xml(&text) {
            Ok(el) => el,
            Err((line, m)) => {
                cx.diag(&path, Some(line), format!("invalid XML: {m}"));
                continue;
            }
        };
        for m in module_names(&el) {
            if let Some(file) = module_pom(cx, &path, &m) {
                queue.push(file);
            }
        }
        poms.push(Pom { path, el });
    }
    poms.sort_by(|a, b| a.path.cmp(&b.path));
    poms
}

/// The `<module>` entries of a pom, its profiles' included.
fn module_names(el: &El) -> Vec<String> {
    std::iter::once(el)
        .chain(
            el.child("profiles")
                .into_iter()
                .flat_map(|p| p.all("profile")),
        )
        .filter_map(|x| x.child("modules"))
        .flat_map(|m| m.all("module"))
        .map(|module| module.text.trim().to_string())
        .collect()
}

/// The pom a `<module>` of the aggregator at `path` names, when it is inside the repository,
/// below the aggregator and present; otherwise a diagnostic.
fn module_pom(cx: &mut Ctx, path: &str, m: &str) -> Option<String> {
    let dir = parent(path);
    let Some(target) = join(dir, m) else {
        cx.diag(path, None, format!("module {m:?} escapes the repository"));
        return None;
    };
    let file = pom_file(target);
    // A module at or above its own aggregator is a loop, not a module.
    if is_under(dir.as_bytes(), parent(&file).as_bytes()) {
        cx.diag(
            path,
            None,
            format!("module {m:?} points back to {file}: loop skipped"),
        );
        return None;
    }
    if !cx.exists(&file) {
        cx.diag(path, None, format!("module {m:?}: {file} does not exist"));
        return None;
    }
    Some(file)
}

/// A module or parent path as a pom file: a directory means its `pom.xml`.
fn pom_file(target: String) -> String {
    if target.ends_with(".xml") {
        target
    } else {
        child(&target, "pom.xml")
    }
}

/// Coordinates with groupId and properties inherited from the parent when it is in the
/// reactor (parents first: iterate until stable).
fn resolve_coordinates(poms: &[Pom]) -> Vec<Coordinates> {
    let by_path: BTreeMap<String, usize> = poms
        .iter()
        .enumerate()
        .map(|(i, p)| (p.path.clone(), i))
        .collect();
    let parents: Vec<Option<usize>> = poms.iter().map(|p| reactor_parent(p, &by_path)).collect();
    let mut resolved: Vec<Coordinates> = poms
        .iter()
        .map(|_| Coordinates {
            name: String::new(),
            props: BTreeMap::new(),
        })
        .collect();
    for _ in 0..poms.len().min(64) + 1 {
        for (i, p) in poms.iter().enumerate() {
            let inherited = parents[i]
                .and_then(|j| resolved.get(j))
                .map(|c| c.props.clone())
                .unwrap_or_default();
            resolved[i] = coordinates(p, inherited);
        }
    }
    resolved
}

/// The index of the pom's `<parent>` when that parent is part of the reactor.
fn reactor_parent(p: &Pom, by_path: &BTreeMap<String, usize>) -> Option<usize> {
    let pe = p.el.child("parent")?;
    let rel = pe
        .text_of("relativePath")
        .unwrap_or_else(|| "../pom.xml".into());
    let f = pom_file(join(parent(&p.path), &rel)?);
    by_path.get(&f).copied()
}

/// One pom's coordinates given the properties its parent resolved to.
fn coordinates(p: &Pom, mut pr: BTreeMap<String, String>) -> Coordinates {
    let parent_el = p.el.child("parent");
    if let Some(ps) = p.el.child("properties") {
        for c in &ps.children {
            pr.insert(c.name.clone(), c.text.trim().to_string());
        }
    }
    let (pg, _) = parent_el.map(coords).unwrap_or((None, None));
    let (g, a) = coords(&p.el);
    let g = g.or(pg.clone()).unwrap_or_default();
    let v =
        p.el.text_of("version")
            .or_else(|| parent_el.and_then(|pe| pe.text_of("version")))
            .unwrap_or_default();
    if let Some(pg) = pg {
        pr.insert("project.parent.groupId".into(), pg);
    }
    pr.insert("project.groupId".into(), g.clone());
    pr.insert("project.version".into(), v.clone());
    pr.insert("groupId".into(), g.clone());
    pr.insert("version".into(), v);
    let g = interpolate(&g, &pr);
    let a = interpolate(&a.unwrap_or_default(), &pr);
    pr.insert("project.artifactId".into(), a.clone());
    Coordinates {
        name: format!("{g}:{a}"),
        props: pr,
    }
}

/// The edges of one pom to reactor packages: its parent, its dependencies (profiles
/// included; scope and optional decide the kind) and reactor plugins it builds with.
fn reactor_edges(
    p: &Pom,
    pr: &BTreeMap<String, String>,
    by_name: &BTreeMap<&str, usize>,
) -> Vec<(usize, EdgeKind)> {
    let key = |el: &El| {
        let (g, a) = coords(el);
        format!(
            "{}:{}",
            interpolate(&g.unwrap_or_else(|| "org.apache.maven.plugins".into()), pr),
            interpolate(&a.unwrap_or_default(), pr)
        )
    };
    let target = |el: &El| by_name.get(key(el).as_str()).copied();
    let mut edges = Vec::new();
    if let Some(t) = p.el.child("parent").and_then(target) {
        edges.push((t, EdgeKind::Normal));
    }
    let dep_lists = std::iter::once(&p.el)
        .chain(
            p.el.child("profiles")
                .into_iter()
                .flat_map(|x| x.all("profile")),
        )
        .filter_map(|x| x.child("dependencies"));
    for d in dep_lists.flat_map(|deps| deps.all("dependency")) {
        let Some(t) = target(d) else {
            continue;
        };
        let kind = match (
            d.text_of("scope").as_deref(),
            d.text_of("optional").as_deref(),
        ) {
            (Some("test"), _) => EdgeKind::Dev,
            (_, Some("true")) => EdgeKind::Optional,
            _ => EdgeKind::Normal,
        };
        edges.push((t, kind));
    }
    // Reactor plugins: a module building with a plugin built in the same reactor.
    if let Some(plugins) = p.el.child("build").and_then(|b| b.child("plugins")) {
        for pl in plugins.all("plugin") {
            if let Some(t) = target(pl) {
                edges.push((t, EdgeKind::Build));
            }
        }
    }
    edges
}

#[cfg(test)]
#[path = "maven_tests.rs"]
mod tests;
