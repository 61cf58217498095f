/* spawn.c - see spawn.h. The child side runs between fork and exec: it only
 * makes syscalls on data the parent prepared, and reports failure through a
 * CLOEXEC pipe before _exit(). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit/audit.h"
#include "base/log.h"
#include "base/sys.h"
#include "base/util.h"
#include "launch/spawn.h"
#include "net/openurl.h"
#include "sandbox/sandbox.h"
#include "sandbox/seccomp.h"
#include "supervisor/supervisor.h"

struct child_report {
	int stage;
	int err;
};

/* Capabilities a root process inside the sandbox loses: raw kernel memory,
 * modules, boot, kernel log, clock, device nodes, MAC, audit, BPF, tracing,
 * network and system administration, immutable flags, capability setting. */
static const int drop_caps[] = {
    CAP_SYS_RAWIO,
    CAP_SYS_MODULE,
    CAP_SYS_BOOT,
    CAP_SYSLOG,
    CAP_SYS_TIME,
    CAP_MKNOD,
    CAP_MAC_OVERRIDE,
    CAP_MAC_ADMIN,
    CAP_AUDIT_CONTROL,
    CAP_AUDIT_READ,
    CAP_BPF,
    CAP_PERFMON,
    CAP_SYS_PTRACE,
    CAP_NET_ADMIN,
    CAP_NET_RAW,
    CAP_SYS_ADMIN,
    CAP_LINUX_IMMUTABLE,
    CAP_SYS_TTY_CONFIG,
    CAP_CHECKPOINT_RESTORE,
    CAP_SETFCAP,
    CAP_WAKE_ALARM,
    CAP_BLOCK_SUSPEND,
    CAP_SETPCAP,
};

