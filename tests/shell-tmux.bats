#!/usr/bin/env bats
# nono shell is a real shell: the user's shell keeps its state across lines
# (variables, aliases, functions, cwd, $?), reads multi-line input, runs a
# piped script as it would, does job control; Ctrl-C discards a typed line;
# every exec meets the blocklist, whatever spelling reaches it; hints come
# from the real refusal; a working directory not granted is offered. Driven
# through a real terminal (tmux).
load helpers

setup() {
	common_setup
	command -v tmux >/dev/null || skip "tmux not installed"
	export XDG_STATE_HOME="$SCRATCH/state"
	echo keep > "$WORK/f"
}
teardown() {
	tmux -L "nono-$$" kill-server 2>/dev/null || true
	sleep 0.2
	common_teardown
}

@test "state across lines: variables, aliases, functions, cd -, \$?" {
	tmux_shell
	line 'export FOO=bar; plain=1'
	line 'echo "foo=$FOO plain=$plain"'
	wait_screen '^foo=bar plain=1$'
	line "alias hello='echo hello-from-alias'"
	line 'hello'
	wait_screen '^hello-from-alias$'
	line 'greet() { echo "hi-$1"; }'
	line 'greet there'
	wait_screen '^hi-there$'
	line 'cd /'
	line 'cd -'
	wait_screen "^$WORK\$"
	line 'echo "cwd=$PWD"'
	wait_screen "^cwd=$WORK\$"
	line '(exit 7)'
	# the prompt shows the status, in no form a shell would expand ('!')
	wait_screen '(7) \$'
	screen_lacks '!\$'
	line 'echo "status=$?"'
	wait_screen '^status=7$'
	# the variable reached a program the shell runs
	line 'sh -c "echo child-sees-\$FOO"'
	wait_screen '^child-sees-bar$'
}

@test "multi-line input: a continuation prompt, then the construct runs once" {
	tmux_shell
	line 'for i in 1 2 3'
	wait_screen '^>'
	line 'do echo "loop-$i"'
	line 'done'
	wait_screen '^loop-3$'
	[ "$(screen | grep -c '^loop-')" -eq 3 ]
	line 'if true; then'
	line '  echo in-if'
	line 'fi'
	wait_screen '^in-if$'
	# Ctrl-C at a continuation drops the construct begun
	line 'while true'
	wait_screen '^>'
	keys C-c
	sleep 0.4
	line 'echo after-construct'
	wait_screen '^after-construct$'
}

@test "a piped script runs as the shell would run it" {
	run bash -c "printf 'X=5\necho \"X=\$X\"\nf() { echo \"in-f-\$1\"; }\nf 2\n' | timeout 30 '$NONO' shell --silent --allow '$WORK'"
	has "X=5"
	has "in-f-2"
	run bash -c "printf 'for i in a b\ndo\n  echo \"it-\$i\"\ndone\nexit 3\necho never\n' | timeout 30 '$NONO' shell --silent --allow '$WORK'"
	[ "$status" -eq 3 ]
	has "it-a"
	has "it-b"
	lacks never
}

@test "job control: jobs lists a stopped job, fg resumes it, exit warns first" {
	tmux_shell
	keys 'sleep 60' Enter
	sleep 0.6
	keys C-z
	wait_screen 'Stopped'
	line 'jobs'
	wait_screen '^\[1\]+ *Stopped *sleep 60$'
	line 'bg'
	keys 'fg' Enter
	sleep 0.6
	keys C-c
	sleep 0.3
	keys 'sleep 61' Enter
	sleep 0.6
	keys C-z
	wait_screen 'Stopped *sleep 61'
	line 'echo between'
	line 'exit'
	wait_screen 'There are stopped jobs'
	# still inside: the session answers
	line 'echo still-inside'
	wait_screen '^still-inside$'
	keys 'exit' Enter
	wait_screen '^bash-'
}

