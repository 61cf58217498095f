/* keys.c - see keys.h: the key table and its setters (supervisor side). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/hooks.h"
#include "base/util.h"
#include "base/vars.h"
#include "config/keys.h"
#include "net/proxy.h"
#include "policy/env.h"
#include "policy/groups.h"

#define ALL_SANDBOX (NONO_CMD_RUN | NONO_CMD_SHELL | NONO_CMD_WHY)
#define LAUNCH	    (NONO_CMD_RUN | NONO_CMD_SHELL)
#define FIELD(f)    offsetof(struct nono_options, f)

void
nono_options_init(struct nono_options *o)
{
	memset(o, 0, sizeof(*o));
	o->rollback = -1;
	nono_policy_init(&o->policy);
	nono_openurl_init(&o->openurl);
}

void
nono_options_free(struct nono_options *o)
{
	nono_policy_free(&o->policy);
	free(o->shell);
	free(o->why_path);
	free(o->why_host);
	free(o->why_port);
	free(o->op);
	free(o->profile);
	free(o->session_id);
	free(o->network_profile);
	free(o->shell_cmd);
	nono_strv_free(&o->no_proxy);
	nono_strv_free(&o->env_allow);
	nono_strv_free(&o->env_deny);
	nono_strv_free(&o->env_set);
	nono_strv_free(&o->env_creds);
	nono_strv_free(&o->hooks);
	nono_strv_free(&o->create_dirs);
	nono_strv_free(&o->link_files);
	nono_strv_free(&o->rollback_exclude);
	/* its socket's directory too, whatever ended the session */
	nono_openurl_free(&o->openurl);
}

unsigned
nono_options_cwd_access(const struct nono_options *o)
{
	return o->cwd_access_set ? o->cwd_access : NONO_ACC_RW;
}

bool
nono_options_rollback(const struct nono_options *o)
{
	/* on unless --no-rollback: what the session destroys is kept */
	return o->rollback != 0;
}

/* ---- where a value comes from ---------------------------------------------- */

/* The profile being applied ("profile:NAME"), by its name; NULL otherwise. */
static const char *
profile_name(const struct nono_options *o)
{
	return o->origin && strncmp(o->origin, "profile:", 8) == 0 ? o->origin + 8 : NULL;
}

/* A value's source as grants record it: the flag, the environment
 * variable, "profile:NAME"; caller-owned. */
static char *
source(const struct nono_options *o, const struct nono_optdef *d)
{
	return o->origin ? xstrdup(o->origin) : xasprintf("--%s", d->name);
}

/* The same, naming a profile's key: "profile NAME: network.allow_domain". */
static char *
key_source(const struct nono_options *o, const struct nono_optdef *d)
{
	if (profile_name(o))
		return xasprintf("profile %s: %s", profile_name(o), d->profile_key);
	return source(o, d);
}

static void *
field(struct nono_options *o, const struct nono_optdef *d)
{
	return (char *)o + d->field;
}

/* ---- generic setters: a field of struct nono_options -------------------------- */

/* true; from the environment, a boolean word */
static int
set_true(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	int b = val ? nono_parse_bool(val) : 1;

	if (b < 0)
		return nono_error_set(err, -EINVAL, "%s=%s: expected 1/0, true/false, yes/no", d->env, val);
	*(bool *)field(o, d) = b;
	return 0;
}

static int
set_string(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	char **f = field(o, d);

	(void)err;
	free(*f);
	*f = xstrdup(val);
	return 0;
}

/* --session-id: a new id of nono's form, chosen by the program that
 * drives nono so that it knows where the session's records are */
static int
set_session_id(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	(void)d;
	if (strlen(val) != NONO_SESSION_ID_LEN || !nono_session_id_valid(val)) {
		nono_error_set(err, -EINVAL, "--session-id %s: not a session id of nono's form", val);
		nono_error_hint(err, "YYYYMMDD-HHMMSS-MMMxxxxxx: UTC time, milliseconds and six hex digits");
		err->usage = true;
		return err->code;
	}
	free(o->session_id);
	o->session_id = xstrdup(val);
	return 0;
}

static int
set_list(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	(void)err;
	nono_strv_push(field(o, d), val);
	return 0;
}

/* a list of paths: an empty one is a mistake */
static int
set_paths(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	if (!*val && !d->name)
		return nono_error_set(err, -EINVAL, "profile '%s': %s: an empty path", profile_name(o), d->profile_key);
	if (!*val)
		return nono_error_set(err, -EINVAL, "--%s needs a path", d->name);
	return set_list(o, d, val, err);
}

/* ---- the sandbox's setters --------------------------------------------------- */

static int
set_grant(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	char *src;

	if (!*val)
		return nono_error_set(err, -EINVAL, "--%s needs a path", d->name);
	src = source(o, d);
	nono_policy_grant(&o->policy, val, d->access, d->kind, src, true);
	free(src);
	return 0;
}

static int
set_verbose(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	(void)d, (void)val, (void)err;
	o->verbose++;
	return 0;
}

static int
set_workdir(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	bool exists;
	struct stat st;
	char *c = nono_path_canonical(val, &exists);

	(void)d;
	if (!exists || stat(c, &st) < 0 || !S_ISDIR(st.st_mode)) {
		free(c);
		return nono_error_set(err, -ENOTDIR, "--workdir %s: not a directory", val);
	}
	free(o->policy.workdir);
	o->policy.workdir = c;
	return 0;
}

