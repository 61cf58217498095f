/* cmd_rollback.c - 'nono rollback list|show|restore|verify|cleanup'
 * (supervisor side, never inside a sandbox). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"
#include "cli/commands.h"
#include "cli/subcmd.h"
#include "config/settings.h"
#include "store/diff.h"
#include "store/journal.h"
#include "store/persist.h"
#include "store/rollback.h"

static void
usage(FILE *f)
{
	fprintf(f, "Usage: nono rollback COMMAND [ARGS]\n\n"
		   "What a sandboxed session destroyed (deleted, truncated, overwrote, renamed away,\n"
		   "chmodded) was saved just before it happened; these commands show it and bring it back.\n\n"
		   "Commands:\n"
		   "  list [--json]                          sessions: time, command, directory, changed paths\n"
		   "  show ID [--diff] [--stat] [--binary] [--json]\n"
		   "                                         each changed path; --diff: a git patch of the\n"
		   "                                         session's changes (git apply -R undoes them),\n"
		   "                                         --stat: a diffstat, through $PAGER on a terminal\n"
		   "  restore ID [--dry-run] [--path P] [--force] [--include-vcs]\n"
		   "                                         put every path (or those under P) back as it was;\n"
		   "                                         refused for paths changed since the session unless\n"
		   "                                         --force; .git, .hg and .svn are left alone unless\n"
		   "                                         --include-vcs; a restore point is made first\n"
		   "  restore ID --quarantined [--path P]    put back the session's versions of what was\n"
		   "                                         neutralised (files that would run outside later)\n"
		   "  verify ID                              re-hash the saved content of a session\n"
		   "  cleanup [--keep N] [--older-than DAYS] [--dry-run]\n"
		   "                                         remove old sessions and unreferenced content\n\n"
		   "ID 'last' names the newest session.\n");
}

static const char *
when(long long t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t)
		return "-";
	localtime_r(&tt, &tm);
	strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

/* getopt_long over a subcommand's own flags; unknown ones are errors */
struct opts {
	bool json, diff, stat, binary, dry_run, verbose, force, include_vcs, quarantined;
	const char *path;
	long keep, days;
	bool keep_set, days_set;
	const char *id;
};

static int
parse(const struct nono_subcmd_ctx *c, int argc, char **argv, struct opts *o, bool want_id)
{
	static const struct option longs[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"diff", no_argument, NULL, 'd'},
	    {"dry-run", no_argument, NULL, 'n'},
	    {"path", required_argument, NULL, 'p'},
	    {"keep", required_argument, NULL, 'k'},
	    {"older-than", required_argument, NULL, 'o'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"force", no_argument, NULL, 'f'},
	    {"include-vcs", no_argument, NULL, 'V'},
	    {"stat", no_argument, NULL, 's'},
	    {"binary", no_argument, NULL, 'b'},
	    {"quarantined", no_argument, NULL, 'q'},
	    {NULL, 0, NULL, 0},
	};
	int opt;

	memset(o, 0, sizeof(*o));
	while ((opt = nono_subcmd_opt(c, argc, argv, "v", longs)) != -1) {
		char *end;

		switch (opt) {
		case NONO_SUBCMD_HELP:
			return 1;
		case NONO_SUBCMD_USAGE:
			return 2;
		case 'j':
			o->json = true;
			break;
		case 'd':
			o->diff = true;
			break;
		case 'n':
			o->dry_run = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'q':
			o->quarantined = true;
			break;
		case 'f':
			o->force = true;
			break;
		case 'V':
			o->include_vcs = true;
			break;
		case 's':
			o->stat = true;
			break;
		case 'b':
			o->binary = true;
			break;
		case 'p':
			o->path = optarg;
			break;
		default: {
			long *v = opt == 'k' ? &o->keep : &o->days;

			errno = 0;
			*v = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || *v < 0)
				return nono_subcmd_usage(c, NULL, "--%s takes a number, not '%s'",
							 opt == 'k' ? "keep" : "older-than", optarg);
			*(opt == 'k' ? &o->keep_set : &o->days_set) = true;
		}
		}
	}
	if (want_id) {
		if (optind >= argc)
			return nono_subcmd_usage(c, "'nono rollback list' shows the ids; 'last' is the newest",
						 "which session?");
		o->id = argv[optind++];
	}
	return nono_subcmd_no_args(c, argc, argv);
}

