/* describe.c - see plan.h: the views of a plan. The banner, --dry-run's
 * text and JSON, and the capability file read the same plan, so what one
 * shows the others show (supervisor side). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/util.h"
#include "config/settings.h"
#include "launch/capfile.h"
#include "launch/plan.h"
#include "sandbox/syscalls.h"

/* Whether the plan's filter sends sc to the supervisor (on the native ABI). */
static bool
mediated(const struct nono_plan *plan, const struct nono_syscall *sc)
{
	unsigned when = nono_seccomp_mask(&plan->mediate);

	return sc->nr >= 0 && sc->op != NONO_SC_REFUSE && ((sc->when & when) || (sc->fixed & NONO_SC_OPENAT2));
}

/* Why the host's processes are visible: the flag, or this host. */
static const char *
pidns_reason(const struct nono_plan *plan)
{
	return plan->pidns_why ? plan->pidns_why : "--no-pid-ns";
}

/* The banner's one line of what is weaker here than on a current kernel,
 * and what stands in for it. */
static void
banner_weaker(const struct nono_plan *plan)
{
	int abi = nono_sandbox_abi(plan->sandbox);
	bool first = true, abi_said = false;

	for (int i = 0; i < plan->n_weak; i++) {
		const struct nono_weakness *w = &plan->weak[i];

		if (!w->left)
			continue;
		fprintf(stderr, "%s", first ? "" : "; ");
		if (first)
			fprintf(stderr, "%s  weak %s", nono_c(2, C_YELLOW), nono_c(2, C_RESET));
		first = false;
		if (w->abi && !abi_said) {
			fprintf(stderr, "ABI %d: ", abi);
			abi_said = true;
		}
		if (!w->abi)
			fprintf(stderr, "no PID namespace (%s): ", pidns_reason(plan));
		fprintf(stderr, "%s", w->left);
		if (w->instead)
			fprintf(stderr, " (%s)", w->instead);
	}
	if (!first)
		fputc('\n', stderr);
}

static const char *
acc_short(unsigned a)
{
	static char buf[8];

	buf[0] = (a & NONO_ACC_READ) ? 'r' : '-';
	buf[1] = (a & NONO_ACC_WRITE) ? 'w' : '-';
	buf[2] = (a & NONO_ACC_DELETE) ? 'd' : '-';
	buf[3] = '\0';
	return buf;
}

static void
print_carves(FILE *f, int fd, const struct nono_policy *p)
{
	for (size_t i = 0; i < p->n_carves; i++) {
		const struct nono_carve *c = &p->carves[i];
		char *d = nono_path_display(c->path), *e = nono_str_escape(d);

		fprintf(f, "%s%s (%s) is granted entry by entry (%zu entries), leaving out %zu sensitive path%s:",
			fd == 2 ? "nono: " : "  ", e, c->source, c->n_entries, c->around.n,
			c->around.n == 1 ? "" : "s");
		for (size_t j = 0; j < c->around.n; j++) {
			char *a = nono_path_display(c->around.v[j]);
			const struct nono_deny *dn = nono_policy_sensitive(p, c->around.v[j]);

			/* nono's own files: the grant still reads them */
			fputc(' ', f);
			nono_fputs_escaped(a, f);
			fputs(dn && dn->readable ? " (read-only)" : "", f);
			free(a);
		}
		fputc('\n', f);
		free(e);
		free(d);
	}
}

/* Deleting, renaming away and truncating in the writable grants, as the
 * policy has it: the banner's and the dry run's words for it. */
static const char *
delete_mode(const struct nono_plan *plan)
{
	const struct nono_policy *p = &plan->policy;

	if (!p->no_delete)
		return plan->rollback ? "allowed in writable grants; journaled: nono rollback restore brings it back"
				      : "allowed in writable grants; not journaled (--no-rollback)";
	if (p->allow_delete)
		return "allowed in writable grants (--no-delete, but --allow-delete)";
	if (p->delete_paths.n)
		return "refused by the kernel in writable grants (--no-delete), but in .git and the allow_delete "
		       "paths";
	return "refused by the kernel in writable grants (--no-delete), .git excepted";
}

