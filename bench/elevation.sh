#!/usr/bin/env bash
# elevation.sh - the cost of --capability-elevation on an open-heavy
# workload: 'find . -type f | xargs cat' over FILES small files (20,000 by
# default) inside the grants, bare, under nono, and under nono with
# --capability-elevation (every read open then reaches the supervisor, and
# a path beneath a read grant is let through at once). Prints the medians
# and the ratio of elevation to plain nono; the goal is at most 1.3.
#
#   bench/elevation.sh [--markdown]    RUNS=10 FILES=20000 NONO=path/to/nono
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
NONO=${NONO:-$here/../_build/nono}
RUNS=${RUNS:-10}
FILES=${FILES:-20000}
markdown=false
[ "${1:-}" = --markdown ] && markdown=true

for tool in hyperfine python3; do
	command -v "$tool" >/dev/null || { echo "elevation.sh: $tool is needed" >&2; exit 2; }
done
[ -x "$NONO" ] || { echo "elevation.sh: no nono at $NONO (build it, or set NONO)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tree" "$work/home" "$work/run"
chmod 700 "$work/run"
python3 - "$work/tree" "$FILES" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, "d%03d" % (i // 200))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d.txt" % i), "w") as f:
        f.write("line %d\n" % i)
PY
cd "$work/tree"
export HOME="$work/home" XDG_RUNTIME_DIR="$work/run" PATH=/usr/local/bin:/usr/bin:/bin
job="find . -type f | xargs cat > /dev/null"

hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$work/r.json" \
	-n bare "sh -c '$job'" \
	-n nono "$NONO run --silent --no-audit --read . -- sh -c '$job'" \
	-n nono-elevation "$NONO run --silent --no-audit --capability-elevation --read . -- sh -c '$job'" \
	>/dev/null

python3 - "$work/r.json" "$markdown" "$FILES" <<'PY'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
md, files = sys.argv[2] == "true", int(sys.argv[3])
med = {n: res[n]["median"] * 1000 for n in res}
if md:
    print("| command | median ms | min ms | stddev ms |\n|---|---|---|---|")
    for n in res:
        print("| %s | %.1f | %.1f | %.1f |" % (n, med[n], res[n]["min"] * 1000, res[n]["stddev"] * 1000))
else:
    for n in res:
        print("%-16s median %8.1f ms  min %8.1f ms" % (n, med[n], res[n]["min"] * 1000))
ratio = med["nono-elevation"] / med["nono"]
per_open = (med["nono-elevation"] - med["nono"]) * 1000 / files
print("\nelevation / nono: %.2fx (goal <= 1.3x); about %.1f us more per file opened" % (ratio, per_open))
PY
