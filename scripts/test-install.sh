#!/usr/bin/env bash
# `make install` into a scratch prefix, then what a user does with it: run netreach and kubectl-netreach (as kubectl
# would: the plugin by its file name), read a man page, load the completions; then `make uninstall` leaves nothing.
# The same again with DESTDIR, as a package build stages it. Run by `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "test-install: $*" >&2; exit 1; }

prefix=$scratch/prefix
make -s install PREFIX="$prefix" > "$scratch/install.log" 2>&1 || { cat "$scratch/install.log"; fail "make install failed"; }
for f in bin/netreach bin/kubectl-netreach share/man/man1/netreach.1 share/man/man1/netreach-check.1 \
    share/man/man1/netreach-list.1 share/bash-completion/completions/netreach share/zsh/site-functions/_netreach \
    share/fish/vendor_completions.d/netreach.fish; do
    [ -e "$prefix/$f" ] || fail "make install did not install $f"
done
[ -L "$prefix/bin/kubectl-netreach" ] || fail "kubectl-netreach is not a link"
expected=$(.build/release/netreach list examples/shop)
[ "$("$prefix/bin/netreach" list examples/shop)" = "$expected" ] || fail "installed netreach lists other flows"
[ "$("$prefix/bin/kubectl-netreach" list examples/shop)" = "$expected" ] || fail "kubectl-netreach lists other flows"
"$prefix/bin/kubectl-netreach" version | grep -Eq '^netreach [0-9]+\.[0-9]+\.[0-9]+ \(commit ' ||
    fail "kubectl-netreach version"
# The page renders, under the name users type, and says what the command does.
MANPATH="$prefix/share/man" man -P cat netreach-check 2> /dev/null | grep -q "Check required deny and allow rules" ||
    fail "man netreach-check does not render"
# The completion scripts load, and bash completes the subcommands.
bash -n "$prefix/share/bash-completion/completions/netreach" || fail "bash completion has a syntax error"
words=$(bash -c 'source "$1"; COMP_WORDS=(netreach ch); COMP_CWORD=1; COMP_LINE="netreach ch"; COMP_POINT=11
    _netreach 2> /dev/null || true; printf "%s\n" "${COMPREPLY[@]}"' _ "$prefix/share/bash-completion/completions/netreach")
echo "$words" | grep -qx check || fail "bash completion does not offer 'check' for 'netreach ch' (got: $words)"
if command -v zsh > /dev/null; then zsh -n "$prefix/share/zsh/site-functions/_netreach" || fail "zsh completion"; fi
if command -v fish > /dev/null; then fish -n "$prefix/share/fish/vendor_completions.d/netreach.fish" || fail "fish completion"; fi
make -s uninstall PREFIX="$prefix" > /dev/null
left=$(find "$prefix" -type f -o -type l)
[ -z "$left" ] || fail "make uninstall left: $left"

stage=$scratch/stage
make -s install DESTDIR="$stage" PREFIX=/usr > /dev/null 2>&1 || fail "make install with DESTDIR failed"
[ -x "$stage/usr/bin/netreach" ] && [ -L "$stage/usr/bin/kubectl-netreach" ] || fail "DESTDIR install incomplete"
[ "$("$stage/usr/bin/kubectl-netreach" list examples/shop)" = "$expected" ] || fail "staged kubectl-netreach"
make -s uninstall DESTDIR="$stage" PREFIX=/usr > /dev/null
[ -z "$(find "$stage" -type f -o -type l)" ] || fail "make uninstall with DESTDIR left files"
echo "test-install: make install/uninstall (PREFIX and DESTDIR), netreach, kubectl-netreach, man page, completions: ok"
