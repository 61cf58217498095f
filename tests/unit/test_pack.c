/* test_pack.c - pack.c and sign.c, the pure parts: pack references,
 * version order, which paths a pack may hold, base64, public keys in their
 * three forms, Ed25519 through libcrypto, and manifest checks (a signature
 * over the exact bytes, the name and version asked for, files that cannot
 * escape). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "config/pack.h"
#include "store/sign.h"
#include "base/util.h"

static void
refs(void **state)
{
	struct nono_pack_ref r;
	struct nono_error err = {0};

	(void)state;
	assert_int_equal(nono_pack_ref_parse(&r, "always-further/claude", &err), 0);
	assert_string_equal(r.owner, "always-further");
	assert_string_equal(r.name, "claude");
	assert_string_equal(r.version, "");
	assert_string_equal(r.full, "always-further/claude");
	assert_int_equal(nono_pack_ref_parse(&r, "a/b@1.2.3-rc1", &err), 0);
	assert_string_equal(r.version, "1.2.3-rc1");
	static const char *const bad[] = {"a",	   "/b",	"a/",	  "a/b/c", "A/b",     "a/b@",	"a/b@x1",
					  "../b",  "a/..",	".a/b",	  "a b/c", "a/b@1..2", "a@1/b", "-a/b",
					  "a/b@1/2", NULL};
	for (size_t i = 0; bad[i]; i++) {
		nono_error_clear(&err);
		assert_int_equal(nono_pack_ref_parse(&r, bad[i], &err), -EINVAL);
		assert_non_null(strstr(err.msg, "not a pack reference"));
	}
}

static void
versions(void **state)
{
	(void)state;
	assert_true(nono_pack_version_cmp("1.0.0", "1.0.1") < 0);
	assert_true(nono_pack_version_cmp("1.10.0", "1.9.9") > 0);
	assert_true(nono_pack_version_cmp("2", "1.99") > 0);
	assert_int_equal(nono_pack_version_cmp("1.0", "1.0.0"), 0);
	assert_true(nono_pack_version_cmp("1.0.0-rc1", "1.0.0") < 0);
	assert_true(nono_pack_version_cmp("1.0.0", "1.0.0-rc1") > 0);
	assert_true(nono_pack_version_cmp("1.0.0-rc1", "1.0.0-rc2") < 0);
	assert_int_equal(nono_pack_version_cmp("1.0.0+b1", "1.0.0+b2"), 0);
	assert_true(nono_pack_version_cmp("1.0.1", "1.0.0+b2") > 0);
	assert_true(nono_pack_version_ok("0.1"));
	assert_false(nono_pack_version_ok("v1"));
	assert_false(nono_pack_version_ok("1/2"));
	assert_false(nono_pack_version_ok(""));
}

static void
paths(void **state)
{
	static const char *const good[] = {"CLAUDE.md", ".claude/commands/review.md", "profiles/claude-code.json",
					   "a/b/c+d@e_f-g", NULL};
	static const char *const bad[] = {"",		"/etc/passwd", "../x", "a/../../x", "a/./b", "a//b", "a/",
					  "..",		".",	       "a b",  "a\\b",	    "a\nb",  "a/..", NULL};

	(void)state;
	for (size_t i = 0; good[i]; i++)
		assert_true(nono_pack_path_ok(good[i]));
	for (size_t i = 0; bad[i]; i++)
		assert_false(nono_pack_path_ok(bad[i]));
}

static void
base64(void **state)
{
	static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const coded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	unsigned char buf[16];
	size_t n;

	(void)state;
	for (size_t i = 0; i < 7; i++) {
		char *e = nono_base64_encode(plain[i], strlen(plain[i]));

		assert_string_equal(e, coded[i]);
		assert_int_equal(nono_base64_decode(buf, sizeof(buf), &n, coded[i]), 0);
		assert_int_equal(n, strlen(plain[i]));
		assert_memory_equal(buf, plain[i], n);
		free(e);
	}
	assert_int_equal(nono_base64_decode(buf, sizeof(buf), &n, "Zm9v\nYmFy"), 0);
	assert_int_equal(n, 6);
	assert_int_equal(nono_base64_decode(buf, sizeof(buf), &n, "Zm=9"), -EINVAL);
	assert_int_equal(nono_base64_decode(buf, sizeof(buf), &n, "Zm9v!"), -EINVAL);
	assert_int_equal(nono_base64_decode(buf, 2, &n, "Zm9v"), -EINVAL);
}

/* one key in nono's line form, OpenSSH's and PEM: the same id */
static void
keys(void **state)
{
	unsigned char seed[NONO_SIGN_SEED], pub[NONO_SIGN_PUB], blob[51];
	struct nono_keyring kr = {0};
	struct nono_error err = {0};
	struct nono_key k = {{0}, "", (char *)"someone", NULL};
	char *line, *pem, *ssh, *b, *all;

	(void)state;
	assert_int_equal(nono_sign_keygen(seed, pub, &err), 0);
	memcpy(k.pub, pub, sizeof(pub));
	nono_key_id(k.id, pub);
	line = nono_key_line(&k);
	pem = nono_pubkey_pem(pub);
	memcpy(blob, "\0\0\0\x0bssh-ed25519\0\0\0\x20", 19);
	memcpy(blob + 19, pub, 32);
	b = nono_base64_encode(blob, sizeof(blob));
	ssh = xasprintf("ssh-ed25519 %s me@host\n", b);
	all = xasprintf("# comment\n\n%s%s%s", line, pem, ssh);
	assert_int_equal(nono_keyring_parse(&kr, all, "t", &err), 0);
	assert_int_equal(kr.n, 3);
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(kr.v[i].id, k.id);
	assert_string_equal(kr.v[0].comment, "someone");
	assert_string_equal(kr.v[2].comment, "me@host");
	nono_keyring_free(&kr);
	assert_int_equal(nono_keyring_parse(&kr, "ed25519 AAAA\n", "t", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "t line 1"));
	nono_keyring_free(&kr);
	assert_int_equal(nono_keyring_parse(&kr, "-----BEGIN PRIVATE KEY-----\nx\n", "t", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "private key"));
	nono_keyring_free(&kr);
	free(all);
	free(ssh);
	free(b);
	free(pem);
	free(line);
}

