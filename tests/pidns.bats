#!/usr/bin/env bats
# The PID namespace: /proc lists the sandbox's own processes only, outside
# processes can't be named, what the program leaves running dies with it,
# and where the namespace can't be made nono runs without it and says so.
load helpers
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	MARK="nono-pidns-mark-$$-$RANDOM"
}
teardown() {
	pkill -f "$MARK" 2>/dev/null || true
	common_teardown
}


# a process outside the sandbox whose command line carries $MARK
start_marked() {
	"$@" python3 -c 'import sys, time; time.sleep(60)' "$MARK" &
	bg $!
	VICTIM=$!
	for _ in $(seq 40); do grep -q "$MARK" "/proc/$VICTIM/cmdline" 2>/dev/null && break; sleep 0.05; done
	grep -q "$MARK" "/proc/$VICTIM/cmdline"
}

# inside: this process's pid, every listed pid, every command line, and
# whether the victim can be signalled
LOOK='echo self=$$; echo pids=$(ls /proc | grep -E "^[0-9]+$" | tr "\n" " ")
for f in /proc/[0-9]*/cmdline; do tr "\0" " " < "$f"; echo; done
kill -0 '

@test "/proc lists only the sandbox's processes; an outside one can't be named or signalled" {
	need_pidns
	start_marked
	run nono_run -- sh -c "$LOOK $VICTIM; echo kill=\$?"
	echo "$output"
	echo "$output" | grep -qx "self=2"
	[[ "$output" != *"$MARK"* ]]
	[[ "$output" == *"kill=1"* ]]
	[[ "$output" == *"No such process"* ]]
	# init (1), the shell (2), ls and its pipeline: a handful, not the host's hundreds
	pids=$(echo "$output" | sed -n 's/^pids=//p')
	[ "$(echo "$pids" | wc -w)" -le 6 ]
	[[ " $pids" == *" 1 2 "* ]]
	kill -0 "$VICTIM"
}

@test "--no-pid-ns: the host's processes are listed again (Landlock still refuses signals)" {
	start_marked
	run nono_run --no-pid-ns -- sh -c "$LOOK $VICTIM; echo kill=\$?"
	[[ "$output" == *"$MARK"* ]]
	[ -z "$(echo "$output" | grep -x "self=2")" ]
	[[ "$output" == *"kill=1"* ]]
	[[ "$output" == *"Operation not permitted"* ]]
}

@test "the private /proc is still read-only and the program's own entries work" {
	need_pidns
	run nono_run -- sh -c 'grep -c ^processor /proc/cpuinfo
while read -r k v; do [ "$k" = Pid: ] && echo "status-pid=$v"; done </proc/self/status
ls /proc/self/fd | tr "\n" " "; echo; echo x > /proc/self/comm; echo comm=$?'
	echo "$output"
	[[ "$output" == *"status-pid=2"* ]]
	[[ "$output" == *"0 1 2"* ]]
	[[ "$output" != *"comm=0"* ]]
	[[ "$output" == *"Permission denied"* ]]
	[ "${lines[0]}" -ge 1 ]
}

@test "what the program leaves running dies with it; --no-pid-ns lets it outlive nono" {
	need_pidns
	run nono_run -- sh -c "setsid python3 -c 'import time; time.sleep(60)' $MARK-left </dev/null >/dev/null 2>&1 & sleep 0.3; echo started"
	[ "$status" -eq 0 ]
	[[ "$output" == *started* ]]
	sleep 0.2
	! pgrep -f "$MARK-left" || false
	run nono_run --no-pid-ns -- sh -c "setsid python3 -c 'import time; time.sleep(60)' $MARK-left </dev/null >/dev/null 2>&1 & sleep 0.3; echo started"
	[ "$status" -eq 0 ]
	pgrep -f "$MARK-left"
}

@test "exit codes and deaths by signal pass through the namespace's init" {
	run nono_run -- sh -c 'exit 7'
	[ "$status" -eq 7 ]
	run nono_run -- sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
	run nono_run -- python3 -c 'import os; os.kill(os.getpid(), 9)'
	[ "$status" -eq 137 ]
}

