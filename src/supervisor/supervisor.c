/* supervisor.c - see supervisor.h (supervisor side).
 *
 * One notification: the row of the syscall table says what the call is and
 * where its arguments are; every argument is read from the program's memory
 * exactly (a fault, secret memory or a short read refuses the call with
 * EPERM); paths are resolved in the calling thread's own context
 * (resolve.c); the object found is checked and journaled; and the
 * supervisor performs the call on that object, on a worker confined by the
 * sandbox's own Landlock rules (executor.c), and returns its result. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <utime.h>

#include "audit/audit.h"
#include "base/log.h"
#include "base/sys.h"
#include "base/util.h"
#include "sandbox/seccomp.h"
#include "sandbox/syscalls.h"
#include "store/journal.h"
#include "supervisor/executor.h"
#include "supervisor/mediate.h"
#include "supervisor/resolve.h"
#include "supervisor/supervisor.h"

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif
#ifndef AT_SYMLINK_NOFOLLOW
#define AT_SYMLINK_NOFOLLOW 0x100
#endif
#ifndef AT_SYMLINK_FOLLOW
#define AT_SYMLINK_FOLLOW 0x400
#endif
#ifndef AT_REMOVEDIR
#define AT_REMOVEDIR 0x200
#endif
#ifndef O_TMPFILE
#define O_TMPFILE (020000000 | O_DIRECTORY)
#endif
#ifndef XATTR_NAME_MAX
#define XATTR_NAME_MAX 255
#endif
#ifndef XATTR_SIZE_MAX
#define XATTR_SIZE_MAX 65536
#endif
#define MAY_WRITE (O_WRONLY | O_RDWR | O_TRUNC | O_CREAT)
/* the largest datagram the supervisor sends for the program */
#define SEND_MAX (4 << 20)

/* ---- pure decisions ------------------------------------------------------ */

int
nono_supervisor_exec_decision(const struct nono_policy *p, const char *path, const char *argv0, const char **category,
			      const char **name)
{
	/* path is canonical when the supervisor calls; realpath is for others */
	char *real = path && path[0] != '/' ? realpath(path, NULL) : NULL;
	const char *cands[] = {path, real, argv0};
	int r = 0;

	*category = NULL;
	*name = NULL;
	for (size_t i = 0; i < 3 && !r; i++) {
		const char *base;

		if (!cands[i] || !*cands[i])
			continue;
		if (nono_policy_command_blocked(p, cands[i], category)) {
			base = strrchr(cands[i], '/');
			*name = base ? base + 1 : cands[i];
			r = -EPERM;
		}
	}
	/* the name points into one of the candidates: keep it stable */
	if (r && *name && real && *name >= real && *name < real + strlen(real)) {
		static char keep[NAME_MAX + 1];

		snprintf(keep, sizeof(keep), "%s", *name);
		*name = keep;
	}
	free(real);
	return r;
}

static bool
launch_writable(const struct nono_rule *r)
{
	return (r->access & NONO_ACC_WRITE) && (r->user || (r->access & NONO_ACC_DELETE));
}

int
nono_supervisor_meta_decision(const struct nono_policy *p, const char *canon)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct nono_rule *r = &p->rules[i];
		bool hit = r->is_file ? strcmp(r->path, canon) == 0 : nono_path_under(canon, r->path);

		if (hit && launch_writable(r))
			return nono_policy_sensitive(p, canon) ? -EPERM : 0;
	}
	return -EPERM;
}

int
nono_supervisor_unix_decision(const struct nono_policy *p, const char *canon)
{
	if (nono_policy_sensitive(p, canon))
		return -EACCES;
	for (size_t i = 0; i < p->unix_sockets.n; i++)
		if (strcmp(p->unix_sockets.v[i], canon) == 0)
			return 0;
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct nono_rule *r = &p->rules[i];
		bool hit = r->is_file ? strcmp(r->path, canon) == 0 : nono_path_under(canon, r->path);

		if (hit && (r->user || (r->access & NONO_ACC_DELETE)))
			return 0;
	}
	return -EACCES;
}

