/* profile.c - see profile.h (supervisor side). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/hooks.h"
#include "base/log.h"
#include "base/util.h"
#include "base/vars.h"
#include "config/pack.h"
#include "config/profile.h"
#include "config/profile_name.h"
#include "net/proxy.h"
#include "policy/groups.h"

#define MAX_DEPTH 10
#define MAX_SIZE  (1024 * 1024)

/* ---- the schema: the key table's profile keys (keys.h) ------------------- */

/* the closest known key under the same parent */
static const char *
did_you_mean(const char *parent, const char *key)
{
	const char *best = NULL;
	size_t bd = 3, pl = strlen(parent);

	for (const struct nono_optdef *d = nono_optdefs; !NONO_OPTDEF_END(d); d++) {
		const char *p = d->profile_key, *leaf;
		size_t dist;

		if (!p || (pl ? (strncmp(p, parent, pl) != 0 || p[pl] != '.') : strchr(p, '.') != NULL))
			continue;
		leaf = pl ? p + pl + 1 : p;
		if (strchr(leaf, '.'))
			continue;
		dist = nono_strdist(key, leaf);
		if (dist < bd) {
			bd = dist;
			best = leaf;
		}
	}
	return best;
}

/* ---- JSONC text: comments out, positions in ----------------------------- */

/* Blank out // and block comments (and trailing commas are left to jansson
 * to reject), keeping every newline so line and column stay true. */
static void
strip_comments(char *t)
{
	bool str = false;

	for (char *c = t; *c; c++) {
		if (str) {
			if (*c == '\\' && c[1])
				c++;
			else if (*c == '"')
				str = false;
			continue;
		}
		if (*c == '"')
			str = true;
		else if (c[0] == '/' && c[1] == '/') {
			while (*c && *c != '\n')
				*c++ = ' ';
			if (!*c)
				break;
		} else if (c[0] == '/' && c[1] == '*') {
			while (*c && !(c[0] == '*' && c[1] == '/')) {
				if (*c != '\n')
					*c = ' ';
				c++;
			}
			if (*c) {
				c[0] = c[1] = ' ';
				c++;
			} else
				break;
		}
	}
}

struct posmap {
	struct nono_strv keys; /* "filesystem.allow", "filesystem.allow[1]" */
	int *line, *col;
	size_t cap;
};

struct scanner {
	const char *t, *p;
	int line, col;
	struct posmap *pm;
};

static void
adv(struct scanner *s)
{
	if (*s->p == '\n') {
		s->line++;
		s->col = 1;
	} else
		s->col++;
	s->p++;
}

static void
ws(struct scanner *s)
{
	while (*s->p && isspace((unsigned char)*s->p))
		adv(s);
}

static void
record(struct scanner *s, const char *key, int line, int col)
{
	struct posmap *pm = s->pm;

	if (pm->keys.n + 1 > pm->cap) {
		pm->cap = pm->cap ? pm->cap * 2 : 64;
		pm->line = xrealloc(pm->line, pm->cap * sizeof(int));
		pm->col = xrealloc(pm->col, pm->cap * sizeof(int));
	}
	pm->line[pm->keys.n] = line;
	pm->col[pm->keys.n] = col;
	nono_strv_push(&pm->keys, key);
}

static char *
scan_string(struct scanner *s)
{
	const char *start;
	char *out;

	adv(s); /* " */
	start = s->p;
	while (*s->p && *s->p != '"') {
		if (*s->p == '\\' && s->p[1])
			adv(s);
		adv(s);
	}
	out = xasprintf("%.*s", (int)(s->p - start), start);
	if (*s->p)
		adv(s);
	return out;
}

static void scan_value(struct scanner *s, const char *path);

static void
scan_value(struct scanner *s, const char *path)
{
	ws(s);
	if (*s->p == '{') {
		adv(s);
		for (;;) {
			char *key, *sub;
			int l, c;

			ws(s);
			if (*s->p != '"')
				break;
			l = s->line;
			c = s->col;
			key = scan_string(s);
			sub = *path ? xasprintf("%s.%s", path, key) : xstrdup(key);
			record(s, sub, l, c);
			ws(s);
			if (*s->p == ':')
				adv(s);
			scan_value(s, sub);
			free(sub);
			free(key);
			ws(s);
			if (*s->p != ',')
				break;
			adv(s);
		}
		if (*s->p == '}')
			adv(s);
	} else if (*s->p == '[') {
		size_t i = 0;

		adv(s);
		for (;;) {
			char *sub;

			ws(s);
			if (*s->p == ']' || !*s->p)
				break;
			sub = xasprintf("%s[%zu]", path, i++);
			record(s, sub, s->line, s->col);
			scan_value(s, sub);
			free(sub);
			ws(s);
			if (*s->p != ',')
				break;
			adv(s);
		}
		if (*s->p == ']')
			adv(s);
	} else if (*s->p == '"') {
		free(scan_string(s));
	} else {
		while (*s->p && !strchr(",]}", *s->p) && !isspace((unsigned char)*s->p))
			adv(s);
	}
}

