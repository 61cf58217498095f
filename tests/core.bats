#!/usr/bin/env bats
# nono run: grants, exit codes, signals, environment, descendants, the
# private TMPDIR and the capability file, against the real kernel.
load helpers
bats_require_minimum_version 1.5.0

setup() { common_setup; }
teardown() { common_teardown; }

@test "a granted directory is readable and writable, nothing else is" {
	echo data > "$WORK/in.txt"
	run nono_run --allow "$WORK" -- sh -c "cat $WORK/in.txt; echo new > $WORK/out.txt; cat $OUTSIDE/data.txt"
	[[ "$output" == *data* ]]
	[ "$(cat "$WORK/out.txt")" = new ]
	[[ "$output" == *"Permission denied"* ]]
	[[ "$output" != *outside-data* ]]
}

@test "--read grants read only: writes fail and the file is unchanged" {
	echo original > "$WORK/f"
	run nono_run --read "$WORK" -- sh -c "cat $WORK/f; echo changed > $WORK/f"
	[[ "$output" == *original* ]]
	[[ "$output" == *"Permission denied"* ]]
	[ "$(cat "$WORK/f")" = original ]
}

@test "--write grants write without read" {
	echo secret > "$WORK/f"
	run nono_run --write "$WORK" -- sh -c "echo more >> $WORK/f; cat $WORK/f"
	[[ "$output" == *"Permission denied"* ]]
	[[ "$output" != *secret* ]]
	[ "$(tail -n1 "$WORK/f")" = more ]
}

@test "single-file grants cover that file only" {
	echo a > "$OUTSIDE/a"; echo b > "$OUTSIDE/b"
	run nono_run --read-file "$OUTSIDE/a" -- sh -c "cat $OUTSIDE/a; cat $OUTSIDE/b"
	[[ "$output" == *a* ]]
	[[ "$output" == *"$OUTSIDE/b: Permission denied"* ]]
	run nono_run --allow-file "$OUTSIDE/a" -- sh -c "echo A >> $OUTSIDE/a"
	[ "$(cat "$OUTSIDE/a")" = "$(printf 'a\nA')" ]
	run nono_run --write-file "$OUTSIDE/b" -- sh -c "cat $OUTSIDE/b"
	[[ "$output" == *"Permission denied"* ]]
}

@test "--allow-file on a directory is refused before anything runs" {
	run nono_run --allow-file "$WORK" -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	[[ "$output" == *"is a directory"* ]]
	[ ! -e "$WORK/ran" ]
}

@test "--allow-cwd, --workdir and NONO_ALLOW" {
	run nono_run --allow-cwd -- sh -c 'echo x > cwd.txt'
	[ -f "$WORK/cwd.txt" ]
	run nono_run --workdir "$OUTSIDE" --allow-cwd -- sh -c 'pwd; echo y > wd.txt'
	[[ "$output" == "$OUTSIDE" ]]
	[ -f "$OUTSIDE/wd.txt" ]
	NONO_ALLOW="$WORK,$OUTSIDE" run nono_run -- sh -c "echo z > $WORK/e1; echo z > $OUTSIDE/e2"
	[ -f "$WORK/e1" ]
	[ -f "$OUTSIDE/e2" ]
}

@test "a grant that does not exist is a warning and the rest runs" {
	run timeout 30 "$NONO" run --allow "$WORK" --read "$SCRATCH/nope" -- sh -c "echo ran > $WORK/r"
	[ "$status" -eq 0 ]
	[[ "$output" == *"nope: no such file or directory; skipped"* ]]
	[ "$(cat "$WORK/r")" = ran ]
}

@test "exit codes: the child's, 128+signal, 2, 125, 126, 127" {
	run nono_run -- sh -c 'exit 7'
	[ "$status" -eq 7 ]
	run nono_run -- sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
	# a usage error
	run nono_run --no-such-flag -- true
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown option"* ]]
	run -127 nono_run -- no-such-program-xyz
	[[ "$output" == *"command not found"* ]]
	printf '#!/bin/sh\n' > "$WORK/noexec"; chmod 644 "$WORK/noexec"
	run nono_run --allow "$WORK" -- "$WORK/noexec"
	[ "$status" -eq 126 ]
}

