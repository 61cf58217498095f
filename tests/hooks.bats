#!/usr/bin/env bats
# The Claude Code integration: 'nono hooks install|remove|status', the
# automatic install by 'nono run --profile claude-code', and the hook script
# itself fed the JSON Claude Code sends.
load helpers

SRCDIR="${NONO_SRCDIR:-$BATS_TEST_DIRNAME/..}"
HOOK="$SRCDIR/hooks/nono-hook.sh"

setup() {
	common_setup
	mkdir -p "$HOME/.claude"
	SETTINGS="$HOME/.claude/settings.json"
	# where nono installs the script: among its own files, out of every sandbox's reach
	INSTALLED="$HOME/.local/share/nono/hooks/nono-hook.sh"
	LEGACY="$HOME/.claude/hooks/nono-hook.sh"
}
teardown() { common_teardown; }

# the user's settings, in an order and layout of their own
user_settings() {
	cat > "$SETTINGS" <<'EOF'
{
    "model": "opus",
  "permissions": {"allow": ["Bash(ls)"], "deny": []},
  "hooks": {"PostToolUse": [{"matcher": "Write", "hooks": [{"type": "command", "command": "prettier --write"}]}]},
  "env": {"A": "1"}, "ratio": 0.1
}
EOF
}

# settings.json as data: keys in order, values compared
json_of() { python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' "$1"; }

@test "install merges into settings.json without losing or reordering the user's keys; what it held is kept in nono's state" {
	user_settings
	cp "$SETTINGS" "$SCRATCH/orig"
	run "$NONO" hooks install claude-code
	echo "$output"
	[ "$status" -eq 0 ]
	cmp "$HOOK" "$INSTALLED"
	[ -x "$INSTALLED" ]
	[ ! -e "$HOME/.claude/hooks" ]
	# no backup beside it: the bytes it held are in nono's state, out of every sandbox's reach
	[ ! -e "$SETTINGS.nono.bak" ]
	cmp "$SCRATCH/orig" "$HOME/.local/state/nono/hooks/claude-code/settings.before"
	run python3 - "$SETTINGS" "$INSTALLED" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d) == ["model", "permissions", "hooks", "env", "ratio"], list(d)
assert d["permissions"] == {"allow": ["Bash(ls)"], "deny": []} and d["env"] == {"A": "1"} and d["ratio"] == 0.1
post = d["hooks"]["PostToolUse"]
assert post[0] == {"matcher": "Write", "hooks": [{"type": "command", "command": "prettier --write"}]}, post
ours = {"type": "command", "command": sys.argv[2], "timeout": 10}
assert post[1] == {"matcher": "Bash", "hooks": [ours]}, post
assert d["hooks"]["PostToolUseFailure"] == [{"matcher": "Read|Write|Edit|MultiEdit|NotebookEdit|Bash|Glob|Grep|LS",
                                              "hooks": [ours]}], d["hooks"]
assert d["hooks"]["SessionStart"] == [{"hooks": [ours]}], d["hooks"]
print("ok")
EOF
	[ "$output" = ok ]
	# two-space indentation
	grep -q '^  "model": "opus",$' "$SETTINGS"
}

@test "install is idempotent; status says installed (text and --json)" {
	user_settings
	"$NONO" hooks install >/dev/null
	cp "$SETTINGS" "$SCRATCH/once"
	cp "$HOME/.claude/CLAUDE.md" "$SCRATCH/once.md"
	run "$NONO" hooks install claude-code
	[ "$status" -eq 0 ]
	[[ "$output" == *"nothing to install"* ]]
	cmp "$SETTINGS" "$SCRATCH/once"
	cmp "$HOME/.claude/CLAUDE.md" "$SCRATCH/once.md"
	[ "$(grep -c nono-hook.sh "$SETTINGS")" -eq 3 ]
	[ "$(grep -c 'nono-sandbox-start' "$HOME/.claude/CLAUDE.md")" -eq 1 ]
	run "$NONO" hooks status --json
	[ "$status" -eq 0 ]
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["installed"] and d["settings"]["state"] == "installed", d' "$output"
	run "$NONO" hooks status
	[[ "$output" == *"claude-code: installed"* ]]
}

@test "remove takes out exactly what install added" {
	user_settings
	printf '# My notes\n\nBe terse.\n' > "$HOME/.claude/CLAUDE.md"
	before=$(json_of "$SETTINGS")
	cp "$HOME/.claude/CLAUDE.md" "$SCRATCH/notes"
	"$NONO" hooks install claude-code >/dev/null
	grep -q 'Be terse.' "$HOME/.claude/CLAUDE.md"
	run "$NONO" hooks remove claude-code
	[ "$status" -eq 0 ]
	[ "$(json_of "$SETTINGS")" = "$before" ]
	cmp "$HOME/.claude/CLAUDE.md" "$SCRATCH/notes"
	[ ! -e "$INSTALLED" ]
	[ ! -e "$(dirname "$INSTALLED")" ]
	run "$NONO" hooks status --json
	[ "$status" -eq 1 ]
	[[ "$output" == *'"installed": false'* ]]
	# from nothing and back to nothing
	rm -rf "$HOME/.claude"
	"$NONO" hooks install >/dev/null
	"$NONO" hooks remove >/dev/null
	[ ! -e "$SETTINGS" ]
	[ ! -e "$HOME/.claude/CLAUDE.md" ]
	[ ! -e "$HOME/.claude/hooks" ]
	[ ! -e "$INSTALLED" ]
}

