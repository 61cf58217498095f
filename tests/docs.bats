#!/usr/bin/env bats
# The man pages keep step with --help, the profile schema and the settings;
# help, --version, errors and colour behave like the tools users know.
load helpers

bats_require_minimum_version 1.5.0

setup() { common_setup; }
teardown() { common_teardown; }

SRC="${NONO_SRCDIR:-$BATS_TEST_DIRNAME/..}"
MAN="$SRC/man/nono.1"
MAN_PROFILE="$SRC/man/nono-profile.5"
MAN_CONFIG="$SRC/man/nono-config.5"

# the commands 'nono --help' lists
commands() {
	"$NONO" --help | awk '/^Commands:/ { f = 1; next } /^$/ { f = 0 } f { print $1 }'
}

# roff source to plain text, so '\-\-allow' reads '--allow'
man_text() {
	sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$1"
}

@test "nono --help lists every command, and each has a section in nono.1" {
	run -0 commands
	for c in run shell why profile config setup help; do
		[[ "$output" == *"$c"* ]] || { echo "--help lacks $c"; return 1; }
	done
	for c in $(commands); do
		grep -qE "^\.SS \"nono $c( |\")" "$MAN" || { echo "nono.1 has no section for $c"; return 1; }
	done
}

@test "every flag of nono --help and of each nono CMD --help is in nono.1" {
	text=$(man_text "$MAN")
	for cmd in "" $(commands); do
		[ "$cmd" = help ] && continue
		# shellcheck disable=SC2086
		flags=$("$NONO" $cmd --help | grep -oE -- '(^|[ ,[|])--?[a-zA-Z][a-z-]*' | grep -oE -- '--?[a-zA-Z][a-z-]*' | sort -u)
		[ -n "$flags" ] || { echo "no flags parsed from nono $cmd --help"; return 1; }
		for f in $flags; do
			grep -qE -- "(^|[^a-z-])$f([^a-z-]|\$)" <<<"$text" || { echo "nono.1 lacks $f (nono $cmd --help)"; return 1; }
		done
	done
}

@test "every key of the profile schema is in nono-profile.5, with an example" {
	keys=$(sed -n 's/^[[:space:]]*{"\([^"]*\)", K_[A-Z_]*, S_[A-Z]*,.*/\1/p' "$SRC/src/config/keys.c")
	[ "$(wc -l <<<"$keys")" -ge 50 ]
	for k in $keys; do
		grep -qxF ".B $k" "$MAN_PROFILE" || { echo "nono-profile.5 has no entry for $k"; return 1; }
		leaf=${k##*.}
		grep -qF "\"$leaf\"" "$MAN_PROFILE" || { echo "nono-profile.5 has no example using $k"; return 1; }
	done
}

@test "each one-key example of nono-profile.5 is a profile nono accepts (or refuses, where the page says so)" {
	# the one-line examples under the key entries, as written in the page
	man_text "$MAN_PROFILE" | awk '/^\.SH KEYS/ { k = 1 } /^\.SH EXAMPLES/ { k = 0 }
		k && /^\.EX/ { e = 1; next } /^\.EE/ { e = 0 } k && e && /^"/ { print }' >examples
	[ "$(wc -l <examples)" -ge 50 ]
	n=0
	while IFS= read -r ex; do
		[[ "$ex" == *'"extends": ["python-dev", "team-base"]'* ]] && continue # names a user profile
		[[ "$ex" == *'{' ]] && continue                                      # multi-line: checked below
		printf '{%s}\n' "$ex" >p.json
		run "$NONO" profile validate ./p.json
		case $ex in
		*process_info_mode* | *ipc_mode*)
			[ "$status" -eq 1 ]
			[[ "$output" == *"not enforced by this nono yet"* ]] ;;
		*)
			[ "$status" -eq 0 ] || { echo "$ex: $output"; return 1; }
			[[ "$output" == *": valid"* ]] ;;
		esac
		n=$((n + 1))
	done <examples
	[ "$n" -ge 45 ]
}

@test "the complete profile in nono-profile.5 validates and yields its grants" {
	mkdir -p "$HOME/.config/nono/profiles" "$HOME/shared-libs" "$HOME/.claude"
	man_text "$MAN_PROFILE" | awk '/^\.SH EXAMPLES/ { x = 1 } x && /^\.EX/ { e = 1; next } x && /^\.EE/ { exit } e' \
		>"$HOME/.config/nono/profiles/my-agent.json"
	grep -q '"extends": "claude-code"' "$HOME/.config/nono/profiles/my-agent.json"
	run -0 "$NONO" profile validate my-agent
	[[ "$output" == *"valid"* ]]
	run -0 "$NONO" run --dry-run --profile my-agent -- true
	[[ "$output" == *"$HOME/shared-libs"* ]]
	[[ "$output" == *"$HOME/.claude"* ]]
	run -0 "$NONO" run --dry-run --json --profile my-agent -- true
	[[ "$output" == *'"net_blocked": true'* ]]
}

