/* settings.c - see settings.h (supervisor side). */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit/export.h"
#include "base/log.h"
#include "base/util.h"
#include "base/vars.h"
#include "config/settings.h"

enum {
	O_PROFILE,
	O_BANNER,
	O_MIN_ABI,
	O_COLOR,
	O_RB_KEEP,
	O_RB_DAYS,
	O_RB_MAX,
	O_AU_KEEP,
	O_AU_DAYS,
	O_AU_EXPORT,
	O_REG_URL,
	O_REG_CA,
	O_HOOKS,
	O_NOTIFY,
	O_N
};
_Static_assert(O_N == NONO_CONFIG_KEYS, "one origin per key");

const size_t nono_n_settings = O_N;
const struct nono_setting nono_settings_keys[] = {
    [O_PROFILE] = {"run", "profile", "profile used when no --profile is given"},
    [O_BANNER] = {"run", "banner", "print the banner on stderr (true/false)"},
    [O_MIN_ABI] = {"run", "min_abi", "refuse to run below this Landlock ABI (e.g. 6; 0: any)"},
    [O_COLOR] = {"ui", "color", "auto, always or never (NO_COLOR still wins)"},
    [O_RB_KEEP] = {"rollback", "keep", "rollback sessions kept by cleanup"},
    [O_RB_DAYS] = {"rollback", "older_than_days", "rollback sessions older than this are removed"},
    [O_RB_MAX] = {"rollback", "max_file_size", "destroying a larger file is refused (ENOSPC) (e.g. 256M)"},
    [O_AU_KEEP] = {"audit", "keep", "audit sessions kept by cleanup"},
    [O_AU_DAYS] = {"audit", "older_than_days", "audit sessions older than this are removed"},
    [O_AU_EXPORT] =
	{"audit", "export",
	 "send each event on too: journald[:SOCKET], syslog[:SOCKET], ocsf:FILE (repeat or comma-separate)"},
    [O_REG_URL] = {"registry", "url", "pack registries, searched in order (https://; repeat or comma-separate)"},
    [O_REG_CA] = {"registry", "ca_file", "PEM CA bundle that verifies the registries instead of the system's"},
    [O_HOOKS] = {"hooks", "install", "install the agent hooks a profile declares at launch (true/false)"},
    [O_NOTIFY] = {"approvals", "notify",
		  "a desktop notification (notify-send) when a request waits and the terminal cannot ask (true/false)"},
};

struct parse_ctx {
	struct nono_config *c;
	struct nono_error *err;
	bool failed;
	FILE *f;
	int line; /* Debian's inih passes no line numbers: the reader counts */
};

static char *
reader(char *str, int num, void *stream)
{
	struct parse_ctx *ctx = stream;
	char *r = fgets(str, num, ctx->f);

	if (r)
		ctx->line++;
	return r;
}

static bool
parse_long(const char *v, long *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 0)
		return false;
	*out = n;
	return true;
}

static bool
parse_size(const char *v, long long *out)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || end == v || n < 0)
		return false;
	if (!*end) {
		*out = n;
		return true;
	}
	if (end[1] != '\0' && strcasecmp(end + 1, "iB") != 0 && strcasecmp(end + 1, "B") != 0)
		return false;
	switch (*end) {
	case 'K':
	case 'k':
		n <<= 10;
		break;
	case 'M':
	case 'm':
		n <<= 20;
		break;
	case 'G':
	case 'g':
		n <<= 30;
		break;
	default:
		return false;
	}
	*out = n;
	return true;
}

/* " (did you mean [run] banner?)" for an unknown key near a known one, or "";
 * a static buffer */
static const char *
near_key(const char *section, const char *name)
{
	static char buf[128];
	size_t bd = 3;

	buf[0] = '\0';
	for (int k = 0; k < O_N; k++) {
		const struct nono_setting *d = &nono_settings_keys[k];
		size_t dist = nono_strdist(name, d->name) + (strcmp(section, d->section) != 0 ? 1 : 0);

		if (dist < bd) {
			bd = dist;
			snprintf(buf, sizeof(buf), " (did you mean [%s] %s?)", d->section, d->name);
		}
	}
	return buf;
}

