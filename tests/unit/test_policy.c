/* test_policy.c - building a policy: canonical grants, refusals, bypasses,
 * carving around sensitive paths, the .git exception, delete rights,
 * verdicts, and command blocking. Runs against a temporary fake home. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"

static char *root, *home;

static void
touch(const char *rel)
{
	char *p = nono_path_join(home, rel);
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fputs("x\n", f);
	fclose(f);
	free(p);
}

static void
mkd(const char *rel)
{
	char *p = nono_path_join(home, rel);

	assert_int_equal(nono_mkdir_p(p, 0755), 0);
	free(p);
}

static int
setup(void **state)
{
	char tmpl[] = "/tmp/nono-unit-XXXXXX";
	char *r = mkdtemp(tmpl);

	if (!r)
		return -1;
	root = realpath(r, NULL);
	home = nono_path_join(root, "home");
	setenv("HOME", home, 1);
	unsetenv("XDG_STATE_HOME");
	unsetenv("XDG_CONFIG_HOME");
	mkd(".ssh");
	touch(".ssh/id_rsa");
	touch(".bashrc");
	mkd("docs");
	touch("docs/a");
	mkd("proj/.git");
	mkd(".config/gcloud");
	mkd(".config/other");
	return 0;
}

static int
teardown(void **state)
{
	nono_rm_rf(root);
	free(root);
	free(home);
	return 0;
}

static const struct nono_rule *
rule_for(const struct nono_policy *p, const char *path)
{
	for (size_t i = 0; i < p->n_rules; i++)
		if (strcmp(p->rules[i].path, path) == 0)
			return &p->rules[i];
	return NULL;
}

static char *
hp(const char *rel)
{
	return nono_path_join(home, rel);
}

static void
grant_is_canonical(void **state)
{
	struct nono_policy p;
	struct nono_error err = {0};
	char *dotted = xasprintf("%s/docs/../docs/", home), *docs = hp("docs");
	const struct nono_rule *r;

	nono_policy_init(&p);
	nono_policy_add_default_groups(&p);
	nono_policy_grant(&p, dotted, NONO_ACC_READ, NONO_KIND_DIR, "--read", true);
	nono_policy_grant(&p, "/no/such/path", NONO_ACC_READ, NONO_KIND_DIR, "--read", true);
	assert_int_equal(nono_policy_finalize(&p, &err), 0);
	r = rule_for(&p, docs);
	assert_non_null(r);
	assert_int_equal(r->access, NONO_ACC_READ);
	assert_string_equal(r->source, "--read");
	assert_int_equal(p.warnings.n, 1);
	assert_non_null(strstr(p.warnings.v[0], "/no/such/path"));
	nono_policy_free(&p);
	free(dotted);
	free(docs);
}

static void
sensitive_grant_refused(void **state)
{
	struct nono_policy p;
	struct nono_error err = {0};
	char *key = hp(".ssh/id_rsa");

	nono_policy_init(&p);
	nono_policy_add_default_groups(&p);
	nono_policy_grant(&p, key, NONO_ACC_READ, NONO_KIND_FILE, "--read-file", true);
	assert_int_equal(nono_policy_finalize(&p, &err), -EACCES);
	assert_non_null(strstr(err.msg, "sensitive"));
	assert_non_null(strstr(err.hint, "--bypass-protection"));
	nono_policy_free(&p);

	nono_policy_init(&p);
	nono_policy_add_default_groups(&p);
	nono_policy_grant(&p, key, NONO_ACC_READ, NONO_KIND_FILE, "--read-file", true);
	nono_strv_push(&p.bypass, key);
	assert_int_equal(nono_policy_finalize(&p, &err), 0);
	assert_non_null(rule_for(&p, key));
	nono_policy_free(&p);

	/* a bypass with no grant near it is an error */
	nono_policy_init(&p);
	nono_policy_add_default_groups(&p);
	nono_strv_push(&p.bypass, key);
	assert_int_equal(nono_policy_finalize(&p, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "no grant covers it"));
	nono_policy_free(&p);
	free(key);
}

static void
carving(void **state)
{
	struct nono_policy p;
	struct nono_error err = {0};
	char *docs = hp("docs"), *ssh = hp(".ssh"), *other = hp(".config/other"), *gcloud = hp(".config/gcloud");
	char *cfg = hp(".config"), *link = hp("docs/keys");

	assert_int_equal(symlink(ssh, link), 0);
	nono_policy_init(&p);
	nono_policy_add_default_groups(&p);
	nono_policy_grant(&p, home, NONO_ACC_RW, NONO_KIND_DIR, "--allow", true);
	assert_int_equal(nono_policy_finalize(&p, &err), 0);
	assert_null(rule_for(&p, home));
	assert_null(rule_for(&p, cfg));
	assert_null(rule_for(&p, ssh));
	assert_null(rule_for(&p, gcloud));
	assert_non_null(rule_for(&p, docs));
	assert_true(rule_for(&p, docs)->carved);
	assert_non_null(rule_for(&p, other));
	assert_int_equal(p.n_carves, 1);
	assert_true(nono_strv_contains(&p.carves[0].around, ssh));
	assert_true(nono_strv_contains(&p.carves[0].around, gcloud));
	/* the symlink into .ssh inside docs is covered by the docs rule, but
	 * resolves to .ssh, which no rule grants */
	{
		struct nono_verdict v;

		nono_policy_check(&p, link, NONO_OP_READ, &v);
		assert_false(v.allowed);
		assert_int_equal(v.reason, NONO_WHY_SENSITIVE);
		nono_verdict_free(&v);
	}
	unlink(link);
	nono_policy_free(&p);
	free(docs);
	free(ssh);
	free(other);
	free(gcloud);
	free(cfg);
	free(link);
}

