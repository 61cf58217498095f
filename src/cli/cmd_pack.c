/* cmd_pack.c - 'nono search|pull|list|update|remove': registry packs
 * (supervisor side). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/commands.h"
#include "launch/plan.h"
#include "base/log.h"
#include "config/pack.h"
#include "net/registry.h"
#include "launch/trust.h"
#include "base/util.h"

struct args {
	struct nono_strv registries; /* --registry */
	struct nono_strv pos;
	bool json, force, init, installed, dry_run;
};

enum { O_REGISTRY = 256, O_JSON, O_FORCE, O_INIT, O_INSTALLED, O_DRY_RUN };

static const struct option all_opts[] = {
    {"registry", required_argument, NULL, O_REGISTRY},
    {"json", no_argument, NULL, O_JSON},
    {"force", no_argument, NULL, O_FORCE},
    {"init", no_argument, NULL, O_INIT},
    {"installed", no_argument, NULL, O_INSTALLED},
    {"dry-run", no_argument, NULL, O_DRY_RUN},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

struct cmd {
	const char *name, *synopsis, *about;
	const char *opts; /* the options it takes, space-separated, each with a space after */
	const char *help; /* their lines */
};

static const struct cmd cmds[] = {
    {"search", "[TERM] [--json] [--registry URL]",
     "List the packs of the registries whose name, description or profiles contain TERM\n"
     "(every pack without one). Registries are searched in order: --registry, NONO_REGISTRY,\n"
     "[registry] url in config.ini.",
     "registry json ", ""},
    {"pull", "OWNER/NAME[@VERSION] [--init] [--force] [--registry URL]",
     "Download a pack, verify its signature and every file's SHA-256, and install it in\n"
     "$XDG_DATA_HOME/nono/packs; its profiles become 'pack:OWNER/NAME'. Nothing is installed\n"
     "unless everything verifies. An older version than the installed one (or than any installed\n"
     "before) is refused.",
     "registry force init ",
     "  --init                       copy the pack's instruction files into the current directory\n"
     "                               (never over a file without --force) and enrol it in\n"
     "                               instruction-file trust\n"
     "  --force                      reinstall the same version; with @VERSION, allow an older one\n"},
    {"list", "[--installed] [--json] [--registry URL]",
     "List the installed packs (--installed), each verified again, or the registries' packs.",
     "registry json installed ", "  --installed                  the installed packs, verified again\n"},
    {"update", "[OWNER/NAME...] [--dry-run] [--registry URL]",
     "Install the latest version of each installed pack (or of those named). A registry that\n"
     "offers an older version than the installed one is refused.",
     "registry dry-run ", "  --dry-run                    say what would be updated, change nothing\n"},
    {"remove", "OWNER/NAME...", "Remove installed packs. Instruction files copied by --init stay where they are.", "",
     ""},
};

static void
usage(const struct cmd *c)
{
	printf("Usage: nono %s %s\n\n%s\n\nOptions:\n", c->name, c->synopsis, c->about);
	if (strstr(c->opts, "registry "))
		printf("  --registry URL               search this registry instead (repeatable)\n");
	if (strstr(c->opts, "json "))
		printf("  --json                       machine-readable output\n");
	printf("%s", c->help);
	printf("  -h, --help                   show this help\n");
}

/* 0, 1 after --help, or 2 (reported) for a usage error */
static int
parse(struct args *a, const struct cmd *c, int argc, char **argv)
{
	int ch;

	memset(a, 0, sizeof(*a));
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":h", all_opts, NULL)) != -1) {
		const char *name = NULL;
		char key[32];

		for (size_t i = 0; all_opts[i].name; i++)
			if (all_opts[i].val == ch)
				name = all_opts[i].name;
		snprintf(key, sizeof(key), "%s ", name ? name : "");
		if (ch == 'h') {
			usage(c);
			return 1;
		}
		if (ch == '?' || ch == ':' || !strstr(c->opts, key)) {
			log_error("nono %s: %s '%s'", c->name, ch == ':' ? "a value is missing for" : "unknown option",
				  argv[optind - 1]);
			log_hint("see 'nono %s --help'", c->name);
			return 2;
		}
		a->json |= ch == O_JSON;
		a->force |= ch == O_FORCE;
		a->init |= ch == O_INIT;
		a->installed |= ch == O_INSTALLED;
		a->dry_run |= ch == O_DRY_RUN;
		if (ch == O_REGISTRY)
			nono_strv_push(&a->registries, optarg);
	}
	for (int i = optind; i < argc; i++)
		nono_strv_push(&a->pos, argv[i]);
	return 0;
}

