#!/usr/bin/env bats
# The man page and completions keep step with --help.
load helpers

setup() { common_setup; }
teardown() { common_teardown; }

MAN="${NONO_SRCDIR:-$BATS_TEST_DIRNAME/..}/man/nono.1"
COMP="${NONO_SRCDIR:-$BATS_TEST_DIRNAME/..}/completions"

@test "every flag --help lists is in the man page and the bash completion" {
	for cmd in run shell why setup config; do
		flags=$("$NONO" "$cmd" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u)
		for f in $flags; do
			man_form=$(printf '%s' "$f" | sed 's/-/\\-/g')
			grep -qF -- "$man_form" "$MAN" || { echo "man page lacks $f ($cmd)"; return 1; }
			case $cmd in run|shell|why) grep -qF -- "$f" "$COMP/nono.bash" || { echo "bash completion lacks $f"; return 1; } ;; esac
		done
	done
}

@test "the man page renders without warnings" {
	command -v groff >/dev/null || skip "groff not installed"
	run groff -ww -z -man "$MAN"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "every command has --help, unknown ones are refused" {
	for cmd in run shell why setup profile config; do
		run "$NONO" "$cmd" --help
		[ "$status" -eq 0 ]
		[[ "$output" == *Usage* ]]
	done
	run "$NONO" frobnicate
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown command 'frobnicate'"* ]]
	run "$NONO" --version
	[[ "$output" == "nono "* ]]
}

@test "bash completion completes subcommands and flags" {
	run bash -c "source '$COMP/nono.bash'; COMP_WORDS=(nono ru); COMP_CWORD=1; _nono; echo \${COMPREPLY[*]}"
	[ "$output" = run ]
	run bash -c "source '$COMP/nono.bash'; COMP_WORDS=(nono run --block); COMP_CWORD=2; _nono; echo \${COMPREPLY[*]}"
	[[ "$output" == *--block-net* ]]
	run bash -c "source '$COMP/nono.bash'; COMP_WORDS=(nono why --op w); COMP_CWORD=3; _nono; echo \${COMPREPLY[*]}"
	[ "$output" = write ]
}
