#!/usr/bin/env bash
# quickstart.sh - the two commands of the README, for a fresh Debian 12 machine.
#
#   ./quickstart.sh run [PROGRAM [ARGS...]]   install deps, build, then open nono's
#                                             capability shell (or run PROGRAM) sandboxed
#                                             with read+write on the current directory only
#   ./quickstart.sh test                      install deps, build with -Werror and
#                                             pass every test (unit + integration)
#
# BUILD_DIR (default _build) and CONFIGURE_FLAGS adjust the build.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD_DIR:-$here/_build}
packages="build-essential autoconf automake libtool pkg-config git ca-certificates
	libseccomp-dev libjansson-dev libssl-dev libreadline-dev libinih-dev libgit2-dev
	libcmocka-dev libcurl4-openssl-dev bats python3 cargo iproute2 procps util-linux passwd shellcheck groff-base mandoc zsh fish bash-completion
	hyperfine bubblewrap socat tmux vim libsecret-1-dev libsecret-tools gnome-keyring dbus golang-go curl
	rsyslog systemd openssh-client gnupg"
# Node.js (the Claude Code end-to-end test): Debian's unless one is there; a
# nodesource nodejs carries its own npm and conflicts with Debian's
command -v npm >/dev/null && command -v node >/dev/null || packages="$packages nodejs npm"

need_packages() {
	for p in $packages; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || return 0
	done
	return 1
}

deps() {
	need_packages || return 0
	sudo=
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	echo "quickstart: installing build and test dependencies with apt-get" >&2
	# shellcheck disable=SC2086
	$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $packages >/dev/null
}

build() {
	if [ ! -x "$here/configure" ] || [ "$here/configure.ac" -nt "$here/configure" ] ||
	   [ "$here/Makefile.am" -nt "$here/Makefile.in" ]; then
		"$here/autogen.sh" >/dev/null 2>&1 || "$here/autogen.sh"
	fi
	mkdir -p "$build"
	(
		cd "$build"
		if [ ! -f Makefile ] || [ "$here/configure" -nt Makefile ]; then
			# shellcheck disable=SC2086
			"$here/configure" --enable-werror ${CONFIGURE_FLAGS:-} >/dev/null
		fi
		make -j"$(nproc)" >/dev/null
	)
}

# Print 'N passed, N failed' from the individual TAP results of the last run.
summary() {
	pass=$(cat "$build"/tests/*.trs "$build"/tests/unit/*.trs 2>/dev/null | grep -c '^:test-result: PASS' || true)
	fail=$(cat "$build"/tests/*.trs "$build"/tests/unit/*.trs 2>/dev/null | grep -c -E '^:test-result: (FAIL|XPASS|ERROR)' || true)
	skip=$(cat "$build"/tests/*.trs "$build"/tests/unit/*.trs 2>/dev/null | grep -c '^:test-result: SKIP' || true)
	echo "$pass passed, $fail failed, $skip skipped"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
run)
	deps
	build
	[ $# -gt 0 ] || exec "$build/nono" shell --allow "$PWD"
	exec "$build/nono" run --allow "$PWD" -- "$@"
	;;
test)
	deps
	build
	cd "$build"
	status=0
	timeout 1500 make -j"$(nproc)" check || status=$?
	if [ "$status" -ne 0 ]; then
		for f in tests/*.log tests/unit/*.log; do
			[ -f "$f" ] && grep -q -E '^(not ok|# FAIL|ERROR)' "$f" && { echo "--- $f"; cat "$f"; }
		done
	fi
	summary
	exit "$status"
	;;
summary)
	summary
	;;
*)
	echo "usage: $0 run [PROGRAM [ARGS...]] | test" >&2
	exit 2
	;;
esac
