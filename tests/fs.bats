#!/usr/bin/env bats
# Filesystem grants: --allow/-a, --read/-r, --write/-w, the single-file
# grants, --allow-cwd, --workdir, NONO_ALLOW, missing grants, and everything
# not granted being denied (reads too).
load helpers
bats_require_minimum_version 1.5.0

setup() { common_setup; }
teardown() { common_teardown; }

# ---------------------------------------------------------------- deny by default

@test "without a grant, reading outside is denied" {
	run nono_run -- cat "$OUTSIDE/data.txt"
	[ "$status" -ne 0 ]
	[[ "$output" == *"$OUTSIDE/data.txt: Permission denied"* ]]
	[[ "$output" != *outside-data* ]]
}

@test "without a grant, writing, creating and listing outside are denied" {
	run nono_run -- sh -c "echo overwritten > $OUTSIDE/data.txt; echo new > $OUTSIDE/new.txt; mkdir $OUTSIDE/d; ls $OUTSIDE"
	[ "$(echo "$output" | grep -c 'Permission denied')" -ge 4 ]
	[ "$(cat "$OUTSIDE/data.txt")" = outside-data ]
	[ ! -e "$OUTSIDE/new.txt" ]
	[ ! -e "$OUTSIDE/d" ]
	[[ "$output" != *data.txt$'\n'* ]]
}

@test "system paths are readable so ordinary programs run" {
	run nono_run -- sh -c 'test -d /etc/ssl && echo ssl-ok; head -c 4 /proc/self/status; echo;
		echo discard > /dev/null && echo null-ok; python3 -c "print(\"py-ok\")"; git --version >/dev/null && echo git-ok'
	[ "$status" -eq 0 ]
	[[ "$output" == *ssl-ok* ]]
	[[ "$output" == *Name* ]]
	[[ "$output" == *null-ok* ]]
	[[ "$output" == *py-ok* ]]
	[[ "$output" == *git-ok* ]]
}

@test "a grant of a subdirectory does not reach its parent or siblings" {
	mkdir -p "$WORK/sub" "$WORK/sib"
	echo sibling-data > "$WORK/sib/s.txt"
	run nono_run --allow "$WORK/sub" -- sh -c "echo in > $WORK/sub/in; echo up > $WORK/up; cat $WORK/sib/s.txt"
	[ "$(cat "$WORK/sub/in")" = in ]
	[ ! -e "$WORK/up" ]
	[[ "$output" != *sibling-data* ]]
	[ "$(echo "$output" | grep -c 'Permission denied')" -eq 2 ]
}

# ---------------------------------------------------------------- --allow / -a

@test "--allow DIR: read, write and create beneath it, nested too" {
	echo existing > "$WORK/in.txt"
	run nono_run --allow "$WORK" -- sh -c "cat $WORK/in.txt; mkdir -p $WORK/a/b; echo deep > $WORK/a/b/c.txt; ls $WORK"
	[ "$status" -eq 0 ]
	[[ "$output" == *existing* ]]
	[[ "$output" == *in.txt* ]]
	[ "$(cat "$WORK/a/b/c.txt")" = deep ]
}

@test "-a is --allow" {
	run nono_run -a "$WORK" -- sh -c "echo short > $WORK/s.txt; cat $WORK/s.txt; cat $OUTSIDE/data.txt"
	[ "$(cat "$WORK/s.txt")" = short ]
	[[ "$output" == *short* ]]
	[[ "$output" == *"Permission denied"* ]]
	[[ "$output" != *outside-data* ]]
}

# ---------------------------------------------------------------- --read / -r

@test "--read DIR: readable, but writes fail and the file is unchanged" {
	echo original > "$OUTSIDE/f"
	run nono_run --read "$OUTSIDE" -- sh -c "cat $OUTSIDE/f; ls $OUTSIDE; echo changed > $OUTSIDE/f; echo new > $OUTSIDE/n"
	[[ "$output" == *original* ]]
	[[ "$output" == *data.txt* ]]
	[ "$(echo "$output" | grep -c 'Permission denied')" -eq 2 ]
	[ "$(cat "$OUTSIDE/f")" = original ]
	[ ! -e "$OUTSIDE/n" ]
}

