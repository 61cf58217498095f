/* mediate_exec.c - the command blocklist on every exec (strict exec mode):
 * the program is resolved in the caller's context and checked by its path,
 * its argv[0], the program the dynamic loader is asked to run, and its
 * content (a blocked program copied under another name is still refused);
 * anonymous and deleted files (memfd, O_TMPFILE) are never run. Exec is the
 * one call the supervisor cannot perform itself: once checked it continues,
 * and a thread that rewrites the path in that moment wins (docs/SECURITY.md),
 * which is why the blocklist guards against mistakes and the kernel and the
 * journal protect the data (supervisor side). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"
#include "sandbox/syscalls.h"
#include "supervisor/blocked.h"
#include "supervisor/decide.h"
#include "supervisor/mediate.h"

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif
#define AT_NOFOLLOW 0x100

/* ---- the exec ------------------------------------------------------------------ */

/* one line on the sandboxed process's own stderr */
static void
tell_blocked(struct nono_call *c, const char *cmd, const char *category)
{
	char line[512], *e = nono_str_escape(cmd);
	int fd, n;

	n = snprintf(line, sizeof(line),
		     "nono: command '%s' is blocked (%s); restart nono with --allow-command %s to allow it\n", e,
		     category, e);
	free(e);
	/* the process's own stderr (same file offset); where a container
	 * refuses pidfd_getfd, opened again (appending, so nothing is overwritten) */
	fd = nono_thread_getfd(&c->t, 2);
	if (fd == -EPERM || fd == -ENOSYS) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/fd/2", c->t.tid);
		fd = open(path, O_WRONLY | O_APPEND | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	}
	if (fd >= 0) {
		ssize_t w = write(fd, line, n > 0 && (size_t)n < sizeof(line) ? (size_t)n : strlen(line));

		(void)w;
		close(fd);
	}
}

/* ---- nono shell: the execs of the shell itself ------------------------------------- */

#define MAX_SEEN 4096

/* pid's parent and start time (/proc/PID/stat): 0, or -1 */
static int
proc_stat(int pid, int *ppid, unsigned long long *start)
{
	char path[64], buf[1024], *p;
	int fd, i;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	/* after the name: state (3) ppid (4) ... starttime (22) */
	if (!(p = strrchr(buf, ')')) || sscanf(p + 1, " %*c %d", ppid) != 1)
		return -1;
	for (i = 3; i < 22 && p; i++)
		p = strchr(p + 1, ' ');
	return p && sscanf(p, " %llu", start) == 1 ? 0 : -1;
}

static struct nono_exec_seen *
seen_find(struct nono_mediator *m, int pid, unsigned long long start)
{
	for (size_t i = m->n_seen; i-- > 0;)
		if (m->seen[i].pid == pid && m->seen[i].start == start)
			return &m->seen[i];
	return NULL;
}

/* Is the calling process the session's shell: the one nono-shell started,
 * a fork of it that has not executed anything since, or a launcher it ran
 * (env, the shim)? Found from the nearest ancestor seen executing. */
static bool
in_session(struct nono_call *c)
{
	char link[64], exe[PATH_MAX];
	unsigned long long start;
	int pid = c->n->pid, ppid;
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/exe", pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	/* nono-shell's own fork, starting the shell */
	if (n > 0 && !strcmp(exe, c->m->session_helper))
		return true;
	for (int depth = 0; depth < 64 && pid > 1; depth++) {
		struct nono_exec_seen *e;

		if (proc_stat(pid, &ppid, &start) < 0)
			return false;
		if ((e = seen_find(c->m, pid, start)))
			return e->session;
		pid = ppid;
	}
	return false;
}

/* Programs that only run their arguments: what they run is still the
 * shell's command (env rm, xargs rm). */
