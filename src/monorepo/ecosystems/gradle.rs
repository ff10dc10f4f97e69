//! Gradle multi-project builds (rule 42). Groovy and Kotlin DSL are scanned, not evaluated:
//! the common forms (`include(...)`, `project(":x")`, `projects.libCore`) are read, anything
//! computed at configuration time is not.

use std::collections::BTreeMap;

use crate::monorepo::support::paths::{self, child, join};
use crate::monorepo::support::Ctx;
use crate::monorepo::types::{Ecosystem, EdgeKind, Package};

/// Text without `//` and `/* */` comments (string contents are kept as they are).
fn strip_comments(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        if let Some(q) = quote {
            if c == b'\\' {
                out.push(c as char);
                if let Some(n) = b.get(i + 1) {
                    out.push(*n as char);
                }
                i += 2;
                continue;
            }
            if c == q {
                quote = None;
            }
            i += 1;
            out.push(c as char);
            continue;
        }
        if c == b'"' || c == b'\'' {
            quote = Some(c);
        } else if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                i += 1;
            }
            i += 2;
            continue;
        }
        out.push(c as char);
        i += 1;
    }
    // Bytes were pushed one by one: rebuild non-ASCII text from the original when needed.
    if s.is_ascii() {
        out
    } else {
        String::from_utf8_lossy(&out.chars().map(|c| c as u8).collect::<Vec<u8>>()).into_owned()
    }
}

/// Quoted string literals in `s`.
fn strings(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = s.char_indices();
    while let Some((_, c)) = chars.next() {
        if c == '"' || c == '\'' {
            let mut v = String::new();
            for (_, d) in chars.by_ref() {
                if d == c {
                    break;
                }
                v.push(d);
            }
            out.push(v);
        }
    }
    out
}

/// The argument text of a call starting at `start` (just after the keyword): a balanced
/// `( ... )` or, Groovy style, the rest of the line.
fn call_args(s: &str, start: usize) -> &str {
    let rest = &s[start..];
    let trimmed = rest.trim_start();
    if trimmed.starts_with('(') {
        let off = start + (rest.len() - trimmed.len());
        let mut depth = 0;
        for (i, c) in s[off..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        return &s[off + 1..off + i];
                    }
                }
                _ => {}
            }
        }
        return &s[off..];
    }
    rest.lines().next().unwrap_or("")
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Positions where `word` occurs as a whole identifier.
fn word_at(s: &str, word: &str) -> Vec<usize> {
    s.match_indices(word)
        .filter(|(i, _)| {
            let before = s[..*i].chars().next_back();
            let after = s[i + word.len()..].chars().next();
            !before.is_some_and(|c| is_ident(c) || c == '.') && !after.is_some_and(is_ident)
        })
        .map(|(i, _)| i)
        .collect()
}

/// `:lib:core` -> `lib/core`.
fn project_dir(path: &str) -> String {
    path.trim_start_matches(':').replace(':', "/")
}

