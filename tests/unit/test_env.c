/* test_env.c - env.c: which variables never reach the sandbox (loader,
 * interpreter start-up and secret-token variables, exact names and prefixes)
 * and how the child's environment is built: dangerous entries dropped, nono's
 * own settings (TMPDIR, NONO_CAP_FILE) override the caller's, order kept,
 * NULL-terminated; the profile allow/deny filters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "policy/env.h"

static void
dangerous_names(void **state)
{
	const char *yes[] = {
	    "LD_PRELOAD=/tmp/evil.so",
	    "LD_LIBRARY_PATH=/tmp",
	    "LD_AUDIT=x",
	    "LD_",
	    "DYLD_INSERT_LIBRARIES=x",
	    "BASH_FUNC_foo%%=() { echo pwned; }",
	    "BASH_ENV=/tmp/x",
	    "ENV=/tmp/x",
	    "IFS= ",
	    "PROMPT_COMMAND=x",
	    "NODE_OPTIONS=--require /tmp/x.js",
	    "PYTHONPATH=/tmp",
	    "PYTHONSTARTUP=/tmp/x.py",
	    "PERL5OPT=-Mx",
	    "RUBYOPT=-rx",
	    "JAVA_TOOL_OPTIONS=-javaagent:x",
	    "GOFLAGS=-toolexec=x",
	    "OP_SESSION_my=token",
	    "OP_SERVICE_ACCOUNT_TOKEN=t",
	    "NONO_CAP_FILE=/tmp/cap",
	    "PYTHONPATH", /* a bare name counts too */
	};
	const char *no[] = {
	    "PATH=/usr/bin:/bin",
	    "HOME=/home/x",
	    "LANG=C.UTF-8",
	    "TERM=xterm",
	    /* "LD_*" is a prefix with the underscore: LDFLAGS is not it */
	    "LDFLAGS=-L/opt/lib",
	    "LD=ld.gold",
	    /* exact names do not match longer names or prefixes of them */
	    "ENVIRONMENT=prod",
	    "EN=x",
	    "PYTHONPATHS=x",
	    "PYTHONPAT=x",
	    "IFSX=1",
	    "NODE=x",
	    "OP_SESSION=x", /* the prefix is "OP_SESSION_" */
	    "NONO_CAP_FILEX=1",
	    "NONO_ALLOW=/tmp",
	    "XLD_PRELOAD=x",
	    "ld_preload=x", /* names are case-sensitive */
	    "",
	};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!nono_env_dangerous(yes[i]))
			fail_msg("'%s' should be dangerous", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (nono_env_dangerous(no[i]))
			fail_msg("'%s' should not be dangerous", no[i]);
}

/* the value after '=' does not matter, only the name */
static void
dangerous_by_name_only(void **state)
{
	assert_false(nono_env_dangerous("FOO=LD_PRELOAD=x"));
	assert_false(nono_env_dangerous("X=NODE_OPTIONS"));
	assert_true(nono_env_dangerous("NODE_OPTIONS="));
}

static size_t
index_of(const struct nono_strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return i;
	return (size_t)-1;
}

static void
build_drops_and_overrides(void **state)
{
	char *env[] = {
	    (char *)"PATH=/usr/bin",
	    (char *)"LD_PRELOAD=/tmp/evil.so",
	    (char *)"TMPDIR=/tmp",
	    (char *)"HOME=/home/x",
	    (char *)"NONO_CAP_FILE=/tmp/forged",
	    (char *)"BASH_FUNC_ls%%=() { :; }",
	    (char *)"NOEQUALS",
	    (char *)"LANG=C",
	    (char *)"LDFLAGS=-L/x",
	    NULL,
	};
	char *set[] = {
	    (char *)"TMPDIR=/tmp/nono-private",
	    (char *)"NONO_CAP_FILE=/run/nono/cap",
	    (char *)"LD_PRELOAD=/also/evil.so",
	    NULL,
	};
	const char *want[] = {
	    "PATH=/usr/bin", "HOME=/home/x", "LANG=C", "LDFLAGS=-L/x", "TMPDIR=/tmp/nono-private",
	    "NONO_CAP_FILE=/run/nono/cap",
	};
	struct nono_strv out = {0};

	nono_env_build(&out, env, set);
	assert_int_equal(out.n, sizeof(want) / sizeof(want[0]));
	/* the caller's order, then the set list in its order */
	for (size_t i = 0; i < out.n; i++)
		assert_string_equal(out.v[i], want[i]);
	assert_null(out.v[out.n]);
	assert_int_equal(index_of(&out, "TMPDIR=/tmp"), (size_t)-1);
	assert_int_equal(index_of(&out, "NONO_CAP_FILE=/tmp/forged"), (size_t)-1);
	nono_strv_free(&out);
}

