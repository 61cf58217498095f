/* cmd_run.c - 'nono run [flags] [--] PROGRAM [ARGS]' and 'nono shell'
 * (supervisor side): options, plan, its view, the child, the supervisor's
 * loop, the end. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"
#include "base/vars.h"
#include "cli/commands.h"
#include "config/options.h"
#include "launch/plan.h"

/* Everything after the options: argv[0] is the program as given. Returns
 * the exit status. */
static int
launch(struct nono_options *o, char **argv, int keep_fd, double t_start)
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
	}
	nono_plan_free(plan);
	return status;
}

int
nono_cmd_run(int argc, char **argv)
{
	struct nono_options l;
	struct nono_error err = {0};
	int r, status = 125;
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
	} else if (l.argc < 1) {
		nono_error_set(&err, -EINVAL, "nono run: no program given");
		nono_error_hint(&err, "nono run --allow . -- PROGRAM [ARGS]");
		nono_print_error(&err);
	} else {
		nono_log_set_level(l.silent ? NONO_LOG_QUIET : l.verbose);
		status = launch(&l, l.argv, -1, t_start);
	}
	nono_options_free(&l);
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
	int r, n = 0, hfd = -1, status = 125;
	double t_start = nono_now_us();

	nono_options_init(&l);
	r = nono_options_parse(&l, NONO_CMD_SHELL, "shell", argc, argv, &err);
	if (r == 1) {
		nono_cli_usage(NONO_CMD_SHELL, "shell", "[OPTIONS]",
			       "An interactive shell inside the sandbox: the process reading your keystrokes is\n"
			       "confined before the first prompt; each line is checked against the command\n"
			       "blocklist, then runs as SHELL -c LINE.");
		status = 0;
		goto out;
	}
	if (r < 0 || l.argc > 0) {
		if (r >= 0) {
			nono_error_set(&err, -EINVAL, "nono shell takes no program; use 'nono run' for that");
			nono_error_hint(&err, "nono shell -c 'LINE' runs one line");
		}
		nono_print_error(&err);
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
	l.extra_read = helper;
	status = launch(&l, sargv, hfd, t_start);
out:
	if (hfd >= 0)
		close(hfd);
	free(helper);
	free(hist);
	nono_options_free(&l);
	return status;
}
