/* hooks.c - see hooks.h (supervisor side). */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "agent/hooks.h"
#include "base/sha256.h"
#include "base/log.h"
#include "base/util.h"
#include "base/vars.h"

/* const char nono_hooks_script[], built from hooks/nono-hook.sh */
#include "nono-hook-script.h"

const char *const nono_hooks_targets[] = {"claude-code", "codex", NULL};

/* Where nono kept the script before, below ~/.claude, which the claude-code profile
 * lets the sandbox write: moved out on the next install. */
#define LEGACY_REL "hooks/nono-hook.sh"
/* A hook entry whose command names this claims to be nono's. */
#define HOOK_TAG "nono-hook"

/* SHA-256 of every script a nono release has installed, so that nono
 * recognises a file it wrote: an older one is updated without a warning,
 * and the copy in ~/.claude/hooks is removed only when it is one of these.
 * When hooks/nono-hook.sh changes, add the new digest (tests/hooks.bats
 * checks that the current script's is here). */
static const char *const known_scripts[] = {
    "eaa841475c0a289bba6123847496375a247e43c4a4e870e51805d98a99155e88", /* 0.1.0, in ~/.claude/hooks */
    "f32164198fbf6d0dd5c0d8d41203797019307af1acc4526e264b0d3f46377231", /* in $XDG_DATA_HOME/nono/hooks */
    "5c52a8344094ec375bf9c8664a49105fca90bcd794510537293cfd4a2f67fc2c", /* asks nono why; SessionStart */
    NULL,
};

/* One hook registration: an event, and the tools it fires for (NULL: all). */
struct reg {
	const char *event, *matcher;
};

/* Claude Code: its live capabilities at start; a denial after a failed
 * tool, or in a Bash command's output. */
static const struct reg claude_regs[] = {
    {"SessionStart", NULL},
    {"PostToolUseFailure", "Read|Write|Edit|MultiEdit|NotebookEdit|Bash|Glob|Grep|LS"},
    {"PostToolUse", "Bash"},
};
/* Codex: the same JSON, without PostToolUseFailure (a failed command is a
 * PostToolUse with its output). */
static const struct reg codex_regs[] = {
    {"SessionStart", NULL},
    {"PostToolUse", NULL},
};

/* One agent: its files in the user's scope (below $HOME) and a project's. */
struct target {
	const char *name;
	const char *home_dir; /* below $HOME */
	const char *settings, *guidance;
	const char *project_settings, *project_guidance; /* below the project */
	const struct reg *regs;
	size_t n_regs;
	bool timeout; /* its hook entries take "timeout" (seconds) */
};

static const struct target targets[] = {
    {"claude-code", ".claude", "settings.json", "CLAUDE.md", ".claude/settings.local.json", "CLAUDE.md", claude_regs,
     sizeof(claude_regs) / sizeof(claude_regs[0]), true},
    {"codex", ".codex", "hooks.json", "AGENTS.md", ".codex/hooks.json", "AGENTS.md", codex_regs,
     sizeof(codex_regs) / sizeof(codex_regs[0]), true},
};

static const struct target *
find_target(const char *name)
{
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		if (strcmp(targets[i].name, name) == 0)
			return &targets[i];
	return NULL;
}

#define GUIDE_START "<!-- nono-sandbox-start -->"
#define GUIDE_END   "<!-- nono-sandbox-end -->"

static const char guidance[] =
    GUIDE_START "\n"
		"## Nono Sandbox - CRITICAL\n"
		"\n"
		"You may be running inside the nono sandbox: when the environment variable\n"
		"`NONO_CAP_FILE` is set, the kernel (Landlock and seccomp) decides which paths you\n"
		"can read and write and whether the network is reachable. Nothing inside the\n"
		"sandbox, not even nono, can widen that for this session. At the start of a session\n"
		"inside nono, a hook tells you what this one may do.\n"
		"\n"
		"- \"Permission denied\" or \"Operation not permitted\" on a path outside your grants\n"
		"  is the sandbox, not file permissions. Do not retry, use sudo, copy, link or\n"
		"  move the file, or reach it through another tool or path: every route is blocked.\n"
		"- Ask nono before you try: `nono why --self --path PATH --op read|write|delete`\n"
		"  says whether this session may, and the exact flag that would allow it.\n"
		"- Stop and tell the user which path was blocked and the flag nono names: they must\n"
		"  exit this session and start it again with that flag added. nono names no flag for\n"
		"  a system path or a whole directory of credentials: say so instead.\n"
		"- Your own sandbox (Claude Code's `sandbox.enabled`) cannot start inside nono. A\n"
		"  command that fails with `bwrap: ...` must run without it (Claude Code:\n"
		"  `dangerouslyDisableSandbox: true`); nono's boundary still applies to it.\n" GUIDE_END;

bool
nono_hooks_target_known(const char *target)
{
	return find_target(target) != NULL;
}

/* ---- settings.json ----------------------------------------------------- */

/* How settings.json names the script: Claude Code runs a hook's command
 * through a shell, so the absolute path is one shell word. */
char *
nono_hooks_command(const char *script_path)
{
	bool plain = *script_path != '\0';
	char *s = NULL;
	size_t n = 0;
	FILE *f;

	for (const char *c = script_path; *c && plain; c++)
		plain = isalnum((unsigned char)*c) || strchr("/._-+:@%=,", *c);
	if (plain)
		return xstrdup(script_path);
	f = open_memstream(&s, &n);
	if (!f)
		abort();
	fputc('\'', f);
	for (const char *c = script_path; *c; c++)
		if (*c == '\'')
			fputs("'\\''", f);
		else
			fputc(*c, f);
	fputc('\'', f);
	if (fclose(f) != 0)
		abort();
	return s;
}

