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

pub(crate) fn discover(cx: &mut Ctx) {
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
    // Walk `<modules>` (also inside `<profiles>`), guarding against loops.
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
        let dir = parent(&path).to_string();
        let mut modules: Vec<String> = Vec::new();
        let lists = std::iter::once(&el)
            .chain(
                el.child("profiles")
                    .into_iter()
                    .flat_map(|p| p.all("profile")),
            )
            .filter_map(|x| x.child("modules"));
        for m in lists {
            for module in m.all("module") {
                modules.push(module.text.trim().to_string());
            }
        }
        for m in modules {
            let Some(target) = join(&dir, &m) else {
                cx.diag(&path, None, format!("module {m:?} escapes the repository"));
                continue;
            };
            let file = if target.ends_with(".xml") {
                target
            } else {
                child(&target, "pom.xml")
            };
            // A module at or above its own aggregator is a loop, not a module.
            if is_under(dir.as_bytes(), parent(&file).as_bytes()) {
                cx.diag(
                    &path,
                    None,
                    format!("module {m:?} points back to {file}: loop skipped"),
                );
                continue;
            }
            if !cx.exists(&file) {
                cx.diag(&path, None, format!("module {m:?}: {file} does not exist"));
                continue;
            }
            queue.push(file);
        }
        poms.push(Pom { path, el });
    }
    poms.sort_by(|a, b| a.path.cmp(&b.path));
    // Coordinates with groupId and properties inherited from the parent when it is in the
    // reactor (parents first: iterate until stable).
    let by_path: BTreeMap<String, usize> = poms
        .iter()
        .enumerate()
        .map(|(i, p)| (p.path.clone(), i))
        .collect();
    let mut props: Vec<BTreeMap<String, String>> = vec![BTreeMap::new(); poms.len()];
    let mut names: Vec<String> = vec![String::new(); poms.len()];
    for _ in 0..poms.len().min(64) + 1 {
        for (i, p) in poms.iter().enumerate() {
            let parent_el = p.el.child("parent");
            let parent_idx = parent_el.and_then(|pe| {
                let rel = pe
                    .text_of("relativePath")
                    .unwrap_or_else(|| "../pom.xml".into());
                let f = join(parent(&p.path), &rel)?;
                let f = if f.ends_with(".xml") {
                    f
                } else {
                    child(&f, "pom.xml")
                };
                by_path.get(&f).copied()
            });
            let mut pr = parent_idx
                .and_then(|j| props.get(j).cloned())
                .unwrap_or_default();
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
            names[i] = format!("{g}:{a}");
            props[i] = pr;
        }
    }
    let mut ids = Vec::new();
    for (i, p) in poms.iter().enumerate() {
        let dir = parent(&p.path).to_string();
        ids.push(
            cx.add_package(Package {
                name: names[i].clone(),
                dir,
                ecosystem: Ecosystem::Maven,
                manifest: p.path.clone(),
                version: props[i]
                    .get("project.version")
                    .cloned()
                    .filter(|v| !v.is_empty()),
                root: None,
                inherits: Vec::new(),
                dep_names: Vec::new(),
            }),
        );
    }
    let by_name: BTreeMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), ids[i]))
        .collect();
    let mut edges = Vec::new();
    for (i, p) in poms.iter().enumerate() {
        let pr = &props[i];
        let key = |el: &El| {
            let (g, a) = coords(el);
            format!(
                "{}:{}",
                interpolate(&g.unwrap_or_else(|| "org.apache.maven.plugins".into()), pr),
                interpolate(&a.unwrap_or_default(), pr)
            )
        };
        if let Some(pe) = p.el.child("parent") {
            if let Some(&t) = by_name.get(key(pe).as_str()) {
                edges.push((ids[i], t, EdgeKind::Normal));
            }
        }
        let dep_lists = std::iter::once(&p.el)
            .chain(
                p.el.child("profiles")
                    .into_iter()
                    .flat_map(|x| x.all("profile")),
            )
            .filter_map(|x| x.child("dependencies"));
        for deps in dep_lists {
            for d in deps.all("dependency") {
                let Some(&t) = by_name.get(key(d).as_str()) else {
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
                edges.push((ids[i], t, kind));
            }
        }
        // Reactor plugins: a module building with a plugin built in the same reactor.
        if let Some(plugins) = p.el.child("build").and_then(|b| b.child("plugins")) {
            for pl in plugins.all("plugin") {
                if let Some(&t) = by_name.get(key(pl).as_str()) {
                    edges.push((ids[i], t, EdgeKind::Build));
                }
            }
        }
    }
    for (a, b, k) in edges {
        cx.edge(a, b, k);
    }
}

#[cfg(test)]
#[path = "maven_tests.rs"]
mod tests;
