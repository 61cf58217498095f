/* audit.c - see audit.h (supervisor side). The session's events are built
 * in memory and written with one write(2) each; the program's SHA-256 is
 * computed on a thread so a large executable adds nothing to startup. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#ifndef AUDIT_TRUSTED_APP
#define AUDIT_TRUSTED_APP 1121 /* linux/audit.h: a trusted application's free-form text */
#endif
#include <linux/netlink.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "audit/export.h"
#include "audit/report.h"
#include "base/sha256.h"
#include "base/log.h"
#include "base/vars.h"

#ifndef AUDIT_LANDLOCK_ACCESS
#define AUDIT_LANDLOCK_ACCESS 1423
#define AUDIT_LANDLOCK_DOMAIN 1424
#endif
#ifndef AUDIT_NLGRP_READLOG
#define AUDIT_NLGRP_READLOG 1
#endif

#define REDACTED      "[REDACTED]"
#define PENDING_MAX   64
#define DOMAIN_DIGEST "nono.audit.record.v1\n"

struct nono_audit {
	char id[48];
	char *dir;
	int fd; /* events.ndjson */
	unsigned long long seq;
	char last[NONO_AUDIT_HEX];
	bool write_failed;
	/* session.json */
	char *command, *program, *cwd, *profile, *caps, *start;
	struct nono_strv argv;
	int abi;
	/* the program's digest, computed on a thread */
	pthread_t hasher;
	bool hashing;
	int exe_fd;
	char exe_sha[NONO_AUDIT_HEX];
	/* kernel denials */
	int kfd;
	bool kernel_off; /* readable, but kernel auditing is switched off */
	bool drained;	 /* the program is gone and its last denials read */
	pid_t child;
	char domain[32];
	struct nono_strv pending;   /* access records seen before their domain */
	char marker[96];	    /* the drain record kernel_drain waits for */
	bool marked;		    /* ... and it came */
	struct nono_report *report; /* the kernel's refusals go here too (borrowed) */
	struct nono_export *exp;    /* [audit] export: the fleet's log pipeline */
};

/* ---- hashing -------------------------------------------------------------- */

static void
digest3(char out[NONO_AUDIT_HEX], const void *a, size_t al, const void *b, size_t bl, const void *c, size_t cl)
{
	struct nono_sha256 s;
	unsigned char md[32];

	nono_sha256_init(&s);
	nono_sha256_update(&s, a, al);
	nono_sha256_update(&s, b, bl);
	nono_sha256_update(&s, c, cl);
	nono_sha256_final(&s, md);
	nono_sha256_hex(out, md);
}

void
nono_audit_sha256(char out[NONO_AUDIT_HEX], const void *data, size_t len)
{
	digest3(out, "", 0, "", 0, data, len);
}

void
nono_audit_genesis(char out[NONO_AUDIT_HEX], const char *id)
{
	if (id)
		digest3(out, "nono.audit.genesis.v1\n", 22, id, strlen(id), "", 0);
	else
		digest3(out, "nono.audit.ledger.v1\n", 21, "", 0, "", 0);
}

char *
nono_audit_record(char out_hash[NONO_AUDIT_HEX], const char *prev, const char *event, size_t len)
{
	char *line;

	digest3(out_hash, DOMAIN_DIGEST, strlen(DOMAIN_DIGEST), prev, 64, event, len);
	line = xmalloc(len + 160);
	memcpy(line, "{\"prev\":\"", 9);
	memcpy(line + 9, prev, 64);
	memcpy(line + 73, "\",\"hash\":\"", 10);
	memcpy(line + 83, out_hash, 64);
	memcpy(line + 147, "\",\"event\":", 10);
	memcpy(line + 157, event, len);
	memcpy(line + 157 + len, "}\n", 3);
	return line;
}

