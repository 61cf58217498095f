/* seccomp.c - see seccomp.h (supervisor builds, child applies). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
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
#include <termios.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"
#include "sandbox/seccomp.h"
#include "sandbox/syscalls.h"

#ifndef TCP_FASTOPEN_CONNECT
#define TCP_FASTOPEN_CONNECT 30
#endif
#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif

#define M32	    0xffffffffULL
#define SUID_BITS   (S_ISUID | S_ISGID)
#define TMPFILE_BIT 020000000 /* O_TMPFILE without O_DIRECTORY */
#ifndef __O_TMPFILE
#define __O_TMPFILE 020000000
#endif
#ifndef FS_IOC_SETFLAGS
#define FS_IOC_SETFLAGS 0x40086602
#endif
#ifndef FS_IOC32_SETFLAGS
#define FS_IOC32_SETFLAGS 0x40046602
#endif
#ifndef FS_IOC_FSSETXATTR
#define FS_IOC_FSSETXATTR 0x401c5820
#endif

/* The ioctl commands that change inode flags (sync, immutable, noatime...):
 * the supervisor decides them like chmod. */
const unsigned long nono_seccomp_attr_ioctls[] = {FS_IOC_SETFLAGS, FS_IOC32_SETFLAGS, FS_IOC_FSSETXATTR, 0};

static int
rule(scmp_filter_ctx ctx, uint32_t action, int nr, unsigned *n, unsigned cnt, ...)
{
	struct scmp_arg_cmp cmp[4];
	va_list ap;
	int r;

	if (nr == __NR_SCMP_ERROR)
		return 0; /* not on this architecture */
	va_start(ap, cnt);
	for (unsigned i = 0; i < cnt; i++)
		cmp[i] = va_arg(ap, struct scmp_arg_cmp);
	va_end(ap);
	r = seccomp_rule_add_array(ctx, action, nr, cnt, cmp);
	if (r == 0)
		(*n)++;
	else if (r == -EDOM)
		r = 0; /* a pseudo-syscall this architecture does not have */
	else
		log_debug("seccomp rule on %d: %s", nr, strerror(-r));
	return r;
}

#define NAMED(name) seccomp_syscall_resolve_name(name)

/* The number of row sc in ctx's terms: native rows by their number (which
 * also covers calls newer than libseccomp), the 32-bit context by name. */
static int
row_nr(const struct nono_syscall *sc, bool compat)
{
	if (compat)
		return sc->nr_i386 >= 0 ? NAMED(sc->name) : __NR_SCMP_ERROR;
	return sc->nr >= 0 ? sc->nr : __NR_SCMP_ERROR;
}

/* Only the opens that truncate (O_TRUNC), where Landlock cannot refuse it:
 * without O_CREAT, or with it and a mode add_open lets through. */
static int
add_open_trunc(scmp_filter_ctx ctx, const struct nono_syscall *sc, int nr, uint32_t act, unsigned *n)
{
	const unsigned long long nocreate = O_CREAT | __O_TMPFILE;
	int fa = sc->flags, ma = sc->mode, r;

	if ((r = rule(ctx, act, nr, n, 1, SCMP_CMP(fa, SCMP_CMP_MASKED_EQ, O_TRUNC | nocreate, O_TRUNC))) < 0)
		return r;
	return rule(ctx, act, nr, n, 2, SCMP_CMP(fa, SCMP_CMP_MASKED_EQ, O_TRUNC | nocreate, O_TRUNC | O_CREAT),
		    SCMP_CMP(ma, SCMP_CMP_MASKED_EQ, SUID_BITS, 0));
}

/* Opens that may write: the supervisor opens those itself (journal), and a
 * file may never be created setuid or setgid (always). Conditions are
 * disjoint: where two rules match, libseccomp lets the notification win.
 * trunc: only the truncating ones are mediated (not mediate). */
