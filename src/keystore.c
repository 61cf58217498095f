/* keystore.c - see keystore.h (supervisor side). */
#include "config.h"

#include <errno.h>
#include <libsecret/secret.h>
#include <string.h>

#include "keystore.h"

/* Items as 'secret-tool store ... service nono username NAME' writes them:
 * matched on the two attributes alone, whatever schema name they carry. */
static const SecretSchema schema = {
    .name = "org.freedesktop.Secret.Generic",
    .flags = SECRET_SCHEMA_DONT_MATCH_NAME,
    .attributes =
	{
	    {"service", SECRET_SCHEMA_ATTRIBUTE_STRING},
	    {"username", SECRET_SCHEMA_ATTRIBUTE_STRING},
	    {NULL, 0},
	},
};

void
nono_keystore_wipe(struct nono_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		explicit_bzero(sv->v[i], strlen(sv->v[i]));
	nono_strv_free(sv);
}

int
nono_keystore_load(struct nono_strv *out, const struct nono_strv *refs, struct nono_error *err)
{
	struct nono_strv got = {0};
	int r = 0;

	for (size_t i = 0; i < refs->n && !r; i++) {
		const char *eq = strrchr(refs->v[i], '=');
		char *ref = xasprintf("%.*s", (int)(eq - refs->v[i]), refs->v[i]);
		char *service = xstrdup("nono"), *account = ref;
		GError *gerr = NULL;
		gchar *secret;

		if (strncmp(ref, "keyring://", 10) == 0) {
			char *slash = strchr(ref + 10, '/');

			free(service);
			service = xasprintf("%.*s", (int)(slash - ref - 10), ref + 10);
			account = slash + 1;
		}
		secret =
		    secret_password_lookup_sync(&schema, NULL, &gerr, "service", service, "username", account, NULL);
		if (gerr) {
			r = nono_error_set(err, -EIO, "credential '%s': the keystore is unreachable: %s", ref,
					   gerr->message);
			nono_error_hint(err, "a Secret Service (gnome-keyring, KeePassXC) must run in this D-Bus "
					     "session, unlocked");
			g_error_free(gerr);
		} else if (!secret) {
			r = nono_error_set(err, -ENOENT,
					   "credential '%s' is not in the keystore (service %s, account %s)", ref,
					   service, account);
			nono_error_hint(err, "store it: secret-tool store --label=\"nono: %s\" service %s username %s",
					account, service, account);
		} else {
			nono_strv_push_owned(&got, xasprintf("%s=%s", eq + 1, secret));
			secret_password_free(secret);
		}
		free(service);
		free(ref);
	}
	if (r) {
		nono_keystore_wipe(&got);
		return r;
	}
	for (size_t i = 0; i < got.n; i++)
		nono_strv_push(out, got.v[i]);
	nono_keystore_wipe(&got);
	return 0;
}
