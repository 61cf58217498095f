/* vars.c - see vars.h (supervisor side). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "vars.h"

static const char *
xdg(struct nono_vars *v, int slot, const char *env, const char *fallback)
{
	const char *e = getenv(env);

	if (e && e[0] == '/')
		return e;
	snprintf(v->buf[slot], sizeof(v->buf[slot]), "%s/%s", v->home, fallback);
	return v->buf[slot];
}

void
nono_vars_from_env(struct nono_vars *v, const char *workdir, const char *tmpdir)
{
	const char *rt = getenv("XDG_RUNTIME_DIR");

	memset(v, 0, sizeof(*v));
	v->home = nono_home();
	v->workdir = workdir;
	v->tmpdir = tmpdir;
	snprintf(v->buf[0], sizeof(v->buf[0]), "%u", (unsigned)getuid());
	v->uid = v->buf[0];
	v->xdg_config_home = xdg(v, 1, "XDG_CONFIG_HOME", ".config");
	v->xdg_state_home = xdg(v, 2, "XDG_STATE_HOME", ".local/state");
	v->xdg_cache_home = xdg(v, 3, "XDG_CACHE_HOME", ".cache");
	v->xdg_data_home = xdg(v, 4, "XDG_DATA_HOME", ".local/share");
	v->xdg_runtime_dir = (rt && rt[0] == '/') ? rt : NULL;
}

char *
nono_xdg_dir(const char *kind)
{
	struct nono_vars v;

	nono_vars_from_env(&v, NULL, NULL);
	if (strcmp(kind, "config") == 0)
		return xstrdup(v.xdg_config_home);
	if (strcmp(kind, "state") == 0)
		return xstrdup(v.xdg_state_home);
	if (strcmp(kind, "cache") == 0)
		return xstrdup(v.xdg_cache_home);
	return xstrdup(v.xdg_data_home);
}

int
nono_vars_expand(char **out, const char *in, const struct nono_vars *v, struct nono_error *err)
{
	const struct {
		const char *name;
		const char *value;
	} table[] = {
	    {"$WORKDIR", v->workdir},
	    {"$TMPDIR", v->tmpdir},
	    {"$UID", v->uid},
	    {"$HOME", v->home},
	    {"$XDG_CONFIG_HOME", v->xdg_config_home},
	    {"$XDG_STATE_HOME", v->xdg_state_home},
	    {"$XDG_CACHE_HOME", v->xdg_cache_home},
	    {"$XDG_DATA_HOME", v->xdg_data_home},
	    {"$XDG_RUNTIME_DIR", v->xdg_runtime_dir},
	};
	char *s;

	*out = NULL;
	if (in[0] != '~' && !strchr(in, '$')) {
		*out = xstrdup(in);
		return 0;
	}
	if (in[0] == '~' && (in[1] == '\0' || in[1] == '/'))
		s = xasprintf("%s%s", v->home, in + 1);
	else
		s = xstrdup(in);

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		size_t nl = strlen(table[i].name);
		char *at;

		while ((at = strstr(s, table[i].name))) {
			char next = at[nl];
			char *ns;

			/* $HOME must not match the start of $HOMEBREW */
			if ((next >= 'A' && next <= 'Z') || next == '_' || (next >= '0' && next <= '9'))
				break;
			if (!table[i].value) {
				int r = nono_error_set(err, -EINVAL, "'%s': %s is not set", in, table[i].name + 1);

				free(s);
				return r;
			}
			ns = xasprintf("%.*s%s%s", (int)(at - s), s, table[i].value, at + nl);
			free(s);
			s = ns;
		}
	}
	if (strchr(s, '$')) {
		int r = nono_error_set(err, -EINVAL,
				       "'%s': unknown variable (known: ~ $HOME $WORKDIR $TMPDIR $UID "
				       "$XDG_CONFIG_HOME $XDG_STATE_HOME $XDG_CACHE_HOME $XDG_DATA_HOME "
				       "$XDG_RUNTIME_DIR)",
				       in);

		free(s);
		return r;
	}
	*out = s;
	return 0;
}
