/* supervisor.c - see supervisor.h (supervisor side). Reads the sandboxed
 * process's arguments from its memory, re-checks that the notification is
 * still alive, then answers. Answering "continue" leaves a window in which
 * a multi-threaded sandbox can swap the path (docs/SECURITY.md); Landlock
 * still bounds what any path can reach. */
#include "config.h"

#include <errno.h>
#include <linux/openat2.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "audit.h"
#include "journal.h"
#include "log.h"
#include "seccomp.h"
#include "supervisor.h"
#include "sys.h"
#include "util.h"

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif
#ifndef AT_SYMLINK_NOFOLLOW
#define AT_SYMLINK_NOFOLLOW 0x100
#endif
/* resolve_at: only join, leave symlinks and '.' as they are */
#define RESOLVE_LEXICAL 0x40000000

int
nono_supervisor_exec_decision(const struct nono_policy *p, const char *path, const char *argv0, const char **category,
			      const char **name)
{
	/* path is canonical when the supervisor calls; realpath is for others */
	char *real = path && path[0] != '/' ? realpath(path, NULL) : NULL;
	const char *cands[] = {path, real, argv0};
	int r = 0;

	*category = NULL;
	*name = NULL;
	for (size_t i = 0; i < 3 && !r; i++) {
		const char *base;

		if (!cands[i] || !*cands[i])
			continue;
		if (nono_policy_command_blocked(p, cands[i], category)) {
			base = strrchr(cands[i], '/');
			*name = base ? base + 1 : cands[i];
			r = -EPERM;
		}
	}
	/* the name points into one of the candidates: keep it stable */
	if (r && *name && real && *name >= real && *name < real + strlen(real)) {
		static char keep[NAME_MAX + 1];

		snprintf(keep, sizeof(keep), "%s", *name);
		*name = keep;
	}
	free(real);
	return r;
}

static bool
launch_writable(const struct nono_rule *r)
{
	return (r->access & NONO_ACC_WRITE) && (r->user || (r->access & NONO_ACC_DELETE));
}

int
nono_supervisor_meta_decision(const struct nono_policy *p, const char *canon)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct nono_rule *r = &p->rules[i];
		bool hit = r->is_file ? strcmp(r->path, canon) == 0 : nono_path_under(canon, r->path);

		if (hit && launch_writable(r))
			return nono_policy_sensitive(p, canon) ? -EPERM : 0;
	}
	return -EPERM;
}

int
nono_supervisor_unix_decision(const struct nono_policy *p, const char *canon)
{
	if (nono_policy_sensitive(p, canon))
		return -EACCES;
	for (size_t i = 0; i < p->unix_sockets.n; i++)
		if (strcmp(p->unix_sockets.v[i], canon) == 0)
			return 0;
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct nono_rule *r = &p->rules[i];
		bool hit = r->is_file ? strcmp(r->path, canon) == 0 : nono_path_under(canon, r->path);

		if (hit && (r->user || (r->access & NONO_ACC_DELETE)))
			return 0;
	}
	return -EACCES;
}

bool
nono_supervisor_proxy_decision(const struct nono_policy *p, const void *addr, size_t len)
{
	const struct sockaddr *sa = addr;

	if (p->proxy_port <= 0 || len < sizeof(sa->sa_family))
		return false;
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = addr;

		return !(ntohl(in->sin_addr.s_addr) == INADDR_LOOPBACK && ntohs(in->sin_port) == p->proxy_port);
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = addr;
		static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

		/* only ::ffff:127.0.0.1, the proxy's address seen from an IPv6 socket */
		return !(memcmp(in6->sin6_addr.s6_addr, mapped, 12) == 0 && in6->sin6_addr.s6_addr[12] == 127 &&
			 in6->sin6_addr.s6_addr[13] == 0 && in6->sin6_addr.s6_addr[14] == 0 &&
			 in6->sin6_addr.s6_addr[15] == 1 && ntohs(in6->sin6_port) == p->proxy_port);
	}
	return sa->sa_family == AF_INET || sa->sa_family == AF_INET6; /* too short: refused */
}

