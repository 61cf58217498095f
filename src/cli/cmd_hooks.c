/* cmd_hooks.c - 'nono hooks install|remove|status [--project] [TARGET]': the
 * agent integrations nono installs outside the sandbox (supervisor side). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/hooks.h"
#include "base/log.h"
#include "base/util.h"
#include "cli/commands.h"
#include "cli/subcmd.h"

static void
usage(FILE *f)
{
	fprintf(f, "Usage: nono hooks install|remove|status [--project] [claude-code|codex] [--json]\n\n"
		   "Agent integration, installed outside the sandbox (Claude Code; Codex alike in\n"
		   "~/.codex/hooks.json and AGENTS.md):\n"
		   "  $XDG_DATA_HOME/nono/hooks/nono-hook.sh\n"
		   "                                at SessionStart tells the agent what this session may do;\n"
		   "                                when a tool is denied, asks 'nono why --self' and passes\n"
		   "                                on the exact fix; among nono's own files, which no sandbox\n"
		   "                                can write\n"
		   "  ~/.claude/settings.json       registers it for SessionStart, PostToolUseFailure and\n"
		   "                                PostToolUse (Bash), each with a timeout (it fails open).\n"
		   "                                An entry that names nono's hook and runs anything else is\n"
		   "                                refused and replaced\n"
		   "  ~/.claude/CLAUDE.md           a guidance block between <!-- nono-sandbox-start -->\n"
		   "                                and <!-- nono-sandbox-end -->\n"
		   "With --project: .claude/settings.local.json and ./CLAUDE.md of the current directory.\n\n"
		   "Commands:\n"
		   "  install   install or update all three (nothing changes when they are current)\n"
		   "  remove    put the files back exactly as they were before install when nothing but\n"
		   "            nono changed them since (else take out what install added); in the user's\n"
		   "            scope also stop 'nono run' installing them, until the next install\n"
		   "  status    say what is installed (exit 0 when everything is current, 1 if not)\n\n"
		   "Options:\n"
		   "  --project     the current directory's scope, not the user's\n"
		   "  --json        machine-readable status\n"
		   "  -h, --help    show this help\n\n"
		   "What the files held before is kept in $XDG_STATE_HOME/nono/hooks, never beside them.\n"
		   "'nono run --profile claude-code' installs the user's scope by itself on first use\n"
		   "(not with --no-hooks, [hooks] install = false in config.ini, or after 'remove').\n");
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

static void
status_text(const struct nono_hooks_status *st, bool all)
{
	char *d;

	printf("%s%s: %s\n", st->target, st->project ? " (project)" : "", all ? "installed" : "not fully installed");
	d = nono_path_display(st->script_path);
	printf("  hook script  %-10s %s\n", state_name(st->script), d);
	free(d);
	d = nono_path_display(st->settings_path);
	printf("  settings     %-10s %s\n", state_name(st->settings), d);
	free(d);
	d = nono_path_display(st->guidance_path);
	printf("  guidance     %-10s %s\n", state_name(st->guidance), d);
	free(d);
	if (st->legacy_script != NONO_HOOKS_MISSING) {
		d = nono_path_display(st->legacy_path);
		printf("  old script   %-10s %s (%s)\n", st->legacy ? "registered" : "left", d,
		       st->legacy_script == NONO_HOOKS_CURRENT ? "install removes it" : "not what nono wrote");
		free(d);
	}
	if (!st->project)
		printf("  at launch    %s\n",
		       nono_hooks_opted_out(st->target)
			   ? "off: removed, not installed again until 'nono hooks install'"
			   : "installed and kept current by 'nono run' when the profile declares it");
	if (!all)
		printf("Run 'nono hooks install%s %s' to install or update.\n", st->project ? " --project" : "",
		       st->target);
}

static int
status(const char *target, const char *project, bool json)
{
	struct nono_hooks_status st = {0};
	struct nono_error err = {0};
	bool all;

	if (nono_hooks_status(&st, target, project, &err) < 0) {
		nono_print_error(&err);
		nono_hooks_status_free(&st);
		return 125;
	}
	nono_hooks_warn(&st, !json, false);
	all = st.script == NONO_HOOKS_CURRENT && st.settings == NONO_HOOKS_CURRENT && st.guidance == NONO_HOOKS_CURRENT;
	if (json) {
		printf("{\n  \"target\": ");
		nono_json_string(stdout, target);
		printf(",\n  \"scope\": \"%s\",\n  \"installed\": %s,\n", project ? "project" : "user",
		       all ? "true" : "false");
		if (!project)
			printf("  \"opted_out\": %s,\n", nono_hooks_opted_out(target) ? "true" : "false");
		json_part("script", st.script_path, st.script, false);
		json_part("settings", st.settings_path, st.settings, false);
		json_part("guidance", st.guidance_path, st.guidance, true);
		printf("}\n");
	} else {
		status_text(&st, all);
	}
	nono_hooks_status_free(&st);
	return all ? 0 : 1;
}

static void
report(const char *verb, const char *target, const char *project, unsigned changed)
{
	struct nono_hooks_status st = {0};
	struct nono_error err = {0};
	const char *names[] = {"hook script", "settings", "guidance", "old hook script"};
	char *d[4];

	nono_hooks_status(&st, target, project, &err);
	d[0] = nono_path_display(st.script_path ? st.script_path : "");
	d[1] = nono_path_display(st.settings_path ? st.settings_path : "");
	d[2] = nono_path_display(st.guidance_path ? st.guidance_path : "");
	d[3] = nono_path_display(st.legacy_path ? st.legacy_path : "");
	if (!changed)
		printf("%s: nothing to %s\n", target, verb);
	for (int i = 0; i < 4; i++)
		if (changed & (1u << i))
			printf("%s %s: %s\n",
			       strcmp(verb, "install") == 0 && i < 3 ? "installed"
			       : strcmp(verb, "install") == 0	     ? "removed"
			       : i == 0 || i == 3		     ? "removed"
								     : "restored",
			       names[i], d[i]);
	if (strcmp(verb, "remove") == 0 && !project)
		printf("'nono run' installs no %s hook until 'nono hooks install'\n", target);
	for (int i = 0; i < 4; i++)
		free(d[i]);
	nono_hooks_status_free(&st);
}

/* [--project] [TARGET] (status: [--json]): the target, or NULL after a
 * usage error or --help (*rc the exit status); *project the current
 * directory with --project (caller-owned), else NULL. */