/* The launch's summary on stderr: the user's grants (the system's counted),
 * what is split and bypassed, secrets, network, processes, deletion,
 * rollback. */
static void
banner(const struct nono_plan *plan)
{
	const struct nono_policy *p = &plan->policy;
	size_t system = 0;

	if (plan->silent || !nono_settings()->banner)
		return;
	fprintf(stderr, "%snono %s%s · Landlock ABI %d · %s\n", nono_c(2, C_BOLD), PACKAGE_VERSION, nono_c(2, C_RESET),
		nono_sandbox_abi(plan->sandbox), "supervised");
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct nono_rule *r = &p->rules[i];
		char *d;

		if (!r->user && plan->verbose < 1 && strcmp(r->source, "private TMPDIR") != 0) {
			if (strcmp(r->source, "exec shim") == 0)
				continue;
			system++;
			continue;
		}
		if (r->carved && plan->verbose < 1)
			continue;
		d = nono_path_display(r->path);
		/* a directory's name may be one an earlier session chose */
		fprintf(stderr, "  %s  ", acc_short(r->access));
		nono_fputs_escaped(d, stderr);
		fprintf(stderr, "%s  %s%s%s\n", r->is_file ? " (file)" : "", nono_c(2, C_DIM), r->source,
			nono_c(2, C_RESET));
		free(d);
	}
	if (system)
		fprintf(stderr, "  %s+ %zu system paths (-v to list)%s\n", nono_c(2, C_DIM), system,
			nono_c(2, C_RESET));
	print_carves(stderr, 2, p);
	for (size_t i = 0; i < p->bypass.n; i++)
		fprintf(stderr, "%swarning: --bypass-protection %s: a sensitive path is reachable%s\n",
			nono_c(2, C_YELLOW), p->bypass.v[i], nono_c(2, C_RESET));
	for (size_t i = 0; i < plan->env_creds->n; i++) {
		const char *cred = plan->env_creds->v[i], *eq = strrchr(cred, '=');

		fprintf(stderr, "  env  %s  %s(keystore: %.*s)%s\n", eq + 1, nono_c(2, C_DIM), (int)(eq - cred), cred,
			nono_c(2, C_RESET));
	}
	if (p->proxy_hosts.n) {
		size_t denied = 0;
		bool all = nono_strv_contains(&p->proxy_hosts, "*");

		for (size_t i = 0; i < p->proxy_hosts.n; i++)
			denied += p->proxy_hosts.v[i][0] == '!';
		if (all)
			fprintf(stderr, "  net  proxy on 127.0.0.1:%d: HTTP(S) to every host but %zu denied (%s%s)\n",
				p->proxy_port, denied, p->proxy_hosts.v[0] + 1, denied > 1 ? ", ..." : "");
		else
			fprintf(stderr, "  net  proxy on 127.0.0.1:%d: HTTP(S) to %zu allowed host%s (%s%s)%s\n",
				p->proxy_port, p->proxy_hosts.n - denied, p->proxy_hosts.n - denied == 1 ? "" : "s",
				p->proxy_hosts.v[0], p->proxy_hosts.n > 1 ? ", ..." : "",
				denied ? ", some denied" : "");
	} else
		fprintf(stderr, "  net  %s\n", p->block_net ? "blocked" : "allowed");
	for (size_t i = 0; i < p->n_ports && p->block_net; i++)
		fprintf(stderr, "  port %d%s%.0d  %s\n", p->ports[i].lo, p->ports[i].hi > p->ports[i].lo ? "-" : "",
			p->ports[i].hi > p->ports[i].lo ? p->ports[i].hi : 0,
			p->ports[i].connect ? "open on loopback (connect, bind)" : "bind and listen");
	if (plan->limits.max_procs || plan->limits.memory) {
		char lim[256];

		nono_limits_describe(&plan->limits, lim, sizeof(lim));
		fprintf(stderr, "  lim  %s\n", lim);
	}
	banner_weaker(plan);
	fprintf(stderr, "  del  %s\n", delete_mode(plan));
	if (plan->rollback)
		fprintf(stderr, "  undo rollback journal on: what the session destroys can be restored\n");
	if (plan->elevation)
		fprintf(stderr, "  ask  outside the grants: asked here or with 'nono approvals' (%d s, then denied)\n",
			plan->approval_timeout > 0 ? plan->approval_timeout : 60);
	for (size_t i = 0; i < p->n_lock_dirs; i++) {
		char *d = nono_path_display(p->lock_dirs[i].path);

		fprintf(stderr, "%s", i ? ", " : "  lock ");
		nono_fputs_escaped(d, stderr);
		free(d);
	}
	if (p->n_lock_dirs)
		fprintf(stderr, "  %s(empty directories the supervisor makes and removes)%s\n", nono_c(2, C_DIM),
			nono_c(2, C_RESET));
}

