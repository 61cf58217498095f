/* export.c - see export.h (supervisor side). Each event is the trail's
 * JSON, read back with jansson and sent on in the target's own form. */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "audit/export.h"
#include "base/log.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"
#define SYSLOG_SOCKET  "/dev/log"
#define SD_ID	       "nono@32473" /* 32473: the enterprise number RFC 5612 sets aside for examples */
#define LOG_AUTHPRIV_F 10	    /* facility authpriv */

enum kind { K_JOURNALD, K_SYSLOG, K_OCSF };

struct target {
	enum kind kind;
	char *where; /* socket or file */
	int fd;
	struct sockaddr_un sa;
	socklen_t salen;
	unsigned dropped;
};

struct nono_export {
	struct target *v;
	size_t n;
	char *id;
	char host[256];
};

/* ---- targets ------------------------------------------------------------------ */

static int
parse(const char *t, enum kind *kind, const char **where)
{
	static const struct {
		const char *name;
		enum kind kind;
		const char *dflt;
	} forms[] = {
	    {"journald", K_JOURNALD, JOURNAL_SOCKET}, {"syslog", K_SYSLOG, SYSLOG_SOCKET}, {"ocsf", K_OCSF, NULL}};

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		size_t n = strlen(forms[i].name);

		if (strncmp(t, forms[i].name, n) != 0 || (t[n] && t[n] != ':'))
			continue;
		*kind = forms[i].kind;
		*where = t[n] == ':' ? t + n + 1 : forms[i].dflt;
		/* an absolute path, and a socket's must fit its address */
		if (!*where || (*where)[0] != '/' ||
		    (forms[i].kind != K_OCSF && strlen(*where) >= sizeof(((struct sockaddr_un *)0)->sun_path)))
			return -EINVAL;
		return 0;
	}
	return -EINVAL;
}

int
nono_export_check(const char *target, struct nono_error *err)
{
	enum kind k;
	const char *w;

	if (parse(target, &k, &w) < 0) {
		nono_error_set(err, -EINVAL,
			       "audit export '%s': expected journald[:SOCKET], syslog[:SOCKET] or ocsf:FILE", target);
		nono_error_hint(err, "SOCKET and FILE are absolute paths: export = journald, ocsf:/var/log/nono.ocsf");
		return -EINVAL;
	}
	return 0;
}

static int
target_open(struct target *t, const char *spec)
{
	const char *where;

	if (parse(spec, &t->kind, &where) < 0)
		return -EINVAL;
	t->where = xstrdup(where);
	if (t->kind == K_OCSF) {
		t->fd = open(where, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
		return t->fd < 0 ? -errno : 0;
	}
	t->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (t->fd < 0)
		return -errno;
	t->sa.sun_family = AF_UNIX;
	snprintf(t->sa.sun_path, sizeof(t->sa.sun_path), "%s", where);
	t->salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(where) + 1);
	return 0;
}

struct nono_export *
nono_export_open(const struct nono_strv *targets, const char *id)
{
	struct nono_export *x;

	if (!targets || !targets->n)
		return NULL;
	x = xcalloc(1, sizeof(*x));
	x->v = xcalloc(targets->n, sizeof(*x->v));
	x->id = xstrdup(id);
	if (gethostname(x->host, sizeof(x->host) - 1) < 0 || !x->host[0])
		snprintf(x->host, sizeof(x->host), "-");
	for (size_t i = 0; i < targets->n; i++) {
		struct target *t = &x->v[x->n];
		int r;

		memset(t, 0, sizeof(*t));
		t->fd = -1;
		if ((r = target_open(t, targets->v[i])) < 0) {
			log_warn("audit export %s: %s; not exported there", targets->v[i], strerror(-r));
			if (t->fd >= 0)
				close(t->fd);
			free(t->where);
			continue;
		}
		x->n++;
	}
	return x;
}

