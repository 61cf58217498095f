#!/usr/bin/env bats
# Upstream compatibility (issue 23): global flags before the command, near
# misses answered with a suggestion, upstream's flags and commands this nono
# lacks answered with what to use instead, 'nono completion', and the shell's
# --shell checked before anything runs.
load helpers
bats_require_minimum_version 1.5.0

setup() { common_setup; }
teardown() { common_teardown; }

@test "global -s and --silent before run: no banner, the program's output only" {
	run --separate-stderr timeout 30 "$NONO" --silent run --allow "$WORK" -- sh -c 'echo made > "$1"' sh "$WORK/out"
	[ "$status" -eq 0 ]
	[ "$(cat "$WORK/out")" = made ]
	[ -z "$stderr" ]
	run --separate-stderr timeout 30 "$NONO" -s run -- echo hello
	[ "$status" -eq 0 ]
	[ "$output" = hello ]
	[ -z "$stderr" ]
	# without it the banner is there: the flag did something
	run --separate-stderr timeout 30 "$NONO" run -- echo hello
	[[ "$stderr" == *"Landlock ABI"* ]]
}

@test "global -v before run reaches run; an unknown global flag is a usage error" {
	run --separate-stderr timeout 30 "$NONO" -v run --dry-run -- true
	[ "$status" -eq 0 ]
	run -2 timeout 10 "$NONO" --bogus run -- true
	has "unknown option '--bogus' before the command"
}

@test "a mistyped command is answered with the nearest one, exit 2" {
	run -2 timeout 10 "$NONO" rnu -- true
	has "unknown command 'rnu'"
	has "did you mean 'nono run'"
}

@test "a mistyped profile name is answered with the nearest profile; nothing runs" {
	run timeout 10 "$NONO" run --profile claude-cod -- touch "$WORK/ran"
	[ "$status" -ne 0 ]
	has "no profile named 'claude-cod'"
	has "did you mean 'claude-code'"
	[ ! -e "$WORK/ran" ]
	mkdir -p "$HOME/.config/nono/profiles"
	echo '{"meta":{"name":"myagent"}}' > "$HOME/.config/nono/profiles/myagent.json"
	run timeout 10 "$NONO" run --profile myagnet -- true
	has "did you mean 'myagent'"
}

@test "a mistyped config.ini key is warned with the nearest key" {
	mkdir -p "$HOME/.config/nono"
	printf '[run]\nbaner = false\n' > "$HOME/.config/nono/config.ini"
	run timeout 10 "$NONO" profile list
	[ "$status" -eq 0 ]
	has "unknown key 'baner' in [run]"
	has "did you mean [run] banner?"
}

@test "an upstream flag nono lacks: not supported by this nono, and what to use; nothing runs" {
	run timeout 10 "$NONO" run --allow-gpu -- touch "$WORK/ran"
	[ "$status" -ne 0 ]
	has "--allow-gpu is upstream nono's, not supported by this nono"
	has "instead:"
	lacks "unknown option"
	[ ! -e "$WORK/ran" ]
	run timeout 10 "$NONO" run --startup-timeout=5 -- true
	has "--startup-timeout is upstream nono's, not supported by this nono"
	run -2 timeout 10 "$NONO" --theme latte run -- true
	has "--theme is upstream nono's"
}

@test "an upstream command nono lacks: not supported, what to use, exit 2" {
	run -2 timeout 10 "$NONO" wrap -- touch "$WORK/ran"
	has "'wrap' is an upstream nono command, not supported by this nono"
	has "instead: nono run"
	[ ! -e "$WORK/ran" ]
	run -2 timeout 10 "$NONO" learn
	has "not supported by this nono"
}

@test "nono policy: upstream's deprecated alias of nono profile, with a warning" {
	run --separate-stderr timeout 10 "$NONO" policy groups
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"use 'nono profile groups'"* ]]
	[[ "$output" == *deny_credentials* ]]
}

@test "nono completion prints each shell's script, the same bytes as completions/" {
	for s in bash:nono.bash zsh:_nono fish:nono.fish; do
		timeout 10 "$NONO" completion "${s%%:*}" > "$SCRATCH/c"
		cmp "$SCRATCH/c" "$NONO_SRCDIR/completions/${s#*:}"
	done
	# the bash script loads and completes
	run bash -c "source <(timeout 10 '$NONO' completion bash) && complete -p nono"
	[ "$status" -eq 0 ]
	has "nono"
	run -2 timeout 10 "$NONO" completion tcsh
	has "not a shell this nono completes for"
}

@test "nono shell --shell with a missing or non-executable PATH: exit 125 at once, the reason" {
	run -125 --separate-stderr timeout 10 "$NONO" shell --shell /nonexistent/sh -c "touch '$WORK/ran'"
	[[ "$stderr" == *"--shell /nonexistent/sh: No such file or directory"* ]]
	# before the banner: nothing was launched
	[[ "$stderr" != *"Landlock ABI"* ]]
	[ ! -e "$WORK/ran" ]
	echo 'not a shell' > "$WORK/notexec"
	run -125 --separate-stderr timeout 10 "$NONO" shell --shell "$WORK/notexec" -c true
	[[ "$stderr" == *"not an executable file"* ]]
	run -125 --separate-stderr timeout 10 "$NONO" shell --shell "$WORK" -c true
	[[ "$stderr" == *"not an executable file"* ]]
	# a shell that exists runs the line; a bare name is found on PATH
	run timeout 30 "$NONO" shell -s --allow "$WORK" --shell sh -c "echo ok > '$WORK/ran'" </dev/null
	[ "$status" -eq 0 ]
	[ "$(cat "$WORK/ran")" = ok ]
}
