#!/usr/bin/env python3
"""Copy a generated cluster giving every Pod one more label with a value of its own, as real clusters carry
labels no selector reads (`pod-template-hash`, `statefulset.kubernetes.io/pod-name`, ...).

usage: scripts/add_unique_labels.py CLUSTER.yaml -o OUT.yaml
"""
import argparse, sys


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("cluster")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    out = []
    in_pod = False
    count = 0
    with open(args.cluster) as f:
        for line in f:
            if line.startswith("kind: "):
                in_pod = line.strip() == "kind: Pod"
            out.append(line)
            if in_pod and line == "  labels:\n":
                out.append(f"    pod-template-hash: h{count:06d}\n")
                count += 1
                in_pod = False
    with open(args.output, "w") as f:
        f.writelines(out)
    print(f"{count} pods labelled", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