static bool
is_hex64(const char *s)
{
	for (int i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

const char *
nono_audit_record_event(const char *line, size_t n, size_t *out_len)
{
	if (n < 160 || memcmp(line, "{\"prev\":\"", 9) != 0 || !is_hex64(line + 9) ||
	    memcmp(line + 73, "\",\"hash\":\"", 10) != 0 || !is_hex64(line + 83) ||
	    memcmp(line + 147, "\",\"event\":{", 11) != 0 || line[n - 1] != '}' || line[n - 2] != '}')
		return NULL;
	*out_len = n - 158;
	return line + 157;
}

/* the "seq" an event starts with, 0 when it has none */
static unsigned long long
event_seq(const char *ev, size_t n)
{
	unsigned long long s = 0;
	size_t i = 7;

	if (n < 9 || memcmp(ev, "{\"seq\":", 7) != 0)
		return 0;
	for (; i < n && ev[i] >= '0' && ev[i] <= '9' && i < 27; i++)
		s = s * 10 + (unsigned long long)(ev[i] - '0');
	return i < n && ev[i] == ',' ? s : 0;
}

struct rec {
	const char *line;
	size_t n;
	unsigned long long seq;
};

int
nono_audit_check_chain(struct nono_audit_check *out, const char *buf, size_t len, const char *genesis)
{
	struct rec *recs = NULL;
	size_t nrec = 0, cap = 0;
	const char *p = buf, *end = buf + len;
	char expect_prev[NONO_AUDIT_HEX];
	int r = 0;

	memset(out, 0, sizeof(*out));
	snprintf(out->last, sizeof(out->last), "%s", genesis);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		size_t el;
		const char *ev;

		if (nrec == cap) {
			cap = cap ? cap * 2 : 64;
			recs = xrealloc(recs, cap * sizeof(*recs));
		}
		ev = nono_audit_record_event(p, n, &el);
		recs[nrec].line = p;
		recs[nrec].n = n;
		recs[nrec].seq = ev ? event_seq(ev, el) : 0;
		nrec++;
		p = nl ? nl + 1 : end;
	}
	snprintf(expect_prev, sizeof(expect_prev), "%s", genesis);
	for (size_t i = 0; i < nrec; i++) {
		const struct rec *rc = &recs[i];
		unsigned long long want = (unsigned long long)i + 1;
		char h[NONO_AUDIT_HEX];
		size_t el;
		const char *ev = nono_audit_record_event(rc->line, rc->n, &el);

		out->line = i + 1;
		if (!ev || !rc->seq) {
			snprintf(out->why, sizeof(out->why), "line %zu is not an audit record (inserted or damaged)",
				 i + 1);
			r = -EBADMSG;
			break;
		}
		digest3(h, DOMAIN_DIGEST, strlen(DOMAIN_DIGEST), rc->line + 9, 64, ev, el);
		if (memcmp(h, rc->line + 83, 64) != 0) {
			snprintf(out->why, sizeof(out->why),
				 "line %zu does not match its digest: its content was edited (or the line was forged)",
				 i + 1);
			r = -EBADMSG;
			break;
		}
		if (rc->seq != want) {
			bool later = false, earlier = false;

			for (size_t j = i + 1; j < nrec; j++)
				later |= recs[j].seq == want;
			for (size_t j = 0; j < i; j++)
				earlier |= recs[j].seq == rc->seq;
			if (earlier)
				snprintf(out->why, sizeof(out->why),
					 "line %zu repeats event %llu: a line was inserted (copied) before it", i + 1,
					 rc->seq);
			else if (later)
				snprintf(out->why, sizeof(out->why),
					 "line %zu holds event %llu where event %llu belongs: lines were reordered",
					 i + 1, rc->seq, want);
			else if (rc->seq > want)
				snprintf(out->why, sizeof(out->why),
					 "line %zu holds event %llu: event%s %llu%s%.0llu %s deleted before it", i + 1,
					 rc->seq, rc->seq - want > 1 ? "s" : "", want, rc->seq - want > 1 ? "-" : "",
					 rc->seq - want > 1 ? rc->seq - 1 : 0, rc->seq - want > 1 ? "were" : "was");
			else
				snprintf(out->why, sizeof(out->why),
					 "line %zu holds event %llu where event %llu belongs: a line was inserted",
					 i + 1, rc->seq, want);
			r = -EBADMSG;
			break;
		}
		if (memcmp(rc->line + 9, expect_prev, 64) != 0) {
			if (i)
				snprintf(
				    out->why, sizeof(out->why),
				    "line %zu does not follow line %zu: it was inserted or taken from another chain",
				    i + 1, i);
			else
				snprintf(
				    out->why, sizeof(out->why),
				    "line 1 does not start this chain: it was inserted or taken from another chain");
			r = -EBADMSG;
			break;
		}
		memcpy(expect_prev, h, NONO_AUDIT_HEX);
		out->lines = i + 1;
		memcpy(out->last, h, NONO_AUDIT_HEX);
	}
	if (!r)
		out->line = 0;
	free(recs);
	return r;
}

/* ---- redaction ------------------------------------------------------------ */

static bool
secret_name(const char *name, size_t n)
{
	static const char *const words[] = {"token",	  "secret", "passw",  "passphrase", "key",
					    "credential", "auth",   "cookie", NULL};
	char low[128];

	if (n == 0 || n >= sizeof(low))
		return false;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[n] = '\0';
	if (strstr(low, "author") || strstr(low, "keyboard") || strstr(low, "monkey"))
		return false;
	for (size_t i = 0; words[i]; i++)
		if (strstr(low, words[i]))
			return true;
	return false;
}

static size_t
token_run(const char *s)
{
	size_t n = 0;

	while (s[n] && !isspace((unsigned char)s[n]) && s[n] != '"' && s[n] != '\'' && s[n] != ',')
		n++;
	return n;
}

/* replace s[at, at+n) with [REDACTED]; returns the new string, freeing s */
static char *
cut_in(char *s, size_t at, size_t n)
{
	char *o = xasprintf("%.*s" REDACTED "%s", (int)at, s, s + at + n);

	free(s);
	return o;
}

static char *
redact_inline(char *s)
{
	static const char *const schemes[] = {"bearer ", "basic ", "token ", "authorization: ", NULL};
	static const char *const prefixes[] = {"ghp_", "gho_",	"ghs_",	 "ghu_", "github_pat_", "glpat-",
					       "sk-",  "xoxb-", "xoxp-", "AKIA", "AIza",	NULL};

	for (size_t k = 0; schemes[k]; k++) {
		size_t kl = strlen(schemes[k]);

		for (size_t i = 0; s[i]; i++) {
			size_t n;

			if (strncasecmp(s + i, schemes[k], kl) != 0)
				continue;
			/* "Authorization: Bearer x": leave the scheme, take the credential */
			if (k == 3 &&
			    (strncasecmp(s + i + kl, "bearer ", 7) == 0 || strncasecmp(s + i + kl, "basic ", 6) == 0 ||
			     strncasecmp(s + i + kl, "token ", 6) == 0))
				continue;
			n = token_run(s + i + kl);
			if (n && strncmp(s + i + kl, REDACTED, strlen(REDACTED)) != 0)
				s = cut_in(s, i + kl, n);
			/* past the scheme (the loop steps once more): never past the NUL */
			i += kl - 1;
		}
	}
	/* --secret-flag=V, --secret-flag V and NAME=V inside a longer argument
	 * (a shell script given to sh -c) */
	for (size_t i = 0; s[i]; i++) {
		size_t start, nl, v;

		if (i && !isspace((unsigned char)s[i - 1]) && s[i - 1] != ';' && s[i - 1] != '(')
			continue;
		start = i + strspn(s + i, "-");
		nl = strspn(s + start, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
		if (!nl || !secret_name(s + start, nl))
			continue;
		v = start + nl;
		if (s[v] == '=' && s[v + 1] && strncmp(s + v + 1, REDACTED, strlen(REDACTED)) != 0)
			s = cut_in(s, v + 1, token_run(s + v + 1));
		else if (s[v] == ' ' && start > i && s[v + 1] && s[v + 1] != '-' &&
			 strncmp(s + v + 1, REDACTED, strlen(REDACTED)) != 0)
			s = cut_in(s, v + 1, token_run(s + v + 1));
		/* on from the name's end (the loop steps once more): s[v] may be its NUL */
		i = v - 1;
	}
	/* URL passwords: scheme://user:password@host */
	for (char *u = strstr(s, "://"); u; u = strstr(u + 3, "://")) {
		char *at, *colon, *slash;

		at = strchr(u + 3, '@');
		slash = strchr(u + 3, '/');
		colon = strchr(u + 3, ':');
		if (at && colon && colon < at && (!slash || at < slash) && strncmp(colon + 1, REDACTED, 10) != 0) {
			size_t off = (size_t)(colon + 1 - s), n = (size_t)(at - colon - 1);

			s = cut_in(s, off, n);
			u = s + off;
		}
	}
	for (size_t k = 0; prefixes[k]; k++) {
		size_t kl = strlen(prefixes[k]);

		for (size_t i = 0; s[i]; i++) {
			size_t n;

			if (strncmp(s + i, prefixes[k], kl) != 0 || (i && isalnum((unsigned char)s[i - 1])))
				continue;
			n = token_run(s + i);
			if (n >= kl + 16)
				s = cut_in(s, i, n);
		}
	}
	return s;
}

void
nono_audit_redact(struct nono_strv *out, char *const *argv)
{
	bool next = false;

	for (size_t i = 0; argv && argv[i]; i++) {
		const char *a = argv[i];
		const char *eq = strchr(a, '=');
		char *o;

		if (next && strncmp(a, "--", 2) != 0) {
			nono_strv_push(out, REDACTED);
			next = false;
			continue;
		}
		next = false;
		if (a[0] == '-' && i > 0) {
			const char *name = a + strspn(a, "-");
			size_t nl = eq ? (size_t)(eq - name) : strlen(name);

			if (secret_name(name, nl)) {
				if (eq)
					nono_strv_push_owned(out, xasprintf("%.*s=" REDACTED, (int)(eq - a), a));
				else
					nono_strv_push(out, a), next = true;
				continue;
			}
		} else if (eq && eq > a && i > 0) {
			/* NAME=value, as given to env(1) or make */
			size_t nl = (size_t)(eq - a);
			bool word = isalpha((unsigned char)a[0]) || a[0] == '_';

			for (size_t j = 0; j < nl && word; j++)
				word = isalnum((unsigned char)a[j]) || a[j] == '_' || a[j] == '-' || a[j] == '.';
			/* a whole word; a script (sh -c '...') is redacted inline */
			if (word && secret_name(a, nl) && !strpbrk(eq, " \t\n;&|")) {
				nono_strv_push_owned(out, xasprintf("%.*s=" REDACTED, (int)nl, a));
				continue;
			}
		}
		o = redact_inline(xstrdup(a));
		nono_strv_push_owned(out, o);
	}
}

/* ---- JSON pieces ---------------------------------------------------------- */

static void
now_iso(char out[32])
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(out, 24, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + strlen(out), 8, ".%03dZ", (int)(ts.tv_nsec / 1000000) % 1000);
}

static void
json_strv(FILE *f, const struct nono_strv *sv)
{
	fputc('[', f);
	for (size_t i = 0; i < sv->n; i++) {
		if (i)
			fputc(',', f);
		nono_json_string(f, sv->v[i]);
	}
	fputc(']', f);
}

static void
json_opt(FILE *f, const char *s)
{
	if (s)
		nono_json_string(f, s);
	else
		fputs("null", f);
}

/* ---- writing -------------------------------------------------------------- */

char *
nono_audit_root(void)
{
	return nono_state_path("audit");
}

/* write path atomically (0600): a temporary beside it, then in its
 * place. A file that exists is exchanged with the new one and the old
 * one unlinked: a rename over it would make ext4 write the new file's
 * data out at once (its auto_da_alloc), 0.1 ms at every session's end. */
static int
write_file(const char *path, const char *s, size_t n)
{
	char *tmp = xasprintf("%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600), r;

	if (fd < 0) {
		r = -errno;
		free(tmp);
		return r;
	}
	r = nono_write_all(fd, s, n);
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE) == 0) {
		unlink(tmp); /* the previous version */
	} else if (!r && rename(tmp, path) < 0) {
		r = -errno;
	}
	if (r)
		unlink(tmp);
	free(tmp);
	return r;
}

