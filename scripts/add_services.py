#!/usr/bin/env python3
"""Copy a generated cluster with a Service per workload (namespace and `app` label) and some Ingresses in front
of them: what real repositories ship beside their workloads, for the benchmark of ways in.

usage: scripts/add_services.py CLUSTER.yaml -o OUT.yaml [--ingresses 200]

Each Service selects `app: X` and forwards port 80 to the pods' port named `http`; Ingress i sends one host to
the Service of workload i (in order), so the first N workloads are behind an Ingress.
"""
import argparse, re, sys


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("cluster")
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--ingresses", type=int, default=200)
    args = parser.parse_args()
    with open(args.cluster) as f:
        text = f.read()
    workloads = []
    seen = set()
    for doc in text.split("\n---\n"):
        if not re.search(r"^kind: (Pod|Deployment)$", doc, re.M):
            continue
        namespace = re.search(r"^  namespace: (\S+)$", doc, re.M)
        app = re.search(r"^\s+app: (\S+)$", doc, re.M)
        if namespace and app and (namespace.group(1), app.group(1)) not in seen:
            seen.add((namespace.group(1), app.group(1)))
            workloads.append((namespace.group(1), app.group(1)))
    docs = []
    for namespace, app in workloads:
        docs.append(f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {app}\n  namespace: {namespace}\nspec:\n"
                    f"  selector: {{app: {app}}}\n  ports:\n    - {{name: web, port: 80, targetPort: http}}\n")
    for i, (namespace, app) in enumerate(workloads[:args.ingresses]):
        docs.append(f"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ingress-{i}\n"
                    f"  namespace: {namespace}\nspec:\n  rules:\n    - host: app{i}.example.com\n      http:\n"
                    f"        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n"
                    f"              service: {{name: {app}, port: {{name: web}}}}\n")
    with open(args.output, "w") as f:
        f.write(text.rstrip("\n") + "\n---\n" + "---\n".join(docs))
    print(f"{len(workloads)} Services, {min(args.ingresses, len(workloads))} Ingresses", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
