#!/usr/bin/env bash
# The steps of the GitHub Action (action.yml), one phase per call, so that they can be run and tested outside
# GitHub. Every input arrives as an environment variable (never spliced into a script by the workflow).
#
#   deps     install libyaml and Graphviz if missing (apt-get, through sudo when not root)
#   build    swift build -c release in the action's directory; NETREACH=<binary> goes to $GITHUB_ENV
#   audit    netreach audit PATHS -o github (annotations), and SARIF when SARIF_FILE is set
#   check    netreach check --rules RULES PATHS -o github, and SARIF beside SARIF_FILE (-check.sarif)
#   diff     netreach diff --base BASE PATHS -o md into DIFF_FILE, for the pull-request comment
#   verdict  exit 1 when audit or check failed (after the SARIF upload and the comment have run)
#
# Environment: PATHS (whitespace-separated, default "."), RULES, FAIL_ON (audit --fail-on, default error),
# SARIF_FILE, BASE (a revision), DIFF_FILE, NETREACH (the binary; default: the release build beside this script),
# GITHUB_OUTPUT and GITHUB_ENV (files GitHub reads; optional here), ACTION_DIR (default: this repository).
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
action_dir=${ACTION_DIR:-$here}
netreach=${NETREACH:-$action_dir/.build/release/netreach}
read -r -a paths <<< "${PATHS:-.}"
[ ${#paths[@]} -gt 0 ] || paths=(.)
output() { [ -n "${GITHUB_OUTPUT:-}" ] && printf '%s=%s\n' "$1" "$2" >> "$GITHUB_OUTPUT"; return 0; }
check_sarif() { printf '%s\n' "${SARIF_FILE%.sarif}-check.sarif"; }

case "${1:-}" in
deps)
    missing=()
    for p in libyaml-dev libgraphviz-dev graphviz pkg-config; do
        dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && exit 0
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
    ;;
build)
    if ! command -v swift > /dev/null; then
        echo "::error title=netreach::no Swift toolchain on this runner; use ubuntu-latest (it has one) or add swift-actions/setup-swift before this action"
        exit 1
    fi
    swift build -c release --package-path "$action_dir" || exit 1
    [ -n "${GITHUB_ENV:-}" ] && printf 'NETREACH=%s\n' "$action_dir/.build/release/netreach" >> "$GITHUB_ENV"
    "$action_dir/.build/release/netreach" version
    ;;
audit)
    status=0
    if [ -n "${SARIF_FILE:-}" ]; then
        "$netreach" audit "${paths[@]}" -q -o sarif --file "$SARIF_FILE" --fail-on never || status=$?
        [ $status -eq 0 ] || { output audit-status "$status"; exit 0; }
    fi
    "$netreach" audit "${paths[@]}" -o github --fail-on "${FAIL_ON:-error}" || status=$?
    output audit-status "$status"
    ;;
check)
    [ -n "${RULES:-}" ] || { output check-status skipped; exit 0; }
    status=0
    if [ -n "${SARIF_FILE:-}" ]; then
        "$netreach" check --rules "$RULES" "${paths[@]}" -q -o sarif --file "$(check_sarif)" || true
        [ -f "$(check_sarif)" ] && output check-sarif "$(check_sarif)"
    fi
    "$netreach" check --rules "$RULES" "${paths[@]}" -o github || status=$?
    output check-status "$status"
    ;;
diff)
    [ -n "${BASE:-}" ] || { echo "::error title=netreach::comment-diff needs the base revision (a pull_request event)"; exit 1; }
    # In a container job the checkout belongs to another user, and git refuses it without this (runner only).
    [ "${GITHUB_ACTIONS:-}" = true ] && git config --global --add safe.directory "$PWD"
    "$netreach" diff --base "$BASE" "${paths[@]}" -q -o md --file "${DIFF_FILE:-netreach-diff.md}"
    ;;
verdict)
    failed=0
    for name in AUDIT_STATUS CHECK_STATUS; do
        value=${!name:-0}
        case "$value" in 0 | skipped | "") ;; *) failed=1 ;; esac
    done
    if [ "$failed" -ne 0 ]; then
        echo "netreach: audit status ${AUDIT_STATUS:-0}, check status ${CHECK_STATUS:-0} (1: findings or failed rules, 2: unusable input)"
    fi
    exit "$failed"
    ;;
*)
    sed -n 2,13p "$0" >&2
    exit 64
    ;;
esac
