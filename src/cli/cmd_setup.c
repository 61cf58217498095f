/* cmd_setup.c - 'nono setup --check-only': what this kernel enforces
 * (supervisor side). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/utsname.h>

#include "audit/audit.h"
#include "base/log.h"
#include "base/sys.h"
#include "base/util.h"
#include "cli/commands.h"
#include "cli/subcmd.h"
#include "launch/spawn.h"
#include "sandbox/sandbox.h"
#include "sandbox/seccomp.h"

static bool
file_has_word(const char *path, const char *word)
{
	char buf[512];
	FILE *f = fopen(path, "re");
	bool found = false;

	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f))
		for (char *t = strtok(buf, " \n"); t; t = strtok(NULL, " \n"))
			if (strcmp(t, word) == 0)
				found = true;
	fclose(f);
	return found;
}

static void
usage(FILE *f)
{
	fprintf(f, "Usage: nono setup --check-only [--json]\n\n"
		   "Report what this kernel supports: the Landlock ABI and its features, seccomp user\n"
		   "notification, which nono protections are fully enforced, what stands in for\n"
		   "the rest and what stays weaker.\n\n"
		   "Options:\n"
		   "      --check-only             only check (the default; nothing is written)\n"
		   "      --json                   machine-readable output\n"
		   "  -h, --help                   show this help\n");
}

/* What this machine gives nono. */
struct host {
	struct utsname u;
	int abi, kabi, nf, nw, pidns;
	struct nono_feature f[16];
	struct nono_weakness w[16];
	bool seccomp_filter, notif, pidns_userns, kdeny, ready;
	char kwhy[160], pidwhy[256];
};

static void
probe(struct host *h)
{
	struct nono_sandbox_env e = {0};

	uname(&h->u);
	h->abi = nono_sys_landlock_abi();
	h->kabi = nono_sys_landlock_kernel_abi();
	h->nf = nono_sandbox_features(h->f, 16, NULL, h->abi);
	h->seccomp_filter = prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0;
	h->notif =
	    file_has_word("/proc/sys/kernel/seccomp/actions_avail", "user_notif") && nono_seccomp_notify_supported();
	h->kdeny = nono_audit_kernel_status(h->kwhy, sizeof(h->kwhy), h->abi);
	h->pidns = nono_spawn_pidns_check(h->pidwhy, sizeof(h->pidwhy));
	if (h->pidns == 0)
		h->pidns = nono_spawn_pidns_probe(&h->pidns_userns);
	if (h->pidns < 0 && !*h->pidwhy)
		snprintf(h->pidwhy, sizeof(h->pidwhy), "%s", strerror(-h->pidns));
	/* every entry that may apply: --block-net's too */
	e.abi = h->abi;
	e.pid_ns = e.net_ns = h->pidns == 0;
	e.every = true;
	h->nw = nono_sandbox_weaknesses(h->w, 16, &e);
	/* nono runs with Landlock and the supervisor; the rest stands in or is named */
	h->ready = h->abi >= 1 && h->seccomp_filter && h->notif;
}

static void
print_json(const struct host *h)
{
	printf("{\n  \"kernel\": \"%s\",\n  \"machine\": \"%s\",\n  \"landlock_abi\": %d,\n"
	       "  \"landlock_kernel_abi\": %d,\n  \"landlock_errata\": %d,\n  \"features\": [\n",
	       h->u.release, h->u.machine, h->abi, h->kabi, nono_sys_landlock_errata());
	for (int i = 0; i < h->nf; i++)
		printf("    {\"name\": \"%s\", \"min_abi\": %d, \"available\": %s, \"required\": %s}%s\n", h->f[i].name,
		       h->f[i].min_abi, h->f[i].available ? "true" : "false", h->f[i].required ? "true" : "false",
		       i + 1 < h->nf ? "," : "");
	printf("  ],\n  \"weaknesses\": [\n");
	for (int i = 0; i < h->nw; i++) {
		const struct nono_weakness *w = &h->w[i];

		printf("    {\"id\": \"%s\", \"abi\": %d, \"what\": ", w->id, w->abi);
		nono_json_string(stdout, w->what);
		printf(", \"instead\": ");
		w->instead ? nono_json_string(stdout, w->instead) : (void)printf("null");
		printf(", \"left\": ");
		w->left ? nono_json_string(stdout, w->left) : (void)printf("null");
		printf(", \"weaker\": %s, \"block_net\": %s}%s\n", w->left ? "true" : "false",
		       w->block_net ? "true" : "false", i + 1 < h->nw ? "," : "");
	}
	printf("  ],\n  \"seccomp_filter\": %s,\n  \"seccomp_user_notif\": %s,\n  \"libseccomp\": \"%s\",\n"
	       "  \"audit_kernel_denials\": %s,\n  \"audit_kernel_denials_reason\": ",
	       h->seccomp_filter ? "true" : "false", h->notif ? "true" : "false", nono_seccomp_version(),
	       h->kdeny ? "true" : "false");
	nono_json_string(stdout, h->kwhy);
	printf(",\n  \"pid_namespace\": %s,\n  \"pid_namespace_user_ns\": %s,\n  \"pid_namespace_reason\": ",
	       h->pidns == 0 ? "true" : "false", h->pidns_userns ? "true" : "false");
	h->pidns < 0 ? nono_json_string(stdout, h->pidwhy) : (void)printf("null");
	printf(",\n  \"ready\": %s\n}\n", h->ready ? "true" : "false");
}

/* One protection: Landlock's when the ABI has it, else what stands in. */
static const char *
held(const struct host *h, int abi, const char *landlock, const char *instead)
{
	return h->abi >= abi ? landlock : instead;
}

