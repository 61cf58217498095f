#!/usr/bin/env bats
# Sensitive paths, carving a parent grant around them, --bypass-protection,
# and the kernel's refusal of destructive operations in writable grants.
load helpers
bats_require_minimum_version 1.5.0

setup() { common_setup; }
teardown() { common_teardown; }

@test "sensitive paths are unreadable even with nothing else denied" {
	run nono_run --read "$HOME/docs" -- sh -c "cat $HOME/.ssh/id_rsa $HOME/.aws/credentials $HOME/.bashrc"
	[[ "$output" != *SECRET* ]]
	[ "$(echo "$output" | grep -c 'Permission denied')" -eq 3 ]
}

@test "--allow ~ is carved around the sensitive paths, and says so" {
	run bash -c "timeout 30 '$NONO' run --allow '$HOME' -- sh -c 'cat $HOME/docs/readme.txt; cat $HOME/.ssh/id_rsa; echo x >> $HOME/.bashrc; echo new > $HOME/proj/n' 2>&1"
	[[ "$output" == *doc* ]]
	[[ "$output" != *SECRET-SSH* ]]
	[[ "$output" == *"granted entry by entry"* ]]
	[[ "$output" == *"~/.ssh"* ]]
	[ "$(cat "$HOME/.bashrc")" = "export SECRET_BASHRC=1" ]
	[ "$(cat "$HOME/proj/n")" = new ]
}

@test "carving reaches nested sensitive paths and their siblings stay granted" {
	mkdir -p "$HOME/.config/gcloud" "$HOME/.config/other"
	echo gsecret > "$HOME/.config/gcloud/token"
	echo fine > "$HOME/.config/other/x"
	run nono_run --allow "$HOME" -- sh -c "cat $HOME/.config/other/x; cat $HOME/.config/gcloud/token; ls $HOME/.config/gcloud"
	[[ "$output" == *fine* ]]
	[[ "$output" != *gsecret* ]]
	[[ "$output" == *"cannot open directory"* ]]
}

@test "a symlink into a sensitive directory is not a way in" {
	ln -s "$HOME/.ssh" "$HOME/docs/keys"
	run nono_run --allow "$HOME" -- cat "$HOME/docs/keys/id_rsa"
	[[ "$output" != *SECRET* ]]
	run nono_run --read "$HOME/docs" -- cat "$HOME/docs/keys/id_rsa"
	[[ "$output" != *SECRET* ]]
}

@test "a sensitive directory that is itself a symlink is protected under both names" {
	mkdir -p "$SCRATCH/vault"
	mv "$HOME/.ssh/id_rsa" "$SCRATCH/vault/"
	rmdir "$HOME/.ssh"
	ln -s "$SCRATCH/vault" "$HOME/.ssh"
	run nono_run --read "$SCRATCH" -- cat "$SCRATCH/vault/id_rsa"
	[[ "$output" != *SECRET* ]]
	[[ "$output" == *"Permission denied"* ]]
}

@test "granting a sensitive path is refused, nothing runs" {
	run nono_run --read "$HOME/.ssh" -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	[[ "$output" == *refusing* ]]
	[[ "$output" == *sensitive* ]]
	[[ "$output" == *--bypass-protection* ]]
	[ ! -e "$WORK/ran" ]
	run nono_run --read-file "$HOME/.ssh/id_rsa" -- true
	[ "$status" -eq 125 ]
}

@test "--bypass-protection opens exactly the named path" {
	echo "host key" > "$HOME/.ssh/known_hosts"
	run nono_run --read-file "$HOME/.ssh/known_hosts" --bypass-protection "$HOME/.ssh/known_hosts" -- \
		sh -c "cat $HOME/.ssh/known_hosts; cat $HOME/.ssh/id_rsa"
	[[ "$output" == *"host key"* ]]
	[[ "$output" != *SECRET* ]]
	run bash -c "timeout 30 '$NONO' run --read-file '$HOME/.ssh/known_hosts' --bypass-protection '$HOME/.ssh/known_hosts' -- true 2>&1"
	[[ "$output" == *"warning: --bypass-protection"* ]]
}

