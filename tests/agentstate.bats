#!/usr/bin/env bats
# An agent's own state beside the grants (filesystem.allow_lock_dir,
# filesystem.link_file, filesystem.create_dirs): the lock directories the
# supervisor makes and removes in $HOME, and nothing else it makes there,
# whatever the sandbox tries; ~/.claude.json kept inside ~/.claude behind a
# link, the user's state carried over byte for byte.
load helpers

setup() {
	common_setup
	PROFILE="$SCRATCH/state.json"
	cat >"$PROFILE" <<'EOF'
{
  "filesystem": {
    "allow_lock_dir": ["$HOME/.agent.json.lock", "$HOME/.agent.lock"],
    "link_file": {"$HOME/.agent.json": "$HOME/.agent/agent.json"},
    "create_dirs": ["$HOME/.agent", "$HOME/.cache/agent"],
    "allow": ["$HOME/.agent", "$HOME/.cache/agent"],
    "allow_delete": ["$HOME/.agent"]
  }
}
EOF
}
teardown() { common_teardown; }

# python3 in the sandbox with the test profile, the work directory writable
py() { timeout 30 "$NONO" run --silent --profile "$PROFILE" --allow "$WORK" -- python3 -c "$1" "$OUTSIDE"; }

# $HOME's entries, one a line (what the sandbox must not add to)
home_entries() { (cd "$HOME" && find . -mindepth 1 -maxdepth 1 | sort); }

@test "lock directories: made, refreshed and removed by the supervisor, empty, exactly those names" {
	run py '
import os, errno
h = os.environ["HOME"]
os.mkdir(h + "/.agent.json.lock")
print("made", os.path.isdir(h + "/.agent.json.lock"))
os.utime(h + "/.agent.json.lock")
try:
    os.mkdir(h + "/.agent.json.lock")
except OSError as e:
    print("again", errno.errorcode[e.errno])
os.rmdir(h + "/.agent.json.lock/")
os.mkdir(h + "/.agent.lock", 0o700)
os.rmdir(h + "/.agent.lock")
print("gone", os.path.exists(h + "/.agent.json.lock"), os.path.exists(h + "/.agent.lock"))
'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"made True"* ]]
	[[ "$output" == *"again EEXIST"* ]]
	[[ "$output" == *"gone False False"* ]]
	# the audit trail has them
	run "$NONO" audit show last
	[[ "$output" == *"mkdir $HOME/.agent.json.lock"* ]]
	[[ "$output" == *"rmdir $HOME/.agent.lock"* ]]
}

@test "lock directories: nothing else in \$HOME, nothing inside them, no way around the check" {
	ln -s "$HOME" "$WORK/h"
	mkdir "$OUTSIDE/d"
	py 'pass' # what the launch itself makes (the profile's directories and link)
	before=$(home_entries)
	run py '
import os, errno, sys
h = os.environ["HOME"]; w = os.getcwd()
def tryit(what, f, *a):
    try:
        f(*a)
        print(what, "DONE")
    except OSError as e:
        print(what, errno.errorcode[e.errno])
tryit("other-dir", os.mkdir, h + "/.other")
tryit("near-name", os.mkdir, h + "/.agent.json.lockx")
tryit("file-named-lock", lambda: os.close(os.open(h + "/.agent.lock", os.O_CREAT | os.O_WRONLY, 0o600)))
tryit("tmp-file", lambda: os.close(os.open(h + "/.agent.json.tmp.1.2", os.O_CREAT | os.O_WRONLY, 0o600)))
# through a link to $HOME and through "..": the same directory, the same rule
os.mkdir(w + "/h/.agent.json.lock"); os.rmdir(h + "/../" + os.path.basename(h) + "/.agent.json.lock")
print("via-link-and-dotdot ok")
# the name in another directory is an ordinary mkdir there
tryit("outside-dir", os.mkdir, sys.argv[1] + "/d/.agent.json.lock")
os.mkdir(h + "/.agent.json.lock")
tryit("inside-lock", lambda: os.close(os.open(h + "/.agent.json.lock/x", os.O_CREAT | os.O_WRONLY, 0o600)))
tryit("subdir", os.mkdir, h + "/.agent.json.lock/sub")
tryit("rename-away", os.rename, h + "/.agent.json.lock", w + "/stolen")
tryit("rename-in", os.rename, w + "/h/../" + os.path.basename(h) + "/.agent.json.lock", h + "/.bashrc.d")
tryit("link-in", os.link, w + "/f", h + "/.agent.lock") if open(w + "/f", "w").close() is None else None
tryit("symlink-in", os.symlink, "/etc", h + "/.agent.lock")
tryit("chmod", os.chmod, h + "/.agent.json.lock", 0o777)
tryit("rmdir-other", os.rmdir, h + "/.agent")
tryit("unlink-lock", os.unlink, h + "/.agent.json.lock")
os.rmdir(h + "/.agent.json.lock")
' 
	echo "$output"
	[ "$status" -eq 0 ]
	for what in other-dir near-name file-named-lock tmp-file outside-dir inside-lock subdir rename-away rename-in \
		link-in symlink-in chmod rmdir-other unlink-lock; do
		line=$(grep "^$what " <<<"$output")
		[ -n "$line" ] && [[ "$line" != *DONE* ]] || { echo "not refused: $what ($line)"; false; }
	done
	[[ "$output" == *"via-link-and-dotdot ok"* ]]
	[ "$(home_entries)" = "$before" ]
	[ ! -e "$OUTSIDE/d/.agent.json.lock" ]
}

