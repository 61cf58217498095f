#!/usr/bin/env bats
# The audit trail: each session's record matches what it did, every kind of
# tampering is named by 'nono audit verify', the sandbox can neither read nor
# write the store, and list, show and cleanup behave.
load helpers
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	STORE="$HOME/.local/state/nono/audit"
	echo keep > "$WORK/f"
}
teardown() { common_teardown; }

# the newest session's id
last_id() { find "$STORE" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort | tail -n1; }

# python3 -c over the JSON of 'nono audit show ID --json' on stdin

@test "a session's events match what it did: execs with argv, a blocked exec refused" {
	run nono_run --allow "$WORK" -- sh -c "ls $WORK >/dev/null; rm $WORK/f; echo done"
	[[ "$output" == *done* ]]
	[ -f "$WORK/f" ]
	id=$(last_id)
	[ -n "$id" ]
	[ "$(stat -c %a "$STORE")" = 700 ]
	[ "$(stat -c %a "$STORE/$id")" = 700 ]
	[ "$(stat -c %a "$STORE/$id/events.ndjson")" = 600 ]
	[ "$(stat -c %a "$STORE/$id/session.json")" = 600 ]
	"$NONO" audit show "$id" --json > "$SCRATCH/show.json"
	pyjson "
ev = d['events']
ex = [e for e in ev if e['type'] == 'exec']
assert any(e['path'].endswith('/ls') and e['argv'] == ['ls', '$WORK'] and e['verdict'] == 'allowed' for e in ex), ex
rm = [e for e in ex if e['path'].endswith('/rm')]
assert rm and rm[0]['verdict'] == 'refused' and rm[0]['reason'] == 'file destruction' and rm[0]['argv'] == ['rm', '$WORK/f'], rm
assert ex[0]['argv'][:2] == ['sh', '-c'], ex[0]
assert ev[-1]['type'] == 'end' and ev[-1]['exit_status'] == 0
assert [e['seq'] for e in ev] == list(range(1, len(ev) + 1))
s = d['session']
assert s['nono_command'] == 'run' and s['exit_status'] == 0 and s['cwd'] == '$WORK', s
assert s['session_id'] == '$id' and s['exit_code'] == 0 and s['command'][:2] == ['sh', '-c'] and s['started'] == s['start'], s
assert s['events'] == len(ev) and s['final_digest']
assert any(g['path'] == '$WORK' and g['access'] == 'readwrite' for g in s['capabilities']['fs'])
assert s['landlock_abi'] >= 1 and s['nono_version'] and s['start'] <= s['end']
" < "$SCRATCH/show.json"
	sha=$(sha256sum "$(python3 -c "import json; print(json.load(open('$STORE/$id/session.json'))['program'])")" | cut -d' ' -f1)
	grep -q "\"program_sha256\": \"$sha\"" "$STORE/$id/session.json"
}

@test "metadata changes and UNIX socket connects outside the grants are recorded as refused" {
	echo o > "$OUTSIDE/o"
	nono_run --allow "$WORK" --read "$OUTSIDE" -- python3 -c "
import os, socket
for f in [lambda: os.chmod('$OUTSIDE/o', 0o777), lambda: os.chmod('$WORK/f', 0o640)]:
    try: f()
    except PermissionError: pass
s = socket.socket(socket.AF_UNIX)
try: s.connect('$SCRATCH/nosuch.sock')
except OSError: pass
" || true
	[ "$(stat -c %a "$WORK/f")" = 640 ]
	"$NONO" audit show "$(last_id)" --json | pyjson "
m = [e for e in d['events'] if e['type'] == 'metadata']
assert any(e['path'] == '$OUTSIDE/o' and e['op'] == 'chmod' and e['verdict'] == 'refused' for e in m), m
assert any(e['path'] == '$WORK/f' and e['verdict'] == 'allowed' for e in m), m
s = [e for e in d['events'] if e['type'] == 'socket']
assert any(e['op'] == 'connect' and e['target'] == '$SCRATCH/nosuch.sock' and e['verdict'] == 'refused' for e in s), s
"
}

