/* persist.h - nothing the sandbox writes runs later outside it (supervisor
 * side).
 *
 * Some files are programs the host runs later, outside any sandbox: git
 * hooks and the git configuration entries that name programs, a direnv
 * .envrc, editor tasks, MCP and Claude Code settings, ~/.local/bin, the
 * Python user site's .pth files, cargo, yarn, vim and tmux configuration,
 * systemd user units and autostart entries. The sandbox may write them
 * (git must keep working, and an agent may be asked to), but none of it is
 * left for the host to run: the journal records each such path before it
 * changes (whatever the exclusions, even with --no-rollback), and at the
 * end of the session the sweep puts back what was there before. A new or
 * changed file goes to the session's quarantine; a git configuration file
 * or a settings file loses only the entries that run programs and were not
 * there before, every other change stays. Each neutralised item is listed
 * (neutralised.ndjson), said in one line, audited, and can be brought back
 * with 'nono rollback restore ID --quarantined'. --bypass-protection PATH
 * leaves a path alone. setuid and setgid bits and file capabilities are
 * refused outright by the seccomp filter (sandbox/seccomp.c). */
#ifndef NONO_PERSIST_H
#define NONO_PERSIST_H

#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"

enum nono_persist_kind {
	NONO_PERSIST_NONE,
	NONO_PERSIST_FILE,	/* runs as a whole: put back, the session's version quarantined */
	NONO_PERSIST_GITCONFIG, /* git configuration: entries that run programs taken out */
	NONO_PERSIST_SETTINGS,	/* Claude Code settings: keys that run programs put back */
	NONO_PERSIST_PTH,	/* a Python .pth file: put back when it has new lines that run code */
	NONO_PERSIST_YARNRC,	/* ~/.yarnrc: put back when a line other than yarn's update check changed */
};

struct nono_persist;

/* home: the user's home; bypass: canonical paths left alone. */
struct nono_persist *nono_persist_new(const char *home, const struct nono_strv *bypass);
void nono_persist_free(struct nono_persist *ps);
/* What canon (canonical, absolute) is; *what (may be NULL) names it for
 * people ("git hook", ".envrc (direnv)"). Reads the repository holding it
 * the first time (its hooks directory, core.hooksPath, includes). */
enum nono_persist_kind nono_persist_kind(struct nono_persist *ps, const char *canon, const char **what);

struct nono_persist_item {
	char *path, *what, *action;
	char *quarantine; /* the session's version, kept; NULL if none */
};

/* The end-of-session sweep over the session in dir (a rollback session
 * directory of store, lock held): every path the session changed, and
 * everything beneath a directory it made or moved, that is one of the
 * above and differs from before is neutralised. Returns the number of
 * items (listed in *out, free with nono_persist_items_free) or -errno. */
int nono_persist_sweep(struct nono_persist *ps, const char *store, const char *dir, struct nono_persist_item **out,
		       size_t *n);
void nono_persist_items_free(struct nono_persist_item *items, size_t n);

/* Read back a session's neutralised items (neutralised.ndjson); none when
 * the file is missing. */
int nono_persist_read(const char *dir, struct nono_persist_item **out, size_t *n);
/* Put the quarantined versions of the session in dir back (all, or those
 * at or beneath only). Returns how many, or -errno. */
int nono_persist_unquarantine(const char *dir, const char *only, void (*each)(void *, const char *), void *ctx);

#endif
