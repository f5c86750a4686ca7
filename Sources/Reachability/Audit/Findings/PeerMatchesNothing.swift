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
        let namespaces = context.cluster.namespaces
        let classes = context.model.classes
        // Endpoints of a class share namespace and labels: checking the classes is enough. They are looked at by
        // namespace, and the namespaces a namespaceSelector matches are found once per distinct selector (2,000
        // namespaces and 10,000 policies: every peer against every class was most of the audit).
        var classesIn: [String: [Int]] = [:]
        for (c, endpointClass) in classes.enumerated() { classesIn[endpointClass.namespace, default: []].append(c) }
        var selected: [LabelSelector: [String]] = [:]
        func namespaces(matching selector: LabelSelector) -> [String] {
            if let known = selected[selector] { return known }
            let names = namespaces.filter { selector.matches($0.labels) }.map(\.name)
            selected[selector] = names
            return names
        }
        for policy in context.cluster.policies {
            for direction in Direction.allCases where policy.policyTypes.contains(direction) {
                for (r, rule) in policy.rules(direction).enumerated() {
                    for (q, peer) in (rule.peers ?? []).enumerated() {
                        guard case .pods(let podSelector, let namespaceSelector) = peer else { continue }
                        let inNamespaces = namespaceSelector.map(namespaces(matching:)) ?? [policy.namespace]
                        let matches = inNamespaces.contains { namespace in
                            (classesIn[namespace] ?? []).contains { c in
                                podSelector?.matches(classes[c].labels) ?? true
                            }
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
