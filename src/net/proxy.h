/* proxy.h - proxy mode (--allow-domain, --network-profile): the sandbox may
 * open TCP connections only to a filtering HTTP proxy on loopback, which
 * tunnels (CONNECT) or forwards (absolute-form HTTP) to the allowed hosts
 * and refuses the rest with 403 (supervisor side). */
#ifndef NONO_PROXY_H
#define NONO_PROXY_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/error.h"
#include "base/util.h"

struct nono_proxy {
	pid_t pid;	/* the proxy process, 0 when none runs */
	int port;	/* on 127.0.0.1 */
	char token[33]; /* the per-session password (user "nono") */
	int events;	/* its decisions, one struct nono_proxy_event a message (while pid > 0) */
};

/* One decision of the proxy, as it tells the supervisor: the request's
 * method ("CONNECT", "GET", ...), host and port, and what came of it. The
 * host is the sandbox's text: escape it before showing it. */
enum nono_proxy_verdict {
	NONO_PROXY_REACHED,	 /* allowed, and connected */
	NONO_PROXY_UNREACHABLE,	 /* allowed, but it could not be reached (502) */
	NONO_PROXY_REFUSED,	 /* not on the allow list (403) */
	NONO_PROXY_UNAUTHORISED, /* without this session's credentials (407) */
	NONO_PROXY_MALFORMED,	 /* a host that is not a plain name or address (400) */
};
struct nono_proxy_event {
	unsigned char verdict; /* enum nono_proxy_verdict */
	unsigned short port;
	char method[16];
	char host[256];
};
/* The next decision waiting on px->events: 1, or 0 when none is (it never
 * blocks). */
int nono_proxy_event_read(const struct nono_proxy *px, struct nono_proxy_event *out);

/* Add an --allow-domain entry to hosts: "host", "*.suffix", or either with
 * an http(s):// prefix. Entries with a path or a port are refused (they
 * would need TLS interception). 0 or -EINVAL with err set. */
int nono_proxy_add_host(struct nono_strv *hosts, const char *entry, const char *source, struct nono_error *err);
/* --deny-domain: HOST or *.DOMAIN, kept as "!HOST", refused even where an
 * allowed pattern (or "*", every host) covers it. 0 or -EINVAL. */
int nono_proxy_add_deny(struct nono_strv *hosts, const char *entry, const char *source, struct nono_error *err);
/* Hosts that only deny (--deny-domain alone): every other host allowed ("*"). */
void nono_proxy_deny_only(struct nono_strv *hosts);
/* Add the hosts of a network profile (minimal, developer, claude-code,
 * codex, opencode, enterprise). -ENOENT with err set for an unknown name. */
int nono_proxy_add_profile(struct nono_strv *hosts, const char *name, struct nono_error *err);
/* The network profiles' names, NULL-terminated (help and completion). */
extern const char *const nono_network_profiles[];
/* Whether host is allowed: no "!" entry matches it, and "*", an exact
 * entry, or "*.x" for a subdomain of x (not x itself) does. host is
 * compared without case and without a final dot. */
bool nono_proxy_host_allowed(const struct nono_strv *hosts, const char *host);
/* Whether a "!" entry (--deny-domain) of hosts refuses host, whatever
 * the others allow. */
bool nono_proxy_host_denied(const struct nono_strv *hosts, const char *host);
/* Whether host, as a request names it (without the brackets of an IPv6
 * literal, bracketed saying it had them), is a plain DNS name (labels of
 * letters, digits, '-' and '_', 1 to 63 each, 253 in all, one final dot at
 * most), an IPv4 address in dotted-quad form or, bracketed, an IPv6
 * address. The resolver would decode anything else (\DDD, \.) into another
 * name than the one the allow and deny lists saw. If so, host is made the
 * name that is matched and resolved: lower case, without the final dot, an
 * IPv6 address in its canonical form (size: host's buffer). */
bool nono_proxy_host_plain(char *host, size_t size, bool bracketed);

/* Capability elevation: a host not on the list is asked about on the
 * supervisor's approvals socket (supervisor/approvals.h). Before start. */
void nono_proxy_set_approvals(const char *socket);
/* Start the proxy on 127.0.0.1:port (0: any free port) for hosts; it dies
 * with the supervisor. Call before any other thread exists. */
int nono_proxy_start(struct nono_proxy *px, const struct nono_strv *hosts, int port, struct nono_error *err);
/* Stop it and wait for it; its decisions not read yet are lost. */
void nono_proxy_stop(struct nono_proxy *px);

#endif