@test "Ctrl-C discards the typed line: only what is typed after it runs" {
	tmux_shell
	keys "echo ABANDONED"
	sleep 0.3
	keys C-c
	wait_screen '\^C$'
	keys "echo ok" Enter
	wait_screen '^ok$'
	screen_lacks '^ABANDONED'
	screen_lacks 'ABANDONEDecho'
	# a running loop is the shell's to interrupt: the session stays
	keys 'while :; do :; done' Enter
	sleep 0.5
	keys C-c
	line 'echo loop-interrupted'
	wait_screen '^loop-interrupted$'
	# Ctrl-D on an empty line leaves
	keys C-d
	wait_screen '^bash-'
}

@test "every spelling of a blocked command is refused: the file stays" {
	tmux_shell --allow "$WORK" --allow-delete
	line "alias del=rm"
	# (a definition that names rm is refused as typed: this one does not)
	line "zap() { \"\$@\"; }"
	for l in "\\rm f" "\"rm\" f" "\$'\\x72m' f" "X=rm; \$X f" "eval 'rm f'" "command rm f" "env rm f" \
		"del f" "zap rm f" "/bin/rm f" "for c in rm; do \$c f; done" "xargs rm <<< f" "X=env; \$X rm f" \
		"(rm f)" "echo \$(rm f)" "exec rm f"; do
		line "$l"
		[ "$(cat "$WORK/f")" = keep ] || { screen; echo "ran: $l"; false; }
	done
	line 'echo done-trying'
	wait_screen '^done-trying$'
	# each was told: blocked, and the flag (exec rm refused leaves bash
	# running: its exec failed)
	[ "$(screen | grep -c "command 'rm' is blocked")" -eq 16 ] || { screen; false; }
	screen | grep -q -- "--allow-command rm"
}

@test "another interpreter's commands are a program's: harmless, the journal keeps the bytes" {
	# what a program the shell runs executes (a build, an npm script, sh -c)
	# is not the shell's command: it runs, and the journal keeps what it
	# destroys; --strict-exec checks it too
	run timeout 30 "$NONO" shell --silent --allow "$WORK" -c "sh -c 'rm f'; echo gone=\$(ls)"
	has "gone="
	[ ! -e "$WORK/f" ]
	run timeout 60 "$NONO" rollback restore last
	[ "$(cat "$WORK/f")" = keep ]
	run timeout 30 "$NONO" shell --silent --strict-exec --allow "$WORK" -c "sh -c 'rm f'"
	has "command 'rm' is blocked"
	[ "$(cat "$WORK/f")" = keep ]
}

@test "the shell's start files: read where the sandbox lets them be, else a note" {
	echo 'alias fromrc="echo rc-was-read"' >> "$HOME/.bashrc"
	echo 'PROMPT_COMMAND='"'"'echo "pc-saw-$?"'"'" >> "$HOME/.bashrc"
	tmux_shell
	wait_screen '\.bashrc not read'
	wait_screen 'hint: reading ~/.bashrc was refused.*--bypass-protection'
	line 'echo "secret=${SECRET_BASHRC:-unset}"'
	wait_screen '^secret=unset$'
	tmux -L "nono-$$" kill-server
	sleep 0.3
	tmux_shell --allow "$WORK" --read-file "$HOME/.bashrc" --bypass-protection "$HOME/.bashrc"
	line 'fromrc'
	wait_screen '^rc-was-read$'
	# its PROMPT_COMMAND still runs, with the command's status; so does
	# nono's prompt, with the same status
	line '(exit 5)'
	wait_screen '^pc-saw-5$'
	wait_screen '(5) \$'
	line 'echo "status=$?"'
	wait_screen '^status=5$'
	# a shell nono cannot mark the prompts of: the POSIX shell instead
	tmux -L "nono-$$" kill-server
	sleep 0.3
	TMUX_SHELL=/usr/bin/fish tmux_shell
	wait_screen 'not bash, zsh or a POSIX sh; running /bin/sh'
	line 'echo "zero=$0"'
	wait_screen '^zero=/bin/sh$'
}

@test "zsh and sh keep their state too" {
	for sh in /usr/bin/zsh /bin/sh; do
		[ -x "$sh" ] || continue
		TMUX_SHELL=$sh tmux_shell
		line 'export FOO=z1; cd /'
		line 'cd - >/dev/null; echo "foo=$FOO pwd=$PWD"'
		wait_screen "^foo=z1 pwd=$WORK\$"
		line 'for i in 1 2'
		line 'do echo "sh-loop-$i"; done'
		wait_screen '^sh-loop-2$'
		keys 'sleep 60' Enter
		sleep 0.6
		keys C-z
		line 'exit'
		wait_screen 'stopped jobs\|suspended jobs'
		keys 'exit' Enter
		wait_screen '^bash-'
		tmux -L "nono-$$" kill-server
		sleep 0.3
	done
}

