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
	bool required;	    /* for this launch */
	bool available;
};

/* Fill up to max features for policy p at abi; returns the count. */
int nono_sandbox_features(struct nono_feature *out, int max, const struct nono_policy *p, int abi);
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

#endif