@test "a program outside the grants cannot be executed: 126 and a hint" {
	cp /bin/true "$OUTSIDE/mytrue"
	run nono_run -- "$OUTSIDE/mytrue"
	[ "$status" -eq 126 ]
	[[ "$output" == *"--read $OUTSIDE"* ]]
	run nono_run --read "$OUTSIDE" -- "$OUTSIDE/mytrue"
	[ "$status" -eq 0 ]
}

@test "signals sent to nono reach the program" {
	timeout 20 "$NONO" run --silent --allow "$WORK" -- sh -c \
		"trap 'echo got-term > $WORK/t; exit 3' TERM; echo up > $WORK/up; while :; do sleep 0.05; done" &
	pid=$!
	for _ in $(seq 100); do [ -f "$WORK/up" ] && break; sleep 0.05; done
	kill -TERM "$pid"
	wait "$pid" || st=$?
	[ "${st:-0}" -eq 3 ]
	[ "$(cat "$WORK/t")" = got-term ]
}

@test "every descendant inherits the sandbox" {
	run nono_run --allow "$WORK" -- sh -c "(sh -c 'cat $HOME/.ssh/id_rsa' &) ; sleep 0.2; sh -c 'sh -c \"cat $OUTSIDE/data.txt\"'"
	[[ "$output" != *SECRET* ]]
	[[ "$output" != *outside-data* ]]
	[[ "$output" == *"Permission denied"* ]]
}

@test "the sandbox cannot be lifted from inside: a nested nono only narrows" {
	run nono_run --allow "$WORK" --read "$(dirname "$NONO")" -- "$NONO" run --silent --allow "$OUTSIDE" -- cat "$OUTSIDE/data.txt"
	[[ "$output" != *outside-data* ]]
}

@test "dangerous environment variables are removed, others pass" {
	# stdout only: the loader complains about /x.so on stderr, outside
	run bash -c "env LD_PRELOAD=/x.so LD_LIBRARY_PATH=/x BASH_ENV=/x NODE_OPTIONS=--x PYTHONPATH=/x \
		'BASH_FUNC_f%%=() { :; }' KEEP_ME=yes timeout 30 '$NONO' run --silent -- env 2>/dev/null"
	[[ "$output" == *KEEP_ME=yes* ]]
	[[ "$output" != *LD_PRELOAD* ]]
	[[ "$output" != *LD_LIBRARY_PATH* ]]
	[[ "$output" != *BASH_ENV* ]]
	[[ "$output" != *NODE_OPTIONS* ]]
	[[ "$output" != *PYTHONPATH* ]]
	[[ "$output" != *BASH_FUNC* ]]
}

@test "descriptors beyond 0-2 are closed before exec" {
	echo fd-secret > "$OUTSIDE/fd.txt"
	exec 7<"$OUTSIDE/fd.txt"
	run nono_run -- sh -c 'ls /proc/self/fd; cat <&7'
	exec 7<&-
	[[ "$output" != *fd-secret* ]]
	[[ "$output" != *$'\n'7$'\n'* ]]
}

@test "a private TMPDIR: writable, deletable, gone afterwards; /tmp itself is not granted" {
	run nono_run -- sh -c 'echo $TMPDIR; echo x > $TMPDIR/f && python3 -c "import os; os.unlink(os.environ[\"TMPDIR\"] + \"/f\")" && echo tmp-ok; echo y > /tmp/nono-escape-'"$$-tmpdir"
	tmpdir=$(echo "$output" | head -n1)
	[[ "$tmpdir" == /tmp/nono-* ]]
	[[ "$output" == *tmp-ok* ]]
	[[ "$output" == *"Permission denied"* ]]
	[ ! -e "$tmpdir" ]
	[ ! -e "/tmp/nono-escape-$$-tmpdir" ]
}

