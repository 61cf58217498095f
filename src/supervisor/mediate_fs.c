/* mediate_fs.c - the file calls the supervisor performs for the sandbox:
 * metadata (chmod, chown, times, xattrs, inode flags), and with the rollback
 * journal every call that can destroy a path's state (supervisor side).
 *
 * Each handler resolves its paths in the calling thread's context
 * (resolve.c), journals the object it found, and performs the call on that
 * object: metadata on the supervisor's own thread (Landlock has no right
 * for it: the policy decides), everything Landlock does cover on a worker
 * confined by the sandbox's own ruleset (executor.c), so the kernel holds
 * the supervisor's act to the program's rules. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <utime.h>

#include "audit/audit.h"
#include "base/log.h"
#include "base/util.h"
#include "sandbox/syscalls.h"
#include "supervisor/decide.h"
#include "supervisor/approvals.h"
#include "supervisor/mediate.h"

#ifndef O_TMPFILE
#define O_TMPFILE (020000000 | O_DIRECTORY)
#endif
#ifndef XATTR_NAME_MAX
#define XATTR_NAME_MAX 255
#endif
#ifndef XATTR_SIZE_MAX
#define XATTR_SIZE_MAX 65536
#endif
#ifndef FS_IOC_FSSETXATTR
#define FS_IOC_FSSETXATTR 0x401c5820
#endif
#define AT_NOFOLLOW 0x100 /* AT_SYMLINK_NOFOLLOW */
#define SUID_BITS   (S_ISUID | S_ISGID)

/* A refusal: the call fails with err; an argument that could not be read
 * exactly (EPERM) is recorded in the audit trail. */
static void
fail(struct nono_call *c, int err)
{
	c->kind = NONO_ANS_VALUE;
	c->val = err;
	if (err == -EPERM && !c->audit_op) {
		c->audit_meta = true;
		nono_call_audit(c, c->sc->name, "(an argument the supervisor could not read exactly)");
		nono_call_refuse(c, err, NONO_REP_OTHER, "an argument the supervisor could not read exactly");
	}
}

/* The journal could not save what the call would destroy: refused. */
static void
unsaved(struct nono_call *c, int err, const char *canon)
{
	char *what = xasprintf("%s (the rollback journal could not save it)", canon ? canon : "?");

	nono_call_refuse(c, err, NONO_REP_OTHER, what);
	free(what);
}

/* "." and "..": nothing to journal (the call fails or names the parent) */
static bool
dot_leaf(const char *leaf)
{
	size_t n = strcspn(leaf, "/");

	return (n == 1 && leaf[0] == '.') || (n == 2 && leaf[0] == '.' && leaf[1] == '.');
}

/* the journal for a PARENT target's leaf */
static int
journal_leaf(struct nono_call *c, const struct nono_target *t, bool tree)
{
	if (t->deleted || !t->canon || dot_leaf(t->leaf))
		return 0;
	return nono_call_journal(c, t->canon, tree);
}

/* ---- lock directories (filesystem.allow_lock_dir) ----------------------------- */

/* The lock directory a PARENT target names: its directory is, by device and
 * inode, the one the lock's parent was at launch, and its leaf is the lock's
 * name (one component). NULL for anything else. */
static const struct nono_lockdir *
lockdir_of(const struct nono_call *c, const struct nono_target *t)
{
	struct stat st;

	if (!c->m->policy->n_lock_dirs || t->dfd < 0 || t->deleted || fstat(t->dfd, &st) < 0 || !S_ISDIR(st.st_mode))
		return NULL;
	return nono_policy_lockdir(c->m->policy, (unsigned long long)st.st_dev, (unsigned long long)st.st_ino, t->leaf);
}

/* The same for an object the call found (utimes on the lock, as a lock
 * library refreshes it): a directory whose canonical path is a lock's,
 * reached again from the lock's parent without following a link, and
 * the same inode there. */
