/* diff.c - see diff.h (supervisor side). The only module that speaks to
 * libgit2 (loaded on first use, base/dl.h): the saved and the current
 * content become blobs of a repository held in memory (a mempack), two
 * indexes become two trees, and libgit2 diffs them as git would. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/dl.h"
#include "base/log.h"
#include "store/diff.h"

struct repo {
	const struct nono_git_api *g;
	git_odb *odb;
	git_repository *repo;
	git_index *old, *cur;
};

/* ---- the two trees ------------------------------------------------------------ */

static int
add(struct repo *r, git_index *idx, const char *rel, unsigned mode, const void *buf, size_t len)
{
	git_index_entry e;

	memset(&e, 0, sizeof(e));
	if (r->g->blob_create_from_buffer(&e.id, r->repo, buf ? buf : "", len) < 0)
		return -EIO;
	e.mode = mode;
	e.path = rel;
	return r->g->index_add(idx, &e) < 0 ? -EIO : 0;
}

static unsigned
file_mode(unsigned mode)
{
	return mode & 0111 ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
}

/* The whole of a regular file, never through a symlink. */
static char *
read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	char *buf = NULL, chunk[65536];
	size_t cap = 0;
	ssize_t k;
	FILE *m;

	*len = 0;
	if (fd < 0)
		return NULL;
	m = open_memstream(&buf, &cap);
	while ((k = read(fd, chunk, sizeof(chunk))) > 0)
		fwrite(chunk, 1, (size_t)k, m);
	close(fd);
	fclose(m);
	*len = cap;
	return buf;
}

/* e's state before the session into the old tree, and what its path holds
 * now into the current one, as rel. */
static int
add_entry(struct repo *r, const char *store, const struct nono_rb_session *s, const struct nono_entry *e,
	  const char *rel)
{
	struct stat st;
	char *buf, link[4096];
	size_t len;
	ssize_t n;
	int k = 0;

	if (e->type == NONO_ENTRY_FILE) {
		if (!(buf = nono_entry_content(store, s->dir, e, &len)))
			return -errno;
		k = add(r, r->old, rel, file_mode(e->mode), buf, len);
		free(buf);
	} else if (e->type == NONO_ENTRY_SYMLINK) {
		k = add(r, r->old, rel, GIT_FILEMODE_LINK, e->target, strlen(e->target ? e->target : ""));
	}
	if (k < 0 || lstat(e->path, &st) < 0)
		return k;
	if (S_ISREG(st.st_mode)) {
		buf = read_file(e->path, &len);
		k = add(r, r->cur, rel, file_mode(st.st_mode), buf, len);
		free(buf);
	} else if (S_ISLNK(st.st_mode) && (n = readlink(e->path, link, sizeof(link) - 1)) >= 0) {
		k = add(r, r->cur, rel, GIT_FILEMODE_LINK, link, (size_t)n);
	}
	return k;
}

/* ---- printing ----------------------------------------------------------------- */

struct out {
	FILE *f;
	bool colour, escape;
};

static int
print_line(const git_diff_delta *d, const git_diff_hunk *h, const git_diff_line *l, void *payload)
{
	struct out *o = payload;
	const char *col = "";
	bool body = l->origin == GIT_DIFF_LINE_CONTEXT || l->origin == GIT_DIFF_LINE_ADDITION ||
		    l->origin == GIT_DIFF_LINE_DELETION;

	(void)d;
	(void)h;
	if (o->colour)
		col = l->origin == GIT_DIFF_LINE_FILE_HDR   ? C_BOLD
		      : l->origin == GIT_DIFF_LINE_HUNK_HDR ? C_CYAN
		      : l->origin == GIT_DIFF_LINE_ADDITION ? C_GREEN
		      : l->origin == GIT_DIFF_LINE_DELETION ? C_RED
							    : "";
	fputs(col, o->f);
	if (body)
		fputc(l->origin, o->f);
	/* file headers are libgit2's, the names in them quoted (controls,
	 * quotes, backslashes, every byte over 0x7f): only content is the
	 * sandbox's, and a hunk header's function line taken from it */
	if (o->escape && l->origin != GIT_DIFF_LINE_FILE_HDR && l->origin != GIT_DIFF_LINE_BINARY) {
		/* the content is the sandbox's: its escape sequences shown, not run */
		char *text = nono_mem_escape(l->content, l->content_len, NONO_ESC_KEEP_TAB | NONO_ESC_KEEP_NL);

		fputs(text, o->f);
		free(text);
	} else {
		/* exactly: a patch to apply */
		fwrite(l->content, 1, l->content_len, o->f);
	}
	if (*col)
		fputs(C_RESET, o->f);
	return 0;
}

/* ---- one grant's patch -------------------------------------------------------- */

static void
repo_free(struct repo *r)
{
	if (r->old)
		r->g->index_free(r->old);
	if (r->cur)
		r->g->index_free(r->cur);
	if (r->repo)
		r->g->repository_free(r->repo);
	if (r->odb)
		r->g->odb_free(r->odb);
}

static int
repo_new(struct repo *r, const struct nono_git_api *g)
{
	git_odb_backend *pack = NULL;

	memset(r, 0, sizeof(*r));
	r->g = g;
	if (g->odb_new(&r->odb) < 0 || g->mempack_new(&pack) < 0 || g->odb_add_backend(r->odb, pack, 1) < 0 ||
	    g->repository_wrap_odb(&r->repo, r->odb) < 0 || g->index_new(&r->old) < 0 || g->index_new(&r->cur) < 0)
		return -EIO;
	return 0;
}

