/* hooks.c - see hooks.h (supervisor side). */
#include "config.h"

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

#include "hooks.h"
#include "util.h"

/* const char nono_hooks_script[], built from hooks/nono-hook.sh */
#include "nono-hook-script.h"

const char *const nono_hooks_targets[] = {"claude-code", NULL};

/* How settings.json names the script: Claude Code runs hook commands through
 * a shell, so $HOME follows the user. */
#define HOOK_COMMAND "$HOME/.claude/hooks/nono-hook.sh"
#define HOOK_SUFFIX  "/.claude/hooks/nono-hook.sh"

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

static bool
is_ours(const json_t *hook)
{
	const char *c = json_string_value(json_object_get(hook, "command"));
	size_t n = c ? strlen(c) : 0, s = strlen(HOOK_SUFFIX);

	return c && (strcmp(c, HOOK_COMMAND) == 0 || (n > s && strcmp(c + n - s, HOOK_SUFFIX) == 0));
}

/* Our hooks in the document: how many, and whether each registration is in
 * place as install leaves it. */
static size_t
count_ours(const json_t *doc, bool *complete)
{
	json_t *hooks = json_object_get(doc, "hooks");
	const char *ev;
	json_t *groups;
	size_t n = 0, found = 0;

	if (!json_is_object(hooks)) {
		*complete = false;
		return 0;
	}
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
				if (!is_ours(h))
					continue;
				n++;
				for (size_t r = 0; r < N_REGS; r++)
					if (strcmp(ev, registrations[r].event) == 0 && m &&
					    strcmp(m, registrations[r].matcher) == 0 &&
					    strcmp(json_string_value(json_object_get(h, "command")), HOOK_COMMAND) == 0)
						found |= 1u << r;
			}
		}
	}
	*complete = found == (1u << N_REGS) - 1 && n == N_REGS;
	return n;
}

/* Take our hooks out; a group, event list or "hooks" object that only
 * becomes empty because of that goes too. Returns how many were removed. */
static size_t
strip_ours(json_t *doc)
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
				if (is_ours(json_array_get(hs, j))) {
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
add_ours(json_t *doc, const char *file, struct nono_error *err)
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
							"hooks", "type", "command", "command", HOOK_COMMAND));
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
nono_hooks_settings_edit(char **out, const char *text, const char *file, bool remove, struct nono_error *err)
{
	json_error_t je;
	json_t *doc;
	bool complete;
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
	count_ours(doc, &complete);
	if (remove ? strip_ours(doc) == 0 : complete)
		goto out;
	if (!remove) {
		strip_ours(doc);
		if ((r = add_ours(doc, file, err)) < 0)
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

/* The directory holding path (always below ~/.claude), opened without
 * following a symlink below ~/.claude: the sandbox can write there, and a
 * link it planted must not send nono's reads and writes elsewhere (into
 * ~/.bashrc, say). ~/.claude itself may be the user's link. *leaf points
 * into path. -1 with errno set (ELOOP for a link). */
static int
open_parent(const char *path, const char **leaf)
{
	char *base = nono_path_join(nono_home(), ".claude"), *rel;
	size_t bl = strlen(base);
	const char *slash = strrchr(path, '/');
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH};
	int bfd, fd, e;

	*leaf = slash + 1;
	if (strncmp(path, base, bl) != 0 || path[bl] != '/') {
		free(base);
		errno = EXDEV;
		return -1;
	}
	bfd = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC);
	rel = slash == path + bl ? xstrdup(".") : xasprintf("%.*s", (int)(slash - path - bl - 1), path + bl + 1);
	fd = bfd < 0 ? -1 : (int)syscall(SYS_openat2, bfd, rel, &how, sizeof(how));
	e = errno;
	if (bfd >= 0)
		close(bfd);
	free(rel);
	free(base);
	errno = e;
	return fd;
}

static int
link_refused(const char *path, struct nono_error *err)
{
	nono_error_set(err, -ELOOP,
		       "%s: a symbolic link below ~/.claude; nono reads and writes nothing through it (the sandbox "
		       "can write ~/.claude)",
		       path);
	nono_error_hint(err, "replace the link with the file or directory itself, then run 'nono hooks install'");
	return err->code;
}

