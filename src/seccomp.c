/* seccomp.c - see seccomp.h (supervisor builds, child applies). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "seccomp.h"
#include "util.h"

#ifndef TCP_FASTOPEN_CONNECT
#define TCP_FASTOPEN_CONNECT 30
#endif
#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif

/* Refused with EPERM in every sandbox: ways out of the sandbox or into the
 * kernel that no agent needs. */
const char *const nono_seccomp_denied[] = {
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "keyctl",
    "add_key",
    "request_key",
    "mount",
    "umount",
    "umount2",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "move_mount",
    "open_tree",
    "mount_setattr",
    "pivot_root",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "create_module",
    "syslog",
    "sethostname",
    "setdomainname",
    "open_by_handle_at",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "reboot",
    "swapon",
    "swapoff",
    "acct",
    "iopl",
    "ioperm",
    "quotactl",
    "lookup_dcookie",
    "vhangup",
    "nfsservctl",
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "adjtimex",
    "stime",
    "uselib",
    NULL,
};

/* Sent to the supervisor, which checks them against the policy: every exec
 * (the command blocklist), metadata changes Landlock does not cover, and
 * connecting to (or sending to) a UNIX socket by path. */
const char *const nono_seccomp_mediated[] = {
    "execve",	 "execveat",	"chmod",	"fchmod",	"fchmodat",  "fchmodat2", "chown",    "fchown",
    "lchown",	 "fchownat",	"utime",	"utimes",	"futimesat", "utimensat", "setxattr", "lsetxattr",
    "fsetxattr", "removexattr", "lremovexattr", "fremovexattr", "connect",   NULL,
};

const char *const nono_seccomp_journaled[] = {
    "unlink",	 "unlinkat",  "rmdir", "rename", "renameat", "renameat2", "truncate",
    "ftruncate", "creat",     "open",  "openat", "openat2",  "mkdir",	  "mkdirat",
    "symlink",	 "symlinkat", "link",  "linkat", "mknod",    "mknodat",	  NULL,
};

static int
deny(scmp_filter_ctx ctx, const char *name, unsigned *n)
{
	int nr = seccomp_syscall_resolve_name(name);
	int r;

	if (nr == __NR_SCMP_ERROR)
		return 0; /* not on any of our architectures */
	r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
	if (r == 0)
		(*n)++;
	return r == -EDOM ? 0 : r;
}

static int
rule(scmp_filter_ctx ctx, uint32_t action, const char *name, unsigned *n, unsigned cnt, ...)
{
	struct scmp_arg_cmp cmp[4];
	va_list ap;
	int nr = seccomp_syscall_resolve_name(name);
	int r;

	if (nr == __NR_SCMP_ERROR)
		return 0;
	va_start(ap, cnt);
	for (unsigned i = 0; i < cnt; i++)
		cmp[i] = va_arg(ap, struct scmp_arg_cmp);
	va_end(ap);
	r = seccomp_rule_add_array(ctx, action, nr, cnt, cmp);
	if (r == 0)
		(*n)++;
	else
		log_debug("seccomp rule on %s: %s", name, strerror(-r));
	return r;
}

#define M32 0xffffffffULL

