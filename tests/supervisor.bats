#!/usr/bin/env bats
# The supervisor: every exec in the sandbox is checked against the command
# blocklist (no LD_PRELOAD: seccomp user notification), metadata changes
# Landlock leaves open are refused outside writable grants, UNIX sockets are
# reachable only when granted, and the sandbox dies with its supervisor.
load helpers
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	echo keep > "$WORK/f"
	mkdir -p "$WORK/tree/sub"
	echo t > "$WORK/tree/sub/x"
}
teardown() { common_teardown; }

@test "a blocked command run by a child is refused, whatever the route" {
	for cmd in "rm $WORK/f" "bash -c 'rm -rf $WORK/tree'" "/usr/bin/rm $WORK/f" \
		"find $WORK/tree -name x -exec rm {} +" "env rm $WORK/f" "python3 -c 'import os; os.execv(\"/bin/rm\", [\"rm\", \"$WORK/f\"])'"; do
		run nono_run --strict-exec --allow "$WORK" --allow-delete -- sh -c "$cmd"
		[ "$status" -ne 0 ]
		[[ "$output" == *"command 'rm' is blocked (file destruction)"* ]]
		[[ "$output" == *"--allow-command rm"* ]]
	done
	[ "$(cat "$WORK/f")" = keep ]
	[ -f "$WORK/tree/sub/x" ]
}

@test "execveat is checked too: by descriptor (fexecve) and relative to a directory" {
	run nono_run --strict-exec --allow "$WORK" --allow-delete -- python3 -c "
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
argv = (ctypes.c_char_p * 3)(b'rm', b'$WORK/f', None)
envp = (ctypes.c_char_p * 1)(None)
d = os.open('/usr/bin', os.O_PATH | os.O_DIRECTORY)
r = libc.syscall(322, d, b'rm', argv, envp, 0)
print('dirfd', r, os.strerror(ctypes.get_errno()), flush=True)
fd = os.open('/usr/bin/rm', os.O_PATH)
r = libc.syscall(322, fd, b'', argv, envp, 0x1000)
print('fd', r, os.strerror(ctypes.get_errno()), flush=True)
"
	[[ "$output" == *"dirfd -1 Operation not permitted"* ]]
	[[ "$output" == *"fd -1 Operation not permitted"* ]]
	[[ "$output" == *"command 'rm' is blocked (file destruction)"* ]]
	[ "$(cat "$WORK/f")" = keep ]
}

@test "strict exec: what xargs runs meets the blocklist (xargs itself, read-only, is not blocked)" {
	run nono_run --strict-exec --allow "$WORK" --allow-delete -- sh -c "ls $WORK/f | xargs rm"
	[[ "$output" == *"command 'rm' is blocked"* ]]
	[[ "$output" != *"command 'xargs' is blocked"* ]]
	[ -f "$WORK/f" ]
}

@test "the shim turns a refusal into one clear line and exit 126" {
	run nono_run --strict-exec --allow "$WORK" -- sh -c "rm $WORK/f; echo status=\$?"
	[[ "$output" == *"nono: command 'rm' is blocked (file destruction)"* ]]
	[[ "$output" == *"hint: restart nono with --allow-command rm"* ]]
	[[ "$output" == *status=126* ]]
	[[ "$output" != *"Operation not permitted"* ]]
}

@test "a renamed copy of a blocked program is still refused by what it resolves to" {
	ln -s /bin/rm "$WORK/harmless"
	run nono_run --strict-exec --allow "$WORK" --allow-delete -- sh -c "$WORK/harmless $WORK/f"
	[ "$status" -ne 0 ]
	[ -f "$WORK/f" ]
}

@test "--allow-command rm: rm runs, and the kernel still refuses the deletion" {
	run nono_run --no-delete --allow "$WORK" --allow-command rm -- sh -c "rm $WORK/f; echo status=\$?"
	[[ "$output" == *"Permission denied"* ]]
	[[ "$output" != *blocked* ]]
	[ -f "$WORK/f" ]
	run nono_run --no-delete --allow "$WORK" --allow-command rm --allow-delete -- sh -c "rm $WORK/f"
	[ "$status" -eq 0 ]
	[ ! -e "$WORK/f" ]
}

@test "allowed programs run normally" {
	run nono_run --allow "$WORK" -- sh -c "ls $WORK | sort | head -n1; cat $WORK/f | tr a-z A-Z"
	[[ "$output" == *KEEP* ]]
}