static void
posmap_free(struct posmap *pm)
{
	nono_strv_free(&pm->keys);
	free(pm->line);
	free(pm->col);
}

static void
pos_of(const struct posmap *pm, const char *key, int *line, int *col)
{
	*line = *col = 0;
	for (size_t i = 0; i < pm->keys.n; i++)
		if (strcmp(pm->keys.v[i], key) == 0) {
			*line = pm->line[i];
			*col = pm->col[i];
			return;
		}
}

/* ---- checking one document ------------------------------------------------ */

struct checker {
	const char *file;
	const struct posmap *pm;
	struct nono_strv *problems; /* errors */
	struct nono_strv *warnings;
};

__attribute__((format(printf, 4, 5))) static void
problem(struct checker *ck, struct nono_strv *into, const char *at, const char *fmt, ...)
{
	va_list ap;
	char msg[512];
	int line, col;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pos_of(ck->pm, at, &line, &col);
	if (line)
		nono_strv_push_owned(into, xasprintf("profile '%s' line %d col %d: %s", ck->file, line, col, msg));
	else
		nono_strv_push_owned(into, xasprintf("profile '%s': %s", ck->file, msg));
}

static const char *
type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "a list";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "true or false";
	default:
		return "null";
	}
}

static bool
entry_ok(const json_t *e)
{
	if (json_is_string(e))
		return true;
	return json_is_object(e) && json_is_string(json_object_get(e, "path"));
}

static void check_object(struct checker *ck, const json_t *obj, const char *path);

/* the variables a path may use; an unknown one is caught with its position */
static const char *
unknown_variable(const char *s)
{
	static const char *const known[] = {
	    "WORKDIR",	     "TMPDIR",		"UID", "HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME",
	    "XDG_DATA_HOME", "XDG_RUNTIME_DIR", NULL};
	static char bad[64];

	for (const char *d = strchr(s, '$'); d; d = strchr(d + 1, '$')) {
		size_t n = 0;
		bool ok = false;

		while (d[1 + n] &&
		       (isupper((unsigned char)d[1 + n]) || isdigit((unsigned char)d[1 + n]) || d[1 + n] == '_'))
			n++;
		for (size_t i = 0; known[i]; i++)
			if (strlen(known[i]) == n && strncmp(d + 1, known[i], n) == 0)
				ok = true;
		if (!ok) {
			snprintf(bad, sizeof(bad), "$%.*s", (int)(n ? n : 1), n ? d + 1 : "");
			return bad;
		}
	}
	return NULL;
}

static void
check_value(struct checker *ck, const json_t *v, const char *path, const struct nono_optdef *sp)
{
	bool ok = true;
	const char *want = "";
	size_t i;
	json_t *e;

	switch (sp->type) {
	case K_STR:
		ok = json_is_string(v);
		want = "a string";
		break;
	case K_BOOL:
		ok = json_is_boolean(v);
		want = "true or false";
		break;
	case K_STR_NULL:
		ok = json_is_string(v) || json_is_null(v);
		want = "a string or null";
		break;
	case K_OBJ_NULL:
		ok = json_is_object(v) || json_is_null(v);
		want = "an object or null";
		break;
	case K_INT:
		ok = json_is_integer(v);
		want = "a whole number";
		break;
	case K_OBJ:
	case K_MAP:
		ok = json_is_object(v);
		want = "an object";
		break;
	case K_STR_LIST:
		ok = json_is_string(v) || json_is_array(v);
		want = "a name or a list of names";
		break;
	case K_BOOL_LIST:
	case K_LIST:
		ok = json_is_array(v) || (sp->type == K_BOOL_LIST && json_is_boolean(v));
		want = sp->type == K_LIST ? "a list" : "true, false or a list of paths";
		break;
	case K_ANY:
		break;
	}
	if (!ok) {
		problem(ck, ck->problems, path, "\"%s\" must be %s, not %s", path, want, type_name(v));
		return;
	}
	if (json_is_array(v) && sp->type != K_ANY) {
		json_array_foreach(v, i, e)
		{
			char *sub = xasprintf("%s[%zu]", path, i);

			const char *str =
			    json_is_string(e) ? json_string_value(e) : json_string_value(json_object_get(e, "path"));
			const char *var;

			if (strncmp(path, "network.", 8) == 0 && json_is_object(e))
				problem(ck, ck->problems, sub,
					"\"%s\" entries with endpoints need TLS interception, which nono does not do; "
					"allow the host as a string",
					path);
			else if (strncmp(path, "filesystem.", 11) == 0
				     ? !entry_ok(e)
				     : !json_is_string(e) && !(json_is_integer(e) && strstr(path, "_port")))
				problem(ck, ck->problems, sub, "\"%s\" entries must be strings%s, not %s", path,
					strncmp(path, "filesystem.", 11) == 0 ? " or {\"path\": ...}" : "",
					type_name(e));
			else if (strncmp(path, "filesystem.", 11) == 0 && str && (var = unknown_variable(str)))
				problem(ck, ck->problems, sub,
					"unknown variable %s in \"%s\" (known: ~ $HOME $WORKDIR "
					"$TMPDIR $UID $XDG_CONFIG_HOME $XDG_STATE_HOME "
					"$XDG_CACHE_HOME $XDG_DATA_HOME $XDG_RUNTIME_DIR)",
					var, str);
			free(sub);
		}
	}
	if ((sp->type == K_OBJ || sp->type == K_OBJ_NULL) && json_is_object(v))
		check_object(ck, v, path);
	if (sp->state == S_DEPRECATED)
		problem(ck, ck->warnings, path, "\"%s\" is deprecated; use \"%s\"", path, sp->note);
	if (sp->state == S_IGNORED)
		problem(ck, ck->warnings, path, "\"%s\" has no effect and is ignored", path);
	if (sp->state == S_LATER) {
		bool empty = json_is_null(v) || json_is_false(v) || (json_is_array(v) && json_array_size(v) == 0) ||
			     (json_is_object(v) && json_object_size(v) == 0) ||
			     (strcmp(path, "security.signal_mode") == 0 && json_is_string(v) &&
			      strcmp(json_string_value(v), "isolated") == 0);

		if (!empty)
			problem(ck, ck->problems, path,
				"\"%s\" is known but not enforced by this nono yet (%s); "
				"remove it rather than have it silently ignored",
				path, sp->note);
	}
}

