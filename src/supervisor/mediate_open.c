/* mediate_open.c - open, openat, openat2 and creat under the rollback
 * journal, and openat2 always (its mode is in memory): the supervisor opens
 * the file itself, on a worker confined by the sandbox's Landlock rules,
 * after journaling exactly the file it opens, and installs the descriptor in
 * the program (SECCOMP_IOCTL_NOTIF_ADDFD) (supervisor side). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/sys.h"
#include "base/util.h"
#include "sandbox/syscalls.h"
#include "supervisor/approvals.h"
#include "supervisor/mediate.h"

#ifndef __O_TMPFILE
#define __O_TMPFILE 020000000
#endif
#define SUID_BITS (S_ISUID | S_ISGID)
/* openat2's first struct size (flags, mode, resolve) */
#define OPEN_HOW_SIZE_VER0 24
/* the flags open(2) knows; openat2 refuses the others */
#define VALID_OPEN                                                                                                     \
	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC | O_ASYNC | O_DIRECT |    \
	 O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_SYNC | O_PATH | __O_TMPFILE)

struct open_req {
	unsigned long long flags, mode, resolve;
};

/* The call's flags, mode and resolve rules. 0 or -errno. */
static int
open_request(struct nono_call *c, struct open_req *o)
{
	const struct nono_syscall *sc = c->sc;

	memset(o, 0, sizeof(*o));
	if (sc->fixed & NONO_SC_CREAT) {
		o->flags = O_CREAT | O_WRONLY | O_TRUNC;
		o->mode = c->n->args[sc->mode] & 07777;
	} else if (sc->fixed & NONO_SC_OPENAT2) {
		struct open_how how;
		unsigned long long size = c->n->args[3], rest[64];
		int r;

		if (size < OPEN_HOW_SIZE_VER0)
			return -EINVAL;
		if (size > 4096)
			return -E2BIG;
		memset(&how, 0, sizeof(how));
		if ((r = nono_mem_read(c->n->pid, c->n->args[2], &how, size < sizeof(how) ? size : sizeof(how))) < 0)
			return r == -EFAULT ? -EFAULT : -EPERM;
		/* a larger struct's unknown fields must be zero */
		for (unsigned long long off = sizeof(how); off < size; off += sizeof(rest)) {
			size_t n = size - off < sizeof(rest) ? (size_t)(size - off) : sizeof(rest);

			if ((r = nono_mem_read(c->n->pid, c->n->args[2] + off, rest, n)) < 0)
				return -EPERM;
			for (size_t i = 0; i < n; i++)
				if (((unsigned char *)rest)[i])
					return -E2BIG;
		}
		o->flags = how.flags;
		o->mode = how.mode;
		o->resolve = how.resolve;
		if (o->mode & ~07777ULL || (o->mode && !(o->flags & (O_CREAT | __O_TMPFILE))))
			return -EINVAL;
	} else {
		o->flags = (unsigned)c->n->args[sc->flags] & VALID_OPEN;
		o->mode = (o->flags & (O_CREAT | __O_TMPFILE)) ? c->n->args[sc->mode] & 07777 : 0;
	}
	/* never a setuid or setgid file (the filter refuses the others) */
	if ((o->flags & (O_CREAT | __O_TMPFILE)) && (o->mode & SUID_BITS))
		return -EPERM;
	return 0;
}

