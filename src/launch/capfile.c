/* capfile.c - see capfile.h (supervisor writes; 'why --self' reads). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/util.h"
#include "launch/capfile.h"
#include "policy/groups.h"
#include "sandbox/sandbox.h"

/* Where the capability file lives: memory-backed when the machine has it
 * (a create, write and unlink on a disk-backed /tmp cost ~100 us a launch). */
/* --open-port (connect) or --listen-port ranges as "LO" or "LO-HI" */
static void
ports_strv(const struct nono_policy *p, bool connect, struct nono_strv *out)
{
	for (size_t i = 0; i < p->n_ports; i++)
		if (p->ports[i].connect == connect)
			nono_strv_push_owned(out, p->ports[i].lo == p->ports[i].hi
						      ? xasprintf("%d", p->ports[i].lo)
						      : xasprintf("%d-%d", p->ports[i].lo, p->ports[i].hi));
}

static const char *
capfile_dir(void)
{
	const char *rt = getenv("XDG_RUNTIME_DIR");
	struct stat st;

	if (rt && rt[0] == '/' && stat(rt, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid() &&
	    access(rt, W_OK) == 0)
		return rt;
	if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) &&
	    access("/dev/shm", W_OK) == 0)
		return "/dev/shm";
	return "/tmp";
}

static bool
capfile_dir_ok(const char *dir)
{
	const char *rt = getenv("XDG_RUNTIME_DIR");

	return strcmp(dir, "/tmp") == 0 || strcmp(dir, "/dev/shm") == 0 || (rt && strcmp(dir, rt) == 0);
}
#define CAPFILE_MAX (1024 * 1024)

static json_t *
strv_json(const struct nono_strv *sv)
{
	json_t *a = json_array();

	for (size_t i = 0; i < sv->n; i++)
		json_array_append_new(a, json_string(sv->v[i]));
	return a;
}

static json_t *
policy_json(const struct nono_policy *p, const struct nono_sandbox *sb)
{
	json_t *root = json_object();
	json_t *fs = json_array(), *deny = json_array(), *carved = json_array();

	for (size_t i = 0; i < p->n_rules; i++) {
		const struct nono_rule *r = &p->rules[i];
		unsigned a = r->access;
		const char *acc = (a & NONO_ACC_READ) && (a & NONO_ACC_WRITE) ? "readwrite"
				  : (a & NONO_ACC_WRITE)		      ? "write"
									      : "read";

		json_array_append_new(fs, json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:s, s:b}", "original", r->given,
						    "path", r->path, "access", acc, "delete",
						    (a & NONO_ACC_DELETE) != 0, "user", r->user, "is_file", r->is_file,
						    "source", r->source, "carved", r->carved));
	}
	for (size_t i = 0; i < p->n_denies; i++)
		json_array_append_new(deny, json_pack("{s:s, s:s, s:s}", "path", p->denies[i].path, "original",
						      p->denies[i].given, "group", p->denies[i].group));
	for (size_t i = 0; i < p->n_carves; i++)
		json_array_append_new(carved,
				      json_pack("{s:s, s:s, s:i, s:o}", "path", p->carves[i].path, "source",
						p->carves[i].source, "entries", (json_int_t)p->carves[i].n_entries,
						"around", strv_json(&p->carves[i].around)));
	json_object_set_new(root, "fs", fs);
	json_object_set_new(root, "denied", deny);
	json_object_set_new(root, "carved", carved);
	json_object_set_new(root, "net_blocked", json_boolean(p->block_net));
	json_object_set_new(root, "net_proxy_hosts", strv_json(&p->proxy_hosts));
	json_object_set_new(root, "net_proxy_port", json_integer(p->proxy_port));
	for (int connect = 1; connect >= 0; connect--) {
		struct nono_strv ports = {0};

		ports_strv(p, connect, &ports);
		json_object_set_new(root, connect ? "net_open_ports" : "net_listen_ports", strv_json(&ports));
		nono_strv_free(&ports);
	}
	json_object_set_new(root, "unix_sockets", strv_json(&p->unix_sockets));
	{
		json_t *locks = json_array();

		for (size_t i = 0; i < p->n_lock_dirs; i++)
			json_array_append_new(locks, json_pack("{s:s, s:s}", "path", p->lock_dirs[i].path, "original",
							       p->lock_dirs[i].given));
		json_object_set_new(root, "lock_dirs", locks);
	}
	json_object_set_new(root, "allow_delete", json_boolean(p->allow_delete || !p->no_delete));
	json_object_set_new(root, "no_delete", json_boolean(p->no_delete));
	json_object_set_new(root, "pid_namespace", json_boolean(!p->host_pids));
	json_object_set_new(root, "allowed_commands", strv_json(&p->allow_cmds));
	json_object_set_new(root, "blocked_commands", strv_json(&p->block_cmds));
	json_object_set_new(root, "groups", strv_json(&p->groups));
	json_object_set_new(root, "bypass_protection_paths", strv_json(&p->bypass_canon));
	json_object_set_new(root, "workdir", json_string(p->workdir ? p->workdir : ""));
	if (p->tmpdir)
		json_object_set_new(root, "tmpdir", json_string(p->tmpdir));
	if (sb)
		json_object_set_new(root, "landlock_abi", json_integer(nono_sandbox_abi(sb)));
	return root;
}

