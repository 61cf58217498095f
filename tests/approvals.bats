#!/usr/bin/env bats
# Capability elevation (--capability-elevation, security.capability_elevation):
# an open, a create or a mkdir outside the grants, and a proxy host not on the
# list, wait until 'nono approvals' (or the terminal, driven through tmux)
# answers: once, for the session, or no; nobody answering is a denial. Each
# test checks what the program got (the bytes of the approved file, EACCES,
# what the HTTP server received) and what the audit trail recorded.
load helpers
bats_require_minimum_version 1.5.0

# a python3 program that opens each path argument for reading and prints
# the bytes it got or the errno
READER='
import sys
for p in sys.argv[1:]:
    try:
        with open(p) as f: print("got", f.read().strip())
    except OSError as e: print("errno", e.errno)
'

setup() {
	common_setup
	unset NONO_ALLOW_DOMAIN NONO_NETWORK_PROFILE NONO_CAPABILITY_ELEVATION NONO_APPROVAL_TIMEOUT
	# no desktop notifications unless a test asks for them (fake_notify)
	unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS
	export XDG_RUNTIME_DIR="$SCRATCH/run"
	mkdir -m 700 "$XDG_RUNTIME_DIR"
	STORE="$HOME/.local/state/nono/audit"
	echo "approved-bytes-$$" > "$OUTSIDE/data.txt"
	echo "other-bytes-$$" > "$OUTSIDE/other.txt"
	printf '%s\n' "$READER" > "$WORK/reader.py"
}
teardown() {
	[ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null
	tmux -L "nono-ap-$$" kill-server 2>/dev/null || true
	common_teardown
}

# nono run --capability-elevation in the background, its output in
# $SCRATCH/out; done() waits for it and puts that in $output
elevated() {
	timeout 60 "$NONO" run --silent --capability-elevation --approval-timeout "${TMO:-20}" --allow "$WORK" "$@" \
		> "$SCRATCH/out" 2>&1 &
	NPID=$!
	bg "$NPID"
}
done_() {
	status=0
	wait "$NPID" || status=$?
	output=$(cat "$SCRATCH/out")
}

# the oldest waiting request: its JSON object in $REQ, its id in $ID
next_request() {
	local all
	all=$("$NONO" approvals --json --wait 15)
	REQ=$(printf '%s' "$all" | python3 -c "import json,sys; d=json.load(sys.stdin); print(json.dumps(d[0]) if d else '')")
	ID=$(printf '%s' "$REQ" | python3 -c "import json,sys; t=sys.stdin.read(); print(json.loads(t)['id'] if t.strip() else '')")
	[ -n "$ID" ] || { echo "no request waits; nono printed:"; cat "$SCRATCH/out"; return 1; }
}
# no request waits now (after a moment)
no_request() {
	local all
	all=$("$NONO" approvals --json)
	[ "$all" = "[]" ] || { echo "unexpected request: $all"; return 1; }
}
req() { printf '%s' "$REQ" | pyjson "$1"; }

last_id() { find "$STORE" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort | tail -n1; }
# python3 over the newest session's events (a list e)
events() { "$NONO" audit show "$(last_id)" --json | pyjson "e = d['events']; $1"; }

@test "approve once: the program reads exactly the approved file; the next open asks again" {
	elevated -- python3 -c "$READER" "$OUTSIDE/data.txt" "$OUTSIDE/data.txt"
	next_request
	req "assert d['path'] == '$OUTSIDE/data.txt' and d['access'] == 'read' and d['kind'] == 'file', d
assert d['grant'] == '--read-file $OUTSIDE/data.txt' and d['argv'].startswith('python3 -c'), d
assert d['pid'] > 0 and d['dir'] is True and 0 < d['expires_in'] <= 20, d"
	run "$NONO" approvals approve "$ID"
	[ "$status" -eq 0 ]
	# an answered request is gone
	run "$NONO" approvals approve "$ID"
	[ "$status" -eq 1 ]
	has "no request"
	next_request
	run "$NONO" approvals deny "$ID"
	[ "$status" -eq 0 ]
	done_
	[ "$status" -eq 0 ]
	[ "$output" = "got approved-bytes-$$
errno 13" ]
	events "
r = [x for x in e if x['type'] == 'approval_request']
a = [x for x in e if x['type'] == 'approval_answer']
assert len(r) == 2 and all(x['path'] == '$OUTSIDE/data.txt' and x['access'] == 'read' for x in r), r
assert [x['answer'] for x in a] == ['once', 'deny'], a
assert all(x['by'].startswith('nono approvals (pid ') for x in a), a"
	# the session is over: nothing to answer
	run "$NONO" approvals approve "$ID"
	[ "$status" -eq 1 ]
	has "no session"
}

@test "approve for the session: the second open does not ask; --dir covers the directory's reads" {
	elevated -- sh -c "cat $OUTSIDE/data.txt; sleep 0.5; cat $OUTSIDE/data.txt; echo n > $WORK/mark; sleep 0.5; cat $OUTSIDE/other.txt; echo rc=\$?"
	next_request
	run "$NONO" approvals approve --session "$ID"
	[ "$status" -eq 0 ]
	# the second cat of data.txt is answered by the session's approval
	for _ in $(seq 50); do [ -f "$WORK/mark" ] && break; sleep 0.1; done
	no_request
	# other.txt is another path: asked
	next_request
	req "assert d['path'] == '$OUTSIDE/other.txt', d"
	run "$NONO" approvals deny "$ID"
	done_
	[ "$output" = "approved-bytes-$$
approved-bytes-$$
cat: $OUTSIDE/other.txt: Permission denied
rc=1" ]
	events "
a = [x for x in e if x['type'] == 'approval_answer']
assert [(x['answer'], x['by'].split(' ')[0]) for x in a] == [('session', 'nono'), ('session', 'session'), ('deny', 'nono')], a"

	# --dir: reads beneath the file's directory, for the session
	elevated -- sh -c "cat $OUTSIDE/data.txt; cat $OUTSIDE/other.txt; echo x >> $OUTSIDE/other.txt; echo w=\$?"
	next_request
	run "$NONO" approvals approve --dir "$ID"
	# the append is a write: asked, denied
	next_request
	req "assert d['path'] == '$OUTSIDE/other.txt' and d['access'] == 'write' and d['dir'] is False, d"
	run "$NONO" approvals deny "$ID"
	done_
	has "approved-bytes-$$"
	has "other-bytes-$$"
	has "cannot create $OUTSIDE/other.txt: Permission denied"
	[ "$(cat "$OUTSIDE/other.txt")" = "other-bytes-$$" ]
}

@test "--dir on a directory's own request covers that directory, not its parent" {
	mkdir "$OUTSIDE/d"
	echo "inside-bytes-$$" > "$OUTSIDE/d/in.txt"
	echo "sibling-bytes-$$" > "$OUTSIDE/sibling.txt"
	elevated -- sh -c "ls $OUTSIDE/d; cat $OUTSIDE/d/in.txt; cat $OUTSIDE/sibling.txt; echo rc=\$?"
	next_request
	req "assert d['path'] == '$OUTSIDE/d' and d['dir'] is True and d['dir_path'] == '$OUTSIDE/d', d"
	run "$NONO" approvals approve --dir "$ID"
	[ "$status" -eq 0 ]
	# the sibling, beside d and not in it: asked
	next_request
	req "assert d['path'] == '$OUTSIDE/sibling.txt' and d['dir_path'] == '$OUTSIDE', d"
	run "$NONO" approvals deny "$ID"
	done_
	has "in.txt"
	has "inside-bytes-$$"
	has "sibling.txt: Permission denied"
	lacks "sibling-bytes-$$"
	has "rc=1"
	events "
a = [(x['path'], x['answer'], x['by'].split(' ')[0]) for x in e if x['type'] == 'approval_answer']
assert a == [('$OUTSIDE/d', 'dir', 'nono'), ('$OUTSIDE/d/in.txt', 'session', 'session'), ('$OUTSIDE/sibling.txt', 'deny', 'nono')], a"
}

@test "deny: EACCES at once; without the flag nothing waits and reads are not mediated" {
	elevated -- python3 -c "$READER" "$OUTSIDE/data.txt"
	next_request
	"$NONO" approvals deny "$ID"
	done_
	[ "$output" = "errno 13" ]
	# without --capability-elevation: refused by Landlock, nobody asked
	start=$(date +%s%N)
	run timeout 30 "$NONO" run --silent --allow "$WORK" -- python3 -c "$READER" "$OUTSIDE/data.txt"
	[ "$output" = "errno 13" ]
	[ $((($(date +%s%N) - start) / 1000000)) -lt 5000 ]
	no_request
	run "$NONO" run --dry-run --json --allow "$WORK" --capability-elevation -- true
	[ "$status" -eq 0 ]
}

@test "nobody answers: denied after --approval-timeout, recorded as a timeout" {
	TMO=1 elevated -- python3 -c "$READER" "$OUTSIDE/data.txt"
	next_request
	start=$(date +%s%N)
	done_
	[ "$output" = "errno 13" ]
	[ $((($(date +%s%N) - start) / 1000000)) -lt 3000 ]
	events "
a = [x for x in e if x['type'] == 'approval_answer']
assert len(a) == 1 and a[0]['answer'] == 'deny' and a[0]['by'] == 'timeout', a"
	# the profile key and the environment reach the same setters
	cat > "$SCRATCH/p.json" <<EOF
{"extends": "default", "security": {"capability_elevation": true, "approval_timeout": 1}}
EOF
	start=$(date +%s%N)
	run timeout 30 "$NONO" run --silent --profile "$SCRATCH/p.json" --allow "$WORK" -- python3 -c "$READER" "$OUTSIDE/data.txt"
	[ "$output" = "errno 13" ]
	[ $((($(date +%s%N) - start) / 1000000)) -ge 900 ]
	events "assert [x['by'] for x in e if x['type'] == 'approval_answer'] == ['timeout']"
	run timeout 30 "$NONO" run --silent --approval-timeout 0 -- true
	[ "$status" -ne 0 ]
	has "approval-timeout"
}

@test "sensitive paths are never offered, not even beneath an approved directory; FIFOs neither" {
	mkfifo "$OUTSIDE/fifo"
	run timeout 30 "$NONO" run --silent --capability-elevation --allow "$WORK" -- python3 -c "$READER" \
		"$HOME/.ssh/id_rsa" "$HOME/.aws/credentials"
	[ "$output" = "errno 13
errno 13" ]
	no_request
	events "
a = [x for x in e if x['type'] == 'approval_answer']
assert len(a) == 2 and all(x['answer'] == 'deny' and x['by'] == 'policy: protected path' for x in a), a"
	# approving the reads of a directory above one is no way in either
	echo "home-notes-$$" > "$HOME/notes.txt"
	elevated -- python3 -c "$READER" "$HOME/notes.txt" "$HOME/docs/readme.txt" "$HOME/.ssh/id_rsa"
	next_request
	req "assert d['path'] == '$HOME/notes.txt', d"
	"$NONO" approvals approve --dir "$ID"
	done_
	[ "$output" = "got home-notes-$$
got doc
errno 13" ]
	events "
a = [(x['answer'], x['by']) for x in e if x['type'] == 'approval_answer']
assert a == [('dir', a[0][1]), ('session', 'session'), ('deny', 'policy: protected path')], a"
	run timeout 30 "$NONO" run --silent --capability-elevation --allow "$WORK" -- sh -c "cat $OUTSIDE/fifo; echo rc=\$?"
	has "Permission denied"
	events "assert not [x for x in e if x['type'].startswith('approval')], e"
}

@test "writes, creates and mkdir outside the grants: performed as approved, with exactly the access asked for" {
	elevated -- python3 -c "
import os
fd = os.open('$OUTSIDE/data.txt', os.O_RDONLY)
try: os.write(fd, b'x'); print('wrote')
except OSError as e: print('write errno', e.errno)
fd = os.open('$OUTSIDE/new.txt', os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
os.write(fd, b'made'); os.close(fd)
os.mkdir('$OUTSIDE/newdir', 0o750)
print('done')
"
	next_request
	req "assert d['access'] == 'read', d"
	"$NONO" approvals approve "$ID"
	next_request
	req "assert d['path'] == '$OUTSIDE/new.txt' and d['access'] == 'create' and d['grant'] == '--allow $OUTSIDE', d"
	"$NONO" approvals approve "$ID"
	next_request
	req "assert d['path'] == '$OUTSIDE/newdir' and d['access'] == 'mkdir', d"
	"$NONO" approvals approve "$ID"
	done_
	[ "$output" = "write errno 9
done" ]
	[ "$(cat "$OUTSIDE/data.txt")" = "approved-bytes-$$" ]
	[ "$(cat "$OUTSIDE/new.txt")" = made ]
	# the program's mode and umask (022)
	[ "$(stat -c %a "$OUTSIDE/new.txt")" = 640 ]
	[ -d "$OUTSIDE/newdir" ]
	[ "$(stat -c %a "$OUTSIDE/newdir")" = 750 ]
}

@test "an approved write outside the grants is journaled first: rollback restore brings the bytes back" {
	elevated -- python3 -c "
open('$OUTSIDE/data.txt', 'w').write('overwritten')
print('done')
"
	next_request
	req "assert d['path'] == '$OUTSIDE/data.txt' and 'write' in d['access'], d"
	"$NONO" approvals approve "$ID"
	done_
	[ "$output" = done ]
	[ "$(cat "$OUTSIDE/data.txt")" = overwritten ]
	# the prior bytes were saved before the supervisor opened it for the program
	run -0 timeout 30 "$NONO" rollback restore last
	[ "$(cat "$OUTSIDE/data.txt")" = "approved-bytes-$$" ]
}

@test "the race: a thread rewrites the path buffer during the request; the program gets exactly the file the request named" {
	echo "AAAA-$$" > "$OUTSIDE/a"
	echo "BBBB-$$" > "$OUTSIDE/b"
	elevated -- python3 -c "
import ctypes, os, threading
libc = ctypes.CDLL(None, use_errno=True)
a, b = b'$OUTSIDE/a', b'$OUTSIDE/b'
buf = ctypes.create_string_buffer(a)
stop = False
def flip():
    while not stop:
        ctypes.memmove(buf, b, len(b)); ctypes.memmove(buf, a, len(a))
t = threading.Thread(target=flip); t.start()
for i in range(6):
    fd = libc.open(buf, os.O_RDONLY)
    if fd < 0: print('errno', ctypes.get_errno(), flush=True); continue
    print('got', os.read(fd, 100).decode().strip(), flush=True); os.close(fd)
stop = True; t.join()
"
	: > "$SCRATCH/asked"
	for _ in 1 2 3 4 5 6; do
		next_request
		path=$(req "print(d['path'])")
		echo "$path" >> "$SCRATCH/asked"
		# approve a, deny b: whatever the buffer says after the request
		if [ "$path" = "$OUTSIDE/a" ]; then "$NONO" approvals approve "$ID"; else "$NONO" approvals deny "$ID"; fi
	done
	done_
	echo "$output"
	[ "$(echo "$output" | wc -l)" -eq 6 ]
	lacks "BBBB"
	# each line is what the request named: a -> its bytes, b -> refused
	paste "$SCRATCH/asked" <(echo "$output") | while read -r p r v; do
		case $p in
		*/a) [ "$r $v" = "got AAAA-$$" ] ;;
		*/b) [ "$r $v" = "errno 13" ] ;;
		*) false ;;
		esac
	done
}

@test "processes of the sandbox cannot answer its requests; a socket directory that is not private is refused" {
	# the sandbox can reach the socket's directory, and tries to approve its own request
	elevated --allow "$XDG_RUNTIME_DIR" -- sh -c "
(sleep 1; $NONO approvals --json > $WORK/seen 2>&1; id=\$(grep -o '\"id\":\"[^\"]*\"' $WORK/seen | cut -d'\"' -f4); echo id=\$id >> $WORK/seen; $NONO approvals approve \${id:-1.1} >> $WORK/seen 2>&1; echo rc=\$? >> $WORK/seen) &
cat $OUTSIDE/data.txt; echo rc=\$?; wait"
	next_request
	for _ in $(seq 100); do grep -q '^rc=' "$WORK/seen" 2>/dev/null && break; sleep 0.1; done
	cat "$WORK/seen"
	grep -q '^rc=[12]' "$WORK/seen"
	# it still waits: denied from outside
	next_request
	"$NONO" approvals deny "$ID"
	done_
	has "Permission denied"
	lacks "approved-bytes"
	[ "$(stat -c %a "$XDG_RUNTIME_DIR/nono")" = 700 ]
	# a directory that is not private is refused
	chmod 755 "$XDG_RUNTIME_DIR/nono"
	run "$NONO" approvals --json
	[ "$status" -eq 1 ]
	has "runtime directory"
}

# ---- desktop notifications ------------------------------------------------------

# a notify-send first on PATH (outside the sandbox's grants) that appends
# "CALL n" and its arguments, one a line, to $SCRATCH/notified
fake_notify() {
	mkdir -p "$SCRATCH/bin"
	printf '#!/bin/sh\nenv > %s/notify-env; pwd > %s/notify-cwd; ls /proc/self/fd > %s/notify-fds\n{ echo "CALL $#"; for a; do printf "%%s\\n" "$a"; done; } >> %s/notified\n' \
		"$SCRATCH" "$SCRATCH" "$SCRATCH" "$SCRATCH" >"$SCRATCH/bin/notify-send"
	chmod +x "$SCRATCH/bin/notify-send"
	export PATH="$SCRATCH/bin:$PATH"
}
calls() { cat "$SCRATCH/notified" 2>/dev/null | grep -c '^CALL ' || true; }
# wait up to 5 s for n calls
wait_calls() {
	for _ in $(seq 50); do [ "$(calls)" -ge "$1" ] && return 0; sleep 0.1; done
	return 1
}

# a read outside denied from nono approvals; then notify-send has been
# called $1 times in all (the environment of the call is the launch's)
deny_read_then_calls() {
	elevated -- python3 -c "$READER" "$OUTSIDE/data.txt"
	next_request
	"$NONO" approvals deny "$ID"
	done_
	[ "$output" = "errno 13" ]
	sleep 0.3
	[ "$(calls)" -eq "$1" ]
}

@test "desktop: one notify-send a request, its arguments never through a shell; off in config.ini, without a desktop, or writable by the sandbox" {
	fake_notify
	export DISPLAY=:99
	# a name the sandbox chose: a shell would run the command, a terminal the escape
	bad="$OUTSIDE/d\$(touch pwned)<b>&"$'\e'"[31m.txt"
	echo "bad-bytes-$$" >"$bad"
	elevated -- python3 -c "$READER" "$bad"
	next_request
	wait_calls 1
	"$NONO" approvals deny "$ID"
	done_
	[ "$output" = "errno 13" ]
	sleep 0.3
	cat "$SCRATCH/notified"
	[ "$(calls)" -eq 1 ]
	[ "$(sed -n 1p "$SCRATCH/notified")" = "CALL 4" ]
	[ "$(sed -n 2,4p "$SCRATCH/notified")" = "--app-name=nono
--
nono: approval needed" ]
	# the body: the program, its pid, the access, the path escaped, how to answer
	pid=$(req "print(d['pid'])")
	# (its backslashes doubled: notify-send decodes backslash escapes)
	[ "$(sed -n 5p "$SCRATCH/notified")" = "python3 (pid $pid) asks to read $OUTSIDE/d\$(touch pwned)&lt;b&gt;&amp;\\\\e[31m.txt" ]
	sed -n 6p "$SCRATCH/notified" | grep -q "^Answer with: nono approvals (request $ID; denied in 20 s)$"
	[ ! -e "$WORK/pwned" ]
	[ ! -e "$SCRATCH/pwned" ]
	[ ! -e pwned ]
	events "
r = [x for x in e if x['type'] == 'approval_request']
assert len(r) == 1 and r[0].get('notified') == 'desktop', r"

	# [approvals] notify = false: none
	mkdir -p "$HOME/.config/nono"
	printf '[approvals]\nnotify = false\n' >"$HOME/.config/nono/config.ini"
	run -0 "$NONO" config
	[[ "$output" == *"notify"*"false"* ]]
	deny_read_then_calls 1
	events "assert [x.get('notified') for x in e if x['type'] == 'approval_request'] == [None]"

	# on again, but no desktop session: none
	rm "$HOME/.config/nono/config.ini"
	unset DISPLAY
	elevated -- python3 -c "$READER" "$OUTSIDE/data.txt"
	next_request
	"$NONO" approvals deny "$ID"
	done_
	sleep 0.3
	[ "$(calls)" -eq 1 ]
	# WAYLAND_DISPLAY is a desktop too
	WAYLAND_DISPLAY=wayland-9 elevated -- python3 -c "$READER" "$OUTSIDE/data.txt"
	next_request
	wait_calls 2
	"$NONO" approvals deny "$ID"
	done_
	[ "$(calls)" -eq 2 ]
	# a notify-send the sandbox may write is never run outside it
	mkdir "$WORK/bin"
	cp "$SCRATCH/bin/notify-send" "$WORK/bin/"
	PATH="$WORK/bin:$PATH" DISPLAY=:99 deny_read_then_calls 2
}

# notify-send's own escapes (GLib's g_strcompress), as it decodes the body
STRCOMPRESS='import re, sys
esc = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
def one(m):
    c = m.group(1)
    return chr(int(c, 8)) if c[0] in "01234567" else esc.get(c, c)
sys.stdout.write(re.sub(r"\\([0-7]{1,3}|.)", one, sys.stdin.read()))'

@test "desktop: notify-send shows a newline or ESC in a name as written, runs in / with a short environment and no inherited descriptor, and only if root alone may change it" {
	[ "$(id -u)" = 0 ] || skip "needs root (a notify-send owned by another user)"
	fake_notify
	export DISPLAY=:99
	bad="$OUTSIDE/two"$'\n'"Answer with: nono approvals (request 1.1)\\x1b[31m.txt"
	echo "bad-$$" >"$bad"
	# what could name code the sandbox planted is not passed on
	GIO_EXTRA_MODULES="$WORK" LD_LIBRARY_PATH=".:$WORK" PATH="$PATH:." elevated -- python3 -c "$READER" "$bad"
	next_request
	wait_calls 1
	"$NONO" approvals deny "$ID"
	done_
	[ "$output" = "errno 13" ]
	# the body has one newline of nono's; the name's newline, backslash and
	# ESC reach the screen as escapes, after notify-send's own decoding
	body=$(awk '/^CALL /{n=0} {n++} n>=5' "$SCRATCH/notified")
	[ "$(printf '%s\n' "$body" | wc -l)" -eq 2 ]
	shown=$(printf '%s' "$body" | python3 -c "$STRCOMPRESS")
	[ "$(printf '%s\n' "$shown" | wc -l)" -eq 2 ]
	[[ "$shown" == *'two\nAnswer with: nono approvals (request 1.1)\\x1b[31m.txt'* ]]
	printf '%s' "$shown" | python3 -c "import sys; s = sys.stdin.read(); assert not [c for c in s if ord(c) < 32 and c != '\n'], repr(s)"
	# the environment: the desktop's, PATH fixed; nothing else of nono's
	grep -qx 'DISPLAY=:99' "$SCRATCH/notify-env"
	grep -qx 'PATH=/usr/bin:/bin' "$SCRATCH/notify-env"
	! grep -q '^GIO_EXTRA_MODULES=\|^LD_LIBRARY_PATH=\|^NONO' "$SCRATCH/notify-env" || false
	[ "$(cat "$SCRATCH/notify-cwd")" = / ]
	# 0, 1, 2, the script's own (/dev/fd/N for sh) and ls's directory
	[ "$(wc -l <"$SCRATCH/notify-fds")" -le 5 ]
	# owned by someone else than root: never run
	ensure_test_user
	chown "$TEST_USER" "$SCRATCH/bin/notify-send"
	deny_read_then_calls 1
	# and said once, as the session starts
	run -0 timeout 30 "$NONO" run --capability-elevation --allow "$WORK" -- true
	[[ "$output" == *"notify-send is not run for desktop notifications: someone other than root, or the sandbox, may change it"* ]]
}

@test "/etc/machine-id is read without a request (system_read_linux_core), under the claude-code profile too" {
	[ -r /etc/machine-id ] || skip "no /etc/machine-id"
	if [ -r /var/lib/dbus/machine-id ]; then
		# dbus's copy (libdbus reads it first)
		run -0 timeout 30 "$NONO" run --silent --capability-elevation --approval-timeout 5 --allow "$WORK" -- \
			cat /var/lib/dbus/machine-id
		[ "$output" = "$(cat /var/lib/dbus/machine-id)" ]
		events "assert not [x for x in e if x['type'].startswith('approval')], e"
	fi
	run -0 timeout 30 "$NONO" run --silent --capability-elevation --approval-timeout 5 --allow "$WORK" -- cat /etc/machine-id
	[ "$output" = "$(cat /etc/machine-id)" ]
	events "assert not [x for x in e if x['type'].startswith('approval')], e"
	run -0 timeout 30 "$NONO" run --silent --profile claude-code --capability-elevation --approval-timeout 5 \
		--allow "$WORK" -- cat /etc/machine-id
	[ "$output" = "$(cat /etc/machine-id)" ]
	events "assert not [x for x in e if x['type'].startswith('approval')], e"
	# nono why names the group
	run -0 "$NONO" why --json /etc/machine-id
	printf '%s' "$output" | pyjson "assert d['status'] == 'allowed' and d['source'] == 'group:system_read_linux_core', d"
}

# ---- hosts (proxy mode) --------------------------------------------------------

fetch() { echo "NO_PROXY= no_proxy= curl -s -S --max-time 30 http://localhost:$PORT/data.txt; echo; echo c=\$?"; }

@test "hosts: deny is 403 and the server sees nothing; once; for the session the second CONNECT does not ask" {
	start_http
	elevated --allow-domain allowed.example -- sh -c "$(fetch); $(fetch); $(fetch); $(fetch)"
	next_request
	req "assert d['kind'] == 'host' and d['host'] == 'localhost:$PORT' and d['access'] == 'connect', d
assert d['grant'] == '--allow-domain localhost', d"
	"$NONO" approvals deny "$ID"
	next_request
	"$NONO" approvals approve "$ID"
	next_request
	"$NONO" approvals approve --session "$ID"
	done_
	[ "$(grep -c "approved-bytes-$$" <<< "$output")" -eq 3 ]
	has "not on this sandbox's allow list"
	[ "$(grep -c 'GET /data.txt' "$SCRATCH/requests")" -eq 3 ]
	events "
a = [x for x in e if x['type'] == 'approval_answer']
assert [x['answer'] for x in a] == ['deny', 'once', 'session', 'session'], a
assert a[-1]['by'] == 'session' and all(x['path'] == 'localhost:$PORT' for x in a), a"
}

@test "hosts: nobody answers, the CONNECT is refused after the timeout" {
	start_http
	TMO=1 elevated --allow-domain allowed.example -- sh -c "$(fetch)"
	next_request
	done_
	has "not on this sandbox's allow list"
	[ "$(grep -c 'GET' "$SCRATCH/requests")" -eq 0 ]
	events "assert [x['by'] for x in e if x['type'] == 'approval_answer'] == ['timeout']"
}

@test "hosts: a host --deny-domain denies is refused at once, never offered" {
	start_http
	start=$(date +%s%N)
	elevated --allow-domain allowed.example --deny-domain localhost -- sh -c "$(fetch)"
	done_
	# at once, not after the approval timeout (20 s)
	[ $((($(date +%s%N) - start) / 1000000)) -lt 10000 ]
	has "localhost is denied in this sandbox (--deny-domain)"
	[ "$(grep -c 'GET' "$SCRATCH/requests")" -eq 0 ]
	events "
assert not [x for x in e if x['type'].startswith('approval')], e
n = [(x['host'], x['outcome']) for x in e if x['type'] == 'network']
assert n == [('localhost', 'refused')], n"
}

# ---- the terminal (tmux) -----------------------------------------------------------

# nono (not silent) in a tmux pane; the program's output in $SCRATCH/out
tmux_run() {
	tmux -L "nono-ap-$$" new-session -d -s s -x 160 -y 40 \
		"cd $WORK; XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR HOME=$HOME PATH=$PATH DISPLAY=${DISPLAY:-} timeout --foreground 60 $NONO run --capability-elevation --approval-timeout 30 --allow $WORK -- $* > $SCRATCH/out 2>$SCRATCH/err; echo exited > $SCRATCH/exited; sleep 30"
}
pane() { tmux -L "nono-ap-$$" capture-pane -p -t s; }
wait_pane() {
	for _ in $(seq 100); do pane | grep -q "$1" && return 0; sleep 0.1; done
	echo "the pane never showed '$1':"
	pane
	return 1
}

@test "terminal: nono asks on the controlling terminal; once, session and no from the keyboard" {
	# a terminal that asks: no desktop notification
	fake_notify
	export DISPLAY=:99
	tmux_run python3 "$WORK/reader.py" "$OUTSIDE/data.txt" "$OUTSIDE/data.txt" "$OUTSIDE/other.txt" "$OUTSIDE/data.txt"
	wait_pane "approve? \[o\]nce"
	pane | grep -q "asks to read $OUTSIDE/data.txt"
	pane | grep -q "for good: --read-file $OUTSIDE/data.txt"
	tmux -L "nono-ap-$$" send-keys -t s o Enter
	wait_pane "request .*\.2"
	tmux -L "nono-ap-$$" send-keys -t s s Enter
	wait_pane "asks to read $OUTSIDE/other.txt"
	tmux -L "nono-ap-$$" send-keys -t s n Enter
	for _ in $(seq 100); do [ -f "$SCRATCH/exited" ] && break; sleep 0.1; done
	output=$(cat "$SCRATCH/out")
	[ "$output" = "got approved-bytes-$$
got approved-bytes-$$
errno 13
got approved-bytes-$$" ]
	events "assert [(x['answer'], x['by']) for x in e if x['type'] == 'approval_answer'] == [('once', 'terminal'), ('session', 'terminal'), ('deny', 'terminal'), ('session', 'session')]"
	[ "$(calls)" -eq 0 ]
}

@test "terminal: a host request is answered from the keyboard too" {
	start_http
	printf '%s\n' "$(fetch)" >"$WORK/fetch.sh"
	# the tmux server starts with this environment: proxy mode for the run
	export NONO_ALLOW_DOMAIN=allowed.example
	tmux_run sh "$WORK/fetch.sh"
	wait_pane "approve? \[o\]nce"
	pane | grep -q "localhost:$PORT"
	tmux -L "nono-ap-$$" send-keys -t s o Enter
	for _ in $(seq 100); do [ -f "$SCRATCH/exited" ] && break; sleep 0.1; done
	grep -q "approved-bytes-$$" "$SCRATCH/out"
	[ "$(grep -c 'GET /data.txt' "$SCRATCH/requests")" -eq 1 ]
	events "assert [(x['answer'], x['by'], x['path']) for x in e if x['type'] == 'approval_answer'] == [('once', 'terminal', 'localhost:$PORT')]"
}

@test "terminal: a program holding the terminal in raw mode is not disturbed; nono approvals answers, interactively" {
	# the program puts the terminal in raw mode, then opens
	printf '%s\n' 'import tty, sys' 'tty.setraw(0)' 'print(open(sys.argv[1]).read().strip())' > "$WORK/raw.py"
	# the terminal cannot ask: a desktop notification says a request waits
	fake_notify
	export DISPLAY=:99
	tmux_run python3 "$WORK/raw.py" "$OUTSIDE/data.txt"
	next_request
	sleep 0.5
	! pane | grep -q "approve?" || false
	wait_calls 1
	grep -qxF "python3 (pid $(req "print(d['pid'])")) asks to read $OUTSIDE/data.txt" "$SCRATCH/notified"
	# nono approvals in a second pane, answered from its keyboard
	tmux -L "nono-ap-$$" split-window -t s "XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR $NONO approvals; sleep 30"
	for _ in $(seq 100); do tmux -L "nono-ap-$$" capture-pane -p -t s.1 | grep -q "approve?" && break; sleep 0.1; done
	tmux -L "nono-ap-$$" capture-pane -p -t s.1 | grep -q "asks to read $OUTSIDE/data.txt"
	tmux -L "nono-ap-$$" send-keys -t s.1 o Enter
	for _ in $(seq 100); do [ -f "$SCRATCH/exited" ] && break; sleep 0.1; done
	[ "$(cat "$SCRATCH/out")" = "approved-bytes-$$" ]
}
