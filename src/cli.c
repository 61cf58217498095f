/* cli.c - see cli.h (supervisor side). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "env.h"
#include "log.h"
#include "proxy.h"
#include "util.h"

#define ALL_SANDBOX (NONO_CMD_RUN | NONO_CMD_SHELL | NONO_CMD_WHY)
#define LAUNCH	    (NONO_CMD_RUN | NONO_CMD_SHELL)

static int
set_grant(struct nono_launch *l, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	char *src = l->origin ? xstrdup(l->origin) : xasprintf("--%s", d->name);

	if (!*val) {
		free(src);
		return nono_error_set(err, -EINVAL, "--%s needs a path", d->name);
	}
	nono_policy_grant(&l->policy, val, d->access, d->kind, src, true);
	free(src);
	return 0;
}

#define FLAG_SETTER(fn, field)                                                                                         \
	static int fn(struct nono_launch *l, const struct nono_optdef *d, const char *val, struct nono_error *err)     \
	{                                                                                                              \
		field = true;                                                                                          \
		return 0;                                                                                              \
	}
FLAG_SETTER(set_silent, l->silent)
FLAG_SETTER(set_dry_run, l->dry_run)
FLAG_SETTER(set_json, l->json)
FLAG_SETTER(set_allow_cwd, l->allow_cwd)
FLAG_SETTER(set_self, l->self)
FLAG_SETTER(set_no_audit, l->no_audit)
FLAG_SETTER(set_block_net, l->policy.block_net)
FLAG_SETTER(set_allow_delete, l->policy.allow_delete)
FLAG_SETTER(set_no_pid_ns, l->policy.host_pids)
FLAG_SETTER(set_trust_override, l->trust_override)

static int
set_rollback(struct nono_launch *l, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	l->rollback = strcmp(d->name, "rollback") == 0;
	return 0;
}

static int
set_rollback_exclude(struct nono_launch *l, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	if (!*val)
		return nono_error_set(err, -EINVAL, "--%s needs a pattern", d->name);
	nono_strv_push(&l->rollback_exclude, val);
	return 0;
}

static int
set_verbose(struct nono_launch *l, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	l->verbose++;
	return 0;
}

static int
set_workdir(struct nono_launch *l, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	bool exists;
	struct stat st;
	char *c = nono_path_canonical(val, &exists);

	if (!exists || stat(c, &st) < 0 || !S_ISDIR(st.st_mode)) {
		free(c);
		return nono_error_set(err, -ENOTDIR, "--workdir %s: not a directory", val);
	}
	free(l->policy.workdir);
	l->policy.workdir = c;
	return 0;
}

static int
set_allow_domain(struct nono_launch *l, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	char *src = d ? xasprintf("--%s", d->name) : xstrdup("NONO_ALLOW_DOMAIN");
	int r = nono_proxy_add_host(&l->policy.proxy_hosts, val, src, err);

	free(src);
	return r;
}

static int
set_network_profile(struct nono_launch *l, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	struct nono_strv probe = {0};
	int r = nono_proxy_add_profile(&probe, val, err);

	nono_strv_free(&probe);
	if (r < 0)
		return r;
	free(l->network_profile);
	nono_openurl_free(&l->openurl);
	l->network_profile = xstrdup(val);
	return 0;
}

static int
set_proxy_port(struct nono_launch *l, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	char *end;
	long v = strtol(val, &end, 10);

	if (!*val || *end || v < 1 || v > 65535)
		return nono_error_set(err, -EINVAL, "--proxy-port %s: expected a port from 1 to 65535", val);
	l->proxy_port = (int)v;
	return 0;
}

static int
set_command(struct nono_launch *l, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	if (!*val || strchr(val, '/'))
		return nono_error_set(err, -EINVAL, "--%s takes a command name, not '%s'", d->name, val);
	nono_strv_push(strcmp(d->name, "allow-command") == 0 ? &l->policy.allow_cmds : &l->policy.block_cmds, val);
	return 0;
}

static int
set_bypass(struct nono_launch *l, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	nono_strv_push(&l->policy.bypass, val);
	return 0;
}

static int
set_unix_socket(struct nono_launch *l, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	if (!*val)
		return nono_error_set(err, -EINVAL, "--%s needs a path", d->name);
	nono_strv_push(&l->policy.unix_sockets, val);
	return 0;
}

static bool
env_name_ok(const char *v)
{
	if (!*v || !(isalpha((unsigned char)*v) || *v == '_'))
		return false;
	for (; *v; v++)
		if (!isalnum((unsigned char)*v) && *v != '_')
			return false;
	return true;
}

/* One "REF" or "REF=VAR": REF is a keystore account (service nono) or
 * keyring://SERVICE/ACCOUNT; VAR defaults to the account upper-cased. */
