//! Views of a [`Scoring`]: Markdown (fits a CI job summary) and rows for the terminal table,
//! each criterion, finding and step with its public source; and the documentation tables
//! generated from the rules. JSON is the canonical form (serde); these only format what is
//! already there.

use super::cadence::{BandResult, DoraProxy};
use super::card::CriterionResult;
use super::criteria::Model;
use super::measure::{fmt_target, fmt_value};
use super::rules::{FINDINGS, PHASES};
use super::{Scoring, Source};
use crate::format::{days, md_cell as cell, share};
use std::fmt::Write;

/// The DORA reports whose bands are shown, oldest first.
pub const BAND_REPORTS: [&str; 2] = ["2023", "2024"];

fn model_title(id: &str) -> &str {
    Model::from_id(id).map_or(id, |m| m.title())
}

fn measured(c: &CriterionResult) -> String {
    c.measured.map_or("n/a".into(), |v| fmt_value(v, c.unit))
}

fn score_text(s: Option<f64>) -> String {
    s.map_or("n/a".into(), |s| format!("{s:.1}"))
}

/// `Title, section (url)` as a Markdown link.
fn md_cite(s: &Source) -> String {
    let title = if s.section.is_empty() {
        s.title.to_string()
    } else {
        format!("{}, {}", s.title, s.section)
    };
    format!("[{}]({})", cell(&title), s.url)
}

/// The detected model, its runner-up and the margin, in one sentence.
pub fn detected(s: &Scoring) -> String {
    let Some(m) = s.detected_model else {
        return "unknown (no landed changes in the window)".into();
    };
    let d = &s.detection;
    let of = |m: Model| d.shares.get(m.id()).copied().unwrap_or(0.0);
    match (d.runner_up, d.margin) {
        (Some(r), Some(margin)) => format!(
            "{} ({} of changes land its way), runner-up {} ({}), margin {:.1} points{}",
            m.title(),
            share(of(m)),
            r.title(),
            share(of(r)),
            margin * 100.0,
            if margin < 0.1 { ": a close call" } else { "" }
        ),
        _ => m.title().to_string(),
    }
}

/// True when nothing landed in the window: the views say so instead of printing tables of n/a.
pub fn is_empty(s: &Scoring) -> bool {
    s.cadence.changes == 0
}

/// The scorecards, detected model, recommendation, findings and cadence as Markdown.
pub fn markdown(s: &Scoring) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "## Workflow scorecards\n");
    if is_empty(s) {
        for f in &s.findings {
            let _ = writeln!(o, "{}\n", f.message);
        }
        return o;
    }
    let _ = writeln!(o, "Detected model: **{}**\n", detected(s));
    for e in &s.detection_evidence {
        let _ = writeln!(o, "- {e}");
    }
    let _ = writeln!(o, "\n| Model | Score | Coverage |\n|---|---:|---:|");
    for (id, card) in &s.scores {
        let _ = writeln!(
            o,
            "| {} | {} | {} |",
            model_title(id),
            score_text(card.score),
            share(card.coverage)
        );
    }
    for (id, card) in &s.scores {
        let total = card.score.map_or("n/a".into(), |s| format!("{s:.1} / 100"));
        let _ = writeln!(
            o,
            "\n### {}: {total} (coverage {})\n",
            model_title(id),
            share(card.coverage)
        );
        let _ = writeln!(
            o,
            "| Criterion | Measured | Target | Failing | Weight | Score | Status | Evidence | Rule and source |"
        );
        let _ = writeln!(o, "|---|---:|---:|---:|---:|---:|---|---|---|");
        for c in &card.criteria {
            let _ = writeln!(
                o,
                "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} ({}) |",
                c.id,
                cell(&measured(c)),
                cell(&fmt_target(c.target, c.failing, c.unit)),
                cell(&fmt_value(c.failing, c.unit)),
                c.weight,
                score_text(c.score),
                c.status.as_str(),
                cell(&c.evidence),
                cell(&c.rule),
                md_cite(&c.source)
            );
        }
    }
    recommendation_md(s, &mut o);
    findings_md(s, &mut o);
    cadence_md(s, &mut o);
    o
}