/* an event under construction: {"seq":N,"time":"..","type":"T" ... */
struct ev {
	FILE *f;
	char *buf;
	size_t len;
};

static bool
ev_begin(struct nono_audit *a, struct ev *e, const char *type, pid_t pid)
{
	char t[32];

	e->buf = NULL;
	e->len = 0;
	e->f = open_memstream(&e->buf, &e->len);
	if (!e->f)
		return false;
	now_iso(t);
	fprintf(e->f, "{\"seq\":%llu,\"time\":\"%s\",\"type\":", a->seq + 1, t);
	nono_json_string(e->f, type);
	if (pid > 0)
		fprintf(e->f, ",\"pid\":%d", (int)pid);
	return true;
}

static void
ev_str(struct ev *e, const char *key, const char *val)
{
	fprintf(e->f, ",\"%s\":", key);
	json_opt(e->f, val);
}

static void
ev_end(struct nono_audit *a, struct ev *e)
{
	char h[NONO_AUDIT_HEX], *line;
	int r;

	fputc('}', e->f);
	if (fclose(e->f) != 0) {
		free(e->buf);
		return;
	}
	if (!a->last[0]) /* the genesis, computed late: libcrypto warms up on the hasher's thread */
		nono_audit_genesis(a->last, a->id);
	line = nono_audit_record(h, a->last, e->buf, e->len);
	r = nono_write_all(a->fd, line, strlen(line));
	if (r == 0) {
		a->seq++;
		memcpy(a->last, h, NONO_AUDIT_HEX);
		nono_export_event(a->exp, e->buf, e->len);
	} else if (!a->write_failed) {
		a->write_failed = true;
		log_warn("audit: cannot write to %s/events.ndjson: %s; the record of this session is incomplete",
			 a->dir, strerror(-r));
	}
	free(line);
	free(e->buf);
}

/* ---- outcomes -------------------------------------------------------------- */

