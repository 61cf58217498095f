/* proxy.c - see proxy.h. The proxy is a process of its own, forked by the
 * supervisor before the sandbox starts: one thread a connection, blocking
 * I/O, DNS by getaddrinfo. It never runs inside the sandbox. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "net/proxy.h"

/* ---- the allow list ------------------------------------------------------- */

/* reference 3.5: upstream's network-policy groups and profiles */
static const char *const llm_apis[] = {
    "api.openai.com",
    "api.anthropic.com",
    "claude.ai",
    "platform.claude.com",
    "generativelanguage.googleapis.com",
    "aiplatform.googleapis.com",
    "api.groq.com",
    "api.mistral.ai",
    "api.cohere.com",
    "api.together.xyz",
    "api.fireworks.ai",
    "api.deepseek.com",
    "api.perplexity.ai",
    "inference.cerebras.ai",
    "openrouter.ai",
    "api.x.ai",
    NULL,
};
static const char *const package_registries[] = {
    "registry.npmjs.org",
    "pypi.org",
    "files.pythonhosted.org",
    "crates.io",
    "static.crates.io",
    "index.crates.io",
    "rubygems.org",
    "packagist.org",
    "repo.maven.apache.org",
    "repo1.maven.org",
    "plugins.gradle.org",
    "registry.yarnpkg.com",
    "cdn.jsdelivr.net",
    "unpkg.com",
    "esm.sh",
    NULL,
};
static const char *const github[] = {
    "github.com",
    "api.github.com",
    "codeload.github.com",
    "raw.githubusercontent.com",
    "objects.githubusercontent.com",
    "github-releases.githubusercontent.com",
    "ghcr.io",
    "pkg-containers.githubusercontent.com",
    NULL,
};
static const char *const gitlab[] = {"gitlab.com", "cloud.gitlab.com", "registry.gitlab.com", NULL};
static const char *const sigstore[] = {"rekor.sigstore.dev", "fulcio.sigstore.dev", "tuf-repo-cdn.sigstore.dev",
				       "oauth2.sigstore.dev", NULL};
static const char *const documentation[] = {"docs.python.org",
					    "docs.rs",
					    "doc.rust-lang.org",
					    "developer.mozilla.org",
					    "nodejs.org",
					    "go.dev",
					    "pkg.go.dev",
					    "learn.microsoft.com",
					    NULL};
static const char *const clouds[] = {"*.googleapis.com",
				     "*.openai.azure.com",
				     "*.cognitiveservices.azure.com",
				     "*.bedrock.amazonaws.com",
				     "*.bedrock-runtime.amazonaws.com",
				     NULL};

static const char *const *const developer[] = {llm_apis, package_registries, github, gitlab,
					       sigstore, documentation,	     NULL};
static const char *const *const enterprise[] = {llm_apis, package_registries, github, gitlab,
						sigstore, documentation,      clouds, NULL};
static const char *const *const minimal[] = {llm_apis, NULL};

static const struct {
	const char *name;
	const char *const *const *groups;
} profiles[] = {
    {"minimal", minimal}, {"developer", developer}, {"claude-code", developer},
    {"codex", developer}, {"opencode", developer},  {"enterprise", enterprise},
};

const char *const nono_network_profiles[] = {"minimal",	 "developer",  "claude-code", "codex",
					     "opencode", "enterprise", NULL};

static bool
host_char_ok(int c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_';
}

