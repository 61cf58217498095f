/* trust.h - instruction-file trust: before an agent starts, the files that
 * steer it (CLAUDE.md, AGENTS.md, .claude/ commands, agents, skills and
 * hooks, ...) in the working directory, its parents and the grants are
 * checked against signatures: an installed pack's signed manifest, or the
 * user's own ('nono trust sign', kept in a .nono-trust.json beside them)
 * (supervisor side).
 *
 * A file is enforced, and an untrusted one stops the launch, when the trust
 * policy ($XDG_CONFIG_HOME/nono/trust-policy.json, which no sandbox can
 * write) enforces everywhere, or the file lies beneath a directory it lists
 * ('nono trust init', 'nono trust sign', 'nono pull --init'), or the profile
 * comes from a pack that declares instruction files. Otherwise files are
 * only reported. nono's own guidance block in a CLAUDE.md is left out of the
 * digest when it is exactly what this nono writes, so it never trips the
 * check. docs/PACKS.md has the reasoning. */
#ifndef NONO_TRUST_H
#define NONO_TRUST_H

#include <stdbool.h>
#include <stddef.h>

#include "policy/policy.h"
#include "base/error.h"
#include "store/sign.h"
#include "base/util.h"

struct nono_audit;

enum nono_trust_state {
	NONO_TRUST_EMPTY,    /* blank, or nothing but nono's own guidance block */
	NONO_TRUST_PACK,     /* the content of an installed pack's signed instruction file */
	NONO_TRUST_SIGNED,   /* signed by a trusted key */
	NONO_TRUST_UNSIGNED, /* no signature */
	NONO_TRUST_MODIFIED, /* signed, and changed since */
	NONO_TRUST_BAD,	     /* a signature that fails, or by a key nono does not trust */
};

struct nono_trust_file {
	char *path; /* absolute */
	enum nono_trust_state state;
	char *by; /* pack, key id, or what is wrong */
	bool enforced;
	char digest[65]; /* SHA-256 the signatures are checked against */
};

struct nono_trust_report {
	bool all;		   /* the policy enforces everywhere */
	struct nono_strv enrolled; /* its directories */
	struct nono_strv packs;	   /* packs in use that declare instruction files */
	struct nono_trust_file *files;
	size_t n;
	size_t n_untrusted; /* enforced and untrusted */
	bool scanned;
	bool override;
};

bool nono_trust_ok(enum nono_trust_state s);
const char *nono_trust_state_name(enum nono_trust_state s);

/* The policy: where it is (caller-owned), read it into r (absent is an
 * empty policy; a file that does not parse is an error: nothing is silently
 * weaker), enrol a directory (or everything) and save. */
char *nono_trust_policy_path(void);
int nono_trust_policy_load(struct nono_trust_report *r, struct nono_error *err);
int nono_trust_enroll(const char *dir, bool all, bool *out_added, struct nono_error *err);

/* Scan roots (directories: the instruction files at their top and in their
 * agent directories; a file: itself) and the parents of workdir (their
 * CLAUDE.md and AGENTS.md; NULL: none); keep the files readable(path)
 * allows (NULL: all). Classifies each and marks the enforced ones. r holds
 * the policy already. */
int nono_trust_scan(struct nono_trust_report *r, const struct nono_strv *roots, const char *workdir,
		    bool (*readable)(const char *path, void *ctx), void *ctx, struct nono_error *err);
void nono_trust_report_free(struct nono_trust_report *r);

/* The launch's check, after the policy is finalized: -EPERM with err naming
 * the untrusted files and the command that trusts them, unless
 * override (--trust-override) or NONO_TRUST_OVERRIDE (then r->override). */
int nono_trust_launch(struct nono_trust_report *r, const struct nono_policy *p, bool override, struct nono_error *err);
/* The banner's warning lines for an override (nothing otherwise); audited:
 * the session keeps an audit trail; paths shown relative to workdir. */
void nono_trust_banner(const struct nono_trust_report *r, bool audited, const char *workdir);
/* The audit record of an override (nothing otherwise; a may be NULL). */
void nono_trust_audit(const struct nono_trust_report *r, struct nono_audit *a);

/* The user's signing key, made (and its public half added to the trusted
 * keys) when create and there is none; *out_created says so. */
int nono_trust_user_key(unsigned char seed[NONO_SIGN_SEED], bool create, bool *out_created, struct nono_error *err);
/* Sign file with seed: its entry in the .nono-trust.json of the directory
 * that holds it (or of the innermost .claude, .agents, .github or .cursor
 * above it), which is then enrolled. *out_sidecar names that file. */
int nono_trust_sign_file(char **out_sidecar, const char *file, const unsigned char seed[NONO_SIGN_SEED],
			 struct nono_error *err);
/* A path for messages: relative to base when beneath it, else ~/... */
char *nono_trust_display(const char *path, const char *base);

#endif
