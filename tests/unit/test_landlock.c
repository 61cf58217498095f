/* test_landlock.c - landlock.c's pure parts: the filesystem rights each
 * Landlock ABI handles, the mapping of nono access bits to Landlock rights
 * (never device-node creation; delete kept apart from write; file rules
 * masked to file rights; rights beyond the ABI dropped), the kernel
 * feature table nono_sandbox_features reports per ABI and policy, the
 * restrict_self flags per ABI (TSYNC from ABI 8, for the child alone), and
 * what stands in for a right an ABI lacks, and what stays weaker. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "compat/landlock.h"
#include "policy/policy.h"
#include "sandbox/landlock.h"

#define ABI1_FS                                                                                                        \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |                   \
	 LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |                \
	 LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |                    \
	 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |                 \
	 LANDLOCK_ACCESS_FS_MAKE_SYM)

/* rights that Landlock accepts on a non-directory */
#define FILE_OK                                                                                                        \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |                   \
	 LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV | LANDLOCK_ACCESS_FS_RESOLVE_UNIX)

#define REMOVE	 (LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR)
#define DEVNODES (LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_BLOCK)

static void
handled_fs_per_abi(void **state)
{
	uint64_t want[10];

	want[0] = 0;
	want[1] = ABI1_FS;
	want[2] = want[1] | LANDLOCK_ACCESS_FS_REFER;
	want[3] = want[2] | LANDLOCK_ACCESS_FS_TRUNCATE;
	want[4] = want[3];
	want[5] = want[4] | LANDLOCK_ACCESS_FS_IOCTL_DEV;
	want[6] = want[5];
	want[7] = want[6];
	want[8] = want[7]; /* TSYNC is a flag, not a right */
	want[9] = want[8] | LANDLOCK_ACCESS_FS_RESOLVE_UNIX;
	assert_int_equal(NONO_LANDLOCK_ABI_MAX, 9);
	assert_int_equal(LANDLOCK_ACCESS_FS_RESOLVE_UNIX, 1ULL << 16);
	assert_int_equal(LANDLOCK_RESTRICT_SELF_TSYNC, 1U << 3);
	for (int abi = 0; abi <= 9; abi++)
		assert_int_equal(nono_landlock_handled_fs(abi), want[abi]);
	/* out of range clamps */
	assert_int_equal(nono_landlock_handled_fs(-3), 0);
	assert_int_equal(nono_landlock_handled_fs(NONO_LANDLOCK_ABI_MAX + 5), want[9]);
	/* each ABI handles a superset of the one before */
	for (int abi = 1; abi <= 9; abi++)
		assert_int_equal(nono_landlock_handled_fs(abi - 1) & ~nono_landlock_handled_fs(abi), 0);
}

static void
read_rights(void **state)
{
	const uint64_t rd = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_EXECUTE;

	for (int abi = 1; abi <= 7; abi++) {
		assert_int_equal(nono_landlock_rights(NONO_ACC_READ, false, abi), rd);
		/* a file gets no READ_DIR */
		assert_int_equal(nono_landlock_rights(NONO_ACC_READ, true, abi),
				 LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_EXECUTE);
	}
	/* nothing is handled at ABI 0 */
	assert_int_equal(nono_landlock_rights(NONO_ACC_READ, false, 0), 0);
	assert_int_equal(nono_landlock_rights(NONO_ACC_RW | NONO_ACC_DELETE | NONO_ACC_IOCTL, false, 0), 0);
	assert_int_equal(nono_landlock_rights(0, false, 7), 0);
}

