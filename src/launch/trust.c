/* trust.c - see trust.h (supervisor side). */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "agent/hooks.h"
#include "store/objects.h"
#include "base/log.h"
#include "config/pack.h"
#include "launch/trust.h"
#include "base/vars.h"

#define SIDECAR	    ".nono-trust.json"
#define MAX_TEXT    (4 * 1024 * 1024) /* larger files are hashed as they are */
#define MAX_SIDECAR (1024 * 1024)
#define MAX_FILES   5000
#define MAX_DEPTH   8
#define MAX_PARENTS 64

/* What agents read, relative to a directory they may work in. */
static const char *const top_files[] = {
    "CLAUDE.md",
    "CLAUDE.local.md",
    "AGENTS.md",
    "AGENTS.override.md",
    "GEMINI.md",
    ".cursorrules",
    ".github/copilot-instructions.md",
    ".claude/CLAUDE.md",
    NULL,
};
static const char *const top_trees[] = {
    ".claude/commands", ".claude/agents", ".claude/skills", ".claude/hooks",
    ".claude/rules",	".agents/skills", ".cursor/rules",  NULL,
};
/* a grant that is itself an agent's directory (~/.claude) */
static const char *const agent_files[] = {"CLAUDE.md", NULL};
static const char *const agent_trees[] = {"commands", "agents", "skills", "hooks", "rules", NULL};
/* the parents of the working directory: what Claude Code reads upwards */
static const char *const parent_files[] = {"CLAUDE.md", "CLAUDE.local.md", "AGENTS.md", NULL};

bool
nono_trust_ok(enum nono_trust_state s)
{
	return s == NONO_TRUST_EMPTY || s == NONO_TRUST_PACK || s == NONO_TRUST_SIGNED;
}

const char *
nono_trust_state_name(enum nono_trust_state s)
{
	static const char *const names[] = {
	    [NONO_TRUST_EMPTY] = "empty",	[NONO_TRUST_PACK] = "pack",	    [NONO_TRUST_SIGNED] = "signed",
	    [NONO_TRUST_UNSIGNED] = "unsigned", [NONO_TRUST_MODIFIED] = "modified", [NONO_TRUST_BAD] = "bad-signature",
	};

	return names[s];
}

char *
nono_trust_display(const char *path, const char *base)
{
	if (base && nono_path_under(path, base) && strcmp(path, base) != 0 && strcmp(base, "/") != 0)
		return xstrdup(path + strlen(base) + 1);
	return nono_path_display(path);
}

/* ---- the policy ------------------------------------------------------------------ */

char *
nono_trust_policy_path(void)
{
	char *cfg = nono_xdg_dir("config"), *p = xasprintf("%s/nono/trust-policy.json", cfg);

	free(cfg);
	return p;
}

int
nono_trust_policy_load(struct nono_trust_report *r, struct nono_error *err)
{
	char *path = nono_trust_policy_path();
	json_error_t je;
	json_t *doc, *v;
	const char *e;
	size_t i;
	int rc = 0;

	if (access(path, F_OK) != 0) {
		free(path);
		return 0;
	}
	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	e = json_string_value(json_object_get(doc, "enforce"));
	if (!json_is_object(doc) || (e && strcmp(e, "all") && strcmp(e, "enrolled")) ||
	    (json_object_get(doc, "directories") && !json_is_array(json_object_get(doc, "directories")))) {
		rc = nono_error_set(err, -EINVAL, "%s: not a trust policy (%s)", path,
				    doc ? "enforce is \"all\" or \"enrolled\"; directories a list" : je.text);
		nono_error_hint(err, "fix it, or remove it and run 'nono trust init' again");
	}
	r->all = e && strcmp(e, "all") == 0;
	json_array_foreach(json_object_get(doc, "directories"), i,
			   v) if (json_is_string(v) && json_string_value(v)[0] == '/')
	    nono_strv_push(&r->enrolled, json_string_value(v));
	json_decref(doc);
	free(path);
	return rc;
}

