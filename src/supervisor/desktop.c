/* desktop.c - see desktop.h (supervisor side). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/log.h"
#include "base/sys.h"
#include "base/util.h"
#include "supervisor/desktop.h"

extern char **environ;

/* notify-send started and not reaped yet: more are not started (a
 * notification server that hangs, a program that asks in a loop) */
#define MAX_RUNNING 4

struct nono_desktop {
	struct nono_loop *loop;
	char *path; /* notify-send, absolute */
	struct {
		pid_t pid; /* 0: free */
		int pidfd; /* watched in the loop, or -1 (reaped at the next start) */
	} run[MAX_RUNNING];
};

static bool
set(const char *name)
{
	const char *v = getenv(name);

	return v && *v;
}

/* Whether the sandbox may change what path runs: write or replace it, or
 * write its directory. */
static bool
sandbox_writes(const struct nono_policy *policy, const char *path)
{
	static const enum nono_op ops[] = {NONO_OP_WRITE, NONO_OP_DELETE};
	char *dir = nono_path_dirname(path);
	bool w = false;

	for (size_t i = 0; i < 3 && !w; i++) {
		struct nono_verdict v;

		memset(&v, 0, sizeof(v));
		if (nono_policy_check(policy, i < 2 ? path : dir, i < 2 ? ops[i] : NONO_OP_WRITE, &v) == 0)
			w = v.allowed;
		nono_verdict_free(&v);
	}
	free(dir);
	return w;
}

/* notify-send in an absolute directory of PATH (a relative one, "." or
 * an empty entry, could be the sandbox's working directory), or NULL */
static char *
find_program(void)
{
	const char *p = getenv("PATH");
	char *copy, *save = NULL, *out = NULL;
	struct stat st;

	if (!p)
		return NULL;
	copy = xstrdup(p);
	for (char *dir = strtok_r(copy, ":", &save); dir && !out; dir = strtok_r(NULL, ":", &save)) {
		char *cand;

		if (dir[0] != '/')
			continue;
		cand = xasprintf("%s/notify-send", dir);
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
			out = cand;
		else
			free(cand);
	}
	free(copy);
	return out;
}

struct nono_desktop *
nono_desktop_new(struct nono_loop *loop, const struct nono_policy *policy)
{
	struct nono_desktop *d;
	char *path;

	if (!set("DISPLAY") && !set("WAYLAND_DISPLAY") && !set("DBUS_SESSION_BUS_ADDRESS"))
		return NULL;
	if (!(path = find_program()))
		return NULL;
	if (policy && sandbox_writes(policy, path)) {
		log_warn("approvals: %s is not run for desktop notifications: the sandbox may write it", path);
		free(path);
		return NULL;
	}
	d = xcalloc(1, sizeof(*d));
	d->loop = loop;
	d->path = path;
	for (size_t i = 0; i < MAX_RUNNING; i++)
		d->run[i].pidfd = -1;
	return d;
}

static void
release(struct nono_desktop *d, size_t i)
{
	if (d->run[i].pidfd >= 0) {
		nono_loop_unwatch(d->loop, d->run[i].pidfd);
		close(d->run[i].pidfd);
	}
	d->run[i].pid = 0;
	d->run[i].pidfd = -1;
}

/* Reap the ones that ended (never waits). */
static void
reap(struct nono_desktop *d)
{
	int st;

	for (size_t i = 0; i < MAX_RUNNING; i++)
		if (d->run[i].pid > 0 && waitpid(d->run[i].pid, &st, WNOHANG) != 0)
			release(d, i);
}

static void
on_exit_fd(void *ctx, int fd, short revents)
{
	(void)fd;
	(void)revents;
	reap(ctx);
}

static int
spawn(const char *path, char *const argv[], pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
	int r;

#ifdef POSIX_SPAWN_SETSID
	flags |= POSIX_SPAWN_SETSID; /* the terminal's signals are not for it */
#endif
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
#ifdef HAVE_POSIX_SPAWN_FILE_ACTIONS_ADDCLOSEFROM_NP
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif
	posix_spawnattr_init(&at);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setflags(&at, flags);
	r = posix_spawn(pid, path, &fa, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return -r;
}

int
nono_desktop_notify(struct nono_desktop *d, const char *summary, const char *body)
{
	/* "--": a body that starts with '-' is not an option */
	char *const argv[] = {"notify-send", "--app-name=nono", "--", (char *)summary, (char *)body, NULL};
	size_t i;
	pid_t pid;
	int r;

	reap(d);
	for (i = 0; i < MAX_RUNNING && d->run[i].pid; i++)
		;
	if (i == MAX_RUNNING)
		return -EAGAIN;
	if ((r = spawn(d->path, argv, &pid)) < 0)
		return r;
	d->run[i].pid = pid;
	/* a pidfd is readable once the process ended: reaped then */
	if ((d->run[i].pidfd = nono_sys_pidfd_open(pid)) >= 0 &&
	    nono_loop_watch(d->loop, d->run[i].pidfd, on_exit_fd, d) < 0) {
		close(d->run[i].pidfd);
		d->run[i].pidfd = -1;
	}
	return 0;
}

void
nono_desktop_escape(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = s ? strlen(s) : 0, used, k;
	char buf[16];

	while (n) {
		if (*p == '&' || *p == '<' || *p == '>') {
			fputs(*p == '&' ? "&amp;" : *p == '<' ? "&lt;" : "&gt;", f);
			used = 1;
		} else {
			k = nono_escape_unit(buf, p, n, 0, &used);
			fwrite(buf, 1, k, f);
		}
		p += used;
		n -= used;
	}
}

void
nono_desktop_free(struct nono_desktop *d)
{
	if (!d)
		return;
	reap(d);
	for (size_t i = 0; i < MAX_RUNNING; i++)
		if (d->run[i].pidfd >= 0) {
			nono_loop_unwatch(d->loop, d->run[i].pidfd);
			close(d->run[i].pidfd);
		}
	free(d->path);
	free(d);
}
