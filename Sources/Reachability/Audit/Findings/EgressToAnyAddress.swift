import KubeModel

extension AuditRule {
    /// A rule allows every port to every address.
    package static let egressToAnyAddress = AuditRule(
        id: "egress-to-any-address",
        severity: .warning,
        title: "Egress to every address on every port is allowed",
        help:
            "A rule lets the endpoint connect to every IPv4 address on every port. Limit it to the addresses and ports "
            + "the workload needs."
    )
}

/// An egress-isolated endpoint whose rules allow every address on every port.
enum EgressToAnyAddress: AuditCheck {
    static let rules: [AuditRule] = [.egressToAnyAddress]

    static func run(_ context: inout AuditContext) {
        let model = context.model
        for c in (0..<model.classes.count).map(ClassID.init) where model.isolated.egress[c] {
            var reached = IPSet()
            var allPorts = true
            for (peer, connections) in context.addressesReached(by: c) {
                guard let set = peer.addresses else { continue }
                reached.formUnion(set)
                if !connections.allowsAll { allPorts = false }
            }
            guard allPorts, IPSet.all([.v4]).isSubset(of: reached) else { continue }
            let policies = context.policies(selectingClass: c, .egress)
            for e in model.classes[c].members {
                let endpoint = context.cluster.endpoints[e]
                context.add(
                    .egressToAnyAddress,
                    subject: endpoint.id,
                    "\(endpoint.id) may connect to every IPv4 address on every port although it is isolated for egress",
                    fix: "limit the egress rules that allow it to the addresses and ports it needs",
                    at: [endpoint.location] + policies.map(\.location),
                    evidence: policies.map { .selectedBy(PolicyReference($0)) },
                    annotations: endpoint.annotations
                )
            }
        }
    }
}