@test "-r is --read, and it grants execute" {
	printf '#!/bin/sh\necho script-ran\n' > "$OUTSIDE/tool.sh"
	chmod 755 "$OUTSIDE/tool.sh"
	cp /bin/true "$OUTSIDE/mytrue"
	run nono_run -r "$OUTSIDE" -- sh -c "$OUTSIDE/tool.sh && $OUTSIDE/mytrue && echo bin-ran"
	[ "$status" -eq 0 ]
	[[ "$output" == *script-ran* ]]
	[[ "$output" == *bin-ran* ]]
	run nono_run -- "$OUTSIDE/tool.sh"
	[ "$status" -eq 126 ]
	[[ "$output" != *script-ran* ]]
}

# ---------------------------------------------------------------- --write / -w

@test "--write DIR: creating and appending work, reading does not" {
	echo secret-content > "$WORK/f"
	run nono_run --write "$WORK" -- sh -c "echo more >> $WORK/f; echo created > $WORK/new; cat $WORK/f; cat $WORK/new"
	[[ "$output" != *secret-content* ]]
	[[ "$output" != *created* ]]
	[ "$(echo "$output" | grep -c 'Permission denied')" -eq 2 ]
	[ "$(cat "$WORK/f")" = "$(printf 'secret-content\nmore')" ]
	[ "$(cat "$WORK/new")" = created ]
}

@test "-w is --write" {
	run nono_run -w "$WORK" -- sh -c "echo w > $WORK/w.txt; cat $WORK/w.txt"
	[ "$(cat "$WORK/w.txt")" = w ]
	[[ "$output" == *"Permission denied"* ]]
	[[ "$output" != w ]]
}

# ---------------------------------------------------------------- single files

@test "--allow-file: that one file is readable and writable, its siblings are not" {
	echo a > "$OUTSIDE/a"; echo b > "$OUTSIDE/b"
	run nono_run --allow-file "$OUTSIDE/a" -- sh -c "cat $OUTSIDE/a; echo A >> $OUTSIDE/a; cat $OUTSIDE/b; echo B >> $OUTSIDE/b; echo c > $OUTSIDE/c"
	[ "$(echo "$output" | head -n1)" = a ]
	[ "$(cat "$OUTSIDE/a")" = "$(printf 'a\nA')" ]
	[[ "$output" == *"$OUTSIDE/b: Permission denied"* ]]
	[ "$(cat "$OUTSIDE/b")" = b ]
	[ ! -e "$OUTSIDE/c" ]
}

@test "--read-file: that one file is readable, not writable; siblings denied" {
	echo a > "$OUTSIDE/a"
	run nono_run --read-file "$OUTSIDE/a" -- sh -c "cat $OUTSIDE/a; echo A >> $OUTSIDE/a; cat $OUTSIDE/data.txt"
	[ "$(echo "$output" | head -n1)" = a ]
	[ "$(echo "$output" | grep -c 'Permission denied')" -eq 2 ]
	[[ "$output" != *outside-data* ]]
	[ "$(cat "$OUTSIDE/a")" = a ]
}

@test "--write-file: that one file is writable, not readable" {
	echo hidden > "$OUTSIDE/w"
	run nono_run --write-file "$OUTSIDE/w" -- sh -c "echo appended >> $OUTSIDE/w; cat $OUTSIDE/w"
	[[ "$output" != *hidden* ]]
	[[ "$output" == *"$OUTSIDE/w: Permission denied"* ]]
	[ "$(cat "$OUTSIDE/w")" = "$(printf 'hidden\nappended')" ]
}

@test "--allow-file on a directory is an error: 125, nothing runs" {
	run nono_run --allow-file "$WORK" -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	[[ "$output" == *"$WORK"* ]]
	[[ "$output" == *"directory"* ]]
	[ ! -e "$WORK/ran" ]
}

# ---------------------------------------------------------------- cwd, workdir

