/* mediate.h - one mediated call, between the supervisor's dispatcher
 * (supervisor.c) and the handlers of each family of calls (mediate_fs.c,
 * mediate_open.c, mediate_net.c, mediate_exec.c, mediate_pid.c), with the
 * helpers they share (mediate.c): the program's memory read exactly, its
 * paths resolved, the journal, the confined workers. Internal to the
 * supervisor (supervisor side). */
#ifndef NONO_MEDIATE_H
#define NONO_MEDIATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "audit/audit.h"
#include "audit/report.h"
#include "policy/policy.h"
#include "supervisor/executor.h"
#include "supervisor/notify.h"
#include "supervisor/resolve.h"

struct nono_approval_req;
struct nono_approvals;
struct nono_audit;
struct nono_blocked_files;
struct nono_journal;
struct nono_sandbox;
struct nono_syscall;

/* What every handler works with: the launch's rules and services, and the
 * state the supervisor keeps across calls. */
struct nono_mediator {
	const struct nono_policy *policy;
	struct nono_journal *journal;	    /* rollback: NULL when off */
	struct nono_audit *audit;	    /* the session's audit trail, or NULL (--no-audit) */
	struct nono_report *report;	    /* the session's refusals, for its end (or NULL) */
	const char *shim;		    /* the exec shim binary (canonical): always runs, never speaks */
	pid_t child;			    /* the sandbox's first process */
	const struct nono_sandbox *sandbox; /* the workers confine themselves with its rules */
	bool check_truncate;		    /* Landlock cannot refuse truncation: the policy decides here */
	struct nono_executor *executor;	    /* started at the first operation it performs */
	struct nono_blocked_files *blocked; /* strict exec: the blocked programs by content, found once */
	struct nono_approvals *approvals;   /* --capability-elevation, else NULL */
	struct nono_strv fast;		    /* elevation: the paths beneath which reads are let through */
	/* where pidfd_getfd is refused (a container): the datagram sockets
	 * the supervisor made for the program, with a copy it keeps */
	struct {
		unsigned long long dev, ino;
		int fd;
	} socks[16];
	unsigned n_socks;
	/* nono shell: the helper, and the processes seen executing (by start
	 * time, against pid reuse): those still the session's shell, or a
	 * launcher it ran (env, the shim), and the others */
	const char *session_helper;
	struct nono_exec_seen {
		int pid;
		bool session;
		unsigned long long start;
	} * seen;
	size_t n_seen;
	int told_pid; /* the last refusal told on a process's stderr */
	char told_cmd[64];
	struct { /* an exec's audit record, written after the answer */
		int pid;
		char *path, **argv;
		const char *refused;
	} pending;
};

enum nono_answer {
	NONO_ANS_VALUE,	   /* val: >= 0 the call's result, < 0 -errno */
	NONO_ANS_FD,	   /* val: a descriptor of the supervisor's, installed as the result */
	NONO_ANS_CONTINUE, /* exec only: the kernel runs the call as the program made it */
	NONO_ANS_DONE,	   /* a worker answers (an operation that may block) */
};

struct nono_call {
	struct nono_mediator *m;
	int nfd;
	const struct nono_notif *n;
	const struct nono_syscall *sc;
	struct nono_thread t;
	enum nono_answer kind;
	long long val;
	bool cloexec; /* NONO_ANS_FD: O_CLOEXEC in the program */
	/* the audit record, written once answered */
	const char *audit_op;
	char *audit_path;
	bool audit_meta;       /* chmod, chown, ... (else a file operation) */
	bool audit_if_refused; /* in the trail only when refused (a read, a datagram) */
	/* who refused it, when the supervisor did (NONO_BY_SUPERVISOR), and what
	 * for the session's report */
	enum nono_refuser refused_by;
	enum nono_report_kind refused_kind;
	char *refused_what;
	/* what Landlock checks of a call a confined worker performs: an EACCES
	 * is Landlock's refusal when the policy does not grant it, else the
	 * file's own permissions (path NULL: a TCP port, always Landlock's) */
	struct nono_check {
		char *path; /* or, for a port, the address ("127.0.0.1:8080") */
		enum nono_op op;
		enum nono_report_kind kind;
		bool port; /* no path: Landlock's network rules */
	} check[3];
	int nchecks;
};

/* Handlers: decide and perform c, setting c->kind and c->val. */
void nono_mediate_meta(struct nono_call *c);
void nono_mediate_ioctl(struct nono_call *c);
void nono_mediate_unlink(struct nono_call *c);
void nono_mediate_rename(struct nono_call *c);
void nono_mediate_truncate(struct nono_call *c);
void nono_mediate_open(struct nono_call *c);
/* Elevation's quick way for a read-only open: true (c continues in the
 * kernel, where Landlock decides) when its path lies beneath a read grant
 * as written; else the call goes the whole way. */