@test "every setting nono config knows is in nono-config.5, and its example file reads back" {
	for k in $("$NONO" config --help | sed -n 's/^  \[\([a-z]*\)\] *\([a-z_]*\).*/\1.\2/p'); do
		section=${k%%.*} key=${k#*.}
		grep -qxF "[$section]" "$MAN_CONFIG" || { echo "nono-config.5 lacks [$section]"; return 1; }
		grep -qxE "\.B $key" "$MAN_CONFIG" || { echo "nono-config.5 lacks $key"; return 1; }
	done
	mkdir -p "$HOME/.config/nono"
	man_text "$MAN_CONFIG" | awk '/^\.SH EXAMPLES/ { x = 1 } x && /^\.EX/ { e = 1; next } x && /^\.EE/ { exit } e' \
		>"$HOME/.config/nono/config.ini"
	run -0 --separate-stderr "$NONO" config
	[ -z "$stderr" ]
	[[ "$output" == *"profile          = claude-code"* ]]
	[[ "$output" == *"banner           = false"* ]]
	[[ "$output" == *"max_file_size    = 536870912"* ]]
	[[ "$output" == *"older_than_days  = 180 "* ]]
}

@test "the man pages render without warnings (groff -ww, mandoc -T lint)" {
	command -v groff >/dev/null || skip "groff not installed"
	for m in "$MAN" "$MAN_PROFILE" "$MAN_CONFIG"; do
		run -0 --separate-stderr groff -ww -z -man "$m"
		[ -z "$stderr$output" ] || { echo "$m: $stderr"; return 1; }
		if command -v mandoc >/dev/null; then
			run -0 mandoc -T lint -W warning "$m"
			[ -z "$output" ]
		fi
	done
	# and the text is there once rendered (overstrike removed)
	run -0 bash -c "groff -man -Tascii '$MAN_PROFILE' 2>&1 | sed 's/.\x08//g'"
	[[ "$output" == *"filesystem.allow_delete"* ]]
	[[ "$output" == *'"filesystem": {"allow_delete": ["$WORKDIR", "$HOME/.cache/pip"]}'* ]]
}

@test "every 'nono run' and 'nono why' example of nono.1 is accepted" {
	mkdir -p src docs
	n=0
	while IFS= read -r line; do
		# run nothing: a dry run, and a program that exists
		l=$(sed -e 's/^nono run /run --dry-run /' -e 's/ -- .*$/ -- true/' -e 's/^nono //' <<<"$line")
		eval "set -- $l"
		run "$NONO" "$@"
		[ "$status" -eq 0 ] || { echo "$line: $output"; return 1; }
		case $1 in
		run) [[ "$output" == *"dry run"* ]] ;;
		why) [[ "$output" == *".ssh/id_rsa"* ]] ;;
		esac
		n=$((n + 1))
	done < <(man_text "$MAN" | awk '/^\.SH EXAMPLES/ { x = 1 } /^\.SH SEE/ { x = 0 } x && /^nono (run|why) /')
	[ "$n" -ge 10 ]
}

@test "nono help COMMAND prints what nono COMMAND --help prints, for every command" {
	for c in $(commands); do
		[ "$c" = help ] && continue
		run -0 --separate-stderr "$NONO" help "$c"
		[ -z "$stderr" ]
		a=$output
		run -0 "$NONO" "$c" --help
		[ "$a" = "$output" ] || { echo "help $c differs from $c --help"; return 1; }
		[[ "$output" == *"Usage: nono $c"* ]]
		run -0 "$NONO" "$c" -h
		[ "$a" = "$output" ]
	done
	run -0 "$NONO" help
	[[ "$output" == *"Commands:"* ]]
	run -0 "$NONO" help help
	[[ "$output" == *"Commands:"* ]]
}

