/* pack.h - registry packs: signed bundles of profiles and agent instruction
 * files, installed under $XDG_DATA_HOME/nono/packs/OWNER/NAME/ (among nono's
 * own files, which no sandbox can write) and verified again whenever one is
 * used (supervisor side).
 *
 * A pack is its manifest (JSON: name, version, description, profiles,
 * instructions, and every file's path, size and SHA-256), an Ed25519
 * signature over the manifest's exact bytes by a key nono trusts, and the
 * files. Installed:
 *   packs/OWNER/NAME/manifest.json   the signed bytes, as downloaded
 *   packs/OWNER/NAME/manifest.sig    {"keyid": "...", "signature": "..."}
 *   packs/OWNER/NAME/installed.json  where and when it came from (unsigned)
 *   packs/OWNER/NAME/files/PATH      each file of the manifest
 * and $XDG_DATA_HOME/nono/pack-versions.json keeps the highest version of
 * each pack ever installed (downgrade protection; removal keeps it).
 * docs/PACKS.md describes the formats. */
#ifndef NONO_PACK_H
#define NONO_PACK_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "store/sign.h"
#include "base/util.h"

#define NONO_PACK_NAME_MAX  64
#define NONO_PACK_FILE_MAX  (16LL << 20) /* one file */
#define NONO_PACK_SIZE_MAX  (64LL << 20) /* all of a pack */
#define NONO_PACK_FILES_MAX 1000

/* "OWNER/NAME[@VERSION]" */
struct nono_pack_ref {
	char owner[NONO_PACK_NAME_MAX + 1];
	char name[NONO_PACK_NAME_MAX + 1];
	char version[NONO_PACK_NAME_MAX + 1];  /* "" when not given */
	char full[2 * NONO_PACK_NAME_MAX + 2]; /* "OWNER/NAME" */
};

struct nono_pack_file {
	char *path; /* relative, checked by nono_pack_path_ok */
	long long size;
	char sha256[65];
};

struct nono_pack {
	char *name; /* OWNER/NAME */
	char *version;
	char *description;
	struct nono_pack_file *files;
	size_t n_files;
	struct nono_strv profile_names, profile_files; /* same order */
	struct nono_strv instructions;		       /* paths among files */
	char keyid[NONO_KEYID_LEN];		       /* the key that signed it */
	char *dir;				       /* installed: its directory */
	char *registry;				       /* installed: where it came from */
	char *installed_at;
};

/* Owner and name: lower-case letters, digits, '.', '_' and '-', starting
 * with a letter or digit, at most 64; a version as nono_pack_version_ok.
 * -EINVAL with err otherwise. */
int nono_pack_ref_parse(struct nono_pack_ref *out, const char *s, struct nono_error *err);
/* Digits, letters, '.', '-', '+', starting with a digit, at most 64. */
bool nono_pack_version_ok(const char *v);
/* Dot-separated numeric parts compare as numbers, others as text; a
 * pre-release ("1.0.0-rc1") sorts before its release. <0, 0, >0. */
int nono_pack_version_cmp(const char *a, const char *b);
/* A relative path of components made of letters, digits and "._-+@", none
 * of them "." or "..", no empty component, at most 255 bytes. */
bool nono_pack_path_ok(const char *path);

/* Check a manifest: its signature (sigdoc, the manifest.sig JSON) by a key
 * of kr over exactly these bytes, then every field. want_name and
 * want_version (NULL: any) must match what it says. 0, or -errno with err
 * (-ENOKEY unknown key, -EBADMSG bad signature, -EINVAL a bad field). */
int nono_pack_manifest_check(struct nono_pack *out, const char *manifest, size_t n, const char *sigdoc,
			     const struct nono_keyring *kr, const char *want_name, const char *want_version,
			     struct nono_error *err);
void nono_pack_free(struct nono_pack *p);

/* $XDG_DATA_HOME/nono/packs, and a pack's directory in it; caller-owned. */
char *nono_pack_root(void);
char *nono_pack_dir(const char *name);
/* Load an installed pack: its manifest's signature again and, with
 * check_files, every file's size and SHA-256. -ENOENT when it is not
 * installed; -EBADMSG with err naming the file when it was tampered with. */
int nono_pack_load(struct nono_pack *out, const char *name, const struct nono_keyring *kr, bool check_files,
		   struct nono_error *err);
/* The installed packs' names (OWNER/NAME), sorted. */
void nono_pack_installed(struct nono_strv *out);
/* The installed version of name (caller-owned), NULL if none; and the
 * highest ever installed. */
