/* hooks.h - agent integrations nono installs outside the sandbox (supervisor
 * side): the hook script in $XDG_DATA_HOME/nono/hooks (nono's own files, out
 * of every sandbox's reach), its registration in the agent's settings and a
 * guidance block in its instructions file. Targets: Claude Code
 * (~/.claude/settings.json, ~/.claude/CLAUDE.md) and Codex (~/.codex/hooks.json,
 * ~/.codex/AGENTS.md, in the JSON Claude Code uses). Two scopes: the user's
 * (those files) and a project's (.claude/settings.local.json and ./CLAUDE.md;
 * .codex/hooks.json and ./AGENTS.md).
 *
 * What a file held before nono first changed it is recorded in nono's state
 * ($XDG_STATE_HOME/nono/hooks, out of every sandbox's reach), never beside the
 * file: remove puts back exactly those bytes (or no file) when nothing but
 * nono changed it since, and otherwise takes out only what nono added. A
 * remove of the user's scope is remembered: launches install nothing until
 * 'nono hooks install'. The merge and text edits are pure functions so tests
 * can exercise them without a home directory. */
#ifndef NONO_HOOKS_H
#define NONO_HOOKS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "base/util.h"

/* The state of one part of an integration. */
enum nono_hooks_state {
	NONO_HOOKS_MISSING,
	NONO_HOOKS_OUTDATED, /* present, but not what this nono installs */
	NONO_HOOKS_CURRENT,
	/* not what any nono wrote: a script changed outside nono, or a
	 * settings entry that names nono's hook and runs something else */
	NONO_HOOKS_FOREIGN,
};

/* What install or remove changed (bits). */
enum {
	NONO_HOOKS_SCRIPT = 1 << 0,
	NONO_HOOKS_SETTINGS = 1 << 1,
	NONO_HOOKS_GUIDANCE = 1 << 2,
	NONO_HOOKS_LEGACY = 1 << 3, /* the script an earlier nono left in ~/.claude/hooks */
};

struct nono_hooks_status {
	enum nono_hooks_state script, settings, guidance;
	const char *target;  /* "claude-code", "codex" */
	char *project;	     /* the project's directory (project scope), or NULL */
	char *base;	     /* what settings and guidance lie below: ~/.claude, or the project */
	char *dir;	     /* ~/.claude, or PROJECT/.claude */
	char *script_path;   /* $XDG_DATA_HOME/nono/hooks/nono-hook.sh */
	char *command;	     /* how the settings name it: the path as one shell word */
	char *settings_path; /* ~/.claude/settings.json, PROJECT/.claude/settings.local.json */
	char *guidance_path; /* ~/.claude/CLAUDE.md, PROJECT/CLAUDE.md */
	char *records;	     /* $XDG_STATE_HOME/nono/hooks/SCOPE: what the files were */
	/* where an earlier nono kept the script, below ~/.claude: MISSING,
	 * CURRENT (what a nono wrote; install removes it) or FOREIGN (left) */
	char *legacy_path;
	enum nono_hooks_state legacy_script;
	bool legacy; /* settings.json still names it */
	/* the settings' commands that name nono's hook and run something
	 * else (settings is FOREIGN); install takes them out */
	struct nono_strv planted;
};

/* The targets nono knows, NULL-terminated. */
extern const char *const nono_hooks_targets[];
bool nono_hooks_target_known(const char *target);

/* Fill out for target in the user's scope (project NULL) or a project's
 * (its directory). 0, or -errno with err set when a file exists but cannot
 * be read or parsed. Free with nono_hooks_status_free. */
int nono_hooks_status(struct nono_hooks_status *out, const char *target, const char *project, struct nono_error *err);
void nono_hooks_status_free(struct nono_hooks_status *st);
/* Everything as install leaves it, the old script in ~/.claude included. */
bool nono_hooks_current(const struct nono_hooks_status *st);
/* Install or update everything; *out_changed gets NONO_HOOKS_* bits. Files
 * are replaced atomically, never when the settings do not parse, what they
 * held first recorded in nono's state. Every entry that names nono's hook
 * and is not exactly nono's (planted, or an earlier nono's) is replaced.
 * In the user's scope, install also ends a remembered opt-out. 0 or -errno
 * with err set. */
int nono_hooks_install(unsigned *out_changed, const char *target, const char *project, struct nono_error *err);
/* Take out what install added (see above), and every entry that names
 * nono's hook; in the user's scope, remember the opt-out. 0 or -errno. */
int nono_hooks_remove(unsigned *out_changed, const char *target, const char *project, struct nono_error *err);
/* Launches install nothing for target while this is true: 'nono hooks
 * remove' (user scope) set it, 'nono hooks install' clears it. */
bool nono_hooks_opted_out(const char *target);

/* One warning line each (hints too) for what a status found that nono did
 * not write: a settings entry that names nono's hook and runs something
 * else, a changed script; replacing says the caller installs next. True
 * when there was one. */
bool nono_hooks_warn(const struct nono_hooks_status *st, bool hints, bool replacing);

/* Pure parts, for tests. Each returns 1 when *out differs from the input
 * (caller-owned, NUL-terminated), 0 when nothing changes (*out NULL), or
 * -errno with err set. file names the input in messages. */
int nono_hooks_settings_edit(char **out, const char *target, const char *text, const char *file, const char *command,
			     bool remove, struct nono_error *err);
int nono_hooks_guidance_edit(char **out, const char *text, const char *file, bool remove, struct nono_error *err);
/* The hook script this nono installs (embedded at build time). */
extern const char nono_hooks_script[];
/* script_path as the one shell word the settings run; caller-owned. */
char *nono_hooks_command(const char *script_path);
/* Where nono installs the script (one for every target): below
 * $XDG_DATA_HOME/nono, among nono's own files, which no sandbox can write
 * (policy group nono_files). The agents run it outside a sandbox too, so
 * it must be what nono wrote. As a policy path, and expanded (caller-owned). */
#define NONO_HOOKS_SCRIPT_REL "nono/hooks/nono-hook.sh"
#define NONO_HOOKS_SCRIPT_VAR "$XDG_DATA_HOME/" NONO_HOOKS_SCRIPT_REL
char *nono_hooks_script_path(const char *target);
/* How long an agent lets the hook run (seconds): it fails open after. */
#define NONO_HOOKS_TIMEOUT 10

#endif
