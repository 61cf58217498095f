/* after.c - see after.h (supervisor side). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/after.h"

/* a tree the session made is listed down to this many entries; past it,
 * its entries are told by their status change, as for an older session */
#define TREE_MAX 200000

struct state {
	char *path;
	char type; /* 'f' file, 'd' dir, 'l' symlink, 'o' other, 'a' absent */
	unsigned mode;
	long long size, mtime_ns, ctime_ns;
	unsigned long long ino;
};

struct nono_after {
	struct state *v; /* by path */
	size_t n;
	bool truncated; /* a made tree was too large to list whole */
};

static char
type_of(const struct stat *st)
{
	return S_ISREG(st->st_mode) ? 'f' : S_ISDIR(st->st_mode) ? 'd' : S_ISLNK(st->st_mode) ? 'l' : 'o';
}

static const char *
type_name(char t)
{
	return t == 'f' ? "file" : t == 'd' ? "dir" : t == 'l' ? "symlink" : t == 'a' ? "absent" : "other";
}

static long long
ns(struct timespec t)
{
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* ---- writing ------------------------------------------------------------------ */

static void
put(FILE *f, const char *path, const struct stat *st)
{
	json_t *o = json_object();
	char *s;

	json_object_set_new(o, "path", json_string(path));
	json_object_set_new(o, "type", json_string(type_name(st ? type_of(st) : 'a')));
	if (st) {
		json_object_set_new(o, "mode", json_integer(st->st_mode & 07777));
		json_object_set_new(o, "size", json_integer(st->st_size));
		json_object_set_new(o, "mtime_ns", json_integer(ns(st->st_mtim)));
		json_object_set_new(o, "ctime_ns", json_integer(ns(st->st_ctim)));
		json_object_set_new(o, "ino", json_integer((json_int_t)st->st_ino));
	}
	/* a name that is not UTF-8 has no line: it is then taken as changed */
	if ((s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)) && json_object_get(o, "path")) {
		fprintf(f, "%s\n", s);
	}
	free(s);
	json_decref(o);
}

/* Each entry of dir (not below), never through a symlink: each(ctx, path,
 * its lstat) until it returns false. */
static void
each_entry(const char *dir, bool (*each)(void *ctx, const char *path, const struct stat *st), void *ctx)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	bool more = true;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while (more && (de = readdir(d))) {
		struct stat st;
		char *p;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		p = nono_path_join(dir, de->d_name);
		more = each(ctx, p, &st);
		free(p);
	}
	closedir(d);
}

struct put_walk {
	FILE *f;
	size_t *budget;
};

static void put_tree(FILE *f, const char *dir, size_t *budget);

static bool
put_one(void *ctx, const char *path, const struct stat *st)
{
	struct put_walk *w = ctx;

	put(w->f, path, st);
	(*w->budget)--;
	if (S_ISDIR(st->st_mode))
		put_tree(w->f, path, w->budget);
	return *w->budget > 0;
}

/* every entry under dir, never through a symlink */
static void
put_tree(FILE *f, const char *dir, size_t *budget)
{
	struct put_walk w = {f, budget};

	if (*budget)
		each_entry(dir, put_one, &w);
}

int
nono_after_write(const char *dir, const struct nono_entry *es, size_t n)
{
	char *path = xasprintf("%s/after.ndjson", dir), *tmp = xasprintf("%s/.after.ndjson.tmp", dir);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600), r = 0;
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	size_t budget = TREE_MAX;

	if (!f) {
		r = -errno;
		if (fd >= 0)
			close(fd);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		bool there = lstat(es[i].path, &st) == 0;

		put(f, es[i].path, there ? &st : NULL);
		if (there && S_ISDIR(st.st_mode) && es[i].type == NONO_ENTRY_ABSENT)
			put_tree(f, es[i].path, &budget);
	}
	if (!budget)
		fputs("{\"truncated\":true}\n", f);
	if (fclose(f) != 0 || rename(tmp, path) < 0)
		r = -(errno ? errno : EIO);
out:
	if (r < 0)
		unlink(tmp);
	free(path);
	free(tmp);
	return r;
}

/* ---- reading ------------------------------------------------------------------ */

static int
cmp_state(const void *a, const void *b)
{
	return strcmp(((const struct state *)a)->path, ((const struct state *)b)->path);
}

