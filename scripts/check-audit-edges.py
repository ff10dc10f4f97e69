#!/usr/bin/env python3
"""Check `repohealth audit`'s cross-repository edges against the manifests themselves.

Usage: check-audit-edges.py AUDIT.json NAME=PATH...

For every package the audit lists (npm packages: the family this checks is JavaScript), the
script reads its package.json at the repository's trunk with `git show`, independently of
repohealth, takes the package names each repository defines and every dependency each package
declares (dependencies, devDependencies, optionalDependencies, peerDependencies; `npm:` aliases
name the real package), and derives the edges where a package of one repository requires a
package another defines. It prints both edge lists' sizes and every difference, and exits 1
when they differ. It also lists package.json files at the tips that the audit did not treat as
packages (outside every workspace), for information.
"""

import json
import subprocess
import sys

FIELDS = [
    ("dependencies", "normal"),
    ("devDependencies", "dev"),
    ("optionalDependencies", "optional"),
    ("peerDependencies", "peer"),
]


def git(path, *args):
    return subprocess.run(
        ["git", "-C", path, *args], check=True, capture_output=True, text=True
    ).stdout


def manifest(path, rev, pkg_dir):
    file = "package.json" if pkg_dir == "." else f"{pkg_dir}/package.json"
    return json.loads(git(path, "show", f"{rev}:{file}").lstrip("\ufeff"))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    audit = json.load(open(sys.argv[1]))
    paths = dict(arg.split("=", 1) for arg in sys.argv[2:])
    repos = {r["name"]: r for r in audit["repositories"]}
    defined = {}  # package name -> repository
    manifests = {}  # (repo, dir) -> parsed package.json
    for name, path in paths.items():
        r = repos[name]
        for p in r["packages"]:
            if p["ecosystem"] != "npm":
                continue
            m = manifest(path, r["trunk"], p["path"])
            manifests[(name, p["path"])] = m
            if "name" in m:
                defined.setdefault(m["name"], set()).add(name)
        tip_files = git(path, "ls-tree", "-r", "--name-only", r["trunk"]).split("\n")
        listed = {p["path"] for p in r["packages"]}
        extra = [
            f
            for f in tip_files
            if f.endswith("package.json")
            and "node_modules/" not in f
            and (f.rsplit("/", 1)[0] if "/" in f else ".") not in listed
        ]
        print(f"{name}: {len(r['packages'])} packages, {len(extra)} other package.json files")
    expected = set()
    for (repo, d), m in manifests.items():
        for field, kind in FIELDS:
            for dep, spec in (m.get(field) or {}).items():
                if not isinstance(spec, str):
                    continue
                real, req = dep, spec
                if spec.startswith("npm:"):
                    rest = spec[4:]
                    at = rest.rfind("@")
                    real, req = (rest[:at], rest[at + 1 :]) if at > 0 else (rest, "")
                for owner in defined.get(real, ()):
                    if owner != repo:
                        expected.add((repo, owner, d, real, req or None, kind))
    got = set()
    for dep in audit["dependencies"]:
        for v in dep["via"]:
            got.add((dep["from"], dep["to"], v["path"], v["requires"], v["requirement"], v["kind"]))
    print(f"edges declared by the manifests: {len(expected)}; edges in the audit: {len(got)}")
    pairs = {}
    for e in expected:
        pairs[(e[0], e[1])] = pairs.get((e[0], e[1]), 0) + 1
    for (a, b), n in sorted(pairs.items()):
        print(f"  {a} -> {b}: {n}")
    for e in sorted(expected - got, key=str):
        print("missing from the audit:", e)
    for e in sorted(got - expected, key=str):
        print("not in the manifests:", e)
    sys.exit(0 if expected == got else 1)


if __name__ == "__main__":
    main()