static void
git_exception_and_delete(void **state)
{
	struct nono_policy p;
	struct nono_error err = {0};
	char *proj = hp("proj"), *git = hp("proj/.git"), *docs = hp("docs");

	nono_policy_init(&p);
	nono_policy_add_default_groups(&p);
	nono_policy_grant(&p, proj, NONO_ACC_RW, NONO_KIND_DIR, "--allow", true);
	assert_int_equal(nono_policy_finalize(&p, &err), 0);
	assert_int_equal(rule_for(&p, proj)->access, NONO_ACC_RW);
	assert_int_equal(rule_for(&p, git)->access, NONO_ACC_RW | NONO_ACC_DELETE);
	nono_policy_free(&p);

	nono_policy_init(&p);
	nono_policy_add_default_groups(&p);
	p.allow_delete = true;
	nono_policy_grant(&p, proj, NONO_ACC_RW, NONO_KIND_DIR, "--allow", true);
	nono_policy_grant(&p, docs, NONO_ACC_READ, NONO_KIND_DIR, "--read", true);
	assert_int_equal(nono_policy_finalize(&p, &err), 0);
	assert_true(rule_for(&p, proj)->access & NONO_ACC_DELETE);
	assert_false(rule_for(&p, docs)->access & NONO_ACC_DELETE);
	nono_policy_free(&p);
	free(proj);
	free(git);
	free(docs);
}

static void
verdicts(void **state)
{
	struct nono_policy p;
	struct nono_error err = {0};
	struct nono_verdict v;
	char *docs = hp("docs"), *a = hp("docs/a"), *proj = hp("proj"), *newf = hp("proj/new");

	nono_policy_init(&p);
	nono_policy_add_default_groups(&p);
	nono_policy_grant(&p, docs, NONO_ACC_READ, NONO_KIND_DIR, "--read", true);
	nono_policy_grant(&p, proj, NONO_ACC_RW, NONO_KIND_DIR, "--allow", true);
	assert_int_equal(nono_policy_finalize(&p, &err), 0);

	nono_policy_check(&p, a, NONO_OP_READ, &v);
	assert_true(v.allowed);
	assert_string_equal(v.rule->source, "--read");
	nono_verdict_free(&v);
	nono_policy_check(&p, a, NONO_OP_WRITE, &v);
	assert_false(v.allowed);
	assert_int_equal(v.reason, NONO_WHY_INSUFFICIENT);
	{
		char *want = xasprintf("--allow-file %s", a);

		assert_string_equal(v.suggest, want);
		free(want);
	}
	nono_verdict_free(&v);
	nono_policy_check(&p, newf, NONO_OP_WRITE, &v);
	assert_true(v.allowed);
	nono_verdict_free(&v);
	nono_policy_check(&p, newf, NONO_OP_DELETE, &v);
	assert_false(v.allowed);
	assert_string_equal(v.suggest, "--allow-delete");
	nono_verdict_free(&v);
	nono_policy_check(&p, "/srv/nothing/here", NONO_OP_READ, &v);
	assert_int_equal(v.reason, NONO_WHY_NOT_GRANTED);
	nono_verdict_free(&v);
	nono_policy_check(&p, "/usr/bin/env", NONO_OP_READ, &v);
	assert_true(v.allowed);
	nono_verdict_free(&v);
	nono_policy_free(&p);
	free(docs);
	free(a);
	free(proj);
	free(newf);
}

static void
commands(void **state)
{
	struct nono_policy p;
	const char *cat;

	nono_policy_init(&p);
	nono_policy_add_default_groups(&p);
	assert_true(nono_policy_command_blocked(&p, "rm", &cat));
	assert_string_equal(cat, "file destruction");
	assert_true(nono_policy_command_blocked(&p, "/usr/bin/rm", &cat));
	assert_true(nono_policy_command_blocked(&p, "mkfs.ext4", &cat));
	assert_string_equal(cat, "disk operations");
	assert_true(nono_policy_command_blocked(&p, "sudo", &cat));
	assert_string_equal(cat, "privilege escalation");
	assert_false(nono_policy_command_blocked(&p, "rmx", &cat));
	assert_false(nono_policy_command_blocked(&p, "ls", &cat));
	nono_strv_push(&p.allow_cmds, "rm");
	nono_strv_push(&p.block_cmds, "ls");
	assert_false(nono_policy_command_blocked(&p, "rm", &cat));
	assert_true(nono_policy_command_blocked(&p, "ls", &cat));
	nono_policy_free(&p);
	assert_string_equal(nono_access_str(NONO_ACC_RW | NONO_ACC_DELETE), "read+write+delete");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(grant_is_canonical, setup, teardown),
	    cmocka_unit_test_setup_teardown(sensitive_grant_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(carving, setup, teardown),
	    cmocka_unit_test_setup_teardown(git_exception_and_delete, setup, teardown),
	    cmocka_unit_test_setup_teardown(verdicts, setup, teardown),
	    cmocka_unit_test(commands),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