char *
nono_capfile_dump(const struct nono_policy *p, const struct nono_sandbox *sb, int indent)
{
	json_t *j = policy_json(p, sb);
	char *s = json_dumps(j, JSON_INDENT(indent) | JSON_PRESERVE_ORDER);

	json_decref(j);
	if (!s)
		s = xstrdup("{}");
	return s;
}

int
nono_capfile_create(char **out_path, int *out_fd, struct nono_error *err)
{
	const char *dir = capfile_dir();
	char *tmpl = xasprintf("%s/.nono-XXXXXX.json", dir);
	int fd;

	*out_path = NULL;
	*out_fd = -1;
	fd = mkostemps(tmpl, 5, O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		free(tmpl);
		return nono_error_set(err, -e, "cannot create the capability file in %s: %s", dir, strerror(e));
	}
	*out_path = tmpl;
	*out_fd = fd;
	return 0;
}

/* The launch path writes the capability file without building a jansson
 * tree: the same document as nono_capfile_dump, an order of magnitude
 * cheaper (it is on every launch's critical path). */
struct sbuf {
	char *s;
	size_t n, cap;
};

static void
sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void
sb_lit(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static void
sb_str(struct sbuf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *t = s ? s : "";
	const unsigned char *end = (const unsigned char *)t + strlen(t);

	sb_put(b, "\"", 1);
	for (const unsigned char *c = (const unsigned char *)t; *c; c++) {
		const unsigned char *run = c;
		unsigned cp;
		size_t len = 1;

		while (*c >= 0x20 && *c != '"' && *c != '\\' &&
		       (*c < 0x80 || (len = nono_utf8_seq(c, (size_t)(end - c), &cp))))
			c += *c < 0x80 ? 1 : len;
		sb_put(b, (const char *)run, (size_t)(c - run));
		if (!*c)
			break;
		if (*c >= 0x80) {
			/* not UTF-8 (a path can be any bytes): the document stays JSON */
			sb_lit(b, "\\ufffd");
		} else if (*c == '"' || *c == '\\') {
			char esc[2] = {'\\', (char)*c};

			sb_put(b, esc, 2);
		} else {
			char esc[6] = {'\\', 'u', '0', '0', hex[*c >> 4], hex[*c & 15]};

			sb_put(b, esc, 6);
		}
	}
	sb_put(b, "\"", 1);
}

static void
sb_strv(struct sbuf *b, const char *key, const struct nono_strv *sv)
{
	sb_lit(b, ",\n  ");
	sb_str(b, key);
	sb_lit(b, ": [");
	for (size_t i = 0; i < sv->n; i++) {
		if (i)
			sb_lit(b, ", ");
		sb_str(b, sv->v[i]);
	}
	sb_lit(b, "]");
}

/* what the launch records and mediates */
static void
sb_records(struct sbuf *b, const struct nono_capfile_records *rec)
{
	sb_lit(b, rec->rollback ? ",\n  \"rollback\": {\"enabled\": true" : ",\n  \"rollback\": {\"enabled\": false");
	sb_lit(b, ", \"exclude\": [");
	for (size_t i = 0; rec->rollback_exclude && i < rec->rollback_exclude->n; i++) {
		if (i)
			sb_lit(b, ", ");
		sb_str(b, rec->rollback_exclude->v[i]);
	}
	sb_lit(b, rec->audit ? "]},\n  \"audit\": true" : "]},\n  \"audit\": false");
	sb_lit(b, ",\n  \"mediated\": [");
	for (size_t i = 0; rec->mediated && rec->mediated[i]; i++) {
		if (i)
			sb_lit(b, ", ");
		sb_str(b, rec->mediated[i]);
	}
	sb_lit(b, "]");
}

char *
nono_capfile_render(const struct nono_policy *p, const struct nono_sandbox *sb)
{
	return nono_capfile_render_records(p, sb, NULL);
}

char *
nono_capfile_render_records(const struct nono_policy *p, const struct nono_sandbox *sb,
			    const struct nono_capfile_records *rec)
{
	struct sbuf b = {0};
	char num[32];

	sb_lit(&b, "{\n  \"fs\": [");
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct nono_rule *r = &p->rules[i];
		unsigned a = r->access;

		sb_lit(&b, i ? ",\n    {\"original\": " : "\n    {\"original\": ");
		sb_str(&b, r->given);
		sb_lit(&b, ", \"path\": ");
		sb_str(&b, r->path);
		sb_lit(&b, (a & NONO_ACC_READ) && (a & NONO_ACC_WRITE) ? ", \"access\": \"readwrite\""
			   : (a & NONO_ACC_WRITE)		       ? ", \"access\": \"write\""
								       : ", \"access\": \"read\"");
		sb_lit(&b, (a & NONO_ACC_DELETE) ? ", \"delete\": true" : ", \"delete\": false");
		sb_lit(&b, r->user ? ", \"user\": true" : ", \"user\": false");
		sb_lit(&b, r->is_file ? ", \"is_file\": true, \"source\": " : ", \"is_file\": false, \"source\": ");
		sb_str(&b, r->source);
		sb_lit(&b, r->carved ? ", \"carved\": true}" : ", \"carved\": false}");
	}
	sb_lit(&b, "\n  ],\n  \"denied\": [");
	for (size_t i = 0; i < p->n_denies; i++) {
		sb_lit(&b, i ? ",\n    {\"path\": " : "\n    {\"path\": ");
		sb_str(&b, p->denies[i].path);
		sb_lit(&b, ", \"original\": ");
		sb_str(&b, p->denies[i].given);
		sb_lit(&b, ", \"group\": ");
		sb_str(&b, p->denies[i].group);
		sb_lit(&b, "}");
	}
	sb_lit(&b, "\n  ],\n  \"carved\": [");
	for (size_t i = 0; i < p->n_carves; i++) {
		sb_lit(&b, i ? ",\n    {\"path\": " : "\n    {\"path\": ");
		sb_str(&b, p->carves[i].path);
		sb_lit(&b, ", \"source\": ");
		sb_str(&b, p->carves[i].source);
		snprintf(num, sizeof(num), ", \"entries\": %zu, \"around\": [", p->carves[i].n_entries);
		sb_lit(&b, num);
		for (size_t j = 0; j < p->carves[i].around.n; j++) {
			if (j)
				sb_lit(&b, ", ");
			sb_str(&b, p->carves[i].around.v[j]);
		}
		sb_lit(&b, "]}");
	}
	sb_lit(&b, "\n  ],\n  \"net_blocked\": ");
	sb_lit(&b, p->block_net ? "true" : "false");
	sb_strv(&b, "net_proxy_hosts", &p->proxy_hosts);
	{
		char port[32];

		snprintf(port, sizeof(port), ",\n  \"net_proxy_port\": %d", p->proxy_port);
		sb_lit(&b, port);
	}
	for (int connect = 1; connect >= 0; connect--) {
		struct nono_strv ports = {0};

		ports_strv(p, connect, &ports);
		sb_strv(&b, connect ? "net_open_ports" : "net_listen_ports", &ports);
		nono_strv_free(&ports);
	}
	sb_strv(&b, "unix_sockets", &p->unix_sockets);
	sb_lit(&b, ",\n  \"lock_dirs\": [");
	for (size_t i = 0; i < p->n_lock_dirs; i++) {
		sb_lit(&b, i ? ", {\"path\": " : "{\"path\": ");
		sb_str(&b, p->lock_dirs[i].path);
		sb_lit(&b, ", \"original\": ");
		sb_str(&b, p->lock_dirs[i].given);
		sb_lit(&b, "}");
	}
	sb_lit(&b, "]");
	sb_lit(&b, ",\n  \"allow_delete\": ");
	sb_lit(&b, p->allow_delete || !p->no_delete ? "true" : "false");
	sb_lit(&b, ",\n  \"no_delete\": ");
	sb_lit(&b, p->no_delete ? "true" : "false");
	sb_lit(&b, ",\n  \"pid_namespace\": ");
	sb_lit(&b, p->host_pids ? "false" : "true");
	sb_strv(&b, "allowed_commands", &p->allow_cmds);
	sb_strv(&b, "blocked_commands", &p->block_cmds);
	sb_strv(&b, "groups", &p->groups);
	sb_strv(&b, "bypass_protection_paths", &p->bypass_canon);
	sb_lit(&b, ",\n  \"workdir\": ");
	sb_str(&b, p->workdir ? p->workdir : "");
	if (p->tmpdir) {
		sb_lit(&b, ",\n  \"tmpdir\": ");
		sb_str(&b, p->tmpdir);
	}
	if (sb) {
		snprintf(num, sizeof(num), ",\n  \"landlock_abi\": %d", nono_sandbox_abi(sb));
		sb_lit(&b, num);
	}
	if (rec)
		sb_records(&b, rec);
	sb_lit(&b, "\n}\n");
	return b.s;
}

