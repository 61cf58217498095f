/* cmd_run.c - 'nono run [flags] [--] PROGRAM [ARGS]' (supervisor side). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "capfile.h"
#include "commands.h"
#include "compat/landlock.h"
#include "dl.h"
#include "env.h"
#include "hooks.h"
#include "keystore.h"
#include "vars.h"
#include "journal.h"
#include "launch.h"
#include "log.h"
#include "proxy.h"
#include "spawn.h"
#include "seccomp.h"
#include "settings.h"
#include "supervisor.h"
#include "sys.h"
#include "trust.h"

extern char **environ;

/* The agent hooks the profile declares, installed or updated before the
 * sandbox exists (it grants ~/.claude only if it is there). A failure is
 * reported and the launch goes on: the sandbox does not depend on it. But
 * what nono did not write (a planted settings.json entry, a changed script)
 * is refused: when it cannot be replaced, nothing runs, since the agent
 * would run it. */
static int
install_hooks(const struct nono_launch *l)
{
	for (size_t i = 0; i < l->hooks.n; i++) {
		struct nono_hooks_status st;
		struct nono_error err = {0};
		unsigned changed = 0;
		bool foreign;
		char *d;

		if (nono_hooks_status(&st, l->hooks.v[i], &err) < 0) {
			log_warn("%s hook not installed: %s", l->hooks.v[i], err.msg);
			if (err.hint[0] && !l->silent)
				log_hint("%s", err.hint);
			nono_hooks_status_free(&st);
			continue;
		}
		foreign = nono_hooks_warn(&st, !l->silent, true);
		if (nono_hooks_current(&st)) {
			nono_hooks_status_free(&st);
			continue;
		}
		if (nono_hooks_install(&changed, l->hooks.v[i], &err) < 0) {
			if (foreign) {
				log_error("%s hook: cannot replace what nono did not write: %s", l->hooks.v[i],
					  err.msg);
				log_hint("%s", err.hint[0] ? err.hint : "fix it, then run 'nono hooks install'");
				nono_hooks_status_free(&st);
				return -1;
			}
			log_warn("%s hook not installed: %s", l->hooks.v[i], err.msg);
			if (err.hint[0] && !l->silent)
				log_hint("%s", err.hint);
		} else if (changed && !l->silent && !foreign) {
			d = nono_path_display(st.script_path);
			if (st.legacy && (changed & NONO_HOOKS_SETTINGS)) {
				char *old = nono_path_display(st.legacy_path);

				fprintf(stderr, "Moving %s hook from %s to %s, out of the sandbox's reach\n",
					l->hooks.v[i], old, d);
				free(old);
			} else if (changed & ~NONO_HOOKS_LEGACY) {
				fprintf(stderr,
					st.script == NONO_HOOKS_MISSING ? "Installing %s hook to %s\n"
									: "Updating %s hook in %s\n",
					l->hooks.v[i], d);
			}
			free(d);
		}
		nono_hooks_status_free(&st);
	}
	return 0;
}

/* The session's audit trail, opened in the parent while the child confines
 * itself (spawn's after_fork): its files cost the launch nothing, and a
 * failure still stops everything before the program runs. */
struct audit_ctx {
	struct nono_audit **out;
	struct nono_launch *l;
	struct nono_prepared *pr;
	char **argv;
	const char *program;
	struct nono_supervisor *sv;
	const struct nono_trust_report *trust;
};

static int open_audit(struct nono_audit **out, struct nono_launch *l, struct nono_prepared *pr, char **argv,
		      const char *program, struct nono_error *err);

static int
open_audit_after_fork(void *ctx, pid_t child, struct nono_error *err)
{
	struct audit_ctx *c = ctx;
	int r = open_audit(c->out, c->l, c->pr, c->argv, c->program, err);

	(void)child;
	if (r == 0)
		c->sv->audit = *c->out;
	if (r == 0)
		nono_trust_audit(c->trust, *c->out); /* an instruction-file override is on record */
	return r;
}

