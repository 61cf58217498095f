/* approvals.c - see approvals.h (supervisor side).
 *
 * The requests wait in a list, served from the supervisor's loop: the
 * socket 'nono approvals' connects to (one line a connection: "list",
 * "answer N once|session|dir|deny", or the proxy's "ask-host HOST PORT"),
 * a timer for the oldest deadline, and the terminal while it asks. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "store/journal.h"
#include "base/escape.h"
#include "base/log.h"
#include "base/util.h"
#include "supervisor/approvals.h"
#include "supervisor/desktop.h"
#include "supervisor/notify.h"

#define MAX_PENDING 64
#define MAX_CLIENTS 8

struct pending {
	unsigned n; /* the request's number in this session */
	double deadline;
	struct nono_approval_req r;
	char *argv;  /* the program's command line, as it was (escaped when shown) */
	char *grant; /* the flag that would allow it for good */
};

struct grant {
	char *what; /* a path, a directory (reads beneath it) or "host:port" */
	unsigned access;
	bool dir;
	bool self; /* dir: the directory's own reads too (it was the request) */
};

struct client {
	int fd;
	size_t len;
	char buf[512];
	pid_t pid;
};

struct nono_approvals {
	const struct nono_policy *policy;
	struct nono_journal *journal; /* keeps what an approved write destroys, or NULL */
	struct nono_audit *audit;
	struct nono_loop *loop;
	struct nono_desktop *desktop; /* notify-send, or NULL */
	int timeout;
	char *const *argv;
	char *socket;
	int lfd, tfd, tty;
	pid_t child;
	bool closing; /* the session ends: nothing more is asked */
	/* the terminal: the request it asks about (0: none) and its answer so far */
	unsigned tty_n;
	size_t tty_len;
	char tty_buf[64];
	struct pending p[MAX_PENDING];
	size_t np;
	unsigned next;
	struct grant *g;
	size_t ng;
	struct client c[MAX_CLIENTS];
};

enum verdict { V_DENY, V_ONCE, V_SESSION, V_DIR };
static const char *const verdict_names[] = {"deny", "once", "session", "dir"};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *
access_name(const struct nono_approval_req *r)
{
	if (r->kind == NONO_APPROVAL_HOST)
		return "connect";
	if (r->kind == NONO_APPROVAL_MKDIR)
		return "mkdir";
	if (r->kind == NONO_APPROVAL_CREATE)
		return "create";
	return r->access == NONO_ACC_READ ? "read" : r->access == NONO_ACC_WRITE ? "write" : "read-write";
}

/* Whether --dir is offered (reads of an existing object), and then the
 * directory it approves reads beneath: the request's own when it is one
 * (ls DIR), else the file's. */
static bool
dir_offered(const struct nono_approval_req *r)
{
	return r->kind == NONO_APPROVAL_OPEN && r->access == NONO_ACC_READ;
}

static bool
req_is_dir(const struct nono_approval_req *r)
{
	struct stat st;

	return r->kind == NONO_APPROVAL_OPEN && r->ofd >= 0 && fstat(r->ofd, &st) == 0 && S_ISDIR(st.st_mode);
}

static char *
dir_scope(const struct nono_approval_req *r)
{
	return req_is_dir(r) ? xstrdup(r->path) : nono_path_dirname(r->path);
}

