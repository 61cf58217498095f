/* landlock.c - the Linux backend of sandbox.h (its state: landlock.h):
 * builds a Landlock ruleset in the supervisor, applies it in the child (both
 * sides). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/sys.h"
#include "base/util.h"
#include "compat/landlock.h"
#include "sandbox/landlock.h"

#define FS_ABI1                                                                                                        \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |                   \
	 LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |                \
	 LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |                    \
	 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |                 \
	 LANDLOCK_ACCESS_FS_MAKE_SYM)

#define FS_ABI5 (FS_ABI1 | LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV)
#define NET_TCP (LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP)
#define SCOPES	(LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL)

/* What each ABI can handle: a table, not a cascade of ifs. ABI 7 adds
 * logging and 8 a restrict_self flag (TSYNC), no right. */
static const struct {
	uint64_t fs, net, scoped;
} abi_masks[NONO_LANDLOCK_ABI_MAX + 1] = {
    [0] = {0, 0, 0},
    [1] = {FS_ABI1, 0, 0},
    [2] = {FS_ABI1 | LANDLOCK_ACCESS_FS_REFER, 0, 0},
    [3] = {FS_ABI1 | LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_TRUNCATE, 0, 0},
    [4] = {FS_ABI1 | LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_TRUNCATE, NET_TCP, 0},
    [5] = {FS_ABI5, NET_TCP, 0},
    [6] = {FS_ABI5, NET_TCP, SCOPES},
    [7] = {FS_ABI5, NET_TCP, SCOPES},
    [8] = {FS_ABI5, NET_TCP, SCOPES},
    [9] = {FS_ABI5 | LANDLOCK_ACCESS_FS_RESOLVE_UNIX, NET_TCP, SCOPES},
};

/* Rights that make sense on a non-directory; others give EINVAL. */
#define FILE_RIGHTS                                                                                                    \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |                   \
	 LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV | LANDLOCK_ACCESS_FS_RESOLVE_UNIX)

/* nono access bit -> Landlock rights. Creating device nodes (MAKE_CHAR,
 * MAKE_BLOCK) is never granted. */
static const struct {
	unsigned access;
	uint64_t rights;
} access_map[] = {
    {NONO_ACC_READ, LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_EXECUTE},
    {NONO_ACC_WRITE, LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_DIR |
			 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_SYM |
			 LANDLOCK_ACCESS_FS_REFER},
    {NONO_ACC_DELETE, LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_TRUNCATE},
    {NONO_ACC_IOCTL, LANDLOCK_ACCESS_FS_IOCTL_DEV},
};

uint64_t
nono_landlock_handled_fs(int abi)
{
	if (abi < 0)
		abi = 0;
	if (abi > NONO_LANDLOCK_ABI_MAX)
		abi = NONO_LANDLOCK_ABI_MAX;
	return abi_masks[abi].fs;
}

uint64_t
nono_landlock_rights(unsigned access, bool is_file, int abi)
{
	uint64_t r = 0;

	for (size_t i = 0; i < sizeof(access_map) / sizeof(access_map[0]); i++)
		if (access & access_map[i].access)
			r |= access_map[i].rights;
	if (is_file)
		r &= FILE_RIGHTS;
	return r & nono_landlock_handled_fs(abi);
}

/* The restrict_self flags: the sandbox's denials logged after its exec
 * where asked (ABI 7), and from ABI 8 every thread of the caller at once
 * (TSYNC) where that is meant: the child, which is single-threaded between
 * fork and exec, so that no thread could ever stay outside its domain. Never
 * for a worker of the supervisor: that would confine the supervisor. */
uint32_t
nono_landlock_restrict_flags(int abi, bool log, bool all_threads)
{
	uint32_t f = 0;

	if (log && abi >= 7)
		f |= LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON;
	if (all_threads && abi >= 8)
		f |= LANDLOCK_RESTRICT_SELF_TSYNC;
	return f;
}

uint64_t
nono_landlock_rule_rights(const struct nono_policy *p, const struct nono_rule *r, int abi)
{
	uint64_t rights = nono_landlock_rights(r->access, r->is_file, abi);

	if (rights && nono_policy_rule_unix(p, r))
		rights |= nono_landlock_handled_fs(abi) & LANDLOCK_ACCESS_FS_RESOLVE_UNIX;
	return rights;
}