@test "errors go to stderr, one 'nono:' line, with a non-zero status and nothing on stdout" {
	while IFS= read -r args; do
		eval "set -- $args"
		run --separate-stderr "$NONO" "$@"
		[ "$status" -ne 0 ] || { echo "nono $args: status 0"; return 1; }
		[ -z "$output" ] || { echo "nono $args wrote to stdout: $output"; return 1; }
		[[ "$stderr" == "nono: "* ]] || { echo "nono $args: stderr '$stderr'"; return 1; }
	done <<'EOF'
frobnicate
--frob
help frobnicate
run --frob -- true
run
shell --frob
why --op sideways /etc/passwd
why
profile frob
profile list --frob
profile show
profile show no-such-profile
config --frob
config extra
setup --frob
rollback frob
rollback show no-such-session
audit frob
hooks frob
pull
pull --frob a/b
pull NOT/A/REF
search --frob
search one two
list --frob
update --frob
remove
trust frob
trust sign
trust status --frob
EOF
	run -2 --separate-stderr "$NONO" help frobnicate
	[[ "$stderr" == *"unknown command 'frobnicate'"* ]]
	[[ "$stderr" == *"hint: see 'nono --help'"* ]]
	run --separate-stderr "$NONO"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == *"Usage: nono COMMAND"* ]]
}

@test "usage errors exit 2 with one line and a hint: run, shell, why, audit, rollback, profile, hooks, setup, config, pull" {
	while IFS= read -r args; do
		eval "set -- $args"
		run --separate-stderr "$NONO" "$@"
		[ "$status" -eq 2 ] || { echo "nono $args: status $status: $stderr"; return 1; }
		[ -z "$output" ] || { echo "nono $args wrote to stdout: $output"; return 1; }
		[[ "$stderr" == "nono: nono "*$'\n'"hint: "* ]] || { echo "nono $args: stderr '$stderr'"; return 1; }
		[ "$(wc -l <<<"$stderr")" -eq 2 ] || { echo "nono $args: stderr '$stderr'"; return 1; }
	done <<'EOF'
audit
audit frob
audit list --frob
audit list extra
audit show
audit show one two
audit cleanup --keep x
rollback
rollback frob
rollback show
rollback list --frob
rollback restore last --path
profile
profile frob
profile show
profile init
profile diff one
profile list --frob
profile validate a b
hooks
hooks frob
hooks status --frob
hooks status nosuchtarget
hooks install claude-code extra
setup --frob
setup extra
config --frob
config extra
run --frob -- true
run --allow
run --allow .
shell --frob
shell extra
why
why --frob x
why a b
pull
EOF
	# a near miss is named
	run -2 --separate-stderr "$NONO" audit lsit
	[[ "$stderr" == *"unknown command 'lsit'"*"did you mean 'list'?"* ]]
}

@test "--version: the version, the git revision it was built from, the Landlock ABI it knows" {
	run -0 "$NONO" --version
	[[ "$output" =~ ^nono\ [0-9]+\.[0-9]+\.[0-9]+\ \((git\ ([0-9a-f]+)(-dirty)?|revision\ unknown)\;\ Landlock\ ABI\ up\ to\ ([0-9]+)\)$ ]]
	rev=${BASH_REMATCH[2]}
	[ "${BASH_REMATCH[4]}" -ge 6 ]
	run -0 "$NONO" -V
	[[ "$output" == "nono "* ]]
	if [ -e "$SRC/.git" ] && command -v git >/dev/null; then
		# built from git: a real commit of this repository
		[ -n "$rev" ]
		git -C "$SRC" cat-file -e "$rev^{commit}"
	elif [ -s "$SRC/.revision" ]; then
		# built from a release tarball: the revision it was made from
		[ "$rev" = "$(sed 's/-dirty$//' "$SRC/.revision")" ]
	fi
}

@test "colour only on a terminal, and never with NO_COLOR" {
	command -v script >/dev/null || skip "script (util-linux) not installed"
	esc=$'\033['
	# a pipe: no colour
	run --separate-stderr "$NONO" frobnicate
	[[ "$stderr" == "nono: unknown command"* ]]
	[[ "$stderr" != *"$esc"* ]]
	# a terminal: colour
	run script -qec "'$NONO' frobnicate" /dev/null
	[[ "$output" == *"unknown command 'frobnicate'"* ]]
	[[ "$output" == *"$esc"* ]]
	# a terminal with NO_COLOR: none
	run env NO_COLOR=1 script -qec "'$NONO' frobnicate" /dev/null
	[[ "$output" == *"unknown command 'frobnicate'"* ]]
	[[ "$output" != *"$esc"* ]]
	# a terminal with [ui] color = never: none
	mkdir -p "$HOME/.config/nono"
	printf '[ui]\ncolor = never\n' >"$HOME/.config/nono/config.ini"
	run script -qec "'$NONO' why --op sideways /etc/passwd" /dev/null
	[[ "$output" == *"nono"* ]]
	[[ "$output" != *"$esc"* ]]
}