enum entry {
	NOT_OURS,
	OURS,	 /* exactly what install writes */
	OLDER,	 /* what an earlier nono wrote here: nono's command, no timeout */
	LEGACY,	 /* what an earlier nono wrote: the script in ~/.claude/hooks */
	PLANTED, /* names nono's hook, runs something else */
};

static bool
legacy_command(const char *c)
{
	char *abs = nono_path_join(nono_home(), ".claude/" LEGACY_REL);
	bool r = strcmp(c, "$HOME/.claude/" LEGACY_REL) == 0 || strcmp(c, "~/.claude/" LEGACY_REL) == 0 ||
		 strcmp(c, abs) == 0;

	free(abs);
	return r;
}

static enum entry
classify(const json_t *hook, const char *command, const struct target *t)
{
	const char *c = json_string_value(json_object_get(hook, "command"));
	const char *type = json_string_value(json_object_get(hook, "type"));
	json_t *timeout = json_object_get(hook, "timeout");
	size_t n = json_object_size(hook);

	if (!c || !strstr(c, HOOK_TAG))
		return NOT_OURS;
	/* a key install never writes (a "shell" to run it with, say) makes it
	 * someone else's */
	if (!type || strcmp(type, "command") != 0)
		return PLANTED;
	if (strcmp(c, command) == 0) {
		if (t->timeout && n == 3 && json_integer_value(timeout) == NONO_HOOKS_TIMEOUT &&
		    json_is_integer(timeout))
			return OURS;
		if (!t->timeout && n == 2)
			return OURS;
		if (n == 2)
			return OLDER;
	}
	if (n == 2 && legacy_command(c))
		return LEGACY;
	return PLANTED;
}

/* A planted entry as the warning names it: its command, and the keys
 * beside it that install never writes. */
static char *
describe(const json_t *hook)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);
	const char *k;
	json_t *v;
	bool first = true;

	if (!f)
		abort();
	fputs(json_string_value(json_object_get(hook, "command")), f);
	json_object_foreach((json_t *)hook, k, v)
	{
		if (strcmp(k, "command") == 0 ||
		    (strcmp(k, "type") == 0 && json_is_string(v) && strcmp(json_string_value(v), "command") == 0) ||
		    (strcmp(k, "timeout") == 0 && json_integer_value(v) == NONO_HOOKS_TIMEOUT))
			continue;
		fprintf(f, "%s%s", first ? "' with '" : "', '", k);
		if (json_is_string(v))
			fprintf(f, ": %s", json_string_value(v));
		first = false;
	}
	if (fclose(f) != 0)
		abort();
	return s;
}

struct scan {
	size_t n;		  /* entries that name nono's hook */
	unsigned found;		  /* registrations in place as install leaves them */
	size_t legacy;		  /* entries for the old script in ~/.claude/hooks */
	struct nono_strv planted; /* commands of the entries that run something else */
};

static bool
complete(const struct scan *sc, const struct target *t)
{
	return sc->found == (1u << t->n_regs) - 1 && sc->n == t->n_regs;
}

/* the registration r's group: its matcher (or none) */
static bool
reg_matches(const struct reg *r, const char *event, const json_t *group)
{
	const char *m = json_string_value(json_object_get(group, "matcher"));

	if (strcmp(event, r->event) != 0)
		return false;
	if (!r->matcher)
		return !json_object_get(group, "matcher");
	return m && strcmp(m, r->matcher) == 0;
}

/* The entries in the document that name nono's hook. */
static void
scan(struct scan *out, const json_t *doc, const char *command, const struct target *t)
{
	json_t *hooks = json_object_get(doc, "hooks");
	const char *ev;
	json_t *groups;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(hooks))
		return;
	json_object_foreach(hooks, ev, groups)
	{
		size_t i, j;
		json_t *g, *h;

		if (!json_is_array(groups))
			continue;
		json_array_foreach(groups, i, g)
		{
			json_array_foreach(json_object_get(g, "hooks"), j, h)
			{
				enum entry k = classify(h, command, t);

				if (k == NOT_OURS)
					continue;
				out->n++;
				out->legacy += k == LEGACY;
				if (k == PLANTED)
					nono_strv_push_owned(&out->planted, describe(h));
				for (size_t r = 0; r < t->n_regs && k == OURS; r++)
					if (reg_matches(&t->regs[r], ev, g))
						out->found |= 1u << r;
			}
		}
	}
}

/* Take out every entry that names nono's hook (planted ones included); a
 * group, event list or "hooks" object that only becomes empty because of
 * that goes too. Returns how many were removed. */
static size_t
strip_ours(json_t *doc, const char *command, const struct target *t)
{
	json_t *hooks = json_object_get(doc, "hooks");
	const char *ev;
	json_t *groups;
	void *tmp;
	size_t n = 0;

	if (!json_is_object(hooks))
		return 0;
	json_object_foreach_safe(hooks, tmp, ev, groups)
	{
		size_t before = n;

		if (!json_is_array(groups))
			continue;
		for (size_t i = json_array_size(groups); i-- > 0;) {
			json_t *g = json_array_get(groups, i), *hs = json_object_get(g, "hooks");
			size_t had;

			if (!json_is_array(hs))
				continue;
			had = n;
			for (size_t j = json_array_size(hs); j-- > 0;)
				if (classify(json_array_get(hs, j), command, t) != NOT_OURS) {
					json_array_remove(hs, j);
					n++;
				}
			if (n > had && json_array_size(hs) == 0)
				json_array_remove(groups, i);
		}
		if (n > before && json_array_size(groups) == 0)
			json_object_del(hooks, ev);
	}
	if (n && json_object_size(hooks) == 0)
		json_object_del(doc, "hooks");
	return n;
}

