/* mediate.c - see mediate.h: what every handler shares (supervisor side).
 *
 * Every argument is read from the program's memory exactly (a fault,
 * secret memory or a short read refuses the call with EPERM); paths are
 * resolved in the calling thread's own context (resolve.c); what Landlock
 * covers is performed on a worker confined by the sandbox's own rules
 * (executor.c). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "audit/audit.h"
#include "base/log.h"
#include "base/util.h"
#include "sandbox/syscalls.h"
#include "store/journal.h"
#include "supervisor/approvals.h"
#include "supervisor/blocked.h"
#include "supervisor/decide.h"
#include "supervisor/mediate.h"
#include "supervisor/notify.h"

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

/* The object of a descriptor argument: a copy of the program's own; where
 * a container refuses pidfd_getfd, a copy of a datagram socket the
 * supervisor made for it (nono_mediator_socket), else an O_PATH of the
 * object (t->copy false). */
int
nono_call_fd_target(struct nono_call *c, struct nono_target *t, int fd)
{
	int r;

	memset(t, 0, sizeof(*t));
	t->dfd = t->ofd = -1;
	if ((r = nono_thread_fd_object(&c->t, fd, &t->copy)) < 0)
		return r;
	t->ofd = r;
	if (!t->copy) {
		int own = nono_mediator_socket(c->m, r);

		if (own >= 0) {
			close(r);
			t->ofd = own;
			t->copy = true;
		}
	}
	t->canon = nono_fd_path(t->ofd, &t->deleted);
	return 0;
}

/* Still waiting for its answer: the thread's /proc objects were its own. */
bool
nono_call_alive(const struct nono_call *c)
{
	return nono_notif_valid(c->nfd, c->n->id);
}

void
nono_call_audit(struct nono_call *c, const char *op, const char *path)
{
	c->audit_op = op;
	free(c->audit_path);
	c->audit_path = path ? xstrdup(path) : NULL;
}

int
nono_call_truncate_ok(struct nono_call *c, const char *canon)
{
	if (!c->m->check_truncate || !canon || nono_supervisor_truncate_decision(c->m->policy, canon) == 0)
		return 0;
	log_info("refused truncating %s: deletion is not granted there", canon);
	nono_call_audit(c, "truncate", canon);
	return nono_call_refuse(c, -EACCES, NONO_REP_DELETE, canon);
}

int
nono_call_refuse(struct nono_call *c, int err, enum nono_report_kind kind, const char *subject)
{
	c->kind = NONO_ANS_VALUE;
	c->val = err;
	c->refused_by = NONO_BY_SUPERVISOR;
	c->refused_kind = kind;
	free(c->refused_what);
	c->refused_what = subject ? xstrdup(subject) : NULL;
	return err;
}

void
nono_call_check(struct nono_call *c, const char *canon, enum nono_op op, enum nono_report_kind kind)
{
	if (!canon || c->nchecks == (int)(sizeof(c->check) / sizeof(c->check[0])))
		return;
	c->check[c->nchecks++] = (struct nono_check){xstrdup(canon), op, kind, kind == NONO_REP_TCP};
}

/* The rollback journal: canon's prior state before op changes it. 0, or
 * -errno when it could not be saved: the call is then refused, with
 * ENOSPC when the store had no room for it (full, or the file is over
 * the size limit), EIO for any other failure to save, EPERM for a path
 * the supervisor will not read through. */
int
nono_call_journal(struct nono_call *c, const char *canon, bool tree)
{
	int r;

	if (!c->m->journal || !canon)
		return 0;
	r = nono_journal_record(c->m->journal, canon, c->sc->name, tree, false);
	if (r >= 0)
		return r;
	if (r == -EFBIG)
		log_warn("rollback: %s is over the size limit; %s refused (ENOSPC)", canon, c->sc->name);
	else
		log_warn("rollback could not save %s before %s: %s; refused", canon, c->sc->name, strerror(-r));
	if (r == -EFBIG || r == -ENOSPC || r == -EDQUOT)
		return -ENOSPC;
	return r == -EPERM ? r : -EIO;
}

