//! Views of a [`Report`]: markdown (a CI job summary or PR comment), a terminal table, and the
//! grids the HTML view draws from. Nothing is computed here that the JSON does not hold.

use super::trend::{Comparison, Direction, MeasureDef, Unit, Verdict, MEASURES};
use super::{GroupRow, Notable, Report};
use crate::render::{clip, duration, share};

/// Rows shown of a long list before "and N more".
pub const TOP_ROWS: usize = 10;

pub use crate::render::html::Grid;

/// A value in its unit: `3h 20m`, `42`, `17%`, `2.5`.
pub fn value(unit: Unit, v: Option<f64>) -> String {
    match v {
        None => "n/a".to_owned(),
        Some(v) => match unit {
            Unit::Seconds => duration(v.round() as i64),
            Unit::Share => share(Some(v)),
            Unit::Count | Unit::Lines if v.fract().abs() > 1e-9 => format!("{v:.1}"),
            Unit::Count | Unit::Lines => format!("{}", v.round() as i64),
        },
    }
}

/// A signed change in its unit: `+2`, `-1h 30m`, `+12 pp`, `0`.
pub fn change(unit: Unit, c: &Comparison) -> String {
    let Some(d) = c.change else {
        return "not enough data".to_owned();
    };
    if c.direction == Direction::Flat {
        return "no change".to_owned();
    }
    let sign = if d < 0.0 { "-" } else { "+" };
    let mag = d.abs();
    let body = match unit {
        Unit::Seconds => duration(mag.round() as i64),
        Unit::Share => format!("{:.0} pp", mag * 100.0),
        Unit::Count | Unit::Lines if mag.fract().abs() > 1e-9 => format!("{mag:.1}"),
        Unit::Count | Unit::Lines => format!("{}", mag.round() as i64),
    };
    let verdict = match c.verdict {
        Some(Verdict::Better) => " (better)",
        Some(Verdict::Worse) => " (worse)",
        _ => "",
    };
    format!("{sign}{body}{verdict}")
}

/// A sparkline of values (`·` where a value is unknown); the scale runs from 0 (or the
/// smallest value when that is negative) to the largest.
pub fn sparkline(values: &[Option<f64>]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let known: Vec<f64> = values.iter().flatten().copied().collect();
    let max = known.iter().copied().fold(f64::MIN, f64::max);
    let min = known.iter().copied().fold(0.0, f64::min);
    values
        .iter()
        .map(|v| match v {
            None => '·',
            Some(_) if max <= min => BARS[0],
            Some(v) => BARS[(((v - min) / (max - min)) * 7.0).round().clamp(0.0, 7.0) as usize],
        })
        .collect()
}

/// The measures shown: `affected_share` only for monorepos.
pub fn measures(r: &Report) -> Vec<&'static MeasureDef> {
    MEASURES
        .iter()
        .filter(|m| r.periods.iter().any(|p| p.trend.contains_key(m.id)))
        .collect()
}

/// Measures by period, the sparkline, and the last period against the previous and the baseline.
pub fn trend_grid(r: &Report) -> Grid {
    let mut header = vec!["measure".to_owned()];
    header.extend(r.periods.iter().map(|p| p.label.clone()));
    header.extend(["trend", "vs previous", "vs baseline"].map(str::to_owned));
    let rows = measures(r)
        .into_iter()
        .map(|m| {
            let values: Vec<Option<f64>> = r
                .periods
                .iter()
                .map(|p| p.trend.get(m.id).and_then(|t| t.value))
                .collect();
            let mut row = vec![m.label.to_owned()];
            row.extend(values.iter().map(|v| value(m.unit, *v)));
            row.push(sparkline(&values));
            match r.periods.last().and_then(|p| p.trend.get(m.id)) {
                Some(t) => {
                    row.push(change(m.unit, &t.previous));
                    row.push(change(m.unit, &t.baseline));
                }
                None => row.extend(["n/a".to_owned(), "n/a".to_owned()]),
            }
            row
        })
        .collect();
    Grid { header, rows }
}

