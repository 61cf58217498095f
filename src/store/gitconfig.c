/* gitconfig.c - see gitconfig.h (supervisor side). */
#include "config.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "store/gitconfig.h"

struct buf {
	char *s;
	size_t n, cap;
};

static void
put(struct buf *b, char c)
{
	if (b->n + 2 > b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->s = xrealloc(b->s, b->cap);
	}
	b->s[b->n++] = c;
	b->s[b->n] = '\0';
}

struct parser {
	const char *p, *end;
	char *section; /* "core", "remote.origin" */
};

static void
skip_blank(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r'))
		ps->p++;
}

static void
skip_line(struct parser *ps)
{
	while (ps->p < ps->end && *ps->p != '\n')
		ps->p++;
	if (ps->p < ps->end)
		ps->p++;
}

/* "[section]", "[section \"sub\"]" or the old "[section.sub]"; false when
 * the header is not one (the rest of the line is skipped). */
static bool
header(struct parser *ps)
{
	struct buf b = {0};

	ps->p++; /* '[' */
	while (ps->p < ps->end && (isalnum((unsigned char)*ps->p) || *ps->p == '-' || *ps->p == '.'))
		put(&b, (char)tolower((unsigned char)*ps->p++));
	skip_blank(ps);
	if (ps->p < ps->end && *ps->p == '"') {
		put(&b, '.');
		for (ps->p++; ps->p < ps->end && *ps->p != '"' && *ps->p != '\n'; ps->p++) {
			if (*ps->p == '\\' && ps->p + 1 < ps->end)
				ps->p++;
			put(&b, *ps->p);
		}
		if (ps->p < ps->end && *ps->p == '"')
			ps->p++;
	}
	if (ps->p >= ps->end || *ps->p != ']' || !b.n) {
		free(b.s);
		skip_line(ps);
		return false;
	}
	ps->p++;
	free(ps->section);
	ps->section = b.s;
	return true;
}

/* A value: quotes, escapes, continuation lines, comments outside quotes,
 * surrounding blanks trimmed. */
static char *
value(struct parser *ps)
{
	struct buf b = {0};
	bool quoted = false;
	size_t keep = 0; /* length without trailing blanks outside quotes */

	put(&b, '\0');
	b.n = 0;
	skip_blank(ps);
	while (ps->p < ps->end && *ps->p != '\n') {
		char c = *ps->p++;

		if (c == '"') {
			quoted = !quoted;
			keep = b.n;
			continue;
		}
		if (!quoted && (c == '#' || c == ';')) {
			while (ps->p < ps->end && *ps->p != '\n')
				ps->p++;
			break;
		}
		if (c == '\\' && ps->p < ps->end) {
			c = *ps->p++;
			if (c == '\n' || (c == '\r' && ps->p < ps->end && *ps->p == '\n' && ps->p++))
				continue; /* the value goes on on the next line */
			c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'b' ? '\b' : c;
			put(&b, c);
			keep = b.n;
			continue;
		}
		if (c == '\r')
			continue;
		if (b.n == 0 && !quoted && (c == ' ' || c == '\t'))
			continue;
		put(&b, c);
		if (quoted || (c != ' ' && c != '\t'))
			keep = b.n;
	}
	b.s[keep] = '\0';
	if (ps->p < ps->end)
		ps->p++; /* the newline */
	return b.s;
}

