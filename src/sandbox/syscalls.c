/* syscalls.c - see syscalls.h (both sides). Native numbers come from
 * <sys/syscall.h> (an architecture without a call has -1); calls numbered
 * 424 and up share one number on every architecture. The 32-bit x86 numbers
 * are the kernel's (arch/x86/entry/syscalls/syscall_32.tbl); a unit test
 * checks them against libseccomp's. */
#include "config.h"

#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/syscall.h>

#include "sandbox/syscalls.h"

/* the native number of each call, or -1 */
#ifdef SYS_execve
#define NR_execve SYS_execve
#else
#define NR_execve (-1)
#endif
#ifdef SYS_execveat
#define NR_execveat SYS_execveat
#else
#define NR_execveat (-1)
#endif
#ifdef SYS_chmod
#define NR_chmod SYS_chmod
#else
#define NR_chmod (-1)
#endif
#ifdef SYS_fchmod
#define NR_fchmod SYS_fchmod
#else
#define NR_fchmod (-1)
#endif
#ifdef SYS_fchmodat
#define NR_fchmodat SYS_fchmodat
#else
#define NR_fchmodat (-1)
#endif
#ifdef SYS_chown
#define NR_chown SYS_chown
#else
#define NR_chown (-1)
#endif
#ifdef SYS_lchown
#define NR_lchown SYS_lchown
#else
#define NR_lchown (-1)
#endif
#ifdef SYS_fchown
#define NR_fchown SYS_fchown
#else
#define NR_fchown (-1)
#endif
#ifdef SYS_fchownat
#define NR_fchownat SYS_fchownat
#else
#define NR_fchownat (-1)
#endif
#ifdef SYS_utime
#define NR_utime SYS_utime
#else
#define NR_utime (-1)
#endif
#ifdef SYS_utimes
#define NR_utimes SYS_utimes
#else
#define NR_utimes (-1)
#endif
#ifdef SYS_futimesat
#define NR_futimesat SYS_futimesat
#else
#define NR_futimesat (-1)
#endif
#ifdef SYS_utimensat
#define NR_utimensat SYS_utimensat
#else
#define NR_utimensat (-1)
#endif
#ifdef SYS_setxattr
#define NR_setxattr SYS_setxattr
#else
#define NR_setxattr (-1)
#endif
#ifdef SYS_lsetxattr
#define NR_lsetxattr SYS_lsetxattr
#else
#define NR_lsetxattr (-1)
#endif
#ifdef SYS_fsetxattr
#define NR_fsetxattr SYS_fsetxattr
#else
#define NR_fsetxattr (-1)
#endif
#ifdef SYS_removexattr
#define NR_removexattr SYS_removexattr
#else
#define NR_removexattr (-1)
#endif
#ifdef SYS_lremovexattr
#define NR_lremovexattr SYS_lremovexattr
#else
#define NR_lremovexattr (-1)
#endif
#ifdef SYS_fremovexattr
#define NR_fremovexattr SYS_fremovexattr
#else
#define NR_fremovexattr (-1)
#endif
#ifdef SYS_ioctl
#define NR_ioctl SYS_ioctl
#else
#define NR_ioctl (-1)
#endif
#ifdef SYS_connect
#define NR_connect SYS_connect
#else
#define NR_connect (-1)
#endif
#ifdef SYS_sendto
#define NR_sendto SYS_sendto
#else
#define NR_sendto (-1)
#endif
#ifdef SYS_listen
#define NR_listen SYS_listen
#else
#define NR_listen (-1)
#endif
#ifdef SYS_bind
#define NR_bind SYS_bind
#else
#define NR_bind (-1)
#endif
#ifdef SYS_unlink
#define NR_unlink SYS_unlink
#else
#define NR_unlink (-1)
#endif
#ifdef SYS_unlinkat
#define NR_unlinkat SYS_unlinkat
#else
#define NR_unlinkat (-1)
#endif
#ifdef SYS_rmdir
#define NR_rmdir SYS_rmdir
#else
#define NR_rmdir (-1)
#endif
#ifdef SYS_rename
#define NR_rename SYS_rename
#else
#define NR_rename (-1)
#endif
#ifdef SYS_renameat
#define NR_renameat SYS_renameat
#else
#define NR_renameat (-1)
#endif
#ifdef SYS_renameat2
#define NR_renameat2 SYS_renameat2
#else
#define NR_renameat2 (-1)
#endif
#ifdef SYS_truncate
#define NR_truncate SYS_truncate
#else
#define NR_truncate (-1)
#endif
#ifdef SYS_ftruncate
#define NR_ftruncate SYS_ftruncate
#else
#define NR_ftruncate (-1)
#endif
#ifdef SYS_creat
#define NR_creat SYS_creat
#else
#define NR_creat (-1)
#endif
#ifdef SYS_open
#define NR_open SYS_open
#else
#define NR_open (-1)
#endif
#ifdef SYS_openat
#define NR_openat SYS_openat
#else
#define NR_openat (-1)
#endif
#ifdef SYS_mkdir
#define NR_mkdir SYS_mkdir
#else
#define NR_mkdir (-1)
#endif
#ifdef SYS_mkdirat
#define NR_mkdirat SYS_mkdirat
#else
#define NR_mkdirat (-1)
#endif
#ifdef SYS_mknod
#define NR_mknod SYS_mknod
#else
#define NR_mknod (-1)
#endif
#ifdef SYS_mknodat
#define NR_mknodat SYS_mknodat
#else
#define NR_mknodat (-1)
#endif
#ifdef SYS_symlink
#define NR_symlink SYS_symlink
#else
#define NR_symlink (-1)
#endif
#ifdef SYS_symlinkat
#define NR_symlinkat SYS_symlinkat
#else
#define NR_symlinkat (-1)
#endif
#ifdef SYS_link
#define NR_link SYS_link
#else
#define NR_link (-1)
#endif
#ifdef SYS_linkat
#define NR_linkat SYS_linkat
#else
#define NR_linkat (-1)
#endif

