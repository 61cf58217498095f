#!/usr/bin/env bats
# open_urls: the sandbox asks the supervisor to open a URL (xdg-open, or
# $BROWSER as Node's open and Python's webbrowser use it); the supervisor
# runs xdg-open outside the sandbox for the allowed origins only. A fake
# xdg-open first on the supervisor's PATH records what it was asked.
load helpers
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	mkdir -p "$SCRATCH/bin"
	printf '#!/bin/sh\necho "$@" >> %s/opened\n' "$SCRATCH" > "$SCRATCH/bin/xdg-open"
	chmod +x "$SCRATCH/bin/xdg-open"
	cat > "$SCRATCH/p.json" <<'JSON'
{
  "filesystem": {"allow": ["$WORKDIR"]},
  "open_urls": {"allow_origins": ["https://claude.ai", "https://login.example.com:8443"], "allow_localhost": true}
}
JSON
}
teardown() { common_teardown; }

opened() { sleep 0.3; cat "$SCRATCH/opened" 2>/dev/null; }

@test "an allowed origin is opened outside the sandbox, by xdg-open and by BROWSER" {
	run env PATH="$SCRATCH/bin:$PATH" timeout 30 "$NONO" run --silent --profile "$SCRATCH/p.json" -- sh -c \
		'xdg-open "https://claude.ai/oauth/authorize?code=1"; echo a=$?; "$BROWSER" https://login.example.com:8443/x; echo b=$?
		python3 -c "import webbrowser; print(\"py\", webbrowser.open(\"http://localhost:54545/callback\"))"'
	echo "$output"
	# one test per line: bats checks only the last of an && list
	[[ "$output" == *a=0* ]]
	[[ "$output" == *b=0* ]]
	[[ "$output" == *"py True"* ]]
	# (each xdg-open is started detached: in any order)
	run bash -c "sleep 0.3; sort '$SCRATCH/opened'"
	[ "${lines[0]}" = "http://localhost:54545/callback" ]
	[ "${lines[1]}" = "https://claude.ai/oauth/authorize?code=1" ]
	[ "${lines[2]}" = "https://login.example.com:8443/x" ]
}

@test "other origins, plain http, other ports and odd URLs are refused, and nothing is opened" {
	run env PATH="$SCRATCH/bin:$PATH" timeout 30 "$NONO" run --silent --profile "$SCRATCH/p.json" -- sh -c '
		for u in https://evil.example/ http://claude.ai/ https://claude.ai:444/ https://claude.ai.evil.example/ \
			"https://user@claude.ai/" "https://claude.ai/a b" file:///etc/passwd javascript:alert; do
			xdg-open "$u"; echo "rc=$?"
		done'
	[ "$(echo "$output" | grep -c 'rc=1')" -eq 8 ]
	[[ "$output" == *"the supervisor did not open https://evil.example/: its origin is not in open_urls.allow_origins"* ]]
	[ -z "$(opened)" ]
}

@test "without allow_localhost, localhost is refused; without open_urls, xdg-open is the real one" {
	printf '{"filesystem": {"allow": ["$WORKDIR"]}, "open_urls": {"allow_origins": ["https://claude.ai"]}}\n' > "$SCRATCH/q.json"
	run env PATH="$SCRATCH/bin:$PATH" timeout 30 "$NONO" run --silent --profile "$SCRATCH/q.json" -- sh -c \
		'xdg-open http://localhost:8080/; echo rc=$?'
	[[ "$output" == *rc=1* ]]
	[ -z "$(opened)" ]
	# no open_urls: no socket, no BROWSER, and xdg-open runs inside the sandbox
	run env PATH="$SCRATCH/bin:$PATH" timeout 30 "$NONO" run --silent --allow "$WORK" -- sh -c 'echo "browser=${BROWSER:-none} sock=${NONO_URL_SOCKET:-none}"'
	[ "$output" = "browser=none sock=none" ]
}

