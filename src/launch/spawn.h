/* spawn.h - fork (or clone into a PID namespace, whose init stays behind),
 * enter the sandbox in the child, exec; in the parent, the child's
 * descriptors (its signals, its error pipe, its stops), which the
 * supervisor's loop serves: signals forwarded, the child reaped (both
 * sides). */
#ifndef NONO_SPAWN_H
#define NONO_SPAWN_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "base/error.h"

struct nono_sandbox;
struct nono_seccomp;
struct nono_supervisor;

struct nono_spawn {
	const char *path; /* resolved program */
	char *const *argv;
	char *const *envp;
	const char *cwd; /* chdir here before the sandbox, or NULL */
	const struct nono_sandbox *sandbox;
	const struct nono_seccomp *seccomp;
	bool drop_caps;				/* running as root: shrink the bounding set */
	bool pid_ns;				/* a PID namespace with its own /proc */
	bool net_ns;				/* with pid_ns: a network namespace of its own too */
	int keep_fd;				/* passed to the program as NONO_KEEP_FD, or -1 */
	int refusal_fd;				/* nono shell: the refusals' pipe, as NONO_REFUSAL_FD, or -1 */
	int cgroup_fd;				/* the session's cgroup.procs: the child joins it first (-1: none) */
	unsigned long long rlim_as, rlim_nproc; /* set in the child (0: not) */
	double t_exec;				/* out: microseconds from fork to the child's exec */
	/* Called in the parent right after fork, while the child confines
	 * itself: work that need not delay the launch. The program cannot run
	 * before the supervisor answers its exec, so a negative return kills
	 * the child with nothing run (exit 125, err kept). */
	int (*after_fork)(void *ctx, pid_t child, struct nono_error *err);
	void *after_fork_ctx;

	/* the parent's state between start and finish (zero before start) */
	struct nono_supervisor *sv;
	struct nono_error *err;
	pid_t pid, self;
	pid_t confined;		/* the process that confined itself (pid's child in a PID namespace) */
	int sfd, errfd, stopfd; /* signals, the error pipe, the PID namespace's stops */
	sigset_t oldmask;
	bool masked, exited, failed;
	int status;
	int term_sig; /* the signal the program died of, or 0 */
	double t0;
};

/* Stages the child reports through the error pipe. */
/* The one descriptor beyond 0-2 a program may inherit (the shell's history). */
#define NONO_KEEP_FD	63
#define NONO_REFUSAL_FD 62

enum nono_spawn_stage {
	NONO_STAGE_NONE = 0,
	NONO_STAGE_PARENT,
	NONO_STAGE_CWD,
	NONO_STAGE_CAPS,
	NONO_STAGE_NNP,
	NONO_STAGE_LANDLOCK,
	NONO_STAGE_SECCOMP,
	NONO_STAGE_PIDNS,
	NONO_STAGE_LIMITS,
	NONO_STAGE_EXEC,
};

/* Fork the child, which confines itself and execs s->path. In the parent:
 * run after_fork, hand the filter's listener to sv, and register the
 * child's descriptors with sv's loop, which stops once the child has
 * exited. 0, or -errno with err set (nothing runs). Call
 * nono_spawn_finish() afterwards in either case. */
int nono_spawn_start(struct nono_spawn *s, struct nono_supervisor *sv, struct nono_error *err);
/* After the loop: *out_status is the exit status to pass on: the child's
 * code, or 128+N when killed by signal N (s->term_sig then says N, in a
 * PID namespace too). Returns 0, or -errno with err
 * set when the child never reached exec (err->code holds the exit code to
 * use in that case as 125, 126 or 127 via nono_spawn_exit_code()). */
int nono_spawn_finish(struct nono_spawn *s, int *out_status, struct nono_error *err);
int nono_spawn_exit_code(const struct nono_error *err);
/* Whether a PID namespace with its own /proc can be made here (0 or
 * -errno): made and taken down once; *userns says whether it took a user
 * namespace. */
int nono_spawn_pidns_probe(bool *userns);
/* The same, cheaply where the answer is plain: the sysctls that turn user
 * namespaces off say no at once, nothing in the way says yes; only a
 * seccomp filter on nono itself (a container, another sandbox) or AppArmor's
 * restriction is told by the probe. 0, or -errno with why (n bytes) set to
 * the reason, for the banner. */
int nono_spawn_pidns_check(char *why, size_t n);

#endif