@test "--bypass-protection without a grant is an error" {
	run nono_run --bypass-protection "$HOME/.ssh" -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	[[ "$output" == *"no grant covers it"* ]]
	[ ! -e "$WORK/ran" ]
}

@test "in a writable grant: no unlink, rmdir, rename away, rename over, truncate" {
	echo keep > "$WORK/f"; echo other > "$WORK/g"; mkdir "$WORK/d"
	run nono_run --no-delete --allow "$WORK" -- python3 -c "
import os
for name, op in [('unlink', lambda: os.unlink('$WORK/f')), ('rmdir', lambda: os.rmdir('$WORK/d')),
                 ('rename', lambda: os.rename('$WORK/f', '$WORK/f2')), ('replace', lambda: os.replace('$WORK/g', '$WORK/f')),
                 ('truncate', lambda: os.truncate('$WORK/f', 0)), ('otrunc', lambda: open('$WORK/f', 'w'))]:
    try:
        op(); print(name, 'DONE')
    except PermissionError as e:
        print(name, 'refused', e.errno)
"
	[ "$(echo "$output" | grep -c 'refused 13')" -eq 6 ]
	[ "$(cat "$WORK/f")" = keep ]
	[ "$(cat "$WORK/g")" = other ]
	[ -d "$WORK/d" ]
}

@test "in a writable grant: creating, writing new files and appending work" {
	echo a > "$WORK/log"
	run nono_run --allow "$WORK" -- sh -c "echo new > $WORK/n; mkdir $WORK/sub; echo s > $WORK/sub/s; echo b >> $WORK/log"
	[ "$status" -eq 0 ]
	[ "$(cat "$WORK/n")" = new ]
	[ "$(cat "$WORK/sub/s")" = s ]
	[ "$(cat "$WORK/log")" = "$(printf 'a\nb')" ]
}

@test "--allow-delete grants deletion, renames and truncation in the grants only" {
	echo x > "$WORK/f"; echo y > "$WORK/g"; echo out > "$OUTSIDE/o"
	run nono_run --allow "$WORK" --read "$OUTSIDE" --allow-delete -- python3 -c "
import os
os.rename('$WORK/g', '$WORK/g2'); os.truncate('$WORK/g2', 0); os.unlink('$WORK/f')
try:
    os.unlink('$OUTSIDE/o')
except PermissionError:
    print('outside refused')
"
	[ ! -e "$WORK/f" ]
	[ -e "$WORK/g2" ]
	[ ! -s "$WORK/g2" ]
	[[ "$output" == *"outside refused"* ]]
	[ "$(cat "$OUTSIDE/o")" = out ]
}

@test "git works in a writable grant, the working tree stays protected" {
	cd "$WORK"
	git init -q . && echo one > a.txt
	run nono_run --no-delete --allow "$WORK" -- sh -c '
		git -c user.name=t -c user.email=t@t add a.txt &&
		git -c user.name=t -c user.email=t@t commit -qm first &&
		echo two >> a.txt && git status --short && git status --short &&
		git -c user.name=t -c user.email=t@t commit -qam second && git log --oneline | wc -l'
	[ "$status" -eq 0 ]
	[[ "$output" == *"M a.txt"* ]]
	[ "$(echo "$output" | tail -n1)" = 2 ]
	[ ! -e "$WORK/.git/index.lock" ]
	run nono_run --no-delete --allow "$WORK" --allow-command rm -- rm "$WORK/a.txt"
	[ -f "$WORK/a.txt" ]
}

# ---- nono's own files: readable where a grant reaches them, never writable ----

