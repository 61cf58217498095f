/* mediate_net.c - connect, sendto with a destination, and listen under
 * --block-net: the supervisor reads the address exactly, decides, and
 * performs the call on a copy of the program's own socket (pidfd_getfd),
 * so the socket is connected to the address that was checked and nothing
 * else (supervisor side).
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
};

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

	if ((r = nono_call_fd_target(c, &q->sock, nono_call_fd(c, 0))) < 0)
		return r;
	if (getsockopt(q->sock.ofd, SOL_SOCKET, SO_DOMAIN, &q->domain, &sl) < 0)
		return -ENOTSOCK;
	if ((int)alen < 0 || alen > sizeof(q->addr))
		return -EINVAL;
	q->alen = (socklen_t)alen;
	memset(&q->addr, 0, sizeof(q->addr));
	if ((r = nono_mem_read(c->n->pid, c->n->args[ai], &q->addr, q->alen)) < 0)
		return r == -EFAULT ? -EFAULT : -EPERM;
	fl = fcntl(q->sock.ofd, F_GETFL);
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
	j.fd[0] = q.sock.ofd;
	j.fd[1] = obj.ofd;
	j.arg[0] = q.send;
	j.arg[1] = q.flags;
	j.buf = q.data;
	j.len = q.len;
	j.addr = &q.addr;
	j.addrlen = q.alen;
	j.unconfined = q.unconfined;
	if (q.blocking)
		nono_call_perform_async(c, &j, false); /* it may wait: a worker of its own answers */
	else
		c->val = nono_call_perform(c, &j);
out:
	if (c->audit_op && c->sc->op == NONO_SC_CONNECT)
		c->audit_meta = false;
	free(q.data);
	nono_target_free(&q.sock);
	nono_target_free(&obj);
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
	if (getsockopt(t.ofd, SOL_SOCKET, SO_DOMAIN, &domain, &sl) < 0) {
		c->val = -ENOTSOCK;
	} else if ((domain == AF_INET || domain == AF_INET6) && c->m->policy->block_net) {
		/* listen() on an unbound socket binds a port Landlock never sees */
		nono_call_audit(c, "listen", "inet");
		nono_call_refuse(c, -EACCES, NONO_REP_TCP, "listen");
	} else {
		c->val = listen(t.ofd, (int)c->n->args[1]) < 0 ? -errno : 0;
	}
	nono_target_free(&t);
}
