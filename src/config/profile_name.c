/* profile_name.c - see profile_name.h (supervisor side). */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "base/vars.h"
#include "config/profile_name.h"

char *
nono_profile_user_path(const char *name)
{
	char *cfg = nono_xdg_dir("config");
	char *p = xasprintf("%s/nono/profiles/%s.json", cfg, name);

	free(cfg);
	return p;
}

bool
nono_profile_name_valid(const char *n)
{
	size_t l = strlen(n);

	if (!l || n[0] == '-' || n[l - 1] == '-')
		return false;
	for (const char *c = n; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
			return false;
	return true;
}
