/* cmd_hooks.c - 'nono hooks install|remove|status [claude-code]': the agent
 * integrations nono installs outside the sandbox (supervisor side). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/hooks.h"
#include "base/log.h"
#include "base/util.h"
#include "cli/commands.h"
#include "cli/subcmd.h"

static void
usage(FILE *f)
{
	fprintf(f, "Usage: nono hooks install|remove|status [claude-code] [--json]\n\n"
		   "Claude Code integration, installed outside the sandbox:\n"
		   "  $XDG_DATA_HOME/nono/hooks/nono-hook.sh\n"
		   "                                tells Claude what the sandbox allows when a tool is denied;\n"
		   "                                among nono's own files, which no sandbox can write\n"
		   "  ~/.claude/settings.json       registers it for PostToolUseFailure (Read|Write|Edit|Bash)\n"
		   "                                and PostToolUse (Bash); the previous file is kept as\n"
		   "                                settings.json.nono.bak. An entry that names nono's hook\n"
		   "                                and runs anything else is refused and replaced\n"
		   "  ~/.claude/CLAUDE.md           a guidance block between <!-- nono-sandbox-start -->\n"
		   "                                and <!-- nono-sandbox-end -->\n\n"
		   "Commands:\n"
		   "  install   install or update all three (nothing changes when they are current)\n"
		   "  remove    take out exactly what install added\n"
		   "  status    say what is installed (exit 0 when everything is current, 1 if not)\n\n"
		   "Options:\n"
		   "  --json        machine-readable status\n"
		   "  -h, --help    show this help\n\n"
		   "'nono run --profile claude-code' installs them by itself on first use.\n");
}

static const char *
state_name(enum nono_hooks_state s)
{
	static const char *const names[] = {
	    [NONO_HOOKS_MISSING] = "missing",
	    [NONO_HOOKS_OUTDATED] = "outdated",
	    [NONO_HOOKS_CURRENT] = "installed",
	    [NONO_HOOKS_FOREIGN] = "foreign",
	};

	return names[s];
}

static void
json_part(const char *name, const char *path, enum nono_hooks_state s, bool last)
{
	printf("  \"%s\": {\"path\": ", name);
	nono_json_string(stdout, path);
	printf(", \"state\": \"%s\"}%s\n", state_name(s), last ? "" : ",");
}

static int
status(const char *target, bool json)
{
	struct nono_hooks_status st;
	struct nono_error err = {0};
	bool all;

	if (nono_hooks_status(&st, target, &err) < 0) {
		nono_print_error(&err);
		nono_hooks_status_free(&st);
		return 125;
	}
	nono_hooks_warn(&st, !json, false);
	all = st.script == NONO_HOOKS_CURRENT && st.settings == NONO_HOOKS_CURRENT && st.guidance == NONO_HOOKS_CURRENT;
	if (json) {
		printf("{\n  \"target\": ");
		nono_json_string(stdout, target);
		printf(",\n  \"installed\": %s,\n", all ? "true" : "false");
		json_part("script", st.script_path, st.script, false);
		json_part("settings", st.settings_path, st.settings, false);
		json_part("guidance", st.guidance_path, st.guidance, true);
		printf("}\n");
	} else {
		char *d;

		printf("%s: %s\n", target, all ? "installed" : "not fully installed");
		d = nono_path_display(st.script_path);
		printf("  hook script  %-10s %s\n", state_name(st.script), d);
		free(d);
		d = nono_path_display(st.settings_path);
		printf("  settings     %-10s %s (PostToolUseFailure, PostToolUse)\n", state_name(st.settings), d);
		free(d);
		d = nono_path_display(st.guidance_path);
		printf("  guidance     %-10s %s\n", state_name(st.guidance), d);
		free(d);
		if (st.legacy_script != NONO_HOOKS_MISSING) {
			d = nono_path_display(st.legacy_path);
			printf("  old script   %-10s %s (%s)\n", st.legacy ? "registered" : "left", d,
			       st.legacy_script == NONO_HOOKS_CURRENT ? "install removes it" : "not what nono wrote");
			free(d);
		}
		if (!all)
			printf("Run 'nono hooks install %s' to install or update.\n", target);
	}
	nono_hooks_status_free(&st);
	return all ? 0 : 1;
}

static void
report(const char *verb, unsigned changed)
{
	struct nono_hooks_status st;
	struct nono_error err = {0};
	const char *names[] = {"hook script", "settings", "guidance", "old hook script"};
	char *d[4];

	nono_hooks_status(&st, "claude-code", &err);
	d[0] = nono_path_display(st.script_path ? st.script_path : "");
	d[1] = nono_path_display(st.settings_path ? st.settings_path : "");
	d[2] = nono_path_display(st.guidance_path ? st.guidance_path : "");
	d[3] = nono_path_display(st.legacy_path ? st.legacy_path : "");
	if (!changed)
		printf("claude-code: nothing to %s\n", verb);
	for (int i = 0; i < 4; i++)
		if (changed & (1u << i))
			printf("%s %s: %s\n", strcmp(verb, "install") == 0 && i < 3 ? "installed" : "removed", names[i],
			       d[i]);
	if ((changed & NONO_HOOKS_SETTINGS))
		printf("previous settings kept in %s.nono.bak\n", d[1]);
	for (int i = 0; i < 4; i++)
		free(d[i]);
	nono_hooks_status_free(&st);
}

/* [TARGET] (status: [--json]): the target, or NULL after a usage error
 * or --help (*rc the exit status) */
