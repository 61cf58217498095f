/* session.c - see session.h (inside the sandbox). The user's shell runs
 * interactive on a pseudo-terminal whose master this process holds; the
 * real terminal is readline's while the shell waits at a prompt and passes
 * straight through (raw) while a command runs, so job control, Ctrl-C in a
 * loop, full-screen programs and stdin behave as in the shell itself. A
 * line goes in as typed input: the pty's line discipline echoes it, and
 * that echo (readline showed the line already) is dropped, up to its
 * newline, before anything the command prints. Only this module and
 * shell.c include readline. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <readline/readline.h>

#include "base/util.h"
#include "shell/session.h"

/* a line of the pty's canonical mode holds 4095 bytes */
#define MAX_LINE 4000

enum mode { RUNNING, PROMPT };

static struct {
	const struct nono_shell_hooks *h;
	int master, sigfd[2];
	pid_t child;
	struct termios orig, raw;
	enum mode mode;
	bool cont, exited;
	int status, exit_status;
	unsigned echo_skip; /* newlines of our own input still to drop */
	char mark[64];	    /* ESC ] 6973 ; NONCE ; */
	size_t mark_len;
	char held[256]; /* a marker's beginning, until the rest arrives */
	size_t n_held;
} s;

/* ---- the terminals ------------------------------------------------------------ */

static void
on_signal(int sig)
{
	char c = (char)sig;
	int saved = errno;
	ssize_t w = write(s.sigfd[1], &c, 1);

	(void)w;
	errno = saved;
}

static void
real_tty(bool raw)
{
	tcsetattr(STDIN_FILENO, TCSADRAIN, raw ? &s.raw : &s.orig);
}

static void
copy_winsize(void)
{
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(s.master, TIOCSWINSZ, &ws);
}

static void
out(const char *buf, size_t n)
{
	if (!n)
		return;
	if (s.mode == PROMPT) {
		/* a background job wrote while the prompt waits: above it */
		rl_clear_visible_line();
		(void)nono_write_all(STDOUT_FILENO, buf, n);
		rl_forced_update_display();
	} else {
		(void)nono_write_all(STDOUT_FILENO, buf, n);
	}
}

static void
to_master(const char *buf, size_t n)
{
	(void)nono_write_all(s.master, buf, n);
}

/* ---- the prompt ------------------------------------------------------------------ */

static void on_line(char *line);

static void
install_prompt(void)
{
	char *p = s.h->prompt(s.status, s.cont);

	rl_callback_handler_install(p, on_line);
	free(p);
}

/* the shell's working directory becomes ours: the prompt shows it and
 * completion lists it */
static void
follow_cwd(void)
{
	char link[64];
	int fd;

	snprintf(link, sizeof(link), "/proc/%d/cwd", (int)s.child);
	if ((fd = open(link, O_PATH | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		int r = fchdir(fd); /* else the prompt keeps the last one */

		(void)r;
		close(fd);
	}
}

static void
at_prompt(bool cont, int status)
{
	if (s.mode == PROMPT) {
		/* typed ahead while a command ran: the shell read it itself */
		char *p;

		s.cont = cont;
		if (!cont)
			s.status = status;
		p = s.h->prompt(s.status, cont);

		rl_set_prompt(p);
		free(p);
		rl_forced_update_display();
		return;
	}
	real_tty(false);
	s.cont = cont;
	if (!cont) {
		s.status = status;
		follow_cwd();
		s.h->after(status);
	}
	fflush(NULL);
	s.mode = PROMPT;
	install_prompt();
}

static void
to_running(void)
{
	s.mode = RUNNING;
	real_tty(true);
}

/* Send the shell a line as typed input: control characters quoted with
 * the literal-next character, so none edits the line or signals. */
static void
send_line(const char *line)
{
	struct termios t;
	size_t n = strlen(line), k = 0, nl = 1;
	char *buf = xmalloc(2 * n + 2);
	cc_t lnext = s.orig.c_cc[VLNEXT] ? s.orig.c_cc[VLNEXT] : 026;

	for (const char *p = line; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '\n')
			nl++;
		else if ((c < 0x20 && c != '\t') || c == 0x7f)
			buf[k++] = (char)lnext;
		buf[k++] = (char)c;
	}
	buf[k++] = '\n';
	/* the line discipline echoes what it receives, unless echo is off */
	s.echo_skip = tcgetattr(s.master, &t) == 0 && (t.c_lflag & ECHO) && (t.c_lflag & ICANON) ? nl : 0;
	to_running();
	to_master(buf, k);
	free(buf);
}

static bool
too_long(const char *line)
{
	for (const char *p = line; *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n > MAX_LINE)
			return true;
		p += n + (e ? 1 : 0);
	}
	return false;
}

