/* policy.c - see policy.h (supervisor side). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/vars.h"
#include "policy/groups.h"
#include "policy/policy.h"

#define CARVE_MAX_DEPTH 32

void
nono_policy_init(struct nono_policy *p)
{
	memset(p, 0, sizeof(*p));
}

static void
rule_free(struct nono_rule *r)
{
	free(r->path);
	free(r->given);
	free(r->source);
}

void
nono_policy_free(struct nono_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_reqs; i++) {
		free(p->reqs[i].given);
		free(p->reqs[i].source);
	}
	free(p->reqs);
	for (size_t i = 0; i < p->n_rules; i++)
		rule_free(&p->rules[i]);
	free(p->rules);
	for (size_t i = 0; i < p->n_denies; i++) {
		free(p->denies[i].path);
		free(p->denies[i].given);
		free(p->denies[i].group);
	}
	free(p->denies);
	for (size_t i = 0; i < p->n_carves; i++) {
		free(p->carves[i].path);
		free(p->carves[i].source);
		nono_strv_free(&p->carves[i].around);
	}
	free(p->carves);
	nono_strv_free(&p->groups);
	nono_strv_free(&p->bypass);
	nono_strv_free(&p->bypass_canon);
	nono_strv_free(&p->allow_cmds);
	nono_strv_free(&p->block_cmds);
	nono_strv_free(&p->proxy_hosts);
	nono_strv_free(&p->extra_deny);
	nono_strv_free(&p->delete_paths);
	nono_strv_free(&p->exclude_groups);
	nono_strv_free(&p->unix_sockets);
	nono_strv_free(&p->lock_dirs_given);
	for (size_t i = 0; i < p->n_lock_dirs; i++) {
		free(p->lock_dirs[i].path);
		free(p->lock_dirs[i].given);
		free(p->lock_dirs[i].name);
	}
	free(p->lock_dirs);
	nono_strv_free(&p->warnings);
	nono_strv_free(&p->memo);
	free(p->workdir);
	free(p->tmpdir);
	memset(p, 0, sizeof(*p));
}

void
nono_policy_grant(struct nono_policy *p, const char *path, unsigned access, enum nono_kind kind, const char *source,
		  bool user)
{
	struct nono_request *r;

	p->reqs = xrealloc(p->reqs, (p->n_reqs + 1) * sizeof(*p->reqs));
	r = &p->reqs[p->n_reqs++];
	r->given = xstrdup(path);
	r->source = xstrdup(source);
	r->access = access;
	r->kind = kind;
	r->user = user;
}

int
nono_policy_add_group(struct nono_policy *p, const char *name, struct nono_error *err)
{
	if (!nono_group_find(name))
		return nono_error_set(err, -ENOENT, "unknown policy group '%s'", name);
	if (!nono_strv_contains(&p->groups, name))
		nono_strv_push(&p->groups, name);
	return 0;
}

void
nono_policy_add_default_groups(struct nono_policy *p)
{
	for (size_t i = 0; nono_default_groups[i]; i++)
		nono_policy_add_group(p, nono_default_groups[i], NULL);
}

static void
add_rule(struct nono_policy *p, const char *path, const char *given, const char *source, unsigned access, bool is_file,
	 bool carved, bool user)
{
	struct nono_rule *r;

	/* merge with an identical path from the same kind of origin */
	for (size_t i = 0; i < p->n_rules; i++) {
		r = &p->rules[i];
		if (strcmp(r->path, path) == 0 && r->is_file == is_file) {
			r->access |= access;
			r->user = r->user || user;
			return;
		}
	}
	p->rules = xrealloc(p->rules, (p->n_rules + 1) * sizeof(*p->rules));
	r = &p->rules[p->n_rules++];
	r->path = xstrdup(path);
	r->given = xstrdup(given ? given : path);
	r->source = xstrdup(source);
	r->access = access;
	r->is_file = is_file;
	r->carved = carved;
	r->user = user;
}

static void
add_deny(struct nono_policy *p, const char *canon, const char *given, const char *group, const char *desc,
	 bool readable)
{
	struct nono_deny *d;

	for (size_t i = 0; i < p->n_denies; i++)
		if (strcmp(p->denies[i].path, canon) == 0)
			return;
	p->denies = xrealloc(p->denies, (p->n_denies + 1) * sizeof(*p->denies));
	d = &p->denies[p->n_denies++];
	d->path = xstrdup(canon);
	d->len = strlen(canon);
	d->given = xstrdup(given);
	d->group = xstrdup(group);
	d->description = desc;
	d->readable = readable;
}

static bool
bypassed(const struct nono_policy *p, const char *canon)
{
	for (size_t i = 0; i < p->bypass_canon.n; i++)
		if (nono_path_under(canon, p->bypass_canon.v[i]))
			return true;
	return false;
}

const struct nono_deny *
nono_policy_sensitive(const struct nono_policy *p, const char *canon)
{
	size_t pl = strlen(canon);
	const struct nono_deny *own = NULL;

	for (size_t i = 0; i < p->n_denies; i++) {
		const struct nono_deny *d = &p->denies[i];

		/* the common case, no match, costs one length compare and a memcmp */
		if (d->len > pl || memcmp(canon, d->path, d->len) != 0)
			continue;
		if (canon[d->len] != '\0' && canon[d->len] != '/' && d->len > 1)
			continue;
		if (d->readable) {
			/* a fully denied path inside nono's own files wins */
			if (!own)
				own = d;
			continue;
		}
		if (!bypassed(p, canon))
			return d;
	}
	return own;
}

