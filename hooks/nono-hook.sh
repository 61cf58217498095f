#!/bin/sh
# nono-hook.sh - the agent hook nono installs ('nono hooks install'): Claude
# Code runs it (and Codex, whose hooks speak the same JSON) at SessionStart,
# after a tool fails (PostToolUseFailure) and after each shell command
# (PostToolUse), inside the sandbox. It says nothing outside nono, without
# $NONO_CAP_FILE.
#
# SessionStart: what this session may read and write, from the capability
# file, and how to ask nono about a path.
# A failure: only when the tool's output carries a permission error on a
# path AND 'nono why --self' confirms the sandbox refused that path (a
# remote's "Permission denied (publickey)" names no path; a file the user
# cannot read anyway is not the sandbox's doing), it tells the model why
# and the exact fix nono gives: never a bypass of a whole directory of
# credentials, never write access to the system (nono why offers none).
# Claude Code's own sandbox (bubblewrap) cannot start inside nono: when a
# command fails that way, the model is told to rely on nono's boundary.
#
# POSIX sh, sed, awk and grep; fails open: always exit 0, never blocks a
# tool. nono installs it in $XDG_DATA_HOME/nono/hooks, among its own files,
# which no sandbox can write. After a change, add the file's SHA-256 to
# known_scripts in src/agent/hooks.c.

[ -n "${NONO_CAP_FILE:-}" ] && [ -r "$NONO_CAP_FILE" ] || exit 0
command -v nono >/dev/null 2>&1 || exit 0

input=$(cat)
tab=$(printf '\t')

# a string field of the event's JSON (the first one), unescaped enough to use
field() {
	printf '%s\n' "$input" | sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\\(\\([^\"\\\\]\\|\\\\.\\)*\\)\".*/\\1/p" |
		head -n 1 | sed -e 's/\\"/"/g' -e 's/\\\\/\\/g'
}

event=$(field hook_event_name)
[ -n "$event" ] || event=PostToolUseFailure
tool=$(field tool_name)
cwd=$(field cwd)

# ---- what the session may do, from the capability file ----------------------

# a word for the shell: quoted unless it is plain
shq() {
	case $1 in
	*[!A-Za-z0-9_./:=@%+-]* | '') printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
	*) printf '%s' "$1" ;;
	esac
}

# $allowed (one "  PATH (ACCESS)" a line), $system (how many more), $net and
# $restart (the session's own 'nono run' line), read only when there is
# something to say: most calls end before
load_caps() {
	# One line per entry: path, access, source, carved.
	caps=$(sed -n 's/^ *{"original": .*"path": "\([^"]*\)", "access": "\([a-z]*\)".*"source": "\([^"]*\)", "carved": \([a-z]*\)}.*/\1	\2	\3	\4/p' "$NONO_CAP_FILE")
	net=allowed
	grep -q '"net_blocked": true' "$NONO_CAP_FILE" && net=blocked
	allowed=
	flags=
	profile=
	system=0
	cwd_flag=
	while IFS=$tab read -r p acc src carved; do
		[ -n "$p" ] || continue
		case $src in
		group:* | "exec shim" | NONO_CAP_FILE | "nono hook" | nono | "private TMPDIR")
			system=$((system + 1))
			continue
			;;
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
	restart="nono run"
	[ -n "$profile" ] && restart="$restart --profile $(shq "$profile")"
	restart="$restart$cwd_flag$flags"
}

# Codex sends the same JSON, with a turn_id
program=claude
[ -n "$(field turn_id)" ] && program=codex

# the reply, as JSON: the text escaped by hand (no jq)
reply() {
	escaped=$(printf '%s\n' "$1" | awk '
		{
			gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\t/, "\\t"); gsub(/\r/, "")
			out = (NR > 1 ? out "\\n" : "") $0
		}
		END { printf "%s", out }')
	printf '{"hookSpecificOutput":{"hookEventName":"%s","additionalContext":"%s"}}\n' "$event" "$escaped"
	exit 0
}

