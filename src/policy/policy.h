/* policy.h - the sandbox description: grants, sensitive paths, network and
 * command policy. Building it is pure apart from reading the filesystem to
 * canonicalise paths and to carve grants around sensitive paths; nothing here
 * touches Landlock or seccomp (supervisor side). */
#ifndef NONO_POLICY_H
#define NONO_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "base/util.h"

enum {
	NONO_ACC_READ = 1 << 0,	  /* read files, list directories, execute */
	NONO_ACC_WRITE = 1 << 1,  /* write files, create entries */
	NONO_ACC_DELETE = 1 << 2, /* unlink, rmdir, rename away, truncate */
	NONO_ACC_IOCTL = 1 << 3,  /* device ioctls (terminals) */
};
#define NONO_ACC_RW (NONO_ACC_READ | NONO_ACC_WRITE)

enum nono_kind { NONO_KIND_AUTO = 0, NONO_KIND_DIR, NONO_KIND_FILE };

struct nono_rule {
	char *path;   /* canonical, absolute */
	char *given;  /* as written (flag value, group entry) */
	char *source; /* "--allow", "group:system_read_linux_core", "private tmpdir", ... */
	unsigned access;
	bool is_file;
	bool carved; /* one entry of a grant split around sensitive paths */
	bool user;   /* from a flag (not a group) */
};

struct nono_deny {
	char *path;  /* canonical */
	size_t len;  /* strlen(path) */
	char *given; /* "~/.ssh" */
	char *group;
	const char *description;
	/* nono's own files (group nono_files): never writable, and no bypass
	 * reaches them; a grant that reaches them reads them */
	bool readable;
};

struct nono_carve {
	char *path; /* the grant that was split */
	char *source;
	size_t n_entries;	 /* rules it became */
	struct nono_strv around; /* the sensitive paths left out (nono's own files: granted read-only) */
};

/* A lock directory the supervisor makes and removes for the sandbox
 * (filesystem.allow_lock_dir): an empty directory of exactly this name, in
 * exactly the directory its parent resolved to at launch. */
struct nono_lockdir {
	char *path;		     /* canonical: the parent's path, "/", the name */
	char *given;		     /* as written */
	char *name;		     /* the last component */
	unsigned long long dev, ino; /* the parent directory's, at launch */
};

struct nono_request {
	char *given;
	char *source;
	unsigned access;
	enum nono_kind kind;
	bool user;
};

#define NONO_PORT_RANGES_MAX 32
/* Ranges of more ports than this are refused: each port is a Landlock rule. */
#define NONO_PORTS_MAX 4096
struct nono_port_range {
	int lo, hi;   /* inclusive */
	bool connect; /* --open-port: connect (on loopback) and bind; else bind only */
};

struct nono_policy {
	/* inputs */
	struct nono_request *reqs;
	size_t n_reqs;
	struct nono_strv groups; /* active group names, in order */
	struct nono_strv bypass; /* --bypass-protection, as given */
	struct nono_strv allow_cmds, block_cmds;
	struct nono_strv extra_deny;	  /* filesystem.deny: carved out like the sensitive paths */
	struct nono_strv delete_paths;	  /* filesystem.allow_delete entries */
	struct nono_strv exclude_groups;  /* groups.exclude */
	struct nono_strv unix_sockets;	  /* --allow-unix-socket, canonical after finalize */
	struct nono_strv lock_dirs_given; /* filesystem.allow_lock_dir, as given */
	bool block_net;
	struct nono_strv proxy_hosts; /* proxy mode (--allow-domain): the allowed hosts */
	int proxy_port;		      /* the proxy's port on 127.0.0.1 once it runs */
	/* --open-port (connect to loopback and bind) and --listen-port (bind
	 * and listen): TCP port ranges, exceptions to --block-net and proxy mode */
	struct nono_port_range ports[NONO_PORT_RANGES_MAX];
	size_t n_ports;
	bool allow_delete;
	bool no_delete; /* --no-delete: writable grants may not delete, rename away or truncate */
	bool host_pids; /* --no-pid-ns: no PID namespace, the host's processes stay visible */
	char *workdir;	/* $WORKDIR: --workdir or cwd, canonical */
	char *tmpdir;	/* the private TMPDIR, set by the launcher */

	/* results of nono_policy_finalize */
	struct nono_rule *rules;
	size_t n_rules;
	struct nono_deny *denies;
	size_t n_denies;
	struct nono_carve *carves;
	size_t n_carves;
	struct nono_strv bypass_canon;
	struct nono_lockdir *lock_dirs; /* resolved from lock_dirs_given */
	size_t n_lock_dirs;
	struct nono_strv warnings;
	struct nono_strv memo; /* canonical parents of missing paths */
	bool finalized;
};

void nono_policy_init(struct nono_policy *p);
void nono_policy_free(struct nono_policy *p);

