/* sandbox.h - the kernel backend interface (openssh ssh-sandbox.h style):
 * what the rest of nono may know of a sandbox. Linux: landlock.c, whose
 * state (landlock.h) no other module sees. prepare() runs in the supervisor
 * before fork and builds everything; enter() runs in the child between
 * fork and exec, allocates nothing and only applies (both sides). */
#ifndef NONO_SANDBOX_H
#define NONO_SANDBOX_H

#include <stdbool.h>

#include "base/error.h"
#include "policy/policy.h"

struct nono_sandbox;

/* One kernel feature the backend can enforce. */
struct nono_feature {
	const char *name;   /* "truncation control" */
	int min_abi;	    /* Landlock ABI that brings it */
	const char *kernel; /* "Linux 6.2" */
	bool required;	    /* nono refuses to run without it */
	bool available;
};

/* Fill up to max features for policy p at abi; returns the count. */
int nono_sandbox_features(struct nono_feature *out, int max, const struct nono_policy *p, int abi);

/* What a launch has beside Landlock: what can stand in for a right an
 * older ABI lacks. */
struct nono_sandbox_env {
	int abi;	/* the Landlock ABI in use */
	bool block_net; /* --block-net, or proxy mode */
	bool proxy;	/* proxy mode: TCP to the proxy alone */
	bool pid_ns;	/* a PID namespace with its own /proc */
	bool net_ns;	/* a network namespace of its own */
	bool every;	/* 'nono setup': every entry that may apply, --block-net's too */
};

/* A protection the launch holds by other means than Landlock, or holds less
 * well than on a current kernel. */
struct nono_weakness {
	const char *id;	     /* "signals": stable, for --json and the tests */
	int abi;	     /* the Landlock ABI that holds it (0: no ABI does) */
	const char *what;    /* the protection */
	const char *instead; /* what stands in for Landlock, or NULL */
	const char *left;    /* what stays weaker, or NULL when nothing does */
	bool block_net;	     /* it concerns --block-net (or proxy mode) alone */
};

/* Fill up to max entries for a launch in e (pure); returns the count. The
 * banner, --dry-run and 'nono setup --check-only' print these, and a strict
 * launch refuses when one is left weaker. */
int nono_sandbox_weaknesses(struct nono_weakness *out, int max, const struct nono_sandbox_env *e);

/* Build the sandbox for the finalized policy p. *out is set even when it
 * fails (-errno with err set: this kernel cannot enforce p), so that a dry
 * run can say which ABI it found; free it with nono_sandbox_free(). */
int nono_sandbox_prepare(struct nono_sandbox **out, const struct nono_policy *p, struct nono_error *err);
/* The Landlock ABI it is built for (0 for NULL). */
int nono_sandbox_abi(const struct nono_sandbox *sb);
/* Ask the kernel to log the sandbox's denials after its exec, where it can
 * (ABI 7), for the audit trail. */
void nono_sandbox_log_denials(struct nono_sandbox *sb);
/* Child side: restrict_self. Async-signal-safe; returns 0 or -errno.
 * new_proc: a private /proc is mounted; its grants are added first. */
int nono_sandbox_enter(const struct nono_sandbox *sb, bool new_proc);
/* A supervisor thread that acts for the sandbox confines itself with the
 * same rules (no denial logging). 0 or -errno; nothing to do for NULL. */
int nono_sandbox_confine_thread(const struct nono_sandbox *sb);
void nono_sandbox_free(struct nono_sandbox *sb);
/* Drop, from the bounding, effective, permitted and inheritable sets (and
 * every ambient one), the administrative capabilities a root process inside
 * the sandbox loses: raw I/O, modules, device nodes, MAC, audit, BPF,
 * tracing, network and system administration, immutable flags, file
 * capabilities (CAP_SETFCAP: no security.capability xattr)... Before
 * no_new_privs and Landlock, as root. Async-signal-safe; 0 or -errno. */
int nono_sandbox_drop_caps(void);

#endif
