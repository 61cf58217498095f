#!/usr/bin/env bats
# The Landlock ABI floor. NONO_TEST_LANDLOCK_ABI=N (a test-only knob) caps
# the ABI nono uses; below ABI 6 (signal and abstract UNIX socket scopes)
# nono refuses to run, names the missing feature, and runs nothing.
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

@test "setup --check-only reports the capped ABI in text" {
	need_abi 7
	for ABI in 1 2 3 4 5 6; do
		run capped setup --check-only
		[[ "$output" == *"Landlock:  ABI $ABI (capped from the kernel's $KERNEL_ABI by NONO_TEST_LANDLOCK_ABI)"* ]]
	done
	# capping at the kernel's own ABI caps nothing
	ABI=$KERNEL_ABI
	run capped setup --check-only
	[[ "$output" == *"Landlock:  ABI $KERNEL_ABI"* ]]
	ABI=4
	run capped setup --check-only
	[[ "$output" == *"signal isolation                   ABI 6  no"* ]]
	[[ "$output" == *"TCP connect and bind control       ABI 4  yes"* ]]
	[[ "$output" == *"refuses to run"* ]]
	[[ "$output" != *"nono run: ready"* ]]
	ABI=6
	run capped setup --check-only
	[[ "$output" == *"signal isolation                   ABI 6  yes"* ]]
	[[ "$output" == *"nono run: ready"* ]]
}

@test "setup --check-only --json gives landlock_abi N and per-feature availability" {
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
assert d['ready'] == ($ABI >= 6), d['ready']"
	done
}

@test "ABI 1 and 2: refused with exit 125 naming truncation control; nothing runs" {
	need_abi 3
	for ABI in 1 2; do
		run capped run --silent --allow "$WORK" -- touch "$WORK/ran-$ABI"
		[ "$status" -eq 125 ]
		[[ "$output" == *"truncation control needs ABI 3"* ]]
		[[ "$output" == *"Landlock ABI is $ABI"* ]]
		[ ! -e "$WORK/ran-$ABI" ]
	done
}

@test "ABI 3, 4 and 5: refused with exit 125 naming the isolation feature; nothing runs" {
	need_abi 6
	for ABI in 3 4 5; do
		run capped run --silent --allow "$WORK" -- sh -c "echo ran > '$WORK/ran-$ABI'; echo PROGRAM-RAN"
		[ "$status" -eq 125 ]
		[[ "$output" == *"isolation"* ]]
		[[ "$output" == *"signal isolation needs ABI 6"* ]]
		[[ "$output" != *PROGRAM-RAN* ]]
		[ ! -e "$WORK/ran-$ABI" ]
	done
}

@test "the refusal holds without --silent and with other flags: nothing runs" {
	need_abi 6
	ABI=5
	run capped run --allow "$WORK" --block-net --allow-delete -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	[[ "$output" == *"signal isolation needs ABI 6"* ]]
	[ ! -e "$WORK/ran" ]
	# a profile run is refused as well
	run capped run --profile claude-code --allow "$WORK" -- touch "$WORK/ran-profile"
	[ "$status" -eq 125 ]
	[ ! -e "$WORK/ran-profile" ]
}

@test "ABI 6 and 7: the program runs and the sandbox holds" {
	need_abi 7
	for ABI in 6 7; do
		run capped run --silent --allow "$WORK" -- sh -c "echo ran > '$WORK/ran-$ABI'; cat '$HOME/.ssh/id_rsa'; echo x > '$OUTSIDE/w-$ABI'"
		[ -e "$WORK/ran-$ABI" ]
		[ "$(cat "$WORK/ran-$ABI")" = ran ]
		[[ "$output" != *SECRET-SSH-KEY* ]]
		[[ "$output" == *"Permission denied"* ]]
		[ ! -e "$OUTSIDE/w-$ABI" ]
	done
}

@test "at ABI 6 the signal scope still applies" {
	need_abi 6
	sleep 30 &
	victim=$!
	ABI=6
	run capped run --silent --no-pid-ns -- sh -c "kill -TERM $victim; echo rc=\$?"
	alive=0
	kill -0 "$victim" 2>/dev/null && alive=1
	kill "$victim" 2>/dev/null || true
	[ "$alive" -eq 1 ]
	[[ "$output" == *"Operation not permitted"* ]]
}

@test "dry-run --json at ABI 4: refused is set, the ABI 6 features unavailable; at 7 refused is null" {
	need_abi 7
	ABI=4
	run capped run --dry-run --json --allow "$WORK" -- touch "$WORK/ran"
	[ ! -e "$WORK/ran" ]
	echo "$output" | python3 -c "
import json, sys
d = json.load(sys.stdin)
assert d['landlock_abi'] == 4
assert d['refused'] is not None and 'signal isolation' in d['refused'], d['refused']
f = {x['name']: x['available'] for x in d['features']}
assert f['signal isolation'] is False and f['abstract UNIX socket isolation'] is False, f
assert f['truncation control'] is True and f['TCP connect and bind control'] is True, f
assert f['device ioctl control'] is False and f['denial logging'] is False, f"
	ABI=7
	run capped run --dry-run --json --allow "$WORK" -- touch "$WORK/ran"
	[ ! -e "$WORK/ran" ]
	echo "$output" | python3 -c "
import json, sys
d = json.load(sys.stdin)
assert d['landlock_abi'] == 7
assert d['refused'] is None, d['refused']
assert all(x['available'] for x in d['features'])"
}

@test "dry-run text shows the capped ABI and what is missing" {
	need_abi 7
	ABI=6
	run capped run --dry-run --allow "$WORK" -- touch "$WORK/ran"
	[ ! -e "$WORK/ran" ]
	[[ "$output" == *"Kernel:    Landlock ABI 6"* ]]
	[[ "$output" =~ denial\ logging\ +ABI\ 7\ +missing ]]
	[[ "$output" =~ signal\ isolation\ +ABI\ 6\ +enforced ]]
}

@test "the knob only lowers: a value above the kernel's ABI changes nothing" {
	ABI=99
	run capped setup --check-only --json
	echo "$output" | python3 -c "
import json, sys
d = json.load(sys.stdin); assert d['landlock_abi'] == $KERNEL_ABI, d['landlock_abi']"
	run capped run --silent --allow "$WORK" -- sh -c "echo ran > '$WORK/ran'; cat '$HOME/.ssh/id_rsa'"
	[ -e "$WORK/ran" ]
	[[ "$output" != *SECRET-SSH-KEY* ]]
}

@test "ABI 0 (no Landlock): refused, nothing runs" {
	ABI=0
	run capped run --silent --allow "$WORK" -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	[[ "$output" == *Landlock* ]]
	[ ! -e "$WORK/ran" ]
}