static int
add_open(scmp_filter_ctx ctx, const struct nono_syscall *sc, int nr, uint32_t act, bool mediate, bool trunc,
	 unsigned *n)
{
	const unsigned long long wflags[] = {O_WRONLY, O_RDWR, O_TRUNC};
	const unsigned long long create[] = {O_CREAT, __O_TMPFILE};
	const unsigned long long nocreate = O_CREAT | __O_TMPFILE;
	int fa = sc->flags, ma = sc->mode, r;

	if (sc->fixed & NONO_SC_OPENAT2) /* flags in memory: always to the supervisor */
		return rule(ctx, act, nr, n, 0);
	if (!mediate && trunc && !(sc->fixed & NONO_SC_CREAT) && (r = add_open_trunc(ctx, sc, nr, act, n)) < 0)
		return r;
	mediate = mediate || (trunc && (sc->fixed & NONO_SC_CREAT)); /* creat always truncates */
	if (sc->fixed & NONO_SC_CREAT) {
		if (mediate && (r = rule(ctx, act, nr, n, 1, SCMP_CMP(ma, SCMP_CMP_MASKED_EQ, SUID_BITS, 0))) < 0)
			return r;
		if ((r = rule(ctx, SCMP_ACT_ERRNO(EPERM), nr, n, 1,
			      SCMP_CMP(ma, SCMP_CMP_MASKED_EQ, S_ISUID, S_ISUID))) < 0)
			return r;
		return rule(ctx, SCMP_ACT_ERRNO(EPERM), nr, n, 1, SCMP_CMP(ma, SCMP_CMP_MASKED_EQ, S_ISGID, S_ISGID));
	}
	for (size_t i = 0; mediate && i < sizeof(wflags) / sizeof(wflags[0]); i++)
		if ((r = rule(ctx, act, nr, n, 1, SCMP_CMP(fa, SCMP_CMP_MASKED_EQ, wflags[i] | nocreate, wflags[i]))) <
		    0)
			return r;
	for (size_t i = 0; i < 2; i++) {
		unsigned long long m = create[i] == O_CREAT ? O_CREAT : nocreate, v = create[i];

		if (mediate && (r = rule(ctx, act, nr, n, 2, SCMP_CMP(fa, SCMP_CMP_MASKED_EQ, m, v),
					 SCMP_CMP(ma, SCMP_CMP_MASKED_EQ, SUID_BITS, 0))) < 0)
			return r;
		if ((r = rule(ctx, SCMP_ACT_ERRNO(EPERM), nr, n, 2, SCMP_CMP(fa, SCMP_CMP_MASKED_EQ, m, v),
			      SCMP_CMP(ma, SCMP_CMP_MASKED_EQ, S_ISUID, S_ISUID))) < 0)
			return r;
		if ((r = rule(ctx, SCMP_ACT_ERRNO(EPERM), nr, n, 2, SCMP_CMP(fa, SCMP_CMP_MASKED_EQ, m, v),
			      SCMP_CMP(ma, SCMP_CMP_MASKED_EQ, S_ISGID, S_ISGID))) < 0)
			return r;
	}
	return 0;
}

/* chmod, mknod: a mode with S_ISUID or S_ISGID is refused by the filter;
 * any other goes to the supervisor when mediate. (One rule per bit: a rule
 * may compare an argument once; rules with one action may overlap.) */
static int
add_mode_checked(scmp_filter_ctx ctx, const struct nono_syscall *sc, int nr, uint32_t act, bool mediate, unsigned *n)
{
	int ma = sc->mode, r;

	if (mediate && (r = rule(ctx, act, nr, n, 1, SCMP_CMP(ma, SCMP_CMP_MASKED_EQ, SUID_BITS, 0))) < 0)
		return r;
	if ((r = rule(ctx, SCMP_ACT_ERRNO(EPERM), nr, n, 1, SCMP_CMP(ma, SCMP_CMP_MASKED_EQ, S_ISUID, S_ISUID))) < 0)
		return r;
	return rule(ctx, SCMP_ACT_ERRNO(EPERM), nr, n, 1, SCMP_CMP(ma, SCMP_CMP_MASKED_EQ, S_ISGID, S_ISGID));
}

unsigned
nono_seccomp_mask(const struct nono_seccomp_opts *o)
{
	if (o->unsupervised)
		return 0;
	return nono_syscalls_mask(o->block_net, o->journal, o->execs, o->truncate, o->sockets, o->tcp_bind,
				  o->lock_dirs, o->elevate, o->host_pids);
}

void
nono_seccomp_fallbacks(struct nono_seccomp_opts *o, int abi, bool proxy, bool net_ns)
{
	unsigned when = nono_syscalls_fallbacks(abi, o->block_net, proxy, net_ns);

	o->truncate = (when & NONO_SC_TRUNC) != 0;
	o->sockets = (when & NONO_SC_SOCKETS) != 0;
	o->tcp_bind = (when & NONO_SC_TCPBIND) != 0;
}

