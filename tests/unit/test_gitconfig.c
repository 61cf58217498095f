/* test_gitconfig.c - git's configuration read as git reads it, the entries
 * that run programs, and which paths the persistence sweep looks after. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "store/gitconfig.h"
#include "store/persist.h"

static const char *
find(struct nono_gitcfg_entry *e, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(e[i].key, key))
			return e[i].value ? e[i].value : "(true)";
	return NULL;
}

static void
parses_like_git(void **state)
{
	const char *cfg = "# comment\n"
			  "[core]\n"
			  "\tbare = false ; trailing comment\n"
			  "\tPager = \"less -R\"  # quoted\n"
			  "[Remote \"Origin\"]\n"
			  "\turl = /srv/x.git\n"
			  "[alias] st = !echo \\\n"
			  "  continued\n"
			  "[filter.lfs]\n"
			  "\tclean = git-lfs clean -- %f\n"
			  "[user]\n"
			  "\tflag\n"
			  "\tname = \"a \\\"quoted\\\" name\"\n";
	struct nono_gitcfg_entry *e;
	size_t n;

	(void)state;
	nono_gitcfg_parse(cfg, strlen(cfg), &e, &n);
	assert_string_equal(find(e, n, "core.bare"), "false");
	assert_string_equal(find(e, n, "core.pager"), "less -R");
	assert_string_equal(find(e, n, "remote.Origin.url"), "/srv/x.git");
	assert_string_equal(find(e, n, "alias.st"), "!echo   continued");
	assert_string_equal(find(e, n, "filter.lfs.clean"), "git-lfs clean -- %f");
	assert_string_equal(find(e, n, "user.flag"), "(true)");
	assert_string_equal(find(e, n, "user.name"), "a \"quoted\" name");
	/* the alias on its header's line: its range leaves the header */
	for (size_t i = 0; i < n; i++)
		if (!strcmp(e[i].key, "alias.st")) {
			assert_memory_equal(cfg + e[i].start, "st = !echo", 10);
			assert_int_equal(cfg[e[i].end - 1], '\n');
			assert_memory_equal(cfg + e[i].end, "[filter.lfs]", 12);
		}
	nono_gitcfg_free(e, n);
}

static void
knows_what_runs(void **state)
{
	(void)state;
	assert_true(nono_gitcfg_runs("core.fsmonitor", "/tmp/x"));
	assert_false(nono_gitcfg_runs("core.fsmonitor", "true"));
	assert_false(nono_gitcfg_runs("core.fsmonitor", NULL));
	assert_true(nono_gitcfg_runs("core.pager", "cat"));
	assert_true(nono_gitcfg_runs("core.hookspath", ".husky"));
	assert_true(nono_gitcfg_runs("filter.lfs.smudge", "x"));
	assert_true(nono_gitcfg_runs("diff.a.b.textconv", "x"));
	assert_true(nono_gitcfg_runs("alias.st", "!sh"));
	assert_false(nono_gitcfg_runs("alias.lg", "log --oneline"));
	assert_true(nono_gitcfg_runs("includeif.gitdir:~/w/.path", "x"));
	assert_true(nono_gitcfg_runs("remote.origin.url", "ext::sh -c id"));
	assert_false(nono_gitcfg_runs("remote.origin.url", "https://example.com/x"));
	assert_true(nono_gitcfg_runs("protocol.ext.allow", "always"));
	assert_false(nono_gitcfg_runs("protocol.file.allow", "always"));
	assert_true(nono_gitcfg_runs("pager.log", "less"));
	assert_false(nono_gitcfg_runs("user.name", "x"));
	assert_false(nono_gitcfg_runs("branch.main.remote", "origin"));
	assert_false(nono_gitcfg_runs("filter.lfs.required", "true"));
}

static void
classifies_paths(void **state)
{
	char root[] = "/tmp/nono-persist-XXXXXX";
	char *home, *repo, *p;
	struct nono_persist *ps;
	struct nono_strv bypass = {0};
	const char *what;

	(void)state;
	assert_non_null(mkdtemp(root));
	home = xasprintf("%s/home", root);
	repo = xasprintf("%s/repo", root);
	p = xasprintf("mkdir -p %s %s && cd %s && git init -q . && git config core.hooksPath .husky", home, repo, repo);
	if (system(p) != 0) {
		free(p);
		skip();
	}
	free(p);
	p = xasprintf("%s/bypassed", repo);
	nono_strv_push(&bypass, p);
	free(p);
	ps = nono_persist_new(home, &bypass);
#define K(rel) (free(p), p = xasprintf("%s/%s", repo, rel), nono_persist_kind(ps, p, &what))
	p = NULL;
	assert_int_equal(K(".git/hooks/pre-commit"), NONO_PERSIST_FILE);
	assert_string_equal(what, "git hook");
	assert_int_equal(K(".git/hooks/pre-commit.sample"), NONO_PERSIST_NONE);
	assert_int_equal(K(".husky/pre-push"), NONO_PERSIST_FILE);
	assert_int_equal(K(".git/config"), NONO_PERSIST_GITCONFIG);
	assert_int_equal(K(".git/index"), NONO_PERSIST_NONE);
	assert_int_equal(K("sub/.envrc"), NONO_PERSIST_FILE);
	assert_int_equal(K(".vscode/tasks.json"), NONO_PERSIST_FILE);
	assert_int_equal(K(".vscode/extensions.json"), NONO_PERSIST_NONE);
	assert_int_equal(K(".claude/settings.local.json"), NONO_PERSIST_SETTINGS);
	assert_int_equal(K(".claude/commands/x.md"), NONO_PERSIST_FILE);
	assert_int_equal(K(".idea/workspace.xml"), NONO_PERSIST_FILE);
	assert_int_equal(K("src/main.c"), NONO_PERSIST_NONE);
	assert_int_equal(K("bypassed/.envrc"), NONO_PERSIST_NONE);
	free(p);
	p = xasprintf("%s/.local/bin/x", home);
	assert_int_equal(nono_persist_kind(ps, p, &what), NONO_PERSIST_FILE);
	free(p);
	p = xasprintf("%s/.gitconfig", home);
	assert_int_equal(nono_persist_kind(ps, p, &what), NONO_PERSIST_GITCONFIG);
	free(p);
	/* the user's own Claude Code commands are theirs; its hooks run */
	p = xasprintf("%s/.claude/commands/x.md", home);
	assert_int_equal(nono_persist_kind(ps, p, &what), NONO_PERSIST_NONE);
	free(p);
	p = xasprintf("%s/.claude/hooks/x.sh", home);
	assert_int_equal(nono_persist_kind(ps, p, &what), NONO_PERSIST_FILE);
	free(p);
#undef K
	nono_persist_free(ps);
	nono_strv_free(&bypass);
	p = xasprintf("rm -rf %s", root);
	assert_int_equal(system(p), 0);
	free(p);
	free(home);
	free(repo);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parses_like_git),
	    cmocka_unit_test(knows_what_runs),
	    cmocka_unit_test(classifies_paths),
	};

	return cmocka_run_group_tests_name("gitconfig", tests, NULL, NULL);
}
