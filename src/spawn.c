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
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "sandbox.h"
#include "seccomp.h"
#include "spawn.h"
#include "sys.h"
#include "util.h"

struct child_report {
	int stage;
	int err;
};

/* Capabilities a root process inside the sandbox loses: raw kernel memory,
 * modules, boot, kernel log, clock, device nodes, MAC, audit, BPF, tracing,
 * network and system administration, immutable flags, capability setting. */
static const int drop_caps[] = {
	CAP_SYS_RAWIO,	     CAP_SYS_MODULE,  CAP_SYS_BOOT,	    CAP_SYSLOG,	       CAP_SYS_TIME,
	CAP_MKNOD,	     CAP_MAC_OVERRIDE, CAP_MAC_ADMIN,	    CAP_AUDIT_CONTROL, CAP_AUDIT_READ,
	CAP_BPF,	     CAP_PERFMON,     CAP_SYS_PTRACE,	    CAP_NET_ADMIN,     CAP_SYS_ADMIN,
	CAP_LINUX_IMMUTABLE, CAP_SYS_TTY_CONFIG, CAP_CHECKPOINT_RESTORE, CAP_SETFCAP, CAP_WAKE_ALARM,
	CAP_BLOCK_SUSPEND,   CAP_SETPCAP,
};

static int
child_drop_caps(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
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

static void __attribute__((noreturn))
child_fail(int fd, int stage, int e)
{
	struct child_report rep = { stage, e };
	ssize_t w;

	w = write(fd, &rep, sizeof(rep));
	(void)w;
	_exit(stage == NONO_STAGE_EXEC ? (e == ENOENT ? 127 : 126) : 125);
}

static void __attribute__((noreturn))
child(const struct nono_spawn *s, int errfd, pid_t parent, const sigset_t *oldmask)
{
	int r;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != parent)
		child_fail(errfd, NONO_STAGE_PARENT, errno ? errno : ESRCH);
	/* every inherited descriptor beyond 0-2 is closed at exec */
	if (nono_sys_close_range_cloexec(3) < 0) {
		for (int fd = 3; fd < 1024; fd++)
			if (fd != errfd)
				(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	if (s->cwd && chdir(s->cwd) < 0)
		child_fail(errfd, NONO_STAGE_CWD, errno);
	if (s->drop_caps && (r = child_drop_caps()) < 0)
		child_fail(errfd, NONO_STAGE_CAPS, -r);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(errfd, NONO_STAGE_NNP, errno);
	if ((r = nono_sandbox_enter(s->sandbox)) < 0)
		child_fail(errfd, NONO_STAGE_LANDLOCK, -r);
	if ((r = nono_seccomp_apply(s->seccomp)) < 0)
		child_fail(errfd, NONO_STAGE_SECCOMP, -r);
	sigprocmask(SIG_SETMASK, oldmask, NULL);
	execve(s->path, s->argv, s->envp);
	child_fail(errfd, NONO_STAGE_EXEC, errno);
}

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH, SIGTSTP, SIGCONT, SIGUSR1, SIGUSR2 };

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
	if (rep->stage > 0 && rep->stage < NONO_STAGE_EXEC)
		return nono_error_set(err, -EPROTO, "%s: %s; nothing was run", stages[rep->stage],
				      strerror(rep->err));
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

int
nono_spawn_run(struct nono_spawn *s, int *out_status, struct nono_error *err)
{
	sigset_t mask, old;
	int pipefd[2], sfd;
	pid_t pid, self = getpid();
	struct child_report rep;
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
	if (sfd < 0 || pipe2(pipefd, O_CLOEXEC) < 0) {
		nono_error_set(err, -errno, "cannot set up the supervisor: %s", strerror(errno));
		goto restore;
	}
	fflush(NULL);
	t0 = nono_now_us();
	pid = fork();
	if (pid < 0) {
		nono_error_set(err, -errno, "fork: %s", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		close(sfd);
		goto restore;
	}
	if (pid == 0) {
		close(pipefd[0]);
		close(sfd);
		child(s, pipefd[1], self, &old);
	}
	close(pipefd[1]);
	do
		n = read(pipefd[0], &rep, sizeof(rep));
	while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	s->t_exec = nono_now_us() - t0;
	if (n == (ssize_t)sizeof(rep)) {
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		close(sfd);
		report_failure(s, &rep, err);
		goto restore;
	}

	/* the supervisor loop: forward what a terminal did not already deliver */
	for (;;) {
		struct signalfd_siginfo si;

		n = read(sfd, &si, sizeof(si));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(si))
			break;
		if (si.ssi_signo == SIGCHLD) {
			pid_t w;

			while ((w = waitpid(pid, &st, WNOHANG | WUNTRACED | WCONTINUED)) > 0) {
				if (WIFSTOPPED(st)) {
					/* the job was stopped: stop with it so the shell sees it */
					kill(self, SIGSTOP);
					kill(pid, SIGCONT);
				} else if (WIFEXITED(st) || WIFSIGNALED(st)) {
					*out_status = status_code(st);
					close(sfd);
					sigprocmask(SIG_SETMASK, &old, NULL);
					return 0;
				}
			}
			continue;
		}
		/* a signal from the kernel (the terminal) reached the child too */
		if (si.ssi_code == SI_KERNEL)
			continue;
		if ((pid_t)si.ssi_pid == pid)
			continue;
		kill(pid, (int)si.ssi_signo);
	}
	/* the signalfd failed: fall back to a plain wait */
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	*out_status = status_code(st);
	close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return 0;
restore:
	sigprocmask(SIG_SETMASK, &old, NULL);
	return err->code ? err->code : -EPROTO;
}
