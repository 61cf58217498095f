/* sys.c - raw syscall wrappers; see sys.h (both sides: the child calls
 * restrict_self, set_filter and close_range between fork and exec). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <signal.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/sys.h"
#include "compat/landlock.h"

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule	     445
#define __NR_landlock_restrict_self  446
#endif
#ifndef __NR_close_range
#define __NR_close_range 436
#endif
#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#ifndef __NR_pidfd_getfd
#define __NR_pidfd_getfd 438
#endif
#ifndef __NR_openat2
#define __NR_openat2 437
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

int
nono_sys_landlock_create_ruleset(const void *attr, size_t size, uint32_t flags)
{
	return (int)syscall(__NR_landlock_create_ruleset, attr, size, flags);
}

int
nono_sys_landlock_add_rule(int ruleset_fd, int type, const void *attr, uint32_t flags)
{
	return (int)syscall(__NR_landlock_add_rule, ruleset_fd, type, attr, flags);
}

int
nono_sys_landlock_restrict_self(int ruleset_fd, uint32_t flags)
{
	return (int)syscall(__NR_landlock_restrict_self, ruleset_fd, flags);
}

int
nono_sys_landlock_kernel_abi(void)
{
	int v = nono_sys_landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	return v < 0 ? 0 : v;
}

int
nono_sys_landlock_errata(void)
{
	int v = nono_sys_landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_ERRATA);

	return v < 0 ? 0 : v;
}

int
nono_sys_landlock_abi(void)
{
	static int cached = -1;
	const char *cap;

	if (cached >= 0)
		return cached;
	cached = nono_sys_landlock_kernel_abi();
	cap = getenv("NONO_TEST_LANDLOCK_ABI");
	if (cap && *cap) {
		char *end;
		long c = strtol(cap, &end, 10);

		if (*end == '\0' && c >= 0 && c < cached)
			cached = (int)c;
	}
	return cached;
}

int
nono_sys_seccomp_set_filter(const struct sock_fprog *prog, unsigned int flags)
{
	return (int)syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, flags, prog);
}

int
nono_sys_close_range_cloexec(unsigned int first)
{
	return (int)syscall(__NR_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC);
}

pid_t
nono_sys_clone(unsigned long flags)
{
	/* no stack and no tid pointers: a fork with namespace flags, and
	 * none of glibc's fork handlers (the child calls no library code
	 * that could wait on a lock another thread held) */
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
}

int
nono_sys_pidfd_open(pid_t pid)
{
	return (int)syscall(__NR_pidfd_open, pid, 0);
}

int
nono_sys_pidfd_open_thread(pid_t tid)
{
	/* PIDFD_THREAD (Linux 6.9) is O_EXCL: a pidfd for one thread */
	return (int)syscall(__NR_pidfd_open, tid, O_EXCL);
}

int
nono_sys_getfd(int pidfd, int fd)
{
	return (int)syscall(__NR_pidfd_getfd, pidfd, fd, 0);
}

int
nono_sys_openat2(int dirfd, const char *path, const struct open_how *how)
{
	return (int)syscall(__NR_openat2, dirfd, path, how, sizeof(*how));
}

int
nono_sys_kcmp_files(pid_t a, pid_t b)
{
	/* KCMP_FILES (2): 0 when both share one descriptor table */
	return (int)syscall(__NR_kcmp, a, b, 2, 0, 0);
}

int
nono_sys_pidfd_getfd(pid_t pid, int fd)
{
	int pfd = nono_sys_pidfd_open(pid), r;

	if (pfd < 0)
		return -1;
	r = (int)syscall(__NR_pidfd_getfd, pfd, fd, 0);
	close(pfd);
	return r;
}