fn recommendation_md(s: &Scoring, o: &mut String) {
    let r = &s.recommendation;
    let _ = writeln!(o, "\n### Recommendation: {}\n", r.model.title());
    let _ = writeln!(o, "{} ({})\n", r.summary, md_cite(&r.source));
    for (i, p) in r.phases.iter().enumerate() {
        let _ = writeln!(o, "{}. {} ({})", i + 1, p.text, md_cite(&p.source));
    }
    if !r.parallel_release_lines.is_empty() {
        let _ = writeln!(
            o,
            "\nParallel release lines: {}",
            r.parallel_release_lines.join(", ")
        );
    }
}

fn findings_md(s: &Scoring, o: &mut String) {
    if s.findings.is_empty() {
        return;
    }
    let _ = writeln!(o, "\n### Findings\n");
    for f in &s.findings {
        let _ = write!(o, "- **{}**: {}", f.severity.as_str(), f.message);
        if !f.evidence.is_empty() {
            let _ = write!(o, " ({})", f.evidence.join("; "));
        }
        if let Some(src) = &f.source {
            let _ = write!(o, ". Source: {}", md_cite(src));
        }
        o.push('\n');
    }
}

/// A DORA proxy's value in its unit.
pub fn dora_value(p: &DoraProxy) -> String {
    match (p.value, p.unit.as_str()) {
        (None, _) => "n/a".to_string(),
        (Some(v), "seconds") => days(v / 86_400.0),
        (Some(v), "share") => share(v),
        (Some(v), u) => format!("{v:.2} {}", u.replace('_', " ")),
    }
}

/// The band of one report, with the year: `2024 high`, or `2024 n/a`.
pub fn band_label(bands: &[BandResult], report: &str) -> String {
    let band = bands
        .iter()
        .find(|b| b.report == report)
        .map_or("n/a", |b| b.band.as_str());
    format!("{report} {band}")
}

fn cadence_md(s: &Scoring, o: &mut String) {
    let c = &s.cadence;
    let opt = |v: Option<f64>| v.map_or("n/a".to_string(), |v| format!("{v:.2}"));
    let _ = writeln!(o, "\n### Cadence\n");
    let _ = writeln!(o, "| Measure | Value |\n|---|---:|");
    let rows = [
        ("Landed changes", c.changes.to_string()),
        (
            "Landings per active developer-day (integration frequency)",
            format!(
                "{} ({} developer-days)",
                opt(c.landings_per_active_developer_day),
                c.active_developer_days
            ),
        ),
        (
            "Landings per developer per weekday (team throughput)",
            opt(c.landings_per_developer_per_weekday),
        ),
        ("Landings per active day", opt(c.landings_per_active_day)),
        (
            "Landings per active author per week",
            opt(c.landings_per_author_per_week),
        ),
        (
            "Release tags per week",
            format!(
                "{} ({})",
                opt(c.release_tags_per_week),
                c.release_tags.len()
            ),
        ),
        ("Revert rate", c.revert_rate.map_or("n/a".into(), share)),
        ("Hotfix rate", c.hotfix_rate.map_or("n/a".into(), share)),
    ];
    for (name, value) in rows {
        let _ = writeln!(o, "| {name} | {value} |");
    }
    let _ = writeln!(
        o,
        "\n| DORA proxy | Value | {} band | {} band | Basis |\n|---|---:|---|---|---|",
        BAND_REPORTS[0], BAND_REPORTS[1]
    );
    let d = &c.dora;
    for (name, p) in [
        ("Deployment frequency", &d.deployment_frequency),
        ("Lead time for changes", &d.lead_time_for_changes),
        ("Change failure rate", &d.change_failure_rate),
    ] {
        let notes: Vec<&str> = p.bands.iter().filter_map(|b| b.note.as_deref()).collect();
        let basis = if notes.is_empty() {
            p.proxy.clone()
        } else {
            format!("{}; {}", p.proxy, notes.join("; "))
        };
        let _ = writeln!(
            o,
            "| {name} | {} | {} | {} | {} |",
            dora_value(p),
            band_label(&p.bands, BAND_REPORTS[0]),
            band_label(&p.bands, BAND_REPORTS[1]),
            cell(&basis)
        );
    }
    let _ = writeln!(
        o,
        "\nBands: {}; {}.",
        md_cite(&super::sources::DORA_2023),
        md_cite(&super::sources::DORA_2024)
    );
}