@test "open_urls in profiles: a child replaces its base's; a bad origin is an error with its source" {
	printf '{"extends": "%s/p.json", "open_urls": {"allow_origins": ["https://other.example"]}}\n' "$SCRATCH" > "$SCRATCH/child.json"
	run env PATH="$SCRATCH/bin:$PATH" timeout 30 "$NONO" run --silent --profile "$SCRATCH/child.json" -- sh -c \
		'xdg-open https://claude.ai/; echo a=$?; xdg-open https://other.example/ok; echo b=$?'
	echo "$output"
	[[ "$output" == *a=1* ]]
	[[ "$output" == *b=0* ]]
	[ "$(opened)" = "https://other.example/ok" ]
	printf '{"open_urls": {"allow_origins": ["https://claude.ai/path"]}}\n' > "$SCRATCH/bad.json"
	run timeout 30 "$NONO" run --profile "$SCRATCH/bad.json" -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"open_urls.allow_origins https://claude.ai/path: an origin is https://HOST[:PORT]"* ]]
	printf '{"open_urls": {"allow_orgins": []}}\n' > "$SCRATCH/typo.json"
	run timeout 30 "$NONO" run --profile "$SCRATCH/typo.json" -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"did you mean \"allow_origins\""* ]]
}

@test "the request socket and its directory are gone after the session; requests are in the audit trail" {
	export XDG_STATE_HOME="$SCRATCH/state"
	run env PATH="$SCRATCH/bin:$PATH" timeout 30 "$NONO" run --silent --profile "$SCRATCH/p.json" -- sh -c \
		'echo "$NONO_URL_SOCKET"; xdg-open https://claude.ai/x; xdg-open https://evil.example/'
	echo "$output"
	sock=${lines[0]}
	[[ "$sock" == /tmp/nono-url-*/supervisor.sock ]]
	[ ! -e "$sock" ]
	[ ! -e "$(dirname "$sock")" ]
	run timeout 30 "$NONO" audit show last
	[[ "$output" == *"open_url"*"https://claude.ai/x"* ]]
	[[ "$output" == *REFUSED*"open_url"*"https://evil.example/"* ]]
}

@test "the directory is removed however the session ends: an exit status, a killed program, a failed launch" {
	# the program names it (NONO_URL_SOCKET); only this run's directory is checked
	for end in 'exit 3:3' 'kill -9 $$:137'; do
		run env PATH="$SCRATCH/bin:$PATH" timeout 30 "$NONO" run --silent --profile "$SCRATCH/p.json" -- sh -c \
			"echo \"\$NONO_URL_SOCKET\"; ${end%:*}"
		echo "${end%:*}: status $status"
		echo "$output"
		[ "$status" -eq "${end##*:}" ]
		[[ "${lines[0]}" == /tmp/nono-url-*/supervisor.sock ]]
		[ ! -e "$(dirname "${lines[0]}")" ]
	done
	# nothing runs when the audit trail cannot be opened (after the socket
	# was made): -vv names the socket
	mkdir -p "$SCRATCH/state"
	touch "$SCRATCH/state/nono"
	run env XDG_STATE_HOME="$SCRATCH/state" PATH="$SCRATCH/bin:$PATH" timeout 30 "$NONO" run -vv --profile "$SCRATCH/p.json" -- true
	echo "$output"
	[ "$status" -eq 125 ]
	sock=$(printf '%s\n' "$output" | sed -n 's/^nono: debug: open_urls: //p')
	[[ "$sock" == /tmp/nono-url-*/supervisor.sock ]]
	[ ! -e "$(dirname "$sock")" ]
}

