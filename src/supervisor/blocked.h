/* blocked.h - strict exec mode's knowledge of the blocked programs by
 * identity and content, so that a blocked command copied under another name
 * is still refused (supervisor side). Found once per session, at the first
 * exec that needs it; the contents are hashed only when a program of the
 * same size is run. */
#ifndef NONO_BLOCKED_H
#define NONO_BLOCKED_H

#include "policy/policy.h"

struct nono_blocked_files;

/* Every command p blocks, found in the system's program directories;
 * free with nono_blocked_files_free(). */
struct nono_blocked_files *nono_blocked_files_find(const struct nono_policy *p);
/* The blocked command obj (a descriptor of the program about to run) is,
 * by identity or by content, or NULL. */
const char *nono_blocked_files_match(struct nono_blocked_files *b, int obj);
void nono_blocked_files_free(struct nono_blocked_files *b);

#endif
