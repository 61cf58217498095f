/* util.c - see util.h (supervisor side). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/log.h"
#include "base/util.h"

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die("out of memory");
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		die("out of memory");
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (!p)
		die("out of memory");
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		die("out of memory");
	return s;
}

void
nono_strv_push_owned(struct nono_strv *sv, char *s)
{
	if (sv->n + 2 > sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = xrealloc(sv->v, sv->cap * sizeof(*sv->v));
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void
nono_strv_push(struct nono_strv *sv, const char *s)
{
	nono_strv_push_owned(sv, xstrdup(s));
}

bool
nono_strv_contains(const struct nono_strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

void
nono_strv_free(struct nono_strv *sv)
{
	if (!sv)
		return;
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

const char *
nono_home(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h && h[0] == '/')
		return h;
	pw = getpwuid(getuid());
	if (pw && pw->pw_dir && pw->pw_dir[0] == '/')
		return pw->pw_dir;
	return "/";
}

char *
nono_path_join(const char *a, const char *b)
{
	size_t la = strlen(a);

	if (la && a[la - 1] == '/')
		return xasprintf("%s%s", a, b[0] == '/' ? b + 1 : b);
	return xasprintf("%s/%s", a, b[0] == '/' ? b + 1 : b);
}

char *
nono_path_normalize(const char *abs)
{
	size_t n = strlen(abs);
	char *out = xmalloc(n + 2);
	size_t o = 0;
	const char *p = abs;

	out[o++] = '/';
	while (*p) {
		const char *s;
		size_t len;

		while (*p == '/')
			p++;
		s = p;
		while (*p && *p != '/')
			p++;
		len = (size_t)(p - s);
		if (len == 0 || (len == 1 && s[0] == '.'))
			continue;
		if (len == 2 && s[0] == '.' && s[1] == '.') {
			if (o > 1) {
				o--;
				while (o > 1 && out[o - 1] != '/')
					o--;
				if (o > 1)
					o--;
			}
			continue;
		}
		if (o > 1)
			out[o++] = '/';
		memcpy(out + o, s, len);
		o += len;
	}
	out[o] = '\0';
	return out;
}

char *
nono_path_absolute(const char *p)
{
	char cwd[PATH_MAX];
	char *joined, *res;

	/* already absolute and normal: the common case for policy paths */
	if (p[0] == '/' && !strstr(p, "//") && !strstr(p, "/./") && !strstr(p, "/../") &&
	    (p[1] == '\0' || p[strlen(p) - 1] != '/') && strcmp(p + strlen(p) - (strlen(p) >= 3 ? 3 : 0), "/..") != 0 &&
	    strcmp(p + strlen(p) - (strlen(p) >= 2 ? 2 : 0), "/.") != 0)
		return xstrdup(p);
	if (p[0] == '~' && (p[1] == '\0' || p[1] == '/'))
		joined = xasprintf("%s%s", nono_home(), p + 1);
	else if (p[0] == '/')
		joined = xstrdup(p);
	else {
		if (!getcwd(cwd, sizeof(cwd)))
			strcpy(cwd, "/");
		joined = nono_path_join(cwd, p);
	}
	res = nono_path_normalize(joined);
	free(joined);
	return res;
}

/* realpath() in three syscalls instead of one readlink per component: the
 * kernel resolves the path once and names the result in /proc/self/fd. */
static char *
fast_realpath(const char *abs)
{
	char proc[64], buf[PATH_MAX];
	int fd = open(abs, O_PATH | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return NULL;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0 || buf[0] != '/' || (size_t)n >= sizeof(buf) - 1)
		return realpath(abs, NULL);
	buf[n] = '\0';
	/* an unlinked or unreachable file is reported with a suffix */
	if (n > 10 && strcmp(buf + n - 10, " (deleted)") == 0)
		return realpath(abs, NULL);
	return xstrdup(buf);
}

