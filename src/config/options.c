/* options.c - see options.h (supervisor side). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "config/options.h"
#include "config/profile.h"
#include "config/settings.h"
#include "config/upstream.h"

/* The flags of a command line, in their order, before any is applied. */
struct flags {
	struct {
		const struct nono_optdef *d;
		const char *val; /* in argv */
	} * v;
	size_t n;
	char **rest; /* the program and its arguments */
	int nrest;
};

static const char *
suggest(const char *bad, unsigned cmd)
{
	const char *best = NULL;
	size_t bd = 3;

	while (*bad == '-')
		bad++;
	for (const struct nono_optdef *d = nono_optdefs; !NONO_OPTDEF_END(d); d++) {
		size_t dist;

		if (!d->name || !(d->commands & cmd))
			continue;
		dist = nono_strdist(bad, d->name);
		if (dist < bd) {
			bd = dist;
			best = d->name;
		}
	}
	return best;
}

/* getopt's tables for cmd: every flag of the key table it accepts. */
static void
getopt_tables(unsigned cmd, struct option *longopts, size_t max, char *shortopts)
{
	/* run and shell stop at the program; why takes its options anywhere */
	size_t n = 0, so = 0;

	if (cmd != NONO_CMD_WHY)
		shortopts[so++] = '+';
	shortopts[so++] = ':';
	shortopts[so++] = 'h';
	for (size_t i = 0; !NONO_OPTDEF_END(&nono_optdefs[i]) && n + 2 < max; i++) {
		const struct nono_optdef *d = &nono_optdefs[i];

		if (!d->name || !(d->commands & cmd))
			continue;
		longopts[n++] =
		    (struct option){d->name, d->has_arg ? required_argument : no_argument, NULL, 256 + (int)i};
		if (d->short_name) {
			shortopts[so++] = (char)d->short_name;
			if (d->has_arg)
				shortopts[so++] = ':';
		}
	}
	longopts[n++] = (struct option){"help", no_argument, NULL, 'h'};
	memset(&longopts[n], 0, sizeof(longopts[0]));
	shortopts[so] = '\0';
}

/* An unknown option, or one without its value. */
static int
bad_option(int c, const char *bad, unsigned cmd, const char *cmdname, struct nono_error *err)
{
	const struct nono_upstream *u = bad[0] == '-' && bad[1] == '-' ? nono_upstream_find(bad) : NULL;
	const char *s;

	if (c == ':') {
		nono_error_set(err, -EINVAL, "nono %s: %s needs a value", cmdname, bad);
		nono_error_hint(err, "see 'nono %s --help'", cmdname);
		err->usage = true;
		return err->code;
	}
	if (u) {
		nono_error_set(err, -ENOTSUP, "nono %s: %.*s is upstream nono's, not supported by this nono", cmdname,
			       (int)strcspn(bad, "="), bad);
		nono_error_hint(err, "instead: %s", u->instead);
		return err->code;
	}
	if (optopt && optopt < 256 && bad[0] == '-' && bad[1] != '-')
		nono_error_set(err, -EINVAL, "nono %s: unknown option '-%c'", cmdname, optopt);
	else
		nono_error_set(err, -EINVAL, "nono %s: unknown option '%s'", cmdname, bad);
	s = suggest(bad, cmd);
	if (s)
		nono_error_hint(err, "did you mean --%s? See 'nono %s --help'", s, cmdname);
	else
		nono_error_hint(err, "see 'nono %s --help'", cmdname);
	err->usage = true;
	return err->code;
}

/* The row of cmd's flag named by arg ("--name", "--name=v", "-c"), or NULL */
static const struct nono_optdef *
flag_row(unsigned cmd, const char *arg)
{
	size_t n = arg[1] == '-' ? strcspn(arg + 2, "=") : 0;

	for (const struct nono_optdef *d = nono_optdefs; !NONO_OPTDEF_END(d); d++) {
		if (!d->name || !(d->commands & cmd))
			continue;
		if (arg[1] == '-' ? strlen(d->name) == n && strncmp(d->name, arg + 2, n) == 0
				  : d->short_name && d->short_name == arg[1] && !arg[2])
			return d;
	}
	return NULL;
}

/* getopt takes "--op" for "--open-port", silently: abbreviations are
 * refused, so a flag means what it says. 0, or -EINVAL with err set. */
static int
no_abbreviations(unsigned cmd, const char *cmdname, int argc, char **argv, struct nono_error *err)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *a = argv[i];
		const struct nono_optdef *d;
		size_t n;

		if (a[0] != '-' || !a[1]) {
			if (cmd != NONO_CMD_WHY)
				break; /* the program: its own arguments follow */
			continue;
		}
		if ((d = flag_row(cmd, a))) {
			i += d->has_arg && !strchr(a, '=') && (a[1] == '-' || !a[2]);
			continue;
		}
		n = strcspn(a + 2, "=");
		if (a[1] != '-' || (n == 4 && strncmp(a + 2, "help", 4) == 0))
			continue;
		for (d = nono_optdefs; !NONO_OPTDEF_END(d); d++)
			if (d->name && (d->commands & cmd) && strncmp(d->name, a + 2, n) == 0) {
				nono_error_set(err, -EINVAL, "nono %s: unknown option '%.*s'", cmdname, (int)n + 2, a);
				nono_error_hint(err,
						"nono takes no abbreviations: did you mean --%s? See 'nono %s --help'",
						d->name, cmdname);
				return err->code;
			}
	}
	return 0;
}

