/* cmd_trust.c - 'nono trust status|init|sign|verify|keygen|export-key|add|
 * list|remove': instruction-file trust and the keys nono trusts (supervisor
 * side). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "launch/plan.h"
#include "base/log.h"
#include "store/sign.h"
#include "launch/trust.h"
#include "base/util.h"

static void
usage(FILE *f)
{
	fprintf(f, "Usage: nono trust COMMAND [ARGS]\n\n"
		   "Instruction files (CLAUDE.md, AGENTS.md, .claude/ commands, agents, skills and hooks, ...)\n"
		   "steer an agent. Where the trust policy enforces it, a launch stops unless each one the\n"
		   "sandbox can read is signed: by an installed pack, or by you.\n\n"
		   "Commands:\n"
		   "  status [DIR] [--json]     what is enforced, and each instruction file of DIR (default .)\n"
		   "  init [DIR] [--all]        enforce beneath DIR (default .), or everywhere with --all\n"
		   "  sign FILE...              sign with your key (made on first use); enrols the directory\n"
		   "  verify [FILE...] [--json] check files (default: those of .); exit 1 if one is untrusted\n"
		   "  keygen [--force]          make your signing key (--force replaces it)\n"
		   "  export-key [--pem]        print your public key, for others to 'nono trust add'\n"
		   "  add KEYFILE               trust the Ed25519 public keys in KEYFILE\n"
		   "  list [--json]             the keys nono trusts and where each comes from\n"
		   "  remove KEYID              stop trusting a key added with 'add'\n\n"
		   "Options:\n"
		   "  --json        machine-readable output\n"
		   "  --all         with init: every directory\n"
		   "  --force       with keygen: replace the key\n"
		   "  --pem         with export-key: a PEM block\n"
		   "  -h, --help    show this help\n\n"
		   "'nono run --trust-override' (or NONO_TRUST_OVERRIDE=1) runs despite untrusted files, with a\n"
		   "warning and an audit record: never in production.\n");
}

static bool
flag(int argc, char **argv, const char *f)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], f) == 0)
			return true;
	return false;
}

static void
positionals(struct nono_strv *out, int argc, char **argv)
{
	memset(out, 0, sizeof(*out));
	for (int i = 1; i < argc; i++)
		if (argv[i][0] != '-' || !argv[i][1])
			nono_strv_push(out, argv[i]);
}

static char *
cwd_canon(const char *dir)
{
	char *c = realpath(dir ? dir : ".", NULL);

	if (!c)
		log_error("%s: %s", dir ? dir : ".", strerror(errno));
	return c;
}

/* ---- status and verify --------------------------------------------------------------- */

static void
print_files(const struct nono_trust_report *r, const char *base, bool json)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct nono_trust_file *f = &r->files[i];
		char *disp = nono_trust_display(f->path, base), *d = nono_str_escape(disp);

		if (json) {
			printf("%s\n    {\"path\": ", i ? "," : "");
			nono_json_string(stdout, f->path);
			printf(", \"state\": \"%s\", \"trusted\": %s, \"enforced\": %s, \"by\": ",
			       nono_trust_state_name(f->state), nono_trust_ok(f->state) ? "true" : "false",
			       f->enforced ? "true" : "false");
			nono_json_string(stdout, f->by ? f->by : "");
			printf(", \"sha256\": \"%s\"}", f->digest);
		} else {
			printf("  %s%-34s%s %-10s %-12s ", nono_trust_ok(f->state) ? "" : nono_c(1, C_YELLOW), d,
			       nono_trust_ok(f->state) ? "" : nono_c(1, C_RESET), nono_trust_state_name(f->state),
			       f->enforced ? "enforced" : "not enforced");
			nono_fputs_escaped(f->by ? f->by : "", stdout);
			printf("\n");
		}
		free(disp);
		free(d);
	}
}

static void
print_policy(const struct nono_trust_report *r)
{
	char *path = nono_trust_policy_path(), *d = nono_path_display(path);

	printf("trust policy: %s\n", d);
	if (r->all)
		printf("  enforced everywhere (nono trust init --all)\n");
	else if (!r->enrolled.n)
		printf("  enforced nowhere yet: instruction files are reported, never block a launch\n"
		       "  (except with a profile from a pack that declares instruction files)\n");
	for (size_t i = 0; !r->all && i < r->enrolled.n; i++) {
		char *e = nono_path_display(r->enrolled.v[i]);

		printf("  enforced beneath %s\n", e);
		free(e);
	}
	free(d);
	free(path);
}