static int
open_audit(struct nono_audit **out, struct nono_launch *l, struct nono_prepared *pr, char **argv, const char *program,
	   struct nono_error *err)
{
	struct nono_audit_info info = {
	    .command = l->extra_read ? "shell" : "run", /* only nono shell adds its helper */
	    .argv = argv,
	    .program = program,
	    .cwd = l->policy.workdir,
	    .profile = l->profile,
	    .landlock_abi = pr->sandbox.abi,
	};
	char *caps = nono_capfile_render(&l->policy, &pr->sandbox);
	int r;

	info.capabilities = caps;
	r = nono_audit_open(out, &info, err);
	free(caps);
	return r;
}

/* Rollback: journal what the writable grants of the launch lose. */
static int
journal_begin(struct nono_journal *j, const struct nono_launch *l, char **argv, struct nono_error *err)
{
	const struct nono_policy *p = &l->policy;
	struct nono_strv roots = {0};
	struct nono_journal_opts o = {0};
	int r;

	/* the user's own trees: what the flags grant and the working directory;
	 * a profile's grants for the agent's own state (~/.claude) are not */
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct nono_rule *g = &p->rules[i];

		bool from_profile = strncmp(g->source, "profile:", 8) == 0 || strcmp(g->source, "allow_delete") == 0;

		if (g->user && (g->access & NONO_ACC_WRITE) && (!from_profile || nono_path_under(g->path, p->workdir)))
			nono_strv_push(&roots, g->path);
	}
	o.argv = argv;
	o.cwd = p->workdir;
	o.profile = l->profile;
	o.max_file = nono_settings() ? nono_settings()->rollback_max_file : 0;
	o.roots = &roots;
	o.exclude = &l->rollback_exclude;
	r = nono_journal_begin(j, &o, err);
	nono_strv_free(&roots);
	return r;
}

static void
journal_end(struct nono_journal *j, int status)
{
	int changed = nono_journal_end(j, status);

	if (changed > 0) {
		log_note("%d path%s changed; review: nono rollback show %s --diff; undo: nono rollback restore %s",
			 changed, changed == 1 ? "" : "s", j->id, j->id);
		if (j->n_large)
			log_warn("%u file%s over the rollback size limit %s recorded but not saved", j->n_large,
				 j->n_large == 1 ? "" : "s", j->n_large == 1 ? "was" : "were");
	} else if (changed == 0 && !j->n_failed) {
		/* nothing to bring back: no session to list */
		nono_rm_rf(j->dir);
	}
	if (j->n_failed)
		log_warn("rollback: %u operation%s refused because %s state could not be saved", j->n_failed,
			 j->n_failed == 1 ? " was" : "s were", j->n_failed == 1 ? "its" : "their");
}

/* The supervisor writes where the program may have closed the reading end
 * (a refusal goes to the program's own stderr, which can be a pipe; nono's
 * stderr can be one too): such a write must fail with EPIPE, not kill the
 * supervisor, and with it the session. A handler rather than SIG_IGN, since
 * execve resets a handler to the default but keeps SIG_IGN: the program
 * and every helper nono starts get the default SIGPIPE. */
static void
sigpipe_noop(int sig)
{
	(void)sig;
}

static void
survive_sigpipe(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sigpipe_noop;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
}

/* Everything after the flags: resolve, check, prepare, spawn, clean up.
 * Returns the exit status. argv[0] is the program as given. */
