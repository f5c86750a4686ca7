// The commit is written by scripts/build-info.sh (run by every make target that builds) into commit.h beside this
// file, which git ignores; a plain `swift build` finds no such file and says "unknown". Only this file includes it,
// so a new commit recompiles one C file and relinks, nothing else.
#include "build_info.h"

#if __has_include("commit.h")
#include "commit.h"
#endif

#ifndef NETREACH_COMMIT
#define NETREACH_COMMIT "unknown"
#endif

const char *netreach_build_commit(void) { return NETREACH_COMMIT; }
