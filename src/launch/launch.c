/* launch.c - see launch.h (supervisor side). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"
#include "config/profile.h"
#include "config/settings.h"
#include "launch/capfile.h"
#include "launch/launch.h"
#include "net/proxy.h"
#include "sandbox/syscalls.h"

static bool
executable_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

int
nono_launch_resolve(char **out, const char *prog, struct nono_error *err)
{
	const char *path = getenv("PATH");
	char *dup, *save = NULL;

	*out = NULL;
	if (strchr(prog, '/')) {
		struct stat st;

		if (stat(prog, &st) < 0)
			return nono_error_set(err, -ENOENT, "%s: %s", prog, strerror(errno));
		if (S_ISDIR(st.st_mode) || access(prog, X_OK) < 0) {
			nono_error_set(err, -EACCES, "%s: not an executable file", prog);
			return err->code;
		}
		*out = nono_path_absolute(prog);
		return 0;
	}
	dup = xstrdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	for (char *d = strtok_r(dup, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *cand = nono_path_join(*d ? d : ".", prog);

		if (executable_file(cand)) {
			*out = nono_path_absolute(cand);
			free(cand);
			break;
		}
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

int
nono_launch_check_command(const struct nono_policy *p, const char *argv0, const char *resolved, struct nono_error *err)
{
	const char *cat = NULL;
	const char *name = argv0;
	char *real = resolved ? realpath(resolved, NULL) : NULL;

	if (!nono_policy_command_blocked(p, argv0, &cat) && real) {
		if (nono_policy_command_blocked(p, real, &cat))
			name = real;
	}
	if (cat) {
		const char *base = strrchr(name, '/');

		base = base ? base + 1 : name;
		nono_error_set(err, -EPERM, "command '%s' is blocked (%s)", base, cat);
		nono_error_hint(err, "to run it anyway, add --allow-command %s", base);
	}
	free(real);
	return cat ? -EPERM : 0;
}

/* The shim links: beside an uninstalled binary, else where make install
 * put them. Without them the supervisor still refuses, less politely. */
static void
find_shims(struct nono_prepared *out)
{
	char *exe = realpath("/proc/self/exe", NULL);
	char *dir = exe ? nono_path_dirname(exe) : NULL;
	char *cands[2] = {dir ? nono_path_join(dir, "shims") : NULL, xstrdup(NONO_SHIMDIR)};

	for (int i = 0; i < 2 && !out->shimdir; i++) {
		char *link = cands[i] ? nono_path_join(cands[i], "rm") : NULL;
		char *bin = link ? realpath(link, NULL) : NULL;

		if (bin && access(bin, X_OK) == 0) {
			out->shimdir = realpath(cands[i], NULL);
			out->shim = bin;
			bin = NULL;
		}
		free(bin);
		free(link);
	}
	if (!out->shimdir)
		log_info("exec shim not found; blocked commands fail with a plain EPERM");
	free(cands[0]);
	free(cands[1]);
	free(dir);
	free(exe);
}

int
nono_launch_proxy_mode(struct nono_options *l, struct nono_error *err)
{
	struct nono_policy *p = &l->policy;
	int r;

	if (!p->proxy_hosts.n && !l->network_profile)
		return 0;
	if (p->block_net) {
		nono_error_set(err, -EINVAL,
			       "--block-net and proxy mode (--allow-domain, --network-profile) don't "
			       "go together: one blocks every host, the other lets some through");
		nono_error_hint(err, "keep one of them (a profile's network.block counts as --block-net)");
		return err->code;
	}
	if (l->network_profile && (r = nono_proxy_add_profile(&p->proxy_hosts, l->network_profile, err)) < 0)
		return r;
	/* everything --block-net refuses, but TCP to the proxy's port */
	p->block_net = true;
	p->proxy_port = l->proxy_port;
	return 1;
}