static void
print_protections(const struct host *h)
{
	static char pidwhy[320];

	if (h->pidns < 0)
		snprintf(pidwhy, sizeof(pidwhy), "WEAKER: the host's are listed (%s)", h->pidwhy);
	else
		snprintf(pidwhy, sizeof(pidwhy), "enforced (PID namespace%s)",
			 h->pidns_userns ? " in a user namespace" : "");
	printf("\nProtections:\n");
	printf("  %-34s %s\n", "filesystem confinement", h->abi >= 1 ? "enforced (Landlock)" : "NOT AVAILABLE");
	printf("  %-34s %s\n", "delete protection",
	       h->abi >= 1 ? "enforced (Landlock remove rights)" : "NOT AVAILABLE");
	printf("  %-34s %s\n", "truncation control",
	       held(h, 3, "enforced (Landlock)", "enforced by the supervisor (seccomp user notification)"));
	printf("  %-34s %s\n", "--block-net",
	       held(h, 4, "enforced (TCP: Landlock; UDP, raw, others: seccomp)",
		    h->pidns == 0 ? "enforced (a network namespace; UDP, raw, others also seccomp)"
				  : "TCP connect and listen refused by the supervisor; UDP, raw, others: seccomp"));
	printf("  %-34s %s\n", "signals kept in",
	       held(h, 6, "enforced (Landlock)",
		    h->pidns == 0 ? "enforced (the PID namespace)" : "WEAKER: they reach the host's processes"));
	printf("  %-34s %s\n", "abstract UNIX sockets kept in",
	       held(h, 6, "enforced (Landlock)",
		    h->pidns == 0 ? "connect and sendto checked by the supervisor; WEAKER: sendmsg reaches outside "
				    "(with --block-net: enforced, a network namespace)"
				  : "connect and sendto checked by the supervisor; WEAKER: sendmsg reaches outside"));
	printf("  %-34s %s\n", "syscall hardening", h->seccomp_filter ? "enforced (seccomp)" : "NOT AVAILABLE");
	printf("  %-34s %s\n", "other processes hidden in /proc", pidwhy);
	printf("  %-34s %s\n", "command blocklist, every exec",
	       h->notif ? "enforced (seccomp user notification)" : "NOT AVAILABLE");
	printf("  %-34s %s\n", "chmod/chown/xattr, UNIX sockets",
	       h->notif ? "mediated (seccomp user notification)" : "NOT AVAILABLE");
	printf("  %-34s %s\n", "audit trail of each session", h->notif ? "recorded (supervisor)" : "NOT AVAILABLE");
	printf("  %-34s %s\n", "kernel Landlock denials in it", h->kwhy);
}

static void
print_text(const struct host *h)
{
	int weaker = 0;

	printf("nono %s on Linux %s (%s)\n\n", PACKAGE_VERSION, h->u.release, h->u.machine);
	if (h->abi != h->kabi)
		printf("Landlock:  ABI %d (capped from the kernel's %d by NONO_TEST_LANDLOCK_ABI)\n", h->abi, h->kabi);
	else if (h->abi > 0)
		printf("Landlock:  ABI %d, errata 0x%x\n", h->abi, nono_sys_landlock_errata());
	else
		printf("Landlock:  not available (needs Linux 5.13+ with landlock in the lsm= list)\n");
	for (int i = 0; i < h->nf; i++)
		printf("  %-34s ABI %d  %s%-9s%s %s\n", h->f[i].name, h->f[i].min_abi,
		       nono_c(1, h->f[i].available ? C_GREEN : (h->f[i].required ? C_RED : C_YELLOW)),
		       h->f[i].available ? "yes" : "no", nono_c(1, C_RESET), h->f[i].required ? "(required)" : "");
	printf("seccomp:   filters %s, user notification %s (libseccomp %s)\n", h->seccomp_filter ? "yes" : "no",
	       h->notif ? "yes" : "no", nono_seccomp_version());
	print_protections(h);
	if (h->abi >= 1 && h->nw) {
		printf("\nOn this kernel (Landlock ABI %d):\n", h->abi);
		for (int i = 0; i < h->nw; i++) {
			const struct nono_weakness *w = &h->w[i];

			weaker += w->left != NULL;
			printf("  %-6s %s%s", w->left ? "weaker" : "held", w->what,
			       w->block_net ? " (--block-net)" : "");
			if (w->abi)
				printf(" (Landlock: ABI %d)", w->abi);
			printf("%s%s", w->left ? ": " : "", w->left ? w->left : "");
			if (w->instead)
				printf("%s %s", w->left ? "; in its stead:" : ": by", w->instead);
			printf("\n");
		}
	}
	if (!h->ready)
		printf("\nnono run: refuses to run on this kernel (see above)\n");
	else if (weaker)
		printf("\nnono run: ready; %d protection%s weaker here, named in each banner (--strict refuses)\n",
		       weaker, weaker == 1 ? "" : "s");
	else
		printf("\nnono run: ready\n");
}

int
nono_cmd_setup(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"check-only", no_argument, NULL, 'c'},
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	static const struct nono_subcmds cmd = {"setup", usage, NULL, NULL};
	const struct nono_subcmd_ctx ctx = {&cmd, NULL, NULL};
	struct host h;
	bool json = false;
	int c;

	optind = 0;
	while ((c = nono_subcmd_opt(&ctx, argc, argv, NULL, opts)) != -1) {
		if (c == NONO_SUBCMD_HELP || c == NONO_SUBCMD_USAGE)
			return c == NONO_SUBCMD_HELP ? 0 : 2;
		json = json || c == 'j';
	}
	if (nono_subcmd_no_args(&ctx, argc, argv))
		return 2;
	memset(&h, 0, sizeof(h));
	probe(&h);
	if (json)
		print_json(&h);
	else
		print_text(&h);
	return h.ready ? 0 : 1;
}
