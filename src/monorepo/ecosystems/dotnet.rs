//! .NET: MSBuild project files, solutions, `Directory.Build.props` and central package
//! management (rules 45-50).

use std::collections::{BTreeMap, BTreeSet};

use crate::monorepo::support::paths::{self, is_under, join, parent};
use crate::monorepo::support::xml::{parse_xml, El};
use crate::monorepo::support::{read_at, Ctx, Effect, Sides};
use crate::monorepo::types::{Ecosystem, EdgeKind, Package};
use crate::monorepo::workspace::Workspace;

/// Project file extensions: C#, F# and Visual Basic (rule 45).
const PROJECT_EXTENSIONS: &[&str] = &[".csproj", ".fsproj", ".vbproj"];

/// Files MSBuild imports into every project below their directory (rule 49).
const BUILD_FILES: &[&str] = &["Directory.Build.props", "Directory.Build.targets"];

/// The central package management file (rule 50).
const PACKAGES_FILE: &str = "Directory.Packages.props";

/// The files [`semantic`] diffs by meaning.
pub(crate) const DIFFED: &[&str] = &[
    "Directory.Build.props",
    "Directory.Build.targets",
    PACKAGES_FILE,
];

fn is_project(path: &str) -> bool {
    PROJECT_EXTENSIONS.iter().any(|e| path.ends_with(e))
}

/// NuGet compares package ids ignoring case.
pub(crate) fn registry_name(name: &str) -> String {
    name.to_lowercase()
}

/// A repository-relative path from an MSBuild or solution path: `..\Lib\Lib.csproj` read
/// from `dir`. `None` when it escapes the repository or uses an MSBuild property.
fn resolve(dir: &str, raw: &str) -> Option<String> {
    let rel = raw.trim().replace('\\', "/");
    if rel.is_empty() || rel.contains("$(") {
        return None;
    }
    join(dir, &rel)
}

/// Project paths listed in a `.sln` file, with their 1-based line: the second quoted field of
/// each `Project("{type}") = "Name", "path", "{guid}"` line. Solution folders (whose path is
/// no project file) are left out.
pub(crate) fn sln_projects(text: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if !line.starts_with("Project(") {
            continue;
        }
        let Some((_, rest)) = line.split_once('=') else {
            continue;
        };
        // The quoted fields: every other piece between quotes (names may hold commas).
        let fields: Vec<&str> = rest.split('"').skip(1).step_by(2).collect();
        if let Some(path) = fields.get(1).filter(|p| is_project(p)) {
            out.push((u32::try_from(i + 1).unwrap_or(u32::MAX), path.to_string()));
        }
    }
    out
}

/// Project paths listed in a `.slnx` file: every `<Project Path="...">`, folders included.
fn slnx_projects(root: &El) -> Vec<String> {
    root.descendants()
        .into_iter()
        .filter(|e| e.name == "Project")
        .filter_map(|e| e.attr("Path"))
        .filter(|p| is_project(p))
        .map(str::to_string)
        .collect()
}

/// A parsed project file.
struct Project {
    path: String,
    el: El,
}

impl Project {
    fn dir(&self) -> &str {
        parent(&self.path)
    }

    /// `PackageId`, else `AssemblyName`, else the file name without its extension (rule 45).
    fn name(&self) -> String {
        let property = |name: &str| {
            self.el
                .descendants()
                .into_iter()
                .find(|e| e.name == name)
                .map(|e| e.text.trim().to_string())
                .filter(|v| !v.is_empty() && !v.contains("$("))
        };
        property("PackageId")
            .or_else(|| property("AssemblyName"))
            .unwrap_or_else(|| {
                let file = paths::basename(&self.path);
                file.rsplit_once('.')
                    .map_or(file, |(stem, _)| stem)
                    .to_string()
            })
    }

    fn version(&self) -> Option<String> {
        self.el
            .descendants()
            .into_iter()
            .find(|e| e.name == "Version")
            .map(|e| e.text.trim().to_string())
            .filter(|v| !v.is_empty() && !v.contains("$("))
    }

    /// Items of one kind (`ProjectReference`, `PackageReference`): each `Include` value,
    /// split at `;` as MSBuild does, with its element. Conditions are not evaluated.
    fn items(&self, kind: &str) -> Vec<(String, &El)> {
        let mut out = Vec::new();
        for e in self.el.descendants().into_iter().filter(|e| e.name == kind) {
            for v in e.attr("Include").unwrap_or("").split(';') {
                if !v.trim().is_empty() {
                    out.push((v.trim().to_string(), e));
                }
            }
        }
        out
    }

