/* supervisor.h - the supervisor's side of seccomp user notification: each
 * mediated syscall of the sandbox is decoded from the syscall table, its
 * arguments read exactly (or the call refused), resolved in the calling
 * thread's own context, checked, journaled, and then performed by the
 * supervisor on the object it checked, never by letting the program's own
 * call continue (exec alone excepted: docs/SECURITY.md). The deciding
 * functions are pure over paths and unit-tested without a kernel
 * (supervisor side). */
#ifndef NONO_SUPERVISOR_H
#define NONO_SUPERVISOR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy/policy.h"

struct nono_audit;
struct nono_executor;
struct nono_journal;
struct nono_openurl;

struct nono_supervisor {
	const struct nono_policy *policy;
	struct nono_journal *journal; /* rollback: NULL when off */
	struct nono_audit *audit;     /* the session's audit trail, or NULL (--no-audit) */
	struct nono_openurl *openurl; /* open_urls requests, or NULL */
	int ruleset_fd;		      /* the sandbox's Landlock ruleset: the workers confine themselves with it */
	uint32_t restrict_flags;
	pid_t child;			/* the sandbox's first process (set by spawn) */
	struct nono_executor *executor; /* started at the first operation it performs */
	unsigned long long handled, refused;
	const char *shim; /* the exec shim binary (canonical): always runs, never speaks */
	int told_pid;
	char told_cmd[64];
	struct { /* an exec's audit record, written after the answer */
		int pid;
		char *path, **argv;
		const char *refused;
	} pending;
	struct nono_blocked_files *blocked_files; /* strict exec: the blocked programs by content */
};

/* execve: 0 to let it run, or -EPERM with *category set. */
int nono_supervisor_exec_decision(const struct nono_policy *p, const char *path, const char *argv0,
				  const char **category, const char **name);
/* chmod/chown/utimes/xattr on canon: 0 when a writable grant of the
 * launch (not a system group) covers it, else -EPERM. */
int nono_supervisor_meta_decision(const struct nono_policy *p, const char *canon);
/* Proxy mode: true when a TCP connect to addr (a sockaddr_in or _in6 of
 * len bytes) must be refused: anything but the proxy on 127.0.0.1. */
bool nono_supervisor_proxy_decision(const struct nono_policy *p, const void *addr, size_t len);
/* connect/sendto to a pathname UNIX socket: 0 or -EACCES. */
int nono_supervisor_unix_decision(const struct nono_policy *p, const char *canon);
/* The program the dynamic loader is asked to run (ld.so [OPTIONS] PROGRAM
 * ...): its index in argv, or -1 when argv names none. Pure. */
int nono_supervisor_ldso_program(char *const *argv);
/* An extended attribute name the sandbox may never set: file capabilities. */
bool nono_supervisor_xattr_refused(const char *name);

/* Receive, decide and answer one notification. -errno when the listener is
 * gone (the sandbox has exited). */
int nono_supervisor_handle(struct nono_supervisor *sv, int notify_fd);
/* Readable when an operation that could block has finished (-1: none). */
int nono_supervisor_done_fd(const struct nono_supervisor *sv);
/* Record the operations that finished meanwhile. */
void nono_supervisor_reap(struct nono_supervisor *sv);
/* Stop the workers and free what the supervisor holds. */
void nono_supervisor_release(struct nono_supervisor *sv);

#endif