/* /proc/PID/cmdline with spaces between the arguments, or its first */
static char *
proc_argv(int pid, bool first)
{
	char path[64], buf[1024];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return xstrdup("?");
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return xstrdup("?");
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	buf[n] = '\0';
	for (ssize_t i = 0; i < n && !first; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	return xstrdup(buf);
}

static char *
join_argv(char *const *argv)
{
	size_t len = 1;
	char *s;

	for (size_t i = 0; argv && argv[i]; i++)
		len += strlen(argv[i]) + 1;
	s = xcalloc(1, len);
	for (size_t i = 0; argv && argv[i]; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

/* ---- the timer -------------------------------------------------------------- */

static void
arm(struct nono_approvals *a)
{
	struct itimerspec its = {0};
	double first = 0;

	for (size_t i = 0; i < a->np; i++)
		if (!first || a->p[i].deadline < first)
			first = a->p[i].deadline;
	if (first) {
		its.it_value.tv_sec = (time_t)first;
		its.it_value.tv_nsec = (long)((first - (double)(time_t)first) * 1e9);
		if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
			its.it_value.tv_nsec = 1;
	}
	if (a->tfd >= 0)
		timerfd_settime(a->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* ---- performing an answer ----------------------------------------------------- */

/* The approved file opened (or directory made) by the supervisor from the
 * object resolved when the request was made: a descriptor, 0, or -errno. */
static int
perform_file(const struct nono_approval_req *r)
{
	char pp[32];
	mode_t old;
	int fd;

	switch (r->kind) {
	case NONO_APPROVAL_OPEN:
		snprintf(pp, sizeof(pp), "/proc/self/fd/%d", r->ofd);
		fd = open(pp, (r->flags & ~(O_CREAT | O_EXCL | O_NOFOLLOW | O_TRUNC)) | O_NOCTTY | O_CLOEXEC |
				  (r->flags & O_TRUNC));
		return fd < 0 ? -errno : fd;
	case NONO_APPROVAL_CREATE:
		/* what was absent is what gets made, never through a link */
		old = umask(r->umask & 0777);
		fd = openat(r->ofd, r->leaf, r->flags | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC,
			    r->mode & 07777);
		umask(old);
		return fd < 0 ? -errno : fd;
	case NONO_APPROVAL_MKDIR:
		old = umask(r->umask & 0777);
		fd = mkdirat(r->ofd, r->leaf, r->mode & 07777);
		umask(old);
		return fd < 0 ? -errno : 0;
	default:
		return -EINVAL;
	}
}

/* An approved open that may write an existing file: its prior state goes
 * to the rollback journal first, the path made one of its roots; when it
 * cannot be saved the write is refused (nothing is destroyed unjournaled). */
static int
journal_write(struct nono_journal *j, const struct nono_approval_req *r)
{
	int acc = r->flags & O_ACCMODE;

	if (r->kind != NONO_APPROVAL_OPEN || (acc == O_RDONLY && !(r->flags & O_TRUNC)))
		return 0;
	if (!j)
		return -EIO;
	nono_journal_add_root(j, r->path);
	return nono_journal_record(j, r->path, (r->flags & O_TRUNC) ? "open-trunc" : "open-write", false, false);
}

/* Answer the program's call: the descriptor, 0, or the error. */
static long long
answer_file(struct nono_approvals *a, const struct nono_approval_req *r, bool approved)
{
	int fd, rr;

	if (!approved) {
		nono_notif_answer(r->nfd, r->id, 0, EACCES);
		return -EACCES;
	}
	if ((rr = journal_write(a->journal, r)) < 0) {
		log_warn("approvals: %s: its prior state could not be journaled (%s): the approved write is refused",
			 r->path, strerror(-rr));
		nono_notif_answer(r->nfd, r->id, 0, -rr == ENOSPC ? ENOSPC : EIO);
		return rr;
	}
	fd = perform_file(r);
	if (fd < 0 || r->kind == NONO_APPROVAL_MKDIR) {
		nono_notif_answer(r->nfd, r->id, 0, fd < 0 ? -fd : 0);
		return fd;
	}
	rr = nono_notif_addfd(r->nfd, r->id, fd, r->cloexec);
	close(fd);
	if (rr < 0 && rr != -ENOENT)
		nono_notif_answer(r->nfd, r->id, 0, -rr);
	return rr;
}

static void
req_free(struct nono_approval_req *r)
{
	if (r->ofd >= 0)
		close(r->ofd);
	if (r->client >= 0)
		close(r->client);
	free(r->path);
	free(r->leaf);
	r->ofd = r->client = -1;
	r->path = r->leaf = NULL;
}

static void
audit_answer(struct nono_approvals *a, unsigned n, const struct nono_approval_req *r, enum verdict v, const char *by,
	     long long result)
{
	char num[16], res[24];
	const char *kv[] = {"request", num, "path", r->path, "answer", verdict_names[v], "by", by, "result", res, NULL};

	snprintf(num, sizeof(num), "%u", n);
	snprintf(res, sizeof(res), "%lld", result < 0 ? result : 0);
	nono_audit_note(a->audit, "approval_answer", kv);
}

static void tty_prompt(struct nono_approvals *a);
static void on_tty(void *ctx, int fd, short revents);

/* The answer to request i: performed, recorded, remembered for the session. */
static void
finish(struct nono_approvals *a, size_t i, enum verdict v, const char *by)
{
	struct pending *p = &a->p[i];
	struct nono_approval_req *r = &p->r;
	long long res = 0;

	if (v == V_SESSION || v == V_DIR) {
		a->g = xrealloc(a->g, (a->ng + 1) * sizeof(*a->g));
		a->g[a->ng].what = v == V_DIR ? dir_scope(r) : xstrdup(r->path);
		a->g[a->ng].access = v == V_DIR ? NONO_ACC_READ : r->access;
		a->g[a->ng].dir = v == V_DIR;
		a->g[a->ng].self = v == V_DIR && req_is_dir(r);
		a->ng++;
	}
	if (r->kind == NONO_APPROVAL_HOST) {
		const char *line = v == V_DENY ? "deny\n" : "allow\n";

		if (nono_write_all(r->client, line, strlen(line)) < 0)
			res = -EPIPE;
	} else {
		res = answer_file(a, r, v != V_DENY);
	}
	audit_answer(a, p->n, r, v, by, v == V_DENY ? -EACCES : res);
	if (a->tty >= 0 && a->tty_n == p->n) {
		if (strcmp(by, "terminal")) {
			dprintf(a->tty, "\r\n[nono] request %u answered (%s, by %s)\r\n", p->n, verdict_names[v], by);
			nono_loop_unwatch(a->loop, a->tty);
		}
		a->tty_n = 0;
	}
	req_free(r);
	free(p->argv);
	free(p->grant);
	memmove(p, p + 1, (a->np - i - 1) * sizeof(*p));
	a->np--;
	arm(a);
	tty_prompt(a);
}

static ssize_t
find(const struct nono_approvals *a, unsigned n)
{
	for (size_t i = 0; i < a->np; i++)
		if (a->p[i].n == n)
			return (ssize_t)i;
	return -1;
}

/* ---- the terminal --------------------------------------------------------- */

/* Whether the controlling terminal may ask: nono's group in the
 * foreground and the terminal in canonical mode (a full-screen program,
 * in raw mode, is left alone: 'nono approvals' answers). */
static bool
tty_usable(const struct nono_approvals *a)
{
	struct termios t;

	return a->tty >= 0 && !a->closing && tcgetattr(a->tty, &t) == 0 && (t.c_lflag & ICANON) &&
	       tcgetpgrp(a->tty) == getpgrp();
}

/* Ask on the controlling terminal when the program lets us. */
static void
tty_prompt(struct nono_approvals *a)
{
	struct pending *p;
	FILE *f;

	if (a->tty_n || !a->np || !tty_usable(a))
		return;
	p = &a->p[0];
	if (!(f = fdopen(dup(a->tty), "w")))
		return;
	a->tty_n = p->n;
	a->tty_len = 0;
	/* what the sandbox chose (its argv, the path) is escaped */
	fputs("\r\n[nono] ", f);
	nono_fputs_escaped(p->argv, f);
	fprintf(f, " (pid %d) asks to %s ", p->r.pid, access_name(&p->r));
	nono_fputs_escaped(p->r.path, f);
	fputs("\n[nono]   for good: ", f);
	nono_fputs_escaped(p->grant, f);
	fputs("\n[nono] approve? [o]nce, [s]ession", f);
	if (dir_offered(&p->r)) {
		char *d = dir_scope(&p->r);

		fputs(", [d]irectory (reads beneath ", f);
		nono_fputs_escaped(d, f);
		fputs(")", f);
		free(d);
	}
	fprintf(f, ", [N]o (request %d.%u, %d s): ", (int)getpid(), p->n, a->timeout);
	fclose(f);
	nono_loop_watch(a->loop, a->tty, on_tty, a);
}

static bool
word(const char *s, size_t n, const char *a, const char *b)
{
	return (strlen(a) == n && !strncasecmp(s, a, n)) || (b && strlen(b) == n && !strncasecmp(s, b, n));
}

/* An answer, a whole word: once (o, y, yes), session (s), dir (d, reads
 * of an existing file only); anything else denies. */
static enum verdict
parse_verdict(const char *s, const struct nono_approval_req *r)
{
	size_t n;

	while (*s == ' ')
		s++;
	n = strcspn(s, " \r\n");
	if (word(s, n, "once", "o") || word(s, n, "y", "yes"))
		return V_ONCE;
	if (word(s, n, "session", "s"))
		return V_SESSION;
	if (word(s, n, "dir", "d") && dir_offered(r))
		return V_DIR;
	return V_DENY;
}

static void
on_tty(void *ctx, int fd, short revents)
{
	struct nono_approvals *a = ctx;
	ssize_t n, i;

	(void)revents;
	n = read(fd, a->tty_buf + a->tty_len, sizeof(a->tty_buf) - 1 - a->tty_len);
	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			nono_loop_unwatch(a->loop, fd);
			a->tty_n = 0;
		}
		return;
	}
	a->tty_len += (size_t)n;
	a->tty_buf[a->tty_len] = '\0';
	if (!strchr(a->tty_buf, '\n') && a->tty_len < sizeof(a->tty_buf) - 1)
		return;
	nono_loop_unwatch(a->loop, fd);
	if ((i = find(a, a->tty_n)) < 0) {
		a->tty_n = 0;
		return;
	}
	finish(a, (size_t)i, parse_verdict(a->tty_buf, &a->p[i].r), "terminal");
}

/* ---- asking ------------------------------------------------------------------ */

static int
matches(const struct grant *g, const struct nono_approval_req *r)
{
	if ((r->access & g->access) != r->access)
		return 0;
	if (g->dir)
		return r->kind == NONO_APPROVAL_OPEN && nono_path_under(r->path, g->what) &&
		       (g->self || strcmp(r->path, g->what));
	return !strcmp(r->path, g->what);
}

/* The flag that would allow it for good; NULL when no approval may reach
 * it (a sensitive path, nono's own files: only --bypass-protection). */
static char *
grant_for(const struct nono_approvals *a, const struct nono_approval_req *r)
{
	struct nono_verdict v;
	char *out = NULL, *host, *colon;

	if (r->kind == NONO_APPROVAL_HOST) {
		host = xstrdup(r->path);
		if ((colon = strrchr(host, ':')))
			*colon = '\0';
		out = xasprintf("--allow-domain %s", host);
		free(host);
		return out;
	}
	memset(&v, 0, sizeof(v));
	if (nono_policy_check(a->policy, r->path, r->access & NONO_ACC_WRITE ? NONO_OP_WRITE : NONO_OP_READ, &v) < 0)
		return xasprintf("--%s %s", r->access & NONO_ACC_WRITE ? "allow" : "read", r->path);
	if (v.reason == NONO_WHY_SENSITIVE || v.reason == NONO_WHY_OWN) {
		nono_verdict_free(&v);
		return NULL;
	}
	out = v.suggest ? xstrdup(v.suggest)
			: xasprintf("--%s %s", r->access & NONO_ACC_WRITE ? "allow-file" : "read-file", r->path);
	nono_verdict_free(&v);
	return out;
}

/* The request, and whether a desktop notification told of it. */
static void
audit_request(struct nono_approvals *a, const struct pending *p, bool notified)
{
	char num[16], pid[16];
	const char *kv[] = {"request",
			    num,
			    "pid",
			    pid,
			    "argv",
			    p->argv,
			    "path",
			    p->r.path,
			    "access",
			    access_name(&p->r),
			    "grant",
			    p->grant ? p->grant : "",
			    notified ? "notified" : NULL,
			    "desktop",
			    NULL};

	snprintf(num, sizeof(num), "%u", p->n);
	snprintf(pid, sizeof(pid), "%d", p->r.pid);
	nono_audit_note(a->audit, "approval_request", kv);
}

/* Refused before anyone is asked: recorded as asked and answered. */
static void
refuse_now(struct nono_approvals *a, struct pending *p, const char *by)
{
	audit_request(a, p, false);
	if (p->r.kind == NONO_APPROVAL_HOST)
		(void)nono_write_all(p->r.client, "deny\n", 5);
	else
		answer_file(a, &p->r, false);
	audit_answer(a, p->n, &p->r, V_DENY, by, -EACCES);
	req_free(&p->r);
	free(p->argv);
	free(p->grant);
}

/* A desktop notification of a request that waits, when the terminal
 * cannot ask (a terminal that can, asks: this request now, or once the one
 * it asks about is answered). What the sandbox chose is escaped; the
 * strings are notify-send's own arguments, no shell. Whether it was sent. */
static bool
notify(struct nono_approvals *a, const struct pending *p)
{
	char *argv0, *body = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	if (!a->desktop || a->closing || tty_usable(a) || !(f = open_memstream(&body, &len)))
		return false;
	argv0 = p->r.kind == NONO_APPROVAL_HOST ? xstrdup(a->argv && a->argv[0] ? a->argv[0] : "?")
						: proc_argv(p->r.pid, true);
	nono_desktop_escape(f, argv0);
	if (p->r.pid > 0)
		fprintf(f, " (pid %d)", p->r.pid);
	fprintf(f, " asks to %s ", access_name(&p->r));
	nono_desktop_escape(f, p->r.path);
	fprintf(f, "\nAnswer with: nono approvals (request %d.%u; denied in %d s)", (int)getpid(), p->n, a->timeout);
	fclose(f);
	if ((r = nono_desktop_notify(a->desktop, "nono: approval needed", body)) < 0)
		log_debug("approvals: request %u: notify-send: %s", p->n, strerror(-r));
	free(argv0);
	free(body);
	return r == 0;
}

void
nono_approvals_ask(struct nono_approvals *a, struct nono_approval_req *req)
{
	struct pending p = {.n = ++a->next, .r = *req};
	struct stat st;

	p.argv = req->kind == NONO_APPROVAL_HOST ? join_argv(a->argv) : proc_argv(req->pid, false);
	/* the kernel's own views (a runtime's probes of cgroups, CPUs, huge
	 * pages): refused as without elevation, never offered */
	if (req->kind != NONO_APPROVAL_HOST &&
	    (nono_path_under(req->path, "/proc") || nono_path_under(req->path, "/sys"))) {
		p.grant = xstrdup("");
		refuse_now(a, &p, "policy: /proc and /sys are not offered");
		return;
	}
	/* a sensitive path first: no approval, for the session or of its
	 * directory, reaches one */
	p.grant = grant_for(a, req);
	/* only files and directories: a FIFO or a device is not offered */
	if (!p.grant || (req->kind == NONO_APPROVAL_OPEN &&
			 (fstat(req->ofd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))))) {
		refuse_now(a, &p, p.grant ? "policy: not a file" : "policy: protected path");
		return;
	}
	for (size_t i = 0; i < a->ng; i++)
		if (matches(&a->g[i], req)) {
			long long res = req->kind == NONO_APPROVAL_HOST ? nono_write_all(req->client, "allow\n", 6)
									: answer_file(a, req, true);

			audit_request(a, &p, false);
			audit_answer(a, p.n, req, V_SESSION, "session", res);
			req_free(&p.r);
			free(p.argv);
			free(p.grant);
			return;
		}
	if (a->np == MAX_PENDING) {
		refuse_now(a, &p, "policy: too many requests");
		return;
	}
	p.deadline = now() + a->timeout;
	a->p[a->np++] = p;
	audit_request(a, &p, notify(a, &p));
	arm(a);
	tty_prompt(a);
}

/* ---- the socket ---------------------------------------------------------------- */

static void
list(struct nono_approvals *a, FILE *f)
{
	double t = now();

	for (size_t i = 0; i < a->np; i++) {
		const struct pending *p = &a->p[i];

		fprintf(f, "{\"id\":\"%d.%u\",\"pid\":%d,\"argv\":", (int)getpid(), p->n, p->r.pid);
		nono_json_string(f, p->argv);
		fprintf(f, ",\"kind\":\"%s\",\"%s\":", p->r.kind == NONO_APPROVAL_HOST ? "host" : "file",
			p->r.kind == NONO_APPROVAL_HOST ? "host" : "path");
		nono_json_string(f, p->r.path);
		fprintf(f, ",\"access\":\"%s\",\"grant\":", access_name(&p->r));
		nono_json_string(f, p->grant);
		fprintf(f, ",\"dir\":%s", dir_offered(&p->r) ? "true" : "false");
		if (dir_offered(&p->r)) {
			char *d = dir_scope(&p->r);

			fputs(",\"dir_path\":", f);
			nono_json_string(f, d);
			free(d);
		}
		fprintf(f, ",\"expires_in\":%d}\n", (int)(p->deadline - t + 0.5));
	}
}

static bool
host_ok(const char *s)
{
	if (!*s || strlen(s) > 255)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      strchr(".-:[]_", *s)))
			return false;
	return true;
}

