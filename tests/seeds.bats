#!/usr/bin/env bats
# Every nono command line quoted in the seeds (the product description in
# ../shared/seeds/000-004), run as written, each checked for what the seed
# says it does. Stand-ins: 'claude', 'my-agent', 'my-command', 'cargo', 'npm'
# and 'python' are small scripts in ~/.local/bin, where Claude Code's own
# installer puts it (nono grants the program it starts), that report what
# they could do; the pack registry is tests/fixtures/registry.py; the keystore a private
# gnome-keyring. Where nono refuses a seed line, the test says so and checks
# the refusal is the honest one (named, with what to use, nothing run).
load helpers
bats_require_minimum_version 1.5.0

setup_file() { registry_start; }
teardown_file() { registry_stop; }

setup() {
	common_setup
	BIN="$HOME/.local/bin"
	mkdir -p "$BIN"
	# Claude Code: says what it was given, writes in its working directory,
	# tries the SSH key, the docs, and a TCP connection to $PROBE (host:port);
	# my-agent and npm do the same, each a file of its own (nono grants the
	# program it starts, not the directory it is in)
	cat >"$SCRATCH/probe.sh" <<'SH'
if (echo made >"$PWD/made-by-claude") 2>/dev/null; then echo "cwd: writable"; else echo "cwd: read-only"; fi
if cat "$HOME/.ssh/id_rsa" >/dev/null 2>&1; then echo "ssh: READABLE"; else echo "ssh: denied"; fi
if cat "$HOME/docs/readme.txt" >/dev/null 2>&1; then echo "docs: readable"; else echo "docs: denied"; fi
[ -z "${PROBE:-}" ] || python3 -c '
import socket, sys
h, p = sys.argv[1].rsplit(":", 1)
try:
    socket.create_connection((h, int(p)), timeout=5).close(); print("net: connected")
except OSError as e:
    print("net: ERR", e.errno)' "$PROBE"
[ -z "${HTTPS_PROXY:-}" ] || echo "proxy: $(echo "$HTTPS_PROXY" | sed 's/:[^:@]*@/:***@/')"
SH
	{ printf '#!/bin/sh\necho "claude-standin args:$*"\n'; cat "$SCRATCH/probe.sh"; } >"$BIN/claude"
	{ printf '#!/bin/sh\necho "my-agent ran"\n'; cat "$SCRATCH/probe.sh"; } >"$BIN/my-agent"
	{ printf '#!/bin/sh\necho "npm $*: ok"\n'; cat "$SCRATCH/probe.sh"; } >"$BIN/npm"
	# a command, a build, a script runner
	printf '#!/bin/sh\necho ran >"$PWD/my-command-ran"\n' >"$BIN/my-command"
	printf '#!/bin/sh\ncat src/main.rs >/dev/null && mkdir -p target && echo built >target/app && echo "cargo: $*: ok"\n' >"$BIN/cargo"
	printf '#!/bin/sh\nexec python3 "$@"\n' >"$BIN/python"
	chmod +x "$BIN"/*
	export PATH="$BIN:$PATH"
}
teardown() { common_teardown; }

# a seed's command line, exactly as written
seed() {
	run --separate-stderr timeout 60 "$NONO" "$@"
}

# a TCP listener on loopback; PROBE names it
listen_probe() {
	timeout 60 python3 -c '
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
while True:
    s.accept()[0].close()
' "$SCRATCH/probe" &
	bg $!
	for _ in $(seq 50); do [ -s "$SCRATCH/probe" ] && break; sleep 0.1; done
	PROBE="127.0.0.1:$(cat "$SCRATCH/probe")"
	export PROBE
}

# ---- seed 000: Claude Code with the built-in profile ---------------------------

@test "000: nono run --allow-cwd --profile claude-code -- claude: the directory writable, SSH keys blocked, a banner" {
	seed run --allow-cwd --profile claude-code -- claude
	[ "$status" -eq 0 ]
	has "cwd: writable"
	has "ssh: denied"
	[ -f "$WORK/made-by-claude" ]
	[[ "$stderr" == *"Landlock ABI"* ]]
}

@test "000: nono run --allow-cwd --silent --profile claude-code -- claude: the same, no banner" {
	seed run --allow-cwd --silent --profile claude-code -- claude
	[ "$status" -eq 0 ]
	has "cwd: writable"
	has "ssh: denied"
	[ -z "$stderr" ]
	# and upstream's global form
	run --separate-stderr timeout 60 "$NONO" --silent run --allow-cwd --profile claude-code -- claude
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}

@test "000: nono run --read ~/docs --write ./src --profile claude-code -- claude: docs readable, src writable" {
	mkdir -p src
	seed run --read ~/docs --write ./src --profile claude-code -- claude
	[ "$status" -eq 0 ]
	has "docs: readable"
	has "ssh: denied"
	run nono_run --read ~/docs --write ./src --profile claude-code -- sh -c 'echo x > src/new && cat ~/docs/readme.txt'
	[ "$(cat "$WORK/src/new")" = x ]
	has doc
}

@test "000: nono why --path ~/.ssh/id_rsa --op read: blocked, and why" {
	seed why --path ~/.ssh/id_rsa --op read
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = DENIED ]
	has "sensitive path"
}

# ---- seed 001: the basic usage ---------------------------------------------------

@test "001: nono run --allow . -- claude (and --allow ./project, ./my-project): that directory only" {
	seed run --allow . -- claude
	[ "$status" -eq 0 ]
	has "cwd: writable"
	has "ssh: denied"
	has "docs: denied"
	for d in project my-project; do
		mkdir -p "$WORK/$d"
		seed run --allow "./$d" -- claude
		[ "$status" -eq 0 ]
		has "cwd: read-only"
		run nono_run --allow "./$d" -- sh -c "echo in > $d/f; echo out > outside-$d"
		[ "$(cat "$WORK/$d/f")" = in ]
		[ ! -e "$WORK/outside-$d" ]
	done
}

@test "001: nono run --allow ./project-dir --write ./output claude: the program without --" {
	mkdir -p project-dir output
	seed run --allow ./project-dir --write ./output claude
	[ "$status" -eq 0 ]
	has "claude-standin"
	run nono_run --allow ./project-dir --write ./output sh -c 'echo o > output/o; echo p > project-dir/p; cat project-dir/p'
	[ "$(cat output/o)" = o ]
	has p
}

@test "001: nono run --allow . --net-block -- my-agent (and npm test): no network" {
	listen_probe
	seed run --allow . --net-block -- my-agent
	[ "$status" -eq 0 ]
	has "my-agent ran"
	has "net: ERR 13"
	seed run --allow . --net-block -- npm test
	[ "$status" -eq 0 ]
	has "npm test: ok"
	has "net: ERR 13"
	# without it the same agent connects: the flag is what blocked it
	seed run --allow . -- my-agent
	has "net: connected"
}

@test "001: nono run --allow . --dry-run -- my-command: the plan, nothing run" {
	seed run --allow . --dry-run -- my-command
	[ "$status" -eq 0 ]
	[[ "$output$stderr" == *"$WORK"* ]]
	[ ! -e "$WORK/my-command-ran" ]
}

@test "001: nono why ~/.ssh/id_rsa: blocked, a sensitive path (nono says DENIED where upstream said BLOCKED)" {
	seed why ~/.ssh/id_rsa
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = DENIED ]
	has "sensitive path"
	has ".ssh"
}

@test "001: nono run --read ./src --write ./target -- cargo build: reads src, writes target" {
	mkdir -p src
	echo 'fn main() {}' >src/main.rs
	seed run --read ./src --write ./target -- cargo build
	# target does not exist yet: a grant of nothing is skipped with a warning, and the build cannot write
	[[ "$stderr" == *"target: no such file or directory; skipped"* ]]
	mkdir -p target
	seed run --read ./src --write ./target -- cargo build
	[ "$status" -eq 0 ]
	has "cargo: build: ok"
	[ "$(cat target/app)" = built ]
	run nono_run --read ./src --write ./target -- sh -c 'echo x > src/main.rs'
	[ "$(cat src/main.rs)" = 'fn main() {}' ]
}

@test "001: nono run --read ./input --write ./output -- python process.py: process.py must be readable too" {
	mkdir -p input output
	echo data >input/a.txt
	printf 'open("output/a.out", "w").write(open("input/a.txt").read().upper())\nprint("processed")\n' >process.py
	# as written, the script in the working directory is not granted: refused, nothing written
	seed run --read ./input --write ./output -- python process.py
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"process.py"*"Permission denied"* ]]
	[ ! -e output/a.out ]
	# with the script readable it does what the seed says, and input stays as it was
	seed run --read ./input --write ./output --read-file ./process.py -- python process.py
	[ "$status" -eq 0 ]
	[ "$(cat output/a.out)" = DATA ]
	[ "$(cat input/a.txt)" = data ]
}

# ---- seed 003: Claude Code's guide --------------------------------------------------

@test "003: nono run --profile claude-code -- claude: the working directory, ~/.claude, network on" {
	listen_probe
	seed run --profile claude-code -- claude
	[ "$status" -eq 0 ]
	has "cwd: writable"
	has "ssh: denied"
	has "net: connected"
	[ -d "$HOME/.claude" ]
	run nono_run --profile claude-code -- sh -c 'echo s > ~/.claude/state'
	[ "$(cat "$HOME/.claude/state")" = s ]
}

@test "003: --allow-launch-services is macOS's: not supported by this nono, and what Linux does instead" {
	seed run --profile claude-code --allow-launch-services -- claude
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"--allow-launch-services is upstream nono's, not supported by this nono"* ]]
	[[ "$stderr" == *"open_urls"* ]]
	lacks "claude-standin"
}

@test "003: a profile that extends claude-code and clears its network profile; a user claude-code overrides the built-in" {
	mkdir -p "$HOME/.config/nono/profiles" "$HOME/shared-libs"
	echo '{"meta": {"name": "claude-code-netopen"}, "extends": "claude-code", "network": {"network_profile": null}}' \
		>"$HOME/.config/nono/profiles/claude-code-netopen.json"
	listen_probe
	seed run --profile claude-code-netopen -- claude
	[ "$status" -eq 0 ]
	has "net: connected"
	has "cwd: writable"
	cat >"$HOME/.config/nono/profiles/claude-code.json" <<'JSON'
{
  "meta": {"name": "claude-code", "version": "1.0.0", "description": "Claude Code with additional project access"},
  "security": {"groups": ["git_config"]},
  "filesystem": {"allow": ["$WORKDIR", "$HOME/.claude"], "read": ["$HOME/shared-libs"], "allow_file": ["$HOME/.claude.json"]},
  "network": {"block": false}
}
JSON
	touch "$HOME/.claude.json"
	run timeout 10 "$NONO" profile list
	[[ "$(grep '^claude-code ' <<<"$output")" == *"user, overrides the built-in"* ]]
	seed run --profile claude-code -- claude
	[ "$status" -eq 0 ]
	has "cwd: writable"
	[[ "$stderr" == *'"security.groups" is deprecated; use "groups.include"'* ]]
}

@test "003: env_credentials and --env-credential anthropic_api_key: the keystore's secret, not a file" {
	for t in dbus-run-session gnome-keyring-daemon secret-tool; do
		command -v "$t" >/dev/null || skip "$t is not installed"
	done
	secret="sk-ant-seed-$$"
	mkdir -p -m 700 "$SCRATCH/run"
	cat >"$SCRATCH/s.sh" <<EOF
echo pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
for i in 1 2 3 4 5 6 7 8 9 10; do
	printf %s '$secret' | secret-tool store --label='nono: anthropic_api_key' service nono username anthropic_api_key 2>/dev/null && break
	sleep 0.3
done
'$NONO' run --silent --profile claude-code --env-credential anthropic_api_key -- sh -c 'echo "key=\$ANTHROPIC_API_KEY"'
EOF
	run env XDG_RUNTIME_DIR="$SCRATCH/run" timeout 45 dbus-run-session -- sh "$SCRATCH/s.sh"
	[[ "$output" == *"key=$secret"* ]] || [[ "$output" == *"Secret Service"* ]] || skip "no Secret Service here: $output"
	has "key=$secret"
}

@test "003: nono run --allow ~/projects/my-app --read ~/.claude -- claude: that project, Claude's state read-only" {
	mkdir -p ~/projects/my-app ~/.claude
	cd ~/projects/my-app
	seed run --allow ~/projects/my-app --read ~/.claude -- claude
	[ "$status" -eq 0 ]
	has "cwd: writable"
	run nono_run --allow ~/projects/my-app --read ~/.claude -- sh -c 'echo x > ~/.claude/f'
	[ ! -e ~/.claude/f ]
}

@test "003: nono run --read . --read ~/.claude --allow-file ~/.claude.json -- claude: read-only mode" {
	mkdir -p ~/.claude
	echo '{}' >~/.claude.json
	echo keep >"$WORK/code.c"
	seed run --read . --read ~/.claude --allow-file ~/.claude.json -- claude
	[ "$status" -eq 0 ]
	has "cwd: read-only"
	[ ! -e "$WORK/made-by-claude" ]
	run nono_run --read . --read ~/.claude --allow-file ~/.claude.json -- sh -c 'cat code.c; echo "{\"a\":1}" > ~/.claude.json'
	has keep
	[ "$(cat ~/.claude.json)" = '{"a":1}' ]
}

@test "003: nono run --profile claude-code --block-net -- claude: offline" {
	listen_probe
	seed run --profile claude-code --block-net -- claude
	[ "$status" -eq 0 ]
	has "net: ERR 13"
	has "cwd: writable"
}

@test "003: --allow-domain my-internal-api.example.com: through the proxy, nothing direct" {
	listen_probe
	seed run --profile claude-code --allow-domain my-internal-api.example.com -- claude
	[ "$status" -eq 0 ]
	has "proxy: http://nono:***@127.0.0.1:"
	has "net: ERR 13"
	run timeout 10 "$NONO" why --profile claude-code --allow-domain my-internal-api.example.com --host my-internal-api.example.com --json
	echo "$output" | pyjson "assert d['status'] == 'allowed' and d['via'] == 'proxy', d"
}

@test "003: a profile with its own open_urls origins extends claude-code and runs" {
	mkdir -p "$HOME/.config/nono/profiles"
	cat >"$HOME/.config/nono/profiles/claude-code-custom-auth.json" <<'JSON'
{
  "meta": {"name": "claude-code-custom-auth"},
  "extends": "claude-code",
  "open_urls": {"allow_origins": ["https://claude.ai", "https://sso.example.com"], "allow_localhost": true}
}
JSON
	run timeout 10 "$NONO" profile validate claude-code-custom-auth
	[ "$status" -eq 0 ]
	seed run --profile claude-code-custom-auth -- claude
	[ "$status" -eq 0 ]
	has "claude-standin"
	# the merged profile keeps the origins (the supervisor opens those URLs alone; openurl.bats)
	run timeout 10 "$NONO" profile show claude-code-custom-auth --json
	has "https://sso.example.com"
}

@test "003: --read ~/.cargo/bin --read ~/.local/bin with the profile: PATH entries readable, not writable" {
	mkdir -p ~/.cargo/bin
	printf '#!/bin/sh\necho lsp-ok\n' >~/.cargo/bin/rust-analyzer
	chmod +x ~/.cargo/bin/rust-analyzer
	seed run --profile claude-code --read ~/.cargo/bin --read ~/.local/bin -- claude
	[ "$status" -eq 0 ]
	run nono_run --profile claude-code --read ~/.cargo/bin --read ~/.local/bin -- sh -c 'PATH="$HOME/.cargo/bin:$PATH" rust-analyzer; echo x > ~/.cargo/bin/new'
	has lsp-ok
	[ ! -e ~/.cargo/bin/new ]
}

@test "003: the Secretive profile reaches into ~/.ssh: refused by name, nothing run (bypass_protection opens it)" {
	mkdir -p "$HOME/.config/nono/profiles"
	touch ~/.ssh/config ~/.ssh/known_hosts
	cat >"$HOME/.config/nono/profiles/claude-code-secretive.json" <<'JSON'
{
  "meta": {"name": "claude-code-secretive", "version": "1.0.0", "description": "Claude Code with Secretive SSH agent support"},
  "extends": "claude-code",
  "filesystem": {
    "read": ["$HOME/.ssh/config", "$HOME/Library/Containers/com.maxgoedjen.Secretive.SecretAgent/Data/socket.ssh"],
    "allow_file": ["$HOME/.ssh/known_hosts"]
  },
  "policy": {"add_allow_readwrite": ["$HOME/.ssh/known_hosts"]}
}
JSON
	run timeout 10 "$NONO" profile validate claude-code-secretive
	[ "$status" -eq 1 ]
	has "inside sensitive path"
	seed run --profile claude-code-secretive --allow-cwd -- claude
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"inside sensitive path"* ]]
	[[ "$stderr" == *"bypass-protection"* ]]
	lacks "claude-standin"
	# on Linux the agent is --allow-ssh-agent's; the files, bypass_protection
	python3 - "$HOME/.config/nono/profiles/claude-code-secretive.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["filesystem"]["read"] = ["$HOME/.ssh/config"]
p["filesystem"]["bypass_protection"] = ["$HOME/.ssh/config", "$HOME/.ssh/known_hosts"]
json.dump(p, open(sys.argv[1], "w"))
PY
	seed run --profile claude-code-secretive --allow-cwd -- claude
	[ "$status" -eq 0 ]
	has "ssh: denied"
}

@test "003: nono run --profile claude-code --allow ~/other-project -- claude: one more directory" {
	mkdir -p ~/other-project
	seed run --profile claude-code --allow ~/other-project -- claude
	[ "$status" -eq 0 ]
	run nono_run --profile claude-code --allow ~/other-project -- sh -c 'echo o > ~/other-project/o'
	[ "$(cat ~/other-project/o)" = o ]
}

# ---- seed 004: the getting-started guide --------------------------------------------

@test "004: nono --version" {
	seed --version
	[ "$status" -eq 0 ]
	[[ "$output" == "nono "* ]]
}

@test "004: search, pull (--init), list --installed, profile list: a pack from the registry gives claude-code" {
	registry_use "s$BATS_TEST_NUMBER"
	printf '{"extends": "default", "workdir": {"access": "readwrite"}}\n' >"$SCRATCH/claude.json"
	mkpack --name always-further/claude --version 1.0.0 --description "Claude Code, hardened" \
		--profile claude-code=profiles/claude-code.json --file profiles/claude-code.json="$SCRATCH/claude.json" \
		--text CLAUDE.md="# rules" --instruction CLAUDE.md
	seed search claude
	[ "$status" -eq 0 ]
	has "always-further/claude"
	seed pull always-further/claude
	[ "$status" -eq 0 ]
	has "installed always-further/claude 1.0.0"
	seed pull always-further/claude --init --force
	[ "$status" -eq 0 ]
	[ -f "$WORK/CLAUDE.md" ]
	seed list --installed
	[ "$status" -eq 0 ]
	has "always-further/claude"
	seed profile list
	[ "$status" -eq 0 ]
	[[ "$(grep '^claude-code ' <<<"$output")" == *"pack always-further/claude"* ]]
	seed run --profile claude-code --trust-override -- claude
	[ "$status" -eq 0 ]
	has "cwd: writable"
}

@test "004: nono profile init my-agent --extends claude-code, then nono profile validate my-agent" {
	seed profile init my-agent --extends claude-code
	[ "$status" -eq 0 ]
	[ -f "$HOME/.config/nono/profiles/my-agent.json" ]
	seed profile validate my-agent
	[ "$status" -eq 0 ]
	has "valid"
	seed run --profile my-agent -- claude
	[ "$status" -eq 0 ]
	has "cwd: writable"
}

@test "004: nono run --allow ~/projects/myapp [--allow-domain registry.npmjs.org --allow-domain api.github.com] -- claude" {
	mkdir -p ~/projects/myapp
	listen_probe
	seed run --allow ~/projects/myapp -- claude
	[ "$status" -eq 0 ]
	has "ssh: denied"
	seed run --allow ~/projects/myapp --allow-domain registry.npmjs.org --allow-domain api.github.com -- claude
	[ "$status" -eq 0 ]
	has "proxy: http://nono:***@127.0.0.1:"
	has "net: ERR 13"
	run timeout 10 "$NONO" why --allow-domain registry.npmjs.org --allow-domain api.github.com --host evil.example.com --json
	echo "$output" | pyjson "assert d['status'] == 'denied' and d['reason'] == 'proxy_filtered', d"
}

@test "004: audit list, audit show ID (--json), rollback list, show --diff, restore: the session's changes undone" {
	echo original >"$WORK/notes.txt"
	seed run --allow . --rollback -- sh -c 'echo ruined > notes.txt; claude'
	[ "$status" -eq 0 ]
	[ "$(cat "$WORK/notes.txt")" = ruined ]
	seed audit list
	[ "$status" -eq 0 ]
	id=$(timeout 10 "$NONO" audit list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])')
	seed audit show "$id"
	[ "$status" -eq 0 ]
	seed audit show "$id" --json
	echo "$output" | python3 -c 'import json,sys; json.load(sys.stdin)'
	seed rollback list
	[ "$status" -eq 0 ]
	rid=$(timeout 10 "$NONO" rollback list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
	seed rollback show "$rid" --diff
	[ "$status" -eq 0 ]
	has "-original"
	has "+ruined"
	seed rollback restore "$rid"
	[ "$status" -eq 0 ]
	[ "$(cat "$WORK/notes.txt")" = original ]
}

@test "004: --capability-elevation: the agent runs, and what is outside its grants is asked for" {
	seed run --profile claude-code --capability-elevation --approval-timeout 2 -- claude
	[ "$status" -eq 0 ]
	has "claude-standin"
	[[ "$stderr" == *"ask  outside the grants: asked here or with 'nono approvals'"* ]]
}
