package import KubeModel

/// The other side of a hop, as a decision sees it: endpoints of a class, or addresses outside the cluster.
package enum HopPeer: Hashable, Sendable {
    /// The endpoints of a class.
    case endpoints(ClassID)
    /// Addresses; a rule counts when it matches some of them.
    case addresses(IPSet)
    /// The ingress controller: a pod without labels in a namespace that no policy names.
    case ingressController
}

extension ClassModel {
    /// The decision at one hop, with the rules that made it: egress at `governed` towards `peer`, or ingress at
    /// `governed` from `peer`. The layers are folded in priority order; NetworkPolicy is the only one today.
    ///
    /// For a set of addresses the answer is what the rules allow to some address of it; the engine asks for one
    /// atom at a time, where every address gets the same answer.
    package func decide(_ direction: Direction, at governed: ClassID, peer: HopPeer) -> Decision {
        let networkPolicies = networkPolicyLayer(direction, at: governed, peer: peer)
        guard tiered else { return Decision(folding: [networkPolicies]) }
        let destination: ClassID? =
            switch (direction, peer) {
            case (.ingress, _): governed
            case (.egress, .endpoints(let c)): c
            case (.egress, .addresses), (.egress, .ingressController): nil
            }
        // The baseline is folded last: an isolating NetworkPolicy layer has decided everything by then.
        return Decision(folding: [
            tierLayer(adminGoverning[direction][governed], peer: peer, destination: destination),
            networkPolicies,
            tierLayer(baselineGoverning[direction][governed], peer: peer, destination: destination),
        ])
    }

    /// What the NetworkPolicies say at one hop. Policies that select the endpoint in `direction` isolate it: the
    /// union of their rules that match `peer` is allowed, everything else denied. Selected by none, they say nothing.
    func networkPolicyLayer(_ direction: Direction, at governed: ClassID, peer: HopPeer) -> LayerDecision {
        guard isolated[direction][governed] else { return .silent }
        let destination: ClassID? =
            switch (direction, peer) {
            case (.ingress, _): governed
            case (.egress, .endpoints(let c)): c
            case (.egress, .addresses), (.egress, .ingressController): nil
            }
        var allowed = ConnectionSet.none
        var deciding: [DecidingRule] = []
        for r in governing[direction][governed] where matches(rules[r], peer) {
            let connections = connections(rules[r], destinationClass: destination)
            guard !connections.isEmpty else { continue }
            allowed.formUnion(connections)
            deciding.append(DecidingRule(rule: r, connections: connections))
        }
        return LayerDecision(
            [
                DecisionPart(allowed, .allow, rules: deciding),
                DecisionPart(ConnectionSet.all.subtracting(allowed), .deny),
            ],
            selectedBy: selectedBy[direction][governed]
        )
    }

    func matches(_ rule: CompiledRule, _ peer: HopPeer) -> Bool {
        switch peer {
        case .endpoints(let c): rule.matchesClass[c.index]
        case .addresses(let set): !rule.addresses.intersection(set).isEmpty
        case .ingressController: rule.matchesIngressController
        }
    }

    // MARK: - The fast paths
    //
    // The class-level answer asks the same question as `decide` classes² times. These give the same `allowed`
    // connections (`DecisionTests` compares them on random clusters) without collecting the deciding rules.

    /// What `source` may send to `destination`, with the hops left open by default.
    /// Unions start from the first matching rule's connections, so the common single-rule case allocates nothing.
    func classFlow(from source: ClassID, to destination: ClassID, cache: HopCache? = nil)
        -> (ConnectionSet, Set<Direction>)
    {
        if tiered { return tieredClassFlow(from: source, to: destination, cache: cache) }
        var open = Set<Direction>()
        var allowed: ConnectionSet?
        if isolated.egress[source] {
            guard let egress = union(governing.egress[source], matching: destination, destination: destination),
                !egress.isEmpty
            else { return (.none, open) }
            allowed = egress
        } else {
            open.insert(.egress)
        }
        if isolated.ingress[destination] {
            guard let ingress = union(governing.ingress[destination], matching: source, destination: destination) else {
                return (.none, open)
            }
            allowed =
                allowed.map { $0 == .all ? ingress : (ingress == .all ? $0 : $0.intersection(ingress)) } ?? ingress
        } else {
            open.insert(.ingress)
        }
        return (allowed ?? .all, open)
    }

    /// What a class may send to an address atom.
    func egress(from source: ClassID, to atom: IPRange) -> ConnectionSet {
        if tiered { return tieredAtom(.egress, at: source, atom: atom) }
        guard isolated.egress[source] else { return .all }
        return union(governing.egress[source], atom: atom, destination: nil)
    }

