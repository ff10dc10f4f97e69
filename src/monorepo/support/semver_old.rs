//! The hand-written range reader this module replaced, kept for the comparison harness only.
//! The part of node-semver needed to decide whether a workspace package satisfies a plain
//! range (rule 28): `^ ~ >= > <= < =`, exact versions, `*`/`x` ranges, hyphen ranges and `||`.
//! Anything it cannot parse does not satisfy: a missed edge is reported by the caller's
//! fallbacks, a wrong edge would silently widen every result.

use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: Vec<String>,
}

fn cmp_pre(a: &[String], b: &[String]) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    for (x, y) in a.iter().zip(b) {
        let o = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(i), Ok(j)) => i.cmp(&j),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            _ => x.cmp(y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.len().cmp(&b.len())
}

impl Ord for Version {
    fn cmp(&self, o: &Self) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(o.major, o.minor, o.patch))
            .then_with(|| cmp_pre(&self.pre, &o.pre))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl Version {
    pub fn parse(s: &str) -> Option<Version> {
        let s = s.trim().trim_start_matches(['v', '=']);
        let s = s.split('+').next()?;
        let (core, pre) = match s.split_once('-') {
            Some((c, p)) => (c, p.split('.').map(str::to_string).collect()),
            None => (s, Vec::new()),
        };
        let mut it = core.split('.');
        let v = Version {
            major: it.next()?.parse().ok()?,
            minor: it.next()?.parse().ok()?,
            patch: it.next()?.parse().ok()?,
            pre,
        };
        if it.next().is_some() {
            return None;
        }
        Some(v)
    }
}

/// A partial version: `1`, `1.2`, `1.x`, `*`.
struct Partial {
    parts: Vec<u64>,
    pre: Vec<String>,
}

fn partial(s: &str) -> Option<Partial> {
    let s = s.trim().trim_start_matches(['v', '=']);
    if s.is_empty() {
        return Some(Partial {
            parts: Vec::new(),
            pre: Vec::new(),
        });
    }
    let s = s.split('+').next()?;
    let (core, pre) = match s.split_once('-') {
        Some((c, p)) => (c, p.split('.').map(str::to_string).collect()),
        None => (s, Vec::new()),
    };
    let mut parts = Vec::new();
    for c in core.split('.') {
        if matches!(c, "x" | "X" | "*") {
            break;
        }
        parts.push(c.parse().ok()?);
    }
    if parts.len() > 3 {
        return None;
    }
    Some(Partial { parts, pre })
}

impl Partial {
    fn lower(&self) -> Version {
        Version {
            major: self.parts.first().copied().unwrap_or(0),
            minor: self.parts.get(1).copied().unwrap_or(0),
            patch: self.parts.get(2).copied().unwrap_or(0),
            pre: if self.parts.len() == 3 {
                self.pre.clone()
            } else {
                Vec::new()
            },
        }
    }

