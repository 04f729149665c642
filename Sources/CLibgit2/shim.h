#ifndef SPOTCTL_CLIBGIT2_SHIM_H
#define SPOTCTL_CLIBGIT2_SHIM_H
#include <git2.h>
/* zlib (a dependency of libgit2-dev) deflates the objects of the packs GitStore writes itself. */
#include <zlib.h>

/* git_libgit2_opts is variadic, which Swift cannot call: one wrapper per option used. */
static inline int spotctl_git_set_cache_object_limit(git_object_t type, size_t bytes) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, type, bytes);
}
/* Makes libgit2 fsync loose objects, packs it writes, refs and the index before renaming them. */
static inline int spotctl_git_enable_fsync(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, enabled);
}
#endif
