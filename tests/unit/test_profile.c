/* test_profile.c - profile text: comments, positions in errors, did-you-mean,
 * types, keys known but not enforced; loading with extends and merging. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/profile.h"

static bool
has(const struct nono_strv *sv, const char *needle)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strstr(sv->v[i], needle))
			return true;
	return false;
}

static void
positions(void **state)
{
	struct nono_strv pr = {0};
	const char *text = "// header\n{\n  /* block\n  comment */ \"filesystem\": {\n"
			   "    \"alow\": [\"/x\"],\n    \"read\": [1]\n  },\n  \"netwrk\": {}\n}\n";

	assert_true(nono_profile_validate_text(text, "t.json", &pr) < 0);
	assert_true(has(&pr, "line 5 col 5: unknown key \"alow\" in filesystem (did you mean \"allow\"?)"));
	assert_true(has(&pr, "line 6 col 14: \"filesystem.read\" entries must be strings"));
	assert_true(has(&pr, "line 8 col 3: unknown key \"netwrk\" (did you mean \"network\"?)"));
	nono_strv_free(&pr);
}

static void
syntax_and_types(void **state)
{
	struct nono_strv pr = {0};

	assert_true(nono_profile_validate_text("{\"a\": [1,}", "s.json", &pr) < 0);
	assert_true(has(&pr, "s.json' line 1"));
	nono_strv_free(&pr);
	assert_true(nono_profile_validate_text("[]", "s.json", &pr) < 0);
	assert_true(has(&pr, "top level must be an object"));
	nono_strv_free(&pr);
	assert_true(nono_profile_validate_text("{\"network\": {\"block\": \"yes\"}}", "s.json", &pr) < 0);
	assert_true(has(&pr, "must be true or false, not a string"));
	nono_strv_free(&pr);
	assert_true(nono_profile_validate_text("{\"a\": 1, \"a\": 2}", "s.json", &pr) < 0);
	nono_strv_free(&pr);
}

static void
later_deprecated_ignored(void **state)
{
	struct nono_strv pr = {0};

	assert_true(nono_profile_validate_text("{\"network\": {\"credentials\": [\"openai\"]}}", "l.json", &pr) < 0);
	assert_true(has(&pr, "not enforced by this nono yet"));
	nono_strv_free(&pr);
	/* empty or null forms of those keys are fine */
	assert_int_equal(nono_profile_validate_text("{\"network\": {\"credentials\": [], \"open_port\": []}}",
						    "l.json", &pr),
			 0);
	nono_strv_free(&pr);
	assert_int_equal(nono_profile_validate_text(
			     "{\"policy\": {\"add_allow_read\": [\"/x\"]}, \"interactive\": true}", "d.json", &pr),
			 0);
	assert_true(has(&pr, "warning: "));
	assert_true(has(&pr, "deprecated; use \"filesystem.read\""));
	nono_strv_free(&pr);
}

static void
extends_merge(void **state)
{
	char tmpl[] = "/tmp/nono-unit-XXXXXX";
	char *dir = mkdtemp(tmpl), *base, *child, *s;
	struct nono_profile p;
	struct nono_error err = {0};
	FILE *f;

	base = nono_path_join(dir, "base.json");
	child = nono_path_join(dir, "child.json");
	f = fopen(base, "w");
	fputs("{\"filesystem\": {\"read\": [\"/a\", \"/b\"]}, \"network\": {\"block\": true},"
	      " \"workdir\": {\"access\": \"read\"}}",
	      f);
	fclose(f);
	f = fopen(child, "w");
	fputs("{\"extends\": \"base\", \"filesystem\": {\"read\": [\"/b\", \"/c\"]}, \"network\": {\"block\": false},"
	      " \"workdir\": {\"access\": \"none\"}}",
	      f);
	fclose(f);
	assert_int_equal(nono_profile_load(&p, child, &err), 0);
	s = nono_profile_dump(&p);
	/* lists union in order, block is sticky, a child cannot downgrade workdir */
	assert_non_null(strstr(s, "\"/a\",\n      \"/b\",\n      \"/c\""));
	assert_non_null(strstr(s, "\"block\": true"));
	assert_non_null(strstr(s, "\"access\": \"read\""));
	assert_null(strstr(s, "extends"));
	assert_int_equal(p.chain.n, 2);
	free(s);
	nono_profile_free(&p);
	nono_rm_rf(dir);
	free(base);
	free(child);
}

static void
builtins_are_valid(void **state)
{
	for (size_t i = 0; nono_builtin_profile_names[i]; i++) {
		struct nono_strv pr = {0};

		assert_int_equal(nono_profile_validate_text(nono_builtin_profile(nono_builtin_profile_names[i]),
							    nono_builtin_profile_names[i], &pr),
				 0);
		assert_int_equal(pr.n, 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(positions),
	    cmocka_unit_test(syntax_and_types),
	    cmocka_unit_test(later_deprecated_ignored),
	    cmocka_unit_test(extends_merge),
	    cmocka_unit_test(builtins_are_valid),
	};

	return cmocka_run_group_tests_name("profile", tests, NULL, NULL);
}
