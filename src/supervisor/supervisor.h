/* supervisor.h - the supervisor: the parent, never sandboxed, that answers
 * every mediated syscall of the sandbox and serves the launch's other
 * descriptors from one loop (supervisor side).
 *
 * Each notification is decoded from the syscall table, its arguments read
 * exactly (or the call refused), resolved in the calling thread's own
 * context, checked (decide.h), journaled, and then performed by the
 * supervisor on the object it checked, never by letting the program's own
 * call continue (exec alone excepted: docs/SECURITY.md). */
#ifndef NONO_SUPERVISOR_H
#define NONO_SUPERVISOR_H

#include <stdbool.h>
#include <sys/types.h>

#include "policy/policy.h"
#include "supervisor/loop.h"

struct nono_audit;
struct nono_journal;
struct nono_report;
struct nono_sandbox;
struct nono_supervisor;

/* What the supervisor mediates for (borrowed; they outlive it). */
struct nono_supervisor_cfg {
	const struct nono_policy *policy;
	struct nono_journal *journal;	    /* rollback: NULL when off */
	struct nono_report *report;	    /* the session's refusals (audit/report.h), or NULL */
	const char *shim;		    /* the exec shim binary (canonical), or NULL */
	const struct nono_sandbox *sandbox; /* the workers confine themselves with its rules */
	bool check_truncate;		    /* Landlock cannot refuse truncation (ABI < 3): the supervisor does */
	/* nono shell: its helper (canonical); the blocklist then applies to the
	 * execs of the shell it starts, not to every exec. NULL: every exec */
	const char *session_helper;
	/* --capability-elevation: what the rules refuse waits for an answer (approvals.h) */
	bool elevation;
	int approval_timeout;	      /* seconds (0: the default) */
	const char *approvals_socket; /* for 'nono approvals', or NULL */
	char *const *argv;	      /* the program */
	bool terminal;		      /* may ask on the controlling terminal */
	bool notify;		      /* a desktop notification when it cannot ([approvals] notify) */
};

/* Free with nono_supervisor_free(). */
struct nono_supervisor *nono_supervisor_new(const struct nono_supervisor_cfg *cfg);
/* The session's audit trail (opened after fork; NULL: none). */
void nono_supervisor_set_audit(struct nono_supervisor *sv, struct nono_audit *audit);
/* The sandbox's first process. */
void nono_supervisor_set_child(struct nono_supervisor *sv, pid_t child);
/* Answer the notifications of listener fd (the filter's, from the child);
 * the supervisor owns it from here on. */
void nono_supervisor_listen(struct nono_supervisor *sv, int fd);

/* The loop: a service registers a descriptor with what to do when it is
 * ready (loop.h). 0, or -ENOSPC. */
int nono_supervisor_watch(struct nono_supervisor *sv, int fd, nono_watch_fn fn, void *ctx);
void nono_supervisor_unwatch(struct nono_supervisor *sv, int fd);
/* End nono_supervisor_run() once the descriptors ready now are served. */
void nono_supervisor_stop(struct nono_supervisor *sv);
/* Serve until stopped (0), or until the loop fails (-errno). */
int nono_supervisor_run(struct nono_supervisor *sv);

/* Stop the workers, close the listener and free (NULL is fine). */
void nono_supervisor_free(struct nono_supervisor *sv);

#endif