struct nono_result
nono_result_of(long long value, enum nono_refuser by)
{
	struct nono_result r = {NONO_DONE, NONO_BY_NONE, 0};

	if (value >= 0)
		return r;
	r.err = (int)-value;
	if (by != NONO_BY_NONE) {
		r.outcome = NONO_REFUSED;
		r.by = by;
	} else {
		/* a non-blocking connect goes on after the answer */
		r.outcome = value == -EINPROGRESS || value == -EALREADY ? NONO_UNKNOWN : NONO_FAILED;
	}
	return r;
}

const char *
nono_outcome_name(enum nono_outcome o)
{
	static const char *const names[] = {
	    [NONO_DONE] = "done", [NONO_REFUSED] = "refused", [NONO_FAILED] = "failed", [NONO_UNKNOWN] = "unknown"};

	return names[o];
}

const char *
nono_refuser_name(enum nono_refuser by)
{
	static const char *const names[] = {[NONO_BY_NONE] = NULL,
					    [NONO_BY_LANDLOCK] = "landlock",
					    [NONO_BY_SECCOMP] = "seccomp",
					    [NONO_BY_SUPERVISOR] = "supervisor",
					    [NONO_BY_PROXY] = "proxy"};

	return names[by];
}

/* Probes every program makes, whose refusal changes nothing: glibc asks
 * nscd before it reads /etc/passwd itself (getpwnam, getaddrinfo), the
 * dynamic loader looks for a preload list, terminals are probed. */
static const struct {
	const char *op; /* NULL: any */
	const char *path;
	const char *why;
} probes[] = {
    {"connect", "/run/nscd/socket", "glibc asks nscd first, then reads the files itself"},
    {"connect", "/var/run/nscd/socket", "glibc asks nscd first, then reads the files itself"},
    {NULL, "/etc/ld.so.preload", "the dynamic loader looks for a preload list"},
    {NULL, "/usr/lib/locale/locale-archive", "glibc falls back to the C locale"},
    {NULL, "/etc/locale.alias", "glibc looks the locale's name up, then uses it as named"},
};

const char *
nono_audit_probe(const char *op, const char *path)
{
	for (size_t i = 0; path && i < sizeof(probes) / sizeof(probes[0]); i++)
		if ((!probes[i].op || (op && strcmp(op, probes[i].op) == 0)) && strcmp(path, probes[i].path) == 0)
			return probes[i].why;
	return NULL;
}

static const char *
errno_name(int e)
{
	const char *n = e > 0 ? strerrorname_np(e) : NULL;

	return n ? n : "";
}

/* "outcome", "refused_by", "errno", the older "verdict", and "harmless" for
 * a refused or failed probe */
static void
outcome(struct ev *e, struct nono_result r, const char *op, const char *path)
{
	const char *probe = r.outcome == NONO_REFUSED || r.outcome == NONO_FAILED ? nono_audit_probe(op, path) : NULL;

	fprintf(e->f, ",\"outcome\":\"%s\"", nono_outcome_name(r.outcome));
	if (r.outcome == NONO_REFUSED && nono_refuser_name(r.by))
		fprintf(e->f, ",\"refused_by\":\"%s\"", nono_refuser_name(r.by));
	if (r.err)
		fprintf(e->f, ",\"errno\":\"%s\"", errno_name(r.err));
	fprintf(e->f, ",\"verdict\":\"%s\"", r.outcome == NONO_REFUSED ? "refused" : "allowed");
	if (probe)
		ev_str(e, "harmless", probe);
}

void
nono_audit_exec(struct nono_audit *a, pid_t pid, const char *path, char *const *argv, const char *refused)
{
	struct ev e;
	struct nono_strv red = {0};
	/* a continued exec is the kernel's to perform: its result is not seen */
	struct nono_result r =
	    refused ? nono_result_of(-EPERM, NONO_BY_SUPERVISOR) : (struct nono_result){NONO_UNKNOWN, NONO_BY_NONE, 0};

	if (!a)
		return;
	if (!a->child)
		a->child = pid;
	if (!ev_begin(a, &e, "exec", pid))
		return;
	ev_str(&e, "path", path);
	nono_audit_redact(&red, argv);
	fputs(",\"argv\":", e.f);
	json_strv(e.f, &red);
	nono_strv_free(&red);
	outcome(&e, r, "exec", path);
	if (refused)
		ev_str(&e, "reason", refused);
	ev_end(a, &e);
}

void
nono_audit_call(struct nono_audit *a, pid_t pid, const char *type, const char *op, const char *target,
		struct nono_result res)
{
	struct ev e;

	if (!a || !ev_begin(a, &e, type, pid))
		return;
	ev_str(&e, "op", op);
	ev_str(&e, strcmp(type, "socket") == 0 ? "target" : "path", target);
	outcome(&e, res, op, target);
	ev_end(a, &e);
}

void
nono_audit_net(struct nono_audit *a, const char *method, const char *host, int port, struct nono_result res)
{
	struct ev e;

	if (!a || !ev_begin(a, &e, "network", 0))
		return;
	ev_str(&e, "op", method);
	ev_str(&e, "host", host);
	fprintf(e.f, ",\"port\":%d", port);
	outcome(&e, res, method, host);
	ev_end(a, &e);
}

void
nono_audit_note(struct nono_audit *a, const char *type, const char *const *kv)
{
	struct ev e;

	if (!a || !ev_begin(a, &e, type, 0))
		return;
	for (size_t i = 0; kv && kv[i] && kv[i + 1]; i += 2)
		ev_str(&e, kv[i], kv[i + 1]);
	ev_end(a, &e);
}

/* ---- the program's SHA-256, off the launch path ----------------------------- */

static char *render_session(const struct nono_audit *a, const char *end, int status);

/* session.json as the session starts (nono_audit_close rewrites it) */
static int
write_session_start(const struct nono_audit *a)
{
	char *path = xasprintf("%s/session.json", a->dir), *doc = render_session(a, NULL, 0);
	int r = write_file(path, doc, strlen(doc));

	free(doc);
	free(path);
	return r;
}