struct nono_after *
nono_after_read(const char *dir)
{
	char *path = xasprintf("%s/after.ndjson", dir), *line = NULL;
	FILE *f = fopen(path, "re");
	struct nono_after *a;
	size_t cap = 0, alloc = 0;

	free(path);
	if (!f)
		return NULL;
	a = xcalloc(1, sizeof(*a));
	while (getline(&line, &cap, f) > 0) {
		json_t *o = json_loads(line, 0, NULL);
		const char *p = json_string_value(json_object_get(o, "path"));
		const char *t = json_string_value(json_object_get(o, "type"));

		if (json_is_true(json_object_get(o, "truncated")))
			a->truncated = true;
		if (p && t) {
			if (a->n == alloc) {
				alloc = alloc ? 2 * alloc : 64;
				a->v = xrealloc(a->v, alloc * sizeof(*a->v));
			}
			a->v[a->n++] =
			    (struct state){xstrdup(p),
					   !strcmp(t, "absent")	   ? 'a'
					   : !strcmp(t, "file")	   ? 'f'
					   : !strcmp(t, "dir")	   ? 'd'
					   : !strcmp(t, "symlink") ? 'l'
								   : 'o',
					   (unsigned)json_integer_value(json_object_get(o, "mode")),
					   json_integer_value(json_object_get(o, "size")),
					   json_integer_value(json_object_get(o, "mtime_ns")),
					   json_integer_value(json_object_get(o, "ctime_ns")),
					   (unsigned long long)json_integer_value(json_object_get(o, "ino"))};
		}
		json_decref(o);
	}
	free(line);
	fclose(f);
	if (a->n)
		qsort(a->v, a->n, sizeof(*a->v), cmp_state);
	return a;
}

void
nono_after_free(struct nono_after *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i].path);
	free(a->v);
	free(a);
}

static const struct state *
lookup(const struct nono_after *a, const char *path)
{
	struct state key = {.path = (char *)path};

	return a && a->n ? bsearch(&key, a->v, a->n, sizeof(*a->v), cmp_state) : NULL;
}

/* ---- comparing ------------------------------------------------------------------ */

/* One path: its lstat now (st, or NULL: absent) against what was left. */
static bool
one_changed(const struct nono_after *a, const char *path, const struct stat *st, long long ended_ns, const char **why)
{
	const struct state *s = lookup(a, path);

	if (!a || !s) {
		/* no line: made after the session, or an older session (or a
		 * tree too large to list): told by its status change */
		if (a && st && !a->truncated) {
			*why = "made after the session";
			return true;
		}
		if (st && ns(st->st_ctim) > ended_ns && !S_ISDIR(st->st_mode)) {
			*why = "changed after the session ended";
			return true;
		}
		return false;
	}
	if (!st) /* removed since: nothing of it to lose */
		return false;
	if (s->type == 'a') {
		*why = "made after the session";
		return true;
	}
	if (s->type != type_of(st) || s->mode != (st->st_mode & 07777)) {
		*why = "its type or mode changed after the session";
		return true;
	}
	if (s->type == 'd')
		return false;
	if (s->size != st->st_size || s->mtime_ns != ns(st->st_mtim) || s->ino != st->st_ino ||
	    s->ctime_ns != ns(st->st_ctim)) {
		*why = "changed after the session";
		return true;
	}
	return false;
}

struct changed_walk {
	const struct nono_after *a;
	long long ended_ns;
	const struct nono_strv *exclude;
	const char **why;
	int depth;
	bool changed;
};

static bool tree_changed(const struct nono_after *a, const char *dir, long long ended_ns,
			 const struct nono_strv *exclude, const char **why, int depth);

static bool
changed_one(void *ctx, const char *path, const struct stat *st)
{
	struct changed_walk *w = ctx;

	if (!nono_journal_excluded(w->exclude, path))
		w->changed =
		    one_changed(w->a, path, st, w->ended_ns, w->why) ||
		    (S_ISDIR(st->st_mode) && tree_changed(w->a, path, w->ended_ns, w->exclude, w->why, w->depth + 1));
	return !w->changed;
}

/* every entry under dir, against what the session left */
static bool
tree_changed(const struct nono_after *a, const char *dir, long long ended_ns, const struct nono_strv *exclude,
	     const char **why, int depth)
{
	struct changed_walk w = {a, ended_ns, exclude, why, depth, false};

	if (depth < 256)
		each_entry(dir, changed_one, &w);
	return w.changed;
}

bool
nono_after_changed(const struct nono_after *a, const char *path, bool tree, long long ended_ns,
		   const struct nono_strv *exclude, const char **why)
{
	struct stat st;
	bool there = lstat(path, &st) == 0;
	const char *w = NULL;
	bool changed = one_changed(a, path, there ? &st : NULL, ended_ns, &w);

	if (!changed && there && tree && S_ISDIR(st.st_mode))
		changed = tree_changed(a, path, ended_ns, exclude, &w, 0);
	if (why)
		*why = w;
	return changed;
}
