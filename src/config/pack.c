/* pack.c - see pack.h: references, versions, manifests and the installed
 * store; installing is pack_install.c (supervisor side). */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/objects.h"
#include "base/log.h"
#include "config/pack.h"
#include "config/profile_name.h"
#include "base/sys.h"
#include "base/vars.h"

#define MAX_MANIFEST (1024 * 1024)

/* ---- names, versions, paths ------------------------------------------------ */

static bool
name_ok(const char *s, size_t n)
{
	if (!n || n > NONO_PACK_NAME_MAX || !(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && !strchr("._-", s[i]))
			return false;
	return true;
}

bool
nono_pack_version_ok(const char *v)
{
	size_t n = strlen(v);

	if (!n || n > NONO_PACK_NAME_MAX || !isdigit((unsigned char)v[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)v[i]) && !strchr(".-+", v[i]))
			return false;
	return strstr(v, "..") == NULL;
}

int
nono_pack_ref_parse(struct nono_pack_ref *out, const char *s, struct nono_error *err)
{
	const char *slash = strchr(s, '/'), *at = strchr(s, '@');
	size_t on, nn;

	memset(out, 0, sizeof(*out));
	if (!slash || (at && at < slash))
		goto bad;
	on = (size_t)(slash - s);
	nn = at ? (size_t)(at - slash - 1) : strlen(slash + 1);
	if (!name_ok(s, on) || !name_ok(slash + 1, nn) || (at && !nono_pack_version_ok(at + 1)))
		goto bad;
	memcpy(out->owner, s, on);
	memcpy(out->name, slash + 1, nn);
	if (at)
		snprintf(out->version, sizeof(out->version), "%s", at + 1);
	snprintf(out->full, sizeof(out->full), "%s/%s", out->owner, out->name);
	return 0;
bad:
	nono_error_set(err, -EINVAL, "'%s' is not a pack reference (OWNER/NAME or OWNER/NAME@VERSION)", s);
	nono_error_hint(err, "owner and name are lower-case letters, digits, '.', '_' and '-'; 'nono search' "
			     "lists the packs");
	return err->code;
}

/* the next part of a version: digits or not, up to '.', '-' or '+' */
static const char *
vpart(const char *v, char *out, size_t n, bool *numeric)
{
	size_t i = 0;

	*numeric = isdigit((unsigned char)*v);
	while (*v && *v != '.' && *v != '-' && *v != '+') {
		if (i + 1 < n)
			out[i++] = *v;
		v++;
	}
	out[i] = '\0';
	return v;
}

int
nono_pack_version_cmp(const char *a, const char *b)
{
	char pa[NONO_PACK_NAME_MAX + 1], pb[NONO_PACK_NAME_MAX + 1];
	bool na, nb;

	/* the release part, part by part */
	while (*a && *a != '-' && *a != '+' && *b && *b != '-' && *b != '+') {
		a = vpart(a, pa, sizeof(pa), &na);
		b = vpart(b, pb, sizeof(pb), &nb);
		if (na && nb) {
			unsigned long long x = strtoull(pa, NULL, 10), y = strtoull(pb, NULL, 10);

			if (x != y)
				return x < y ? -1 : 1;
		} else if (na != nb || strcmp(pa, pb) != 0) {
			return na != nb ? (na ? 1 : -1) : strcmp(pa, pb) < 0 ? -1 : 1;
		}
		a += *a == '.';
		b += *b == '.';
	}
	/* "1.0" and "1.0.0" are one version; a longer release is newer */
	while (*a == '0' || *a == '.')
		a++;
	while (*b == '0' || *b == '.')
		b++;
	if ((*a && *a != '-' && *a != '+') || (*b && *b != '-' && *b != '+'))
		return *a && *a != '-' && *a != '+' ? 1 : -1;
	/* a pre-release sorts before the release; build metadata is ignored */
	if ((*a == '-') != (*b == '-'))
		return *a == '-' ? -1 : 1;
	if (*a == '-') {
		int c = strcmp(a, b);

		return c < 0 ? -1 : c > 0;
	}
	return 0;
}

bool
nono_pack_path_ok(const char *path)
{
	size_t n = strlen(path), start = 0;

	if (!n || n > 255 || path[0] == '/' || path[n - 1] == '/')
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && path[i] != '/') {
			if (!isalnum((unsigned char)path[i]) && !strchr("._-+@", path[i]))
				return false;
			continue;
		}
		if (i == start || (i - start == 1 && path[start] == '.') ||
		    (i - start == 2 && path[start] == '.' && path[start + 1] == '.'))
			return false;
		start = i + 1;
	}
	return true;
}