static int
child_drop_caps(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[2];

	for (size_t i = 0; i < sizeof(drop_caps) / sizeof(drop_caps[0]); i++)
		if (prctl(PR_CAPBSET_DROP, drop_caps[i], 0, 0, 0) < 0 && errno != EINVAL)
			return -errno;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	for (size_t i = 0; i < sizeof(drop_caps) / sizeof(drop_caps[0]); i++) {
		int c = drop_caps[i];

		data[c / 32].effective &= ~(1U << (c % 32));
		data[c / 32].permitted &= ~(1U << (c % 32));
		data[c / 32].inheritable &= ~(1U << (c % 32));
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	return 0;
}

static void __attribute__((noreturn)) child_fail(int fd, int stage, int e)
{
	struct child_report rep = {stage, e};
	ssize_t w;

	w = write(fd, &rep, sizeof(rep));
	(void)w;
	_exit(stage == NONO_STAGE_EXEC ? (e == ENOENT ? 127 : 126) : 125);
}

static int
send_fd(int sock, int fd)
{
	char byte = 'L';
	struct iovec iov = {&byte, 1};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	memset(u.buf, 0, sizeof(u.buf));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -errno;
}

static int
recv_fd(int sock)
{
	char byte;
	struct iovec iov = {&byte, 1};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *c;
	ssize_t n;
	int fd = -1;

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

static void __attribute__((noreturn))
child(const struct nono_spawn *s, int errfd, int sock, pid_t parent, const sigset_t *oldmask, bool new_proc)
{
	int r, lfd;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != parent)
		child_fail(errfd, NONO_STAGE_PARENT, errno ? errno : ESRCH);
	/* every inherited descriptor beyond 0-2 is closed at exec, but the one
	 * the launcher hands on, at NONO_KEEP_FD */
	if (nono_sys_close_range_cloexec(3) < 0) {
		for (int fd = 3; fd < 1024; fd++)
			if (fd != errfd)
				(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	if (s->keep_fd >= 0) {
		if (s->keep_fd == NONO_KEEP_FD)
			(void)fcntl(NONO_KEEP_FD, F_SETFD, 0);
		else if (dup2(s->keep_fd, NONO_KEEP_FD) < 0)
			child_fail(errfd, NONO_STAGE_PARENT, errno);
	}
	if (s->cwd && chdir(s->cwd) < 0)
		child_fail(errfd, NONO_STAGE_CWD, errno);
	if (s->drop_caps && (r = child_drop_caps()) < 0)
		child_fail(errfd, NONO_STAGE_CAPS, -r);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(errfd, NONO_STAGE_NNP, errno);
	if ((r = nono_sandbox_enter(s->sandbox, new_proc)) < 0)
		child_fail(errfd, NONO_STAGE_LANDLOCK, -r);
	/* the filter's listener goes to the supervisor, which answers every
	 * mediated syscall from here on, this process's execve included */
	if ((lfd = nono_seccomp_apply_listener(s->seccomp)) < 0)
		child_fail(errfd, NONO_STAGE_SECCOMP, -lfd);
	if ((r = send_fd(sock, lfd)) < 0)
		child_fail(errfd, NONO_STAGE_SECCOMP, -r);
	close(lfd);
	close(sock);
	sigprocmask(SIG_SETMASK, oldmask, NULL);
	execve(s->path, s->argv, s->envp);
	child_fail(errfd, NONO_STAGE_EXEC, errno);
}

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH, SIGTSTP, SIGCONT, SIGUSR1, SIGUSR2};

/* ---- the PID namespace ----------------------------------------------------
 * With pid_ns the supervisor's child is the namespace's init: it maps its
 * user (a user namespace when not root), mounts a private /proc that lists
 * only the sandbox's processes, then forks the child that confines itself
 * and execs. It stays behind, unconfined and allocation-free, because the
 * program must not be pid 1 (init ignores the signals it has no handler
 * for): it relays the supervisor's signals, reaps orphans, reports the
 * program's stops (init cannot stop itself) and exits with the program's
 * status, upon which the kernel kills whatever the program left running. */

struct ns_plan {
	bool userns;
	char uid_map[48], gid_map[48]; /* formatted before clone */
};

static int
write_proc_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), e;
	ssize_t n, len = (ssize_t)strlen(text);

	if (fd < 0)
		return -errno;
	n = write(fd, text, (size_t)len);
	e = n == len ? 0 : n < 0 ? -errno : -EIO;
	close(fd);
	return e;
}

/* In the new namespaces: map the one id, mount the private /proc. */
static int
ns_setup(const struct ns_plan *plan)
{
	int r;

	if (plan->userns && ((r = write_proc_file("/proc/self/setgroups", "deny")) < 0 ||
			     (r = write_proc_file("/proc/self/uid_map", plan->uid_map)) < 0 ||
			     (r = write_proc_file("/proc/self/gid_map", plan->gid_map)) < 0))
		return r;
	/* nothing mounted here may reach the host's mount table (the host's
	 * unmounts still reach here) */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0 ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return -errno;
	return 0;
}

static void
ns_plan_init(struct ns_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	snprintf(plan->uid_map, sizeof(plan->uid_map), "%u %u 1\n", (unsigned)geteuid(), (unsigned)geteuid());
	snprintf(plan->gid_map, sizeof(plan->gid_map), "%u %u 1\n", (unsigned)getegid(), (unsigned)getegid());
}

/* root makes the namespaces itself; anyone else (or a root without
 * CAP_SYS_ADMIN) inside a user namespace of one id */
static pid_t
ns_clone(struct ns_plan *plan)
{
	pid_t pid;

	plan->userns = geteuid() != 0;
	pid = nono_sys_clone(CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | (plan->userns ? CLONE_NEWUSER : 0));
	if (pid < 0 && errno == EPERM && !plan->userns) {
		plan->userns = true;
		pid = nono_sys_clone(CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUSER);
	}
	return pid;
}