static void
write_rights(void **state)
{
	const uint64_t create = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_MAKE_REG |
				LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_SOCK |
				LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_SYM;

	for (int abi = 1; abi <= 7; abi++) {
		uint64_t w = nono_landlock_rights(NONO_ACC_WRITE, false, abi);
		uint64_t rw = nono_landlock_rights(NONO_ACC_RW, false, abi);

		assert_int_equal(w & create, create);
		/* never device nodes, never removal or truncation without delete */
		assert_int_equal(w & DEVNODES, 0);
		assert_int_equal(w & REMOVE, 0);
		assert_int_equal(w & LANDLOCK_ACCESS_FS_TRUNCATE, 0);
		assert_int_equal(rw & (DEVNODES | REMOVE | LANDLOCK_ACCESS_FS_TRUNCATE), 0);
		/* write alone grants no reading */
		assert_int_equal(w & (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR), 0);
		/* cross-directory links/renames only where the ABI knows them */
		if (abi >= 2)
			assert_int_equal(w & LANDLOCK_ACCESS_FS_REFER, LANDLOCK_ACCESS_FS_REFER);
		else
			assert_int_equal(w & LANDLOCK_ACCESS_FS_REFER, 0);
		/* everything returned is handled at that ABI */
		assert_int_equal(w & ~nono_landlock_handled_fs(abi), 0);
		/* a file: only WRITE_FILE survives */
		assert_int_equal(nono_landlock_rights(NONO_ACC_WRITE, true, abi), LANDLOCK_ACCESS_FS_WRITE_FILE);
	}
	/* even everything at once never yields device-node creation */
	for (int abi = 0; abi <= 7; abi++)
		assert_int_equal(nono_landlock_rights(~0u, false, abi) & DEVNODES, 0);
}

static void
delete_rights(void **state)
{
	for (int abi = 1; abi <= 7; abi++) {
		uint64_t d = nono_landlock_rights(NONO_ACC_DELETE, false, abi);
		uint64_t df = nono_landlock_rights(NONO_ACC_DELETE, true, abi);

		if (abi >= 3) {
			assert_int_equal(d, REMOVE | LANDLOCK_ACCESS_FS_TRUNCATE);
			/* on a file only truncation applies */
			assert_int_equal(df, LANDLOCK_ACCESS_FS_TRUNCATE);
		} else {
			assert_int_equal(d, REMOVE);
			assert_int_equal(df, 0);
		}
		/* rwd on a dir is the union */
		assert_int_equal(nono_landlock_rights(NONO_ACC_RW | NONO_ACC_DELETE, false, abi),
				 nono_landlock_rights(NONO_ACC_RW, false, abi) | d);
	}
}

static void
file_rules_masked(void **state)
{
	for (int abi = 0; abi <= 7; abi++) {
		uint64_t f = nono_landlock_rights(NONO_ACC_RW | NONO_ACC_DELETE | NONO_ACC_IOCTL, true, abi);

		assert_int_equal(f & ~FILE_OK, 0);
		assert_int_equal(f & LANDLOCK_ACCESS_FS_READ_DIR, 0);
		assert_int_equal(f & REMOVE, 0);
		assert_int_equal(f & LANDLOCK_ACCESS_FS_REFER, 0);
		assert_int_equal(f & (LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_DIR |
				      LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_MAKE_SOCK |
				      LANDLOCK_ACCESS_FS_MAKE_FIFO | DEVNODES),
				 0);
		assert_int_equal(f, nono_landlock_handled_fs(abi) & FILE_OK);
	}
}

static void
ioctl_rights(void **state)
{
	for (int abi = 0; abi <= 7; abi++) {
		uint64_t d = nono_landlock_rights(NONO_ACC_IOCTL, false, abi);
		uint64_t f = nono_landlock_rights(NONO_ACC_IOCTL, true, abi);
		uint64_t want = abi >= 5 ? LANDLOCK_ACCESS_FS_IOCTL_DEV : 0;

		assert_int_equal(d, want);
		assert_int_equal(f, want);
		/* read never carries ioctl by itself */
		assert_int_equal(nono_landlock_rights(NONO_ACC_RW, false, abi) & LANDLOCK_ACCESS_FS_IOCTL_DEV, 0);
	}
}

