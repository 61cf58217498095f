#!/usr/bin/env bats
# --env-credential and env_credentials against a real Secret Service: each
# test runs in a private D-Bus session with gnome-keyring-daemon, unlocked,
# and stores its secrets with secret-tool as a user would.
load helpers

setup() {
	common_setup
	for t in dbus-run-session gnome-keyring-daemon secret-tool; do
		command -v "$t" >/dev/null || no_keyring "$t is not installed (gnome-keyring, libsecret-tools, dbus)"
	done
	SECRET="sk-ant-test-$$-$RANDOM"
}
teardown() { common_teardown; }

# Run the commands in $SCRATCH/inner.sh inside a fresh session bus with an
# unlocked keyring holding anthropic_api_key=$SECRET.
in_keyring() {
	cat > "$SCRATCH/session.sh" <<EOF
set -u
# the daemon can be slow to claim its bus name on a loaded machine: retry
ok=
# one daemon; the store is retried until its collection is ready
echo pw | gnome-keyring-daemon --unlock --components=secrets >'$SCRATCH/gkd.log' 2>&1
for try in 1 2 3 4 5 6 7 8 9 10; do
	printf '%s' '$SECRET' | secret-tool store --label='nono: anthropic_api_key' service nono username anthropic_api_key 2>>'$SCRATCH/gkd.log' &&
	[ "\$(secret-tool lookup service nono username anthropic_api_key 2>>'$SCRATCH/gkd.log')" = '$SECRET' ] &&
	{ ok=1; break; }
	sleep 0.3
done
[ -n "\$ok" ] || { echo "KEYRING-FAILED"; cat '$SCRATCH/gkd.log'; exit 0; }
. '$SCRATCH/inner.sh'
EOF
	# a runtime directory of its own: gnome-keyring-daemon keeps its control
	# socket there, and one still exiting from the last test must not answer
	mkdir -p -m 700 "$SCRATCH/run"
	XDG_RUNTIME_DIR="$SCRATCH/run" timeout 45 dbus-run-session -- sh "$SCRATCH/session.sh" 2>&1 | grep -v '^dbus-daemon\['
}

# CI (NONO_E2E_REQUIRED) fails instead of skipping
no_keyring() {
	[ -z "${NONO_E2E_REQUIRED:-}" ] || { echo "$1" >&2; return 1; }
	skip "$1"
}

# the output is shown when an expectation fails

keyring_or_skip() {
	[[ "$output" != *KEYRING-FAILED* ]] || no_keyring "gnome-keyring-daemon could not start a Secret Service here: $output"
}

@test "--env-credential puts the keystore secret in the child's environment, upper-cased, and nowhere else" {
	cat > "$SCRATCH/inner.sh" <<EOF
'$NONO' run --allow '$WORK' --env-credential anthropic_api_key -- sh -c 'printf %s "\$ANTHROPIC_API_KEY" > '"'$WORK/seen'"'; cat "\$NONO_CAP_FILE" > '"'$WORK/cap'"''
echo "status=\$?"
'$NONO' run --dry-run --allow '$WORK' --env-credential anthropic_api_key -- true
'$NONO' run --dry-run --json --allow '$WORK' --env-credential anthropic_api_key -- true
EOF
	run in_keyring
	keyring_or_skip
	[[ "$output" == *"status=0"* ]]
	[ "$(cat "$WORK/seen")" = "$SECRET" ]
	# the banner names the variable, never the value
	[[ "$output" == *"env  ANTHROPIC_API_KEY"* ]]
	[[ "$output" == *"Secrets:   ANTHROPIC_API_KEY from the keystore (anthropic_api_key)"* ]]
	[[ "$output" != *"$SECRET"* ]]
	! grep -q "$SECRET" "$WORK/cap" || false
}

@test "a profile's env_credentials map a secret to the variable it names" {
	echo '{"extends": "default", "env_credentials": {"anthropic_api_key": "CLAUDE_KEY"}}' > "$SCRATCH/p.json"
	cat > "$SCRATCH/inner.sh" <<EOF
'$NONO' run --silent --profile '$SCRATCH/p.json' --allow '$WORK' -- sh -c 'printf %s "\$CLAUDE_KEY" > '"'$WORK/seen'"'; printf %s "\${ANTHROPIC_API_KEY:-unset}" > '"'$WORK/other'"''
NONO_ENV_CREDENTIAL=keyring://nono/anthropic_api_key=VIA_ENV '$NONO' run --silent --allow '$WORK' -- sh -c 'printf %s "\$VIA_ENV" > '"'$WORK/env'"''
EOF
	run in_keyring
	keyring_or_skip
	[ "$(cat "$WORK/seen")" = "$SECRET" ]
	[ "$(cat "$WORK/other")" = unset ]
	[ "$(cat "$WORK/env")" = "$SECRET" ]
}

@test "a missing secret is an error naming it, and nothing runs" {
	cat > "$SCRATCH/inner.sh" <<EOF
'$NONO' run --allow '$WORK' --env-credential anthropic_api_key,openai_api_key -- touch '$WORK/ran'
echo "status=\$?"
EOF
	run in_keyring
	keyring_or_skip
	has "status=125"
	has "credential 'openai_api_key' is not in the keystore"
	has "secret-tool store --label=\"nono: openai_api_key\" service nono username openai_api_key"
	[ ! -e "$WORK/ran" ]
}

@test "no keystore, unsupported references and unsafe variable names are refused before anything runs" {
	run env -u DBUS_SESSION_BUS_ADDRESS DISPLAY= timeout 30 "$NONO" run --env-credential anthropic_api_key -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	[[ "$output" == *"credential 'anthropic_api_key': the keystore is unreachable"* ]]
	run timeout 30 "$NONO" run --env-credential 'op://vault/item=KEY' -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	[[ "$output" == *"reads the system keystore only"* ]]
	run timeout 30 "$NONO" run --env-credential 'x=LD_PRELOAD' -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	[[ "$output" == *"'LD_PRELOAD' cannot carry a secret"* ]]
	run timeout 30 "$NONO" run --env-credential 'x=NONO_CAP_FILE' -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	[ ! -e "$WORK/ran" ]
}
