/* test_cli.c - cli.c: nono_cli_parse for run (and a little shell and why):
 * grant flags record requests with their access, kind and source; boolean
 * and list flags fill the policy; parsing stops at the program and after
 * "--"; unknown options fail with a did-you-mean hint, missing values fail;
 * the NONO_ALLOW and NONO_BLOCK_NET environment mirrors; --help; options of
 * another command are refused; the option table itself is consistent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "config/options.h"

/* glibc's getopt chooses its argument ordering ('+' = stop at the first
 * non-option, else permute) only when it (re)initialises, which optind = 1
 * does not trigger. nono_cli_parse sets optind = 1 itself, so before every
 * parse re-initialise getopt with the ordering of the command under test,
 * as a fresh nono process would have it. */
static void
reset_getopt(unsigned cmd)
{
	char *dummy[] = {(char *)"x", NULL};

	opterr = 0;
	optind = 0;
	(void)getopt(1, dummy, cmd == NONO_CMD_WHY ? "" : "+");
}

static int
parse(struct nono_launch *l, unsigned cmd, char **argv, struct nono_error *err)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	memset(err, 0, sizeof(*err));
	reset_getopt(cmd);
	return nono_cli_parse(l, cmd, argv[0], argc, argv, err);
}

static int
setup(void **state)
{
	struct nono_launch *l = calloc(1, sizeof(*l));

	unsetenv("NONO_ALLOW");
	unsetenv("NONO_BLOCK_NET");
	nono_launch_init(l);
	*state = l;
	return 0;
}

static int
teardown(void **state)
{
	nono_launch_free(*state);
	free(*state);
	unsetenv("NONO_ALLOW");
	unsetenv("NONO_BLOCK_NET");
	return 0;
}

static void
assert_req(const struct nono_request *r, const char *given, const char *source, unsigned access, enum nono_kind kind)
{
	assert_string_equal(r->given, given);
	assert_string_equal(r->source, source);
	assert_int_equal(r->access, access);
	assert_int_equal(r->kind, kind);
	assert_true(r->user);
}

static void
grant_flags_record_requests(void **state)
{
	struct nono_launch *l = *state;
	struct nono_error err;
	char *argv[] = {
	    "run",	    "-a",	   "/a",	  "--allow",	"/b",	      "-r",	    "/c",
	    "--read",	    "/d",	   "-w",	  "/e",		"--write",    "/f",	    "--allow-file",
	    "/g",	    "--read-file", "/h",	  "--write-file", "/i",	      "--allow=/j", "-r/k",
	    NULL,
	};

	assert_int_equal(parse(l, NONO_CMD_RUN, argv, &err), 0);
	assert_int_equal(l->policy.n_reqs, 11);
	assert_req(&l->policy.reqs[0], "/a", "--allow", NONO_ACC_RW, NONO_KIND_DIR);
	assert_req(&l->policy.reqs[1], "/b", "--allow", NONO_ACC_RW, NONO_KIND_DIR);
	assert_req(&l->policy.reqs[2], "/c", "--read", NONO_ACC_READ, NONO_KIND_DIR);
	assert_req(&l->policy.reqs[3], "/d", "--read", NONO_ACC_READ, NONO_KIND_DIR);
	assert_req(&l->policy.reqs[4], "/e", "--write", NONO_ACC_WRITE, NONO_KIND_DIR);
	assert_req(&l->policy.reqs[5], "/f", "--write", NONO_ACC_WRITE, NONO_KIND_DIR);
	assert_req(&l->policy.reqs[6], "/g", "--allow-file", NONO_ACC_RW, NONO_KIND_FILE);
	assert_req(&l->policy.reqs[7], "/h", "--read-file", NONO_ACC_READ, NONO_KIND_FILE);
	assert_req(&l->policy.reqs[8], "/i", "--write-file", NONO_ACC_WRITE, NONO_KIND_FILE);
	assert_req(&l->policy.reqs[9], "/j", "--allow", NONO_ACC_RW, NONO_KIND_DIR);
	assert_req(&l->policy.reqs[10], "/k", "--read", NONO_ACC_READ, NONO_KIND_DIR);
	/* no program */
	assert_int_equal(l->argc, 0);
	assert_null(l->argv[0]);
	/* nothing else was touched */
	assert_false(l->policy.block_net);
	assert_false(l->policy.allow_delete);
	assert_null(l->policy.rules);
}

