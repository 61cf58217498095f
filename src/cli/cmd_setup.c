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
		   "notification, and which nono protections are fully enforced.\n\n"
		   "Options:\n"
		   "      --check-only             only check (the default; nothing is written)\n"
		   "      --json                   machine-readable output\n"
		   "  -h, --help                   show this help\n");
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
	struct nono_feature f[16];
	struct utsname u;
	bool json = false;
	int c, nf, abi, kabi;
	bool seccomp_filter, notif;
	bool ready = true, kdeny;
	char kwhy[160], pidwhy[160];
	bool pidns_userns = false;
	int pidns;

	optind = 0;
	while ((c = nono_subcmd_opt(&ctx, argc, argv, NULL, opts)) != -1) {
		if (c == NONO_SUBCMD_HELP || c == NONO_SUBCMD_USAGE)
			return c == NONO_SUBCMD_HELP ? 0 : 2;
		json = json || c == 'j';
	}
	if (nono_subcmd_no_args(&ctx, argc, argv))
		return 2;
	uname(&u);
	abi = nono_sys_landlock_abi();
	kabi = nono_sys_landlock_kernel_abi();
	nf = nono_sandbox_features(f, 16, NULL, abi);
	seccomp_filter = prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0;
	notif =
	    file_has_word("/proc/sys/kernel/seccomp/actions_avail", "user_notif") && nono_seccomp_notify_supported();
	kdeny = nono_audit_kernel_status(kwhy, sizeof(kwhy), abi);
	pidns = nono_spawn_pidns_probe(&pidns_userns);
	if (pidns < 0)
		snprintf(pidwhy, sizeof(pidwhy), "NOT AVAILABLE (%s; nono run refuses without --no-pid-ns)",
			 strerror(-pidns));
	else
		snprintf(pidwhy, sizeof(pidwhy), "enforced (PID namespace%s)",
			 pidns_userns ? " in a user namespace" : "");
	for (int i = 0; i < nf; i++)
		if (f[i].required && !f[i].available)
			ready = false;
	if (abi < 1 || !seccomp_filter || !notif || pidns < 0)
		ready = false;

	if (json) {
		printf("{\n  \"kernel\": \"%s\",\n  \"machine\": \"%s\",\n  \"landlock_abi\": %d,\n"
		       "  \"landlock_kernel_abi\": %d,\n  \"landlock_errata\": %d,\n  \"features\": [\n",
		       u.release, u.machine, abi, kabi, nono_sys_landlock_errata());
		for (int i = 0; i < nf; i++)
			printf("    {\"name\": \"%s\", \"min_abi\": %d, \"available\": %s, \"required\": %s}%s\n",
			       f[i].name, f[i].min_abi, f[i].available ? "true" : "false",
			       f[i].required ? "true" : "false", i + 1 < nf ? "," : "");
		printf("  ],\n  \"seccomp_filter\": %s,\n  \"seccomp_user_notif\": %s,\n  \"libseccomp\": \"%s\",\n"
		       "  \"audit_kernel_denials\": %s,\n  \"audit_kernel_denials_reason\": ",
		       seccomp_filter ? "true" : "false", notif ? "true" : "false", nono_seccomp_version(),
		       kdeny ? "true" : "false");
		nono_json_string(stdout, kwhy);
		printf(",\n  \"pid_namespace\": %s,\n  \"pid_namespace_user_ns\": %s", pidns == 0 ? "true" : "false",
		       pidns_userns ? "true" : "false");
		printf(",\n  \"ready\": %s\n}\n", ready ? "true" : "false");
		return ready ? 0 : 1;
	}
	printf("nono %s on Linux %s (%s)\n\n", PACKAGE_VERSION, u.release, u.machine);
	if (abi != kabi)
		printf("Landlock:  ABI %d (capped from the kernel's %d by NONO_TEST_LANDLOCK_ABI)\n", abi, kabi);
	else if (abi > 0)
		printf("Landlock:  ABI %d, errata 0x%x\n", abi, nono_sys_landlock_errata());
	else
		printf("Landlock:  not available (needs Linux 5.13+ with landlock in the lsm= list)\n");
	for (int i = 0; i < nf; i++)
		printf("  %-34s ABI %d  %s%-9s%s %s\n", f[i].name, f[i].min_abi,
		       nono_c(1, f[i].available ? C_GREEN : (f[i].required ? C_RED : C_YELLOW)),
		       f[i].available ? "yes" : "no", nono_c(1, C_RESET), f[i].required ? "" : "(optional)");
	printf("seccomp:   filters %s, user notification %s (libseccomp %s)\n", seccomp_filter ? "yes" : "no",
	       notif ? "yes" : "no", nono_seccomp_version());
	printf("\nProtections:\n");
	printf("  %-34s %s\n", "filesystem confinement", abi >= 1 ? "enforced (Landlock)" : "NOT AVAILABLE");
	printf("  %-34s %s\n", "delete and truncate protection",
	       abi >= 3 ? "enforced (Landlock remove and truncate rights)" : "NOT AVAILABLE");
	printf("  %-34s %s\n", "--block-net",
	       abi >= 4 && seccomp_filter ? "enforced (TCP: Landlock; UDP, raw, others: seccomp)" : "NOT AVAILABLE");
	printf("  %-34s %s\n", "signal and abstract socket scopes", abi >= 6 ? "enforced (Landlock)" : "NOT AVAILABLE");
	printf("  %-34s %s\n", "syscall hardening", seccomp_filter ? "enforced (seccomp)" : "NOT AVAILABLE");
	printf("  %-34s %s\n", "other processes hidden in /proc", pidwhy);
	printf("  %-34s %s\n", "command blocklist, every exec",
	       notif ? "enforced (seccomp user notification)" : "NOT AVAILABLE");
	printf("  %-34s %s\n", "chmod/chown/xattr, UNIX sockets",
	       notif ? "mediated (seccomp user notification)" : "NOT AVAILABLE");
	printf("  %-34s %s\n", "audit trail of each session", notif ? "recorded (supervisor)" : "NOT AVAILABLE");
	printf("  %-34s %s\n", "kernel Landlock denials in it", kwhy);
	printf("\n%s\n", ready ? "nono run: ready" : "nono run: refuses to run on this kernel (see above)");
	return ready ? 0 : 1;
}