static const struct nono_feature *
feature(const struct nono_feature *f, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return &f[i];
	fail_msg("no feature named '%s'", name);
	return NULL;
}

static void
features_per_abi(void **state)
{
	struct nono_feature f[16];
	struct nono_policy p;
	const struct {
		const char *name;
		int min_abi;
		bool required; /* without block_net */
	} want[] = {
	    {"filesystem access control", 1, true},
	    {"cross-directory rename control", 2, false},
	    {"truncation control", 3, false},
	    {"TCP connect and bind control", 4, false},
	    {"device ioctl control", 5, false},
	    {"signal isolation", 6, false},
	    {"abstract UNIX socket isolation", 6, false},
	    {"denial logging", 7, false},
	    {"every thread restricted at once", 8, false},
	    {"pathname UNIX socket control", 9, false},
	};
	const size_t nwant = sizeof(want) / sizeof(want[0]);

	nono_policy_init(&p);
	for (int abi = 0; abi <= 10; abi++) {
		int n = nono_sandbox_features(f, 16, &p, abi);

		assert_int_equal(n, (int)nwant);
		for (size_t i = 0; i < nwant; i++) {
			const struct nono_feature *x = feature(f, n, want[i].name);

			assert_int_equal(x->min_abi, want[i].min_abi);
			assert_int_equal(x->available, abi >= want[i].min_abi);
			assert_int_equal(x->required, want[i].required);
			assert_non_null(x->kernel);
			assert_non_null(strstr(x->kernel, "Linux"));
		}
	}

	/* --block-net changes nothing: below ABI 4 the supervisor stands in */
	p.block_net = true;
	for (int abi = 0; abi <= 9; abi++) {
		int n = nono_sandbox_features(f, 16, &p, abi);

		assert_int_equal(n, (int)nwant);
		for (size_t i = 0; i < nwant; i++) {
			const struct nono_feature *x = feature(f, n, want[i].name);

			assert_int_equal(x->required, want[i].required);
			assert_int_equal(x->available, abi >= want[i].min_abi);
		}
	}
	nono_policy_free(&p);

	/* no policy: nothing network-related is required */
	{
		int n = nono_sandbox_features(f, 16, NULL, 7);

		assert_false(feature(f, n, "TCP connect and bind control")->required);
		assert_true(feature(f, n, "TCP connect and bind control")->available);
	}
}

static void
features_required_missing(void **state)
{
	/* nono runs at every ABI from 1: only ABI 0 misses a required feature */
	struct nono_feature f[16];
	struct nono_policy p;

	nono_policy_init(&p);
	p.block_net = true;
	for (int abi = 0; abi <= 9; abi++) {
		int n = nono_sandbox_features(f, 16, &p, abi);
		bool missing = false;

		for (int i = 0; i < n; i++)
			missing = missing || (f[i].required && !f[i].available);
		assert_int_equal(missing, abi < 1);
	}
	nono_policy_free(&p);
}

/* From ABI 9 the kernel checks pathname UNIX sockets: the rights a rule
 * carries say what the supervisor's decision says (a grant of the user's,
 * one that may delete), and nothing below ABI 9. */
