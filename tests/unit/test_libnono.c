/* test_libnono.c - the public C API (lib/nono.h), as a program uses it:
 * errors with message and hint, settings through the key table, validate,
 * a supervised child confined by effect (the secret unread, nothing written
 * outside), stdio given as overlapping descriptors, signals, and
 * apply_self in a process of its own. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/nono.h"

struct fixture {
	char dir[64], work[128], outside[128], secret[160];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	FILE *s;

	snprintf(f->dir, sizeof(f->dir), "/tmp/nono-libtest-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->work, sizeof(f->work), "%s/work", f->dir);
	snprintf(f->outside, sizeof(f->outside), "%s/outside", f->dir);
	snprintf(f->secret, sizeof(f->secret), "%s/secret", f->outside);
	mkdir(f->work, 0755);
	mkdir(f->outside, 0755);
	s = fopen(f->secret, "w");
	fputs("s3cr3t-c\n", s);
	fclose(s);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void
errors(void **state)
{
	nono_sandbox *sb = nono_sandbox_create();
	nono_error *e = NULL;

	(void)state;
	assert_non_null(sb);
	assert_int_equal(nono_sandbox_set(sb, "no.such.key", "x", &e), -EINVAL);
	assert_non_null(e);
	assert_int_equal(nono_error_get_code(e), -EINVAL);
	assert_non_null(strstr(nono_error_get_message(e), "unknown setting 'no.such.key'"));
	assert_true(strlen(nono_error_get_hint(e)) > 0);
	nono_error_release(e);
	e = NULL;
	/* a setting that needs a value, an access that is none */
	assert_true(nono_sandbox_set(sb, "filesystem.read", NULL, &e) < 0);
	nono_error_release(e);
	e = NULL;
	assert_int_equal(nono_sandbox_allow(sb, "/tmp", 0, NULL), -EINVAL);
	assert_true(nono_sandbox_use_profile(sb, "no-such-profile-anywhere", &e) < 0);
	assert_non_null(strstr(nono_error_get_message(e), "no-such-profile-anywhere"));
	nono_error_release(e);
	/* a good sandbox validates */
	assert_int_equal(nono_sandbox_allow(sb, "/tmp", NONO_ACCESS_READ, NULL), 0);
	assert_int_equal(nono_sandbox_set(sb, "network.block", NULL, NULL), 0);
	assert_int_equal(nono_sandbox_validate(sb, NULL), 0);
	assert_string_equal(nono_version(), PACKAGE_VERSION);
	nono_sandbox_destroy(sb);
}

/* the child's standard output, to its end */
static size_t
slurp(int fd, char *buf, size_t n)
{
	size_t got = 0;
	ssize_t k;

	while (got + 1 < n && (k = read(fd, buf + got, n - 1 - got)) > 0)
		got += (size_t)k;
	buf[got] = '\0';
	return got;
}

static void
spawn_confined(void **state)
{
	struct fixture *f = *state;
	nono_sandbox *sb = nono_sandbox_create();
	nono_child *c = NULL;
	nono_error *e = NULL;
	char script[1024], out[4096], made[160], esc[160];
	const char *argv[] = {"sh", "-c", script, NULL};
	int p[2], st = -1;
	struct stat sst;

	snprintf(made, sizeof(made), "%s/made", f->work);
	snprintf(esc, sizeof(esc), "%s/escape", f->outside);
	snprintf(script, sizeof(script), "cat %s 2>&1; echo x > %s 2>&1; echo in > %s; echo done; exit 7", f->secret,
		 esc, made);
	assert_int_equal(nono_sandbox_allow(sb, f->work, NONO_ACCESS_READWRITE, NULL), 0);
	assert_int_equal(nono_sandbox_set_audit(sb, false, NULL), 0);
	assert_int_equal(pipe(p), 0);
	nono_sandbox_set_stdio(sb, -1, p[1], p[1]);
	assert_int_equal(nono_sandbox_spawn(sb, argv, &c, &e), 0);
	close(p[1]);
	assert_non_null(c);
	assert_true(nono_child_pid(c) > 0);
	assert_int_equal(strlen(nono_child_session_id(c)), 25);
	slurp(p[0], out, sizeof(out));
	close(p[0]);
	assert_int_equal(nono_child_wait(c, &st), 0);
	assert_int_equal(st, 7);
	assert_null(strstr(out, "s3cr3t-c"));
	assert_non_null(strstr(out, "Permission denied"));
	assert_non_null(strstr(out, "done"));
	assert_int_equal(stat(esc, &sst), -1);
	assert_int_equal(stat(made, &sst), 0);
	nono_child_release(c);
	nono_sandbox_destroy(sb);
}

