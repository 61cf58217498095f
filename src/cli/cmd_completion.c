/* cmd_completion.c - 'nono completion bash|zsh|fish': the completion
 * scripts, embedded at build time from completions/, so a build tree or a
 * copied binary can load them (supervisor side). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "cli/commands.h"
#include "nono-completions.h"

static const struct {
	const char *shell;
	const char *script;
	const char *how;
} scripts[] = {
    {"bash", nono_completion_bash, "source <(nono completion bash)"},
    {"zsh", nono_completion_zsh, "nono completion zsh > \"${fpath[1]}/_nono\""},
    {"fish", nono_completion_fish, "nono completion fish > ~/.config/fish/completions/nono.fish"},
};

static void
usage(FILE *f)
{
	fprintf(f, "Usage: nono completion bash|zsh|fish\n\n"
		   "Print the completion script for a shell; load it with:\n");
	for (size_t i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++)
		fprintf(f, "  %-5s %s\n", scripts[i].shell, scripts[i].how);
	fprintf(f, "\nOptions:\n  -h, --help  show this help\n");
}

int
nono_cmd_completion(int argc, char **argv)
{
	if (argc == 2 &&
	    (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc != 2) {
		log_error("nono completion: give one shell: bash, zsh or fish");
		log_hint("source <(nono completion bash)");
		return 2;
	}
	for (size_t i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++)
		if (strcmp(argv[1], scripts[i].shell) == 0) {
			fputs(scripts[i].script, stdout);
			return 0;
		}
	log_error("nono completion: '%s': not a shell this nono completes for (bash, zsh, fish)", argv[1]);
	if (strcmp(argv[1], "powershell") == 0 || strcmp(argv[1], "elvish") == 0)
		log_hint("upstream's %s completion is not supported by this nono", argv[1]);
	return 2;
}
