#!/usr/bin/env bats
# Edit freely, lose nothing: under plain 'nono run --allow DIR' and 'nono
# shell --allow DIR', ordinary work in DIR succeeds (editors, sed -i,
# redirections, git, npm scripts, an automake build), and afterwards
# 'nono rollback restore last' brings DIR back byte for byte, modes
# included. With --no-delete the kernel refuses the same edits.
load helpers
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	STORE="$HOME/.local/state/nono/rollback"
	D="$WORK/proj"
	mkdir -p "$D"
}
teardown() { common_teardown; }

# every path with type, mode, size and link target, and every file's bytes
snapshot() {
	(cd "$1" && find . -printf '%p %y %m %s %l\n' | LC_ALL=C sort && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}

# run LINE in $D under plain 'nono run --allow $D' (mode run) or typed at
# 'nono shell --allow $D' (mode shell); stdin is not the program's
in_sandbox() {
	local mode=$1 line=$2
	if [ "$mode" = run ]; then
		run bash -c 'cd "$1" && timeout 180 "$NONO" run --allow "$1" -- sh -c "$2" </dev/null 2>&1' _ "$D" "$line"
	else
		run bash -c 'cd "$1" && printf "%s\n" "$2" | timeout 180 "$NONO" shell --allow "$1" 2>&1' _ "$D" "$line"
	fi
}

# the newest session, restored: $D is as it was in $1 (a snapshot)
restored_to() {
	run -0 timeout 60 "$NONO" rollback restore last "${@:2}"
	local now
	now=$(snapshot "$D")
	[ "$now" = "$1" ] || { diff <(echo "$1") <(echo "$now"); return 1; }
}

# a small work tree: text, an executable, a read-only file, a subdirectory
make_tree() {
	rm -rf "$D" && mkdir -p "$D/sub"
	printf 'line one\nline two\nline three\n' > "$D/notes.txt"
	printf 'alpha\n' > "$D/sub/a.txt"
	printf '#!/bin/sh\necho tool\n' > "$D/tool.sh"
	chmod 755 "$D/tool.sh"
	printf 'frozen\n' > "$D/ro.txt"
	chmod 444 "$D/ro.txt"
}

@test "vim edits and saves an existing file; no temporary file is left; restore undoes it" {
	command -v vim >/dev/null || skip "vim is not installed"
	for mode in run shell; do
		make_tree
		before=$(snapshot "$D")
		in_sandbox $mode "vim -N -u NONE -i NONE -Es -c '%s/two/TWO/' -c wq notes.txt; echo vim-exit=\$?"
		has "vim-exit=0"
		[ "$(sed -n 2p "$D/notes.txt")" = "line TWO" ]
		[ -z "$(cd "$D" && find . -name '*.swp' -o -name '*~')" ]
		restored_to "$before"
	done
}

@test "sed -i, echo > existing, Python open('w') and a rename over a file all land; restore undoes them" {
	for mode in run shell; do
		make_tree
		before=$(snapshot "$D")
		in_sandbox $mode "sed -i s/alpha/ALPHA/ sub/a.txt && echo hi > notes.txt && python3 -c \"open('tool.sh','w').write('x')\" && echo new > n && python3 -c \"import os; os.replace('n', 'ro.txt')\" && echo all-done"
		has all-done
		[ "$(cat "$D/sub/a.txt")" = ALPHA ]
		[ "$(cat "$D/notes.txt")" = hi ]
		[ "$(cat "$D/tool.sh")" = x ]
		[ "$(cat "$D/ro.txt")" = new ]
		[ -z "$(cd "$D" && find . -name 'sed*')" ]
		restored_to "$before"
	done
}

@test "git stash, checkout and rebase work; restore brings the repository back, .git included" {
	for mode in run shell; do
		make_tree
		(cd "$D" && git init -q -b main . && git config user.email t@example.com && git config user.name T &&
			git add -A && git commit -qm one && git checkout -qb feature && echo f > f.txt && git add f.txt &&
			git commit -qm feature && git checkout -q main && echo m > m.txt && git add m.txt &&
			git commit -qm main && echo dirty >> notes.txt)
		before=$(snapshot "$D")
		in_sandbox $mode "git stash -q && git checkout -q feature && git rebase -q main && git log --format=%s | tr '\n' ' ' && echo && git checkout -q main && git stash pop -q && echo git-done"
		has "feature main one"
		has git-done
		[ "$(tail -n1 "$D/notes.txt")" = dirty ]
		(cd "$D" && git merge-base --is-ancestor main feature)
		# .git is left to git unless asked for
		restored_to "$before" --include-vcs
		(cd "$D" && ! git merge-base --is-ancestor main feature)
	done
}

@test "an npm script that runs rm -rf dist && mkdir dist works; restore brings the old dist back" {
	command -v npm >/dev/null || skip "npm is not installed"
	export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
	for mode in run shell; do
		make_tree
		mkdir -p "$D/dist/js"
		echo old > "$D/dist/js/old.js"
		cat > "$D/package.json" <<'JSON'
{ "name": "p", "version": "1.0.0", "private": true,
  "scripts": { "test": "rm -rf dist && mkdir dist && echo built > dist/out.txt" } }
JSON
		before=$(snapshot "$D")
		in_sandbox $mode "npm test && echo npm-exit=\$?"
		has "npm-exit=0"
		[ "$(cat "$D/dist/out.txt")" = built ]
		[ ! -e "$D/dist/js" ]
		restored_to "$before"
	done
}

@test "an automake build and an incremental rebuild work; restore brings the tree back" {
	command -v autoreconf >/dev/null && command -v cc >/dev/null || skip "autotools or a C compiler is missing"
	make_tree
	cat > "$D/configure.ac" <<'AC'
AC_INIT([t], [1])
AM_INIT_AUTOMAKE([foreign])
AC_PROG_CC
AC_CONFIG_FILES([Makefile])
AC_OUTPUT
AC
	printf 'bin_PROGRAMS = t\nt_SOURCES = a.c b.c\n' > "$D/Makefile.am"
	printf 'int b(void);\nint main(void) { return b(); }\n' > "$D/a.c"
	printf 'int b(void) { return 0; }\n' > "$D/b.c"
	before=$(snapshot "$D")
	in_sandbox run "autoreconf -i >/dev/null 2>&1 && ./configure -q && make -s && ./t && echo first-ok && sleep 1 && echo 'int b(void) { return 3; }' > b.c && make -s && { ./t; echo rebuilt=\$?; }"
	has first-ok
	has "rebuilt=3"
	[ -f "$D/.deps/b.Po" ] || [ -f "$D/.deps/t-b.Po" ]
	restored_to "$before"
	# the rebuild again, typed at the shell
	in_sandbox shell "autoreconf -i >/dev/null 2>&1 && ./configure -q && make -s && ./t && echo shell-build-ok"
	has shell-build-ok
	restored_to "$before"
}

@test "find . | xargs cat reads the tree under run and shell" {
	make_tree
	for mode in run shell; do
		in_sandbox $mode "find . -type f | sort | xargs cat"
		has alpha
		has frozen
		lacks blocked
	done
}

@test "with --no-delete the kernel refuses the same edits and every byte stays" {
	make_tree
	echo old > "$D/sub/keep.txt"
	before=$(snapshot "$D")
	run bash -c 'cd "$1" && timeout 60 "$NONO" run --silent --no-delete --allow "$1" -- sh -c "
		sed -i s/alpha/ALPHA/ sub/a.txt || echo sed-refused
		echo hi > notes.txt || echo trunc-refused
		rm -rf sub || echo rm-refused
		echo n > n && { mv n tool.sh || echo rename-refused; }" 2>&1' _ "$D"
	has sed-refused
	has trunc-refused
	has rm-refused
	has rename-refused
	# every path and byte from before is still there (sed's and the
	# test's new files aside)
	# test's new files aside; a directory's size may change)
	[ -z "$(LC_ALL=C comm -23 <(echo "$before" | grep -v '^[^ ]* d ' | LC_ALL=C sort) <(snapshot "$D" | LC_ALL=C sort))" ]
	# and so does the shell
	run bash -c 'cd "$1" && printf "echo hi > notes.txt || echo shell-trunc-refused\n" | timeout 60 "$NONO" shell --no-delete --allow "$1" 2>&1' _ "$D"
	has shell-trunc-refused
	[ "$(cat "$D/notes.txt")" = "$(printf 'line one\nline two\nline three')" ]
}

# The store's filesystem full: a delete whose bytes cannot be saved is
# refused (ENOSPC), the file survives, and the summary says why. The store
# is a small tmpfs in a private mount namespace (root's, or a user
# namespace's where unprivileged ones are allowed).
@test "a full rollback store refuses the delete with ENOSPC and the file survives" {
	local ns=(unshare -m --propagation private)
	[ "$(id -u)" -eq 0 ] || ns=(unshare -Urm --propagation private)
	"${ns[@]}" true 2>/dev/null || skip "no mount namespace to mount a small store in"
	make_tree
	head -c 600000 /dev/urandom > "$D/big.bin"
	sum=$(sha256sum < "$D/big.bin")
	mkdir -p "$STORE"
	run "${ns[@]}" bash -c 'mount -t tmpfs -o size=256k tmpfs "$1" && cd "$2" &&
		timeout 60 "$NONO" run --allow "$2" -- python3 -c "
import errno, os
try:
    os.unlink(\"big.bin\")
    print(\"DELETED\")
except OSError as e:
    print(\"REFUSED\", errno.errorcode[e.errno])
os.unlink(\"sub/a.txt\")
print(\"small-deleted\")" 2>&1' _ "$STORE" "$D"
	has "REFUSED ENOSPC"
	lacks DELETED
	has small-deleted
	has "refused because the prior state could not be journaled: 1 for want of space"
	[ "$(sha256sum < "$D/big.bin")" = "$sum" ]
}

@test ".gitignore'd build output is left out of the journal and listed; tracked files and a rewritten .gitignore are not" {
	make_tree
	(cd "$D" && git init -q . && printf 'dist/\n*.o\n' > .gitignore && mkdir dist && echo a > dist/a.js &&
		echo o > x.o && echo t > tracked.o && git add .gitignore notes.txt && git add -f tracked.o &&
		git -c user.email=t@e -c user.name=T commit -qm i)
	run -0 bash -c 'cd "$1" && timeout 60 "$NONO" run --allow "$1" -- sh -c "rm -rf dist x.o tracked.o notes.txt" 2>&1' _ "$D"
	has "2 paths left out of the journal"
	run -0 "$NONO" rollback show last
	has "left out   $D/dist  (.gitignore, "
	has "left out   $D/x.o  (.gitignore, "
	run -0 "$NONO" rollback show last --json
	echo "$output" | pyjson "
lo = sorted(p['path'] for p in d['left_out'])
assert lo == ['$D/dist', '$D/x.o'], lo
assert {p['path'] for p in d['paths']} >= {'$D/tracked.o', '$D/notes.txt'}, d['paths']"
	run -0 "$NONO" rollback restore last
	[ "$(cat "$D/tracked.o")" = t ]
	[ -f "$D/notes.txt" ]
	[ ! -e "$D/dist" ]
	[ ! -e "$D/x.o" ]
	# the sandbox rewrites .gitignore to ignore everything, then deletes:
	# the journal still keeps what it deletes
	echo keep > "$D/work.txt"
	run -0 bash -c 'cd "$1" && timeout 60 "$NONO" run --allow "$1" -- sh -c "echo \"*\" > .gitignore; rm -f work.txt notes.txt" 2>&1' _ "$D"
	lacks "left out"
	run -0 "$NONO" rollback restore last
	[ "$(cat "$D/work.txt")" = keep ]
	[ -f "$D/notes.txt" ]
	[ "$(cat "$D/.gitignore")" = "$(printf 'dist/\n*.o')" ]
}
