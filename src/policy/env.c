/* env.c - see env.h (supervisor side). */
#include "config.h"

#include <string.h>

#include "policy/env.h"

/* Exact names and (trailing '*') prefixes, from the reference's list. */
static const char *const dangerous[] = {
    "LD_*",
    "DYLD_*",
    "BASH_ENV",
    "ENV",
    "CDPATH",
    "GLOBIGNORE",
    "BASH_FUNC_*",
    "PROMPT_COMMAND",
    "IFS",
    "PYTHONSTARTUP",
    "PYTHONPATH",
    "NODE_OPTIONS",
    "NODE_PATH",
    "PERL5OPT",
    "PERL5LIB",
    "RUBYOPT",
    "RUBYLIB",
    "GEM_PATH",
    "GEM_HOME",
    "JAVA_TOOL_OPTIONS",
    "_JAVA_OPTIONS",
    "DOTNET_STARTUP_HOOKS",
    "GOFLAGS",
    "OP_SERVICE_ACCOUNT_TOKEN",
    "OP_CONNECT_TOKEN",
    "OP_CONNECT_HOST",
    "OP_SESSION_*",
    "NONO_CAP_FILE",
    NULL,
};

static size_t
name_len(const char *entry)
{
	const char *eq = strchr(entry, '=');

	return eq ? (size_t)(eq - entry) : strlen(entry);
}

bool
nono_env_dangerous(const char *entry)
{
	size_t n = name_len(entry);

	for (size_t i = 0; dangerous[i]; i++) {
		size_t l = strlen(dangerous[i]);

		if (dangerous[i][l - 1] == '*') {
			if (n >= l - 1 && strncmp(entry, dangerous[i], l - 1) == 0)
				return true;
		} else if (n == l && strncmp(entry, dangerous[i], l) == 0) {
			return true;
		}
	}
	return false;
}

static bool
overridden(const char *entry, char *const *set)
{
	size_t n = name_len(entry);

	for (size_t i = 0; set && set[i]; i++)
		if (name_len(set[i]) == n && strncmp(entry, set[i], n) == 0)
			return true;
	return false;
}

static bool
matches(const char *entry, const struct nono_strv *pats)
{
	size_t n = name_len(entry);

	for (size_t i = 0; pats && i < pats->n; i++) {
		const char *p = pats->v[i];
		size_t l = strlen(p);

		if (l && p[l - 1] == '*' ? (n >= l - 1 && strncmp(entry, p, l - 1) == 0)
					 : (n == l && strncmp(entry, p, l) == 0))
			return true;
	}
	return false;
}

void
nono_env_build_filtered(struct nono_strv *out, char *const *environ, char *const *set, const struct nono_strv *allow,
			const struct nono_strv *deny)
{
	for (size_t i = 0; environ && environ[i]; i++) {
		const char *e = environ[i];

		if (nono_env_dangerous(e) || overridden(e, set) || !strchr(e, '='))
			continue;
		if (allow && allow->n && !matches(e, allow))
			continue;
		if (matches(e, deny))
			continue;
		nono_strv_push(out, e);
	}
	for (size_t i = 0; set && set[i]; i++)
		if (!nono_env_dangerous(set[i]) || strncmp(set[i], "NONO_", 5) == 0)
			nono_strv_push(out, set[i]);
}

void
nono_env_build(struct nono_strv *out, char *const *environ, char *const *set)
{
	nono_env_build_filtered(out, environ, set, NULL, NULL);
}