static void
spawn_fails_and_signals(void **state)
{
	nono_sandbox *sb = nono_sandbox_create();
	nono_child *c = NULL;
	nono_error *e = NULL;
	const char *missing[] = {"/nonexistent/program", NULL};
	const char *sleeper[] = {"sleep", "30", NULL};
	int st = -1;

	(void)state;
	assert_int_equal(nono_sandbox_set_audit(sb, false, NULL), 0);
	assert_int_equal(nono_sandbox_spawn(sb, missing, &c, &e), -ENOENT);
	assert_null(c);
	assert_non_null(strstr(nono_error_get_message(e), "/nonexistent/program"));
	nono_error_release(e);
	assert_int_equal(nono_sandbox_spawn(sb, sleeper, &c, NULL), 0);
	assert_int_equal(nono_child_signal(c, SIGTERM), 0);
	assert_int_equal(nono_child_wait(c, &st), 0);
	assert_int_equal(st, 128 + SIGTERM);
	assert_int_equal(nono_child_wait(c, &st), 0); /* collected once, asked twice */
	assert_int_equal(nono_child_signal(c, SIGTERM), -ESRCH);
	nono_child_release(c);
	nono_sandbox_destroy(sb);
}

/* The program's stdio given as descriptors that are themselves 0 to 2:
 * stdout as 0 while stdin is another (dup2 in order would overwrite it
 * first), stderr as 2 itself but close-on-exec. In a process of its own,
 * whose 0 and 2 it takes. */
static int
stdio_child(void)
{
	nono_sandbox *sb = nono_sandbox_create();
	const char *argv[] = {"sh", "-c", "echo out; echo err >&2; read x || echo eof", NULL};
	nono_child *c = NULL;
	char out[256];
	int p[2], null = open("/dev/null", O_RDONLY | O_CLOEXEC), st = -1;

	if (!sb || null < 3 || pipe(p) < 0 || dup2(p[1], 0) < 0 || dup2(p[1], 2) < 0 || close(p[1]) < 0 ||
	    fcntl(0, F_SETFD, FD_CLOEXEC) < 0 || fcntl(2, F_SETFD, FD_CLOEXEC) < 0)
		return 10;
	nono_sandbox_set_audit(sb, false, NULL);
	nono_sandbox_set_stdio(sb, null, 0, 2);
	if (nono_sandbox_spawn(sb, argv, &c, NULL) < 0)
		return 11;
	close(0);
	close(2);
	slurp(p[0], out, sizeof(out));
	if (nono_child_wait(c, &st) < 0 || st != 0)
		return 12;
	nono_child_release(c);
	nono_sandbox_destroy(sb);
	return strcmp(out, "out\nerr\neof\n") == 0 ? 0 : 13;
}

/* fn in a process of its own (it takes the process's descriptors 0-2):
 * it exits 0 */
static void
in_child(int (*fn)(void))
{
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fn());
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void
spawn_stdio_overlapping(void **state)
{
	(void)state;
	in_child(stdio_child);
}

/* A caller whose 0 and 1 are closed: the library's own pipe lands there,
 * and must not be what the program's streams replace. */
