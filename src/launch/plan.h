/* plan.h - one launch, described once: what the sandbox enforces (the
 * finalized policy, the prepared sandbox, the seccomp filter and what it
 * sends to the supervisor), what runs (program, arguments, working
 * directory, environment), what is recorded (rollback journal, audit trail)
 * and what is cleaned up (private TMPDIR, capability file, open_urls'
 * directory, the proxy). The banner, --dry-run (text and JSON), 'nono
 * profile show' and the capability file are views of it, so they cannot
 * drift apart (supervisor side).
 *
 * 'nono run' and 'nono shell' read: options_parse -> plan_build ->
 * plan_describe -> plan_spawn -> supervisor_run -> plan_finish ->
 * plan_free. */
#ifndef NONO_PLAN_H
#define NONO_PLAN_H

#include <stdbool.h>
#include <stdio.h>

#include "audit/audit.h"
#include "audit/report.h"
#include "base/error.h"
#include "config/keys.h"
#include "launch/limits.h"
#include "launch/spawn.h"
#include "launch/trust.h"
#include "net/openurl.h"
#include "net/proxy.h"
#include "policy/policy.h"
#include "sandbox/sandbox.h"
#include "sandbox/seccomp.h"
#include "store/journal.h"
#include "supervisor/supervisor.h"

struct nono_plan {
	/* what the sandbox enforces */
	struct nono_policy policy;	  /* finalized (taken from the options) */
	struct nono_sandbox *sandbox;	  /* built before fork */
	struct nono_seccomp filter;	  /* the prebuilt BPF program */
	struct nono_seccomp_opts mediate; /* which calls the filter sends to the supervisor */
	bool strict_exec;		  /* --strict-exec: the blocklist on every exec */
	bool exec_session;		  /* nono shell: ... on the shell's own execs only */
	char *helper;			  /* exec_session: nono-shell, canonical */
	bool elevation;			  /* --capability-elevation: refusals wait for an answer */
	int approval_timeout;		  /* seconds (0: the default) */
	char *approvals_socket;		  /* where 'nono approvals' finds this session, or NULL */
	char *refusal;			  /* dry run: why this kernel cannot enforce it, else NULL */
	/* what this kernel lacks, what stands in for it and what stays weaker
	 * (sandbox.h): the banner, --dry-run and a strict launch read these */
	struct nono_weakness weak[16];
	int n_weak;
	bool net_ns;	 /* a network namespace of its own (--block-net below ABI 6) */
	char *pidns_why; /* no PID namespace because this host cannot make one: why */
	bool strict;	 /* --strict: nothing may be weaker */
	int min_abi;	 /* the highest of --min-abi, security.min_abi and [run] min_abi */

	/* what runs */
	const char *command; /* "run" or "shell" */
	char *program;	     /* resolved */
	char **argv;	     /* what is executed (borrowed) */
	char **args;	     /* what the user named after the program (borrowed), for the views */
	int nargs;
	struct nono_strv env;		   /* the program's environment (not on a dry run) */
	int keep_fd;			   /* handed to the program as NONO_KEEP_FD, or -1 */
	const struct nono_strv *env_creds; /* "REF=VAR": the keystore's secrets it gets (borrowed) */
	const struct nono_strv *hooks;	   /* agent hooks installed before it runs (borrowed) */

	/* what the agent reads: its instruction files, checked (launch/trust.c) */
	struct nono_trust_report trust;
	bool trust_override; /* --trust-override */

	/* what is recorded */
	bool rollback, audit;
	char session_id[NONO_SESSION_ID_LEN + 1]; /* the audit trail's and the journal's */
	const struct nono_strv *rollback_exclude; /* (borrowed) */
	const char *profile;			  /* (borrowed) */

	/* how it is shown */
	bool dry_run, json, silent;
	int verbose;

	/* what is cleaned up */
	char *tmpdir;		     /* private TMPDIR */
	char *capfile;		     /* NONO_CAP_FILE */
	char *shimdir, *shim;	     /* the exec shim's links (first on PATH) and binary */
	char *selfdir;		     /* a directory holding nono alone (on PATH: the hooks ask it) */
	const char *self_exe;	     /* nono's binary when this process is not it (libnono), or NULL */
	struct nono_openurl openurl; /* its socket's directory (taken from the options) */
	struct nono_proxy proxy;
	struct nono_limits limits; /* --max-processes, --memory */

	/* the session, from plan_spawn to plan_finish */
	struct nono_supervisor *supervisor;
	struct nono_journal journal;
	bool journaling;
	struct nono_persist *persist; /* what runs later outside: swept at the end */
	size_t neutralised;
	struct nono_audit *trail;
	struct nono_report report; /* what was refused, for the report at the end */
	struct nono_spawn spawn;
	int exit_status; /* how nono ends when a step fails: 125, 126 or 127 */
	double t_start, t_prep, t_spawn;
};

/* Build the plan for o (whose policy and open_urls it takes) to run argv
 * (argv[0] as given; o->extra_read is the shell's helper), executing
 * nothing. Without o->dry_run it also makes what the launch needs on disk,
 * installs the profile's hooks, starts the proxy and loads the keystore's
 * secrets. *out is set even when it fails (-errno with err set): its
 * exit_status says how nono ends. Free with nono_plan_free(). */
int nono_plan_build(struct nono_plan **out, struct nono_options *o, char **argv, int keep_fd, struct nono_error *err);

enum nono_describe {
	NONO_DESCRIBE_BANNER, /* the launch's summary on stderr (nothing with --silent) */
	NONO_DESCRIBE_TEXT,   /* --dry-run */
	NONO_DESCRIBE_JSON,   /* --dry-run --json: the capability file and the rest */
};
void nono_plan_describe(const struct nono_plan *plan, enum nono_describe how);
/* The capability file: the policy, and what is recorded and mediated.
 * Caller-owned. */
char *nono_plan_capabilities(const struct nono_plan *plan);

/* Start the session: the journal, the supervisor and the services that
 * register with its loop, then the child (the audit trail opens while it
 * confines itself). 0, or -errno with err set (nothing runs). */
int nono_plan_spawn(struct nono_plan *plan, struct nono_error *err);
/* After nono_supervisor_run(plan->supervisor), or after plan_spawn
 * failed (err as it left it): the child's exit status, or the one the
 * failure means; the journal and the audit trail closed, what went wrong
 * printed. */
int nono_plan_finish(struct nono_plan *plan, struct nono_error *err);

/* Remove what the launch made and free (NULL is fine). */
void nono_plan_free(struct nono_plan *plan);

#endif
