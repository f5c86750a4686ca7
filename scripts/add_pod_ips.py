#!/usr/bin/env python3
"""Gives every Pod of a multi-document YAML stream (as ../shared/bench/gen_cluster.py writes it) a `status.podIP`
in 10.0.0.0/8, the first pod 10.0.0.1, as a live cluster reports them; rewrites FILE in place.

usage: scripts/add_pod_ips.py FILE

Its helpers (`documents`, `is_pod`, `pod_ip`, `write`) are shared with scripts/make_live_shaped.py.
"""
import sys


def documents(path):
    """The YAML documents of a generated stream."""
    with open(path) as f:
        return f.read().split("\n---\n")


def write(path, documents):
    with open(path, "w") as f:
        f.write("\n---\n".join(documents))


def is_pod(document):
    return "\nkind: Pod\n" in "\n" + document + "\n"


def pod_ip(n):
    """The address of the n-th pod (from 1): 10.0.0.1, 10.0.0.2, …"""
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def main():
    path = sys.argv[1]
    docs = documents(path)
    count = 0
    for i, document in enumerate(docs):
        if is_pod(document):
            count += 1
            ip = pod_ip(count)
            if "\nstatus:\n" in document:  # the generator writes `status: {phase: Running}` as a block
                docs[i] = document.replace("\nstatus:\n", f"\nstatus:\n  podIP: {ip}\n", 1)
            else:
                docs[i] = document.rstrip("\n") + f"\nstatus:\n  phase: Running\n  podIP: {ip}\n"
    write(path, docs)


if __name__ == "__main__":
    main()