static int
status(int argc, char **argv, bool verify)
{
	struct nono_trust_report r = {0};
	struct nono_error err = {0};
	struct nono_strv pos, roots = {0};
	bool json = flag(argc, argv, "--json");
	char *dir = NULL;
	size_t bad = 0;
	int rc = 1;

	positionals(&pos, argc, argv);
	if (!verify && pos.n > 1) {
		log_error("nono trust status: one directory");
		nono_strv_free(&pos);
		return 2;
	}
	if (!(dir = cwd_canon(!verify && pos.n ? pos.v[0] : NULL)))
		goto out;
	if (verify && pos.n)
		for (size_t i = 0; i < pos.n; i++)
			nono_strv_push_owned(&roots, nono_path_absolute(pos.v[i]));
	else
		nono_strv_push(&roots, dir);
	if (nono_trust_policy_load(&r, &err) < 0 ||
	    nono_trust_scan(&r, &roots, verify && pos.n ? NULL : dir, NULL, NULL, &err) < 0) {
		nono_print_error(&err);
		goto out;
	}
	for (size_t i = 0; i < r.n; i++)
		bad += !nono_trust_ok(r.files[i].state);
	if (json) {
		printf("{\"enforce\": \"%s\", \"directories\": [", r.all ? "all" : "enrolled");
		for (size_t i = 0; i < r.enrolled.n; i++) {
			printf(i ? ", " : "");
			nono_json_string(stdout, r.enrolled.v[i]);
		}
		printf("], \"untrusted_enforced\": %zu, \"untrusted\": %zu, \"files\": [", r.n_untrusted, bad);
		print_files(&r, dir, true);
		printf("%s]}\n", r.n ? "\n  " : "");
	} else {
		if (!verify)
			print_policy(&r);
		printf("%sinstruction files %s%s:\n", verify ? "" : "\n", verify && pos.n ? "named" : "of ",
		       verify && pos.n ? "" : dir);
		if (!r.n)
			printf("  none\n");
		print_files(&r, dir, false);
		if (r.n_untrusted && !verify)
			printf("\n%zu enforced file%s untrusted: a launch here stops ('nono trust sign FILE' after "
			       "review)\n",
			       r.n_untrusted, r.n_untrusted == 1 ? " is" : "s are");
	}
	rc = verify ? (bad ? 1 : 0) : (r.n_untrusted ? 1 : 0);
out:
	nono_trust_report_free(&r);
	nono_strv_free(&roots);
	nono_strv_free(&pos);
	free(dir);
	return rc;
}

/* after init: what in dir would stop a launch now */
static void
unsigned_here(const char *dir)
{
	struct nono_trust_report r = {0};
	struct nono_error err = {0};
	struct nono_strv roots = {0};
	size_t k = 0;

	nono_strv_push(&roots, dir);
	if (nono_trust_policy_load(&r, &err) == 0 && nono_trust_scan(&r, &roots, dir, NULL, NULL, &err) == 0) {
		if (r.n_untrusted)
			printf("%zu of them here %s not trusted yet; review, then:", r.n_untrusted,
			       r.n_untrusted == 1 ? "is" : "are");
		for (size_t i = 0; i < r.n; i++)
			if (r.files[i].enforced && !nono_trust_ok(r.files[i].state)) {
				char *d = nono_trust_display(r.files[i].path, dir), *e = nono_str_escape(d);

				printf(" %s%s", k++ ? "" : "nono trust sign ", e);
				free(e);
				free(d);
			}
		if (r.n_untrusted)
			printf("\n");
	}
	nono_trust_report_free(&r);
	nono_strv_free(&roots);
}

static int
init(int argc, char **argv)
{
	struct nono_strv pos;
	struct nono_error err = {0};
	bool all = flag(argc, argv, "--all"), added;
	char *dir;
	int rc = 1;

	positionals(&pos, argc, argv);
	if (pos.n > 1) {
		log_error("nono trust init: one directory");
		nono_strv_free(&pos);
		return 2;
	}
	dir = cwd_canon(pos.n ? pos.v[0] : NULL);
	if (dir && nono_trust_enroll(all ? NULL : dir, all, &added, &err) < 0) {
		nono_print_error(&err);
	} else if (dir) {
		printf("%s: instruction files %s%s must be signed\n", added ? "from now on" : "already",
		       all ? "everywhere" : "beneath ", all ? "" : dir);
		unsigned_here(dir);
		rc = 0;
	}
	nono_strv_free(&pos);
	free(dir);
	return rc;
}