int
nono_trust_enroll(const char *dir, bool all, bool *out_added, struct nono_error *err)
{
	struct nono_trust_report r = {0};
	char *path = nono_trust_policy_path(), *tmp = xasprintf("%s.tmp", path), *pdir = nono_path_dirname(path);
	json_t *doc = NULL, *dirs;
	int rc;

	*out_added = false;
	if ((rc = nono_trust_policy_load(&r, err)) < 0)
		goto out;
	if ((all && !r.all) || (dir && !nono_strv_contains(&r.enrolled, dir))) {
		*out_added = true;
		if (dir)
			nono_strv_push(&r.enrolled, dir);
	}
	if (!*out_added)
		goto out;
	dirs = json_array();
	for (size_t i = 0; i < r.enrolled.n; i++)
		json_array_append_new(dirs, json_string(r.enrolled.v[i]));
	doc = json_pack("{s:i, s:s, s:o}", "version", 1, "enforce", all || r.all ? "all" : "enrolled", "directories",
			dirs);
	nono_mkdir_p(pdir, 0700);
	if (json_dump_file(doc, tmp, JSON_INDENT(2)) < 0 || rename(tmp, path) < 0)
		rc = nono_error_set(err, -EIO, "cannot write %s", path);
	unlink(tmp);
out:
	json_decref(doc);
	nono_trust_report_free(&r);
	free(pdir);
	free(tmp);
	free(path);
	return rc;
}

void
nono_trust_report_free(struct nono_trust_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->files[i].path);
		free(r->files[i].by);
	}
	free(r->files);
	nono_strv_free(&r->enrolled);
	nono_strv_free(&r->packs);
	memset(r, 0, sizeof(*r));
}

/* ---- digests ------------------------------------------------------------------------ */

static bool
blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return false;
	return true;
}

/* The digests a signature may name: the file's bytes (raw) and, for a
 * CLAUDE.md holding exactly this nono's guidance block, the bytes without
 * it (stripped; "" when the same). *is_blank when what is left is blank. */
static int
digests(const char *path, char raw[65], char stripped[65], bool *is_blank)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	char *text = NULL, *same = NULL, *cut = NULL;
	const char *base = strrchr(path, '/') + 1;
	struct nono_error err = {0};
	ssize_t n;
	int r = 0;

	stripped[0] = '\0';
	*is_blank = false;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if (st.st_size > MAX_TEXT) {
		r = nono_sha256_fd(fd, raw);
		close(fd);
		return r;
	}
	text = xmalloc((size_t)st.st_size + 1);
	n = read(fd, text, (size_t)st.st_size);
	close(fd);
	if (n < 0 || nono_sha256_buf(text, (size_t)n, raw) < 0) {
		free(text);
		return -EIO;
	}
	text[n] = '\0';
	*is_blank = blank(text, (size_t)n);
	if ((strcmp(base, "CLAUDE.md") == 0 || strcmp(base, "AGENTS.md") == 0) && strlen(text) == (size_t)n &&
	    nono_hooks_guidance_edit(&same, text, path, false, &err) == 0 &&
	    nono_hooks_guidance_edit(&cut, text, path, true, &err) == 1) {
		*is_blank = blank(cut, strlen(cut));
		if (nono_sha256_buf(cut, strlen(cut), stripped) < 0)
			stripped[0] = '\0';
	}
	free(same);
	free(cut);
	free(text);
	return r;
}

/* sha256 -> pack, for every instruction file of every installed pack whose
 * manifest verifies (pairs in one vector: digest, name) */
static void
pack_digests(struct nono_strv *out)
{
	struct nono_strv names;
	struct nono_keyring kr = {0};
	struct nono_error err = {0};

	memset(out, 0, sizeof(*out));
	nono_pack_installed(&names);
	if (names.n && nono_keyring_load(&kr, &err) < 0)
		log_warn("%s", err.msg);
	for (size_t i = 0; i < names.n; i++) {
		struct nono_pack p;

		nono_error_clear(&err);
		if (nono_pack_load(&p, names.v[i], &kr, false, &err) < 0) {
			log_warn("%s", err.msg);
			continue;
		}
		for (size_t k = 0; k < p.instructions.n; k++)
			for (size_t j = 0; j < p.n_files; j++)
				if (strcmp(p.files[j].path, p.instructions.v[k]) == 0) {
					nono_strv_push(out, p.files[j].sha256);
					nono_strv_push(out, p.name);
				}
		nono_pack_free(&p);
	}
	nono_keyring_free(&kr);
	nono_strv_free(&names);
}

