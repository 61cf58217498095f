#!/usr/bin/env bats
# nono why: ALLOWED or DENIED on the first line, the reason, the flag that
# would change the answer; --json; --self inside a sandbox reads
# NONO_CAP_FILE. Exit 0 either way, 1 on bad input.
load helpers
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	NONO_DIR="$(dirname "$NONO")"
}
teardown() { common_teardown; }

why() { timeout 30 "$NONO" why "$@"; }

# in_sandbox ARGS... -- nono why --self ...: run nono why inside a sandbox
# (the binary's directory must be readable there)
self_why() { nono_run --allow "$WORK" --read "$NONO_DIR" -- "$NONO" why --self "$@"; }

@test "a sensitive path is DENIED: sensitive, deny_credentials, exit 0" {
	run why --path "$HOME/.ssh/id_rsa"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = DENIED ]
	[[ "$output" == *sensitive* ]]
	[[ "$output" == *deny_credentials* ]]
	[[ "$output" == *"Fix:"* ]]
	# the file really is unreadable in such a sandbox
	run nono_run -- cat "$HOME/.ssh/id_rsa"
	[[ "$output" != *SECRET-SSH-KEY* ]]
}

@test "the positional form answers like --path" {
	run why "$HOME/.aws/credentials"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = DENIED ]
	[[ "$output" == *deny_credentials* ]]
	run why --allow "$WORK" --op write "$WORK/x"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = ALLOWED ]
}

@test "--allow DIR: write beneath it is ALLOWED, Granted by the grant" {
	run why --allow "$WORK" --path "$WORK/x" --op write
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = ALLOWED ]
	[[ "$output" == *"Granted by"*"$WORK"*"--allow"* ]]
	# and the sandbox agrees
	nono_run --allow "$WORK" -- sh -c "echo w > '$WORK/x'"
	[ "$(cat "$WORK/x")" = w ]
}

@test "--read DIR: write is DENIED as insufficient, Fix --allow" {
	run why --read "$WORK" --path "$WORK/x" --op write
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = DENIED ]
	[[ "$output" == *insufficient* ]]
	[[ "$output" == *"Fix:"*"--allow $WORK"* ]]
	run nono_run --read "$WORK" -- sh -c "echo w > '$WORK/x'"
	[ ! -e "$WORK/x" ]
}

@test "an ungranted file: DENIED, Fix --read-file; an ungranted directory: Fix --read" {
	run why --path "$OUTSIDE/data.txt"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = DENIED ]
	[[ "$output" =~ Fix:\ +--read-file\ $OUTSIDE/data.txt ]]
	run why --path "$OUTSIDE"
	[ "${lines[0]}" = DENIED ]
	[[ "$output" =~ Fix:\ +--read\ $OUTSIDE ]]
	# following the advice works
	run nono_run --read-file "$OUTSIDE/data.txt" -- cat "$OUTSIDE/data.txt"
	[ "$output" = outside-data ]
}

@test "--op delete: ALLOWED and journaled by default; under --no-delete DENIED with Fix --allow-delete" {
	run why --allow "$WORK" --path "$WORK/x" --op delete
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = ALLOWED ]
	[[ "$output" == *"Mode:       writable means writable"*"rollback journal keeps what is destroyed"* ]]
	run why --no-delete --allow "$WORK" --path "$WORK/x" --op delete
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = DENIED ]
	[[ "$output" == *"Fix:"*"--allow-delete"* ]]
	run why --no-delete --allow "$WORK" --path "$WORK/x" --op write
	[ "${lines[0]}" = ALLOWED ]
	[[ "$output" == *"Mode:       --no-delete: the kernel refuses deleting, renaming away and truncating here"* ]]
	run why --no-delete --allow "$WORK" --allow-delete --path "$WORK/x" --op delete
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = ALLOWED ]
	[[ "$output" == *"Granted by"* ]]
}

@test "a symlink or .. into a sensitive directory is DENIED like the target" {
	ln -s "$HOME/.ssh/id_rsa" "$WORK/innocent"
	run why --allow "$WORK" --path "$WORK/innocent"
	[ "${lines[0]}" = DENIED ]
	[[ "$output" == *deny_credentials* ]]
	run why --allow "$SCRATCH" --path "$WORK/../home/.ssh/id_rsa"
	[ "${lines[0]}" = DENIED ]
	[[ "$output" == *deny_credentials* ]]
	# a grant of the parent does not reach it either
	run why --allow "$HOME" --path "$HOME/.ssh/id_rsa"
	[ "${lines[0]}" = DENIED ]
}