static int
add_credential(struct nono_launch *l, const char *item, struct nono_error *err)
{
	const char *eq = strrchr(item, '=');
	char *ref = eq ? xasprintf("%.*s", (int)(eq - item), item) : xstrdup(item);
	char *var = eq ? xstrdup(eq + 1) : xstrdup(item), *entry;
	const char *acct = ref;
	int r = 0;

	if (strncmp(ref, "keyring://", 10) == 0) {
		const char *slash = strchr(ref + 10, '/');

		if (!slash || slash == ref + 10 || !slash[1] || strchr(slash + 1, '/')) {
			r = nono_error_set(err, -EINVAL, "--env-credential %s: keyring:// takes SERVICE/ACCOUNT", item);
			goto out;
		}
		acct = slash + 1;
		if (!eq) {
			free(var);
			var = xstrdup(acct);
		}
	} else if (strstr(ref, "://")) {
		r = nono_error_set(err, -ENOTSUP, "--env-credential %s: this nono reads the system keystore only",
				   item);
		nono_error_hint(err,
				"store it with: secret-tool store --label=\"nono: NAME\" service nono username NAME");
		goto out;
	} else {
		for (const char *c = ref; *c; c++)
			if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-' && *c != '.')
				acct = NULL;
		if (!*ref || !acct) {
			r = nono_error_set(
			    err, -EINVAL, "--env-credential '%s': an account name is letters, digits, _ - and .", item);
			goto out;
		}
	}
	for (char *c = var; !eq && *c; c++)
		*c = *c == '-' || *c == '.' ? '_' : (char)toupper((unsigned char)*c);
	entry = xasprintf("%s=", var);
	if (!env_name_ok(var) || strcmp(var, "PATH") == 0 || strncmp(var, "NONO_", 5) == 0 ||
	    nono_env_dangerous(entry)) {
		free(entry);
		r = nono_error_set(err, -EINVAL,
				   "--env-credential %s: '%s' cannot carry a secret (not a variable name, PATH, NONO_* "
				   "or a variable that loads code)",
				   item, var);
		goto out;
	}
	/* one secret per variable: a later one (the flag after the profile) wins */
	for (size_t i = 0; i < l->env_creds.n; i++) {
		const char *o = strrchr(l->env_creds.v[i], '=');

		if (strcmp(o + 1, var) == 0) {
			char *e = xasprintf("%s=%s", ref, var);

			free(l->env_creds.v[i]);
			l->env_creds.v[i] = e;
			free(entry);
			goto out;
		}
	}
	free(entry);
	nono_strv_push_owned(&l->env_creds, xasprintf("%s=%s", ref, var));
out:
	free(ref);
	free(var);
	return r;
}

static int
set_env_credential(struct nono_launch *l, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	char *dup = xstrdup(val), *save = NULL;
	int r = 0, n = 0;

	for (char *t = strtok_r(dup, ",", &save); t && r == 0; t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ')
			t++;
		if (*t) {
			r = add_credential(l, t, err);
			n++;
		}
	}
	free(dup);
	if (!r && !n)
		r = nono_error_set(err, -EINVAL, "--env-credential needs a name");
	return r;
}

static int
set_string(struct nono_launch *l, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	char **field = strcmp(d->name, "command") == 0	 ? &l->shell_cmd
		       : strcmp(d->name, "shell") == 0	 ? &l->shell
		       : strcmp(d->name, "path") == 0	 ? &l->why_path
		       : strcmp(d->name, "profile") == 0 ? &l->profile
							 : &l->op;

	free(*field);
	*field = xstrdup(val);
	return 0;
}