/// One row per criterion of every model: criterion (`model.id`), measured, target, score,
/// status, and the source it follows (title and address).
pub fn table_rows(s: &Scoring) -> Vec<[String; 6]> {
    s.scores
        .iter()
        .flat_map(|(model, card)| {
            card.criteria.iter().map(move |c| {
                [
                    format!("{model}.{}", c.id),
                    measured(c),
                    fmt_target(c.target, c.failing, c.unit),
                    score_text(c.score),
                    c.status.as_str().to_string(),
                    c.source.cite(),
                ]
            })
        })
        .collect()
}

/// The three criteria tables (defaults) as Markdown: docs/scoring.md embeds this verbatim, so
/// the documentation cannot drift from `criteria.rs`.
pub fn criteria_tables() -> String {
    let mut o = String::new();
    for m in Model::ALL {
        let _ = writeln!(o, "### {} (`{}`)\n", m.title(), m.id());
        let _ = writeln!(
            o,
            "| Criterion | Metric | Target | Failing | Weight | Rule | Why these thresholds | Source |"
        );
        let _ = writeln!(o, "|---|---|---:|---:|---:|---|---|---|");
        for c in m.criteria() {
            let unit = c.metric.unit();
            let _ = writeln!(
                o,
                "| `{}` | `{}` | {} | {} | {} | {} | {} | {} |",
                c.id,
                c.metric.id(),
                cell(&fmt_target(c.target, c.failing, unit)),
                cell(&fmt_value(c.failing, unit)),
                c.weight,
                cell(c.rule),
                cell(c.rationale),
                md_cite(&c.source)
            );
        }
        o.push('\n');
    }
    o
}

/// The findings, improvement advice and migration phases as Markdown tables (docs/scoring.md
/// embeds this verbatim).
pub fn rules_tables() -> String {
    let mut o = String::new();
    let _ = writeln!(o, "#### Findings\n");
    let _ = writeln!(
        o,
        "| Finding | Severity | Rule | Source |\n|---|---|---|---|"
    );
    for f in FINDINGS {
        let src = f
            .source
            .map_or("(a note about the data or the configuration)".into(), |s| {
                md_cite(&s)
            });
        let _ = writeln!(
            o,
            "| `{}` | {} | {} | {src} |",
            f.id,
            f.severity.as_str(),
            cell(f.rule)
        );
    }
    let _ = writeln!(o, "\n#### Improvement steps\n");
    let _ = writeln!(o, "| Step | Criteria | Rule | Source |\n|---|---|---|---|");
    let mut seen: Vec<&str> = Vec::new();
    for m in Model::ALL {
        for c in m.criteria() {
            let a = super::rules::advice(c.metric);
            if seen.contains(&a.title) {
                continue;
            }
            seen.push(a.title);
            let ids: Vec<String> = Model::ALL
                .iter()
                .flat_map(|m| m.criteria().iter())
                .filter(|d| super::rules::advice(d.metric).title == a.title)
                .map(|d| format!("`{}`", d.id))
                .fold(Vec::new(), |mut v, id| {
                    if !v.contains(&id) {
                        v.push(id);
                    }
                    v
                });
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                a.title,
                ids.join(", "),
                cell(a.rule),
                md_cite(&a.source)
            );
        }
    }
    let _ = writeln!(
        o,
        "\n#### Migration phases (GitFlow to trunk-based development)\n"
    );
    let _ = writeln!(o, "| Phase | Rule | After | Source |\n|---|---|---|---|");
    for p in PHASES {
        let after: Vec<String> = p.requires.iter().map(|r| r.to_string()).collect();
        let _ = writeln!(
            o,
            "| {} {} | {} | {} | {} |",
            p.number,
            p.title,
            cell(p.rule),
            if after.is_empty() {
                "-".into()
            } else {
                after.join(", ")
            },
            md_cite(&p.source)
        );
    }
    o
}

