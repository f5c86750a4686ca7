import KubeModel

extension AuditRule {
    /// Rules in a direction that the policy's `policyTypes` leave out.
    package static let policyRulesIgnored = AuditRule(
        id: "policy-rules-ignored",
        severity: .warning,
        title: "NetworkPolicy rules are ignored",
        help: "The policy has ingress (or egress) rules, but its policyTypes leave that direction out. Kubernetes "
            + "accepts it and the rules do nothing: the pods it selects are not isolated that way. Add the direction "
            + "to policyTypes if the rules should apply, or delete them."
    )
}

/// A policy whose `policyTypes` leave out a direction it has rules for: rules that look like protection and are not.
enum PolicyRulesIgnored: AuditCheck {
    static let rules: [AuditRule] = [.policyRulesIgnored]

    static func run(_ context: inout AuditContext) {
        for policy in context.cluster.policies {
            for direction in Direction.allCases where !policy.policyTypes.contains(direction) {
                let ignored = policy.rules(direction)
                guard !ignored.isEmpty else { continue }
                let types = Direction.allCases.filter(policy.policyTypes.contains).map(\.rawValue)
                context.add(
                    .policyRulesIgnored,
                    subject: "NetworkPolicy \(policy.id)",
                    "spec.\(direction.specField) of NetworkPolicy \(policy.id) has \(ignored.count) \(ignored.count == 1 ? "rule" : "rules") that \(ignored.count == 1 ? "does" : "do") nothing: its policyTypes [\(types.joined(separator: ", "))] leave \(direction.rawValue) out",
                    fix:
                        "add \(direction.rawValue) to spec.policyTypes if the rules should apply (the pods it selects become isolated for \(direction.specField)), or delete spec.\(direction.specField)",
                    at: [ignored[0].location ?? policy.location],
                    annotations: policy.annotations
                )
            }
        }
    }
}
