/* cmd_run.c - 'nono run [flags] [--] PROGRAM [ARGS]' (supervisor side). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "env.h"
#include "launch.h"
#include "log.h"
#include "spawn.h"
#include "seccomp.h"
#include "supervisor.h"

extern char **environ;

int
nono_cmd_run(int argc, char **argv)
{
	struct nono_launch l;
	struct nono_prepared pr;
	struct nono_error err = { 0 };
	struct nono_strv env = { 0 }, set = { 0 };
	struct nono_spawn sp;
	struct nono_supervisor sv = { 0 };
	char *program = NULL;
	int r, status = 125;
	double t_start = nono_now_us(), t_prep = 0, t_spawn = 0, t_end;

	nono_launch_init(&l);
	memset(&pr, 0, sizeof(pr));
	pr.capfd = -1;
	r = nono_launch_parse(&l, NONO_CMD_RUN, "run", argc, argv, &err);
	if (r == 1) {
		nono_cli_usage(NONO_CMD_RUN, "run", "[OPTIONS] [--] PROGRAM [ARGS...]",
			       "Run PROGRAM confined by Landlock and seccomp: it can reach only what the flags "
			       "grant,\nnever the sensitive paths, and nothing inside can widen that.");
		status = 0;
		goto out;
	}
	if (r < 0)
		goto fail;
	nono_log_set_level(l.silent ? NONO_LOG_QUIET : l.verbose);
	if (l.argc < 1) {
		nono_error_set(&err, -EINVAL, "nono run: no program given");
		nono_error_hint(&err, "nono run --allow . -- PROGRAM [ARGS]");
		goto fail;
	}
	if ((r = nono_launch_resolve(&program, l.argv[0], &err)) < 0) {
		status = r == -ENOENT ? 127 : 126;
		nono_print_error(&err);
		goto out;
	}
	nono_policy_add_default_groups(&l.policy);
	if (nono_launch_check_command(&l.policy, l.argv[0], program, &err) < 0) {
		status = 126;
		nono_print_error(&err);
		goto out;
	}
	t_prep = nono_now_us();
	if ((r = nono_launch_prepare(&pr, &l, l.dry_run, &err)) < 0)
		goto fail;
	t_spawn = nono_now_us();
	if (l.dry_run) {
		nono_launch_plan(&l, &pr, program);
		status = pr.refusal ? 125 : 0;
		goto out;
	}
	nono_launch_banner(&l, &pr, "supervised");
	nono_strv_push_owned(&set, xasprintf("TMPDIR=%s", pr.tmpdir));
	nono_strv_push_owned(&set, xasprintf("NONO_CAP_FILE=%s", pr.capfile));
	if (pr.shimdir) {
		const char *path = getenv("PATH");

		nono_strv_push_owned(&set, xasprintf("PATH=%s:%s", pr.shimdir,
						     path && *path ? path : "/usr/local/bin:/usr/bin:/bin"));
		nono_strv_push_owned(&set, xasprintf("NONO_SHIM_DIR=%s", pr.shimdir));
	}
	/* the profile's set_vars first, nono's own variables win */
	{
		struct nono_strv all = { 0 };

		for (size_t i = 0; i < l.env_set.n; i++)
			nono_strv_push(&all, l.env_set.v[i]);
		for (size_t i = 0; i < set.n; i++)
			nono_strv_push(&all, set.v[i]);
		nono_env_build_filtered(&env, environ, all.v, &l.env_allow, &l.env_deny);
		nono_strv_free(&all);
	}
	memset(&sp, 0, sizeof(sp));
	sp.path = program;
	sp.argv = l.argv;
	sp.envp = env.v;
	sp.cwd = l.policy.workdir;
	sp.sandbox = &pr.sandbox;
	sp.seccomp = &pr.seccomp;
	sp.drop_caps = geteuid() == 0;
	sv.policy = &l.policy;
	sv.shim = pr.shim;
	sp.supervisor = &sv;
	if (nono_spawn_run(&sp, &status, &err) < 0) {
		status = nono_spawn_exit_code(&err);
		nono_print_error(&err);
	}
	nono_prepared_free(&pr);
	nono_seccomp_notif_release();
	t_end = nono_now_us();
	log_debug("timing: parse %.0f us, prepare %.0f us, fork to exec %.0f us, run and clean-up %.0f us",
		  t_prep - t_start, t_spawn - t_prep, sp.t_exec, t_end - t_spawn - sp.t_exec);
	goto out;
fail:
	nono_print_error(&err);
	status = 125;
out:
	nono_prepared_free(&pr);
	nono_strv_free(&env);
	nono_strv_free(&set);
	free(program);
	nono_launch_free(&l);
	return status;
}
