//! HTML building blocks shared by `report --format html` and `analyze --format html`: one
//! self-contained page (no script, no external reference), dark mode by
//! `prefers-color-scheme`, readable when printed, and inline SVG charts that each carry a
//! title, a description and their numbers in a table beside them.

use std::fmt::Write;

/// A header and rows of cells: one table, whatever the view.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Grid {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Escape text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa;
  --accent: #0969da; --good: #1a7f37; --bad: #cf222e; --c1: #0969da; --c2: #8250df;
  --c3: #bf8700; --c4: #1a7f37; --c5: #cf222e; --c6: #57606a; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #151b23;
    --accent: #4493f8; --good: #3fb950; --bad: #f85149; --c1: #4493f8; --c2: #ab7df8;
    --c3: #d29922; --c4: #3fb950; --c5: #f85149; --c6: #9198a1; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1180px; padding: 24px; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px;
  border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.sub { color: var(--muted); margin: 0 0 12px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 12px; }
figure { margin: 0; padding: 12px; border: 1px solid var(--line); border-radius: 8px;
  background: var(--panel); break-inside: avoid; }
figure.wide { grid-column: 1 / -1; }
figcaption { font-weight: 600; margin-bottom: 2px; }
.desc { color: var(--muted); font-size: 12px; margin: 0 0 6px; }
.pair { display: flex; flex-direction: column; gap: 8px; }
.pair svg { width: 100%; height: auto; max-height: 220px; }
.pair .numbers { overflow-x: auto; }
table { border-collapse: collapse; font-size: 12px; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 6px; text-align: right; white-space: nowrap;
  font-variant-numeric: tabular-nums; }
th:first-child, td:first-child { text-align: left; }
td.text, th.text { text-align: left; }
.better { color: var(--good); } .worse { color: var(--bad); } .nodata { color: var(--muted); }
svg text { fill: var(--muted); font-size: 11px; }
svg .axis { stroke: var(--line); stroke-width: 1; }
svg .line { fill: none; stroke: var(--accent); stroke-width: 2; }
svg .dot { fill: var(--accent); }
svg .bar { fill: var(--accent); }
svg .s0 { fill: var(--c1); } svg .s1 { fill: var(--c2); } svg .s2 { fill: var(--c3); }
svg .s3 { fill: var(--c4); } svg .s4 { fill: var(--c5); } svg .s5 { fill: var(--c6); }
.legend { font-size: 12px; color: var(--muted); }
.legend span { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 10px;
  border-radius: 2px; vertical-align: -1px; }
.legend .s0 { background: var(--c1); } .legend .s1 { background: var(--c2); }
.legend .s2 { background: var(--c3); } .legend .s3 { background: var(--c4); }
.legend .s4 { background: var(--c5); } .legend .s5 { background: var(--c6); }
ul.plain { margin: 4px 0; padding-left: 18px; } code { font-size: 12px; }
details summary { cursor: pointer; color: var(--accent); margin: 6px 0; }
.warn { border-left: 3px solid var(--bad); padding: 2px 8px; margin: 4px 0; }
@media print {
  :root { --bg: #fff; --fg: #000; --muted: #444; --line: #bbb; --panel: #fff; }
  body { max-width: none; padding: 0; font-size: 11px; }
  .grid { display: block; } figure { margin: 0 0 10px; }
  details > *:not(summary) { display: block; } details summary { display: none; }
}
"#;

/// A whole page: `title`, a subtitle line and the body.
pub fn page(title: &str, subtitle: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n<title>{}</title>\n<style>{STYLE}</style>\n\
         </head>\n<body>\n<h1>{}</h1>\n<p class=\"sub\">{}</p>\n{body}</body>\n</html>\n",
        esc(title),
        esc(title),
        esc(subtitle)
    )
}

