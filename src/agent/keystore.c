/* keystore.c - see keystore.h (supervisor side). libsecret (and GLib under
 * it) is loaded only in the short-lived lookup process: linking it would cost
 * every launch its dynamic loading, and its threads have no place in the
 * supervisor. */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <libsecret/secret.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent/keystore.h"

/* Items as 'secret-tool store ... service nono username NAME' writes them:
 * matched on the two attributes alone, whatever schema name they carry. */
static const SecretSchema schema = {
    .name = "org.freedesktop.Secret.Generic",
    .flags = SECRET_SCHEMA_DONT_MATCH_NAME,
    .attributes =
	{
	    {"service", SECRET_SCHEMA_ATTRIBUTE_STRING},
	    {"username", SECRET_SCHEMA_ATTRIBUTE_STRING},
	    {NULL, 0},
	},
};

/* the functions used, with the header's exact types */
static struct {
	__typeof__(&secret_password_lookup_sync) lookup_sync;
	__typeof__(&secret_password_free) password_free;
	__typeof__(&g_error_free) error_free;
} api;

static bool
load_api(struct nono_error *err)
{
	void *h = dlopen(NONO_SECRET_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		nono_error_set(err, -ENOENT, "cannot load %s: %s", NONO_SECRET_SONAME, dlerror());
		nono_error_hint(err, "install libsecret (Debian: libsecret-1-0)");
		return false;
	}
	*(void **)&api.lookup_sync = dlsym(h, "secret_password_lookup_sync");
	*(void **)&api.password_free = dlsym(h, "secret_password_free");
	*(void **)&api.error_free = dlsym(h, "g_error_free");
	if (!api.lookup_sync || !api.password_free || !api.error_free) {
		nono_error_set(err, -ENOENT, "%s lacks the functions nono needs", NONO_SECRET_SONAME);
		return false;
	}
	return true;
}

void
nono_keystore_wipe(struct nono_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		explicit_bzero(sv->v[i], strlen(sv->v[i]));
	nono_strv_free(sv);
}

/* One lookup: the secret (g_free'd by the caller through
 * secret_password_free), or NULL with err set. */
static gchar *
lookup(const char *refvar, struct nono_error *err)
{
	const char *eq = strrchr(refvar, '=');
	char *ref = xasprintf("%.*s", (int)(eq - refvar), refvar);
	char *service = xstrdup("nono"), *account = ref;
	GError *gerr = NULL;
	gchar *secret;

	if (strncmp(ref, "keyring://", 10) == 0) {
		char *slash = strchr(ref + 10, '/');

		free(service);
		service = xasprintf("%.*s", (int)(slash - ref - 10), ref + 10);
		account = slash + 1;
	}
	secret = api.lookup_sync(&schema, NULL, &gerr, "service", service, "username", account, NULL);
	if (gerr) {
		nono_error_set(err, -EIO, "credential '%s': the keystore is unreachable: %s", ref, gerr->message);
		nono_error_hint(err,
				"a Secret Service (gnome-keyring, KeePassXC) must run in this D-Bus session, unlocked");
		api.error_free(gerr);
	} else if (!secret) {
		nono_error_set(err, -ENOENT, "credential '%s' is not in the keystore (service %s, account %s)", ref,
			       service, account);
		nono_error_hint(err, "store it: secret-tool store --label=\"nono: %s\" service %s username %s", account,
				service, account);
	}
	free(service);
	free(ref);
	return secret;
}

/* The keystore gets this long to answer all lookups: a Secret Service
 * waiting on an unlock prompt nobody can see must not hang the launch. */
#define KEYSTORE_DEADLINE_MS 15000

static bool
read_all(int fd, void *buf, size_t n)
{
	static double deadline;
	char *p = buf;

	if (!deadline)
		deadline = nono_now_us() + KEYSTORE_DEADLINE_MS * 1000.0;
	while (n) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		double left = (deadline - nono_now_us()) / 1000.0;
		ssize_t r;

		if (left <= 0 || poll(&pfd, 1, (int)left) == 0) {
			errno = ETIMEDOUT;
			return false;
		}
		r = read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		p += r;
		n -= (size_t)r;
	}
	return true;
}

/* The lookups run in a child process: libsecret starts GLib threads, and the
 * supervisor must stay single-threaded (its signal handling and the fork to
 * the sandbox rely on it). Each answer comes back as a length and the bytes,
 * or UINT32_MAX and the error. */
static _Noreturn void
lookup_child(int fd, const struct nono_strv *refs)
{
	struct nono_error lerr = {0};
	bool loaded = load_api(&lerr);

	for (size_t i = 0; i < refs->n; i++) {
		struct nono_error err = lerr;
		gchar *secret = loaded ? lookup(refs->v[i], &err) : NULL;
		uint32_t len = secret ? (uint32_t)strlen(secret) : UINT32_MAX;

		if (nono_write_all(fd, &len, sizeof(len)) < 0 ||
		    (secret ? nono_write_all(fd, secret, len) : nono_write_all(fd, &err, sizeof(err))) < 0)
			_exit(1);
		if (!secret)
			_exit(0);
		api.password_free(secret);
	}
	_exit(0);
}

int
nono_keystore_load(struct nono_strv *out, const struct nono_strv *refs, struct nono_error *err)
{
	struct nono_strv got = {0};
	int fds[2], r = 0, st;
	pid_t pid;

	if (!refs->n)
		return 0;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return nono_error_set(err, -errno, "cannot read the keystore: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return nono_error_set(err, -errno, "cannot read the keystore: %s", strerror(errno));
	}
	if (pid == 0) {
		close(fds[0]);
		lookup_child(fds[1], refs);
	}
	close(fds[1]);
	for (size_t i = 0; i < refs->n && !r; i++) {
		const char *eq = strrchr(refs->v[i], '=');
		uint32_t len;
		char *val;

		if (!read_all(fds[0], &len, sizeof(len))) {
			if (errno == ETIMEDOUT) {
				r = nono_error_set(err, -ETIMEDOUT, "the keystore did not answer within %d s",
						   KEYSTORE_DEADLINE_MS / 1000);
				nono_error_hint(err, "is the Secret Service waiting to be unlocked?");
				kill(pid, SIGKILL);
			} else {
				r = nono_error_set(err, -EIO, "cannot read the keystore: the lookup failed");
			}
		} else if (len == UINT32_MAX) {
			struct nono_error e;

			r = read_all(fds[0], &e, sizeof(e)) ? (*err = e, e.code ? e.code : -EIO)
							    : nono_error_set(err, -EIO, "cannot read the keystore");
			err->msg[sizeof(err->msg) - 1] = err->hint[sizeof(err->hint) - 1] = '\0';
		} else if (len > 1024 * 1024) {
			r = nono_error_set(err, -E2BIG, "credential '%.*s': the secret is over 1 MiB",
					   (int)(eq - refs->v[i]), refs->v[i]);
		} else {
			val = xmalloc((size_t)len + 1);
			if (!read_all(fds[0], val, len)) {
				r = nono_error_set(err, -EIO, "cannot read the keystore: the lookup failed");
			} else {
				val[len] = '\0';
				nono_strv_push_owned(&got, xasprintf("%s=%s", eq + 1, val));
			}
			explicit_bzero(val, len);
			free(val);
		}
	}
	close(fds[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (r) {
		nono_keystore_wipe(&got);
		return r;
	}
	for (size_t i = 0; i < got.n; i++)
		nono_strv_push(out, got.v[i]);
	nono_keystore_wipe(&got);
	return 0;
}
