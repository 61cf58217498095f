#!/usr/bin/env bats
# Registry packs against a loopback HTTPS registry (tests/fixtures/registry.py,
# a test CA named in config.ini): search, pull, --init, list, update, remove,
# the profiles they bring, and every refusal (bad signature, wrong digest,
# unknown key, downgrade, a path that escapes, a link or device entry) with
# the pack store unchanged afterwards.
load helpers

bats_require_minimum_version 1.5.0

setup_file() { registry_start; }
teardown_file() { registry_stop; }

setup() {
	common_setup
	PACKS="$HOME/.local/share/nono/packs"
	printf '{"extends": "default", "workdir": {"access": "readwrite"}, "filesystem": {"read": ["$HOME/docs"]}}\n' \
		>"$SCRATCH/agent.json"
	registry_use "t$BATS_TEST_NUMBER"
}
teardown() { common_teardown; }

# acme/agent VERSION [more mkpack args]: a profile and two instruction files
publish() {
	local v=$1
	shift
	mkpack --name acme/agent --version "$v" --description "Acme's agent, hardened" \
		--profile acme-agent=profiles/acme-agent.json --file profiles/acme-agent.json="$SCRATCH/agent.json" \
		--text CLAUDE.md="# Acme rules $v" --text .claude/commands/review.md="Review carefully ($v)" \
		--instruction CLAUDE.md --instruction .claude/commands/review.md "$@"
}

@test "search: matching packs from the registry, as text and --json; nothing matching says so" {
	publish 1.0.0
	mkpack --name other/tool --version 0.3.0 --description "Something else" --text README=hi
	run -0 "$NONO" search acme
	[[ "$output" == *"acme/agent"*"1.0.0"*"Acme's agent, hardened"* ]]
	[[ "$output" == *"profiles: acme-agent"* ]]
	[[ "$output" != *"other/tool"* ]]
	run -0 "$NONO" search HARDENED
	[[ "$output" == *"acme/agent"* ]]
	run -0 "$NONO" search
	[[ "$output" == *"acme/agent"* && "$output" == *"other/tool"* ]]
	run -0 "$NONO" search acme --json
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert [p["name"] for p in d]==["acme/agent"], d; assert d[0]["latest"]=="1.0.0" and d[0]["installed"] is None, d' "$output"
	run -0 --separate-stderr "$NONO" search zebra
	[ -z "$output" ]
	[[ "$stderr" == *"no pack matches 'zebra'"* ]]
	# what was fetched: the index, over HTTPS
	grep -q "\"/t$BATS_TEST_NUMBER/index.json\"" "$REG_DIR/requests.jsonl"
}

@test "no registry configured, a plain-http one, an untrusted certificate: clear errors" {
	rm "$HOME/.config/nono/config.ini"
	run -1 --separate-stderr "$NONO" search acme
	[[ "$stderr" == *"no pack registry is configured"* ]]
	[[ "$stderr" == *"hint: "*"[registry]"* ]]
	run -1 --separate-stderr "$NONO" search acme --registry "http://127.0.0.1:$REG_PORT/t$BATS_TEST_NUMBER"
	[[ "$stderr" == *"only https:// registries are used"* ]]
	# the registry's certificate without the test CA
	publish 1.0.0
	run -1 --separate-stderr "$NONO" pull acme/agent --registry "$REG_URL"
	[[ "$stderr" == *"$REG_URL/index.json"* ]]
	[[ "$stderr" == *"ca_file"* ]]
	[ ! -e "$PACKS" ]
}

