/* persist.c - see persist.h (supervisor side). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <linux/openat2.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/log.h"
#include "store/gitconfig.h"
#include "store/manifest.h"
#include "store/persist.h"

struct nono_persist {
	char *home, *cfghome;
	struct nono_strv bypass;
	struct nono_strv hookdirs;  /* canonical: each repository's hooks directory, core.hooksPath */
	struct nono_strv globhooks; /* relative core.hooksPath of the global and system configuration */
	struct nono_strv gitcfgs;   /* canonical: ~/.gitconfig, git/config, what they include */
	struct nono_strv worktrees; /* repositories read */
	void *checked;		    /* directories whose ancestors were looked at */
	bool loaded;		    /* the global and system git configuration read */
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/* a configuration file's bytes: they come from the sandbox, so bounded */
#define CONFIG_MAX (4u << 20)

/* A path a configuration file names: ~ is the home, a relative one is
 * relative to base. */
static char *
resolve(const struct nono_persist *ps, const char *v, const char *base)
{
	char *p, *c;

	if (!v || !*v)
		return NULL;
	if (v[0] == '~' && (v[1] == '/' || !v[1]))
		p = xasprintf("%s%s", ps->home, v + 1);
	else if (v[0] == '/')
		p = xstrdup(v);
	else
		p = nono_path_join(base, v);
	c = nono_path_canonical(p, NULL);
	free(p);
	return c;
}

/* The hooks directory and the includes a configuration file names, and
 * what the includes name in turn. worktree is the repository's (NULL for
 * the global and system configuration: a relative core.hooksPath there is
 * relative to each repository, kept for add_repo). Whether it set
 * core.hooksPath. */
static bool
read_config(struct nono_persist *ps, const char *file, const char *worktree, int depth)
{
	size_t len;
	char *buf = nono_read_file(file, CONFIG_MAX, &len), *dir = nono_path_dirname(file);
	struct nono_gitcfg_entry *es;
	size_t n;
	bool hooks = false;

	if (buf) {
		nono_gitcfg_parse(buf, len, &es, &n);
		for (size_t i = 0; i < n; i++) {
			const char *v = es[i].value;
			char *p;

			if (!strcmp(es[i].key, "core.hookspath") && v && *v) {
				hooks = true;
				if (!worktree && v[0] != '/' && v[0] != '~')
					nono_strv_push(&ps->globhooks, v);
				else if ((p = resolve(ps, v, worktree ? worktree : "/")))
					nono_strv_push_owned(&ps->hookdirs, p);
			} else if ((!strcmp(es[i].key, "include.path") ||
				    (!strncmp(es[i].key, "includeif.", 10) && ends_with(es[i].key, ".path"))) &&
				   (p = resolve(ps, v, dir))) {
				if (depth < 8 && read_config(ps, p, worktree, depth + 1))
					hooks = true;
				nono_strv_push_owned(&ps->gitcfgs, p);
			}
		}
		nono_gitcfg_free(es, n);
	}
	free(buf);
	free(dir);
	return hooks;
}

static bool
is_gitdir(const char *d)
{
	char *head = nono_path_join(d, "HEAD"), *obj = nono_path_join(d, "objects"),
	     *common = nono_path_join(d, "commondir");
	struct stat st;
	bool yes = lstat(head, &st) == 0 && S_ISREG(st.st_mode) &&
		   ((lstat(obj, &st) == 0 && S_ISDIR(st.st_mode)) || (lstat(common, &st) == 0 && S_ISREG(st.st_mode)));

	free(head);
	free(obj);
	free(common);
	return yes;
}

/* worktree/.git: a directory, or a file "gitdir: PATH" */
static char *
git_dir_of(const char *worktree)
{
	char *dotgit = nono_path_join(worktree, ".git"), *gd = NULL, *line;
	struct stat st;

	if (lstat(dotgit, &st) < 0) {
		free(dotgit);
		return NULL;
	}
	if (S_ISDIR(st.st_mode))
		return dotgit;
	if (S_ISREG(st.st_mode) && (line = nono_read_file(dotgit, CONFIG_MAX, NULL))) {
		if (!strncmp(line, "gitdir:", 7)) {
			char *v = line + 7, *end;

			while (*v == ' ')
				v++;
			if ((end = strchr(v, '\n')))
				*end = '\0';
			gd = v[0] == '/' ? xstrdup(v) : nono_path_join(worktree, v);
		}
		free(line);
	}
	free(dotgit);
	if (gd) {
		char *c = nono_path_canonical(gd, NULL);

		free(gd);
		gd = c;
	}
	return gd;
}

/* A repository found: its hooks directory (of the common directory,
 * where worktrees share it), core.hooksPath, and its includes. */
