/* report.c - see report.h (supervisor side). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/report.h"
#include "base/util.h"

/* a program that is refused a million times is summed up in its first few
 * hundred subjects */
#define REPORT_MAX 256

static const char *const kind_names[] = {
    [NONO_REP_READ] = "read",	 [NONO_REP_WRITE] = "write",	 [NONO_REP_DELETE] = "delete",
    [NONO_REP_EXEC] = "execute", [NONO_REP_UNIX] = "unix",	 [NONO_REP_TCP] = "tcp",
    [NONO_REP_HOST] = "host",	 [NONO_REP_COMMAND] = "command", [NONO_REP_OTHER] = "other",
};

const char *
nono_report_kind_name(enum nono_report_kind kind)
{
	return kind <= NONO_REP_OTHER ? kind_names[kind] : "other";
}

void
nono_report_tell(struct nono_report *r, int fd)
{
	r->telling = true;
	r->tell_fd = fd;
}

static void
tell(const struct nono_report *r, enum nono_report_kind kind, const char *subject)
{
	char line[4200];
	int n = snprintf(line, sizeof(line), "%s\t%s\n", nono_report_kind_name(kind), subject);

	/* a subject with a newline is not a line of its own */
	if (n > 0 && (size_t)n < sizeof(line) && !strchr(subject, '\n') && write(r->tell_fd, line, (size_t)n) < 0)
		return;
}

void
nono_report_add(struct nono_report *r, enum nono_report_kind kind, const char *subject, enum nono_refuser by)
{
	if (!r)
		return;
	if (!subject)
		subject = "";
	if (r->telling)
		tell(r, kind, subject);
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].kind == kind && strcmp(r->v[i].subject, subject) == 0) {
			r->v[i].count++;
			return;
		}
	if (r->n == REPORT_MAX) {
		r->dropped++;
		return;
	}
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		r->v = xrealloc(r->v, r->cap * sizeof(*r->v));
	}
	r->v[r->n++] = (struct nono_report_item){kind, xstrdup(subject), by, 1};
}

unsigned
nono_report_total(const struct nono_report *r)
{
	unsigned t = 0;

	for (size_t i = 0; r && i < r->n; i++)
		t += r->v[i].count;
	return r ? t + r->dropped : 0;
}

void
nono_report_free(struct nono_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].subject);
	free(r->v);
	if (r->telling)
		close(r->tell_fd);
	memset(r, 0, sizeof(*r));
}