static const struct nono_lockdir *
lockdir_object(const struct nono_call *c, const struct nono_target *t, const struct stat *st)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS};
	const struct nono_lockdir *l = NULL;
	struct nono_target parent = {.dfd = -1, .ofd = -1};
	struct stat in;
	char *dir;

	if (!c->m->policy->n_lock_dirs || !t->canon || t->deleted || !S_ISDIR(st->st_mode))
		return NULL;
	dir = nono_path_split_leaf(t->canon, (const char **)&parent.leaf);
	parent.dfd = (int)syscall(SYS_openat2, AT_FDCWD, dir, &how, sizeof(how));
	if (parent.dfd >= 0 && (l = lockdir_of(c, &parent)) &&
	    (fstatat(parent.dfd, l->name, &in, AT_SYMLINK_NOFOLLOW) < 0 || in.st_dev != st->st_dev ||
	     in.st_ino != st->st_ino))
		l = NULL;
	if (parent.dfd >= 0)
		close(parent.dfd);
	free(dir);
	return l;
}

static long
job_lockdir(struct nono_job *j)
{
	int r =
	    j->arg[0] ? mkdirat(j->fd[0], j->str[0], (mode_t)j->arg[1]) : unlinkat(j->fd[0], j->str[0], AT_REMOVEDIR);

	return r < 0 ? -errno : 0;
}

/* Make (mkdir) or remove (rmdir) the lock directory l in t's directory. The
 * sandbox's own rules do not reach that directory, so the supervisor acts
 * outside them, on exactly the directory it checked and exactly the name
 * declared: mkdirat and unlinkat(AT_REMOVEDIR) follow no link in their last
 * component, and rmdir removes an empty directory only. */
static void
lockdir_perform(struct nono_call *c, const struct nono_target *t, const struct nono_lockdir *l, bool make,
		long long mode)
{
	struct nono_job j = NONO_JOB(job_lockdir);
	unsigned u;

	c->kind = NONO_ANS_VALUE;
	if (!nono_call_alive(c)) {
		c->val = -EINTR;
		return;
	}
	nono_thread_umask(&c->t, &u);
	j.unconfined = true;
	j.fd[0] = t->dfd;
	j.str[0] = l->name;
	j.arg[0] = make;
	j.arg[1] = mode & 0777 & ~(long long)u;
	c->val = nono_call_perform(c, &j);
	nono_call_audit(c, make ? "mkdir" : "rmdir", l->path);
}

/* ---- metadata: chmod, chown, times, xattrs ---------------------------------- */

/* where the call's own arguments start: after its path or descriptor */
static int
args_base(const struct nono_syscall *sc)
{
	return (sc->path >= 0 ? sc->path : sc->fd) + 1;
}

/* utime, utimes, futimesat, utimensat: the times as two timespecs, or
 * *now when the pointer is NULL. */
static int
read_times(struct nono_call *c, struct timespec ts[2], bool *now)
{
	unsigned long long addr = c->n->args[args_base(c->sc)];
	int pid = c->n->pid, r;

	*now = !addr;
	if (!addr)
		return 0;
	if (c->sc->fixed & NONO_SC_UTIMBUF) {
		struct utimbuf u = {0, 0};

		if ((r = nono_mem_read(pid, addr, &u, sizeof(u))) < 0)
			return r;
		ts[0] = (struct timespec){u.actime, 0};
		ts[1] = (struct timespec){u.modtime, 0};
	} else if (c->sc->fixed & NONO_SC_TIMEVAL) {
		struct timeval tv[2] = {{0, 0}, {0, 0}};

		if ((r = nono_mem_read(pid, addr, tv, sizeof(tv))) < 0)
			return r;
		for (int i = 0; i < 2; i++) {
			if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
				return -EINVAL;
			ts[i] = (struct timespec){tv[i].tv_sec, tv[i].tv_usec * 1000};
		}
	} else if ((r = nono_mem_read(pid, addr, ts, 2 * sizeof(ts[0]))) < 0) {
		return r;
	}
	return 0;
}

