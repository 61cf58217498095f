/* mediate_pid.c - without a PID namespace the program names the host's
 * processes by pid, and Landlock scopes only signals and ptrace: the calls
 * that act on a process by its pid (its resource limits, priority, CPUs,
 * scheduling, I/O priority) come here when the pid is not 0 (the caller),
 * and go on only for a process of the sandbox, the first one or one of its
 * descendants. The arguments are plain integers, so the call continues as
 * made; the pid could still be reused between the check and the call, by
 * a process started in that moment (docs/SECURITY.md) (supervisor side). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "sandbox/syscalls.h"
#include "supervisor/mediate.h"

/* The thread group and parent of task id (a process or a thread), from
 * /proc/ID/status: 0, or -1 when it is gone. */
static int
task_status(int id, int *tgid, int *ppid)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", id);
	if (!(f = fopen(path, "re")))
		return -1;
	*tgid = *ppid = 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Tgid:", 5))
			*tgid = atoi(line + 5);
		else if (!strncmp(line, "PPid:", 5))
			*ppid = atoi(line + 5);
	}
	fclose(f);
	return *tgid > 0 ? 0 : -1;
}

/* Whether task id is the sandbox's first process, a thread of it, or one
 * of its descendants (a process reparented away is no longer one). */
static bool
of_sandbox(const struct nono_mediator *m, int id)
{
	int tgid, ppid;

	for (int depth = 0; id > 1 && m->child > 0 && depth < 256; depth++) {
		if (task_status(id, &tgid, &ppid) < 0)
			return false;
		if (tgid == m->child)
			return true;
		id = ppid;
	}
	return false;
}

void
nono_mediate_pid(struct nono_call *c)
{
	int pid = (int)nono_call_arg(c, nono_syscall_pid_arg(c->sc));
	char what[96];

	c->kind = NONO_ANS_VALUE;
	/* the filter sends pid 0 on only with stray upper bits: the caller */
	if (pid == 0 || (pid > 0 && of_sandbox(c->m, pid))) {
		c->kind = NONO_ANS_CONTINUE;
		return;
	}
	snprintf(what, sizeof(what), "%s on pid %d, outside the sandbox", c->sc->name, pid);
	nono_call_refuse(c, -EPERM, NONO_REP_OTHER, what);
	nono_call_audit(c, "syscall", what);
}
