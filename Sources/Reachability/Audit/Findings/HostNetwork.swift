import KubeModel

extension AuditRule {
    /// Pods on the node's network.
    package static let hostNetwork = AuditRule(
        id: "host-network",
        severity: .warning,
        title: "Pods use the host network",
        help: "Pods with hostNetwork: true share the node's network namespace; most CNIs do not enforce NetworkPolicy "
            + "for them. Avoid hostNetwork, or protect the node itself."
    )
}

/// Pods on the node's network, which most CNIs do not police.
enum HostNetwork: AuditCheck {
    static let rules: [AuditRule] = [.hostNetwork]

    static func run(_ context: inout AuditContext) {
        for endpoint in context.cluster.endpoints where endpoint.hostNetwork {
            context.add(
                .hostNetwork,
                subject: endpoint.id,
                "\(endpoint.id) runs with hostNetwork: true; NetworkPolicy may not apply to it",
                fix: "remove hostNetwork: true unless the workload must use the node's network",
                at: [endpoint.location],
                annotations: endpoint.annotations
            )
        }
    }
}
