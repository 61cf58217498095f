/* sys.h - every raw syscall nono makes, in one seam (both sides). Tests fake
 * an older kernel through NONO_TEST_LANDLOCK_ABI, read once by
 * nono_sys_landlock_abi(). */
#ifndef NONO_SYS_H
#define NONO_SYS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct sock_fprog;

int nono_sys_landlock_create_ruleset(const void *attr, size_t size, uint32_t flags);
int nono_sys_landlock_add_rule(int ruleset_fd, int type, const void *attr, uint32_t flags);
int nono_sys_landlock_restrict_self(int ruleset_fd, uint32_t flags);
/* The ABI in use: the kernel's, capped by NONO_TEST_LANDLOCK_ABI. 0 when none. */
int nono_sys_landlock_abi(void);
/* The kernel's own ABI and errata, uncapped. */
int nono_sys_landlock_kernel_abi(void);
int nono_sys_landlock_errata(void);

int nono_sys_seccomp_set_filter(const struct sock_fprog *prog, unsigned int flags);
int nono_sys_close_range_cloexec(unsigned int first);
/* fork(2) as a raw clone(2) with namespace flags (CLONE_NEWPID...). */
pid_t nono_sys_clone(unsigned long flags);
int nono_sys_pidfd_open(pid_t pid);
/* A pidfd for one thread (PIDFD_THREAD, Linux 6.9), or -1. */
int nono_sys_pidfd_open_thread(pid_t tid);
/* pidfd_getfd: a copy (the same open file, CLOEXEC) of the descriptor fd
 * of pidfd's process, or -1. */
int nono_sys_getfd(int pidfd, int fd);
struct open_how;
int nono_sys_openat2(int dirfd, const char *path, const struct open_how *how);
/* 0 when processes a and b share one descriptor table (kcmp KCMP_FILES). */
int nono_sys_kcmp_files(pid_t a, pid_t b);
/* A copy of pid's descriptor fd (CLOEXEC), or -1. */
int nono_sys_pidfd_getfd(pid_t pid, int fd);

#endif
