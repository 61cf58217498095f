/* why.h - printing a policy verdict, shared by 'nono why' and the shell's
 * 'why' builtin (supervisor side, and inside the sandbox for the shell). */
#ifndef NONO_WHY_H
#define NONO_WHY_H

#include <stdbool.h>
#include <stdio.h>

#include "policy/policy.h"

void nono_why_print(const struct nono_verdict *v, enum nono_op op, bool json, FILE *f);
const char *nono_why_reason_name(enum nono_verdict_reason r);
/* Where a rule's grant comes from, in upstream's words: "user" (a flag or
 * its environment mirror), "profile", "group:NAME" or "system" (what nono
 * grants itself). */
const char *nono_why_source(const char *rule_source);
/* One 'hint:' line on f for op on path, refused: what the sandbox refused
 * and the flag that would allow it. -1 (nothing printed) when the policy
 * allows it: the refusal was not the sandbox's. */
int nono_why_hint(const struct nono_policy *p, const char *path, enum nono_op op, FILE *f);

#endif