#define AT_NOFOLLOW 0x100 /* AT_SYMLINK_NOFOLLOW */
#ifdef SYS_prlimit64
#define NR_prlimit64 SYS_prlimit64
#else
#define NR_prlimit64 (-1)
#endif
#ifdef SYS_setpriority
#define NR_setpriority SYS_setpriority
#else
#define NR_setpriority (-1)
#endif
#ifdef SYS_sched_setaffinity
#define NR_sched_setaffinity SYS_sched_setaffinity
#else
#define NR_sched_setaffinity (-1)
#endif
#ifdef SYS_sched_setscheduler
#define NR_sched_setscheduler SYS_sched_setscheduler
#else
#define NR_sched_setscheduler (-1)
#endif
#ifdef SYS_sched_setparam
#define NR_sched_setparam SYS_sched_setparam
#else
#define NR_sched_setparam (-1)
#endif
#ifdef SYS_sched_setattr
#define NR_sched_setattr SYS_sched_setattr
#else
#define NR_sched_setattr (-1)
#endif
#ifdef SYS_ioprio_set
#define NR_ioprio_set SYS_ioprio_set
#else
#define NR_ioprio_set (-1)
#endif
/* the journal's, and the lock directories' (filesystem.allow_lock_dir) */
#define J_LOCKDIR (NONO_SC_JOURNAL | NONO_SC_LOCKDIR)
#define J_OPEN	  (NONO_SC_JOURNAL | NONO_SC_TRUNC | NONO_SC_ELEVATE)

/* How to read a row: after the numbers, the handler family and when the
 * filter sends it, the argument positions (-1: none) dirfd, path, dirfd2,
 * path2, fd, flags and mode, then the fixed flags. path/dirfd name the path the call acts on; .path2 and
 * .dirfd2 the second one (rename's and link's new name; symlink's target
 * text, which is not resolved). */
#define ROW(name, nr, i386, op, when, dirfd, path, dirfd2, path2, fd, flags, mode, fixed)                              \
	{                                                                                                              \
		name, nr, i386, op, when, dirfd, path, dirfd2, path2, fd, flags, mode, fixed                           \
	}

