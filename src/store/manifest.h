/* manifest.h - one session's manifest in the rollback store: one line per
 * path, the state it had before the session first touched it (written by
 * the journal, read by rollback), and the patterns that leave paths out
 * (supervisor side). */
#ifndef NONO_MANIFEST_H
#define NONO_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "base/util.h"

enum nono_entry_type {
	NONO_ENTRY_ABSENT,
	NONO_ENTRY_FILE,
	NONO_ENTRY_DIR,
	NONO_ENTRY_SYMLINK,
	NONO_ENTRY_OTHER, /* fifo, socket, device: type and mode only */
};

/* One manifest line: the state a path had before the session touched it. */
struct nono_entry {
	char *path;
	char *op; /* the first operation that touched it: unlink, rename, open, ... */
	enum nono_entry_type type;
	unsigned mode; /* permission bits and type bits (st_mode) */
	long long size;
	long long mtime_ns; /* modification time, to tell cheaply what is untouched */
	long long uid, gid; /* owner, put back when root restores; -1 unknown */
	char sha256[65];    /* files whose content was saved; "" otherwise */
	long long pack;	    /* offset in the session's pack, or -1: an object file */
	char *target;	    /* symlinks */
	bool saved;	    /* false: over the size limit, recorded but not saved */
	/* files: the inode whose content was saved and the names it had then.
	 * A file with hard links (nlink > 1) is restored by inode, so that
	 * every name of it gets its content back (rollback.c). nlink 0: not
	 * known (a manifest older than these fields). */
	unsigned long long dev, ino;
	unsigned nlink;
};

/* Manifest lines. */
char *nono_entry_to_json(const struct nono_entry *e);
int nono_entry_from_json(struct nono_entry *e, const char *line, struct nono_error *err);
void nono_entry_free(struct nono_entry *e);
const char *nono_entry_type_name(enum nono_entry_type t);

/* A session's manifest, in its order. A file with hard links recorded
 * under several names: each later entry of its inode takes the first one's
 * content, mode and owner (the first saw it before the session changed it
 * through any of its names). */
int nono_manifest_read(const char *dir, struct nono_entry **out, size_t *n, struct nono_error *err);
/* Whether the path's current state differs from e (content, mode, type). */
bool nono_entry_changed(const struct nono_entry *e);
/* The same told by one lstat: type, mode, size and modification time. A
 * file rewritten with the same bytes counts as touched, not as changed. */
bool nono_entry_touched(const struct nono_entry *e);

/* An exclusion pattern matches: with * ? [ a glob on the file name; with a
 * '/' a substring of the path; else a whole path component. */
bool nono_journal_excluded(const struct nono_strv *patterns, const char *path);

/* The saved content of a file entry of the session in dir (its pack, or
 * the store's objects), whole, in memory, checked against its SHA-256;
 * NULL with errno on failure. */
char *nono_entry_content(const char *store, const char *dir, const struct nono_entry *e, size_t *len);

#endif
