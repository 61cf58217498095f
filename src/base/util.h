/* util.h - allocation, string vectors and path helpers (both sides; the
 * child uses none of the allocating ones after fork). */
#ifndef NONO_UTIL_H
#define NONO_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/escape.h"

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
__attribute__((format(printf, 1, 2))) char *xasprintf(const char *fmt, ...);

/* A NULL-terminated, growable vector of owned strings. */
struct nono_strv {
	char **v;
	size_t n, cap;
};
void nono_strv_push(struct nono_strv *sv, const char *s);
void nono_strv_push_owned(struct nono_strv *sv, char *s);
bool nono_strv_contains(const struct nono_strv *sv, const char *s);
void nono_strv_free(struct nono_strv *sv);

/* write(2) all n bytes, retrying on EINTR: 0, or -errno (-EIO for a 0-byte write). */
int nono_write_all(int fd, const void *buf, size_t n);

/* Paths. Returned strings are caller-owned (free()). */
const char *nono_home(void);
char *nono_path_join(const char *a, const char *b);
/* Lexically normalise an absolute path: collapse //, /./ and /../ */
char *nono_path_normalize(const char *abs);
/* Make absolute (relative to cwd), expand a leading ~ */
char *nono_path_absolute(const char *p);
/* realpath() of the longest existing ancestor, the rest appended lexically.
 * Never fails for an absolute input; *exists tells whether the whole path exists. */
char *nono_path_canonical(const char *p, bool *exists);
/* The same, remembering resolved parents of missing paths in memo (pairs). */
char *nono_path_canonical_memo(const char *p, bool *exists, struct nono_strv *memo);
/* Canonical directory, literal last component: the name a symlink itself has. */
/* Whether resolving path follows a symlink whose target lies under /proc or
 * /dev (as /dev/fd): such links mean another thing to each process. */
bool nono_path_links_into_proc(const char *path);
char *nono_path_canonical_leaf(const char *p);
/* true if path equals base or lies beneath it (component-wise) */
bool nono_path_under(const char *path, const char *base);
/* $HOME/x shown as ~/x */
char *nono_path_display(const char *p);
char *nono_path_dirname(const char *p);
/* The last component of p (p itself when it has no slash), within p. */
const char *nono_path_basename(const char *p);
/* A whole file's bytes, NUL-terminated; *len (when len is not NULL) counts
 * them without the NUL. At most max bytes are read (0: no limit). NULL
 * with errno when it cannot be opened or read. */
char *nono_read_file(const char *path, size_t max, size_t *len);

/* A byte count for people: "512 B", "100 KiB", "1.5 GiB". */
void nono_size_fmt(char *out, size_t n, double bytes);

/* CLOCK_MONOTONIC in microseconds, for -vv phase timings */
double nono_now_us(void);

/* Untrusted text for a terminal: a caller-owned copy of s in which
 * control bytes (< 0x20, 0x7f), C1 controls (U+0080-U+009F), the
 * bidirectional marks and overrides and U+2028/U+2029 (their bytes), and
 * bytes that are not valid UTF-8 are shown as \e, \n, \r, \t or \xNN,
 * and a backslash as \\; printable UTF-8 is kept. Free with free(); NULL
 * gives "". For paths, argv, URLs and hosts that came from the sandbox. */
char *nono_str_escape(const char *s);
/* The same for n bytes (NULs included); flags keep tab and newline as
 * they are, for file content in a diff. */
char *nono_mem_escape(const char *s, size_t n, unsigned flags);
/* nono_str_escape(s), owned by pool (freed with nono_strv_free): for
 * printf arguments, many to a call. */
const char *nono_str_escape_in(struct nono_strv *pool, const char *s);

/* Text from outside (a file the sandbox could write) made safe for a
 * terminal: control characters, bytes from DEL up and backslashes as \xNN, at most max
 * bytes of s (then "..."). Caller-owned. */
char *nono_str_printable(const char *s, size_t max);
/* Edit distance (for did-you-mean); 99 for long strings. */
size_t nono_strdist(const char *a, const char *b);
/* SIZE: 512M or 512MiB (binary), 512MB (decimal), K/G/T alike, bare bytes.
 * 0, or -EINVAL. */
int nono_parse_size(const char *s, unsigned long long *out);

/* Parse a boolean word: 1/0 true/false yes/no on/off. -1 when not one. */
int nono_parse_bool(const char *s);

/* Create dir and parents with mode. 0 or -errno. */
int nono_mkdir_p(const char *path, unsigned mode);
/* Remove a tree without following symlinks. 0 or -errno. */
int nono_rm_rf(const char *path);
/* name in dfd (full name path), recursively, sparing what keep(path, ctx)
 * says to keep and the directories above it (keep may be NULL). */
int nono_rm_at(int dfd, const char *name, const char *path, bool (*keep)(const char *path, void *ctx), void *ctx);

/* A session's id, shared by its audit trail and its rollback journal:
 * "20261204-163630-820a96a3f", its start in UTC to the millisecond, then
 * six random hex digits (NONO_SESSION_ID_LEN bytes and a NUL). Ids sort by
 * time. */
#define NONO_SESSION_ID_LEN 25
void nono_session_id_new(char out[NONO_SESSION_ID_LEN + 1]);
/* An id of a session of this or an older nono, never a path: the new form,
 * the audit trail's older "20250131-142501-417a9c", the rollback store's
 * older "20261122-213045-1234[-N]" (local time and the supervisor's pid). */
bool nono_session_id_valid(const char *s);

#endif
