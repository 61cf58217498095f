/* rollback.c - see rollback.h (supervisor side). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"
#include "log.h"
#include "rollback.h"

/* ---- manifests ---------------------------------------------------------- */

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

static int
open_nofollow(const char *path, int flags)
{
	struct open_how how = {.flags = (unsigned long long)flags | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS};

	return (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
}

static bool
same_content(const char *path, const char *hex)
{
	int fd = open_nofollow(path, O_RDONLY | O_NONBLOCK);
	char now[65];
	bool same;

	if (fd < 0)
		return false;
	same = nono_sha256_fd(fd, now) == 0 && strcmp(now, hex) == 0;
	close(fd);
	return same;
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
		return e->saved && !same_content(e->path, e->sha256);
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

/* ---- sessions ----------------------------------------------------------- */

static bool
valid_id(const char *id)
{
	/* 20261122-213045-1234[-N]: never a path */
	return *id && strspn(id, "0123456789-") == strlen(id) && strlen(id) < 64;
}

static bool
lock_held(const char *dir)
{
	char *p = xasprintf("%s/lock", dir);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	bool held = false;

	free(p);
	if (fd < 0)
		return false;
	if (flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK)
		held = true;
	close(fd);
	return held;
}

int
nono_rb_load(const char *store, const char *id, struct nono_rb_session *s, struct nono_error *err)
{
	char *path;
	json_t *o, *v;
	json_error_t je;
	size_t i;

	memset(s, 0, sizeof(*s));
	if (!valid_id(id)) {
		nono_error_set(err, -EINVAL, "'%s' is not a rollback session id", id);
		nono_error_hint(err, "'nono rollback list' shows them");
		return -EINVAL;
	}
	s->dir = xasprintf("%s/%s", store, id);
	path = xasprintf("%s/session.json", s->dir);
	o = json_load_file(path, 0, &je);
	if (!o) {
		int r = access(s->dir, F_OK) < 0 ? -ENOENT : -EINVAL;

		if (r == -ENOENT) {
			nono_error_set(err, r, "no rollback session '%s'", id);
			nono_error_hint(err, "'nono rollback list' shows them");
		} else {
			nono_error_set(err, r, "%s:%d:%d: %s", path, je.line, je.column, je.text);
		}
		free(path);
		nono_rb_session_free(s);
		return r;
	}
	free(path);
	s->id = xstrdup(id);
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);

		json_array_foreach(json_object_get(o, "command"), i, v)
		{
			fprintf(m, "%s%s", i ? " " : "", json_string_value(v) ? json_string_value(v) : "");
		}
		fclose(m);
		s->command = buf;
	}
	s->cwd =
	    xstrdup(json_string_value(json_object_get(o, "cwd")) ? json_string_value(json_object_get(o, "cwd")) : "");
	s->started = json_integer_value(json_object_get(o, "started"));
	s->ended = json_integer_value(json_object_get(o, "ended"));
	s->exit_status = (int)json_integer_value(json_object_get(o, "exit"));
	v = json_object_get(o, "changed");
	s->changed = json_is_integer(v) ? (int)json_integer_value(v) : -1;
	s->recorded = (int)json_integer_value(json_object_get(o, "recorded"));
	s->not_saved = (int)json_integer_value(json_object_get(o, "not_saved"));
	json_array_foreach(json_object_get(o, "exclude"), i, v)
	{
		if (json_is_string(v))
			nono_strv_push(&s->exclude, json_string_value(v));
	}
	json_decref(o);
	s->running = lock_held(s->dir);
	return 0;
}

void
nono_rb_session_free(struct nono_rb_session *s)
{
	free(s->id);
	free(s->dir);
	free(s->command);
	free(s->cwd);
	nono_strv_free(&s->exclude);
	memset(s, 0, sizeof(*s));
}

static int
by_start(const void *a, const void *b)
{
	const struct nono_rb_session *x = a, *y = b;

	if (x->started != y->started)
		return x->started < y->started ? -1 : 1;
	return strcmp(x->id, y->id);
}

