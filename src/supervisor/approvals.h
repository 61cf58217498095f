/* approvals.h - capability elevation (--capability-elevation): a call the
 * sandbox's rules refuse, or a proxy host not on the list, waits as a
 * request until someone answers it (approve once, approve for the session,
 * deny) or its time runs out. Requests are answered on the controlling
 * terminal when the program does not hold it in raw mode, and always
 * through a per-user socket that 'nono approvals' speaks to (supervisor
 * side; the client's half is at the end). When the terminal cannot ask,
 * a desktop notification says that a request waits (desktop.h).
 *
 * An approved file is opened by the supervisor itself, from the object it
 * resolved when the request was made (an O_PATH descriptor, or a directory
 * descriptor and a name), never from the program's path buffer again; the
 * descriptor goes to the program with SECCOMP_IOCTL_NOTIF_ADDFD. */
#ifndef NONO_APPROVALS_H
#define NONO_APPROVALS_H

#include <stdbool.h>
#include <sys/types.h>

#include "policy/policy.h"
#include "supervisor/loop.h"

struct nono_audit;
struct nono_approvals;

/* What a request asks for. */
enum nono_approval_kind {
	NONO_APPROVAL_OPEN,   /* open an existing file or directory (ofd: O_PATH of it) */
	NONO_APPROVAL_CREATE, /* open with O_CREAT a name that does not exist (ofd: its directory, leaf) */
	NONO_APPROVAL_MKDIR,  /* make a directory (ofd: its parent, leaf) */
	NONO_APPROVAL_HOST,   /* a proxy CONNECT to a host not on the list (client: the proxy's socket) */
};

/* One request; nono_approvals_ask() takes its descriptors and strings. */
struct nono_approval_req {
	enum nono_approval_kind kind;
	int pid;	       /* the calling thread (0: unknown, a host) */
	char *path;	       /* canonical path, or "host:port" */
	unsigned access;       /* NONO_ACC_READ, NONO_ACC_WRITE or both */
	int nfd;	       /* the listener */
	unsigned long long id; /* the notification */
	int ofd;	       /* see the kinds */
	char *leaf;
	int flags; /* open's flags (O_CREAT and O_EXCL already handled) */
	unsigned mode, umask;
	bool cloexec;
	int client; /* HOST: where the answer goes */
};

struct nono_journal;
struct nono_approvals_cfg {
	const struct nono_policy *policy;
	struct nono_journal *journal; /* an approved write's prior state goes here first */
	int timeout;		      /* seconds until an unanswered request is denied */
	const char *socket;	      /* where 'nono approvals' finds this session */
	char *const *argv;	      /* the program, for the requests of the proxy */
	bool terminal;		      /* may ask on the controlling terminal */
	bool notify;		      /* a desktop notification when the terminal cannot ask (desktop.h) */
	struct nono_loop *loop;	      /* the supervisor's */
};

/* Start serving: the socket and the timer are watched in cfg->loop. 0 or
 * -errno (the socket could not be made). */
int nono_approvals_new(struct nono_approvals **out, const struct nono_approvals_cfg *cfg);
void nono_approvals_set_audit(struct nono_approvals *a, struct nono_audit *audit);
/* The sandbox's first process: its processes never answer a request. */
void nono_approvals_set_child(struct nono_approvals *a, pid_t child);
/* Ask (or answer at once from a session approval, or refuse a path no
 * approval may reach); the notification is answered here, now or later. */
void nono_approvals_ask(struct nono_approvals *a, struct nono_approval_req *req);
/* The listener is closing: deny what waits. */
void nono_approvals_cancel(struct nono_approvals *a);
/* Close the socket and free (NULL is fine). */
void nono_approvals_free(struct nono_approvals *a);

/* ---- both sides: where the sockets are --------------------------------- */

/* The per-user directory of the sessions' sockets ($XDG_RUNTIME_DIR/nono,
 * else /tmp/nono-UID), made 0700 and checked to be the user's own. 0 or
 * -errno; *out freed by the caller. */
int nono_approvals_dir(char **out);
/* The socket of the session of supervisor pid in dir. */
char *nono_approvals_socket(const char *dir, pid_t pid);

#endif
