/* sign.c - see sign.h (supervisor side). */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/objects.h"
#include "base/log.h"
#include "store/sign.h"
#include "base/util.h"
#include "base/vars.h"

#ifndef NONO_KEYRING
#define NONO_KEYRING "/usr/share/nono/trusted-keys"
#endif

#define MAX_KEYFILE (256 * 1024)

/* ---- libcrypto, loaded on first use ------------------------------------ */

static struct {
	__typeof__(&EVP_PKEY_new_raw_public_key) new_pub;
	__typeof__(&EVP_PKEY_new_raw_private_key) new_priv;
	__typeof__(&EVP_PKEY_get_raw_public_key) get_pub;
	__typeof__(&EVP_PKEY_free) pkey_free;
	__typeof__(&EVP_MD_CTX_new) ctx_new;
	__typeof__(&EVP_MD_CTX_free) ctx_free;
	__typeof__(&EVP_DigestVerifyInit) verify_init;
	__typeof__(&EVP_DigestVerify) verify;
	__typeof__(&EVP_DigestSignInit) sign_init;
	__typeof__(&EVP_DigestSign) sign;
} evp;
static pthread_once_t evp_once = PTHREAD_ONCE_INIT;
static bool evp_ok;

static void
evp_load(void)
{
	static const char *const names[] = {
	    "EVP_PKEY_new_raw_public_key",
	    "EVP_PKEY_new_raw_private_key",
	    "EVP_PKEY_get_raw_public_key",
	    "EVP_PKEY_free",
	    "EVP_MD_CTX_new",
	    "EVP_MD_CTX_free",
	    "EVP_DigestVerifyInit",
	    "EVP_DigestVerify",
	    "EVP_DigestSignInit",
	    "EVP_DigestSign",
	};
	void **slots = (void **)&evp;
	void *h = dlopen(NONO_CRYPTO_SONAME, RTLD_NOW | RTLD_LOCAL);

	_Static_assert(sizeof(evp) == sizeof(names) / sizeof(names[0]) * sizeof(void *), "one slot per name");
	if (!h)
		return;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!(slots[i] = dlsym(h, names[i])))
			return;
	evp_ok = true;
}

static int
need_evp(struct nono_error *err)
{
	pthread_once(&evp_once, evp_load);
	if (evp_ok)
		return 0;
	nono_error_set(err, -ENOSYS, "Ed25519 is not available: %s (libcrypto) could not be loaded",
		       NONO_CRYPTO_SONAME);
	nono_error_hint(err, "install OpenSSL's libcrypto (Debian: libssl3)");
	return err->code;
}

/* domain || msg, one buffer (Ed25519 signs the whole message in one go) */
static unsigned char *
join_domain(const char *domain, const void *msg, size_t n, size_t *out_n)
{
	size_t d = strlen(domain);
	unsigned char *b = xmalloc(d + n + 1);

	memcpy(b, domain, d);
	if (n)
		memcpy(b + d, msg, n);
	*out_n = d + n;
	return b;
}

/* ---- base64 ------------------------------------------------------------ */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *
nono_base64_encode(const void *p, size_t n)
{
	const unsigned char *s = p;
	char *out = xmalloc((n + 2) / 3 * 4 + 1), *o = out;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v =
		    (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) | (i + 2 < n ? s[i + 2] : 0);

		*o++ = b64[v >> 18 & 63];
		*o++ = b64[v >> 12 & 63];
		*o++ = i + 1 < n ? b64[v >> 6 & 63] : '=';
		*o++ = i + 2 < n ? b64[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

int
nono_base64_decode(unsigned char *out, size_t cap, size_t *out_len, const char *s)
{
	unsigned v = 0;
	int bits = 0, pad = 0;
	size_t n = 0;

	for (; *s; s++) {
		const char *c;

		if (isspace((unsigned char)*s))
			continue;
		if (*s == '=') {
			pad++;
			continue;
		}
		if (pad || !(c = strchr(b64, *s)) || !*s)
			return -EINVAL;
		v = v << 6 | (unsigned)(c - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n >= cap)
				return -EINVAL;
			out[n++] = (unsigned char)(v >> bits & 0xff);
		}
	}
	/* leftover bits must be zero padding, and '=' complete the quantum */
	if (pad > 2 || (v & ((1u << bits) - 1)) || (pad && (bits / 2) != pad))
		return -EINVAL;
	*out_len = n;
	return 0;
}

/* ---- keys ------------------------------------------------------------------ */

/* DER prefixes of an Ed25519 SubjectPublicKeyInfo and PKCS#8 PrivateKeyInfo */
static const unsigned char spki_prefix[] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
static const unsigned char pkcs8_prefix[] = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
					     0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};