const struct nono_syscall nono_syscalls[] = {
    /* exec: the command blocklist on every exec (strict mode) */
    ROW("execve", NR_execve, 11, NONO_SC_EXEC, NONO_SC_EXECS, -1, 0, -1, -1, -1, -1, -1, 0),
    ROW("execveat", NR_execveat, 358, NONO_SC_EXEC, NONO_SC_EXECS, 0, 1, -1, -1, -1, 4, -1, 0),
    /* inode metadata: Landlock has no right for these, the supervisor decides */
    ROW("chmod", NR_chmod, 15, NONO_SC_CHMOD, NONO_SC_ALWAYS, -1, 0, -1, -1, -1, -1, 1, 0),
    ROW("fchmod", NR_fchmod, 94, NONO_SC_CHMOD, NONO_SC_ALWAYS, -1, -1, -1, -1, 0, -1, 1, 0),
    ROW("fchmodat", NR_fchmodat, 306, NONO_SC_CHMOD, NONO_SC_ALWAYS, 0, 1, -1, -1, -1, -1, 2, 0),
    ROW("fchmodat2", 452, 452, NONO_SC_CHMOD, NONO_SC_ALWAYS, 0, 1, -1, -1, -1, 3, 2, 0),
    ROW("chown", NR_chown, 182, NONO_SC_CHOWN, NONO_SC_ALWAYS, -1, 0, -1, -1, -1, -1, -1, 0),
    ROW("lchown", NR_lchown, 16, NONO_SC_CHOWN, NONO_SC_ALWAYS, -1, 0, -1, -1, -1, -1, -1, AT_NOFOLLOW),
    ROW("fchown", NR_fchown, 95, NONO_SC_CHOWN, NONO_SC_ALWAYS, -1, -1, -1, -1, 0, -1, -1, 0),
    ROW("fchownat", NR_fchownat, 298, NONO_SC_CHOWN, NONO_SC_ALWAYS, 0, 1, -1, -1, -1, 4, -1, 0),
    ROW("utime", NR_utime, 30, NONO_SC_UTIME, NONO_SC_ALWAYS, -1, 0, -1, -1, -1, -1, -1, NONO_SC_UTIMBUF),
    ROW("utimes", NR_utimes, 271, NONO_SC_UTIME, NONO_SC_ALWAYS, -1, 0, -1, -1, -1, -1, -1, NONO_SC_TIMEVAL),
    ROW("futimesat", NR_futimesat, 299, NONO_SC_UTIME, NONO_SC_ALWAYS, 0, 1, -1, -1, -1, -1, -1, NONO_SC_TIMEVAL),
    ROW("utimensat", NR_utimensat, 320, NONO_SC_UTIME, NONO_SC_ALWAYS, 0, 1, -1, -1, -1, 3, -1, 0),
    ROW("setxattr", NR_setxattr, 226, NONO_SC_SETXATTR, NONO_SC_ALWAYS, -1, 0, -1, -1, -1, 4, -1, 0),
    ROW("lsetxattr", NR_lsetxattr, 227, NONO_SC_SETXATTR, NONO_SC_ALWAYS, -1, 0, -1, -1, -1, 4, -1, AT_NOFOLLOW),
    ROW("fsetxattr", NR_fsetxattr, 228, NONO_SC_SETXATTR, NONO_SC_ALWAYS, -1, -1, -1, -1, 0, 4, -1, 0),
    ROW("removexattr", NR_removexattr, 235, NONO_SC_RMXATTR, NONO_SC_ALWAYS, -1, 0, -1, -1, -1, -1, -1, 0),
    ROW("lremovexattr", NR_lremovexattr, 236, NONO_SC_RMXATTR, NONO_SC_ALWAYS, -1, 0, -1, -1, -1, -1, -1, AT_NOFOLLOW),
    ROW("fremovexattr", NR_fremovexattr, 237, NONO_SC_RMXATTR, NONO_SC_ALWAYS, -1, -1, -1, -1, 0, -1, -1, 0),
    /* only the inode-flag commands (the filter checks the command) */
    ROW("ioctl", NR_ioctl, 54, NONO_SC_IOCTL, NONO_SC_ALWAYS, -1, -1, -1, -1, 0, -1, -1, 0),
    /* sockets by path (UNIX) below ABI 9, abstract ones below ABI 6, and the
     * proxy's address in proxy mode */
    ROW("connect", NR_connect, 362, NONO_SC_CONNECT, NONO_SC_SOCKETS, -1, -1, -1, -1, 0, -1, -1, 0),
    ROW("sendto", NR_sendto, 369, NONO_SC_SENDTO, NONO_SC_SOCKETS, -1, -1, -1, -1, 0, 3, -1, 0),
    ROW("listen", NR_listen, 363, NONO_SC_LISTEN, NONO_SC_BLOCKNET, -1, -1, -1, -1, 0, -1, -1, 0),
    ROW("bind", NR_bind, 361, NONO_SC_BIND, NONO_SC_TCPBIND, -1, -1, -1, -1, 0, -1, -1, 0),
    /* the rollback journal: what can destroy a path's state; truncation
     * also where Landlock cannot refuse it (ABI < 3); mkdir and rmdir
     * (unlinkat only with AT_REMOVEDIR) for the lock directories too */
    ROW("unlink", NR_unlink, 10, NONO_SC_UNLINK, NONO_SC_JOURNAL, -1, 0, -1, -1, -1, -1, -1, 0),
    ROW("unlinkat", NR_unlinkat, 301, NONO_SC_UNLINK, J_LOCKDIR, 0, 1, -1, -1, -1, 2, -1, 0),
    ROW("rmdir", NR_rmdir, 40, NONO_SC_UNLINK, J_LOCKDIR, -1, 0, -1, -1, -1, -1, -1, NONO_SC_RMDIR),
    ROW("rename", NR_rename, 38, NONO_SC_RENAME, NONO_SC_JOURNAL, -1, 0, -1, 1, -1, -1, -1, 0),
    ROW("renameat", NR_renameat, 302, NONO_SC_RENAME, NONO_SC_JOURNAL, 0, 1, 2, 3, -1, -1, -1, 0),
    ROW("renameat2", NR_renameat2, 353, NONO_SC_RENAME, NONO_SC_JOURNAL, 0, 1, 2, 3, -1, 4, -1, 0),
    ROW("truncate", NR_truncate, 92, NONO_SC_TRUNCATE, NONO_SC_JOURNAL | NONO_SC_TRUNC, -1, 0, -1, -1, -1, -1, -1, 0),
    ROW("ftruncate", NR_ftruncate, 93, NONO_SC_FTRUNCATE, NONO_SC_JOURNAL | NONO_SC_TRUNC, -1, -1, -1, -1, 0, -1, -1,
	0),
    ROW("creat", NR_creat, 8, NONO_SC_OPEN, J_OPEN, -1, 0, -1, -1, -1, -1, 1, NONO_SC_CREAT),
    ROW("open", NR_open, 5, NONO_SC_OPEN, J_OPEN, -1, 0, -1, -1, -1, 1, 2, 0),
    ROW("openat", NR_openat, 295, NONO_SC_OPEN, J_OPEN, 0, 1, -1, -1, -1, 2, 3, 0),
    ROW("openat2", 437, 437, NONO_SC_OPEN, NONO_SC_JOURNAL | NONO_SC_ELEVATE, 0, 1, -1, -1, -1, -1, -1,
	NONO_SC_OPENAT2),
    ROW("mkdir", NR_mkdir, 39, NONO_SC_MKDIR, J_LOCKDIR | NONO_SC_ELEVATE, -1, 0, -1, -1, -1, -1, 1, 0),
    ROW("mkdirat", NR_mkdirat, 296, NONO_SC_MKDIR, J_LOCKDIR | NONO_SC_ELEVATE, 0, 1, -1, -1, -1, -1, 2, 0),
    ROW("mknod", NR_mknod, 14, NONO_SC_MKNOD, NONO_SC_JOURNAL, -1, 0, -1, -1, -1, -1, 1, 0),
    ROW("mknodat", NR_mknodat, 297, NONO_SC_MKNOD, NONO_SC_JOURNAL, 0, 1, -1, -1, -1, -1, 2, 0),
    ROW("symlink", NR_symlink, 83, NONO_SC_SYMLINK, NONO_SC_JOURNAL, -1, 1, -1, 0, -1, -1, -1, 0),
    ROW("symlinkat", NR_symlinkat, 304, NONO_SC_SYMLINK, NONO_SC_JOURNAL, 1, 2, -1, 0, -1, -1, -1, 0),
    ROW("link", NR_link, 9, NONO_SC_LINK, NONO_SC_JOURNAL, -1, 0, -1, 1, -1, -1, -1, 0),
    ROW("linkat", NR_linkat, 303, NONO_SC_LINK, NONO_SC_JOURNAL, 0, 1, 2, 3, -1, 4, -1, 0),
    /* without a PID namespace: calls that act on another process by its
     * pid (Landlock scopes signals and ptrace, not these); the supervisor
     * lets through those on the sandbox's own processes */
    ROW("prlimit64", NR_prlimit64, 340, NONO_SC_PID, NONO_SC_HOSTPIDS, -1, -1, -1, -1, -1, -1, -1, NONO_SC_RLIMIT),
    ROW("setpriority", NR_setpriority, 97, NONO_SC_PID, NONO_SC_HOSTPIDS, -1, -1, -1, -1, -1, -1, -1, NONO_SC_PRIO),
    ROW("sched_setaffinity", NR_sched_setaffinity, 241, NONO_SC_PID, NONO_SC_HOSTPIDS, -1, -1, -1, -1, -1, -1, -1, 0),
    ROW("sched_setscheduler", NR_sched_setscheduler, 156, NONO_SC_PID, NONO_SC_HOSTPIDS, -1, -1, -1, -1, -1, -1, -1, 0),
    ROW("sched_setparam", NR_sched_setparam, 154, NONO_SC_PID, NONO_SC_HOSTPIDS, -1, -1, -1, -1, -1, -1, -1, 0),
    ROW("sched_setattr", NR_sched_setattr, 351, NONO_SC_PID, NONO_SC_HOSTPIDS, -1, -1, -1, -1, -1, -1, -1, 0),
    ROW("ioprio_set", NR_ioprio_set, 289, NONO_SC_PID, NONO_SC_HOSTPIDS, -1, -1, -1, -1, -1, -1, -1, NONO_SC_IOPRIO),
    /* 32-bit x86 forms without a native twin: refused in the filter */
    ROW("chown32", -1, 212, NONO_SC_REFUSE, NONO_SC_ALWAYS, -1, -1, -1, -1, -1, -1, -1, 0),
    ROW("lchown32", -1, 198, NONO_SC_REFUSE, NONO_SC_ALWAYS, -1, -1, -1, -1, -1, -1, -1, 0),
    ROW("fchown32", -1, 207, NONO_SC_REFUSE, NONO_SC_ALWAYS, -1, -1, -1, -1, -1, -1, -1, 0),
    ROW("utimensat_time64", -1, 412, NONO_SC_REFUSE, NONO_SC_ALWAYS, -1, -1, -1, -1, -1, -1, -1, 0),
    ROW("truncate64", -1, 193, NONO_SC_REFUSE, NONO_SC_JOURNAL | NONO_SC_TRUNC, -1, -1, -1, -1, -1, -1, -1, 0),
    ROW("ftruncate64", -1, 194, NONO_SC_REFUSE, NONO_SC_JOURNAL | NONO_SC_TRUNC, -1, -1, -1, -1, -1, -1, -1, 0),
    /* every socket call through one multiplexer, arguments in memory */
    ROW("socketcall", -1, 102, NONO_SC_REFUSE, NONO_SC_ALWAYS, -1, -1, -1, -1, -1, -1, -1, NONO_SC_NETCALL),
};
const size_t nono_n_syscalls = sizeof(nono_syscalls) / sizeof(nono_syscalls[0]);