/* One command line of a client; true when its descriptor was handed on. */
static bool
command(struct nono_approvals *a, struct client *cl)
{
	char *line = cl->buf, *nl = strchr(line, '\n'), what[16], host[256], port[8], by[48];
	unsigned n;
	ssize_t i;
	FILE *f;

	if (nl)
		*nl = '\0';
	if (!strcmp(line, "list")) {
		if ((f = fdopen(dup(cl->fd), "w"))) {
			list(a, f);
			fclose(f);
		}
	} else if (sscanf(line, "answer %u %15s", &n, what) == 2) {
		if ((i = find(a, n)) < 0) {
			dprintf(cl->fd, "error: no request %u waits (answered, or timed out)\n", n);
			return false;
		}
		snprintf(by, sizeof(by), "nono approvals (pid %d)", (int)cl->pid);
		finish(a, (size_t)i, parse_verdict(what, &a->p[i].r), by);
		dprintf(cl->fd, "ok\n");
	} else if (sscanf(line, "ask-host %255s %7s", host, port) == 2 && host_ok(host) && host_ok(port)) {
		struct nono_approval_req r = {.kind = NONO_APPROVAL_HOST, .ofd = -1, .client = cl->fd, .nfd = -1};

		r.path = xasprintf("%s:%s", host, port);
		r.access = NONO_ACC_READ | NONO_ACC_WRITE;
		nono_approvals_ask(a, &r);
		return true;
	} else {
		dprintf(cl->fd, "error: unknown command\n");
	}
	return false;
}

