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

@test "without strict exec the launched program's exec is still in the trail" {
	run nono_run --allow "$WORK" -- sh -c 'sh -c true'
	"$NONO" audit show "$(last_id)" --json | pyjson "
ex = [e for e in d['events'] if e['type'] == 'exec']
# the program nono started, once (its children are recorded in strict mode only)
assert len(ex) == 1 and ex[0]['argv'] == ['sh', '-c', 'sh -c true'] and ex[0]['path'].endswith('/sh'), ex
assert ex[0]['outcome'] == 'unknown' and ex[0]['verdict'] == 'allowed', ex
"
}

@test "a session's events match what it did: execs with argv, a blocked exec refused" {
	run nono_run --strict-exec --allow "$WORK" -- sh -c "ls $WORK >/dev/null; rm $WORK/f; echo done"
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
	# a socket outside the grants (bound, nobody listening), and a name with none
	python3 -c "import socket; socket.socket(socket.AF_UNIX).bind('$SCRATCH/s.sock')"
	nono_run --allow "$WORK" --read "$OUTSIDE" -- python3 -c "
import os, socket
for f in [lambda: os.chmod('$OUTSIDE/o', 0o777), lambda: os.chmod('$WORK/f', 0o640)]:
    try: f()
    except PermissionError: pass
for p in ['$SCRATCH/s.sock', '$SCRATCH/nosuch.sock']:
    s = socket.socket(socket.AF_UNIX)
    try: s.connect(p)
    except OSError: pass
" || true
	[ "$(stat -c %a "$WORK/f")" = 640 ]
	"$NONO" audit show "$(last_id)" --json | pyjson "
m = {e['path']: e for e in d['events'] if e['type'] == 'metadata'}
e = m['$OUTSIDE/o']
assert e['op'] == 'chmod' and e['outcome'] == 'refused' and e['refused_by'] == 'supervisor' and e['verdict'] == 'refused', e
assert m['$WORK/f']['outcome'] == 'done' and m['$WORK/f']['verdict'] == 'allowed', m
s = {e['target']: e for e in d['events'] if e['type'] == 'socket'}
e = s['$SCRATCH/s.sock']
assert e['op'] == 'connect' and e['outcome'] == 'refused' and e['refused_by'] == 'supervisor', e
# nothing refused it: there is no such socket
e = s['$SCRATCH/nosuch.sock']
assert e['outcome'] == 'failed' and e['errno'] == 'ENOENT' and e['verdict'] == 'allowed', e
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
	timeout 30 "$NONO" shell --strict-exec --silent --allow "$WORK" -c "ls $WORK" >/dev/null
	id=$(last_id)
	grep -q '"command": "shell"' "$STORE/$id/session.json"
	grep -q "\"argv\":\[\"ls\",\"$WORK\"\]" "$STORE/$id/events.ndjson"
	n=$(find "$STORE" -mindepth 1 -maxdepth 1 -type d | wc -l)
	run nono_run --strict-exec --no-audit --allow "$WORK" -- sh -c 'echo ran'
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
	nono_run --strict-exec --allow "$WORK" -- sh -c "ls >/dev/null; ls >/dev/null; rm $WORK/f; cat $WORK/f >/dev/null; true"
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
	nono_run --strict-exec --allow "$WORK" -- sh -c "rm $WORK/f" || true
	nono_run --strict-exec --allow "$WORK" -- echo hello >/dev/null
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
	run "$NONO" audit show "${first:0:22}"
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

@test "destructive file operations the rollback journal sees are in the trail, done" {
	echo a > "$WORK/t1"; echo b > "$WORK/t2"
	nono_run --allow "$WORK" --allow-delete --rollback -- python3 -c "
import os; os.rename('$WORK/t1', '$WORK/t3'); os.unlink('$WORK/t2'); open('$WORK/t3', 'w').write('x')"
	[ ! -e "$WORK/t2" ]
	"$NONO" audit show last --json | pyjson "
f = [(e['op'], e['path'], e['outcome']) for e in d['events'] if e['type'] == 'file']
assert ('rename', '$WORK/t1 -> $WORK/t3', 'done') in f, f
assert ('unlink', '$WORK/t2', 'done') in f, f
assert ('open-trunc', '$WORK/t3', 'done') in f, f
assert all(e['pid'] > 0 for e in d['events'] if e['type'] == 'file'), d
"
	run "$NONO" audit verify last
	[ "$status" -eq 0 ]
}

@test "every mediated call carries its outcome: the issue's refused writes show as refused by Landlock, never as done" {
	run nono_run --rollback --allow "$WORK" -- sh -c \
		"echo x > $HOME/outside.txt; mkdir $HOME/newdir; echo y > /etc/evil.conf; echo z > $WORK/in.txt; true"
	[ ! -e "$HOME/outside.txt" ]
	[ ! -e "$HOME/newdir" ]
	[ ! -e /etc/evil.conf ]
	[ "$(cat "$WORK/in.txt")" = z ]
	"$NONO" audit show last --json > "$SCRATCH/show.json"
	pyjson "
f = {(e['op'], e['path']): e for e in d['events'] if e['type'] == 'file'}
for k in [('open-trunc', '$HOME/outside.txt'), ('mkdir', '$HOME/newdir'), ('open-trunc', '/etc/evil.conf')]:
    e = f[k]
    assert e['outcome'] == 'refused' and e['refused_by'] == 'landlock' and e['errno'] == 'EACCES', e
    assert e['verdict'] == 'refused', e
assert f[('open-trunc', '$WORK/in.txt')]['outcome'] == 'done', f
# nothing the sandbox refused says done
done = [e['path'] for e in d['events'] if e.get('outcome') == 'done' and e.get('path', '').startswith(('/etc/', '$HOME/'))]
assert not done, done
# a continued exec: the supervisor does not see its result
assert all(e['outcome'] == 'unknown' for e in d['events'] if e['type'] == 'exec'), [e['outcome'] for e in d['events']]
" < "$SCRATCH/show.json"
	run -0 "$NONO" audit show last
	has "REFUSED  file     open-trunc /etc/evil.conf  (Landlock, EACCES)"
	has "REFUSED  file     mkdir $HOME/newdir  (Landlock, EACCES)"
	has "3 refused"
	run -0 "$NONO" audit list
	[[ "${lines[1]}" =~ \ 3\ +sh\ -c ]] || { echo "${lines[1]}"; false; }
}

@test "a write the file's own permissions refuse is a failure with its errno, not Landlock's refusal" {
	ensure_test_user
	USER_HOME=$(getent passwd "$TEST_USER" | cut -d: -f6)
	d=$(mktemp -d "$USER_HOME/audit.XXXXXX")
	echo ro > "$d/ro"
	chown -R "$TEST_USER" "$d"
	chmod 444 "$d/ro"
	# appending: Landlock grants the write, the file's mode refuses it
	as_user "$NONO" run --silent --rollback --allow "$d" -- sh -c "echo x >> $d/ro; true"
	[ "$(cat "$d/ro")" = ro ]
	as_user "$NONO" audit show last --json | pyjson "
e = [e for e in d['events'] if e['type'] == 'file' and e['path'] == '$d/ro']
assert e and e[0]['op'] == 'open-write' and e[0]['outcome'] == 'failed' and e[0]['errno'] == 'EACCES', e
assert 'refused_by' not in e[0], e
"
	rm -rf "$d"
}

@test "nono run ends with a short report: what was refused, by what, and the one flag that would allow each kind" {
	run timeout 30 "$NONO" run --rollback --allow "$WORK" -- sh -c "
		echo x > $HOME/outside.txt; mkdir $HOME/newdir; echo y > /etc/evil.conf
		python3 -c 'import os; os.chmod(\"$OUTSIDE/data.txt\", 0o600)'; true"
	has "nono: the sandbox refused 4 operations:"
	# nono why's own answers: no grant of a whole home, nor write access to the system
	has "  write $HOME/outside.txt, $HOME/newdir (Landlock): nono offers no grant for a new entry directly in a home, the root or an XDG base directory"
	has "  write /etc/evil.conf (Landlock): nono offers no grant for a system path"
	has "  write $OUTSIDE/data.txt (the supervisor): --allow-file $OUTSIDE/data.txt would allow it"
	has "every event: nono audit show $(last_id)"
	# the report is on stderr, and --silent has none
	run --separate-stderr timeout 30 "$NONO" run --rollback --allow "$WORK" -- sh -c "echo y > /etc/evil.conf; true"
	lacks "refused"
	[[ "$stderr" == *"write /etc/evil.conf (Landlock)"* ]]
	run nono_run --rollback --allow "$WORK" -- sh -c "echo y > /etc/evil.conf; true"
	lacks "the sandbox refused"
	# nothing refused: no report
	run timeout 30 "$NONO" run --allow "$WORK" -- true
	lacks "the sandbox refused"
}

@test "glibc's probes are marked harmless and left out of the counts and the report; --all shows them" {
	run nono_run --allow "$WORK" -- python3 -c "
import socket
for p in ['/run/nscd/socket', '/var/run/nscd/socket']:
    s = socket.socket(socket.AF_UNIX)
    try: s.connect(p)
    except OSError: pass
"
	"$NONO" audit show last --json | pyjson "
s = [e for e in d['events'] if e['type'] == 'socket']
assert len(s) == 2 and all(e.get('harmless') for e in s), s
"
	run -0 "$NONO" audit show last
	has "0 refused"
	has "2 harmless probes not shown: --all"
	lacks "connect /run/nscd"
	run -0 "$NONO" audit show last --all
	has "connect /run/nscd/socket"
	has "(harmless: glibc asks nscd first"
}

@test "kernel Landlock denials reach the trail when the kernel audits (root), refused by Landlock, and the report" {
	[ "$(id -u)" -eq 0 ] || skip "switching kernel auditing needs root"
	prev=$(python3 "$FIXTURES/kaudit.py" get) || skip "no audit netlink here"
	python3 "$FIXTURES/kaudit.py" set 1
	run timeout 30 "$NONO" run --allow "$WORK" -- sh -c 'cat /etc/shadow; ls /root'
	python3 "$FIXTURES/kaudit.py" set "$prev"
	[[ "$output" == *"Permission denied"* ]]
	# the report at the end names them and the flag that would allow each
	has "nono: the sandbox refused"
	has "read /etc/shadow (Landlock): --read-file /etc/shadow would allow it"
	has "read /root (Landlock): --read /root would allow it"
	"$NONO" audit show "$(last_id)" --json > "$SCRATCH/show.json"
	pyjson "
ll = [e for e in d['events'] if e['type'] == 'landlock']
assert any(e['path'] == '/etc/shadow' and e['verdict'] == 'refused' and 'fs.read_file' in e['blockers'] for e in ll), ll
assert any(e['path'] == '/root' and 'fs.read_dir' in e['blockers'] for e in ll), ll
assert all(e['outcome'] == 'refused' and e['refused_by'] == 'landlock' and e['errno'] == 'EACCES' for e in ll), ll
" < "$SCRATCH/show.json"
	[ "$(python3 "$FIXTURES/kaudit.py" get)" = "$prev" ]
}
