/* cmd_profile.c - 'nono profile list|show|init|validate|diff|groups'
 * (supervisor side). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"
#include "base/vars.h"
#include "cli/commands.h"
#include "cli/subcmd.h"
#include "config/options.h"
#include "config/pack.h"
#include "config/profile.h"
#include "policy/groups.h"

static void
usage(FILE *f)
{
	fprintf(f, "Usage: nono profile COMMAND [ARGS]\n\n"
		   "Profiles describe a sandbox once, in upstream nono's JSON format.\n\n"
		   "Commands:\n"
		   "  list [--json]                    built-in, user and pack profiles, with where each comes from\n"
		   "  show NAME|FILE [--json]          the merged profile and the Landlock rules it yields\n"
		   "  init NAME [--extends X] [--groups A,B] [--description TEXT] [-o|--output FILE] [--force]\n"
		   "                                   a commented skeleton (default: in the user directory)\n"
		   "  validate NAME|FILE [--json]      check a profile; every problem with line and column\n"
		   "  diff A B                         what B grants that A does not, and the reverse\n"
		   "  groups [NAME]                    the policy groups and what they contain\n");
}

/* A subcommand's options and arguments. */
struct popts {
	bool json, force;
	const char *extends;
	const char *output, *description, *groups; /* init */
	const char *arg[2];			   /* the arguments, in order */
};