/* xattr calls: the name, and for set the value */
static int
read_xattr(struct nono_call *c, char **name, void **value, size_t *size)
{
	int b = args_base(c->sc), r;

	*value = NULL;
	*size = 0;
	r = nono_mem_string(c->n->pid, c->n->args[b], XATTR_NAME_MAX + 1, name);
	if (r == -ENAMETOOLONG)
		return -ERANGE;
	if (r < 0 || c->sc->op != NONO_SC_SETXATTR)
		return r;
	*size = (size_t)c->n->args[b + 2];
	if (*size > XATTR_SIZE_MAX)
		return -E2BIG;
	*value = xmalloc(*size ? *size : 1);
	return nono_mem_read(c->n->pid, c->n->args[b + 1], *value, *size);
}

/* The object a metadata call names. */
static int
meta_target(struct nono_call *c, struct nono_target *t, struct stat *st)
{
	const struct nono_syscall *sc = c->sc;
	unsigned flags = sc->fixed & AT_NOFOLLOW, how;
	int r;

	if (sc->fd >= 0) {
		r = nono_call_fd_target(c, t, nono_call_fd(c, sc->fd));
	} else {
		/* the AT_* flags: not for the xattr calls, whose flags are theirs */
		if (sc->flags >= 0 && sc->op != NONO_SC_SETXATTR)
			flags |= (unsigned)nono_call_arg(c, sc->flags);
		if (flags & ~(AT_NOFOLLOW | AT_EMPTY_PATH))
			return -EINVAL;
		how = (flags & AT_NOFOLLOW ? 0 : NONO_RES_FOLLOW) | (flags & AT_EMPTY_PATH ? NONO_RES_EMPTY : 0);
		/* utimensat(fd, NULL, ...) is futimens(fd) */
		if (sc->op == NONO_SC_UTIME && sc->dirfd >= 0 && !c->n->args[sc->path])
			how |= NONO_RES_EMPTY;
		r = nono_call_target(c, t, sc->dirfd, sc->path, how, 0);
	}
	if (r == 0 && fstat(t->ofd, st) < 0)
		r = -errno;
	return r;
}

static long
set_times(int fd, const struct stat *st, const struct timespec *ts)
{
	int flags = AT_EMPTY_PATH | (S_ISLNK(st->st_mode) ? AT_NOFOLLOW : 0);

	return utimensat(fd, "", ts, flags) < 0 ? -errno : 0;
}

/* Perform the metadata call on the object: its result. */
static long
meta_perform(struct nono_call *c, const struct nono_target *t, const struct stat *st)
{
	const struct nono_syscall *sc = c->sc;
	int b = args_base(sc), ofd = t->ofd;
	/* without a copy (a container refuses pidfd_getfd): the object's O_PATH, by its path */
	bool by_fd = sc->fd >= 0 && t->copy;
	char pp[32];
	long r = 0;

	switch (sc->op) {
	case NONO_SC_CHMOD: {
		mode_t mode = (mode_t)c->n->args[sc->mode] & 07777;

		if (mode & SUID_BITS)
			return -EPERM; /* the filter refuses these; never here either */
		if (by_fd)
			return fchmod(ofd, mode) < 0 ? -errno : 0;
		if (S_ISLNK(st->st_mode))
			return -EOPNOTSUPP;
		return chmod(nono_procpath(pp, ofd), mode) < 0 ? -errno : 0;
	}
	case NONO_SC_CHOWN: {
		uid_t uid = (uid_t)c->n->args[b];
		gid_t gid = (gid_t)c->n->args[b + 1];

		if (by_fd)
			return fchown(ofd, uid, gid) < 0 ? -errno : 0;
		return fchownat(ofd, "", uid, gid, AT_EMPTY_PATH) < 0 ? -errno : 0;
	}
	case NONO_SC_UTIME: {
		struct timespec ts[2];
		bool now;

		if ((r = read_times(c, ts, &now)) < 0)
			return r;
		return set_times(ofd, st, now ? NULL : ts);
	}
	default: {
		char *name = NULL;
		void *value = NULL;
		size_t size;

		if ((r = read_xattr(c, &name, &value, &size)) < 0)
			goto xout;
		if (nono_supervisor_xattr_refused(name)) {
			r = -EPERM;
		} else if (by_fd) {
			r = sc->op == NONO_SC_SETXATTR ? fsetxattr(ofd, name, value, size, (int)c->n->args[b + 3])
						       : fremovexattr(ofd, name);
		} else if (S_ISLNK(st->st_mode)) {
			r = -EPERM; /* no user attributes on symlinks; the rest is not the sandbox's */
		} else {
			nono_procpath(pp, ofd);
			r = sc->op == NONO_SC_SETXATTR ? setxattr(pp, name, value, size, (int)c->n->args[b + 3])
						       : removexattr(pp, name);
		}
		if (r == -1)
			r = -errno;
	xout:
		free(name);
		free(value);
		return r;
	}
	}
}

