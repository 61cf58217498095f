/* test_audit.c - the audit trail's hash chain names every kind of tampering
 * by line; redaction removes secrets from argv; a session written through
 * the public API (nono_audit_file_op included) verifies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "base/util.h"

/* a chain of n events "{"seq":i,"type":"t","n":i}" as one buffer; the
 * lines in lines[] (caller frees each and the buffer) */
static char *
chain(size_t n, char **lines, const char *genesis)
{
	char prev[NONO_AUDIT_HEX], h[NONO_AUDIT_HEX], *all = xstrdup("");

	memcpy(prev, genesis, NONO_AUDIT_HEX);
	for (size_t i = 0; i < n; i++) {
		char *ev = xasprintf("{\"seq\":%zu,\"type\":\"t\",\"n\":%zu}", i + 1, i + 1), *tmp;

		lines[i] = nono_audit_record(h, prev, ev, strlen(ev));
		memcpy(prev, h, NONO_AUDIT_HEX);
		tmp = xasprintf("%s%s", all, lines[i]);
		free(all);
		all = tmp;
		free(ev);
	}
	return all;
}

static char *
join(char **lines, const size_t *order, size_t n)
{
	char *all = xstrdup("");

	for (size_t i = 0; i < n; i++) {
		char *tmp = xasprintf("%s%s", all, lines[order[i]]);

		free(all);
		all = tmp;
	}
	return all;
}

static void
free_lines(char **lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
}

static void
intact_chain_verifies(void **state)
{
	char gen[NONO_AUDIT_HEX], *lines[5], *buf;
	struct nono_audit_check ck;

	nono_audit_genesis(gen, "20250101-000000-abcdef");
	buf = chain(5, lines, gen);
	assert_int_equal(nono_audit_check_chain(&ck, buf, strlen(buf), gen), 0);
	assert_int_equal(ck.lines, 5);
	assert_int_equal(ck.line, 0);
	/* the last digest is the fifth record's */
	assert_memory_equal(ck.last, lines[4] + 83, 64);
	/* another session's genesis: line 1 does not start this chain */
	nono_audit_genesis(gen, "20250101-000000-abcdee");
	assert_int_equal(nono_audit_check_chain(&ck, buf, strlen(buf), gen), -EBADMSG);
	assert_int_equal(ck.line, 1);
	assert_non_null(strstr(ck.why, "another chain"));
	free_lines(lines, 5);
	free(buf);
}

static void
edit_is_named(void **state)
{
	char gen[NONO_AUDIT_HEX], *lines[5], *buf, *p;
	struct nono_audit_check ck;

	nono_audit_genesis(gen, "x");
	buf = chain(5, lines, gen);
	p = strstr(buf, "\"n\":3");
	p[4] = '9';
	assert_int_equal(nono_audit_check_chain(&ck, buf, strlen(buf), gen), -EBADMSG);
	assert_int_equal(ck.line, 3);
	assert_non_null(strstr(ck.why, "edited"));
	free_lines(lines, 5);
	free(buf);
}

static void
delete_is_named(void **state)
{
	char gen[NONO_AUDIT_HEX], *lines[6], *buf, *all;
	size_t order[] = {0, 1, 4, 5};
	struct nono_audit_check ck;

	nono_audit_genesis(gen, "x");
	all = chain(6, lines, gen);
	buf = join(lines, order, 4);
	assert_int_equal(nono_audit_check_chain(&ck, buf, strlen(buf), gen), -EBADMSG);
	assert_int_equal(ck.line, 3);
	assert_non_null(strstr(ck.why, "events 3-4 were deleted"));
	free(buf);
	/* the tail: the chain itself is intact, only the count can tell */
	buf = join(lines, order, 2);
	assert_int_equal(nono_audit_check_chain(&ck, buf, strlen(buf), gen), 0);
	assert_int_equal(ck.lines, 2);
	free(buf);
	free_lines(lines, 6);
	free(all);
}

static void
reorder_is_named(void **state)
{
	char gen[NONO_AUDIT_HEX], *lines[5], *buf, *all;
	size_t order[] = {0, 2, 1, 3, 4};
	struct nono_audit_check ck;

	nono_audit_genesis(gen, "x");
	all = chain(5, lines, gen);
	buf = join(lines, order, 5);
	assert_int_equal(nono_audit_check_chain(&ck, buf, strlen(buf), gen), -EBADMSG);
	assert_int_equal(ck.line, 2);
	assert_non_null(strstr(ck.why, "reordered"));
	free(buf);
	free_lines(lines, 5);
	free(all);
}