/* readline's line: ours (a builtin), refused, or the shell's */
static void
on_line(char *line)
{
	int st = 0, r;

	rl_callback_handler_remove();
	if (!line) {
		/* Ctrl-D on an empty line: the shell's end of input, which
		 * exits it (or warns of stopped jobs, as it would) */
		putchar('\n');
		fflush(stdout);
		s.echo_skip = 0;
		to_running();
		to_master((const char *)&s.orig.c_cc[VEOF], 1);
		return;
	}
	if (*line)
		s.h->history_add(line);
	if (too_long(line)) {
		fprintf(stderr, "nono shell: a line of more than %d bytes; put it in a script\n", MAX_LINE);
		r = -1;
		st = 2;
	} else {
		r = s.h->line(line, s.cont, &st);
	}
	if (r == 0) {
		send_line(line);
	} else if (r < 0 && s.cont) {
		/* the construct begun is abandoned: the shell's own Ctrl-C */
		to_running();
		to_master((const char *)&s.orig.c_cc[VINTR], 1);
	} else {
		s.status = st;
		install_prompt();
	}
	free(line);
}

/* Ctrl-C at the prompt: what was typed is discarded, never kept for the
 * next Enter; '^C' and a fresh prompt on a line of their own, as bash
 * does. In a continuation, the shell drops the construct begun. */
static void
discard_line(void)
{
	rl_free_line_state();
	rl_callback_sigcleanup();
	rl_replace_line("", 0);
	rl_point = rl_end = rl_mark = 0;
	if (s.cont) {
		/* the pty echoes the '^C', the shell its newline and prompt */
		rl_callback_handler_remove();
		s.echo_skip = 0;
		to_running();
		to_master((const char *)&s.orig.c_cc[VINTR], 1);
		return;
	}
	/* the shell's $? is unchanged: so is the prompt's */
	fputs("^C", stdout);
	rl_crlf();
	fflush(stdout);
	{
		char *p = s.h->prompt(s.status, false);

		rl_set_prompt(p);
		free(p);
	}
	rl_on_new_line();
	rl_redisplay();
}

/* ---- what the shell prints --------------------------------------------------------- */

/* The marker at buf (which starts with ESC): its length when complete
 * (*cont, *status set), 0 when it may still be one, -1 when it is not. */
static int
marker(const char *buf, size_t n, bool *cont, int *status)
{
	size_t i = s.mark_len;

	if (n < s.mark_len)
		return memcmp(buf, s.mark, n) == 0 ? 0 : -1;
	if (memcmp(buf, s.mark, s.mark_len) != 0)
		return -1;
	if (i >= n)
		return 0;
	if (buf[i] == 'C') {
		if (i + 1 >= n)
			return 0;
		*cont = true;
		return buf[i + 1] == '\a' ? (int)i + 2 : -1;
	}
	if (buf[i] != 'P')
		return -1;
	*status = 0;
	for (i++; i < n && buf[i] >= '0' && buf[i] <= '9' && i < s.mark_len + 6; i++)
		*status = *status * 10 + (buf[i] - '0');
	if (i >= n)
		return 0;
	*cont = false;
	return buf[i] == '\a' ? (int)i + 1 : -1;
}

static void
scan(const char *buf, size_t n)
{
	size_t i = 0;

	while (i < n) {
		const char *esc;
		size_t run;
		bool cont = false;
		int st = 0, m;

		if (s.echo_skip) {
			const char *nl = memchr(buf + i, '\n', n - i);

			if (!nl)
				return;
			s.echo_skip--;
			i = (size_t)(nl - buf) + 1;
			continue;
		}
		esc = memchr(buf + i, '\033', n - i);
		run = esc ? (size_t)(esc - buf) - i : n - i;
		out(buf + i, run);
		i += run;
		if (i >= n)
			return;
		m = marker(buf + i, n - i, &cont, &st);
		if (m == 0 && n - i < sizeof(s.held)) {
			memcpy(s.held, buf + i, n - i);
			s.n_held = n - i;
			return;
		}
		if (m > 0) {
			i += (size_t)m;
			at_prompt(cont, st);
		} else {
			out(buf + i, 1);
			i++;
		}
	}
}

static void
from_master(void)
{
	char buf[8192 + sizeof(s.held)];
	ssize_t n;
	size_t k = s.n_held;

	memcpy(buf, s.held, k);
	s.n_held = 0;
	n = read(s.master, buf + k, sizeof(buf) - k);
	if (n <= 0) {
		/* every process on the pty is gone (EIO) */
		if (n < 0 && errno == EINTR)
			return;
		out(buf, k);
		s.exited = true;
		return;
	}
	scan(buf, k + (size_t)n);
}

