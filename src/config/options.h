/* options.h - reading what the user asked for into struct nono_options
 * (keys.h), in one pass: the flags are parsed once (getopt, driven by the
 * key table), then the profile, the environment mirrors and the flags are
 * applied in that order, so flags win over the environment, which wins over
 * the profile (supervisor side). */
#ifndef NONO_OPTIONS_H
#define NONO_OPTIONS_H

#include "base/error.h"
#include "config/keys.h"

/* The whole of it for command cmd (NONO_CMD_*): the profile (--profile,
 * else NONO_PROFILE, else config.ini's), the environment, the flags.
 * Parsing stops at the first non-option or after "--" (why takes its
 * options anywhere); o->argv is the rest. 0, 1 when --help was asked for,
 * or -errno with err set. */
int nono_options_parse(struct nono_options *o, unsigned cmd, const char *cmdname, int argc, char **argv,
		       struct nono_error *err);
/* The same without a profile: the environment, then the flags. */
int nono_cli_parse(struct nono_options *o, unsigned cmd, const char *cmdname, int argc, char **argv,
		   struct nono_error *err);
/* --help for cmd: synopsis, about, then every flag of cmd. */
void nono_cli_usage(unsigned cmd, const char *cmdname, const char *synopsis, const char *about);

/* The names the parser's first unit test knows the options by. */
#define nono_launch	 nono_options
#define nono_launch_init nono_options_init
#define nono_launch_free nono_options_free

#endif