@test "pull: downloads, verifies, installs; its profile is listed as pack:OWNER/NAME and runs" {
	publish 1.0.0
	run -0 "$NONO" pull acme/agent
	[[ "$output" == *"installed acme/agent 1.0.0 (signed by key "* ]]
	[[ "$output" == *"nono run --profile pack:acme/agent"* ]]
	[ -f "$PACKS/acme/agent/manifest.json" ]
	[ -f "$PACKS/acme/agent/manifest.sig" ]
	[ "$(cat "$PACKS/acme/agent/files/CLAUDE.md")" = "# Acme rules 1.0.0" ]
	# every file downloaded, each one once
	for f in manifest.json manifest.sig files/CLAUDE.md files/profiles/acme-agent.json files/.claude/commands/review.md; do
		[ "$(grep -c "\"/t$BATS_TEST_NUMBER/packs/acme/agent/1.0.0/$f\"" "$REG_DIR/requests.jsonl")" -eq 1 ]
	done
	run -0 "$NONO" profile list
	[[ "$output" == *"pack:acme/agent"*"pack acme/agent 1.0.0, profile acme-agent (also --profile acme-agent)"* ]]
	[[ "$output" == *"claude-code      built-in"* ]]
	run -0 "$NONO" profile list --json
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); p=[x for x in d if x["name"]=="pack:acme/agent"][0]; assert p["pack"]=="acme/agent" and p["profile"]=="acme-agent", p' "$output"
	# the profile, by its pack reference, by upstream's OWNER/NAME, and by name
	for ref in pack:acme/agent acme/agent acme-agent pack:acme/agent/acme-agent; do
		run -0 "$NONO" run --silent --profile "$ref" -- cat "$HOME/docs/readme.txt"
		[ "$output" = doc ] || { echo "$ref: $output"; return 1; }
	done
	run -0 "$NONO" profile show pack:acme/agent --json
	[[ "$output" == *'"$HOME/docs"'* ]]
	# the sandbox cannot change the installed pack
	run "$NONO" run --silent --allow "$HOME" -- sh -c "echo x >> '$PACKS/acme/agent/files/CLAUDE.md'"
	[ "$status" -ne 0 ]
	[ "$(cat "$PACKS/acme/agent/files/CLAUDE.md")" = "# Acme rules 1.0.0" ]
	# pulling again changes nothing
	run -0 "$NONO" pull acme/agent
	[[ "$output" == *"already installed"* ]]
}

@test "list --installed: each pack verified again, as text and --json" {
	run -0 --separate-stderr "$NONO" list --installed
	[[ "$stderr" == *"no packs installed"* ]]
	publish 1.0.0
	run -0 "$NONO" pull acme/agent
	run -0 "$NONO" list --installed
	[[ "$output" == "acme/agent"*"1.0.0"*"verified (key "*"profiles: acme-agent"* ]]
	run -0 "$NONO" list --installed --json
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d[0]["name"]=="acme/agent" and d[0]["verified"] and d[0]["instructions"]==["CLAUDE.md", ".claude/commands/review.md"], d' "$output"
	# without --installed: the registry's packs
	run -0 "$NONO" list
	[[ "$output" == *"acme/agent"*"[installed: 1.0.0]"* ]]
}

@test "pull --init: the instruction files into the working directory, never over a file without --force" {
	publish 1.0.0
	run -0 "$NONO" pull acme/agent --init
	[[ "$output" == *"copied into $WORK: CLAUDE.md .claude/commands/review.md"* ]]
	[ "$(cat CLAUDE.md)" = "# Acme rules 1.0.0" ]
	[ "$(cat .claude/commands/review.md)" = "Review carefully (1.0.0)" ]
	# the directory is enrolled in instruction-file trust, the files trusted by the pack
	run -0 "$NONO" trust status
	[[ "$output" == *"enforced beneath $WORK"* ]]
	[[ "$output" == *"CLAUDE.md"*"pack"*"enforced"*"acme/agent"* ]]
	# an existing file: nothing copied at all, and the file kept
	rm .claude/commands/review.md
	echo "mine" >CLAUDE.md
	run -1 --separate-stderr "$NONO" pull acme/agent --init
	[[ "$stderr" == *"$WORK/CLAUDE.md exists: nothing was copied"* ]]
	[[ "$stderr" == *"--force"* ]]
	[ "$(cat CLAUDE.md)" = mine ]
	[ ! -e .claude/commands/review.md ]
	run -0 "$NONO" pull acme/agent --init --force
	[ "$(cat CLAUDE.md)" = "# Acme rules 1.0.0" ]
	[ -f .claude/commands/review.md ]
	# never through a symlink planted in the way
	rm -rf .claude
	mkdir "$SCRATCH/elsewhere"
	ln -s "$SCRATCH/elsewhere" .claude
	run -1 --separate-stderr "$NONO" pull acme/agent --init --force
	[ -z "$(ls "$SCRATCH/elsewhere")" ]
}

