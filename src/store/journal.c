/* journal.c - see journal.h (supervisor side). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <jansson.h>
#include <linux/openat2.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#include "base/dl.h"
#include "base/log.h"
#include "base/vars.h"
#include "store/journal.h"
#include "store/rollback.h"

#define IOBUF (64 * 1024)

char *
nono_journal_store(void)
{
	return nono_state_path("rollback");
}

/* ---- content ------------------------------------------------------------ */

/* Read fd to its end, hashing, and copy to out (when out >= 0). */
static int
hash_copy(int fd, int out, char hex[65])
{
	static unsigned char buf[IOBUF];
	struct nono_sha256 c;
	unsigned char md[32];
	int r = 0;

	if (!nono_sha256_available())
		return -ELIBACC;
	nono_sha256_init(&c);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf)), w = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		nono_sha256_update(&c, buf, (size_t)n);
		while (out >= 0 && w < n) {
			ssize_t k = write(out, buf + w, (size_t)(n - w));

			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				return -errno;
			w += k;
		}
	}
	nono_sha256_final(&c, md);
	if (r == 0)
		nono_sha256_hex(hex, md);
	return r;
}

int
nono_sha256_buf(const void *buf, size_t len, char hex[65])
{
	struct nono_sha256 c;
	unsigned char md[32];

	if (!nono_sha256_available())
		return -ELIBACC;
	nono_sha256_init(&c);
	nono_sha256_update(&c, buf, len);
	nono_sha256_final(&c, md);
	nono_sha256_hex(hex, md);
	return 0;
}

int
nono_sha256_fd(int fd, char hex[65])
{
	return hash_copy(fd, -1, hex);
}

char *
nono_store_object_path(const char *store, const char *hex)
{
	return xasprintf("%s/objects/%.2s/%s", store, hex, hex + 2);
}

int
nono_store_put_fd(const char *store, int fd, char hex[65])
{
	char *tmp = xasprintf("%s/objects/.tmp-XXXXXX", store), *obj = NULL, *dir;
	int out = mkostemp(tmp, O_CLOEXEC), r;

	if (out < 0) {
		r = -errno;
		free(tmp);
		return r;
	}
	r = hash_copy(fd, out, hex);
	if (close(out) < 0 && r == 0)
		r = -errno;
	if (r < 0)
		goto fail;
	obj = nono_store_object_path(store, hex);
	dir = nono_path_dirname(obj);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		r = -errno;
		free(dir);
		goto fail;
	}
	free(dir);
	if (access(obj, F_OK) == 0) {
		/* the same content is already kept: share it */
		unlink(tmp);
	} else if (rename(tmp, obj) < 0) {
		r = -errno;
		goto fail;
	}
	free(obj);
	free(tmp);
	return 0;
fail:
	unlink(tmp);
	free(obj);
	free(tmp);
	return r;
}

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

/* ---- the session --------------------------------------------------------- */

