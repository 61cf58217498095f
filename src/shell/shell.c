/* shell.c - nono-shell, the interactive capability shell (runs inside the
 * sandbox: 'nono shell' starts it as the sandboxed program, so the process
 * reading the keystrokes is confined before the first prompt). Only this
 * module includes readline. Each line is checked against the command
 * blocklist, then run as SHELL -c LINE; the supervisor outside mediates what
 * the pre-check cannot see. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "base/log.h"
#include "base/util.h"
#include "launch/capfile.h"
#include "policy/policy.h"
#include "policy/why.h"

static struct nono_policy policy;
static const char *shell = "/bin/sh";
static int history_fd = -1;
static bool interactive;
static int last_status;
static pid_t stopped_pgid;
static char *stopped_line;

/* ---- the pre-check: every command word of a line ------------------------- */

static bool
is_separator_word(const char *w)
{
	static const char *const kw[] = {"if",	  "then", "else", "elif", "fi",	  "do",	  "done",    "while",
					 "until", "!",	  "{",	  "}",	  "time", "exec", "command", "builtin",
					 "nohup", "nice", "env",  "case", "esac", "in",	  NULL};

	for (size_t i = 0; kw[i]; i++)
		if (strcmp(w, kw[i]) == 0)
			return true;
	return false;
}

/* Split line into words, marking where a new command starts (after | ; &
 * && || ( ) $( ` and newlines). Quotes are honoured; the words of
 * $(...) and `...` are scanned as commands too. */
static void
command_words(const char *line, struct nono_strv *out)
{
	const char *p = line;
	bool start = true;

	while (*p) {
		char word[4096];
		size_t n = 0;
		bool assignment = false;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (strchr("|;&()\n`", *p)) {
			start = true;
			p++;
			continue;
		}
		if (p[0] == '$' && p[1] == '(') {
			start = true;
			p += 2;
			continue;
		}
		while (*p && !strchr(" \t|;&()\n`", *p) && n < sizeof(word) - 1) {
			if (*p == '\'' || *p == '"') {
				char q = *p++;

				while (*p && *p != q && n < sizeof(word) - 1) {
					if (q == '"' && p[0] == '$' && p[1] == '(')
						break; /* leave $( for the outer loop */
					word[n++] = *p++;
				}
				if (*p == q)
					p++;
				continue;
			}
			if (*p == '\\' && p[1]) {
				p++;
				word[n++] = *p++;
				continue;
			}
			if (*p == '$' && p[1] == '(')
				break;
			if (*p == '=' && n > 0 && !assignment)
				assignment = true;
			word[n++] = *p++;
		}
		word[n] = '\0';
		if (!n)
			continue;
		if (start && !(assignment && isalpha((unsigned char)word[0])) && !is_separator_word(word)) {
			nono_strv_push(out, word);
			start = false;
		}
	}
}

/* 0, or print the refusal and return -EPERM */
static int
precheck(const char *line)
{
	struct nono_strv words = {0};
	int r = 0;

	command_words(line, &words);
	for (size_t i = 0; i < words.n && !r; i++) {
		const char *cat;

		if (nono_policy_command_blocked(&policy, words.v[i], &cat)) {
			const char *base = strrchr(words.v[i], '/') ? strrchr(words.v[i], '/') + 1 : words.v[i];

			fprintf(stderr,
				"nono: command '%s' is blocked (%s); nothing of this line ran\n"
				"hint: restart nono shell with --allow-command %s to allow it\n",
				base, cat, base);
			r = -EPERM;
		}
	}
	nono_strv_free(&words);
	return r;
}

/* ---- after a failure: name the refused path and the flag ----------------- */

static void
hint_denied(const char *line)
{
	struct nono_strv words = {0};
	const char *p = line;
	bool redirect = false;

	while (*p) {
		char w[4096];
		size_t n = 0;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '>') {
			redirect = true;
			while (*p == '>')
				p++;
			continue;
		}
		while (*p && !strchr(" \t|;&<>()`", *p) && n < sizeof(w) - 1)
			w[n++] = *p == '"' || *p == '\'' ? (p++, '\0') : *p++;
		w[n] = '\0';
		if (!n) {
			if (*p)
				p++;
			continue;
		}
		if (strchr(w, '/') || w[0] == '~' || w[0] == '.') {
			struct nono_verdict v;

			nono_policy_check(&policy, w, redirect ? NONO_OP_WRITE : NONO_OP_READ, &v);
			if (!v.allowed) {
				char *d = nono_path_display(v.path), *e = nono_str_escape(d);
				char *fix = nono_str_escape(v.suggest ? v.suggest : "a grant for it");

				/* the word may be a name completed from the sandbox's files */
				if (v.reason == NONO_WHY_OWN)
					fprintf(stderr,
						"nono: %s: writing is outside every sandbox (nono's own file); edit it "
						"outside nono\n",
						e);
				else
					fprintf(stderr, "nono: %s: %s is outside this sandbox (%s); restart with %s\n",
						e, redirect ? "writing" : "reading",
						v.reason == NONO_WHY_SENSITIVE ? "a protected sensitive path"
									       : "not granted",
						fix);
				free(fix);
				free(e);
				free(d);
				nono_verdict_free(&v);
				break;
			}
			nono_verdict_free(&v);
		}
		redirect = false;
	}
	nono_strv_free(&words);
}

