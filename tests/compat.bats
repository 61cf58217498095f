#!/usr/bin/env bats
# Upstream compatibility (issue 23): global flags before the command, near
# misses answered with a suggestion, upstream's flags and commands this nono
# lacks answered with what to use instead, 'nono completion', and the shell's
# --shell checked before anything runs.
load helpers
bats_require_minimum_version 1.5.0

setup() { common_setup; }
teardown() { common_teardown; }

@test "global -s and --silent before run: no banner, the program's output only" {
	run --separate-stderr timeout 30 "$NONO" --silent run --allow "$WORK" -- sh -c 'echo made > "$1"' sh "$WORK/out"
	[ "$status" -eq 0 ]
	[ "$(cat "$WORK/out")" = made ]
	[ -z "$stderr" ]
	run --separate-stderr timeout 30 "$NONO" -s run -- echo hello
	[ "$status" -eq 0 ]
	[ "$output" = hello ]
	[ -z "$stderr" ]
	# without it the banner is there: the flag did something
	run --separate-stderr timeout 30 "$NONO" run -- echo hello
	[[ "$stderr" == *"Landlock ABI"* ]]
}

@test "global -v before run reaches run; an unknown global flag is a usage error" {
	run --separate-stderr timeout 30 "$NONO" -v run --dry-run -- true
	[ "$status" -eq 0 ]
	run -2 timeout 10 "$NONO" --bogus run -- true
	has "unknown option '--bogus' before the command"
	run -0 timeout 10 "$NONO" -s help run
	[[ "${lines[0]}" == "Usage: nono run "* ]]
	run -0 timeout 10 "$NONO" -v --help
	[[ "${lines[0]}" == "Usage: nono COMMAND"* ]]
}

@test "a mistyped command is answered with the nearest one, exit 2" {
	run -2 timeout 10 "$NONO" rnu -- true
	has "unknown command 'rnu'"
	has "did you mean 'nono run'"
}

@test "a mistyped profile name is answered with the nearest profile; nothing runs" {
	run timeout 10 "$NONO" run --profile claude-cod -- touch "$WORK/ran"
	[ "$status" -ne 0 ]
	has "no profile named 'claude-cod'"
	has "did you mean 'claude-code'"
	[ ! -e "$WORK/ran" ]
	mkdir -p "$HOME/.config/nono/profiles"
	echo '{"meta":{"name":"myagent"}}' > "$HOME/.config/nono/profiles/myagent.json"
	run timeout 10 "$NONO" run --profile myagnet -- true
	has "did you mean 'myagent'"
}

@test "a mistyped config.ini key is warned with the nearest key" {
	mkdir -p "$HOME/.config/nono"
	printf '[run]\nbaner = false\n' > "$HOME/.config/nono/config.ini"
	run timeout 10 "$NONO" profile list
	[ "$status" -eq 0 ]
	has "unknown key 'baner' in [run]"
	has "did you mean [run] banner?"
}

@test "an upstream flag nono lacks: not supported by this nono, and what to use; nothing runs" {
	run timeout 10 "$NONO" run --allow-gpu -- touch "$WORK/ran"
	[ "$status" -ne 0 ]
	has "--allow-gpu is upstream nono's, not supported by this nono"
	has "instead:"
	lacks "unknown option"
	[ ! -e "$WORK/ran" ]
	run timeout 10 "$NONO" run --startup-timeout=5 -- true
	has "--startup-timeout is upstream nono's, not supported by this nono"
	run -2 timeout 10 "$NONO" --theme latte run -- true
	has "--theme is upstream nono's"
}

@test "an upstream command nono lacks: not supported, what to use, exit 2" {
	run -2 timeout 10 "$NONO" wrap -- touch "$WORK/ran"
	has "'wrap' is an upstream nono command, not supported by this nono"
	has "instead: nono run"
	[ ! -e "$WORK/ran" ]
	run -2 timeout 10 "$NONO" learn
	has "not supported by this nono"
}

@test "nono policy: upstream's deprecated alias of nono profile, with a warning" {
	run --separate-stderr timeout 10 "$NONO" policy groups
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"use 'nono profile groups'"* ]]
	[[ "$output" == *deny_credentials* ]]
}

@test "nono completion prints each shell's script, the same bytes as completions/" {
	for s in bash:nono.bash zsh:_nono fish:nono.fish; do
		timeout 10 "$NONO" completion "${s%%:*}" > "$SCRATCH/c"
		cmp "$SCRATCH/c" "$NONO_SRCDIR/completions/${s#*:}"
	done
	# the bash script loads and completes
	run bash -c "source <(timeout 10 '$NONO' completion bash) && complete -p nono"
	[ "$status" -eq 0 ]
	has "nono"
	run -2 timeout 10 "$NONO" completion tcsh
	has "not a shell this nono completes for"
}