static void
add_repo(struct nono_persist *ps, const char *worktree, const char *gitdir)
{
	char *cf = nono_path_join(gitdir, "commondir"), *common = NULL, *line;
	char *p;
	bool local;

	nono_strv_push(&ps->worktrees, worktree);
	if ((line = nono_read_file(cf, CONFIG_MAX, NULL))) {
		char *end = strchr(line, '\n');

		if (end)
			*end = '\0';
		p = line[0] == '/' ? xstrdup(line) : nono_path_join(gitdir, line);
		common = nono_path_canonical(p, NULL);
		free(p);
		free(line);
	}
	free(cf);
	if (!common)
		common = xstrdup(gitdir);
	nono_strv_push_owned(&ps->hookdirs, nono_path_join(common, "hooks"));
	p = nono_path_join(common, "config");
	local = read_config(ps, p, worktree, 0);
	free(p);
	p = nono_path_join(gitdir, "config.worktree");
	local |= read_config(ps, p, worktree, 0);
	free(p);
	free(common);
	/* the repository's own value wins over the global and system one */
	for (size_t i = 0; !local && i < ps->globhooks.n; i++) {
		char *h = resolve(ps, ps->globhooks.v[i], worktree);

		if (h)
			nono_strv_push_owned(&ps->hookdirs, h);
	}
}

/* The work tree of a git directory met on its own: core.worktree, the
 * linked worktree's (its gitdir file names WORKTREE/.git), the parent of a
 * .git, or the directory itself (bare: a relative core.hooksPath is
 * relative to it). */
static char *
worktree_of(const char *gitdir)
{
	char *p = nono_path_join(gitdir, "config"), *buf, *wt = NULL;
	struct nono_gitcfg_entry *es;
	size_t len, n;

	if ((buf = nono_read_file(p, CONFIG_MAX, &len))) {
		nono_gitcfg_parse(buf, len, &es, &n);
		for (size_t i = 0; i < n; i++)
			if (!strcmp(es[i].key, "core.worktree") && es[i].value && *es[i].value) {
				char *j =
				    es[i].value[0] == '/' ? xstrdup(es[i].value) : nono_path_join(gitdir, es[i].value);

				free(wt);
				wt = nono_path_canonical(j, NULL);
				free(j);
			}
		nono_gitcfg_free(es, n);
		free(buf);
	}
	free(p);
	p = nono_path_join(gitdir, "gitdir");
	if (!wt && (buf = nono_read_file(p, CONFIG_MAX, NULL))) {
		char *end = strchr(buf, '\n');

		if (end)
			*end = '\0';
		if (buf[0] == '/')
			wt = nono_path_dirname(buf);
		free(buf);
	}
	free(p);
	if (!wt)
		wt = !strcmp(nono_path_basename(gitdir), ".git") ? nono_path_dirname(gitdir) : xstrdup(gitdir);
	return wt;
}

/* The repositories holding dir, each read once: every one up to the root
 * (a submodule's git directory, .git/modules/NAME, is one inside its
 * superproject's; a bare repository is its own). */
static void
discover(struct nono_persist *ps, const char *dir)
{
	char *a = xstrdup(dir);

	for (;;) {
		char *gd, *cut;

		if (tfind(a, &ps->checked, cmp_str))
			break;
		if (!tsearch(xstrdup(a), &ps->checked, cmp_str))
			abort();
		if ((gd = git_dir_of(a))) {
			if (!nono_strv_contains(&ps->worktrees, a))
				add_repo(ps, a, gd);
			free(gd);
		} else if (is_gitdir(a)) {
			char *wt = worktree_of(a);

			if (!nono_strv_contains(&ps->worktrees, wt))
				add_repo(ps, wt, a);
			free(wt);
		}
		if (!(cut = strrchr(a, '/')) || cut == a)
			break;
		*cut = '\0';
	}
	free(a);
}

/* The global and system git configuration, read at the first question
 * (the session's first change, before it lands: what was there before
 * the session), not at every launch. */
static void
load_globals(struct nono_persist *ps)
{
	const char *sys = getenv("GIT_CONFIG_SYSTEM"), *glob = getenv("GIT_CONFIG_GLOBAL");
	char *p;

	if (!ps || ps->loaded)
		return;
	ps->loaded = true;
	/* core.hooksPath as git takes it: system, then global; each value
	 * found counts, a repository's own replaces them (add_repo) */
	if (!getenv("GIT_CONFIG_NOSYSTEM"))
		read_config(ps, sys && sys[0] == '/' ? sys : "/etc/gitconfig", NULL, 0);
	if (glob && glob[0] == '/') {
		p = nono_path_canonical(glob, NULL);
		read_config(ps, p, NULL, 0);
		nono_strv_push_owned(&ps->gitcfgs, p);
	}
	p = nono_path_join(ps->cfghome, "git/config");
	read_config(ps, p, NULL, 0);
	nono_strv_push_owned(&ps->gitcfgs, p);
	p = nono_path_join(ps->home, ".gitconfig");
	read_config(ps, p, NULL, 0);
	nono_strv_push_owned(&ps->gitcfgs, p);
}

