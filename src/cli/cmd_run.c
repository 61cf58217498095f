/* cmd_run.c - 'nono run [flags] [--] PROGRAM [ARGS]' and 'nono shell'
 * (supervisor side): options, plan, its view, the child, the supervisor's
 * loop, the end. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"
#include "base/vars.h"
#include "cli/commands.h"
#include "config/options.h"
#include "launch/plan.h"

/* The program died of SIGINT or SIGQUIT (a ^C, a ^\): nono dies of it
 * too, once everything is cleaned up, so that the shell that ran nono sees
 * a death by that signal and stops its loop or script, as it would for
 * the program itself (an exit status of 130 says the program handled it).
 * No core file of nono's for SIGQUIT. */
static void
die_like(int sig)
{
	struct rlimit no_core = {0, 0};
	sigset_t one;

	if (sig != SIGINT && sig != SIGQUIT)
		return;
	fflush(NULL);
	if (sig == SIGQUIT)
		setrlimit(RLIMIT_CORE, &no_core);
	signal(sig, SIG_DFL);
	sigemptyset(&one);
	sigaddset(&one, sig);
	sigprocmask(SIG_UNBLOCK, &one, NULL);
	raise(sig);
}

/* Everything after the options: argv[0] is the program as given. Returns
 * the exit status; *term_sig the signal the program died of, or 0. */
static int
launch(struct nono_options *o, char **argv, int keep_fd, double t_start, int *term_sig)
{
	struct nono_plan *plan = NULL;
	struct nono_error err = {0};
	int status;

	if (nono_plan_build(&plan, o, argv, keep_fd, &err) < 0) {
		nono_print_error(&err);
		status = plan->exit_status;
	} else if (o->dry_run) {
		nono_plan_describe(plan, o->json ? NONO_DESCRIBE_JSON : NONO_DESCRIBE_TEXT);
		status = plan->refusal ? 125 : 0;
	} else {
		plan->t_start = t_start;
		nono_plan_describe(plan, NONO_DESCRIBE_BANNER);
		if (nono_plan_spawn(plan, &err) == 0)
			nono_supervisor_run(plan->supervisor);
		status = nono_plan_finish(plan, &err);
		*term_sig = plan->spawn.term_sig;
	}
	nono_plan_free(plan);
	return status;
}

int
nono_cmd_run(int argc, char **argv)
{
	struct nono_options l;
	struct nono_error err = {0};
	int r, status = 125, sig = 0;
	double t_start = nono_now_us();

	nono_options_init(&l);
	r = nono_options_parse(&l, NONO_CMD_RUN, "run", argc, argv, &err);
	if (r == 1) {
		nono_cli_usage(NONO_CMD_RUN, "run", "[OPTIONS] [--] PROGRAM [ARGS...]",
			       "Run PROGRAM confined by Landlock and seccomp: it can reach only what the flags "
			       "grant,\nnever the sensitive paths, and nothing inside can widen that.");
		status = 0;
	} else if (r < 0) {
		nono_print_error(&err);
		status = err.usage ? 2 : 125;
	} else if (l.argc < 1) {
		nono_error_set(&err, -EINVAL, "nono run: no program given");
		nono_error_hint(&err, "nono run --allow . -- PROGRAM [ARGS]");
		nono_print_error(&err);
		status = 2;
	} else {
		nono_log_set_level(l.silent ? NONO_LOG_QUIET : l.verbose);
		status = launch(&l, l.argv, -1, t_start, &sig);
	}
	nono_options_free(&l);
	die_like(sig);
	return status;
}

/* The interactive shell's helper: beside an uninstalled nono, else installed. */
static char *
find_helper(const char *name)
{
	char *exe = realpath("/proc/self/exe", NULL), *dir = exe ? nono_path_dirname(exe) : NULL;
	char *cand = dir ? nono_path_join(dir, name) : NULL, *res = NULL;

	if (cand && access(cand, X_OK) == 0)
		res = cand;
	else {
		free(cand);
		cand = xasprintf("%s/%s", NONO_LIBEXECDIR, name);
		if (access(cand, X_OK) == 0)
			res = cand;
		else
			free(cand);
	}
	free(dir);
	free(exe);
	return res;
}

/* A grant at or above the working directory, among those asked for. */
static bool
cwd_granted(const struct nono_options *o, const char *cwd)
{
	for (size_t i = 0; i < o->policy.n_reqs; i++) {
		const struct nono_request *q = &o->policy.reqs[i];
		char *g, *c;
		bool under;

		if (!(q->access & NONO_ACC_READ))
			continue;
		g = q->given[0] == '~' ? nono_path_join(nono_home(), q->given + 1 + (q->given[1] == '/'))
		    : !strncmp(q->given, "$WORKDIR", 8) ? xasprintf("%s%s", cwd, q->given + 8)
							: xstrdup(q->given);
		c = realpath(g, NULL);
		under = c && nono_path_under(cwd, c);
		free(c);
		free(g);
		if (under)
			return true;
	}
	return false;
}

/* The working directory not granted: on a terminal, ask once whether to
 * share it (read, or read+write as --allow-cwd does); else one line. */