void
nono_seccomp_variant_opts(struct nono_seccomp_opts *out, int v)
{
	out->block_net = v & 1;
	out->journal = v & 2;
	out->execs = v & 4;
	out->truncate = v & 8;
	out->sockets = v & 16;
	out->lock_dirs = v & 32;
	out->tcp_bind = false;
	/* every prebuilt variant has a supervisor (gen_bpf and the tests pass
	 * an uninitialised struct: an unset field is garbage) */
	out->unsupervised = false;
	out->elevate = false;
	out->host_pids = false;
}

int
nono_seccomp_variant(const struct nono_seccomp_opts *o)
{
	if (o->tcp_bind || o->elevate || o->host_pids)
		return -1;
	return nono_seccomp_variant_bits(o);
}

int
nono_seccomp_variant_bits(const struct nono_seccomp_opts *o)
{
	return (o->block_net ? 1 : 0) | (o->journal ? 2 : 0) | (o->execs ? 4 : 0) | (o->truncate ? 8 : 0) |
	       (o->sockets ? 16 : 0) | (o->lock_dirs ? 32 : 0);
}

/* A call that names a process by pid (no PID namespace): pid 0 is the
 * caller and passes; another goes to the supervisor, which lets through
 * the sandbox's own. setpriority and ioprio_set name by "which" a process
 * (their which), a process group or a user (the two values after it):
 * those reach outside processes and are refused. */
static int
add_pid(scmp_filter_ctx ctx, const struct nono_syscall *sc, int nr, uint32_t act, unsigned *n)
{
	int pa = nono_syscall_pid_arg(sc), which = nono_syscall_pid_which(sc), r;

	if (sc->fixed & NONO_SC_RLIMIT) /* reading another's limits changes nothing */
		return rule(ctx, act, nr, n, 2, SCMP_CMP(pa, SCMP_CMP_NE, 0), SCMP_A2(SCMP_CMP_NE, 0));
	if (which < 0)
		return rule(ctx, act, nr, n, 1, SCMP_CMP(pa, SCMP_CMP_NE, 0));
	for (int w = which + 1; w <= which + 2; w++)
		if ((r = rule(ctx, SCMP_ACT_ERRNO(EPERM), nr, n, 1, SCMP_A0(SCMP_CMP_MASKED_EQ, M32, w))) < 0)
			return r;
	return rule(ctx, act, nr, n, 2, SCMP_A0(SCMP_CMP_MASKED_EQ, M32, which), SCMP_CMP(pa, SCMP_CMP_NE, 0));
}

/* One row: on the native ABI act is "notify"; on the 32-bit x86 ABI the
 * same calls are refused (EPERM) rather than decoded. */