struct signer {
	unsigned char seed[NONO_SIGN_SEED];
	struct nono_keyring kr;
};

static char *
sigdoc(const struct signer *s, const char *manifest)
{
	struct nono_error err = {0};
	unsigned char pub[NONO_SIGN_PUB];
	char id[NONO_KEYID_LEN], *sig = NULL, *doc;

	assert_int_equal(nono_sign_public(pub, s->seed, &err), 0);
	nono_key_id(id, pub);
	assert_int_equal(nono_sign_make(&sig, s->seed, NONO_SIGN_DOMAIN_PACK, manifest, strlen(manifest), &err), 0);
	doc = xasprintf("{\"keyid\": \"%s\", \"signature\": \"%s\"}", id, sig);
	free(sig);
	return doc;
}

static int
check(const struct signer *s, const char *manifest, const char *sig, struct nono_error *err)
{
	struct nono_pack p;
	int r;

	nono_error_clear(err);
	r = nono_pack_manifest_check(&p, manifest, strlen(manifest), sig, &s->kr, "o/n", "1.0.0", err);
	nono_pack_free(&p);
	return r;
}

#define SHA "0000000000000000000000000000000000000000000000000000000000000000"
#define MANIFEST(files, extra)                                                                                         \
	"{\"format\": 1, \"name\": \"o/n\", \"version\": \"1.0.0\", \"files\": [" files "]" extra "}"