static int
add_ours(json_t *doc, const char *file, const char *command, const struct target *t, struct nono_error *err)
{
	json_t *hooks = json_object_get(doc, "hooks");

	if (!hooks) {
		hooks = json_object();
		json_object_set_new(doc, "hooks", hooks);
	} else if (!json_is_object(hooks)) {
		return nono_error_set(err, -EINVAL, "%s: \"hooks\" is not an object; nono leaves the file alone", file);
	}
	for (size_t r = 0; r < t->n_regs; r++) {
		json_t *groups = json_object_get(hooks, t->regs[r].event), *entry, *group;

		if (!groups) {
			groups = json_array();
			json_object_set_new(hooks, t->regs[r].event, groups);
		} else if (!json_is_array(groups)) {
			return nono_error_set(err, -EINVAL,
					      "%s: \"hooks.%s\" is not a list; nono leaves the file alone", file,
					      t->regs[r].event);
		}
		entry = json_pack("{s:s, s:s}", "type", "command", "command", command);
		if (t->timeout)
			json_object_set_new(entry, "timeout", json_integer(NONO_HOOKS_TIMEOUT));
		group = json_object();
		if (t->regs[r].matcher)
			json_object_set_new(group, "matcher", json_string(t->regs[r].matcher));
		json_object_set_new(group, "hooks", json_pack("[o]", entry));
		json_array_append_new(groups, group);
	}
	return 0;
}

static bool
blank(const char *t)
{
	for (; t && *t; t++)
		if (!strchr(" \t\r\n", *t))
			return false;
	return true;
}

int
nono_hooks_settings_edit(char **out, const char *target, const char *text, const char *file, const char *command,
			 bool remove, struct nono_error *err)
{
	const struct target *t = find_target(target);
	json_error_t je;
	json_t *doc;
	struct scan sc;
	char *s;
	int r = 0;

	*out = NULL;
	if (!t)
		return nono_error_set(err, -ENOENT, "unknown hook target '%s'", target);
	if (blank(text)) {
		if (remove)
			return 0;
		doc = json_object();
	} else if (!(doc = json_loads(text, 0, &je))) {
		nono_error_set(err, -EINVAL, "%s:%d:%d: %s", file, je.line, je.column, je.text);
		nono_error_hint(err,
				"nono does not touch a settings file it cannot parse: fix it, then run 'nono hooks "
				"install %s'",
				target);
		return err->code;
	}
	if (!json_is_object(doc)) {
		json_decref(doc);
		return nono_error_set(err, -EINVAL, "%s: the top level is not an object; nono leaves the file alone",
				      file);
	}
	scan(&sc, doc, command, t);
	nono_strv_free(&sc.planted);
	if (remove ? strip_ours(doc, command, t) == 0 : complete(&sc, t))
		goto out;
	if (!remove) {
		strip_ours(doc, command, t);
		if ((r = add_ours(doc, file, command, t, err)) < 0)
			goto out;
	}
	if (remove && json_object_size(doc) == 0) {
		*out = xstrdup(""); /* nothing left: the file goes */
		r = 1;
		goto out;
	}
	s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	if (!s) {
		r = nono_error_set(err, -ENOMEM, "%s: cannot serialise the settings", file);
		goto out;
	}
	*out = xasprintf("%s\n", s);
	free(s);
	r = 1;
out:
	json_decref(doc);
	return r;
}

/* ---- CLAUDE.md ------------------------------------------------------------ */

/* the next marker at the start of a line, at or after from */
static const char *
find_marker(const char *text, const char *from, const char *marker)
{
	for (const char *p = strstr(from, marker); p; p = strstr(p + 1, marker))
		if (p == text || p[-1] == '\n')
			return p;
	return NULL;
}

static int
line_of(const char *text, const char *p)
{
	int l = 1;

	for (const char *c = text; c < p; c++)
		l += *c == '\n';
	return l;
}

int
nono_hooks_guidance_edit(char **out, const char *text, const char *file, bool remove, struct nono_error *err)
{
	const char *t = text ? text : "";
	const char *start = find_marker(t, t, GUIDE_START), *end;
	struct {
		char *s;
		size_t n;
	} b = {NULL, 0};
	FILE *f;
	bool placed = false;

	*out = NULL;
	if (!start && remove)
		return 0;
	f = open_memstream(&b.s, &b.n);
	if (!f)
		return nono_error_set(err, -ENOMEM, "out of memory");
	if (!start) {
		/* append, a blank line after what is there */
		fputs(t, f);
		if (*t)
			fputs(t[strlen(t) - 1] == '\n' ? "\n" : "\n\n", f);
		fprintf(f, "%s\n", guidance);
	}
	while (start) {
		end = find_marker(t, start, GUIDE_END);
		if (!end) {
			fclose(f);
			free(b.s);
			nono_error_set(err, -EINVAL, "%s:%d: %s without %s; nono leaves the file alone", file,
				       line_of(t, start), GUIDE_START, GUIDE_END);
			nono_error_hint(err, "remove the marker or close the block, then try again");
			return err->code;
		}
		end += strlen(GUIDE_END);
		if (remove || placed) {
			/* the block, its line end, and the blank line install put before it */
			size_t keep = (size_t)(start - t);

			if (keep >= 2 && t[keep - 1] == '\n' && t[keep - 2] == '\n')
				keep--;
			else if (keep == 1 && t[0] == '\n')
				keep = 0;
			fwrite(t, 1, keep, f);
			if (*end == '\n')
				end++;
		} else {
			fwrite(t, 1, (size_t)(start - t), f);
			fputs(guidance, f);
			placed = true;
		}
		t = end;
		start = find_marker(text, t, GUIDE_START);
	}
	if (text && t != text)
		fputs(t, f);
	fclose(f);
	if (text && strcmp(b.s, text) == 0) {
		free(b.s);
		return 0;
	}
	*out = b.s;
	return 1;
}