/// The DORA band tables as Markdown (docs/scoring.md embeds this verbatim).
pub fn dora_tables() -> String {
    use super::cadence::{DoraMetric, BAND_TABLES};
    let mut o = String::new();
    for (metric, title, how) in [
        (
            DoraMetric::DeploymentFrequency,
            "Deployment frequency",
            "deployments per day: at least the bound",
        ),
        (
            DoraMetric::LeadTimeForChanges,
            "Lead time for changes",
            "time to release: at most the bound; elite strictly less",
        ),
        (
            DoraMetric::ChangeFailureRate,
            "Change failure rate",
            "share: at most the bound; 2024 follows the throughput bands",
        ),
    ] {
        let _ = writeln!(o, "#### {title} ({how})\n");
        let _ = writeln!(o, "| Report | Band | Bound used | Published |");
        let _ = writeln!(o, "|---|---|---:|---|");
        for t in BAND_TABLES.iter().filter(|t| t.metric == metric) {
            for (i, (band, bound, published)) in t.bands.iter().enumerate() {
                let last = i + 1 == t.bands.len();
                let bound = match metric {
                    _ if last && t.ordered => "otherwise".to_string(),
                    DoraMetric::DeploymentFrequency if *bound >= 1.0 => {
                        format!("{bound:.0} per day")
                    }
                    DoraMetric::DeploymentFrequency => format!("1 per {:.1} days", 1.0 / bound),
                    DoraMetric::LeadTimeForChanges => days(bound / 86_400.0),
                    DoraMetric::ChangeFailureRate if last => "any".to_string(),
                    DoraMetric::ChangeFailureRate => share(*bound),
                };
                let _ = writeln!(
                    o,
                    "| {} | {} {band} | {bound} | {} |",
                    t.report,
                    t.report,
                    cell(published)
                );
            }
        }
        o.push('\n');
    }
    let _ = writeln!(o, "Sources:\n");
    let mut seen = Vec::new();
    for t in BAND_TABLES {
        if !seen.contains(&t.source) {
            seen.push(t.source);
            let _ = writeln!(o, "- {}: {}", t.report, md_cite(&t.source));
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte range between `<!-- BEGIN name ... -->` and `<!-- END name -->` of a document.
    fn between(doc: &str, name: &str) -> Option<std::ops::Range<usize>> {
        let begin = format!("<!-- BEGIN {name} (generated by render::{name}) -->\n");
        let start = doc.find(&begin)? + begin.len();
        let end = doc[start..].find(&format!("<!-- END {name} -->"))?;
        Some(start..start + end)
    }

    /// docs/scoring.md embeds the generated tables; a test regenerates them and compares.
    /// `REPOHEALTH_BLESS=1 cargo test docs_embed` rewrites the page.
    #[test]
    fn docs_embed_the_generated_tables() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/scoring.md");
        let mut doc = std::fs::read_to_string(&path).expect("docs/scoring.md");
        let bless = std::env::var_os("REPOHEALTH_BLESS").is_some();
        for (name, text) in [
            ("criteria_tables", criteria_tables()),
            ("rules_tables", rules_tables()),
            ("dora_tables", dora_tables()),
        ] {
            let range = between(&doc, name)
                .unwrap_or_else(|| panic!("docs/scoring.md lacks the {name} markers"));
            if bless {
                doc.replace_range(range, &text);
            } else {
                assert_eq!(
                    doc[range].to_string(),
                    text,
                    "docs/scoring.md is out of date: run REPOHEALTH_BLESS=1 cargo test docs_embed"
                );
            }
        }
        if bless {
            std::fs::write(&path, doc).expect("write docs/scoring.md");
        }
    }

    #[test]
    fn band_labels_carry_the_year() {
        let b = vec![BandResult {
            report: "2024".into(),
            band: "high".into(),
            published: String::new(),
            note: None,
        }];
        assert_eq!(band_label(&b, "2024"), "2024 high");
        assert_eq!(band_label(&b, "2023"), "2023 n/a");
    }
}