@test "update installs the latest version; update again and --dry-run change nothing" {
	publish 1.0.0
	run -0 "$NONO" pull acme/agent
	run -0 "$NONO" update
	[[ "$output" == *"acme/agent 1.0.0 is up to date"* ]]
	publish 1.1.0
	run -0 "$NONO" update --dry-run
	[[ "$output" == *"acme/agent: would be updated"* ]]
	[ "$(cat "$PACKS/acme/agent/files/CLAUDE.md")" = "# Acme rules 1.0.0" ]
	run -0 "$NONO" update acme/agent
	[[ "$output" == *"updated acme/agent 1.1.0, was 1.0.0"* ]]
	[ "$(cat "$PACKS/acme/agent/files/CLAUDE.md")" = "# Acme rules 1.1.0" ]
	run -0 "$NONO" list --installed
	[[ "$output" == *"1.1.0"* ]]
	run -1 --separate-stderr "$NONO" update other/pack
	[[ "$stderr" == *"pack other/pack is not installed"* ]]
	# no staging directory is left behind
	[ -z "$(find "$HOME/.local/share/nono" -maxdepth 1 -name '.pack-tmp-*')" ]
}

@test "remove: the pack and its profile are gone; a pack not installed is an error" {
	publish 1.0.0
	run -0 "$NONO" pull acme/agent
	run -0 "$NONO" remove acme/agent
	[ "$output" = "removed acme/agent" ]
	[ ! -e "$PACKS/acme/agent" ]
	[ ! -e "$PACKS/acme" ]
	run -0 "$NONO" profile list
	[[ "$output" != *"pack:acme/agent"* ]]
	run -125 --separate-stderr "$NONO" run --profile pack:acme/agent -- true
	[[ "$stderr" == *"pack acme/agent is not installed"* ]]
	run -1 --separate-stderr "$NONO" remove acme/agent
	[[ "$stderr" == *"not installed"* ]]
	run -2 --separate-stderr "$NONO" remove
	[[ "$stderr" == *"which pack?"* ]]
}

# pull REF must fail with a message matching GLOB, the store as it was
refused() {
	local ref=$1 glob=$2 before
	before=$(tree_state "$PACKS")
	run -1 --separate-stderr "$NONO" pull "$ref"
	[[ "$stderr" == $glob ]] || { echo "stderr: $stderr"; return 1; }
	[ "$(tree_state "$PACKS")" = "$before" ] || { echo "the store changed"; return 1; }
	[ -z "$(find "$HOME/.local/share/nono" -maxdepth 1 -name '.pack-tmp-*')" ] || { echo "staging left"; return 1; }
}

@test "refused, nothing installed: a manifest changed after signing (bad signature)" {
	mkpack --name ok/base --version 1.0.0 --text a=b
	run -0 "$NONO" pull ok/base
	publish 1.0.0
	sed -i 's/hardened/weakened/' "$REG/packs/acme/agent/1.0.0/manifest.json"
	python3 "$FIXTURES/mkpack.py" --registry "$REG" --key "$REG_KEY" --name ok/base --version 1.0.0 --text a=b
	refused acme/agent "*bad signature*"
	[[ "$stderr" == *"pack acme/agent 1.0.0"* ]]
	# a signature that is not one at all
	publish 1.0.0
	printf '{"keyid": "%s", "signature": "AAAA"}' "$(grep -o '"keyid": "[0-9a-f]*"' "$REG/packs/acme/agent/1.0.0/manifest.sig" | cut -d'"' -f4)" \
		>"$REG/packs/acme/agent/1.0.0/manifest.sig"
	refused acme/agent "*signature is malformed*"
}

@test "refused, nothing installed: a file whose SHA-256 is not the signed one (wrong digest)" {
	mkpack --name ok/base --version 1.0.0 --text a=b
	run -0 "$NONO" pull ok/base
	publish 1.0.0
	echo "# Acme rules, with a twist" >"$REG/packs/acme/agent/1.0.0/files/CLAUDE.md"
	refused acme/agent "*CLAUDE.md does not match its signed manifest*"
	[[ "$stderr" == *"nothing was installed"* ]]
	# the same length, other bytes
	publish 1.0.0
	printf '# Acme rules 9.9.9' >"$REG/packs/acme/agent/1.0.0/files/CLAUDE.md"
	refused acme/agent "*does not match*"
	# a manifest that is not the one the index names
	publish 1.0.0
	sed -i 's/"manifest_sha256": "[0-9a-f]\{8\}/"manifest_sha256": "00000000/' "$REG/index.json"
	refused acme/agent "*SHA-256 is not the one the index gives*"
}