@test "lock directories: a link or a file of the lock's name is neither followed nor removed" {
	ln -s "$OUTSIDE/d" "$HOME/.agent.json.lock"
	echo keep >"$HOME/.agent.lock"
	run py '
import os, errno
h = os.environ["HOME"]
for n in (".agent.json.lock", ".agent.lock"):
    for f in (os.mkdir, os.rmdir):
        try:
            f(h + "/" + n)
            print(n, f.__name__, "DONE")
        except OSError as e:
            print(n, f.__name__, errno.errorcode[e.errno])
'
	echo "$output"
	[[ "$output" == *".agent.json.lock mkdir EEXIST"* ]]
	[[ "$output" == *".agent.json.lock rmdir ENOTDIR"* ]]
	[[ "$output" == *".agent.lock mkdir EEXIST"* ]]
	[[ "$output" == *".agent.lock rmdir ENOTDIR"* ]]
	[ -L "$HOME/.agent.json.lock" ]
	[ ! -e "$OUTSIDE/d" ]
	[ "$(cat "$HOME/.agent.lock")" = keep ]
}

@test "lock directories in a sensitive path or nono's own files are refused; nono why names them" {
	printf '{"filesystem": {"allow_lock_dir": ["$HOME/.ssh/x.lock"]}}' >"$SCRATCH/bad.json"
	run timeout 30 "$NONO" run --profile "$SCRATCH/bad.json" -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"allow_lock_dir \$HOME/.ssh/x.lock: inside"* ]]
	# nono itself is on the sandbox's PATH
	run timeout 30 "$NONO" run --silent --profile "$PROFILE" -- sh -c 'nono why --self --path "$HOME/.agent.lock" --op write'
	[ "$status" -eq 0 ]
	[[ "$output" == *"ALLOWED"* ]]
	[[ "$output" == *"a lock directory"* ]]
	run timeout 30 "$NONO" run --profile "$PROFILE" --dry-run -- true
	[[ "$output" == *"Lock dirs: $HOME/.agent.json.lock"* ]]
}

@test "link_file: a fresh home gets the link and {} inside the grant; the sandbox reads and replaces it" {
	run py '
import os, json
h = os.environ["HOME"]
d = json.load(open(h + "/.agent.json"))
d["n"] = d.get("n", 0) + 1
real = os.path.realpath(h + "/.agent.json")
tmp = real + ".tmp.1"
json.dump(d, open(tmp, "w"))
os.rename(tmp, real)
print(json.load(open(h + "/.agent.json")))
'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(readlink "$HOME/.agent.json")" = ".agent/agent.json" ]
	[ "$(cat "$HOME/.agent/agent.json")" = '{"n": 1}' ]
	[ -d "$HOME/.cache/agent" ]
	# a second launch leaves it as it is
	run py 'import json, os; print(json.load(open(os.environ["HOME"] + "/.agent.json")))'
	[ "$output" = "{'n': 1}" ]
}

@test "link_file: the user's regular file is carried over byte for byte, mode kept" {
	printf '{"numStartups": 7,\n "k": "v"}' >"$HOME/.agent.json"
	chmod 640 "$HOME/.agent.json"
	sum=$(sha256sum <"$HOME/.agent.json")
	run timeout 30 "$NONO" run --profile "$PROFILE" -- true
	[ "$status" -eq 0 ]
	[[ "$output" == *"now lives in $HOME/.agent/agent.json"* ]]
	[ -L "$HOME/.agent.json" ]
	[ "$(sha256sum <"$HOME/.agent.json")" = "$sum" ]
	[ "$(stat -c %a "$HOME/.agent/agent.json")" = 640 ]
	# an agent outside nono that replaced the link with a newer regular file
	# wins; the other copy is kept aside, nothing lost
	rm "$HOME/.agent.json"
	echo '{"newer": true}' >"$HOME/.agent.json"
	run timeout 30 "$NONO" run --profile "$PROFILE" -- true
	[ "$status" -eq 0 ]
	[ "$(cat "$HOME/.agent.json")" = '{"newer": true}' ]
	aside=$(ls "$HOME"/.agent/agent.json.nono-*)
	[ "$(sha256sum <"$aside")" = "$sum" ]
}

@test "link_file: a link planted where the state lives is moved aside, never followed" {
	mkdir -p "$HOME/.agent"
	echo '{"state": 1}' >"$HOME/.agent/agent.json"
	ln -s .agent/agent.json "$HOME/.agent.json"
	# what a sandbox that can write ~/.agent could do
	mv "$HOME/.agent/agent.json" "$HOME/.agent/old"
	ln -s "$HOME/.bashrc" "$HOME/.agent/agent.json"
	bashrc=$(cat "$HOME/.bashrc")
	run timeout 30 "$NONO" run --profile "$PROFILE" -- true
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"agent.json was a symbolic link"* ]]
	[ ! -L "$HOME/.agent/agent.json" ]
	[ "$(cat "$HOME/.agent/agent.json")" = '{}' ]
	[ "$(cat "$HOME/.bashrc")" = "$bashrc" ]
	# a profile may not point nono at protected places
	printf '{"filesystem": {"link_file": {"$HOME/.x.json": "$HOME/.ssh/x.json"}}}' >"$SCRATCH/bad.json"
	run timeout 30 "$NONO" run --profile "$SCRATCH/bad.json" -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"inside a sensitive path"* ]]
	[ ! -e "$HOME/.x.json" ]
}
