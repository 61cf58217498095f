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

/* What each ABI can handle: a table, not a cascade of ifs. */
static const struct {
	uint64_t fs, net, scoped;
} abi_masks[NONO_LANDLOCK_ABI_MAX + 1] = {
    [0] = {0, 0, 0},
    [1] = {FS_ABI1, 0, 0},
    [2] = {FS_ABI1 | LANDLOCK_ACCESS_FS_REFER, 0, 0},
    [3] = {FS_ABI1 | LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_TRUNCATE, 0, 0},
    [4] = {FS_ABI1 | LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_TRUNCATE,
	   LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP, 0},
    [5] = {FS_ABI1 | LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV,
	   LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP, 0},
    [6] = {FS_ABI1 | LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV,
	   LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP,
	   LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL},
    [7] = {FS_ABI1 | LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV,
	   LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP,
	   LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL},
};

/* Rights that make sense on a non-directory; others give EINVAL. */
#define FILE_RIGHTS                                                                                                    \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |                   \
	 LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV)

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

int
nono_sandbox_features(struct nono_feature *out, int max, const struct nono_policy *p, int abi)
{
	const struct nono_feature table[] = {
	    {"filesystem access control", 1, "Linux 5.13", true, false},
	    {"cross-directory rename control", 2, "Linux 5.19", false, false},
	    {"truncation control", 3, "Linux 6.2", true, false},
	    {"TCP connect and bind control", 4, "Linux 6.7", p && p->block_net, false},
	    {"device ioctl control", 5, "Linux 6.10", false, false},
	    {"signal isolation", 6, "Linux 6.12", true, false},
	    {"abstract UNIX socket isolation", 6, "Linux 6.12", true, false},
	    {"denial logging", 7, "Linux 6.15", false, false},
	};
	int n = 0;

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]) && n < max; i++) {
		out[n] = table[i];
		out[n].available = abi >= table[i].min_abi;
		n++;
	}
	return n;
}

int
nono_sandbox_prepare(struct nono_sandbox **outp, const struct nono_policy *p, struct nono_error *err)
{
	struct nono_feature feats[16];
	struct nono_ll_ruleset_attr attr;
	struct nono_sandbox *out = xcalloc(1, sizeof(*out));
	size_t attr_size;
	int abi = nono_sys_landlock_abi();
	int n, fd;

	*outp = out;
	out->ruleset_fd = -1;
	out->abi = abi;
	if (abi <= 0)
		return nono_error_set(err, -ENOSYS,
				      "Landlock is not available on this kernel (needs Linux 5.13 "
				      "with landlock in the LSM list)");
	if (abi > NONO_LANDLOCK_ABI_MAX)
		abi = out->abi = NONO_LANDLOCK_ABI_MAX;
	n = nono_sandbox_features(feats, 16, p, abi);
	for (int i = 0; i < n; i++)
		if (feats[i].required && !feats[i].available) {
			nono_error_set(err, -EOPNOTSUPP,
				       "this kernel's Landlock ABI is %d; %s needs ABI %d (%s): refusing to run "
				       "with weaker isolation",
				       abi, feats[i].name, feats[i].min_abi, feats[i].kernel);
			nono_error_hint(err, "run 'nono setup --check-only' to see what this kernel enforces");
			return err->code;
		}

	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = abi_masks[abi].fs;
	attr.handled_access_net = p->block_net ? abi_masks[abi].net : 0;
	attr.scoped = abi_masks[abi].scoped;
	attr_size = abi >= 6 ? sizeof(attr) : abi >= 4 ? 2 * sizeof(__u64) : sizeof(__u64);
	out->handled_fs = attr.handled_access_fs;
	out->handled_net = attr.handled_access_net;
	out->scoped = attr.scoped;

	fd = nono_sys_landlock_create_ruleset(&attr, attr_size, 0);
	if (fd < 0)
		return nono_error_set(err, -errno, "landlock_create_ruleset: %s", strerror(errno));
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);

	for (size_t i = 0; i < p->n_rules; i++) {
		const struct nono_rule *r = &p->rules[i];
		struct nono_ll_path_beneath_attr pb;
		int pfd;

		pb.allowed_access = nono_landlock_rights(r->access, r->is_file, abi);
		if (!pb.allowed_access)
			continue;
		pfd = open(r->path, O_PATH | O_CLOEXEC);
		if (pfd < 0) {
			if (errno == ENOENT) {
				log_warn("%s vanished before the sandbox started; not granted", r->path);
				continue;
			}
			nono_error_set(err, -errno, "cannot open %s for a Landlock rule: %s", r->path, strerror(errno));
			close(fd);
			return err->code;
		}
		if (!strcmp(r->path, "/proc") || !strncmp(r->path, "/proc/", 6)) {
			if (out->n_proc == sizeof(out->proc) / sizeof(out->proc[0])) {
				nono_error_set(err, -E2BIG, "more than %zu grants under /proc: %s is one too many",
					       sizeof(out->proc) / sizeof(out->proc[0]), r->path);
				close(pfd);
				close(fd);
				return err->code;
			}
			out->proc[out->n_proc].rel = r->path[5] ? r->path + 6 : "";
			out->proc[out->n_proc++].access = pb.allowed_access;
		}
		pb.parent_fd = pfd;
		if (nono_sys_landlock_add_rule(fd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0) {
			nono_error_set(err, -errno, "landlock_add_rule %s: %s", r->path, strerror(errno));
			close(pfd);
			close(fd);
			return err->code;
		}
		close(pfd);
		out->n_rules++;
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
	if (sb && sb->abi >= 7)
		sb->restrict_flags |= LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON;
}

int
nono_sandbox_confine_thread(const struct nono_sandbox *sb)
{
	if (!sb || sb->ruleset_fd < 0)
		return 0;
	if (nono_sys_landlock_restrict_self(sb->ruleset_fd,
					    sb->restrict_flags & ~LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON) < 0)
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
