/* test_journal.c - the rollback journal and restore, driven directly on a
 * scratch tree (no sandbox): what is recorded, how the store is laid out,
 * what a restore puts back, and that a crash leaves the store usable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "store/journal.h"
#include "store/rollback.h"

struct fx {
	char root[64];
	char *tree, *store;
	struct nono_journal j;
	struct nono_strv roots, exclude;
};

static char *
P(struct fx *f, const char *rel)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", f->tree, rel);
	return buf[i];
}

static void
put(const char *path, const char *content, unsigned mode)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(content, fp);
	fclose(fp);
	chmod(path, mode);
}

static char *
get(const char *path)
{
	static char buf[128 * 1024];
	FILE *fp = fopen(path, "r");
	size_t n;

	if (!fp)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	snprintf(f->root, sizeof(f->root), "/tmp/nono-journal-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	f->tree = xasprintf("%s/tree", f->root);
	f->store = xasprintf("%s/store", f->root);
	mkdir(f->tree, 0755);
	nono_strv_push(&f->roots, f->tree);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	nono_journal_free(&f->j);
	nono_rm_rf(f->root);
	nono_strv_free(&f->roots);
	nono_strv_free(&f->exclude);
	free(f->tree);
	free(f->store);
	free(f);
	return 0;
}

static void
begin(struct fx *f)
{
	char *argv[] = {"sh", "-c", "true", NULL};
	struct nono_journal_opts o = {
	    .store = f->store, .argv = argv, .cwd = f->tree, .roots = &f->roots, .exclude = &f->exclude};
	struct nono_error err = {0};

	assert_int_equal(nono_journal_begin(&f->j, &o, &err), 0);
}

static void
restore(struct fx *f, const char *only, struct nono_rb_report *rep)
{
	struct nono_rb_session s;
	struct nono_error err = {0};

	assert_int_equal(nono_rb_load(f->store, f->j.id, &s, &err), 0);
	assert_false(s.running);
	/* the old semantics: every path, no restore point (the safe restore
	 * is tested whole in tests/rollback.bats) */
	struct nono_rb_restore_opts ro = {.only = only, .force = true, .include_vcs = true, .no_point = true};
	char *point = NULL;

	memset(rep, 0, sizeof(*rep));
	assert_int_equal(nono_rb_restore(f->store, &s, &ro, rep, &point, &err), 0);
	assert_null(point);
	nono_rb_session_free(&s);
}

static size_t
count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	while (d && (e = readdir(d))) {
		char *p;
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		p = nono_path_join(dir, e->d_name);
		if (lstat(p, &st) == 0)
			n += S_ISDIR(st.st_mode) ? count_files(p) : 1;
		free(p);
	}
	if (d)
		closedir(d);
	return n;
}

/* ------------------------------------------------------------------------ */