/* Read the flags of argv for cmd into out; nothing is applied. 0, 1 for
 * --help, or -errno with err set. */
static int
collect(struct flags *out, unsigned cmd, const char *cmdname, int argc, char **argv, struct nono_error *err)
{
	struct option longopts[64];
	char shortopts[64];
	int c;

	memset(out, 0, sizeof(*out));
	if (no_abbreviations(cmd, cmdname, argc, argv, err) < 0)
		return err->code;
	getopt_tables(cmd, longopts, 64, shortopts);
	/* a fresh getopt, as in a new process: a parse before may have
	 * chosen another ordering */
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct nono_optdef *d = NULL;

		if (c == 'h')
			return 1;
		if (c == '?' || c == ':')
			return bad_option(c, argv[optind - 1], cmd, cmdname, err);
		if (c >= 256)
			d = &nono_optdefs[c - 256];
		else
			for (const struct nono_optdef *e = nono_optdefs; !NONO_OPTDEF_END(e); e++)
				if (e->name && e->short_name == c && (e->commands & cmd))
					d = e;
		if (!d)
			return nono_error_set(err, -EINVAL, "nono %s: unexpected option", cmdname);
		out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		out->v[out->n].d = d;
		out->v[out->n++].val = optarg;
	}
	out->rest = argv + optind;
	out->nrest = argc - optind;
	return 0;
}

/* The environment's mirrors of cmd's flags (NONO_ALLOW, NONO_BLOCK_NET...),
 * each value as if it came from its flag, its source the variable. */
static int
apply_env(struct nono_options *o, unsigned cmd, struct nono_error *err)
{
	const char *origin = o->origin;
	int r = 0;

	for (const struct nono_optdef *d = nono_optdefs; !NONO_OPTDEF_END(d) && r == 0; d++) {
		const char *val = d->env && (d->commands & cmd) ? getenv(d->env) : NULL;
		char *dup, *save = NULL;

		if (!val || !*val)
			continue;
		o->origin = d->env;
		if (!d->env_list) {
			r = d->set(o, d, val, err);
			continue;
		}
		dup = xstrdup(val);
		for (char *t = strtok_r(dup, ",", &save); t && r == 0; t = strtok_r(NULL, ",", &save))
			r = d->set(o, d, t, err);
		free(dup);
	}
	o->origin = origin;
	return r;
}

static int
apply_flags(struct nono_options *o, const struct flags *f, struct nono_error *err)
{
	int r;

	for (size_t i = 0; i < f->n; i++)
		if ((r = f->v[i].d->set(o, f->v[i].d, f->v[i].val, err)) < 0)
			return r;
	o->argv = f->rest;
	o->argc = f->nrest;
	return 0;
}

int
nono_cli_parse(struct nono_options *o, unsigned cmd, const char *cmdname, int argc, char **argv, struct nono_error *err)
{
	struct flags f;
	int r = collect(&f, cmd, cmdname, argc, argv, err);

	if (r == 0 && (r = apply_env(o, cmd, err)) == 0)
		r = apply_flags(o, &f, err);
	free(f.v);
	return r;
}

/* The profile asked for: the last --profile, NONO_PROFILE, or config.ini's. */
static const char *
profile_ref(const struct flags *f)
{
	const char *env = getenv("NONO_PROFILE");

	for (size_t i = f->n; i-- > 0;)
		if (strcmp(f->v[i].d->name, "profile") == 0)
			return f->v[i].val;
	if (env && *env)
		return env;
	return nono_settings()->default_profile;
}

int
nono_options_parse(struct nono_options *o, unsigned cmd, const char *cmdname, int argc, char **argv,
		   struct nono_error *err)
{
	struct nono_profile prof;
	struct flags f;
	const char *ref;
	int r = collect(&f, cmd, cmdname, argc, argv, err);

	if (r != 0)
		goto out;
	if ((ref = profile_ref(&f))) {
		if ((r = nono_profile_load(&prof, ref, err)) < 0)
			goto out;
		free(o->profile);
		o->profile = xstrdup(ref);
		r = nono_profile_apply(o, &prof, err);
		nono_profile_free(&prof);
		if (r < 0)
			goto out;
	}
	if ((r = apply_env(o, cmd, err)) == 0)
		r = apply_flags(o, &f, err);
out:
	free(f.v);
	return r;
}

void
nono_cli_usage(unsigned cmd, const char *cmdname, const char *synopsis, const char *about)
{
	printf("Usage: nono %s %s\n\n%s\n\nOptions:\n", cmdname, synopsis, about);
	for (const struct nono_optdef *d = nono_optdefs; !NONO_OPTDEF_END(d); d++) {
		char left[64];

		if (!d->name || !(d->commands & cmd) || !d->help)
			continue;
		if (d->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", d->short_name, d->name, d->has_arg ? " " : "",
				 d->has_arg ? d->metavar : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", d->name, d->has_arg ? " " : "",
				 d->has_arg ? d->metavar : "");
		printf("  %-28s %s\n", left, d->help);
	}
	printf("  %-28s %s\n", "-h, --help", "show this help");
}
