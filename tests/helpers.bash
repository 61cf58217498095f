# helpers.bash - shared set-up for the bats suites. Each test gets a scratch
# tree and a fake HOME holding fake secrets, so nothing depends on the real
# home directory. $NONO is the binary under test (set by 'make check').

: "${NONO:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/_build/nono}"
export NONO

common_setup() {
	# system tools only: a PATH entry under the real home (pyenv, cargo) is
	# not granted inside the sandbox
	export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	SCRATCH="$(mktemp -d /tmp/nono-test.XXXXXX)"
	chmod 755 "$SCRATCH"
	export HOME="$SCRATCH/home"
	mkdir -p "$HOME/.ssh" "$HOME/.aws" "$HOME/proj" "$HOME/docs"
	echo "SECRET-SSH-KEY-$$" > "$HOME/.ssh/id_rsa"
	echo "SECRET-AWS-$$" > "$HOME/.aws/credentials"
	echo "export SECRET_BASHRC=1" > "$HOME/.bashrc"
	echo "doc" > "$HOME/docs/readme.txt"
	WORK="$SCRATCH/work"
	mkdir -p "$WORK"
	OUTSIDE="$SCRATCH/outside"
	mkdir -p "$OUTSIDE"
	echo "outside-data" > "$OUTSIDE/data.txt"
	unset XDG_STATE_HOME XDG_CONFIG_HOME XDG_CACHE_HOME XDG_DATA_HOME NONO_ALLOW NONO_BLOCK_NET
	unset NONO_TEST_LANDLOCK_ABI NONO_CAP_FILE
	cd "$WORK" || return 1
}

common_teardown() {
	local p
	# a failing test says what nono printed last
	if [ -z "${BATS_TEST_COMPLETED:-}" ] && [ -n "${output+set}" ]; then
		printf -- '--- the last run exited %s and printed:\n%s\n' "${status:-?}" "$output"
		[ -z "${stderr:-}" ] || printf -- '--- on stderr:\n%s\n' "$stderr"
	fi
	for p in ${BG_PIDS:-}; do kill "$p" 2>/dev/null || true; done
	cd / || true
	if [ -n "${SCRATCH:-}" ] && [ -d "$SCRATCH" ]; then
		chmod -R u+rwX "$SCRATCH" 2>/dev/null || true
		# a process the test started may still be exiting (tmux, a killed
		# sandbox): retry, and never let clean-up fail a test
		for _ in 1 2 3 4 5; do
			rm -rf "$SCRATCH" 2>/dev/null && break
			sleep 0.2
		done
	fi
	return 0
}

# nono run, silent, with a time bound
nono_run() {
	timeout 30 "$NONO" run --silent "$@"
}

# a process the test started in the background, killed by common_teardown
bg() { BG_PIDS="${BG_PIDS:-} $1"; }

# kill processes and reap them
stop() { kill "$@" 2>/dev/null || true; wait "$@" 2>/dev/null || true; }

# the last run printed TEXT (has) or did not (lacks); each says what it
# printed when it did not
has() { [[ "$output" == *"$1"* ]] || { printf 'expected: %s\noutput: %s\n' "$1" "$output"; return 1; }; }
lacks() { [[ "$output" != *"$1"* ]] || { printf 'not expected: %s\noutput: %s\n' "$1" "$output"; return 1; }; }

# python3 with the JSON of stdin in d: pyjson "assert d['x'] == 1, d"
pyjson() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

# The unprivileged user the suite runs as where root would behave differently
# (root bypasses file permissions; Landlock binds it all the same).
TEST_USER=nonotest
ensure_test_user() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to create the test user"
	if ! id "$TEST_USER" >/dev/null 2>&1; then
		useradd --create-home --shell /bin/sh "$TEST_USER" >/dev/null 2>&1 || skip "useradd failed"
	fi
}

# run a command as the test user with its own HOME
as_user() {
	runuser -u "$TEST_USER" -- env HOME="$USER_HOME" PATH="/usr/local/bin:/usr/bin:/bin" "$@"
}

# Under AddressSanitizer, LeakSanitizer needs ptrace at exit, which the
# sandbox refuses by design: a sanitizer build of nono run inside nono would
# abort. Memory errors are still caught; leaks are checked by the unit tests.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# The 32-bit x86 entry (int $0x80) exists only where the kernel has IA-32
# emulation (not on other architectures, nor with ia32_emulation=0, where it
# kills the caller with SIGSEGV). Build the probe and check it outside the
# sandbox first; skip with the reason where the host lacks it.
need_ia32() {
	[ "$(uname -m)" = x86_64 ] || skip "no 32-bit x86 ABI on $(uname -m)"
	cc -O0 -o "$SCRATCH/int80" "$BATS_TEST_DIRNAME/fixtures/int80.c" 2>/dev/null || skip "no C compiler"
	local pid
	pid=$("$SCRATCH/int80" 20 2>/dev/null) || skip "the host has no IA-32 emulation: int \$0x80 fails outside the sandbox"
	[ "${pid:-0}" -gt 0 ] 2>/dev/null || skip "the host has no IA-32 emulation: getpid through int \$0x80 gave '$pid'"
}

