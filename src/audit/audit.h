/* audit.h - the audit trail: what each sandboxed session did, tamper-evident
 * (supervisor side; the child never writes here). SHA-256 comes from
 * libcrypto, loaded on first use (dl.h) on the thread that hashes the program.
 *
 * Store: $XDG_STATE_HOME/nono/audit/ (0700), one directory per session:
 *   <id>/session.json    what ran, under which capabilities, how it ended
 *   <id>/events.ndjson   one record per line, hash-chained
 *   ledger.ndjson        one record per finished session (and per cleanup),
 *                        hash-chained across sessions
 * A record is {"prev":"<64 hex>","hash":"<64 hex>","event":{...}} where
 * hash = SHA-256("nono.audit.record.v1\n" || prev || event bytes) and the
 * first prev is SHA-256("nono.audit.genesis.v1\n" || id) for a session,
 * SHA-256("nono.audit.ledger.v1\n") for the ledger. Each event carries
 * "seq" (1, 2, ...), so a deleted, inserted or reordered line is named.
 * session.json holds the last digest and the count; the ledger holds the
 * SHA-256 of the final session.json. There is no secret key: a complete
 * rewrite of a session, its session.json and the ledger from that session
 * on is not detectable; any partial edit is.
 *
 * Writes: one write(2) per event on an O_APPEND descriptor, no fsync;
 * session.json at start and at exit; the ledger at exit under flock. */
#ifndef NONO_AUDIT_H
#define NONO_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/error.h"
#include "base/util.h"

#define NONO_AUDIT_HEX 65 /* 64 hex digits and a NUL */

struct nono_audit;

/* What session.json records about the launch (all borrowed). */
struct nono_audit_info {
	const char *id;		  /* the session's (nono_session_id_new), shared with its rollback journal */
	const char *command;	  /* "run" or "shell" */
	char *const *argv;	  /* the program's argv (redacted before writing) */
	const char *program;	  /* resolved executable; hashed in the background */
	const char *cwd;	  /* working directory of the sandbox */
	const char *profile;	  /* or NULL */
	const char *capabilities; /* the effective capabilities, JSON (the capability file) */
	int landlock_abi;
};

/* Create the session directory, session.json and events.ndjson. *out is
 * freed by nono_audit_close(). -errno with err set when the store cannot
 * be written (the caller refuses to launch: audit fails closed). */
int nono_audit_open(struct nono_audit **out, const struct nono_audit_info *info, struct nono_error *err);
/* Start making the session's directory, events file and kernel audit socket
 * in a thread, while the launcher prepares the policy; nono_audit_open()
 * takes them over (and reports a failure). Call before fork, after any
 * fork that must happen without threads. */
void nono_audit_prestart(int landlock_abi, const char *id);
/* Undo a prestart that no nono_audit_open() took over (a launch that stops). */
void nono_audit_prestart_cancel(void);
/* The session id (util.h: nono_session_id_new; older sessions have
 * "20250131-142501-417a9c"); borrowed. */
const char *nono_audit_id(const struct nono_audit *a);

/* Events. Every function accepts a NULL audit (auditing off) and does
 * nothing. Strings are borrowed; argv is redacted before it is written.
 * An exec the supervisor let run (refused == NULL) or refused (refused =
 * the blocklist category). */
void nono_audit_exec(struct nono_audit *a, pid_t pid, const char *path, char *const *argv, const char *refused);
/* chmod, chown, utimes, xattr calls (op = the syscall name) on path. */
void nono_audit_meta(struct nono_audit *a, pid_t pid, const char *op, const char *path, bool refused);
/* connect/sendto/listen: target is a UNIX socket path or "inet". */
void nono_audit_socket(struct nono_audit *a, pid_t pid, const char *op, const char *target, bool refused);
/* A destructive file operation the rollback journal saw: op is "unlink",
 * "rename", "truncate", "open-trunc", "chmod", ...; path is canonical
 * (for a rename, "old -> new" is fine). Call it after the journal has
 * saved what it needs, before answering the notification. */
void nono_audit_file_op(struct nono_audit *a, const char *op, const char *path);
/* A note of type about the session (e.g. "trust_override"): kv holds key,
 * value, key, value, ..., NULL; the strings are borrowed. */
void nono_audit_note(struct nono_audit *a, const char *type, const char *const *kv);

/* Kernel Landlock denials (ABI 7 logs them through the audit subsystem):
 * a netlink descriptor bound to the read-only log group when this process
 * may read it (CAP_AUDIT_READ), else -1. Poll it for POLLIN and call
 * nono_audit_kernel_read(), which records the denials of this session's
 * Landlock domain (matched through the pid that created it). */
int nono_audit_kernel_fd(const struct nono_audit *a);
void nono_audit_kernel_read(struct nono_audit *a);
/* Why kernel denials are or are not recorded here (for setup): true when
 * they can be, with a one-line reason either way in out (size n). */
bool nono_audit_kernel_status(char *out, size_t n, int landlock_abi);

/* The end: the "end" event, session.json with end time, exit status,
 * final digest and the program's SHA-256, then the ledger record. Frees
 * a (NULL is fine). 0, or -errno with err set when the record is
 * incomplete. */
int nono_audit_close(struct nono_audit *a, int exit_status, struct nono_error *err);

/* ---- pure parts, shared with 'nono audit' and the unit tests ---------- */

/* $XDG_STATE_HOME/nono/audit, caller-owned. */
char *nono_audit_root(void);
/* SHA-256 hex of a buffer. */
void nono_audit_sha256(char out[NONO_AUDIT_HEX], const void *data, size_t len);
/* The first prev of a session's chain (id) or of the ledger (id NULL). */
void nono_audit_genesis(char out[NONO_AUDIT_HEX], const char *id);
/* One record line (with its newline) for event after prev; caller-owned.
 * out_hash gets its digest. */
char *nono_audit_record(char out_hash[NONO_AUDIT_HEX], const char *prev, const char *event, size_t len);

/* Append one record to root's ledger under flock; body is the rest of the
 * event after "seq" and "time": ",\"type\":\"...\",...". 0 or -errno. */
int nono_audit_ledger_append(const char *root, const char *body, struct nono_error *err);

/* Redact secrets from argv into out: values of flags named like token,
 * key, password, secret, auth, credential (--flag=V and --flag V forms),
 * NAME=V words with such names, bearer/basic/token credentials, URL
 * passwords and well-known token prefixes become "[REDACTED]". */
void nono_audit_redact(struct nono_strv *out, char *const *argv);

/* Walk a chain (the bytes of events.ndjson or ledger.ndjson). On success
 * returns 0 with lines and last set. On the first problem returns
 * -EBADMSG with line (1-based) and why: "edited", "deleted", "inserted",
 * "reordered" or "damaged" in a sentence that names the lines. */
struct nono_audit_check {
	size_t lines;
	char last[NONO_AUDIT_HEX];
	size_t line;
	char why[256];
};
int nono_audit_check_chain(struct nono_audit_check *out, const char *buf, size_t len, const char *genesis);
/* The event bytes of one record line (borrowed, not NUL-terminated):
 * NULL when the line is not a record. */
const char *nono_audit_record_event(const char *line, size_t n, size_t *out_len);

#endif
