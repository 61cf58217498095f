/* cmd_audit.c - 'nono audit list|show|verify|cleanup': read the audit trail
 * that audit.c writes (supervisor side; never inside a sandbox). Reads
 * session.json and the events with jansson; the chain is checked on the
 * raw bytes by audit.c. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "base/log.h"
#include "base/util.h"
#include "cli/commands.h"
#include "cli/subcmd.h"
#include "config/settings.h"

static int cmd_list(const struct nono_subcmd_ctx *c, int argc, char **argv);
static int cmd_show(const struct nono_subcmd_ctx *c, int argc, char **argv);
static int cmd_verify(const struct nono_subcmd_ctx *c, int argc, char **argv);
static int cmd_cleanup(const struct nono_subcmd_ctx *c, int argc, char **argv);

static const struct nono_subcmd subs[] = {
    {"list", cmd_list, "[--since DATE] [--command CMD] [--json]",
     "List recorded sessions, oldest first: id, start, exit status, events, refusals, command.\n"
     "--since takes YYYY-MM-DD (UTC) or a full timestamp; --command keeps sessions whose\n"
     "command line contains CMD."},
    {"show", cmd_show, "ID [--all] [--json]",
     "Show one session: what ran, under which capabilities, and a timeline of its events,\n"
     "each with its outcome: done, REFUSED (by Landlock, the supervisor or the proxy),\n"
     "failed (with the errno), or unknown. Refusals are highlighted on a terminal\n"
     "(NO_COLOR honoured). --all shows the harmless probes every program makes too\n"
     "(glibc's nscd socket). ID may be a unique prefix, or 'last'; it is the session's\n"
     "rollback id too."},
    {"verify", cmd_verify, "ID",
     "Check a session's hash chain, its session.json and its ledger record. Names the line\n"
     "that was edited, deleted, inserted or reordered. Exit 0 when intact, 1 when not."},
    {"cleanup", cmd_cleanup, "[--keep N] [--older-than DAYS] [--dry-run]",
     "Remove old sessions: all but the newest N and those older than DAYS (defaults from\n"
     "[audit] keep and older_than_days in config.ini). Running sessions are kept. The\n"
     "ledger records what was removed."},
    {NULL, NULL, NULL, NULL},
};

static void
usage(FILE *f)
{
	fprintf(f, "Usage: nono audit COMMAND [OPTIONS]\n\n"
		   "The audit trail: every 'nono run' and 'nono shell' records what it ran and what was\n"
		   "refused, hash-chained, under $XDG_STATE_HOME/nono/audit (the sandbox cannot reach it).\n\n"
		   "Commands:\n");
	for (size_t i = 0; subs[i].name; i++)
		fprintf(f, "  %-8s %s\n", subs[i].name, subs[i].synopsis);
	fprintf(f, "\nRun 'nono audit COMMAND --help' for its options.\n");
}

/* Inside a sandbox the store is out of reach by design; say so plainly. */
static bool
inside_sandbox(const char *root)
{
	struct stat st;
	int fd;

	if (getenv("NONO_CAP_FILE"))
		return true;
	/* our own 0700 directory refusing us is Landlock's doing */
	if (stat(root, &st) == 0 && st.st_uid == geteuid()) {
		fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 && errno == EACCES)
			return true;
		if (fd >= 0)
			close(fd);
	}
	return false;
}

static bool
is_id(const char *s)
{
	/* 20261204-163630-820a96a3f, or an older 20250131-142501-3fa9c2 */
	size_t n = strlen(s);

	return (n == NONO_SESSION_ID_LEN || n == 22) && nono_session_id_valid(s);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the session ids in root, oldest first */
static void
list_ids(struct nono_strv *out, const char *root)
{
	DIR *d = opendir(root);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)))
		if (is_id(e->d_name))
			nono_strv_push(out, e->d_name);
	closedir(d);
	if (out->n)
		qsort(out->v, out->n, sizeof(char *), cmp_str);
}