/* the canonical form of a directory, remembered in memo (pairs) */
static char *canonical_abs(const char *abs, bool *exists, struct nono_strv *memo, int depth);

static char *
canonical_parent(const char *parent, struct nono_strv *memo, int depth)
{
	char *pc;

	for (size_t i = 0; memo && i + 1 < memo->n; i += 2)
		if (strcmp(memo->v[i], parent) == 0)
			return xstrdup(memo->v[i + 1]);
	pc = canonical_abs(parent, NULL, memo, depth + 1);
	if (memo) {
		nono_strv_push(memo, parent);
		nono_strv_push(memo, pc);
	}
	return pc;
}

static char *
canonical_abs(const char *abs, bool *exists, struct nono_strv *memo, int depth)
{
	char *real = NULL, *parent, *pc, *res;
	const char *base;
	struct stat st = {.st_mode = S_IFLNK};
	bool found = false;

	if (strcmp(abs, "/") == 0 || depth > 64) {
		if (exists)
			*exists = strcmp(abs, "/") == 0;
		return xstrdup(abs);
	}
	if (memo) {
		/* with remembered directories, a path whose last component is no
		 * symlink is its parent's canonical name plus that component: one
		 * lstat instead of resolving the whole path again */
		if (lstat(abs, &st) == 0)
			found = !S_ISLNK(st.st_mode);
		else if (errno == ENOENT || errno == ENOTDIR)
			st.st_mode = 0; /* missing: from the parent below */
		if (!found && st.st_mode)
			real = fast_realpath(abs);
	} else {
		real = fast_realpath(abs);
	}
	if (real) {
		if (exists)
			*exists = true;
		return real;
	}
	if (exists)
		*exists = found;
	/* a missing path (or, with a memo, an existing one): from its parent */
	parent = nono_path_dirname(abs);
	base = abs + strlen(parent) + (strcmp(parent, "/") != 0);
	pc = canonical_parent(parent, memo, depth);
	res = nono_path_join(pc, base);
	free(pc);
	free(parent);
	return res;
}

char *
nono_path_canonical_memo(const char *p, bool *exists, struct nono_strv *memo)
{
	char *abs = nono_path_absolute(p);
	char *res = canonical_abs(abs, exists, memo, 0);

	free(abs);
	return res;
}

char *
nono_path_canonical(const char *p, bool *exists)
{
	return nono_path_canonical_memo(p, exists, NULL);
}

char *
nono_path_canonical_leaf(const char *p)
{
	char *abs = nono_path_absolute(p), *norm = nono_path_normalize(abs), *dir = nono_path_dirname(norm), *cdir,
	     *res;
	const char *leaf = norm + strlen(dir) + (strcmp(dir, "/") != 0);

	cdir = nono_path_canonical(dir, NULL);
	res = *leaf ? nono_path_join(cdir, leaf) : xstrdup(cdir);
	free(cdir);
	free(dir);
	free(norm);
	free(abs);
	return res;
}

bool
nono_path_under(const char *path, const char *base)
{
	size_t lb = strlen(base);

	if (lb == 1 && base[0] == '/')
		return path[0] == '/';
	if (strncmp(path, base, lb) != 0)
		return false;
	return path[lb] == '\0' || path[lb] == '/';
}

char *
nono_path_display(const char *p)
{
	const char *h = nono_home();

	if (strcmp(h, "/") != 0 && nono_path_under(p, h))
		return xasprintf("~%s", p + strlen(h));
	return xstrdup(p);
}

char *
nono_path_dirname(const char *p)
{
	char *d = xstrdup(p);
	char *s = strrchr(d, '/');

	if (!s)
		strcpy(d, ".");
	else if (s == d)
		d[1] = '\0';
	else
		*s = '\0';
	return d;
}

