//! The monorepo section of `analyze` in the table and markdown views (packages by ecosystem,
//! edges by kind, cycles, the affected-share distribution, co-change pairs, CI saving), and
//! [`View`], the small two-format writer the `audit` views use too.

use crate::packages::MonorepoSection;
use tabled::builder::Builder;
use tabled::settings::Style;

/// Writes headings, paragraphs and tables as terminal text or as markdown.
pub struct View {
    pub markdown: bool,
    pub out: String,
}

impl View {
    pub fn new(markdown: bool) -> View {
        View {
            markdown,
            out: String::new(),
        }
    }

    /// A heading: `##`/`###` in markdown, an underlined line on a terminal.
    pub fn heading(&mut self, level: usize, text: &str) {
        if self.markdown {
            self.out
                .push_str(&format!("\n{} {}\n\n", "#".repeat(level + 1), esc(text)));
        } else {
            self.out.push_str(&format!("\n{text}\n"));
        }
    }

    pub fn line(&mut self, text: &str) {
        if self.markdown {
            self.out.push_str(&esc(text));
            self.out.push_str("\n\n");
        } else {
            self.out
                .push_str(&crate::render::wrap("  ", "  ", text, 100));
        }
    }

    pub fn table(&mut self, header: &[&str], rows: Vec<Vec<String>>) {
        if rows.is_empty() {
            self.line("(none)");
            return;
        }
        if self.markdown {
            self.out.push_str(&format!("| {} |\n", header.join(" | ")));
            self.out.push_str(&format!(
                "|{}\n",
                header.iter().map(|_| "---|").collect::<String>()
            ));
            for r in rows {
                let cells: Vec<String> = r.iter().map(|c| esc(c)).collect();
                self.out.push_str(&format!("| {} |\n", cells.join(" | ")));
            }
            self.out.push('\n');
        } else {
            let mut b = Builder::default();
            b.push_record(header.iter().map(|s| s.to_string()));
            for r in rows {
                b.push_record(r);
            }
            let mut t = b.build();
            t.with(Style::sharp());
            self.out.push_str(&t.to_string());
            self.out.push('\n');
        }
    }
}

/// Markdown-safe text: pipes and angle brackets escaped.
fn esc(s: &str) -> String {
    s.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A share as a percentage, `n/a` when unknown.
pub fn pct(x: Option<f64>) -> String {
    x.map(|v| format!("{:.0}%", v * 100.0))
        .unwrap_or_else(|| "n/a".into())
}

/// The affected share of each change, in buckets of a quarter of the packages.
fn affected_buckets(m: &MonorepoSection) -> Vec<Vec<String>> {
    let labels = ["0-25%", "25-50%", "50-75%", "75-100%"];
    let mut counts = [0usize; 4];
    let mut n = 0;
    for c in &m.audit.per_change {
        if c.total_packages == 0 {
            continue;
        }
        let share = c.affected as f64 / c.total_packages as f64;
        counts[((share * 4.0).ceil() as usize).clamp(1, 4) - 1] += 1;
        n += 1;
    }
    labels
        .iter()
        .zip(counts)
        .map(|(l, c)| vec![l.to_string(), c.to_string(), pct(crate::audit::share(c, n))])
        .collect()
}

/// The monorepo section of `analyze`.
pub fn section(v: &mut View, m: &MonorepoSection) {
    let a = &m.audit;
    v.heading(1, "Monorepo");
    v.line(&format!(
        "{} packages; {} landed changes audited; {} touched two or more packages directly ({}); \
         affected-target builds would have skipped {} of package builds.",
        a.packages,
        a.changes,
        a.per_change
            .iter()
            .filter(|c| c.directly_changed >= 2)
            .count(),
        pct(a.multi_package_share),
        pct(a.ci_saving)
    ));
    v.heading(2, "Packages by ecosystem");
    v.table(
        &["ecosystem", "packages"],
        a.packages_by_ecosystem
            .iter()
            .map(|(e, n)| vec![e.clone(), n.to_string()])
            .collect(),
    );
    v.heading(2, "Edges by kind");
    let mut rows = Vec::new();
    for (eco, kinds) in &a.edges {
        for (k, n) in kinds {
            rows.push(vec![eco.clone(), k.clone(), n.to_string()]);
        }
    }
    v.table(&["ecosystem", "kind", "edges"], rows);
    v.heading(2, "Cycles");
    let mut rows = Vec::new();
    for (k, cycles) in &a.cycles {
        for c in cycles {
            rows.push(vec![k.clone(), c.join(" -> ")]);
        }
    }
    v.table(&["edge kind", "packages"], rows);
    v.heading(2, "Affected share per change");
    v.table(
        &["affected packages", "changes", "share"],
        affected_buckets(m),
    );
    v.heading(2, "Packages that change together");
    v.table(
        &["a", "b", "together", "P(b | a)", "P(a | b)"],
        a.co_change
            .iter()
            .map(|c| {
                vec![
                    c.a.clone(),
                    c.b.clone(),
                    c.support.to_string(),
                    pct(Some(c.confidence_ab)),
                    pct(Some(c.confidence_ba)),
                ]
            })
            .collect(),
    );
    if !m.factors.ci_path_aware.is_empty() {
        v.line(&format!(
            "Path-aware CI: {}",
            m.factors.ci_path_aware.join(", ")
        ));
    }
}

/// The section as terminal text.
pub fn table(m: &MonorepoSection) -> String {
    let mut v = View::new(false);
    section(&mut v, m);
    v.out
}

/// The section as markdown.
pub fn markdown(m: &MonorepoSection) -> String {
    let mut v = View::new(true);
    section(&mut v, m);
    v.out
}