/* ---- manifests --------------------------------------------------------------- */

void
nono_pack_free(struct nono_pack *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->version);
	free(p->description);
	for (size_t i = 0; i < p->n_files; i++)
		free(p->files[i].path);
	free(p->files);
	nono_strv_free(&p->profile_names);
	nono_strv_free(&p->profile_files);
	nono_strv_free(&p->instructions);
	free(p->dir);
	free(p->registry);
	free(p->installed_at);
	memset(p, 0, sizeof(*p));
}

static bool
hex64(const char *s)
{
	if (!s || strlen(s) != 64)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s) && !(*s >= 'a' && *s <= 'f'))
			return false;
	return true;
}

static bool
has_file(const struct nono_pack *p, const char *path)
{
	for (size_t i = 0; i < p->n_files; i++)
		if (strcmp(p->files[i].path, path) == 0)
			return true;
	return false;
}

/* one entry of "files": a regular file at a safe path */
static int
parse_file(struct nono_pack *p, json_t *f, size_t i, long long *total, struct nono_error *err)
{
	const char *path = json_string_value(json_object_get(f, "path"));
	const char *sha = json_string_value(json_object_get(f, "sha256"));
	const char *type = json_string_value(json_object_get(f, "type"));
	json_t *size = json_object_get(f, "size");
	struct nono_pack_file *e;

	if (!path)
		return nono_error_set(err, -EINVAL, "files[%zu] has no path", i);
	if (!nono_pack_path_ok(path))
		return nono_error_set(err, -EINVAL,
				      "files[%zu]: the path '%.300s' would escape the pack or is not a plain "
				      "relative path (no '/' first, no '..', letters, digits and ._-+@ only)",
				      i, path);
	if ((type && strcmp(type, "file") != 0) || json_object_get(f, "target"))
		return nono_error_set(err, -EINVAL, "files[%zu]: %s is a %s: a pack holds regular files only", i, path,
				      type ? type : "link");
	if (!json_is_integer(size) || json_integer_value(size) < 0 || json_integer_value(size) > NONO_PACK_FILE_MAX ||
	    !hex64(sha))
		return nono_error_set(err, -EINVAL, "files[%zu]: %s needs a size (at most 16 MiB) and a sha256", i,
				      path);
	*total += json_integer_value(size);
	for (size_t j = 0; j < p->n_files; j++) {
		const char *o = p->files[j].path;
		size_t l = strlen(o), m = strlen(path);

		if (strcmp(o, path) == 0 || (l < m && strncmp(o, path, l) == 0 && path[l] == '/') ||
		    (m < l && strncmp(o, path, m) == 0 && o[m] == '/'))
			return nono_error_set(err, -EINVAL, "files: %s and %s cannot both be files", o, path);
	}
	e = &p->files[p->n_files++];
	e->path = xstrdup(path);
	e->size = json_integer_value(size);
	memcpy(e->sha256, sha, 65);
	return 0;
}

/* profiles and instructions: names for files the manifest lists */
static int
parse_uses(struct nono_pack *p, json_t *doc, struct nono_error *err)
{
	json_t *profiles = json_object_get(doc, "profiles"), *ins = json_object_get(doc, "instructions"), *v;
	const char *k;
	size_t i;

	if ((profiles && !json_is_object(profiles)) || (ins && !json_is_array(ins)))
		return nono_error_set(err, -EINVAL, "profiles must map names to files, instructions list files");
	json_object_foreach(profiles, k, v)
	{
		const char *f = json_string_value(v);

		if (!nono_profile_name_valid(k) || !f || !has_file(p, f))
			return nono_error_set(err, -EINVAL, "profiles.%.100s: a profile name and a file of the pack",
					      k);
		nono_strv_push(&p->profile_names, k);
		nono_strv_push(&p->profile_files, f);
	}
	json_array_foreach(ins, i, v)
	{
		const char *f = json_string_value(v);

		if (!f || !has_file(p, f))
			return nono_error_set(err, -EINVAL, "instructions[%zu]: not a file of the pack", i);
		nono_strv_push(&p->instructions, f);
	}
	return 0;
}