char *nono_pack_installed_version(const char *name);
char *nono_pack_high_water(const char *name);

/* Shared with pack_install.c and trust.c: open path beneath dirfd (openat2,
 * RESOLVE_BENEATH, no symlink anywhere, CLOEXEC); a regular file of at most
 * max bytes read whole (NUL-terminated, caller-owned; NULL with errno); the
 * high-water file. */
int nono_pack_open_beneath(int dirfd, const char *path, int flags);
char *nono_pack_read_at(int dirfd, const char *path, size_t max, size_t *out_len);
char *nono_pack_versions_path(void);

/* ---- profiles from packs (profile.c) ---------------------------------- */

enum nono_pack_lookup {
	NONO_PACK_BY_REF,  /* "pack:OWNER/NAME[/PROFILE]", or "OWNER/NAME" when installed */
	NONO_PACK_BY_NAME, /* a plain profile name one of the packs provides */
};
/* Find ref's profile in the installed packs, verifying the pack (signature
 * and digests) first. 1 with *out_path set (caller-owned), 0 when ref is not
 * one (by_ref: not a pack reference; by_name: no pack has it), or -errno
 * with err (a reference to a pack that is missing or tampered with). */
int nono_pack_profile_find(char **out_path, const char *ref, enum nono_pack_lookup how, struct nono_error *err);
/* The pack that provides the plain profile name (caller-owned), or NULL. */
char *nono_pack_profile_provider(const char *profile);
/* The packs whose profiles this process loaded that declare instruction
 * files (trust.c turns the instruction-file check on for them). */
const struct nono_strv *nono_pack_used_with_instructions(void);
/* 'nono profile list' rows for the packs' profiles (JSON objects when json;
 * *first tells whether a comma is needed). */
void nono_pack_list_profiles(bool json, bool *first);

/* ---- registry indexes (pack_install.c) ------------------------------------ */

/* One pack of a registry's index.json (unsigned: what it says is checked
 * against the signed manifest before anything is installed). */
struct nono_pack_avail {
	char *name, *description;
	char *latest;				 /* the highest of versions */
	struct nono_strv versions, manifest_sha; /* same order; "" where the index gives no digest */
	struct nono_strv profiles;
};

struct nono_pack_index {
	char *registry;
	struct nono_pack_avail *v;
	size_t n;
};

/* Fetch and parse <registry>/index.json. */
int nono_pack_index_get(struct nono_pack_index *out, const char *registry, const char *ca_file, bool progress,
			struct nono_error *err);
const struct nono_pack_avail *nono_pack_index_find(const struct nono_pack_index *ix, const char *name);
void nono_pack_index_free(struct nono_pack_index *ix);

/* ---- installing (pack_install.c) ------------------------------------------ */

struct nono_pack_opts {
	const struct nono_strv *registries; /* searched in order */
	const char *ca_file;
	bool force;    /* reinstall; with an explicit @VERSION, also downgrade */
	bool progress; /* progress bars on a terminal */
	bool dry_run;  /* update: say what would change */
};

/* What a pull did. */
enum nono_pack_outcome {
	NONO_PACK_INSTALLED,
	NONO_PACK_UPGRADED,
	NONO_PACK_REINSTALLED,
	NONO_PACK_DOWNGRADED,
	NONO_PACK_CURRENT
};

/* Download, verify and install ref (its latest version when none is named)
 * from the first registry that has it. Nothing under packs/ changes unless
 * everything verified. *out_from gets the version replaced (or NULL). */
int nono_pack_pull(enum nono_pack_outcome *out, char **out_from, const struct nono_pack_ref *ref,
		   const struct nono_pack_opts *o, struct nono_error *err);
/* Remove an installed pack. -ENOENT when it is not installed. */
int nono_pack_remove(const char *name, struct nono_error *err);
/* Copy the pack's instruction files into dir, creating directories, never
 * through a symlink, never over an existing file unless force: then nothing
 * is copied and err names the first. *out_copied lists what was. */
int nono_pack_init_files(struct nono_strv *out_copied, const struct nono_pack *p, const char *dir, bool force,
			 struct nono_error *err);

/* The registries, in the order they are searched: the --registry values
 * given (if any), else $NONO_REGISTRY (comma-separated), else the [registry]
 * url settings, else the default this nono was built with. -ENOENT with a
 * hint when there is none, -EINVAL for one that is not https. */
int nono_registry_urls(struct nono_strv *out, const struct nono_strv *given, struct nono_error *err);
/* The config's [registry] ca_file, or NULL (the system's CAs). */
const char *nono_registry_ca_file(void);

#endif
