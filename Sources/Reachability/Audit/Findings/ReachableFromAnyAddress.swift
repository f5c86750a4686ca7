import KubeModel

extension AuditRule {
    /// A rule lets the whole IPv4 internet in.
    package static let reachableFromAnyAddress = AuditRule(
        id: "reachable-from-any-address",
        severity: .warning,
        title: "Endpoint is reachable from any IP address",
        help:
            "A rule allows connections from every IPv4 address (0.0.0.0/0, or a rule without 'from'). If the endpoint "
            + "is not meant to be public, restrict the rule's peers."
    )
}

/// An ingress-isolated endpoint whose rules let every IPv4 address in.
enum ReachableFromAnyAddress: AuditCheck {
    static let rules: [AuditRule] = [.reachableFromAnyAddress]

    static func run(_ context: inout AuditContext) {
        let model = context.model
        for c in (0..<model.classes.count).map(ClassID.init) where model.isolated.ingress[c] {
            var addresses = IPSet()
            var connections = ConnectionSet.none
            for edge in context.result.classFlows.externalIn[c] {
                if let set = context.result.peers[edge.peer].addresses { addresses.formUnion(set) }
                connections.formUnion(context.result.classFlows.connections[Int(edge.connection)])
            }
            guard IPSet.all([.v4]).isSubset(of: addresses) else { continue }
            let policies = context.policies(selectingClass: c, .ingress)
            context.addForEachMember(
                of: c,
                .reachableFromAnyAddress,
                message: { "\($0) is reachable from any IPv4 address on \(connections)" },
                fix: "if it is not meant to be public, restrict the 'from' of the ingress rules that allow it",
                also: policies.map(\.location),
                evidence: { _ in policies.map { .selectedBy(PolicyReference($0)) } }
            )
        }
    }
}
