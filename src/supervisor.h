/* supervisor.h - the supervisor's side of seccomp user notification: decide
 * each mediated syscall of the sandbox against the policy (supervisor side).
 * The deciding functions are pure over paths, so they are unit-tested
 * without a kernel; nono_supervisor_handle() does the I/O. */
#ifndef NONO_SUPERVISOR_H
#define NONO_SUPERVISOR_H

#include <stdbool.h>

#include "policy.h"

struct nono_audit;
struct nono_journal;
struct nono_openurl;

struct nono_supervisor {
	const struct nono_policy *policy;
	struct nono_journal *journal; /* rollback: NULL when off */
	struct nono_audit *audit;     /* the session's audit trail, or NULL (--no-audit) */
	struct nono_openurl *openurl; /* open_urls requests, or NULL */
	unsigned long long handled, refused;
	const char *shim; /* the exec shim binary (canonical): always runs, never speaks */
	int told_pid;
	char told_cmd[64];
	struct { /* an exec's audit record, written after the answer */
		int pid;
		char *path, **argv;
		const char *refused;
	} pending;
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

/* Receive, decide and answer one notification. -errno when the listener is
 * gone (the sandbox has exited). */
int nono_supervisor_handle(struct nono_supervisor *sv, int notify_fd);

#endif
