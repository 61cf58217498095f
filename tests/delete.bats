#!/usr/bin/env bats
# --no-delete: destructive operations in writable grants are refused by the
# kernel (unlink, rmdir, rename away, rename over, truncation) unless
# --allow-delete; creating, writing new files and appending still work; a
# .git directory at the root of a writable grant is excepted so git works.
# (By default writable grants may delete, and the rollback journal keeps
# what is destroyed: tests/edit.bats.)
load helpers
bats_require_minimum_version 1.5.0

setup() { common_setup; }
teardown() { common_teardown; }

GIT='git -c user.name=t -c user.email=t@t -c init.defaultBranch=main'

# python3 snippet: run op, print "<name> refused <errno>" or "<name> done"
py_try() {
	cat <<EOF
import os, sys
def attempt(name, op):
    try:
        op(); print(name, 'done')
    except OSError as e:
        print(name, 'refused', e.errno)
EOF
}

# ---------------------------------------------------------------- refused with --no-delete

@test "unlink is refused in a writable grant: the file stays with its bytes" {
	printf 'keep\x00bytes\n' > "$WORK/f"
	cp "$WORK/f" "$SCRATCH/f.orig"
	run nono_run --no-delete --allow "$WORK" -- python3 -c "$(py_try)
attempt('unlink', lambda: os.unlink('$WORK/f'))"
	[ "$output" = "unlink refused 13" ]
	cmp "$WORK/f" "$SCRATCH/f.orig"
}

@test "rm (with --allow-command rm) cannot delete: the kernel refuses" {
	echo keep > "$WORK/f"
	run nono_run --no-delete --allow "$WORK" --allow-command rm -- rm -f "$WORK/f"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Permission denied"* ]]
	[ "$(cat "$WORK/f")" = keep ]
}

@test "rm -r of a tree is refused: every file stays" {
	mkdir -p "$WORK/tree/sub"
	echo 1 > "$WORK/tree/a"; echo 2 > "$WORK/tree/sub/b"
	run nono_run --no-delete --allow "$WORK" --allow-command rm -- rm -rf "$WORK/tree"
	[ "$status" -ne 0 ]
	[ "$(cat "$WORK/tree/a")" = 1 ]
	[ "$(cat "$WORK/tree/sub/b")" = 2 ]
}

@test "rmdir of an empty directory is refused: it still exists" {
	mkdir "$WORK/empty"
	run nono_run --no-delete --allow "$WORK" -- python3 -c "$(py_try)
attempt('rmdir', lambda: os.rmdir('$WORK/empty'))"
	[ "$output" = "rmdir refused 13" ]
	[ -d "$WORK/empty" ]
}

@test "rename away is refused: the file keeps its name and bytes" {
	echo keep > "$WORK/f"
	mkdir "$WORK/d"
	run nono_run --no-delete --allow "$WORK" -- python3 -c "$(py_try)
attempt('rename', lambda: os.rename('$WORK/f', '$WORK/f2'))
attempt('move', lambda: os.rename('$WORK/f', '$WORK/d/f'))"
	[ "$(echo "$output" | grep -c 'refused 13')" -eq 2 ]
	[ "$(cat "$WORK/f")" = keep ]
	[ ! -e "$WORK/f2" ]
	[ ! -e "$WORK/d/f" ]
}

@test "rename over an existing file is refused: both files unchanged" {
	echo target > "$WORK/target"
	echo source > "$WORK/source"
	run nono_run --no-delete --allow "$WORK" -- python3 -c "$(py_try)
attempt('replace', lambda: os.replace('$WORK/source', '$WORK/target'))"
	[ "$output" = "replace refused 13" ]
	[ "$(cat "$WORK/target")" = target ]
	[ "$(cat "$WORK/source")" = source ]
}

@test "a new file written in the sandbox cannot then replace an existing one" {
	echo original > "$WORK/config"
	run nono_run --no-delete --allow "$WORK" -- python3 -c "$(py_try)
open('$WORK/config.new', 'w').write('evil')
attempt('replace', lambda: os.replace('$WORK/config.new', '$WORK/config'))"
	[[ "$output" == *"replace refused 13"* ]]
	[ "$(cat "$WORK/config")" = original ]
}

@test "truncate (os.truncate, O_TRUNC) of an existing file is refused: bytes unchanged" {
	echo keep-these-bytes > "$WORK/f"
	run nono_run --no-delete --allow "$WORK" -- python3 -c "$(py_try)
attempt('truncate', lambda: os.truncate('$WORK/f', 0))
attempt('truncate4', lambda: os.truncate('$WORK/f', 4))
attempt('otrunc', lambda: open('$WORK/f', 'w'))"
	[ "$(echo "$output" | grep -c 'refused 13')" -eq 3 ]
	[ "$(cat "$WORK/f")" = keep-these-bytes ]
}