# nono's configuration, a user profile and its data, as a user has them
own_files() {
	local cfg="${XDG_CONFIG_HOME:-$HOME/.config}" data="${XDG_DATA_HOME:-$HOME/.local/share}"
	mkdir -p "$cfg/nono/profiles" "$data/nono/hooks" "$HOME/.config/other"
	printf '[run]\nbanner = true\n' > "$cfg/nono/config.ini"
	echo '{"filesystem": {"read": ["$HOME/docs"]}}' > "$cfg/nono/profiles/mine.json"
	printf '#!/bin/sh\nexit 0\n' > "$data/nono/hooks/nono-hook.sh"
	chmod 755 "$data/nono/hooks/nono-hook.sh"
	echo fine > "$HOME/.config/other/x"
	OWN_SUM=$(own_sum)
}
# names, modes, owners, times and content of everything there
own_sum() {
	local cfg="${XDG_CONFIG_HOME:-$HOME/.config}" data="${XDG_DATA_HOME:-$HOME/.local/share}"
	find "$cfg/nono" "$data/nono" -printf '%p %M %U %s %T@\n' | sort
	find "$cfg/nono" "$data/nono" -type f -exec sha256sum {} + | sort
}

# every way to change nono's files, each line "NAME DONE" or "NAME refused ERRNO"
ATTACKS='import os, shutil, sys
cfg, data, home = sys.argv[1:4]
def tryit(name, f):
    try:
        f(); print(name, "DONE")
    except OSError as e:
        print(name, "refused", e.errno)
tryit("new-profile", lambda: open(cfg + "/nono/profiles/evil.json", "w").write("{}"))
tryit("builtin-name", lambda: open(cfg + "/nono/profiles/claude-code.json", "x").write("{}"))
tryit("edit-profile", lambda: open(cfg + "/nono/profiles/mine.json", "a").write(" "))
tryit("edit-config", lambda: open(cfg + "/nono/config.ini", "a").write("[run]\nprofile = evil\n"))
tryit("truncate-config", lambda: os.truncate(cfg + "/nono/config.ini", 0))
tryit("new-config-dir", lambda: os.mkdir(cfg + "/nono/profiles/d"))
tryit("symlink", lambda: os.symlink("/tmp", cfg + "/nono/profiles/link.json"))
tryit("hardlink", lambda: os.link(cfg + "/nono/config.ini", home + "/proj/hl"))
tryit("data-write", lambda: open(data + "/nono/new", "w"))
tryit("hook-overwrite", lambda: open(data + "/nono/hooks/nono-hook.sh", "w"))
tryit("rename-config-dir", lambda: os.rename(cfg + "/nono", cfg + "/nono.away"))
tryit("rename-data-dir", lambda: os.rename(data + "/nono", data + "/nono.away"))
tryit("rename-profile", lambda: os.rename(cfg + "/nono/profiles/mine.json", cfg + "/nono/profiles/claude-code.json"))
tryit("unlink-profile", lambda: os.unlink(cfg + "/nono/profiles/mine.json"))
tryit("rmtree-config", lambda: shutil.rmtree(cfg + "/nono"))
tryit("chmod-config", lambda: os.chmod(cfg + "/nono/config.ini", 0o666))
print("read-config", open(cfg + "/nono/config.ini").read().splitlines()[0])'
N_ATTACKS=16

@test "--allow ~: nono's config, profiles, data and hook stay unchanged; the rest of ~ still works" {
	own_files
	echo "$ATTACKS" > "$SCRATCH/attacks.py"
	for del in "" --allow-delete; do
		run nono_run --allow "$HOME" $del --read-file "$SCRATCH/attacks.py" -- \
			python3 "$SCRATCH/attacks.py" "$HOME/.config" "$HOME/.local/share" "$HOME"
		echo "$output"
		[ "$(echo "$output" | grep -c ' refused ')" -eq "$N_ATTACKS" ]
		[[ "$output" != *DONE* ]]
		# readable: the grant reaches them
		[[ "$output" == *"read-config [run]"* ]]
		[ "$(own_sum)" = "$OWN_SUM" ]
		[ ! -e "$HOME/proj/hl" ]
		[ ! -e "$HOME/.config/nono.away" ]
	done
	# the carve leaves the rest of ~ as --allow ~ grants it
	run nono_run --allow "$HOME" -- sh -c "echo new > '$HOME/proj/new'; echo more >> '$HOME/docs/readme.txt';
		echo n > '$HOME/.config/other/new'; echo more >> '$HOME/.config/other/x'; mkdir '$HOME/proj/d'"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(cat "$HOME/proj/new")" = new ]
	[ "$(cat "$HOME/.config/other/new")" = n ]
	[ -d "$HOME/proj/d" ]
	[ "$(cat "$HOME/docs/readme.txt")" = "$(printf 'doc\nmore')" ]
	[ "$(cat "$HOME/.config/other/x")" = "$(printf 'fine\nmore')" ]
	# and says what it did
	run bash -c "timeout 30 '$NONO' run --allow '$HOME' -- true 2>&1"
	[[ "$output" == *"~/.config/nono (read-only)"* ]]
	[[ "$output" == *"~/.local/share/nono (read-only)"* ]]
}