static void
origin_names_the_source(void **state)
{
	struct nono_launch *l = *state;
	struct nono_error err;
	char *argv[] = {"run", "--read", "/x", NULL};

	l->origin = "profile:dev";
	assert_int_equal(parse(l, NONO_CMD_RUN, argv, &err), 0);
	assert_int_equal(l->policy.n_reqs, 1);
	assert_req(&l->policy.reqs[0], "/x", "profile:dev", NONO_ACC_READ, NONO_KIND_DIR);
}

static void
empty_grant_value_rejected(void **state)
{
	struct nono_launch *l = *state;
	struct nono_error err;
	char *argv[] = {"run", "--allow=", "prog", NULL};

	assert_int_equal(parse(l, NONO_CMD_RUN, argv, &err), -EINVAL);
	assert_int_equal(err.code, -EINVAL);
	assert_non_null(strstr(err.msg, "--allow needs a path"));
	assert_int_equal(l->policy.n_reqs, 0);
}

static void
boolean_and_value_flags(void **state)
{
	struct nono_launch *l = *state;
	struct nono_error err;
	char *argv[] = {
	    "run",
	    "--block-net",
	    "--allow-delete",
	    "--dry-run",
	    "--json",
	    "-s",
	    "-v",
	    "--verbose",
	    "-v",
	    "--allow-cwd",
	    "--bypass-protection",
	    "~/.ssh",
	    "--allow-unix-socket",
	    "/run/x.sock",
	    "-p",
	    "dev",
	    "prog",
	    NULL,
	};

	assert_int_equal(parse(l, NONO_CMD_RUN, argv, &err), 0);
	assert_true(l->policy.block_net);
	assert_true(l->policy.allow_delete);
	assert_true(l->dry_run);
	assert_true(l->json);
	assert_true(l->silent);
	assert_true(l->allow_cwd);
	assert_int_equal(l->verbose, 3);
	assert_int_equal(l->policy.bypass.n, 1);
	assert_string_equal(l->policy.bypass.v[0], "~/.ssh");
	assert_int_equal(l->policy.unix_sockets.n, 1);
	assert_string_equal(l->policy.unix_sockets.v[0], "/run/x.sock");
	assert_non_null(l->profile);
	assert_string_equal(l->profile, "dev");
	assert_int_equal(l->argc, 1);
	assert_string_equal(l->argv[0], "prog");
	assert_int_equal(l->policy.n_reqs, 0);
}

static void
net_block_alias(void **state)
{
	struct nono_launch *l = *state;
	struct nono_error err;
	char *argv[] = {"run", "--net-block", NULL};

	assert_int_equal(parse(l, NONO_CMD_RUN, argv, &err), 0);
	assert_true(l->policy.block_net);
}

static void
defaults_without_flags(void **state)
{
	struct nono_launch *l = *state;
	struct nono_error err;
	char *argv[] = {"run", "prog", NULL};

	assert_int_equal(parse(l, NONO_CMD_RUN, argv, &err), 0);
	assert_false(l->policy.block_net);
	assert_false(l->policy.allow_delete);
	assert_false(l->dry_run);
	assert_false(l->silent);
	assert_int_equal(l->verbose, 0);
	assert_int_equal(l->policy.n_reqs, 0);
	assert_int_equal(l->argc, 1);
}

static void
command_lists(void **state)
{
	struct nono_launch *l = *state;
	struct nono_error err;
	char *argv[] = {"run", "--allow-command", "rm", "--block-command", "curl", "--allow-command=mv", "prog", NULL};

	assert_int_equal(parse(l, NONO_CMD_RUN, argv, &err), 0);
	assert_int_equal(l->policy.allow_cmds.n, 2);
	assert_string_equal(l->policy.allow_cmds.v[0], "rm");
	assert_string_equal(l->policy.allow_cmds.v[1], "mv");
	assert_int_equal(l->policy.block_cmds.n, 1);
	assert_string_equal(l->policy.block_cmds.v[0], "curl");
}

static void
command_names_not_paths(void **state)
{
	struct nono_launch *l = *state;
	struct nono_error err;
	char *a1[] = {"run", "--allow-command", "/bin/rm", "prog", NULL};
	char *a2[] = {"run", "--block-command", "bin/curl", "prog", NULL};
	char *a3[] = {"run", "--block-command=", "prog", NULL};

	assert_int_equal(parse(l, NONO_CMD_RUN, a1, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "command name"));
	assert_non_null(strstr(err.msg, "/bin/rm"));
	assert_int_equal(l->policy.allow_cmds.n, 0);
	assert_int_equal(parse(l, NONO_CMD_RUN, a2, &err), -EINVAL);
	assert_int_equal(l->policy.block_cmds.n, 0);
	assert_int_equal(parse(l, NONO_CMD_RUN, a3, &err), -EINVAL);
	assert_int_equal(l->policy.block_cmds.n, 0);
}

