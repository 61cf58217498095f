#!/usr/bin/env bats
# Rollback: what a sandboxed session destroys is saved just before, and
# 'nono rollback restore' brings the tree back byte- and mode-identical.
load helpers
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	STORE="$HOME/.local/state/nono/rollback"
	mkdir -p "$WORK/tree/src/deep" "$WORK/tree/docs"
	printf 'line one\nline two\nline three\n' > "$WORK/tree/src/main.c"
	printf 'header\n' > "$WORK/tree/src/main.h"
	printf 'deep data\n' > "$WORK/tree/src/deep/a.dat"
	head -c 200000 /dev/urandom > "$WORK/tree/docs/blob.bin"
	printf 'readme\n' > "$WORK/tree/README"
	printf 'other\n' > "$WORK/tree/other.txt"
	printf '#!/bin/sh\n' > "$WORK/tree/run.sh"
	chmod 644 "$WORK/tree/run.sh"
	chmod 750 "$WORK/tree/src/deep"
	ln -s README "$WORK/tree/link"
	cp -a "$WORK/tree" "$SCRATCH/before"
}
teardown() { common_teardown; }

# every path with type, mode, size and link target, and the bytes of each file
snapshot() {
	(cd "$1" && find . -printf '%p %y %m %s %l\n' | LC_ALL=C sort && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}

# the destructive session of the issue: delete a tree, truncate, overwrite in
# place, rename over another file, change modes, create files and directories
destroy() {
	nono_run --allow "$WORK" --allow-delete "$@" -- python3 -c '
import os, shutil
os.chdir("tree")
shutil.rmtree("src/deep")
open("src/main.h", "w").close()
with open("src/main.c", "r+") as f:
    f.write("LINE")
os.truncate("docs/blob.bin", 10)
os.rename("other.txt", "README")
os.chmod("run.sh", 0o755)
os.makedirs("new/dir")
open("new/dir/f.txt", "w").write("created\n")
os.unlink("link")
os.symlink("run.sh", "link")
print("destroyed")'
}

@test "a destructive session is restored byte- and mode-identical" {
	run destroy
	[ "$status" -eq 0 ]
	[[ "$output" == *destroyed* ]]
	[ "$(snapshot "$WORK/tree")" != "$(snapshot "$SCRATCH/before")" ]
	run "$NONO" rollback restore last
	[ "$status" -eq 0 ]
	[[ "$output" == *"Restored "* ]]
	[ "$(snapshot "$WORK/tree")" = "$(snapshot "$SCRATCH/before")" ]
	# running it again changes nothing
	run "$NONO" rollback restore last
	[ "$status" -eq 0 ]
	[[ "$output" == *"Restored 0 paths"* ]]
	[ "$(snapshot "$WORK/tree")" = "$(snapshot "$SCRATCH/before")" ]
}

@test "the session ends with one line naming the review command" {
	run -0 timeout 30 "$NONO" run --allow "$WORK" --allow-delete -- sh -c "rm -f tree/README 2>/dev/null || python3 -c 'import os; os.unlink(\"tree/README\")'"
	id=$(ls "$STORE" | grep -v objects)
	[ -n "$id" ]
	[[ "$output" == *"1 path changed; review: nono rollback show $id --diff; undo: nono rollback restore $id"* ]]
}

@test "rollback is on by default for a writable grant, and --no-rollback turns it off" {
	# by default an in-place edit is journalled before it lands
	run -0 nono_run --allow "$WORK" -- sh -c 'echo more >> tree/README'
	[ "$(cat "$WORK/tree/README")" = "$(printf 'readme\nmore')" ]
	id=$(ls "$STORE" | grep -v objects)
	[ -n "$id" ]
	run -0 "$NONO" rollback restore last
	[ "$(cat "$WORK/tree/README")" = readme ]
	rm -rf "$STORE"
	# --no-rollback: the delete happens and nothing is saved
	run nono_run --allow "$WORK" --no-rollback -- python3 -c 'import os; os.unlink("tree/other.txt")'
	[ ! -e "$WORK/tree/other.txt" ]
	[ ! -d "$STORE" ] || [ -z "$(ls "$STORE" | grep -v objects)" ]
	run "$NONO" rollback list
	[[ "$output" == *"No rollback sessions"* ]]
	# a session with no writable grant has nothing to journal
	run -0 nono_run --read "$WORK" -- cat "$WORK/tree/README"
	[ ! -d "$STORE" ] || [ -z "$(ls "$STORE" | grep -v objects)" ]
}

@test "--rollback without deletion journals writes in place and chmod" {
	run nono_run --allow "$WORK" --rollback -- python3 -c '
import os
with open("tree/README", "r+") as f: f.write("XX")
os.chmod("tree/run.sh", 0o700)'
	[ "$(cat "$WORK/tree/README")" = "XXadme" ]
	run -0 "$NONO" rollback restore last
	[ "$(cat "$WORK/tree/README")" = readme ]
	[ "$(stat -c %a "$WORK/tree/run.sh")" = 644 ]
}

@test "a session that changed nothing leaves no session behind" {
	run nono_run --allow "$WORK" --allow-delete -- sh -c 'cat tree/README; echo x > tree/fresh; rm -f tree/fresh 2>/dev/null; python3 -c "import os; os.unlink(\"tree/fresh\")"'
	[ ! -e "$WORK/tree/fresh" ]
	run "$NONO" rollback list --json
	[ "$output" = "[]" ]
}

@test "show lists what happened; --diff is a unified diff; --json is a document" {
	run destroy
	run -0 "$NONO" rollback show last
	[[ "$output" == *"deleted    $WORK/tree/src/deep/a.dat"* ]]
	[[ "$output" == *"modified   $WORK/tree/src/main.c"* ]]
	[[ "$output" == *"mode       $WORK/tree/run.sh"* ]]
	[[ "$output" == *"created    $WORK/tree/new"* ]]
	run -0 "$NONO" rollback show last --diff
	# a git patch: paths relative to the grant, headers, modes
	has "diff --git a/tree/src/main.c b/tree/src/main.c"
	has "--- a/tree/src/main.c"
	has "+++ b/tree/src/main.c"
	has "-line one"
	has "+LINE one"
	has $'diff --git a/tree/run.sh b/tree/run.sh\nold mode 100644\nnew mode 100755'
	has $'deleted file mode 100644'
	has $'new file mode 100644'
	has "Binary files a/tree/docs/blob.bin and b/tree/docs/blob.bin differ"
	lacks "$WORK"
	lacks "modified   "
	[[ "$output" != *$'\033['* ]]
	run -0 "$NONO" rollback show last --json
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
st = {p["path"].rsplit("/tree/", 1)[1]: p["status"] for p in d["paths"]}
assert st["src/deep/a.dat"] == "deleted", st
assert st["src/main.h"] == "modified", st
assert st["README"] == "modified", st
assert st["new"] == "created", st
assert st["link"] == "modified" or st["link"] == "replaced", st
assert d["exit"] == 0'
}

@test "one id per session: audit and rollback take the same id; an ambiguous prefix is an error listing the candidates" {
	run destroy
	id=$("$NONO" rollback list --json | pyjson "print(d[0]['session_id'])")
	[ -d "$HOME/.local/state/nono/audit/$id" ]
	run -0 "$NONO" rollback show "$id"
	[[ "$output" == *"Session  $id"* ]]
	run -0 "$NONO" audit show "$id"
	[[ "$output" == *"Session $id"* ]]
	run -0 "$NONO" audit verify "$id"
	# a unique prefix is enough for both
	run -0 "$NONO" rollback show "${id:0:20}"
	[[ "$output" == *"Session  $id"* ]]
	run -0 "$NONO" audit show "${id:0:20}" --json
	echo "$output" | pyjson "assert d['session']['session_id'] == '$id', d['session']"
	# a second session: the date alone is ambiguous, in both
	run nono_run --allow "$WORK" --allow-delete -- python3 -c 'import os; os.unlink("tree/README")'
	id2=$("$NONO" rollback list --json | pyjson "print(d[1]['session_id'])")
	[ "$id2" != "$id" ]
	for cmd in rollback audit; do
		run -1 --separate-stderr "$NONO" "$cmd" show "${id:0:8}"
		[ -z "$output" ]
		[[ "$stderr" == *"session id '${id:0:8}' is ambiguous"* ]] || { echo "$cmd: $stderr"; return 1; }
		[[ "$stderr" == *"hint:   $id  "*"python3 -c"* ]] || { echo "$cmd: $stderr"; return 1; }
		[[ "$stderr" == *"hint:   $id2  "* ]] || { echo "$cmd: $stderr"; return 1; }
	done
	# and the newest is 'last' in both
	run -0 "$NONO" rollback show last --json
	echo "$output" | pyjson "assert d['session_id'] == '$id2'"
	run -0 "$NONO" audit show last --json
	echo "$output" | pyjson "assert d['session']['session_id'] == '$id2'"
}

@test "sessions of an older nono, with the ids of that time, are still listed, shown and restored" {
	run destroy
	id=$("$NONO" rollback list --json | pyjson "print(d[0]['session_id'])")
	# the rollback store named sessions by local time and pid, the audit trail by UTC and 3 hex digits
	mv "$STORE/$id" "$STORE/20261122-213045-1234"
	sed -i "s/$id/20261122-213045-1234/" "$STORE/20261122-213045-1234/session.json"
	mv "$HOME/.local/state/nono/audit/$id" "$HOME/.local/state/nono/audit/20261122-213045-417a9c"
	run -0 "$NONO" rollback list
	[[ "$output" == *"20261122-213045-1234 "* ]]
	run -0 "$NONO" audit list
	[[ "$output" == *"20261122-213045-417a9c "* ]]
	run -0 "$NONO" audit show 20261122-213045-4
	[[ "$output" == *"Session 20261122-213045-417a9c"* ]]
	run -0 "$NONO" rollback restore 20261122-213045-1
	[ "$(snapshot "$WORK/tree")" = "$(snapshot "$SCRATCH/before")" ]
}

@test "restore never destroys work done after the session: refused and listed, --dry-run shows it, --force overwrites, the restore point undoes it" {
	run destroy
	# work done after the session: an edit of a file it changed, a file in a directory it made
	sleep 0.05
	echo "user's edit" >> "$WORK/tree/src/main.c"
	echo later > "$WORK/tree/new/later.txt"
	snapshot "$WORK/tree" > "$SCRATCH/after-user"
	run -1 --separate-stderr "$NONO" rollback restore last
	[[ "$stderr" == *"nono: $WORK/tree/src/main.c: changed after the session"* ]] || { echo "$stderr"; false; }
	[[ "$stderr" == *"nono: $WORK/tree/new: made after the session"* ]] || { echo "$stderr"; false; }
	[[ "$stderr" == *"2 paths changed since session "*": nothing was restored"* ]] || { echo "$stderr"; false; }
	[[ "$stderr" == *"hint: --force overwrites them"* ]]
	[ "$(snapshot "$WORK/tree")" = "$(cat "$SCRATCH/after-user")" ]
	# the dry run says all of it and changes nothing
	run -0 "$NONO" rollback restore last --dry-run
	has "changed   $WORK/tree/src/main.c  (changed after the session)"
	has "remove    $WORK/tree/new"
	has "2 paths changed since the session: a restore would refuse without --force"
	has "A restore point would be made first"
	[ "$(snapshot "$WORK/tree")" = "$(cat "$SCRATCH/after-user")" ]
	# forced: the tree as before the session, and a restore point
	run -0 "$NONO" rollback restore last --force
	[ "$(snapshot "$WORK/tree")" = "$(snapshot "$SCRATCH/before")" ]
	[[ "$output" =~ Restore\ point\ ([0-9a-f-]+): ]]
	point=${BASH_REMATCH[1]}
	run -0 "$NONO" rollback list
	has "nono rollback restore "
	# restoring the restore point undoes the restore: the user's work is back
	run -0 "$NONO" rollback restore "$point"
	[ "$(snapshot "$WORK/tree")" = "$(cat "$SCRATCH/after-user")" ]
	grep -q "user's edit" "$WORK/tree/src/main.c"
	[ "$(cat "$WORK/tree/new/later.txt")" = later ]
}

@test "a session of an older nono (no record of what it left) is refused over paths changed after it ended" {
	run destroy
	id=$("$NONO" rollback list --json | pyjson "print(d[0]['session_id'])")
	rm "$STORE/$id/after.ndjson"
	python3 -c "
import json; p = '$STORE/$id/session.json'; d = json.load(open(p)); d.pop('ended_ns'); d['ended'] -= 5
open(p, 'w').write(json.dumps(d))"
	echo edit >> "$WORK/tree/src/main.c"
	run -1 "$NONO" rollback restore "$id"
	has "$WORK/tree/src/main.c: changed after the session ended"
	run -0 "$NONO" rollback restore "$id" --force
	[ "$(snapshot "$WORK/tree")" = "$(snapshot "$SCRATCH/before")" ]
}

@test "show --diff is a real patch: git apply -R of it restores the tree, renames found, --stat, --binary" {
	cd "$WORK/tree"
	rm -f link
	seq 1 40 > numbers.txt
	cp -a "$WORK/tree" "$SCRATCH/before2"
	cd "$WORK"
	run -0 nono_run --allow "$WORK/tree" --allow-delete -- python3 -c '
import os
os.chdir("tree")
with open("src/main.c", "r+") as f: f.write("LINE")
os.unlink("README")
os.rename("numbers.txt", "src/renamed.txt")
os.chmod("run.sh", 0o755)
open("fresh.txt", "w").write("new file\n")
with open("docs/blob.bin", "r+b") as f: f.write(b"\0\1\2\3")'
	run -0 "$NONO" rollback show last --stat
	has "numbers.txt => src/renamed.txt"
	has "docs/blob.bin"
	has "6 files changed"
	has "mode change 100644 => 100755 run.sh"
	run -0 "$NONO" rollback show last --diff
	has "rename from numbers.txt"
	has "rename to src/renamed.txt"
	has "--- a/src/main.c"
	# paths relative to the grant: git apply -R in it puts the tree back (text; binary with --binary)
	"$NONO" rollback show last --diff --binary > "$SCRATCH/session.patch"
	"$NONO" rollback show last --diff > "$SCRATCH/text.patch"
	grep -q "GIT binary patch" "$SCRATCH/session.patch"
	(cd "$WORK/tree" && git apply -R "$SCRATCH/session.patch")
	[ "$(snapshot "$WORK/tree")" = "$(snapshot "$SCRATCH/before2")" ]
	# and patch(1) takes the text of it too (forward, onto the tree as it was)
	run patch -d "$WORK/tree" -p1 --dry-run -i "$SCRATCH/text.patch"
	has "checking file src/main.c"
}

@test "list and list --json name the session, its command and the changed count" {
	run destroy
	run -0 "$NONO" rollback list
	[[ "$output" == *"python3 -c"* ]]
	run -0 "$NONO" rollback list --json
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert len(d) == 1 and d[0]["changed"] >= 8 and d[0]["running"] is False, d
assert d[0]["cwd"].endswith("/work"), d'
}

@test "--rollback-exclude: excluded paths are neither saved nor touched by restore" {
	mkdir -p "$WORK/tree/node_modules"
	echo dep > "$WORK/tree/node_modules/dep.js"
	run nono_run --allow "$WORK" --allow-delete --rollback-exclude node_modules --rollback-exclude '*.log' -- python3 -c '
import os
os.unlink("tree/node_modules/dep.js")
open("tree/node_modules/new.js", "w").write("n")
open("tree/build.log", "w").write("log")
os.unlink("tree/README")'
	run -0 "$NONO" rollback restore last
	[ "$(cat "$WORK/tree/README")" = readme ]
	[ ! -e "$WORK/tree/node_modules/dep.js" ]
	[ "$(cat "$WORK/tree/node_modules/new.js")" = n ]
	[ "$(cat "$WORK/tree/build.log")" = log ]
}

@test "the profile's rollback.exclude_patterns are honoured" {
	mkdir -p "$HOME/.config/nono/profiles"
	cat > "$HOME/.config/nono/profiles/rb.json" <<'EOF'
{ "filesystem": { "allow": ["$WORKDIR"], "allow_delete": true },
  "rollback": { "exclude_patterns": ["docs"] } }
EOF
	run nono_run --profile rb -- python3 -c '
import os
os.unlink("tree/docs/blob.bin")
os.unlink("tree/README")'
	run -0 "$NONO" rollback restore last
	[ "$(cat "$WORK/tree/README")" = readme ]
	[ ! -e "$WORK/tree/docs/blob.bin" ]
}

@test "a file over the size limit is not destroyed: the call fails with ENOSPC and the summary says why" {
	mkdir -p "$HOME/.config/nono"
	printf '[rollback]\nmax_file_size = 100K\n' > "$HOME/.config/nono/config.ini"
	sum=$(sha256sum < "$WORK/tree/docs/blob.bin")
	run timeout 30 "$NONO" run --allow "$WORK" -- python3 -c '
import errno, os
for call in (lambda: os.truncate("tree/docs/blob.bin", 1), lambda: os.unlink("tree/docs/blob.bin"),
             lambda: open("tree/docs/blob.bin", "w")):
    try:
        call()
        print("DONE")
    except OSError as e:
        print("REFUSED", errno.errorcode[e.errno])
os.unlink("tree/README")'
	[ "$(grep -c 'REFUSED ENOSPC' <<<"$output")" -eq 3 ]
	[[ "$output" != *DONE* ]]
	[ "$(sha256sum < "$WORK/tree/docs/blob.bin")" = "$sum" ]
	[[ "$output" == *"3 destructive calls were refused because the prior state could not be journaled: 3 over the size limit of 100 KiB"* ]]
	run -0 "$NONO" rollback show last --json
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["refused"] == 3, d' "$output"
	run -0 "$NONO" rollback restore last
	[ "$(cat "$WORK/tree/README")" = readme ]
}

@test "a running session cannot be restored" {
	timeout 30 "$NONO" run --silent --allow "$WORK" --allow-delete -- python3 -c '
import os, time
os.unlink("tree/README")
open("started", "w").close()
time.sleep(20)' &
	pid=$!
	for _ in $(seq 100); do [ -e "$WORK/started" ] && break; sleep 0.1; done
	run "$NONO" rollback restore last
	kill "$pid"
	wait "$pid" || true
	[ "$status" -eq 1 ]
	[[ "$output" == *"still running"* ]]
	[ ! -e "$WORK/tree/README" ]
	run -0 "$NONO" rollback list
	run -0 "$NONO" rollback restore last
	[ "$(cat "$WORK/tree/README")" = readme ]
}

@test "a killed supervisor leaves a store that restores what it recorded" {
	timeout 30 "$NONO" run --silent --allow "$WORK" --allow-delete -- python3 -c '
import os, time
os.unlink("tree/README")
os.unlink("tree/src/main.c")
open("left", "w").write(os.environ["TMPDIR"] + " " + os.environ["NONO_CAP_FILE"] + "\n")
open("started", "w").close()
time.sleep(20)' &
	pid=$!
	for _ in $(seq 100); do [ -e "$WORK/started" ] && break; sleep 0.1; done
	nono_pid=$(pgrep -P "$pid" -x nono || echo "$pid")
	kill -9 "$nono_pid"
	wait "$pid" || true
	read -r tmp cap <"$WORK/left"
	rm -rf "$tmp" "$cap" "$WORK/left"
	run -0 "$NONO" rollback verify last
	run -0 "$NONO" rollback restore last
	[ "$(cat "$WORK/tree/README")" = readme ]
	[ "$(cat "$WORK/tree/src/main.c")" = "$(cat "$SCRATCH/before/src/main.c")" ]
}

@test "verify finds corrupt content, and restore never writes it" {
	run nono_run --allow "$WORK" --allow-delete -- python3 -c '
open("tree/README", "w").write("agent\n")
import os; os.truncate("tree/docs/blob.bin", 0)'
	id=$(ls "$STORE" | grep -v objects)
	obj=$(find "$STORE/objects" -type f | head -n1)
	# flip the first byte of each: whatever it was, it differs now
	python3 -c '
import sys
for p in sys.argv[1:]:
    with open(p, "r+b") as f:
        b = f.read(1)
        f.seek(0)
        f.write(bytes([b[0] ^ 0xff]))' "$STORE/$id/pack" "$obj"
	run "$NONO" rollback verify "$id"
	[ "$status" -eq 1 ]
	[[ "$output" == *"2 of 2 saved files are missing or corrupt"* ]]
	run "$NONO" rollback restore "$id"
	[ "$status" -eq 1 ]
	[ "$(cat "$WORK/tree/README")" = agent ]
	[ "$(stat -c %s "$WORK/tree/docs/blob.bin")" = 0 ]
}

@test "restore --path and --dry-run" {
	run destroy
	run -0 "$NONO" rollback restore last --dry-run
	[[ "$output" == *"dry run: nothing was changed"* ]]
	[ ! -e "$WORK/tree/src/deep" ]
	run -0 "$NONO" rollback restore last --path "$WORK/tree/src/deep"
	[ "$(cat "$WORK/tree/src/deep/a.dat")" = "deep data" ]
	[ "$(stat -c %a "$WORK/tree/src/deep")" = 750 ]
	[ -e "$WORK/tree/new" ]
}

@test "restore refuses to write through a directory replaced by a symlink" {
	run destroy
	rm -rf "$WORK/tree/src"
	ln -s "$OUTSIDE" "$WORK/tree/src"
	run "$NONO" rollback restore last
	[ "$status" -eq 1 ]
	[[ "$output" == *"symlink"* ]]
	[ ! -e "$OUTSIDE/main.c" ]
	[ ! -e "$OUTSIDE/deep" ]
}

@test "a renamed directory and a file renamed over another come back" {
	run nono_run --allow "$WORK" --allow-delete -- python3 -c '
import os
os.rename("tree/src", "tree/moved")
os.rename("tree/other.txt", "tree/README")'
	[ -d "$WORK/tree/moved/deep" ]
	run -0 "$NONO" rollback restore last
	[ "$(snapshot "$WORK/tree")" = "$(snapshot "$SCRATCH/before")" ]
}

@test "git history destroyed under the .git exception comes back when asked for (--include-vcs), never by default" {
	git -C "$WORK/tree" init -q
	git -C "$WORK/tree" -c user.name=t -c user.email=t@t add README
	git -C "$WORK/tree" -c user.name=t -c user.email=t@t commit -qm one
	head=$(git -C "$WORK/tree" rev-parse HEAD)
	run -0 nono_run --allow "$WORK/tree" --rollback -- python3 -c '
import shutil; shutil.rmtree("tree/.git/objects"); open("tree/.git/HEAD", "w").write("junk\n")'
	! git -C "$WORK/tree" rev-parse HEAD 2>/dev/null || false
	# a restore leaves .git alone: refs, index and objects are git's to manage
	run -0 "$NONO" rollback restore last --dry-run
	has "vcs       $WORK/tree/.git/HEAD"
	has "inside .git, .hg or .svn left as they are (--include-vcs restores them)"
	run -0 "$NONO" rollback restore last
	! git -C "$WORK/tree" rev-parse HEAD 2>/dev/null || false
	run -0 "$NONO" rollback restore last --include-vcs
	[ "$(git -C "$WORK/tree" rev-parse HEAD)" = "$head" ]
	[ "$(git -C "$WORK/tree" show HEAD:README)" = readme ]
}

@test "a git repository's internals are left alone by a restore of the work tree: a commit made after the session survives" {
	git -C "$WORK/tree" init -q
	git -C "$WORK/tree" -c user.name=t -c user.email=t@t add README
	git -C "$WORK/tree" -c user.name=t -c user.email=t@t commit -qm one
	run -0 nono_run --allow "$WORK/tree" --rollback -- sh -c \
		'echo agent >> tree/README; git -C tree -c user.name=a -c user.email=a@a commit -qam agent'
	# the user commits on top of it afterwards
	echo user > "$WORK/tree/other.txt"
	git -C "$WORK/tree" add other.txt
	git -C "$WORK/tree" -c user.name=t -c user.email=t@t commit -qm user
	head=$(git -C "$WORK/tree" rev-parse HEAD)
	run -0 "$NONO" rollback restore last
	has "Restored 1 path"
	[ "$(cat "$WORK/tree/README")" = readme ]
	# history, index and objects as git left them
	[ "$(git -C "$WORK/tree" rev-parse HEAD)" = "$head" ]
	git -C "$WORK/tree" fsck --no-progress
}

@test "large content is stored once across sessions; cleanup removes it with the last session" {
	cp "$WORK/tree/docs/blob.bin" "$WORK/tree/docs/copy.bin"
	run nono_run --allow "$WORK" --allow-delete -- python3 -c 'import os; os.unlink("tree/docs/blob.bin")'
	run nono_run --allow "$WORK" --allow-delete -- python3 -c 'import os; os.unlink("tree/docs/copy.bin")'
	[ "$(find "$STORE/objects" -type f | wc -l)" -eq 1 ]
	run -0 "$NONO" rollback cleanup --keep 1
	[[ "$output" == *"1 session removed"* ]]
	[ "$(find "$STORE/objects" -type f | wc -l)" -eq 1 ]
	run -0 "$NONO" rollback cleanup --keep 0
	[ "$(find "$STORE/objects" -type f | wc -l)" -eq 0 ]
	run -0 "$NONO" rollback list --json
	[ "$output" = "[]" ]
}

@test "bad input: unknown session, unknown flag, inside a sandbox" {
	run "$NONO" rollback show 20990101-000000-1
	[ "$status" -eq 1 ]
	[[ "$output" == *"no rollback session '20990101-000000-1'"* ]]
	# a name is only ever matched against the store's ids, never opened as a path
	run "$NONO" rollback show ../../etc
	[ "$status" -eq 1 ]
	[[ "$output" == *"no rollback session '../../etc'"* ]]
	run "$NONO" rollback list --bogus
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown option '--bogus'"* ]]
	run nono_run --read "$(dirname "$NONO")" -- "$NONO" rollback list
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot run inside a sandbox"* ]]
}

@test "the sandbox can neither read nor change the rollback store, even with --allow ~" {
	run destroy
	id=$(ls "$STORE" | grep -v objects)
	before=$(cd "$STORE" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
	run nono_run --allow "$HOME" --allow "$WORK" --allow-delete -- sh -c "
		cat '$STORE/$id/manifest.ndjson'; ls '$STORE';
		echo forged >> '$STORE/$id/manifest.ndjson'; rm -rf '$STORE/$id'; echo x > '$STORE/new'"
	[[ "$output" != *'"path"'* ]]
	[[ "$output" == *"ls: cannot open directory '$STORE': Permission denied"* ]]
	[ "$(cd "$STORE" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)" = "$before" ]
	[ ! -e "$STORE/new" ]
}

@test "show --diff is coloured on a terminal only, never with NO_COLOR; restore shows progress there" {
	run destroy
	run script -qec "env PAGER=cat '$NONO' rollback show last --diff" /dev/null
	[[ "$output" == *$'\033[32m+LINE one'* ]]
	[[ "$output" == *$'\033[31m-line one'* ]]
	# through $PAGER on a terminal, as git does
	run script -qec "env PAGER='tee $SCRATCH/paged' '$NONO' rollback show last --diff" /dev/null
	grep -q "diff --git a/tree/src/main.c b/tree/src/main.c" "$SCRATCH/paged"
	run script -qec "env PAGER=cat NO_COLOR=1 '$NONO' rollback show last --diff" /dev/null
	[[ "$output" == *"+LINE one"* ]]
	[[ "$output" != *$'\033['* ]]
	# a restore that takes more than a moment draws a bar on the terminal
	python3 -c '
import os
os.makedirs("many")
for i in range(3000):
    open("many/f%d" % i, "w").write("x")'
	run nono_run --allow "$WORK" --allow-delete -- python3 -c '
import shutil; shutil.rmtree("many")'
	t0=$(date +%s%N)
	run script -qec "'$NONO' rollback restore last" /dev/null
	t1=$(date +%s%N)
	# drawn once it has taken 0.3 s: a fast disk may finish before
	if [ $(((t1 - t0) / 1000000)) -gt 600 ]; then
		[[ "$output" == *"restoring ["*"] 3001/3001"* ]]
	fi
	[[ "$output" == *"Restored 3001 paths"* ]]
	[ "$(ls "$WORK/many" | wc -l)" -eq 3000 ]
}

@test "every writable grant is journaled, a profile's grants for the agent's own state too" {
	mkdir -p "$HOME/.config/nono/profiles" "$HOME/agentstate"
	echo state > "$HOME/agentstate/s.json"
	cat > "$HOME/.config/nono/profiles/agent.json" <<'EOF2'
{ "filesystem": { "allow": ["$HOME/agentstate"] },
  "workdir": { "access": "readwrite" } }
EOF2
	run nono_run --profile agent -- python3 -c "
import os
os.unlink('$HOME/agentstate/s.json')
os.unlink('tree/README')"
	[ ! -e "$HOME/agentstate/s.json" ]
	[ ! -e "$WORK/tree/README" ]
	run -0 "$NONO" rollback show last --json
	echo "$output" | python3 -c '
import json, sys
paths = [p["path"] for p in json.load(sys.stdin)["paths"]]
assert any(p.endswith("/work/tree/README") for p in paths), paths
assert any(p.endswith("/agentstate/s.json") for p in paths), paths'
	run -0 "$NONO" rollback restore last
	[ "$(cat "$HOME/agentstate/s.json")" = state ]
	[ "$(cat "$WORK/tree/README")" = readme ]
}

@test "--dry-run says whether rollback and audit are on, in text and JSON" {
	run -0 "$NONO" run --dry-run --allow "$WORK" --allow-delete --rollback-exclude node_modules -- true
	[[ "$output" == *"Rollback:  on"* ]]
	[[ "$output" == *"Audit:     on"* ]]
	run -0 "$NONO" run --dry-run --allow "$WORK" --no-audit -- true
	[[ "$output" == *"Rollback:  on"* ]]
	[[ "$output" == *"Audit:     off"* ]]
	run -0 "$NONO" run --dry-run --allow "$WORK" --no-rollback --no-audit -- true
	[[ "$output" == *"Rollback:  off"* ]]
	[[ "$output" == *"Audit:     off"* ]]
	run -0 "$NONO" run --dry-run --json --allow "$WORK" --allow-delete --rollback-exclude node_modules --no-audit -- true
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["rollback"] == {"enabled": True, "exclude": ["node_modules"]}, d["rollback"]
assert d["audit"] is False'
	[ ! -d "$STORE" ]
}

@test "paths through /proc/self/cwd, /proc/self/fd and /dev/fd are journaled as the program's files" {
	need_pidns
	mkdir -p "$WORK/sub"
	echo v1 >"$WORK/sub/victim1"
	echo v2 >"$WORK/victim2"
	echo v3 >"$WORK/victim3"
	run timeout 30 "$NONO" run --silent --allow "$WORK" --allow-delete -- python3 -c "
import os
os.chdir('$WORK/sub')
os.unlink('/proc/self/cwd/victim1')
fd = os.open('$WORK/victim2', os.O_RDONLY)
os.open('/proc/self/fd/%d' % fd, os.O_WRONLY | os.O_TRUNC)
fd = os.open('$WORK/victim3', os.O_RDONLY)
os.open('/dev/fd/%d' % fd, os.O_WRONLY | os.O_TRUNC)
# its own number in its PID namespace names itself, as /proc/self does
os.open('/proc/%d/cwd/own' % os.getpid(), os.O_WRONLY | os.O_CREAT)
# the namespace's init is not the program: its links are never followed
try: os.open('/proc/1/cwd/x', os.O_WRONLY | os.O_CREAT)
except OSError as e: print('proc1', e.errno)
print('done')"
	echo "$output"
	[[ "$output" == *"proc1 40"* ]]
	[[ "$output" == *done* ]]
	[ ! -e "$WORK/sub/victim1" ]
	[ ! -s "$WORK/victim2" ]
	[ -e "$WORK/sub/own" ]
	[ ! -e /x ]
	run timeout 30 "$NONO" rollback restore last
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(cat "$WORK/sub/victim1")" = v1 ]
	[ "$(cat "$WORK/victim2")" = v2 ]
	[ "$(cat "$WORK/victim3")" = v3 ]
	[ ! -e "$WORK/sub/own" ]
}

@test "a directory changed alone (chmod) and then moved: restore brings back its whole subtree" {
	mkdir -p "$WORK/D/sub"
	for f in file other keep; do echo "$f" >"$WORK/D/sub/$f"; done
	run timeout 30 "$NONO" run --silent --allow "$WORK" --allow-delete --allow-command mv --allow-command chmod \
		--allow-command rm -- sh -c 'chmod 700 D/sub; mv D E; rm E/sub/file; mv E/sub/other E/sub/file'
	[ "$status" -eq 0 ]
	[ ! -e "$WORK/D" ]
	run timeout 30 "$NONO" rollback restore last
	[ "$status" -eq 0 ]
	for f in file other keep; do [ "$(cat "$WORK/D/sub/$f")" = "$f" ]; done
	[ ! -e "$WORK/E" ]
}

@test "openat2 with RESOLVE_IN_ROOT writes the file its root names, journaled" {
	mkdir -p "$WORK/sub"
	echo keep >"$WORK/sub/victim"
	echo other >"$WORK/victim"
	run timeout 30 "$NONO" run --silent --allow "$WORK" --allow-delete -- python3 -c "
import ctypes, os, struct
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
d = os.open('$WORK/sub', os.O_PATH)
how = ctypes.create_string_buffer(struct.pack('QQQ', os.O_WRONLY | os.O_TRUNC, 0, 0x10), 24)
r = libc.syscall(437, d, b'/victim', how, 24)
print('r', r >= 0, ctypes.get_errno())"
	echo "$output"
	[[ "$output" == *"r True 0"* ]]
	# '/victim' beneath the descriptor's root: sub/victim, not WORK/victim
	[ ! -s "$WORK/sub/victim" ]
	[ "$(cat "$WORK/victim")" = other ]
	run timeout 30 "$NONO" rollback restore last
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(cat "$WORK/sub/victim")" = keep ]
}

# ---- hard links: a file with two names is restored by inode ----------------

# $WORK/a and $1 are two names of one file; its bytes are kept aside and its
# inode number in $ino
hard_link_setup() {
	printf 'the original bytes\n' >"$WORK/a"
	ln "$WORK/a" "$1"
	cp "$WORK/a" "$SCRATCH/a.orig"
	ino=$(stat -c %i "$WORK/a")
}

# a and $1 have the original bytes and are still the one file
hard_link_restored() {
	cmp "$WORK/a" "$SCRATCH/a.orig"
	cmp "$1" "$SCRATCH/a.orig"
	[ "$(stat -c %i "$WORK/a")" = "$ino" ] || { echo "a is inode $(stat -c %i "$WORK/a"), was $ino"; return 1; }
	[ "$(stat -c %i "$1")" = "$ino" ] || { echo "$1 is inode $(stat -c %i "$1"), was $ino"; return 1; }
}

# clobber a in place three ways, each a session of its own, and restore it:
# the other name ($1) gets the bytes back too
hard_link_clobber_and_restore() {
	local other=$1 how
	for how in shell python truncate; do
		rm -rf "$STORE"
		case $how in
		shell) set -- sh -c 'echo new > a' ;;
		python) set -- python3 -c 'open("a", "w").write("new from python\n")' ;;
		truncate) set -- truncate -s 3 a ;;
		esac
		run timeout 30 "$NONO" run --silent --rollback --allow-delete --allow-command truncate --allow "$WORK" -- "$@"
		echo "$how: $output"
		[ "$status" -eq 0 ]
		# written in place: the other name shows it too
		run -1 cmp -s "$other" "$SCRATCH/a.orig"
		[ "$(stat -c %i "$WORK/a")" = "$ino" ]
		run timeout 30 "$NONO" rollback show last
		echo "$output"
		[[ "$output" == *"modified   $WORK/a  (hard link: 2 names, restored in place)"* ]]
		run timeout 30 "$NONO" rollback restore last
		echo "$output"
		[ "$status" -eq 0 ]
		[[ "$output" == *"Restored 1 path"* ]]
		hard_link_restored "$other"
		[ "$(stat -c %h "$WORK/a")" = 2 ]
	done
}