static void
check_object(struct checker *ck, const json_t *obj, const char *path)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)obj, k, v)
	{
		char *sub = *path ? xasprintf("%s.%s", path, k) : xstrdup(k);
		const struct nono_optdef *sp = nono_optdef_by_key(sub);

		if (!sp) {
			const char *dym = did_you_mean(path, k);

			if (dym)
				problem(ck, ck->problems, sub, "unknown key \"%s\"%s%s (did you mean \"%s\"?)", k,
					*path ? " in " : "", path, dym);
			else
				problem(ck, ck->problems, sub, "unknown key \"%s\"%s%s", k, *path ? " in " : "", path);
		} else {
			check_value(ck, v, sub, sp);
		}
		free(sub);
	}
	if (strcmp(path, "workdir") == 0) {
		const char *a = json_string_value(json_object_get(obj, "access"));

		if (a && strcmp(a, "none") && strcmp(a, "read") && strcmp(a, "write") && strcmp(a, "readwrite"))
			problem(ck, ck->problems, "workdir.access",
				"\"workdir.access\" must be none, read, write or readwrite, not \"%s\"", a);
	}
}

/* Parse and check text; *out gets the document (NULL on a syntax error). */
static int
parse_text(json_t **out, const char *text, const char *file, struct nono_strv *problems, struct nono_strv *warnings)
{
	char *t = xstrdup(text);
	json_error_t je;
	json_t *doc;
	struct posmap pm = {0};
	struct scanner sc;
	struct checker ck = {file, &pm, problems, warnings};

	*out = NULL;
	strip_comments(t);
	doc = json_loads(t, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		nono_strv_push_owned(problems,
				     xasprintf("profile '%s' line %d col %d: %s", file, je.line, je.column, je.text));
		free(t);
		return -EINVAL;
	}
	if (!json_is_object(doc)) {
		nono_strv_push_owned(problems, xasprintf("profile '%s': the top level must be an object", file));
		json_decref(doc);
		free(t);
		return -EINVAL;
	}
	sc.t = sc.p = t;
	sc.line = sc.col = 1;
	sc.pm = &pm;
	scan_value(&sc, "");
	check_object(&ck, doc, "");
	posmap_free(&pm);
	free(t);
	*out = doc;
	return problems->n ? -EINVAL : 0;
}

/* where key (a dotted path) stands in text, for errors found after parsing */
static void
text_position(const char *text, const char *key, int *line, int *col)
{
	char *t = xstrdup(text);
	struct posmap pm = {0};
	struct scanner sc;

	strip_comments(t);
	sc.t = sc.p = t;
	sc.line = sc.col = 1;
	sc.pm = &pm;
	scan_value(&sc, "");
	pos_of(&pm, key, line, col);
	posmap_free(&pm);
	free(t);
}

int
nono_profile_validate_text(const char *text, const char *file, struct nono_strv *problems)
{
	struct nono_strv warnings = {0};
	json_t *doc = NULL;
	int r = parse_text(&doc, text, file, problems, &warnings);

	for (size_t i = 0; i < warnings.n; i++)
		nono_strv_push_owned(problems, xasprintf("warning: %s", warnings.v[i]));
	nono_strv_free(&warnings);
	json_decref(doc);
	return r;
}

/* ---- built-in profiles ------------------------------------------------------ */

const char *const nono_builtin_profile_names[] = {
    "default", "claude-code", "codex", "python-dev", "node-dev", "rust-dev", "go-dev", NULL,
};

static const char builtin_default[] =
    "{\n"
    "  \"meta\": {\"name\": \"default\", \"description\": \"system paths readable, sensitive paths denied, "
    "nothing else granted\"},\n"
    "  \"workdir\": {\"access\": \"none\"}\n"
    "}\n";

