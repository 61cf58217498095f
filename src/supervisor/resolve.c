/* resolve.c - see resolve.h (supervisor side). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/sys.h"
#include "base/util.h"
#include "supervisor/resolve.h"

void
nono_thread_init(struct nono_thread *t, int tid)
{
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->pidfd = t->rootfd = t->cwdfd = -1;
}

void
nono_thread_release(struct nono_thread *t)
{
	if (t->pidfd >= 0)
		close(t->pidfd);
	if (t->rootfd >= 0)
		close(t->rootfd);
	if (t->cwdfd >= 0)
		close(t->cwdfd);
	t->pidfd = t->rootfd = t->cwdfd = -1;
}

/* the last number of a "Name:\t1\t2" line */
static int
last_number(const char *line)
{
	const char *p = line + strlen(line);

	while (p > line && (p[-1] == '\n' || p[-1] == ' ' || p[-1] == '\t'))
		p--;
	while (p > line && p[-1] >= '0' && p[-1] <= '9')
		p--;
	return atoi(p);
}

/* Tgid, NStgid, NSpid and Umask from /proc/TID/status */
static int
read_status(struct nono_thread *t)
{
	char path[64], line[256];
	FILE *f;

	if (t->status_read)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/status", t->tid);
	if (!(f = fopen(path, "re")))
		return -errno;
	t->umask = 022;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Umask:", 6))
			t->umask = (unsigned)strtoul(line + 6, NULL, 8);
		else if (!strncmp(line, "Tgid:", 5))
			t->tgid = last_number(line);
		else if (!strncmp(line, "NStgid:", 7))
			t->ns_tgid = last_number(line);
		else if (!strncmp(line, "NSpid:", 6))
			t->ns_tid = last_number(line);
	}
	fclose(f);
	if (t->tgid <= 0 || t->ns_tgid <= 0 || t->ns_tid <= 0)
		return -ESRCH;
	t->status_read = true;
	return 0;
}

int
nono_thread_umask(struct nono_thread *t, unsigned *out)
{
	int r = read_status(t);

	*out = r < 0 ? 022 : t->umask;
	return r;
}

static int
thread_pidfd(struct nono_thread *t)
{
	int r;

	if (t->pidfd >= 0)
		return t->pidfd;
	if ((t->pidfd = nono_sys_pidfd_open_thread(t->tid)) >= 0)
		return t->pidfd;
	/* before Linux 6.9: the process's pidfd reaches the thread's
	 * descriptors only when the thread shares its table */
	if ((r = read_status(t)) < 0)
		return r;
	if (t->tid != t->tgid && nono_sys_kcmp_files(t->tid, t->tgid) != 0)
		return -EPERM;
	if ((t->pidfd = nono_sys_pidfd_open(t->tgid)) < 0)
		return -errno;
	return t->pidfd;
}

int
nono_thread_getfd(struct nono_thread *t, int fd)
{
	int pfd = thread_pidfd(t), r;

	if (pfd < 0)
		return pfd;
	if (fd < 0)
		return -EBADF;
	r = nono_sys_getfd(pfd, fd);
	return r < 0 ? -errno : r;
}

/* /proc/TID/WHAT as an O_PATH descriptor: the thread's root, cwd, exe */
static int
proc_object(int tid, const char *what)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", tid, what);
	fd = open(path, O_PATH | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int
nono_thread_fd_object(struct nono_thread *t, int fd, bool *copy)
{
	char what[32];
	int r = nono_thread_getfd(t, fd);

	*copy = r >= 0;
	if (r != -EPERM && r != -ENOSYS)
		return r;
	snprintf(what, sizeof(what), "fd/%d", fd);
	r = proc_object(t->tid, what);
	return r == -ENOENT ? -EBADF : r;
}

/* The object behind the thread's descriptor fd, good as a directory to
 * resolve from. */
static int
fd_object(struct nono_thread *t, int fd)
{
	bool copy;

	return nono_thread_fd_object(t, fd, &copy);
}

static int
cached(int *slot, int tid, const char *what)
{
	if (*slot < 0)
		*slot = proc_object(tid, what);
	return *slot;
}

char *
nono_fd_path(int fd, bool *deleted)
{
	char link[40], buf[PATH_MAX];
	struct stat st;
	ssize_t n;

	*deleted = false;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n <= 0 || buf[0] != '/')
		return NULL; /* pipe:[..], socket:[..], anon_inode:..., too long */
	buf[n] = '\0';
	if (fstat(fd, &st) == 0 && st.st_nlink == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
		*deleted = true;
		return NULL;
	}
	return xstrdup(buf);
}

