#!/usr/bin/env bats
# What reaches the user's terminal: text the sandbox chose (file names, argv,
# file content, socket paths) is shown with its control characters escaped
# (\e, \xNN) by every command that prints it, so that a program cannot
# retitle, clear or rewrite the terminal through nono's own output later.
load helpers
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	ESC=$'\033'
	printf 'one\ntwo\n' > "$WORK/g"
}
teardown() { common_teardown; }

# $output holds no raw control byte (ESC, BEL, DEL, CSI...) but tab and
# newline; else say whose output it was and show it made visible
no_raw_controls() {
	if printf '%s' "$output" | LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f\x9b]'; then
		echo "raw control bytes in the output of $1:"
		printf '%s\n' "$output" | cat -v
		return 1
	fi
}

# A session whose file names, argv and file content carry escape sequences
# (and one argument that is not UTF-8), with rollback on.
hostile_session() {
	run nono_run --strict-exec --allow-delete --allow "$WORK" -- sh -c '
		echo x > "$(printf "a\033]0;PWNED\007b")"
		printf "one\n\033[31mred\033[0m\n" > g
		/bin/echo "$1" > /dev/null
		/bin/rm -f "$(printf "z\377\033[2J")"
		echo done' sh "${ESC}[2J"
	echo "$output"
	[[ "$output" == *done* ]]
	[ -f "$WORK/a${ESC}]0;PWNED"$'\a'"b" ]
	[ "$(sed -n 2p "$WORK/g")" = "${ESC}[31mred${ESC}[0m" ]
}

@test "audit list and show: names, argv and refused commands are shown escaped, none hidden" {
	hostile_session
	run timeout 30 "$NONO" audit show last
	no_raw_controls "nono audit show"
	printf '%s\n' "$output"
	[ "$status" -eq 0 ]
	# the file's name, the exec's argv, the session's command line
	[[ "$output" == *"open-trunc $WORK/a\\e]0;PWNED\\x07b"* ]]
	[[ "$output" == *'$ /bin/echo \e[2J'* ]]
	[[ "$output" == *"Command:   sh -c "*' sh \e[2J'* ]]
	# an argument that is not UTF-8 no longer hides its (refused) event
	[[ "$output" == *"1 refused"* ]]
	[[ "$output" == *REFUSED*'$ /bin/rm -f z'$'\xef\xbf\xbd''\e[2J'* ]]
	run timeout 30 "$NONO" audit list
	no_raw_controls "nono audit list"
	printf '%s\n' "$output"
	[[ "$output" == *'sh -c '*' sh \e[2J'* ]]
	# --json: jansson's escaping, and still JSON
	run timeout 30 "$NONO" audit show last --json
	no_raw_controls "nono audit show --json"
	printf '%s' "$output" | python3 -c "
import json, sys
ev = json.load(sys.stdin)['events']
assert any(e.get('path', '').endswith('/a\x1b]0;PWNED\x07b') for e in ev), ev
assert any(e.get('argv') == ['/bin/echo', '\x1b[2J'] for e in ev), ev"
}

@test "rollback list, show, show --diff and restore --dry-run show names and content escaped" {
	hostile_session
	name="$WORK/a\\e]0;PWNED\\x07b"
	run timeout 30 "$NONO" rollback show last
	no_raw_controls "nono rollback show"
	printf '%s\n' "$output"
	[[ "$output" == *"created    $name"* ]]
	[[ "$output" == *"modified   $WORK/g"* ]]
	[[ "$output" == *"Command  sh -c "*' sh \e[2J'* ]]
	# on a terminal (through the pager, or without colour) the patch is escaped
	run script -qec "env PAGER=cat NO_COLOR=1 '$NONO' rollback show last --diff" /dev/null
	output=${output//$'\r'/}
	no_raw_controls "nono rollback show --diff"
	printf '%s\n' "$output"
	# names as git quotes them
	[[ "$output" == *'+++ "b/a\033]0;PWNED\ab"'* ]]
	[[ "$output" == *'+\e[31mred\e[0m'* ]]
	[[ "$output" == *'-two'* ]]
	# written elsewhere it is the patch's exact bytes, for git apply; the names still quoted
	run timeout 30 "$NONO" rollback show last --diff
	[[ "$output" == *$'+\e[31mred\e[0m'* ]]
	[[ "$output" == *'+++ "b/a\033]0;PWNED\ab"'* ]]
	run timeout 30 "$NONO" rollback list
	no_raw_controls "nono rollback list"
	printf '%s\n' "$output"
	[[ "$output" == *' sh \e[2J ('* ]]
	run timeout 30 "$NONO" rollback restore last --dry-run
	no_raw_controls "nono rollback restore --dry-run"
	printf '%s\n' "$output"
	[[ "$output" == *"remove    $name"* ]]
	# the file is still there: a dry run
	[ -f "$WORK/a${ESC}]0;PWNED"$'\a'"b" ]
}

@test "the supervisor's log lines escape the paths the program asked for" {
	# both exist: the supervisor resolves a path before it judges it
	touch "$OUTSIDE/x"$'\e[2J'
	python3 -c "import socket; socket.socket(socket.AF_UNIX).bind('$SCRATCH/no\x1b]0;T\x07.sock')"
	run timeout 30 "$NONO" run -v --allow "$WORK" -- python3 -c "
import os, socket
try: os.chmod('$OUTSIDE/x\x1b[2J', 0o777)
except OSError as e: print('chmod', e.errno)
s = socket.socket(socket.AF_UNIX)
try: s.connect('$SCRATCH/no\x1b]0;T\x07.sock')
except OSError as e: print('connect', e.errno)
"
	no_raw_controls "nono run -v"
	printf '%s\n' "$output"
	[[ "$output" == *"chmod 1"* ]]
	[[ "$output" == *"nono: refused chmod on $OUTSIDE/x\\e[2J"* ]]
	[[ "$output" == *"nono: refused connect to UNIX socket $SCRATCH/no\\e]0;T\\x07.sock"* ]]
}

@test "nono why and --dry-run show a path or argument with escape sequences escaped" {
	run timeout 30 "$NONO" why --path "$OUTSIDE/x${ESC}[2J"
	no_raw_controls "nono why"
	printf '%s\n' "$output"
	[[ "$output" == *"Path:       $OUTSIDE/x\\e[2J"* ]]
	run timeout 30 "$NONO" why --json --path "$OUTSIDE/x${ESC}[2J"$'\xff'
	no_raw_controls "nono why --json"
	printf '%s\n' "$output"
	[ "$(printf '%s' "$output" | python3 -c 'import json,sys; print(json.load(sys.stdin)["path"].encode("unicode_escape").decode())')" = "$OUTSIDE/x\\x1b[2J\\ufffd" ]
	run timeout 30 "$NONO" run --dry-run --allow "$WORK" -- echo "${ESC}]0;PWNED"$'\a'
	no_raw_controls "nono run --dry-run"
	printf '%s\n' "$output"
	[[ "$output" == *'Arguments: \e]0;PWNED\x07'* ]]
}
