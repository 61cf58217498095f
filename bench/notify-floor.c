/* notify-floor.c - the floor of one seccomp user-notification round trip
 * on this machine, without nono: a child opens a file N times under a
 * filter that sends openat to its parent, which answers CONTINUE at once.
 * Prints the child's cost per open; compare "bare" (no notification) with
 * the two ways of waiting, with and without the synchronous wake-up flag.
 *
 *   cc -O2 -o notify-floor bench/notify-floor.c
 *   ./notify-floor N MODE [SYNC]   MODE: bare | poll | recv; SYNC 1 (default) or 0
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP 1
#endif

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
send_fd(int s, int fd)
{
	char buf[CMSG_SPACE(sizeof(int))] = {0}, x = 'x';
	struct iovec io = {&x, 1};
	struct msghdr m = {.msg_iov = &io, .msg_iovlen = 1, .msg_control = buf, .msg_controllen = sizeof(buf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(fd));
	if (sendmsg(s, &m, 0) < 0)
		_exit(2);
}

static int
recv_fd(int s)
{
	char buf[CMSG_SPACE(sizeof(int))], x;
	struct iovec io = {&x, 1};
	struct msghdr m = {.msg_iov = &io, .msg_iovlen = 1, .msg_control = buf, .msg_controllen = sizeof(buf)};
	int fd = -1;

	if (recvmsg(s, &m, 0) <= 0 || !CMSG_FIRSTHDR(&m))
		exit(2);
	memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(fd));
	return fd;
}

static void
child(int s, int n, int bare)
{
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, bare ? SECCOMP_RET_ALLOW : SECCOMP_RET_USER_NOTIF),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {sizeof(f) / sizeof(f[0]), f};
	double t;
	int l;
	char go;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		_exit(2);
	l = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (l < 0)
		_exit(2);
	send_fd(s, l);
	close(l);
	if (read(s, &go, 1) != 1)
		_exit(2);
	t = now();
	for (int i = 0; i < n; i++) {
		int fd = open("/etc/passwd", O_RDONLY);

		if (fd < 0)
			_exit(3);
		close(fd);
	}
	printf("%.2f us per open\n", (now() - t) / n * 1e6);
	fflush(stdout);
	_exit(0);
}

int
main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[1]) : 0, sp[2], l;
	const char *mode = argc > 2 ? argv[2] : "";
	int sync = argc > 3 ? atoi(argv[3]) : 1;
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	pid_t pid;

	if (n <= 0 || (strcmp(mode, "bare") && strcmp(mode, "poll") && strcmp(mode, "recv"))) {
		fprintf(stderr, "usage: notify-floor N bare|poll|recv [SYNC]\n");
		return 2;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0 || (pid = fork()) < 0)
		return 1;
	if (pid == 0)
		child(sp[0], n, !strcmp(mode, "bare"));
	l = recv_fd(sp[1]);
	if (sync) {
		__u64 fl = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;

		if (ioctl(l, SECCOMP_IOCTL_NOTIF_SET_FLAGS, fl) < 0)
			perror("SECCOMP_IOCTL_NOTIF_SET_FLAGS");
	}
	if (write(sp[1], "g", 1) != 1)
		return 1;
	for (;;) {
		if (!strcmp(mode, "poll")) {
			struct pollfd p = {l, POLLIN, 0};

			if (poll(&p, 1, -1) < 0 || (p.revents & (POLLHUP | POLLERR)))
				break;
		}
		memset(&req, 0, sizeof(req));
		if (ioctl(l, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
			break;
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		ioctl(l, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
	waitpid(pid, NULL, 0);
	return 0;
}