int
nono_capfile_write(int fd, const char *path, const char *doc, struct nono_error *err)
{
	int r = nono_write_all(fd, doc, strlen(doc));

	close(fd);
	if (r < 0)
		return nono_error_set(err, r, "writing %s: %s", path, strerror(-r));
	return 0;
}

int
nono_capfile_fill(int fd, const char *path, const struct nono_policy *p, const struct nono_sandbox *sb,
		  struct nono_error *err)
{
	char *s = nono_capfile_render(p, sb);
	int r = nono_capfile_write(fd, path, s, err);

	free(s);
	return r;
}

static json_t *
string_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* The launch's weaknesses: each protection, the ABI that holds it, what
 * stands in and what stays weaker. */
static json_t *
weaknesses(const struct nono_capfile_kernel *k)
{
	json_t *a = json_array();

	for (int i = 0; i < k->n_weak; i++) {
		const struct nono_weakness *w = &k->weak[i];

		json_array_append_new(a, json_pack("{s:s, s:i, s:s, s:o, s:o, s:b, s:b}", "id", w->id, "abi", w->abi,
						   "what", w->what, "instead", string_or_null(w->instead), "left",
						   string_or_null(w->left), "weaker", w->left != NULL, "block_net",
						   w->block_net));
	}
	return a;
}