static void
args_free(struct args *a)
{
	nono_strv_free(&a->registries);
	nono_strv_free(&a->pos);
}

static void
json_strv(const struct nono_strv *v)
{
	printf("[");
	for (size_t i = 0; i < v->n; i++) {
		printf(i ? ", " : "");
		nono_json_string(stdout, v->v[i]);
	}
	printf("]");
}

/* ---- search and list ------------------------------------------------------------------ */

static bool
matches(const struct nono_pack_avail *p, const char *term)
{
	if (!term || strcasestr(p->name, term) || strcasestr(p->description, term))
		return true;
	for (size_t i = 0; i < p->profiles.n; i++)
		if (strcasestr(p->profiles.v[i], term))
			return true;
	return false;
}

static void
print_avail(const struct nono_pack_avail *p, const char *registry, bool json, bool *first)
{
	char *inst = nono_pack_installed_version(p->name);
	struct nono_strv pool = {0};

	if (json) {
		printf("%s\n  {\"name\": ", *first ? "" : ",");
		nono_json_string(stdout, p->name);
		printf(", \"latest\": ");
		nono_json_string(stdout, p->latest);
		printf(", \"versions\": ");
		json_strv(&p->versions);
		printf(", \"description\": ");
		nono_json_string(stdout, p->description);
		printf(", \"profiles\": ");
		json_strv(&p->profiles);
		printf(", \"registry\": ");
		nono_json_string(stdout, registry);
		printf(", \"installed\": ");
		if (inst)
			nono_json_string(stdout, inst);
		else
			printf("null");
		printf("}");
	} else {
		printf("%-28s %-10s %s\n", nono_str_escape_in(&pool, p->name), nono_str_escape_in(&pool, p->latest),
		       nono_str_escape_in(&pool, p->description));
		if (p->profiles.n || inst) {
			printf("%-28s %-10s", "", "");
			for (size_t i = 0; i < p->profiles.n; i++)
				printf("%s%s", i ? ", " : "profiles: ", nono_str_escape_in(&pool, p->profiles.v[i]));
			if (inst)
				printf("%s[installed: %s]", p->profiles.n ? "  " : "", inst);
			printf("\n");
		}
	}
	*first = false;
	nono_strv_free(&pool);
	free(inst);
}

static int
search(struct args *a, const char *term)
{
	struct nono_strv regs;
	struct nono_error err = {0};
	bool first = true;
	int found = 0, failed = 0;

	if (nono_registry_urls(&regs, &a->registries, &err) < 0) {
		nono_print_error(&err);
		return 1;
	}
	if (a->json)
		printf("[");
	for (size_t r = 0; r < regs.n; r++) {
		struct nono_pack_index ix;

		nono_error_clear(&err);
		if (nono_pack_index_get(&ix, regs.v[r], nono_registry_ca_file(), false, &err) < 0) {
			nono_print_error(&err);
			failed++;
			continue;
		}
		for (size_t i = 0; i < ix.n; i++)
			if (matches(&ix.v[i], term)) {
				print_avail(&ix.v[i], regs.v[r], a->json, &first);
				found++;
			}
		nono_pack_index_free(&ix);
	}
	if (a->json)
		printf("%s]\n", first ? "" : "\n");
	else if (!found && failed < (int)regs.n)
		fprintf(stderr, "nono: no pack matches '%s'\n", term ? term : "");
	found = failed == (int)regs.n ? 1 : 0;
	nono_strv_free(&regs);
	return found;
}

static void
print_installed(const struct nono_pack *p, const char *name, const char *problem, bool json, bool *first)
{
	if (json) {
		printf("%s\n  {\"name\": ", *first ? "" : ",");
		nono_json_string(stdout, name);
		if (p) {
			printf(", \"version\": ");
			nono_json_string(stdout, p->version);
			printf(", \"profiles\": ");
			json_strv(&p->profile_names);
			printf(", \"instructions\": ");
			json_strv(&p->instructions);
			printf(", \"keyid\": \"%s\", \"registry\": ", p->keyid);
			nono_json_string(stdout, p->registry);
			printf(", \"installed_at\": ");
			nono_json_string(stdout, p->installed_at);
			printf(", \"verified\": true}");
		} else {
			printf(", \"verified\": false, \"error\": ");
			nono_json_string(stdout, problem);
			printf("}");
		}
	} else if (p) {
		printf("%-28s %-10s verified (key %s)", name, p->version, p->keyid);
		for (size_t i = 0; i < p->profile_names.n; i++)
			printf("%s%s", i ? ", " : "  profiles: ", p->profile_names.v[i]);
		printf("\n");
	} else {
		printf("%-28s %-10s NOT VERIFIED: ", name, "?");
		nono_fputs_escaped(problem, stdout);
		printf("\n");
	}
	*first = false;
}