/* ---- the loop -------------------------------------------------------------------- */

static void
reap(bool block)
{
	int st;
	pid_t r;

	while ((r = waitpid(s.child, &st, block ? 0 : WNOHANG)) < 0 && errno == EINTR)
		;
	if (r == s.child && (WIFEXITED(st) || WIFSIGNALED(st))) {
		s.exit_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		s.child = 0;
	}
}

static void
on_signals(void)
{
	char c[16];
	ssize_t n = read(s.sigfd[0], c, sizeof(c));

	for (ssize_t i = 0; i < n; i++) {
		if (c[i] == SIGINT && s.mode == PROMPT)
			discard_line();
		else if (c[i] == SIGWINCH) {
			copy_winsize();
			if (s.mode == PROMPT)
				rl_resize_terminal();
		} else if (c[i] == SIGCHLD && s.child) {
			reap(false);
		}
	}
}

static void
from_user(void)
{
	char buf[4096];
	ssize_t n;

	if (s.mode == PROMPT) {
		rl_callback_read_char();
		return;
	}
	n = read(STDIN_FILENO, buf, sizeof(buf));
	if (n > 0)
		to_master(buf, (size_t)n);
	else if (n == 0 || errno != EINTR)
		s.exited = true; /* the terminal hung up */
}

static void
loop(void)
{
	while (!s.exited && s.child) {
		struct pollfd p[3] = {{.fd = STDIN_FILENO, .events = POLLIN},
				      {.fd = s.master, .events = POLLIN},
				      {.fd = s.sigfd[0], .events = POLLIN}};

		if (poll(p, 3, -1) < 0) {
			if (errno != EINTR)
				break;
			continue;
		}
		if (p[2].revents)
			on_signals();
		if (p[1].revents)
			from_master();
		if (p[0].revents & (POLLIN | POLLHUP) && !s.exited)
			from_user();
	}
	/* what the shell printed last (its 'exit'), then its status */
	fcntl(s.master, F_SETFL, fcntl(s.master, F_GETFL) | O_NONBLOCK);
	while (!s.exited)
		from_master();
	if (s.child) {
		kill(s.child, SIGHUP);
		reap(true);
	}
}

/* ---- the shell on its pty ------------------------------------------------------------- */

static void __attribute__((noreturn)) child(const char *pts, char *const *argv, char *const *envp)
{
	static const int sigs[] = {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGCHLD, SIGWINCH, SIGPIPE};
	sigset_t none;
	int fd;

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsid();
	if ((fd = open(pts, O_RDWR)) < 0) {
		perror("nono-shell: the terminal of the shell");
		_exit(125);
	}
	ioctl(fd, TIOCSCTTY, 0);
	tcsetattr(fd, TCSANOW, &s.orig);
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
	execve(argv[0], argv, envp);
	fprintf(stderr, "nono-shell: %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int
open_pty(char **pts)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	char *name;

	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 || !(name = ptsname(m))) {
		int e = errno;

		if (m >= 0)
			close(m);
		return -e;
	}
	*pts = xstrdup(name);
	return m;
}

int
nono_shell_session_run(char *const *argv, char *const *envp, const char *nonce, const struct nono_shell_hooks *h)
{
	struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART */
	char *pts = NULL;

	memset(&s, 0, sizeof(s));
	s.h = h;
	s.exit_status = 125;
	snprintf(s.mark, sizeof(s.mark), "\033]6973;%s;", nonce);
	s.mark_len = strlen(s.mark);
	if (tcgetattr(STDIN_FILENO, &s.orig) < 0 || (s.master = open_pty(&pts)) < 0 ||
	    pipe2(s.sigfd, O_CLOEXEC | O_NONBLOCK) < 0) {
		fprintf(stderr, "nono-shell: cannot make the shell's terminal: %s\n",
			strerror(s.master < 0 ? -s.master : errno));
		free(pts);
		return 125;
	}
	s.raw = s.orig;
	cfmakeraw(&s.raw);
	copy_winsize();
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	rl_catch_signals = 0; /* the loop handles SIGINT itself */
	rl_catch_sigwinch = 0;
	fflush(NULL);
	if ((s.child = fork()) < 0) {
		perror("nono-shell: fork");
		free(pts);
		return 125;
	}
	if (s.child == 0)
		child(pts, argv, envp);
	free(pts);
	to_running();
	loop();
	if (s.mode == PROMPT)
		rl_callback_handler_remove();
	real_tty(false);
	close(s.master);
	close(s.sigfd[0]);
	close(s.sigfd[1]);
	return s.exit_status;
}
