#!/usr/bin/env bats
# nono shell: the prompt is inside the sandbox, each typed line is
# pre-checked against the blocklist (pipelines, lists, subshells, $(...),
# backticks), why and caps, hints, -c and stdin, and a real terminal driven
# through tmux (the session itself: shell-tmux.bats).
load helpers

setup() {
	common_setup
	export XDG_STATE_HOME="$SCRATCH/state"
	echo keep > "$WORK/f"
}
teardown() {
	tmux -L "nono-$$" kill-server 2>/dev/null || true
	sleep 0.2
	common_teardown
}

@test "-c runs one line inside the sandbox" {
	run timeout 30 "$NONO" shell --silent --allow "$WORK" -c "echo hi > $WORK/out; cat $HOME/.ssh/id_rsa"
	[ "$(cat "$WORK/out")" = hi ]
	[[ "$output" != *SECRET* ]]
	[[ "$output" == *"sensitive path"* ]]
}

@test "a blocked command anywhere in the line: refused, nothing of it runs" {
	# (a command xargs or find runs is not a word of the line: --strict-exec
	# checks it, and the journal keeps what it destroys)
	for line in "rm $WORK/f" "echo a > $WORK/ran; rm $WORK/f" "true && (rm $WORK/f)" \
		"echo \$(rm $WORK/f)" "echo \`rm $WORK/f\`" "X=1 rm $WORK/f" "if true; then chmod 000 $WORK/f; fi"; do
		run timeout 30 "$NONO" shell --silent --allow "$WORK" --allow-delete -c "$line"
		[ "$status" -eq 126 ]
		[[ "$output" == *"is blocked"* ]]
		[[ "$output" == *"nothing of this line ran"* ]]
		[[ "$output" == *"--allow-command"* ]]
	done
	[ "$(cat "$WORK/f")" = keep ]
	[ ! -e "$WORK/ran" ]
}

@test "quoted words are not commands; allowed commands run" {
	run timeout 30 "$NONO" shell --silent --allow "$WORK" -c "echo 'rm is just a word' > $WORK/w"
	[ "$(cat "$WORK/w")" = "rm is just a word" ]
	run timeout 30 "$NONO" shell --silent --allow "$WORK" --allow-command rm --allow-delete -c "rm $WORK/f"
	[ ! -e "$WORK/f" ]
}

@test "lines from stdin, builtins, and the exit status" {
	run bash -c "printf 'cd $WORK\necho in-\$(pwd)\nwhy $HOME/.ssh/id_rsa\ncaps\nexit 4\necho never\n' | timeout 30 '$NONO' shell --silent --allow '$WORK'"
	[ "$status" -eq 4 ]
	[[ "$output" == *"in-$WORK"* ]]
	[[ "$output" == *DENIED* ]]
	[[ "$output" == *"read+write"*"$WORK"* ]]
	[[ "$output" != *never* ]]
}

@test "a refused access gets one hint with the flag to restart with" {
	run timeout 30 "$NONO" shell --silent --allow "$WORK" -c "cat $OUTSIDE/data.txt"
	[[ "$output" != *outside-data* ]]
	[[ "$output" == *"hint: reading $OUTSIDE/data.txt was refused by the sandbox (not granted); restart with --read-file $OUTSIDE/data.txt"* ]]
	[ "$(echo "$output" | grep -c '^hint:')" -eq 1 ]
}

@test "nono shell takes every sandbox flag and --profile" {
	run timeout 30 "$NONO" shell --silent --profile claude-code --block-net -c "python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM)'"
	[[ "$output" == *"Permission denied"* ]]
	# a program is a usage error of nono shell
	run timeout 30 "$NONO" shell --silent -- prog
	[ "$status" -eq 2 ]
}

@test "the process reading the lines is itself confined; the history file is out of its reach" {
	mkdir -p "$XDG_STATE_HOME/nono"
	echo "echo old-line" > "$XDG_STATE_HOME/nono/shell_history"
	# the line runs as SHELL -c LINE: its parent is the process that read it
	run timeout 30 "$NONO" shell --silent --allow "$WORK" -c \
		"grep -E '^(NoNewPrivs|Seccomp):' /proc/\$PPID/status; cat $XDG_STATE_HOME/nono/shell_history; echo after"
	[[ "$output" == *"NoNewPrivs:"*1* ]]
	[[ "$output" == *"Seccomp:"*2* ]]
	[[ "$output" != *old-line* ]]
	[[ "$output" == *after* ]]
	# and the supervisor, its parent, is not
	run timeout 30 "$NONO" shell --silent --allow "$WORK" -c \
		"ppid=\$(awk '/^PPid:/ {print \$2}' /proc/\$PPID/status); echo sup=\$ppid"
	sup=$(echo "$output" | sed -n 's/.*sup=\([0-9]*\).*/\1/p')
	[ -n "$sup" ]
}