static int
add_row(scmp_filter_ctx ctx, const struct nono_syscall *sc, bool compat, unsigned mask, unsigned *n)
{
	uint32_t act = compat ? SCMP_ACT_ERRNO(EPERM) : SCMP_ACT_NOTIFY;

	if ((sc->fixed & NONO_SC_NETCALL) && (mask & NONO_SC_BLOCKNET))
		act = SCMP_ACT_ERRNO(EACCES);
	bool mediate = (sc->when & mask) != 0;
	int nr = row_nr(sc, compat), r;

	if (nr == __NR_SCMP_ERROR)
		return 0;
	switch (sc->op) {
	case NONO_SC_OPEN: {
		/* truncation alone (no journal): only the opens that truncate */
		bool trunc = (sc->when & mask) == NONO_SC_TRUNC;

		/* capability elevation: the read-only opens too (O_PATH opens
		 * nothing Landlock refuses), disjoint from the rules below;
		 * glibc's __O_TMPFILE carries O_DIRECTORY, which a read may have */
		if ((mask & NONO_SC_ELEVATE) && !(sc->fixed & (NONO_SC_OPENAT2 | NONO_SC_CREAT)) &&
		    (r = rule(ctx, act, nr, n, 1,
			      SCMP_CMP(sc->flags, SCMP_CMP_MASKED_EQ,
				       O_ACCMODE | O_TRUNC | O_CREAT | TMPFILE_BIT | O_PATH, O_RDONLY))) < 0)
			return r;

		/* openat2 carries its mode in memory: always seen */
		return add_open(ctx, sc, nr, act, (mediate && !trunc) || (sc->fixed & NONO_SC_OPENAT2), trunc, n);
	}
	case NONO_SC_CHMOD:
		if (sc->mode < 0)
			break;
		return add_mode_checked(ctx, sc, nr, act, mediate, n);
	case NONO_SC_MKNOD:
		return add_mode_checked(ctx, sc, nr, act, mediate, n);
	case NONO_SC_IOCTL:
		for (size_t i = 0; nono_seccomp_attr_ioctls[i]; i++)
			if ((r = rule(ctx, act, nr, n, 1,
				      SCMP_A1(SCMP_CMP_MASKED_EQ, M32, nono_seccomp_attr_ioctls[i]))) < 0)
				return r;
		return 0;
	case NONO_SC_SENDTO:
		/* with a destination; MSG_FASTOPEN is --block-net's refusal */
		if (!mediate)
			return 0;
		return rule(ctx, act, nr, n, 2, SCMP_A4(SCMP_CMP_NE, 0), SCMP_A3(SCMP_CMP_MASKED_EQ, MSG_FASTOPEN, 0));
	case NONO_SC_PID:
		return mediate ? add_pid(ctx, sc, nr, act, n) : 0;
	case NONO_SC_UNLINK:
		/* for the lock directories alone, unlinkat only when it removes one */
		if (mediate && !(sc->when & mask & ~NONO_SC_LOCKDIR) && sc->flags >= 0)
			return rule(ctx, act, nr, n, 1,
				    SCMP_CMP(sc->flags, SCMP_CMP_MASKED_EQ, AT_REMOVEDIR, AT_REMOVEDIR));
		break;
	default:
		break;
	}
	return mediate ? rule(ctx, act, nr, n, 0) : 0;
}

/* Without a supervisor (nono_sandbox_apply_self) no call is sent anywhere:
 * of the rows, the refusals the filter makes by itself stay, exactly as
 * with one (a setuid or setgid mode in chmod, mknod, creat and the creating
 * opens); openat2, whose mode is in memory where the filter cannot read it,
 * is refused with ENOSYS, so that a program falls back to openat. */
static int
add_row_alone(scmp_filter_ctx ctx, const struct nono_syscall *sc, bool compat, unsigned *n)
{
	int nr = row_nr(sc, compat);

	if (nr == __NR_SCMP_ERROR)
		return 0;
	switch (sc->op) {
	case NONO_SC_OPEN:
		if (sc->fixed & NONO_SC_OPENAT2)
			return rule(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, n, 0);
		return add_open(ctx, sc, nr, SCMP_ACT_ERRNO(EPERM), false, false, n);
	case NONO_SC_CHMOD:
		return sc->mode < 0 ? 0 : add_mode_checked(ctx, sc, nr, SCMP_ACT_ERRNO(EPERM), false, n);
	case NONO_SC_MKNOD:
		return add_mode_checked(ctx, sc, nr, SCMP_ACT_ERRNO(EPERM), false, n);
	default:
		return 0;
	}
}

static int
add_hardening(scmp_filter_ctx ctx, bool compat, unsigned mask, unsigned *n)
{
	int r;

	for (size_t i = 0; nono_syscalls_denied[i]; i++)
		if ((r = rule(ctx, SCMP_ACT_ERRNO(EPERM), NAMED(nono_syscalls_denied[i]), n, 0)) < 0)
			return r;
	for (size_t i = 0; !compat && nono_syscalls_enosys[i].name; i++)
		if ((r = rule(ctx, SCMP_ACT_ERRNO(ENOSYS), nono_syscalls_enosys[i].nr, n, 0)) < 0)
			return r;
	/* without a supervisor (mask 0) no call is sent anywhere */
	for (size_t i = 0; i < nono_n_syscalls; i++)
		if ((r = mask ? add_row(ctx, &nono_syscalls[i], compat, mask, n)
			      : add_row_alone(ctx, &nono_syscalls[i], compat, n)) < 0)
			return r;
	/* terminal input injection; ioctl's cmd is 32 bits wide */
	if ((r = rule(ctx, SCMP_ACT_ERRNO(EPERM), NAMED("ioctl"), n, 1, SCMP_A1(SCMP_CMP_MASKED_EQ, M32, TIOCSTI))) < 0)
		return r;
	return rule(ctx, SCMP_ACT_ERRNO(EPERM), NAMED("ioctl"), n, 1, SCMP_A1(SCMP_CMP_MASKED_EQ, M32, TIOCLINUX));
}