@test "nono shell --shell with a missing or non-executable PATH: exit 125 at once, the reason" {
	run -125 --separate-stderr timeout 10 "$NONO" shell --shell /nonexistent/sh -c "touch '$WORK/ran'"
	[[ "$stderr" == *"--shell /nonexistent/sh: No such file or directory"* ]]
	# before the banner: nothing was launched
	[[ "$stderr" != *"Landlock ABI"* ]]
	[ ! -e "$WORK/ran" ]
	echo 'not a shell' > "$WORK/notexec"
	run -125 --separate-stderr timeout 10 "$NONO" shell --shell "$WORK/notexec" -c true
	[[ "$stderr" == *"not an executable file"* ]]
	run -125 --separate-stderr timeout 10 "$NONO" shell --shell "$WORK" -c true
	[[ "$stderr" == *"not an executable file"* ]]
	# a shell that exists runs the line; a bare name is found on PATH
	run timeout 30 "$NONO" shell -s --allow "$WORK" --shell sh -c "echo ok > '$WORK/ran'" </dev/null
	[ "$status" -eq 0 ]
	[ "$(cat "$WORK/ran")" = ok ]
}

# ---- network: ports, why --host, loopback in proxy mode --------------------------

# a TCP server on the host's loopback that greets each client; its port in $SCRATCH/dbport
start_db() {
	timeout 60 python3 -c '
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
while True:
    c, _ = s.accept(); c.sendall(b"db-hello\n"); c.close()
' "$SCRATCH/dbport" &
	bg $!
	for _ in $(seq 50); do [ -s "$SCRATCH/dbport" ] && break; sleep 0.1; done
	DBPORT=$(cat "$SCRATCH/dbport")
}

# connect to 127.0.0.1:PORT from inside: prints the greeting or ERR errno
CONNECT='import socket, sys
try:
    c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5); print(c.recv(64).decode().strip())
except OSError as e:
    print("ERR", e.errno)'
# bind and listen on PORT from inside: "listening PORT" or ERR errno
LISTEN='import socket, sys
try:
    s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); print("listening", s.getsockname()[1])
except OSError as e:
    print("ERR", e.errno)'

@test "--open-port: tests reach a local database despite --block-net; without it EACCES; other hosts stay refused" {
	start_db
	run nono_run --block-net -- python3 -c "$CONNECT" 127.0.0.1 "$DBPORT"
	[ "$output" = "ERR 13" ]
	run nono_run --block-net --open-port "$DBPORT" -- python3 -c "$CONNECT" 127.0.0.1 "$DBPORT"
	[ "$output" = db-hello ]
	# a range holds it too
	run nono_run --block-net --open-port "$((DBPORT - 2))-$((DBPORT + 2))" -- python3 -c "$CONNECT" 127.0.0.1 "$DBPORT"
	[ "$output" = db-hello ]
	# the port is opened on loopback only
	run nono_run --block-net --open-port "$DBPORT" -- python3 -c "$CONNECT" 192.0.2.1 "$DBPORT"
	[ "$output" = "ERR 13" ]
	# --listen-port binds, it does not connect
	run nono_run --block-net --listen-port "$DBPORT" -- python3 -c "$CONNECT" 127.0.0.1 "$DBPORT"
	[ "$output" = "ERR 13" ]
}

@test "--open-port in proxy mode: the database is reached directly, the rest only through the proxy" {
	start_db
	run nono_run --allow-domain example.com -- python3 -c "$CONNECT" 127.0.0.1 "$DBPORT"
	[ "$output" = "ERR 13" ]
	run nono_run --allow-domain example.com --open-port "$DBPORT" -- python3 -c "$CONNECT" 127.0.0.1 "$DBPORT"
	[ "$output" = db-hello ]
}

@test "--listen-port and the profile's network.listen_port: a dev server can bind and listen; another port cannot" {
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	run nono_run --block-net -- python3 -c "$LISTEN" "$port"
	[ "$output" = "ERR 13" ]
	run nono_run --block-net --listen-port "$port" -- python3 -c "$LISTEN" "$port"
	[ "$output" = "listening $port" ]
	run nono_run --block-net --listen-port "$port" -- python3 -c "$LISTEN" "$((port + 1))"
	[ "$output" = "ERR 13" ]
	# the profile key, a number as upstream writes it
	echo "{\"network\": {\"block\": true, \"listen_port\": [$port]}}" > "$SCRATCH/dev.json"
	run nono_run --profile "$SCRATCH/dev.json" -- python3 -c "$LISTEN" "$port"
	[ "$output" = "listening $port" ]
	run timeout 10 "$NONO" profile validate "$SCRATCH/dev.json"
	[ "$status" -eq 0 ]
}