int
nono_proxy_add_host(struct nono_strv *hosts, const char *entry, const char *source, struct nono_error *err)
{
	const char *h = entry, *s = strstr(entry, "://"), *body;
	char *host;
	size_t n;
	bool ok;

	if (s) {
		if (strncasecmp(entry, "http://", 7) != 0 && strncasecmp(entry, "https://", 8) != 0)
			goto bad;
		h = s + 3;
	}
	n = strcspn(h, "/");
	if (h[n] == '/' && h[n + 1]) {
		nono_error_set(err, -EINVAL, "%s %s: a path needs TLS interception, which nono does not do", source,
			       entry);
		nono_error_hint(err, "allow the whole host: %.*s", (int)n, h);
		return err->code;
	}
	host = xasprintf("%.*s", (int)n, h);
	for (char *c = host; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (n && host[n - 1] == '.')
		host[--n] = '\0';
	body = host + (strncmp(host, "*.", 2) == 0 ? 2 : 0);
	ok = *body && *body != '.';
	for (const char *c = body; ok && *c; c++)
		ok = host_char_ok((unsigned char)*c);
	if (!ok) {
		free(host);
		goto bad;
	}
	if (nono_strv_contains(hosts, host))
		free(host);
	else
		nono_strv_push_owned(hosts, host);
	return 0;
bad:
	nono_error_set(err, -EINVAL, "%s %s: not a host name (expected HOST or *.DOMAIN, no port)", source, entry);
	return err->code;
}

int
nono_proxy_add_deny(struct nono_strv *hosts, const char *entry, const char *source, struct nono_error *err)
{
	struct nono_strv one = {0};
	int r = nono_proxy_add_host(&one, entry, source, err);

	if (r == 0) {
		char *deny = xasprintf("!%s", one.v[0]);

		if (nono_strv_contains(hosts, deny))
			free(deny);
		else
			nono_strv_push_owned(hosts, deny);
	}
	nono_strv_free(&one);
	return r;
}

void
nono_proxy_deny_only(struct nono_strv *hosts)
{
	for (size_t i = 0; i < hosts->n; i++)
		if (hosts->v[i][0] != '!')
			return;
	if (hosts->n)
		nono_strv_push(hosts, "*");
}

int
nono_proxy_add_profile(struct nono_strv *hosts, const char *name, struct nono_error *err)
{
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++) {
		if (strcmp(profiles[i].name, name) != 0)
			continue;
		for (size_t g = 0; profiles[i].groups[g]; g++)
			for (size_t h = 0; profiles[i].groups[g][h]; h++)
				if (!nono_strv_contains(hosts, profiles[i].groups[g][h]))
					nono_strv_push(hosts, profiles[i].groups[g][h]);
		return 0;
	}
	nono_error_set(err, -ENOENT, "unknown network profile '%s'", name);
	nono_error_hint(err, "known: minimal, developer, claude-code, codex, opencode, enterprise");
	return err->code;
}

/* host (n bytes) against one entry: exact, or "*.x" for a subdomain of x */
static bool
host_matches(const char *e, const char *host, size_t n)
{
	size_t m = strlen(e);

	if (strncmp(e, "*.", 2) == 0)
		return n > m - 1 && strncasecmp(host + n - (m - 1), e + 1, m - 1) == 0;
	return m == n && strncasecmp(host, e, n) == 0;
}

bool
nono_proxy_host_allowed(const struct nono_strv *hosts, const char *host)
{
	size_t n = strlen(host);

	if (n && host[n - 1] == '.')
		n--;
	if (!n)
		return false;
	/* --deny-domain first: it wins over every allowed pattern, "*" too */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < hosts->n; i++) {
			const char *e = hosts->v[i];

			if (pass == 0 && e[0] == '!' && host_matches(e + 1, host, n))
				return false;
			if (pass == 1 && e[0] != '!' && (strcmp(e, "*") == 0 || host_matches(e, host, n)))
				return true;
		}
	return false;
}

/* one label of a DNS name: 1 to 63 of letters, digits, '-' and '_' */
static bool
label_ok(const char *s, size_t n)
{
	if (!n || n > 63)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '_'))
			return false;
	}
	return true;
}

