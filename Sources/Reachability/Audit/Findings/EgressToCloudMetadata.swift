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

/// Egress to the cloud metadata API from endpoints that no policy isolates for egress (the cause is the missing
/// policy, so each endpoint is told; a rule that opens it is `EgressOpenedByRules`).
enum EgressToCloudMetadata: AuditCheck {
    static let rules: [AuditRule] = []

    static func run(_ context: inout AuditContext) {
        let model = context.model
        for c in (0..<model.classes.count).map(ClassID.init) where !model.isolated.egress[c] {
            let reached = context.addressesReached(by: c).first {
                $0.0.addresses?.contains(EgressOpenedByRules.metadata) == true
            }
            guard let (peer, connections) = reached else { continue }
            context.addForEachMember(
                of: c,
                .egressToCloudMetadata,
                message: {
                    "\($0) may connect to the cloud metadata API 169.254.169.254 on TCP 80 (no NetworkPolicy selects it for egress)"
                },
                fix: "isolate it for egress with a NetworkPolicy whose ipBlocks except 169.254.169.254/32",
                evidence: { [.flow(source: $0, destination: peer.name, connections: connections)] }
            )
        }
    }
}
