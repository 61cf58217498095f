/* plan.c - see plan.h: building the plan of a launch, and taking it apart
 * (supervisor side). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/hooks.h"
#include "agent/keystore.h"
#include "base/log.h"
#include "base/sys.h"
#include "base/util.h"
#include "base/vars.h"
#include "config/settings.h"
#include "launch/capfile.h"
#include "launch/plan.h"
#include "launch/statefiles.h"
#include "policy/env.h"
#include "supervisor/approvals.h"

extern char **environ;

/* ---- the program ----------------------------------------------------------- */

static bool
executable_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

/* prog on PATH (or as a path): 0, or -ENOENT/-EACCES with err */
static int
resolve(char **out, const char *prog, struct nono_error *err)
{
	const char *path = getenv("PATH");
	char *dup, *save = NULL;

	*out = NULL;
	if (strchr(prog, '/')) {
		struct stat st;

		if (stat(prog, &st) < 0)
			return nono_error_set(err, -ENOENT, "%s: %s", prog, strerror(errno));
		if (S_ISDIR(st.st_mode) || access(prog, X_OK) < 0)
			return nono_error_set(err, -EACCES, "%s: not an executable file", prog);
		*out = nono_path_absolute(prog);
		return 0;
	}
	dup = xstrdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	for (char *d = strtok_r(dup, ":", &save); d && !*out; d = strtok_r(NULL, ":", &save)) {
		char *cand = nono_path_join(*d ? d : ".", prog);

		if (executable_file(cand))
			*out = nono_path_absolute(cand);
		free(cand);
	}
	free(dup);
	if (!*out) {
		nono_error_set(err, -ENOENT, "%s: command not found", prog);
		nono_error_hint(err, "check the name, or give its path");
		return err->code;
	}
	return 0;
}

/* blocked commands: 0, or -EPERM with err */
static int
check_command(const struct nono_policy *p, const char *argv0, const char *resolved, struct nono_error *err)
{
	const char *cat = NULL, *name = argv0, *base;
	char *real = resolved ? realpath(resolved, NULL) : NULL;

	if (!nono_policy_command_blocked(p, argv0, &cat) && real && nono_policy_command_blocked(p, real, &cat))
		name = real;
	if (cat) {
		base = strrchr(name, '/');
		base = base ? base + 1 : name;
		nono_error_set(err, -EPERM, "command '%s' is blocked (%s)", base, cat);
		nono_error_hint(err, "to run it anyway, add --allow-command %s", base);
	}
	free(real);
	return cat ? -EPERM : 0;
}

/* ---- what the launch sets up beside the sandbox ---------------------------- */

/* A hook install failed: what nono did not write (a planted entry, a
 * changed script) stops the launch, since the agent would run it; anything
 * else is a warning (the sandbox does not depend on the hook). */
static int
install_failed(const char *target, bool foreign, bool silent, const struct nono_error *err, struct nono_error *out)
{
	if (foreign) {
		nono_error_set(out, -EPERM, "%s hook: cannot replace what nono did not write: %s", target, err->msg);
		nono_error_hint(out, "%s", err->hint[0] ? err->hint : "fix it, then run 'nono hooks install'");
		return out->code;
	}
	log_warn("%s hook not installed: %s", target, err->msg);
	if (err->hint[0] && !silent)
		log_hint("%s", err->hint);
	return 0;
}

static void
say_installed(const char *target, const struct nono_hooks_status *st, unsigned changed)
{
	char *d = nono_path_display(st->script_path), *old;

	if (st->legacy && (changed & NONO_HOOKS_SETTINGS)) {
		old = nono_path_display(st->legacy_path);
		fprintf(stderr, "Moving %s hook from %s to %s, out of the sandbox's reach\n", target, old, d);
		free(old);
	} else if (changed & ~NONO_HOOKS_LEGACY) {
		fprintf(stderr,
			st->script == NONO_HOOKS_MISSING ? "Installing %s hook to %s\n" : "Updating %s hook in %s\n",
			target, d);
	}
	free(d);
}

