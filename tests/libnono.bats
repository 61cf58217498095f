#!/usr/bin/env bats
# libnono: the shared library exports exactly its API (the ABI check), make
# install puts the library, header and pkg-config file in place and a program
# built with 'pkg-config --cflags --libs nono' runs confined; the Python,
# Node and Rust bindings and their examples confine by effect.
load helpers

bats_require_minimum_version 1.5.0

setup() {
	common_setup
	export PYTHONDONTWRITEBYTECODE=1
	BUILD=$(cd "$(dirname "$NONO")" && pwd)
	[ -e "$BUILD/libnono.so.0" ] || skip "needs the build tree (libnono.so.0 beside nono)"
	echo "s3cr3t-$$" >"$OUTSIDE/secret"
	echo keep >"$WORK/keep.txt"
}

# a sanitizer build's library needs its runtime loaded before any other
# library, which a program not built with it (python3, cc's a.out) does not do
skip_if_sanitized() {
	if ldd "$BUILD/libnono.so.0" | grep -q 'libasan\|libubsan'; then
		skip "a sanitizer build: programs not built with it cannot load its libnono"
	fi
}
teardown() { common_teardown; }

# The examples' project: a.txt to modify, b.txt to create; $cmd also tries
# the secret outside and a write outside
example_project() {
	mkdir -p "$WORK/proj"
	echo a >"$WORK/proj/a.txt"
	rm -f "$WORK/proj/b.txt"
	cmd="echo b >> a.txt; echo new > b.txt; cat $OUTSIDE/secret; echo x > $OUTSIDE/x; echo done"
}

# ... and what an example printed and left: the changes, nothing outside
example_confined() {
	[[ "$output" == *done* ]]
	[[ "$output" == *"modified  a.txt"* ]]
	[[ "$output" == *"created   b.txt"* ]]
	[[ "$output" != *"s3cr3t-$$"* ]]
	[ ! -e "$OUTSIDE/x" ]
	[ "$(cat "$WORK/proj/b.txt")" = new ]
}

# the Rust crate, copied out of the source tree (make distcheck's is
# read-only and cargo writes Cargo.lock beside Cargo.toml) and built in
# SCRATCH against this build's libnono: cargo is the system's (Debian's
# 1.63 in CI), offline, the crate has no dependencies
rust_crate() {
	command -v cargo >/dev/null || { [ -z "${NONO_E2E_REQUIRED:-}" ] || false; skip "cargo not installed (apt-get install cargo)"; }
	skip_if_sanitized
	mkdir -p "$SCRATCH/rust"
	(cd "$NONO_SRCDIR/bindings/rust" && cp -R Cargo.toml build.rs src tests examples "$SCRATCH/rust/")
	export CARGO_TARGET_DIR="$SCRATCH/cargo-target" NONO_LIB_DIR="$BUILD" NONO="$NONO"
	# under make check -j, MAKEFLAGS names make's jobserver descriptors,
	# which are not open here: rustc would fail to take a token (EBADF)
	unset MAKEFLAGS MFLAGS CARGO_MAKEFLAGS
}

@test "libnono.so exports exactly the symbols of lib/libnono.sym, versioned, with its soname" {
	real=$(readlink -f "$BUILD/libnono.so.0")
	run -0 bash -c "nm -D --defined-only '$real' | awk '\$2 == \"T\" {print \$3}' | sed 's/@.*//' | sort"
	[ "$output" = "$(sort "$NONO_SRCDIR/src/lib/libnono.sym")" ]
	# every one in version NONO_0; nothing of nono's internals
	run -0 bash -c "nm -D --defined-only '$real' | awk '\$2 == \"T\"' | grep -vc '@@NONO_0\$' || true"
	[ "$output" = 0 ]
	! nm -D --defined-only "$real" | grep -q ' nono_policy_\| nono_plan_\| nono_journal_' || false
	# and the header declares each of them
	while read -r sym; do grep -q "\b$sym(" "$NONO_SRCDIR/src/lib/nono.h"; done <"$NONO_SRCDIR/src/lib/libnono.sym"
	run -0 bash -c "objdump -p '$real' | awk '/SONAME/ {print \$2}'"
	[ "$output" = libnono.so.0 ]
}

