#!/usr/bin/env bats
# As the unprivileged user nonotest: Unix permissions allow everything tried
# here (the user owns the files and processes), the sandbox must not. Root
# bypasses file permissions, so this is where the sandbox alone shows.
load helpers
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	ensure_test_user
	USER_HOME="$SCRATCH/uhome"
	mkdir -p "$USER_HOME/.ssh" "$USER_HOME/proj" "$USER_HOME/other"
	echo "USER-SECRET-$$" > "$USER_HOME/.ssh/id_rsa"
	chmod 600 "$USER_HOME/.ssh/id_rsa"
	echo keep > "$USER_HOME/proj/f"
	echo "other-data" > "$USER_HOME/other/readme"
	chown -R "$TEST_USER" "$USER_HOME"
	chmod 755 "$SCRATCH"
	cd "$USER_HOME/proj" || return 1
}
teardown() { common_teardown; }

# user_run ARGS...: nono run as the test user with proj writable
user_run() { as_user timeout 30 "$NONO" run --silent --allow "$USER_HOME/proj" "$@"; }

@test "the user's own 0600 secret: readable outside, not inside" {
	run as_user cat "$USER_HOME/.ssh/id_rsa"
	[ "$output" = "USER-SECRET-$$" ]
	run user_run -- cat "$USER_HOME/.ssh/id_rsa"
	[[ "$output" != *USER-SECRET* ]]
	[[ "$output" == *"Permission denied"* ]]
	# even with the parent granted
	run as_user timeout 30 "$NONO" run --silent --allow "$USER_HOME" -- cat "$USER_HOME/.ssh/id_rsa"
	[[ "$output" != *USER-SECRET* ]]
}

@test "the user's own file in the writable grant cannot be deleted or renamed away" {
	run user_run --no-delete -- python3 -c "
import os
for name, op in (('unlink', lambda: os.unlink('$USER_HOME/proj/f')),
                 ('rename', lambda: os.rename('$USER_HOME/proj/f', '$USER_HOME/proj/g')),
                 ('truncate', lambda: os.truncate('$USER_HOME/proj/f', 0))):
    try:
        op(); print(name, 'DONE')
    except OSError as e: print(name, 'errno', e.errno)"
	[ "$(echo "$output" | grep -c 'errno 13')" -eq 3 ]
	[[ "$output" != *DONE* ]]
	[ -f "$USER_HOME/proj/f" ]
	[ "$(cat "$USER_HOME/proj/f")" = keep ]
	[ ! -e "$USER_HOME/proj/g" ]
	# Unix permissions would have allowed it: the user owns file and directory
	[ "$(stat -c %U "$USER_HOME/proj" "$USER_HOME/proj/f" | sort -u)" = "$TEST_USER" ]
}

@test "writing outside the grants to a directory the user owns fails" {
	run user_run -- sh -c "echo x > '$USER_HOME/other/new'; echo y >> '$USER_HOME/other/readme'; mkdir '$USER_HOME/other/d'"
	[[ "$output" == *"Permission denied"* ]]
	[ ! -e "$USER_HOME/other/new" ]
	[ ! -e "$USER_HOME/other/d" ]
	[ "$(cat "$USER_HOME/other/readme")" = other-data ]
	# the same write outside the sandbox works
	run as_user sh -c "echo x > '$USER_HOME/other/new'"
	[ "$(cat "$USER_HOME/other/new")" = x ]
}

@test "the sandbox applies unprivileged: no_new_privs, seccomp, Landlock on an owned file" {
	run user_run -- sh -c "grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status; id -u; cat '$USER_HOME/other/readme'"
	[[ "$output" == *"NoNewPrivs:	1"* ]]
	[[ "$output" == *"Seccomp:	2"* ]]
	[[ "$output" == *"$(id -u "$TEST_USER")"* ]]
	# readable by Unix permissions, not granted: Landlock refuses it
	[[ "$output" != *other-data* ]]
	[[ "$output" == *"Permission denied"* ]]
}

@test "--block-net: TCP connect fails with EACCES as non-root too, nothing arrives" {
	timeout 20 python3 -c "
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', 0)); s.listen(5)
open('$SCRATCH/port', 'w').write(str(s.getsockname()[1]) + '\n')
s.settimeout(15)
while True:
    c, _ = s.accept(); c.settimeout(2)
    try: data = c.recv(100)
    except Exception: data = b''
    open('$SCRATCH/got', 'ab').write(b'conn:' + data + b'\n')" &
	listener=$!
	BG_PIDS="$listener"
	for _ in $(seq 100); do grep -q . "$SCRATCH/port" 2>/dev/null && break; sleep 0.05; done
	port=$(head -n1 "$SCRATCH/port")
	# outside the sandbox the user reaches the listener
	run as_user timeout 10 python3 -c "
import socket; socket.create_connection(('127.0.0.1', $port), timeout=5).sendall(b'outside-ok')"
	run user_run --block-net -- python3 -c "
import socket
try:
    socket.create_connection(('127.0.0.1', $port), timeout=5).sendall(b'leak'); print('CONNECTED')
except OSError as e: print('tcp errno', e.errno)
try:
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM); print('udp ALLOWED')
except OSError as e: print('udp errno', e.errno)"
	sleep 0.5
	kill "$listener" 2>/dev/null || true
	[[ "$output" == *"tcp errno 13"* ]]
	[[ "$output" == *"udp errno 13"* ]]
	[[ "$output" != *CONNECTED* ]]
	grep -q "conn:outside-ok" "$SCRATCH/got"
	! grep -q leak "$SCRATCH/got" || false
}

