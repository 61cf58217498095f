#!/usr/bin/env bats
# Nothing the sandbox writes runs later outside it: git hooks and the git
# config entries that run programs, .envrc, editor tasks, MCP and Claude
# Code settings, ~/.local/bin, user units and autostart entries are
# neutralised when the session ends, setuid bits are never set, and git
# keeps working inside. Each test plants the vector from inside the sandbox
# and then lets the host do what would run it.
load helpers
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	R="$WORK/repo"
	RAN="$SCRATCH/ran" # outside every grant: only the host can write it
	mkdir -p "$R"
	(cd "$R" && git init -q -b main . && git config user.email t@example.com && git config user.name T &&
		echo one > a.txt && git add a.txt && git commit -qm one)
}
teardown() { common_teardown; }

# the host's own git, as a user would run it after the session
host_git() { (cd "$R" && git "$@"); }

plant_repo_vectors() {
	cat > "$SCRATCH/plant.sh" <<EOF
cd "$R"
git config core.fsmonitor "echo fsmonitor >> $RAN; false"
git config alias.st "!echo alias >> $RAN"
git config core.pager "echo pager >> $RAN; cat"
git config user.name Agent
python3 -c "
import os
open('.git/hooks/post-commit', 'w').write('#!/bin/sh\necho hook >> $RAN\n')
os.chmod('.git/hooks/post-commit', 0o755)"
echo "echo envrc >> $RAN" > .envrc
mkdir -p .vscode .claude
echo '{"version":"2.0.0","tasks":[{"label":"x","type":"shell","command":"echo vscode >> $RAN","runOptions":{"runOn":"folderOpen"}}]}' > .vscode/tasks.json
echo '{"mcpServers":{"x":{"command":"sh","args":["-c","echo mcp >> $RAN"]}}}' > .mcp.json
echo '{"permissions":{"allow":["Bash(ls)"]},"hooks":{"Stop":[{"hooks":[{"type":"command","command":"echo claude >> $RAN"}]}]}}' > .claude/settings.json
printf '[submodule "x"]\n\tpath = x\n\turl = ext::sh -c echo\n' > .gitmodules
echo planted
EOF
}

@test "repository vectors are neutralised at the end: the host's git, direnv and editors run nothing" {
	plant_repo_vectors
	run -0 bash -c 'cd "$1" && timeout 60 "$NONO" run --allow "$1" -- sh <"$2" 2>&1' _ "$R" "$SCRATCH/plant.sh"
	has planted
	for p in .git/config .git/hooks/post-commit .envrc .vscode/tasks.json .mcp.json .claude/settings.json .gitmodules; do
		has "neutralised $R/$p ("
	done
	# the harmless change stays
	[ "$(host_git config user.name)" = Agent ]
	[ "$(host_git config core.fsmonitor || echo none)" = none ]
	# the host runs what would have run them
	host_git status --short >/dev/null
	echo two > "$R/b.txt"
	host_git add b.txt
	host_git -c core.pager=cat commit -qm two
	host_git st >/dev/null 2>&1 || true
	(cd "$R" && [ ! -f .envrc ] || sh -c '. ./.envrc')
	[ ! -e "$RAN" ] || { cat "$RAN"; return 1; }
	[ ! -e "$R/.git/hooks/post-commit" ]
	[ ! -e "$R/.vscode/tasks.json" ]
	[ ! -e "$R/.mcp.json" ]
	# Claude Code's settings keep the permission, lose the hook
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert "hooks" not in d and d["permissions"]["allow"] == ["Bash(ls)"], d' "$R/.claude/settings.json"
}

@test "the audit trail and rollback show name each item; restore --quarantined brings one back" {
	plant_repo_vectors
	run -0 bash -c 'cd "$1" && timeout 60 "$NONO" run --silent --allow "$1" -- sh <"$2" 2>&1' _ "$R" "$SCRATCH/plant.sh"
	run -0 "$NONO" audit show last --json
	echo "$output" | python3 -c '
import json, sys
text = sys.stdin.read()
for p in (".git/hooks/post-commit", ".envrc", ".git/config"):
    assert p in text and "neutralised" in text, p'
	run -0 "$NONO" rollback show last
	has "Neutralised (would have run outside the sandbox later):"
	has "$R/.envrc  (.envrc (direnv): moved to quarantine)"
	has "took out core.fsmonitor=echo fsmonitor"
	run -0 "$NONO" rollback show last --json
	echo "$output" | pyjson "assert any(i['path'] == '$R/.envrc' and i['quarantine'] for i in d['neutralised']), d['neutralised']"
	run -0 "$NONO" rollback restore last --quarantined --path "$R/.envrc"
	has "put back  $R/.envrc"
	[ "$(cat "$R/.envrc")" = "echo envrc >> $RAN" ]
	[ ! -e "$R/.git/hooks/post-commit" ]
}