/* One scope of an agent hook the profile declares, installed or updated
 * before the sandbox exists (the user's: it grants ~/.claude only if it is
 * there). With off (--no-hooks, [hooks] install = false, or the opt-out
 * 'nono hooks remove' left), nothing is written; an entry nono did not
 * write that names its hook still stops the launch. */
static int
install_scope(const char *target, const char *project, bool off, bool silent, struct nono_error *out)
{
	struct nono_hooks_status st = {0};
	struct nono_error err = {0};
	unsigned changed = 0;
	bool foreign;
	int r = 0;

	if (nono_hooks_status(&st, target, project, &err) < 0) {
		if (!off || st.planted.n)
			r = install_failed(target, false, silent, &err, out);
		goto out;
	}
	if (off && project && st.settings == NONO_HOOKS_MISSING)
		goto out;
	foreign = nono_hooks_warn(&st, !silent, !off);
	if (off) {
		if (st.planted.n) {
			r = nono_error_set(out, -EPERM, "%s hook: an entry in %s names nono's hook and is not nono's",
					   target, st.settings_path);
			nono_error_hint(out, "'nono hooks remove' takes it out ('nono hooks install' replaces it)");
		}
		goto out;
	}
	if (nono_hooks_current(&st))
		goto out;
	if (nono_hooks_install(&changed, target, project, &err) < 0)
		r = install_failed(target, foreign, silent, &err, out);
	else if (changed && !silent && !foreign)
		say_installed(target, &st, changed);
out:
	nono_hooks_status_free(&st);
	return r;
}

/* The hooks a profile declares: the user's scope (unless off), and a
 * project's where nono installed one ('nono hooks install --project'). */
static int
install_hook(const char *target, bool off, bool silent, const char *workdir, struct nono_error *out)
{
	struct nono_hooks_status st = {0};
	struct nono_error err = {0};
	char *cwd = workdir ? NULL : getcwd(NULL, 0);
	bool project = false;
	int r;

	if ((r = install_scope(target, NULL, off || nono_hooks_opted_out(target), silent, out)) < 0)
		goto out;
	if ((workdir || cwd) && nono_hooks_status(&st, target, workdir ? workdir : cwd, &err) == 0)
		project = st.settings != NONO_HOOKS_MISSING;
	nono_hooks_status_free(&st);
	r = project ? install_scope(target, workdir ? workdir : cwd, off, silent, out) : 0;
out:
	free(cwd);
	return r;
}

/* Proxy mode (--allow-domain, --network-profile): refused with
 * --block-net; the network profile's hosts added; the network blocked but
 * for the proxy's port. 1 in proxy mode, 0 if not, or -errno. */
static int
proxy_mode(struct nono_plan *plan, const struct nono_options *o, struct nono_error *err)
{
	struct nono_policy *p = &plan->policy;
	int r;

	if (!p->proxy_hosts.n && !o->network_profile)
		return 0;
	if (p->block_net) {
		nono_error_set(err, -EINVAL,
			       "--block-net and proxy mode (--allow-domain, --network-profile) don't "
			       "go together: one blocks every host, the other lets some through");
		nono_error_hint(err, "keep one of them (a profile's network.block counts as --block-net)");
		return err->code;
	}
	if (o->network_profile && (r = nono_proxy_add_profile(&p->proxy_hosts, o->network_profile, err)) < 0)
		return r;
	nono_proxy_deny_only(&p->proxy_hosts);
	/* everything --block-net refuses, but TCP to the proxy's port */
	p->block_net = true;
	p->proxy_port = o->proxy_port;
	return 1;
}

/* The shim links: beside an uninstalled binary, else where make install
 * put them. Without them the supervisor still refuses, less politely. */