@test "NONO_CAP_FILE: 0600 JSON of the capabilities, removed afterwards" {
	run nono_run --allow "$WORK" --block-net -- sh -c 'echo $NONO_CAP_FILE; stat -c %a "$NONO_CAP_FILE"; cat "$NONO_CAP_FILE"'
	cf=$(echo "$output" | sed -n 1p)
	[[ "$cf" == /tmp/.nono-*.json || "$cf" == /dev/shm/.nono-*.json || "$cf" == "$XDG_RUNTIME_DIR"/.nono-*.json ]]
	[ "$(echo "$output" | sed -n 2p)" = 600 ]
	echo "$output" | sed 1,2d | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["net_blocked"] is True; assert any(r["path"]==sys.argv[1] and r["access"]=="readwrite" for r in d["fs"])' "$WORK"
	[ ! -e "$cf" ]
}

@test "the capability file cannot be modified from inside" {
	run nono_run -- sh -c 'echo "{}" > "$NONO_CAP_FILE"; head -c1 "$NONO_CAP_FILE"'
	[[ "$output" == *"Permission denied"* ]]
}

@test "--dry-run runs nothing; --json is a document" {
	run timeout 30 "$NONO" run --dry-run --allow "$WORK" -- touch "$WORK/made"
	[ "$status" -eq 0 ]
	[ ! -e "$WORK/made" ]
	[[ "$output" == *"Filesystem"* ]]
	run timeout 30 "$NONO" run --dry-run --json --block-net --allow "$WORK" -- touch "$WORK/made"
	[ ! -e "$WORK/made" ]
	echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["net_blocked"]; assert d["program"].endswith("touch"); assert d["refused"] is None; assert any(f["name"]=="truncation control" for f in d["features"])'
}

@test "the banner goes to stderr, --silent suppresses it" {
	run bash -c "timeout 30 '$NONO' run --allow '$WORK' -- true 2>&1 >/dev/null"
	[[ "$output" == *"Landlock ABI"* ]]
	run bash -c "timeout 30 '$NONO' run --silent --allow '$WORK' -- true 2>&1"
	[ -z "$output" ]
}

@test "blocked commands: refused with category and override, 126" {
	echo keep > "$WORK/f"
	for c in rm /bin/rm dd chmod mv cp xargs truncate; do
		run nono_run --allow "$WORK" -- "$c" "$WORK/f"
		[ "$status" -eq 126 ] || [ "$status" -eq 127 ]
	done
	run nono_run --allow "$WORK" -- rm "$WORK/f"
	[ "$status" -eq 126 ]
	[[ "$output" == *"command 'rm' is blocked (file destruction)"* ]]
	[[ "$output" == *"--allow-command rm"* ]]
	[ "$(cat "$WORK/f")" = keep ]
	ln -s /bin/rm "$WORK/innocent"
	run nono_run --allow "$WORK" -- "$WORK/innocent" "$WORK/f"
	[ "$status" -eq 126 ]
	[ -f "$WORK/f" ]
}

@test "--allow-command lets rm run, and the kernel still refuses the deletion" {
	echo keep > "$WORK/f"
	run nono_run --no-delete --allow "$WORK" --allow-command rm -- rm "$WORK/f"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Permission denied"* ]]
	[ "$(cat "$WORK/f")" = keep ]
	run nono_run --no-delete --allow "$WORK" --allow-command rm --allow-delete -- rm "$WORK/f"
	[ "$status" -eq 0 ]
	[ ! -e "$WORK/f" ]
}

@test "--block-command adds a command" {
	run nono_run --block-command echo -- echo hi
	[ "$status" -eq 126 ]
	[[ "$output" != hi ]]
	[[ "$output" == *"'echo' is blocked"* ]]
}
