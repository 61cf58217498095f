/* cmd_approvals.c - 'nono approvals': the requests of the sessions run
 * with --capability-elevation, listed and answered from another terminal
 * (interactively) or from a script (--json, approve ID, deny ID), over
 * each session's socket in the user's runtime directory (supervisor side:
 * outside every sandbox; a sandbox's processes are refused). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"
#include "cli/commands.h"
#include "supervisor/approvals.h"

/* Send line to the session of supervisor pid and read its whole reply
 * (caller frees). -errno when the session is gone. */
static int
talk(const char *dir, long pid, const char *line, char **out)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char *path = nono_approvals_socket(dir, (pid_t)pid), *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	int s, r = 0;

	*out = NULL;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	free(path);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || nono_write_all(s, line, strlen(line)) < 0) {
		r = -errno;
		close(s);
		return r;
	}
	shutdown(s, SHUT_WR);
	for (;;) {
		if (cap - len < 4096)
			buf = xrealloc(buf, cap += 8192);
		if ((n = read(s, buf + len, cap - len - 1)) <= 0)
			break;
		len += (size_t)n;
	}
	close(s);
	buf[len] = '\0';
	*out = buf;
	return 0;
}

/* Every waiting request of every session, one JSON object a line. */
static char *
collect(const char *dir)
{
	struct nono_strv all = {0};
	DIR *d = opendir(dir);
	struct dirent *e;
	char *out, *reply;
	size_t len = 1;
	long pid;

	while (d && (e = readdir(d)))
		if (sscanf(e->d_name, "approvals-%ld.sock", &pid) == 1 && talk(dir, pid, "list\n", &reply) == 0)
			nono_strv_push_owned(&all, reply);
	if (d)
		closedir(d);
	for (size_t i = 0; i < all.n; i++)
		len += strlen(all.v[i]);
	out = xcalloc(1, len);
	for (size_t i = 0; i < all.n; i++)
		strcat(out, all.v[i]);
	nono_strv_free(&all);
	return out;
}

/* A string field of one of our JSON lines, still JSON-escaped (nothing in
 * it can drive a terminal), or "". */
static void
field(const char *line, const char *key, char *out, size_t n)
{
	char pat[32];
	const char *p;
	size_t k = 0;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	*out = '\0';
	if (!(p = strstr(line, pat)))
		return;
	for (p += strlen(pat); *p && *p != '"' && k + 2 < n; p++) {
		if (*p == '\\' && p[1])
			out[k++] = *p++;
		out[k++] = *p;
	}
	out[k] = '\0';
}

static int
answer(const char *dir, const char *id, const char *verdict)
{
	long pid;
	unsigned n;
	char line[64], *reply = NULL;
	int r;

	if (sscanf(id, "%ld.%u", &pid, &n) != 2 || pid <= 0) {
		fprintf(stderr, "nono approvals: '%s' is not a request id (PID.N, as 'nono approvals --json' lists)\n",
			id);
		return 2;
	}
	snprintf(line, sizeof(line), "answer %u %s\n", n, verdict);
	if ((r = talk(dir, pid, line, &reply)) < 0) {
		fprintf(stderr, "nono approvals: no session %ld to answer (%s)\n", pid, strerror(-r));
		return 1;
	}
	r = strncmp(reply, "ok", 2) ? 1 : 0;
	if (r)
		fprintf(stderr, "nono approvals: %s", *reply ? reply : "no answer\n");
	free(reply);
	return r;
}

static void
print_json(const char *lines)
{
	bool first = true;

	printf("[");
	for (const char *p = lines; *p;) {
		size_t n = strcspn(p, "\n");

		if (n)
			printf("%s\n  %.*s", first ? "" : ",", (int)n, p);
		first = first && !n;
		p += n + (p[n] == '\n');
	}
	printf("%s]\n", first ? "" : "\n");
}