@test "as a non-root user: a user namespace of one id, the same view, the user's files still the user's" {
	ensure_test_user
	need_pidns user
	USER_HOME="$SCRATCH/uhome"
	mkdir -p "$USER_HOME/proj"
	echo mine >"$USER_HOME/proj/f"
	chown -R "$TEST_USER" "$USER_HOME"
	# the user's own process: same uid, so only the namespace hides it
	start_marked runuser -u "$TEST_USER" --
	cd "$USER_HOME/proj"
	run as_user timeout 30 "$NONO" run --silent --allow "$USER_HOME/proj" -- sh -c "$LOOK $VICTIM; echo kill=\$?
id -u; stat -c %u f; echo new > g; stat -c %u g; grep ^CapEff /proc/self/status"
	echo "$output"
	echo "$output" | grep -qx "self=2"
	[[ "$output" != *"$MARK"* ]]
	[[ "$output" == *"kill=1"* ]]
	uid=$(id -u "$TEST_USER")
	[ "$(echo "$output" | grep -cx "$uid")" -eq 3 ]
	[[ "$output" == *"CapEff:	0000000000000000"* ]]
	[ "$(stat -c %u "$USER_HOME/proj/g")" = "$uid" ]
	kill -0 "$VICTIM"
}

# inside: limits, priority and CPUs of the process $1 (another of the
# user's), then of the program itself (pid 0, its own pid) and its child
RENICE='import os, resource, subprocess, sys
v = int(sys.argv[1])
def call(name, f):
    try:
        f()
        print(name, "ok")
    except OSError as e:
        print(name, "errno", e.errno)
call("prlimit", lambda: resource.prlimit(v, resource.RLIMIT_CPU, (1, 1)))
call("nofile", lambda: resource.prlimit(v, resource.RLIMIT_NOFILE, (2, 2)))
call("read-limit", lambda: resource.prlimit(v, resource.RLIMIT_NOFILE))
call("setpriority", lambda: os.setpriority(os.PRIO_PROCESS, v, 19))
call("affinity", lambda: os.sched_setaffinity(v, {0}))
call("prio-user", lambda: os.setpriority(os.PRIO_USER, 0, 19))
call("self-prlimit", lambda: resource.setrlimit(resource.RLIMIT_CPU, (1000, 1000)))
call("self-nice", lambda: os.setpriority(os.PRIO_PROCESS, 0, 3))
call("own-pid", lambda: os.sched_setaffinity(os.getpid(), os.sched_getaffinity(0)))
c = subprocess.Popen(["sleep", "30"])
call("child", lambda: os.setpriority(os.PRIO_PROCESS, c.pid, 7))
print("child-nice", os.getpriority(os.PRIO_PROCESS, c.pid))
c.kill()'

@test "--no-pid-ns as a non-root user: another process of the user keeps its limits, priority and CPUs; the program's own can be changed" {
	ensure_test_user
	USER_HOME="$SCRATCH/uhome"
	mkdir -p "$USER_HOME/proj"
	chown -R "$TEST_USER" "$USER_HOME"
	cd "$USER_HOME/proj"
	# the user's own busy process: a CPU limit of 1 s would kill it
	runuser -u "$TEST_USER" -- python3 -c 'while True: pass' "$MARK" &
	bg $!
	VICTIM=
	for _ in $(seq 40); do VICTIM=$(pgrep -u "$TEST_USER" -f "$MARK" | head -1) && break; sleep 0.05; done
	[ -n "$VICTIM" ]
	run as_user timeout 30 "$NONO" run --silent --no-pid-ns --allow "$USER_HOME/proj" -- python3 -c "$RENICE" "$VICTIM"
	echo "$output"
	[ "$status" -eq 0 ]
	for call in prlimit nofile setpriority affinity prio-user; do
		has "$call errno 1"
	done
	for call in read-limit self-prlimit self-nice own-pid child; do
		has "$call ok"
	done
	has "child-nice 7"
	sleep 1.5
	kill -0 "$VICTIM"
	[ "$(ps -o ni= -p "$VICTIM" | tr -d ' ')" = 0 ]
	grep -E "^Max cpu time +unlimited" "/proc/$VICTIM/limits"
	grep -E "^Max open files +[0-9]{3,}" "/proc/$VICTIM/limits"
}

