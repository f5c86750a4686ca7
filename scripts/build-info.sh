#!/usr/bin/env bash
# Writes Sources/CBuildInfo/commit.h: the commit `netreach version` prints. The file changes only when the commit
# (or the dirty state) does, so an unchanged tree rebuilds nothing. Outside a git checkout: "unknown".
set -euo pipefail
cd "$(dirname "$0")/.."
commit=unknown
if git rev-parse --git-dir > /dev/null 2>&1; then
    commit=$(git rev-parse --short=12 HEAD 2> /dev/null || echo unknown)
    if [ "$commit" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2> /dev/null)" ]; then
        commit="$commit-dirty"
    fi
fi
# Only hex digits and "-dirty" reach the C string.
case "$commit" in *[!0-9a-z-]*) commit=unknown ;; esac
header=Sources/CBuildInfo/commit.h
line="#define NETREACH_COMMIT \"$commit\""
if [ ! -f "$header" ] || [ "$(cat "$header")" != "$line" ]; then
    printf '%s\n' "$line" > "$header.tmp"
    mv "$header.tmp" "$header"
fi
