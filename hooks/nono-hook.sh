#!/bin/sh
# nono-hook.sh - the Claude Code hook nono installs ('nono hooks install
# claude-code'). Claude Code runs it after a tool fails (PostToolUseFailure)
# and after each Bash call (PostToolUse), inside the sandbox. When the failure
# is a sandbox denial it tells Claude what the sandbox allows, that the
# boundary is final, and the exact 'nono run' line the user can restart with.
# It reads the capabilities from $NONO_CAP_FILE and does nothing without it.
# POSIX sh; needs only sed, awk and grep. nono installs it in
# $XDG_DATA_HOME/nono/hooks, among its own files, which no sandbox can write.
# After a change, add the file's SHA-256 to known_scripts in src/hooks.c.

[ -n "${NONO_CAP_FILE:-}" ] && [ -r "$NONO_CAP_FILE" ] || exit 0

input=$(cat)

# the event this call answers (the reply must name it)
event=$(printf '%s\n' "$input" |
	sed -n 's/.*"hook_event_name"[[:space:]]*:[[:space:]]*"\([A-Za-z]*\)".*/\1/p' | head -n 1)
[ -n "$event" ] || event=PostToolUseFailure
tool=$(printf '%s\n' "$input" |
	sed -n 's/.*"tool_name"[[:space:]]*:[[:space:]]*"\([A-Za-z_]*\)".*/\1/p' | head -n 1)

# what the tool said: everything from the result (or error) on, not the input
result=$(printf '%s\n' "$input" | awk '{ s = s $0 "\n" }
	END {
		i = index(s, "\"tool_response\"")
		if (!i) i = index(s, "\"error\"")
		if (i) printf "%s", substr(s, i)
	}')
printf '%s\n' "$result" | grep -qi -e 'permission denied' -e 'operation not permitted' || exit 0

# the path that was refused: the tool's own argument, else from the message
path=$(printf '%s\n' "$input" |
	sed -n 's/.*"file_path"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' | head -n 1)
if [ -z "$path" ]; then
	path=$(printf '%s\n' "$result" | sed -n \
		-e "s/.*[Pp]ermission denied, [a-z]* '\\(\\/[^']*\\)'.*/\\1/p" \
		-e "s/.*[Oo]peration not permitted, [a-z]* '\\(\\/[^']*\\)'.*/\\1/p" \
		-e 's/.*[^A-Za-z0-9_.~/-]\(\/[^ :"\\]*\): [Pp]ermission denied.*/\1/p' \
		-e 's/.*[^A-Za-z0-9_.~/-]\(\/[^ :"\\]*\): [Oo]peration not permitted.*/\1/p' |
		head -n 1)
fi

# One line per capability file entry: path, access, source, carved.
caps=$(sed -n 's/^ *{"original": .*"path": "\([^"]*\)", "access": "\([a-z]*\)".*"source": "\([^"]*\)", "carved": \([a-z]*\)}.*/\1	\2	\3	\4/p' "$NONO_CAP_FILE")
tab=$(printf '\t')
net=allowed
grep -q '"net_blocked": true' "$NONO_CAP_FILE" && net=blocked

# a word for the shell: quoted unless it is plain
shq() {
	case $1 in
	*[!A-Za-z0-9_./:=@%+-]* | '') printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
	*) printf '%s' "$1" ;;
	esac
}

allowed=
flags=
profile=
system=0
cwd_flag=
while IFS=$tab read -r p acc src carved; do
	[ -n "$p" ] || continue
	case $src in
	group:* | "exec shim" | NONO_CAP_FILE | "nono hook") system=$((system + 1)); continue ;;
	esac
	[ "$carved" = true ] && continue
	allowed="$allowed  $p ($acc)
"
	case $src in
	profile:*)
		if [ -z "$profile" ]; then
			profile=${src#profile:}
			profile=${profile%% *}
		fi
		;;
	--allow-cwd) cwd_flag=" --allow-cwd" ;;
	--*) flags="$flags $src $(shq "$p")" ;;
	esac
done <<EOF
$caps
EOF

# what to grant: the directory holding the refused path
need=/path/to/needed
grant=--allow
protected=
if [ -n "$path" ]; then
	if [ -d "$path" ]; then need=$path; else need=$(dirname "$path"); fi
	[ "$tool" = Read ] && grant=--read
	# a sensitive path stays closed unless the user bypasses its protection
	protected=$(sed -n 's/^ *{"path": "\([^"]*\)", "original": "[^"]*", "group": "\([^"]*\)"}.*/\1	\2/p' \
		"$NONO_CAP_FILE" | while IFS=$tab read -r d g; do
		case $path in "$d" | "$d"/*) printf '%s\t%s\n' "$d" "$g"; break ;; esac
	done)
fi
line="nono run"
[ -n "$profile" ] && line="$line --profile $(shq "$profile")"
line="$line$cwd_flag$flags"
# nono's own files: a read grant reads them, nothing writes them; its state
# is never granted
own=
if [ -n "$protected" ]; then
	pdir=${protected%"$tab"*}
	pgroup=${protected#*"$tab"}
	case $pgroup in
	nono_files) [ "$tool" = Read ] && protected= || own=$pgroup ;;
	nono_state) own=$pgroup ;;
	esac
fi
if [ -n "$own" ]; then
	line=
elif [ -n "$protected" ]; then
	line="$line $grant $(shq "$need") --bypass-protection $(shq "$pdir") -- claude"
else
	line="$line $grant $(shq "$need") -- claude"
fi

blocked=
if [ -n "$path" ]; then
	blocked="
Blocked: $path
"
fi
if [ -n "$own" ]; then
	blocked="$blocked$pdir holds nono's own files (policy group $pgroup): no nono
sandbox can change them, whatever the user grants.
"
elif [ -n "$protected" ]; then
	blocked="$blocked$pdir is a protected sensitive path (policy group $pgroup): nono
never grants it unless the user deliberately bypasses that protection.
"
fi
if [ -n "$own" ]; then
	action="Tell the user that this change must be made outside nono, by them."
else
	action="Tell the user they must EXIT this Claude session and restart with:
  $line"
fi
context="[NONO SANDBOX - PERMISSION DENIED]

STOP. Do not try alternative approaches. This is a hard security boundary.

You are running inside the nono security sandbox. The operation you just
attempted is PERMANENTLY BLOCKED for this session.
$blocked
ALLOWED PATHS (everything else is blocked):
${allowed}  + $system system paths (read-only)
Network: $net

REQUIRED ACTION:
$action
Do not retry the operation, copy the data another way, or look for a
different route to it: every route is blocked by the kernel."

# the reply, as JSON: the text escaped by hand (no jq)
escaped=$(printf '%s\n' "$context" | awk '
	{
		gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\t/, "\\t"); gsub(/\r/, "")
		out = (NR > 1 ? out "\\n" : "") $0
	}
	END { printf "%s", out }')
printf '{"hookSpecificOutput":{"hookEventName":"%s","additionalContext":"%s"}}\n' "$event" "$escaped"
exit 0
