//! `pnpm-lock.yaml` as a [`LockGraph`], read whole or entry by entry.
//!
//! A large workspace's lockfile (vite: 500 KB, 6,000 entries) changes by a few entries per
//! version, and parsing the YAML dominates a history audit. With a [`Memo`], the text is cut
//! into its top-level keys and the entries of `importers`, `packages` and `snapshots` (the
//! lines from one two-space-indented key to the next), and each entry is parsed once per run
//! whatever version it appears in: an entry equal to the one with its key (at the same place,
//! or a little further) in the version the thread cut before is taken from it, any other is
//! looked up in the memo. Text the cut cannot vouch for (document markers, directives, tabs,
//! odd indentation, an entry that does not parse alone as one key, a section key twice) is
//! parsed whole, so both ways give the same graph.

use std::sync::{Arc, Mutex, PoisonError};

use foldhash::HashMap;

use super::lockfiles::{norm_key, split_key};
use crate::monorepo::memo::Memo;
use crate::monorepo::support::lock::{LockGraph, LockNode};
use crate::monorepo::support::yaml::{self, Yaml};

/// How package keys are spelled in one pnpm lockfile (v5 separates the version with `/`).
#[derive(Clone, Copy)]
struct PnpmKeys {
    v5: bool,
}

impl PnpmKeys {
    fn of(version: &str) -> PnpmKeys {
        PnpmKeys {
            v5: version.starts_with('5'),
        }
    }

    /// The package key a dependency `name: ver` points at; `None` for local links.
    fn child(self, name: &str, ver: &str) -> Option<String> {
        if ver.starts_with("link:") || ver.starts_with("file:") {
            return None;
        }
        if ver.starts_with('/') {
            return Some(norm_key(ver, self.v5));
        }
        Some(format!("{name}@{ver}"))
    }