int
nono_rb_list(const char *store, struct nono_rb_session **out, size_t *n, struct nono_error *err)
{
	DIR *d = opendir(store);
	struct dirent *de;
	size_t alloc = 0;

	*out = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 : nono_error_set(err, -errno, "%s: %s", store, strerror(errno));
	while ((de = readdir(d))) {
		struct nono_rb_session s;
		struct nono_error ignore = {0};

		if (!valid_id(de->d_name) || nono_rb_load(store, de->d_name, &s, &ignore) < 0)
			continue;
		if (*n == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			*out = xrealloc(*out, alloc * sizeof(**out));
		}
		(*out)[(*n)++] = s;
	}
	closedir(d);
	if (*n)
		qsort(*out, *n, sizeof(**out), by_start);
	return 0;
}

/* ---- restoring ---------------------------------------------------------- */

const char *
nono_rb_action_name(enum nono_rb_action a)
{
	static const char *const names[] = {
	    [NONO_RB_KEEP] = "unchanged",     [NONO_RB_WRITE] = "restore",   [NONO_RB_CHMOD] = "chmod",
	    [NONO_RB_MKDIR] = "mkdir",	      [NONO_RB_SYMLINK] = "symlink", [NONO_RB_REMOVE] = "remove",
	    [NONO_RB_NOTSAVED] = "not saved", [NONO_RB_FAILED] = "failed",
	};
	return names[a];
}

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
nono_rb_content(const char *store, const char *dir, const struct nono_entry *e, size_t *len)
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

static int
cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct nono_entry *)a)->path, ((const struct nono_entry *)b)->path);
}

/* an ancestor was absent before the session: removing it covers this one */
static bool
under_absent(const struct nono_entry *es, size_t n, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (es[k].type == NONO_ENTRY_ABSENT && strcmp(es[k].path, es[i].path) != 0 &&
		    nono_path_under(es[i].path, es[k].path))
			return true;
	return false;
}

static bool
excluded(const char *path, void *patterns)
{
	return nono_journal_excluded(patterns, path);
}

/* Remove name in dfd, recursively, leaving excluded paths (and the
 * directories that hold them) alone. */
static int
remove_at(int dfd, const char *name, const char *path, const struct nono_strv *exclude)
{
	return nono_rm_at(dfd, name, path, exclude ? excluded : NULL, (void *)exclude);
}

/* dir, made where missing one component at a time, each opened without
 * following a symlink: a restore (maybe by root) must never create
 * anything through a link the sandbox left behind, even one it swaps in
 * while the restore runs. */
static int
make_dir_nofollow(const char *dir)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS};
	char *p = xstrdup(dir), *save = NULL;
	int cur = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	for (char *c = strtok_r(p, "/", &save); c && cur >= 0; c = strtok_r(NULL, "/", &save)) {
		int next = (int)syscall(SYS_openat2, cur, c, &how, sizeof(how)), e;

		if (next < 0 && errno == ENOENT && (mkdirat(cur, c, 0755) == 0 || errno == EEXIST))
			next = (int)syscall(SYS_openat2, cur, c, &how, sizeof(how));
		e = errno;
		close(cur);
		errno = e;
		cur = next;
	}
	free(p);
	return cur;
}

/* Make the directories above path, refusing to pass through a symlink. */
static int
open_parent_dir(const char *path, bool create, const char **leaf)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash == path ? xstrdup("/") : xasprintf("%.*s", (int)(slash - path), path);
	int fd = open_nofollow(dir, O_PATH | O_DIRECTORY);

	if (fd < 0 && errno == ENOENT && create)
		fd = make_dir_nofollow(dir);
	if (fd < 0 && errno == ELOOP)
		errno = ELOOP;
	*leaf = slash + 1;
	free(dir);
	return fd;
}