static void *
hash_thread(void *arg)
{
	struct nono_audit *a = arg;
	struct nono_sha256 s;
	unsigned char md[32], *buf = xmalloc(1 << 16);
	ssize_t n;
	bool ok = true;

	nono_sha256_init(&s);
	while (ok && (n = read(a->exe_fd, buf, 1 << 16)) != 0) {
		if (n < 0) {
			ok = errno == EINTR;
			continue;
		}
		nono_sha256_update(&s, buf, (size_t)n);
	}
	if (ok) {
		nono_sha256_final(&s, md);
		nono_sha256_hex(a->exe_sha, md);
	}
	free(buf);
	close(a->exe_fd);
	a->exe_fd = -1;
	/* off the launch path too, now with the program's digest */
	(void)write_session_start(a);
	return NULL;
}

static void
start_hasher(struct nono_audit *a, const char *program)
{
	sigset_t all, old;

	a->exe_fd = program ? open(program, O_RDONLY | O_CLOEXEC) : -1;
	if (a->exe_fd < 0)
		return;
	/* the supervisor takes its signals through a signalfd: this thread
	 * must never be the one they are delivered to */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	a->hashing = pthread_create(&a->hasher, NULL, hash_thread, a) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!a->hashing) {
		close(a->exe_fd);
		a->exe_fd = -1;
	}
}

/* ---- session.json and the ledger -------------------------------------------- */

static char *
render_session(const struct nono_audit *a, const char *end, int status)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		die("out of memory");
	fputs("{\n  \"id\": ", f);
	nono_json_string(f, a->id);
	fputs(",\n  \"nono_version\": ", f);
	nono_json_string(f, PACKAGE_VERSION);
	fputs(",\n  \"command\": ", f);
	nono_json_string(f, a->command);
	fputs(",\n  \"argv\": ", f);
	json_strv(f, &a->argv);
	fputs(",\n  \"program\": ", f);
	json_opt(f, a->program);
	fputs(",\n  \"program_sha256\": ", f);
	json_opt(f, a->exe_sha[0] ? a->exe_sha : NULL);
	fputs(",\n  \"cwd\": ", f);
	json_opt(f, a->cwd);
	fputs(",\n  \"profile\": ", f);
	json_opt(f, a->profile);
	fprintf(f, ",\n  \"landlock_abi\": %d,\n  \"supervisor_pid\": %d,\n  \"uid\": %u", a->abi, (int)getpid(),
		(unsigned)getuid());
	fputs(",\n  \"kernel_denials\": ", f);
	nono_json_string(f, a->kfd >= 0	    ? "recorded (kernel audit log)"
			    : a->kernel_off ? "not recorded (kernel auditing is off)"
			    : a->abi < 7    ? "not recorded (Landlock ABI below 7 logs none)"
					    : "not recorded (no access to the kernel audit log)");
	fputs(",\n  \"start\": ", f);
	nono_json_string(f, a->start);
	fputs(",\n  \"end\": ", f);
	json_opt(f, end);
	if (end)
		fprintf(f, ",\n  \"exit_status\": %d", status);
	else
		fputs(",\n  \"exit_status\": null", f);
	fprintf(f, ",\n  \"events\": %llu,\n  \"final_digest\": ", a->seq);
	json_opt(f, end ? a->last : NULL);
	fputs(",\n  \"capabilities\": ", f);
	if (a->caps && *a->caps) {
		size_t n = strlen(a->caps);

		while (n && (a->caps[n - 1] == '\n' || a->caps[n - 1] == ' '))
			n--;
		fwrite(a->caps, 1, n, f);
	} else {
		fputs("null", f);
	}
	fputs("\n}\n", f);
	if (fclose(f) != 0)
		die("out of memory");
	return buf;
}

/* the digest and sequence number of the ledger's last line */
static void
ledger_tail(int fd, char last[NONO_AUDIT_HEX], unsigned long long *seq)
{
	struct stat st;
	char buf[8192];
	off_t from;
	ssize_t n;
	size_t el;
	const char *ev;

	nono_audit_genesis(last, NULL);
	*seq = 0;
	if (fstat(fd, &st) < 0 || st.st_size == 0)
		return;
	from = st.st_size > (off_t)sizeof(buf) - 1 ? st.st_size - (off_t)sizeof(buf) + 1 : 0;
	n = pread(fd, buf, sizeof(buf) - 1, from);
	if (n <= 0)
		return;
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	{
		char *start = strrchr(buf, '\n');

		start = start ? start + 1 : buf;
		ev = nono_audit_record_event(start, strlen(start), &el);
		if (ev) {
			memcpy(last, start + 83, 64);
			last[64] = '\0';
			*seq = event_seq(ev, el);
		} else {
			/* damaged: chain on from the line as it is; verify names it */
			nono_audit_sha256(last, start, strlen(start));
			log_warn("audit: the last line of the ledger is damaged; 'nono audit verify' will say where");
		}
	}
}

int
nono_audit_ledger_append(const char *root, const char *body, struct nono_error *err)
{
	char *path = xasprintf("%s/ledger.ndjson", root), *ev, *line;
	char last[NONO_AUDIT_HEX], h[NONO_AUDIT_HEX], t[32];
	unsigned long long seq;
	int fd, r = 0;

	fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		r = nono_error_set(err, -errno, "audit: cannot open %s: %s", path, strerror(errno));
		free(path);
		return r;
	}
	while (flock(fd, LOCK_EX) < 0 && errno == EINTR)
		;
	ledger_tail(fd, last, &seq);
	now_iso(t);
	ev = xasprintf("{\"seq\":%llu,\"time\":\"%s\"%s}", seq + 1, t, body);
	line = nono_audit_record(h, last, ev, strlen(ev));
	if ((r = nono_write_all(fd, line, strlen(line))) < 0)
		nono_error_set(err, r, "audit: cannot write %s: %s", path, strerror(-r));
	flock(fd, LOCK_UN);
	close(fd);
	free(line);
	free(ev);
	free(path);
	return r;
}

/* ---- kernel denials ----------------------------------------------------------- */

static int
kernel_open(void)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = 1U << (AUDIT_NLGRP_READLOG - 1)};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_AUDIT);

	int big = 1 << 20;

	if (fd < 0)
		return -errno;
	/* room for a burst of denials while the supervisor is busy */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

