#!/usr/bin/env bats
# nono run as a launcher: exit codes, signal forwarding, inheritance by every
# descendant, the cleaned environment, closed descriptors, the capability
# file, the private TMPDIR, --dry-run, the banner and the command blocklist.
load helpers
bats_require_minimum_version 1.5.0

setup() { common_setup; }
teardown() { common_teardown; }

# start nono in the background (no timeout wrapper, so $! is nono itself),
# wait until the program inside has written $WORK/up
start_bg() {
	"$NONO" run --silent "$@" 3>&- &
	NONO_PID=$!
	for _ in $(seq 100); do [ -f "$WORK/up" ] && break; sleep 0.05; done
	[ -f "$WORK/up" ]
}

# wait (at most 10 s) for $NONO_PID to end; sets BG_STATUS
wait_bg() {
	for _ in $(seq 200); do kill -0 "$NONO_PID" 2>/dev/null || break; sleep 0.05; done
	kill -KILL "$NONO_PID" 2>/dev/null || true
	BG_STATUS=0
	wait "$NONO_PID" || BG_STATUS=$?
}

# ---------------------------------------------------------------- exit codes

@test "exit code: the child's own code is passed through" {
	run nono_run --allow "$WORK" -- sh -c "echo before > $WORK/mark; exit 7"
	[ "$status" -eq 7 ]
	[ "$(cat "$WORK/mark")" = before ]
	run nono_run -- sh -c 'echo fine; exit 0'
	[ "$status" -eq 0 ]
	[ "$output" = fine ]
}

@test "exit code: a child killed by a signal gives 128+N" {
	run nono_run -- sh -c 'echo alive; kill -KILL $$; echo not-reached'
	[ "$status" -eq 137 ]
	[[ "$output" == *alive* ]]
	[[ "$output" != *not-reached* ]]
	run nono_run -- sh -c 'kill -TERM $$; echo not-reached'
	[ "$status" -eq 143 ]
	[[ "$output" != *not-reached* ]]
}

@test "exit code: a usage error (unknown flag, no program) is 2 and nothing runs" {
	run nono_run --no-such-flag --allow "$WORK" -- touch "$WORK/ran"
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown option"* ]]
	[ ! -e "$WORK/ran" ]
	run nono_run --allow "$WORK"
	[ "$status" -eq 2 ]
	[[ "$output" == *"no program given"* ]]
	# a flag nono refuses is its own failure: 125
	run nono_run --allow "$HOME/.ssh" -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	[ ! -e "$WORK/ran" ]
}

@test "exit code: after ^C (or ^\\) that killed the program nono dies of the same signal, so a shell loop stops" {
	for ns in "" --no-pid-ns; do
		for sig in SIGINT SIGQUIT; do
			rm -f "$WORK/log" "$WORK/log.up"
			# shellcheck disable=SC2086
			run python3 "$FIXTURES/sigloop.py" "$sig" "$WORK/log" -- "$NONO" run --silent $ns --allow "$WORK" -- \
				sh -c "[ -e $WORK/log.up ] && exit 0; touch $WORK/log.up; exec sleep 20"
			if [ "$sig" = SIGINT ]; then
				# bash stops the loop when what it waits for died of SIGINT
				[ "$output" = "signal 2" ] || { echo "$sig $ns: bash ended with $output"; return 1; }
				[ "$(cat "$WORK/log")" = pass ] || { echo "$sig $ns: $(cat "$WORK/log")"; return 1; }
			else
				# bash reports a death by SIGQUIT ("Quit"), with no core file of nono's
				has "Quit"
				lacks "core dumped"
			fi
		done
	done
	# a program that handles ^C and exits 130 itself: so does nono, and the loop goes on
	rm -f "$WORK/log" "$WORK/log.up"
	run python3 "$FIXTURES/sigloop.py" SIGINT "$WORK/log" -- "$NONO" run --silent --allow "$WORK" -- \
		sh -c "[ -e $WORK/log.up ] && exit 0; trap 'exit 130' INT; touch $WORK/log.up; sleep 20 & wait"
	[ "$output" = "exit 0" ]
	[ "$(grep -c pass "$WORK/log")" -eq 3 ]
}

