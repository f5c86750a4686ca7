#!/usr/bin/env bash
# Generates the man pages from the command definitions with swift-argument-parser's manual generator (the tool
# behind its `generate-manual` plugin, run on the release build: the plugin would rebuild netreach with other
# settings, and the next `swift build -c release` everything again), then names them as `man` users type them:
# netreach(1), netreach-list(1), netreach-check(1)… The hidden benchmark command and `help` get no page.
# usage: scripts/man-pages.sh OUTDIR   (after `swift build -c release`)
set -euo pipefail
out=${1:?usage: scripts/man-pages.sh OUTDIR}
cd "$(dirname "$0")/.."
swift=${SWIFT:-swift}
# The date of the commit, not of today: the same tree gives the same pages.
date=$(git log -1 --format=%cs 2> /dev/null || echo 2026-11-30)
"$swift" build --product generate-manual > /dev/null
generated=.build/manual-generated
rm -rf "$generated"
mkdir -p "$generated"
"$("$swift" build --show-bin-path)/generate-manual" "$("$swift" build -c release --show-bin-path)/netreach" \
    --multi-page --date "$date" --authors "the netreach developers" --output-directory "$generated"
rm -rf "$out"
mkdir -p "$out"
for page in "$generated"/netreach*.1; do
    name=$(basename "$page" .1)
    case "$name" in netreach.floor | netreach.help) continue ;; esac
    target=${name//./-}
    sed -e 's/^\(\.Dt NETREACH\)\./\1-/' \
        -e '/^\.Xr netreach\.\(floor\|help\) 1/d' \
        -e 's/^\(\.Xr netreach\)\./\1-/' "$page" > "$out/$target.1"
done
ls "$out"