/* --allow-delete, or the profile's filesystem.allow_delete: true, or
 * the paths where deleting is allowed */
static int
set_allow_delete(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	(void)d, (void)err;
	if (!val)
		o->policy.allow_delete = true;
	else
		nono_strv_push(&o->policy.delete_paths, val);
	return 0;
}

static int
set_rollback_on(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	(void)d, (void)val, (void)err;
	o->rollback = 1;
	return 0;
}

static int
set_rollback_off(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	(void)d, (void)val, (void)err;
	o->rollback = 0;
	return 0;
}

/* a profile's empty pattern is skipped; a flag's is a mistake */
static int
set_rollback_exclude(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	if (!*val && profile_name(o))
		return 0;
	if (!*val)
		return nono_error_set(err, -EINVAL, "--%s needs a pattern", d->name);
	nono_strv_push(&o->rollback_exclude, val);
	return 0;
}

/* localhost, *.localhost, 127.x, ::1 (bare or in brackets): what clients
 * reach directly (NO_PROXY), never through the proxy */
static bool
loopback_host(const char *h)
{
	size_t n;

	if (strstr(h, "://"))
		h = strstr(h, "://") + 3;
	n = strcspn(h, "/");
	return (n == 9 && strncasecmp(h, "localhost", 9) == 0) ||
	       (n > 10 && strncasecmp(h + n - 10, ".localhost", 10) == 0) || strncmp(h, "127.", 4) == 0 ||
	       (n == 3 && strncmp(h, "::1", 3) == 0) || (n == 5 && strncmp(h, "[::1]", 5) == 0);
}

static int
set_allow_domain(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	char *src = key_source(o, d);
	int r = nono_proxy_add_host(&o->policy.proxy_hosts, val, src, err);

	free(src);
	return r;
}

/* --deny-domain, network.deny_domain: refused even where an allowed
 * pattern covers it; alone, proxy mode with every other host allowed */
static int
set_deny_domain(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	char *src = key_source(o, d);
	int r = nono_proxy_add_deny(&o->policy.proxy_hosts, val, src, err);

	free(src);
	return r;
}

/* network.no_proxy: hosts clients reach directly. In proxy mode only
 * loopback can be (with --open-port); anything else would be refused. */
static int
set_no_proxy(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	char *src = key_source(o, d);
	int r = 0;

	if (!loopback_host(val)) {
		r = nono_error_set(err, -EINVAL,
				   "%s %s: in proxy mode a direct connection goes only to loopback (with --open-port); "
				   "this host would be refused",
				   src, val);
		nono_error_hint(err, "let it through the proxy: network.allow_domain [\"%s\"]", val);
	} else if (!nono_strv_contains(&o->no_proxy, val)) {
		nono_strv_push(&o->no_proxy, val);
	}
	free(src);
	return r;
}

/* Validated now, expanded into hosts when the launch is built. A flag
 * after a profile wins. (A new value also drops open_urls as far as it
 * was read: profile keys are applied before it, flags after.) */
static int
set_network_profile(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	struct nono_strv probe = {0};
	int r = nono_proxy_add_profile(&probe, val, err);

	(void)d;
	nono_strv_free(&probe);
	if (r < 0)
		return r;
	free(o->network_profile);
	nono_openurl_free(&o->openurl);
	o->network_profile = xstrdup(val);
	return 0;
}

static int
set_proxy_port(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	char *end;
	long v = strtol(val, &end, 10);

	(void)d;
	if (!*val || *end || v < 1 || v > 65535)
		return nono_error_set(err, -EINVAL, "--proxy-port %s: expected a port from 1 to 65535", val);
	o->proxy_port = (int)v;
	return 0;
}

/* --open-port, --listen-port and their profile keys: a port or a range */
static int
add_ports(struct nono_options *o, const struct nono_optdef *d, const char *val, bool connect, struct nono_error *err)
{
	char *src = key_source(o, d);
	int r = nono_policy_add_ports(&o->policy, val, connect, src, err);

	free(src);
	return r;
}

static int
set_open_port(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	return add_ports(o, d, val, true, err);
}

static int
set_listen_port(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	return add_ports(o, d, val, false, err);
}

/* ---- the agents users run every day: their sockets alone ---------------------- */

/* A socket the sandbox may connect to, named by an agent: it must be one. */
static int
grant_agent_socket(struct nono_options *o, const char *flag, const char *sock, const char *hint, struct nono_error *err)
{
	struct stat st = {0};

	if (!sock || !*sock) {
		nono_error_set(err, -ENOENT, "--%s: no agent socket found", flag);
		nono_error_hint(err, "%s", hint);
		return err->code;
	}
	errno = 0;
	if (stat(sock, &st) < 0 || !S_ISSOCK(st.st_mode)) {
		const char *why = errno ? strerror(errno) : "not a socket";

		nono_error_set(err, -ENOENT, "--%s: %s: %s", flag, sock, why);
		nono_error_hint(err, "%s", hint);
		return err->code;
	}
	if (!nono_strv_contains(&o->policy.unix_sockets, sock))
		nono_strv_push(&o->policy.unix_sockets, sock);
	return 0;
}

