/* mediate_net.c - connect, sendto with a destination, and listen under
 * --block-net: the supervisor reads the address exactly, decides, and
 * performs the call on a copy of the program's own socket (pidfd_getfd),
 * so the socket is connected to the address that was checked and nothing
 * else (supervisor side).
 *
 * Where a container refuses pidfd_getfd, the call is performed on a new
 * socket of the same family and type (sockinfo.h), which then replaces the
 * program's descriptor at its number (SECCOMP_ADDFD_FLAG_SETFD): a connect,
 * and the first datagram from an inet socket (its replies come back to the
 * new socket, of which the supervisor keeps a copy for the next). A socket
 * bound, connected or listening already, or held by another descriptor,
 * carries what cannot be made again: that is refused, and said once.
 *
 * A pathname UNIX socket is reached through the O_PATH descriptor the
 * supervisor resolved and checked ("/proc/self/fd/N"), never by its name
 * again. An abstract one must belong to a process of the sandbox, as
 * Landlock's scope has it (enforced here on every ABI). TCP and other
 * families are connected by a worker confined by the sandbox's own Landlock
 * rules, so their port rules hold for it too; a blocking connect runs on a
 * worker of its own and never stalls the supervisor. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "audit/audit.h"
#include "base/log.h"
#include "base/util.h"
#include "sandbox/syscalls.h"
#include "supervisor/decide.h"
#include "supervisor/mediate.h"
#include "supervisor/notify.h"
#include "supervisor/sockinfo.h"

/* the largest datagram the supervisor sends for the program */
#define SEND_MAX (4 << 20)

struct net_req {
	bool send;
	struct nono_target sock; /* ofd: a copy of the program's socket */
	int domain;
	struct sockaddr_storage addr;
	socklen_t alen;
	void *data; /* sendto */
	size_t len;
	int flags;
	bool blocking;
	bool unconfined; /* the sandbox's own abstract socket (see executor.h) */
	int fd;		 /* the program's descriptor */
	bool remade;	 /* pidfd_getfd refused: the call is performed on a new socket (remake) */
	bool install;	 /* remade: the new socket then replaces the program's */
	bool keep;	 /* remade: and the supervisor keeps a copy (nono_mediator_keep_socket) */
	struct nono_sockinfo info;
};

/* What the supervisor cannot do where pidfd_getfd is refused: said once,
 * refused with EPERM. */
static int
refused_here(const char *what)
{
	static bool said;

	if (!said && nono_log_level() >= NONO_LOG_NORMAL) {
		log_warn(
		    "this container refuses pidfd_getfd, and %s cannot be made again by nono's supervisor: refused "
		    "(EPERM)",
		    what);
		log_hint("a container with CAP_SYS_PTRACE (docker run --cap-add SYS_PTRACE) lets nono copy the "
			 "program's sockets");
	}
	said = true;
	return -EPERM;
}

/* fd[0] the socket; fd[1], when set, the checked UNIX socket to reach by
 * its descriptor (named here, on the worker: its number is the job's) */
static long
job_connect(struct nono_job *j)
{
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	const void *addr = j->addr;
	socklen_t alen = j->addrlen;
	long r;

	if (j->fd[1] >= 0) {
		snprintf(un.sun_path, sizeof(un.sun_path), "/proc/self/fd/%d", j->fd[1]);
		addr = &un;
		alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(un.sun_path) + 1);
	}
	if (j->arg[0]) /* sendto */
		r = sendto(j->fd[0], j->buf, j->len, (int)j->arg[1] | MSG_NOSIGNAL, addr, alen);
	else
		r = connect(j->fd[0], addr, alen);
	return r < 0 ? -errno : r;
}