static long
job_reopen(struct nono_job *j)
{
	char pp[32];
	/* close-on-exec here whatever the program asked: ADDFD gives it its own */
	int fd = open(nono_procpath(pp, j->fd[0]), (int)j->arg[0] | O_NOCTTY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* never through a magic link: the worker's /proc/self is the supervisor */
static long
job_openat(struct nono_job *j)
{
	unsigned long long flags = (unsigned long long)j->arg[0];
	struct open_how how = {.flags = flags | O_NOCTTY | O_CLOEXEC,
			       .mode = nono_job_mode(j, (unsigned)j->arg[1]),
			       .resolve = RESOLVE_NO_MAGICLINKS};
	int fd = nono_sys_openat2(j->fd[0], j->str[0], &how), r;

	if (fd < 0)
		return -errno;
	/* made here (O_EXCL, O_TMPFILE): the program's umask, where the worker has none of its own */
	if (((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL) || (flags & __O_TMPFILE) == __O_TMPFILE) &&
	    (r = nono_job_fix_mode(j, fd, -1, NULL, S_IFREG, (unsigned)j->arg[1])) < 0) {
		close(fd);
		return r;
	}
	return fd;
}

/* The open as an answer: a descriptor the worker made, or an error. */
static void
answer_open(struct nono_call *c, long r)
{
	if (r >= 0) {
		c->kind = NONO_ANS_FD;
		c->val = r;
	} else {
		c->kind = NONO_ANS_VALUE;
		c->val = r;
	}
}

/* The sandbox's rules refused the open (EACCES on the confined worker):
 * with capability elevation it waits for an answer, on the object
 * resolved here (fd: O_PATH of the file; or the directory fd and leaf). */
static bool
elevate(struct nono_call *c, const struct open_req *o, enum nono_approval_kind kind, int fd, const char *leaf,
	const char *canon)
{
	struct nono_approval_req req = {.kind = kind, .ofd = fd, .leaf = (char *)leaf, .path = (char *)canon};
	unsigned acc = (unsigned)(o->flags & O_ACCMODE), u = 022;

	req.access = acc == O_RDONLY ? NONO_ACC_READ : acc == O_WRONLY ? NONO_ACC_WRITE : NONO_ACC_RW;
	if (o->flags & (O_TRUNC | O_CREAT))
		req.access |= NONO_ACC_WRITE;
	req.flags = (int)(o->flags & ~(unsigned long long)(O_CREAT | O_EXCL));
	req.mode = (unsigned)o->mode;
	nono_thread_umask(&c->t, &u);
	req.umask = u;
	req.cloexec = c->cloexec;
	return nono_call_elevate(c, &req);
}

/* O_TMPFILE: an unnamed file in a directory; nothing to journal until a
 * link gives it a name (linkat is journaled). */
static void
open_tmpfile(struct nono_call *c, const struct open_req *o)
{
	struct nono_job j = NONO_JOB(job_openat);
	struct nono_target t;
	int r;

	if ((r = nono_call_target(c, &t, c->sc->dirfd, c->sc->path, NONO_RES_FOLLOW, o->resolve)) < 0) {
		answer_open(c, r);
		return;
	}
	j.fd[0] = t.ofd;
	j.str[0] = ".";
	j.arg[0] = (long long)o->flags;
	j.arg[1] = (long long)o->mode;
	{
		unsigned u;

		nono_thread_umask(&c->t, &u);
		j.umask = (int)(u & 0777);
	}
	answer_open(c, nono_call_alive(c) ? nono_call_perform(c, &j) : -EINTR);
	nono_target_free(&t);
}

/* /dev/tty is the opener's controlling terminal, which the supervisor's
 * thread does not share: the terminal of the calling thread's process
 * (its stat's tty_nr), as an O_PATH descriptor, or -ENXIO as the kernel
 * answers a process without one. */
static int
caller_tty(const struct nono_call *c)
{
	char path[64], buf[1024], *p;
	unsigned long nr = 0;
	unsigned maj, min;
	struct stat st;
	int fd, i;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", c->t.tid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -ENXIO;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	/* after the name: state ppid pgrp session tty_nr */
	if (!(p = strrchr(buf, ')')))
		return -ENXIO;
	for (i = 0, p++; i < 4 && p; i++)
		p = strchr(p + 1, ' ');
	if (!p || (nr = strtoul(p + 1, NULL, 10)) == 0)
		return -ENXIO;
	maj = (unsigned)((nr >> 8) & 0xfff);
	min = (unsigned)((nr & 0xff) | ((nr >> 12) & 0xfff00));
	if (maj >= 136 && maj <= 143)
		snprintf(path, sizeof(path), "/dev/pts/%u", (maj - 136) * 256 + min);
	else if (maj == 4 && min < 64)
		snprintf(path, sizeof(path), "/dev/tty%u", min);
	else
		return -ENXIO;
	if ((fd = open(path, O_PATH | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return -ENXIO;
	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(maj, min)) {
		close(fd);
		return -ENXIO;
	}
	return fd;
}

/* The file exists (o found it): journal it when the open may change it,
 * then open that very file again with the program's flags. */
static void
open_existing(struct nono_call *c, const struct open_req *o, struct nono_target *obj)
{
	struct nono_job j = NONO_JOB(job_reopen);
	bool writes = (o->flags & (O_WRONLY | O_RDWR | O_TRUNC)) != 0;
	struct stat st;
	int r;

	if (fstat(obj->ofd, &st) < 0) {
		answer_open(c, -errno);
		return;
	}
	if ((o->flags & O_TRUNC) && S_ISREG(st.st_mode) &&
	    (r = nono_call_truncate_ok(c, obj->deleted ? NULL : obj->canon)) < 0) {
		answer_open(c, r);
		return;
	}
	if (writes && S_ISREG(st.st_mode) && (r = nono_call_journal(c, obj->deleted ? NULL : obj->canon, false)) < 0) {
		char *what = xasprintf("%s (the rollback journal could not save it)", obj->canon);

		nono_call_refuse(c, r, NONO_REP_OTHER, what);
		nono_call_audit(c, o->flags & O_TRUNC ? "open-trunc" : "open-write", obj->canon);
		free(what);
		return;
	}
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(5, 0)) {
		if ((r = caller_tty(c)) < 0) {
			answer_open(c, r);
			return;
		}
		close(obj->ofd);
		obj->ofd = r;
	}
	j.fd[0] = obj->ofd;
	/* found already: not created, not a link to refuse */
	j.arg[0] = (long long)(o->flags & ~(unsigned long long)(O_CREAT | O_EXCL | O_NOFOLLOW));
	if (!obj->deleted) {
		/* what Landlock checks of it: a read is in the trail only when refused */
		if ((o->flags & O_ACCMODE) != O_WRONLY && !(o->flags & O_PATH))
			nono_call_check(c, obj->canon, NONO_OP_READ, NONO_REP_READ);
		if (writes)
			nono_call_check(c, obj->canon, NONO_OP_WRITE, NONO_REP_WRITE);
		if ((o->flags & O_TRUNC) && S_ISREG(st.st_mode))
			nono_call_check(c, obj->canon, NONO_OP_DELETE, NONO_REP_DELETE);
	}
	nono_call_audit(c, !writes ? "open-read" : o->flags & O_TRUNC ? "open-trunc" : "open-write", obj->canon);
	c->audit_if_refused = !writes;
	if (S_ISFIFO(st.st_mode) && !(o->flags & (O_NONBLOCK | O_PATH))) {
		/* a FIFO's open waits for the other end: not on the loop */
		nono_call_perform_async(c, &j, true);
		return;
	}
	r = (int)nono_call_perform(c, &j);
	if (r == -EACCES && !obj->deleted && elevate(c, o, NONO_APPROVAL_OPEN, obj->ofd, NULL, obj->canon))
		return;
	answer_open(c, r);
}

/* The path a dangling symlink at t's leaf would create, or NULL. */
static char *
dangling_target(const struct nono_target *t)
{
	char name[NAME_MAX + 1], buf[PATH_MAX], *dir, *out;
	struct stat st;
	ssize_t n;

	if (!t->canon || t->deleted)
		return NULL;
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(t->leaf, "/"), t->leaf);
	if (fstatat(t->dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISLNK(st.st_mode))
		return NULL;
	if ((n = readlinkat(t->dfd, name, buf, sizeof(buf) - 1)) <= 0)
		return NULL;
	buf[n] = '\0';
	if (buf[0] == '/')
		return xstrdup(buf);
	dir = nono_path_dirname(t->canon);
	out = nono_path_join(dir, buf);
	free(dir);
	return out;
}

/* Create leaf in t's directory (the program asked O_CREAT and nothing is
 * there). 1 when something appeared meanwhile: the caller starts again. */
static int
open_create(struct nono_call *c, const struct open_req *o, struct nono_target *t)
{
	struct nono_job j = NONO_JOB(job_openat);
	unsigned u;
	int r;

	char *link = dangling_target(t);
	bool dangling = link != NULL;

	r = nono_call_journal(c, link ? link : t->deleted || !t->canon ? NULL : t->canon, false);
	free(link);
	if (r < 0) {
		char *what = xasprintf("%s (the rollback journal could not save it)", t->canon ? t->canon : "?");

		nono_call_refuse(c, r, NONO_REP_OTHER, what);
		nono_call_audit(c, o->flags & O_TRUNC ? "open-trunc" : "open-write", t->canon);
		free(what);
		return 0;
	}
	if (!t->deleted)
		nono_call_check(c, t->canon, NONO_OP_WRITE, NONO_REP_WRITE);
	j.fd[0] = t->dfd;
	j.str[0] = t->leaf;
	/* O_EXCL: what the journal saw absent is what gets created (through
	 * a dangling link, the kernel creates the link's target) */
	j.arg[0] = (long long)(o->flags | (dangling ? 0 : O_EXCL));
	j.arg[1] = (long long)o->mode;
	nono_thread_umask(&c->t, &u);
	j.umask = (int)(u & 0777);
	r = (int)nono_call_perform(c, &j);
	if (r == -EEXIST && !(o->flags & O_EXCL))
		return 1;
	if (r == -EACCES && !dangling && !t->deleted && elevate(c, o, NONO_APPROVAL_CREATE, t->dfd, t->leaf, t->canon))
		return 0;
	nono_call_audit(c, o->flags & O_TRUNC ? "open-trunc" : "open-write", t->canon);
	answer_open(c, r);
	return 0;
}

/* ---- capability elevation's quick way for reads ---------------------------- */

/* The paths beneath which the launch's rules grant reads: each rule's
 * canonical path, and the path as written where it was absolute (/lib
 * for /usr/lib), so a program's spelling is found without resolving it. */
static void
fast_paths(struct nono_mediator *m)
{
	const struct nono_policy *p = m->policy;

	for (size_t i = 0; i < p->n_rules; i++) {
		const struct nono_rule *r = &p->rules[i];

		if (!(r->access & NONO_ACC_READ))
			continue;
		nono_strv_push_owned(&m->fast, xasprintf("%c%s", r->is_file ? 'f' : 'd', r->path));
		if (r->given && r->given[0] == '/' && strcmp(r->given, r->path) && !strstr(r->given, "/.."))
			nono_strv_push_owned(&m->fast, xasprintf("%c%s", r->is_file ? 'f' : 'd', r->given));
	}
	nono_strv_push(&m->fast, "-"); /* built */
}

/* The directory a relative path starts from: the thread's working
 * directory or its descriptor's path, as /proc names it. */
static bool
fast_base(const struct nono_call *c, char *buf, size_t n)
{
	long long dfd = nono_call_dirfd(c, c->sc->dirfd);
	char link[64];
	ssize_t len;

	if (dfd == AT_FDCWD)
		snprintf(link, sizeof(link), "/proc/%d/cwd", c->n->pid);
	else
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", c->n->pid, (int)dfd);
	if ((len = readlink(link, buf, n - 1)) <= 0 || buf[0] != '/')
		return false;
	buf[len] = '\0';
	return true;
}

bool
nono_mediate_open_fast(struct nono_call *c)
{
	const struct nono_syscall *sc = c->sc;
	unsigned long long flags = c->n->args[sc->flags];
	char *path = NULL, base[PATH_MAX], *abs = NULL;
	bool inside = false;

	/* 020000000: O_TMPFILE without the O_DIRECTORY that glibc's __O_TMPFILE has */
	if ((sc->fixed & (NONO_SC_OPENAT2 | NONO_SC_CREAT)) || (flags & (O_ACCMODE | O_CREAT | O_TRUNC | 020000000)))
		return false;
	if (nono_call_path(c, sc->path, &path) < 0)
		return false;
	if (path[0] == '/')
		abs = path;
	else if (fast_base(c, base, sizeof(base)))
		abs = nono_path_join(base, path);
	/* ".." may leave through a link: the whole way decides those */
	if (abs && !strstr(abs, "/..")) {
		if (!c->m->fast.n)
			fast_paths(c->m);
		for (size_t i = 0; !inside && i + 1 < c->m->fast.n; i++) {
			const char *f = c->m->fast.v[i];

			inside = f[0] == 'f' ? !strcmp(abs, f + 1) : nono_path_under(abs, f + 1);
		}
	}
	if (abs != path)
		free(abs);
	free(path);
	/* Landlock still decides in the kernel: continuing grants nothing */
	if (inside)
		c->kind = NONO_ANS_CONTINUE;
	return inside;
}

/* ---- the handler -------------------------------------------------------------- */

void
nono_mediate_open(struct nono_call *c)
{
	const struct nono_syscall *sc = c->sc;
	bool nofollow;
	struct open_req o;
	int r;

	if ((r = open_request(c, &o)) < 0) {
		if (r == -EPERM) {
			/* a setuid mode, or an argument not read exactly */
			nono_call_refuse(c, r, NONO_REP_OTHER, "a setuid or setgid file, or an unreadable argument");
			nono_call_audit(c, "open", "(a setuid or setgid mode, or an argument not read exactly)");
		}
		return answer_open(c, r);
	}
	c->cloexec = (o.flags & O_CLOEXEC) != 0;
	if ((o.flags & __O_TMPFILE) == __O_TMPFILE)
		return open_tmpfile(c, &o);
	/* O_CREAT|O_EXCL never follows a link in the last component */
	nofollow = (o.flags & O_NOFOLLOW) || (o.flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL);
	for (int attempt = 0; attempt < 8; attempt++) {
		struct nono_target obj, parent;

		r = nono_call_target(c, &obj, sc->dirfd, sc->path, nofollow ? 0 : NONO_RES_FOLLOW, o.resolve);
		if (r == 0 && !nono_call_alive(c))
			r = -EINTR;
		if (r == 0 && (o.flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
			r = -EEXIST;
		else if (r == 0 && nofollow && (o.flags & O_NOFOLLOW) && !(o.flags & O_PATH)) {
			struct stat st;

			if (fstat(obj.ofd, &st) == 0 && S_ISLNK(st.st_mode))
				r = -ELOOP;
		}
		if (r == 0) {
			open_existing(c, &o, &obj);
			nono_target_free(&obj);
			return;
		}
		if (r != -ENOENT || !(o.flags & O_CREAT))
			return answer_open(c, r);
		/* nothing there (a dangling link is followed by the create) */
		if ((r = nono_call_target(c, &parent, sc->dirfd, sc->path, NONO_RES_PARENT, o.resolve)) < 0)
			return answer_open(c, r);
		r = open_create(c, &o, &parent);
		nono_target_free(&parent);
		if (r == 0)
			return;
	}
	answer_open(c, -EAGAIN);
}
