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
	bool block_net;	   /* refuse every non-UNIX socket but TCP, TCP Fast Open */
	bool journal;	   /* send destructive file operations to the supervisor */
	bool execs;	   /* send every exec to the supervisor (the blocklist's strict mode) */
	bool truncate;	   /* send truncation to the supervisor: Landlock lacks it (ABI < 3) */
	bool sockets;	   /* send connect and sendto with an address: their checks (ABI < 9, proxy mode) */
	bool tcp_bind;	   /* send bind: --block-net below ABI 4 without a network namespace (no
			    * prebuilt variant: built at launch) */
	bool lock_dirs;	   /* send mkdir and rmdir to the supervisor (filesystem.allow_lock_dir) */
	bool unsupervised; /* no supervisor (libnono's apply_self): nothing is sent, only refused */
	bool elevate;	   /* --capability-elevation: every open (reads too) and mkdir (no prebuilt
			    * variant: built at launch) */
	bool host_pids;	   /* no PID namespace: send the calls that name another process by pid
			    * (no prebuilt variant: built at launch) */
};

/* The prebuilt variants: one per combination of the options. */
#define NONO_SECCOMP_VARIANTS 64
/* A variant's options by its index (its bits: block_net 1, journal 2,
 * execs 4, truncate 8, sockets 16, lock_dirs 32) and back (-1: none is prebuilt). */
void nono_seccomp_variant_opts(struct nono_seccomp_opts *out, int v);
int nono_seccomp_variant(const struct nono_seccomp_opts *o);
/* The index of o's prebuilt variant, tcp_bind, elevate and host_pids left out. */
int nono_seccomp_variant_bits(const struct nono_seccomp_opts *o);
/* What the filter stands in for at Landlock abi (syscalls.h's table):
 * truncate, sockets and tcp_bind set from it, o->block_net and the launch's
 * proxy mode and network namespace; the rest of *o kept. */
void nono_seccomp_fallbacks(struct nono_seccomp_opts *o, int abi, bool proxy, bool net_ns);
/* The syscall table's "when" bits o turns on. */
unsigned nono_seccomp_mask(const struct nono_seccomp_opts *o);

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
/* The program for o: the prebuilt one, or where none is (tcp_bind,
 * elevate, host_pids) one
 * built now, before fork. 0 or -errno with err set; free with
 * nono_seccomp_free. */
int nono_seccomp_for(struct nono_seccomp *out, const struct nono_seccomp_opts *o, struct nono_error *err);
/* Child side: load the filter (no_new_privs must be set). 0 or -errno. */
int nono_seccomp_apply(const struct nono_seccomp *f);
void nono_seccomp_free(struct nono_seccomp *f);

/* Child side: load f and return the listener fd (or -errno). */
int nono_seccomp_apply_listener(const struct nono_seccomp *f);

/* The ioctl commands that change inode flags (0-terminated). */
extern const unsigned long nono_seccomp_attr_ioctls[];

/* libseccomp's number for a syscall on the native ABI or the 32-bit x86
 * one, -1 where it knows none (the tests check the table against it). */
int nono_seccomp_resolve(const char *name, bool i386);

/* The native ABI's AUDIT_ARCH_* value (what a notification carries). */
unsigned int nono_seccomp_arch_native(void);
/* libseccomp's view: version string and whether user notification works */
const char *nono_seccomp_version(void);
bool nono_seccomp_notify_supported(void);

#endif