static const char *
target_of(const struct nono_subcmd_ctx *c, int argc, char **argv, bool *json, int *rc)
{
	static const struct option json_opt[] = {{"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0}};
	const char *target = "claude-code";
	int o;

	*rc = 0;
	while ((o = nono_subcmd_opt(c, argc, argv, NULL, json ? json_opt : NULL)) != -1) {
		if (o == NONO_SUBCMD_HELP || o == NONO_SUBCMD_USAGE) {
			*rc = o == NONO_SUBCMD_HELP ? 0 : 2;
			return NULL;
		}
		if (json)
			*json = true;
	}
	if (optind < argc)
		target = argv[optind++];
	if ((*rc = nono_subcmd_no_args(c, argc, argv)))
		return NULL;
	if (!nono_hooks_target_known(target)) {
		*rc = nono_subcmd_usage(c, "nono knows: claude-code", "unknown target '%s'", target);
		return NULL;
	}
	return target;
}

static int
cmd_status(const struct nono_subcmd_ctx *c, int argc, char **argv)
{
	bool json = false;
	int rc;
	const char *target = target_of(c, argc, argv, &json, &rc);

	return target ? status(target, json) : rc;
}

static int
cmd_install(const struct nono_subcmd_ctx *c, int argc, char **argv)
{
	struct nono_hooks_status st;
	struct nono_error err = {0};
	unsigned changed = 0;
	int rc;
	const char *target = target_of(c, argc, argv, NULL, &rc);

	if (!target)
		return rc;
	/* say what nono refuses before it replaces it */
	if (nono_hooks_status(&st, target, &err) == 0)
		nono_hooks_warn(&st, true, true);
	nono_hooks_status_free(&st);
	nono_error_clear(&err);
	if (nono_hooks_install(&changed, target, &err) < 0) {
		nono_print_error(&err);
		return 125;
	}
	report("install", changed);
	return 0;
}

static int
cmd_remove(const struct nono_subcmd_ctx *c, int argc, char **argv)
{
	struct nono_error err = {0};
	unsigned changed = 0;
	int rc;
	const char *target = target_of(c, argc, argv, NULL, &rc);

	if (!target)
		return rc;
	if (nono_hooks_remove(&changed, target, &err) < 0) {
		nono_print_error(&err);
		return 125;
	}
	report("remove", changed);
	return 0;
}

int
nono_cmd_hooks(int argc, char **argv)
{
	static const struct nono_subcmd subs[] = {
	    {"install", cmd_install, NULL, NULL},
	    {"remove", cmd_remove, NULL, NULL},
	    {"status", cmd_status, NULL, NULL},
	    {NULL, NULL, NULL, NULL},
	};
	static const struct nono_subcmds cmd = {"hooks", usage, subs, NULL};

	return nono_subcmd_dispatch(&cmd, argc, argv, NULL);
}