/* The diff of the two indexes' trees, renames found. */
static int
trees_diff(struct repo *r, bool binary, git_diff **out)
{
	const struct nono_git_api *g = r->g;
	git_oid a, b;
	git_tree *ta = NULL, *tb = NULL;
	git_diff_options opts;
	git_diff_find_options fo;
	int k = -EIO;

	/* GIT_DIFF_OPTIONS_INIT and GIT_DIFF_FIND_OPTIONS_INIT, spelled out */
	memset(&opts, 0, sizeof(opts));
	opts.version = GIT_DIFF_OPTIONS_VERSION;
	opts.ignore_submodules = GIT_SUBMODULE_IGNORE_UNSPECIFIED;
	opts.context_lines = 3;
	opts.flags = binary ? GIT_DIFF_SHOW_BINARY : 0;
	memset(&fo, 0, sizeof(fo));
	fo.version = GIT_DIFF_FIND_OPTIONS_VERSION;
	fo.flags = GIT_DIFF_FIND_RENAMES;
	if (g->index_write_tree_to(&a, r->old, r->repo) == 0 && g->index_write_tree_to(&b, r->cur, r->repo) == 0 &&
	    g->tree_lookup(&ta, r->repo, &a) == 0 && g->tree_lookup(&tb, r->repo, &b) == 0 &&
	    g->diff_tree_to_tree(out, r->repo, ta, tb, &opts) == 0 && g->diff_find_similar(*out, &fo) == 0)
		k = 0;
	if (ta)
		g->tree_free(ta);
	if (tb)
		g->tree_free(tb);
	return k;
}

/* The patch (and stat) of the entries under root. */
static int
one_root(const struct nono_git_api *g, const char *store, const struct nono_rb_session *s, const struct nono_entry *es,
	 size_t n, const char *root, const struct nono_strv *roots, const struct nono_rb_diff_opts *o, FILE *f)
{
	struct repo r;
	git_diff *diff = NULL;
	size_t rl = strcmp(root, "/") == 0 ? 0 : strlen(root);
	int k;

	if ((k = repo_new(&r, g)) < 0)
		goto out;
	for (size_t i = 0; i < n && k == 0; i++) {
		const char *best = "/";

		/* the longest grant that holds it */
		for (size_t j = 0; j < roots->n; j++)
			if (nono_path_under(es[i].path, roots->v[j]) && strlen(roots->v[j]) > strlen(best))
				best = roots->v[j];
		if (strcmp(best, root) != 0 || strlen(es[i].path) <= rl + 1 || nono_rb_vcs_path(es[i].path + rl))
			continue;
		if (es[i].type == NONO_ENTRY_FILE && !es[i].saved) {
			fprintf(f, "# nono: not saved (over the size limit), so not in the patch: %s\n",
				es[i].path + rl + 1);
			continue;
		}
		k = add_entry(&r, store, s, &es[i], es[i].path + rl + 1);
	}
	if (k == 0)
		k = trees_diff(&r, o->binary, &diff);
	if (k == 0 && o->stat) {
		git_diff_stats *st = NULL;
		git_buf b = {0};

		if (g->diff_get_stats(&st, diff) == 0 &&
		    g->diff_stats_to_buf(&b, st, GIT_DIFF_STATS_FULL | GIT_DIFF_STATS_INCLUDE_SUMMARY,
					 o->width > 0 ? (size_t)o->width : 80) == 0 &&
		    b.ptr)
			fputs(b.ptr, f);
		g->buf_dispose(&b);
		if (st)
			g->diff_stats_free(st);
		if (o->patch)
			fputc('\n', f);
	}
	if (k == 0 && o->patch) {
		struct out out = {f, o->colour, o->escape};

		k = g->diff_print(diff, GIT_DIFF_FORMAT_PATCH, print_line, &out) < 0 ? -EIO : 0;
	}
out:
	if (diff)
		g->diff_free(diff);
	repo_free(&r);
	return k;
}

int
nono_rb_diff(const char *store, const struct nono_rb_session *s, const struct nono_rb_diff_opts *o, FILE *f,
	     struct nono_error *err)
{
	const struct nono_git_api *g = nono_git();
	struct nono_strv roots = {0}, used = {0};
	struct nono_entry *es;
	size_t n;
	int k = 0;

	if (!g)
		return nono_error_set(err, -ELIBACC, "cannot show diffs: libgit2 is not available");
	if ((k = nono_manifest_read(s->dir, &es, &n, err)) < 0)
		return k;
	for (size_t i = 0; i < s->roots.n; i++)
		nono_strv_push(&roots, s->roots.v[i]);
	if (!roots.n && s->cwd && s->cwd[0] == '/')
		nono_strv_push(&roots, s->cwd); /* an older session: its working directory */
	/* the grants with something in them, in order; what none holds goes under / */
	for (size_t i = 0; i < n; i++) {
		const char *best = "/";

		for (size_t j = 0; j < roots.n; j++)
			if (nono_path_under(es[i].path, roots.v[j]) && strlen(roots.v[j]) > strlen(best))
				best = roots.v[j];
		if (!nono_strv_contains(&used, best))
			nono_strv_push(&used, best);
	}
	g->init();
	for (size_t i = 0; i < used.n && k == 0; i++) {
		if (used.n > 1)
			fprintf(f, "# nono: the paths below are relative to %s (apply there)\n", used.v[i]);
		k = one_root(g, store, s, es, n, used.v[i], &roots, o, f);
	}
	if (k < 0) {
		const git_error *e = g->error_last();

		nono_error_set(err, k, "cannot make the diff: %s", e && e->message ? e->message : strerror(-k));
	}
	g->shutdown();
	for (size_t i = 0; i < n; i++)
		nono_entry_free(&es[i]);
	free(es);
	nono_strv_free(&roots);
	nono_strv_free(&used);
	return k;
}
