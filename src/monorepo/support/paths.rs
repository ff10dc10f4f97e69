//! Repository-relative path helpers. Paths use '/' and never start with '/'; `""` is the root.
//! Comparisons are by component so that `libs/a` does not own `libs/a-b` (rule 3).

use std::sync::Arc;

use globset::{Glob, GlobBuilder};

/// Directory part of a path (`""` for a top-level file).
pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[..i],
        None => "",
    }
}

pub fn basename(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[i + 1..],
        None => path,
    }
}

/// `dir/name`, or `name` at the root.
pub fn child(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Number of components (`""` has 0).
pub fn depth(dir: &str) -> usize {
    if dir.is_empty() {
        0
    } else {
        dir.split('/').count()
    }
}

/// Whether `path` is `dir` or lies below it, by component.
pub fn is_under(path: &[u8], dir: &[u8]) -> bool {
    if dir.is_empty() {
        return true;
    }
    path.starts_with(dir) && (path.len() == dir.len() || path[dir.len()] == b'/')
}

/// The directories of `dirs` that lie below no other one of them (the outermost
/// workspaces), in their order.
pub fn outermost(dirs: &[String]) -> Vec<String> {
    dirs.iter()
        .filter(|d| {
            !dirs
                .iter()
                .any(|o| o != *d && is_under(d.as_bytes(), o.as_bytes()))
        })
        .cloned()
        .collect()
}

pub fn has_component(path: &str, name: &str) -> bool {
    path.split('/').any(|c| c == name)
}

/// Joins a relative path onto a directory and normalizes `.` and `..`. Returns `None` when the
/// result would escape the repository or the path is absolute (it names the machine, not the
/// repository).
pub fn join(dir: &str, rel: &str) -> Option<String> {
    let rel = rel.trim();
    let windows_drive = rel.as_bytes().get(1) == Some(&b':');
    if rel.starts_with('/') || rel.starts_with('\\') || windows_drive {
        return None;
    }
    let mut out: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for c in rel.split(['/', '\\']) {
        match c {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            c => out.push(c),
        }
    }
    Some(out.join("/"))
}

/// A glob where `*` does not cross '/' and `**` does (rule 12, rule 24).
pub fn glob(pattern: &str) -> Result<Arc<globset::GlobMatcher>, globset::Error> {
    // Discovery compiles the same member patterns at every manifest change of a history
    // audit: each pattern is compiled once per thread, and its matcher (with the lazily built
    // automaton states of its regex) is shared, not copied.
    const KEEP: usize = 1024;
    type Compiled = Result<Arc<globset::GlobMatcher>, globset::Error>;
    thread_local! {
        static COMPILED: std::cell::RefCell<foldhash::HashMap<String, Compiled>> =
            std::cell::RefCell::new(foldhash::HashMap::default());
    }
    super::thread_memo(&COMPILED, pattern, KEEP, || {
        glob_raw(pattern).map(|g| Arc::new(g.compile_matcher()))
    })
}

pub fn glob_raw(pattern: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(pattern).literal_separator(true).build()
}

/// A member pattern made relative to the repository root: `./a/*/` under `dir` -> `dir/a/*`.
/// `None` when the pattern escapes the repository.
pub fn rebase_pattern(dir: &str, pattern: &str) -> Option<String> {
    let p = pattern.trim().trim_end_matches('/');
    // Globs are joined textually; `..` is normalized like a path.
    join(dir, p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_normalizes_and_refuses_escapes() {
        assert_eq!(join("a/b", "../c").as_deref(), Some("a/c"));
        assert_eq!(join("a", "./x/./y/").as_deref(), Some("a/x/y"));
        assert_eq!(join("", "x").as_deref(), Some("x"));
        assert_eq!(join("a", "../.."), None);
        assert_eq!(join("a", "/abs"), None);
        assert_eq!(join("a", "C:/x"), None);
    }

    #[test]
    fn under_is_by_component() {
        assert!(is_under(b"libs/a/x", b"libs/a"));
        assert!(!is_under(b"libs/a-b/x", b"libs/a"));
        assert!(is_under(b"x", b""));
    }
}