static void
find_shims(struct nono_plan *plan)
{
	char *exe = realpath(plan->self_exe ? plan->self_exe : "/proc/self/exe", NULL);
	char *dir = exe ? nono_path_dirname(exe) : NULL;
	char *cands[2] = {dir ? nono_path_join(dir, "shims") : NULL, xstrdup(NONO_SHIMDIR)};

	for (int i = 0; i < 2 && !plan->shimdir; i++) {
		char *link = cands[i] ? nono_path_join(cands[i], "rm") : NULL;
		char *bin = link ? realpath(link, NULL) : NULL;

		if (bin && access(bin, X_OK) == 0) {
			plan->shimdir = realpath(cands[i], NULL);
			plan->shim = bin;
			bin = NULL;
		}
		free(bin);
		free(link);
	}
	if (!plan->shimdir)
		log_info("exec shim not found; blocked commands fail with a plain EPERM");
	free(cands[0]);
	free(cands[1]);
	cands[0] = dir ? nono_path_join(dir, "self") : NULL;
	cands[1] = nono_path_join(NONO_LIBEXECDIR, "self");
	for (int i = 0; i < 2 && !plan->selfdir; i++) {
		char *link = cands[i] ? nono_path_join(cands[i], "nono") : NULL;

		if (link && access(link, X_OK) == 0)
			plan->selfdir = realpath(cands[i], NULL);
		free(link);
	}
	free(cands[0]);
	free(cands[1]);
	free(dir);
	free(exe);
}

/* The grants the launch adds: the working directory with --allow-cwd, and
 * (not on a dry run) the private TMPDIR, the capability file and
 * open_urls' directory; the shim's everywhere. */
static int
launch_grants(struct nono_plan *plan, unsigned cwd_access, int *capfd, struct nono_error *err)
{
	struct nono_policy *p = &plan->policy;
	char tmpl[] = "/tmp/nono-XXXXXX", *self;
	int r;

	if (cwd_access)
		nono_policy_grant(p, p->workdir, cwd_access, NONO_KIND_DIR, "--allow-cwd", true);
	if (!plan->dry_run) {
		if (!mkdtemp(tmpl))
			return nono_error_set(err, -errno, "cannot create the private TMPDIR: %s", strerror(errno));
		plan->tmpdir = xstrdup(tmpl);
		p->tmpdir = xstrdup(tmpl);
		nono_policy_grant(p, tmpl, NONO_ACC_RW | NONO_ACC_DELETE, NONO_KIND_DIR, "private TMPDIR", false);
		if ((r = nono_capfile_create(&plan->capfile, capfd, err)) < 0)
			return r;
		nono_policy_grant(p, plan->capfile, NONO_ACC_READ, NONO_KIND_FILE, "NONO_CAP_FILE", false);
	}
	find_shims(plan);
	if (plan->shimdir) {
		nono_policy_grant(p, plan->shimdir, NONO_ACC_READ, NONO_KIND_DIR, "exec shim", false);
		nono_policy_grant(p, plan->shim, NONO_ACC_READ, NONO_KIND_FILE, "exec shim", false);
	}
	/* nono itself ('nono why --self', the agent hooks ask it), wherever it
	 * is installed; its link in selfdir names it on the PATH */
	if (plan->selfdir)
		nono_policy_grant(p, plan->selfdir, NONO_ACC_READ, NONO_KIND_DIR, "nono", false);
	if ((self = realpath(plan->self_exe ? plan->self_exe : "/proc/self/exe", NULL))) {
		nono_policy_grant(p, self, NONO_ACC_READ, NONO_KIND_FILE, "nono", false);
		free(self);
	}
	/* open_urls: the supervisor's socket, and xdg-open and BROWSER that ask it */
	if (plan->openurl.on && !plan->dry_run) {
		if ((r = nono_openurl_start(&plan->openurl, plan->shim, err)) < 0)
			return r;
		nono_policy_grant(p, plan->openurl.dir, NONO_ACC_READ, NONO_KIND_DIR, "open_urls", false);
		nono_strv_push(&p->unix_sockets, plan->openurl.sock);
	}
	/* xdg-open runs outside the sandbox while it runs: what it reads to
	 * pick a handler is out of the sandbox's reach */
	if (plan->openurl.on && (r = nono_policy_add_group(p, "deny_url_handlers", err)) < 0)
		return r;
	return 0;
}

