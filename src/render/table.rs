//! The terminal view: compact tables that fit 100 columns and read well in CI logs.

use super::{
    clip, duration, largest, lifetime_row, longest_lived, mix_rows, opt_duration, opt_num, share,
    LIFETIME_HEADER,
};
use crate::pipeline::Analysis;
use std::cell::Cell;
use tabled::builder::Builder;
use tabled::settings::{peaker::PriorityMax, Style, Width};

thread_local! {
    /// The width the view being rendered on this thread must fit (see [`table_fit`]).
    static WIDTH: Cell<usize> = const { Cell::new(DEFAULT_WIDTH) };
}

/// Columns the view fits when the terminal's width is unknown (a CI log, a file).
pub const DEFAULT_WIDTH: usize = 100;

/// The columns the current view fits.
fn width() -> usize {
    WIDTH.with(Cell::get)
}

/// One line of text: as is when it fits, else wrapped at words (continuation lines indented).
fn line(text: &str) -> String {
    if super::text_width(text) <= width() {
        format!("{}\n", super::visible(text))
    } else {
        super::wrap("", "  ", text, width())
    }
}

fn section(out: &mut String, title: &str, header: &[&str], rows: Vec<Vec<String>>) {
    out.push('\n');
    out.push_str(&line(title));
    if rows.is_empty() {
        out.push_str("  (none)\n");
        return;
    }
    let mut b = Builder::default();
    b.push_record(header.iter().map(|s| s.to_string()));
    for r in rows {
        b.push_record(r);
    }
    let mut t = b.build();
    t.with(Style::sharp());
    if t.total_width() > width() {
        // Narrow terminal: the widest columns give way first, wrapped at word boundaries.
        t.with(
            Width::wrap(width())
                .keep_words(true)
                .priority(PriorityMax::right()),
        );
    }
    out.push_str(&t.to_string());
    out.push('\n');
}

/// The terminal view at [`DEFAULT_WIDTH`] columns.
pub fn table(a: &Analysis) -> String {
    table_fit(a, DEFAULT_WIDTH)
}

/// The terminal view fitting `columns` (at least 40): tables give way column by column, text
/// wraps at words. Width is display width (CJK and emoji take two columns).
pub fn table_fit(a: &Analysis, columns: usize) -> String {
    let previous = WIDTH.with(|w| w.replace(columns.max(40)));
    let out = render(a);
    WIDTH.with(|w| w.set(previous));
    out
}

fn render(a: &Analysis) -> String {
    let mut out = String::new();
    header(&mut out, a);
    scorecards(&mut out, a);
    mixes(&mut out, a);
    distributions(&mut out, a);
    remerges(&mut out, a);
    notable_changes(&mut out, a);
    live_branches(&mut out, a);
    if let Some(m) = &a.monorepo {
        out.push_str(&super::monorepo::table(m));
    }
    out
}

/// The repository, the trunk, the window and the warnings.
fn header(out: &mut String, a: &Analysis) {
    let m = &a.metrics.measured;
    let repo = &a.repository;
    out.push_str(&line(&format!(
        "repohealth {} — {}",
        a.tool.version, repo.path
    )));
    let trunk = match &repo.production {
        Some(p) => format!(
            "{} (integration) + {} (production): GitFlow layout",
            repo.trunk, p
        ),
        None => repo.trunk.clone(),
    };
    out.push_str(&line(&format!("trunk: {trunk}")));
    let since = a
        .window
        .since
        .map(crate::model::rfc3339)
        .unwrap_or_else(|| "the first commit".to_owned());
    out.push_str(&line(&format!(
        "window: {} .. {}   landed changes: {}   with a PR/MR number: {}",
        since,
        crate::model::rfc3339(a.window.until),
        m.changes,
        m.with_pr
    )));
    for w in &a.warnings {
        out.push_str(&super::wrap("warning: ", "         ", w, width()));
    }
}