@test "secrets in argv are redacted before anything is written" {
	nono_run --allow "$WORK" -- sh -c 'true' x --token=TOK-SECRET-1 --password PW-SECRET-2 \
		"Authorization: Bearer BEARER-SECRET-3" GITHUB_TOKEN=ENV-SECRET-4
	nono_run --allow "$WORK" -- sh -c 'true --api-key KEY-SECRET-5'
	run grep -r SECRET "$STORE"
	[ "$status" -eq 1 ]
	grep -q -- '--token=\[REDACTED\]' "$STORE/$(last_id)/../ledger.ndjson" "$STORE"/*/session.json
	grep -q -- '--api-key \[REDACTED\]' "$STORE/$(last_id)/session.json"
}

@test "nono shell sessions are recorded; --no-audit records nothing" {
	timeout 30 "$NONO" shell --silent --allow "$WORK" -c "ls $WORK" >/dev/null
	id=$(last_id)
	grep -q '"command": "shell"' "$STORE/$id/session.json"
	grep -q "\"argv\":\[\"ls\",\"$WORK\"\]" "$STORE/$id/events.ndjson"
	n=$(find "$STORE" -mindepth 1 -maxdepth 1 -type d | wc -l)
	run nono_run --no-audit --allow "$WORK" -- sh -c 'echo ran'
	[[ "$output" == *ran* ]]
	[ "$(find "$STORE" -mindepth 1 -maxdepth 1 -type d | wc -l)" -eq "$n" ]
}

@test "audit fails closed: when the store can't be written nothing runs" {
	mkdir -p "$HOME/.local/state/nono"
	touch "$HOME/.local/state/nono/audit"
	run nono_run --allow "$WORK" -- sh -c "echo ran > $WORK/ran"
	[ "$status" -eq 125 ]
	[[ "$output" == *"audit: $HOME/.local/state/nono/audit is not a directory of this user"* ]]
	[[ "$output" == *"--no-audit"* ]]
	[ ! -e "$WORK/ran" ]
}

@test "a launch refused after the store was started leaves no session behind" {
	# the store is made while the policy is prepared; a refusal then undoes it
	nono_run --allow "$WORK" -- true
	n=$(find "$STORE" -mindepth 1 -maxdepth 1 -type d | wc -l)
	run nono_run --allow "$HOME/.ssh" -- sh -c "echo ran > $WORK/ran"
	[ "$status" -eq 125 ]
	[ ! -e "$WORK/ran" ]
	[ "$(find "$STORE" -mindepth 1 -maxdepth 1 -type d | wc -l)" -eq "$n" ]
}

# a finished session to tamper with: pristine copies of it and the ledger
make_session() {
	nono_run --allow "$WORK" -- sh -c "ls >/dev/null; ls >/dev/null; rm $WORK/f; cat $WORK/f >/dev/null; true"
	ID=$(last_id)
	run "$NONO" audit verify "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$ID: intact"* ]]
	EV="$STORE/$ID/events.ndjson"
	[ "$(wc -l < "$EV")" -ge 6 ]
	cp "$EV" "$SCRATCH/ev"
	cp "$STORE/$ID/session.json" "$SCRATCH/sj"
	cp "$STORE/ledger.ndjson" "$SCRATCH/ledger"
}
restore() { cp "$SCRATCH/ev" "$EV"; cp "$SCRATCH/sj" "$STORE/$ID/session.json"; cp "$SCRATCH/ledger" "$STORE/ledger.ndjson"; }
tampered() {
	run "$NONO" audit verify "$ID"
	[ "$status" -eq 1 ] || { echo "not detected: $output"; return 1; }
	[[ "$output" == *TAMPERED*"$1"* ]] || { echo "wrong report: $output"; return 1; }
	restore
}

@test "verify names an edited, deleted, inserted or reordered line" {
	make_session
	sed -i '3s/"ls"/"xx"/' "$EV"; tampered "line 3 does not match its digest"
	sed -i '2d' "$EV"; tampered "line 2 holds event 3: event 2 was deleted"
	sed -i '2,3d' "$EV"; tampered "line 2 holds event 4: events 2-3 were deleted"
	sed -i '3p' "$EV"; tampered "line 4 repeats event 3"
	sed -n '2p' "$EV" | sed 's/"seq":2,/"seq":3,/' > "$SCRATCH/x"; sed -i "3r $SCRATCH/x" "$EV"
	tampered "line 4"
	sed -i '2{h;d};3{G}' "$EV"; tampered "line 2 holds event 3 where event 2 belongs: lines were reordered"
	echo 'not json' >> "$EV"; tampered "is not an audit record"
	sed -i '$d' "$EV"; tampered "line $(($(wc -l < "$EV") + 1)) was deleted"
	run "$NONO" audit verify "$ID"
	[ "$status" -eq 0 ]
}

@test "verify catches session.json edits, a rewritten chain and ledger tampering" {
	make_session
	sed -i 's/"exit_status": 0/"exit_status": 1/' "$STORE/$ID/session.json"
	tampered "session.json differs from what the ledger recorded"
	python3 -c "
import json; p = '$STORE/$ID/session.json'; d = json.load(open(p)); d['final_digest'] = '0' * 64
open(p, 'w').write(json.dumps(d, indent=2) + '\n')"
	tampered "final digest"
	sed -i '1s/"seq":1,"time":"[^"]*"/"seq":1,"time":"2000-01-01T00:00:00.000Z"/' "$STORE/ledger.ndjson"
	tampered "ledger.ndjson line 1 does not match its digest"
	nono_run --allow "$WORK" -- true
	cp "$STORE/ledger.ndjson" "$SCRATCH/ledger"
	sed -i '1d' "$STORE/ledger.ndjson"; tampered "ledger.ndjson line 1 holds event 2"
	rm "$STORE/$ID/session.json"; tampered "session.json is missing"
}

@test "the sandbox can neither read nor write the store, even granted all of HOME" {
	nono_run --allow "$WORK" -- true
	id=$(last_id)
	cp "$STORE/ledger.ndjson" "$SCRATCH/ledger.before"
	run nono_run --allow "$HOME" -- sh -c "
cat '$STORE/ledger.ndjson' && echo READ-LEDGER
ls '$STORE' && echo LISTED
echo x >> '$STORE/ledger.ndjson' && echo WROTE
echo x > '$STORE/$id/events.ndjson' && echo WROTE
mv '$HOME/.local/state/nono' '$HOME/moved' && echo MOVED
mkdir '$STORE/$id/x' && echo MADE
true"
	[[ "$output" != *READ-LEDGER* && "$output" != *LISTED* && "$output" != *WROTE* ]]
	[[ "$output" != *MOVED* && "$output" != *MADE* ]]
	cmp "$SCRATCH/ledger.before" <(head -n "$(wc -l < "$SCRATCH/ledger.before")" "$STORE/ledger.ndjson")
	run "$NONO" audit verify "$id"
	[ "$status" -eq 0 ]
	# no grant, nor a bypass, reaches it
	run nono_run --read "$HOME/.local/state/nono" -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"refusing --read"*"nono_state"* ]]
	run nono_run --allow "$HOME" --bypass-protection "$HOME/.local/state" -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"would expose nono's state directory"* ]]
}

@test "the audit commands refuse to run inside a sandbox" {
	nono_run --allow "$WORK" -- true
	for sub in list "show last" "verify last" cleanup; do
		# shellcheck disable=SC2086
		run nono_run --read "$(dirname "$NONO")" -- "$NONO" audit $sub
		[ "$status" -eq 125 ]
		[[ "$output" == *"cannot be used inside a sandbox"* ]]
	done
	# a forged NONO_CAP_FILE outside is refused the same way
	run env NONO_CAP_FILE=/tmp/x "$NONO" audit list
	[ "$status" -eq 125 ]
	# the store is as it was: one session, plus one per sandbox above
	[ "$(find "$STORE" -mindepth 1 -maxdepth 1 -type d | wc -l)" -eq 5 ]
	run "$NONO" audit verify last
	[ "$status" -eq 0 ]
}

@test "list filters by date and command, show highlights refusals only on a terminal" {
	nono_run --allow "$WORK" -- sh -c "rm $WORK/f" || true
	nono_run --allow "$WORK" -- echo hello >/dev/null
	run "$NONO" audit list
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[1]}" == *"sh -c rm $WORK/f"* ]]
	[[ "${lines[2]}" == *"echo hello"* ]]
	run "$NONO" audit list --command hello
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[1]}" == *"echo hello"* ]]
	run "$NONO" audit list --since 2999-01-01
	[[ "$output" == *"no sessions match"* ]]
	run "$NONO" audit list --since "$(date -u +%Y-%m-%d)" --json
	echo "$output" | pyjson "assert len(d) == 2 and d[0]['refused'] >= 1 and d[1]['refused'] == 0 and d[1]['argv'] == ['echo', 'hello'], d"
	run "$NONO" audit list --since yesterday
	[ "$status" -eq 2 ]
	first=$(find "$STORE" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort | head -n1)
	run "$NONO" audit show "${first:0:18}"
	[[ "$output" == *"Session $first"* ]]
	[[ "$output" == *"REFUSED"*"exec"*"rm $WORK/f"*"(file destruction)"* ]]
	[[ "$output" != *$'\e['* ]]
	run "$NONO" audit show nosuch
	[ "$status" -eq 1 ]
	[[ "$output" == *"no audit session 'nosuch'"* ]]
	command -v script >/dev/null || skip "script(1) not installed"
	run script -qec "$NONO audit show $first" /dev/null
	[[ "$output" == *$'\e[31m\e[1mREFUSED'* ]]
	run script -qec "env NO_COLOR=1 $NONO audit show $first" /dev/null
	[[ "$output" == *REFUSED* && "$output" != *$'\e[31m'* ]]
}

@test "cleanup keeps the newest N, removes old ones, records it in the ledger" {
	for i in 1 2 3; do nono_run --allow "$WORK" -- echo "$i" >/dev/null; sleep 1; done
	newest=$(last_id)
	run "$NONO" audit cleanup --keep 1 --dry-run
	[[ "$output" == *"would remove 2 of 3"* ]]
	[ "$(find "$STORE" -mindepth 1 -maxdepth 1 -type d | wc -l)" -eq 3 ]
	run "$NONO" audit cleanup --keep 1
	[[ "$output" == *"removed 2 of 3"* ]]
	[ "$(find "$STORE" -mindepth 1 -maxdepth 1 -type d -printf '%f\n')" = "$newest" ]
	tail -n1 "$STORE/ledger.ndjson" | grep -q '"type":"cleanup","removed":\["'
	run "$NONO" audit verify "$newest"
	[ "$status" -eq 0 ]
	run "$NONO" audit cleanup --keep 5 --older-than 0
	[[ "$output" == *"removed 1 of 1"* ]]
	[ -z "$(find "$STORE" -mindepth 1 -maxdepth 1 -type d)" ]
	run "$NONO" audit cleanup --keep x
	[ "$status" -eq 2 ]
	for sub in list show verify cleanup; do
		run "$NONO" audit "$sub" --help
		[ "$status" -eq 0 ]
		[[ "$output" == *"Usage: nono audit $sub"* ]]
	done
}

@test "destructive file operations the rollback journal sees are in the trail" {
	echo a > "$WORK/t1"; echo b > "$WORK/t2"
	nono_run --allow "$WORK" --allow-delete --rollback -- python3 -c "
import os; os.rename('$WORK/t1', '$WORK/t3'); os.unlink('$WORK/t2'); open('$WORK/t3', 'w').write('x')"
	[ ! -e "$WORK/t2" ]
	ev="$STORE/$(last_id)/events.ndjson"
	grep -q "\"type\":\"file\",\"op\":\"rename\",\"path\":\"$WORK/t1 -> $WORK/t3\"" "$ev"
	grep -q "\"type\":\"file\",\"op\":\"unlink\",\"path\":\"$WORK/t2\"" "$ev"
	grep -q "\"type\":\"file\",\"op\":\"open-trunc\",\"path\":\"$WORK/t3\"" "$ev"
	run "$NONO" audit verify last
	[ "$status" -eq 0 ]
}

@test "kernel Landlock denials reach the trail when the kernel audits (root)" {
	[ "$(id -u)" -eq 0 ] || skip "switching kernel auditing needs root"
	prev=$(python3 "$NONO_SRCDIR/tests/fixtures/kaudit.py" get) || skip "no audit netlink here"
	python3 "$NONO_SRCDIR/tests/fixtures/kaudit.py" set 1
	run nono_run --allow "$WORK" -- sh -c 'cat /etc/shadow; ls /root'
	python3 "$NONO_SRCDIR/tests/fixtures/kaudit.py" set "$prev"
	[[ "$output" == *"Permission denied"* ]]
	"$NONO" audit show "$(last_id)" --json > "$SCRATCH/show.json"
	pyjson "
ll = [e for e in d['events'] if e['type'] == 'landlock']
assert any(e['path'] == '/etc/shadow' and e['verdict'] == 'refused' and 'fs.read_file' in e['blockers'] for e in ll), ll
assert any(e['path'] == '/root' and 'fs.read_dir' in e['blockers'] for e in ll), ll
" < "$SCRATCH/show.json"
	[ "$(python3 "$NONO_SRCDIR/tests/fixtures/kaudit.py" get)" = "$prev" ]
}