/* ---- signatures beside the files --------------------------------------------------- */

struct sidecars {
	struct nono_strv dirs; /* directories looked at */
	json_t **docs;	       /* their .nono-trust.json, or NULL */
};

static json_t *
sidecar_get(struct sidecars *sc, const char *dir)
{
	char *path;
	json_t *doc;
	int dfd;
	char *text;

	for (size_t i = 0; i < sc->dirs.n; i++)
		if (strcmp(sc->dirs.v[i], dir) == 0)
			return sc->docs[i];
	path = nono_path_join(dir, SIDECAR);
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	text = dfd >= 0 ? nono_pack_read_at(dfd, SIDECAR, MAX_SIDECAR, NULL) : NULL;
	doc = text ? json_loads(text, JSON_REJECT_DUPLICATES, NULL) : NULL;
	if (text && !json_is_array(json_object_get(doc, "signatures")))
		log_warn("%s is not a nono signature file; ignored", path);
	if (dfd >= 0)
		close(dfd);
	free(text);
	free(path);
	sc->docs = xrealloc(sc->docs, (sc->dirs.n + 1) * sizeof(*sc->docs));
	sc->docs[sc->dirs.n] = doc;
	nono_strv_push(&sc->dirs, dir);
	return doc;
}

static void
sidecars_free(struct sidecars *sc)
{
	for (size_t i = 0; i < sc->dirs.n; i++)
		json_decref(sc->docs[i]);
	free(sc->docs);
	nono_strv_free(&sc->dirs);
}

static char *
signed_text(const char *rel, const char *sha)
{
	return xasprintf("path %s\nsha256 %s\n", rel, sha);
}

/* The entry for rel in doc, or NULL. */
static json_t *
entry_for(json_t *doc, const char *rel)
{
	size_t i;
	json_t *e;

	json_array_foreach(json_object_get(doc, "signatures"), i, e)
	{
		const char *p = json_string_value(json_object_get(e, "path"));

		if (p && strcmp(p, rel) == 0)
			return e;
	}
	return NULL;
}

/* The nearest .nono-trust.json above f with an entry for it decides. */
static void
check_signature(struct nono_trust_file *f, const char *raw, const char *stripped, struct sidecars *sc,
		const struct nono_keyring *kr)
{
	char *dir = nono_path_dirname(f->path);

	for (int up = 0; up < MAX_PARENTS; up++) {
		json_t *e = entry_for(sidecar_get(sc, dir), f->path + strlen(dir) + (strcmp(dir, "/") != 0));
		char *next;

		if (e) {
			const char *rel = f->path + strlen(dir) + (strcmp(dir, "/") != 0);
			const char *sha = json_string_value(json_object_get(e, "sha256"));
			char *text = signed_text(rel, sha ? sha : "");
			struct nono_error err = {0};

			if (!sha || nono_sign_verify(kr, rel, NONO_SIGN_DOMAIN_TRUST, text, strlen(text),
						     json_string_value(json_object_get(e, "keyid")),
						     json_string_value(json_object_get(e, "signature")), &err) < 0) {
				f->state = NONO_TRUST_BAD;
				f->by = xstrdup(sha ? err.msg : "an entry without a sha256");
			} else if (strcmp(sha, raw) == 0 || strcmp(sha, stripped) == 0) {
				f->state = NONO_TRUST_SIGNED;
				f->by = xstrdup(json_string_value(json_object_get(e, "keyid")));
			} else {
				f->state = NONO_TRUST_MODIFIED;
				f->by = xasprintf("signed as %.12s..., now %.12s...", sha, *stripped ? stripped : raw);
			}
			free(text);
			break;
		}
		if (strcmp(dir, "/") == 0)
			break;
		next = nono_path_dirname(dir);
		free(dir);
		dir = next;
	}
	free(dir);
}

/* ---- scanning ------------------------------------------------------------------------ */

struct scan {
	struct nono_trust_report *r;
	bool (*readable)(const char *, void *);
	void *ctx;
	struct nono_strv seen;
	char *over; /* a tree too deep or too full to check whole: the scan fails */
};