    /// Sorted keys of the dependencies of an importer or package entry.
    fn deps(self, node: &Yaml) -> Vec<String> {
        let mut out = Vec::new();
        for f in ["dependencies", "devDependencies", "optionalDependencies"] {
            for (n, v) in node.get(f).map(Yaml::entries).unwrap_or(&[]) {
                let ver = v
                    .get("version")
                    .and_then(Yaml::as_str)
                    .or(v.as_str())
                    .unwrap_or("");
                if let Some(k) = self.child(n, ver) {
                    out.push(k);
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// An `importers` entry as a member node.
    fn importer(self, dir: &str, node: &Yaml) -> (Arc<str>, Arc<LockNode>) {
        (
            format!("importer:{dir}").into(),
            Arc::new(LockNode {
                name: dir.to_string(),
                version: String::new(),
                fp: String::new(),
                deps: self.deps(node),
                member: true,
            }),
        )
    }

    /// A `packages` entry's resolution, by normalized key.
    fn resolution(self, k: &str, v: &Yaml) -> (String, String) {
        let r = v
            .get("resolution")
            .map(|r| format!("{r:?}"))
            .unwrap_or_default();
        (norm_key(k, self.v5), r)
    }

    /// A `snapshots` (v9) or `packages` (older) entry, before its resolution is joined.
    fn package(self, k: &str, v: &Yaml) -> Package {
        let key = norm_key(k, self.v5);
        let (name, ver) = split_key(&key);
        Package {
            deps: self.deps(v),
            key: key.as_str().into(),
            name,
            ver,
            built: Mutex::new(None),
        }
    }
}

/// A package entry: its key `name@version(peers)`, name, version with peers, dependencies;
/// and the node last built from it, with the resolution it was built with. An entry parsed
/// once per run is then one node shared by every version of the lockfile that holds it.
#[derive(Debug)]
struct Package {
    key: Arc<str>,
    name: String,
    ver: String,
    deps: Vec<String>,
    built: Mutex<Option<(String, Arc<LockNode>)>>,
}

impl Package {
    /// The entry's node with the resolution `res` of its `packages` entry.
    fn node(&self, res: &str) -> Arc<LockNode> {
        let mut built = self.built.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((r, n)) = built.as_ref() {
            if r == res {
                return Arc::clone(n);
            }
        }
        let n = Arc::new(LockNode {
            name: self.name.clone(),
            version: self.ver.split('(').next().unwrap_or("").to_string(),
            fp: format!("{}|{res}", self.ver),
            deps: self.deps.clone(),
            member: false,
        });
        *built = Some((res.to_string(), Arc::clone(&n)));
        n
    }
}

/// The graph from the importers, the resolutions of `packages` and the package entries, in
/// document order (a later duplicate key replaces an earlier one).
fn assemble<'a>(
    importers: impl Iterator<Item = &'a (Arc<str>, Arc<LockNode>)>,
    resolutions: impl Iterator<Item = &'a (String, String)>,
    packages: impl Iterator<Item = &'a Package>,
) -> LockGraph {
    let resolution: HashMap<&str, &str> =
        resolutions.map(|(k, r)| (k.as_str(), r.as_str())).collect();
    let packages = packages.map(|p| {
        // Snapshots carry peer suffixes `(react@18)`; resolutions are keyed without them.
        let bare = match p.key.find('(') {
            Some(i) => &p.key[..i],
            None => &p.key,
        };
        let res = resolution
            .get(&*p.key)
            .or_else(|| resolution.get(bare))
            .copied()
            .unwrap_or_default();
        (Arc::clone(&p.key), p.node(res))
    });
    // Built from the entries at once (in document order, nearly sorted: one cheap sort), the
    // last of equal keys kept, as inserting them one by one would.
    LockGraph {
        nodes: importers
            .map(|(k, n)| (Arc::clone(k), Arc::clone(n)))
            .chain(packages)
            .collect(),
    }
}

/// `pnpm-lock.yaml` as a [`LockGraph`]: importers are members keyed `importer:<dir>`;
/// packages are keyed `name@version(peers)` and fingerprinted by resolution and version
/// (plus their dependency keys), so metadata edits (`deprecated:`) change nothing (rule 31).
pub(crate) fn parse_pnpm_lock(text: &str) -> Option<LockGraph> {
    let y = yaml::parse(text).ok()?;
    let version = y
        .get("lockfileVersion")
        .and_then(Yaml::as_str)
        .unwrap_or("");
    let keys = PnpmKeys::of(version);
    // Members: each `importers` entry, or the document itself for a single-package lockfile.
    let importers: Vec<(Arc<str>, Arc<LockNode>)> = match y.get("importers") {
        Some(imp) => imp
            .entries()
            .iter()
            .map(|(d, n)| keys.importer(d, n))
            .collect(),
        None => vec![keys.importer(".", &y)],
    };
    let empty = Yaml::Null;
    let packages = y.get("packages").unwrap_or(&empty);
    let resolutions: Vec<(String, String)> = packages
        .entries()
        .iter()
        .map(|(k, v)| keys.resolution(k, v))
        .collect();
    let nodes: Vec<Package> = y
        .get("snapshots")
        .unwrap_or(packages)
        .entries()
        .iter()
        .map(|(k, v)| keys.package(k, v))
        .collect();
    Some(assemble(importers.iter(), resolutions.iter(), nodes.iter()))
}

/// The sections read entry by entry.
const SECTIONS: [&str; 3] = ["importers", "packages", "snapshots"];

/// What one entry (or one other top-level key) contributes, parsed once per run.
#[derive(Debug)]
enum Piece {
    Importer((Arc<str>, Arc<LockNode>)),
    /// A `packages` entry: its resolution, and the entry as a package (used when the
    /// lockfile has no `snapshots`).
    Package((String, String), Package),
    Snapshot(Package),
    /// Another top-level key (`settings`, `overrides`, ...) and its scalar value, if any.
    Top(String, Option<String>),
    /// Does not parse alone as exactly one key: the text is parsed whole.
    Invalid,
}

/// The text cut: the entries of each section (by index into [`SECTIONS`]), whether each
/// section key is present, and the other top-level chunks.
struct Cut<'a> {
    sections: [Vec<&'a str>; 3],
    seen: [bool; 3],
    tops: Vec<&'a str>,
}

/// Whether a key line may start with `b`: the characters pnpm writes keys with. Anything
/// else (`?`, `:`, `-`, `&`, flow brackets, ...) may mean YAML the cut would misread.
fn key_start(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'/' | b'@' | b'.' | b'\'' | b'"' | b'_')
}

/// The text cut into top-level chunks and section entries; None when the cut cannot vouch
/// for the text (no anchors either, so no alias can reach across chunks).
fn cut(text: &str) -> Option<Cut<'_>> {
    if text.contains('&') {
        return None;
    }
    let mut c = Cut {
        sections: [Vec::new(), Vec::new(), Vec::new()],
        seen: [false; 3],
        tops: Vec::new(),
    };
    // The current chunk: its start, its section, whether it is a section's key line.
    let mut open: Option<(usize, Option<usize>, bool)> = None;
    let mut section: Option<usize> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let rest = line.trim_start_matches(' ');
        let indent = line.len() - rest.len();
        let blank = rest.trim().is_empty() || rest.starts_with('#');
        if line.starts_with("---") || line.starts_with("...") || line.starts_with('%') {
            return None;
        }
        if !blank && (rest.starts_with('\t') || !key_start(rest.as_bytes()[0])) && indent < 4 {
            return None;
        }
        if !blank && indent == 0 {
            c.close(text, open.take(), at);
            let key = line.trim_end();
            section = SECTIONS
                .iter()
                .position(|s| key.len() == s.len() + 1 && key.starts_with(s) && key.ends_with(':'));
            if let Some(s) = section {
                if std::mem::replace(&mut c.seen[s], true) {
                    return None;
                }
            }
            open = Some((at, section, section.is_some()));
        } else if !blank && section.is_some() && indent == 2 {
            c.close(text, open.take(), at);
            open = Some((at, section, false));
        } else if !blank && (indent < 2 || matches!(open, Some((_, Some(_), true)) | None)) {
            // Content that is no entry: right under a section key, or before any key.
            return None;
        }
        at += line.len();
    }
    c.close(text, open, at);
    Some(c)
}