static void
on_client(void *ctx, int fd, short revents)
{
	struct nono_approvals *a = ctx;
	struct client *cl = NULL;
	ssize_t n;

	for (size_t i = 0; i < MAX_CLIENTS; i++)
		if (a->c[i].fd == fd)
			cl = &a->c[i];
	if (!cl)
		return;
	n = (revents & POLLIN) ? read(fd, cl->buf + cl->len, sizeof(cl->buf) - 1 - cl->len) : 0;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0) {
		cl->len += (size_t)n;
		cl->buf[cl->len] = '\0';
		if (!strchr(cl->buf, '\n') && cl->len < sizeof(cl->buf) - 1)
			return;
	}
	nono_loop_unwatch(a->loop, fd);
	if (n <= 0 || !command(a, cl))
		close(fd);
	cl->fd = -1;
}

/* Whether pid is a process of the sandbox (its PID namespace, or a
 * descendant of its first process), or the supervisor itself: the
 * supervisor connects the sandbox's pathname sockets for it (below
 * Landlock ABI 9), so a connection from its own pid is the sandbox's.
 * Those never answer. */
static bool
in_sandbox(const struct nono_approvals *a, pid_t pid)
{
	char path[64], ns[64], own[64], buf[512];
	ssize_t n;

	if (pid == getpid())
		return true;
	if (!a->child)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	n = readlink(path, ns, sizeof(ns) - 1);
	ns[n > 0 ? n : 0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)a->child);
	n = readlink(path, own, sizeof(own) - 1);
	own[n > 0 ? n : 0] = '\0';
	if (*ns && *own && !strcmp(ns, own) && readlink("/proc/self/ns/pid", buf, sizeof(buf)) > 0 &&
	    strncmp(buf, own, strlen(own)))
		return true;
	for (int depth = 0; pid > 1 && depth < 256; depth++) {
		FILE *f;
		char *pp;

		if (pid == a->child)
			return true;
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
		if (!(f = fopen(path, "re")))
			return false;
		pid = 0;
		while (fgets(buf, sizeof(buf), f))
			if ((pp = strstr(buf, "PPid:")) == buf)
				pid = (pid_t)atoi(buf + 5);
		fclose(f);
	}
	return false;
}

