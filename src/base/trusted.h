/* trusted.h - programs nono runs outside the sandbox on its behalf
 * (notify-send for an approval, xdg-open for open_urls): found so that
 * the sandbox cannot have planted or changed them, and started so that
 * nothing the sandbox may write reaches them (supervisor side).
 *
 * Found once, in the absolute directories of PATH (a relative entry could
 * be the sandbox's working directory), and used only when root alone may
 * change it: the file and every directory above it are root's and
 * writable by no one else (a sticky directory, /tmp, keeps its entries to
 * their owners). The sandbox runs as the user: it cannot. The file is
 * opened then, and that file is what runs, whatever its path names later.
 * Callers that know the sandbox's policy also check that it may not write
 * the program (nono_policy_may_change), which matters when nono runs as
 * root. */
#ifndef NONO_TRUSTED_H
#define NONO_TRUSTED_H

#include "base/util.h"

/* name in PATH: an O_PATH descriptor of the program (close-on-exec), its
 * resolved path in *path (free it); -ENOENT when there is none, -EPERM
 * when someone other than root may change it (*path then names it). */
int nono_trusted_find(const char *name, char **path);
/* What such a program is given of the supervisor's environment: the
 * desktop's variables (DISPLAY, WAYLAND_DISPLAY, DBUS_SESSION_BUS_ADDRESS,
 * XDG_RUNTIME_DIR, XDG_CURRENT_DESKTOP, XDG_SESSION_TYPE), HOME, the user
 * and language variables, and PATH=/usr/bin:/bin; nothing that names code
 * in a place the sandbox may write (LD_*, GIO_*, GCONV_PATH, XDG_DATA_DIRS,
 * a relative PATH entry). NULL-terminated in env->v. */
void nono_trusted_env(struct nono_strv *env);
/* In a child after fork, nothing but system calls: a session of its own,
 * default and unblocked signals, /dev/null for its streams, no descriptor
 * but fd and keep (-1 for none: the caller's error pipe), / for its
 * directory, then the program fd names. Returns -errno only if that could
 * not be done; the child then exits. */
int nono_trusted_exec(int fd, int keep, char *const argv[], char *const envp[]);

#endif