@test "exit code: a program not found is 127 with 'command not found'" {
	run -127 nono_run -- no-such-program-xyz-123
	[[ "$output" == *"no-such-program-xyz-123"* ]]
	[[ "$output" == *"command not found"* ]]
}

@test "exit code: a program that is found but not executable is 126 and does not run" {
	printf '#!/bin/sh\necho ran > %s/ran\n' "$WORK" > "$WORK/noexec"
	chmod 644 "$WORK/noexec"
	run nono_run --allow "$WORK" -- "$WORK/noexec"
	[ "$status" -eq 126 ]
	[ ! -e "$WORK/ran" ]
}

# ---------------------------------------------------------------- signals

@test "SIGTERM sent to nono is forwarded to the program" {
	start_bg --allow "$WORK" -- sh -c \
		"trap 'echo got-term > $WORK/t; exit 3' TERM; echo up > $WORK/up; for i in \$(seq 100); do sleep 0.1; done"
	kill -TERM "$NONO_PID"
	wait_bg
	[ "$BG_STATUS" -eq 3 ]
	[ "$(cat "$WORK/t")" = got-term ]
}

@test "SIGHUP sent to nono is forwarded to the program" {
	start_bg --allow "$WORK" -- sh -c \
		"trap 'echo got-hup > $WORK/t; exit 4' HUP; echo up > $WORK/up; for i in \$(seq 100); do sleep 0.1; done"
	kill -HUP "$NONO_PID"
	wait_bg
	[ "$BG_STATUS" -eq 4 ]
	[ "$(cat "$WORK/t")" = got-hup ]
}

@test "SIGINT sent to nono is forwarded to the program" {
	# a background job of a non-interactive shell starts with SIGINT
	# ignored; give nono the default disposition, as a terminal would
	"$NONO" run --silent --allow "$WORK" -- python3 -c "
import signal, sys, time
def h(*a):
    open('$WORK/t', 'w').write('got-int\n'); sys.exit(5)
signal.signal(signal.SIGINT, h)
open('$WORK/up', 'w').write('up\n')
for _ in range(100): time.sleep(0.1)
" 3>&- &
	NONO_PID=$!
	for _ in $(seq 100); do [ -f "$WORK/up" ] && break; sleep 0.05; done
	[ -f "$WORK/up" ]
	kill -INT "$NONO_PID"
	wait_bg
	[ "$BG_STATUS" -eq 5 ]
	[ "$(cat "$WORK/t")" = got-int ]
}

@test "SIGQUIT, SIGWINCH, SIGUSR1 and SIGUSR2 sent to nono reach the program" {
	start_bg --allow "$WORK" -- python3 -c "
import signal, sys, time
got = []
def h(n, f):
    got.append(signal.Signals(n).name)
    # appended: truncating is refused in a grant without --allow-delete
    open('$WORK/t', 'a').write(got[-1] + '\n')
    if len(got) == 4: sys.exit(6)
for s in (signal.SIGQUIT, signal.SIGWINCH, signal.SIGUSR1, signal.SIGUSR2):
    signal.signal(s, h)
open('$WORK/up', 'w').write('up\n')
for _ in range(100): time.sleep(0.1)
"
	for sig in QUIT WINCH USR1 USR2; do
		kill -"$sig" "$NONO_PID"
		for _ in $(seq 40); do grep -q "SIG$sig" "$WORK/t" 2>/dev/null && break; sleep 0.05; done
	done
	wait_bg
	[ "$BG_STATUS" -eq 6 ]
	[ "$(cat "$WORK/t" | xargs)" = "SIGQUIT SIGWINCH SIGUSR1 SIGUSR2" ]
}

