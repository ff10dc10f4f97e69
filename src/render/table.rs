//! The terminal view: compact tables that fit 100 columns and read well in CI logs.

use super::{
    clip, duration, largest, lifetime_row, longest_lived, mix_rows, opt_duration, opt_num, share,
    LIFETIME_HEADER,
};
use crate::pipeline::Analysis;
use tabled::builder::Builder;
use tabled::settings::Style;

fn section(out: &mut String, title: &str, header: &[&str], rows: Vec<Vec<String>>) {
    out.push_str(&format!("\n{title}\n"));
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
    out.push_str(&t.to_string());
    out.push('\n');
}

pub fn table(a: &Analysis) -> String {
    let mut out = String::new();
    let m = &a.metrics.measured;
    let repo = &a.repository;
    out.push_str(&format!("repohealth {} — {}\n", a.tool.version, repo.path));
    let trunk = match &repo.production {
        Some(p) => format!(
            "{} (integration) + {} (production): GitFlow layout",
            repo.trunk, p
        ),
        None => repo.trunk.clone(),
    };
    out.push_str(&format!("trunk: {trunk}\n"));
    let since = a
        .window
        .since
        .map(crate::model::rfc3339)
        .unwrap_or_else(|| "the first commit".to_owned());
    out.push_str(&format!(
        "window: {} .. {}   landed changes: {}   with a PR/MR number: {}\n",
        since,
        crate::model::rfc3339(a.window.until),
        m.changes,
        m.with_pr
    ));
    for w in &a.warnings {
        out.push_str(&super::wrap("warning: ", "         ", w, 100));
    }
    scorecards(&mut out, a);
    let rows = |mix| {
        mix_rows(mix, m.changes)
            .into_iter()
            .map(|r| r.to_vec())
            .collect()
    };
    section(
        &mut out,
        "How changes land",
        &["strategy", "changes", "share"],
        rows(&m.strategy_mix),
    );
    section(
        &mut out,
        "What they are",
        &["kind", "changes", "share"],
        rows(&m.kind_mix),
    );
    if !m.platforms.is_empty() {
        section(
            &mut out,
            "Platforms seen",
            &["platform", "changes", "share"],
            rows(&m.platforms),
        );
    }
    let l = &m.lifetime;
    section(
        &mut out,
        "Branch lifetime (features, fixes, releases; sync merges left out)",
        &LIFETIME_HEADER,
        vec![lifetime_row(l)],
    );
    let s = &m.size;
    section(
        &mut out,
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
        &mut out,
        "Longest-lived changes",
        &["commit", "strategy", "pr", "lifetime", "subject"],
        longest_lived(&a.changes, 5)
            .into_iter()
            .map(|c| change_row(c, opt_duration(c.lifetime_seconds)))
            .collect(),
    );
    section(
        &mut out,
        "Largest changes",
        &["commit", "strategy", "pr", "size", "subject"],
        largest(&a.changes, 5)
            .into_iter()
            .map(|c| change_row(c, opt_num(c.size)))
            .collect(),
    );
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
        &mut out,
        "Live branches (not merged into the trunk)",
        &["branch", "ahead", "behind", "age", "idle", "flags"],
        rows,
    );
    out
}

/// Detected model, one line per model, the criteria with their sources, the recommendation
/// and the findings; on an empty window, only what the findings say about it.
fn scorecards(out: &mut String, a: &Analysis) {
    let s = &a.scoring;
    if crate::score::render::is_empty(s) {
        out.push('\n');
        for f in &s.findings {
            out.push_str(&super::wrap("", "  ", &f.message, 100));
        }
        return;
    }
    out.push_str(&super::wrap(
        "\nDetected model: ",
        "  ",
        &crate::score::render::detected(s),
        100,
    ));
    for e in &s.detection_evidence {
        out.push_str(&super::wrap("  - ", "    ", e, 100));
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
    out.push('\n');
    let r = &s.recommendation;
    out.push_str(&super::wrap("Recommendation: ", "  ", &r.summary, 100));
    out.push_str(&super::wrap("  Source: ", "    ", &r.source.cite(), 100));
    for (i, p) in r.phases.iter().enumerate() {
        out.push_str(&super::wrap(
            &format!("  {}. ", i + 1),
            "     ",
            &p.text,
            100,
        ));
        out.push_str(&super::wrap(
            "     Source: ",
            "       ",
            &p.source.cite(),
            100,
        ));
    }
    if !s.findings.is_empty() {
        out.push_str("\nFindings\n");
        for f in &s.findings {
            let text = match &f.source {
                Some(src) => format!("{} (source: {})", f.message, src.cite()),
                None => f.message.clone(),
            };
            out.push_str(&super::wrap(
                &format!("  - [{}] ", f.severity.as_str()),
                "    ",
                &text,
                100,
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
        out.push_str(&super::wrap(
            &format!("  {}: ", ids.join(", ")),
            "    ",
            cite,
            100,
        ));
    }
}