static bool
launcher(const struct nono_call *c, const char *canon)
{
	static const char *const names[] = {"env",    "nice", "nohup",	 "timeout", "stdbuf",  "setsid",
					    "ionice", "chrt", "taskset", "xargs",   "command", NULL};
	const char *base = strrchr(canon, '/') ? strrchr(canon, '/') + 1 : canon;

	if (c->m->shim && !strcmp(canon, c->m->shim))
		return true;
	for (size_t i = 0; names[i]; i++)
		if (!strcmp(base, names[i]))
			return true;
	return false;
}

/* The caller executes canon: what it is from now on. */
static void
remember(struct nono_call *c, const char *canon, bool session)
{
	struct nono_mediator *m = c->m;
	unsigned long long start;
	struct nono_exec_seen *e;
	int ppid;

	if (proc_stat(c->n->pid, &ppid, &start) < 0)
		return;
	if (!(e = seen_find(m, c->n->pid, start))) {
		if (m->n_seen == MAX_SEEN) {
			/* the oldest half goes: a fork of theirs falls back on
			 * the nearest ancestor still known */
			memmove(m->seen, m->seen + MAX_SEEN / 2, (MAX_SEEN / 2) * sizeof(*m->seen));
			m->n_seen = MAX_SEEN / 2;
		}
		if (!m->seen)
			m->seen = xcalloc(MAX_SEEN, sizeof(*m->seen));
		e = &m->seen[m->n_seen++];
		e->pid = c->n->pid;
		e->start = start;
	}
	e->session = session && (canon == NULL || launcher(c, canon));
}

static bool
is_ldso(const char *canon)
{
	const char *base = strrchr(canon, '/');

	base = base ? base + 1 : canon;
	return (strncmp(base, "ld-", 3) == 0 && strstr(base, ".so")) || strcmp(base, "ld.so") == 0;
}

/* Is the program (obj, canon, argv0) blocked? The category, *name set. */
static const char *
blocked(struct nono_call *c, int obj, const char *canon, const char *argv0, const char **name)
{
	const char *cat = NULL;

	if (nono_supervisor_exec_decision(c->m->policy, canon, argv0, &cat, name) < 0)
		return cat;
	if (!c->m->blocked)
		c->m->blocked = nono_blocked_files_find(c->m->policy);
	if ((*name = nono_blocked_files_match(c->m->blocked, obj)))
		return "a copy of a blocked command";
	return NULL;
}

/* ld.so PROGRAM: the program it is asked to run, checked as an exec. */
static const char *
blocked_ldso(struct nono_call *c, char **av, const char **name)
{
	int i = nono_supervisor_ldso_program(av);
	struct nono_target t;
	const char *cat;

	if (i < 0)
		return NULL;
	if (nono_resolve(&t, &c->t, AT_FDCWD, av[i], NONO_RES_FOLLOW, 0) < 0)
		return nono_supervisor_exec_decision(c->m->policy, av[i], av[i], &cat, name) < 0 ? cat : NULL;
	cat = blocked(c, t.ofd, t.canon ? t.canon : av[i], av[i], name);
	/* the name may point into t.canon: keep it past the free */
	if (cat && *name && t.canon && *name >= t.canon && *name < t.canon + strlen(t.canon)) {
		static char keep[NAME_MAX + 1];

		snprintf(keep, sizeof(keep), "%s", *name);
		*name = keep;
	}
	nono_target_free(&t);
	return cat;
}

static void
refuse(struct nono_call *c, const char *canon, const char *cmd, const char *cat)
{
	char exe[PATH_MAX], link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/exe", c->n->pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	/* a PATH search meets the same program twice (/bin -> /usr/bin): say
	 * it once per process; the shim explains it itself */
	if ((c->n->pid != c->m->told_pid || strcmp(cmd, c->m->told_cmd) != 0) &&
	    !(c->m->shim && strcmp(exe, c->m->shim) == 0))
		tell_blocked(c, cmd, cat);
	c->m->told_pid = c->n->pid;
	snprintf(c->m->told_cmd, sizeof(c->m->told_cmd), "%s", cmd);
	log_info("refused exec of %s (%s)", canon, cat);
	c->kind = NONO_ANS_VALUE;
	c->val = -EPERM;
	/* the exec's own record is written with its answer (pending); the
	 * session's report notes it here */
	nono_report_add(c->m->report,
			strcmp(cat, "an anonymous or deleted file") == 0 ? NONO_REP_OTHER : NONO_REP_COMMAND, cmd,
			NONO_BY_SUPERVISOR);
}