bool
nono_policy_deny_own(const struct nono_deny *d)
{
	const struct nono_group *g = nono_group_find(d->group);

	return d->readable || (g && g->own);
}

bool
nono_policy_rule_unix(const struct nono_policy *p, const struct nono_rule *r)
{
	return (r->user || (r->access & NONO_ACC_DELETE)) && !nono_policy_sensitive(p, r->path);
}

/* Does deny d keep a grant of access out? nono's own files only keep out
 * writes: a read-only grant reaches them. */
static bool
blocks(const struct nono_deny *d, unsigned access)
{
	return !d->readable || (access & (NONO_ACC_WRITE | NONO_ACC_DELETE));
}

/* the deny at or above canon that keeps a grant of access out, or NULL */
static const struct nono_deny *
blocking(const struct nono_policy *p, const char *canon, unsigned access)
{
	const struct nono_deny *d = nono_policy_sensitive(p, canon);

	return d && blocks(d, access) ? d : NULL;
}

/* a deny strictly beneath dir that keeps a grant of access out (and is not
 * bypassed) */
static bool
has_deny_below(const struct nono_policy *p, const char *dir, unsigned access)
{
	for (size_t i = 0; i < p->n_denies; i++) {
		const struct nono_deny *d = &p->denies[i];

		if (strcmp(d->path, dir) != 0 && nono_path_under(d->path, dir) && blocks(d, access) &&
		    (d->readable || !bypassed(p, d->path)))
			return true;
	}
	return false;
}

static void
expand_group_deny(struct nono_policy *p, const struct nono_group *g, const struct nono_vars *v)
{
	for (int readable = 0; readable < 2; readable++) {
		const char *const *list = readable ? g->protect : g->deny;

		for (size_t j = 0; list && list[j]; j++) {
			char *x = NULL, *abs, *canon;

			if (nono_vars_expand(&x, list[j], v, NULL) < 0)
				continue;
			abs = nono_path_absolute(x);
			canon = nono_path_canonical_memo(abs, NULL, &p->memo);
			add_deny(p, abs, list[j], g->name, g->description, readable);
			if (strcmp(abs, canon) != 0)
				add_deny(p, canon, list[j], g->name, g->description, readable);
			free(canon);
			free(abs);
			free(x);
		}
	}
}

static void
expand_group_grants(struct nono_policy *p, const struct nono_group *g)
{
	char *src = xasprintf("group:%s", g->name);
	const struct {
		const char *const *list;
		unsigned access;
	} sets[] = {
	    {g->read, NONO_ACC_READ},
	    {g->write, NONO_ACC_WRITE},
	    {g->readwrite, NONO_ACC_RW},
	};

	for (size_t s = 0; s < 3; s++)
		for (size_t j = 0; sets[s].list && sets[s].list[j]; j++)
			nono_policy_grant(p, sets[s].list[j], sets[s].access | g->extra_access, NONO_KIND_AUTO, src,
					  false);
	free(src);
}

/* Split dir into one rule per entry, leaving out sensitive paths. */
static void
carve(struct nono_policy *p, struct nono_carve *c, const char *dir, unsigned access, const char *source, int depth)
{
	DIR *d;
	struct dirent *e;

	if (depth > CARVE_MAX_DEPTH)
		return;
	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		char *child, *real;
		const struct nono_deny *dn;
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		child = nono_path_join(dir, e->d_name);
		real = realpath(child, NULL);
		if (!real || stat(real, &st) < 0) {
			/* dangling symlink: nothing to grant */
			free(real);
			free(child);
			continue;
		}
		if (!nono_path_under(real, c->path)) {
			/* a symlink out of the grant: the kernel would not follow it
			 * into a plain grant of dir either */
		} else if ((dn = blocking(p, child, access)) || (dn = blocking(p, real, access))) {
			if (!nono_strv_contains(&c->around, dn->path))
				nono_strv_push(&c->around, dn->path);
			/* nono's own files: what the grant reads, it still reads */
			if (dn->readable && (access & NONO_ACC_READ)) {
				if (!has_deny_below(p, real, NONO_ACC_READ)) {
					add_rule(p, real, child, source, NONO_ACC_READ, !S_ISDIR(st.st_mode), true,
						 true);
					c->n_entries++;
				} else if (S_ISDIR(st.st_mode)) {
					carve(p, c, real, NONO_ACC_READ, source, depth + 1);
				}
			}
		} else if (has_deny_below(p, real, access)) {
			if (S_ISDIR(st.st_mode))
				carve(p, c, real, access, source, depth + 1);
		} else {
			add_rule(p, real, child, source, access, !S_ISDIR(st.st_mode), true, true);
			c->n_entries++;
		}
		free(real);
		free(child);
	}
	closedir(d);
}

/* The directory form of a single-file grant, as the user would write it. */
static const char *
dir_form(const struct nono_request *r)
{
	bool flag = strncmp(r->source, "--", 2) == 0;
	unsigned a = r->access & NONO_ACC_RW;

	if (a == NONO_ACC_READ)
		return flag ? "--read" : "the profile key filesystem.read";
	if (a == NONO_ACC_WRITE)
		return flag ? "--write" : "the profile key filesystem.write";
	return flag ? "--allow" : "the profile key filesystem.allow";
}