bool
nono_supervisor_proxy_decision(const struct nono_policy *p, const void *addr, size_t len)
{
	const struct sockaddr *sa = addr;

	if (p->proxy_port <= 0 || len < sizeof(sa->sa_family))
		return false;
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = addr;

		return !(ntohl(in->sin_addr.s_addr) == INADDR_LOOPBACK && ntohs(in->sin_port) == p->proxy_port);
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = addr;
		static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

		/* only ::ffff:127.0.0.1, the proxy's address seen from an IPv6 socket */
		return !(memcmp(in6->sin6_addr.s6_addr, mapped, 12) == 0 && in6->sin6_addr.s6_addr[12] == 127 &&
			 in6->sin6_addr.s6_addr[13] == 0 && in6->sin6_addr.s6_addr[14] == 0 &&
			 in6->sin6_addr.s6_addr[15] == 1 && ntohs(in6->sin6_port) == p->proxy_port);
	}
	return sa->sa_family == AF_INET || sa->sa_family == AF_INET6; /* too short: refused */
}

int
nono_supervisor_ldso_program(char *const *argv)
{
	/* glibc's ld.so options that take a value */
	static const char *const with_value[] = {
	    "--library-path",	      "--inhibit-rpath",     "--audit", "--preload", "--argv0",
	    "--glibc-hwcaps-prepend", "--glibc-hwcaps-mask", NULL};

	for (int i = 1; argv && argv[i]; i++) {
		bool value = false;

		if (strcmp(argv[i], "--") == 0)
			return argv[i + 1] ? i + 1 : -1;
		if (strncmp(argv[i], "--", 2) != 0)
			return i;
		for (size_t k = 0; with_value[k]; k++)
			value = value || strcmp(argv[i], with_value[k]) == 0;
		if (value && argv[i + 1])
			i++;
	}
	return -1;
}

bool
nono_supervisor_xattr_refused(const char *name)
{
	/* file capabilities: a binary that gains privileges when run outside */
	return strcmp(name, "security.capability") == 0;
}

/* ---- reading the program's memory: exactly, or not at all ---------------- */

int
nono_mem_read(int pid, unsigned long long addr, void *buf, size_t len)
{
	struct iovec local = {buf, len}, remote = {(void *)(uintptr_t)addr, len};

	if (!len)
		return 0;
	if (!addr)
		return -EFAULT;
	/* a fault, secret memory (memfd_secret) or a short read: refused */
	return process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)len ? 0 : -EPERM;
}

/* A NUL-terminated string of at most max bytes (with the NUL). 0, -EFAULT
 * (a NULL pointer), -EPERM (unreadable) or -ENAMETOOLONG. */
int
nono_mem_string(int pid, unsigned long long addr, size_t max, char **out)
{
	char *buf;
	size_t got = 0;

	*out = NULL;
	if (!addr)
		return -EFAULT;
	buf = xmalloc(max + 1);
	while (got < max) {
		size_t chunk = 4096 - ((addr + got) & 4095);
		struct iovec local, remote;
		ssize_t n;

		if (chunk > max - got)
			chunk = max - got;
		local = (struct iovec){buf + got, chunk};
		remote = (struct iovec){(void *)(uintptr_t)(addr + got), chunk};
		n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
		if (n != (ssize_t)chunk) {
			free(buf);
			return -EPERM;
		}
		if (memchr(buf + got, '\0', chunk)) {
			*out = buf;
			return 0;
		}
		got += chunk;
	}
	free(buf);
	return -ENAMETOOLONG;
}

