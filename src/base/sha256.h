/* sha256.h - SHA-256 from libcrypto's static archive (both sides; the
 * child never hashes). Only the digest's own objects are linked in (about
 * 30 KB), so no launch pays the 0.6 ms of loading libcrypto.so to hash
 * the audit trail's records or the journal's before-images; signatures
 * still load the shared library (store/sign.c). Thread-safe. */
#ifndef NONO_SHA256_H
#define NONO_SHA256_H

#include <openssl/sha.h>
#include <stddef.h>

/* libcrypto's direct functions: OpenSSL 3's EVP route sets up its
 * provider on the first digest (0.8 ms here) and links most of the
 * library; these cost 10 us and link the digest alone. */
struct nono_sha256 {
	SHA256_CTX c;
};
void nono_sha256_init(struct nono_sha256 *s);
void nono_sha256_update(struct nono_sha256 *s, const void *p, size_t n);
void nono_sha256_final(struct nono_sha256 *s, unsigned char md[32]);
/* A digest as 64 lowercase hex digits and a NUL. */
void nono_sha256_hex(char out[65], const unsigned char md[32]);

#endif
