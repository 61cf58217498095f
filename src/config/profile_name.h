/* profile_name.h - what a profile may be called and where the user's own
 * live: shared by the profile loader and the pack store, below both
 * (supervisor side). */
#ifndef NONO_PROFILE_NAME_H
#define NONO_PROFILE_NAME_H

#include <stdbool.h>

/* Where a user profile NAME would live: caller-owned. */
char *nono_profile_user_path(const char *name);
/* Letters, digits, - and _, not starting or ending with '-'. */
bool nono_profile_name_valid(const char *name);

#endif