@test "the profile's network.open_port takes a range; bad ports are refused with the key named, nothing runs" {
	start_db
	echo "{\"network\": {\"block\": true, \"open_port\": [\"$((DBPORT - 1))-$((DBPORT + 1))\"]}}" > "$SCRATCH/db.json"
	run nono_run --profile "$SCRATCH/db.json" -- python3 -c "$CONNECT" 127.0.0.1 "$DBPORT"
	[ "$output" = db-hello ]
	run timeout 10 "$NONO" run --open-port 70000 -- touch "$WORK/ran"
	[ "$status" -ne 0 ]
	has "--open-port 70000: expected a port (1-65535) or a range LO-HI"
	run timeout 10 "$NONO" run --listen-port 1-60000 -- touch "$WORK/ran"
	has "more than 4096 ports"
	[ ! -e "$WORK/ran" ]
	echo '{"network": {"open_port": ["80-20"]}}' > "$SCRATCH/bad.json"
	run timeout 10 "$NONO" profile validate "$SCRATCH/bad.json"
	[ "$status" -eq 1 ]
	has "network.open_port"
}

@test "nono why --host: allowed, blocked, via the proxy, and why; --json with upstream's reasons" {
	run timeout 10 "$NONO" why --host example.com --port 443
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = ALLOWED ]
	has "network_allowed"
	run timeout 10 "$NONO" why --host example.com --block-net
	[ "${lines[0]}" = DENIED ]
	has "network_blocked"
	run timeout 10 "$NONO" why --host https://api.github.com/repos --allow-domain api.github.com --json
	echo "$output" | pyjson "assert d['status'] == 'allowed' and d['via'] == 'proxy' and d['reason'] == 'proxy_allowed' and d['port'] == 443, d"
	run timeout 10 "$NONO" why --host evil.example --network-profile minimal --json
	echo "$output" | pyjson "assert d['status'] == 'denied' and d['reason'] == 'proxy_filtered' and d['suggested_flag'] == '--allow-domain evil.example', d"
	run timeout 10 "$NONO" why --host 127.0.0.1 --port 5432 --allow-domain example.com
	[ "${lines[0]}" = DENIED ]
	has "--open-port 5432"
	run timeout 10 "$NONO" why --host localhost --port 5432 --block-net --open-port 5400-5500 --json
	echo "$output" | pyjson "assert d['status'] == 'allowed' and d['via'] == 'direct', d"
	run timeout 10 "$NONO" why --host example.com --port 99999
	[ "$status" -ne 0 ]
	has "expected a port"
}

@test "nono why --host agrees with what the sandbox does" {
	start_db
	run timeout 10 "$NONO" why --host 127.0.0.1 --port "$DBPORT" --block-net --json
	echo "$output" | pyjson "assert d['status'] == 'denied', d"
	run nono_run --block-net -- python3 -c "$CONNECT" 127.0.0.1 "$DBPORT"
	[ "$output" = "ERR 13" ]
	run timeout 10 "$NONO" why --host 127.0.0.1 --port "$DBPORT" --block-net --open-port "$DBPORT" --json
	echo "$output" | pyjson "assert d['status'] == 'allowed', d"
	run nono_run --block-net --open-port "$DBPORT" -- python3 -c "$CONNECT" 127.0.0.1 "$DBPORT"
	[ "$output" = db-hello ]
}

@test "--allow-domain 127.0.0.1 is reachable: NO_PROXY leaves it out, so clients send it to the proxy" {
	run nono_run --allow-domain 127.0.0.1 -- sh -c 'echo "$NO_PROXY"'
	[ "$output" = "localhost,::1" ]
	run nono_run --allow-domain example.com -- sh -c 'echo "$NO_PROXY"'
	[ "$output" = "localhost,127.0.0.1,::1" ]
	run timeout 10 "$NONO" why --host 127.0.0.1 --port 80 --allow-domain 127.0.0.1 --json
	echo "$output" | pyjson "assert d['status'] == 'allowed' and d['via'] == 'proxy', d"
}

