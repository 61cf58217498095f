/* settings.h - nono's own settings: $XDG_CONFIG_HOME/nono/config.ini, read with
 * inih (supervisor side; only this module includes <ini.h>; named settings so
 * it never shadows autoconf's config.h). */
#ifndef NONO_SETTINGS_H
#define NONO_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "base/util.h"

enum nono_color { NONO_COLOR_AUTO, NONO_COLOR_ALWAYS, NONO_COLOR_NEVER };

#define NONO_CONFIG_KEYS 14

struct nono_config {
	char *path;		       /* the file read (may not exist) */
	char *default_profile;	       /* [run] profile */
	bool banner;		       /* [run] banner */
	int min_abi;		       /* [run] min_abi: refuse below this Landlock ABI (0: any) */
	enum nono_color color;	       /* [ui] color */
	long rollback_keep;	       /* [rollback] keep */
	long rollback_days;	       /* [rollback] older_than_days */
	long long rollback_max_file;   /* [rollback] max_file_size, bytes */
	long audit_keep;	       /* [audit] keep */
	long audit_days;	       /* [audit] older_than_days */
	struct nono_strv audit_export; /* [audit] export: journald[:S], syslog[:S], ocsf:FILE */
	/* [registry] url (every line, as written) and ca_file: pack registries */
	struct nono_strv registry_urls;
	char *registry_ca;
	bool hooks_install;    /* [hooks] install: the agent hooks a profile declares, at launch */
	bool approvals_notify; /* [approvals] notify: notify-send when a request waits and the terminal cannot ask */
	/* where each came from: "default" or "file:line", same order as above */
	char *origin[NONO_CONFIG_KEYS];
	struct nono_strv warnings;
};

/* Read the file (absent is fine). -EINVAL with err on a bad value. */
int nono_config_load(struct nono_config *out, struct nono_error *err);
void nono_config_free(struct nono_config *c);
/* The settings of this process, loaded once by main (defaults before). */
const struct nono_config *nono_settings(void);
void nono_settings_set(struct nono_config *c);
/* The keys of config.ini, in the order of nono_config's origin[]. */
struct nono_setting {
	const char *section, *name, *help;
};
extern const struct nono_setting nono_settings_keys[];
extern const size_t nono_n_settings;
/* Setting k's effective value as text, for 'nono config'. */
void nono_config_value(const struct nono_config *c, int k, char *out, size_t n);

#endif
