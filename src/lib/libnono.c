/* libnono.c - the public C API (lib/nono.h) over nono's launch pipeline:
 * a sandbox records settings; validate, spawn and apply_self turn them into
 * options through the key table (as flags and profiles are), then into a
 * plan (launch/plan.h). A spawned program is supervised by a process of
 * its own, forked from the caller, that runs exactly what 'nono run' runs. */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"
#include "config/keys.h"
#include "config/profile.h"
#include "config/settings.h"
#include "launch/plan.h"
#include "lib/nono.h"
#include "policy/policy.h"
#include "sandbox/sandbox.h"
#include "sandbox/seccomp.h"

#define NONO_PUBLIC __attribute__((visibility("default")))

struct setting {
	const struct nono_optdef *d;
	char *val;
};

struct nono_lib_sandbox {
	struct setting *v;
	size_t n, cap;
	char *profile;
	int rollback; /* -1 as nono decides, 0 off, 1 on */
	bool no_audit, verbose;
	int fd[3];
};

struct nono_lib_child {
	pid_t pid;
	bool collected;
	int status;
	char id[NONO_SESSION_ID_LEN + 1];
};

/* ---- errors ------------------------------------------------------------------ */

static int
give(nono_error **out, const struct nono_error *e)
{
	int code = e->code ? e->code : -EINVAL;

	if (out) {
		*out = malloc(sizeof(**out));
		if (*out) {
			**out = *e;
			(*out)->code = code;
		}
	}
	return code;
}

static int
fail(nono_error **out, int code, const char *msg, const char *hint)
{
	struct nono_error e = {0};

	nono_error_set(&e, code, "%s", msg);
	if (hint)
		nono_error_hint(&e, "%s", hint);
	return give(out, &e);
}

NONO_PUBLIC int
nono_error_get_code(const nono_error *e)
{
	return e ? e->code : 0;
}

NONO_PUBLIC const char *
nono_error_get_message(const nono_error *e)
{
	return e ? e->msg : "";
}

NONO_PUBLIC const char *
nono_error_get_hint(const nono_error *e)
{
	return e ? e->hint : "";
}

NONO_PUBLIC void
nono_error_release(nono_error *e)
{
	free(e);
}

NONO_PUBLIC const char *
nono_version(void)
{
	return PACKAGE_VERSION;
}

/* ---- recording ----------------------------------------------------------------- */

NONO_PUBLIC nono_sandbox *
nono_sandbox_create(void)
{
	nono_sandbox *sb = calloc(1, sizeof(*sb));

	if (sb) {
		sb->rollback = -1;
		sb->fd[0] = sb->fd[1] = sb->fd[2] = -1;
	}
	return sb;
}

NONO_PUBLIC void
nono_sandbox_destroy(nono_sandbox *sb)
{
	if (!sb)
		return;
	for (size_t i = 0; i < sb->n; i++)
		free(sb->v[i].val);
	free(sb->v);
	free(sb->profile);
	free(sb);
}

/* The key table's row for a profile key or a flag's name: one a program
 * can set (not nono's own switches for its commands). */
static const struct nono_optdef *
row(const char *key)
{
	for (const struct nono_optdef *d = nono_optdefs; !NONO_OPTDEF_END(d); d++) {
		if (!d->set || d->state == S_LATER || d->state == S_IGNORED)
			continue;
		if ((d->profile_key && strcmp(d->profile_key, key) == 0) ||
		    (d->name && (d->commands & NONO_CMD_RUN) && strcmp(d->name, key) == 0))
			return d;
	}
	return NULL;
}

/* Settings only nono's command line has a meaning for. */
static bool
not_for_library(const char *key)
{
	static const char *const own[] = {"dry-run",  "json",	     "silent",	 "verbose",    "profile",
					  "rollback", "no-rollback", "no-audit", "session-id", NULL};

	for (size_t i = 0; own[i]; i++)
		if (strcmp(own[i], key) == 0)
			return true;
	return false;
}