/// Strategy mix by period.
pub fn mix_grid(r: &Report) -> Grid {
    let mut names: Vec<&String> = r
        .periods
        .iter()
        .flat_map(|p| p.stats.strategy_mix.keys())
        .collect();
    names.sort();
    names.dedup();
    let mut header = vec!["period".to_owned()];
    header.extend(names.iter().map(|n| n.to_string()));
    let rows = r
        .periods
        .iter()
        .map(|p| {
            let mut row = vec![p.label.clone()];
            row.extend(names.iter().map(|n| {
                p.stats
                    .strategy_mix
                    .get(*n)
                    .copied()
                    .unwrap_or(0)
                    .to_string()
            }));
            row
        })
        .collect();
    Grid { header, rows }
}

/// Scorecards at the first and the last period.
pub fn drift_grid(r: &Report) -> Grid {
    let (first, last) = match (r.periods.first(), r.periods.last()) {
        (Some(f), Some(l)) => (f.label.clone(), l.label.clone()),
        _ => ("first".to_owned(), "last".to_owned()),
    };
    let score = |v: Option<f64>, cov: f64| match v {
        Some(s) => format!("{s:.0} ({:.0}% evidence)", cov * 100.0),
        None => "n/a".to_owned(),
    };
    Grid {
        header: vec!["model".into(), first, last, "change".into()],
        rows: r
            .drift
            .iter()
            .map(|d| {
                vec![
                    d.model.clone(),
                    score(d.first, d.first_coverage),
                    score(d.last, d.last_coverage),
                    d.change
                        .map(|c| format!("{c:+.0}"))
                        .unwrap_or_else(|| "n/a".into()),
                ]
            })
            .collect(),
    }
}

/// One row per group, the largest first: landed per period, and the totals.
pub fn group_grid(r: &Report, what: &str, rows: &[GroupRow]) -> Grid {
    let mut header = vec![what.to_owned()];
    header.extend(r.periods.iter().map(|p| p.label.clone()));
    header.extend(["trend", "landed", "lifetime p50", "size p50", "over 400"].map(str::to_owned));
    Grid {
        header,
        rows: rows
            .iter()
            .map(|g| {
                let mut row = vec![g.name.clone()];
                row.extend(g.landed.iter().map(|n| n.to_string()));
                row.push(sparkline(
                    &g.landed.iter().map(|n| Some(*n as f64)).collect::<Vec<_>>(),
                ));
                row.push(g.total.landed.to_string());
                row.push(value(
                    Unit::Seconds,
                    g.total.lifetime_p50_seconds.map(|v| v as f64),
                ));
                row.push(value(Unit::Lines, g.total.size_p50.map(|v| v as f64)));
                row.push(share(g.total.over_400_share));
                row
            })
            .collect(),
    }
}

/// A notable change in one line: `abc1234567 #12 Subject (3d 2h, 450 lines)`.
pub fn notable_line(n: &Notable) -> String {
    let pr = n.pr.map(|p| format!(" #{p}")).unwrap_or_default();
    let life = n
        .lifetime_seconds
        .map(|s| format!("lived {}", duration(s)))
        .unwrap_or_else(|| "lifetime unknown".into());
    let size = n
        .size
        .map(|s| format!("{s} lines"))
        .unwrap_or_else(|| "size unknown".into());
    let by = n
        .author
        .as_ref()
        .map(|a| format!(", by {a}"))
        .unwrap_or_default();
    format!(
        "{}{pr} {} ({life}, {size}{by})",
        n.commit.short(10),
        clip(&n.subject, 72)
    )
}

/// The heading line: what, where, which periods.
pub fn summary(r: &Report) -> String {
    let span = match (r.periods.first(), r.periods.last()) {
        (Some(f), Some(l)) => format!(
            "{} to {} ({} {}s, {})",
            f.label,
            l.label,
            r.periods.len(),
            r.period.kind.as_str(),
            r.period.tz
        ),
        _ => "no periods".to_owned(),
    };
    format!(
        "{span}; each {k} against the {k} before and the mean of the {b} {k}s before it (percentiles and shares on {m}+ changes)",
        k = r.period.kind.as_str(),
        b = r.period.baseline,
        m = r.period.min_sample
    )
}

