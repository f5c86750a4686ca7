#!/usr/bin/env python3
"""Gives every Pod of a multi-document YAML stream (as ../shared/bench/gen_cluster.py writes it) a `status.podIP`
in 10.0.0.0/8, the first pod 10.0.0.1, as a live cluster reports them; rewrites FILE in place.

usage: scripts/add_pod_ips.py FILE
"""
import sys


def main():
    path = sys.argv[1]
    with open(path) as f:
        documents = f.read().split("\n---\n")
    count = 0
    for i, document in enumerate(documents):
        if "\nkind: Pod\n" in "\n" + document + "\n":
            count += 1
            ip = f"10.{(count >> 16) & 255}.{(count >> 8) & 255}.{count & 255}"
            if "\nstatus:\n" in document:  # the generator writes `status: {phase: Running}` as a block
                documents[i] = document.replace("\nstatus:\n", f"\nstatus:\n  podIP: {ip}\n", 1)
            else:
                documents[i] = document.rstrip("\n") + f"\nstatus:\n  phase: Running\n  podIP: {ip}\n"
    with open(path, "w") as f:
        f.write("\n---\n".join(documents))


if __name__ == "__main__":
    main()