/* the dry run's lines on what the supervisor and seccomp check */
static void
text_mediation(const struct nono_plan *plan)
{
	const struct nono_policy *p = &plan->policy;
	bool dangerous = nono_strv_contains(&p->groups, "dangerous_commands");

	printf("Commands:  %s; groups: %s",
	       plan->exec_session
		   ? "every exec of the shell itself checked by the supervisor (--strict-exec: every exec)"
	       : plan->strict_exec ? "every exec checked by the supervisor (--strict-exec)"
				   : "the program checked before it starts (--strict-exec: every exec)",
	       dangerous ? "dangerous_commands" : "none");
	for (size_t i = 0; i < p->block_cmds.n; i++)
		printf(" +%s", p->block_cmds.v[i]);
	for (size_t i = 0; i < p->allow_cmds.n; i++)
		printf(" -%s", p->allow_cmds.v[i]);
	printf("\n");
	printf("Seccomp:   %u rules; refused:", plan->filter.n_rules);
	for (size_t i = 0; nono_syscalls_denied[i]; i++)
		printf(" %s", nono_syscalls_denied[i]);
	printf(" ioctl(TIOCSTI) ioctl(TIOCLINUX); setuid/setgid modes; packet and raw sockets;"
	       " on the 32-bit x86 ABI every mediated call\n");
	printf("Mediated:  ");
	for (size_t i = 0; i < nono_n_syscalls; i++) {
		const struct nono_syscall *sc = &nono_syscalls[i];

		if (mediated(plan, sc))
			printf("%s%s ", sc->name,
			       sc->op == NONO_SC_SENDTO	 ? "(to an address)"
			       : sc->op == NONO_SC_IOCTL ? "(inode flags)"
			       : sc->op == NONO_SC_PID	 ? "(another process)"
			       : sc->op == NONO_SC_OPEN && !(sc->fixed & (NONO_SC_OPENAT2 | NONO_SC_CREAT)) &&
				       !plan->elevation
				   ? "(to write)"
				   : "");
	}
	printf("\n");
	if (plan->elevation)
		printf("Approvals: on: an open, mkdir or proxy host outside the grants waits up to %d s for an answer "
		       "(the terminal, nono approvals)\n",
		       plan->approval_timeout > 0 ? plan->approval_timeout : 60);
}

/* the dry run's list of what stands in for what this kernel lacks, and
 * what stays weaker */
static void
text_weak(const struct nono_plan *plan)
{
	if (!plan->n_weak)
		return;
	printf("\nOn this kernel (Landlock ABI %d)%s:\n", nono_sandbox_abi(plan->sandbox),
	       plan->strict ? ", --strict" : "");
	for (int i = 0; i < plan->n_weak; i++) {
		const struct nono_weakness *w = &plan->weak[i];

		printf("  %-6s %s", w->left ? "weaker" : "held", w->what);
		if (w->abi)
			printf(" (Landlock: ABI %d)", w->abi);
		else
			printf(" (%s)", pidns_reason(plan));
		if (w->left)
			printf(": %s", w->left);
		if (w->instead)
			printf("%s %s", w->left ? "; in its stead:" : ": by", w->instead);
		printf("\n");
	}
}