/* Load the session named id: an id (the one its audit trail has too), a
 * unique prefix of one, or "last" (the newest). An ambiguous prefix is an
 * error that lists the candidates. */
static int
load(const char *store, const char *id, struct nono_rb_session *s)
{
	struct nono_error err = {0};
	struct nono_rb_session *all = NULL;
	struct nono_strv ids = {0}, about = {0};
	size_t n = 0;
	int i, r = -ENOENT;
	char buf[32];

	if (nono_rb_list(store, &all, &n, &err) < 0) {
		log_error("%s", err.msg);
		return err.code;
	}
	for (size_t k = 0; k < n; k++) {
		nono_strv_push(&ids, all[k].id);
		nono_strv_push_owned(&about,
				     xasprintf("%s  %s", when(all[k].started, buf, sizeof(buf)), all[k].command));
	}
	/* 'last' is the newest session of a program, not a restore's restore point */
	for (i = (int)n - 1; strcmp(id, "last") == 0 && i >= 0 && all[i].restore_of; i--)
		;
	if (strcmp(id, "last") != 0 || i < 0)
		i = nono_subcmd_session(&ids, &about, id, "rollback");
	if (i >= 0) {
		*s = all[i];
		memset(&all[i], 0, sizeof(all[i]));
		r = 0;
	}
	for (size_t k = 0; k < n; k++)
		nono_rb_session_free(&all[k]);
	free(all);
	nono_strv_free(&ids);
	nono_strv_free(&about);
	return r;
}

/* ---- list ----------------------------------------------------------------- */

