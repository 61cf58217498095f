# bash completion for nono
_nono() {
	local cur prev cmd i
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--) [ -n "$cmd" ] && { COMPREPLY=($(compgen -c -- "$cur")); return; } ;;
		-*) ;;
		*) [ -z "$cmd" ] && cmd=${COMP_WORDS[i]} ;;
		esac
	done
	local grants="--profile --allow --read --write --allow-file --read-file --write-file --allow-cwd --workdir
		--allow-delete --bypass-protection --block-net --net-block --allow-unix-socket --allow-command
		--block-command --verbose --help"
	case $prev in
	--shell)
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	-a|--allow|-r|--read|-w|--write|--workdir)
		COMPREPLY=($(compgen -d -- "$cur")); return ;;
	-p|--profile)
		COMPREPLY=($(compgen -W "$(nono profile list 2>/dev/null | awk '{print $1}')" -- "$cur")); return ;;
	--allow-file|--read-file|--write-file|--bypass-protection|--path|--allow-unix-socket)
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--op)
		COMPREPLY=($(compgen -W "read write delete" -- "$cur")); return ;;
	--allow-command|--block-command)
		COMPREPLY=($(compgen -c -- "$cur")); return ;;
	esac
	case $cmd in
	"")
		COMPREPLY=($(compgen -W "run shell why profile audit rollback config setup hooks help --help --version" -- "$cur")) ;;
	rollback)
		COMPREPLY=($(compgen -W "list show restore verify cleanup --json --diff --dry-run --path --keep --older-than last" -- "$cur")) ;;
	shell)
		COMPREPLY=($(compgen -W "$grants --shell --command -c --silent --rollback --no-rollback --rollback-exclude --env-credential --no-audit" -- "$cur")) ;;
	audit)
		COMPREPLY=($(compgen -W "list show verify cleanup --since --command --json --keep --older-than --dry-run --help last" -- "$cur")) ;;
	profile)
		COMPREPLY=($(compgen -W "list show init validate diff groups --json --extends --force" -- "$cur")) ;;
	config)
		COMPREPLY=($(compgen -W "--json --help" -- "$cur")) ;;
	run)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$grants --dry-run --json --silent --rollback --no-rollback --rollback-exclude --env-credential --no-audit" -- "$cur"))
		else
			COMPREPLY=($(compgen -c -- "$cur"))
		fi ;;
	why)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$grants --path --op --self --json" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi ;;
	setup)
		COMPREPLY=($(compgen -W "--check-only --json --help" -- "$cur")) ;;
	hooks)
		COMPREPLY=($(compgen -W "install remove status claude-code --json --help" -- "$cur")) ;;
	help)
		COMPREPLY=($(compgen -W "run why setup" -- "$cur")) ;;
	esac
}
complete -F _nono nono