    /// Repository-relative paths of the referenced projects, with the edge kind: a reference
    /// with `ReferenceOutputAssembly="false"` only orders the build (rule 47). A reference
    /// that cannot be followed is an error message.
    fn references(&self) -> Vec<Result<(String, EdgeKind), String>> {
        let mut out = Vec::new();
        for (raw, e) in self.items("ProjectReference") {
            let Some(target) = resolve(self.dir(), &raw) else {
                out.push(Err(if raw.contains("$(") {
                    format!("ProjectReference {raw:?} uses an MSBuild property; not followed")
                } else {
                    format!("ProjectReference {raw:?} escapes the repository")
                }));
                continue;
            };
            let output = e.attr("ReferenceOutputAssembly").unwrap_or("true");
            let kind = if output.eq_ignore_ascii_case("false") {
                EdgeKind::Build
            } else {
                EdgeKind::Normal
            };
            out.push(Ok((target, kind)));
        }
        out
    }
}

fn read_projects(cx: &mut Ctx) -> BTreeMap<String, Project> {
    let files = cx.named_where(is_project);
    let mut out = BTreeMap::new();
    for path in files {
        let Some(text) = cx.read_text(&path) else {
            continue;
        };
        match parse_xml(&text) {
            Ok(el) => {
                out.insert(path.clone(), Project { path, el });
            }
            Err((line, m)) => cx.diag(&path, Some(line), format!("invalid XML: {m}")),
        }
    }
    out
}

/// Projects listed in the repository's solutions, or `None` without a solution (rule 46).
fn solution_members(cx: &mut Ctx) -> Option<BTreeSet<String>> {
    let solutions = cx.paths_named(|n| n.ends_with(".sln") || n.ends_with(".slnx"));
    if solutions.is_empty() {
        return None;
    }
    let mut members = BTreeSet::new();
    for sln in solutions {
        let Some(text) = cx.read_text(&sln) else {
            continue;
        };
        let listed: Vec<(Option<u32>, String)> = if sln.ends_with(".slnx") {
            match parse_xml(&text) {
                Ok(root) => slnx_projects(&root)
                    .into_iter()
                    .map(|p| (None, p))
                    .collect(),
                Err((line, m)) => {
                    cx.diag(&sln, Some(line), format!("invalid XML: {m}"));
                    continue;
                }
            }
        } else {
            sln_projects(&text)
                .into_iter()
                .map(|(l, p)| (Some(l), p))
                .collect()
        };
        for (line, raw) in listed {
            match resolve(parent(&sln), &raw) {
                Some(p) if cx.exists(&p) => {
                    members.insert(p);
                }
                Some(p) => cx.diag(&sln, line, format!("project {p:?} does not exist")),
                None => cx.diag(
                    &sln,
                    line,
                    format!("project {raw:?} escapes the repository"),
                ),
            }
        }
    }
    Some(members)
}

/// Members plus every project they reference, transitively: MSBuild builds a referenced
/// project whether a solution lists it or not (rule 46).
fn with_references(
    projects: &BTreeMap<String, Project>,
    listed: BTreeSet<String>,
) -> BTreeSet<String> {
    let mut members = listed.clone();
    let mut queue: Vec<String> = listed.into_iter().collect();
    while let Some(p) = queue.pop() {
        let Some(project) = projects.get(&p) else {
            continue;
        };
        for (target, _) in project.references().into_iter().flatten() {
            if projects.contains_key(&target) && members.insert(target.clone()) {
                queue.push(target);
            }
        }
    }
    members
}

pub(crate) fn discover(cx: &mut Ctx) {
    let projects = read_projects(cx);
    if projects.is_empty() {
        return;
    }
    let members = match solution_members(cx) {
        Some(listed) => with_references(&projects, listed),
        None => projects.keys().cloned().collect(),
    };
    let mut ids = BTreeMap::new();
    for (path, project) in &projects {
        let dir = project.dir().to_string();
        if !members.contains(path) {
            cx.barrier(&dir);
            continue;
        }
        if cx.package_at(&dir, Ecosystem::Dotnet).is_some() {
            cx.diag(
                path,
                None,
                format!("a second project in {dir:?}; its files are charged to the first"),
            );
            continue;
        }
        let names = project
            .items("PackageReference")
            .into_iter()
            .map(|(n, _)| n);
        let mut dep_names: Vec<String> = names.collect();
        dep_names.sort();
        dep_names.dedup();
        let i = cx.add_package(Package {
            name: project.name(),
            dir,
            ecosystem: Ecosystem::Dotnet,
            manifest: path.clone(),
            version: project.version(),
            root: None,
            inherits: Vec::new(),
            dep_names,
        });
        ids.insert(path.clone(), i);
    }
    for (path, i) in &ids {
        let Some(project) = projects.get(path) else {
            continue;
        };
        for reference in project.references() {
            let (target, kind) = match reference {
                Ok(r) => r,
                Err(m) => {
                    cx.diag(path, None, m);
                    continue;
                }
            };
            match ids.get(&target) {
                Some(j) => cx.edge(*i, *j, kind),
                None if !cx.exists(&target) => cx.diag(
                    path,
                    None,
                    format!("ProjectReference points to {target:?}, which does not exist"),
                ),
                // A second project in a directory: its package is the first one's.
                None => {}
            }
        }
    }
}