impl<'a> Cut<'a> {
    /// Files the chunk from `open` to `end`.
    fn close(&mut self, text: &'a str, open: Option<(usize, Option<usize>, bool)>, end: usize) {
        match open {
            Some((start, Some(s), false)) => self.sections[s].push(&text[start..end]),
            Some((start, None, _)) => self.tops.push(&text[start..end]),
            _ => {}
        }
    }
}

/// Parses one chunk (`section` is its section's index, None for a top-level chunk).
fn piece(chunk: &str, section: Option<usize>, keys: PnpmKeys) -> Piece {
    let doc = match section {
        Some(s) => format!("{}:\n{chunk}", SECTIONS[s]),
        None => chunk.to_string(),
    };
    let Ok(y) = yaml::parse(&doc) else {
        return Piece::Invalid;
    };
    let one = |y: &Yaml| match y.entries() {
        [(k, v)] if matches!(y, Yaml::Map(_)) => Some((k.clone(), v.clone())),
        _ => None,
    };
    let Some((k, v)) = one(&y) else {
        return Piece::Invalid;
    };
    let Some(s) = section else {
        if SECTIONS.contains(&k.as_str()) {
            return Piece::Invalid;
        }
        return Piece::Top(k, v.as_str().map(str::to_string));
    };
    let Some((k, v)) = one(&v) else {
        return Piece::Invalid;
    };
    match s {
        0 => Piece::Importer(keys.importer(&k, &v)),
        1 => Piece::Package(keys.resolution(&k, &v), keys.package(&k, &v)),
        _ => Piece::Snapshot(keys.package(&k, &v)),
    }
}

