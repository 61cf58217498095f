/* gitconfig.h - git's configuration files, read the way git reads them,
 * for one question: which entries make git run a program (supervisor side).
 *
 * A sandbox that can write a repository's .git/config (every git command
 * that sets a branch's upstream does) can also set core.fsmonitor, which
 * the host's next 'git status' runs. The end-of-session sweep (persist.h)
 * parses the file before and after the session and takes out the
 * entries that run programs and were not there before, leaving every other
 * line as it was. */
#ifndef NONO_GITCONFIG_H
#define NONO_GITCONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct nono_gitcfg_entry {
	char *key;	   /* section[.subsection].name; section and name lower-cased */
	char *value;	   /* after quotes and escapes; NULL for a bare "name" (true) */
	size_t start, end; /* the bytes of the lines that hold it, end exclusive */
};

/* Parse a configuration file's bytes. Never fails: what is not a section
 * or an entry is skipped, as git would refuse to read it anyway. Free
 * with nono_gitcfg_free(). */
void nono_gitcfg_parse(const char *buf, size_t len, struct nono_gitcfg_entry **out, size_t *n);
void nono_gitcfg_free(struct nono_gitcfg_entry *e, size_t n);
/* Whether git runs a program named by this entry (core.fsmonitor,
 * core.pager, filter.*.clean, an alias starting with '!', include.path,
 * ...): the list is in the source and in docs/SECURITY.md. */
bool nono_gitcfg_runs(const char *key, const char *value);

#endif