struct nono_persist *
nono_persist_new(const char *home, const struct nono_strv *bypass)
{
	struct nono_persist *ps = xcalloc(1, sizeof(*ps));
	const char *xdg = getenv("XDG_CONFIG_HOME");

	ps->home = nono_path_canonical(home ? home : "/", NULL);
	ps->cfghome = xdg && xdg[0] == '/' ? nono_path_canonical(xdg, NULL) : nono_path_join(ps->home, ".config");
	for (size_t i = 0; bypass && i < bypass->n; i++)
		nono_strv_push(&ps->bypass, bypass->v[i]);
	return ps;
}

void
nono_persist_free(struct nono_persist *ps)
{
	if (!ps)
		return;
	free(ps->home);
	free(ps->cfghome);
	nono_strv_free(&ps->bypass);
	nono_strv_free(&ps->hookdirs);
	nono_strv_free(&ps->globhooks);
	nono_strv_free(&ps->gitcfgs);
	nono_strv_free(&ps->worktrees);
	tdestroy(ps->checked, free);
	free(ps);
}

/* "/x/.claude/NAME/..." with NAME one of the directories of commands
 * that run; the user's own ~/.claude/commands and agents are prompts of
 * theirs, not the project's */
static bool
claude_dir(const struct nono_persist *ps, const char *canon, const char *name)
{
	char *needle = xasprintf("/.claude/%s/", name);
	const char *at = strstr(canon, needle);
	size_t hl = strlen(ps->home);
	bool yes = at != NULL;

	if (yes && strcmp(name, "hooks") != 0 && (size_t)(at - canon) == hl && !strncmp(canon, ps->home, hl))
		yes = false;
	free(needle);
	return yes;
}

/* Under the home (~/REL) or the configuration home (CFG), what runs later:
 * a directory (everything beneath it) or a file. */
static const struct {
	bool cfg, dir;
	const char *rel, *what;
} home_items[] = {
    {false, true, ".local/bin", "~/.local/bin"},
    {false, true, ".cargo/bin", "~/.cargo/bin"},
    {false, false, ".cargo/config.toml", "cargo configuration"},
    {false, false, ".cargo/config", "cargo configuration"},
    {false, false, ".yarnrc", "yarn configuration"},
    {false, false, ".yarnrc.yml", "yarn configuration"},
    {false, false, ".vimrc", "vim start-up files"},
    {false, false, ".gvimrc", "vim start-up files"},
    {false, false, ".exrc", "vim start-up files"},
    {false, true, ".vim", "vim start-up files"},
    {false, true, ".local/share/nvim/site", "Neovim plugins"},
    {false, true, ".local/share/nvim/lazy", "Neovim plugins"},
    {false, false, ".tmux.conf", "tmux configuration"},
    {false, true, ".tmux/plugins", "tmux plugins"},
    {false, true, ".local/share/systemd/user", "systemd user unit"},
    {true, true, "systemd/user", "systemd user unit"},
    {true, true, "autostart", "autostart entry"},
    {false, true, ".local/share/applications", "desktop entry"},
    {true, false, "mimeapps.list", "desktop URL and file handlers"},
    {true, true, "environment.d", "systemd user environment"},
    {true, true, "plasma-workspace/env", "KDE session start-up"},
    {true, true, "nvim", "Neovim configuration"},
    {true, true, "tmux", "tmux configuration"},
};

/* vim's own state under ~/.vim: swap, undo and backup files run nothing */
static bool
vim_state(const struct nono_persist *ps, const char *canon)
{
	static const char *const state[] = {".vim/swap", ".vim/undo", ".vim/backup", ".vim/.netrwhist", NULL};

	bool yes = false;

	for (size_t i = 0; !yes && state[i]; i++) {
		char *d = nono_path_join(ps->home, state[i]);

		yes = nono_path_under(canon, d);
		free(d);
	}
	return yes;
}

/* The Python user site, ~/.local/lib/pythonX.Y/site-packages: a .pth file
 * there runs its lines that start with "import" at every start of Python;
 * usercustomize and sitecustomize are imported at every start. */
static enum nono_persist_kind
python_site(const struct nono_persist *ps, const char *canon, const char **what)
{
	char *lib = nono_path_join(ps->home, ".local/lib");
	size_t ll = strlen(lib);
	const char *rest = !strncmp(canon, lib, ll) && canon[ll] == '/' ? canon + ll + 1 : NULL, *name;
	enum nono_persist_kind k = NONO_PERSIST_NONE;
	size_t nl;

	free(lib);
	if (!rest || strncmp(rest, "python", 6) || !(name = strchr(rest, '/')) || strncmp(name, "/site-packages/", 15))
		return k;
	name += 15;
	nl = strcspn(name, "/");
	if (!name[nl] && ends_with(name, ".pth"))
		k = NONO_PERSIST_PTH, *what = "Python .pth file that runs code";
	else if (((nl == 13 || name[13] == '.') && !strncmp(name, "usercustomize", 13)) ||
		 ((nl == 13 || name[13] == '.') && !strncmp(name, "sitecustomize", 13)))
		k = NONO_PERSIST_FILE, *what = "Python usercustomize or sitecustomize";
	return k;
}

