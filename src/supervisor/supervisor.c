/* supervisor.c - see supervisor.h (supervisor side).
 *
 * One notification: the row of the syscall table says what the call is and
 * where its arguments are; its family's handler (mediate_*.c) reads,
 * resolves, decides and performs it; the answer goes back, then the audit
 * record. The loop serves the listener, the workers' completions and
 * whatever the launch registered. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "base/log.h"
#include "base/util.h"
#include "sandbox/syscalls.h"
#include "supervisor/approvals.h"
#include "supervisor/mediate.h"
#include "supervisor/notify.h"
#include "supervisor/supervisor.h"

struct nono_supervisor {
	struct nono_mediator m;
	struct nono_loop loop;
	int nfd;	   /* the listener, -1 once closed */
	bool done_watched; /* the workers' completion descriptor is in the loop */
	unsigned long long handled, refused;
};

typedef void (*handler_fn)(struct nono_call *c);

/* the table's families, to their handlers (REFUSE rows never arrive: NULL) */
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
    [NONO_SC_LINK] = nono_mediate_link,		[NONO_SC_BIND] = nono_mediate_bind,
    [NONO_SC_PID] = nono_mediate_pid,
};

/* Send c's answer. */
static void
answer(struct nono_call *c)
{
	int r;

	switch (c->kind) {
	case NONO_ANS_FD:
		r = nono_notif_addfd(c->nfd, c->n->id, (int)c->val, c->cloexec);
		close((int)c->val);
		/* the program's table is full (EMFILE): that is its answer */
		if (r < 0 && r != -ENOENT)
			nono_notif_answer(c->nfd, c->n->id, 0, -r);
		c->val = r;
		break;
	case NONO_ANS_CONTINUE:
		nono_notif_continue(c->nfd, c->n->id);
		break;
	case NONO_ANS_DONE:
		break;
	default:
		/* ENOENT: the caller died meanwhile; nothing to answer */
		nono_notif_answer(c->nfd, c->n->id, c->val >= 0 ? c->val : 0, c->val < 0 ? (int)-c->val : 0);
		break;
	}
}

/* Receive, decide and answer one notification. -errno when the listener
 * is gone (the sandbox has exited). */
static int
handle(struct nono_supervisor *sv)
{
	struct nono_mediator *m = &sv->m;
	struct nono_notif n;
	struct nono_call c;
	int r = nono_notif_receive(sv->nfd, &n);
	bool refused;

	if (r < 0)
		return r;
	memset(&c, 0, sizeof(c));
	c.m = m;
	c.nfd = sv->nfd;
	c.n = &n;
	c.sc = n.sc;
	c.kind = NONO_ANS_VALUE;
	c.val = -EPERM;
	nono_thread_init(&c.t, n.pid);
	/* another ABI, or a call without a row: refused, never decoded */
	if (m->approvals && n.sc && n.sc->op == NONO_SC_OPEN && nono_mediate_open_fast(&c)) {
		; /* a read beneath a read grant: Landlock decides */
	} else if (n.sc && n.sc->op < sizeof(handlers) / sizeof(handlers[0]) && handlers[n.sc->op]) {
		handlers[n.sc->op](&c);
	} else {
		char what[64];

		log_debug("supervisor: refused syscall %d of ABI 0x%x", n.nr, n.arch);
		snprintf(what, sizeof(what), "syscall %d of ABI 0x%x", n.nr, n.arch);
		nono_call_refuse(&c, -EPERM, NONO_REP_OTHER, what);
		nono_call_audit(&c, "syscall", what);
	}
	nono_thread_release(&c.t);
	/* a refusal is recorded (and reported: nono shell's hint reads the
	 * report) before the program resumes and can look for it; anything
	 * else once answered, with what the answer gave */
	refused = c.kind == NONO_ANS_VALUE && c.val < 0;
	if (refused)
		nono_mediator_audit(m, &c, c.val);
	answer(&c);
	sv->handled++;
	if (refused)
		sv->refused++;
	/* a call a worker answers is recorded when the worker is done */
	else if (c.kind != NONO_ANS_DONE)
		nono_mediator_audit(m, &c, c.val);
	free(c.audit_path);
	free(c.refused_what);
	for (int i = 0; i < c.nchecks; i++)
		free(c.check[i].path);
	if (m->pending.path) {
		nono_audit_exec(m->audit, m->pending.pid, m->pending.path, m->pending.argv, m->pending.refused);
		free(m->pending.path);
		nono_mem_argv_free(m->pending.argv);
		memset(&m->pending, 0, sizeof(m->pending));
	}
	return 0;
}

