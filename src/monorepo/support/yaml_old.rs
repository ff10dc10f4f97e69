//! The hand-written reader this module replaced, kept for the comparison harness only.
#![allow(dead_code)]
//! A small YAML subset reader for `pnpm-workspace.yaml` and `pnpm-lock.yaml`: block mappings
//! and sequences, plain and quoted scalars, one-line (or balanced multi-line) flow collections,
//! block scalars, comments. Anchors, tags and multi-document streams are not interpreted.
//! Written here rather than pulling in a full YAML stack for two machine-written files.

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

#[derive(Debug, Clone)]
struct Line {
    indent: usize,
    text: String,
    no: u32,
}

fn strip_comment(s: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in s.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if (c == '\'' || c == '"')
                && (prev == ' '
                    || prev == ':'
                    || prev == '-'
                    || prev == '['
                    || prev == '{'
                    || prev == ','
                    || i == 0) =>
            {
                quote = Some(c)
            }
            None if c == '#' && (i == 0 || prev == ' ' || prev == '\t') => return &s[..i],
            None => {}
        }
        prev = c;
    }
    s
}

pub fn parse(text: &str) -> Result<Yaml, YamlError> {
    let mut lines = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let trimmed_start = raw.trim_start_matches(' ');
        if trimmed_start.starts_with('\t') {
            return Err(YamlError {
                line: no,
                message: "tab in indentation".into(),
            });
        }
        let body = strip_comment(trimmed_start).trim_end();
        if body.is_empty() || body == "---" || body == "..." || body.starts_with('%') {
            continue;
        }
        lines.push(Line {
            indent: raw.len() - trimmed_start.len(),
            text: body.to_string(),
            no,
        });
    }
    if lines.is_empty() {
        return Ok(Yaml::Null);
    }
    let mut p = Parser { lines, pos: 0 };
    let indent = p.lines[0].indent;
    let v = p.block(indent, 0)?;
    if let Some(l) = p.lines.get(p.pos) {
        return Err(YamlError {
            line: l.no,
            message: "unexpected indentation".into(),
        });
    }
    Ok(v)
}

struct Parser {
    lines: Vec<Line>,
    pos: usize,
}

fn is_seq_item(t: &str) -> bool {
    t == "-" || t.starts_with("- ")
}

/// Splits `key: value` at the first `: ` (or a trailing `:`) outside quotes.
fn split_key(t: &str) -> Option<(String, &str)> {
    let bytes = t.as_bytes();
    if bytes.first() == Some(&b'"') || bytes.first() == Some(&b'\'') {
        let q = bytes[0];
        let mut i = 1;
        while i < bytes.len() {
            if bytes[i] == q {
                if q == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                    i += 2;
                    continue;
                }
                if q == b'"' && bytes[i - 1] == b'\\' {
                    i += 1;
                    continue;
                }
                break;
            }
            i += 1;
        }
        let rest = t.get(i + 1..)?.trim_start();
        let rest = rest.strip_prefix(':')?;
        let key = unquote(t.get(..=i)?).ok()?;
        return Some((key, rest.trim()));
    }
    if let Some(i) = t.find(": ") {
        return Some((t[..i].trim().to_string(), t[i + 2..].trim()));
    }
    t.strip_suffix(':').map(|k| (k.trim().to_string(), ""))
}

fn unquote(s: &str) -> Result<String, String> {
    let s = s.trim();
    if let Some(inner) = s.strip_prefix('\'') {
        let inner = inner.strip_suffix('\'').ok_or("unterminated quote")?;
        return Ok(inner.replace("''", "'"));
    }
    if let Some(inner) = s.strip_prefix('"') {
        let inner = inner.strip_suffix('"').ok_or("unterminated quote")?;
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some(o) => out.push(o),
                    None => {}
                }
            } else {
                out.push(c);
            }
        }
        return Ok(out);
    }
    Ok(s.to_string())
}

fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' => quote = Some(c),
                '{' | '[' => depth += 1,
                '}' | ']' => depth -= 1,
                _ => {}
            },
        }
    }
    depth <= 0
}

impl Parser {
    fn err(&self, message: &str) -> YamlError {
        YamlError {
            line: self
                .lines
                .get(self.pos)
                .or(self.lines.last())
                .map(|l| l.no)
                .unwrap_or(1),
            message: message.to_string(),
        }
    }

