/* registry.h - the HTTPS client for pack registries: libcurl, loaded on first
 * use (linking it would cost every 'nono run' its start-up), HTTPS only,
 * redirects included, certificates verified against the system's store or
 * the [registry] ca_file bundle; a progress bar on a terminal (supervisor
 * side; only this module includes <curl/curl.h>).
 *
 * A registry is a base URL serving
 *   <url>/index.json                                 the packs it has
 *   <url>/packs/OWNER/NAME/VERSION/manifest.json     a pack's signed manifest
 *   <url>/packs/OWNER/NAME/VERSION/manifest.sig      its signature
 *   <url>/packs/OWNER/NAME/VERSION/files/PATH        each file it lists
 * (docs/PACKS.md describes the formats). */
#ifndef NONO_REGISTRY_H
#define NONO_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "base/util.h"

struct nono_registry_opts {
	const char *ca_file; /* PEM bundle that replaces the system's CAs, or NULL */
	const char *label;   /* what the progress bar names; NULL: no bar */
	long long max;	     /* refuse a body larger than this many bytes */
};

/* Each block of the body as it arrives; a negative return stops the
 * transfer, and its err (set by the sink) is what the fetch reports. */
typedef int (*nono_registry_sink)(void *ctx, const void *buf, size_t n, struct nono_error *err);

/* GET url, handing the body to sink. 0, or -errno with err naming the URL. */
int nono_registry_fetch(const char *url, const struct nono_registry_opts *o, nono_registry_sink sink, void *ctx,
			struct nono_error *err);
/* GET url into memory (NUL-terminated, caller-owned). */
int nono_registry_get(char **out, size_t *out_len, const char *url, const struct nono_registry_opts *o,
		      struct nono_error *err);

/* Add each URL of the comma-separated list to out (from names where it came
 * from, for errors): https:// only, kept without a trailing '/'. 0, or
 * -EINVAL for one that is not https. (config/pack.h chooses the registries.) */
int nono_registry_add_urls(struct nono_strv *out, const char *list, const char *from, struct nono_error *err);

#endif
