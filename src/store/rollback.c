/* rollback.c - see rollback.h (supervisor side). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "store/after.h"
#include "store/journal.h"
#include "store/rollback.h"

static int
open_nofollow(const char *path, int flags)
{
	struct open_how how = {.flags = (unsigned long long)flags | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS};

	return (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
}

/* ---- sessions ----------------------------------------------------------- */

static bool
valid_id(const char *id)
{
	/* this nono's and older ones' (util.h): never a path */
	return nono_session_id_valid(id);
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
	s->left_out = (int)json_integer_value(json_object_get(o, "left_out"));
	s->refused = (int)json_integer_value(json_object_get(o, "refused"));
	s->persist_only = json_is_true(json_object_get(o, "persist_only"));
	json_array_foreach(json_object_get(o, "exclude"), i, v)
	{
		if (json_is_string(v))
			nono_strv_push(&s->exclude, json_string_value(v));
	}
	json_array_foreach(json_object_get(o, "roots"), i, v)
	{
		if (json_is_string(v))
			nono_strv_push(&s->roots, json_string_value(v));
	}
	v = json_object_get(o, "ended_ns");
	/* an older session: to the second, and a second's grace; one that never
	 * ended (its supervisor was killed): not known */
	s->ended_ns = json_is_integer(v) ? json_integer_value(v) : s->ended ? (s->ended + 1) * 1000000000LL : LLONG_MAX;
	if (json_is_string(json_object_get(o, "restore_of")))
		s->restore_of = xstrdup(json_string_value(json_object_get(o, "restore_of")));
	json_decref(o);
	s->running = lock_held(s->dir);
	return 0;
}

int
nono_rb_left_read(const char *dir, struct nono_rb_left **out, size_t *n, struct nono_error *err)
{
	char *path = xasprintf("%s/left_out.ndjson", dir), *line = NULL;
	FILE *f = fopen(path, "re");
	size_t cap = 0, lineno = 0;
	int r = 0;

	*out = NULL;
	*n = 0;
	if (!f) {
		r = errno == ENOENT ? 0 : nono_error_set(err, -errno, "%s: %s", path, strerror(errno));
		free(path);
		return r;
	}
	while (getline(&line, &cap, f) > 0) {
		json_error_t je;
		json_t *o = json_loads(line, 0, &je);
		const char *p = json_string_value(json_object_get(o, "path"));

		lineno++;
		if (!p) {
			r = nono_error_set(err, -EINVAL, "%s:%zu:%d: not a left-out path", path, lineno, je.column);
			json_decref(o);
			break;
		}
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[*n].path = xstrdup(p);
		(*out)[*n].op = xstrdup(json_string_value(json_object_get(o, "op")) ?: "");
		(*out)[*n].reason = xstrdup(json_string_value(json_object_get(o, "reason")) ?: "");
		(*n)++;
		json_decref(o);
	}
	free(line);
	fclose(f);
	free(path);
	return r;
}

void
nono_rb_left_free(struct nono_rb_left *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(l[i].path);
		free(l[i].op);
		free(l[i].reason);
	}
	free(l);
}

void
nono_rb_session_free(struct nono_rb_session *s)
{
	free(s->id);
	free(s->dir);
	free(s->command);
	free(s->cwd);
	free(s->restore_of);
	nono_strv_free(&s->exclude);
	nono_strv_free(&s->roots);
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
	    [NONO_RB_KEEP] = "unchanged",   [NONO_RB_WRITE] = "restore",      [NONO_RB_CHMOD] = "chmod",
	    [NONO_RB_MKDIR] = "mkdir",	    [NONO_RB_SYMLINK] = "symlink",    [NONO_RB_REMOVE] = "remove",
	    [NONO_RB_LINK] = "link",	    [NONO_RB_NOTSAVED] = "not saved", [NONO_RB_VCS] = "vcs",
	    [NONO_RB_CONFLICT] = "changed", [NONO_RB_FAILED] = "failed",
	};
	return names[a];
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

bool
nono_rb_vcs_path(const char *path)
{
	static const char *const vcs[] = {".git", ".hg", ".svn"};

	for (const char *c = path; c && *c; c = strchr(c + 1, '/')) {
		const char *name = *c == '/' ? c + 1 : c;
		size_t n = strcspn(name, "/");

		for (size_t i = 0; i < sizeof(vcs) / sizeof(vcs[0]); i++)
			if (n == strlen(vcs[i]) && strncmp(name, vcs[i], n) == 0)
				return true;
	}
	return false;
}