int
nono_spawn_pidns_probe(bool *userns)
{
	struct ns_plan plan;
	pid_t pid;
	int st;

	ns_plan_init(&plan);
	fflush(NULL);
	pid = ns_clone(&plan);
	*userns = plan.userns;
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int r = ns_setup(&plan);

		_exit(r < 0 ? (-r & 0x7f) : 0);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : WIFEXITED(st) ? -WEXITSTATUS(st) : -EPROTO;
}

static void
relay_noop(int sig)
{
	(void)sig;
}

static void __attribute__((noreturn)) ns_init(const struct nono_spawn *s, const struct ns_plan *plan, int errfd,
					      int sock, int stopfd, const sigset_t *oldmask)
{
	struct sigaction sa;
	sigset_t mask;
	pid_t c;
	int r;

	/* the supervisor's death kills this init, and the kernel then kills
	 * every process of the namespace */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		child_fail(errfd, NONO_STAGE_PARENT, errno);
	if ((r = ns_setup(plan)) < 0)
		child_fail(errfd, NONO_STAGE_PIDNS, -r);
	/* an init drops the signals it has no handler for, even when they
	 * are blocked: handlers make them wait for sigwaitinfo() */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = relay_noop;
	sigemptyset(&mask);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++) {
		sigaction(forwarded[i], &sa, NULL);
		sigaddset(&mask, forwarded[i]);
	}
	sigaction(SIGCHLD, &sa, NULL);
	sigaddset(&mask, SIGCHLD);
	/* not vfork: a stop before the exec would then hang this init in
	 * the vfork wait, unable to report it */
	c = nono_sys_clone(0);
	if (c < 0)
		child_fail(errfd, NONO_STAGE_PIDNS, errno);
	if (c == 0) {
		close(stopfd);
		for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
			signal(forwarded[i], SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		child(s, errfd, sock, 1, oldmask, true);
	}
	/* keep only the stop pipe, as fd 3: the error pipe must reach EOF at
	 * the program's exec, the socket when its child dies first */
	if (stopfd != 3 && (dup2(stopfd, 3) < 0 || close(stopfd) < 0))
		_exit(125);
	if (syscall(SYS_close_range, 4U, ~0U, 0U) < 0)
		for (int fd = 4; fd < 1024; fd++)
			close(fd);
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&mask, &si), st;
		pid_t w;

		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			/* the terminal's signals reached the program already */
			if (si.si_code != SI_KERNEL)
				kill(c, sig);
			continue;
		}
		while ((w = waitpid(-1, &st, WNOHANG | WUNTRACED)) > 0) {
			if (w != c)
				continue; /* an orphan, reaped */
			if (WIFSTOPPED(st)) {
				int stop = WSTOPSIG(st);

				if (write(3, &stop, sizeof(stop)) < 0)
					kill(c, SIGCONT);
			} else {
				_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
			}
		}
	}
}

static int
status_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 125;
}

static int
report_failure(const struct nono_spawn *s, const struct child_report *rep, struct nono_error *err)
{
	static const char *const stages[] = {
	    [NONO_STAGE_PARENT] = "the supervisor went away",
	    [NONO_STAGE_CWD] = "cannot enter the working directory",
	    [NONO_STAGE_CAPS] = "dropping capabilities failed",
	    [NONO_STAGE_NNP] = "PR_SET_NO_NEW_PRIVS failed",
	    [NONO_STAGE_LANDLOCK] = "applying the Landlock ruleset failed",
	    [NONO_STAGE_SECCOMP] = "loading the seccomp filter failed",
	    [NONO_STAGE_PIDNS] = "setting up the PID namespace and its private /proc failed",
	};

	if (rep->stage == NONO_STAGE_EXEC) {
		nono_error_set(err, -rep->err, "cannot execute %s: %s", s->path, strerror(rep->err));
		if (rep->err == EACCES) {
			char *dir = strdup(s->path);
			char *slash = dir ? strrchr(dir, '/') : NULL;

			if (slash)
				*slash = '\0';
			nono_error_hint(err, "the sandbox may not grant execute there: add --read %s",
					dir && *dir ? dir : "/");
			free(dir);
		}
		return err->code;
	}
	if (rep->stage > 0 && rep->stage < NONO_STAGE_EXEC) {
		nono_error_set(err, -EPROTO, "%s: %s; nothing was run", stages[rep->stage], strerror(rep->err));
		if (rep->stage == NONO_STAGE_PIDNS)
			nono_error_hint(err,
					"--no-pid-ns runs without it (the host's processes stay visible in /proc)");
		return err->code;
	}
	return nono_error_set(err, -EPROTO, "the sandboxed child failed before exec");
}