static int
sign(int argc, char **argv)
{
	struct nono_strv pos;
	struct nono_error err = {0};
	unsigned char seed[NONO_SIGN_SEED];
	bool created;
	int rc = 0;

	positionals(&pos, argc, argv);
	if (!pos.n) {
		log_error("nono trust sign: which files?");
		log_hint("nono trust sign CLAUDE.md");
		return 2;
	}
	if (nono_trust_user_key(seed, true, &created, &err) < 0) {
		nono_print_error(&err);
		nono_strv_free(&pos);
		return 1;
	}
	if (created) {
		char *p = nono_sign_user_key_path(), *d = nono_path_display(p);

		printf("created your signing key %s (out of every sandbox's reach)\n", d);
		free(d);
		free(p);
	}
	for (size_t i = 0; i < pos.n; i++) {
		char *sidecar = NULL;

		nono_error_clear(&err);
		if (nono_trust_sign_file(&sidecar, pos.v[i], seed, &err) < 0) {
			nono_print_error(&err);
			rc = 1;
			continue;
		}
		printf("signed %s (in %s)\n", pos.v[i], sidecar);
		free(sidecar);
	}
	explicit_bzero(seed, sizeof(seed));
	nono_strv_free(&pos);
	return rc;
}

/* ---- keys ------------------------------------------------------------------------------- */