/// [`parse_pnpm_lock`] entry by entry, each entry parsed once per run through `memo`. None
/// when the text must be parsed whole.
pub(crate) fn parse_pnpm_lock_cut(text: &str, memo: &Memo) -> Option<LockGraph> {
    let c = cut(text)?;
    if !c.seen[0] {
        // No importers: a single-package lockfile, whose document is the member.
        return None;
    }
    let get = |tag: u8, chunk: &str, section: Option<usize>, keys: PnpmKeys| {
        memo.chunk(tag, chunk, || piece(chunk, section, keys))
    };
    let plain = PnpmKeys::of("");
    let mut version = String::new();
    for t in &c.tops {
        match get(b'T', t, None, plain)?.as_ref() {
            Piece::Top(k, v) if k == "lockfileVersion" => version = v.clone().unwrap_or_default(),
            Piece::Top(..) => {}
            _ => return None,
        }
    }
    let keys = PnpmKeys::of(&version);
    let tag = |s: usize| {
        let s = b"012345"[s];
        if keys.v5 {
            s + 3
        } else {
            s
        }
    };
    let mut pieces: [Vec<Arc<Piece>>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    let mut kept: [Vec<Kept>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    PREVIOUS.with(|previous| -> Option<()> {
        let previous = previous.borrow();
        for (s, chunks) in c.sections.iter().enumerate() {
            let mut at = 0;
            for chunk in chunks {
                let t = tag(s);
                let piece = match previous
                    .as_ref()
                    .and_then(|p| p.aligned(s, &mut at, chunk, t))
                {
                    Some(p) => p,
                    None => get(t, chunk, Some(s), keys)?,
                };
                let start = chunk.as_ptr() as usize - text.as_ptr() as usize;
                let key = key_line(chunk).len();
                kept[s].push((start..start + chunk.len(), key, t, Arc::clone(&piece)));
                pieces[s].push(piece);
            }
        }
        Some(())
    })?;
    PREVIOUS.with(|previous| {
        *previous.borrow_mut() = Some(Previous {
            text: text.to_owned(),
            chunks: kept,
        });
    });
    from_pieces(&pieces, c.seen[2])
}

/// An entry of the previous version: where its text lies, the length of its key line, the
/// tag it was parsed with, and its piece.
type Kept = (std::ops::Range<usize>, usize, u8, Arc<Piece>);

/// How far past the expected place an entry of the previous version is looked for by its key
/// line: the entries removed since, in one run.
const LOOKAHEAD: usize = 64;

/// The first line of an entry: its key.
fn key_line(chunk: &str) -> &str {
    chunk.split('\n').next().unwrap_or("")
}

/// The version this thread cut last, entry by entry.
struct Previous {
    text: String,
    chunks: [Vec<Kept>; 3],
}

thread_local! {
    /// Walking history, nearly every entry of a version is the previous version's, byte for
    /// byte and in the same order: comparing it with the entry of the same key, found a few
    /// places ahead at most, reads two nearby texts once, where the memo hashes it and probes
    /// a table shared by all threads.
    static PREVIOUS: std::cell::RefCell<Option<Previous>> = const { std::cell::RefCell::new(None) };
}

impl Previous {
    /// The piece of the previous version's entry in section `s` with `chunk`'s key line, at
    /// `*at` or a little after it (entries removed since), if its text and tag are `chunk`'s.
    /// `*at` moves past the entry with that key whether its text is the same or not; with no
    /// such entry (a new key), it stays.
    fn aligned(&self, s: usize, at: &mut usize, chunk: &str, tag: u8) -> Option<Arc<Piece>> {
        let old = &self.chunks[s];
        let key = key_line(chunk);
        let end = old.len().min(*at + LOOKAHEAD);
        let i = (*at..end).find(|&i| {
            let (range, len, _, _) = &old[i];
            self.text.get(range.start..range.start + len) == Some(key)
        })?;
        *at = i + 1;
        let (range, _, t, piece) = &old[i];
        (*t == tag && self.text.get(range.clone()) == Some(chunk)).then(|| Arc::clone(piece))
    }
}

/// The graph from the pieces of each section (`snapshots` holds the packages when present);
/// None when a piece is not what its section holds.
fn from_pieces(pieces: &[Vec<Arc<Piece>>; 3], has_snapshots: bool) -> Option<LockGraph> {
    let mut importers = Vec::new();
    let mut resolutions = Vec::new();
    let mut packages = Vec::new();
    let mut snapshots = Vec::new();
    for p in pieces.iter().flatten() {
        match p.as_ref() {
            Piece::Importer(i) => importers.push(i),
            Piece::Package(r, p) => {
                resolutions.push(r);
                packages.push(p);
            }
            Piece::Snapshot(p) => snapshots.push(p),
            Piece::Top(..) | Piece::Invalid => return None,
        }
    }
    let nodes = if has_snapshots { snapshots } else { packages };
    Some(assemble(
        importers.into_iter(),
        resolutions.into_iter(),
        nodes.into_iter(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fuzzing::{config, mutated};
    use proptest::prelude::*;

    const V9: &str = "lockfileVersion: '9.0'

settings:
  autoInstallPeers: true

importers:

  .:
    devDependencies:
      typescript:
        specifier: ^5.0.0
        version: 5.4.2

  packages/a:
    dependencies:
      b:
        specifier: workspace:*
        version: link:../b
      react:
        specifier: ^18.0.0
        version: 18.2.0

packages:

  react@18.2.0:
    resolution: {integrity: sha512-aaa}

  loose-envify@1.4.0:
    resolution: {integrity: sha512-bbb}

  typescript@5.4.2:
    resolution: {integrity: sha512-ccc}

snapshots:

  react@18.2.0:
    dependencies:
      loose-envify: 1.4.0

  loose-envify@1.4.0: {}

  typescript@5.4.2: {}
";

    const V5: &str = "lockfileVersion: 5.4

importers:

  .:
    specifiers:
      lodash: ^4
    dependencies:
      lodash: 4.17.21

packages:

  /lodash/4.17.21:
    resolution: {integrity: sha512-ddd}
    dev: false
";

    #[test]
    fn a_later_entry_with_the_same_key_replaces_an_earlier_one_and_nodes_are_shared() {
        let package = |deps: &[&str]| Package {
            key: "a@1.0.0".into(),
            name: "a".into(),
            ver: "1.0.0".into(),
            deps: deps.iter().map(|d| d.to_string()).collect(),
            built: Mutex::new(None),
        };
        let (first, second) = (package(&["b@1.0.0"]), package(&["c@2.0.0"]));
        let resolutions = [("a@1.0.0".to_string(), "{integrity: x}".to_string())];
        let g = assemble(
            std::iter::empty(),
            resolutions.iter(),
            [&first, &second].into_iter(),
        );
        assert_eq!(g.nodes.len(), 1);
        let node = &g.nodes["a@1.0.0"];
        assert_eq!(node.deps, vec!["c@2.0.0".to_string()]);
        assert_eq!(node.fp, "1.0.0|{integrity: x}");
        // The same entry with the same resolution gives the very node built before; with
        // another resolution, a new one.
        let again = assemble(
            std::iter::empty(),
            resolutions.iter(),
            [&second].into_iter(),
        );
        assert!(Arc::ptr_eq(node, &again.nodes["a@1.0.0"]));
        let other = [("a@1.0.0".to_string(), "{integrity: y}".to_string())];
        let changed = assemble(std::iter::empty(), other.iter(), [&second].into_iter());
        assert!(!Arc::ptr_eq(node, &changed.nodes["a@1.0.0"]));
        assert_eq!(changed.nodes["a@1.0.0"].fp, "1.0.0|{integrity: y}");
    }

    #[test]
    fn entry_by_entry_equals_the_whole_parse() {
        for text in [V9, V5] {
            let memo = Memo::default();
            let whole = parse_pnpm_lock(text).expect("the sample parses");
            assert!(!whole.nodes.is_empty());
            // The cut applies to both samples, and a second read (all entries known) agrees too.
            assert_eq!(parse_pnpm_lock_cut(text, &memo), Some(whole.clone()));
            assert_eq!(parse_pnpm_lock_cut(text, &memo), Some(whole));
        }
        // A document marker is not cut: the whole parse decides.
        let marked = format!("---\n{V9}");
        assert_eq!(parse_pnpm_lock_cut(&marked, &Memo::default()), None);
    }

    #[test]
    fn entries_equal_to_the_previous_versions_are_taken_from_it() {
        // Each version read with a memo of its own: only the previous version can share.
        let v1 = V9;
        let changed = v1.replace("sha512-bbb", "sha512-BBB");
        let inserted = changed.replace(
            "  typescript@5.4.2:\n    resolution",
            "  tslib@2.6.0:\n    resolution: {integrity: sha512-ddd}\n\n  typescript@5.4.2:\n    resolution",
        );
        let removed = inserted.replace(
            "  react@18.2.0:\n    resolution: {integrity: sha512-aaa}\n\n",
            "",
        );
        // Two entries in a row gone from `snapshots`: the entry after them is still found.
        let two_gone = removed.replace(
            "  react@18.2.0:\n    dependencies:\n      loose-envify: 1.4.0\n\n  loose-envify@1.4.0: {}\n\n",
            "",
        );
        assert_ne!(two_gone, removed);
        let mut last: Option<LockGraph> = None;
        for text in [v1, &changed, &inserted, &removed, &two_gone, v1] {
            let got = parse_pnpm_lock_cut(text, &Memo::default());
            assert_eq!(got, parse_pnpm_lock(text), "{text}");
            let got = got.expect("the versions are cut");
            if let Some(prev) = &last {
                let shared = |k: &str| match (prev.nodes.get(k), got.nodes.get(k)) {
                    (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                    _ => false,
                };
                // typescript's entries are the same text in every version.
                assert!(shared("typescript@5.4.2"), "{text}");
            }
            last = Some(got);
        }
    }

    proptest! {
        #![proptest_config(config())]
        /// Whatever the bytes, the cut (or its fall-back to the whole parse) gives the whole
        /// parse's graph, also when entries of an earlier version are already in the memo.
        #[test]
        fn fuzz_pnpm_cut_equals_whole(v9 in mutated(V9), v5 in mutated(V5)) {
            let memo = Memo::default();
            for bytes in [&v9, &v5] {
                let text = String::from_utf8_lossy(bytes);
                let _ = parse_pnpm_lock_cut(V9, &memo);
                let got = parse_pnpm_lock_cut(&text, &memo).or_else(|| parse_pnpm_lock(&text));
                prop_assert_eq!(got, parse_pnpm_lock(&text));
            }
        }
    }
}