static const struct option json_opt[] = {{"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0}};

/* opts and at most max arguments: -1 to go on, else the exit status */
static int
parse(const struct nono_subcmd_ctx *c, int argc, char **argv, const struct option *opts, int max, struct popts *o)
{
	int opt, n = 0;

	memset(o, 0, sizeof(*o));
	while ((opt = nono_subcmd_opt(c, argc, argv, NULL, opts)) != -1) {
		if (opt == NONO_SUBCMD_HELP || opt == NONO_SUBCMD_USAGE)
			return opt == NONO_SUBCMD_HELP ? 0 : 2;
		if (opt == 'j')
			o->json = true;
		else if (opt == 'f')
			o->force = true;
		else if (opt == 'o')
			o->output = optarg;
		else if (opt == 'd')
			o->description = optarg;
		else if (opt == 'g')
			o->groups = optarg;
		else
			o->extends = optarg;
	}
	while (optind < argc && n < max)
		o->arg[n++] = argv[optind++];
	return nono_subcmd_no_args(c, argc, argv) ? 2 : -1;
}

/* What run would refuse once the text is well-formed: each value through
 * its setter (unknown groups, bad ports, hosts). What depends on the
 * launch's flags (a grant that covers allow_delete) is run's to check. */
static void
apply_problems(const struct nono_profile *p, struct nono_strv *problems)
{
	struct nono_options o;
	struct nono_error err = {0};

	nono_options_init(&o);
	if (nono_profile_apply(&o, p, &err) == 0) {
		/* what the launch refuses of the profile alone: a grant inside a
		 * protected path is the profile's own problem; the rest (an
		 * allow_delete no grant covers yet) flags may settle: a warning */
		nono_policy_add_default_groups(&o.policy);
		if (nono_policy_finalize(&o.policy, &err) < 0) {
			nono_strv_push_owned(problems, xasprintf("%snono run would refuse it: %s%s%s%s",
								 err.code == -EACCES ? "" : "warning: ", err.msg,
								 err.hint[0] ? " (hint: " : "", err.hint,
								 err.hint[0] ? ")" : ""));
			nono_error_clear(&err);
		}
	}
	/* a variable unset here may be set where it runs: a warning */
	if (err.code)
		nono_strv_push_owned(problems,
				     xasprintf("%s%s%s%s%s", strstr(err.msg, " is not set") ? "warning: " : "", err.msg,
					       err.hint[0] ? " (hint: " : "", err.hint, err.hint[0] ? ")" : ""));
	nono_options_free(&o);
}

/* The first thing run would refuse in the profile file at path, or NULL;
 * caller-owned. */
static char *
profile_problem(const char *path)
{
	struct nono_profile p;
	struct nono_error err = {0};
	struct nono_strv problems = {0};
	char *first = NULL;

	if (nono_profile_load(&p, path, &err) < 0) {
		first = xstrdup(err.msg);
	} else {
		apply_problems(&p, &problems);
		nono_profile_free(&p);
		for (size_t i = 0; i < problems.n && !first; i++)
			if (strncmp(problems.v[i], "warning: ", 9) != 0)
				first = xstrdup(problems.v[i]);
	}
	nono_strv_free(&problems);
	return first;
}

static int
cmd_list(const struct nono_subcmd_ctx *c, int argc, char **argv)
{
	struct popts o;
	int r = parse(c, argc, argv, json_opt, 0, &o);
	bool json = o.json;
	char *dir;

	if (r >= 0)
		return r;
	dir = nono_profile_user_path("x");
	DIR *d;
	struct dirent *e;
	struct nono_strv user = {0}, file = {0}; /* names, and the file each is in */
	bool first = true;

	*strrchr(dir, '/') = '\0';
	if ((d = opendir(dir))) {
		while ((e = readdir(d))) {
			size_t l = strlen(e->d_name);

			size_t n = l > 5 && strcmp(e->d_name + l - 5, ".json") == 0    ? l - 5
				   : l > 6 && strcmp(e->d_name + l - 6, ".jsonc") == 0 ? l - 6
										       : 0;
			char *name;

			if (!n)
				continue;
			name = xasprintf("%.*s", (int)n, e->d_name);
			/* name.jsonc is read before name.json */
			if (nono_strv_contains(&user, name)) {
				for (size_t i = 0; i < user.n; i++)
					if (strcmp(user.v[i], name) == 0 && l > 6 && e->d_name[l - 1] == 'c') {
						free(file.v[i]);
						file.v[i] = xasprintf("%s/%s", dir, e->d_name);
					}
				free(name);
				continue;
			}
			nono_strv_push_owned(&user, name);
			nono_strv_push_owned(&file, xasprintf("%s/%s", dir, e->d_name));
		}
		closedir(d);
	}
	if (json)
		printf("[");
	for (size_t i = 0; nono_builtin_profile_names[i]; i++) {
		const char *n = nono_builtin_profile_names[i];
		bool over = nono_strv_contains(&user, n);
		char *pack = over ? NULL : nono_pack_profile_provider(n); /* a pack's profile of that name */
		const char *path = NULL;

		for (size_t j = 0; over && j < user.n; j++)
			if (strcmp(user.v[j], n) == 0)
				path = file.v[j];
		if (json) {
			printf("%s\n  {\"name\": ", first ? "" : ",");
			nono_json_string(stdout, n);
			printf(", \"source\": \"%s\"", over   ? "user (overrides built-in)"
						       : pack ? "pack (overrides built-in)"
							      : "built-in");
			if (pack) {
				printf(", \"pack\": ");
				nono_json_string(stdout, pack);
			}
			if (path) {
				printf(", \"path\": ");
				nono_json_string(stdout, path);
			}
			printf("}");
		} else if (path) {
			printf("%-16s user, overrides the built-in (%s)\n", n, path);
		} else if (pack) {
			printf("%-16s pack %s, overrides the built-in\n", n, pack);
		} else {
			printf("%-16s built-in\n", n);
		}
		free(pack);
		first = false;
	}
	for (size_t i = 0; i < user.n; i++) {
		const char *p = file.v[i];

		if (nono_builtin_profile(user.v[i]))
			continue;
		char *bad = profile_problem(p);

		if (json) {
			printf("%s\n  {\"name\": ", first ? "" : ",");
			nono_json_string(stdout, user.v[i]);
			printf(", \"source\": \"user\", \"path\": ");
			nono_json_string(stdout, p);
			printf(", \"valid\": %s", bad ? "false, \"problem\": " : "true");
			if (bad)
				nono_json_string(stdout, bad);
			printf("}");
		} else {
			printf("%-16s user (%s)%s%s\n", user.v[i], p, bad ? "  INVALID: " : "", bad ? bad : "");
		}
		free(bad);
		first = false;
	}
	nono_pack_list_profiles(json, &first); /* registry packs: pack:OWNER/NAME */
	if (json)
		printf("\n]\n");
	nono_strv_free(&user);
	nono_strv_free(&file);
	free(dir);
	return 0;
}

static int
cmd_show(const struct nono_subcmd_ctx *c, int argc, char **argv)
{
	struct popts o;
	int r = parse(c, argc, argv, json_opt, 1, &o);
	const char *ref = o.arg[0];
	struct nono_profile p;
	struct nono_error err = {0};
	char *s;

	if (r >= 0)
		return r;
	if (!ref)
		return nono_subcmd_usage(c, "nono profile show claude-code", "which profile?");
	if (nono_profile_load(&p, ref, &err) < 0) {
		nono_print_error(&err);
		return 1;
	}
	s = nono_profile_dump(&p);
	if (o.json) {
		puts(s);
	} else {
		char *dry[] = {(char *)"run", (char *)"--profile", (char *)ref, (char *)"--dry-run",
			       (char *)"--",  (char *)"true",	   NULL};

		printf("Profile %s (%s)\n", ref, p.origin);
		if (p.chain.n > 1) {
			printf("Built from:");
			for (size_t i = 0; i < p.chain.n; i++)
				printf(" %s", p.chain.v[i]);
			printf("\n");
		}
		printf("\n%s\n\n", s);
		free(s);
		nono_profile_free(&p);
		fflush(stdout);
		return nono_cmd_run(6, dry) == 0 ? 0 : 1;
	}
	free(s);
	nono_profile_free(&p);
	return 0;
}

static int
cmd_validate(const struct nono_subcmd_ctx *c, int argc, char **argv)
{
	struct popts o;
	int status = parse(c, argc, argv, json_opt, 1, &o);
	const char *ref = o.arg[0];
	bool json = o.json;
	struct nono_profile p;
	struct nono_error err = {0};
	struct nono_strv problems = {0};
	char *path = NULL;
	size_t errors = 0;

	if (status >= 0)
		return status;
	if (!ref)
		return nono_subcmd_usage(c, "nono profile validate claude-code", "which profile?");
	/* a file is checked on its own first, so every problem is listed */
	if ((strchr(ref, '/') || strstr(ref, ".json")) && strncmp(ref, "pack:", 5) != 0)
		path = xstrdup(ref);
	else {
		/* the user directory as the loader searches it: .jsonc, then .json */
		char *user = nono_profile_user_path(ref);

		path = xasprintf("%sc", user);
		if (access(path, F_OK) != 0) {
			free(path);
			path = access(user, F_OK) == 0 ? xstrdup(user) : NULL;
		}
		free(user);
	}
	if (path) {
		FILE *f = fopen(path, "re");
		char *buf = NULL;
		size_t cap = 0;

		if (!f) {
			log_error("profile '%s': %s", path, strerror(errno));
			free(path);
			return 1;
		}
		if (getdelim(&buf, &cap, '\0', f) < 0 && !buf)
			buf = xstrdup("");
		fclose(f);
		nono_profile_validate_text(buf, path, &problems);
		free(buf);
	}
	for (size_t i = 0; i < problems.n; i++)
		errors += strncmp(problems.v[i], "warning: ", 9) != 0;
	if (!errors || !path) {
		if (nono_profile_load(&p, ref, &err) < 0) {
			nono_strv_push(&problems, err.msg);
		} else {
			apply_problems(&p, &problems);
			nono_profile_free(&p);
		}
	}
	status = 0;
	for (size_t i = 0; i < problems.n; i++)
		if (strncmp(problems.v[i], "warning: ", 9) != 0)
			status = 1;
	if (json) {
		printf("{\"profile\": ");
		nono_json_string(stdout, ref);
		printf(", \"valid\": %s, \"problems\": [", status ? "false" : "true");
		for (size_t i = 0; i < problems.n; i++) {
			printf(i ? ", " : "");
			nono_json_string(stdout, problems.v[i]);
		}
		printf("]}\n");
	} else {
		for (size_t i = 0; i < problems.n; i++)
			fprintf(stderr, "%s\n", problems.v[i]);
		printf("%s: %s\n", ref, status ? "invalid" : "valid");
	}
	nono_strv_free(&problems);
	free(path);
	return status;
}

/* The skeleton init writes: JSONC, each string escaped. */
static void
write_skeleton(FILE *f, const char *name, const char *ext, const char *desc, const char *groups)
{
	char *dup = groups ? xstrdup(groups) : NULL, *save = NULL;
	bool first = true;

	fprintf(f,
		"// nono profile '%s'. Comments are allowed (JSONC). 'man 5 nono-profile' has every key.\n"
		"// Variables: ~ $HOME $WORKDIR $TMPDIR $UID $XDG_CONFIG_HOME $XDG_STATE_HOME $XDG_CACHE_HOME\n"
		"// $XDG_DATA_HOME $XDG_RUNTIME_DIR\n"
		"{\n  \"meta\": { \"name\": ",
		name);
	nono_json_string(f, name);
	fprintf(f, ", \"version\": \"1.0.0\", \"description\": ");
	nono_json_string(f, desc ? desc : "");
	fprintf(f, " },\n  \"extends\": ");
	nono_json_string(f, ext ? ext : "default");
	fprintf(f, ",\n  \"groups\": { \"include\": [");
	for (char *g = dup ? strtok_r(dup, ",", &save) : NULL; g; g = strtok_r(NULL, ",", &save)) {
		fprintf(f, "%s", first ? "" : ", ");
		nono_json_string(f, g);
		first = false;
	}
	free(dup);
	fprintf(f, "] },\n"
		   "  \"filesystem\": {\n"
		   "    // read and write beneath each directory\n"
		   "    \"allow\": [],\n"
		   "    // read (and execute) beneath each directory\n"
		   "    \"read\": [],\n"
		   "    // single files\n"
		   "    \"allow_file\": [],\n"
		   "    // carved out of every grant, like ~/.ssh\n"
		   "    \"deny\": []\n"
		   "  },\n"
		   "  \"network\": { \"block\": false },\n"
		   "  \"workdir\": { \"access\": \"readwrite\" }\n"
		   "}\n");
}

/* init's checks before anything is written: the name, the base, the
 * groups. 0, or 1 once reported. */
static int
init_check(const char *name, const char *ext, const char *groups)
{
	struct nono_error err = {0};
	char *dup, *save = NULL;
	int r = 0;

	if (!nono_profile_name_valid(name)) {
		log_error("nono profile init: '%s' is not a profile name (letters, digits, - and _)", name);
		log_hint("name it with letters, digits, - and _: nono profile init my-agent");
		return 1;
	}
	if (ext) {
		struct nono_profile base;

		if (strpbrk(ext, "\"\\") || nono_profile_load(&base, ext, &err) < 0) {
			if (!err.code)
				nono_error_set(&err, -EINVAL, "--extends '%s': not a profile name nor a plain path",
					       ext);
			nono_print_error(&err);
			return 1;
		}
		nono_profile_free(&base);
	}
	dup = groups ? xstrdup(groups) : NULL;
	for (char *g = dup ? strtok_r(dup, ",", &save) : NULL; g && !r; g = strtok_r(NULL, ",", &save))
		if (!nono_group_find(g)) {
			log_error("nono profile init: --groups: unknown policy group '%s'", g);
			log_hint("'nono profile groups' lists them");
			r = 1;
		}
	free(dup);
	return r;
}

/* --output FILE's name without its directory and .json: the profile's
 * name when none is given; caller-owned */
static char *
name_of_file(const char *file)
{
	const char *b = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	size_t n = strlen(b);

	if (n > 5 && strcmp(b + n - 5, ".json") == 0)
		n -= 5;
	else if (n > 6 && strcmp(b + n - 6, ".jsonc") == 0)
		n -= 6;
	return xasprintf("%.*s", (int)n, b);
}

static int
cmd_init(const struct nono_subcmd_ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"extends", required_argument, NULL, 'e'}, {"force", no_argument, NULL, 'f'},
	    {"output", required_argument, NULL, 'o'},  {"description", required_argument, NULL, 'd'},
	    {"groups", required_argument, NULL, 'g'},  {NULL, 0, NULL, 0}};
	struct popts o;
	int fd, r = parse(c, argc, argv, opts, 1, &o);
	char *name = NULL, *path = NULL, *dir = NULL;
	FILE *f;

	if (r >= 0)
		return r;
	if (!o.arg[0] && !o.output)
		return nono_subcmd_usage(c, "nono profile init my-agent --extends claude-code", "which name?");
	name = o.arg[0] || !o.output ? xstrdup(o.arg[0]) : name_of_file(o.output);
	r = 1;
	if (init_check(name, o.extends, o.groups))
		goto out;
	path = o.output ? xstrdup(o.output) : nono_profile_user_path(name);
	dir = nono_path_dirname(path);
	if (!o.output)
		nono_mkdir_p(dir, 0700);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (o.force ? O_TRUNC : O_EXCL), 0600);
	if (fd < 0) {
		int e = errno;

		log_error("nono profile init: cannot create %s: %s", path, strerror(e));
		if (e == EEXIST)
			log_hint("add --force to overwrite it");
		goto out;
	}
	f = fdopen(fd, "w");
	write_skeleton(f, name, o.extends, o.description, o.groups);
	fclose(f);
	printf("%s\n", path);
	r = 0;