static enum nono_persist_kind
kind_of_home(const struct nono_persist *ps, const char *canon, const char **what)
{
	for (size_t i = 0; i < sizeof(home_items) / sizeof(home_items[0]); i++) {
		char *d = nono_path_join(home_items[i].cfg ? ps->cfghome : ps->home, home_items[i].rel);
		bool yes = home_items[i].dir ? nono_path_under(canon, d) && strcmp(canon, d) != 0 : !strcmp(canon, d);

		free(d);
		if (yes && !(!strcmp(home_items[i].rel, ".vim") && vim_state(ps, canon))) {
			*what = home_items[i].what;
			/* yarn 1 writes its update check there at every run */
			return !strcmp(home_items[i].rel, ".yarnrc") ? NONO_PERSIST_YARNRC : NONO_PERSIST_FILE;
		}
	}
	return python_site(ps, canon, what);
}

static enum nono_persist_kind
kind_of_name(const struct nono_persist *ps, const char *canon, const char **what)
{
	const char *base = nono_path_basename(canon);
	char *dir = nono_path_dirname(canon);
	const char *parent = nono_path_basename(dir);
	enum nono_persist_kind k = NONO_PERSIST_FILE;

	if (!strcmp(base, ".envrc"))
		*what = ".envrc (direnv)";
	else if (!strcmp(base, ".mcp.json"))
		*what = "MCP servers (.mcp.json)";
	else if (!strcmp(base, ".gitmodules"))
		*what = "git submodules (.gitmodules)";
	else if (!strcmp(parent, ".vscode") && (!strcmp(base, "tasks.json") || !strcmp(base, "settings.json")))
		*what = "VS Code tasks or settings";
	else if (strstr(canon, "/.idea/"))
		*what = "JetBrains project settings (.idea)";
	else if (!strcmp(parent, ".claude") && (!strcmp(base, "settings.json") || !strcmp(base, "settings.local.json")))
		k = NONO_PERSIST_SETTINGS, *what = "Claude Code settings";
	else if (claude_dir(ps, canon, "hooks") || claude_dir(ps, canon, "commands") || claude_dir(ps, canon, "agents"))
		*what = "Claude Code hooks, commands or agents";
	else
		k = NONO_PERSIST_NONE;
	free(dir);
	return k;
}

enum nono_persist_kind
nono_persist_kind(struct nono_persist *ps, const char *canon, const char **what)
{
	const char *w = NULL;
	enum nono_persist_kind k = NONO_PERSIST_NONE;
	char *dir;

	load_globals(ps);
	if (!what)
		what = &w;
	*what = NULL;
	if (!ps || canon[0] != '/')
		return NONO_PERSIST_NONE;
	for (size_t i = 0; i < ps->bypass.n; i++)
		if (nono_path_under(canon, ps->bypass.v[i]))
			return NONO_PERSIST_NONE;
	dir = nono_path_dirname(canon);
	discover(ps, dir);
	if ((k = kind_of_home(ps, canon, what)) != NONO_PERSIST_NONE)
		;
	else if (nono_strv_contains(&ps->gitcfgs, canon) || ((!strcmp(nono_path_basename(canon), "config") ||
							      !strcmp(nono_path_basename(canon), "config.worktree")) &&
							     is_gitdir(dir)))
		k = NONO_PERSIST_GITCONFIG, *what = "git configuration";
	for (size_t i = 0; k == NONO_PERSIST_NONE && i < ps->hookdirs.n; i++)
		if (nono_path_under(canon, ps->hookdirs.v[i]) && !ends_with(canon, ".sample"))
			k = NONO_PERSIST_FILE,
			*what = strcmp(canon, ps->hookdirs.v[i]) ? "git hook" : "git hooks directory";
	if (k == NONO_PERSIST_NONE)
		k = kind_of_name(ps, canon, what);
	free(dir);
	return k;
}

/* ---- the sweep ---------------------------------------------------------- */

struct sweep {
	struct nono_persist *ps;
	const char *store, *dir;
	struct nono_entry *es;
	size_t n_es;
	void *by_path;		/* struct nono_entry * by path */
	void *seen;		/* candidates met */
	struct nono_strv cands; /* in order */
	struct nono_persist_item *items;
	size_t n_items;
};

static void
free_nothing(void *p)
{
	(void)p;
}

static int
cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct nono_entry *)a)->path, ((const struct nono_entry *)b)->path);
}

static void
candidate(struct sweep *sw, const char *path)
{
	if (tfind(path, &sw->seen, cmp_str))
		return;
	nono_strv_push(&sw->cands, path);
	if (!tsearch(sw->cands.v[sw->cands.n - 1], &sw->seen, cmp_str))
		abort();
}

static struct sweep *walking;
enum { WALK_MAX = 200000 };

static int
walk_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	candidate(walking, path);
	return walking->cands.n > WALK_MAX;
}

/* The parent of canon, opened without following a symlink anywhere: the
 * sweep runs outside the sandbox and writes nowhere the sandbox could not. */
static int
open_parent(const char *canon, const char **leaf)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS};
	char *dir = nono_path_dirname(canon);
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, dir, &how, sizeof(how));

	*leaf = nono_path_basename(canon);
	free(dir);
	return fd;
}