static void
insert_is_named(void **state)
{
	char gen[NONO_AUDIT_HEX], h[NONO_AUDIT_HEX], *lines[5], *buf, *all, *forged, *copy;
	const char *ev = "{\"seq\":3,\"type\":\"t\",\"n\":99}";
	size_t order[] = {0, 1, 2, 3, 4};
	struct nono_audit_check ck;

	nono_audit_genesis(gen, "x");
	all = chain(5, lines, gen);
	/* a well-formed record with its own digest, chained to nothing real */
	forged = nono_audit_record(h, gen, ev, strlen(ev));
	copy = lines[2];
	lines[2] = forged;
	buf = join(lines, order, 5);
	assert_int_equal(nono_audit_check_chain(&ck, buf, strlen(buf), gen), -EBADMSG);
	assert_int_equal(ck.line, 3);
	assert_non_null(strstr(ck.why, "inserted"));
	free(buf);
	/* a copy of an earlier line */
	lines[2] = lines[1];
	buf = join(lines, order, 5);
	assert_int_equal(nono_audit_check_chain(&ck, buf, strlen(buf), gen), -EBADMSG);
	assert_int_equal(ck.line, 3);
	assert_non_null(strstr(ck.why, "inserted"));
	free(buf);
	/* garbage */
	lines[2] = (char *)"{\"hello\":1}\n";
	buf = join(lines, order, 5);
	assert_int_equal(nono_audit_check_chain(&ck, buf, strlen(buf), gen), -EBADMSG);
	assert_int_equal(ck.line, 3);
	assert_non_null(strstr(ck.why, "not an audit record"));
	free(buf);
	lines[2] = copy;
	free(forged);
	free_lines(lines, 5);
	free(all);
}

static char *
redact1(char *const *argv, size_t i)
{
	struct nono_strv out = {0};
	char *r;

	nono_audit_redact(&out, argv);
	assert_true(i < out.n);
	r = xstrdup(out.v[i]);
	nono_strv_free(&out);
	return r;
}

#define ASSERT_REDACTS(expect, i, ...)                                                                                 \
	do {                                                                                                           \
		char *argv_[] = {__VA_ARGS__, NULL};                                                                   \
		char *got_ = redact1(argv_, i);                                                                        \
		assert_string_equal(got_, expect);                                                                     \
		free(got_);                                                                                            \
	} while (0)

static void
redaction(void **state)
{
	ASSERT_REDACTS("--token=[REDACTED]", 1, "curl", "--token=abc123");
	ASSERT_REDACTS("[REDACTED]", 2, "gh", "--api-key", "0123456789abcdef0123456789abcdef");
	ASSERT_REDACTS("--password", 1, "mysql", "--password", "hunter2");
	ASSERT_REDACTS("[REDACTED]", 2, "mysql", "--password", "hunter2");
	ASSERT_REDACTS("--client-secret=[REDACTED]", 1, "x", "--client-secret=s3cr3t");
	ASSERT_REDACTS("GITHUB_TOKEN=[REDACTED]", 1, "env", "GITHUB_TOKEN=ghp_zzzz");
	ASSERT_REDACTS("Authorization: Bearer [REDACTED]", 2, "curl", "-H", "Authorization: Bearer eyJhbGciOi.x.y");
	ASSERT_REDACTS("https://me:[REDACTED]@example.com/x", 1, "git", "https://me:pw@example.com/x");
	ASSERT_REDACTS("[REDACTED]", 1, "echo", "ghp_0123456789abcdefghij0123");
	ASSERT_REDACTS("API_KEY=[REDACTED] make --password [REDACTED] --x; ls", 2, "sh", "-c",
		       "API_KEY=abc make --password hunter2 --x; ls");
	/* a flag without its value, and what is not secret, stay */
	ASSERT_REDACTS("--verbose", 2, "x", "--token", "--verbose");
	ASSERT_REDACTS("--author=Ann", 1, "git", "--author=Ann");
	ASSERT_REDACTS("0123456789abcdef0123456789abcdef01234567", 2, "git", "checkout",
		       "0123456789abcdef0123456789abcdef01234567");
	ASSERT_REDACTS("--keep", 1, "x", "--keep");
	/* argv[0] is the program, never a flag */
	ASSERT_REDACTS("--token", 0, "--token", "x");
}

