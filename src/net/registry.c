/* registry.c - see registry.h (supervisor side). */
#include "config.h"

#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include "base/log.h"
#include "base/util.h"
#include "net/registry.h"

/* ---- libcurl, loaded on first use ---------------------------------------- */

static struct {
	__typeof__(&curl_global_init) global_init;
	__typeof__(&curl_easy_init) init;
	__typeof__(&curl_easy_setopt) setopt;
	__typeof__(&curl_easy_perform) perform;
	__typeof__(&curl_easy_getinfo) getinfo;
	__typeof__(&curl_easy_cleanup) cleanup;
	__typeof__(&curl_easy_strerror) strerror;
} cu;

static int
need_curl(struct nono_error *err)
{
	static int state; /* 0 not tried, 1 loaded, -1 failed */
	static const char *const names[] = {"curl_global_init",	 "curl_easy_init",    "curl_easy_setopt",
					    "curl_easy_perform", "curl_easy_getinfo", "curl_easy_cleanup",
					    "curl_easy_strerror"};
	void **slots = (void **)&cu;

	_Static_assert(sizeof(cu) == sizeof(names) / sizeof(names[0]) * sizeof(void *), "one slot per name");
	if (!state) {
		void *h = dlopen(NONO_CURL_SONAME, RTLD_NOW | RTLD_LOCAL);

		state = h ? 1 : -1;
		for (size_t i = 0; h && i < sizeof(names) / sizeof(names[0]); i++)
			if (!(slots[i] = dlsym(h, names[i])))
				state = -1;
		if (state > 0 && cu.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			state = -1;
	}
	if (state > 0)
		return 0;
	nono_error_set(err, -ENOSYS, "cannot reach a registry: %s (libcurl) could not be loaded", NONO_CURL_SONAME);
	nono_error_hint(err, "install libcurl (Debian: libcurl4)");
	return err->code;
}

/* ---- one transfer ------------------------------------------------------------- */

struct xfer {
	nono_registry_sink sink;
	void *ctx;
	struct nono_error *err;
	bool sink_failed;
	long long got, max;
	const char *label;
	int shown; /* the last permille drawn, -1 none */
	double last_draw;
};

static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n;

	x->got += (long long)len;
	if (x->max > 0 && x->got > x->max) {
		nono_error_set(x->err, -EFBIG, "more than %lld bytes", x->max);
		x->sink_failed = true;
		return 0;
	}
	if (x->sink(x->ctx, p, len, x->err) < 0) {
		x->sink_failed = true;
		return 0;
	}
	return len;
}

static int
on_progress(void *arg, curl_off_t total, curl_off_t now, curl_off_t ut, curl_off_t un)
{
	struct xfer *x = arg;
	double t = nono_now_us();
	int pm = total > 0 ? (int)(now * 1000 / total) : 0;
	char a[32], b[32], bar[31];

	(void)ut;
	(void)un;
	if (!x->label || (pm == x->shown && t - x->last_draw < 250000) || (now == 0 && x->shown < 0))
		return 0;
	x->shown = pm;
	x->last_draw = t;
	nono_size_fmt(a, sizeof(a), (double)now);
	nono_size_fmt(b, sizeof(b), (double)total);
	for (int i = 0; i < 30; i++)
		bar[i] = i < pm * 30 / 1000 ? '#' : ' ';
	bar[30] = '\0';
	if (total > 0)
		fprintf(stderr, "\r  %-32.32s [%s] %3d%%  %s / %s\033[K", x->label, bar, pm / 10, a, b);
	else
		fprintf(stderr, "\r  %-32.32s %s\033[K", x->label, a);
	return 0;
}

static void
setup(CURL *h, const char *url, const struct nono_registry_opts *o, struct xfer *x, char *errbuf)
{
	cu.setopt(h, CURLOPT_URL, url);
	cu.setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	cu.setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	cu.setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	cu.setopt(h, CURLOPT_MAXREDIRS, 5L);
	cu.setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	cu.setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (o->ca_file) {
		cu.setopt(h, CURLOPT_CAINFO, o->ca_file);
		cu.setopt(h, CURLOPT_CAPATH, NULL);
	}
	cu.setopt(h, CURLOPT_FAILONERROR, 1L);
	cu.setopt(h, CURLOPT_NOSIGNAL, 1L);
	cu.setopt(h, CURLOPT_CONNECTTIMEOUT, 15L);
	cu.setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	cu.setopt(h, CURLOPT_LOW_SPEED_TIME, 30L);
	cu.setopt(h, CURLOPT_USERAGENT, "nono/" PACKAGE_VERSION);
	cu.setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	cu.setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	cu.setopt(h, CURLOPT_WRITEDATA, x);
	if (x->label) {
		cu.setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
		cu.setopt(h, CURLOPT_XFERINFODATA, x);
		cu.setopt(h, CURLOPT_NOPROGRESS, 0L);
	}
}