/* ---- files -------------------------------------------------------------------- */

#define MAX_FILE (4 * 1024 * 1024)

/* The directory path lies beneath that nono's reads and writes stay below:
 * an agent's directory in $HOME (~/.claude, ~/.codex: the profiles let the
 * sandbox write there), the project (project scope: the sandbox may write
 * it too), or $XDG_DATA_HOME (nono's own files). Caller-owned; NULL for
 * none. */
static char *
base_of(const char *path, const char *project)
{
	struct nono_strv bases = {0};
	char *r = NULL;

	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		nono_strv_push_owned(&bases, nono_path_join(nono_home(), targets[i].home_dir));
	nono_strv_push_owned(&bases, nono_xdg_dir("data"));
	if (project)
		nono_strv_push(&bases, project);
	for (size_t i = 0; i < bases.n && !r; i++)
		if (nono_path_under(path, bases.v[i]) && strcmp(path, bases.v[i]) != 0)
			r = xstrdup(bases.v[i]);
	nono_strv_free(&bases);
	return r;
}

/* The directory holding path, opened without following a symlink below its
 * base (see base_of): a link the sandbox planted in ~/.claude must not send
 * nono's reads and writes elsewhere (into ~/.bashrc, say). The base itself
 * may be the user's link. With create, missing directories are made (0700),
 * one component at a time. *leaf points into path. -1 with errno set (ELOOP
 * for a link, EXDEV outside both bases). */
static int
open_parent(const char *path, const char *project, const char **leaf, bool create)
{
	char *base = base_of(path, project), *rel, *save = NULL;
	const char *slash = strrchr(path, '/');
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH};
	int fd, e = 0;
	size_t bl;

	*leaf = slash + 1;
	if (!base) {
		errno = EXDEV;
		return -1;
	}
	bl = strlen(base);
	fd = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC);
	rel = slash == path + bl ? xstrdup("") : xasprintf("%.*s", (int)(slash - path - bl - 1), path + bl + 1);
	for (char *c = strtok_r(rel, "/", &save); c && fd >= 0; c = strtok_r(NULL, "/", &save)) {
		int next = (int)syscall(SYS_openat2, fd, c, &how, sizeof(how));

		if (next < 0 && errno == ENOENT && create && mkdirat(fd, c, 0700) == 0)
			next = (int)syscall(SYS_openat2, fd, c, &how, sizeof(how));
		e = errno;
		close(fd);
		fd = next;
	}
	if (fd < 0 && !e)
		e = errno;
	free(rel);
	free(base);
	errno = e;
	return fd;
}

static int
link_refused(const char *path, const char *project, struct nono_error *err)
{
	char *base = base_of(path, project), *d = nono_path_display(base ? base : path), *data = nono_xdg_dir("data");
	bool agent = base && !nono_path_under(base, data);

	nono_error_set(err, -ELOOP, "%s: a symbolic link below %s; nono reads and writes nothing through it%s", path, d,
		       agent ? " (a sandbox can write there)" : "");
	free(data);
	nono_error_hint(err, "replace the link with the file or directory itself, then run 'nono hooks install'");
	free(d);
	free(base);
	return err->code;
}

static int
file_error(const char *path, const char *project, const char *what, struct nono_error *err)
{
	if (errno == ELOOP)
		return link_refused(path, project, err);
	return nono_error_set(err, -errno, "%s%s: %s", what, path, strerror(errno));
}

/* The file's content (NUL-terminated, *len bytes); *out NULL when it does
 * not exist. */
