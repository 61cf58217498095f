/* cli.h - one option table for every sandbox flag (supervisor side). Each
 * entry names the profile key it mirrors, so '--read P' and "read": [P] reach
 * the same setter. */
#ifndef NONO_CLI_H
#define NONO_CLI_H

#include <stdbool.h>

#include "error.h"
#include "openurl.h"
#include "policy.h"

enum {
	NONO_CMD_RUN = 1 << 0,
	NONO_CMD_SHELL = 1 << 1,
	NONO_CMD_WHY = 1 << 2,
};

struct nono_launch {
	struct nono_policy policy;
	bool silent, dry_run, json, allow_cwd, self;
	bool no_audit; /* --no-audit: no record of this session */
	/* --trust-override: untrusted instruction files do not stop the launch (trust.c) */
	bool trust_override;
	int verbose;
	char *shell;
	char *shell_cmd;	/* nono shell -c LINE */
	const char *extra_read; /* a helper the sandbox must execute (borrowed) */
	char *why_path;
	char *op;
	const char *origin;			       /* source label for setters: NULL for a flag, "profile:x" */
	char *profile;				       /* --profile NAME|PATH */
	int rollback;				       /* --rollback 1, --no-rollback 0, else -1: with deletion */
	struct nono_strv rollback_exclude;	       /* --rollback-exclude, rollback.exclude_patterns */
	struct nono_strv env_allow, env_deny, env_set; /* profile environment.* */
	struct nono_strv env_creds;		       /* "REF=VAR": keystore secrets for the child */
	struct nono_strv hooks;			       /* agent hooks to install before launch */
	char *network_profile;			       /* --network-profile, network.network_profile */
	struct nono_openurl openurl;		       /* the profile's open_urls */
	int proxy_port;				       /* --proxy-port (0: any free port) */
	char **argv;				       /* program and arguments (borrowed from main's argv) */
	int argc;
};

struct nono_optdef;
typedef int (*nono_opt_setter)(struct nono_launch *l, const struct nono_optdef *d, const char *val,
			       struct nono_error *err);

struct nono_optdef {
	const char *name; /* long flag, without -- */
	int short_name;
	bool has_arg;
	const char *metavar;
	const char *profile_key; /* the profile key it mirrors, or NULL */
	nono_opt_setter set;
	unsigned access;     /* for grants */
	enum nono_kind kind; /* for grants */
	unsigned commands;   /* NONO_CMD_* where it is accepted */
	const char *help;
};

extern const struct nono_optdef nono_optdefs[];

void nono_launch_init(struct nono_launch *l);
void nono_launch_free(struct nono_launch *l);
/* Whether this launch journals for rollback. */
bool nono_launch_rollback(const struct nono_launch *l);
/* Parse argv for command cmd (NONO_CMD_*); stops at the first non-option or
 * after "--". Environment mirrors (NONO_ALLOW, NONO_BLOCK_NET) apply first.
 * Returns 0, 1 when --help was printed, or -errno with err set. */
int nono_cli_parse(struct nono_launch *l, unsigned cmd, const char *cmdname, int argc, char **argv,
		   struct nono_error *err);
void nono_cli_usage(unsigned cmd, const char *cmdname, const char *synopsis, const char *about);

#endif
