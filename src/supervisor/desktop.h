/* desktop.h - a desktop notification that a capability elevation request
 * waits: notify-send, started detached outside the sandbox and never
 * waited for (supervisor side).
 *
 * The program is found once, when the session starts, in the absolute
 * directories of the supervisor's PATH; it is refused unless only root
 * may change it (the file and every directory above it) and the sandbox's
 * policy may not write it. The file checked is opened then and is what
 * runs (execveat), whatever its path names later. It gets its arguments
 * as separate argv elements (no shell), a short environment (the desktop's
 * and the language's variables, PATH=/usr/bin:/bin: nothing that names
 * code the sandbox could plant), /dev/null for its streams, no other
 * descriptor, / for its directory, default signals and a session of its
 * own. It is reaped from the supervisor's loop when its pidfd says it
 * ended; at most 4 run at once, and one running for 30 s is killed when
 * a fifth is wanted. */
#ifndef NONO_DESKTOP_H
#define NONO_DESKTOP_H

#include <stdio.h>

#include "policy/policy.h"
#include "supervisor/loop.h"

struct nono_desktop;

/* NULL when there is no desktop session (none of DISPLAY, WAYLAND_DISPLAY,
 * DBUS_SESSION_BUS_ADDRESS set), no notify-send on PATH, or one the
 * sandbox's policy lets it write. Free with nono_desktop_free(). */
struct nono_desktop *nono_desktop_new(struct nono_loop *loop, const struct nono_policy *policy);
/* Start notify-send with summary and body; 0 when it was started, else
 * -errno (-EAGAIN: too many still running). Never waits for it. */
int nono_desktop_notify(struct nono_desktop *d, const char *summary, const char *body);
/* s on f as notification text: what a terminal would be given escaped
 * (control characters and the like, base/escape.h) with its backslashes
 * doubled (notify-send decodes backslash escapes), and &, < and > as
 * entities (notification servers read the body as markup). */
void nono_desktop_escape(FILE *f, const char *s);
/* Reap what has ended, stop watching the rest (NULL is fine). */
void nono_desktop_free(struct nono_desktop *d);

#endif