const struct nono_optdef nono_optdefs[] = {
    {"profile", 'p', true, "NAME", NULL, set_string, 0, 0, ALL_SANDBOX,
     "start from a profile (a name or a .json file)"},
    {"allow", 'a', true, "DIR", "filesystem.allow", set_grant, NONO_ACC_RW, NONO_KIND_DIR, ALL_SANDBOX,
     "grant read and write beneath DIR"},
    {"read", 'r', true, "DIR", "filesystem.read", set_grant, NONO_ACC_READ, NONO_KIND_DIR, ALL_SANDBOX,
     "grant read (and execute) beneath DIR"},
    {"write", 'w', true, "DIR", "filesystem.write", set_grant, NONO_ACC_WRITE, NONO_KIND_DIR, ALL_SANDBOX,
     "grant write beneath DIR"},
    {"allow-file", 0, true, "FILE", "filesystem.allow_file", set_grant, NONO_ACC_RW, NONO_KIND_FILE, ALL_SANDBOX,
     "grant read and write on one file"},
    {"read-file", 0, true, "FILE", "filesystem.read_file", set_grant, NONO_ACC_READ, NONO_KIND_FILE, ALL_SANDBOX,
     "grant read on one file"},
    {"write-file", 0, true, "FILE", "filesystem.write_file", set_grant, NONO_ACC_WRITE, NONO_KIND_FILE, ALL_SANDBOX,
     "grant write on one file"},
    {"allow-cwd", 0, false, NULL, "workdir.access", set_allow_cwd, 0, 0, ALL_SANDBOX,
     "grant read and write on the working directory"},
    {"workdir", 0, true, "DIR", NULL, set_workdir, 0, 0, ALL_SANDBOX,
     "working directory and $WORKDIR (default: the current directory)"},
    {"allow-delete", 0, false, NULL, "filesystem.allow_delete", set_allow_delete, 0, 0, ALL_SANDBOX,
     "let writable grants delete, rename away and truncate"},
    {"rollback", 0, false, NULL, NULL, set_rollback, 0, 0, LAUNCH,
     "journal what the session destroys so it can be restored (default with deletion)"},
    {"no-rollback", 0, false, NULL, NULL, set_rollback, 0, 0, LAUNCH, "do not journal for rollback"},
    {"rollback-exclude", 0, true, "PATTERN", "rollback.exclude_patterns", set_rollback_exclude, 0, 0, LAUNCH,
     "leave matching paths out of the journal (NAME, GLOB or a/path)"},
    {"bypass-protection", 0, true, "PATH", "filesystem.bypass_protection", set_bypass, 0, 0, ALL_SANDBOX,
     "let a grant reach the sensitive PATH (pair it with a grant)"},
    {"block-net", 0, false, NULL, "network.block", set_block_net, 0, 0, ALL_SANDBOX,
     "block all network access (TCP, UDP, raw, every non-UNIX socket)"},
    {"net-block", 0, false, NULL, NULL, set_block_net, 0, 0, ALL_SANDBOX, NULL /* alias */},
    {"allow-domain", 0, true, "HOST", "network.allow_domain", set_allow_domain, 0, 0, LAUNCH,
     "proxy mode: TCP only through nono's HTTP proxy, to HOST (or *.DOMAIN) alone"},
    {"allow-proxy", 0, true, "HOST", NULL, set_allow_domain, 0, 0, LAUNCH, NULL /* alias */},
    {"proxy-allow", 0, true, "HOST", NULL, set_allow_domain, 0, 0, LAUNCH, NULL /* alias */},
    {"network-profile", 0, true, "NAME", "network.network_profile", set_network_profile, 0, 0, LAUNCH,
     "proxy mode with a named host list (minimal, developer, claude-code, ...)"},
    {"proxy-port", 0, true, "PORT", NULL, set_proxy_port, 0, 0, LAUNCH,
     "the proxy's port on 127.0.0.1 (default: any free port)"},
    {"allow-unix-socket", 0, true, "PATH", "filesystem.unix_socket", set_unix_socket, 0, 0, ALL_SANDBOX,
     "let the sandbox connect to the UNIX socket at PATH"},
    {"allow-command", 0, true, "CMD", "commands.allow", set_command, 0, 0, ALL_SANDBOX, "let a blocked command run"},
    {"block-command", 0, true, "CMD", "commands.deny", set_command, 0, 0, ALL_SANDBOX, "refuse another command"},
    {"env-credential", 0, true, "NAME[,NAME]", "env_credentials", set_env_credential, 0, 0, LAUNCH,
     "put the keystore secret NAME in the environment as NAME upper-cased (NAME=VAR to choose)"},
    {"dry-run", 0, false, NULL, NULL, set_dry_run, 0, 0, LAUNCH, "print the plan and run nothing"},
    {"no-audit", 0, false, NULL, NULL, set_no_audit, 0, 0, LAUNCH, "keep no audit trail of this session"},
    {"no-pid-ns", 0, false, NULL, NULL, set_no_pid_ns, 0, 0, LAUNCH,
     "no PID namespace: the host's processes stay visible in /proc"},
    {"trust-override", 0, false, NULL, NULL, set_trust_override, 0, 0, LAUNCH,
     "run despite untrusted instruction files (warned, audited; never in production)"},
    {"json", 0, false, NULL, NULL, set_json, 0, 0, NONO_CMD_RUN | NONO_CMD_WHY,
     "machine-readable output (with --dry-run for run)"},
    {"silent", 's', false, NULL, NULL, set_silent, 0, 0, LAUNCH, "print nothing but the program's output"},
    {"verbose", 'v', false, NULL, NULL, set_verbose, 0, 0, ALL_SANDBOX, "say more (repeatable)"},
    {"shell", 0, true, "PATH", NULL, set_string, 0, 0, NONO_CMD_SHELL,
     "shell that runs each line (default $SHELL, else /bin/sh)"},
    {"command", 'c', true, "LINE", NULL, set_string, 0, 0, NONO_CMD_SHELL, "run LINE and exit, no prompt"},
    {"path", 0, true, "PATH", NULL, set_string, 0, 0, NONO_CMD_WHY, "the path to explain"},
    {"op", 0, true, "OP", NULL, set_string, 0, 0, NONO_CMD_WHY, "read, write or delete (default read)"},
    {"self", 0, false, NULL, NULL, set_self, 0, 0, NONO_CMD_WHY, "answer for the sandbox this runs in (NONO_CAP_FILE)"},
    {NULL, 0, false, NULL, NULL, NULL, 0, 0, 0, NULL},
};

