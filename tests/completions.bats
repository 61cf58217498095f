#!/usr/bin/env bats
# Shell completions: bash driven the way bash drives it (COMP_WORDS,
# COMP_CWORD, the function, COMPREPLY) in a non-interactive bash; fish through
# 'complete -C'; zsh loads and registers itself.
load helpers

bats_require_minimum_version 1.5.0

COMP="${NONO_SRCDIR:-$BATS_TEST_DIRNAME/..}/completions"

setup() {
	common_setup
	# 'nono' on PATH is the binary under test
	mkdir -p "$SCRATCH/bin"
	ln -s "$NONO" "$SCRATCH/bin/nono"
	export PATH="$SCRATCH/bin:$PATH"
}
teardown() { common_teardown; }

# complete the words given (the last one is the word being completed) with
# the bash completion; prints COMPREPLY sorted, one a line
bash_complete() {
	bash -c '
		source "$1/nono.bash" || exit 99
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_nono
		printf "%s\n" "${COMPREPLY[@]}" | sort
	' bash "$COMP" "$@"
}

@test "bash: the file registers _nono for nono" {
	run -0 bash -c "source '$COMP/nono.bash' && complete -p nono"
	[ "$output" = "complete -F _nono nono" ]
}

@test "bash: subcommands and top-level options" {
	run -0 bash_complete nono ''
	for c in run shell why profile config setup help --help --version; do
		grep -qxF -- "$c" <<<"$output" || { echo "lacks $c"; return 1; }
	done
	run -0 bash_complete nono ru
	[ "$output" = run ]
	run -0 bash_complete nono pro
	[ "$output" = profile ]
	run -0 bash_complete nono help w
	[ "$output" = why ]
}

@test "bash: every flag each command's --help lists is completed for it" {
	for cmd in run shell why setup config; do
		run -0 bash_complete nono "$cmd" --
		got=$output
		# the options of the Options: column (not those named in the help texts)
		for f in $("$NONO" "$cmd" --help | grep -oE -- '^ +(-[a-zA-Z], )?--[a-z][a-z-]+' | grep -oE -- '--[a-z-]+'); do
			grep -qxF -- "$f" <<<"$got" || { echo "nono $cmd: lacks $f"; return 1; }
		done
	done
	run -0 bash_complete nono run --block
	[ "$output" = "$(printf '%s\n' --block-command --block-net)" ]
	run -0 bash_complete nono run --allow-c
	[ "$output" = "$(printf '%s\n' --allow-command --allow-cwd)" ]
	run -0 bash_complete nono profile init x --
	[ "$output" = "$(printf '%s\n' --description --extends --force --groups --output)" ]
}

@test "bash: flag values: --op, profiles (built-in and user), groups" {
	run -0 bash_complete nono why --op ''
	[ "$output" = "$(printf '%s\n' delete read write)" ]
	run -0 bash_complete nono why --op w
	[ "$output" = write ]
	mkdir -p "$HOME/.config/nono/profiles"
	echo '{"extends": "default"}' >"$HOME/.config/nono/profiles/my-agent.json"
	run -0 bash_complete nono run --profile ''
	for p in default claude-code python-dev node-dev rust-dev go-dev my-agent; do
		grep -qxF "$p" <<<"$output" || { echo "lacks profile $p"; return 1; }
	done
	run -0 bash_complete nono run -p my
	[ "$output" = my-agent ]
	run -0 bash_complete nono profile show cl
	[ "$output" = claude-code ]
	run -0 bash_complete nono profile init x --extends py
	[ "$output" = python-dev ]
	run -0 bash_complete nono profile groups git
	[ "$output" = git_config ]
}

@test "bash: paths: directories for grants, files for file grants, a program after --" {
	mkdir -p adir/sub
	echo x >afile
	run -0 bash_complete nono run --allow a
	[ "$output" = adir ]
	run -0 bash_complete nono run --read adir/
	[ "$output" = adir/sub ]
	run -0 bash_complete nono run --allow-file a
	[ "$output" = "$(printf '%s\n' adir afile)" ]
	run -0 bash_complete nono why af
	[ "$output" = afile ]
	# the program: a command, then its arguments are files
	run -0 bash_complete nono run --allow . -- bas
	grep -qxF bash <<<"$output"
	run -0 bash_complete nono run --allow . bas
	grep -qxF bash <<<"$output"
	run -0 bash_complete nono run --allow . -- cat af
	[ "$output" = afile ]
	run -0 bash_complete nono run --block-command shre
	grep -qxF shred <<<"$output"
}

