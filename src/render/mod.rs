//! Views of the canonical [`Analysis`]: JSON (the contract), a terminal table and markdown.
//! Every view reads the same data; none computes anything the JSON does not hold.

use crate::model::Change;
use crate::pipeline::Analysis;

mod markdown;
pub mod monorepo;
mod table;

pub use markdown::markdown;
pub use table::{table, table_fit, DEFAULT_WIDTH};

/// The canonical form.
pub fn json(a: &Analysis) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(a)? + "\n")
}

/// `3h 20m`, `2d 4h`, `5w 1d`: short, exact to the largest two units.
pub fn duration(secs: i64) -> String {
    let s = secs.max(0);
    let (w, d, h, m) = (
        s / 604_800,
        s % 604_800 / 86_400,
        s % 86_400 / 3_600,
        s % 3_600 / 60,
    );
    match (w, d, h, m) {
        (0, 0, 0, 0) => format!("{s}s"),
        (0, 0, 0, m) => format!("{m}m"),
        (0, 0, h, m) => format!("{h}h {m}m"),
        (0, d, h, _) => format!("{d}d {h}h"),
        (w, d, _, _) => format!("{w}w {d}d"),
    }
}

pub fn opt_duration(v: Option<i64>) -> String {
    v.map(duration).unwrap_or_else(|| "unknown".to_owned())
}

pub fn opt_num(v: Option<u64>) -> String {
    v.map(|n| n.to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

pub fn share(v: Option<f64>) -> String {
    v.map(|s| format!("{:.0}%", s * 100.0))
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
    fn durations_read_well() {
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(59), "59s");
        assert_eq!(duration(600), "10m");
        assert_eq!(duration(3 * 3600 + 20 * 60), "3h 20m");
        assert_eq!(duration(2 * 86_400 + 4 * 3600), "2d 4h");
        assert_eq!(duration(5 * 604_800 + 86_400), "5w 1d");
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
