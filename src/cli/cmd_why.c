/* cmd_why.c - 'nono why': would the sandbox let PATH be read, written or
 * deleted, and why (supervisor side; with --self, inside a sandbox). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/escape.h"
#include "base/log.h"
#include "cli/commands.h"
#include "config/options.h"
#include "launch/capfile.h"
#include "net/proxy.h"
#include "policy/why.h"

/* ---- nono why --host H --port P ------------------------------------------------ */

/* A connection's verdict: the reason is upstream's name. */
struct host_verdict {
	char host[256];
	int port;
	bool allowed, loopback;
	const char *via;    /* "direct", "proxy", or NULL when refused */
	const char *reason; /* network_allowed, proxy_allowed, proxy_filtered, network_blocked, loopback_direct */
	char *details, *fix;
};

/* HOST, [V6], or a URL (scheme://host[:port]/...): the host and any port. */
static int
host_parse(struct host_verdict *v, const char *arg, const char *port, struct nono_error *err)
{
	const char *h = strstr(arg, "://") ? strstr(arg, "://") + 3 : arg, *end;
	int dflt = strncmp(arg, "http://", 7) == 0 || strncmp(arg, "ws://", 5) == 0 ? 80 : 443;
	size_t n;

	if (*h == '[') {
		end = strchr(h, ']');
		n = end ? (size_t)(end - h - 1) : 0;
		h++;
		end = end ? end + 1 : h;
	} else {
		n = strcspn(h, ":/?#");
		end = h + n;
	}
	if (!n || n >= sizeof(v->host))
		return nono_error_set(err, -EINVAL, "nono why --host %s: not a host", arg);
	snprintf(v->host, sizeof(v->host), "%.*s", (int)n, h);
	for (char *c = v->host; *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
	v->port = *end == ':' ? atoi(end + 1) : dflt;
	if (port)
		v->port = strspn(port, "0123456789") == strlen(port) && *port ? atoi(port) : 0;
	if (v->port < 1 || v->port > 65535)
		return nono_error_set(err, -EINVAL, "nono why --port %s: expected a port from 1 to 65535",
				      port ? port : end + 1);
	v->loopback = strcmp(v->host, "localhost") == 0 || strcmp(v->host, "::1") == 0 ||
		      strncmp(v->host, "127.", 4) == 0 ||
		      (strlen(v->host) > 10 && strcmp(v->host + strlen(v->host) - 10, ".localhost") == 0);
	return 0;
}

/* The verdict for a policy as run would build it: blocked, proxy mode
 * (hosts), or open; the port exceptions hold on loopback. */
static void
host_decide(struct host_verdict *v, const struct nono_policy *p, bool blocked, const struct nono_strv *hosts)
{
	if (v->loopback && (blocked || hosts->n) && nono_policy_port_open(p, v->port, true)) {
		v->allowed = true, v->via = "direct", v->reason = "network_allowed";
		v->details = xasprintf("port %d on loopback is open (--open-port)", v->port);
	} else if (hosts->n && nono_proxy_host_allowed(hosts, v->host)) {
		v->allowed = true, v->via = "proxy", v->reason = "proxy_allowed";
		v->details = xasprintf("through nono's proxy on 127.0.0.1 (HTTPS_PROXY, HTTP_PROXY): HTTP CONNECT or "
				       "plain HTTP, not raw TCP%s",
				       v->loopback ? "; NO_PROXY leaves it out, so clients send it there" : "");
	} else if (hosts->n && v->loopback) {
		v->reason = "loopback_direct";
		v->details = xstrdup("loopback is reached directly (NO_PROXY), and proxy mode lets TCP reach only the "
				     "proxy");
		v->fix = xasprintf("--open-port %d (raw TCP), or --allow-domain %s (HTTP through the proxy)", v->port,
				   v->host);
	} else if (hosts->n) {
		/* refused by --deny-domain, or not among the allowed */
		v->reason = "proxy_filtered";
		if (nono_proxy_host_denied(hosts, v->host)) {
			v->details = xstrdup("proxy mode, and --deny-domain (network.deny_domain) refuses this host");
		} else {
			v->details = xstrdup("proxy mode, and the host is not among its allowed hosts");
			v->fix = xasprintf("--allow-domain %s", v->host);
		}
	} else if (blocked) {
		v->reason = "network_blocked";
		v->details = xstrdup("--block-net (or the profile's network.block): every non-UNIX socket is refused");
		v->fix = v->loopback ? xasprintf("--open-port %d", v->port) : xasprintf("--allow-domain %s", v->host);
	} else {
		v->allowed = true, v->via = "direct", v->reason = "network_allowed";
		v->details = xstrdup("the network is open: no --block-net, --allow-domain or --network-profile");
	}
}

static void
host_print(const struct host_verdict *v, bool json)
{
	if (json) {
		printf("{\n  \"status\": \"%s\",\n  \"host\": ", v->allowed ? "allowed" : "denied");
		nono_json_string(stdout, v->host);
		printf(",\n  \"port\": %d,\n  \"via\": %s%s%s,\n  \"reason\": \"%s\",\n  \"details\": ", v->port,
		       v->via ? "\"" : "", v->via ? v->via : "null", v->via ? "\"" : "", v->reason);
		nono_json_string(stdout, v->details);
		printf(",\n  \"suggested_flag\": ");
		if (v->fix)
			nono_json_string(stdout, v->fix);
		else
			printf("null");
		printf("\n}\n");
		return;
	}
	printf("%s%s%s\n", nono_c(1, v->allowed ? C_GREEN : C_RED), v->allowed ? "ALLOWED" : "DENIED",
	       nono_c(1, C_RESET));
	printf("  Host:       %s port %d\n", v->host, v->port);
	if (v->via)
		printf("  Via:        %s\n", strcmp(v->via, "proxy") == 0 ? "the proxy" : "a direct connection");
	printf("  Reason:     %s: %s\n", v->reason, v->details);
	if (v->fix)
		printf("  Fix:        %s\n", v->fix);
}

/* 0 once printed, or -errno with err set */
static int
why_host(struct nono_options *l, struct nono_error *err)
{
	struct host_verdict v = {0};
	struct nono_policy self;
	struct nono_strv hosts = {0};
	const struct nono_policy *p = &l->policy;
	bool blocked;
	int r;

	nono_policy_init(&self);
	if ((r = host_parse(&v, l->why_host, l->why_port, err)) < 0)
		goto out;
	if (l->self) {
		const char *cf = getenv("NONO_CAP_FILE");

		if (!cf || !*cf || (r = nono_capfile_read(&self, cf, err)) < 0) {
			r = cf && *cf ? r : nono_error_set(err, -ENOENT, "nono why --self: not inside a nono sandbox");
			goto out;
		}
		p = &self;
		blocked = self.block_net && self.proxy_port <= 0;
	} else {
		blocked = l->policy.block_net;
		if (l->network_profile && (r = nono_proxy_add_profile(&hosts, l->network_profile, err)) < 0)
			goto out;
		if (blocked && (hosts.n || l->policy.proxy_hosts.n)) {
			r = nono_error_set(err, -EINVAL,
					   "--block-net and proxy mode (--allow-domain, --network-profile) "
					   "don't go together: nono run refuses them");
			goto out;
		}
	}
	for (size_t i = 0; i < p->proxy_hosts.n; i++)
		nono_strv_push(&hosts, p->proxy_hosts.v[i]);
	nono_proxy_deny_only(&hosts);
	host_decide(&v, p, blocked, &hosts);
	host_print(&v, l->json);
out:
	free(v.details);
	free(v.fix);
	nono_strv_free(&hosts);
	nono_policy_free(&self);
	return r;
}

int
nono_cmd_why(int argc, char **argv)
{
	struct nono_options l;
	struct nono_error err = {0};
	struct nono_verdict v;
	struct nono_policy self;
	const struct nono_policy *p = &l.policy;
	enum nono_op op = NONO_OP_READ;
	const char *path;
	int r, status = 1;

	nono_options_init(&l);
	nono_policy_init(&self);
	r = nono_options_parse(&l, NONO_CMD_WHY, "why", argc, argv, &err);
	if (r == 1) {
		nono_cli_usage(NONO_CMD_WHY, "why", "[OPTIONS] [--path] PATH",
			       "Explain whether the sandbox these flags describe (or, with --self, the one this runs "
			       "in)\nallows an operation on PATH, and which flag would grant it. Exit 0 either way.");
		status = 0;
		goto out;
	}
	if (r < 0)
		goto fail;
	if (l.why_host || l.why_port) {
		if (!l.why_host || l.why_path || l.argc > 0) {
			nono_error_set(&err, -EINVAL, "nono why: --host H [--port P], or a path, not both");
			nono_error_hint(&err, "nono why --host api.github.com --port 443");
			goto fail;
		}
		if (why_host(&l, &err) < 0)
			goto fail;
		status = 0;
		goto out;
	}
	path = l.why_path ? l.why_path : (l.argc > 0 ? l.argv[0] : NULL);
	if (!path || (l.why_path && l.argc > 0) || l.argc > 1) {
		nono_error_set(&err, -EINVAL, "nono why: give exactly one path");
		nono_error_hint(&err, "nono why --path ~/.ssh/id_rsa --op read");
		err.usage = true;
		goto fail;
	}
	if (l.op && nono_op_parse(l.op, &op) < 0) {
		nono_error_set(&err, -EINVAL, "nono why: --op %s: expected read, write or delete", l.op);
		goto fail;
	}
	if (l.self) {
		const char *cf = getenv("NONO_CAP_FILE");

		if (!cf || !*cf) {
			if (l.json)
				printf("{\n  \"status\": \"not_sandboxed\"\n}\n");
			else
				printf("NOT SANDBOXED\n  Not running inside a nono sandbox\n");
			status = 0;
			goto out;
		}
		if (nono_capfile_read(&self, cf, &err) < 0)
			goto fail;
		p = &self;
	} else {
		if (l.allow_cwd && nono_options_cwd_access(&l))
			nono_policy_grant(&l.policy, ".", nono_options_cwd_access(&l), NONO_KIND_DIR, "--allow-cwd",
					  true);
		nono_policy_add_default_groups(&l.policy);
		/* as a launch has it (launch/plan.c): open_urls keeps the
		 * desktop's URL handlers out of reach */
		if (l.openurl.on && nono_policy_add_group(&l.policy, "deny_url_handlers", &err) < 0)
			goto fail;
		if (nono_policy_finalize(&l.policy, &err) < 0)
			goto fail;
	}
	nono_policy_check(p, path, op, &v);
	nono_why_print(&v, op, l.json, stdout);
	nono_verdict_free(&v);
	status = 0;
	goto out;
fail:
	nono_print_error(&err);
	status = err.usage ? 2 : 1;
out:
	nono_policy_free(&self);
	nono_options_free(&l);
	return status;
}
