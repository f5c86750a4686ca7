#!/usr/bin/env python3
"""Copy a generated cluster with admin policy tiers added: what a platform team layers over the namespaces'
NetworkPolicies, for the benchmark of the tiers (issue 17).

usage: scripts/add_admin_tiers.py CLUSTER.yaml -o OUT.yaml [--admin 200]

Adds --admin AdminNetworkPolicies (v1alpha1), each at a priority of its own, and the BaselineAdminNetworkPolicy.
They cycle through the shapes admins write: a namespace (by team or env label) that another env may not reach
(Deny), monitoring handed to the namespaces (Pass), an app opened on its port to one team (Allow, pods subject),
egress to a partner network allowed and the rest of the external range denied, and a namespace kept from a
range of ports. The baseline denies ingress from every pod and egress to one team's namespaces.
"""
import argparse, re


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("cluster")
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--admin", type=int, default=200)
    args = parser.parse_args()
    with open(args.cluster) as f:
        text = f.read()
    teams = sorted(set(re.findall(r"^    team: (\S+)$", text, re.M))) or ["team-0"]
    envs = sorted(set(re.findall(r"^    env: (\S+)$", text, re.M))) or ["dev"]
    apps = sorted(set(re.findall(r"^\s+app: (\S+)$", text, re.M))) or ["app-00"]
    docs = []
    for i in range(args.admin):
        team = teams[i % len(teams)]
        other = teams[(i * 7 + 3) % len(teams)]
        env = envs[i % len(envs)]
        app = apps[(i * 13) % len(apps)]
        shape = i % 5
        head = (f"apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata:\n"
                f"  name: admin-{i:03d}\nspec:\n  priority: {i}\n")
        if shape == 0:
            body = (f"  subject: {{namespaces: {{matchLabels: {{team: {team}}}}}}}\n  ingress:\n"
                    f"    - name: deny-from-{env}\n      action: Deny\n"
                    f"      from: [{{namespaces: {{matchLabels: {{env: {env}}}}}}}]\n")
        elif shape == 1:
            body = (f"  subject: {{namespaces: {{}}}}\n  ingress:\n    - name: pass-from-{other}\n      action: Pass\n"
                    f"      from: [{{namespaces: {{matchLabels: {{team: {other}}}}}}}]\n"
                    f"      ports: [{{portNumber: {{protocol: TCP, port: {9000 + i}}}}}]\n")
        elif shape == 2:
            body = (f"  subject: {{pods: {{namespaceSelector: {{}}, podSelector: {{matchLabels: {{app: {app}}}}}}}}}\n"
                    f"  ingress:\n    - name: allow-{other}\n      action: Allow\n"
                    f"      from: [{{namespaces: {{matchLabels: {{team: {other}}}}}}}]\n"
                    f"      ports: [{{namedPort: http}}]\n")
        elif shape == 3:
            body = (f"  subject: {{namespaces: {{matchLabels: {{team: {team}}}}}}}\n  egress:\n"
                    f"    - name: allow-partner\n      action: Allow\n      to: [{{networks: [203.0.{i % 256}.0/24]}}]\n"
                    f"      ports: [{{portNumber: {{protocol: TCP, port: 443}}}}]\n"
                    f"    - name: deny-range\n      action: Deny\n      to: [{{networks: [203.0.0.0/16]}}]\n")
        else:
            body = (f"  subject: {{namespaces: {{matchLabels: {{env: {env}}}}}}}\n  egress:\n"
                    f"    - name: deny-ports\n      action: Deny\n"
                    f"      to: [{{namespaces: {{matchLabels: {{team: {other}}}}}}}]\n"
                    f"      ports: [{{portRange: {{protocol: TCP, start: {20000 + i}, end: {20100 + i}}}}}]\n")
        docs.append(head + body)
    docs.append("apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata:\n"
                "  name: default\nspec:\n  subject: {namespaces: {}}\n  ingress:\n"
                "    - name: deny-from-pods\n      action: Deny\n      from: [{namespaces: {}}]\n  egress:\n"
                f"    - name: deny-to-{teams[0]}\n      action: Deny\n"
                f"      to: [{{namespaces: {{matchLabels: {{team: {teams[0]}}}}}}}]\n")
    with open(args.output, "w") as f:
        f.write(text.rstrip("\n"))
        f.write("\n---\n" + "---\n".join(docs))


if __name__ == "__main__":
    main()
