# bash completion for nono                                  -*- shell-script -*-
#
# Subcommands, options and their values: profile names from 'nono profile
# list', group names from 'nono profile groups', installed packs from 'nono
# list --installed', key ids from 'nono trust list', --op values, directories,
# files and commands. Rollback and audit session ids come from
# 'nono rollback list --json' and 'nono audit list --json' when this nono has
# those commands; without them nothing is offered.

# The nono being completed (./_build/nono completes with itself).
_nono_bin() {
	local b=${COMP_WORDS[0]}
	b=${b/#\~/$HOME}
	if [[ $b == */* && -x $b ]]; then
		printf '%s\n' "$b"
	else
		printf 'nono\n'
	fi
}

_nono_commands() {
	local cmds
	cmds=$("$(_nono_bin)" --help 2>/dev/null | awk '/^Commands:/ { f = 1; next } /^$/ { f = 0 } f { print $1 }')
	printf '%s\n' "${cmds:-run shell approvals why profile audit rollback config setup hooks search pull list update remove trust completion help}"
}

_nono_profiles() {
	"$(_nono_bin)" profile list 2>/dev/null | awk '{ print $1 }'
}

_nono_groups() {
	"$(_nono_bin)" profile groups 2>/dev/null | sed -n 's/^\([A-Za-z0-9_-]*\)[ :].*/\1/p'
}

# installed packs (OWNER/NAME) and trusted key ids
_nono_packs() {
	"$(_nono_bin)" list --installed 2>/dev/null | awk '$1 ~ /\// { print $1 }'
}

_nono_keyids() {
	"$(_nono_bin)" trust list 2>/dev/null | awk '$1 ~ /^[0-9a-f]+$/ && length($1) == 16 { print $1 }'
}

# session ids of 'nono rollback' or 'nono audit' ($1), newest as listed
_nono_ids() {
	"$(_nono_bin)" "$1" list --json 2>/dev/null |
		grep -o '"id"[[:space:]]*:[[:space:]]*"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/'
}

_nono_compgen() { # words (whitespace-separated, any number of arguments) matching $cur
	local words="$*"
	local IFS=$'\n'
	# shellcheck disable=SC2207
	COMPREPLY+=($(IFS=$' \t\n' compgen -W "$words" -- "$cur"))
}

_nono_files() { # $1: -d for directories only
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	# shellcheck disable=SC2207
	COMPREPLY+=($(compgen "${1:--f}" -- "$cur"))
}

_nono() {
	local cur prev cmd sub i w
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}

	local sandbox="--profile --allow --read --write --allow-file --read-file --write-file --allow-cwd
		--workdir --no-delete --allow-delete --bypass-protection --block-net --net-block --allow-unix-socket
		--allow-command --block-command --strict-exec --verbose --help --open-port --allow-port --listen-port
		--allow-ssh-agent --allow-gpg-agent --deny-domain
		--allow-bind --allow-domain --allow-proxy --proxy-allow --network-profile"
	# options that take a value, whatever the command
	local takes="-p --profile -a --allow -r --read -w --write --allow-file --read-file --write-file
		--workdir --bypass-protection --allow-unix-socket --allow-command --block-command --shell
		-c --command --path --op --extends --keep --older-than --since --rollback-exclude --env-credential
		--allow-domain --allow-proxy --proxy-allow --network-profile --proxy-port --registry --session-id --approval-timeout --wait --open-port --allow-port
		--listen-port --allow-bind --host --port --output --description --groups --max-processes --memory --deny-domain"

	# the subcommand, its verb, and whether the program of 'run' has started
	cmd='' sub=''
	local program_at=0 npos=0
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ -z $cmd ]]; then
			[[ $w == -* ]] || cmd=$w
			continue
		fi
		if [[ $cmd == run && $w == -- ]]; then
			program_at=$((i + 1))
			break
		fi
		if [[ $w == -* ]]; then
			[[ " ${takes//$'\n'/ } " == *" ${w} "* && $w != *=* ]] && ((i++))
			continue
		fi
		if [[ $cmd == run ]]; then
			program_at=$i
			break
		fi
		[[ -z $sub ]] && sub=$w
		((npos++))
	done

	# 'nono run [options] [--] PROGRAM ARGS': a command, then its arguments
	if ((program_at)); then
		if ((COMP_CWORD == program_at)); then
			_nono_compgen "$(compgen -c -- "$cur" | sort -u)"
		else
			_nono_files
		fi
		return 0
	fi

	case $prev in
	-a | --allow | -r | --read | -w | --write | --workdir)
		_nono_files -d
		return 0
		;;
	--allow-file | --read-file | --write-file | --bypass-protection | --path | --allow-unix-socket | --shell)
		_nono_files
		return 0
		;;
	-p | --profile | --extends)
		_nono_compgen "$(_nono_profiles)"
		[[ $cur == */* || $cur == .* ]] && _nono_files
		return 0
		;;
	--op)
		_nono_compgen read write delete
		return 0
		;;
	--allow-command | --block-command)
		_nono_compgen "$(compgen -c -- "$cur" | sort -u)"
		return 0
		;;
	--network-profile)
		_nono_compgen minimal developer claude-code codex opencode enterprise
		return 0
		;;
	-c | --command | --keep | --older-than | --since | --rollback-exclude | --env-credential | --allow-domain | --allow-proxy | --proxy-allow | --proxy-port | --registry | --min-abi | --session-id)
		return 0
		;;
	esac

	case $cmd in
	"")
		_nono_compgen "$(_nono_commands)" --help --version
		;;
	run)
		if [[ $cur == -* ]]; then
			_nono_compgen "$sandbox" --dry-run --json --silent --rollback --no-rollback --rollback-exclude --env-credential --no-audit --no-hooks --no-pid-ns \
				--allow-domain --allow-proxy --proxy-allow --network-profile --proxy-port --session-id --trust-override --strict --min-abi \
				--capability-elevation --approval-timeout --max-processes --memory
		else
			_nono_compgen "$(compgen -c -- "$cur" | sort -u)"
		fi
		;;
	shell)
		_nono_compgen "$sandbox" --dry-run --silent --shell --command --rollback --no-rollback --rollback-exclude --env-credential --no-audit --no-hooks --no-pid-ns \
			--allow-domain --allow-proxy --proxy-allow --network-profile --proxy-port --session-id --trust-override --strict --min-abi \
			--capability-elevation --approval-timeout --max-processes --memory
		;;
	approvals)
		case $sub in
		"") _nono_compgen approve deny list --json --wait --help ;;
		approve) [[ $cur == -* ]] && _nono_compgen --session --dir ;;
		esac
		;;
	why)
		if [[ $cur == -* ]]; then
			_nono_compgen "$sandbox" --path --op --self --json --host --port
		else
			_nono_files
		fi
		;;
	profile)
		case $sub in
		"") _nono_compgen list show init validate diff groups --help ;;
		list) _nono_compgen --json ;;
		show | validate)
			if [[ $cur == -* ]]; then
				_nono_compgen --json
			elif ((npos < 2)); then
				_nono_compgen "$(_nono_profiles)"
				[[ $cur == */* || $cur == .* ]] && _nono_files
			fi
			;;
		init) [[ $cur == -* ]] && _nono_compgen --extends --force --output --description --groups ;;
		diff) ((npos < 3)) && _nono_compgen "$(_nono_profiles)" ;;
		groups) ((npos < 2)) && _nono_compgen "$(_nono_groups)" ;;
		esac
		;;
	config)
		_nono_compgen --json --help
		;;
	setup)
		_nono_compgen --check-only --json --help
		;;
	help)
		((npos == 0)) && _nono_compgen "$(_nono_commands)"
		;;
	rollback)
		case $sub in
		"") _nono_compgen list show restore verify cleanup --help ;;
		list) _nono_compgen --json ;;
		show | restore | verify)
			if [[ $cur == -* ]]; then
				case $sub in
				show) _nono_compgen --diff --stat --binary --json --verbose ;;
				restore) _nono_compgen --dry-run --path --force --include-vcs --quarantined ;;
				esac
			elif ((npos < 2)); then
				_nono_compgen "$(_nono_ids rollback)" last
			fi
			;;
		cleanup) _nono_compgen --keep --older-than --dry-run ;;
		esac
		;;
	audit)
		case $sub in
		"") _nono_compgen list show verify cleanup --help ;;
		list) _nono_compgen --since --command --json ;;
		show | verify)
			if [[ $cur == -* ]]; then
				[[ $sub == show ]] && _nono_compgen --all --json
			elif ((npos < 2)); then
				_nono_compgen "$(_nono_ids audit)" last
			fi
			;;
		cleanup) _nono_compgen --keep --older-than --dry-run ;;
		esac
		;;
	search)
		[[ $cur == -* ]] && _nono_compgen --json --registry --help
		;;
	pull)
		[[ $cur == -* ]] && _nono_compgen --init --force --registry --help
		;;
	list)
		_nono_compgen --installed --json --registry --help
		;;
	update)
		if [[ $cur == -* ]]; then
			_nono_compgen --dry-run --registry --help
		else
			_nono_compgen "$(_nono_packs)"
		fi
		;;
	remove)
		[[ $cur == -* ]] || _nono_compgen "$(_nono_packs)"
		;;
	trust)
		case $sub in
		"") _nono_compgen status init sign verify keygen export-key add list remove --help ;;
		status | init)
			if [[ $cur == -* ]]; then
				[[ $sub == status ]] && _nono_compgen --json
				[[ $sub == init ]] && _nono_compgen --all
			else
				_nono_files -d
			fi
			;;
		sign | add) [[ $cur == -* ]] || _nono_files ;;
		verify) if [[ $cur == -* ]]; then _nono_compgen --json; else _nono_files; fi ;;
		keygen) _nono_compgen --force ;;
		export-key) _nono_compgen --pem ;;
		list) _nono_compgen --json ;;
		remove) ((npos < 2)) && _nono_compgen "$(_nono_keyids)" ;;
		esac
		;;
	completion)
		((npos < 1)) && _nono_compgen bash zsh fish
		;;
	hooks)
		case $sub in
		"") _nono_compgen install remove status --help ;;
		*)
			((npos < 2)) && [[ $cur != -* ]] && _nono_compgen claude-code codex
			[[ $cur == -* ]] && _nono_compgen --project --json
			;;
		esac
		;;
	esac
	return 0
}
complete -F _nono nono