@test "network.no_proxy: loopback names go direct; another host is refused with the key named" {
	echo '{"network": {"allow_domain": ["example.com"], "no_proxy": ["db.localhost"]}}' > "$SCRATCH/np.json"
	run nono_run --profile "$SCRATCH/np.json" -- sh -c 'echo "$NO_PROXY"'
	[ "$output" = "localhost,127.0.0.1,::1,db.localhost" ]
	echo '{"network": {"allow_domain": ["example.com"], "no_proxy": ["example.org"]}}' > "$SCRATCH/np2.json"
	run timeout 10 "$NONO" run --profile "$SCRATCH/np2.json" -- touch "$WORK/ran"
	[ "$status" -ne 0 ]
	has "network.no_proxy example.org"
	[ ! -e "$WORK/ran" ]
	run timeout 10 "$NONO" profile validate "$SCRATCH/np2.json"
	[ "$status" -eq 1 ]
}

# ---- profiles ---------------------------------------------------------------------

@test "profile validate reports what run refuses: an unknown group" {
	echo '{"groups": {"include": ["no_such_group"]}}' > "$SCRATCH/g.json"
	run timeout 10 "$NONO" run --profile "$SCRATCH/g.json" -- touch "$WORK/ran"
	[ "$status" -ne 0 ]
	[ ! -e "$WORK/ran" ]
	run timeout 10 "$NONO" profile validate "$SCRATCH/g.json"
	[ "$status" -eq 1 ]
	has "unknown policy group 'no_such_group'"
	lacks ": valid"
}

@test "profile list marks invalid profiles (text and --json)" {
	mkdir -p "$HOME/.config/nono/profiles"
	echo '{"groups": {"include": ["no_such_group"]}}' > "$HOME/.config/nono/profiles/broken.json"
	echo '{"meta": {"name": "fine"}}' > "$HOME/.config/nono/profiles/fine.json"
	run timeout 10 "$NONO" profile list
	[ "$status" -eq 0 ]
	[[ "$(grep '^broken ' <<<"$output")" == *"INVALID: unknown policy group 'no_such_group'"* ]]
	[[ "$(grep '^fine ' <<<"$output")" != *INVALID* ]]
	run timeout 10 "$NONO" profile list --json
	echo "$output" | pyjson "b = [p for p in d if p['name'] == 'broken'][0]; f = [p for p in d if p['name'] == 'fine'][0]; assert b['valid'] is False and 'no_such_group' in b['problem'] and f['valid'] is True, d"
}

@test "profile init --output FILE --description TEXT --groups --force: a valid skeleton there, nothing in the user directory" {
	run timeout 10 "$NONO" profile init --output "$WORK/agent.json" --description 'an "agent"' --extends claude-code --groups git_config
	[ "$status" -eq 0 ]
	[ "$output" = "$WORK/agent.json" ]
	[ ! -e "$HOME/.config/nono/profiles/agent.json" ]
	grep -q '"name": "agent"' "$WORK/agent.json"
	grep -qF '"description": "an \"agent\""' "$WORK/agent.json"
	run timeout 10 "$NONO" profile validate "$WORK/agent.json"
	[ "$status" -eq 0 ]
	has "valid"
	cp "$WORK/agent.json" "$SCRATCH/before"
	run timeout 10 "$NONO" profile init --output "$WORK/agent.json"
	[ "$status" -eq 1 ]
	has "File exists"
	has "--force"
	cmp "$WORK/agent.json" "$SCRATCH/before"
	run timeout 10 "$NONO" profile init --output "$WORK/agent.json" --force --groups no_such_group
	[ "$status" -eq 1 ]
	has "unknown policy group 'no_such_group'"
	cmp "$WORK/agent.json" "$SCRATCH/before"
	run timeout 10 "$NONO" profile init my-agent --output "$WORK/agent.json" --force --description second
	[ "$status" -eq 0 ]
	grep -q '"name": "my-agent"' "$WORK/agent.json"
	grep -q '"description": "second"' "$WORK/agent.json"
}

@test "--allow-cwd honours the profile's workdir.access: read stays read, none shares nothing" {
	echo keep > "$WORK/file"
	echo '{"workdir": {"access": "read"}}' > "$SCRATCH/ro.json"
	run nono_run --profile "$SCRATCH/ro.json" --allow-cwd -- sh -c 'cat file; echo changed > file; echo new > new'
	has keep
	[ "$(cat "$WORK/file")" = keep ]
	[ ! -e "$WORK/new" ]
	run timeout 10 "$NONO" why --profile "$SCRATCH/ro.json" --allow-cwd --path "$WORK/file" --op write
	[ "${lines[0]}" = DENIED ]
	echo '{"workdir": {"access": "none"}}' > "$SCRATCH/none.json"
	run nono_run --profile "$SCRATCH/none.json" --allow-cwd -- cat "$WORK/file"
	lacks keep
	# without a profile's level, --allow-cwd is read and write, as before
	run nono_run --allow-cwd -- sh -c 'echo changed > file'
	[ "$(cat "$WORK/file")" = changed ]
}

