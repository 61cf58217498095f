/* test_env.c - the child's environment: dangerous variables out, nono's in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "env.h"

static void
dangerous(void **state)
{
	const char *bad[] = {"LD_PRELOAD=x",	"LD_LIBRARY_PATH=x", "BASH_FUNC_foo%%=() {",
			     "NODE_OPTIONS=x",	"PYTHONPATH=x",	     "OP_SESSION_abc=x",
			     "NONO_CAP_FILE=x", "BASH_ENV=x",	     "IFS= "};
	const char *good[] = {"PATH=/bin", "HOME=/h", "LANG=C", "LDFLAGS=-L/x", "NODE_ENV=dev", "ENVIRONMENT=x"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_true(nono_env_dangerous(bad[i]));
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_false(nono_env_dangerous(good[i]));
}

static void
build(void **state)
{
	char *in[] = {(char *)"A=1", (char *)"LD_PRELOAD=/evil.so", (char *)"TMPDIR=/tmp", (char *)"B=2", NULL};
	char *set[] = {(char *)"TMPDIR=/tmp/nono-x", (char *)"NONO_CAP_FILE=/tmp/.nono-x.json", NULL};
	struct nono_strv out = {0};

	nono_env_build(&out, in, set);
	assert_int_equal(out.n, 4);
	assert_string_equal(out.v[0], "A=1");
	assert_string_equal(out.v[1], "B=2");
	assert_string_equal(out.v[2], "TMPDIR=/tmp/nono-x");
	assert_string_equal(out.v[3], "NONO_CAP_FILE=/tmp/.nono-x.json");
	assert_null(out.v[4]);
	nono_strv_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(dangerous),
	    cmocka_unit_test(build),
	};

	return cmocka_run_group_tests_name("env", tests, NULL, NULL);
}