@test "chmod, chown, utimes and xattrs outside the writable grants are refused; the mode is unchanged" {
	chmod 600 "$HOME/.ssh/id_rsa"
	echo o > "$OUTSIDE/o"; chmod 644 "$OUTSIDE/o"
	touch -d 2001-01-01 "$OUTSIDE/o"
	run nono_run --allow "$WORK" --read "$OUTSIDE" -- python3 -c "
import os
for name, op in [('chmod-secret', lambda: os.chmod('$HOME/.ssh/id_rsa', 0o000)),
                 ('chmod-outside', lambda: os.chmod('$OUTSIDE/o', 0o777)),
                 ('chown-outside', lambda: os.chown('$OUTSIDE/o', 1, 1)),
                 ('utime-outside', lambda: os.utime('$OUTSIDE/o', (0, 0))),
                 ('xattr-outside', lambda: os.setxattr('$OUTSIDE/o', 'user.x', b'1')),
                 ('fchmod-outside', lambda: os.fchmod(os.open('$OUTSIDE/o', os.O_RDONLY), 0o777)),
                 ('chmod-inside', lambda: os.chmod('$WORK/f', 0o640))]:
    try:
        op(); print(name, 'done')
    except PermissionError as e:
        print(name, 'refused')"
	[[ "$output" == *"chmod-secret refused"* ]]
	[[ "$output" == *"chmod-outside refused"* ]]
	[[ "$output" == *"chown-outside refused"* ]]
	[[ "$output" == *"utime-outside refused"* ]]
	[[ "$output" == *"xattr-outside refused"* ]]
	[[ "$output" == *"fchmod-outside refused"* ]]
	[[ "$output" == *"chmod-inside done"* ]]
	[ "$(stat -c %a "$HOME/.ssh/id_rsa")" = 600 ]
	[ "$(stat -c %a "$OUTSIDE/o")" = 644 ]
	[ "$(stat -c %Y "$OUTSIDE/o")" = "$(date -d 2001-01-01 +%s)" ]
	[ "$(stat -c %a "$WORK/f")" = 640 ]
}

@test "UNIX sockets: refused unless granted or --allow-unix-socket" {
	sock="$OUTSIDE/agent.sock"
	python3 -c "
import socket, os, time
s = socket.socket(socket.AF_UNIX); s.bind('$sock'); s.listen(5)
s.settimeout(8)
try:
    while True:
        c, _ = s.accept(); c.sendall(b'hello-from-agent'); c.close()
except Exception: pass" &
	srv=$!
	for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.05; done
	probe="import socket
s = socket.socket(socket.AF_UNIX)
try:
    s.connect('$sock'); print(s.recv(100).decode())
except OSError as e: print('errno', e.errno)"
	run nono_run --allow "$WORK" -- python3 -c "$probe"
	[[ "$output" == *"errno 13"* ]]
	[[ "$output" != *hello-from-agent* ]]
	run nono_run --allow "$WORK" --allow-unix-socket "$sock" -- python3 -c "$probe"
	[[ "$output" == *hello-from-agent* ]]
	run nono_run --allow "$OUTSIDE" -- python3 -c "$probe"
	[[ "$output" == *hello-from-agent* ]]
	kill "$srv"
}

@test "if the supervisor dies, the sandbox dies with it" {
	# the program's pid as the host sees it ($$ inside is the PID namespace's)
	mark="nono-dies-$$-$RANDOM"
	"$NONO" run --silent --allow "$WORK" -- sh -c "echo \$TMPDIR \$NONO_CAP_FILE > $WORK/left; for i in \$(seq 200); do sleep 0.1; done; : $mark" 3>&- &
	nono_pid=$!
	for _ in $(seq 100); do [ -s "$WORK/left" ] && break; sleep 0.05; done
	child=$(pgrep -f -- "$mark" | grep -vx "$nono_pid" | head -n1)
	[ -n "$child" ]
	kill -0 "$child"
	kill -KILL "$nono_pid"
	for _ in $(seq 50); do kill -0 "$child" 2>/dev/null || break; sleep 0.05; done
	! kill -0 "$child" 2>/dev/null || false
	! pgrep -f -- "$mark" >/dev/null || false
	# a killed supervisor can't tidy up: the private TMPDIR and capability file stay
	read -r tmp cap <"$WORK/left"
	[ -d "$tmp" ]
	[ -f "$cap" ]
	rm -rf "$tmp" "$cap"
}

@test "a killed supervisor takes the whole sandbox with it, a setsid descendant included" {
	need_pidns
	"$NONO" run --silent --allow "$WORK" -- python3 -c "
import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        open('$WORK/orphan', 'w').write('up')
        for _ in range(600):
            time.sleep(0.05)
            open('$WORK/orphan.log', 'a').write('tick\\n')
        os._exit(0)
    os._exit(0)
open('$WORK/left', 'w').write(os.environ['TMPDIR'] + ' ' + os.environ['NONO_CAP_FILE'] + '\\n')
time.sleep(30)
" 3>&- &
	nono_pid=$!
	for _ in $(seq 100); do [ -s "$WORK/orphan" ] && [ -s "$WORK/left" ] && break; sleep 0.05; done
	[ -s "$WORK/orphan.log" ] || sleep 0.2
	kill -KILL "$nono_pid"
	wait "$nono_pid" || true
	sleep 0.3
	n=$(wc -l <"$WORK/orphan.log")
	sleep 0.5
	# the double-forked, setsid descendant stopped ticking: it is dead
	[ "$(wc -l <"$WORK/orphan.log")" -eq "$n" ]
	read -r tmp cap <"$WORK/left"
	rm -rf "$tmp" "$cap"
}

