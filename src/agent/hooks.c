/* hooks.c - see hooks.h (supervisor side). */
#include "config.h"

#include <ctype.h>
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
#include "base/dl.h"
#include "base/log.h"
#include "base/util.h"
#include "base/vars.h"

/* const char nono_hooks_script[], built from hooks/nono-hook.sh */
#include "nono-hook-script.h"

const char *const nono_hooks_targets[] = {"claude-code", NULL};

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
    NULL,
};

static const struct {
	const char *event, *matcher;
} registrations[] = {
    {"PostToolUseFailure", "Read|Write|Edit|Bash"},
    {"PostToolUse", "Bash"},
};
#define N_REGS (sizeof(registrations) / sizeof(registrations[0]))

#define GUIDE_START "<!-- nono-sandbox-start -->"
#define GUIDE_END   "<!-- nono-sandbox-end -->"

static const char guidance[] =
    GUIDE_START "\n"
		"## Nono Sandbox - CRITICAL\n"
		"\n"
		"You may be running inside the nono sandbox: when the environment variable\n"
		"`NONO_CAP_FILE` is set, the kernel (Landlock and seccomp) decides which paths you\n"
		"can read and write and whether the network is reachable. Nothing inside the\n"
		"sandbox, not even nono, can widen that for this session.\n"
		"\n"
		"- \"Permission denied\" or \"Operation not permitted\" on a path outside your grants\n"
		"  is the sandbox, not file permissions. Do not retry, use sudo, copy, link or\n"
		"  move the file, or reach it through another tool or path: every route is blocked.\n"
		"- Stop and tell the user which path was blocked and that they must exit this\n"
		"  session and restart with the access it needs, for example\n"
		"  `nono run --profile claude-code --allow /path/to/dir -- claude` (`--read` for\n"
		"  read-only access).\n"
		"- `nono why --self --path PATH` explains a decision when nono is on your PATH.\n" GUIDE_END;

bool
nono_hooks_target_known(const char *target)
{
	for (size_t i = 0; nono_hooks_targets[i]; i++)
		if (strcmp(nono_hooks_targets[i], target) == 0)
			return true;
	return false;
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
classify(const json_t *hook, const char *command)
{
	const char *c = json_string_value(json_object_get(hook, "command"));
	const char *t = json_string_value(json_object_get(hook, "type"));

	if (!c || !strstr(c, HOOK_TAG))
		return NOT_OURS;
	/* a key install never writes (a "shell" to run it with, say) makes it
	 * someone else's */
	if (json_object_size(hook) == 2 && t && strcmp(t, "command") == 0) {
		if (strcmp(c, command) == 0)
			return OURS;
		if (legacy_command(c))
			return LEGACY;
	}
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
		    (strcmp(k, "type") == 0 && json_is_string(v) && strcmp(json_string_value(v), "command") == 0))
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
complete(const struct scan *sc)
{
	return sc->found == (1u << N_REGS) - 1 && sc->n == N_REGS;
}

/* The entries in the document that name nono's hook. */
static void
scan(struct scan *out, const json_t *doc, const char *command)
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
			const char *m = json_string_value(json_object_get(g, "matcher"));

			json_array_foreach(json_object_get(g, "hooks"), j, h)
			{
				enum entry k = classify(h, command);

				if (k == NOT_OURS)
					continue;
				out->n++;
				out->legacy += k == LEGACY;
				if (k == PLANTED)
					nono_strv_push_owned(&out->planted, describe(h));
				for (size_t r = 0; r < N_REGS && k == OURS; r++)
					if (strcmp(ev, registrations[r].event) == 0 && m &&
					    strcmp(m, registrations[r].matcher) == 0)
						out->found |= 1u << r;
			}
		}
	}
}

/* Take out every entry that names nono's hook (planted ones included); a
 * group, event list or "hooks" object that only becomes empty because of
 * that goes too. Returns how many were removed. */