@test "a settings file that does not parse is refused with file:line:column and left untouched" {
	printf '{\n  "model": "opus",\n  "x": [1, 2,\n}\n' > "$SETTINGS"
	cp "$SETTINGS" "$SCRATCH/broken"
	run "$NONO" hooks install claude-code
	[ "$status" -eq 125 ]
	[[ "$output" == *"$SETTINGS:4:1:"* ]]
	cmp "$SETTINGS" "$SCRATCH/broken"
	[ ! -e "$INSTALLED" ]
	[ ! -e "$SETTINGS.nono.bak" ]
	# nono run warns and still runs the program, sandboxed
	run timeout 30 "$NONO" run --profile claude-code -- sh -c 'echo ran; cat ~/.ssh/id_rsa'
	[[ "$output" == *"claude-code hook not installed"* ]]
	[[ "$output" == *ran* ]]
	[[ "$output" != *SECRET-SSH-KEY* ]]
	cmp "$SETTINGS" "$SCRATCH/broken"
}

@test "a link planted below ~/.claude sends none of nono's writes elsewhere" {
	# the sandbox can write ~/.claude: it could leave links to files it may not touch
	mkdir -p "$HOME/.claude" "$OUTSIDE/hookdir"
	printf 'export PATH=/usr/bin\n' > "$OUTSIDE/bashrc"
	printf '{"theme": "dark"}\n' > "$OUTSIDE/other.json"
	ln -s "$OUTSIDE/bashrc" "$HOME/.claude/CLAUDE.md"
	ln -s "$OUTSIDE/other.json" "$HOME/.claude/settings.json"
	ln -s "$OUTSIDE/hookdir" "$HOME/.claude/hooks"
	before=$(sha256sum "$OUTSIDE/bashrc" "$OUTSIDE/other.json")
	run "$NONO" hooks install claude-code
	[ "$status" -ne 0 ]
	[[ "$output" == *"a symbolic link below ~/.claude"* ]]
	run timeout 30 "$NONO" run --profile claude-code -- true
	[[ "$output" == *"hook not installed"*"symbolic link"* ]]
	# --silent: neither the warning nor its hint
	run timeout 30 "$NONO" run --silent --profile claude-code -- true
	[ -z "$output" ]
	[ "$(sha256sum "$OUTSIDE/bashrc" "$OUTSIDE/other.json")" = "$before" ]
	[ -z "$(ls -A "$OUTSIDE/hookdir")" ]
	[ -L "$HOME/.claude/CLAUDE.md" ]
	[ -L "$HOME/.claude/settings.json" ]
}

@test "the CLAUDE.md block is updated in place, never duplicated, the rest untouched" {
	printf 'top\n\n<!-- nono-sandbox-start -->\nold advice\n<!-- nono-sandbox-end -->\nbottom\n' > "$HOME/.claude/CLAUDE.md"
	"$NONO" hooks install >/dev/null
	md="$HOME/.claude/CLAUDE.md"
	[ "$(grep -c 'nono-sandbox-start' "$md")" -eq 1 ]
	[ "$(grep -c 'nono-sandbox-end' "$md")" -eq 1 ]
	! grep -q 'old advice' "$md" || false
	grep -q 'NONO_CAP_FILE' "$md"
	[ "$(head -n 1 "$md")" = top ]
	[ "$(tail -n 1 "$md")" = bottom ]
	# an unclosed block is refused
	printf 'x\n<!-- nono-sandbox-start -->\nmine\n' > "$md"
	run "$NONO" hooks install
	[ "$status" -eq 125 ]
	[[ "$output" == *"CLAUDE.md:2: <!-- nono-sandbox-start --> without"* ]]
	[ "$(cat "$md")" = "$(printf 'x\n<!-- nono-sandbox-start -->\nmine')" ]
}

@test "an outdated script is upgraded; the first nono run --profile claude-code installs and says so once" {
	run timeout 30 "$NONO" run --profile claude-code -- true
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Installing claude-code hook to ~/.local/share/nono/hooks/nono-hook.sh"* ]]
	cmp "$HOOK" "$INSTALLED"
	grep -q PostToolUseFailure "$SETTINGS"
	run timeout 30 "$NONO" run --profile claude-code -- true
	[[ "$output" != *"hook"* ]]
	# an older nono's script is replaced without a fuss
	cp "$SRCDIR/tests/fixtures/nono-hook-0.1.0.sh" "$INSTALLED"
	run timeout 30 "$NONO" run --profile claude-code -- true
	echo "$output"
	[[ "$output" == *"Updating claude-code hook in ~/.local/share/nono/hooks/nono-hook.sh"* ]]
	[[ "$output" != *warning* ]]
	cmp "$HOOK" "$INSTALLED"
	chmod -x "$INSTALLED"
	run timeout 30 "$NONO" run --profile claude-code -- true
	[[ "$output" == *"Updating claude-code hook"* ]]
	[ -x "$INSTALLED" ]
	# --dry-run changes nothing
	rm -rf "$HOME/.claude"
	run timeout 30 "$NONO" run --dry-run --profile claude-code -- true
	[[ "$output" == *"Hooks:     claude-code"* ]]
	[ ! -e "$HOME/.claude" ]
}

