/* hooks.h - agent integrations nono installs outside the sandbox: for Claude
 * Code, the hook script in ~/.claude/hooks, its registration in
 * ~/.claude/settings.json and the guidance block in ~/.claude/CLAUDE.md
 * (supervisor side). The merge and text edits are pure functions so tests
 * can exercise them without a home directory. */
#ifndef NONO_HOOKS_H
#define NONO_HOOKS_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* The state of one part of an integration. */
enum nono_hooks_state {
	NONO_HOOKS_MISSING,
	NONO_HOOKS_OUTDATED, /* present, but not what this nono installs */
	NONO_HOOKS_CURRENT,
};

/* What install or remove changed (bits). */
enum {
	NONO_HOOKS_SCRIPT = 1 << 0,
	NONO_HOOKS_SETTINGS = 1 << 1,
	NONO_HOOKS_GUIDANCE = 1 << 2,
};

struct nono_hooks_status {
	enum nono_hooks_state script, settings, guidance;
	char *dir;	     /* ~/.claude */
	char *script_path;   /* ~/.claude/hooks/nono-hook.sh */
	char *settings_path; /* ~/.claude/settings.json */
	char *guidance_path; /* ~/.claude/CLAUDE.md */
	char *settings_backup;
};

/* The targets nono knows ("claude-code"), NULL-terminated. */
extern const char *const nono_hooks_targets[];
bool nono_hooks_target_known(const char *target);

/* Fill out for target (paths under $HOME). 0, or -errno with err set when a
 * file exists but cannot be read or parsed. Free with nono_hooks_status_free. */
int nono_hooks_status(struct nono_hooks_status *out, const char *target, struct nono_error *err);
void nono_hooks_status_free(struct nono_hooks_status *st);
/* Install or update everything; *out_changed gets NONO_HOOKS_* bits. Files
 * are replaced atomically, settings.json only after a backup, and never when
 * it does not parse. 0 or -errno with err set. */
int nono_hooks_install(unsigned *out_changed, const char *target, struct nono_error *err);
/* Take out exactly what install added. 0 or -errno with err set. */
int nono_hooks_remove(unsigned *out_changed, const char *target, struct nono_error *err);

/* Pure parts, for tests. Each returns 1 when *out differs from the input
 * (caller-owned, NUL-terminated), 0 when nothing changes (*out NULL), or
 * -errno with err set. file names the input in messages. */
int nono_hooks_settings_edit(char **out, const char *text, const char *file, bool remove, struct nono_error *err);
int nono_hooks_guidance_edit(char **out, const char *text, const char *file, bool remove, struct nono_error *err);
/* The hook script this nono installs (embedded at build time). */
extern const char nono_hooks_script[];

#endif
