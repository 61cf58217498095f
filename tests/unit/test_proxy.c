/* test_proxy.c - proxy mode's allow list: what an --allow-domain entry may
 * be, how hosts match it, and the network profiles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "net/proxy.h"
#include "supervisor/decide.h"

static void
entries(void **state)
{
	struct nono_strv h = {0};
	struct nono_error err = {0};

	(void)state;
	assert_int_equal(nono_proxy_add_host(&h, "API.Example.com.", "--allow-domain", &err), 0);
	assert_int_equal(nono_proxy_add_host(&h, "https://pypi.org", "--allow-domain", &err), 0);
	assert_int_equal(nono_proxy_add_host(&h, "http://docs.rs/", "--allow-domain", &err), 0);
	assert_int_equal(nono_proxy_add_host(&h, "*.googleapis.com", "--allow-domain", &err), 0);
	assert_int_equal(nono_proxy_add_host(&h, "api.example.com", "--allow-domain", &err), 0);
	assert_int_equal(h.n, 4); /* lower-cased, final dot gone, no duplicate */
	assert_string_equal(h.v[0], "api.example.com");
	assert_string_equal(h.v[1], "pypi.org");
	assert_string_equal(h.v[2], "docs.rs");
	/* refused: a path, a port, a wildcard elsewhere, a scheme nono doesn't proxy, nothing */
	assert_int_equal(nono_proxy_add_host(&h, "https://x.org/v1/**", "--allow-domain", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "TLS interception"));
	assert_int_equal(nono_proxy_add_host(&h, "x.org:443", "--allow-domain", &err), -EINVAL);
	assert_int_equal(nono_proxy_add_host(&h, "a.*.org", "--allow-domain", &err), -EINVAL);
	assert_int_equal(nono_proxy_add_host(&h, "ftp://x.org", "--allow-domain", &err), -EINVAL);
	assert_int_equal(nono_proxy_add_host(&h, "*.", "--allow-domain", &err), -EINVAL);
	assert_int_equal(nono_proxy_add_host(&h, "", "--allow-domain", &err), -EINVAL);
	assert_int_equal(nono_proxy_add_host(&h, "x y.org", "--allow-domain", &err), -EINVAL);
	assert_int_equal(h.n, 4);
	nono_strv_free(&h);
}

static void
matching(void **state)
{
	struct nono_strv h = {0};

	(void)state;
	nono_strv_push(&h, "api.example.com");
	nono_strv_push(&h, "*.googleapis.com");
	assert_true(nono_proxy_host_allowed(&h, "api.example.com"));
	assert_true(nono_proxy_host_allowed(&h, "API.EXAMPLE.COM."));
	assert_false(nono_proxy_host_allowed(&h, "example.com"));
	assert_false(nono_proxy_host_allowed(&h, "xapi.example.com"));
	assert_false(nono_proxy_host_allowed(&h, "api.example.com.evil.net"));
	assert_true(nono_proxy_host_allowed(&h, "storage.googleapis.com"));
	assert_true(nono_proxy_host_allowed(&h, "a.b.googleapis.com"));
	assert_false(nono_proxy_host_allowed(&h, "googleapis.com")); /* a subdomain, not the apex */
	assert_false(nono_proxy_host_allowed(&h, "evilgoogleapis.com"));
	assert_false(nono_proxy_host_allowed(&h, ""));
	assert_false(nono_proxy_host_allowed(&h, "."));
	nono_strv_free(&h);
}

static void
profiles(void **state)
{
	struct nono_strv h = {0};
	struct nono_error err = {0};

	(void)state;
	assert_int_equal(nono_proxy_add_profile(&h, "minimal", &err), 0);
	assert_true(nono_proxy_host_allowed(&h, "api.anthropic.com"));
	assert_false(nono_proxy_host_allowed(&h, "github.com"));
	assert_int_equal(nono_proxy_add_profile(&h, "claude-code", &err), 0);
	assert_true(nono_proxy_host_allowed(&h, "github.com"));
	assert_true(nono_proxy_host_allowed(&h, "registry.npmjs.org"));
	assert_false(nono_proxy_host_allowed(&h, "x.bedrock.amazonaws.com"));
	assert_int_equal(nono_proxy_add_profile(&h, "enterprise", &err), 0);
	assert_true(nono_proxy_host_allowed(&h, "x.bedrock.amazonaws.com"));
	for (size_t i = 0; i < h.n; i++)
		for (size_t j = i + 1; j < h.n; j++)
			assert_string_not_equal(h.v[i], h.v[j]);
	assert_int_equal(nono_proxy_add_profile(&h, "nope", &err), -ENOENT);
	for (size_t i = 0; nono_network_profiles[i]; i++) {
		struct nono_strv one = {0};

		assert_int_equal(nono_proxy_add_profile(&one, nono_network_profiles[i], &err), 0);
		assert_true(one.n > 0);
		nono_strv_free(&one);
	}
	nono_strv_free(&h);
}

