/* gitignore.c - see gitignore.h (supervisor side). */
#include "config.h"

#include <search.h>
#include <stdlib.h>
#include <string.h>

#include "base/dl.h"
#include "base/log.h"
#include "base/util.h"
#include "store/gitignore.h"

struct repo {
	git_repository *r;
	git_index *index;		 /* as it was when first needed */
	char *workdir, *gitdir, *common; /* canonical, no trailing slash */
	bool tainted;			 /* an ignore source changed, or unsupported */
	bool index_failed;
};

struct dir_repo {
	char *dir;
	long repo; /* index into repos, -1: none */
};

struct nono_gitignore {
	const struct nono_git_api *git;
	struct repo *repos;
	size_t n_repos;
	void *dirs;		  /* struct dir_repo by dir: which repository holds it */
	void *tops;		  /* ignored paths found so far */
	void *clean;		  /* directories found not ignored */
	struct nono_strv changed; /* ignore sources the session changed */
};

static int
cmp_dir(const void *a, const void *b)
{
	return strcmp(((const struct dir_repo *)a)->dir, ((const struct dir_repo *)b)->dir);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* A directory libgit2 reports ("/x/y/"), canonical and without the slash. */
static char *
canon_dir(const char *d)
{
	char *c;

	if (!d)
		return NULL;
	c = nono_path_canonical(d, NULL);
	return c;
}

/* Whether canon, changed by the session, is one of repo's ignore sources
 * (or replaces its git directory). */
static bool
feeds(const struct repo *rp, const char *canon)
{
	const char *gd[2] = {rp->gitdir, rp->common};

	if (!strcmp(nono_path_basename(canon), ".gitignore") && nono_path_under(canon, rp->workdir))
		return true;
	for (int i = 0; i < 2; i++) {
		size_t n;
		const char *rest;

		if (!gd[i])
			continue;
		if (nono_path_under(gd[i], canon) && !nono_path_under(rp->workdir, canon))
			return true; /* the git directory itself, created or moved */
		n = strlen(gd[i]);
		if (strncmp(canon, gd[i], n) || canon[n] != '/')
			continue;
		rest = canon + n + 1;
		if (!strcmp(rest, "config") || !strcmp(rest, "config.worktree") || !strcmp(rest, "info") ||
		    !strcmp(rest, "info/exclude"))
			return true;
	}
	{
		char *dotgit = nono_path_join(rp->workdir, ".git");
		bool same = !strcmp(canon, dotgit);

		free(dotgit);
		return same;
	}
}

/* The names an ignore source can have: worth remembering a change to. */
static bool
maybe_source(const char *canon)
{
	const char *b = nono_path_basename(canon);

	return !strcmp(b, ".gitignore") || !strcmp(b, ".git") || !strcmp(b, "config") ||
	       !strcmp(b, "config.worktree") || !strcmp(b, "info") || !strcmp(b, "exclude") ||
	       strstr(canon, "/.git/") != NULL;
}

struct nono_gitignore *
nono_gitignore_new(void)
{
	const struct nono_git_api *git = nono_git();
	struct nono_gitignore *g;

	if (!git)
		return NULL;
	git->init();
	/* only what the work tree says: not the user's global or the
	 * system's excludes, which the session could not be watched
	 * changing */
	git->opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_SYSTEM, "");
	git->opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_XDG, "");
	git->opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL, "");
	g = xcalloc(1, sizeof(*g));
	g->git = git;
	return g;
}

static void
free_dir(void *p)
{
	struct dir_repo *d = p;

	free(d->dir);
	free(d);
}

void
nono_gitignore_free(struct nono_gitignore *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n_repos; i++) {
		struct repo *rp = &g->repos[i];

		if (rp->index)
			g->git->index_free(rp->index);
		g->git->repository_free(rp->r);
		free(rp->workdir);
		free(rp->gitdir);
		free(rp->common);
	}
	free(g->repos);
	tdestroy(g->dirs, free_dir);
	tdestroy(g->tops, free);
	tdestroy(g->clean, free);
	nono_strv_free(&g->changed);
	free(g);
}

void
nono_gitignore_changed(struct nono_gitignore *g, const char *canon)
{
	if (!g || !canon || !maybe_source(canon))
		return;
	for (size_t i = 0; i < g->n_repos; i++)
		if (!g->repos[i].tainted && feeds(&g->repos[i], canon)) {
			log_debug("rollback: %s changed; .gitignore no longer leaves paths of %s out of the journal",
				  canon, g->repos[i].workdir);
			g->repos[i].tainted = true;
			/* what it ignored before is asked again, and journaled */
			tdestroy(g->tops, free);
			g->tops = NULL;
		}
	if (!nono_strv_contains(&g->changed, canon))
		nono_strv_push(&g->changed, canon);
}

/* A repository found for the first time: consulted only if the session
 * changed none of its ignore sources before now and its config names no
 * excludes file of its own. */