static int
resolve_request(struct nono_policy *p, const struct nono_request *r, const struct nono_vars *v, struct nono_error *err)
{
	char *x = NULL, *canon = NULL;
	bool exists;
	struct stat st;
	const struct nono_deny *dn;
	bool is_file;
	int ret = 0;

	if (nono_vars_expand(&x, r->given, v, err) < 0) {
		if (!r->user) {
			nono_error_clear(err);
			return 0;
		}
		return err->code;
	}
	canon = nono_path_canonical_memo(x, &exists, &p->memo);
	if (!exists || stat(canon, &st) < 0) {
		/* a flag naming nothing is worth a warning; a profile's optional
		 * paths (~/.vscode on a machine without VS Code) only at -v */
		if (r->user && strncmp(r->source, "profile:", 8) != 0)
			nono_strv_push_owned(
			    &p->warnings, xasprintf("%s %s: no such file or directory; skipped", r->source, r->given));
		else if (r->user)
			log_info("%s %s: no such file or directory; skipped", r->source, r->given);
		goto out;
	}
	is_file = !S_ISDIR(st.st_mode);
	if (r->user && r->kind == NONO_KIND_FILE && !is_file) {
		ret = nono_error_set(err, -EISDIR, "%s %s: is a directory", r->source, r->given);
		nono_error_hint(err, "use %s for a directory", dir_form(r));
		goto out;
	}
	dn = nono_policy_sensitive(p, canon);
	if (!dn || dn->readable) {
		/* the path as written may be a sensitive symlink */
		char *abs = nono_path_absolute(x);
		const struct nono_deny *as_written = nono_policy_sensitive(p, abs);

		if (as_written && (!dn || !as_written->readable))
			dn = as_written;
		free(abs);
	}
	/* nono's own files may be read, never written */
	if (dn && !blocks(dn, r->access))
		dn = NULL;
	if (dn && dn->readable) {
		if (r->user) {
			char *disp = nono_path_display(dn->path);

			ret = nono_error_set(err, -EACCES,
					     "refusing %s %s: it is inside nono's own files %s (group %s), which no "
					     "sandbox may write",
					     r->source, r->given, disp, dn->group);
			nono_error_hint(err, "edit them outside the sandbox; %s %s grants read only",
					is_file ? "--read-file" : "--read", r->given);
			free(disp);
		}
		goto out;
	}
	if (dn) {
		if (r->user) {
			char *disp = nono_path_display(dn->path);

			ret = nono_error_set(err, -EACCES, "refusing %s %s: it is inside sensitive path %s (%s: %s)",
					     r->source, r->given, disp, dn->group, dn->description);
			if (strcmp(dn->group, "nono_state") == 0)
				nono_error_hint(err, "nono's own state is never granted; grant a narrower path");
			else
				nono_error_hint(err, "if you really mean it, add --bypass-protection %s", r->given);
			free(disp);
		}
		goto out;
	}
	add_rule(p, canon, r->given, r->source, r->access, is_file, false, r->user);
out:
	free(canon);
	free(x);
	return ret;
}

static int
check_bypasses(struct nono_policy *p, struct nono_error *err)
{
	for (size_t i = 0; i < p->bypass_canon.n; i++) {
		const char *b = p->bypass_canon.v[i];
		bool paired = false;

		/* nono's own state (the audit trail) is never exposed, nor are its
		 * own files (configuration, profiles, hook) ever writable */
		for (size_t j = 0; j < p->n_denies; j++) {
			const struct nono_deny *dn = &p->denies[j];
			char *d;

			if (!nono_policy_deny_own(dn) ||
			    !(nono_path_under(dn->path, b) || nono_path_under(b, dn->path)))
				continue;
			d = nono_path_display(dn->path);
			if (dn->readable) {
				nono_error_set(
				    err, -EACCES,
				    "--bypass-protection %s: it would reach nono's own files %s (configuration, "
				    "profiles, hook script); no bypass makes them writable",
				    p->bypass.v[i], d);
				nono_error_hint(err, "grant a narrower path; a read grant reads them without a bypass");
			} else {
				nono_error_set(err, -EACCES,
					       "--bypass-protection %s: it would expose nono's state directory %s "
					       "(audit trail, rollback store); that is never granted",
					       p->bypass.v[i], d);
				nono_error_hint(err,
						"grant a narrower path; the audit commands run outside the sandbox");
			}
			free(d);
			return err->code;
		}

		for (size_t j = 0; j < p->n_rules && !paired; j++) {
			const struct nono_rule *r = &p->rules[j];

			paired = r->user && (nono_path_under(r->path, b) || nono_path_under(b, r->path));
		}
		if (!paired) {
			nono_error_set(err, -EINVAL, "--bypass-protection %s: no grant covers it", p->bypass.v[i]);
			nono_error_hint(err, "pair it with a grant, e.g. --read-file %s", p->bypass.v[i]);
			return err->code;
		}
		log_debug("bypass-protection %s", b);
	}
	return 0;
}

static void
carve_rules(struct nono_policy *p)
{
	size_t n = p->n_rules;
	struct nono_rule *old = p->rules;

	p->rules = NULL;
	p->n_rules = 0;
	for (size_t i = 0; i < n; i++) {
		struct nono_rule *r = &old[i];
		struct nono_carve *c;

		if (r->is_file || !has_deny_below(p, r->path, r->access)) {
			add_rule(p, r->path, r->given, r->source, r->access, r->is_file, r->carved, r->user);
			continue;
		}
		p->carves = xrealloc(p->carves, (p->n_carves + 1) * sizeof(*p->carves));
		c = &p->carves[p->n_carves++];
		memset(c, 0, sizeof(*c));
		c->path = xstrdup(r->path);
		c->source = xstrdup(r->source);
		carve(p, c, r->path, r->access, r->source, 0);
	}
	for (size_t i = 0; i < n; i++)
		rule_free(&old[i]);
	free(old);
}