void
nono_gitcfg_parse(const char *buf, size_t len, struct nono_gitcfg_entry **out, size_t *n)
{
	struct parser ps = {.p = buf, .end = buf + len};

	*out = NULL;
	*n = 0;
	while (ps.p < ps.end) {
		const char *line = ps.p;
		struct buf name = {0};

		skip_blank(&ps);
		if (ps.p < ps.end && *ps.p == '[') {
			if (!header(&ps))
				continue;
			skip_blank(&ps);
			/* an entry may follow the header on its line: it alone
			 * is the entry's */
			line = ps.p;
		}
		if (ps.p >= ps.end || *ps.p == '\n' || *ps.p == '#' || *ps.p == ';' || !ps.section ||
		    !isalpha((unsigned char)*ps.p)) {
			skip_line(&ps);
			continue;
		}
		while (ps.p < ps.end && (isalnum((unsigned char)*ps.p) || *ps.p == '-'))
			put(&name, (char)tolower((unsigned char)*ps.p++));
		skip_blank(&ps);
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[*n].key = xasprintf("%s.%s", ps.section, name.s);
		free(name.s);
		if (ps.p < ps.end && *ps.p == '=') {
			ps.p++;
			(*out)[*n].value = value(&ps);
		} else {
			(*out)[*n].value = NULL;
			skip_line(&ps);
		}
		(*out)[*n].start = (size_t)(line - buf);
		(*out)[*n].end = (size_t)(ps.p - buf);
		(*n)++;
	}
	free(ps.section);
}

void
nono_gitcfg_free(struct nono_gitcfg_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].key);
		free(e[i].value);
	}
	free(e);
}

/* Keys whose value git runs (or that make it run one): "*" stands for a
 * subsection, which may hold dots. */
static const char *const runs[] = {
    "core.fsmonitor",
    "core.hookspath",
    "core.pager",
    "core.editor",
    "core.sshcommand",
    "core.askpass",
    "core.gitproxy",
    "core.alternaterefscommand",
    "sequence.editor",
    "diff.external",
    "diff.*.textconv",
    "diff.*.command",
    "difftool.*.cmd",
    "mergetool.*.cmd",
    "merge.*.driver",
    "filter.*.clean",
    "filter.*.smudge",
    "filter.*.process",
    "credential.helper",
    "credential.*.helper",
    "gpg.program",
    "gpg.*.program",
    "include.path",
    "includeif.*.path",
    "init.templatedir",
    "web.browser",
    "browser.*.cmd",
    "man.*.cmd",
    "remote.*.uploadpack",
    "remote.*.receivepack",
    "uploadpack.packobjectshook",
    "sendemail.smtpserver",
    "sendemail.tocmd",
    "sendemail.cccmd",
    "sendemail.headercmd",
    "guitool.*.cmd",
    "pager.*",
    NULL,
};

static bool
is_bool(const char *v)
{
	return !v || nono_parse_bool(v) >= 0 || !*v;
}

bool
nono_gitcfg_runs(const char *key, const char *value)
{
	const char *last = strrchr(key, '.');

	/* an alias runs a program when it starts with '!'; a submodule's
	 * update mode when it does; any remote's URL through ext:: */
	if (!strncmp(key, "alias.", 6))
		return value && value[0] == '!';
	if (!strncmp(key, "submodule.", 10) && last && !strcmp(last, ".update"))
		return value && value[0] == '!';
	if ((!strncmp(key, "remote.", 7) && last && (!strcmp(last, ".url") || !strcmp(last, ".pushurl"))) ||
	    (!strncmp(key, "url.", 4) && last && (!strcmp(last, ".insteadof") || !strcmp(last, ".pushinsteadof"))))
		return value && !strncmp(value, "ext::", 5);
	/* the ext:: transport runs a command: allowing it */
	if (!strcmp(key, "protocol.ext.allow") || !strcmp(key, "protocol.allow"))
		return value && (!strcmp(value, "always") || !strcmp(value, "user"));
	/* core.fsmonitor=true is git's own daemon; a path is a program */
	if (!strcmp(key, "core.fsmonitor"))
		return !is_bool(value);
	for (size_t i = 0; runs[i]; i++) {
		const char *star = strchr(runs[i], '*');

		if (!star) {
			if (!strcmp(key, runs[i]))
				return true;
			continue;
		}
		/* prefix "*" suffix, the star at least one character */
		{
			size_t pre = (size_t)(star - runs[i]), suf = strlen(star + 1), kl = strlen(key);

			if (kl > pre + suf && !strncmp(key, runs[i], pre) && !strcmp(key + kl - suf, star + 1))
				return true;
		}
	}
	return false;
}
