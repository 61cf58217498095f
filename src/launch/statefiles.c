/* statefiles.c - see statefiles.h (supervisor side). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"
#include "base/vars.h"
#include "launch/statefiles.h"
#include "policy/policy.h"

/* rel (components below dir fd pdir) as a directory, made (0700) where
 * missing: its first component may be a link (a direct entry of PATH's
 * directory, which no sandbox can change: ~/.claude may be the user's link
 * into their dotfiles), nothing below it may. -1 with errno. */
static int
open_below(int pdir, const char *rel)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH};
	char *dup = xstrdup(rel), *save = NULL;
	int fd = fcntl(pdir, F_DUPFD_CLOEXEC, 3), e = 0;
	bool first = true;

	for (char *c = strtok_r(dup, "/", &save); c && fd >= 0; c = strtok_r(NULL, "/", &save)) {
		int next = first ? openat(fd, c, O_PATH | O_DIRECTORY | O_CLOEXEC)
				 : (int)syscall(SYS_openat2, fd, c, &how, sizeof(how));

		if (next < 0 && errno == ENOENT && mkdirat(fd, c, 0700) == 0)
			next = first ? openat(fd, c, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
				     : (int)syscall(SYS_openat2, fd, c, &how, sizeof(how));
		e = errno;
		close(fd);
		fd = next;
		first = false;
	}
	free(dup);
	if (fd < 0)
		errno = e;
	return fd;
}