@test "SIGTSTP stops the program and nono with it; SIGCONT resumes both" {
	start_bg --allow "$WORK" -- sh -c \
		"echo \$\$ > $WORK/pid; echo up > $WORK/up; for i in \$(seq 30); do sleep 0.1; echo \$i >> $WORK/ticks; done"
	# the program is pid $(cat "$WORK/pid") in its namespace; outside, it
	# is the child of the namespace's init, nono's child
	init=$(pgrep -P "$NONO_PID")
	child=$(pgrep -P "$init")
	[ "$(cat "$WORK/pid")" = 2 ]
	[ "$(awk '{print $2}' "/proc/$child/stat")" = "(sh)" ]
	for _ in $(seq 40); do [ -s "$WORK/ticks" ] && break; sleep 0.05; done
	kill -TSTP "$NONO_PID"
	state() { awk '{print $3}' "/proc/$1/stat"; }
	# the stop travels nono -> init -> program -> init -> nono: give a
	# loaded machine time
	for _ in $(seq 200); do [ "$(state "$NONO_PID")" = T ] && [ "$(state "$child")" = T ] && break; sleep 0.05; done
	[ "$(state "$child")" = T ]
	[ "$(state "$NONO_PID")" = T ]
	n=$(wc -l <"$WORK/ticks")
	sleep 0.5
	[ "$(wc -l <"$WORK/ticks")" -eq "$n" ]
	kill -CONT "$NONO_PID"
	wait_bg
	[ "$BG_STATUS" -eq 0 ]
	[ "$(wc -l <"$WORK/ticks")" -eq 30 ]
}

# ---------------------------------------------------------------- inheritance

@test "descendants inherit the sandbox: sh -c, background job, double fork" {
	run nono_run --allow "$WORK" -- sh -c "
		sh -c 'cat $HOME/.ssh/id_rsa'
		cat $HOME/.ssh/id_rsa &
		wait
		sh -c '(sh -c \"cat $HOME/.ssh/id_rsa\" &) ; wait'
		sleep 0.3"
	[[ "$output" != *SECRET-SSH* ]]
	[ "$(echo "$output" | grep -c 'Permission denied')" -ge 3 ]
}

@test "a double-forked descendant cannot write outside the grants" {
	run nono_run --allow "$WORK" -- sh -c "(sh -c 'echo escaped > $OUTSIDE/escape; echo done > $WORK/done' &) ; sleep 0.3"
	[ "$(cat "$WORK/done")" = done ]
	[ ! -e "$OUTSIDE/escape" ]
	[[ "$output" == *"Permission denied"* ]]
}

@test "a python subprocess inherits the sandbox" {
	run nono_run -- python3 -c "
import subprocess
r = subprocess.run(['cat', '$HOME/.aws/credentials'], capture_output=True, text=True)
print('rc', r.returncode, r.stdout, r.stderr)"
	[[ "$output" != *SECRET-AWS* ]]
	[[ "$output" == *"Permission denied"* ]]
}

# ---------------------------------------------------------------- environment

@test "environment: dangerous variables are removed" {
	# stdout only: outside, the loader may complain about LD_PRELOAD
	run bash -c "env LD_PRELOAD=/nonexistent-x.so LD_LIBRARY_PATH=/x BASH_ENV=/x NODE_OPTIONS=--x \
		PYTHONPATH=/x PERL5LIB=/x 'BASH_FUNC_evil%%=() { echo pwned; }' \
		timeout 30 '$NONO' run --silent -- env 2>/dev/null"
	[ "$status" -eq 0 ]
	[[ "$output" == *PATH=* ]]
	for v in LD_PRELOAD LD_LIBRARY_PATH BASH_ENV NODE_OPTIONS PYTHONPATH PERL5LIB BASH_FUNC_evil; do
		[[ "$output" != *"$v"* ]] || { echo "leaked: $v"; return 1; }
	done
}