@test "a profile may declare the hook as the reference writes it; anything else is refused" {
	mkdir -p "$SCRATCH/p"
	echo '{"hooks": {"claude-code": {"event": "PostToolUseFailure", "matcher": "Read|Write|Edit|Bash", "script": "nono-hook.sh"}}}' > "$SCRATCH/p/ok.json"
	echo '{"hooks": {"claude-code": {"script": "/tmp/evil.sh"}}}' > "$SCRATCH/p/bad.json"
	echo '{"hooks": {"cursor": {}}}' > "$SCRATCH/p/unknown.json"
	run timeout 30 "$NONO" run --profile "$SCRATCH/p/ok.json" -- true
	[[ "$output" == *"Installing claude-code hook"* ]]
	rm -rf "$HOME/.claude"
	run timeout 30 "$NONO" run --profile "$SCRATCH/p/bad.json" -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	[[ "$output" == *"nono installs its own hook"* ]]
	run timeout 30 "$NONO" run --profile "$SCRATCH/p/unknown.json" -- touch "$WORK/ran"
	[[ "$output" == *"unknown target"* ]]
	[ ! -e "$WORK/ran" ]
	[ ! -e "$HOME/.claude/hooks" ]
}

# the hook as Claude Code runs it: inside the sandbox, JSON on stdin
hook_in_sandbox() {
	printf '%s' "$1" > "$SCRATCH/in.json"
	timeout 30 "$NONO" run --silent --profile claude-code --read-file "$HOOK" --read-file "$SCRATCH/in.json" \
		-- sh -c "sh '$HOOK' < '$SCRATCH/in.json'"
}

@test "hook: a denied Bash read gets the [NONO SANDBOX - PERMISSION DENIED] context as additionalContext" {
	in='{"session_id":"s","hook_event_name":"PostToolUseFailure","tool_name":"Bash","tool_input":{"command":"cat '"$HOME"'/.ssh/id_rsa"},"tool_use_id":"t","error":"Exit code 1\ncat: '"$HOME"'/.ssh/id_rsa: Permission denied"}'
	run hook_in_sandbox "$in"
	[ "$status" -eq 0 ]
	run python3 - "$output" "$HOME" "$WORK" <<'EOF'
import json, sys
out, home, work = sys.argv[1], sys.argv[2], sys.argv[3]
d = json.loads(out)["hookSpecificOutput"]
assert d["hookEventName"] == "PostToolUseFailure", d
c = d["additionalContext"]
assert c.startswith("[NONO SANDBOX - PERMISSION DENIED]\n\nSTOP. Do not try alternative approaches. This is a hard security boundary."), c
assert "ALLOWED PATHS (everything else is blocked):\n" in c, c
assert "  %s (readwrite)\n" % work in c, c
assert "  %s/.claude (readwrite)\n" % home in c, c
assert "Network: allowed\n" in c, c
assert "Blocked: %s/.ssh/id_rsa (read)" % home in c, c
assert "policy group deny_credentials" in c, c
assert "Tell the user they must EXIT this claude session and restart with:\n  nono run --profile claude-code" in c, c
# the one file, never the whole directory of keys
k = "%s/.ssh/id_rsa" % home
assert "--read-file %s --bypass-protection %s -- claude" % (k, k) in c, c
assert "--bypass-protection %s/.ssh " % home not in c and "--allow %s/.ssh" % home not in c, c
print("ok")
EOF
	[ "$output" = ok ]
}

@test "hook: a denied Write names its directory; network state comes from the capability file" {
	in='{"hook_event_name":"PostToolUseFailure","tool_name":"Write","tool_input":{"file_path":"'"$OUTSIDE"'/new.txt","content":"x"},"error":"EACCES: permission denied, open '"'$OUTSIDE/new.txt.tmp.1.2'"'"}'
	printf '%s' "$in" > "$SCRATCH/in.json"
	run timeout 30 "$NONO" run --silent --block-net --allow "$WORK" --read-file "$HOOK" --read-file "$SCRATCH/in.json" \
		-- sh -c "sh '$HOOK' < '$SCRATCH/in.json'"
	c=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["hookSpecificOutput"]["additionalContext"])' "$output")
	[[ "$c" == *"Blocked: $OUTSIDE/new.txt"* ]]
	[[ "$c" == *"Network: blocked"* ]]
	# the grants as the kernel sees them: canonical paths
	[[ "$c" == *"  nono run --allow $WORK --read-file $(realpath "$HOOK") --read-file $SCRATCH/in.json --allow $OUTSIDE -- claude"* ]]
}

@test "hook: a denied write to nono's own files or state offers no grant and no bypass" {
	mkdir -p "$HOME/.config/nono/profiles" "$HOME/.local/state/nono"
	for target in "$HOME/.config/nono/profiles/evil.json" "$HOME/.local/state/nono/x"; do
		in='{"hook_event_name":"PostToolUseFailure","tool_name":"Write","tool_input":{"file_path":"'"$target"'","content":"{}"},"error":"EACCES: permission denied"}'
		run hook_in_sandbox "$in"
		echo "$output"
		c=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["hookSpecificOutput"]["additionalContext"])' "$output")
		[[ "$c" == *"Blocked: $target"* ]]
		[[ "$c" == *"holds nono's own files (policy group nono_"* ]]
		[[ "$c" == *"Tell the user that this change must be made outside nono, by them."* ]]
		[[ "$c" != *bypass* ]]
		[[ "$c" != *"nono run"* ]]
	done
	# reading them is a grant like any other
	in='{"hook_event_name":"PostToolUseFailure","tool_name":"Read","tool_input":{"file_path":"'"$HOME"'/.config/nono/config.ini"},"error":"EACCES: permission denied"}'
	run hook_in_sandbox "$in"
	[[ "$output" == *"--read $HOME/.config/nono -- claude"* ]]
	[[ "$output" != *bypass* ]]
}