static void
build_empty_inputs(void **state)
{
	struct nono_strv out = {0};
	char *set[] = {(char *)"TMPDIR=/t", NULL};
	char *env[] = {NULL};

	nono_env_build(&out, NULL, NULL);
	assert_int_equal(out.n, 0);
	nono_env_build(&out, env, set);
	assert_int_equal(out.n, 1);
	assert_string_equal(out.v[0], "TMPDIR=/t");
	assert_null(out.v[1]);
	nono_strv_free(&out);
}

static void
build_override_is_exact_name(void **state)
{
	/* setting TMPDIR must not drop TMPDIRX nor TMP */
	char *env[] = {(char *)"TMP=/a", (char *)"TMPDIRX=/b", (char *)"TMPDIR=/c", NULL};
	char *set[] = {(char *)"TMPDIR=/d", NULL};
	struct nono_strv out = {0};

	nono_env_build(&out, env, set);
	assert_int_equal(out.n, 3);
	assert_string_equal(out.v[0], "TMP=/a");
	assert_string_equal(out.v[1], "TMPDIRX=/b");
	assert_string_equal(out.v[2], "TMPDIR=/d");
	nono_strv_free(&out);
}

static void
build_filtered(void **state)
{
	char *env[] = {
	    (char *)"PATH=/bin", (char *)"PAGER=less", (char *)"HOME=/h",   (char *)"AWS_SECRET=x",
	    (char *)"LANG=C",	 (char *)"LD_PRELOAD=x", (char *)"PAX=1", NULL,
	};
	char *set[] = {(char *)"TMPDIR=/t", NULL};
	struct nono_strv allow = {0}, deny = {0}, out = {0};

	/* allow only PA* and HOME, then deny PAX and HOME */
	nono_strv_push(&allow, "PA*");
	nono_strv_push(&allow, "HOME");
	nono_strv_push(&allow, "LD_PRELOAD"); /* allowing cannot resurrect it */
	nono_strv_push(&deny, "PAX");
	nono_strv_push(&deny, "HOME");
	nono_env_build_filtered(&out, env, set, &allow, &deny);
	assert_int_equal(out.n, 3);
	assert_string_equal(out.v[0], "PATH=/bin");
	assert_string_equal(out.v[1], "PAGER=less");
	/* the set list is not subject to the filters */
	assert_string_equal(out.v[2], "TMPDIR=/t");
	assert_null(out.v[3]);
	nono_strv_free(&out);

	/* an empty allow list allows everything that is not denied */
	nono_strv_free(&allow);
	nono_strv_free(&deny);
	nono_strv_push(&deny, "AWS_*");
	nono_env_build_filtered(&out, env, NULL, &allow, &deny);
	assert_int_equal(out.n, 5);
	assert_int_equal(index_of(&out, "AWS_SECRET=x"), (size_t)-1);
	assert_int_equal(index_of(&out, "LD_PRELOAD=x"), (size_t)-1);
	assert_int_equal(index_of(&out, "LANG=C"), 3);
	nono_strv_free(&out);
	nono_strv_free(&deny);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(dangerous_names),
	    cmocka_unit_test(dangerous_by_name_only),
	    cmocka_unit_test(build_drops_and_overrides),
	    cmocka_unit_test(build_empty_inputs),
	    cmocka_unit_test(build_override_is_exact_name),
	    cmocka_unit_test(build_filtered),
	};

	return cmocka_run_group_tests_name("env", tests, NULL, NULL);
}