fn esc(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn md_table(out: &mut String, g: &Grid) {
    out.push_str(&format!(
        "| {} |\n",
        g.header
            .iter()
            .map(|h| esc(h))
            .collect::<Vec<_>>()
            .join(" | ")
    ));
    out.push_str(&format!("|{}\n", "---|".repeat(g.header.len())));
    for r in &g.rows {
        out.push_str(&format!(
            "| {} |\n",
            r.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
        ));
    }
    out.push('\n');
}

/// A table folded into `<details>` when it is long, cut at [`TOP_ROWS`] with "and N more".
fn md_folded(out: &mut String, summary: &str, g: &Grid) {
    let mut shown = g.clone();
    let more = shown.rows.len().saturating_sub(TOP_ROWS);
    shown.rows.truncate(TOP_ROWS);
    let fold = shown.rows.len() > 5;
    if fold {
        out.push_str(&format!("<details><summary>{}</summary>\n\n", esc(summary)));
    }
    md_table(out, &shown);
    if more > 0 {
        out.push_str(&format!("…and {more} more (see the JSON).\n\n"));
    }
    if fold {
        out.push_str("</details>\n\n");
    }
}

fn md_list(out: &mut String, title: &str, items: &[Notable]) {
    if items.is_empty() {
        return;
    }
    out.push_str(&format!("**{title}**\n\n"));
    for n in items.iter().take(TOP_ROWS) {
        out.push_str(&format!("- {}\n", esc(&notable_line(n))));
    }
    if items.len() > TOP_ROWS {
        out.push_str(&format!("- …and {} more\n", items.len() - TOP_ROWS));
    }
    out.push('\n');
}

/// The markdown view: under 1 MiB whatever the history (lists are cut, long tables folded).
pub fn markdown(r: &Report) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "# repohealth report: {} (`{}`)\n\n{}.\n\n",
        esc(&r.repository.path),
        r.repository.trunk,
        summary(r)
    ));
    for w in r.warnings.iter().take(TOP_ROWS) {
        out.push_str(&format!("> warning: {}\n", esc(w)));
    }
    if !r.warnings.is_empty() {
        out.push('\n');
    }
    out.push_str("## Trend\n\n");
    md_table(&mut out, &trend_grid(r));
    out.push_str("## Strategy mix\n\n");
    md_folded(
        &mut out,
        "landed changes by strategy, per period",
        &mix_grid(r),
    );
    if let (Some(g), Some(totals)) = (super::remerge::grid(r), super::remerge::totals(r)) {
        out.push_str(&format!("## Re-merges\n\n{totals}\n\n"));
        md_folded(&mut out, "re-merged changes per period", &g);
    }
    if !r.drift.is_empty() {
        out.push_str("## Scorecards: first and last period\n\n");
        md_table(&mut out, &drift_grid(r));
    }
    if let Some(last) = r.periods.last() {
        out.push_str(&format!("## Notable changes in {}\n\n", last.label));
        let n = &r.notable;
        if n.longest_lived.is_empty() && n.largest.is_empty() && n.reverts.is_empty() {
            out.push_str("No landed changes.\n\n");
        }
        md_list(&mut out, "Longest-lived", &n.longest_lived);
        md_list(&mut out, "Largest", &n.largest);
        md_list(&mut out, "Reverts", &n.reverts);
    }
    let b = &r.breakdowns;
    if let Some(source) = &b.teams_source {
        out.push_str(&format!("## Teams (from {})\n\n", esc(source)));
        md_folded(
            &mut out,
            &format!("{} teams", b.teams.len()),
            &group_grid(r, "team", &b.teams),
        );
        if let Some(n) = b.teams_unowned.filter(|n| *n > 0) {
            out.push_str(&format!("{n} landed changes touch no owned path.\n\n"));
        }
    }
    if !b.packages.is_empty() {
        out.push_str("## Packages\n\n");
        md_folded(
            &mut out,
            &format!("{} packages", b.packages.len()),
            &group_grid(r, "package", &b.packages),
        );
    }
    if let Some(authors) = &b.authors {
        out.push_str("## Authors\n\n");
        md_folded(
            &mut out,
            &format!("{} authors", authors.len()),
            &group_grid(r, "author", authors),
        );
    }
    out
}