static int
cmd_list(const struct nono_subcmd_ctx *c, int argc, char **argv)
{
	const char *store = c->data;
	struct opts o;
	struct nono_rb_session *ss;
	size_t n;
	struct nono_error err = {0};
	int r = parse(c, argc, argv, &o, false);
	char buf[32];

	if (r)
		return r == 1 ? 0 : r;
	if (nono_rb_list(store, &ss, &n, &err) < 0) {
		log_error("%s", err.msg);
		return 1;
	}
	if (o.json) {
		json_t *a = json_array();
		char *s;

		for (size_t i = 0; i < n; i++)
			json_array_append_new(
			    a, json_pack("{s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:i, s:b}", "session_id", ss[i].id, "id",
					 ss[i].id, "command", ss[i].command, "cwd", ss[i].cwd, "started",
					 (json_int_t)ss[i].started, "ended",
					 ss[i].ended ? json_integer(ss[i].ended) : json_null(), "changed",
					 ss[i].changed >= 0 ? json_integer(ss[i].changed) : json_null(), "recorded",
					 ss[i].recorded, "running", ss[i].running));
		for (size_t i = 0; i < n; i++)
			if (ss[i].persist_only)
				json_object_set_new(json_array_get(a, i), "persist_only", json_true());
		s = json_dumps(a, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(s);
		free(s);
		json_decref(a);
	} else if (n == 0) {
		printf("No rollback sessions. A session is kept when a sandboxed program changed something\n"
		       "while rollback was on (the default; --no-rollback turns it off).\n");
	} else {
		printf("%-24s %-19s %7s  %s\n", "ID", "STARTED", "CHANGED", "COMMAND (DIRECTORY)");
		for (size_t i = 0; i < n; i++) {
			struct nono_strv pool = {0};
			char changed[16];
			char *cwd = nono_path_display(ss[i].cwd);

			if (ss[i].running)
				snprintf(changed, sizeof(changed), "running");
			else if (ss[i].persist_only)
				snprintf(changed, sizeof(changed), "quarant");
			else if (ss[i].changed < 0)
				snprintf(changed, sizeof(changed), "?");
			else
				snprintf(changed, sizeof(changed), "%d", ss[i].changed);
			/* the command line and the directory as the sandbox may have named them */
			printf("%-24s %-19s %7s  %s (%s)\n", nono_str_escape_in(&pool, ss[i].id),
			       when(ss[i].started, buf, sizeof(buf)), changed, nono_str_escape_in(&pool, ss[i].command),
			       nono_str_escape_in(&pool, cwd));
			nono_strv_free(&pool);
			free(cwd);
		}
	}
	for (size_t i = 0; i < n; i++)
		nono_rb_session_free(&ss[i]);
	free(ss);
	return 0;
}

/* ---- show ------------------------------------------------------------------ */

static const char *
status_of(const struct nono_entry *e)
{
	struct stat st;
	bool now = lstat(e->path, &st) == 0;

	if (!nono_entry_changed(e))
		return "unchanged";
	if (e->type == NONO_ENTRY_ABSENT)
		return "created";
	if (!now)
		return "deleted";
	if ((e->type == NONO_ENTRY_FILE && !S_ISREG(st.st_mode)) ||
	    (e->type == NONO_ENTRY_DIR && !S_ISDIR(st.st_mode)) ||
	    (e->type == NONO_ENTRY_SYMLINK && !S_ISLNK(st.st_mode)))
		return "replaced";
	if (e->type == NONO_ENTRY_FILE) {
		/* the same but for the mode? */
		struct nono_entry same_mode = *e;

		same_mode.mode = (unsigned)st.st_mode;
		return nono_entry_changed(&same_mode) ? "modified" : "mode";
	}
	if (e->type == NONO_ENTRY_DIR)
		return "mode";
	return "modified";
}

/* A file with hard links: how restore brings it back. A name that has the
 * saved content still but no longer names the file its other names hold is
 * "replaced": restore links it back. */
static enum nono_rb_link
link_plan(const struct nono_rb_links *l, const struct nono_entry *e, const char **status, unsigned *names)
{
	enum nono_rb_link k = nono_rb_links_how(l, e, names);

	if (k == NONO_RB_LINK_BACK && !strcmp(*status, "unchanged"))
		*status = "replaced";
	return k;
}

static const char *
link_note(enum nono_rb_link k, unsigned names, char *buf, size_t n)
{
	if (k == NONO_RB_LINK_NONE)
		return "";
	snprintf(buf, n, "  (hard link: %u names, %s)", names,
		 k == NONO_RB_LINK_IN_PLACE ? "restored in place"
		 : k == NONO_RB_LINK_BACK   ? "replaced: linked back to its other name"
					  : "no name of it found: restored as a new file, one for its recorded names");
	return buf;
}

/* Where the diff goes: through $PAGER (else less -FRX) on a terminal, as
 * git does, else straight to stdout. */
static FILE *
pager_open(bool *paged)
{
	const char *pager = getenv("PAGER");
	FILE *p;

	*paged = false;
	if (!isatty(1))
		return stdout;
	if (!pager || !*pager)
		pager = "less";
	if (strcmp(pager, "cat") == 0)
		return stdout;
	/* less: quit when it fits, colours as they are, no clearing */
	setenv("LESS", getenv("LESS") ? getenv("LESS") : "FRX", 0);
	fflush(stdout);
	if (!(p = popen(pager, "we")))
		return stdout;
	*paged = true;
	return p;
}

static void
pager_close(FILE *f, bool paged)
{
	if (paged)
		pclose(f);
	else
		fflush(f);
}

/* show --diff / --stat: the session's changes as a git patch */
static int
show_diff(const char *store, const struct nono_rb_session *s, const struct opts *o)
{
	struct nono_rb_diff_opts d = {.patch = o->diff, .stat = o->stat, .binary = o->binary};
	struct nono_error err = {0};
	bool paged;
	FILE *f;
	int r;
	struct winsize ws;

	d.colour = nono_log_colour(1);
	/* on a terminal the sandbox's bytes are escaped; elsewhere a patch is exact */
	d.escape = isatty(1);
	if (isatty(1) && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		d.width = ws.ws_col;
	/* a pager dies of SIGPIPE when quit early: never take nono with it */
	signal(SIGPIPE, SIG_IGN);
	f = pager_open(&paged);
	r = nono_rb_diff(store, s, &d, f, &err);
	pager_close(f, paged);
	if (r < 0) {
		log_error("%s", err.msg);
		return 1;
	}
	return 0;
}

/* What the persistence sweep neutralised (persist.h), as JSON. */
static json_t *
neutralised_json(const char *dir)
{
	struct nono_persist_item *it;
	size_t n;
	json_t *a = json_array();

	if (nono_persist_read(dir, &it, &n) < 0)
		return a;
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:o}", "path", it[i].path, "what", it[i].what,
						   "action", it[i].action, "quarantine",
						   it[i].quarantine ? json_string(it[i].quarantine) : json_null()));
	nono_persist_items_free(it, n);
	return a;
}

