/* pack_install.c - see pack.h: registry indexes, pulling a pack into the
 * store (all of it verified in a private directory beside packs/, then
 * renamed into place), removing one, and copying its instruction files
 * into a project (supervisor side). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/sha256.h"
#include "store/objects.h"
#include "base/log.h"
#include "config/pack.h"
#include "config/settings.h"
#include "net/registry.h"
#include "base/sys.h"
#include "base/util.h"
#include "base/vars.h"

#define MAX_INDEX    (8 * 1024 * 1024)
#define MAX_MANIFEST (1024 * 1024)
#define MAX_SIG	     (16 * 1024)

/* ---- indexes ------------------------------------------------------------------- */

static void
avail_free(struct nono_pack_avail *a)
{
	free(a->name);
	free(a->description);
	free(a->latest);
	nono_strv_free(&a->versions);
	nono_strv_free(&a->manifest_sha);
	nono_strv_free(&a->profiles);
}

void
nono_pack_index_free(struct nono_pack_index *ix)
{
	if (!ix)
		return;
	for (size_t i = 0; i < ix->n; i++)
		avail_free(&ix->v[i]);
	free(ix->v);
	free(ix->registry);
	memset(ix, 0, sizeof(*ix));
}

/* one entry of "packs"; false (and skipped, with a note) when malformed */
static bool
parse_avail(struct nono_pack_avail *a, json_t *e)
{
	const char *name = json_string_value(json_object_get(e, "name"));
	const char *desc = json_string_value(json_object_get(e, "description"));
	struct nono_pack_ref ref;
	struct nono_error err = {0};
	json_t *v;
	size_t i;

	memset(a, 0, sizeof(*a));
	if (!name || nono_pack_ref_parse(&ref, name, &err) < 0 || ref.version[0])
		return false;
	json_array_foreach(json_object_get(e, "versions"), i, v)
	{
		const char *ver =
		    json_is_string(v) ? json_string_value(v) : json_string_value(json_object_get(v, "version"));
		const char *sha = json_string_value(json_object_get(v, "manifest_sha256"));

		if (!ver || !nono_pack_version_ok(ver) || nono_strv_contains(&a->versions, ver))
			continue;
		nono_strv_push(&a->versions, ver);
		nono_strv_push(&a->manifest_sha, sha ? sha : "");
		if (!a->latest || nono_pack_version_cmp(ver, a->latest) > 0) {
			free(a->latest);
			a->latest = xstrdup(ver);
		}
	}
	json_array_foreach(json_object_get(e, "profiles"), i, v) if (json_is_string(v))
	    nono_strv_push(&a->profiles, json_string_value(v));
	a->name = xstrdup(name);
	a->description = xstrdup(desc ? desc : "");
	if (!a->latest) {
		avail_free(a);
		return false;
	}
	return true;
}

int
nono_pack_index_get(struct nono_pack_index *out, const char *registry, const char *ca_file, bool progress,
		    struct nono_error *err)
{
	char *url = xasprintf("%s/index.json", registry), *body = NULL;
	struct nono_registry_opts o = {ca_file, progress ? "index" : NULL, MAX_INDEX};
	json_error_t je;
	json_t *doc = NULL, *e;
	size_t n = 0, i;
	int r;

	memset(out, 0, sizeof(*out));
	out->registry = xstrdup(registry);
	if ((r = nono_registry_get(&body, &n, url, &o, err)) < 0)
		goto out;
	doc = json_loadb(body, n, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_array(json_object_get(doc, "packs"))) {
		r = nono_error_set(err, -EINVAL, "%s: not a nono registry index (no \"packs\" list)", url);
		goto out;
	}
	out->v = xcalloc(json_array_size(json_object_get(doc, "packs")) + 1, sizeof(*out->v));
	json_array_foreach(json_object_get(doc, "packs"), i, e)
	{
		if (parse_avail(&out->v[out->n], e))
			out->n++;
		else
			log_debug("%s: packs[%zu] is malformed; skipped", url, i);
	}
out:
	json_decref(doc);
	free(body);
	free(url);
	return r;
}