static void
add_git_rules(struct nono_policy *p)
{
	size_t n = p->n_rules;

	for (size_t i = 0; i < n; i++) {
		const struct nono_rule *r = &p->rules[i];
		struct stat st;
		char *git, *src;

		if (!r->user || r->is_file || r->carved || !(r->access & NONO_ACC_WRITE) ||
		    (r->access & NONO_ACC_DELETE))
			continue;
		git = nono_path_join(r->path, ".git");
		if (lstat(git, &st) == 0 && S_ISDIR(st.st_mode) && !nono_policy_sensitive(p, git)) {
			src = xasprintf("git metadata (%s)", r->source);
			add_rule(p, git, git, src, r->access | NONO_ACC_DELETE, false, false, false);
			free(src);
		}
		free(git);
	}
}

/* Landlock unions the rights of every rule above a path, so a group rule
 * beneath another rule that already grants all it grants adds nothing but
 * a syscall at launch. Rules from flags stay, so the banner can name them. */
static void
prune_redundant(struct nono_policy *p)
{
	bool *drop = xcalloc(p->n_rules, sizeof(*drop));
	size_t o = 0;

	for (size_t i = 0; i < p->n_rules; i++) {
		const struct nono_rule *r = &p->rules[i];

		for (size_t j = 0; j < p->n_rules && !r->user && !drop[i]; j++) {
			const struct nono_rule *q = &p->rules[j];

			drop[i] = j != i && !drop[j] && !q->is_file && (r->access & ~q->access) == 0 &&
				  nono_path_under(r->path, q->path) && strcmp(r->path, q->path) != 0;
		}
	}
	for (size_t i = 0; i < p->n_rules; i++) {
		if (drop[i])
			rule_free(&p->rules[i]);
		else
			p->rules[o++] = p->rules[i];
	}
	p->n_rules = o;
	free(drop);
}

/* filesystem.allow_delete entries: deletion beneath a path that a writable
 * rule already covers (entries outside every writable grant are refused). */
static int
add_delete_paths(struct nono_policy *p, const struct nono_vars *v, struct nono_error *err)
{
	for (size_t i = 0; i < p->delete_paths.n; i++) {
		char *x = NULL, *canon;
		bool exists;
		unsigned acc = 0;
		int r;

		if ((r = nono_vars_expand(&x, p->delete_paths.v[i], v, err)) < 0)
			return r;
		canon = nono_path_canonical(x, &exists);
		free(x);
		if (!exists || nono_policy_sensitive(p, canon)) {
			free(canon);
			continue;
		}
		for (size_t j = 0; j < p->n_rules; j++)
			if (!p->rules[j].is_file && nono_path_under(canon, p->rules[j].path))
				acc |= p->rules[j].access;
		/* a grant carved around a sensitive path beneath it still covers
		 * it: its entries carry the grant's access */
		for (size_t c = 0; c < p->n_carves && !(acc & NONO_ACC_WRITE); c++)
			if (nono_path_under(canon, p->carves[c].path))
				for (size_t j = 0; j < p->n_rules; j++)
					if (p->rules[j].carved && nono_path_under(p->rules[j].path, p->carves[c].path))
						acc |= p->rules[j].access;
		if (!(acc & NONO_ACC_WRITE)) {
			r = nono_error_set(err, -EINVAL, "allow_delete %s: no writable grant covers it",
					   p->delete_paths.v[i]);
			free(canon);
			return r;
		}
		if (has_deny_below(p, canon, NONO_ACC_WRITE | NONO_ACC_DELETE)) {
			/* grant delete only on the carved entries beneath it */
			for (size_t j = 0; j < p->n_rules; j++)
				if (nono_path_under(p->rules[j].path, canon) && (p->rules[j].access & NONO_ACC_WRITE))
					p->rules[j].access |= NONO_ACC_DELETE;
		} else {
			add_rule(p, canon, p->delete_paths.v[i], "allow_delete", (acc & NONO_ACC_RW) | NONO_ACC_DELETE,
				 false, false, true);
		}
		free(canon);
	}
	return 0;
}

/* ---- lock directories ------------------------------------------------------ */

void
nono_policy_lockdir_add(struct nono_policy *p, const char *path, const char *given, unsigned long long dev,
			unsigned long long ino)
{
	struct nono_lockdir *l;
	const char *slash = strrchr(path, '/');

	for (size_t i = 0; i < p->n_lock_dirs; i++)
		if (strcmp(p->lock_dirs[i].path, path) == 0)
			return;
	p->lock_dirs = xrealloc(p->lock_dirs, (p->n_lock_dirs + 1) * sizeof(*p->lock_dirs));
	l = &p->lock_dirs[p->n_lock_dirs++];
	l->path = xstrdup(path);
	l->given = xstrdup(given ? given : path);
	l->name = xstrdup(slash ? slash + 1 : path);
	l->dev = dev;
	l->ino = ino;
}

const struct nono_lockdir *
nono_policy_lockdir(const struct nono_policy *p, unsigned long long dev, unsigned long long ino, const char *name)
{
	size_t n = strcspn(name, "/");

	/* "name" or "name/", never "name/x" */
	if (name[n + strspn(name + n, "/")] != '\0')
		return NULL;
	for (size_t i = 0; i < p->n_lock_dirs; i++) {
		const struct nono_lockdir *l = &p->lock_dirs[i];

		if (l->dev == dev && l->ino == ino && strlen(l->name) == n && memcmp(l->name, name, n) == 0)
			return l;
	}
	return NULL;
}