/* Packet sockets and raw IP sockets see and forge any host traffic: refused
 * in every sandbox (under --block-net the rules below refuse them too). */
static int
add_no_raw(scmp_filter_ctx ctx, unsigned *n)
{
	const int inet[] = {AF_INET, AF_INET6};
	int nr = NAMED("socket"), r;

	if ((r = rule(ctx, SCMP_ACT_ERRNO(EPERM), nr, n, 1, SCMP_A0(SCMP_CMP_MASKED_EQ, M32, AF_PACKET))) < 0)
		return r;
	for (size_t f = 0; f < 2; f++) {
		if ((r = rule(ctx, SCMP_ACT_ERRNO(EPERM), nr, n, 2, SCMP_A0(SCMP_CMP_MASKED_EQ, M32, inet[f]),
			      SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_RAW))) < 0)
			return r;
		if ((r = rule(ctx, SCMP_ACT_ERRNO(EPERM), nr, n, 2, SCMP_A0(SCMP_CMP_MASKED_EQ, M32, inet[f]),
			      SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_PACKET))) < 0)
			return r;
	}
	return 0;
}

/* With the network blocked, socket() may make only AF_UNIX sockets and plain
 * TCP ones (whose connect and bind Landlock refuses). */
static int
add_block_net(scmp_filter_ctx ctx, unsigned *n)
{
	const uint32_t act = SCMP_ACT_ERRNO(EACCES);
	const int inet[] = {AF_INET, AF_INET6};
	int sock = NAMED("socket"), r;

	/* families other than AF_UNIX (1), AF_INET (2) and AF_INET6 (10) */
	if ((r = rule(ctx, act, sock, n, 1, SCMP_A0(SCMP_CMP_MASKED_EQ, M32, 0))) < 0)
		return r;
	for (int fam = 3; fam < AF_INET6; fam++)
		if ((r = rule(ctx, act, sock, n, 1, SCMP_A0(SCMP_CMP_MASKED_EQ, M32, fam))) < 0)
			return r;
	if ((r = rule(ctx, act, sock, n, 1, SCMP_A0(SCMP_CMP_GT, AF_INET6))) < 0)
		return r;
	for (size_t f = 0; f < 2; f++) {
		/* any type but SOCK_STREAM: UDP, raw, SCTP seqpacket, ... */
		for (int t = 0; t < 16; t++) {
			if (t == SOCK_STREAM)
				continue;
			r = rule(ctx, act, sock, n, 2, SCMP_A0(SCMP_CMP_MASKED_EQ, M32, inet[f]),
				 SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, t));
			if (r < 0)
				return r;
		}
		/* SOCK_STREAM with a protocol other than 0 or TCP (SCTP, MPTCP) */
		for (int proto = 1; proto < IPPROTO_TCP; proto++) {
			r = rule(ctx, act, sock, n, 2, SCMP_A0(SCMP_CMP_MASKED_EQ, M32, inet[f]),
				 SCMP_A2(SCMP_CMP_MASKED_EQ, M32, proto));
			if (r < 0)
				return r;
		}
		r = rule(ctx, act, sock, n, 2, SCMP_A0(SCMP_CMP_MASKED_EQ, M32, inet[f]),
			 SCMP_A2(SCMP_CMP_GT, IPPROTO_TCP));
		if (r < 0)
			return r;
	}
	/* TCP Fast Open sends data before Landlock's connect check */
	if ((r = rule(ctx, act, NAMED("sendto"), n, 1, SCMP_A3(SCMP_CMP_MASKED_EQ, MSG_FASTOPEN, MSG_FASTOPEN))) < 0)
		return r;
	if ((r = rule(ctx, act, NAMED("sendmsg"), n, 1, SCMP_A2(SCMP_CMP_MASKED_EQ, MSG_FASTOPEN, MSG_FASTOPEN))) < 0)
		return r;
	if ((r = rule(ctx, act, NAMED("sendmmsg"), n, 1, SCMP_A3(SCMP_CMP_MASKED_EQ, MSG_FASTOPEN, MSG_FASTOPEN))) < 0)
		return r;
	return rule(ctx, act, NAMED("setsockopt"), n, 2, SCMP_A1(SCMP_CMP_MASKED_EQ, M32, IPPROTO_TCP),
		    SCMP_A2(SCMP_CMP_MASKED_EQ, M32, TCP_FASTOPEN_CONNECT));
}

