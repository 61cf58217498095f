#!/usr/bin/env bats
# The escapes at every Landlock ABI from 1 to 6: this kernel enforces a
# ruleset capped with NONO_TEST_LANDLOCK_ABI for real. Each escape of
# tests/fixtures/escapes.py (read the secret, write, delete and truncate
# outside, TCP connect and bind and abstract UNIX sockets under --block-net
# and without it, signal a process outside) either holds, or what lets it
# through is named weaker, by the same id, in 'setup --check-only --json'
# and in the launch's --dry-run --json at that ABI. Nothing passes silently.
load helpers
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	KERNEL_ABI=$(timeout 30 "$NONO" setup --check-only --json | pyjson 'print(d["landlock_kernel_abi"])')
	NAME="nono-matrix-$$-$RANDOM"
	cp "$FIXTURES/escapes.py" "$WORK/escapes.py"
	python3 "$WORK/escapes.py" serve "$SCRATCH" "$NAME" &
	bg $!
	for _ in $(seq 100); do [ -s "$SCRATCH/port" ] && break; sleep 0.05; done
	PORT=$(cat "$SCRATCH/port")
	sleep 60 &
	bg $!
	VICTIM=$!
}
teardown() { common_teardown; }

# escapes ABI FLAGS...: the escapes inside nono at ABI, judged against
# what setup and the dry run name weaker with the same flags
escapes() {
	local abi=$1
	shift
	[ "$KERNEL_ABI" -ge "$abi" ] || skip "kernel Landlock ABI $KERNEL_ABI < $abi"
	echo "outside-data" >"$OUTSIDE/data.txt"
	NONO_TEST_LANDLOCK_ABI=$abi timeout 30 "$NONO" setup --check-only --json >"$SCRATCH/setup.json" || true
	NONO_TEST_LANDLOCK_ABI=$abi timeout 30 "$NONO" run --dry-run --json --allow "$WORK" "$@" -- true >"$SCRATCH/plan.json"
	run env NONO_TEST_LANDLOCK_ABI="$abi" timeout 30 "$NONO" run --allow "$WORK" "$@" -- \
		python3 "$WORK/escapes.py" try "$HOME" "$OUTSIDE" "$PORT" "$VICTIM" "$NAME"
	[ "$status" -eq 0 ]
	echo "$output" >"$SCRATCH/escapes"
	has "Landlock ABI $abi"
	run python3 "$WORK/escapes.py" judge "$SCRATCH/escapes" "$SCRATCH/setup.json" "$SCRATCH/plan.json"
	echo "$output"
	[ "$status" -eq 0 ]
	# and on the host: the data is whole, nothing written, the victim alive
	[ "$(cat "$OUTSIDE/data.txt")" = outside-data ]
	[ ! -e "$OUTSIDE/written" ]
	kill -0 "$VICTIM"
}

# the banner's line names each weaker id's text the dry run lists
banner_names_weaker() {
	python3 -c "
import json, sys
d = json.load(open('$SCRATCH/plan.json'))
out = open('$SCRATCH/escapes').read()
for w in d['weaknesses']:
    if w['weaker']:
        assert w['left'] in out, (w['left'], out)"
}

@test "ABI 1: escapes hold or are named weaker, with --block-net and without" {
	escapes 1 --block-net
	banner_names_weaker
	escapes 1
	banner_names_weaker
}

@test "ABI 2: escapes hold or are named weaker, with --block-net and without" {
	escapes 2 --block-net
	escapes 2
	banner_names_weaker
}

@test "ABI 3: escapes hold or are named weaker, with --block-net and without" {
	escapes 3 --block-net
	escapes 3
	banner_names_weaker
}

@test "ABI 4: escapes hold or are named weaker, with --block-net and without" {
	escapes 4 --block-net
	escapes 4
	banner_names_weaker
	# without --block-net, abstract datagrams outside are reached by sendmsg: named
	has "abstract-sendmsg  escaped, named weaker (abstract-unix)"
}

@test "ABI 5: escapes hold or are named weaker, with --block-net and without" {
	escapes 5 --block-net
	escapes 5
	banner_names_weaker
}

@test "ABI 6: every escape holds, nothing is named weaker" {
	escapes 6 --block-net
	lacks "escaped"
	escapes 6
	lacks "escaped"
	pyjson 'assert d["weaknesses"] == [], d["weaknesses"]' <"$SCRATCH/plan.json"
}

@test "truncation outside the grants below ABI 3: the kernel alone would allow it, the supervisor refuses" {
	[ "$KERNEL_ABI" -ge 3 ] || skip "kernel Landlock ABI $KERNEL_ABI < 3"
	echo keep >"$WORK/in"
	for abi in 1 2; do
		# --no-delete: no truncation anywhere, as Landlock's TRUNCATE withheld
		run env NONO_TEST_LANDLOCK_ABI=$abi timeout 30 "$NONO" run --silent --no-delete --allow "$WORK" -- python3 -c "
import os
for p in ('$OUTSIDE/data.txt', '$WORK/in'):
    try:
        os.truncate(p, 0); print(p, 'truncated')
    except OSError as e:
        print(p, e.strerror)
fd = os.open('$WORK/in', os.O_RDWR)
try:
    os.ftruncate(fd, 0); print('ftruncate done')
except OSError as e:
    print('ftruncate', e.strerror)
try:
    os.close(os.open('$WORK/in', os.O_WRONLY | os.O_TRUNC)); print('O_TRUNC done')
except OSError as e:
    print('O_TRUNC', e.strerror)
open('$WORK/new-$abi', 'w').write('new')"
		lacks truncated
		lacks done
		[ "$(cat "$OUTSIDE/data.txt")" = outside-data ]
		[ "$(cat "$WORK/in")" = keep ]
		[ "$(cat "$WORK/new-$abi")" = new ]
		# by default a writable grant may truncate (the journal keeps the
		# bytes), and outside it the supervisor still refuses
		run env NONO_TEST_LANDLOCK_ABI=$abi timeout 30 "$NONO" run --silent --allow "$WORK" -- python3 -c "
import os
for p in ('$OUTSIDE/data.txt', '$WORK/in'):
    try:
        os.truncate(p, 1); print(p, 'truncated')
    except OSError as e:
        print(p, e.strerror)"
		has "$OUTSIDE/data.txt Permission denied"
		has "$WORK/in truncated"
		[ "$(cat "$OUTSIDE/data.txt")" = outside-data ]
		[ "$(cat "$WORK/in")" = k ]
		run timeout 30 "$NONO" rollback restore last
		[ "$(cat "$WORK/in")" = keep ]
	done
}