static int
add_hardening(scmp_filter_ctx ctx, unsigned *n)
{
	int r;

	for (size_t i = 0; nono_seccomp_denied[i]; i++)
		if ((r = deny(ctx, nono_seccomp_denied[i], n)) < 0)
			return r;
	for (size_t i = 0; nono_seccomp_mediated[i]; i++) {
		int nr = seccomp_syscall_resolve_name(nono_seccomp_mediated[i]);

		if (nr == __NR_SCMP_ERROR)
			continue;
		r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 0);
		if (r < 0 && r != -EDOM)
			return r;
		(*n)++;
	}
	/* sendto with a destination address reaches a socket by path too */
	/* (not with MSG_FASTOPEN: under --block-net that is refused outright, and
	 * a notification would take precedence over the refusal) */
	if ((r = rule(ctx, SCMP_ACT_NOTIFY, "sendto", n, 2, SCMP_A4(SCMP_CMP_NE, 0),
		      SCMP_A3(SCMP_CMP_MASKED_EQ, MSG_FASTOPEN, 0))) < 0)
		return r;
	/* the *xattrat family (Linux 6.13) is not mediated yet: ENOSYS makes
	 * libc fall back to the calls above */
	if ((r = rule(ctx, SCMP_ACT_ERRNO(ENOSYS), "setxattrat", n, 0)) < 0 && r != -EDOM)
		return r;
	if ((r = rule(ctx, SCMP_ACT_ERRNO(ENOSYS), "removexattrat", n, 0)) < 0 && r != -EDOM)
		return r;
	/* terminal input injection; ioctl's cmd is 32 bits wide */
	if ((r = rule(ctx, SCMP_ACT_ERRNO(EPERM), "ioctl", n, 1, SCMP_A1(SCMP_CMP_MASKED_EQ, M32, TIOCSTI))) < 0)
		return r;
	return rule(ctx, SCMP_ACT_ERRNO(EPERM), "ioctl", n, 1, SCMP_A1(SCMP_CMP_MASKED_EQ, M32, TIOCLINUX));
}

/* With the network blocked, socket() may make only AF_UNIX sockets and plain
 * TCP ones (whose connect and bind Landlock refuses). */
static int
add_block_net(scmp_filter_ctx ctx, unsigned *n)
{
	const uint32_t act = SCMP_ACT_ERRNO(EACCES);
	const int inet[] = {AF_INET, AF_INET6};
	int r;

	/* families other than AF_UNIX (1), AF_INET (2) and AF_INET6 (10) */
	if ((r = rule(ctx, act, "socket", n, 1, SCMP_A0(SCMP_CMP_MASKED_EQ, M32, 0))) < 0)
		return r;
	for (int fam = 3; fam < AF_INET6; fam++)
		if ((r = rule(ctx, act, "socket", n, 1, SCMP_A0(SCMP_CMP_MASKED_EQ, M32, fam))) < 0)
			return r;
	if ((r = rule(ctx, act, "socket", n, 1, SCMP_A0(SCMP_CMP_GT, AF_INET6))) < 0)
		return r;
	for (size_t f = 0; f < 2; f++) {
		/* any type but SOCK_STREAM: UDP, raw, SCTP seqpacket, ... */
		for (int t = 0; t < 16; t++) {
			if (t == SOCK_STREAM)
				continue;
			r = rule(ctx, act, "socket", n, 2, SCMP_A0(SCMP_CMP_MASKED_EQ, M32, inet[f]),
				 SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, t));
			if (r < 0)
				return r;
		}
		/* SOCK_STREAM with a protocol other than 0 or TCP (SCTP, MPTCP) */
		for (int proto = 1; proto < IPPROTO_TCP; proto++) {
			r = rule(ctx, act, "socket", n, 2, SCMP_A0(SCMP_CMP_MASKED_EQ, M32, inet[f]),
				 SCMP_A2(SCMP_CMP_MASKED_EQ, M32, proto));
			if (r < 0)
				return r;
		}
		r = rule(ctx, act, "socket", n, 2, SCMP_A0(SCMP_CMP_MASKED_EQ, M32, inet[f]),
			 SCMP_A2(SCMP_CMP_GT, IPPROTO_TCP));
		if (r < 0)
			return r;
	}
	/* listen() on an unbound socket binds a free port without Landlock's bind
	 * check: the supervisor refuses it for inet sockets */
	if ((r = rule(ctx, SCMP_ACT_NOTIFY, "listen", n, 0)) < 0)
		return r;
	/* TCP Fast Open sends data before Landlock's connect check */
	if ((r = rule(ctx, act, "sendto", n, 1, SCMP_A3(SCMP_CMP_MASKED_EQ, MSG_FASTOPEN, MSG_FASTOPEN))) < 0)
		return r;
	if ((r = rule(ctx, act, "sendmsg", n, 1, SCMP_A2(SCMP_CMP_MASKED_EQ, MSG_FASTOPEN, MSG_FASTOPEN))) < 0)
		return r;
	if ((r = rule(ctx, act, "sendmmsg", n, 1, SCMP_A3(SCMP_CMP_MASKED_EQ, MSG_FASTOPEN, MSG_FASTOPEN))) < 0)
		return r;
	return rule(ctx, act, "setsockopt", n, 2, SCMP_A1(SCMP_CMP_MASKED_EQ, M32, IPPROTO_TCP),
		    SCMP_A2(SCMP_CMP_MASKED_EQ, M32, TCP_FASTOPEN_CONNECT));
}