NONO_PUBLIC int
nono_sandbox_set(nono_sandbox *sb, const char *key, const char *value, nono_error **err)
{
	const struct nono_optdef *d;
	struct nono_options scratch;
	struct nono_error e = {0};
	int r;

	if (!sb || !key)
		return fail(err, -EINVAL, "nono_sandbox_set: no sandbox or no key", NULL);
	if (strcmp(key, "profile") == 0)
		return nono_sandbox_use_profile(sb, value, err);
	if (strcmp(key, "rollback") == 0 || strcmp(key, "no-rollback") == 0)
		return nono_sandbox_set_rollback(sb, key[0] == 'r', err);
	if (strcmp(key, "no-audit") == 0)
		return nono_sandbox_set_audit(sb, false, err);
	if (not_for_library(key) || !(d = row(key))) {
		struct nono_error u = {0};

		nono_error_set(&u, -EINVAL, "unknown setting '%s'", key);
		nono_error_hint(&u, "a profile key (\"filesystem.read\") or a 'nono run' flag's name (\"read\"); see "
				    "nono-profile(5)");
		return give(err, &u);
	}
	if (d->type == K_BOOL && !d->has_arg && value && strcmp(value, "true") != 0)
		return fail(err, -EINVAL, "a switch takes no value but \"true\"", "leave it unset to keep it off");
	if (!d->has_arg && d->type == K_BOOL)
		value = NULL;
	if (d->has_arg && !value)
		return fail(err, -EINVAL, "this setting needs a value", NULL);
	/* the value is checked now, applied again when the sandbox is used */
	nono_options_init(&scratch);
	r = d->set(&scratch, d, value, &e);
	nono_options_free(&scratch);
	if (r < 0)
		return give(err, &e);
	if (sb->n == sb->cap) {
		size_t cap = sb->cap ? 2 * sb->cap : 8;
		struct setting *v = realloc(sb->v, cap * sizeof(*v));

		if (!v)
			return fail(err, -ENOMEM, "out of memory", NULL);
		sb->v = v;
		sb->cap = cap;
	}
	sb->v[sb->n].d = d;
	sb->v[sb->n].val = value ? strdup(value) : NULL;
	if (value && !sb->v[sb->n].val)
		return fail(err, -ENOMEM, "out of memory", NULL);
	sb->n++;
	return 0;
}

NONO_PUBLIC int
nono_sandbox_allow(nono_sandbox *sb, const char *path, unsigned access, nono_error **err)
{
	struct stat st;
	bool file = path && stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
	const char *key;

	if (!path || !(access & NONO_ACCESS_READWRITE) || (access & ~NONO_ACCESS_READWRITE))
		return fail(err, -EINVAL, "nono_sandbox_allow: a path and NONO_ACCESS_READ and/or _WRITE", NULL);
	if (access == NONO_ACCESS_READ)
		key = file ? "read-file" : "read";
	else if (access == NONO_ACCESS_WRITE)
		key = file ? "write-file" : "write";
	else
		key = file ? "allow-file" : "allow";
	return nono_sandbox_set(sb, key, path, err);
}

NONO_PUBLIC int
nono_sandbox_block_network(nono_sandbox *sb, nono_error **err)
{
	return nono_sandbox_set(sb, "network.block", NULL, err);
}

NONO_PUBLIC int
nono_sandbox_allow_domain(nono_sandbox *sb, const char *host, nono_error **err)
{
	return nono_sandbox_set(sb, "allow-domain", host, err);
}

NONO_PUBLIC int
nono_sandbox_use_profile(nono_sandbox *sb, const char *name_or_path, nono_error **err)
{
	struct nono_profile prof;
	struct nono_error e = {0};
	char *dup;

	if (!sb || !name_or_path)
		return fail(err, -EINVAL, "nono_sandbox_use_profile: no sandbox or no profile", NULL);
	if (nono_profile_load(&prof, name_or_path, &e) < 0)
		return give(err, &e);
	nono_profile_free(&prof);
	if (!(dup = strdup(name_or_path)))
		return fail(err, -ENOMEM, "out of memory", NULL);
	free(sb->profile);
	sb->profile = dup;
	return 0;
}