/* --allow-ssh-agent: $SSH_AUTH_SOCK, so git push over ssh signs with the
 * agent's keys; ~/.ssh stays denied */
static int
set_ssh_agent(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	(void)d, (void)val;
	return grant_agent_socket(o, "allow-ssh-agent", getenv("SSH_AUTH_SOCK"),
				  "start one (eval \"$(ssh-agent)\"; ssh-add) so SSH_AUTH_SOCK names its socket", err);
}

/* --allow-gpg-agent: the socket gpgconf names, so gpg signs through the
 * agent; the public keyring is read, the private keys stay denied */
static int
set_gpg_agent(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	static const char *const pub[] = {"pubring.kbx", "pubring.gpg", "trustdb.gpg", "gpg.conf", "common.conf"};
	FILE *f = popen("gpgconf --list-dirs agent-socket 2>/dev/null", "r");
	char line[4096] = "", *home;
	int r;

	(void)d, (void)val;
	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = '\0';
		pclose(f);
	}
	line[strcspn(line, "\n")] = '\0';
	if ((r = grant_agent_socket(o, "allow-gpg-agent", line,
				    "start it (gpgconf --launch gpg-agent); gpgconf --list-dirs agent-socket names it",
				    err)) < 0)
		return r;
	/* under ~/.gnupg, which is denied: the socket is let through by name */
	nono_strv_push(&o->policy.bypass, line);
	nono_policy_grant(&o->policy, line, NONO_ACC_READ, NONO_KIND_FILE, "--allow-gpg-agent", true);
	home = nono_path_dirname(line);
	for (size_t i = 0; i < sizeof(pub) / sizeof(pub[0]); i++) {
		char *p = xasprintf("%s/%s", home, pub[i]);

		if (access(p, F_OK) == 0) {
			nono_policy_grant(&o->policy, p, NONO_ACC_READ, NONO_KIND_FILE, "--allow-gpg-agent", true);
			nono_strv_push(&o->policy.bypass, p);
		}
		free(p);
	}
	free(home);
	return 0;
}

/* --max-processes N */
static int
set_max_procs(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	char *end;
	long v = strtol(val, &end, 10);

	(void)d;
	if (!*val || *end || v < 1 || v > 1000000) {
		nono_error_set(err, -EINVAL, "--max-processes %s: expected a number of processes from 1", val);
		nono_error_hint(err, "--max-processes 64");
		return err->code;
	}
	o->max_procs = v;
	return 0;
}

/* --memory SIZE: 512M (MiB), 512MB (decimal), bare bytes */
static int
set_memory(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	unsigned long long v;

	(void)d;
	if (nono_parse_size(val, &v) < 0 || v < (1ULL << 20)) {
		nono_error_set(err, -EINVAL, "--memory %s: expected a size of at least 1M (512M, 2G, 512MB)", val);
		nono_error_hint(err, "M and G are binary (MiB, GiB), MB and GB decimal, a bare number bytes");
		return err->code;
	}
	o->memory = v;
	return 0;
}

/* --min-abi, security.min_abi: the Landlock ABI below which nono refuses */
static int
set_min_abi(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	char *end;
	long v = strtol(val, &end, 10);

	(void)d;
	if (!*val || *end || v < 1 || v > 99)
		return nono_error_set(err, -EINVAL, "--min-abi %s: expected a Landlock ABI from 1 (e.g. 6)", val);
	o->min_abi = (int)v;
	return 0;
}

static int
set_approval_timeout(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	char *end;
	long v = strtol(val, &end, 10);

	(void)d;
	if (!*val || *end || v < 1 || v > 86400)
		return nono_error_set(err, -EINVAL, "--approval-timeout %s: expected seconds from 1 to 86400", val);
	o->approval_timeout = (int)v;
	return 0;
}

static int
set_command(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	if (!*val || strchr(val, '/'))
		return nono_error_set(err, -EINVAL, "--%s takes a command name, not '%s'", d->name, val);
	return set_list(o, d, val, err);
}

static int
set_group(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	(void)d;
	return nono_policy_add_group(&o->policy, val, err);
}

static int
set_group_exclude(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	const struct nono_group *g = nono_group_find(val);

	(void)d;
	if (!g)
		return nono_error_set(err, -ENOENT, "groups.exclude: unknown policy group '%s'", val);
	if (g->required)
		return nono_error_set(err, -EPERM, "groups.exclude: cannot exclude required group '%s' (%s)", val,
				      g->description);
	nono_strv_push(&o->policy.exclude_groups, val);
	return 0;
}

static int
set_openurl_origin(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	char *src = key_source(o, d);
	int r = nono_openurl_add_origin(&o->openurl, val, src, err);

	free(src);
	o->openurl.on = o->openurl.on || r == 0;
	return r;
}

static int
set_openurl_localhost(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	(void)d, (void)val, (void)err;
	o->openurl.localhost = true;
	o->openurl.on = true;
	return 0;
}

