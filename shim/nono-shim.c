/* nono-shim.c - the friendly face of the exec mediation (runs inside the
 * sandbox). nono puts a directory of links named after the blocked commands
 * (rm, dd, chmod, ...) at the front of the sandbox's PATH, all pointing here.
 * The shim runs the real command found further down PATH; when nono's
 * supervisor refuses that exec, the shim says why in one line and exits 126,
 * instead of the bare "Operation not permitted" a shell would print. Nothing
 * is injected into any process: the refusal itself comes from seccomp. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/groups.h"

static const char *
category(const char *name)
{
	for (size_t i = 0; i < nono_n_groups; i++) {
		const struct nono_cmd *c = nono_groups[i].commands;

		for (size_t j = 0; c && c[j].name; j++) {
			size_t l = strlen(c[j].name);

			if (c[j].name[l - 1] == '*' ? strncmp(c[j].name, name, l - 1) == 0
						    : strcmp(c[j].name, name) == 0)
				return c[j].category;
		}
	}
	return "blocked by --block-command";
}

int
main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	const char *path = getenv("PATH"), *self = getenv("NONO_SHIM_DIR");
	char *dup, *save = NULL, cand[PATH_MAX];
	int last = ENOENT;

	(void)argc;
	if (!path || !self) {
		fprintf(stderr, "nono-shim: run by nono only\n");
		return 126;
	}
	dup = strdup(path);
	for (char *d = dup ? strtok_r(dup, ":", &save) : NULL; d; d = strtok_r(NULL, ":", &save)) {
		if (strcmp(d, self) == 0 || !*d)
			continue;
		if (snprintf(cand, sizeof(cand), "%s/%s", d, name) >= (int)sizeof(cand))
			continue;
		if (access(cand, X_OK) != 0)
			continue;
		execv(cand, argv);
		last = errno;
		if (last == EPERM)
			break;
	}
	free(dup);
	if (last == EPERM) {
		fprintf(stderr,
			"nono: command '%s' is blocked (%s)\nhint: restart nono with --allow-command %s to allow it\n",
			name, category(name), name);
		return 126;
	}
	fprintf(stderr, "%s: %s\n", name, strerror(last));
	return last == ENOENT ? 127 : 126;
}
