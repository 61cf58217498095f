/* test_util.c - util.c and vars.c: lexical path normalisation, component-wise
 * "under", canonicalisation of missing leaves beneath symlinked directories,
 * ~ display, boolean words, string vectors, join/dirname, edit distance,
 * mkdir -p and rm -rf (which must not follow symlinks out of the tree),
 * ~/$VARIABLE expansion in policy paths, and the escaping of untrusted text
 * for a terminal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/util.h"
#include "base/vars.h"

/* a canonical scratch directory per test (mkdtemp, realpath'd) */
static int
tmp_setup(void **state)
{
	char tmpl[] = "/tmp/nono-test-util-XXXXXX";
	char *d = mkdtemp(tmpl);

	if (!d)
		return -1;
	*state = realpath(d, NULL);
	return *state ? 0 : -1;
}

static int
tmp_teardown(void **state)
{
	if (*state) {
		nono_rm_rf(*state);
		free(*state);
	}
	return 0;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
assert_normal(const char *in, const char *want)
{
	char *got = nono_path_normalize(in);

	assert_string_equal(got, want);
	free(got);
}

static void
normalize_collapses(void **state)
{
	assert_normal("/", "/");
	assert_normal("//", "/");
	assert_normal("/a//b///c", "/a/b/c");
	assert_normal("/a/./b/.", "/a/b");
	assert_normal("/./a", "/a");
	assert_normal("/a/b/", "/a/b");
	assert_normal("/a/b/../c", "/a/c");
	assert_normal("/a/b/..", "/a");
	assert_normal("/a/..", "/");
	assert_normal("/..", "/");
	assert_normal("/../../a", "/a");
	assert_normal("/a/b/../../..", "/");
	assert_normal("/usr/lib/../share//man/./", "/usr/share/man");
	/* names that merely start with dots are ordinary components */
	assert_normal("/a/.../b", "/a/.../b");
	assert_normal("/a/..b/.c", "/a/..b/.c");
}

static void
under_is_componentwise(void **state)
{
	assert_true(nono_path_under("/a/b", "/a/b"));
	assert_true(nono_path_under("/a/b/c", "/a/b"));
	assert_true(nono_path_under("/a/b/c/d", "/a"));
	assert_false(nono_path_under("/a/bc", "/a/b"));
	assert_false(nono_path_under("/a/b.txt", "/a/b"));
	assert_false(nono_path_under("/a", "/a/b"));
	assert_false(nono_path_under("/x/a/b", "/a/b"));
	/* / covers everything absolute */
	assert_true(nono_path_under("/", "/"));
	assert_true(nono_path_under("/anything/at/all", "/"));
}

static void
join_and_dirname(void **state)
{
	char *s;

	s = nono_path_join("/a", "b");
	assert_string_equal(s, "/a/b");
	free(s);
	s = nono_path_join("/a/", "/b");
	assert_string_equal(s, "/a/b");
	free(s);
	s = nono_path_join("/", "x");
	assert_string_equal(s, "/x");
	free(s);

	s = nono_path_dirname("/a/b/c");
	assert_string_equal(s, "/a/b");
	free(s);
	s = nono_path_dirname("/a");
	assert_string_equal(s, "/");
	free(s);
	s = nono_path_dirname("rel");
	assert_string_equal(s, ".");
	free(s);
}

static void
absolute_relative_and_tilde(void **state)
{
	const char *root = *state;
	char cwd[PATH_MAX], *s, *want;

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(root), 0);
	s = nono_path_absolute("x/./y/../z");
	want = xasprintf("%s/x/z", root);
	assert_string_equal(s, want);
	free(s);
	free(want);
	assert_int_equal(chdir(cwd), 0);

	setenv("HOME", "/home/tester", 1);
	s = nono_path_absolute("~/docs/../proj");
	assert_string_equal(s, "/home/tester/proj");
	free(s);
	s = nono_path_absolute("~");
	assert_string_equal(s, "/home/tester");
	free(s);
	s = nono_path_absolute("/a//b/");
	assert_string_equal(s, "/a/b");
	free(s);
	s = nono_path_absolute("/a/b/..");
	assert_string_equal(s, "/a");
	free(s);
	s = nono_path_absolute("/a/.");
	assert_string_equal(s, "/a");
	free(s);
	s = nono_path_absolute("/.");
	assert_string_equal(s, "/");
	free(s);
	/* "..." and ".x" are names, kept as they are */
	s = nono_path_absolute("/a/...");
	assert_string_equal(s, "/a/...");
	free(s);
}

