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
        let settings = context.model.settings
        for endpoint in context.cluster.endpoints where endpoint.hostNetwork {
            let reading =
                settings.isUngoverned(endpoint)
                ? "no NetworkPolicy governs it (\(settings.name)): it sends and accepts everything"
                : "NetworkPolicy may not apply to it: most plugins govern no host-network pod (pass --cni with yours)"
            context.add(
                .hostNetwork,
                subject: endpoint.id,
                "\(endpoint.id) runs with hostNetwork: true; \(reading)",
                fix: "remove hostNetwork: true unless the workload must use the node's network",
                at: [endpoint.location],
                annotations: endpoint.annotations
            )
        }
    }
}