int
nono_launch_prepare(struct nono_prepared *out, struct nono_options *l, bool dry_run, struct nono_error *err)
{
	struct nono_policy *p = &l->policy;
	struct nono_seccomp_opts *so = &out->filter;
	int r;

	memset(out, 0, sizeof(*out));
	out->capfd = -1;
	if (!p->workdir) {
		char *cwd = getcwd(NULL, 0);

		if (!cwd)
			return nono_error_set(err, -errno, "cannot read the current directory: %s", strerror(errno));
		p->workdir = cwd;
	}
	nono_policy_add_default_groups(p);
	if (l->allow_cwd)
		nono_policy_grant(p, p->workdir, NONO_ACC_RW, NONO_KIND_DIR, "--allow-cwd", true);
	if (!dry_run) {
		char tmpl[] = "/tmp/nono-XXXXXX";

		if (!mkdtemp(tmpl))
			return nono_error_set(err, -errno, "cannot create the private TMPDIR: %s", strerror(errno));
		out->tmpdir = xstrdup(tmpl);
		p->tmpdir = xstrdup(tmpl);
		nono_policy_grant(p, tmpl, NONO_ACC_RW | NONO_ACC_DELETE, NONO_KIND_DIR, "private TMPDIR", false);
		if ((r = nono_capfile_create(&out->capfile, &out->capfd, err)) < 0)
			return r;
		nono_policy_grant(p, out->capfile, NONO_ACC_READ, NONO_KIND_FILE, "NONO_CAP_FILE", false);
	}
	find_shims(out);
	if (out->shimdir) {
		nono_policy_grant(p, out->shimdir, NONO_ACC_READ, NONO_KIND_DIR, "exec shim", false);
		nono_policy_grant(p, out->shim, NONO_ACC_READ, NONO_KIND_FILE, "exec shim", false);
	}
	/* open_urls: the supervisor's socket, and xdg-open and BROWSER that ask it */
	if (l->openurl.on && !dry_run) {
		if ((r = nono_openurl_start(&l->openurl, out->shim, err)) < 0)
			return r;
		nono_policy_grant(p, l->openurl.dir, NONO_ACC_READ, NONO_KIND_DIR, "open_urls", false);
		nono_strv_push(&p->unix_sockets, l->openurl.sock);
	}
	if ((r = nono_policy_finalize(p, err)) < 0)
		return r;
	for (size_t i = 0; i < p->warnings.n; i++)
		log_warn("%s", p->warnings.v[i]);

	if ((r = nono_sandbox_prepare(&out->sandbox, p, err)) < 0) {
		if (!dry_run)
			return r;
		out->refusal = xstrdup(err->msg);
		nono_error_clear(err);
	}
	so->block_net = p->block_net;
	so->journal = nono_options_rollback(l);
	so->execs = true; /* the command blocklist on every exec */
	nono_seccomp_prebuilt(&out->seccomp, so);
	if (!dry_run && (r = nono_capfile_fill(out->capfd, out->capfile, p, out->sandbox, err)) < 0) {
		out->capfd = -1;
		return r;
	}
	out->capfd = -1;
	return 0;
}

