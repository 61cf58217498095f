/* dl.h - libgit2, loaded on first use (supervisor side). Linking it
 * would cost every launch about 1 ms of dynamic loading; only diffs and
 * the journal's .gitignore question need it, and those happen while the
 * sandboxed program runs or in commands that don't launch one. The
 * header gives the exact prototypes; the build records the soname. */
#ifndef NONO_DL_H
#define NONO_DL_H

#include <git2.h>
#include <git2/sys/mempack.h>
#include <stdbool.h>
#include <stddef.h>

struct nono_git_api {
	__typeof__(&git_libgit2_init) init;
	__typeof__(&git_libgit2_shutdown) shutdown;
	__typeof__(&git_diff_buffers) diff_buffers;
	__typeof__(&git_error_last) error_last;
	/* the journal's question: does git ignore this path (store/gitignore.c) */
	__typeof__(&git_libgit2_opts) opts;
	__typeof__(&git_repository_open_ext) repository_open_ext;
	__typeof__(&git_repository_free) repository_free;
	__typeof__(&git_repository_workdir) repository_workdir;
	__typeof__(&git_repository_path) repository_path;
	__typeof__(&git_repository_commondir) repository_commondir;
	__typeof__(&git_repository_index) repository_index;
	__typeof__(&git_repository_config_snapshot) repository_config_snapshot;
	__typeof__(&git_config_get_entry) config_get_entry;
	__typeof__(&git_config_entry_free) config_entry_free;
	__typeof__(&git_config_free) config_free;
	__typeof__(&git_index_get_bypath) index_get_bypath;
	__typeof__(&git_index_find_prefix) index_find_prefix;
	__typeof__(&git_index_free) index_free;
	__typeof__(&git_ignore_path_is_ignored) ignore_path_is_ignored;
	/* a patch between two trees of an in-memory repository (store/diff.c) */
	__typeof__(&git_odb_new) odb_new;
	__typeof__(&git_mempack_new) mempack_new;
	__typeof__(&git_odb_add_backend) odb_add_backend;
	__typeof__(&git_odb_free) odb_free;
	__typeof__(&git_repository_wrap_odb) repository_wrap_odb;
	__typeof__(&git_blob_create_from_buffer) blob_create_from_buffer;
	__typeof__(&git_index_new) index_new;
	__typeof__(&git_index_add) index_add;
	__typeof__(&git_index_write_tree_to) index_write_tree_to;
	__typeof__(&git_tree_lookup) tree_lookup;
	__typeof__(&git_tree_free) tree_free;
	__typeof__(&git_diff_tree_to_tree) diff_tree_to_tree;
	__typeof__(&git_diff_find_similar) diff_find_similar;
	__typeof__(&git_diff_print) diff_print;
	__typeof__(&git_diff_free) diff_free;
	__typeof__(&git_diff_get_stats) diff_get_stats;
	__typeof__(&git_diff_stats_to_buf) diff_stats_to_buf;
	__typeof__(&git_diff_stats_free) diff_stats_free;
	__typeof__(&git_buf_dispose) buf_dispose;
};

/* NULL (with the reason logged once) when the library can't be loaded. */
const struct nono_git_api *nono_git(void);

#endif