void
nono_mem_argv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* The argv array at addr, every string (at most 4096 of them: a longer one
 * is refused, E2BIG, as the kernel's own limits would). */
int
nono_mem_argv(int pid, unsigned long long addr, char ***out)
{
	size_t n = 0, cap = 16;
	char **v;
	int r = 0;

	*out = NULL;
	if (!addr) {
		*out = xcalloc(1, sizeof(char *));
		return 0;
	}
	v = xcalloc(cap + 1, sizeof(*v));
	for (;;) {
		unsigned long long p;

		if ((r = nono_mem_read(pid, addr + n * sizeof(p), &p, sizeof(p))) < 0)
			break;
		if (!p)
			break;
		if (n == 4096) {
			r = -E2BIG;
			break;
		}
		if (n == cap) {
			cap *= 2;
			v = xrealloc(v, (cap + 1) * sizeof(*v));
		}
		v[n + 1] = NULL;
		if ((r = nono_mem_string(pid, p, 128 * 1024, &v[n])) < 0)
			break;
		n++;
	}
	v[n] = NULL;
	if (r < 0) {
		nono_mem_argv_free(v);
		return r == -EFAULT ? -EPERM : r;
	}
	*out = v;
	return 0;
}

/* ---- one call ------------------------------------------------------------- */

long long
nono_call_arg(const struct nono_call *c, int i)
{
	return (long long)c->n->args[i];
}

/* a descriptor argument: the kernel reads an int */
int
nono_call_fd(const struct nono_call *c, int i)
{
	return (int)c->n->args[i];
}

long long
nono_call_dirfd(const struct nono_call *c, int i)
{
	return i < 0 ? AT_FDCWD : (long long)(int)c->n->args[i];
}

int
nono_call_path(struct nono_call *c, int i, char **out)
{
	return nono_mem_string(c->n->pid, c->n->args[i], PATH_MAX, out);
}

/* the path argument i (with its directory argument d) resolved */
int
nono_call_target(struct nono_call *c, struct nono_target *t, int d, int i, unsigned how, unsigned long long resolve)
{
	char *path;
	int r = nono_call_path(c, i, &path);

	if (r == -EFAULT && (how & NONO_RES_EMPTY))
		r = 0; /* utimensat(fd, NULL, ...): the descriptor itself */
	else if (r < 0)
		return r;
	r = nono_resolve(t, &c->t, nono_call_dirfd(c, d), path ? path : "", how, resolve);
	free(path);
	return r;
}

/* The object of a descriptor argument: a copy of the program's own. */
int
nono_call_fd_target(struct nono_call *c, struct nono_target *t, int fd)
{
	int r;

	memset(t, 0, sizeof(*t));
	t->dfd = t->ofd = -1;
	if ((r = nono_thread_getfd(&c->t, fd)) < 0)
		return r;
	t->ofd = r;
	t->canon = nono_fd_path(r, &t->deleted);
	return 0;
}

/* Still waiting for its answer: the thread's /proc objects were its own. */
bool
nono_call_alive(const struct nono_call *c)
{
	return nono_seccomp_notif_valid(c->nfd, c->n->id);
}

void
nono_call_audit(struct nono_call *c, const char *op, const char *path)
{
	c->audit_op = op;
	free(c->audit_path);
	c->audit_path = path ? xstrdup(path) : NULL;
}

/* The rollback journal: canon's prior state before op changes it. 0, or
 * -errno when it could not be saved (the call is then refused). */
int
nono_call_journal(struct nono_call *c, const char *canon, bool tree)
{
	int r;

	if (!c->sv->journal || !canon)
		return 0;
	r = nono_journal_record(c->sv->journal, canon, c->sc->name, tree, false);
	if (r < 0)
		log_warn("rollback could not save %s before %s: %s; refused", canon, c->sc->name, strerror(-r));
	return r;
}

const char *
nono_procpath(char buf[32], int fd)
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
	return buf;
}

static struct nono_executor *
executor(struct nono_supervisor *sv)
{
	if (!sv->executor && nono_executor_start(&sv->executor, sv->ruleset_fd, sv->restrict_flags) < 0)
		return NULL;
	return sv->executor;
}