static void
print_neutralised(const char *dir, const char *id, bool colour)
{
	struct nono_persist_item *it;
	size_t n;
	struct nono_strv pool = {0};

	if (nono_persist_read(dir, &it, &n) < 0 || !n)
		return;
	printf("\nNeutralised (would have run outside the sandbox later):\n");
	for (size_t i = 0; i < n; i++)
		printf("%s%-10s%s %s  (%s: %s)\n", colour ? C_YELLOW : "", "neutral", colour ? C_RESET : "",
		       nono_str_escape_in(&pool, it[i].path), it[i].what, nono_str_escape_in(&pool, it[i].action));
	printf("The session's versions: nono rollback restore %s --quarantined [--path P]\n", id);
	nono_persist_items_free(it, n);
	nono_strv_free(&pool);
}

/* What the journal left out and what it refused, after the changed paths. */
static void
print_left_out(const struct nono_rb_left *left, size_t n, int refused, bool colour)
{
	struct nono_strv pool = {0};

	if (n)
		printf("\nLeft out of the journal (not restorable):\n");
	for (size_t i = 0; i < n; i++)
		printf("%s%-10s%s %s  (%s, %s)\n", colour ? C_DIM : "", "left out", colour ? C_RESET : "",
		       nono_str_escape_in(&pool, left[i].path),
		       !strcmp(left[i].reason, "gitignore") ? ".gitignore" : "exclude pattern",
		       nono_str_escape_in(&pool, left[i].op));
	if (refused)
		printf("\n%d destructive call%s refused: the prior state could not be saved\n", refused,
		       refused == 1 ? " was" : "s were");
	nono_strv_free(&pool);
}