@test "environment: ordinary variables pass through unchanged" {
	run env MY_ORDINARY_VAR='hello world' OTHER_VAR=42 timeout 30 "$NONO" run --silent -- \
		sh -c 'echo "[$MY_ORDINARY_VAR] [$OTHER_VAR] [$HOME]"'
	[ "$status" -eq 0 ]
	[ "$output" = "[hello world] [42] [$HOME]" ]
}

@test "environment: an exported bash function does not reach a bash inside" {
	run env 'BASH_FUNC_ls%%=() { echo pwned; }' timeout 30 "$NONO" run --silent -- bash -c 'ls -d /'
	[[ "$output" != *pwned* ]]
	[ "$output" = / ]
}

# ---------------------------------------------------------------- descriptors

@test "descriptors beyond 0-2 are closed before exec" {
	echo fd-secret > "$OUTSIDE/fd.txt"
	exec 7<"$OUTSIDE/fd.txt"
	exec 9<"$OUTSIDE/fd.txt"
	run nono_run -- sh -c 'ls /proc/self/fd | tr "\n" " "; echo'
	local listing=$output
	run nono_run -- sh -c 'cat <&7; cat <&9'
	exec 7<&- 9<&-
	# only 0, 1, 2 and ls's own directory descriptor
	[[ "$listing" == "0 1 2 "* ]]
	[[ " $listing " != *" 7 "* ]]
	[[ " $listing " != *" 9 "* ]]
	[[ "$output" != *fd-secret* ]]
	[ "$(echo "$output" | grep -c 'Bad file descriptor')" -eq 2 ]
}

@test "a high open descriptor does not leak into the sandbox" {
	echo high-secret > "$OUTSIDE/h.txt"
	exec 200<"$OUTSIDE/h.txt"
	run nono_run -- python3 -c "
import os
try:
    print(os.read(200, 100))
except OSError as e:
    print('closed', e.errno)"
	exec 200<&-
	[[ "$output" != *high-secret* ]]
	[[ "$output" == *"closed 9"* ]]
}

# ---------------------------------------------------------------- capability file

@test "NONO_CAP_FILE: a 0600 JSON file of the capabilities, readable inside" {
	run nono_run --allow "$WORK" -- sh -c 'echo "$NONO_CAP_FILE"; stat -c %a "$NONO_CAP_FILE"; cat "$NONO_CAP_FILE"'
	[ "$status" -eq 0 ]
	cf=$(echo "$output" | sed -n 1p)
	[[ "$(basename "$cf")" == .nono-??????.json ]]
	[ "$(echo "$output" | sed -n 2p)" = 600 ]
	echo "$output" | sed 1,2d | python3 -c '
import json, sys
d = json.load(sys.stdin)
for k in ("fs", "net_blocked", "denied"):
    assert k in d, k
assert d["net_blocked"] is False
assert any(r["path"] == sys.argv[1] and r["access"] == "readwrite" for r in d["fs"]), d["fs"]
assert any(x["path"].endswith("/.ssh") for x in d["denied"]), d["denied"]
' "$WORK"
}

@test "NONO_CAP_FILE is removed after the run" {
	run nono_run -- sh -c 'echo "$NONO_CAP_FILE"; test -r "$NONO_CAP_FILE" && echo readable'
	cf=$(echo "$output" | sed -n 1p)
	[[ "$(basename "$cf")" == .nono-??????.json ]]
	[[ "$output" == *readable* ]]
	[ ! -e "$cf" ]
}

@test "NONO_CAP_FILE lives in \$XDG_RUNTIME_DIR, else /dev/shm, as .nono-XXXXXX.json" {
	mkdir -m 700 "$SCRATCH/run"
	run env XDG_RUNTIME_DIR="$SCRATCH/run" "$NONO" run --silent -- sh -c 'echo "$NONO_CAP_FILE"'
	[ "$status" -eq 0 ]
	[[ "$output" == "$SCRATCH/run/.nono-"??????.json ]]
	run env -u XDG_RUNTIME_DIR "$NONO" run --silent -- sh -c 'echo "$NONO_CAP_FILE"'
	[ "$status" -eq 0 ]
	[[ "$output" == /dev/shm/.nono-??????.json ]]
}

