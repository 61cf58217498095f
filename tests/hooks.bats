#!/usr/bin/env bats
# The Claude Code integration: 'nono hooks install|remove|status', the
# automatic install by 'nono run --profile claude-code', and the hook script
# itself fed the JSON Claude Code sends.
load helpers

HOOK="${NONO_SRCDIR:-$BATS_TEST_DIRNAME/..}/hooks/nono-hook.sh"

setup() {
	common_setup
	mkdir -p "$HOME/.claude"
	SETTINGS="$HOME/.claude/settings.json"
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

@test "install merges into settings.json without losing or reordering the user's keys, with a backup" {
	user_settings
	before=$(json_of "$SETTINGS")
	run "$NONO" hooks install claude-code
	[ "$status" -eq 0 ]
	cmp "$HOOK" "$HOME/.claude/hooks/nono-hook.sh"
	[ -x "$HOME/.claude/hooks/nono-hook.sh" ]
	[ "$(json_of "$SETTINGS.nono.bak")" = "$before" ]
	run python3 - "$SETTINGS" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d) == ["model", "permissions", "hooks", "env", "ratio"], list(d)
assert d["permissions"] == {"allow": ["Bash(ls)"], "deny": []} and d["env"] == {"A": "1"} and d["ratio"] == 0.1
post = d["hooks"]["PostToolUse"]
assert post[0] == {"matcher": "Write", "hooks": [{"type": "command", "command": "prettier --write"}]}, post
cmd = "$HOME/.claude/hooks/nono-hook.sh"
assert post[1] == {"matcher": "Bash", "hooks": [{"type": "command", "command": cmd}]}, post
assert d["hooks"]["PostToolUseFailure"] == [{"matcher": "Read|Write|Edit|Bash",
                                              "hooks": [{"type": "command", "command": cmd}]}]
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
	[ "$(grep -c nono-hook.sh "$SETTINGS")" -eq 2 ]
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
	[ ! -e "$HOME/.claude/hooks/nono-hook.sh" ]
	run "$NONO" hooks status --json
	[ "$status" -eq 1 ]
	[[ "$output" == *'"installed": false'* ]]
	# from nothing and back to nothing
	rm -rf "$HOME/.claude"
	"$NONO" hooks install >/dev/null
	"$NONO" hooks remove >/dev/null
	[ ! -e "$SETTINGS" ] && [ ! -e "$HOME/.claude/CLAUDE.md" ] && [ ! -e "$HOME/.claude/hooks" ]
}

@test "a settings file that does not parse is refused with file:line:column and left untouched" {
	printf '{\n  "model": "opus",\n  "x": [1, 2,\n}\n' > "$SETTINGS"
	cp "$SETTINGS" "$SCRATCH/broken"
	run "$NONO" hooks install claude-code
	[ "$status" -eq 125 ]
	[[ "$output" == *"$SETTINGS:4:1:"* ]]
	cmp "$SETTINGS" "$SCRATCH/broken"
	[ ! -e "$HOME/.claude/hooks/nono-hook.sh" ]
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
	[ -L "$HOME/.claude/CLAUDE.md" ] && [ -L "$HOME/.claude/settings.json" ]
}

@test "the CLAUDE.md block is updated in place, never duplicated, the rest untouched" {
	printf 'top\n\n<!-- nono-sandbox-start -->\nold advice\n<!-- nono-sandbox-end -->\nbottom\n' > "$HOME/.claude/CLAUDE.md"
	"$NONO" hooks install >/dev/null
	md="$HOME/.claude/CLAUDE.md"
	[ "$(grep -c 'nono-sandbox-start' "$md")" -eq 1 ]
	[ "$(grep -c 'nono-sandbox-end' "$md")" -eq 1 ]
	! grep -q 'old advice' "$md"
	grep -q 'NONO_CAP_FILE' "$md"
	[ "$(head -n 1 "$md")" = top ] && [ "$(tail -n 1 "$md")" = bottom ]
	# an unclosed block is refused
	printf 'x\n<!-- nono-sandbox-start -->\nmine\n' > "$md"
	run "$NONO" hooks install
	[ "$status" -eq 125 ]
	[[ "$output" == *"CLAUDE.md:2: <!-- nono-sandbox-start --> without"* ]]
	[ "$(cat "$md")" = "$(printf 'x\n<!-- nono-sandbox-start -->\nmine')" ]
}

@test "an outdated script is upgraded; the first nono run --profile claude-code installs and says so once" {
	run timeout 30 "$NONO" run --profile claude-code -- true
	[ "$status" -eq 0 ]
	[[ "$output" == *"Installing claude-code hook to ~/.claude/hooks/nono-hook.sh"* ]]
	cmp "$HOOK" "$HOME/.claude/hooks/nono-hook.sh"
	grep -q PostToolUseFailure "$SETTINGS"
	run timeout 30 "$NONO" run --profile claude-code -- true
	[[ "$output" != *"hook"* ]]
	echo '#!/bin/sh' > "$HOME/.claude/hooks/nono-hook.sh"
	run timeout 30 "$NONO" run --profile claude-code -- true
	[[ "$output" == *"Updating claude-code hook in ~/.claude/hooks/nono-hook.sh"* ]]
	cmp "$HOOK" "$HOME/.claude/hooks/nono-hook.sh"
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
	[ ! -e "$WORK/ran" ] && [ ! -e "$HOME/.claude/hooks" ]
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
assert "Blocked: %s/.ssh/id_rsa" % home in c, c
assert "policy group deny_credentials" in c, c
assert "Tell the user they must EXIT this Claude session and restart with:\n  nono run --profile claude-code" in c, c
assert "--allow %s/.ssh --bypass-protection %s/.ssh -- claude" % (home, home) in c, c
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

@test "hook: silent outside a sandbox, on other failures, and on successful Bash output" {
	in='{"hook_event_name":"PostToolUseFailure","tool_name":"Bash","error":"cat: /x: Permission denied"}'
	run sh -c "printf '%s' '$in' | sh '$HOOK'"
	[ "$status" -eq 0 ] && [ -z "$output" ]
	run hook_in_sandbox '{"hook_event_name":"PostToolUseFailure","tool_name":"Bash","tool_input":{"command":"false"},"error":"Exit code 1"}'
	[ "$status" -eq 0 ] && [ -z "$output" ]
	run hook_in_sandbox '{"hook_event_name":"PostToolUse","tool_name":"Bash","tool_input":{"command":"echo hi"},"tool_response":{"stdout":"hi","stderr":""}}'
	[ "$status" -eq 0 ] && [ -z "$output" ]
	run hook_in_sandbox '{"hook_event_name":"PostToolUse","tool_name":"Bash","tool_input":{"command":"ls /root"},"tool_response":{"stdout":"","stderr":"ls: cannot open directory /root: Permission denied"}}'
	[[ "$output" == *'"hookEventName":"PostToolUse"'* ]]
	[[ "$output" == *"Blocked: /root"* ]]
}
