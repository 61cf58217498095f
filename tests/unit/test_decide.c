/* test_decide.c - the supervisor's decisions (supervisor/decide.c), pure
 * functions of a call's resolved arguments and a finalized policy: exec
 * against the command blocklist, metadata, truncation (below Landlock ABI
 * 3) and UNIX sockets against the launch's grants; and the lines of /proc
 * the supervisor reads a socket from where it cannot copy it (sockinfo.c).
 * (The proxy's and the loader's are in test_proxy.c and test_seccomp.c.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include "base/util.h"
#include "supervisor/decide.h"
#include "supervisor/sockinfo.h"

struct fixture {
	struct nono_policy p;
	char *dir, *home;
};

/* a policy with a writable grant (w/), a system group's read grant (/usr),
 * a profile's socket and a sensitive path (~/.ssh) under the grant */
static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	char tmpl[] = "/tmp/nono-test-decide-XXXXXX";
	struct nono_error err = {0};
	char *p;

	assert_non_null(mkdtemp(tmpl));
	f->dir = realpath(tmpl, NULL);
	f->home = nono_path_join(f->dir, "home");
	setenv("HOME", f->home, 1);
	p = xasprintf("%s/home/.ssh", f->dir);
	assert_int_equal(nono_mkdir_p(p, 0700), 0);
	free(p);
	p = xasprintf("%s/w", f->dir);
	assert_int_equal(nono_mkdir_p(p, 0700), 0);
	free(p);
	nono_policy_init(&f->p);
	nono_policy_add_default_groups(&f->p);
	nono_policy_grant(&f->p, f->dir, NONO_ACC_READ, NONO_KIND_DIR, "--read", true);
	p = xasprintf("%s/w", f->dir);
	nono_policy_grant(&f->p, p, NONO_ACC_RW, NONO_KIND_DIR, "--allow", true);
	free(p);
	nono_strv_push(&f->p.unix_sockets, "/run/allowed.sock");
	assert_int_equal(nono_policy_finalize(&f->p, &err), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	nono_policy_free(&f->p);
	nono_rm_rf(f->dir);
	free(f->dir);
	free(f->home);
	free(f);
	return 0;
}

static void
exec_blocklist(void **state)
{
	struct fixture *f = *state;
	const char *cat, *name;

	/* by the path's name, by argv[0], never by an allowed name */
	assert_int_equal(nono_supervisor_exec_decision(&f->p, "/usr/bin/rm", "rm", &cat, &name), -EPERM);
	assert_string_equal(name, "rm");
	assert_non_null(cat);
	assert_int_equal(nono_supervisor_exec_decision(&f->p, "/usr/bin/ls", "rm", &cat, &name), -EPERM);
	assert_int_equal(nono_supervisor_exec_decision(&f->p, "/usr/bin/ls", "ls", &cat, &name), 0);
	assert_null(cat);
	nono_strv_push(&f->p.allow_cmds, "rm");
	assert_int_equal(nono_supervisor_exec_decision(&f->p, "/usr/bin/rm", "rm", &cat, &name), 0);
}

static void
metadata_in_writable_grants(void **state)
{
	struct fixture *f = *state;
	char *in = xasprintf("%s/w/file", f->dir), *read_only = xasprintf("%s/file", f->dir);
	char *sensitive = xasprintf("%s/home/.ssh/id_rsa", f->dir);

	assert_int_equal(nono_supervisor_meta_decision(&f->p, in), 0);
	/* read-only grants, system groups, outside every grant, sensitive paths */
	assert_int_equal(nono_supervisor_meta_decision(&f->p, read_only), -EPERM);
	assert_int_equal(nono_supervisor_meta_decision(&f->p, "/usr/bin/ls"), -EPERM);
	assert_int_equal(nono_supervisor_meta_decision(&f->p, "/etc/passwd"), -EPERM);
	assert_int_equal(nono_supervisor_meta_decision(&f->p, sensitive), -EPERM);
	free(in);
	free(read_only);
	free(sensitive);
}

static void
unix_sockets(void **state)
{
	struct fixture *f = *state;
	char *granted = xasprintf("%s/w/agent.sock", f->dir), *sensitive = xasprintf("%s/home/.ssh/agent", f->dir);

	assert_int_equal(nono_supervisor_unix_decision(&f->p, "/run/allowed.sock"), 0);
	assert_int_equal(nono_supervisor_unix_decision(&f->p, granted), 0);
	/* a system group's grant is not the user's: its sockets stay out */
	assert_int_equal(nono_supervisor_unix_decision(&f->p, "/run/other.sock"), -EACCES);
	assert_int_equal(nono_supervisor_unix_decision(&f->p, sensitive), -EACCES);
	free(granted);
	free(sensitive);
}

