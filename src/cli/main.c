/* main.c - nono's entry point: one table maps each subcommand to its handler
 * (supervisor side). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/util.h"
#include "cli/commands.h"
#include "compat/landlock.h"
#include "nono-version.h"
#include "config/settings.h"
#include "config/upstream.h"

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
    {"why", nono_cmd_why, "[OPTIONS] [--path] PATH | --host HOST", "explain why a path or a host is allowed or denied"},
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
    {"completion", nono_cmd_completion, "bash|zsh|fish", "print a shell's completion script"},
    {NULL, NULL, NULL, NULL},
};

static void
usage(FILE *f)
{
	fprintf(f, "Usage: nono COMMAND [OPTIONS]\n"
		   "       nono -s|--silent|-v|--verbose COMMAND [OPTIONS]\n\n"
		   "A kernel-enforced capability shell: run untrusted programs and AI agents with exactly\n"
		   "the access you grant. Landlock and seccomp make the rest unreachable, irreversibly.\n\n"
		   "Commands:\n");
	for (size_t i = 0; commands[i].name; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].about);
	fprintf(f, "  %-10s %s\n", "help", "show help for a command");
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

/* An unknown command: upstream's, a near miss, or neither. Exit 2. */
static int
unknown_command(const char *name)
{
	const struct nono_upstream *u = nono_upstream_find(name);
	const char *best = NULL;
	size_t bd = 3;

	if (u && name[0] != '-') {
		log_error("'%s' is an upstream nono command, not supported by this nono", name);
		log_hint("instead: %s", u->instead);
		return 2;
	}
	for (size_t i = 0; commands[i].name; i++) {
		size_t d = nono_strdist(name, commands[i].name);

		if (d < bd) {
			bd = d;
			best = commands[i].name;
		}
	}
	log_error("unknown command '%s'", name);
	if (best)
		log_hint("did you mean 'nono %s'? See 'nono --help'", best);
	else
		log_hint("see 'nono --help'");
	return 2;
}

/* ---- global flags: nono -s run ... ------------------------------------------- */

/* The flags before the command (-s, --silent, -v, -vv, --verbose), moved
 * after it for the commands that take them; the others get the level.
 * *out is argv from the command on, caller-owned; -1 on a usage error. */
static int
global_flags(int argc, char **argv, char ***out)
{
	int i, n = 0, silent = 0, verbose = 0;
	char **v;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--help") != 0 &&
		    strcmp(argv[i], "-h") != 0;
	     i++) {
		const struct nono_upstream *u = nono_upstream_find(argv[i]);

		if (strcmp(argv[i], "-s") == 0 || strcmp(argv[i], "--silent") == 0)
			silent = 1;
		else if (strcmp(argv[i], "--verbose") == 0)
			verbose++;
		else if (argv[i][1] == 'v' && strspn(argv[i] + 1, "v") == strlen(argv[i] + 1))
			verbose += (int)strlen(argv[i] + 1);
		else if (u) {
			log_error("%.*s is upstream nono's, not supported by this nono", (int)strcspn(argv[i], "="),
				  argv[i]);
			log_hint("instead: %s", u->instead);
			return -1;
		} else {
			log_error("unknown option '%s' before the command", argv[i]);
			log_hint("nono takes -s/--silent and -v/--verbose there; see 'nono --help'");
			return -1;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return -1;
	}
	v = calloc((size_t)(argc - i) + 3, sizeof(*v));
	if (!v)
		return -1;
	v[n++] = argv[i];
	if (strcmp(argv[i], "run") == 0 || strcmp(argv[i], "shell") == 0) {
		if (silent)
			v[n++] = (char *)"--silent";
		for (int k = 0; k < verbose && k < 3; k++)
			v[n++] = (char *)"-v";
	} else
		nono_log_set_level(silent ? NONO_LOG_QUIET : verbose);
	for (int k = i + 1; k < argc; k++)
		v[n++] = argv[k];
	*out = v;
	return n;
}

/* nono help [COMMAND] */
static int
help(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (!(c = find(argv[1]))) {
		log_error("help: unknown command '%s'", argv[1]);
		log_hint("see 'nono --help'");
		return 2;
	}
	char *hargv[] = {argv[1], (char *)"--help", NULL};

	return c->fn(2, hargv);
}

/* Run the command argv[0] with its arguments. */
static int
dispatch(int argc, char **argv)
{
	const struct command *c = find(argv[0]);
	struct nono_config settings;

	if (strcmp(argv[0], "help") == 0 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)
		return help(argc, argv);

	if (!c && strcmp(argv[0], "policy") == 0 && argc > 1) {
		/* upstream's deprecated alias of 'nono profile' */
		if (strcmp(argv[1], "profiles") == 0)
			argv[1] = (char *)"list";
		log_warn("'nono policy %s' is deprecated; use 'nono profile %s'", argv[1], argv[1]);
		c = find("profile");
	}
	if (!c)
		return unknown_command(argv[0]);
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
		r = c->fn(argc, argv);
		nono_settings_set(NULL);
		nono_config_free(&settings);
		return r;
	}
	return c->fn(argc, argv);
}

int
main(int argc, char **argv)
{
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
	if (argv[1][0] == '-' && argv[1][1]) {
		char **moved = NULL;
		int n = global_flags(argc, argv, &moved), r;

		if (n < 0)
			return 2;
		r = dispatch(n, moved);
		free(moved);
		return r;
	}
	return dispatch(argc - 1, argv + 1);
}
