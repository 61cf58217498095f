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
	pid_t child;			 /* the process that confines itself; its Landlock domain is the session's */
	const struct nono_strv *exports; /* [audit] export targets (export.h), or NULL */
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
/* The process that confined itself, when it is not the one the trail was
 * opened with (a PID namespace's init forks it). */
void nono_audit_set_child(struct nono_audit *a, pid_t pid);
/* Undo a prestart that no nono_audit_open() took over (a launch that stops). */
void nono_audit_prestart_cancel(void);
/* The session id (util.h: nono_session_id_new; older sessions have
 * "20250131-142501-417a9c"); borrowed. */
const char *nono_audit_id(const struct nono_audit *a);

/* What came of a call: done; refused by the sandbox (and by which part of
 * it); failed for another reason (the file's own permissions, a missing
 * file: err says which); or unknown (the kernel performed it out of the
 * supervisor's sight, or it is still in progress). Never "done" unless the
 * call's own result said so. */
enum nono_outcome {
	NONO_DONE,
	NONO_REFUSED,
	NONO_FAILED,
	NONO_UNKNOWN,
};
enum nono_refuser {
	NONO_BY_NONE,
	NONO_BY_LANDLOCK,   /* the kernel's Landlock rules (told by the errno and the policy, or its own log) */
	NONO_BY_SECCOMP,    /* the seccomp filter's own refusals */
	NONO_BY_SUPERVISOR, /* nono's decision on a mediated call */
	NONO_BY_PROXY,	    /* the network proxy's allow list */
};
struct nono_result {
	enum nono_outcome outcome;
	enum nono_refuser by; /* NONO_REFUSED only */
	int err;	      /* the errno, 0 when done */
};
/* The result of a call that returned value (>= 0, or -errno): done; refused
 * by `by` when that is set; unknown for EINPROGRESS; else failed. */
struct nono_result nono_result_of(long long value, enum nono_refuser by);
const char *nono_outcome_name(enum nono_outcome o);
const char *nono_refuser_name(enum nono_refuser by); /* "landlock", ...; NULL for none */
/* Why a refused or failed call is a harmless probe that glibc or the
 * dynamic loader makes in every program (nscd's socket, ...), or NULL.
 * Such events are marked "harmless" and left out of the counts. */
const char *nono_audit_probe(const char *op, const char *path);

/* Events. Every function accepts a NULL audit (auditing off) and does
 * nothing. Strings are borrowed; argv is redacted before it is written.
 * Each event carries its outcome ("outcome", with "refused_by" and
 * "errno" where they apply) and, for the readers of older trails,
 * "verdict": "refused" exactly when the outcome is.
 *
 * An exec the supervisor let the kernel run (refused == NULL: its outcome
 * is unknown to the supervisor) or refused (refused = the blocklist
 * category). */
void nono_audit_exec(struct nono_audit *a, pid_t pid, const char *path, char *const *argv, const char *refused);
/* A mediated call: type "file" (a path the rollback journal or the
 * supervisor's open acted on: op "unlink", "rename", "open-trunc", ...;
 * for a rename "old -> new"), "metadata" (chmod, chown, utimes, xattrs),
 * or "socket" (connect, sendto, listen, open_url: target is a UNIX socket
 * path, "inet", a URL). */
void nono_audit_call(struct nono_audit *a, pid_t pid, const char *type, const char *op, const char *target,
		     struct nono_result res);
/* A decision of the network proxy: method ("CONNECT", "GET", ...) to
 * host:port, done (allowed and reached), refused by the proxy, or failed
 * (allowed, unreachable). */
void nono_audit_net(struct nono_audit *a, const char *method, const char *host, int port, struct nono_result res);
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
/* Once the program is gone: wait a moment for its last denials (the
 * kernel sends them from a thread of its own) and read them. */
void nono_audit_kernel_drain(struct nono_audit *a);
/* The kernel's refusals are noted in r too (report.h; borrowed). */
struct nono_report;
void nono_audit_set_report(struct nono_audit *a, struct nono_report *r);
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
