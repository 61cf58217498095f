/* after.h - the state a session left its paths in, so that a restore can
 * tell work done after the session from what the session did (supervisor
 * side, never inside a sandbox).
 *
 * ID/after.ndjson, written by the journal when the session ends: one line
 * for each path of the manifest, and for each directory the session made
 * one for every entry in it (a restore removes it whole):
 *   {"path": P, "type": "file"|"dir"|"symlink"|"other"|"absent", "mode",
 *    "size", "mtime_ns", "ctime_ns", "ino"}
 * A path is "changed since the session" when it is not as its line says:
 * another type, mode, size, modification time, inode, or status-change
 * time (which nothing but the kernel sets: any write, chmod, rename or
 * link after the session moves it). A directory's own times are not
 * compared (entries made in it leave the session's alone). A session of an
 * older nono has no such file: then a path whose status changed after the
 * session ended (its ctime) is taken as changed. */
#ifndef NONO_AFTER_H
#define NONO_AFTER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"
#include "store/manifest.h"

/* Write dir/after.ndjson for the manifest es (n). 0 or -errno. */
int nono_after_write(const char *dir, const struct nono_entry *es, size_t n);

struct nono_after;
/* dir/after.ndjson, or NULL when the session has none (an older nono). */
struct nono_after *nono_after_read(const char *dir);
void nono_after_free(struct nono_after *a);

/* Whether path is not as the session left it (a NULL: an older session,
 * told by its status change after ended_ns). With tree, a directory is
 * compared entry by entry, down (a restore would remove it whole);
 * entries matching exclude are never compared (a restore spares them).
 * When it is changed and why is set, *why says how (static text). */
bool nono_after_changed(const struct nono_after *a, const char *path, bool tree, long long ended_ns,
			const struct nono_strv *exclude, const char **why);

#endif