static int
parse_manifest(struct nono_pack *p, json_t *doc, const char *want_name, const char *want_version,
	       struct nono_error *err)
{
	const char *name = json_string_value(json_object_get(doc, "name"));
	const char *version = json_string_value(json_object_get(doc, "version"));
	const char *desc = json_string_value(json_object_get(doc, "description"));
	json_t *files = json_object_get(doc, "files"), *f;
	struct nono_pack_ref ref;
	long long total = 0;
	size_t i;
	int r;

	if (json_integer_value(json_object_get(doc, "format")) != 1)
		return nono_error_set(err, -EINVAL, "not a nono pack manifest of format 1");
	if (!name || nono_pack_ref_parse(&ref, name, err) < 0 || ref.version[0] || !version ||
	    !nono_pack_version_ok(version))
		return nono_error_set(err, -EINVAL, "the manifest needs a name OWNER/NAME and a version");
	if ((want_name && strcmp(name, want_name) != 0) || (want_version && strcmp(version, want_version) != 0))
		return nono_error_set(err, -EINVAL, "the manifest is for %s %s, not what was asked for", name, version);
	if (!json_is_array(files) || json_array_size(files) > NONO_PACK_FILES_MAX)
		return nono_error_set(err, -EINVAL, "files must be a list of at most %d entries", NONO_PACK_FILES_MAX);
	p->name = xstrdup(name);
	p->version = xstrdup(version);
	p->description = xstrdup(desc ? desc : "");
	p->files = xcalloc(json_array_size(files) + 1, sizeof(*p->files));
	json_array_foreach(files, i, f) if ((r = parse_file(p, f, i, &total, err)) < 0) return r;
	if (total > NONO_PACK_SIZE_MAX)
		return nono_error_set(err, -EFBIG, "the files add up to more than 64 MiB");
	return parse_uses(p, doc, err);
}

int
nono_pack_manifest_check(struct nono_pack *out, const char *manifest, size_t n, const char *sigdoc,
			 const struct nono_keyring *kr, const char *want_name, const char *want_version,
			 struct nono_error *err)
{
	json_error_t je;
	json_t *sig = sigdoc ? json_loads(sigdoc, JSON_REJECT_DUPLICATES, &je) : NULL, *doc = NULL;
	char what[200];
	int r;

	memset(out, 0, sizeof(*out));
	snprintf(what, sizeof(what), "pack %s%s%s", want_name ? want_name : "manifest", want_version ? " " : "",
		 want_version ? want_version : "");
	if (!json_is_object(sig)) {
		r = nono_error_set(err, -EBADMSG, "%s: its signature file is not {\"keyid\", \"signature\"}", what);
		goto out;
	}
	r = nono_sign_verify(kr, what, NONO_SIGN_DOMAIN_PACK, manifest, n,
			     json_string_value(json_object_get(sig, "keyid")),
			     json_string_value(json_object_get(sig, "signature")), err);
	if (r < 0)
		goto out;
	snprintf(out->keyid, sizeof(out->keyid), "%s", json_string_value(json_object_get(sig, "keyid")));
	doc = json_loadb(manifest, n, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(doc)) {
		r = nono_error_set(err, -EINVAL, "%s: the manifest is not JSON: %s", what, je.text);
		goto out;
	}
	if ((r = parse_manifest(out, doc, want_name, want_version, err)) < 0) {
		char msg[sizeof(err->msg)];

		snprintf(msg, sizeof(msg), "%s", err->msg);
		nono_error_set(err, r, "%s: %s", what, msg);
	}
out:
	if (r < 0) {
		char keyid[NONO_KEYID_LEN];

		memcpy(keyid, out->keyid, sizeof(keyid));
		nono_pack_free(out);
		memcpy(out->keyid, keyid, sizeof(keyid));
	}
	json_decref(sig);
	json_decref(doc);
	return r;
}

/* ---- the store ---------------------------------------------------------------- */

char *
nono_pack_root(void)
{
	char *d = nono_xdg_dir("data"), *r = xasprintf("%s/nono/packs", d);

	free(d);
	return r;
}

char *
nono_pack_dir(const char *name)
{
	char *root = nono_pack_root(), *r = nono_path_join(root, name);

	free(root);
	return r;
}

int
nono_pack_open_beneath(int dirfd, const char *path, int flags)
{
	struct open_how how = {.flags = (unsigned)flags | O_CLOEXEC | O_NOFOLLOW,
			       .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};

	return nono_sys_openat2(dirfd, path, &how);
}