@test "nono's own files are protected where \$XDG_CONFIG_HOME and \$XDG_DATA_HOME put them, under every profile" {
	export XDG_CONFIG_HOME="$HOME/cfg" XDG_DATA_HOME="$HOME/data"
	own_files
	echo "$ATTACKS" > "$SCRATCH/attacks.py"
	# claude-code installs its hook there first, from outside the sandbox
	run nono_run --profile claude-code -- true
	[ "$(cmp "$XDG_DATA_HOME/nono/hooks/nono-hook.sh" "${NONO_SRCDIR:-$BATS_TEST_DIRNAME/..}/hooks/nono-hook.sh")" = "" ]
	OWN_SUM=$(own_sum)
	for prof in default claude-code python-dev node-dev rust-dev go-dev; do
		run nono_run --profile "$prof" --allow "$HOME" --read-file "$SCRATCH/attacks.py" -- \
			python3 "$SCRATCH/attacks.py" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$HOME"
		echo "$prof: $output"
		[ "$(echo "$output" | grep -c ' refused ')" -eq "$N_ATTACKS" ]
		[[ "$output" != *DONE* ]]
		[ "$(own_sum)" = "$OWN_SUM" ]
	done
	# the default places too, though this launch reads its files elsewhere
	mkdir -p "$HOME/.config/nono/profiles"
	run nono_run --allow "$HOME" -- sh -c "echo '{}' > '$HOME/.config/nono/profiles/x.json'"
	[[ "$output" == *"Permission denied"* ]]
	[ ! -e "$HOME/.config/nono/profiles/x.json" ]
}

@test "a profile planted by a sandbox never reaches the next launch" {
	own_files
	run nono_run --allow "$HOME" -- sh -c "
		echo '{\"filesystem\": {\"read\": [\"\$HOME/.ssh\"]}, \"policy\": {\"bypass_protection\": [\"\$HOME/.ssh\"]}}' > '$HOME/.config/nono/profiles/claude-code.json'
		printf '[run]\nprofile = planted\n' >> '$HOME/.config/nono/config.ini'"
	[ ! -e "$HOME/.config/nono/profiles/claude-code.json" ]
	[ "$(own_sum)" = "$OWN_SUM" ]
	run nono_run --profile claude-code -- cat "$HOME/.ssh/id_rsa"
	[[ "$output" != *SECRET-SSH* ]]
	[[ "$output" == *"Permission denied"* ]]
}

@test "granting nono's own files: read is fine, write is refused, --bypass-protection never reaches them" {
	own_files
	run nono_run --read "$HOME/.config/nono" -- cat "$HOME/.config/nono/profiles/mine.json"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"read"'* ]]
	for flag in --allow --write; do
		run nono_run $flag "$HOME/.config/nono/profiles" -- touch "$WORK/ran"
		[ "$status" -eq 125 ]
		[[ "$output" == *"refusing $flag $HOME/.config/nono/profiles: it is inside nono's own files ~/.config/nono (group nono_files), which no sandbox may write"* ]]
		[[ "$output" == *"hint: edit them outside the sandbox; --read $HOME/.config/nono/profiles grants read only"* ]]
	done
	run nono_run --allow-file "$HOME/.local/share/nono/hooks/nono-hook.sh" -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	[[ "$output" == *"--read-file"* ]]
	for b in "$HOME/.config/nono" "$HOME/.config/nono/config.ini" "$HOME/.local/share" "$HOME"; do
		run nono_run --allow "$HOME" --bypass-protection "$b" -- touch "$WORK/ran"
		echo "$output"
		[ "$status" -eq 125 ]
		[[ "$output" == *"--bypass-protection $b: it would "*"nono's "* ]]
	done
	[ ! -e "$WORK/ran" ]
	[ "$(own_sum)" = "$OWN_SUM" ]
	# a workdir inside them is refused rather than made read-only behind the user's back
	cd "$HOME/.config/nono"
	run nono_run --allow-cwd -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"nono's own files"* ]]
}

