/* groups.h - the built-in policy groups: system paths every sandbox can read,
 * the sensitive paths no sandbox can reach, and the dangerous commands (pure
 * data; supervisor side). Names follow the reference policy so profiles that
 * name a group keep working. */
#ifndef NONO_GROUPS_H
#define NONO_GROUPS_H

#include <stdbool.h>
#include <stddef.h>

struct nono_cmd {
	const char *name; /* basename; a trailing '*' matches a prefix */
	const char *category;
};

struct nono_group {
	const char *name;
	const char *description;
	bool required;			 /* cannot be excluded */
	unsigned extra_access;		 /* NONO_ACC_IOCTL for device groups */
	const char *const *read;	 /* read + execute */
	const char *const *write;	 /* write (create) only */
	const char *const *readwrite;	 /* both */
	const char *const *deny;	 /* never readable nor writable */
	const char *const *protect;	 /* never writable; readable where a grant reaches */
	bool own;			 /* nono's own files: --bypass-protection never reaches them */
	const char *const *swept;	 /* run later outside: neutralised at the end (store/persist.c) */
	const struct nono_cmd *commands; /* refused commands */
};

extern const struct nono_group nono_groups[];
extern const size_t nono_n_groups;
/* groups of the default profile, NULL-terminated */
extern const char *const nono_default_groups[];

const struct nono_group *nono_group_find(const char *name);

#endif
