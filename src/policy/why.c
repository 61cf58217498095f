/* why.c - see why.h (supervisor side; the shell's builtin runs it inside
 * the sandbox). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/util.h"
#include "policy/why.h"

static const char *const reason_names[] = {
    [NONO_WHY_GRANTED] = "granted_path",
    [NONO_WHY_SENSITIVE] = "sensitive_path",
    [NONO_WHY_NOT_GRANTED] = "path_not_granted",
    [NONO_WHY_INSUFFICIENT] = "insufficient_access",
    [NONO_WHY_CARVED] = "carved_out",
    [NONO_WHY_OWN] = "nono_own_file",
    [NONO_WHY_LOCKDIR] = "lock_dir",
};

const char *
nono_why_reason_name(enum nono_verdict_reason r)
{
	return reason_names[r];
}

static void
json_str(const char *k, const char *v, bool comma)
{
	printf("  \"%s\": ", k);
	nono_json_string(stdout, v);
	printf("%s\n", comma ? "," : "");
}

/* nono_path_display(path), escaped, owned by pool */
static const char *
shown(struct nono_strv *pool, const char *path)
{
	char *d = nono_path_display(path);
	const char *e = nono_str_escape_in(pool, d);

	free(d);
	return e;
}

/* The verdict for a terminal. PATH may be any bytes (a name the sandbox
 * made, pasted from its output): every path is escaped. */
static void
print_text(const struct nono_verdict *v, enum nono_op op, FILE *f)
{
	struct nono_strv pool = {0};
	const char *disp;

#define E(x) nono_str_escape_in(&pool, (x))
#define D(x) shown(&pool, (x))
	fprintf(f, "%s%s%s\n", nono_c(1, v->allowed ? C_GREEN : C_RED), v->allowed ? "ALLOWED" : "DENIED",
		nono_c(1, C_RESET));
	fprintf(f, "  Path:       %s\n", E(v->path));
	fprintf(f, "  Operation:  %s\n", nono_op_name(op));
	switch (v->reason) {
	case NONO_WHY_GRANTED:
		disp = D(v->rule->path);
		fprintf(f, "  Reason:     granted\n  Granted by: %s (%s)\n  Access:     %s\n", disp, E(v->rule->source),
			nono_access_str(v->rule->access));
		break;
	case NONO_WHY_SENSITIVE:
		disp = D(v->deny->path);
		fprintf(f, "  Reason:     sensitive path %s, protected by group '%s' (%s)\n", disp, v->deny->group,
			v->deny->description);
		break;
	case NONO_WHY_INSUFFICIENT:
		disp = D(v->rule->path);
		fprintf(f, "  Reason:     insufficient access\n  Closest:    %s (%s, %s)\n", disp,
			nono_access_str(v->rule->access), E(v->rule->source));
		break;
	case NONO_WHY_CARVED:
		disp = D(v->carve->path);
		fprintf(f,
			"  Reason:     not granted: %s (%s) was split around sensitive paths and this entry was "
			"not there at launch\n",
			disp, E(v->carve->source));
		break;
	case NONO_WHY_NOT_GRANTED:
		fprintf(f, "  Reason:     no grant covers this path\n");
		break;
	case NONO_WHY_LOCKDIR:
		fprintf(f,
			"  Reason:     a lock directory (%s): the supervisor makes and removes it, empty, and "
			"nothing else there\n",
			E(v->lock->given));
		break;
	case NONO_WHY_OWN:
		disp = D(v->deny->path);
		fprintf(f,
			"  Reason:     nono's own file: %s, protected by group '%s'; a sandbox may read it where a "
			"grant reaches it, never create, change, rename or delete anything there\n"
			"  Fix:        none: no flag grants it; edit it outside the sandbox\n",
			disp, v->deny->group);
		break;
	}
	if (v->mode)
		fprintf(f, "  Mode:       %s\n", v->mode);
	if (v->suggest && !v->allowed)
		fprintf(f, "  Fix:        %s%s\n", E(v->suggest),
			v->reason == NONO_WHY_SENSITIVE ? " (think twice: it is protected for a reason)" : "");
	else if (v->nofix && !v->allowed)
		fprintf(f, "  Fix:        none offered: %s\n", v->nofix);
	if (v->dac == 0)
		fprintf(f, "  Also:       the file's own permissions refuse this user%s\n",
			v->allowed ? "" : ": a grant alone would not make it work");
#undef D
#undef E
	nono_strv_free(&pool);
}

/* Upstream's name for where a grant comes from: "user" (a flag, its
 * environment mirror, --allow-cwd), "profile", "group:NAME", or "system"
 * (what nono grants itself: the private TMPDIR, the capability file, the
 * exec shim, ...). nono's own words stay beside it as "origin". */
