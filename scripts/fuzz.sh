#!/usr/bin/env bash
# make fuzz: builds the libFuzzer target (Fuzz/) with AddressSanitizer and runs it for FUZZ_SECONDS (default 300)
# on a corpus seeded from Fixtures/ and examples/. Crashers land in .build-fuzz/crashes/; keep each one, once
# fixed, in Fixtures/fuzz-regressions/ so that `make test` replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-300}
workers=${FUZZ_WORKERS:-1}
scratch=.build-fuzz
# Optimized (-c release) with coverage and AddressSanitizer: about ten times the executions of a debug build.
config=${FUZZ_CONFIG:-release}
NETREACH_FUZZ=1 swift build -c "$config" --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address --product netreach-fuzz \
    2>&1 | grep -v "Cannot export local symbol" || true
binary="$scratch/$config/netreach-fuzz"
[ -x "$binary" ] || { echo "error: the fuzz target did not build (see above)" >&2; exit 1; }
mkdir -p "$scratch/corpus" "$scratch/seed" "$scratch/crashes"
find Fixtures examples \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -size -64k -type f -print0 |
    while IFS= read -r -d '' file; do cp "$file" "$scratch/seed/$(echo "$file" | tr '/' '_')"; done
cp Fixtures/fuzz-regressions/* "$scratch/seed/" 2>/dev/null || true
args=(-max_total_time="$seconds" -dict=scripts/fuzz.dict -max_len=16384 -timeout=20 -rss_limit_mb=4096
    -artifact_prefix="$scratch/crashes/" -print_final_stats=1)
# FUZZ_KEEP_GOING=1 (or FUZZ_WORKERS>1) runs in fork mode and collects every crasher instead of stopping at the first.
if [ "$workers" -gt 1 ] || [ -n "${FUZZ_KEEP_GOING:-}" ]; then args+=(-fork="$workers" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1); fi
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} "$binary" "${args[@]}" "$scratch/corpus" "$scratch/seed"