static int
cmd_show(const struct nono_subcmd_ctx *c, int argc, char **argv)
{
	const char *store = c->data;
	struct opts o;
	struct nono_rb_session s;
	struct nono_entry *es;
	struct nono_rb_links *links;
	struct nono_rb_left *left = NULL;
	size_t n, n_left = 0;
	struct nono_error err = {0};
	int r = parse(c, argc, argv, &o, true), shown = 0;
	char buf[32], note[128];
	bool colour = nono_log_colour(1);

	if (r)
		return r == 1 ? 0 : r;
	if (load(store, o.id, &s) < 0)
		return 1;
	if ((o.diff || o.stat) && !o.json) {
		r = show_diff(store, &s, &o);
		nono_rb_session_free(&s);
		return r;
	}
	if (nono_manifest_read(s.dir, &es, &n, &err) < 0) {
		log_error("%s", err.msg);
		nono_rb_session_free(&s);
		return 1;
	}
	if (nono_rb_left_read(s.dir, &left, &n_left, &err) < 0)
		log_warn("%s", err.msg);
	links = nono_rb_links_find(es, n, &s.exclude);
	if (o.json) {
		json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:b}", "session_id", s.id, "id", s.id,
					"command", s.command, "cwd", s.cwd, "started", (json_int_t)s.started, "ended",
					s.ended ? json_integer(s.ended) : json_null(), "exit",
					s.ended ? json_integer(s.exit_status) : json_null(), "running", s.running);
		json_t *paths = json_array();
		char *out;

		for (size_t i = 0; i < n; i++) {
			const char *st = status_of(&es[i]);
			unsigned names = 0;
			enum nono_rb_link k = link_plan(links, &es[i], &st, &names);
			json_t *p = json_pack("{s:s, s:s, s:s, s:s}", "path", es[i].path, "status", st, "before",
					      nono_entry_type_name(es[i].type), "op", es[i].op);
			if (es[i].type == NONO_ENTRY_FILE)
				json_object_set_new(p, "saved", json_boolean(es[i].saved));
			if (k != NONO_RB_LINK_NONE)
				json_object_set_new(
				    p, "hard_link",
				    json_pack("{s:i, s:s}", "names", (int)names, "restore", nono_rb_link_name(k)));
			json_array_append_new(paths, p);
		}
		json_object_set_new(doc, "paths", paths);
		paths = json_array();
		for (size_t i = 0; i < n_left; i++)
			json_array_append_new(paths, json_pack("{s:s, s:s, s:s}", "path", left[i].path, "op",
							       left[i].op, "reason", left[i].reason));
		json_object_set_new(doc, "left_out", paths);
		json_object_set_new(doc, "neutralised", neutralised_json(s.dir));
		json_object_set_new(doc, "refused", json_integer(s.refused));
		out = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(out);
		free(out);
		json_decref(doc);
	} else {
		struct nono_strv pool = {0};
		char *cwd = nono_path_display(s.cwd);

		printf("Session  %s%s\n", nono_str_escape_in(&pool, s.id), s.running ? "  (running)" : "");
		printf("Command  %s\n", nono_str_escape_in(&pool, s.command));
		printf("Workdir  %s\n", nono_str_escape_in(&pool, cwd));
		printf("Started  %s\n", when(s.started, buf, sizeof(buf)));
		if (s.ended)
			printf("Ended    %s, exit %d\n", when(s.ended, buf, sizeof(buf)), s.exit_status);
		printf("\n");
		free(cwd);
		for (size_t i = 0; i < n; i++) {
			const char *st = status_of(&es[i]);
			unsigned names = 0;
			enum nono_rb_link k = link_plan(links, &es[i], &st, &names);
			const char *col = !colour		     ? ""
					  : !strcmp(st, "deleted")   ? C_RED
					  : !strcmp(st, "created")   ? C_GREEN
					  : !strcmp(st, "unchanged") ? C_DIM
								     : C_YELLOW;

			if (!strcmp(st, "unchanged") && !o.verbose)
				continue;
			shown++;
			printf(
			    "%s%-10s%s %s%s%s\n", col, st, colour ? C_RESET : "", nono_str_escape_in(&pool, es[i].path),
			    es[i].type == NONO_ENTRY_FILE && !es[i].saved ? "  (not saved: over the size limit)" : "",
			    link_note(k, names, note, sizeof(note)));
		}
		if (!shown)
			printf("Nothing differs from before the session.\n");
		print_left_out(left, n_left, s.refused, colour);
		print_neutralised(s.dir, s.id, colour);
		if (shown && !s.persist_only)
			printf("\nRestore with: nono rollback restore %s\n", nono_str_escape_in(&pool, s.id));
		nono_strv_free(&pool);
	}
	nono_rb_links_free(links);
	nono_rb_left_free(left, n_left);
	for (size_t i = 0; i < n; i++)
		nono_entry_free(&es[i]);
	free(es);
	nono_rb_session_free(&s);
	return 0;
}

/* ---- restore and verify ---------------------------------------------------- */

struct progress {
	const char *verb;
	bool tty, shown, json, dry_run;
	double start;
};

static void
progress(void *ctx, size_t done, size_t total)
{
	struct progress *p = ctx;
	double now = nono_now_us();

	/* only on a terminal, and only for work that takes a moment */
	if (!p->tty || (!p->shown && now - p->start < 300000.0))
		return;
	if (done < total || p->shown) {
		int width = 30, filled = total ? (int)(width * done / total) : width;

		fprintf(stderr, "\r%s [%.*s%*s] %zu/%zu", p->verb, filled, "##############################",
			width - filled, "", done, total);
		p->shown = true;
	}
	if (done == total && p->shown)
		fputc('\n', stderr);
}

static void
each(void *ctx, const char *path, enum nono_rb_action a, const char *msg)
{
	struct progress *p = ctx;
	char *shown = nono_str_escape(path);

	if (p->shown && p->tty)
		fputc('\r', stderr);
	if (a == NONO_RB_FAILED || a == NONO_RB_NOTSAVED || (a == NONO_RB_CONFLICT && !p->dry_run)) {
		char *m = nono_str_escape(msg ? msg : nono_rb_action_name(a));

		fprintf(stderr, "nono: %s: %s\n", shown, m);
		free(m);
	} else if (p->dry_run || p->json) {
		char *m = msg && a == NONO_RB_CONFLICT ? nono_str_escape(msg) : NULL;

		printf("%-9s %s%s%s%s\n", nono_rb_action_name(a), shown, m ? "  (" : "", m ? m : "", m ? ")" : "");
		free(m);
	}
	free(shown);
}

