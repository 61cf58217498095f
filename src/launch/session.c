/* session.c - see plan.h: running a plan. The journal begins, the
 * supervisor is made and the launch's services register their descriptors
 * with its loop (the kernel's Landlock denials, open_urls), the child is
 * forked, and the audit trail opens while it confines itself; afterwards
 * everything is recorded and closed (supervisor side). */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/dl.h"
#include "base/log.h"
#include "config/settings.h"
#include "launch/plan.h"

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
			if (!plan->silent)
				log_note("the proxy refused %s %s:%d: not on the allow list (--allow-domain %s would "
					 "allow it)",
					 e.method, e.host, e.port, e.host);
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
	    .exports = &nono_settings()->audit_export,
	};
	char *caps = nono_plan_capabilities(plan);
	int r, kfd;

	(void)child;
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

/* Journal what the writable grants of the launch lose: the user's own
 * trees, what the flags grant and the working directory; a profile's
 * grants for the agent's own state (~/.claude) are not. */
static int
journal_begin(struct nono_plan *plan, struct nono_error *err)
{
	const struct nono_policy *p = &plan->policy;
	struct nono_strv roots = {0};
	struct nono_journal_opts o = {0};
	int r;

	for (size_t i = 0; i < p->n_rules; i++) {
		const struct nono_rule *g = &p->rules[i];
		bool from_profile = strncmp(g->source, "profile:", 8) == 0 || strcmp(g->source, "allow_delete") == 0;

		if (g->user && (g->access & NONO_ACC_WRITE) && (!from_profile || nono_path_under(g->path, p->workdir)))
			nono_strv_push(&roots, g->path);
	}
	o.id = plan->session_id;
	o.argv = plan->argv;
	o.cwd = p->workdir;
	o.profile = plan->profile;
	o.max_file = nono_settings() ? nono_settings()->rollback_max_file : 0;
	o.roots = &roots;
	o.exclude = plan->rollback_exclude;
	r = nono_journal_begin(&plan->journal, &o, err);
	nono_strv_free(&roots);
	plan->journaling = r == 0;
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
		f = v.allowed || !v.suggest ? NULL : xstrdup(v.suggest);
		nono_verdict_free(&v);
		return f;
	case NONO_REP_UNIX:
		return xasprintf("--allow-unix-socket %s", it->subject);
	case NONO_REP_TCP:
		return p->block_net	   ? xstrdup("running without --block-net")
		       : p->proxy_port > 0 ? xstrdup("going through the proxy ($HTTPS_PROXY)")
					   : NULL;
	case NONO_REP_HOST:
		return xasprintf("--allow-domain %s", it->subject);
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
	struct nono_supervisor_cfg cfg = {
	    .policy = &plan->policy, .report = &plan->report, .shim = plan->shim, .sandbox = plan->sandbox};
	struct nono_spawn *sp = &plan->spawn;
	int r;

	if (plan->rollback) {
		if ((r = journal_begin(plan, err)) < 0)
			return r;
		cfg.journal = &plan->journal;
	}
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
	sp->keep_fd = plan->keep_fd;
	if (plan->audit) {
		sp->after_fork = open_audit;
		sp->after_fork_ctx = plan;
	}
	/* libcrypto may still be loading: the first digest waits for it (the
	 * exec's audit record is written after the answer), the child never
	 * needs it */
	return nono_spawn_start(sp, plan->supervisor, err);
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
		journal_end(&plan->journal, status);
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
