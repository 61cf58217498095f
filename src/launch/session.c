/* session.c - see plan.h: running a plan. The journal begins, the
 * supervisor is made and the launch's services register their descriptors
 * with its loop (the kernel's Landlock denials, open_urls), the child is
 * forked, and the audit trail opens while it confines itself; afterwards
 * everything is recorded and closed (supervisor side). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/dl.h"
#include "base/log.h"
#include "config/settings.h"
#include "launch/plan.h"
#include "store/persist.h"

/* ---- the services -------------------------------------------------------- */

/* Kernel Landlock denials for the audit trail. */
static void
on_kernel_audit(void *ctx, int fd, short revents)
{
	(void)fd;
	if (revents & POLLIN)
		nono_audit_kernel_read(ctx);
}

/* open_urls: the requests the sandbox's xdg-open makes. */
static void
on_openurl(void *ctx, int fd, short revents)
{
	struct nono_plan *plan = ctx;

	(void)fd;
	if (revents & POLLIN)
		nono_openurl_serve(&plan->openurl, plan->trail);
}

/* The proxy's decisions: each in the trail and, refused, in the report and
 * at once on stderr (not with --silent). */
static void
proxy_events(struct nono_plan *plan)
{
	struct nono_proxy_event e;

	while (nono_proxy_event_read(&plan->proxy, &e) == 1) {
		struct nono_result r = e.verdict == NONO_PROXY_REACHED ? nono_result_of(0, NONO_BY_NONE)
				       : e.verdict == NONO_PROXY_UNREACHABLE
					   ? nono_result_of(-EHOSTUNREACH, NONO_BY_NONE)
					   : nono_result_of(-EACCES, NONO_BY_PROXY);

		nono_audit_net(plan->trail, e.method, e.host[0] ? e.host : "(unauthenticated)", e.port, r);
		if (e.verdict == NONO_PROXY_REFUSED) {
			nono_report_add(&plan->report, NONO_REP_HOST, e.host, NONO_BY_PROXY);
			if (plan->silent)
				;
			else if (nono_proxy_host_denied(&plan->policy.proxy_hosts, e.host))
				log_note("the proxy refused %s %s:%d: --deny-domain (network.deny_domain) refuses it",
					 e.method, e.host, e.port);
			else
				log_note("the proxy refused %s %s:%d: not on the allow list (--allow-domain %s would "
					 "allow it)",
					 e.method, e.host, e.port, e.host);
		} else if (e.verdict == NONO_PROXY_MALFORMED) {
			nono_report_add(&plan->report, NONO_REP_OTHER,
					"a proxy request for a host that is not a plain name or address",
					NONO_BY_PROXY);
			if (!plan->silent)
				log_note("the proxy refused %s %s:%d: not a plain host name or address", e.method,
					 e.host, e.port);
		} else if (e.verdict == NONO_PROXY_UNAUTHORISED) {
			nono_report_add(&plan->report, NONO_REP_OTHER,
					"a proxy request without the session's credentials", NONO_BY_PROXY);
		}
	}
}

static void
on_proxy(void *ctx, int fd, short revents)
{
	(void)fd;
	if (revents & POLLIN)
		proxy_events(ctx);
}

/* The session's audit trail, opened in the parent while the child confines
 * itself (spawn's after_fork): its files cost the launch nothing, and a
 * failure still stops everything before the program runs. */
static int
open_audit(void *ctx, pid_t child, struct nono_error *err)
{
	struct nono_plan *plan = ctx;
	struct nono_audit_info info = {
	    .id = plan->session_id,
	    .command = plan->command,
	    .argv = plan->argv,
	    .program = plan->program,
	    .cwd = plan->policy.workdir,
	    .profile = plan->profile,
	    .landlock_abi = nono_sandbox_abi(plan->sandbox),
	    .child = child,
	    .exports = &nono_settings()->audit_export,
	};
	char *caps = nono_plan_capabilities(plan);
	int r, kfd;

	info.capabilities = caps;
	r = nono_audit_open(&plan->trail, &info, err);
	free(caps);
	if (r < 0)
		return r;
	nono_supervisor_set_audit(plan->supervisor, plan->trail);
	nono_audit_set_report(plan->trail, &plan->report);
	nono_trust_audit(&plan->trust, plan->trail); /* an instruction-file override is on record */
	if ((kfd = nono_audit_kernel_fd(plan->trail)) >= 0)
		nono_supervisor_watch(plan->supervisor, kfd, on_kernel_audit, plan->trail);
	return 0;
}

/* ---- the rollback journal --------------------------------------------------- */

/* Journal what the writable grants of the launch lose: every grant the
 * user or the profile made writable (the system's scratch areas, /tmp and
 * the like, are not the user's work). */