static int
launch(struct nono_launch *l, char **argv, int keep_fd, double t_start)
{
	struct nono_prepared pr;
	struct nono_error err = {0};
	struct nono_strv env = {0}, set = {0}, secrets = {0};
	struct nono_spawn sp;
	struct nono_supervisor sv = {0};
	struct nono_audit *audit = NULL;
	struct audit_ctx actx;
	struct nono_journal journal = {0};
	struct nono_proxy proxy = {0};
	struct nono_trust_report trust = {0};
	char *program = NULL;
	int r, status = 125;
	double t_prep, t_spawn, t_end;

	memset(&pr, 0, sizeof(pr));
	pr.capfd = -1;
	if ((r = nono_launch_resolve(&program, argv[0], &err)) < 0) {
		status = r == -ENOENT ? 127 : 126;
		nono_print_error(&err);
		goto out;
	}
	nono_policy_add_default_groups(&l->policy);
	if (nono_launch_check_command(&l->policy, argv[0], program, &err) < 0) {
		status = 126;
		nono_print_error(&err);
		goto out;
	}
	if (l->extra_read)
		nono_policy_grant(&l->policy, l->extra_read, NONO_ACC_READ, NONO_KIND_FILE, "nono shell", false);
	if (!l->dry_run && install_hooks(l) < 0)
		goto out;
	if ((r = nono_launch_proxy_mode(l, &err)) < 0) {
		nono_print_error(&err);
		goto out;
	}
	/* the proxy is forked before any thread of ours exists */
	if (r > 0 && !l->dry_run) {
		if (nono_proxy_start(&proxy, &l->policy.proxy_hosts, l->proxy_port, &err) < 0) {
			nono_print_error(&err);
			goto out;
		}
		l->policy.proxy_port = proxy.port;
	}
	t_prep = nono_now_us();
	/* the audit chain and the journal hash: load libcrypto meanwhile */
	if (!l->dry_run && (!l->no_audit || nono_launch_rollback(l)))
		nono_sha256_preload();
	/* the audit store's files are made while the policy is prepared */
	if (!l->dry_run && !l->no_audit)
		nono_audit_prestart(nono_sys_landlock_abi());
	if ((r = nono_launch_prepare(&pr, l, l->dry_run, &err)) < 0) {
		nono_print_error(&err);
		goto out;
	}
	t_spawn = nono_now_us();
	if (l->dry_run) {
		nono_launch_plan(l, &pr, program);
		status = pr.refusal ? 125 : 0;
		goto out;
	}
	/* the instruction files the agent will read: signed, or the launch stops (trust.c) */
	if (nono_trust_launch(&trust, l, &err) < 0) {
		nono_print_error(&err);
		goto out;
	}
	survive_sigpipe();
	/* secrets last before the banner: a missing one stops everything. The
	 * lookup forks a process that loads libsecret, so no other thread may
	 * be inside the dynamic loader then. */
	if (l->env_creds.n)
		nono_sha256_preload_wait();
	if (l->env_creds.n && nono_keystore_load(&secrets, &l->env_creds, &err) < 0) {
		nono_print_error(&err);
		goto out;
	}
	/* Landlock logs denials after exec (ABI 7) for the trail to read where
	 * the kernel audits: decided before fork, harmless where it doesn't */
	if (!l->no_audit && pr.sandbox.abi >= 7)
		pr.sandbox.restrict_flags |= LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON;
	nono_launch_banner(l, &pr, "supervised");
	nono_trust_banner(&trust, l);
	nono_strv_push_owned(&set, xasprintf("TMPDIR=%s", pr.tmpdir));
	nono_strv_push_owned(&set, xasprintf("NONO_CAP_FILE=%s", pr.capfile));
	if (keep_fd >= 0)
		nono_strv_push_owned(&set, xasprintf("NONO_HISTORY_FD=%d", NONO_KEEP_FD));
	if (proxy.pid > 0) {
		static const char *const vars[] = {"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"};

		for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
			nono_strv_push_owned(
			    &set, xasprintf("%s=http://nono:%s@127.0.0.1:%d", vars[i], proxy.token, proxy.port));
		nono_strv_push(&set, "NO_PROXY=localhost,127.0.0.1,::1");
		nono_strv_push(&set, "no_proxy=localhost,127.0.0.1,::1");
		nono_strv_push(&set, "NODE_USE_ENV_PROXY=1");
		nono_strv_push_owned(&set, xasprintf("NONO_PROXY_TOKEN=%s", proxy.token));
	}
	if (pr.shimdir) {
		const char *path = getenv("PATH");

		/* open_urls: its xdg-open comes before the shims (and the real one) */
		nono_strv_push_owned(&set, xasprintf("PATH=%s%s%s:%s", l->openurl.dir ? l->openurl.dir : "",
						     l->openurl.dir ? ":" : "", pr.shimdir,
						     path && *path ? path : "/usr/local/bin:/usr/bin:/bin"));
		nono_strv_push_owned(&set, xasprintf("NONO_SHIM_DIR=%s", pr.shimdir));
	}
	if (l->openurl.dir) {
		nono_strv_push_owned(&set, xasprintf("BROWSER=%s/nono-browser", l->openurl.dir));
		nono_strv_push_owned(&set, xasprintf("NONO_URL_SOCKET=%s", l->openurl.sock));
		sv.openurl = &l->openurl;
	}
	/* the profile's set_vars first, nono's own variables win */
	{
		struct nono_strv all = {0};

		for (size_t i = 0; i < l->env_set.n; i++)
			nono_strv_push(&all, l->env_set.v[i]);
		for (size_t i = 0; i < set.n; i++)
			nono_strv_push(&all, set.v[i]);
		for (size_t i = 0; i < secrets.n; i++)
			nono_strv_push(&all, secrets.v[i]);
		nono_env_build_filtered(&env, environ, all.v, &l->env_allow, &l->env_deny);
		nono_keystore_wipe(&all);
	}
	memset(&sp, 0, sizeof(sp));
	sp.path = program;
	sp.argv = argv;
	sp.envp = env.v;
	sp.cwd = l->policy.workdir;
	sp.sandbox = &pr.sandbox;
	sp.seccomp = &pr.seccomp;
	sp.drop_caps = geteuid() == 0;
	sp.pid_ns = !l->policy.host_pids;
	sp.keep_fd = keep_fd;
	sv.policy = &l->policy;
	sv.shim = pr.shim;
	/* the supervisor's workers confine themselves with the sandbox's rules */
	sv.ruleset_fd = pr.sandbox.ruleset_fd;
	sv.restrict_flags = pr.sandbox.restrict_flags & ~LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON;
	sp.supervisor = &sv;
	if (!l->no_audit) {
		actx = (struct audit_ctx){&audit, l, &pr, argv, program, &sv, &trust};
		sp.after_fork = open_audit_after_fork;
		sp.after_fork_ctx = &actx;
	}
	if (nono_launch_rollback(l)) {
		if (journal_begin(&journal, l, argv, &err) < 0) {
			nono_print_error(&err);
			goto out;
		}
		sv.journal = &journal;
	}
	/* libcrypto may still be loading: the first digest waits for it (the
	 * exec's audit record is written after the answer), the child never
	 * needs it */
	if (nono_spawn_run(&sp, &status, &err) < 0) {
		status = nono_spawn_exit_code(&err);
		nono_print_error(&err);
	}
	nono_supervisor_release(&sv);
	if (sv.journal)
		journal_end(&journal, status);
	nono_error_clear(&err);
	if (nono_audit_close(audit, status, &err) < 0)
		nono_print_error(&err);
	audit = NULL;
	nono_prepared_free(&pr);
	t_end = nono_now_us();
	log_debug("timing: parse %.0f us, prepare %.0f us, fork to exec %.0f us, run and clean-up %.0f us",
		  t_prep - t_start, t_spawn - t_prep, sp.t_exec, t_end - t_spawn - sp.t_exec);
out:
	nono_audit_prestart_cancel();
	nono_proxy_stop(&proxy);
	nono_sha256_preload_wait();
	nono_audit_close(audit, status, &err);
	nono_journal_free(&journal);
	nono_prepared_free(&pr);
	nono_keystore_wipe(&env);
	nono_keystore_wipe(&secrets);
	nono_strv_free(&set);
	nono_trust_report_free(&trust);
	free(program);
	return status;
}

int
nono_cmd_run(int argc, char **argv)
{
	struct nono_launch l;
	struct nono_error err = {0};
	int r, status = 125;
	double t_start = nono_now_us();

	nono_launch_init(&l);
	r = nono_launch_parse(&l, NONO_CMD_RUN, "run", argc, argv, &err);
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
	nono_launch_free(&l);
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

int
nono_cmd_shell(int argc, char **argv)
{
	struct nono_launch l;
	struct nono_error err = {0};
	char *helper = NULL, *hist = NULL;
	char *sargv[6] = {0};
	int r, n = 0, hfd = -1, status = 125;
	double t_start = nono_now_us();

	nono_launch_init(&l);
	r = nono_launch_parse(&l, NONO_CMD_SHELL, "shell", argc, argv, &err);
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
	nono_launch_free(&l);
	return status;
}
