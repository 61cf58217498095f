#!/usr/bin/env bats
# Profiles: resolution order, extends and merging, CLI precedence, built-ins,
# 'nono profile' verbs, the INI config, and the errors for bad input.
load helpers
bats_require_minimum_version 1.5.0

FIX="${NONO_SRCDIR:-$BATS_TEST_DIRNAME/..}/tests/fixtures/profiles"

setup() {
	common_setup
	export XDG_CONFIG_HOME="$SCRATCH/config"
	mkdir -p "$XDG_CONFIG_HOME/nono/profiles"
	cp "$FIX"/*.json* "$SCRATCH/"
}
teardown() { common_teardown; }

@test "a profile file grants what it lists; JSONC comments are fine" {
	run nono_run --profile "$SCRATCH/good.jsonc" -- sh -c "cat $HOME/docs/readme.txt; echo w > $WORK/w; python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM)'"
	[[ "$output" == *doc* ]]
	[ -f "$WORK/w" ]
	[[ "$output" == *"Permission denied"* ]]
}

@test "an unknown key: file, line, column and a did-you-mean; nothing runs" {
	run nono_run --profile "$SCRATCH/typo.json" -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	[[ "$output" == *"typo.json' line 4 col 5: unknown key \"alow\" in filesystem (did you mean \"allow\"?)"* ]]
	[ ! -e "$WORK/ran" ]
}

@test "wrong types, syntax errors, unexpandable variables are errors with positions" {
	run nono_run --profile "$SCRATCH/wrongtype.json" -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"line 2 col 16"* ]]
	[[ "$output" == *"must be true or false"* ]]
	run nono_run --profile "$SCRATCH/syntax.json" -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"syntax.json' line 3"* ]]
	run nono_run --profile "$SCRATCH/badvar.json" -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"badvar.json' line 2 col 28: unknown variable \$NOPE"* ]]
}

@test "a key nono knows but does not enforce yet is refused, not ignored" {
	run nono_run --profile "$SCRATCH/later.json" -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	[[ "$output" == *"not enforced by this nono yet"* ]]
	[ ! -e "$WORK/ran" ]
}

@test "legacy keys still work, with a deprecation warning" {
	run bash -c "timeout 30 '$NONO' run --profile '$SCRATCH/legacy.json' -- cat '$HOME/docs/readme.txt' 2>&1"
	[[ "$output" == *doc* ]]
	[[ "$output" == *deprecated* ]]
}

@test "a required group cannot be excluded" {
	run nono_run --profile "$SCRATCH/exclude-required.json" -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"cannot exclude required group 'deny_credentials'"* ]]
}

@test "filesystem.deny carves like a sensitive path" {
	mkdir -p "$HOME/docs/private"; echo hidden > "$HOME/docs/private/p"
	run nono_run --profile "$SCRATCH/deny.json" -- sh -c "cat $HOME/docs/readme.txt; cat $HOME/docs/private/p"
	[[ "$output" == *doc* ]]
	[[ "$output" != *hidden* ]]
}

@test "extends: lists union, network.block is sticky, bases are found beside the file" {
	run nono_run --profile "$SCRATCH/child.json" -- sh -c "cat $HOME/docs/readme.txt; echo w > $WORK/w; python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM)'"
	[[ "$output" == *doc* ]]
	[ -f "$WORK/w" ]
	[[ "$output" == *"Permission denied"* ]]
	run nono_run --profile "$SCRATCH/child.json" -- echo hi
	[ "$status" -eq 126 ]
}

@test "cycles and missing bases are errors" {
	run nono_run --profile "$SCRATCH/cycle-a.json" -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *cycle* ]]
	run nono_run --profile "$SCRATCH/missing-base.json" -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"missing-base.json' line 1 col 3: extends: no profile named 'no-such-profile-anywhere'"* ]]
}

@test "resolution: user directory by name, and a user profile overrides a built-in" {
	cp "$SCRATCH/base.json" "$XDG_CONFIG_HOME/nono/profiles/mine.json"
	run nono_run --profile mine -- cat "$HOME/docs/readme.txt"
	[[ "$output" == *doc* ]]
	echo '{"filesystem": {"read": ["$HOME/docs"]}}' > "$XDG_CONFIG_HOME/nono/profiles/claude-code.json"
	run nono_run --profile claude-code -- sh -c "cat $HOME/docs/readme.txt; echo x > $WORK/x"
	[[ "$output" == *doc* ]]
	[ ! -e "$WORK/x" ]
	run timeout 30 "$NONO" profile list
	[[ "$output" == *"claude-code      user, overrides the built-in"* ]]
}

@test "CLI flags add to a profile and win on commands" {
	run nono_run --profile "$SCRATCH/base.json" --allow-command echo --allow "$WORK" -- sh -c "echo hi > $WORK/hi"
	[ -f "$WORK/hi" ]
	run nono_run --profile "$SCRATCH/base.json" --allow-command echo -- echo hi
	[ "$output" = hi ]
}

@test "built-in claude-code: cwd and ~/.claude writable and deletable, network on, secrets denied" {
	mkdir -p "$HOME/.claude"
	echo state > "$HOME/.claude/s"; echo f > "$WORK/f"
	run nono_run --profile claude-code -- sh -c "rm -f $WORK/f ~/.claude/s; echo n > $WORK/n; cat ~/.ssh/id_rsa; python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM); print(\"net-on\")'"
	[ ! -e "$WORK/f" ]
	[ ! -e "$HOME/.claude/s" ]
	[ -f "$WORK/n" ]
	[[ "$output" == *net-on* ]]
	[[ "$output" != *SECRET* ]]
}

@test "built-in dev profiles run their toolchains where the machine has them" {
	run nono_run --profile python-dev -- python3 -c 'open("made.txt","w").write("py")'
	[ "$(cat "$WORK/made.txt")" = py ]
	for p in node-dev rust-dev go-dev default; do
		run nono_run --profile $p -- sh -c 'echo ok'
		[ "$output" = ok ]
	done
	if command -v node >/dev/null; then
		run nono_run --profile node-dev -- node -e 'require("fs").writeFileSync("n.txt","js")'
		[ "$(cat "$WORK/n.txt")" = js ]
	fi
}

@test "nono profile validate: exit 0 when valid, 1 with every problem" {
	run timeout 30 "$NONO" profile validate "$SCRATCH/good.jsonc"
	[ "$status" -eq 0 ]
	run timeout 30 "$NONO" profile validate "$SCRATCH/wrongtype.json"
	[ "$status" -eq 1 ]
	[ "$(echo "$output" | grep -c "wrongtype.json' line")" -eq 2 ]
	run timeout 30 "$NONO" profile validate --json "$SCRATCH/typo.json"
	echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["valid"] is False and "alow" in d["problems"][0]'
	# by name, a .jsonc in the user directory is found and every problem listed
	mkdir -p "$XDG_CONFIG_HOME/nono/profiles"
	printf '{\n  "filesystem": {"alow": []},\n  "netwrk": {}\n}\n' >"$XDG_CONFIG_HOME/nono/profiles/mine.jsonc"
	run timeout 30 "$NONO" profile validate mine
	[ "$status" -eq 1 ]
	[[ "$output" == *"mine.jsonc' line 2 col 18: unknown key \"alow\""* ]]
	[[ "$output" == *"mine.jsonc' line 3 col 3: unknown key \"netwrk\""* ]]
}

@test "nono profile init, show, list --json, diff, groups" {
	run timeout 30 "$NONO" profile init my-agent --extends claude-code
	[ "$status" -eq 0 ]
	[ -f "$XDG_CONFIG_HOME/nono/profiles/my-agent.json" ]
	run timeout 30 "$NONO" profile init my-agent
	[ "$status" -eq 1 ]
	[[ "$output" == *--force* ]]
	run timeout 30 "$NONO" profile validate my-agent
	[ "$status" -eq 0 ]
	run timeout 30 "$NONO" profile show my-agent --json
	echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert "$HOME/.claude" in d["filesystem"]["allow"]'
	run timeout 30 "$NONO" profile list --json
	echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); n={x["name"] for x in d}; assert {"default","claude-code","my-agent"} <= n'
	run timeout 30 "$NONO" profile diff default claude-code
	[[ "$output" == *"+ read+write+delete $WORK"* ]]
	run timeout 30 "$NONO" profile groups deny_credentials
	[[ "$output" == *"~/.ssh"* ]]
}

@test "nono why and --dry-run accept --profile" {
	run timeout 30 "$NONO" why --profile claude-code --path "$WORK/x" --op delete
	[ "$(echo "$output" | head -n1)" = ALLOWED ]
	run timeout 30 "$NONO" run --profile claude-code --dry-run -- true
	[[ "$output" == *"profile:claude-code"* ]]
}

@test "config.ini: default profile, banner, warnings with line numbers, bad values refused" {
	printf '[run]\nprofile = claude-code\nbanner = false\n[nope]\nx = 1\n' > "$XDG_CONFIG_HOME/nono/config.ini"
	run bash -c "timeout 30 '$NONO' run -- sh -c 'echo n > $WORK/n' 2>&1"
	[ -f "$WORK/n" ]
	[[ "$output" == *"config.ini line 5: 'x' is in unknown section [nope]"* ]]
	[[ "$output" != *"Landlock ABI"* ]]
	run timeout 30 "$NONO" config
	[[ "$output" == *"claude-code"*"config.ini:2"* ]]
	printf '[rollback]\nkeep = many\n' > "$XDG_CONFIG_HOME/nono/config.ini"
	run nono_run -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	[[ "$output" == *"config.ini line 2"* ]]
	[ ! -e "$WORK/ran" ]
}

@test "environment: allow_vars, deny_vars and set_vars shape the child's environment" {
	printf '{"environment": {"allow_vars": ["HOME", "PATH", "KEEP*"], "deny_vars": ["KEEP_NOT"], "set_vars": {"GREETING": "hi from $WORKDIR"}}}' > "$SCRATCH/env.json"
	run env KEEP_A=1 KEEP_NOT=2 OTHER=3 timeout 30 "$NONO" run --silent --profile "$SCRATCH/env.json" -- env
	[[ "$output" == *KEEP_A=1* ]]
	[[ "$output" != *KEEP_NOT* ]]
	[[ "$output" != *OTHER=3* ]]
	[[ "$output" == *"GREETING=hi from $WORK"* ]]
	[[ "$output" == *NONO_CAP_FILE=* ]]
	printf '{"environment": {"set_vars": {"PATH": "/evil"}}}' > "$SCRATCH/env2.json"
	run nono_run --profile "$SCRATCH/env2.json" -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"PATH and NONO_* cannot be set"* ]]
}

@test "rust-dev and node-dev run their real toolchains" {
	if [ -x /root/.cargo/bin/cargo ] && [ "$(id -u)" -eq 0 ]; then
		run env HOME=/root PATH=/root/.cargo/bin:$PATH timeout 120 "$NONO" run --silent --profile rust-dev -- \
			sh -c 'cargo new --offline --vcs none hello >/dev/null 2>&1 && cd hello && cargo build --offline -q && ./target/debug/hello'
		[[ "$output" == *"Hello, world!"* ]]
		[ -x "$WORK/hello/target/debug/hello" ]
	fi
	if command -v node >/dev/null; then
		run nono_run --profile node-dev -- node -e 'require("fs").writeFileSync("n.txt", String(6 * 7))'
		[ "$(cat "$WORK/n.txt")" = 42 ]
	fi
}

@test "extends: a base reached on two branches is no cycle; 10 levels are fine, 11 are refused where named" {
	run nono_run --profile "$SCRATCH/diamond.json" -- sh -c "cat $HOME/docs/readme.txt; echo w > $WORK/w"
	[ "$status" -eq 0 ]
	[[ "$output" == *doc* ]]
	[ -f "$WORK/w" ]
	run timeout 30 "$NONO" profile show "$SCRATCH/diamond.json"
	[[ "$output" == *"Built from: $SCRATCH/diamond-root.json $SCRATCH/diamond-left.json $SCRATCH/diamond-right.json $SCRATCH/diamond.json"* ]]
	for i in $(seq 0 10); do echo "{\"extends\": \"lvl$((i + 1))\"}" > "$SCRATCH/lvl$i.json"; done
	echo '{"filesystem": {"read": ["$HOME/docs"]}}' > "$SCRATCH/lvl11.json"
	run nono_run --profile "$SCRATCH/lvl1.json" -- cat "$HOME/docs/readme.txt"
	[ "$output" = doc ]
	run nono_run --profile "$SCRATCH/lvl0.json" -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	[[ "$output" == *"lvl10.json' line 1 col 2: extends: 'lvl11' is nested more than 10 deep"* ]]
	[ ! -e "$WORK/ran" ]
}

@test "a cycle is named where it closes, with line, column and what to do" {
	run nono_run --profile "$SCRATCH/cycle-a.json" -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	[[ "$output" == *"cycle-b.json' line 1 col 3: extends: 'cycle-a' leads back to $SCRATCH/cycle-a.json, a cycle"* ]]
	[[ "$output" == *"hint: remove one 'extends' of the loop"* ]]
	[ "$(echo "$output" | grep -c '^nono:')" -eq 1 ]
	[ ! -e "$WORK/ran" ]
}

@test "nono profile show: the file asked for, its bases, the merged JSON and the Landlock rules" {
	run timeout 30 "$NONO" profile show "$SCRATCH/child.json"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | head -n1)" = "Profile $SCRATCH/child.json ($SCRATCH/child.json)" ]
	[[ "$output" == *"Built from: $SCRATCH/base.json $SCRATCH/child.json"* ]]
	[[ "$output" == *'"block": true'* ]]
	echo "$output" | grep -Eq "^  r--  $HOME/docs +profile:"
	echo "$output" | grep -Eq "^  rwd  $WORK +profile:"
	[[ "$output" == *"nothing is executed"* ]]
}

@test "built-in claude-code: exactly its grants, and each one does what it says" {
	mkdir -p "$HOME/.claude" "$HOME/.vscode" "$HOME/.config/Code" "$HOME/.local/share/claude" \
		"$HOME/.cache/claude" "$HOME/.cache/claude-cli-nodejs" "$HOME/.local/state/claude"
	echo '{"k": 1}' > "$HOME/.claude.json"
	echo '[user]' > "$HOME/.gitconfig"
	echo v1 > "$HOME/.local/share/claude/version"
	echo keep > "$HOME/.vscode/settings.json"
	timeout 30 "$NONO" run --profile claude-code --dry-run --json -- true > "$SCRATCH/plan.json"
	python3 - "$SCRATCH/plan.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
got = sorted((r["original"], r["access"], r["delete"]) for r in d["fs"]
             if r["source"].startswith("profile:") or r["source"] == "group:git_config")
rw = lambda p, dl=True: (p, "readwrite", dl)
want = sorted([rw("$WORKDIR", True), rw("$HOME/.claude", True), rw("$HOME/.vscode"), rw("$HOME/.config/Code"),
               rw("$HOME/.cache/claude"), rw("$HOME/.cache/claude-cli-nodejs"), rw("$XDG_STATE_HOME/claude"),
               ("$HOME/.local/share/claude", "read", False), ("$HOME/.gitconfig", "read", False),
               ("/etc/bash.bashrc", "read", False), ("/etc/profile", "read", False)])
assert got == want, got
assert d["net_blocked"] is False
assert [l["original"] for l in d["lock_dirs"]] == ["$HOME/.claude.json.lock", "$HOME/.claude.lock"], d["lock_dirs"]
PY
	run nono_run --profile claude-code -- sh -c "
		echo c > ~/.vscode/new; echo c > ~/.config/Code/new; cat ~/.claude.json; echo '{}' > ~/.claude.json
		mkdir ~/.claude.json.lock ~/.claude.lock && python3 -c 'import os; os.rmdir(os.path.expanduser(\"~/.claude.json.lock\"))' && echo LOCKS-OK
		cat ~/.local/share/claude/version ~/.gitconfig
		echo x > ~/.local/share/claude/version; echo x >> ~/.gitconfig; rm ~/.vscode/settings.json; echo x > ~/other"
	[ -f "$HOME/.vscode/new" ]
	[ -f "$HOME/.config/Code/new" ]
	[[ "$output" == *'{"k": 1}'*LOCKS-OK* ]]
	[ "$(readlink "$HOME/.claude.json")" = .claude/claude.json ]
	[ "$(cat "$HOME/.claude/claude.json")" = '{}' ]
	[ -d "$HOME/.claude.lock" ]
	[ ! -e "$HOME/.claude.json.lock" ]
	[[ "$output" == *v1*'[user]'* ]]
	[ "$(cat "$HOME/.local/share/claude/version")" = v1 ]
	[ "$(cat "$HOME/.gitconfig")" = '[user]' ]
	# a writable grant may delete; the journal has the bytes back
	[ ! -e "$HOME/.vscode/settings.json" ]
	[ ! -e "$HOME/other" ]
	run -0 timeout 30 "$NONO" rollback restore last
	[ "$(cat "$HOME/.vscode/settings.json")" = keep ]
}

@test "each filesystem key, commands.allow, groups.exclude and workdir.access reach the sandbox" {
	mkdir -p "$HOME/wonly"
	echo old > "$HOME/wonly/old"; echo af > "$HOME/af"; echo rf > "$HOME/rf"; echo wf > "$HOME/wf"
	echo '[user]' > "$HOME/.gitconfig"; echo gone > "$WORK/victim"
	cat > "$SCRATCH/keys.json" <<'JSON'
{ "filesystem": { "write": ["$HOME/wonly"], "allow_file": ["$HOME/af"], "read_file": ["$HOME/rf"],
                  "write_file": ["~/wf"] },
  "groups": { "exclude": ["git_config", "dangerous_commands"] },
  "commands": { "allow": ["rm"] },
  "workdir": { "access": "read" } }
JSON
	run nono_run --profile "$SCRATCH/keys.json" -- sh -c '
		echo new > ~/wonly/new; cat ~/wonly/old; echo AF-$(cat ~/af); echo af2 >> ~/af
		echo RF-$(cat ~/rf); echo rf2 >> ~/rf; echo WF-$(cat ~/wf); echo wf2 >> ~/wf
		cat ~/.gitconfig; ls victim; echo w > made'
	[ "$(cat "$HOME/wonly/new")" = new ]
	[ "$(grep -cx old <<<"$output")" -eq 0 ]
	[[ "$output" == *AF-af* ]]
	[ "$(tail -n1 "$HOME/af")" = af2 ]
	[[ "$output" == *RF-rf* ]]
	[ "$(cat "$HOME/rf")" = rf ]
	grep -qx WF- <<<"$output"
	[ "$(tail -n1 "$HOME/wf")" = wf2 ]
	[[ "$output" != *'[user]'* ]]
	[[ "$output" == *victim* ]]
	[ ! -e "$WORK/made" ]
	# dangerous_commands excluded and rm allowed: it runs (and the read-only grant stops it)
	run nono_run --profile "$SCRATCH/keys.json" -- rm victim
	[ "$status" -ne 126 ]
	[[ "$output" != *blocked* ]]
	[ -f "$WORK/victim" ]
}

@test "legacy security.groups and policy.add_* keys still grant, each with a deprecation warning" {
	echo gone > "$WORK/victim"; mkdir -p "$HOME/rw"
	cat > "$SCRATCH/old.json" <<'JSON'
{ "security": { "groups": ["git_config"] },
  "policy": { "add_allow_readwrite": ["$WORKDIR"], "add_allow_write": ["$HOME/rw"],
              "add_deny_access": ["$HOME/docs"], "add_deny_commands": ["touch"] } }
JSON
	run bash -c "timeout 30 '$NONO' run --profile '$SCRATCH/old.json' -- sh -c 'echo w > $HOME/rw/w; cat $HOME/docs/readme.txt; echo n > $WORK/n' 2>&1"
	[ "$(cat "$HOME/rw/w")" = w ]
	[ "$(cat "$WORK/n")" = n ]
	[ "$(grep -cx doc <<<"$output")" -eq 0 ]
	for k in security.groups policy.add_allow_readwrite policy.add_allow_write policy.add_deny_access policy.add_deny_commands; do
		[[ "$output" == *"\"$k\" is deprecated"* ]] || { echo "no warning for $k"; return 1; }
	done
	run nono_run --profile "$SCRATCH/old.json" -- touch "$WORK/t"
	[ "$status" -eq 126 ]
	[ ! -e "$WORK/t" ]
}

@test "nono profile init: a commented skeleton; a bad name or a missing base writes nothing; --force overwrites" {
	run timeout 30 "$NONO" profile init ../escape
	[ "$status" -eq 1 ]
	[[ "$output" == *"'../escape' is not a profile name"* ]]
	[ ! -e "$XDG_CONFIG_HOME/nono/escape.json" ]
	run timeout 30 "$NONO" profile init orphan --extends no-such-base
	[ "$status" -eq 1 ]
	[[ "$output" == *"no profile named 'no-such-base'"* ]]
	[ ! -e "$XDG_CONFIG_HOME/nono/profiles/orphan.json" ]
	run timeout 30 "$NONO" profile init mine
	[ "$status" -eq 0 ]
	f="$XDG_CONFIG_HOME/nono/profiles/mine.json"
	[ "$output" = "$f" ]
	[ "$(stat -c %a "$f")" = 600 ]
	[ "$(grep -c '^ *//' "$f")" -ge 4 ]
	grep -q '"extends": "default"' "$f"
	echo '{}' > "$f"
	run timeout 30 "$NONO" profile init mine --extends python-dev --force
	[ "$status" -eq 0 ]
	grep -q '"extends": "python-dev"' "$f"
	run timeout 30 "$NONO" profile validate mine
	[ "$status" -eq 0 ]
}