const char *
nono_path_basename(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

char *
nono_read_file(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;
	int e;

	if (!f)
		return NULL;
	do {
		if (cap - n < 4096 + 1)
			buf = xrealloc(buf, cap = cap ? cap * 2 : 8192);
		got = fread(buf + n, 1, max && max - n < cap - n - 1 ? max - n : cap - n - 1, f);
		n += got;
	} while (got > 0 && (!max || n < max));
	e = ferror(f) ? EIO : 0;
	fclose(f);
	if (e) {
		free(buf);
		errno = e;
		return NULL;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

double
nono_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

int
nono_parse_bool(const char *s)
{
	static const char *const yes[] = {"1", "true", "yes", "on"};
	static const char *const no[] = {"0", "false", "no", "off"};

	if (!s)
		return -1;
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	}
	return -1;
}

int
nono_mkdir_p(const char *path, unsigned mode)
{
	char *p = xstrdup(path);
	int r = 0;

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			r = -errno;
			goto out;
		}
		*s = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		r = -errno;
out:
	free(p);
	return r;
}

/* Remove name in dfd (path is its full name), recursively; entries keep
 * says to keep stay, and so do the directories that hold them. */
int
nono_rm_at(int dfd, const char *name, const char *path, bool (*keep)(const char *path, void *ctx), void *ctx)
{
	struct stat st;
	int r = 0;

	if (keep && keep(path, ctx))
		return 0;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISDIR(st.st_mode)) {
		int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		DIR *d;
		struct dirent *e;
		bool kept = false;

		if (fd < 0)
			return -errno;
		d = fdopendir(fd);
		if (!d) {
			close(fd);
			return -errno;
		}
		while ((e = readdir(d))) {
			char *child;
			int k;

			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			child = nono_path_join(path, e->d_name);
			kept |= keep && keep(child, ctx);
			k = nono_rm_at(dirfd(d), e->d_name, child, keep, ctx);
			free(child);
			if (k < 0 && r == 0)
				r = k;
		}
		closedir(d);
		/* something kept deeper down leaves this one not empty */
		if (!kept && unlinkat(dfd, name, AT_REMOVEDIR) < 0 && r == 0 && !(keep && errno == ENOTEMPTY))
			r = -errno;
		return r;
	}
	if (unlinkat(dfd, name, 0) < 0)
		return -errno;
	return 0;
}

int
nono_rm_rf(const char *path)
{
	return nono_rm_at(AT_FDCWD, path, path, NULL, NULL);
}

char *
nono_mem_escape(const char *s, size_t n, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out;
	size_t i = 0, o = 0, used;

	if (!s)
		n = 0;
	if (n > (SIZE_MAX - 16) / 4)
		die("out of memory");
	out = xmalloc(4 * n + 1); /* \\xNN: four for one at most */
	while (i < n) {
		o += nono_escape_unit(out + o, p + i, n - i, flags, &used);
		i += used;
	}
	out[o] = '\0';
	return out;
}

char *
nono_str_escape(const char *s)
{
	return nono_mem_escape(s, s ? strlen(s) : 0, 0);
}

const char *
nono_str_escape_in(struct nono_strv *pool, const char *s)
{
	char *e = nono_str_escape(s);

	nono_strv_push_owned(pool, e);
	return e;
}

char *
nono_str_printable(const char *s, size_t max)
{
	char *out = NULL;
	size_t n = 0, i;
	FILE *f = open_memstream(&out, &n);

	if (!f)
		abort();
	for (i = 0; s && s[i] && i < max; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f || c == '\\')
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	if (s && s[i])
		fputs("...", f);
	if (fclose(f) != 0)
		abort();
	return out;
}

size_t
nono_strdist(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j], sub = prev + (a[i - 1] != b[j - 1]);
			size_t ins = (row[j] < row[j - 1] ? row[j] : row[j - 1]) + 1;

			row[j] = sub < ins ? sub : ins;
			prev = cur;
		}
	}
	return row[lb];
}

