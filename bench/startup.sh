#!/usr/bin/env bash
# startup.sh - the cost of a sandboxed launch, measured in one hyperfine run
# against a bare run, the fork+exec+wait floor, and bubblewrap. Prints the
# medians, the overheads and the goals: plain 'nono run --allow . -- /bin/true'
# (audit trail and rollback journal on, as by default) below bubblewrap with
# an equivalent policy (bwrap: the project writable, a PID namespace;
# bwrap-strict adds a hidden ~/.ssh, no network and a new session), nono
# within 0.3 ms of the floor, and at most a quarter of bubblewrap's overhead.
#
#   bench/startup.sh [--markdown]       RUNS=500 by default; NONO=path/to/nono
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
NONO=${NONO:-$here/../_build/nono}
RUNS=${RUNS:-500}
markdown=false
[ "${1:-}" = --markdown ] && markdown=true

for tool in hyperfine bwrap cc python3; do
	command -v "$tool" >/dev/null || { echo "startup.sh: $tool is needed" >&2; exit 2; }
done
[ -x "$NONO" ] || { echo "startup.sh: no nono at $NONO (build it, or set NONO)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/floor" "$here/floor.c"
mkdir -p "$work/proj" "$work/home/.ssh"
cd "$work/proj"
export HOME="$work/home" PATH=/usr/local/bin:/usr/bin:/bin

hyperfine -N --warmup 30 --runs "$RUNS" --export-json "$work/r.json" \
	-n bare "/bin/true" \
	-n floor "$work/floor /bin/true" \
	-n nono "$NONO run --allow . -- /bin/true" \
	-n nono-block-net "$NONO run --silent --block-net --allow . -- /bin/true" \
	-n nono-no-audit "$NONO run --silent --no-audit --allow . -- /bin/true" \
	-n bwrap "bwrap --ro-bind / / --dev /dev --proc /proc --bind $PWD $PWD --unshare-pid --die-with-parent -- /bin/true" \
	-n bwrap-strict "bwrap --ro-bind / / --dev /dev --proc /proc --bind $PWD $PWD --tmpfs $HOME/.ssh --unshare-net --unshare-pid --die-with-parent --new-session -- /bin/true" \
	>/dev/null

python3 - "$work/r.json" "$markdown" <<'PY'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
md = sys.argv[2] == "true"
ms = lambda n, k: res[n][k] * 1000
med = {n: ms(n, "median") for n in res}
rows = [(n, ms(n, "mean"), med[n], ms(n, "min")) for n in res]
if md:
    print("| command | mean ms | median ms | min ms |\n|---|---|---|---|")
    for r in rows:
        print("| %s | %.2f | %.2f | %.2f |" % r)
else:
    print("%-16s %9s %9s %9s" % ("command", "mean ms", "median ms", "min ms"))
    for r in rows:
        print("%-16s %9.2f %9.2f %9.2f" % r)
over_floor = med["nono"] - med["floor"]
nono_over = med["nono"] - med["bare"]
bwrap_over = med["bwrap"] - med["bare"]
ratio = nono_over / bwrap_over if bwrap_over > 0 else float("nan")
lines = [
    "nono - floor:        %+.2f ms  (goal <= 0.30 ms: %s)" % (over_floor, "PASS" if over_floor <= 0.3 else "MISS"),
    "nono - bare:         %+.2f ms" % nono_over,
    "bwrap - bare:        %+.2f ms" % bwrap_over,
    "nono/bwrap overhead: %.2f  (goal <= 0.25: %s)" % (ratio, "PASS" if ratio <= 0.25 else "MISS"),
    "the audit trail:     %+.2f ms a launch (nono - nono --no-audit)" % (med["nono"] - med["nono-no-audit"]),
    "nono/bwrap:          %.2f  (goal < 1: %s)" % (med["nono"] / med["bwrap"], "PASS" if med["nono"] < med["bwrap"] else "MISS"),
]
print()
for l in lines:
    print(("- " if md else "") + l)
PY
