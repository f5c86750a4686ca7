package import KubeModel

// The admin tiers (network-policy-api: AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy).
//
// Per direction, one hop is decided by folding three layers:
// 1. the admin tier: its rules in evaluation order (policies by priority, rules as written); the first rule that
//    matches a connection decides it: Allow/Accept admits it, Deny drops it, Pass hands it past the rest of the tier;
// 2. the NetworkPolicies, when some selects the pod in that direction: they decide everything left;
// 3. otherwise the baseline tier, in the same way as the admin tier;
// 4. what is left is allowed by default (default-allow).
//
// `decide` gives the decision with its rules (explanations, check); the functions here give the same allowed
// connections on the fast paths (the class-level answer), class pairs at a time.

extension ClassModel {
    /// Whether some policy of any tier can decide connections of class `c` in `direction`: when none can, every
    /// connection passes by default, to and from everywhere.
    package func decides(_ direction: Direction, _ c: ClassID) -> Bool {
        isolated[direction][c]
            || (tiered && (!adminGoverning[direction][c].isEmpty || !baselineGoverning[direction][c].isEmpty))
    }

    /// The baseline rule that denies every pod peer to every pod of `namespace` in `direction` (a baseline
    /// default-deny: a Deny without ports whose peer is every namespace, in a baseline policy whose subject holds the
    /// whole namespace), or nil. It decides for the pods no NetworkPolicy selects.
    package func baselineDefaultDeny(_ direction: Direction, namespace: Namespace) -> RuleID? {
        for (p, policy) in cluster.adminPolicies.enumerated() where policy.tier == .baseline {
            let covers =
                switch policy.subject {
                case .namespaces(let selector): selector.matches(namespace.labels)
                case .pods(let namespaces, let pods): namespaces.matches(namespace.labels) && pods.isEmpty
                }
            guard covers else { continue }
            for (i, rule) in policy.rules(direction).enumerated() where rule.action == .deny && rule.ports == nil {
                let everyPod = rule.peers.contains { peer in
                    switch peer {
                    case .pods(.namespaces(let namespaces)): namespaces.isEmpty
                    case .pods(.pods(let namespaces, let pods)): namespaces.isEmpty && pods.isEmpty
                    case .unrecognised: true
                    case .networks, .nodes, .domainNames: false
                    }
                }
                if everyPod { return adminPolicyRules[p][direction][i] }
            }
        }
        return nil
    }

    /// What one tier's rules say at a hop, as a layer: one part per matching rule, in evaluation order (an earlier
    /// part wins, a Pass part hands its connections to the next layer).
    func tierLayer(_ tierRules: [RuleID], peer: HopPeer, destination: ClassID?) -> LayerDecision {
        var parts: [DecisionPart] = []
        for r in tierRules where matches(rules[r], peer) {
            let connections = connections(rules[r], destinationClass: destination)
            guard !connections.isEmpty else { continue }
            parts.append(
                DecisionPart(
                    connections,
                    rules[r].verdict,
                    rules: [DecidingRule(rule: r, connections: connections)]
                )
            )
        }
        return LayerDecision(parts, selectedBy: [])
    }

    /// One hop on the fast path: what passes it and what of that no policy decided (default-allow). `matching`
    /// says whether a rule's peers match the other side.
    func tieredHop(
        _ direction: Direction,
        at governed: ClassID,
        destination: ClassID?,
        matching: (RuleID) -> Bool
    ) -> (allowed: ConnectionSet, undecided: ConnectionSet) {
        var undecided = ConnectionSet.all
        var allowed = ConnectionSet.none
        func tier(_ ids: [RuleID]) {
            var passed = ConnectionSet.none
            for r in ids where matching(r) {
                let open = connections(rules[r], destinationClass: destination).intersection(undecided)
                    .subtracting(passed)
                guard !open.isEmpty else { continue }
                switch rules[r].verdict {
                case .allow:
                    allowed.formUnion(open)
                    undecided = undecided.subtracting(open)
                case .deny:
                    undecided = undecided.subtracting(open)
                case .pass:
                    passed.formUnion(open)
                }
                if undecided.isSubset(of: passed) { break }
            }
        }
        tier(adminGoverning[direction][governed])
        guard !undecided.isEmpty else { return (allowed, .none) }
        if isolated[direction][governed] {
            var admitted = ConnectionSet.none
            for r in governing[direction][governed] where matching(r) {
                admitted.formUnion(connections(rules[r], destinationClass: destination))
            }
            allowed.formUnion(undecided.intersection(admitted))
            return (allowed, .none)
        }
        tier(baselineGoverning[direction][governed])
        return (allowed.union(undecided), undecided)
    }