/* ---- what this kernel lacks, and what stands in for it ---------------------- */

/* A launch that asked for a level this kernel does not reach: 0, or
 * -EOPNOTSUPP with err set. What the flags themselves give up
 * (--no-pid-ns) is not held against it. */
static int
refuse_weaker(const struct nono_plan *plan, int abi, struct nono_error *err)
{
	char list[1024] = "";

	if (plan->min_abi > abi) {
		nono_error_set(err, -EOPNOTSUPP,
			       "this kernel's Landlock ABI is %d, below the minimum of %d asked for: refusing to run",
			       abi, plan->min_abi);
		nono_error_hint(err, "it comes from --min-abi, a profile's security.min_abi or config.ini's [run] "
				     "min_abi; 'nono setup --check-only' says what this kernel enforces");
		return err->code;
	}
	for (int i = 0; plan->strict && i < plan->n_weak; i++) {
		const struct nono_weakness *w = &plan->weak[i];

		if (!w->left || (!strcmp(w->id, "pid-namespace") && !plan->pidns_why))
			continue;
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", *list ? "; " : "", w->left);
	}
	if (*list) {
		nono_error_set(err, -EOPNOTSUPP, "--strict: refusing to run weaker than a current kernel: %s", list);
		nono_error_hint(err, "'nono setup --check-only' says what this kernel enforces and what stands in");
		return err->code;
	}
	return 0;
}

/* What the launch has beside Landlock: its PID namespace where this host
 * can make one (else the host's processes stay visible, and the banner
 * says why), a network namespace of its own under --block-net where
 * Landlock's scopes are missing, and the filter's stand-ins for the rights
 * this ABI lacks; then what stays weaker. A request no mechanism can hold,
 * or a strict one this kernel does not meet, is refused. */
static int
stand_ins(struct nono_plan *plan, struct nono_error *err)
{
	struct nono_policy *p = &plan->policy;
	int abi = nono_sandbox_abi(plan->sandbox);
	bool proxy = p->proxy_hosts.n > 0;
	struct nono_sandbox_env e = {.abi = abi, .block_net = p->block_net, .proxy = proxy};
	char why[256];

	if (!p->host_pids && nono_spawn_pidns_check(why, sizeof(why)) < 0) {
		p->host_pids = true;
		plan->pidns_why = xstrdup(why);
	}
	/* a namespace of its own has a loopback of its own: the ports would lead nowhere */
	plan->net_ns = !p->host_pids && p->block_net && !proxy && !p->n_ports && abi < 6;
	e.pid_ns = !p->host_pids;
	e.net_ns = plan->net_ns;
	plan->n_weak = nono_sandbox_weaknesses(plan->weak, 16, &e);
	plan->mediate.block_net = p->block_net;
	/* the journal sees every destructive call: for rollback, and always
	 * for the files that run later outside the sandbox */
	plan->mediate.journal = true;
	/* the command blocklist on every exec only in strict mode: by default it
	 * checks the program nono starts (and nono shell each line) */
	plan->mediate.execs = plan->strict_exec;
	plan->mediate.lock_dirs = p->n_lock_dirs > 0;
	/* capability elevation: every open, reads too, and mkdir */
	plan->mediate.elevate = plan->elevation;
	/* no PID namespace: the calls that act on a process by pid (its
	 * limits, priority, CPUs) would reach the host's, which Landlock does
	 * not scope; the supervisor lets through those on the sandbox's own */
	plan->mediate.host_pids = p->host_pids;
	nono_seccomp_fallbacks(&plan->mediate, abi, proxy, plan->net_ns);
	if (abi > 0 && p->block_net && p->n_ports && abi < 4) {
		nono_error_set(err, -EOPNOTSUPP,
			       "--open-port/--listen-port need Landlock's TCP rules (ABI 4, Linux 6.7); this kernel "
			       "has ABI %d: refusing rather than opening more than asked",
			       abi);
		nono_error_hint(err, "run without --block-net or proxy mode, or on Linux 6.7 or newer");
		return err->code;
	}
	if (abi > 0 && p->block_net && abi < 4 && !plan->net_ns && !nono_seccomp_notify_supported()) {
		nono_error_set(err, -EOPNOTSUPP,
			       "--block-net: this kernel has neither Landlock's TCP rules (ABI 4, Linux 6.7), nor a "
			       "network namespace here, nor seccomp user notification for the supervisor to refuse "
			       "TCP: refusing to run with the network open");
		nono_error_hint(err, "run without --block-net, or on Linux 6.7 or newer");
		return err->code;
	}
	return abi > 0 ? refuse_weaker(plan, abi, err) : 0;
}