@test "the user's own processes outside cannot be signalled or inspected" {
	# same uid: Unix would allow kill and /proc/PID/environ
	as_user env USER_ENV_SECRET=user-env-secret-$$ sh -c "echo \$\$ > '$USER_HOME/victim'; exec sleep 30" &
	for _ in $(seq 100); do grep -q . "$USER_HOME/victim" 2>/dev/null && break; sleep 0.05; done
	victim=$(head -n1 "$USER_HOME/victim")
	[ -n "$victim" ]
	[ "$(stat -c %U "/proc/$victim")" = "$TEST_USER" ]
	BG_PIDS="$victim"
	run as_user sh -c "tr '\0' '\n' < /proc/$victim/environ"
	[[ "$output" == *user-env-secret-$$* ]]
	run user_run -- sh -c "kill -0 $victim; echo kill=\$?; cat /proc/$victim/environ; echo env=\$?"
	alive=0
	kill -0 "$victim" && alive=1
	kill "$victim" 2>/dev/null || true
	[ "$alive" -eq 1 ]
	[[ "$output" == *"kill=1"* ]]
	[[ "$output" == *"env=1"* ]]
	[[ "$output" != *user-env-secret* ]]
}

@test "the hardening filter applies unprivileged: ptrace of the user's own child is refused" {
	py="
import ctypes, os, subprocess
libc = ctypes.CDLL(None, use_errno=True)
p = subprocess.Popen(['sleep', '10'])
r = libc.ptrace(16, p.pid, 0, 0); print('attach', r, ctypes.get_errno())
p.kill()"
	# outside, the user may trace its own child
	run as_user timeout 20 python3 -c "$py"
	[[ "$output" == *"attach 0 0"* ]]
	run user_run -- python3 -c "$py"
	[[ "$output" == *"attach -1 1"* ]]
}

@test "setuid programs gain no privileges (no_new_privs)" {
	cc -O0 -o "$SCRATCH/showid" "$BATS_TEST_DIRNAME/fixtures/showid.c" || skip "no C compiler"
	chown root:root "$SCRATCH/showid"
	chmod 4755 "$SCRATCH/showid"
	run as_user "$SCRATCH/showid"
	[ "$output" = "ruid=$(id -u "$TEST_USER") euid=0" ] || skip "setuid not honoured on this filesystem"
	run user_run --read "$SCRATCH" -- "$SCRATCH/showid"
	[ "$output" = "ruid=$(id -u "$TEST_USER") euid=$(id -u "$TEST_USER")" ]
	if [ -u /usr/bin/passwd ]; then
		# passwd -S reads the password ageing from /etc/shadow thanks to its
		# setuid bit; without the privilege it only has /etc/passwd
		outside=$(as_user timeout 10 /usr/bin/passwd -S "$TEST_USER")
		[ "$(echo "$outside" | wc -w)" -gt 2 ]
		run as_user timeout 10 "$NONO" run --silent -- /usr/bin/passwd -S "$TEST_USER"
		[ "$output" != "$outside" ]
		[ "$(echo "$output" | wc -w)" -le 2 ]
	fi
}

@test "su is refused inside the sandbox and yields no root shell" {
	[ -x /usr/bin/su ] || skip "no su"
	run user_run --strict-exec -- sh -c "echo | su -c 'id -u > $USER_HOME/proj/su-ran' root; echo rc=\$?"
	[[ "$output" != *"rc=0"* ]]
	[[ "$output" == *blocked* ]]
	[ ! -e "$USER_HOME/proj/su-ran" ]
}

@test "rollback as the user: a read-only directory and a 0600 file come back, the store is the user's" {
	mkdir -p "$USER_HOME/proj/ro"
	echo private > "$USER_HOME/proj/ro/p.txt"
	chmod 600 "$USER_HOME/proj/ro/p.txt"
	chown -R "$TEST_USER" "$USER_HOME/proj"
	run user_run --allow-delete -- python3 -c '
import os
os.unlink("ro/p.txt")
os.chmod("ro", 0o500)'
	[ ! -e "$USER_HOME/proj/ro/p.txt" ]
	run as_user "$NONO" rollback restore last
	[ "$status" -eq 0 ]
	[ "$(cat "$USER_HOME/proj/ro/p.txt")" = private ]
	[ "$(stat -c '%a %U' "$USER_HOME/proj/ro/p.txt")" = "600 $TEST_USER" ]
	[ "$(stat -c %a "$USER_HOME/proj/ro")" = 755 ]
	store="$USER_HOME/.local/state/nono/rollback"
	[ "$(stat -c '%a %U' "$store")" = "700 $TEST_USER" ]
	[ -z "$(find "$store" ! -user "$TEST_USER")" ]
}

@test "rollback restored by root gives the user's files back to the user" {
	echo mine > "$USER_HOME/proj/owned.txt"
	chown "$TEST_USER" "$USER_HOME/proj/owned.txt"
	run user_run --allow-delete -- python3 -c 'import os; os.unlink("owned.txt")'
	[ ! -e "$USER_HOME/proj/owned.txt" ]
	id=$(ls "$USER_HOME/.local/state/nono/rollback" | grep -v objects)
	run env HOME="$USER_HOME" "$NONO" rollback restore "$id"
	[ "$status" -eq 0 ]
	[ "$(cat "$USER_HOME/proj/owned.txt")" = mine ]
	[ "$(stat -c %U "$USER_HOME/proj/owned.txt")" = "$TEST_USER" ]
}