const char *
nono_why_source(const char *src)
{
	if (!src)
		return "system";
	if (strncmp(src, "group:", 6) == 0)
		return src;
	if (strncmp(src, "profile", 7) == 0)
		return "profile";
	if (strncmp(src, "--", 2) == 0 || strncmp(src, "NONO_", 5) == 0)
		return "user";
	return "system";
}

/* {"path": ..., "access": ..., "source": ...} for a rule */
static void
json_rule(const char *key, const struct nono_rule *r)
{
	printf("  \"%s\": {\"path\": ", key);
	nono_json_string(stdout, r->path);
	printf(", \"access\": \"%s\", \"source\": ", nono_access_str(r->access));
	nono_json_string(stdout, nono_why_source(r->source));
	printf("},\n");
}

/* The verdict as upstream's 'why --json' has it (status, reason,
 * granted_path, access, source, details, policy_source,
 * matching_capability, suggested_flag), with nono's own fields beside:
 * path, op, origin (the flag or group as nono names it), closest_path,
 * sensitive_path, group, carved_from. */
static void
print_json(const struct nono_verdict *v, enum nono_op op)
{
	printf("{\n");
	json_str("status", v->allowed ? "allowed" : "denied", true);
	json_str("path", v->path, true);
	json_str("op", nono_op_name(op), true);
	json_str("reason", reason_names[v->reason], true);
	if (v->rule) {
		json_str(v->allowed ? "granted_path" : "closest_path", v->rule->path, true);
		json_str("access", nono_access_str(v->rule->access), true);
		json_str("source", nono_why_source(v->rule->source), true);
		json_str("origin", v->rule->source, true);
		if (!v->allowed)
			json_rule("matching_capability", v->rule);
	}
	if (v->deny) {
		char *pol = xasprintf("group:%s", v->deny->group);
		char *det =
		    v->reason == NONO_WHY_OWN
			? xasprintf("nono's own file, protected by group '%s': no flag grants it", v->deny->group)
			: xasprintf("Blocked by policy group '%s': %s", v->deny->group, v->deny->description);

		json_str("sensitive_path", v->deny->path, true);
		json_str("group", v->deny->group, true);
		json_str("policy_source", pol, true);
		json_str("details", det, true);
		free(pol);
		free(det);
	}
	if (v->carve) {
		json_str("carved_from", v->carve->path, true);
		json_str("details", "the grant was split around sensitive paths; this entry was not there at launch",
			 true);
	}
	if (v->reason == NONO_WHY_NOT_GRANTED)
		json_str("details", "no grant covers this path", true);
	if (v->mode)
		json_str("delete_mode", v->mode, true);
	if (v->lock)
		json_str("lock_dir", v->lock->given, true);
	json_str("file_permissions", v->dac < 0 ? "unknown" : v->dac ? "allow" : "deny", true);
	if (v->nofix && !v->allowed)
		json_str("no_fix", v->nofix, true);
	json_str("suggested_flag", v->suggest ? v->suggest : "", false);
	printf("}\n");
}

void
nono_why_print(const struct nono_verdict *v, enum nono_op op, bool json, FILE *f)
{
	if (json)
		print_json(v, op);
	else
		print_text(v, op, f);
}

/* ---- one hint line for a refusal ------------------------------------------------ */

static const char *const op_verbs[] = {
    [NONO_OP_READ] = "reading", [NONO_OP_WRITE] = "writing", [NONO_OP_DELETE] = "deleting"};

int
nono_why_hint(const struct nono_policy *p, const char *path, enum nono_op op, FILE *f)
{
	struct nono_verdict v;
	char *d, *e, *fix;
	const char *why;

	if (nono_policy_check(p, path, op, &v) < 0)
		return -1;
	if (v.allowed) {
		nono_verdict_free(&v);
		return -1;
	}
	d = nono_path_display(v.path);
	e = nono_str_escape(d);
	fix = nono_str_escape(v.suggest ? v.suggest : "");
	why = v.reason == NONO_WHY_SENSITIVE ? "a protected sensitive path"
	      : v.reason == NONO_WHY_INSUFFICIENT
		  ? (op == NONO_OP_DELETE ? "deleting is not granted there" : "granted read-only")
	      : v.reason == NONO_WHY_CARVED ? "not there when the sandbox started"
					    : "not granted";
	if (v.reason == NONO_WHY_OWN)
		fprintf(f, "hint: %s %s was refused: nono's own file; change it outside nono\n", op_verbs[op], e);
	else if (*fix)
		fprintf(f, "hint: %s %s was refused by the sandbox (%s); restart with %s\n", op_verbs[op], e, why, fix);
	else
		fprintf(f, "hint: %s %s was refused by the sandbox (%s)%s%s\n", op_verbs[op], e, why,
			v.nofix ? "; " : "", v.nofix ? v.nofix : "");
	free(fix);
	free(e);
	free(d);
	nono_verdict_free(&v);
	return 0;
}
