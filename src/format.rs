//! Formatting helpers every view and every evidence sentence shares: one duration format, one
//! share format, one Markdown cell escaper and one plural rule for the whole crate, so the same
//! number reads the same everywhere.

/// `59s`, `10m`, `3h 20m`, `2d 4h`, `5w 1d`: the largest two units, a zero second unit left out
/// (`1d`, `3h`).
pub fn duration(secs: i64) -> String {
    let s = secs.max(0);
    let (w, d, h, m) = (
        s / 604_800,
        s % 604_800 / 86_400,
        s % 86_400 / 3_600,
        s % 3_600 / 60,
    );
    let pair = |a: i64, ua: &str, b: i64, ub: &str| {
        if b == 0 {
            format!("{a}{ua}")
        } else {
            format!("{a}{ua} {b}{ub}")
        }
    };
    match (w, d, h, m) {
        (0, 0, 0, 0) => format!("{s}s"),
        (0, 0, 0, m) => format!("{m}m"),
        (0, 0, h, m) => pair(h, "h", m, "m"),
        (0, d, h, _) => pair(d, "d", h, "h"),
        (w, d, _, _) => pair(w, "w", d, "d"),
    }
}

/// A duration given in (fractional) days, in the format of [`duration`].
pub fn days(d: f64) -> String {
    duration((d * 86_400.0).round() as i64)
}

/// A share (0-1) as a percentage: `50%`, `33.3%`.
pub fn share(s: f64) -> String {
    let p = s * 100.0;
    if (p - p.round()).abs() < 0.05 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

/// A Markdown table cell: pipes escaped, line breaks folded into spaces.
pub fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// `1 commit`, `2 commits`, `3 branches`, `2 hotfixes`: English plurals of the nouns the
/// product counts (the last word of `noun` is inflected).
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        return format!("1 {noun}");
    }
    let s = if noun.ends_with("ch")
        || noun.ends_with("sh")
        || noun.ends_with('s')
        || noun.ends_with('x')
        || noun.ends_with('z')
    {
        "es"
    } else {
        "s"
    };
    format!("{n} {noun}{s}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(59), "59s");
        assert_eq!(duration(600), "10m");
        assert_eq!(duration(3 * 3600), "3h");
        assert_eq!(duration(3 * 3600 + 20 * 60), "3h 20m");
        assert_eq!(duration(86_400), "1d");
        assert_eq!(duration(2 * 86_400 + 4 * 3600), "2d 4h");
        assert_eq!(duration(5 * 604_800 + 86_400), "5w 1d");
        assert_eq!(duration(-5), "0s");
        assert_eq!(days(0.25), "6h");
        assert_eq!(days(2.5), "2d 12h");
    }

    #[test]
    fn shares_cells_and_plurals() {
        assert_eq!(share(0.5), "50%");
        assert_eq!(share(1.0 / 3.0), "33.3%");
        assert_eq!(md_cell("a | b\nc\r"), "a \\| b c ");
        assert_eq!(plural(1, "branch"), "1 branch");
        assert_eq!(plural(13, "branch"), "13 branches");
        assert_eq!(plural(2, "live branch"), "2 live branches");
        assert_eq!(plural(2, "hotfix"), "2 hotfixes");
        assert_eq!(plural(0, "commit"), "0 commits");
        assert_eq!(plural(3, "release merge"), "3 release merges");
    }
}