static void
add_file(struct scan *s, const char *path)
{
	char *canon = realpath(path, NULL);
	struct stat st;
	struct nono_trust_file *f;

	if (!canon || nono_strv_contains(&s->seen, canon) || stat(canon, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (s->readable && !s->readable(canon, s->ctx))) {
		free(canon);
		return;
	}
	if (s->r->n >= MAX_FILES) {
		if (!s->over)
			s->over = canon;
		else
			free(canon);
		return;
	}
	nono_strv_push(&s->seen, canon);
	s->r->files = xrealloc(s->r->files, (s->r->n + 1) * sizeof(*s->r->files));
	f = &s->r->files[s->r->n++];
	memset(f, 0, sizeof(*f));
	f->path = canon;
}

static void
add_tree(struct scan *s, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct nono_strv names = {0};

	if (d && depth >= MAX_DEPTH) {
		if (!s->over)
			s->over = xstrdup(dir);
		closedir(d);
		return;
	}

	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, SIDECAR))
			nono_strv_push(&names, e->d_name);
	if (d)
		closedir(d);
	for (size_t i = 0; i < names.n; i++) {
		char *p = nono_path_join(dir, names.v[i]);
		struct stat st;

		/* a directory is entered only as itself, never through a link */
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			add_tree(s, p, depth + 1);
		else
			add_file(s, p);
		free(p);
	}
	nono_strv_free(&names);
}

static void
add_root(struct scan *s, const char *root)
{
	const char *base = strrchr(root, '/');
	bool agent_dir = base && strcmp(base, "/.claude") == 0;
	const char *const *files = agent_dir ? agent_files : top_files;
	const char *const *trees = agent_dir ? agent_trees : top_trees;
	struct stat st;

	/* a file named on its own ('nono trust verify FILE') */
	if (stat(root, &st) == 0 && !S_ISDIR(st.st_mode)) {
		add_file(s, root);
		return;
	}

	for (size_t i = 0; files[i]; i++) {
		char *p = nono_path_join(root, files[i]);

		add_file(s, p);
		free(p);
	}
	for (size_t i = 0; trees[i]; i++) {
		char *p = nono_path_join(root, trees[i]);

		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			add_tree(s, p, 0);
		free(p);
	}
}

static bool
enforced(const struct nono_trust_report *r, const char *path)
{
	if (r->all || r->packs.n)
		return true;
	for (size_t i = 0; i < r->enrolled.n; i++)
		if (nono_path_under(path, r->enrolled.v[i]))
			return true;
	return false;
}

static void
classify(struct nono_trust_report *r, const struct nono_keyring *kr)
{
	struct nono_strv packs;
	struct sidecars sc = {0};

	pack_digests(&packs);
	for (size_t i = 0; i < r->n; i++) {
		struct nono_trust_file *f = &r->files[i];
		char raw[65] = "", stripped[65];
		bool is_blank;

		f->enforced = enforced(r, f->path);
		f->state = NONO_TRUST_UNSIGNED;
		if (digests(f->path, raw, stripped, &is_blank) < 0) {
			f->by = xstrdup("cannot be read");
		} else if (is_blank) {
			f->state = NONO_TRUST_EMPTY;
		} else {
			for (size_t k = 0; k + 1 < packs.n && f->state == NONO_TRUST_UNSIGNED; k += 2)
				if (strcmp(packs.v[k], raw) == 0 || strcmp(packs.v[k], stripped) == 0) {
					f->state = NONO_TRUST_PACK;
					f->by = xstrdup(packs.v[k + 1]);
				}
			if (f->state == NONO_TRUST_UNSIGNED)
				check_signature(f, raw, stripped, &sc, kr);
		}
		memcpy(f->digest, *stripped ? stripped : raw, 65);
		if (f->enforced && !nono_trust_ok(f->state))
			r->n_untrusted++;
	}
	sidecars_free(&sc);
	nono_strv_free(&packs);
}

