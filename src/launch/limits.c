/* limits.c - see limits.h (supervisor side). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "launch/limits.h"

#define CG_ROOT "/sys/fs/cgroup"

/* ---- cgroup v2 ------------------------------------------------------------- */

static char *
read_line(const char *path)
{
	FILE *f = fopen(path, "re");
	char buf[4096] = "";

	if (!f)
		return NULL;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return xstrdup(buf);
}

static int
write_text(const char *dir, const char *file, const char *text)
{
	char *p = xasprintf("%s/%s", dir, file);
	int fd = open(p, O_WRONLY | O_CLOEXEC), r = 0;

	free(p);
	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* whether dir's children get each controller named in want */
static bool
delegates(const char *dir, const char *const *want)
{
	char *p = xasprintf("%s/cgroup.subtree_control", dir), *sc = read_line(p);
	bool ok = sc != NULL;

	for (size_t i = 0; ok && want[i]; i++) {
		size_t n = strlen(want[i]);
		const char *c = sc;

		ok = false;
		while ((c = strstr(c, want[i])))
			if ((c == sc || c[-1] == ' ') && (!c[n] || c[n] == ' ')) {
				ok = true;
				break;
			} else {
				c += n;
			}
	}
	free(sc);
	free(p);
	return ok;
}

/* The session's cgroup beneath the nearest cgroup, from this process's own
 * up, that delegates the controllers and lets this user make one. */
static int
cgroup_make(struct nono_limits *l, bool dry_run)
{
	const char *want[3] = {NULL, NULL, NULL};
	char *self = read_line("/proc/self/cgroup"), *rel, *dir;
	size_t n = 0;
	int r = -EOPNOTSUPP;

	if (l->max_procs)
		want[n++] = "pids";
	if (l->memory)
		want[n++] = "memory";
	if (!self || strncmp(self, "0::/", 4) != 0 || access(CG_ROOT "/cgroup.controllers", F_OK) < 0) {
		free(self);
		return -EOPNOTSUPP;
	}
	rel = self + 3;
	dir = xasprintf("%s%s", CG_ROOT, strcmp(rel, "/") == 0 ? "" : rel);
	for (;;) {
		char *cg = xasprintf("%s/nono-%d", dir, (int)getpid());

		if (delegates(dir, want) && mkdir(cg, 0755) == 0) {
			if (dry_run) {
				rmdir(cg);
				free(cg);
			} else {
				l->cg_dir = cg;
			}
			r = 0;
			break;
		}
		free(cg);
		if (strcmp(dir, CG_ROOT) == 0)
			break;
		*strrchr(dir, '/') = '\0';
	}
	free(dir);
	free(self);
	return r;
}

static int
cgroup_limit(struct nono_limits *l)
{
	char num[32];
	int r = 0;

	if (l->max_procs) {
		snprintf(num, sizeof(num), "%ld", l->max_procs);
		r = write_text(l->cg_dir, "pids.max", num);
	}
	if (r == 0 && l->memory) {
		snprintf(num, sizeof(num), "%llu", l->memory);
		r = write_text(l->cg_dir, "memory.max", num);
		/* the limit is the session's memory, not memory plus swap */
		(void)write_text(l->cg_dir, "memory.swap.max", "0");
	}
	if (r == 0) {
		char *p = xasprintf("%s/cgroup.procs", l->cg_dir);

		l->procs_fd = open(p, O_WRONLY | O_CLOEXEC);
		r = l->procs_fd < 0 ? -errno : 0;
		free(p);
	}
	return r;
}

/* ---- the choice ------------------------------------------------------------- */

/* How many processes this user runs now: RLIMIT_NPROC counts them all, so
 * the session's N come on top. */
static long
user_procs(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	long n = 0;
	uid_t uid = getuid();

	while (d && (e = readdir(d))) {
		struct stat st;
		char p[300];

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(p, sizeof(p), "/proc/%s/task", e->d_name);
		/* the kernel counts each thread */
		if (stat(p, &st) == 0 && st.st_uid == uid) {
			DIR *t = opendir(p);
			struct dirent *te;

			while (t && (te = readdir(t)))
				n += te->d_name[0] != '.';
			if (t)
				closedir(t);
		}
	}
	if (d)
		closedir(d);
	return n;
}

int
nono_limits_prepare(struct nono_limits *l, bool dry_run, struct nono_error *err)
{
	int r;

	l->procs_fd = -1;
	if (!l->max_procs && !l->memory)
		return 0;
	if (cgroup_make(l, dry_run) == 0) {
		l->cgroup = true;
		if (dry_run || (r = cgroup_limit(l)) == 0)
			return 0;
		nono_error_set(err, r, "--max-processes/--memory: the session's cgroup %s: %s", l->cg_dir,
			       strerror(-r));
		return r;
	}
	/* rlimits: RLIMIT_NPROC counts every process of the user and does not
	 * bind root at all; RLIMIT_AS is per process */
	if (l->max_procs && geteuid() == 0) {
		nono_error_set(
		    err, -EOPNOTSUPP,
		    "--max-processes: no cgroup v2 here delegates the pids controller, and RLIMIT_NPROC does "
		    "not bind root: refusing rather than running without the limit");
		nono_error_hint(err, "run where /sys/fs/cgroup is cgroup v2 with pids in cgroup.subtree_control");
		return err->code;
	}
	l->rlim_as = l->memory;
	l->rlim_nproc = l->max_procs ? (unsigned long long)(user_procs() + l->max_procs) : 0;
	return 0;
}

void
nono_limits_describe(const struct nono_limits *l, char *buf, unsigned long n)
{
	char procs[64] = "", mem[64] = "";
	const char *how = l->cgroup		      ? "cgroup v2: the session's total"
			  : l->memory && l->max_procs ? "RLIMIT_NPROC over this user's processes, RLIMIT_AS per process"
			  : l->max_procs	      ? "RLIMIT_NPROC over this user's processes"
						      : "RLIMIT_AS: each process's address space";

	if (l->max_procs)
		snprintf(procs, sizeof(procs), "processes %ld", l->max_procs);
	if (l->memory && !(l->memory & ((1ULL << 20) - 1)))
		snprintf(mem, sizeof(mem), "memory %llu MiB", l->memory >> 20);
	else if (l->memory)
		snprintf(mem, sizeof(mem), "memory %llu bytes", l->memory);
	snprintf(buf, n, "%s%s%s (%s)", procs, *procs && *mem ? ", " : "", mem, how);
}

void
nono_limits_free(struct nono_limits *l)
{
	if (l->procs_fd >= 0)
		close(l->procs_fd);
	l->procs_fd = -1;
	if (l->cg_dir) {
		/* whatever is left of the session (a PID namespace's init took
		 * its processes with it; without one, they are killed here) */
		if (rmdir(l->cg_dir) < 0 && errno == EBUSY) {
			(void)write_text(l->cg_dir, "cgroup.kill", "1");
			for (int i = 0; i < 50 && rmdir(l->cg_dir) < 0 && errno == EBUSY; i++)
				usleep(10000);
		}
		free(l->cg_dir);
		l->cg_dir = NULL;
	}
}