bool
nono_proxy_host_plain(char *host, size_t size, bool bracketed)
{
	size_t n = strlen(host);
	struct in_addr a4;
	struct in6_addr a6;

	if (bracketed) {
		char canon[INET6_ADDRSTRLEN];

		/* no zone (%eth0) and nothing the resolver would decode */
		if (inet_pton(AF_INET6, host, &a6) != 1 || !inet_ntop(AF_INET6, &a6, canon, sizeof(canon)) ||
		    strlen(canon) >= size)
			return false;
		strcpy(host, canon);
		return true;
	}
	if (n && host[n - 1] == '.')
		n--;
	if (!n || n > 253 || host[n - 1] == '.')
		return false;
	for (size_t i = 0, l; i < n; i += l + 1)
		if (!label_ok(host + i, l = strcspn(host + i, ".")))
			return false;
	host[n] = '\0';
	for (char *c = host; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	/* an address only in dotted-quad form: inet_aton's others (127.1,
	 * 0x7f.0.0.1, 2130706433) are the same address under another name */
	return inet_aton(host, &a4) == 0 || inet_pton(AF_INET, host, &a4) == 1;
}

/* ---- the proxy process ---------------------------------------------------- */

#define HEAD_MAX     16384
#define IO_TIMEOUT_S 60
#define CONN_MAX     512 /* connections at once: a sandbox can't exhaust the proxy's threads */

static int active; /* connections being served (atomic) */

static const struct nono_strv *allowed;
static char expected_auth[64]; /* base64 of "nono:TOKEN" */
static int events_fd = -1;     /* the supervisor hears every decision here */

/* Tell the supervisor (one message each; it waits while the supervisor is
 * busy rather than lose one). */
static void
tell(enum nono_proxy_verdict v, const char *method, size_t ml, const char *host, const char *port)
{
	struct nono_proxy_event e;

	memset(&e, 0, sizeof(e));
	e.verdict = (unsigned char)v;
	e.port = (unsigned short)(port ? atoi(port) : 0);
	snprintf(e.method, sizeof(e.method), "%.*s", (int)(ml < sizeof(e.method) ? ml : sizeof(e.method) - 1),
		 method ? method : "");
	snprintf(e.host, sizeof(e.host), "%s", host ? host : "");
	while (events_fd >= 0 && send(events_fd, &e, sizeof(e), MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

static void
base64(const unsigned char *in, size_t n, char *out)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v =
		    (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);

		out[o++] = t[v >> 18 & 63];
		out[o++] = t[v >> 12 & 63];
		out[o++] = i + 1 < n ? t[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? t[v & 63] : '=';
	}
	out[o] = '\0';
}

static void
reply(int fd, const char *status, const char *extra, const char *body)
{
	char *r = xasprintf("HTTP/1.1 %s\r\n%sContent-Type: text/plain\r\nContent-Length: %zu\r\nConnection: "
			    "close\r\n\r\n%s",
			    status, extra ? extra : "", strlen(body), body);

	(void)nono_write_all(fd, r, strlen(r));
	free(r);
}

/* the value of header name in head (lines after the first), or NULL */
static const char *
header(const char *head, const char *name, size_t *len)
{
	size_t nl = strlen(name);

	for (const char *l = strstr(head, "\r\n"); l && l[2] && !(l[2] == '\r' && l[3] == '\n');
	     l = strstr(l + 2, "\r\n")) {
		const char *v = l + 2;

		if (strncasecmp(v, name, nl) == 0 && v[nl] == ':') {
			v += nl + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			*len = strcspn(v, "\r\n");
			return v;
		}
	}
	return NULL;
}

static bool
authorised(const char *head)
{
	size_t n = 0, el = strlen(expected_auth);
	const char *v = header(head, "Proxy-Authorization", &n);
	unsigned char diff = 0;

	if (!v || n < 6 || strncasecmp(v, "Basic ", 6) != 0)
		return false;
	v += 6;
	n -= 6;
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n != el)
		return false;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(v[i] ^ expected_auth[i]);
	return diff == 0;
}

static int
dial(const char *host, const char *port)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_ADDRCONFIG}, *res = NULL;
	struct timeval tv = {IO_TIMEOUT_S, 0};
	int fd = -1;

	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (connect(fd, a->ai_addr, a->ai_addrlen) < 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	return fd;
}

/* copy both ways until both sides are done */
static void
relay(int a, int b)
{
	char buf[65536];
	bool open_a = true, open_b = true;

	while (open_a || open_b) {
		struct pollfd pf[2] = {{open_a ? a : -1, POLLIN, 0}, {open_b ? b : -1, POLLIN, 0}};
		int r = poll(pf, 2, IO_TIMEOUT_S * 1000 * 10);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return;
		for (int i = 0; i < 2; i++) {
			int from = i ? b : a, to = i ? a : b;
			ssize_t n;

			if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = recv(from, buf, sizeof(buf), 0);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0 || nono_write_all(to, buf, (size_t)n) < 0) {
				shutdown(to, SHUT_WR);
				if (i)
					open_b = false;
				else
					open_a = false;
				if (n < 0)
					return;
			}
		}
	}
}