@test "refused, nothing installed: a pack signed by a key nono does not trust" {
	mkpack --name ok/base --version 1.0.0 --text a=b
	run -0 "$NONO" pull ok/base
	mkpack --key "$OTHER_KEY" --name acme/agent --version 1.0.0 --text CLAUDE.md=x
	refused acme/agent "*signed by key *, which nono does not trust*"
	[[ "$stderr" == *"hint: "*"nono trust add KEYFILE"* ]]
	# and once the user trusts that key, it installs
	openssl pkey -in "$OTHER_KEY" -pubout -out "$SCRATCH/other.pub" 2>/dev/null
	run -0 "$NONO" trust add "$SCRATCH/other.pub"
	run -0 "$NONO" pull acme/agent
}

@test "refused: a downgrade, from the index or asked for; --force with a version allows it; removal keeps the floor" {
	publish 1.0.0
	publish 1.2.0
	run -0 "$NONO" pull acme/agent
	[[ "$output" == *"acme/agent 1.2.0"* ]]
	refused acme/agent@1.0.0 "*refusing to downgrade acme/agent to 1.0.0: 1.2.0 is installed*"
	[[ "$stderr" == *"nono pull acme/agent@1.0.0 --force"* ]]
	# the registry rolled back: its latest is older than what is installed
	rm -rf "$REG/packs/acme/agent/1.2.0"
	python3 "$FIXTURES/mkpack.py" --registry "$REG" --key "$REG_KEY" --name acme/agent --version 1.0.0 --text CLAUDE.md=x
	before=$(tree_state "$PACKS")
	run -1 --separate-stderr "$NONO" update
	[[ "$stderr" == *"refusing to downgrade acme/agent to 1.0.0"* ]]
	[[ "$stderr" == *"may be serving an old copy"* ]]
	[ "$(tree_state "$PACKS")" = "$before" ]
	# removed and pulled again: the highest version ever installed still counts
	run -0 "$NONO" remove acme/agent
	refused acme/agent "*refusing to downgrade acme/agent to 1.0.0: 1.2.0 was installed*"
	run -0 --separate-stderr "$NONO" pull acme/agent@1.0.0 --force
	[[ "$stderr" == *"older than 1.2.0, because of --force"* ]]
	[ "$(cat "$PACKS/acme/agent/files/CLAUDE.md")" = x ]
}

@test "refused, nothing installed: paths that escape the pack, links and devices" {
	mkpack --name ok/base --version 1.0.0 --text a=b
	run -0 "$NONO" pull ok/base
	sha=$(printf x | sha256sum | cut -d' ' -f1)
	for entry in "{\"path\": \"../../escape\", \"size\": 1, \"sha256\": \"$sha\"}" \
		"{\"path\": \"/etc/cron.d/x\", \"size\": 1, \"sha256\": \"$sha\"}" \
		"{\"path\": \"a/../../b\", \"size\": 1, \"sha256\": \"$sha\"}"; do
		rm -rf "$REG/packs/acme"
		mkpack --name acme/agent --version 1.0.0 --text CLAUDE.md=x --entry "$entry"
		refused acme/agent "*would escape the pack*"
	done
	rm -rf "$REG/packs/acme"
	mkpack --name acme/agent --version 1.0.0 --entry '{"path": "l", "type": "symlink", "target": "/etc/passwd", "size": 0, "sha256": "'"$sha"'"}'
	refused acme/agent "*l is a symlink: a pack holds regular files only*"
	rm -rf "$REG/packs/acme"
	mkpack --name acme/agent --version 1.0.0 --entry '{"path": "null", "type": "device", "size": 0, "sha256": "'"$sha"'"}'
	refused acme/agent "*null is a device: a pack holds regular files only*"
	[ ! -e "$SCRATCH/escape" ]
	[ ! -e /etc/cron.d/x ]
}

@test "a tampered installed pack refuses to load at launch, and says how to repair it" {
	publish 1.0.0
	run -0 "$NONO" pull acme/agent
	echo '{"extends": "default", "filesystem": {"allow": ["$HOME"]}}' >"$PACKS/acme/agent/files/profiles/acme-agent.json"
	run -125 --separate-stderr "$NONO" run --profile pack:acme/agent -- true
	[[ "$stderr" == *"profiles/acme-agent.json does not match its signed manifest"* ]]
	[[ "$stderr" == *"nono pull acme/agent --force"* ]]
	run -125 --separate-stderr "$NONO" run --profile acme-agent -- true
	[[ "$stderr" == *"does not match its signed manifest"* ]]
	run -1 "$NONO" list --installed
	[[ "$output" == *"NOT VERIFIED"* ]]
	run -0 "$NONO" pull acme/agent --force
	[[ "$output" == *"reinstalled acme/agent 1.0.0"* ]]
	run -0 "$NONO" run --silent --profile pack:acme/agent -- true
}