/* Read the call: the socket, the address, and for sendto the data. */
static int
net_request(struct nono_call *c, struct net_req *q)
{
	int ai = q->send ? 4 : 1, r, fl;
	unsigned long long alen = c->n->args[ai + 1];
	socklen_t sl = sizeof(q->domain);

	q->fd = nono_call_fd(c, 0);
	if ((r = nono_call_fd_target(c, &q->sock, q->fd)) < 0)
		return r;
	if (!q->sock.copy) {
		/* no copy: what /proc says of it, for remake() */
		if ((r = nono_sockinfo_read(&q->info, c->t.tid, q->fd)) < 0)
			return r == -EPROTONOSUPPORT ? refused_here("a socket of this protocol") : r;
		q->remade = true;
		q->domain = q->info.domain;
	} else if (getsockopt(q->sock.ofd, SOL_SOCKET, SO_DOMAIN, &q->domain, &sl) < 0) {
		return -ENOTSOCK;
	}
	if ((int)alen < 0 || alen > sizeof(q->addr))
		return -EINVAL;
	q->alen = (socklen_t)alen;
	memset(&q->addr, 0, sizeof(q->addr));
	if ((r = nono_mem_read(c->n->pid, c->n->args[ai], &q->addr, q->alen)) < 0)
		return r == -EFAULT ? -EFAULT : -EPERM;
	fl = q->remade ? (q->info.nonblock ? O_NONBLOCK : 0) : fcntl(q->sock.ofd, F_GETFL);
	q->blocking = fl >= 0 && !(fl & O_NONBLOCK);
	if (!q->send)
		return 0;
	q->flags = (int)c->n->args[3];
	q->len = (size_t)c->n->args[2];
	if (q->flags & MSG_DONTWAIT)
		q->blocking = false;
	if (q->len > SEND_MAX)
		return -EMSGSIZE;
	q->data = xmalloc(q->len ? q->len : 1);
	if ((r = nono_mem_read(c->n->pid, c->n->args[1], q->data, q->len)) < 0)
		return r == -EFAULT ? -EFAULT : -EPERM;
	return 0;
}

/* ---- abstract UNIX sockets: only the sandbox's own ------------------------- */

/* "@name" as /proc/net/unix shows an abstract address (NULs as '@') */
static char *
abstract_name(const struct sockaddr_un *sa, socklen_t alen)
{
	size_t n = alen - offsetof(struct sockaddr_un, sun_path), i;
	char *s = xmalloc(n + 1);

	for (i = 0; i < n; i++)
		s[i] = sa->sun_path[i] ? sa->sun_path[i] : '@';
	s[n] = '\0';
	return s;
}

/* Inodes of the sockets bound to name in the thread's network namespace. */
static size_t
bound_inodes(int tid, const char *name, unsigned long *out, size_t max)
{
	char path[64], line[512];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/net/unix", tid);
	if (!(f = fopen(path, "re")))
		return 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		unsigned long ino;
		char p[256];

		line[strcspn(line, "\n")] = '\0';
		/* Num RefCount Protocol Flags Type St Inode Path */
		if (sscanf(line, "%*s %*s %*s %*s %*s %*s %lu %255s", &ino, p) == 2 && strcmp(p, name) == 0)
			out[n++] = ino;
	}
	fclose(f);
	return n;
}

static bool
holds_socket(int pid, const unsigned long *inos, size_t n)
{
	char dir[64], link[64 + 256 + 2], target[64];
	struct dirent *e;
	bool found = false;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	if (!(d = opendir(dir)))
		return false;
	while (!found && (e = readdir(d))) {
		ssize_t l;
		unsigned long ino;

		snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
		if ((l = readlink(link, target, sizeof(target) - 1)) <= 0)
			continue;
		target[l] = '\0';
		if (sscanf(target, "socket:[%lu]", &ino) != 1)
			continue;
		for (size_t i = 0; i < n && !found; i++)
			found = ino == inos[i];
	}
	closedir(d);
	return found;
}

/* The parent of pid, from /proc/PID/stat (0 when unknown). */
static int
parent_of(int pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	int ppid = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (!(f = fopen(path, "re")))
		return 0;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		sscanf(p + 1, " %*c %d", &ppid);
	fclose(f);
	return ppid;
}