    /// What a class accepts from an address atom.
    func ingress(to destination: ClassID, from atom: IPRange) -> ConnectionSet {
        if tiered { return tieredAtom(.ingress, at: destination, atom: atom) }
        guard isolated.ingress[destination] else { return .all }
        return union(governing.ingress[destination], atom: atom, destination: destination)
    }

    /// The connections the `rules` that match class `peer` allow towards class `destination`; nil when none
    /// matches. Starts from the first match, so the usual one-rule case allocates nothing.
    func union(_ rules: some Sequence<RuleID>, matching peer: ClassID, destination: ClassID) -> ConnectionSet? {
        var out: ConnectionSet?
        for r in rules where self.rules[r].matchesClass[peer.index] {
            let more = connections(self.rules[r], destinationClass: destination)
            out = out.map { $0.union(more) } ?? more
        }
        return out
    }

    /// The connections the `rules` whose addresses hold `atom` allow (towards class `destination`, nil outside).
    func union(_ rules: some Sequence<RuleID>, atom: IPRange, destination: ClassID?) -> ConnectionSet {
        var out = ConnectionSet.none
        for r in rules where self.rules[r].addresses.contains(atom) {
            out.formUnion(connections(self.rules[r], destinationClass: destination))
        }
        return out
    }

    /// What an isolated class may send to (`.egress`) or accept from (`.ingress`) each address, grouped by
    /// connections in address order. A sweep over the atom intervals of the class's rules: the work grows with
    /// its rules, not with the number of atoms.
    func addressFlows(_ c: ClassID, _ direction: Direction) -> [(ConnectionSet, IPSet)] {
        var events: [(position: Int, rule: RuleID, starts: Bool)] = []
        for r in governing[direction][c] {
            for interval in ruleAtoms[r] {
                events.append((interval.lowerBound, r, true))
                events.append((interval.upperBound + 1, r, false))
            }
        }
        events.sort { ($0.position, $0.starts ? 1 : 0) < ($1.position, $1.starts ? 1 : 0) }
        var active: [RuleID: Int] = [:]
        var groups = AddressGroups()
        var e = 0
        while e < events.count {
            let position = events[e].position
            while e < events.count, events[e].position == position {
                let r = events[e].rule
                active[r, default: 0] += events[e].starts ? 1 : -1
                if active[r] == 0 { active[r] = nil }
                e += 1
            }
            guard !active.isEmpty, position < atoms.count else { continue }
            let end = e < events.count ? Swift.min(events[e].position, atoms.count) : atoms.count
            var connections: ConnectionSet?
            for r in active.keys.sorted() {
                let more = self.connections(rules[r], destinationClass: direction == .ingress ? c : nil)
                connections = connections.map { $0.union(more) } ?? more
            }
            guard let connections, end > position else { continue }
            groups.add(connections, addresses(atoms: position..<end))
        }
        return groups.groups
    }

    /// The addresses of consecutive atoms, one range per family.
    func addresses(atoms range: Range<Int>) -> IPSet {
        var set = IPSet()
        var i = range.lowerBound
        while i < range.upperBound {
            let family = atoms[i].family
            var j = i
            while j + 1 < range.upperBound, atoms[j + 1].family == family { j += 1 }
            set.formUnion(
                IPSet(IPRange(family: family, bounds: atoms[i].bounds.lowerBound...atoms[j].bounds.upperBound))
            )
            i = j + 1
        }
        return set
    }

    // MARK: - Ports

    /// The connections a rule's ports allow towards a destination with these named container ports.
    static func connections(_ ports: [PolicyPort]?, destinationPorts: [ContainerPort]) -> ConnectionSet {
        guard let ports else { return .all }
        var result = ConnectionSet.none
        for port in ports {
            switch port.port {
            case nil:
                result.formUnion(ConnectionSet(port.networkProtocol, .allPorts))
            case .number(let start):
                result.formUnion(ConnectionSet(port.networkProtocol, PortSet(start...(port.endPort ?? start))))
            case .named(let name):
                for container in destinationPorts
                where container.name == name && container.networkProtocol == port.networkProtocol {
                    result.formUnion(ConnectionSet(port.networkProtocol, PortSet(container.number...container.number)))
                }
            }
        }
        return result
    }

    /// What a rule allows towards class `destinationClass` (nil: an address, where named ports resolve to nothing).
    func connections(_ rule: CompiledRule, destinationClass: ClassID?) -> ConnectionSet {
        if let fixed = rule.fixedConnections { return fixed }
        return Self.connections(rule.ports, destinationPorts: destinationClass.map { classes[$0].ports } ?? [])
    }

    /// What a rule allows towards class `destinationClass`, by id.
    package func connections(_ rule: RuleID, destinationClass: ClassID?) -> ConnectionSet {
        connections(rules[rule], destinationClass: destinationClass)
    }
}
