/* decide.c - see decide.h (supervisor side, pure). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/util.h"
#include "supervisor/decide.h"

int
nono_supervisor_exec_decision(const struct nono_policy *p, const char *path, const char *argv0, const char **category,
			      const char **name)
{
	/* path is canonical when the supervisor calls; realpath is for others */
	char *real = path && path[0] != '/' ? realpath(path, NULL) : NULL;
	const char *cands[] = {path, real, argv0};
	int r = 0;

	*category = NULL;
	*name = NULL;
	for (size_t i = 0; i < 3 && !r; i++) {
		const char *base;

		if (!cands[i] || !*cands[i])
			continue;
		if (nono_policy_command_blocked(p, cands[i], category)) {
			base = strrchr(cands[i], '/');
			*name = base ? base + 1 : cands[i];
			r = -EPERM;
		}
	}
	/* the name points into one of the candidates: keep it stable */
	if (r && *name && real && *name >= real && *name < real + strlen(real)) {
		static char keep[NAME_MAX + 1];

		snprintf(keep, sizeof(keep), "%s", *name);
		*name = keep;
	}
	free(real);
	return r;
}

static bool
launch_writable(const struct nono_rule *r)
{
	return (r->access & NONO_ACC_WRITE) && (r->user || (r->access & NONO_ACC_DELETE));
}

int
nono_supervisor_meta_decision(const struct nono_policy *p, const char *canon)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct nono_rule *r = &p->rules[i];
		bool hit = r->is_file ? strcmp(r->path, canon) == 0 : nono_path_under(canon, r->path);

		if (hit && launch_writable(r))
			return nono_policy_sensitive(p, canon) ? -EPERM : 0;
	}
	return -EPERM;
}

int
nono_supervisor_truncate_decision(const struct nono_policy *p, const char *canon)
{
	if (nono_policy_sensitive(p, canon))
		return -EACCES;
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct nono_rule *r = &p->rules[i];
		bool hit = r->is_file ? strcmp(r->path, canon) == 0 : nono_path_under(canon, r->path);

		if (hit && (r->access & NONO_ACC_WRITE) && (r->access & NONO_ACC_DELETE))
			return 0;
	}
	return -EACCES;
}

int
nono_supervisor_unix_decision(const struct nono_policy *p, const char *canon)
{
	if (nono_policy_sensitive(p, canon))
		return -EACCES;
	for (size_t i = 0; i < p->unix_sockets.n; i++)
		if (strcmp(p->unix_sockets.v[i], canon) == 0)
			return 0;
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct nono_rule *r = &p->rules[i];
		bool hit = r->is_file ? strcmp(r->path, canon) == 0 : nono_path_under(canon, r->path);

		if (hit && nono_policy_rule_unix(p, r))
			return 0;
	}
	return -EACCES;
}

bool
nono_supervisor_proxy_decision(const struct nono_policy *p, const void *addr, size_t len)
{
	const struct sockaddr *sa = addr;

	if (p->proxy_port <= 0 || len < sizeof(sa->sa_family))
		return false;
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = addr;

		return !(ntohl(in->sin_addr.s_addr) == INADDR_LOOPBACK && ntohs(in->sin_port) == p->proxy_port);
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = addr;
		static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

		/* only ::ffff:127.0.0.1, the proxy's address seen from an IPv6 socket */
		return !(memcmp(in6->sin6_addr.s6_addr, mapped, 12) == 0 && in6->sin6_addr.s6_addr[12] == 127 &&
			 in6->sin6_addr.s6_addr[13] == 0 && in6->sin6_addr.s6_addr[14] == 0 &&
			 in6->sin6_addr.s6_addr[15] == 1 && ntohs(in6->sin6_port) == p->proxy_port);
	}
	return sa->sa_family == AF_INET || sa->sa_family == AF_INET6; /* too short: refused */
}

bool
nono_supervisor_port_exception(const struct nono_policy *p, const void *addr, size_t len)
{
	const struct sockaddr *sa = addr;
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (!p->n_ports || len < sizeof(sa->sa_family))
		return false;
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = addr;

		return (ntohl(in->sin_addr.s_addr) >> 24) == 127 && nono_policy_port_open(p, ntohs(in->sin_port), true);
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = addr;
		bool lo = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ||
			  (memcmp(in6->sin6_addr.s6_addr, mapped, 12) == 0 && in6->sin6_addr.s6_addr[12] == 127);

		return lo && nono_policy_port_open(p, ntohs(in6->sin6_port), true);
	}
	return false;
}

int
nono_supervisor_ldso_program(char *const *argv)
{
	/* glibc's ld.so options that take a value */
	static const char *const with_value[] = {
	    "--library-path",	      "--inhibit-rpath",     "--audit", "--preload", "--argv0",
	    "--glibc-hwcaps-prepend", "--glibc-hwcaps-mask", NULL};

	for (int i = 1; argv && argv[i]; i++) {
		bool value = false;

		if (strcmp(argv[i], "--") == 0)
			return argv[i + 1] ? i + 1 : -1;
		if (strncmp(argv[i], "--", 2) != 0)
			return i;
		for (size_t k = 0; with_value[k]; k++)
			value = value || strcmp(argv[i], with_value[k]) == 0;
		if (value && argv[i + 1])
			i++;
	}
	return -1;
}

bool
nono_supervisor_xattr_refused(const char *name)
{
	/* file capabilities: a binary that gains privileges when run outside */
	return strcmp(name, "security.capability") == 0;
}
