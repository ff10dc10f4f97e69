//! YAML for `pnpm-workspace.yaml`, `pnpm-lock.yaml` and yarn berry lockfiles, read with the
//! `saphyr-parser` crate (a YAML 1.2 parser) into a small tree that keeps every scalar as the
//! text it is written as: `1.10` stays `1.10` (a version, not the float 1.1), `true` stays text
//! that [`Yaml::as_bool`] reads. A plain `~`, `null` or an empty value is [`Yaml::Null`].
//! Aliases are expanded (within a budget, so a "billion laughs" document stops with an error);
//! tags are dropped. A stream of several documents is read as its last one, as pnpm reads a
//! lockfile that starts with its environment document.

use saphyr_parser::{Event, Parser, ScalarStyle};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Yaml {
    Null,
    Str(String),
    Seq(Vec<Yaml>),
    Map(Vec<(String, Yaml)>),
}

impl Yaml {
    pub fn get(&self, key: &str) -> Option<&Yaml> {
        match self {
            Yaml::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Yaml::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(String, Yaml)] {
        match self {
            Yaml::Map(m) => m,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Yaml] {
        match self {
            Yaml::Seq(s) => s,
            _ => &[],
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.as_str()? {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ => None,
        }
    }
}

/// A parse error with its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: u32,
    pub message: String,
}

/// Deepest nesting of collections accepted.
const MAX_DEPTH: usize = 200;
/// Most nodes that alias expansion may create in one document.
const MAX_ALIAS_NODES: usize = 1_000_000;

enum Frame {
    Seq(Vec<Yaml>, usize),
    /// Entries, the key waiting for its value, the anchor id.
    Map(Vec<(String, Yaml)>, Option<String>, usize),
}

impl Frame {
    fn wants_key(&self) -> bool {
        matches!(self, Frame::Map(_, None, _))
    }
}

fn size(y: &Yaml) -> usize {
    match y {
        Yaml::Seq(v) => 1 + v.iter().map(size).sum::<usize>(),
        Yaml::Map(m) => 1 + m.iter().map(|(_, v)| size(v)).sum::<usize>(),
        _ => 1,
    }
}

struct Builder {
    stack: Vec<Frame>,
    docs: Vec<Yaml>,
    /// Anchored nodes by anchor id, for aliases.
    anchors: std::collections::HashMap<usize, Yaml>,
    alias_nodes: usize,
}

impl Builder {
    /// Attach a finished node to its parent (or end the document).
    fn push(&mut self, node: Yaml, anchor: usize) -> Result<(), String> {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some(Frame::Seq(items, _)) => items.push(node),
            Some(Frame::Map(entries, key, _)) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => match node {
                    Yaml::Str(s) => *key = Some(s),
                    Yaml::Null => *key = Some(String::new()),
                    _ => return Err("a mapping key that is a collection is not supported".into()),
                },
            },
        }
        Ok(())
    }

    fn event(&mut self, ev: Event<'_>) -> Result<(), String> {
        match ev {
            Event::Scalar(v, style, anchor, _tag) => {
                let as_key = self.stack.last().is_some_and(Frame::wants_key);
                let node = if !as_key
                    && style == ScalarStyle::Plain
                    && matches!(&*v, "" | "~" | "null" | "Null" | "NULL")
                {
                    Yaml::Null
                } else {
                    Yaml::Str(v.into_owned())
                };
                self.push(node, anchor)
            }
            Event::Alias(id) => {
                let node = self.anchors.get(&id).cloned().ok_or("unknown alias")?;
                self.alias_nodes = self.alias_nodes.saturating_add(size(&node));
                if self.alias_nodes > MAX_ALIAS_NODES {
                    return Err("aliases expand to too many nodes".into());
                }
                self.push(node, 0)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    return Err("nesting too deep".into());
                }
                self.stack.push(match ev {
                    Event::SequenceStart(..) => Frame::Seq(Vec::new(), anchor),
                    _ => Frame::Map(Vec::new(), None, anchor),
                });
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some(Frame::Seq(items, anchor)) => self.push(Yaml::Seq(items), anchor),
                Some(Frame::Map(entries, _, anchor)) => self.push(Yaml::Map(entries), anchor),
                None => Err("unbalanced collection".into()),
            },
            Event::DocumentStart(_) => {
                self.anchors.clear();
                self.alias_nodes = 0;
                Ok(())
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => Ok(()),
        }
    }
}

fn line_of(l: usize) -> u32 {
    u32::try_from(l.max(1)).unwrap_or(u32::MAX)
}

