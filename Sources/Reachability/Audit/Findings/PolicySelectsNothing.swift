import KubeModel

extension AuditRule {
    /// A policy whose podSelector matches nothing.
    package static let policySelectsNothing = AuditRule(
        id: "policy-selects-nothing",
        severity: .warning,
        title: "NetworkPolicy selects no endpoint",
        help: "The policy's podSelector matches no pod or workload of its namespace in the input, so it has no effect "
            + "on what the input holds. Pods that an operator or a custom resource creates (Prometheus, Alertmanager, "
            + "a database operator's instances) are not in the manifests: declare a stand-in Pod with their labels in a "
            + "file you pass to netreach. Otherwise check the labels and the namespace."
    )
}

/// A policy whose podSelector matches nothing.
enum PolicySelectsNothing: AuditCheck {
    static let rules: [AuditRule] = [.policySelectsNothing]

    static func run(_ context: inout AuditContext) {
        let settings = context.model.settings
        let ungoverned = context.cluster.endpoints.filter(settings.isUngoverned)  // none with the generic reading
        for (p, policy) in context.cluster.policies.enumerated() where context.model.policySelection[p].isEmpty {
            let hostNetwork = ungoverned.filter {
                $0.namespace == policy.namespace && policy.podSelector.matches($0.labels)
            }
            if let first = hostNetwork.first {
                context.add(
                    .policySelectsNothing,
                    subject: "NetworkPolicy \(policy.id)",
                    "NetworkPolicy \(policy.id) selects only host-network pods (\(first.id)\(hostNetwork.count > 1 ? ", …" : "")), which no NetworkPolicy governs (\(settings.name)): it has no effect",
                    fix:
                        "protect the node with your plugin's host policy (Calico host endpoints, Cilium's host firewall), or run the pods without hostNetwork: true",
                    at: [policy.location],
                    annotations: policy.annotations
                )
                continue
            }
            context.add(
                .policySelectsNothing,
                subject: "NetworkPolicy \(policy.id)",
                "NetworkPolicy \(policy.id) selects no endpoint in namespace '\(policy.namespace)'",
                fix:
                    "if an operator or a custom resource creates the pods it protects (Prometheus, Alertmanager, …), they are not in the manifests: add a stand-in Pod with their labels to the input; otherwise check spec.podSelector against the labels of the workloads in '\(policy.namespace)'",
                at: [policy.location],
                annotations: policy.annotations
            )
        }
    }
}