/* The policy finalized, then the sandbox and the filter built for it; on a
 * dry run a kernel that cannot enforce it is a refusal to show, not an
 * error. The capability file is written (not on a dry run). */
static int
prepare(struct nono_plan *plan, unsigned cwd_access, struct nono_error *err)
{
	struct nono_policy *p = &plan->policy;
	int capfd = -1, r;
	char *caps;

	if (!p->workdir && !(p->workdir = getcwd(NULL, 0)))
		return nono_error_set(err, -errno, "cannot read the current directory: %s", strerror(errno));
	nono_policy_add_default_groups(p);
	if ((r = launch_grants(plan, cwd_access, &capfd, err)) < 0 || (r = nono_policy_finalize(p, err)) < 0)
		goto out;
	for (size_t i = 0; i < p->warnings.n; i++)
		log_warn("%s", p->warnings.v[i]);
	/* xdg-open runs outside the sandbox (open_urls): not one it may change */
	if (plan->openurl.xdg >= 0 && nono_policy_may_change(p, plan->openurl.xdg_path)) {
		log_warn("open_urls: %s is not run: the sandbox may change it", plan->openurl.xdg_path);
		nono_openurl_distrust(&plan->openurl, "xdg-open is not run: the sandbox may change it");
	}
	/* without Landlock (ABI 0) there is nothing to stand in for: it refuses */
	if ((r = nono_sandbox_prepare(&plan->sandbox, p, err)) < 0)
		(void)stand_ins(plan, err);
	else
		r = stand_ins(plan, err);
	if (r < 0) {
		if (!plan->dry_run)
			goto out;
		plan->refusal = xstrdup(err->msg);
		nono_error_clear(err);
	}
	if ((r = nono_seccomp_for(&plan->filter, &plan->mediate, err)) < 0)
		goto out;
	if (capfd >= 0) {
		caps = nono_plan_capabilities(plan);
		r = nono_capfile_write(capfd, plan->capfile, caps, err);
		capfd = -1;
		free(caps);
	}
out:
	if (capfd >= 0)
		close(capfd);
	return r;
}

/* ---- the program's environment --------------------------------------------- */

/* nono's own variables: its TMPDIR and capability file, the shell's
 * history, the proxy, the shims and open_urls first on PATH */