/* Rollback: every call that can destroy a path's state reaches the
 * supervisor first; opens only when they may write (reads never do). */
static int
add_journal(scmp_filter_ctx ctx, unsigned *n)
{
	const unsigned long long wflags[] = {O_WRONLY, O_RDWR, O_TRUNC, O_CREAT};
	int r;

	for (size_t i = 0; nono_seccomp_journaled[i]; i++) {
		const char *name = nono_seccomp_journaled[i];

		if (!strcmp(name, "open") || !strcmp(name, "openat"))
			continue;
		if ((r = rule(ctx, SCMP_ACT_NOTIFY, name, n, 0)) < 0 && r != -EDOM)
			return r;
	}
	for (size_t i = 0; i < sizeof(wflags) / sizeof(wflags[0]); i++) {
		if ((r = rule(ctx, SCMP_ACT_NOTIFY, "open", n, 1, SCMP_A1(SCMP_CMP_MASKED_EQ, wflags[i], wflags[i]))) <
			0 &&
		    r != -EDOM)
			return r;
		if ((r = rule(ctx, SCMP_ACT_NOTIFY, "openat", n, 1,
			      SCMP_A2(SCMP_CMP_MASKED_EQ, wflags[i], wflags[i]))) < 0)
			return r;
	}
	return 0;
}

/* The 32-bit x86 ABI multiplexes sockets through socketcall(2), whose
 * arguments live in memory a filter cannot read: refuse it outright when the
 * network is blocked. */
static int
add_compat_block_net(scmp_filter_ctx ctx, unsigned *n)
{
	return rule(ctx, SCMP_ACT_ERRNO(EACCES), "socketcall", n, 0);
}

int
nono_seccomp_build(struct nono_seccomp *out, const struct nono_seccomp_opts *o, struct nono_error *err)
{
	scmp_filter_ctx ctx;
	int r, mfd = -1;
	struct stat st;
	uint32_t native = seccomp_arch_native();

	memset(out, 0, sizeof(*out));
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return nono_error_set(err, -ENOMEM, "seccomp_init failed");
	/* no_new_privs is set by the child itself, before Landlock */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	/* a binary tree over syscall numbers, not a chain: every syscall the
	 * program makes, and the kernel's action cache built when the filter
	 * is loaded, walk log(n) comparisons instead of n */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (native == SCMP_ARCH_X86_64) {
		if ((r = seccomp_arch_add(ctx, SCMP_ARCH_X86)) < 0 && r != -EEXIST)
			goto fail;
		if ((r = seccomp_arch_add(ctx, SCMP_ARCH_X32)) < 0 && r != -EEXIST)
			goto fail;
	}
	if ((r = add_hardening(ctx, &out->n_rules)) < 0)
		goto fail;
	if (o->block_net) {
		if ((r = add_block_net(ctx, &out->n_rules)) < 0)
			goto fail;
		if (native == SCMP_ARCH_X86_64 && (r = add_compat_block_net(ctx, &out->n_rules)) < 0)
			goto fail;
	}
	if (o->journal && (r = add_journal(ctx, &out->n_rules)) < 0)
		goto fail;
	mfd = memfd_create("nono-bpf", MFD_CLOEXEC);
	if (mfd < 0) {
		r = -errno;
		goto fail;
	}
	if ((r = seccomp_export_bpf(ctx, mfd)) < 0)
		goto fail;
	if (fstat(mfd, &st) < 0 || st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) ||
	    st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		r = -EINVAL;
		goto fail;
	}
	out->insns = xmalloc((size_t)st.st_size);
	if (pread(mfd, out->insns, (size_t)st.st_size, 0) != st.st_size) {
		r = -EIO;
		goto fail;
	}
	out->len = (unsigned short)(st.st_size / sizeof(struct sock_filter));
	close(mfd);
	seccomp_release(ctx);
	return 0;
