/* report.c - see report.h (supervisor side). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "audit/report.h"
#include "base/util.h"

/* a program that is refused a million times is summed up in its first few
 * hundred subjects */
#define REPORT_MAX 256

void
nono_report_add(struct nono_report *r, enum nono_report_kind kind, const char *subject, enum nono_refuser by)
{
	if (!r)
		return;
	if (!subject)
		subject = "";
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
	memset(r, 0, sizeof(*r));
}