    /// Exclusive upper bound of an x-range (`1.2` -> `<1.3.0-0`), `None` for `*`.
    fn upper_x(&self) -> Option<Version> {
        let z = |major, minor, patch| Version {
            major,
            minor,
            patch,
            pre: vec!["0".into()],
        };
        match self.parts.as_slice() {
            [] => None,
            [m] => Some(z(m.saturating_add(1), 0, 0)),
            [m, n] => Some(z(*m, n.saturating_add(1), 0)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
}

type Comparator = (Op, Version);

fn comparators(part: &str) -> Option<Vec<Comparator>> {
    let mut out = Vec::new();
    // Hyphen range `a - b`.
    if let Some((a, b)) = part.split_once(" - ") {
        let lo = partial(a)?;
        let hi = partial(b)?;
        out.push((Op::Ge, lo.lower()));
        match hi.parts.len() {
            3 => out.push((Op::Le, hi.lower())),
            _ => {
                if let Some(u) = hi.upper_x() {
                    out.push((Op::Lt, u))
                }
            }
        }
        return Some(out);
    }
    // `>= 1.2` is written with a space too: glue operators to their operand.
    let mut tokens: Vec<String> = Vec::new();
    for t in part.split_whitespace() {
        match tokens.last_mut() {
            Some(last)
                if matches!(
                    last.as_str(),
                    ">" | ">=" | "<" | "<=" | "=" | "^" | "~" | "~>"
                ) =>
            {
                last.push_str(t)
            }
            _ => tokens.push(t.to_string()),
        }
    }
    for t in tokens {
        let (op, rest) = if let Some(r) = t.strip_prefix(">=") {
            (">=", r)
        } else if let Some(r) = t.strip_prefix("<=") {
            ("<=", r)
        } else if let Some(r) = t.strip_prefix('>') {
            (">", r)
        } else if let Some(r) = t.strip_prefix('<') {
            ("<", r)
        } else if let Some(r) = t.strip_prefix("~>") {
            ("~", r)
        } else if let Some(r) = t.strip_prefix('~') {
            ("~", r)
        } else if let Some(r) = t.strip_prefix('^') {
            ("^", r)
        } else if let Some(r) = t.strip_prefix('=') {
            ("", r)
        } else {
            ("", t.as_str())
        };
        let p = partial(rest)?;
        let lo = p.lower();
        match op {
            ">=" => out.push((Op::Ge, lo)),
            "<=" => match p.upper_x() {
                Some(u) if p.parts.len() < 3 => out.push((Op::Lt, u)),
                _ => out.push((Op::Le, lo)),
            },
            ">" => match p.upper_x() {
                Some(u) if p.parts.len() < 3 => out.push((Op::Ge, u.without_pre())),
                _ if p.parts.is_empty() => out.push((Op::Lt, Version::parse("0.0.0-0")?)),
                _ => out.push((Op::Gt, lo)),
            },
            "<" => out.push((Op::Lt, lo)),
            "~" => {
                out.push((Op::Ge, lo.clone()));
                let up = match p.parts.len() {
                    0 => None,
                    1 => Some((lo.major.saturating_add(1), 0)),
                    _ => Some((lo.major, lo.minor.saturating_add(1))),
                };
                if let Some((m, n)) = up {
                    out.push((Op::Lt, zero(m, n, 0)));
                }
            }
            "^" => {
                out.push((Op::Ge, lo.clone()));
                let up = match p.parts.len() {
                    0 => None,
                    1 => Some(zero(lo.major.saturating_add(1), 0, 0)),
                    2 if lo.major == 0 => Some(zero(0, lo.minor.saturating_add(1), 0)),
                    2 => Some(zero(lo.major.saturating_add(1), 0, 0)),
                    _ if lo.major > 0 => Some(zero(lo.major.saturating_add(1), 0, 0)),
                    _ if lo.minor > 0 => Some(zero(0, lo.minor.saturating_add(1), 0)),
                    _ => Some(zero(0, 0, lo.patch.saturating_add(1))),
                };
                if let Some(u) = up {
                    out.push((Op::Lt, u));
                }
            }
            _ => match p.parts.len() {
                3 => out.push((Op::Eq, lo)),
                _ => {
                    out.push((Op::Ge, lo));
                    if let Some(u) = p.upper_x() {
                        out.push((Op::Lt, u));
                    }
                }
            },
        }
    }
    Some(out)
}

fn zero(major: u64, minor: u64, patch: u64) -> Version {
    Version {
        major,
        minor,
        patch,
        pre: vec!["0".into()],
    }
}

impl Version {
    fn without_pre(mut self) -> Version {
        self.pre.clear();
        self
    }
}

fn test(c: &Comparator, v: &Version) -> bool {
    match c.0 {
        Op::Lt => v < &c.1,
        Op::Le => v <= &c.1,
        Op::Gt => v > &c.1,
        Op::Ge => v >= &c.1,
        Op::Eq => v == &c.1,
    }
}

/// Whether `version` satisfies `range` (node-semver semantics, prereleases only when a
/// comparator of the same set names the same `major.minor.patch` with a prerelease).
/// `None` when the range is not a semver range (a tag, a URL, a git spec).
pub fn satisfies(range: &str, version: &str) -> Option<bool> {
    let v = Version::parse(version)?;
    let range = range.trim();
    if range == "latest" || range.contains(':') || range.contains('/') {
        return None;
    }
    let mut any = false;
    for set in range.split("||") {
        let cs = comparators(set.trim())?;
        if cs.iter().all(|c| test(c, &v)) {
            let pre_ok = v.pre.is_empty()
                || cs.iter().any(|(_, c)| {
                    !c.pre.is_empty()
                        && c.pre != ["0"]
                        && (c.major, c.minor, c.patch) == (v.major, v.minor, v.patch)
                });
            if pre_ok {
                any = true;
            }
        }
    }
    Some(any)
}

#[cfg(test)]
mod tests {
    use super::satisfies;

    #[test]
    fn ranges() {
        let yes = [
            ("^1.2.3", "1.9.0"),
            ("^0.2.3", "0.2.9"),
            ("^0.0.3", "0.0.3"),
            ("~1.2.3", "1.2.9"),
            ("~1.2", "1.2.0"),
            (">=1.0.0 <2", "1.5.0"),
            (">= 1.0.0", "3.0.0"),
            ("1.2.3", "1.2.3"),
            ("=1.2.3", "1.2.3"),
            ("*", "4.0.0"),
            ("", "4.0.0"),
            ("1.x", "1.4.0"),
            ("1.2.*", "1.2.7"),
            ("1", "1.0.1"),
            ("1.0.0 - 2.0", "2.0.5"),
            ("^2 || ^1.0.0", "1.3.0"),
            ("^1.0.0-beta.1", "1.0.0-beta.2"),
            ("<=1.2", "1.2.9"),
        ];
        for (r, v) in yes {
            assert_eq!(satisfies(r, v), Some(true), "{r} {v}");
        }
        let no = [
            ("^1.2.3", "2.0.0"),
            ("^0.2.3", "0.3.0"),
            ("^0.0.3", "0.0.4"),
            ("~1.2.3", "1.3.0"),
            (">1.2.3", "1.2.3"),
            ("<1.0.0", "1.0.0"),
            ("1.2.3", "1.2.4"),
            ("1.x", "2.0.0"),
            ("^1.0.0", "1.1.0-beta.1"),
            ("*", "1.0.0-rc.1"),
        ];
        for (r, v) in no {
            assert_eq!(satisfies(r, v), Some(false), "{r} {v}");
        }
        assert_eq!(satisfies("latest", "1.0.0"), None);
        assert_eq!(satisfies("github:a/b", "1.0.0"), None);
        assert_eq!(satisfies("^1", "not-a-version"), None);
    }
}
