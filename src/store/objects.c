/* objects.c - see objects.h (supervisor side). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/sha256.h"
#include "base/sys.h"
#include "base/util.h"
#include "base/vars.h"
#include "store/objects.h"

#define IOBUF (64 * 1024)

char *
nono_journal_store(void)
{
	return nono_state_path("rollback");
}

/* Read fd to its end, hashing, and copy to out (when out >= 0). */
static int
hash_copy(int fd, int out, char hex[65])
{
	static unsigned char buf[IOBUF];
	struct nono_sha256 c;
	unsigned char md[32];
	int r = 0;

	nono_sha256_init(&c);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf)), w = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		nono_sha256_update(&c, buf, (size_t)n);
		while (out >= 0 && w < n) {
			ssize_t k = write(out, buf + w, (size_t)(n - w));

			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				return -errno;
			w += k;
		}
	}
	nono_sha256_final(&c, md);
	if (r == 0)
		nono_sha256_hex(hex, md);
	return r;
}

int
nono_sha256_buf(const void *buf, size_t len, char hex[65])
{
	struct nono_sha256 c;
	unsigned char md[32];

	nono_sha256_init(&c);
	nono_sha256_update(&c, buf, len);
	nono_sha256_final(&c, md);
	nono_sha256_hex(hex, md);
	return 0;
}

int
nono_sha256_fd(int fd, char hex[65])
{
	return hash_copy(fd, -1, hex);
}

char *
nono_store_object_path(const char *store, const char *hex)
{
	return xasprintf("%s/objects/%.2s/%s", store, hex, hex + 2);
}

int
nono_store_put_fd(const char *store, int fd, char hex[65])
{
	char *tmp = xasprintf("%s/objects/.tmp-XXXXXX", store), *obj = NULL, *dir;
	int out = mkostemp(tmp, O_CLOEXEC), r;

	if (out < 0) {
		r = -errno;
		free(tmp);
		return r;
	}
	r = hash_copy(fd, out, hex);
	if (close(out) < 0 && r == 0)
		r = -errno;
	if (r < 0)
		goto fail;
	obj = nono_store_object_path(store, hex);
	dir = nono_path_dirname(obj);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		r = -errno;
		free(dir);
		goto fail;
	}
	free(dir);
	if (access(obj, F_OK) == 0) {
		/* the same content is already kept: share it */
		unlink(tmp);
	} else if (rename(tmp, obj) < 0) {
		r = -errno;
		goto fail;
	}
	free(obj);
	free(tmp);
	return 0;
fail:
	unlink(tmp);
	free(obj);
	free(tmp);
	return r;
}

bool
nono_store_same_content(const char *path, const char *hex)
{
	struct open_how how = {.flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS};
	int fd = nono_sys_openat2(AT_FDCWD, path, &how);
	char now[65];
	bool same;

	if (fd < 0)
		return false;
	same = nono_sha256_fd(fd, now) == 0 && strcmp(now, hex) == 0;
	close(fd);
	return same;
}