@test "profile resolution: a user profile over a pack's, a pack's over the built-in of that name" {
	mkpack --name acme/claude --version 1.0.0 --profile claude-code=claude-code.json \
		--file claude-code.json="$SCRATCH/agent.json"
	run -0 "$NONO" pull acme/claude
	run -0 "$NONO" profile list
	[[ "$output" == *"claude-code      pack acme/claude, overrides the built-in"* ]]
	run -0 "$NONO" run --dry-run --profile claude-code -- true
	[[ "$output" == *"$HOME/docs"* ]]
	[[ "$output" != *".claude.json"* ]]
	mkdir -p "$HOME/.config/nono/profiles"
	echo '{"extends": "default", "filesystem": {"read": ["$HOME/proj"]}}' >"$HOME/.config/nono/profiles/claude-code.json"
	run -0 "$NONO" run --dry-run --profile claude-code -- true
	[[ "$output" == *"$HOME/proj"* ]]
	[[ "$output" != *"$HOME/docs"* ]]
	# the pack's stays reachable by reference
	run -0 "$NONO" run --dry-run --profile pack:acme/claude -- true
	[[ "$output" == *"$HOME/docs"* ]]
}

@test "registries: searched in order; NONO_REGISTRY and --registry replace the configured ones" {
	publish 1.0.0
	second="t$BATS_TEST_NUMBER-b"
	mkdir -p "$REG_WWW/$second"
	python3 "$FIXTURES/mkpack.py" --registry "$REG_WWW/$second" --key "$REG_KEY" --name acme/agent --version 2.0.0 \
		--text CLAUDE.md=second
	python3 "$FIXTURES/mkpack.py" --registry "$REG_WWW/$second" --key "$REG_KEY" --name solo/pack --version 1.0.0 \
		--text x=y
	printf '[registry]\nurl = %s\nurl = https://127.0.0.1:%s/%s\nca_file = %s\n' "$REG_URL" "$REG_PORT" "$second" \
		"$REG_CA" >"$HOME/.config/nono/config.ini"
	run -0 "$NONO" config
	[[ "$output" == *"url"*"$REG_URL, https://127.0.0.1:$REG_PORT/$second"* ]]
	# the first that has the pack wins; one that only the second has is found there
	run -0 "$NONO" pull acme/agent
	[[ "$output" == *"acme/agent 1.0.0"* ]]
	run -0 "$NONO" pull solo/pack
	run -0 env NONO_REGISTRY="https://127.0.0.1:$REG_PORT/$second" "$NONO" search acme
	[[ "$output" == *"2.0.0"* ]]
	run -0 "$NONO" search acme --registry "https://127.0.0.1:$REG_PORT/$second"
	[[ "$output" == *"2.0.0"* ]]
	run -0 "$NONO" update acme/agent --registry "https://127.0.0.1:$REG_PORT/$second"
	[[ "$output" == *"updated acme/agent 2.0.0, was 1.0.0"* ]]
}

@test "a progress bar on a terminal, none in a pipe; usage errors exit 2" {
	command -v script >/dev/null || skip "script (util-linux) not installed"
	head -c 300000 /dev/urandom >"$SCRATCH/big"
	publish 1.0.0 --file big.bin="$SCRATCH/big"
	run -0 script -qec "'$NONO' pull acme/agent" /dev/null
	[[ "$output" == *"big.bin"*"[##############################] 100%"* ]]
	run -0 "$NONO" remove acme/agent
	run -0 --separate-stderr "$NONO" pull acme/agent --force
	[[ "$stderr" != *"%"* ]]
	run -2 --separate-stderr "$NONO" pull
	[[ "$stderr" == *"which pack?"* ]]
	run -2 --separate-stderr "$NONO" pull ACME/Agent
	[[ "$stderr" == *"not a pack reference"* ]]
	run -2 --separate-stderr "$NONO" pull acme/agent --frob
	[[ "$stderr" == *"unknown option '--frob'"* ]]
	run -2 --separate-stderr "$NONO" list --init
	run -0 "$NONO" help pull
	[[ "$output" == "Usage: nono pull"* ]]
}
