/* shell.c - nono-shell, the interactive capability shell (runs inside the
 * sandbox: 'nono shell' starts it as the sandboxed program, so the process
 * reading the keystrokes is confined before the first prompt). Interactive,
 * the user's shell runs as one session on a pty of its own (session.c);
 * with -c or a script on stdin, it runs as that shell would. Every exec is
 * checked by the supervisor outside (strict exec mode); the pre-check here
 * only refuses a typed line before any of it runs, with a nicer message.
 * Called as 'why' or 'caps' (links in its own directory on the shell's
 * PATH), it answers those. Only this module includes readline. */
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
#include "shell/session.h"

static struct nono_policy policy;
static const char *shell = "/bin/sh";
static int history_fd = -1;
static int refusal_fd = -1;

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

/* ---- hints: what the sandbox refused, from the refusal itself ---------------- */

/* The refusals the session noted (NONO_REFUSAL_FD: the report's lines,
 * "KIND\tSUBJECT"): one hint per path and operation, three at most. 1 when
 * one was printed. */
static int
supervisor_hints(void)
{
	char buf[8192];
	ssize_t n;
	int told = 0;
	struct nono_strv seen = {0};

	if (refusal_fd < 0)
		return 0;
	while ((n = read(refusal_fd, buf, sizeof(buf) - 1)) > 0) {
		char *save = NULL;

		buf[n] = '\0';
		for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			char *path = strchr(l, '\t');
			enum nono_op op;

			if (!path || path[1] != '/')
				continue;
			*path++ = '\0';
			/* a program Landlock would not execute: reading it is the grant */
			if (!strcmp(l, "execute"))
				op = NONO_OP_READ;
			else if (nono_op_parse(l, &op) < 0)
				continue; /* a command, the network: said where refused */
			if (nono_strv_contains(&seen, path) || seen.n >= 3)
				continue;
			nono_strv_push(&seen, path);
			if (nono_why_hint(&policy, path, op, stderr) == 0)
				told = 1;
		}
	}
	nono_strv_free(&seen);
	return told;
}

/* The words of a line that name files (a slash, or a name in the working
 * directory that exists), in order. */
static void
path_words(const char *line, struct nono_strv *out)
{
	const char *p = line;

	while (*p) {
		char w[4096];
		size_t n = 0;

		while (*p && strchr(" \t|;&<>()`", *p))
			p++;
		while (*p && !strchr(" \t|;&<>()`", *p) && n < sizeof(w) - 1) {
			if (*p == '"' || *p == '\'' || *p == '\\') {
				p++;
				continue;
			}
			w[n++] = *p++;
		}
		w[n] = '\0';
		if (n && w[0] != '-' && !strchr(w, '$') && !strchr(w, '*'))
			nono_strv_push(out, w);
	}
}

/* A command failed and the supervisor saw no refusal: reads are not
 * mediated, so each file the line names is read again here, in the same
 * sandbox; a hint only where the kernel refuses it (EACCES), never where
 * it is missing (ENOENT) or readable. */