unsigned
nono_syscalls_mask(bool block_net, bool journal, bool execs, bool truncate, bool sockets, bool tcp_bind, bool lock_dirs,
		   bool elevate, bool host_pids)
{
	return NONO_SC_ALWAYS | (journal ? NONO_SC_JOURNAL : 0) | (block_net ? NONO_SC_BLOCKNET : 0) |
	       (execs ? NONO_SC_EXECS : 0) | (truncate ? NONO_SC_TRUNC : 0) | (sockets ? NONO_SC_SOCKETS : 0) |
	       (tcp_bind ? NONO_SC_TCPBIND : 0) | (lock_dirs ? NONO_SC_LOCKDIR : 0) | (elevate ? NONO_SC_ELEVATE : 0) |
	       (host_pids ? NONO_SC_HOSTPIDS : 0);
}

int
nono_syscall_pid_arg(const struct nono_syscall *sc)
{
	return sc->fixed & (NONO_SC_PRIO | NONO_SC_IOPRIO) ? 1 : 0;
}

int
nono_syscall_pid_which(const struct nono_syscall *sc)
{
	return sc->fixed & NONO_SC_PRIO ? 0 : sc->fixed & NONO_SC_IOPRIO ? 1 : -1;
}

enum { FB_ANY, FB_BLOCKNET_NO_NETNS };