static void
offer_cwd(struct nono_options *o)
{
	char *cwd = o->policy.workdir ? xstrdup(o->policy.workdir) : getcwd(NULL, 0), *d, *e;
	char answer[16] = "";

	if (!cwd || o->allow_cwd || cwd_granted(o, cwd)) {
		free(cwd);
		return;
	}
	d = nono_path_display(cwd);
	e = nono_str_escape(d);
	if (!o->silent && !o->shell_cmd && isatty(STDIN_FILENO) && isatty(STDERR_FILENO)) {
		fprintf(stderr,
			"nono: share the working directory %s with the sandbox? (--allow-cwd skips this)\n"
			"  [r] read  [w] read+write  [N] no: ",
			e);
		if (fgets(answer, sizeof(answer), stdin) && (answer[0] == 'w' || answer[0] == 'W'))
			o->allow_cwd = true;
		else if (answer[0] == 'r' || answer[0] == 'R')
			nono_policy_grant(&o->policy, cwd, NONO_ACC_READ, NONO_KIND_DIR, "working directory", true);
	} else {
		log_warn("the working directory %s is not granted: the shell cannot read it (--allow-cwd shares it)",
			 e);
	}
	free(e);
	free(d);
	free(cwd);
}

/* --shell PATH: a program that exists and can be run, checked before
 * anything is launched (a bare name is looked up on PATH). Its path,
 * caller-owned, or NULL with err set. */
static char *
shell_path(const char *path, struct nono_error *err)
{
	struct stat st;
	char *found = NULL;

	if (!strchr(path, '/')) {
		const char *env = getenv("PATH");
		char *dirs = xstrdup(env && *env ? env : "/usr/bin:/bin"), *save = NULL;

		for (char *d = strtok_r(dirs, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
			found = xasprintf("%s/%s", d, path);
			if (stat(found, &st) < 0 || !S_ISREG(st.st_mode) || access(found, X_OK) < 0) {
				free(found);
				found = NULL;
			}
		}
		free(dirs);
		if (!found) {
			nono_error_set(err, -ENOENT, "--shell %s: not found on PATH", path);
			nono_error_hint(err, "give the shell's path, e.g. --shell /bin/sh");
		}
		return found;
	}
	if (stat(path, &st) < 0) {
		nono_error_set(err, -errno, "--shell %s: %s", path, strerror(errno));
		nono_error_hint(err, "give an installed shell, e.g. --shell /bin/sh");
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0) {
		nono_error_set(err, -EACCES, "--shell %s: not an executable file", path);
		nono_error_hint(err, "give an installed shell, e.g. --shell /bin/sh");
		return NULL;
	}
	return xstrdup(path);
}

int
nono_cmd_shell(int argc, char **argv)
{
	struct nono_options l;
	struct nono_error err = {0};
	char *helper = NULL, *hist = NULL;
	char *sargv[6] = {0};
	int r, n = 0, hfd = -1, status = 125, sig = 0;
	double t_start = nono_now_us();

	nono_options_init(&l);
	r = nono_options_parse(&l, NONO_CMD_SHELL, "shell", argc, argv, &err);
	if (r == 1) {
		nono_cli_usage(NONO_CMD_SHELL, "shell", "[OPTIONS]",
			       "Your shell, interactive, inside the sandbox: the process reading your keystrokes is\n"
			       "confined before the first prompt, the shell keeps its state between lines, and every\n"
			       "program the shell runs is checked against the command blocklist at the exec.");
		status = 0;
		goto out;
	}
	if (r < 0 || l.argc > 0) {
		if (r >= 0) {
			nono_error_set(&err, -EINVAL, "nono shell takes no program; use 'nono run' for that");
			nono_error_hint(&err, "nono shell -c 'LINE' runs one line");
		}
		nono_print_error(&err);
		status = r >= 0 || err.usage ? 2 : 125;
		goto out;
	}
	nono_log_set_level(l.silent ? NONO_LOG_QUIET : l.verbose);
	if (l.shell) {
		char *sh = shell_path(l.shell, &err);

		if (!sh) {
			nono_print_error(&err);
			goto out;
		}
		free(l.shell);
		l.shell = sh;
	}
	if (!(helper = find_helper("nono-shell"))) {
		log_error("nono-shell not found next to nono nor in " NONO_LIBEXECDIR);
		log_hint("build or install nono completely ('make', 'make install')");
		goto out;
	}
	/* history lives in nono's state directory, which the sandbox never sees:
	 * the descriptor is opened here and handed over */
	hist = nono_state_path("shell_history");
	{
		char *d = nono_path_dirname(hist);

		nono_mkdir_p(d, 0700);
		free(d);
	}
	hfd = open(hist, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (hfd < 0)
		log_warn("history is not kept: %s: %s", hist, strerror(errno));
	sargv[n++] = helper;
	if (l.shell || (getenv("SHELL") && *getenv("SHELL"))) {
		sargv[n++] = (char *)"-s";
		sargv[n++] = l.shell ? l.shell : getenv("SHELL");
	}
	if (l.shell_cmd) {
		sargv[n++] = (char *)"-c";
		sargv[n++] = l.shell_cmd;
	}
	if (!l.dry_run)
		offer_cwd(&l);
	l.extra_read = helper;
	/* every exec reaches the supervisor, which checks the shell's own (what
	 * an alias, a function, eval or a variable expands to included) and,
	 * with --strict-exec, every other one too */
	l.exec_session = !l.strict_exec;
	l.strict_exec = true;
	status = launch(&l, sargv, hfd, t_start, &sig);
out:
	if (hfd >= 0)
		close(hfd);
	free(helper);
	free(hist);
	nono_options_free(&l);
	die_like(sig);
	return status;
}