static int
list_installed(struct args *a)
{
	struct nono_strv names;
	struct nono_keyring kr;
	struct nono_error err = {0};
	bool first = true;
	int bad = 0;

	if (nono_keyring_load(&kr, &err) < 0) {
		nono_print_error(&err);
		return 1;
	}
	nono_pack_installed(&names);
	if (a->json)
		printf("[");
	for (size_t i = 0; i < names.n; i++) {
		struct nono_pack p;

		nono_error_clear(&err);
		if (nono_pack_load(&p, names.v[i], &kr, true, &err) < 0) {
			print_installed(NULL, names.v[i], err.msg, a->json, &first);
			bad++;
			continue;
		}
		print_installed(&p, names.v[i], "", a->json, &first);
		nono_pack_free(&p);
	}
	if (a->json)
		printf("%s]\n", first ? "" : "\n");
	else if (!names.n)
		fprintf(stderr, "no packs installed ('nono search' lists what the registries have)\n");
	nono_strv_free(&names);
	nono_keyring_free(&kr);
	return bad ? 1 : 0;
}

/* ---- pull, update, remove ---------------------------------------------------------- */

static int
init_here(const char *name, bool force)
{
	struct nono_pack p;
	struct nono_error err = {0};
	struct nono_strv copied = {0};
	char *cwd = getcwd(NULL, 0), *canon = cwd ? realpath(cwd, NULL) : NULL;
	bool added;
	int r = 1;

	if (!canon || nono_pack_load(&p, name, NULL, true, &err) < 0) {
		if (!canon)
			nono_error_set(&err, -errno, "cannot read the current directory: %s", strerror(errno));
		nono_print_error(&err);
		goto out;
	}
	if (!p.instructions.n) {
		printf("%s has no instruction files: nothing to copy\n", name);
		r = 0;
	} else if (nono_pack_init_files(&copied, &p, canon, force, &err) < 0 ||
		   nono_trust_enroll(canon, false, &added, &err) < 0) {
		nono_print_error(&err);
	} else {
		printf("copied into %s:", canon);
		for (size_t i = 0; i < copied.n; i++)
			printf(" %s", copied.v[i]);
		printf("\ninstruction-file trust is on for %s ('nono trust status' explains)\n", canon);
		r = 0;
	}
	nono_pack_free(&p);
out:
	nono_strv_free(&copied);
	free(canon);
	free(cwd);
	return r;
}

static const char *
outcome_word(enum nono_pack_outcome o)
{
	static const char *const w[] = {
	    [NONO_PACK_INSTALLED] = "installed",       [NONO_PACK_UPGRADED] = "updated",
	    [NONO_PACK_REINSTALLED] = "reinstalled",   [NONO_PACK_DOWNGRADED] = "downgraded",
	    [NONO_PACK_CURRENT] = "already installed",
	};

	return w[o];
}

/* one pull; prints what happened. 0 or 1. */
static int
pull_one(const struct nono_pack_ref *ref, const struct nono_pack_opts *o, bool quiet_current)
{
	enum nono_pack_outcome out;
	struct nono_error err = {0};
	char *from = NULL, *now;
	struct nono_pack p;

	if (nono_pack_pull(&out, &from, ref, o, &err) < 0) {
		nono_print_error(&err);
		return 1;
	}
	now = nono_pack_installed_version(ref->full);
	if (o->dry_run) {
		printf("%s: %s\n", ref->full, out == NONO_PACK_CURRENT ? "up to date" : "would be updated");
	} else if (out == NONO_PACK_CURRENT) {
		if (!quiet_current)
			printf("%s %s is already installed (--force reinstalls it)\n", ref->full, now ? now : "");
		else
			printf("%s %s is up to date\n", ref->full, now ? now : "");
	} else if (nono_pack_load(&p, ref->full, NULL, false, &err) == 0) {
		printf("%s %s %s%s%s (signed by key %s)\n", outcome_word(out), p.name, p.version, from ? ", was " : "",
		       from ? from : "", p.keyid);
		for (size_t i = 0; i < p.profile_names.n; i++)
			printf("  profile %s: nono run --profile pack:%s%s%s -- ...\n", p.profile_names.v[i], p.name,
			       p.profile_names.n > 1 ? "/" : "", p.profile_names.n > 1 ? p.profile_names.v[i] : "");
		nono_pack_free(&p);
	}
	free(now);
	free(from);
	return 0;
}