static int
slurp(char **out, size_t *len, unsigned *mode, const char *path, const char *project, struct nono_error *err)
{
	const char *leaf;
	int dfd = open_parent(path, project, &leaf, false), fd;
	struct stat st;
	char *buf;
	size_t n = 0;

	*out = NULL;
	if (len)
		*len = 0;
	if (dfd < 0)
		return errno == ENOENT ? 0 : file_error(path, project, "", err);
	fd = openat(dfd, leaf, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(dfd);
	if (fd < 0)
		return errno == ENOENT ? 0 : file_error(path, project, "", err);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_FILE) {
		close(fd);
		return nono_error_set(err, -EINVAL, "%s: not a regular file of at most 4 MiB", path);
	}
	if (mode)
		*mode = st.st_mode & 07777;
	buf = xmalloc((size_t)st.st_size + 1);
	while (n < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + n, (size_t)st.st_size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return 0;
}

/* Replace path's content atomically: a temporary file beside it, renamed
 * over it (a symlink there is refused, never followed). */
static int
write_atomic(const char *path, const char *project, const char *data, unsigned mode, struct nono_error *err)
{
	const char *leaf;
	int dfd = open_parent(path, project, &leaf, true), fd = -1, r = 0;
	char tmp[64];
	size_t len = strlen(data), off = 0;

	if (dfd < 0)
		return file_error(path, project, "cannot write ", err);
	for (int i = 0; i < 100 && fd < 0; i++) {
		snprintf(tmp, sizeof(tmp), ".nono-%d-%d-%d.tmp", (int)getpid(), (int)time(NULL), i);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		r = nono_error_set(err, -errno, "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			r = nono_error_set(err, -errno, "cannot write %s: %s", path, strerror(errno));
			break;
		}
		off += (size_t)w;
	}
	if (!r && (fchmod(fd, mode) < 0 || fsync(fd) < 0))
		r = nono_error_set(err, -errno, "cannot write %s: %s", path, strerror(errno));
	if (close(fd) < 0 && !r)
		r = nono_error_set(err, -errno, "cannot write %s: %s", path, strerror(errno));
	if (!r && renameat(dfd, tmp, dfd, leaf) < 0)
		r = nono_error_set(err, -errno, "cannot replace %s: %s", path, strerror(errno));
	if (r)
		unlinkat(dfd, tmp, 0);
out:
	close(dfd);
	return r;
}

/* unlink path (flags 0) or rmdir it (AT_REMOVEDIR) without following a link
 * above it; 0 or -1 with errno */
static int
remove_at(const char *path, const char *project, int flags)
{
	const char *leaf;
	int dfd = open_parent(path, project, &leaf, false), r, e;

	if (dfd < 0)
		return -1;
	r = unlinkat(dfd, leaf, flags);
	e = errno;
	close(dfd);
	errno = e;
	return r;
}

/* Is this a script some nono installed (this one's, or a release's before)? */
static bool
nono_wrote(const char *text, size_t len)
{
	struct nono_sha256 c;
	unsigned char md[32];
	char hex[65];

	if (len == strlen(nono_hooks_script) && memcmp(text, nono_hooks_script, len) == 0)
		return true;
	nono_sha256_init(&c);
	nono_sha256_update(&c, text, len);
	nono_sha256_final(&c, md);
	nono_sha256_hex(hex, md);
	for (size_t i = 0; known_scripts[i]; i++)
		if (strcmp(hex, known_scripts[i]) == 0)
			return true;
	return false;
}

static bool
current_script(const char *text, size_t len, unsigned mode)
{
	return text && len == strlen(nono_hooks_script) && memcmp(text, nono_hooks_script, len) == 0 && (mode & 0100);
}

char *
nono_hooks_script_path(const char *target)
{
	char *data = nono_xdg_dir("data"), *p = nono_path_join(data, NONO_HOOKS_SCRIPT_REL);

	(void)target; /* one script serves every target */
	free(data);
	return p;
}

/* ---- what the files held before nono, in nono's state ------------------------ */

/* FNV-1a: a project's records are named after its directory */
static unsigned long long
fnv1a(const char *s)
{
	unsigned long long h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static char *
rec_path(const struct nono_hooks_status *st, const char *kind, const char *what)
{
	return xasprintf("%s/%s.%s", st->records, kind, what);
}

static bool
rec_has(const struct nono_hooks_status *st, const char *kind, const char *what)
{
	char *p = rec_path(st, kind, what);
	bool r = access(p, F_OK) == 0;

	free(p);
	return r;
}

/* The record's text (*out NULL when there is none). */
static void
rec_read(const struct nono_hooks_status *st, const char *kind, const char *what, char **out)
{
	char *p = rec_path(st, kind, what);
	FILE *f = fopen(p, "re");
	size_t n = 0;

	*out = NULL;
	if (f) {
		char *buf = NULL;
		FILE *m = open_memstream(&buf, &n);
		int c;

		if (!m)
			abort();
		while ((c = getc(f)) != EOF)
			putc(c, m);
		if (fclose(m) != 0)
			abort();
		fclose(f);
		*out = buf;
	}
	free(p);
}

/* Write a record (nono's state: out of every sandbox's reach, 0600). */
static int
rec_write(const struct nono_hooks_status *st, const char *kind, const char *what, const char *text,
	  struct nono_error *err)
{
	char *p = rec_path(st, kind, what), *tmp = xasprintf("%s.tmp", p);
	int r = nono_mkdir_p(st->records, 0700), fd = -1;

	if (r == 0 && (fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
		r = -errno;
	if (r == 0)
		r = nono_write_all(fd, text, strlen(text));
	if (fd >= 0 && close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, p) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		nono_error_set(err, r, "cannot record %s in %s: %s", kind, st->records, strerror(-r));
	}
	free(tmp);
	free(p);
	return r;
}

static void
rec_drop(const struct nono_hooks_status *st, const char *kind)
{
	static const char *const whats[] = {"before", "none", "after", "planted"};

	for (size_t i = 0; i < sizeof(whats) / sizeof(whats[0]); i++) {
		char *p = rec_path(st, kind, whats[i]);

		unlink(p);
		free(p);
	}
	rmdir(st->records); /* only when nothing else is in it */
}

/* ---- one integration's files ----------------------------------------------------- */

static void
paths(struct nono_hooks_status *st, const struct target *t, const char *project)
{
	char *rec = NULL;

	st->target = t->name;
	st->script_path = nono_hooks_script_path(t->name);
	st->command = nono_hooks_command(st->script_path);
	if (project) {
		st->project = nono_path_canonical(project, NULL);
		st->base = xstrdup(st->project);
		st->settings_path = nono_path_join(st->project, t->project_settings);
		st->guidance_path = nono_path_join(st->project, t->project_guidance);
		st->dir = nono_path_dirname(st->settings_path);
		rec = xasprintf("hooks/%s-project-%016llx", t->name, fnv1a(st->project));
	} else {
		st->dir = nono_path_join(nono_home(), t->home_dir);
		st->base = xstrdup(st->dir);
		st->settings_path = nono_path_join(st->dir, t->settings);
		st->guidance_path = nono_path_join(st->dir, t->guidance);
		rec = xasprintf("hooks/%s", t->name);
		if (strcmp(t->name, "claude-code") == 0)
			st->legacy_path = nono_path_join(st->dir, LEGACY_REL);
	}
	st->records = nono_state_path(rec);
	free(rec);
}

void
nono_hooks_status_free(struct nono_hooks_status *st)
{
	if (!st)
		return;
	free(st->project);
	free(st->base);
	free(st->dir);
	free(st->script_path);
	free(st->command);
	free(st->settings_path);
	free(st->guidance_path);
	free(st->records);
	free(st->legacy_path);
	nono_strv_free(&st->planted);
	memset(st, 0, sizeof(*st));
}

static int
unknown_target(const char *target, struct nono_error *err)
{
	nono_error_set(err, -ENOENT, "unknown hook target '%s'", target);
	nono_error_hint(err, "nono knows: claude-code, codex");
	return err->code;
}

/* The old script in ~/.claude/hooks: MISSING, CURRENT when nono wrote it
 * (install removes it), FOREIGN when it is not what nono wrote or cannot be
 * read without following a link (left alone). */
static enum nono_hooks_state
legacy_state(const char *path)
{
	struct nono_error err = {0};
	char *text = NULL;
	size_t len;
	enum nono_hooks_state s;

	if (!path)
		return NONO_HOOKS_MISSING;
	if (slurp(&text, &len, NULL, path, NULL, &err) < 0)
		return NONO_HOOKS_FOREIGN;
	s = !text ? NONO_HOOKS_MISSING : nono_wrote(text, len) ? NONO_HOOKS_CURRENT : NONO_HOOKS_FOREIGN;
	free(text);
	return s;
}

/* What the settings say of nono's entries. */
static int
settings_state(struct nono_hooks_status *st, const struct target *t, const char *settings, struct nono_error *err)
{
	json_error_t je;
	json_t *doc;
	struct scan sc;

	st->settings = NONO_HOOKS_MISSING;
	if (!settings || blank(settings))
		return 0;
	if (!(doc = json_loads(settings, 0, &je)))
		return nono_error_set(err, -EINVAL, "%s:%d:%d: %s", st->settings_path, je.line, je.column, je.text);
	scan(&sc, doc, st->command, t);
	if (sc.planted.n)
		st->settings = NONO_HOOKS_FOREIGN;
	else if (sc.n)
		st->settings = complete(&sc, t) ? NONO_HOOKS_CURRENT : NONO_HOOKS_OUTDATED;
	st->planted = sc.planted;
	st->legacy = sc.legacy > 0;
	json_decref(doc);
	return 0;
}

int
nono_hooks_status(struct nono_hooks_status *out, const char *target, const char *project, struct nono_error *err)
{
	const struct target *t = find_target(target);
	char *script = NULL, *settings = NULL, *guide = NULL, *edit = NULL;
	size_t slen = 0;
	unsigned smode = 0;
	int r;

	memset(out, 0, sizeof(*out));
	if (!t)
		return unknown_target(target, err);
	paths(out, t, project);
	if ((r = slurp(&script, &slen, &smode, out->script_path, NULL, err)) < 0 ||
	    (r = slurp(&settings, NULL, NULL, out->settings_path, out->project, err)) < 0 ||
	    (r = slurp(&guide, NULL, NULL, out->guidance_path, out->project, err)) < 0)
		goto out;
	out->script = !script				    ? NONO_HOOKS_MISSING
		      : current_script(script, slen, smode) ? NONO_HOOKS_CURRENT
		      : nono_wrote(script, slen)	    ? NONO_HOOKS_OUTDATED
							    : NONO_HOOKS_FOREIGN;
	if ((r = settings_state(out, t, settings, err)) < 0)
		goto out;
	out->legacy_script = legacy_state(out->legacy_path);
	out->guidance = NONO_HOOKS_MISSING;
	if (guide && find_marker(guide, guide, GUIDE_START)) {
		r = nono_hooks_guidance_edit(&edit, guide, out->guidance_path, false, err);
		if (r < 0)
			goto out;
		out->guidance = r ? NONO_HOOKS_OUTDATED : NONO_HOOKS_CURRENT;
	}
	r = 0;
out:
	free(script);
	free(settings);
	free(guide);
	free(edit);
	return r;
}

bool
nono_hooks_current(const struct nono_hooks_status *st)
{
	return st->script == NONO_HOOKS_CURRENT && st->settings == NONO_HOOKS_CURRENT &&
	       st->guidance == NONO_HOOKS_CURRENT && st->legacy_script != NONO_HOOKS_CURRENT;
}

/* The script in ~/.claude/hooks goes once nothing names it, and only when
 * it is one nono wrote: anything else there is left for the user to see. */
static unsigned
drop_legacy(const struct nono_hooks_status *st)
{
	char *dir;

	if (legacy_state(st->legacy_path) != NONO_HOOKS_CURRENT || remove_at(st->legacy_path, NULL, 0) < 0)
		return 0;
	dir = nono_path_dirname(st->legacy_path);
	remove_at(dir, NULL, AT_REMOVEDIR); /* only when nothing else is in it */
	free(dir);
	return NONO_HOOKS_LEGACY;
}

/* The opt-out a remove of the user's scope leaves: a file in nono's state. */
static char *
opt_out_path(const char *target)
{
	char *rel = xasprintf("hooks/%s.off", target), *p = nono_state_path(rel);

	free(rel);
	return p;
}

bool
nono_hooks_opted_out(const char *target)
{
	char *p = opt_out_path(target);
	bool r = access(p, F_OK) == 0;

	free(p);
	return r;
}

/* ---- install and remove ---------------------------------------------------------- */

/* Write one file install changes: what it held first is recorded once (or
 * that there was none), and what nono wrote, to know it again at remove. */
static int
install_file(const struct nono_hooks_status *st, const char *kind, const char *path, const char *old, const char *text,
	     unsigned mode, struct nono_error *err)
{
	int r = 0;

	if (!rec_has(st, kind, "before") && !rec_has(st, kind, "none"))
		r = old ? rec_write(st, kind, "before", old, err) : rec_write(st, kind, "none", "", err);
	if (r == 0)
		r = write_atomic(path, st->project, text, mode, err);
	if (r == 0)
		r = rec_write(st, kind, "after", text, err);
	return r;
}

/* Put one file back: exactly as it was before nono's first change when
 * nothing but nono has changed it since, otherwise cur without nono's part
 * (stripped: NULL for no change, "" for nothing left). 1 when it changed. */
static int
remove_file(const struct nono_hooks_status *st, const char *kind, const char *path, const char *cur,
	    const char *stripped, unsigned mode, struct nono_error *err)
{
	char *after = NULL, *before = NULL, *bak = xasprintf("%s.nono.bak", path);
	const char *want = stripped;
	int r = 0;

	rec_read(st, kind, "after", &after);
	rec_read(st, kind, "before", &before);
	if (cur && after && strcmp(cur, after) == 0) {
		if (rec_has(st, kind, "none"))
			want = "";
		else if (before)
			want = strcmp(before, cur) == 0 ? NULL : before;
	}
	if (want && *want)
		r = write_atomic(path, st->project, want, mode, err) < 0 ? -1 : 1;
	else if (want && cur)
		r = remove_at(path, st->project, 0) < 0 ? file_error(path, st->project, "cannot remove ", err) : 1;
	/* what an earlier nono left beside it */
	remove_at(bak, st->project, 0);
	if (r >= 0)
		rec_drop(st, kind);
	free(bak);
	free(after);
	free(before);
	return r < 0 ? err->code : r;
}

/* Read the settings and guidance and work out both edits: nothing is written
 * when either file does not parse. */
struct edits {
	char *settings, *guide, *new_settings, *new_guide;
	unsigned smode, gmode;
	int rs, rg;
};

static void
edits_free(struct edits *e)
{
	free(e->settings);
	free(e->guide);
	free(e->new_settings);
	free(e->new_guide);
}

static int
edits(struct edits *e, const struct nono_hooks_status *st, bool remove, struct nono_error *err)
{
	int r;

	memset(e, 0, sizeof(*e));
	e->smode = e->gmode = 0644;
	if ((r = slurp(&e->settings, NULL, &e->smode, st->settings_path, st->project, err)) < 0 ||
	    (r = slurp(&e->guide, NULL, &e->gmode, st->guidance_path, st->project, err)) < 0)
		return r;
	if ((!remove || e->settings) &&
	    (r = e->rs = nono_hooks_settings_edit(&e->new_settings, st->target, e->settings ? e->settings : "",
						  st->settings_path, st->command, remove, err)) < 0)
		return r;
	if ((r = e->rg = nono_hooks_guidance_edit(&e->new_guide, e->guide, st->guidance_path, remove, err)) < 0)
		return r;
	return 0;
}

/* The script, where every target's settings name it. */
static int
install_script(const struct nono_hooks_status *st, unsigned *changed, struct nono_error *err)
{
	char *script = NULL, *data;
	size_t slen = 0;
	unsigned xmode = 0;
	int r;

	if ((r = slurp(&script, &slen, &xmode, st->script_path, NULL, err)) < 0)
		return r;
	if (!current_script(script, slen, xmode)) {
		data = nono_xdg_dir("data");
		r = nono_mkdir_p(data, 0700);
		if (r < 0)
			nono_error_set(err, r, "cannot create %s: %s", data, strerror(-r));
		free(data);
		if (r == 0 && (r = write_atomic(st->script_path, NULL, nono_hooks_script, 0755, err)) == 0)
			*changed |= NONO_HOOKS_SCRIPT;
	}
	free(script);
	return r;
}

int
nono_hooks_install(unsigned *out_changed, const char *target, const char *project, struct nono_error *err)
{
	const struct target *t = find_target(target);
	struct nono_hooks_status st = {0};
	struct edits e;
	char *off;
	int r;

	*out_changed = 0;
	memset(&st, 0, sizeof(st));
	memset(&e, 0, sizeof(e));
	if (!t)
		return unknown_target(target, err);
	paths(&st, t, project);
	/* read and check everything first: a file that does not parse stops
	 * the install before anything is written */
	if ((r = edits(&e, &st, false, err)) < 0 || (r = settings_state(&st, t, e.settings, err)) < 0)
		goto out;
	/* what was planted there is kept, out of every sandbox's reach */
	if (st.planted.n && (r = rec_write(&st, "settings", "planted", e.settings, err)) < 0)
		goto out;
	if (access(st.dir, F_OK) < 0 && !rec_has(&st, "dir", "none") &&
	    (r = rec_write(&st, "dir", "none", "", err)) < 0)
		goto out;
	if (!project && (r = nono_mkdir_p(st.dir, 0700)) < 0) {
		nono_error_set(err, r, "cannot create %s: %s", st.dir, strerror(-r));
		goto out;
	}
	/* the script first: the settings name it only once it is there */
	if ((r = install_script(&st, out_changed, err)) < 0)
		goto out;
	if (e.rs) {
		if ((r = install_file(&st, "settings", st.settings_path, e.settings, e.new_settings, e.smode, err)) < 0)
			goto out;
		*out_changed |= NONO_HOOKS_SETTINGS;
	}
	if (e.rg) {
		if ((r = install_file(&st, "guidance", st.guidance_path, e.guide, e.new_guide, e.gmode, err)) < 0)
			goto out;
		*out_changed |= NONO_HOOKS_GUIDANCE;
	}
	*out_changed |= drop_legacy(&st);
	off = opt_out_path(target);
	if (!project)
		unlink(off);
	free(off);
	r = 0;
out:
	nono_hooks_status_free(&st);
	edits_free(&e);
	return r;
}

/* Does any scope still name the script? The user's, checked; a project's
 * records say whether one does. */
static bool
script_in_use(const struct nono_hooks_status *st)
{
	char *dir = nono_state_path("hooks");
	DIR *d = opendir(dir);
	struct dirent *de;
	bool used = false;

	for (size_t i = 0; !used && i < sizeof(targets) / sizeof(targets[0]); i++) {
		/* zeroed: freed below whether or not it was filled */
		struct nono_hooks_status other = {0};
		struct nono_error err = {0};

		if ((st->project || strcmp(targets[i].name, st->target) != 0) &&
		    nono_hooks_status(&other, targets[i].name, NULL, &err) == 0)
			used = other.settings != NONO_HOOKS_MISSING;
		nono_hooks_status_free(&other);
	}
	while (!used && d && (de = readdir(d))) {
		char *after = nono_path_join(dir, de->d_name), *f = nono_path_join(after, "settings.after");

		used = strstr(de->d_name, "-project-") && strcmp(de->d_name, strrchr(st->records, '/') + 1) != 0 &&
		       access(f, F_OK) == 0;
		free(f);
		free(after);
	}
	if (d)
		closedir(d);
	free(dir);
	return used;
}

int
nono_hooks_remove(unsigned *out_changed, const char *target, const char *project, struct nono_error *err)
{
	const struct target *t = find_target(target);
	struct nono_hooks_status st = {0};
	struct edits e;
	char *hookdir = NULL;
	int r;

	*out_changed = 0;
	memset(&st, 0, sizeof(st));
	memset(&e, 0, sizeof(e));
	if (!t)
		return unknown_target(target, err);
	paths(&st, t, project);
	if ((r = edits(&e, &st, true, err)) < 0)
		goto out;
	/* the settings first: nothing names the script once it goes */
	if ((r = remove_file(&st, "settings", st.settings_path, e.settings, e.rs ? e.new_settings : NULL, e.smode,
			     err)) < 0)
		goto out;
	*out_changed |= r ? NONO_HOOKS_SETTINGS : 0;
	if (!script_in_use(&st)) {
		if (remove_at(st.script_path, NULL, 0) == 0) {
			*out_changed |= NONO_HOOKS_SCRIPT;
			hookdir = nono_path_dirname(st.script_path);
			remove_at(hookdir, NULL, AT_REMOVEDIR); /* only when nothing else is in it */
		} else if (errno != ENOENT) {
			r = file_error(st.script_path, NULL, "cannot remove ", err);
			goto out;
		}
	}
	if ((r = remove_file(&st, "guidance", st.guidance_path, e.guide, e.rg ? e.new_guide : NULL, e.gmode, err)) < 0)
		goto out;
	*out_changed |= r ? NONO_HOOKS_GUIDANCE : 0;
	*out_changed |= drop_legacy(&st);
	/* a directory install made goes too, when nothing else is in it */
	if (rec_has(&st, "dir", "none")) {
		if (project)
			remove_at(st.dir, st.project, AT_REMOVEDIR);
		else
			rmdir(st.dir);
		rec_drop(&st, "dir");
	}
	/* remembered: launches install nothing until 'nono hooks install' */
	if (!project) {
		char *off = opt_out_path(target), *dir = nono_path_dirname(off);
		int fd;

		nono_mkdir_p(dir, 0700);
		if ((fd = open(off, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600)) >= 0)
			close(fd);
		free(dir);
		free(off);
	}
	r = 0;
out:
	nono_hooks_status_free(&st);
	edits_free(&e);
	free(hookdir);
	return r;
}

bool
nono_hooks_warn(const struct nono_hooks_status *st, bool hints, bool replacing)
{
	char *script = nono_path_display(st->script_path), *settings = nono_path_display(st->settings_path);
	bool any = st->planted.n || st->script == NONO_HOOKS_FOREIGN;
	const char *fate = replacing ? "refused and replaced" : "refused; 'nono hooks install' replaces it";

	for (size_t i = 0; i < st->planted.n; i++) {
		char *c = nono_str_printable(st->planted.v[i], 200);

		log_warn("%s: the hook entry '%s' names nono's hook but is not nono's %s: %s", settings, c, script,
			 fate);
		free(c);
	}
	if (st->planted.n && hints) {
		char *rec = nono_path_display(st->records);

		log_hint("something that can write %s (a sandboxed agent?) may have put it there: do not run it; "
			 "the file as it was is kept in %s/settings.planted",
			 settings, rec);
		free(rec);
	}
	if (st->script == NONO_HOOKS_FOREIGN) {
		log_warn("%s is not the script nono installs (changed outside nono): %s", script, fate);
		if (hints)
			log_hint("no sandbox can write nono's own files: look for what changed it outside one");
	}
	if (st->legacy && st->legacy_script == NONO_HOOKS_FOREIGN) {
		char *d = nono_path_display(st->legacy_path);

		log_warn("%s, the hook an earlier nono registered, is not what nono wrote there (the sandbox could "
			 "write it): no longer registered, left in place",
			 d);
		if (hints)
			log_hint("read it before you delete it; nono's hook is now %s, out of every sandbox's reach",
				 script);
		free(d);
	}
	free(script);
	free(settings);
	return any;
}
