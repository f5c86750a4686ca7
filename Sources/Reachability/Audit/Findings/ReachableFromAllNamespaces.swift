import KubeModel

extension AuditRule {
    /// A rule lets every other namespace in.
    package static let reachableFromAllNamespaces = AuditRule(
        id: "reachable-from-all-namespaces",
        severity: .warning,
        title: "Endpoint is reachable from every namespace",
        help: "A rule's namespaceSelector ({}, or one every namespace matches) lets pods of every namespace connect, "
            + "including namespaces created later. Narrow the rule to the namespaces and pods that need it."
    )
}

/// An ingress-isolated endpoint with a rule whose namespaceSelector admits every namespace (present or future,
/// however many the input holds).
enum ReachableFromAllNamespaces: AuditCheck {
    static let rules: [AuditRule] = [.reachableFromAllNamespaces]

    static func run(_ context: inout AuditContext) {
        let model = context.model
        // The rules that admit every namespace by their selector, present or future, whatever the input holds.
        let everyNamespace = model.rules.indices.map { admitsEveryNamespace(model.policyRule(RuleID($0))) }
        for c in (0..<model.classes.count).map(ClassID.init) where model.isolated.ingress[c] {
            let open = model.governing.ingress[c].filter { everyNamespace[$0] }
            var connections = ConnectionSet.none
            for r in open { connections.formUnion(model.connections(r, destinationClass: c)) }
            guard !connections.isEmpty else { continue }
            let origins = open.map { model.origin($0) }
            let policies = Set(origins.compactMap(\.policy)).sorted().map { model.policy($0) }
            let evidence: [Evidence] = origins.compactMap { origin in
                origin.policy.map {
                    .rule(PolicyReference(model.policy($0)), field: origin.field, does: "admits every namespace")
                }
            }
            context.addForEachMember(
                of: c,
                .reachableFromAllNamespaces,
                message: { "\($0) is reachable from every namespace, present or future, on \(connections)" },
                fix: "narrow the namespaceSelector of the ingress rules that allow it to the namespaces that need it",
                also: policies.map(\.location),
                evidence: { _ in evidence }
            )
        }
    }

    /// Whether a rule has a peer whose namespaceSelector matches every namespace. A rule without `from` admits
    /// everything, every address included: `reachable-from-any-address` reports that cause.
    private static func admitsEveryNamespace(_ rule: PolicyRule) -> Bool {
        guard let peers = rule.peers else { return false }
        return peers.contains {
            if case .pods(_, let namespaces?) = $0 { return namespaces.matchesEveryNamespace }
            return false
        }
    }
}