out:
	free(name);
	free(dir);
	free(path);
	return r;
}

static int
cmd_groups(const struct nono_subcmd_ctx *c, int argc, char **argv)
{
	struct popts o;
	int r = parse(c, argc, argv, NULL, 1, &o);
	const char *name = o.arg[0];

	if (r >= 0)
		return r;

	for (size_t i = 0; i < nono_n_groups; i++) {
		const struct nono_group *g = &nono_groups[i];
		const char *const *sets[] = {g->read, g->write, g->readwrite, g->deny, g->protect};
		const char *labels[] = {"read", "write", "read+write", "deny", "read-only"};

		if (name && strcmp(name, g->name) != 0)
			continue;
		printf("%s%s%s%s: %s\n", nono_c(1, C_BOLD), g->name, nono_c(1, C_RESET),
		       g->required ? " (required)" : "", g->description);
		if (!name)
			continue;
		for (int s = 0; s < 5; s++)
			for (size_t j = 0; sets[s] && sets[s][j]; j++)
				printf("  %-10s %s\n", labels[s], sets[s][j]);
		for (size_t j = 0; g->commands && g->commands[j].name; j++)
			printf("  %-10s %s (%s)\n", "command", g->commands[j].name, g->commands[j].category);
		for (size_t j = 0; g->swept && g->swept[j]; j++)
			printf("  %-10s %s\n", "swept", g->swept[j]);
	}
	if (name && !nono_group_find(name)) {
		log_error("unknown policy group '%s'", name);
		log_hint("'nono profile groups' lists them");
		return 1;
	}
	return 0;
}

