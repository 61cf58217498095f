/* notify.c - see notify.h (supervisor side: the loop and the workers). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/ioctl.h>

#include "base/log.h"
#include "sandbox/seccomp.h"
#include "sandbox/syscalls.h"
#include "supervisor/notify.h"

int
nono_notif_receive(int fd, struct nono_notif *out)
{
	struct seccomp_notif req;

	/* the kernel refuses a buffer that is not zeroed */
	memset(&req, 0, sizeof(req));
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return -errno;
	memset(out, 0, sizeof(*out));
	out->id = req.id;
	out->pid = (int)req.pid;
	out->arch = req.data.arch;
	out->nr = req.data.nr;
	for (int i = 0; i < 6; i++)
		out->args[i] = req.data.args[i];
	/* only the native ABI is ever sent here; anything else has no row */
	out->sc = req.data.arch == nono_seccomp_arch_native() ? nono_syscall_by_nr(req.data.nr) : NULL;
	return 0;
}

bool
nono_notif_valid(int fd, unsigned long long id)
{
	return ioctl(fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

int
nono_notif_answer(int fd, unsigned long long id, long long val, int error)
{
	struct seccomp_notif_resp resp = {.id = id};

	if (error)
		resp.error = error < 0 ? error : -error;
	else
		resp.val = val;
	return ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 ? -errno : 0;
}

int
nono_notif_continue(int fd, unsigned long long id)
{
	struct seccomp_notif_resp resp = {.id = id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE};

	return ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 ? -errno : 0;
}

#ifndef SECCOMP_IOCTL_NOTIF_ADDFD
#define SECCOMP_IOCTL_NOTIF_ADDFD SECCOMP_IOW(3, struct seccomp_notif_addfd)
#endif
#ifndef SECCOMP_ADDFD_FLAG_SEND
#define SECCOMP_ADDFD_FLAG_SEND (1UL << 1)
#endif

int
nono_notif_addfd(int fd, unsigned long long id, int srcfd, bool cloexec)
{
	struct seccomp_notif_addfd a = {.id = id,
					.flags = SECCOMP_ADDFD_FLAG_SEND,
					.srcfd = (unsigned)srcfd,
					.newfd_flags = cloexec ? O_CLOEXEC : 0};
	int r = ioctl(fd, SECCOMP_IOCTL_NOTIF_ADDFD, &a);

	if (r < 0 && errno == EINVAL) {
		/* before Linux 5.14: install, then answer with its number */
		a.flags = 0;
		if ((r = ioctl(fd, SECCOMP_IOCTL_NOTIF_ADDFD, &a)) < 0)
			return -errno;
		return nono_notif_answer(fd, id, r, 0) < 0 ? -errno : r;
	}
	return r < 0 ? -errno : r;
}

#ifndef SECCOMP_ADDFD_FLAG_SETFD
#define SECCOMP_ADDFD_FLAG_SETFD (1UL << 0)
#endif

int
nono_notif_setfd(int fd, unsigned long long id, int srcfd, int newfd, bool cloexec)
{
	struct seccomp_notif_addfd a = {.id = id,
					.flags = SECCOMP_ADDFD_FLAG_SETFD,
					.srcfd = (unsigned)srcfd,
					.newfd = (unsigned)newfd,
					.newfd_flags = cloexec ? O_CLOEXEC : 0};

	return ioctl(fd, SECCOMP_IOCTL_NOTIF_ADDFD, &a) < 0 ? -errno : 0;
}

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

void
nono_notif_sync_wakeup(int fd)
{
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) < 0)
		log_debug("seccomp notifications: no synchronous wake-up: %s", strerror(errno));
}