/* The kernel's audit switch: 1 on, 0 off, -errno when it cannot be asked
 * (AUDIT_GET needs CAP_AUDIT_CONTROL). Landlock logs nothing while off. */
static int
kernel_audit_enabled(void)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	struct nlmsghdr req = {.nlmsg_len = NLMSG_LENGTH(0),
			       .nlmsg_type = AUDIT_GET,
			       .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
			       .nlmsg_seq = 1};
	struct timeval tv = {0, 200 * 1000};
	char buf[1024] __attribute__((aligned(NLMSG_ALIGNTO)));
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT), r = -EPROTO;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || send(fd, &req, req.nlmsg_len, 0) < 0) {
		r = -errno;
		goto out;
	}
	for (int i = 0; i < 3 && r == -EPROTO; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		size_t left = n > 0 ? (size_t)n : 0;

		if (n <= 0) {
			r = n < 0 ? -errno : -EPROTO;
			break;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				if (e->error)
					r = e->error;
			} else if (h->nlmsg_type == AUDIT_GET && NLMSG_PAYLOAD(h, 0) >= 2 * sizeof(__u32)) {
				const struct audit_status *st = NLMSG_DATA(h);

				r = st->enabled ? 1 : 0;
			}
		}
	}
out:
	close(fd);
	return r;
}

/* value of key=... in an audit record (up to the next space), into out */
static bool
field(const char *rec, const char *key, char *out, size_t n)
{
	size_t kl = strlen(key);

	for (const char *p = rec; (p = strstr(p, key)); p += kl) {
		size_t l;

		if ((p != rec && p[-1] != ' ') || p[kl] != '=')
			continue;
		p += kl + 1;
		l = strcspn(p, " ");
		if (l >= n)
			l = n - 1;
		memcpy(out, p, l);
		out[l] = '\0';
		return true;
	}
	return false;
}

/* What a Landlock blocker ("fs.write_file", ...) refused, for the report. */
static enum nono_report_kind
blocker_kind(const char *blockers)
{
	static const struct {
		const char *prefix;
		enum nono_report_kind kind;
	} map[] = {
	    {"fs.read", NONO_REP_READ},	      {"fs.execute", NONO_REP_EXEC}, {"fs.remove", NONO_REP_DELETE},
	    {"fs.truncate", NONO_REP_DELETE}, {"fs.write", NONO_REP_WRITE},  {"fs.make", NONO_REP_WRITE},
	    {"fs.refer", NONO_REP_WRITE},     {"net.", NONO_REP_TCP},
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strncmp(blockers, map[i].prefix, strlen(map[i].prefix)) == 0)
			return map[i].kind;
	return NONO_REP_OTHER;
}

static void
record_denial(struct nono_audit *a, const char *rec)
{
	struct ev e;
	char blockers[128] = "", path[4096] = "";
	const char *body = strstr(rec, "): ");
	struct nono_result r = nono_result_of(-EACCES, NONO_BY_LANDLOCK);

	field(rec, "blockers", blockers, sizeof(blockers));
	if (!field(rec, "path", path, sizeof(path)))
		field(rec, "name", path, sizeof(path));
	if (path[0] == '"' && strlen(path) > 1 && path[strlen(path) - 1] == '"') {
		memmove(path, path + 1, strlen(path));
		path[strlen(path) - 1] = '\0';
	}
	if (!nono_audit_probe(NULL, path))
		nono_report_add(a->report, blocker_kind(blockers), path[0] ? path : blockers, NONO_BY_LANDLOCK);
	if (!ev_begin(a, &e, "landlock", 0))
		return;
	ev_str(&e, "blockers", blockers);
	ev_str(&e, "path", path[0] ? path : NULL);
	ev_str(&e, "record", body ? body + 3 : rec);
	outcome(&e, r, NULL, path);
	ev_end(a, &e);
}

static void
kernel_record(struct nono_audit *a, int type, const char *rec)
{
	char dom[32], pid[32];

	if (type == AUDIT_LANDLOCK_DOMAIN) {
		if (!a->domain[0] && a->child && field(rec, "status", pid, sizeof(pid)) &&
		    strcmp(pid, "allocated") == 0 && field(rec, "pid", pid, sizeof(pid)) &&
		    atoi(pid) == (int)a->child && field(rec, "domain", dom, sizeof(dom))) {
			snprintf(a->domain, sizeof(a->domain), "%s", dom);
			for (size_t i = 0; i < a->pending.n; i++)
				if (field(a->pending.v[i], "domain", dom, sizeof(dom)) && strcmp(dom, a->domain) == 0)
					record_denial(a, a->pending.v[i]);
			nono_strv_free(&a->pending);
		}
		return;
	}
	if (type != AUDIT_LANDLOCK_ACCESS || !field(rec, "domain", dom, sizeof(dom)))
		return;
	if (a->domain[0]) {
		if (strcmp(dom, a->domain) == 0)
			record_denial(a, rec);
		return;
	}
	/* the domain record follows its first access record */
	if (a->pending.n >= PENDING_MAX) {
		free(a->pending.v[0]);
		memmove(a->pending.v, a->pending.v + 1, (a->pending.n - 1) * sizeof(char *));
		a->pending.v[--a->pending.n] = NULL;
	}
	nono_strv_push(&a->pending, rec);
}

void
nono_audit_set_child(struct nono_audit *a, pid_t pid)
{
	if (a && pid > 0)
		a->child = pid;
}

static void kernel_drain(struct nono_audit *a);

void
nono_audit_kernel_drain(struct nono_audit *a)
{
	if (!a || a->kfd < 0 || a->drained)
		return;
	kernel_drain(a);
	a->drained = true;
}

void
nono_audit_set_report(struct nono_audit *a, struct nono_report *r)
{
	if (a)
		a->report = r;
}

int
nono_audit_kernel_fd(const struct nono_audit *a)
{
	return a ? a->kfd : -1;
}