@test "a request dribbled a byte at a time stalls nothing: other requests and mediated calls are served at once" {
	# while one client sends a byte every 50 ms (for 3.85 s), five execs (each
	# checked by the supervisor) run and another client's URL is opened, each
	# in under a second; the dribbler is refused at its 2 s deadline
	run env PATH="$SCRATCH/bin:$PATH" timeout 30 "$NONO" run --silent --profile "$SCRATCH/p.json" -- python3 -c '
import os, socket, subprocess, threading, time
got = []
def dribble():
    s = socket.socket(socket.AF_UNIX)
    s.connect(os.environ["NONO_URL_SOCKET"])
    t0 = time.monotonic()
    try:
        for b in b"https://claude.ai/" + b"x" * 59:
            s.send(bytes([b]))
            time.sleep(0.05)
    except OSError as e:
        got.append("send failed %s" % e.errno)
    s.settimeout(5)
    got.append("%s after %.1f s" % (s.recv(200).decode().strip(), time.monotonic() - t0))
d = threading.Thread(target=dribble)
d.start()
time.sleep(0.3)
t0 = time.monotonic()
for i in range(5):
    subprocess.call(["/bin/true"])
print("execs %.3f s" % (time.monotonic() - t0), flush=True)
t0 = time.monotonic()
rc = subprocess.call(["xdg-open", "https://claude.ai/fast"])
print("open rc=%d %.3f s" % (rc, time.monotonic() - t0), flush=True)
d.join()
print("dribbler:", *got, flush=True)
'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"open rc=0 "* ]]
	open_s=$(printf '%s\n' "$output" | sed -n 's/^open rc=0 \([0-9.]*\) s$/\1/p')
	execs_s=$(printf '%s\n' "$output" | sed -n 's/^execs \([0-9.]*\) s$/\1/p')
	awk -v o="$open_s" -v e="$execs_s" 'BEGIN { exit !(o != "" && o < 1 && e != "" && e < 1) }'
	[[ "$output" == *"dribbler: "*"denied: no complete request within 2 seconds after "* ]]
	[ "$(opened)" = "https://claude.ai/fast" ]
}

@test "requests at once are each answered, past eight refused; a newline ends one; over 8 KiB is refused at once" {
	run env PATH="$SCRATCH/bin:$PATH" timeout 30 "$NONO" run --silent --profile "$SCRATCH/p.json" -- python3 -c '
import os, socket, time
def conn():
    s = socket.socket(socket.AF_UNIX)
    s.connect(os.environ["NONO_URL_SOCKET"])
    s.settimeout(5)
    return s
ss = [conn() for i in range(8)]
time.sleep(0.2)
extra = conn()
print("ninth:", extra.recv(100).decode().strip(), flush=True)
for i, s in reversed(list(enumerate(ss))):
    s.send(b"https://claude.ai/n%d\n" % i if i < 3 else b"https://claude.ai/" + b"x" * 9000)
for s in ss:
    t0 = time.monotonic()
    print(s.recv(100).decode().strip(), "%.1f s" % (time.monotonic() - t0), flush=True)
'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"ninth: denied: too many requests at once"* ]]
	[ "$(printf '%s\n' "$output" | grep -c '^ok 0.[0-9] s$')" -eq 3 ]
	[ "$(printf '%s\n' "$output" | grep -c '^denied: longer than 8192 bytes 0.[0-9] s$')" -eq 5 ]
	run opened
	[ "$(printf '%s\n' "$output" | sort | tr '\n' ' ')" = "https://claude.ai/n0 https://claude.ai/n1 https://claude.ai/n2 " ]
}

@test "a refused URL in the supervisor's log line is escaped" {
	# (the shim's own message is the program's output, as anything it prints)
	run env PATH="$SCRATCH/bin:$PATH" timeout 30 "$NONO" run -v --profile "$SCRATCH/p.json" -- sh -c \
		'xdg-open "$(printf "https://evil.example/\033]0;PWNED\007")"; echo rc=$?'
	echo "$output" | cat -v
	[[ "$output" == *rc=1* ]]
	[[ "$output" == *'nono: refused to open https://evil.example/\e]0;PWNED\x07: '* ]]
	[ -z "$(printf '%s\n' "$output" | grep $'^nono: refused to open .*\033')" ]
}