static int
keygen(int argc, char **argv)
{
	struct nono_error err = {0};
	unsigned char seed[NONO_SIGN_SEED], pub[NONO_SIGN_PUB];
	struct nono_key k = {{0}, "", (char *)"nono trust: your signing key", NULL};
	char *path = nono_sign_user_key_path(), *kdir = nono_keyring_user_dir(), *kfile = NULL, *line = NULL;
	bool created = false;
	int rc = 1, fd;

	if (!flag(argc, argv, "--force")) {
		if (nono_trust_user_key(seed, true, &created, &err) < 0)
			goto fail;
		if (!created) {
			log_error("%s exists already", path);
			log_hint("--force replaces it (what it signed stays trusted while its public key does)");
			goto out;
		}
	} else if (nono_sign_keygen(seed, pub, &err) < 0 || nono_privkey_write(path, seed, true, &err) < 0) {
		goto fail;
	}
	if (nono_sign_public(k.pub, seed, &err) < 0)
		goto fail;
	nono_key_id(k.id, k.pub);
	kfile = xasprintf("%s/%s.pub", kdir, k.id);
	line = nono_key_line(&k);
	nono_mkdir_p(kdir, 0700);
	fd = open(kfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 || nono_write_all(fd, line, strlen(line)) < 0) {
		nono_error_set(&err, -errno, "cannot write %s: %s", kfile, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto fail;
	}
	close(fd);
	printf("key %s\n  private: %s\n  public:  %s\n", k.id, path, kfile);
	rc = 0;
	goto out;
fail:
	nono_print_error(&err);
out:
	explicit_bzero(seed, sizeof(seed));
	free(line);
	free(kfile);
	free(kdir);
	free(path);
	return rc;
}

static int
export_key(int argc, char **argv)
{
	struct nono_error err = {0};
	unsigned char seed[NONO_SIGN_SEED];
	struct nono_key k = {{0}, "", (char *)"nono trust key", NULL};
	bool created;
	char *s;

	if (nono_trust_user_key(seed, false, &created, &err) < 0 || nono_sign_public(k.pub, seed, &err) < 0) {
		nono_print_error(&err);
		if (err.code == -ENOENT)
			log_hint("'nono trust keygen' makes one");
		explicit_bzero(seed, sizeof(seed));
		return 1;
	}
	explicit_bzero(seed, sizeof(seed));
	nono_key_id(k.id, k.pub);
	s = flag(argc, argv, "--pem") ? nono_pubkey_pem(k.pub) : nono_key_line(&k);
	fputs(s, stdout);
	free(s);
	return 0;
}

static int
add(int argc, char **argv)
{
	struct nono_strv pos;
	struct nono_keyring kr = {0};
	struct nono_error err = {0};
	char *dir = nono_keyring_user_dir(), *text = NULL;
	size_t cap = 0;
	FILE *f = NULL;
	int rc = 1;

	positionals(&pos, argc, argv);
	if (pos.n != 1) {
		log_error("nono trust add: one key file");
		log_hint("nono trust add publisher.pub");
		rc = 2;
		goto out;
	}
	if (!(f = fopen(pos.v[0], "re")) || getdelim(&text, &cap, '\0', f) < 0) {
		log_error("%s: %s", pos.v[0], f ? "empty" : strerror(errno));
		goto out;
	}
	if (nono_keyring_parse(&kr, text, pos.v[0], &err) < 0 || !kr.n) {
		if (!err.code)
			nono_error_set(&err, -EINVAL, "%s: no public key in it", pos.v[0]);
		nono_print_error(&err);
		goto out;
	}
	nono_mkdir_p(dir, 0700);
	rc = 0;
	for (size_t i = 0; i < kr.n; i++) {
		char *file = xasprintf("%s/%s.pub", dir, kr.v[i].id), *line;
		int fd;

		if (!*kr.v[i].comment) {
			free(kr.v[i].comment);
			kr.v[i].comment = xasprintf("from %s", pos.v[0]);
		}
		line = nono_key_line(&kr.v[i]);
		fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
		if (fd < 0 || nono_write_all(fd, line, strlen(line)) < 0) {
			log_error("cannot write %s: %s", file, strerror(errno));
			rc = 1;
		} else {
			printf("trusted key %s (%s)\n", kr.v[i].id, kr.v[i].comment);
		}
		if (fd >= 0)
			close(fd);
		free(line);
		free(file);
	}
out:
	if (f)
		fclose(f);
	free(text);
	free(dir);
	nono_keyring_free(&kr);
	nono_strv_free(&pos);
	return rc;
}

static int
list(int argc, char **argv)
{
	struct nono_keyring kr;
	struct nono_error err = {0};
	bool json = flag(argc, argv, "--json");

	if (nono_keyring_load(&kr, &err) < 0) {
		nono_print_error(&err);
		return 1;
	}
	if (json)
		printf("[");
	for (size_t i = 0; i < kr.n; i++) {
		if (json) {
			printf("%s\n  {\"keyid\": \"%s\", \"comment\": ", i ? "," : "", kr.v[i].id);
			nono_json_string(stdout, kr.v[i].comment);
			printf(", \"file\": ");
			nono_json_string(stdout, kr.v[i].origin);
			printf("}");
		} else {
			printf("%s  %s  (", kr.v[i].id, kr.v[i].comment);
			nono_fputs_escaped(kr.v[i].origin, stdout);
			printf(")\n");
		}
	}
	if (json)
		printf("%s]\n", kr.n ? "\n" : "");
	else if (!kr.n)
		printf("no trusted keys: %s has none and nothing was added ('nono trust add KEYFILE')\n",
		       nono_keyring_system_path());
	nono_keyring_free(&kr);
	return 0;
}

static int
remove_key(int argc, char **argv)
{
	struct nono_strv pos;
	char *dir = nono_keyring_user_dir(), *file = NULL;
	int rc = 1;

	positionals(&pos, argc, argv);
	if (pos.n != 1 || strlen(pos.v[0]) != NONO_KEYID_LEN - 1 ||
	    strspn(pos.v[0], "0123456789abcdef") != NONO_KEYID_LEN - 1) {
		log_error("nono trust remove: give one key id (16 hex digits, as 'nono trust list' shows)");
		rc = 2;
		goto out;
	}
	file = xasprintf("%s/%s.pub", dir, pos.v[0]);
	if (unlink(file) < 0) {
		log_error("%s: %s", file, strerror(errno));
		log_hint("only keys added with 'nono trust add' can be removed; the shipped ones are in %s",
			 nono_keyring_system_path());
		goto out;
	}
	printf("no longer trusted: %s\n", pos.v[0]);
	rc = 0;
out:
	free(file);
	free(dir);
	nono_strv_free(&pos);
	return rc;
}

int
nono_cmd_trust(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
		const char *flags; /* the options it takes, each followed by a space */
	} sub[] = {
	    {"status", NULL, "--json "},
	    {"init", init, "--all "},
	    {"sign", sign, ""},
	    {"verify", NULL, "--json "},
	    {"keygen", keygen, "--force "},
	    {"export-key", export_key, "--pem "},
	    {"add", add, ""},
	    {"list", list, "--json "},
	    {"remove", remove_key, ""},
	};

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		if (strcmp(argv[1], sub[i].name) != 0)
			continue;
		if (flag(argc - 1, argv + 1, "--help") || flag(argc - 1, argv + 1, "-h")) {
			usage(stdout);
			return 0;
		}
		for (int a = 2; a < argc; a++) {
			char key[32];

			snprintf(key, sizeof(key), "%s ", argv[a]);
			if (argv[a][0] == '-' && argv[a][1] && !strstr(sub[i].flags, key)) {
				log_error("nono trust %s: unknown option '%s'", argv[1], argv[a]);
				log_hint("see 'nono trust --help'");
				return 2;
			}
		}
		if (!sub[i].fn)
			return status(argc - 1, argv + 1, strcmp(sub[i].name, "verify") == 0);
		return sub[i].fn(argc - 1, argv + 1);
	}
	log_error("nono trust: unknown command '%s'", argv[1]);
	log_hint("see 'nono trust --help'");
	return 2;
}
