#!/usr/bin/env bats
# The Landlock ABI floor. NONO_TEST_LANDLOCK_ABI=N (a test-only knob) caps
# the ABI nono uses, and this kernel enforces the smaller ruleset for real.
# nono runs on every ABI from 1, names what is weaker in the banner,
# --dry-run and 'setup --check-only', and refuses instead under --strict,
# --min-abi, a profile's security.min_abi or config.ini's [run] min_abi.
# (tests/abi-matrix.bats runs the escapes at each ABI.)
load helpers
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	KERNEL_ABI=$(timeout 30 "$NONO" setup --check-only --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["landlock_kernel_abi"])')
}
teardown() { common_teardown; }

need_abi() { [ "$KERNEL_ABI" -ge "$1" ] || skip "kernel Landlock ABI $KERNEL_ABI < $1"; }

# capped COMMAND...: run nono with the ABI capped at $ABI
capped() { env NONO_TEST_LANDLOCK_ABI="$ABI" timeout 30 "$NONO" "$@"; }

@test "setup --check-only reports the capped ABI in text, and what is weaker" {
	need_abi 7
	for ABI in 1 2 3 4 5 6; do
		run capped setup --check-only
		[ "$status" -eq 0 ]
		has "Landlock:  ABI $ABI (capped from the kernel's $KERNEL_ABI by NONO_TEST_LANDLOCK_ABI)"
		has "nono run: ready"
	done
	# capping at the kernel's own ABI caps nothing
	ABI=$KERNEL_ABI
	run capped setup --check-only
	has "Landlock:  ABI $KERNEL_ABI"
	ABI=4
	run capped setup --check-only
	has "signal isolation                   ABI 6  no"
	has "TCP connect and bind control       ABI 4  yes"
	has "nono run: ready; "
	has "weaker here"
	has "abstract UNIX sockets outside the sandbox reachable"
	lacks "refuses to run"
	ABI=7
	run capped setup --check-only
	has "signal isolation                   ABI 6  yes"
	has "pathname UNIX socket control       ABI 9  no"
	lacks "weaker"
}

@test "setup --check-only --json gives landlock_abi N, per-feature availability and the weaknesses" {
	need_abi 7
	for ABI in 1 2 3 4 5 6 7; do
		run capped setup --check-only --json
		echo "$output" | python3 -c "
import json, sys
d = json.load(sys.stdin)
assert d['landlock_abi'] == $ABI, d['landlock_abi']
assert d['landlock_kernel_abi'] == $KERNEL_ABI
for f in d['features']:
    assert f['available'] == (f['min_abi'] <= $ABI), f
    assert f['required'] == (f['min_abi'] == 1), f
assert d['ready'] is True, d['ready']
w = {x['id']: x for x in d['weaknesses']}
for x in d['weaknesses']:
    assert x['abi'] > $ABI or x['abi'] == 0, x
    assert x['weaker'] == (x['left'] is not None), x
assert ('truncate' in w) == ($ABI < 3), w
assert ('abstract-unix' in w) == ($ABI < 6), w
if $ABI < 3: assert not w['truncate']['weaker'] and 'supervisor' in w['truncate']['instead'], w
if $ABI < 6: assert w['abstract-unix']['weaker'], w"
	done
}

@test "ABI 1 to 5: the program runs, the sandbox holds, and the banner names what is weaker" {
	need_abi 6
	for ABI in 1 2 3 4 5; do
		run capped run --allow "$WORK" -- sh -c "echo ran > '$WORK/ran-$ABI'; cat '$HOME/.ssh/id_rsa'; echo x > '$OUTSIDE/w-$ABI'"
		[ "$(cat "$WORK/ran-$ABI")" = ran ]
		lacks SECRET-SSH-KEY
		has "Permission denied"
		[ ! -e "$OUTSIDE/w-$ABI" ]
		has "Landlock ABI $ABI"
		# one line, with the ABI, what is weaker and what stands in
		[ "$(echo "$output" | grep -c '^  weak ')" -eq 1 ]
		echo "$output" | grep '^  weak ' | grep -q "ABI $ABI: .*abstract UNIX sockets outside the sandbox reachable"
		echo "$output" | grep '^  weak ' | grep -q "checked by the supervisor"
	done
	# --silent drops it with the rest of the banner
	ABI=4
	run capped run --silent --allow "$WORK" -- true
	[ "$status" -eq 0 ]
	lacks "weak"
}

