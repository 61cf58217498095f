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
#include <poll.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"
#include "base/sys.h"
#include "base/util.h"
#include "launch/spawn.h"
#include "sandbox/sandbox.h"
#include "sandbox/seccomp.h"
#include "supervisor/supervisor.h"

struct child_report {
	int stage;
	int err;
};

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

/* The listener, and who sent it: with SO_PASSCRED the kernel adds the
 * sender's pid as this side sees it (through the PID namespace). */
static int
recv_fd(int sock, pid_t *sender)
{
	char byte;
	struct iovec iov = {&byte, 1};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
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
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		if (c->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(c), sizeof(int));
		else if (c->cmsg_type == SCM_CREDENTIALS) {
			struct ucred cr;

			memcpy(&cr, CMSG_DATA(c), sizeof(cr));
			*sender = cr.pid;
		}
	}
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
	/* --max-processes, --memory: before anything else is made */
	if (s->cgroup_fd >= 0 && write(s->cgroup_fd, "0", 1) < 0)
		child_fail(errfd, NONO_STAGE_LIMITS, errno);
	if (s->rlim_as && setrlimit(RLIMIT_AS, &(struct rlimit){s->rlim_as, s->rlim_as}) < 0)
		child_fail(errfd, NONO_STAGE_LIMITS, errno);
	if (s->rlim_nproc && setrlimit(RLIMIT_NPROC, &(struct rlimit){s->rlim_nproc, s->rlim_nproc}) < 0)
		child_fail(errfd, NONO_STAGE_LIMITS, errno);
	if (s->refusal_fd > 0) {
		if (s->refusal_fd == NONO_REFUSAL_FD)
			(void)fcntl(NONO_REFUSAL_FD, F_SETFD, 0);
		else if (dup2(s->refusal_fd, NONO_REFUSAL_FD) < 0)
			child_fail(errfd, NONO_STAGE_PARENT, errno);
	}
	if (s->cwd && chdir(s->cwd) < 0)
		child_fail(errfd, NONO_STAGE_CWD, errno);
	if (s->drop_caps && (r = nono_sandbox_drop_caps()) < 0)
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
	bool netns;
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
	unsigned long flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | (plan->netns ? CLONE_NEWNET : 0);
	pid_t pid;

	plan->userns = geteuid() != 0;
	pid = nono_sys_clone(flags | (plan->userns ? CLONE_NEWUSER : 0));
	if (pid < 0 && errno == EPERM && !plan->userns) {
		plan->userns = true;
		pid = nono_sys_clone(flags | CLONE_NEWUSER);
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

/* The first line of a /proc or /sys file as a number, or -1. */
static long
proc_number(const char *path)
{
	char buf[32];
	FILE *f = fopen(path, "re");
	long v = -1;

	if (f) {
		if (fgets(buf, sizeof(buf), f))
			v = strtol(buf, NULL, 10);
		fclose(f);
	}
	return v;
}

/* From /proc/self/status: a seccomp filter on nono, and CAP_SYS_ADMIN. */
static void
self_status(bool *filtered, bool *sys_admin)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "re");

	*filtered = *sys_admin = false;
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Seccomp:", 8))
			*filtered = strtol(line + 8, NULL, 10) != 0;
		else if (!strncmp(line, "CapEff:", 7))
			*sys_admin = (strtoull(line + 7, NULL, 16) >> CAP_SYS_ADMIN) & 1;
	}
	if (f)
		fclose(f);
}

int
nono_spawn_pidns_check(char *why, size_t n)
{
	bool filtered, admin, userns, apparmor;
	int r;

	self_status(&filtered, &admin);
	userns = geteuid() != 0 || !admin;
	if (userns && proc_number("/proc/sys/user/max_user_namespaces") == 0) {
		snprintf(why, n, "user namespaces are off (user.max_user_namespaces = 0)");
		return -EPERM;
	}
	if (userns && geteuid() != 0 && proc_number("/proc/sys/kernel/unprivileged_userns_clone") == 0) {
		snprintf(why, n, "unprivileged user namespaces are off (kernel.unprivileged_userns_clone = 0)");
		return -EPERM;
	}
	apparmor = userns && proc_number("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1;
	if (!filtered && !apparmor)
		return 0;
	if ((r = nono_spawn_pidns_probe(&userns)) == 0)
		return 0;
	if (apparmor)
		snprintf(why, n, "AppArmor restricts unprivileged user namespaces (%s)", strerror(-r));
	else
		snprintf(why, n, "new %snamespaces are refused here (%s): a container or another sandbox",
			 userns ? "user " : "", strerror(-r));
	return r;
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
				/* a death by signal is said on the stop pipe first
				 * (as minus the signal): an init cannot die of one */
				int died = WIFSIGNALED(st) ? -WTERMSIG(st) : 0;

				if (died && write(3, &died, sizeof(died)) < 0)
					died = 0;
				_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
			}
		}
	}
}