void
nono_mediate_exec(struct nono_call *c)
{
	const struct nono_syscall *sc = c->sc;
	long long flags = sc->flags >= 0 ? nono_call_arg(c, sc->flags) : 0;
	const char *cat = NULL, *cmd = NULL;
	struct nono_target t = {.dfd = -1, .ofd = -1};
	char *path = NULL, **av = NULL;
	bool session = true;
	int r;

	c->kind = NONO_ANS_VALUE;
	if ((r = nono_call_path(c, sc->path, &path)) < 0 ||
	    (r = nono_mem_argv(c->n->pid, c->n->args[sc->path + 1], &av)) < 0) {
		c->val = r;
		if (r == -EPERM) {
			nono_call_audit(c, sc->name, "(an argument the supervisor could not read exactly)");
			nono_call_refuse(c, r, NONO_REP_OTHER, "an argument the supervisor could not read exactly");
		}
		c->audit_meta = true;
		goto out;
	}
	r = nono_resolve(&t, &c->t, nono_call_dirfd(c, sc->dirfd), path,
			 (flags & AT_NOFOLLOW ? 0 : NONO_RES_FOLLOW) | (flags & AT_EMPTY_PATH ? NONO_RES_EMPTY : 0), 0);
	if (r < 0) {
		/* a PATH search tries names that do not exist: the same answer;
		 * another process's /proc magic links are not followed */
		c->val = r == -ELOOP ? -EACCES : r;
		goto out;
	}
	if (!nono_call_alive(c)) {
		c->val = -EINTR;
		goto out;
	}
	/* nono shell: the blocklist on the shell's own execs, every other
	 * one only with --strict-exec */
	if (c->m->session_helper)
		session = in_session(c);
	if (!t.canon) {
		/* fexecve of a memfd, an O_TMPFILE or a deleted file: nothing the
		 * blocklist can name, so nothing strict mode runs */
		refuse(c, path, path[0] ? path : "(anonymous file)", "an anonymous or deleted file");
		cat = "an anonymous or deleted file";
	} else if (c->m->shim && strcmp(t.canon, c->m->shim) == 0) {
		c->kind = NONO_ANS_CONTINUE;
	} else if (session && ((cat = blocked(c, t.ofd, t.canon, av[0], &cmd)) ||
			       (is_ldso(t.canon) && (cat = blocked_ldso(c, av, &cmd))))) {
		refuse(c, t.canon, cmd, cat);
	} else {
		c->kind = NONO_ANS_CONTINUE;
	}
	if (c->m->session_helper && c->kind == NONO_ANS_CONTINUE) {
		char link[64], exe[PATH_MAX];
		ssize_t n;

		/* what nono-shell starts is the session's shell */
		snprintf(link, sizeof(link), "/proc/%d/exe", c->n->pid);
		n = readlink(link, exe, sizeof(exe) - 1);
		exe[n > 0 ? n : 0] = '\0';
		remember(c, n > 0 && !strcmp(exe, c->m->session_helper) ? NULL : t.canon, session);
	}
	if (c->m->audit && (c->kind == NONO_ANS_CONTINUE || c->val == -EPERM)) {
		/* written once the caller has its answer */
		c->m->pending.pid = c->n->pid;
		c->m->pending.path = xstrdup(t.canon ? t.canon : path);
		c->m->pending.argv = av;
		c->m->pending.refused = c->kind == NONO_ANS_VALUE ? cat : NULL;
		av = NULL;
	}
out:
	nono_target_free(&t);
	free(path);
	nono_mem_argv_free(av);
}
