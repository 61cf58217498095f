/* dl.h - libcrypto and libgit2, loaded on first use (supervisor side).
 * Linking them would cost every launch about 1.7 ms of dynamic loading;
 * only hashing (rollback, audit) and diffs need them, and those happen
 * while the sandboxed program runs or in commands that don't launch one.
 * The headers give the exact prototypes; the build records the sonames. */
#ifndef NONO_DL_H
#define NONO_DL_H

#include <git2.h>
#include <openssl/evp.h>

struct nono_crypto_api {
	__typeof__(&EVP_MD_CTX_new) MD_CTX_new;
	__typeof__(&EVP_MD_CTX_free) MD_CTX_free;
	__typeof__(&EVP_sha256) sha256;
	__typeof__(&EVP_DigestInit_ex) DigestInit_ex;
	__typeof__(&EVP_DigestUpdate) DigestUpdate;
	__typeof__(&EVP_DigestFinal_ex) DigestFinal_ex;
	__typeof__(&EVP_Digest) Digest;
};

struct nono_git_api {
	__typeof__(&git_libgit2_init) init;
	__typeof__(&git_libgit2_shutdown) shutdown;
	__typeof__(&git_diff_buffers) diff_buffers;
	__typeof__(&git_error_last) error_last;
};

/* NULL (with the reason logged once) when the library can't be loaded. */
const struct nono_crypto_api *nono_crypto(void);
const struct nono_git_api *nono_git(void);

#endif
