/* capfile.h - NONO_CAP_FILE: the effective capabilities as JSON, written by
 * the supervisor before fork (0600, read-only to the sandbox) and read back by
 * 'nono why --self' inside it. Only this module and profile.c use jansson. */
#ifndef NONO_CAPFILE_H
#define NONO_CAPFILE_H

#include "base/error.h"
#include "policy/policy.h"

struct nono_sandbox;

/* Create an empty /tmp/.nono-XXXXXX.json (0600); *out_path caller-owned,
 * *out_fd CLOEXEC. The path must be granted before the policy is finalized. */
int nono_capfile_create(char **out_path, int *out_fd, struct nono_error *err);
/* Write the finalized policy into it and close fd. */
int nono_capfile_fill(int fd, const char *path, const struct nono_policy *p, const struct nono_sandbox *sb,
		      struct nono_error *err);
struct nono_feature;
/* What a launch keeps besides the sandbox, for the plan. */
struct nono_plan_records {
	bool rollback, audit;
	const struct nono_strv *rollback_exclude;
};
/* The --dry-run --json document: the capabilities plus program, kernel
 * features, seccomp, records and refusal; caller-owned. */
char *nono_capfile_plan(const struct nono_policy *p, const struct nono_sandbox *sb, const char *program,
			char *const *argv, const struct nono_feature *f, int nf, const char *const *seccomp_denied,
			const struct nono_plan_records *rec, const char *refusal);
/* The same document without jansson (what the launch writes), caller-owned. */
char *nono_capfile_render(const struct nono_policy *p, const struct nono_sandbox *sb);
/* Serialise the policy (the same document) to a string, caller-owned. */
char *nono_capfile_dump(const struct nono_policy *p, const struct nono_sandbox *sb, int indent);
/* Validate and load NONO_CAP_FILE into a finalized policy for queries. */
int nono_capfile_read(struct nono_policy *out, const char *path, struct nono_error *err);

#endif