/* The PID namespace's last word: the signal the program died of, said on
 * the stop pipe before its init exits. */
static void
drain_stops(struct nono_spawn *s)
{
	struct pollfd pf = {s->stopfd, POLLIN, 0};
	int sig;

	while (s->stopfd >= 0 && poll(&pf, 1, 0) == 1 && (pf.revents & POLLIN) &&
	       read(s->stopfd, &sig, sizeof(sig)) == (ssize_t)sizeof(sig))
		if (sig < 0)
			s->term_sig = -sig;
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
	    [NONO_STAGE_LIMITS] = "joining the session's cgroup or setting its rlimits failed",
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
		if (rep->stage == NONO_STAGE_SECCOMP && rep->err == EBUSY)
			nono_error_hint(err, "a sandbox that answers seccomp notifications (another nono) cannot run "
					     "nono inside it: the kernel allows one listener along a chain of filters");
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

/* ---- the parent's side, served by the supervisor's loop -------------------- */

/* The child's signals: SIGCHLD reaps it (and ends the loop when it ends);
 * the others are forwarded. */
static void
on_signal(void *ctx, int fd, short revents)
{
	struct nono_spawn *s = ctx;
	struct signalfd_siginfo si;
	int st;

	if (!(revents & POLLIN) || read(fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return;
	if (si.ssi_signo == SIGCHLD) {
		pid_t w;

		while ((w = waitpid(s->pid, &st, WNOHANG | WUNTRACED | WCONTINUED)) > 0) {
			if (WIFSTOPPED(st)) {
				/* the job was stopped: stop with it so the shell sees it */
				kill(s->self, SIGSTOP);
				kill(s->pid, SIGCONT);
			} else if (WIFEXITED(st) || WIFSIGNALED(st)) {
				s->status = status_code(st);
				if (WIFSIGNALED(st))
					s->term_sig = WTERMSIG(st);
				drain_stops(s);
				s->exited = true;
				nono_supervisor_stop(s->sv);
				return;
			}
		}
		return;
	}
	/* a signal from the kernel (the terminal) reached the child too */
	if (si.ssi_code != SI_KERNEL && (pid_t)si.ssi_pid != s->pid)
		kill(s->pid, (int)si.ssi_signo);
}

/* The error pipe: EOF at the program's exec, or the stage that failed. */
static void
on_error_pipe(void *ctx, int fd, short revents)
{
	struct nono_spawn *s = ctx;
	struct child_report rep;
	ssize_t n = read(fd, &rep, sizeof(rep));

	(void)revents;
	if (n < 0 && errno == EINTR)
		return;
	nono_supervisor_unwatch(s->sv, fd);
	s->t_exec = nono_now_us() - s->t0;
	if (n == (ssize_t)sizeof(rep)) {
		s->failed = true;
		report_failure(s, &rep, s->err);
	}
}

/* The program stopped in its namespace: stop with it so the shell sees
 * it, and continue it when continued. */
static void
on_stop(void *ctx, int fd, short revents)
{
	struct nono_spawn *s = ctx;
	int sig = 0;

	if (revents & POLLIN) {
		if (read(fd, &sig, sizeof(sig)) != (ssize_t)sizeof(sig))
			return;
		if (sig < 0) {
			s->term_sig = -sig; /* the program died of it */
		} else if (sig > 0) {
			kill(s->self, SIGSTOP);
			kill(s->pid, SIGCONT);
		}
	} else if (revents & (POLLHUP | POLLERR)) {
		nono_supervisor_unwatch(s->sv, fd);
		close(s->stopfd);
		s->stopfd = -1;
	}
}

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Signals, the error pipe, the socket the listener comes through and the
 * stop pipe, made before fork. */
static int
prepare(struct nono_spawn *s, int pipefd[2], int sock[2], int stop[2], struct nono_error *err)
{
	sigset_t mask;

	sigemptyset(&mask);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&mask, forwarded[i]);
	sigaddset(&mask, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &mask, &s->oldmask) < 0)
		return nono_error_set(err, -errno, "sigprocmask: %s", strerror(errno));
	s->masked = true;
	s->sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (s->sfd < 0 || pipe2(pipefd, O_CLOEXEC) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) < 0 ||
	    (s->pid_ns && pipe2(stop, O_CLOEXEC) < 0))
		return nono_error_set(err, -errno, "cannot set up the supervisor: %s", strerror(errno));
	setsockopt(sock[0], SOL_SOCKET, SO_PASSCRED, &(int){1}, sizeof(int));
	return 0;
}