static int
tmp_name(int dfd, char *name, size_t sz, int flags, unsigned mode)
{
	for (int i = 0; i < 100; i++) {
		int fd;

		snprintf(name, sz, ".nono-restore-%d-%ld-%d", (int)getpid(), (long)time(NULL), i);
		fd = openat(dfd, name, flags | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

/* Root restoring puts the owner back too (a user's restore owns what it
 * writes already); never for an owner unknown to an older manifest. */
static int
put_owner(int dfd, const char *leaf, int fd, const struct nono_entry *e)
{
	if (geteuid() != 0 || e->uid < 0 || e->gid < 0)
		return 0;
	if (fd >= 0 ? fchown(fd, (uid_t)e->uid, (gid_t)e->gid)
		    : fchownat(dfd, leaf, (uid_t)e->uid, (gid_t)e->gid, AT_SYMLINK_NOFOLLOW))
		return -errno;
	return 0;
}

static int
put_file(const char *store, const char *dir, int dfd, const char *leaf, const struct nono_entry *e, const char **msg)
{
	char tmp[96], hex[65];
	int out, r = 0;
	struct stat st;

	out = tmp_name(dfd, tmp, sizeof(tmp), O_RDWR, 0600);
	if (out < 0)
		return -errno;
	if (e->pack >= 0) {
		size_t len;
		char *buf = nono_rb_content(store, dir, e, &len);

		if (!buf) {
			r = -errno;
			*msg = errno == EBADMSG ? "its saved content is corrupt ('nono rollback verify')"
						: "its saved content is missing from the store";
		} else if (write(out, buf, len) != (ssize_t)len) {
			r = -(errno ? errno : EIO);
		}
		free(buf);
	} else {
		char *obj = nono_store_object_path(store, e->sha256), buf[65536];
		int in = open(obj, O_RDONLY | O_CLOEXEC);
		ssize_t k = 0;

		free(obj);
		if (in < 0) {
			r = -errno;
			*msg = "its saved content is missing from the store";
		}
		while (r == 0 && (k = read(in, buf, sizeof(buf))) > 0)
			if (write(out, buf, (size_t)k) != k)
				r = -(errno ? errno : EIO);
		if (r == 0 && k < 0)
			r = -errno;
		if (in >= 0)
			close(in);
		/* check the copy against the name it was saved under */
		if (r == 0 && (lseek(out, 0, SEEK_SET) < 0 || nono_sha256_fd(out, hex) < 0))
			r = -EIO;
		if (r == 0 && strcmp(hex, e->sha256) != 0) {
			*msg = "its saved content is corrupt ('nono rollback verify')";
			r = -EIO;
		}
	}
	/* owner first: chown clears the set-id bits chmod would not set anyway */
	if (r == 0)
		r = put_owner(dfd, NULL, out, e);
	if (r == 0 && fchmod(out, e->mode & 0777) < 0)
		r = -errno;
	close(out);
	/* a directory made during the session where the file was */
	if (r == 0 && fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
		r = remove_at(dfd, leaf, e->path, NULL);
	if (r == 0 && renameat(dfd, tmp, dfd, leaf) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(dfd, tmp, 0);
	return r;
}

static enum nono_rb_action
restore_one(const char *store, const struct nono_rb_session *s, const struct nono_entry *e, bool dry_run,
	    const char **msg, int *err)
{
	const char *leaf;
	struct stat st;
	bool exists;
	int dfd, r = 0;
	enum nono_rb_action a;

	*err = 0;
	*msg = NULL;
	if (!nono_entry_changed(e))
		return NONO_RB_KEEP;
	dfd = open_parent_dir(e->path, e->type != NONO_ENTRY_ABSENT && !dry_run, &leaf);
	if (dfd < 0) {
		if (e->type == NONO_ENTRY_ABSENT && errno == ENOENT)
			return NONO_RB_KEEP;
		if (dry_run && errno == ENOENT)
			return e->type == NONO_ENTRY_DIR ? NONO_RB_MKDIR : NONO_RB_WRITE;
		*err = -errno;
		*msg = errno == ELOOP ? "a directory above it is now a symlink: refusing to follow it" : NULL;
		return NONO_RB_FAILED;
	}
	exists = fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0;
	switch (e->type) {
	case NONO_ENTRY_ABSENT:
		a = NONO_RB_REMOVE;
		if (!dry_run)
			r = remove_at(dfd, leaf, e->path, &s->exclude);
		break;
	case NONO_ENTRY_FILE:
		if (!e->saved) {
			close(dfd);
			*msg = "it was over the size limit and was not saved";
			return NONO_RB_NOTSAVED;
		}
		if (exists && S_ISREG(st.st_mode) && st.st_size == e->size && same_content(e->path, e->sha256)) {
			a = NONO_RB_CHMOD;
			if (!dry_run && fchmodat(dfd, leaf, e->mode & 0777, AT_SYMLINK_NOFOLLOW) < 0)
				r = -errno;
		} else {
			a = NONO_RB_WRITE;
			if (!dry_run)
				r = put_file(store, s->dir, dfd, leaf, e, msg);
		}
		break;
	case NONO_ENTRY_DIR:
		if (exists && S_ISDIR(st.st_mode)) {
			a = NONO_RB_CHMOD;
			if (!dry_run && fchmodat(dfd, leaf, e->mode & 07777, AT_SYMLINK_NOFOLLOW) < 0)
				r = -errno;
		} else {
			a = NONO_RB_MKDIR;
			if (!dry_run) {
				if (exists)
					r = remove_at(dfd, leaf, e->path, NULL);
				/* writable until the children are back; the
				 * mode is set on a last pass */
				if (r == 0 && mkdirat(dfd, leaf, 0700) < 0)
					r = -errno;
				if (r == 0)
					r = put_owner(dfd, leaf, -1, e);
			}
		}
		break;
	case NONO_ENTRY_SYMLINK: {
		char tmp[96];

		a = NONO_RB_SYMLINK;
		if (dry_run)
			break;
		snprintf(tmp, sizeof(tmp), ".nono-restore-%d-link", (int)getpid());
		unlinkat(dfd, tmp, 0);
		if (exists && S_ISDIR(st.st_mode))
			r = remove_at(dfd, leaf, e->path, NULL);
		if (r == 0 && symlinkat(e->target, dfd, tmp) < 0)
			r = -errno;
		if (r == 0)
			r = put_owner(dfd, tmp, -1, e);
		if (r == 0 && renameat(dfd, tmp, dfd, leaf) < 0) {
			r = -errno;
			unlinkat(dfd, tmp, 0);
		}
		break;
	}
	default:
		a = NONO_RB_FAILED;
		*msg = "a special file (fifo, socket or device) is not restored";
		r = -EOPNOTSUPP;
		break;
	}
	close(dfd);
	if (r < 0) {
		*err = r;
		return NONO_RB_FAILED;
	}
	return a;
}

int
nono_rb_restore(const char *store, const struct nono_rb_session *s, const char *only, bool dry_run,
		struct nono_rb_report *rep, struct nono_error *err)
{
	struct nono_entry *es;
	size_t n;
	int r;

	if (s->running && !dry_run) {
		nono_error_set(err, -EBUSY, "rollback session %s is still running", s->id);
		nono_error_hint(err, "restore it once its program has exited");
		return -EBUSY;
	}
	if ((r = nono_manifest_read(s->dir, &es, &n, err)) < 0)
		return r;
	qsort(es, n, sizeof(*es), cmp_entry);
	for (size_t i = 0; i < n; i++) {
		const char *msg;
		int e = 0;
		enum nono_rb_action a;

		if (rep->progress)
			rep->progress(rep->ctx, i, n);
		if (only && !nono_path_under(es[i].path, only))
			continue;
		if (under_absent(es, n, i))
			continue;
		a = restore_one(store, s, &es[i], dry_run, &msg, &e);
		rep->n[a]++;
		if (rep->each && a != NONO_RB_KEEP)
			rep->each(rep->ctx, es[i].path, a, msg ? msg : e ? strerror(-e) : NULL);
	}
	/* directories get their modes last, deepest first, once their
	 * children are back */
	for (size_t i = n; !dry_run && i-- > 0;) {
		if (es[i].type != NONO_ENTRY_DIR || (only && !nono_path_under(es[i].path, only)) ||
		    under_absent(es, n, i))
			continue;
		/* by a descriptor reached without a symlink: chmod(path) would
		 * follow one swapped in meanwhile (root restoring: any file) */
		{
			int fd = open_nofollow(es[i].path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);

			if (fd >= 0) {
				if (fchmod(fd, es[i].mode & 07777) < 0)
					log_warn("rollback: cannot set the mode of %s: %s", es[i].path,
						 strerror(errno));
				close(fd);
			}
		}
	}
	if (rep->progress)
		rep->progress(rep->ctx, n, n);
	for (size_t i = 0; i < n; i++)
		nono_entry_free(&es[i]);
	free(es);
	return 0;
}

int
nono_rb_verify(const char *store, const struct nono_rb_session *s, struct nono_rb_report *rep, struct nono_error *err)
{
	struct nono_entry *es;
	size_t n;
	int r, bad = 0;

	if ((r = nono_manifest_read(s->dir, &es, &n, err)) < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		if (rep->progress)
			rep->progress(rep->ctx, i, n);
		if (es[i].type != NONO_ENTRY_FILE || !es[i].saved)
			continue;
		{
			size_t len;
			char *buf = nono_rb_content(store, s->dir, &es[i], &len);

			if (buf) {
				rep->n[NONO_RB_KEEP]++;
				free(buf);
				continue;
			}
			bad++;
			rep->n[NONO_RB_FAILED]++;
			if (rep->each)
				rep->each(rep->ctx, es[i].path, NONO_RB_FAILED,
					  errno == EBADMSG ? "its saved content is corrupt"
							   : "its saved content is missing");
		}
	}
	if (rep->progress)
		rep->progress(rep->ctx, n, n);
	for (size_t i = 0; i < n; i++)
		nono_entry_free(&es[i]);
	free(es);
	return bad;
}

/* ---- cleanup ------------------------------------------------------------ */

static int
cmp_hex(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Remove objects that no remaining session refers to. */
static void
collect_garbage(const char *store, const struct nono_rb_session *keep, size_t nkeep)
{
	struct nono_strv refs = {0};
	char *objects = xasprintf("%s/objects", store);
	DIR *d = opendir(objects);
	struct dirent *de;
	time_t now = time(NULL);

	for (size_t i = 0; i < nkeep; i++) {
		struct nono_entry *es;
		size_t n;
		struct nono_error err = {0};

		if (nono_manifest_read(keep[i].dir, &es, &n, &err) < 0) {
			/* a manifest that can't be read protects everything */
			nono_strv_free(&refs);
			if (d)
				closedir(d);
			free(objects);
			return;
		}
		for (size_t k = 0; k < n; k++) {
			if (es[k].saved && es[k].pack < 0)
				nono_strv_push(&refs, es[k].sha256);
			nono_entry_free(&es[k]);
		}
		free(es);
	}
	if (refs.n)
		qsort(refs.v, refs.n, sizeof(char *), cmp_hex);
	while (d && (de = readdir(d))) {
		char *sub;
		DIR *sd;
		struct dirent *oe;

		if (strlen(de->d_name) != 2 || strspn(de->d_name, "0123456789abcdef") != 2) {
			struct stat st;
			char *p = nono_path_join(objects, de->d_name);

			/* a temporary left by a crash, an hour old */
			if (!strncmp(de->d_name, ".tmp-", 5) && lstat(p, &st) == 0 && now - st.st_mtime > 3600)
				unlink(p);
			free(p);
			continue;
		}
		sub = nono_path_join(objects, de->d_name);
		if ((sd = opendir(sub))) {
			while ((oe = readdir(sd))) {
				char hex[300];
				const char *key = hex;

				if (oe->d_name[0] == '.')
					continue;
				snprintf(hex, sizeof(hex), "%s%s", de->d_name, oe->d_name);
				if (!refs.n || !bsearch(&key, refs.v, refs.n, sizeof(char *), cmp_hex))
					unlinkat(dirfd(sd), oe->d_name, 0);
			}
			closedir(sd);
		}
		rmdir(sub);
		free(sub);
	}
	if (d)
		closedir(d);
	nono_strv_free(&refs);
	free(objects);
}

int
nono_rb_cleanup(const char *store, long keep, long days, bool dry_run, void (*each)(void *, const char *), void *ctx,
		struct nono_error *err)
{
	struct nono_rb_session *ss;
	size_t n, nkept = 0;
	int r, removed = 0;
	time_t now = time(NULL);
	struct nono_rb_session *kept;

	if ((r = nono_rb_list(store, &ss, &n, err)) < 0)
		return r;
	kept = xcalloc(n ? n : 1, sizeof(*kept));
	for (size_t i = 0; i < n; i++) {
		/* oldest first: sessions beyond the newest keep go */
		bool too_many = keep >= 0 && n - i > (size_t)keep;
		bool too_old = days > 0 && ss[i].started < now - (long long)days * 86400;

		if (!ss[i].running && (too_many || too_old)) {
			if (each)
				each(ctx, ss[i].id);
			if (!dry_run)
				nono_rm_rf(ss[i].dir);
			removed++;
			nono_rb_session_free(&ss[i]);
		} else {
			kept[nkept++] = ss[i];
		}
	}
	/* a running session may be about to name an object: collect
	 * garbage only when none runs */
	for (size_t i = 0; i < nkept && !dry_run; i++)
		if (kept[i].running)
			dry_run = true;
	if (!dry_run)
		collect_garbage(store, kept, nkept);
	for (size_t i = 0; i < nkept; i++)
		nono_rb_session_free(&kept[i]);
	free(kept);
	free(ss);
	return removed;
}
