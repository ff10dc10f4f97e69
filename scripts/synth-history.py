#!/usr/bin/env python3
"""A deterministic synthetic history for benchmarks (docs/benchmarks.md), built with
`git fast-import`, so the figures can be reproduced without a large clone.

Usage: scripts/synth-history.py OUT_DIR [--commits N] [--seed S]

OUT_DIR becomes a bare repository whose `main` holds at least N commits (default 50,000):
a Cargo workspace of 40 crates (`crates/cNN`, path dependencies between them) landed by
merge commits of pull requests (1-5 branch commits each), squash merges (`Title (#n)`),
rebased runs (several commits, author and committer apart) and direct pushes, plus a few
live branches. Identities, dates and contents come from a seeded generator: the same
arguments give the same commit ids on every machine. Needs python3 and git.
"""

import argparse
import os
import random
import subprocess
import sys

T0 = 1_600_000_000
PEOPLE = [
    ("Alice Anders", "alice@example.com"),
    ("Bob Brown", "bob@example.com"),
    ("Carol Chen", "carol@example.com"),
    ("Dave Diaz", "dave@example.com"),
    ("Erin Evans", "erin@example.com"),
    ("Frank Fisher", "frank@example.com"),
]
GITHUB = ("GitHub", "noreply@github.com")
CRATES = 40


class Stream:
    """Writes a fast-import stream; marks name commits."""

    def __init__(self, out):
        self.out = out
        self.mark = 0

    def w(self, text):
        self.out.write(text.encode())

    def data(self, payload: bytes):
        self.out.write(b"data %d\n" % len(payload))
        self.out.write(payload)
        self.out.write(b"\n")

    def commit(self, ref, author, committer, when, committed, message, parents, changes):
        self.mark += 1
        self.w(f"commit {ref}\nmark :{self.mark}\n")
        self.w(f"author {author[0]} <{author[1]}> {when} +0000\n")
        self.w(f"committer {committer[0]} <{committer[1]}> {committed} +0000\n")
        self.data(message.encode())
        if parents:
            self.w(f"from :{parents[0]}\n")
            for p in parents[1:]:
                self.w(f"merge :{p}\n")
        for path, content in changes:
            if content is None:
                self.w(f"D {path}\n")
            else:
                self.w(f"M 100644 inline {path}\n")
                self.data(content)
        self.w("\n")
        return self.mark


class Tree:
    """The files of one line of history, as lists of lines."""

    def __init__(self, files=None):
        self.files = dict(files or {})

    def copy(self):
        return Tree({k: list(v) for k, v in self.files.items()})

    def text(self, path):
        return ("".join(line + "\n" for line in self.files[path])).encode()


def initial_tree(rng):
    t = Tree()
    members = ", ".join(f'"crates/c{i:02d}"' for i in range(CRATES))
    t.files["Cargo.toml"] = ["[workspace]", f"members = [{members}]", 'resolver = "2"']
    t.files["README.md"] = ["# synthetic", "", "A generated history for benchmarks."]
    for i in range(CRATES):
        deps = sorted(rng.sample(range(i), min(i, rng.randint(0, 3)))) if i else []
        t.files[f"crates/c{i:02d}/Cargo.toml"] = [
            "[package]",
            f'name = "c{i:02d}"',
            'version = "0.1.0"',
            'edition = "2021"',
            "",
            "[dependencies]",
        ] + [f'c{d:02d} = {{ path = "../c{d:02d}" }}' for d in deps]
        t.files[f"crates/c{i:02d}/src/lib.rs"] = [
            f"// crate c{i:02d}",
            f"pub fn c{i:02d}() -> u32 {{",
            f"    {i}",
            "}",
        ]
    return t