static json_t *load_session(const char *root, const char *id);
static const char *jstr(json_t *o, const char *k);
static char *joined_argv(json_t *s);

/* ID, a unique prefix of one, or "last"; caller-owned, NULL with a message
 * (an ambiguous prefix lists the candidates) */
static char *
find_id(const char *root, const char *want)
{
	struct nono_strv ids = {0}, about = {0};
	char *found = NULL;
	int i;

	list_ids(&ids, root);
	for (size_t k = 0; k < ids.n && strcmp(want, "last") != 0; k++) {
		json_t *s = load_session(root, ids.v[k]);
		char *cmd = s ? joined_argv(s) : xstrdup("?");

		nono_strv_push_owned(&about, xasprintf("%.19s  %s", s ? jstr(s, "start") : "", cmd));
		free(cmd);
		json_decref(s);
	}
	if ((i = nono_subcmd_session(&ids, &about, want, "audit")) >= 0)
		found = xstrdup(ids.v[i]);
	nono_strv_free(&ids);
	nono_strv_free(&about);
	return found;
}

static json_t *
load_session(const char *root, const char *id)
{
	char *p = xasprintf("%s/%s/session.json", root, id);
	json_t *j = json_load_file(p, 0, NULL);

	free(p);
	if (j && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

static const char *
jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static char *
joined_argv(json_t *s)
{
	json_t *a = json_object_get(s, "argv"), *v;
	size_t i;
	char *out = xstrdup("");

	json_array_foreach(a, i, v)
	{
		char *n = xasprintf("%s%s%s", out, i ? " " : "", json_string_value(v) ? json_string_value(v) : "");

		free(out);
		out = n;
	}
	return out;
}

/* What came of an event: its "outcome", or for a trail of an older nono
 * its "verdict" ("refused", else nothing known: "") */
static const char *
outcome_of(json_t *ev)
{
	const char *o = json_string_value(json_object_get(ev, "outcome"));

	if (o)
		return o;
	return strcmp(jstr(ev, "verdict"), "refused") == 0 ? "refused" : "";
}

/* A refusal that counts: not one of the harmless probes every program makes. */
static bool
counts_as_refused(json_t *ev)
{
	return strcmp(outcome_of(ev), "refused") == 0 && !json_object_get(ev, "harmless");
}

/* events and refusals (harmless probes left out) */
static void
count_events(const char *root, const char *id, size_t *events, size_t *refused)
{
	char *p = xasprintf("%s/%s/events.ndjson", root, id);
	char *buf = nono_read_file(p, 0, NULL);

	*events = *refused = 0;
	for (char *l = buf; l && *l;) {
		char *nl = strchr(l, '\n');
		size_t el;
		const char *ev = nono_audit_record_event(l, nl ? (size_t)(nl - l) : strlen(l), &el);
		json_t *j = ev ? json_loadb(ev, el, 0, NULL) : NULL;

		(*events)++;
		*refused += j && counts_as_refused(j);
		json_decref(j);
		l = nl ? nl + 1 : l + strlen(l);
	}
	free(buf);
	free(p);
}

/* A session for --json: upstream's field names where the data is the same
 * (session_id, started, ended, command: the redacted command line,
 * executable_identity, exit_code, audit_event_count), then nono's own
 * (id, start, end, exit_status, argv, nono_command: run or shell, and with
 * all the rest of session.json: program, cwd, profile, capabilities,
 * ...). */
static json_t *
upstream_session(json_t *s, const char *id, bool all)
{
	json_t *o = json_object(), *v, *st = json_object_get(s, "exit_status");
	const char *k;

	json_object_set_new(o, "session_id", json_string(id));
	json_object_set(o, "started", json_object_get(s, "start") ? json_object_get(s, "start") : json_null());
	json_object_set(o, "ended", json_object_get(s, "end") ? json_object_get(s, "end") : json_null());
	json_object_set(o, "command",
			json_is_array(json_object_get(s, "argv")) ? json_object_get(s, "argv") : json_array());
	json_object_set_new(
	    o, "executable_identity",
	    json_pack("{s:O, s:O}", "resolved_path",
		      json_object_get(s, "program") ? json_object_get(s, "program") : json_null(), "sha256",
		      json_object_get(s, "program_sha256") ? json_object_get(s, "program_sha256") : json_null()));
	json_object_set(o, "exit_code", st ? st : json_null());
	if (json_is_integer(json_object_get(s, "events")))
		json_object_set(o, "audit_event_count", json_object_get(s, "events"));
	json_object_set_new(o, "id", json_string(id));
	json_object_set(o, "start", json_object_get(o, "started"));
	json_object_set(o, "end", json_object_get(o, "ended"));
	json_object_set(o, "exit_status", st ? st : json_null());
	json_object_set(o, "argv", json_object_get(o, "command"));
	json_object_set_new(o, "nono_command", json_string(jstr(s, "command")));
	json_object_foreach(s, k, v)
	{
		if (all && !json_object_get(o, k) && strcmp(k, "command") != 0)
			json_object_set(o, k, v);
	}
	return o;
}

static int
cmd_list(const struct nono_subcmd_ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"since", required_argument, NULL, 's'},
	    {"command", required_argument, NULL, 'c'},
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	const char *root = c->data, *since = NULL, *cmd = NULL;
	bool json = false;
	struct nono_strv ids = {0};
	json_t *out;
	int o, shown = 0;

	while ((o = nono_subcmd_opt(c, argc, argv, NULL, opts)) != -1) {
		if (o == NONO_SUBCMD_HELP || o == NONO_SUBCMD_USAGE)
			return o == NONO_SUBCMD_HELP ? 0 : 2;
		if (o == 's')
			since = optarg;
		else if (o == 'c')
			cmd = optarg;
		else
			json = true;
	}
	if (nono_subcmd_no_args(c, argc, argv))
		return 2;
	if (since && (strlen(since) < 10 || since[4] != '-' || since[7] != '-'))
		return nono_subcmd_usage(c, NULL, "--since %s: expected YYYY-MM-DD", since);
	out = json_array();
	list_ids(&ids, root);
	if (!json)
		printf("%-25s  %-19s  %6s  %6s  %7s  %s\n", "ID", "START (UTC)", "STATUS", "EVENTS", "REFUSED",
		       "COMMAND");
	for (size_t i = 0; i < ids.n; i++) {
		json_t *s = load_session(root, ids.v[i]);
		char *line;
		size_t ne, nr;
		const char *start;
		json_t *st;
		char status[16];

		if (!s)
			continue;
		start = jstr(s, "start");
		line = joined_argv(s);
		if ((since && strcmp(start, since) < 0) || (cmd && !strstr(line, cmd))) {
			free(line);
			json_decref(s);
			continue;
		}
		count_events(root, ids.v[i], &ne, &nr);
		st = json_object_get(s, "exit_status");
		if (json_is_integer(st))
			snprintf(status, sizeof(status), "%d", (int)json_integer_value(st));
		else
			snprintf(status, sizeof(status), "%s", "-");
		if (json) {
			json_t *row = upstream_session(s, ids.v[i], false);

			json_object_set_new(row, "events", json_integer((json_int_t)ne));
			json_object_set_new(row, "refused", json_integer((json_int_t)nr));
			json_array_append_new(out, row);
		} else {
			char *shown_line = nono_str_escape(line), *shown_start = nono_str_escape(start);

			printf("%-25s  %.10s %.8s  %6s  %6zu  %s%7zu%s  %s%s\n", ids.v[i], shown_start,
			       strlen(shown_start) > 11 ? shown_start + 11 : "", status, ne, nr ? nono_c(1, C_RED) : "",
			       nr, nr ? nono_c(1, C_RESET) : "",
			       strcmp(jstr(s, "command"), "shell") == 0 ? "[shell] " : "", shown_line);
			free(shown_start);
			free(shown_line);
		}
		shown++;
		free(line);
		json_decref(s);
	}
	if (json) {
		char *d = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

		puts(d ? d : "[]");
		free(d);
	} else if (!shown) {
		printf("(no sessions%s)\n", since || cmd ? " match" : " recorded yet");
	}
	json_decref(out);
	nono_strv_free(&ids);
	return 0;
}

/* The outcome column: REFUSED (highlighted), failed, unknown; nothing
 * for done; "allowed" for an exec the supervisor let the kernel perform
 * (its result is not seen). */
static const char *
outcome_column(json_t *ev, const char *type)
{
	const char *o = outcome_of(ev);

	if (strcmp(o, "refused") == 0)
		return "REFUSED";
	if (strcmp(o, "unknown") == 0)
		return strcmp(type, "exec") == 0 ? "allowed" : "unknown";
	return strcmp(o, "failed") == 0 ? "failed" : "";
}

/* "  (Landlock, EACCES)", "  (ENOENT)", "  (harmless: why)" */
static void
print_why(json_t *ev, struct nono_strv *pool)
{
	const char *by = json_string_value(json_object_get(ev, "refused_by"));
	const char *e = json_string_value(json_object_get(ev, "errno"));
	const char *harmless = json_string_value(json_object_get(ev, "harmless"));

	if (by || e) {
		printf("  (%s%s%s)",
		       !by			       ? ""
		       : strcmp(by, "landlock") == 0   ? "Landlock"
		       : strcmp(by, "seccomp") == 0    ? "the seccomp filter"
		       : strcmp(by, "supervisor") == 0 ? "the supervisor"
		       : strcmp(by, "proxy") == 0      ? "the proxy"
						       : nono_str_escape_in(pool, by),
		       by && e ? ", " : "", e ? nono_str_escape_in(pool, e) : "");
	}
	if (harmless)
		printf("  (harmless: %s)", nono_str_escape_in(pool, harmless));
}

/* One event of the timeline. Its strings came from the sandbox (paths,
 * argv, URLs, hosts): escaped for the terminal. */
static void
print_event(json_t *ev)
{
	struct nono_strv pool = {0};
	const char *type = jstr(ev, "type"), *time = jstr(ev, "time"), *col = outcome_column(ev, type);
	bool refused = strcmp(col, "REFUSED") == 0;
	json_t *pid = json_object_get(ev, "pid");
	char pids[24] = "";

#define E(k) nono_str_escape_in(&pool, jstr(ev, k))
	if (json_is_integer(pid))
		snprintf(pids, sizeof(pids), "%d", (int)json_integer_value(pid));
	time = nono_str_escape_in(&pool, strlen(time) > 11 ? time + 11 : time);
	printf("  %s%.12s%s  %7s  %s%-8s%s ", nono_c(1, C_DIM), time, nono_c(1, C_RESET), pids,
	       refused ? nono_c(1, C_RED C_BOLD) : "", col, "");
	if (strcmp(type, "exec") == 0) {
		json_t *v;
		size_t i;

		printf("exec     %s", E("path"));
		json_array_foreach(json_object_get(ev, "argv"), i, v)
		{
			printf("%s%s", i ? " " : "  $ ", nono_str_escape_in(&pool, json_string_value(v)));
		}
		if (refused)
			printf("  (%s)", E("reason"));
	} else if (strcmp(type, "metadata") == 0 || strcmp(type, "file") == 0) {
		printf("%-8s %s %s", type, E("op"), E("path"));
		print_why(ev, &pool);
	} else if (strcmp(type, "socket") == 0) {
		printf("socket   %s %s", E("op"), E("target"));
		print_why(ev, &pool);
	} else if (strcmp(type, "network") == 0) {
		printf("network  %s %s:%d", E("op"), E("host"), (int)json_integer_value(json_object_get(ev, "port")));
		print_why(ev, &pool);
	} else if (strcmp(type, "landlock") == 0) {
		printf("landlock %s %s", E("blockers"), E("path"));
		print_why(ev, &pool);
	} else if (strcmp(type, "syscall") == 0) {
		printf("syscall  %s", E("path"));
		print_why(ev, &pool);
	} else if (strcmp(type, "approval_request") == 0) {
		printf("asked    #%s %s %s (pid %s: %s; for good: %s)%s", E("request"), E("access"), E("path"),
		       E("pid"), E("argv"), E("grant"), *jstr(ev, "notified") ? ", desktop notified" : "");
	} else if (strcmp(type, "approval_answer") == 0) {
		printf("answered #%s %s by %s: %s", E("request"), E("answer"), E("by"), E("path"));
	} else if (strcmp(type, "end") == 0) {
		printf("end      exit status %d", (int)json_integer_value(json_object_get(ev, "exit_status")));
	} else {
		printf("%s", E("type"));
	}
#undef E
	printf("%s\n", refused ? nono_c(1, C_RESET) : "");
	nono_strv_free(&pool);
}

/* The session's header and its timeline, for a terminal: every string
 * from session.json is escaped (argv and program came from the user, but
 * a path can be a name the sandbox chose). */
static void
print_session(json_t *s, const char *id, json_t *events, size_t nref, bool all)
{
	size_t nharm = 0, nfail = 0;
	struct nono_strv pool = {0};
	json_t *st = json_object_get(s, "exit_status"), *caps = json_object_get(s, "capabilities"), *v;
	char *cmdline = joined_argv(s);
	size_t i;

#define E(k) nono_str_escape_in(&pool, jstr(s, k))
	printf("%sSession %s%s  (nono %s %s)\n", nono_c(1, C_BOLD), id, nono_c(1, C_RESET), E("command"),
	       E("nono_version"));
	printf("  Command:   %s\n", nono_str_escape_in(&pool, cmdline));
	printf("  Program:   %s\n", E("program"));
	printf("  SHA-256:   %s\n",
	       json_is_string(json_object_get(s, "program_sha256")) ? E("program_sha256") : "(not computed)");
	printf("  Workdir:   %s\n", E("cwd"));
	printf("  Profile:   %s\n", json_is_string(json_object_get(s, "profile")) ? E("profile") : "(none)");
	printf("  Landlock:  ABI %d; kernel denials %s\n", (int)json_integer_value(json_object_get(s, "landlock_abi")),
	       E("kernel_denials"));
	printf("  Started:   %s\n", E("start"));
	printf("  Ended:     %s\n",
	       json_is_string(json_object_get(s, "end")) ? E("end") : "(running, or nono was killed)");
#undef E
	if (json_is_integer(st))
		printf("  Exit:      %d\n", (int)json_integer_value(st));
	printf("  Grants:   ");
	json_array_foreach(json_object_get(caps, "fs"), i, v)
	{
		if (json_is_true(json_object_get(v, "carved")) || strncmp(jstr(v, "source"), "group:", 6) == 0)
			continue;
		printf(" %s (%s)", nono_str_escape_in(&pool, jstr(v, "path")),
		       nono_str_escape_in(&pool, jstr(v, "access")));
	}
	printf("\n  Network:   %s\n", json_is_true(json_object_get(caps, "net_blocked")) ? "blocked" : "allowed");
	json_array_foreach(events, i, v)
	{
		nharm += json_object_get(v, "harmless") != NULL;
		nfail += strcmp(outcome_of(v), "failed") == 0 && !json_object_get(v, "harmless");
	}
	printf("\n%zu events, %s%zu refused%s, %zu failed", json_array_size(events), nref ? nono_c(1, C_RED) : "", nref,
	       nref ? nono_c(1, C_RESET) : "", nfail);
	if (nharm && !all)
		printf(" (%zu harmless probe%s not shown: --all)", nharm, nharm == 1 ? "" : "s");
	printf(":\n");
	json_array_foreach(events, i, v)
	{
		if (all || !json_object_get(v, "harmless"))
			print_event(v);
	}
	free(cmdline);
	nono_strv_free(&pool);
}

static int
cmd_show(const struct nono_subcmd_ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"all", no_argument, NULL, 'a'},
	    {NULL, 0, NULL, 0},
	};
	const char *root = c->data;
	bool json = false, all = false;
	int o, rc = 0;
	char *id = NULL, *p = NULL, *buf = NULL, *line;
	json_t *s = NULL, *events = json_array();
	size_t nref = 0;

	while ((o = nono_subcmd_opt(c, argc, argv, NULL, opts)) != -1) {
		if (o == NONO_SUBCMD_HELP || o == NONO_SUBCMD_USAGE) {
			rc = o == NONO_SUBCMD_HELP ? 0 : 2;
			goto out;
		}
		if (o == 'a')
			all = true;
		else
			json = true;
	}
	if (optind != argc - 1) {
		rc = nono_subcmd_usage(c, "see 'nono audit list'", "one session ID, please");
		goto out;
	}
	if (!(id = find_id(root, argv[optind]))) {
		rc = 1;
		goto out;
	}
	if (!(s = load_session(root, id))) {
		log_error("audit session %s: session.json is missing or not JSON", id);
		log_hint("nono audit verify %s", id);
		rc = 1;
		goto out;
	}
	p = xasprintf("%s/%s/events.ndjson", root, id);
	buf = nono_read_file(p, 0, NULL);
	for (line = buf; line && *line;) {
		char *nl = strchr(line, '\n');
		size_t el;
		const char *ev = nono_audit_record_event(line, nl ? (size_t)(nl - line) : strlen(line), &el);
		json_t *j = ev ? json_loadb(ev, el, 0, NULL) : NULL;

		if (j) {
			nref += counts_as_refused(j);
			json_array_append_new(events, j);
		}
		line = nl ? nl + 1 : line + strlen(line);
	}
	if (json) {
		json_t *doc = json_pack("{s:o, s:O}", "session", upstream_session(s, id, true), "events", events);
		char *d = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

		puts(d ? d : "{}");
		free(d);
		json_decref(doc);
		goto out;
	}
	print_session(s, id, events, nref, all);
