/* test_cli.c - the option table: flags reach the policy through the same
 * setters, parsing stops at the program, errors carry a did-you-mean. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int
parse(struct nono_launch *l, unsigned cmd, int argc, char **argv, struct nono_error *err)
{
	nono_launch_init(l);
	return nono_cli_parse(l, cmd, "run", argc, argv, err);
}

static void
grants_and_program(void **state)
{
	char *argv[] = {(char *)"run",
			(char *)"-a",
			(char *)"/a",
			(char *)"--read",
			(char *)"/r",
			(char *)"--allow-file",
			(char *)"/f",
			(char *)"--block-net",
			(char *)"--allow-delete",
			(char *)"prog",
			(char *)"--read",
			(char *)"y",
			NULL};
	struct nono_launch l;
	struct nono_error err = {0};

	unsetenv("NONO_ALLOW");
	unsetenv("NONO_BLOCK_NET");
	assert_int_equal(parse(&l, NONO_CMD_RUN, 12, argv, &err), 0);
	assert_int_equal(l.policy.n_reqs, 3);
	assert_string_equal(l.policy.reqs[0].source, "--allow");
	assert_int_equal(l.policy.reqs[0].access, NONO_ACC_RW);
	assert_int_equal(l.policy.reqs[1].access, NONO_ACC_READ);
	assert_int_equal(l.policy.reqs[2].kind, NONO_KIND_FILE);
	assert_true(l.policy.block_net);
	assert_true(l.policy.allow_delete);
	assert_int_equal(l.argc, 3);
	assert_string_equal(l.argv[0], "prog");
	assert_string_equal(l.argv[1], "--read");
	nono_launch_free(&l);
}

static void
errors(void **state)
{
	char *bad[] = {(char *)"run", (char *)"--alow", (char *)"x", NULL};
	char *noval[] = {(char *)"run", (char *)"--read", NULL};
	char *slash[] = {(char *)"run", (char *)"--allow-command", (char *)"/bin/rm", NULL};
	char *whyonly[] = {(char *)"run", (char *)"--op", (char *)"read", NULL};
	char *help[] = {(char *)"run", (char *)"--help", NULL};
	struct nono_launch l;
	struct nono_error err = {0};

	assert_int_equal(parse(&l, NONO_CMD_RUN, 3, bad, &err), -EINVAL);
	assert_non_null(strstr(err.hint, "--allow"));
	nono_launch_free(&l);
	assert_int_equal(parse(&l, NONO_CMD_RUN, 2, noval, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "needs a value"));
	nono_launch_free(&l);
	assert_int_equal(parse(&l, NONO_CMD_RUN, 3, slash, &err), -EINVAL);
	nono_launch_free(&l);
	assert_int_equal(parse(&l, NONO_CMD_RUN, 3, whyonly, &err), -EINVAL);
	nono_launch_free(&l);
	assert_int_equal(parse(&l, NONO_CMD_RUN, 2, help, &err), 1);
	nono_launch_free(&l);
}

static void
environment(void **state)
{
	char *argv[] = {(char *)"run", (char *)"prog", NULL};
	struct nono_launch l;
	struct nono_error err = {0};

	setenv("NONO_ALLOW", "/a,/b", 1);
	setenv("NONO_BLOCK_NET", "yes", 1);
	assert_int_equal(parse(&l, NONO_CMD_RUN, 2, argv, &err), 0);
	assert_int_equal(l.policy.n_reqs, 2);
	assert_string_equal(l.policy.reqs[1].given, "/b");
	assert_string_equal(l.policy.reqs[1].source, "NONO_ALLOW");
	assert_true(l.policy.block_net);
	nono_launch_free(&l);
	setenv("NONO_BLOCK_NET", "bogus", 1);
	assert_int_equal(parse(&l, NONO_CMD_RUN, 2, argv, &err), -EINVAL);
	nono_launch_free(&l);
	unsetenv("NONO_ALLOW");
	unsetenv("NONO_BLOCK_NET");
}

static void
every_profile_key_is_unique(void **state)
{
	for (size_t i = 0; nono_optdefs[i].name; i++)
		for (size_t j = i + 1; nono_optdefs[j].name; j++)
			if (nono_optdefs[i].profile_key && nono_optdefs[j].profile_key)
				assert_string_not_equal(nono_optdefs[i].profile_key, nono_optdefs[j].profile_key);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(grants_and_program),
	    cmocka_unit_test(errors),
	    cmocka_unit_test(environment),
	    cmocka_unit_test(every_profile_key_is_unique),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