void
nono_export_free(struct nono_export *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->n; i++) {
		if (x->v[i].dropped)
			log_warn("audit export %s: %u event%s could not be sent", x->v[i].where, x->v[i].dropped,
				 x->v[i].dropped == 1 ? "" : "s");
		close(x->v[i].fd);
		free(x->v[i].where);
	}
	free(x->v);
	free(x->id);
	free(x);
}

/* ---- what every form says --------------------------------------------------------- */

static const char *
str(json_t *ev, const char *k)
{
	const char *s = json_string_value(json_object_get(ev, k));

	return s ? s : "";
}

/* "refused open-trunc /etc/evil.conf (landlock, EACCES)", "failed unlink
 * /x (ENOENT)", "open-write /x", "exec /usr/bin/ls" */
static char *
summary(json_t *ev)
{
	const char *type = str(ev, "type"), *outcome = str(ev, "outcome"), *by = str(ev, "refused_by");
	const char *e = str(ev, "errno");
	const char *what = *str(ev, "path")	? str(ev, "path")
			   : *str(ev, "target") ? str(ev, "target")
			   : *str(ev, "host")	? str(ev, "host")
						: "";
	const char *op = *str(ev, "op") ? str(ev, "op") : type;
	bool said = !strcmp(outcome, "refused") || !strcmp(outcome, "failed");

	if (!strcmp(type, "end"))
		return xasprintf("session ended, exit status %lld",
				 (long long)json_integer_value(json_object_get(ev, "exit_status")));
	if (!strcmp(type, "session_start"))
		return xasprintf("session started: %s", what);
	return xasprintf("%s%s%s %s%s%s%s%s%s", said ? outcome : "", said ? " " : "", op, what, *by || *e ? " (" : "",
			 by, *by && *e ? ", " : "", e, *by || *e ? ")" : "");
}

/* a field's value as text: strings as they are, the rest as JSON */
static char *
text(json_t *v)
{
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

static void
send_dgram(struct target *t, const void *buf, size_t len)
{
	if (sendto(t->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&t->sa, t->salen) < 0)
		t->dropped++;
}

/* ---- journald ------------------------------------------------------------------- */

/* KEY=value, or for a value with a newline KEY\n<64-bit length>value */
static void
jfield(FILE *f, const char *key, const char *val)
{
	size_t n = strlen(val);

	if (!strchr(val, '\n')) {
		fprintf(f, "%s=%s\n", key, val);
		return;
	}
	fprintf(f, "%s\n", key);
	for (int i = 0; i < 8; i++)
		fputc((int)((uint64_t)n >> (8 * i) & 0xff), f);
	fwrite(val, 1, n, f);
	fputc('\n', f);
}

static void
to_journald(struct nono_export *x, struct target *t, json_t *ev, const char *raw, size_t len)
{
	char *buf = NULL, *msg = summary(ev), *event = xasprintf("%.*s", (int)len, raw);
	size_t blen = 0;
	FILE *f = open_memstream(&buf, &blen);
	const char *k;
	json_t *v;

	jfield(f, "MESSAGE", msg);
	jfield(f, "PRIORITY", strcmp(str(ev, "outcome"), "refused") == 0 ? "4" : "6");
	jfield(f, "SYSLOG_IDENTIFIER", "nono");
	jfield(f, "NONO_SESSION_ID", x->id);
	json_object_foreach(ev, k, v)
	{
		char key[64] = "NONO_", *val;
		size_t o = 5;

		/* field names: upper-case letters, digits and '_' */
		for (const char *c = k; *c && o < sizeof(key) - 1; c++)
			key[o++] = isalnum((unsigned char)*c) ? (char)toupper((unsigned char)*c) : '_';
		key[o] = '\0';
		if (!strcmp(key, "NONO_EVENT") || !(val = text(v)))
			continue;
		jfield(f, key, val);
		free(val);
	}
	jfield(f, "NONO_EVENT", event);
	fclose(f);
	send_dgram(t, buf, blen);
	free(buf);
	free(msg);
	free(event);
}

/* ---- syslog, RFC 5424 ---------------------------------------------------------------- */

/* an SD-PARAM value: '"', '\' and ']' escaped */
static void
sd_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\' || *s == ']')
			fputc('\\', f);
		fputc(*s, f);
	}
}

