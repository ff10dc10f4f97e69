#!/usr/bin/env bash
# Benchmarks of docs/benchmarks.md. Usage: scripts/bench.sh REPO [RUNS]
# REPO: a clone (bare or not) whose trunk is main or master. Needs hyperfine and GNU time.
# Compares, over the same first-parent history:
#   git log --first-parent --numstat --no-renames   (the baseline: what git needs to count lines)
#   repohealth analyze --since all, package audit off (history, classification, exact sizes,
#       branches, scores)
#   repohealth analyze --since all (everything, including the per-change package audit)
#   repohealth analyze (the default 90-day window)
set -euo pipefail
repo=${1:?usage: bench.sh REPO [RUNS]}
runs=${2:-3}
bin=${BIN:-$(dirname "$0")/../target/release/repohealth}
trunk=$(git -C "$repo" rev-parse --verify -q refs/heads/main >/dev/null && echo main || echo master)
nopkg=$(mktemp)
printf '[monorepo]\ncargo = false\nnpm = false\ngo = false\npython = false\nmaven = false\ngradle = false\n' > "$nopkg"
# The 90-day window ends at the trunk's last commit, so runs on an old snapshot stay comparable.
until=$(git -C "$repo" log -1 --format=%ct "$trunk")
hyperfine -N -w 1 -r "$runs" --export-markdown /dev/stdout \
  -n "git log --numstat" "git -C $repo log --first-parent --numstat --no-renames --format=%H $trunk" \
  -n "analyze, all history, no package audit" "$bin analyze $repo --since all --config $nopkg --format json -q -o /dev/null" \
  -n "analyze, all history" "$bin analyze $repo --since all --format json -q -o /dev/null" \
  -n "analyze, 90 days" "$bin analyze $repo --until @$until --format json -q -o /dev/null"
for cmd in "git -C $repo log --first-parent --numstat --no-renames --format=%H $trunk" \
           "$bin analyze $repo --since all --config $nopkg --format json -q -o /dev/null" \
           "$bin analyze $repo --since all --format json -q -o /dev/null"; do
  /usr/bin/time -f "peak RSS %M KB: $cmd" $cmd > /dev/null
done
rm -f "$nopkg"
