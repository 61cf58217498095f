#!/usr/bin/env bats
# nono where user namespaces are refused, and inside a container: the
# harness tests/fixtures/container.c refuses user namespaces as an AppArmor-
# or sysctl-restricted host does (--no-userns), or applies Docker's default
# seccomp policy and, as root, its capability set (--docker: no namespaces,
# no pidfd_getfd, no unshare). nono runs without its PID namespace, says so,
# and holds the same escapes (tests/fixtures/escapes.py), or names what lets
# one through; --strict refuses. Under Docker's policy the supervisor makes
# the program's sockets again where it cannot copy them.
load helpers
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	need_container
	ensure_test_user
	USER_HOME="$SCRATCH/uhome"
	mkdir -p "$USER_HOME/.ssh" "$USER_HOME/proj"
	echo "SECRET-SSH-KEY-$$" >"$USER_HOME/.ssh/id_rsa"
	chown -R "$TEST_USER" "$USER_HOME"
	# the test user could write and delete outside but for the sandbox
	chmod 777 "$OUTSIDE"
	cp "$FIXTURES/escapes.py" "$SCRATCH/escapes.py"
	chmod 644 "$SCRATCH/escapes.py"
	NAME="nono-container-$$-$RANDOM"
	python3 "$SCRATCH/escapes.py" serve "$SCRATCH" "$NAME" &
	bg $!
	for _ in $(seq 100); do [ -s "$SCRATCH/port" ] && break; sleep 0.05; done
	PORT=$(cat "$SCRATCH/port")
}
teardown() { common_teardown; }

# contained MODE USER ABI FLAGS...: the escapes in nono, as USER (root or
# the test user) under the harness in MODE at Landlock ABI, judged against
# what setup and the dry run name weaker there
contained() {
	local mode=$1 user=$2 abi=$3 victim
	shift 3
	echo "outside-data" >"$OUTSIDE/data.txt"
	chmod 666 "$OUTSIDE/data.txt"
	mkdir -p "$SCRATCH/pids"
	chmod 777 "$SCRATCH/pids"
	rm -f "$SCRATCH/pids/victim"
	runuser -u "$user" -- sh -c "echo \$\$ >'$SCRATCH/pids/v.tmp'; mv '$SCRATCH/pids/v.tmp' '$SCRATCH/pids/victim'; exec sleep 60" &
	bg $!
	for _ in $(seq 100); do [ -s "$SCRATCH/pids/victim" ] && break; sleep 0.05; done
	victim=$(cat "$SCRATCH/pids/victim")
	bg "$victim"
	in_box() {
		runuser -u "$user" -- env HOME="$USER_HOME" PATH="$PATH" NONO_TEST_LANDLOCK_ABI="$abi" \
			"$CONTAINER" "$mode" -- timeout 30 "$NONO" "$@"
	}
	in_box setup --check-only --json >"$SCRATCH/setup.json"
	in_box run --dry-run --json --allow "$USER_HOME/proj" "$@" -- true >"$SCRATCH/plan.json"
	cd "$USER_HOME/proj"
	run in_box run --allow "$USER_HOME/proj" --read "$SCRATCH/escapes.py" "$@" -- \
		python3 "$SCRATCH/escapes.py" try "$USER_HOME" "$OUTSIDE" "$PORT" "$victim" "$NAME"
	[ "$status" -eq 0 ]
	echo "$output" >"$SCRATCH/escapes"
	BANNER=$output
	run python3 "$SCRATCH/escapes.py" judge "$SCRATCH/escapes" "$SCRATCH/setup.json" "$SCRATCH/plan.json"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(cat "$OUTSIDE/data.txt")" = outside-data ]
	[ ! -e "$OUTSIDE/written" ]
	output=$BANNER
	has "read-secret: held"
	has "no PID namespace ("
	kill -0 "$victim"
}

