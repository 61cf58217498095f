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

/* Bring every path recorded by session s (or only those at or beneath only)
 * back to its state before the session. Each file is written to a
 * temporary name and renamed into place (a file with hard links is written
 * in place, see above); re-running is harmless. Refuses a
 * running session (-EBUSY). 0, or -errno with err when nothing could start;
 * per-path failures are counted in rep. */
int nono_rb_restore(const char *store, const struct nono_rb_session *s, const char *only, bool dry_run,
		    struct nono_rb_report *rep, struct nono_error *err);

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

/* The saved content of a file entry of the session in dir, whole, in
 * memory, checked against its SHA-256; NULL with errno on failure. */
char *nono_rb_content(const char *store, const char *dir, const struct nono_entry *e, size_t *len);

#endif
