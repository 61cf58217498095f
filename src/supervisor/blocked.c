/* blocked.c - see blocked.h (supervisor side). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "store/objects.h"
#include "supervisor/blocked.h"

struct blocked_file {
	dev_t dev;
	ino_t ino;
	off_t size;
	char *path, *name;
	char sha[65]; /* "" until needed */
};

struct nono_blocked_files {
	struct blocked_file *v;
	size_t n;
};

static const char *const bin_dirs[] = {"/usr/bin",	  "/bin", "/usr/sbin", "/sbin", "/usr/local/bin",
				       "/usr/local/sbin", NULL};

static void
add_blocked(struct nono_blocked_files *b, const char *dir, const char *name)
{
	char *path = nono_path_join(dir, name);
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		free(path);
		return;
	}
	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].dev == st.st_dev && b->v[i].ino == st.st_ino) {
			free(path);
			return;
		}
	b->v = xrealloc(b->v, (b->n + 1) * sizeof(*b->v));
	b->v[b->n++] = (struct blocked_file){st.st_dev, st.st_ino, st.st_size, path, xstrdup(name), ""};
}

struct nono_blocked_files *
nono_blocked_files_find(const struct nono_policy *p)
{
	struct nono_blocked_files *b = xcalloc(1, sizeof(*b));

	for (size_t i = 0; bin_dirs[i]; i++) {
		DIR *d = opendir(bin_dirs[i]);
		struct dirent *e;

		while (d && (e = readdir(d))) {
			const char *cat;

			if (e->d_name[0] != '.' && nono_policy_command_blocked(p, e->d_name, &cat))
				add_blocked(b, bin_dirs[i], e->d_name);
		}
		if (d)
			closedir(d);
	}
	return b;
}

void
nono_blocked_files_free(struct nono_blocked_files *b)
{
	for (size_t i = 0; b && i < b->n; i++) {
		free(b->v[i].path);
		free(b->v[i].name);
	}
	if (b)
		free(b->v);
	free(b);
}

static const char *
procpath(char buf[32], int fd)
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
	return buf;
}

static int
hash_path(const char *path, char hex[65], int flags)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | flags), r;

	if (fd < 0)
		return -errno;
	r = nono_sha256_fd(fd, hex);
	close(fd);
	return r;
}

const char *
nono_blocked_files_match(struct nono_blocked_files *b, int obj)
{
	char hex[65] = "", pp[32];
	struct stat st;

	if (fstat(obj, &st) < 0 || !S_ISREG(st.st_mode))
		return NULL;
	for (size_t i = 0; i < b->n; i++) {
		struct blocked_file *f = &b->v[i];

		if (f->dev == st.st_dev && f->ino == st.st_ino)
			return f->name;
		if (f->size != st.st_size)
			continue;
		if (!hex[0] && hash_path(procpath(pp, obj), hex, 0) < 0)
			return NULL;
		if (!f->sha[0] && hash_path(f->path, f->sha, O_NOFOLLOW) < 0)
			continue;
		if (strcmp(f->sha, hex) == 0)
			return f->name;
	}
	return NULL;
}