int
nono_trust_scan(struct nono_trust_report *r, const struct nono_strv *roots, const char *workdir,
		bool (*readable)(const char *path, void *ctx), void *ctx, struct nono_error *err)
{
	struct scan s = {r, readable, ctx, {0}, NULL};
	struct nono_keyring kr = {0};
	char *dir = workdir ? nono_path_dirname(workdir) : NULL;
	int rc;

	if ((rc = nono_keyring_load(&kr, err)) < 0)
		goto out;
	for (size_t i = 0; i < roots->n; i++)
		add_root(&s, roots->v[i]);
	for (int up = 0; dir && up < MAX_PARENTS; up++) {
		char *next;

		for (size_t i = 0; parent_files[i]; i++) {
			char *p = nono_path_join(dir, parent_files[i]);

			add_file(&s, p);
			free(p);
		}
		if (strcmp(dir, "/") == 0)
			break;
		next = nono_path_dirname(dir);
		free(dir);
		dir = next;
	}
	if (s.over) {
		/* what cannot be checked whole is not passed over */
		rc = nono_error_set(err, -E2BIG,
				    "instruction files: %s is beyond what nono checks (more than %d files, or %d "
				    "directories deep)",
				    s.over, MAX_FILES, MAX_DEPTH);
		nono_error_hint(err, "grant less (the agent's directories are scanned whole), or --trust-override");
		goto out;
	}
	classify(r, &kr);
	r->scanned = true;
out:
	nono_keyring_free(&kr);
	nono_strv_free(&s.seen);
	free(s.over);
	free(dir);
	return rc;
}

/* ---- the launch ---------------------------------------------------------------------- */

static bool
sandbox_reads(const char *path, void *ctx)
{
	const struct nono_policy *p = ctx;
	struct nono_verdict v;
	bool ok = nono_policy_check(p, path, NONO_OP_READ, &v) == 0 && v.allowed;

	nono_verdict_free(&v);
	return ok;
}

/* Whether anything can be enforced: the policy names everything, a pack in
 * use declares instructions, or an enrolled directory meets a root or the
 * working directory's parents. */
static bool
may_enforce(const struct nono_trust_report *r, const struct nono_strv *roots, const char *workdir)
{
	if (r->all || r->packs.n)
		return true;
	for (size_t i = 0; i < r->enrolled.n; i++) {
		if (nono_path_under(workdir, r->enrolled.v[i]))
			return true;
		for (size_t j = 0; j < roots->n; j++)
			if (nono_path_under(roots->v[j], r->enrolled.v[i]) ||
			    nono_path_under(r->enrolled.v[i], roots->v[j]))
				return true;
	}
	return false;
}

static void
launch_roots(struct nono_strv *roots, const struct nono_policy *p)
{
	nono_strv_push(roots, p->workdir);
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct nono_rule *g = &p->rules[i];

		if (g->user && !g->carved && !g->is_file && (g->access & NONO_ACC_READ) &&
		    !nono_strv_contains(roots, g->path))
			nono_strv_push(roots, g->path);
	}
	for (size_t i = 0; i < p->n_carves; i++)
		if (!nono_strv_contains(roots, p->carves[i].path))
			nono_strv_push(roots, p->carves[i].path);
}

static void
refusal(struct nono_trust_report *r, const char *workdir, struct nono_error *err)
{
	struct nono_strv names = {0};
	char list[600] = "", cmd[400] = "";

	for (size_t i = 0; i < r->n; i++) {
		const struct nono_trust_file *f = &r->files[i];
		char *d, *e;

		if (!f->enforced || nono_trust_ok(f->state))
			continue;
		d = nono_trust_display(f->path, workdir);
		e = nono_str_escape(d);
		if (names.n < 3)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s (%s)", names.n ? ", " : "", e,
				 f->state == NONO_TRUST_MODIFIED ? "changed since it was signed"
				 : f->state == NONO_TRUST_BAD	 ? "its signature does not verify"
								 : "not signed");
		snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), " %s", e);
		nono_strv_push_owned(&names, e);
		free(d);
	}
	nono_error_set(err, -EPERM, "untrusted instruction file%s: %s%s", names.n == 1 ? "" : "s", list,
		       names.n > 3 ? ", ..." : "");
	nono_error_hint(err, "review %s, then trust %s: nono trust sign%s (or run once with --trust-override)",
			names.n == 1 ? "it" : "them", names.n == 1 ? "it" : "them", cmd);
	nono_strv_free(&names);
}

