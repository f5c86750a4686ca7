#!/usr/bin/env bash
# Installs the system packages netreach builds and runs with, if any is missing.
# Debian/Ubuntu only; elsewhere it says what to install and stops.
set -euo pipefail
packages=(libyaml-dev libgraphviz-dev graphviz pkg-config python3 python3-pip python3-jsonschema python3-yaml python3-lxml git man-db)
if ! command -v swift >/dev/null 2>&1; then
  echo "error: the Swift toolchain (6.0 or newer) is not on PATH" >&2
  echo "  hint: install it from swift.org (or Debian's 'swiftlang' package) and run make again" >&2
  exit 1
fi
if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  for pc in yaml-0.1 libgvc; do
    if ! pkg-config --exists "$pc" 2>/dev/null; then
      echo "error: pkg-config cannot find '$pc' and this system has no apt-get" >&2
      echo "  hint: install libyaml and graphviz (with development headers) with your package manager" >&2
      exit 1
    fi
  done
  exit 0
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing missing packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "error: need root to install ${missing[*]}; run: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