/* ---- running a line ---------------------------------------------------------- */

static int
wait_fg(pid_t pid, const char *line)
{
	int st;

	while (waitpid(pid, &st, WUNTRACED) < 0)
		if (errno != EINTR)
			return 127;
	if (interactive)
		tcsetpgrp(STDIN_FILENO, getpgrp());
	if (WIFSTOPPED(st)) {
		stopped_pgid = pid;
		free(stopped_line);
		stopped_line = xstrdup(line);
		fputs("\n[1]+  Stopped                 ", stderr);
		nono_fputs_escaped(line, stderr);
		fputc('\n', stderr);
		return 128 + WSTOPSIG(st);
	}
	if (WIFSIGNALED(st)) {
		if (WTERMSIG(st) == SIGINT)
			fputc('\n', stderr);
		return 128 + WTERMSIG(st);
	}
	return WEXITSTATUS(st);
}

static int
run_line(const char *line)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("nono-shell: fork");
		return 125;
	}
	if (pid == 0) {
		if (interactive) {
			setpgid(0, 0);
			tcsetpgrp(STDIN_FILENO, getpid());
		}
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGTSTP, SIG_DFL);
		signal(SIGTTIN, SIG_DFL);
		signal(SIGTTOU, SIG_DFL);
		execl(shell, shell, "-c", line, (char *)NULL);
		fprintf(stderr, "nono-shell: %s: %s\n", shell, strerror(errno));
		_exit(127);
	}
	if (interactive) {
		setpgid(pid, pid);
		tcsetpgrp(STDIN_FILENO, pid);
	}
	status = wait_fg(pid, line);
	if (status != 0 && status < 128)
		hint_denied(line);
	return status;
}

/* ---- builtins -------------------------------------------------------------- */

static void
print_caps(void)
{
	for (size_t i = 0; i < policy.n_rules; i++) {
		const struct nono_rule *r = &policy.rules[i];
		char *d;

		if (strncmp(r->source, "group:", 6) == 0 || strcmp(r->source, "exec shim") == 0)
			continue;
		d = nono_path_display(r->path);
		printf("  %-18s ", nono_access_str(r->access));
		nono_fputs_escaped(d, stdout);
		printf("%s  (%s)\n", r->is_file ? " (file)" : "", r->source);
		free(d);
	}
	if (policy.proxy_hosts.n)
		printf("  network through the proxy on 127.0.0.1:%d to %zu host%s; %zu sensitive paths denied; "
		       "system paths readable\n",
		       policy.proxy_port, policy.proxy_hosts.n, policy.proxy_hosts.n == 1 ? "" : "s", policy.n_denies);
	else
		printf("  network %s; %zu sensitive paths denied; system paths readable\n",
		       policy.block_net ? "blocked" : "allowed", policy.n_denies);
}

static const char *const help_text =
    "nono shell: every command runs inside the sandbox; blocked commands are refused before\n"
    "anything of the line runs. Builtins:\n"
    "  cd [DIR]              change directory\n"
    "  why PATH [read|write|delete]   would the sandbox allow it, and which flag would\n"
    "  caps                  the grants of this sandbox\n"
    "  history               the lines typed so far\n"
    "  fg                    resume the stopped command\n"
    "  help                  this text\n"
    "  exit [N]              leave (Ctrl-D too)\n";

