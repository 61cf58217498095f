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
	[[ "$output" == *refusing* ]] && [[ "$output" == *sensitive* ]] && [[ "$output" == *--bypass-protection* ]]
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
	run nono_run --allow "$WORK" -- python3 -c "
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
	[ "$(cat "$WORK/f")" = keep ] && [ "$(cat "$WORK/g")" = other ] && [ -d "$WORK/d" ]
}

@test "in a writable grant: creating, writing new files and appending work" {
	echo a > "$WORK/log"
	run nono_run --allow "$WORK" -- sh -c "echo new > $WORK/n; mkdir $WORK/sub; echo s > $WORK/sub/s; echo b >> $WORK/log"
	[ "$status" -eq 0 ]
	[ "$(cat "$WORK/n")" = new ] && [ "$(cat "$WORK/sub/s")" = s ]
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
	[ ! -e "$WORK/f" ] && [ -e "$WORK/g2" ] && [ ! -s "$WORK/g2" ]
	[[ "$output" == *"outside refused"* ]]
	[ "$(cat "$OUTSIDE/o")" = out ]
}

@test "git works in a writable grant, the working tree stays protected" {
	cd "$WORK"
	git init -q . && echo one > a.txt
	run nono_run --allow "$WORK" -- sh -c '
		git -c user.name=t -c user.email=t@t add a.txt &&
		git -c user.name=t -c user.email=t@t commit -qm first &&
		echo two >> a.txt && git status --short && git status --short &&
		git -c user.name=t -c user.email=t@t commit -qam second && git log --oneline | wc -l'
	[ "$status" -eq 0 ]
	[[ "$output" == *"M a.txt"* ]]
	[ "$(echo "$output" | tail -n1)" = 2 ]
	[ ! -e "$WORK/.git/index.lock" ]
	run nono_run --allow "$WORK" --allow-command rm -- rm "$WORK/a.txt"
	[ -f "$WORK/a.txt" ]
}