/* ---- reading the sandboxed process ----------------------------------------- */

static ssize_t
peek(int pid, unsigned long long addr, void *buf, size_t len)
{
	struct iovec local = {buf, len}, remote = {(void *)(uintptr_t)addr, len};

	return process_vm_readv(pid, &local, 1, &remote, 1, 0);
}

/* a NUL-terminated string of at most PATH_MAX bytes, read page by page */
static char *
peek_string(int pid, unsigned long long addr)
{
	char *buf = xmalloc(PATH_MAX + 1);
	size_t got = 0;

	if (!addr) {
		free(buf);
		return NULL;
	}
	while (got < PATH_MAX) {
		size_t chunk = 4096 - ((addr + got) & 4095);
		ssize_t n;

		if (chunk > PATH_MAX - got)
			chunk = PATH_MAX - got;
		n = peek(pid, addr + got, buf + got, chunk);
		if (n <= 0)
			break;
		if (memchr(buf + got, '\0', (size_t)n)) {
			buf[got + (size_t)n] = '\0';
			return buf;
		}
		got += (size_t)n;
	}
	free(buf);
	return NULL;
}

/* Up to max strings at addrs in one process_vm_readv: each is read up to
 * its page's end, which holds almost every argument; one that runs on (or
 * a read that stops short) is read again on its own. NULL ends the vector. */
static char **
peek_strings(int pid, const unsigned long long *addrs, size_t max)
{
	struct iovec local[64], remote[64];
	char **v = xcalloc(max + 1, sizeof(*v));
	size_t n = 0, lens[64] = {0};
	ssize_t got;

	while (n < max && addrs[n] && n < 64) {
		size_t chunk = 4096 - (addrs[n] & 4095);

		v[n] = xmalloc(chunk + 1);
		lens[n] = chunk;
		local[n] = (struct iovec){v[n], chunk};
		remote[n] = (struct iovec){(void *)(uintptr_t)addrs[n], chunk};
		n++;
	}
	got = n ? process_vm_readv(pid, local, n, remote, n, 0) : 0;
	for (size_t i = 0; i < max && addrs[i]; i++) {
		size_t len = i < n ? lens[i] : 0;

		if (i < n && got >= (ssize_t)len && memchr(v[i], '\0', len)) {
			got -= (ssize_t)len;
			continue;
		}
		got = 0; /* everything after a short read is read again */
		free(v[i]);
		if (!(v[i] = peek_string(pid, addrs[i]))) {
			for (size_t j = i + 1; j < n; j++)
				free(v[j]);
			memset(&v[i], 0, (max - i) * sizeof(*v));
			break;
		}
	}
	return v;
}

/* The argv array at addr (at most 256 entries): every string when all is
 * set (the audit trail), else argv[0] alone (the blocklist). */
static char **
peek_argv(int pid, unsigned long long addr, bool all)
{
	unsigned long long ptrs[257] = {0};
	size_t want = all ? 256 : 1, max = 0;
	ssize_t n;

	if (!addr)
		return xcalloc(1, sizeof(char *));
	n = peek(pid, addr, ptrs, want * sizeof(ptrs[0]));
	if (n <= 0 && want > 1) /* the array ends near an unmapped page */
		n = peek(pid, addr, ptrs, 4096 - (addr & 4095));
	while (n > 0 && max < (size_t)n / sizeof(ptrs[0]) && ptrs[max])
		max++;
	return peek_strings(pid, ptrs, max);
}