static void
resolve_unix_rights(void **state)
{
	struct nono_policy p;
	struct nono_rule user = {.path = "/home/u/proj", .access = NONO_ACC_READ, .user = true};
	struct nono_rule sys = {.path = "/usr", .access = NONO_ACC_READ};
	struct nono_rule tmp = {.path = "/tmp/nono-x", .access = NONO_ACC_RW | NONO_ACC_DELETE};
	struct nono_rule sock = {.path = "/run/x.sock", .access = NONO_ACC_RW, .is_file = true, .user = true};

	nono_policy_init(&p);
	for (int abi = 1; abi <= 9; abi++) {
		uint64_t u = abi >= 9 ? LANDLOCK_ACCESS_FS_RESOLVE_UNIX : 0;

		assert_int_equal(nono_landlock_rule_rights(&p, &user, abi) & LANDLOCK_ACCESS_FS_RESOLVE_UNIX, u);
		assert_int_equal(nono_landlock_rule_rights(&p, &tmp, abi) & LANDLOCK_ACCESS_FS_RESOLVE_UNIX, u);
		assert_int_equal(nono_landlock_rule_rights(&p, &sock, abi) & LANDLOCK_ACCESS_FS_RESOLVE_UNIX, u);
		assert_int_equal(nono_landlock_rule_rights(&p, &sys, abi) & LANDLOCK_ACCESS_FS_RESOLVE_UNIX, 0);
		/* the rest is the access mapping's */
		assert_int_equal(nono_landlock_rule_rights(&p, &user, abi) & ~LANDLOCK_ACCESS_FS_RESOLVE_UNIX,
				 nono_landlock_rights(NONO_ACC_READ, false, abi));
		assert_int_equal(nono_landlock_rule_rights(&p, &sock, abi) & ~FILE_OK, 0);
	}
	nono_policy_free(&p);
}

/* TSYNC from ABI 8, for the child (all threads) alone, never a worker;
 * denial logging from ABI 7 when asked */
static void
restrict_flags_per_abi(void **state)
{
	for (int abi = 0; abi <= 9; abi++) {
		uint32_t child = nono_landlock_restrict_flags(abi, false, true);
		uint32_t logged = nono_landlock_restrict_flags(abi, true, true);
		uint32_t worker = nono_landlock_restrict_flags(abi, false, false);

		assert_int_equal(child, abi >= 8 ? LANDLOCK_RESTRICT_SELF_TSYNC : 0);
		assert_int_equal(logged, child | (abi >= 7 ? LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON : 0));
		assert_int_equal(worker, 0);
		assert_int_equal(nono_landlock_restrict_flags(abi, true, false) & LANDLOCK_RESTRICT_SELF_TSYNC, 0);
	}
}

static const struct nono_weakness *
weak(const struct nono_weakness *w, int n, const char *id)
{
	for (int i = 0; i < n; i++)
		if (strcmp(w[i].id, id) == 0)
			return &w[i];
	return NULL;
}

/* Below the ABI that brings a right, the entry is there; what stands in
 * decides whether it stays weaker. Nothing at all from ABI 6 with a PID
 * namespace. */
static void
weaknesses_per_abi(void **state)
{
	struct nono_weakness w[16];

	for (int abi = 1; abi <= 9; abi++) {
		struct nono_sandbox_env e = {.abi = abi, .pid_ns = true};
		int n = nono_sandbox_weaknesses(w, 16, &e);

		assert_int_equal(weak(w, n, "rename") != NULL, abi < 2);
		assert_int_equal(weak(w, n, "truncate") != NULL, abi < 3);
		assert_null(weak(w, n, "tcp")); /* not without --block-net */
		assert_int_equal(weak(w, n, "ioctl") != NULL, abi < 5);
		assert_int_equal(weak(w, n, "signals") != NULL, abi < 6);
		assert_int_equal(weak(w, n, "abstract-unix") != NULL, abi < 6);
		assert_null(weak(w, n, "pid-namespace"));
		if (abi < 3)
			assert_null(weak(w, n, "truncate")->left); /* the supervisor holds it */
		if (abi < 6) {
			assert_null(weak(w, n, "signals")->left); /* the PID namespace holds it */
			assert_non_null(weak(w, n, "signals")->instead);
			assert_non_null(weak(w, n, "abstract-unix")->left);
			assert_non_null(strstr(weak(w, n, "abstract-unix")->left, "abstract UNIX sockets outside"));
		}
		if (abi >= 6)
			assert_int_equal(n, 0);
		for (int i = 0; i < n; i++)
			assert_true(w[i].abi > abi);
	}
}