out:
	json_decref(s);
	json_decref(events);
	free(buf);
	free(p);
	free(id);
	return rc;
}

/* events.ndjson has lines, session.json recorded want */
static void
say_count(const char *id, size_t lines, long long want)
{
	if (want == (long long)lines + 1)
		printf("%s: TAMPERED: events.ndjson ends after line %zu but the session recorded %lld events: "
		       "line %lld was deleted\n",
		       id, lines, want, want);
	else if (want > (long long)lines)
		printf("%s: TAMPERED: events.ndjson ends after line %zu but the session recorded %lld events: "
		       "lines %zu-%lld were deleted\n",
		       id, lines, want, lines + 1, want);
	else
		printf("%s: TAMPERED: events.ndjson has %zu lines but the session recorded %lld: lines %lld-%zu "
		       "were appended\n",
		       id, lines, want, want + 1, lines);
}

/* The ledger's own chain, then the record of session id, whose
 * session.json is sbuf: the record's line, or 0 (said on stdout). */
static size_t
verify_ledger(const char *root, const char *id, const char *sbuf, size_t slen)
{
	char *lp = xasprintf("%s/ledger.ndjson", root), *lbuf = NULL, *want = NULL;
	char gen[NONO_AUDIT_HEX], sha[NONO_AUDIT_HEX];
	struct nono_audit_check lck;
	size_t llen = 0, n = 0, line = 0;

	nono_audit_sha256(sha, sbuf, slen);
	if (!(lbuf = nono_read_file(lp, 0, &llen))) {
		printf("%s: TAMPERED: the ledger (%s) is missing\n", id, lp);
		goto out;
	}
	nono_audit_genesis(gen, NULL);
	if (nono_audit_check_chain(&lck, lbuf, llen, gen) < 0) {
		printf("%s: TAMPERED: ledger.ndjson %s\n", id, lck.why);
		goto out;
	}
	want = xasprintf("\"type\":\"session\",\"id\":\"%s\",", id);
	for (char *l = lbuf; *l;) {
		char *nl = strchr(l, '\n');

		n++;
		if (nl)
			*nl = '\0';
		if (strstr(l, want)) {
			line = n;
			if (!strstr(l, sha)) {
				printf("%s: TAMPERED: session.json differs from what the ledger recorded (line %zu)\n",
				       id, n);
				line = 0;
				goto out;
			}
		}
		l = nl ? nl + 1 : l + strlen(l);
	}
	if (!line)
		printf("%s: TAMPERED: the ledger has no record of this session\n", id);
out:
	free(want);
	free(lbuf);
	free(lp);
	return line;
}

