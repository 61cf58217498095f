/* main.c - nono's entry point: one table maps each subcommand to its handler
 * (supervisor side). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "cli/commands.h"
#include "compat/landlock.h"
#include "nono-version.h"
#include "config/settings.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *synopsis;
	const char *about;
};

static const struct command commands[] = {
    {"run", nono_cmd_run, "[OPTIONS] [--] PROGRAM [ARGS...]", "run a program in the sandbox"},
    {"shell", nono_cmd_shell, "[OPTIONS]", "an interactive shell inside the sandbox"},
    {"approvals", nono_cmd_approvals, "[--json] | approve ID [--session|--dir] | deny ID",
     "answer the requests of sessions run with --capability-elevation"},
    {"why", nono_cmd_why, "[OPTIONS] [--path] PATH", "explain why a path is allowed or denied"},
    {"profile", nono_cmd_profile, "list|show|init|validate|diff|groups", "manage sandbox profiles"},
    {"audit", nono_cmd_audit, "list|show|verify|cleanup", "what sandboxed sessions did (tamper-evident)"},
    {"rollback", nono_cmd_rollback, "list|show|restore|verify|cleanup", "review and undo what a session changed"},
    {"config", nono_cmd_config, "[--json]", "show the effective settings"},
    {"setup", nono_cmd_setup, "--check-only [--json]", "report what this kernel can enforce"},
    {"hooks", nono_cmd_hooks, "install|remove|status [claude-code]", "install agent hooks (Claude Code)"},
    /* registry packs and instruction-file trust (cmd_pack.c, cmd_trust.c) */
    {"search", nono_cmd_search, "[TERM] [--json]", "find packs in the registries"},
    {"pull", nono_cmd_pull, "OWNER/NAME[@VERSION] [--init]", "install a signed pack (profiles, instructions)"},
    {"list", nono_cmd_list, "--installed [--json]", "the installed packs (or the registries')"},
    {"update", nono_cmd_update, "[OWNER/NAME...]", "install the latest version of the installed packs"},
    {"remove", nono_cmd_remove, "OWNER/NAME...", "remove installed packs"},
    {"trust", nono_cmd_trust, "status|init|sign|verify|add|list|...", "instruction-file trust and signing keys"},
    {NULL, NULL, NULL, NULL},
};

static void
usage(FILE *f)
{
	fprintf(f, "Usage: nono COMMAND [OPTIONS]\n\n"
		   "A kernel-enforced capability shell: run untrusted programs and AI agents with exactly\n"
		   "the access you grant. Landlock and seccomp make the rest unreachable, irreversibly.\n\n"
		   "Commands:\n");
	for (size_t i = 0; commands[i].name; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].about);
	fprintf(f, "  %-8s %s\n", "help", "show help for a command");
	fprintf(f, "\nExamples:\n"
		   "  nono run --allow . -- make test\n"
		   "  nono run --allow . --block-net -- npm test\n"
		   "  nono why --path ~/.ssh/id_rsa --op read\n\n"
		   "Run 'nono COMMAND --help' for a command's options; 'man nono' for everything.\n");
}

static const struct command *
find(const char *name)
{
	for (size_t i = 0; commands[i].name; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	const struct command *c;
	struct nono_config settings;

	nono_log_init();
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		/* the revision is empty when built from neither git nor a release tarball */
		printf("nono %s (%s%s; Landlock ABI up to %d)\n", PACKAGE_VERSION, *NONO_GIT_REVISION ? "git " : "",
		       *NONO_GIT_REVISION ? NONO_GIT_REVISION : "revision unknown", NONO_LANDLOCK_ABI_MAX);
		return 0;
	}
	if (strcmp(argv[1], "help") == 0) {
		if (argc < 3 || strcmp(argv[2], "help") == 0) {
			usage(stdout);
			return 0;
		}
		if (!(c = find(argv[2]))) {
			log_error("help: unknown command '%s'", argv[2]);
			log_hint("see 'nono --help'");
			return 2;
		}
		char *hargv[] = {argv[2], (char *)"--help", NULL};

		return c->fn(2, hargv);
	}
	c = find(argv[1]);
	if (!c) {
		log_error("unknown command '%s'", argv[1]);
		log_hint("see 'nono --help'");
		return 2;
	}
	if (c->fn != nono_cmd_config) {
		struct nono_error err = {0};
		int r;

		if (nono_config_load(&settings, &err) < 0) {
			log_error("%s", err.msg);
			log_hint("fix the file, or see 'nono config --help'");
			nono_config_free(&settings);
			return 125;
		}
		for (size_t i = 0; i < settings.warnings.n; i++)
			log_warn("%s", settings.warnings.v[i]);
		nono_settings_set(&settings);
		nono_log_force_colour(settings.color == NONO_COLOR_AUTO ? -1 : settings.color == NONO_COLOR_ALWAYS);
		r = c->fn(argc - 1, argv + 1);
		nono_settings_set(NULL);
		nono_config_free(&settings);
		return r;
	}
	return c->fn(argc - 1, argv + 1);
}