static void
nono_vars(struct nono_strv *set, const struct nono_plan *plan, const struct nono_strv *no_proxy)
{
	const char *path = getenv("PATH");

	nono_strv_push_owned(set, xasprintf("TMPDIR=%s", plan->tmpdir));
	nono_strv_push_owned(set, xasprintf("NONO_CAP_FILE=%s", plan->capfile));
	if (plan->keep_fd >= 0)
		nono_strv_push_owned(set, xasprintf("NONO_HISTORY_FD=%d", NONO_KEEP_FD));
	if (!strcmp(plan->command, "shell"))
		nono_strv_push_owned(set, xasprintf("NONO_REFUSAL_FD=%d", NONO_REFUSAL_FD));
	if (plan->proxy.pid > 0) {
		static const char *const vars[] = {"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"};

		for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
			nono_strv_push_owned(set, xasprintf("%s=http://nono:%s@127.0.0.1:%d", vars[i],
							    plan->proxy.token, plan->proxy.port));
		static const char *const loopback[] = {"localhost", "127.0.0.1", "::1"};
		char *np = xstrdup("");

		/* loopback goes direct (with --open-port), but for the names
		 * --allow-domain gives the proxy, which reaches them; and
		 * network.no_proxy's loopback names (checked by its setter) */
		for (size_t i = 0; i < 3 + no_proxy->n; i++) {
			const char *h = i < 3 ? loopback[i] : no_proxy->v[i - 3];
			char *more;

			if (nono_proxy_host_allowed(&plan->policy.proxy_hosts, h))
				continue;
			more = xasprintf("%s%s%s", np, *np ? "," : "", h);
			free(np);
			np = more;
		}
		nono_strv_push_owned(set, xasprintf("NO_PROXY=%s", np));
		nono_strv_push_owned(set, xasprintf("no_proxy=%s", np));
		free(np);
		nono_strv_push(set, "NODE_USE_ENV_PROXY=1");
		nono_strv_push_owned(set, xasprintf("NONO_PROXY_TOKEN=%s", plan->proxy.token));
	}
	/* strict exec: the shims explain a blocked command (first on PATH);
	 * open_urls: its xdg-open comes before them (and the real one); nono
	 * itself after them, before the rest */
	if (plan->openurl.dir || (plan->shimdir && plan->strict_exec) || plan->selfdir) {
		const char *shims = plan->shimdir && plan->strict_exec ? plan->shimdir : NULL;

		nono_strv_push_owned(set, xasprintf("PATH=%s%s%s%s%s%s%s", plan->openurl.dir ? plan->openurl.dir : "",
						    plan->openurl.dir ? ":" : "", shims ? shims : "", shims ? ":" : "",
						    plan->selfdir ? plan->selfdir : "", plan->selfdir ? ":" : "",
						    path && *path ? path : "/usr/local/bin:/usr/bin:/bin"));
		if (shims)
			nono_strv_push_owned(set, xasprintf("NONO_SHIM_DIR=%s", shims));
	}
	if (plan->openurl.dir) {
		nono_strv_push_owned(set, xasprintf("BROWSER=%s/nono-browser", plan->openurl.dir));
		nono_strv_push_owned(set, xasprintf("NONO_URL_SOCKET=%s", plan->openurl.sock));
	}
}

/* The caller's environment filtered as the profile says, the profile's
 * set_vars, nono's own variables (which win) and the keystore's secrets
 * (loaded now: a missing one stops everything). */