# ---------------------------------------------------------------- TMPDIR

@test "TMPDIR: private, writable and deletable inside, removed afterwards" {
	run nono_run -- sh -c 'echo "$TMPDIR"
		echo x > "$TMPDIR/f" && cat "$TMPDIR/f" &&
		python3 -c "import os; os.unlink(os.environ[\"TMPDIR\"] + \"/f\")" &&
		[ ! -e "$TMPDIR/f" ] && mkdir "$TMPDIR/d" && echo tmp-ok'
	[ "$status" -eq 0 ]
	tmpdir=$(echo "$output" | sed -n 1p)
	[[ "$tmpdir" == /tmp/nono-?????? ]]
	[[ "$output" == *tmp-ok* ]]
	[ ! -e "$tmpdir" ]
}

@test "TMPDIR: /tmp itself is not granted" {
	echo tmp-secret > "$SCRATCH/peek"
	run nono_run -- sh -c "echo y > /tmp/nono-escape-$$-\$\$; cat $SCRATCH/peek; ls /tmp"
	[[ "$output" == *"Permission denied"* ]]
	[[ "$output" != *tmp-secret* ]]
	! compgen -G "/tmp/nono-escape-$$-*" >/dev/null || false
}

@test "TMPDIR: each run gets its own directory" {
	run nono_run -- sh -c 'echo "$TMPDIR"; echo one > "$TMPDIR/mark"'
	t1=$(echo "$output" | sed -n 1p)
	run nono_run -- sh -c 'echo "$TMPDIR"; cat "$TMPDIR/mark" 2>/dev/null || echo no-mark'
	t2=$(echo "$output" | sed -n 1p)
	[ "$t1" != "$t2" ]
	[[ "$output" == *no-mark* ]]
	[ ! -e "$t1" ]
	[ ! -e "$t2" ]
}

# ---------------------------------------------------------------- dry run

@test "--dry-run prints the plan and runs nothing" {
	run timeout 30 "$NONO" run --dry-run --allow "$WORK" -- touch "$WORK/made"
	[ "$status" -eq 0 ]
	[ ! -e "$WORK/made" ]
	[[ "$output" == *"/usr/bin/touch"* ]]
	[[ "$output" == *"$WORK"* ]]
	[[ "$output" == *"Landlock ABI"* ]]
	# the plan is on stdout
	run bash -c "timeout 30 '$NONO' run --dry-run --allow '$WORK' -- touch '$WORK/made' 2>/dev/null"
	[[ "$output" == *"$WORK"* ]]
	[ ! -e "$WORK/made" ]
}

@test "--dry-run --json prints a JSON document of the plan and runs nothing" {
	run bash -c "timeout 30 '$NONO' run --dry-run --json --allow '$WORK' --read '$OUTSIDE' -- touch '$WORK/made' 2>/dev/null"
	[ "$status" -eq 0 ]
	[ ! -e "$WORK/made" ]
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for k in ("fs", "net_blocked", "features", "program", "denied"):
    assert k in d, k
assert d["program"].endswith("/touch"), d["program"]
assert d["net_blocked"] is False
w = [f for f in d["fs"] if f["path"] == sys.argv[1]]
assert w and w[0]["access"] == "readwrite" and w[0]["source"] == "--allow", w
o = [f for f in d["fs"] if f["path"] == sys.argv[2]]
assert o and o[0]["access"] == "read" and o[0]["source"] == "--read", o
assert isinstance(d["features"], list) and d["features"]
assert any(x["path"].endswith("/.ssh") for x in d["denied"])
' "$WORK" "$OUTSIDE"
}

# ---------------------------------------------------------------- banner