/* 0 intact, 1 tampered or incomplete; says which on stdout */
static int
verify_one(const char *root, const char *id)
{
	char *dir = xasprintf("%s/%s", root, id), *p = xasprintf("%s/events.ndjson", dir);
	char *sp = xasprintf("%s/session.json", dir);
	char *buf = NULL, *sbuf = NULL, gen[NONO_AUDIT_HEX];
	size_t len = 0, slen = 0;
	struct nono_audit_check ck;
	json_t *s = NULL;
	const char *final;
	size_t ledger_line = 0;
	int rc = 1;

	if (!(buf = nono_read_file(p, 0, &len))) {
		printf("%s: TAMPERED: events.ndjson is missing\n", id);
		goto out;
	}
	nono_audit_genesis(gen, id);
	if (nono_audit_check_chain(&ck, buf, len, gen) < 0) {
		printf("%s: TAMPERED: events.ndjson %s\n", id, ck.why);
		goto out;
	}
	if (!(sbuf = nono_read_file(sp, 0, &slen)) || !(s = json_loadb(sbuf, slen, 0, NULL)) || !json_is_object(s)) {
		printf("%s: TAMPERED: session.json is missing or not JSON\n", id);
		goto out;
	}
	final = json_string_value(json_object_get(s, "final_digest"));
	if (!final) {
		printf("%s: INCOMPLETE: session.json has no final digest (still running, or nono was killed); "
		       "the chain is intact through line %zu\n",
		       id, ck.lines);
		goto out;
	}
	if (json_integer_value(json_object_get(s, "events")) != (json_int_t)ck.lines) {
		say_count(id, ck.lines, (long long)json_integer_value(json_object_get(s, "events")));
		goto out;
	}
	if (strcmp(final, ck.last) != 0) {
		printf("%s: TAMPERED: the chain's last digest is not session.json's final digest (events or "
		       "session.json edited)\n",
		       id);
		goto out;
	}
	/* the ledger: its own chain, then this session's record */
	if (!(ledger_line = verify_ledger(root, id, sbuf, slen)))
		goto out;
	printf("%s: intact: %zu events, chain and session.json match ledger record %zu\n", id, ck.lines, ledger_line);
	rc = 0;
out:
	json_decref(s);
	free(buf);
	free(sbuf);
	free(dir);
	free(p);
	free(sp);
	return rc;
}