static void
free_argv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static char *
proc_link(int pid, const char *what)
{
	char link[64], target[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/%s", pid, what);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return NULL;
	target[n] = '\0';
	return xstrdup(target);
}

/* A path as the program sees it, named as the supervisor must open it:
 * /proc/self, /proc/thread-self, /dev/fd and /dev/std* are the program's,
 * not ours. NULL for a /proc path this cannot translate (another process,
 * whose number is the sandbox's PID namespace's, or '..' inside /proc):
 * the caller refuses rather than resolve it as the wrong process. */
static char *
program_view(int pid, char *joined)
{
	static const struct {
		const char *from, *to; /* to: after "/proc/PID" */
		bool task;	       /* "/task/PID" between */
	} map[] = {
	    {"/proc/self", "", false},	    {"/proc/thread-self", "", true}, {"/dev/fd", "/fd", false},
	    {"/dev/stdin", "/fd/0", false}, {"/dev/stdout", "/fd/1", false}, {"/dev/stderr", "/fd/2", false},
	};
	char *norm = nono_path_normalize(joined), own[32];

	free(joined);
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		size_t l = strlen(map[i].from);

		if (!strncmp(norm, map[i].from, l) && (norm[l] == '/' || norm[l] == '\0')) {
			char *out;

			/* the notification's pid is the calling thread's id */
			if (map[i].task)
				out = xasprintf("/proc/%d/task/%d%s", pid, pid, norm + l);
			else
				out = xasprintf("/proc/%d%s%s", pid, map[i].to, norm + l);
			free(norm);
			norm = out;
			break;
		}
	}
	snprintf(own, sizeof(own), "/proc/%d", pid);
	if (!strncmp(norm, "/proc/", 6) && norm[6] >= '0' && norm[6] <= '9' &&
	    ((strncmp(norm, own, strlen(own)) || (norm[strlen(own)] != '/' && norm[strlen(own)] != '\0')) ||
	     strstr(norm, "/.."))) {
		free(norm);
		return NULL;
	}
	return norm;
}

/* the absolute, canonical path a (dirfd, path, flags) triple names */
static char *
resolve_at(int pid, long long dirfd, const char *path, int flags)
{
	char *base, *joined, *canon;

	if ((!path || !*path) && dirfd >= 0) {
		char what[32];

		snprintf(what, sizeof(what), "fd/%lld", dirfd);
		return proc_link(pid, what);
	}
	if (!path)
		return NULL;
	if (path[0] == '/') {
		joined = xstrdup(path);
	} else {
		if (dirfd == -100 /* AT_FDCWD */) {
			base = proc_link(pid, "cwd");
		} else {
			char what[32];

			snprintf(what, sizeof(what), "fd/%lld", dirfd);
			base = proc_link(pid, what);
		}
		if (!base)
			return NULL;
		joined = nono_path_join(base, path);
		free(base);
	}
	if (!(joined = program_view(pid, joined)))
		return NULL;
	if (flags & RESOLVE_LEXICAL) {
		/* the journal canonicalises it, cheaper */
		canon = joined;
		joined = NULL;
	} else if (flags & AT_SYMLINK_NOFOLLOW) {
		/* the link itself: canonical parent, literal leaf */
		canon = nono_path_canonical_leaf(joined);
	} else {
		canon = nono_path_canonical(joined, NULL);
	}
	/* a symlink was followed: not one into the program's /proc or /dev/fd,
	 * which the supervisor would read as its own */
	if (canon && joined && strcmp(canon, joined) != 0 && nono_path_links_into_proc(joined)) {
		free(canon);
		canon = NULL;
	}
	free(joined);
	return canon;
}

/* one line on the sandboxed process's own stderr */
static void
tell_blocked(int pid, const char *cmd, const char *category)
{
	char path[64], line[512];
	int fd, n;

	n = snprintf(line, sizeof(line),
		     "nono: command '%s' is blocked (%s); restart nono with --allow-command %s to allow it\n", cmd,
		     category, cmd);
	/* the process's own stderr (same file offset), else a fresh open of it */
	fd = nono_sys_pidfd_getfd(pid, 2);
	if (fd < 0) {
		snprintf(path, sizeof(path), "/proc/%d/fd/2", pid);
		fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_APPEND);
	}
	if (fd >= 0) {
		ssize_t w = write(fd, line, n > 0 && (size_t)n < sizeof(line) ? (size_t)n : strlen(line));

		(void)w;
		close(fd);
	}
}

#ifndef O_TMPFILE
#define O_TMPFILE (020000000 | O_DIRECTORY)
#endif
#define MAY_WRITE (O_WRONLY | O_RDWR | O_TRUNC | O_CREAT)

