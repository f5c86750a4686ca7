import KubeModel

extension AuditRule {
    /// Egress to 169.254.169.254:80.
    package static let egressToCloudMetadata = AuditRule(
        id: "egress-to-cloud-metadata",
        severity: .error,
        title: "Egress to the cloud metadata API is allowed",
        help:
            "The endpoint may connect to 169.254.169.254 on TCP 80, where cloud providers serve instance credentials. "
            + "Add 169.254.169.254/32 to the except list of egress ipBlocks, or isolate the endpoint for egress."
    )
}

/// Egress allowed to the cloud metadata API.
enum EgressToCloudMetadata: AuditCheck {
    static let rules: [AuditRule] = [.egressToCloudMetadata]

    static func run(_ context: inout AuditContext) {
        guard let address = IPAddress("169.254.169.254") else { return }
        let metadata = IPRange(family: .v4, bounds: address.value...address.value)
        let model = context.model
        for c in (0..<model.classes.count).map(ClassID.init) {
            var found: (name: String, connections: ConnectionSet)?
            for (peer, connections) in context.addressesReached(by: c) {
                if let set = peer.addresses, set.contains(metadata), connections[.tcp].contains(80...80) {
                    found = (peer.name, connections)
                }
            }
            guard let found else { continue }
            let isolated = model.isolated.egress[c]
            let why = isolated ? "a rule allows it" : "no NetworkPolicy selects it for egress"
            let policies = context.policies(selectingClass: c, .egress)
            for e in model.classes[c].members {
                let endpoint = context.cluster.endpoints[e]
                context.add(
                    .egressToCloudMetadata,
                    subject: endpoint.id,
                    "\(endpoint.id) may connect to the cloud metadata API 169.254.169.254 on TCP 80 (\(why))",
                    fix: isolated
                        ? "add 169.254.169.254/32 to the except list of the ipBlock that allows it"
                        : "isolate it for egress with a NetworkPolicy whose ipBlocks except 169.254.169.254/32",
                    at: [endpoint.location] + policies.map(\.location),
                    evidence: [.flow(source: endpoint.id, destination: found.name, connections: found.connections)],
                    annotations: endpoint.annotations
                )
            }
        }
    }
}