int
nono_sandbox_features(struct nono_feature *out, int max, const struct nono_policy *p, int abi)
{
	/* only the first is required: for each of the others something else
	 * stands in, or its absence is one of the launch's weaknesses */
	static const struct nono_feature table[] = {
	    {"filesystem access control", 1, "Linux 5.13", true, false},
	    {"cross-directory rename control", 2, "Linux 5.19", false, false},
	    {"truncation control", 3, "Linux 6.2", false, false},
	    {"TCP connect and bind control", 4, "Linux 6.7", false, false},
	    {"device ioctl control", 5, "Linux 6.10", false, false},
	    {"signal isolation", 6, "Linux 6.12", false, false},
	    {"abstract UNIX socket isolation", 6, "Linux 6.12", false, false},
	    {"denial logging", 7, "Linux 6.15", false, false},
	    {"every thread restricted at once", 8, "Linux 7.0", false, false},
	    {"pathname UNIX socket control", 9, "Linux 7.1", false, false},
	};
	int n = 0;

	(void)p;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]) && n < max; i++) {
		out[n] = table[i];
		out[n].available = abi >= table[i].min_abi;
		n++;
	}
	return n;
}

/* ---- what stands in for a right the ABI lacks ------------------------------ */

enum {
	ON_BLOCKNET = 1 << 0, /* --block-net without proxy mode */
	ON_PROXY = 1 << 1,    /* proxy mode */
	ON_ANY = 1 << 2,      /* every launch */
	NO_PIDNS = 1 << 3,    /* a launch without a PID namespace (no ABI closes it) */
};
enum { BY_NOTHING, BY_PIDNS, BY_NETNS, BY_SCOPES };

#define LEFT_PIDNS                                                                                                     \
	"the host's processes listed in /proc, and what the program leaves running outlives it; the host's SysV "      \
	"IPC reachable"

/* One row: below abi (or, NO_PIDNS, without the namespace) the protection
 * what is held by instead and left weaker by left; where the stand-in "by"
 * is missing, by instead2 and left2. */
static const struct gap {
	const char *id;
	int abi;
	unsigned when;
	const char *what;
	int by;
	const char *instead, *left;
	const char *instead2, *left2;
} gaps[] = {
    {"rename", 2, ON_ANY, "cross-directory rename and link", BY_NOTHING,
     "refused outright with EXDEV, so mv and git copy instead", NULL, NULL, NULL},
    {"truncate", 3, ON_ANY, "truncation in and outside writable grants", BY_NOTHING,
     "truncate, ftruncate and O_TRUNC opens checked by the supervisor through seccomp", NULL, NULL, NULL},
    {"tcp", 4, ON_BLOCKNET, "TCP under --block-net", BY_NETNS, "a network namespace of its own", NULL,
     "connect, bind and listen refused by the supervisor through seccomp", NULL},
    {"tcp", 4, ON_PROXY, "TCP to the proxy alone", BY_NOTHING,
     "connect checked by the supervisor through seccomp, the proxy's address alone; bind and listen refused", NULL,
     NULL, NULL},
    {"ioctl", 5, ON_ANY, "device ioctls", BY_NOTHING, "TIOCSTI and TIOCLINUX refused by seccomp",
     "ioctls on the devices it may open not limited to terminals", NULL, NULL},
    {"signals", 6, ON_ANY, "signals to processes outside the sandbox", BY_PIDNS,
     "its PID namespace, where no process outside has a number", NULL, NULL,
     "signals can reach the host's processes of the same user"},
    {"abstract-unix", 6, ON_ANY, "abstract UNIX sockets outside the sandbox", BY_NETNS,
     "a network namespace of its own", NULL, "connect and sendto checked by the supervisor through seccomp",
     "abstract UNIX sockets outside the sandbox reachable through sendmsg"},
    {"pid-namespace", 0, NO_PIDNS, "a PID namespace and /proc of its own", BY_SCOPES,
     "Landlock keeps signals in and other processes' /proc/PID/environ, maps and mem unreadable", LEFT_PIDNS,
     "Landlock keeps other processes' /proc/PID/environ, maps and mem unreadable", LEFT_PIDNS},
};

static bool
gap_applies(const struct gap *g, const struct nono_sandbox_env *e)
{
	unsigned on = ON_ANY | (!e->pid_ns ? NO_PIDNS : 0);

	if (e->every)
		on |= ON_BLOCKNET;
	else if (e->block_net)
		on |= e->proxy ? ON_PROXY : ON_BLOCKNET;
	if (!(g->when & on))
		return false;
	return g->when & NO_PIDNS ? true : e->abi < g->abi;
}

