/* vars.h - expansion of ~ and $VARIABLES in policy paths, in the reference
 * order: ~, $WORKDIR, $TMPDIR, $UID, $HOME, $XDG_CONFIG_HOME, $XDG_STATE_HOME,
 * $XDG_CACHE_HOME, $XDG_DATA_HOME, $XDG_RUNTIME_DIR (supervisor side, pure). */
#ifndef NONO_VARS_H
#define NONO_VARS_H

#include "base/error.h"

struct nono_vars {
	const char *home;
	const char *workdir;
	const char *tmpdir;
	const char *uid;
	const char *xdg_config_home;
	const char *xdg_state_home;
	const char *xdg_cache_home;
	const char *xdg_data_home;
	const char *xdg_runtime_dir; /* NULL when unset */
	char buf[7][4096];
};

/* Fill from the process environment; workdir and tmpdir may be NULL. */
void nono_vars_from_env(struct nono_vars *v, const char *workdir, const char *tmpdir);
/* *out is caller-owned. Fails (-EINVAL) on a variable that has no value. */
int nono_vars_expand(char **out, const char *in, const struct nono_vars *v, struct nono_error *err);
/* The XDG base directories nono uses, caller-owned */
char *nono_xdg_dir(const char *kind /* "config" | "state" | "cache" | "data" */);
/* $XDG_STATE_HOME/nono/SUB: where nono keeps audit, rollback and history. */
char *nono_state_path(const char *sub);

#endif