void
nono_launch_init(struct nono_launch *l)
{
	memset(l, 0, sizeof(*l));
	l->rollback = -1;
	nono_policy_init(&l->policy);
	nono_openurl_init(&l->openurl);
}

void
nono_launch_free(struct nono_launch *l)
{
	nono_policy_free(&l->policy);
	free(l->shell);
	free(l->why_path);
	free(l->op);
	free(l->profile);
	free(l->network_profile);
	free(l->shell_cmd);
	nono_strv_free(&l->env_allow);
	nono_strv_free(&l->env_deny);
	nono_strv_free(&l->env_set);
	nono_strv_free(&l->env_creds);
	nono_strv_free(&l->hooks);
	nono_strv_free(&l->rollback_exclude);
	/* its socket's directory too, whatever ended the session */
	nono_openurl_free(&l->openurl);
}

bool
nono_launch_rollback(const struct nono_launch *l)
{
	if (l->rollback >= 0)
		return l->rollback;
	return l->policy.allow_delete || l->policy.delete_paths.n > 0;
}

static const char *
suggest(const char *bad, unsigned cmd)
{
	const char *best = NULL;
	size_t bd = 3;

	while (*bad == '-')
		bad++;
	for (size_t i = 0; nono_optdefs[i].name; i++) {
		size_t d;

		if (!(nono_optdefs[i].commands & cmd))
			continue;
		d = nono_strdist(bad, nono_optdefs[i].name);
		if (d < bd) {
			bd = d;
			best = nono_optdefs[i].name;
		}
	}
	return best;
}

static int
apply_env(struct nono_launch *l, unsigned cmd, struct nono_error *err)
{
	const char *allow = getenv("NONO_ALLOW");
	const char *block = getenv("NONO_BLOCK_NET");
	const char *creds = getenv("NONO_ENV_CREDENTIAL");
	const char *domains = getenv("NONO_ALLOW_DOMAIN"), *netprof = getenv("NONO_NETWORK_PROFILE");

	if (allow && *allow) {
		char *dup = xstrdup(allow), *save = NULL;

		for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save))
			if (*t)
				nono_policy_grant(&l->policy, t, NONO_ACC_RW, NONO_KIND_DIR, "NONO_ALLOW", true);
		free(dup);
	}
	if (block && *block) {
		int b = nono_parse_bool(block);

		if (b < 0)
			return nono_error_set(err, -EINVAL, "NONO_BLOCK_NET=%s: expected 1/0, true/false, yes/no",
					      block);
		l->policy.block_net = b;
	}
	if ((cmd & LAUNCH) && domains && *domains) {
		char *dup = xstrdup(domains), *save = NULL;
		int r = 0;

		for (char *t = strtok_r(dup, ",", &save); t && r == 0; t = strtok_r(NULL, ",", &save))
			if (*t)
				r = set_allow_domain(l, NULL, t, err);
		free(dup);
		if (r < 0)
			return r;
	}
	if ((cmd & LAUNCH) && netprof && *netprof) {
		int r = set_network_profile(l, NULL, netprof, err);

		if (r < 0)
			return r;
	}
	if ((cmd & LAUNCH) && creds && *creds) {
		int r = set_env_credential(l, NULL, creds, err);

		if (r < 0)
			return r;
	}
	return 0;
}