@test "without user namespaces, as a user: the escapes hold, and the banner says the PID namespace is missing" {
	contained --no-userns "$TEST_USER" 7 --block-net
	has "the host's processes listed in /proc"
	has "Landlock keeps signals in"
	pyjson 'assert d["pid_namespace"] is False and "refused" in d["pid_namespace_reason"], d' <"$SCRATCH/setup.json"
	pyjson 'assert d["pid_namespace_unavailable"] and d["network_namespace"] is False, d' <"$SCRATCH/plan.json"
	# without --block-net too
	contained --no-userns "$TEST_USER" 7
}

@test "without user namespaces at ABI 5: signals reach the host, and that is named" {
	contained --no-userns "$TEST_USER" 5 --block-net
	has "signals can reach the host's processes of the same user"
	grep -q "signal-outside: escaped" "$SCRATCH/escapes"
}

@test "without user namespaces at ABI 3: no network namespace, the supervisor holds TCP connect and bind" {
	contained --no-userns "$TEST_USER" 3 --block-net
	grep -q "tcp-connect: held" "$SCRATCH/escapes"
	grep -q "tcp-bind: held (EACCES)" "$SCRATCH/escapes"
	pyjson 'assert [w for w in d["weaknesses"] if w["id"] == "tcp" and not w["weaker"] and "bind" in w["instead"]], d' <"$SCRATCH/plan.json"
	# UNIX sockets still bind, listen and connect, by the supervisor; the
	# socket keeps its own name, and the program's umask
	cd "$USER_HOME/proj"
	run runuser -u "$TEST_USER" -- env HOME="$USER_HOME" NONO_TEST_LANDLOCK_ABI=3 "$CONTAINER" --no-userns -- \
		timeout 30 "$NONO" run --silent --block-net --allow "$USER_HOME/proj" -- python3 -c "
import os, socket
os.umask(0o077)
s = socket.socket(socket.AF_UNIX); s.bind('rel.sock'); s.listen(1)
c = socket.socket(socket.AF_UNIX); c.connect('rel.sock'); a, _ = s.accept(); c.send(b'hi')
print('stream', a.recv(2), s.getsockname(), oct(os.stat('rel.sock').st_mode & 0o777))
d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); d.bind('$USER_HOME/proj/d')
e = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); e.bind('$USER_HOME/proj/e')
e.sendto(b'x', '$USER_HOME/proj/d'); m, src = d.recvfrom(2); d.sendto(b'y', src)
print('dgram', src, e.recv(2))
try:
    socket.socket(socket.AF_UNIX).bind('$OUTSIDE/sock'); print('outside bound')
except OSError as x:
    print('outside', x.strerror)"
	[ "$status" -eq 0 ]
	has "stream b'hi' rel.sock 0o700"
	has "dgram $USER_HOME/proj/e b'y'"
	has "outside Permission denied"
	[ ! -e "$OUTSIDE/sock" ]
}

@test "--strict refuses where user namespaces are refused, with the reason; nothing runs" {
	run runuser -u "$TEST_USER" -- env HOME="$USER_HOME" "$CONTAINER" --no-userns -- \
		timeout 30 "$NONO" run --silent --strict --allow "$USER_HOME/proj" -- touch "$USER_HOME/proj/ran"
	[ "$status" -eq 125 ]
	has "--strict"
	has "the host's processes listed in /proc"
	[ ! -e "$USER_HOME/proj/ran" ]
}

@test "under Docker's seccomp policy and capabilities, as root: the escapes hold, --block-net holds" {
	contained --docker root 7 --block-net
	contained --docker root 7
	# and at an older ABI, what is weaker is named
	contained --docker root 3 --block-net
	grep -q "tcp-connect: held" "$SCRATCH/escapes"
}

@test "under Docker's policy, as a user: the escapes hold" {
	contained --docker "$TEST_USER" 7 --block-net
}

