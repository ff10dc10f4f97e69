//! The markdown view: fits a CI job summary or a weekly report.

use super::{
    clip, duration, largest, lifetime_row, longest_lived, mix_rows, opt_duration, opt_num, share,
    LIFETIME_HEADER,
};
use crate::pipeline::Analysis;

fn esc(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn table(out: &mut String, header: &[&str], rows: Vec<Vec<String>>) {
    out.push_str(&format!("| {} |\n", header.join(" | ")));
    out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
    for r in rows {
        let cells: Vec<String> = r.iter().map(|c| esc(c)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out.push('\n');
}

pub fn markdown(a: &Analysis) -> String {
    let mut out = String::new();
    header(&mut out, a);
    out.push_str(&crate::score::render::markdown(&a.scoring));
    out.push('\n');
    mixes(&mut out, a);
    distributions(&mut out, a);
    notable_changes(&mut out, a);
    live_branches(&mut out, a);
    if let Some(m) = &a.monorepo {
        out.push_str(&super::monorepo::markdown(m));
    }
    out
}

/// The repository, the trunk, the window and the warnings.
fn header(out: &mut String, a: &Analysis) {
    let m = &a.metrics.measured;
    out.push_str(&format!("# repohealth: {}\n\n", esc(&a.repository.path)));
    match &a.repository.production {
        Some(p) => out.push_str(&format!(
            "Trunk `{}` (integration) and `{}` (production), GitFlow layout. ",
            a.repository.trunk, p
        )),
        None => out.push_str(&format!("Trunk `{}`. ", a.repository.trunk)),
    }
    out.push_str(&format!(
        "Window {} to {}: **{}** landed changes, {} with a PR/MR number.\n\n",
        a.window
            .since
            .map(crate::model::rfc3339)
            .unwrap_or_else(|| "the first commit".into()),
        crate::model::rfc3339(a.window.until),
        m.changes,
        m.with_pr
    ));
    for w in &a.warnings {
        out.push_str(&format!("> warning: {}\n", esc(w)));
    }
    if !a.warnings.is_empty() {
        out.push('\n');
    }
}

/// How changes land and what they are.
fn mixes(out: &mut String, a: &Analysis) {
    let m = &a.metrics.measured;
    out.push_str("## How changes land\n\n");
    let rows = |mix| {
        mix_rows(mix, m.changes)
            .into_iter()
            .map(|r| r.to_vec())
            .collect()
    };
    table(
        out,
        &["strategy", "changes", "share"],
        rows(&m.strategy_mix),
    );
    table(out, &["kind", "changes", "share"], rows(&m.kind_mix));
}

/// Branch lifetime and change size.
fn distributions(out: &mut String, a: &Analysis) {
    let m = &a.metrics.measured;
    let l = &m.lifetime;
    out.push_str("## Branch lifetime\n\n");
    table(out, &LIFETIME_HEADER, vec![lifetime_row(l)]);
    let s = &m.size;
    out.push_str("## Change size\n\n");
    table(
        out,
        &["known", "p50", "p90", "max", "over 400 lines"],
        vec![vec![
            s.known.to_string(),
            opt_num(s.p50),
            opt_num(s.p90),
            opt_num(s.max),
            format!("{} ({})", s.over_400, share(s.over_400_share)),
        ]],
    );
}

/// The longest-lived and the largest changes.
fn notable_changes(out: &mut String, a: &Analysis) {
    let row = |c: &crate::model::Change, v: String| {
        vec![
            format!("`{}`", c.commit.short(10)),
            c.strategy.as_str().to_owned(),
            c.pr.map(|p| format!("#{p}")).unwrap_or_default(),
            v,
            // A clipped subject must not end inside a code span.
            clip(&c.subject.replace('`', "'"), 60),
        ]
    };
    out.push_str("## Longest-lived changes\n\n");
    table(
        out,
        &["commit", "strategy", "pr", "lifetime", "subject"],
        longest_lived(&a.changes, 5)
            .into_iter()
            .map(|c| row(c, opt_duration(c.lifetime_seconds)))
            .collect(),
    );
    out.push_str("## Largest changes\n\n");
    table(
        out,
        &["commit", "strategy", "pr", "size", "subject"],
        largest(&a.changes, 5)
            .into_iter()
            .map(|c| row(c, opt_num(c.size)))
            .collect(),
    );
}

/// Live branches, the first 20 shown.
fn live_branches(out: &mut String, a: &Analysis) {
    out.push_str("## Live branches\n\n");
    table(
        out,
        &[
            "branch",
            "ahead",
            "behind",
            "age",
            "idle",
            "stale",
            "long-lived",
        ],
        a.branches
            .iter()
            .take(20)
            .map(|b| {
                vec![
                    format!("`{}`", b.name),
                    b.ahead.to_string(),
                    b.behind.to_string(),
                    opt_duration(b.age_seconds),
                    duration(b.idle_seconds),
                    if b.stale { "yes" } else { "" }.to_owned(),
                    if b.long_lived { "yes" } else { "" }.to_owned(),
                ]
            })
            .collect(),
    );
}
