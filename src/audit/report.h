/* report.h - what a session's sandbox refused, gathered while it runs for
 * the short report 'nono run' ends with (supervisor side). The supervisor
 * adds its own refusals and Landlock's that it learns of (a mediated call's
 * EACCES), the audit trail the kernel's Landlock log, the session the
 * proxy's; the launch groups them by the one flag that would have allowed
 * each (it has the policy). It works whether or not the trail is kept. */
#ifndef NONO_REPORT_H
#define NONO_REPORT_H

#include <stddef.h>

#include "audit/audit.h"

/* What kind of thing was refused, which says what flag would allow it. */
enum nono_report_kind {
	NONO_REP_READ,	  /* subject: a path */
	NONO_REP_WRITE,	  /* a path: create, write, chmod */
	NONO_REP_DELETE,  /* a path: unlink, rename away, truncate */
	NONO_REP_EXEC,	  /* a path Landlock would not execute */
	NONO_REP_UNIX,	  /* a UNIX socket's path */
	NONO_REP_TCP,	  /* "connect", "listen": the network is blocked or goes through the proxy */
	NONO_REP_HOST,	  /* a host the proxy refused */
	NONO_REP_COMMAND, /* a blocked command's name (strict exec) */
	NONO_REP_OTHER,	  /* no flag allows it (an abstract socket, a 32-bit call, ...) */
};

struct nono_report_item {
	enum nono_report_kind kind;
	char *subject;
	enum nono_refuser by;
	unsigned count;
};

struct nono_report {
	struct nono_report_item *v; /* in the order first seen, one per kind and subject */
	size_t n, cap;
	unsigned dropped; /* refusals past the limit of items kept */
	/* nono shell: each refusal also goes to tell_fd as it is noted, one
	 * line "KIND\tSUBJECT\n" (KIND: read, write, delete, execute, ...),
	 * for the hints its prompt gives; a full pipe drops the line */
	bool telling;
	int tell_fd;
};

/* The name of a kind in tell_fd's lines. */
const char *nono_report_kind_name(enum nono_report_kind kind);
/* Tell fd (owned from now on, closed by nono_report_free) each refusal. */
void nono_report_tell(struct nono_report *r, int fd);
/* Note one refusal (r may be NULL: nothing). */
void nono_report_add(struct nono_report *r, enum nono_report_kind kind, const char *subject, enum nono_refuser by);
/* Refusals noted, each counted (items and the dropped ones). */
unsigned nono_report_total(const struct nono_report *r);
void nono_report_free(struct nono_report *r);

#endif