/* A lock directory as given: its parent must exist (it is the directory the
 * supervisor will act in, identified by device and inode), its name must be
 * one plain component, and neither may lie in a sensitive path or nono's
 * own files. */
static int
resolve_lockdir(struct nono_policy *p, const char *given, const struct nono_vars *v, struct nono_error *err)
{
	char *x = NULL, *abs = NULL, *dir = NULL, *canon = NULL, *path = NULL;
	const char *name;
	const struct nono_deny *dn;
	struct stat st;
	int r;

	if ((r = nono_vars_expand(&x, given, v, err)) < 0)
		return r;
	abs = nono_path_absolute(x);
	name = strrchr(abs, '/') + 1;
	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		r = nono_error_set(err, -EINVAL, "allow_lock_dir %s: not a name in a directory", given);
		goto out;
	}
	dir = nono_path_dirname(abs);
	canon = realpath(dir, NULL);
	if (!canon || stat(canon, &st) < 0 || !S_ISDIR(st.st_mode)) {
		log_info("allow_lock_dir %s: %s does not exist; skipped", given, dir);
		goto out;
	}
	path = nono_path_join(canon, name);
	if ((dn = nono_policy_sensitive(p, path)) || (dn = nono_policy_sensitive(p, canon))) {
		r = nono_error_set(err, -EACCES, "allow_lock_dir %s: inside %s (group %s), which no sandbox may change",
				   given, dn->path, dn->group);
		goto out;
	}
	nono_policy_lockdir_add(p, path, given, (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
out:
	free(path);
	free(canon);
	free(dir);
	free(abs);
	free(x);
	return r;
}

bool
nono_policy_path_protected(const char *path, const char **group)
{
	struct nono_policy t;
	struct nono_vars v;
	const struct nono_deny *d;
	bool r;

	nono_policy_init(&t);
	nono_policy_add_default_groups(&t);
	nono_vars_from_env(&v, NULL, NULL);
	for (size_t i = 0; i < t.groups.n; i++)
		expand_group_deny(&t, nono_group_find(t.groups.v[i]), &v);
	d = nono_policy_sensitive(&t, path);
	if (!d) {
		/* the directories resolved, the name itself as it is: a link there
		 * is what the caller acts on, not what it points to */
		char *canon = nono_path_canonical_leaf(path);

		d = nono_policy_sensitive(&t, canon);
		free(canon);
	}
	r = d != NULL;
	if (group)
		*group = !d ? NULL : nono_policy_deny_own(d) ? "nono's own files" : "a sensitive path";
	nono_policy_free(&t);
	return r;
}

/* ---- glob patterns in paths, expanded at start ------------------------------- */

static bool
has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* A grant whose path (its variables expanded) is a pattern becomes one
 * grant per match now; what is made later is not matched. A pattern that
 * matches nothing is skipped with a warning, like a missing path. */
static void
grant_glob(struct nono_policy *p, const struct nono_request *q, const struct nono_vars *v)
{
	char *x = NULL;
	glob_t g;

	if (!has_glob(q->given) || nono_vars_expand(&x, q->given, v, NULL) < 0 || !has_glob(x)) {
		free(x);
		nono_policy_grant(p, q->given, q->access, q->kind, q->source, q->user);
		return;
	}
	if (glob(x, GLOB_NOSORT, NULL, &g) == 0) {
		for (size_t k = 0; k < g.gl_pathc; k++) {
			char *canon = nono_path_canonical(g.gl_pathv[k], NULL);

			/* a pattern does not name what is protected: its matches there are left out */
			if (nono_policy_sensitive(p, canon))
				log_info("%s %s: %s is protected; left out", q->source, q->given, canon);
			else
				nono_policy_grant(p, g.gl_pathv[k], q->access, q->kind, q->source, q->user);
			free(canon);
		}
		globfree(&g);
	} else {
		nono_strv_push_owned(&p->warnings,
				     xasprintf("%s %s: the pattern matches nothing; skipped", q->source, q->given));
	}
	free(x);
}

/* filesystem.deny patterns: each match denied; the pattern itself too, so
 * a literal name with * in it still counts */
static void
expand_deny_globs(struct nono_policy *p, const struct nono_vars *v)
{
	size_t n = p->extra_deny.n;

	for (size_t i = 0; i < n; i++) {
		char *x = NULL;
		glob_t g;

		if (!has_glob(p->extra_deny.v[i]) || nono_vars_expand(&x, p->extra_deny.v[i], v, NULL) < 0 ||
		    !has_glob(x)) {
			free(x);
			continue;
		}
		if (glob(x, GLOB_NOSORT, NULL, &g) == 0) {
			for (size_t k = 0; k < g.gl_pathc; k++)
				nono_strv_push(&p->extra_deny, g.gl_pathv[k]);
			globfree(&g);
		}
		free(x);
	}
}

int
nono_policy_finalize(struct nono_policy *p, struct nono_error *err)
{
	struct nono_vars v;
	int r = 0;
	size_t n_user_reqs = p->n_reqs;
	struct nono_request *user_reqs = p->reqs;

	if (!p->workdir) {
		char *cwd = getcwd(NULL, 0);

		p->workdir = cwd ? cwd : xstrdup("/");
	}
	nono_vars_from_env(&v, p->workdir, p->tmpdir);

	/* groups.exclude wins over include (required groups were refused) */
	for (size_t i = 0; i < p->groups.n;) {
		if (nono_strv_contains(&p->exclude_groups, p->groups.v[i])) {
			free(p->groups.v[i]);
			memmove(&p->groups.v[i], &p->groups.v[i + 1], (p->groups.n - i) * sizeof(char *));
			p->groups.n--;
		} else {
			i++;
		}
	}
	for (size_t i = 0; i < p->groups.n; i++)
		expand_group_deny(p, nono_group_find(p->groups.v[i]), &v);
	expand_deny_globs(p, &v);
	for (size_t i = 0; i < p->extra_deny.n; i++) {
		char *x = NULL, *abs, *canon;

		if ((r = nono_vars_expand(&x, p->extra_deny.v[i], &v, err)) < 0)
			return r;
		abs = nono_path_absolute(x);
		canon = nono_path_canonical_memo(abs, NULL, &p->memo);
		add_deny(p, abs, p->extra_deny.v[i], "filesystem.deny", "denied by the profile", false);
		if (strcmp(abs, canon) != 0)
			add_deny(p, canon, p->extra_deny.v[i], "filesystem.deny", "denied by the profile", false);
		free(canon);
		free(abs);
		free(x);
	}

	/* group grants first, then the flags, so sources read naturally */
	p->reqs = NULL;
	p->n_reqs = 0;
	for (size_t i = 0; i < p->groups.n; i++)
		expand_group_grants(p, nono_group_find(p->groups.v[i]));
	for (size_t i = 0; i < n_user_reqs; i++) {
		grant_glob(p, &user_reqs[i], &v);
		free(user_reqs[i].given);
		free(user_reqs[i].source);
	}
	free(user_reqs);

	for (size_t i = 0; i < p->bypass.n; i++) {
		char *x = NULL;

		if ((r = nono_vars_expand(&x, p->bypass.v[i], &v, err)) < 0)
			return r;
		nono_strv_push_owned(&p->bypass_canon, nono_path_canonical(x, NULL));
		free(x);
	}
	for (size_t i = 0; i < p->n_reqs; i++)
		if ((r = resolve_request(p, &p->reqs[i], &v, err)) < 0)
			return r;
	if ((r = check_bypasses(p, err)) < 0)
		return r;
	for (size_t i = 0; i < p->unix_sockets.n; i++) {
		char *x = NULL;

		if ((r = nono_vars_expand(&x, p->unix_sockets.v[i], &v, err)) < 0)
			return r;
		free(p->unix_sockets.v[i]);
		p->unix_sockets.v[i] = nono_path_canonical(x, NULL);
		free(x);
	}
	carve_rules(p);
	prune_redundant(p);
	add_git_rules(p);
	/* writable means writable: deleting, renaming away and truncating too,
	 * and the rollback journal keeps what is destroyed; --no-delete leaves
	 * them to the kernel to refuse (but for .git and allow_delete paths) */
	if (p->allow_delete || !p->no_delete)
		for (size_t i = 0; i < p->n_rules; i++)
			if (p->rules[i].user && (p->rules[i].access & NONO_ACC_WRITE))
				p->rules[i].access |= NONO_ACC_DELETE;
	if ((r = add_delete_paths(p, &v, err)) < 0)
		return r;
	for (size_t i = 0; i < p->lock_dirs_given.n; i++)
		if ((r = resolve_lockdir(p, p->lock_dirs_given.v[i], &v, err)) < 0)
			return r;
	p->finalized = true;
	return 0;
}

const char *
nono_op_name(enum nono_op op)
{
	switch (op) {
	case NONO_OP_READ:
		return "read";
	case NONO_OP_WRITE:
		return "write";
	case NONO_OP_DELETE:
		return "delete";
	}
	return "?";
}

int
nono_op_parse(const char *s, enum nono_op *out)
{
	if (strcmp(s, "read") == 0)
		*out = NONO_OP_READ;
	else if (strcmp(s, "write") == 0)
		*out = NONO_OP_WRITE;
	else if (strcmp(s, "delete") == 0)
		*out = NONO_OP_DELETE;
	else
		return -EINVAL;
	return 0;
}

const char *
nono_access_str(unsigned a)
{
	static const char *const names[] = {
	    "none", "read", "write", "read+write", "delete", "read+delete", "write+delete", "read+write+delete",
	};

	return names[a & 7];
}

/* union of the rights of every rule covering q (file rules only when exact) */
static unsigned
covering(const struct nono_policy *p, const char *q, bool dirs_only, unsigned need, const struct nono_rule **best,
	 const struct nono_rule **closest)
{
	unsigned acc = 0;
	size_t best_len = 0, closest_len = 0;

	*best = *closest = NULL;
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct nono_rule *r = &p->rules[i];
		bool hit = r->is_file ? (!dirs_only && strcmp(r->path, q) == 0) : nono_path_under(q, r->path);
		size_t len = strlen(r->path);

		if (!hit)
			continue;
		acc |= r->access;
		if ((r->access & need) == need && len >= best_len) {
			*best = r;
			best_len = len;
		}
		if (len >= closest_len) {
			*closest = r;
			closest_len = len;
		}
	}
	return acc;
}

