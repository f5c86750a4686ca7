import KubeModel

/// `no-default-allow: ns` (or `all`): every flow in scope is allowed by a rule, none only because a side is open.
enum NoDefaultAllowCheck {
    static func evaluate(_ rule: CheckRule, _ namespace: RuleNamespace?, in context: inout CheckContext)
        throws(Diagnostic) -> CheckResult
    {
        if let namespace, try !context.namespaceExists(namespace, rule) { return context.vacuous(rule) }
        var search = OpenFlows(namespace: namespace?.name, context: context)
        search.run(in: &context)
        let count = search.violations.count
        let scope = namespace.map { "of '\($0.name)'" } ?? "in the cluster"
        guard count == 0 else {
            return context.failure(
                rule,
                "\(count) \(count == 1 ? "flow" : "flows") \(scope) \(count == 1 ? "exists" : "exist") "
                    + "only because a side has no policy",
                search.violations,
                involved: search.involved(in: context)
            )
        }
        return context.pass(rule, "every flow \(scope) is allowed by a rule")
    }
}

/// The flows in scope that rely on an open hop. Class pairs are evaluated on demand: a flow is open at the source
/// when the source's class is not isolated for egress, at the destination when the destination's is not isolated
/// for ingress.
private struct OpenFlows {
    let namespace: String?
    let model: ClassModel
    var violations: Violations
    /// Per class: bit 1 when its egress is open for some flow in scope, bit 2 for ingress.
    var open: [UInt8]

    init(namespace: String?, context: CheckContext) {
        self.namespace = namespace
        model = context.model
        violations = Violations(limit: context.options.examples)
        open = [UInt8](repeating: 0, count: context.model.classes.count)
    }

    func inScope(_ c: ClassID) -> Bool { namespace == nil || model.classes[c].namespace == namespace }

    mutating func run(in context: inout CheckContext) {
        let classes = (0..<model.classes.count).map(ClassID.init)
        let openEgress = classes.filter { inScope($0) && !model.isolated.egress[$0] }
        let openIngress = classes.filter { inScope($0) && !model.isolated.ingress[$0] }
        let counted = Set(openEgress)
        let universe = model.universe
        // What passes a hop by default towards addresses: everything when no policy of any tier decides for the class,
        // else (admin tiers) what no tier decides.
        func openAddresses(_ c: ClassID, _ direction: Direction) -> [(ConnectionSet, IPSet)] {
            guard model.decides(direction, c) else { return universe.isEmpty ? [] : [(.all, universe)] }
            return model.tieredAddressFlows(c, direction).filter(\.2).map { ($0.0, $0.1) }
        }
        for s in openEgress {
            for d in classes { add(s, d, in: &context) }
            let groups = openAddresses(s, .egress)
            for (connections, addresses) in groups {
                context.addToAddresses(
                    model.classes[s].members,
                    addresses,
                    connections,
                    sourceClass: s,
                    to: &violations
                )
            }
            if !groups.isEmpty { open[s] |= 1 }
        }
        for d in openIngress {
            for s in classes where !counted.contains(s) { add(s, d, in: &context) }
            let groups = openAddresses(d, .ingress)
            for (connections, addresses) in groups {
                context.addFromAddresses(
                    addresses,
                    model.classes[d].members,
                    connections,
                    destinationClass: d,
                    to: &violations
                )
            }
            if !groups.isEmpty { open[d] |= 2 }
        }
        violations.trim()
    }

    private mutating func add(_ s: ClassID, _ d: ClassID, in context: inout CheckContext) {
        if model.endpointPairs(from: s, to: d) == 0 { return }
        let (connections, hops) = context.classFlow(s, d)
        guard !connections.isEmpty else { return }
        let egress = hops.contains(.egress) && inScope(s)
        let ingress = hops.contains(.ingress) && inScope(d)
        guard egress || ingress else { return }
        if egress { open[s] |= 1 }
        if ingress { open[d] |= 2 }
        context.addPairs(
            model.classes[s].members,
            model.classes[d].members,
            connections,
            open: OpenHops.directions((egress ? 1 : 0) | (ingress ? 2 : 0)),
            classes: (s, d),
            to: &violations
        )
    }

    /// The first endpoints (in name order) with an open hop, and which.
    func involved(in context: CheckContext) -> [CheckInvolvement] {
        let endpoints = model.cluster.endpoints
        return endpoints.indices.filter { open[model.classOf(endpoint: $0)] != 0 }.prefix(context.options.examples)
            .map { e in
                let bits = open[model.classOf(endpoint: e)]
                let directions = (bits & 2 != 0 ? [Direction.ingress] : []) + (bits & 1 != 0 ? [.egress] : [])
                let reason: Reason =
                    model.settings.isUngoverned(endpoints[e])
                    ? .ungoverned(endpoint: context.name(e), settings: model.settings.name)
                    : .notSelected(endpoint: context.name(e), directions: directions)
                return CheckInvolvement(reason, at: endpoints[e].location)
            }
    }
}
