/* manifest.c - see manifest.h (supervisor side). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "store/manifest.h"
#include "store/objects.h"

/* ---- manifest lines ----------------------------------------------------- */

static const char *const type_names[] = {
    [NONO_ENTRY_ABSENT] = "absent",   [NONO_ENTRY_FILE] = "file",   [NONO_ENTRY_DIR] = "dir",
    [NONO_ENTRY_SYMLINK] = "symlink", [NONO_ENTRY_OTHER] = "other",
};

const char *
nono_entry_type_name(enum nono_entry_type t)
{
	return type_names[t];
}

char *
nono_entry_to_json(const struct nono_entry *e)
{
	json_t *o = json_object();
	char *s;

	json_object_set_new(o, "path", json_string(e->path));
	json_object_set_new(o, "op", json_string(e->op ? e->op : ""));
	json_object_set_new(o, "type", json_string(type_names[e->type]));
	if (e->type != NONO_ENTRY_ABSENT) {
		json_object_set_new(o, "mode", json_integer(e->mode));
		json_object_set_new(o, "mtime_ns", json_integer(e->mtime_ns));
		json_object_set_new(o, "uid", json_integer(e->uid));
		json_object_set_new(o, "gid", json_integer(e->gid));
	}
	if (e->type == NONO_ENTRY_FILE) {
		json_object_set_new(o, "size", json_integer(e->size));
		json_object_set_new(o, "saved", json_boolean(e->saved));
		if (e->saved)
			json_object_set_new(o, "sha256", json_string(e->sha256));
		if (e->saved && e->pack >= 0)
			json_object_set_new(o, "pack", json_integer(e->pack));
		if (e->nlink > 0) {
			/* as signed 64-bit integers, bit for bit */
			json_object_set_new(o, "dev", json_integer((json_int_t)e->dev));
			json_object_set_new(o, "ino", json_integer((json_int_t)e->ino));
			json_object_set_new(o, "nlink", json_integer(e->nlink));
		}
	}
	if (e->type == NONO_ENTRY_SYMLINK)
		json_object_set_new(o, "target", json_string(e->target));
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!s)
		abort();
	return s;
}

int
nono_entry_from_json(struct nono_entry *e, const char *line, struct nono_error *err)
{
	json_error_t je;
	json_t *o = json_loads(line, 0, &je), *v;
	const char *type, *sha;
	size_t t;

	memset(e, 0, sizeof(*e));
	if (!o || !json_is_object(o)) {
		json_decref(o);
		return nono_error_set(err, -EINVAL, "not a manifest line: %s", o ? "not an object" : je.text);
	}
	v = json_object_get(o, "path");
	type = json_string_value(json_object_get(o, "type"));
	if (!json_is_string(v) || json_string_value(v)[0] != '/' || !type) {
		json_decref(o);
		return nono_error_set(err, -EINVAL, "manifest line without an absolute path or a type");
	}
	for (t = 0; t < sizeof(type_names) / sizeof(type_names[0]); t++)
		if (strcmp(type, type_names[t]) == 0)
			break;
	if (t == sizeof(type_names) / sizeof(type_names[0])) {
		/* type lives in o: say it before letting go of o */
		int r = nono_error_set(err, -EINVAL, "manifest line with an unknown type '%s'", type);

		json_decref(o);
		return r;
	}
	e->type = (enum nono_entry_type)t;
	e->path = xstrdup(json_string_value(v));
	e->op = xstrdup(json_string_value(json_object_get(o, "op")) ? json_string_value(json_object_get(o, "op")) : "");
	e->mode = (unsigned)json_integer_value(json_object_get(o, "mode"));
	e->size = json_integer_value(json_object_get(o, "size"));
	e->mtime_ns = json_integer_value(json_object_get(o, "mtime_ns"));
	e->uid = json_is_integer(json_object_get(o, "uid")) ? json_integer_value(json_object_get(o, "uid")) : -1;
	e->gid = json_is_integer(json_object_get(o, "gid")) ? json_integer_value(json_object_get(o, "gid")) : -1;
	e->saved = json_is_true(json_object_get(o, "saved"));
	e->pack = json_is_integer(json_object_get(o, "pack")) ? json_integer_value(json_object_get(o, "pack")) : -1;
	v = json_object_get(o, "nlink");
	if (e->type == NONO_ENTRY_FILE && json_is_integer(v) && json_integer_value(v) > 0 &&
	    json_integer_value(v) <= UINT_MAX && json_is_integer(json_object_get(o, "dev")) &&
	    json_is_integer(json_object_get(o, "ino"))) {
		e->nlink = (unsigned)json_integer_value(v);
		e->dev = (unsigned long long)json_integer_value(json_object_get(o, "dev"));
		e->ino = (unsigned long long)json_integer_value(json_object_get(o, "ino"));
	}
	sha = json_string_value(json_object_get(o, "sha256"));
	if (sha && strlen(sha) == 64 && strspn(sha, "0123456789abcdef") == 64)
		memcpy(e->sha256, sha, 65);
	else
		e->saved = false;
	if (e->type == NONO_ENTRY_SYMLINK) {
		const char *tg = json_string_value(json_object_get(o, "target"));

		e->target = xstrdup(tg ? tg : "");
	}
	json_decref(o);
	return 0;
}