@test "environment.set_vars: \$WORKDIR is --workdir, \$TMPDIR the private TMPDIR" {
	mkdir -p "$SCRATCH/wd"
	echo '{"environment": {"set_vars": {"MY_W": "$WORKDIR/sub", "MY_T": "$TMPDIR/cache"}}}' > "$SCRATCH/env.json"
	run nono_run --profile "$SCRATCH/env.json" --workdir "$SCRATCH/wd" -- sh -c 'echo "$MY_W|$MY_T|$TMPDIR"'
	[ "$status" -eq 0 ]
	IFS='|' read -r w t tmp <<<"$output"
	[ "$w" = "$SCRATCH/wd/sub" ]
	[[ "$tmp" == /tmp/nono-* ]]
	[ "$t" = "$tmp/cache" ]
}

@test "glob patterns in profile paths are expanded at start: each match granted, protected ones left out" {
	mkdir -p "$WORK/pkg-a" "$WORK/pkg-b" "$WORK/other"
	for d in pkg-a pkg-b other; do echo "$d" > "$WORK/$d/f"; done
	mkdir -p "$SCRATCH/run"
	echo "{\"filesystem\": {\"read\": [\"$WORK/pkg-*\"], \"deny\": [\"$WORK/pkg-b\"]}}" > "$SCRATCH/g.json"
	run nono_run --profile "$SCRATCH/g.json" -- cat "$WORK/pkg-a/f"
	[ "$output" = pkg-a ]
	run nono_run --profile "$SCRATCH/g.json" -- cat "$WORK/pkg-b/f"
	[ "$output" != pkg-b ]
	has "Permission denied"
	run nono_run --profile "$SCRATCH/g.json" -- cat "$WORK/other/f"
	[ "$output" != other ]
	has "Permission denied"
	# a pattern that matches nothing: a warning, not an error
	echo "{\"filesystem\": {\"read\": [\"$WORK/nomatch-*\"]}}" > "$SCRATCH/g2.json"
	run timeout 30 "$NONO" run --profile "$SCRATCH/g2.json" -- true
	[ "$status" -eq 0 ]
	has "the pattern matches nothing; skipped"
	# filesystem.deny takes patterns too
	echo "{\"filesystem\": {\"allow\": [\"$WORK\"], \"deny\": [\"$WORK/*.env\"]}}" > "$SCRATCH/g3.json"
	echo TOKEN=1 > "$WORK/prod.env"
	run nono_run --profile "$SCRATCH/g3.json" -- cat "$WORK/prod.env"
	lacks TOKEN
}

@test "filesystem.deny of a subdirectory: files in other subdirectories can be made; a new top-level entry is refused, as nono-profile(5) says" {
	mkdir -p "$WORK/private" "$WORK/src"
	echo secret > "$WORK/private/key"
	echo "{\"filesystem\": {\"allow\": [\"$WORK\"], \"deny\": [\"$WORK/private\"]}}" > "$SCRATCH/d.json"
	run nono_run --profile "$SCRATCH/d.json" -- sh -c "echo new > '$WORK/src/new.c'; cat '$WORK/private/key'; echo top > '$WORK/public.txt'"
	[ "$(cat "$WORK/src/new.c")" = new ]
	lacks secret
	[ ! -e "$WORK/public.txt" ]
	has "Permission denied"
	grep -q "which would reach" "$NONO_SRCDIR/man/nono-profile.5"
}

@test "an abbreviated flag is refused with the full one named: --op never becomes --open-port" {
	run timeout 10 "$NONO" run --op 5432 -- touch "$WORK/ran"
	[ "$status" -ne 0 ]
	has "unknown option '--op'"
	has "did you mean --open-port"
	[ ! -e "$WORK/ran" ]
	run timeout 10 "$NONO" run --allow-cw -- true
	has "unknown option '--allow-cw'"
	# the program's own flags are its own
	run nono_run -- sh -c 'echo "$1"' sh --op
	[ "$output" = --op ]
}