static void
patterns(void **state)
{
	struct nono_strv pat = {0};

	nono_strv_push(&pat, "node_modules");
	nono_strv_push(&pat, "*.log");
	nono_strv_push(&pat, "build/out");
	assert_true(nono_journal_excluded(&pat, "/w/node_modules"));
	assert_true(nono_journal_excluded(&pat, "/w/node_modules/x/y.js"));
	assert_false(nono_journal_excluded(&pat, "/w/node_modules2/y.js"));
	assert_false(nono_journal_excluded(&pat, "/w/my_node_modules"));
	assert_true(nono_journal_excluded(&pat, "/w/a/debug.log"));
	assert_false(nono_journal_excluded(&pat, "/w/a/debug.log.txt"));
	assert_true(nono_journal_excluded(&pat, "/w/build/out/a.o"));
	assert_false(nono_journal_excluded(&pat, "/w/build/src/a.c"));
	assert_false(nono_journal_excluded(NULL, "/w/x"));
	nono_strv_free(&pat);
}

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static void
entry_json_round_trip(void **state)
{
	struct nono_entry e = {.path = "/w/a \"q\".txt",
			       .op = "unlink",
			       .type = NONO_ENTRY_FILE,
			       .mode = 0100640,
			       .size = 5,
			       .saved = true,
			       .pack = 42};
	struct nono_entry back, l = {.path = "/w/l",
				     .op = "rename",
				     .type = NONO_ENTRY_SYMLINK,
				     .mode = 0120777,
				     .target = "../x",
				     .pack = -1};
	struct nono_error err = {0};
	char *s;

	memset(e.sha256, 'a', 64);
	s = nono_entry_to_json(&e);
	assert_int_equal(nono_entry_from_json(&back, s, &err), 0);
	assert_string_equal(back.path, e.path);
	assert_string_equal(back.op, "unlink");
	assert_int_equal(back.type, NONO_ENTRY_FILE);
	assert_int_equal(back.mode, 0100640);
	assert_int_equal(back.size, 5);
	assert_true(back.saved);
	assert_int_equal(back.pack, 42);
	assert_string_equal(back.sha256, e.sha256);
	nono_entry_free(&back);
	free(s);
	s = nono_entry_to_json(&l);
	assert_int_equal(nono_entry_from_json(&back, s, &err), 0);
	assert_string_equal(back.target, "../x");
	assert_int_equal(back.type, NONO_ENTRY_SYMLINK);
	nono_entry_free(&back);
	free(s);
	/* a file's inode and names round-trip, bit for bit */
	e.dev = 0xfe01;
	e.ino = 0x8000000000000123ULL;
	e.nlink = 3;
	s = nono_entry_to_json(&e);
	assert_non_null(strstr(s, "\"nlink\":3"));
	assert_int_equal(nono_entry_from_json(&back, s, &err), 0);
	assert_true(back.dev == 0xfe01);
	assert_true(back.ino == 0x8000000000000123ULL);
	assert_int_equal(back.nlink, 3);
	nono_entry_free(&back);
	free(s);
	/* a manifest line from before these fields: not known (0), restored
	 * as before */
	assert_int_equal(nono_entry_from_json(&back,
					      "{\"path\":\"/w/old\",\"op\":\"open\",\"type\":\"file\",\"mode\":33188,"
					      "\"size\":1,\"saved\":true,\"sha256\":\"" SHA_A "\",\"pack\":0}",
					      &err),
			 0);
	assert_true(back.saved);
	assert_int_equal(back.nlink, 0);
	assert_true(back.dev == 0 && back.ino == 0);
	nono_entry_free(&back);
	/* only files carry them */
	l.nlink = 2;
	s = nono_entry_to_json(&l);
	assert_null(strstr(s, "nlink"));
	free(s);
	/* a relative path or an unknown type is refused */
	assert_int_not_equal(nono_entry_from_json(&back, "{\"path\":\"x\",\"type\":\"file\"}", &err), 0);
	assert_int_not_equal(nono_entry_from_json(&back, "{\"path\":\"/x\",\"type\":\"fifo?\"}", &err), 0);
}

