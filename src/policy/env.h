/* env.h - the child's environment: the caller's, minus variables that let a
 * program load code before it starts, plus nono's own (supervisor side, pure). */
#ifndef NONO_ENV_H
#define NONO_ENV_H

#include <stdbool.h>

#include "base/util.h"

/* true when NAME=... must not reach the sandbox */
bool nono_env_dangerous(const char *entry);
/* Copy environ without dangerous and NONO_CAP_FILE entries, then set each
 * "NAME=value" of set (overriding). Result in *out (NULL-terminated). */
void nono_env_build(struct nono_strv *out, char *const *environ, char *const *set);
/* The same, keeping only names matching allow (when it is not empty) and
 * dropping names matching deny; patterns may end in '*'. */
void nono_env_build_filtered(struct nono_strv *out, char *const *environ, char *const *set,
			     const struct nono_strv *allow, const struct nono_strv *deny);

#endif