/* The file's text; *out NULL when it does not exist. */
static int
slurp(char **out, unsigned *mode, const char *path, struct nono_error *err)
{
	const char *leaf;
	int dfd = open_parent(path, &leaf), fd;
	struct stat st;
	char *buf;
	size_t n = 0;

	*out = NULL;
	if (dfd < 0) {
		if (errno == ENOENT)
			return 0;
		return errno == ELOOP ? link_refused(path, err)
				      : nono_error_set(err, -errno, "%s: %s", path, strerror(errno));
	}
	fd = openat(dfd, leaf, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(dfd);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return errno == ELOOP ? link_refused(path, err)
				      : nono_error_set(err, -errno, "%s: %s", path, strerror(errno));
	}
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
	return 0;
}

/* Replace path's content atomically: a temporary file beside it, renamed
 * over it (a symlink there is refused, never followed). */
static int
write_atomic(const char *path, const char *data, unsigned mode, struct nono_error *err)
{
	const char *leaf;
	int dfd = open_parent(path, &leaf), fd = -1, r = 0;
	char tmp[64];
	size_t len = strlen(data), off = 0;

	if (dfd < 0)
		return errno == ELOOP ? link_refused(path, err)
				      : nono_error_set(err, -errno, "cannot write %s: %s", path, strerror(errno));
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

/* unlink path without following a link above it; 0 or -1 with errno */
static int
remove_file(const char *path)
{
	const char *leaf;
	int dfd = open_parent(path, &leaf), r;

	if (dfd < 0)
		return -1;
	r = unlinkat(dfd, leaf, 0);
	if (r < 0) {
		int e = errno;

		close(dfd);
		errno = e;
		return -1;
	}
	close(dfd);
	return 0;
}

static void
paths(struct nono_hooks_status *st)
{
	st->dir = nono_path_join(nono_home(), ".claude");
	st->script_path = nono_path_join(st->dir, "hooks/nono-hook.sh");
	st->settings_path = nono_path_join(st->dir, "settings.json");
	st->settings_backup = nono_path_join(st->dir, "settings.json.nono.bak");
	st->guidance_path = nono_path_join(st->dir, "CLAUDE.md");
}

void
nono_hooks_status_free(struct nono_hooks_status *st)
{
	if (!st)
		return;
	free(st->dir);
	free(st->script_path);
	free(st->settings_path);
	free(st->settings_backup);
	free(st->guidance_path);
	memset(st, 0, sizeof(*st));
}

static int
unknown_target(const char *target, struct nono_error *err)
{
	nono_error_set(err, -ENOENT, "unknown hook target '%s'", target);
	nono_error_hint(err, "nono knows: claude-code");
	return err->code;
}

int
nono_hooks_status(struct nono_hooks_status *out, const char *target, struct nono_error *err)
{
	char *script = NULL, *settings = NULL, *guide = NULL, *edit = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	if (!nono_hooks_target_known(target))
		return unknown_target(target, err);
	paths(out);
	if ((r = slurp(&script, NULL, out->script_path, err)) < 0 ||
	    (r = slurp(&settings, NULL, out->settings_path, err)) < 0 ||
	    (r = slurp(&guide, NULL, out->guidance_path, err)) < 0)
		goto out;
	out->script = !script ? NONO_HOOKS_MISSING
		      : strcmp(script, nono_hooks_script) == 0 && access(out->script_path, X_OK) == 0
			  ? NONO_HOOKS_CURRENT
			  : NONO_HOOKS_OUTDATED;
	out->settings = NONO_HOOKS_MISSING;
	if (settings && !blank(settings)) {
		json_error_t je;
		json_t *doc = json_loads(settings, 0, &je);
		bool complete;

		if (!doc) {
			r = nono_error_set(err, -EINVAL, "%s:%d:%d: %s", out->settings_path, je.line, je.column,
					   je.text);
			goto out;
		}
		if (count_ours(doc, &complete))
			out->settings = complete ? NONO_HOOKS_CURRENT : NONO_HOOKS_OUTDATED;
		json_decref(doc);
	}
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

/* Keep the previous content beside the file before nono changes it. */
static int
backup(const char *path, const char *old, struct nono_error *err)
{
	char *bak = xasprintf("%s.nono.bak", path);
	int r = write_atomic(bak, old, 0600, err);

	free(bak);
	return r;
}

int
nono_hooks_install(unsigned *out_changed, const char *target, struct nono_error *err)
{
	struct nono_hooks_status st;
	char *script = NULL, *settings = NULL, *guide = NULL, *new_settings = NULL, *new_guide = NULL;
	char *hookdir = NULL;
	unsigned smode = 0644, gmode = 0644;
	int rs, rg, r;

	*out_changed = 0;
	memset(&st, 0, sizeof(st));
	if (!nono_hooks_target_known(target))
		return unknown_target(target, err);
	paths(&st);
	/* read and check everything first: a file that does not parse stops
	 * the install before anything is written */
	if ((r = slurp(&script, NULL, st.script_path, err)) < 0 ||
	    (r = slurp(&settings, &smode, st.settings_path, err)) < 0 ||
	    (r = slurp(&guide, &gmode, st.guidance_path, err)) < 0)
		goto out;
	if ((r = rs = nono_hooks_settings_edit(&new_settings, settings ? settings : "", st.settings_path, false, err)) <
		0 ||
	    (r = rg = nono_hooks_guidance_edit(&new_guide, guide, st.guidance_path, false, err)) < 0)
		goto out;
	hookdir = nono_path_dirname(st.script_path);
	if ((r = nono_mkdir_p(hookdir, 0700)) < 0) {
		nono_error_set(err, r, "cannot create %s: %s", hookdir, strerror(-r));
		goto out;
	}
	if (!script || strcmp(script, nono_hooks_script) != 0 || access(st.script_path, X_OK) != 0) {
		if ((r = write_atomic(st.script_path, nono_hooks_script, 0755, err)) < 0)
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
	r = 0;
out:
	nono_hooks_status_free(&st);
	free(script);
	free(settings);
	free(guide);
	free(new_settings);
	free(new_guide);
	free(hookdir);
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
	if ((r = slurp(&settings, &smode, st.settings_path, err)) < 0 ||
	    (r = slurp(&guide, &gmode, st.guidance_path, err)) < 0)
		goto out;
	if ((settings &&
	     (r = rs = nono_hooks_settings_edit(&new_settings, settings, st.settings_path, true, err)) < 0) ||
	    (r = rg = nono_hooks_guidance_edit(&new_guide, guide, st.guidance_path, true, err)) < 0)
		goto out;
	if (remove_file(st.script_path) == 0) {
		*out_changed |= NONO_HOOKS_SCRIPT;
		hookdir = nono_path_dirname(st.script_path);
		rmdir(hookdir); /* only when nothing else is in it */
	} else if (errno != ENOENT) {
		r = nono_error_set(err, -errno, "cannot remove %s: %s", st.script_path, strerror(errno));
		goto out;
	}
	if (rs) {
		if ((r = backup(st.settings_path, settings, err)) < 0)
			goto out;
		r = *new_settings ? write_atomic(st.settings_path, new_settings, smode, err)
		    : remove_file(st.settings_path) < 0
			? nono_error_set(err, -errno, "cannot remove %s: %s", st.settings_path, strerror(errno))
			: 0;
		if (r < 0)
			goto out;
		*out_changed |= NONO_HOOKS_SETTINGS;
	}
	if (rg) {
		r = *new_guide ? write_atomic(st.guidance_path, new_guide, gmode, err)
		    : remove_file(st.guidance_path) < 0
			? nono_error_set(err, -errno, "cannot remove %s: %s", st.guidance_path, strerror(errno))
			: 0;
		if (r < 0)
			goto out;
		*out_changed |= NONO_HOOKS_GUIDANCE;
	}
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
