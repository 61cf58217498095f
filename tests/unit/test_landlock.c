/* test_landlock.c - the ABI masks and the access -> Landlock rights mapping
 * (pure: no ruleset is created), and which features each ABI provides. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "compat/landlock.h"
#include "sandbox.h"

#define ABI1_BITS ((1ULL << 13) - 1)

static void
handled_per_abi(void **state)
{
	assert_int_equal(nono_landlock_handled_fs(0), 0);
	assert_int_equal(nono_landlock_handled_fs(1), ABI1_BITS);
	assert_int_equal(nono_landlock_handled_fs(2), ABI1_BITS | LANDLOCK_ACCESS_FS_REFER);
	assert_int_equal(nono_landlock_handled_fs(3),
			 ABI1_BITS | LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_TRUNCATE);
	assert_int_equal(nono_landlock_handled_fs(4), nono_landlock_handled_fs(3));
	assert_int_equal(nono_landlock_handled_fs(5), nono_landlock_handled_fs(3) | LANDLOCK_ACCESS_FS_IOCTL_DEV);
	assert_int_equal(nono_landlock_handled_fs(7), nono_landlock_handled_fs(5));
	assert_int_equal(nono_landlock_handled_fs(99), nono_landlock_handled_fs(7));
}

static void
rights(void **state)
{
	uint64_t r = nono_landlock_rights(NONO_ACC_READ, false, 7);
	uint64_t w = nono_landlock_rights(NONO_ACC_WRITE, false, 7);
	uint64_t d = nono_landlock_rights(NONO_ACC_DELETE, false, 7);
	uint64_t f = nono_landlock_rights(NONO_ACC_RW | NONO_ACC_DELETE | NONO_ACC_IOCTL, true, 7);

	assert_int_equal(r, LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_EXECUTE);
	/* writing never removes, truncates or makes device nodes */
	assert_int_equal(w & (LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |
			      LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_MAKE_CHAR |
			      LANDLOCK_ACCESS_FS_MAKE_BLOCK),
			 0);
	assert_true(w & LANDLOCK_ACCESS_FS_MAKE_REG);
	assert_int_equal(d,
			 LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_TRUNCATE);
	/* rules on files carry only file rights */
	assert_int_equal(f & ~(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
			       LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |
			       LANDLOCK_ACCESS_FS_IOCTL_DEV),
			 0);
	/* an ABI without truncate or ioctl control never asks for them */
	assert_int_equal(nono_landlock_rights(NONO_ACC_DELETE, false, 2) & LANDLOCK_ACCESS_FS_TRUNCATE, 0);
	assert_int_equal(nono_landlock_rights(NONO_ACC_IOCTL, true, 4), 0);
	assert_int_equal(nono_landlock_rights(NONO_ACC_IOCTL, true, 5), LANDLOCK_ACCESS_FS_IOCTL_DEV);
}

static void
features(void **state)
{
	struct nono_feature f[16];
	struct nono_policy p;
	int n;

	nono_policy_init(&p);
	n = nono_sandbox_features(f, 16, &p, 5);
	for (int i = 0; i < n; i++) {
		assert_int_equal(f[i].available, 5 >= f[i].min_abi);
		if (strcmp(f[i].name, "TCP connect and bind control") == 0)
			assert_false(f[i].required);
		if (strcmp(f[i].name, "signal isolation") == 0)
			assert_true(f[i].required && !f[i].available);
	}
	p.block_net = true;
	n = nono_sandbox_features(f, 16, &p, 7);
	for (int i = 0; i < n; i++) {
		assert_true(f[i].available);
		if (strcmp(f[i].name, "TCP connect and bind control") == 0)
			assert_true(f[i].required);
	}
	nono_policy_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(handled_per_abi),
	    cmocka_unit_test(rights),
	    cmocka_unit_test(features),
	};

	return cmocka_run_group_tests_name("landlock", tests, NULL, NULL);
}