@test "--json: status, reason, suggested_flag" {
	run why --json --path "$HOME/.ssh/id_rsa"
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["status"] == "denied", d
assert d["reason"] and "sensitive" in d["reason"], d
assert d["group"] == "deny_credentials", d
assert "--bypass-protection" in d["suggested_flag"], d'
	run why --json --allow "$WORK" --path "$WORK/x" --op write
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["status"] == "allowed" and d["reason"] == "granted_path", d
assert "suggested_flag" in d, d
# upstream names: where the grant comes from is "user"; nono says which flag beside it
assert d["source"] == "user" and d["origin"] == "--allow" and d["access"] == "read+write+delete", d'
	# under --no-delete a writable grant may not delete: the grant that matched
	run why --json --no-delete --allow "$WORK" --path "$WORK/x" --op delete
	echo "$output" | pyjson "
m = d['matching_capability']
assert d['status'] == 'denied' and d['reason'] == 'insufficient_access', d
assert m == {'path': '$WORK', 'access': 'read+write', 'source': 'user'}, d"
	run why --json --path /usr/bin/true
	echo "$output" | pyjson "assert d['source'].startswith('group:') and d['origin'] == d['source'], d"
	run why --json --path "$HOME/.ssh/id_rsa"
	echo "$output" | pyjson "assert d['policy_source'] == 'group:deny_credentials' and d['details'].startswith(\"Blocked by policy group 'deny_credentials'\"), d"
	run why --json --path "$OUTSIDE/data.txt"
	echo "$output" | python3 -c "
import json, sys
d = json.load(sys.stdin)
assert d['status'] == 'denied' and d['reason'], d
assert d['suggested_flag'] == '--read-file $OUTSIDE/data.txt', d"
	run why --json --no-delete --allow "$WORK" --path "$WORK/x" --op delete
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["status"] == "denied" and d["suggested_flag"] == "--allow-delete", d'
	run why --json --allow "$WORK" --path "$WORK/x" --op delete
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["status"] == "allowed" and "journal" in d["delete_mode"], d'
}

@test "bad input exits 1 and says why (--op bogus); usage errors exit 2 (no path, unknown flag, two paths)" {
	run why
	[ "$status" -eq 2 ]
	[[ "$output" == *path* ]]
	run why --path "$WORK/x" --op bogus
	[ "$status" -eq 1 ]
	[[ "$output" == *bogus* ]]
	[[ "$output" != *ALLOWED* ]]
	[[ "$output" != *DENIED* ]]
	run why --frobnicate "$WORK/x"
	[ "$status" -eq 2 ]
	[[ "$output" == *frobnicate* ]]
	run why --path "$WORK/x" "$WORK/y"
	[ "$status" -eq 2 ]
}

@test "--self outside a sandbox prints NOT SANDBOXED" {
	run why --self --path "$HOME/.ssh/id_rsa"
	[[ "$output" == *"NOT SANDBOXED"* ]]
	[[ "$output" != *ALLOWED* ]]
}

@test "--self inside: DENIED for a secret, ALLOWED for a write grant, from NONO_CAP_FILE" {
	run self_why --path "$HOME/.ssh/id_rsa"
	[ "${lines[0]}" = DENIED ]
	[[ "$output" == *deny_credentials* ]]
	run self_why --path "$WORK/f" --op write
	[ "${lines[0]}" = ALLOWED ]
	[[ "$output" == *"Granted by"*"$WORK"* ]]
	run self_why --path "$WORK/f" --op delete
	[ "${lines[0]}" = ALLOWED ]
	[[ "$output" == *"rollback journal"* ]]
	run nono_run --no-delete --allow "$WORK" --read "$NONO_DIR" -- "$NONO" why --self --path "$WORK/f" --op delete
	[ "${lines[0]}" = DENIED ]
	[[ "$output" == *"--allow-delete"* ]]
	run self_why --json --path "$OUTSIDE/data.txt"
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin); assert d["status"] == "denied", d'
}

@test "--self answers for the sandbox it runs in, not for flags given to why" {
	# the sandbox has no grant on $OUTSIDE: a --allow passed to why cannot make it ALLOWED
	run nono_run --read "$NONO_DIR" -- "$NONO" why --self --allow "$OUTSIDE" --path "$OUTSIDE/data.txt" --op write
	[ "${lines[0]}" = DENIED ]
	run nono_run --read "$NONO_DIR" -- "$NONO" why --self --path "$WORK/f" --op write
	[ "${lines[0]}" = DENIED ]
}

@test "--self agrees with what the sandbox actually does" {
	run nono_run --allow "$WORK" --read "$NONO_DIR" -- sh -c "
for p in '$WORK/new write' '$OUTSIDE/data.txt read' '$HOME/.ssh/id_rsa read' '$HOME/docs/readme.txt read'; do
	set -- \$p
	echo \"\$1 \$2 \$('$NONO' why --self --path \$1 --op \$2 | head -n1)\"
done
echo new > '$WORK/new' && echo 'did $WORK/new write'
cat '$OUTSIDE/data.txt' >/dev/null 2>&1 && echo 'did $OUTSIDE/data.txt read'
cat '$HOME/.ssh/id_rsa' >/dev/null 2>&1 && echo 'did $HOME/.ssh/id_rsa read'
cat '$HOME/docs/readme.txt' >/dev/null 2>&1 && echo 'did $HOME/docs/readme.txt read'
true"
	[[ "$output" == *"$WORK/new write ALLOWED"* ]]
	[[ "$output" == *"did $WORK/new write"* ]]
	[[ "$output" == *"$OUTSIDE/data.txt read DENIED"* ]]
	[[ "$output" != *"did $OUTSIDE/data.txt read"* ]]
	[[ "$output" == *"$HOME/.ssh/id_rsa read DENIED"* ]]
	[[ "$output" != *"did $HOME/.ssh/id_rsa read"* ]]
	[[ "$output" == *"$HOME/docs/readme.txt read DENIED"* ]]
	[[ "$output" != *"did $HOME/docs/readme.txt read"* ]]
}