@test "xdg-open runs outside only as root alone may change it: one the sandbox planted on PATH never runs; it gets a short environment, in /" {
	# the supervisor's own xdg-open records its environment and directory
	printf '#!/bin/sh\necho "$@" >> %s/opened\nenv > %s/xdg-env; pwd > %s/xdg-cwd\n' "$SCRATCH" "$SCRATCH" "$SCRATCH" \
		>"$SCRATCH/bin/xdg-open"
	run env PATH="$SCRATCH/bin:$PATH" GIO_EXTRA_MODULES="$WORK" LD_LIBRARY_PATH=".:$WORK" timeout 30 \
		"$NONO" run --silent --profile "$SCRATCH/p.json" -- sh -c 'xdg-open https://claude.ai/env; echo rc=$?'
	[[ "$output" == *rc=0* ]]
	run opened
	[ "$output" = https://claude.ai/env ]
	grep -qx 'PATH=/usr/bin:/bin' "$SCRATCH/xdg-env"
	! grep -q '^GIO_EXTRA_MODULES=\|^LD_LIBRARY_PATH=\|^NONO' "$SCRATCH/xdg-env" || false
	[ "$(cat "$SCRATCH/xdg-cwd")" = / ]
	# a directory the sandbox writes, first on the supervisor's PATH (an
	# activated venv, direnv's PATH_add): what the sandbox puts there
	# never runs outside
	mkdir -p "$WORK/venv/bin"
	rm -f "$SCRATCH/opened"
	run env PATH="$WORK/venv/bin:$SCRATCH/bin:$PATH" timeout 30 "$NONO" run --profile "$SCRATCH/p.json" -- sh -c \
		"printf '#!/bin/sh\ntouch $OUTSIDE/PWNED\n' > $WORK/venv/bin/xdg-open; chmod +x $WORK/venv/bin/xdg-open
		xdg-open https://claude.ai/x; echo rc=\$?"
	# the one found when the session started ran, not the planted one
	[[ "$output" == *rc=0* ]]
	[ ! -e "$OUTSIDE/PWNED" ]
	run opened
	[ "$output" = https://claude.ai/x ]
	# there before the session, in a directory the sandbox may write: said, and never run
	run env PATH="$WORK/venv/bin:$PATH" timeout 30 "$NONO" run --profile "$SCRATCH/p.json" -- sh -c \
		'xdg-open https://claude.ai/x; echo rc=$?'
	[[ "$output" == *"open_urls: $WORK/venv/bin/xdg-open is not run: "* ]]
	[[ "$output" == *rc=1* ]]
	[ ! -e "$OUTSIDE/PWNED" ]
}

@test "with open_urls, the desktop's URL handlers are out of the sandbox's reach" {
	mkdir -p "$HOME/.config" "$HOME/.local/share/applications"
	echo '[Default Applications]' >"$HOME/.config/mimeapps.list"
	run env PATH="$SCRATCH/bin:$PATH" timeout 30 "$NONO" run --silent --profile "$SCRATCH/p.json" --allow "$HOME" -- sh -c \
		'echo "x-scheme-handler/https=evil.desktop" >> ~/.config/mimeapps.list; echo a=$?
		printf "[Desktop Entry]\nExec=touch /tmp/x\n" > ~/.local/share/applications/evil.desktop; echo b=$?'
	[[ "$output" == *"mimeapps.list: Permission denied"* ]]
	[[ "$output" == *"evil.desktop: Permission denied"* ]]
	[[ "$output" != *a=0* ]]
	[[ "$output" != *b=0* ]]
	[ "$(cat "$HOME/.config/mimeapps.list")" = '[Default Applications]' ]
	[ ! -e "$HOME/.local/share/applications/evil.desktop" ]
	run -0 "$NONO" why --profile "$SCRATCH/p.json" --allow "$HOME" --path "$HOME/.config/mimeapps.list" --op write
	[[ "$output" == *deny_url_handlers* ]]
}