void
nono_cli_usage(unsigned cmd, const char *cmdname, const char *synopsis, const char *about)
{
	printf("Usage: nono %s %s\n\n%s\n\nOptions:\n", cmdname, synopsis, about);
	for (size_t i = 0; nono_optdefs[i].name; i++) {
		const struct nono_optdef *d = &nono_optdefs[i];
		char left[64];

		if (!(d->commands & cmd) || !d->help)
			continue;
		if (d->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", d->short_name, d->name, d->has_arg ? " " : "",
				 d->has_arg ? d->metavar : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", d->name, d->has_arg ? " " : "",
				 d->has_arg ? d->metavar : "");
		printf("  %-28s %s\n", left, d->help);
	}
	printf("  %-28s %s\n", "-h, --help", "show this help");
}

int
nono_cli_parse(struct nono_launch *l, unsigned cmd, const char *cmdname, int argc, char **argv, struct nono_error *err)
{
	struct option longopts[64];
	/* run and shell stop at the program; why takes its options anywhere */
	char shortopts[64] = "+:h";
	size_t n = 0, so = 3;

	if (cmd == NONO_CMD_WHY) {
		memmove(shortopts, shortopts + 1, strlen(shortopts));
		so = 2;
	}
	int c, r;

	if ((r = apply_env(l, cmd, err)) < 0)
		return r;
	for (size_t i = 0; nono_optdefs[i].name && n < 62; i++) {
		const struct nono_optdef *d = &nono_optdefs[i];

		if (!(d->commands & cmd))
			continue;
		longopts[n].name = d->name;
		longopts[n].has_arg = d->has_arg ? required_argument : no_argument;
		longopts[n].flag = NULL;
		longopts[n].val = 256 + (int)i;
		n++;
		if (d->short_name) {
			shortopts[so++] = (char)d->short_name;
			if (d->has_arg)
				shortopts[so++] = ':';
		}
	}
	longopts[n].name = "help";
	longopts[n].has_arg = no_argument;
	longopts[n].flag = NULL;
	longopts[n].val = 'h';
	memset(&longopts[n + 1], 0, sizeof(longopts[0]));
	shortopts[so] = '\0';

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct nono_optdef *d = NULL;

		if (c == 'h')
			return 1;
		if (c == '?' || c == ':') {
			const char *bad = argv[optind - 1];
			const char *s;

			if (c == ':') {
				nono_error_set(err, -EINVAL, "nono %s: %s needs a value", cmdname, bad);
				return err->code;
			}
			if (optopt && optopt < 256 && bad[0] == '-' && bad[1] != '-')
				nono_error_set(err, -EINVAL, "nono %s: unknown option '-%c'", cmdname, optopt);
			else
				nono_error_set(err, -EINVAL, "nono %s: unknown option '%s'", cmdname, bad);
			s = suggest(bad, cmd);
			if (s)
				nono_error_hint(err, "did you mean --%s? See 'nono %s --help'", s, cmdname);
			else
				nono_error_hint(err, "see 'nono %s --help'", cmdname);
			return err->code;
		}
		if (c >= 256)
			d = &nono_optdefs[c - 256];
		else
			for (size_t i = 0; nono_optdefs[i].name; i++)
				if (nono_optdefs[i].short_name == c && (nono_optdefs[i].commands & cmd))
					d = &nono_optdefs[i];
		if (!d)
			return nono_error_set(err, -EINVAL, "nono %s: unexpected option", cmdname);
		if ((r = d->set(l, d, optarg, err)) < 0)
			return r;
	}
	l->argv = argv + optind;
	l->argc = argc - optind;
	return 0;
}
