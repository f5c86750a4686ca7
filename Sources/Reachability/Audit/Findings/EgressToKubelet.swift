import KubeModel

extension AuditRule {
    /// Egress to TCP 10250 outside the cluster (the kubelet on the nodes).
    package static let egressToKubelet = AuditRule(
        id: "egress-to-kubelet",
        severity: .warning,
        title: "Egress to the kubelet port is allowed",
        help: "A rule lets the endpoint connect to TCP 10250 on addresses outside the cluster, the kubelet API of the "
            + "nodes. Restrict the rule's ports or addresses."
    )
}

/// Egress allowed by a rule to TCP 10250 outside the cluster (the kubelet of the nodes).
enum EgressToKubelet: AuditCheck {
    static let rules: [AuditRule] = [.egressToKubelet]

    static func run(_ context: inout AuditContext) {
        let model = context.model
        for c in (0..<model.classes.count).map(ClassID.init) where model.isolated.egress[c] {
            let kubelet = context.addressesReached(by: c).filter { $0.1[.tcp].contains(10250...10250) }
                .map { (name: $0.0.name, connections: $0.1) }.sorted { $0.name < $1.name }
            guard !kubelet.isEmpty else { continue }
            let policies = context.policies(selectingClass: c, .egress)
            for e in model.classes[c].members {
                let endpoint = context.cluster.endpoints[e]
                var evidence: [Evidence] = kubelet.prefix(Auditor.evidenceLimit).map {
                    .flow(source: endpoint.id, destination: $0.name, connections: $0.connections)
                }
                if kubelet.count > evidence.count { evidence.append(.more(kubelet.count - evidence.count)) }
                context.add(
                    .egressToKubelet,
                    subject: endpoint.id,
                    "\(endpoint.id) may connect to the kubelet port TCP 10250 outside the cluster",
                    fix: "remove TCP 10250 from the egress rules that allow it, or narrow their ipBlocks",
                    at: [endpoint.location] + policies.map(\.location),
                    evidence: evidence,
                    annotations: endpoint.annotations
                )
            }
        }
    }
}