/* All rules for one ABI's context. */
static int
fill(scmp_filter_ctx ctx, const struct nono_seccomp_opts *o, bool compat, unsigned *n)
{
	int r;

	if ((r = add_hardening(ctx, compat, nono_seccomp_mask(o), n)) < 0)
		return r;
	return o->block_net ? add_block_net(ctx, n) : add_no_raw(ctx, n);
}

static scmp_filter_ctx
new_ctx(uint32_t arch)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

	if (!ctx)
		return NULL;
	/* no_new_privs is set by the child itself, before Landlock */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	/* a binary tree over syscall numbers, not a chain: every syscall the
	 * program makes, and the kernel's action cache built when the filter
	 * is loaded, walk log(n) comparisons instead of n */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	/* x32 (and any ABI not in the filter) gets ENOSYS, never a pass */
	seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(ENOSYS));
	if (arch != SCMP_ARCH_NATIVE &&
	    (seccomp_arch_add(ctx, arch) < 0 || seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE) < 0)) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

/* On x86-64 the 32-bit ABI's calls newer than libseccomp knows (from
 * NONO_SC_I386_UNKNOWN_FROM on) cannot be named in its rules: a guard in
 * front of its program refuses them all. */
static const struct sock_filter i386_guard[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 0, 3),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, NONO_SC_I386_UNKNOWN_FROM, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
};

/* Export ctx as BPF into out, behind the guard when there is one. */
static int export(struct nono_seccomp *out, scmp_filter_ctx ctx, bool guard)
{
	size_t g = guard ? sizeof(i386_guard) / sizeof(i386_guard[0]) : 0;
	struct stat st;
	int mfd = memfd_create("nono-bpf", MFD_CLOEXEC), r = 0;

	if (mfd < 0)
		return -errno;
	if ((r = seccomp_export_bpf(ctx, mfd)) < 0)
		goto out;
	if (fstat(mfd, &st) < 0 || st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) ||
	    st.st_size / sizeof(struct sock_filter) + g > BPF_MAXINSNS) {
		r = -EINVAL;
		goto out;
	}
	out->insns = xmalloc((size_t)st.st_size + g * sizeof(struct sock_filter));
	memcpy(out->insns, i386_guard, g * sizeof(struct sock_filter));
	if (pread(mfd, out->insns + g, (size_t)st.st_size, 0) != st.st_size) {
		r = -EIO;
		goto out;
	}
	out->len = (unsigned short)(st.st_size / sizeof(struct sock_filter) + g);
out:
	close(mfd);
	return r;
}

int
nono_seccomp_build(struct nono_seccomp *out, const struct nono_seccomp_opts *o, struct nono_error *err)
{
	scmp_filter_ctx ctx = new_ctx(SCMP_ARCH_NATIVE), c32 = NULL;
	bool x86 = seccomp_arch_native() == SCMP_ARCH_X86_64;
	int r;

	memset(out, 0, sizeof(*out));
	if (!ctx)
		return nono_error_set(err, -ENOMEM, "seccomp_init failed");
	if ((r = fill(ctx, o, false, &out->n_rules)) < 0)
		goto fail;
	if (x86) {
		if (!(c32 = new_ctx(SCMP_ARCH_X86))) {
			r = -ENOMEM;
			goto fail;
		}
		if ((r = fill(c32, o, true, &out->n_rules)) < 0)
			goto fail;
		r = seccomp_merge(ctx, c32);
		c32 = NULL; /* merged into ctx, or released by the failed merge */
		if (r < 0)
			goto fail;
	}
	if ((r = export(out, ctx, x86)) < 0)
		goto fail;
	seccomp_release(ctx);
	return 0;
fail:
	if (c32)
		seccomp_release(c32);
	seccomp_release(ctx);
	free(out->insns);
	out->insns = NULL;
	return nono_error_set(err, r, "building the seccomp filter failed: %s", strerror(-r));
}

int
nono_seccomp_resolve(const char *name, bool i386)
{
	int nr = i386 ? seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, name) : seccomp_syscall_resolve_name(name);

	return nr == __NR_SCMP_ERROR || nr < 0 ? -1 : nr;
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

unsigned int
nono_seccomp_arch_native(void)
{
	return seccomp_arch_native();
}