@test "nono profile groups: every group with its description, required ones marked; an unknown one exits 1" {
	run timeout 30 "$NONO" profile groups
	[ "$status" -eq 0 ]
	[[ "$output" == *"deny_credentials (required): "* ]]
	[[ "$output" == *"git_config: "* ]]
	[ "$(echo "$output" | grep -c '^  ')" -eq 0 ]
	run timeout 30 "$NONO" profile groups git_config
	[[ "$output" == *"read "*".gitconfig"* ]]
	run timeout 30 "$NONO" profile groups no_such_group
	[ "$status" -eq 1 ]
	[[ "$output" == *"unknown policy group 'no_such_group'"* ]]
}

@test "config.ini: rollback and audit retention drive cleanup; nono config says where each came from" {
	printf '[rollback]\nkeep = 1\n[audit]\nkeep = 1\n[ui]\ncolor = never\n' > "$XDG_CONFIG_HOME/nono/config.ini"
	for i in 1 2 3; do
		echo "$i" > "$WORK/f$i"
		nono_run --allow "$WORK" --allow-delete -- python3 -c "import os; os.unlink('f$i')" >/dev/null
		sleep 1
	done
	run timeout 30 "$NONO" config --json
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
s = {(x["section"], x["key"]): x for x in d["settings"]}
assert s[("rollback", "keep")]["value"] == "1" and s[("rollback", "keep")]["from"].endswith("config.ini:2"), s
assert s[("audit", "keep")]["from"].endswith("config.ini:4"), s
assert s[("ui", "color")]["value"] == "never" and s[("run", "banner")]["from"] == "default", s'
	audit="$HOME/.local/state/nono/audit" rb="$HOME/.local/state/nono/rollback"
	[ "$(find "$audit" -mindepth 1 -maxdepth 1 -type d | wc -l)" -eq 3 ]
	run timeout 30 "$NONO" audit cleanup
	[ "$(find "$audit" -mindepth 1 -maxdepth 1 -type d | wc -l)" -eq 1 ]
	n=$(timeout 30 "$NONO" rollback list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
	[ "$n" -ge 2 ]
	run timeout 30 "$NONO" rollback cleanup
	[[ "$output" == *"keeping the newest 1"* ]]
	[ "$(timeout 30 "$NONO" rollback list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" -eq 1 ]
	printf '[run]\nprofile = say "hi"\n' > "$XDG_CONFIG_HOME/nono/config.ini"
	timeout 30 "$NONO" config --json | python3 -c 'import json,sys; assert json.load(sys.stdin)["settings"][0]["value"] == "say \"hi\""'
	printf '[ui]\ncolor = purple\n' > "$XDG_CONFIG_HOME/nono/config.ini"
	run timeout 30 "$NONO" config
	[ "$status" -eq 1 ]
	[[ "$output" == *"config.ini line 2: [ui] color = 'purple'"* ]]
	printf '[run]\nthis is not ini\n' > "$XDG_CONFIG_HOME/nono/config.ini"
	run nono_run -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	[[ "$output" == *"config.ini line 2"* ]]
	[ ! -e "$WORK/ran" ]
}

@test "extends: a child's scalars win, a base's lists stay; a user profile with a built-in's name is the base it finds" {
	echo '{"workdir": {"access": "read"}, "filesystem": {"read": ["$HOME/docs"]}}' > "$SCRATCH/sbase.json"
	echo '{"extends": "sbase", "workdir": {"access": "readwrite"}}' > "$SCRATCH/schild.json"
	run nono_run --profile "$SCRATCH/schild.json" -- sh -c "cat $HOME/docs/readme.txt; echo w > $WORK/w"
	[[ "$output" == *doc* ]]
	[ "$(cat "$WORK/w")" = w ]
	echo '{"filesystem": {"read": ["$HOME/docs"]}}' > "$XDG_CONFIG_HOME/nono/profiles/python-dev.json"
	echo '{"extends": "python-dev"}' > "$XDG_CONFIG_HOME/nono/profiles/kid.json"
	run nono_run --profile kid -- sh -c "cat $HOME/docs/readme.txt; echo w > $WORK/w2"
	[[ "$output" == *doc* ]]
	[ ! -e "$WORK/w2" ]
}

@test "CLI precedence: --block-net wins over a profile's network, --read adds to its grants" {
	run nono_run --profile claude-code --block-net --read "$HOME/docs" -- sh -c "cat $HOME/docs/readme.txt; python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM); print(\"net-on\")'"
	[[ "$output" == *doc* ]]
	[[ "$output" != *net-on* ]]
	[[ "$output" == *"Permission denied"* ]]
}

@test "nono profile list: where each comes from; name.jsonc is the file read, before name.json" {
	d="$XDG_CONFIG_HOME/nono/profiles"
	echo '{}' > "$d/both.json"
	echo '{"filesystem": {"read": ["$HOME/docs"]}}' > "$d/both.jsonc"
	echo '{}' > "$d/go-dev.jsonc"
	run timeout 30 "$NONO" profile list
	[[ "$output" == *"default          built-in"* ]]
	[[ "$output" == *"go-dev           user, overrides the built-in ($d/go-dev.jsonc)"* ]]
	[[ "$output" == *"both             user ($d/both.jsonc)"* ]]
	[ "$(echo "$output" | grep -c '^both ')" -eq 1 ]
	timeout 30 "$NONO" profile list --json | python3 -c "
import json, sys
d = {x['name']: x for x in json.load(sys.stdin)}
assert d['both']['path'] == '$d/both.jsonc' and d['go-dev']['path'] == '$d/go-dev.jsonc', d
assert d['rust-dev'] == {'name': 'rust-dev', 'source': 'built-in'}, d"
	run nono_run --profile both -- cat "$HOME/docs/readme.txt"
	[ "$output" = doc ]
}

@test "go-dev runs the real Go toolchain where the machine has it" {
	command -v go >/dev/null || skip "no go on this machine"
	goroot=$(go env GOROOT)
	mkdir -p "$HOME/.cache/go-build" "$HOME/go/pkg"
	run env GOTOOLCHAIN=local GOPROXY=off GOFLAGS= timeout 120 "$NONO" run --silent --profile go-dev --read "$goroot" -- \
		sh -c 'go mod init example.com/hello >/dev/null 2>&1 &&
			printf "package main\nimport \"fmt\"\nfunc main() { fmt.Println(6 * 7) }\n" > main.go &&
			go build -o hello . && ./hello'
	[ "$output" = 42 ]
	[ -x "$WORK/hello" ]
	[ -n "$(ls -A "$HOME/.cache/go-build")" ]
}
