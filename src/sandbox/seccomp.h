/* seccomp.h - the seccomp filters: built with libseccomp in the supervisor
 * before fork, exported as BPF, loaded by the child (both sides). Only this
 * module includes <seccomp.h>. */
#ifndef NONO_SECCOMP_H
#define NONO_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

struct sock_filter;

struct nono_seccomp_opts {
	bool block_net; /* refuse every non-UNIX socket but TCP, TCP Fast Open */
	bool journal;	/* send destructive file operations to the supervisor */
	bool execs;	/* send every exec to the supervisor (the blocklist's strict mode) */
};

struct nono_seccomp {
	struct sock_filter *insns;
	unsigned short len;
	unsigned n_rules;
	bool borrowed;
};

/* Compile with libseccomp (the build-time generator and the tests do). */
int nono_seccomp_build(struct nono_seccomp *out, const struct nono_seccomp_opts *o, struct nono_error *err);
/* The same program, compiled at build time (bpf-filters.h): what a launch
 * uses. The result borrows static storage; nono_seccomp_free is a no-op. */
void nono_seccomp_prebuilt(struct nono_seccomp *out, const struct nono_seccomp_opts *o);
/* Child side: load the filter (no_new_privs must be set). 0 or -errno. */
int nono_seccomp_apply(const struct nono_seccomp *f);
void nono_seccomp_free(struct nono_seccomp *f);

/* The ioctl commands that change inode flags (0-terminated). */
extern const unsigned long nono_seccomp_attr_ioctls[];

struct nono_syscall;

/* One mediated syscall, as the supervisor sees it. */
struct nono_notif {
	unsigned long long id;
	int pid; /* the calling thread, in the supervisor's PID namespace */
	unsigned int arch;
	int nr;
	const struct nono_syscall *sc; /* its row; NULL for anything not a native mediated call */
	unsigned long long args[6];
};
/* Child side: load f and return the listener fd (or -errno). */
int nono_seccomp_apply_listener(const struct nono_seccomp *f);
/* Supervisor side (any thread): the next notification (blocking); 0 or -errno. */
int nono_seccomp_notif_receive(int fd, struct nono_notif *out);
bool nono_seccomp_notif_valid(int fd, unsigned long long id);
/* Answer with a result value, or fail the call with error (an errno). */
int nono_seccomp_notif_answer(int fd, unsigned long long id, long long val, int error);
/* Let the call run as the program made it: only for exec, which nothing
 * else can perform (docs/SECURITY.md names the residual race). */
int nono_seccomp_notif_continue(int fd, unsigned long long id);
/* Install srcfd in the caller and make its number the call's result.
 * The number, or -errno. */
int nono_seccomp_notif_addfd(int fd, unsigned long long id, int srcfd, bool cloexec);
/* Ask the kernel to hand the CPU straight between the sandbox and the
 * supervisor on each notification (Linux 6.6); harmless where unknown. */
void nono_seccomp_notif_sync_wakeup(int fd);

/* libseccomp's number for a syscall on the native ABI or the 32-bit x86
 * one, -1 where it knows none (the tests check the table against it). */
int nono_seccomp_resolve(const char *name, bool i386);

/* libseccomp's view: version string and whether user notification works */
const char *nono_seccomp_version(void);
bool nono_seccomp_notify_supported(void);

#endif