static const char *
target_of(const struct nono_subcmd_ctx *c, int argc, char **argv, bool *json, char **project, int *rc)
{
	static const struct option opts[] = {
	    {"project", no_argument, NULL, 'P'}, {"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0}};
	static const struct option opts_nojson[] = {{"project", no_argument, NULL, 'P'}, {NULL, 0, NULL, 0}};
	const char *target = "claude-code";
	int o;

	*rc = 0;
	*project = NULL;
	while ((o = nono_subcmd_opt(c, argc, argv, NULL, json ? opts : opts_nojson)) != -1) {
		if (o == NONO_SUBCMD_HELP || o == NONO_SUBCMD_USAGE) {
			*rc = o == NONO_SUBCMD_HELP ? 0 : 2;
			goto fail;
		}
		if (o == 'j')
			*json = true;
		else if (o == 'P' && !*project && !(*project = getcwd(NULL, 0))) {
			*rc = 125;
			goto fail;
		}
	}
	if (optind < argc)
		target = argv[optind++];
	if ((*rc = nono_subcmd_no_args(c, argc, argv)))
		goto fail;
	if (!nono_hooks_target_known(target)) {
		*rc = nono_subcmd_usage(c, "nono knows: claude-code, codex", "unknown target '%s'", target);
		goto fail;
	}
	return target;
fail:
	free(*project);
	*project = NULL;
	return NULL;
}

static int
cmd_status(const struct nono_subcmd_ctx *c, int argc, char **argv)
{
	bool json = false;
	char *project;
	int rc;
	const char *target = target_of(c, argc, argv, &json, &project, &rc);

	if (target)
		rc = status(target, project, json);
	free(project);
	return rc;
}

static int
cmd_install(const struct nono_subcmd_ctx *c, int argc, char **argv)
{
	struct nono_hooks_status st = {0};
	struct nono_error err = {0};
	unsigned changed = 0;
	char *project;
	int rc;
	const char *target = target_of(c, argc, argv, NULL, &project, &rc);

	if (!target)
		return rc;
	/* say what nono refuses before it replaces it */
	if (nono_hooks_status(&st, target, project, &err) == 0)
		nono_hooks_warn(&st, true, true);
	nono_hooks_status_free(&st);
	nono_error_clear(&err);
	if (nono_hooks_install(&changed, target, project, &err) < 0) {
		nono_print_error(&err);
		rc = 125;
	} else {
		report("install", target, project, changed);
	}
	free(project);
	return rc;
}

static int
cmd_remove(const struct nono_subcmd_ctx *c, int argc, char **argv)
{
	struct nono_error err = {0};
	unsigned changed = 0;
	char *project;
	int rc;
	const char *target = target_of(c, argc, argv, NULL, &project, &rc);

	if (!target)
		return rc;
	if (nono_hooks_remove(&changed, target, project, &err) < 0) {
		nono_print_error(&err);
		rc = 125;
	} else {
		report("remove", target, project, changed);
	}
	free(project);
	return rc;
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