static void
direct_connects(void **state)
{
	struct nono_policy p;
	struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(41000)};
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = htons(41000)};

	(void)state;
	nono_policy_init(&p);
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* not in proxy mode: nothing to say */
	assert_false(nono_supervisor_proxy_decision(&p, &in, sizeof(in)));
	p.proxy_port = 41000;
	assert_false(nono_supervisor_proxy_decision(&p, &in, sizeof(in)));
	in.sin_addr.s_addr = htonl(0x7f000002); /* 127.0.0.2: same port, another address */
	assert_true(nono_supervisor_proxy_decision(&p, &in, sizeof(in)));
	inet_pton(AF_INET, "93.184.216.34", &in.sin_addr);
	assert_true(nono_supervisor_proxy_decision(&p, &in, sizeof(in)));
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	in.sin_port = htons(41001);
	assert_true(nono_supervisor_proxy_decision(&p, &in, sizeof(in)));
	assert_true(nono_supervisor_proxy_decision(&p, &in, 4)); /* too short to tell */
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &in6.sin6_addr);
	assert_false(nono_supervisor_proxy_decision(&p, &in6, sizeof(in6)));
	inet_pton(AF_INET6, "::1", &in6.sin6_addr);
	assert_true(nono_supervisor_proxy_decision(&p, &in6, sizeof(in6)));
	inet_pton(AF_INET6, "2001:db8::1", &in6.sin6_addr);
	assert_true(nono_supervisor_proxy_decision(&p, &in6, sizeof(in6)));
	nono_policy_free(&p);
}

static void
deny_domain(void **state)
{
	struct nono_strv h = {0};
	struct nono_error err = {0};

	(void)state;
	assert_int_equal(nono_proxy_add_host(&h, "*.example.com", "--allow-domain", &err), 0);
	assert_int_equal(nono_proxy_add_deny(&h, "bad.example.com", "--deny-domain", &err), 0);
	assert_true(nono_proxy_host_allowed(&h, "good.example.com"));
	assert_false(nono_proxy_host_allowed(&h, "bad.example.com"));
	assert_false(nono_proxy_host_allowed(&h, "BAD.example.com."));
	nono_proxy_deny_only(&h);
	assert_false(nono_strv_contains(&h, "*"));
	assert_false(nono_proxy_host_allowed(&h, "other.org"));
	nono_strv_free(&h);
	/* deny alone: every other host */
	assert_int_equal(nono_proxy_add_deny(&h, "*.evil.org", "--deny-domain", &err), 0);
	nono_proxy_deny_only(&h);
	assert_true(nono_proxy_host_allowed(&h, "other.org"));
	assert_false(nono_proxy_host_allowed(&h, "x.evil.org"));
	assert_int_equal(nono_proxy_add_deny(&h, "https://a/b", "--deny-domain", &err), -EINVAL);
	nono_strv_free(&h);
}

/* plain(text, bracketed): the validator's verdict, and the name it leaves */
static const char *
plain(const char *text, bool bracketed)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "%s", text);
	return nono_proxy_host_plain(buf, sizeof(buf), bracketed) ? buf : NULL;
}

static void
plain_hosts(void **state)
{
	char long_label[80], long_name[300];

	(void)state;
	/* names and addresses, normalised: lower case, one final dot gone */
	assert_string_equal(plain("Secret.Example.COM.", false), "secret.example.com");
	assert_string_equal(plain("a-b_c.d9", false), "a-b_c.d9");
	assert_string_equal(plain("localhost", false), "localhost");
	assert_string_equal(plain("127.0.0.1", false), "127.0.0.1");
	assert_string_equal(plain("0::1", true), "::1");
	assert_string_equal(plain("2001:DB8::1", true), "2001:db8::1");
	/* what the resolver would decode into another name */
	assert_null(plain("\\115ecret.example.com", false));
	assert_null(plain("secret\\.example.com", false));
	assert_null(plain("%73ecret.example.com", false));
	assert_null(plain("local\\104ost", false));
	/* empty labels, a second final dot, other characters */
	assert_null(plain("", false));
	assert_null(plain(".", false));
	assert_null(plain("a..b", false));
	assert_null(plain(".a.b", false));
	assert_null(plain("a.b..", false));
	assert_null(plain("user@host", false));
	assert_null(plain("a b", false));
	assert_null(plain("h\xc3\xa9.org", false));
	/* an IPv4 address only as a dotted quad; IPv6 only bracketed, no zone */
	assert_null(plain("127.1", false));
	assert_null(plain("0x7f.0.0.1", false));
	assert_null(plain("2130706433", false));
	assert_null(plain("0177.0.0.1", false));
	assert_null(plain("::1", false));
	assert_null(plain("fe80::1%eth0", true));
	assert_null(plain("localhost", true));
	/* 63 a label, 253 in all */
	memset(long_label, 'a', 63);
	strcpy(long_label + 63, ".org");
	assert_non_null(plain(long_label, false));
	memmove(long_label + 1, long_label, strlen(long_label) + 1);
	assert_null(plain(long_label, false));
	for (size_t i = 0; i < 253; i++)
		long_name[i] = i % 2 ? '.' : 'a';
	long_name[253] = '\0';
	assert_non_null(plain(long_name, false));
	strcpy(long_name + 253, ".");
	assert_non_null(plain(long_name, false));
	strcpy(long_name + 253, "a");
	assert_null(plain(long_name, false));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(entries),	       cmocka_unit_test(matching),    cmocka_unit_test(profiles),
	    cmocka_unit_test(direct_connects), cmocka_unit_test(deny_domain), cmocka_unit_test(plain_hosts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