/// A table; cells whose text starts with `+`/`-` and ends in `(better)`/`(worse)` are coloured.
pub fn table(g: &Grid) -> String {
    let mut out = String::from("<table>\n<thead><tr>");
    for h in &g.header {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for r in &g.rows {
        out.push_str("<tr>");
        for c in r {
            let class = if c.ends_with("(better)") {
                " class=\"better\""
            } else if c.ends_with("(worse)") {
                " class=\"worse\""
            } else if c == "not enough data" || c == "n/a" {
                " class=\"nodata\""
            } else {
                ""
            };
            let _ = write!(out, "<td{class}>{}</td>", esc(c));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// A table cut at `limit` rows; the rest folded into `<details>` (all rows print).
pub fn folded_table(g: &Grid, limit: usize, what: &str) -> String {
    if g.rows.len() <= limit {
        return table(g);
    }
    let head = Grid {
        header: g.header.clone(),
        rows: g.rows[..limit].to_vec(),
    };
    let rest = Grid {
        header: g.header.clone(),
        rows: g.rows[limit..].to_vec(),
    };
    format!(
        "{}<details><summary>and {} more {what}</summary>\n{}</details>\n",
        table(&head),
        rest.rows.len(),
        table(&rest)
    )
}

/// A chart with its title, description and numbers: `<figure>` with the SVG and the table.
pub fn figure(id: &str, title: &str, desc: &str, svg: &str, numbers: &Grid, wide: bool) -> String {
    format!(
        "<figure id=\"{id}\"{}>\n<figcaption>{}</figcaption>\n<p class=\"desc\">{}</p>\n\
         <div class=\"pair\">\n{svg}<div class=\"numbers\">\n{}</div>\n</div>\n</figure>\n",
        if wide { " class=\"wide\"" } else { "" },
        esc(title),
        esc(desc),
        table(numbers)
    )
}

fn svg_open(id: &str, title: &str, desc: &str, w: u32, h: u32) -> String {
    format!(
        "<svg viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" \
         role=\"img\" aria-labelledby=\"{id}-t {id}-d\">\n<title id=\"{id}-t\">{}</title>\n<desc id=\"{id}-d\">{}</desc>\n",
        esc(title),
        esc(desc)
    )
}

const W: u32 = 340;
const H: u32 = 150;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 10.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 26.0;

/// A line over periods (gaps where a value is unknown), y from 0 to the largest value.
/// `fmt` labels the y axis.
pub fn line_chart(
    id: &str,
    title: &str,
    desc: &str,
    points: &[(String, Option<f64>)],
    fmt: &dyn Fn(f64) -> String,
) -> String {
    let mut s = svg_open(id, title, desc, W, H);
    let max = points
        .iter()
        .filter_map(|p| p.1)
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let (x0, x1, y0, y1) = (LEFT, W as f64 - RIGHT, H as f64 - BOTTOM, TOP);
    let n = points.len().max(1);
    let x = |i: usize| {
        if n == 1 {
            (x0 + x1) / 2.0
        } else {
            x0 + (x1 - x0) * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| y0 - (y0 - y1) * (v / max);
    let _ = write!(
        s,
        "<line class=\"axis\" x1=\"{x0}\" y1=\"{y0}\" x2=\"{x1}\" y2=\"{y0}\"/>\
         <line class=\"axis\" x1=\"{x0}\" y1=\"{y1}\" x2=\"{x1}\" y2=\"{y1}\" stroke-dasharray=\"2 3\"/>\n\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">0</text>\n",
        x0 - 4.0,
        y1 + 4.0,
        // All zero: the top of the axis has no value of its own to label.
        if max > f64::MIN_POSITIVE {
            esc(&fmt(max))
        } else {
            String::new()
        },
        x0 - 4.0,
        y0 + 4.0
    );
    s.push_str(&polyline(points, &x, &y));
    if let (Some(first), Some(last)) = (points.first(), points.last()) {
        let _ = write!(
            s,
            "<text x=\"{x0}\" y=\"{}\" text-anchor=\"start\">{}</text>",
            H as f64 - 8.0,
            esc(&first.0)
        );
        if points.len() > 1 {
            let _ = write!(
                s,
                "<text x=\"{x1}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                H as f64 - 8.0,
                esc(&last.0)
            );
        }
    }
    s.push_str("\n</svg>\n");
    s
}

/// The line through the known points (a gap where a value is unknown) and a dot on each.
fn polyline(
    points: &[(String, Option<f64>)],
    x: &dyn Fn(usize) -> f64,
    y: &dyn Fn(f64) -> f64,
) -> String {
    let mut s = String::new();
    let mut path = String::new();
    let mut pen_down = false;
    for (i, (_, v)) in points.iter().enumerate() {
        match v {
            Some(v) => {
                let _ = write!(
                    path,
                    "{}{:.1} {:.1} ",
                    if pen_down { "L" } else { "M" },
                    x(i),
                    y(*v)
                );
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    if !path.is_empty() {
        let _ = writeln!(s, "<path class=\"line\" d=\"{}\"/>", path.trim_end());
    }
    for (i, (_, v)) in points.iter().enumerate() {
        if let Some(v) = v {
            let _ = write!(
                s,
                "<circle class=\"dot\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\"/>",
                x(i),
                y(*v)
            );
        }
    }
    s.push('\n');
    s
}

/// Vertical bars, one per label (a histogram or a mix).
pub fn bar_chart(id: &str, title: &str, desc: &str, bars: &[(String, f64)]) -> String {
    let mut s = svg_open(id, title, desc, W, H);
    let max = bars
        .iter()
        .map(|b| b.1)
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let (x0, x1, y0, y1) = (LEFT, W as f64 - RIGHT, H as f64 - BOTTOM, TOP);
    let n = bars.len().max(1) as f64;
    let slot = (x1 - x0) / n;
    let _ = writeln!(
        s,
        "<line class=\"axis\" x1=\"{x0}\" y1=\"{y0}\" x2=\"{x1}\" y2=\"{y0}\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">0</text>",
        x0 - 4.0,
        y1 + 4.0,
        num(max),
        x0 - 4.0,
        y0 + 4.0
    );
    for (i, (label, v)) in bars.iter().enumerate() {
        let h = (y0 - y1) * (v / max);
        let bx = x0 + slot * i as f64 + slot * 0.15;
        let _ = writeln!(
            s,
            "<rect class=\"bar\" x=\"{bx:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\"/>\
             <text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            y0 - h,
            slot * 0.7,
            bx + slot * 0.35,
            H as f64 - 8.0,
            esc(label)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// Stacked bars: one bar per column, one colour per series (at most six, then grey).
pub fn stacked_chart(
    id: &str,
    title: &str,
    desc: &str,
    columns: &[String],
    series: &[(String, Vec<f64>)],
) -> String {
    let mut s = svg_open(id, title, desc, W, H + 18);
    let totals: Vec<f64> = (0..columns.len())
        .map(|i| {
            series
                .iter()
                .map(|(_, v)| v.get(i).copied().unwrap_or(0.0))
                .sum()
        })
        .collect();
    let max = totals
        .iter()
        .copied()
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let (x0, x1, y0, y1) = (LEFT, W as f64 - RIGHT, H as f64 - BOTTOM, TOP);
    let slot = (x1 - x0) / columns.len().max(1) as f64;
    let _ = writeln!(
        s,
        "<line class=\"axis\" x1=\"{x0}\" y1=\"{y0}\" x2=\"{x1}\" y2=\"{y0}\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">0</text>",
        x0 - 4.0,
        y1 + 4.0,
        num(max),
        x0 - 4.0,
        y0 + 4.0
    );
    for i in 0..columns.len() {
        let mut top = y0;
        let bx = x0 + slot * i as f64 + slot * 0.15;
        for (k, (_, v)) in series.iter().enumerate() {
            let h = (y0 - y1) * (v.get(i).copied().unwrap_or(0.0) / max);
            if h > 0.0 {
                let _ = write!(
                    s,
                    "<rect class=\"s{}\" x=\"{bx:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\"/>",
                    k.min(5),
                    top - h,
                    slot * 0.7
                );
                top -= h;
            }
        }
        s.push('\n');
    }
    if let (Some(first), Some(last)) = (columns.first(), columns.last()) {
        let _ = write!(
            s,
            "<text x=\"{x0}\" y=\"{}\" text-anchor=\"start\">{}</text>",
            H as f64 - 8.0,
            esc(first)
        );
        if columns.len() > 1 {
            let _ = write!(
                s,
                "<text x=\"{x1}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                H as f64 - 8.0,
                esc(last)
            );
        }
    }
    s.push_str("\n</svg>\n");
    s
}

/// Grouped bars: for each column one bar per series side by side, y from 0 to `max`.
pub fn grouped_chart(
    id: &str,
    title: &str,
    desc: &str,
    columns: &[String],
    series: &[(String, Vec<Option<f64>>)],
    max: f64,
) -> String {
    let mut s = svg_open(id, title, desc, W, H);
    let (x0, x1, y0, y1) = (LEFT, W as f64 - RIGHT, H as f64 - BOTTOM, TOP);
    let slot = (x1 - x0) / columns.len().max(1) as f64;
    let bar = slot * 0.7 / series.len().max(1) as f64;
    let _ = writeln!(
        s,
        "<line class=\"axis\" x1=\"{x0}\" y1=\"{y0}\" x2=\"{x1}\" y2=\"{y0}\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">0</text>",
        x0 - 4.0,
        y1 + 4.0,
        num(max),
        x0 - 4.0,
        y0 + 4.0
    );
    for (i, label) in columns.iter().enumerate() {
        let start = x0 + slot * i as f64 + slot * 0.15;
        for (k, (_, v)) in series.iter().enumerate() {
            if let Some(v) = v.get(i).copied().flatten() {
                let h = (y0 - y1) * (v / max.max(f64::MIN_POSITIVE)).clamp(0.0, 1.0);
                let _ = write!(
                    s,
                    "<rect class=\"s{}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\"/>",
                    k.min(5),
                    start + bar * k as f64,
                    y0 - h,
                    bar * 0.9
                );
            }
        }
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            start + slot * 0.35,
            H as f64 - 8.0,
            esc(label)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// The colour key of a stacked chart.
pub fn legend(names: &[String]) -> String {
    let mut out = String::from("<p class=\"legend\">");
    for (k, n) in names.iter().enumerate() {
        let _ = write!(out, "<span class=\"s{}\"></span>{}", k.min(5), esc(n));
    }
    out.push_str("</p>\n");
    out
}

/// The bars of a lifetime histogram, in bucket order.
pub fn lifetime_bars(lb: &crate::history::measure::LifetimeBuckets) -> Vec<(String, f64)> {
    [
        ("< 1d", lb.under_1d),
        ("1-3d", lb.d1_to_3d),
        ("3-7d", lb.d3_to_7d),
        ("1-3w", lb.w1_to_3w),
        ("> 3w", lb.over_3w),
    ]
    .iter()
    .map(|(l, n)| (l.to_string(), *n as f64))
    .collect()
}

/// The bars of a size histogram, in bucket order.
pub fn size_bars(sb: &crate::report::stats::SizeBuckets) -> Vec<(String, f64)> {
    [
        ("< 50", sb.under_50),
        ("50-199", sb.l50_to_199),
        ("200-400", sb.l200_to_400),
        ("401-999", sb.l401_to_999),
        ("1000+", sb.l1000_or_more),
    ]
    .iter()
    .map(|(l, n)| (l.to_string(), *n as f64))
    .collect()
}

/// A number for an axis: integers plain, else one decimal.
pub fn num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

/// `analyze --format html`: the same data as the JSON, as one page of charts and tables.
pub fn analysis_page(a: &crate::pipeline::Analysis) -> String {
    let m = &a.metrics.measured;
    let mut body = String::new();
    for w in &a.warnings {
        let _ = writeln!(body, "<p class=\"warn\">{}</p>", esc(w));
    }
    // Scorecards, trend, histograms and strategy mix: one grid of figures.
    body.push_str("<h2>Scorecards</h2>\n<div class=\"grid\">\n");
    body.push_str(&scores_figure(a));

    // Trend of landings over the whole window: weekly while that fits, monthly beyond.
    body.push_str(&landing_trend(a));

    body.push_str(&histogram_figures(a));
    if let Some(r) = &a.metrics.remerge {
        body.push_str(&remerge_figure(r));
    }
    body.push_str("</div>\n");

    body.push_str(&recommendation_section(a));
    body.push_str(&notable_sections(a));

    let since_text = a
        .window
        .since
        .map(crate::model::rfc3339)
        .unwrap_or_else(|| "the first commit".into());
    page(
        &format!("repohealth: {}", a.repository.path),
        &format!(
            "trunk {}; {} landed changes from {} to {}",
            a.repository.trunk,
            m.changes,
            since_text,
            crate::model::rfc3339(a.window.until)
        ),
        &body,
    )
}

/// Most periods one trend chart shows before it switches from weeks to months.
const TREND_MAX_WEEKS: usize = 104;
/// Most months one trend chart shows (the newest ones).
const TREND_MAX_MONTHS: usize = 240;

/// Landed changes per period from the first landing (or the window's start) to the window's
/// end: ISO weeks when the span fits in [`TREND_MAX_WEEKS`], months otherwise, so a long or
/// finished history shows its whole life instead of its last, empty, two years.
fn landing_trend(a: &crate::pipeline::Analysis) -> String {
    use crate::report::periods::{covering, PeriodKind};
    let since = a
        .window
        .since
        .or_else(|| a.changes.iter().map(|c| c.landed_at).min())
        .unwrap_or(a.window.until);
    let utc = &chrono_tz::UTC;
    let mut kind = PeriodKind::Week;
    let mut spans = covering(kind, utc, since, a.window.until, TREND_MAX_WEEKS + 1);
    if spans.len() > TREND_MAX_WEEKS {
        kind = PeriodKind::Month;
        spans = covering(kind, utc, since, a.window.until, TREND_MAX_MONTHS);
    }
    let unit = match kind {
        PeriodKind::Month => "month",
        _ => "week",
    };
    let pts: Vec<(String, Option<f64>)> = spans
        .iter()
        .map(|w| {
            let n = a
                .changes
                .iter()
                .filter(|c| c.landed_at >= w.start && c.landed_at < w.end)
                .count();
            (w.label.clone(), Some(n as f64))
        })
        .collect();
    let title = format!("Landed changes per {unit}");
    let desc = match kind {
        PeriodKind::Month => format!(
            "Landed changes per calendar month (UTC) over the window, from its start or the first \
             landing ({} months; weekly when the span is {TREND_MAX_WEEKS} weeks or less); the \
             first and last months may be partial.",
            pts.len()
        ),
        _ => "Landed changes per ISO week (UTC) over the window, from its start or the first \
              landing; the first and last weeks may be partial."
            .to_owned(),
    };
    let svg = line_chart("weekly", &title, &desc, &pts, &num);
    let grid = Grid {
        header: vec![unit.into(), "landed".into()],
        rows: pts
            .iter()
            .rev()
            .take(12)
            .map(|(l, v)| vec![l.clone(), num(v.unwrap_or(0.0))])
            .collect(),
    };
    figure("weekly-trend", &title, &desc, &svg, &grid, false)
}

/// The score of each workflow model, as bars and a table.
fn scores_figure(a: &crate::pipeline::Analysis) -> String {
    let mut body = String::new();
    let models: Vec<String> = a
        .scoring
        .scores
        .keys()
        .map(|k| k.replace('_', " "))
        .collect();
    let scores: Vec<Option<f64>> = a.scoring.scores.values().map(|c| c.score).collect();
    let desc = format!(
        "Score 0-100 against each workflow model over the window; the history resembles {} most.",
        a.scoring
            .detected_model
            .map_or("no model (not enough evidence)", |m| m.title())
    );
    let svg = grouped_chart(
        "scores",
        "Scores",
        &desc,
        &models,
        &[("score".into(), scores)],
        100.0,
    );
    let grid = Grid {
        header: ["model", "score", "evidence"].map(str::to_owned).to_vec(),
        rows: a
            .scoring
            .scores
            .iter()
            .map(|(k, c)| {
                vec![
                    k.replace('_', " "),
                    c.score
                        .map(|s| format!("{s:.0}"))
                        .unwrap_or_else(|| "n/a".into()),
                    format!("{:.0}%", c.coverage * 100.0),
                ]
            })
            .collect(),
    };
    body.push_str(&figure("scorecards", "Scores", &desc, &svg, &grid, false));

    body
}

/// Lifetime and size histograms and the strategy mix.
fn histogram_figures(a: &crate::pipeline::Analysis) -> String {
    use crate::render::{opt_duration, opt_num, share};
    let m = &a.metrics.measured;
    let mut body = String::new();
    let life = lifetime_bars(&m.lifetime.buckets);
    let size = size_bars(&crate::report::stats::size_buckets(&a.changes));
    let grid_of = |what: &str, bars: &[(String, f64)]| Grid {
        header: vec![what.to_owned(), "changes".to_owned()],
        rows: bars.iter().map(|(l, n)| vec![l.clone(), num(*n)]).collect(),
    };
    let desc = format!(
        "Branch lifetimes of {} changes with a known lifetime ({} unknown): median {}, p90 {}.",
        m.lifetime.known,
        m.lifetime.unknown,
        opt_duration(m.lifetime.p50_seconds),
        opt_duration(m.lifetime.p90_seconds)
    );
    let svg = bar_chart("life", "Lifetime histogram", &desc, &life);
    body.push_str(&figure(
        "lifetime-histogram",
        "Lifetime histogram",
        &desc,
        &svg,
        &grid_of("lifetime", &life),
        false,
    ));
    let desc = format!(
        "Change sizes in lines (lockfiles, vendored and generated files left out): median {}, p90 {}, {} over 400 lines.",
        opt_num(m.size.p50),
        opt_num(m.size.p90),
        share(m.size.over_400_share)
    );
    let svg = bar_chart("size", "Size histogram", &desc, &size);
    body.push_str(&figure(
        "size-histogram",
        "Size histogram",
        &desc,
        &svg,
        &grid_of("size", &size),
        false,
    ));
    let mix: Vec<(String, f64)> = m
        .strategy_mix
        .iter()
        .map(|(k, v)| (k.clone(), *v as f64))
        .collect();
    let desc = "Landed changes by how they reached the trunk.";
    let svg = bar_chart("mix", "Strategy mix", desc, &mix);
    let grid = Grid {
        header: vec!["strategy".into(), "changes".into(), "share".into()],
        rows: crate::render::mix_rows(&m.strategy_mix, m.changes)
            .into_iter()
            .map(|r| r.to_vec())
            .collect(),
    };
    body.push_str(&figure(
        "strategy-mix",
        "Strategy mix",
        desc,
        &svg,
        &grid,
        false,
    ));
    body
}

/// The recommendation with its phases and sources, and the findings.
fn recommendation_section(a: &crate::pipeline::Analysis) -> String {
    let mut body = String::new();
    let r = &a.scoring.recommendation;
    let _ = writeln!(body, "<h2>Recommendation</h2>\n<p>{}</p>", esc(&r.summary));
    if !r.phases.is_empty() {
        body.push_str("<ol>\n");
        for p in &r.phases {
            let _ = writeln!(
                body,
                "<li>{} <span class=\"src\">({})</span></li>",
                esc(&p.text),
                esc(&p.source.cite())
            );
        }
        body.push_str("</ol>\n");
    }
    if !a.scoring.findings.is_empty() {
        body.push_str("<h2>Findings</h2>\n<ul class=\"plain\">\n");
        for f in &a.scoring.findings {
            let _ = writeln!(body, "<li>{}</li>", esc(&f.message));
        }
        body.push_str("</ul>\n");
    }

    body
}

/// The longest-lived and largest changes and the live branches.
fn notable_sections(a: &crate::pipeline::Analysis) -> String {
    use crate::render::{duration, opt_duration, opt_num};
    let mut body = String::new();
    let change_rows = |cs: Vec<&crate::model::Change>| Grid {
        header: ["commit", "PR", "subject", "lifetime", "size"]
            .map(str::to_owned)
            .to_vec(),
        rows: cs
            .into_iter()
            .map(|c| {
                vec![
                    c.commit.short(10),
                    c.pr.map(|p| format!("#{p}")).unwrap_or_default(),
                    crate::render::clip(&c.subject, 60),
                    opt_duration(c.lifetime_seconds),
                    opt_num(c.size),
                ]
            })
            .collect(),
    };
    body.push_str("<h2>Longest-lived changes</h2>\n");
    body.push_str(&table(&change_rows(crate::render::longest_lived(
        &a.changes, 5,
    ))));
    body.push_str("<h2>Largest changes</h2>\n");
    body.push_str(&table(&change_rows(crate::render::largest(&a.changes, 5))));
    let live = Grid {
        header: ["branch", "ahead", "behind", "age", "idle", "flags"]
            .map(str::to_owned)
            .to_vec(),
        rows: a
            .branches
            .iter()
            .map(|b| {
                let mut flags = Vec::new();
                if b.long_lived {
                    flags.push("long-lived");
                }
                if b.stale {
                    flags.push("stale");
                }
                vec![
                    b.name.clone(),
                    b.ahead.to_string(),
                    b.behind.to_string(),
                    opt_duration(b.age_seconds),
                    duration(b.idle_seconds),
                    flags.join(", "),
                ]
            })
            .collect(),
    };
    let _ = writeln!(body, "<h2>Live branches ({})</h2>", a.branches.len());
    body.push_str(&folded_table(&live, 15, "branches"));

    body
}
/// `--remerge`: the share of re-merged units of work that conflict, per branch-lifetime
/// bucket. Buckets with nothing re-merged have no rate: they are in the table as "n/a" and
/// have no bar.
fn remerge_figure(r: &crate::history::remerge::RemergeMetrics) -> String {
    let bars: Vec<(String, f64)> = r
        .by_lifetime
        .iter()
        .filter_map(|b| Some((b.bucket.clone(), b.conflict_rate? * 100.0)))
        .collect();
    let overall = crate::render::share(r.conflict_rate);
    let desc = format!(
        "Merges and squashes merged again in memory, as git's default merge would: the share \
         that conflicts, in percent, by how long the branch lived. Overall {} conflicted of {} \
         re-merged ({overall}); {} skipped, {} of unknown lifetime.",
        r.conflicted, r.remerged, r.skipped, r.lifetime_unknown
    );
    let title = "Conflict rate by branch lifetime (%)";
    let svg = bar_chart("remerge", title, &desc, &bars);
    let grid = Grid {
        header: vec![
            "lifetime".into(),
            "re-merged".into(),
            "conflicted".into(),
            "rate".into(),
        ],
        rows: r
            .by_lifetime
            .iter()
            .map(|b| {
                vec![
                    b.bucket.clone(),
                    b.remerged.to_string(),
                    b.conflicted.to_string(),
                    crate::render::share(b.conflict_rate),
                ]
            })
            .collect(),
    };
    figure("remerge", title, &desc, &svg, &grid, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_carry_title_description_and_no_script() {
        let pts = vec![
            ("W1".to_owned(), Some(2.0)),
            ("W2".to_owned(), None),
            ("W3".to_owned(), Some(4.0)),
        ];
        let svg = line_chart("c1", "Landed <changes>", "per week", &pts, &num);
        assert!(svg.contains("<title id=\"c1-t\">Landed &lt;changes&gt;</title>"));
        assert!(svg.contains("<desc id=\"c1-d\">per week</desc>"));
        // The unknown week breaks the line: two separate moves.
        assert_eq!(svg.matches('M').count(), 2);
        assert_eq!(svg.matches("<circle").count(), 2);
        let p = page("t", "s", &svg);
        assert!(!p.contains("<script"));
        assert!(!p.contains("href="));
        assert!(!p.contains("src="));
        assert!(p.contains("prefers-color-scheme: dark"));
        assert!(p.contains("@media print"));
    }

    #[test]
    fn folded_tables_keep_every_row() {
        let g = Grid {
            header: vec!["a".into()],
            rows: (0..30).map(|i| vec![i.to_string()]).collect(),
        };
        let t = folded_table(&g, 10, "teams");
        assert!(t.contains("and 20 more teams"));
        assert_eq!(t.matches("<tr>").count(), 32, "two headers and 30 rows");
    }
}