fail:
	if (mfd >= 0)
		close(mfd);
	seccomp_release(ctx);
	free(out->insns);
	out->insns = NULL;
	return nono_error_set(err, r, "building the seccomp filter failed: %s", strerror(-r));
}

const char *
nono_seccomp_version(void)
{
	static char buf[32];
	const struct scmp_version *v = seccomp_version();

	snprintf(buf, sizeof(buf), "%u.%u.%u", v->major, v->minor, v->micro);
	return buf;
}

bool
nono_seccomp_notify_supported(void)
{
	/* API level 5 and up: user notification works on this kernel */
	return seccomp_api_get() >= 5;
}

/* one pair of buffers for the supervisor's life: notifications arrive one at
 * a time on one thread */
static struct seccomp_notif *notif_req;
static struct seccomp_notif_resp *notif_resp;

static int
notif_buffers(void)
{
	if (notif_req)
		return 0;
	return seccomp_notify_alloc(&notif_req, &notif_resp);
}

int
nono_seccomp_notif_receive(int fd, struct nono_notif *out)
{
	struct seccomp_notif *req;
	char *name;
	int r;

	if ((r = notif_buffers()) < 0)
		return r;
	req = notif_req;
	/* the kernel refuses a buffer that is not zeroed */
	memset(req, 0, sizeof(*req));
	r = seccomp_notify_receive(fd, req);
	if (r == 0) {
		memset(out, 0, sizeof(*out));
		out->id = req->id;
		out->pid = (int)req->pid;
		out->arch = req->data.arch;
		for (int i = 0; i < 6; i++)
			out->args[i] = req->data.args[i];
		out->nr = req->data.arch == seccomp_arch_native() ? req->data.nr : -1;
		name = seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr);
		out->name = NULL;
		if (name) {
			for (size_t i = 0; nono_seccomp_mediated[i]; i++)
				if (strcmp(nono_seccomp_mediated[i], name) == 0)
					out->name = nono_seccomp_mediated[i];
			if (!out->name && strcmp(name, "sendto") == 0)
				out->name = "sendto";
			if (!out->name && strcmp(name, "socketcall") == 0)
				out->name = "socketcall";
			if (!out->name && strcmp(name, "listen") == 0)
				out->name = "listen";
			for (size_t i = 0; !out->name && nono_seccomp_journaled[i]; i++)
				if (strcmp(nono_seccomp_journaled[i], name) == 0)
					out->name = nono_seccomp_journaled[i];
			free(name);
		}
	}
	return r;
}

bool
nono_seccomp_notif_valid(int fd, unsigned long long id)
{
	return seccomp_notify_id_valid(fd, id) == 0;
}

int
nono_seccomp_notif_reply(int fd, unsigned long long id, int err)
{
	struct seccomp_notif_resp *resp;
	int r;

	if ((r = notif_buffers()) < 0)
		return r;
	resp = notif_resp;
	memset(resp, 0, sizeof(*resp));
	resp->id = id;
	if (err) {
		resp->error = err < 0 ? err : -err;
	} else {
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	}
	r = seccomp_notify_respond(fd, resp);
	return r;
}

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

void
nono_seccomp_notif_sync_wakeup(int fd)
{
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) < 0)
		log_debug("seccomp notifications: no synchronous wake-up: %s", strerror(errno));
}

void
nono_seccomp_notif_release(void)
{
	seccomp_notify_free(notif_req, notif_resp);
	notif_req = NULL;
	notif_resp = NULL;
}