void
nono_key_id(char out[NONO_KEYID_LEN], const unsigned char pub[NONO_SIGN_PUB])
{
	char hex[65];

	if (nono_sha256_buf(pub, NONO_SIGN_PUB, hex) < 0)
		die("SHA-256 is not available: %s could not be loaded", NONO_CRYPTO_SONAME);
	memcpy(out, hex, NONO_KEYID_LEN - 1);
	out[NONO_KEYID_LEN - 1] = '\0';
}

static void
push_key(struct nono_keyring *kr, const unsigned char pub[NONO_SIGN_PUB], const char *comment, const char *origin)
{
	struct nono_key *k;

	kr->v = xrealloc(kr->v, (kr->n + 1) * sizeof(*kr->v));
	k = &kr->v[kr->n++];
	memcpy(k->pub, pub, NONO_SIGN_PUB);
	nono_key_id(k->id, pub);
	k->comment = xstrdup(comment ? comment : "");
	k->origin = origin ? xstrdup(origin) : NULL;
}

/* the SSH wire blob: string "ssh-ed25519", string key(32) */
static int
ssh_blob(unsigned char pub[NONO_SIGN_PUB], const unsigned char *b, size_t n)
{
	static const char type[] = "ssh-ed25519";

	if (n != 4 + 11 + 4 + 32 || memcmp(b, "\0\0\0\x0b", 4) != 0 || memcmp(b + 4, type, 11) != 0 ||
	    memcmp(b + 15, "\0\0\0\x20", 4) != 0)
		return -EINVAL;
	memcpy(pub, b + 19, NONO_SIGN_PUB);
	return 0;
}

/* One "ed25519 B64 c" or "ssh-ed25519 B64 c" line. */
static int
parse_line(unsigned char pub[NONO_SIGN_PUB], char **comment, char *line)
{
	char *save = NULL, *type = strtok_r(line, " \t", &save), *data = strtok_r(NULL, " \t", &save);
	unsigned char buf[64];
	size_t n;

	if (!type || !data || nono_base64_decode(buf, sizeof(buf), &n, data) < 0)
		return -EINVAL;
	if (strcmp(type, "ssh-ed25519") == 0) {
		if (ssh_blob(pub, buf, n) < 0)
			return -EINVAL;
	} else if (strcmp(type, "ed25519") == 0 && n == NONO_SIGN_PUB) {
		memcpy(pub, buf, NONO_SIGN_PUB);
	} else {
		return -EINVAL;
	}
	data = strtok_r(NULL, "", &save);
	while (data && (*data == ' ' || *data == '\t'))
		data++;
	*comment = xstrdup(data ? data : "");
	return 0;
}

/* The base64 body of a PEM block starting at *pos (its BEGIN line); moves
 * *pos past the END line. NULL when the block is not closed. */
static char *
pem_body(const char **pos, const char *label)
{
	char *end_line = xasprintf("-----END %s-----", label);
	const char *body = strchr(*pos, '\n'), *end = body ? strstr(body, end_line) : NULL;
	char *r = NULL;

	if (end) {
		r = xasprintf("%.*s", (int)(end - body), body);
		*pos = end + strlen(end_line);
	}
	free(end_line);
	return r;
}

static int
key_error(struct nono_error *err, const char *origin, int line)
{
	nono_error_set(err, -EINVAL, "%s line %d: not an Ed25519 public key", origin, line);
	nono_error_hint(err, "expected 'ssh-ed25519 AAAA...', 'ed25519 BASE64' or a PEM PUBLIC KEY block "
			     "(openssl pkey -in KEY -pubout)");
	return err->code;
}

