/* test_util.c - path helpers, variable expansion, string vectors, rm -rf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "vars.h"

static void
normalize(void **state)
{
	const char *cases[][2] = {
	    {"/", "/"},	     {"//a//b/", "/a/b"}, {"/a/./b", "/a/b"}, {"/a/b/../c", "/a/c"},
	    {"/../a", "/a"}, {"/a/..", "/"},	  {"/a/b/..", "/a"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *n = nono_path_normalize(cases[i][0]);

		assert_string_equal(n, cases[i][1]);
		free(n);
	}
}

static void
under(void **state)
{
	assert_true(nono_path_under("/a/b", "/a/b"));
	assert_true(nono_path_under("/a/b/c", "/a/b"));
	assert_false(nono_path_under("/a/bc", "/a/b"));
	assert_false(nono_path_under("/a", "/a/b"));
	assert_true(nono_path_under("/anything", "/"));
}

static void
canonical_missing_leaf(void **state)
{
	char tmpl[] = "/tmp/nono-unit-XXXXXX";
	char *dir = mkdtemp(tmpl), *real, *link, *q, *c;
	bool exists = true;

	assert_non_null(dir);
	real = nono_path_join(dir, "real");
	link = nono_path_join(dir, "link");
	assert_int_equal(mkdir(real, 0700), 0);
	assert_int_equal(symlink(real, link), 0);
	q = nono_path_join(link, "missing/leaf");
	c = nono_path_canonical(q, &exists);
	assert_false(exists);
	{
		char *want = nono_path_join(real, "missing/leaf");

		assert_string_equal(c, want);
		free(want);
	}
	free(c);
	c = nono_path_canonical(link, &exists);
	assert_true(exists);
	assert_string_equal(c, real);
	free(c);
	assert_int_equal(nono_rm_rf(dir), 0);
	assert_int_equal(access(dir, F_OK), -1);
	free(q);
	free(real);
	free(link);
}

static void
rm_rf_does_not_follow_links(void **state)
{
	char t1[] = "/tmp/nono-unit-XXXXXX", t2[] = "/tmp/nono-unit-XXXXXX";
	char *victim = mkdtemp(t1), *tree = mkdtemp(t2), *keep, *ln;
	FILE *f;

	keep = nono_path_join(victim, "keep");
	f = fopen(keep, "w");
	assert_non_null(f);
	fclose(f);
	ln = nono_path_join(tree, "escape");
	assert_int_equal(symlink(victim, ln), 0);
	assert_int_equal(nono_rm_rf(tree), 0);
	assert_int_equal(access(tree, F_OK), -1);
	assert_int_equal(access(keep, F_OK), 0);
	nono_rm_rf(victim);
	free(keep);
	free(ln);
}

static void
vars(void **state)
{
	struct nono_vars v;
	struct nono_error err = {0};
	char *out;

	setenv("HOME", "/home/u", 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_RUNTIME_DIR");
	nono_vars_from_env(&v, "/w", "/t");
	assert_int_equal(nono_vars_expand(&out, "~/x", &v, &err), 0);
	assert_string_equal(out, "/home/u/x");
	free(out);
	assert_int_equal(nono_vars_expand(&out, "$WORKDIR/a:$TMPDIR", &v, &err), 0);
	assert_string_equal(out, "/w/a:/t");
	free(out);
	assert_int_equal(nono_vars_expand(&out, "$XDG_CONFIG_HOME/nono", &v, &err), 0);
	assert_string_equal(out, "/home/u/.config/nono");
	free(out);
	/* $HOMEBREW is not $HOME followed by BREW */
	assert_true(nono_vars_expand(&out, "$HOMEBREW/x", &v, &err) < 0);
	assert_true(nono_vars_expand(&out, "$FOO", &v, &err) < 0);
	assert_non_null(strstr(err.msg, "unknown variable"));
	assert_true(nono_vars_expand(&out, "$XDG_RUNTIME_DIR/s", &v, &err) < 0);
	assert_non_null(strstr(err.msg, "XDG_RUNTIME_DIR is not set"));
}

static void
strv_and_bool(void **state)
{
	struct nono_strv sv = {0};

	for (int i = 0; i < 20; i++)
		nono_strv_push_owned(&sv, xasprintf("s%d", i));
	assert_int_equal(sv.n, 20);
	assert_null(sv.v[20]);
	assert_true(nono_strv_contains(&sv, "s19"));
	assert_false(nono_strv_contains(&sv, "s20"));
	nono_strv_free(&sv);
	assert_int_equal(nono_parse_bool("Yes"), 1);
	assert_int_equal(nono_parse_bool("0"), 0);
	assert_int_equal(nono_parse_bool("maybe"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(normalize),
	    cmocka_unit_test(under),
	    cmocka_unit_test(canonical_missing_leaf),
	    cmocka_unit_test(rm_rf_does_not_follow_links),
	    cmocka_unit_test(vars),
	    cmocka_unit_test(strv_and_bool),
	};

	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