    /// `classFlow` with the admin tiers.
    func tieredClassFlow(from source: ClassID, to destination: ClassID) -> (ConnectionSet, Set<Direction>) {
        let egress = tieredHop(.egress, at: source, destination: destination) {
            rules[$0].matchesClass[destination.index]
        }
        guard !egress.allowed.isEmpty else { return (.none, []) }
        let ingress = tieredHop(.ingress, at: destination, destination: destination) {
            rules[$0].matchesClass[source.index]
        }
        let allowed = egress.allowed.intersection(ingress.allowed)
        var open = Set<Direction>()
        if !egress.undecided.intersection(allowed).isEmpty { open.insert(.egress) }
        if !ingress.undecided.intersection(allowed).isEmpty { open.insert(.ingress) }
        return (allowed, open)
    }

    /// What an address atom gets at a hop of class `c`, with the admin tiers.
    func tieredAtom(_ direction: Direction, at c: ClassID, atom: IPRange) -> ConnectionSet {
        tieredHop(direction, at: c, destination: direction == .ingress ? c : nil) { rules[$0].addresses.contains(atom) }
            .allowed
    }

    /// `addressFlows` with the admin tiers: every address (rules or not: what no rule decides is allowed by default
    /// unless a NetworkPolicy isolates the class), grouped by connections and whether some of them pass by default.
    func tieredAddressFlows(_ c: ClassID, _ direction: Direction) -> [(ConnectionSet, IPSet, Bool)] {
        let all = adminGoverning[direction][c] + governing[direction][c] + baselineGoverning[direction][c]
        var events: [(position: Int, rule: RuleID, starts: Bool)] = []
        for r in all {
            for interval in ruleAtoms[r] {
                events.append((interval.lowerBound, r, true))
                events.append((interval.upperBound + 1, r, false))
            }
        }
        events.sort { ($0.position, $0.starts ? 1 : 0) < ($1.position, $1.starts ? 1 : 0) }
        var active: [RuleID: Int] = [:]
        var groups: [(ConnectionSet, IPSet, Bool)] = []
        var index: [Pair: Int] = [:]
        let destination = direction == .ingress ? c : nil
        var position = 0
        var e = 0
        while position < atoms.count {
            while e < events.count, events[e].position == position {
                let r = events[e].rule
                active[r, default: 0] += events[e].starts ? 1 : -1
                if active[r] == 0 { active[r] = nil }
                e += 1
            }
            let end = e < events.count ? Swift.min(events[e].position, atoms.count) : atoms.count
            let hop = tieredHop(direction, at: c, destination: destination) { active[$0] != nil }
            if !hop.allowed.isEmpty, end > position {
                let set = IPSet(atoms[position..<end])
                let key = Pair(connections: hop.allowed, open: !hop.undecided.isEmpty)
                if let i = index[key] {
                    groups[i].1.formUnion(set)
                } else {
                    index[key] = groups.count
                    groups.append((hop.allowed, set, key.open))
                }
            }
            position = end
        }
        return groups
    }

    private struct Pair: Hashable {
        var connections: ConnectionSet
        var open: Bool
    }
}

extension IPSet {
    /// The union of consecutive atoms.
    init(_ atoms: ArraySlice<IPRange>) {
        self.init()
        for atom in atoms { formUnion(IPSet(atom)) }
    }
}
