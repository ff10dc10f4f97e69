//! The table and markdown views of an [`AuditReport`]: nothing here is computed that the
//! JSON does not hold.

use super::AuditReport;
use crate::model::rfc3339;
use crate::render::monorepo::{pct, View};

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref()
        .map(|x| x.to_string())
        .unwrap_or_else(|| "n/a".into())
}

fn days(v: Option<f64>) -> String {
    v.map(|d| format!("{d:.1} d"))
        .unwrap_or_else(|| "n/a".into())
}

/// An enum as the JSON names it (`"merge_now"`).
fn enum_text<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|x| x.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A comma-separated list, or `none`.
fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

/// The report, one section after the other.
fn write(v: &mut View, r: &AuditReport) {
    header(v, r);
    verdict(v, r);
    repositories(v, r);
    dependencies(v, r);
    coupling(v, r);
    teams(v, r);
    merged(v, r);
    if let Some(rev) = &r.reverse {
        reverse(v, rev);
    }
    warnings(v, r);
}

/// The title, the window and the decision.
fn header(v: &mut View, r: &AuditReport) {
    let since = r
        .window
        .since
        .map(rfc3339)
        .unwrap_or_else(|| "the first commit".into());
    if v.markdown {
        v.out.push_str("# repohealth audit\n\n");
    } else {
        v.out
            .push_str(&format!("repohealth {} audit\n", r.tool.version));
    }
    v.line(&format!(
        "Window {since} to {}. Verdict: {}.",
        rfc3339(r.window.until),
        enum_text(r.verdict.decision)
    ));
}

/// The factors behind the verdict, what to do first, tooling and risks.
fn verdict(v: &mut View, r: &AuditReport) {
    v.heading(1, "Verdict");
    v.table(
        &["factor", "measured", "threshold", "met", "finding"],
        r.verdict
            .reasons
            .iter()
            .map(|x| {
                vec![
                    x.factor.to_string(),
                    x.measured.to_string(),
                    x.threshold.clone(),
                    match x.met {
                        Some(true) => "yes".into(),
                        Some(false) => "no".into(),
                        None => "unknown".into(),
                    },
                    x.finding.clone(),
                ]
            })
            .collect(),
    );
    if !r.verdict.first.is_empty() {
        v.line(&format!("First: {}", r.verdict.first.join(", ")));
    }
    if let Some(t) = &r.verdict.tooling {
        v.line(&format!(
            "Tooling: {} ({}); see {}",
            t.tool, t.why, t.source.url
        ));
    }
    for risk in &r.verdict.risks {
        v.line(&format!("Risk: {risk}"));
    }
}