static const char builtin_claude_code[] =
    "{\n"
    "  \"meta\": {\"name\": \"claude-code\", \"description\": \"Claude Code: the working directory, its "
    "own state, VS Code and git configuration; network on\"},\n"
    "  \"groups\": {\"include\": [\"git_config\"]},\n"
    "  \"filesystem\": {\n"
    "    \"create_dirs\": [\"$HOME/.claude\", \"$HOME/.cache/claude\", \"$HOME/.cache/claude-cli-nodejs\",\n"
    "                    \"$XDG_STATE_HOME/claude\"],\n"
    "    \"link_file\": {\"$HOME/.claude.json\": \"$HOME/.claude/claude.json\"},\n"
    "    \"allow_lock_dir\": [\"$HOME/.claude.json.lock\", \"$HOME/.claude.lock\"],\n"
    "    \"allow\": [\"$HOME/.claude\", \"$HOME/.vscode\", \"$HOME/.config/Code\", \"$HOME/.cache/claude\",\n"
    "              \"$HOME/.cache/claude-cli-nodejs\", \"$XDG_STATE_HOME/claude\"],\n"
    "    \"read\": [\"$HOME/.local/share/claude\"],\n"
    "    \"read_file\": [\"/etc/bash.bashrc\", \"/etc/profile\"],\n"
    "    \"allow_delete\": [\"$WORKDIR\", \"$HOME/.claude\"]\n"
    "  },\n"
    "  \"network\": {\"block\": false},\n"
    "  \"rollback\": {\"exclude_patterns\": [\"node_modules\", \".next\", \"__pycache__\", \"target\"]},\n"
    "  \"hooks\": {\"claude-code\": {\"event\": \"PostToolUseFailure\", \"matcher\": \"Read|Write|Edit|Bash\",\n"
    "                              \"script\": \"nono-hook.sh\"}},\n"
    "  \"workdir\": {\"access\": \"readwrite\"}\n"
    "}\n";

static const char builtin_codex[] =
    "{\n"
    "  \"meta\": {\"name\": \"codex\", \"description\": \"OpenAI Codex CLI: the working directory, its own "
    "state (~/.codex) and git configuration; network on\"},\n"
    "  \"groups\": {\"include\": [\"git_config\"]},\n"
    "  \"filesystem\": {\n"
    "    \"create_dirs\": [\"$HOME/.codex\"],\n"
    "    \"allow\": [\"$HOME/.codex\"],\n"
    "    \"read_file\": [\"/etc/bash.bashrc\", \"/etc/profile\"],\n"
    "    \"allow_delete\": [\"$WORKDIR\", \"$HOME/.codex\"]\n"
    "  },\n"
    "  \"network\": {\"block\": false},\n"
    "  \"rollback\": {\"exclude_patterns\": [\"node_modules\", \".next\", \"__pycache__\", \"target\"]},\n"
    "  \"hooks\": {\"codex\": {\"event\": \"PostToolUse\", \"script\": \"nono-hook.sh\"}},\n"
    "  \"workdir\": {\"access\": \"readwrite\"}\n"
    "}\n";

static const char builtin_python[] =
    "{\n"
    "  \"meta\": {\"name\": \"python-dev\", \"description\": \"Python development: the working directory, "
    "pyenv, user site-packages and pip's cache\"},\n"
    "  \"filesystem\": {\n"
    "    \"read\": [\"$HOME/.pyenv\", \"$HOME/.local/lib\", \"$HOME/.local/share/uv\", \"$HOME/.conda\"],\n"
    "    \"allow\": [\"$HOME/.cache/pip\", \"$HOME/.cache/uv\"],\n"
    "    \"allow_delete\": [\"$WORKDIR\", \"$HOME/.cache/pip\", \"$HOME/.cache/uv\"]\n"
    "  },\n"
    "  \"commands\": {\"allow\": [\"pip\", \"pip3\", \"uv\", \"poetry\"]},\n"
    "  \"workdir\": {\"access\": \"readwrite\"}\n"
    "}\n";

static const char builtin_node[] =
    "{\n"
    "  \"meta\": {\"name\": \"node-dev\", \"description\": \"Node.js development: the working directory, "
    "version managers and npm's cache\"},\n"
    "  \"filesystem\": {\n"
    "    \"read\": [\"$HOME/.nvm\", \"$HOME/.fnm\", \"$HOME/.node\", \"$HOME/.local/share/fnm\",\n"
    "             \"/usr/local/lib/node_modules\", \"$HOME/.local/share/pnpm\"],\n"
    "    \"allow\": [\"$HOME/.npm\", \"$HOME/.cache/node-gyp\"],\n"
    "    \"allow_delete\": [\"$WORKDIR\", \"$HOME/.npm\", \"$HOME/.cache/node-gyp\"]\n"
    "  },\n"
    "  \"commands\": {\"allow\": [\"npm\", \"npx\", \"yarn\", \"pnpm\"]},\n"
    "  \"workdir\": {\"access\": \"readwrite\"}\n"
    "}\n";

