/* capfile.h - NONO_CAP_FILE: the effective capabilities as JSON, written by
 * the supervisor before fork (0600, read-only to the sandbox) and read back by
 * 'nono why --self' inside it; the plan's view for the sandbox, the audit
 * trail and --dry-run --json (plan.h). The launch writes it without jansson;
 * this module and the profile's use jansson for the rest. */
#ifndef NONO_CAPFILE_H
#define NONO_CAPFILE_H

#include <stdbool.h>

#include "base/error.h"
#include "policy/policy.h"

struct nono_feature;
struct nono_sandbox;
struct nono_weakness;

/* What a launch records and mediates besides its policy. */
struct nono_capfile_records {
	bool rollback, audit;
	const struct nono_strv *rollback_exclude;
	const char *const *mediated; /* the calls the supervisor sees, NULL-terminated */
};

/* Create an empty /tmp/.nono-XXXXXX.json (0600); *out_path caller-owned,
 * *out_fd CLOEXEC. The path must be granted before the policy is finalized. */
int nono_capfile_create(char **out_path, int *out_fd, struct nono_error *err);
/* Write doc into it and close fd. */
int nono_capfile_write(int fd, const char *path, const char *doc, struct nono_error *err);
/* Write the finalized policy's document into it and close fd. */
int nono_capfile_fill(int fd, const char *path, const struct nono_policy *p, const struct nono_sandbox *sb,
		      struct nono_error *err);
/* The document without jansson (what the launch writes): the policy, and
 * with rec what is recorded and mediated; caller-owned. */
char *nono_capfile_render(const struct nono_policy *p, const struct nono_sandbox *sb);
char *nono_capfile_render_records(const struct nono_policy *p, const struct nono_sandbox *sb,
				  const struct nono_capfile_records *rec);
/* The policy's document through jansson (nono_capfile_render's check),
 * caller-owned. */
char *nono_capfile_dump(const struct nono_policy *p, const struct nono_sandbox *sb, int indent);
/* What the kernel gives a launch, for --dry-run --json. */
struct nono_capfile_kernel {
	const struct nono_feature *features;
	int n_features;
	const struct nono_weakness *weak; /* what stands in, what stays weaker */
	int n_weak;
	const char *pidns_why; /* no PID namespace because the host cannot make one: why */
	bool net_ns;
};
/* The --dry-run --json document: caps (a rendered document) with the
 * program and its arguments, the kernel's features and weaknesses, what
 * seccomp refuses and the kernel's refusal (or null); caller-owned. */
char *nono_capfile_plan(const char *caps, const char *program, char *const *argv, const struct nono_capfile_kernel *k,
			const char *const *seccomp_denied, const char *refusal);
/* Validate and load NONO_CAP_FILE into a finalized policy for queries. */
int nono_capfile_read(struct nono_policy *out, const char *path, struct nono_error *err);

#endif