static void
on_listen(void *ctx, int fd, short revents)
{
	struct nono_approvals *a = ctx;
	struct ucred cr;
	socklen_t len = sizeof(cr);
	int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	(void)revents;
	if (c < 0)
		return;
	/* the user's own processes outside the sandbox, nothing else */
	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0 || cr.uid != getuid() || in_sandbox(a, cr.pid)) {
		close(c);
		return;
	}
	for (size_t i = 0; i < MAX_CLIENTS; i++)
		if (a->c[i].fd < 0) {
			a->c[i] = (struct client){.fd = c, .pid = cr.pid};
			if (nono_loop_watch(a->loop, c, on_client, a) == 0)
				return;
			a->c[i].fd = -1;
			break;
		}
	close(c);
}

static void
on_timer(void *ctx, int fd, short revents)
{
	struct nono_approvals *a = ctx;
	unsigned long long ticks;
	double t = now();

	(void)revents;
	if (read(fd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		return;
	for (size_t i = 0; i < a->np;)
		if (a->p[i].deadline <= t)
			finish(a, i, V_DENY, "timeout");
		else
			i++;
	arm(a);
}

/* ---- the session's requests ------------------------------------------------------ */

int
nono_approvals_dir(char **out)
{
	const char *x = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	char *dir;

	*out = NULL;
	dir = x && x[0] == '/' ? xasprintf("%s/nono", x) : xasprintf("/tmp/nono-%u", (unsigned)getuid());
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		int e = -errno;

		free(dir);
		return e;
	}
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid() || (st.st_mode & 077)) {
		free(dir);
		return -EPERM;
	}
	*out = dir;
	return 0;
}