@test "a hard-linked file clobbered in place comes back under both names (the other in the grant)" {
	hard_link_setup "$WORK/b"
	hard_link_clobber_and_restore "$WORK/b"
}

@test "a hard-linked file clobbered in place comes back under both names (the other outside the grants)" {
	hard_link_setup "$OUTSIDE/b"
	hard_link_clobber_and_restore "$OUTSIDE/b"
	run -0 timeout 30 "$NONO" rollback show last --json
	echo "$output" | python3 -c '
import json, sys
p = json.load(sys.stdin)["paths"]
assert p[0]["hard_link"] == {"names": 2, "restore": "in place"}, p'
}

@test "a hard-linked name written through, then renamed over, is linked back to its other names" {
	hard_link_setup "$WORK/b"
	ln "$WORK/a" "$OUTSIDE/c"
	run timeout 30 "$NONO" run --silent --allow-delete --allow-command mv --allow "$WORK" -- \
		sh -c 'echo written through a > a; echo replacement > x; mv x a'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(cat "$WORK/a")" = replacement ]
	[ "$(cat "$OUTSIDE/c")" = "written through a" ]
	run timeout 30 "$NONO" rollback show last
	echo "$output"
	[[ "$output" == *"modified   $WORK/a  (hard link: 3 names, replaced: linked back to its other name)"* ]]
	run timeout 30 "$NONO" rollback restore last
	echo "$output"
	[ "$status" -eq 0 ]
	hard_link_restored "$WORK/b"
	hard_link_restored "$OUTSIDE/c"
	[ "$(stat -c %h "$WORK/a")" = 3 ]
	[ ! -e "$WORK/x" ]
	run timeout 30 "$NONO" rollback restore last
	echo "$output"
	[[ "$output" == *"Restored 0 paths"* ]]
}