@test "hints come from the real refusal: the operation, the path, the flag; none on ENOENT" {
	mkdir -p "$WORK/sub"
	cd "$WORK/sub"
	run timeout 30 "$NONO" shell --silent --allow "$WORK/sub" -c "touch ../x"
	has "hint: writing $WORK/x was refused by the sandbox (not granted); restart with --allow $WORK"
	lacks "reading"
	run timeout 30 "$NONO" shell --silent --allow "$WORK" -c "ls /var/tmp/nope-$$"
	has "No such file"
	lacks "hint:"
	# an error that is not the sandbox's: no hint
	run timeout 30 "$NONO" shell --silent --allow "$WORK" -c "cat $WORK/sub"
	has "Is a directory"
	lacks "hint:"
	run timeout 30 "$NONO" shell --silent --allow "$WORK" --no-delete -c "unlink $WORK/f"
	has "hint: deleting $WORK/f was refused by the sandbox"
	has "--allow-delete"
	[ "$(cat "$WORK/f")" = keep ]
	# a name without a slash, in a working directory not granted
	echo readme > "$OUTSIDE/README.md"
	cd "$OUTSIDE"
	run timeout 30 "$NONO" shell --silent --allow "$WORK" -c "cat README.md"
	lacks "readme"$'\n'
	has "hint: reading $OUTSIDE/README.md was refused by the sandbox (not granted); restart with --read-file $OUTSIDE/README.md"
	# nono run: its report after the program names the same flag, unless --silent
	run timeout 30 "$NONO" run --allow "$WORK" -- touch "$OUTSIDE/new"
	has "write $OUTSIDE/new (Landlock): --allow $OUTSIDE would allow it"
	run timeout 30 "$NONO" run --silent --allow "$WORK" -- touch "$OUTSIDE/new"
	lacks "would allow"
	[ ! -e "$OUTSIDE/new" ]
}

@test "hints at the prompt: a refused write, a refused read, nothing for a missing file" {
	echo inside > "$OUTSIDE/data2.txt"
	tmux_shell
	line "echo x > $OUTSIDE/w.txt"
	wait_screen "hint: writing $OUTSIDE/w.txt was refused"
	line "cat $OUTSIDE/data2.txt"
	wait_screen "hint: reading $OUTSIDE/data2.txt was refused.*--read-file"
	line "cat $WORK/missing-$$"
	wait_screen "No such file"
	[ "$(screen | grep -c "^hint: .* $OUTSIDE")" -eq 2 ] || { screen; false; }
	screen_lacks "hint: .*missing"
	[ ! -e "$OUTSIDE/w.txt" ]
}

@test "the working directory not granted: asked once on a terminal, else one warning" {
	echo in-outside > "$OUTSIDE/here.txt"
	tmux -L "nono-$$" new-session -d -s s -x 160 -y 50 \
		"env PATH=$PATH HOME=$HOME XDG_STATE_HOME=$XDG_STATE_HOME SHELL=/bin/bash TERM=xterm bash --norc --noprofile"
	keys "cd $OUTSIDE && $NONO shell --allow $WORK" Enter
	wait_screen 'share the working directory'
	keys r Enter
	wait_screen '\[nono'
	line 'cat here.txt'
	wait_screen '^in-outside$'
	line 'echo x > written.txt'
	wait_screen 'hint: writing'
	[ ! -e "$OUTSIDE/written.txt" ]
	cd "$OUTSIDE"
	run bash -c "timeout 30 '$NONO' shell --allow '$WORK' -c 'true' </dev/null"
	has "working directory $OUTSIDE is not granted"
	has "--allow-cwd"
	run bash -c "timeout 30 '$NONO' shell --allow-cwd -c 'cat here.txt' </dev/null"
	has in-outside
	lacks "not granted"
}