int
nono_registry_fetch(const char *url, const struct nono_registry_opts *o, nono_registry_sink sink, void *ctx,
		    struct nono_error *err)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct xfer x = {sink, ctx, err, false, 0, o->max, NULL, -1, 0};
	CURL *h;
	CURLcode c;
	long status = 0;
	int r = 0;

	if ((r = need_curl(err)) < 0)
		return r;
	if (o->label && isatty(STDERR_FILENO) && nono_log_level() >= 0)
		x.label = o->label;
	if (!(h = cu.init()))
		return nono_error_set(err, -ENOMEM, "libcurl could not start a transfer");
	setup(h, url, o, &x, errbuf);
	c = cu.perform(h);
	cu.getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	cu.cleanup(h);
	if (x.shown >= 0)
		fprintf(stderr, "\n");
	if (c == CURLE_OK)
		return 0;
	if (x.sink_failed) {
		char msg[sizeof(err->msg)];

		snprintf(msg, sizeof(msg), "%s", err->msg);
		r = nono_error_set(err, err->code ? err->code : -EIO, "%s: %s", url, msg);
	} else if (c == CURLE_HTTP_RETURNED_ERROR) {
		r = nono_error_set(err, status == 404 ? -ENOENT : -EIO, "%s: HTTP %ld", url, status);
	} else {
		r = nono_error_set(err, -EIO, "%s: %s", url, *errbuf ? errbuf : cu.strerror(c));
		if (c == CURLE_PEER_FAILED_VERIFICATION || c == CURLE_SSL_CACERT_BADFILE || c == CURLE_SSL_CERTPROBLEM)
			nono_error_hint(err, "the registry's certificate is not trusted; [registry] ca_file in "
					     "config.ini names the CA bundle to verify it with");
	}
	return r;
}

struct membuf {
	char *p;
	size_t n, cap;
};

static int
to_memory(void *ctx, const void *buf, size_t n, struct nono_error *err)
{
	struct membuf *m = ctx;

	(void)err;
	if (m->n + n + 1 > m->cap) {
		m->cap = (m->n + n + 1) * 2;
		m->p = xrealloc(m->p, m->cap);
	}
	memcpy(m->p + m->n, buf, n);
	m->n += n;
	m->p[m->n] = '\0';
	return 0;
}

int
nono_registry_get(char **out, size_t *out_len, const char *url, const struct nono_registry_opts *o,
		  struct nono_error *err)
{
	struct membuf m = {xcalloc(1, 1), 0, 1};
	int r = nono_registry_fetch(url, o, to_memory, &m, err);

	if (r < 0) {
		free(m.p);
		*out = NULL;
		return r;
	}
	*out = m.p;
	if (out_len)
		*out_len = m.n;
	return 0;
}

/* ---- which registries ------------------------------------------------------------ */

static int
add_url(struct nono_strv *out, const char *u, const char *from, struct nono_error *err)
{
	size_t l;
	char *v;

	while (*u == ' ' || *u == '\t')
		u++;
	l = strlen(u);
	while (l && (u[l - 1] == ' ' || u[l - 1] == '\t' || u[l - 1] == '/'))
		l--;
	if (!l)
		return 0;
	v = xasprintf("%.*s", (int)l, u);
	for (const char *c = v; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f || *c == '"' || *c == '\\') {
			free(v);
			return nono_error_set(err, -EINVAL, "%s: '%.*s' is not a registry URL", from, (int)l, u);
		}
	if (strncmp(v, "https://", 8) != 0 || !v[8]) {
		nono_error_set(err, -EINVAL, "%s: registry %s: only https:// registries are used", from, v);
		free(v);
		return err->code;
	}
	if (!nono_strv_contains(out, v))
		nono_strv_push(out, v);
	free(v);
	return 0;
}

int
nono_registry_add_urls(struct nono_strv *out, const char *list, const char *from, struct nono_error *err)
{
	char *dup = xstrdup(list), *save = NULL;
	int r = 0;

	for (char *t = strtok_r(dup, ",", &save); t && r == 0; t = strtok_r(NULL, ",", &save))
		r = add_url(out, t, from, err);
	free(dup);
	return r;
}