@test "ABI 6 and 7: the program runs, the sandbox holds, nothing is named weaker" {
	need_abi 7
	for ABI in 6 7; do
		run capped run --allow "$WORK" -- sh -c "echo ran > '$WORK/ran-$ABI'; cat '$HOME/.ssh/id_rsa'; echo x > '$OUTSIDE/w-$ABI'"
		[ "$(cat "$WORK/ran-$ABI")" = ran ]
		lacks SECRET-SSH-KEY
		has "Permission denied"
		[ ! -e "$OUTSIDE/w-$ABI" ]
		lacks "weak"
	done
}

@test "--strict refuses below ABI 6 with the reason, nothing runs; at 6 and 7 it runs" {
	need_abi 7
	for ABI in 1 3 5; do
		run capped run --silent --strict --allow "$WORK" -- touch "$WORK/ran-$ABI"
		[ "$status" -eq 125 ]
		has "--strict: refusing to run weaker than a current kernel"
		has "abstract UNIX sockets outside the sandbox reachable"
		has "setup --check-only"
		[ ! -e "$WORK/ran-$ABI" ]
	done
	for ABI in 6 7; do
		run capped run --silent --strict --allow "$WORK" -- touch "$WORK/ran-$ABI"
		[ "$status" -eq 0 ]
		[ -e "$WORK/ran-$ABI" ]
	done
	# the environment mirror and the profile key do the same
	ABI=4
	run env NONO_STRICT=1 NONO_TEST_LANDLOCK_ABI=4 timeout 30 "$NONO" run --silent --allow "$WORK" -- touch "$WORK/ran-env"
	[ "$status" -eq 125 ]
	[ ! -e "$WORK/ran-env" ]
	echo '{"security": {"strict": true}}' >"$SCRATCH/strict.json"
	run capped run --silent --profile "$SCRATCH/strict.json" --allow "$WORK" -- touch "$WORK/ran-profile"
	[ "$status" -eq 125 ]
	[ ! -e "$WORK/ran-profile" ]
	# --no-pid-ns is what the flags ask for: not held against them
	ABI=7
	run capped run --silent --strict --no-pid-ns --allow "$WORK" -- touch "$WORK/ran-nopidns"
	[ "$status" -eq 0 ]
}

@test "--min-abi, security.min_abi and [run] min_abi refuse below their level; the highest applies" {
	need_abi 7
	ABI=5
	run capped run --silent --min-abi 6 --allow "$WORK" -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	has "Landlock ABI is 5, below the minimum of 6"
	[ ! -e "$WORK/ran" ]
	run capped run --silent --min-abi 5 --allow "$WORK" -- touch "$WORK/ran"
	[ "$status" -eq 0 ]
	[ -e "$WORK/ran" ]
	rm "$WORK/ran"
	echo '{"security": {"min_abi": 6}}' >"$SCRATCH/min.json"
	run capped run --silent --profile "$SCRATCH/min.json" --allow "$WORK" -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	[ ! -e "$WORK/ran" ]
	run capped profile validate "$SCRATCH/min.json"
	[ "$status" -eq 0 ]
	echo '{"security": {"min_abi": "six"}}' >"$SCRATCH/bad.json"
	run capped profile validate "$SCRATCH/bad.json"
	[ "$status" -ne 0 ]
	has "a whole number"
	# config.ini's floor: a flag cannot lower it
	mkdir -p "$HOME/.config/nono"
	printf '[run]\nmin_abi = 7\n' >"$HOME/.config/nono/config.ini"
	ABI=6
	run capped run --silent --min-abi 1 --allow "$WORK" -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	has "below the minimum of 7"
	[ ! -e "$WORK/ran" ]
	run capped config
	has "min_abi"
	ABI=7
	run capped run --silent --allow "$WORK" -- touch "$WORK/ran"
	[ "$status" -eq 0 ]
	run capped run --silent --min-abi zero -- true
	[ "$status" -ne 0 ]
	has "--min-abi zero"
}

