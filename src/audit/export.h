/* export.h - the audit trail's events sent on to a fleet's log pipeline as
 * they are recorded, besides the trail itself (supervisor side). Targets,
 * from config.ini's [audit] export (repeatable, or comma-separated):
 *
 *   journald[:SOCKET]  systemd-journald's native protocol (default socket
 *                      /run/systemd/journal/socket): one entry an event,
 *                      structured fields NONO_SESSION_ID, NONO_TYPE,
 *                      NONO_OP, NONO_PATH, NONO_OUTCOME, NONO_REFUSED_BY,
 *                      NONO_ERRNO, ... (each field of the event, upper
 *                      case), NONO_EVENT (the event's JSON), MESSAGE,
 *                      PRIORITY (warning for a refusal, else info),
 *                      SYSLOG_IDENTIFIER=nono
 *   syslog[:SOCKET]    RFC 5424 to the local syslog socket (default
 *                      /dev/log), facility authpriv, APP-NAME nono, MSGID
 *                      the event's type, the fields as structured data
 *                      [nono@32473 session="..." type="..." ...]
 *   ocsf:FILE          OCSF-shaped JSON lines appended to FILE: File System
 *                      Activity (1001), Process Activity (1007), Network
 *                      Activity (4001), with status, disposition, actor,
 *                      file or dst_endpoint, and nono's event in unmapped
 *
 * Sending never waits and never stops a session: an event the target cannot
 * take is dropped, and the drops are counted in a warning at the end. */
#ifndef NONO_EXPORT_H
#define NONO_EXPORT_H

#include <stddef.h>

#include "base/error.h"
#include "base/util.h"

/* Whether target is one of the forms above: 0, or -EINVAL with err. */
int nono_export_check(const char *target, struct nono_error *err);

struct nono_export;
/* Open every target of targets (NULL or empty: none, NULL returned) for
 * session id; a target that cannot be opened is warned about and left out. */
struct nono_export *nono_export_open(const struct nono_strv *targets, const char *id);
/* Send one event (the trail's JSON, len bytes) to every target. */
void nono_export_event(struct nono_export *x, const char *event, size_t len);
/* Close, warning once when events were dropped (NULL is fine). */
void nono_export_free(struct nono_export *x);

#endif