/// One row per repository.
fn repositories(v: &mut View, r: &AuditReport) {
    v.heading(1, "Repositories");
    v.table(
        &[
            "name",
            "trunk",
            "landings",
            "packages",
            "ecosystems",
            "authors",
            "CI",
            "path-aware",
        ],
        r.repositories
            .iter()
            .map(|x| {
                vec![
                    x.name.clone(),
                    x.trunk.clone(),
                    x.landings.to_string(),
                    x.packages.len().to_string(),
                    x.ecosystems
                        .iter()
                        .map(|(k, n)| format!("{k} {n}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    x.active_authors.to_string(),
                    x.ci.files.len().to_string(),
                    if x.ci.path_aware { "yes" } else { "no" }.into(),
                ]
            })
            .collect(),
    );
}

/// Dependencies across repositories and the publish-to-adoption delay.
fn dependencies(v: &mut View, r: &AuditReport) {
    v.heading(1, "Dependencies across repositories");
    let mut rows = Vec::new();
    for d in &r.dependencies {
        for via in &d.via {
            rows.push(vec![
                format!("{} -> {}", d.from, d.to),
                format!("{} ({})", via.package, via.path),
                via.requires.clone(),
                opt(&via.requirement),
                via.kind.as_str().into(),
                opt(&via.skew.latest),
                opt(&via.skew.releases_behind),
            ]);
        }
    }
    v.table(
        &[
            "from -> to",
            "package",
            "requires",
            "requirement",
            "kind",
            "latest",
            "behind",
        ],
        rows,
    );
    v.line(&format!(
        "Publish-to-adoption delay: {} bumps, median {}, p90 {}.",
        r.adoption.bumps.len(),
        days(r.adoption.median_days),
        days(r.adoption.p90_days)
    ));
}

/// Coordinated change sets: the shares, the pairs and the sets themselves.
fn coupling(v: &mut View, r: &AuditReport) {
    let c = &r.coupling;
    v.heading(1, "Coordinated change sets");
    v.line(&format!(
        "{} of {} landings ({}) are in {} coordinated sets; {} of sets span 3+ repositories. \
         Apart: {} author-window sets ({} landings).",
        c.coordinated_landings,
        c.landings,
        pct(c.coordinated_share),
        r.change_sets.len(),
        pct(c.share_spanning_3_plus),
        c.author_window.sets,
        c.author_window.landings
    ));
    v.table(
        &["a", "b", "sets", "support", "confidence"],
        c.pairs
            .iter()
            .map(|p| {
                vec![
                    p.a.clone(),
                    p.b.clone(),
                    p.sets.to_string(),
                    pct(p.support),
                    pct(p.confidence),
                ]
            })
            .collect(),
    );
    v.table(
        &["set", "repositories", "strongest", "evidence", "landings"],
        r.change_sets
            .iter()
            .take(30)
            .map(|s| {
                vec![
                    s.id.clone(),
                    s.repositories.join(", "),
                    enum_text(s.strongest),
                    s.evidence
                        .iter()
                        .map(|e| e.detail.clone())
                        .collect::<Vec<_>>()
                        .join(", "),
                    s.landings
                        .iter()
                        .map(|l| format!("{}@{}", l.repository, l.commit.short(8)))
                        .collect::<Vec<_>>()
                        .join(" "),
                ]
            })
            .collect(),
    );
    if r.change_sets.len() > 30 {
        v.line(&format!(
            "... and {} more sets (all in the JSON).",
            r.change_sets.len() - 30
        ));
    }
}

/// Authors shared between repositories.
fn teams(v: &mut View, r: &AuditReport) {
    v.heading(1, "Teams");
    v.line(&format!(
        "{} distinct active authors; repositories sharing nobody: {}.",
        r.teams.team_size,
        list_or_none(&r.teams.disjoint)
    ));
    v.table(
        &["a", "b", "shared authors", "overlap"],
        r.teams
            .overlap
            .iter()
            .map(|o| {
                vec![
                    o.a.clone(),
                    o.b.clone(),
                    o.shared_authors.to_string(),
                    pct(o.jaccard),
                ]
            })
            .collect(),
    );
}

/// The monorepo that would result, and the CI saving of affected-target builds.
fn merged(v: &mut View, r: &AuditReport) {
    v.heading(1, "The monorepo that would result");
    v.line(&format!(
        "{} packages, {} internal edges today, {} cross-repository edges that would become internal; \
         replaying {} sets, affected-target builds skip {} of builds against building everything \
         and {} against today's per-repository CI.",
        r.merged.packages,
        r.merged.internal_edges,
        r.merged.cross_edges.len(),
        r.ci_saving.sets_replayed,
        pct(r.ci_saving.saving_vs_build_all),
        pct(r.ci_saving.saving_vs_polyrepo)
    ));
    v.table(
        &["edges", "cycle that would appear"],
        r.merged
            .new_cycles
            .iter()
            .map(|cy| vec![cy.edges.clone(), cy.packages.join(" -> ")])
            .collect(),
    );
}

/// The reverse questions, when the input is one monorepo.
fn reverse(v: &mut View, rev: &super::verdict::Reverse) {
    v.heading(1, "One monorepo: the reverse questions");
    v.line(&format!(
        "{} packages; {} of landed changes touch two or more; path-aware CI: {}.",
        rev.packages,
        pct(rev.multi_package_share),
        list_or_none(&rev.ci_path_aware)
    ));
    v.table(
        &["split candidate", "changes", "dependents"],
        rev.split_candidates
            .iter()
            .map(|s| {
                vec![
                    s.path.clone(),
                    s.changes.to_string(),
                    s.dependents.to_string(),
                ]
            })
            .collect(),
    );
}

/// Every repository's warnings.
fn warnings(v: &mut View, r: &AuditReport) {
    for repo in &r.repositories {
        for w in &repo.warnings {
            v.line(&format!("warning ({}): {w}", repo.name));
        }
    }
}

pub fn table(r: &AuditReport) -> String {
    let mut v = View::new(false);
    write(&mut v, r);
    v.out
}

pub fn markdown(r: &AuditReport) -> String {
    let mut v = View::new(true);
    write(&mut v, r);
    v.out
}