int
nono_sandbox_weaknesses(struct nono_weakness *out, int max, const struct nono_sandbox_env *e)
{
	int n = 0;

	for (size_t i = 0; i < sizeof(gaps) / sizeof(gaps[0]) && n < max; i++) {
		const struct gap *g = &gaps[i];
		bool by = g->by == BY_NOTHING || (g->by == BY_PIDNS && e->pid_ns) ||
			  (g->by == BY_SCOPES && e->abi >= 6) ||
			  (g->by == BY_NETNS && e->net_ns && e->block_net && !e->proxy);

		if (!gap_applies(g, e))
			continue;
		out[n].id = g->id;
		out[n].abi = g->abi;
		out[n].what = g->what;
		out[n].instead = by ? g->instead : g->instead2;
		out[n].left = by ? g->left : g->left2;
		out[n].block_net = (g->when & (ON_BLOCKNET | ON_PROXY)) != 0;
		n++;
	}
	return n;
}

/* One path-beneath rule of rights on path; a grant under /proc is also
 * kept to add again on a private /proc. 0, 1 when path is gone (skipped,
 * with a warning), or -errno with err set. */
static int
add_path_rule(struct nono_sandbox *out, int fd, const char *path, uint64_t rights, struct nono_error *err)
{
	struct nono_ll_path_beneath_attr pb = {.allowed_access = rights};
	int pfd = open(path, O_PATH | O_CLOEXEC);

	if (pfd < 0) {
		if (errno == ENOENT) {
			log_warn("%s vanished before the sandbox started; not granted", path);
			return 1;
		}
		return nono_error_set(err, -errno, "cannot open %s for a Landlock rule: %s", path, strerror(errno));
	}
	if (!strcmp(path, "/proc") || !strncmp(path, "/proc/", 6)) {
		if (out->n_proc == sizeof(out->proc) / sizeof(out->proc[0])) {
			close(pfd);
			return nono_error_set(err, -E2BIG, "more than %zu grants under /proc: %s is one too many",
					      sizeof(out->proc) / sizeof(out->proc[0]), path);
		}
		out->proc[out->n_proc].rel = path[5] ? path + 6 : "";
		out->proc[out->n_proc++].access = rights;
	}
	pb.parent_fd = pfd;
	if (nono_sys_landlock_add_rule(fd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0) {
		nono_error_set(err, -errno, "landlock_add_rule %s: %s", path, strerror(errno));
		close(pfd);
		return err->code;
	}
	close(pfd);
	out->n_rules++;
	return 0;
}

/* The policy's rules; from ABI 9 pathname UNIX sockets too, where the
 * supervisor would let them be reached (nono_policy_rule_unix, and each
 * --allow-unix-socket). 0 or -errno. */
static int
add_rules(struct nono_sandbox *out, int fd, const struct nono_policy *p, int abi, struct nono_error *err)
{
	uint64_t unix_right = nono_landlock_handled_fs(abi) & LANDLOCK_ACCESS_FS_RESOLVE_UNIX;
	int r;

	for (size_t i = 0; i < p->n_rules; i++) {
		uint64_t rights = nono_landlock_rule_rights(p, &p->rules[i], abi);

		if (rights && (r = add_path_rule(out, fd, p->rules[i].path, rights, err)) < 0)
			return r;
	}
	for (size_t i = 0; unix_right && i < p->unix_sockets.n; i++)
		if ((r = add_path_rule(out, fd, p->unix_sockets.v[i], unix_right, err)) < 0)
			return r;
	return 0;
}

/* --open-port (connect and bind) and --listen-port (bind): one rule per
 * port, where the ruleset handles TCP (--block-net, proxy mode, ABI >= 4) */
static int
add_port_rules(struct nono_sandbox *out, int fd, const struct nono_policy *p, uint64_t handled, struct nono_error *err)
{
	for (size_t i = 0; i < p->n_ports && (handled & NET_TCP); i++) {
		uint64_t rights = p->ports[i].connect ? NET_TCP : LANDLOCK_ACCESS_NET_BIND_TCP;

		for (int port = p->ports[i].lo; port <= p->ports[i].hi; port++) {
			struct nono_ll_net_port_attr np = {rights & handled, (__u64)port};

			if (nono_sys_landlock_add_rule(fd, LANDLOCK_RULE_NET_PORT, &np, 0) < 0)
				return nono_error_set(err, -errno, "landlock_add_rule (port %d): %s", port,
						      strerror(errno));
			out->n_rules++;
		}
	}
	return 0;
}

int
nono_sandbox_prepare(struct nono_sandbox **outp, const struct nono_policy *p, struct nono_error *err)
{
	struct nono_ll_ruleset_attr attr;
	struct nono_sandbox *out = xcalloc(1, sizeof(*out));
	size_t attr_size;
	int abi = nono_sys_landlock_abi();
	int fd;

	*outp = out;
	out->ruleset_fd = -1;
	out->abi = abi;
	if (abi <= 0)
		return nono_error_set(err, -ENOSYS,
				      "Landlock is not available on this kernel (needs Linux 5.13 "
				      "with landlock in the LSM list)");
	if (abi > NONO_LANDLOCK_ABI_MAX)
		abi = out->abi = NONO_LANDLOCK_ABI_MAX;

	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = abi_masks[abi].fs;
	attr.handled_access_net = p->block_net ? abi_masks[abi].net : 0;
	attr.scoped = abi_masks[abi].scoped;
	attr_size = abi >= 6 ? sizeof(attr) : abi >= 4 ? 2 * sizeof(__u64) : sizeof(__u64);
	out->handled_fs = attr.handled_access_fs;
	out->handled_net = attr.handled_access_net;
	out->scoped = attr.scoped;
	out->restrict_flags = nono_landlock_restrict_flags(abi, false, true);

	fd = nono_sys_landlock_create_ruleset(&attr, attr_size, 0);
	if (fd < 0)
		return nono_error_set(err, -errno, "landlock_create_ruleset: %s", strerror(errno));
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (add_rules(out, fd, p, abi, err) < 0) {
		close(fd);
		return err->code;
	}
	/* proxy mode: TCP connect to the proxy's port and nothing else */
	if (p->proxy_port > 0 && (attr.handled_access_net & LANDLOCK_ACCESS_NET_CONNECT_TCP)) {
		struct nono_ll_net_port_attr np = {LANDLOCK_ACCESS_NET_CONNECT_TCP, (__u64)p->proxy_port};

		if (nono_sys_landlock_add_rule(fd, LANDLOCK_RULE_NET_PORT, &np, 0) < 0) {
			nono_error_set(err, -errno, "landlock_add_rule (the proxy's port %d): %s", p->proxy_port,
				       strerror(errno));
			close(fd);
			return err->code;
		}
		out->n_rules++;
	}
	if (add_port_rules(out, fd, p, attr.handled_access_net, err) < 0) {
		close(fd);
		return err->code;
	}
	out->ruleset_fd = fd;
	return 0;
}

int
nono_sandbox_enter(const struct nono_sandbox *sb, bool new_proc)
{
	int proc = new_proc && sb->n_proc ? open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;

	if (new_proc && sb->n_proc && proc < 0)
		return -errno;
	for (unsigned i = 0; proc >= 0 && i < sb->n_proc; i++) {
		struct nono_ll_path_beneath_attr pb = {.allowed_access = sb->proc[i].access};
		int fd = sb->proc[i].rel[0] ? openat(proc, sb->proc[i].rel, O_PATH | O_CLOEXEC) : proc;

		if (fd < 0)
			continue; /* /proc/<a host pid>: not in this namespace */
		pb.parent_fd = fd;
		if (nono_sys_landlock_add_rule(sb->ruleset_fd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0) {
			int e = errno;

			if (fd != proc)
				close(fd);
			close(proc);
			return -e;
		}
		if (fd != proc)
			close(fd);
	}
	if (proc >= 0)
		close(proc);
	if (nono_sys_landlock_restrict_self(sb->ruleset_fd, sb->restrict_flags) < 0)
		return -errno;
	return 0;
}

int
nono_sandbox_abi(const struct nono_sandbox *sb)
{
	return sb ? sb->abi : 0;
}

void
nono_sandbox_log_denials(struct nono_sandbox *sb)
{
	if (sb)
		sb->restrict_flags = nono_landlock_restrict_flags(sb->abi, true, true);
}

int
nono_sandbox_confine_thread(const struct nono_sandbox *sb)
{
	if (!sb || sb->ruleset_fd < 0)
		return 0;
	/* one thread, no logging: the same rules, not the child's flags */
	if (nono_sys_landlock_restrict_self(sb->ruleset_fd, nono_landlock_restrict_flags(sb->abi, false, false)) < 0)
		return -errno;
	return 0;
}

void
nono_sandbox_free(struct nono_sandbox *sb)
{
	if (!sb)
		return;
	if (sb->ruleset_fd >= 0)
		close(sb->ruleset_fd);
	free(sb);
}
