/* why.h - printing a policy verdict, shared by 'nono why' and the shell's
 * 'why' builtin (supervisor side, and inside the sandbox for the shell). */
#ifndef NONO_WHY_H
#define NONO_WHY_H

#include <stdbool.h>
#include <stdio.h>

#include "policy/policy.h"

void nono_why_print(const struct nono_verdict *v, enum nono_op op, bool json, FILE *f);
const char *nono_why_reason_name(enum nono_verdict_reason r);

#endif