bool
nono_call_elevate(struct nono_call *c, const struct nono_approval_req *req)
{
	struct nono_approval_req r;

	if (!c->m->approvals || !req->path)
		return false;
	r = *req;
	r.pid = c->n->pid;
	r.nfd = c->nfd;
	r.id = c->n->id;
	r.client = -1;
	r.path = xstrdup(req->path);
	r.leaf = req->leaf ? xstrdup(req->leaf) : NULL;
	r.ofd = fcntl(req->ofd, F_DUPFD_CLOEXEC, 3);
	if (r.ofd < 0) {
		free(r.path);
		free(r.leaf);
		return false;
	}
	nono_approvals_ask(c->m->approvals, &r);
	c->kind = NONO_ANS_DONE;
	c->audit_op = NULL;
	return true;
}

const char *
nono_procpath(char buf[32], int fd)
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
	return buf;
}

static struct nono_executor *
executor(struct nono_mediator *m)
{
	if (!m->executor && nono_executor_start(&m->executor, m->sandbox) < 0)
		return NULL;
	return m->executor;
}

/* Run j on a confined worker and wait: its result. */
long
nono_call_perform(struct nono_call *c, struct nono_job *j)
{
	struct nono_executor *ex = executor(c->m);

	if (j->unconfined)
		return j->fn(j);
	if (!ex)
		return -EPERM;
	return nono_executor_call(ex, j);
}

/* The record of one call, kept past the call for a job a worker finishes:
 * what the audit trail and the report need. */
struct record {
	int pid;
	const char *op;
	char *path;
	bool meta, if_refused;
	enum nono_refuser by;
	enum nono_report_kind kind;
	char *what;
	struct nono_check check[3];
	int nchecks;
};

/* Take c's record (its strings move). */
static void
record_take(struct record *r, struct nono_call *c)
{
	r->pid = c->n ? c->n->pid : 0;
	r->op = c->audit_op;
	r->path = c->audit_path;
	r->meta = c->audit_meta;
	r->if_refused = c->audit_if_refused;
	r->by = c->refused_by;
	r->kind = c->refused_kind;
	r->what = c->refused_what;
	r->nchecks = c->nchecks;
	memcpy(r->check, c->check, sizeof(r->check));
	c->audit_path = c->refused_what = NULL;
	c->nchecks = 0;
}

static void
record_free(struct record *r)
{
	free(r->path);
	free(r->what);
	for (int i = 0; i < r->nchecks; i++)
		free(r->check[i].path);
	memset(r, 0, sizeof(*r));
}

/* What a spawned job owns: copies of everything the caller lent it, and
 * the record to write when it is done. */
static void
nono_job_free_owned(struct nono_job *j)
{
	struct record *ctx = j->ctx;

	for (int i = 0; i < 3; i++)
		if (j->fd[i] >= 0)
			close(j->fd[i]);
	for (int i = 0; i < 2; i++)
		free((char *)j->str[i]);
	free(j->buf);
	free((void *)j->addr);
	if (ctx)
		record_free(ctx);
	free(ctx);
	free(j);
}

/* Hand j, which may block, to a worker that answers the call itself. */
void
nono_call_perform_async(struct nono_call *c, struct nono_job *j, bool answer_fd)
{
	struct nono_executor *ex = executor(c->m);
	struct nono_job *own = xmalloc(sizeof(*own));
	struct record *ctx = xcalloc(1, sizeof(*ctx));

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
	own->ctx = ctx;
	if (!ex || nono_executor_spawn(ex, own) < 0) {
		own->result = 0;
		nono_job_free_owned(own);
		c->kind = NONO_ANS_VALUE;
		c->val = ex ? -EAGAIN : -EPERM;
		return;
	}
	/* the record is written when the worker is done (reaped on this thread) */
	record_take(ctx, c);
	c->kind = NONO_ANS_DONE;
}

/* ---- the record of each call, and the workers --------------------------- */

/* Who refused a call that failed with EACCES on a confined worker: Landlock
 * when the policy does not grant what it checks, else nobody (the file's
 * own permissions). Sets r's refuser, kind and what. */