@test "hook: silent outside a sandbox, on other failures, and on successful Bash output" {
	in='{"hook_event_name":"PostToolUseFailure","tool_name":"Bash","error":"cat: /x: Permission denied"}'
	run sh -c "printf '%s' '$in' | sh '$HOOK'"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run hook_in_sandbox '{"hook_event_name":"PostToolUseFailure","tool_name":"Bash","tool_input":{"command":"false"},"error":"Exit code 1"}'
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run hook_in_sandbox '{"hook_event_name":"PostToolUse","tool_name":"Bash","tool_input":{"command":"echo hi"},"tool_response":{"stdout":"hi","stderr":""}}'
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run hook_in_sandbox '{"hook_event_name":"PostToolUse","tool_name":"Bash","tool_input":{"command":"ls /root"},"tool_response":{"stdout":"","stderr":"ls: cannot open directory /root: Permission denied"}}'
	[[ "$output" == *'"hookEventName":"PostToolUse"'* ]]
	[[ "$output" == *"Blocked: /root"* ]]
}

# ---- the script is nono's own file: out of the sandbox's reach ----------------

# as Claude Code would: every command hook in settings.json, run through a
# shell with the event on stdin, inside whatever runs this
FAKE_CLAUDE='import json, os, subprocess, sys
d = json.load(open(os.path.expanduser("~/.claude/settings.json")))
event = json.dumps({"hook_event_name": "PostToolUseFailure", "tool_name": "Bash",
                    "tool_input": {"command": "cat /root/x"}, "error": "cat: /root/x: Permission denied"})
for ev, groups in d.get("hooks", {}).items():
    for g in groups:
        for h in g["hooks"]:
            r = subprocess.run(["sh", "-c", h["command"]], input=event, capture_output=True, text=True)
            print("HOOK", h["command"], "->", r.returncode, r.stdout.strip()[:60])'

@test "the installed script sits outside ~/.claude; inside the sandbox it runs and cannot be changed" {
	run timeout 30 "$NONO" hooks install claude-code
	[ "$status" -eq 0 ]
	[ "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sorted({h["command"] for g in d["hooks"].values() for e in g for h in e["hooks"]}))' "$SETTINGS")" = "['$INSTALLED']" ]
	cp "$INSTALLED" "$WORK/before"
	printf '%s\n' "$FAKE_CLAUDE" > "$WORK/fake-claude.py"
	run timeout 30 "$NONO" run --silent --profile claude-code -- python3 -c "
import os, shutil
s = '$INSTALLED'
def tryit(name, f):
    try:
        f(); print(name, 'DONE')
    except OSError as e:
        print(name, 'refused', e.errno)
tryit('overwrite', lambda: open(s, 'w').write('#!/bin/sh\ntouch $WORK/pwned\n'))
tryit('append', lambda: open(s, 'a').write('touch $WORK/pwned\n'))
tryit('rename', lambda: os.rename(s, s + '.old'))
tryit('unlink', lambda: os.unlink(s))
tryit('create', lambda: open(os.path.dirname(s) + '/other.sh', 'w'))
tryit('replace', lambda: (open('$HOME/.claude/x', 'w').write('evil'), os.replace('$HOME/.claude/x', s)))
tryit('rmtree', lambda: shutil.rmtree(os.path.dirname(s)))
tryit('chmod', lambda: os.chmod(s, 0o777))
print('readable', open(s).read() == open('$WORK/before').read())
"
	echo "$output"
	[ "$(echo "$output" | grep -c 'refused')" -eq 8 ]
	[[ "$output" != *DONE* ]]
	[[ "$output" == *"readable True"* ]]
	cmp "$HOOK" "$INSTALLED"
	[ -x "$INSTALLED" ]
	[ ! -e "$WORK/pwned" ]
	[ ! -e "$INSTALLED.old" ]
	[ "$(ls "$(dirname "$INSTALLED")")" = nono-hook.sh ]
	# Claude Code runs it inside the sandbox: it reads the capability file and answers
	run timeout 30 "$NONO" run --silent --profile claude-code -- python3 "$WORK/fake-claude.py"
	echo "$output"
	[ "$(echo "$output" | grep -c "^HOOK $INSTALLED -> 0 {\"hookSpecificOutput\"")" -eq 3 ]
}

@test "an earlier install in ~/.claude/hooks moves out; the old script goes only if nono wrote it" {
	mkdir -p "$HOME/.claude/hooks"
	cp "$SRCDIR/tests/fixtures/nono-hook-0.1.0.sh" "$LEGACY"
	chmod 755 "$LEGACY"
	cat > "$SETTINGS" <<'EOF'
{
  "model": "opus",
  "hooks": {
    "PostToolUseFailure": [{"matcher": "Read|Write|Edit|Bash", "hooks": [{"type": "command", "command": "$HOME/.claude/hooks/nono-hook.sh"}]}],
    "PostToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "$HOME/.claude/hooks/nono-hook.sh"}]},
                    {"matcher": "Write", "hooks": [{"type": "command", "command": "prettier --write"}]}]
  }
}
EOF
	cp "$SETTINGS" "$SCRATCH/with-legacy.json"
	run timeout 30 "$NONO" hooks status
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"old script   registered ~/.claude/hooks/nono-hook.sh (install removes it)"* ]]
	run timeout 30 "$NONO" run --profile claude-code -- true
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Moving claude-code hook from ~/.claude/hooks/nono-hook.sh to ~/.local/share/nono/hooks/nono-hook.sh, out of the sandbox's reach"* ]]
	[[ "$output" != *warning* ]]
	[ ! -e "$LEGACY" ]
	[ ! -e "$HOME/.claude/hooks" ]
	cmp "$HOOK" "$INSTALLED"
	! grep -q '.claude/hooks' "$SETTINGS" || false
	[ "$(grep -c "\"command\": \"$INSTALLED\"" "$SETTINGS")" -eq 3 ]
	grep -q '"prettier --write"' "$SETTINGS"
	grep -q '"model": "opus"' "$SETTINGS"
	run timeout 30 "$NONO" hooks status
	[ "$status" -eq 0 ]

	# one the sandbox changed is left where it is, no longer registered, and said so
	mkdir -p "$HOME/.claude/hooks"
	{ cat "$SRCDIR/tests/fixtures/nono-hook-0.1.0.sh"; echo 'touch "$HOME/pwned"'; } > "$LEGACY"
	cp "$SCRATCH/with-legacy.json" "$SETTINGS"
	cp "$LEGACY" "$SCRATCH/changed"
	run timeout 30 "$NONO" run --profile claude-code -- true
	echo "$output"
	[[ "$output" == *"warning: ~/.claude/hooks/nono-hook.sh, the hook an earlier nono registered, is not what nono wrote there"*"left in place"* ]]
	cmp "$LEGACY" "$SCRATCH/changed"
	! grep -q '.claude/hooks' "$SETTINGS" || false
	# said once: nothing names it any more
	run timeout 30 "$NONO" run --profile claude-code -- true
	[[ "$output" != *warning* ]]
	[ ! -e "$HOME/pwned" ]
}