char *
nono_capfile_plan(const char *caps, const char *program, char *const *argv, const struct nono_capfile_kernel *k,
		  const char *const *seccomp_denied, const char *refusal)
{
	json_t *root = json_loads(caps, 0, NULL);
	json_t *args = json_array(), *feats = json_array(), *sc = json_array();
	const struct nono_feature *f = k->features;
	char *s;

	if (!root)
		root = json_object();
	for (size_t i = 0; argv && argv[i]; i++)
		json_array_append_new(args, json_string(argv[i]));
	for (int i = 0; i < k->n_features; i++)
		json_array_append_new(feats, json_pack("{s:s, s:i, s:s, s:b, s:b}", "name", f[i].name, "min_abi",
						       f[i].min_abi, "kernel", f[i].kernel, "required", f[i].required,
						       "available", f[i].available));
	for (size_t i = 0; seccomp_denied && seccomp_denied[i]; i++)
		json_array_append_new(sc, json_string(seccomp_denied[i]));
	json_object_set_new(root, "program", program ? json_string(program) : json_null());
	json_object_set_new(root, "argv", args);
	json_object_set_new(root, "features", feats);
	json_object_set_new(root, "weaknesses", weaknesses(k));
	json_object_set_new(root, "pid_namespace_unavailable", string_or_null(k->pidns_why));
	json_object_set_new(root, "network_namespace", json_boolean(k->net_ns));
	json_object_set_new(root, "seccomp_denied", sc);
	json_object_set_new(root, "refused", refusal ? json_string(refusal) : json_null());
	s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return s ? s : xstrdup("{}");
}

static void
strv_from(struct nono_strv *sv, json_t *a)
{
	size_t i;
	json_t *v;

	json_array_foreach(a, i, v) if (json_is_string(v)) nono_strv_push(sv, json_string_value(v));
}

