/* launch.h - everything between parsed flags and a running sandbox, shared by
 * 'nono run' and 'nono shell' (supervisor side). */
#ifndef NONO_LAUNCH_H
#define NONO_LAUNCH_H

#include "base/error.h"
#include "config/options.h"
#include "sandbox/sandbox.h"
#include "sandbox/seccomp.h"

struct nono_prepared {
	struct nono_sandbox *sandbox;
	struct nono_seccomp seccomp;
	struct nono_seccomp_opts filter; /* what the filter sends to the supervisor */
	char *tmpdir;			 /* private TMPDIR, removed by nono_prepared_free */
	char *capfile;			 /* NONO_CAP_FILE, removed by nono_prepared_free */
	int capfd;
	char *refusal; /* why the kernel can't enforce this launch, NULL if it can */
	char *shimdir; /* links to the exec shim, put first on the sandbox's PATH */
	char *shim;    /* the shim binary, canonical */
};

/* Resolve a program on PATH (or as a path). 0, or -ENOENT/-EACCES with err. */
int nono_launch_resolve(char **out, const char *prog, struct nono_error *err);
/* Refuse blocked commands: 0, or -EPERM with err (exit 126). */
int nono_launch_check_command(const struct nono_policy *p, const char *argv0, const char *resolved,
			      struct nono_error *err);
/* Default groups, --allow-cwd, private TMPDIR and cap file, finalize, then
 * build the Landlock ruleset and seccomp filter. With dry_run nothing is
 * created on disk and a kernel refusal is recorded in out->refusal. */
/* Proxy mode (--allow-domain, --network-profile): refuse it with
 * --block-net, expand the network profile, and block the network but for
 * the proxy's port. 1 in proxy mode, 0 if not, or -errno. */
int nono_launch_proxy_mode(struct nono_options *l, struct nono_error *err);
int nono_launch_prepare(struct nono_prepared *out, struct nono_options *l, bool dry_run, struct nono_error *err);
void nono_prepared_free(struct nono_prepared *pr);
/* The banner on stderr (nothing with --silent). */
void nono_launch_banner(const struct nono_options *l, const struct nono_prepared *pr, const char *what);
/* The --dry-run plan on stdout. */
void nono_launch_plan(const struct nono_options *l, const struct nono_prepared *pr, const char *program);

#endif
