//! Views of the canonical [`Analysis`]: JSON (the contract), a terminal table and markdown.
//! Every view reads the same data; none computes anything the JSON does not hold.

use crate::model::Change;
use crate::pipeline::Analysis;

mod markdown;
mod table;

pub use markdown::markdown;
pub use table::table;

/// The canonical form.
pub fn json(a: &Analysis) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(a)? + "\n")
}

pub use crate::format::duration;

pub fn opt_duration(v: Option<i64>) -> String {
    v.map(duration).unwrap_or_else(|| "unknown".to_owned())
}

pub fn opt_num(v: Option<u64>) -> String {
    v.map(|n| n.to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

pub fn share(v: Option<f64>) -> String {
    v.map(crate::format::share)
        .unwrap_or_else(|| "n/a".to_owned())
}

/// Word-wrap `text` to `width` columns: the first line starts with `first`, the others with
/// `indent` (terminal and CI-log output stays within 100 columns).
pub fn wrap(first: &str, indent: &str, text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = first.to_owned();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line = indent.to_owned();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// Column names of the lifetime distribution row.
pub const LIFETIME_HEADER: [&str; 11] = [
    "known", "unknown", "p50", "p75", "p90", "max", "<1d", "1-3d", "3-7d", "1-3w", ">3w",
];

/// The lifetime distribution as one row of [`LIFETIME_HEADER`] cells.
pub fn lifetime_row(l: &crate::history::measure::LifetimeStats) -> Vec<String> {
    vec![
        l.known.to_string(),
        l.unknown.to_string(),
        opt_duration(l.p50_seconds),
        opt_duration(l.p75_seconds),
        opt_duration(l.p90_seconds),
        opt_duration(l.max_seconds),
        l.buckets.under_1d.to_string(),
        l.buckets.d1_to_3d.to_string(),
        l.buckets.d3_to_7d.to_string(),
        l.buckets.w1_to_3w.to_string(),
        l.buckets.over_3w.to_string(),
    ]
}

/// Truncate to `n` characters with an ellipsis, on a char boundary.
pub fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// The `n` changes with the longest known lifetimes, longest first.
pub fn longest_lived(changes: &[Change], n: usize) -> Vec<&Change> {
    let mut v: Vec<&Change> = changes
        .iter()
        .filter(|c| crate::history::measure::is_work(c) && c.lifetime_seconds.is_some())
        .collect();
    v.sort_by(|a, b| {
        b.lifetime_seconds
            .cmp(&a.lifetime_seconds)
            .then(a.commit.cmp(&b.commit))
    });
    v.truncate(n);
    v
}

/// The `n` largest changes by `size`, largest first.
pub fn largest(changes: &[Change], n: usize) -> Vec<&Change> {
    let mut v: Vec<&Change> = changes
        .iter()
        .filter(|c| crate::history::measure::is_work(c) && c.size.is_some())
        .collect();
    v.sort_by(|a, b| b.size.cmp(&a.size).then(a.commit.cmp(&b.commit)));
    v.truncate(n);
    v
}

/// Rows of a mix (name, count, share), most frequent first.
pub fn mix_rows(mix: &std::collections::BTreeMap<String, usize>, total: usize) -> Vec<[String; 3]> {
    let mut v: Vec<(&String, &usize)> = mix.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    v.into_iter()
        .map(|(k, n)| {
            let pct = if total == 0 {
                0.0
            } else {
                *n as f64 * 100.0 / total as f64
            };
            [k.clone(), n.to_string(), format!("{pct:.0}%")]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clips_and_wraps() {
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("abc", 4), "abc");
        assert_eq!(
            wrap("- ", "  ", "aaa bbb ccc ddd", 9),
            "- aaa bbb\n  ccc ddd\n"
        );
    }
}