static void
put_back(void *ctx, const char *path)
{
	struct nono_strv pool = {0};

	(void)ctx;
	printf("put back  %s\n", nono_str_escape_in(&pool, path));
	nono_strv_free(&pool);
}

/* restore --quarantined: the session's versions of what the persistence
 * sweep neutralised. A --no-rollback session holds nothing else. */
static int
unquarantine(const struct nono_rb_session *s, const char *only, const struct opts *o)
{
	int n;

	if (!o->quarantined) {
		log_error("session %s ran with --no-rollback: it holds only what was neutralised", s->id);
		log_hint("nono rollback restore %s --quarantined puts those back", s->id);
		return 1;
	}
	if (o->dry_run) {
		log_error("--quarantined has no --dry-run: 'nono rollback show %s' lists what it would put back",
			  s->id);
		return 2;
	}
	if (s->running) {
		log_error("session %s is still running", s->id);
		return 1;
	}
	n = nono_persist_unquarantine(s->dir, only, put_back, NULL);
	if (n < 0) {
		log_error("%s: %s", s->id, strerror(-n));
		return 1;
	}
	printf("Put back %d quarantined file%s of session %s\n", n, n == 1 ? "" : "s", s->id);
	return 0;
}

static int
cmd_restore(const struct nono_subcmd_ctx *c, int argc, char **argv)
{
	const char *store = c->data;
	struct opts o;
	struct nono_rb_session s;
	struct nono_error err = {0};
	struct progress pg = {"restoring", false, false, false, false, 0};
	struct nono_rb_report rep = {{0}, each, progress, &pg};
	struct nono_rb_restore_opts ro = {0};
	char *only = NULL, *point = NULL;
	int r = parse(c, argc, argv, &o, true);
	unsigned done;

	if (r)
		return r == 1 ? 0 : r;
	if (load(store, o.id, &s) < 0)
		return 1;
	pg.tty = isatty(2);
	pg.dry_run = o.dry_run;
	pg.start = nono_now_us();
	if (o.path) {
		bool exists;

		only = nono_path_canonical(o.path, &exists);
	}
	if (o.quarantined || s.persist_only) {
		r = unquarantine(&s, only, &o);
		free(only);
		nono_rb_session_free(&s);
		return r;
	}
	ro.only = only;
	ro.dry_run = o.dry_run;
	ro.force = o.force;
	ro.include_vcs = o.include_vcs;
	r = nono_rb_restore(store, &s, &ro, &rep, &point, &err);
	free(only);
	if (r < 0) {
		log_error("%s", err.msg);
		if (*err.hint)
			log_hint("%s", err.hint);
		nono_rb_session_free(&s);
		return 1;
	}
	done = rep.n[NONO_RB_WRITE] + rep.n[NONO_RB_CHMOD] + rep.n[NONO_RB_MKDIR] + rep.n[NONO_RB_SYMLINK] +
	       rep.n[NONO_RB_LINK] + rep.n[NONO_RB_REMOVE];
	if (o.dry_run)
		printf("%u path%s would change; %u already as before%s\n", done, done == 1 ? "" : "s",
		       rep.n[NONO_RB_KEEP], " (dry run: nothing was changed)");
	else
		printf("Restored %u path%s of session %s (%u put back, %u removed, %u already as before)\n", done,
		       done == 1 ? "" : "s", s.id, done - rep.n[NONO_RB_REMOVE], rep.n[NONO_RB_REMOVE],
		       rep.n[NONO_RB_KEEP]);
	if (rep.n[NONO_RB_CONFLICT])
		printf("%u path%s changed since the session: %s\n", rep.n[NONO_RB_CONFLICT],
		       rep.n[NONO_RB_CONFLICT] == 1 ? "" : "s",
		       o.dry_run ? "a restore would refuse without --force" : "overwritten (--force)");
	if (rep.n[NONO_RB_VCS])
		printf("%u path%s inside .git, .hg or .svn left as %s (--include-vcs restores them)\n",
		       rep.n[NONO_RB_VCS], rep.n[NONO_RB_VCS] == 1 ? "" : "s",
		       rep.n[NONO_RB_VCS] == 1 ? "it is" : "they are");
	if (o.dry_run && done)
		printf("A restore point would be made first, so that the restore can be undone.\n");
	if (point)
		printf("Restore point %s: undo this restore with 'nono rollback restore %s'\n", point, point);
	if (rep.n[NONO_RB_NOTSAVED])
		printf("%u file%s over the size limit could not be restored\n", rep.n[NONO_RB_NOTSAVED],
		       rep.n[NONO_RB_NOTSAVED] == 1 ? "" : "s");
	free(point);
	nono_rb_session_free(&s);
	return rep.n[NONO_RB_FAILED] || rep.n[NONO_RB_NOTSAVED] ? 1 : 0;
}