static void
weaknesses_block_net(void **state)
{
	struct nono_weakness w[16];
	struct nono_sandbox_env e = {.abi = 3, .block_net = true, .pid_ns = true, .net_ns = true};
	int n = nono_sandbox_weaknesses(w, 16, &e);

	/* a network namespace holds TCP and abstract sockets */
	assert_non_null(weak(w, n, "tcp"));
	assert_null(weak(w, n, "tcp")->left);
	assert_true(weak(w, n, "tcp")->block_net);
	assert_null(weak(w, n, "abstract-unix")->left);
	/* without it, the supervisor refuses connect, bind and listen */
	e.net_ns = false;
	n = nono_sandbox_weaknesses(w, 16, &e);
	assert_null(weak(w, n, "tcp")->left);
	assert_non_null(strstr(weak(w, n, "tcp")->instead, "supervisor"));
	assert_non_null(strstr(weak(w, n, "tcp")->instead, "bind"));
	assert_non_null(weak(w, n, "abstract-unix")->left);
	/* proxy mode never has the namespace: its row names the proxy */
	e.proxy = true;
	e.net_ns = true;
	n = nono_sandbox_weaknesses(w, 16, &e);
	assert_non_null(strstr(weak(w, n, "tcp")->what, "proxy"));
	assert_non_null(weak(w, n, "abstract-unix")->left);
	/* from ABI 4, nothing about TCP */
	e.abi = 4;
	n = nono_sandbox_weaknesses(w, 16, &e);
	assert_null(weak(w, n, "tcp"));
}

static void
weaknesses_without_pidns(void **state)
{
	struct nono_weakness w[16];
	struct nono_sandbox_env e = {.abi = 7};
	int n = nono_sandbox_weaknesses(w, 16, &e);

	/* ABI 7 without the namespace: one entry, which says Landlock keeps
	 * signals in */
	assert_int_equal(n, 1);
	assert_string_equal(w[0].id, "pid-namespace");
	assert_int_equal(w[0].abi, 0);
	assert_non_null(w[0].left);
	assert_non_null(strstr(w[0].instead, "signals"));
	assert_non_null(strstr(w[0].instead, "environ"));
	/* ABI 5: signals reach the host, and Landlock does not claim them */
	e.abi = 5;
	n = nono_sandbox_weaknesses(w, 16, &e);
	assert_non_null(weak(w, n, "signals")->left);
	assert_null(strstr(weak(w, n, "pid-namespace")->instead, "signals"));
	/* 'setup' lists --block-net's entries too */
	e.every = true;
	e.abi = 3;
	n = nono_sandbox_weaknesses(w, 16, &e);
	assert_non_null(weak(w, n, "tcp"));
	assert_int_equal(nono_sandbox_weaknesses(w, 2, &e), 2);
}

static void
features_respects_max(void **state)
{
	struct nono_feature f[16];

	memset(f, 0, sizeof(f));
	assert_int_equal(nono_sandbox_features(f, 3, NULL, 7), 3);
	assert_null(f[3].name);
	assert_string_equal(f[0].name, "filesystem access control");
	assert_int_equal(nono_sandbox_features(f, 0, NULL, 7), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(handled_fs_per_abi),
	    cmocka_unit_test(read_rights),
	    cmocka_unit_test(write_rights),
	    cmocka_unit_test(delete_rights),
	    cmocka_unit_test(file_rules_masked),
	    cmocka_unit_test(ioctl_rights),
	    cmocka_unit_test(features_per_abi),
	    cmocka_unit_test(features_required_missing),
	    cmocka_unit_test(features_respects_max),
	    cmocka_unit_test(restrict_flags_per_abi),
	    cmocka_unit_test(weaknesses_per_abi),
	    cmocka_unit_test(weaknesses_block_net),
	    cmocka_unit_test(weaknesses_without_pidns),
	    cmocka_unit_test(resolve_unix_rights),
	};

	return cmocka_run_group_tests_name("landlock", tests, NULL, NULL);
}