int
nono_trust_launch(struct nono_trust_report *r, const struct nono_policy *p, bool override, struct nono_error *err)
{
	const struct nono_strv *used = nono_pack_used_with_instructions();
	const char *env = getenv("NONO_TRUST_OVERRIDE");
	struct nono_strv roots = {0};
	int rc, b = env && *env ? nono_parse_bool(env) : 0;

	memset(r, 0, sizeof(*r));
	if (b < 0)
		return nono_error_set(err, -EINVAL, "NONO_TRUST_OVERRIDE=%s: expected 1/0, true/false, yes/no", env);
	r->override = override || b == 1;
	for (size_t i = 0; i < used->n; i++)
		nono_strv_push(&r->packs, used->v[i]);
	if ((rc = nono_trust_policy_load(r, err)) < 0)
		return rc;
	launch_roots(&roots, p);
	if (may_enforce(r, &roots, p->workdir))
		rc = nono_trust_scan(r, &roots, p->workdir, sandbox_reads, (void *)p, err);
	nono_strv_free(&roots);
	if (rc == -E2BIG && r->override) {
		log_warn("%s", err->msg);
		nono_error_clear(err);
		rc = 0;
	}
	if (rc < 0)
		return rc;
	if (r->n_untrusted && !r->override) {
		refusal(r, p->workdir, err);
		return err->code;
	}
	return 0;
}

void
nono_trust_banner(const struct nono_trust_report *r, bool audited, const char *workdir)
{
	if (!r->override)
		return;
	fprintf(stderr, "%s  trust instruction-file check overridden (--trust-override): ", nono_c(2, C_YELLOW));
	if (r->n_untrusted)
		fprintf(stderr, "%zu untrusted file%s reach%s the agent", r->n_untrusted,
			r->n_untrusted == 1 ? "" : "s", r->n_untrusted == 1 ? "es" : "");
	else
		fprintf(stderr, "nothing untrusted found");
	fprintf(stderr, "; never in production%s%s\n", audited ? "" : " (not recorded: --no-audit)",
		nono_c(2, C_RESET));
	for (size_t i = 0; i < r->n; i++)
		if (r->files[i].enforced && !nono_trust_ok(r->files[i].state)) {
			char *d = nono_trust_display(r->files[i].path, workdir);

			fprintf(stderr, "%s       untrusted: ", nono_c(2, C_YELLOW));
			nono_fputs_escaped(d, stderr);
			fprintf(stderr, " (%s)%s\n", nono_trust_state_name(r->files[i].state), nono_c(2, C_RESET));
			free(d);
		}
}

void
nono_trust_audit(const struct nono_trust_report *r, struct nono_audit *a)
{
	struct nono_strv files = {0};
	char *joined = NULL, *count;
	const char *kv[9];

	if (!r->override || !a)
		return;
	for (size_t i = 0; i < r->n; i++)
		if (r->files[i].enforced && !nono_trust_ok(r->files[i].state)) {
			char *j = xasprintf("%s%s%s (%s)", joined ? joined : "", joined ? ", " : "", r->files[i].path,
					    nono_trust_state_name(r->files[i].state));

			free(joined);
			joined = j;
		}
	count = xasprintf("%zu", r->n_untrusted);
	kv[0] = "reason";
	kv[1] = "--trust-override";
	kv[2] = "untrusted_count";
	kv[3] = count;
	kv[4] = "untrusted";
	kv[5] = joined ? joined : "";
	kv[6] = "checked";
	kv[7] = r->scanned ? "yes" : "no (no trust policy applies)";
	kv[8] = NULL;
	nono_audit_note(a, "trust_override", kv);
	free(count);
	free(joined);
	nono_strv_free(&files);
}

/* ---- signing --------------------------------------------------------------------------- */

int
nono_trust_user_key(unsigned char seed[NONO_SIGN_SEED], bool create, bool *out_created, struct nono_error *err)
{
	char *path = nono_sign_user_key_path(), *kdir = NULL, *kfile = NULL, *line = NULL;
	struct nono_key k = {{0}, "", (char *)"nono trust: your signing key", NULL};
	int r = nono_privkey_read(seed, path, err), fd;

	*out_created = false;
	if (r != -ENOENT || !create)
		goto out;
	nono_error_clear(err);
	if ((r = nono_sign_keygen(seed, k.pub, err)) < 0 || (r = nono_privkey_write(path, seed, false, err)) < 0)
		goto out;
	nono_key_id(k.id, k.pub);
	kdir = nono_keyring_user_dir();
	kfile = xasprintf("%s/%s.pub", kdir, k.id);
	line = nono_key_line(&k);
	nono_mkdir_p(kdir, 0700);
	fd = open(kfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 || nono_write_all(fd, line, strlen(line)) < 0)
		r = nono_error_set(err, -errno, "cannot write %s: %s", kfile, strerror(errno));
	if (fd >= 0)
		close(fd);
	*out_created = r == 0;
out:
	free(line);
	free(kfile);
	free(kdir);
	free(path);
	return r;
}