@test "a planted settings.json entry is refused at the next launch with a warning, and never runs" {
	mkdir -p "$SCRATCH/evil"
	printf '#!/bin/sh\ntouch %s/ran-planted\n' "$WORK" > "$SCRATCH/evil/nono-hook.sh"
	chmod 755 "$SCRATCH/evil/nono-hook.sh"
	printf '%s\n' "$FAKE_CLAUDE" > "$WORK/fake-claude.py"
	run timeout 30 "$NONO" run --silent --profile claude-code -- true
	[ "$status" -eq 0 ]
	# something that can write ~/.claude outside a sandbox (a sandboxed write
	# is undone at the session's end, tests/persist.bats) points nono's entries
	# at its own script, and adds one with nono's command run by a shell of its choosing
	run timeout 30 python3 -c "
import json
p = '$SETTINGS'
d = json.load(open(p))
for g in d['hooks']['PostToolUseFailure']:
    for h in g['hooks']:
        h['command'] = '$SCRATCH/evil/nono-hook.sh'
d['hooks']['PostToolUse'][0]['hooks'][0]['shell'] = '$SCRATCH/evil/nono-hook.sh'
json.dump(d, open(p, 'w'))
print('planted')"
	[ "$output" = planted ]
	cp "$SETTINGS" "$SCRATCH/planted.json"
	run timeout 30 "$NONO" hooks status
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"settings     foreign"* ]]
	run timeout 30 "$NONO" run --profile claude-code -- python3 "$WORK/fake-claude.py"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"warning: ~/.claude/settings.json: the hook entry '$SCRATCH/evil/nono-hook.sh' names nono's hook but is not nono's ~/.local/share/nono/hooks/nono-hook.sh: refused and replaced"* ]]
	[[ "$output" == *"warning: ~/.claude/settings.json: the hook entry '$INSTALLED' with 'shell: $SCRATCH/evil/nono-hook.sh' names nono's hook"* ]]
	[[ "$output" == *"hint: something that can write ~/.claude"* ]]
	[ ! -e "$WORK/ran-planted" ]
	[ "$(echo "$output" | grep -c "^HOOK $INSTALLED -> 0")" -eq 3 ]
	[ "$(echo "$output" | grep -c '^HOOK')" -eq 3 ]
	! grep -q evil "$SETTINGS" || false
	# what was planted is kept in nono's state, never beside the file
	cmp "$HOME/.local/state/nono/hooks/claude-code/settings.planted" "$SCRATCH/planted.json"
	[ ! -e "$SETTINGS.nono.bak" ]
	run timeout 30 "$NONO" hooks status
	[ "$status" -eq 0 ]
}

@test "a planted entry that cannot be replaced stops the launch; nothing runs (as the test user)" {
	ensure_test_user
	USER_HOME="$SCRATCH/uhome"
	mkdir -p "$USER_HOME/.claude" "$USER_HOME/proj" "$SCRATCH/evil"
	printf '#!/bin/sh\ntouch %s/ran-planted\n' "$SCRATCH/evil" > "$SCRATCH/evil/nono-hook.sh"
	chmod 755 "$SCRATCH/evil/nono-hook.sh"
	chown -R "$TEST_USER" "$USER_HOME" "$SCRATCH/evil"
	chmod 755 "$SCRATCH"
	cd "$USER_HOME/proj" || return 1
	run as_user timeout 30 "$NONO" hooks install claude-code
	[ "$status" -eq 0 ]
	as_user python3 -c "
import json
p = '$USER_HOME/.claude/settings.json'
d = json.load(open(p))
d['hooks']['PostToolUse'][0]['hooks'][0]['command'] = '$SCRATCH/evil/nono-hook.sh'
json.dump(d, open(p, 'w'))"
	# nono cannot write ~/.claude now (the user's own permissions)
	chmod 555 "$USER_HOME/.claude"
	run as_user timeout 30 "$NONO" run --profile claude-code -- touch "$SCRATCH/evil/ran-program"
	echo "$output"
	[ "$status" -eq 125 ]
	[[ "$output" == *"names nono's hook but is not nono's"* ]]
	[[ "$output" == *"cannot replace what nono did not write"* ]]
	[ ! -e "$SCRATCH/evil/ran-program" ]
	[ ! -e "$SCRATCH/evil/ran-planted" ]
	chmod 755 "$USER_HOME/.claude"
	# and the script: the test user's own file, which a sandbox of theirs cannot write either
	run as_user timeout 30 "$NONO" run --silent --profile claude-code --allow "$USER_HOME" -- \
		sh -c "echo x >> '$USER_HOME/.local/share/nono/hooks/nono-hook.sh'; rm -f '$USER_HOME/.local/share/nono/hooks/nono-hook.sh'"
	echo "$output"
	[[ "$output" == *"ermission denied"* ]]
	cmp "$HOOK" "$USER_HOME/.local/share/nono/hooks/nono-hook.sh"
	[ "$(stat -c %U "$USER_HOME/.local/share/nono/hooks/nono-hook.sh")" = "$TEST_USER" ]
}