/* 1 when line was a builtin (its status in *status) */
static int
builtin(const char *line, int *status)
{
	char buf[4096], *argv[4] = {0};
	int argc = 0;
	char *save = NULL;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *t = strtok_r(buf, " \t", &save); t && argc < 3; t = strtok_r(NULL, " \t", &save))
		argv[argc++] = t;
	if (!argc)
		return 0;
	if (strcmp(argv[0], "exit") == 0) {
		*status = argc > 1 ? atoi(argv[1]) : last_status;
		return 2;
	}
	if (strcmp(argv[0], "cd") == 0) {
		const char *dir = argc > 1 ? argv[1] : nono_home();
		char *abs = nono_path_absolute(dir);

		*status = chdir(abs) < 0 ? 1 : 0;
		if (*status) {
			fputs("cd: ", stderr);
			nono_fputs_escaped(dir, stderr);
			fprintf(stderr, ": %s\n", strerror(errno));
			if (errno == EACCES)
				hint_denied(abs);
		}
		free(abs);
		return 1;
	}
	if (strcmp(argv[0], "help") == 0) {
		fputs(help_text, stdout);
		*status = 0;
		return 1;
	}
	if (strcmp(argv[0], "caps") == 0) {
		print_caps();
		*status = 0;
		return 1;
	}
	if (strcmp(argv[0], "why") == 0) {
		enum nono_op op = NONO_OP_READ;
		struct nono_verdict v;

		if (argc < 2 || (argc > 2 && nono_op_parse(argv[2], &op) < 0)) {
			fprintf(stderr, "usage: why PATH [read|write|delete]\n");
			*status = 1;
			return 1;
		}
		nono_policy_check(&policy, argv[1], op, &v);
		nono_why_print(&v, op, false, stdout);
		nono_verdict_free(&v);
		*status = 0;
		return 1;
	}
	if (strcmp(argv[0], "history") == 0) {
		HIST_ENTRY **h = history_list();

		for (int i = 0; h && h[i]; i++) {
			printf("%5d  ", i + history_base);
			nono_fputs_escaped(h[i]->line, stdout);
			putchar('\n');
		}
		*status = 0;
		return 1;
	}
	if (strcmp(argv[0], "fg") == 0) {
		if (!stopped_pgid) {
			fprintf(stderr, "fg: no stopped command\n");
			*status = 1;
			return 1;
		}
		nono_fputs_escaped(stopped_line, stderr);
		fputc('\n', stderr);
		if (interactive)
			tcsetpgrp(STDIN_FILENO, stopped_pgid);
		kill(-stopped_pgid, SIGCONT);
		{
			pid_t pg = stopped_pgid;
			char *l = stopped_line;

			stopped_pgid = 0;
			stopped_line = NULL;
			*status = wait_fg(pg, l);
			free(l);
		}
		return 1;
	}
	return 0;
}

static int
handle(const char *line)
{
	int status = 0, b;

	while (*line == ' ' || *line == '\t')
		line++;
	if (!*line || *line == '#')
		return last_status;
	b = builtin(line, &status);
	if (b == 2) {
		last_status = status;
		return -1;
	}
	if (!b)
		status = precheck(line) < 0 ? 126 : run_line(line);
	last_status = status;
	return status;
}

/* ---- history kept by the supervisor's descriptor ---------------------------------- */

static void
history_load(void)
{
	FILE *f;
	char *l = NULL;
	size_t cap = 0;
	ssize_t n;
	int fd;

	if (history_fd < 0 || (fd = dup(history_fd)) < 0)
		return;
	lseek(fd, 0, SEEK_SET);
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return;
	}
	while ((n = getline(&l, &cap, f)) > 0) {
		if (l[n - 1] == '\n')
			l[n - 1] = '\0';
		if (*l)
			add_history(l);
	}
	free(l);
	fclose(f);
}

static void
history_add(const char *line)
{
	add_history(line);
	if (history_fd >= 0) {
		ssize_t w = write(history_fd, line, strlen(line));

		w += write(history_fd, "\n", 1);
		(void)w;
	}
}

/* ---- completion: commands on PATH for the first word, else files -------------------- */

