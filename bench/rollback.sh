#!/usr/bin/env bash
# rollback.sh - what the rollback journal costs, measured with hyperfine in
# one run each:
#   1. rewriting 5,000 existing files of 4 KiB (one python3 process), bare,
#      and under nono with rollback off and on (the default): goal, on at
#      most 1.5x bare;
#   2. the same as a shell loop appending to each file: the worst case, one
#      mediated open per few microseconds of work;
#   3. starting a session on a 20,000-file tree, against taking a full
#      snapshot of the tree first (hash and copy every file, as upstream does);
#   4. restoring 5,000 deleted files.
#
#   bench/rollback.sh [--markdown]      RUNS=5 by default; NONO=path/to/nono
#
# BENCH_TMP=/dev/shm puts the tree and the store on tmpfs: the disk's noise
# goes, and what is left is nono's own cost per file (the default, /tmp, is
# what a user's disk sees).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
NONO=${NONO:-$here/../_build/nono}
RUNS=${RUNS:-5}
markdown=false
[ "${1:-}" = --markdown ] && markdown=true

for tool in hyperfine python3 sha256sum; do
	command -v "$tool" >/dev/null || { echo "rollback.sh: $tool is needed" >&2; exit 2; }
done
[ -x "$NONO" ] || { echo "rollback.sh: no nono at $NONO (build it, or set NONO)" >&2; exit 2; }

work=$(mktemp -d "${BENCH_TMP:-/tmp}/nono-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" PATH=/usr/local/bin:/usr/bin:/bin
unset XDG_STATE_HOME
mkdir -p "$HOME" "$work/w"
cd "$work"
python3 - <<'PY'
import os
for i in range(5000):
    with open("w/f%d" % i, "wb") as f:
        f.write(os.urandom(4096))
os.makedirs("big")
for d in range(100):
    os.makedirs("big/d%d" % d)
    for i in range(200):
        with open("big/d%d/f%d" % (d, i), "wb") as f:
            f.write(os.urandom(2048))
PY
rewrite="python3 -c 'import os
d = bytes(4096)
for n in os.listdir(\"w\"):
    with open(\"w/\" + n, \"wb\") as f: f.write(d)'"
append="sh -c 'for f in w/*; do echo x >> \$f; done'"
run="$NONO run --silent --allow $work"

hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$work/r1.json" \
	-n rewrite-bare "$rewrite" \
	-n rewrite-off "$run --no-rollback -- $rewrite" \
	-n rewrite-on "$run --rollback -- $rewrite" \
	-n append-off "$run --no-rollback -- $append" \
	-n append-on "$run --rollback -- $append" \
	--prepare "rm -rf $HOME/.local/state/nono" >/dev/null 2>&1

# a session on the 20,000-file tree that changes one file, against a full
# snapshot of the tree taken before the program starts
hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$work/r2.json" \
	-n start-journal "$NONO run --silent --allow $work/big --rollback -- sh -c 'echo x >> $work/big/d0/f0'" \
	-n start-snapshot "sh -c 'rm -rf $work/snap; mkdir $work/snap; cd $work/big && find . -type f -print0 | xargs -0 sha256sum > $work/snap/index && cp -a . $work/snap/objects && $NONO run --silent --allow $work/big -- sh -c \"echo x >> $work/big/d0/f0\"'" \
	--prepare "rm -rf $HOME/.local/state/nono" >/dev/null 2>&1

# restore: a session deletes all 5,000 files; each run deletes them again
# outside nono and restores
rm -rf "$HOME/.local/state/nono"
$run --rollback -- python3 -c 'import os; [os.unlink("w/" + n) for n in os.listdir("w")]'
id=$("$NONO" rollback list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])')
"$NONO" rollback restore "$id" >/dev/null
hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$work/r3.json" \
	-n restore-5000 "$NONO rollback restore $id" \
	--prepare "find $work/w -type f -delete" >/dev/null 2>&1

python3 - "$work" "$markdown" <<'PY'
import json, sys
work, md = sys.argv[1], sys.argv[2] == "true"
res = {}
for f in ("r1", "r2", "r3"):
    for r in json.load(open("%s/%s.json" % (work, f)))["results"]:
        res[r["command"]] = r
med = {n: res[n]["median"] * 1000 for n in res}
if md:
    print("| case | median ms | min ms |\n|---|---|---|")
    for n in res:
        print("| %s | %.1f | %.1f |" % (n, med[n], res[n]["min"] * 1000))
else:
    print("%-16s %10s %10s" % ("case", "median ms", "min ms"))
    for n in res:
        print("%-16s %10.1f %10.1f" % (n, med[n], res[n]["min"] * 1000))
rw = med["rewrite-on"] / med["rewrite-off"]
rb = med["rewrite-on"] / med["rewrite-bare"]
ap = med["append-on"] / med["append-off"]
st = med["start-snapshot"] / med["start-journal"]
lines = [
    "rewrite 5,000 files, rollback on/bare: %.2fx  (goal <= 1.50: %s)" % (rb, "PASS" if rb <= 1.5 else "MISS"),
    "rewrite 5,000 files, rollback on/off:  %.2fx; +%.1f us a file over %.1f us"
    % (rw, (med["rewrite-on"] - med["rewrite-off"]) * 1000 / 5000, med["rewrite-off"] * 1000 / 5000),
    "append loop, rollback on/off:         %.2fx  (worst case: a mediated open per %.0f us of work)"
    % (ap, med["append-off"] * 1000 / 5000),
    "20,000-file tree: full snapshot first is %.1fx slower than journaling" % st,
    "restore of 5,000 files: %.0f ms" % med["restore-5000"],
]
print(("\n" if md else "\n") + "\n".join(("- " if md else "") + l for l in lines))
PY