static int
cmd_verify(const struct nono_subcmd_ctx *c, int argc, char **argv)
{
	char *id;
	int o, rc;

	while ((o = nono_subcmd_opt(c, argc, argv, NULL, NULL)) != -1)
		return o == NONO_SUBCMD_HELP ? 0 : 2;
	if (optind != argc - 1)
		return nono_subcmd_usage(c, "see 'nono audit list'", "one session ID, please");
	if (!(id = find_id(c->data, argv[optind])))
		return 1;
	rc = verify_one(c->data, id);
	free(id);
	return rc;
}

/* a session whose supervisor still runs */
static bool
running(json_t *s)
{
	json_t *pid = json_object_get(s, "supervisor_pid");

	return !json_is_string(json_object_get(s, "end")) && json_is_integer(pid) &&
	       kill((pid_t)json_integer_value(pid), 0) == 0;
}

/* cleanup's options: -1 to go on, else the exit status */
static int
cleanup_opts(const struct nono_subcmd_ctx *c, int argc, char **argv, long *keep, long *days, bool *dry)
{
	static const struct option opts[] = {
	    {"keep", required_argument, NULL, 'k'},
	    {"older-than", required_argument, NULL, 'o'},
	    {"dry-run", no_argument, NULL, 'n'},
	    {NULL, 0, NULL, 0},
	};
	int o;

	while ((o = nono_subcmd_opt(c, argc, argv, NULL, opts)) != -1) {
		char *end;
		long v;

		if (o == NONO_SUBCMD_HELP || o == NONO_SUBCMD_USAGE)
			return o == NONO_SUBCMD_HELP ? 0 : 2;
		if (o == 'n') {
			*dry = true;
			continue;
		}
		v = strtol(optarg, &end, 10);
		if (!*optarg || *end || v < 0)
			return nono_subcmd_usage(c, NULL, "--%s %s: expected a number",
						 o == 'k' ? "keep" : "older-than", optarg);
		*(o == 'k' ? keep : days) = v;
	}
	return nono_subcmd_no_args(c, argc, argv) ? 2 : -1;
}

