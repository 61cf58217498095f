/* rollback.h - reading the rollback store: sessions, their manifests, and
 * bringing paths back to their state before a session (supervisor side,
 * never inside a sandbox). The writing side is journal.h. */
#ifndef NONO_ROLLBACK_H
#define NONO_ROLLBACK_H

#include <stdbool.h>
#include <stdio.h>

#include "base/error.h"
#include "store/manifest.h"
#include "store/objects.h"

struct nono_rb_session {
	char *id, *dir;
	char *command; /* argv joined by spaces, for display */
	char *cwd;
	long long started, ended; /* ended 0: not ended (running or crashed) */
	int exit_status;
	int changed; /* -1: not counted (running or crashed) */
	int recorded, not_saved, left_out, refused;
	bool running;	   /* its supervisor still holds the lock */
	bool persist_only; /* --no-rollback: kept for what the persistence sweep quarantined */
	struct nono_strv exclude;
	struct nono_strv roots; /* the writable grants it journaled (empty: an older session) */
	long long ended_ns;	/* when it ended, to the nanosecond (an older session: to the second) */
	char *restore_of;	/* a restore point: the session whose restore it records, or NULL */
};

int nono_rb_load(const char *store, const char *id, struct nono_rb_session *s, struct nono_error *err);

/* A path the session destroyed without journaling it (left_out.ndjson):
 * an exclude pattern or .gitignore named it. Restore cannot bring it back. */
struct nono_rb_left {
	char *path, *op, *reason;
};
/* The session's left-out paths, in the order met; none when the file is
 * missing. 0, or -errno with err (a line that is not one). */
int nono_rb_left_read(const char *dir, struct nono_rb_left **out, size_t *n, struct nono_error *err);
void nono_rb_left_free(struct nono_rb_left *l, size_t n);
/* Every session, oldest first. */
int nono_rb_list(const char *store, struct nono_rb_session **out, size_t *n, struct nono_error *err);
void nono_rb_session_free(struct nono_rb_session *s);

enum nono_rb_action {
	NONO_RB_KEEP,	  /* already as it was */
	NONO_RB_WRITE,	  /* content put back */
	NONO_RB_CHMOD,	  /* mode put back */
	NONO_RB_MKDIR,	  /* directory made again */
	NONO_RB_SYMLINK,  /* link made again */
	NONO_RB_REMOVE,	  /* created during the session: removed */
	NONO_RB_LINK,	  /* a name of a file with hard links, linked back to it */
	NONO_RB_NOTSAVED, /* over the size limit: cannot be restored */
	NONO_RB_VCS,	  /* inside .git, .hg or .svn: left alone unless asked for */
	NONO_RB_CONFLICT, /* changed since the session: left alone unless forced */
	NONO_RB_FAILED,
};
const char *nono_rb_action_name(enum nono_rb_action a);

struct nono_rb_report {
	unsigned n[NONO_RB_FAILED + 1];
	/* called for each path (may be NULL); msg explains a failure */
	void (*each)(void *ctx, const char *path, enum nono_rb_action a, const char *msg);
	/* called as work progresses (may be NULL) */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *ctx;
};

/* Files recorded with hard links (nlink > 1) are restored by inode, so
 * that their names outside the session get their content back too (see
 * rollback.c). The plan, for show and restore alike: */
enum nono_rb_link {
	NONO_RB_LINK_NONE,     /* not a file with hard links (or not saved) */
	NONO_RB_LINK_IN_PLACE, /* the name holds the inode still: the content goes back into it */
	NONO_RB_LINK_BACK,     /* the name was replaced, another holds the inode: linked back to it */
	NONO_RB_LINK_NEW,      /* no name holds the inode that can be found: a new file */
};
struct nono_rb_links;
/* For the entries of a session (nono_manifest_read), whose restore leaves
 * paths matching exclude alone; free with nono_rb_links_free(). */
struct nono_rb_links *nono_rb_links_find(const struct nono_entry *es, size_t n, const struct nono_strv *exclude);
/* How e is restored, and the names its file had when recorded. */
enum nono_rb_link nono_rb_links_how(const struct nono_rb_links *l, const struct nono_entry *e, unsigned *names);
const char *nono_rb_link_name(enum nono_rb_link k);
void nono_rb_links_free(struct nono_rb_links *l);

/* How a restore goes. */
struct nono_rb_restore_opts {
	const char *only; /* restore only the paths at or beneath it, or NULL */
	bool dry_run;
	bool force;	  /* overwrite paths changed since the session */
	bool include_vcs; /* restore inside .git, .hg and .svn too */
	bool no_point;	  /* make no restore point */
};

/* Bring every path recorded by session s (or only those at or beneath only)
 * back to its state before the session. Each file is written to a
 * temporary name and renamed into place (a file with hard links is written
 * in place, see above); re-running is harmless. Refuses a running session
 * (-EBUSY).
 *
 * Safe by default: a path that is not as the session left it (after.h:
 * edited, made or replaced after the session) is not touched unless
 * opts->force: then nothing is restored, each such path is reported
 * (NONO_RB_CONFLICT) and -EEXIST is returned. Paths inside VCS directories
 * (.git, .hg, .svn) are left alone (NONO_RB_VCS) unless include_vcs. Before
 * the first change, a restore point is made (*point_id, caller-owned, NULL
 * when nothing needed one): a rollback session of its own recording the
 * state of every path the restore changes, so that restoring it undoes
 * the restore. A dry run reports all of this and changes nothing.
 * 0, or -errno with err when nothing could start or was refused; per-path
 * failures are counted in rep. */
int nono_rb_restore(const char *store, const struct nono_rb_session *s, const struct nono_rb_restore_opts *opts,
		    struct nono_rb_report *rep, char **point_id, struct nono_error *err);
/* Whether path lies inside a VCS directory (.git, .hg, .svn) or is one. */
bool nono_rb_vcs_path(const char *path);

/* Re-hash the objects session s refers to. Returns the number of missing
 * or corrupt objects (each reported through rep->each), or -errno. */
int nono_rb_verify(const char *store, const struct nono_rb_session *s, struct nono_rb_report *rep,
		   struct nono_error *err);

/* Remove sessions beyond the keep newest (-1: no limit) or older than days
 * (0: no limit)
 * that are not running, then objects no session refers to. Returns the
 * number of sessions removed (listed through each) or -errno. */
int nono_rb_cleanup(const char *store, long keep, long days, bool dry_run, void (*each)(void *, const char *),
		    void *ctx, struct nono_error *err);

#endif