static int
write_session(const struct nono_journal *j, bool ended, int exit_status, int changed)
{
	json_t *o = json_object(), *argv = json_array();
	char *path = xasprintf("%s/session.json", j->dir), *tmp = xasprintf("%s/.session.json.tmp", j->dir);
	int r = 0;

	for (size_t i = 0; i < j->argv.n; i++)
		json_array_append_new(argv, json_string(j->argv.v[i]));
	json_object_set_new(o, "id", json_string(j->id));
	json_object_set_new(o, "command", argv);
	json_object_set_new(o, "cwd", json_string(j->cwd ? j->cwd : ""));
	if (j->profile)
		json_object_set_new(o, "profile", json_string(j->profile));
	json_object_set_new(o, "started", json_integer(j->started));
	json_object_set_new(o, "ended", ended ? json_integer((json_int_t)time(NULL)) : json_null());
	json_object_set_new(o, "exit", ended ? json_integer(exit_status) : json_null());
	json_object_set_new(o, "pid", json_integer(getpid()));
	json_object_set_new(o, "recorded", json_integer(j->n_entries));
	json_object_set_new(o, "changed", changed >= 0 ? json_integer(changed) : json_null());
	json_object_set_new(o, "not_saved", json_integer(j->n_large));
	json_object_set_new(o, "max_file_size", json_integer(j->max_file));
	json_object_set_new(o, "exclude", json_array());
	for (size_t i = 0; i < j->exclude.n; i++)
		json_array_append_new(json_object_get(o, "exclude"), json_string(j->exclude.v[i]));
	if (json_dump_file(o, tmp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 || chmod(tmp, 0600) < 0 ||
	    rename(tmp, path) < 0)
		r = -(errno ? errno : EIO);
	json_decref(o);
	free(path);
	free(tmp);
	return r;
}

int
nono_journal_begin(struct nono_journal *j, const struct nono_journal_opts *o, struct nono_error *err)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	char *objects, *p;
	int r;

	memset(j, 0, sizeof(*j));
	j->manifest_fd = j->lock_fd = j->pack_fd = -1;
	j->store = o->store ? xstrdup(o->store) : nono_journal_store();
	j->max_file = o->max_file > 0 ? o->max_file : NONO_JOURNAL_MAX_FILE_DEFAULT;
	j->started = (long long)now;
	for (size_t i = 0; o->roots && i < o->roots->n; i++)
		nono_strv_push(&j->roots, o->roots->v[i]);
	for (size_t i = 0; o->exclude && i < o->exclude->n; i++)
		nono_strv_push(&j->exclude, o->exclude->v[i]);
	for (size_t i = 0; o->argv && o->argv[i]; i++)
		nono_strv_push(&j->argv, o->argv[i]);
	j->cwd = o->cwd ? xstrdup(o->cwd) : NULL;
	j->profile = o->profile ? xstrdup(o->profile) : NULL;
	objects = xasprintf("%s/objects", j->store);
	r = nono_mkdir_p(objects, 0700);
	free(objects);
	if (r < 0) {
		nono_error_set(err, r, "rollback store %s: %s", j->store, strerror(-r));
		nono_error_hint(err, "check that the directory can be written, or run with --no-rollback");
		return r;
	}
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	for (int n = 0;; n++) {
		j->id = n ? xasprintf("%s-%d-%d", stamp, (int)getpid(), n) : xasprintf("%s-%d", stamp, (int)getpid());
		j->dir = xasprintf("%s/%s", j->store, j->id);
		if (mkdir(j->dir, 0700) == 0)
			break;
		r = -errno;
		free(j->id);
		free(j->dir);
		j->id = j->dir = NULL;
		if (r != -EEXIST || n > 100) {
			nono_error_set(err, r, "rollback store %s: %s", j->store, strerror(-r));
			return r;
		}
	}
	p = xasprintf("%s/lock", j->dir);
	j->lock_fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(p);
	if (j->lock_fd < 0 || flock(j->lock_fd, LOCK_EX | LOCK_NB) < 0)
		goto fail;
	p = xasprintf("%s/manifest.ndjson", j->dir);
	j->manifest_fd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	free(p);
	if (j->manifest_fd < 0)
		goto fail;
	if ((r = write_session(j, false, 0, -1)) < 0) {
		errno = -r;
		goto fail;
	}
	return 0;
fail:
	r = -errno;
	nono_error_set(err, r, "rollback session %s: %s", j->dir, strerror(-r));
	return r;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

bool
nono_journal_covers(const struct nono_journal *j, const char *canon)
{
	bool under = false;

	for (size_t i = 0; i < j->roots.n && !under; i++)
		under = nono_path_under(canon, j->roots.v[i]);
	return under && !nono_path_under(canon, j->store) && !nono_journal_excluded(&j->exclude, canon);
}

/* The parent directory of canon, opened without following any symlink: a
 * path the sandbox swapped for a link is never read through. */
static int
open_parent(const char *canon, const char **leaf)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS};
	const char *slash = strrchr(canon, '/');
	char *dir = slash == canon ? xstrdup("/") : xasprintf("%.*s", (int)(slash - canon), canon);
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, dir, &how, sizeof(how));

	*leaf = slash + 1;
	free(dir);
	return fd;
}

/* A small file's content, appended to the session's pack. */
static int
pack_put(struct nono_journal *j, int fd, struct nono_entry *e)
{
	static char buf[NONO_JOURNAL_PACK_MAX + 1];
	ssize_t n, got = 0;
	int r;

	/* read one byte more than the limit: a file growing meanwhile is
	 * saved whole, as an object */
	while ((n = read(fd, buf + got, sizeof(buf) - (size_t)got)) > 0) {
		got += n;
		if (got < e->size || (size_t)got == sizeof(buf))
			continue;
		break; /* all of it, as fstat said: no second read for EOF */
	}
	if (n < 0)
		return -errno;
	if (got > NONO_JOURNAL_PACK_MAX) {
		if (lseek(fd, 0, SEEK_SET) < 0)
			return -errno;
		return nono_store_put_fd(j->store, fd, e->sha256);
	}
	if ((r = nono_sha256_buf(buf, (size_t)got, e->sha256)) < 0)
		return r;
	if (j->pack_fd < 0) {
		char *p = xasprintf("%s/pack", j->dir);

		j->pack_fd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		free(p);
		if (j->pack_fd < 0)
			return -errno;
		j->pack_off = lseek(j->pack_fd, 0, SEEK_END);
	}
	if (write(j->pack_fd, buf, (size_t)got) != got) {
		r = -(errno ? errno : ENOSPC);
		j->pack_off = lseek(j->pack_fd, 0, SEEK_END);
		return r;
	}
	e->pack = j->pack_off;
	e->size = got;
	j->pack_off += got;
	return 0;
}

