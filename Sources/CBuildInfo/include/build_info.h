#ifndef NETREACH_BUILD_INFO_H
#define NETREACH_BUILD_INFO_H

/// The git commit netreach was built from (`abc123def456`, `-dirty` when the working tree had changes), or
/// `unknown` when it was built outside `make` or outside a git checkout.
const char *netreach_build_commit(void);

#endif
