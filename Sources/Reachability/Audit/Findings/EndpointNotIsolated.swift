import KubeModel
import Parallel

extension AuditRule {
    /// An endpoint no policy selects for ingress, in a namespace that has policies.
    package static let ingressNotIsolated = AuditRule(
        id: "ingress-not-isolated",
        severity: .warning,
        title: "Endpoint is not isolated for ingress",
        help: "No NetworkPolicy selects the endpoint for Ingress, so every pod and address may connect to it "
            + "(default-allow). Select it with a policy that allows only its clients."
    )
    /// An endpoint no policy selects for egress, in a namespace that has policies.
    package static let egressNotIsolated = AuditRule(
        id: "egress-not-isolated",
        severity: .warning,
        title: "Endpoint is not isolated for egress",
        help: "No NetworkPolicy selects the endpoint for Egress, so it may connect to every pod and address "
            + "(default-allow), the cloud metadata API and the kubelet included. Select it with a policy that allows only "
            + "what it calls."
    )
}

/// An endpoint no policy selects for a direction, in a namespace that has policies.
enum EndpointNotIsolated: AuditCheck {
    static let rules: [AuditRule] = [.ingressNotIsolated, .egressNotIsolated]
    private static let rule = PerDirection(ingress: AuditRule.ingressNotIsolated, egress: .egressNotIsolated)

    static func run(_ context: inout AuditContext) {
        let model = context.model
        // A host-network pod the plugin leaves out of every policy cannot be isolated: host-network says so.
        let classes = (0..<model.classes.count).map(ClassID.init).filter {
            context.hasPolicies(model.classes[$0].namespace) && !model.classes[$0].ungoverned
        }
        // Each class's neighbors read its group's edges (thousands, on a live cluster of 20,000 classes): the
        // classes are read on every core, and their findings added in class order. Small chunks: some classes
        // cost far more than others, and with 64 chunks one core went on alone for the last (0.15 s).
        let reader = context
        let found = Parallel.map(classes.count, maxChunks: 1024) { i in findings(of: classes[i], in: reader) }
        context.findings += found.joined()
    }

    /// The findings of class `c`'s endpoints, in member order, ingress before egress for each: recorded in a copy
    /// of `reader` that starts without findings, made only for a class that has some.
    private static func findings(of c: ClassID, in reader: AuditContext) -> [Finding] {
        let model = reader.model
        // With admin tiers, what the admin or baseline tier decides is no default-allow: only the flows no tier
        // decides count, and a side whose tiers decide everything is no finding (a baseline Deny protects it).
        func open(_ direction: Direction) -> Neighbors? {
            guard !model.isolated.of(direction)[c] else { return nil }
            let side = reader.neighbors(c, inbound: direction == .ingress, openOnly: model.tiered)
            return model.tiered && model.decides(direction, c) && side.count == 0 ? nil : side
        }
        let inbound = open(.ingress)
        let outbound = open(.egress)
        guard inbound != nil || outbound != nil else { return [] }
        var context = reader
        context.findings = []
        for e in model.classes[c].members {
            let endpoint = context.cluster.endpoints[e]
            for (direction, side) in [(Direction.ingress, inbound), (.egress, outbound)] {
                guard let side else { continue }
                let (count, evidence) = context.evidence(e, side, inbound: direction == .ingress)
                let word = direction.rawValue.lowercased()
                context.add(
                    rule[direction],
                    subject: endpoint.id,
                    "\(endpoint.id) is not selected by any NetworkPolicy for \(word): \(count) \(count == 1 ? "flow exists" : "flows exist") only because of that",
                    fix:
                        "select it with a NetworkPolicy in '\(endpoint.namespace)' that has policyTypes [\(direction.rawValue)] and allows only what it needs",
                    at: [endpoint.location],
                    evidence: evidence,
                    annotations: endpoint.annotations
                )
            }
        }
        return context.findings
    }
}
