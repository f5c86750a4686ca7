import KubeModel

extension AuditRule {
    /// A namespace whose policies leave some pods without an ingress default-deny.
    package static let namespaceWithoutDefaultDenyIngress = AuditRule(
        id: "namespace-without-default-deny-ingress",
        severity: .warning,
        title: "Namespace has no default-deny for ingress",
        help:
            "No policy in the namespace selects every pod (podSelector: {}) for Ingress, so a pod that no other policy "
            + "selects accepts connections from anywhere. Add a policy with podSelector: {} and policyTypes [Ingress]."
    )
    /// A namespace whose policies leave some pods without an egress default-deny.
    package static let namespaceWithoutDefaultDenyEgress = AuditRule(
        id: "namespace-without-default-deny-egress",
        severity: .warning,
        title: "Namespace has no default-deny for egress",
        help:
            "No policy in the namespace selects every pod (podSelector: {}) for Egress, so a pod that no other policy "
            + "selects may connect anywhere, including the cloud metadata API. Add a policy with podSelector: {} and "
            + "policyTypes [Egress], and allow DNS explicitly."
    )
}

/// A namespace with policies, none of which selects every pod for a direction.
enum NamespaceWithoutDefaultDeny: AuditCheck {
    static let rules: [AuditRule] = [.namespaceWithoutDefaultDenyIngress, .namespaceWithoutDefaultDenyEgress]
    private static let rule = PerDirection(
        ingress: AuditRule.namespaceWithoutDefaultDenyIngress,
        egress: .namespaceWithoutDefaultDenyEgress
    )

    static func run(_ context: inout AuditContext) {
        let cluster = context.cluster
        for (namespace, members) in NamespaceMembers(cluster).withEndpoints {
            let policies = (context.policiesByNamespace[namespace.name] ?? []).map { cluster.policies[$0] }
            guard !policies.isEmpty else { continue }
            for direction in Direction.allCases {
                let hasDefaultDeny = policies.contains { $0.podSelector.isEmpty && $0.policyTypes.contains(direction) }
                // A baseline default-deny protects the pods no NetworkPolicy selects.
                guard !hasDefaultDeny, context.model.baselineDefaultDeny(direction, namespace: namespace) == nil else {
                    continue
                }
                let word = direction.rawValue.lowercased()
                context.add(
                    rule[direction],
                    subject: "namespace '\(namespace.name)'",
                    "namespace '\(namespace.name)' has no default-deny for \(word): a pod that no policy selects for \(word) is open",
                    fix:
                        "add a NetworkPolicy to '\(namespace.name)' with podSelector: {} and policyTypes: [\(direction.rawValue)]"
                        + (direction == .egress ? ", then allow DNS and the calls each workload makes" : ""),
                    at: [namespace.location ?? cluster.endpoints[members[0]].location]
                        + policies.prefix(3).map(\.location),
                    annotations: namespace.annotations
                )
            }
        }
    }
}
