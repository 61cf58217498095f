#!/usr/bin/env bash
# audit.sh - what the audit trail costs: an exec-heavy loop (500 execs of
# /bin/true; each is one audit record) and a bare launch, each under nono
# with and without --no-audit, in one hyperfine run. Reports the ratio.
#
#   bench/audit.sh [--markdown]       RUNS=20 by default; NONO=path/to/nono
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
NONO=${NONO:-$here/../_build/nono}
RUNS=${RUNS:-20}
markdown=false
[ "${1:-}" = --markdown ] && markdown=true
for tool in hyperfine python3; do
	command -v "$tool" >/dev/null || { echo "audit.sh: $tool is needed" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/proj" "$work/home"
cd "$work/proj"
# the store lands in the scratch home, not the user's
export HOME="$work/home" PATH=/usr/local/bin:/usr/bin:/bin
unset XDG_STATE_HOME
# shellcheck disable=SC2016 # expanded by the inner shell
loop='for i in $(seq 500); do /bin/true; done'
nn="$NONO run --silent --allow ."

hyperfine --warmup 2 --runs "$RUNS" --export-json "$work/r.json" \
	-n "loop audit" "$nn -- sh -c '$loop'" \
	-n "loop no-audit" "$nn --no-audit -- sh -c '$loop'" \
	-n "launch audit" "$nn -- /bin/true" \
	-n "launch no-audit" "$nn --no-audit -- /bin/true" >/dev/null
events=$(find "$HOME/.local/state/nono/audit" -name events.ndjson -exec cat {} + | wc -l)

python3 - "$work/r.json" "$markdown" "$events" <<'PY'
import json, sys
r = {x["command"]: (x["median"] * 1000, x["stddev"] * 1000) for x in json.load(open(sys.argv[1]))["results"]}
md = sys.argv[2] == "true"
if md:
    print("| workload | audit ms | --no-audit ms | audit/no-audit | per event |\n|---|---|---|---|---|")
for w, n in (("loop", 502), ("launch", 2)):
    a, na = r[w + " audit"][0], r[w + " no-audit"][0]
    per = (a - na) / n * 1000
    row = (w, a, na, a / na, per)
    print(("| %s | %.1f | %.1f | %.3f | %+.0f us |" if md else "%-7s audit %8.1f ms  --no-audit %8.1f ms  ratio %.3f  %+.0f us per event") % row)
print(("- " if md else "") + "%s audit records written in all" % sys.argv[3])
PY