@test "dry-run --json at ABI 4: nothing refused, the weaknesses listed; --strict sets refused; at 7 none" {
	need_abi 7
	ABI=4
	run capped run --dry-run --json --allow "$WORK" -- touch "$WORK/ran"
	[ ! -e "$WORK/ran" ]
	echo "$output" | python3 -c "
import json, sys
d = json.load(sys.stdin)
assert d['landlock_abi'] == 4
assert d['refused'] is None, d['refused']
f = {x['name']: x['available'] for x in d['features']}
assert f['signal isolation'] is False and f['abstract UNIX socket isolation'] is False, f
assert f['truncation control'] is True and f['TCP connect and bind control'] is True, f
assert f['device ioctl control'] is False and f['denial logging'] is False, f
w = {x['id']: x for x in d['weaknesses']}
assert w['abstract-unix']['weaker'] and w['abstract-unix']['abi'] == 6, w
assert not w['signals']['weaker'] and 'PID namespace' in w['signals']['instead'], w
assert 'truncate' not in w, w"
	run capped run --dry-run --json --strict --allow "$WORK" -- true
	echo "$output" | python3 -c "
import json, sys
d = json.load(sys.stdin)
assert d['refused'] and '--strict' in d['refused'], d['refused']"
	ABI=7
	run capped run --dry-run --json --allow "$WORK" -- touch "$WORK/ran"
	[ ! -e "$WORK/ran" ]
	echo "$output" | python3 -c "
import json, sys
d = json.load(sys.stdin)
assert d['landlock_abi'] == 7
assert d['refused'] is None, d['refused']
assert d['weaknesses'] == [], d['weaknesses']
assert all(x['available'] for x in d['features'] if x['min_abi'] <= 7)"
}

@test "dry-run text shows the capped ABI, what is missing and what stands in" {
	need_abi 7
	ABI=6
	run capped run --dry-run --allow "$WORK" -- touch "$WORK/ran"
	[ ! -e "$WORK/ran" ]
	has "Kernel:    Landlock ABI 6"
	[[ "$output" =~ denial\ logging\ +ABI\ 7\ +missing ]]
	[[ "$output" =~ signal\ isolation\ +ABI\ 6\ +enforced ]]
	lacks "On this kernel"
	ABI=2
	run capped run --dry-run --block-net --allow "$WORK" -- true
	has "On this kernel (Landlock ABI 2):"
	has "held   truncation in and outside writable grants (Landlock: ABI 3): by truncate, ftruncate and O_TRUNC opens checked by the supervisor"
	has "weaker device ioctls (Landlock: ABI 5)"
	has "Mediated:  "
	has " truncate ftruncate "
}

@test "the knob only lowers: a value above the kernel's ABI changes nothing" {
	ABI=99
	run capped setup --check-only --json
	echo "$output" | python3 -c "
import json, sys
d = json.load(sys.stdin); assert d['landlock_abi'] == $KERNEL_ABI, d['landlock_abi']"
	run capped run --silent --allow "$WORK" -- sh -c "echo ran > '$WORK/ran'; cat '$HOME/.ssh/id_rsa'"
	[ -e "$WORK/ran" ]
	lacks SECRET-SSH-KEY
}

@test "ABI 0 (no Landlock): refused, nothing runs" {
	ABI=0
	run capped run --silent --allow "$WORK" -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	has Landlock
	[ ! -e "$WORK/ran" ]
	run capped setup --check-only
	[ "$status" -eq 1 ]
	has "refuses to run"
}