char *
nono_approvals_socket(const char *dir, pid_t pid)
{
	return xasprintf("%s/approvals-%d.sock", dir, (int)pid);
}

static int
listen_on(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd, e;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
		return -errno;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0600) < 0 || listen(fd, 8) < 0) {
		e = -errno;
		close(fd);
		return e;
	}
	return fd;
}

int
nono_approvals_new(struct nono_approvals **out, const struct nono_approvals_cfg *cfg)
{
	struct nono_approvals *a = *out = xcalloc(1, sizeof(*a));

	a->policy = cfg->policy;
	a->journal = cfg->journal;
	a->loop = cfg->loop;
	a->timeout = cfg->timeout > 0 ? cfg->timeout : 60;
	a->argv = cfg->argv;
	a->lfd = a->tty = -1;
	for (size_t i = 0; i < MAX_CLIENTS; i++)
		a->c[i].fd = -1;
	if ((a->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK)) >= 0)
		nono_loop_watch(a->loop, a->tfd, on_timer, a);
	if (cfg->terminal)
		a->tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (cfg->notify)
		a->desktop = nono_desktop_new(a->loop, a->policy);
	if (cfg->socket) {
		a->socket = xstrdup(cfg->socket);
		if ((a->lfd = listen_on(a->socket)) < 0) {
			int e = a->lfd;

			log_warn("approvals: cannot listen on %s: %s", a->socket, strerror(-e));
			free(a->socket);
			a->socket = NULL;
			return e;
		}
		nono_loop_watch(a->loop, a->lfd, on_listen, a);
	}
	return 0;
}

void
nono_approvals_set_audit(struct nono_approvals *a, struct nono_audit *audit)
{
	if (a)
		a->audit = audit;
}

void
nono_approvals_set_child(struct nono_approvals *a, pid_t child)
{
	if (a)
		a->child = child;
}

void
nono_approvals_cancel(struct nono_approvals *a)
{
	if (!a)
		return;
	a->closing = true;
	while (a->np)
		finish(a, a->np - 1, V_DENY, "end of session");
}

void
nono_approvals_free(struct nono_approvals *a)
{
	if (!a)
		return;
	nono_approvals_cancel(a);
	for (size_t i = 0; i < a->ng; i++)
		free(a->g[i].what);
	free(a->g);
	for (size_t i = 0; i < MAX_CLIENTS; i++)
		if (a->c[i].fd >= 0)
			close(a->c[i].fd);
	if (a->lfd >= 0)
		close(a->lfd);
	if (a->socket)
		unlink(a->socket);
	free(a->socket);
	if (a->tfd >= 0)
		close(a->tfd);
	if (a->tty >= 0)
		close(a->tty);
	nono_desktop_free(a->desktop);
	free(a);
}
