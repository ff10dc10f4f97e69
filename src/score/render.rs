//! Views of a [`Scoring`]: Markdown (fits a CI job summary) and rows for the terminal table.
//! JSON is the canonical form (serde); these only format what is already there.

use super::card::CriterionResult;
use super::criteria::Model;
use super::measure::{fmt_days, fmt_share, fmt_target, fmt_value};
use super::Scoring;
use std::fmt::Write;

fn model_title(id: &str) -> &str {
    Model::from_id(id).map_or(id, |m| m.title())
}

/// A Markdown table cell: no pipes or line breaks.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn measured(c: &CriterionResult) -> String {
    c.measured.map_or("n/a".into(), |v| fmt_value(v, &c.unit))
}

fn score_text(s: Option<f64>) -> String {
    s.map_or("n/a".into(), |s| format!("{s:.1}"))
}

/// The first words of a source sentence, for narrow tables.
fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(3)).collect();
    out.push_str("...");
    out
}

/// The scorecards, detected model, recommendation, findings and cadence as Markdown.
pub fn markdown(s: &Scoring) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "## Workflow scorecards\n");
    let _ = writeln!(
        o,
        "Detected model: **{}** (`{}`)\n",
        model_title(&s.detected_model),
        s.detected_model
    );
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
            fmt_share(card.coverage)
        );
    }

    for (id, card) in &s.scores {
        let total = card.score.map_or("n/a".into(), |s| format!("{s:.1} / 100"));
        let _ = writeln!(
            o,
            "\n### {}: {total} (coverage {})\n",
            model_title(id),
            fmt_share(card.coverage)
        );
        let _ = writeln!(
            o,
            "| Criterion | Measured | Target | Failing | Weight | Score | Status | Evidence | Source |"
        );
        let _ = writeln!(o, "|---|---:|---:|---:|---:|---:|---|---|---|");
        for c in &card.criteria {
            let _ = writeln!(
                o,
                "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} |",
                c.id,
                cell(&measured(c)),
                cell(&fmt_target(c.target, c.failing, &c.unit)),
                cell(&fmt_value(c.failing, &c.unit)),
                c.weight,
                score_text(c.score),
                c.status.as_str(),
                cell(&c.evidence),
                cell(&c.source)
            );
        }
    }

    let r = &s.recommendation;
    let _ = writeln!(o, "\n### Recommendation: {}\n", model_title(&r.model));
    let _ = writeln!(o, "{}\n", r.summary);
    for (i, p) in r.phases.iter().enumerate() {
        let _ = writeln!(o, "{}. {p}", i + 1);
    }
    if !r.parallel_release_lines.is_empty() {
        let _ = writeln!(
            o,
            "\nParallel release lines: {}",
            r.parallel_release_lines.join(", ")
        );
    }

    if !s.findings.is_empty() {
        let _ = writeln!(o, "\n### Findings\n");
        for f in &s.findings {
            let _ = write!(o, "- **{}**: {}", f.severity.as_str(), f.message);
            if !f.evidence.is_empty() {
                let _ = write!(o, " ({})", f.evidence.join("; "));
            }
            o.push('\n');
        }
    }

    let c = &s.cadence;
    let opt = |v: Option<f64>| v.map_or("n/a".to_string(), |v| format!("{v:.2}"));
    let _ = writeln!(o, "\n### Cadence\n");
    let _ = writeln!(o, "| Measure | Value |\n|---|---:|");
    let _ = writeln!(o, "| Landed changes | {} |", c.changes);
    let _ = writeln!(
        o,
        "| Landings per active day | {} |",
        opt(c.landings_per_active_day)
    );
    let _ = writeln!(
        o,
        "| Landings per active author per week | {} |",
        opt(c.landings_per_author_per_week)
    );
    let _ = writeln!(
        o,
        "| Release tags per week | {} ({}) |",
        opt(c.release_tags_per_week),
        c.release_tags.len()
    );
    let _ = writeln!(
        o,
        "| Revert rate | {} |",
        c.revert_rate.map_or("n/a".into(), fmt_share)
    );
    let _ = writeln!(
        o,
        "| Hotfix rate | {} |",
        c.hotfix_rate.map_or("n/a".into(), fmt_share)
    );
    let _ = writeln!(
        o,
        "\n| DORA proxy | Value | 2021 band | 2023 band | Basis |\n|---|---:|---|---|---|"
    );
    let d = &c.dora;
    for (name, p) in [
        ("Deployment frequency", &d.deployment_frequency),
        ("Lead time for changes", &d.lead_time_for_changes),
        ("Change failure rate", &d.change_failure_rate),
    ] {
        let value = match (p.value, p.unit.as_str()) {
            (None, _) => "n/a".to_string(),
            (Some(v), "seconds") => fmt_days(v / 86_400.0),
            (Some(v), "share") => fmt_share(v),
            (Some(v), u) => format!("{v:.2} {}", u.replace('_', " ")),
        };
        let band = |r: &str| {
            p.bands
                .iter()
                .find(|b| b.report == r)
                .map_or("n/a".to_string(), |b| b.band.clone())
        };
        let _ = writeln!(
            o,
            "| {name} | {value} | {} | {} | {} |",
            band("2021"),
            band("2023"),
            cell(&p.proxy)
        );
    }
    o
}