@test "a script changed outside nono is refused and replaced at the next launch" {
	run timeout 30 "$NONO" run --silent --profile claude-code -- true
	printf '#!/bin/sh\ntouch %s/ran-changed\n' "$WORK" > "$INSTALLED"
	run timeout 30 "$NONO" run --profile claude-code -- true
	echo "$output"
	[[ "$output" == *"warning: ~/.local/share/nono/hooks/nono-hook.sh is not the script nono installs (changed outside nono): refused and replaced"* ]]
	cmp "$HOOK" "$INSTALLED"
	[ ! -e "$WORK/ran-changed" ]
	run timeout 30 "$NONO" run --profile claude-code -- true
	[[ "$output" != *warning* ]]
}

@test "every script nono installs is one a later nono recognises (its digest is in known_scripts)" {
	digest=$(sha256sum "$HOOK" | cut -d' ' -f1)
	grep -q "\"$digest\"" "$SRCDIR/src/agent/hooks.c" || {
		echo "add \"$digest\" to known_scripts in src/agent/hooks.c"
		false
	}
	grep -q "\"$(sha256sum "$SRCDIR/tests/fixtures/nono-hook-0.1.0.sh" | cut -d' ' -f1)\"" "$SRCDIR/src/agent/hooks.c"
}

@test "settings.json names the script as one shell word, wherever \$XDG_DATA_HOME is" {
	export XDG_DATA_HOME="$SCRATCH/my data's \$HOME"
	mkdir -p "$XDG_DATA_HOME"
	printf '%s\n' "$FAKE_CLAUDE" > "$WORK/fake-claude.py"
	run timeout 30 "$NONO" run --silent --profile claude-code -- python3 "$WORK/fake-claude.py"
	echo "$output"
	cmp "$HOOK" "$XDG_DATA_HOME/nono/hooks/nono-hook.sh"
	[ "$(echo "$output" | grep -c '^HOOK .* -> 0 {"hookSpecificOutput"')" -eq 3 ]
	run timeout 30 "$NONO" hooks status
	[ "$status" -eq 0 ]
}

# ---- the hook asks nono (issue 16's four cases) ----------------------------------