/* Directories whose whole is never worth granting: the root, the homes and
 * the user's XDG roots. */
static bool
too_broad(const char *dir)
{
	static const char *const kinds[] = {"config", "state", "cache", "data"};
	bool r = strcmp(dir, "/") == 0 || strcmp(dir, "/home") == 0 || strcmp(dir, nono_home()) == 0;
	char *local = nono_path_join(nono_home(), ".local");

	r = r || strcmp(dir, local) == 0;
	for (size_t i = 0; !r && i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		char *x = nono_xdg_dir(kinds[i]);

		r = strcmp(dir, x) == 0;
		free(x);
	}
	free(local);
	return r;
}

/* The system's own trees: nono suggests no write or delete grant there. */
static bool
system_path(const char *path)
{
	static const char *const trees[] = {"/etc",   "/usr",	 "/bin",  "/sbin", "/lib",  "/lib32",
					    "/lib64", "/libx32", "/boot", "/dev",  "/proc", "/sys",
					    "/run",   "/var",	 "/opt",  "/srv",  "/snap", "/root"};

	for (size_t i = 0; i < sizeof(trees) / sizeof(trees[0]); i++)
		if (nono_path_under(path, trees[i]))
			return true;
	return false;
}

/* The flag that would grant op on out->path (the narrowest: the file, or
 * the directory a new entry or a deletion needs), or out->nofix saying why
 * nono offers none: write access to the system, or all of a home. */
