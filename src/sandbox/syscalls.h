/* syscalls.h - the table of syscalls the seccomp filter sends to the
 * supervisor or refuses by their arguments: one row per syscall, with its
 * native number and its 32-bit x86 number beside it. The filter builder
 * (seccomp.c) and the supervisor's decoder (supervisor.c) read the same rows,
 * so behaviour is never chosen by comparing syscall names (both sides). */
#ifndef NONO_SYSCALLS_H
#define NONO_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>

/* What the supervisor does with the call: the handler family. */
enum nono_sc_op {
	NONO_SC_EXEC,	   /* execve, execveat: the command blocklist (strict exec) */
	NONO_SC_CHMOD,	   /* chmod family */
	NONO_SC_CHOWN,	   /* chown family */
	NONO_SC_UTIME,	   /* utime, utimes, futimesat, utimensat */
	NONO_SC_SETXATTR,  /* setxattr family */
	NONO_SC_RMXATTR,   /* removexattr family */
	NONO_SC_IOCTL,	   /* ioctl: inode flags (FS_IOC_SETFLAGS, FS_IOC_FSSETXATTR) */
	NONO_SC_CONNECT,   /* connect */
	NONO_SC_SENDTO,	   /* sendto with a destination */
	NONO_SC_LISTEN,	   /* listen (--block-net) */
	NONO_SC_BIND,	   /* bind: TCP refused where nothing else holds --block-net (ABI < 4) */
	NONO_SC_UNLINK,	   /* unlink, unlinkat, rmdir */
	NONO_SC_RENAME,	   /* rename family */
	NONO_SC_TRUNCATE,  /* truncate */
	NONO_SC_FTRUNCATE, /* ftruncate */
	NONO_SC_OPEN,	   /* open, openat, openat2, creat (may write) */
	NONO_SC_MKDIR,	   /* mkdir, mkdirat */
	NONO_SC_MKNOD,	   /* mknod, mknodat */
	NONO_SC_SYMLINK,   /* symlink, symlinkat */
	NONO_SC_LINK,	   /* link, linkat */
	NONO_SC_REFUSE,	   /* a 32-bit x86 form of a mediated call: refused in the filter */
	NONO_SC_PID,	   /* a call that names another process by pid (no PID namespace) */
};

/* When the filter sends the row to the supervisor. */
enum {
	NONO_SC_ALWAYS = 1 << 0,   /* every sandbox */
	NONO_SC_JOURNAL = 1 << 1,  /* the rollback journal is on */
	NONO_SC_BLOCKNET = 1 << 2, /* --block-net (or proxy mode) */
	NONO_SC_EXECS = 1 << 3,	   /* per-exec mediation (the command blocklist on every exec) */
	NONO_SC_TRUNC = 1 << 4,	   /* truncation: Landlock lacks it (ABI < 3) */
	NONO_SC_SOCKETS = 1 << 5,  /* socket addresses: Landlock lacks their checks (ABI < 9), or proxy mode */
	NONO_SC_TCPBIND = 1 << 6,  /* bind: --block-net with neither Landlock's TCP rights (ABI < 4) nor a netns */
	NONO_SC_LOCKDIR = 1 << 7,  /* lock directories the supervisor makes (filesystem.allow_lock_dir) */
	NONO_SC_ELEVATE = 1 << 8,  /* --capability-elevation: every open and mkdir, reads included */
	NONO_SC_HOSTPIDS = 1 << 9, /* no PID namespace: a pid other than 0 (the caller) */
};

/* The rows a launch turns on ("when" bits) for the filter's options. */
unsigned nono_syscalls_mask(bool block_net, bool journal, bool execs, bool truncate, bool sockets, bool tcp_bind,
			    bool lock_dirs, bool elevate, bool host_pids);
/* What the filter sends to the supervisor at Landlock abi because Landlock
 * lacks it there (NONO_SC_TRUNC, NONO_SC_SOCKETS, NONO_SC_TCPBIND), read
 * from a table of the rights and the ABI that brings each; proxy mode
 * always has its addresses checked (a port rule does not name an address);
 * TCP bind under --block-net (block_net) only where no network namespace
 * (net_ns) holds it. Pure. */
unsigned nono_syscalls_fallbacks(int abi, bool block_net, bool proxy, bool net_ns);

#define NONO_SC_NONE (-1)

/* Argument positions (-1: none) and fixed behaviour of one syscall. */
struct nono_syscall {
	const char *name;
	int nr;	     /* native number, -1 where this architecture lacks the call */
	int nr_i386; /* the 32-bit x86 ABI's number, -1 where it has none */
	unsigned char op;
	unsigned short when;
	signed char dirfd, path; /* the (first) path and its directory descriptor */
	signed char dirfd2, path2;
	signed char fd;	   /* a descriptor the call acts on (fchmod, ftruncate, connect) */
	signed char flags; /* an AT_* / O_* / RENAME_* flags argument */
	signed char mode;  /* a mode argument the filter checks for S_ISUID/S_ISGID */
	unsigned fixed;	   /* flags implied by the call: AT_SYMLINK_NOFOLLOW for lchown, ... */
};

/* fixed bits beyond the kernel's AT_* flags */
#define NONO_SC_RMDIR	0x10000000u /* unlinkat(AT_REMOVEDIR) semantics */
#define NONO_SC_OPENAT2 0x20000000u /* flags and mode in struct open_how */
#define NONO_SC_CREAT	0x40000000u /* creat(2): O_CREAT|O_WRONLY|O_TRUNC */
#define NONO_SC_TIMEVAL 0x08000000u /* utimes, futimesat: struct timeval[2] */
#define NONO_SC_UTIMBUF 0x04000000u /* utime: struct utimbuf */
#define NONO_SC_NETCALL 0x02000000u /* refused as --block-net refuses a socket (EACCES) there */
/* NONO_SC_PID: the pid is argument 1, after a "which" argument (0) whose
 * value below names one process; any other which names a process group or
 * every process of a user, refused without a PID namespace */
#define NONO_SC_PRIO   0x01000000u /* setpriority: PRIO_PROCESS (0) */
#define NONO_SC_IOPRIO 0x00800000u /* ioprio_set: IOPRIO_WHO_PROCESS (1) */
#define NONO_SC_RLIMIT 0x00400000u /* prlimit64: without a new limit (argument 2) it only reads */

extern const struct nono_syscall nono_syscalls[];
extern const size_t nono_n_syscalls;

/* The row for a native syscall number, or NULL. */
const struct nono_syscall *nono_syscall_by_nr(int nr);
const struct nono_syscall *nono_syscall_by_name(const char *name);

/* NONO_SC_PID: the argument that holds the pid, and the value of the
 * "which" argument (0) that names one process (-1: there is none). */
int nono_syscall_pid_arg(const struct nono_syscall *sc);
int nono_syscall_pid_which(const struct nono_syscall *sc);

/* Syscalls every sandbox refuses with EPERM (the hardening list). */
extern const char *const nono_syscalls_denied[];
/* Newer syscalls refused with ENOSYS so that libc falls back to a mediated
 * form: name and the number they share on every architecture. */
struct nono_syscall_enosys {
	const char *name;
	int nr;
};
extern const struct nono_syscall_enosys nono_syscalls_enosys[];

/* The lowest syscall number newer than this build's libseccomp knows on the
 * 32-bit x86 ABI: everything from there on is refused there (ENOSYS). */
#define NONO_SC_I386_UNKNOWN_FROM 451

#endif