@test "': > existingfile' shell redirection is refused: bytes unchanged" {
	echo keep > "$WORK/f"
	echo keep2 > "$WORK/g"
	# a failed redirection on ':' (a special built-in) ends sh: one sh each
	run nono_run --no-delete --allow "$WORK" -- sh -c "sh -c ': > $WORK/f'; sh -c 'echo overwrite > $WORK/g'"
	[ "$(echo "$output" | grep -c 'Permission denied')" -eq 2 ]
	[ "$(cat "$WORK/f")" = keep ]
	[ "$(cat "$WORK/g")" = keep2 ]
}

# ---------------------------------------------------------------- what still works

@test "creating new files and writing new content into them works" {
	run nono_run --no-delete --allow "$WORK" -- sh -c "echo new > $WORK/n; : > $WORK/empty; mkdir $WORK/sub; printf 'a\nb\n' > $WORK/sub/s
		python3 -c 'f = open(\"$WORK/py.txt\", \"w\"); f.write(\"py\"); f.close()'"
	[ "$status" -eq 0 ]
	[ "$(cat "$WORK/n")" = new ]
	[ -f "$WORK/empty" ]
	[ ! -s "$WORK/empty" ]
	[ "$(cat "$WORK/sub/s")" = "$(printf 'a\nb')" ]
	[ "$(cat "$WORK/py.txt")" = py ]
}

@test "appending (>>) to an existing file works" {
	echo line1 > "$WORK/log"
	run nono_run --no-delete --allow "$WORK" -- sh -c "echo line2 >> $WORK/log; echo line3 >> $WORK/log"
	[ "$status" -eq 0 ]
	[ "$(cat "$WORK/log")" = "$(printf 'line1\nline2\nline3')" ]
}

# ---------------------------------------------------------------- --allow-delete

@test "--allow-delete: unlink, rmdir, rename away, rename over and truncate succeed" {
	echo x > "$WORK/f"; echo y > "$WORK/g"; echo z > "$WORK/h"; echo w > "$WORK/t"; mkdir "$WORK/d"
	run nono_run --no-delete --allow "$WORK" --allow-delete -- python3 -c "$(py_try)
attempt('unlink', lambda: os.unlink('$WORK/f'))
attempt('rmdir', lambda: os.rmdir('$WORK/d'))
attempt('rename', lambda: os.rename('$WORK/g', '$WORK/g2'))
attempt('replace', lambda: os.replace('$WORK/g2', '$WORK/h'))
attempt('truncate', lambda: os.truncate('$WORK/t', 0))"
	[ "$(echo "$output" | grep -c ' done')" -eq 5 ]
	[ ! -e "$WORK/f" ]
	[ ! -e "$WORK/d" ]
	[ ! -e "$WORK/g" ]
	[ ! -e "$WORK/g2" ]
	[ "$(cat "$WORK/h")" = y ]
	[ -f "$WORK/t" ]
	[ ! -s "$WORK/t" ]
}

@test "--allow-delete: rm and ': >' work" {
	echo x > "$WORK/f"; echo y > "$WORK/g"
	mkdir -p "$WORK/tree/sub"; echo 1 > "$WORK/tree/sub/a"
	run nono_run --no-delete --allow "$WORK" --allow-delete --allow-command rm -- sh -c "rm $WORK/f && rm -r $WORK/tree && : > $WORK/g"
	[ "$status" -eq 0 ]
	[ ! -e "$WORK/f" ]
	[ ! -e "$WORK/tree" ]
	[ -f "$WORK/g" ]
	[ ! -s "$WORK/g" ]
}

@test "--allow-delete applies to --write grants too" {
	echo x > "$WORK/f"
	run nono_run --no-delete --write "$WORK" --allow-delete -- python3 -c "$(py_try)
attempt('unlink', lambda: os.unlink('$WORK/f'))"
	[ "$output" = "unlink done" ]
	[ ! -e "$WORK/f" ]
}

@test "--allow-delete never reaches outside the writable grants" {
	echo out > "$OUTSIDE/o"; echo ro > "$OUTSIDE/r"; echo mine > "$WORK/m"
	run nono_run --no-delete --allow "$WORK" --read "$OUTSIDE" --allow-delete -- python3 -c "$(py_try)
attempt('unlink-read-grant', lambda: os.unlink('$OUTSIDE/o'))
attempt('truncate-read-grant', lambda: os.truncate('$OUTSIDE/r', 0))
attempt('move-out', lambda: os.rename('$WORK/m', '$OUTSIDE/m'))
attempt('move-in', lambda: os.rename('$OUTSIDE/o', '$WORK/o'))
attempt('unlink-home', lambda: os.unlink('$HOME/docs/readme.txt'))"
	[ "$(echo "$output" | grep -c 'refused')" -eq 5 ]
	[[ "$output" != *" done"* ]]
	[ "$(cat "$OUTSIDE/o")" = out ]
	[ "$(cat "$OUTSIDE/r")" = ro ]
	[ "$(cat "$WORK/m")" = mine ]
	[ ! -e "$OUTSIDE/m" ]
	[ ! -e "$WORK/o" ]
	[ "$(cat "$HOME/docs/readme.txt")" = doc ]
}

