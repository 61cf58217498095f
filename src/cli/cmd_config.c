/* cmd_config.c - 'nono config': the effective settings of config.ini and
 * where each came from (supervisor side). */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "base/util.h"
#include "cli/commands.h"
#include "cli/subcmd.h"
#include "config/settings.h"

static void
usage(FILE *f)
{
	fprintf(f, "Usage: nono config [--json]\n\nShow nono's effective settings and where each came from.\n\n"
		   "The file is $XDG_CONFIG_HOME/nono/config.ini (see nono-config(5)):\n");
	for (size_t k = 0; k < nono_n_settings; k++)
		fprintf(f, "  [%s] %-16s %s\n", nono_settings_keys[k].section, nono_settings_keys[k].name,
			nono_settings_keys[k].help);
}

int
nono_cmd_config(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0}};
	static const struct nono_subcmds cmd = {"config", usage, NULL, NULL};
	const struct nono_subcmd_ctx ctx = {&cmd, NULL, NULL};
	struct nono_config c;
	struct nono_error err = {0};
	bool json = false;
	char v[512];
	int o;

	optind = 0;

	while ((o = nono_subcmd_opt(&ctx, argc, argv, NULL, opts)) != -1) {
		if (o == NONO_SUBCMD_HELP || o == NONO_SUBCMD_USAGE)
			return o == NONO_SUBCMD_HELP ? 0 : 2;
		json = true;
	}
	if (nono_subcmd_no_args(&ctx, argc, argv))
		return 2;
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
