import KubeModel

extension AuditRule {
    /// A rule lets every other namespace in.
    package static let reachableFromAllNamespaces = AuditRule(
        id: "reachable-from-all-namespaces",
        severity: .warning,
        title: "Endpoint is reachable from every namespace",
        help: "A rule (often namespaceSelector: {}) lets pods of every other namespace connect. Narrow the rule to the "
            + "namespaces and pods that need it."
    )
}

/// An ingress-isolated endpoint whose rules let every other namespace in.
enum ReachableFromAllNamespaces: AuditCheck {
    static let rules: [AuditRule] = [.reachableFromAllNamespaces]

    static func run(_ context: inout AuditContext) {
        let model = context.model
        let allNamespaces = Set(context.cluster.endpoints.map(\.namespace))
        for c in (0..<model.classes.count).map(ClassID.init) where model.isolated.ingress[c] {
            let namespace = model.classes[c].namespace
            var reaching = Set<String>()
            var connections = ConnectionSet.none
            for edge in context.result.classFlows.inbound[c] {
                let other = model.classes[edge.peer].namespace
                guard other != namespace else { continue }
                reaching.insert(other)
                connections.formUnion(context.result.classFlows.connections[Int(edge.connection)])
            }
            let others = allNamespaces.subtracting([namespace])
            guard others.count >= 2, reaching == others else { continue }
            let policies = context.policies(selectingClass: c, .ingress)
            for e in model.classes[c].members {
                let endpoint = context.cluster.endpoints[e]
                context.add(
                    .reachableFromAllNamespaces,
                    subject: endpoint.id,
                    "\(endpoint.id) is reachable from every other namespace (\(others.count)) on \(connections)",
                    fix: "narrow the ingress rules of the policies selecting it to the namespaces that need it",
                    at: [endpoint.location] + policies.map(\.location),
                    evidence: policies.map { .selectedBy(PolicyReference($0)) },
                    annotations: endpoint.annotations
                )
            }
        }
    }
}
