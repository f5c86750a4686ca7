#!/usr/bin/env bash
# Runs two netreach binaries on the same inputs and compares every output byte for byte: for a change meant to
# leave behaviour as it was (a refactor of the engine), the answer must be "identical".
#
# usage: scripts/compare-outputs.sh OLD NEW [EXTRA_DIR...]
#   OLD, NEW     two netreach executables (build the old one from a worktree: git worktree add /tmp/old REV)
#   EXTRA_DIR    more inputs, e.g. benchmark clusters from ../shared/bench/gen_cluster.py, small enough to list
#                whole (every flow is written: 10,000 pods is about 3 million lines; 150,000 pods would be 62 GB)
# Inputs: every scenario under Fixtures/, examples/shop, and the peers' cases under ../shared/oracle/cases.
# Commands: list in txt/json/csv/md/dot, list --default-allow (txt, json), --focus-conn tcp-80 (txt, json) and
# --count, audit in txt/json/sarif with --isolation, check with examples/shop/rules.yaml (on the shop) and with
# rules of every kind written from each input's namespaces (txt, json, sarif), graph --namespaces as DOT, diff of
# each input against the next and of the peer's diff cases and examples/diff (txt, json, md, github, and
# filtered); stdout, stderr and exit status are all compared. Exit status 0 when everything is identical, 1 otherwise.
# An EXTRA_DIR joins the diffs too: a peer's case against 10,000 pods lists millions of changes in every format,
# so compare large clusters' lists by hand (cmp).
set -uo pipefail
[ $# -ge 2 ] || { sed -n 2,16p "$0"; exit 2; }
old=$1 new=$2
shift 2
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
inputs=()
for dir in Fixtures/*/input Fixtures/audit/*/positive Fixtures/audit/*/negative examples/shop; do
    [ -e "$dir" ] && inputs+=("$dir")
done
if [ -d ../shared/oracle/cases ]; then
    for dir in ../shared/oracle/cases/*/input; do inputs+=("$dir"); done
fi
inputs+=("$@")
commands=(
    "list" "list -o json" "list -o csv" "list -o md" "list -o dot" "list --default-allow" "list --count"
    "list -o json --default-allow" "list --focus-conn tcp-80" "list -o json --focus-conn tcp-80"
    "audit --fail-on never --isolation" "audit --fail-on never -o json" "audit --fail-on never -o sarif"
    "graph --namespaces"
)
differences=0
runs=0
compare() {  # compare LABEL ARGS...
    local label=$1
    shift
    "$old" "$@" > "$work/old.out" 2> "$work/old.err"
    echo "exit $?" >> "$work/old.err"
    "$new" "$@" > "$work/new.out" 2> "$work/new.err"
    echo "exit $?" >> "$work/new.err"
    runs=$((runs + 1))
    local parts=()
    cmp -s "$work/old.out" "$work/new.out" || parts+=(stdout)
    cmp -s "$work/old.err" "$work/new.err" || parts+=("stderr/exit")
    if [ ${#parts[@]} -gt 0 ]; then
        differences=$((differences + 1))
        echo "DIFFERENT (${parts[*]}): $label"
        diff <(head -c 100000 "$work/old.out") <(head -c 100000 "$work/new.out") | head -5
        diff "$work/old.err" "$work/new.err" | head -5
    fi
}
for input in "${inputs[@]}"; do
    for command in "${commands[@]}"; do
        # shellcheck disable=SC2086
        compare "$command $input" $command "$input"
    done
done
for format in txt json junit sarif github; do
    compare "check -o $format examples/shop" check --rules examples/shop/rules.yaml examples/shop -o "$format"
done
# Every rule kind on every input: rules written from the input's namespaces (by the old binary's audit).
for input in "${inputs[@]}"; do
    "$old" audit --fail-on never -o json --isolation "$input" 2> /dev/null | python3 -c '
import json, sys
try:
    spaces = json.load(sys.stdin)["isolation"]["namespaces"]
except Exception:
    spaces = []
rules = ["rules:", "  - {name: nothing, deny: {from: any, to: any}}",
         "  - {name: everything, allow: {from: any, to: any}}",
         "  - {name: web, allow: {from: any, to: any, ports: [80/TCP, 53/UDP]}}",
         "  - {name: v6, deny: {from: \"::/0\", to: any}}",
         "  - {name: metadata, deny: {from: any, to: 169.254.169.254/32}}",
         "  - {name: cluster-wide, no-default-allow: all}"]
for i, ns in enumerate(spaces):
    other = spaces[(i + 1) % len(spaces)]
    q = json.dumps(ns)
    rules += [f"  - {{name: iso-{i}, isolated: {q}}}",
              f"  - {{name: iso-in-{i}, isolated: {q}, direction: ingress, except: [{{from: {json.dumps(other)}, ports: [443/TCP]}}]}}",
              f"  - {{name: iso-out-{i}, isolated: {q}, direction: egress, except: [{{to: 10.0.0.0/8}}, {{to: any, ports: [53/UDP]}}]}}",
              f"  - {{name: dd-{i}, default-deny: {q}}}",
              f"  - {{name: nda-{i}, no-default-allow: {q}}}",
              f"  - {{name: deny-{i}, deny: {{from: {q}, to: {json.dumps(other)}, ports: [1-1000/TCP]}}}}",
              f"  - {{name: allow-{i}, allow: {{from: {q}, to: {json.dumps(other)}}}}}",
              f"  - {{name: internet-{i}, deny: {{from: 0.0.0.0/0, to: {{namespace: {q}}}}}}}"]
print("\n".join(rules))
' > "$work/rules.yaml"
    for format in txt json sarif; do
        compare "check -o $format (every kind) $input" check --allow-empty --examples 4 --rules "$work/rules.yaml" \
            "$input" -o "$format"
    done
done
# diff: each input against the next one, the peer's diff cases, and the bundled example, whole and filtered.
pairs=()
for ((i = 0; i + 1 < ${#inputs[@]}; i++)); do pairs+=("${inputs[i]} ${inputs[i + 1]}"); done
if [ -d ../shared/oracle/diff/cases ]; then
    for dir in ../shared/oracle/diff/cases/*/; do pairs+=("${dir}old ${dir}new"); done
fi
pairs+=("examples/diff/old examples/diff/new")
for pair in "${pairs[@]}"; do
    for options in "" "-o json" "-o md" "-o github" "--focus db" "--to default -o json"; do
        # shellcheck disable=SC2086
        compare "diff $options $pair" diff $options $pair
    done
done
echo "$runs runs on ${#inputs[@]} inputs: $((runs - differences)) identical, $differences different"
[ "$differences" -eq 0 ]