static int
journal_begin(struct nono_plan *plan, struct nono_error *err)
{
	const struct nono_policy *p = &plan->policy;
	struct nono_strv roots = {0};
	struct nono_journal_opts o = {0};
	int r;

	for (size_t i = 0; i < p->n_rules; i++) {
		const struct nono_rule *g = &p->rules[i];

		if (g->user && (g->access & NONO_ACC_WRITE))
			nono_strv_push(&roots, g->path);
	}
	o.id = plan->session_id;
	o.argv = plan->argv;
	o.cwd = p->workdir;
	o.profile = plan->profile;
	o.max_file = nono_settings() ? nono_settings()->rollback_max_file : 0;
	o.roots = &roots;
	o.exclude = plan->rollback_exclude;
	/* files that run later outside the sandbox are journaled and swept
	 * whatever the rollback setting: with --no-rollback only they are */
	plan->persist = nono_persist_new(nono_home(), &p->bypass_canon);
	o.persist = plan->persist;
	o.persist_only = !plan->rollback;
	r = nono_journal_begin(&plan->journal, &o, err);
	nono_strv_free(&roots);
	plan->journaling = r == 0;
	return r;
}

/* The end-of-session sweep: what would run later outside the sandbox is
 * neutralised, each item said in one line and audited. */
static void
persist_sweep(struct nono_plan *plan)
{
	struct nono_journal *j = &plan->journal;
	struct nono_persist_item *items;
	size_t n;
	struct nono_strv pool = {0};

	if (nono_persist_sweep(plan->persist, j->store, j->dir, &items, &n) <= 0)
		return;
	for (size_t i = 0; i < n; i++) {
		const char *kv[] = {
		    "path",   items[i].path,   "what",	     items[i].what,
		    "action", items[i].action, "quarantine", items[i].quarantine ? items[i].quarantine : "",
		    NULL};

		log_warn("neutralised %s (%s, would run outside the sandbox later): %s",
			 nono_str_escape_in(&pool, items[i].path), items[i].what, items[i].action);
		nono_audit_note(plan->trail, "neutralised", kv);
	}
	if (nono_log_level() >= NONO_LOG_NORMAL)
		log_hint("the session's versions are kept: nono rollback show %s; nono rollback restore %s "
			 "--quarantined puts them back",
			 j->id, j->id);
	plan->neutralised = n;
	nono_persist_items_free(items, n);
	nono_strv_free(&pool);
}

/* The end-of-session lines: what changed and how to undo it, what was
 * left out, and what was refused because it could not be saved. */
static void
journal_end(struct nono_plan *plan, int status)
{
	struct nono_journal *j = &plan->journal;
	int changed;
	unsigned other = j->n_failed - j->n_failed_large - j->n_failed_space;

	if (j->dir)
		persist_sweep(plan);
	changed = nono_journal_end(j, status);
	if (j->persist_only) {
		/* --no-rollback: kept only for what the sweep quarantined */
		if (j->dir && !plan->neutralised)
			nono_rm_rf(j->dir);
	} else if (j->dir && (changed > 0 || j->n_left)) {
		log_note("%d path%s changed; review: nono rollback show %s --diff; undo: nono rollback restore %s",
			 changed, changed == 1 ? "" : "s", j->id, j->id);
		if (j->n_left)
			log_note("%u path%s left out of the journal (exclude patterns, .gitignore): listed by nono "
				 "rollback show %s",
				 j->n_left, j->n_left == 1 ? "" : "s", j->id);
	} else if (changed == 0 && !j->n_failed && j->dir && !plan->neutralised) {
		/* nothing to bring back: no session to list */
		nono_rm_rf(j->dir);
	}
	if (j->n_failed) {
		struct nono_strv why = {0};
		char max[32];

		nono_size_fmt(max, sizeof(max), (double)j->max_file);
		if (j->n_failed_large)
			nono_strv_push_owned(&why, xasprintf("%u over the size limit of %s", j->n_failed_large, max));
		if (j->n_failed_space)
			nono_strv_push_owned(&why,
					     xasprintf("%u for want of space in %s", j->n_failed_space, j->store));
		if (other)
			nono_strv_push_owned(&why, xasprintf("%u that could not be saved", other));
		log_warn("rollback: %u destructive call%s refused because the prior state could not be journaled: "
			 "%s%s%s%s%s",
			 j->n_failed, j->n_failed == 1 ? " was" : "s were", why.v[0], why.n > 1 ? ", " : "",
			 why.n > 1 ? why.v[1] : "", why.n > 2 ? ", " : "", why.n > 2 ? why.v[2] : "");
		if (j->n_failed_large || j->n_failed_space)
			log_hint("raise [rollback] max_file_size, free space, --rollback-exclude the path, or run "
				 "with --no-rollback");
		nono_strv_free(&why);
	}
}