char *
nono_pack_read_at(int dirfd, const char *path, size_t max, size_t *out_len)
{
	int fd = nono_pack_open_beneath(dirfd, path, O_RDONLY | O_NONBLOCK);
	struct stat st;
	char *buf;
	ssize_t n;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	n = read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	buf[n] = '\0';
	if (out_len)
		*out_len = (size_t)n;
	return buf;
}

/* SHA-256 and size of a file of the pack, opened beneath its directory */
static int
check_file(int dirfd, const struct nono_pack_file *f)
{
	char *rel = xasprintf("files/%s", f->path), hex[65];
	int fd = nono_pack_open_beneath(dirfd, rel, O_RDONLY | O_NONBLOCK);
	struct stat st;
	int r = -EBADMSG;

	free(rel);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == f->size && nono_sha256_fd(fd, hex) == 0 &&
	    strcmp(hex, f->sha256) == 0)
		r = 0;
	close(fd);
	return r;
}

static void
read_installed(struct nono_pack *p, int dirfd)
{
	char *text = nono_pack_read_at(dirfd, "installed.json", 64 * 1024, NULL);
	json_t *doc = text ? json_loads(text, 0, NULL) : NULL;
	const char *reg = json_string_value(json_object_get(doc, "registry"));
	const char *at = json_string_value(json_object_get(doc, "installed_at"));

	p->registry = xstrdup(reg ? reg : "");
	p->installed_at = xstrdup(at ? at : "");
	json_decref(doc);
	free(text);
}

int
nono_pack_load(struct nono_pack *out, const char *name, const struct nono_keyring *kr, bool check_files,
	       struct nono_error *err)
{
	char *dir = nono_pack_dir(name), *manifest = NULL, *sig = NULL;
	struct nono_keyring own = {0};
	size_t n = 0;
	int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW), r = 0;

	memset(out, 0, sizeof(*out));
	if (dirfd < 0) {
		r = nono_error_set(err, errno == ENOENT ? -ENOENT : -errno, "pack %s is not installed", name);
		nono_error_hint(err, "nono pull %s", name);
		goto out;
	}
	if (!kr && (r = nono_keyring_load(&own, err)) < 0)
		goto out;
	manifest = nono_pack_read_at(dirfd, "manifest.json", MAX_MANIFEST, &n);
	sig = nono_pack_read_at(dirfd, "manifest.sig", 64 * 1024, NULL);
	if (!manifest || !sig) {
		r = nono_error_set(err, -EBADMSG, "pack %s: %s/manifest.%s is missing or unreadable", name, dir,
				   manifest ? "sig" : "json");
		goto bad;
	}
	if ((r = nono_pack_manifest_check(out, manifest, n, sig, kr ? kr : &own, name, NULL, err)) < 0)
		goto bad;
	for (size_t i = 0; check_files && i < out->n_files; i++)
		if (check_file(dirfd, &out->files[i]) < 0) {
			r = nono_error_set(err, -EBADMSG,
					   "pack %s: %s/files/%s does not match its signed manifest (changed, "
					   "truncated or missing)",
					   name, dir, out->files[i].path);
			nono_pack_free(out);
			goto bad;
		}
	out->dir = xstrdup(dir);
	read_installed(out, dirfd);
	goto out;
bad:
	nono_error_hint(err, "the installed pack was tampered with: reinstall it with 'nono pull %s --force'", name);
out:
	if (dirfd >= 0)
		close(dirfd);
	nono_keyring_free(&own);
	free(manifest);
	free(sig);
	free(dir);
	return r;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
nono_pack_installed(struct nono_strv *out)
{
	char *root = nono_pack_root();
	DIR *d = opendir(root), *d2;
	struct dirent *e, *e2;

	memset(out, 0, sizeof(*out));
	while (d && (e = readdir(d))) {
		char *od;

		if (!name_ok(e->d_name, strlen(e->d_name)))
			continue;
		od = nono_path_join(root, e->d_name);
		d2 = opendir(od);
		while (d2 && (e2 = readdir(d2)))
			if (name_ok(e2->d_name, strlen(e2->d_name)))
				nono_strv_push_owned(out, xasprintf("%s/%s", e->d_name, e2->d_name));
		if (d2)
			closedir(d2);
		free(od);
	}
	if (d)
		closedir(d);
	if (out->n)
		qsort(out->v, out->n, sizeof(out->v[0]), cmp_str);
	free(root);
}

/* the manifest, parsed but not verified: for listings and lookups, which
 * verify what they then use */