static const char builtin_rust[] =
    "{\n"
    "  \"meta\": {\"name\": \"rust-dev\", \"description\": \"Rust development: the working directory, "
    "rustup toolchains and cargo's registry\"},\n"
    "  \"filesystem\": {\n"
    "    \"read\": [\"$HOME/.rustup\", \"$HOME/.cargo/bin\"],\n"
    "    \"allow\": [\"$HOME/.cargo/registry\", \"$HOME/.cargo/git\"],\n"
    "    \"allow_delete\": [\"$WORKDIR\", \"$HOME/.cargo/registry\", \"$HOME/.cargo/git\"]\n"
    "  },\n"
    "  \"commands\": {\"allow\": [\"cargo\"]},\n"
    "  \"workdir\": {\"access\": \"readwrite\"}\n"
    "}\n";

static const char builtin_go[] =
    "{\n"
    "  \"meta\": {\"name\": \"go-dev\", \"description\": \"Go development: the working directory, the "
    "module and build caches\"},\n"
    "  \"filesystem\": {\n"
    "    \"read\": [\"/usr/local/go\", \"$HOME/go/bin\"],\n"
    "    \"allow\": [\"$HOME/go/pkg\", \"$HOME/.cache/go-build\"],\n"
    "    \"allow_delete\": [\"$WORKDIR\", \"$HOME/go/pkg\", \"$HOME/.cache/go-build\"]\n"
    "  },\n"
    "  \"commands\": {\"allow\": [\"go\"]},\n"
    "  \"workdir\": {\"access\": \"readwrite\"}\n"
    "}\n";

const char *
nono_builtin_profile(const char *name)
{
	static const struct {
		const char *name, *json;
	} t[] = {
	    {"default", builtin_default},   {"claude-code", builtin_claude_code}, {"codex", builtin_codex},
	    {"python-dev", builtin_python}, {"node-dev", builtin_node},		  {"rust-dev", builtin_rust},
	    {"go-dev", builtin_go},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].name, name) == 0)
			return t[i].json;
	return NULL;
}

/* The built-in or user profile nearest to a name not found (a typo), or
 * NULL; caller-owned. */
static char *
near_profile(const char *ref)
{
	char *user = nono_profile_user_path("x"), *slash = strrchr(user, '/'), *best = NULL;
	size_t bd = 3;
	DIR *d;
	struct dirent *e;

	for (size_t i = 0; nono_builtin_profile_names[i]; i++) {
		size_t dist = nono_strdist(ref, nono_builtin_profile_names[i]);

		if (dist < bd) {
			bd = dist;
			free(best);
			best = xstrdup(nono_builtin_profile_names[i]);
		}
	}
	*slash = '\0';
	for (d = opendir(user); d && (e = readdir(d));) {
		size_t l = strlen(e->d_name), dist;

		if (l <= 5 || strcmp(e->d_name + l - 5, ".json") != 0)
			continue;
		e->d_name[l - 5] = '\0';
		if ((dist = nono_strdist(ref, e->d_name)) < bd) {
			bd = dist;
			free(best);
			best = xstrdup(e->d_name);
		}
	}
	if (d)
		closedir(d);
	free(user);
	return best;
}

/* ---- resolution and extends -------------------------------------------------- */

