/* openurl.c - see openurl.h. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"
#include "log.h"
#include "openurl.h"

#define URL_MAX 8192

void
nono_openurl_init(struct nono_openurl *u)
{
	memset(u, 0, sizeof(*u));
	u->fd = -1;
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

	if (!shim)
		return nono_error_set(err, -ENOENT, "open_urls needs nono's exec shim, which is not installed");
	if (!mkdtemp(tmpl))
		return nono_error_set(err, -errno, "open_urls: cannot create a directory: %s", strerror(errno));
	u->dir = xstrdup(tmpl);
	u->sock = xasprintf("%s/supervisor.sock", tmpl);
	for (size_t i = 0; i < 2; i++) {
		char *l = xasprintf("%s/%s", tmpl, names[i]);
		int r = symlink(shim, l);

		free(l);
		if (r < 0)
			return nono_error_set(err, -errno, "open_urls: %s", strerror(errno));
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", u->sock);
	u->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (u->fd < 0 || bind(u->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(u->fd, 8) < 0)
		return nono_error_set(err, -errno, "open_urls: cannot listen on %s: %s", u->sock, strerror(errno));
	return 0;
}

/* xdg-open URL outside the sandbox, detached: nothing waits for the
 * browser, but a program that cannot be started is reported */
static bool
launch_browser(const char *url)
{
	int pfd[2], st;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return false;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return false;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC), e;
		sigset_t none;
		pid_t g;

		close(pfd[0]);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setsid();
		g = fork();
		if (g < 0)
			_exit(1);
		if (g > 0)
			_exit(0);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		execlp("xdg-open", "xdg-open", url, (char *)NULL);
		e = errno;
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

void
nono_openurl_serve(struct nono_openurl *u, struct nono_audit *audit)
{
	int c = accept4(u->fd, NULL, NULL, SOCK_CLOEXEC);
	char *buf = NULL, *reply;
	size_t len = 0;
	struct ucred cr = {0};
	socklen_t cl = sizeof(cr);
	const char *why;

	if (c < 0)
		return;
	buf = xmalloc(URL_MAX + 2);
	getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &cl);
	/* the sandbox must not stall the supervisor: two seconds for the URL */
	while (len <= URL_MAX) {
		struct pollfd pf = {c, POLLIN, 0};
		ssize_t n;

		if (poll(&pf, 1, 2000) <= 0)
			break;
		n = recv(c, buf + len, URL_MAX + 1 - len, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	why = memchr(buf, '\0', len) ? "it contains a NUL byte" : nono_openurl_check(u, buf);
	if (!why && !launch_browser(buf))
		why = "xdg-open could not be started";
	nono_audit_socket(audit, cr.pid, "open_url", buf, why != NULL);
	if (why)
		log_info("refused to open %s: %s", buf, why);
	reply = why ? xasprintf("denied: %s\n", why) : xstrdup("ok\n");
	(void)send(c, reply, strlen(reply), MSG_NOSIGNAL | MSG_DONTWAIT);
	free(reply);
	free(buf);
	close(c);
}

void
nono_openurl_free(struct nono_openurl *u)
{
	if (u->fd >= 0)
		close(u->fd);
	if (u->dir) {
		char *p;

		unlink(u->sock);
		p = xasprintf("%s/xdg-open", u->dir);
		unlink(p);
		free(p);
		p = xasprintf("%s/nono-browser", u->dir);
		unlink(p);
		free(p);
		rmdir(u->dir);
	}
	free(u->dir);
	free(u->sock);
	nono_strv_free(&u->origins);
	nono_openurl_init(u);
}