static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse_ctx *ctx = user;
	int line = ctx->line;
	struct nono_config *c = ctx->c;
	int k;
	bool ok = true;

	if (ctx->failed)
		return 1;
	for (k = 0; k < O_N; k++)
		if (strcmp(nono_settings_keys[k].section, section) == 0 &&
		    strcmp(nono_settings_keys[k].name, name) == 0)
			break;
	if (k == O_N) {
		bool known_section = false;

		for (int j = 0; j < O_N; j++)
			known_section |= strcmp(nono_settings_keys[j].section, section) == 0;
		nono_strv_push_owned(&c->warnings,
				     known_section ? xasprintf("%s line %d: unknown key '%s' in [%s]; ignored%s",
							       c->path, line, name, section, near_key(section, name))
						   : xasprintf("%s line %d: '%s' is in unknown section [%s]; ignored%s",
							       c->path, line, name, section, near_key(section, name)));
		return 1;
	}
	switch (k) {
	case O_PROFILE:
		free(c->default_profile);
		c->default_profile = *value ? xstrdup(value) : NULL;
		break;
	case O_BANNER: {
		int b = nono_parse_bool(value);

		ok = b >= 0;
		c->banner = b == 1;
		break;
	}
	case O_MIN_ABI: {
		long v = 0;

		ok = parse_long(value, &v) && v <= 99;
		c->min_abi = ok ? (int)v : 0;
		break;
	}
	case O_COLOR:
		if (strcmp(value, "auto") == 0)
			c->color = NONO_COLOR_AUTO;
		else if (strcmp(value, "always") == 0)
			c->color = NONO_COLOR_ALWAYS;
		else if (strcmp(value, "never") == 0)
			c->color = NONO_COLOR_NEVER;
		else
			ok = false;
		break;
	case O_RB_KEEP:
		ok = parse_long(value, &c->rollback_keep);
		break;
	case O_RB_DAYS:
		ok = parse_long(value, &c->rollback_days);
		break;
	case O_RB_MAX:
		ok = parse_size(value, &c->rollback_max_file);
		break;
	case O_AU_KEEP:
		ok = parse_long(value, &c->audit_keep);
		break;
	case O_AU_DAYS:
		ok = parse_long(value, &c->audit_days);
		break;
	case O_AU_EXPORT: { /* repeatable: each line adds */
		char *v = xstrdup(value), *save = NULL;

		for (char *t = strtok_r(v, ", \t", &save); t && ok; t = strtok_r(NULL, ", \t", &save)) {
			struct nono_error e = {0};

			ok = nono_export_check(t, &e) == 0;
			if (ok && !nono_strv_contains(&c->audit_export, t))
				nono_strv_push(&c->audit_export, t);
		}
		free(v);
		break;
	}
	case O_REG_URL: /* repeatable: each line adds (registry.c checks the URLs) */
		nono_strv_push(&c->registry_urls, value);
		break;
	case O_REG_CA:
		free(c->registry_ca);
		c->registry_ca = *value ? xstrdup(value) : NULL;
		break;
	case O_HOOKS:
	case O_NOTIFY: {
		int b = nono_parse_bool(value);

		ok = b >= 0;
		*(k == O_HOOKS ? &c->hooks_install : &c->approvals_notify) = b == 1;
		break;
	}
	}
	if (!ok) {
		nono_error_set(ctx->err, -EINVAL, "%s line %d: [%s] %s = '%s': %s", c->path, line, section, name, value,
			       nono_settings_keys[k].help);
		ctx->failed = true;
		return 1;
	}
	free(c->origin[k]);
	c->origin[k] = xasprintf("%s:%d", c->path, line);
	return 1;
}

