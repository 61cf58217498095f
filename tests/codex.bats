#!/usr/bin/env bats
# End to end with the real OpenAI Codex CLI (pinned, from the npm registry,
# cached in the build directory) under 'nono run --profile codex', talking to
# a stand-in for the Responses API on loopback (a model provider of its
# config.toml) that answers with scripted function calls. The assertions read
# what the stand-in received and what is on disk.
load helpers

CODEX_VERSION=0.171.0
STANDIN="${NONO_SRCDIR:-$BATS_TEST_DIRNAME/..}/tests/fixtures/openai-standin.py"

setup_file() {
	local build="${NONO_BUILDDIR:-$(dirname "$NONO")}"

	export CODEX_PREFIX="$build/codex-$CODEX_VERSION"
	export CODEX="$CODEX_PREFIX/node_modules/.bin/codex"
	if [ ! -x "$CODEX" ] && command -v npm >/dev/null; then
		timeout 900 npm install --prefix "$CODEX_PREFIX" --no-audit --no-fund --loglevel=error \
			"@openai/codex@$CODEX_VERSION" >"$build/codex-install.log" 2>&1 || true
	fi
}

setup() {
	common_setup
	agent_installed Codex "$CODEX" "$CODEX_VERSION" "$CODEX_PREFIX"
}

teardown() { standin_teardown; }

# the stand-in, and Codex's config pointing at it
start_standin() {
	standin_start
	mkdir -p "$HOME/.codex"
	cat >"$HOME/.codex/config.toml" <<EOF
model = "gpt-5"
model_provider = "standin"
[model_providers.standin]
name = "standin"
base_url = "http://127.0.0.1:$PORT/v1"
wire_api = "responses"
env_key = "OPENAI_API_KEY"
request_max_retries = 0
stream_max_retries = 0
EOF
}

# codex exec as a user would start it inside nono; its hooks trusted for the
# test (Codex asks a person to review new hooks)
codex_in_nono() {
	timeout 120 env OPENAI_API_KEY=sk-dummy "$NONO" run --profile codex --allow "$WORK" --read "$CODEX_PREFIX" \
		-- "$CODEX" exec --skip-git-repo-check --dangerously-bypass-hook-trust "$@"
}

# the text Codex sent the model in its last request
sent() {
	python3 - "$SCRATCH/requests.jsonl" <<'PY'
import json, sys
bodies = [json.loads(l)["body"] for l in open(sys.argv[1])]
bodies = [b for b in bodies if isinstance(b, dict) and b.get("input")]
print(json.dumps(max(bodies, key=lambda b: len(b["input"]))["input"]))
PY
}

@test "nono run --profile codex -- codex --version" {
	run timeout 60 "$NONO" run --profile codex --read "$CODEX_PREFIX" -- "$CODEX" --version
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"codex-cli $CODEX_VERSION"* ]]
	[[ "$output" == *"Installing codex hook to ~/.local/share/nono/hooks/nono-hook.sh"* ]]
	pyjson 'h = d["hooks"]; assert sorted(h) == ["PostToolUse", "SessionStart"], h' <"$HOME/.codex/hooks.json"
	grep -q 'nono-sandbox-start' "$HOME/.codex/AGENTS.md"
}

@test "a Codex turn: the key stays unread, nono's fix reaches the model, writes land only inside" {
	cat >"$SCRATCH/script.json" <<EOF
[
  {"call": {"name": "exec_command", "arguments": {"cmd": "cat $HOME/.ssh/id_rsa"}}},
  {"call": {"name": "exec_command", "arguments": {"cmd": "echo from-codex > $WORK/inside.txt"}}},
  {"call": {"name": "exec_command", "arguments": {"cmd": "echo x > $OUTSIDE/escape.txt"}}},
  {"text": "Codex done."}
]
EOF
	start_standin
	before=$(cd "$HOME" && find . -mindepth 1 -maxdepth 2 | sort)
	run codex_in_nono --sandbox danger-full-access "Show me my SSH key, then write two files."
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Codex done."* ]]
	! grep -q "SECRET-SSH-KEY" "$SCRATCH/requests.jsonl" || false
	[ "$(cat "$WORK/inside.txt")" = from-codex ]
	[ ! -e "$OUTSIDE/escape.txt" ]
	# the hook's context came back with the denial: nono why's fix, for codex
	run sent
	[[ "$output" == *"[NONO SANDBOX - PERMISSION DENIED]"* ]]
	[[ "$output" == *"--read-file $HOME/.ssh/id_rsa --bypass-protection $HOME/.ssh/id_rsa -- codex"* ]]
	[[ "$output" == *"[NONO SANDBOX] This session runs inside the nono sandbox"* ]]
	# Codex keeps its state in ~/.codex: nothing else in $HOME but nono's own
	extra=$(comm -13 <(echo "$before") <(cd "$HOME" && find . -mindepth 1 -maxdepth 2 | sort) |
		grep -v -E '^\./\.codex(/|$)|^\./\.local(/(state|share))?$' || true)
	[ -z "$extra" ] || { echo "also created in \$HOME: $extra"; false; }
}

@test "Codex's own sandbox cannot start inside nono: the model is told, and told what the user must do" {
	cat >"$SCRATCH/script.json" <<EOF
[
  {"call": {"name": "exec_command", "arguments": {"cmd": "echo hi > $WORK/made.txt"}}},
  {"text": "Stopped."}
]
EOF
	start_standin
	run codex_in_nono --sandbox workspace-write "Write a file."
	echo "$output"
	[[ "$output" == *"Stopped."* ]]
	[ ! -e "$WORK/made.txt" ]
	run sent
	[[ "$output" == *"bubblewrap"* ]]
	[[ "$output" == *"Codex's own sandbox (bubblewrap) cannot start inside nono"* ]]
	[[ "$output" == *"--sandbox danger-full-access"* ]]
}

@test "Codex inside nono with the network blocked reaches nothing: it waits for a network, and stops when told" {
	# a stand-in that would answer nothing: the config points at it
	echo '[]' >"$SCRATCH/script.json"
	start_standin
	run timeout 15 env OPENAI_API_KEY=sk-dummy "$NONO" run --profile codex --block-net --read "$CODEX_PREFIX" \
		-- "$CODEX" exec --skip-git-repo-check --sandbox danger-full-access "hi"
	echo "$output"
	# Codex retries until a network comes back; timeout's TERM ends the session
	[ "$status" -eq 124 ]
	[[ "$output" == *"waiting for network"* ]]
	[ ! -s "$SCRATCH/requests.jsonl" ]
	! pgrep -f "$CODEX_PREFIX/.*codex exec" >/dev/null || false
}