/* leaf in dfd renamed to leaf.nono-TIME (never over anything). 0 or -errno. */
static int
put_aside(int dfd, const char *leaf, const char *shown, const char *why)
{
	for (int i = 0; i < 100; i++) {
		char *aside = i ? xasprintf("%s.nono-%lld-%d", leaf, (long long)time(NULL), i)
				: xasprintf("%s.nono-%lld", leaf, (long long)time(NULL));
		int r = (int)syscall(SYS_renameat2, dfd, leaf, dfd, aside, RENAME_NOREPLACE);

		if (r == 0) {
			log_warn("%s %s: kept as %s", shown, why, aside);
			free(aside);
			return 0;
		}
		free(aside);
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/* A new TARGET: "{}" for a JSON file, else empty (0600). */
static int
make_target(int tdir, const char *tleaf)
{
	size_t n = strlen(tleaf);
	bool json = n > 5 && strcmp(tleaf + n - 5, ".json") == 0;
	int fd = openat(tdir, tleaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600), r = 0;

	if (fd < 0)
		return -errno;
	if (json)
		r = nono_write_all(fd, "{}\n", 3);
	if (close(fd) < 0 && !r)
		r = -errno;
	return r;
}

/* A copy of the regular file pleaf in pdir as tleaf in tdir (mode kept),
 * where a hard link cannot be made (another filesystem). */
static int
copy_to(int pdir, const char *pleaf, int tdir, const char *tleaf)
{
	char tmp[64], buf[65536];
	int in = openat(pdir, pleaf, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC), out = -1, r = 0;
	struct stat st;
	ssize_t n;

	if (in < 0 || fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) {
		r = in < 0 ? -errno : -EINVAL;
		goto out;
	}
	snprintf(tmp, sizeof(tmp), ".nono-copy-%d.tmp", (int)getpid());
	unlinkat(tdir, tmp, 0);
	if ((out = openat(tdir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st.st_mode & 0777)) < 0) {
		r = -errno;
		goto out;
	}
	while (r == 0 && (n = read(in, buf, sizeof(buf))) != 0)
		r = n < 0 ? (errno == EINTR ? 0 : -errno) : nono_write_all(out, buf, (size_t)n);
	if (r == 0 && fsync(out) < 0)
		r = -errno;
	if (r == 0 && (int)syscall(SYS_renameat2, tdir, tmp, tdir, tleaf, RENAME_NOREPLACE) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(tdir, tmp, 0);
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return r;
}

/* pleaf in pdir replaced, in one rename, by a link whose text is text. */
static int
link_in_place(int pdir, const char *pleaf, const char *text)
{
	char *tmp = xasprintf(".%s.nono-link-%d", pleaf, (int)getpid());
	int r = 0;

	unlinkat(pdir, tmp, 0);
	if (symlinkat(text, pdir, tmp) < 0 || renameat(pdir, tmp, pdir, pleaf) < 0) {
		r = -errno;
		unlinkat(pdir, tmp, 0);
	}
	free(tmp);
	return r;
}

/* Two regular files in two directories hold the same bytes. */
static bool
same_content(int adir, const char *a, int bdir, const char *b)
{
	int fa = openat(adir, a, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	int fb = openat(bdir, b, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	char ba[8192], bb[8192];
	bool same = fa >= 0 && fb >= 0;

	while (same) {
		ssize_t na = read(fa, ba, sizeof(ba)), nb = na > 0 ? read(fb, bb, (size_t)na) : read(fb, bb, 1);

		if (na < 0 || nb < 0 || na != nb || memcmp(ba, bb, (size_t)na) != 0)
			same = false;
		if (na <= 0)
			break;
	}
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	return same;
}

struct link_job {
	const char *path, *target; /* as given, absolute */
	const char *pleaf, *tleaf;
	char *text; /* the link's text: TARGET relative to PATH's directory */
	int pdir, tdir;
};

/* A regular file at PATH: its content moves to TARGET (kept aside if
 * TARGET holds other bytes), then PATH becomes the link. */
static int
migrate(struct link_job *l, bool have_target)
{
	int r;

	if (have_target) {
		if (same_content(l->pdir, l->pleaf, l->tdir, l->tleaf))
			return link_in_place(l->pdir, l->pleaf, l->text);
		/* both changed since: the regular file is what an agent outside
		 * nono (or an older nono) wrote last */
		if ((r = put_aside(l->tdir, l->tleaf, l->target,
				   "held other content than the regular file there now")) < 0)
			return r;
	}
	if (linkat(l->pdir, l->pleaf, l->tdir, l->tleaf, 0) < 0 &&
	    (r = copy_to(l->pdir, l->pleaf, l->tdir, l->tleaf)) < 0)
		return r;
	return link_in_place(l->pdir, l->pleaf, l->text);
}

/* PATH and TARGET opened: bring them to the state statefiles.h describes. */
static int
settle(struct link_job *l)
{
	struct stat ps, ts;
	bool have_target = fstatat(l->tdir, l->tleaf, &ts, AT_SYMLINK_NOFOLLOW) == 0;
	char text[4096];
	ssize_t n;
	int r;

	if (have_target && S_ISLNK(ts.st_mode)) {
		/* planted: an agent outside nono would write through it */
		if ((r = put_aside(l->tdir, l->tleaf, l->target,
				   "was a symbolic link, not the file nono keeps (something that can write there, a "
				   "sandboxed agent?, put it there)")) < 0)
			return r;
		have_target = false;
	} else if (have_target && !S_ISREG(ts.st_mode)) {
		log_warn("%s is not a regular file; %s left as it is", l->target, l->path);
		return 0;
	}
	if (fstatat(l->pdir, l->pleaf, &ps, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return -errno;
		if (!have_target && (r = make_target(l->tdir, l->tleaf)) < 0)
			return r;
		return (r = link_in_place(l->pdir, l->pleaf, l->text)) < 0 ? r : 1;
	}
	if (S_ISREG(ps.st_mode)) {
		if ((r = migrate(l, have_target)) < 0)
			return r;
		log_note("%s now lives in %s (%s links to it), where the sandbox can save it", l->path, l->target,
			 l->path);
		return 1;
	}
	if (!S_ISLNK(ps.st_mode) || (n = readlinkat(l->pdir, l->pleaf, text, sizeof(text) - 1)) < 0) {
		log_warn("%s is not a regular file nor a link; left as it is", l->path);
		return 0;
	}
	text[n] = '\0';
	if (strcmp(text, l->text) != 0 && strcmp(text, l->target) != 0) {
		log_info("%s links to %s, not %s: left as it is", l->path, text, l->target);
		return 0;
	}
	/* ours: the file behind it was removed (it may be, where it lives) */
	if (!have_target)
		return (r = make_target(l->tdir, l->tleaf)) < 0 ? r : 1;
	return 0;
}

int
nono_statefiles_link(const char *path, const char *target, struct nono_error *err)
{
	char *pdirpath = nono_path_dirname(path), *tdirpath = nono_path_dirname(target);
	struct link_job l = {path, target, strrchr(path, '/') + 1, strrchr(target, '/') + 1, NULL, -1, -1};
	const char *rel;
	int r = 0;

	if (!nono_path_under(tdirpath, pdirpath) || !*l.pleaf || !*l.tleaf) {
		r = nono_error_set(err, -EINVAL, "link_file %s: %s must lie below %s", path, target, pdirpath);
		goto out;
	}
	rel = tdirpath + strlen(pdirpath) + (strcmp(pdirpath, "/") != 0);
	l.text = *rel ? xasprintf("%s/%s", rel, l.tleaf) : xstrdup(l.tleaf);
	if ((l.pdir = open(pdirpath, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0 || (l.tdir = open_below(l.pdir, rel)) < 0) {
		r = nono_error_set(err, -errno, "link_file %s: cannot open %s: %s", path,
				   l.pdir < 0 ? pdirpath : tdirpath, strerror(errno));
		if (errno == ELOOP)
			nono_error_hint(err, "a symbolic link below %s: nono follows none there", pdirpath);
		goto out;
	}
	if ((r = settle(&l)) < 0)
		r = nono_error_set(err, r, "link_file %s -> %s: %s", path, target, strerror(-r));
out:
	if (l.pdir >= 0)
		close(l.pdir);
	if (l.tdir >= 0)
		close(l.tdir);
	free(l.text);
	free(pdirpath);
	free(tdirpath);
	return r;
}

/* path as given, expanded and absolute; -errno when it expands to
 * nothing or lies in a sensitive place or nono's own files */
static int
expand(char **out, const char *key, const char *given, const struct nono_vars *v, struct nono_error *err)
{
	char *x = NULL;
	const char *group;
	int r;

	*out = NULL;
	if ((r = nono_vars_expand(&x, given, v, err)) < 0)
		return r;
	*out = nono_path_absolute(x);
	free(x);
	if (nono_policy_path_protected(*out, &group)) {
		nono_error_set(err, -EACCES, "%s %s: inside %s, which nono never changes for a sandbox", key, given,
			       group);
		free(*out);
		*out = NULL;
		return err->code;
	}
	return 0;
}

int
nono_statefiles_prepare(const struct nono_strv *create_dirs, const struct nono_strv *links, const char *workdir,
			struct nono_error *err)
{
	struct nono_vars v;
	char *a = NULL, *b = NULL;
	int r = 0;

	nono_vars_from_env(&v, workdir, NULL);
	for (size_t i = 0; i < create_dirs->n && r == 0; i++) {
		if ((r = expand(&a, "create_dirs", create_dirs->v[i], &v, err)) < 0)
			break;
		if ((r = nono_mkdir_p(a, 0700)) < 0)
			nono_error_set(err, r, "create_dirs %s: %s", a, strerror(-r));
		free(a);
		a = NULL;
	}
	for (size_t i = 0; i + 1 < links->n && r == 0; i += 2) {
		if ((r = expand(&a, "link_file", links->v[i], &v, err)) < 0 ||
		    (r = expand(&b, "link_file", links->v[i + 1], &v, err)) < 0)
			break;
		r = nono_statefiles_link(a, b, err);
		r = r > 0 ? 0 : r;
		free(a);
		free(b);
		a = b = NULL;
	}
	free(a);
	free(b);
	return r;
}
