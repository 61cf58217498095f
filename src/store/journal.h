/* journal.h - the rollback journal: before a destructive operation inside a
 * writable grant runs, the supervisor saves the path's prior state (content
 * by SHA-256 in a shared object store, mode, type, symlink target, or its
 * absence), once per path and session (supervisor side).
 *
 * Store, under $XDG_STATE_HOME/nono/rollback (directories 0700, files 0600):
 *   objects/ab/cdef...      content by SHA-256, shared by the user's sessions
 *   ID/session.json         id, command, cwd, start, end, exit, counts
 *   ID/manifest.ndjson      one line per recorded path, first state only
 *   ID/after.ndjson         the state the session left them in (after.h)
 *   ID/pack                 small files' content, back to back
 *   ID/left_out.ndjson      what was destroyed unjournaled, and why: a
 *                           path an exclude pattern or .gitignore names
 *                           (the topmost such path, once)
 *   ID/lock                 flock held while the session runs
 * An object is written to a temporary name and renamed into place before a
 * manifest line refers to it, so a crash at any moment leaves the store
 * consistent. */
#ifndef NONO_JOURNAL_H
#define NONO_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/error.h"
#include "base/util.h"
#include "store/gitignore.h"
#include "store/manifest.h"
#include "store/persist.h"
#include "store/objects.h"

#define NONO_JOURNAL_MAX_FILE_DEFAULT (256LL << 20)
/* Files up to this size are appended to the session's pack (ID/pack)
 * rather than made an object file each: creating a file in the store costs
 * far more than copying a small one. Both are named by SHA-256. */
#define NONO_JOURNAL_PACK_MAX (64 * 1024)

struct nono_journal_opts {
	const char *store; /* the rollback directory; NULL: $XDG_STATE_HOME/nono/rollback */
	const char *id;	   /* the session's id, shared with its audit trail; NULL: a new one */
	char *const *argv; /* the command, for session.json */
	const char *cwd;
	const char *profile;
	long long max_file;		 /* 0: the default */
	const struct nono_strv *roots;	 /* canonical writable grants: only these are journaled */
	const struct nono_strv *exclude; /* --rollback-exclude patterns */
	bool no_gitignore;		 /* journal what .gitignore names too */
	/* files that run later outside the sandbox (persist.h): never left
	 * out; with persist_only (--no-rollback) the only files whose
	 * content is saved, for the end-of-session sweep */
	struct nono_persist *persist;
	bool persist_only;
	const char *restore_of; /* a restore point: the session whose restore it records */
};

struct nono_journal {
	char *store, *id, *dir;
	int manifest_fd, lock_fd, pack_fd;
	long long pack_off;
	long long max_file;
	struct nono_strv roots, exclude;
	void *seen;   /* tsearch tree of recorded paths */
	void *walked; /* directories whose whole content is recorded */
	void *left;   /* paths left out (left_out.ndjson) */
	int left_fd;
	bool gitignore;		      /* consult .gitignore (opts.gitignore) */
	struct nono_gitignore *git;   /* opened at the first record */
	struct nono_persist *persist; /* borrowed */
	bool persist_only;
	unsigned n_entries, n_left;
	/* destructive calls refused because the prior state could not be
	 * saved: all, over max_file, for want of space (ENOSPC, EDQUOT) */
	unsigned n_failed, n_failed_large, n_failed_space;
	struct nono_strv argv;
	char *cwd, *profile, *restore_of;
	long long started;
};

/* Create the session's directory, manifest and lock. 0 or -errno with err. */
int nono_journal_begin(struct nono_journal *j, const struct nono_journal_opts *o, struct nono_error *err);
/* Record the state of path (absolute, maybe not canonical; with follow a
 * symlink in its last component is followed) before op changes it. Paths
 * outside the roots or already recorded are skipped (0); excluded ones
 * (a pattern, .gitignore) are listed as left out (0). With tree, a
 * directory's whole content is recorded (it is about to be renamed away).
 * 0, or -errno when the state could not be saved: the caller refuses the
 * operation. -EFBIG: a file over max_file; -ENOSPC, -EDQUOT: the store is
 * full. */
int nono_journal_record(struct nono_journal *j, const char *path, const char *op, bool tree, bool follow);
/* Journal path too from now on (a write approved at run time outside the
 * grants): it becomes one of the session's roots. */
void nono_journal_add_root(struct nono_journal *j, const char *path);
/* Finish: count the paths that really changed, write session.json, release
 * the lock. Returns the number of changed paths (or -errno). */
int nono_journal_end(struct nono_journal *j, int exit_status);
void nono_journal_free(struct nono_journal *j);

#endif