static pid_t
fork_child(struct nono_spawn *s, struct ns_plan *plan, int pipefd[2], int sock[2], int stop[2])
{
	pid_t pid;

	fflush(NULL);
	s->t0 = nono_now_us();
	plan->netns = s->net_ns;
	pid = s->pid_ns ? ns_clone(plan) : fork();
	if (pid != 0)
		return pid;
	close(pipefd[0]);
	close(sock[0]);
	close(s->sfd);
	if (s->pid_ns) {
		close(stop[0]);
		ns_init(s, plan, pipefd[1], sock[1], stop[1], &s->oldmask);
	}
	child(s, pipefd[1], sock[1], s->self, &s->oldmask, false);
}

int
nono_spawn_start(struct nono_spawn *s, struct nono_supervisor *sv, struct nono_error *err)
{
	int pipefd[2] = {-1, -1}, sock[2] = {-1, -1}, stop[2] = {-1, -1}, nfd, st, r;
	struct ns_plan plan;

	s->sv = sv;
	s->err = err;
	s->self = getpid();
	s->status = 125;
	s->sfd = s->errfd = s->stopfd = -1;
	if ((r = prepare(s, pipefd, sock, stop, err)) < 0)
		goto out;
	ns_plan_init(&plan);
	s->pid = fork_child(s, &plan, pipefd, sock, stop);
	if (s->pid < 0 && s->pid_ns) {
		nono_error_set(err, -EPROTO, "cannot hide the host's processes: a PID namespace%s: %s; nothing was run",
			       plan.userns ? " in a user namespace" : "", strerror(errno));
		nono_error_hint(err, "user namespaces may be off (sysctl user.max_user_namespaces, "
				     "kernel.apparmor_restrict_unprivileged_userns); --no-pid-ns runs without");
		s->failed = true;
		r = err->code;
		goto out;
	}
	if (s->pid < 0) {
		r = nono_error_set(err, -errno, "fork: %s", strerror(errno));
		goto out;
	}
	close_fd(&pipefd[1]);
	close_fd(&sock[1]);
	close_fd(&stop[1]);
	nono_supervisor_set_child(sv, s->pid);
	if (s->after_fork && s->after_fork(s->after_fork_ctx, s->pid, err) < 0) {
		kill(s->pid, SIGKILL);
		while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR)
			;
		s->pid = -1;
		err->code = -EPROTO; /* exit 125: nothing ran */
		s->failed = true;
		r = err->code;
		goto out;
	}
	s->confined = s->pid;
	if ((nfd = recv_fd(sock[0], &s->confined)) >= 0)
		nono_supervisor_listen(sv, nfd);
	/* the order the loop serves them in: the error pipe first, signals last */
	s->errfd = pipefd[0];
	s->stopfd = stop[0];
	pipefd[0] = stop[0] = -1;
	nono_supervisor_watch(sv, s->errfd, on_error_pipe, s);
	if (s->stopfd >= 0)
		nono_supervisor_watch(sv, s->stopfd, on_stop, s);
	nono_supervisor_watch(sv, s->sfd, on_signal, s);
	r = 0;
out:
	for (int i = 0; i < 2; i++) {
		close_fd(&pipefd[i]);
		close_fd(&sock[i]);
		close_fd(&stop[i]);
	}
	return r;
}

int
nono_spawn_finish(struct nono_spawn *s, int *out_status, struct nono_error *err)
{
	int st;

	if (s->pid > 0 && !s->exited) {
		/* the loop failed: wait for the child all the same */
		while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR)
			;
		s->status = status_code(st);
		if (WIFSIGNALED(st))
			s->term_sig = WTERMSIG(st);
		drain_stops(s);
	}
	if (s->failed && !err->code)
		nono_error_set(err, -EPROTO, "the sandboxed child failed before exec");
	close_fd(&s->errfd);
	close_fd(&s->stopfd);
	close_fd(&s->sfd);
	if (s->masked)
		sigprocmask(SIG_SETMASK, &s->oldmask, NULL);
	s->masked = false;
	*out_status = s->status;
	return s->failed || (err->code && s->status == 125) ? (err->code ? err->code : -EPROTO) : 0;
}
