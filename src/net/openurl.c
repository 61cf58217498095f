/* openurl.c - see openurl.h (supervisor side). The requests are served from
 * the supervisor's poll loop, which also answers every mediated syscall: no
 * read here may wait, so each request is read as it arrives, into a buffer
 * of its own, under a deadline. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "base/log.h"
#include "base/trusted.h"
#include "net/openurl.h"

#define URL_MAX		8192
#define URL_DEADLINE_MS 2000

/* one request being read */
struct nono_openurl_conn {
	int fd;
	pid_t pid;		  /* the client, as SO_PEERCRED names it */
	struct timespec deadline; /* CLOCK_MONOTONIC */
	size_t len;
	char buf[URL_MAX + 2];
};

void
nono_openurl_init(struct nono_openurl *u)
{
	memset(u, 0, sizeof(*u));
	u->fd = u->lfd = u->tfd = u->xdg = -1;
}

void
nono_openurl_distrust(struct nono_openurl *u, const char *why)
{
	if (u->xdg >= 0)
		close(u->xdg);
	u->xdg = -1;
	u->xdg_why = why;
}

/* xdg-open as base/trusted.h finds it, said once when it will not run */
static void
find_xdg_open(struct nono_openurl *u)
{
	int fd = nono_trusted_find("xdg-open", &u->xdg_path);

	if (fd >= 0) {
		u->xdg = fd;
		nono_trusted_env(&u->env);
	} else if (fd == -EPERM) {
		log_warn("open_urls: %s is not run: someone other than root may change it", u->xdg_path);
		u->xdg_why = "xdg-open is not run: someone other than root may change it";
	} else {
		u->xdg_why = "xdg-open is not installed";
	}
}

/* the length of "scheme://authority" at the start of url, 0 if none */
static size_t
origin_len(const char *url, bool *https)
{
	size_t s;

	if (strncasecmp(url, "https://", 8) == 0)
		s = 8, *https = true;
	else if (strncasecmp(url, "http://", 7) == 0)
		s = 7, *https = false;
	else
		return 0;
	if (!url[s] || strchr("/?#", url[s]))
		return 0;
	return s + strcspn(url + s, "/?#");
}

