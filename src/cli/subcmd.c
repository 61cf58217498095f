/* subcmd.c - see subcmd.h (supervisor side). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/util.h"
#include "cli/subcmd.h"

/* "nono audit list" (or "nono setup"), for messages */
static void
full_name(const struct nono_subcmd_ctx *c, char *out, size_t n)
{
	snprintf(out, n, "nono %s%s%s", c->cmd->cmd, c->sub ? " " : "", c->sub ? c->sub->name : "");
}

int
nono_subcmd_usage(const struct nono_subcmd_ctx *c, const char *hint, const char *fmt, ...)
{
	char name[96], msg[512];
	va_list ap;

	full_name(c, name, sizeof(name));
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_error("%s: %s", name, msg);
	if (hint)
		log_hint("%s", hint);
	else
		log_hint("see '%s --help'", name);
	return 2;
}

static void
sub_help(const struct nono_subcmd_ctx *c)
{
	if (c->sub && c->sub->about)
		printf("Usage: nono %s %s %s\n\n%s\n", c->cmd->cmd, c->sub->name, c->sub->synopsis, c->sub->about);
	else
		c->cmd->usage(stdout);
}

/* An unknown long option, with the nearest one this subcommand takes. */
static void
unknown_long(const struct nono_subcmd_ctx *c, const struct option *all, const char *bad)
{
	const char *best = NULL, *b = bad;
	size_t bd = 3;
	char hint[128], name[96];

	while (*b == '-')
		b++;
	for (const struct option *o = all; o->name; o++) {
		size_t d = nono_strdist(b, o->name);

		if (d < bd) {
			bd = d;
			best = o->name;
		}
	}
	full_name(c, name, sizeof(name));
	snprintf(hint, sizeof(hint), "did you mean --%s? See '%s --help'", best ? best : "", name);
	nono_subcmd_usage(c, best ? hint : NULL, "unknown option '%s'", bad);
}

int
nono_subcmd_opt(const struct nono_subcmd_ctx *c, int argc, char **argv, const char *shortopts,
		const struct option *opts)
{
	static const struct option none[] = {{NULL, 0, NULL, 0}};
	struct option all[32];
	char so[32];
	size_t n = 0;
	int r;

	/* -h and --help always; the caller starts with optind = 0, a fresh
	 * getopt as for a new process */
	opterr = 0;
	snprintf(so, sizeof(so), ":h%s", shortopts ? shortopts : "");
	for (const struct option *o = opts ? opts : none; o->name && n < 30; o++)
		all[n++] = *o;
	all[n++] = (struct option){"help", no_argument, NULL, 'h'};
	memset(&all[n], 0, sizeof(all[n]));
	r = getopt_long(argc, argv, so, all, NULL);
	if (r == 'h') {
		sub_help(c);
		return NONO_SUBCMD_HELP;
	}
	if (r == ':') {
		nono_subcmd_usage(c, NULL, "%s needs a value", argv[optind - 1]);
		return NONO_SUBCMD_USAGE;
	}
	if (r == '?') {
		if (optopt && optopt < 256 && argv[optind - 1][0] == '-' && argv[optind - 1][1] != '-')
			nono_subcmd_usage(c, NULL, "unknown option '-%c'", optopt);
		else
			unknown_long(c, all, argv[optind - 1]);
		return NONO_SUBCMD_USAGE;
	}
	return r;
}

int
nono_subcmd_no_args(const struct nono_subcmd_ctx *c, int argc, char **argv)
{
	if (optind < argc)
		return nono_subcmd_usage(c, NULL, "unexpected argument '%s'", argv[optind]);
	return 0;
}

/* the subcommand named name, or NULL */
static const struct nono_subcmd *
find(const struct nono_subcmds *cmd, const char *name)
{
	for (const struct nono_subcmd *s = cmd->subs; s->name; s++)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

/* "list, show, verify or cleanup" */
static void
names(const struct nono_subcmds *cmd, char *out, size_t n)
{
	size_t k = 0, count = 0;

	while (cmd->subs[count].name)
		count++;
	out[0] = '\0';
	for (size_t i = 0; i < count && k < n; i++)
		k += (size_t)snprintf(out + k, n - k, "%s%s",
				      i == 0	       ? ""
				      : i + 1 == count ? " or "
						       : ", ",
				      cmd->subs[i].name);
}

int
nono_subcmd_dispatch(const struct nono_subcmds *cmd, int argc, char **argv, void *data)
{
	struct nono_subcmd_ctx c = {cmd, NULL, data};
	char list[256], hint[320];
	const char *best = NULL;
	size_t bd = 3;
	int r;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))) {
		cmd->usage(stdout);
		return 0;
	}
	names(cmd, list, sizeof(list));
	if (argc < 2)
		return nono_subcmd_usage(&c, NULL, "which command? %s", list);
	if (cmd->guard && (r = cmd->guard(argv[1], data)) != 0)
		return r;
	if (!(c.sub = find(cmd, argv[1]))) {
		for (const struct nono_subcmd *s = cmd->subs; s->name; s++)
			if (nono_strdist(argv[1], s->name) < bd) {
				bd = nono_strdist(argv[1], s->name);
				best = s->name;
			}
		snprintf(hint, sizeof(hint), "%s%s%s 'nono %s --help'", best ? "did you mean '" : "", best ? best : "",
			 best ? "'? See" : "see", cmd->cmd);
		return nono_subcmd_usage(&c, hint, "unknown command '%s'", argv[1]);
	}
	optind = 0;
	return c.sub->run(&c, argc - 1, argv + 1);
}

/* ---- sessions ------------------------------------------------------------------ */

int
nono_subcmd_session(const struct nono_strv *ids, const struct nono_strv *about, const char *want, const char *what)
{
	size_t n = strlen(want), hits = 0;
	int found = -1;

	if (strcmp(want, "last") == 0 && ids->n)
		return (int)ids->n - 1;
	for (size_t i = 0; i < ids->n && n; i++) {
		if (strcmp(ids->v[i], want) == 0)
			return (int)i;
		if (strncmp(ids->v[i], want, n) == 0) {
			hits++;
			found = (int)i;
		}
	}
	if (hits == 1)
		return found;
	if (!hits) {
		char *shown = nono_str_escape(want);

		if (strcmp(want, "last") == 0)
			log_error("no %s sessions yet", what);
		else
			log_error("no %s session '%s'", what, shown);
		log_hint("'nono %s list' shows them", what);
		free(shown);
		return -1;
	}
	{
		char *shown = nono_str_escape(want);

		log_error("session id '%s' is ambiguous", shown);
		free(shown);
	}
	log_hint("the candidates are:");
	for (size_t i = 0; i < ids->n; i++)
		if (strncmp(ids->v[i], want, n) == 0) {
			char *d = about && i < about->n ? nono_str_escape(about->v[i]) : NULL;

			log_hint("  %s%s%s", ids->v[i], d ? "  " : "", d ? d : "");
			free(d);
		}
	return -1;
}
