#!/usr/bin/env bash
# Benchmarks of docs/benchmarks.md. Usage: scripts/bench.sh REPO [RUNS]
# REPO: a clone (bare or not) whose trunk is main or master. Needs hyperfine, GNU time, python3.
# Environment: BIN (the repohealth binary; default target/release/repohealth), UNTIL (end of
# the 90-day window, any --until value; default the trunk's last commit), WARMUP (hyperfine
# warm-up runs, default 0), OUT (directory for the hyperfine JSON, default a temporary one).
#
# Runs in one hyperfine session, so every ratio compares runs on the same machine state:
#   git log --first-parent --numstat --no-renames   the baseline: what git needs to count lines
#   cold: analyze --since all --no-cache             everything, package audit included
#   cold, no package audit                           the same with every ecosystem off
#   warm: analyze --since all (cache filled)         a re-run over unchanged history
#   90 days, cold / warm                             the default window
# then prints each median as a ratio of git's median, and peak RSS (GNU time) of each.
set -euo pipefail
repo=${1:?usage: bench.sh REPO [RUNS]}
runs=${2:-3}
bin=${BIN:-$(dirname "$0")/../target/release/repohealth}
warmup=${WARMUP:-0}
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
trunk=$(git -C "$repo" rev-parse --verify -q refs/heads/main >/dev/null && echo main || echo master)
# The 90-day window ends at the trunk's last commit, so runs on an old snapshot stay comparable.
until=${UNTIL:-@$(git -C "$repo" log -1 --format=%ct "$trunk")}
cache=$(mktemp -d)
nopkg=$(mktemp)
trap 'rm -rf "$cache" "$nopkg"' EXIT
printf '[monorepo]\ncargo = false\nnpm = false\ngo = false\npython = false\nmaven = false\ngradle = false\n' > "$nopkg"

gitlog="git -C $repo log --first-parent --numstat --no-renames --format=%H $trunk"
all="$bin analyze $repo --since all --until $until --format json -q -o /dev/null"
days="$bin analyze $repo --until $until --format json -q -o /dev/null"
cold="$all --no-cache"
nopkg_cmd="$all --no-cache --config $nopkg"
warm="$all --cache-dir $cache"
days_cold="$days --no-cache"
days_warm="$days --cache-dir $cache"

echo "load before: $(uptime)"
# Fill the cache for the warm runs (the same history, so the 90-day runs find it too).
$warm
$days_warm
hyperfine -N -w "$warmup" -r "$runs" --export-json "$out/bench.json" --export-markdown /dev/stdout \
  -n "git log --numstat" "$gitlog" \
  -n "cold, all history" "$cold" \
  -n "cold, all history, no package audit" "$nopkg_cmd" \
  -n "warm, all history" "$warm" \
  -n "90 days, cold" "$days_cold" \
  -n "90 days, warm" "$days_warm"
echo "load after: $(uptime)"
python3 - "$out/bench.json" <<'EOF'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
base = results[0]["median"]
print(f"{'command':40} {'median s':>9} {'mean s':>9} {'x git':>7}")
for r in results:
    print(f"{r['command']:40} {r['median']:9.2f} {r['mean']:9.2f} {r['median'] / base:7.3f}")
EOF
for name in gitlog cold warm days_warm; do
  cmd=${!name}
  /usr/bin/time -f "peak RSS %M KB, %e s: $name" $cmd > /dev/null
done