static int
cmd_cleanup(const struct nono_subcmd_ctx *c, int argc, char **argv)
{
	const char *root = c->data;
	long keep = nono_settings()->audit_keep, days = nono_settings()->audit_days;
	bool dry = false;
	struct nono_strv ids = {0}, gone = {0};
	time_t now = time(NULL);
	char cutoff[32];
	struct tm tm;
	int rc = 0;

	if ((rc = cleanup_opts(c, argc, argv, &keep, &days, &dry)) >= 0)
		return rc;
	rc = 0;
	now -= (time_t)days * 86400;
	gmtime_r(&now, &tm);
	strftime(cutoff, sizeof(cutoff), "%Y%m%d-%H%M%S", &tm);
	list_ids(&ids, root);
	for (size_t i = 0; i < ids.n; i++) {
		bool old = strncmp(ids.v[i], cutoff, 15)<0, excess = ids.n - i>(size_t) keep;
		json_t *s;

		if (!old && !excess)
			continue;
		s = load_session(root, ids.v[i]);
		if (s && running(s)) {
			json_decref(s);
			continue;
		}
		json_decref(s);
		if (!dry) {
			char *d = xasprintf("%s/%s", root, ids.v[i]);
			int r = nono_rm_rf(d);

			free(d);
			if (r < 0) {
				log_warn("cannot remove audit session %s: %s", ids.v[i], strerror(-r));
				rc = 1;
				continue;
			}
		}
		nono_strv_push(&gone, ids.v[i]);
		printf("%s %s\n", dry ? "would remove" : "removed", ids.v[i]);
	}
	if (gone.n && !dry) {
		char *body = xstrdup(",\"type\":\"cleanup\",\"removed\":[");
		struct nono_error err = {0};

		for (size_t i = 0; i < gone.n; i++) {
			char *n = xasprintf("%s%s\"%s\"", body, i ? "," : "", gone.v[i]);

			free(body);
			body = n;
		}
		{
			char *n = xasprintf("%s]", body);

			free(body);
			body = n;
		}
		if (nono_audit_ledger_append(root, body, &err) < 0) {
			log_error("%s", err.msg);
			rc = 1;
		}
		free(body);
	}
	printf("%s %zu of %zu sessions (keep %ld, older than %ld days)\n", dry ? "would remove" : "removed", gone.n,
	       ids.n, keep, days);
	nono_strv_free(&ids);
	nono_strv_free(&gone);
	return rc;
}

/* Inside a sandbox the store is out of reach: say so before anything. */
static int
guard(const char *sub, void *root)
{
	if (!inside_sandbox(root))
		return 0;
	log_error("'nono audit %s' cannot be used inside a sandbox", sub);
	log_hint("run it outside nono; the sandbox can neither read nor change the audit trail");
	return 125;
}

int
nono_cmd_audit(int argc, char **argv)
{
	static const struct nono_subcmds cmd = {"audit", usage, subs, guard};
	char *root = nono_audit_root();
	int rc = nono_subcmd_dispatch(&cmd, argc, argv, root);

	free(root);
	return rc;
}
