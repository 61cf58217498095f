/* sandbox.h - the kernel backend interface (openssh ssh-sandbox.h style).
 * Linux: landlock.c. prepare() runs in the supervisor before fork and builds
 * everything; enter() runs in the child between fork and exec, allocates
 * nothing and only applies. */
#ifndef NONO_SANDBOX_H
#define NONO_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "policy/policy.h"

struct nono_sandbox {
	int ruleset_fd;
	int abi;
	uint64_t handled_fs;
	uint64_t handled_net;
	uint64_t scoped;
	uint32_t restrict_flags;
	unsigned n_rules;
	/* grants on /proc and beneath it: a private /proc (the PID namespace)
	 * is another filesystem, so the child grants them again there */
	unsigned n_proc;
	struct {
		const char *rel; /* beneath /proc ("" for /proc itself), borrowed from the policy */
		uint64_t access;
	} proc[8];
};

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
int nono_sandbox_prepare(struct nono_sandbox *out, const struct nono_policy *p, struct nono_error *err);
/* Child side: restrict_self. Async-signal-safe; returns 0 or -errno.
 * new_proc: a private /proc is mounted; its grants are added first. */
int nono_sandbox_enter(const struct nono_sandbox *sb, bool new_proc);
void nono_sandbox_release(struct nono_sandbox *sb);

/* Landlock rights for a nono access mask on a file or directory at abi. */
uint64_t nono_landlock_rights(unsigned access, bool is_file, int abi);
uint64_t nono_landlock_handled_fs(int abi);

#endif