const struct nono_pack_avail *
nono_pack_index_find(const struct nono_pack_index *ix, const char *name)
{
	for (size_t i = 0; i < ix->n; i++)
		if (strcmp(ix->v[i].name, name) == 0)
			return &ix->v[i];
	return NULL;
}

/* ---- the store's lock and directories -------------------------------------------- */

static char *
data_dir(void)
{
	char *d = nono_xdg_dir("data"), *r = xasprintf("%s/nono", d);

	free(d);
	return r;
}

/* flock on $XDG_DATA_HOME/nono/.packs.lock: one writer of the store at a time */
static int
lock_store(struct nono_error *err)
{
	char *dir = data_dir(), *path = nono_path_join(dir, ".packs.lock");
	int fd;

	nono_mkdir_p(dir, 0700);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		nono_error_set(err, -errno, "cannot lock the pack store %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = err->code;
	}
	free(path);
	free(dir);
	return fd;
}

/* the directory of rel (its last component excluded) beneath root, made
 * when create; an O_PATH descriptor, or -errno */
static int
open_parent(int root, const char *rel, bool create)
{
	char *dup = xstrdup(rel), *slash = strrchr(dup, '/'), *save = NULL;
	int fd = fcntl(root, F_DUPFD_CLOEXEC, 0);

	if (slash) {
		*slash = '\0';
		for (char *c = strtok_r(dup, "/", &save); c && fd >= 0; c = strtok_r(NULL, "/", &save)) {
			int next;

			if (create && mkdirat(fd, c, 0755) < 0 && errno != EEXIST)
				next = -errno;
			else if ((next = nono_pack_open_beneath(fd, c, O_PATH | O_DIRECTORY)) < 0)
				next = -errno;
			close(fd);
			fd = next;
		}
	}
	free(dup);
	return fd;
}

static void
iso_now(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
write_at(int dirfd, const char *name, const void *buf, size_t n, struct nono_error *err)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600), r = 0;

	if (fd < 0 || nono_write_all(fd, buf, n) < 0)
		r = nono_error_set(err, -errno, "cannot write %s: %s", name, strerror(errno));
	if (fd >= 0)
		close(fd);
	return r;
}

/* ---- one download ---------------------------------------------------------------- */

struct file_sink {
	int fd;
	struct nono_sha256 h;
	long long n;
};

static int
to_file(void *ctx, const void *buf, size_t n, struct nono_error *err)
{
	struct file_sink *s = ctx;
	int r = nono_write_all(s->fd, buf, n);

	if (r < 0)
		return nono_error_set(err, r, "cannot write: %s", strerror(-r));
	nono_sha256_update(&s->h, buf, n);
	s->n += (long long)n;
	return 0;
}