static void
suggest_fix(struct nono_verdict *out, enum nono_op op, bool exists, bool is_dir, bool writable, bool no_delete)
{
	char *target;

	if (op != NONO_OP_READ && system_path(out->path)) {
		out->nofix = "a system path: nono offers no write grant there; such a change belongs outside the "
			     "sandbox, made by the user";
		return;
	}
	/* under --no-delete a writable grant needs --allow-delete to delete;
	 * by default a grant of the launch's own deletes already */
	if (op == NONO_OP_DELETE && writable && no_delete) {
		out->suggest = xstrdup("--allow-delete");
		return;
	}
	/* deletion is a right of the parent directory, whatever the entry is */
	if (op == NONO_OP_DELETE)
		target = nono_path_dirname(out->path);
	else
		target = exists ? xstrdup(out->path) : nono_path_dirname(out->path);
	if (exists && !is_dir && op != NONO_OP_DELETE)
		out->suggest = xasprintf("%s %s", op == NONO_OP_READ ? "--read-file" : "--allow-file", target);
	else if (too_broad(target))
		out->nofix = op == NONO_OP_READ ? "it would grant the whole directory; grant the file or the directory "
						  "that holds what is needed"
						: "a new entry directly in a home, the root or an XDG base directory: "
						  "nono grants none there; use a directory of the project";
	else if (strcmp(target, "/tmp") == 0 && op != NONO_OP_READ)
		out->nofix = "the shared /tmp: use $TMPDIR, the sandbox's own temporary directory";
	else
		out->suggest = xasprintf("%s %s%s", op == NONO_OP_READ ? "--read" : "--allow", target,
					 op == NONO_OP_DELETE && no_delete ? " --allow-delete" : "");
	free(target);
}

/* What the file's own permissions say for this user (Landlock does not
 * restrict access(2)): reading the object, or writing in the directory a
 * new entry or a deletion needs. 1, 0, or -1 when nothing is there to ask. */
static int
dac_check(const char *canon, enum nono_op op, bool exists, bool is_dir)
{
	char *dir;
	int r;

	if (op == NONO_OP_READ || (op == NONO_OP_WRITE && exists)) {
		if (!exists)
			return -1;
		return faccessat(AT_FDCWD, canon, (op == NONO_OP_READ ? R_OK : W_OK) | (is_dir ? X_OK : 0),
				 AT_EACCESS) == 0;
	}
	dir = nono_path_dirname(canon);
	r = faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS);
	r = r == 0 ? 1 : errno == ENOENT ? -1 : 0;
	free(dir);
	return r;
}

int
nono_policy_check(const struct nono_policy *p, const char *path, enum nono_op op, struct nono_verdict *out)
{
	bool exists;
	char *q;
	unsigned need, acc;
	const struct nono_rule *best, *closest;
	bool dirs_only = false;
	struct stat st;
	bool is_dir;

	memset(out, 0, sizeof(*out));
	out->path = nono_path_canonical(path, &exists);
	is_dir = exists && stat(out->path, &st) == 0 && S_ISDIR(st.st_mode);
	out->dac = dac_check(out->path, op, exists, is_dir);
	/* a lock directory: made and removed by the supervisor, nothing else */
	for (size_t i = 0; i < p->n_lock_dirs && op != NONO_OP_READ; i++)
		if (strcmp(p->lock_dirs[i].path, out->path) == 0) {
			out->allowed = true;
			out->reason = NONO_WHY_LOCKDIR;
			out->lock = &p->lock_dirs[i];
			return 0;
		}
	out->deny = nono_policy_sensitive(p, out->path);
	if (!out->deny) {
		char *abs = nono_path_absolute(path);

		out->deny = nono_policy_sensitive(p, abs);
		free(abs);
	}
	/* nono's own files: read as any other path, never written */
	if (out->deny && out->deny->readable) {
		if (op != NONO_OP_READ) {
			out->reason = NONO_WHY_OWN;
			return 0;
		}
		out->deny = NULL;
	}
	if (out->deny) {
		out->reason = NONO_WHY_SENSITIVE;
		/* a bypass alone grants nothing: name the grant it must come with;
		 * never a whole directory of credentials, only the one file */
		if (nono_policy_deny_own(out->deny))
			out->nofix = "nono's own state (audit trail, rollback store): never granted, not even with a "
				     "bypass";
		else if (is_dir || !exists)
			out->nofix = "a directory of a protected kind (credentials, keys, history): nono suggests no "
				     "bypass of all of it; name the one existing file needed, if any";
		else
			out->suggest = xasprintf("%s %s --bypass-protection %s",
						 op == NONO_OP_READ ? "--read-file" : "--allow-file", path, path);
		return 0;
	}
	switch (op) {
	case NONO_OP_READ:
		need = NONO_ACC_READ;
		q = xstrdup(out->path);
		break;
	case NONO_OP_WRITE:
		need = NONO_ACC_WRITE;
		q = exists ? xstrdup(out->path) : nono_path_dirname(out->path);
		break;
	default:
		need = NONO_ACC_DELETE;
		q = nono_path_dirname(out->path);
		dirs_only = true;
		break;
	}
	acc = covering(p, q, dirs_only, need, &best, &closest);
	free(q);
	if ((acc & need) == need) {
		out->allowed = true;
		out->reason = NONO_WHY_GRANTED;
		out->rule = best;
		if ((op == NONO_OP_DELETE || op == NONO_OP_WRITE) && best->user)
			out->mode =
			    !p->no_delete ? "writable means writable: modify, truncate, rename and delete; "
					    "the rollback journal keeps what is destroyed (nono rollback "
					    "restore), --no-delete refuses"
			    : (best->access & NONO_ACC_DELETE)
				? "--no-delete, but deletion is granted here (--allow-delete, allow_delete, or .git)"
				: "--no-delete: the kernel refuses deleting, renaming away and truncating here";
		return 0;
	}
	out->rule = closest;
	if (closest) {
		out->reason = NONO_WHY_INSUFFICIENT;
	} else {
		out->reason = NONO_WHY_NOT_GRANTED;
		for (size_t i = 0; i < p->n_carves; i++)
			if (nono_path_under(out->path, p->carves[i].path)) {
				out->reason = NONO_WHY_CARVED;
				out->carve = &p->carves[i];
			}
	}
	suggest_fix(out, op, exists, is_dir, (acc & NONO_ACC_WRITE) != 0, p->no_delete);
	return 0;
}

