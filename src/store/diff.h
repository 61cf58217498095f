/* diff.h - what a rollback session changed, as a real git patch: the saved
 * content before the session against what is there now, made by libgit2
 * from two trees of an in-memory repository, so that it has 'diff --git'
 * headers, modes, renames found, binary markers, and 'git apply -R' of it
 * (run in the grant's directory) puts the tree back (supervisor side).
 *
 * Paths are relative to the writable grant the session journaled (its
 * "roots"; an older session: its working directory). A session with more
 * than one grant prints one patch each, after a '# nono:' line that names
 * the directory it applies in. Paths inside .git, .hg and .svn are left
 * out, as a restore leaves them; so are files too large to have been saved
 * (a '# nono:' line names each). */
#ifndef NONO_DIFF_H
#define NONO_DIFF_H

#include <stdbool.h>
#include <stdio.h>

#include "base/error.h"
#include "store/rollback.h"

struct nono_rb_diff_opts {
	bool patch;  /* the patch */
	bool stat;   /* a diffstat, as 'git diff --stat' (before the patch) */
	bool binary; /* binary files as 'GIT binary patch' (applicable), not only marked */
	bool colour; /* coloured */
	bool escape; /* for a terminal: the content's control characters escaped (else its exact bytes) */
	int width;   /* the stat's width (0: 80) */
};

/* Write session s's changes to f. 0, or -errno with err (-ELIBACC: libgit2
 * could not be loaded). */
int nono_rb_diff(const char *store, const struct nono_rb_session *s, const struct nono_rb_diff_opts *o, FILE *f,
		 struct nono_error *err);

#endif
