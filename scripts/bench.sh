#!/usr/bin/env bash
# Benchmarks of docs/benchmarks.md. Usage: scripts/bench.sh REPO [RUNS]
# REPO: a clone (bare or not) whose trunk is main or master. Needs hyperfine, GNU time, python3.
# Environment: BIN (the repohealth binary; default target/release/repohealth), UNTIL (end of
# the 90-day window, any --until value; default the trunk's last commit), WARMUP (hyperfine
# warm-up runs, default 0), OUT (directory for the hyperfine JSON and the RSS logs, default a
# temporary one), NOPKG=1 (also time the cold run with the package audit off).
#
# Runs in one hyperfine session, so every ratio compares runs on the same machine state:
#   git log --first-parent --numstat --no-renames   the baseline: what git needs to count lines
#   cold: analyze --since all --no-cache             everything, package audit included
#   cold, no package audit (NOPKG=1)                 the same with every ecosystem off
#   warm: analyze --since all (cache filled)         a re-run over unchanged history
#   90 days, cold / warm                             the default window
# then prints each median as a ratio of git's median, and the peak RSS of each (GNU time wraps
# every timed run; its overhead is a fork and a wait).
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

rss() { echo "/usr/bin/time -a -o $out/rss-$1.txt -f %M"; }
gitlog="git -C $repo log --first-parent --numstat --no-renames --format=%H $trunk"
all="$bin analyze $repo --since all --until $until --format json -q -o /dev/null"
days="$bin analyze $repo --until $until --format json -q -o /dev/null"
rm -f "$out"/rss-*.txt

echo "load before: $(uptime)"
# Fill the cache for the warm runs (the same history, so the 90-day runs find it too).
$all --cache-dir "$cache"
$days --cache-dir "$cache"
extra=()
if [ "${NOPKG:-0}" = 1 ]; then
  extra=(-n "cold, all history, no package audit" "$(rss nopkg) $all --no-cache --config $nopkg")
fi
hyperfine -N -w "$warmup" -r "$runs" --export-json "$out/bench.json" --export-markdown "$out/bench.md" \
  -n "git log --numstat" "$(rss git) $gitlog" \
  -n "cold, all history" "$(rss cold) $all --no-cache" \
  "${extra[@]}" \
  -n "warm, all history" "$(rss warm) $all --cache-dir $cache" \
  -n "90 days, cold" "$(rss days-cold) $days --no-cache" \
  -n "90 days, warm" "$(rss days-warm) $days --cache-dir $cache"
echo "load after: $(uptime)"
cat "$out/bench.md"
python3 - "$out" <<'EOF'
import glob, json, os, statistics, sys
out = sys.argv[1]
results = json.load(open(os.path.join(out, "bench.json")))["results"]
base = results[0]["median"]
cpu = results[0]["user"] + results[0]["system"]
print(f"{'command':40} {'median s':>9} {'mean s':>9} {'x git':>7} {'cpu s':>7} {'cpu x git':>9}")
for r in results:
    c = r["user"] + r["system"]
    print(f"{r['command']:40} {r['median']:9.2f} {r['mean']:9.2f} {r['median'] / base:7.3f} {c:7.2f} {c / cpu:9.3f}")
for f in sorted(glob.glob(os.path.join(out, "rss-*.txt"))):
    kb = [int(l) for l in open(f) if l.strip().isdigit()]
    if kb:
        name = os.path.basename(f)[4:-4]
        print(f"peak RSS {name:10} median {statistics.median(kb) / 1024:7.0f} MiB, max {max(kb) / 1024:7.0f} MiB")
EOF