int
nono_config_load(struct nono_config *c, struct nono_error *err)
{
	char *cfg = nono_xdg_dir("config");
	struct parse_ctx ctx;
	FILE *f;
	int r;

	memset(c, 0, sizeof(*c));
	memset(&ctx, 0, sizeof(ctx));
	ctx.c = c;
	ctx.err = err;
	c->path = xasprintf("%s/nono/config.ini", cfg);
	free(cfg);
	c->banner = true;
	c->color = NONO_COLOR_AUTO;
	c->rollback_keep = 10;
	c->rollback_days = 30;
	c->rollback_max_file = 256LL << 20;
	c->audit_keep = 100;
	c->audit_days = 90;
	c->hooks_install = true;
	c->approvals_notify = true;
	for (int k = 0; k < O_N; k++)
		c->origin[k] = xstrdup("default");
	f = fopen(c->path, "re");
	if (!f)
		return 0;
	ctx.f = f;
	r = ini_parse_stream(reader, &ctx, handler, &ctx);
	fclose(f);
	if (ctx.failed)
		return err->code;
	if (r > 0)
		return nono_error_set(err, -EINVAL, "%s line %d: not a 'key = value' line nor a [section]", c->path, r);
	return 0;
}

void
nono_config_free(struct nono_config *c)
{
	free(c->path);
	free(c->default_profile);
	nono_strv_free(&c->registry_urls);
	nono_strv_free(&c->audit_export);
	free(c->registry_ca);
	for (int k = 0; k < O_N; k++)
		free(c->origin[k]);
	nono_strv_free(&c->warnings);
}

void
nono_config_value(const struct nono_config *c, int k, char *out, size_t n)
{
	static const char *const colors[] = {"auto", "always", "never"};

	switch (k) {
	case O_PROFILE:
		snprintf(out, n, "%s", c->default_profile ? c->default_profile : "");
		break;
	case O_BANNER:
		snprintf(out, n, "%s", c->banner ? "true" : "false");
		break;
	case O_MIN_ABI:
		snprintf(out, n, "%d", c->min_abi);
		break;
	case O_COLOR:
		snprintf(out, n, "%s", colors[c->color]);
		break;
	case O_RB_KEEP:
		snprintf(out, n, "%ld", c->rollback_keep);
		break;
	case O_RB_DAYS:
		snprintf(out, n, "%ld", c->rollback_days);
		break;
	case O_RB_MAX:
		snprintf(out, n, "%lld", c->rollback_max_file);
		break;
	case O_AU_KEEP:
		snprintf(out, n, "%ld", c->audit_keep);
		break;
	case O_AU_DAYS:
		snprintf(out, n, "%ld", c->audit_days);
		break;
	case O_AU_EXPORT:
		if (n)
			out[0] = '\0';
		for (size_t i = 0; i < c->audit_export.n; i++)
			snprintf(out + strlen(out), n - strlen(out), "%s%s", i ? ", " : "", c->audit_export.v[i]);
		break;
	case O_REG_URL:
		if (n)
			out[0] = '\0';
		for (size_t i = 0; i < c->registry_urls.n; i++)
			snprintf(out + strlen(out), n - strlen(out), "%s%s", i ? ", " : "", c->registry_urls.v[i]);
		break;
	case O_REG_CA:
		snprintf(out, n, "%s", c->registry_ca ? c->registry_ca : "");
		break;
	case O_HOOKS:
		snprintf(out, n, "%s", c->hooks_install ? "true" : "false");
		break;
	case O_NOTIFY:
		snprintf(out, n, "%s", c->approvals_notify ? "true" : "false");
		break;
	default:
		snprintf(out, n, "%s", "");
	}
}

static struct nono_config *current;

const struct nono_config *
nono_settings(void)
{
	static struct nono_config defaults;
	static bool init;

	if (current)
		return current;
	if (!init) {
		defaults.banner = true;
		defaults.color = NONO_COLOR_AUTO;
		defaults.hooks_install = true;
		defaults.approvals_notify = true;
		init = true;
	}
	return &defaults;
}

void
nono_settings_set(struct nono_config *c)
{
	current = c;
}