/// `:lib:core-utils` -> `lib.coreUtils` (type-safe project accessors).
fn accessor(path: &str) -> String {
    path.trim_start_matches(':')
        .split(':')
        .map(|seg| {
            let mut out = String::new();
            let mut up = false;
            for c in seg.chars() {
                if c == '-' || c == '_' || c == '.' {
                    up = true;
                } else if up {
                    out.extend(c.to_uppercase());
                    up = false;
                } else {
                    out.push(c);
                }
            }
            out
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// The configuration a dependency is declared in, read backwards from `pos`.
fn config_before(s: &str, pos: usize) -> Option<&str> {
    let head = s[..pos].trim_end_matches(|c: char| c.is_whitespace() || c == '(');
    let start = head
        .char_indices()
        .rev()
        .find(|(_, c)| !is_ident(*c))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    let ident = &head[start..];
    if ident.is_empty()
        || matches!(
            ident,
            "evaluationDependsOn"
                | "dependsOn"
                | "findProject"
                | "project"
                | "include"
                | "configure"
                | "subprojects"
                | "allprojects"
                | "it"
        )
    {
        return None;
    }
    Some(ident)
}

fn kind_of(config: &str) -> EdgeKind {
    let lower = config.to_ascii_lowercase();
    if lower.starts_with("test") || lower.contains("test") {
        EdgeKind::Dev
    } else if matches!(config, "annotationProcessor" | "kapt" | "ksp") {
        EdgeKind::Build
    } else {
        EdgeKind::Normal
    }
}

/// The build a settings file defines: its file, its root directory and the text without
/// comments.
struct Build {
    top: String,
    root: String,
    text: String,
}

pub(crate) fn discover(cx: &mut Ctx) {
    let Some(build) = read_build(cx) else {
        return;
    };
    let ids = add_projects(cx, &build, &settings_projects(&build.text));
    let by_path: BTreeMap<String, usize> = ids.iter().cloned().collect();
    let by_accessor: BTreeMap<String, usize> = ids
        .iter()
        .filter(|(p, _)| p != ":")
        .map(|(p, i)| (accessor(p), *i))
        .collect();
    for (_, i) in ids {
        let Some(pkg) = cx.packages.get(i).cloned() else {
            continue;
        };
        if pkg.manifest == build.top {
            continue;
        }
        let Some(text) = cx.read_text(&pkg.manifest) else {
            continue;
        };
        let text = strip_comments(&text);
        let mut found = path_references(&text, &by_path);
        found.extend(accessor_references(&text, &by_accessor));
        for (t, k) in found {
            cx.edge(i, t, k);
        }
    }
}

/// The topmost settings file defines the build; nested ones (included builds) are barriers.
fn read_build(cx: &mut Ctx) -> Option<Build> {
    let settings: Vec<String> = cx
        .named("settings.gradle")
        .into_iter()
        .chain(cx.named("settings.gradle.kts"))
        .collect();
    let top = settings
        .iter()
        .min_by_key(|p| (paths::depth(paths::parent(p)), p.len()))
        .cloned()?;
    let root = paths::parent(&top).to_string();
    for s in &settings {
        let d = paths::parent(s);
        if d != root {
            cx.barrier(d);
        }
    }
    let text = strip_comments(&cx.read_text(&top)?);
    Some(Build { top, root, text })
}

/// A Gradle project path with its leading `:`.
fn absolute_path(p: &str) -> String {
    if p.starts_with(':') {
        p.to_string()
    } else {
        format!(":{p}")
    }
}

/// The projects a settings file includes: Gradle path -> directory relative to the root.
fn settings_projects(text: &str) -> BTreeMap<String, String> {
    let mut projects: BTreeMap<String, String> = BTreeMap::new();
    for pos in word_at(text, "include") {
        for p in strings(call_args(text, pos + "include".len())) {
            let p = absolute_path(&p);
            projects.insert(p.clone(), project_dir(&p));
        }
    }
    // `project(":x").projectDir = file("path")` overrides the directory.
    for line in text.lines() {
        if !line.contains("projectDir") || !line.contains("project(") {
            continue;
        }
        let s = strings(line);
        if let (Some(p), Some(dir)) = (s.first(), s.last()) {
            if s.len() >= 2 {
                projects.insert(
                    absolute_path(p),
                    dir.trim_start_matches("./")
                        .trim_end_matches('/')
                        .to_string(),
                );
            }
        }
    }
    projects
}

/// The root project and every included project whose directory exists, as packages;
/// returns (Gradle path, package index), the root as `:`.
fn add_projects(
    cx: &mut Ctx,
    build: &Build,
    projects: &BTreeMap<String, String>,
) -> Vec<(String, usize)> {
    let Build { top, root, text } = build;
    let root_name = text
        .lines()
        .find(|l| l.contains("rootProject.name"))
        .and_then(|l| strings(l).into_iter().next())
        .unwrap_or_else(|| {
            if root.is_empty() {
                "(root)".into()
            } else {
                paths::basename(root).to_string()
            }
        });
    let mut ids: Vec<(String, usize)> = Vec::new();
    let root_id = cx.add_package(Package {
        name: root_name,
        dir: root.clone(),
        ecosystem: Ecosystem::Gradle,
        manifest: top.clone(),
        version: None,
        root: Some(root.clone()),
        inherits: Vec::new(),
        dep_names: Vec::new(),
    });
    ids.push((":".into(), root_id));
    for (p, rel) in projects {
        let Some(dir) = join(root, rel) else {
            cx.diag(top, None, format!("project {p} escapes the repository"));
            continue;
        };
        if !cx.dirs().contains(dir.as_str()) {
            cx.diag(
                top,
                None,
                format!("project {p}: directory {dir:?} does not exist"),
            );
            continue;
        }
        let manifest = ["build.gradle.kts", "build.gradle"]
            .iter()
            .map(|f| child(&dir, f))
            .find(|f| cx.exists(f))
            .unwrap_or_else(|| top.clone());
        let i = cx.add_package(Package {
            name: p.clone(),
            dir,
            ecosystem: Ecosystem::Gradle,
            manifest,
            version: None,
            root: Some(root.clone()),
            inherits: Vec::new(),
            dep_names: Vec::new(),
        });
        ids.push((p.clone(), i));
    }
    ids
}

/// `project(":x")` references in a build script, with the kind of their configuration.
fn path_references(text: &str, by_path: &BTreeMap<String, usize>) -> Vec<(usize, EdgeKind)> {
    let mut found = Vec::new();
    for pos in word_at(text, "project") {
        let args = call_args(text, pos + "project".len());
        if !text[pos + "project".len()..].trim_start().starts_with('(')
            && !text[pos + "project".len()..].starts_with(' ')
        {
            continue;
        }
        let Some(p) = strings(args).into_iter().find(|s| s.starts_with(':')) else {
            continue;
        };
        if let (Some(cfg), Some(t)) = (config_before(text, pos), by_path.get(&p)) {
            found.push((*t, kind_of(cfg)));
        }
    }
    found
}

/// Type-safe accessor references (`projects.lib.coreUtils`): the longest prefix of the
/// chain that names a project.
fn accessor_references(
    text: &str,
    by_accessor: &BTreeMap<String, usize>,
) -> Vec<(usize, EdgeKind)> {
    let mut found = Vec::new();
    for (pos, _) in text.match_indices("projects.") {
        if text[..pos]
            .chars()
            .next_back()
            .is_some_and(|c| is_ident(c) || c == '.')
        {
            continue;
        }
        let chain: String = text[pos + "projects.".len()..]
            .chars()
            .take_while(|c| is_ident(*c) || *c == '.')
            .collect();
        let mut key = chain.trim_end_matches('.').to_string();
        let target = loop {
            if let Some(t) = by_accessor.get(&key) {
                break Some(*t);
            }
            match key.rfind('.') {
                Some(d) => key.truncate(d),
                None => break None,
            }
        };
        if let (Some(t), Some(cfg)) = (target, config_before(text, pos)) {
            found.push((t, kind_of(cfg)));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors_are_camel_case() {
        assert_eq!(accessor(":lib:core-utils"), "lib.coreUtils");
        assert_eq!(project_dir(":lib:core"), "lib/core");
        assert_eq!(strip_comments("a // x\nb /* y */ c"), "a \nb  c");
    }
}

#[cfg(test)]
#[path = "gradle_tests.rs"]
mod rule_tests;