if [ "$program" = codex ]; then
	sandbox_note="Codex's own sandbox (bubblewrap) cannot start inside nono: nono refuses the
namespaces and mounts it needs, so with it every command fails. Tell the user to start
Codex inside nono with --sandbox danger-full-access: nono's kernel boundary is then the
sandbox, and it applies to every command all the same."
else
	sandbox_note="Claude Code's own sandbox (sandbox.enabled, bubblewrap) cannot start inside nono: nono
refuses the namespaces and mounts it needs. A Bash command that fails with 'bwrap: ...'
must be run again with dangerouslyDisableSandbox: true; nono's kernel boundary applies to
it all the same."
fi

if [ "$event" = SessionStart ]; then
	load_caps
	reply "[NONO SANDBOX] This session runs inside the nono sandbox: the kernel (Landlock and
seccomp) decides what it can read and write, and nothing inside can widen that.

ALLOWED PATHS (everything else is blocked):
${allowed}  + $system system paths (read-only)
Network: $net

Before you touch a path outside these, ask nono instead of trying:
  nono why --self --path PATH --op read|write|delete
A refused operation stays refused for the whole session: tell the user which path and
the fix nono names; they restart with it.
$sandbox_note"
fi

# ---- a failure: is it the sandbox's? ---------------------------------------------

# what the tool said: everything from the result (or error) on, not the
# input, with its \n as lines
result=$(printf '%s\n' "$input" | awk '{ s = s $0 "\n" }
	END {
		i = index(s, "\"tool_response\"")
		if (!i) i = index(s, "\"error\"")
		if (i) { s = substr(s, i); gsub(/\\n/, "\n", s); gsub(/\\t/, "\t", s); printf "%s", s }
	}')
printf '%s\n' "$result" | grep -qi -e 'permission denied' -e 'operation not permitted' -e 'EACCES' -e 'EPERM' ||
	exit 0

# the agent's own sandbox, failing to start inside nono
if printf '%s\n' "$result" | grep -q -e '^bwrap: ' -e 'bubblewrap command'; then
	reply "[NONO SANDBOX] $sandbox_note
Do not look for another way around it: the command itself is not what was refused."
fi

# Candidates, one "PATH<TAB>OPS" a line: the tool's own path argument, or
# the paths on the lines of the output that carry the error, with the
# operations that may have failed, most likely first.
file=$(field file_path)
[ -n "$file" ] || file=$(field notebook_path)
candidates=
case $tool in
Read) [ -n "$file" ] && candidates="$file${tab}read" ;;
Write | Edit | MultiEdit | NotebookEdit)
	# an existing file is replaced by a rename over it: write, then delete
	[ -n "$file" ] && candidates="$file${tab}write delete" ;;
Glob | Grep | LS)
	file=$(field path)
	[ -n "$file" ] && candidates="$file${tab}read" ;;
