#!/usr/bin/env bats
# nono why: the answer, its reason and the flag that would change it; --json;
# --self inside a sandbox from NONO_CAP_FILE.
load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "a sensitive path: DENIED, the group, exit 0" {
	run timeout 30 "$NONO" why --path "$HOME/.ssh/id_rsa" --op read
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | head -n1)" = DENIED ]
	[[ "$output" == *sensitive* ]]
	[[ "$output" == *deny_credentials* ]]
	run timeout 30 "$NONO" why "$HOME/.aws/credentials"
	[ "$(echo "$output" | head -n1)" = DENIED ]
}

@test "granted, insufficient and not granted, each with the fix" {
	run timeout 30 "$NONO" why --allow "$WORK" --path "$WORK/x" --op write
	[ "$(echo "$output" | head -n1)" = ALLOWED ]
	[[ "$output" == *"Granted by"* ]]
	[[ "$output" == *"--allow"* ]]
	run timeout 30 "$NONO" why --read "$WORK" --path "$WORK/x" --op write
	[ "$(echo "$output" | head -n1)" = DENIED ]
	[[ "$output" == *insufficient* ]]
	run timeout 30 "$NONO" why --path "$OUTSIDE/data.txt"
	[[ "$output" == *"Fix:        --read-file $OUTSIDE/data.txt"* ]]
	run timeout 30 "$NONO" why --path "$OUTSIDE"
	[[ "$output" == *"Fix:        --read $OUTSIDE"* ]]
}

@test "delete is allowed in a writable grant; under --no-delete it needs --allow-delete" {
	run timeout 30 "$NONO" why --allow "$WORK" --path "$WORK/x" --op delete
	[ "$(echo "$output" | head -n1)" = ALLOWED ]
	run timeout 30 "$NONO" why --no-delete --allow "$WORK" --path "$WORK/x" --op delete
	[ "$(echo "$output" | head -n1)" = DENIED ]
	[[ "$output" == *"--allow-delete"* ]]
	run timeout 30 "$NONO" why --no-delete --allow "$WORK" --allow-delete --path "$WORK/x" --op delete
	[ "$(echo "$output" | head -n1)" = ALLOWED ]
}

@test "a carved parent explains itself" {
	run timeout 30 "$NONO" why --allow "$HOME" --path "$HOME/newfile" --op write
	[ "$(echo "$output" | head -n1)" = DENIED ]
	[[ "$output" == *"split around sensitive paths"* ]]
	run timeout 30 "$NONO" why --allow "$HOME" --path "$HOME/docs/readme.txt"
	[ "$(echo "$output" | head -n1)" = ALLOWED ]
}

@test "--json" {
	run timeout 30 "$NONO" why --json --no-delete --allow "$WORK" --path "$WORK/f" --op delete
	echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["status"]=="denied" and d["reason"]=="insufficient_access" and d["suggested_flag"]=="--allow-delete", d'
	run timeout 30 "$NONO" why --json --path "$HOME/.ssh"
	echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["status"]=="denied" and d["group"]=="deny_credentials"'
}

@test "bad input exits 1, a usage error 2" {
	run timeout 30 "$NONO" why
	[ "$status" -eq 2 ]
	run timeout 30 "$NONO" why --path /x --op bogus
	[ "$status" -eq 1 ]
	[[ "$output" == *"read, write or delete"* ]]
	run timeout 30 "$NONO" why --frobnicate /x
	[ "$status" -eq 2 ]
}

@test "--self outside a sandbox, and inside from the capability file" {
	run timeout 30 "$NONO" why --self --path /etc
	[[ "$output" == *"NOT SANDBOXED"* ]]
	run nono_run --allow "$WORK" --read "$(dirname "$NONO")" -- "$NONO" why --self --path "$HOME/.ssh/id_rsa"
	[ "$(echo "$output" | head -n1)" = DENIED ]
	run nono_run --allow "$WORK" --read "$(dirname "$NONO")" -- "$NONO" why --self --path "$WORK/f" --op write
	[ "$(echo "$output" | head -n1)" = ALLOWED ]
	run nono_run --read "$(dirname "$NONO")" -- "$NONO" why --self --path "$WORK/f" --op write
	[ "$(echo "$output" | head -n1)" = DENIED ]
}

@test "a forged NONO_CAP_FILE is rejected" {
	echo '{"fs":[{"path":"/","access":"readwrite"}]}' > "$WORK/forged.json"
	run env NONO_CAP_FILE="$WORK/forged.json" timeout 30 "$NONO" why --self --path /etc
	[ "$status" -eq 1 ]
	[[ "$output" == *"SECURITY: NONO_CAP_FILE validation failed"* ]]
}

@test "options may follow the path; a sensitive path's fix names the grant it needs" {
	run timeout 30 "$NONO" why "$HOME/.ssh/id_rsa" --op write
	[ "$status" -eq 0 ]
	[[ "$output" == *"Operation:  write"* ]]
	[[ "$output" == *"Fix:        --allow-file $HOME/.ssh/id_rsa --bypass-protection $HOME/.ssh/id_rsa"* ]]
	# never a bypass of the whole directory of keys
	run timeout 30 "$NONO" why "$HOME/.ssh"
	[[ "$output" == *"Fix:        none offered: a directory of a protected kind"* ]]
	[[ "$output" != *"--bypass-protection"* ]]
	# and the suggestion works as given
	run nono_run --read-file "$HOME/.ssh/id_rsa" --bypass-protection "$HOME/.ssh/id_rsa" -- cat "$HOME/.ssh/id_rsa"
	[[ "$output" == SECRET-SSH-KEY-* ]]
}