static void
to_syslog(struct nono_export *x, struct target *t, json_t *ev)
{
	char *buf = NULL, *msg = summary(ev), ts[40];
	size_t blen = 0;
	FILE *f = open_memstream(&buf, &blen);
	struct timespec now;
	struct tm tm;
	const char *k;
	json_t *v;
	int sev = strcmp(str(ev, "outcome"), "refused") == 0 ? 4 : 6;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, "<%d>1 %s.%06ldZ %s nono %d %s [%s session=\"", LOG_AUTHPRIV_F * 8 + sev, ts, now.tv_nsec / 1000,
		x->host, (int)getpid(), *str(ev, "type") ? str(ev, "type") : "-", SD_ID);
	sd_value(f, x->id);
	fputc('"', f);
	json_object_foreach(ev, k, v)
	{
		char *val;

		/* PARAM-NAMEs: printable, no '=', ' ', ']' or '"' (the trail's keys are) */
		if (!(val = text(v)))
			continue;
		fprintf(f, " %s=\"", k);
		sd_value(f, val);
		fputc('"', f);
		free(val);
	}
	fprintf(f, "] %s", msg);
	fclose(f);
	send_dgram(t, buf, blen);
	free(buf);
	free(msg);
}

/* ---- OCSF ---------------------------------------------------------------------------- */

struct ocsf_class {
	int class_uid, category_uid, activity_id;
	const char *class_name, *category_name, *activity_name;
};

/* The OCSF class and activity of an event. */
static struct ocsf_class
ocsf_class_of(json_t *ev)
{
	const char *type = str(ev, "type"), *op = str(ev, "op");
	struct ocsf_class fs = {1001, 1, 99, "File System Activity", "System Activity", "Other"};
	struct ocsf_class net = {4001, 4, 1, "Network Activity", "Network Activity", "Open"};
	struct ocsf_class proc = {1007, 1, 1, "Process Activity", "System Activity", "Launch"};

	if (!strcmp(type, "exec") || !strcmp(type, "session_start"))
		return proc;
	if (!strcmp(type, "end")) {
		proc.activity_id = 2;
		proc.activity_name = "Terminate";
		return proc;
	}
	if (!strcmp(type, "socket") || !strcmp(type, "network") ||
	    (!strcmp(type, "landlock") && !strncmp(str(ev, "blockers"), "net.", 4))) {
		if (!strcmp(str(ev, "outcome"), "refused"))
			net.activity_id = 5, net.activity_name = "Refuse";
		else if (!strcmp(op, "listen"))
			net.activity_id = 7, net.activity_name = "Listen";
		return net;
	}
	if (!strcmp(type, "metadata"))
		fs.activity_id = 6, fs.activity_name = "Set Attributes";
	else if (!strcmp(op, "mkdir") || !strcmp(op, "mknod") || !strcmp(op, "symlink") || !strcmp(op, "link"))
		fs.activity_id = 1, fs.activity_name = "Create";
	else if (!strcmp(op, "open-read"))
		fs.activity_id = 2, fs.activity_name = "Read";
	else if (!strncmp(op, "open-", 5) || !strcmp(op, "truncate"))
		fs.activity_id = 3, fs.activity_name = "Update";
	else if (!strcmp(op, "unlink") || !strcmp(op, "rmdir"))
		fs.activity_id = 4, fs.activity_name = "Delete";
	else if (!strcmp(op, "rename"))
		fs.activity_id = 5, fs.activity_name = "Rename";
	return fs;
}

