/* vars.c - see vars.h (supervisor side). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "base/vars.h"

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
	const char *at = in;
	char *s = NULL;
	size_t n = 0;
	FILE *f;

	*out = NULL;
	if (in[0] != '~' && !strchr(in, '$')) {
		*out = xstrdup(in);
		return 0;
	}
	f = open_memstream(&s, &n);
	if (!f)
		abort();
	if (in[0] == '~' && (in[1] == '\0' || in[1] == '/')) {
		fputs(v->home, f);
		at++;
	}
	/* one pass: a value is copied as it is, never scanned again */
	while (*at) {
		size_t nl = 1, i;

		if (*at != '$') {
			fputc(*at++, f);
			continue;
		}
		while ((at[nl] >= 'A' && at[nl] <= 'Z') || at[nl] == '_' || (at[nl] >= '0' && at[nl] <= '9'))
			nl++;
		for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
			if (strlen(table[i].name) == nl && strncmp(at, table[i].name, nl) == 0)
				break;
		if (i == sizeof(table) / sizeof(table[0]) || !table[i].value) {
			int r = i == sizeof(table) / sizeof(table[0])
				    ? nono_error_set(err, -EINVAL,
						     "'%s': unknown variable (known: ~ $HOME $WORKDIR $TMPDIR $UID "
						     "$XDG_CONFIG_HOME $XDG_STATE_HOME $XDG_CACHE_HOME $XDG_DATA_HOME "
						     "$XDG_RUNTIME_DIR)",
						     in)
				    : nono_error_set(err, -EINVAL, "'%s': %s is not set", in, table[i].name + 1);

			fclose(f);
			free(s);
			return r;
		}
		fputs(table[i].value, f);
		at += nl;
	}
	if (fclose(f) != 0)
		abort();
	*out = s;
	return 0;
}

char *
nono_state_path(const char *sub)
{
	char *state = nono_xdg_dir("state");
	char *s = xasprintf("%s/nono/%s", state, sub);

	free(state);
	return s;
}