@test "--allow-ssh-agent: the agent's socket alone; ~/.ssh stays denied; no agent is an error" {
	command -v ssh-agent >/dev/null || skip "no ssh-agent"
	eval "$(ssh-agent -s)" >/dev/null
	bg "$SSH_AGENT_PID"
	ssh-keygen -q -t ed25519 -N '' -f "$SCRATCH/key" >/dev/null
	ssh-add -q "$SCRATCH/key" 2>/dev/null
	run nono_run -- ssh-add -l
	[ "$status" -ne 0 ]
	has "Permission denied"
	run nono_run --allow-ssh-agent -- ssh-add -l
	[ "$status" -eq 0 ]
	has "ED25519"
	run nono_run --allow-ssh-agent -- cat "$HOME/.ssh/id_rsa"
	lacks SECRET-SSH-KEY
	unset SSH_AUTH_SOCK
	run timeout 10 "$NONO" run --allow-ssh-agent -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	has "--allow-ssh-agent: no agent socket found"
	[ ! -e "$WORK/ran" ]
}

@test "--allow-gpg-agent: gpg signs through the agent; the private keys stay unreadable" {
	command -v gpg >/dev/null && command -v gpgconf >/dev/null || skip "no gpg"
	gpg --batch --passphrase '' --quick-gen-key 'Nono Test <t@example.com>' ed25519 sign 0 >/dev/null 2>&1
	gpgconf --launch gpg-agent
	echo message > "$WORK/msg"
	run nono_run --allow "$WORK" -- gpg --batch -u t@example.com --detach-sign -o "$WORK/msg.sig" "$WORK/msg"
	[ ! -s "$WORK/msg.sig" ]
	run nono_run --allow "$WORK" --allow-gpg-agent -- gpg --batch -u t@example.com --detach-sign -o "$WORK/msg.sig" "$WORK/msg"
	[ -s "$WORK/msg.sig" ]
	gpg --batch --verify "$WORK/msg.sig" "$WORK/msg"
	key=$(ls "$HOME"/.gnupg/private-keys-v1.d/*.key | head -1)
	[ -s "$key" ]
	run nono_run --allow-gpg-agent -- cat "$key"
	has "Permission denied"
	lacks "Created:"
	lacks "(private-key"
	gpgconf --kill gpg-agent
}

# ---- limits -------------------------------------------------------------------------

# the mechanism nono picked, from the banner: cgroup or rlimits
limit_mech() {
	run --separate-stderr timeout 30 "$NONO" run "$@" -- true
	MECH=rlimit
	[[ "$stderr" != *"(cgroup v2:"* ]] || MECH=cgroup
}

@test "--memory: an allocation beyond the limit fails (cgroup v2 or RLIMIT_AS, the banner says which); without it, it succeeds" {
	ALLOC='import sys
try:
    b = bytearray(256 << 20); b[::4096] = b"x" * len(b[::4096]); print("allocated")
except MemoryError:
    print("MemoryError")'
	run nono_run -- python3 -c "$ALLOC"
	[ "$output" = allocated ]
	limit_mech --memory 128M
	[[ "$stderr" == *"lim  memory 128 MiB"* ]]
	run nono_run --memory 128M -- python3 -c "$ALLOC"
	if [ "$MECH" = cgroup ]; then
		[ "$output" = MemoryError ] || [ "$status" -eq 137 ]
	else
		[ "$output" = MemoryError ]
	fi
	run -125 timeout 10 "$NONO" run --memory lots -- true
	has "--memory lots: expected a size"
}

@test "--max-processes: the session cannot fork past N (cgroup v2 pids.max, else RLIMIT_NPROC; as root without a cgroup, refused)" {
	FORKS='import os, time
n = 0
for i in range(20):
    try:
        if os.fork() == 0:
            time.sleep(3); os._exit(0)
        n += 1
    except OSError:
        pass
print("started", n)'
	limit_mech --max-processes 4
	if [ "$MECH" = rlimit ] && [ "$(id -u)" -eq 0 ]; then
		[ "$status" -eq 125 ]
		[[ "$stderr" == *"RLIMIT_NPROC does not bind root"* ]]
		ensure_test_user
		USER_HOME="$SCRATCH/uhome"
		mkdir -p "$USER_HOME"
		chown "$TEST_USER" "$USER_HOME"
		run as_user timeout 30 "$NONO" run --silent --max-processes 4 -- python3 -c "$FORKS"
		[ "$status" -eq 0 ]
		n=${output##*started }
		[ "$n" -lt 20 ]
		run as_user timeout 30 "$NONO" run --silent -- python3 -c "$FORKS"
		[[ "$output" == *"started 20"* ]]
		return 0
	fi
	[ "$status" -eq 0 ]
	run nono_run --max-processes 4 -- python3 -c "$FORKS"
	n=${output##*started }
	[ "$n" -lt 20 ]
	run nono_run -- python3 -c "$FORKS"
	[[ "$output" == *"started 20"* ]]
}

# ---- the proxy: --deny-domain, WebSocket ------------------------------------------------

# a WebSocket server stand-in on loopback: answers an upgrade with 101, then
# echoes; its port in $WSPORT
start_ws() {
	timeout 60 python3 -c '
import base64, hashlib, socket, sys, threading
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
def serve(c):
    head = b""
    while b"\r\n\r\n" not in head:
        d = c.recv(4096)
        if not d: return
        head += d
    hdrs = {l.split(b":", 1)[0].strip().lower(): l.split(b":", 1)[1].strip() for l in head.split(b"\r\n")[1:] if b":" in l}
    if hdrs.get(b"upgrade", b"").lower() != b"websocket" or b"upgrade" not in hdrs.get(b"connection", b"").lower():
        c.sendall(b"HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"); c.close(); return
    acc = base64.b64encode(hashlib.sha1(hdrs[b"sec-websocket-key"] + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest())
    c.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + acc + b"\r\n\r\n")
    while True:
        d = c.recv(4096)
        if not d: break
        c.sendall(b"echo:" + d)
while True:
    threading.Thread(target=serve, args=(s.accept()[0],), daemon=True).start()
' "$SCRATCH/wsport" &
	bg $!
	for _ in $(seq 50); do [ -s "$SCRATCH/wsport" ] && break; sleep 0.1; done
	WSPORT=$(cat "$SCRATCH/wsport")
}

# a WebSocket client through $HTTP_PROXY: absolute-form (plain ws://) or CONNECT
WSCLIENT='import base64, os, socket, sys, urllib.parse
mode, port = sys.argv[1], sys.argv[2]
p = urllib.parse.urlsplit(os.environ["HTTP_PROXY"])
auth = base64.b64encode(("%s:%s" % (p.username, p.password)).encode()).decode()
c = socket.create_connection((p.hostname, p.port), timeout=5)
def head():
    h = b""
    while b"\r\n\r\n" not in h:
        d = c.recv(1)
        if not d: break
        h += d
    return h.decode()
up = "Host: 127.0.0.1:%s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" % port
if mode == "connect":
    c.sendall(("CONNECT 127.0.0.1:%s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nProxy-Authorization: Basic %s\r\n\r\n" % (port, port, auth)).encode())
    print("connect:", head().split("\r\n")[0])
    c.sendall(("GET /ws HTTP/1.1\r\n" + up + "\r\n").encode())
else:
    c.sendall(("GET http://127.0.0.1:%s/ws HTTP/1.1\r\n" % port + up + "Proxy-Authorization: Basic %s\r\n\r\n" % auth).encode())
print("upgrade:", head().split("\r\n")[0])
c.sendall(b"hello")
print("reply:", c.recv(64).decode())'

@test "WebSocket through the proxy: a plain ws:// upgrade (absolute-form) and one inside CONNECT both switch and echo" {
	start_ws
	run nono_run --allow-domain 127.0.0.1 -- python3 -c "$WSCLIENT" absolute "$WSPORT"
	has "upgrade: HTTP/1.1 101 Switching Protocols"
	has "reply: echo:hello"
	run nono_run --allow-domain 127.0.0.1 -- python3 -c "$WSCLIENT" connect "$WSPORT"
	has "connect: HTTP/1.1 200 Connection established"
	has "upgrade: HTTP/1.1 101 Switching Protocols"
	has "reply: echo:hello"
	# a host the proxy does not allow gets no upgrade
	run nono_run --allow-domain example.com -- python3 -c "$WSCLIENT" absolute "$WSPORT"
	has "upgrade: HTTP/1.1 403"
	lacks "echo:hello"
}

@test "--deny-domain: refused through the proxy even where an allowed pattern covers it; alone, the rest allowed" {
	start_ws
	run nono_run --allow-domain 127.0.0.1 --deny-domain 127.0.0.1 -- python3 -c "$WSCLIENT" absolute "$WSPORT"
	has "upgrade: HTTP/1.1 403"
	lacks "echo:hello"
	# deny alone: proxy mode, every other host through it
	run nono_run --deny-domain evil.example -- python3 -c "$WSCLIENT" absolute "$WSPORT"
	has "reply: echo:hello"
	run --separate-stderr timeout 30 "$NONO" run --deny-domain evil.example -- true
	[[ "$stderr" == *"every host but 1 denied (evil.example)"* ]]
	run timeout 10 "$NONO" why --allow-domain '*.example.com' --deny-domain bad.example.com --host bad.example.com --json
	echo "$output" | pyjson "assert d['status'] == 'denied' and d['reason'] == 'proxy_filtered' and d['suggested_flag'] is None, d"
	run timeout 10 "$NONO" why --allow-domain '*.example.com' --deny-domain bad.example.com --host good.example.com --json
	echo "$output" | pyjson "assert d['status'] == 'allowed', d"
	# the proxy's answer says why, and offers no flag
	GET='import urllib.request, urllib.error, sys
try:
    urllib.request.urlopen(sys.argv[1], timeout=5)
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode().strip())'
	run nono_run --allow-domain '*.example.com' --deny-domain bad.example.com -- python3 -c "$GET" http://bad.example.com/
	has "403 nono: bad.example.com is denied in this sandbox (--deny-domain)"
	# and nono's note says the same: no flag would allow it
	run --separate-stderr timeout 30 "$NONO" run --allow-domain '*.example.com' --deny-domain bad.example.com -- \
		python3 -c "$GET" http://bad.example.com/
	[[ "$stderr" == *"the proxy refused GET bad.example.com:80: --deny-domain (network.deny_domain) refuses it"* ]]
	[[ "$stderr" == *"proxy bad.example.com (the proxy): no flag allows it"* ]]
	[[ "$stderr" != *"would allow it"* ]]
	run nono_run --allow-domain '*.example.com' -- python3 -c "$GET" http://other.example.org/
	has "403 nono: other.example.org is not on this sandbox's allow list; restart nono with --allow-domain other.example.org"
	# the profile key
	echo '{"network": {"allow_domain": ["127.0.0.1"], "deny_domain": ["127.0.0.1"]}}' >"$SCRATCH/deny.json"
	run nono_run --profile "$SCRATCH/deny.json" -- python3 -c "$WSCLIENT" absolute "$WSPORT"
	has "upgrade: HTTP/1.1 403"
}

@test "nono why --self --host inside a sandbox reads the ports and hosts from the capability file" {
	NONO_DIR="$(dirname "$NONO")"
	run nono_run --read "$NONO_DIR" --block-net --open-port 5432 -- "$NONO" why --self --host 127.0.0.1 --port 5432 --json
	echo "$output" | pyjson "assert d['status'] == 'allowed' and d['via'] == 'direct', d"
	run nono_run --read "$NONO_DIR" --block-net -- "$NONO" why --self --host 127.0.0.1 --port 5432 --json
	echo "$output" | pyjson "assert d['status'] == 'denied' and d['reason'] == 'network_blocked', d"
	run nono_run --read "$NONO_DIR" --allow-domain api.github.com -- "$NONO" why --self --host api.github.com --json
	echo "$output" | pyjson "assert d['status'] == 'allowed' and d['via'] == 'proxy', d"
	run nono_run --read "$NONO_DIR" --allow-domain api.github.com -- "$NONO" why --self --host evil.example --json
	echo "$output" | pyjson "assert d['status'] == 'denied' and d['reason'] == 'proxy_filtered', d"
}

@test "a subcommand's mistyped option is answered with the nearest one, exit 2" {
	run -2 timeout 10 "$NONO" profile list --jsn
	has "unknown option '--jsn'"
	has "did you mean --json?"
	run -2 timeout 10 "$NONO" profile lsit
	has "did you mean 'list'"
}

@test "profile validate: a grant inside a protected path is an error, as run refuses it; what flags may settle is a warning" {
	touch "$HOME/.ssh/config"
	echo '{"filesystem": {"read": ["$HOME/.ssh/config"]}}' >"$SCRATCH/ssh.json"
	run timeout 30 "$NONO" run --profile "$SCRATCH/ssh.json" -- touch "$WORK/ran"
	[ "$status" -ne 0 ]
	[ ! -e "$WORK/ran" ]
	run timeout 10 "$NONO" profile validate "$SCRATCH/ssh.json"
	[ "$status" -eq 1 ]
	has "nono run would refuse it: refusing"
	has "inside sensitive path"
	# with its own bypass_protection it is valid, and runs
	echo '{"filesystem": {"read": ["$HOME/.ssh/config"], "bypass_protection": ["$HOME/.ssh/config"]}}' >"$SCRATCH/ssh2.json"
	run timeout 10 "$NONO" profile validate "$SCRATCH/ssh2.json"
	[ "$status" -eq 0 ]
	echo '{"filesystem": {"allow_delete": ["$WORKDIR"]}}' >"$SCRATCH/del.json"
	run timeout 10 "$NONO" profile validate "$SCRATCH/del.json"
	[ "$status" -eq 0 ]
	has "warning: nono run would refuse it: allow_delete"
}