fn text_table(out: &mut String, title: &str, g: &Grid, limit: usize) {
    use tabled::builder::Builder;
    use tabled::settings::Style;
    out.push_str(&format!("\n{title}\n"));
    if g.rows.is_empty() {
        out.push_str("  (none)\n");
        return;
    }
    let mut b = Builder::default();
    b.push_record(g.header.clone());
    for r in g.rows.iter().take(limit) {
        b.push_record(r.clone());
    }
    let mut t = b.build();
    t.with(Style::sharp());
    out.push_str(&t.to_string());
    out.push('\n');
    if g.rows.len() > limit {
        out.push_str(&format!("  …and {} more\n", g.rows.len() - limit));
    }
}

/// The terminal view.
pub fn table(r: &Report) -> String {
    let mut out = format!(
        "repohealth report — {} (trunk {})\n{}\n",
        r.repository.path,
        r.repository.trunk,
        crate::render::wrap("", "", &summary(r), 100)
    );
    for w in &r.warnings {
        out.push_str(&crate::render::wrap("warning: ", "         ", w, 100));
    }
    text_table(&mut out, "Trend", &trend_grid(r), usize::MAX);
    text_table(&mut out, "Strategy mix", &mix_grid(r), usize::MAX);
    if let (Some(g), Some(totals)) = (super::remerge::grid(r), super::remerge::totals(r)) {
        text_table(&mut out, "Re-merges", &g, usize::MAX);
        out.push_str(&crate::render::wrap("", "", &totals, 100));
    }
    if !r.drift.is_empty() {
        text_table(
            &mut out,
            "Scorecards: first and last period",
            &drift_grid(r),
            usize::MAX,
        );
    }
    if let Some(last) = r.periods.last() {
        out.push_str(&format!("\nNotable changes in {}\n", last.label));
        for (title, items) in [
            ("longest-lived", &r.notable.longest_lived),
            ("largest", &r.notable.largest),
            ("reverts", &r.notable.reverts),
        ] {
            for n in items.iter().take(TOP_ROWS) {
                out.push_str(&format!("  {title:<13} {}\n", notable_line(n)));
            }
        }
    }
    let b = &r.breakdowns;
    if let Some(source) = &b.teams_source {
        text_table(
            &mut out,
            &format!("Teams (from {source})"),
            &group_grid(r, "team", &b.teams),
            TOP_ROWS,
        );
    }
    if !b.packages.is_empty() {
        text_table(
            &mut out,
            "Packages",
            &group_grid(r, "package", &b.packages),
            TOP_ROWS,
        );
    }
    if let Some(a) = &b.authors {
        text_table(&mut out, "Authors", &group_grid(r, "author", a), TOP_ROWS);
    }
    out
}

/// The per-period numbers of one measure: value, against the previous period, against the baseline.
fn measure_grid(r: &Report, m: &MeasureDef) -> Grid {
    Grid {
        header: ["period", "value", "vs previous", "vs baseline"]
            .map(str::to_owned)
            .to_vec(),
        rows: r
            .periods
            .iter()
            .filter_map(|p| {
                let t = p.trend.get(m.id)?;
                Some(vec![
                    p.label.clone(),
                    value(m.unit, t.value),
                    change(m.unit, &t.previous),
                    change(m.unit, &t.baseline),
                ])
            })
            .collect(),
    }
}

fn describe(m: &MeasureDef) -> &'static str {
    use super::trend::Better;
    match m.better {
        Better::Lower => "lower is better",
        Better::Higher => "higher is better",
        Better::Neither => "neither direction is better by itself",
    }
}

/// The HTML view: one file, inline SVG, no script, no external reference.
pub fn html(r: &Report) -> String {
    use crate::render::html::{self as h, esc};
    let mut body = String::new();
    for w in &r.warnings {
        body.push_str(&format!("<p class=\"warn\">{}</p>\n", esc(w)));
    }
    body.push_str(&html_trend(r));
    body.push_str(&html_landing(r));
    body.push_str(&html_notable(r));
    body.push_str(&html_breakdowns(r));
    h::page(
        &format!("repohealth report: {}", r.repository.path),
        &format!("trunk {}; {}", r.repository.trunk, summary(r)),
        &body,
    )
}