static long
add_repo(struct nono_gitignore *g, git_repository *r)
{
	const struct nono_git_api *git = g->git;
	struct repo rp = {.r = r};
	git_config *cfg = NULL;
	git_config_entry *e = NULL;

	rp.workdir = canon_dir(git->repository_workdir(r));
	rp.gitdir = canon_dir(git->repository_path(r));
	rp.common = canon_dir(git->repository_commondir(r));
	if (rp.common && rp.gitdir && !strcmp(rp.common, rp.gitdir)) {
		free(rp.common);
		rp.common = NULL;
	}
	for (size_t i = 0; i < g->n_repos; i++)
		if (!strcmp(g->repos[i].gitdir, rp.gitdir)) {
			git->repository_free(r);
			free(rp.workdir);
			free(rp.gitdir);
			free(rp.common);
			return (long)i;
		}
	if (git->repository_config_snapshot(&cfg, r) == 0) {
		if (git->config_get_entry(&e, cfg, "core.excludesfile") == 0) {
			log_debug("rollback: %s names an excludes file of its own; .gitignore is not consulted",
				  rp.gitdir);
			rp.tainted = true;
			git->config_entry_free(e);
		}
		git->config_free(cfg);
	}
	for (size_t i = 0; i < g->changed.n && !rp.tainted; i++)
		rp.tainted = feeds(&rp, g->changed.v[i]);
	g->repos = xrealloc(g->repos, (g->n_repos + 1) * sizeof(*g->repos));
	g->repos[g->n_repos] = rp;
	return (long)g->n_repos++;
}

/* The repository whose work tree holds dir, or NULL. */
static struct repo *
repo_of(struct nono_gitignore *g, const char *dir)
{
	struct dir_repo key = {.dir = (char *)dir}, *d, **found = tfind(&key, &g->dirs, cmp_dir);
	git_repository *r = NULL;

	if (found)
		return (*found)->repo < 0 ? NULL : &g->repos[(*found)->repo];
	d = xcalloc(1, sizeof(*d));
	d->dir = xstrdup(dir);
	d->repo = -1;
	if (g->git->repository_open_ext(&r, dir, 0, NULL) == 0) {
		if (g->git->repository_workdir(r))
			d->repo = add_repo(g, r);
		else
			g->git->repository_free(r); /* bare: no work tree to ignore in */
	}
	if (!tsearch(d, &g->dirs, cmp_dir))
		abort();
	if (d->repo >= 0 && !nono_path_under(dir, g->repos[d->repo].workdir))
		d->repo = -1; /* dir is in the git directory, not the work tree */
	return d->repo < 0 ? NULL : &g->repos[d->repo];
}

/* Whether the index holds rel, or any file beneath it. */
static bool
tracked(struct nono_gitignore *g, struct repo *rp, const char *rel)
{
	char *prefix;
	size_t pos;
	bool held;

	if (!rp->index && !rp->index_failed && g->git->repository_index(&rp->index, rp->r) < 0)
		rp->index_failed = true;
	if (!rp->index)
		return true; /* unknown: treat as tracked, keep it */
	if (g->git->index_get_bypath(rp->index, rel, 0))
		return true;
	prefix = xasprintf("%s/", rel);
	held = g->git->index_find_prefix(&pos, rp->index, prefix) == 0;
	free(prefix);
	return held;
}

const char *
nono_gitignore_top(struct nono_gitignore *g, const char *canon)
{
	struct repo *rp;
	char *dir, *cut, **hit;
	const char *rel;
	size_t wlen;

	if (!g || canon[0] != '/')
		return NULL;
	/* at or beneath an ignored path found before? */
	dir = xstrdup(canon);
	for (;;) {
		if ((hit = tfind(dir, &g->tops, cmp_str))) {
			free(dir);
			return *hit;
		}
		if (!(cut = strrchr(dir, '/')) || cut == dir)
			break;
		*cut = '\0';
	}
	free(dir);
	dir = nono_path_dirname(canon);
	rp = repo_of(g, dir);
	free(dir);
	if (!rp || rp->tainted || !nono_path_under(canon, rp->workdir) || !strcmp(canon, rp->workdir))
		return NULL;
	wlen = strlen(rp->workdir);
	rel = canon + wlen + (rp->workdir[wlen - 1] == '/' ? 0 : 1);
	/* from the work tree down: git does not look inside an ignored
	 * directory, so the first ignored component is the top */
	for (const char *end = strchr(rel, '/');; end = strchr(end + 1, '/')) {
		char *part = end ? xasprintf("%.*s", (int)(end - rel), rel) : xstrdup(rel);
		char *abs = nono_path_join(rp->workdir, part);
		char *asked = end ? xasprintf("%s/", part) : NULL;
		int ignored = 0;

		if ((hit = tfind(abs, &g->tops, cmp_str))) {
			free(part);
			free(abs);
			free(asked);
			return *hit;
		}
		if (end && tfind(abs, &g->clean, cmp_str)) {
			free(part);
			free(abs);
			free(asked);
			continue;
		}
		if (strcmp(part, ".git") != 0 && strncmp(part, ".git/", 5) != 0 &&
		    g->git->ignore_path_is_ignored(&ignored, rp->r, asked ? asked : part) == 0 && ignored &&
		    !tracked(g, rp, part)) {
			if (!tsearch(abs, &g->tops, cmp_str))
				abort();
			free(part);
			free(asked);
			return abs;
		}
		free(part);
		free(asked);
		if (!end) {
			free(abs);
			return NULL;
		}
		if (!tsearch(abs, &g->clean, cmp_str))
			abort();
	}
}