    fn block(&mut self, indent: usize, depth: usize) -> Result<Yaml, YamlError> {
        if depth > 200 {
            return Err(self.err("nesting too deep"));
        }
        let Some(first) = self.lines.get(self.pos) else {
            return Ok(Yaml::Null);
        };
        if is_seq_item(&first.text) {
            let mut items = Vec::new();
            while let Some(l) = self.lines.get(self.pos) {
                if l.indent != indent || !is_seq_item(&l.text) {
                    break;
                }
                let rest = l.text[1..].trim_start().to_string();
                let offset = l.text.len() - rest.len();
                if rest.is_empty() {
                    self.pos += 1;
                    match self.lines.get(self.pos) {
                        Some(n) if n.indent > indent => {
                            let ni = n.indent;
                            items.push(self.block(ni, depth + 1)?);
                        }
                        _ => items.push(Yaml::Null),
                    }
                } else if is_seq_item(&rest)
                    || (split_key(&rest).is_some() && !rest.starts_with(['{', '[']))
                {
                    // `- key: v` starts a mapping indented at the key's column.
                    let ni = indent + offset;
                    if let Some(l) = self.lines.get_mut(self.pos) {
                        l.indent = ni;
                        l.text = rest;
                    }
                    items.push(self.block(ni, depth + 1)?);
                } else {
                    self.pos += 1;
                    items.push(self.scalar_or_flow(rest, indent)?);
                }
            }
            return Ok(Yaml::Seq(items));
        }
        let mut map = Vec::new();
        while let Some(l) = self.lines.get(self.pos) {
            if l.indent < indent {
                break;
            }
            if l.indent > indent {
                return Err(self.err("unexpected indentation"));
            }
            if is_seq_item(&l.text) {
                break;
            }
            let Some((key, rest)) = split_key(&l.text) else {
                return Err(self.err("expected `key: value`"));
            };
            let rest = rest.to_string();
            self.pos += 1;
            let value = if rest.is_empty() {
                match self.lines.get(self.pos) {
                    Some(n) if n.indent > indent => {
                        let ni = n.indent;
                        self.block(ni, depth + 1)?
                    }
                    Some(n) if n.indent == indent && is_seq_item(&n.text) => {
                        self.block(indent, depth + 1)?
                    }
                    _ => Yaml::Null,
                }
            } else if rest.starts_with('|') || rest.starts_with('>') {
                self.block_scalar(indent, rest.starts_with('>'))
            } else {
                self.scalar_or_flow(rest, indent)?
            };
            map.push((key, value));
        }
        Ok(Yaml::Map(map))
    }

    /// `|` and `>` scalars: the raw lines indented deeper than the key.
    fn block_scalar(&mut self, indent: usize, fold: bool) -> Yaml {
        let mut parts = Vec::new();
        while let Some(l) = self.lines.get(self.pos) {
            if l.indent <= indent {
                break;
            }
            parts.push(l.text.clone());
            self.pos += 1;
        }
        Yaml::Str(parts.join(if fold { " " } else { "\n" }))
    }

    fn scalar_or_flow(&mut self, mut rest: String, indent: usize) -> Result<Yaml, YamlError> {
        if rest.starts_with('{') || rest.starts_with('[') {
            while !balanced(&rest) {
                match self.lines.get(self.pos) {
                    Some(l) if l.indent > indent || l.text.starts_with(['}', ']']) => {
                        rest.push(' ');
                        rest.push_str(&l.text);
                        self.pos += 1;
                    }
                    _ => return Err(self.err("unterminated flow collection")),
                }
            }
            let mut f = Flow {
                s: rest.as_bytes(),
                i: 0,
            };
            let v = f.value(0).map_err(|m| self.err(m))?;
            return Ok(v);
        }
        if rest.starts_with('&') || rest.starts_with('!') {
            // Anchors and tags are kept as text: nothing pnpm writes needs them.
            return Ok(Yaml::Str(rest));
        }
        if matches!(rest.as_str(), "~" | "null" | "Null" | "NULL") {
            return Ok(Yaml::Null);
        }
        unquote(&rest).map(Yaml::Str).map_err(|m| self.err(&m))
    }
}

struct Flow<'a> {
    s: &'a [u8],
    i: usize,
}

impl Flow<'_> {
    fn ws(&mut self) {
        while self.s.get(self.i).is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Yaml, &'static str> {
        if depth > 100 {
            return Err("nesting too deep");
        }
        self.ws();
        match self.s.get(self.i) {
            Some(b'{') => {
                self.i += 1;
                let mut m = Vec::new();
                loop {
                    self.ws();
                    if self.s.get(self.i) == Some(&b'}') {
                        self.i += 1;
                        return Ok(Yaml::Map(m));
                    }
                    let k = self.scalar(true)?;
                    self.ws();
                    let v = if self.s.get(self.i) == Some(&b':') {
                        self.i += 1;
                        self.value(depth + 1)?
                    } else {
                        Yaml::Null
                    };
                    m.push((k, v));
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {}
                        _ => return Err("expected , or } in flow mapping"),
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut v = Vec::new();
                loop {
                    self.ws();
                    if self.s.get(self.i) == Some(&b']') {
                        self.i += 1;
                        return Ok(Yaml::Seq(v));
                    }
                    v.push(self.value(depth + 1)?);
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {}
                        _ => return Err("expected , or ] in flow sequence"),
                    }
                }
            }
            _ => self.scalar(false).map(Yaml::Str),
        }
    }

    fn scalar(&mut self, key: bool) -> Result<String, &'static str> {
        self.ws();
        let start = self.i;
        if let Some(q @ (b'\'' | b'"')) = self.s.get(self.i).copied() {
            self.i += 1;
            while let Some(c) = self.s.get(self.i) {
                if *c == q {
                    if q == b'\'' && self.s.get(self.i + 1) == Some(&b'\'') {
                        self.i += 2;
                        continue;
                    }
                    self.i += 1;
                    let raw =
                        std::str::from_utf8(&self.s[start..self.i]).map_err(|_| "bad UTF-8")?;
                    return unquote(raw).map_err(|_| "unterminated quote");
                }
                if *c == b'\\' && q == b'"' {
                    self.i += 1;
                }
                self.i += 1;
            }
            return Err("unterminated quote");
        }
        while let Some(c) = self.s.get(self.i) {
            if matches!(c, b',' | b'}' | b']') || (key && *c == b':') {
                break;
            }
            self.i += 1;
        }
        let raw = std::str::from_utf8(&self.s[start..self.i]).map_err(|_| "bad UTF-8")?;
        Ok(raw.trim().to_string())
    }
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
        let e = parse("a:\n  b: {x: 1\n").expect_err("unterminated");
        assert_eq!(e.line, 2);
    }
}