static void
canonical_missing_leaf_under_symlink(void **state)
{
	const char *root = *state;
	char *real = nono_path_join(root, "real");
	char *link = nono_path_join(root, "link");
	char *q, *want, *c;
	bool exists = true;

	assert_int_equal(mkdir(real, 0700), 0);
	assert_int_equal(symlink(real, link), 0);

	/* an existing path through the link resolves fully */
	c = nono_path_canonical(link, &exists);
	assert_true(exists);
	assert_string_equal(c, real);
	free(c);

	/* a missing leaf two levels below the link: prefix resolved, rest kept */
	q = xasprintf("%s/missing/leaf", link);
	want = xasprintf("%s/missing/leaf", real);
	exists = true;
	c = nono_path_canonical(q, &exists);
	assert_false(exists);
	assert_string_equal(c, want);
	free(c);

	/* the same, with the memo: same answer, parents remembered in pairs */
	{
		struct nono_strv memo = {0};

		exists = true;
		c = nono_path_canonical_memo(q, &exists, &memo);
		assert_false(exists);
		assert_string_equal(c, want);
		free(c);
		assert_true(memo.n >= 2);
		assert_int_equal(memo.n % 2, 0);
		/* a second lookup under the same missing parent uses it */
		free(q);
		free(want);
		q = xasprintf("%s/missing/other", link);
		want = xasprintf("%s/missing/other", real);
		c = nono_path_canonical_memo(q, &exists, &memo);
		assert_false(exists);
		assert_string_equal(c, want);
		free(c);
		nono_strv_free(&memo);
	}
	free(q);
	free(want);
	free(link);
	free(real);
}

static void
display_with_home(void **state)
{
	char *s;

	setenv("HOME", "/home/tester", 1);
	s = nono_path_display("/home/tester/docs/x");
	assert_string_equal(s, "~/docs/x");
	free(s);
	s = nono_path_display("/home/tester");
	assert_string_equal(s, "~");
	free(s);
	/* a sibling sharing the prefix is not in home */
	s = nono_path_display("/home/testerfoo/x");
	assert_string_equal(s, "/home/testerfoo/x");
	free(s);
	s = nono_path_display("/etc/hosts");
	assert_string_equal(s, "/etc/hosts");
	free(s);
	/* HOME=/ would make every path "~..."; it is left alone */
	setenv("HOME", "/", 1);
	s = nono_path_display("/etc/hosts");
	assert_string_equal(s, "/etc/hosts");
	free(s);
}