void
nono_mediate_meta(struct nono_call *c)
{
	struct nono_target t;
	struct stat st;
	int r;

	if ((r = meta_target(c, &t, &st)) < 0)
		return fail(c, r);
	c->kind = NONO_ANS_VALUE;
	c->audit_meta = true;
	nono_call_audit(c, c->sc->name, t.canon ? t.canon : "(no path)");
	/* pipes, sockets and deleted files have no path to protect */
	if (t.canon && (r = nono_supervisor_meta_decision(c->m->policy, t.canon)) < 0 &&
	    !(c->sc->op == NONO_SC_UTIME && lockdir_object(c, &t, &st))) {
		log_info("refused %s on %s", c->sc->name, t.canon);
		nono_call_refuse(c, r, NONO_REP_WRITE, t.canon);
	} else if (!nono_call_alive(c)) {
		c->val = -EINTR;
	} else if ((r = nono_call_journal(c, t.canon, false)) < 0) {
		unsaved(c, r, t.canon);
	} else {
		c->val = meta_perform(c, &t, &st);
	}
	nono_target_free(&t);
}

/* Without a copy of the program's descriptor (a container refuses
 * pidfd_getfd), a file or directory opened again through its O_PATH, for
 * an ioctl; nothing else (a device's open has effects of its own). */