static void
kernel_refusal(const struct nono_mediator *m, struct record *r)
{
	for (int i = 0; i < r->nchecks && r->by == NONO_BY_NONE; i++) {
		struct nono_verdict v;
		bool refused = r->check[i].port;

		if (!refused && m->policy) {
			nono_policy_check(m->policy, r->check[i].path, r->check[i].op, &v);
			refused = !v.allowed;
			nono_verdict_free(&v);
		}
		if (refused) {
			r->by = NONO_BY_LANDLOCK;
			r->kind = r->check[i].kind;
			free(r->what);
			r->what = xstrdup(r->check[i].path);
		}
	}
}

static bool
socket_op(const char *op)
{
	return !strcmp(op, "connect") || !strcmp(op, "sendto") || !strcmp(op, "listen") || !strcmp(op, "bind");
}

/* The trail's event for a call answered with result, and the report's
 * note when it was refused. */
static void
record_write(struct nono_mediator *m, struct record *r, long long result)
{
	struct nono_result res;

	if (result == -EACCES && r->by == NONO_BY_NONE)
		kernel_refusal(m, r);
	res = nono_result_of(result, r->by);
	/* a read or a datagram is in the trail only when refused */
	if (r->op && !(r->if_refused && res.outcome != NONO_REFUSED))
		nono_audit_call(m->audit, r->pid,
				r->meta			    ? "metadata"
				: socket_op(r->op)	    ? "socket"
				: !strcmp(r->op, "syscall") ? "syscall"
							    : "file",
				r->op, r->path ? r->path : "?", res);
	if (res.outcome == NONO_REFUSED && (r->what || r->path) && !nono_audit_probe(r->op, r->path))
		nono_report_add(m->report, r->kind, r->what ? r->what : r->path, r->by);
}

void
nono_mediator_audit(struct nono_mediator *m, struct nono_call *c, long long result)
{
	struct record r;

	record_take(&r, c);
	record_write(m, &r, result);
	record_free(&r);
}

int
nono_mediator_done_fd(const struct nono_mediator *m)
{
	return nono_executor_done_fd(m->executor);
}

void
nono_mediator_reap(struct nono_mediator *m)
{
	struct nono_job *j;

	while (m->executor && (j = nono_executor_reap(m->executor))) {
		if (j->ctx)
			record_write(m, j->ctx, j->result);
		nono_job_free_owned(j);
	}
}

int
nono_mediator_socket(const struct nono_mediator *m, int obj)
{
	struct stat st;

	if (!m->n_socks || fstat(obj, &st) < 0)
		return -1;
	for (unsigned i = 0; i < m->n_socks; i++)
		if (m->socks[i].dev == (unsigned long long)st.st_dev &&
		    m->socks[i].ino == (unsigned long long)st.st_ino)
			return fcntl(m->socks[i].fd, F_DUPFD_CLOEXEC, 3);
	return -1;
}

void
nono_mediator_keep_socket(struct nono_mediator *m, int fd)
{
	const unsigned max = sizeof(m->socks) / sizeof(m->socks[0]);
	struct stat st;
	int own = fcntl(fd, F_DUPFD_CLOEXEC, 3);

	if (own < 0 || fstat(own, &st) < 0) {
		if (own >= 0)
			close(own);
		return;
	}
	if (m->n_socks == max) {
		close(m->socks[0].fd);
		memmove(&m->socks[0], &m->socks[1], (max - 1) * sizeof(m->socks[0]));
		m->n_socks--;
	}
	m->socks[m->n_socks].dev = (unsigned long long)st.st_dev;
	m->socks[m->n_socks].ino = (unsigned long long)st.st_ino;
	m->socks[m->n_socks++].fd = own;
}

void
nono_mediator_release(struct nono_mediator *m)
{
	nono_approvals_free(m->approvals);
	m->approvals = NULL;
	nono_strv_free(&m->fast);
	for (unsigned i = 0; i < m->n_socks; i++)
		close(m->socks[i].fd);
	m->n_socks = 0;
	nono_mediator_reap(m);
	nono_executor_stop(m->executor);
	m->executor = NULL;
	nono_blocked_files_free(m->blocked);
	m->blocked = NULL;
	free(m->pending.path);
	nono_mem_argv_free(m->pending.argv);
	memset(&m->pending, 0, sizeof(m->pending));
	free(m->seen);
	m->seen = NULL;
	m->n_seen = 0;
}