char *
nono_path_split_leaf(const char *path, const char **leaf)
{
	size_t e = strlen(path), s;

	while (e > 0 && path[e - 1] == '/')
		e--;
	if (e == 0) { /* "" or only slashes */
		*leaf = path + strlen(path);
		return xstrdup(path[0] == '/' ? "/" : "");
	}
	s = e;
	while (s > 0 && path[s - 1] != '/')
		s--;
	*leaf = path + s;
	if (s == 0)
		return xstrdup("");
	while (s > 1 && path[s - 1] == '/')
		s--;
	return xasprintf("%.*s", (int)s, path);
}

/* path with '//' and '/./' squeezed, or NULL when it holds a '..' (never
 * translated: the walk then meets the magic links themselves and fails) */
static char *
squeeze(const char *path)
{
	char *out = xmalloc(strlen(path) + 2), *o = out;
	const char *p = path;

	while (*p) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			free(out);
			return NULL;
		}
		if (n && !(n == 1 && p[0] == '.')) {
			*o++ = '/';
			memcpy(o, p, n);
			o += n;
		}
		p += n;
	}
	if (o == out)
		*o++ = '/';
	*o = '\0';
	return out;
}

static bool
take_prefix(const char **p, const char *prefix)
{
	size_t l = strlen(prefix);

	if (strncmp(*p, prefix, l) || ((*p)[l] != '/' && (*p)[l] != '\0'))
		return false;
	*p += l;
	return true;
}

/* "/proc/N[/task/M]/what..." of the thread's own process: its descriptor,
 * cwd, root or exe as an object, *rest what follows. 1 when translated. */
static int
own_proc_object(struct nono_thread *t, const char *p, int *obj, const char **rest)
{
	char own[32], task[48];
	bool thread = false;
	int fd;

	snprintf(own, sizeof(own), "/proc/%d", t->ns_tgid);
	snprintf(task, sizeof(task), "/task/%d", t->ns_tid);
	if (!take_prefix(&p, own))
		return 0;
	if (take_prefix(&p, task))
		thread = true;
	if (take_prefix(&p, "/fd")) {
		char *end;
		long n;

		if (*p != '/' || p[1] < '0' || p[1] > '9')
			return 0; /* the fd directory itself: not a link */
		n = strtol(p + 1, &end, 10);
		if ((*end != '/' && *end != '\0') || n > INT_MAX)
			return 0;
		fd = fd_object(t, (int)n);
		p = end;
	} else {
		static const char *const links[] = {"cwd", "root", "exe"};
		size_t i;

		for (i = 0; i < 3; i++) {
			char pre[8];

			snprintf(pre, sizeof(pre), "/%s", links[i]);
			if (take_prefix(&p, pre))
				break;
		}
		if (i == 3)
			return 0;
		fd = proc_object(thread ? t->tid : t->tgid, links[i]);
	}
	if (fd < 0)
		return fd;
	*obj = fd;
	*rest = *p == '/' ? p + 1 : p;
	return 1;
}

/* An absolute path as the program means it: *obj set to an object (its
 * descriptor, cwd, root) and *rel to what lies beneath it; or *obj -1 and
 * *rel the path to resolve in the program's root. */
static int
translate(struct nono_thread *t, const char *path, int *obj, char **rel)
{
	char *sq, *named = NULL;
	const char *p, *rest;
	int r;

	*obj = -1;
	*rel = NULL;
	if (strncmp(path, "/proc", 5) && strncmp(path, "/dev", 4)) {
		*rel = xstrdup(path);
		return 0;
	}
	if (!(sq = squeeze(path))) {
		*rel = xstrdup(path);
		return 0;
	}
	if ((r = read_status(t)) < 0) {
		free(sq);
		return r;
	}
	p = sq;
	if (!strcmp(p, "/dev/stdin") || !strcmp(p, "/dev/stdout") || !strcmp(p, "/dev/stderr")) {
		r = fd_object(t, p[7] == 'i' ? 0 : p[8] == 'o' ? 1 : 2);
		free(sq);
		if (r < 0)
			return r;
		*obj = r;
		*rel = xstrdup("");
		return 0;
	}
	if (take_prefix(&p, "/dev/fd"))
		named = xasprintf("/proc/%d/fd%s", t->ns_tgid, p);
	else if (take_prefix(&p, "/proc/thread-self"))
		named = xasprintf("/proc/%d/task/%d%s", t->ns_tgid, t->ns_tid, p);
	else if (take_prefix(&p, "/proc/self"))
		named = xasprintf("/proc/%d%s", t->ns_tgid, p);
	else
		named = xstrdup(sq);
	free(sq);
	r = own_proc_object(t, named, obj, &rest);
	if (r < 0) {
		free(named);
		return r;
	}
	*rel = xstrdup(r ? rest : named);
	free(named);
	return 0;
}

