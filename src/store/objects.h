/* objects.h - the rollback store's content: files by SHA-256 under
 * objects/, shared by the user's sessions; the journal writes them, restore
 * and verify read them (supervisor side).
 *
 * An object is written to a temporary name and renamed into place, so a
 * crash leaves either no object or a whole one. */
#ifndef NONO_OBJECTS_H
#define NONO_OBJECTS_H

#include <stdbool.h>
#include <stddef.h>

/* The store directory ($XDG_STATE_HOME/nono/rollback); caller frees. */
char *nono_journal_store(void);
/* Save a file's content into the store's objects: sets hex (65 bytes). */
int nono_store_put_fd(const char *store, int fd, char hex[65]);
char *nono_store_object_path(const char *store, const char *hex);
/* SHA-256 of what fd reads, or of a buffer, as hex. */
int nono_sha256_fd(int fd, char hex[65]);
int nono_sha256_buf(const void *buf, size_t len, char hex[65]);
/* Whether path (a symlink in it never followed) holds the content whose
 * SHA-256 is hex. */
bool nono_store_same_content(const char *path, const char *hex);

#endif