@test "where user namespaces are refused, nono runs without the namespace and says so; --strict refuses" {
	ensure_test_user
	need_container
	USER_HOME="$SCRATCH/uhome"
	mkdir -p "$USER_HOME/proj"
	chown -R "$TEST_USER" "$USER_HOME"
	cd "$USER_HOME/proj"
	start_marked
	run as_user "$CONTAINER" --no-userns -- timeout 30 "$NONO" run --allow "$USER_HOME/proj" -- sh -c "$LOOK $VICTIM; echo kill=\$?"
	[ "$status" -eq 0 ]
	# the banner names it, why, and what stands in
	has "weak no PID namespace (new user namespaces are refused here"
	has "the host's processes listed in /proc"
	has "Landlock keeps signals in and other processes' /proc/PID/environ, maps and mem unreadable"
	# the host's processes are listed; Landlock still refuses the signal
	has "$MARK"
	has "kill=1"
	has "Operation not permitted"
	run as_user "$CONTAINER" --no-userns -- timeout 30 "$NONO" run --silent --strict --allow "$USER_HOME/proj" -- touch ran
	[ "$status" -eq 125 ]
	has "--strict"
	has "the host's processes listed in /proc"
	[ ! -e "$USER_HOME/proj/ran" ]
	kill -0 "$VICTIM"
}

@test "nono inside nono: the inner one cannot answer seccomp notifications, says why, runs nothing" {
	bindir=$(dirname "$NONO")
	# the inner nono makes its TMPDIR in /tmp: a HOME outside /tmp keeps
	# that grant whole (no sensitive path to carve around)
	run env HOME=/nonexistent-home timeout 30 "$NONO" run --silent --no-pid-ns --read "$bindir" \
		--allow "$WORK" --allow /tmp --allow /dev/shm -- \
		"$NONO" run --no-audit --no-rollback --allow "$WORK" -- touch "$WORK/ran"
	echo "$output"
	[ "$status" -eq 125 ]
	# its PID namespace cannot be made in there either: named, not refused
	has "no PID namespace"
	has "another nono"
	[ ! -e "$WORK/ran" ]
}

@test "dry run, banner, capability file and setup say whether processes are hidden" {
	run "$NONO" run --dry-run -- true
	[[ "$output" == *"Processes: own only"* ]]
	run "$NONO" run --dry-run --no-pid-ns -- true
	[[ "$output" == *"Processes: the host's are visible"* ]]
	run "$NONO" run --dry-run --json --no-pid-ns -- true
	echo "$output" | python3 -c 'import json, sys; assert json.load(sys.stdin)["pid_namespace"] is False'
	run nono_run -- sh -c 'cat "$NONO_CAP_FILE"'
	echo "$output" | python3 -c 'import json, sys; assert json.load(sys.stdin)["pid_namespace"] is True'
	run timeout 30 "$NONO" run --no-pid-ns -- true
	[[ "$output" == *"weak no PID namespace (--no-pid-ns): the host's processes listed in /proc"* ]]
	run "$NONO" run --dry-run --json -- true
	echo "$output" | python3 -c 'import json, sys; d = json.load(sys.stdin); assert d["pid_namespace_unavailable"] is None and d["weaknesses"] == [], d'
	run "$NONO" run --dry-run --json --no-pid-ns -- true
	echo "$output" | python3 -c 'import json, sys; d = json.load(sys.stdin); assert [w["id"] for w in d["weaknesses"] if w["weaker"]] == ["pid-namespace"], d'
	run "$NONO" setup --check-only --json
	echo "$output" | python3 -c 'import json, sys; assert json.load(sys.stdin)["pid_namespace"] is True'
}