/* the path argument i with its directory argument d (-1: AT_FDCWD) */
static char *
arg_path(const struct nono_notif *n, int d, int i, int flags)
{
	char *path = peek_string(n->pid, n->args[i]), *canon;

	if (!path)
		return NULL; /* unreadable: the kernel fails the call (EFAULT) */
	canon = resolve_at(n->pid, d < 0 ? -100 : (int)n->args[d], path, flags);
	free(path);
	/* readable but not resolvable (a cwd too long to read, a /proc path
	 * of another process): "" makes the journal refuse the call */
	return canon ? canon : xstrdup("");
}

/* Rollback: record what a destructive call is about to change, before it
 * runs. 0 to let it run; -errno when its prior state could not be saved,
 * so that nothing is destroyed without a way back. */
static int
journal(struct nono_supervisor *sv, const struct nono_notif *n)
{
	const char *name = n->name, *op = n->name;
	char *a = NULL, *b = NULL;
	bool tree = false, follow_a = false, follow_b = false;
	const int L = RESOLVE_LEXICAL;
	int r = 0;

	if (!strcmp(name, "unlink") || !strcmp(name, "rmdir") || !strcmp(name, "mkdir") || !strcmp(name, "mknod")) {
		a = arg_path(n, -1, 0, L);
	} else if (!strcmp(name, "unlinkat") || !strcmp(name, "mkdirat") || !strcmp(name, "mknodat")) {
		a = arg_path(n, 0, 1, L);
	} else if (!strcmp(name, "rename")) {
		a = arg_path(n, -1, 0, L);
		b = arg_path(n, -1, 1, L);
		tree = true;
	} else if (!strcmp(name, "renameat") || !strcmp(name, "renameat2")) {
		a = arg_path(n, 0, 1, L);
		b = arg_path(n, 2, 3, L);
		tree = true;
	} else if (!strcmp(name, "truncate") || !strcmp(name, "creat")) {
		a = arg_path(n, -1, 0, L);
		follow_a = true;
	} else if (!strcmp(name, "ftruncate") || !strcmp(name, "fchmod")) {
		a = resolve_at(n->pid, (int)n->args[0], NULL, 0);
	} else if (!strcmp(name, "open") || !strcmp(name, "openat") || !strcmp(name, "openat2")) {
		unsigned long long flags = 0;
		int pi = name[4] ? 1 : 0;

		if (!strcmp(name, "open"))
			flags = n->args[1];
		else if (!strcmp(name, "openat"))
			flags = n->args[2];
		else if (peek(n->pid, n->args[2], &flags, sizeof(flags)) != sizeof(flags))
			return 0; /* the kernel will fail it: EFAULT */
		if (!(flags & MAY_WRITE) || (flags & O_TMPFILE) == O_TMPFILE)
			return 0;
		if (name[6] == '2') {
			/* RESOLVE_IN_ROOT makes an absolute path and '..' relative to
			 * the directory descriptor: refused rather than misread */
			struct open_how how = {0};
			size_t sz = n->args[3] < sizeof(how) ? (size_t)n->args[3] : sizeof(how);

			if (sz < sizeof(how) || peek(n->pid, n->args[2], &how, sz) != (ssize_t)sz)
				return 0; /* the kernel will fail it (EINVAL, EFAULT) */
			if (how.resolve & RESOLVE_IN_ROOT) {
				log_warn("rollback cannot follow openat2(RESOLVE_IN_ROOT) to write; refused");
				return -EPERM;
			}
		}
		a = arg_path(n, pi ? 0 : -1, pi, L);
		op = (flags & O_TRUNC) ? "open-trunc" : "open-write";
		/* O_CREAT|O_EXCL and O_NOFOLLOW never write through a link */
		follow_a = !(flags & O_NOFOLLOW) && (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);
	} else if (!strcmp(name, "symlink")) {
		a = arg_path(n, -1, 1, L);
	} else if (!strcmp(name, "symlinkat")) {
		a = arg_path(n, 1, 2, L);
	} else if (!strcmp(name, "link") || !strcmp(name, "linkat")) {
		/* a new name for a file: later writes through it change the
		 * original too, so the original is recorded as well */
		bool at = name[4] != '\0';

		a = at ? arg_path(n, 2, 3, L) : arg_path(n, -1, 1, L);
		b = at ? arg_path(n, 0, 1, L) : arg_path(n, -1, 0, L);
		follow_b = at && (n->args[4] & 0x400 /* AT_SYMLINK_FOLLOW */);
	} else if (!strcmp(name, "chmod")) {
		a = arg_path(n, -1, 0, L);
		follow_a = true;
	} else if (!strcmp(name, "fchmodat") || !strcmp(name, "fchmodat2")) {
		a = arg_path(n, 0, 1, L);
		follow_a = !(!strcmp(name, "fchmodat2") && (n->args[3] & AT_SYMLINK_NOFOLLOW));
	} else {
		return 0;
	}
	if ((a && !a[0]) || (b && !b[0])) {
		log_warn("rollback cannot tell which path %s would change; refused", name);
		free(a);
		free(b);
		return -EPERM;
	}
	if (a && a[0] == '/')
		r = nono_journal_record(sv->journal, a, name, tree, follow_a);
	if (r == 0 && b && b[0] == '/')
		r = nono_journal_record(sv->journal, b, name, tree, follow_b);
	if (r < 0)
		log_warn("rollback could not save %s before %s: %s; refused", a ? a : b, name, strerror(-r));
	else if (sv->audit && a && a[0] == '/') {
		char *both = b && b[0] == '/' ? xasprintf("%s -> %s", tree ? a : b, tree ? b : a) : NULL;

		nono_audit_file_op(sv->audit, op, both ? both : a);
		free(both);
	}
	free(a);
	free(b);
	return r;
}

