/* upstream.h - the flags and commands of upstream nono that this nono does
 * not have, each with what to use instead, so a user who brings them gets
 * an answer rather than a bare "unknown option" (supervisor side). */
#ifndef NONO_UPSTREAM_H
#define NONO_UPSTREAM_H

#include <stdbool.h>

struct nono_upstream {
	const char *name;    /* "--memory", "wrap" */
	bool has_arg;	     /* a flag that takes a value */
	const char *instead; /* what to use in this nono */
};

/* The row of an upstream flag ("--theme", "--theme=x") or command ("wrap")
 * this nono lacks; NULL when it is not one. */
const struct nono_upstream *nono_upstream_find(const char *arg);

#endif
