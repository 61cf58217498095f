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

int
nono_cmd_hooks(int argc, char **argv)
{
	const char *verb = NULL, *target = NULL;
	bool json = false;
	struct nono_error err = {0};
	unsigned changed = 0;
	int r;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (argv[i][0] == '-') {
			log_error("nono hooks: unknown option '%s'", argv[i]);
			log_hint("see 'nono hooks --help'");
			return 2;
		} else if (!verb) {
			verb = argv[i];
		} else if (!target) {
			target = argv[i];
		} else {
			log_error("nono hooks: unexpected argument '%s'", argv[i]);
			log_hint("see 'nono hooks --help'");
			return 2;
		}
	}
	if (!verb) {
		usage(stderr);
		return 2;
	}
	if (!target)
		target = "claude-code";
	if (!nono_hooks_target_known(target)) {
		log_error("nono hooks: unknown target '%s'", target);
		log_hint("nono knows: claude-code");
		return 2;
	}
	if (strcmp(verb, "status") == 0)
		return status(target, json);
	if (json) {
		log_error("nono hooks %s: --json goes with status", verb);
		return 2;
	}
	if (strcmp(verb, "install") == 0) {
		struct nono_hooks_status st;

		/* say what nono refuses before it replaces it */
		if (nono_hooks_status(&st, target, &err) == 0)
			nono_hooks_warn(&st, true, true);
		nono_hooks_status_free(&st);
		nono_error_clear(&err);
		r = nono_hooks_install(&changed, target, &err);
	} else if (strcmp(verb, "remove") == 0)
		r = nono_hooks_remove(&changed, target, &err);
	else {
		log_error("nono hooks: unknown command '%s'", verb);
		log_hint("install, remove or status; see 'nono hooks --help'");
		return 2;
	}
	if (r < 0) {
		nono_print_error(&err);
		return 125;
	}
	report(verb, changed);
	return 0;
}