/* below ABI 3, truncation where a writable grant may delete, nowhere else */
static void
truncation(void **state)
{
	struct fixture *f = *state;
	char *in = xasprintf("%s/w/file", f->dir), *read_only = xasprintf("%s/file", f->dir);
	char *d = xasprintf("%s/w/del", f->dir), *del = xasprintf("%s/w/del/file", f->dir);
	char *w = xasprintf("%s/w", f->dir);
	struct nono_policy p;
	struct nono_error err = {0};

	/* --allow: writable means it may truncate (the journal keeps the bytes) */
	assert_int_equal(nono_supervisor_truncate_decision(&f->p, in), 0);
	assert_int_equal(nono_supervisor_truncate_decision(&f->p, read_only), -EACCES);
	assert_int_equal(nono_supervisor_truncate_decision(&f->p, "/etc/passwd"), -EACCES);
	/* --no-delete: none, as Landlock's TRUNCATE withheld; filesystem.allow_delete
	 * still gives it back to one grant */
	assert_int_equal(nono_mkdir_p(d, 0700), 0);
	nono_policy_init(&p);
	p.no_delete = true;
	nono_policy_add_default_groups(&p);
	nono_policy_grant(&p, w, NONO_ACC_RW, NONO_KIND_DIR, "--allow", true);
	nono_policy_grant(&p, d, NONO_ACC_RW | NONO_ACC_DELETE, NONO_KIND_DIR, "--allow", true);
	assert_int_equal(nono_policy_finalize(&p, &err), 0);
	assert_int_equal(nono_supervisor_truncate_decision(&p, del), 0);
	assert_int_equal(nono_supervisor_truncate_decision(&p, in), -EACCES);
	nono_policy_free(&p);
	free(in);
	free(read_only);
	free(d);
	free(del);
	free(w);
}

/* /proc/net/unix and /proc/net/tcp lines, by inode */
static void
sockinfo_lines(void **state)
{
	struct nono_sockinfo s;

	(void)state;
	memset(&s, 0, sizeof(s));
	/* Num RefCount Protocol Flags Type St Inode Path */
	assert_false(nono_sockinfo_unix_line(&s, "0000000000000000: 00000002 00000000 00000000 0001 01 111", 222));
	assert_true(nono_sockinfo_unix_line(&s, "0000000000000000: 00000002 00000000 00000000 0001 01 111", 111));
	assert_int_equal(s.type, 1);
	assert_false(s.bound || s.connected || s.listening);
	assert_true(nono_sockinfo_unix_line(&s, "00000000c5e2: 00000002 00000000 00010000 0001 01 7 /run/x.sock", 7));
	assert_true(s.bound && s.listening && !s.connected);
	assert_true(nono_sockinfo_unix_line(&s, "00000000c5e2: 00000003 00000000 00000000 0002 03 8", 8));
	assert_int_equal(s.type, 2);
	assert_true(s.connected && !s.bound);
	assert_true(nono_sockinfo_unix_line(&s, "00000000c5e2: 00000002 00000000 00000000 0005 01 9 @abstract", 9));
	assert_true(s.bound);
	/* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
	assert_true(nono_sockinfo_inet_line(
	    &s, "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1",
	    4242));
	assert_true(s.bound && s.listening && !s.connected);
	assert_true(nono_sockinfo_inet_line(
	    &s, "   1: 0100007F:D431 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 4243 1",
	    4243));
	assert_true(s.bound && s.connected && !s.listening);
	assert_true(nono_sockinfo_inet_line(
	    &s,
	    "  12: 00000000000000000000000000000000:0035 00000000000000000000000000000000:0000 07 "
	    "00000000:00000000 00:00000000 00000000     0        0 99 2",
	    99));
	assert_true(s.bound && !s.connected && !s.listening);
	assert_false(nono_sockinfo_inet_line(&s, "  sl  local_address rem_address   st tx_queue", 0));
}

static void
port_exception(void **state)
{
	struct nono_policy p;
	struct nono_error err = {0};
	struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(5432)};
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = htons(5432)};

	(void)state;
	nono_policy_init(&p);
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_false(nono_supervisor_port_exception(&p, &in, sizeof(in)));
	assert_int_equal(nono_policy_add_ports(&p, "5432", true, "--open-port", &err), 0);
	assert_true(nono_supervisor_port_exception(&p, &in, sizeof(in)));
	/* 127/8, not only 127.0.0.1 */
	in.sin_addr.s_addr = htonl(0x7f000002);
	assert_true(nono_supervisor_port_exception(&p, &in, sizeof(in)));
	/* another host, another port, a short address: no */
	in.sin_addr.s_addr = htonl(0xc0000201);
	assert_false(nono_supervisor_port_exception(&p, &in, sizeof(in)));
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	in.sin_port = htons(5433);
	assert_false(nono_supervisor_port_exception(&p, &in, sizeof(in)));
	assert_false(nono_supervisor_port_exception(&p, &in, 4));
	in6.sin6_addr = in6addr_loopback;
	assert_true(nono_supervisor_port_exception(&p, &in6, sizeof(in6)));
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &in6.sin6_addr);
	assert_true(nono_supervisor_port_exception(&p, &in6, sizeof(in6)));
	inet_pton(AF_INET6, "2001:db8::1", &in6.sin6_addr);
	assert_false(nono_supervisor_port_exception(&p, &in6, sizeof(in6)));
	/* a listen port is no connect exception */
	nono_policy_free(&p);
	nono_policy_init(&p);
	assert_int_equal(nono_policy_add_ports(&p, "5432", false, "--listen-port", &err), 0);
	in.sin_port = htons(5432);
	assert_false(nono_supervisor_port_exception(&p, &in, sizeof(in)));
	nono_policy_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(exec_blocklist, setup, teardown),
	    cmocka_unit_test_setup_teardown(metadata_in_writable_grants, setup, teardown),
	    cmocka_unit_test_setup_teardown(unix_sockets, setup, teardown),
	    cmocka_unit_test_setup_teardown(truncation, setup, teardown),
	    cmocka_unit_test(sockinfo_lines),
	    cmocka_unit_test(port_exception),
	};

	return cmocka_run_group_tests_name("decide", tests, NULL, NULL);
}
