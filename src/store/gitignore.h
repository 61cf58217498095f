/* gitignore.h - the journal's question "does git ignore this path?"
 * (supervisor side). Build outputs and dependency trees that a work tree's
 * .gitignore names are regenerable: the journal may leave them out, and
 * says so (journal.h, left_out.ndjson).
 *
 * The answer must be git's answer as it was when the session began, or
 * the sandbox could write '*' to a .gitignore and then delete unjournaled.
 * Every change the session makes passes through the journal first, so the
 * journal tells this module before each one lands (nono_gitignore_changed);
 * a repository one of whose ignore sources the session changed is no
 * longer consulted. Its ignore sources: any .gitignore in its work tree,
 * its git directory's config and info/exclude (and a worktree's common
 * directory's), and its .git entry. The user's global excludes file is not
 * consulted at all, and a repository whose own config names one
 * (core.excludesFile) is not consulted either.
 *
 * Tracked files are never left out, even where a pattern matches them:
 * the index as it was when the repository was first opened decides. */
#ifndef NONO_GITIGNORE_H
#define NONO_GITIGNORE_H

#include <stdbool.h>

struct nono_gitignore;

/* NULL when libgit2 cannot be loaded: nothing is left out. */
struct nono_gitignore *nono_gitignore_new(void);
void nono_gitignore_free(struct nono_gitignore *g);
/* The session is about to change canon: when it is an ignore source, the
 * repositories it feeds stop being consulted, now and when found later. */
void nono_gitignore_changed(struct nono_gitignore *g, const char *canon);
/* The topmost path at or above canon, inside a work tree, that git ignores
 * and that holds no tracked file: canon is left out of the journal. NULL
 * when none (or no repository, or it may not be consulted). The string is
 * owned by g and lives as long as it. */
const char *nono_gitignore_top(struct nono_gitignore *g, const char *canon);

#endif