/// One trend chart per measure, each with its comparison table.
fn html_trend(r: &Report) -> String {
    use crate::render::html as h;
    let mut body = String::new();
    body.push_str("<h2>Trend</h2>\n<div class=\"grid\">\n");
    for (i, m) in measures(r).into_iter().enumerate() {
        let pts: Vec<(String, Option<f64>)> = r
            .periods
            .iter()
            .map(|p| (p.label.clone(), p.trend.get(m.id).and_then(|t| t.value)))
            .collect();
        let unit = m.unit;
        let title = format!("{} per {}", m.label, r.period.kind.as_str());
        let desc = format!(
            "{} in each of the {} {}s, {}; the table compares each with the {} before and the baseline.",
            m.label,
            r.periods.len(),
            r.period.kind.as_str(),
            describe(m),
            r.period.kind.as_str()
        );
        let svg = h::line_chart(&format!("m{i}"), &title, &desc, &pts, &|v| {
            value(unit, Some(v))
        });
        body.push_str(&h::figure(
            &format!("measure-{}", m.id),
            &title,
            &desc,
            &svg,
            &measure_grid(r, m),
            false,
        ));
    }
    body.push_str("</div>\n");

    body
}

/// How changes land: the strategy mix per period, the histograms and the scorecard drift.
fn html_landing(r: &Report) -> String {
    use crate::render::html as h;
    let mut body = String::new();
    let labels: Vec<String> = r.periods.iter().map(|p| p.label.clone()).collect();
    let mix = mix_grid(r);
    let names: Vec<String> = mix.header.iter().skip(1).cloned().collect();
    let series: Vec<(String, Vec<f64>)> = names
        .iter()
        .enumerate()
        .map(|(k, n)| {
            (
                n.clone(),
                mix.rows
                    .iter()
                    .map(|row| row[k + 1].parse::<f64>().unwrap_or(0.0))
                    .collect(),
            )
        })
        .collect();
    body.push_str("<h2>How changes land</h2>\n<div class=\"grid\">\n");
    let desc = "Landed changes per period, stacked by strategy (merge, squash, rebase, direct push, octopus).";
    let svg = h::stacked_chart("mix", "Strategy mix", desc, &labels, &series);
    body.push_str(&h::figure(
        "strategy-mix",
        "Strategy mix",
        desc,
        &(svg + &h::legend(&names)),
        &mix,
        false,
    ));
    body.push_str(&super::remerge::html(r));

    let life = h::lifetime_bars(&r.histograms.lifetime);
    let size = h::size_bars(&r.histograms.size);
    let grid_of = |what: &str, bars: &[(String, f64)]| Grid {
        header: vec![what.to_owned(), "changes".to_owned()],
        rows: bars
            .iter()
            .map(|(l, n)| vec![l.clone(), h::num(*n)])
            .collect(),
    };
    let desc = "Branch lifetimes (first commit to landing) of the changes of all reported periods; unknown lifetimes are left out.";
    let svg = h::bar_chart("life", "Lifetime histogram", desc, &life);
    body.push_str(&h::figure(
        "lifetime-histogram",
        "Lifetime histogram",
        desc,
        &svg,
        &grid_of("lifetime", &life),
        false,
    ));
    let desc = "Change sizes in lines (lockfiles, vendored and generated files left out) of the changes of all reported periods; 400 lines is the review guidance.";
    let svg = h::bar_chart("size", "Size histogram", desc, &size);
    body.push_str(&h::figure(
        "size-histogram",
        "Size histogram",
        desc,
        &svg,
        &grid_of("size", &size),
        false,
    ));

    body.push_str(&html_drift(r));
    body.push_str("</div>\n");

    body
}

