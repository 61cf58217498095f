/* nono.h - libnono: start programs confined by nono's kernel sandbox
 * (Landlock and seccomp, supervised), or confine the calling process.
 *
 * A sandbox is built by calls that only record what is asked
 * (nono_sandbox_allow, nono_sandbox_set, ...): nothing touches the system
 * until nono_sandbox_validate, nono_sandbox_spawn or nono_sandbox_apply_self.
 * Every setting goes through the table that reads nono's flags and profile
 * keys, so "filesystem.read" here, '--read' on the command line and
 * "filesystem": {"read": [...]} in a profile are one setting.
 *
 * Errors: calls that can fail return 0 or a negative errno and, when err is
 * not NULL, set *err to an error the caller frees with nono_error_release
 * (a message and, where there is one, a hint). On success *err is left
 * untouched. The library never exits, never prints (a spawned program's
 * banner only when asked: "silent" is the default) and never changes the
 * caller's signal handlers, signal mask or working directory.
 *
 * Threads: a nono_sandbox is used by one thread at a time. Spawning forks a
 * supervisor process; the caller's threads are not copied into it. A
 * nono_child holds the supervisor's pid, its status once collected and the
 * session's id: it may be handed to another thread (any thread may wait for
 * the child), but is used by one thread at a time, and released once.
 */
#ifndef NONO_H
#define NONO_H

#include <stdbool.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this API; changes only when a call's meaning does. */
#define NONO_API_VERSION 1

typedef struct nono_lib_sandbox nono_sandbox; /* what a launch may do (opaque) */
typedef struct nono_lib_child nono_child;     /* a running, supervised program (opaque) */
typedef struct nono_error nono_error;	      /* what went wrong (opaque) */

/* Access for nono_sandbox_allow; a path that is a file gets a file grant. */
#define NONO_ACCESS_READ      1u
#define NONO_ACCESS_WRITE     2u
#define NONO_ACCESS_READWRITE (NONO_ACCESS_READ | NONO_ACCESS_WRITE)

/* The library's version ("0.1.0"); static. */
const char *nono_version(void);

/* A new, empty sandbox: the program it starts reaches the system's
 * read-only paths and nothing of the user's. NULL when out of memory.
 * Freed by nono_sandbox_destroy (NULL is fine). */
nono_sandbox *nono_sandbox_create(void);
void nono_sandbox_destroy(nono_sandbox *sb);

/* One setting by its profile key ("filesystem.read", "network.block",
 * "security.strict_exec", ...) or its flag's name without the dashes
 * ("read", "allow", "block-net", "profile", "rollback", "no-audit"). value
 * is the setting's argument, or NULL for a switch. Both strings are copied.
 * -EINVAL with err for an unknown key or a bad value. */
int nono_sandbox_set(nono_sandbox *sb, const char *key, const char *value, nono_error **err);

/* Shorthands for the usual settings. */
int nono_sandbox_allow(nono_sandbox *sb, const char *path, unsigned access, nono_error **err);
int nono_sandbox_block_network(nono_sandbox *sb, nono_error **err);
int nono_sandbox_allow_domain(nono_sandbox *sb, const char *host, nono_error **err);
/* A built-in profile's name, an installed one's, or a profile file's path. */
int nono_sandbox_use_profile(nono_sandbox *sb, const char *name_or_path, nono_error **err);
/* The rollback journal (on by default for writable grants) and the audit
 * trail (on by default). */
int nono_sandbox_set_rollback(nono_sandbox *sb, bool on, nono_error **err);
int nono_sandbox_set_audit(nono_sandbox *sb, bool on, nono_error **err);
/* The program's working directory (default: the caller's). Copied. */
int nono_sandbox_set_workdir(nono_sandbox *sb, const char *dir, nono_error **err);
/* The program's standard input, output and error: descriptors of the
 * caller's, duplicated at spawn (-1: the caller's own 0, 1 or 2). Any
 * descriptor may be given for any of them (stdout as 0, or 1 as 1 even
 * when close-on-exec). */
void nono_sandbox_set_stdio(nono_sandbox *sb, int in, int out, int err_fd);
/* Print nono's banner and end-of-run report on the program's standard
 * error (off by default). */
void nono_sandbox_set_verbose(nono_sandbox *sb, bool on);