@test "a hard-linked name renamed over, its other name outside the grants: a new file, the other left as it is" {
	hard_link_setup "$OUTSIDE/b"
	run timeout 30 "$NONO" run --silent --allow-delete --allow-command mv --allow "$WORK" -- \
		sh -c 'echo replacement > x; mv x a'
	echo "$output"
	[ "$status" -eq 0 ]
	run timeout 30 "$NONO" rollback show last
	echo "$output"
	[[ "$output" == *"$WORK/a  (hard link: 2 names, no name of it found: restored as a new file"* ]]
	run timeout 30 "$NONO" rollback restore last
	echo "$output"
	[ "$status" -eq 0 ]
	cmp "$WORK/a" "$SCRATCH/a.orig"
	cmp "$OUTSIDE/b" "$SCRATCH/a.orig"
	[ "$(stat -c %i "$OUTSIDE/b")" = "$ino" ]
	[ "$(stat -c %i "$WORK/a")" != "$ino" ]
}

@test "restore never writes a hard-linked file through a symlink left in its place" {
	hard_link_setup "$WORK/b"
	run timeout 30 "$NONO" run --silent --allow-delete --allow "$WORK" -- python3 -c "
import os
open('a', 'w').write('new\n')
os.unlink('a')
os.symlink('$OUTSIDE/data.txt', 'a')"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -L "$WORK/a" ]
	run timeout 30 "$NONO" rollback restore last
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(cat "$OUTSIDE/data.txt")" = outside-data ]
	[ ! -L "$WORK/a" ]
	hard_link_restored "$WORK/b"
}

@test "a name that is not UTF-8 does not stop the rest of the session from being shown and restored" {
	# the journal cannot record such a name (JSON holds UTF-8 only): that
	# one path is left as it is, and said so; the deleted file comes back
	run nono_run --allow-delete --allow "$WORK" -- python3 -c '
import os
os.unlink("tree/README")
open(b"tree/x\xff", "w").write("y")
print("done")'
	echo "$output"
	[[ "$output" == *done* ]]
	[ ! -e "$WORK/tree/README" ]
	run timeout 30 "$NONO" rollback show last
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"deleted    $WORK/tree/README"* ]]
	[[ "$output" == *"1 path whose name is not UTF-8 was not recorded and is left as it is now"* ]]
	run timeout 30 "$NONO" rollback restore last
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(cat "$WORK/tree/README")" = readme ]
	[ "$(cat "$WORK/tree/x"$'\xff')" = y ]
}
