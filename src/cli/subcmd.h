/* subcmd.h - commands made of subcommands ('nono audit list', 'nono
 * rollback show ID', 'nono profile init NAME', 'nono hooks status'), and
 * the options of those without ('nono setup', 'nono config'): one table per
 * command and one helper, so they all take --help the same way and report
 * usage errors the same way: one line, a hint, exit status 2 (supervisor
 * side). */
#ifndef NONO_SUBCMD_H
#define NONO_SUBCMD_H

#include <getopt.h>
#include <stdio.h>

#include "base/util.h"

struct nono_subcmd_ctx;

/* One subcommand. */
struct nono_subcmd {
	const char *name;
	/* argv[0] is the subcommand's name; returns the exit status */
	int (*run)(const struct nono_subcmd_ctx *c, int argc, char **argv);
	const char *synopsis; /* its arguments, for its --help */
	const char *about;    /* its --help text; NULL: the command's usage */
};

/* A command: its name, its usage (--help), its subcommands (NULL for one
 * that has none), and what runs before any of them (may refuse: an exit
 * status; 0 to go on). */
struct nono_subcmds {
	const char *cmd;
	void (*usage)(FILE *f);
	const struct nono_subcmd *subs; /* ends with a NULL name */
	int (*guard)(const char *sub, void *data);
};

/* What a subcommand runs with. */
struct nono_subcmd_ctx {
	const struct nono_subcmds *cmd;
	const struct nono_subcmd *sub; /* NULL: a command without subcommands */
	void *data;		       /* the command's own (its store, ...) */
};

/* Run 'nono CMD ...' (argv[0]: CMD): "help", -h and --help print the usage;
 * a missing or unknown subcommand is a usage error; else the subcommand's
 * exit status. */
int nono_subcmd_dispatch(const struct nono_subcmds *cmd, int argc, char **argv, void *data);

/* The next option of argv (getopt_long over opts, which may be NULL, with
 * shortopts besides -h, which may be NULL; options may follow arguments):
 * its val, or -1 at the end (optind: the first argument); NONO_SUBCMD_HELP
 * once its --help is printed; NONO_SUBCMD_USAGE once an unknown option or a
 * missing value is reported. Set optind = 0 before the first (dispatch
 * does). */
#define NONO_SUBCMD_HELP  (-2)
#define NONO_SUBCMD_USAGE (-3)
int nono_subcmd_opt(const struct nono_subcmd_ctx *c, int argc, char **argv, const char *shortopts,
		    const struct option *opts);
/* Report a usage error of c ("nono CMD SUB: MESSAGE"), with a hint (NULL:
 * its --help): returns 2, the exit status of one. */
__attribute__((format(printf, 3, 4))) int nono_subcmd_usage(const struct nono_subcmd_ctx *c, const char *hint,
							    const char *fmt, ...);
/* Nothing after the options: 0, or the usage error (2) naming the first. */
int nono_subcmd_no_args(const struct nono_subcmd_ctx *c, int argc, char **argv);

/* The session 'nono audit' and 'nono rollback' are asked for, among ids
 * (oldest first; about[i], which may be NULL, describes ids[i]): an id, a
 * unique prefix of one, or "last" (the newest). Its index, or -1 once the
 * error is printed: none matches, or the prefix is ambiguous (then the
 * candidates are listed, as git lists those of a short object id). what:
 * "audit" or "rollback", for the messages. */
int nono_subcmd_session(const struct nono_strv *ids, const struct nono_strv *about, const char *want, const char *what);

#endif