/* ---- the report at the end ------------------------------------------------------- */

static const char *const kind_names[] = {
    [NONO_REP_READ] = "read",	 [NONO_REP_WRITE] = "write",	 [NONO_REP_DELETE] = "delete",
    [NONO_REP_EXEC] = "execute", [NONO_REP_UNIX] = "connect to", [NONO_REP_TCP] = "network",
    [NONO_REP_HOST] = "proxy",	 [NONO_REP_COMMAND] = "run",	 [NONO_REP_OTHER] = "call",
};

/* The one flag that would have allowed it (caller-owned), or NULL. */
static char *
flag_for(const struct nono_policy *p, const struct nono_report_item *it)
{
	static const enum nono_op ops[] = {[NONO_REP_READ] = NONO_OP_READ,
					   [NONO_REP_WRITE] = NONO_OP_WRITE,
					   [NONO_REP_DELETE] = NONO_OP_DELETE,
					   [NONO_REP_EXEC] = NONO_OP_READ};
	struct nono_verdict v;
	char *f = NULL;

	switch (it->kind) {
	case NONO_REP_READ:
	case NONO_REP_WRITE:
	case NONO_REP_DELETE:
	case NONO_REP_EXEC:
		if (it->subject[0] != '/')
			return NULL;
		nono_policy_check(p, it->subject, ops[it->kind], &v);
		if (v.allowed)
			f = NULL;
		else if (v.suggest)
			f = xstrdup(v.suggest);
		else /* why nono offers none: "a system path", ... (the part before the colon) */
			f = v.nofix ? xasprintf("nono offers no grant for %.*s", (int)strcspn(v.nofix, ":"), v.nofix)
				    : NULL;
		nono_verdict_free(&v);
		return f;
	case NONO_REP_UNIX:
		return xasprintf("--allow-unix-socket %s", it->subject);
	case NONO_REP_TCP:
		return p->block_net	   ? xstrdup("running without --block-net")
		       : p->proxy_port > 0 ? xstrdup("going through the proxy ($HTTPS_PROXY)")
					   : NULL;
	case NONO_REP_HOST:
		/* what --deny-domain refuses, no flag allows */
		return nono_proxy_host_denied(&p->proxy_hosts, it->subject)
			   ? NULL
			   : xasprintf("--allow-domain %s", it->subject);
	case NONO_REP_COMMAND:
		return xasprintf("--allow-command %s", it->subject);
	default:
		return NULL;
	}
}

/* What the sandbox refused, on stderr, one line per kind and flag: the
 * flag that would have allowed it. Harmless probes are left out. */
static void
report(const struct nono_plan *plan)
{
	const struct nono_report *r = &plan->report;
	size_t n = r->n;
	bool *done = xcalloc(n ? n : 1, sizeof(bool));
	char **flags = xcalloc(n ? n : 1, sizeof(char *));
	unsigned total = nono_report_total(r);

	if (plan->silent || !total)
		goto out;
	for (size_t i = 0; i < n; i++)
		flags[i] = flag_for(&plan->policy, &r->v[i]);
	log_note("the sandbox refused %u operation%s:", total, total == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		const char *flag = flags[i];
		char *subjects = NULL;
		size_t len = 0, shown = 0, more = 0;
		FILE *f;

		if (done[i])
			continue;
		f = open_memstream(&subjects, &len);
		/* the others of its kind that the same flag allows, on its line */
		for (size_t k = i; k < n; k++) {
			if (done[k] || r->v[k].kind != r->v[i].kind || r->v[k].by != r->v[i].by || !flags[k] != !flag ||
			    (flag && strcmp(flag, flags[k]) != 0))
				continue;
			done[k] = true;
			if (shown < 3)
				fprintf(f, "%s%s", shown++ ? ", " : "", r->v[k].subject);
			else
				more++;
		}
		if (more)
			fprintf(f, " and %zu more", more);
		fclose(f);
		log_note("  %s %s (%s): %s%s", kind_names[r->v[i].kind], subjects,
			 r->v[i].by == NONO_BY_LANDLOCK ? "Landlock"
			 : r->v[i].by == NONO_BY_PROXY	? "the proxy"
							: "the supervisor",
			 flag ? flag : "no flag allows it", flag && flag[0] == '-' ? " would allow it" : "");
		free(subjects);
	}
	if (r->dropped)
		log_note("  and %u more", r->dropped);
	if (plan->trail)
		log_note("every event: nono audit show %s", plan->session_id);
out:
	for (size_t i = 0; i < n; i++)
		free(flags[i]);
	free(flags);
	free(done);
}