/* --dry-run: everything the plan enforces, records and mediates */
static void
text(const struct nono_plan *plan)
{
	const struct nono_policy *p = &plan->policy;
	struct nono_feature feats[16];
	int nf = nono_sandbox_features(feats, 16, p, nono_sandbox_abi(plan->sandbox));
	struct nono_strv pool = {0}; /* escaped paths and arguments */

	printf("nono %s dry run: nothing is executed\n", PACKAGE_VERSION);
	printf("Program:   %s\n", nono_str_escape_in(&pool, plan->program));
	printf("Arguments:");
	for (int i = 1; i < plan->nargs; i++)
		printf(" %s", nono_str_escape_in(&pool, plan->args[i]));
	printf("\n");
	printf("Workdir:   %s\n", nono_str_escape_in(&pool, p->workdir));
	printf("Kernel:    Landlock ABI %d\n", nono_sandbox_abi(plan->sandbox));
	printf("\nFilesystem (%zu rules; everything else is denied):\n", p->n_rules);
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct nono_rule *r = &p->rules[i];

		if (r->carved && plan->verbose < 1)
			continue;
		printf("  %s  %-40s %s%s\n", acc_short(r->access), nono_str_escape_in(&pool, r->path), r->source,
		       r->is_file ? " (file)" : "");
	}
	printf("  rwd  <private TMPDIR>                         created at launch, removed at exit\n");
	print_carves(stdout, 1, p);
	printf("\nSensitive paths (never granted):\n");
	for (size_t i = 0; i < p->n_denies; i++)
		if (!p->denies[i].readable)
			printf("  %-42s %s\n", p->denies[i].path, p->denies[i].group);
	printf("\nnono's own files (readable where a grant reaches them, never writable):\n");
	for (size_t i = 0; i < p->n_denies; i++)
		if (p->denies[i].readable)
			printf("  %-42s %s\n", p->denies[i].path, p->denies[i].group);
	for (size_t i = 0; i < p->bypass_canon.n; i++)
		printf("  bypassed: %s\n", p->bypass_canon.v[i]);
	for (size_t i = 0; i < p->n_lock_dirs; i++)
		printf("%s%s (an empty directory the supervisor makes and removes; nothing else there)\n",
		       i ? "           " : "\nLock dirs: ", nono_str_escape_in(&pool, p->lock_dirs[i].path));
	if (p->proxy_hosts.n) {
		char port[16] = "a free port";

		if (p->proxy_port)
			snprintf(port, sizeof(port), "%d", p->proxy_port);
		printf("\nNetwork:   proxy mode: TCP only to nono's HTTP proxy on 127.0.0.1 (%s; %s), UDP, raw "
		       "and other families refused (seccomp); the proxy lets HTTP(S) through to:\n",
		       port, nono_sandbox_abi(plan->sandbox) >= 4 ? "Landlock" : "the supervisor");
		for (size_t i = 0; i < p->proxy_hosts.n; i++)
			printf("  %s\n", p->proxy_hosts.v[i]);
	} else {
		int abi = nono_sandbox_abi(plan->sandbox);

		printf(
		    "\nNetwork:   %s\n",
		    !p->block_net ? "allowed"
		    : abi >= 4	  ? "blocked (TCP by Landlock; UDP, raw and other families by seccomp)"
		    : plan->net_ns
			? "blocked (a network namespace of its own; UDP, raw and other families also by seccomp)"
			: "blocked (TCP connect and listen by the supervisor; UDP, raw and other families by seccomp)");
	}
	for (size_t i = 0; i < p->n_ports && p->block_net; i++)
		printf("%s %d-%d %s\n", i ? "          " : "Ports:    ", p->ports[i].lo, p->ports[i].hi,
		       p->ports[i].connect ? "on loopback: connect and bind (--open-port)"
					   : "bind and listen (--listen-port)");
	if (plan->limits.max_procs || plan->limits.memory) {
		char lim[256];

		nono_limits_describe(&plan->limits, lim, sizeof(lim));
		printf("Limits:    %s\n", lim);
	}
	for (size_t i = 0; i < p->unix_sockets.n; i++)
		printf("%s %s\n", i ? "          " : "Sockets:  ", nono_str_escape_in(&pool, p->unix_sockets.v[i]));
	for (size_t i = 0; i < plan->env_creds->n; i++) {
		const char *cred = plan->env_creds->v[i], *eq = strrchr(cred, '=');

		printf("%s %s from the keystore (%.*s), loaded at launch\n", i ? "          " : "Secrets:  ", eq + 1,
		       (int)(eq - cred), cred);
	}
	for (size_t i = 0; i < plan->hooks->n; i++)
		printf("Hooks:     %s (installed or updated at launch; 'nono hooks status %s')\n", plan->hooks->v[i],
		       plan->hooks->v[i]);
	if (p->host_pids)
		printf("Processes: the host's are visible in /proc (%s)\n", pidns_reason(plan));
	else
		printf("Processes: own only: a PID namespace with its own /proc%s\n",
		       plan->net_ns ? " (and a network namespace)" : "");
	printf("Delete:    %s\n", delete_mode(plan));
	printf("Rollback:  %s\n", plan->rollback
				      ? "on: destructive operations are journaled first (but for exclude patterns and "
					"what .gitignore ignores)"
				      : "off (--no-rollback)");
	printf("Persist:   files that run later outside the sandbox (git hooks and config, .envrc, editor tasks, "
	       "MCP and Claude Code settings, ~/.local/bin, user units) are neutralised when the session ends\n");
	printf("Audit:     %s\n",
	       plan->audit
		   ? (plan->strict_exec ? "on: every exec and refusals recorded, hash-chained"
					: "on: the program, refusals and file operations recorded, hash-chained")
		   : "off (--no-audit)");
	text_mediation(plan);
	printf("\nKernel features:\n");
	for (int i = 0; i < nf; i++)
		printf("  %-34s ABI %d  %-10s %s\n", feats[i].name, feats[i].min_abi,
		       feats[i].available ? "enforced" : "missing", feats[i].required ? "(required)" : "");
	text_weak(plan);
	if (plan->refusal)
		printf("\nRefused: %s\n", nono_str_escape_in(&pool, plan->refusal));
	nono_strv_free(&pool);
}