/// Each model's score at the first and the last period, side by side (none without cards).
fn html_drift(r: &Report) -> String {
    use crate::render::html as h;
    let mut body = String::new();
    if !r.drift.is_empty() {
        let d = drift_grid(r);
        let (first, last) = (d.header[1].clone(), d.header[2].clone());
        let models: Vec<String> = r.drift.iter().map(|x| x.model.replace('_', " ")).collect();
        let series = vec![
            (first.clone(), r.drift.iter().map(|x| x.first).collect()),
            (last.clone(), r.drift.iter().map(|x| x.last).collect()),
        ];
        let desc = format!(
            "Each model's score (0-100) on the changes of {first} and of {last} alone; a week holds less evidence than a quarter, so the evidence share is shown beside each score."
        );
        let svg = h::grouped_chart("drift", "Scorecard drift", &desc, &models, &series, 100.0);
        body.push_str(&h::figure(
            "scorecard-drift",
            "Scorecard drift",
            &desc,
            &(svg + &h::legend(&[first, last])),
            &d,
            false,
        ));
    }
    body
}

/// The notable changes of the last period.
fn html_notable(r: &Report) -> String {
    use crate::render::html::esc;
    let mut body = String::new();
    if let Some(last) = r.periods.last() {
        body.push_str(&format!(
            "<h2>Notable changes in {}</h2>\n",
            esc(&last.label)
        ));
        let n = &r.notable;
        if n.longest_lived.is_empty() && n.largest.is_empty() && n.reverts.is_empty() {
            body.push_str("<p>No landed changes.</p>\n");
        }
        for (title, items) in [
            ("Longest-lived", &n.longest_lived),
            ("Largest", &n.largest),
            ("Reverts", &n.reverts),
        ] {
            if items.is_empty() {
                continue;
            }
            body.push_str(&format!(
                "<p><strong>{title}</strong></p>\n<ul class=\"plain\">\n"
            ));
            for it in items {
                body.push_str(&format!(
                    "<li><code>{}</code></li>\n",
                    esc(&notable_line(it))
                ));
            }
            body.push_str("</ul>\n");
        }
    }
    body
}