@test "restore --quarantined brings back a large file whole (a 9 MiB .envrc, over the bound on configuration reads)" {
	run -0 bash -c 'cd "$1" && timeout 60 "$NONO" run --silent --allow "$1" -- python3 -c "
open(\".envrc\", \"w\").write(\"# big\\n\" + \"x\" * (9 << 20) + \"\\n\")" 2>&1' _ "$R"
	[ ! -e "$R/.envrc" ]
	run -0 "$NONO" rollback restore last --quarantined --path "$R/.envrc"
	[ "$(wc -c <"$R/.envrc")" -eq $(((9 << 20) + 7)) ]
	[ "$(head -n1 "$R/.envrc")" = "# big" ]
}

@test "a hook written in place, a husky core.hooksPath hook, and a hook moved in by renaming a directory" {
	(cd "$R" && mkdir .husky && printf '#!/bin/sh\ntrue\n' > .husky/pre-commit && chmod 755 .husky/pre-commit &&
		git config core.hooksPath .husky && git add .husky && git commit -qm husky)
	before=$(cat "$R/.husky/pre-commit")
	run -0 bash -c 'cd "$1" && timeout 60 "$NONO" run --allow "$1" -- sh -c "
		echo \"echo husky >> $2\" >> .husky/pre-commit
		mkdir -p staged && printf \"#!/bin/sh\necho renamed >> $2\n\" > staged/pre-push && chmod +x staged/pre-push
		mv staged/pre-push .git/hooks/pre-push && echo done" 2>&1' _ "$R" "$RAN"
	has done
	has "neutralised $R/.husky/pre-commit (git hook"
	has "neutralised $R/.git/hooks/pre-push (git hook"
	[ "$(cat "$R/.husky/pre-commit")" = "$before" ]
	[ ! -e "$R/.git/hooks/pre-push" ]
	echo c > "$R/c.txt"
	host_git add c.txt
	host_git commit -qm three
	[ ! -e "$RAN" ]
}

@test "git keeps working inside: commit, branch, checkout, stash, rebase, fetch, worktree, config; nothing is undone" {
	git init -q --bare "$WORK/remote.git"
	host_git remote add origin "$WORK/remote.git"
	host_git push -q origin main
	run -0 bash -c 'cd "$1" && timeout 120 "$NONO" run --allow "$2" -- sh -c "
		set -e
		git config user.name Inside
		git checkout -qb feature && echo f > f.txt && git add f.txt && git commit -qm feature
		git checkout -q main && echo m > m.txt && git add m.txt && git commit -qm main
		echo dirty >> a.txt && git stash -q && git checkout -q feature && git rebase -q main
		git checkout -q main && git stash pop -q
		git fetch -q origin && git push -q origin main
		git worktree add -q ../wt feature2 2>/dev/null || git worktree add -q -b feature2 ../wt
		cd ../wt && echo w > w.txt && git add w.txt && git commit -qm in-worktree
		echo workflow-ok" 2>&1' _ "$R" "$WORK"
	has workflow-ok
	lacks neutralised
	[ "$(host_git config user.name)" = Inside ]
	host_git merge-base --is-ancestor main feature
	[ "$(host_git log -1 --format=%s feature2)" = in-worktree ]
	[ "$(git --git-dir="$WORK/remote.git" log -1 --format=%s main)" = main ]
	[ "$(tail -n1 "$R/a.txt")" = dirty ]
}

@test "with --allow ~: ~/.local/bin, user units, autostart and ~/.gitconfig's pager are neutralised" {
	mkdir -p "$HOME/.local/bin" "$HOME/.config/systemd/user" "$HOME/.config/autostart"
	printf '[user]\n\tname = Me\n' > "$HOME/.gitconfig"
	run -0 bash -c 'cd "$HOME" && timeout 60 "$NONO" run --allow "$HOME" -- sh -c "
		printf \"#!/bin/sh\necho bin >> $1\n\" > .local/bin/ls && chmod +x .local/bin/ls
		echo \"[Service]\nExecStart=/bin/sh -c \\\"echo unit >> $1\\\"\" > .config/systemd/user/x.service
		echo \"[Desktop Entry]\nExec=sh -c \\\"echo autostart >> $1\\\"\" > .config/autostart/x.desktop
		printf \"[core]\n\tpager = echo pager >> $1; cat\n\" >> .gitconfig
		printf \"[alias]\n\tlg = log --oneline\n\" >> .gitconfig
		echo done" 2>&1' _ "$RAN"
	has done
	has "neutralised $HOME/.local/bin/ls (~/.local/bin"
	has "neutralised $HOME/.config/systemd/user/x.service (systemd user unit"
	has "neutralised $HOME/.config/autostart/x.desktop (autostart entry"
	has "neutralised $HOME/.gitconfig (git configuration"
	[ ! -e "$HOME/.local/bin/ls" ]
	[ ! -e "$HOME/.config/systemd/user/x.service" ]
	[ ! -e "$HOME/.config/autostart/x.desktop" ]
	# the pager is gone, the harmless alias and the name stay
	[ "$(git config --global user.name)" = Me ]
	[ "$(git config --global alias.lg)" = "log --oneline" ]
	[ -z "$(git config --global core.pager)" ]
	# a login shell with ~/.local/bin first on PATH, and git's pager
	PATH="$HOME/.local/bin:$PATH" bash -lc 'ls >/dev/null' </dev/null
	host_git log -1 >/dev/null
	[ ! -e "$RAN" ]
}

@test "setuid and setgid bits and file capabilities are never set, as root and as an unprivileged user" {
	cp /bin/true "$R/tool"
	run bash -c 'cd "$1" && timeout 60 "$NONO" run --silent --allow "$1" -- python3 -c "
import os
for what, call in ((\"chmod u+s\", lambda: os.chmod(\"tool\", 0o4755)), (\"chmod g+s\", lambda: os.chmod(\"tool\", 0o2755)),
                   (\"create 4755\", lambda: os.close(os.open(\"suid\", os.O_CREAT | os.O_WRONLY, 0o4755))),
                   (\"setcap\", lambda: os.setxattr(\"tool\", \"security.capability\", b\"\\x01\\x00\\x00\\x02\" + bytes(16)))):
    try:
        call(); print(what, \"DONE\")
    except OSError as e:
        print(what, \"refused\", e.errno)" 2>&1' _ "$R"
	lacks DONE
	[ "$(stat -c %a "$R/tool")" = 755 ]
	[ ! -e "$R/suid" ] || [ "$(stat -c %a "$R/suid")" != 4755 ]
	ensure_test_user
	USER_HOME=$(getent passwd "$TEST_USER" | cut -d: -f6)
	D=$(runuser -u "$TEST_USER" -- mktemp -d /tmp/nono-persist.XXXXXX)
	cp /bin/true "$D/tool" && chown "$TEST_USER" "$D/tool"
	run as_user bash -c 'cd "$1" && timeout 60 "$2" run --silent --allow "$1" -- sh -c "chmod u+s tool || echo refused; ls -l tool"' _ "$D" "$NONO"
	has refused
	[ "$(stat -c %a "$D/tool")" = 755 ]
	rm -rf "$D"
}

@test "an unprivileged user's session is swept too" {
	ensure_test_user
	USER_HOME=$(getent passwd "$TEST_USER" | cut -d: -f6)
	D=$(runuser -u "$TEST_USER" -- mktemp -d /tmp/nono-persist.XXXXXX)
	as_user bash -c 'cd "$1" && git init -q . && git config user.email u@e && git config user.name U' _ "$D"
	run as_user bash -c 'cd "$1" && timeout 60 "$2" run --allow "$1" -- sh -c "git config core.fsmonitor \"touch $1/RAN; false\"; printf \"#!/bin/sh\ntouch $1/HOOK\n\" > .git/hooks/post-commit; chmod +x .git/hooks/post-commit; echo x > x; echo planted" 2>&1' _ "$D" "$NONO"
	has planted
	has "neutralised $D/.git/config"
	as_user bash -c 'cd "$1" && git status >/dev/null && git add x && git commit -qm x' _ "$D"
	[ ! -e "$D/RAN" ]
	[ ! -e "$D/HOOK" ]
	rm -rf "$D"
}

@test "--no-rollback sweeps too, keeps only the quarantine, and plain restore refuses" {
	run -0 bash -c 'cd "$1" && timeout 60 "$NONO" run --no-rollback --allow "$1" -- sh -c "echo \"echo envrc >> $2\" > .envrc; echo kept > k.txt" 2>&1' _ "$R" "$RAN"
	has "neutralised $R/.envrc"
	[ ! -e "$R/.envrc" ]
	[ "$(cat "$R/k.txt")" = kept ]
	run "$NONO" rollback restore last
	[ "$status" -eq 1 ]
	has "ran with --no-rollback"
	[ "$(cat "$R/k.txt")" = kept ]
	run -0 "$NONO" rollback restore last --quarantined
	[ -f "$R/.envrc" ]
}

@test "--bypass-protection leaves a path alone; a .gitignore'd .envrc is still journaled and swept" {
	run -0 bash -c 'cd "$1" && timeout 60 "$NONO" run --allow "$1" --bypass-protection "$1/.envrc" -- sh -c "echo mine > .envrc" 2>&1' _ "$R"
	lacks neutralised
	[ "$(cat "$R/.envrc")" = mine ]
	rm "$R/.envrc"
	echo .envrc > "$R/.gitignore"
	run -0 bash -c 'cd "$1" && timeout 60 "$NONO" run --allow "$1" -- sh -c "echo sneaky > .envrc" 2>&1' _ "$R"
	has "neutralised $R/.envrc"
	[ ! -e "$R/.envrc" ]
}

@test "a global core.hooksPath, relative or absolute: a hook written there is neutralised" {
	git config --global core.hooksPath .githooks
	mkdir -p "$R/.githooks" "$WORK/hooks"
	run -0 bash -c 'cd "$1" && timeout 60 "$NONO" run --allow "$1" -- sh -c "
		printf \"#!/bin/sh\necho relative >> $2\n\" > .githooks/post-checkout && chmod +x .githooks/post-checkout && echo done" 2>&1' _ "$R" "$RAN"
	has done
	has "neutralised $R/.githooks/post-checkout (git hook"
	[ ! -e "$R/.githooks/post-checkout" ]
	host_git checkout -q -b x
	[ ! -e "$RAN" ]
	git config --global core.hooksPath "$WORK/hooks"
	run -0 bash -c 'cd "$1" && timeout 60 "$NONO" run --allow "$3" -- sh -c "
		printf \"#!/bin/sh\necho absolute >> $2\n\" > $3/hooks/post-checkout && chmod +x $3/hooks/post-checkout && echo done" 2>&1' _ "$R" "$RAN" "$WORK"
	has done
	has "neutralised $WORK/hooks/post-checkout (git hook"
	host_git checkout -q -b y
	[ ! -e "$RAN" ]
}

@test "a submodule's hooks (.git/modules/NAME/hooks) are neutralised" {
	git init -q -b main "$WORK/subsrc"
	(cd "$WORK/subsrc" && git config user.email t@example.com && git config user.name T && echo s > s.txt &&
		git add s.txt && git commit -qm s)
	host_git -c protocol.file.allow=always submodule -q add "$WORK/subsrc" sub
	host_git commit -qm sub
	[ -d "$R/.git/modules/sub/hooks" ]
	run -0 bash -c 'cd "$1" && timeout 60 "$NONO" run --allow "$1" -- sh -c "
		printf \"#!/bin/sh\necho submodule >> $2\n\" > .git/modules/sub/hooks/post-checkout
		chmod +x .git/modules/sub/hooks/post-checkout && echo done" 2>&1' _ "$R" "$RAN"
	has done
	has "neutralised $R/.git/modules/sub/hooks/post-checkout (git hook"
	[ ! -e "$R/.git/modules/sub/hooks/post-checkout" ]
	git -C "$R/sub" checkout -q -b y
	host_git -c protocol.file.allow=always submodule -q update --force
	[ ! -e "$RAN" ]
}

@test "with --allow ~: shell, Python, cargo, yarn, vim and tmux start-up files run nothing later" {
	# the user's own files, there before the session: --allow ~ grants
	# the home's entries, not new ones directly in it
	echo '[ -f ~/.bash_aliases ] && . ~/.bash_aliases' >> "$HOME/.bashrc"
	for f in .bash_aliases .npmrc .yarnrc.yml .vimrc .tmux.conf; do echo '# mine' > "$HOME/$f"; done
	mkdir -p "$HOME/.config" "$HOME/.local/share/applications"
	echo '# mine' >"$HOME/.config/mimeapps.list"
	SITE=$(python3 -m site --user-site)
	mkdir -p "$SITE" "$HOME/.cargo"
	cat > "$SCRATCH/plant.sh" <<EOF
cd "$HOME"
echo "echo aliases >> $RAN" > .bash_aliases || echo refused-aliases
echo "script-shell=/bin/sh" > .npmrc || echo refused-npmrc
echo "import os; open('$RAN', 'a').write('pth\n')" > "$SITE/evil.pth"
echo "/tmp/just-a-path" > "$SITE/harmless.pth"
echo "open('$RAN', 'a').write('usercustomize\n')" > "$SITE/usercustomize.py"
mkdir -p .cargo/bin
printf '[build]\nrustc-wrapper = "/bin/sh"\n' > .cargo/config.toml
printf '#!/bin/sh\necho cargo >> $RAN\n' > .cargo/bin/cargo && chmod +x .cargo/bin/cargo
echo "yarnPath: ./evil.js" > .yarnrc.yml
echo "silent !echo vim >> $RAN" > .vimrc
echo "run-shell 'echo tmux >> $RAN'" > .tmux.conf
echo "x-scheme-handler/https=evil.desktop" > .config/mimeapps.list
printf '[Desktop Entry]\nType=Application\nName=evil\nExec=sh -c "echo desktop >> $RAN"\n' > .local/share/applications/evil.desktop
echo planted
EOF
	run -0 bash -c 'cd "$HOME" && timeout 60 "$NONO" run --allow "$HOME" -- sh <"$1" 2>&1' _ "$SCRATCH/plant.sh"
	has planted
	has refused-aliases
	has refused-npmrc
	has "neutralised $SITE/evil.pth (Python .pth file that runs code"
	has "neutralised $SITE/usercustomize.py (Python usercustomize"
	has "neutralised $HOME/.cargo/config.toml (cargo configuration"
	has "neutralised $HOME/.cargo/bin/cargo (~/.cargo/bin"
	has "neutralised $HOME/.yarnrc.yml (yarn configuration"
	has "neutralised $HOME/.vimrc (vim start-up files"
	has "neutralised $HOME/.tmux.conf (tmux configuration"
	has "neutralised $HOME/.config/mimeapps.list (desktop URL and file handlers"
	has "neutralised $HOME/.local/share/applications/evil.desktop (desktop entry"
	lacks harmless.pth
	# the harmless .pth stays; the user's files are as before, the new ones gone
	[ "$(cat "$SITE/harmless.pth")" = /tmp/just-a-path ]
	for f in .bash_aliases .npmrc .yarnrc.yml .vimrc .tmux.conf; do
		[ "$(cat "$HOME/$f")" = '# mine' ]
	done
	[ ! -e "$HOME/.cargo/config.toml" ]
	[ ! -e "$HOME/.cargo/bin/cargo" ]
	[ ! -e "$SITE/evil.pth" ]
	[ ! -e "$SITE/usercustomize.py" ]
	[ "$(cat "$HOME/.config/mimeapps.list")" = '# mine' ]
	[ ! -e "$HOME/.local/share/applications/evil.desktop" ]
	# the host starts what would have run them
	bash -ic exit </dev/null >/dev/null 2>&1
	python3 -c 1
	PATH="$HOME/.cargo/bin:$PATH" sh -c 'cargo --version' >/dev/null 2>&1 || true
	vim -i NONE -N -E -s -u "$HOME/.vimrc" +qa </dev/null >/dev/null 2>&1 || true
	[ ! -e "$RAN" ] || { cat "$RAN"; return 1; }
	# ~/.yarnrc: yarn 1 writes its update check there at every run, which
	# stays; a line that would run something (yarn-path) does not
	echo '# mine' >"$HOME/.yarnrc"
	run -0 bash -c 'cd "$HOME" && timeout 60 "$NONO" run --allow "$HOME" -- sh -c "echo lastUpdateCheck 1700000000000 >> .yarnrc" 2>&1'
	lacks "neutralised $HOME/.yarnrc "
	[ "$(tail -n 1 "$HOME/.yarnrc")" = "lastUpdateCheck 1700000000000" ]
	run -0 bash -c 'cd "$HOME" && timeout 60 "$NONO" run --allow "$HOME" -- sh -c "echo yarn-path \"./evil.js\" >> .yarnrc" 2>&1'
	has "neutralised $HOME/.yarnrc (yarn configuration"
	[ "$(tail -n 1 "$HOME/.yarnrc")" = "lastUpdateCheck 1700000000000" ]
}
