/* test_seccomp.c - the syscall table against libseccomp's numbers, the
 * supervisor's pure helpers, and the built filter run by a small classic-BPF
 * interpreter on calls of every ABI: the 32-bit x86 rules are checked here
 * even on a host that cannot make a 32-bit call. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#ifndef O_PATH
#define O_PATH 010000000
#endif
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "sandbox/seccomp.h"
#include "sandbox/syscalls.h"
#include "supervisor/decide.h"
#include "supervisor/resolve.h"

/* ---- a classic BPF interpreter, enough for libseccomp's programs -------- */

static uint32_t
run_bpf(const struct nono_seccomp *f, const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {0};

	for (unsigned pc = 0; pc < f->len; pc++) {
		const struct sock_filter *i = &f->insns[pc];
		uint32_t src = BPF_SRC(i->code) == BPF_X ? x : i->k;

		switch (BPF_CLASS(i->code)) {
		case BPF_LD:
			if (BPF_MODE(i->code) == BPF_ABS) {
				assert_true(i->k + 4 <= sizeof(*d));
				memcpy(&a, (const char *)d + i->k, 4);
			} else if (BPF_MODE(i->code) == BPF_IMM) {
				a = i->k;
			} else if (BPF_MODE(i->code) == BPF_MEM) {
				a = mem[i->k];
			} else {
				fail_msg("BPF_LD mode %#x", BPF_MODE(i->code));
			}
			break;
		case BPF_LDX:
			x = BPF_MODE(i->code) == BPF_MEM ? mem[i->k] : i->k;
			break;
		case BPF_ST:
			mem[i->k] = a;
			break;
		case BPF_STX:
			mem[i->k] = x;
			break;
		case BPF_ALU:
			switch (BPF_OP(i->code)) {
			case BPF_ADD:
				a += src;
				break;
			case BPF_SUB:
				a -= src;
				break;
			case BPF_AND:
				a &= src;
				break;
			case BPF_OR:
				a |= src;
				break;
			case BPF_LSH:
				a <<= src;
				break;
			case BPF_RSH:
				a >>= src;
				break;
			default:
				fail_msg("BPF_ALU op %#x", BPF_OP(i->code));
			}
			break;
		case BPF_JMP: {
			bool t;

			if (BPF_OP(i->code) == BPF_JA) {
				pc += i->k;
				continue;
			}
			t = BPF_OP(i->code) == BPF_JEQ	 ? a == src
			    : BPF_OP(i->code) == BPF_JGT ? a > src
			    : BPF_OP(i->code) == BPF_JGE ? a >= src
							 : (a & src) != 0;
			pc += t ? i->jt : i->jf;
			break;
		}
		case BPF_RET:
			return BPF_RVAL(i->code) == BPF_A ? a : i->k;
		case BPF_MISC:
			if (BPF_MISCOP(i->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		default:
			fail_msg("BPF class %#x", BPF_CLASS(i->code));
		}
	}
	fail_msg("the program ran off its end");
	return 0;
}

static struct nono_seccomp filters[NONO_SECCOMP_VARIANTS];

static int
build_all(void **state)
{
	(void)state;
	for (int v = 0; v < NONO_SECCOMP_VARIANTS; v++) {
		struct nono_seccomp_opts o;
		struct nono_error err = {0};

		nono_seccomp_variant_opts(&o, v);
		if (nono_seccomp_variant(&o) != v)
			return -1;
		if (nono_seccomp_build(&filters[v], &o, &err) < 0)
			return -1;
	}
	return 0;
}

static int
free_all(void **state)
{
	(void)state;
	for (int v = 0; v < NONO_SECCOMP_VARIANTS; v++)
		nono_seccomp_free(&filters[v]);
	return 0;
}

#define ALLOW	  SECCOMP_RET_ALLOW
#define NOTIFY	  SECCOMP_RET_USER_NOTIF
#define ERR(e)	  (SECCOMP_RET_ERRNO | (e))
#define I386	  AUDIT_ARCH_I386
#define X86_64	  AUDIT_ARCH_X86_64
#define BLOCK_NET 1
#define JOURNAL	  2
#define EXECS	  4
#define TRUNC	  8
#define SOCKETS	  16

static uint32_t
call(int variant, uint32_t arch, int nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct seccomp_data d = {.nr = nr, .arch = arch, .args = {a0, a1, a2, a3, 0, 0}};

	return run_bpf(&filters[variant], &d);
}

/* sendto(3, buf, len, 0, addr, ...): only the destination differs */
static uint32_t
call5(int variant, uint32_t arch, int nr, uint64_t addr)
{
	struct seccomp_data d = {.nr = nr, .arch = arch, .args = {3, 0x1000, 1, 0, addr, 16}};

	return run_bpf(&filters[variant], &d);
}

/* ---- the table -------------------------------------------------------------- */

static void
numbers_match_libseccomp(void **state)
{
	(void)state;
	for (size_t i = 0; i < nono_n_syscalls; i++) {
		const struct nono_syscall *sc = &nono_syscalls[i];
		int nat = nono_seccomp_resolve(sc->name, false);

		if (sc->nr >= 0 && nat >= 0)
			assert_int_equal(sc->nr, nat);
		if (sc->nr_i386 >= 0) {
			int n32 = nono_seccomp_resolve(sc->name, true);

			/* newer than libseccomp (the guard's), or a socket call
			 * libseccomp names by socketcall's multiplexer: it filters
			 * both forms, as i386_rules shows for connect (362) */
			if (n32 < 0)
				assert_true(sc->nr_i386 >= NONO_SC_I386_UNKNOWN_FROM || sc->op == NONO_SC_CONNECT ||
					    sc->op == NONO_SC_SENDTO || sc->op == NONO_SC_LISTEN ||
					    sc->op == NONO_SC_BIND);
			else
				assert_int_equal(sc->nr_i386, n32);
		}
		assert_ptr_equal(nono_syscall_by_name(sc->name), sc);
		if (sc->nr >= 0)
			assert_ptr_equal(nono_syscall_by_nr(sc->nr), sc);
	}
	assert_null(nono_syscall_by_nr(-1));
	assert_null(nono_syscall_by_nr(39)); /* getpid */
}

/* ---- the filter, native ABI ---------------------------------------------------- */

static void
native_rules(void **state)
{
	(void)state;
	/* chmod: setuid and setgid refused without a notification */
	assert_int_equal(call(0, X86_64, 90, 0, 0644, 0, 0), NOTIFY);
	assert_int_equal(call(0, X86_64, 90, 0, 04755, 0, 0), ERR(EPERM));
	assert_int_equal(call(0, X86_64, 90, 0, 02755, 0, 0), ERR(EPERM));
	assert_int_equal(call(0, X86_64, 268, 0, 0, 06777, 0), ERR(EPERM)); /* fchmodat */
	/* a file is never created setuid, journal or not */
	assert_int_equal(call(0, X86_64, 257, AT_FDCWD, 0, O_CREAT | O_WRONLY, 04755), ERR(EPERM));
	assert_int_equal(call(JOURNAL, X86_64, 257, AT_FDCWD, 0, O_CREAT | O_WRONLY, 04755), ERR(EPERM));
	assert_int_equal(call(JOURNAL, X86_64, 257, AT_FDCWD, 0, O_CREAT | O_WRONLY, 0644), NOTIFY);
	assert_int_equal(call(JOURNAL, X86_64, 257, AT_FDCWD, 0, O_WRONLY, 04755), NOTIFY); /* mode unused */
	assert_int_equal(call(JOURNAL, X86_64, 257, AT_FDCWD, 0, O_RDONLY, 0), ALLOW);
	assert_int_equal(call(0, X86_64, 257, AT_FDCWD, 0, O_WRONLY | O_TRUNC, 0), ALLOW);
	assert_int_equal(call(0, X86_64, 85, 0, 06755, 0, 0), ERR(EPERM)); /* creat */
	/* openat2 carries its mode in memory: always the supervisor's */
	assert_int_equal(call(0, X86_64, 437, 0, 0, 0, 24), NOTIFY);
	/* the journal's calls only with the journal */
	assert_int_equal(call(0, X86_64, 87, 0, 0, 0, 0), ALLOW);
	assert_int_equal(call(JOURNAL, X86_64, 87, 0, 0, 0, 0), NOTIFY);
	/* exec only in strict mode */
	assert_int_equal(call(0, X86_64, 59, 0, 0, 0, 0), ALLOW);
	assert_int_equal(call(EXECS, X86_64, 59, 0, 0, 0, 0), NOTIFY);
	/* packet and raw sockets, always */
	assert_int_equal(call(0, X86_64, 41, AF_PACKET, SOCK_RAW, 0, 0), ERR(EPERM));
	assert_int_equal(call(0, X86_64, 41, AF_INET, SOCK_RAW, 1, 0), ERR(EPERM));
	assert_int_equal(call(0, X86_64, 41, AF_INET, SOCK_STREAM, 0, 0), ALLOW);
	assert_int_equal(call(BLOCK_NET, X86_64, 41, AF_PACKET, SOCK_RAW, 0, 0), ERR(EACCES));
	/* file_setattr and the *xattrat calls: ENOSYS, libc falls back */
	assert_int_equal(call(0, X86_64, 469, 0, 0, 0, 0), ERR(ENOSYS));
	assert_int_equal(call(0, X86_64, 463, 0, 0, 0, 0), ERR(ENOSYS));
	/* inode flags through ioctl go to the supervisor; other ioctls pass */
	assert_int_equal(call(0, X86_64, 16, 3, 0x40086602, 0, 0), NOTIFY);
	assert_int_equal(call(0, X86_64, 16, 3, 0x5401, 0, 0), ALLOW);	    /* TCGETS */
	assert_int_equal(call(0, X86_64, 16, 0, 0x5412, 0, 0), ERR(EPERM)); /* TIOCSTI */
	assert_int_equal(call5(SOCKETS, X86_64, 44, 0), ALLOW);
	assert_int_equal(call5(SOCKETS, X86_64, 44, 0x1000), NOTIFY);
	/* where Landlock checks socket addresses itself (ABI 9), they pass */
	assert_int_equal(call5(0, X86_64, 44, 0x1000), ALLOW);
	assert_int_equal(call(0, X86_64, 42, 3, 0x1000, 16, 0), ALLOW); /* connect */
	assert_int_equal(call(SOCKETS, X86_64, 42, 3, 0x1000, 16, 0), NOTIFY);
	/* x32: a native arch with the x32 bit is never let through */
	assert_int_equal(call(0, X86_64, 0x40000000 | 90, 0, 0644, 0, 0) & SECCOMP_RET_ACTION_FULL, SECCOMP_RET_ERRNO);
}

/* ---- the filter, 32-bit x86 ABI ------------------------------------------------- */

static void
i386_rules(void **state)
{
	(void)state;
	/* every mediated call is refused outright, never decoded */
	assert_int_equal(call(0, I386, 15, 0, 0644, 0, 0), ERR(EPERM));	    /* chmod */
	assert_int_equal(call(0, I386, 212, 0, 0, 0, 0), ERR(EPERM));	    /* chown32 */
	assert_int_equal(call(0, I386, 198, 0, 0, 0, 0), ERR(EPERM));	    /* lchown32 */
	assert_int_equal(call(0, I386, 207, 0, 0, 0, 0), ERR(EPERM));	    /* fchown32 */
	assert_int_equal(call(0, I386, 412, 0, 0, 0, 0), ERR(EPERM));	    /* utimensat_time64 */
	assert_int_equal(call(SOCKETS, I386, 362, 0, 0, 0, 0), ERR(EPERM)); /* connect */
	assert_int_equal(call5(SOCKETS, I386, 369, 0), ALLOW);		    /* sendto, no address */
	assert_int_equal(call5(SOCKETS, I386, 369, 0x1000), ERR(EPERM));    /* sendto to an address */
	assert_int_equal(call(0, I386, 102, 3, 0, 0, 0), ERR(EPERM));	    /* socketcall */
	assert_int_equal(call(BLOCK_NET, I386, 102, 1, 0, 0, 0), ERR(EACCES));
	/* with the journal, the destructive calls too, 64-bit forms included */
	assert_int_equal(call(0, I386, 193, 0, 0, 0, 0), ALLOW); /* truncate64: Landlock's */
	assert_int_equal(call(JOURNAL, I386, 193, 0, 0, 0, 0), ERR(EPERM));
	assert_int_equal(call(JOURNAL, I386, 194, 0, 0, 0, 0), ERR(EPERM)); /* ftruncate64 */
	assert_int_equal(call(JOURNAL, I386, 10, 0, 0, 0, 0), ERR(EPERM));  /* unlink */
	assert_int_equal(call(JOURNAL, I386, 5, 0, O_WRONLY, 0, 0), ERR(EPERM));
	assert_int_equal(call(JOURNAL, I386, 5, 0, O_RDONLY, 0, 0), ALLOW);
	/* truncation where Landlock lacks it: refused on this ABI, never decoded */
	assert_int_equal(call(TRUNC, I386, 193, 0, 0, 0, 0), ERR(EPERM));
	assert_int_equal(call(TRUNC, I386, 5, 0, O_WRONLY | O_TRUNC, 0, 0), ERR(EPERM));
	assert_int_equal(call(TRUNC, I386, 5, 0, O_WRONLY, 0, 0), ALLOW);
	assert_int_equal(call(EXECS, I386, 11, 0, 0, 0, 0), ERR(EPERM)); /* execve */
	/* the hardening list and socket rules as on the native ABI */
	assert_int_equal(call(0, I386, 26, 0, 0, 0, 0), ERR(EPERM));			      /* ptrace */
	assert_int_equal(call(BLOCK_NET, I386, 359, AF_INET, SOCK_DGRAM, 0, 0), ERR(EACCES)); /* socket */
	assert_int_equal(call(0, I386, 359, AF_PACKET, SOCK_RAW, 0, 0), ERR(EPERM));
	/* calls newer than libseccomp knows: the guard in front */
	assert_int_equal(call(0, I386, 469, 0, 0, 0, 0), ERR(ENOSYS)); /* file_setattr */
	assert_int_equal(call(0, I386, 452, 0, 0, 0, 0), ERR(ENOSYS)); /* fchmodat2 */
	/* and what needs no mediation passes */
	assert_int_equal(call(0, I386, 20, 0, 0, 0, 0), ALLOW); /* getpid */
}

/* ---- what the filter stands in for, by Landlock ABI ---------------------------------- */

/* Below ABI 3 truncation goes to the supervisor, and nothing else the
 * journal would send: writes that do not truncate pass. */
static void
truncation_rules(void **state)
{
	(void)state;
	assert_int_equal(call(TRUNC, X86_64, 76, 0, 0, 0, 0), NOTIFY); /* truncate */
	assert_int_equal(call(TRUNC, X86_64, 77, 3, 0, 0, 0), NOTIFY); /* ftruncate */
	assert_int_equal(call(0, X86_64, 76, 0, 0, 0, 0), ALLOW);
	assert_int_equal(call(TRUNC, X86_64, 85, 0, 0644, 0, 0), NOTIFY); /* creat */
	assert_int_equal(call(TRUNC, X86_64, 257, AT_FDCWD, 0, O_WRONLY | O_TRUNC, 0), NOTIFY);
	assert_int_equal(call(TRUNC, X86_64, 257, AT_FDCWD, 0, O_WRONLY | O_TRUNC | O_CREAT, 0644), NOTIFY);
	assert_int_equal(call(TRUNC, X86_64, 257, AT_FDCWD, 0, O_WRONLY | O_TRUNC | O_CREAT, 04755), ERR(EPERM));
	assert_int_equal(call(TRUNC, X86_64, 257, AT_FDCWD, 0, O_WRONLY, 0), ALLOW);
	assert_int_equal(call(TRUNC, X86_64, 257, AT_FDCWD, 0, O_WRONLY | O_CREAT, 0644), ALLOW);
	assert_int_equal(call(TRUNC, X86_64, 2, 0, O_RDWR | O_TRUNC, 0, 0), NOTIFY); /* open */
	assert_int_equal(call(TRUNC, X86_64, 87, 0, 0, 0, 0), ALLOW);		     /* unlink: Landlock's */
	/* with the journal as well, the journal's rules */
	assert_int_equal(call(TRUNC | JOURNAL, X86_64, 257, AT_FDCWD, 0, O_WRONLY, 0), NOTIFY);
	assert_int_equal(call(TRUNC | JOURNAL, X86_64, 87, 0, 0, 0, 0), NOTIFY);
}

/* The table: truncation below ABI 3, socket addresses below 9 (pathname
 * UNIX sockets; abstract ones below 6; TCP under --block-net below 4), and
 * in proxy mode at every ABI. */
static void
fallbacks_per_abi(void **state)
{
	(void)state;
	for (int abi = 1; abi <= 12; abi++) {
		struct nono_seccomp_opts o = {.block_net = true, .journal = true, .execs = true};
		unsigned when = nono_syscalls_fallbacks(abi, true, false, false);

		assert_int_equal((when & NONO_SC_TRUNC) != 0, abi < 3);
		assert_int_equal((when & NONO_SC_SOCKETS) != 0, abi < 9);
		/* TCP bind: under --block-net below ABI 4, where no network namespace holds it */
		assert_int_equal((when & NONO_SC_TCPBIND) != 0, abi < 4);
		assert_false(nono_syscalls_fallbacks(abi, true, false, true) & NONO_SC_TCPBIND);
		assert_false(nono_syscalls_fallbacks(abi, false, false, false) & NONO_SC_TCPBIND);
		assert_true(nono_syscalls_fallbacks(abi, true, true, false) & NONO_SC_SOCKETS);
		nono_seccomp_fallbacks(&o, abi, false, false);
		assert_int_equal(o.truncate, abi < 3);
		assert_int_equal(o.sockets, abi < 9);
		assert_int_equal(o.tcp_bind, abi < 4);
		/* no prebuilt filter sends bind: built at launch */
		assert_int_equal(nono_seccomp_variant(&o) < 0, abi < 4);
		/* the launch's own choices are kept */
		assert_true(o.block_net && o.journal && o.execs);
		assert_int_equal(nono_seccomp_mask(&o) & (NONO_SC_TRUNC | NONO_SC_SOCKETS | NONO_SC_TCPBIND), when);
	}
	/* ABI 9: connect is not sent, but in proxy mode (the address is checked) */
	{
		struct nono_seccomp_opts o = {0};

		nono_seccomp_fallbacks(&o, 9, false, false);
		assert_int_equal(call(nono_seccomp_variant(&o), X86_64, 42, 3, 0x1000, 16, 0), ALLOW);
		nono_seccomp_fallbacks(&o, 9, true, false);
		assert_int_equal(call(nono_seccomp_variant(&o), X86_64, 42, 3, 0x1000, 16, 0), NOTIFY);
		nono_seccomp_fallbacks(&o, 2, false, false);
		assert_int_equal(call(nono_seccomp_variant(&o), X86_64, 76, 0, 0, 0, 0), NOTIFY);
	}
	/* the filter built at launch for TCP bind sends bind (49), and is the
	 * prebuilt one otherwise */
	{
		struct nono_seccomp_opts o = {.block_net = true};
		struct nono_seccomp f;
		struct nono_error err = {0};
		struct seccomp_data d = {.nr = 49, .arch = X86_64, .args = {3, 0x1000, 16}};

		nono_seccomp_fallbacks(&o, 3, false, false);
		assert_int_equal(nono_seccomp_for(&f, &o, &err), 0);
		assert_false(f.borrowed);
		assert_int_equal(run_bpf(&f, &d), NOTIFY);
		d.nr = 42; /* connect: as the prebuilt one */
		assert_int_equal(run_bpf(&f, &d), NOTIFY);
		d.nr = 41; /* a UDP socket: refused */
		d.args[0] = AF_INET;
		d.args[1] = SOCK_DGRAM;
		assert_int_equal(run_bpf(&f, &d), ERR(EACCES));
		nono_seccomp_free(&f);
		assert_int_equal(call(nono_seccomp_variant_bits(&o), X86_64, 49, 3, 0x1000, 16, 0), ALLOW);
		o.tcp_bind = false;
		assert_int_equal(nono_seccomp_for(&f, &o, &err), 0);
		assert_true(f.borrowed);
		nono_seccomp_free(&f);
	}
}

/* --capability-elevation: read-only opens and mkdir reach the supervisor
 * only with it (built at launch); O_PATH opens never; setuid creates are
 * still refused in the filter. */
static void
elevation_rules(void **state)
{
	struct nono_seccomp_opts o = {.journal = true};
	struct nono_seccomp f;
	struct nono_error err = {0};
	struct seccomp_data d = {.nr = 257, .arch = X86_64, .args = {(uint64_t)AT_FDCWD, 0x1000, O_RDONLY}};

	(void)state;
	/* without it: a read is the kernel's (Landlock) alone */
	assert_int_equal(call(nono_seccomp_variant(&o), X86_64, 257, (uint64_t)AT_FDCWD, 0x1000, O_RDONLY, 0), ALLOW);
	assert_int_equal(call(nono_seccomp_variant(&o), X86_64, 2, 0x1000, O_RDONLY | O_CLOEXEC, 0, 0), ALLOW);
	o.elevate = true;
	assert_true(nono_seccomp_variant(&o) < 0);
	assert_int_equal(nono_seccomp_for(&f, &o, &err), 0);
	assert_false(f.borrowed);
	assert_int_equal(run_bpf(&f, &d), NOTIFY);
	d.args[2] = O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW;
	assert_int_equal(run_bpf(&f, &d), NOTIFY);
	d.args[2] = O_PATH | O_CLOEXEC;
	assert_int_equal(run_bpf(&f, &d), ALLOW);
	d.args[2] = O_WRONLY;
	assert_int_equal(run_bpf(&f, &d), NOTIFY);
	d.args[2] = O_WRONLY | O_CREAT;
	d.args[3] = 04755;
	assert_int_equal(run_bpf(&f, &d), ERR(EPERM));
	d.nr = 2; /* open */
	d.args[0] = 0x1000;
	d.args[1] = O_RDONLY;
	assert_int_equal(run_bpf(&f, &d), NOTIFY);
	d.nr = 83; /* mkdir */
	d.args[1] = 0755;
	assert_int_equal(run_bpf(&f, &d), NOTIFY);
	nono_seccomp_free(&f);
}

/* Without a supervisor (libnono's apply_self) nothing is sent, but the
 * setuid and setgid refusals stay exactly as with one; openat2, whose mode
 * the filter cannot read, gets ENOSYS. */
static void
unsupervised_rules(void **state)
{
	struct nono_seccomp_opts o = {.unsupervised = true};
	struct nono_seccomp f;
	struct nono_error err = {0};
	const struct {
		uint32_t arch;
		int nr;
		uint64_t a0, a1, a2, a3;
		uint32_t want;
	} cases[] = {
	    {X86_64, 90, 0x1000, 04755, 0, 0, ERR(EPERM)},			       /* chmod */
	    {X86_64, 90, 0x1000, 02755, 0, 0, ERR(EPERM)},			       /* chmod setgid */
	    {X86_64, 90, 0x1000, 0755, 0, 0, ALLOW},				       /* chmod */
	    {X86_64, 91, 3, 04755, 0, 0, ERR(EPERM)},				       /* fchmod */
	    {X86_64, 268, (uint64_t)AT_FDCWD, 0x1000, 06755, 0, ERR(EPERM)},	       /* fchmodat */
	    {X86_64, 452, (uint64_t)AT_FDCWD, 0x1000, 04755, 0, ERR(EPERM)},	       /* fchmodat2 */
	    {X86_64, 133, 0x1000, S_IFREG | 04755, 0, 0, ERR(EPERM)},		       /* mknod */
	    {X86_64, 259, (uint64_t)AT_FDCWD, 0x1000, S_IFREG | 02755, 0, ERR(EPERM)}, /* mknodat */
	    {X86_64, 85, 0x1000, 04755, 0, 0, ERR(EPERM)},			       /* creat */
	    {X86_64, 85, 0x1000, 0644, 0, 0, ALLOW},				       /* creat */
	    {X86_64, 2, 0x1000, O_WRONLY | O_CREAT, 04755, 0, ERR(EPERM)},	       /* open */
	    {X86_64, 257, (uint64_t)AT_FDCWD, 0x1000, O_RDWR | O_CREAT, 02755, ERR(EPERM)},
	    {X86_64, 257, (uint64_t)AT_FDCWD, 0x1000, O_RDWR | 020000000 | O_DIRECTORY, 04755, ERR(EPERM)},
	    {X86_64, 257, (uint64_t)AT_FDCWD, 0x1000, O_RDWR | O_CREAT, 0644, ALLOW},
	    {X86_64, 257, (uint64_t)AT_FDCWD, 0x1000, O_WRONLY | O_TRUNC, 04755, ALLOW}, /* no mode used */
	    {X86_64, 437, (uint64_t)AT_FDCWD, 0x1000, 0x2000, 24, ERR(ENOSYS)},		 /* openat2 */
	    {X86_64, 188, 0x1000, 0x2000, 0x3000, 20, ALLOW},				 /* setxattr */
	    {I386, 15, 0x1000, 04755, 0, 0, ERR(EPERM)},				 /* chmod */
	    {I386, 15, 0x1000, 0755, 0, 0, ALLOW},
	};

	(void)state;
	assert_int_equal(nono_seccomp_build(&f, &o, &err), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct seccomp_data d = {.nr = cases[i].nr,
					 .arch = cases[i].arch,
					 .args = {cases[i].a0, cases[i].a1, cases[i].a2, cases[i].a3, 0, 0}};

		if (run_bpf(&f, &d) != cases[i].want)
			fail_msg("case %zu (nr %d): %#x, not %#x", i, cases[i].nr, run_bpf(&f, &d), cases[i].want);
	}
	nono_seccomp_free(&f);
}

/* Without a PID namespace (host_pids, built at launch): a call that acts on
 * a process by pid goes to the supervisor unless the pid is 0 (the caller);
 * setpriority and ioprio_set on a process group or a user are refused; on
 * the 32-bit x86 ABI a pid other than 0 is refused. With the namespace the
 * prebuilt filter lets them all through. */
static void
host_pid_rules(void **state)
{
	struct nono_seccomp_opts o = {.journal = true};
	struct nono_seccomp f;
	struct nono_error err = {0};
	struct seccomp_data d = {.arch = X86_64};
	const struct {
		int nr, which, pid; /* pid: its argument */
	} calls[] = {{302, -1, 0}, {203, -1, 0}, {144, -1, 0}, {142, -1, 0}, {314, -1, 0}, {141, 0, 1}, {251, 1, 1}};

	(void)state;
	assert_int_equal(call(nono_seccomp_variant(&o), X86_64, 302, 1234, RLIMIT_CPU, 0x1000, 0), ALLOW);
	assert_int_equal(call(nono_seccomp_variant(&o), X86_64, 141, PRIO_USER, 0, 19, 0), ALLOW);
	o.host_pids = true;
	assert_true(nono_seccomp_variant(&o) < 0);
	assert_int_equal(nono_seccomp_for(&f, &o, &err), 0);
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		memset(d.args, 0, sizeof(d.args));
		d.arch = X86_64;
		d.nr = calls[i].nr;
		if (calls[i].which >= 0)
			d.args[0] = (uint64_t)calls[i].which;
		d.args[2] = 0x1000;
		assert_int_equal(run_bpf(&f, &d), ALLOW); /* pid 0: the caller */
		d.args[calls[i].pid] = 1234;
		assert_int_equal(run_bpf(&f, &d), NOTIFY);
		if (d.nr == 302) { /* prlimit64 without a new limit only reads */
			d.args[2] = 0;
			assert_int_equal(run_bpf(&f, &d), ALLOW);
			d.args[2] = 0x1000;
		}
		if (calls[i].which < 0)
			continue;
		/* a process group, a user: refused, their id 0 too */
		for (int w = 1; w <= 2; w++) {
			d.args[0] = (uint64_t)(calls[i].which + w);
			assert_int_equal(run_bpf(&f, &d), ERR(EPERM));
			d.args[1] = 0;
			assert_int_equal(run_bpf(&f, &d), ERR(EPERM));
			d.args[1] = 1234;
		}
	}
	/* 32-bit x86: prlimit64 and setpriority refused, not decoded */
	d = (struct seccomp_data){.nr = 340, .arch = I386, .args = {0, RLIMIT_CPU, 0x1000}};
	assert_int_equal(run_bpf(&f, &d), ALLOW);
	d.args[0] = 1234;
	assert_int_equal(run_bpf(&f, &d), ERR(EPERM));
	d = (struct seccomp_data){.nr = 97, .arch = I386, .args = {PRIO_PROCESS, 0, 19}};
	assert_int_equal(run_bpf(&f, &d), ALLOW);
	d.args[1] = 1234;
	assert_int_equal(run_bpf(&f, &d), ERR(EPERM));
	d.args[0] = PRIO_USER;
	d.args[1] = 0;
	assert_int_equal(run_bpf(&f, &d), ERR(EPERM));
	nono_seccomp_free(&f);
}

/* ---- pure helpers ----------------------------------------------------------------- */

static void
ldso_program(void **state)
{
	char *a[] = {"ld.so", "/usr/bin/rm", "x", NULL};
	char *b[] = {"ld.so", "--library-path", "/lib", "--argv0", "ls", "/usr/bin/rm", NULL};
	char *c[] = {"ld.so", "--list", "/usr/bin/rm", NULL};
	char *d[] = {"ld.so", "--verify", NULL};
	char *e[] = {"ld.so", "--", "/usr/bin/rm", NULL};

	(void)state;
	assert_int_equal(nono_supervisor_ldso_program(a), 1);
	assert_int_equal(nono_supervisor_ldso_program(b), 5);
	assert_int_equal(nono_supervisor_ldso_program(c), 2);
	assert_int_equal(nono_supervisor_ldso_program(d), -1);
	assert_int_equal(nono_supervisor_ldso_program(e), 2);
}

static void
xattrs(void **state)
{
	(void)state;
	assert_true(nono_supervisor_xattr_refused("security.capability"));
	assert_false(nono_supervisor_xattr_refused("user.comment"));
	assert_false(nono_supervisor_xattr_refused("security.capabilityx"));
}

static void
split_leaf(void **state)
{
	static const struct {
		const char *path, *dir, *leaf;
	} cases[] = {
	    {"a/b", "a", "b"},	       {"a/b//", "a", "b//"}, {"/x", "/", "x"}, {"x", "", "x"},	     {"//a", "/", "a"},
	    {"a//b", "a", "b"},	       {"/", "/", ""},	      {"", "", ""},	{"a/..", "a", ".."}, {"./x", ".", "x"},
	    {"/a/b/c/", "/a/b", "c/"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *leaf;
		char *dir = nono_path_split_leaf(cases[i].path, &leaf);

		assert_string_equal(dir, cases[i].dir);
		assert_string_equal(leaf, cases[i].leaf);
		free(dir);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(numbers_match_libseccomp),
	    cmocka_unit_test(native_rules),
	    cmocka_unit_test(i386_rules),
	    cmocka_unit_test(truncation_rules),
	    cmocka_unit_test(fallbacks_per_abi),
	    cmocka_unit_test(elevation_rules),
	    cmocka_unit_test(unsupervised_rules),
	    cmocka_unit_test(host_pid_rules),
	    cmocka_unit_test(ldso_program),
	    cmocka_unit_test(xattrs),
	    cmocka_unit_test(split_leaf),
	};

	return cmocka_run_group_tests_name("seccomp", tests, build_all, free_all);
}