static int
closed_std_child(void)
{
	nono_sandbox *sb = nono_sandbox_create();
	const char *argv[] = {"sh", "-c", "echo out", NULL};
	nono_child *c = NULL;
	char out[256];
	int p[2], q[2], null = open("/dev/null", O_RDONLY | O_CLOEXEC), st = -1;

	if (!sb || null < 3 || pipe2(p, O_CLOEXEC) < 0 || p[0] < 3 || p[1] < 3 || pipe2(q, O_CLOEXEC) < 0 || q[1] < 3)
		return 10;
	close(0);
	close(1);
	nono_sandbox_set_audit(sb, false, NULL);
	nono_sandbox_set_stdio(sb, null, p[1], p[1]);
	if (nono_sandbox_spawn(sb, argv, &c, NULL) < 0)
		return 11;
	close(p[1]);
	slurp(p[0], out, sizeof(out));
	if (nono_child_wait(c, &st) < 0 || st != 0)
		return 12;
	nono_child_release(c);
	if (strcmp(out, "out\n") != 0)
		return 13;
	/* and a failure still comes back as one, not on the program's stdout */
	nono_sandbox_set_stdio(sb, null, q[1], q[1]);
	argv[0] = "/nonexistent/program";
	if (nono_sandbox_spawn(sb, argv, &c, NULL) != -ENOENT)
		return 15;
	close(q[1]);
	slurp(q[0], out, sizeof(out));
	nono_sandbox_destroy(sb);
	return out[0] == '\0' ? 0 : 16;
}

static void
spawn_with_closed_std(void **state)
{
	(void)state;
	in_child(closed_std_child);
}

/* CapEff in /proc/self/status lacks the capabilities 'nono run' drops
 * (a sample: CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_SYS_PTRACE, CAP_MKNOD,
 * CAP_SETFCAP, CAP_LINUX_IMMUTABLE), and the bounding set lacks them too. */
static bool
cap_eff_lacks_admin(void)
{
	static const int caps[] = {21 /* SYS_ADMIN */, 12 /* NET_ADMIN */, 19 /* SYS_PTRACE */,
				   27 /* MKNOD */,     31 /* SETFCAP */,   9 /* LINUX_IMMUTABLE */};
	unsigned long long eff = ~0ULL;
	char line[128];
	FILE *s = fopen("/proc/self/status", "r");

	if (!s)
		return false;
	while (fgets(line, sizeof(line), s))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	fclose(s);
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if ((eff >> caps[i]) & 1 || prctl(PR_CAPBSET_READ, caps[i], 0, 0, 0) != 0)
			return false;
	/* and not everything went: CAP_DAC_OVERRIDE (1) is not administrative */
	return (eff >> 1) & 1;
}

static void
apply_self(void **state)
{
	struct fixture *f = *state;
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0) {
		nono_sandbox *sb = nono_sandbox_create();
		char in[160], out[160];
		struct stat sb_st;
		int ok = 0, fd = -1;

		snprintf(in, sizeof(in), "%s/self", f->work);
		snprintf(out, sizeof(out), "%s/self", f->outside);
		if (nono_sandbox_allow(sb, f->work, NONO_ACCESS_READWRITE, NULL) == 0 &&
		    nono_sandbox_apply_self(sb, NULL) == 0)
			ok = 1;
		/* what it was given, and only that */
		if (ok && open(f->secret, O_RDONLY) < 0 && errno == EACCES)
			ok++;
		if (ok == 2 && open(out, O_WRONLY | O_CREAT, 0600) < 0 && errno == EACCES)
			ok++;
		if (ok == 3 && (fd = open(in, O_WRONLY | O_CREAT, 0600)) >= 0)
			ok++;
		/* no setuid file, even inside the grant (the mode stays) */
		if (ok == 4 && fchmod(fd, 04755) < 0 && errno == EPERM && fstat(fd, &sb_st) == 0 &&
		    (sb_st.st_mode & 07777) == 0600)
			ok++;
		/* root keeps none of the administrative capabilities */
		if (ok == 5 && (geteuid() != 0 || cap_eff_lacks_admin()))
			ok++;
		_exit(ok == 6 ? 0 : 10 + ok);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(errors),
	    cmocka_unit_test_setup_teardown(spawn_confined, setup, teardown),
	    cmocka_unit_test(spawn_fails_and_signals),
	    cmocka_unit_test(spawn_stdio_overlapping),
	    cmocka_unit_test(spawn_with_closed_std),
	    cmocka_unit_test_setup_teardown(apply_self, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