/* "host:port" or "[v6]:port" into host and port (*v6: it had brackets);
 * false if malformed */
static bool
split_authority(const char *s, size_t n, char *host, size_t hmax, char *port, const char *dflt, bool *v6)
{
	const char *colon;
	size_t hl;

	if ((*v6 = n && s[0] == '[')) {
		const char *end = memchr(s, ']', n);

		if (!end)
			return false;
		hl = (size_t)(end - s - 1);
		if (hl >= hmax)
			return false;
		memcpy(host, s + 1, hl);
		host[hl] = '\0';
		colon = end + 1 < s + n && end[1] == ':' ? end + 1 : NULL;
	} else {
		colon = memchr(s, ':', n);
		hl = colon ? (size_t)(colon - s) : n;
		if (!hl || hl >= hmax)
			return false;
		memcpy(host, s, hl);
		host[hl] = '\0';
	}
	if (colon) {
		size_t pl = (size_t)(s + n - colon - 1);

		if (!pl || pl > 5 || strspn(colon + 1, "0123456789") < pl)
			return false;
		memcpy(port, colon + 1, pl);
		port[pl] = '\0';
	} else {
		snprintf(port, 6, "%s", dflt);
	}
	return atoi(port) > 0 && atoi(port) < 65536;
}

bool
nono_proxy_host_denied(const struct nono_strv *hosts, const char *host)
{
	struct nono_strv denies = {0};
	bool r;

	nono_strv_push(&denies, "*");
	for (size_t i = 0; hosts && i < hosts->n; i++)
		if (hosts->v[i][0] == '!')
			nono_strv_push(&denies, hosts->v[i]);
	r = !nono_proxy_host_allowed(&denies, host);
	nono_strv_free(&denies);
	return r;
}

/* whether host is denied by --deny-domain */
static bool
denied(const char *host)
{
	return nono_proxy_host_denied(allowed, host);
}

static void
refuse(int c, const char *host)
{
	char *body;

	/* denied by --deny-domain: no flag to offer */
	if (denied(host))
		body = xasprintf("nono: %s is denied in this sandbox (--deny-domain)\n", host);
	else
		body = xasprintf("nono: %s is not on this sandbox's allow list; restart nono with --allow-domain %s\n",
				 host, host);
	reply(c, "403 Forbidden", NULL, body);
	free(body);
}

static const char *approvals; /* the supervisor's approvals socket, or NULL */

void
nono_proxy_set_approvals(const char *socket)
{
	approvals = socket;
}

/* Capability elevation: the supervisor asks whoever answers requests and
 * says "allow" or "deny" (it denies when nobody answers in time). */
static bool
ask(const char *host, const char *port)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char line[300], answer[16] = "";
	ssize_t n;
	int s;

	if (!approvals || strlen(approvals) >= sizeof(sa.sun_path))
		return false;
	strcpy(sa.sun_path, approvals);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return false;
	snprintf(line, sizeof(line), "ask-host %s %s\n", host, port);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    write(s, line, strlen(line)) == (ssize_t)strlen(line) && (n = read(s, answer, sizeof(answer) - 1)) > 0)
		answer[n] = '\0';
	close(s);
	return !strncmp(answer, "allow", 5);
}

/* A connection to host:port if host is a plain name or address and the
 * list allows it (or, with capability elevation, someone approves it; a
 * host --deny-domain denies is never offered); else the client has its
 * answer (400, 403 or 502) and -1 comes back. The supervisor hears of it
 * either way. host (its buffer hmax bytes) is normalised in place. */
static int
upstream(int c, const char *method, size_t ml, char *host, size_t hmax, bool v6, const char *port)
{
	int up;

	if (!nono_proxy_host_plain(host, hmax, v6)) {
		tell(NONO_PROXY_MALFORMED, method, ml, host, port);
		reply(c, "400 Bad Request", NULL,
		      "nono: not a plain host name (letters, digits, '-', '_', '.'), an IPv4 address or a "
		      "bracketed IPv6 one\n");
		return -1;
	}
	if (!nono_proxy_host_allowed(allowed, host) && (denied(host) || !ask(host, port))) {
		tell(NONO_PROXY_REFUSED, method, ml, host, port);
		refuse(c, host);
		return -1;
	}
	if ((up = dial(host, port)) < 0) {
		tell(NONO_PROXY_UNREACHABLE, method, ml, host, port);
		reply(c, "502 Bad Gateway", NULL, "nono: cannot reach that host\n");
	} else {
		tell(NONO_PROXY_REACHED, method, ml, host, port);
	}
	return up;
}