int
nono_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static bool
links_into_proc(const char *path, int depth)
{
	char cur[PATH_MAX], target[PATH_MAX], rest[PATH_MAX];
	size_t len = 0;
	const char *p = path;

	if (depth > 40)
		return true;
	cur[0] = '\0';
	while (*p) {
		const char *e;
		struct stat st;
		ssize_t n;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		e = strchrnul(p, '/');
		if (len + 1 + (size_t)(e - p) >= sizeof(cur))
			return true; /* too long to check: unsafe */
		cur[len++] = '/';
		memcpy(cur + len, p, (size_t)(e - p));
		len += (size_t)(e - p);
		cur[len] = '\0';
		p = e;
		if (lstat(cur, &st) < 0 || !S_ISLNK(st.st_mode))
			continue;
		n = readlink(cur, target, sizeof(target) - 1);
		if (n <= 0)
			return true;
		target[n] = '\0';
		if (!strncmp(target, "/proc", 5) || !strncmp(target, "/dev/", 5))
			return true;
		/* go on from the link's target, then the rest of path */
		if (target[0] != '/')
			*strrchr(cur, '/') = '\0';
		if (strlen(cur) + strlen(target) + strlen(p) + 2 >= sizeof(rest))
			return true;
		snprintf(rest, sizeof(rest), "%s%s%s%s", target[0] == '/' ? "" : cur, target[0] == '/' ? "" : "/",
			 target, p);
		return links_into_proc(rest, depth + 1);
	}
	return false;
}

bool
nono_path_links_into_proc(const char *path)
{
	return links_into_proc(path, 0);
}

void
nono_size_fmt(char *out, size_t n, double b)
{
	static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	int u = 0;

	while (b >= 1024 && u < 4) {
		b /= 1024;
		u++;
	}
	if (u == 0 || b == (double)(long long)b)
		snprintf(out, n, "%.0f %s", b, unit[u]);
	else
		snprintf(out, n, "%.1f %s", b, unit[u]);
}

/* ---- session ids ------------------------------------------------------------ */

void
nono_session_id_new(char out[NONO_SESSION_ID_LEN + 1])
{
	struct timespec ts;
	struct tm tm;
	unsigned char rnd[3] = {0};
	char buf[96];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		rnd[0] ^= (unsigned char)ts.tv_nsec;
		rnd[1] ^= (unsigned char)(ts.tv_nsec >> 8);
		rnd[2] ^= (unsigned char)getpid();
	}
	snprintf(buf, sizeof(buf), "%04d%02d%02d-%02d%02d%02d-%03d%02x%02x%02x", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ts.tv_nsec / 1000000) % 1000, rnd[0], rnd[1],
		 rnd[2]);
	memcpy(out, buf, NONO_SESSION_ID_LEN);
	out[NONO_SESSION_ID_LEN] = '\0';
}

bool
nono_session_id_valid(const char *s)
{
	size_t n = strlen(s);

	/* YYYYMMDD-HHMMSS- first, then digits and hex or the older pid forms */
	if (n < 16 || n >= 64 || s[8] != '-' || s[14 + 1] != '-' || strspn(s, "0123456789") != 8 ||
	    strspn(s + 9, "0123456789") != 6)
		return false;
	return strspn(s + 16, "0123456789abcdef-") == n - 16 && s[16] != '-' && s[n - 1] != '-';
}

int
nono_parse_size(const char *s, unsigned long long *out)
{
	static const char units[] = "KMGT";
	char *end;
	unsigned long long v, mul = 1;
	const char *u;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	if (*end && (u = strchr(units, *end & ~0x20))) {
		unsigned step = strcmp(end + 1, "B") == 0 || strcmp(end + 1, "b") == 0 ? 1000 : 1024;

		if (end[1] && strcmp(end + 1, "B") && strcmp(end + 1, "b") && strcmp(end + 1, "iB") &&
		    strcmp(end + 1, "i"))
			return -EINVAL;
		for (const char *k = units; k <= u; k++)
			mul *= step;
	} else if (*end) {
		return -EINVAL;
	}
	if (!v || v > ~0ULL / mul)
		return -EINVAL;
	*out = v * mul;
	return 0;
}