@test "make install: library, header and nono.pc; a program built with pkg-config runs confined" {
	[ -n "${NONO_BUILDDIR:-}" ] && [ -f "$NONO_BUILDDIR/Makefile" ] || skip "needs the build tree (make check)"
	command -v pkg-config >/dev/null && command -v cc >/dev/null || skip "needs pkg-config and a C compiler"
	skip_if_sanitized
	dest="$SCRATCH/root"
	make -s -C "$NONO_BUILDDIR" install DESTDIR="$dest" prefix=/usr >"$SCRATCH/make.log" 2>&1 || { cat "$SCRATCH/make.log"; false; }
	libdir=$(make -s -C "$NONO_BUILDDIR" --no-print-directory -f Makefile -f - print-libdir prefix=/usr <<<'print-libdir: ; @echo $(libdir)')
	[ -f "$dest/usr/include/nono.h" ]
	[ -f "$dest$libdir/pkgconfig/nono.pc" ]
	[ "$(readlink "$dest$libdir/libnono.so")" = libnono.so.0 ]
	[ -x "$dest$libdir/$(readlink "$dest$libdir/libnono.so.0")" ]
	cat >"$SCRATCH/prog.c" <<C
#include <nono.h>
#include <stdio.h>
int main(void)
{
	nono_sandbox *sb = nono_sandbox_create();
	nono_child *c;
	nono_error *e = NULL;
	const char *argv[] = {"sh", "-c", "cat $OUTSIDE/secret; echo made > $WORK/made; echo x > $OUTSIDE/x; exit 0", NULL};
	int st = -1;

	if (nono_sandbox_allow(sb, "$WORK", NONO_ACCESS_READWRITE, &e) < 0 || nono_sandbox_spawn(sb, argv, &c, &e) < 0) {
		fprintf(stderr, "%s\n", nono_error_get_message(e));
		return 1;
	}
	nono_child_wait(c, &st);
	printf("status %d session %s\n", st, nono_child_session_id(c));
	nono_child_release(c);
	nono_sandbox_destroy(sb);
	return 0;
}
C
	export PKG_CONFIG_SYSROOT_DIR="$dest" PKG_CONFIG_LIBDIR="$dest$libdir/pkgconfig"
	run -0 pkg-config --cflags --libs nono
	[[ "$output" == *"-lnono"* ]]
	# shellcheck disable=SC2046
	cc -o "$SCRATCH/prog" "$SCRATCH/prog.c" $(pkg-config --cflags --libs nono)
	run -0 env LD_LIBRARY_PATH="$dest$libdir" timeout 60 "$SCRATCH/prog"
	[[ "$output" == *"status 0 session "* ]]
	[[ "$output" != *"s3cr3t-$$"* ]]
	[[ "$output" == *"Permission denied"* ]]
	[ "$(cat "$WORK/made")" = made ]
	[ ! -e "$OUTSIDE/x" ]
	make -s -C "$NONO_BUILDDIR" uninstall DESTDIR="$dest" prefix=/usr >"$SCRATCH/make.log" 2>&1
	[ ! -e "$dest/usr/include/nono.h" ]
	[ ! -e "$dest$libdir/libnono.so.0" ]
	[ ! -e "$dest$libdir/pkgconfig/nono.pc" ]
}

@test "Python: the binding's tests pass under python3 -m unittest; the secret stays unread" {
	skip_if_sanitized
	run -0 env NONO="$NONO" NONO_LIBRARY="$BUILD/libnono.so.0" timeout 300 /usr/bin/python3 -m unittest discover \
		-s "$NONO_SRCDIR/bindings/python/tests" -v
	[[ "$output" == *"test_secret_unread_and_no_write_outside"*"ok"* ]]
	[[ "$output" == *"OK"* ]]
}

@test "Node: the binding's tests pass under node's test runner" {
	command -v node >/dev/null || { [ -z "${NONO_E2E_REQUIRED:-}" ] || false; skip "node not installed"; }
	run -0 env NONO="$NONO" timeout 300 node --test "$NONO_SRCDIR/bindings/node/test/"
	[[ "$output" == *"# pass 4"* ]]
	[[ "$output" == *"# fail 0"* ]]
}