static size_t
strip_ours(json_t *doc, const char *command)
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
				if (classify(json_array_get(hs, j), command) != NOT_OURS) {
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
add_ours(json_t *doc, const char *file, const char *command, struct nono_error *err)
{
	json_t *hooks = json_object_get(doc, "hooks");

	if (!hooks) {
		hooks = json_object();
		json_object_set_new(doc, "hooks", hooks);
	} else if (!json_is_object(hooks)) {
		return nono_error_set(err, -EINVAL, "%s: \"hooks\" is not an object; nono leaves the file alone", file);
	}
	for (size_t r = 0; r < N_REGS; r++) {
		json_t *groups = json_object_get(hooks, registrations[r].event);

		if (!groups) {
			groups = json_array();
			json_object_set_new(hooks, registrations[r].event, groups);
		} else if (!json_is_array(groups)) {
			return nono_error_set(err, -EINVAL,
					      "%s: \"hooks.%s\" is not a list; nono leaves the file alone", file,
					      registrations[r].event);
		}
		json_array_append_new(groups, json_pack("{s:s, s:[{s:s, s:s}]}", "matcher", registrations[r].matcher,
							"hooks", "type", "command", "command", command));
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
nono_hooks_settings_edit(char **out, const char *text, const char *file, const char *command, bool remove,
			 struct nono_error *err)
{
	json_error_t je;
	json_t *doc;
	struct scan sc;
	char *s;
	int r = 0;

	*out = NULL;
	if (blank(text)) {
		if (remove)
			return 0;
		doc = json_object();
	} else if (!(doc = json_loads(text, 0, &je))) {
		nono_error_set(err, -EINVAL, "%s:%d:%d: %s", file, je.line, je.column, je.text);
		nono_error_hint(err,
				"nono does not touch a settings file it cannot parse: fix it, then run 'nono hooks "
				"install claude-code'");
		return err->code;
	}
	if (!json_is_object(doc)) {
		json_decref(doc);
		return nono_error_set(err, -EINVAL, "%s: the top level is not an object; nono leaves the file alone",
				      file);
	}
	scan(&sc, doc, command);
	nono_strv_free(&sc.planted);
	if (remove ? strip_ours(doc, command) == 0 : complete(&sc))
		goto out;
	if (!remove) {
		strip_ours(doc, command);
		if ((r = add_ours(doc, file, command, err)) < 0)
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
 * ~/.claude (the claude-code profile lets the sandbox write there) or
 * $XDG_DATA_HOME (nono's own files). Caller-owned; NULL for neither. */
static char *
base_of(const char *path)
{
	char *bases[2] = {nono_path_join(nono_home(), ".claude"), nono_xdg_dir("data")};
	char *r = NULL;

	for (int i = 0; i < 2; i++)
		if (!r && nono_path_under(path, bases[i]) && strcmp(path, bases[i]) != 0) {
			r = bases[i];
			bases[i] = NULL;
		}
	free(bases[0]);
	free(bases[1]);
	return r;
}

/* The directory holding path, opened without following a symlink below its
 * base (see base_of): a link the sandbox planted in ~/.claude must not send
 * nono's reads and writes elsewhere (into ~/.bashrc, say). The base itself
 * may be the user's link. With create, missing directories are made (0700),
 * one component at a time. *leaf points into path. -1 with errno set (ELOOP
 * for a link, EXDEV outside both bases). */
static int
open_parent(const char *path, const char **leaf, bool create)
{
	char *base = base_of(path), *rel, *save = NULL;
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
link_refused(const char *path, struct nono_error *err)
{
	char *base = base_of(path), *d = nono_path_display(base ? base : path);
	bool claude = base && strcmp(strrchr(base, '/'), "/.claude") == 0;

	nono_error_set(err, -ELOOP, "%s: a symbolic link below %s; nono reads and writes nothing through it%s", path, d,
		       claude ? " (the sandbox can write ~/.claude)" : "");
	nono_error_hint(err, "replace the link with the file or directory itself, then run 'nono hooks install'");
	free(d);
	free(base);
	return err->code;
}

static int
file_error(const char *path, const char *what, struct nono_error *err)
{
	if (errno == ELOOP)
		return link_refused(path, err);
	return nono_error_set(err, -errno, "%s%s: %s", what, path, strerror(errno));
}

/* The file's content (NUL-terminated, *len bytes); *out NULL when it does
 * not exist. */
static int
slurp(char **out, size_t *len, unsigned *mode, const char *path, struct nono_error *err)
{
	const char *leaf;
	int dfd = open_parent(path, &leaf, false), fd;
	struct stat st;
	char *buf;
	size_t n = 0;

	*out = NULL;
	if (len)
		*len = 0;
	if (dfd < 0)
		return errno == ENOENT ? 0 : file_error(path, "", err);
	fd = openat(dfd, leaf, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(dfd);
	if (fd < 0)
		return errno == ENOENT ? 0 : file_error(path, "", err);
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
write_atomic(const char *path, const char *data, unsigned mode, struct nono_error *err)
{
	const char *leaf;
	int dfd = open_parent(path, &leaf, true), fd = -1, r = 0;
	char tmp[64];
	size_t len = strlen(data), off = 0;

	if (dfd < 0)
		return file_error(path, "cannot write ", err);
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
remove_at(const char *path, int flags)
{
	const char *leaf;
	int dfd = open_parent(path, &leaf, false), r, e;

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
	if (!nono_sha256_available())
		return false;
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

	(void)target; /* claude-code, the one target */
	free(data);
	return p;
}

static void
paths(struct nono_hooks_status *st)
{
	st->dir = nono_path_join(nono_home(), ".claude");
	st->script_path = nono_hooks_script_path("claude-code");
	st->command = nono_hooks_command(st->script_path);
	st->settings_path = nono_path_join(st->dir, "settings.json");
	st->settings_backup = nono_path_join(st->dir, "settings.json.nono.bak");
	st->guidance_path = nono_path_join(st->dir, "CLAUDE.md");
	st->legacy_path = nono_path_join(st->dir, LEGACY_REL);
}

void
nono_hooks_status_free(struct nono_hooks_status *st)
{
	if (!st)
		return;
	free(st->dir);
	free(st->script_path);
	free(st->command);
	free(st->settings_path);
	free(st->settings_backup);
	free(st->guidance_path);
	free(st->legacy_path);
	nono_strv_free(&st->planted);
	memset(st, 0, sizeof(*st));
}

static int
unknown_target(const char *target, struct nono_error *err)
{
	nono_error_set(err, -ENOENT, "unknown hook target '%s'", target);
	nono_error_hint(err, "nono knows: claude-code");
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

	if (slurp(&text, &len, NULL, path, &err) < 0)
		return NONO_HOOKS_FOREIGN;
	s = !text ? NONO_HOOKS_MISSING : nono_wrote(text, len) ? NONO_HOOKS_CURRENT : NONO_HOOKS_FOREIGN;
	free(text);
	return s;
}

int
nono_hooks_status(struct nono_hooks_status *out, const char *target, struct nono_error *err)
{
	char *script = NULL, *settings = NULL, *guide = NULL, *edit = NULL;
	size_t slen = 0;
	unsigned smode = 0;
	int r;

	memset(out, 0, sizeof(*out));
	if (!nono_hooks_target_known(target))
		return unknown_target(target, err);
	paths(out);
	if ((r = slurp(&script, &slen, &smode, out->script_path, err)) < 0 ||
	    (r = slurp(&settings, NULL, NULL, out->settings_path, err)) < 0 ||
	    (r = slurp(&guide, NULL, NULL, out->guidance_path, err)) < 0)
		goto out;
	out->script = !script				    ? NONO_HOOKS_MISSING
		      : current_script(script, slen, smode) ? NONO_HOOKS_CURRENT
		      : nono_wrote(script, slen)	    ? NONO_HOOKS_OUTDATED
							    : NONO_HOOKS_FOREIGN;
	out->settings = NONO_HOOKS_MISSING;
	if (settings && !blank(settings)) {
		json_error_t je;
		json_t *doc = json_loads(settings, 0, &je);
		struct scan sc;

		if (!doc) {
			r = nono_error_set(err, -EINVAL, "%s:%d:%d: %s", out->settings_path, je.line, je.column,
					   je.text);
			goto out;
		}
		scan(&sc, doc, out->command);
		if (sc.planted.n)
			out->settings = NONO_HOOKS_FOREIGN;
		else if (sc.n)
			out->settings = complete(&sc) ? NONO_HOOKS_CURRENT : NONO_HOOKS_OUTDATED;
		out->planted = sc.planted;
		out->legacy = sc.legacy > 0;
		json_decref(doc);
	}
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

/* Keep the previous content beside the file before nono changes it. */
static int
backup(const char *path, const char *old, struct nono_error *err)
{
	char *bak = xasprintf("%s.nono.bak", path);
	int r = write_atomic(bak, old, 0600, err);

	free(bak);
	return r;
}

/* The script in ~/.claude/hooks goes once nothing names it, and only when
 * it is one nono wrote: anything else there is left for the user to see. */
static unsigned
drop_legacy(const struct nono_hooks_status *st)
{
	char *dir;

	if (legacy_state(st->legacy_path) != NONO_HOOKS_CURRENT || remove_at(st->legacy_path, 0) < 0)
		return 0;
	dir = nono_path_dirname(st->legacy_path);
	remove_at(dir, AT_REMOVEDIR); /* only when nothing else is in it */
	free(dir);
	return NONO_HOOKS_LEGACY;
}

int
nono_hooks_install(unsigned *out_changed, const char *target, struct nono_error *err)
{
	struct nono_hooks_status st;
	char *script = NULL, *settings = NULL, *guide = NULL, *new_settings = NULL, *new_guide = NULL;
	size_t slen = 0;
	unsigned smode = 0644, gmode = 0644, xmode = 0;
	int rs, rg, r;

	*out_changed = 0;
	memset(&st, 0, sizeof(st));
	if (!nono_hooks_target_known(target))
		return unknown_target(target, err);
	paths(&st);
	/* read and check everything first: a file that does not parse stops
	 * the install before anything is written */
	if ((r = slurp(&script, &slen, &xmode, st.script_path, err)) < 0 ||
	    (r = slurp(&settings, NULL, &smode, st.settings_path, err)) < 0 ||
	    (r = slurp(&guide, NULL, &gmode, st.guidance_path, err)) < 0)
		goto out;
	if ((r = rs = nono_hooks_settings_edit(&new_settings, settings ? settings : "", st.settings_path, st.command,
					       false, err)) < 0 ||
	    (r = rg = nono_hooks_guidance_edit(&new_guide, guide, st.guidance_path, false, err)) < 0)
		goto out;
	if ((r = nono_mkdir_p(st.dir, 0700)) < 0) {
		nono_error_set(err, r, "cannot create %s: %s", st.dir, strerror(-r));
		goto out;
	}
	/* the script first: settings.json names it only once it is there */
	if (!current_script(script, slen, xmode)) {
		char *data = nono_xdg_dir("data");

		r = nono_mkdir_p(data, 0700);
		if (r < 0)
			nono_error_set(err, r, "cannot create %s: %s", data, strerror(-r));
		free(data);
		if (r < 0 || (r = write_atomic(st.script_path, nono_hooks_script, 0755, err)) < 0)
			goto out;
		*out_changed |= NONO_HOOKS_SCRIPT;
	}
	if (rs) {
		if (settings && (r = backup(st.settings_path, settings, err)) < 0)
			goto out;
		if ((r = write_atomic(st.settings_path, new_settings, smode, err)) < 0)
			goto out;
		*out_changed |= NONO_HOOKS_SETTINGS;
	}
	if (rg) {
		if (guide && (r = backup(st.guidance_path, guide, err)) < 0)
			goto out;
		if ((r = write_atomic(st.guidance_path, new_guide, gmode, err)) < 0)
			goto out;
		*out_changed |= NONO_HOOKS_GUIDANCE;
	}
	*out_changed |= drop_legacy(&st);
	r = 0;
out:
	nono_hooks_status_free(&st);
	free(script);
	free(settings);
	free(guide);
	free(new_settings);
	free(new_guide);
	return r;
}

int
nono_hooks_remove(unsigned *out_changed, const char *target, struct nono_error *err)
{
	struct nono_hooks_status st;
	char *settings = NULL, *guide = NULL, *new_settings = NULL, *new_guide = NULL, *hookdir = NULL;
	unsigned smode = 0644, gmode = 0644;
	int rs = 0, rg = 0, r;

	*out_changed = 0;
	memset(&st, 0, sizeof(st));
	if (!nono_hooks_target_known(target))
		return unknown_target(target, err);
	paths(&st);
	if ((r = slurp(&settings, NULL, &smode, st.settings_path, err)) < 0 ||
	    (r = slurp(&guide, NULL, &gmode, st.guidance_path, err)) < 0)
		goto out;
	if ((settings && (r = rs = nono_hooks_settings_edit(&new_settings, settings, st.settings_path, st.command, true,
							    err)) < 0) ||
	    (r = rg = nono_hooks_guidance_edit(&new_guide, guide, st.guidance_path, true, err)) < 0)
		goto out;
	/* settings.json first: nothing names the script once it goes */
	if (rs) {
		if ((r = backup(st.settings_path, settings, err)) < 0)
			goto out;
		r = *new_settings			 ? write_atomic(st.settings_path, new_settings, smode, err)
		    : remove_at(st.settings_path, 0) < 0 ? file_error(st.settings_path, "cannot remove ", err)
							 : 0;
		if (r < 0)
			goto out;
		*out_changed |= NONO_HOOKS_SETTINGS;
	}
	if (remove_at(st.script_path, 0) == 0) {
		*out_changed |= NONO_HOOKS_SCRIPT;
		hookdir = nono_path_dirname(st.script_path);
		remove_at(hookdir, AT_REMOVEDIR); /* only when nothing else is in it */
	} else if (errno != ENOENT) {
		r = file_error(st.script_path, "cannot remove ", err);
		goto out;
	}
	if (rg) {
		r = *new_guide				 ? write_atomic(st.guidance_path, new_guide, gmode, err)
		    : remove_at(st.guidance_path, 0) < 0 ? file_error(st.guidance_path, "cannot remove ", err)
							 : 0;
		if (r < 0)
			goto out;
		*out_changed |= NONO_HOOKS_GUIDANCE;
	}
	*out_changed |= drop_legacy(&st);
	r = 0;
out:
	nono_hooks_status_free(&st);
	free(settings);
	free(guide);
	free(new_settings);
	free(new_guide);
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
	if (st->planted.n && hints)
		log_hint(
		    "something that can write ~/.claude (a sandboxed agent?) may have put it there: do not run it; "
		    "the file as it was is kept in %s.nono.bak",
		    settings);
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
