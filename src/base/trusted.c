/* trusted.c - see trusted.h (supervisor side). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/trusted.h"

static const char *const env_keep[] = {"DISPLAY",
				       "WAYLAND_DISPLAY",
				       "DBUS_SESSION_BUS_ADDRESS",
				       "XDG_RUNTIME_DIR",
				       "XDG_CURRENT_DESKTOP",
				       "XDG_SESSION_TYPE",
				       "HOME",
				       "USER",
				       "LOGNAME",
				       "LANG",
				       "LANGUAGE",
				       "LC_ALL",
				       "LC_CTYPE",
				       "LC_MESSAGES",
				       NULL};

/* Only root may change it: the file and every directory above it. */
static bool
roots_only(const char *real)
{
	char *p = xstrdup(real);
	struct stat st;
	bool ok = stat(p, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == 0 && !(st.st_mode & 022);

	while (ok && strcmp(p, "/") != 0) {
		char *up = nono_path_dirname(p);

		free(p);
		p = up;
		ok = stat(p, &st) == 0 && st.st_uid == 0 && (!(st.st_mode & 022) || (st.st_mode & S_ISVTX));
	}
	free(p);
	return ok;
}

int
nono_trusted_find(const char *name, char **path)
{
	const char *env = getenv("PATH");
	char *copy, *save = NULL, *found = NULL;
	int fd;

	*path = NULL;
	if (!env)
		return -ENOENT;
	copy = xstrdup(env);
	for (char *dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *cand;

		if (dir[0] != '/')
			continue;
		cand = nono_path_join(dir, name);
		if (access(cand, X_OK) == 0)
			found = realpath(cand, NULL);
		free(cand);
	}
	free(copy);
	if (!found)
		return -ENOENT;
	*path = found;
	if (!roots_only(found))
		return -EPERM;
	/* what was checked is what runs */
	fd = open(found, O_PATH | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

void
nono_trusted_env(struct nono_strv *env)
{
	for (size_t i = 0; env_keep[i]; i++) {
		const char *v = getenv(env_keep[i]);

		if (v)
			nono_strv_push_owned(env, xasprintf("%s=%s", env_keep[i], v));
	}
	nono_strv_push(env, "PATH=/usr/bin:/bin");
}

/* close every descriptor from 3 up but a and b */
static void
close_all_but(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;
	unsigned next = 3;

	for (int k = 0; k < 2; k++) {
		int keep = k == 0 ? lo : hi;

		if (keep < (int)next)
			continue;
		if (keep > (int)next)
			close_range(next, (unsigned)keep - 1, 0);
		next = (unsigned)keep + 1;
	}
	close_range(next, ~0U, 0);
}

int
nono_trusted_exec(int fd, int keep, char *const argv[], char *const envp[])
{
	struct sigaction dfl;
	sigset_t none;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsid();
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0 || chdir("/") < 0)
		return -errno;
	close_all_but(fd, keep);
	/* a script's interpreter reads it through /dev/fd/N */
	fcntl(fd, F_SETFD, 0);
	execveat(fd, "", argv, envp, AT_EMPTY_PATH);
	return -errno;
}
