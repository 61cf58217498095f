/* nono-shim.c - the friendly face of the exec mediation (runs inside the
 * sandbox). nono puts a directory of links named after the blocked commands
 * (rm, dd, chmod, ...) at the front of the sandbox's PATH, all pointing here.
 * The shim runs the real command found further down PATH; when nono's
 * supervisor refuses that exec, the shim says why in one line and exits 126,
 * instead of the bare "Operation not permitted" a shell would print. Nothing
 * is injected into any process: the refusal itself comes from seccomp.
 * Named xdg-open or nono-browser (a profile's open_urls), it asks the
 * supervisor to open its URL in the user's browser instead. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "policy/groups.h"

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

/* open_urls: hand the URL to the supervisor, which opens it outside */
static int
open_url(const char *sock, int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct timeval tv = {10, 0};
	char reply[512];
	ssize_t n;
	size_t got = 0;
	int fd;

	if (argc != 2 || !*argv[1]) {
		fprintf(stderr, "usage: %s URL\n", argv[0]);
		return 2;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "nono: cannot reach the supervisor to open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (send(fd, argv[1], strlen(argv[1]), MSG_NOSIGNAL) < 0 || shutdown(fd, SHUT_WR) < 0) {
		fprintf(stderr, "nono: cannot reach the supervisor: %s\n", strerror(errno));
		return 1;
	}
	while (got < sizeof(reply) - 1 && (n = recv(fd, reply + got, sizeof(reply) - 1 - got, 0)) > 0)
		got += (size_t)n;
	reply[got] = '\0';
	close(fd);
	if (strncmp(reply, "ok", 2) == 0)
		return 0;
	reply[strcspn(reply, "\n")] = '\0';
	fprintf(stderr, "nono: the supervisor did not open %s: %s\n", argv[1],
		*reply ? (strncmp(reply, "denied: ", 8) == 0 ? reply + 8 : reply) : "no answer");
	fprintf(stderr, "hint: a profile's open_urls.allow_origins lists the origins it may open\n");
	return 1;
}

int
main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	const char *path = getenv("PATH"), *self = getenv("NONO_SHIM_DIR");
	char *dup, *save = NULL, cand[PATH_MAX];
	int last = ENOENT;

	if ((strcmp(name, "xdg-open") == 0 || strcmp(name, "nono-browser") == 0) && getenv("NONO_URL_SOCKET"))
		return open_url(getenv("NONO_URL_SOCKET"), argc, argv);
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