/// How changes land, what they are, and the platforms seen.
fn mixes(out: &mut String, a: &Analysis) {
    let m = &a.metrics.measured;
    let rows = |mix| {
        mix_rows(mix, m.changes)
            .into_iter()
            .map(|r| r.to_vec())
            .collect()
    };
    section(
        out,
        "How changes land",
        &["strategy", "changes", "share"],
        rows(&m.strategy_mix),
    );
    section(
        out,
        "What they are",
        &["kind", "changes", "share"],
        rows(&m.kind_mix),
    );
    if !m.platforms.is_empty() {
        section(
            out,
            "Platforms seen",
            &["platform", "changes", "share"],
            rows(&m.platforms),
        );
    }
}

/// Branch lifetime and change size distributions.
fn distributions(out: &mut String, a: &Analysis) {
    let m = &a.metrics.measured;
    let l = &m.lifetime;
    section(
        out,
        "Branch lifetime (features, fixes, releases; sync merges left out)",
        &LIFETIME_HEADER,
        vec![lifetime_row(l)],
    );
    let s = &m.size;
    section(
        out,
        "Change size (lines added + deleted; lockfiles, vendored and generated files left out)",
        &[
            "known",
            "unknown",
            "p50",
            "p90",
            "max",
            "over 400 lines",
            "share over 400",
        ],
        vec![vec![
            s.known.to_string(),
            s.unknown.to_string(),
            opt_num(s.p50),
            opt_num(s.p90),
            opt_num(s.max),
            s.over_400.to_string(),
            share(s.over_400_share),
        ]],
    );
}

/// Conflict rates of the re-merges (`--remerge` only).
fn remerges(out: &mut String, a: &Analysis) {
    let Some(m) = &a.metrics.remerge else {
        return;
    };
    section(
        out,
        "Re-merges (each merge done again like git's default merge; units of work per bucket)",
        &super::REMERGE_HEADER,
        super::remerge_rows(m),
    );
    for note in super::remerge_notes(m) {
        out.push_str(&super::wrap("", "  ", &note, width()));
    }
}

/// The longest-lived and the largest changes.
fn notable_changes(out: &mut String, a: &Analysis) {
    let change_row = |c: &crate::model::Change, value: String| {
        vec![
            c.commit.short(10),
            c.strategy.as_str().to_owned(),
            c.pr.map(|p| format!("#{p}")).unwrap_or_default(),
            value,
            clip(&c.subject, 52),
        ]
    };
    section(
        out,
        "Longest-lived changes",
        &["commit", "strategy", "pr", "lifetime", "subject"],
        longest_lived(&a.changes, 5)
            .into_iter()
            .map(|c| change_row(c, opt_duration(c.lifetime_seconds)))
            .collect(),
    );
    section(
        out,
        "Largest changes",
        &["commit", "strategy", "pr", "size", "subject"],
        largest(&a.changes, 5)
            .into_iter()
            .map(|c| change_row(c, opt_num(c.size)))
            .collect(),
    );
}

