#!/usr/bin/env python3
"""Compare `repohealth analyze --remerge` with `git merge-tree --write-tree` on a real history.

Usage: scripts/compare-remerge.py REPO [--since WHEN] [--until WHEN] [--bin PATH] [--limit N] [--show N]

For every landed change that repohealth re-merged (clean or conflicted), runs
`git merge-tree --write-tree --name-only --allow-unrelated-histories OURS THEIRS` on the same
pair (a merge's two parents; a squash's trunk parent and its PR head) and compares the status
and the conflicted files. Evil files are compared with `git diff --name-only <git's tree>
<recorded commit>` outside the conflicts. Prints the agreement figures and the first
disagreements. Read only: git merge-tree writes its objects to a temporary object directory.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile


def git(repo, *args, env=None, ok=(0,)):
    p = subprocess.run(["git", "-C", repo, *args], capture_output=True, env=env)
    if p.returncode not in ok:
        raise RuntimeError(f"git {' '.join(args)}: {p.stderr.decode(errors='replace')}")
    return p.returncode, p.stdout.decode(errors="replace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("repo")
    ap.add_argument("--since", default="all")
    ap.add_argument("--until", default=None, help="end of the window (passed to analyze)")
    ap.add_argument("--bin", default="target/release/repohealth")
    ap.add_argument("--limit", type=int, default=0, help="compare at most N changes (0: all)")
    ap.add_argument("--show", type=int, default=10)
    a = ap.parse_args()

    cmd = [a.bin, "analyze", a.repo, "--since", a.since, "--format", "json", "--quiet", "--no-cache",
           "--remerge", "--remerge-budget", "100000"]
    if a.until:
        cmd += ["--until", a.until]
    out = subprocess.run(cmd, capture_output=True, check=True)
    analysis = json.loads(out.stdout)
    git_dir = git(a.repo, "rev-parse", "--absolute-git-dir")[1].strip()
    # git merge-tree writes the merged objects: keep them out of the repository.
    tmp = tempfile.mkdtemp(prefix="remerge-objects-")
    env = dict(os.environ, GIT_OBJECT_DIRECTORY=tmp,
               GIT_ALTERNATE_OBJECT_DIRECTORIES=os.path.join(git_dir, "objects"),
               GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1")
    pr_heads = {}
    for line in git(a.repo, "for-each-ref", "--format=%(objectname) %(refname)")[1].splitlines():
        oid, name = line.split(" ", 1)
        parts = name.split("/")
        if name.startswith("refs/pull/") and name.endswith("/head"):
            pr_heads[int(parts[2])] = oid
        elif len(parts) == 5 and parts[1] == "remotes" and parts[3] == "pr" and parts[4].isdigit():
            pr_heads.setdefault(int(parts[4]), oid)

    stats = {"compared": 0, "status_agree": 0, "files_agree": 0, "evil_agree": 0,
             "evil_judged": 0, "git_conflicted": 0, "ours_conflicted": 0, "skipped": 0}
    misses = []
    for c in analysis["changes"]:
        r = c.get("remerge")
        if not r:
            continue
        if r["status"] == "skipped":
            stats["skipped"] += 1
            continue
        if a.limit and stats["compared"] >= a.limit:
            break
        parents = git(a.repo, "rev-parse", c["commit"] + "^@")[1].split()
        if c["strategy"] == "squash":
            ours, theirs = parents[0], pr_heads[c["pr"]]
        else:
            ours, theirs = parents[0], parents[1]
        rc, text = git(a.repo, "merge-tree", "--write-tree", "--name-only",
                       "--allow-unrelated-histories", ours, theirs, env=env, ok=(0, 1))
        lines = text.splitlines()
        tree = lines[0]
        files = sorted(set(l for l in lines[1:lines.index("")] if l)) if "" in lines[1:] else \
            sorted(set(lines[1:]))
        want = "conflicted" if rc == 1 else "clean"
        stats["compared"] += 1
        stats["git_conflicted"] += rc == 1
        stats["ours_conflicted"] += r["status"] == "conflicted"
        status_ok = r["status"] == want
        files_ok = r["files"] == files[:20] and r["conflicted_files"] == len(files)
        stats["status_agree"] += status_ok
        stats["files_agree"] += files_ok
        evil_ok = True
        if c["strategy"] == "merge":
            differs = git(a.repo, "diff", "--no-renames", "--name-only", tree, c["commit"],
                          env=env)[1].split("\n")
            evil = sorted(p for p in differs if p and p not in files)
            evil_ok = r["evil_files"] == evil[:20] and r["evil"] == bool(evil)
            stats["evil_judged"] += 1
            stats["evil_agree"] += evil_ok
        if not (status_ok and files_ok and evil_ok):
            misses.append((c["commit"], c["subject"][:60], want, files[:5], r["status"],
                           r["files"][:5], r["evil_files"][:5]))

    n = stats["compared"]
    pct = lambda k, d: f"{stats[k]}/{d} ({100.0 * stats[k] / d:.2f}%)" if d else "n/a"
    print(f"repository: {a.repo} (window {a.since}" + (f" until {a.until})" if a.until else ")"))
    print(f"re-merged and compared: {n}; skipped by repohealth: {stats['skipped']}")
    print(f"conflicted: git {stats['git_conflicted']}, repohealth {stats['ours_conflicted']}")
    print(f"status agrees: {pct('status_agree', n)}")
    print(f"conflicted files agree: {pct('files_agree', n)}")
    print(f"evil files agree: {pct('evil_agree', stats['evil_judged'])}")
    m = analysis["metrics"].get("remerge") or {}
    if m:
        print("conflict rate by lifetime:", ", ".join(
            f"{b['bucket']} {b['conflicted']}/{b['remerged']}" for b in m["by_lifetime"]))
        print("conflict rate by size:", ", ".join(
            f"{b['bucket']} {b['conflicted']}/{b['remerged']}" for b in m["by_size"]))
        print(f"evil merges: {m['evil']}/{m['evil_judged']}")
    for miss in misses[: a.show]:
        print("MISMATCH", *miss)
    return 0 if not misses else 1


if __name__ == "__main__":
    sys.exit(main())