/* Run j on a confined worker and wait: its result. */
long
nono_call_perform(struct nono_call *c, struct nono_job *j)
{
	struct nono_executor *ex = executor(c->sv);

	if (j->unconfined)
		return j->fn(j);
	if (!ex)
		return -EPERM;
	return nono_executor_call(ex, j);
}

/* What a spawned job owns: copies of everything the caller lent it, and
 * the audit record to write when it is done. */
struct spawned_ctx {
	const char *op;
	char *path;
	bool meta;
	int pid;
};

static void
nono_job_free_owned(struct nono_job *j)
{
	struct spawned_ctx *ctx = j->ctx;

	for (int i = 0; i < 3; i++)
		if (j->fd[i] >= 0)
			close(j->fd[i]);
	for (int i = 0; i < 2; i++)
		free((char *)j->str[i]);
	free(j->buf);
	free((void *)j->addr);
	if (ctx)
		free(ctx->path);
	free(ctx);
	free(j);
}

/* Hand j, which may block, to a worker that answers the call itself. */
void
nono_call_perform_async(struct nono_call *c, struct nono_job *j, bool answer_fd)
{
	struct nono_executor *ex = executor(c->sv);
	struct nono_job *own = xmalloc(sizeof(*own));
	struct spawned_ctx *ctx = xcalloc(1, sizeof(*ctx));

	*own = *j;
	for (int i = 0; i < 3; i++)
		own->fd[i] = j->fd[i] >= 0 ? fcntl(j->fd[i], F_DUPFD_CLOEXEC, 3) : -1;
	for (int i = 0; i < 2; i++)
		own->str[i] = j->str[i] ? xstrdup(j->str[i]) : NULL;
	own->buf = j->buf ? memcpy(xmalloc(j->len ? j->len : 1), j->buf, j->len) : NULL;
	own->addr = j->addr ? memcpy(xmalloc(j->addrlen ? j->addrlen : 1), j->addr, j->addrlen) : NULL;
	own->notify_fd = c->nfd;
	own->id = c->n->id;
	own->answer_fd = answer_fd;
	own->cloexec = c->cloexec;
	ctx->op = c->audit_op;
	ctx->path = c->audit_path ? xstrdup(c->audit_path) : NULL;
	ctx->meta = c->audit_meta;
	ctx->pid = c->n->pid;
	own->ctx = ctx;
	if (!ex || nono_executor_spawn(ex, own) < 0) {
		own->result = 0;
		nono_job_free_owned(own);
		c->kind = NONO_ANS_VALUE;
		c->val = ex ? -EAGAIN : -EPERM;
		return;
	}
	c->kind = NONO_ANS_DONE;
}

/* ---- the loop's side ------------------------------------------------------- */

typedef void (*handler_fn)(struct nono_call *c);

/* the table's families, to their handlers (REFUSE rows never arrive) */
static const handler_fn handlers[] = {
    [NONO_SC_EXEC] = nono_mediate_exec,		[NONO_SC_CHMOD] = nono_mediate_meta,
    [NONO_SC_CHOWN] = nono_mediate_meta,	[NONO_SC_UTIME] = nono_mediate_meta,
    [NONO_SC_SETXATTR] = nono_mediate_meta,	[NONO_SC_RMXATTR] = nono_mediate_meta,
    [NONO_SC_IOCTL] = nono_mediate_ioctl,	[NONO_SC_CONNECT] = nono_mediate_connect,
    [NONO_SC_SENDTO] = nono_mediate_connect,	[NONO_SC_LISTEN] = nono_mediate_listen,
    [NONO_SC_UNLINK] = nono_mediate_unlink,	[NONO_SC_RENAME] = nono_mediate_rename,
    [NONO_SC_TRUNCATE] = nono_mediate_truncate, [NONO_SC_FTRUNCATE] = nono_mediate_truncate,
    [NONO_SC_OPEN] = nono_mediate_open,		[NONO_SC_MKDIR] = nono_mediate_create,
    [NONO_SC_MKNOD] = nono_mediate_create,	[NONO_SC_SYMLINK] = nono_mediate_create,
    [NONO_SC_LINK] = nono_mediate_link,		[NONO_SC_REFUSE] = NULL,
};