int
nono_openurl_add_origin(struct nono_openurl *u, const char *origin, const char *source, struct nono_error *err)
{
	bool https = false;
	size_t n = origin_len(origin, &https);

	if (!n || !https || (origin[n] && strcmp(origin + n, "/") != 0) || strpbrk(origin, " \t\r\n@\\")) {
		nono_error_set(err, -EINVAL, "%s %s: an origin is https://HOST[:PORT], nothing after it", source,
			       origin);
		return err->code;
	}
	{
		char *o = xasprintf("%.*s", (int)n, origin);

		for (char *c = o; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (!nono_strv_contains(&u->origins, o))
			nono_strv_push(&u->origins, o);
		free(o);
	}
	return 0;
}

const char *
nono_openurl_check(const struct nono_openurl *u, const char *url)
{
	bool https = false;
	size_t n = origin_len(url, &https);
	char *o, *host;
	bool ok = false;

	if (strlen(url) > URL_MAX)
		return "longer than 8192 bytes";
	for (const char *c = url; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f)
			return "it contains spaces or control characters";
	if (!n)
		return "not an http or https URL";
	o = xasprintf("%.*s", (int)n, url);
	for (char *c = o; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (strchr(o + (https ? 8 : 7), '@')) {
		free(o);
		return "a URL with credentials in it";
	}
	/* the host without the port: [v6] or name */
	host = xstrdup(o + (https ? 8 : 7));
	if (host[0] == '[')
		host[strcspn(host, "]") + 1] = '\0';
	else
		host[strcspn(host, ":")] = '\0';
	if (u->localhost &&
	    (strcmp(host, "localhost") == 0 || strcmp(host, "127.0.0.1") == 0 || strcmp(host, "[::1]") == 0))
		ok = true;
	else if (https && nono_strv_contains(&u->origins, o))
		ok = true;
	free(host);
	free(o);
	return ok ? NULL : "its origin is not in open_urls.allow_origins";
}

int
nono_openurl_start(struct nono_openurl *u, const char *shim, struct nono_error *err)
{
	char tmpl[] = "/tmp/nono-url-XXXXXX";
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	static const char *const names[] = {"xdg-open", "nono-browser"};
	struct epoll_event ev = {.events = EPOLLIN};

	if (!shim)
		return nono_error_set(err, -ENOENT, "open_urls needs nono's exec shim, which is not installed");
	if (!mkdtemp(tmpl))
		return nono_error_set(err, -errno, "open_urls: cannot create a directory: %s", strerror(errno));
	/* from here on nono_openurl_free() removes it, on every path */
	u->dir = xstrdup(tmpl);
	u->sock = xasprintf("%s/supervisor.sock", tmpl);
	log_debug("open_urls: %s", u->sock);
	for (size_t i = 0; i < 2; i++) {
		char *l = xasprintf("%s/%s", tmpl, names[i]);
		int r = symlink(shim, l);

		free(l);
		if (r < 0)
			return nono_error_set(err, -errno, "open_urls: %s", strerror(errno));
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", u->sock);
	u->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (u->lfd < 0 || bind(u->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(u->lfd, 8) < 0)
		return nono_error_set(err, -errno, "open_urls: cannot listen on %s: %s", u->sock, strerror(errno));
	u->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	u->fd = epoll_create1(EPOLL_CLOEXEC);
	if (u->tfd < 0 || u->fd < 0)
		return nono_error_set(err, -errno, "open_urls: %s", strerror(errno));
	ev.data.fd = u->lfd;
	if (epoll_ctl(u->fd, EPOLL_CTL_ADD, u->lfd, &ev) < 0)
		return nono_error_set(err, -errno, "open_urls: %s", strerror(errno));
	ev.data.fd = u->tfd;
	if (epoll_ctl(u->fd, EPOLL_CTL_ADD, u->tfd, &ev) < 0)
		return nono_error_set(err, -errno, "open_urls: %s", strerror(errno));
	find_xdg_open(u);
	return 0;
}

/* xdg-open URL outside the sandbox, detached: nothing waits for the
 * browser, but a program that cannot be started is reported */
static bool
launch_browser(const struct nono_openurl *u, const char *url)
{
	char *const argv[] = {"xdg-open", (char *)url, NULL};
	int pfd[2], st;
	pid_t pid;

	if (u->xdg < 0 || pipe2(pfd, O_CLOEXEC) < 0)
		return false;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return false;
	}
	if (pid == 0) {
		/* a grandchild, so that nothing waits for the browser */
		pid_t g = fork();
		int e;

		if (g < 0)
			_exit(1);
		if (g > 0)
			_exit(0);
		close(pfd[0]);
		e = -nono_trusted_exec(u->xdg, pfd[1], argv, u->env.v);
		(void)!write(pfd[1], &e, sizeof(e));
		_exit(127);
	}
	close(pfd[1]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	{
		int e = 0;
		ssize_t n;

		/* the grandchild holds the pipe until its exec: EOF means it ran */
		while ((n = read(pfd[0], &e, sizeof(e))) < 0 && errno == EINTR)
			;
		close(pfd[0]);
		return n == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
}

/* ---- serving requests ------------------------------------------------------ */

static bool
before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* the timer at the earliest deadline of the requests being read, or off */
static void
arm_timer(struct nono_openurl *u)
{
	struct itimerspec it = {0};
	bool any = false;

	for (size_t i = 0; i < NONO_OPENURL_CONNS; i++) {
		const struct nono_openurl_conn *c = u->conns[i];

		if (c && (!any || before(&c->deadline, &it.it_value))) {
			it.it_value = c->deadline;
			any = true;
		}
	}
	timerfd_settime(u->tfd, TFD_TIMER_ABSTIME, &it, NULL);
}

static void
drop(struct nono_openurl *u, size_t i)
{
	epoll_ctl(u->fd, EPOLL_CTL_DEL, u->conns[i]->fd, NULL);
	close(u->conns[i]->fd);
	free(u->conns[i]);
	u->conns[i] = NULL;
}

/* Answer request i and let it go; why (static text) refuses it unread. */
static void
finish(struct nono_openurl *u, size_t i, struct nono_audit *audit, const char *why)
{
	struct nono_openurl_conn *c = u->conns[i];
	char *buf = c->buf, *reply;
	size_t len = c->len;
	bool refused;

	buf[len] = '\0';
	if (memchr(buf, '\n', len))
		len = (size_t)((char *)memchr(buf, '\n', len) - buf);
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	buf[len] = '\0';
	if (!why)
		why = memchr(buf, '\0', len) ? "it contains a NUL byte" : nono_openurl_check(u, buf);
	refused = why != NULL;
	if (!why && !launch_browser(u, buf))
		why = u->xdg_why ? u->xdg_why : "xdg-open could not be started";
	nono_audit_call(audit, c->pid, "socket", "open_url", buf,
			refused ? nono_result_of(-EACCES, NONO_BY_SUPERVISOR)
			: why	? nono_result_of(-ENOENT, NONO_BY_NONE)
				: nono_result_of(0, NONO_BY_NONE));
	if (why)
		log_info("refused to open %s: %s", buf, why);
	reply = why ? xasprintf("denied: %s\n", why) : xstrdup("ok\n");
	(void)send(c->fd, reply, strlen(reply), MSG_NOSIGNAL | MSG_DONTWAIT);
	free(reply);
	drop(u, i);
}

/* Take every waiting connection; refuse at once what finds no free slot. */
static void
accept_all(struct nono_openurl *u)
{
	static const char busy[] = "denied: too many requests at once\n";
	int fd;

	while ((fd = accept4(u->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
		struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = fd};
		struct nono_openurl_conn *c;
		struct ucred cr = {0};
		socklen_t cl = sizeof(cr);
		size_t i = 0;

		while (i < NONO_OPENURL_CONNS && u->conns[i])
			i++;
		if (i == NONO_OPENURL_CONNS || epoll_ctl(u->fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			(void)send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
			close(fd);
			continue;
		}
		c = xcalloc(1, sizeof(*c));
		c->fd = fd;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl) == 0)
			c->pid = cr.pid;
		clock_gettime(CLOCK_MONOTONIC, &c->deadline);
		c->deadline.tv_sec += URL_DEADLINE_MS / 1000;
		c->deadline.tv_nsec += (URL_DEADLINE_MS % 1000) * 1000000L;
		if (c->deadline.tv_nsec >= 1000000000L) {
			c->deadline.tv_sec++;
			c->deadline.tv_nsec -= 1000000000L;
		}
		u->conns[i] = c;
	}
}

/* What has arrived of request i, without waiting; answered once complete. */
static void
read_some(struct nono_openurl *u, size_t i, struct nono_audit *audit)
{
	struct nono_openurl_conn *c = u->conns[i];

	for (;;) {
		ssize_t n = recv(c->fd, c->buf + c->len, URL_MAX + 1 - c->len, MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return; /* more later */
		if (n < 0) {
			finish(u, i, audit, "the request was cut off");
			return;
		}
		if (n == 0)
			break; /* the client is done writing */
		if (memchr(c->buf + c->len, '\n', (size_t)n)) {
			c->len += (size_t)n;
			break;
		}
		c->len += (size_t)n;
		if (c->len > URL_MAX) {
			finish(u, i, audit, "longer than 8192 bytes");
			return;
		}
	}
	finish(u, i, audit, NULL);
}

void
nono_openurl_serve(struct nono_openurl *u, struct nono_audit *audit)
{
	struct epoll_event evs[NONO_OPENURL_CONNS + 2];
	struct timespec now;
	int n = epoll_wait(u->fd, evs, NONO_OPENURL_CONNS + 2, 0);

	for (int k = 0; k < n; k++) {
		int fd = evs[k].data.fd;

		if (fd == u->lfd) {
			accept_all(u);
		} else if (fd == u->tfd) {
			uint64_t ticks;

			(void)!read(u->tfd, &ticks, sizeof(ticks));
		} else {
			for (size_t i = 0; i < NONO_OPENURL_CONNS; i++)
				if (u->conns[i] && u->conns[i]->fd == fd) {
					read_some(u, i, audit);
					break;
				}
		}
	}
	/* what is still incomplete at its deadline is refused */
	clock_gettime(CLOCK_MONOTONIC, &now);
	for (size_t i = 0; i < NONO_OPENURL_CONNS; i++)
		if (u->conns[i] && !before(&now, &u->conns[i]->deadline))
			finish(u, i, audit, "no complete request within 2 seconds");
	arm_timer(u);
}

void
nono_openurl_free(struct nono_openurl *u)
{
	for (size_t i = 0; i < NONO_OPENURL_CONNS; i++)
		if (u->conns[i]) {
			close(u->conns[i]->fd);
			free(u->conns[i]);
		}
	if (u->fd >= 0)
		close(u->fd);
	if (u->lfd >= 0)
		close(u->lfd);
	if (u->tfd >= 0)
		close(u->tfd);
	/* private to this session, and read-only to the sandbox; removed
	 * without following links whatever it holds */
	if (u->dir)
		nono_rm_rf(u->dir);
	free(u->dir);
	free(u->sock);
	if (u->xdg >= 0)
		close(u->xdg);
	free(u->xdg_path);
	nono_strv_free(&u->env);
	nono_strv_free(&u->origins);
	nono_openurl_init(u);
}