/* Check everything a spawn would refuse (the policy, the profile, what
 * this kernel can enforce) without running anything or making anything on
 * disk. 0, or a negative errno with err. */
int nono_sandbox_validate(nono_sandbox *sb, nono_error **err);

/* Start argv (argv[0] found on PATH as 'nono run' does) in the sandbox,
 * under a supervisor process of its own. Returns once the program runs, or
 * with the reason it could not (then nothing ran). *out is freed by
 * nono_child_release, which does not stop the program. */
int nono_sandbox_spawn(nono_sandbox *sb, const char *const argv[], nono_child **out, nono_error **err);

/* Confine the calling process itself, for good: Landlock with the
 * sandbox's grants and nono's seccomp hardening. It cannot be undone.
 * What it shares with 'nono run': as root (effective uid 0), the same
 * administrative capabilities are dropped (CAP_SYS_ADMIN, CAP_NET_ADMIN,
 * CAP_SYS_PTRACE, CAP_MKNOD, CAP_SETFCAP, CAP_LINUX_IMMUTABLE, ...), so no
 * security.capability xattr can be set; the filter refuses a setuid or
 * setgid mode (chmod, fchmod, fchmodat, fchmodat2, mknod, mknodat, creat,
 * open and openat with O_CREAT or O_TMPFILE) with EPERM, and openat2 with
 * ENOSYS (its mode is out of the filter's reach; programs fall back to
 * openat); the hardening list, TIOCSTI, raw sockets and --block-net's
 * socket rules are the same.
 * There is no supervisor, and so, unlike 'nono run', NOT mediated:
 * - pathname UNIX sockets outside the grants: connect and sendto to one
 *   go through below Landlock ABI 9 (LANDLOCK_ACCESS_FS_RESOLVE_UNIX);
 *   abstract ones are scoped from ABI 6, TCP ports from ABI 4;
 * - the calls Landlock does not cover, on files outside the grants (by
 *   path; the process's credentials alone decide): chmod (but for the
 *   setuid and setgid bits), chown, utime/utimes/utimensat, the setxattr
 *   and removexattr families, inode-flag ioctls; truncate below ABI 3;
 * - other processes: there is no PID namespace. Signals to processes
 *   outside the sandbox are refused from Landlock ABI 6
 *   (LANDLOCK_SCOPE_SIGNAL), ptrace by Landlock and the dropped
 *   CAP_SYS_PTRACE, but setpriority, prlimit, sched_setaffinity,
 *   sched_setscheduler and the like on any pid the process's credentials
 *   allow still work;
 * - exec: no command blocklist on each exec;
 * - no rollback journal and no audit trail.
 * Threads: call it while the process has one thread. Landlock confines
 * every thread of the process only on Landlock ABI 8 and later (TSYNC);
 * before that only the calling thread and the threads it starts later. The
 * seccomp filter is loaded without TSYNC, on any kernel: threads that
 * already run keep every system call.
 * 0, or a negative errno with err: then nothing was applied, except that
 * the capabilities may have been dropped already, and for
 * -ENOTRECOVERABLE, where Landlock confines the process but the seccomp
 * filter is not loaded. A process half confined so should exit. */
int nono_sandbox_apply_self(nono_sandbox *sb, nono_error **err);

/* Wait for the program to end (blocking). *status: its exit status, or 128
 * plus the signal that killed it, as 'nono run' exits; 125 when the
 * supervisor failed. 0, or a negative errno (-ECHILD once collected). */
int nono_child_wait(nono_child *c, int *status);
/* Send sig to the program, through its supervisor (which passes SIGINT,
 * SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 on; SIGKILL kills the
 * supervisor, and the program with it). 0 or a negative errno. */
int nono_child_signal(nono_child *c, int sig);
/* The supervisor's process id. */
pid_t nono_child_pid(const nono_child *c);
/* The session's id: 'nono audit show ID', 'nono rollback show ID'. Valid
 * until nono_child_release. */
const char *nono_child_session_id(const nono_child *c);
void nono_child_release(nono_child *c);

/* The error's negative errno, its one-line message, its hint ("" when it
 * has none). The strings live as long as the error. */
int nono_error_get_code(const nono_error *e);
const char *nono_error_get_message(const nono_error *e);
const char *nono_error_get_hint(const nono_error *e);
void nono_error_release(nono_error *e);

#ifdef __cplusplus
}
#endif

#endif