static void
stops_at_program(void **state)
{
	struct nono_launch *l = *state;
	struct nono_error err;
	char *argv[] = {"run", "--allow", "x", "prog", "--read", "y", NULL};

	assert_int_equal(parse(l, NONO_CMD_RUN, argv, &err), 0);
	assert_int_equal(l->policy.n_reqs, 1);
	assert_string_equal(l->policy.reqs[0].given, "x");
	assert_int_equal(l->argc, 3);
	assert_string_equal(l->argv[0], "prog");
	assert_string_equal(l->argv[1], "--read");
	assert_string_equal(l->argv[2], "y");
	assert_null(l->argv[3]);
	/* argv was not reordered */
	assert_string_equal(argv[1], "--allow");
	assert_string_equal(argv[3], "prog");
}

static void
double_dash(void **state)
{
	struct nono_launch *l = *state;
	struct nono_error err;
	char *a1[] = {"run", "--allow", "x", "--", "--read", "y", NULL};
	char *a2[] = {"run", "--", "prog", "-a", NULL};

	assert_int_equal(parse(l, NONO_CMD_RUN, a1, &err), 0);
	assert_int_equal(l->policy.n_reqs, 1);
	assert_int_equal(l->argc, 2);
	assert_string_equal(l->argv[0], "--read");
	assert_string_equal(l->argv[1], "y");

	nono_launch_free(l);
	nono_launch_init(l);
	assert_int_equal(parse(l, NONO_CMD_RUN, a2, &err), 0);
	assert_int_equal(l->policy.n_reqs, 0);
	assert_int_equal(l->argc, 2);
	assert_string_equal(l->argv[0], "prog");
	assert_string_equal(l->argv[1], "-a");
}

static void
unknown_option_did_you_mean(void **state)
{
	struct nono_launch *l = *state;
	struct nono_error err;
	char *a1[] = {"run", "--alow", "x", "prog", NULL};
	char *a2[] = {"run", "--blok-net", "prog", NULL};
	char *a3[] = {"run", "--zzzzzzzzzz", "prog", NULL};
	char *a4[] = {"run", "-Z", "prog", NULL};

	assert_int_equal(parse(l, NONO_CMD_RUN, a1, &err), -EINVAL);
	assert_int_equal(err.code, -EINVAL);
	assert_non_null(strstr(err.msg, "unknown option '--alow'"));
	assert_non_null(strstr(err.hint, "did you mean --allow?"));
	assert_int_equal(l->policy.n_reqs, 0);

	assert_int_equal(parse(l, NONO_CMD_RUN, a2, &err), -EINVAL);
	assert_non_null(strstr(err.hint, "did you mean --block-net?"));

	assert_int_equal(parse(l, NONO_CMD_RUN, a3, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "--zzzzzzzzzz"));
	assert_null(strstr(err.hint, "did you mean"));
	assert_non_null(strstr(err.hint, "nono run --help"));

	assert_int_equal(parse(l, NONO_CMD_RUN, a4, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "unknown option '-Z'"));
}

static void
missing_value(void **state)
{
	struct nono_launch *l = *state;
	struct nono_error err;
	char *a1[] = {"run", "--allow", NULL};
	char *a2[] = {"run", "-r", NULL};
	char *a3[] = {"run", "--read", "/x", "--block-command", NULL};

	assert_int_equal(parse(l, NONO_CMD_RUN, a1, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "--allow needs a value"));
	assert_int_equal(l->policy.n_reqs, 0);
	assert_int_equal(parse(l, NONO_CMD_RUN, a2, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "-r needs a value"));
	assert_int_equal(parse(l, NONO_CMD_RUN, a3, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "--block-command needs a value"));
}

static void
env_nono_allow(void **state)
{
	struct nono_launch *l = *state;
	struct nono_error err;
	char *argv[] = {"run", "--read", "/c", "prog", NULL};

	setenv("NONO_ALLOW", "/a,,/b", 1);
	assert_int_equal(parse(l, NONO_CMD_RUN, argv, &err), 0);
	assert_int_equal(l->policy.n_reqs, 3);
	/* the environment applies first, flags after */
	assert_req(&l->policy.reqs[0], "/a", "NONO_ALLOW", NONO_ACC_RW, NONO_KIND_DIR);
	assert_req(&l->policy.reqs[1], "/b", "NONO_ALLOW", NONO_ACC_RW, NONO_KIND_DIR);
	assert_req(&l->policy.reqs[2], "/c", "--read", NONO_ACC_READ, NONO_KIND_DIR);
}