/* files/PATH of the pack at base into tmpfd's files/, checked against f */
static int
fetch_file(int tmpfd, const char *base, const struct nono_pack *p, const struct nono_pack_file *f,
	   const struct nono_pack_opts *o, struct nono_error *err)
{
	char *rel = xasprintf("files/%s", f->path), *url = xasprintf("%s/files/%s", base, f->path);
	char *label = o->progress ? xasprintf("%s", f->path) : NULL, hex[65];
	const char *leaf = strrchr(rel, '/') + 1;
	struct nono_registry_opts ro = {o->ca_file, label, f->size};
	struct file_sink s;
	unsigned char md[32];
	int dirfd = open_parent(tmpfd, rel, true), r;

	memset(&s, 0, sizeof(s));
	s.fd = -1;
	if (dirfd < 0) {
		r = nono_error_set(err, dirfd, "pack %s %s: cannot create the directory of %s: %s", p->name, p->version,
				   f->path, strerror(-dirfd));
		goto out;
	}
	s.fd = openat(dirfd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (s.fd < 0) {
		r = nono_error_set(err, -errno, "pack %s %s: cannot create %s: %s", p->name, p->version, f->path,
				   strerror(errno));
		goto out;
	}
	nono_sha256_init(&s.h);
	r = nono_registry_fetch(url, &ro, to_file, &s, err);
	nono_sha256_final(&s.h, md);
	nono_sha256_hex(hex, md);
	if (r == -EFBIG) {
		r = nono_error_set(
		    err, -EBADMSG,
		    "pack %s %s: %s does not match its signed manifest (larger than the %lld bytes signed)", p->name,
		    p->version, f->path, f->size);
		nono_error_hint(err, "the registry serves a file other than the one signed: nothing was installed");
	} else if (r == 0 && (s.n != f->size || strcmp(hex, f->sha256) != 0)) {
		r = nono_error_set(err, -EBADMSG,
				   "pack %s %s: %s does not match its signed manifest (%lld bytes, sha256 %.12s..., "
				   "expected %lld bytes, %.12s...)",
				   p->name, p->version, f->path, s.n, hex, f->size, f->sha256);
		nono_error_hint(err, "the registry serves a file other than the one signed: nothing was installed");
	}
out:
	if (r < 0 && r != -EBADMSG && !strstr(err->msg, p->name)) {
		char msg[sizeof(err->msg)];

		snprintf(msg, sizeof(msg), "%s", err->msg);
		nono_error_set(err, r, "pack %s %s: %s", p->name, p->version, msg);
	}
	if (s.fd >= 0)
		close(s.fd);
	if (dirfd >= 0)
		close(dirfd);
	free(label);
	free(url);
	free(rel);
	return r;
}

/* ---- choosing the version ------------------------------------------------------- */

/* The first registry whose index has the pack. *out_ix holds it. */
static int
find_pack(struct nono_pack_index *out_ix, const struct nono_pack_avail **out, const struct nono_pack_ref *ref,
	  const struct nono_pack_opts *o, struct nono_error *err)
{
	size_t failed = 0;

	*out = NULL;
	for (size_t i = 0; i < o->registries->n; i++) {
		nono_error_clear(err);
		if (nono_pack_index_get(out_ix, o->registries->v[i], o->ca_file, false, err) == 0 &&
		    (*out = nono_pack_index_find(out_ix, ref->full)))
			return 0;
		nono_pack_index_free(out_ix);
		if (!err->code)
			continue;
		/* an unreachable registry: the next one may have it */
		if (++failed == o->registries->n)
			return err->code;
		log_warn("%s", err->msg);
	}
	nono_error_clear(err);
	nono_error_set(err, -ENOENT, "no registry has the pack %s", ref->full);
	nono_error_hint(err, "'nono search %s' lists what the registries have (searched: %s%s)", ref->name,
			o->registries->v[0], o->registries->n > 1 ? ", ..." : "");
	return err->code;
}

/* Refuse an older version than the one installed or the highest ever
 * installed, unless forced with an explicit version. */
static int
check_downgrade(enum nono_pack_outcome *out, const struct nono_pack_ref *ref, const char *version,
		const char *installed, const struct nono_pack_opts *o, struct nono_error *err)
{
	char *hw = nono_pack_high_water(ref->full);
	const char *floor = installed;

	if (hw && (!floor || nono_pack_version_cmp(hw, floor) > 0))
		floor = hw;
	*out = !installed				       ? NONO_PACK_INSTALLED
	       : nono_pack_version_cmp(version, installed) > 0 ? NONO_PACK_UPGRADED
	       : nono_pack_version_cmp(version, installed) < 0 ? NONO_PACK_DOWNGRADED
							       : NONO_PACK_REINSTALLED;
	if (floor && nono_pack_version_cmp(version, floor) < 0 && !(o->force && ref->version[0])) {
		nono_error_set(err, -EPERM, "refusing to downgrade %s to %s: %s %s installed", ref->full, version,
			       floor, floor == hw && floor != installed ? "was" : "is");
		if (ref->version[0])
			nono_error_hint(err, "to install an older version on purpose: nono pull %s@%s --force",
					ref->full, version);
		else
			nono_error_hint(err, "the registry offers %s as the latest: it may be serving an old copy",
					version);
		free(hw);
		return err->code;
	}
	if (floor && nono_pack_version_cmp(version, floor) < 0)
		log_warn("installing %s %s, older than %s, because of --force", ref->full, version, floor);
	free(hw);
	return 0;
}

/* ---- pulling --------------------------------------------------------------------- */

static int
record_high_water(const char *name, const char *version, struct nono_error *err)
{
	char *path = nono_pack_versions_path(), *tmp = xasprintf("%s.tmp", path);
	json_t *doc = json_load_file(path, 0, NULL);
	const char *old;
	int r = 0;

	if (!json_is_object(doc)) {
		json_decref(doc);
		doc = json_object();
	}
	old = json_string_value(json_object_get(doc, name));
	if (!old || nono_pack_version_cmp(version, old) > 0) {
		json_object_set_new(doc, name, json_string(version));
		if (json_dump_file(doc, tmp, JSON_INDENT(2) | JSON_SORT_KEYS) < 0 || rename(tmp, path) < 0)
			r = nono_error_set(err, -EIO, "cannot record the version in %s", path);
	}
	unlink(tmp);
	json_decref(doc);
	free(tmp);
	free(path);
	return r;
}

/* Move tmp (the complete pack) to packs/OWNER/NAME, exchanging it with an
 * installed one, whose files then go with tmp. */
static int
commit(const char *tmp, const struct nono_pack_ref *ref, struct nono_error *err)
{
	char *root = nono_pack_root(), *owner = nono_path_join(root, ref->owner), *dest = nono_pack_dir(ref->full);
	bool made_root = access(root, F_OK) != 0, made_owner = access(owner, F_OK) != 0;
	int r = 0;

	if (nono_mkdir_p(owner, 0700) < 0) {
		r = nono_error_set(err, -errno, "cannot create %s: %s", owner, strerror(errno));
	} else if (access(dest, F_OK) == 0) {
		if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dest, RENAME_EXCHANGE) < 0)
			r = nono_error_set(err, -errno, "cannot replace %s: %s", dest, strerror(errno));
	} else if (rename(tmp, dest) < 0) {
		r = nono_error_set(err, -errno, "cannot move the pack to %s: %s", dest, strerror(errno));
	}
	if (r < 0 && made_owner)
		rmdir(owner);
	if (r < 0 && made_root)
		rmdir(root);
	free(dest);
	free(owner);
	free(root);
	return r;
}