static int
decide(struct nono_supervisor *sv, int notify_fd, const struct nono_notif *n)
{
	const struct nono_policy *p = sv->policy;
	const char *name = n->name ? n->name : "?";
	char *path = NULL, *canon = NULL, **av = NULL;
	const char *argv0 = NULL;
	long long dirfd = -100;
	int flags = 0, pathi = 0, r = 0;
	enum { EXEC, META, META_FD, UNIX, OTHER } kind = OTHER;

	if (!n->name || n->nr < 0) {
		/* another ABI (i386, x32) or an unknown call: refuse mediated
		 * operations outright rather than decode them */
		return n->name && strcmp(n->name, "execve") != 0 && strcmp(n->name, "execveat") != 0 ? -EPERM : 0;
	}
	if (sv->journal) {
		for (size_t i = 0; nono_seccomp_journaled[i]; i++)
			if (n->name == nono_seccomp_journaled[i])
				return journal(sv, n);
	}
	if (strcmp(name, "execve") == 0) {
		kind = EXEC;
	} else if (strcmp(name, "execveat") == 0) {
		kind = EXEC;
		dirfd = (int)n->args[0];
		pathi = 1;
		flags = (int)n->args[4];
	} else if (!strcmp(name, "chmod") || !strcmp(name, "chown") || !strcmp(name, "utime") ||
		   !strcmp(name, "utimes") || !strcmp(name, "setxattr") || !strcmp(name, "removexattr")) {
		kind = META;
	} else if (!strcmp(name, "lchown") || !strcmp(name, "lsetxattr") || !strcmp(name, "lremovexattr")) {
		kind = META;
		flags = AT_SYMLINK_NOFOLLOW;
	} else if (!strcmp(name, "fchmod") || !strcmp(name, "fchown") || !strcmp(name, "fsetxattr") ||
		   !strcmp(name, "fremovexattr")) {
		kind = META_FD;
	} else if (!strcmp(name, "fchmodat") || !strcmp(name, "fchownat") || !strcmp(name, "fchmodat2") ||
		   !strcmp(name, "futimesat") || !strcmp(name, "utimensat")) {
		kind = META;
		dirfd = (int)n->args[0];
		pathi = 1;
		if (!strcmp(name, "fchownat"))
			flags = (int)n->args[4];
		else if (!strcmp(name, "fchmodat2"))
			flags = (int)n->args[3];
		else if (!strcmp(name, "utimensat"))
			flags = (int)n->args[3];
	} else if (!strcmp(name, "connect") || !strcmp(name, "sendto")) {
		kind = UNIX;
	} else if (!strcmp(name, "listen")) {
		/* only mediated under --block-net: no inet socket may listen */
		int sfd = nono_sys_pidfd_getfd(n->pid, (int)n->args[0]);
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);

		if (sfd >= 0 && getsockname(sfd, (struct sockaddr *)&ss, &sl) == 0 &&
		    (ss.ss_family == AF_INET || ss.ss_family == AF_INET6) && p->block_net)
			r = -EACCES;
		if (sfd >= 0)
			close(sfd);
		if (!nono_seccomp_notif_valid(notify_fd, n->id))
			r = 0;
		if (r)
			nono_audit_socket(sv->audit, n->pid, name, "inet", true);
		return r;
	}

	switch (kind) {
	case EXEC: {
		const char *cat, *cmd;
		struct stat st;
		char *abs = NULL;

		path = peek_string(n->pid, n->args[pathi]);
		/* argv before the validity check below, which then covers it */
		av = peek_argv(n->pid, n->args[pathi + 1], sv->audit != NULL);
		argv0 = av[0];
		if (!path)
			break;
		/* only a symlink in the last component changes the name that runs, so
		 * one lstat decides whether the path needs resolving at all */
		if (path[0] == '/' && dirfd == -100 && strncmp(path, "/proc/", 6) && strncmp(path, "/dev/", 5))
			abs = xstrdup(path);
		else
			abs = resolve_at(n->pid, dirfd, path, AT_SYMLINK_NOFOLLOW);
		if ((!abs && (path[0] != '/' || !strncmp(path, "/proc/", 6) || !strncmp(path, "/dev/", 5))) ||
		    (abs && nono_path_links_into_proc(abs))) {
			/* /dev/fd/N, a link to /proc/self/...: the supervisor would
			 * read its own; such a program is not run */
			free(abs);
			if (nono_seccomp_notif_valid(notify_fd, n->id)) {
				log_info("refused exec of %s: reached through /proc or /dev/fd", path);
				r = -EACCES;
			}
			break;
		}
		if (!abs || lstat(abs, &st) < 0) {
			/* a PATH search tries names that do not exist: let the kernel say so */
			free(abs);
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			canon = realpath(abs, NULL);
			free(abs);
		} else {
			canon = abs;
		}
		if (!canon || !nono_seccomp_notif_valid(notify_fd, n->id))
			break;
		if (sv->shim && strcmp(canon, sv->shim) == 0)
			break;
		if (nono_supervisor_exec_decision(p, canon, argv0, &cat, &cmd) < 0) {
			/* a PATH search meets the same program twice (/bin -> /usr/bin):
			 * say it once per process */
			char *exe = proc_link(n->pid, "exe");

			/* the shim explains it itself */
			if ((n->pid != sv->told_pid || strcmp(cmd, sv->told_cmd) != 0) &&
			    !(sv->shim && exe && strcmp(exe, sv->shim) == 0))
				tell_blocked(n->pid, cmd, cat);
			free(exe);
			sv->told_pid = n->pid;
			snprintf(sv->told_cmd, sizeof(sv->told_cmd), "%s", cmd);
			log_info("refused exec of %s (%s)", canon, cat);
			r = -EPERM;
		}
		if (sv->audit) {
			/* written once the caller has its answer */
			sv->pending.pid = n->pid;
			sv->pending.path = canon;
			sv->pending.argv = av;
			sv->pending.refused = r ? cat : NULL;
			canon = NULL;
			av = NULL;
		}
		break;
	}
	case META:
		path = peek_string(n->pid, n->args[pathi]);
		canon = resolve_at(n->pid, dirfd, path ? path : "", flags);
		if (!nono_seccomp_notif_valid(notify_fd, n->id))
			break;
		r = canon ? nono_supervisor_meta_decision(p, canon) : -EPERM;
		if (r)
			log_info("refused %s on %s", name, canon ? canon : "?");
		else if (sv->journal && strstr(name, "chmod"))
			r = journal(sv, n);
		nono_audit_meta(sv->audit, n->pid, name, canon ? canon : path, r != 0);
		break;
	case META_FD:
		canon = resolve_at(n->pid, (int)n->args[0], NULL, 0);
		if (!nono_seccomp_notif_valid(notify_fd, n->id))
			break;
		/* pipes, sockets and anonymous files have no path to protect */
		r = !canon || canon[0] != '/' ? 0 : nono_supervisor_meta_decision(p, canon);
		if (r)
			log_info("refused %s on %s", name, canon);
		else if (sv->journal && !strcmp(name, "fchmod"))
			r = journal(sv, n);
		if (canon && canon[0] == '/')
			nono_audit_meta(sv->audit, n->pid, name, canon, r != 0);
		break;
	case UNIX: {
		struct sockaddr_un sa;
		unsigned long long addr = n->args[name[0] == 'c' ? 1 : 4];
		unsigned long long len = n->args[name[0] == 'c' ? 2 : 5];
		ssize_t got;

		if (name[0] == 's' && (n->args[3] & 0x20000000 /* MSG_FASTOPEN */) && p->block_net) {
			r = -EACCES;
			nono_audit_socket(sv->audit, n->pid, name, "inet", true);
			break;
		}
		if (!addr || len <= sizeof(sa.sun_family))
			break;
		if (len > sizeof(sa))
			len = sizeof(sa);
		memset(&sa, 0, sizeof(sa));
		got = peek(n->pid, addr, &sa, (size_t)len);
		if (got >= (ssize_t)sizeof(sa.sun_family) && p->proxy_port > 0 && name[0] == 'c' &&
		    (sa.sun_family == AF_INET || sa.sun_family == AF_INET6)) {
			/* proxy mode: Landlock's rule is for a port on any host; the
			 * proxy's address is the only one that port may be reached at */
			if (!nono_supervisor_proxy_decision(p, &sa, (size_t)got) ||
			    !nono_seccomp_notif_valid(notify_fd, n->id))
				break;
			r = -EACCES;
			log_info("refused a TCP connection that bypasses the proxy");
			nono_audit_socket(sv->audit, n->pid, name, "inet (not the proxy)", true);
			break;
		}
		if (got < (ssize_t)sizeof(sa.sun_family) || sa.sun_family != AF_UNIX || sa.sun_path[0] == '\0')
			break; /* not a pathname UNIX socket (abstract ones are Landlock's) */
		sa.sun_path[sizeof(sa.sun_path) - 1] = '\0';
		canon = resolve_at(n->pid, -100, sa.sun_path, 0);
		if (!nono_seccomp_notif_valid(notify_fd, n->id))
			break;
		r = canon ? nono_supervisor_unix_decision(p, canon) : -EACCES;
		if (r)
			log_info("refused %s to UNIX socket %s", name, canon ? canon : sa.sun_path);
		if (r || name[0] == 'c')
			nono_audit_socket(sv->audit, n->pid, name, canon ? canon : sa.sun_path, r != 0);
		break;
	}
	case OTHER:
		break;
	}
	free(path);
	free(canon);
	free_argv(av);
	return r;
}

int
nono_supervisor_handle(struct nono_supervisor *sv, int notify_fd)
{
	struct nono_notif n;
	int r = nono_seccomp_notif_receive(notify_fd, &n);
	int verdict;

	if (r < 0)
		return r;
	verdict = decide(sv, notify_fd, &n);
	sv->handled++;
	if (verdict)
		sv->refused++;
	/* ENOENT: the caller died meanwhile; nothing to answer */
	nono_seccomp_notif_reply(notify_fd, n.id, verdict);
	if (sv->pending.path) {
		nono_audit_exec(sv->audit, sv->pending.pid, sv->pending.path, sv->pending.argv, sv->pending.refused);
		free(sv->pending.path);
		free_argv(sv->pending.argv);
		memset(&sv->pending, 0, sizeof(sv->pending));
	}
	return 0;
}
