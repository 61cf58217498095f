/* cmd_why.c - 'nono why': would the sandbox let PATH be read, written or
 * deleted, and why (supervisor side; with --self, inside a sandbox). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "cli/commands.h"
#include "config/options.h"
#include "launch/capfile.h"
#include "policy/why.h"

int
nono_cmd_why(int argc, char **argv)
{
	struct nono_options l;
	struct nono_error err = {0};
	struct nono_verdict v;
	struct nono_policy self;
	const struct nono_policy *p = &l.policy;
	enum nono_op op = NONO_OP_READ;
	const char *path;
	int r, status = 1;

	nono_options_init(&l);
	nono_policy_init(&self);
	r = nono_options_parse(&l, NONO_CMD_WHY, "why", argc, argv, &err);
	if (r == 1) {
		nono_cli_usage(NONO_CMD_WHY, "why", "[OPTIONS] [--path] PATH",
			       "Explain whether the sandbox these flags describe (or, with --self, the one this runs "
			       "in)\nallows an operation on PATH, and which flag would grant it. Exit 0 either way.");
		status = 0;
		goto out;
	}
	if (r < 0)
		goto fail;
	path = l.why_path ? l.why_path : (l.argc > 0 ? l.argv[0] : NULL);
	if (!path || (l.why_path && l.argc > 0) || l.argc > 1) {
		nono_error_set(&err, -EINVAL, "nono why: give exactly one path");
		nono_error_hint(&err, "nono why --path ~/.ssh/id_rsa --op read");
		err.usage = true;
		goto fail;
	}
	if (l.op && nono_op_parse(l.op, &op) < 0) {
		nono_error_set(&err, -EINVAL, "nono why: --op %s: expected read, write or delete", l.op);
		goto fail;
	}
	if (l.self) {
		const char *cf = getenv("NONO_CAP_FILE");

		if (!cf || !*cf) {
			if (l.json)
				printf("{\n  \"status\": \"not_sandboxed\"\n}\n");
			else
				printf("NOT SANDBOXED\n  Not running inside a nono sandbox\n");
			status = 0;
			goto out;
		}
		if (nono_capfile_read(&self, cf, &err) < 0)
			goto fail;
		p = &self;
	} else {
		if (l.allow_cwd)
			nono_policy_grant(&l.policy, ".", NONO_ACC_RW, NONO_KIND_DIR, "--allow-cwd", true);
		nono_policy_add_default_groups(&l.policy);
		if (nono_policy_finalize(&l.policy, &err) < 0)
			goto fail;
	}
	nono_policy_check(p, path, op, &v);
	nono_why_print(&v, op, l.json, stdout);
	nono_verdict_free(&v);
	status = 0;
	goto out;
fail:
	nono_print_error(&err);
	status = err.usage ? 2 : 1;
out:
	nono_policy_free(&self);
	nono_options_free(&l);
	return status;
}
