/* sign.h - Ed25519 signatures for packs and instruction files: public keys
 * (nono's one-line form, OpenSSH, PEM), the keyrings nono trusts, private
 * keys (PKCS#8 PEM, as openssl genpkey writes them), base64, and signing and
 * verifying through libcrypto's EVP interface, loaded on first use like the
 * digests of dl.h (supervisor side; only this module includes
 * <openssl/evp.h>).
 *
 * Keyrings, searched together: the file nono ships (NONO_KEYRING, installed
 * in $(pkgdatadir)/trusted-keys) and $XDG_CONFIG_HOME/nono/trusted-keys/KEYID.pub
 * ('nono trust add'; among nono's own files, which no sandbox can write).
 * A key is named by its id: the first 16 hex digits of the SHA-256 of its 32
 * raw bytes. */
#ifndef NONO_SIGN_H
#define NONO_SIGN_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

#define NONO_SIGN_PUB	32 /* raw public key */
#define NONO_SIGN_SEED	32 /* raw private key */
#define NONO_SIGN_BYTES 64 /* a signature */
#define NONO_KEYID_LEN	17 /* 16 hex digits and a NUL */

/* Domains: the first bytes of every signed message, so a signature made for
 * one purpose never verifies for another. */
#define NONO_SIGN_DOMAIN_PACK  "nono-pack-manifest-v1\n"
#define NONO_SIGN_DOMAIN_TRUST "nono-instruction-v1\n"

struct nono_key {
	unsigned char pub[NONO_SIGN_PUB];
	char id[NONO_KEYID_LEN];
	char *comment; /* may be "" */
	char *origin;  /* the file it was read from, or NULL */
};

struct nono_keyring {
	struct nono_key *v;
	size_t n;
};

/* The key's id (hex, NUL-terminated). */
void nono_key_id(char out[NONO_KEYID_LEN], const unsigned char pub[NONO_SIGN_PUB]);
/* Every public key in text: lines "ed25519 BASE64 [comment]", OpenSSH lines
 * "ssh-ed25519 AAAA... [comment]" and PEM "PUBLIC KEY" blocks; blank lines
 * and '#' comments are skipped. origin names text in messages (and is kept
 * in each key). -EINVAL with err on anything else (a private key among
 * them). Appends to out. */
int nono_keyring_parse(struct nono_keyring *out, const char *text, const char *origin, struct nono_error *err);
/* The keys nono trusts: the shipped keyring, then the user's directory. A
 * file that does not parse is an error (nothing is silently dropped). */
int nono_keyring_load(struct nono_keyring *out, struct nono_error *err);
const struct nono_key *nono_keyring_find(const struct nono_keyring *kr, const char *id);
void nono_keyring_free(struct nono_keyring *kr);
/* Where the keys come from, caller-owned / static. */
char *nono_keyring_user_dir(void);
const char *nono_keyring_system_path(void);
/* "ed25519 BASE64 comment\n", nono's one-line form; caller-owned. */
char *nono_key_line(const struct nono_key *k);

/* Verify sig (base64) by the key named keyid over domain || msg. 0 when it
 * holds; -ENOKEY when no trusted key has that id; -EBADMSG when the
 * signature is wrong or malformed; -ENOSYS when libcrypto cannot be
 * loaded. err says which, naming what (e.g. "pack x/y 1.0.0"). */
int nono_sign_verify(const struct nono_keyring *kr, const char *what, const char *domain, const void *msg, size_t n,
		     const char *keyid, const char *sig_b64, struct nono_error *err);
/* Sign domain || msg with seed: *out_b64 is the signature in base64
 * (caller-owned). 0 or -errno with err. */
int nono_sign_make(char **out_b64, const unsigned char seed[NONO_SIGN_SEED], const char *domain, const void *msg,
		   size_t n, struct nono_error *err);
/* A new key pair. 0 or -errno with err. */
int nono_sign_keygen(unsigned char seed[NONO_SIGN_SEED], unsigned char pub[NONO_SIGN_PUB], struct nono_error *err);
/* The public half of a seed. 0 or -errno with err. */
int nono_sign_public(unsigned char pub[NONO_SIGN_PUB], const unsigned char seed[NONO_SIGN_SEED],
		     struct nono_error *err);

/* The user's signing key: $XDG_STATE_HOME/nono/trust/signing-key.pem, in
 * nono's state, which no sandbox can read. Caller-owned. */
char *nono_sign_user_key_path(void);
/* Read a PKCS#8 PEM Ed25519 private key. -ENOENT when the file is missing. */
int nono_privkey_read(unsigned char seed[NONO_SIGN_SEED], const char *path, struct nono_error *err);
/* Write one (0600, never over an existing file unless replace). */
int nono_privkey_write(const char *path, const unsigned char seed[NONO_SIGN_SEED], bool replace,
		       struct nono_error *err);
/* A PEM "PUBLIC KEY" block (as openssl pkey -pubout writes it); caller-owned. */
char *nono_pubkey_pem(const unsigned char pub[NONO_SIGN_PUB]);

/* Base64 (RFC 4648, padded). decode ignores whitespace; -EINVAL when the
 * text is not base64 or does not fit in cap bytes. */
char *nono_base64_encode(const void *p, size_t n);
int nono_base64_decode(unsigned char *out, size_t cap, size_t *out_len, const char *s);

#endif