@test "bash: rollback and audit ids come from 'list --json' when the command exists" {
	# no session yet: only 'last'
	run -0 --separate-stderr bash_complete nono rollback show ''
	[ "$output" = last ]
	[ -z "$stderr" ]
	run -0 --separate-stderr bash_complete nono audit show ''
	[ "$output" = last ]
	[ -z "$stderr" ]
	# a nono without them: nothing, silently
	printf '#!/bin/sh\necho "nono: unknown command" >&2; exit 2\n' >"$SCRATCH/old-nono"
	chmod +x "$SCRATCH/old-nono"
	run -0 --separate-stderr bash_complete "$SCRATCH/old-nono" rollback show 2026
	[ -z "$output" ]
	[ -z "$stderr" ]
	# a nono that has them
	cat >"$SCRATCH/fake-nono" <<'EOF'
#!/bin/sh
case "$1 $2 $3" in
"rollback list --json") printf '[\n  {"id": "20261122-101500-ab12", "command": "rm x"},\n  {"id":"20261122-101700-cd34"}\n]\n' ;;
"audit list --json") printf '{"sessions": [{"id": "a1b2c3", "exit": 0}]}\n' ;;
*) exit 2 ;;
esac
EOF
	chmod +x "$SCRATCH/fake-nono"
	run -0 bash_complete "$SCRATCH/fake-nono" rollback show ''
	[ "$output" = "$(printf '%s\n' 20261122-101500-ab12 20261122-101700-cd34 last)" ]
	run -0 bash_complete "$SCRATCH/fake-nono" rollback restore 20261122-1017
	[ "$output" = 20261122-101700-cd34 ]
	run -0 bash_complete "$SCRATCH/fake-nono" audit show ''
	[ "$output" = "$(printf '%s\n' a1b2c3 last)" ]
	run -0 bash_complete "$SCRATCH/fake-nono" rollback show x --d
	[ "$output" = --diff ]
}

@test "bash: pack and trust commands: their flags, installed packs, key ids" {
	run -0 bash_complete nono pu
	[ "$output" = pull ]
	run -0 bash_complete nono pull --
	[ "$output" = "$(printf '%s\n' --force --help --init --registry)" ]
	run -0 bash_complete nono list --in
	[ "$output" = --installed ]
	run -0 bash_complete nono trust ''
	[ "$output" = "$(printf '%s\n' --help add export-key init keygen list remove sign status verify)" ]
	run -0 bash_complete nono trust init --
	[ "$output" = --all ]
	run -0 bash_complete nono run --trust
	[ "$output" = --trust-override ]
	cat >"$SCRATCH/fake-nono" <<'EOF'
#!/bin/sh
case "$1 $2" in
"list --installed") printf 'acme/agent   1.0.0  verified (key 0123456789abcdef)\nbad/pack  ?  NOT VERIFIED: x\n' ;;
"trust list") printf '0123456789abcdef  someone  (/k.pub)\nfedcba9876543210  me  (/m.pub)\n' ;;
*) exit 2 ;;
esac
EOF
	chmod +x "$SCRATCH/fake-nono"
	run -0 bash_complete "$SCRATCH/fake-nono" remove ''
	[ "$output" = "$(printf '%s\n' acme/agent bad/pack)" ]
	run -0 bash_complete "$SCRATCH/fake-nono" update ac
	[ "$output" = acme/agent ]
	run -0 bash_complete "$SCRATCH/fake-nono" trust remove f
	[ "$output" = fedcba9876543210 ]
}

@test "fish: completes subcommands, flags and values" {
	command -v fish >/dev/null || skip "fish not installed"
	fc() { fish -c "source '$COMP/nono.fish'; complete -C '$1'" | cut -f1 | sort; }
	run -0 fish -n "$COMP/nono.fish"
	run -0 fc "nono ru"
	[ "$output" = run ]
	run -0 fc "nono why --op "
	[ "$output" = "$(printf '%s\n' delete read write)" ]
	run -0 fc "nono run --block"
	[ "$output" = "$(printf '%s\n' --block-command --block-net)" ]
	run -0 fc "nono profile show py"
	[ "$output" = python-dev ]
	run -0 fc "nono profile groups git"
	[ "$output" = git_config ]
	run -0 fc "nono profile "
	[ "$output" = "$(printf '%s\n' diff groups init list show validate)" ]
	mkdir adir
	run -0 fc "nono run --allow ad"
	[ "$output" = adir/ ]
	run -0 --separate-stderr fc "nono rollback show "
	[ "$output" = last ]
	[ -z "$stderr" ]
	run -0 fc "nono run --no-roll"
	[ "$output" = --no-rollback ]
}

@test "zsh: the completion function loads and is registered for nono" {
	command -v zsh >/dev/null || skip "zsh not installed"
	run -0 zsh -n "$COMP/_nono"
	run -0 --separate-stderr zsh -fc "fpath=('$COMP' \$fpath); autoload -Uz compinit && compinit -u -d '$SCRATCH/zcompdump';
		print -r -- \$_comps[nono]; autoload -Uz +X _nono && whence -w _nono"
	[ -z "$stderr" ]
	[ "$output" = "$(printf '%s\n' _nono '_nono: function')" ]
}