static int
reopen_for_ioctl(struct nono_target *t)
{
	char pp[32];
	struct stat st;
	int fd;

	if (fstat(t->ofd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return -EPERM;
	if ((fd = open(nono_procpath(pp, t->ofd), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) < 0)
		return -errno;
	close(t->ofd);
	t->ofd = fd;
	return 0;
}

/* ioctl(FS_IOC_SETFLAGS / FS_IOC_FSSETXATTR): inode flags, like chmod */
void
nono_mediate_ioctl(struct nono_call *c)
{
	unsigned long cmd = (unsigned)c->n->args[1];
	unsigned char buf[32];
	size_t len = cmd == FS_IOC_FSSETXATTR ? 28 : sizeof(int);
	struct nono_target t;
	int r;

	if ((r = nono_call_fd_target(c, &t, nono_call_fd(c, 0))) < 0)
		return fail(c, r);
	c->kind = NONO_ANS_VALUE;
	c->audit_meta = true;
	nono_call_audit(c, "ioctl-setflags", t.canon ? t.canon : "(no path)");
	if (t.canon && (r = nono_supervisor_meta_decision(c->m->policy, t.canon)) < 0)
		nono_call_refuse(c, r, NONO_REP_WRITE, t.canon);
	else if ((r = nono_mem_read(c->n->pid, c->n->args[2], buf, len)) < 0)
		c->val = r == -EFAULT ? -EFAULT : -EPERM;
	else if (!t.copy && (r = reopen_for_ioctl(&t)) < 0)
		c->val = r;
	else
		c->val = ioctl(t.ofd, cmd, buf) < 0 ? -errno : 0;
	nono_target_free(&t);
}

/* ---- unlink, rename, truncate ------------------------------------------------ */

static long
job_unlinkat(struct nono_job *j)
{
	return unlinkat(j->fd[0], j->str[0], (int)j->arg[0]) < 0 ? -errno : 0;
}

void
nono_mediate_unlink(struct nono_call *c)
{
	const struct nono_syscall *sc = c->sc;
	struct nono_job j = NONO_JOB(job_unlinkat);
	struct nono_target t;
	long long flags = sc->fixed & NONO_SC_RMDIR ? AT_REMOVEDIR : sc->flags >= 0 ? nono_call_arg(c, sc->flags) : 0;
	const struct nono_lockdir *l;
	int r;

	if (flags & ~(long long)AT_REMOVEDIR)
		return fail(c, -EINVAL);
	if ((r = nono_call_target(c, &t, sc->dirfd, sc->path, NONO_RES_PARENT, 0)) < 0)
		return fail(c, r);
	c->kind = NONO_ANS_VALUE;
	if ((flags & AT_REMOVEDIR) && (l = lockdir_of(c, &t))) {
		lockdir_perform(c, &t, l, false, 0);
	} else if (!nono_call_alive(c)) {
		c->val = -EINTR;
	} else if ((r = journal_leaf(c, &t, false)) < 0) {
		unsaved(c, r, t.canon);
	} else {
		j.fd[0] = t.dfd;
		j.str[0] = t.leaf;
		j.arg[0] = flags;
		nono_call_check(c, t.canon, NONO_OP_DELETE, NONO_REP_DELETE);
		c->val = nono_call_perform(c, &j);
		nono_call_audit(c, flags ? "rmdir" : "unlink", t.canon);
	}
	nono_target_free(&t);
}

static long
job_rename(struct nono_job *j)
{
	return renameat2(j->fd[0], j->str[0], j->fd[1], j->str[1], (unsigned)j->arg[0]) < 0 ? -errno : 0;
}

void
nono_mediate_rename(struct nono_call *c)
{
	const struct nono_syscall *sc = c->sc;
	struct nono_job j = NONO_JOB(job_rename);
	struct nono_target from, to;
	long long flags = sc->flags >= 0 ? nono_call_arg(c, sc->flags) : 0;
	int r;

	if ((r = nono_call_target(c, &from, sc->dirfd, sc->path, NONO_RES_PARENT, 0)) < 0)
		return fail(c, r);
	if ((r = nono_call_target(c, &to, sc->dirfd2, sc->path2, NONO_RES_PARENT, 0)) < 0) {
		nono_target_free(&from);
		return fail(c, r);
	}
	c->kind = NONO_ANS_VALUE;
	if (!nono_call_alive(c)) {
		c->val = -EINTR;
	} else if ((r = journal_leaf(c, &from, true)) < 0 || (r = journal_leaf(c, &to, true)) < 0) {
		unsaved(c, r, from.canon);
	} else {
		struct stat st;

		nono_call_check(c, from.canon, NONO_OP_DELETE, NONO_REP_DELETE);
		nono_call_check(c, to.canon, NONO_OP_WRITE, NONO_REP_WRITE);
		/* what it replaces is removed */
		if (to.canon && fstatat(to.dfd, to.leaf, &st, AT_SYMLINK_NOFOLLOW) == 0)
			nono_call_check(c, to.canon, NONO_OP_DELETE, NONO_REP_DELETE);
		j.fd[0] = from.dfd;
		j.str[0] = from.leaf;
		j.fd[1] = to.dfd;
		j.str[1] = to.leaf;
		j.arg[0] = flags;
		c->val = nono_call_perform(c, &j);
		if (from.canon && to.canon) {
			char *both = xasprintf("%s -> %s", from.canon, to.canon);

			nono_call_audit(c, "rename", both);
			free(both);
		}
	}
	nono_target_free(&from);
	nono_target_free(&to);
}

static long
job_truncate(struct nono_job *j)
{
	char pp[32];

	if (j->arg[1])
		return ftruncate(j->fd[0], j->arg[0]) < 0 ? -errno : 0;
	return truncate(nono_procpath(pp, j->fd[0]), j->arg[0]) < 0 ? -errno : 0;
}

/* truncate (a path, followed) and ftruncate (a descriptor) */
void
nono_mediate_truncate(struct nono_call *c)
{
	const struct nono_syscall *sc = c->sc;
	bool by_fd = sc->op == NONO_SC_FTRUNCATE;
	struct nono_job j = NONO_JOB(job_truncate);
	long long len = nono_call_arg(c, 1);
	struct nono_target t;
	struct stat st;
	int r;

	if (by_fd)
		r = nono_call_fd_target(c, &t, nono_call_fd(c, sc->fd));
	else
		r = nono_call_target(c, &t, -1, sc->path, NONO_RES_FOLLOW, 0);
	if (r < 0)
		return fail(c, r);
	c->kind = NONO_ANS_VALUE;
	if (fstat(t.ofd, &st) < 0)
		c->val = -errno;
	else if (len < 0)
		c->val = -EINVAL;
	else if (!by_fd && S_ISDIR(st.st_mode))
		c->val = -EISDIR;
	else if (!by_fd && !S_ISREG(st.st_mode))
		c->val = -EINVAL;
	else if (!nono_call_alive(c))
		c->val = -EINTR;
	else if (S_ISREG(st.st_mode) && (r = nono_call_truncate_ok(c, t.deleted ? NULL : t.canon)) < 0)
		c->val = r;
	else if (S_ISREG(st.st_mode) && (r = nono_call_journal(c, t.deleted ? NULL : t.canon, false)) < 0)
		unsaved(c, r, t.canon);
	else {
		if (!t.deleted)
			nono_call_check(c, t.canon, NONO_OP_DELETE, NONO_REP_DELETE);
		j.fd[0] = t.ofd;
		j.arg[0] = len;
		j.arg[1] = by_fd && t.copy; /* else through the O_PATH: by its path */
		c->val = nono_call_perform(c, &j);
		nono_call_audit(c, "truncate", t.canon);
	}
	nono_target_free(&t);
}

/* ---- creating names: mkdir, mknod, symlink, link ------------------------------- */

static long
job_create(struct nono_job *j)
{
	int r;

	switch (j->arg[0]) {
	case NONO_SC_MKDIR:
		r = mkdirat(j->fd[0], j->str[0], nono_job_mode(j, (unsigned)j->arg[1]));
		if (r == 0)
			return nono_job_fix_mode(j, -1, j->fd[0], j->str[0], S_IFDIR, (unsigned)j->arg[1]);
		break;
	case NONO_SC_MKNOD:
		r = mknodat(j->fd[0], j->str[0], (mode_t)(j->arg[1] & S_IFMT) | nono_job_mode(j, j->arg[1] & 07777),
			    (dev_t)j->arg[2]);
		if (r == 0)
			return nono_job_fix_mode(j, -1, j->fd[0], j->str[0], (unsigned)j->arg[1] & S_IFMT,
						 (unsigned)j->arg[1]);
		break;
	case NONO_SC_SYMLINK:
		r = symlinkat(j->str[1], j->fd[0], j->str[0]);
		break;
	default: {
		char pp[32];

		/* link: the object found, by its descriptor (as for O_TMPFILE) */
		r = linkat(AT_FDCWD, nono_procpath(pp, j->fd[1]), j->fd[0], j->str[0], AT_SYMLINK_FOLLOW);
		break;
	}
	}
	return r < 0 ? -errno : 0;
}

static int
thread_umask(struct nono_call *c)
{
	unsigned u;

	nono_thread_umask(&c->t, &u);
	return (int)(u & 0777);
}

/* mkdir, mknod, symlink: a new name in a directory */
/* The sandbox's rules refused a mkdir: with capability elevation it waits
 * for an answer, made on the directory resolved here. */
static bool
elevate_mkdir(struct nono_call *c, const struct nono_target *t, unsigned mode, unsigned umask)
{
	struct nono_approval_req req = {.kind = NONO_APPROVAL_MKDIR,
					.ofd = t->dfd,
					.leaf = t->leaf,
					.path = t->canon,
					.access = NONO_ACC_WRITE,
					.mode = mode,
					.umask = umask};

	return nono_call_elevate(c, &req);
}

void
nono_mediate_create(struct nono_call *c)
{
	const struct nono_syscall *sc = c->sc;
	struct nono_job j = NONO_JOB(job_create);
	struct nono_target t;
	const struct nono_lockdir *l;
	char *target = NULL;
	int r;

	if (sc->op == NONO_SC_SYMLINK && (r = nono_call_path(c, sc->path2, &target)) < 0)
		return fail(c, r);
	if ((r = nono_call_target(c, &t, sc->dirfd, sc->path, NONO_RES_PARENT, 0)) < 0) {
		free(target);
		return fail(c, r);
	}
	c->kind = NONO_ANS_VALUE;
	j.arg[0] = sc->op;
	if (sc->mode >= 0)
		j.arg[1] = (long long)(c->n->args[sc->mode] & (sc->op == NONO_SC_MKNOD ? 0177777 : 07777));
	if (sc->op == NONO_SC_MKNOD) {
		j.arg[2] = (long long)c->n->args[sc->mode + 1];
		if (!(j.arg[1] & S_IFMT))
			j.arg[1] |= S_IFREG;
	}
	if (sc->op == NONO_SC_MKDIR && (l = lockdir_of(c, &t))) {
		lockdir_perform(c, &t, l, true, j.arg[1]);
	} else if (sc->op == NONO_SC_MKNOD && (j.arg[1] & SUID_BITS)) {
		nono_call_refuse(c, -EPERM, NONO_REP_OTHER, "a setuid or setgid file");
		nono_call_audit(c, sc->name, t.canon);
	} else if (!nono_call_alive(c)) {
		c->val = -EINTR;
	} else if ((r = journal_leaf(c, &t, false)) < 0) {
		unsaved(c, r, t.canon);
	} else {
		if (!t.deleted && !dot_leaf(t.leaf))
			nono_call_check(c, t.canon, NONO_OP_WRITE, NONO_REP_WRITE);
		j.fd[0] = t.dfd;
		j.str[0] = t.leaf;
		j.str[1] = target;
		j.umask = thread_umask(c);
		c->val = nono_call_perform(c, &j);
		/* a refusal waits for an answer with capability elevation, else
		 * it is recorded as it is */
		if (!(c->val == -EACCES && sc->op == NONO_SC_MKDIR && !t.deleted &&
		      elevate_mkdir(c, &t, (unsigned)j.arg[1], (unsigned)j.umask)))
			nono_call_audit(c, sc->name, t.canon);
	}
	free(target);
	nono_target_free(&t);
}

/* link, linkat: a new name for an existing file */
void
nono_mediate_link(struct nono_call *c)
{
	const struct nono_syscall *sc = c->sc;
	struct nono_job j = NONO_JOB(job_create);
	long long flags = sc->flags >= 0 ? nono_call_arg(c, sc->flags) : 0;
	struct nono_target old, to;
	int r;

	if (flags & ~(long long)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return fail(c, -EINVAL);
	r = nono_call_target(
	    c, &old, sc->dirfd, sc->path,
	    (flags & AT_SYMLINK_FOLLOW ? NONO_RES_FOLLOW : 0) | (flags & AT_EMPTY_PATH ? NONO_RES_EMPTY : 0), 0);
	if (r < 0)
		return fail(c, r);
	if ((r = nono_call_target(c, &to, sc->dirfd2, sc->path2, NONO_RES_PARENT, 0)) < 0) {
		nono_target_free(&old);
		return fail(c, r);
	}
	c->kind = NONO_ANS_VALUE;
	/* the new name, and the file: later writes through one change both */
	if (!nono_call_alive(c)) {
		c->val = -EINTR;
	} else if ((r = journal_leaf(c, &to, false)) < 0 ||
		   (r = nono_call_journal(c, old.deleted ? NULL : old.canon, false)) < 0) {
		unsaved(c, r, to.canon);
	} else {
		if (!to.deleted)
			nono_call_check(c, to.canon, NONO_OP_WRITE, NONO_REP_WRITE);
		j.arg[0] = NONO_SC_LINK;
		j.fd[0] = to.dfd;
		j.str[0] = to.leaf;
		j.fd[1] = old.ofd;
		c->val = nono_call_perform(c, &j);
		nono_call_audit(c, "link", to.canon);
	}
	nono_target_free(&old);
	nono_target_free(&to);
}