@test "Rust: the crate's tests pass under cargo test, with the system's cargo and no crates" {
	rust_crate
	# a check that would skip (no NONO, no python3) fails instead
	run -0 env NONO_RS_STRICT=1 timeout 600 cargo test --offline --manifest-path "$SCRATCH/rust/Cargo.toml"
	[[ "$output" == *"test secret_unread_and_no_write_outside ... ok"* ]]
	[[ "$output" == *"test nul_bytes_are_errors ... ok"* ]]
	[[ "$output" == *"test result: ok. 11 passed; 0 failed"* ]]
	# apply_self's own binary, single-threaded (no libtest harness)
	[[ "$output" == *"test apply_self ... ok"* ]]
	[[ "$output" == *"test apply_self_refused_with_threads ... ok"* ]]
	[[ "$output" == *"test result: ok. 2 passed; 0 failed"* ]]
	[[ "$output" != *FAILED* ]]
	# cargo test builds the example too: linked against this build's
	# library, found through NONO_LIB_DIR (and its run path)
	run -0 ldd "$SCRATCH/cargo-target/debug/examples/confine_agent"
	[[ "$output" == *"libnono.so.0 => $BUILD/libnono.so.0"* ]]
}

@test "Rust: the example confines a command to a project and prints what it changed" {
	rust_crate
	example_project
	run -0 timeout 600 cargo run --offline -q --manifest-path "$SCRATCH/rust/Cargo.toml" --example confine_agent -- \
		"$WORK/proj" sh -c "$cmd"
	[[ "$output" == *"exit 0, session "* ]]
	example_confined
}

@test "Rust: build.rs finds an installed libnono through the pkg-config command" {
	[ -n "${NONO_BUILDDIR:-}" ] && [ -f "$NONO_BUILDDIR/Makefile" ] || skip "needs the build tree (make check)"
	command -v pkg-config >/dev/null || skip "needs pkg-config"
	rust_crate
	unset NONO_LIB_DIR
	dest="$SCRATCH/root"
	make -s -C "$NONO_BUILDDIR" install DESTDIR="$dest" prefix=/usr >"$SCRATCH/make.log" 2>&1 || { cat "$SCRATCH/make.log"; false; }
	# shellcheck disable=SC2016 # $(libdir) is make's
	libdir=$(make -s -C "$NONO_BUILDDIR" --no-print-directory -f Makefile -f - print-libdir prefix=/usr <<<'print-libdir: ; @echo $(libdir)')
	run -0 env PKG_CONFIG_SYSROOT_DIR="$dest" PKG_CONFIG_LIBDIR="$dest$libdir/pkgconfig" timeout 600 \
		cargo build --offline -q --manifest-path "$SCRATCH/rust/Cargo.toml" --examples
	run -0 ldd "$SCRATCH/cargo-target/debug/examples/confine_agent"
	[[ "$output" == *"libnono.so.0 => $dest$libdir/libnono.so.0"* ]]
	mkdir -p "$WORK/proj"
	run -0 timeout 60 "$SCRATCH/cargo-target/debug/examples/confine_agent" "$WORK/proj" sh -c "cat $OUTSIDE/secret; echo made > made"
	[[ "$output" != *"s3cr3t-$$"* ]]
	[[ "$output" == *"created   made"* ]]
}

@test "the Python and TypeScript examples confine a command to a project and print what it changed" {
	skip_if_sanitized
	example_project
	run -0 env NONO="$NONO" NONO_LIBRARY="$BUILD/libnono.so.0" timeout 60 /usr/bin/python3 \
		"$NONO_SRCDIR/bindings/python/examples/confine_agent.py" "$WORK/proj" sh -c "$cmd"
	example_confined
	command -v node >/dev/null || skip "node not installed"
	example_project
	run -0 env NONO="$NONO" timeout 60 node "$NONO_SRCDIR/bindings/node/examples/confine-agent.js" "$WORK/proj" sh -c "$cmd"
	example_confined
}
