/* test_keys.c - the key table (config/keys.c) that drives the flags, the
 * profile schema and the profile's applier: its rows are consistent (flags
 * first, one row per key, every dotted key under an object row, a
 * deprecated key names a key nono applies), and a flag and its profile
 * twin fill the options alike. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "config/options.h"
#include "config/profile.h"

static void
rows_consistent(void **state)
{
	bool flags = true;
	size_t n = 0;

	(void)state;
	for (const struct nono_optdef *d = nono_optdefs; !NONO_OPTDEF_END(d); d++, n++) {
		/* the flags first, in --help's order; then the profile's own keys */
		if (!d->name)
			flags = false;
		assert_true(d->name ? flags : d->profile_key != NULL);
		if (d->name)
			assert_non_null(d->set);
		if (d->env)
			assert_non_null(d->name);
		if (!d->profile_key)
			continue;
		/* one row per key, each under an object row */
		assert_ptr_equal(nono_optdef_by_key(d->profile_key), d);
		if (strchr(d->profile_key, '.')) {
			char *parent = xstrdup(d->profile_key);
			const struct nono_optdef *p;

			*strrchr(parent, '.') = '\0';
			p = nono_optdef_by_key(parent);
			assert_non_null(p);
			assert_true(p->type == K_OBJ || p->type == K_OBJ_NULL);
			free(parent);
		}
		switch (d->state) {
		case S_DEPRECATED:
			/* applied as the key that replaces it */
			assert_non_null(d->note);
			assert_non_null(nono_optdef_by_key(d->note));
			assert_non_null(nono_optdef_by_key(d->note)->set);
			assert_null(d->set);
			break;
		case S_LATER:
			assert_non_null(d->note);
			assert_null(d->set);
			break;
		case S_IGNORED:
			assert_null(d->set);
			break;
		case S_OK:
			/* structure has nothing to apply, everything else has */
			if (d->type == K_OBJ || d->type == K_OBJ_NULL)
				assert_null(d->set);
			break;
		}
	}
	assert_true(n > 80);
}

static void
reset_getopt(void)
{
	char *dummy[] = {(char *)"x", NULL};

	opterr = 0;
	optind = 0;
	(void)getopt(1, dummy, "+");
}

/* The same grants, network and commands from flags and from a profile. */
static void
flag_and_profile_twins_agree(void **state)
{
	char dir[] = "/tmp/nono-test-keys-XXXXXX", *file;
	char *argv[] = {"run",
			"--read",
			"/r",
			"--allow-file",
			"/f",
			"--block-net",
			"--allow-delete",
			"--allow-unix-socket",
			"/s",
			"--allow-command",
			"rm",
			"--rollback-exclude",
			"x",
			NULL};
	struct nono_options a, b;
	struct nono_profile p;
	struct nono_error err = {0};
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	file = xasprintf("%s/p.json", dir);
	f = fopen(file, "w");
	assert_non_null(f);
	fputs("{\"filesystem\": {\"read\": [\"/r\"], \"allow_file\": [\"/f\"], \"allow_delete\": true,"
	      " \"unix_socket\": [\"/s\"]}, \"network\": {\"block\": true}, \"commands\": {\"allow\": [\"rm\"]},"
	      " \"rollback\": {\"exclude_patterns\": [\"x\"]}}",
	      f);
	fclose(f);
	unsetenv("NONO_ALLOW");
	unsetenv("NONO_BLOCK_NET");
	nono_options_init(&a);
	nono_options_init(&b);
	reset_getopt();
	assert_int_equal(nono_cli_parse(&a, NONO_CMD_RUN, "run", 13, argv, &err), 0);
	assert_int_equal(nono_profile_load(&p, file, &err), 0);
	assert_int_equal(nono_profile_apply(&b, &p, &err), 0);
	nono_profile_free(&p);
	assert_int_equal(a.policy.n_reqs, 2);
	assert_int_equal(b.policy.n_reqs, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_string_equal(a.policy.reqs[i].given, b.policy.reqs[i].given);
		assert_int_equal(a.policy.reqs[i].access, b.policy.reqs[i].access);
		assert_int_equal(a.policy.reqs[i].kind, b.policy.reqs[i].kind);
	}
	assert_true(a.policy.block_net && b.policy.block_net);
	assert_true(a.policy.allow_delete && b.policy.allow_delete);
	assert_string_equal(a.policy.unix_sockets.v[0], b.policy.unix_sockets.v[0]);
	assert_string_equal(a.policy.allow_cmds.v[0], b.policy.allow_cmds.v[0]);
	assert_string_equal(a.rollback_exclude.v[0], b.rollback_exclude.v[0]);
	nono_options_free(&a);
	nono_options_free(&b);
	unlink(file);
	rmdir(dir);
	free(file);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rows_consistent),
	    cmocka_unit_test(flag_and_profile_twins_agree),
	};

	return cmocka_run_group_tests_name("keys", tests, NULL, NULL);
}
