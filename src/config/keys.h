/* keys.h - what a user can ask of a launch, and the one key table that
 * reads it: every flag and every profile key is a row, so '--read P',
 * "filesystem": {"read": [P]} and NONO_ALLOW=P reach the same setter. The
 * table drives getopt and --help (options.c), the profile schema and its
 * applier (profile.c) (supervisor side). */
#ifndef NONO_KEYS_H
#define NONO_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "base/util.h"
#include "net/openurl.h"
#include "policy/policy.h"

/* The commands a flag belongs to. */
enum {
	NONO_CMD_RUN = 1 << 0,
	NONO_CMD_SHELL = 1 << 1,
	NONO_CMD_WHY = 1 << 2,
};

/* What the user asked for: flags, environment and profile. Building the
 * launch from it (plan.h) moves the policy and open_urls out. */
struct nono_options {
	struct nono_policy policy; /* grants and rules as asked, not yet finalized */
	bool silent, dry_run, json, allow_cwd, self;
	bool no_audit; /* --no-audit: no record of this session */
	/* --trust-override: untrusted instruction files do not stop the launch (launch/trust.c) */
	bool trust_override;
	/* --strict-exec: every exec meets the command blocklist (the supervisor
	 * mediates each one), not only the program nono starts */
	bool strict_exec;
	/* nono shell without --strict-exec: every exec reaches the supervisor,
	 * which checks those of the shell itself (set by nono_cmd_shell) */
	bool exec_session;
	/* --capability-elevation: an open, mkdir or proxy host outside the
	 * grants waits for an answer (supervisor/approvals.h); unanswered
	 * requests are denied after approval_timeout seconds (0: default) */
	bool elevation;
	int approval_timeout;
	/* --strict: refuse to run with any protection weaker than a current
	 * kernel gives; --min-abi: below that Landlock ABI (0: any) */
	bool strict;
	int min_abi;
	int verbose;
	char *shell;
	char *shell_cmd;	/* nono shell -c LINE */
	const char *extra_read; /* a helper the sandbox must execute (borrowed) */
	char *why_path;
	char *why_host, *why_port; /* nono why --host, --port */
	/* the profile's workdir.access, the level --allow-cwd grants (unset: read and write) */
	unsigned cwd_access;
	bool cwd_access_set;
	long max_procs;		   /* --max-processes (0: none) */
	unsigned long long memory; /* --memory, bytes (0: none) */
	char *op;
	char *profile;				       /* --profile NAME|PATH */
	int rollback;				       /* --rollback 1, --no-rollback 0, else -1: with deletion */
	struct nono_strv rollback_exclude;	       /* --rollback-exclude, rollback.exclude_patterns */
	struct nono_strv env_allow, env_deny, env_set; /* profile environment.* */
	struct nono_strv env_creds;		       /* "REF=VAR": keystore secrets for the child */
	struct nono_strv hooks;			       /* agent hooks to install before launch */
	bool no_hooks;				       /* --no-hooks: install none of them */
	struct nono_strv create_dirs;		       /* filesystem.create_dirs: made before launch */
	/* filesystem.link_file: PATH, TARGET, PATH, TARGET...: PATH made a link to TARGET */
	struct nono_strv link_files;
	char *network_profile;	     /* --network-profile, network.network_profile */
	struct nono_strv no_proxy;   /* network.no_proxy: loopback names clients reach directly */
	struct nono_openurl openurl; /* the profile's open_urls */
	int proxy_port;		     /* --proxy-port (0: any free port) */
	char *session_id;	     /* --session-id: the id its caller chose (libnono, a binding), or NULL */
	const char *self_exe;	     /* nono's binary when this process is not it (libnono; borrowed) */
	char **argv;		     /* program and arguments (borrowed from main's argv) */
	int argc;
	/* while a value is applied: where it comes from (NULL: a flag;
	 * "profile:NAME"; "NONO_ALLOW"...), and a profile map entry's name */
	const char *origin;
	const char *entry;
};

void nono_options_init(struct nono_options *o);
void nono_options_free(struct nono_options *o);
/* Whether this launch journals for rollback. */
bool nono_options_rollback(const struct nono_options *o);
/* What --allow-cwd grants on the working directory: the profile's
 * workdir.access (0 for "none"), else read and write. */
unsigned nono_options_cwd_access(const struct nono_options *o);

/* The type of a profile key's value, which the schema checks. */
enum nono_key_type {
	K_STR,
	K_BOOL,
	K_LIST,	     /* array of strings (or {path, when} for filesystem) */
	K_OBJ,	     /* object with known keys */
	K_MAP,	     /* object, free keys, string values */
	K_STR_LIST,  /* string or array of strings */
	K_STR_NULL,  /* string or null */
	K_BOOL_LIST, /* true/false or array of strings */
	K_OBJ_NULL,  /* object or null */
	K_INT,	     /* a whole number (reaches the setter as text) */
	K_ANY,
};
/* Whether nono acts on a profile key. */
enum nono_key_state {
	S_OK,
	S_LATER,      /* known, not enforced yet: refused unless empty */
	S_DEPRECATED, /* applied as the key its note names, with a warning */
	S_IGNORED,    /* accepted with a warning, no effect */
};
/* How a profile's value reaches the setter. By type: a list, each string;
 * true, the setter without a value; a string, itself; a map, each entry
 * (its name in options->entry); true or a list, both of those. */
enum nono_key_apply {
	NONO_APPLY_BY_TYPE = 0,
	NONO_APPLY_PATHS, /* a list of paths or {"path", "when"}: variables checked first */
	NONO_APPLY_HOOKS, /* a map of hook declarations, checked, each by its target */
};

struct nono_optdef;
/* Apply one value: a flag's argument (NULL for a flag without one), a
 * profile's entry, the environment's. 0 or -errno with err set. */
typedef int (*nono_opt_setter)(struct nono_options *o, const struct nono_optdef *d, const char *val,
			       struct nono_error *err);

/* One row: a profile key, a flag, or both (twins). Rows with a flag come
 * first, in --help's order; the rest are the profile's own keys. A
 * profile's keys are applied in the table's order. */
struct nono_optdef {
	const char *profile_key; /* dotted ("filesystem.read"), or NULL */
	enum nono_key_type type;
	enum nono_key_state state;
	const char *note; /* S_LATER: which part of nono will; S_DEPRECATED: the key to use */
	/* the flag */
	const char *name; /* long flag, without --, or NULL */
	int short_name;
	bool has_arg;
	const char *metavar;
	unsigned commands; /* NONO_CMD_* where it is accepted */
	const char *help;  /* NULL: an alias, not listed */
	const char *env;   /* the environment variable that mirrors it, or NULL */
	bool env_list;	   /* its value is a comma-separated list */
	/* applying a value */
	nono_opt_setter set; /* NULL: nothing to apply (structure, S_LATER, S_IGNORED) */
	enum nono_key_apply apply;
	size_t field;	     /* what the generic setters fill: offsetof(struct nono_options, ...) */
	unsigned access;     /* for grants */
	enum nono_kind kind; /* for grants */
};

/* Ends with a row that has neither a flag nor a profile key. */
extern const struct nono_optdef nono_optdefs[];
#define NONO_OPTDEF_END(d) (!(d)->name && !(d)->profile_key)

/* The row of a profile key, or NULL. */
const struct nono_optdef *nono_optdef_by_key(const char *profile_key);

#endif
