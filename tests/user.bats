#!/usr/bin/env bats
# As an unprivileged user: Unix permissions would allow these, the sandbox
# must not (root bypasses permissions, so this is where the difference shows).
load helpers

setup() {
	common_setup
	ensure_test_user
	USER_HOME="$SCRATCH/uhome"
	mkdir -p "$USER_HOME/.ssh" "$USER_HOME/proj" "$USER_HOME/other"
	echo "USER-SECRET" > "$USER_HOME/.ssh/id_rsa"
	chmod 600 "$USER_HOME/.ssh/id_rsa"
	echo keep > "$USER_HOME/proj/f"
	chown -R "$TEST_USER" "$USER_HOME"
}
teardown() { common_teardown; }

@test "the user's own secret is unreadable in the sandbox, readable outside" {
	run as_user cat "$USER_HOME/.ssh/id_rsa"
	[ "$output" = USER-SECRET ]
	run as_user timeout 30 "$NONO" run --silent --allow "$USER_HOME/proj" -- cat "$USER_HOME/.ssh/id_rsa"
	[[ "$output" != *USER-SECRET* ]]
	[[ "$output" == *"Permission denied"* ]]
}

@test "the user's own file in a writable grant cannot be deleted or truncated" {
	run as_user timeout 30 "$NONO" run --no-delete --silent --allow "$USER_HOME/proj" -- \
		python3 -c "import os
for op in (lambda: os.unlink('$USER_HOME/proj/f'), lambda: os.truncate('$USER_HOME/proj/f', 0)):
    try: op(); print('DONE')
    except PermissionError: print('refused')"
	[ "$(echo "$output" | grep -c refused)" -eq 2 ]
	[ "$(cat "$USER_HOME/proj/f")" = keep ]
}

@test "writing to the user's own directory outside the grants fails" {
	run as_user timeout 30 "$NONO" run --silent --allow "$USER_HOME/proj" -- sh -c "echo x > $USER_HOME/other/x"
	[[ "$output" == *"Permission denied"* ]]
	[ ! -e "$USER_HOME/other/x" ]
}

@test "--block-net holds for an unprivileged user" {
	run as_user timeout 30 "$NONO" run --silent --block-net -- python3 -c "
import socket
try:
    socket.create_connection(('127.0.0.1', 22), timeout=2); print('CONNECTED')
except OSError as e: print('errno', e.errno)"
	[[ "$output" == *"errno 13"* ]]
}

@test "no_new_privs: a setuid program gains nothing" {
	cp /usr/bin/id "$SCRATCH/suid-id"
	chmod 4755 "$SCRATCH/suid-id"
	run as_user "$SCRATCH/suid-id" -u
	[ "$output" = 0 ] || skip "setuid not honoured on this mount"
	run as_user timeout 30 "$NONO" run --silent --read "$SCRATCH" -- "$SCRATCH/suid-id" -u
	[ "$output" != 0 ]
	[ "$output" = "$(id -u "$TEST_USER")" ]
}
