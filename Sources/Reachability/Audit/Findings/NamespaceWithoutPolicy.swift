import KubeModel

extension AuditRule {
    /// A namespace with endpoints and no NetworkPolicy at all.
    package static let namespaceWithoutPolicy = AuditRule(
        id: "namespace-without-policy",
        severity: .error,
        title: "Namespace has no NetworkPolicy",
        help:
            "Every pod of a namespace without NetworkPolicy accepts connections from anywhere and may connect anywhere. "
            + "The NSA/CISA Kubernetes Hardening Guide asks for a default-deny policy in every namespace: "
            + "podSelector: {} with policyTypes [Ingress, Egress], then policies that allow what each workload needs."
    )
}

/// A namespace with endpoints and no NetworkPolicy at all.
enum NamespaceWithoutPolicy: AuditCheck {
    static let rules: [AuditRule] = [.namespaceWithoutPolicy]

    static func run(_ context: inout AuditContext) {
        let cluster = context.cluster
        for (namespace, members) in NamespaceMembers(cluster).withEndpoints
        where !context.hasPolicies(namespace.name) {
            // A baseline default-deny both ways (admin tiers) stands in for the namespace's own.
            if Direction.allCases.allSatisfy({ context.model.baselineDefaultDeny($0, namespace: namespace) != nil }) {
                continue
            }
            let noun = members.count == 1 ? "workload" : "workloads"
            context.add(
                .namespaceWithoutPolicy,
                subject: "namespace '\(namespace.name)'",
                "namespace '\(namespace.name)' has no NetworkPolicy: its \(members.count) \(noun) \(members.count == 1 ? "accepts" : "accept") connections from anywhere and may connect anywhere",
                fix:
                    "add a default-deny NetworkPolicy to '\(namespace.name)' (podSelector: {}, policyTypes: [Ingress, Egress]) and allow only what each workload needs",
                at: [namespace.location ?? cluster.endpoints[members[0]].location]
                    + members.prefix(3).map { cluster.endpoints[$0].location },
                evidence: members.map { .endpoint(cluster.endpoints[$0].id) },
                annotations: namespace.annotations
            )
        }
    }
}

/// The namespaces that have endpoints, in namespace order, with their endpoints in name order.
struct NamespaceMembers {
    let withEndpoints: [(Namespace, [Int])]

    init(_ cluster: Cluster) {
        let endpointsByNamespace = cluster.endpointIndicesByNamespace()
        withEndpoints = cluster.namespaces.compactMap { namespace in
            endpointsByNamespace[namespace.name].map { (namespace, $0) }
        }
    }
}