void
nono_entry_free(struct nono_entry *e)
{
	free(e->path);
	free(e->op);
	free(e->target);
	memset(e, 0, sizeof(*e));
}

/* ---- patterns ----------------------------------------------------------- */

bool
nono_journal_excluded(const struct nono_strv *patterns, const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	for (size_t i = 0; patterns && i < patterns->n; i++) {
		const char *pat = patterns->v[i];
		size_t pl = strlen(pat);

		if (strpbrk(pat, "*?[")) {
			if (fnmatch(pat, base, 0) == 0)
				return true;
		} else if (strchr(pat, '/')) {
			if (strstr(path, pat))
				return true;
		} else {
			/* a whole component anywhere in the path */
			for (const char *at = path; (at = strstr(at, pat)); at++)
				if (at > path && at[-1] == '/' && (at[pl] == '/' || at[pl] == '\0'))
					return true;
		}
	}
	return false;
}

/* ---- manifests ---------------------------------------------------------- */

struct rec {
	unsigned long long dev, ino;
	size_t i; /* manifest order */
};

static int
cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* One inode recorded under several names (hard links): the first record
 * saw it before the session changed it through any of them, a later one
 * maybe after (`echo new > a` records a; then `echo x >> b` records b with
 * a's new bytes). Each later record takes the first one's state: what every
 * name of that inode had before the session. Every change of a name in the
 * grants is journaled before it runs, so two file records of one (dev, ino)
 * whose first had several names are names of one inode that existed before
 * the session. */
static void
link_records(struct nono_entry *es, size_t n)
{
	struct rec *v = xcalloc(n ? n : 1, sizeof(*v));
	size_t m = 0;

	for (size_t i = 0; i < n; i++)
		if (es[i].type == NONO_ENTRY_FILE && es[i].nlink > 0)
			v[m++] = (struct rec){es[i].dev, es[i].ino, i};
	if (m > 1)
		qsort(v, m, sizeof(*v), cmp_rec);
	for (size_t k = 1, f = 0; k < m; k++) {
		const struct nono_entry *first = &es[v[f].i];
		struct nono_entry *e = &es[v[k].i];

		if (v[k].dev != v[f].dev || v[k].ino != v[f].ino) {
			f = k; /* the first record of the next inode */
			continue;
		}
		/* a file with one name had no other to be recorded under: the
		 * number was reused */
		if (first->nlink < 2)
			continue;
		e->mode = first->mode;
		e->size = first->size;
		e->mtime_ns = first->mtime_ns;
		e->uid = first->uid;
		e->gid = first->gid;
		e->saved = first->saved;
		e->pack = first->pack;
		e->nlink = first->nlink;
		memcpy(e->sha256, first->sha256, sizeof(e->sha256));
	}
	free(v);
}

/* A line the journal wrote without its path: jansson encodes no string that
 * is not UTF-8, and a path can be any bytes. It names nothing to act on;
 * refusing the whole session for it would let a program that made such a
 * name keep what it destroyed from being restored. */
static bool
pathless(const char *line)
{
	json_t *o = json_loads(line, 0, NULL);
	bool r = json_is_object(o) && !json_object_get(o, "path") && json_is_string(json_object_get(o, "type"));

	json_decref(o);
	return r;
}

int
nono_manifest_read(const char *dir, struct nono_entry **out, size_t *n, struct nono_error *err)
{
	char *path = xasprintf("%s/manifest.ndjson", dir), *line = NULL;
	FILE *f = fopen(path, "re");
	size_t cap = 0, alloc = 0, unnamed = 0;
	ssize_t len;
	int lineno = 0, r = 0;

	*out = NULL;
	*n = 0;
	if (!f) {
		r = nono_error_set(err, -errno, "%s: %s", path, strerror(errno));
		free(path);
		return r;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		struct nono_entry e;
		int k;

		lineno++;
		if (len == 0 || line[0] == '\n')
			continue;
		if (line[len - 1] != '\n') {
			/* a line cut short by a crash: the operation it
			 * announced never ran */
			break;
		}
		k = nono_entry_from_json(&e, line, err);
		if (k < 0 && pathless(line)) {
			nono_error_clear(err);
			unnamed++;
			continue;
		}
		if (k < 0) {
			char msg[sizeof(err->msg)];

			snprintf(msg, sizeof(msg), "%s", err->msg);
			r = nono_error_set(err, -EINVAL, "%s:%d: %s", path, lineno, msg);
			break;
		}
		if (*n == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			*out = xrealloc(*out, alloc * sizeof(**out));
		}
		(*out)[(*n)++] = e;
	}
	free(line);
	fclose(f);
	free(path);
	if (r == 0)
		link_records(*out, *n);
	if (unnamed && r == 0)
		log_warn("rollback: %zu path%s whose name is not UTF-8 %s not recorded and %s left as %s now", unnamed,
			 unnamed == 1 ? "" : "s", unnamed == 1 ? "was" : "were", unnamed == 1 ? "is" : "are",
			 unnamed == 1 ? "it is" : "they are");
	if (r < 0) {
		for (size_t i = 0; i < *n; i++)
			nono_entry_free(&(*out)[i]);
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return r;
}

bool
nono_entry_changed(const struct nono_entry *e)
{
	struct stat st;
	char buf[4096];
	ssize_t n;

	if (lstat(e->path, &st) < 0)
		return e->type != NONO_ENTRY_ABSENT;
	switch (e->type) {
	case NONO_ENTRY_ABSENT:
		return true;
	case NONO_ENTRY_FILE:
		if (!S_ISREG(st.st_mode) || (st.st_mode & 07777) != (e->mode & 07777) || st.st_size != e->size)
			return true;
		/* a file too large to save is known only by size and mode */
		return e->saved && !nono_store_same_content(e->path, e->sha256);
	case NONO_ENTRY_DIR:
		return !S_ISDIR(st.st_mode) || (st.st_mode & 07777) != (e->mode & 07777);
	case NONO_ENTRY_SYMLINK:
		if (!S_ISLNK(st.st_mode))
			return true;
		n = readlink(e->path, buf, sizeof(buf) - 1);
		if (n < 0)
			return true;
		buf[n] = '\0';
		return strcmp(buf, e->target ? e->target : "") != 0;
	case NONO_ENTRY_OTHER:
		return (st.st_mode & S_IFMT) != (e->mode & S_IFMT) || (st.st_mode & 07777) != (e->mode & 07777);
	}
	return true;
}

bool
nono_entry_touched(const struct nono_entry *e)
{
	struct stat st;

	if (e->type != NONO_ENTRY_FILE || lstat(e->path, &st) < 0 || !S_ISREG(st.st_mode))
		return nono_entry_changed(e);
	return (st.st_mode & 07777) != (e->mode & 07777) || st.st_size != e->size ||
	       (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec != e->mtime_ns;
}

/* ---- an entry's saved content ----------------------------------------------- */

static char *
read_fd(int fd, size_t *len)
{
	char *buf = NULL, chunk[65536];
	size_t cap = 0;
	ssize_t k;
	FILE *m = open_memstream(&buf, &cap);

	while ((k = read(fd, chunk, sizeof(chunk))) > 0)
		fwrite(chunk, 1, (size_t)k, m);
	fclose(m);
	if (k < 0) {
		free(buf);
		return NULL;
	}
	*len = cap;
	return buf;
}

char *
nono_entry_content(const char *store, const char *dir, const struct nono_entry *e, size_t *len)
{
	char *buf = NULL, hex[65], *path;
	int fd;

	if (e->type != NONO_ENTRY_FILE || !e->saved) {
		errno = ENOENT;
		return NULL;
	}
	path = e->pack >= 0 ? xasprintf("%s/pack", dir) : nono_store_object_path(store, e->sha256);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return NULL;
	if (e->pack >= 0) {
		buf = xmalloc(e->size ? (size_t)e->size : 1);
		if (pread(fd, buf, (size_t)e->size, e->pack) != e->size) {
			free(buf);
			buf = NULL;
			errno = EIO;
		}
		*len = (size_t)e->size;
	} else {
		buf = read_fd(fd, len);
	}
	close(fd);
	if (buf && (nono_sha256_buf(buf, *len, hex) < 0 || strcmp(hex, e->sha256) != 0)) {
		free(buf);
		buf = NULL;
		errno = EBADMSG;
	}
	return buf;
}
