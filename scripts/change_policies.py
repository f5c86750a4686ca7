#!/usr/bin/env python3
"""Copy a generated cluster with N of its NetworkPolicies changed, deterministically: what a pull request does.

usage: scripts/change_policies.py CLUSTER.yaml N -o OUT.yaml

The policies changed are spread evenly over the file. In turn, one gets its first numbered port moved up by one,
one gets its first numbered port widened into a range (endPort), and one loses its first rule (the first `- from:`
or `- to:` item and what it holds). Policies without such a part are passed over, so exactly N change when the
cluster has enough of them; the count is printed on standard error.
"""
import argparse, re, sys


def change(doc, turn):
    """The document changed in the way `turn` picks, or None when it has no part of that kind."""
    lines = doc.split("\n")
    if turn == 0 or turn == 1:
        for i, line in enumerate(lines):
            m = re.match(r"^(\s*)port: (\d+)$", line)
            if m:
                port = int(m.group(2))
                if turn == 0:
                    lines[i] = f"{m.group(1)}port: {port + 1}"
                else:
                    lines.insert(i + 1, f"{m.group(1)}endPort: {port + 100}")
                return "\n".join(lines)
        return None
    for i, line in enumerate(lines):
        m = re.match(r"^(\s*)- (from|to):", line)
        if m:
            indent = len(m.group(1))
            end = i + 1
            while end < len(lines) and (len(lines[end]) - len(lines[end].lstrip()) > indent or not lines[end].strip()):
                end += 1
            rest = lines[:i] + lines[end:]
            return "\n".join(rest)
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("cluster")
    parser.add_argument("count", type=int)
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    with open(args.cluster) as f:
        docs = f.read().split("\n---\n")
    policies = [i for i, d in enumerate(docs) if "\nkind: NetworkPolicy\n" in "\n" + d + "\n"]
    step = max(1, len(policies) // max(1, args.count))
    # Every step-th policy first, then the others, until N have changed.
    order = policies[::step] + [p for i, p in enumerate(policies) if i % step]
    changed = 0
    for index in order:
        if changed == args.count:
            break
        new = change(docs[index], changed % 3)
        if new is not None and new != docs[index]:
            docs[index] = new
            changed += 1
    with open(args.output, "w") as f:
        f.write("\n---\n".join(docs))
    print(f"{changed} policies changed", file=sys.stderr)
    return 0 if changed == args.count else 1


if __name__ == "__main__":
    sys.exit(main())