/* Ask at this terminal about each request as it comes, until interrupted. */
static int
interactive(const char *dir)
{
	struct nono_strv seen = {0};

	printf("nono approvals: waiting for requests (Ctrl-C to stop)\n");
	for (;;) {
		char *lines = collect(dir), id[32], argv[512], what[1024], access[16], grant[1024], scope[1024],
		     ans[32];
		bool asked = false;

		for (char *p = lines, *nl; *p; p = nl + 1) {
			if (!(nl = strchr(p, '\n')))
				break;
			*nl = '\0';
			field(p, "id", id, sizeof(id));
			if (!*id || nono_strv_contains(&seen, id))
				continue;
			nono_strv_push(&seen, id);
			field(p, "argv", argv, sizeof(argv));
			field(p, "path", what, sizeof(what));
			if (!*what)
				field(p, "host", what, sizeof(what));
			field(p, "access", access, sizeof(access));
			field(p, "grant", grant, sizeof(grant));
			field(p, "dir_path", scope, sizeof(scope));
			printf("\n[%s] %s asks to %s %s\n  for good: %s\n", id, argv, access, what, grant);
			if (strstr(p, "\"dir\":true"))
				printf("approve? [o]nce, [s]ession, [d]irectory (reads beneath %s), [N]o: ", scope);
			else
				printf("approve? [o]nce, [s]ession, [N]o: ");
			fflush(stdout);
			if (!fgets(ans, sizeof(ans), stdin)) {
				free(lines);
				nono_strv_free(&seen);
				return 0;
			}
			answer(dir, id,
			       ans[0] == 'o' || ans[0] == 'y'	? "once"
			       : ans[0] == 's' || ans[0] == 'a' ? "session"
			       : ans[0] == 'd'			? "dir"
								: "deny");
			asked = true;
		}
		free(lines);
		if (!asked)
			nanosleep(&(struct timespec){0, 200 * 1000 * 1000}, NULL);
	}
}

static void
usage(FILE *f)
{
	fprintf(f, "Usage: nono approvals [--json [--wait SECS]] | approve ID [--session | --dir] | deny ID\n\n"
		   "The requests of the sessions run with --capability-elevation (a file or a host outside\n"
		   "the grants, waiting): without arguments, ask here about each one as it comes.\n\n"
		   "  --json                  print the waiting requests as JSON and exit\n"
		   "  --wait SECS             with --json: wait up to SECS for a request\n"
		   "  approve ID              approve once (ID as --json lists it: PID.N)\n"
		   "  approve ID --session    approve for the rest of the session (this path or host)\n"
		   "  approve ID --dir        approve reads beneath the file's directory for the session\n"
		   "                          (beneath the directory itself, when one was asked for)\n"
		   "  deny ID                 the call fails with EACCES (a host: 403)\n");
}

int
nono_cmd_approvals(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},	 {"wait", required_argument, NULL, 'w'},
	    {"session", no_argument, NULL, 's'}, {"dir", no_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},	 {NULL, 0, NULL, 0}};
	bool json = false, session = false, dirscope = false;
	double wait = 0;
	char *dir = NULL, *lines;
	int c, r, status = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'w':
			wait = atof(optarg);
			break;
		case 's':
			session = true;
			break;
		case 'd':
			dirscope = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if ((r = nono_approvals_dir(&dir)) < 0) {
		fprintf(stderr, "nono approvals: no runtime directory of this user's sessions: %s\n", strerror(-r));
		return 1;
	}
	if (optind < argc && !strcmp(argv[optind], "approve") && optind + 2 == argc) {
		status = answer(dir, argv[optind + 1], dirscope ? "dir" : session ? "session" : "once");
	} else if (optind < argc && !strcmp(argv[optind], "deny") && optind + 2 == argc) {
		status = answer(dir, argv[optind + 1], "deny");
	} else if (optind < argc && strcmp(argv[optind], "list")) {
		usage(stderr);
		status = 2;
	} else if (json || optind < argc) {
		double until = nono_now_us() + wait * 1e6;

		while (!*(lines = collect(dir)) && nono_now_us() < until) {
			free(lines);
			nanosleep(&(struct timespec){0, 50 * 1000 * 1000}, NULL);
		}
		if (json)
			print_json(lines);
		else
			fputs(lines, stdout);
		free(lines);
	} else {
		status = interactive(dir);
	}
	free(dir);
	return status;
}