static char *
canon_of(int fd, const char *leaf, bool *deleted)
{
	char *dir = nono_fd_path(fd, deleted), *name, *out;

	if (!dir || !leaf)
		return dir;
	name = xasprintf("%.*s", (int)strcspn(leaf, "/"), leaf);
	out = strcmp(dir, "/") ? xasprintf("%s/%s", dir, name) : xasprintf("/%s", name);
	free(dir);
	free(name);
	return out;
}

/* The directory the resolution starts from and the path beneath it. */
static int
start(struct nono_thread *t, long long dirfd, const char *p, unsigned long long resolve, int *base, bool *own,
      bool *inroot, char **rel)
{
	int r;

	*own = false;
	*inroot = false;
	if (p[0] == '/' && !(resolve & (RESOLVE_IN_ROOT | RESOLVE_BENEATH))) {
		if ((r = translate(t, p, base, rel)) < 0)
			return r;
		if (*base >= 0) {
			*own = true;
			return 0;
		}
		*inroot = true;
		*base = cached(&t->rootfd, t->tid, "root");
		return *base < 0 ? *base : 0;
	}
	*rel = xstrdup(p);
	if (dirfd == AT_FDCWD) {
		*base = cached(&t->cwdfd, t->tid, "cwd");
		return *base < 0 ? *base : 0;
	}
	*base = fd_object(t, (int)dirfd);
	*own = *base >= 0;
	return *base < 0 ? *base : 0;
}

int
nono_resolve(struct nono_target *out, struct nono_thread *t, long long dirfd, const char *path, unsigned how,
	     unsigned long long resolve)
{
	struct open_how oh = {.flags = O_PATH | O_CLOEXEC};
	char *dir = NULL, *rel = NULL;
	const char *leaf = NULL, *p = path;
	bool own, inroot;
	int base = -1, fd, r;

	memset(out, 0, sizeof(*out));
	out->dfd = out->ofd = -1;
	if (!path)
		return -EFAULT;
	if (how & NONO_RES_PARENT) {
		p = dir = nono_path_split_leaf(path, &leaf);
		if (!*leaf) {
			free(dir);
			return *path ? -EBUSY : -ENOENT; /* "/" itself, or "" */
		}
		out->leaf = xstrdup(leaf);
	} else if (!*path && !(how & NONO_RES_EMPTY)) {
		return -ENOENT;
	}
	if ((r = start(t, dirfd, p, resolve, &base, &own, &inroot, &rel)) < 0)
		goto out;
	oh.resolve = resolve | RESOLVE_NO_MAGICLINKS | (inroot ? RESOLVE_IN_ROOT : 0);
	if (how & NONO_RES_PARENT)
		oh.flags |= O_DIRECTORY;
	else if (!(how & NONO_RES_FOLLOW))
		oh.flags |= O_NOFOLLOW;
	if (!*rel) {
		struct stat st;

		fd = own ? base : fcntl(base, F_DUPFD_CLOEXEC, 3);
		own = false;
		if (fd >= 0 && (how & NONO_RES_PARENT) && (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode))) {
			close(fd);
			fd = -1;
			errno = ENOTDIR;
		}
	} else {
		fd = nono_sys_openat2(base, rel, &oh);
	}
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	if (how & NONO_RES_PARENT)
		out->dfd = fd;
	else
		out->ofd = fd;
	out->canon = canon_of(fd, out->leaf, &out->deleted);
out:
	if (own && base >= 0)
		close(base);
	free(rel);
	free(dir);
	if (r < 0)
		nono_target_free(out);
	return r;
}

void
nono_target_free(struct nono_target *t)
{
	if (t->dfd >= 0)
		close(t->dfd);
	if (t->ofd >= 0)
		close(t->ofd);
	free(t->leaf);
	free(t->canon);
	memset(t, 0, sizeof(*t));
	t->dfd = t->ofd = -1;
}