static char *
command_generator(const char *text, int state)
{
	static struct nono_strv names;
	static size_t idx;

	if (!state) {
		const char *path = getenv("PATH");
		char *dup = xstrdup(path ? path : "/usr/bin:/bin"), *save = NULL;

		nono_strv_free(&names);
		idx = 0;
		for (char *d = strtok_r(dup, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
			DIR *dir = opendir(d); /* directories the sandbox cannot read list nothing */
			struct dirent *e;

			while (dir && (e = readdir(dir)))
				if (strncmp(e->d_name, text, strlen(text)) == 0 && e->d_name[0] != '.' &&
				    !nono_strv_contains(&names, e->d_name))
					nono_strv_push(&names, e->d_name);
			if (dir)
				closedir(dir);
		}
		free(dup);
	}
	return idx < names.n ? xstrdup(names.v[idx++]) : NULL;
}

static char **
complete(const char *text, int start, int end)
{
	int i = start - 1;

	(void)end;
	while (i >= 0 && (rl_line_buffer[i] == ' ' || rl_line_buffer[i] == '\t'))
		i--;
	if (i < 0 || strchr("|;&(", rl_line_buffer[i]))
		return rl_completion_matches(text, command_generator);
	return NULL; /* readline's file names: only what the sandbox can list */
}

static char *
prompt(void)
{
	char *cwd = getcwd(NULL, 0), *d = nono_path_display(cwd ? cwd : "?"), *p;
	bool c = nono_log_colour(1);

	p = xasprintf("%s[nono%s]%s %s%s%s %s$ ", c ? "\001\033[1;32m\002" : "",
		      policy.proxy_hosts.n ? " net:proxy"
		      : policy.block_net   ? " net:off"
					   : "",
		      c ? "\001\033[0m\002" : "", c ? "\001\033[1;34m\002" : "", d, c ? "\001\033[0m\002" : "",
		      last_status ? "!" : "");
	free(cwd);
	free(d);
	return p;
}

/* ---- the interactive loop: readline's callback interface -------------------- */

static volatile sig_atomic_t got_sigint;
static bool line_done, want_exit;

static void
on_sigint(int sig)
{
	(void)sig;
	got_sigint = 1;
}

/* Ctrl-C at the prompt: what was typed is discarded, never kept for the next
 * Enter. '^C' and a fresh prompt on a line of their own, as bash does. */
static void
discard_line(void)
{
	char *p;

	rl_free_line_state();
	rl_callback_sigcleanup();
	rl_replace_line("", 0);
	rl_point = rl_end = rl_mark = 0;
	fputs("^C", stdout);
	rl_crlf();
	fflush(stdout);
	p = prompt();
	rl_set_prompt(p);
	free(p);
	rl_on_new_line();
	rl_redisplay();
}

static void
on_line(char *line)
{
	line_done = true;
	if (!line) {
		putchar('\n');
		want_exit = true;
		return;
	}
	if (*line)
		history_add(line);
	if (handle(line) < 0)
		want_exit = true;
	free(line);
}

static void
interactive_loop(void)
{
	struct sigaction sa = {.sa_handler = on_sigint}; /* no SA_RESTART: select returns EINTR */
	char *p;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	rl_catch_signals = 0; /* the loop below handles SIGINT itself */
	p = prompt();
	rl_callback_handler_install(p, on_line);
	free(p);
	while (!want_exit) {
		fd_set in;

		FD_ZERO(&in);
		FD_SET(STDIN_FILENO, &in);
		if (select(STDIN_FILENO + 1, &in, NULL, NULL, NULL) < 0) {
			if (errno != EINTR)
				break;
			if (got_sigint) {
				got_sigint = 0;
				discard_line();
			}
			continue;
		}
		line_done = false;
		rl_callback_read_char();
		if (line_done && !want_exit) {
			got_sigint = 0; /* a Ctrl-C meant for the command that just ran */
			p = prompt();
			rl_set_prompt(p);
			free(p);
		}
	}
	rl_callback_handler_remove();
}

int
main(int argc, char **argv)
{
	const char *cmd = NULL, *cf = getenv("NONO_CAP_FILE"), *hfd = getenv("NONO_HISTORY_FD");
	struct nono_error err = {0};
	int opt, status = 0;

	while ((opt = getopt(argc, argv, "+c:s:")) != -1) {
		if (opt == 'c')
			cmd = optarg;
		else if (opt == 's')
			shell = optarg;
		else
			return 125;
	}
	if (!cf || nono_capfile_read(&policy, cf, &err) < 0) {
		fprintf(stderr, "nono-shell: run it with 'nono shell' (%s)\n", cf ? err.msg : "no NONO_CAP_FILE");
		return 125;
	}
	if (hfd)
		history_fd = atoi(hfd);
	if (cmd) {
		status = handle(cmd);
		nono_policy_free(&policy);
		return status < 0 ? last_status : status;
	}
	interactive = isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
	if (!interactive) {
		char *l = NULL;
		size_t cap = 0;
		ssize_t n;

		while ((n = getline(&l, &cap, stdin)) > 0) {
			if (l[n - 1] == '\n')
				l[n - 1] = '\0';
			if (handle(l) < 0)
				break;
		}
		free(l);
		nono_policy_free(&policy);
		return last_status;
	}
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	setpgid(0, 0);
	tcsetpgrp(STDIN_FILENO, getpgrp());
	rl_readline_name = "nono";
	rl_attempted_completion_function = complete;
	history_load();
	printf("nono shell: inside the sandbox. 'help' for builtins, 'caps' for what is granted.\n");
	interactive_loop();
	nono_policy_free(&policy);
	return last_status;
}
