/* journal.c - see journal.h (supervisor side). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
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

#include "base/log.h"
#include "base/vars.h"
#include "store/after.h"
#include "store/journal.h"

/* ---- the session --------------------------------------------------------- */

static int
write_session(const struct nono_journal *j, bool ended, int exit_status, int changed)
{
	json_t *o = json_object(), *argv = json_array();
	char *path = xasprintf("%s/session.json", j->dir), *tmp = xasprintf("%s/.session.json.tmp", j->dir);
	int r = 0;

	for (size_t i = 0; i < j->argv.n; i++)
		json_array_append_new(argv, json_string(j->argv.v[i]));
	json_object_set_new(o, "session_id", json_string(j->id)); /* upstream's name; its audit trail's id */
	json_object_set_new(o, "id", json_string(j->id));
	json_object_set_new(o, "command", argv);
	json_object_set_new(o, "cwd", json_string(j->cwd ? j->cwd : ""));
	if (j->profile)
		json_object_set_new(o, "profile", json_string(j->profile));
	json_object_set_new(o, "started", json_integer(j->started));
	json_object_set_new(o, "ended", ended ? json_integer((json_int_t)time(NULL)) : json_null());
	if (ended) {
		struct timespec ts;

		/* to the nanosecond: what changed after it is work a restore keeps */
		clock_gettime(CLOCK_REALTIME, &ts);
		json_object_set_new(o, "ended_ns", json_integer((json_int_t)ts.tv_sec * 1000000000LL + ts.tv_nsec));
	}
	json_object_set_new(o, "exit", ended ? json_integer(exit_status) : json_null());
	json_object_set_new(o, "pid", json_integer(getpid()));
	json_object_set_new(o, "recorded", json_integer(j->n_entries));
	json_object_set_new(o, "changed", changed >= 0 ? json_integer(changed) : json_null());
	json_object_set_new(o, "left_out", json_integer(j->n_left));
	if (j->persist_only)
		json_object_set_new(o, "persist_only", json_true());
	json_object_set_new(o, "refused", json_integer(j->n_failed));
	json_object_set_new(o, "max_file_size", json_integer(j->max_file));
	json_object_set_new(o, "exclude", json_array());
	for (size_t i = 0; i < j->exclude.n; i++)
		json_array_append_new(json_object_get(o, "exclude"), json_string(j->exclude.v[i]));
	/* the writable grants it journaled: a diff's paths are relative to them */
	json_object_set_new(o, "roots", json_array());
	for (size_t i = 0; i < j->roots.n; i++)
		json_array_append_new(json_object_get(o, "roots"), json_string(j->roots.v[i]));
	if (j->restore_of)
		json_object_set_new(o, "restore_of", json_string(j->restore_of));
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
	memset(j, 0, sizeof(*j));
	j->manifest_fd = j->lock_fd = j->pack_fd = j->left_fd = -1;
	j->gitignore = !o->no_gitignore;
	j->persist = o->persist;
	j->persist_only = o->persist_only;
	j->store = o->store ? xstrdup(o->store) : nono_journal_store();
	j->max_file = o->max_file > 0 ? o->max_file : NONO_JOURNAL_MAX_FILE_DEFAULT;
	j->started = (long long)time(NULL);
	for (size_t i = 0; o->roots && i < o->roots->n; i++)
		nono_strv_push(&j->roots, o->roots->v[i]);
	for (size_t i = 0; o->exclude && i < o->exclude->n; i++)
		nono_strv_push(&j->exclude, o->exclude->v[i]);
	for (size_t i = 0; o->argv && o->argv[i]; i++)
		nono_strv_push(&j->argv, o->argv[i]);
	j->cwd = o->cwd ? xstrdup(o->cwd) : NULL;
	j->profile = o->profile ? xstrdup(o->profile) : NULL;
	j->restore_of = o->restore_of ? xstrdup(o->restore_of) : NULL;
	/* the plan's session id (the audit trail's too), or one of its own */
	if (o->id) {
		j->id = xstrdup(o->id);
	} else {
		char id[NONO_SESSION_ID_LEN + 1];

		nono_session_id_new(id);
		j->id = xstrdup(id);
	}
	(void)err;
	return 0;
}