NONO_PUBLIC int
nono_sandbox_set_rollback(nono_sandbox *sb, bool on, nono_error **err)
{
	if (!sb)
		return fail(err, -EINVAL, "no sandbox", NULL);
	sb->rollback = on;
	return 0;
}

NONO_PUBLIC int
nono_sandbox_set_audit(nono_sandbox *sb, bool on, nono_error **err)
{
	if (!sb)
		return fail(err, -EINVAL, "no sandbox", NULL);
	sb->no_audit = !on;
	return 0;
}

NONO_PUBLIC int
nono_sandbox_set_workdir(nono_sandbox *sb, const char *dir, nono_error **err)
{
	return nono_sandbox_set(sb, "workdir", dir, err);
}

NONO_PUBLIC void
nono_sandbox_set_stdio(nono_sandbox *sb, int in, int out, int err_fd)
{
	if (!sb)
		return;
	sb->fd[0] = in;
	sb->fd[1] = out;
	sb->fd[2] = err_fd;
}

NONO_PUBLIC void
nono_sandbox_set_verbose(nono_sandbox *sb, bool on)
{
	if (sb)
		sb->verbose = on;
}

/* ---- using it ------------------------------------------------------------------- */

/* The options the recorded settings make: the profile first, then each
 * setting in the order given (later ones win, as flags after a profile). */
static int
build_options(const nono_sandbox *sb, struct nono_options *o, struct nono_error *e)
{
	struct nono_profile prof;
	int r;

	nono_options_init(o);
	if (sb->profile) {
		if ((r = nono_profile_load(&prof, sb->profile, e)) < 0)
			return r;
		o->profile = xstrdup(sb->profile);
		r = nono_profile_apply(o, &prof, e);
		nono_profile_free(&prof);
		if (r < 0)
			return r;
	}
	o->origin = NULL;
	for (size_t i = 0; i < sb->n; i++)
		if ((r = sb->v[i].d->set(o, sb->v[i].d, sb->v[i].val, e)) < 0)
			return r;
	if (sb->rollback >= 0)
		o->rollback = sb->rollback;
	o->no_audit = sb->no_audit;
	o->silent = !sb->verbose;
	return 0;
}

NONO_PUBLIC int
nono_sandbox_validate(nono_sandbox *sb, nono_error **err)
{
	struct nono_options o;
	struct nono_plan *plan = NULL;
	struct nono_error e = {0};
	char *argv[] = {(char *)"true", NULL};
	int level = nono_log_level(), r;

	if (!sb)
		return fail(err, -EINVAL, "no sandbox", NULL);
	nono_log_set_level(NONO_LOG_QUIET);
	if ((r = build_options(sb, &o, &e)) == 0) {
		o.dry_run = true;
		r = nono_plan_build(&plan, &o, argv, -1, &e);
		if (r == 0 && plan->refusal) {
			nono_error_set(&e, -EOPNOTSUPP, "%s", plan->refusal);
			r = e.code;
		}
		nono_plan_free(plan);
	}
	nono_options_free(&o);
	nono_log_set_level(level);
	return r < 0 ? give(err, &e) : 0;
}

/* nono's binary, for what a sandbox reaches of nono itself ('nono why
 * --self', the exec shims beside it): beside this library in a build tree,
 * else where make install put it. NULL when neither is there. */
static const char *
nono_binary(void)
{
	static char path[4096];
	Dl_info info;

	if (dladdr((void *)nono_binary, &info) && info.dli_fname) {
		char *lib = realpath(info.dli_fname, NULL), *slash = lib ? strrchr(lib, '/') : NULL;

		if (slash) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/nono", lib);
		}
		free(lib);
		if (slash && access(path, X_OK) == 0)
			return path;
	}
	return access(NONO_BINDIR "/nono", X_OK) == 0 ? NONO_BINDIR "/nono" : NULL;
}