/* ---- the session ---------------------------------------------------------------- */

int
nono_plan_spawn(struct nono_plan *plan, struct nono_error *err)
{
	struct nono_supervisor_cfg cfg = {.policy = &plan->policy,
					  .report = &plan->report,
					  .shim = plan->shim,
					  .sandbox = plan->sandbox,
					  .check_truncate = plan->mediate.truncate,
					  .elevation = plan->elevation,
					  .approval_timeout = plan->approval_timeout,
					  .approvals_socket = plan->approvals_socket,
					  .argv = plan->argv,
					  .terminal = !plan->silent,
					  .notify = nono_settings()->approvals_notify};
	struct nono_spawn *sp = &plan->spawn;
	int r, rfd[2];

	if (plan->exec_session && !plan->helper && (plan->helper = realpath(plan->program, NULL)))
		cfg.session_helper = plan->helper;

	/* always: with --no-rollback it keeps only what the sweep needs */
	if ((r = journal_begin(plan, err)) < 0)
		return r;
	cfg.journal = &plan->journal;
	plan->supervisor = nono_supervisor_new(&cfg);
	if (plan->proxy.pid > 0 && plan->proxy.events >= 0)
		nono_supervisor_watch(plan->supervisor, plan->proxy.events, on_proxy, plan);
	if (plan->openurl.fd >= 0)
		nono_supervisor_watch(plan->supervisor, plan->openurl.fd, on_openurl, plan);
	sp->path = plan->program;
	sp->argv = plan->argv;
	sp->envp = plan->env.v;
	sp->cwd = plan->policy.workdir;
	sp->sandbox = plan->sandbox;
	sp->seccomp = &plan->filter;
	sp->drop_caps = geteuid() == 0;
	sp->pid_ns = !plan->policy.host_pids;
	sp->net_ns = plan->net_ns;
	sp->keep_fd = plan->keep_fd;
	/* nono shell: the refusals the supervisor meets, for its hints */
	if (!strcmp(plan->command, "shell") && pipe2(rfd, O_CLOEXEC) == 0) {
		fcntl(rfd[1], F_SETFL, O_NONBLOCK);
		sp->refusal_fd = rfd[0];
		nono_report_tell(&plan->report, rfd[1]);
	}
	sp->cgroup_fd = plan->limits.procs_fd;
	sp->rlim_as = plan->limits.rlim_as;
	sp->rlim_nproc = plan->limits.rlim_nproc;
	if (plan->audit) {
		sp->after_fork = open_audit;
		sp->after_fork_ctx = plan;
	}
	/* libcrypto may still be loading: the first digest waits for it (the
	 * exec's audit record is written after the answer), the child never
	 * needs it */
	r = nono_spawn_start(sp, plan->supervisor, err);
	if (sp->refusal_fd > 0)
		close(sp->refusal_fd);
	sp->refusal_fd = -1;
	if (r < 0)
		return r;
	/* in a PID namespace the process whose Landlock domain the kernel
	 * audits is the init's child */
	nono_audit_set_child(plan->trail, sp->confined);
	/* the program nono starts is in the trail whatever the mode (strict
	 * exec records it, and every other exec, as the supervisor answers) */
	if (!plan->strict_exec)
		nono_audit_exec(plan->trail, sp->confined, plan->program, plan->argv, NULL);
	return 0;
}

int
nono_plan_finish(struct nono_plan *plan, struct nono_error *err)
{
	struct nono_error aerr = {0};
	int status = 125;

	if (!plan->spawn.sv) {
		/* nothing was started */
		if (err->code)
			nono_print_error(err);
	} else if (nono_spawn_finish(&plan->spawn, &status, err) < 0) {
		status = nono_spawn_exit_code(err);
		nono_print_error(err);
	}
	plan->exit_status = status;
	nono_supervisor_free(plan->supervisor);
	plan->supervisor = NULL;
	if (plan->journaling)
		journal_end(plan, status);
	nono_audit_kernel_drain(plan->trail);
	proxy_events(plan); /* the last decisions, before the proxy stops */
	report(plan);
	if (nono_audit_close(plan->trail, status, &aerr) < 0)
		nono_print_error(&aerr);
	plan->trail = NULL;
	log_debug("timing: parse %.0f us, prepare %.0f us, fork to exec %.0f us, run and clean-up %.0f us",
		  plan->t_prep - plan->t_start, plan->t_spawn - plan->t_prep, plan->spawn.t_exec,
		  nono_now_us() - plan->t_spawn - plan->spawn.t_exec);
	return status;
}