int
nono_capfile_read(struct nono_policy *out, const char *path, struct nono_error *err)
{
	struct stat st;
	const char *base = strrchr(path, '/');
	char *dir;
	json_t *root, *a, *v;
	json_error_t je;
	size_t i;
	bool ok;

	nono_policy_init(out);
	dir = path[0] == '/' ? nono_path_dirname(path) : xstrdup("");
	ok = capfile_dir_ok(dir) && base && strncmp(base, "/.nono-", 7) == 0 && strlen(base) > 12 &&
	     strcmp(base + strlen(base) - 5, ".json") == 0;
	free(dir);
	if (!ok || lstat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > CAPFILE_MAX)
		return nono_error_set(err, -EINVAL, "SECURITY: NONO_CAP_FILE validation failed (%s)", path);
	root = json_load_file(path, 0, &je);
	if (!root || !json_is_object(root)) {
		json_decref(root);
		return nono_error_set(err, -EINVAL, "SECURITY: NONO_CAP_FILE validation failed (%s line %d: %s)", path,
				      je.line, je.text);
	}
	json_array_foreach(json_object_get(root, "fs"), i, v)
	{
		const char *acc = json_string_value(json_object_get(v, "access"));
		unsigned a2 = 0;
		struct nono_rule *r;

		if (!json_is_string(json_object_get(v, "path")) || !acc)
			continue;
		if (strstr(acc, "read"))
			a2 |= NONO_ACC_READ;
		if (strstr(acc, "write"))
			a2 |= NONO_ACC_WRITE;
		if (json_is_true(json_object_get(v, "delete")))
			a2 |= NONO_ACC_DELETE;
		out->rules = xrealloc(out->rules, (out->n_rules + 1) * sizeof(*out->rules));
		r = &out->rules[out->n_rules++];
		memset(r, 0, sizeof(*r));
		r->path = xstrdup(json_string_value(json_object_get(v, "path")));
		r->given = xstrdup(json_string_value(json_object_get(v, "original")));
		r->source = xstrdup(json_string_value(json_object_get(v, "source")));
		r->access = a2;
		r->is_file = json_is_true(json_object_get(v, "is_file"));
		r->carved = json_is_true(json_object_get(v, "carved"));
		r->user = json_is_true(json_object_get(v, "user"));
	}
	json_array_foreach(json_object_get(root, "denied"), i, v)
	{
		struct nono_deny *d;
		const struct nono_group *g;

		if (!json_is_string(json_object_get(v, "path")))
			continue;
		out->denies = xrealloc(out->denies, (out->n_denies + 1) * sizeof(*out->denies));
		d = &out->denies[out->n_denies++];
		memset(d, 0, sizeof(*d));
		d->path = xstrdup(json_string_value(json_object_get(v, "path")));
		d->len = strlen(d->path);
		d->given = xstrdup(json_string_value(json_object_get(v, "original")));
		d->group = xstrdup(json_string_value(json_object_get(v, "group")));
		g = d->group ? nono_group_find(d->group) : NULL;
		d->description = g ? g->description : "sensitive path";
		/* nono's own files: the entries of their group's protect list */
		for (size_t j = 0; g && g->protect && g->protect[j] && d->given; j++)
			d->readable = d->readable || strcmp(g->protect[j], d->given) == 0;
	}
	json_array_foreach(json_object_get(root, "carved"), i, v)
	{
		struct nono_carve *c;

		out->carves = xrealloc(out->carves, (out->n_carves + 1) * sizeof(*out->carves));
		c = &out->carves[out->n_carves++];
		memset(c, 0, sizeof(*c));
		c->path = xstrdup(json_string_value(json_object_get(v, "path")));
		c->source = xstrdup(json_string_value(json_object_get(v, "source")));
		c->n_entries = (size_t)json_integer_value(json_object_get(v, "entries"));
		strv_from(&c->around, json_object_get(v, "around"));
	}
	json_array_foreach(json_object_get(root, "lock_dirs"), i, v)
	{
		if (json_is_string(json_object_get(v, "path")))
			nono_policy_lockdir_add(out, json_string_value(json_object_get(v, "path")),
						json_string_value(json_object_get(v, "original")), 0, 0);
	}
	a = json_object_get(root, "bypass_protection_paths");
	strv_from(&out->bypass_canon, a);
	strv_from(&out->allow_cmds, json_object_get(root, "allowed_commands"));
	strv_from(&out->block_cmds, json_object_get(root, "blocked_commands"));
	strv_from(&out->groups, json_object_get(root, "groups"));
	out->block_net = json_is_true(json_object_get(root, "net_blocked"));
	strv_from(&out->proxy_hosts, json_object_get(root, "net_proxy_hosts"));
	out->proxy_port = (int)json_integer_value(json_object_get(root, "net_proxy_port"));
	for (int connect = 1; connect >= 0; connect--) {
		json_t *ports = json_object_get(root, connect ? "net_open_ports" : "net_listen_ports");
		struct nono_error perr = {0};

		json_array_foreach(ports, i, v)
		{
			if (json_is_string(v))
				(void)nono_policy_add_ports(out, json_string_value(v), connect, "net_ports", &perr);
		}
	}
	out->allow_delete = json_is_true(json_object_get(root, "allow_delete"));
	out->no_delete = json_is_true(json_object_get(root, "no_delete"));
	out->host_pids = json_is_false(json_object_get(root, "pid_namespace"));
	if (json_is_string(json_object_get(root, "workdir")))
		out->workdir = xstrdup(json_string_value(json_object_get(root, "workdir")));
	out->finalized = true;
	json_decref(root);
	return 0;
}
