//! The package graph as Graphviz dot, Mermaid or JSON.

use serde::Serialize;

use super::types::{shown_dir, Ecosystem, EdgeKind};
use super::workspace::Workspace;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GraphFormat {
    Dot,
    Mermaid,
    Json,
}

#[derive(Serialize)]
struct Node<'a> {
    name: &'a str,
    path: &'a str,
    ecosystem: Ecosystem,
}

#[derive(Serialize)]
struct Edge<'a> {
    from: &'a str,
    to: &'a str,
    kind: EdgeKind,
}

#[derive(Serialize)]
struct Graph<'a> {
    /// The JSON contract version, as in `analyze` (docs/schema.md).
    schema_version: u32,
    nodes: Vec<Node<'a>>,
    edges: Vec<Edge<'a>>,
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Mermaid labels are quoted; quotes inside become `#quot;`.
fn mermaid_escape(s: &str) -> String {
    s.replace('"', "#quot;")
}

/// Renders packages and typed edges. Edges point from dependent to dependency; paths
/// identify nodes (names repeat, rule 7); the root package's path is shown as `.`.
pub fn render_graph(ws: &Workspace, format: GraphFormat) -> String {
    let edges = ws.edges();
    let path = |i: usize| shown_dir(ws.packages.get(i).map(|p| p.dir.as_str()).unwrap_or(""));
    match format {
        GraphFormat::Json => {
            let g = Graph {
                schema_version: crate::model::SCHEMA_VERSION,
                nodes: ws
                    .packages
                    .iter()
                    .map(|p| Node {
                        name: &p.name,
                        path: shown_dir(&p.dir),
                        ecosystem: p.ecosystem,
                    })
                    .collect(),
                edges: edges
                    .iter()
                    .map(|(a, b, k)| Edge {
                        from: path(a.0),
                        to: path(b.0),
                        kind: *k,
                    })
                    .collect(),
            };
            serde_json::to_string_pretty(&g).unwrap_or_else(|_| "{}".into())
        }
        GraphFormat::Dot => {
            let mut out = String::from("digraph packages {\n  rankdir=LR;\n  node [shape=box];\n");
            for (i, p) in ws.packages.iter().enumerate() {
                let shown = shown_dir(&p.dir);
                out.push_str(&format!(
                    "  n{i} [label=\"{}\\n{} ({})\"];\n",
                    dot_escape(&p.name),
                    dot_escape(shown),
                    p.ecosystem.as_str()
                ));
            }
            for (a, b, k) in &edges {
                let style = match k {
                    EdgeKind::Normal => "solid",
                    EdgeKind::Build => "bold",
                    EdgeKind::Dev => "dashed",
                    EdgeKind::Optional | EdgeKind::Peer => "dotted",
                };
                out.push_str(&format!(
                    "  n{} -> n{} [label=\"{}\", style={style}];\n",
                    a.0,
                    b.0,
                    k.as_str()
                ));
            }
            out.push_str("}\n");
            out
        }
        GraphFormat::Mermaid => {
            let mut out = String::from("graph LR\n");
            for (i, p) in ws.packages.iter().enumerate() {
                let shown = shown_dir(&p.dir);
                out.push_str(&format!(
                    "  n{i}[\"{}<br/>{}\"]\n",
                    mermaid_escape(&p.name),
                    mermaid_escape(shown)
                ));
            }
            for (a, b, k) in &edges {
                let arrow = if *k == EdgeKind::Normal {
                    "-->"
                } else {
                    "-.->"
                };
                out.push_str(&format!("  n{} {arrow}|{}| n{}\n", a.0, k.as_str(), b.0));
            }
            out
        }
    }
}

#[cfg(test)]
#[path = "render_tests.rs"]
mod tests;