/* Write len bytes as leaf in pfd, mode and owner as given, through a
 * temporary name renamed into place. */
static int
write_at(int pfd, const char *leaf, const void *buf, size_t len, mode_t mode, uid_t uid, gid_t gid)
{
	char tmp[64];
	int fd, r = 0;

	snprintf(tmp, sizeof(tmp), ".nono-sweep.%d", (int)getpid());
	unlinkat(pfd, tmp, 0);
	fd = openat(pfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (nono_write_all(fd, buf, len) < 0 || fchmod(fd, mode & 0777) < 0)
		r = -errno;
	if (!r && geteuid() == 0 && fchown(fd, uid, gid) < 0)
		r = -errno;
	close(fd);
	if (!r && renameat(pfd, tmp, pfd, leaf) < 0)
		r = -errno;
	if (r)
		unlinkat(pfd, tmp, 0);
	return r;
}

/* The session's version of path, copied into dir/quarantine/PATH. */
static char *
quarantine(const struct sweep *sw, int pfd, const char *leaf, const char *path, const struct stat *st)
{
	char *q = xasprintf("%s/quarantine%s", sw->dir, path), *qdir = nono_path_dirname(q);
	int r = nono_mkdir_p(qdir, 0700);

	free(qdir);
	if (r == 0 && S_ISLNK(st->st_mode)) {
		char target[4096];
		ssize_t n = readlinkat(pfd, leaf, target, sizeof(target) - 1);

		r = n < 0 ? -errno : 0;
		if (n >= 0) {
			target[n] = '\0';
			unlink(q);
			r = symlink(target, q) < 0 ? -errno : 0;
		}
	} else if (r == 0 && S_ISREG(st->st_mode)) {
		int in = openat(pfd, leaf, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC), out = -1;
		char buf[65536];
		ssize_t got;

		if (in >= 0)
			out = open(q, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
		while (in >= 0 && out >= 0 && (got = read(in, buf, sizeof(buf))) > 0)
			if (nono_write_all(out, buf, (size_t)got) < 0)
				break;
		r = in < 0 || out < 0 ? -errno : 0;
		if (out >= 0)
			fchmod(out, st->st_mode & 0700);
		if (in >= 0)
			close(in);
		if (out >= 0)
			close(out);
	}
	if (r < 0) {
		log_warn("cannot quarantine %s: %s", path, strerror(-r));
		free(q);
		return NULL;
	}
	return q;
}

static void
item(struct sweep *sw, const char *path, const char *what, char *action, char *q)
{
	struct nono_persist_item *it;

	sw->items = xrealloc(sw->items, (sw->n_items + 1) * sizeof(*sw->items));
	it = &sw->items[sw->n_items++];
	it->path = xstrdup(path);
	it->what = xstrdup(what);
	it->action = action;
	it->quarantine = q;
}

/* A whole file: the session's version to the quarantine, what was there
 * before put back. */
static void
sweep_file(struct sweep *sw, const char *path, const char *what, const struct nono_entry *e)
{
	const char *leaf;
	int pfd = open_parent(path, &leaf);
	struct stat st;
	char *q = NULL, *content;
	size_t len;
	int r = 0;

	if (pfd < 0 || fstatat(pfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISDIR(st.st_mode)) {
		/* gone (deleting one runs nothing), or a directory: its
		 * entries are candidates of their own */
		if (pfd >= 0)
			close(pfd);
		return;
	}
	if (!(q = quarantine(sw, pfd, leaf, path, &st))) {
		close(pfd);
		return;
	}
	if (unlinkat(pfd, leaf, 0) < 0)
		r = -errno;
	else if (e && e->type == NONO_ENTRY_FILE && e->saved &&
		 (content = nono_entry_content(sw->store, sw->dir, e, &len))) {
		r = write_at(pfd, leaf, content, len, e->mode, (uid_t)e->uid, (gid_t)e->gid);
		free(content);
	} else if (e && e->type == NONO_ENTRY_SYMLINK && e->target) {
		r = symlinkat(e->target, pfd, leaf) < 0 ? -errno : 0;
	} else if (e && e->type == NONO_ENTRY_DIR) {
		r = mkdirat(pfd, leaf, e->mode & 0777) < 0 ? -errno : 0;
	}
	close(pfd);
	if (r < 0)
		log_warn("cannot neutralise %s: %s", path, strerror(-r));
	item(sw, path, what,
	     xstrdup(r < 0 ? "moved to quarantine; what was there before could not be put back"
		     : !e || e->type == NONO_ENTRY_ABSENT ? "moved to quarantine"
		     : e->type == NONO_ENTRY_FILE && !e->saved
			 ? "moved to quarantine; its earlier content was not saved"
			 : "put back as before; the session's version quarantined"),
	     q);
}

/* The file's content before the session: saved, or empty when it did not
 * exist. NULL when it is not known. */
static char *
before_bytes(const struct sweep *sw, const struct nono_entry *e, size_t *len)
{
	if (!e || e->type == NONO_ENTRY_ABSENT) {
		*len = 0;
		return xstrdup("");
	}
	if (e->type != NONO_ENTRY_FILE || !e->saved)
		return NULL;
	return nono_entry_content(sw->store, sw->dir, e, len);
}

/* The current regular file at path, read through pfd; NULL if it is not
 * one (a link or anything else is handled as a whole file). */
static char *
current_bytes(int pfd, const char *leaf, struct stat *st, size_t *len)
{
	int fd = openat(pfd, leaf, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	char *buf = NULL;
	size_t cap = 0, n = 0;
	ssize_t got;

	if (fd < 0)
		return NULL;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode) || st->st_size > (4 << 20)) {
		close(fd);
		return NULL;
	}
	do {
		if (n + 4096 + 1 > cap)
			buf = xrealloc(buf, cap = cap ? cap * 2 : 8192);
		got = read(fd, buf + n, cap - n - 1);
		n += got > 0 ? (size_t)got : 0;
	} while (got > 0);
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* git configuration: the entries that run programs and were not there
 * before are taken out, line by line; the rest stays as the session left
 * it. */
static void
sweep_gitconfig(struct sweep *sw, const char *path, const struct nono_entry *e)
{
	const char *leaf;
	int pfd = open_parent(path, &leaf);
	struct stat st;
	size_t blen = 0, clen = 0, nb = 0, nc = 0;
	char *before = NULL, *cur = pfd >= 0 ? current_bytes(pfd, leaf, &st, &clen) : NULL;
	struct nono_gitcfg_entry *be = NULL, *ce = NULL;
	struct nono_strv had = {0}, took = {0};
	bool *drop;

	if (!cur) {
		if (pfd >= 0)
			close(pfd);
		sweep_file(sw, path, "git configuration", e);
		return;
	}
	if ((before = before_bytes(sw, e, &blen)))
		nono_gitcfg_parse(before, blen, &be, &nb);
	for (size_t i = 0; i < nb; i++)
		if (nono_gitcfg_runs(be[i].key, be[i].value))
			nono_strv_push_owned(&had, xasprintf("%s=%s", be[i].key, be[i].value ? be[i].value : ""));
	nono_gitcfg_parse(cur, clen, &ce, &nc);
	drop = xcalloc(clen + 1, sizeof(*drop));
	for (size_t i = 0; i < nc; i++) {
		char *kv = xasprintf("%s=%s", ce[i].key, ce[i].value ? ce[i].value : "");

		if (nono_gitcfg_runs(ce[i].key, ce[i].value) && !nono_strv_contains(&had, kv)) {
			memset(drop + ce[i].start, 1, ce[i].end - ce[i].start);
			nono_strv_push_owned(&took, kv);
		} else {
			free(kv);
		}
	}
	if (took.n) {
		char *q = quarantine(sw, pfd, leaf, path, &st), *out = xmalloc(clen + 1), *action;
		size_t m = 0;
		int r;

		for (size_t i = 0; i < clen; i++)
			if (!drop[i])
				out[m++] = cur[i];
		r = write_at(pfd, leaf, out, m, st.st_mode, st.st_uid, st.st_gid);
		{
			struct nono_strv pool = {0};
			char *list = NULL;
			size_t ll = 0;
			FILE *f = open_memstream(&list, &ll);

			for (size_t i = 0; i < took.n; i++)
				fprintf(f, "%s%s", i ? ", " : "", nono_str_escape_in(&pool, took.v[i]));
			fclose(f);
			action = r < 0 ? xasprintf("could not take out %s: %s", list, strerror(-r))
				       : xasprintf("took out %s", list);
			free(list);
			nono_strv_free(&pool);
		}
		item(sw, path, "git configuration", action, q);
		free(out);
	}
	free(drop);
	nono_gitcfg_free(be, nb);
	nono_gitcfg_free(ce, nc);
	nono_strv_free(&had);
	nono_strv_free(&took);
	free(before);
	free(cur);
	close(pfd);
}

/* Claude Code's settings: these keys run programs */
static const char *const settings_run[] = {"hooks",
					   "statusLine",
					   "apiKeyHelper",
					   "awsAuthRefresh",
					   "awsCredentialExport",
					   "otelHeadersHelper",
					   "env",
					   "mcpServers",
					   "enableAllProjectMcpServers",
					   "enabledMcpjsonServers",
					   NULL};

static void
sweep_settings(struct sweep *sw, const char *path, const struct nono_entry *e)
{
	const char *leaf;
	int pfd = open_parent(path, &leaf);
	struct stat st;
	size_t blen = 0, clen = 0;
	char *before = NULL, *cur = pfd >= 0 ? current_bytes(pfd, leaf, &st, &clen) : NULL;
	json_t *bj = NULL, *cj = cur ? json_loadb(cur, clen, 0, NULL) : NULL;
	struct nono_strv put = {0};

	if (!json_is_object(cj)) {
		json_decref(cj);
		free(cur);
		if (pfd >= 0)
			close(pfd);
		sweep_file(sw, path, "Claude Code settings", e);
		return;
	}
	if ((before = before_bytes(sw, e, &blen)))
		bj = blen ? json_loadb(before, blen, 0, NULL) : json_object();
	for (size_t i = 0; settings_run[i]; i++) {
		json_t *b = json_is_object(bj) ? json_object_get(bj, settings_run[i]) : NULL;
		json_t *c = json_object_get(cj, settings_run[i]);

		if (!c || (b && json_equal(b, c)))
			continue;
		if (b)
			json_object_set(cj, settings_run[i], b);
		else
			json_object_del(cj, settings_run[i]);
		nono_strv_push(&put, settings_run[i]);
	}
	if (put.n) {
		char *q = quarantine(sw, pfd, leaf, path, &st),
		     *out = json_dumps(cj, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		char *text = xasprintf("%s\n", out ? out : "{}"), *list = NULL;
		size_t ll = 0;
		FILE *f = open_memstream(&list, &ll);
		int r = write_at(pfd, leaf, text, strlen(text), st.st_mode, st.st_uid, st.st_gid);

		for (size_t i = 0; i < put.n; i++)
			fprintf(f, "%s%s", i ? ", " : "", put.v[i]);
		fclose(f);
		item(sw, path, "Claude Code settings",
		     r < 0 ? xasprintf("could not put back %s: %s", list, strerror(-r))
			   : xasprintf("put back %s as before the session", list),
		     q);
		free(list);
		free(text);
		free(out);
	}
	nono_strv_free(&put);
	json_decref(bj);
	json_decref(cj);
	free(before);
	free(cur);
	close(pfd);
}

/* The lines of a .pth file that Python runs ("import ..."), or of
 * ~/.yarnrc all but yarn's own update check; one string each. */
static void
lines_that_matter(enum nono_persist_kind k, const char *buf, size_t len, struct nono_strv *out)
{
	for (size_t i = 0; i < len;) {
		size_t e = i;
		bool yes;

		while (e < len && buf[e] != '\n')
			e++;
		if (k == NONO_PERSIST_PTH)
			yes = e - i > 7 && !strncmp(buf + i, "import", 6) && (buf[i + 6] == ' ' || buf[i + 6] == '\t');
		else
			yes = e > i && strncmp(buf + i, "lastUpdateCheck ", 16) != 0;
		if (yes)
			nono_strv_push_owned(out, xasprintf("%.*s", (int)(e - i), buf + i));
		i = e + 1;
	}
}

/* A Python .pth file or ~/.yarnrc: a line that matters and was not there
 * before puts the whole file back; the rest stays as the session left it
 * (paths in a .pth, yarn's update check). */
static void
sweep_lines(struct sweep *sw, enum nono_persist_kind k, const char *path, const char *what, const struct nono_entry *e)
{
	const char *leaf;
	int pfd = open_parent(path, &leaf);
	struct stat st;
	size_t blen = 0, clen = 0;
	char *before = before_bytes(sw, e, &blen), *cur = pfd >= 0 ? current_bytes(pfd, leaf, &st, &clen) : NULL;
	struct nono_strv had = {0}, now = {0};
	bool runs = !cur;

	if (before)
		lines_that_matter(k, before, blen, &had);
	if (cur)
		lines_that_matter(k, cur, clen, &now);
	for (size_t i = 0; i < now.n; i++)
		if (!nono_strv_contains(&had, now.v[i]))
			runs = true;
	if (pfd >= 0)
		close(pfd);
	if (runs)
		sweep_file(sw, path, what, e);
	nono_strv_free(&had);
	nono_strv_free(&now);
	free(before);
	free(cur);
}

/* Differs from its state before the session (or is new). */
static bool
differs(const char *path, const struct nono_entry *e)
{
	struct stat st;

	if (!e)
		return lstat(path, &st) == 0;
	return nono_entry_changed(e);
}

static void
gather(struct sweep *sw)
{
	for (size_t i = 0; i < sw->n_es; i++) {
		const struct nono_entry *e = &sw->es[i];
		struct stat st;

		candidate(sw, e->path);
		/* what a directory the session made or moved holds is new
		 * where it is */
		if ((e->type == NONO_ENTRY_ABSENT || !strncmp(e->op, "rename", 6)) && lstat(e->path, &st) == 0 &&
		    S_ISDIR(st.st_mode) && sw->cands.n <= WALK_MAX) {
			walking = sw;
			nftw(e->path, walk_one, 16, FTW_PHYS);
			walking = NULL;
		}
	}
}

static int
write_list(const struct sweep *sw)
{
	char *p = xasprintf("%s/neutralised.ndjson", sw->dir);
	FILE *f = fopen(p, "we");
	int r = 0;

	free(p);
	if (!f)
		return -errno;
	for (size_t i = 0; i < sw->n_items; i++) {
		const struct nono_persist_item *it = &sw->items[i];
		json_t *o = json_pack("{s:s, s:s, s:s}", "path", it->path, "what", it->what, "action", it->action);
		char *line;

		if (it->quarantine)
			json_object_set_new(o, "quarantine", json_string(it->quarantine));
		line = json_dumps(o, JSON_COMPACT);
		fprintf(f, "%s\n", line);
		free(line);
		json_decref(o);
	}
	if (fclose(f) != 0)
		r = -errno;
	return r;
}

int
nono_persist_sweep(struct nono_persist *ps, const char *store, const char *dir, struct nono_persist_item **out,
		   size_t *n)
{
	struct sweep sw = {.ps = ps, .store = store, .dir = dir};
	struct nono_error err = {0};
	int r;

	*out = NULL;
	*n = 0;
	load_globals(ps);
	if (!ps || !dir)
		return 0;
	if ((r = nono_manifest_read(dir, &sw.es, &sw.n_es, &err)) < 0) {
		log_warn("persistence sweep: %s", err.msg);
		return r;
	}
	for (size_t i = 0; i < sw.n_es; i++)
		if (!tsearch(&sw.es[i], &sw.by_path, cmp_entry))
			abort();
	gather(&sw);
	for (size_t i = 0; i < sw.cands.n; i++) {
		const char *path = sw.cands.v[i], *what;
		enum nono_persist_kind k = nono_persist_kind(ps, path, &what);
		struct nono_entry key = {.path = (char *)path}, **found;
		const struct nono_entry *e;

		if (k == NONO_PERSIST_NONE)
			continue;
		found = tfind(&key, &sw.by_path, cmp_entry);
		e = found ? *found : NULL;
		if (!differs(path, e))
			continue;
		if (k == NONO_PERSIST_GITCONFIG)
			sweep_gitconfig(&sw, path, e);
		else if (k == NONO_PERSIST_SETTINGS)
			sweep_settings(&sw, path, e);
		else if (k == NONO_PERSIST_PTH || k == NONO_PERSIST_YARNRC)
			sweep_lines(&sw, k, path, what, e);
		else
			sweep_file(&sw, path, what, e);
	}
	if (sw.n_items && (r = write_list(&sw)) < 0)
		log_warn("persistence sweep: cannot list what it neutralised: %s", strerror(-r));
	tdestroy(sw.by_path, free_nothing);
	tdestroy(sw.seen, free_nothing);
	nono_strv_free(&sw.cands);
	for (size_t i = 0; i < sw.n_es; i++)
		nono_entry_free(&sw.es[i]);
	free(sw.es);
	*out = sw.items;
	*n = sw.n_items;
	return (int)sw.n_items;
}

void
nono_persist_items_free(struct nono_persist_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(items[i].path);
		free(items[i].what);
		free(items[i].action);
		free(items[i].quarantine);
	}
	free(items);
}

int
nono_persist_read(const char *dir, struct nono_persist_item **out, size_t *n)
{
	char *p = xasprintf("%s/neutralised.ndjson", dir), *line = NULL;
	FILE *f = fopen(p, "re");
	size_t cap = 0;

	free(p);
	*out = NULL;
	*n = 0;
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (getline(&line, &cap, f) > 0) {
		json_t *o = json_loads(line, 0, NULL);
		const char *path = json_string_value(json_object_get(o, "path"));
		const char *q = json_string_value(json_object_get(o, "quarantine"));

		if (path) {
			struct nono_persist_item *it;

			*out = xrealloc(*out, (*n + 1) * sizeof(**out));
			it = &(*out)[(*n)++];
			it->path = xstrdup(path);
			it->what = xstrdup(json_string_value(json_object_get(o, "what")) ?: "");
			it->action = xstrdup(json_string_value(json_object_get(o, "action")) ?: "");
			it->quarantine = q ? xstrdup(q) : NULL;
		}
		json_decref(o);
	}
	free(line);
	fclose(f);
	return 0;
}

int
nono_persist_unquarantine(const char *dir, const char *only, void (*each)(void *, const char *), void *ctx)
{
	struct nono_persist_item *items;
	size_t n;
	int r = nono_persist_read(dir, &items, &n), done = 0;

	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		const struct nono_persist_item *it = &items[i];
		const char *leaf;
		struct stat st;
		int pfd;

		if (!it->quarantine || (only && !nono_path_under(it->path, only)) || lstat(it->quarantine, &st) < 0)
			continue;
		if ((pfd = open_parent(it->path, &leaf)) < 0) {
			log_warn("cannot put %s back: %s", it->path, strerror(errno));
			continue;
		}
		if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t m = readlink(it->quarantine, target, sizeof(target) - 1);

			if (m >= 0) {
				target[m] = '\0';
				unlinkat(pfd, leaf, 0);
				r = symlinkat(target, pfd, leaf) < 0 ? -errno : 0;
			} else {
				r = -errno;
			}
		} else {
			size_t len;
			char *buf = nono_read_file(it->quarantine, 0, &len);

			r = buf ? write_at(pfd, leaf, buf, len, st.st_mode, getuid(), getgid()) : -errno;
			free(buf);
		}
		close(pfd);
		if (r < 0) {
			log_warn("cannot put %s back: %s", it->path, strerror(-r));
			continue;
		}
		done++;
		if (each)
			each(ctx, it->path);
	}
	nono_persist_items_free(items, n);
	return done;
}