/* What a removal spares: the session's excluded paths, and unless asked
 * for, the VCS directories. */
struct spare {
	const struct nono_strv *exclude;
	bool vcs;
};

static bool
excluded(const char *path, void *ctx)
{
	const struct spare *sp = ctx;

	return nono_journal_excluded(sp->exclude, path) || (sp->vcs && nono_rb_vcs_path(path));
}

/* Remove name in dfd, recursively, leaving spared paths (and the
 * directories that hold them) alone. */
static int
remove_at(int dfd, const char *name, const char *path, const struct spare *sp)
{
	return nono_rm_at(dfd, name, path, sp ? excluded : NULL, (void *)sp);
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

#define SAVED_CORRUPT "its saved content is corrupt ('nono rollback verify')"
#define SAVED_MISSING "its saved content is missing from the store"

/* Write e's saved content to out from its start, checked against its
 * SHA-256 before a byte of it is written, and cut out to its length. */
static int
write_saved(const char *store, const char *dir, const struct nono_entry *e, int out, const char **msg)
{
	char hex[65], buf[65536], *obj;
	long long len = 0;
	ssize_t k = 0;
	int in, r = 0;

	if (lseek(out, 0, SEEK_SET) < 0)
		return -errno;
	if (e->pack >= 0) {
		size_t n;
		char *p = nono_entry_content(store, dir, e, &n);

		if (!p) {
			r = -errno;
			*msg = r == -EBADMSG ? SAVED_CORRUPT : SAVED_MISSING;
			return r;
		}
		r = nono_write_all(out, p, n);
		len = (long long)n;
		free(p);
	} else {
		obj = nono_store_object_path(store, e->sha256);
		in = open(obj, O_RDONLY | O_CLOEXEC);
		r = in < 0 ? -errno : 0;
		free(obj);
		if (r < 0) {
			*msg = SAVED_MISSING;
			return r;
		}
		if (nono_sha256_fd(in, hex) < 0 || strcmp(hex, e->sha256) != 0 || lseek(in, 0, SEEK_SET) < 0) {
			close(in);
			*msg = SAVED_CORRUPT;
			return -EIO;
		}
		while (r == 0 && (k = read(in, buf, sizeof(buf))) > 0) {
			r = nono_write_all(out, buf, (size_t)k);
			len += k;
		}
		if (r == 0 && k < 0)
			r = -errno;
		close(in);
	}
	if (r == 0 && ftruncate(out, (off_t)len) < 0)
		r = -errno;
	return r;
}

static int
put_file(const char *store, const char *dir, int dfd, const char *leaf, const struct nono_entry *e, const char **msg)
{
	char tmp[96];
	int out, r;
	struct stat st;

	out = tmp_name(dfd, tmp, sizeof(tmp), O_RDWR, 0600);
	if (out < 0)
		return -errno;
	r = write_saved(store, dir, e, out, msg);
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

/* ---- hard links ----------------------------------------------------------- */

/* A file with hard links is one inode under several names, and its names
 * outside the grants are never journaled: a restore that wrote a new file
 * for the recorded name would leave them with what the session wrote. So a
 * file recorded with more than one name is restored by inode:
 *
 * - a name that still holds the inode (the program wrote it in place:
 *   `echo new > a`, open("w"), truncate) gets the content back *in place*:
 *   the inode is opened without following a symlink, checked by (dev, ino)
 *   through that descriptor, rewritten through it, and its owner and mode
 *   put back, so that every other name of it, in the grants or not, has
 *   the bytes back;
 * - a name the program replaced (`mv x a`, an editor's write-and-rename,
 *   a deletion) is linked back to the inode when another name still holds
 *   it: a path the session recorded, or a file beside a recorded name. The
 *   inode is first restored in place through that name (the program may
 *   have written through `a` before replacing it), then linked to a
 *   temporary name through /proc/self/fd (exactly the inode checked),
 *   checked again, and renamed over `a`;
 * - when no name that holds it can be found (its other names are outside
 *   the grants, or were all removed), the first recorded name is written
 *   as a new file and the other recorded names are linked to it. Names out
 *   of reach keep the old inode as it is: a program that wrote through `a`
 *   in place and then replaced `a` leaves them changed (an inode without a
 *   known name can be opened only with CAP_DAC_READ_SEARCH).
 *
 * Why (dev, ino) identifies it: every change of a name in the grants is
 * journaled before it runs, so a name recorded as naming (dev, ino) named
 * that inode before the session, and a file beside it that the session
 * never recorded (nor excluded) still names what it named then; the number
 * names no other file while the inode lives. Only once all its names are gone can the number be
 * reused, by a file the session made; restoring into that one gives it the
 * saved content, owner and mode: the state a new file would have. Restore
 * writes only into a regular file that a path inside the grants names now
 * (which the sandbox could write anyway), never through a symlink.
 * Modification times are not put back, as for any restored file. */

struct rb_inode {
	unsigned long long dev, ino; /* as recorded */
	unsigned names;		     /* names it had when recorded */
	char *held;		     /* a path that names it now, or NULL */
	/* restoring: the path and inode its names are brought back to */
	char *at;
	unsigned long long at_dev, at_ino;
	bool begun, wrote, chmodded;
	int err;
	const char *msg;
};

struct nono_rb_links {
	struct rb_inode *v; /* by dev and ino */
	size_t n;
};

static int
cmp_inode(const void *a, const void *b)
{
	const struct rb_inode *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static struct rb_inode *
inode_find(const struct nono_rb_links *l, unsigned long long dev, unsigned long long ino)
{
	struct rb_inode key = {.dev = dev, .ino = ino};

	return l && l->n ? bsearch(&key, l->v, l->n, sizeof(*l->v), cmp_inode) : NULL;
}

static bool
hard_linked(const struct nono_entry *e)
{
	return e->type == NONO_ENTRY_FILE && e->saved && e->nlink > 1;
}

static struct rb_inode *
inode_of(const struct nono_rb_links *l, const struct nono_entry *e)
{
	return hard_linked(e) ? inode_find(l, e->dev, e->ino) : NULL;
}

/* Files in dir that are inodes of l no name of which was found yet. */
static void
scan_dir(struct nono_rb_links *l, const char *dir, const struct nono_strv *exclude)
{
	int fd = open_nofollow(dir, O_RDONLY | O_DIRECTORY);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	struct stat st;

	if (!d || fstat(dirfd(d), &st) < 0) {
		if (d)
			closedir(d);
		else if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d))) {
		struct rb_inode *g = inode_find(l, st.st_dev, de->d_ino);
		struct stat fst;
		char *p;

		if (!g || g->held || (de->d_type != DT_REG && de->d_type != DT_UNKNOWN))
			continue;
		if (fstatat(dirfd(d), de->d_name, &fst, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(fst.st_mode) ||
		    fst.st_dev != g->dev || fst.st_ino != g->ino)
			continue;
		p = nono_path_join(dir, de->d_name);
		if (nono_journal_excluded(exclude, p))
			free(p);
		else
			g->held = p;
	}
	closedir(d);
}

static int
cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A path that names each inode now: any path of the session, else a file
 * in the directory of one of its recorded names. */
static void
find_held(struct nono_rb_links *l, const struct nono_entry *es, size_t n, const struct nono_strv *exclude)
{
	struct nono_strv dirs = {0};
	struct stat st;

	for (size_t i = 0; i < n; i++) {
		struct rb_inode *g;

		if (lstat(es[i].path, &st) == 0 && S_ISREG(st.st_mode) && (g = inode_find(l, st.st_dev, st.st_ino)) &&
		    !g->held)
			g->held = xstrdup(es[i].path);
	}
	for (size_t i = 0; i < n; i++) {
		struct rb_inode *g = inode_of(l, &es[i]);

		if (g && !g->held)
			nono_strv_push_owned(&dirs, nono_path_dirname(es[i].path));
	}
	if (dirs.n)
		qsort(dirs.v, dirs.n, sizeof(*dirs.v), cmp_strp);
	for (size_t i = 0; i < dirs.n; i++)
		if (i == 0 || strcmp(dirs.v[i], dirs.v[i - 1]) != 0)
			scan_dir(l, dirs.v[i], exclude);
	nono_strv_free(&dirs);
}

struct nono_rb_links *
nono_rb_links_find(const struct nono_entry *es, size_t n, const struct nono_strv *exclude)
{
	struct nono_rb_links *l = xcalloc(1, sizeof(*l));
	size_t m = 0, k = 0;

	for (size_t i = 0; i < n; i++)
		m += hard_linked(&es[i]);
	if (m == 0)
		return l;
	l->v = xcalloc(m, sizeof(*l->v));
	for (size_t i = 0; i < n; i++)
		if (hard_linked(&es[i]))
			l->v[l->n++] = (struct rb_inode){.dev = es[i].dev, .ino = es[i].ino, .names = es[i].nlink};
	qsort(l->v, l->n, sizeof(*l->v), cmp_inode);
	for (size_t i = 0; i < l->n; i++)
		if (k == 0 || cmp_inode(&l->v[i], &l->v[k - 1]) != 0)
			l->v[k++] = l->v[i];
	l->n = k;
	find_held(l, es, n, exclude);
	return l;
}

enum nono_rb_link
nono_rb_links_how(const struct nono_rb_links *l, const struct nono_entry *e, unsigned *names)
{
	const struct rb_inode *g = inode_of(l, e);
	struct stat st;

	if (!g)
		return NONO_RB_LINK_NONE;
	if (names)
		*names = g->names;
	if (lstat(e->path, &st) == 0 && S_ISREG(st.st_mode) && st.st_dev == g->dev && st.st_ino == g->ino)
		return NONO_RB_LINK_IN_PLACE;
	return g->held ? NONO_RB_LINK_BACK : NONO_RB_LINK_NEW;
}

const char *
nono_rb_link_name(enum nono_rb_link k)
{
	static const char *const names[] = {
	    [NONO_RB_LINK_NONE] = "",
	    [NONO_RB_LINK_IN_PLACE] = "in place",
	    [NONO_RB_LINK_BACK] = "link back",
	    [NONO_RB_LINK_NEW] = "new file",
	};
	return names[k];
}

void
nono_rb_links_free(struct nono_rb_links *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].held);
		free(l->v[i].at);
	}
	free(l->v);
	free(l);
}

