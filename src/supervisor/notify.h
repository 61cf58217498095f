/* notify.h - seccomp user notification, the supervisor's end: receive a
 * mediated call, check it still waits, answer it (raw ioctls on the
 * listener, so the loop and the workers that answer blocking calls can all
 * use it) (supervisor side). */
#ifndef NONO_NOTIFY_H
#define NONO_NOTIFY_H

#include <stdbool.h>

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

/* The next notification (blocking); 0 or -errno. */
int nono_notif_receive(int fd, struct nono_notif *out);
/* The call still waits for its answer (SECCOMP_IOCTL_NOTIF_ID_VALID). */
bool nono_notif_valid(int fd, unsigned long long id);
/* Answer with a result value, or fail the call with error (an errno). */
int nono_notif_answer(int fd, unsigned long long id, long long val, int error);
/* Let the call run as the program made it: only for exec, which nothing
 * else can perform (docs/SECURITY.md names the residual race). */
int nono_notif_continue(int fd, unsigned long long id);
/* Install srcfd in the caller and make its number the call's result.
 * The number, or -errno. */
int nono_notif_addfd(int fd, unsigned long long id, int srcfd, bool cloexec);
/* Install srcfd in the caller as its descriptor newfd, replacing what is
 * there (SECCOMP_ADDFD_FLAG_SETFD), without answering. 0 or -errno. */
int nono_notif_setfd(int fd, unsigned long long id, int srcfd, int newfd, bool cloexec);
/* Ask the kernel to hand the CPU straight between the sandbox and the
 * supervisor on each notification (Linux 6.6); harmless where unknown. */
void nono_notif_sync_wakeup(int fd);

#endif