# A PID namespace with its own /proc, made outside the sandbox first: as root
# directly, as the test user (as_user) in a user namespace. Skip with the
# reason where the host cannot (user namespaces off, AppArmor, a container).
need_pidns() {
	command -v unshare >/dev/null || skip "no unshare(1) to check for namespaces"
	if [ "${1:-}" = user ]; then
		as_user unshare --user --map-root-user --pid --fork --mount-proc true >/dev/null 2>&1 ||
			skip "the host refuses unprivileged user namespaces: no PID namespace as $TEST_USER"
	else
		unshare --pid --fork --mount-proc true >/dev/null 2>&1 || skip "the host refuses a PID namespace"
	fi
}

# The container harness (tests/fixtures/container.c): --no-userns refuses
# user namespaces, --docker applies Docker's default seccomp policy and
# capability set. Built into the test's scratch tree (which the test user
# can reach); skips without a compiler or libseccomp's headers.
need_container() {
	CONTAINER="$SCRATCH/container"
	cc -o "$CONTAINER" "$FIXTURES/container.c" -lseccomp 2>/dev/null ||
		skip "cannot build the container harness (cc, libseccomp-dev)"
	chmod 755 "$CONTAINER"
}

# ---- the pack registry stand-in (packs.bats, trust.bats, claude-code.bats) ----
# registry_start (in setup_file) makes a test CA, a certificate for 127.0.0.1
# it signed, two Ed25519 signing keys (the registry's and one nono does not
# trust), and starts tests/fixtures/registry.py serving $REG_WWW over HTTPS.
# Each test publishes into a registry of its own (registry_use) with mkpack.
FIXTURES="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/fixtures"

registry_start() {
	REG_DIR="$BATS_FILE_TMPDIR/registry"
	REG_WWW="$REG_DIR/www"
	mkdir -p "$REG_WWW"
	(
		cd "$REG_DIR" || exit 1
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
			-days 2 -subj /CN=nono-test-ca -addext basicConstraints=critical,CA:TRUE \
			-addext keyUsage=critical,keyCertSign,cRLSign
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout srv.key -out srv.csr \
			-subj /CN=127.0.0.1
		printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >srv.ext
		openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 2 \
			-extfile srv.ext
		openssl genpkey -algorithm ed25519 -out sign.key
		openssl pkey -in sign.key -pubout -out sign.pub
		openssl genpkey -algorithm ed25519 -out other.key
	) >"$REG_DIR/setup.log" 2>&1 || { cat "$REG_DIR/setup.log"; return 1; }
	python3 "$FIXTURES/registry.py" --root "$REG_WWW" --cert "$REG_DIR/srv.pem" --key "$REG_DIR/srv.key" \
		--port-file "$REG_DIR/port" --log "$REG_DIR/requests.jsonl" >"$REG_DIR/server.log" 2>&1 3>&- &
	echo $! >"$REG_DIR/pid"
	for _ in $(seq 100); do
		[ -s "$REG_DIR/port" ] && break
		sleep 0.05
	done
	[ -s "$REG_DIR/port" ] || { cat "$REG_DIR/server.log"; return 1; }
	export REG_DIR REG_WWW
	REG_PORT=$(cat "$REG_DIR/port")
	export REG_PORT
	export REG_CA="$REG_DIR/ca.pem" REG_KEY="$REG_DIR/sign.key" REG_PUB="$REG_DIR/sign.pub"
	export OTHER_KEY="$REG_DIR/other.key"
}

registry_stop() {
	[ -s "${REG_DIR:-/nonexistent}/pid" ] && kill "$(cat "$REG_DIR/pid")" 2>/dev/null
	return 0
}

# registry_use NAME: this test's registry (https://127.0.0.1:PORT/NAME) in
# the fake HOME's config.ini, with the test CA, and the signing key trusted
registry_use() {
	REG="$REG_WWW/$1"
	REG_URL="https://127.0.0.1:$REG_PORT/$1"
	mkdir -p "$REG" "$HOME/.config/nono"
	printf '[registry]\nurl = %s\nca_file = %s\n' "$REG_URL" "$REG_CA" >"$HOME/.config/nono/config.ini"
	"$NONO" trust add "$REG_PUB" >/dev/null
}

# mkpack ARGS: publish into this test's registry, signed with the trusted key
# unless --key comes first
mkpack() {
	local key=$REG_KEY
	if [ "${1:-}" = --key ]; then
		key=$2
		shift 2
	fi
	python3 "$FIXTURES/mkpack.py" --registry "$REG" --key "$key" "$@"
}

