/* decide.h - the supervisor's decisions: pure functions of a mediated
 * call's decoded, resolved arguments and the launch's policy, unit-tested
 * without a kernel (supervisor side). The handlers (mediate.h) decode,
 * resolve and perform; these only say yes or no. */
#ifndef NONO_DECIDE_H
#define NONO_DECIDE_H

#include <stdbool.h>
#include <stddef.h>

#include "policy/policy.h"

/* execve: 0 to let it run, or -EPERM with *category set (the blocklist's
 * category) and *name the command's name. */
int nono_supervisor_exec_decision(const struct nono_policy *p, const char *path, const char *argv0,
				  const char **category, const char **name);
/* chmod/chown/utimes/xattr on canon: 0 when a writable grant of the
 * launch (not a system group) covers it, else -EPERM. */
int nono_supervisor_meta_decision(const struct nono_policy *p, const char *canon);
/* Proxy mode: true when a TCP connect to addr (a sockaddr_in or _in6 of
 * len bytes) must be refused: anything but the proxy on 127.0.0.1. */
bool nono_supervisor_proxy_decision(const struct nono_policy *p, const void *addr, size_t len);
/* --open-port: true when a TCP connect to addr goes to loopback (127/8,
 * ::1, ::ffff:127/104) on a port the policy opens. */
bool nono_supervisor_port_exception(const struct nono_policy *p, const void *addr, size_t len);
/* Truncating the regular file canon where Landlock cannot refuse it (ABI
 * < 3): 0 when a grant that may delete covers it (what Landlock's
 * TRUNCATE right follows), else -EACCES. */
int nono_supervisor_truncate_decision(const struct nono_policy *p, const char *canon);
/* connect/sendto to a pathname UNIX socket: 0 or -EACCES. */
int nono_supervisor_unix_decision(const struct nono_policy *p, const char *canon);
/* The program the dynamic loader is asked to run (ld.so [OPTIONS] PROGRAM
 * ...): its index in argv, or -1 when argv names none. */
int nono_supervisor_ldso_program(char *const *argv);
/* An extended attribute name the sandbox may never set: file capabilities. */
bool nono_supervisor_xattr_refused(const char *name);

#endif