/* The caller's descriptors (-1: its own) as the supervisor's 0, 1 and 2,
 * in the forked supervisor before anything else: fcntl and dup2 only. One
 * given as its own number is kept, without the FD_CLOEXEC it may carry
 * (dup2 onto itself would not clear it, and exec would close it); one
 * below 3 that is another's number is first moved above 2, or an earlier
 * dup2 would overwrite it (stdout given as 0 and stdin as something else).
 * The moved copies are closed with the caller's other descriptors. */
static int
place_stdio(const int given[3])
{
	int fd[3];

	for (int i = 0; i < 3; i++) {
		fd[i] = given[i];
		if (fd[i] >= 0 && fd[i] < 3 && fd[i] != i && (fd[i] = fcntl(fd[i], F_DUPFD_CLOEXEC, 3)) < 0)
			return -1;
	}
	for (int i = 0; i < 3; i++) {
		if (fd[i] < 0)
			continue;
		if (fd[i] == i ? fcntl(i, F_SETFD, 0) < 0 : dup2(fd[i], i) < 0)
			return -1;
	}
	return 0;
}

/* The supervisor process: what 'nono run' does, its first failure sent
 * up report (then closed, once the program runs). Never returns. */
static void __attribute__((noreturn)) supervise(const nono_sandbox *sb, char *const *argv, const char *id, int report)
{
	struct nono_options o;
	struct nono_plan *plan = NULL;
	struct nono_error e = {0};
	struct nono_config cfg;
	sigset_t none;
	int status = 125;

	/* the caller's signal state is not the supervisor's */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	if (place_stdio(sb->fd) < 0)
		_exit(125);
	/* none of the caller's descriptors: a pipe's end held here would keep
	 * the program from seeing its end */
	if (report > 3)
		close_range(3, (unsigned)report - 1, 0);
	close_range((unsigned)report + 1, ~0U, 0);
	/* the user's config.ini, as nono reads it */
	if (nono_config_load(&cfg, &e) == 0)
		nono_settings_set(&cfg);
	nono_log_set_level(sb->verbose ? 0 : NONO_LOG_QUIET);
	if (e.code == 0 && build_options(sb, &o, &e) == 0) {
		o.session_id = xstrdup(id);
		o.self_exe = nono_binary();
		if (nono_plan_build(&plan, &o, (char **)argv, -1, &e) < 0) {
			status = plan ? plan->exit_status : 125;
		} else {
			nono_plan_describe(plan, NONO_DESCRIBE_BANNER);
			if (nono_plan_spawn(plan, &e) == 0) {
				close(report);
				report = -1;
				nono_supervisor_run(plan->supervisor);
			}
			status = nono_plan_finish(plan, &e);
			if (plan->spawn.term_sig)
				status = 128 + plan->spawn.term_sig;
		}
		nono_plan_free(plan);
	}
	if (report >= 0 && e.code)
		(void)nono_write_all(report, &e, sizeof(e));
	_exit(status);
}

NONO_PUBLIC int
nono_sandbox_spawn(nono_sandbox *sb, const char *const argv[], nono_child **out, nono_error **err)
{
	struct nono_error e = {0};
	nono_child *c;
	int pipefd[2], st;
	ssize_t n;

	if (!sb || !argv || !argv[0] || !out)
		return fail(err, -EINVAL, "nono_sandbox_spawn: a sandbox, a program and a place for the child", NULL);
	*out = NULL;
	if (!(c = calloc(1, sizeof(*c))))
		return fail(err, -ENOMEM, "out of memory", NULL);
	nono_session_id_new(c->id);
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		free(c);
		return fail(err, -errno, "cannot start the supervisor: pipe failed", NULL);
	}
	/* a caller whose 0, 1 or 2 is closed gets the pipe there: above 2, so
	 * that the program's streams, placed at 0-2, do not replace it */
	for (int i = 0; i < 2; i++)
		if (pipefd[i] < 3) {
			int hi = fcntl(pipefd[i], F_DUPFD_CLOEXEC, 3);

			if (hi >= 0) {
				close(pipefd[i]);
				pipefd[i] = hi;
			}
		}
	/* what the caller's streams hold is written once, here, not again by
	 * the supervisor's copy of them */
	fflush(NULL);
	c->pid = fork();
	if (c->pid < 0) {
		int code = -errno;

		close(pipefd[0]);
		close(pipefd[1]);
		free(c);
		return fail(err, code, "cannot start the supervisor: fork failed", NULL);
	}
	if (c->pid == 0) {
		close(pipefd[0]);
		supervise(sb, (char *const *)argv, c->id, pipefd[1]);
	}
	close(pipefd[1]);
	/* nothing: the program runs (or ran); an error: nothing ran */
	do
		n = read(pipefd[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n == (ssize_t)sizeof(e)) {
		while (waitpid(c->pid, &st, 0) < 0 && errno == EINTR)
			;
		free(c);
		e.msg[sizeof(e.msg) - 1] = e.hint[sizeof(e.hint) - 1] = '\0';
		return give(err, &e);
	}
	*out = c;
	return 0;
}