static void
audit_call(struct nono_supervisor *sv, int pid, const char *op, const char *path, bool meta, long long result)
{
	if (!sv->audit || !op)
		return;
	if (meta)
		nono_audit_meta(sv->audit, pid, op, path ? path : "?", result < 0);
	else if (!strcmp(op, "connect") || !strcmp(op, "sendto") || !strcmp(op, "listen"))
		nono_audit_socket(sv->audit, pid, op, path ? path : "?", result < 0);
	else if (result >= 0 && path)
		nono_audit_file_op(sv->audit, op, path);
}

/* Send c's answer. */
static void
answer(struct nono_call *c)
{
	int r;

	switch (c->kind) {
	case NONO_ANS_FD:
		r = nono_seccomp_notif_addfd(c->nfd, c->n->id, (int)c->val, c->cloexec);
		close((int)c->val);
		/* the program's table is full (EMFILE): that is its answer */
		if (r < 0 && r != -ENOENT)
			nono_seccomp_notif_answer(c->nfd, c->n->id, 0, -r);
		c->val = r;
		break;
	case NONO_ANS_CONTINUE:
		nono_seccomp_notif_continue(c->nfd, c->n->id);
		break;
	case NONO_ANS_DONE:
		break;
	default:
		/* ENOENT: the caller died meanwhile; nothing to answer */
		nono_seccomp_notif_answer(c->nfd, c->n->id, c->val >= 0 ? c->val : 0, c->val < 0 ? (int)-c->val : 0);
		break;
	}
}

int
nono_supervisor_handle(struct nono_supervisor *sv, int notify_fd)
{
	struct nono_notif n;
	struct nono_call c;
	int r = nono_seccomp_notif_receive(notify_fd, &n);

	if (r < 0)
		return r;
	memset(&c, 0, sizeof(c));
	c.sv = sv;
	c.nfd = notify_fd;
	c.n = &n;
	c.sc = n.sc;
	c.kind = NONO_ANS_VALUE;
	c.val = -EPERM;
	nono_thread_init(&c.t, n.pid);
	/* another ABI, or a call without a row: refused, never decoded */
	if (n.sc && n.sc->op < sizeof(handlers) / sizeof(handlers[0]) && handlers[n.sc->op])
		handlers[n.sc->op](&c);
	else
		log_debug("supervisor: refused syscall %d of ABI 0x%x", n.nr, n.arch);
	nono_thread_release(&c.t);
	answer(&c);
	sv->handled++;
	if (c.kind == NONO_ANS_VALUE && c.val < 0)
		sv->refused++;
	audit_call(sv, n.pid, c.audit_op, c.audit_path, c.audit_meta, c.kind == NONO_ANS_DONE ? 0 : c.val);
	free(c.audit_path);
	if (sv->pending.path) {
		nono_audit_exec(sv->audit, sv->pending.pid, sv->pending.path, sv->pending.argv, sv->pending.refused);
		free(sv->pending.path);
		nono_mem_argv_free(sv->pending.argv);
		memset(&sv->pending, 0, sizeof(sv->pending));
	}
	return 0;
}

int
nono_supervisor_done_fd(const struct nono_supervisor *sv)
{
	return nono_executor_done_fd(sv->executor);
}

void
nono_supervisor_reap(struct nono_supervisor *sv)
{
	struct nono_job *j;

	while (sv->executor && (j = nono_executor_reap(sv->executor))) {
		struct spawned_ctx *ctx = j->ctx;

		if (ctx)
			audit_call(sv, ctx->pid, ctx->op, ctx->path, ctx->meta, j->result);
		nono_job_free_owned(j);
	}
}

void
nono_supervisor_release(struct nono_supervisor *sv)
{
	nono_supervisor_reap(sv);
	nono_executor_stop(sv->executor);
	sv->executor = NULL;
	nono_supervisor_blocked_files_free(sv);
}
