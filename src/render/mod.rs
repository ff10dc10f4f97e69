//! Views of the canonical [`Analysis`]: JSON (the contract), a terminal table and markdown.
//! Every view reads the same data; none computes anything the JSON does not hold.

use crate::model::Change;
use crate::pipeline::Analysis;

pub mod html;
mod markdown;
pub mod monorepo;
pub mod ndjson;
mod table;

pub use markdown::markdown;
pub use table::{table, table_fit, DEFAULT_WIDTH};

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
    // A word wider than a whole line (a long path or URL) is cut into pieces that fit.
    let room = width.saturating_sub(text_width(indent)).max(1);
    let words = text
        .split_whitespace()
        .flat_map(|w| pieces(&visible(w), room));
    for word in words {
        if !empty && text_width(&line) + 1 + text_width(&word) > width {
            out.push_str(&line);
            out.push('\n');
            line = indent.to_owned();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(&word);
        empty = false;
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// `word` cut into pieces of at most `room` columns.
fn pieces(word: &str, room: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthChar;
    let mut out = vec![String::new()];
    let mut used = 0;
    for c in word.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > room && used > 0 {
            out.push(String::new());
            used = 0;
        }
        used += w;
        out.last_mut().expect("one piece at least").push(c);
    }
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

/// Column names of the re-merge rows.
pub const REMERGE_HEADER: [&str; 6] = [
    "by",
    "bucket",
    "re-merged",
    "conflicted",
    "conflict rate",
    "examples",
];

/// The conflict rates of `--remerge` as rows of [`REMERGE_HEADER`]: overall, per lifetime
/// bucket, per size bucket; examples as short commit ids.
pub fn remerge_rows(m: &crate::history::remerge::RemergeMetrics) -> Vec<Vec<String>> {
    let examples = |ids: &[crate::model::Oid]| {
        ids.iter()
            .take(3)
            .map(|id| id.short(10))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut rows = vec![vec![
        "all".to_owned(),
        String::new(),
        m.remerged.to_string(),
        m.conflicted.to_string(),
        share(m.conflict_rate),
        examples(&m.examples),
    ]];
    for (by, buckets) in [("lifetime", &m.by_lifetime), ("size", &m.by_size)] {
        for b in buckets.iter() {
            rows.push(vec![
                by.to_owned(),
                b.bucket.clone(),
                b.remerged.to_string(),
                b.conflicted.to_string(),
                share(b.conflict_rate),
                examples(&b.examples),
            ]);
        }
    }
    rows
}

/// The lines under the re-merge rows: evil merges, skips, squashes without PR heads.
pub fn remerge_notes(m: &crate::history::remerge::RemergeMetrics) -> Vec<String> {
    let evil = if m.evil_examples.is_empty() {
        String::new()
    } else {
        let ids: Vec<String> = m.evil_examples.iter().map(|id| id.short(10)).collect();
        format!(", e.g. {}", ids.join(" "))
    };
    let mut out = vec![format!(
        "evil merges (the recorded merge differs from the re-merge outside the conflicts): {} of {} merge commits{evil}",
        m.evil, m.evil_judged
    )];
    if m.skipped > 0 {
        let reasons: Vec<String> = m
            .skipped_reasons
            .iter()
            .map(|(r, n)| format!("{r}: {n}"))
            .collect();
        out.push(format!("skipped: {} ({})", m.skipped, reasons.join("; ")));
    }
    if m.squashes_without_pr_head > 0 {
        out.push(format!(
            "{} squash merges have no PR head in the clone and were not re-merged",
            m.squashes_without_pr_head
        ));
    }
    out
}

/// Truncate to `n` terminal columns with an ellipsis, on a char boundary. Width is display
/// width (a CJK character or most emoji take two columns, a combining mark none), and control
/// characters are shown as their visible symbols (U+2400 block), so a commit subject cannot move
/// the cursor or recolour the terminal.
pub fn clip(s: &str, n: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let s = visible(s);
    if text_width(&s) <= n {
        return s;
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > n.saturating_sub(1) {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// Columns `s` takes on a terminal.
pub fn text_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// `s` with every control character replaced by its visible symbol (␛ for ESC, ␉ for a tab).
pub fn visible(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            '\u{7f}' => '\u{2421}',
            '\u{80}'..='\u{9f}' => '\u{fffd}',
            c => c,
        })
        .collect()
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

    #[test]
    fn clip_and_wrap_count_display_columns() {
        // Each CJK character and this emoji take two columns.
        assert_eq!(text_width("修正バグ"), 8);
        assert_eq!(clip("修正バグ", 8), "修正バグ");
        assert_eq!(clip("修正バグ", 7), "修正バ…");
        assert_eq!(clip("修正バグ", 6), "修正…");
        assert_eq!(text_width(&clip("🚀🚀🚀🚀", 5)), 5);
        assert_eq!(clip("🚀🚀🚀🚀", 5), "🚀🚀…");
        // A combining accent takes no column.
        assert_eq!(
            clip("e\u{301}e\u{301}e\u{301}", 3),
            "e\u{301}e\u{301}e\u{301}"
        );
        assert_eq!(
            wrap("- ", "  ", "修正 バグ 追加", 7),
            "- 修正\n  バグ\n  追加\n"
        );
    }

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(clip("red \u{1b}[31mtext", 40), "red \u{241b}[31mtext");
        assert_eq!(
            visible("a\tb\rc\u{7f}\u{9b}"),
            "a\u{2409}b\u{240d}c\u{2421}\u{fffd}"
        );
        assert_eq!(
            wrap("", "", "x\u{1b}]0;title\u{7}", 40),
            "x\u{241b}]0;title\u{2407}\n"
        );
    }
}