@test "--allow-delete does not open sensitive files under --allow ~" {
	cp "$HOME/.bashrc" "$SCRATCH/bashrc.orig"
	run nono_run --no-delete --allow "$HOME" --allow-delete -- python3 -c "$(py_try)
attempt('unlink-key', lambda: os.unlink('$HOME/.ssh/id_rsa'))
attempt('truncate-rc', lambda: os.truncate('$HOME/.bashrc', 0))
attempt('replace-rc', lambda: os.replace('$HOME/docs/readme.txt', '$HOME/.bashrc'))"
	[ "$(echo "$output" | grep -c 'refused')" -eq 3 ]
	[[ "$output" != *" done"* ]]
	[ -f "$HOME/.ssh/id_rsa" ]
	cmp "$HOME/.bashrc" "$SCRATCH/bashrc.orig"
	[ "$(cat "$HOME/docs/readme.txt")" = doc ]
}

# ---------------------------------------------------------------- .git

@test "git in a writable grant (repository initialised beforehand): add, commit, status twice" {
	$GIT init -q "$WORK"
	echo one > "$WORK/a.txt"
	run nono_run --no-delete --allow "$WORK" -- sh -c "
		$GIT add a.txt &&
		$GIT commit -qm first &&
		echo two >> a.txt &&
		git status --short && git status --short &&
		$GIT commit -qam second &&
		git log --oneline | wc -l"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c 'M a.txt')" -eq 2 ]
	[ "$(echo "$output" | tail -n1)" = 2 ]
	[ ! -e "$WORK/.git/index.lock" ]
	[ -z "$(git -C "$WORK" status --porcelain)" ]
	[ "$(git -C "$WORK" show HEAD:a.txt)" = "$(printf 'one\ntwo')" ]
}

@test "git init inside the sandbox needs --allow-delete: .git made during the run has no removal rights" {
	echo one > "$WORK/a.txt"
	# Landlock rules name existing directories: a .git that does not exist
	# at launch cannot get the exception, and git renames its lock files
	run nono_run --no-delete --allow "$WORK" -- sh -c "$GIT init -q . && echo init-ok"
	[[ "$output" != *init-ok* ]]
	[ "$(cat "$WORK/a.txt")" = one ]
	rm -rf "$WORK/.git"
	run nono_run --no-delete --allow "$WORK" --allow-delete -- sh -c "
		$GIT init -q . &&
		$GIT add a.txt &&
		$GIT commit -qm first &&
		git status --short && git status --short &&
		git log --oneline | wc -l"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | tail -n1)" = 1 ]
	[ ! -e "$WORK/.git/index.lock" ]
	[ ! -e "$WORK/.git/HEAD.lock" ]
	[ "$(git -C "$WORK" show HEAD:a.txt)" = one ]
}

@test "with a .git present, deleting a working-tree file still fails" {
	$GIT init -q "$WORK"
	echo tracked > "$WORK/a.txt"
	echo ignored > "$WORK/.gitignore"
	$GIT -C "$WORK" add a.txt .gitignore
	$GIT -C "$WORK" commit -qm first
	run nono_run --no-delete --allow "$WORK" --allow-command rm -- sh -c "rm -f $WORK/a.txt; rm -f $WORK/.gitignore; : > $WORK/a.txt"
	[ "$(echo "$output" | grep -c 'Permission denied')" -eq 3 ]
	[ "$(cat "$WORK/a.txt")" = tracked ]
	[ "$(cat "$WORK/.gitignore")" = ignored ]
}

@test "git rm of a tracked file cannot delete it from the working tree" {
	$GIT init -q "$WORK"
	echo tracked > "$WORK/a.txt"
	$GIT -C "$WORK" add a.txt
	$GIT -C "$WORK" commit -qm first
	run nono_run --no-delete --allow "$WORK" -- git rm -q a.txt
	[ "$(cat "$WORK/a.txt")" = tracked ]
	[ ! -e "$WORK/.git/index.lock" ]
}

@test "a .git below the root of the grant gets no delete rights" {
	mkdir -p "$WORK/sub/.git"
	echo inner > "$WORK/sub/.git/config"
	mkdir -p "$WORK/.git"
	echo root > "$WORK/.git/scratch"
	run nono_run --no-delete --allow "$WORK" -- python3 -c "$(py_try)
attempt('nested', lambda: os.unlink('$WORK/sub/.git/config'))
attempt('root', lambda: os.unlink('$WORK/.git/scratch'))"
	[[ "$output" == *"nested refused 13"* ]]
	[[ "$output" == *"root done"* ]]
	[ "$(cat "$WORK/sub/.git/config")" = inner ]
	[ ! -e "$WORK/.git/scratch" ]
}