static void
env_nono_allow_empty(void **state)
{
	struct nono_launch *l = *state;
	struct nono_error err;
	char *argv[] = {"run", "prog", NULL};

	setenv("NONO_ALLOW", "", 1);
	assert_int_equal(parse(l, NONO_CMD_RUN, argv, &err), 0);
	assert_int_equal(l->policy.n_reqs, 0);
	setenv("NONO_ALLOW", ",,", 1);
	assert_int_equal(parse(l, NONO_CMD_RUN, argv, &err), 0);
	assert_int_equal(l->policy.n_reqs, 0);
}

static void
env_nono_block_net(void **state)
{
	struct nono_launch *l = *state;
	struct nono_error err;
	char *plain[] = {"run", "prog", NULL};
	char *flag[] = {"run", "--block-net", "prog", NULL};

	setenv("NONO_BLOCK_NET", "yes", 1);
	assert_int_equal(parse(l, NONO_CMD_RUN, plain, &err), 0);
	assert_true(l->policy.block_net);

	setenv("NONO_BLOCK_NET", "0", 1);
	assert_int_equal(parse(l, NONO_CMD_RUN, plain, &err), 0);
	assert_false(l->policy.block_net);

	/* the flag wins over a false environment */
	assert_int_equal(parse(l, NONO_CMD_RUN, flag, &err), 0);
	assert_true(l->policy.block_net);

	l->policy.block_net = false;
	setenv("NONO_BLOCK_NET", "", 1);
	assert_int_equal(parse(l, NONO_CMD_RUN, plain, &err), 0);
	assert_false(l->policy.block_net);

	setenv("NONO_BLOCK_NET", "bogus", 1);
	assert_int_equal(parse(l, NONO_CMD_RUN, plain, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "NONO_BLOCK_NET=bogus"));
	assert_false(l->policy.block_net);
}

static void
help_returns_one(void **state)
{
	struct nono_launch *l = *state;
	struct nono_error err;
	char *a1[] = {"run", "--help", NULL};
	char *a2[] = {"run", "--allow", "/x", "-h", "prog", NULL};
	char *a3[] = {"run", "prog", "--help", NULL};

	assert_int_equal(parse(l, NONO_CMD_RUN, a1, &err), 1);
	assert_int_equal(parse(l, NONO_CMD_RUN, a2, &err), 1);
	/* after the program, --help is the program's */
	nono_launch_free(l);
	nono_launch_init(l);
	assert_int_equal(parse(l, NONO_CMD_RUN, a3, &err), 0);
	assert_int_equal(l->argc, 2);
	assert_string_equal(l->argv[1], "--help");
}

static void
other_commands_options_rejected(void **state)
{
	struct nono_launch *l = *state;
	struct nono_error err;
	const char *why_only[][3] = {
	    {"--op", "read", NULL},
	    {"--path", "/etc", NULL},
	    {"--self", NULL, NULL},
	};
	const char *shell_only[][3] = {
	    {"--command", "ls", NULL},
	    {"-c", "ls", NULL},
	    {"--shell", "/bin/sh", NULL},
	};

	for (size_t i = 0; i < 3; i++) {
		char *argv[] = {"run", (char *)why_only[i][0], (char *)why_only[i][1], "prog", NULL};

		if (!why_only[i][1]) {
			argv[2] = "prog";
			argv[3] = NULL;
		}
		assert_int_equal(parse(l, NONO_CMD_RUN, argv, &err), -EINVAL);
		assert_non_null(strstr(err.msg, "unknown option"));
	}
	assert_null(l->op);
	assert_null(l->why_path);
	assert_false(l->self);
	for (size_t i = 0; i < 3; i++) {
		char *argv[] = {"run", (char *)shell_only[i][0], (char *)shell_only[i][1], "prog", NULL};

		assert_int_equal(parse(l, NONO_CMD_RUN, argv, &err), -EINVAL);
		assert_non_null(strstr(err.msg, "unknown option"));
	}
	assert_null(l->shell_cmd);
	assert_null(l->shell);

	/* and launch-only flags are not why's */
	{
		char *argv[] = {"why", "--dry-run", "/etc", NULL};

		assert_int_equal(parse(l, NONO_CMD_WHY, argv, &err), -EINVAL);
		assert_false(l->dry_run);
	}
}

