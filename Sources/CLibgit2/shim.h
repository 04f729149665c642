#ifndef SPOTCTL_CLIBGIT2_SHIM_H
#define SPOTCTL_CLIBGIT2_SHIM_H
#include <git2.h>
#include <git2/sys/mempack.h>
#endif