char *
nono_plan_capabilities(const struct nono_plan *plan)
{
	const char *calls[256];
	size_t n = 0;
	struct nono_capfile_records rec = {plan->rollback, plan->audit, plan->rollback_exclude, calls};

	for (size_t i = 0; i < nono_n_syscalls && n + 1 < sizeof(calls) / sizeof(calls[0]); i++)
		if (mediated(plan, &nono_syscalls[i]))
			calls[n++] = nono_syscalls[i].name;
	calls[n] = NULL;
	return nono_capfile_render_records(&plan->policy, plan->sandbox, &rec);
}

/* --dry-run --json: the capability file, and the program, the kernel's
 * features, what seccomp refuses and whether the kernel refuses it all */
static void
json(const struct nono_plan *plan)
{
	struct nono_feature feats[16];
	int nf = nono_sandbox_features(feats, 16, &plan->policy, nono_sandbox_abi(plan->sandbox));
	struct nono_capfile_kernel k = {feats, nf, plan->weak, plan->n_weak, plan->pidns_why, plan->net_ns};
	char *caps = nono_plan_capabilities(plan);
	char *s = nono_capfile_plan(caps, plan->program, plan->args, &k, nono_syscalls_denied, plan->refusal);

	puts(s);
	free(s);
	free(caps);
}

void
nono_plan_describe(const struct nono_plan *plan, enum nono_describe how)
{
	switch (how) {
	case NONO_DESCRIBE_BANNER:
		banner(plan);
		if (!plan->silent)
			nono_trust_banner(&plan->trust, plan->audit, plan->policy.workdir);
		break;
	case NONO_DESCRIBE_TEXT:
		text(plan);
		break;
	case NONO_DESCRIBE_JSON:
		json(plan);
		break;
	}
}