static int
cmd_verify(const struct nono_subcmd_ctx *c, int argc, char **argv)
{
	const char *store = c->data;
	struct opts o;
	struct nono_rb_session s;
	struct nono_error err = {0};
	struct progress pg = {"verifying", false, false, false, false, 0};
	struct nono_rb_report rep = {{0}, each, progress, &pg};
	int r = parse(c, argc, argv, &o, true);

	if (r)
		return r == 1 ? 0 : r;
	if (load(store, o.id, &s) < 0)
		return 1;
	pg.tty = isatty(2);
	pg.start = nono_now_us();
	r = nono_rb_verify(store, &s, &rep, &err);
	if (r < 0) {
		log_error("%s", err.msg);
		nono_rb_session_free(&s);
		return 1;
	}
	if (r == 0)
		printf("Session %s: %u saved file%s, all intact\n", s.id, rep.n[NONO_RB_KEEP],
		       rep.n[NONO_RB_KEEP] == 1 ? "" : "s");
	else
		printf("Session %s: %d of %u saved files are missing or corrupt\n", s.id, r,
		       rep.n[NONO_RB_KEEP] + (unsigned)r);
	nono_rb_session_free(&s);
	return r ? 1 : 0;
}

static void
removed(void *ctx, const char *id)
{
	const bool *dry = ctx;

	printf("%s %s\n", *dry ? "would remove" : "removed", id);
}

static int
cmd_cleanup(const struct nono_subcmd_ctx *c, int argc, char **argv)
{
	const char *store = c->data;
	struct opts o;
	struct nono_error err = {0};
	const struct nono_config *cfg = nono_settings();
	int r = parse(c, argc, argv, &o, false);
	long keep, days;

	if (r)
		return r == 1 ? 0 : r;
	keep = o.keep_set ? o.keep : cfg ? cfg->rollback_keep : 10;
	days = o.days_set ? o.days : cfg ? cfg->rollback_days : 0;
	r = nono_rb_cleanup(store, keep, days, o.dry_run, removed, &o.dry_run, &err);
	if (r < 0) {
		log_error("%s", err.msg);
		return 1;
	}
	printf("%d session%s %s (keeping the newest %ld%s)\n", r, r == 1 ? "" : "s",
	       o.dry_run ? "would be removed" : "removed", keep, days ? ", and none older than the limit in days" : "");
	return 0;
}

/* nono's own state is out of every sandbox's reach: say so before anything */
static int
guard(const char *sub, void *store)
{
	(void)sub, (void)store;
	if (!getenv("NONO_CAP_FILE"))
		return 0;
	log_error("nono rollback cannot run inside a sandbox");
	log_hint("run it from a shell outside nono");
	return 1;
}

int
nono_cmd_rollback(int argc, char **argv)
{
	static const struct nono_subcmd subs[] = {
	    {"list", cmd_list, NULL, NULL},	  {"show", cmd_show, NULL, NULL},
	    {"restore", cmd_restore, NULL, NULL}, {"verify", cmd_verify, NULL, NULL},
	    {"cleanup", cmd_cleanup, NULL, NULL}, {NULL, NULL, NULL, NULL},
	};
	static const struct nono_subcmds cmd = {"rollback", usage, subs, guard};
	char *store = nono_journal_store();
	int r = nono_subcmd_dispatch(&cmd, argc, argv, store);

	free(store);
	return r;
}