static int
cmd_diff(const struct nono_subcmd_ctx *c, int argc, char **argv)
{
	struct popts o;
	int r = parse(c, argc, argv, NULL, 2, &o);
	const char *a = o.arg[0], *b = o.arg[1];
	struct nono_options la, lb;
	struct nono_error err = {0};
	char *av[] = {(char *)"why", (char *)"--profile", NULL, NULL};

	if (r >= 0)
		return r;
	if (!a || !b)
		return nono_subcmd_usage(c, NULL, "give two profiles");
	r = 1;
	nono_options_init(&la);
	nono_options_init(&lb);
	av[2] = (char *)a;
	if (nono_options_parse(&la, NONO_CMD_WHY, "why", 3, av, &err) < 0)
		goto out;
	av[2] = (char *)b;
	if (nono_options_parse(&lb, NONO_CMD_WHY, "why", 3, av, &err) < 0)
		goto out;
	nono_policy_add_default_groups(&la.policy);
	nono_policy_add_default_groups(&lb.policy);
	if (nono_policy_finalize(&la.policy, &err) < 0 || nono_policy_finalize(&lb.policy, &err) < 0)
		goto out;
	for (int side = 0; side < 2; side++) {
		const struct nono_policy *x = side ? &lb.policy : &la.policy, *y = side ? &la.policy : &lb.policy;

		for (size_t i = 0; i < x->n_rules; i++) {
			bool same = false;

			for (size_t j = 0; j < y->n_rules; j++)
				if (strcmp(x->rules[i].path, y->rules[j].path) == 0 &&
				    x->rules[i].access == y->rules[j].access)
					same = true;
			if (!same)
				printf("%c %-6s %s\n", side ? '+' : '-', nono_access_str(x->rules[i].access),
				       x->rules[i].path);
		}
	}
	if (la.policy.block_net != lb.policy.block_net)
		printf("%c network blocked\n", lb.policy.block_net ? '+' : '-');
	r = 0;
out:
	if (r)
		nono_print_error(&err);
	nono_options_free(&la);
	nono_options_free(&lb);
	return r;
}

int
nono_cmd_profile(int argc, char **argv)
{
	static const struct nono_subcmd subs[] = {
	    {"list", cmd_list, NULL, NULL}, {"show", cmd_show, NULL, NULL},	{"validate", cmd_validate, NULL, NULL},
	    {"init", cmd_init, NULL, NULL}, {"groups", cmd_groups, NULL, NULL}, {"diff", cmd_diff, NULL, NULL},
	    {NULL, NULL, NULL, NULL},
	};
	static const struct nono_subcmds cmd = {"profile", usage, subs, NULL};

	return nono_subcmd_dispatch(&cmd, argc, argv, NULL);
}