void
nono_audit_kernel_read(struct nono_audit *a)
{
	char buf[8960 + 1] __attribute__((aligned(NLMSG_ALIGNTO)));

	if (!a || a->kfd < 0)
		return;
	for (;;) {
		ssize_t n = recv(a->kfd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
		struct nlmsghdr *h;
		size_t pl;

		/* ENOBUFS: records were dropped on a busy machine; read on */
		if (n < 0 && (errno == EINTR || errno == ENOBUFS))
			continue;
		if (n <= 0)
			break;
		/* one record per datagram; the kernel's nlmsg_len is not always
		 * the record's length, so trust what recv returned */
		if ((size_t)n < NLMSG_HDRLEN)
			continue;
		h = (struct nlmsghdr *)buf;
		pl = (size_t)n - NLMSG_HDRLEN;
		if (h->nlmsg_len >= NLMSG_HDRLEN && h->nlmsg_len - NLMSG_HDRLEN < pl)
			pl = h->nlmsg_len - NLMSG_HDRLEN;
		buf[NLMSG_HDRLEN + pl] = '\0';
		if (h->nlmsg_type == AUDIT_TRUSTED_APP && a->marker[0] && strstr(buf + NLMSG_HDRLEN, a->marker))
			a->marked = true;
		else
			kernel_record(a, h->nlmsg_type, buf + NLMSG_HDRLEN);
	}
}

/* Send a record of our own through the kernel's audit queue: it leaves
 * the queue after every record logged before it. -errno when the kernel
 * will not take it (CAP_AUDIT_WRITE). */
static int
kernel_mark(const char *text)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	char buf[NLMSG_SPACE(128)] __attribute__((aligned(NLMSG_ALIGNTO))) = {0};
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	size_t l = strlen(text) + 1;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT), r = 0;

	if (fd < 0)
		return -errno;
	if (l > 128)
		l = 128;
	h->nlmsg_len = NLMSG_LENGTH(l);
	h->nlmsg_type = AUDIT_TRUSTED_APP;
	h->nlmsg_flags = NLM_F_REQUEST;
	memcpy(NLMSG_DATA(h), text, l - 1);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || send(fd, buf, h->nlmsg_len, 0) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* The kernel sends its records from a thread of its own, after the
 * program has gone. Wait for the marker sent now (every denial before it
 * has then arrived), at most a second; without the right to send one,
 * give the last records a moment. */
static void
kernel_drain(struct nono_audit *a)
{
	struct pollfd p = {.fd = a->kfd, .events = POLLIN};
	struct timespec start, now;

	snprintf(a->marker, sizeof(a->marker), "nono-drain %s %d", a->id, (int)getpid());
	if (kernel_mark(a->marker) < 0) {
		struct timespec ts = {0, 50 * 1000 * 1000};

		a->marker[0] = '\0';
		nanosleep(&ts, NULL);
		nono_audit_kernel_read(a);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		long ms;

		nono_audit_kernel_read(a);
		if (a->marked)
			return;
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (ms >= 1000 || poll(&p, 1, (int)(1000 - ms)) < 0)
			return;
	}
}

bool
nono_audit_kernel_status(char *out, size_t n, int landlock_abi)
{
	int fd;

	if (landlock_abi < 7) {
		snprintf(out, n, "no: Landlock ABI %d does not log denials (ABI 7, Linux 6.15)", landlock_abi);
		return false;
	}
	fd = kernel_open();
	if (fd < 0) {
		snprintf(out, n, "no: cannot read the kernel audit log (%s; needs CAP_AUDIT_READ)", strerror(-fd));
		return false;
	}
	close(fd);
	switch (kernel_audit_enabled()) {
	case 0:
		snprintf(out, n, "no: kernel auditing is off, so Landlock logs nothing (enable it: auditctl -e 1)");
		return false;
	case 1:
		snprintf(out, n, "yes: read from the kernel audit log (CAP_AUDIT_READ)");
		return true;
	default:
		snprintf(out, n, "yes, while kernel auditing is on: read from the kernel audit log (CAP_AUDIT_READ)");
		return true;
	}
}

/* ---- open and close ------------------------------------------------------------ */

static void
audit_free(struct nono_audit *a)
{
	if (!a)
		return;
	if (a->hashing)
		pthread_join(a->hasher, NULL);
	if (a->exe_fd >= 0)
		close(a->exe_fd);
	if (a->fd >= 0)
		close(a->fd);
	if (a->kfd >= 0)
		close(a->kfd);
	free(a->dir);
	free(a->command);
	free(a->program);
	free(a->cwd);
	free(a->profile);
	free(a->caps);
	free(a->start);
	nono_strv_free(&a->argv);
	nono_strv_free(&a->pending);
	nono_export_free(a->exp);
	free(a);
}

static int
private_dir(const char *path, struct nono_error *err)
{
	struct stat st;
	int r = nono_mkdir_p(path, 0700);

	if (r < 0 && r != -EEXIST)
		return nono_error_set(err, r, "audit: cannot create %s: %s", path, strerror(-r));
	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		return nono_error_set(err, -EPERM, "audit: %s is not a directory of this user", path);
	if ((st.st_mode & 077) && chmod(path, 0700) < 0)
		return nono_error_set(err, -errno, "audit: cannot make %s private: %s", path, strerror(errno));
	return 0;
}

const char *
nono_audit_id(const struct nono_audit *a)
{
	return a ? a->id : NULL;
}

/* The half of opening that needs only the store: the session's directory,
 * its events file and the kernel's audit socket. */
static int
open_store(struct nono_audit *a, int landlock_abi, struct nono_error *err)
{
	char *root = nono_audit_root(), *path = NULL;
	int r;

	if ((r = private_dir(root, err)) < 0)
		goto out;
	a->dir = xasprintf("%s/%s", root, a->id);
	if (mkdir(a->dir, 0700) < 0) {
		r = nono_error_set(err, -errno, "audit: cannot create %s: %s", a->dir, strerror(errno));
		free(a->dir);
		a->dir = NULL; /* never removed: it is not this session's */
		goto out;
	}
	path = xasprintf("%s/events.ndjson", a->dir);
	a->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (a->fd < 0) {
		r = nono_error_set(err, -errno, "audit: cannot create %s: %s", path, strerror(errno));
		goto out;
	}
	if (landlock_abi >= 7) {
		a->kfd = kernel_open();
		if (a->kfd < 0)
			a->kfd = -1;
		else if (kernel_audit_enabled() == 0) {
			close(a->kfd);
			a->kfd = -1;
			a->kernel_off = true;
		}
	}
	r = 0;
out:
	free(path);
	free(root);
	return r;
}