void
nono_prepared_free(struct nono_prepared *pr)
{
	if (!pr)
		return;
	nono_sandbox_free(pr->sandbox);
	nono_seccomp_free(&pr->seccomp);
	if (pr->capfd >= 0)
		close(pr->capfd);
	if (pr->capfile) {
		unlink(pr->capfile);
		free(pr->capfile);
	}
	if (pr->tmpdir) {
		nono_rm_rf(pr->tmpdir);
		free(pr->tmpdir);
	}
	free(pr->refusal);
	free(pr->shimdir);
	free(pr->shim);
	memset(pr, 0, sizeof(*pr));
	pr->capfd = -1;
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

void
nono_launch_banner(const struct nono_options *l, const struct nono_prepared *pr, const char *what)
{
	const struct nono_policy *p = &l->policy;
	size_t system = 0;

	if (l->silent || !nono_settings()->banner)
		return;
	fprintf(stderr, "%snono %s%s · Landlock ABI %d · %s\n", nono_c(2, C_BOLD), PACKAGE_VERSION, nono_c(2, C_RESET),
		nono_sandbox_abi(pr->sandbox), what);
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct nono_rule *r = &p->rules[i];
		char *d;

		if (!r->user && l->verbose < 1 && strcmp(r->source, "private TMPDIR") != 0) {
			if (strcmp(r->source, "exec shim") == 0)
				continue;
			system++;
			continue;
		}
		if (r->carved && l->verbose < 1)
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
	for (size_t i = 0; i < l->env_creds.n; i++) {
		const char *eq = strrchr(l->env_creds.v[i], '=');

		fprintf(stderr, "  env  %s  %s(keystore: %.*s)%s\n", eq + 1, nono_c(2, C_DIM),
			(int)(eq - l->env_creds.v[i]), l->env_creds.v[i], nono_c(2, C_RESET));
	}
	if (p->proxy_hosts.n)
		fprintf(stderr, "  net  proxy on 127.0.0.1:%d: HTTP(S) to %zu allowed host%s (%s%s)\n", p->proxy_port,
			p->proxy_hosts.n, p->proxy_hosts.n == 1 ? "" : "s", p->proxy_hosts.v[0],
			p->proxy_hosts.n > 1 ? ", ..." : "");
	else
		fprintf(stderr, "  net  %s\n", p->block_net ? "blocked" : "allowed");
	if (p->host_pids)
		fprintf(stderr, "%s  pid  the host's processes are visible (--no-pid-ns)%s\n", nono_c(2, C_YELLOW),
			nono_c(2, C_RESET));
	fprintf(stderr, "  del  %s\n",
		p->allow_delete ? "allowed in writable grants (--allow-delete)"
				: "refused in writable grants (.git excepted; --allow-delete to permit)");
	if (nono_options_rollback(l))
		fprintf(stderr, "  undo rollback journal on: what the session destroys can be restored\n");
}

/* the dry run's lines on what the supervisor and seccomp check */
static void
plan_mediation(const struct nono_policy *p, const struct nono_prepared *pr)
{
	bool dangerous = nono_strv_contains(&p->groups, "dangerous_commands");

	printf("Commands:  every exec checked by the supervisor; groups: %s",
	       dangerous ? "dangerous_commands" : "none");
	for (size_t i = 0; i < p->block_cmds.n; i++)
		printf(" +%s", p->block_cmds.v[i]);
	for (size_t i = 0; i < p->allow_cmds.n; i++)
		printf(" -%s", p->allow_cmds.v[i]);
	printf("\n");
	printf("Seccomp:   %u rules; refused:", pr->seccomp.n_rules);
	for (size_t i = 0; nono_syscalls_denied[i]; i++)
		printf(" %s", nono_syscalls_denied[i]);
	printf(" ioctl(TIOCSTI) ioctl(TIOCLINUX); setuid/setgid modes; packet and raw sockets;"
	       " on the 32-bit x86 ABI every mediated call\n");
	printf("Mediated:  ");
	for (size_t i = 0; i < nono_n_syscalls; i++) {
		const struct nono_syscall *sc = &nono_syscalls[i];
		unsigned when = NONO_SC_ALWAYS | (pr->filter.journal ? NONO_SC_JOURNAL : 0) |
				(pr->filter.block_net ? NONO_SC_BLOCKNET : 0) | (pr->filter.execs ? NONO_SC_EXECS : 0);

		if (sc->nr >= 0 && sc->op != NONO_SC_REFUSE && ((sc->when & when) || (sc->fixed & NONO_SC_OPENAT2)))
			printf("%s%s ", sc->name,
			       sc->op == NONO_SC_SENDTO	 ? "(to an address)"
			       : sc->op == NONO_SC_IOCTL ? "(inode flags)"
			       : sc->op == NONO_SC_OPEN && !(sc->fixed & (NONO_SC_OPENAT2 | NONO_SC_CREAT))
				   ? "(to write)"
				   : "");
	}
	printf("\n");
}

void
nono_launch_plan(const struct nono_options *l, const struct nono_prepared *pr, const char *program)
{
	const struct nono_policy *p = &l->policy;
	struct nono_feature feats[16];
	int nf = nono_sandbox_features(feats, 16, p, nono_sandbox_abi(pr->sandbox));
	struct nono_plan_records rec = {nono_options_rollback(l), !l->no_audit, &l->rollback_exclude};
	struct nono_strv pool = {0}; /* escaped paths and arguments */

	if (l->json) {
		char *s = nono_capfile_plan(p, pr->sandbox, program, l->argv, feats, nf, nono_syscalls_denied, &rec,
					    pr->refusal);

		puts(s);
		free(s);
		return;
	}
	printf("nono %s dry run: nothing is executed\n", PACKAGE_VERSION);
	if (program) {
		printf("Program:   %s\n", nono_str_escape_in(&pool, program));
		printf("Arguments:");
		for (int i = 1; i < l->argc; i++)
			printf(" %s", nono_str_escape_in(&pool, l->argv[i]));
		printf("\n");
	}
	printf("Workdir:   %s\n", nono_str_escape_in(&pool, p->workdir));
	printf("Kernel:    Landlock ABI %d\n", nono_sandbox_abi(pr->sandbox));
	printf("\nFilesystem (%zu rules; everything else is denied):\n", p->n_rules);
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct nono_rule *r = &p->rules[i];

		if (r->carved && l->verbose < 1)
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
	if (p->proxy_hosts.n) {
		char port[16] = "a free port";

		if (p->proxy_port)
			snprintf(port, sizeof(port), "%d", p->proxy_port);
		printf("\nNetwork:   proxy mode: TCP only to nono's HTTP proxy on 127.0.0.1 (%s; Landlock), UDP, raw "
		       "and other families refused (seccomp); the proxy lets HTTP(S) through to:\n",
		       port);
		for (size_t i = 0; i < p->proxy_hosts.n; i++)
			printf("  %s\n", p->proxy_hosts.v[i]);
	} else {
		printf("\nNetwork:   %s\n",
		       p->block_net ? "blocked (TCP by Landlock; UDP, raw and other families by seccomp)" : "allowed");
	}
	for (size_t i = 0; i < l->env_creds.n; i++) {
		const char *eq = strrchr(l->env_creds.v[i], '=');

		printf("%s %s from the keystore (%.*s), loaded at launch\n", i ? "          " : "Secrets:  ", eq + 1,
		       (int)(eq - l->env_creds.v[i]), l->env_creds.v[i]);
	}
	for (size_t i = 0; i < l->hooks.n; i++)
		printf("Hooks:     %s (installed or updated at launch; 'nono hooks status %s')\n", l->hooks.v[i],
		       l->hooks.v[i]);
	printf("Processes: %s\n", p->host_pids ? "the host's are visible in /proc (--no-pid-ns)"
					       : "own only: a PID namespace with its own /proc");
	printf("Delete:    %s\n", p->allow_delete ? "allowed in writable grants"
						  : "refused in writable grants except .git (--allow-delete)");
	printf("Rollback:  %s\n", nono_options_rollback(l) ? "on: destructive operations are journaled first"
							   : "off (--rollback to turn it on)");
	printf("Audit:     %s\n", l->no_audit ? "off (--no-audit)" : "on: execs and refusals recorded, hash-chained");
	plan_mediation(p, pr);
	printf("\nKernel features:\n");
	for (int i = 0; i < nf; i++)
		printf("  %-34s ABI %d  %-10s %s\n", feats[i].name, feats[i].min_abi,
		       feats[i].available ? "enforced" : "missing", feats[i].required ? "(required)" : "");
	if (pr->refusal)
		printf("\nRefused: %s\n", nono_str_escape_in(&pool, pr->refusal));
	nono_strv_free(&pool);
}
