#!/usr/bin/env python3
"""Compare `repohealth graph --format json` with `cargo metadata --no-deps` for a Cargo
workspace checkout: members (by directory) and path-dependency edges (from, to, kind).

Usage: compare-cargo-metadata.py REPOHEALTH_BIN CHECKOUT_DIR [REV]
The checkout must be a git work tree (or pass a bare repo with REV and a separate checkout).
"""
import json, os, subprocess, sys

bin_, checkout = sys.argv[1], os.path.abspath(sys.argv[2])
rev = sys.argv[3] if len(sys.argv) > 3 else "HEAD"
repo = sys.argv[4] if len(sys.argv) > 4 else checkout

meta = json.loads(subprocess.check_output(
    ["cargo", "metadata", "--no-deps", "--format-version", "1", "--offline"], cwd=checkout))
root = meta["workspace_root"]
def rel(p):
    d = os.path.relpath(os.path.dirname(p), root)
    return "" if d == "." else d
members = {p["id"] for p in meta["packages"]}
by_name = {}
cargo_nodes = set()
for p in meta["packages"]:
    if p["id"] in meta["workspace_members"]:
        cargo_nodes.add(rel(p["manifest_path"]))
    by_name.setdefault(p["name"], rel(p["manifest_path"]))
cargo_edges = set()
for p in meta["packages"]:
    if p["id"] not in meta["workspace_members"]:
        continue
    for d in p["dependencies"]:
        if d.get("path"):
            to = os.path.relpath(d["path"], root)
            to = "" if to == "." else to
            if to == rel(p["manifest_path"]):
                continue  # self-loops are dropped (docs/monorepo.md, rule 10)
            kind = {None: "normal", "dev": "dev", "build": "build"}[d["kind"]]
            if d.get("optional") and kind == "normal":
                kind = "optional"
            cargo_edges.add((rel(p["manifest_path"]), to, kind))

ours = json.loads(subprocess.check_output([bin_, "graph", repo, "--rev", rev, "--format", "json"]))
our_nodes = {("" if n["path"] == "." else n["path"]) for n in ours["nodes"] if n["ecosystem"] == "cargo"}
norm = lambda p: "" if p == "." else p
our_edges = {(norm(e["from"]), norm(e["to"]), e["kind"]) for e in ours["edges"]}

print(f"members: cargo {len(cargo_nodes)}, repohealth {len(our_nodes)}")
print("  only in cargo:", sorted(cargo_nodes - our_nodes))
print("  only in repohealth:", sorted(our_nodes - cargo_nodes))
print(f"path edges: cargo {len(cargo_edges)}, repohealth {len(our_edges)}")
only_c = sorted(cargo_edges - our_edges)
only_r = sorted(our_edges - cargo_edges)
print("  only in cargo:", only_c[:20], "..." if len(only_c) > 20 else "")
print("  only in repohealth:", only_r[:20], "..." if len(only_r) > 20 else "")
sys.exit(0 if not (cargo_nodes ^ our_nodes) and not (cargo_edges ^ our_edges) else 1)