# a listing of a tree that changes if any name, type, mode, size or byte does
tree_state() {
	[ -e "$1" ] || { echo "absent"; return 0; }
	(cd "$1" && find . -printf '%p %y %m %s %T@\n' | sort && find . -type f -exec sha256sum {} + | sort)
}

# ---- a real terminal (tmux) for nono shell: shell.bats, shell-tmux.bats ----
# tmux_shell [FLAGS...]: nono shell in a tmux pane of its own, started from
# $WORK with --allow $WORK --read ~/docs (or FLAGS), once its prompt shows.
tmux_shell() {
	tmux -L "nono-$$" new-session -d -s s -x 160 -y 50 \
		"env PATH=$PATH HOME=$HOME XDG_STATE_HOME=$XDG_STATE_HOME SHELL=${TMUX_SHELL:-/bin/bash} TERM=xterm bash --norc --noprofile"
	if [ $# -eq 0 ]; then set -- --allow "$WORK" --read "$HOME/docs"; fi
	tmux -L "nono-$$" send-keys -t s "cd $WORK && $NONO shell --silent $*" Enter
	wait_screen '\[nono'
}
screen() { tmux -L "nono-$$" capture-pane -t s -p -S -200; }
wait_screen() {
	for _ in $(seq 80); do screen | grep -q -- "$1" && return 0; sleep 0.1; done
	printf 'expected on the screen: %s\n--- the screen:\n' "$1"; screen; return 1
}
# the screen has no line matching $1
screen_lacks() {
	! screen | grep -q -- "$1" || { printf 'not expected on the screen: %s\n--- the screen:\n' "$1"; screen; return 1; }
}
keys() { tmux -L "nono-$$" send-keys -t s "$@"; }
# type a line and wait until a prompt comes back (nono's, or its '>'
# continuation), at most 10 s; then ${2:-0.1} s more
prompts() { screen | grep -c '^\[nono\|^>'; }
line() {
	local before
	before=$(prompts)
	keys "$1" Enter
	for _ in $(seq 100); do [ "$(prompts)" -gt "$before" ] && break; sleep 0.1; done
	sleep "${2:-0.1}"
}

# an HTTP server on 127.0.0.1 serving $OUTSIDE, logging each request to
# $SCRATCH/requests; its pid in $SERVER (the caller's teardown kills it),
# its port in $PORT (it exits after 60 s whatever happens)
start_http() {
	timeout 60 python3 - "$OUTSIDE" "$SCRATCH/requests" "$SCRATCH/port" <<'PY' &
import http.server, os, sys
root, log, portfile = sys.argv[1:4]
class H(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k): super().__init__(*a, directory=root, **k)
    def log_message(self, fmt, *args):
        open(log, "a").write(self.requestline + "\n")
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
open(portfile + ".tmp", "w").write(str(s.server_address[1])); os.rename(portfile + ".tmp", portfile)
s.serve_forever()
PY
	# shellcheck disable=SC2034 # SERVER and PORT are the caller's
	SERVER=$!
	for _ in $(seq 100); do [ -s "$SCRATCH/port" ] && break; sleep 0.05; done
	# shellcheck disable=SC2034
	PORT=$(cat "$SCRATCH/port")
	touch "$SCRATCH/requests"
}

# ---- the agents' end-to-end tests (claude-code.bats, codex.bats) ---------------

# agent_installed NAME BIN VERSION PREFIX: skip (or, with NONO_E2E_REQUIRED,
# fail) when the agent's pinned release is not installed or does not run
agent_installed() {
	if [ ! -x "$2" ] || ! HOME="$SCRATCH" "$2" --version >/dev/null 2>&1; then
		reason="$1 $3 is not installed in $4 (npm missing or the registry unreachable)"
		[ -z "${NONO_E2E_REQUIRED:-}" ] || { echo "$reason" >&2; return 1; }
		skip "$reason"
	fi
	STANDIN_PID=
}

# standin_start [LOG]: the stand-in API ($STANDIN) answering
# $SCRATCH/script.json, logging to $SCRATCH/LOG (requests.jsonl); a running
# one is stopped first. Its port in $PORT.
standin_start() {
	[ -z "${STANDIN_PID:-}" ] || stop "$STANDIN_PID"
	rm -f "$SCRATCH/port"
	python3 "$STANDIN" --script "$SCRATCH/script.json" --log "$SCRATCH/${1:-requests.jsonl}" \
		--port-file "$SCRATCH/port" &
	STANDIN_PID=$!
	for _ in $(seq 50); do
		[ -s "$SCRATCH/port" ] && break
		sleep 0.1
	done
	PORT=$(cat "$SCRATCH/port")
}

standin_teardown() {
	[ -z "${STANDIN_PID:-}" ] || kill "$STANDIN_PID" 2>/dev/null || true
	common_teardown
}
