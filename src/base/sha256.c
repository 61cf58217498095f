/* sha256.c - see sha256.h (both sides). */
#include "config.h"

/* SHA256_Init and its kin are deprecated in OpenSSL 3 in favour of EVP,
 * whose provider set-up is what this avoids (sha256.h) */
#define OPENSSL_SUPPRESS_DEPRECATED

#include "base/log.h"
#include "base/sha256.h"

void
nono_sha256_init(struct nono_sha256 *s)
{
	if (!SHA256_Init(&s->c))
		die("SHA-256: libcrypto could not start a digest");
}

void
nono_sha256_update(struct nono_sha256 *s, const void *p, size_t n)
{
	SHA256_Update(&s->c, p, n);
}

void
nono_sha256_final(struct nono_sha256 *s, unsigned char md[32])
{
	SHA256_Final(md, &s->c);
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