def edit(rng, tree, serial):
    """Change 1-3 files: insert and delete lines, now and then add a module or bump a manifest."""
    changes = []
    for _ in range(rng.randint(1, 3)):
        c = rng.randrange(CRATES)
        roll = rng.random()
        if roll < 0.08:
            path = f"crates/c{c:02d}/src/m{serial}.rs"
            tree.files[path] = [f"// module {serial}"] + [
                f"pub const K{j}: u64 = {rng.randrange(1 << 30)};" for j in range(rng.randint(3, 30))
            ]
        elif roll < 0.14:
            path = f"crates/c{c:02d}/Cargo.toml"
            lines = tree.files[path]
            lines[2] = f'version = "0.{serial % 97}.{rng.randrange(10)}"'
        else:
            path = f"crates/c{c:02d}/src/lib.rs"
            lines = tree.files[path]
            at = rng.randint(1, len(lines))
            for k in range(rng.randint(1, 8)):
                lines.insert(at + k, f"// {serial}.{k} {rng.randrange(1 << 40):x}")
            # Keep files short: drop old comment lines once they pile up.
            while len(lines) > 120:
                del lines[rng.randint(1, len(lines) - 2)]
            if rng.random() < 0.3 and len(lines) > 6:
                del lines[rng.randint(1, len(lines) - 2)]
        changes.append((path, tree.text(path)))
    # Files listed once, last content wins.
    return list(dict(changes).items())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--commits", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=12)
    args = ap.parse_args()
    if os.path.exists(args.out):
        sys.exit(f"{args.out} exists; pass a new directory")
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null", TZ="UTC")
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", args.out], check=True, env=env)
    imp = subprocess.Popen(
        ["git", "--git-dir", args.out, "fast-import", "--quiet"], stdin=subprocess.PIPE, env=env
    )
    rng = random.Random(args.seed)
    s = Stream(imp.stdin)
    now = T0
    main_tree = initial_tree(rng)
    tip = s.commit(
        "refs/heads/main", PEOPLE[0], PEOPLE[0], now, now, "Initial workspace\n", [],
        [(p, main_tree.text(p)) for p in sorted(main_tree.files)],
    )
    commits, pr, serial = 1, 0, 0
    while commits < args.commits:
        now += rng.randint(60, 4 * 3600)
        who = rng.choice(PEOPLE)
        roll = rng.random()
        serial += 1
        if roll < 0.40:  # a pull request landed by a merge commit
            pr += 1
            branch_tree = main_tree.copy()
            head, start = tip, now
            for k in range(rng.randint(1, 5)):
                t = start - rng.randint(3600, 5 * 86400) + k * 600
                head = s.commit(
                    "refs/heads/synth-topic", who, who, t, t, f"Work on topic {pr} ({k})\n",
                    [head], edit(rng, branch_tree, serial * 10 + k),
                )
                commits += 1
            # The merge's tree is the branch's tree (no conflicting trunk edits in between).
            changes = [
                (p, branch_tree.text(p)) for p in branch_tree.files
                if main_tree.files.get(p) != branch_tree.files[p]
            ]
            tip = s.commit(
                "refs/heads/main", who, GITHUB, now, now,
                f"Merge pull request #{pr} from {who[1].split('@')[0]}/topic-{pr}\n\nTopic {pr}\n",
                [tip, head], changes,
            )
            main_tree = branch_tree
            commits += 1
        elif roll < 0.65:  # a squash merge
            pr += 1
            tip = s.commit(
                "refs/heads/main", who, GITHUB, now, now, f"Change {serial} (#{pr})\n",
                [tip], edit(rng, main_tree, serial),
            )
            commits += 1
        elif roll < 0.80:  # a rebased run: authored earlier, committed together
            for k in range(rng.randint(2, 4)):
                t = now - rng.randint(86400, 3 * 86400)
                tip = s.commit(
                    "refs/heads/main", who, PEOPLE[(PEOPLE.index(who) + 1) % len(PEOPLE)],
                    t, now + k, f"Rebased step {serial}.{k}\n", [tip],
                    edit(rng, main_tree, serial * 10 + k),
                )
                commits += 1
        else:  # a direct push
            tip = s.commit(
                "refs/heads/main", who, who, now, now, f"Direct change {serial}\n",
                [tip], edit(rng, main_tree, serial),
            )
            commits += 1
    # A few live branches off recent history.
    for n in range(4):
        live = main_tree.copy()
        now += 3600
        s.commit(
            f"refs/heads/feature/live-{n}", PEOPLE[n], PEOPLE[n], now, now,
            f"Live branch {n}\n", [tip], edit(rng, live, 10**7 + n),
        )
    imp.stdin.close()
    if imp.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(
        ["git", "--git-dir", args.out, "update-ref", "-d", "refs/heads/synth-topic"], env=env
    )
    count = subprocess.run(
        ["git", "--git-dir", args.out, "rev-list", "--count", "main"],
        check=True, env=env, capture_output=True, text=True,
    ).stdout.strip()
    print(f"{args.out}: {count} commits on main")


if __name__ == "__main__":
    main()