int
nono_spawn_exit_code(const struct nono_error *err)
{
	if (err->code == -ENOENT)
		return 127;
	if (err->code == -EPROTO || err->code == 0)
		return 125;
	return 126;
}

static bool
handle_signal(pid_t pid, pid_t self, int sfd, int *out_status)
{
	struct signalfd_siginfo si;
	ssize_t n = read(sfd, &si, sizeof(si));
	int st;

	if (n != (ssize_t)sizeof(si))
		return false;
	if (si.ssi_signo == SIGCHLD) {
		pid_t w;

		while ((w = waitpid(pid, &st, WNOHANG | WUNTRACED | WCONTINUED)) > 0) {
			if (WIFSTOPPED(st)) {
				/* the job was stopped: stop with it so the shell sees it */
				kill(self, SIGSTOP);
				kill(pid, SIGCONT);
			} else if (WIFEXITED(st) || WIFSIGNALED(st)) {
				*out_status = status_code(st);
				return true;
			}
		}
		return false;
	}
	/* a signal from the kernel (the terminal) reached the child too */
	if (si.ssi_code != SI_KERNEL && (pid_t)si.ssi_pid != pid)
		kill(pid, (int)si.ssi_signo);
	return false;
}

int
nono_spawn_run(struct nono_spawn *s, int *out_status, struct nono_error *err)
{
	sigset_t mask, old;
	int pipefd[2] = {-1, -1}, sock[2] = {-1, -1}, stop[2] = {-1, -1}, sfd = -1, nfd = -1;
	struct ns_plan plan;
	pid_t pid, self = getpid();
	struct child_report rep;
	bool exec_seen = false, failed = false;
	ssize_t n;
	int st;
	double t0;

	*out_status = 125;
	sigemptyset(&mask);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&mask, forwarded[i]);
	sigaddset(&mask, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &mask, &old) < 0)
		return nono_error_set(err, -errno, "sigprocmask: %s", strerror(errno));
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0 || pipe2(pipefd, O_CLOEXEC) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) < 0) {
		nono_error_set(err, -errno, "cannot set up the supervisor: %s", strerror(errno));
		goto out;
	}
	ns_plan_init(&plan);
	if (s->pid_ns && pipe2(stop, O_CLOEXEC) < 0) {
		nono_error_set(err, -errno, "cannot set up the supervisor: %s", strerror(errno));
		goto out;
	}
	fflush(NULL);
	t0 = nono_now_us();
	pid = s->pid_ns ? ns_clone(&plan) : fork();
	if (pid < 0 && s->pid_ns) {
		nono_error_set(err, -EPROTO, "cannot hide the host's processes: a PID namespace%s: %s; nothing was run",
			       plan.userns ? " in a user namespace" : "", strerror(errno));
		nono_error_hint(err, "user namespaces may be off (sysctl user.max_user_namespaces, "
				     "kernel.apparmor_restrict_unprivileged_userns); --no-pid-ns runs without");
		failed = true;
		goto out;
	}
	if (pid < 0) {
		nono_error_set(err, -errno, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		close(pipefd[0]);
		close(sock[0]);
		close(sfd);
		if (s->pid_ns) {
			close(stop[0]);
			ns_init(s, &plan, pipefd[1], sock[1], stop[1], &old);
		}
		child(s, pipefd[1], sock[1], self, &old, false);
	}
	close(pipefd[1]);
	pipefd[1] = -1;
	close(sock[1]);
	sock[1] = -1;
	if (stop[1] >= 0) {
		close(stop[1]);
		stop[1] = -1;
	}
	if (s->supervisor)
		s->supervisor->child = pid;
	if (s->after_fork && s->after_fork(s->after_fork_ctx, pid, err) < 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		err->code = -EPROTO; /* exit 125: nothing ran */
		failed = true;
		goto out;
	}
	nfd = recv_fd(sock[0]);
	if (nfd >= 0)
		nono_seccomp_notif_sync_wakeup(nfd);
	close(sock[0]);
	sock[0] = -1;

	for (;;) {
		struct pollfd pf[7] = {
		    {.fd = sfd, .events = POLLIN},
		    {.fd = nfd, .events = POLLIN},
		    {.fd = exec_seen ? -1 : pipefd[0], .events = POLLIN},
		    {.fd = s->supervisor ? nono_audit_kernel_fd(s->supervisor->audit) : -1, .events = POLLIN},
		    {.fd = s->supervisor && s->supervisor->openurl ? s->supervisor->openurl->fd : -1, .events = POLLIN},
		    {.fd = stop[0], .events = POLLIN},
		    {.fd = s->supervisor ? nono_supervisor_done_fd(s->supervisor) : -1, .events = POLLIN},
		};

		if (poll(pf, 7, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[2].revents) {
			n = read(pipefd[0], &rep, sizeof(rep));
			if (n < 0 && errno == EINTR)
				continue;
			exec_seen = true;
			s->t_exec = nono_now_us() - t0;
			if (n == (ssize_t)sizeof(rep)) {
				failed = true;
				report_failure(s, &rep, err);
			}
		}
		if (pf[1].revents & POLLIN) {
			int hr = s->supervisor ? nono_supervisor_handle(s->supervisor, nfd) : -EBADF;

			/* a notification whose caller died (ENOENT) is nothing; any other
			 * failure stops mediation, and mediated calls then fail (ENOSYS) */
			if (hr < 0 && hr != -ENOENT && hr != -EINTR) {
				log_warn("supervisor: %s; mediated calls will fail from now on", strerror(-hr));
				close(nfd);
				nfd = -1;
			}
		} else if (pf[1].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			/* every process under the filter is gone */
			close(nfd);
			nfd = -1;
		}
		if (pf[6].revents & POLLIN)
			nono_supervisor_reap(s->supervisor);
		if (pf[3].revents & POLLIN)
			nono_audit_kernel_read(s->supervisor->audit);
		if (pf[4].revents & POLLIN)
			nono_openurl_serve(s->supervisor->openurl, s->supervisor->audit);
		if (pf[5].revents & POLLIN) {
			int sig;

			/* the program stopped in its namespace: stop with it so
			 * the shell sees it, and continue it when continued */
			if (read(stop[0], &sig, sizeof(sig)) == (ssize_t)sizeof(sig)) {
				kill(self, SIGSTOP);
				kill(pid, SIGCONT);
			}
		} else if (pf[5].revents & (POLLHUP | POLLERR)) {
			close(stop[0]);
			stop[0] = -1;
		}
		if ((pf[0].revents & POLLIN) && handle_signal(pid, self, sfd, out_status))
			goto done;
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	*out_status = status_code(st);
done:
	if (failed && !err->code)
		nono_error_set(err, -EPROTO, "the sandboxed child failed before exec");
out:
	if (nfd >= 0)
		close(nfd);
	for (int i = 0; i < 2; i++) {
		if (pipefd[i] >= 0)
			close(pipefd[i]);
		if (sock[i] >= 0)
			close(sock[i]);
		if (stop[i] >= 0)
			close(stop[i]);
	}
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return failed || (err->code && *out_status == 125) ? (err->code ? err->code : -EPROTO) : 0;
}
