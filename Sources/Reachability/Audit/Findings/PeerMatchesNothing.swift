import KubeModel

extension AuditRule {
    /// A rule peer that matches nothing.
    package static let peerMatchesNothing = AuditRule(
        id: "peer-matches-nothing",
        severity: .note,
        title: "Rule peer matches no endpoint",
        help: "A podSelector/namespaceSelector in a rule matches no endpoint in the input, so it allows nothing. Check "
            + "its labels, or whether the namespace labels exist."
    )
}

/// A pod or namespace selector in a rule that matches no endpoint.
enum PeerMatchesNothing: AuditCheck {
    static let rules: [AuditRule] = [.peerMatchesNothing]

    static func run(_ context: inout AuditContext) {
        var namespaceLabels: [String: [String: String]] = [:]
        for namespace in context.cluster.namespaces { namespaceLabels[namespace.name] = namespace.labels }
        let classes = context.model.classes
        for policy in context.cluster.policies {
            for direction in Direction.allCases where policy.policyTypes.contains(direction) {
                for (r, rule) in policy.rules(direction).enumerated() {
                    for (q, peer) in (rule.peers ?? []).enumerated() {
                        guard case .pods(let podSelector, let namespaceSelector) = peer else { continue }
                        // Endpoints of a class share namespace and labels: checking the classes is enough.
                        let matches = classes.contains { endpointClass in
                            let inNamespace =
                                namespaceSelector.map { $0.matches(namespaceLabels[endpointClass.namespace] ?? [:]) }
                                ?? (endpointClass.namespace == policy.namespace)
                            return inNamespace && (podSelector?.matches(endpointClass.labels) ?? true)
                        }
                        guard !matches else { continue }
                        let field =
                            "spec.\(direction.specField)[\(r)].\(direction.peerField)[\(q)]"
                        context.add(
                            .peerMatchesNothing,
                            subject: "NetworkPolicy \(policy.id)",
                            "\(field) of NetworkPolicy \(policy.id) matches no endpoint, so it allows nothing",
                            fix: "check the selector's labels against the workloads and namespaces it should match",
                            at: [rule.location ?? policy.location],
                            annotations: policy.annotations
                        )
                    }
                }
            }
        }
    }
}