/* Record a grant; resolved (canonicalised, checked) by finalize. */
void nono_policy_grant(struct nono_policy *p, const char *path, unsigned access, enum nono_kind kind,
		       const char *source, bool user);
int nono_policy_add_group(struct nono_policy *p, const char *name, struct nono_error *err);
void nono_policy_add_default_groups(struct nono_policy *p);

/* Expand groups and requests into rules and deny entries, refuse grants that
 * name a sensitive path, carve grants around the ones beneath them, add the
 * .git exception and the delete right. 0 or -errno with err set. */
/* --open-port (connect true) or --listen-port SPEC: "PORT" or "LO-HI", 1 to
 * 65535, at most NONO_PORTS_MAX ports in all. 0 or -EINVAL with err set. */
int nono_policy_add_ports(struct nono_policy *p, const char *spec, bool connect, const char *source,
			  struct nono_error *err);
/* Whether a port range lets port be connected to on loopback (connect) or
 * bound (!connect). */
bool nono_policy_port_open(const struct nono_policy *p, int port, bool connect);
int nono_policy_finalize(struct nono_policy *p, struct nono_error *err);

/* --- queries on a finalized policy (nono why, the banner, dry-run) --- */
enum nono_op { NONO_OP_READ, NONO_OP_WRITE, NONO_OP_DELETE };
enum nono_verdict_reason {
	NONO_WHY_GRANTED,
	NONO_WHY_SENSITIVE,
	NONO_WHY_NOT_GRANTED,
	NONO_WHY_INSUFFICIENT,
	NONO_WHY_CARVED,
	NONO_WHY_OWN,	  /* a write to nono's own files: nothing grants it */
	NONO_WHY_LOCKDIR, /* a lock directory the supervisor makes and removes */
};
struct nono_verdict {
	bool allowed;
	enum nono_verdict_reason reason;
	char *path;			 /* canonical query path */
	const struct nono_rule *rule;	 /* granting or closest rule, or NULL */
	const struct nono_deny *deny;	 /* for SENSITIVE and OWN */
	const struct nono_carve *carve;	 /* for CARVED */
	const struct nono_lockdir *lock; /* for LOCKDIR */
	char *suggest;			 /* flag that would grant it, or NULL */
	const char *mode;		 /* delete or write allowed: how (a sentence), or NULL */
	const char *nofix;		 /* denied without a suggestion: why nono offers none */
	/* the file's own permissions for this user (access(2), which Landlock
	 * does not restrict): 1 allow, 0 deny, -1 unknown */
	int dac;
};
int nono_policy_check(const struct nono_policy *p, const char *path, enum nono_op op, struct nono_verdict *out);
void nono_verdict_free(struct nono_verdict *v);
const char *nono_op_name(enum nono_op op);
int nono_op_parse(const char *s, enum nono_op *out);
/* "r", "rw", "rwd", ... for an access mask */
const char *nono_access_str(unsigned access);

/* Command blocklist: true when argv0's basename is refused; *category set. */
/* Whether the sandbox may change what path runs: write or replace it, or
 * write its directory (a program nono runs outside the sandbox). */
bool nono_policy_may_change(const struct nono_policy *p, const char *path);
bool nono_policy_command_blocked(const struct nono_policy *p, const char *argv0, const char **category);

/* Is path at or under a sensitive path (honouring bypasses) or nono's own
 * files (->readable; no bypass reaches them)? A fully denied path wins
 * over nono's own files when both hold. */
const struct nono_deny *nono_policy_sensitive(const struct nono_policy *p, const char *canon);
/* Is this deny entry one of nono's own (state or files: never bypassed)? */
bool nono_policy_deny_own(const struct nono_deny *d);
/* May the sandbox connect to pathname UNIX sockets beneath rule r? A grant
 * of the user's or one that may delete (the private TMPDIR), never one
 * inside a sensitive path or nono's own files. The supervisor decides by it
 * and, from Landlock ABI 9, the kernel's rules say the same. */
bool nono_policy_rule_unix(const struct nono_policy *p, const struct nono_rule *r);

/* Record a resolved lock directory (finalize does, and the capability
 * file's reader). */
void nono_policy_lockdir_add(struct nono_policy *p, const char *path, const char *given, unsigned long long dev,
			     unsigned long long ino);
/* The lock directory named name (trailing slashes ignored) in the directory
 * (dev, ino), or NULL: the supervisor's check on what it resolved. */
const struct nono_lockdir *nono_policy_lockdir(const struct nono_policy *p, unsigned long long dev,
					       unsigned long long ino, const char *name);
/* Is path (absolute, ~ and $VARIABLES expanded) at or below a sensitive path
 * or nono's own files as the default groups name them, as written or with
 * its directories resolved (its last component is not followed)? For what
 * nono makes on disk before a policy is finalized (a profile's create_dirs,
 * link_file): *group says which kind. */
bool nono_policy_path_protected(const char *path, const char **group);

#endif