/* where file's signature goes: the innermost agent directory above it, or
 * the directory holding it */
static char *
sidecar_dir(const char *file)
{
	static const char *const agents[] = {"/.claude/", "/.agents/", "/.github/", "/.cursor/", NULL};
	const char *best = NULL;

	for (size_t i = 0; agents[i]; i++)
		for (const char *p = strstr(file, agents[i]); p; p = strstr(p + 1, agents[i]))
			if (!best || p > best)
				best = p + strlen(agents[i]) - 1;
	return best ? xasprintf("%.*s", (int)(best - file), file) : nono_path_dirname(file);
}

static int
write_sidecar(const char *dir, json_t *doc, struct nono_error *err)
{
	char *path = nono_path_join(dir, SIDECAR), *tmp = xasprintf("%s/.nono-trust.%d.tmp", dir, (int)getpid());
	char *text = json_dumps(doc, JSON_INDENT(2));
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644), r = 0;

	if (fd < 0 || nono_write_all(fd, text, strlen(text)) < 0 || nono_write_all(fd, "\n", 1) < 0 ||
	    rename(tmp, path) < 0)
		r = nono_error_set(err, -errno, "cannot write %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	if (r < 0)
		unlink(tmp);
	free(text);
	free(tmp);
	free(path);
	return r;
}

int
nono_trust_sign_file(char **out_sidecar, const char *file, const unsigned char seed[NONO_SIGN_SEED],
		     struct nono_error *err)
{
	char *canon = realpath(file, NULL), *dir = NULL, *text = NULL, *sig = NULL, raw[65], stripped[65];
	unsigned char pub[NONO_SIGN_PUB];
	char keyid[NONO_KEYID_LEN];
	json_t *doc = NULL, *list, *e;
	struct sidecars sc = {0};
	const char *rel;
	bool is_blank, added;
	int r;

	*out_sidecar = NULL;
	if (!canon || digests(canon, raw, stripped, &is_blank) < 0) {
		r = nono_error_set(err, -errno ? -errno : -EINVAL, "%s: %s", file,
				   canon ? "not a regular file" : strerror(errno));
		goto out;
	}
	dir = sidecar_dir(canon);
	rel = canon + strlen(dir) + (strcmp(dir, "/") != 0);
	text = signed_text(rel, *stripped ? stripped : raw);
	if ((r = nono_sign_public(pub, seed, err)) < 0 ||
	    (r = nono_sign_make(&sig, seed, NONO_SIGN_DOMAIN_TRUST, text, strlen(text), err)) < 0)
		goto out;
	nono_key_id(keyid, pub);
	doc = json_deep_copy(sidecar_get(&sc, dir));
	if (!json_is_array(json_object_get(doc, "signatures"))) {
		json_decref(doc);
		doc = json_pack("{s:i, s:[]}", "version", 1, "signatures");
	}
	list = json_object_get(doc, "signatures");
	/* one entry per file: a new signature replaces the old */
	e = entry_for(doc, rel);
	for (size_t i = json_array_size(list); e && i-- > 0;)
		if (json_array_get(list, i) == e)
			json_array_remove(list, i);
	json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}", "path", rel, "sha256", *stripped ? stripped : raw,
					      "keyid", keyid, "signature", sig));
	if ((r = write_sidecar(dir, doc, err)) == 0 && (r = nono_trust_enroll(dir, false, &added, err)) == 0)
		*out_sidecar = nono_path_join(dir, SIDECAR);
out:
	sidecars_free(&sc);
	json_decref(doc);
	free(sig);
	free(text);
	free(dir);
	free(canon);
	return r;
}