@test "--no-pid-ns: a descendant that outlives a killed supervisor stays confined, and its execs fail" {
	# the journal sees every create and write whatever the flags (persistence):
	# once the supervisor is gone those calls fail too (ENOSYS), so the orphan
	# opens its log while the supervisor still answers
	"$NONO" run --strict-exec --no-rollback --silent --no-pid-ns --allow "$WORK" -- python3 -c "
import os, time
if os.fork() == 0:
    os.setsid()
    out = open('$WORK/orphan.log', 'a')
    open('$WORK/orphan', 'w').write(str(os.getpid()))
    for _ in range(100):
        if os.path.exists('$WORK/killed'): break
        time.sleep(0.05)
    try:
        pid = os.fork()
        if pid == 0:
            try: os.execv('/bin/echo', ['echo', 'ran'])
            except OSError as e: out.write('exec %s\\n' % e.strerror); out.flush(); os._exit(1)
        os.waitpid(pid, 0)
    except OSError as e: out.write('fork %s\\n' % e.strerror)
    try: open('$OUTSIDE/escape', 'w')
    except OSError as e: out.write('write %s\\n' % e.strerror)
    out.write('done\\n'); out.close()
    os._exit(0)
open('$WORK/left', 'w').write(os.environ['TMPDIR'] + ' ' + os.environ['NONO_CAP_FILE'] + '\\n')
open('$WORK/up', 'w').write('up')
time.sleep(30)
" 3>&- &
	nono_pid=$!
	for _ in $(seq 100); do [ -s "$WORK/orphan" ] && [ -e "$WORK/up" ] && break; sleep 0.05; done
	kill -KILL "$nono_pid"
	wait "$nono_pid" || true
	touch "$WORK/killed"
	for _ in $(seq 100); do grep -q done "$WORK/orphan.log" 2>/dev/null && break; sleep 0.05; done
	cat "$WORK/orphan.log"
	grep -q "exec Function not implemented" "$WORK/orphan.log"
	grep -Eq "write (Permission denied|Function not implemented)" "$WORK/orphan.log"
	[ ! -e "$OUTSIDE/escape" ]
	read -r tmp cap <"$WORK/left"
	rm -rf "$tmp" "$cap"
}

@test "an exec through /proc/PID/fd, /proc/self/fd or /dev/fd still meets the blocklist" {
	run nono_run --strict-exec -- sh -c 'exec 5</usr/bin/dd
/proc/$$/fd/5 if=/dev/null of=/dev/null; echo rc=$?
/proc/self/fd/5 if=/dev/null of=/dev/null; echo rc=$?
/dev/fd/5 if=/dev/null of=/dev/null; echo rc=$?'
	echo "$output"
	[ "$(echo "$output" | grep -c '^rc=126$')" -eq 3 ]
	[[ "$output" != *"records in"* ]]
}

@test "a refusal written to a closed pipe does not kill the supervisor; the program keeps default SIGPIPE" {
	# rm's stderr is a pipe whose reader (true) is gone when the supervisor
	# writes its refusal there; yes | head ends yes by SIGPIPE (141), not EPIPE
	for pidns in "" --no-pid-ns; do
		run timeout 30 "$NONO" run --strict-exec --silent $pidns --allow "$WORK" -- bash -c \
			'(sleep 0.3; /bin/rm f) 2>&1 | true; echo "after=$?"; yes | head -n 1; echo "yes=${PIPESTATUS[*]}"; exit 7'
		echo "nono run $pidns: status $status"
		echo "$output"
		[ "$status" -eq 7 ]
		[[ "$output" == *"after=0"* ]]
		[[ "$output" == *"yes=141 0"* ]]
		[ "$(cat "$WORK/f")" = keep ]
	done
	# nono's own stderr a closed pipe: its log lines fail, the session goes on
	run timeout 30 bash -c '"$NONO" run --strict-exec -v --allow "$1" -- sh -c "sleep 0.3; /bin/rm $1/f; echo x > $1/ran; exit 7" 2>&1 | true
		echo "nono=${PIPESTATUS[0]}"' sh "$WORK"
	echo "$output"
	[ "$output" = "nono=7" ]
	[ -f "$WORK/ran" ]
	[ "$(cat "$WORK/f")" = keep ]
}