/// One row per criterion of every model: criterion (`model.id`), measured, target, score,
/// status, source (shortened).
pub fn table_rows(s: &Scoring) -> Vec<[String; 6]> {
    s.scores
        .iter()
        .flat_map(|(model, card)| {
            card.criteria.iter().map(move |c| {
                [
                    format!("{model}.{}", c.id),
                    measured(c),
                    fmt_target(c.target, c.failing, &c.unit),
                    score_text(c.score),
                    c.status.as_str().to_string(),
                    short(&c.source, 48),
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
            "| Criterion | Metric | Target | Failing | Weight | Why these thresholds | Source (quoted from {}) |",
            super::criteria::SEED
        );
        let _ = writeln!(o, "|---|---|---:|---:|---:|---|---|");
        for c in m.criteria() {
            let unit = c.metric.unit().as_str();
            let _ = writeln!(
                o,
                "| `{}` | `{}` | {} | {} | {} | {} | {} |",
                c.id,
                c.metric.id(),
                cell(&fmt_target(c.target, c.failing, unit)),
                cell(&fmt_value(c.failing, unit)),
                c.weight,
                cell(c.rationale),
                cell(&quote(c.source))
            );
        }
        o.push('\n');
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
            "share: at most the bound",
        ),
    ] {
        let _ = writeln!(o, "#### {title} ({how})\n");
        let _ = writeln!(o, "| Report | Band | Bound used | Published wording |");
        let _ = writeln!(o, "|---|---|---:|---|");
        for t in BAND_TABLES.iter().filter(|t| t.metric == metric) {
            for (i, (band, bound, published)) in t.bands.iter().enumerate() {
                let bound = if i + 1 == t.bands.len() {
                    "otherwise".to_string()
                } else {
                    match metric {
                        DoraMetric::DeploymentFrequency if *bound >= 1.0 => {
                            format!("{bound:.0} per day")
                        }
                        DoraMetric::DeploymentFrequency => format!("1 per {:.1} days", 1.0 / bound),
                        DoraMetric::LeadTimeForChanges if *bound < 86_400.0 => {
                            format!("{:.0} h", bound / 3600.0)
                        }
                        DoraMetric::LeadTimeForChanges => format!("{:.1} d", bound / 86_400.0),
                        DoraMetric::ChangeFailureRate => fmt_share(*bound),
                    }
                };
                let _ = writeln!(
                    o,
                    "| {} | {band} | {bound} | {} |",
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
            let _ = writeln!(o, "- {}: {}", t.report, t.source);
        }
    }
    o
}

/// A prose sentence in quotes; a table cell reference as it is.
fn quote(source: &str) -> String {
    if source.contains('"') {
        source.to_string()
    } else {
        format!("\"{source}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/scoring.md (next to the crate, when present) embeds the generated tables.
    #[test]
    fn docs_embed_the_criteria_tables() {
        let doc = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/scoring.md");
        let Ok(text) = std::fs::read_to_string(&doc) else {
            return;
        };
        assert!(
            text.contains(&criteria_tables()),
            "docs/scoring.md is out of date: paste `render::criteria_tables()` between the markers"
        );
        assert!(
            text.contains(&dora_tables()),
            "docs/scoring.md is out of date: paste `render::dora_tables()` between the markers"
        );
    }

    #[test]
    fn short_cuts_on_char_boundaries() {
        assert_eq!(short("abc", 10), "abc");
        assert_eq!(
            short("\u{201c}release\u{201d} is a button", 10),
            "\u{201c}releas..."
        );
    }

    #[test]
    fn cells_escape_pipes() {
        assert_eq!(cell("a | b\nc"), "a \\| b c");
    }
}