esac
if [ -z "$candidates" ]; then
	candidates=$(printf '%s\n' "$result" | grep -i -e 'permission denied' -e 'operation not permitted' \
		-e 'EACCES' -e 'EPERM' | head -n 8 | while IFS= read -r line; do
		ops=
		case $line in
		*"cannot remove"* | *"cannot move"* | *rmdir* | *unlink* | *rename*) ops="delete write" ;;
		*"cannot create"* | *"cannot touch"* | *mkdir* | *"for writing"* | *tee:* | *"could not lock"* | \
			*"Read-only"*) ops="write delete" ;;
		*"for reading"* | *"cannot open directory"* | *"cannot access"* | *scandir* | *"cat:"*) ops="read" ;;
		esac
		# quoted paths first ('/x', "/x"), then bare ones up to a colon or a space
		printf '%s\n' "$line" | sed -e "s/'\\([~./][^']*\\)'/\\n\\1\\n/g" -e 's/\\"\([~./][^"\\]*\)\\"/\n\1\n/g' |
			sed -n -e "/^[~./]/p" -e 's/.*[ :]\([~/][^ :,'"'"'"]*\):.*/\1/p' -e 's/^\([~/][^ :,]*\):.*/\1/p' |
			sed -e 's/[.,;)]*$//' | while IFS= read -r p; do
			case $p in
			/* | ~/* | ./* | ../*) ;;
			*) continue ;;
			esac
			printf '%s\t%s\n' "$p" "$ops"
		done
	done | awk '!seen[$1]++')
fi
[ -n "$candidates" ] || exit 0

# a string field of nono why's JSON (one key a line)
whyfield() {
	printf '%s\n' "$1" | sed -n "s/^  \"$2\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p" | sed -e 's/\\"/"/g' -e 's/\\\\/\\/g'
}

why=
path=
op=
while IFS=$tab read -r p ops; do
	[ -n "$p" ] || continue
	case $p in
	\~/*) p="$HOME/${p#\~/}" ;;
	/*) ;;
	*) [ -n "$cwd" ] && p="$cwd/$p" ;;
	esac
	if [ -z "$ops" ]; then
		if [ -e "$p" ] || [ -L "$p" ]; then ops="read write delete"; else ops="write"; fi
	fi
	for o in $ops; do
		out=$(nono why --self --path "$p" --op "$o" --json 2>/dev/null) || continue
		if [ "$(whyfield "$out" status)" = denied ]; then
			why=$out path=$p op=$o
			break 2
		fi
	done
done <<EOF
$candidates
EOF
# nono says the sandbox allows it: some other refusal (the file's own
# permissions, a remote, a program's own check), not nono's to explain
[ -n "$why" ] || exit 0
load_caps

reason=$(whyfield "$why" reason)
group=$(whyfield "$why" group)
fix=$(whyfield "$why" suggested_flag)
nofix=$(whyfield "$why" no_fix)
perms=$(whyfield "$why" file_permissions)
owned=$(whyfield "$why" sensitive_path)

[ "$group" = nono_state ] && reason=nono_own_file
case $reason in
nono_own_file)
	explain="$owned holds nono's own files (policy group $group): no nono sandbox can change
them, whatever the user grants."
	action="Tell the user that this change must be made outside nono, by them." ;;
sensitive_path)
	explain="$owned is a protected sensitive path (policy group $group): nono never grants it
unless the user deliberately bypasses that protection, for one file at a time." ;;
carved_out)
	explain="It lies in a directory this session was granted entry by entry, around sensitive
paths; it was not there when the session started." ;;
insufficient_access)
	case $tool:$op in
	Write:delete | Edit:delete | MultiEdit:delete | NotebookEdit:delete)
		explain="Writing it replaces it (a new copy renamed over the old one), which needs the right
to delete in its directory: this session may write there, not delete." ;;
	*) explain="This session may reach it, but not to $op it." ;;
	esac ;;
*)
	explain="No grant of this session covers it." ;;
esac
if [ -z "${action:-}" ]; then
	if [ -n "$fix" ]; then
		action="Tell the user they must EXIT this $program session and restart with:
  $restart $fix -- $program"
		[ "$reason" = sensitive_path ] && action="$action
Ask for this only if the task truly needs this very file: it is protected for a reason."
	else
		action="nono offers no grant for this: ${nofix:-it would reach too much}.
Tell the user; if it must happen, they do it outside the sandbox."
	fi
	[ "$perms" = deny ] && action="$action
Note: the file's own permissions refuse this user too, so a grant alone would not help."
fi
reply "[NONO SANDBOX - PERMISSION DENIED]

STOP. Do not try alternative approaches. This is a hard security boundary.

You are running inside the nono security sandbox. The operation you just
attempted is PERMANENTLY BLOCKED for this session.

Blocked: $path ($op)
$explain
(nono why --self --path $(shq "$path") --op $op${fix:+ names the fix: $fix})

ALLOWED PATHS (everything else is blocked):
${allowed}  + $system system paths (read-only)
Network: $net

REQUIRED ACTION:
$action
Do not retry the operation, copy the data another way, or look for a
different route to it: every route is blocked by the kernel."
