/* dl.c - see dl.h (supervisor side). */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/dl.h"
#include "base/log.h"

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

/* libcrypto's own prototypes for these are marked deprecated in OpenSSL
 * 3 (in favour of EVP, whose set-up is what this avoids): resolved by name */
static struct {
	int (*init)(SHA256_CTX *);
	int (*update)(SHA256_CTX *, const void *, size_t);
	int (*final)(unsigned char *, SHA256_CTX *);
} sha;
static pthread_once_t sha_once = PTHREAD_ONCE_INIT;
static bool sha_ok;

static void
sha_load(void)
{
	static const char *const names[] = {"SHA256_Init", "SHA256_Update", "SHA256_Final"};

	_Static_assert(sizeof(sha) == sizeof(names) / sizeof(names[0]) * sizeof(void *), "one slot per name");
	sha_ok = load(NONO_CRYPTO_SONAME, (void **)&sha, names, sizeof(names) / sizeof(names[0]));
}

bool
nono_sha256_available(void)
{
	pthread_once(&sha_once, sha_load);
	return sha_ok;
}

static pthread_t preloader;
static bool preloading;

static void *
preload(void *arg)
{
	(void)arg;
	nono_sha256_available();
	return NULL;
}

void
nono_sha256_preload(void)
{
	sigset_t all, old;

	if (preloading)
		return;
	/* signals stay with the main thread (signalfd) */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	preloading = pthread_create(&preloader, NULL, preload, NULL) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void
nono_sha256_preload_wait(void)
{
	if (preloading)
		pthread_join(preloader, NULL);
	preloading = false;
}

void
nono_sha256_init(struct nono_sha256 *s)
{
	/* callers check nono_sha256_available() first: without libcrypto
	 * nothing that needs a digest may go on */
	if (!nono_sha256_available() || !sha.init(&s->c))
		die("SHA-256 is not available: %s could not be loaded", NONO_CRYPTO_SONAME);
}

void
nono_sha256_update(struct nono_sha256 *s, const void *p, size_t n)
{
	sha.update(&s->c, p, n);
}

void
nono_sha256_final(struct nono_sha256 *s, unsigned char md[32])
{
	sha.final(md, &s->c);
}

void
nono_sha256_hex(char out[65], const unsigned char md[32])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < 32; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 15];
	}
	out[64] = '\0';
}

const struct nono_git_api *
nono_git(void)
{
	static const char *const names[] = {"git_libgit2_init",
					    "git_libgit2_shutdown",
					    "git_diff_buffers",
					    "git_error_last",
					    "git_libgit2_opts",
					    "git_repository_open_ext",
					    "git_repository_free",
					    "git_repository_workdir",
					    "git_repository_path",
					    "git_repository_commondir",
					    "git_repository_index",
					    "git_repository_config_snapshot",
					    "git_config_get_entry",
					    "git_config_entry_free",
					    "git_config_free",
					    "git_index_get_bypath",
					    "git_index_find_prefix",
					    "git_index_free",
					    "git_ignore_path_is_ignored",
					    "git_odb_new",
					    "git_mempack_new",
					    "git_odb_add_backend",
					    "git_odb_free",
					    "git_repository_wrap_odb",
					    "git_blob_create_from_buffer",
					    "git_index_new",
					    "git_index_add",
					    "git_index_write_tree_to",
					    "git_tree_lookup",
					    "git_tree_free",
					    "git_diff_tree_to_tree",
					    "git_diff_find_similar",
					    "git_diff_print",
					    "git_diff_free",
					    "git_diff_get_stats",
					    "git_diff_stats_to_buf",
					    "git_diff_stats_free",
					    "git_buf_dispose"};
	static struct nono_git_api api;
	static int state;

	_Static_assert(sizeof(api) == sizeof(names) / sizeof(names[0]) * sizeof(void *), "one slot per name");
	if (!state)
		state = load(NONO_GIT2_SONAME, (void **)&api, names, sizeof(names) / sizeof(names[0])) ? 1 : -1;
	return state > 0 ? &api : NULL;
}