@test "--allow-cwd grants read and write on the working directory only" {
	echo here > "$WORK/here.txt"
	run nono_run --allow-cwd -- sh -c "cat here.txt; echo x > cwd.txt; echo y > $OUTSIDE/y"
	[[ "$output" == *here* ]]
	[ "$(cat "$WORK/cwd.txt")" = x ]
	[ ! -e "$OUTSIDE/y" ]
	[[ "$output" == *"Permission denied"* ]]
}

@test "--workdir DIR: the program runs there, --allow-cwd follows it" {
	run nono_run --workdir "$OUTSIDE" --allow-cwd -- sh -c 'pwd; cat data.txt; echo y > wd.txt'
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | head -n1)" = "$OUTSIDE" ]
	[[ "$output" == *outside-data* ]]
	[ "$(cat "$OUTSIDE/wd.txt")" = y ]
	[ ! -e "$WORK/wd.txt" ]
}

@test "--workdir alone grants nothing" {
	run nono_run --workdir "$OUTSIDE" -- sh -c 'pwd; cat data.txt; echo y > wd.txt'
	[ "$(echo "$output" | head -n1)" = "$OUTSIDE" ]
	[[ "$output" != *outside-data* ]]
	[[ "$output" == *"Permission denied"* ]]
	[ ! -e "$OUTSIDE/wd.txt" ]
}

@test "--workdir sets \$WORKDIR for a profile" {
	echo '{"filesystem": {"allow": ["$WORKDIR"]}}' > "$SCRATCH/p.json"
	run nono_run --profile "$SCRATCH/p.json" --workdir "$OUTSIDE" -- sh -c 'echo via-workdir > made.txt'
	[ "$status" -eq 0 ]
	[ "$(cat "$OUTSIDE/made.txt")" = via-workdir ]
}

# ---------------------------------------------------------------- NONO_ALLOW

@test "NONO_ALLOW=a,b grants each entry like --allow" {
	mkdir -p "$SCRATCH/third"
	NONO_ALLOW="$WORK,$OUTSIDE" run nono_run -- sh -c "echo z > $WORK/e1; cat $OUTSIDE/data.txt; echo z > $OUTSIDE/e2; echo z > $SCRATCH/third/e3"
	[ "$(cat "$WORK/e1")" = z ]
	[ "$(cat "$OUTSIDE/e2")" = z ]
	[[ "$output" == *outside-data* ]]
	[ ! -e "$SCRATCH/third/e3" ]
	[[ "$output" == *"Permission denied"* ]]
}

@test "NONO_ALLOW combines with flags" {
	echo ro > "$OUTSIDE/ro"
	NONO_ALLOW="$WORK" run nono_run --read "$OUTSIDE" -- sh -c "cat $OUTSIDE/ro > $WORK/copy; echo x > $OUTSIDE/ro"
	[ "$(cat "$WORK/copy")" = ro ]
	[ "$(cat "$OUTSIDE/ro")" = ro ]
	[[ "$output" == *"Permission denied"* ]]
}

# ---------------------------------------------------------------- missing grants

@test "a grant that does not exist warns and the program still runs" {
	run timeout 30 "$NONO" run --allow "$WORK" --read "$SCRATCH/nope" -- sh -c "echo ran > $WORK/r"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$SCRATCH/nope"*"no such file or directory; skipped"* ]]
	[ "$(cat "$WORK/r")" = ran ]
}

@test "a missing grant is warned about for every grant flag, on stderr" {
	for f in --allow --read --write --allow-file --read-file --write-file; do
		run bash -c "timeout 30 '$NONO' run --allow '$WORK' $f '$SCRATCH/missing$f' -- sh -c 'echo ran >> $WORK/r' 2>&1 >/dev/null"
		[ "$status" -eq 0 ] || { echo "$f: $status $output"; return 1; }
		[[ "$output" == *"missing$f"*"no such file or directory; skipped"* ]] || { echo "$f: $output"; return 1; }
	done
	[ "$(wc -l < "$WORK/r")" -eq 6 ]
	[ ! -e "$SCRATCH/missing--allow" ]
}
