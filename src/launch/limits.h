/* limits.h - --max-processes and --memory: a cgroup v2 of the session's own
 * where one can be made beneath a cgroup that delegates the controllers,
 * else rlimits in the child, and the banner says which (supervisor side;
 * the child only writes to the descriptor it is given). */
#ifndef NONO_LIMITS_H
#define NONO_LIMITS_H

#include <stdbool.h>

#include "base/error.h"

struct nono_limits {
	long max_procs;		   /* 0: none */
	unsigned long long memory; /* bytes, 0: none */
	bool cgroup;		   /* enforced by a cgroup v2 (else rlimits) */
	char *cg_dir;		   /* the session's cgroup, removed at free */
	int procs_fd;		   /* its cgroup.procs, for the child to join (-1) */
	/* the rlimits the child sets instead (0: none) */
	unsigned long long rlim_as;
	unsigned long long rlim_nproc;
};

/* Choose how l's limits are held and make the cgroup (not on a dry run:
 * only probed). A limit no mechanism here holds is refused: -EOPNOTSUPP
 * with err set. */
int nono_limits_prepare(struct nono_limits *l, bool dry_run, struct nono_error *err);
/* One line for the banner and the plan: what is limited and by what. */
void nono_limits_describe(const struct nono_limits *l, char *buf, unsigned long n);
/* Remove the session's cgroup (its processes killed first). */
void nono_limits_free(struct nono_limits *l);

#endif