/* The regular file at path, opened (flags) without following a symlink in
 * any component, and only if it is the inode (dev, ino): checked through
 * the descriptor, so a name swapped in between is never used. */
static int
open_inode(const char *path, unsigned long long dev, unsigned long long ino, int flags)
{
	const char *leaf;
	int dfd = open_parent_dir(path, false, &leaf), fd, e;
	struct stat st;

	if (dfd < 0)
		return -1;
	fd = openat(dfd, leaf, flags | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	e = errno;
	close(dfd);
	errno = e;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_dev != dev || st.st_ino != ino) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	return fd;
}

/* fd, a file checked by its inode, opened again for writing through
 * /proc/self/fd: that very inode, whatever its names are now. One its
 * owner made read-only is made writable first (the mode is put back
 * after). */
static int
reopen_write(int fd)
{
	char proc[32];
	struct stat st, wst;
	int w;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	w = open(proc, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (w < 0 && errno == EACCES && fstat(fd, &st) == 0 && fchmod(fd, (st.st_mode & 07777) | S_IWUSR) == 0)
		w = open(proc, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (w >= 0 &&
	    (fstat(fd, &st) < 0 || fstat(w, &wst) < 0 || st.st_dev != wst.st_dev || st.st_ino != wst.st_ino)) {
		close(w);
		errno = ESTALE;
		return -1;
	}
	return w;
}

/* Put the saved content, owner and mode back into g's inode itself,
 * through the name that holds it now: every other name of it has them
 * back too. When that name no longer holds it, the inode is given up and
 * its names are restored as a new file. */
static void
inode_put(const char *store, const char *dir, const struct nono_entry *e, struct rb_inode *g, bool dry_run)
{
	int fd = open_inode(g->held, g->dev, g->ino, O_RDONLY), w = -1, r = 0;
	struct stat st;
	char hex[65];

	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		free(g->held);
		g->held = NULL;
		return;
	}
	g->wrote = st.st_size != e->size || nono_sha256_fd(fd, hex) < 0 || strcmp(hex, e->sha256) != 0;
	g->chmodded = (st.st_mode & 0777) != (e->mode & 0777);
	if (!dry_run && g->wrote) {
		w = reopen_write(fd);
		if (w < 0 && errno == ENOENT) /* no /proc: by its name, checked again */
			w = open_inode(g->held, g->dev, g->ino, O_WRONLY);
		r = w < 0 ? -errno : write_saved(store, dir, e, w, &g->msg);
		if (r == 0)
			r = put_owner(-1, NULL, w, e);
	}
	/* even after a failed write: reopen_write may have made it writable */
	if (!dry_run && (g->wrote || g->chmodded) && fchmod(fd, e->mode & 0777) < 0 && r == 0)
		r = -errno;
	if (w >= 0)
		close(w);
	close(fd);
	g->err = r;
	g->at = xstrdup(g->held);
	g->at_dev = g->dev;
	g->at_ino = g->ino;
}

/* Make leaf (in dfd) a name of the inode g's names come back to: linked
 * to a temporary name through a descriptor of it (checked by dev and ino),
 * checked again, renamed over whatever leaf is now. Where it cannot be
 * linked (another filesystem, protected_hardlinks, the inode gone), the
 * name gets the content as a file of its own. */
static enum nono_rb_action
link_back(const char *store, const char *dir, const struct nono_entry *e, struct rb_inode *g, int dfd, const char *leaf,
	  const char **msg, int *err)
{
	char tmp[96], proc[32];
	struct stat st;
	int fd = open_inode(g->at, g->at_dev, g->at_ino, O_PATH), r = -1;

	for (int i = 0; fd >= 0 && i < 100; i++) {
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		snprintf(tmp, sizeof(tmp), ".nono-restore-%d-%ld-%d", (int)getpid(), (long)time(NULL), i);
		r = linkat(AT_FDCWD, proc, dfd, tmp, AT_SYMLINK_FOLLOW);
		if (r < 0 && errno == ENOENT && access("/proc/self/fd", F_OK) < 0)
			r = linkat(fd, "", dfd, tmp, AT_EMPTY_PATH); /* no /proc: root can */
		if (r == 0 || errno != EEXIST)
			break;
	}
	if (r == 0 &&
	    (fstatat(dfd, tmp, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != g->at_dev || st.st_ino != g->at_ino)) {
		unlinkat(dfd, tmp, 0);
		r = -1;
	}
	if (r < 0) {
		*err = put_file(store, dir, dfd, leaf, e, msg);
		if (*err == 0 && fd < 0 && fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			/* the inode's last name is gone: the others come to this one */
			free(g->at);
			g->at = xstrdup(e->path);
			g->at_dev = st.st_dev;
			g->at_ino = st.st_ino;
		}
		if (fd >= 0)
			close(fd);
		return NONO_RB_WRITE;
	}
	close(fd);
	/* a directory made during the session where the file was */
	if (fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
		r = remove_at(dfd, leaf, e->path, NULL);
	if (r == 0 && renameat(dfd, tmp, dfd, leaf) < 0)
		r = -errno;
	/* renaming a name over another of the same inode leaves both */
	if (fstatat(dfd, tmp, &st, AT_SYMLINK_NOFOLLOW) == 0)
		unlinkat(dfd, tmp, 0);
	*err = r;
	return NONO_RB_LINK;
}

/* The first name of a group whose inode no name holds any more: kept when
 * it is the saved file already, else written as a new one. The group's
 * other names are linked to it. */
static enum nono_rb_action
first_name(const char *store, const char *dir, const struct nono_entry *e, struct rb_inode *g, int dfd,
	   const char *leaf, const struct stat *st, bool dry_run, const char **msg, int *err)
{
	enum nono_rb_action a = NONO_RB_WRITE;
	struct stat now = *st;

	if (S_ISREG(st->st_mode) && st->st_size == e->size && nono_store_same_content(e->path, e->sha256)) {
		a = (st->st_mode & 0777) != (e->mode & 0777) ? NONO_RB_CHMOD : NONO_RB_KEEP;
		if (a == NONO_RB_CHMOD && !dry_run && fchmodat(dfd, leaf, e->mode & 0777, AT_SYMLINK_NOFOLLOW) < 0)
			*err = -errno;
	} else if (!dry_run) {
		*err = put_file(store, dir, dfd, leaf, e, msg);
		if (*err == 0 && fstatat(dfd, leaf, &now, AT_SYMLINK_NOFOLLOW) < 0)
			*err = -errno;
	} else {
		/* a dry run: the others would be linked to it */
		memset(&now, 0, sizeof(now));
	}
	g->at = xstrdup(e->path);
	g->at_dev = now.st_dev;
	g->at_ino = now.st_ino;
	return a;
}

/* A name of a file with hard links (see above); its inode is put back by
 * inode_put before any name is restored. */
static enum nono_rb_action
restore_linked(const char *store, const struct nono_rb_session *s, const struct nono_entry *e, struct rb_inode *g,
	       bool dry_run, const char **msg, int *err)
{
	const char *leaf;
	struct stat st;
	enum nono_rb_action a;
	int dfd;

	if (g->err) {
		*err = g->err;
		*msg = g->msg;
		return NONO_RB_FAILED;
	}
	dfd = open_parent_dir(e->path, !dry_run, &leaf);
	if (dfd < 0) {
		if (dry_run && errno == ENOENT) {
			a = g->at ? NONO_RB_LINK : NONO_RB_WRITE;
			if (!g->at)
				g->at = xstrdup(e->path);
			return a;
		}
		*err = -errno;
		*msg = errno == ELOOP ? "a directory above it is now a symlink: refusing to follow it" : NULL;
		return NONO_RB_FAILED;
	}
	if (fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
		memset(&st, 0, sizeof(st));
	if (g->at && S_ISREG(st.st_mode) && st.st_dev == g->at_dev && st.st_ino == g->at_ino)
		a = g->wrote ? NONO_RB_WRITE : g->chmodded ? NONO_RB_CHMOD : NONO_RB_KEEP;
	else if (g->at)
		a = dry_run ? NONO_RB_LINK : link_back(store, s->dir, e, g, dfd, leaf, msg, err);
	else
		a = first_name(store, s->dir, e, g, dfd, leaf, &st, dry_run, msg, err);
	close(dfd);
	return *err < 0 ? NONO_RB_FAILED : a;
}

/* A directory: its mode put back, or made again (writable until the
 * children are back; the mode is set on a last pass). st: what is there. */
static enum nono_rb_action
restore_dir(int dfd, const char *leaf, const struct stat *st, const struct nono_entry *e, bool dry_run, int *r)
{
	if (st && S_ISDIR(st->st_mode)) {
		if (!dry_run && fchmodat(dfd, leaf, e->mode & 07777, AT_SYMLINK_NOFOLLOW) < 0)
			*r = -errno;
		return NONO_RB_CHMOD;
	}
	if (!dry_run) {
		if (st)
			*r = remove_at(dfd, leaf, e->path, NULL);
		if (*r == 0 && mkdirat(dfd, leaf, 0700) < 0)
			*r = -errno;
		if (*r == 0)
			*r = put_owner(dfd, leaf, -1, e);
	}
	return NONO_RB_MKDIR;
}

/* A symbolic link, made beside and renamed into place. st: what is there. */
static int
restore_symlink(int dfd, const char *leaf, const struct stat *st, const struct nono_entry *e)
{
	char tmp[96];
	int r = 0;

	snprintf(tmp, sizeof(tmp), ".nono-restore-%d-link", (int)getpid());
	unlinkat(dfd, tmp, 0);
	if (st && S_ISDIR(st->st_mode))
		r = remove_at(dfd, leaf, e->path, NULL);
	if (r == 0 && symlinkat(e->target, dfd, tmp) < 0)
		r = -errno;
	if (r == 0)
		r = put_owner(dfd, tmp, -1, e);
	if (r == 0 && renameat(dfd, tmp, dfd, leaf) < 0) {
		r = -errno;
		unlinkat(dfd, tmp, 0);
	}
	return r;
}

static enum nono_rb_action
restore_one(const char *store, const struct nono_rb_session *s, const struct nono_entry *e,
	    const struct nono_rb_links *links, const struct spare *sp, bool dry_run, const char **msg, int *err)
{
	struct rb_inode *g = inode_of(links, e);
	const char *leaf;
	struct stat st;
	bool exists;
	int dfd, r = 0;
	enum nono_rb_action a;

	*err = 0;
	*msg = NULL;
	if (g)
		return restore_linked(store, s, e, g, dry_run, msg, err);
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
			r = remove_at(dfd, leaf, e->path, sp);
		break;
	case NONO_ENTRY_FILE:
		if (!e->saved) {
			close(dfd);
			*msg = "it was over the size limit and was not saved";
			return NONO_RB_NOTSAVED;
		}
		if (exists && S_ISREG(st.st_mode) && st.st_size == e->size &&
		    nono_store_same_content(e->path, e->sha256)) {
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
		a = restore_dir(dfd, leaf, exists ? &st : NULL, e, dry_run, &r);
		break;
	case NONO_ENTRY_SYMLINK:
		a = NONO_RB_SYMLINK;
		if (!dry_run)
			r = restore_symlink(dfd, leaf, exists ? &st : NULL, e);
		break;
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

/* ---- a safe restore ------------------------------------------------------------- */

/* What a restore of es[i] does anything to: selected (--path), not under
 * a directory the session made (its removal covers it), not in a VCS
 * directory left alone. */
static bool
selected(const struct nono_entry *es, size_t n, size_t i, const struct nono_rb_restore_opts *o)
{
	return (!o->only || nono_path_under(es[i].path, o->only)) && !under_absent(es, n, i) &&
	       (o->include_vcs || !nono_rb_vcs_path(es[i].path));
}

/* Whether restoring e changes anything now. */
static bool
needs_work(const struct nono_entry *e, const struct nono_rb_links *links)
{
	return inode_of(links, e) || nono_entry_changed(e);
}

/* The paths not as the session left them, each reported: their number. */
static unsigned
conflicts(const struct nono_rb_session *s, const struct nono_entry *es, size_t n, const struct nono_rb_restore_opts *o,
	  struct nono_rb_report *rep)
{
	struct nono_after *a = nono_after_read(s->dir);
	unsigned k = 0;

	for (size_t i = 0; i < n; i++) {
		const char *why = NULL;

		/* a path already as it was before the session loses nothing */
		if (!selected(es, n, i, o) || !nono_entry_changed(&es[i]) ||
		    !nono_after_changed(a, es[i].path, es[i].type == NONO_ENTRY_ABSENT, s->ended_ns, &s->exclude, &why))
			continue;
		k++;
		rep->n[NONO_RB_CONFLICT]++;
		if (rep->each)
			rep->each(rep->ctx, es[i].path, NONO_RB_CONFLICT, why);
	}
	nono_after_free(a);
	return k;
}

/* The restore point: a rollback session of its own that saves the state
 * of every path the restore will change (a directory it removes or
 * replaces, whole). 0, or -errno with err: then nothing is restored. */
static int
point_begin(struct nono_journal *j, const char *store, const struct nono_rb_session *s, const struct nono_entry *es,
	    size_t n, const struct nono_rb_links *links, const struct nono_rb_restore_opts *o, struct nono_error *err)
{
	struct nono_strv roots = {0};
	char *argv[] = {(char *)"nono", (char *)"rollback", (char *)"restore", s->id, NULL};
	char *cwd = getcwd(NULL, 0);
	/* everything it changes is saved, whatever a .gitignore says */
	struct nono_journal_opts jo = {
	    .store = store, .argv = argv, .cwd = cwd, .restore_of = s->id, .no_gitignore = true};
	int r;

	nono_strv_push(&roots, "/");
	jo.roots = &roots;
	r = nono_journal_begin(j, &jo, err);
	nono_strv_free(&roots);
	free(cwd);
	for (size_t i = 0; r == 0 && i < n; i++) {
		const struct rb_inode *g = inode_of(links, &es[i]);
		struct stat st;
		bool dir_goes = lstat(es[i].path, &st) == 0 && S_ISDIR(st.st_mode) && es[i].type != NONO_ENTRY_DIR;

		if (!selected(es, n, i, o) || !needs_work(&es[i], links))
			continue;
		r = nono_journal_record(j, es[i].path, "restore", dir_goes, false);
		/* the name a file with hard links is written back through */
		if (r == 0 && g && g->held)
			r = nono_journal_record(j, g->held, "restore", false, false);
		if (r < 0)
			nono_error_set(err, r, "cannot make the restore point: %s could not be saved: %s", es[i].path,
				       strerror(-r));
	}
	return r;
}

/* The restore point made: its id, or NULL (and gone) when nothing changed. */
static char *
point_end(struct nono_journal *j)
{
	char *id = NULL;

	if (!j->dir) {
		/* nothing changed: its directory was never made */
		nono_journal_free(j);
		return NULL;
	}
	if (nono_journal_end(j, 0) > 0)
		id = xstrdup(j->id);
	else
		nono_rm_rf(j->dir);
	nono_journal_free(j);
	return id;
}

/* Put es back: files with hard links into their inodes first, then each
 * path, then the directories' modes, deepest first. */
static void
restore_all(const char *store, const struct nono_rb_session *s, struct nono_entry *es, size_t n,
	    struct nono_rb_links *links, const struct nono_rb_restore_opts *o, struct nono_rb_report *rep)
{
	struct spare sp = {&s->exclude, !o->include_vcs};

	/* the content of each file with hard links goes back into its inode
	 * first, through a name that holds it, before any name is removed or
	 * replaced */
	for (size_t i = 0; i < n; i++) {
		struct rb_inode *g = inode_of(links, &es[i]);

		if (!g || g->begun || !selected(es, n, i, o))
			continue;
		g->begun = true;
		if (g->held)
			inode_put(store, s->dir, &es[i], g, o->dry_run);
	}
	for (size_t i = 0; i < n; i++) {
		const char *msg;
		int e = 0;
		enum nono_rb_action a;

		if (rep->progress)
			rep->progress(rep->ctx, i, n);
		if (!selected(es, n, i, o)) {
			if ((!o->only || nono_path_under(es[i].path, o->only)) && !under_absent(es, n, i) &&
			    needs_work(&es[i], links)) {
				rep->n[NONO_RB_VCS]++;
				if (rep->each && o->dry_run)
					rep->each(rep->ctx, es[i].path, NONO_RB_VCS, NULL);
			}
			continue;
		}
		a = restore_one(store, s, &es[i], links, &sp, o->dry_run, &msg, &e);
		rep->n[a]++;
		if (rep->each && a != NONO_RB_KEEP)
			rep->each(rep->ctx, es[i].path, a, msg ? msg : e ? strerror(-e) : NULL);
	}
	/* directories get their modes last, deepest first, once their
	 * children are back */
	for (size_t i = n; !o->dry_run && i-- > 0;) {
		int fd;

		if (es[i].type != NONO_ENTRY_DIR || !selected(es, n, i, o))
			continue;
		/* by a descriptor reached without a symlink: chmod(path) would
		 * follow one swapped in meanwhile (root restoring: any file) */
		fd = open_nofollow(es[i].path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
		if (fd >= 0) {
			if (fchmod(fd, es[i].mode & 07777) < 0)
				log_warn("rollback: cannot set the mode of %s: %s", es[i].path, strerror(errno));
			close(fd);
		}
	}
	if (rep->progress)
		rep->progress(rep->ctx, n, n);
}

int
nono_rb_restore(const char *store, const struct nono_rb_session *s, const struct nono_rb_restore_opts *o,
		struct nono_rb_report *rep, char **point_id, struct nono_error *err)
{
	struct nono_journal point = {0};
	struct nono_entry *es;
	struct nono_rb_links *links;
	unsigned changed;
	size_t n;
	int r;

	*point_id = NULL;
	if (s->running && !o->dry_run) {
		nono_error_set(err, -EBUSY, "rollback session %s is still running", s->id);
		nono_error_hint(err, "restore it once its program has exited");
		return -EBUSY;
	}
	if ((r = nono_manifest_read(s->dir, &es, &n, err)) < 0)
		return r;
	qsort(es, n, sizeof(*es), cmp_entry);
	links = nono_rb_links_find(es, n, &s->exclude);
	changed = conflicts(s, es, n, o, rep);
	if (changed && !o->force && !o->dry_run) {
		r = nono_error_set(err, -EEXIST, "%u path%s changed since session %s ended: nothing was restored",
				   changed, changed == 1 ? "" : "s", s->id);
		nono_error_hint(err,
				"--force overwrites %s (a restore point keeps them); --dry-run shows what it would do",
				changed == 1 ? "it" : "them");
		goto out;
	}
	if (!o->dry_run && !o->no_point && (r = point_begin(&point, store, s, es, n, links, o, err)) < 0) {
		if (point.dir)
			nono_rm_rf(point.dir);
		nono_journal_free(&point);
		goto out;
	}
	restore_all(store, s, es, n, links, o, rep);
	*point_id = point_end(&point);
	r = 0;
out:
	nono_rb_links_free(links);
	for (size_t i = 0; i < n; i++)
		nono_entry_free(&es[i]);
	free(es);
	return r;
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
			char *buf = nono_entry_content(store, s->dir, &es[i], &len);

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