@test "why with an operation, and the user's shell (--shell, SHELL, /bin/sh)" {
	run bash -c "printf 'why $WORK/f delete\nwhy $WORK/f write\n' | timeout 30 '$NONO' shell --silent --allow '$WORK'"
	# writable means writable: both allowed; with --no-delete the delete is not
	[ "$(echo "$output" | grep -c ALLOWED)" -eq 2 ]
	run bash -c "printf 'why $WORK/f delete\nwhy $WORK/f write\n' | timeout 30 '$NONO' shell --silent --no-delete --allow '$WORK'"
	[ "$(echo "$output" | grep -c DENIED)" -eq 1 ]
	[[ "$output" == *"--allow-delete"* ]]
	[ "$(echo "$output" | grep -c ALLOWED)" -eq 1 ]
	run timeout 30 "$NONO" shell --silent --allow "$WORK" --shell /bin/bash -c 'echo "bash=$BASH_VERSION"'
	[[ "$output" == bash=[0-9]* ]]
	run env SHELL=/bin/bash timeout 30 "$NONO" shell --silent --allow "$WORK" -c 'echo "bash=$BASH_VERSION"'
	[[ "$output" == bash=[0-9]* ]]
	run env -u SHELL timeout 30 "$NONO" shell --silent --allow "$WORK" -c 'echo "bash=$BASH_VERSION"; readlink /proc/$$/exe'
	[[ "$output" == *"bash="$'\n'* ]]
	[[ "$output" == *dash* ]]
}


@test "the real prompt: completion, refusal, Ctrl-C, history across restarts" {
	command -v tmux >/dev/null || skip "tmux not installed"
	touch "$HOME/docs/visible-one.txt"
	tmux_shell
	# the prompt shows the sandbox at a glance: its working directory
	wait_screen "\[nono\] ${WORK/#$HOME/\~} \\$"
	keys "echo marker-\$((6*7))" Enter
	wait_screen "marker-42"
	keys "history" Enter
	wait_screen "^ *[0-9]*  echo marker-"
	keys "ls $HOME/docs/visible-o" Tab
	wait_screen "visible-one.txt"
	keys Enter
	keys "cat $HOME/.ssh/id_rsa" Enter
	wait_screen "sensitive path"
	keys "rm $WORK/f" Enter
	wait_screen "nothing of this line ran"
	# a read-only helper runs: xargs is not a blocked command
	keys "ls $HOME/docs | xargs echo seen-by-xargs" Enter
	wait_screen "seen-by-xargs"
	keys "sleep 100" Enter
	sleep 0.5
	keys C-c
	keys "echo after-interrupt" Enter
	wait_screen "after-interrupt"
	keys "sleep 60" Enter
	sleep 0.5
	keys C-z
	wait_screen "Stopped"
	keys "fg" Enter
	sleep 0.3
	keys C-c
	keys "echo after-fg" Enter
	wait_screen "after-fg"
	keys "exit" Enter
	sleep 0.5
	! screen | grep -q SECRET || false
	[ "$(cat "$WORK/f")" = keep ]
	grep -q "marker" "$XDG_STATE_HOME/nono/shell_history"
	keys "$NONO shell --silent --allow $WORK --block-net" Enter
	wait_screen "\[nono net:off\]"
	keys Up Up
	wait_screen "echo after-fg"
	keys C-u "false" Enter
	sleep 0.3
	keys C-d
	sleep 0.5
	keys 'echo status=$?' Enter
	wait_screen "status=1"
}

@test "completion offers only what the sandbox can see" {
	command -v tmux >/dev/null || skip "tmux not installed"
	mkdir -p "$OUTSIDE/hidden-dir-xyz"
	tmux_shell
	keys "ls $OUTSIDE/hidden-d" Tab Tab
	sleep 0.5
	! screen | grep -q "hidden-dir-xyz" || false
}

@test "Ctrl-C at the prompt discards the typed line: it never runs on the next Enter" {
	command -v tmux >/dev/null || skip "tmux not installed"
	tmux_shell
	keys "touch $WORK/ABANDONED-ran"
	wait_screen "ABANDONED-ran"
	keys C-c
	# '^C' and a fresh prompt on a line of their own
	wait_screen '\^C$'
	keys "echo ok-after" Enter
	wait_screen "^ok-after$"
	keys "echo status=\$?" Enter
	wait_screen "^status=0$"
	# a half-typed line abandoned twice, then Enter on an empty line
	keys "touch $WORK/ABANDONED-two" C-c C-c Enter
	sleep 0.5
	keys "exit" Enter
	sleep 0.3
	[ ! -e "$WORK/ABANDONED-ran" ] || { screen; false; }
	[ ! -e "$WORK/ABANDONED-two" ] || { screen; false; }
	# nothing typed after Ctrl-C was appended to the abandoned text
	! screen | grep -q "ABANDONED-ranecho" || false
}