static void
file_state(struct nono_entry *e, const struct stat *st)
{
	e->mode = st->st_mode;
	e->size = st->st_size;
	e->mtime_ns = (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
	e->uid = st->st_uid;
	e->gid = st->st_gid;
	e->dev = st->st_dev;
	e->ino = st->st_ino;
	e->nlink = st->st_nlink > UINT_MAX ? UINT_MAX : (unsigned)st->st_nlink;
}

/* A regular file's content, saved, with its state taken from the
 * descriptor the content is read through: the inode an entry names (dev,
 * ino) is the one whose bytes it saved, even if the name is swapped between
 * the lstat and the open. A restore writes those bytes back into that
 * inode when it has other names (rollback.c), so the pair must agree. */
static int
save_file(struct nono_journal *j, int dfd, const char *leaf, const struct stat *named, struct nono_entry *e)
{
	struct stat st = *named;
	int fd = -1, r = 0;

	if (st.st_size <= j->max_file) {
		fd = openat(dfd, leaf, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			/* no longer a file: it was swapped while being recorded */
			r = S_ISREG(st.st_mode) ? -errno : -EAGAIN;
			close(fd);
			return r;
		}
	}
	file_state(e, &st);
	if (fd < 0 || st.st_size > j->max_file) {
		j->n_large++;
	} else {
		if (st.st_size <= NONO_JOURNAL_PACK_MAX)
			r = pack_put(j, fd, e);
		else
			r = nono_store_put_fd(j->store, fd, e->sha256);
		e->saved = r == 0;
	}
	if (fd >= 0)
		close(fd);
	return r;
}

static int record_at(struct nono_journal *j, const char *canon, int dfd, const char *leaf, const char *op, bool tree);

static int
record_children(struct nono_journal *j, const char *canon, const char *op)
{
	int fd, r = 0;
	DIR *d;
	struct dirent *de;

	/* once a directory's content is recorded, later changes in it are
	 * recorded one by one: it need not be walked again */
	if (tfind(canon, &j->walked, cmp_str))
		return 0;
	if (!tsearch(xstrdup(canon), &j->walked, cmp_str))
		abort();
	fd = open(canon, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	d = fd >= 0 ? fdopendir(fd) : NULL;

	if (!d) {
		r = errno == ENOENT || errno == ENOTDIR || errno == ELOOP ? 0 : -errno;
		if (fd >= 0)
			close(fd);
		return r;
	}
	while (r == 0 && (de = readdir(d))) {
		char *child;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		child = nono_path_join(canon, de->d_name);
		if (nono_journal_excluded(&j->exclude, child))
			;
		else if (!tfind(child, &j->seen, cmp_str))
			r = record_at(j, child, dirfd(d), de->d_name, op, true);
		else if (de->d_type == DT_DIR || de->d_type == DT_UNKNOWN)
			/* recorded alone before (a chmod): its content is not */
			r = record_children(j, child, op);
		free(child);
	}
	closedir(d);
	return r;
}

/* Record canon, whose parent is open as dfd (-1: the parent is missing). */
static int
record_at(struct nono_journal *j, const char *canon, int dfd, const char *leaf, const char *op, bool tree)
{
	struct nono_entry e = {0};
	struct stat st;
	char *line, *key;
	int r = 0;
	size_t len;

	e.path = (char *)canon;
	e.op = (char *)op;
	e.pack = -1;
	if (dfd < 0) {
		e.type = NONO_ENTRY_ABSENT;
	} else if (fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			return -errno;
		e.type = NONO_ENTRY_ABSENT;
	} else {
		e.mode = st.st_mode;
		e.size = st.st_size;
		e.mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
		e.uid = st.st_uid;
		e.gid = st.st_gid;
		if (S_ISREG(st.st_mode)) {
			e.type = NONO_ENTRY_FILE;
			r = save_file(j, dfd, leaf, &st, &e);
		} else if (S_ISDIR(st.st_mode)) {
			e.type = NONO_ENTRY_DIR;
		} else if (S_ISLNK(st.st_mode)) {
			char buf[4096];
			ssize_t n = readlinkat(dfd, leaf, buf, sizeof(buf) - 1);

			if (n < 0) {
				r = -errno;
			} else {
				buf[n] = '\0';
				e.target = xstrdup(buf);
			}
			e.type = NONO_ENTRY_SYMLINK;
		} else {
			e.type = NONO_ENTRY_OTHER;
		}
	}
	if (r < 0) {
		free(e.target);
		j->n_failed++;
		return r;
	}
	key = nono_entry_to_json(&e);
	free(e.target);
	line = xasprintf("%s\n", key);
	free(key);
	len = strlen(line);
	if (write(j->manifest_fd, line, len) != (ssize_t)len) {
		r = -(errno ? errno : EIO);
		free(line);
		j->n_failed++;
		return r;
	}
	free(line);
	key = xstrdup(canon);
	if (!tsearch(key, &j->seen, cmp_str))
		abort();
	j->n_entries++;
	if (tree && e.type == NONO_ENTRY_DIR)
		r = record_children(j, canon, op);
	return r;
}

int
nono_journal_record(struct nono_journal *j, const char *path, const char *op, bool tree, bool follow)
{
	char *canon = NULL;
	const char *leaf;
	struct stat st;
	int dfd, r = 0;

	if (!path || path[0] != '/')
		return 0;
	/* A path without '..' whose directories hold no symlink is canonical
	 * once '.' and '//' are gone: one openat2 proves it. Otherwise, or
	 * when the last component is a link to follow, resolve it. */
	canon = nono_path_normalize(path);
	dfd = strstr(path, "/..") ? -1 : open_parent(canon, &leaf);
	if ((dfd < 0 && (errno == ELOOP || strstr(path, "/.."))) ||
	    (dfd >= 0 && follow && fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))) {
		/* resolved by following links: none may lead into /proc or
		 * /dev/fd, which the supervisor would read as its own */
		if (nono_path_links_into_proc(canon)) {
			if (dfd >= 0)
				close(dfd);
			free(canon);
			j->n_failed++;
			return -EPERM;
		}
		errno = ELOOP;
	}
	if (dfd < 0 && (errno == ELOOP || strstr(path, "/.."))) {
		free(canon);
		canon = follow ? nono_path_canonical(path, NULL) : nono_path_canonical_leaf(path);
		dfd = open_parent(canon, &leaf);
	} else if (dfd >= 0 && follow && fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
		close(dfd);
		free(canon);
		canon = nono_path_canonical(path, NULL);
		dfd = open_parent(canon, &leaf);
	}
	if (dfd < 0 && errno != ENOENT && errno != ENOTDIR) {
		/* a directory above it became a symlink meanwhile */
		r = -errno;
		j->n_failed++;
	} else if (!nono_journal_covers(j, canon)) {
		r = 0;
	} else if (tfind(canon, &j->seen, cmp_str)) {
		/* recorded before (chmod, mkdir, a write); a directory that
		 * now moves away takes its content along: record that */
		if (tree && dfd >= 0 && fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
			r = record_children(j, canon, op);
	} else {
		r = record_at(j, canon, dfd, leaf, op, tree);
	}
	if (dfd >= 0)
		close(dfd);
	free(canon);
	return r;
}

int
nono_journal_end(struct nono_journal *j, int exit_status)
{
	struct nono_entry *es = NULL;
	size_t n = 0;
	int changed = 0;
	struct nono_error err = {0};

	if (!j->dir)
		return -EINVAL;
	if (nono_manifest_read(j->dir, &es, &n, &err) < 0) {
		log_warn("rollback: %s", err.msg);
		changed = -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (changed >= 0 && nono_entry_touched(&es[i]))
			changed++;
		nono_entry_free(&es[i]);
	}
	free(es);
	write_session(j, true, exit_status, changed);
	if (j->lock_fd >= 0) {
		close(j->lock_fd);
		j->lock_fd = -1;
	}
	return changed;
}

static void
free_key(void *k)
{
	free(k);
}

void
nono_journal_free(struct nono_journal *j)
{
	if (!j->store)
		return;
	if (j->manifest_fd >= 0)
		close(j->manifest_fd);
	if (j->pack_fd >= 0)
		close(j->pack_fd);
	if (j->lock_fd >= 0)
		close(j->lock_fd);
	tdestroy(j->seen, free_key);
	tdestroy(j->walked, free_key);
	nono_strv_free(&j->roots);
	nono_strv_free(&j->exclude);
	nono_strv_free(&j->argv);
	free(j->store);
	free(j->id);
	free(j->dir);
	free(j->cwd);
	free(j->profile);
	memset(j, 0, sizeof(*j));
	j->manifest_fd = j->lock_fd = j->pack_fd = -1;
}