/// The .NET packages of `ws` below `dir` (`""`: all of them).
fn below<'a>(ws: &'a Workspace, dir: &'a str) -> impl Iterator<Item = &'a Package> + 'a {
    ws.packages.iter().filter(move |p| {
        p.ecosystem == Ecosystem::Dotnet && is_under(p.dir.as_bytes(), dir.as_bytes())
    })
}

fn at(p: &Package, reason: &str) -> Effect {
    Effect::At {
        eco: Ecosystem::Dotnet,
        dir: p.dir.clone(),
        reason: reason.to_string(),
    }
}

/// `Directory.Build.props`/`.targets` charge every project below them (rule 49);
/// `Directory.Packages.props` charges the projects referencing a package whose central
/// version changed, or every project below it when anything else changed (rule 50); a
/// solution only decides membership, which rediscovery already shows (rule 46).
pub(crate) fn semantic(path: &str, sides: &Sides) -> Option<Vec<Effect>> {
    let Sides { base, head, .. } = *sides;
    let any = |ws: &Workspace| ws.packages.iter().any(|p| p.ecosystem == Ecosystem::Dotnet);
    if !any(base) && !any(head) {
        return None;
    }
    let name = paths::basename(path);
    let dir = parent(path);
    if BUILD_FILES.contains(&name) {
        let reason = format!("imported file changed: {path}");
        return Some(below(head, dir).map(|p| at(p, &reason)).collect());
    }
    if name == PACKAGES_FILE {
        return Some(central_versions(path, sides));
    }
    if path.ends_with(".sln") || path.ends_with(".slnx") {
        return Some(Vec::new());
    }
    None
}

/// `PackageVersion` items of a central package management file by NuGet id (as written and
/// its version), and the rest of the document (what is not a `PackageVersion`).
type Versions = BTreeMap<String, (String, String)>;

fn versions(text: &str) -> Option<(Versions, El)> {
    let mut root = parse_xml(text).ok()?;
    let mut map = BTreeMap::new();
    for e in root
        .descendants()
        .into_iter()
        .filter(|e| e.name == "PackageVersion")
    {
        let id = e
            .attr("Include")
            .or_else(|| e.attr("Update"))
            .unwrap_or("")
            .trim();
        let version = e
            .attr("Version")
            .map(str::to_string)
            .or_else(|| e.text_of("Version"));
        map.insert(
            registry_name(id),
            (id.to_string(), version.unwrap_or_default()),
        );
    }
    strip(&mut root, "PackageVersion");
    Some((map, root))
}

/// `el` without the elements named `name`, and with whitespace around text trimmed (so
/// that adding or removing an element leaves the rest equal).
fn strip(el: &mut El, name: &str) {
    el.children.retain(|c| c.name != name);
    el.text = el.text.trim().to_string();
    for c in &mut el.children {
        strip(c, name);
    }
}

fn central_versions(path: &str, sides: &Sides) -> Vec<Effect> {
    let dir = parent(path);
    let parse = |snap| {
        read_at(snap, path)
            .and_then(Result::ok)
            .and_then(|t| versions(&t))
    };
    let everything = |why: &str| {
        let reason = format!("{path} {why}");
        below(sides.head, dir).map(|p| at(p, &reason)).collect()
    };
    let (Some((a, rest_a)), Some((b, rest_b))) = (parse(sides.base_snap), parse(sides.head_snap))
    else {
        return everything("created, deleted or unreadable");
    };
    if rest_a != rest_b {
        return everything("changed beyond package versions");
    }
    let ids: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let mut out = Vec::new();
    for key in ids {
        let (old, new) = (a.get(key), b.get(key));
        if old.map(|v| &v.1) == new.map(|v| &v.1) {
            continue;
        }
        let shown = new.or(old).map_or(key.as_str(), |v| v.0.as_str());
        let reason = format!("central package version {shown} changed: {path}");
        for p in below(sides.head, dir) {
            if p.dep_names.iter().any(|d| registry_name(d) == *key) {
                out.push(at(p, &reason));
            }
        }
    }
    out
}

#[cfg(test)]
#[path = "dotnet_tests.rs"]
mod tests;
