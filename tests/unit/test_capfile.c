/* test_capfile.c - the launch path's hand-written capability file is the
 * same document jansson produces, reads back into the same verdicts; the
 * prebuilt seccomp programs are what libseccomp builds now. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/filter.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launch/capfile.h"
#include "sandbox/landlock.h"
#include "sandbox/seccomp.h"

static void
render_equals_dump(void **state)
{
	struct nono_policy p, back;
	struct nono_error err = {0};
	struct nono_sandbox sb = {.abi = 7};
	char *fast, *slow, *path = NULL;
	json_t *a, *b;
	struct nono_verdict v;
	int fd;

	setenv("HOME", "/tmp/nono-unit-home-\"quoted\"", 1);
	nono_policy_init(&p);
	nono_policy_add_default_groups(&p);
	nono_policy_grant(&p, "/usr", NONO_ACC_RW, NONO_KIND_DIR, "--allow \"x\"\t", true);
	p.block_net = true;
	nono_strv_push(&p.proxy_hosts, "api.example.com");
	nono_strv_push(&p.proxy_hosts, "*.example.org");
	p.proxy_port = 41234;
	assert_int_equal(nono_policy_finalize(&p, &err), 0);
	fast = nono_capfile_render(&p, &sb);
	slow = nono_capfile_dump(&p, &sb, 0);
	a = json_loads(fast, 0, NULL);
	b = json_loads(slow, 0, NULL);
	assert_non_null(a);
	assert_non_null(b);
	assert_true(json_equal(a, b));
	json_decref(a);
	json_decref(b);

	assert_int_equal(nono_capfile_create(&path, &fd, &err), 0);
	assert_int_equal(nono_capfile_fill(fd, path, &p, &sb, &err), 0);
	assert_int_equal(nono_capfile_read(&back, path, &err), 0);
	nono_policy_check(&back, "/usr/bin/x", NONO_OP_WRITE, &v);
	assert_true(v.allowed);
	nono_verdict_free(&v);
	assert_true(back.block_net);
	unlink(path);
	free(path);
	nono_policy_free(&back);
	/* anything outside the expected place and name is refused */
	assert_true(nono_capfile_read(&back, "/etc/passwd", &err) < 0);
	assert_non_null(strstr(err.msg, "validation failed"));
	nono_policy_free(&back);
	nono_policy_free(&p);
	free(fast);
	free(slow);
}

static void
prebuilt_matches_libseccomp(void **state)
{
	for (int v = 0; v < 16; v++) {
		struct nono_seccomp_opts o = {.block_net = v & 1, .journal = v & 2, .execs = v & 4, .lock_dirs = v & 8};
		struct nono_seccomp built, pre;
		struct nono_error err = {0};

		assert_int_equal(nono_seccomp_build(&built, &o, &err), 0);
		nono_seccomp_prebuilt(&pre, &o);
		assert_int_equal(built.len, pre.len);
		assert_memory_equal(built.insns, pre.insns, built.len * sizeof(struct sock_filter));
		assert_int_equal(built.n_rules, pre.n_rules);
		free(built.insns);
		nono_seccomp_free(&pre);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(render_equals_dump),
	    cmocka_unit_test(prebuilt_matches_libseccomp),
	};

	return cmocka_run_group_tests_name("capfile", tests, NULL, NULL);
}