/* A PEM block's base64, decoded: an Ed25519 SubjectPublicKeyInfo? */
static int
spki_key(unsigned char pub[NONO_SIGN_PUB], const char *body)
{
	unsigned char der[64];
	size_t n;

	if (nono_base64_decode(der, sizeof(der), &n, body) < 0 || n != 44 ||
	    memcmp(der, spki_prefix, sizeof(spki_prefix)) != 0)
		return -EINVAL;
	memcpy(pub, der + sizeof(spki_prefix), NONO_SIGN_PUB);
	return 0;
}

int
nono_keyring_parse(struct nono_keyring *out, const char *text, const char *origin, struct nono_error *err)
{
	char *dup = xstrdup(text), *pembuf = NULL, *next;
	unsigned char pub[NONO_SIGN_PUB];
	int line = 0, pem_line = 0, r = 0;

	for (char *l = dup; l && r == 0; l = next) {
		size_t len;

		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		line++;
		while (isspace((unsigned char)*l))
			l++;
		len = strlen(l);
		while (len && isspace((unsigned char)l[len - 1]))
			l[--len] = '\0';
		if (pembuf) {
			char *more;

			if (strcmp(l, "-----END PUBLIC KEY-----") != 0) {
				more = xasprintf("%s%s", pembuf, l);
				free(pembuf);
				pembuf = more;
				continue;
			}
			if ((r = spki_key(pub, pembuf)) == 0)
				push_key(out, pub, "", origin);
			else
				r = key_error(err, origin, pem_line);
			free(pembuf);
			pembuf = NULL;
		} else if (strcmp(l, "-----BEGIN PUBLIC KEY-----") == 0) {
			pembuf = xstrdup("");
			pem_line = line;
		} else if (strstr(l, "PRIVATE KEY")) {
			r = nono_error_set(err, -EINVAL, "%s line %d: a private key, not a public one", origin, line);
			nono_error_hint(err, "give the public half: openssl pkey -in KEY -pubout");
		} else if (*l && *l != '#') {
			char *comment = NULL;

			if (parse_line(pub, &comment, l) == 0)
				push_key(out, pub, comment, origin);
			else
				r = key_error(err, origin, line);
			free(comment);
		}
	}
	if (pembuf && r == 0)
		r = key_error(err, origin, pem_line);
	free(pembuf);
	free(dup);
	return r;
}