static json_t *
peek(const char *name)
{
	char *dir = nono_pack_dir(name), *p = nono_path_join(dir, "manifest.json");
	json_t *doc = json_load_file(p, JSON_REJECT_DUPLICATES, NULL);

	free(p);
	free(dir);
	return doc;
}

char *
nono_pack_installed_version(const char *name)
{
	json_t *doc = peek(name);
	const char *v = json_string_value(json_object_get(doc, "version"));
	char *r = v ? xstrdup(v) : NULL;

	json_decref(doc);
	return r;
}

char *
nono_pack_versions_path(void)
{
	char *d = nono_xdg_dir("data"), *r = xasprintf("%s/nono/pack-versions.json", d);

	free(d);
	return r;
}

char *
nono_pack_high_water(const char *name)
{
	char *path = nono_pack_versions_path();
	json_t *doc = json_load_file(path, 0, NULL);
	const char *v = json_string_value(json_object_get(doc, name));
	char *r = v ? xstrdup(v) : NULL;

	json_decref(doc);
	free(path);
	return r;
}

/* ---- profiles --------------------------------------------------------------------- */

static struct nono_strv used; /* packs with instruction files whose profiles were loaded */

const struct nono_strv *
nono_pack_used_with_instructions(void)
{
	return &used;
}

static bool
peek_has_profile(json_t *doc, const char *profile)
{
	return json_object_get(json_object_get(doc, "profiles"), profile) != NULL;
}

char *
nono_pack_profile_provider(const char *profile)
{
	struct nono_strv names;
	char *r = NULL;

	nono_pack_installed(&names);
	for (size_t i = 0; i < names.n && !r; i++) {
		json_t *doc = peek(names.v[i]);

		if (peek_has_profile(doc, profile))
			r = xstrdup(names.v[i]);
		json_decref(doc);
	}
	nono_strv_free(&names);
	return r;
}

/* "pack:O/N[/P]" or upstream's "O/N[@V]": the pack, the profile (or ""),
 * the version pinned (or ""). false when ref is not one. */
static bool
split_ref(const char *ref, struct nono_pack_ref *pr, char *profile, size_t n, bool *explicit_ref)
{
	struct nono_error e = {0};
	char buf[256];
	char *second;
	size_t l = strlen(ref);

	*explicit_ref = strncmp(ref, "pack:", 5) == 0;
	profile[0] = '\0';
	if (*explicit_ref)
		ref += 5;
	else if (strchr(ref, '/') != strrchr(ref, '/') || ref[0] == '.' || ref[0] == '~' ||
		 (l > 5 && strcmp(ref + l - 5, ".json") == 0) || (l > 6 && strcmp(ref + l - 6, ".jsonc") == 0))
		return false;
	if (strlen(ref) >= sizeof(buf))
		return false;
	snprintf(buf, sizeof(buf), "%s", ref);
	second = strchr(buf, '/') ? strchr(strchr(buf, '/') + 1, '/') : NULL;
	if (second) {
		*second = '\0';
		snprintf(profile, n, "%s", second + 1);
	}
	return nono_pack_ref_parse(pr, buf, &e) == 0;
}

static int
choose_profile(char **out_path, const struct nono_pack *p, const char *profile, const char *ref, struct nono_error *err)
{
	size_t k = p->profile_names.n;

	for (size_t i = 0; i < p->profile_names.n; i++)
		if (*profile ? strcmp(p->profile_names.v[i], profile) == 0 : p->profile_names.n == 1)
			k = i;
	if (k == p->profile_names.n) {
		if (!p->profile_names.n)
			return nono_error_set(err, -ENOENT, "pack %s has no profile", p->name);
		nono_error_set(err, -ENOENT, "pack %s has %s profile '%s'", p->name, *profile ? "no" : "more than one",
			       *profile ? profile : ref);
		nono_error_hint(err, "name one: --profile pack:%s/%s ('nono profile list' shows them)", p->name,
				p->profile_names.v[0]);
		return err->code;
	}
	*out_path = xasprintf("%s/files/%s", p->dir, p->profile_files.v[k]);
	if (p->instructions.n && !nono_strv_contains(&used, p->name))
		nono_strv_push(&used, p->name);
	return 1;
}

static bool
is_installed(const char *name)
{
	char *v = nono_pack_installed_version(name);
	bool r = v != NULL;

	free(v);
	return r;
}

