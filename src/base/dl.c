/* dl.c - see dl.h (supervisor side). */
#include "config.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/dl.h"
#include "base/log.h"

/* Resolve names[i] into the i-th pointer of api; false if any is missing. */
static bool
load(const char *soname, void **slots, const char *const *names, size_t n)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		log_warn("cannot load %s: %s", soname, dlerror());
		return false;
	}
	for (size_t i = 0; i < n; i++)
		if (!(slots[i] = dlsym(h, names[i]))) {
			log_warn("%s has no %s", soname, names[i]);
			return false;
		}
	return true;
}

const struct nono_git_api *
nono_git(void)
{
	static const char *const names[] = {"git_libgit2_init",
					    "git_libgit2_shutdown",
					    "git_diff_buffers",
					    "git_error_last",
					    "git_libgit2_opts",
					    "git_repository_open_ext",
					    "git_repository_free",
					    "git_repository_workdir",
					    "git_repository_path",
					    "git_repository_commondir",
					    "git_repository_index",
					    "git_repository_config_snapshot",
					    "git_config_get_entry",
					    "git_config_entry_free",
					    "git_config_free",
					    "git_index_get_bypath",
					    "git_index_find_prefix",
					    "git_index_free",
					    "git_ignore_path_is_ignored",
					    "git_odb_new",
					    "git_mempack_new",
					    "git_odb_add_backend",
					    "git_odb_free",
					    "git_repository_wrap_odb",
					    "git_blob_create_from_buffer",
					    "git_index_new",
					    "git_index_add",
					    "git_index_write_tree_to",
					    "git_tree_lookup",
					    "git_tree_free",
					    "git_diff_tree_to_tree",
					    "git_diff_find_similar",
					    "git_diff_print",
					    "git_diff_free",
					    "git_diff_get_stats",
					    "git_diff_stats_to_buf",
					    "git_diff_stats_free",
					    "git_buf_dispose"};
	static struct nono_git_api api;
	static int state;

	_Static_assert(sizeof(api) == sizeof(names) / sizeof(names[0]) * sizeof(void *), "one slot per name");
	if (!state)
		state = load(NONO_GIT2_SONAME, (void **)&api, names, sizeof(names) / sizeof(names[0])) ? 1 : -1;
	return state > 0 ? &api : NULL;
}