pub fn parse(text: &str) -> Result<Yaml, YamlError> {
    let mut b = Builder {
        stack: Vec::new(),
        docs: Vec::new(),
        anchors: std::collections::HashMap::new(),
        alias_nodes: 0,
    };
    for ev in Parser::new_from_str(text) {
        let (ev, span) = ev.map_err(|e| YamlError {
            line: line_of(e.marker().line()),
            message: e.info().to_string(),
        })?;
        b.event(ev).map_err(|message| YamlError {
            line: line_of(span.start.line()),
            message,
        })?;
    }
    Ok(b.docs.pop().unwrap_or(Yaml::Null))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pnpm_shapes() {
        let text = [
            "lockfileVersion: '9.0'",
            "importers:",
            "",
            "  .:",
            "    devDependencies:",
            "      typescript:",
            "        specifier: ^5.0.0",
            "        version: 5.4.2",
            "  packages/a:",
            "    dependencies:",
            "      '@scope/b':",
            "        specifier: workspace:*",
            "        version: link:../b",
            "packages:",
            "  typescript@5.4.2:",
            "    resolution: {integrity: sha512-abc==, tarball: 'https://x/y'}",
            "    engines: {node: '>=14.17'}",
            "    hasBin: true  # comment",
            "list:",
            "  - 'packages/*'",
            "  - \"!**/test/**\"",
            "  - name: x",
            "    v: 1",
        ]
        .join("\n");
        let text = text.as_str();
        let y = parse(text).expect("parses");
        assert_eq!(y.get("lockfileVersion").and_then(Yaml::as_str), Some("9.0"));
        let a = y
            .get("importers")
            .and_then(|i| i.get("packages/a"))
            .expect("a");
        assert_eq!(
            a.get("dependencies")
                .and_then(|d| d.get("@scope/b"))
                .and_then(|b| b.get("version"))
                .and_then(Yaml::as_str),
            Some("link:../b")
        );
        let ts = y
            .get("packages")
            .and_then(|p| p.get("typescript@5.4.2"))
            .expect("ts");
        assert_eq!(
            ts.get("resolution")
                .and_then(|r| r.get("integrity"))
                .and_then(Yaml::as_str),
            Some("sha512-abc==")
        );
        assert_eq!(ts.get("hasBin").and_then(Yaml::as_bool), Some(true));
        let list = y.get("list").map(Yaml::items).unwrap_or(&[]);
        assert_eq!(list.len(), 3);
        assert_eq!(list[1].as_str(), Some("!**/test/**"));
        assert_eq!(list[2].get("v").and_then(Yaml::as_str), Some("1"));
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("a: 1\n  b: 2\n").expect_err("bad indent");
        assert_eq!(e.line, 2);
        assert!(e.message.contains("mapping values"), "{}", e.message);
        // An unterminated flow mapping is noticed where the input ends.
        let e = parse("a:\n  b: {x: 1\n").expect_err("unterminated");
        assert_eq!(e.line, 3, "{}", e.message);
        let e = parse("a:\n\tb: 1\n").expect_err("tab");
        assert_eq!(e.line, 2, "{}", e.message);
    }

    #[test]
    fn scalars_stay_as_written() {
        let y = parse("v: 1.10\nn: ~\ne:\nq: ''\nb: true\nd: 2024-01-01\nk: &a {x: 1}\nr: *a\n")
            .expect("parses");
        assert_eq!(y.get("v").and_then(Yaml::as_str), Some("1.10"));
        assert_eq!(y.get("n"), Some(&Yaml::Null));
        assert_eq!(y.get("e"), Some(&Yaml::Null));
        assert_eq!(y.get("q").and_then(Yaml::as_str), Some(""));
        assert_eq!(y.get("b").and_then(Yaml::as_bool), Some(true));
        assert_eq!(y.get("d").and_then(Yaml::as_str), Some("2024-01-01"));
        assert_eq!(y.get("r"), y.get("k"));
        assert_eq!(
            y.get("r").and_then(|r| r.get("x")).and_then(Yaml::as_str),
            Some("1")
        );
    }

    #[test]
    fn bounded() {
        let deep = "[".repeat(500);
        let e = parse(&deep).expect_err("deep");
        assert_eq!(e.message, "recursion limit exceeded");
        let block: String = (0..250).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        let e = parse(&block).expect_err("deep block");
        assert_eq!(e.message, "nesting too deep");
        assert_eq!(e.line, 201);
        // Nine levels of nine aliases would be 387,420,489 nodes.
        let mut laughs = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (p, c) in ('a'..'j').zip('b'..'k') {
            laughs.push_str(&format!(
                "{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
            ));
        }
        let e = parse(&laughs).expect_err("laughs");
        assert_eq!(e.message, "aliases expand to too many nodes");
    }

    #[test]
    fn last_document_of_a_stream() {
        let y = parse("---\nlockfileVersion: '9.0'\nimporters: {}\n---\nlockfileVersion: '9.0'\nsettings: {}\n")
            .expect("parses");
        assert!(y.get("settings").is_some());
        assert!(y.get("importers").is_none());
    }

    const SEED: &str = "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      a: {specifier: ^1.0.0, version: 1.2.0}\npackages:\n  a@1.2.0:\n    resolution: {integrity: sha512-x}\n    deprecated: |\n      text\n\n      more\n  ? 'long@1.0.0(peer@2)'\n  : dependencies:\n      b: &v 2.0.0\n      c: *v\nlist: [x, 'y', \"z\"]\n---\nlast: ~\n";

    fn breaks(text: &str) -> usize {
        text.chars().filter(|c| matches!(c, '\n' | '\r')).count()
    }

    #[test]
    fn carriage_returns_break_lines() {
        let e = parse("(\r\u{1}\r\0").expect_err("control characters");
        assert!(e.line as usize <= breaks("(\r\u{1}\r\0") + 2, "{e:?}");
        assert_eq!(e.line, 3, "{e:?}");
    }

    proptest::proptest! {
        #![proptest_config(crate::fuzzing::config())]

        /// Arbitrary and mutated YAML: an error with a line in the text, or a tree; no panic.
        #[test]
        fn fuzz_yaml(text in crate::fuzzing::mutated_text(SEED)) {
            match parse(&text) {
                Ok(_) => {}
                // YAML breaks lines at `\r` too (found by fuzz_yaml: "(\r\u{1}\r\0").
                Err(e) => proptest::prop_assert!(
                    e.line >= 1 && e.line as usize <= breaks(&text) + 2,
                    "line {} of {}", e.line, breaks(&text)
                ),
            }
        }
    }
}