static void
record_restore_file_dir_link(void **state)
{
	struct fx *f = *state;
	struct nono_rb_report rep;
	struct stat st;
	char big[100 * 1024];

	mkdir(P(f, "d"), 0750);
	put(P(f, "d/a.txt"), "alpha\n", 0640);
	put(P(f, "b.txt"), "bravo\n", 0600);
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	put(P(f, "big.bin"), big, 0644);
	assert_int_equal(symlink("b.txt", P(f, "link")), 0);
	begin(f);
	/* what a session would do, each recorded first */
	assert_int_equal(nono_journal_record(&f->j, P(f, "d/a.txt"), "unlink", false, false), 0);
	unlink(P(f, "d/a.txt"));
	assert_int_equal(nono_journal_record(&f->j, P(f, "d"), "rmdir", false, false), 0);
	rmdir(P(f, "d"));
	assert_int_equal(nono_journal_record(&f->j, P(f, "b.txt"), "open", false, true), 0);
	put(P(f, "b.txt"), "changed\n", 0600);
	assert_int_equal(nono_journal_record(&f->j, P(f, "b.txt"), "chmod", false, true), 0);
	chmod(P(f, "b.txt"), 0755);
	assert_int_equal(nono_journal_record(&f->j, P(f, "big.bin"), "open", false, true), 0);
	put(P(f, "big.bin"), "small now", 0644);
	assert_int_equal(nono_journal_record(&f->j, P(f, "link"), "unlink", false, false), 0);
	unlink(P(f, "link"));
	assert_int_equal(nono_journal_record(&f->j, P(f, "new"), "mkdir", false, false), 0);
	mkdir(P(f, "new"), 0755);
	assert_int_equal(nono_journal_record(&f->j, P(f, "new/n.txt"), "open", false, true), 0);
	put(P(f, "new/n.txt"), "created\n", 0644);
	/* b.txt was recorded once: its first state */
	assert_int_equal(f->j.n_entries, 7);
	assert_int_equal(nono_journal_end(&f->j, 0), 7);

	restore(f, NULL, &rep);
	assert_int_equal(rep.n[NONO_RB_FAILED], 0);
	assert_string_equal(get(P(f, "d/a.txt")), "alpha\n");
	assert_int_equal(stat(P(f, "d/a.txt"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(stat(P(f, "d"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0750);
	assert_string_equal(get(P(f, "b.txt")), "bravo\n");
	assert_int_equal(stat(P(f, "b.txt"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_string_equal(get(P(f, "big.bin")), big);
	assert_int_equal(lstat(P(f, "link"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(lstat(P(f, "new"), &st), -1);

	/* again: nothing left to do */
	restore(f, NULL, &rep);
	assert_int_equal(rep.n[NONO_RB_WRITE] + rep.n[NONO_RB_REMOVE] + rep.n[NONO_RB_MKDIR], 0);
}

static void
store_layout(void **state)
{
	struct fx *f = *state;
	char big[70 * 1024], *obj, *objects;
	struct stat st;

	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	put(P(f, "small"), "tiny\n", 0644);
	put(P(f, "big"), big, 0644);
	put(P(f, "big2"), big, 0644);
	begin(f);
	assert_int_equal(nono_journal_record(&f->j, P(f, "small"), "unlink", false, false), 0);
	assert_int_equal(nono_journal_record(&f->j, P(f, "big"), "unlink", false, false), 0);
	assert_int_equal(nono_journal_record(&f->j, P(f, "big2"), "unlink", false, false), 0);
	/* the large content is one object, shared; the small one is packed */
	objects = xasprintf("%s/objects", f->store);
	assert_int_equal(count_files(objects), 1);
	{
		char hex[65];
		int fd = open(P(f, "big"), O_RDONLY);

		assert_int_equal(nono_sha256_fd(fd, hex), 0);
		close(fd);
		obj = nono_store_object_path(f->store, hex);
		assert_int_equal(stat(obj, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
		free(obj);
	}
	free(objects);
	obj = xasprintf("%s/pack", f->j.dir);
	assert_int_equal(stat(obj, &st), 0);
	assert_int_equal(st.st_size, 5);
	free(obj);
	assert_int_equal(stat(f->j.dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
}

static void
outside_roots_and_excluded_skipped(void **state)
{
	struct fx *f = *state;
	char *outside = xasprintf("%s/outside", f->root);

	put(outside, "o\n", 0644);
	mkdir(P(f, "node_modules"), 0755);
	put(P(f, "node_modules/m.js"), "m\n", 0644);
	nono_strv_push(&f->exclude, "node_modules");
	begin(f);
	assert_int_equal(nono_journal_record(&f->j, outside, "unlink", false, false), 0);
	assert_int_equal(nono_journal_record(&f->j, P(f, "node_modules/m.js"), "unlink", false, false), 0);
	assert_int_equal(nono_journal_record(&f->j, "/dev/null", "open", false, true), 0);
	assert_int_equal(f->j.n_entries, 0);
	free(outside);
}

/* An excluded tree destroyed file by file is listed once, at its top. */
static void
left_out_is_listed_once_at_its_top(void **state)
{
	struct fx *f = *state;
	struct nono_rb_left *l = NULL;
	size_t n = 0;
	struct nono_error err = {0};

	mkdir(P(f, "node_modules"), 0755);
	mkdir(P(f, "node_modules/a"), 0755);
	put(P(f, "node_modules/a/b.js"), "b\n", 0644);
	put(P(f, "node_modules/c.js"), "c\n", 0644);
	put(P(f, "kept.txt"), "k\n", 0644);
	nono_strv_push(&f->exclude, "node_modules");
	begin(f);
	assert_int_equal(nono_journal_record(&f->j, P(f, "node_modules/a/b.js"), "unlink", false, false), 0);
	assert_int_equal(nono_journal_record(&f->j, P(f, "node_modules/c.js"), "unlink", false, false), 0);
	assert_int_equal(nono_journal_record(&f->j, P(f, "node_modules"), "rmdir", false, false), 0);
	assert_int_equal(nono_journal_record(&f->j, P(f, "kept.txt"), "unlink", false, false), 0);
	assert_int_equal(f->j.n_left, 1);
	assert_int_equal(f->j.n_entries, 1);
	nono_journal_end(&f->j, 0);
	assert_int_equal(nono_rb_left_read(f->j.dir, &l, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(l[0].path, P(f, "node_modules"));
	assert_string_equal(l[0].reason, "exclude pattern");
	assert_string_equal(l[0].op, "unlink");
	nono_rb_left_free(l, n);
}

/* A file over the size limit cannot be saved: its destruction is refused
 * (-EFBIG, which the supervisor answers as ENOSPC) and nothing is recorded. */
static void
over_the_size_limit_is_refused(void **state)
{
	struct fx *f = *state;
	char *argv[] = {"true", NULL};
	struct nono_journal_opts o = {
	    .store = f->store, .argv = argv, .cwd = f->tree, .roots = &f->roots, .max_file = 8};
	struct nono_error err = {0};

	put(P(f, "big.txt"), "more than eight bytes\n", 0644);
	put(P(f, "small.txt"), "tiny\n", 0644);
	assert_int_equal(nono_journal_begin(&f->j, &o, &err), 0);
	assert_int_equal(nono_journal_record(&f->j, P(f, "big.txt"), "unlink", false, false), -EFBIG);
	assert_int_equal(nono_journal_record(&f->j, P(f, "small.txt"), "unlink", false, false), 0);
	assert_int_equal(f->j.n_failed, 1);
	assert_int_equal(f->j.n_failed_large, 1);
	assert_int_equal(f->j.n_entries, 1);
	nono_journal_end(&f->j, 0);
}

/* A session that changes nothing makes no directory in the store. */
static void
nothing_changed_makes_no_session(void **state)
{
	struct fx *f = *state;
	struct stat st;

	begin(f);
	assert_int_equal(nono_journal_end(&f->j, 0), 0);
	assert_null(f->j.dir);
	assert_int_equal(stat(f->store, &st), -1);
}

/* .gitignore'd and untracked: left out; tracked though a pattern matches:
 * recorded; once .gitignore changes, nothing more is left out. */
static void
gitignore_leaves_out_until_it_changes(void **state)
{
	struct fx *f = *state;
	char *cmd;
	struct nono_rb_left *l = NULL;
	size_t n = 0;
	struct nono_error err = {0};
	struct nono_gitignore *g;

	cmd = xasprintf("cd %s && git init -q . && printf 'build/\\n*.o\\n' > .gitignore && mkdir build && "
			"echo 1 > build/a.o && echo 2 > build/b.o && echo 3 > t.o && echo 4 > u.o && "
			"git add -f t.o .gitignore 2>/dev/null",
			f->tree);
	if (system(cmd) != 0) {
		free(cmd);
		skip(); /* no git */
	}
	free(cmd);
	begin(f);
	if (!(g = nono_gitignore_new())) {
		nono_journal_end(&f->j, 0);
		skip(); /* no libgit2 to load */
	}
	nono_gitignore_free(g);
	assert_int_equal(nono_journal_record(&f->j, P(f, "build/a.o"), "unlink", false, false), 0);
	assert_int_equal(nono_journal_record(&f->j, P(f, "u.o"), "unlink", false, false), 0);
	assert_int_equal(f->j.n_left, 2);
	assert_int_equal(f->j.n_entries, 0);
	/* tracked: journaled */
	assert_int_equal(nono_journal_record(&f->j, P(f, "t.o"), "unlink", false, false), 0);
	assert_int_equal(f->j.n_entries, 1);
	/* the session rewrites .gitignore: from now on all is journaled */
	assert_int_equal(nono_journal_record(&f->j, P(f, ".gitignore"), "open", false, false), 0);
	assert_int_equal(nono_journal_record(&f->j, P(f, "build/b.o"), "unlink", false, false), 0);
	assert_int_equal(f->j.n_entries, 3);
	assert_int_equal(f->j.n_left, 2);
	nono_journal_end(&f->j, 0);
	assert_int_equal(nono_rb_left_read(f->j.dir, &l, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(l[0].path, P(f, "build"));
	assert_string_equal(l[0].reason, "gitignore");
	assert_string_equal(l[1].path, P(f, "u.o"));
	nono_rb_left_free(l, n);
}

static void
symlink_into_root_is_recorded_at_its_target(void **state)
{
	struct fx *f = *state;
	char *via = xasprintf("%s/via", f->root);

	/* a path outside the root that resolves inside it */
	assert_int_equal(symlink(f->tree, via), 0);
	put(P(f, "t.txt"), "target\n", 0644);
	begin(f);
	{
		char *p = xasprintf("%s/t.txt", via);

		assert_int_equal(nono_journal_record(&f->j, p, "open", false, true), 0);
		free(p);
	}
	assert_int_equal(f->j.n_entries, 1);
	put(P(f, "t.txt"), "overwritten\n", 0644);
	nono_journal_end(&f->j, 0);
	{
		struct nono_rb_report rep;

		restore(f, NULL, &rep);
	}
	assert_string_equal(get(P(f, "t.txt")), "target\n");
	free(via);
}

static void
renamed_directory_keeps_its_content(void **state)
{
	struct fx *f = *state;
	struct nono_rb_report rep;

	mkdir(P(f, "src"), 0755);
	mkdir(P(f, "src/sub"), 0700);
	put(P(f, "src/sub/f"), "deep\n", 0644);
	begin(f);
	assert_int_equal(nono_journal_record(&f->j, P(f, "src"), "rename", true, false), 0);
	assert_int_equal(nono_journal_record(&f->j, P(f, "dst"), "rename", true, false), 0);
	assert_int_equal(rename(P(f, "src"), P(f, "dst")), 0);
	put(P(f, "dst/sub/f"), "changed in its new place\n", 0644);
	nono_journal_end(&f->j, 0);
	restore(f, NULL, &rep);
	assert_string_equal(get(P(f, "src/sub/f")), "deep\n");
	assert_null(get(P(f, "dst/sub/f")));
}

static void
restore_only_a_path(void **state)
{
	struct fx *f = *state;
	struct nono_rb_report rep;

	put(P(f, "x"), "x\n", 0644);
	put(P(f, "y"), "y\n", 0644);
	begin(f);
	nono_journal_record(&f->j, P(f, "x"), "unlink", false, false);
	nono_journal_record(&f->j, P(f, "y"), "unlink", false, false);
	unlink(P(f, "x"));
	unlink(P(f, "y"));
	nono_journal_end(&f->j, 0);
	restore(f, P(f, "y"), &rep);
	assert_null(get(P(f, "x")));
	assert_string_equal(get(P(f, "y")), "y\n");
}

static void
crash_leaves_a_usable_store(void **state)
{
	struct fx *f = *state;
	struct nono_rb_report rep;
	char *man;
	FILE *fp;

	put(P(f, "kept"), "kept\n", 0644);
	begin(f);
	nono_journal_record(&f->j, P(f, "kept"), "unlink", false, false);
	unlink(P(f, "kept"));
	/* the supervisor dies mid-line: a torn manifest line, no end */
	man = xasprintf("%s/manifest.ndjson", f->j.dir);
	fp = fopen(man, "a");
	fputs("{\"path\":\"/torn", fp);
	fclose(fp);
	free(man);
	close(f->j.lock_fd);
	f->j.lock_fd = -1;
	restore(f, NULL, &rep);
	assert_int_equal(rep.n[NONO_RB_FAILED], 0);
	assert_string_equal(get(P(f, "kept")), "kept\n");
}

static void
corrupt_content_is_never_restored(void **state)
{
	struct fx *f = *state;
	struct nono_rb_report rep;
	struct nono_rb_session s;
	struct nono_error err = {0};
	char *pack;
	int fd;

	put(P(f, "c"), "original\n", 0644);
	begin(f);
	nono_journal_record(&f->j, P(f, "c"), "open", false, true);
	put(P(f, "c"), "agent's\n", 0644);
	nono_journal_end(&f->j, 0);
	pack = xasprintf("%s/pack", f->j.dir);
	fd = open(pack, O_WRONLY);
	assert_int_equal(pwrite(fd, "X", 1, 0), 1);
	close(fd);
	free(pack);
	assert_int_equal(nono_rb_load(f->store, f->j.id, &s, &err), 0);
	memset(&rep, 0, sizeof(rep));
	assert_int_equal(nono_rb_verify(f->store, &s, &rep, &err), 1);
	nono_rb_session_free(&s);
	restore(f, NULL, &rep);
	assert_int_equal(rep.n[NONO_RB_FAILED], 1);
	assert_string_equal(get(P(f, "c")), "agent's\n");
}

static void
running_session_is_not_restored(void **state)
{
	struct fx *f = *state;
	struct nono_rb_session s;
	struct nono_rb_report rep = {{0}, NULL, NULL, NULL};
	struct nono_error err = {0};

	put(P(f, "r"), "r\n", 0644);
	begin(f);
	nono_journal_record(&f->j, P(f, "r"), "unlink", false, false);
	/* the lock is held by this process: a second open sees it held */
	assert_int_equal(nono_rb_load(f->store, f->j.id, &s, &err), 0);
	assert_true(s.running);
	{
		struct nono_rb_restore_opts ro = {0};
		char *point = NULL;

		assert_int_equal(nono_rb_restore(f->store, &s, &ro, &rep, &point, &err), -EBUSY);
	}
	nono_rb_session_free(&s);
}

static void
cleanup_keeps_newest_and_collects_objects(void **state)
{
	struct fx *f = *state;
	char big[70 * 1024], *objects;
	struct nono_error err = {0};
	struct nono_rb_session *ss;
	size_t n;

	memset(big, 'k', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	put(P(f, "big"), big, 0644);
	begin(f);
	nono_journal_record(&f->j, P(f, "big"), "unlink", false, false);
	nono_journal_end(&f->j, 0);
	nono_journal_free(&f->j);
	objects = xasprintf("%s/objects", f->store);
	assert_int_equal(count_files(objects), 1);
	assert_int_equal(nono_rb_cleanup(f->store, -1, 0, false, NULL, NULL, &err), 0);
	assert_int_equal(nono_rb_cleanup(f->store, 1, 0, false, NULL, NULL, &err), 0);
	assert_int_equal(count_files(objects), 1);
	assert_int_equal(nono_rb_list(f->store, &ss, &n, &err), 0);
	assert_int_equal(n, 1);
	nono_rb_session_free(&ss[0]);
	free(ss);
	/* keep none: the session and the object only it named go */
	assert_int_equal(nono_rb_cleanup(f->store, 0, 0, false, NULL, NULL, &err), 1);
	assert_int_equal(count_files(objects), 0);
	assert_int_equal(nono_rb_list(f->store, &ss, &n, &err), 0);
	assert_int_equal(n, 0);
	free(ss);
	free(objects);
}

/* ---- hard links --------------------------------------------------------- */

static ino_t
ino_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 ? st.st_ino : 0;
}

static void
hard_link_is_recorded_with_its_inode(void **state)
{
	struct fx *f = *state;
	struct nono_entry *es;
	struct nono_error err = {0};
	struct stat st;
	size_t n;

	put(P(f, "a"), "one\n", 0644);
	assert_int_equal(link(P(f, "a"), P(f, "b")), 0);
	put(P(f, "single"), "s\n", 0644);
	begin(f);
	nono_journal_record(&f->j, P(f, "a"), "open", false, true);
	put(P(f, "a"), "two, longer\n", 0644); /* in place: b sees it */
	nono_journal_record(&f->j, P(f, "b"), "open", false, true);
	nono_journal_record(&f->j, P(f, "single"), "unlink", false, false);
	nono_journal_end(&f->j, 0);
	assert_int_equal(stat(P(f, "a"), &st), 0);
	assert_int_equal(nono_manifest_read(f->j.dir, &es, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_true(es[0].dev == st.st_dev && es[0].ino == st.st_ino);
	assert_int_equal(es[0].nlink, 2);
	assert_int_equal(es[2].nlink, 1);
	/* b was recorded after a's write: it takes a's first state, the
	 * state of every name before the session */
	assert_true(es[1].ino == es[0].ino);
	assert_string_equal(es[1].sha256, es[0].sha256);
	assert_int_equal(es[1].size, 4);
	assert_int_equal(es[1].pack, es[0].pack);
	for (size_t i = 0; i < n; i++)
		nono_entry_free(&es[i]);
	free(es);
}

static void
hard_link_restored_in_place(void **state)
{
	struct fx *f = *state;
	struct nono_rb_report rep;
	char *out = xasprintf("%s/outside", f->root);
	ino_t ino;

	/* b beside a, c outside the journaled root */
	put(P(f, "a"), "original\n", 0640);
	assert_int_equal(link(P(f, "a"), P(f, "b")), 0);
	assert_int_equal(link(P(f, "a"), out), 0);
	ino = ino_of(P(f, "a"));
	begin(f);
	nono_journal_record(&f->j, P(f, "a"), "open", false, true);
	put(P(f, "a"), "clobbered\n", 0600);
	nono_journal_record(&f->j, P(f, "b"), "open", false, true);
	put(P(f, "b"), "again\n", 0600);
	nono_journal_end(&f->j, 0);
	assert_string_equal(get(out), "again\n");
	restore(f, NULL, &rep);
	assert_int_equal(rep.n[NONO_RB_FAILED], 0);
	assert_int_equal(rep.n[NONO_RB_WRITE], 2);
	/* every name has the bytes and the mode back, and is the same file */
	assert_string_equal(get(P(f, "a")), "original\n");
	assert_string_equal(get(P(f, "b")), "original\n");
	assert_string_equal(get(out), "original\n");
	assert_true(ino_of(P(f, "a")) == ino && ino_of(P(f, "b")) == ino && ino_of(out) == ino);
	{
		struct stat st;

		assert_int_equal(stat(out, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0640);
		assert_int_equal(st.st_nlink, 3);
	}
	restore(f, NULL, &rep);
	assert_int_equal(rep.n[NONO_RB_WRITE] + rep.n[NONO_RB_LINK] + rep.n[NONO_RB_CHMOD], 0);
	free(out);
}

static void
hard_link_replaced_is_linked_back(void **state)
{
	struct fx *f = *state;
	struct nono_rb_report rep;
	char *out = xasprintf("%s/outside", f->root);
	ino_t ino;

	put(P(f, "a"), "original\n", 0644);
	assert_int_equal(link(P(f, "a"), P(f, "b")), 0);
	assert_int_equal(link(P(f, "a"), out), 0);
	ino = ino_of(P(f, "a"));
	begin(f);
	/* written through a, then a renamed over: b (never recorded) and the
	 * outside name hold the written inode */
	nono_journal_record(&f->j, P(f, "a"), "open", false, true);
	put(P(f, "a"), "through a\n", 0644);
	nono_journal_record(&f->j, P(f, "x"), "open", false, true);
	put(P(f, "x"), "replacement\n", 0644);
	nono_journal_record(&f->j, P(f, "a"), "rename", true, false);
	assert_int_equal(rename(P(f, "x"), P(f, "a")), 0);
	nono_journal_end(&f->j, 0);
	assert_true(ino_of(P(f, "a")) != ino);
	restore(f, NULL, &rep);
	assert_int_equal(rep.n[NONO_RB_FAILED], 0);
	assert_int_equal(rep.n[NONO_RB_LINK], 1);
	assert_string_equal(get(P(f, "a")), "original\n");
	assert_string_equal(get(P(f, "b")), "original\n");
	assert_string_equal(get(out), "original\n");
	assert_true(ino_of(P(f, "a")) == ino && ino_of(P(f, "b")) == ino);
	assert_null(get(P(f, "x")));
	free(out);
}

static void
hard_link_names_all_gone_come_back_as_one_file(void **state)
{
	struct fx *f = *state;
	struct nono_rb_report rep;

	put(P(f, "a"), "original\n", 0644);
	assert_int_equal(link(P(f, "a"), P(f, "b")), 0);
	begin(f);
	nono_journal_record(&f->j, P(f, "a"), "unlink", false, false);
	unlink(P(f, "a"));
	nono_journal_record(&f->j, P(f, "b"), "unlink", false, false);
	unlink(P(f, "b"));
	nono_journal_end(&f->j, 0);
	restore(f, NULL, &rep);
	assert_int_equal(rep.n[NONO_RB_FAILED], 0);
	assert_int_equal(rep.n[NONO_RB_WRITE], 1);
	assert_int_equal(rep.n[NONO_RB_LINK], 1);
	assert_string_equal(get(P(f, "a")), "original\n");
	assert_string_equal(get(P(f, "b")), "original\n");
	assert_true(ino_of(P(f, "a")) == ino_of(P(f, "b")));
	restore(f, NULL, &rep);
	assert_int_equal(rep.n[NONO_RB_WRITE] + rep.n[NONO_RB_LINK], 0);
}

static void
hard_link_never_written_through_a_symlink(void **state)
{
	struct fx *f = *state;
	struct nono_rb_report rep;
	char *victim = xasprintf("%s/victim", f->root);

	put(victim, "victim\n", 0644);
	put(P(f, "a"), "original\n", 0644);
	assert_int_equal(link(P(f, "a"), P(f, "b")), 0);
	begin(f);
	nono_journal_record(&f->j, P(f, "a"), "open", false, true);
	put(P(f, "a"), "clobbered\n", 0644);
	/* both names now links to a file outside */
	nono_journal_record(&f->j, P(f, "b"), "unlink", false, false);
	unlink(P(f, "a"));
	unlink(P(f, "b"));
	assert_int_equal(symlink(victim, P(f, "a")), 0);
	assert_int_equal(symlink(victim, P(f, "b")), 0);
	nono_journal_end(&f->j, 0);
	restore(f, NULL, &rep);
	assert_int_equal(rep.n[NONO_RB_FAILED], 0);
	assert_string_equal(get(victim), "victim\n");
	assert_string_equal(get(P(f, "a")), "original\n");
	assert_true(ino_of(P(f, "a")) == ino_of(P(f, "b")));
	free(victim);
}

static void
old_manifest_without_inodes_restores_as_before(void **state)
{
	struct fx *f = *state;
	struct nono_rb_report rep;
	char *out = xasprintf("%s/outside", f->root), *man, line[4096], *cut;
	FILE *fp;

	put(P(f, "a"), "original\n", 0644);
	assert_int_equal(link(P(f, "a"), out), 0);
	begin(f);
	nono_journal_record(&f->j, P(f, "a"), "open", false, true);
	put(P(f, "a"), "clobbered\n", 0644);
	nono_journal_end(&f->j, 0);
	/* the line as an older nono wrote it: no dev, ino, nlink (the last
	 * fields of the object) */
	man = xasprintf("%s/manifest.ndjson", f->j.dir);
	fp = fopen(man, "r");
	assert_non_null(fgets(line, sizeof(line), fp));
	fclose(fp);
	cut = strstr(line, ",\"dev\":");
	assert_non_null(cut);
	strcpy(cut, "}\n");
	fp = fopen(man, "w");
	fputs(line, fp);
	fclose(fp);
	free(man);
	restore(f, NULL, &rep);
	assert_int_equal(rep.n[NONO_RB_WRITE], 1);
	assert_string_equal(get(P(f, "a")), "original\n");
	/* a new file under the recorded name, as before */
	assert_string_equal(get(out), "clobbered\n");
	assert_true(ino_of(P(f, "a")) != ino_of(out));
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(patterns),
	    cmocka_unit_test(entry_json_round_trip),
	    cmocka_unit_test_setup_teardown(record_restore_file_dir_link, setup, teardown),
	    cmocka_unit_test_setup_teardown(store_layout, setup, teardown),
	    cmocka_unit_test_setup_teardown(outside_roots_and_excluded_skipped, setup, teardown),
	    cmocka_unit_test_setup_teardown(left_out_is_listed_once_at_its_top, setup, teardown),
	    cmocka_unit_test_setup_teardown(over_the_size_limit_is_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(nothing_changed_makes_no_session, setup, teardown),
	    cmocka_unit_test_setup_teardown(gitignore_leaves_out_until_it_changes, setup, teardown),
	    cmocka_unit_test_setup_teardown(symlink_into_root_is_recorded_at_its_target, setup, teardown),
	    cmocka_unit_test_setup_teardown(renamed_directory_keeps_its_content, setup, teardown),
	    cmocka_unit_test_setup_teardown(restore_only_a_path, setup, teardown),
	    cmocka_unit_test_setup_teardown(crash_leaves_a_usable_store, setup, teardown),
	    cmocka_unit_test_setup_teardown(corrupt_content_is_never_restored, setup, teardown),
	    cmocka_unit_test_setup_teardown(running_session_is_not_restored, setup, teardown),
	    cmocka_unit_test_setup_teardown(cleanup_keeps_newest_and_collects_objects, setup, teardown),
	    cmocka_unit_test_setup_teardown(hard_link_is_recorded_with_its_inode, setup, teardown),
	    cmocka_unit_test_setup_teardown(hard_link_restored_in_place, setup, teardown),
	    cmocka_unit_test_setup_teardown(hard_link_replaced_is_linked_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(hard_link_names_all_gone_come_back_as_one_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(hard_link_never_written_through_a_symlink, setup, teardown),
	    cmocka_unit_test_setup_teardown(old_manifest_without_inodes_restores_as_before, setup, teardown),
	};

	umask(022);
	return cmocka_run_group_tests_name("journal", tests, NULL, NULL);
}