@test "the banner goes to stderr and names the Landlock ABI; --silent suppresses it" {
	run bash -c "timeout 30 '$NONO' run --allow '$WORK' -- echo payload 2>'$SCRATCH/err' >'$SCRATCH/out'"
	[ "$status" -eq 0 ]
	[[ "$(cat "$SCRATCH/err")" == *"Landlock ABI"* ]]
	[ "$(cat "$SCRATCH/out")" = payload ]
	run bash -c "timeout 30 '$NONO' run --silent --allow '$WORK' -- echo payload 2>&1"
	[ "$output" = payload ]
}

# ---------------------------------------------------------------- blocklist

@test "blocklist: rm is refused with 126, its category and the override hint" {
	echo keep > "$WORK/f"
	run nono_run --allow "$WORK" -- rm "$WORK/f"
	[ "$status" -eq 126 ]
	[[ "$output" == *"command 'rm' is blocked (file destruction)"* ]]
	[[ "$output" == *"--allow-command rm"* ]]
	[ "$(cat "$WORK/f")" = keep ]
}

@test "blocklist: every listed command is refused by name with 126" {
	echo keep > "$WORK/f"
	for c in rm rmdir shred dd mkfs chmod chown chgrp chattr shutdown reboot systemctl apt mv cp truncate su scp kill; do
		run nono_run --allow "$WORK" -- "$c" "$WORK/f"
		[ "$status" -eq 126 ] || { echo "$c: status $status: $output"; return 1; }
		[[ "$output" == *"command '$c' is blocked ("* ]] || { echo "$c: $output"; return 1; }
		[[ "$output" == *"--allow-command $c"* ]] || { echo "$c: $output"; return 1; }
	done
	[ "$(cat "$WORK/f")" = keep ]
}

@test "blocklist: by basename, so an absolute path or any directory is no way around" {
	echo keep > "$WORK/f"
	run nono_run --allow "$WORK" -- /bin/rm "$WORK/f"
	[ "$status" -eq 126 ]
	[[ "$output" == *"'rm' is blocked"* ]]
	run nono_run --allow "$WORK" -- /usr/bin/rm "$WORK/f"
	[ "$status" -eq 126 ]
	# a copy of a harmless program under a blocked name (sudo is not installed)
	mkdir "$OUTSIDE/bin"
	printf '#!/bin/sh\necho ran > %s/ran\n' "$WORK" > "$OUTSIDE/bin/sudo"
	chmod 755 "$OUTSIDE/bin/sudo"
	run nono_run --allow "$WORK" --read "$OUTSIDE/bin" -- "$OUTSIDE/bin/sudo"
	[ "$status" -eq 126 ]
	[[ "$output" == *"'sudo' is blocked"* ]]
	[ ! -e "$WORK/ran" ]
	[ "$(cat "$WORK/f")" = keep ]
}

@test "blocklist: a symlink with an innocent name to rm is blocked by its resolved path" {
	echo keep > "$WORK/f"
	ln -s /bin/rm "$WORK/innocent"
	run nono_run --allow "$WORK" -- "$WORK/innocent" "$WORK/f"
	[ "$status" -eq 126 ]
	[[ "$output" == *"blocked"* ]]
	[ "$(cat "$WORK/f")" = keep ]
}

@test "--allow-command rm lets rm run, but the kernel still keeps the file" {
	echo keep > "$WORK/f"
	run nono_run --no-delete --allow "$WORK" --allow-command rm -- rm "$WORK/f"
	[ "$status" -ne 0 ]
	[ "$status" -ne 126 ]
	[[ "$output" != *"is blocked"* ]]
	[[ "$output" == *"Permission denied"* ]]
	[ "$(cat "$WORK/f")" = keep ]
}

@test "--block-command echo blocks echo" {
	run nono_run --block-command echo -- echo hi-there
	[ "$status" -eq 126 ]
	[[ "$output" != *hi-there* ]]
	[[ "$output" == *"'echo' is blocked"* ]]
	[[ "$output" == *"--allow-command echo"* ]]
	run nono_run -- echo hi-there
	[ "$output" = hi-there ]
}