static char *
slurp(const char *path, int *out_errno)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	struct stat st;
	char *buf = NULL;
	ssize_t n;

	*out_errno = 0;
	if (fd < 0) {
		*out_errno = errno;
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_KEYFILE) {
		*out_errno = EINVAL;
		close(fd);
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	n = read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (n < 0) {
		*out_errno = errno;
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static int
load_file(struct nono_keyring *out, const char *path, struct nono_error *err)
{
	int e;
	char *text = slurp(path, &e);
	int r;

	if (!text) {
		if (e == ENOENT)
			return 0;
		return nono_error_set(err, -e, "%s: %s", path,
				      e == EINVAL ? "not a regular file of at most 256 KiB" : strerror(e));
	}
	r = nono_keyring_parse(out, text, path, err);
	free(text);
	return r;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
nono_keyring_load(struct nono_keyring *out, struct nono_error *err)
{
	char *dir = nono_keyring_user_dir();
	struct nono_strv files = {0};
	DIR *d;
	struct dirent *e;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = load_file(out, nono_keyring_system_path(), err)) < 0)
		goto out;
	if ((d = opendir(dir))) {
		while ((e = readdir(d))) {
			size_t l = strlen(e->d_name);

			if (e->d_name[0] != '.' && l > 4 && strcmp(e->d_name + l - 4, ".pub") == 0)
				nono_strv_push_owned(&files, nono_path_join(dir, e->d_name));
		}
		closedir(d);
	}
	if (files.n)
		qsort(files.v, files.n, sizeof(files.v[0]), cmp_str);
	for (size_t i = 0; i < files.n && r == 0; i++)
		r = load_file(out, files.v[i], err);
out:
	nono_strv_free(&files);
	free(dir);
	return r;
}

const struct nono_key *
nono_keyring_find(const struct nono_keyring *kr, const char *id)
{
	for (size_t i = 0; kr && id && i < kr->n; i++)
		if (strcmp(kr->v[i].id, id) == 0)
			return &kr->v[i];
	return NULL;
}

void
nono_keyring_free(struct nono_keyring *kr)
{
	if (!kr)
		return;
	for (size_t i = 0; i < kr->n; i++) {
		free(kr->v[i].comment);
		free(kr->v[i].origin);
	}
	free(kr->v);
	memset(kr, 0, sizeof(*kr));
}

char *
nono_keyring_user_dir(void)
{
	char *cfg = nono_xdg_dir("config"), *d = xasprintf("%s/nono/trusted-keys", cfg);

	free(cfg);
	return d;
}

const char *
nono_keyring_system_path(void)
{
	return NONO_KEYRING;
}

char *
nono_key_line(const struct nono_key *k)
{
	char *b = nono_base64_encode(k->pub, NONO_SIGN_PUB), *l;

	l = xasprintf("ed25519 %s%s%s\n", b, *k->comment ? " " : "", k->comment);
	free(b);
	return l;
}

/* ---- signing and verifying -------------------------------------------------- */

int
nono_sign_verify(const struct nono_keyring *kr, const char *what, const char *domain, const void *msg, size_t n,
		 const char *keyid, const char *sig_b64, struct nono_error *err)
{
	const struct nono_key *k = nono_keyring_find(kr, keyid);
	unsigned char sig[NONO_SIGN_BYTES + 4], *m = NULL;
	size_t sn, mn;
	EVP_PKEY *pk = NULL;
	EVP_MD_CTX *c = NULL;
	int r;

	if (!k) {
		nono_error_set(err, -ENOKEY, "%s is signed by key %s, which nono does not trust", what,
			       keyid && *keyid ? keyid : "(none named)");
		nono_error_hint(err, "'nono trust list' shows the trusted keys; if you trust its publisher: "
				     "nono trust add KEYFILE");
		return err->code;
	}
	if (!sig_b64 || nono_base64_decode(sig, sizeof(sig), &sn, sig_b64) < 0 || sn != NONO_SIGN_BYTES) {
		nono_error_set(err, -EBADMSG, "%s: the signature is malformed (not 64 bytes of base64)", what);
		return err->code;
	}
	if ((r = need_evp(err)) < 0)
		return r;
	m = join_domain(domain, msg, n, &mn);
	pk = evp.new_pub(EVP_PKEY_ED25519, NULL, k->pub, NONO_SIGN_PUB);
	c = evp.ctx_new();
	r = pk && c && evp.verify_init(c, NULL, NULL, NULL, pk) == 1 && evp.verify(c, sig, sn, m, mn) == 1 ? 0
													   : -EBADMSG;
	if (r < 0) {
		nono_error_set(err, r, "%s: bad signature (key %s): it was changed after it was signed", what, k->id);
		nono_error_hint(err, "do not use it; fetch it again from a source you trust");
	}
	evp.ctx_free(c);
	evp.pkey_free(pk);
	free(m);
	return r;
}

int
nono_sign_make(char **out_b64, const unsigned char seed[NONO_SIGN_SEED], const char *domain, const void *msg, size_t n,
	       struct nono_error *err)
{
	unsigned char sig[NONO_SIGN_BYTES], *m;
	size_t sn = sizeof(sig), mn;
	EVP_PKEY *pk;
	EVP_MD_CTX *c;
	int r;

	*out_b64 = NULL;
	if ((r = need_evp(err)) < 0)
		return r;
	m = join_domain(domain, msg, n, &mn);
	pk = evp.new_priv(EVP_PKEY_ED25519, NULL, seed, NONO_SIGN_SEED);
	c = evp.ctx_new();
	if (pk && c && evp.sign_init(c, NULL, NULL, NULL, pk) == 1 && evp.sign(c, sig, &sn, m, mn) == 1 &&
	    sn == NONO_SIGN_BYTES)
		*out_b64 = nono_base64_encode(sig, sn);
	else
		r = nono_error_set(err, -EIO, "libcrypto could not make an Ed25519 signature");
	evp.ctx_free(c);
	evp.pkey_free(pk);
	free(m);
	return r;
}

int
nono_sign_public(unsigned char pub[NONO_SIGN_PUB], const unsigned char seed[NONO_SIGN_SEED], struct nono_error *err)
{
	EVP_PKEY *pk;
	size_t n = NONO_SIGN_PUB;
	int r;

	if ((r = need_evp(err)) < 0)
		return r;
	pk = evp.new_priv(EVP_PKEY_ED25519, NULL, seed, NONO_SIGN_SEED);
	if (!pk || evp.get_pub(pk, pub, &n) != 1 || n != NONO_SIGN_PUB)
		r = nono_error_set(err, -EIO, "libcrypto could not derive an Ed25519 public key");
	evp.pkey_free(pk);
	return r;
}

int
nono_sign_keygen(unsigned char seed[NONO_SIGN_SEED], unsigned char pub[NONO_SIGN_PUB], struct nono_error *err)
{
	if (getrandom(seed, NONO_SIGN_SEED, 0) != NONO_SIGN_SEED)
		return nono_error_set(err, -errno, "no randomness for a key: %s", strerror(errno));
	return nono_sign_public(pub, seed, err);
}

/* ---- key files ---------------------------------------------------------------- */

char *
nono_sign_user_key_path(void)
{
	return nono_state_path("trust/signing-key.pem");
}

int
nono_privkey_read(unsigned char seed[NONO_SIGN_SEED], const char *path, struct nono_error *err)
{
	int e;
	char *text = slurp(path, &e), *body;
	const char *p;
	unsigned char der[64];
	size_t n;
	int r = 0;

	if (!text)
		return nono_error_set(err, -e, "%s: %s", path, e == EINVAL ? "not a regular file" : strerror(e));
	p = strstr(text, "-----BEGIN PRIVATE KEY-----");
	body = p ? pem_body(&p, "PRIVATE KEY") : NULL;
	if (!body || nono_base64_decode(der, sizeof(der), &n, body) < 0 || n != 48 ||
	    memcmp(der, pkcs8_prefix, sizeof(pkcs8_prefix)) != 0)
		r = nono_error_set(err, -EINVAL, "%s: not an Ed25519 private key (PKCS#8 PEM)", path);
	else
		memcpy(seed, der + sizeof(pkcs8_prefix), NONO_SIGN_SEED);
	explicit_bzero(der, sizeof(der));
	explicit_bzero(text, strlen(text));
	free(body);
	free(text);
	return r;
}

static char *
pem(const char *label, const unsigned char *der, size_t n)
{
	char *b = nono_base64_encode(der, n);
	char *r = xasprintf("-----BEGIN %s-----\n%s\n-----END %s-----\n", label, b, label);

	free(b);
	return r;
}

int
nono_privkey_write(const char *path, const unsigned char seed[NONO_SIGN_SEED], bool replace, struct nono_error *err)
{
	unsigned char der[48];
	char *dir = nono_path_dirname(path), *text, *tmp = xasprintf("%s.tmp", path);
	int fd, r = 0;

	memcpy(der, pkcs8_prefix, sizeof(pkcs8_prefix));
	memcpy(der + sizeof(pkcs8_prefix), seed, NONO_SIGN_SEED);
	text = pem("PRIVATE KEY", der, sizeof(der));
	explicit_bzero(der, sizeof(der));
	nono_mkdir_p(dir, 0700);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || nono_write_all(fd, text, strlen(text)) < 0 || fsync(fd) < 0) {
		r = nono_error_set(err, -errno, "cannot write %s: %s", tmp, strerror(errno));
	} else if (!replace && link(tmp, path) < 0) {
		r = nono_error_set(err, -errno, "cannot create %s: %s", path, strerror(errno));
	} else if (replace && rename(tmp, path) < 0) {
		r = nono_error_set(err, -errno, "cannot replace %s: %s", path, strerror(errno));
	}
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	explicit_bzero(text, strlen(text));
	free(text);
	free(tmp);
	free(dir);
	return r;
}

char *
nono_pubkey_pem(const unsigned char pub[NONO_SIGN_PUB])
{
	unsigned char der[44];

	memcpy(der, spki_prefix, sizeof(spki_prefix));
	memcpy(der + sizeof(spki_prefix), pub, NONO_SIGN_PUB);
	return pem("PUBLIC KEY", der, sizeof(der));
}
