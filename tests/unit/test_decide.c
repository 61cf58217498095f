/* test_decide.c - the supervisor's decisions (supervisor/decide.c), pure
 * functions of a call's resolved arguments and a finalized policy: exec
 * against the command blocklist, metadata and UNIX sockets against the
 * launch's grants. (The proxy's and the loader's are in test_proxy.c and
 * test_seccomp.c.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "supervisor/decide.h"

struct fixture {
	struct nono_policy p;
	char *dir, *home;
};

/* a policy with a writable grant (w/), a system group's read grant (/usr),
 * a profile's socket and a sensitive path (~/.ssh) under the grant */
static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	char tmpl[] = "/tmp/nono-test-decide-XXXXXX";
	struct nono_error err = {0};
	char *p;

	assert_non_null(mkdtemp(tmpl));
	f->dir = realpath(tmpl, NULL);
	f->home = nono_path_join(f->dir, "home");
	setenv("HOME", f->home, 1);
	p = xasprintf("%s/home/.ssh", f->dir);
	assert_int_equal(nono_mkdir_p(p, 0700), 0);
	free(p);
	p = xasprintf("%s/w", f->dir);
	assert_int_equal(nono_mkdir_p(p, 0700), 0);
	free(p);
	nono_policy_init(&f->p);
	nono_policy_add_default_groups(&f->p);
	nono_policy_grant(&f->p, f->dir, NONO_ACC_READ, NONO_KIND_DIR, "--read", true);
	p = xasprintf("%s/w", f->dir);
	nono_policy_grant(&f->p, p, NONO_ACC_RW, NONO_KIND_DIR, "--allow", true);
	free(p);
	nono_strv_push(&f->p.unix_sockets, "/run/allowed.sock");
	assert_int_equal(nono_policy_finalize(&f->p, &err), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	nono_policy_free(&f->p);
	nono_rm_rf(f->dir);
	free(f->dir);
	free(f->home);
	free(f);
	return 0;
}

static void
exec_blocklist(void **state)
{
	struct fixture *f = *state;
	const char *cat, *name;

	/* by the path's name, by argv[0], never by an allowed name */
	assert_int_equal(nono_supervisor_exec_decision(&f->p, "/usr/bin/rm", "rm", &cat, &name), -EPERM);
	assert_string_equal(name, "rm");
	assert_non_null(cat);
	assert_int_equal(nono_supervisor_exec_decision(&f->p, "/usr/bin/ls", "rm", &cat, &name), -EPERM);
	assert_int_equal(nono_supervisor_exec_decision(&f->p, "/usr/bin/ls", "ls", &cat, &name), 0);
	assert_null(cat);
	nono_strv_push(&f->p.allow_cmds, "rm");
	assert_int_equal(nono_supervisor_exec_decision(&f->p, "/usr/bin/rm", "rm", &cat, &name), 0);
}

static void
metadata_in_writable_grants(void **state)
{
	struct fixture *f = *state;
	char *in = xasprintf("%s/w/file", f->dir), *read_only = xasprintf("%s/file", f->dir);
	char *sensitive = xasprintf("%s/home/.ssh/id_rsa", f->dir);

	assert_int_equal(nono_supervisor_meta_decision(&f->p, in), 0);
	/* read-only grants, system groups, outside every grant, sensitive paths */
	assert_int_equal(nono_supervisor_meta_decision(&f->p, read_only), -EPERM);
	assert_int_equal(nono_supervisor_meta_decision(&f->p, "/usr/bin/ls"), -EPERM);
	assert_int_equal(nono_supervisor_meta_decision(&f->p, "/etc/passwd"), -EPERM);
	assert_int_equal(nono_supervisor_meta_decision(&f->p, sensitive), -EPERM);
	free(in);
	free(read_only);
	free(sensitive);
}

static void
unix_sockets(void **state)
{
	struct fixture *f = *state;
	char *granted = xasprintf("%s/w/agent.sock", f->dir), *sensitive = xasprintf("%s/home/.ssh/agent", f->dir);

	assert_int_equal(nono_supervisor_unix_decision(&f->p, "/run/allowed.sock"), 0);
	assert_int_equal(nono_supervisor_unix_decision(&f->p, granted), 0);
	/* a system group's grant is not the user's: its sockets stay out */
	assert_int_equal(nono_supervisor_unix_decision(&f->p, "/run/other.sock"), -EACCES);
	assert_int_equal(nono_supervisor_unix_decision(&f->p, sensitive), -EACCES);
	free(granted);
	free(sensitive);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(exec_blocklist, setup, teardown),
	    cmocka_unit_test_setup_teardown(metadata_in_writable_grants, setup, teardown),
	    cmocka_unit_test_setup_teardown(unix_sockets, setup, teardown),
	};

	return cmocka_run_group_tests_name("decide", tests, NULL, NULL);
}