NONO_PUBLIC int
nono_child_wait(nono_child *c, int *status)
{
	int st;

	if (!c)
		return -EINVAL;
	if (!c->collected) {
		while (waitpid(c->pid, &st, 0) < 0)
			if (errno != EINTR)
				return -errno;
		c->collected = true;
		c->status = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 125;
	}
	if (status)
		*status = c->status;
	return 0;
}

NONO_PUBLIC int
nono_child_signal(nono_child *c, int sig)
{
	if (!c || c->collected)
		return -ESRCH;
	return kill(c->pid, sig) < 0 ? -errno : 0;
}

NONO_PUBLIC pid_t
nono_child_pid(const nono_child *c)
{
	return c ? c->pid : -1;
}

NONO_PUBLIC const char *
nono_child_session_id(const nono_child *c)
{
	return c ? c->id : NULL;
}

NONO_PUBLIC void
nono_child_release(nono_child *c)
{
	free(c);
}

/* ---- the calling process ------------------------------------------------------------ */

NONO_PUBLIC int
nono_sandbox_apply_self(nono_sandbox *sb, nono_error **err)
{
	struct nono_options o;
	struct nono_sandbox *ll = NULL;
	struct nono_seccomp filter = {0};
	struct nono_seccomp_opts so = {.unsupervised = true};
	struct nono_error e = {0};
	int r;

	if (!sb)
		return fail(err, -EINVAL, "no sandbox", NULL);
	if ((r = build_options(sb, &o, &e)) < 0)
		goto out;
	if (!o.policy.workdir && !(o.policy.workdir = getcwd(NULL, 0))) {
		r = nono_error_set(&e, -errno, "cannot read the current directory");
		goto out;
	}
	nono_policy_add_default_groups(&o.policy);
	if ((r = nono_policy_finalize(&o.policy, &e)) < 0 || (r = nono_sandbox_prepare(&ll, &o.policy, &e)) < 0)
		goto out;
	so.block_net = o.policy.block_net;
	if ((r = nono_seccomp_build(&filter, &so, &e)) < 0)
		goto out;
	/* as root, the administrative capabilities go first, as in 'nono run' */
	if (geteuid() == 0 && (r = nono_sandbox_drop_caps()) < 0) {
		nono_error_set(&e, r, "cannot drop the administrative capabilities");
		goto out;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		r = nono_error_set(&e, -errno, "cannot set no_new_privs");
		goto out;
	}
	if ((r = nono_sandbox_enter(ll, false)) < 0) {
		nono_error_set(&e, r, "Landlock refused to confine this process");
		goto out;
	}
	if ((r = nono_seccomp_apply(&filter)) < 0)
		nono_error_set(&e, r = -ENOTRECOVERABLE,
			       "Landlock confines this process, but the seccomp filter could not be loaded");
out:
	nono_seccomp_free(&filter);
	nono_sandbox_free(ll);
	nono_options_free(&o);
	return r < 0 ? give(err, &e) : 0;
}
