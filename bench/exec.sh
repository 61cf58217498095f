#!/usr/bin/env bash
# exec.sh - what nono's defaults cost exec-heavy work: 2000 execs in a shell
# loop, and a clean build of a C project (make -j2, 150 files) with the
# rollback journal on (the default), each bare, under nono and under
# bubblewrap, interleaved in hyperfine runs. Goals: the loop at most 1.03x
# bare, the build at most 1.05x. STRICT=1 measures --strict-exec (every exec
# mediated) instead.
#
#   bench/exec.sh [--markdown]        ROUNDS=5 of RUNS=3 by default; NONO=path/to/nono
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
NONO=${NONO:-$here/../_build/nono}
RUNS=${RUNS:-3}
ROUNDS=${ROUNDS:-5}
markdown=false
[ "${1:-}" = --markdown ] && markdown=true
for tool in hyperfine bwrap cc make python3; do
	command -v "$tool" >/dev/null || { echo "exec.sh: $tool is needed" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/proj" "$work/home/.ssh"
cd "$work/proj"
export HOME="$work/home" PATH=/usr/local/bin:/usr/bin:/bin
for i in $(seq 150); do
	printf 'int f%d(int x) { int s = 0; for (int i = 0; i < x; i++) s += i * %d; return s; }\n' "$i" "$i" >"f$i.c"
done
printf 'int main(void) { return 0; }\n' >main.c
cat >Makefile <<'MK'
SRCS := $(wildcard *.c)
OBJS := $(SRCS:.c=.o)
prog: $(OBJS)
	$(CC) -o $@ $(OBJS)
%.o: %.c
	$(CC) -O1 -c $< -o $@
clean:
	@find . -name '*.o' -delete; find . -name prog -delete
MK
# shellcheck disable=SC2016 # expanded by the inner shell
loop='i=0; while [ $i -lt 2000 ]; do /bin/true; i=$((i+1)); done'
# the objects are removed before each run, outside any sandbox: nono runs with its
# defaults (audit trail and rollback journal on: every object file the build
# creates is journaled as created)
build='make -s -j2 prog'
bw="bwrap --ro-bind / / --dev /dev --proc /proc --bind $PWD $PWD --tmpfs $HOME/.ssh --unshare-net --unshare-pid --die-with-parent --new-session --"
nn="$NONO run --silent --allow . ${STRICT:+--strict-exec} --"

# The machine drifts (other load comes and goes): ROUNDS short hyperfine runs
# interleave the six commands, and the medians are taken over every sample.
for round in $(seq "$ROUNDS"); do
	hyperfine --warmup 1 --runs "$RUNS" --prepare 'make -s clean' --export-json "$work/r$round.json" \
		-n "loop bare" "sh -c '$loop'" \
		-n "loop nono" "$nn sh -c '$loop'" \
		-n "loop bwrap" "$bw sh -c '$loop'" \
		-n "build bare" "sh -c '$build'" \
		-n "build nono" "$nn sh -c '$build'" \
		-n "build bwrap" "$bw sh -c '$build'" >/dev/null
done

python3 - "$markdown" "$work"/r*.json <<'PY'
import json, statistics, sys
samples = {}
for f in sys.argv[2:]:
    for x in json.load(open(f))["results"]:
        samples.setdefault(x["command"], []).extend(x["times"])
r = {c: statistics.median(t) * 1000 for c, t in samples.items()}
md = sys.argv[1] == "true"
if md:
    print("| workload | bare ms | nono ms | bwrap ms | nono/bare | bwrap/bare |\n|---|---|---|---|---|---|")
for w in ("loop", "build"):
    b, n, bw = r[w + " bare"], r[w + " nono"], r[w + " bwrap"]
    row = (w, b, n, bw, n / b, bw / b)
    print(("| %s | %.0f | %.0f | %.0f | %.2f | %.2f |" if md else "%-6s bare %7.0f ms  nono %7.0f ms  bwrap %7.0f ms  nono/bare %.2f  bwrap/bare %.2f") % row)
for w, goal in (("loop", 1.03), ("build", 1.05)):
    x = r[w + " nono"] / r[w + " bare"]
    print(("- " if md else "") + "%s: nono/bare %.3f (goal <= %.2f: %s)" % (w, x, goal, "PASS" if x <= goal else "MISS"))
PY
