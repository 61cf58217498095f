/* cmd_config.c - 'nono config': the effective settings of config.ini and
 * where each came from (supervisor side). */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "base/util.h"
#include "cli/commands.h"
#include "config/settings.h"

int
nono_cmd_config(int argc, char **argv)
{
	struct nono_config c;
	struct nono_error err = {0};
	bool json;
	char v[64];

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("Usage: nono config [--json]\n\nShow nono's effective settings and where each came from.\n\n"
		       "The file is $XDG_CONFIG_HOME/nono/config.ini (see nono-config(5)):\n");
		for (size_t k = 0; k < nono_n_settings; k++)
			printf("  [%s] %-16s %s\n", nono_settings_keys[k].section, nono_settings_keys[k].name,
			       nono_settings_keys[k].help);
		return 0;
	}
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--json") != 0) {
			log_error("nono config: unexpected argument '%s'", argv[i]);
			log_hint("see 'nono config --help'");
			return 2;
		}
	json = argc > 1;
	if (nono_config_load(&c, &err) < 0) {
		log_error("%s", err.msg);
		nono_config_free(&c);
		return 1;
	}
	for (size_t i = 0; i < c.warnings.n; i++)
		log_warn("%s", c.warnings.v[i]);
	if (json) {
		printf("{\n  \"file\": ");
		nono_json_string(stdout, c.path);
		printf(",\n  \"settings\": [\n");
	} else {
		printf("# %s\n", c.path);
	}
	for (size_t k = 0; k < nono_n_settings; k++) {
		const struct nono_setting *s = &nono_settings_keys[k];

		nono_config_value(&c, (int)k, v, sizeof(v));
		if (json) {
			printf("    {\"section\": \"%s\", \"key\": \"%s\", \"value\": ", s->section, s->name);
			nono_json_string(stdout, v);
			printf(", \"from\": ");
			nono_json_string(stdout, c.origin[k]);
			printf("}%s\n", k + 1 < nono_n_settings ? "," : "");
		} else
			printf("%-9s %-16s = %-12s # %s\n", s->section, s->name, v, c.origin[k]);
	}
	if (json)
		printf("  ]\n}\n");
	nono_config_free(&c);
	return 0;
}