/// The breakdowns per team, package and (when asked) author.
fn html_breakdowns(r: &Report) -> String {
    use crate::render::html::{self as h, esc};
    let mut body = String::new();
    let b = &r.breakdowns;
    if let Some(source) = &b.teams_source {
        body.push_str(&format!(
            "<h2>Teams <small>(from {})</small></h2>\n",
            esc(source)
        ));
        body.push_str(&h::folded_table(
            &group_grid(r, "team", &b.teams),
            15,
            "teams",
        ));
        if let Some(n) = b.teams_unowned.filter(|n| *n > 0) {
            body.push_str(&format!("<p>{n} landed changes touch no owned path.</p>\n"));
        }
    }
    if !b.packages.is_empty() {
        body.push_str("<h2>Packages</h2>\n");
        body.push_str(&h::folded_table(
            &group_grid(r, "package", &b.packages),
            15,
            "packages",
        ));
    }
    if let Some(authors) = &b.authors {
        body.push_str("<h2>Authors</h2>\n");
        body.push_str(&h::folded_table(
            &group_grid(r, "author", authors),
            15,
            "authors",
        ));
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_scales_from_zero_and_marks_unknown() {
        assert_eq!(sparkline(&[Some(0.0), Some(4.0), None, Some(8.0)]), "▁▅·█");
        assert_eq!(sparkline(&[Some(3.0), Some(3.0)]), "██");
        assert_eq!(sparkline(&[Some(0.0), Some(0.0)]), "▁▁");
    }

    #[test]
    fn changes_read_in_their_units() {
        let c = |d: f64, dir, v| Comparison {
            value: Some(0.0),
            change: Some(d),
            direction: dir,
            verdict: Some(v),
        };
        assert_eq!(
            change(Unit::Seconds, &c(-5400.0, Direction::Down, Verdict::Better)),
            "-1h 30m (better)"
        );
        assert_eq!(
            change(Unit::Share, &c(0.126, Direction::Up, Verdict::Worse)),
            "+13 pp (worse)"
        );
        assert_eq!(
            change(Unit::Count, &c(1.5, Direction::Up, Verdict::Neutral)),
            "+1.5"
        );
        assert_eq!(
            change(Unit::Count, &c(0.0, Direction::Flat, Verdict::Neutral)),
            "no change"
        );
        assert_eq!(
            change(Unit::Count, &Comparison::not_enough_data(None)),
            "not enough data"
        );
    }
}

#[cfg(test)]
mod size_tests {
    use super::*;
    use crate::model::{Oid, Strategy};
    use crate::pipeline::{RepositoryInfo, ToolInfo, Window};
    use crate::report::periods::PeriodKind;
    use crate::report::stats::PeriodStats;
    use crate::report::trend::{Side, Trend};
    use crate::report::{Breakdowns, GroupTotals, NotableChanges, Period, PeriodSpec};

    /// A report as large as a big organisation's monorepo makes one: 52 weeks, 20 000 authors,
    /// 5 000 packages, 3 000 reverts in the last week.
    fn huge() -> Report {
        let stats = PeriodStats {
            landed: 1000,
            ..PeriodStats::default()
        };
        let periods = (0..52)
            .map(|i| Period {
                start: i * 604_800,
                end: (i + 1) * 604_800,
                label: format!("2024-W{:02}", i + 1),
                stats: stats.clone(),
                trend: MEASURES
                    .iter()
                    .map(|m| {
                        let side = Side {
                            stats: &stats,
                            mean_of: None,
                        };
                        let t: Trend = crate::report::trend::trend(m, &stats, Some(&side), None, 5);
                        (m.id, t)
                    })
                    .collect(),
            })
            .collect();
        let group = |name: String| GroupRow {
            name,
            landed: vec![3; 52],
            total: GroupTotals {
                landed: 156,
                lifetime_known: 156,
                lifetime_p50_seconds: Some(7200),
                size_p50: Some(40),
                over_400_share: Some(0.1),
            },
        };
        let revert = Notable {
            commit: Oid([7; 20]),
            landed_at: 0,
            subject: "Revert \"something rather long to make every line count\"".repeat(3),
            pr: Some(123_456),
            strategy: Strategy::Squash,
            lifetime_seconds: Some(60),
            size: Some(2),
            author: None,
        };
        Report {
            schema_version: 1,
            tool: ToolInfo {
                name: "repohealth",
                version: "0",
            },
            repository: RepositoryInfo {
                path: "/big".into(),
                trunk: "main".into(),
                production: None,
                head: None,
                head_ref: None,
                shallow: false,
                bare: true,
            },
            period: PeriodSpec {
                kind: PeriodKind::Week,
                tz: "UTC".into(),
                last: 52,
                baseline: 4,
                min_sample: 5,
            },
            window: Window {
                since: Some(0),
                until: 52 * 604_800 - 1,
            },
            periods,
            notable: NotableChanges {
                longest_lived: vec![],
                largest: vec![],
                reverts: vec![revert; 3000],
            },
            histograms: Default::default(),
            drift: vec![],
            breakdowns: Breakdowns {
                teams_source: Some("CODEOWNERS".into()),
                teams: (0..2000).map(|i| group(format!("@org/team-{i}"))).collect(),
                teams_unowned: Some(4),
                packages: (0..5000).map(|i| group(format!("packages/p{i}"))).collect(),
                authors: Some((0..20_000).map(|i| group(format!("Author {i}"))).collect()),
            },
            warnings: vec!["w".repeat(200); 500],
        }
    }

    #[test]
    fn markdown_stays_under_one_mib_with_long_lists_folded() {
        let md = markdown(&huge());
        assert!(md.len() < 1024 * 1024, "{} bytes", md.len());
        assert!(md.contains("…and 1990 more"), "teams cut at 10");
        assert!(md.contains("…and 4990 more"), "packages cut at 10");
        assert!(md.contains("…and 19990 more"), "authors cut at 10");
        assert!(md.contains("- …and 2990 more"), "reverts cut at 10");
        assert!(md.contains("<details><summary>2000 teams</summary>"));
        assert_eq!(md.matches("> warning:").count(), TOP_ROWS);
    }
}
