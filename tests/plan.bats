#!/usr/bin/env bats
# One plan per launch: --dry-run (text and JSON) and the capability file a
# real launch writes are views of the same plan, so --dry-run lists
# everything the launch enforces, records and mediates.
load helpers
bats_require_minimum_version 1.5.0

setup() { common_setup; }
teardown() { common_teardown; }

# the keys both documents carry, with the rules the launch itself adds (its
# private TMPDIR, the capability file) left out of the real one
compare_plan_and_capfile() {
	python3 - "$1" "$2" <<'PY'
import json, sys
plan, caps = (json.load(open(p)) for p in sys.argv[1:3])
own = {"private TMPDIR", "NONO_CAP_FILE"}
caps["fs"] = [r for r in caps["fs"] if r["source"] not in own]
keys = ["fs", "denied", "carved", "net_blocked", "net_proxy_hosts", "net_proxy_port", "unix_sockets",
        "allow_delete", "pid_namespace", "allowed_commands", "blocked_commands", "groups",
        "bypass_protection_paths", "workdir", "landlock_abi", "rollback", "audit", "mediated"]
for k in keys:
    assert k in plan, "--dry-run --json lacks " + k
    assert k in caps, "the capability file lacks " + k
    assert plan[k] == caps[k], "%s differs:\n  --dry-run: %r\n  capfile:   %r" % (k, plan[k], caps[k])
PY
}

@test "--dry-run --json lists what the capability file of a real launch holds: grants, denies, network, UNIX sockets, rollback, mediated calls" {
	mkdir -p "$WORK/d"
	args=(--allow "$WORK/d" --read "$HOME/docs" --allow-unix-socket "$WORK/s.sock" --block-net --rollback
		--rollback-exclude node_modules --allow-command rm --block-command curl --allow-delete --strict-exec)
	run -0 --separate-stderr "$NONO" run --dry-run --json "${args[@]}" -- true
	printf '%s\n' "$output" >"$SCRATCH/plan.json"
	run -0 --separate-stderr nono_run "${args[@]}" -- sh -c 'cat "$NONO_CAP_FILE"'
	printf '%s\n' "$output" >"$SCRATCH/caps.json"
	run compare_plan_and_capfile "$SCRATCH/plan.json" "$SCRATCH/caps.json"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	# what they hold is what was asked
	python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
assert d["unix_sockets"] == [sys.argv[2]], d["unix_sockets"]
assert d["rollback"] == {"enabled": True, "exclude": ["node_modules"]}, d["rollback"]
assert d["net_blocked"] and d["allow_delete"] and d["audit"]
assert "unlink" in d["mediated"] and "listen" in d["mediated"] and "execve" in d["mediated"]' \
		"$SCRATCH/caps.json" "$WORK/s.sock"
}

@test "the same in proxy mode, without audit or rollback" {
	args=(--allow "$WORK" --allow-domain example.com --no-audit --no-rollback)
	run -0 --separate-stderr "$NONO" run --dry-run --json "${args[@]}" -- true
	printf '%s\n' "$output" >"$SCRATCH/plan.json"
	run -0 --separate-stderr nono_run "${args[@]}" -- sh -c 'cat "$NONO_CAP_FILE"'
	printf '%s\n' "$output" >"$SCRATCH/caps.json"
	# the proxy's port is chosen when it starts: a dry run has none
	python3 -c 'import json,sys
p, c = (json.load(open(f)) for f in sys.argv[1:3])
assert p["net_proxy_port"] == 0 and c["net_proxy_port"] > 0
p["net_proxy_port"] = c["net_proxy_port"]
json.dump(p, open(sys.argv[1], "w"))' "$SCRATCH/plan.json" "$SCRATCH/caps.json"
	run compare_plan_and_capfile "$SCRATCH/plan.json" "$SCRATCH/caps.json"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
}

@test "--dry-run lists the UNIX sockets it lets the sandbox connect to" {
	run -0 "$NONO" run --dry-run --allow-unix-socket "$WORK/a.sock" --allow-unix-socket "$WORK/b.sock" -- true
	[[ "$output" == *"Sockets:   $WORK/a.sock"$'\n'"           $WORK/b.sock"* ]]
}