void
nono_verdict_free(struct nono_verdict *v)
{
	free(v->path);
	free(v->suggest);
	memset(v, 0, sizeof(*v));
}

static bool
cmd_match(const char *pattern, const char *base)
{
	size_t n = strlen(pattern);

	if (n && pattern[n - 1] == '*')
		return strncmp(pattern, base, n - 1) == 0;
	return strcmp(pattern, base) == 0;
}

bool
nono_policy_command_blocked(const struct nono_policy *p, const char *argv0, const char **category)
{
	const char *base = strrchr(argv0, '/');

	base = base ? base + 1 : argv0;
	*category = NULL;
	if (nono_strv_contains(&p->allow_cmds, base))
		return false;
	if (nono_strv_contains(&p->block_cmds, base)) {
		*category = "blocked by --block-command";
		return true;
	}
	for (size_t i = 0; i < p->groups.n; i++) {
		const struct nono_group *g = nono_group_find(p->groups.v[i]);

		for (size_t j = 0; g && g->commands && g->commands[j].name; j++)
			if (cmd_match(g->commands[j].name, base)) {
				*category = g->commands[j].category;
				return true;
			}
	}
	return false;
}

/* ---- port exceptions ---------------------------------------------------------- */

static int
port_num(const char *s, const char **end)
{
	long v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9' && v <= 65535; s++)
		v = v * 10 + (*s - '0');
	*end = s;
	return v >= 1 && v <= 65535 ? (int)v : -1;
}

int
nono_policy_add_ports(struct nono_policy *p, const char *spec, bool connect, const char *source, struct nono_error *err)
{
	const char *e = spec;
	int lo = port_num(spec, &e), hi = lo;
	size_t total = 0;

	if (lo > 0 && *e == '-')
		hi = port_num(e + 1, &e);
	if (lo < 0 || hi < 0 || *e || hi < lo) {
		nono_error_set(err, -EINVAL, "%s %s: expected a port (1-65535) or a range LO-HI", source, spec);
		nono_error_hint(err, "%s 3000, or %s 8000-8010", source, source);
		return err->code;
	}
	for (size_t i = 0; i < p->n_ports; i++)
		total += (size_t)(p->ports[i].hi - p->ports[i].lo + 1);
	if (p->n_ports >= NONO_PORT_RANGES_MAX || total + (size_t)(hi - lo + 1) > NONO_PORTS_MAX) {
		nono_error_set(err, -E2BIG, "%s %s: more than %d ports (%d ranges) in all", source, spec,
			       NONO_PORTS_MAX, NONO_PORT_RANGES_MAX);
		nono_error_hint(err, "each port is a kernel rule: name the ports the program uses");
		return err->code;
	}
	p->ports[p->n_ports++] = (struct nono_port_range){lo, hi, connect};
	return 0;
}

bool
nono_policy_port_open(const struct nono_policy *p, int port, bool connect)
{
	for (size_t i = 0; i < p->n_ports; i++)
		if (port >= p->ports[i].lo && port <= p->ports[i].hi && (p->ports[i].connect || !connect))
			return true;
	return false;
}

bool
nono_policy_may_change(const struct nono_policy *p, const char *path)
{
	char *dir = nono_path_dirname(path);
	struct nono_verdict v[3];
	bool w;

	memset(v, 0, sizeof(v));
	w = (nono_policy_check(p, path, NONO_OP_WRITE, &v[0]) == 0 && v[0].allowed) ||
	    (nono_policy_check(p, path, NONO_OP_DELETE, &v[1]) == 0 && v[1].allowed) ||
	    (nono_policy_check(p, dir, NONO_OP_WRITE, &v[2]) == 0 && v[2].allowed);
	for (size_t i = 0; i < 3; i++)
		nono_verdict_free(&v[i]);
	free(dir);
	return w;
}
