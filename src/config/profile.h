/* profile.h - nono-compatible JSON profiles: resolution (file, user directory,
 * built-in), JSONC parsing with file:line:col errors, schema checks with a
 * did-you-mean (the schema is the key table's profile keys, keys.h),
 * 'extends' merging, and applying a profile to the options through the same
 * setters as the flags (supervisor side). */
#ifndef NONO_PROFILE_H
#define NONO_PROFILE_H

#include <stdbool.h>

#include "base/error.h"
#include "config/keys.h"

struct nono_profile {
	char *name;		/* as asked for */
	char *origin;		/* file path, or "built-in" */
	void *doc;		/* merged document (json_t *) */
	struct nono_strv chain; /* the profiles it was built from, base first */
	struct nono_strv warnings;
};

int nono_profile_load(struct nono_profile *out, const char *ref, struct nono_error *err);
void nono_profile_free(struct nono_profile *p);
/* Feed the merged profile into o, key by key in the key table's order,
 * through each key's setter (keys.h); flags applied later win. */
int nono_profile_apply(struct nono_options *o, const struct nono_profile *p, struct nono_error *err);
/* Validate one file on its own (no base resolution errors hidden). */
int nono_profile_validate_text(const char *text, const char *file, struct nono_strv *problems);

/* Built-in profiles: names, NULL-terminated, and their JSON. */
extern const char *const nono_builtin_profile_names[];
const char *nono_builtin_profile(const char *name);
/* Pretty JSON of the merged document, caller-owned. */
char *nono_profile_dump(const struct nono_profile *p);

#include "config/profile_name.h"

#endif
