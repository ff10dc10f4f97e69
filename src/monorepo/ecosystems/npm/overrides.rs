//! Version overrides of an npm, yarn or pnpm workspace root (rule 30): where they are read
//! from, the package name each one pins, and which packages a changed override affects.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::monorepo::support::yaml::Yaml;
use crate::monorepo::support::Effect;
use crate::monorepo::types::Ecosystem;

/// `(overridden name, value)` pairs from npm `overrides`, yarn `resolutions`, pnpm
/// `pnpm.overrides` and `pnpm-workspace.yaml` `overrides`.
pub(super) fn overrides(pkg: Option<&Value>, pnpm: Option<&Yaml>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    fn walk(v: &Value, out: &mut Vec<(String, String)>) {
        if let Some(o) = v.as_object() {
            for (k, v) in o {
                if k == "." {
                    continue;
                }
                match v {
                    Value::String(s) => out.push((override_name(k), s.clone())),
                    Value::Object(_) => {
                        if let Some(s) = v.get(".").and_then(Value::as_str) {
                            out.push((override_name(k), s.to_string()));
                        }
                        walk(v, out);
                    }
                    _ => {}
                }
            }
        }
    }
    if let Some(p) = pkg {
        for v in [
            p.get("overrides"),
            p.get("resolutions"),
            p.get("pnpm").and_then(|x| x.get("overrides")),
        ]
        .into_iter()
        .flatten()
        {
            walk(v, &mut out);
        }
    }
    if let Some(y) = pnpm.and_then(|y| y.get("overrides")) {
        for (k, v) in y.entries() {
            if let Some(s) = v.as_str() {
                out.push((override_name(k), s.to_string()));
            }
        }
    }
    out
}

/// `a>b@^1`, `**/b`, `b@1` -> `b`; scoped names keep their leading `@`.
fn override_name(key: &str) -> String {
    let last = key.rsplit('>').next().unwrap_or(key);
    let last = last.trim_start_matches("**/");
    let last = match last.rfind("/**/") {
        Some(i) => &last[i + 4..],
        None => last,
    };
    strip_version(last).to_string()
}

fn strip_version(s: &str) -> &str {
    let start = usize::from(s.starts_with('@'));
    match s[start..].find('@') {
        Some(i) => &s[..start + i],
        None => s,
    }
}

/// Users of each override whose value changed (rule 30).
pub(super) fn override_effects(a: Vec<(String, String)>, b: Vec<(String, String)>) -> Vec<Effect> {
    let sa: BTreeSet<(String, String)> = a.into_iter().collect();
    let sb: BTreeSet<(String, String)> = b.into_iter().collect();
    let names: BTreeSet<String> = sa
        .symmetric_difference(&sb)
        .map(|(n, _)| n.clone())
        .collect();
    names
        .into_iter()
        .map(|name| Effect::Uses {
            eco: Ecosystem::Npm,
            reason: format!("override of {name} changed"),
            name,
        })
        .collect()
}