/* The session's start, for the exports only (the trail has session.json):
 * what runs, where, under which profile. */
static void
export_start(const struct nono_audit *a)
{
	char t[32], *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (!a->exp || !(f = open_memstream(&buf, &len)))
		return;
	now_iso(t);
	fprintf(f, "{\"seq\":0,\"time\":\"%s\",\"type\":\"session_start\",\"command\":", t);
	nono_json_string(f, a->command);
	fputs(",\"argv\":", f);
	json_strv(f, &a->argv);
	fputs(",\"path\":", f);
	json_opt(f, a->program);
	fputs(",\"cwd\":", f);
	json_opt(f, a->cwd);
	fputs(",\"profile\":", f);
	json_opt(f, a->profile);
	fprintf(f, ",\"pid\":%d}", (int)getpid());
	if (fclose(f) == 0)
		nono_export_event(a->exp, buf, len);
	free(buf);
}

/* nono_audit_prestart's thread and what it made */
static struct {
	pthread_t thread;
	bool running;
	int abi, r;
	struct nono_audit *a;
	struct nono_error err;
} pre;

static void *
prestart_thread(void *arg)
{
	(void)arg;
	pre.r = open_store(pre.a, pre.abi, &pre.err);
	return NULL;
}

void
nono_audit_prestart(int landlock_abi, const char *id)
{
	sigset_t all, old;

	if (pre.running || pre.a)
		return;
	pre.a = xcalloc(1, sizeof(*pre.a));
	pre.a->fd = pre.a->kfd = pre.a->exe_fd = -1;
	snprintf(pre.a->id, sizeof(pre.a->id), "%s", id);
	pre.abi = landlock_abi;
	/* the supervisor takes its signals through a signalfd: never this thread */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pre.running = pthread_create(&pre.thread, NULL, prestart_thread, NULL) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!pre.running)
		pre.r = open_store(pre.a, pre.abi, &pre.err);
}

void
nono_audit_prestart_cancel(void)
{
	if (pre.running)
		pthread_join(pre.thread, NULL);
	pre.running = false;
	if (pre.a) {
		if (pre.a->dir)
			nono_rm_rf(pre.a->dir);
		audit_free(pre.a);
		pre.a = NULL;
	}
}

int
nono_audit_open(struct nono_audit **out, const struct nono_audit_info *info, struct nono_error *err)
{
	struct nono_audit *a;
	char t[32];
	int r;

	*out = NULL;
	if (pre.a && (pre.abi >= 7) == (info->landlock_abi >= 7) && strcmp(pre.a->id, info->id) == 0) {
		/* made while the policy was prepared */
		if (pre.running)
			pthread_join(pre.thread, NULL);
		pre.running = false;
		a = pre.a;
		pre.a = NULL;
		if ((r = pre.r) < 0)
			*err = pre.err;
	} else {
		nono_audit_prestart_cancel();
		a = xcalloc(1, sizeof(*a));
		a->fd = a->kfd = a->exe_fd = -1;
		snprintf(a->id, sizeof(a->id), "%s", info->id);
		r = open_store(a, info->landlock_abi, err);
	}
	if (r < 0)
		goto out;
	a->command = xstrdup(info->command);
	a->program = info->program ? xstrdup(info->program) : NULL;
	a->cwd = info->cwd ? xstrdup(info->cwd) : NULL;
	a->profile = info->profile ? xstrdup(info->profile) : NULL;
	a->caps = info->capabilities ? xstrdup(info->capabilities) : NULL;
	a->abi = info->landlock_abi;
	a->child = info->child;
	nono_audit_redact(&a->argv, info->argv);
	now_iso(t);
	a->start = xstrdup(t);
	a->exp = nono_export_open(info->exports, a->id);
	export_start(a);
	/* the hashing thread writes session.json; without one, it is written here */
	start_hasher(a, info->program);
	if (!a->hashing && (r = write_session_start(a)) < 0) {
		nono_error_set(err, r, "audit: cannot write %s/session.json: %s", a->dir, strerror(-r));
		goto out;
	}
	*out = a;
	a = NULL;
	r = 0;
out:
	if (r < 0) {
		nono_error_hint(err, "fix the directory's ownership or space, or run with --no-audit");
		if (a && a->dir)
			nono_rm_rf(a->dir);
	}
	audit_free(a);
	return r;
}

int
nono_audit_close(struct nono_audit *a, int exit_status, struct nono_error *err)
{
	char t[32], sha[NONO_AUDIT_HEX], *path, *doc, *root, *body;
	struct ev e;
	int r;

	if (!a)
		return 0;
	nono_audit_kernel_drain(a);
	if (a->hashing) {
		pthread_join(a->hasher, NULL);
		a->hashing = false;
	}
	if (ev_begin(a, &e, "end", 0)) {
		fprintf(e.f, ",\"exit_status\":%d", exit_status);
		ev_end(a, &e);
	}
	now_iso(t);
	path = xasprintf("%s/session.json", a->dir);
	doc = render_session(a, t, exit_status);
	r = write_file(path, doc, strlen(doc));
	if (r < 0) {
		nono_error_set(err, r, "audit: cannot write %s: %s", path, strerror(-r));
	} else {
		nono_audit_sha256(sha, doc, strlen(doc));
		body =
		    xasprintf(",\"type\":\"session\",\"id\":\"%s\",\"session_sha256\":\"%s\",\"final_digest\":\"%s\","
			      "\"events\":%llu",
			      a->id, sha, a->last, a->seq);
		root = nono_audit_root();
		r = nono_audit_ledger_append(root, body, err);
		free(root);
		free(body);
	}
	if (!r && a->write_failed)
		r = nono_error_set(err, -EIO, "audit: some events of session %s could not be written", a->id);
	free(doc);
	free(path);
	audit_free(a);
	return r;
}
