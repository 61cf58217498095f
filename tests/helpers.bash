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