static void
parse_bool_words(void **state)
{
	const char *yes[] = {"1", "true", "TRUE", "Yes", "on", "ON"};
	const char *no[] = {"0", "false", "False", "no", "NO", "off"};
	const char *bad[] = {"", "2", "yess", "y", "n", "enable", " 1"};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_int_equal(nono_parse_bool(yes[i]), 1);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_int_equal(nono_parse_bool(no[i]), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(nono_parse_bool(bad[i]), -1);
	assert_int_equal(nono_parse_bool(NULL), -1);
}

static void
strv_push_contains_free(void **state)
{
	struct nono_strv sv = {0};
	char buf[16];

	assert_false(nono_strv_contains(&sv, "a"));
	for (int i = 0; i < 20; i++) {
		snprintf(buf, sizeof(buf), "s%d", i);
		nono_strv_push(&sv, buf);
		/* always NULL-terminated, including across growth */
		assert_int_equal(sv.n, (size_t)i + 1);
		assert_null(sv.v[sv.n]);
	}
	assert_string_equal(sv.v[0], "s0");
	assert_string_equal(sv.v[19], "s19");
	assert_true(nono_strv_contains(&sv, "s7"));
	assert_false(nono_strv_contains(&sv, "s"));
	assert_false(nono_strv_contains(&sv, "s20"));
	/* push copies */
	snprintf(buf, sizeof(buf), "mutable");
	nono_strv_push(&sv, buf);
	buf[0] = 'X';
	assert_string_equal(sv.v[20], "mutable");
	nono_strv_push_owned(&sv, xstrdup("owned"));
	assert_string_equal(sv.v[21], "owned");
	nono_strv_free(&sv);
	assert_null(sv.v);
	assert_int_equal(sv.n, 0);
	assert_int_equal(sv.cap, 0);
}

static void
strdist_edit_distance(void **state)
{
	assert_int_equal(nono_strdist("allow", "allow"), 0);
	assert_int_equal(nono_strdist("alow", "allow"), 1);
	assert_int_equal(nono_strdist("kitten", "sitting"), 3);
	assert_int_equal(nono_strdist("", "abc"), 3);
	assert_int_equal(nono_strdist("abc", ""), 3);
	assert_int_equal(nono_strdist("block-nte", "block-net"), 2);
}

static void
mkdir_p_creates_parents(void **state)
{
	const char *root = *state;
	char *deep = xasprintf("%s/a/b/c", root);
	char *file = xasprintf("%s/f", root);
	char *through = xasprintf("%s/f/sub", root);
	struct stat st;

	assert_int_equal(nono_mkdir_p(deep, 0700), 0);
	assert_int_equal(stat(deep, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	/* existing: fine */
	assert_int_equal(nono_mkdir_p(deep, 0700), 0);
	/* through a regular file: -ENOTDIR */
	write_file(file, "x");
	assert_int_equal(nono_mkdir_p(through, 0700), -ENOTDIR);
	free(deep);
	free(file);
	free(through);
}

static void
rm_rf_does_not_follow_symlinks(void **state)
{
	const char *root = *state;
	char *tree = xasprintf("%s/tree", root);
	char *outside = xasprintf("%s/outside", root);
	char *keep = xasprintf("%s/outside/keep.txt", root);
	char *p;
	struct stat st;

	assert_int_equal(nono_mkdir_p(outside, 0700), 0);
	write_file(keep, "precious");
	p = xasprintf("%s/d1/d2", tree);
	assert_int_equal(nono_mkdir_p(p, 0700), 0);
	free(p);
	p = xasprintf("%s/d1/d2/f", tree);
	write_file(p, "x");
	free(p);
	p = xasprintf("%s/top", tree);
	write_file(p, "y");
	free(p);
	/* links to the outside dir and file, at two depths */
	p = xasprintf("%s/link-dir", tree);
	assert_int_equal(symlink(outside, p), 0);
	free(p);
	p = xasprintf("%s/d1/link-file", tree);
	assert_int_equal(symlink(keep, p), 0);
	free(p);

	assert_int_equal(nono_rm_rf(tree), 0);
	assert_int_equal(lstat(tree, &st), -1);
	assert_int_equal(errno, ENOENT);
	/* the targets survive */
	assert_int_equal(stat(keep, &st), 0);
	assert_int_equal(st.st_size, 8);
	assert_int_equal(stat(outside, &st), 0);
	/* a missing path is not an error; a lone file is removed */
	assert_int_equal(nono_rm_rf(tree), 0);
	assert_int_equal(nono_rm_rf(keep), 0);
	assert_int_equal(lstat(keep, &st), -1);
	/* a symlink given directly is removed, not its target */
	p = xasprintf("%s/lnk", root);
	assert_int_equal(symlink(outside, p), 0);
	assert_int_equal(nono_rm_rf(p), 0);
	assert_int_equal(lstat(p, &st), -1);
	assert_int_equal(stat(outside, &st), 0);
	free(p);
	free(tree);
	free(outside);
	free(keep);
}

/* --- vars.c ----------------------------------------------------------- */

static int
vars_setup(void **state)
{
	setenv("HOME", "/home/tester", 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_STATE_HOME");
	unsetenv("XDG_CACHE_HOME");
	unsetenv("XDG_DATA_HOME");
	unsetenv("XDG_RUNTIME_DIR");
	return 0;
}

static void
assert_expands(const struct nono_vars *v, const char *in, const char *want)
{
	struct nono_error err = {0};
	char *out = NULL;

	assert_int_equal(nono_vars_expand(&out, in, v, &err), 0);
	assert_non_null(out);
	assert_string_equal(out, want);
	free(out);
}

static void
assert_expand_fails(const struct nono_vars *v, const char *in, const char *msg_part)
{
	struct nono_error err = {0};
	char *out = (char *)"sentinel";

	assert_int_equal(nono_vars_expand(&out, in, v, &err), -EINVAL);
	assert_null(out);
	assert_int_equal(err.code, -EINVAL);
	assert_non_null(strstr(err.msg, msg_part));
}

static void
vars_expand_known(void **state)
{
	struct nono_vars v;
	char uid[32], want[64];

	nono_vars_from_env(&v, "/work/dir", "/tmp/private");
	assert_expands(&v, "/plain/path", "/plain/path");
	assert_expands(&v, "relative", "relative");
	assert_expands(&v, "~", "/home/tester");
	assert_expands(&v, "~/.ssh", "/home/tester/.ssh");
	/* ~user is not expanded */
	assert_expands(&v, "~user/x", "~user/x");
	/* a ~ not at the start stays */
	assert_expands(&v, "/a/~/b", "/a/~/b");
	assert_expands(&v, "$HOME/x", "/home/tester/x");
	assert_expands(&v, "$HOME", "/home/tester");
	assert_expands(&v, "$WORKDIR/src", "/work/dir/src");
	assert_expands(&v, "$TMPDIR", "/tmp/private");
	assert_expands(&v, "$HOME/a:$HOME/b", "/home/tester/a:/home/tester/b");
	/* XDG defaults hang off HOME */
	assert_expands(&v, "$XDG_CONFIG_HOME/git", "/home/tester/.config/git");
	assert_expands(&v, "$XDG_STATE_HOME/nono", "/home/tester/.local/state/nono");
	assert_expands(&v, "$XDG_CACHE_HOME", "/home/tester/.cache");
	assert_expands(&v, "$XDG_DATA_HOME/x", "/home/tester/.local/share/x");
	snprintf(uid, sizeof(uid), "%u", (unsigned)getuid());
	snprintf(want, sizeof(want), "/run/user/%s", uid);
	assert_expands(&v, "/run/user/$UID", want);
}

static void
vars_expand_env_overrides(void **state)
{
	struct nono_vars v;

	setenv("XDG_CONFIG_HOME", "/cfg", 1);
	setenv("XDG_RUNTIME_DIR", "/run/user/4242", 1);
	/* a relative XDG value is ignored, per the spec */
	setenv("XDG_CACHE_HOME", "relative/cache", 1);
	nono_vars_from_env(&v, NULL, NULL);
	assert_expands(&v, "$XDG_CONFIG_HOME/git", "/cfg/git");
	assert_expands(&v, "$XDG_RUNTIME_DIR/bus", "/run/user/4242/bus");
	assert_expands(&v, "$XDG_CACHE_HOME", "/home/tester/.cache");
	vars_setup(state);
}

static void
vars_expand_errors(void **state)
{
	struct nono_vars v;

	nono_vars_from_env(&v, NULL, NULL);
	/* $HOMEBREW is not $HOME followed by BREW */
	assert_expand_fails(&v, "$HOMEBREW/bin", "unknown variable");
	assert_expand_fails(&v, "$HOME_DIR", "unknown variable");
	assert_expand_fails(&v, "$FOO/x", "unknown variable");
	/* known but unset */
	assert_expand_fails(&v, "$XDG_RUNTIME_DIR/bus", "XDG_RUNTIME_DIR is not set");
	assert_expand_fails(&v, "$WORKDIR", "WORKDIR is not set");
	assert_expand_fails(&v, "$TMPDIR/x", "TMPDIR is not set");
	/* and a NULL err is allowed */
	{
		char *out = NULL;

		assert_int_equal(nono_vars_expand(&out, "$NOPE", &v, NULL), -EINVAL);
		assert_null(out);
	}
}

/* BUG (vars.c nono_vars_expand): substituted values are rescanned. A value
 * that contains '$' (a working directory named "pay$5") makes the result
 * fail as an "unknown variable"; one that contains another variable's name
 * ("/srv/$HOME") is expanded twice; one that contains its own name loops
 * forever (not exercised here). Values must be inserted literally. */
static void
vars_expand_values_are_literal(void **state)
{
	struct nono_vars v;
	struct nono_error err = {0};
	char *out = NULL;
	int r;

	nono_vars_from_env(&v, "/tmp/pay$5", "/srv/$HOME");
	r = nono_vars_expand(&out, "$WORKDIR/x", &v, &err);
	if (r != 0)
		fail_msg("BUG: '$WORKDIR/x' with WORKDIR=/tmp/pay$5 failed: %s", err.msg);
	assert_string_equal(out, "/tmp/pay$5/x");
	free(out);
	out = NULL;
	r = nono_vars_expand(&out, "$TMPDIR", &v, &err);
	assert_int_equal(r, 0);
	if (strcmp(out, "/srv/$HOME") != 0)
		fail_msg("BUG: '$TMPDIR' with TMPDIR=/srv/$HOME expanded to '%s'", out);
	free(out);
}

static void
xdg_dir_kinds(void **state)
{
	char *s;

	s = nono_xdg_dir("config");
	assert_string_equal(s, "/home/tester/.config");
	free(s);
	s = nono_xdg_dir("state");
	assert_string_equal(s, "/home/tester/.local/state");
	free(s);
	s = nono_xdg_dir("cache");
	assert_string_equal(s, "/home/tester/.cache");
	free(s);
	s = nono_xdg_dir("data");
	assert_string_equal(s, "/home/tester/.local/share");
	free(s);
	setenv("XDG_STATE_HOME", "/state", 1);
	s = nono_xdg_dir("state");
	assert_string_equal(s, "/state");
	free(s);
	unsetenv("XDG_STATE_HOME");
}

static void
assert_escaped(const char *in, const char *want)
{
	char *got = nono_str_escape(in);

	assert_string_equal(got, want);
	free(got);
}

/* untrusted text for a terminal: controls, C1, bad UTF-8 and reordering
 * marks escaped; printable UTF-8 and ASCII kept */
static void
str_escape_controls(void **state)
{
	(void)state;
	assert_escaped("plain/path name.txt", "plain/path name.txt");
	assert_escaped("", "");
	assert_escaped(NULL, "");
	assert_escaped("a\033]0;PWNED\007b", "a\\e]0;PWNED\\x07b");
	assert_escaped("\033[2J", "\\e[2J");
	assert_escaped("l1\nl2\tx\r", "l1\\nl2\\tx\\r");
	assert_escaped("\x01\x1f\x7f", "\\x01\\x1f\\x7f");
	assert_escaped("back\\slash", "back\\\\slash");
	/* printable UTF-8 as is: é, €, 𝄞 */
	assert_escaped("caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e");
	/* C1 as lone bytes (CSI 0x9b) and UTF-8 encoded (U+009B) */
	assert_escaped("\x9b"
		       "31m",
		       "\\x9b31m");
	assert_escaped("\xc2\x9b"
		       "31m",
		       "\\xc2\\x9b31m");
	assert_escaped("\xc2\xa0", "\xc2\xa0"); /* U+00A0, the first after C1 */
	/* not UTF-8: stray continuation, overlong, surrogate, too large, truncated */
	assert_escaped("\x80", "\\x80");
	assert_escaped("\xc0\xaf", "\\xc0\\xaf");
	assert_escaped("\xed\xa0\x80", "\\xed\\xa0\\x80");
	assert_escaped("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
	assert_escaped("\xe2\x82", "\\xe2\\x82");
	assert_escaped("\xe2\x82x", "\\xe2\\x82x");
	assert_escaped("\xff\xfe", "\\xff\\xfe");
	/* right-to-left override and line separator */
	assert_escaped("a\xe2\x80\xae"
		       "b",
		       "a\\xe2\\x80\\xaeb");
	assert_escaped("\xe2\x80\xa8", "\\xe2\\x80\\xa8");
}

static void
mem_escape_keeps_what_flags_say(void **state)
{
	char *got;

	(void)state;
	got = nono_mem_escape("a\0b\tc\n", sizeof("a\0b\tc\n") - 1, 0);
	assert_string_equal(got, "a\\x00b\\tc\\n");
	free(got);
	got = nono_mem_escape("a\tb\033[31mc\n", sizeof("a\tb\033[31mc\n") - 1, NONO_ESC_KEEP_TAB | NONO_ESC_KEEP_NL);
	assert_string_equal(got, "a\tb\\e[31mc\n");
	free(got);
	/* a sequence cut by n is not read past n */
	got = nono_mem_escape("\xe2\x82\xac", 2, 0);
	assert_string_equal(got, "\\xe2\\x82");
	free(got);
}

static void
str_escape_in_pool(void **state)
{
	struct nono_strv pool = {0};
	const char *a, *b;

	(void)state;
	a = nono_str_escape_in(&pool, "x\033y");
	b = nono_str_escape_in(&pool, "ok");
	assert_string_equal(a, "x\\ey");
	assert_string_equal(b, "ok");
	assert_int_equal(pool.n, 2);
	nono_strv_free(&pool);
}

static void
assert_json(const char *in, const char *want)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	nono_json_string(f, in);
	fclose(f);
	assert_string_equal(buf, want);
	free(buf);
}

/* valid JSON for any bytes (jansson refuses a line for one bad byte, which
 * would hide an audit event), and nothing a terminal acts on */
static void
json_string_any_bytes(void **state)
{
	(void)state;
	assert_json("plain", "\"plain\"");
	assert_json(NULL, "\"\"");
	assert_json("q\"b\\", "\"q\\\"b\\\\\"");
	assert_json("\033[2J\n", "\"\\u001b[2J\\u000a\"");
	assert_json("\x7f", "\"\\u007f\"");
	assert_json("\xc2\x9b", "\"\\u009b\"");
	assert_json("a\xe2\x80\xae"
		    "b",
		    "\"a\\u202eb\"");
	assert_json("caf\xc3\xa9", "\"caf\xc3\xa9\"");
	assert_json("bad\xffname\x9b", "\"bad\\ufffdname\\ufffd\"");
}

static void
parse_size_units(void **state)
{
	unsigned long long v = 0;

	(void)state;
	assert_int_equal(nono_parse_size("512M", &v), 0);
	assert_true(v == 512ULL << 20);
	assert_int_equal(nono_parse_size("512MiB", &v), 0);
	assert_true(v == 512ULL << 20);
	assert_int_equal(nono_parse_size("512MB", &v), 0);
	assert_true(v == 512000000ULL);
	assert_int_equal(nono_parse_size("2G", &v), 0);
	assert_true(v == 2ULL << 30);
	assert_int_equal(nono_parse_size("4096", &v), 0);
	assert_true(v == 4096);
	assert_int_equal(nono_parse_size("1k", &v), 0);
	assert_true(v == 1024);
	assert_int_equal(nono_parse_size("", &v), -EINVAL);
	assert_int_equal(nono_parse_size("lots", &v), -EINVAL);
	assert_int_equal(nono_parse_size("12X", &v), -EINVAL);
	assert_int_equal(nono_parse_size("12MX", &v), -EINVAL);
	assert_int_equal(nono_parse_size("0", &v), -EINVAL);
	assert_int_equal(nono_parse_size("-1M", &v), -EINVAL);
	assert_int_equal(nono_parse_size("99999999999T", &v), -EINVAL);
}

/* nono_read_file: all of a file, or at most max bytes; NUL-terminated */
static void
read_file_whole_or_bounded(void **state)
{
	char path[] = "/tmp/nono-readfile-XXXXXX", *buf;
	int fd = mkstemp(path);
	size_t len = 0, big = 3 * 8192 + 5;
	char *data = xmalloc(big);

	(void)state;
	assert_true(fd >= 0);
	for (size_t i = 0; i < big; i++)
		data[i] = (char)('a' + i % 26);
	assert_int_equal(write(fd, data, big), (ssize_t)big);
	close(fd);
	buf = nono_read_file(path, 0, &len);
	assert_non_null(buf);
	assert_int_equal(len, big);
	assert_memory_equal(buf, data, big);
	assert_int_equal(buf[len], '\0');
	free(buf);
	buf = nono_read_file(path, 100, &len);
	assert_int_equal(len, 100);
	assert_memory_equal(buf, data, 100);
	assert_int_equal(buf[100], '\0');
	free(buf);
	unlink(path);
	errno = 0;
	assert_null(nono_read_file(path, 0, &len));
	assert_int_equal(errno, ENOENT);
	assert_string_equal(nono_path_basename("/a/b/c.txt"), "c.txt");
	assert_string_equal(nono_path_basename("c.txt"), "c.txt");
	free(data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(normalize_collapses),
	    cmocka_unit_test(under_is_componentwise),
	    cmocka_unit_test(join_and_dirname),
	    cmocka_unit_test_setup_teardown(absolute_relative_and_tilde, tmp_setup, tmp_teardown),
	    cmocka_unit_test_setup_teardown(canonical_missing_leaf_under_symlink, tmp_setup, tmp_teardown),
	    cmocka_unit_test(display_with_home),
	    cmocka_unit_test(parse_bool_words),
	    cmocka_unit_test(strv_push_contains_free),
	    cmocka_unit_test(strdist_edit_distance),
	    cmocka_unit_test_setup_teardown(mkdir_p_creates_parents, tmp_setup, tmp_teardown),
	    cmocka_unit_test_setup_teardown(rm_rf_does_not_follow_symlinks, tmp_setup, tmp_teardown),
	    cmocka_unit_test_setup(vars_expand_known, vars_setup),
	    cmocka_unit_test_setup(vars_expand_env_overrides, vars_setup),
	    cmocka_unit_test_setup(vars_expand_errors, vars_setup),
	    cmocka_unit_test_setup(vars_expand_values_are_literal, vars_setup),
	    cmocka_unit_test_setup(xdg_dir_kinds, vars_setup),
	    cmocka_unit_test(str_escape_controls),
	    cmocka_unit_test(mem_escape_keeps_what_flags_say),
	    cmocka_unit_test(str_escape_in_pool),
	    cmocka_unit_test(json_string_any_bytes),
	    cmocka_unit_test(parse_size_units),
	    cmocka_unit_test(read_file_whole_or_bounded),
	};

	umask(022);
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