/* Below abi Landlock lacks the right, and the rows of "when" stand in. */
static const struct {
	int abi;
	unsigned when;
	int need;
	const char *right;
} fallbacks[] = {
    {3, NONO_SC_TRUNC, FB_ANY, "LANDLOCK_ACCESS_FS_TRUNCATE"},
    {4, NONO_SC_SOCKETS, FB_ANY, "LANDLOCK_ACCESS_NET_CONNECT_TCP (--block-net: connect refused)"},
    {4, NONO_SC_TCPBIND, FB_BLOCKNET_NO_NETNS, "LANDLOCK_ACCESS_NET_BIND_TCP"},
    {6, NONO_SC_SOCKETS, FB_ANY, "LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET"},
    {9, NONO_SC_SOCKETS, FB_ANY, "LANDLOCK_ACCESS_FS_RESOLVE_UNIX"},
};

unsigned
nono_syscalls_fallbacks(int abi, bool block_net, bool proxy, bool net_ns)
{
	unsigned when = proxy ? NONO_SC_SOCKETS : 0;

	for (size_t i = 0; i < sizeof(fallbacks) / sizeof(fallbacks[0]); i++)
		if (abi < fallbacks[i].abi && (fallbacks[i].need == FB_ANY || (block_net && !net_ns)))
			when |= fallbacks[i].when;
	return when;
}

const struct nono_syscall *
nono_syscall_by_nr(int nr)
{
	if (nr < 0)
		return NULL;
	for (size_t i = 0; i < nono_n_syscalls; i++)
		if (nono_syscalls[i].nr == nr)
			return &nono_syscalls[i];
	return NULL;
}

const struct nono_syscall *
nono_syscall_by_name(const char *name)
{
	for (size_t i = 0; i < nono_n_syscalls; i++)
		if (strcmp(nono_syscalls[i].name, name) == 0)
			return &nono_syscalls[i];
	return NULL;
}

/* Refused with EPERM in every sandbox: ways out of the sandbox or into the
 * kernel that no agent needs. */
const char *const nono_syscalls_denied[] = {
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

/* Newer calls that change what the rows above mediate, numbered alike on
 * every architecture: ENOSYS makes libc fall back to the mediated forms. */
const struct nono_syscall_enosys nono_syscalls_enosys[] = {
    {"setxattrat", 463}, {"removexattrat", 466}, {"open_tree_attr", 467}, {"file_setattr", 469}, {NULL, 0},
};