/// Live branches, the first 15 shown.
fn live_branches(out: &mut String, a: &Analysis) {
    let shown = 15;
    let mut rows: Vec<Vec<String>> = a
        .branches
        .iter()
        .take(shown)
        .map(|b| {
            let mut flags = Vec::new();
            if b.long_lived {
                flags.push("long-lived");
            }
            if b.stale {
                flags.push("stale");
            }
            vec![
                clip(&b.name, 36),
                b.ahead.to_string(),
                b.behind.to_string(),
                opt_duration(b.age_seconds),
                duration(b.idle_seconds),
                flags.join(", "),
            ]
        })
        .collect();
    if a.branches.len() > shown {
        rows.push(vec![
            format!("… {} more (see --format json)", a.branches.len() - shown),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    section(
        out,
        "Live branches (not merged into the trunk)",
        &["branch", "ahead", "behind", "age", "idle", "flags"],
        rows,
    );
}

/// Detected model, one line per model, the criteria with their sources, the recommendation
/// and the findings; on an empty window, only what the findings say about it.
fn scorecards(out: &mut String, a: &Analysis) {
    let s = &a.scoring;
    if crate::score::render::is_empty(s) {
        out.push('\n');
        for f in &s.findings {
            out.push_str(&super::wrap("", "  ", &f.message, width()));
        }
        return;
    }
    out.push_str(&super::wrap(
        "\nDetected model: ",
        "  ",
        &crate::score::render::detected(s),
        width(),
    ));
    for e in &s.detection_evidence {
        out.push_str(&super::wrap("  - ", "    ", e, width()));
    }
    let cards = s
        .scores
        .iter()
        .map(|(id, c)| {
            vec![
                id.clone(),
                c.score
                    .map(|v| format!("{v:.0}"))
                    .unwrap_or_else(|| "n/a".to_owned()),
                format!("{:.0}%", c.coverage * 100.0),
            ]
        })
        .collect();
    section(
        out,
        "Scores against the workflow models (0-100)",
        &["model", "score", "coverage"],
        cards,
    );
    model_cards(out, s);
    recommendation(out, &s.recommendation);
    findings(out, &s.findings);
}

/// One table per model: its criteria (measured, target, score, status) and their sources.
fn model_cards(out: &mut String, s: &crate::score::Scoring) {
    let all = crate::score::render::table_rows(s);
    for (model, card) in &s.scores {
        let prefix = format!("{model}.");
        let mine: Vec<&[String; 6]> = all.iter().filter(|r| r[0].starts_with(&prefix)).collect();
        let rows = mine
            .iter()
            .map(|r| {
                vec![
                    r[0].trim_start_matches(&prefix).to_owned(),
                    r[1].clone(),
                    r[2].clone(),
                    r[3].clone(),
                    r[4].clone(),
                ]
            })
            .collect();
        let title = format!(
            "{model}: {} (coverage {:.0}%)",
            card.score
                .map(|v| format!("{v:.0}/100"))
                .unwrap_or_else(|| "n/a".to_owned()),
            card.coverage * 100.0
        );
        section(
            out,
            &title,
            &["criterion", "measured", "target", "score", "status"],
            rows,
        );
        sources(
            out,
            mine.iter()
                .map(|r| (r[0].trim_start_matches(&prefix), &r[5])),
        );
    }
}

/// The recommendation and its migration phases, each with its source.
fn recommendation(out: &mut String, r: &crate::score::Recommendation) {
    out.push('\n');
    out.push_str(&super::wrap("Recommendation: ", "  ", &r.summary, width()));
    out.push_str(&super::wrap(
        "  Source: ",
        "    ",
        &r.source.cite(),
        width(),
    ));
    for (i, p) in r.phases.iter().enumerate() {
        out.push_str(&super::wrap(
            &format!("  {}. ", i + 1),
            "     ",
            &p.text,
            width(),
        ));
        out.push_str(&super::wrap(
            "     Source: ",
            "       ",
            &p.source.cite(),
            width(),
        ));
    }
}

/// The findings, with their severity and source.
fn findings(out: &mut String, findings: &[crate::score::Finding]) {
    if !findings.is_empty() {
        out.push_str("\nFindings\n");
        for f in findings {
            let text = match &f.source {
                Some(src) => format!("{} (source: {})", f.message, src.cite()),
                None => f.message.clone(),
            };
            out.push_str(&super::wrap(
                &format!("  - [{}] ", f.severity.as_str()),
                "    ",
                &text,
                width(),
            ));
        }
    }
}

/// The sources of a model's criteria under its table: each citation once, with its criteria.
fn sources<'a>(out: &mut String, rows: impl Iterator<Item = (&'a str, &'a String)>) {
    let mut cites: Vec<(&String, Vec<&str>)> = Vec::new();
    for (id, cite) in rows {
        match cites.iter_mut().find(|(c, _)| *c == cite) {
            Some((_, ids)) => ids.push(id),
            None => cites.push((cite, vec![id])),
        }
    }
    for (cite, ids) in cites {
        let text = format!("{}: {cite}", ids.join(", "));
        out.push_str(&super::wrap("  ", "    ", &text, width()));
    }
}