/* Whether a process of the sandbox (a descendant of its first process)
 * holds one of the sockets. */
static bool
sandbox_holds(const struct nono_mediator *m, const unsigned long *inos, size_t n)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	bool found = false;

	while (d && !found && (e = readdir(d))) {
		int pid = atoi(e->d_name), p = pid;

		if (pid <= 0)
			continue;
		for (int depth = 0; p > 1 && p != m->child && depth < 64; depth++)
			p = parent_of(p);
		if (p == m->child && m->child > 0)
			found = holds_socket(pid, inos, n);
	}
	if (d)
		closedir(d);
	return found;
}

static bool
abstract_allowed(struct nono_call *c, const struct net_req *q)
{
	unsigned long inos[16];
	char *name = abstract_name((const struct sockaddr_un *)&q->addr, q->alen);
	size_t n = bound_inodes(c->n->pid, name, inos, 16);
	bool ok = n && sandbox_holds(c->m, inos, n);

	free(name);
	return ok;
}

/* ---- a new socket where pidfd_getfd is refused ---------------------------------- */

/* Another descriptor of the calling thread's table holds the socket too. */
static bool
held_twice(int tid, int fd, unsigned long ino)
{
	char dir[64], link[64 + 256 + 2], target[64], want[40];
	struct dirent *e;
	bool twice = false;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", tid);
	snprintf(want, sizeof(want), "socket:[%lu]", ino);
	if (!(d = opendir(dir)))
		return true;
	while (!twice && (e = readdir(d))) {
		ssize_t l;

		if (atoi(e->d_name) == fd || e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
		if ((l = readlink(link, target, sizeof(target) - 1)) > 0) {
			target[l] = '\0';
			twice = strcmp(target, want) == 0;
		}
	}
	closedir(d);
	return twice;
}

/* A new socket of the program's kind in q->sock, on which the call is
 * performed. 0, or -errno where the program's socket carries what a new
 * one would not (see the top of this file). */
static int
remake(struct nono_call *c, struct net_req *q)
{
	const struct nono_sockinfo *in = &q->info;
	int s;

	if (in->listening)
		return -EINVAL;
	if (in->connected && in->type != SOCK_DGRAM && !q->send)
		return -EISCONN;
	if (in->bound || in->connected)
		return refused_here("a socket bound or connected before");
	if (held_twice(c->t.tid, q->fd, in->ino))
		return refused_here("a socket another descriptor holds too");
	s = socket(q->domain, in->type | SOCK_CLOEXEC | (in->nonblock ? SOCK_NONBLOCK : 0), 0);
	if (s < 0)
		return -errno;
	close(q->sock.ofd);
	q->sock.ofd = s;
	/* a connect gives the program the new socket, and so does a datagram
	 * from an inet one (its replies come to it); an unbound UNIX datagram
	 * socket sends as well from a fresh one (no address to reply to) */
	q->install = !q->send || q->domain != AF_UNIX;
	q->keep = in->type == SOCK_DGRAM;
	c->cloexec = in->cloexec;
	return 0;
}

/* The new socket replaces the program's descriptor, where the call made
 * one that it should have (r: the call's result). The call's result, or
 * -errno when it could not be installed. */
static long
install(struct nono_call *c, const struct net_req *q, long r)
{
	int e;

	if (!q->install || (r < 0 && r != -EINPROGRESS))
		return r;
	if ((e = nono_notif_setfd(c->nfd, c->n->id, q->sock.ofd, q->fd, c->cloexec)) < 0)
		return e == -ENOENT ? -EINTR : -EBADF;
	if (q->keep)
		nono_mediator_keep_socket(c->m, q->sock.ofd);
	return r;
}

/* ---- the decision ------------------------------------------------------------ */

/* A pathname UNIX address: resolved and checked; the call then reaches the
 * object found (obj), by its descriptor. 0 or -errno. */
static int
unix_path(struct nono_call *c, struct net_req *q, struct nono_target *obj)
{
	struct sockaddr_un *sa = (struct sockaddr_un *)&q->addr;
	size_t plen = q->alen - offsetof(struct sockaddr_un, sun_path);
	char *path = xasprintf("%.*s", (int)strnlen(sa->sun_path, plen), sa->sun_path);
	struct stat st;
	int r;

	/* the kernel ends the name at the address's length: 108 bytes and
	 * no NUL is a name of 108 bytes, read here exactly as that */
	r = nono_resolve(obj, &c->t, AT_FDCWD, path, NONO_RES_FOLLOW, 0);
	nono_call_audit(c, c->sc->name, obj->canon ? obj->canon : path);
	if (r < 0) {
		free(path);
		return r;
	}
	if (fstat(obj->ofd, &st) < 0 || !S_ISSOCK(st.st_mode)) {
		free(path);
		return -ECONNREFUSED;
	}
	if (!obj->canon || (r = nono_supervisor_unix_decision(c->m->policy, obj->canon)) < 0) {
		log_info("refused %s to UNIX socket %s", c->sc->name, obj->canon ? obj->canon : "?");
		r = nono_call_refuse(c, -EACCES, NONO_REP_UNIX, obj->canon ? obj->canon : path);
		free(path);
		return r;
	}
	free(path);
	return 0;
}

/* "93.184.216.34:443", "[::1]:8080" */
static void
inet_target(char *out, size_t n, const struct net_req *q)
{
	char ip[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (q->addr.ss_family == AF_INET && q->alen >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)&q->addr;

		inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
		port = ntohs(a->sin_port);
		snprintf(out, n, "%s:%d", ip, port);
	} else if (q->addr.ss_family == AF_INET6 && q->alen >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&q->addr;

		inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
		port = ntohs(a->sin6_port);
		snprintf(out, n, "[%s]:%d", ip, port);
	} else {
		snprintf(out, n, "inet");
	}
}

/* 0 to perform the call as read (q's address maybe rewritten), or -errno */
static int
net_decide(struct nono_call *c, struct net_req *q, struct nono_target *obj)
{
	const struct nono_policy *p = c->m->policy;
	sa_family_t fam = q->alen >= sizeof(sa_family_t) ? q->addr.ss_family : AF_UNSPEC;

	if (q->domain == AF_UNIX && fam == AF_UNIX && q->alen > offsetof(struct sockaddr_un, sun_path)) {
		const struct sockaddr_un *sa = (const struct sockaddr_un *)&q->addr;

		if (sa->sun_path[0])
			return unix_path(c, q, obj);
		nono_call_audit(c, c->sc->name, "(abstract UNIX socket)");
		if (!abstract_allowed(c, q))
			return nono_call_refuse(c, -EPERM, NONO_REP_OTHER,
						"an abstract UNIX socket outside the sandbox");
		q->unconfined = true;
		return 0;
	}
	if ((q->domain == AF_INET || q->domain == AF_INET6) && fam != AF_UNSPEC) {
		char target[INET6_ADDRSTRLEN + 16];

		inet_target(target, sizeof(target), q);
		/* every connect is in the trail; a datagram only when refused */
		nono_call_audit(c, c->sc->name, target);
		c->audit_if_refused = q->send;
		if (p->proxy_port > 0 && !q->send && !nono_supervisor_proxy_decision(p, &q->addr, q->alen))
			return 0;
		/* --open-port: loopback on that port, where Landlock's rule lets the worker through */
		if (!q->send && nono_supervisor_port_exception(p, &q->addr, q->alen))
			return 0;
		if (p->proxy_port > 0 || p->block_net) {
			log_info("refused a TCP %s%s", c->sc->name,
				 p->proxy_port > 0 ? " that bypasses the proxy" : "");
			return nono_call_refuse(c, -EACCES, NONO_REP_TCP,
						p->proxy_port > 0 ? "a connection around the proxy" : target);
		}
		/* the worker is confined: its EACCES is Landlock's port rules */
		nono_call_check(c, target, NONO_OP_READ, NONO_REP_TCP);
	}
	return 0;
}

void
nono_mediate_connect(struct nono_call *c)
{
	struct net_req q = {.send = c->sc->op == NONO_SC_SENDTO};
	struct nono_job j = NONO_JOB(job_connect);
	struct nono_target obj = {.dfd = -1, .ofd = -1};
	int r;

	q.sock.dfd = q.sock.ofd = -1;
	c->kind = NONO_ANS_VALUE;
	if ((r = net_request(c, &q)) < 0 || (r = net_decide(c, &q, &obj)) < 0) {
		c->val = r;
		if (r == -EPERM && !c->audit_op) {
			nono_call_audit(c, c->sc->name, "(an argument the supervisor could not read exactly)");
			nono_call_refuse(c, r, NONO_REP_OTHER, "an argument the supervisor could not read exactly");
		}
		goto out;
	}
	if (!nono_call_alive(c)) {
		c->val = -EINTR;
		goto out;
	}
	if (q.remade && (r = remake(c, &q)) < 0) {
		c->val = r;
		goto out;
	}
	j.fd[0] = q.sock.ofd;
	j.install_at = q.install ? q.fd : -1;
	j.fd[1] = obj.ofd;
	j.arg[0] = q.send;
	j.arg[1] = q.flags;
	j.buf = q.data;
	j.len = q.len;
	j.addr = &q.addr;
	j.addrlen = q.alen;
	j.unconfined = q.unconfined;
	if (q.blocking) {
		/* it may wait: a worker of its own answers (and installs) */
		if (q.install && q.keep)
			nono_mediator_keep_socket(c->m, q.sock.ofd);
		nono_call_perform_async(c, &j, false);
	} else {
		c->val = install(c, &q, nono_call_perform(c, &j));
	}
out:
	if (c->audit_op && c->sc->op == NONO_SC_CONNECT)
		c->audit_meta = false;
	free(q.data);
	nono_target_free(&q.sock);
	nono_target_free(&obj);
}

/* --open-port, --listen-port: the socket is bound to a port they open (an
 * unbound one would get an ephemeral port Landlock never sees). */
static bool
bound_port_open(const struct nono_policy *p, int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int port = 0;

	if (!p->n_ports || getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
		return false;
	if (ss.ss_family == AF_INET)
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	else if (ss.ss_family == AF_INET6)
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return port > 0 && nono_policy_port_open(p, port, false);
}

void
nono_mediate_listen(struct nono_call *c)
{
	struct nono_target t;
	socklen_t sl = sizeof(int);
	int domain = 0, r;

	c->kind = NONO_ANS_VALUE;
	if ((r = nono_call_fd_target(c, &t, nono_call_fd(c, 0))) < 0) {
		c->val = r;
		return;
	}
	if (!t.copy) {
		/* no copy: refused for inet under --block-net, else not possible here */
		struct nono_sockinfo in;

		r = nono_sockinfo_read(&in, c->t.tid, nono_call_fd(c, 0));
		if (r < 0 && r != -EPROTONOSUPPORT) {
			c->val = r;
		} else if (r == 0 && (in.domain == AF_INET || in.domain == AF_INET6) && c->m->policy->block_net) {
			nono_call_audit(c, "listen", "inet");
			c->val = -EACCES;
		} else {
			c->val = refused_here("listening on a socket");
		}
	} else if (getsockopt(t.ofd, SOL_SOCKET, SO_DOMAIN, &domain, &sl) < 0) {
		c->val = -ENOTSOCK;
	} else if ((domain == AF_INET || domain == AF_INET6) && c->m->policy->block_net &&
		   !bound_port_open(c->m->policy, t.ofd)) {
		/* listen() on an unbound socket binds a port Landlock never sees */
		nono_call_audit(c, "listen", "inet");
		nono_call_refuse(c, -EACCES, NONO_REP_TCP, "listen");
	} else {
		c->val = listen(t.ofd, (int)c->n->args[1]) < 0 ? -errno : 0;
	}
	nono_target_free(&t);
}

/* ---- bind, where nothing else refuses --block-net's TCP (ABI < 4) --------- */

/* fd[0] the socket; the address as the program gave it, since the socket
 * keeps it as its name (getsockname, a datagram's sender): a relative one
 * from the program's working directory (fd[2]), where the worker has one
 * of its own. The worker is confined: the kernel makes the socket's file
 * only where the sandbox may (MAKE_SOCK). fd[1], str[0]: the directory the
 * supervisor resolved, for the file's mode. */
static long
job_bind(struct nono_job *j)
{
	if (j->fd[2] >= 0 && (j->shared_umask || fchdir(j->fd[2]) < 0))
		return -EPERM; /* no working directory of its own (a container) */
	if (bind(j->fd[0], j->addr, j->addrlen) < 0)
		return -errno;
	/* a socket's file is made 0777 less the umask */
	return j->fd[1] < 0 ? 0 : nono_job_fix_mode(j, -1, j->fd[1], j->str[0], S_IFSOCK, 0777);
}

/* The calling thread's working directory, O_PATH, in *fd. 0 or -errno. */
static int
thread_cwd(struct nono_call *c, int *fd)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/cwd", c->t.tid);
	*fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return *fd < 0 ? -errno : 0;
}

/* bind is sent to the supervisor only under --block-net where neither
 * Landlock's TCP rights nor a network namespace refuse it: a TCP bind is
 * refused; a UNIX one performed, a pathname in the directory resolved as
 * the kernel would, on a confined worker (Landlock's MAKE_SOCK holds). */
void
nono_mediate_bind(struct nono_call *c)
{
	struct net_req q = {.send = false};
	struct nono_job j = NONO_JOB(job_bind);
	struct nono_target dir = {.dfd = -1, .ofd = -1};
	const struct sockaddr_un *sa = (const struct sockaddr_un *)&q.addr;
	unsigned u;
	int r;

	q.sock.dfd = q.sock.ofd = -1;
	c->kind = NONO_ANS_VALUE;
	if ((r = net_request(c, &q)) < 0) {
		c->val = r;
		goto out;
	}
	if (q.domain != AF_UNIX) {
		log_info("refused a bind outside the UNIX family");
		nono_call_audit(c, "bind", "inet");
		c->val = -EACCES;
		goto out;
	}
	if (q.alen > offsetof(struct sockaddr_un, sun_path) && sa->sun_path[0]) {
		size_t plen = q.alen - offsetof(struct sockaddr_un, sun_path);
		char *path = xasprintf("%.*s", (int)strnlen(sa->sun_path, plen), sa->sun_path);

		r = nono_resolve(&dir, &c->t, AT_FDCWD, path, NONO_RES_PARENT, 0);
		nono_call_audit(c, "bind", dir.canon ? dir.canon : path);
		free(path);
		if (r < 0) {
			c->val = r;
			goto out;
		}
	}
	if (!nono_call_alive(c)) {
		c->val = -EINTR;
		goto out;
	}
	if (q.remade && (r = remake(c, &q)) < 0) {
		c->val = r;
		goto out;
	}
	q.keep = q.remade; /* a copy, for listen and the replies to come */
	j.fd[0] = q.sock.ofd;
	j.fd[1] = dir.dfd;
	j.str[0] = dir.leaf;
	if (dir.dfd >= 0 && sa->sun_path[0] != '/' && (r = thread_cwd(c, &j.fd[2])) < 0) {
		c->val = r;
		goto out;
	}
	j.addr = &q.addr;
	j.addrlen = q.alen;
	nono_thread_umask(&c->t, &u);
	j.umask = (int)(u & 0777);
	c->val = install(c, &q, nono_call_perform(c, &j));
out:
	if (j.fd[2] >= 0)
		close(j.fd[2]);
	free(q.data);
	nono_target_free(&q.sock);
	nono_target_free(&dir);
}