@test "nono why: nono's own files are readable under a grant, never writable, and why" {
	own_files
	run timeout 30 "$NONO" why --allow "$HOME" --path "$HOME/.config/nono/profiles/x.json" --op write
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | head -n1)" = DENIED ]
	[[ "$output" == *"Reason:     nono's own file: ~/.config/nono, protected by group 'nono_files'"* ]]
	[[ "$output" == *"Fix:        none: no flag grants it"* ]]
	run timeout 30 "$NONO" why --allow "$HOME" --path "$HOME/.config/nono" --op delete --json
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["status"] == "denied" and d["reason"] == "nono_own_file" and d["group"] == "nono_files" and d["suggested_flag"] == "", d' "$output"
	run timeout 30 "$NONO" why --allow "$HOME" --path "$HOME/.config/nono/config.ini" --op read
	[ "$(echo "$output" | head -n1)" = ALLOWED ]
	run timeout 30 "$NONO" why --path "$HOME/.local/share/nono/hooks/nono-hook.sh" --op read
	[ "$(echo "$output" | head -n1)" = DENIED ]
	[[ "$output" == *"Fix:        --read-file $HOME/.local/share/nono/hooks/nono-hook.sh"* ]]
	# inside a sandbox, from the capability file
	run nono_run --allow "$HOME" --read "$(dirname "$NONO")" -- "$NONO" why --self --path "$HOME/.local/share/nono/hooks/nono-hook.sh" --op write
	echo "$output"
	[[ "$output" == *"nono's own file"* ]]
	run nono_run --allow "$HOME" --read "$(dirname "$NONO")" -- "$NONO" why --self --path "$HOME/.config/nono/config.ini" --op read
	[ "$(echo "$output" | head -n1)" = ALLOWED ]
	# the dry run lists them apart from the sensitive paths
	run timeout 30 "$NONO" run --dry-run --allow "$HOME" -- true
	[[ "$output" == *"nono's own files (readable where a grant reaches them, never writable):"*"$HOME/.config/nono "*nono_files* ]]
}

@test "as the test user, whose files they are: --allow ~ cannot change nono's files" {
	ensure_test_user
	USER_HOME="$SCRATCH/uhome"
	local save_home="$HOME"
	HOME="$USER_HOME"
	mkdir -p "$USER_HOME/proj" "$USER_HOME/.ssh" "$USER_HOME/docs"
	own_files
	chown -R "$TEST_USER" "$USER_HOME"
	chmod 755 "$SCRATCH"
	echo "$ATTACKS" > "$SCRATCH/attacks.py"
	chmod 644 "$SCRATCH/attacks.py"
	cd "$USER_HOME/proj" || return 1
	# the user's own permissions allow every one of these outside the sandbox
	run as_user sh -c "echo x >> '$USER_HOME/.config/nono/config.ini.test' && rm '$USER_HOME/.config/nono/config.ini.test'"
	[ "$status" -eq 0 ]
	OWN_SUM=$(own_sum)
	run as_user timeout 30 "$NONO" run --silent --allow "$USER_HOME" --allow-delete --read-file "$SCRATCH/attacks.py" -- \
		python3 "$SCRATCH/attacks.py" "$USER_HOME/.config" "$USER_HOME/.local/share" "$USER_HOME"
	echo "$output"
	[ "$(echo "$output" | grep -c ' refused ')" -eq "$N_ATTACKS" ]
	[[ "$output" != *DONE* ]]
	[[ "$output" == *"read-config [run]"* ]]
	[ "$(own_sum)" = "$OWN_SUM" ]
	HOME="$save_home"
}