/* manifest and signature from base, checked; written into tmpfd */
static int
fetch_manifest(struct nono_pack *out, int tmpfd, const char *base, const struct nono_pack_avail *a, size_t vi,
	       const struct nono_pack_opts *o, struct nono_error *err)
{
	char *murl = xasprintf("%s/manifest.json", base), *surl = xasprintf("%s/manifest.sig", base);
	struct nono_registry_opts mo = {o->ca_file, NULL, MAX_MANIFEST}, so = {o->ca_file, NULL, MAX_SIG};
	char *manifest = NULL, *sig = NULL, hex[65];
	struct nono_keyring kr = {0};
	size_t mn = 0, sn = 0;
	int r;

	if ((r = nono_registry_get(&manifest, &mn, murl, &mo, err)) < 0 ||
	    (r = nono_registry_get(&sig, &sn, surl, &so, err)) < 0)
		goto out;
	if (*a->manifest_sha.v[vi] && (nono_sha256_buf(manifest, mn, hex) < 0 || strcmp(hex, a->manifest_sha.v[vi]))) {
		r = nono_error_set(err, -EBADMSG, "pack %s %s: the manifest's SHA-256 is not the one the index gives",
				   a->name, a->versions.v[vi]);
		goto out;
	}
	if ((r = nono_keyring_load(&kr, err)) < 0 ||
	    (r = nono_pack_manifest_check(out, manifest, mn, sig, &kr, a->name, a->versions.v[vi], err)) < 0)
		goto out;
	if ((r = write_at(tmpfd, "manifest.json", manifest, mn, err)) < 0 ||
	    (r = write_at(tmpfd, "manifest.sig", sig, sn, err)) < 0)
		goto out;
	if (mkdirat(tmpfd, "files", 0700) < 0)
		r = nono_error_set(err, -errno, "cannot create files/: %s", strerror(errno));
out:
	nono_keyring_free(&kr);
	free(manifest);
	free(sig);
	free(murl);
	free(surl);
	return r;
}

