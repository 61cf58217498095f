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
#include "base/util.h"
#include "supervisor/desktop.h"

/* notify-send started and not reaped yet: more are not started (a
 * notification server that hangs, a program that asks in a loop); one
 * that has run this long is stopped when a slot is needed */
#define MAX_RUNNING 4
#define HUNG_SECS   30

/* What notify-send is given of the supervisor's environment: what it
 * needs to reach the desktop and speak the user's language. Nothing that
 * could name code in a place the sandbox writes (LD_*, GIO_*, GCONV_PATH,
 * a relative PATH entry for the D-Bus launcher). */
static const char *const env_keep[] = {"DISPLAY",
				       "WAYLAND_DISPLAY",
				       "DBUS_SESSION_BUS_ADDRESS",
				       "XDG_RUNTIME_DIR",
				       "HOME",
				       "USER",
				       "LOGNAME",
				       "LANG",
				       "LANGUAGE",
				       "LC_ALL",
				       "LC_CTYPE",
				       "LC_MESSAGES",
				       NULL};

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

/* Whether the sandbox may change what path runs: write or replace it, or
 * write its directory. */
static bool
sandbox_writes(const struct nono_policy *policy, const char *path)
{
	char *dir = nono_path_dirname(path);
	struct nono_verdict v[3];
	bool w;

	memset(v, 0, sizeof(v));
	w = (nono_policy_check(policy, path, NONO_OP_WRITE, &v[0]) == 0 && v[0].allowed) ||
	    (nono_policy_check(policy, path, NONO_OP_DELETE, &v[1]) == 0 && v[1].allowed) ||
	    (nono_policy_check(policy, dir, NONO_OP_WRITE, &v[2]) == 0 && v[2].allowed);
	for (size_t i = 0; i < 3; i++)
		nono_verdict_free(&v[i]);
	free(dir);
	return w;
}

/* Only root may change it: the file and every directory above it are
 * root's and writable by no one else (a sticky directory, /tmp, keeps its
 * entries to their owners). The sandbox runs as the user: it cannot. */
static bool
roots_only(const char *real)
{
	char *p = xstrdup(real);
	struct stat st;
	bool ok = stat(p, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == 0 && !(st.st_mode & 022);

	while (ok && strcmp(p, "/") != 0) {
		char *up = nono_path_dirname(p);

		free(p);
		p = up;
		ok = stat(p, &st) == 0 && st.st_uid == 0 && (!(st.st_mode & 022) || (st.st_mode & S_ISVTX));
	}
	free(p);
	return ok;
}

/* notify-send in an absolute directory of PATH (a relative one, "." or
 * an empty entry, could be the sandbox's working directory), resolved,
 * or NULL */
static char *
find_program(void)
{
	const char *p = getenv("PATH");
	char *copy, *save = NULL, *out = NULL;

	if (!p)
		return NULL;
	copy = xstrdup(p);
	for (char *dir = strtok_r(copy, ":", &save); dir && !out; dir = strtok_r(NULL, ":", &save)) {
		char *cand;

		if (dir[0] != '/')
			continue;
		cand = xasprintf("%s/notify-send", dir);
		if (access(cand, X_OK) == 0)
			out = realpath(cand, NULL);
		free(cand);
	}
	free(copy);
	return out;
}

static void
keep_env(struct nono_strv *env)
{
	for (size_t i = 0; env_keep[i]; i++) {
		const char *v = getenv(env_keep[i]);

		if (v)
			nono_strv_push_owned(env, xasprintf("%s=%s", env_keep[i], v));
	}
	nono_strv_push(env, "PATH=/usr/bin:/bin");
}

struct nono_desktop *
nono_desktop_new(struct nono_loop *loop, const struct nono_policy *policy)
{
	struct nono_desktop *d;
	char *path;
	int fd;

	if (!set("DISPLAY") && !set("WAYLAND_DISPLAY") && !set("DBUS_SESSION_BUS_ADDRESS"))
		return NULL;
	if (!(path = find_program()))
		return NULL;
	if ((policy && sandbox_writes(policy, path)) || !roots_only(path)) {
		log_warn("approvals: %s is not run for desktop notifications: someone other than root, "
			 "or the sandbox, may change it",
			 path);
		free(path);
		return NULL;
	}
	/* what was checked is what runs, whatever the path names later */
	if ((fd = open(path, O_PATH | O_CLOEXEC)) < 0) {
		free(path);
		return NULL;
	}
	d = xcalloc(1, sizeof(*d));
	d->loop = loop;
	d->path = path;
	d->fd = fd;
	keep_env(&d->env);
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

/* The child, between fork and exec: nothing but system calls. A session
 * of its own, default signals, /dev/null for its streams, no other
 * descriptor, / for its directory, then the file that was checked. */
__attribute__((noreturn)) static void
child(int fd, char *const argv[], char *const envp[])
{
	struct sigaction dfl;
	sigset_t none;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsid();
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0 || chdir("/") < 0)
		_exit(127);
	/* every descriptor but the program's, which must stay open for a
	 * script's interpreter (/dev/fd/N) */
	if (fd > 3)
		close_range(3, (unsigned)fd - 1, 0);
	close_range((unsigned)fd + 1, ~0U, 0);
	fcntl(fd, F_SETFD, 0);
	execveat(fd, "", argv, envp, AT_EMPTY_PATH);
	_exit(127);
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
	if (pid == 0)
		child(d->fd, argv, d->env.v);
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