static void
read_hints(const char *line)
{
	struct nono_strv words = {0};

	path_words(line, &words);
	for (size_t i = 0; i < words.n; i++) {
		const char *w = words.v[i];
		char *abs =
		    w[0] == '~' ? nono_path_join(nono_home(), w + (w[1] == '/' ? 2 : 1)) : nono_path_absolute(w);
		int fd = open(abs, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

		if (fd >= 0)
			close(fd);
		else if (errno == EACCES && nono_why_hint(&policy, abs, NONO_OP_READ, stderr) == 0)
			i = words.n;
		free(abs);
	}
	nono_strv_free(&words);
}

static char *last_line; /* the last line sent to the shell, for read_hints */

static void
hints(int status)
{
	int told = supervisor_hints();

	if (!told && status != 0 && status < 128 && last_line)
		read_hints(last_line);
	free(last_line);
	last_line = NULL;
}

/* ---- -c and a script on stdin: the shell itself ------------------------------- */

static int
run_shell(char *const *argv)
{
	struct sigaction ign = {.sa_handler = SIG_IGN}, oint, oquit;
	pid_t pid;
	int st;

	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	fflush(NULL);
	if ((pid = fork()) < 0) {
		perror("nono-shell: fork");
		return 125;
	}
	if (pid == 0) {
		sigaction(SIGINT, &oint, NULL);
		sigaction(SIGQUIT, &oquit, NULL);
		execv(argv[0], argv);
		fprintf(stderr, "nono-shell: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 125;
	st = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	hints(st);
	return st;
}

/* ---- why and caps: commands on the shell's PATH -------------------------------- */

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

static int
cmd_why(int argc, char **argv)
{
	enum nono_op op = NONO_OP_READ;
	struct nono_verdict v;
	char *abs;

	if (argc < 2 || argc > 3 || (argc > 2 && nono_op_parse(argv[2], &op) < 0)) {
		fprintf(stderr, "usage: why PATH [read|write|delete]\n");
		return 2;
	}
	abs = nono_path_absolute(argv[1]);
	nono_policy_check(&policy, abs, op, &v);
	nono_why_print(&v, op, false, stdout);
	nono_verdict_free(&v);
	free(abs);
	return 0;
}

static const char *const help_text =
    "nono shell: your shell, inside the sandbox. Every program it runs is checked against the\n"
    "command blocklist; a typed line with a blocked command is refused before any of it runs.\n"
    "nono's commands:\n"
    "  why PATH [read|write|delete]   would the sandbox allow it, and which flag would\n"
    "  caps                  the grants of this sandbox\n"
    "  history               the lines typed at nono shell (kept per user)\n"
    "  help                  this text ('builtin help' for the shell's own)\n"
    "  exit, Ctrl-D          leave (with stopped jobs, the shell warns first)\n";

/* ---- the session's start files ------------------------------------------------- */

enum kind { K_SH, K_BASH, K_ZSH, K_OTHER };

static enum kind
shell_kind(void)
{
	static const char *const posix[] = {"sh", "dash", "ash", "ksh", "mksh", "ksh93", "posh", "yash", NULL};
	const char *b = strrchr(shell, '/') ? strrchr(shell, '/') + 1 : shell;

	if (!strcmp(b, "bash"))
		return K_BASH;
	if (!strcmp(b, "zsh"))
		return K_ZSH;
	for (size_t i = 0; posix[i]; i++)
		if (!strcmp(b, posix[i]))
			return K_SH;
	return K_OTHER;
}

/* 'path' for the shell, single-quoted */
static void
put_quoted(FILE *f, const char *path)
{
	fputc('\'', f);
	for (const char *p = path; *p; p++)
		*p == '\'' ? fputs("'\\''", f) : fputc(*p, f);
	fputc('\'', f);
}

/* A start file of the user's, sourced where the sandbox lets it be read;
 * a note where it does not. */
static void
source_rc(FILE *f, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		fputs(". ", f);
		put_quoted(f, path);
		fputc('\n', f);
		return;
	}
	if (errno == ENOENT || errno == ENOTDIR)
		return;
	{
		char *d = nono_path_display(path), *e = nono_str_escape(d);

		fprintf(stderr, "nono shell: %s not read: %s\n", e, strerror(errno));
		free(e);
		free(d);
	}
	nono_why_hint(&policy, path, NONO_OP_READ, stderr);
}

/* what marks the prompts (status: the shell's own spelling of $?) */
static void
put_markers(FILE *f, const char *nonce, const char *status)
{
	fprintf(f, "PS1='" NONO_SHELL_MARK_PS1 "%s\a'\nPS2='" NONO_SHELL_MARK_PS2 "'\n", nonce, status, nonce);
}

static void
rc_bash(FILE *f, const char *nonce)
{
	char *rc = nono_path_join(nono_home(), ".bashrc");

	/* bash reads /etc/bash.bashrc itself */
	source_rc(f, rc);
	free(rc);
	/* the prompt is nono's: the shell's marks it; set again before
	 * each prompt, so a changed PS1 does not lose it; the start files'
	 * PROMPT_COMMAND still runs first, with the command's $? */
	fprintf(f, "unset HISTFILE\n__nono_pc=(\"${PROMPT_COMMAND[@]}\")\n__nono_prompt() {\n\tlocal s=$? c\n"
		   "\tfor c in \"${__nono_pc[@]}\"; do [ -n \"$c\" ] && { (exit $s); eval \"$c\"; }; done\n\t");
	put_markers(f, nonce, "'$s'");
	fprintf(f, "\tPS0=\n\treturn $s\n}\nPROMPT_COMMAND=__nono_prompt\n");
}

static void
rc_zsh(FILE *f, FILE *env, const char *nonce, const char *zdotdir)
{
	const char *home = nono_home();
	char *rc = nono_path_join(zdotdir ? zdotdir : home, ".zshenv");

	source_rc(env, rc);
	free(rc);
	rc = nono_path_join(zdotdir ? zdotdir : home, ".zshrc");
	source_rc(f, rc);
	free(rc);
	fprintf(f, "unsetopt PROMPT_SP PROMPT_CR 2>/dev/null\nunset HISTFILE RPS1 RPS2\n");
	if (zdotdir) {
		fputs("ZDOTDIR=", f);
		put_quoted(f, zdotdir);
		fputc('\n', f);
	} else {
		fputs("unset ZDOTDIR\n", f);
	}
	fprintf(f, "__nono_prompt() {\n\t");
	put_markers(f, nonce, "%?");
	fprintf(f, "}\nprecmd_functions+=(__nono_prompt)\n");
}

static FILE *
open_in(const char *dir, const char *name)
{
	char *p = nono_path_join(dir, name);
	FILE *f = fopen(p, "we");

	free(p);
	return f;
}

/* Write the start file(s) into dir; the shell's argv in *argv. */
static int
write_rc(const char *dir, const char *nonce, struct nono_strv *argv)
{
	FILE *f = NULL, *env = NULL;
	const char *zdotdir = getenv("ZDOTDIR"), *uenv = getenv("ENV");
	int r = -1;

	if (shell_kind() == K_OTHER) {
		/* its prompts cannot be marked: the POSIX shell instead */
		char *e = nono_str_escape(shell);

		fprintf(stderr, "nono shell: %s is not bash, zsh or a POSIX sh; running /bin/sh\n", e);
		free(e);
		shell = "/bin/sh";
	}
	nono_strv_push(argv, shell);
	switch (shell_kind()) {
	case K_BASH:
		if (!(f = open_in(dir, "bashrc")))
			goto out;
		rc_bash(f, nonce);
		nono_strv_push(argv, "--noediting");
		nono_strv_push(argv, "--rcfile");
		nono_strv_push_owned(argv, nono_path_join(dir, "bashrc"));
		nono_strv_push(argv, "-i");
		break;
	case K_ZSH:
		if (!(f = open_in(dir, ".zshrc")) || !(env = open_in(dir, ".zshenv")))
			goto out;
		rc_zsh(f, env, nonce, zdotdir && *zdotdir ? zdotdir : NULL);
		setenv("ZDOTDIR", dir, 1);
		nono_strv_push(argv, "+Z");
		nono_strv_push(argv, "-i");
		break;
	case K_SH:
	case K_OTHER:
		if (!(f = open_in(dir, "env.sh")))
			goto out;
		if (uenv && *uenv)
			source_rc(f, uenv);
		put_markers(f, nonce, "$?");
		{
			char *p = nono_path_join(dir, "env.sh");

			setenv("ENV", p, 1);
			free(p);
		}
		nono_strv_push(argv, "-i");
		break;
	}
	r = 0;
out:
	if (f)
		fclose(f);
	if (env)
		fclose(env);
	if (r < 0)
		fprintf(stderr, "nono-shell: cannot write the shell's start file in %s: %s\n", dir, strerror(errno));
	return r;
}

/* ---- the session's own directory: start files, and 'why' and 'caps' ------------- */

static char *own_dir;

static void
remove_own_dir(void)
{
	if (own_dir) {
		nono_rm_rf(own_dir);
		free(own_dir);
		own_dir = NULL;
	}
}

/* $TMPDIR/nono-shell.XXXXXX, its bin/ first on PATH */
static int
make_own_dir(void)
{
	const char *tmp = getenv("TMPDIR");
	char *tmpl = xasprintf("%s/nono-shell.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	char *self = realpath("/proc/self/exe", NULL), *bin, *p, *path;

	if (!mkdtemp(tmpl) || !self) {
		fprintf(stderr, "nono-shell: cannot make its directory in %s: %s\n", tmp ? tmp : "/tmp",
			strerror(errno));
		free(tmpl);
		free(self);
		return -1;
	}
	own_dir = tmpl;
	bin = nono_path_join(own_dir, "bin");
	mkdir(bin, 0700);
	for (int i = 0; i < 2; i++) {
		p = nono_path_join(bin, i ? "caps" : "why");
		if (symlink(self, p) < 0)
			fprintf(stderr, "nono-shell: %s: %s\n", p, strerror(errno));
		free(p);
	}
	path = xasprintf("%s:%s", bin, getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	setenv("PATH", path, 1);
	free(path);
	free(bin);
	free(self);
	return 0;
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
prompt(int status, bool cont)
{
	char *cwd, *d, *p, st[16] = "";
	bool c = nono_log_colour(1);

	if (cont)
		return xstrdup("> ");
	cwd = getcwd(NULL, 0);
	d = nono_path_display(cwd ? cwd : "?");
	/* a failure shows its status, in a form no shell history expands */
	if (status)
		snprintf(st, sizeof(st), "(%d) ", status);
	p = xasprintf("%s[nono%s]%s %s%s%s %s$ ", c ? "\001\033[1;32m\002" : "",
		      policy.proxy_hosts.n ? " net:proxy"
		      : policy.block_net   ? " net:off"
					   : "",
		      c ? "\001\033[0m\002" : "", c ? "\001\033[1;34m\002" : "", d, c ? "\001\033[0m\002" : "", st);
	free(cwd);
	free(d);
	return p;
}

/* ---- the interactive session ------------------------------------------------------ */

static int
on_typed(const char *line, bool cont, int *status)
{
	const char *l = line;
	size_t n;

	while (*l == ' ' || *l == '\t')
		l++;
	n = strlen(l);
	while (n && (l[n - 1] == ' ' || l[n - 1] == '\t'))
		n--;
	if (!cont && n == 4 && !strncmp(l, "help", 4)) {
		fputs(help_text, stdout);
		*status = 0;
		return 1;
	}
	if (!cont && n == 7 && !strncmp(l, "history", 7)) {
		HIST_ENTRY **h = history_list();

		for (int i = 0; h && h[i]; i++) {
			printf("%5d  ", i + history_base);
			nono_fputs_escaped(h[i]->line, stdout);
			putchar('\n');
		}
		*status = 0;
		return 1;
	}
	if (precheck(line) < 0) {
		*status = 126;
		return -1;
	}
	free(last_line);
	last_line = xstrdup(line);
	return 0;
}

static int
interactive(void)
{
	static const struct nono_shell_hooks hooks = {
	    .prompt = prompt, .line = on_typed, .after = hints, .history_add = history_add};
	struct nono_strv argv = {0};
	unsigned char rnd[8];
	char nonce[17];
	int fd, status = 125;
	extern char **environ;

	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, rnd, sizeof(rnd)) != (ssize_t)sizeof(rnd))
		for (size_t i = 0; i < sizeof(rnd); i++)
			rnd[i] = (unsigned char)(getpid() * 131 + i * 17);
	if (fd >= 0)
		close(fd);
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(nonce + 2 * i, 3, "%02x", rnd[i]);
	if (write_rc(own_dir, nonce, &argv) < 0)
		goto out;
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	setpgid(0, 0);
	tcsetpgrp(STDIN_FILENO, getpgrp());
	rl_readline_name = "nono";
	rl_attempted_completion_function = complete;
	history_load();
	printf("nono shell: %s inside the sandbox. 'help' for nono's commands, 'caps' for what is granted.\n", shell);
	status = nono_shell_session_run(argv.v, environ, nonce, &hooks);
out:
	nono_strv_free(&argv);
	return status;
}

int
main(int argc, char **argv)
{
	const char *cmd = NULL, *cf = getenv("NONO_CAP_FILE"), *hfd = getenv("NONO_HISTORY_FD");
	const char *rfd = getenv("NONO_REFUSAL_FD"), *me = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	struct nono_error err = {0};
	int opt, status = 0;

	if (!cf || nono_capfile_read(&policy, cf, &err) < 0) {
		fprintf(stderr, "nono-shell: run it with 'nono shell' (%s)\n", cf ? err.msg : "no NONO_CAP_FILE");
		return 125;
	}
	if (!strcmp(me, "why") || !strcmp(me, "caps")) {
		status = !strcmp(me, "why") ? cmd_why(argc, argv) : (print_caps(), 0);
		nono_policy_free(&policy);
		return status;
	}
	while ((opt = getopt(argc, argv, "+c:s:")) != -1) {
		if (opt == 'c')
			cmd = optarg;
		else if (opt == 's')
			shell = optarg;
		else
			return 125;
	}
	/* the descriptors nono handed over are this process's alone */
	if (hfd && (history_fd = atoi(hfd)) >= 0)
		fcntl(history_fd, F_SETFD, FD_CLOEXEC);
	if (rfd && (refusal_fd = atoi(rfd)) >= 0) {
		fcntl(refusal_fd, F_SETFD, FD_CLOEXEC);
		fcntl(refusal_fd, F_SETFL, fcntl(refusal_fd, F_GETFL) | O_NONBLOCK);
	}
	unsetenv("NONO_HISTORY_FD");
	unsetenv("NONO_REFUSAL_FD");
	if (make_own_dir() < 0)
		status = 125;
	else if (cmd) {
		char *av[] = {(char *)shell, (char *)"-c", (char *)cmd, NULL};

		last_line = xstrdup(cmd);
		status = precheck(cmd) < 0 ? 126 : run_shell(av);
	} else if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO)) {
		char *av[] = {(char *)shell, NULL};

		status = run_shell(av);
	} else {
		status = interactive();
	}
	remove_own_dir();
	free(last_line);
	nono_policy_free(&policy);
	return status;
}