/* a whole session through the public API, in a scratch state directory */
static void
session_through_api(void **state)
{
	char tmpl[] = "/tmp/nono-unit-audit-XXXXXX", *root, *ev, *led, *p, gen[NONO_AUDIT_HEX];
	char *argv[] = {(char *)"tool", (char *)"--token", (char *)"tok-SECRET-value", NULL};
	struct nono_audit_info info = {.command = "run",
				       .argv = argv,
				       .program = "/bin/sh",
				       .cwd = "/",
				       .capabilities = "{\"fs\": []}\n",
				       .landlock_abi = 1};
	struct nono_audit *a;
	struct nono_error err = {0};
	struct nono_audit_check ck;
	char id[64], sid[NONO_SESSION_ID_LEN + 1];
	FILE *f;
	size_t n;

	nono_session_id_new(sid);
	info.id = sid;
	assert_non_null(mkdtemp(tmpl));
	setenv("XDG_STATE_HOME", tmpl, 1);
	assert_int_equal(nono_audit_open(&a, &info, &err), 0);
	snprintf(id, sizeof(id), "%s", nono_audit_id(a));
	assert_string_equal(id, sid);
	assert_true(nono_session_id_valid(id));
	nono_audit_exec(a, 42, "/usr/bin/ls", argv, NULL);
	nono_audit_exec(a, 43, "/usr/bin/rm", argv, "file destruction");
	nono_audit_call(a, 42, "file", "unlink", "/project/f", nono_result_of(0, NONO_BY_NONE));
	nono_audit_call(NULL, 42, "file", "unlink", "/project/g", nono_result_of(0, NONO_BY_NONE)); /* off: nothing */
	nono_audit_call(a, 42, "metadata", "chmod", "/etc/passwd", nono_result_of(-EPERM, NONO_BY_SUPERVISOR));
	nono_audit_call(a, 42, "socket", "connect", "/run/x.sock", nono_result_of(-ENOENT, NONO_BY_NONE));
	nono_audit_call(a, 42, "file", "open-trunc", "/etc/x", nono_result_of(-EACCES, NONO_BY_LANDLOCK));
	nono_audit_call(a, 42, "socket", "connect", "/run/nscd/socket", nono_result_of(-ENOENT, NONO_BY_NONE));
	assert_int_equal(nono_audit_close(a, 3, &err), 0);

	root = nono_audit_root();
	p = xasprintf("%s/%s/events.ndjson", root, id);
	f = fopen(p, "r");
	assert_non_null(f);
	ev = xcalloc(1, 65536);
	n = fread(ev, 1, 65535, f);
	fclose(f);
	nono_audit_genesis(gen, id);
	assert_int_equal(nono_audit_check_chain(&ck, ev, n, gen), 0);
	assert_int_equal(ck.lines, 8); /* 2 execs, 1 file op, meta, socket, refused open, probe, end */
	assert_non_null(strstr(ev, "\"type\":\"file\",\"pid\":42,\"op\":\"unlink\",\"path\":\"/project/f\","
				   "\"outcome\":\"done\",\"verdict\":\"allowed\"}"));
	/* a continued exec: the supervisor does not see its result */
	assert_non_null(strstr(ev, "\"outcome\":\"unknown\",\"verdict\":\"allowed\"}"));
	assert_non_null(strstr(ev, "\"op\":\"chmod\",\"path\":\"/etc/passwd\",\"outcome\":\"refused\","
				   "\"refused_by\":\"supervisor\",\"errno\":\"EPERM\",\"verdict\":\"refused\"}"));
	assert_non_null(strstr(ev, "\"target\":\"/run/x.sock\",\"outcome\":\"failed\",\"errno\":\"ENOENT\","
				   "\"verdict\":\"allowed\"}"));
	assert_non_null(strstr(ev, "\"path\":\"/etc/x\",\"outcome\":\"refused\",\"refused_by\":\"landlock\","
				   "\"errno\":\"EACCES\""));
	assert_non_null(strstr(ev, "\"target\":\"/run/nscd/socket\",\"outcome\":\"failed\",\"errno\":\"ENOENT\","
				   "\"verdict\":\"allowed\",\"harmless\":"));
	assert_null(strstr(ev, "/project/g"));
	assert_non_null(strstr(ev, "\"outcome\":\"refused\",\"refused_by\":\"supervisor\",\"errno\":\"EPERM\","
				   "\"verdict\":\"refused\",\"reason\":\"file destruction\""));
	assert_null(strstr(ev, "tok-SECRET-value"));
	assert_non_null(strstr(ev, "\"type\":\"end\",\"exit_status\":3"));
	free(p);
	p = xasprintf("%s/ledger.ndjson", root);
	f = fopen(p, "r");
	assert_non_null(f);
	led = xcalloc(1, 65536);
	n = fread(led, 1, 65535, f);
	fclose(f);
	nono_audit_genesis(gen, NULL);
	assert_int_equal(nono_audit_check_chain(&ck, led, n, gen), 0);
	assert_int_equal(ck.lines, 1);
	assert_non_null(strstr(led, id));
	free(p);
	free(ev);
	free(led);
	nono_rm_rf(tmpl);
	free(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(intact_chain_verifies), cmocka_unit_test(edit_is_named),
	    cmocka_unit_test(delete_is_named),	     cmocka_unit_test(reorder_is_named),
	    cmocka_unit_test(insert_is_named),	     cmocka_unit_test(redaction),
	    cmocka_unit_test(session_through_api),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