int
nono_pack_profile_find(char **out_path, const char *ref, enum nono_pack_lookup how, struct nono_error *err)
{
	struct nono_pack_ref pr;
	struct nono_pack p;
	char profile[128], *provider = NULL;
	bool explicit_ref;
	int r;

	*out_path = NULL;
	if (how == NONO_PACK_BY_NAME) {
		if (!nono_profile_name_valid(ref) || !(provider = nono_pack_profile_provider(ref)))
			return 0;
		snprintf(profile, sizeof(profile), "%s", ref);
		r = nono_pack_ref_parse(&pr, provider, err);
		free(provider);
		if (r < 0)
			return r;
	} else if (!split_ref(ref, &pr, profile, sizeof(profile), &explicit_ref)) {
		if (strncmp(ref, "pack:", 5) != 0)
			return 0;
		/* "pack:" and no pack reference after it */
		r = nono_pack_ref_parse(&pr, ref + 5, err);
		return r < 0 ? r : nono_error_set(err, -EINVAL, "'%s' is not a pack profile reference", ref);
	} else if (!explicit_ref && !is_installed(pr.full)) {
		return 0; /* "a/b" that is no installed pack: a path */
	}
	if ((r = nono_pack_load(&p, pr.full, NULL, true, err)) < 0)
		return r;
	if (pr.version[0] && strcmp(pr.version, p.version) != 0) {
		nono_error_set(err, -ENOENT, "pack %s is installed at version %s, not %s", pr.full, p.version,
			       pr.version);
		nono_error_hint(err, "nono pull %s@%s", pr.full, pr.version);
		r = err->code;
	} else {
		r = choose_profile(out_path, &p, profile, ref, err);
	}
	nono_pack_free(&p);
	return r;
}

static void
list_row(bool json, bool *first, const struct nono_pack *p, size_t i)
{
	const char *pn = p->profile_names.v[i];
	char *ref = p->profile_names.n == 1 ? xasprintf("pack:%s", p->name) : xasprintf("pack:%s/%s", p->name, pn);
	char *prov = nono_pack_profile_provider(pn), *user = nono_profile_user_path(pn),
	     *userc = xasprintf("%sc", user);
	bool as_name = prov && strcmp(prov, p->name) == 0 && access(user, F_OK) != 0 && access(userc, F_OK) != 0;

	if (json) {
		printf("%s\n  {\"name\": ", *first ? "" : ",");
		nono_json_string(stdout, ref);
		printf(", \"source\": \"pack\", \"pack\": ");
		nono_json_string(stdout, p->name);
		printf(", \"version\": ");
		nono_json_string(stdout, p->version);
		printf(", \"profile\": ");
		nono_json_string(stdout, pn);
		printf(", \"also_as\": ");
		if (as_name)
			nono_json_string(stdout, pn);
		else
			printf("null");
		printf("}");
	} else {
		printf("%-16s pack %s %s, profile %s%s%s%s\n", ref, p->name, p->version, pn,
		       as_name ? " (also --profile " : "", as_name ? pn : "", as_name ? ")" : "");
	}
	*first = false;
	free(ref);
	free(prov);
	free(user);
	free(userc);
}

void
nono_pack_list_profiles(bool json, bool *first)
{
	struct nono_strv names;
	struct nono_keyring kr = {0};
	struct nono_error err = {0};
	bool have_kr = nono_keyring_load(&kr, &err) == 0;

	nono_pack_installed(&names);
	for (size_t i = 0; i < names.n; i++) {
		struct nono_pack p;

		nono_error_clear(&err);
		if (!have_kr || nono_pack_load(&p, names.v[i], &kr, false, &err) < 0) {
			char *ref = xasprintf("pack:%s", names.v[i]);

			if (json) {
				printf("%s\n  {\"name\": ", *first ? "" : ",");
				nono_json_string(stdout, ref);
				printf(", \"source\": \"pack\", \"pack\": ");
				nono_json_string(stdout, names.v[i]);
				printf(", \"error\": ");
				nono_json_string(stdout, err.msg);
				printf("}");
				*first = false;
			} else {
				printf("%-16s pack %s, unusable: ", ref, names.v[i]);
				nono_fputs_escaped(err.msg, stdout);
				printf("\n");
			}
			free(ref);
			continue;
		}
		for (size_t k = 0; k < p.profile_names.n; k++)
			list_row(json, first, &p, k);
		nono_pack_free(&p);
	}
	nono_strv_free(&names);
	nono_keyring_free(&kr);
}