static void
on_done(void *ctx, int fd, short revents)
{
	struct nono_supervisor *sv = ctx;

	(void)fd;
	if (revents & POLLIN)
		nono_mediator_reap(&sv->m);
}

static void
close_listener(struct nono_supervisor *sv)
{
	nono_approvals_cancel(sv->m.approvals);
	nono_loop_unwatch(&sv->loop, sv->nfd);
	close(sv->nfd);
	sv->nfd = -1;
}

static void
on_notify(void *ctx, int fd, short revents)
{
	struct nono_supervisor *sv = ctx;
	int r, done;

	(void)fd;
	if (!(revents & POLLIN)) {
		/* every process under the filter is gone */
		if (revents & (POLLHUP | POLLERR | POLLNVAL))
			close_listener(sv);
		return;
	}
	r = handle(sv);
	/* a notification whose caller died (ENOENT) is nothing; any other
	 * failure stops mediation, and mediated calls then fail (ENOSYS) */
	if (r < 0 && r != -ENOENT && r != -EINTR) {
		log_warn("supervisor: %s; mediated calls will fail from now on", strerror(-r));
		close_listener(sv);
	}
	/* the workers start with the first call they perform */
	if (!sv->done_watched && (done = nono_mediator_done_fd(&sv->m)) >= 0)
		sv->done_watched = nono_loop_watch(&sv->loop, done, on_done, sv) == 0;
}

struct nono_supervisor *
nono_supervisor_new(const struct nono_supervisor_cfg *cfg)
{
	struct nono_supervisor *sv = xcalloc(1, sizeof(*sv));

	sv->m.policy = cfg->policy;
	sv->m.journal = cfg->journal;
	sv->m.report = cfg->report;
	sv->m.shim = cfg->shim;
	sv->m.sandbox = cfg->sandbox;
	sv->m.check_truncate = cfg->check_truncate;
	sv->m.session_helper = cfg->session_helper;
	sv->nfd = -1;
	if (cfg->elevation) {
		struct nono_approvals_cfg a = {.policy = cfg->policy,
					       .journal = cfg->journal,
					       .timeout = cfg->approval_timeout,
					       .socket = cfg->approvals_socket,
					       .argv = cfg->argv,
					       .terminal = cfg->terminal,
					       .notify = cfg->notify,
					       .loop = &sv->loop};

		/* without its socket it still asks on the terminal */
		(void)nono_approvals_new(&sv->m.approvals, &a);
	}
	return sv;
}

void
nono_supervisor_set_audit(struct nono_supervisor *sv, struct nono_audit *audit)
{
	sv->m.audit = audit;
	nono_approvals_set_audit(sv->m.approvals, audit);
}

void
nono_supervisor_set_child(struct nono_supervisor *sv, pid_t child)
{
	sv->m.child = child;
	nono_approvals_set_child(sv->m.approvals, child);
}

void
nono_supervisor_listen(struct nono_supervisor *sv, int fd)
{
	sv->nfd = fd;
	nono_notif_sync_wakeup(fd);
	if (nono_loop_watch(&sv->loop, fd, on_notify, sv) < 0)
		log_warn("supervisor: too many descriptors to watch");
}

int
nono_supervisor_watch(struct nono_supervisor *sv, int fd, nono_watch_fn fn, void *ctx)
{
	return nono_loop_watch(&sv->loop, fd, fn, ctx);
}

void
nono_supervisor_unwatch(struct nono_supervisor *sv, int fd)
{
	nono_loop_unwatch(&sv->loop, fd);
}

void
nono_supervisor_stop(struct nono_supervisor *sv)
{
	nono_loop_stop(&sv->loop);
}

int
nono_supervisor_run(struct nono_supervisor *sv)
{
	return nono_loop_run(&sv->loop);
}

void
nono_supervisor_free(struct nono_supervisor *sv)
{
	if (!sv)
		return;
	nono_approvals_cancel(sv->m.approvals);
	if (sv->nfd >= 0)
		close(sv->nfd);
	nono_mediator_release(&sv->m);
	free(sv);
}