/* The profile's workdir.access: the working directory ($WORKDIR) granted */
static int
set_workdir_access(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	unsigned a = strcmp(val, "read") == 0	 ? NONO_ACC_READ
		     : strcmp(val, "write") == 0 ? NONO_ACC_WRITE
						 : NONO_ACC_RW;
	char *src;

	(void)d, (void)err;
	/* --allow-cwd shares the working directory at this level */
	o->cwd_access = strcmp(val, "none") == 0 ? 0 : a;
	o->cwd_access_set = true;
	if (strcmp(val, "none") == 0)
		return 0;
	src = xasprintf("%s workdir", o->origin);
	nono_policy_grant(&o->policy, "$WORKDIR", a, NONO_KIND_DIR, src, true);
	free(src);
	return 0;
}

/* environment.set_vars: NAME (the map entry) = the value, expanded; PATH
 * and NONO_* are nono's */
static int
set_env_var(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	const char *k = o->entry;
	char *cwd = o->policy.workdir ? NULL : getcwd(NULL, 0), *x = NULL;
	struct nono_vars vars;
	int r = 0;

	(void)d;
	if (!val || strcmp(k, "PATH") == 0 || strncmp(k, "NONO_", 5) == 0 || !*k || strchr(k, '=')) {
		r = nono_error_set(err, -EINVAL, "profile '%s': environment.set_vars.%s: %s", profile_name(o), k,
				   val ? "PATH and NONO_* cannot be set" : "values must be strings");
		goto out;
	}
	/* checked now; expanded by the launch, which knows $WORKDIR (--workdir
	 * comes after the profile) and the private $TMPDIR */
	nono_vars_from_env(&vars, o->policy.workdir ? o->policy.workdir : cwd, "/tmp");
	if ((r = nono_vars_expand(&x, val, &vars, err)) < 0)
		goto out;
	nono_strv_push_owned(&o->env_set, xasprintf("%s=%s", k, val));
out:
	free(x);
	free(cwd);
	return r;
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

/* A keystore reference: an account of service nono, or keyring://SERVICE/ACCOUNT;
 * *acct points at the account. 0, or -errno with err set. */
static int
credential_ref(const char *item, const char *ref, const char **acct, struct nono_error *err)
{
	if (strncmp(ref, "keyring://", 10) == 0) {
		const char *slash = strchr(ref + 10, '/');

		if (!slash || slash == ref + 10 || !slash[1] || strchr(slash + 1, '/'))
			return nono_error_set(err, -EINVAL, "--env-credential %s: keyring:// takes SERVICE/ACCOUNT",
					      item);
		*acct = slash + 1;
		return 0;
	}
	if (strstr(ref, "://")) {
		nono_error_set(err, -ENOTSUP, "--env-credential %s: this nono reads the system keystore only", item);
		nono_error_hint(err,
				"store it with: secret-tool store --label=\"nono: NAME\" service nono username NAME");
		return err->code;
	}
	*acct = ref;
	for (const char *c = ref; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-' && *c != '.')
			*acct = NULL;
	if (!*ref || !*acct)
		return nono_error_set(err, -EINVAL,
				      "--env-credential '%s': an account name is letters, digits, _ - and .", item);
	return 0;
}

/* One "REF" or "REF=VAR": VAR defaults to the account upper-cased. */
static int
add_credential(struct nono_options *o, const char *item, struct nono_error *err)
{
	const char *eq = strrchr(item, '='), *acct = NULL;
	char *ref = eq ? xasprintf("%.*s", (int)(eq - item), item) : xstrdup(item), *var = NULL, *entry;
	int r;

	if ((r = credential_ref(item, ref, &acct, err)) < 0)
		goto out;
	var = xstrdup(eq ? eq + 1 : acct);
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
	free(entry);
	/* one secret per variable: a later one (the flag after the profile) wins */
	for (size_t i = 0; i < o->env_creds.n; i++)
		if (strcmp(strrchr(o->env_creds.v[i], '=') + 1, var) == 0) {
			free(o->env_creds.v[i]);
			o->env_creds.v[i] = xasprintf("%s=%s", ref, var);
			goto out;
		}
	nono_strv_push_owned(&o->env_creds, xasprintf("%s=%s", ref, var));
out:
	free(ref);
	free(var);
	return r;
}

/* --env-credential NAME[,NAME], or the profile's env_credentials and
 * secrets: REF (the map entry) -> VAR */
static int
set_env_credential(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	char *dup, *save = NULL;
	int r = 0, n = 0;

	if (o->entry && !val)
		return nono_error_set(err, -EINVAL, "profile '%s': %s.%s: the value is the variable to set",
				      profile_name(o), d->profile_key, o->entry);
	dup = o->entry ? xasprintf("%s=%s", o->entry, val) : xstrdup(val);
	for (char *t = strtok_r(dup, ",", &save); t && r == 0; t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ')
			t++;
		if (*t) {
			r = add_credential(o, t, err);
			n++;
		}
	}
	free(dup);
	if (!r && !n)
		r = nono_error_set(err, -EINVAL, "--env-credential needs a name");
	return r;
}

/* hooks.TARGET (checked by the profile's applier): installed before the
 * launch; Claude Code runs the hook inside the sandbox, which reads and
 * executes it, and nothing writes nono's own files. The variable, not its
 * value: a value is never expanded again. */
static int
set_hook(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	(void)d, (void)err;
	if (nono_strv_contains(&o->hooks, val))
		return 0;
	nono_strv_push(&o->hooks, val);
	nono_policy_grant(&o->policy, NONO_HOOKS_SCRIPT_VAR, NONO_ACC_READ, NONO_KIND_FILE, "nono hook", false);
	return 0;
}

/* filesystem.link_file: PATH (the map entry) -> TARGET. Both must be
 * absolute once expanded, and distinct; the launch acts on them. */
static int
set_link_file(struct nono_options *o, const struct nono_optdef *d, const char *val, struct nono_error *err)
{
	const char *k = o->entry;

	if (!k || !val || !*k || !*val)
		return nono_error_set(err, -EINVAL, "profile '%s': %s: a map of PATH to TARGET, both strings",
				      profile_name(o), d->profile_key);
	if (strcmp(k, val) == 0)
		return nono_error_set(err, -EINVAL, "profile '%s': %s.%s: a file cannot link to itself",
				      profile_name(o), d->profile_key, k);
	for (size_t i = 0; i + 1 < o->link_files.n; i += 2)
		if (strcmp(o->link_files.v[i], k) == 0) {
			free(o->link_files.v[i + 1]);
			o->link_files.v[i + 1] = xstrdup(val);
			return 0;
		}
	nono_strv_push(&o->link_files, k);
	nono_strv_push(&o->link_files, val);
	return 0;
}

/* ---- the table ------------------------------------------------------------------ */

#define GRANT(acc, k) .set = set_grant, .apply = NONO_APPLY_PATHS, .access = (acc), .kind = (k)

const struct nono_optdef nono_optdefs[] = {
    /* flags, in --help's order, with their profile twins */
    {.name = "profile",
     .short_name = 'p',
     .has_arg = true,
     .metavar = "NAME",
     .commands = ALL_SANDBOX,
     .help = "start from a profile (a name or a .json file)",
     .set = set_string,
     .field = FIELD(profile)},
    {"filesystem.allow", K_LIST, S_OK, .name = "allow", .short_name = 'a', .has_arg = true, .metavar = "DIR",
     .commands = ALL_SANDBOX, .help = "grant read and write beneath DIR", .env = "NONO_ALLOW", .env_list = true,
     GRANT(NONO_ACC_RW, NONO_KIND_DIR)},
    {"filesystem.read", K_LIST, S_OK, .name = "read", .short_name = 'r', .has_arg = true, .metavar = "DIR",
     .commands = ALL_SANDBOX, .help = "grant read (and execute) beneath DIR", GRANT(NONO_ACC_READ, NONO_KIND_DIR)},
    {"filesystem.write", K_LIST, S_OK, .name = "write", .short_name = 'w', .has_arg = true, .metavar = "DIR",
     .commands = ALL_SANDBOX, .help = "grant write beneath DIR", GRANT(NONO_ACC_WRITE, NONO_KIND_DIR)},
    {"filesystem.allow_file", K_LIST, S_OK, .name = "allow-file", .has_arg = true, .metavar = "FILE",
     .commands = ALL_SANDBOX, .help = "grant read and write on one file", GRANT(NONO_ACC_RW, NONO_KIND_FILE)},
    {"filesystem.read_file", K_LIST, S_OK, .name = "read-file", .has_arg = true, .metavar = "FILE",
     .commands = ALL_SANDBOX, .help = "grant read on one file", GRANT(NONO_ACC_READ, NONO_KIND_FILE)},
    {"filesystem.write_file", K_LIST, S_OK, .name = "write-file", .has_arg = true, .metavar = "FILE",
     .commands = ALL_SANDBOX, .help = "grant write on one file", GRANT(NONO_ACC_WRITE, NONO_KIND_FILE)},
    {.name = "allow-cwd",
     .commands = ALL_SANDBOX,
     .help = "grant the working directory (at the profile's workdir.access, else read and write)",
     .set = set_true,
     .field = FIELD(allow_cwd)},
    {.name = "workdir",
     .has_arg = true,
     .metavar = "DIR",
     .commands = ALL_SANDBOX,
     .help = "working directory and $WORKDIR (default: the current directory)",
     .set = set_workdir},
    {"filesystem.no_delete", K_BOOL, S_OK, .name = "no-delete", .commands = ALL_SANDBOX,
     .help = "the kernel refuses unlink, rmdir, rename away and truncation in writable grants", .set = set_true,
     .field = FIELD(policy.no_delete)},
    {"filesystem.allow_delete", K_BOOL_LIST, S_OK, .name = "allow-delete", .commands = ALL_SANDBOX,
     .help = "with --no-delete: deletion where a writable grant covers PATH (or everywhere)", .set = set_allow_delete},
    {.name = "rollback",
     .commands = LAUNCH,
     .help = "journal what the session destroys so it can be restored (the default)",
     .set = set_rollback_on},
    {.name = "no-rollback", .commands = LAUNCH, .help = "do not journal for rollback", .set = set_rollback_off},
    {"rollback.exclude_patterns", K_LIST, S_OK, .name = "rollback-exclude", .has_arg = true, .metavar = "PATTERN",
     .commands = LAUNCH, .help = "leave matching paths out of the journal (NAME, GLOB or a/path)",
     .set = set_rollback_exclude},
    {"filesystem.bypass_protection", K_LIST, S_OK, .name = "bypass-protection", .has_arg = true, .metavar = "PATH",
     .commands = ALL_SANDBOX, .help = "let a grant reach the sensitive PATH (pair it with a grant)", .set = set_list,
     .apply = NONO_APPLY_PATHS, .field = FIELD(policy.bypass)},
    {"network.block", K_BOOL, S_OK, .name = "block-net", .commands = ALL_SANDBOX,
     .help = "block all network access (TCP, UDP, raw, every non-UNIX socket)", .env = "NONO_BLOCK_NET",
     .set = set_true, .field = FIELD(policy.block_net)},
    {.name = "net-block", .commands = ALL_SANDBOX, .set = set_true, .field = FIELD(policy.block_net)},
    {"network.allow_domain", K_LIST, S_OK, .name = "allow-domain", .has_arg = true, .metavar = "HOST",
     .commands = ALL_SANDBOX, .help = "proxy mode: TCP only through nono's HTTP proxy, to HOST (or *.DOMAIN) alone",
     .env = "NONO_ALLOW_DOMAIN", .env_list = true, .set = set_allow_domain},
    {"network.deny_domain", K_LIST, S_OK, .name = "deny-domain", .has_arg = true, .metavar = "HOST",
     .commands = ALL_SANDBOX, .help = "proxy mode: refuse HOST (or *.DOMAIN) whatever allows it; alone, allow the rest",
     .set = set_deny_domain},
    {.name = "allow-proxy", .has_arg = true, .metavar = "HOST", .commands = ALL_SANDBOX, .set = set_allow_domain},
    {.name = "proxy-allow", .has_arg = true, .metavar = "HOST", .commands = ALL_SANDBOX, .set = set_allow_domain},
    {"network.network_profile", K_STR_NULL, S_OK, .name = "network-profile", .has_arg = true, .metavar = "NAME",
     .commands = ALL_SANDBOX, .help = "proxy mode with a named host list (minimal, developer, claude-code, ...)",
     .env = "NONO_NETWORK_PROFILE", .set = set_network_profile},
    {.name = "session-id",
     .has_arg = true,
     .metavar = "ID",
     .commands = LAUNCH,
     .help = "the session's id for its audit trail and rollback journal (a program driving nono picks a new one)",
     .set = set_session_id},
    {"network.open_port", K_LIST, S_OK, .name = "open-port", .has_arg = true, .metavar = "PORT|LO-HI",
     .commands = ALL_SANDBOX,
     .help = "TCP to this port (or range) on loopback, and binding it, despite --block-net or proxy mode",
     .set = set_open_port},
    {.name = "allow-port", .has_arg = true, .metavar = "PORT", .commands = ALL_SANDBOX, .set = set_open_port},
    {"network.listen_port", K_LIST, S_OK, .name = "listen-port", .has_arg = true, .metavar = "PORT|LO-HI",
     .commands = ALL_SANDBOX,
     .help = "binding and listening on this TCP port (or range) despite --block-net or proxy mode",
     .set = set_listen_port},
    {.name = "allow-bind", .has_arg = true, .metavar = "PORT", .commands = ALL_SANDBOX, .set = set_listen_port},
    {.name = "proxy-port",
     .has_arg = true,
     .metavar = "PORT",
     .commands = LAUNCH,
     .help = "the proxy's port on 127.0.0.1 (default: any free port)",
     .set = set_proxy_port},
    {"filesystem.unix_socket", K_LIST, S_OK, .name = "allow-unix-socket", .has_arg = true, .metavar = "PATH",
     .commands = ALL_SANDBOX, .help = "let the sandbox connect to the UNIX socket at PATH", .set = set_paths,
     .apply = NONO_APPLY_PATHS, .field = FIELD(policy.unix_sockets)},
    {.name = "allow-ssh-agent",
     .commands = ALL_SANDBOX,
     .help = "let the sandbox use the ssh agent ($SSH_AUTH_SOCK), its socket alone",
     .set = set_ssh_agent},
    {.name = "allow-gpg-agent",
     .commands = ALL_SANDBOX,
     .help = "let the sandbox sign with gpg-agent: its socket and the public keyring, read-only",
     .set = set_gpg_agent},
    {"commands.allow", K_LIST, S_OK, .name = "allow-command", .has_arg = true, .metavar = "CMD",
     .commands = ALL_SANDBOX, .help = "let a blocked command run", .set = set_command, .apply = NONO_APPLY_PATHS,
     .field = FIELD(policy.allow_cmds)},
    {"commands.deny", K_LIST, S_OK, .name = "block-command", .has_arg = true, .metavar = "CMD", .commands = ALL_SANDBOX,
     .help = "refuse another command", .set = set_command, .apply = NONO_APPLY_PATHS,
     .field = FIELD(policy.block_cmds)},
    {.name = "env-credential",
     .has_arg = true,
     .metavar = "NAME[,NAME]",
     .commands = LAUNCH,
     .help = "put the keystore secret NAME in the environment as NAME upper-cased (NAME=VAR to choose)",
     .env = "NONO_ENV_CREDENTIAL",
     .set = set_env_credential},
    {.name = "no-hooks",
     .commands = LAUNCH,
     .help = "install none of the agent hooks the profile declares (config.ini: [hooks] install)",
     .env = "NONO_NO_HOOKS",
     .set = set_true,
     .field = FIELD(no_hooks)},
    {.name = "dry-run",
     .commands = LAUNCH,
     .help = "print the plan and run nothing",
     .set = set_true,
     .field = FIELD(dry_run)},
    {.name = "no-audit",
     .commands = LAUNCH,
     .help = "keep no audit trail of this session",
     .set = set_true,
     .field = FIELD(no_audit)},
    {"security.strict_exec", K_BOOL, S_OK, .name = "strict-exec", .commands = LAUNCH,
     .help = "check every exec of the sandbox against the command blocklist, not only the program", .set = set_true,
     .field = FIELD(strict_exec)},
    {"security.capability_elevation", K_BOOL, S_OK, .name = "capability-elevation", .commands = LAUNCH,
     .help = "ask before an open, mkdir or proxy host outside the grants (here or in 'nono approvals')",
     .env = "NONO_CAPABILITY_ELEVATION", .set = set_true, .field = FIELD(elevation)},
    {"security.approval_timeout", K_INT, S_OK, .name = "approval-timeout", .has_arg = true, .metavar = "SECS",
     .commands = LAUNCH, .help = "deny a request nobody answers within SECS seconds (default 60)",
     .env = "NONO_APPROVAL_TIMEOUT", .set = set_approval_timeout},
    {.name = "no-pid-ns",
     .commands = LAUNCH,
     .help = "no PID namespace: the host's processes stay visible in /proc",
     .set = set_true,
     .field = FIELD(policy.host_pids)},
    {"security.strict", K_BOOL, S_OK, .name = "strict", .commands = LAUNCH,
     .help = "refuse to run where a protection is weaker than on a current kernel", .env = "NONO_STRICT",
     .set = set_true, .field = FIELD(strict)},
    {"security.min_abi", K_INT, S_OK, .name = "min-abi", .has_arg = true, .metavar = "N", .commands = LAUNCH,
     .help = "refuse to run below Landlock ABI N", .env = "NONO_MIN_ABI", .set = set_min_abi},
    {.name = "max-processes",
     .has_arg = true,
     .metavar = "N",
     .commands = LAUNCH,
     .help = "at most N processes (cgroup v2 pids.max where delegated, else RLIMIT_NPROC)",
     .set = set_max_procs},
    {.name = "memory",
     .has_arg = true,
     .metavar = "SIZE",
     .commands = LAUNCH,
     .help = "at most SIZE of memory (cgroup v2 memory.max where delegated, else RLIMIT_AS per process)",
     .set = set_memory},
    {.name = "trust-override",
     .commands = LAUNCH,
     .help = "run despite untrusted instruction files (warned, audited; never in production)",
     .set = set_true,
     .field = FIELD(trust_override)},
    {.name = "json",
     .commands = NONO_CMD_RUN | NONO_CMD_WHY,
     .help = "machine-readable output (with --dry-run for run)",
     .set = set_true,
     .field = FIELD(json)},
    {.name = "silent",
     .short_name = 's',
     .commands = LAUNCH,
     .help = "print nothing but the program's output",
     .set = set_true,
     .field = FIELD(silent)},
    {.name = "verbose",
     .short_name = 'v',
     .commands = ALL_SANDBOX,
     .help = "say more (repeatable)",
     .set = set_verbose},
    {.name = "shell",
     .has_arg = true,
     .metavar = "PATH",
     .commands = NONO_CMD_SHELL,
     .help = "the shell to run (default $SHELL, else /bin/sh)",
     .set = set_string,
     .field = FIELD(shell)},
    {.name = "command",
     .short_name = 'c',
     .has_arg = true,
     .metavar = "LINE",
     .commands = NONO_CMD_SHELL,
     .help = "run LINE and exit, no prompt",
     .set = set_string,
     .field = FIELD(shell_cmd)},
    {.name = "path",
     .has_arg = true,
     .metavar = "PATH",
     .commands = NONO_CMD_WHY,
     .help = "the path to explain",
     .set = set_string,
     .field = FIELD(why_path)},
    {.name = "op",
     .has_arg = true,
     .metavar = "OP",
     .commands = NONO_CMD_WHY,
     .help = "read, write or delete (default read)",
     .set = set_string,
     .field = FIELD(op)},
    {.name = "host",
     .has_arg = true,
     .metavar = "HOST",
     .commands = NONO_CMD_WHY,
     .help = "explain a TCP connection to HOST (a name, an address or a URL) instead of a path",
     .set = set_string,
     .field = FIELD(why_host)},
    {.name = "port",
     .has_arg = true,
     .metavar = "PORT",
     .commands = NONO_CMD_WHY,
     .help = "with --host: the port (default: the URL's, else 443)",
     .set = set_string,
     .field = FIELD(why_port)},
    {.name = "self",
     .commands = NONO_CMD_WHY,
     .help = "answer for the sandbox this runs in (NONO_CAP_FILE)",
     .set = set_true,
     .field = FIELD(self)},

    /* the profile's own keys: applied after the flags' twins, in this order */
    {"policy.add_allow_read", K_LIST, S_DEPRECATED, .note = "filesystem.read"},
    {"policy.add_allow_write", K_LIST, S_DEPRECATED, .note = "filesystem.write"},
    {"policy.add_allow_readwrite", K_LIST, S_DEPRECATED, .note = "filesystem.allow"},
    {"policy.override_deny", K_LIST, S_DEPRECATED, .note = "filesystem.bypass_protection"},
    {"policy.add_deny_commands", K_LIST, S_DEPRECATED, .note = "commands.deny"},
    {"security.allowed_commands", K_LIST, S_DEPRECATED, .note = "commands.allow"},
    {"groups.include", K_LIST, S_OK, .set = set_group},
    {"groups.exclude", K_LIST, S_OK, .set = set_group_exclude},
    {"security.groups", K_LIST, S_DEPRECATED, .note = "groups.include"},
    {"policy.exclude_groups", K_LIST, S_DEPRECATED, .note = "groups.exclude"},
    {"filesystem.deny", K_LIST, S_OK, .set = set_list, .field = FIELD(policy.extra_deny)},
    {"policy.add_deny_access", K_LIST, S_DEPRECATED, .note = "filesystem.deny"},
    /* an agent's own state beside the grants: made before the launch, or by the supervisor */
    {"filesystem.create_dirs", K_LIST, S_OK, .set = set_paths, .apply = NONO_APPLY_PATHS, .field = FIELD(create_dirs)},
    {"filesystem.link_file", K_MAP, S_OK, .set = set_link_file},
    {"filesystem.allow_lock_dir", K_LIST, S_OK, .set = set_paths, .apply = NONO_APPLY_PATHS,
     .field = FIELD(policy.lock_dirs_given)},
    {"network.no_proxy", K_LIST, S_OK, .set = set_no_proxy},
    {"network.proxy_allow", K_LIST, S_OK, .set = set_allow_domain}, /* upstream's aliases */
    {"network.allow_proxy", K_LIST, S_OK, .set = set_allow_domain},
    {"open_urls.allow_origins", K_LIST, S_OK, .set = set_openurl_origin},
    {"open_urls.allow_localhost", K_BOOL, S_OK, .set = set_openurl_localhost},
    {"rollback.exclude_globs", K_LIST, S_OK, .set = set_rollback_exclude},
    {"undo.exclude_patterns", K_LIST, S_OK, .set = set_rollback_exclude}, /* upstream's alias of rollback */
    {"undo.exclude_globs", K_LIST, S_OK, .set = set_rollback_exclude},
    {"environment.allow_vars", K_LIST, S_OK, .set = set_list, .field = FIELD(env_allow)},
    {"environment.deny_vars", K_LIST, S_OK, .set = set_list, .field = FIELD(env_deny)},
    {"environment.set_vars", K_MAP, S_OK, .set = set_env_var},
    {"secrets", K_MAP, S_OK, .set = set_env_credential},
    {"env_credentials", K_MAP, S_OK, .set = set_env_credential},
    {"hooks", K_MAP, S_OK, .set = set_hook, .apply = NONO_APPLY_HOOKS},
    {"workdir.access", K_STR, S_OK, .set = set_workdir_access},
    /* structure, and keys nono knows but does not act on */
    {"$schema", K_STR, S_OK, .note = NULL},
    {"extends", K_STR_LIST, S_OK, .note = NULL},
    {"meta", K_OBJ, S_OK, .note = NULL},
    {"meta.name", K_STR, S_OK, .note = NULL},
    {"meta.version", K_STR, S_OK, .note = NULL},
    {"meta.description", K_STR, S_OK, .note = NULL},
    {"meta.author", K_STR, S_OK, .note = NULL},
    {"groups", K_OBJ, S_OK, .note = NULL},
    {"security", K_OBJ, S_OK, .note = NULL},
    {"security.signal_mode", K_STR, S_LATER, .note = "signal modes other than isolated"},
    {"security.process_info_mode", K_STR, S_LATER, .note = "process info modes"},
    {"security.ipc_mode", K_STR, S_LATER, .note = "IPC modes"},
    {"commands", K_OBJ, S_OK, .note = NULL},
    {"filesystem", K_OBJ, S_OK, .note = NULL},
    {"filesystem.suppress_save_prompt", K_LIST, S_IGNORED, .note = NULL},
    {"network", K_OBJ, S_OK, .note = NULL},
    {"network.credentials", K_LIST, S_LATER, .note = "credential injection"},
    {"network.connect_port", K_LIST, S_LATER, .note = "port exceptions"},
    {"workdir", K_OBJ, S_OK, .note = NULL},
    {"environment", K_OBJ, S_OK, .note = NULL},
    {"open_urls", K_OBJ_NULL, S_OK, .note = NULL},
    {"rollback", K_OBJ, S_OK, .note = NULL},
    {"undo", K_OBJ, S_OK, .note = NULL},
    {"interactive", K_BOOL, S_IGNORED, .note = NULL},
    {"policy", K_OBJ, S_OK, .note = NULL},
    {0},
};

const struct nono_optdef *
nono_optdef_by_key(const char *profile_key)
{
	for (const struct nono_optdef *d = nono_optdefs; !NONO_OPTDEF_END(d); d++)
		if (d->profile_key && strcmp(d->profile_key, profile_key) == 0)
			return d;
	return NULL;
}