/* Everything into a fresh directory beside packs/: the manifest, each file,
 * installed.json. */
static int
fetch_all(char **out_tmp, const struct nono_pack_index *ix, const struct nono_pack_avail *a, size_t vi,
	  const struct nono_pack_opts *o, struct nono_error *err)
{
	char *dir = data_dir(), *tmp = xasprintf("%s/.pack-tmp-XXXXXX", dir), now[32];
	char *base = xasprintf("%s/packs/%s/%s", ix->registry, a->name, a->versions.v[vi]);
	struct nono_pack p = {0};
	int tmpfd = -1, r;
	json_t *inst = NULL;
	char *text = NULL;

	*out_tmp = NULL;
	nono_mkdir_p(dir, 0700);
	if (!mkdtemp(tmp) || (tmpfd = open(tmp, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		r = nono_error_set(err, -errno, "cannot create a directory in %s: %s", dir, strerror(errno));
		goto out;
	}
	if ((r = fetch_manifest(&p, tmpfd, base, a, vi, o, err)) < 0)
		goto out;
	for (size_t i = 0; i < p.n_files && r == 0; i++)
		r = fetch_file(tmpfd, base, &p, &p.files[i], o, err);
	if (r < 0)
		goto out;
	iso_now(now);
	inst = json_pack("{s:s, s:s, s:s, s:s}", "registry", ix->registry, "installed_at", now, "version", p.version,
			 "keyid", p.keyid);
	text = json_dumps(inst, JSON_INDENT(2) | JSON_SORT_KEYS);
	r = write_at(tmpfd, "installed.json", text, strlen(text), err);
out:
	if (tmpfd >= 0)
		close(tmpfd);
	if (r < 0 && access(tmp, F_OK) == 0)
		nono_rm_rf(tmp);
	else if (r == 0)
		*out_tmp = xstrdup(tmp);
	json_decref(inst);
	free(text);
	nono_pack_free(&p);
	free(base);
	free(tmp);
	free(dir);
	return r;
}

int
nono_pack_pull(enum nono_pack_outcome *out, char **out_from, const struct nono_pack_ref *ref,
	       const struct nono_pack_opts *o, struct nono_error *err)
{
	struct nono_pack_index ix = {0};
	const struct nono_pack_avail *a = NULL;
	char *installed = nono_pack_installed_version(ref->full), *tmp = NULL;
	const char *version;
	size_t vi = 0;
	int lock = -1, r;

	*out_from = NULL;
	if ((r = find_pack(&ix, &a, ref, o, err)) < 0)
		goto out;
	version = ref->version[0] ? ref->version : a->latest;
	while (vi < a->versions.n && strcmp(a->versions.v[vi], version) != 0)
		vi++;
	if (vi == a->versions.n) {
		r = nono_error_set(err, -ENOENT, "%s has no version %s (the latest is %s)", ref->full, version,
				   a->latest);
		goto out;
	}
	if ((r = check_downgrade(out, ref, version, installed, o, err)) < 0)
		goto out;
	if (*out == NONO_PACK_REINSTALLED && !o->force) {
		*out = NONO_PACK_CURRENT;
		goto out;
	}
	if (o->dry_run)
		goto out;
	if ((lock = r = lock_store(err)) < 0 || (r = fetch_all(&tmp, &ix, a, vi, o, err)) < 0 ||
	    (r = commit(tmp, ref, err)) < 0)
		goto out;
	/* tmp holds the replaced pack now, if there was one */
	nono_rm_rf(tmp);
	/* installed: a failure to remember the version is only a warning */
	if (record_high_water(ref->full, version, err) < 0)
		log_warn("%s", err->msg);
	nono_error_clear(err);
	r = 0;
	*out_from = installed;
	installed = NULL;
out:
	if (r < 0 && tmp)
		nono_rm_rf(tmp);
	if (lock >= 0)
		close(lock);
	nono_pack_index_free(&ix);
	free(installed);
	free(tmp);
	return r < 0 ? r : 0;
}

int
nono_pack_remove(const char *name, struct nono_error *err)
{
	char *dest = nono_pack_dir(name), *owner = nono_path_dirname(dest), *dir = data_dir();
	char *tmp = xasprintf("%s/.pack-tmp-XXXXXX", dir);
	int lock = lock_store(err), r = lock;

	if (lock < 0)
		goto out;
	if (access(dest, F_OK) != 0) {
		r = nono_error_set(err, -ENOENT, "pack %s is not installed", name);
		nono_error_hint(err, "'nono list --installed' lists the packs");
	} else if (!mkdtemp(tmp) || renameat2(AT_FDCWD, dest, AT_FDCWD, tmp, RENAME_EXCHANGE) < 0) {
		r = nono_error_set(err, -errno, "cannot remove %s: %s", dest, strerror(errno));
	} else {
		/* dest is the empty directory now: gone, then the pack */
		rmdir(dest);
		nono_rm_rf(tmp);
		rmdir(owner);
		r = 0;
	}
	if (r < 0 && access(tmp, F_OK) == 0 && strstr(tmp, "XXXXXX") == NULL)
		rmdir(tmp);
out:
	if (lock >= 0)
		close(lock);
	free(tmp);
	free(dir);
	free(owner);
	free(dest);
	return r;
}

/* ---- --init: instruction files into a project ---------------------------------------- */

/* copy the pack's file rel into dirfd/rel via a temporary name; the bytes
 * are checked against the manifest as they are copied */
static int
copy_one(int packfd, int destfd, const struct nono_pack_file *f, struct nono_error *err)
{
	char *src = xasprintf("files/%s", f->path), *leaf = strrchr(f->path, '/') ? strrchr(f->path, '/') + 1 : f->path;
	char *tmp = xasprintf(".%s.nono-%d", leaf, (int)getpid()), buf[65536], hex[65];
	int in = nono_pack_open_beneath(packfd, src, O_RDONLY), pd = open_parent(destfd, f->path, true), out = -1,
	    r = 0;
	struct nono_sha256 h;
	unsigned char md[32];
	ssize_t n;

	if (in < 0 || pd < 0) {
		r = nono_error_set(err, -EIO, "cannot %s %s: %s",
				   in < 0 ? "read the pack's" : "create the directory of", f->path,
				   strerror(in < 0 ? errno : -pd));
		goto out;
	}
	out = openat(pd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (out < 0) {
		r = nono_error_set(err, -errno, "cannot create %s: %s", f->path, strerror(errno));
		goto out;
	}
	nono_sha256_init(&h);
	while ((n = read(in, buf, sizeof(buf))) > 0 && r == 0) {
		nono_sha256_update(&h, buf, (size_t)n);
		if (nono_write_all(out, buf, (size_t)n) < 0)
			r = nono_error_set(err, -errno, "cannot write %s: %s", f->path, strerror(errno));
	}
	nono_sha256_final(&h, md);
	nono_sha256_hex(hex, md);
	if (r == 0 && (n < 0 || strcmp(hex, f->sha256) != 0))
		r = nono_error_set(err, -EBADMSG, "the pack's %s does not match its manifest", f->path);
	if (r == 0 && renameat(pd, tmp, pd, leaf) < 0)
		r = nono_error_set(err, -errno, "cannot put %s in place: %s", f->path, strerror(errno));
	if (r < 0)
		unlinkat(pd, tmp, 0);
out:
	if (out >= 0)
		close(out);
	if (in >= 0)
		close(in);
	if (pd >= 0)
		close(pd);
	free(tmp);
	free(src);
	return r;
}

static const struct nono_pack_file *
file_of(const struct nono_pack *p, const char *path)
{
	for (size_t i = 0; i < p->n_files; i++)
		if (strcmp(p->files[i].path, path) == 0)
			return &p->files[i];
	return NULL;
}

int
nono_pack_init_files(struct nono_strv *out_copied, const struct nono_pack *p, const char *dir, bool force,
		     struct nono_error *err)
{
	int destfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC),
	    packfd = open(p->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r = 0;

	memset(out_copied, 0, sizeof(*out_copied));
	if (destfd < 0 || packfd < 0) {
		r = nono_error_set(err, -errno, "cannot open %s: %s", destfd < 0 ? dir : p->dir, strerror(errno));
		goto out;
	}
	/* first every check, so a refusal copies nothing */
	for (size_t i = 0; i < p->instructions.n && !force; i++) {
		int pd = open_parent(destfd, p->instructions.v[i], false);
		const char *leaf = strrchr(p->instructions.v[i], '/');
		struct stat st;

		leaf = leaf ? leaf + 1 : p->instructions.v[i];
		if (pd >= 0 && fstatat(pd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			close(pd);
			r = nono_error_set(err, -EEXIST, "%s/%s exists: nothing was copied", dir, p->instructions.v[i]);
			nono_error_hint(err, "move it away, or add --force to overwrite the pack's files");
			goto out;
		}
		if (pd >= 0)
			close(pd);
		else if (pd != -ENOENT) {
			r = nono_error_set(err, pd, "%s/%s: %s: nothing was copied", dir, p->instructions.v[i],
					   pd == -ELOOP || pd == -EXDEV ? "a symlink in the way" : strerror(-pd));
			goto out;
		}
	}
	for (size_t i = 0; i < p->instructions.n && r == 0; i++) {
		const struct nono_pack_file *f = file_of(p, p->instructions.v[i]);

		if (f && (r = copy_one(packfd, destfd, f, err)) == 0)
			nono_strv_push(out_copied, f->path);
	}
out:
	if (destfd >= 0)
		close(destfd);
	if (packfd >= 0)
		close(packfd);
	return r;
}

/* ---- the registries to ask ------------------------------------------------ */

int
nono_registry_urls(struct nono_strv *out, const struct nono_strv *given, struct nono_error *err)
{
	const char *env = getenv("NONO_REGISTRY");
	const struct nono_config *c = nono_settings();
	int r = 0;

	memset(out, 0, sizeof(*out));
	if (given && given->n) {
		for (size_t i = 0; i < given->n && r == 0; i++)
			r = nono_registry_add_urls(out, given->v[i], "--registry", err);
	} else if (env && *env) {
		r = nono_registry_add_urls(out, env, "NONO_REGISTRY", err);
	} else if (c->registry_urls.n) {
		for (size_t i = 0; i < c->registry_urls.n && r == 0; i++)
			r = nono_registry_add_urls(out, c->registry_urls.v[i], c->path, err);
	} else if (*NONO_DEFAULT_REGISTRY) {
		r = nono_registry_add_urls(out, NONO_DEFAULT_REGISTRY, "the built-in default", err);
	}
	if (r == 0 && !out->n) {
		nono_error_set(err, -ENOENT, "no pack registry is configured");
		nono_error_hint(err,
				"add '[registry]' 'url = https://...' to %s, or set NONO_REGISTRY, or pass "
				"--registry URL",
				c->path ? c->path : "~/.config/nono/config.ini");
		r = err->code;
	}
	if (r < 0)
		nono_strv_free(out);
	return r;
}

const char *
nono_registry_ca_file(void)
{
	return nono_settings()->registry_ca;
}
