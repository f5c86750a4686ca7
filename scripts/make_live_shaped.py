#!/usr/bin/env python3
"""Rewrites the Pods of a generated cluster (../shared/bench/gen_cluster.py, one multi-document stream) into the
shape `kubectl get pods -A -o yaml` gives on a live cluster, in place:

- one app in five is a StatefulSet: its pods are owned by it (`ownerReferences`, controller) and each carries
  `statefulset.kubernetes.io/pod-name: <pod>` (a value of its own), `apps.kubernetes.io/pod-index` and
  `controller-revision-hash`;
- the others are Deployments: each app's pods are owned by one of two ReplicaSets (a rollout half done), named
  `<app>-<hash>`, and carry that ReplicaSet's `pod-template-hash`;
- every pod gets `app.kubernetes.io/version`, a `uid`, a `status.podIP` and a `hostIP`.

No policy of the generator reads any of these labels. The pods of one owner become one endpoint, as netreach
reads a live cluster; the labels that differ between a StatefulSet's pods are the ones no selector reads.

usage: scripts/make_live_shaped.py FILE
"""
import hashlib, sys

from add_pod_ips import documents, is_pod, pod_ip, write


def short_hash(text, length=10):
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def main():
    path = sys.argv[1]
    docs = documents(path)
    pods = 0
    for i, document in enumerate(docs):
        if not is_pod(document):
            continue
        lines = document.split("\n")
        name = next(l.split(": ", 1)[1] for l in lines if l.startswith("  name: "))
        namespace = next(l.split(": ", 1)[1] for l in lines if l.startswith("  namespace: "))
        app = next(l.split(": ", 1)[1] for l in lines if l.startswith("    app: "))
        index = int(name.rsplit("-", 1)[1])
        stateful = int(short_hash(namespace + "/" + app, 4), 16) % 5 == 0
        if stateful:
            owner_kind, owner = "StatefulSet", app
            extra = [f"    statefulset.kubernetes.io/pod-name: {name}", f"    apps.kubernetes.io/pod-index: \"{index}\"",
                     f"    controller-revision-hash: {app}-{short_hash(namespace + app)}"]
        else:
            revision = short_hash(f"{namespace}/{app}/{index % 2}")
            owner_kind, owner = "ReplicaSet", f"{app}-{revision}"
            extra = [f"    pod-template-hash: {revision}"]
        extra.append(f"    app.kubernetes.io/version: 1.{len(app) % 7}.{0 if stateful else index % 2}")
        pods += 1
        ip = pod_ip(pods)
        out = []
        for line in lines:
            if line == "  labels:":
                out += [f"  uid: {short_hash(namespace + name, 8)}-0000-4000-8000-{short_hash(name, 12)}",
                        "  ownerReferences:",
                        f"    - apiVersion: apps/v1", f"      kind: {owner_kind}", f"      name: {owner}",
                        f"      uid: {short_hash(owner_kind + namespace + owner, 8)}-0000-4000-8000-000000000000",
                        "      controller: true", "      blockOwnerDeletion: true"]
                out.append(line)
                out += extra
                continue
            out.append(line)
            if line == "status:":
                out += [f"  podIP: {ip}", f"  podIPs:", f"    - ip: {ip}", f"  hostIP: 192.168.{pods % 250}.{pods % 200 + 1}"]
        docs[i] = "\n".join(out)
    write(path, docs)
    print(f"{pods} pods made live-shaped", file=sys.stderr)


if __name__ == "__main__":
    main()