static char *
read_file(const char *path, struct nono_error *err)
{
	FILE *f = fopen(path, "re");
	struct stat st;
	char *buf;
	size_t n;

	if (!f) {
		nono_error_set(err, -errno, "profile '%s': %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_SIZE) {
		fclose(f);
		nono_error_set(err, -EINVAL, "profile '%s': not a regular file of at most 1 MiB", path);
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	n = fread(buf, 1, (size_t)st.st_size, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Find ref's text: a path, the user directory (.jsonc then .json), a built-in.
 * sibling_dir: the directory of the profile whose 'extends' names ref. */
static int
locate(char **text, char **origin, const char *ref, const char *sibling_dir, struct nono_error *err)
{
	size_t l = strlen(ref);
	const char *b;
	int r;

	*text = *origin = NULL;
	/* registry packs: "pack:OWNER/NAME[/PROFILE]", or an installed OWNER/NAME (pack.c) */
	if ((r = nono_pack_profile_find(origin, ref, NONO_PACK_BY_REF, err)) != 0) {
		*text = r > 0 ? read_file(*origin, err) : NULL;
		return *text ? 0 : err->code;
	}
	if (strchr(ref, '/') || (l > 5 && strcmp(ref + l - 5, ".json") == 0) ||
	    (l > 6 && strcmp(ref + l - 6, ".jsonc") == 0)) {
		*origin = nono_path_absolute(ref);
		*text = read_file(*origin, err);
		return *text ? 0 : err->code;
	}
	if (!nono_profile_name_valid(ref)) {
		nono_error_set(err, -EINVAL, "'%s' is not a profile name (letters, digits, - and _) nor a path", ref);
		return err->code;
	}
	if (sibling_dir) {
		char *p = xasprintf("%s/%s.json", sibling_dir, ref);

		if (access(p, R_OK) == 0) {
			*origin = p;
			*text = read_file(p, err);
			return *text ? 0 : err->code;
		}
		free(p);
	}
	for (int jsonc = 1; jsonc >= 0; jsonc--) {
		char *p = nono_profile_user_path(ref);

		if (jsonc) {
			char *q = xasprintf("%sc", p);

			free(p);
			p = q;
		}
		if (access(p, F_OK) == 0) {
			*origin = p;
			*text = read_file(p, err);
			return *text ? 0 : err->code;
		}
		free(p);
	}
	/* a pack's profile of that name: after the user's, before the built-in */
	if ((r = nono_pack_profile_find(origin, ref, NONO_PACK_BY_NAME, err)) != 0) {
		*text = r > 0 ? read_file(*origin, err) : NULL;
		return *text ? 0 : err->code;
	}
	b = nono_builtin_profile(ref);
	if (b) {
		*origin = xasprintf("built-in:%s", ref);
		*text = xstrdup(b);
		return 0;
	}
	nono_error_set(err, -ENOENT, "no profile named '%s'", ref);
	if ((b = near_profile(ref)))
		nono_error_hint(err, "did you mean '%s'? 'nono profile list' shows them", b);
	else
		nono_error_hint(err, "'nono profile list' shows them; 'nono profile init %s' creates one", ref);
	free((char *)b);
	return err->code;
}

static void
list_union(json_t *into, const json_t *add)
{
	size_t i, j;
	json_t *v, *w;

	json_array_foreach((json_t *)add, i, v)
	{
		bool dup = false;

		json_array_foreach(into, j, w) if (json_equal(v, w)) dup = true;
		if (!dup)
			json_array_append(into, v);
	}
}

/* merge child into base (the reference's extends rules) */
static void
merge(json_t *base, const json_t *child, const char *path)
{
	const char *k;
	json_t *cv;

	json_object_foreach((json_t *)child, k, cv)
	{
		json_t *bv = json_object_get(base, k);
		char *sub = *path ? xasprintf("%s.%s", path, k) : xstrdup(k);

		if (strcmp(sub, "extends") == 0) {
			free(sub);
			continue;
		}
		if (bv && strcmp(sub, "network.block") == 0) {
			json_object_set_new(base, k, json_boolean(json_is_true(bv) || json_is_true(cv)));
		} else if (bv && strcmp(sub, "workdir.access") == 0 && json_is_string(cv) &&
			   strcmp(json_string_value(cv), "none") == 0) {
			/* a child cannot downgrade its base's working-directory grant */
		} else if (bv && (strcmp(sub, "meta") == 0 || strcmp(sub, "open_urls") == 0)) {
			/* replaced whole (open_urls as upstream: a child's list is the list) */
			json_object_set(base, k, cv);
		} else if (bv && json_is_object(bv) && json_is_object(cv)) {
			merge(bv, cv, sub);
		} else if (bv && json_is_array(bv) && json_is_array(cv)) {
			list_union(bv, cv);
		} else {
			json_object_set(base, k, cv);
		}
		free(sub);
	}
}

/* stack: the files being loaded, outermost first (a base met twice on
 * different branches is not a cycle; one met on its own branch is). */
static int
load_rec(json_t **out, struct nono_profile *p, struct nono_strv *stack, const char *ref, const char *sibling_dir,
	 int depth, struct nono_error *err)
{
	char *text = NULL, *origin = NULL, *dir = NULL;
	struct nono_strv problems = {0};
	json_t *doc = NULL, *merged = NULL, *ext;
	bool pushed = false;
	int r;

	*out = NULL;
	if (depth > MAX_DEPTH) {
		nono_error_set(err, -ELOOP, "'%s' is nested more than %d deep", ref, MAX_DEPTH);
		nono_error_hint(err, "extend fewer levels: copy the keys of a base into its child");
		return err->code;
	}
	if ((r = locate(&text, &origin, ref, sibling_dir, err)) < 0)
		return r;
	if (nono_strv_contains(stack, origin)) {
		nono_error_set(err, -ELOOP, "'%s' leads back to %s, a cycle", ref, origin);
		nono_error_hint(err, "remove one 'extends' of the loop");
		goto out;
	}
	nono_strv_push(stack, origin);
	pushed = true;
	if (parse_text(&doc, text, origin, &problems, &p->warnings) < 0) {
		nono_error_set(err, -EINVAL, "%s", problems.v[0]);
		if (problems.n > 1)
			nono_error_hint(err, "%zu more problem%s: 'nono profile validate %s' lists them all",
					problems.n - 1, problems.n == 2 ? "" : "s", ref);
		goto out;
	}
	if (strncmp(origin, "built-in:", 9) != 0)
		dir = nono_path_dirname(origin);
	merged = json_object();
	ext = json_object_get(doc, "extends");
	if (ext) {
		json_t *bases = json_is_string(ext) ? json_pack("[O]", ext) : json_incref(ext);
		size_t i;
		json_t *b;

		json_array_foreach(bases, i, b)
		{
			json_t *bd = NULL;

			if (!json_is_string(b))
				continue;
			if (strcmp(json_string_value(b), ref) == 0 && dir) {
				/* "extends": "claude-code" in claude-code.json means the built-in */
				const char *bt = nono_builtin_profile(ref);

				if (bt) {
					struct nono_strv pr = {0};

					parse_text(&bd, bt, ref, &pr, &p->warnings);
					nono_strv_free(&pr);
				}
			}
			if (!bd && load_rec(&bd, p, stack, json_string_value(b), dir, depth + 1, err) < 0) {
				char msg[600],
				    *at = json_is_string(ext) ? xstrdup("extends") : xasprintf("extends[%zu]", i);
				int line, col;

				/* say where the base was named, unless a deeper file already did */
				text_position(text, at, &line, &col);
				free(at);
				snprintf(msg, sizeof(msg), "%.500s", err->msg);
				if (line && strncmp(msg, "profile '", 9) != 0)
					snprintf(err->msg, sizeof(err->msg), "profile '%s' line %d col %d: extends: %s",
						 origin, line, col, msg);
				json_decref(bases);
				goto out;
			}
			merge(merged, bd, "");
			json_decref(bd);
		}
		json_decref(bases);
	}
	merge(merged, doc, "");
	if (!nono_strv_contains(&p->chain, origin))
		nono_strv_push(&p->chain, origin);
	*out = merged;
	merged = NULL;
	r = 0;
out:
	if (pushed)
		free(stack->v[--stack->n]);
	if (!*out)
		r = err->code ? err->code : -EINVAL;
	json_decref(merged);
	json_decref(doc);
	nono_strv_free(&problems);
	free(text);
	free(origin);
	free(dir);
	return r;
}

int
nono_profile_load(struct nono_profile *out, const char *ref, struct nono_error *err)
{
	struct nono_strv stack = {0};
	json_t *doc = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	out->name = xstrdup(ref);
	r = load_rec(&doc, out, &stack, ref, NULL, 0, err);
	nono_strv_free(&stack);
	if (r < 0) {
		/* nothing for the caller to free */
		json_decref(doc);
		nono_profile_free(out);
		return r;
	}
	out->doc = doc;
	out->origin = xstrdup(out->chain.n ? out->chain.v[out->chain.n - 1] : ref);
	return 0;
}

void
nono_profile_free(struct nono_profile *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->origin);
	json_decref(p->doc);
	nono_strv_free(&p->chain);
	nono_strv_free(&p->warnings);
	memset(p, 0, sizeof(*p));
}

char *
nono_profile_dump(const struct nono_profile *p)
{
	char *s = json_dumps(p->doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	return s ? s : xstrdup("{}");
}

/* ---- applying --------------------------------------------------------------- */

static bool
when_holds(const json_t *when, struct nono_error *err, const char *path)
{
	const char *w;
	bool neg;

	if (!when)
		return true;
	if (json_is_array(when)) {
		size_t i;
		json_t *e;

		json_array_foreach((json_t *)when, i, e) if (when_holds(e, err, path)) return true;
		return false;
	}
	w = json_string_value(when);
	if (!w)
		return false;
	neg = w[0] == '!';
	if (neg)
		w++;
	/* "linux" and "linux:<distro>..." both select Linux; macOS never here */
	if (strncmp(w, "linux", 5) == 0 && (w[5] == '\0' || w[5] == ':'))
		return !neg;
	if (strncmp(w, "macos", 5) == 0 && (w[5] == '\0' || w[5] == ':'))
		return neg;
	nono_error_set(err, -EINVAL, "%s: unknown \"when\" predicate '%s' (linux, macos, !linux, !macos)", path, w);
	return false;
}

/* The value of a dotted key in doc, or NULL. */
static json_t *
lookup(json_t *doc, const char *key)
{
	char *dup = xstrdup(key), *save = NULL;
	json_t *v = doc;

	for (char *t = strtok_r(dup, ".", &save); t && v; t = strtok_r(NULL, ".", &save))
		v = json_object_get(v, t);
	free(dup);
	return v;
}

/* A list of paths (strings, or {"path", "when"}): each whose "when" holds,
 * its variables checked, through the setter (set's row: d's twin for a
 * deprecated key). */
static int
apply_paths(struct nono_options *o, const struct nono_optdef *d, const struct nono_optdef *set, const json_t *list,
	    struct nono_error *err)
{
	char *cwd = o->policy.workdir ? NULL : getcwd(NULL, 0);
	struct nono_vars v;
	size_t i;
	json_t *e;
	int r = 0;

	nono_vars_from_env(&v, o->policy.workdir ? o->policy.workdir : cwd, "/tmp");
	json_array_foreach((json_t *)list, i, e)
	{
		const char *path =
		    json_is_string(e) ? json_string_value(e) : json_string_value(json_object_get(e, "path"));
		char *x = NULL;

		nono_error_clear(err);
		if (!path)
			continue;
		if (json_is_object(e) && !when_holds(json_object_get(e, "when"), err, d->profile_key)) {
			if ((r = err->code) < 0)
				break;
			continue;
		}
		if (nono_vars_expand(&x, path, &v, err) < 0) {
			char msg[sizeof(err->msg)];

			snprintf(msg, sizeof(msg), "%s", err->msg);
			r = nono_error_set(err, -EINVAL, "profile '%s': %s[%zu]: %s", o->origin + 8, d->profile_key, i,
					   msg);
			break;
		}
		free(x);
		if ((r = set->set(o, set, path, err)) < 0)
			break;
	}
	free(cwd);
	return r;
}

/* hooks: {"claude-code": {"event", "matcher", "script"}} as the reference
 * writes it. nono installs its own integration for a target (both events,
 * its own script); a declaration asking for anything else is refused. */
static int
apply_hooks(struct nono_options *o, const struct nono_optdef *d, const json_t *map, struct nono_error *err)
{
	const char *name = o->origin + 8, *k;
	json_t *v;
	int r;

	json_object_foreach((json_t *)map, k, v)
	{
		const char *ev = json_string_value(json_object_get(v, "event"));
		const char *script = json_string_value(json_object_get(v, "script"));
		const char *f;
		json_t *fv;

		if (!nono_hooks_target_known(k))
			return nono_error_set(
			    err, -EINVAL, "profile '%s': hooks.%s: unknown target (nono knows claude-code and codex)",
			    name, k);
		if (!json_is_object(v) && !json_is_true(v))
			return nono_error_set(err, -EINVAL, "profile '%s': hooks.%s must be an object or true", name,
					      k);
		json_object_foreach(json_is_object(v) ? v : NULL, f, fv)
		{
			if ((strcmp(f, "event") && strcmp(f, "matcher") && strcmp(f, "script")) || !json_is_string(fv))
				return nono_error_set(err, -EINVAL,
						      "profile '%s': hooks.%s.%s: expected the strings event, matcher "
						      "and script",
						      name, k, f);
		}
		if ((ev && strcmp(ev, "PostToolUseFailure") && strcmp(ev, "PostToolUse") &&
		     strcmp(ev, "SessionStart")) ||
		    (script && strcmp(script, "nono-hook.sh") && !strstr(script, "/nono-hook.sh")))
			return nono_error_set(err, -EINVAL,
					      "profile '%s': hooks.%s: nono installs its own hook (nono-hook.sh on "
					      "SessionStart, PostToolUseFailure and PostToolUse), not '%s'",
					      name, k, script && strcmp(script, "nono-hook.sh") ? script : ev);
		if ((r = d->set(o, d, k, err)) < 0)
			return r;
	}
	return 0;
}

/* A value by its type: a list, each string; true, the setter without a
 * value; a string; a map, each entry (options->entry its name, a value
 * that is not a string NULL). */
static int
apply_by_type(struct nono_options *o, const struct nono_optdef *set, enum nono_key_type type, const json_t *v,
	      struct nono_error *err)
{
	const char *k;
	size_t i;
	json_t *e;
	int r = 0;

	if (json_is_true(v) && (type == K_BOOL || type == K_BOOL_LIST))
		return set->set(o, set, NULL, err);
	if (json_is_string(v) && (type == K_STR || type == K_STR_NULL))
		return set->set(o, set, json_string_value(v), err);
	if (json_is_integer(v) && type == K_INT) {
		char num[32];

		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return set->set(o, set, num, err);
	}
	if (json_is_array(v) && (type == K_LIST || type == K_BOOL_LIST)) {
		json_array_foreach((json_t *)v, i, e)
		{
			char num[32];

			if (json_is_integer(e))
				snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(e));
			if (json_is_string(e) && (r = set->set(o, set, json_string_value(e), err)) < 0)
				break;
			if (json_is_integer(e) && (r = set->set(o, set, num, err)) < 0)
				break;
		}
	} else if (json_is_object(v) && type == K_MAP) {
		json_object_foreach((json_t *)v, k, e)
		{
			o->entry = k;
			r = set->set(o, set, json_string_value(e), err);
			o->entry = NULL;
			if (r < 0)
				break;
		}
	}
	return r;
}

/* Every key of the profile that nono acts on, in the key table's order,
 * through the setter of its row (a deprecated key: of the key that
 * replaces it). */
int
nono_profile_apply(struct nono_options *o, const struct nono_profile *p, struct nono_error *err)
{
	char *origin = xasprintf("profile:%s", p->name);
	int r = 0;

	o->origin = origin;
	for (const struct nono_optdef *d = nono_optdefs; !NONO_OPTDEF_END(d) && r == 0; d++) {
		const struct nono_optdef *set = d->state == S_DEPRECATED ? nono_optdef_by_key(d->note) : d;
		const json_t *v = d->profile_key ? lookup(p->doc, d->profile_key) : NULL;

		if (!v || !set || !set->set || d->state == S_LATER || d->state == S_IGNORED)
			continue;
		if (set->apply == NONO_APPLY_PATHS)
			r = apply_paths(o, d, set, v, err);
		else if (set->apply == NONO_APPLY_HOOKS)
			r = apply_hooks(o, set, v, err);
		else
			r = apply_by_type(o, set, d->type, v, err);
	}
	for (size_t k = 0; r == 0 && k < p->warnings.n; k++)
		log_warn("%s", p->warnings.v[k]);
	o->origin = NULL;
	free(origin);
	return r;
}