# the hook's additionalContext for event JSON $1, run in a sandbox of the
# flags that follow (none: the claude-code profile)
hook_context() {
	local in=$1
	shift
	printf '%s' "$in" >"$SCRATCH/in.json"
	[ $# -gt 0 ] || set -- --profile claude-code
	timeout 30 "$NONO" run --silent "$@" --read-file "$HOOK" --read-file "$SCRATCH/in.json" \
		-- sh -c "sh '$HOOK' < '$SCRATCH/in.json'" >"$SCRATCH/out.json"
	python3 -c 'import json,sys; t=open(sys.argv[1]).read(); print(json.loads(t)["hookSpecificOutput"]["additionalContext"] if t.strip() else "(silent)")' "$SCRATCH/out.json"
}

# nono why's own fix for PATH and OP, asked inside a sandbox of the same flags
why_fix() {
	local p=$1 op=$2
	shift 2
	timeout 30 "$NONO" run --silent "$@" --read-file "$HOOK" --read-file "$SCRATCH/in.json" -- \
		sh -c "nono why --self --path '$p' --op $op --json" | pyjson 'print(d["suggested_flag"])'
}

@test "hook: a key in ~/.ssh gets the fix for that one file, never a bypass of ~/.ssh" {
	in='{"hook_event_name":"PostToolUseFailure","tool_name":"Bash","tool_input":{"command":"cat ~/.ssh/id_rsa"},"error":"Exit code 1\ncat: '"$HOME"'/.ssh/id_rsa: Permission denied"}'
	run hook_context "$in"
	echo "$output"
	fix=$(why_fix "$HOME/.ssh/id_rsa" read --profile claude-code)
	[ "$fix" = "--read-file $HOME/.ssh/id_rsa --bypass-protection $HOME/.ssh/id_rsa" ]
	[[ "$output" == *" $fix -- claude"* ]]
	[[ "$output" == *"protected sensitive path (policy group deny_credentials)"* ]]
	[[ "$output" == *"only if the task truly needs this very file"* ]]
	[[ "$output" != *"--bypass-protection $HOME/.ssh "* ]]
	[[ "$output" != *"--allow $HOME/.ssh"* ]]
	[[ "$output" != *"--read $HOME/.ssh"* ]]
	# the directory itself: nono names no bypass at all
	in='{"hook_event_name":"PostToolUseFailure","tool_name":"Bash","tool_input":{"command":"ls ~/.ssh"},"error":"Exit code 2\nls: cannot open directory '"'$HOME/.ssh'"': Permission denied"}'
	run hook_context "$in"
	echo "$output"
	[[ "$output" == *"Blocked: $HOME/.ssh (read)"* ]]
	[[ "$output" == *"nono offers no grant for this: a directory of a protected kind"* ]]
	[[ "$output" != *bypass-protection* ]]
}

@test "hook: /etc/shadow gets a read grant of that file, never write access to /etc" {
	in='{"hook_event_name":"PostToolUseFailure","tool_name":"Bash","tool_input":{"command":"cat /etc/shadow"},"error":"Exit code 1\ncat: /etc/shadow: Permission denied"}'
	run hook_context "$in"
	echo "$output"
	[ "$(why_fix /etc/shadow read --profile claude-code)" = "--read-file /etc/shadow" ]
	[[ "$output" == *"Blocked: /etc/shadow (read)"* ]]
	[[ "$output" == *" --read-file /etc/shadow -- claude"* ]]
	[[ "$output" != *"--allow /etc"* ]]
	[[ "$output" != *"--read /etc "* ]]
	# writing there: nono offers nothing
	in='{"hook_event_name":"PostToolUseFailure","tool_name":"Write","tool_input":{"file_path":"/etc/nono-test.conf","content":"x"},"error":"EACCES: permission denied, open '"'/etc/nono-test.conf'"'"}'
	run hook_context "$in"
	echo "$output"
	[[ "$output" == *"Blocked: /etc/nono-test.conf (write)"* ]]
	[[ "$output" == *"nono offers no grant for this: a system path"* ]]
	[[ "$output" != *"nono run"* ]]
}

@test "hook: an overwrite under --allow . --no-delete names --allow-delete, not the grant the session has" {
	echo old >"$WORK/f.txt"
	in='{"hook_event_name":"PostToolUseFailure","tool_name":"Write","tool_input":{"file_path":"'"$WORK"'/f.txt","content":"x"},"error":"EACCES: permission denied, rename '"'$WORK/f.txt.tmp.1.2'"' -> '"'$WORK/f.txt'"'"}'
	run hook_context "$in" --allow . --no-delete
	echo "$output"
	[ "$(why_fix "$WORK/f.txt" delete --allow . --no-delete)" = "--allow-delete" ]
	[[ "$output" == *"Blocked: $WORK/f.txt (delete)"* ]]
	[[ "$output" == *"Writing it replaces it"* ]]
	[[ "$output" == *"  nono run --allow $WORK --read-file"*" --allow-delete -- claude"* ]]
	# the session's own grant is not offered again
	[[ "$output" != *"--allow $WORK -- claude"* ]]
	[[ "$output" != *"--allow $WORK --allow-delete"* ]]
}

@test "hook: a remote's 'Permission denied (publickey)' is no sandbox denial: the hook stays silent" {
	in='{"hook_event_name":"PostToolUseFailure","tool_name":"Bash","tool_input":{"command":"git push"},"error":"Exit code 128\ngit@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists."}'
	run hook_context "$in"
	[ "$output" = "(silent)" ]
	# nor a file nono allows that the program refused for its own reasons
	echo x >"$WORK/mine"
	in='{"hook_event_name":"PostToolUseFailure","tool_name":"Bash","tool_input":{"command":"./mine"},"error":"Exit code 126\nbash: '"$WORK"'/mine: Permission denied"}'
	run hook_context "$in"
	[ "$output" = "(silent)" ]
}

@test "hook: the user's own file permissions are said to refuse too (as the test user)" {
	ensure_test_user
	USER_HOME="$SCRATCH/uhome"
	mkdir -p "$USER_HOME/proj"
	chown -R "$TEST_USER" "$USER_HOME"
	chmod 755 "$SCRATCH"
	printf '%s' '{"hook_event_name":"PostToolUseFailure","tool_name":"Bash","tool_input":{"command":"cat /etc/shadow"},"error":"Exit code 1\ncat: /etc/shadow: Permission denied"}' >"$SCRATCH/in.json"
	chmod 644 "$SCRATCH/in.json"
	cd "$USER_HOME/proj" || return 1
	run as_user timeout 30 "$NONO" run --silent --allow . --read-file "$HOOK" --read-file "$SCRATCH/in.json" \
		-- sh -c "sh '$HOOK' < '$SCRATCH/in.json'"
	echo "$output"
	[[ "$output" == *"--read-file /etc/shadow"* ]]
	[[ "$output" == *"the file's own permissions refuse this user too"* ]]
}

@test "hook: Claude Code's own sandbox failing inside nono is explained; SessionStart says what the session may do, only inside nono" {
	in='{"hook_event_name":"PostToolUseFailure","tool_name":"Bash","tool_input":{"command":"echo hi"},"error":"Exit code 1\nbwrap: Creating new namespace failed: Operation not permitted"}'
	run hook_context "$in"
	echo "$output"
	[[ "$output" == *"cannot start inside nono"* ]]
	[[ "$output" == *"dangerouslyDisableSandbox: true"* ]]
	in='{"session_id":"s","hook_event_name":"SessionStart","source":"startup"}'
	run hook_context "$in" --allow . --block-net
	echo "$output"
	[[ "$output" == *"[NONO SANDBOX] This session runs inside the nono sandbox"* ]]
	[[ "$output" == *"  $WORK (readwrite)"* ]]
	[[ "$output" == *"Network: blocked"* ]]
	[[ "$output" == *"nono why --self --path PATH --op read|write|delete"* ]]
	grep -q '"hookEventName":"SessionStart"' "$SCRATCH/out.json"
	# outside nono: nothing, whatever the event
	run sh -c "printf '%s' '$in' | sh '$HOOK'"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

# ---- scopes and consent ----------------------------------------------------------

# a tree's names, types, modes, sizes and bytes (not times)
tree_bytes() { (cd "$1" && find . -printf '%p %y %m %s\n' | sort && find . -type f -exec sha256sum {} + | sort); }

@test "hooks install --project: .claude/settings.local.json and ./CLAUDE.md; remove puts both back byte for byte" {
	printf '# My project\n\nNo trailing newline here' >"$WORK/CLAUDE.md"
	cp "$WORK/CLAUDE.md" "$SCRATCH/md"
	before=$(tree_bytes "$WORK")
	run "$NONO" hooks install --project
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"installed settings: $WORK/.claude/settings.local.json"* ]]
	pyjson 'h = d["hooks"]; assert sorted(h) == ["PostToolUse", "PostToolUseFailure", "SessionStart"], h' \
		<"$WORK/.claude/settings.local.json"
	grep -q 'nono-sandbox-start' "$WORK/CLAUDE.md"
	head -n 3 "$WORK/CLAUDE.md" | grep -q 'No trailing newline here'
	# the user's scope is untouched
	[ ! -e "$SETTINGS" ]
	[ ! -e "$HOME/.claude/CLAUDE.md" ]
	run "$NONO" hooks status --project --json
	[ "$status" -eq 0 ]
	[[ "$output" == *'"scope": "project"'* ]]
	# a launch in the project keeps its scope current, and installs the user's too
	run timeout 30 "$NONO" run --silent --profile claude-code -- true
	[ "$status" -eq 0 ]
	run "$NONO" hooks remove --project
	echo "$output"
	[ "$status" -eq 0 ]
	cmp "$WORK/CLAUDE.md" "$SCRATCH/md"
	[ "$(tree_bytes "$WORK")" = "$before" ]
	[ ! -e "$WORK/.claude" ]
	# the script stays while the user's scope still names it
	[ -x "$INSTALLED" ]
}

