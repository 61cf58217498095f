/* landlock.h - the Linux backend's state behind sandbox.h: the Landlock
 * ruleset and what it handles. Only landlock.c and the unit tests see it
 * (both sides). */
#ifndef NONO_LANDLOCK_H
#define NONO_LANDLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "sandbox/sandbox.h"

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

/* Landlock rights for a nono access mask on a file or directory at abi. */
uint64_t nono_landlock_rights(unsigned access, bool is_file, int abi);
uint64_t nono_landlock_handled_fs(int abi);
/* The rights of rule r of policy p at abi: its access, and from ABI 9
 * connecting to the pathname UNIX sockets beneath it where the supervisor
 * would let the sandbox (nono_policy_rule_unix). */
uint64_t nono_landlock_rule_rights(const struct nono_policy *p, const struct nono_rule *r, int abi);
/* restrict_self's flags at abi: log (denials after exec, ABI 7) and
 * all_threads (TSYNC, ABI 8: the child, never a worker of the supervisor). */
uint32_t nono_landlock_restrict_flags(int abi, bool log, bool all_threads);

#endif