static int
pull(struct args *a, const struct nono_pack_opts *o)
{
	struct nono_pack_ref ref;
	struct nono_error err = {0};

	if (a->pos.n != 1) {
		log_error("nono pull: %s", a->pos.n ? "one pack at a time" : "which pack?");
		log_hint("nono pull OWNER/NAME[@VERSION] ('nono search' lists them)");
		return 2;
	}
	if (nono_pack_ref_parse(&ref, a->pos.v[0], &err) < 0) {
		nono_print_error(&err);
		return 2;
	}
	if (pull_one(&ref, o, false) != 0)
		return 1;
	return a->init ? init_here(ref.full, a->force) : 0;
}

static int
update(struct args *a, struct nono_pack_opts *o)
{
	struct nono_strv names = {0};
	int bad = 0;

	if (a->pos.n)
		for (size_t i = 0; i < a->pos.n; i++)
			nono_strv_push(&names, a->pos.v[i]);
	else
		nono_pack_installed(&names);
	if (!names.n)
		fprintf(stderr, "no packs installed\n");
	o->force = false; /* update never downgrades nor reinstalls */
	for (size_t i = 0; i < names.n; i++) {
		struct nono_pack_ref ref;
		struct nono_error err = {0};
		char *inst;

		if (nono_pack_ref_parse(&ref, names.v[i], &err) < 0 || ref.version[0]) {
			if (!err.code)
				nono_error_set(&err, -EINVAL, "nono update %s: name the pack without a version",
					       names.v[i]);
			nono_print_error(&err);
			bad++;
			continue;
		}
		if (!(inst = nono_pack_installed_version(ref.full))) {
			log_error("pack %s is not installed", ref.full);
			log_hint("nono pull %s", ref.full);
			bad++;
			continue;
		}
		free(inst);
		bad += pull_one(&ref, o, true);
	}
	nono_strv_free(&names);
	return bad ? 1 : 0;
}

static int
remove_packs(struct args *a)
{
	int bad = 0;

	if (!a->pos.n) {
		log_error("nono remove: which pack?");
		log_hint("'nono list --installed' lists them");
		return 2;
	}
	for (size_t i = 0; i < a->pos.n; i++) {
		struct nono_pack_ref ref;
		struct nono_error err = {0};

		if (nono_pack_ref_parse(&ref, a->pos.v[i], &err) < 0 || nono_pack_remove(ref.full, &err) < 0) {
			nono_print_error(&err);
			bad++;
			continue;
		}
		printf("removed %s\n", ref.full);
	}
	return bad ? 1 : 0;
}

static int
run(const char *name, int argc, char **argv)
{
	const struct cmd *c = NULL;
	struct args a;
	struct nono_strv regs = {0};
	struct nono_error err = {0};
	struct nono_pack_opts o = {0};
	int r;

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmds[i].name, name) == 0)
			c = &cmds[i];
	if (!c)
		return 2;
	if ((r = parse(&a, c, argc, argv)) != 0) {
		args_free(&a);
		return r == 1 ? 0 : 2;
	}
	if (strcmp(name, "search") == 0 && a.pos.n > 1) {
		log_error("nono search: one term (quote it if it has spaces)");
		r = 2;
	} else if (strcmp(name, "search") == 0 || (strcmp(name, "list") == 0 && !a.installed)) {
		r = search(&a, a.pos.n ? a.pos.v[0] : NULL);
	} else if (strcmp(name, "list") == 0) {
		r = list_installed(&a);
	} else if (strcmp(name, "remove") == 0) {
		r = remove_packs(&a);
	} else if (strcmp(name, "pull") == 0 && a.pos.n != 1) {
		r = pull(&a, NULL); /* a usage error, before any registry is needed */
	} else if (nono_registry_urls(&regs, &a.registries, &err) < 0) {
		nono_print_error(&err);
		r = 1;
	} else {
		o = (struct nono_pack_opts){&regs, nono_registry_ca_file(), a.force, true, a.dry_run};
		r = strcmp(name, "pull") == 0 ? pull(&a, &o) : update(&a, &o);
	}
	nono_strv_free(&regs);
	args_free(&a);
	return r;
}

int
nono_cmd_search(int argc, char **argv)
{
	return run("search", argc, argv);
}

int
nono_cmd_pull(int argc, char **argv)
{
	return run("pull", argc, argv);
}

int
nono_cmd_list(int argc, char **argv)
{
	return run("list", argc, argv);
}

int
nono_cmd_update(int argc, char **argv)
{
	return run("update", argc, argv);
}

int
nono_cmd_remove(int argc, char **argv)
{
	return run("remove", argc, argv);
}