static void
manifests(void **state)
{
	struct signer s = {{0}, {0}}, other = {{0}, {0}};
	struct nono_error err = {0};
	unsigned char pub[NONO_SIGN_PUB];
	const char *good = MANIFEST("{\"path\": \"p.json\", \"size\": 2, \"sha256\": \"" SHA "\"}",
				    ", \"profiles\": {\"x\": \"p.json\"}, \"instructions\": [\"p.json\"]");
	char *sig, *line;
	struct nono_key k = {{0}, "", (char *)"", NULL};
	struct nono_pack p;

	(void)state;
	assert_int_equal(nono_sign_keygen(s.seed, pub, &err), 0);
	memcpy(k.pub, pub, sizeof(pub));
	line = nono_key_line(&k);
	assert_int_equal(nono_keyring_parse(&s.kr, line, "t", &err), 0);
	assert_int_equal(nono_sign_keygen(other.seed, pub, &err), 0);
	sig = sigdoc(&s, good);
	assert_int_equal(nono_pack_manifest_check(&p, good, strlen(good), sig, &s.kr, "o/n", "1.0.0", &err), 0);
	assert_int_equal(p.n_files, 1);
	assert_string_equal(p.profile_names.v[0], "x");
	assert_string_equal(p.instructions.v[0], "p.json");
	nono_pack_free(&p);
	/* a byte changed after signing; another name or version asked for */
	{
		char *evil = xstrdup(good);

		evil[strlen(evil) - 3] = 'X';
		assert_int_equal(check(&s, evil, sig, &err), -EBADMSG);
		assert_non_null(strstr(err.msg, "bad signature"));
		free(evil);
	}
	assert_int_equal(nono_pack_manifest_check(&p, good, strlen(good), sig, &s.kr, "o/m", NULL, &err), -EINVAL);
	nono_pack_free(&p);
	free(sig);
	/* an unknown key */
	sig = sigdoc(&other, good);
	assert_int_equal(check(&s, good, sig, &err), -ENOKEY);
	assert_non_null(strstr(err.msg, "nono does not trust"));
	free(sig);
	/* escapes, links, conflicts, files that are not listed */
	static const char *const bad[] = {
	    MANIFEST("{\"path\": \"../x\", \"size\": 1, \"sha256\": \"" SHA "\"}", ""),
	    MANIFEST("{\"path\": \"/etc/x\", \"size\": 1, \"sha256\": \"" SHA "\"}", ""),
	    MANIFEST("{\"path\": \"l\", \"type\": \"symlink\", \"target\": \"/etc\", \"size\": 0, \"sha256\": \"" SHA
		     "\"}",
		     ""),
	    MANIFEST("{\"path\": \"d\", \"type\": \"device\", \"size\": 0, \"sha256\": \"" SHA "\"}", ""),
	    MANIFEST("{\"path\": \"a\", \"size\": 1, \"sha256\": \"" SHA "\"}, {\"path\": \"a/b\", \"size\": 1, "
		     "\"sha256\": \"" SHA "\"}",
		     ""),
	    MANIFEST("{\"path\": \"a\", \"size\": 1, \"sha256\": \"xyz\"}", ""),
	    MANIFEST("", ", \"profiles\": {\"x\": \"missing.json\"}"),
	    MANIFEST("", ", \"instructions\": [\"CLAUDE.md\"]"),
	    NULL,
	};
	for (size_t i = 0; bad[i]; i++) {
		sig = sigdoc(&s, bad[i]);
		assert_int_equal(check(&s, bad[i], sig, &err), -EINVAL);
		free(sig);
	}
	sig = sigdoc(&s, bad[0]);
	check(&s, bad[0], sig, &err);
	assert_non_null(strstr(err.msg, "escape"));
	free(sig);
	nono_keyring_free(&s.kr);
	free(line);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(refs),	 cmocka_unit_test(versions), cmocka_unit_test(paths),
	    cmocka_unit_test(base64), cmocka_unit_test(keys),	     cmocka_unit_test(manifests),
	};

	return cmocka_run_group_tests_name("pack", tests, NULL, NULL);
}
