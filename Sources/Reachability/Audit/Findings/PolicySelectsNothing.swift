import KubeModel

extension AuditRule {
    /// A policy whose podSelector matches nothing.
    package static let policySelectsNothing = AuditRule(
        id: "policy-selects-nothing",
        severity: .warning,
        title: "NetworkPolicy selects no endpoint",
        help: "The policy's podSelector matches no pod or workload of its namespace in the input, so it has no effect. "
            + "Check the labels and the namespace."
    )
}

/// A policy whose podSelector matches nothing.
enum PolicySelectsNothing: AuditCheck {
    static let rules: [AuditRule] = [.policySelectsNothing]

    static func run(_ context: inout AuditContext) {
        for (p, policy) in context.cluster.policies.enumerated() where context.model.policySelection[p].isEmpty {
            context.add(
                .policySelectsNothing,
                subject: "NetworkPolicy \(policy.id)",
                "NetworkPolicy \(policy.id) selects no endpoint in namespace '\(policy.namespace)'",
                fix:
                    "check spec.podSelector against the labels of the workloads in '\(policy.namespace)', or remove the policy",
                at: [policy.location],
                annotations: policy.annotations
            )
        }
    }
}