@test "under Docker's policy: files made for the program keep its umask; fchmod, ftruncate and sockets work without pidfd_getfd" {
	cd "$USER_HOME/proj"
	echo data >"$USER_HOME/proj/f"
	chown "$TEST_USER" "$USER_HOME/proj/f"
	run runuser -u "$TEST_USER" -- env HOME="$USER_HOME" "$CONTAINER" --docker -- timeout 30 "$NONO" run \
		--rollback --allow-delete --allow "$USER_HOME/proj" -- python3 -c "
import os, socket
w = '$USER_HOME/proj'
os.umask(0o077); os.mkdir(w + '/d', 0o777); open(w + '/p', 'w').close()
os.umask(0o002); open(w + '/g', 'w').close()
print('modes', oct(os.stat(w + '/d').st_mode & 0o777), oct(os.stat(w + '/p').st_mode & 0o777), oct(os.stat(w + '/g').st_mode & 0o777))
fd = os.open(w + '/f', os.O_RDWR); os.fchmod(fd, 0o640); os.ftruncate(fd, 2)
print('f', oct(os.stat(w + '/f').st_mode & 0o777), os.stat(w + '/f').st_size)
srv = socket.socket(socket.AF_UNIX); srv.bind(w + '/sock'); srv.listen(1)
c = socket.socket(socket.AF_UNIX); c.connect(w + '/sock'); a, _ = srv.accept(); c.send(b'ping'); print('unix', a.recv(4))
t = socket.socket(); t.bind(('127.0.0.1', 0)); t.listen(1)
k = socket.socket(); k.connect(t.getsockname()); s, _ = t.accept(); k.send(b'tcp'); print('tcp', s.recv(3)); k.close(); print('eof', s.recv(1))
r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); r.bind(('127.0.0.1', 0))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.sendto(b'one', r.getsockname()); u.sendto(b'two', r.getsockname())
m, src = r.recvfrom(8); print('udp', m, r.recv(8))
for what, f in (('connect', lambda: r.connect(src)), ('sendto', lambda: r.sendto(b'x', src))):
    try:
        f(); print('bound', what, 'went through')
    except OSError as e:
        print('bound', what, e.strerror)
b = socket.socket(); b.bind(('127.0.0.1', 0))
try:
    b.connect(t.getsockname()); print('bound connect went through')
except OSError as e:
    print('bound connect', e.strerror)"
	echo "$output"
	[ "$status" -eq 0 ]
	has "modes 0o700 0o600 0o664"
	has "f 0o640 2"
	has "unix b'ping'"
	has "tcp b'tcp'"
	has "eof b''"
	has "udp b'one' b'two'"
	# a socket the program bound itself: connect and sendto cannot be made
	# again, so they are refused, and that is said once
	has "bound sendto Operation not permitted"
	has "bound connect Operation not permitted"
	has "refuses pidfd_getfd"
	has "CAP_SYS_PTRACE"
}

@test "under Docker's policy: proxy mode reaches an allowed host, a direct connection is refused" {
	echo "served-bytes-$$" >"$OUTSIDE/page.txt"
	chmod 644 "$OUTSIDE/page.txt"
	timeout 60 python3 -m http.server --bind 127.0.0.1 --directory "$OUTSIDE" 0 >"$SCRATCH/http.log" 2>&1 &
	bg $!
	for _ in $(seq 100); do
		HPORT=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$SCRATCH/http.log" | head -1)
		[ -n "$HPORT" ] && break
		sleep 0.05
	done
	[ -n "$HPORT" ]
	cd "$USER_HOME/proj"
	run runuser -u "$TEST_USER" -- env HOME="$USER_HOME" "$CONTAINER" --docker -- timeout 60 "$NONO" run --silent \
		--allow "$USER_HOME/proj" --allow-domain localhost -- sh -c \
		"NO_PROXY= no_proxy= curl -s -S --max-time 20 http://localhost:$HPORT/page.txt; echo; curl -s -S --noproxy '*' --max-time 5 http://127.0.0.1:$HPORT/page.txt; echo direct=\$?"
	has "served-bytes-$$"
	has "direct=7"
}