static void *
connection(void *arg)
{
	int c = (int)(intptr_t)arg, up = -1;
	char *head = xmalloc(HEAD_MAX + 1), host[256], port[6], *end = NULL;
	size_t len = 0, hl;
	bool v6;
	struct timeval tv = {IO_TIMEOUT_S, 0};

	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (len < HEAD_MAX) {
		ssize_t n = recv(c, head + len, HEAD_MAX - len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out;
		len += (size_t)n;
		head[len] = '\0';
		if ((end = strstr(head, "\r\n\r\n")))
			break;
	}
	if (!end) {
		reply(c, "431 Request Header Fields Too Large", NULL, "nono: request head too large\n");
		goto out;
	}
	hl = (size_t)(end - head) + 4;
	if (!authorised(head)) {
		tell(NONO_PROXY_UNAUTHORISED, head, strcspn(head, " \r\n"), NULL, NULL);
		reply(c, "407 Proxy Authentication Required", "Proxy-Authenticate: Basic realm=\"nono\"\r\n",
		      "nono: this proxy serves only its own sandbox\n");
		goto out;
	}
	{
		size_t ml = strcspn(head, " \r\n"), tl;
		const char *target = head + ml + 1, *ver;

		if (head[ml] != ' ')
			goto bad;
		tl = strcspn(target, " \r\n");
		ver = target + tl + 1;
		if (target[tl] != ' ' || strncmp(ver, "HTTP/1.", 7) != 0)
			goto bad;
		if (ml == 7 && strncmp(head, "CONNECT", 7) == 0) {
			if (!split_authority(target, tl, host, sizeof(host), port, "443", &v6))
				goto bad;
			if ((up = upstream(c, head, ml, host, sizeof(host), v6, port)) < 0)
				goto out;
			if (nono_write_all(c, "HTTP/1.1 200 Connection established\r\n\r\n", 39) < 0 ||
			    (len > hl && nono_write_all(up, head + hl, len - hl) < 0))
				goto out;
		} else {
			/* absolute-form: METHOD http://host[:port]/path HTTP/1.x */
			const char *auth = target + 7, *path;
			size_t al;
			char *fwd;
			FILE *f;
			size_t fl = 0, ul;

			if (tl < 8 || strncasecmp(target, "http://", 7) != 0)
				goto bad;
			al = strcspn(auth, "/? \r\n");
			path = auth + al;
			if (!split_authority(auth, al, host, sizeof(host), port, "80", &v6))
				goto bad;
			if ((up = upstream(c, head, ml, host, sizeof(host), v6, port)) < 0)
				goto out;
			/* origin-form, hop-by-hop headers dropped, one request a connection */
			f = open_memstream(&fwd, &fl);
			fprintf(f, "%.*s %s%.*s %.*s\r\n", (int)ml, head, *path == '/' ? "" : "/",
				(int)(target + tl - path), path, (int)strcspn(ver, "\r\n"), ver);
			for (const char *l = strstr(head, "\r\n") + 2; l < end; l = strstr(l, "\r\n") + 2) {
				size_t ll = strcspn(l, "\r\n");

				if (strncasecmp(l, "Proxy-", 6) != 0 && strncasecmp(l, "Connection:", 11) != 0 &&
				    strncasecmp(l, "Keep-Alive:", 11) != 0)
					fprintf(f, "%.*s\r\n", (int)ll, l);
			}
			/* a WebSocket (or other) upgrade asks for one: the relay
			 * below carries both directions once the server agrees */
			fputs(header(head, "Upgrade", &ul) ? "Connection: Upgrade\r\n\r\n"
							   : "Connection: close\r\n\r\n",
			      f);
			fclose(f);
			if (nono_write_all(up, fwd, fl) < 0 ||
			    (len > hl && nono_write_all(up, head + hl, len - hl) < 0)) {
				free(fwd);
				goto out;
			}
			free(fwd);
		}
	}
	relay(c, up);
	goto out;
bad:
	reply(c, "400 Bad Request", NULL, "nono: not a proxy request\n");
out:
	if (up >= 0)
		close(up);
	close(c);
	free(head);
	__atomic_sub_fetch(&active, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void __attribute__((noreturn)) serve(int lfd, int efd, pid_t supervisor)
{
	sigset_t none;
	pthread_attr_t at;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != supervisor)
		_exit(0);
	/* nothing of the supervisor's but the listening socket and the
	 * decisions' (moved to 3 and 4 first) */
	if ((lfd = fcntl(lfd, F_DUPFD_CLOEXEC, 16)) < 0 || (efd = fcntl(efd, F_DUPFD_CLOEXEC, 16)) < 0 ||
	    dup3(lfd, 3, O_CLOEXEC) < 0 || dup3(efd, 4, O_CLOEXEC) < 0)
		_exit(1);
	lfd = 3;
	events_fd = 4;
	close_range(5, ~0U, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_IGN); /* the terminal's ^C is for the sandbox; the supervisor stops us */
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&at, 256 * 1024);
	for (;;) {
		int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		pthread_t t;

		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE)
				continue;
			_exit(1);
		}
		if (__atomic_add_fetch(&active, 1, __ATOMIC_SEQ_CST) > CONN_MAX ||
		    pthread_create(&t, &at, connection, (void *)(intptr_t)c) != 0) {
			__atomic_sub_fetch(&active, 1, __ATOMIC_SEQ_CST);
			close(c);
		}
	}
}