static int
build_env(struct nono_plan *plan, const struct nono_options *o, struct nono_error *err)
{
	struct nono_strv set = {0}, secrets = {0}, all = {0};
	struct nono_vars vars;
	int r = 0;

	if (o->env_creds.n) {
		if ((r = nono_keystore_load(&secrets, &o->env_creds, err)) < 0)
			goto out;
	}
	nono_vars(&set, plan, &o->no_proxy);
	/* environment.set_vars: $WORKDIR the launch's, $TMPDIR the private one */
	nono_vars_from_env(&vars, plan->policy.workdir, plan->tmpdir ? plan->tmpdir : "/tmp");
	for (size_t i = 0; i < o->env_set.n && r == 0; i++) {
		const char *eq = strchr(o->env_set.v[i], '=');
		char *x = NULL;

		if ((r = nono_vars_expand(&x, eq + 1, &vars, err)) == 0)
			nono_strv_push_owned(&all,
					     xasprintf("%.*s=%s", (int)(eq - o->env_set.v[i]), o->env_set.v[i], x));
		free(x);
	}
	if (r < 0)
		goto out;
	for (size_t i = 0; i < set.n; i++)
		nono_strv_push(&all, set.v[i]);
	for (size_t i = 0; i < secrets.n; i++)
		nono_strv_push(&all, secrets.v[i]);
	nono_env_build_filtered(&plan->env, environ, all.v, &o->env_allow, &o->env_deny);
out:
	nono_keystore_wipe(&all);
	nono_keystore_wipe(&secrets);
	nono_strv_free(&set);
	return r;
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

/* ---- the plan --------------------------------------------------------------- */

/* What the plan takes from the options, and what it borrows. */
static void
take_options(struct nono_plan *plan, struct nono_options *o, char **argv, int keep_fd)
{
	plan->rollback = nono_options_rollback(o);
	plan->policy = o->policy;
	nono_policy_init(&o->policy);
	plan->openurl = o->openurl;
	nono_openurl_init(&o->openurl);
	plan->command = o->extra_read ? "shell" : "run"; /* only nono shell adds its helper */
	plan->argv = argv;
	plan->args = o->argv;
	plan->nargs = o->argc;
	plan->keep_fd = keep_fd;
	plan->env_creds = &o->env_creds;
	plan->hooks = &o->hooks;
	plan->audit = !o->no_audit;
	plan->rollback_exclude = &o->rollback_exclude;
	plan->profile = o->profile;
	plan->dry_run = o->dry_run;
	plan->json = o->json;
	plan->silent = o->silent;
	plan->verbose = o->verbose;
	plan->trust_override = o->trust_override;
	plan->self_exe = o->self_exe;
	plan->strict_exec = o->strict_exec;
	plan->exec_session = o->exec_session;
	plan->elevation = o->elevation;
	plan->approval_timeout = o->approval_timeout;
	plan->strict = o->strict;
	plan->min_abi = o->min_abi;
	plan->limits.max_procs = o->max_procs;
	plan->limits.memory = o->memory;
	plan->limits.procs_fd = -1;
	if (nono_settings() && nono_settings()->min_abi > plan->min_abi)
		plan->min_abi = nono_settings()->min_abi;
}

/* The program, resolved and checked: 127 when it is not found, 126 when it
 * is not executable or blocked. */
static int
program(struct nono_plan *plan, const char *argv0, const char *extra_read, struct nono_error *err)
{
	int r;

	if ((r = resolve(&plan->program, argv0, err)) < 0) {
		plan->exit_status = r == -ENOENT ? 127 : 126;
		return r;
	}
	nono_policy_add_default_groups(&plan->policy);
	if ((r = check_command(&plan->policy, argv0, plan->program, err)) < 0) {
		plan->exit_status = 126;
		return r;
	}
	if (extra_read) {
		/* nono shell: its helper, and the system's start files of the
		 * shells and of readline (the user's are theirs to grant) */
		static const char *const rc[] = {"/etc/bash.bashrc", "/etc/inputrc", "/etc/zsh", NULL};

		nono_policy_grant(&plan->policy, extra_read, NONO_ACC_READ, NONO_KIND_FILE, "nono shell", false);
		for (size_t i = 0; rc[i]; i++) {
			struct stat st;

			if (stat(rc[i], &st) == 0)
				nono_policy_grant(&plan->policy, rc[i], NONO_ACC_READ,
						  S_ISDIR(st.st_mode) ? NONO_KIND_DIR : NONO_KIND_FILE, "nono shell",
						  false);
		}
	}
	return 0;
}

/* Where 'nono approvals' finds this session (the proxy asks there too);
 * without the directory, requests are asked on the terminal alone. */
static void
approvals_socket(struct nono_plan *plan)
{
	char *dir;
	int r;

	if ((r = nono_approvals_dir(&dir)) < 0) {
		log_warn("capability elevation: no directory for the approvals socket (%s): asking on the terminal "
			 "only",
			 strerror(-r));
		return;
	}
	plan->approvals_socket = nono_approvals_socket(dir, getpid());
	free(dir);
	nono_proxy_set_approvals(plan->approvals_socket);
}

int
nono_plan_build(struct nono_plan **out, struct nono_options *o, char **argv, int keep_fd, struct nono_error *err)
{
	struct nono_plan *plan = *out = xcalloc(1, sizeof(*plan));
	int r;

	plan->exit_status = 125;
	plan->t_start = nono_now_us();
	take_options(plan, o, argv, keep_fd);
	if ((r = program(plan, argv[0], o->extra_read, err)) < 0)
		return r;
	for (size_t i = 0; !plan->dry_run && i < plan->hooks->n; i++)
		if ((r = install_hook(plan->hooks->v[i], o->no_hooks || !nono_settings()->hooks_install, plan->silent,
				      plan->policy.workdir, err)) < 0)
			return r;
	/* the agent's own state beside the grants, before they are resolved */
	if (!plan->dry_run &&
	    (r = nono_statefiles_prepare(&o->create_dirs, &o->link_files, plan->policy.workdir, err)) < 0)
		return r;
	if ((r = proxy_mode(plan, o, err)) < 0)
		return r;
	if (plan->elevation && !plan->dry_run)
		approvals_socket(plan);
	/* the proxy is forked before any thread of ours exists */
	if (r > 0 && !plan->dry_run) {
		if ((r = nono_proxy_start(&plan->proxy, &plan->policy.proxy_hosts, o->proxy_port, err)) < 0)
			return r;
		plan->policy.proxy_port = plan->proxy.port;
	}
	plan->t_prep = nono_now_us();
	/* the audit store's files are made while the policy is prepared */
	/* one id for the session's trail and its journal: the one its caller
	 * chose (libnono), or a new one */
	if (o->session_id && nono_session_id_valid(o->session_id) && strlen(o->session_id) <= NONO_SESSION_ID_LEN)
		snprintf(plan->session_id, sizeof(plan->session_id), "%s", o->session_id);
	else
		nono_session_id_new(plan->session_id);
	if (!plan->dry_run && plan->audit)
		nono_audit_prestart(nono_sys_landlock_abi(), plan->session_id);
	if (o->allow_cwd && !nono_options_cwd_access(o))
		log_note("--allow-cwd: the profile's workdir.access is none; the working directory is not shared");
	if ((r = prepare(plan, o->allow_cwd ? nono_options_cwd_access(o) : 0, err)) < 0)
		return r;
	if ((r = nono_limits_prepare(&plan->limits, plan->dry_run, err)) < 0)
		return r;
	plan->t_spawn = nono_now_us();
	if (plan->dry_run)
		return 0;
	/* the instruction files the agent will read: signed, or the launch stops */
	if ((r = nono_trust_launch(&plan->trust, &plan->policy, plan->trust_override, err)) < 0)
		return r;
	survive_sigpipe();
	if ((r = build_env(plan, o, err)) < 0)
		return r;
	/* Landlock logs denials after exec (ABI 7) for the trail to read where
	 * the kernel audits: decided before fork, harmless where it doesn't */
	if (plan->audit)
		nono_sandbox_log_denials(plan->sandbox);
	return 0;
}

void
nono_plan_free(struct nono_plan *plan)
{
	struct nono_error err = {0};

	if (!plan)
		return;
	nono_audit_prestart_cancel();
	nono_proxy_stop(&plan->proxy);
	nono_supervisor_free(plan->supervisor);
	free(plan->helper);
	nono_audit_close(plan->trail, plan->exit_status, &err);
	nono_report_free(&plan->report);
	nono_journal_free(&plan->journal);
	nono_persist_free(plan->persist);
	nono_sandbox_free(plan->sandbox);
	nono_seccomp_free(&plan->filter);
	nono_limits_free(&plan->limits);
	if (plan->capfile)
		unlink(plan->capfile);
	if (plan->tmpdir)
		nono_rm_rf(plan->tmpdir);
	/* its socket's directory too, whatever ended the session */
	nono_openurl_free(&plan->openurl);
	nono_keystore_wipe(&plan->env);
	nono_policy_free(&plan->policy);
	nono_trust_report_free(&plan->trust);
	free(plan->capfile);
	free(plan->approvals_socket);
	free(plan->tmpdir);
	free(plan->refusal);
	free(plan->pidns_why);
	free(plan->shimdir);
	free(plan->selfdir);
	free(plan->shim);
	free(plan->program);
	free(plan);
}