static void
shell_and_why_options(void **state)
{
	struct nono_launch *l = *state;
	struct nono_error err;
	char *sh[] = {"shell", "-c", "ls -l", "--shell", "/bin/bash", "--read", "/x", NULL};
	char *why[] = {"why", "/etc/hosts", "--op", "write", "--self", NULL};

	assert_int_equal(parse(l, NONO_CMD_SHELL, sh, &err), 0);
	assert_string_equal(l->shell_cmd, "ls -l");
	assert_string_equal(l->shell, "/bin/bash");
	assert_int_equal(l->policy.n_reqs, 1);

	nono_launch_free(l);
	nono_launch_init(l);
	/* why takes its options after the path too */
	assert_int_equal(parse(l, NONO_CMD_WHY, why, &err), 0);
	assert_non_null(l->op);
	assert_string_equal(l->op, "write");
	assert_true(l->self);
	assert_int_equal(l->argc, 1);
	assert_string_equal(l->argv[0], "/etc/hosts");
}

static void
workdir_flag(void **state)
{
	struct nono_launch *l = *state;
	struct nono_error err;
	char tmpl[] = "/tmp/nono-test-cli-XXXXXX";
	char *dir = mkdtemp(tmpl), *real, *file, *link;
	char *a1[] = {"run", "--workdir", NULL, "prog", NULL};
	FILE *f;

	assert_non_null(dir);
	real = realpath(dir, NULL);
	link = xasprintf("%s/link", real);
	assert_int_equal(symlink(real, link), 0);
	a1[2] = link;
	assert_int_equal(parse(l, NONO_CMD_RUN, a1, &err), 0);
	assert_non_null(l->policy.workdir);
	/* canonical */
	assert_string_equal(l->policy.workdir, real);

	file = xasprintf("%s/file", real);
	f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	a1[2] = file;
	assert_int_equal(parse(l, NONO_CMD_RUN, a1, &err), -ENOTDIR);
	a1[2] = "/nonexistent/nono/dir";
	assert_int_equal(parse(l, NONO_CMD_RUN, a1, &err), -ENOTDIR);
	assert_non_null(strstr(err.msg, "not a directory"));
	/* the earlier good value stays */
	assert_string_equal(l->policy.workdir, real);
	nono_rm_rf(real);
	free(file);
	free(link);
	free(real);
}

static void
optdefs_consistent(void **state)
{
	for (size_t i = 0; nono_optdefs[i].name; i++) {
		const struct nono_optdef *d = &nono_optdefs[i];

		assert_non_null(d->set);
		assert_true(d->commands != 0);
		if (d->has_arg)
			assert_non_null(d->metavar);
		/* grants: a "-file" flag is a file grant, the rest directories */
		if (d->access) {
			assert_true(d->has_arg);
			assert_int_equal(d->kind, strstr(d->name, "-file") ? NONO_KIND_FILE : NONO_KIND_DIR);
			assert_non_null(d->profile_key);
		}
		for (size_t j = i + 1; nono_optdefs[j].name; j++) {
			assert_string_not_equal(d->name, nono_optdefs[j].name);
			if (d->short_name && d->short_name == nono_optdefs[j].short_name)
				assert_int_equal(d->commands & nono_optdefs[j].commands, 0);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(grant_flags_record_requests, setup, teardown),
	    cmocka_unit_test_setup_teardown(origin_names_the_source, setup, teardown),
	    cmocka_unit_test_setup_teardown(empty_grant_value_rejected, setup, teardown),
	    cmocka_unit_test_setup_teardown(boolean_and_value_flags, setup, teardown),
	    cmocka_unit_test_setup_teardown(net_block_alias, setup, teardown),
	    cmocka_unit_test_setup_teardown(defaults_without_flags, setup, teardown),
	    cmocka_unit_test_setup_teardown(command_lists, setup, teardown),
	    cmocka_unit_test_setup_teardown(command_names_not_paths, setup, teardown),
	    cmocka_unit_test_setup_teardown(stops_at_program, setup, teardown),
	    cmocka_unit_test_setup_teardown(double_dash, setup, teardown),
	    cmocka_unit_test_setup_teardown(unknown_option_did_you_mean, setup, teardown),
	    cmocka_unit_test_setup_teardown(missing_value, setup, teardown),
	    cmocka_unit_test_setup_teardown(env_nono_allow, setup, teardown),
	    cmocka_unit_test_setup_teardown(env_nono_allow_empty, setup, teardown),
	    cmocka_unit_test_setup_teardown(env_nono_block_net, setup, teardown),
	    cmocka_unit_test_setup_teardown(help_returns_one, setup, teardown),
	    cmocka_unit_test_setup_teardown(other_commands_options_rejected, setup, teardown),
	    cmocka_unit_test_setup_teardown(shell_and_why_options, setup, teardown),
	    cmocka_unit_test_setup_teardown(workdir_flag, setup, teardown),
	    cmocka_unit_test(optdefs_consistent),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