int
nono_proxy_start(struct nono_proxy *px, const struct nono_strv *hosts, int port, struct nono_error *err)
{
	struct sockaddr_in sa = {
	    .sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof(sa);
	unsigned char rnd[16];
	char cred[64];
	pid_t self = getpid(), pid;
	int lfd, one = 1, ev[2];

	memset(px, 0, sizeof(*px));
	px->events = -1;
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return nono_error_set(err, -EIO, "proxy: no random token: %s", strerror(errno));
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(px->token + 2 * i, 3, "%02x", rnd[i]);
	snprintf(cred, sizeof(cred), "nono:%s", px->token);
	base64((const unsigned char *)cred, strlen(cred), expected_auth);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		return nono_error_set(err, -errno, "proxy: socket: %s", strerror(errno));
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 128) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &sl) < 0) {
		int e = errno;

		close(lfd);
		nono_error_set(err, -e, "proxy: cannot listen on 127.0.0.1:%d: %s", port, strerror(e));
		if (port)
			nono_error_hint(err, "choose another --proxy-port, or leave it out for a free one");
		return err->code;
	}
	px->port = ntohs(sa.sin_port);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ev) < 0) {
		int e = errno;

		close(lfd);
		return nono_error_set(err, -e, "proxy: socketpair: %s", strerror(e));
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(lfd);
		close(ev[0]);
		close(ev[1]);
		return nono_error_set(err, -e, "proxy: fork: %s", strerror(e));
	}
	if (pid == 0) {
		allowed = hosts;
		close(ev[0]);
		serve(lfd, ev[1], self);
	}
	close(lfd);
	close(ev[1]);
	px->pid = pid;
	px->events = ev[0];
	return 0;
}

int
nono_proxy_event_read(const struct nono_proxy *px, struct nono_proxy_event *out)
{
	ssize_t n;

	if (!px || px->pid <= 0 || px->events < 0)
		return 0;
	while ((n = recv(px->events, out, sizeof(*out), MSG_DONTWAIT)) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(*out))
		return 0;
	out->method[sizeof(out->method) - 1] = '\0';
	out->host[sizeof(out->host) - 1] = '\0';
	return 1;
}

void
nono_proxy_stop(struct nono_proxy *px)
{
	int st;

	if (!px || px->pid <= 0)
		return;
	if (px->events >= 0)
		close(px->events);
	px->events = -1;
	kill(px->pid, SIGKILL);
	while (waitpid(px->pid, &st, 0) < 0 && errno == EINTR)
		;
	px->pid = 0;
}
