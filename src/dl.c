/* dl.c - see dl.h (supervisor side). */
#include "config.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stddef.h>

#include "dl.h"
#include "log.h"

/* Resolve names[i] into the i-th pointer of api; false if any is missing. */
static bool
load(const char *soname, void **slots, const char *const *names, size_t n)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		log_warn("cannot load %s: %s", soname, dlerror());
		return false;
	}
	for (size_t i = 0; i < n; i++)
		if (!(slots[i] = dlsym(h, names[i]))) {
			log_warn("%s has no %s", soname, names[i]);
			return false;
		}
	return true;
}

const struct nono_crypto_api *
nono_crypto(void)
{
	static const char *const names[] = {"EVP_MD_CTX_new",	"EVP_MD_CTX_free",    "EVP_sha256", "EVP_DigestInit_ex",
					    "EVP_DigestUpdate", "EVP_DigestFinal_ex", "EVP_Digest"};
	static struct nono_crypto_api api;
	static int state; /* 0 untried, 1 loaded, -1 failed */

	_Static_assert(sizeof(api) == sizeof(names) / sizeof(names[0]) * sizeof(void *), "one slot per name");
	if (!state)
		state = load(NONO_CRYPTO_SONAME, (void **)&api, names, sizeof(names) / sizeof(names[0])) ? 1 : -1;
	return state > 0 ? &api : NULL;
}

const struct nono_git_api *
nono_git(void)
{
	static const char *const names[] = {"git_libgit2_init", "git_libgit2_shutdown", "git_diff_buffers",
					    "git_error_last"};
	static struct nono_git_api api;
	static int state;

	_Static_assert(sizeof(api) == sizeof(names) / sizeof(names[0]) * sizeof(void *), "one slot per name");
	if (!state)
		state = load(NONO_GIT2_SONAME, (void **)&api, names, sizeof(names) / sizeof(names[0])) ? 1 : -1;
	return state > 0 ? &api : NULL;
}