bool nono_mediate_open_fast(struct nono_call *c);
void nono_mediate_create(struct nono_call *c);
void nono_mediate_link(struct nono_call *c);
void nono_mediate_connect(struct nono_call *c);
void nono_mediate_listen(struct nono_call *c);
void nono_mediate_bind(struct nono_call *c);
void nono_mediate_exec(struct nono_call *c);
/* Without a PID namespace: a call on another process by pid continues
 * only for the sandbox's own (mediate_pid.c). */
void nono_mediate_pid(struct nono_call *c);

/* The program's memory, read exactly: 0, -EFAULT for a NULL pointer,
 * -EPERM when it cannot be read whole (a fault, secret memory). */
int nono_mem_read(int pid, unsigned long long addr, void *buf, size_t len);
/* A NUL-terminated string of at most max bytes: also -ENAMETOOLONG. */
int nono_mem_string(int pid, unsigned long long addr, size_t max, char **out);
/* An argv array, every string; free with nono_mem_argv_free. */
int nono_mem_argv(int pid, unsigned long long addr, char ***out);
void nono_mem_argv_free(char **v);

/* Arguments by position. */
long long nono_call_arg(const struct nono_call *c, int i);
int nono_call_fd(const struct nono_call *c, int i);
long long nono_call_dirfd(const struct nono_call *c, int i); /* -1: AT_FDCWD */
int nono_call_path(struct nono_call *c, int i, char **out);
/* Path argument i with directory argument d, resolved (resolve.h). */
int nono_call_target(struct nono_call *c, struct nono_target *t, int d, int i, unsigned how,
		     unsigned long long resolve);
/* The object of descriptor argument value fd: a copy of the program's. */
int nono_call_fd_target(struct nono_call *c, struct nono_target *t, int fd);
/* The call still waits for its answer: checked once per call, after its
 * paths are resolved (the thread's /proc entries were its own). */
bool nono_call_alive(const struct nono_call *c);
void nono_call_audit(struct nono_call *c, const char *op, const char *path);
/* Truncating the regular file canon (NULL: it has no name), where Landlock
 * cannot refuse it (ABI < 3): 0, or -EACCES as Landlock would. */
int nono_call_truncate_ok(struct nono_call *c, const char *canon);
/* The supervisor's own refusal of c: it fails with err (returned), and the
 * report notes what (kind, subject). */
int nono_call_refuse(struct nono_call *c, int err, enum nono_report_kind kind, const char *subject);
/* What Landlock will check when a worker performs c (see struct
 * nono_call): op on canon, or with kind NONO_REP_TCP a connect to the
 * address canon. At most three. */
void nono_call_check(struct nono_call *c, const char *canon, enum nono_op op, enum nono_report_kind kind);
/* Journal canon before the call changes it: 0 or -errno (refuse). */
int nono_call_journal(struct nono_call *c, const char *canon, bool tree);
/* The sandbox's rules refused c (EACCES): with capability elevation the
 * call waits for an answer (approvals.h), which answers it; c is then
 * NONO_ANS_DONE. false without elevation (req's descriptor is borrowed,
 * its strings too: both are copied). */
bool nono_call_elevate(struct nono_call *c, const struct nono_approval_req *req);
/* Run j on a confined worker and wait for its result. */
long nono_call_perform(struct nono_call *c, struct nono_job *j);
/* Hand j, which may block, to a worker that answers the call. */
void nono_call_perform_async(struct nono_call *c, struct nono_job *j, bool answer_fd);
/* "/proc/self/fd/N" in buf. */
const char *nono_procpath(char buf[32], int fd);

/* A copy of a socket the supervisor made for the program, which obj (any
 * descriptor of it) is, or -1. */
int nono_mediator_socket(const struct nono_mediator *m, int obj);
/* Keep a copy of fd, a datagram socket installed in the program (the
 * oldest kept is let go when there are too many). */
void nono_mediator_keep_socket(struct nono_mediator *m, int fd);

/* The audit record of a call c, answered with result (>= 0 or -errno), and
 * the report of its refusal; frees what c holds for them. */
void nono_mediator_audit(struct nono_mediator *m, struct nono_call *c, long long result);
/* Readable when a call handed to a worker is done (-1: no worker yet). */
int nono_mediator_done_fd(const struct nono_mediator *m);
/* Record the calls the workers finished meanwhile. */
void nono_mediator_reap(struct nono_mediator *m);
/* Stop the workers and free what m holds (not what it borrows). */
void nono_mediator_release(struct nono_mediator *m);

#endif
