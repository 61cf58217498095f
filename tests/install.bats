#!/usr/bin/env bats
# make install with DESTDIR and a prefix puts every file where a distribution
# expects it; make uninstall removes every one.
load helpers

bats_require_minimum_version 1.5.0

setup() {
	common_setup
	[ -n "${NONO_BUILDDIR:-}" ] && [ -f "$NONO_BUILDDIR/Makefile" ] || skip "needs the build tree (make check)"
	command -v make >/dev/null || skip "make not installed"
}
teardown() { common_teardown; }

# make in the build tree, quietly; the target and variables are the arguments
bmake() {
	make -s -C "$NONO_BUILDDIR" "$@" >"$SCRATCH/make.log" 2>&1 || { cat "$SCRATCH/make.log"; return 1; }
}

@test "make install DESTDIR=... prefix=/usr: binary, helpers, shims, man pages, completions" {
	dest="$SCRATCH/root"
	bmake install DESTDIR="$dest" prefix=/usr
	# the binary and the helpers it runs
	[ -x "$dest/usr/bin/nono" ]
	[ -x "$dest/usr/libexec/nono/nono-shim" ]
	[ -x "$dest/usr/libexec/nono/nono-shell" ]
	# the shims: one link per blocked command, to the shim
	[ "$(readlink "$dest/usr/libexec/nono/shims/rm")" = ../nono-shim ]
	[ "$(readlink "$dest/usr/libexec/nono/shims/sudo")" = ../nono-shim ]
	[ "$(find "$dest/usr/libexec/nono/shims" -type l | wc -l)" -ge 40 ]
	# nono alone, on the sandbox's PATH
	[ "$(readlink "$dest/usr/libexec/nono/self/nono")" = /usr/bin/nono ]
	# the agent hook script nono installs for Claude Code
	[ -x "$dest/usr/share/nono/hooks/nono-hook.sh" ]
	cmp "$dest/usr/share/nono/hooks/nono-hook.sh" "$NONO_SRCDIR/hooks/nono-hook.sh"
	# the keyring of the pack registries nono trusts
	cmp "$dest/usr/share/nono/trusted-keys" "$NONO_SRCDIR/data/trusted-keys"
	# the man pages, as they are in the source
	for m in man1/nono.1 man5/nono-profile.5 man5/nono-config.5; do
		cmp "$dest/usr/share/man/$m" "${NONO_SRCDIR}/man/${m#man?/}"
	done
	# completions: bash-completion loads completions/NAME for command NAME
	cmp "$dest/usr/share/bash-completion/completions/nono" "$NONO_SRCDIR/completions/nono.bash"
	[ ! -e "$dest/usr/share/bash-completion/completions/nono.bash" ]
	cmp "$dest/usr/share/zsh/site-functions/_nono" "$NONO_SRCDIR/completions/_nono"
	cmp "$dest/usr/share/fish/vendor_completions.d/nono.fish" "$NONO_SRCDIR/completions/nono.fish"
	# nothing outside the prefix
	[ "$(ls "$dest")" = usr ]
	# the installed binary is the one built
	run -0 "$dest/usr/bin/nono" --version
	[ "$output" = "$("$NONO" --version)" ]

	bmake uninstall DESTDIR="$dest" prefix=/usr
	run find "$dest" -type f -o -type l
	[ -z "$output" ] || { echo "left behind: $output"; return 1; }
}

@test "make install honours another prefix, and uninstall leaves nothing" {
	dest="$SCRATCH/stage"
	bmake install DESTDIR="$dest" prefix=/opt/nono
	[ -x "$dest/opt/nono/bin/nono" ]
	[ -x "$dest/opt/nono/libexec/nono/nono-shim" ]
	[ -f "$dest/opt/nono/share/man/man1/nono.1" ]
	[ -f "$dest/opt/nono/share/man/man5/nono-profile.5" ]
	[ -x "$dest/opt/nono/share/nono/hooks/nono-hook.sh" ]
	[ -f "$dest/opt/nono/share/bash-completion/completions/nono" ]
	[ -f "$dest/opt/nono/share/zsh/site-functions/_nono" ]
	[ -f "$dest/opt/nono/share/fish/vendor_completions.d/nono.fish" ]
	[ "$(ls "$dest")" = opt ]
	# installed files are not writable by others
	run find "$dest" -perm -o+w ! -type l
	[ -z "$output" ]
	bmake uninstall DESTDIR="$dest" prefix=/opt/nono
	run find "$dest" -type f -o -type l
	[ -z "$output" ] || { echo "left behind: $output"; return 1; }
}