@test "hooks remove puts the user's files back byte for byte, leaves no backup, and the next launches install nothing" {
	printf '{\n    "model": "opus",   "x": [1,2]\n}' >"$SETTINGS"
	printf 'Be terse.' >"$HOME/.claude/CLAUDE.md"
	before=$(tree_bytes "$HOME/.claude")
	run timeout 30 "$NONO" run --profile claude-code -- true
	[[ "$output" == *"Installing claude-code hook"* ]]
	run "$NONO" hooks remove
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"'nono run' installs no claude-code hook until 'nono hooks install'"* ]]
	# exactly as before: content, names, no *.nono.bak (the launch's own state files aside)
	[ "$(tree_bytes "$HOME/.claude" | grep -v 'claude\.json')" = "$(grep -v 'claude\.json' <<<"$before")" ]
	[ -z "$(find "$HOME" -name '*.nono.bak')" ]
	[ ! -e "$INSTALLED" ]
	# remembered: a launch installs nothing, silently
	run timeout 30 "$NONO" run --profile claude-code -- true
	[ "$status" -eq 0 ]
	[[ "$output" != *hook* ]]
	[ "$(tree_bytes "$HOME/.claude" | grep -c 'settings.json\|CLAUDE.md')" -eq 4 ]
	! grep -q nono-hook "$SETTINGS" || false
	run "$NONO" hooks status
	[[ "$output" == *"at launch    off: removed"* ]]
	# an entry naming nono's hook that appears meanwhile is not nono's: the launch stops
	python3 -c 'import json,sys; p=sys.argv[1]; d=json.load(open(p)); d["hooks"]={"PostToolUse":[{"hooks":[{"type":"command","command":"/tmp/x/nono-hook.sh"}]}]}; json.dump(d,open(p,"w"))' "$SETTINGS"
	run timeout 30 "$NONO" run --profile claude-code -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	[[ "$output" == *"names nono's hook and is not nono's"* ]]
	[ ! -e "$WORK/ran" ]
	# install ends the opt-out
	run "$NONO" hooks install
	[ "$status" -eq 0 ]
	run "$NONO" hooks status --json
	[[ "$output" == *'"opted_out": false'* ]]
}

@test "--no-hooks, NONO_NO_HOOKS and [hooks] install = false: a launch writes no hook" {
	run timeout 30 "$NONO" run --no-hooks --profile claude-code -- true
	[ "$status" -eq 0 ]
	[[ "$output" != *hook* ]]
	[ ! -e "$SETTINGS" ]
	[ ! -e "$INSTALLED" ]
	run env NONO_NO_HOOKS=1 timeout 30 "$NONO" run --profile claude-code -- true
	[ ! -e "$SETTINGS" ]
	mkdir -p "$HOME/.config/nono"
	printf '[hooks]\ninstall = false\n' >"$HOME/.config/nono/config.ini"
	run timeout 30 "$NONO" run --profile claude-code -- true
	[ "$status" -eq 0 ]
	[ ! -e "$SETTINGS" ]
	[ ! -e "$HOME/.claude/CLAUDE.md" ]
	run "$NONO" config
	[[ "$output" == *"install"*"false"* ]]
	printf '[hooks]\ninstall = true\n' >"$HOME/.config/nono/config.ini"
	run timeout 30 "$NONO" run --profile claude-code -- true
	[[ "$output" == *"Installing claude-code hook"* ]]
}
