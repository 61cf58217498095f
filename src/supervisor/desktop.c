/* desktop.c - see desktop.h (supervisor side). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/log.h"
#include "base/sys.h"
#include "base/trusted.h"
#include "base/util.h"
#include "supervisor/desktop.h"

/* notify-send started and not reaped yet: more are not started (a
 * notification server that hangs, a program that asks in a loop); one
 * that has run this long is stopped when a slot is needed */
#define MAX_RUNNING 4
#define HUNG_SECS   30

struct nono_desktop {
	struct nono_loop *loop;
	char *path; /* notify-send, absolute, as checked */
	int fd;	    /* ... opened then (O_PATH): what runs */
	struct nono_strv env;
	struct {
		pid_t pid;	 /* 0: free */
		int pidfd;	 /* watched in the loop, or -1 (reaped at the next start) */
		long long start; /* CLOCK_MONOTONIC seconds */
	} run[MAX_RUNNING];
};

static bool
set(const char *name)
{
	const char *v = getenv(name);

	return v && *v;
}

static long long
now_secs(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec;
}

struct nono_desktop *
nono_desktop_new(struct nono_loop *loop, const struct nono_policy *policy)
{
	struct nono_desktop *d;
	char *path;
	int fd;

	if (!set("DISPLAY") && !set("WAYLAND_DISPLAY") && !set("DBUS_SESSION_BUS_ADDRESS"))
		return NULL;
	fd = nono_trusted_find("notify-send", &path);
	if (fd == -EPERM || (fd >= 0 && policy && nono_policy_may_change(policy, path))) {
		log_warn("approvals: %s is not run for desktop notifications: someone other than root, "
			 "or the sandbox, may change it",
			 path);
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	if (fd < 0) {
		free(path);
		return NULL;
	}
	d = xcalloc(1, sizeof(*d));
	d->loop = loop;
	d->path = path;
	d->fd = fd;
	nono_trusted_env(&d->env);
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

int
nono_desktop_notify(struct nono_desktop *d, const char *summary, const char *body)
{
	/* "--": a body that starts with '-' is not an option */
	char *const argv[] = {"notify-send", "--app-name=nono", "--", (char *)summary, (char *)body, NULL};
	size_t i, oldest = 0;
	pid_t pid;

	reap(d);
	for (i = 0; i < MAX_RUNNING && d->run[i].pid; i++)
		if (d->run[i].start < d->run[oldest].start)
			oldest = i;
	if (i == MAX_RUNNING) {
		/* a notification server that never answers: the oldest goes */
		if (now_secs() - d->run[oldest].start < HUNG_SECS)
			return -EAGAIN;
		kill(d->run[oldest].pid, SIGKILL);
		waitpid(d->run[oldest].pid, NULL, 0);
		release(d, oldest);
		i = oldest;
	}
	if ((pid = fork()) < 0)
		return -errno;
	if (pid == 0) {
		nono_trusted_exec(d->fd, -1, argv, d->env.v);
		_exit(127);
	}
	d->run[i].pid = pid;
	d->run[i].start = now_secs();
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
			/* notify-send decodes backslash escapes (g_strcompress):
			 * ours must reach the screen as written, not become the
			 * newline or the ESC they stand for */
			k = nono_escape_unit(buf, p, n, 0, &used);
			for (size_t j = 0; j < k; j++) {
				if (buf[j] == '\\')
					fputc('\\', f);
				fputc(buf[j], f);
			}
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
	if (d->fd >= 0)
		close(d->fd);
	nono_strv_free(&d->env);
	free(d->path);
	free(d);
}