/* The session's directory, manifest and lock, made when the session first
 * changes something: a session that changes nothing costs no file. 0, or
 * -errno (the change is then refused). */
static int
journal_open(struct nono_journal *j)
{
	char *objects, *p;
	int r;

	if (j->dir)
		return j->manifest_fd >= 0 ? 0 : -EIO;
	objects = xasprintf("%s/objects", j->store);
	r = nono_mkdir_p(objects, 0700);
	free(objects);
	if (r < 0) {
		log_warn("rollback store %s: %s", j->store, strerror(-r));
		return r;
	}
	j->dir = xasprintf("%s/%s", j->store, j->id);
	if (mkdir(j->dir, 0700) < 0) {
		r = -errno;
		free(j->dir);
		j->dir = NULL; /* not this session's */
		log_warn("rollback store %s: cannot create session %s: %s", j->store, j->id, strerror(-r));
		return r;
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
	log_warn("rollback session %s: %s", j->dir, strerror(-r));
	if (j->manifest_fd >= 0)
		close(j->manifest_fd);
	j->manifest_fd = -1;
	return r;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

void
nono_journal_add_root(struct nono_journal *j, const char *path)
{
	for (size_t i = 0; i < j->roots.n; i++)
		if (nono_path_under(path, j->roots.v[i]))
			return;
	nono_strv_push(&j->roots, path);
}

/* Under a writable grant, and not the store itself. */
static bool
under_roots(const struct nono_journal *j, const char *canon)
{
	bool under = false;

	for (size_t i = 0; i < j->roots.n && !under; i++)
		under = nono_path_under(canon, j->roots.v[i]);
	return under && !nono_path_under(canon, j->store);
}

/* The topmost path at or above canon (within its root) that an exclude
 * pattern names, or NULL. */
static char *
pattern_top(const struct nono_journal *j, const char *canon)
{
	size_t from = 0;

	if (!j->exclude.n || !nono_journal_excluded(&j->exclude, canon))
		return NULL;
	for (size_t i = 0; i < j->roots.n; i++)
		if (nono_path_under(canon, j->roots.v[i]) && strlen(j->roots.v[i]) > from)
			from = strlen(j->roots.v[i]);
	for (const char *end = strchr(canon + from + (canon[from] == '/'), '/');; end = strchr(end + 1, '/')) {
		char *part = end ? xasprintf("%.*s", (int)(end - canon), canon) : xstrdup(canon);

		if (nono_journal_excluded(&j->exclude, part) || !end)
			return part;
		free(part);
	}
}

/* Whether canon is left out of the journal (an exclude pattern, or
 * .gitignore), listing the topmost such path once in left_out.ndjson. */
static bool
left_out(struct nono_journal *j, const char *canon, const char *op)
{
	const char *why = "exclude pattern";
	char *top, *line;
	json_t *o;

	/* a file that runs later outside the sandbox is always journaled;
	 * with persist_only the rest is filtered by record_at */
	if (j->persist_only || nono_persist_kind(j->persist, canon, NULL) != NONO_PERSIST_NONE)
		return false;
	top = pattern_top(j, canon);
	if (!top && j->git) {
		const char *t = nono_gitignore_top(j->git, canon);

		if (!t)
			return false;
		top = xstrdup(t);
		why = "gitignore";
	} else if (!top) {
		return false;
	}
	if (tfind(top, &j->left, cmp_str)) {
		free(top);
		return true;
	}
	if (!tsearch(top, &j->left, cmp_str))
		abort();
	j->n_left++;
	if (j->left_fd < 0 && journal_open(j) == 0) {
		char *p = xasprintf("%s/left_out.ndjson", j->dir);

		j->left_fd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		free(p);
	}
	o = json_pack("{s:s, s:s, s:s}", "path", top, "op", op, "reason", why);
	line = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (j->left_fd >= 0 && line) {
		size_t n = strlen(line);

		line[n] = '\n'; /* json_dumps's NUL: the line's end */
		if (nono_write_all(j->left_fd, line, n + 1) < 0)
			log_warn("rollback: cannot list %s as left out: %s", top, strerror(errno));
	}
	free(line);
	return true;
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
		/* its bytes would not come back: the call that would
		 * destroy them is refused */
		j->n_failed_large++;
		r = -EFBIG;
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
		if (left_out(j, child, op))
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

	if ((r = journal_open(j)) < 0) {
		j->n_failed++;
		if (r == -ENOSPC || r == -EDQUOT)
			j->n_failed_space++;
		return r;
	}
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
		if (S_ISREG(st.st_mode) && j->persist_only &&
		    nono_persist_kind(j->persist, canon, NULL) == NONO_PERSIST_NONE) {
			return 0; /* --no-rollback: only what the sweep needs */
		} else if (S_ISREG(st.st_mode)) {
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
		if (r == -ENOSPC || r == -EDQUOT)
			j->n_failed_space++;
		return r;
	}
	key = nono_entry_to_json(&e);
	free(e.target);
	line = xasprintf("%s\n", key);
	free(key);
	len = strlen(line);
	if (write(j->manifest_fd, line, len) != (ssize_t)len) {
		r = -(errno ? errno : ENOSPC);
		free(line);
		j->n_failed++;
		if (r == -ENOSPC || r == -EDQUOT)
			j->n_failed_space++;
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
	if (j->gitignore && !j->git) {
		j->git = nono_gitignore_new();
		j->gitignore = j->git != NULL;
	}
	/* before it lands: a changed .gitignore stops being consulted */
	nono_gitignore_changed(j->git, canon);
	if (dfd < 0 && errno != ENOENT && errno != ENOTDIR) {
		/* a directory above it became a symlink meanwhile */
		r = -errno;
		j->n_failed++;
	} else if (!under_roots(j, canon)) {
		r = 0;
	} else if (tfind(canon, &j->seen, cmp_str)) {
		/* recorded before (chmod, mkdir, a write); a directory that
		 * now moves away takes its content along: record that */
		if (tree && dfd >= 0 && fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
			r = record_children(j, canon, op);
	} else if (!left_out(j, canon, op)) {
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
		return 0; /* nothing was changed: no session was made */
	if (nono_manifest_read(j->dir, &es, &n, &err) < 0) {
		log_warn("rollback: %s", err.msg);
		changed = -1;
	}
	for (size_t i = 0; i < n; i++)
		if (changed >= 0 && nono_entry_touched(&es[i]))
			changed++;
	/* what the session left, so that a restore keeps work done after it */
	if (changed > 0 && nono_after_write(j->dir, es, n) < 0)
		log_warn("rollback: cannot record what session %s left: a restore will tell later changes by their "
			 "times only",
			 j->id);
	for (size_t i = 0; i < n; i++)
		nono_entry_free(&es[i]);
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
	if (j->left_fd >= 0)
		close(j->left_fd);
	nono_gitignore_free(j->git);
	tdestroy(j->seen, free_key);
	tdestroy(j->walked, free_key);
	tdestroy(j->left, free_key);
	nono_strv_free(&j->roots);
	nono_strv_free(&j->exclude);
	nono_strv_free(&j->argv);
	free(j->store);
	free(j->id);
	free(j->dir);
	free(j->cwd);
	free(j->profile);
	free(j->restore_of);
	memset(j, 0, sizeof(*j));
	j->manifest_fd = j->lock_fd = j->pack_fd = j->left_fd = -1;
}
