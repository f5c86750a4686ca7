#!/usr/bin/env python3
"""Writes what `kubectl get ns,pods,networkpolicies -A -o yaml` prints for a synthetic cluster: ONE `kind: List`
document, pods with `managedFields`, `status` (phase, hostIP, podIP and podIPs with IPv6), owner references to
ReplicaSets that are not in the dump, a few host-network and completed Job pods. Deterministic.

usage: scripts/kubectl_list.py --pods 20000 [--namespaces 20] [-o FILE]
"""
import argparse, sys


def pod(i, namespaces):
    ns = f"ns-{i % namespaces:03d}"
    app = f"app-{(i // namespaces) % 40:02d}"
    host_network = i % 997 == 0
    completed = i % 1009 == 0
    ip = f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
    node_ip = f"192.168.{(i // 110) % 256}.{(i // 110) // 256 % 250 + 1}"
    own = "Job" if completed else "ReplicaSet"
    lines = f"""- apiVersion: v1
  kind: Pod
  metadata:
    creationTimestamp: "2026-11-01T10:00:00Z"
    generateName: {app}-7d9f8b6c5-
    labels:
      app: {app}
      pod-template-hash: 7d9f8b6c5
    managedFields:
    - apiVersion: v1
      fieldsType: FieldsV1
      fieldsV1:
        f:metadata:
          f:generateName: {{}}
          f:labels:
            .: {{}}
            f:app: {{}}
            f:pod-template-hash: {{}}
          f:ownerReferences:
            .: {{}}
            k:{{"uid":"0000-{i:08d}"}}: {{}}
        f:spec:
          f:containers:
            k:{{"name":"main"}}:
              .: {{}}
              f:image: {{}}
              f:ports:
                .: {{}}
                k:{{"containerPort":8080,"protocol":"TCP"}}:
                  .: {{}}
                  f:containerPort: {{}}
                  f:name: {{}}
      manager: kube-controller-manager
      operation: Update
      time: "2026-11-01T10:00:00Z"
    - apiVersion: v1
      fieldsType: FieldsV1
      fieldsV1:
        f:status:
          f:conditions: {{}}
          f:podIP: {{}}
          f:podIPs: {{}}
      manager: kubelet
      operation: Update
      subresource: status
      time: "2026-11-01T10:00:05Z"
    name: {app}-7d9f8b6c5-{i:06d}
    namespace: {ns}
    ownerReferences:
    - apiVersion: {"batch/v1" if completed else "apps/v1"}
      blockOwnerDeletion: true
      controller: true
      kind: {own}
      name: {app}-7d9f8b6c5
      uid: 0000-{i:08d}
    resourceVersion: "{100000 + i}"
    uid: 1111-{i:08d}
  spec:
    containers:
    - image: example/{app}:1.0
      name: main
      ports:
      - containerPort: 8080
        name: http
        protocol: TCP
    dnsPolicy: ClusterFirst
    hostNetwork: {"true" if host_network else "false"}
    nodeName: node-{i // 110}
    restartPolicy: {"Never" if completed else "Always"}
  status:
    conditions:
    - lastTransitionTime: "2026-11-01T10:00:05Z"
      status: "True"
      type: Ready
    hostIP: {node_ip}
    phase: {"Succeeded" if completed else "Running"}
    podIP: {node_ip if host_network else ip}
    podIPs:
    - ip: {node_ip if host_network else ip}
    - ip: fd00::{i:x}
    startTime: "2026-11-01T10:00:00Z"
"""
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pods", type=int, default=20000)
    parser.add_argument("--namespaces", type=int, default=20)
    parser.add_argument("-o", "--output")
    args = parser.parse_args()
    out = open(args.output, "w") if args.output else sys.stdout
    out.write("apiVersion: v1\nitems:\n")
    for n in range(args.namespaces):
        out.write(f"- apiVersion: v1\n  kind: Namespace\n  metadata:\n    labels:\n      kubernetes.io/metadata.name: ns-{n:03d}\n    name: ns-{n:03d}\n  status:\n    phase: Active\n")
    for i in range(args.pods):
        out.write(pod(i, args.namespaces))
    for n in range(args.namespaces):
        out.write(f"""- apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: default-deny
    namespace: ns-{n:03d}
  spec:
    podSelector: {{}}
    policyTypes: [Ingress]
""")
    out.write("kind: List\nmetadata:\n  resourceVersion: \"\"\n")


if __name__ == "__main__":
    main()