static void
to_ocsf(struct nono_export *x, struct target *t, json_t *ev)
{
	struct ocsf_class c = ocsf_class_of(ev);
	const char *outcome = str(ev, "outcome");
	bool refused = !strcmp(outcome, "refused"), failed = !strcmp(outcome, "failed");
	struct timespec now;
	json_t *o, *pid = json_object_get(ev, "pid");
	char *line, *msg = summary(ev),
		    *uid = xasprintf("%s-%lld", x->id, (long long)json_integer_value(json_object_get(ev, "seq")));

	clock_gettime(CLOCK_REALTIME, &now);
	o = json_pack("{s:i, s:s, s:i, s:s, s:i, s:s, s:i, s:I, s:i, s:s, s:s, s:i, s:s, s:i, s:s, s:i, s:s}",
		      "class_uid", c.class_uid, "class_name", c.class_name, "category_uid", c.category_uid,
		      "category_name", c.category_name, "activity_id", c.activity_id, "activity_name", c.activity_name,
		      "type_uid", c.class_uid * 100 + c.activity_id, "time",
		      (json_int_t)now.tv_sec * 1000 + now.tv_nsec / 1000000, "severity_id", refused ? 3 : 1, "severity",
		      refused ? "Medium" : "Informational", "status",
		      refused || failed		 ? "Failure"
		      : !strcmp(outcome, "done") ? "Success"
						 : "Unknown",
		      "status_id",
		      refused || failed		 ? 2
		      : !strcmp(outcome, "done") ? 1
						 : 0,
		      "action", refused ? "Denied" : "Allowed", "action_id", refused ? 2 : 1, "disposition",
		      refused ? "Blocked" : "Allowed", "disposition_id", refused ? 2 : 1, "message", msg);
	if (*str(ev, "errno"))
		json_object_set_new(o, "status_detail", json_string(str(ev, "errno")));
	json_object_set_new(o, "metadata",
			    json_pack("{s:s, s:{s:s, s:s, s:s}, s:s, s:s, s:s}", "version", "1.1.0", "product", "name",
				      "nono", "vendor_name", "nono", "version", PACKAGE_VERSION, "uid", uid,
				      "correlation_uid", x->id, "log_name", "nono audit"));
	if (json_is_integer(pid))
		json_object_set_new(o, "actor", json_pack("{s:{s:O}}", "process", "pid", pid));
	if (c.class_uid == 1007 && *str(ev, "path"))
		json_object_set_new(o, "process", json_pack("{s:{s:s}}", "file", "path", str(ev, "path")));
	else if (c.class_uid == 1001 && *str(ev, "path"))
		json_object_set_new(o, "file", json_pack("{s:s}", "path", str(ev, "path")));
	else if (c.class_uid == 4001)
		json_object_set_new(
		    o, "dst_endpoint",
		    *str(ev, "host")
			? json_pack("{s:s, s:O}", "hostname", str(ev, "host"), "port", json_object_get(ev, "port"))
			: json_pack("{s:s}", "name", *str(ev, "target") ? str(ev, "target") : str(ev, "path")));
	json_object_set_new(o, "unmapped", json_pack("{s:s, s:O}", "session_id", x->id, "nono", ev));
	if ((line = json_dumps(o, JSON_COMPACT))) {
		char *nl = xasprintf("%s\n", line);

		if (nono_write_all(t->fd, nl, strlen(nl)) < 0)
			t->dropped++;
		free(nl);
		free(line);
	}
	json_decref(o);
	free(uid);
	free(msg);
}

void
nono_export_event(struct nono_export *x, const char *event, size_t len)
{
	json_t *ev;

	if (!x || !x->n || !(ev = json_loadb(event, len, 0, NULL)))
		return;
	for (size_t i = 0; i < x->n; i++) {
		struct target *t = &x->v[i];

		if (t->kind == K_JOURNALD)
			to_journald(x, t, ev, event, len);
		else if (t->kind == K_SYSLOG)
			to_syslog(x, t, ev);
		else
			to_ocsf(x, t, ev);
	}
	json_decref(ev);
}
