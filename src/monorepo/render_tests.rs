//! Graph rendering.

use crate::monorepo::testutil::*;
use crate::monorepo::*;

#[test]
fn render_graph_formats() {
    let b = krate_deps("b", "[dev-dependencies]\na = { path = \"../a\" }");
    let ws = discover(
        &MemSnap::new(&[
            ("Cargo.toml", WS),
            ("crates/a/Cargo.toml", &krate("a")),
            ("crates/b/Cargo.toml", &b),
        ]),
        &Config::default(),
    );
    let json: serde_json::Value =
        serde_json::from_str(&render_graph(&ws, GraphFormat::Json)).expect("json");
    assert_eq!(
        json,
        serde_json::json!({
            "schema_version": crate::model::SCHEMA_VERSION,
            "nodes": [
                {"name": "a", "path": "crates/a", "ecosystem": "cargo"},
                {"name": "b", "path": "crates/b", "ecosystem": "cargo"}
            ],
            "edges": [{"from": "crates/b", "to": "crates/a", "kind": "dev"}]
        })
    );
    let dot = render_graph(&ws, GraphFormat::Dot);
    assert!(dot.starts_with("digraph packages {"));
    assert!(dot.contains("n1 -> n0 [label=\"dev\", style=dashed];"));
    let mm = render_graph(&ws, GraphFormat::Mermaid);
    assert!(mm.contains("n0[\"a<br/>crates/a\"]"));
    assert!(mm.contains("n1 -.->|dev| n0"));
}
