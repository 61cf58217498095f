/* statefiles.h - an agent's own state beside the grants, made ready by the
 * launch before the sandbox exists (supervisor side; never on a dry run).
 *
 * Landlock rules name what exists when the sandbox starts, and a file rule
 * binds an inode: a file the agent replaces atomically (a temporary file
 * renamed over it) in a directory the sandbox may not write is out of reach
 * from its first save on. So a profile names
 *
 *   filesystem.create_dirs   directories to make (0700, with their parents)
 *                            so that a grant can name them;
 *   filesystem.link_file     PATH -> TARGET: the file is kept at TARGET, in a
 *                            directory the sandbox may write, and PATH is a
 *                            symbolic link to it. An agent that resolves the
 *                            link before it saves (Claude Code does, for
 *                            ~/.claude.json) writes its temporary file beside
 *                            TARGET and renames it there, inside and outside
 *                            nono alike. A regular file at PATH is moved to
 *                            TARGET first (a hard link, else a copy; another
 *                            TARGET is kept aside, never overwritten); a
 *                            missing one starts as "{}" (.json) or empty.
 *
 * Nothing here follows a link the sandbox could have planted: TARGET's
 * directory is reached from PATH's without following links below its first
 * component, and TARGET itself is never followed. A link planted at TARGET
 * is moved aside with a warning, since an agent outside nono would write
 * through it. */
#ifndef NONO_STATEFILES_H
#define NONO_STATEFILES_H

#include <stdbool.h>

#include "base/error.h"
#include "base/util.h"

/* Make create_dirs and the links of links (PATH, TARGET pairs), their
 * variables expanded for workdir. 0, or -errno with err set (a path in a
 * sensitive place or nono's own files, a TARGET not below PATH's
 * directory). Problems that leave the state as it was are warnings. */
int nono_statefiles_prepare(const struct nono_strv *create_dirs, const struct nono_strv *links, const char *workdir,
			    struct nono_error *err);

/* One link: PATH and TARGET absolute. 1 when something changed, 0 when it
 * was in place or left alone (with a warning), -errno with err set. */
int nono_statefiles_link(const char *path, const char *target, struct nono_error *err);

#endif
