import KubeModel

/// Finding the flows (or missing flows) a rule is about, class pair by class pair and address piece by piece,
/// counting them all and keeping the first in name order.
extension CheckContext {
    /// Endpoints grouped by class (and by `signature`), each group in name order.
    func groups(_ endpoints: [Int], signature: (Int) -> [Bool] = { _ in [] }) -> [(ClassID, [Bool], [Int])] {
        var index: [GroupKey: Int] = [:]
        var out: [(ClassID, [Bool], [Int])] = []
        for e in endpoints {
            let key = GroupKey(cls: model.classOfEndpoint[e], signature: signature(e))
            if let i = index[key] {
                out[i].2.append(e)
            } else {
                index[key] = out.count
                out.append((key.cls, key.signature, [e]))
            }
        }
        return out
    }

    struct GroupKey: Hashable {
        var cls: ClassID
        var signature: [Bool]
    }

    /// The atoms (clipped to `set`) that `set` touches.
    func pieces(of set: IPSet) -> [(IPRange, IPSet)] {
        var out: [(IPRange, IPSet)] = []
        for atom in model.atoms {
            let piece = IPSet(atom).intersection(set)
            if !piece.isEmpty { out.append((atom, piece)) }
        }
        return out
    }

    /// Adds the endpoint pairs of two groups whose verdict is `connections` (non-empty means a violation).
    func addPairs(
        _ sources: [Int],
        _ destinations: [Int],
        _ connections: ConnectionSet,
        open: Set<Direction>,
        classes: (ClassID, ClassID),
        to violations: inout Violations
    ) {
        let overlap = classes.0 == classes.1 ? Set(sources).intersection(destinations).count : 0
        let pairs = sources.count * destinations.count - overlap
        guard pairs > 0 else { return }
        // Both lists are in name order: if their first pair cannot be shown, none can; only count them.
        if let s = sources.first, let d = destinations.first(where: { $0 != s }) ?? destinations.first,
            !violations.wants(name(s), name(d))
        {
            violations.count += pairs
            return
        }
        var added = 0
        outer: for s in sources {
            for d in destinations where s != d {
                let candidate = Candidate(
                    source: name(s),
                    destination: name(d),
                    connections: connections,
                    sourceClass: classes.0,
                    destinationClass: classes.1,
                    open: open
                )
                violations.add(candidate, pairs: added == 0 ? pairs : 0)
                added += 1
                if added >= violations.limit { break outer }
            }
        }
    }

    func addToAddresses(
        _ sources: [Int],
        _ set: IPSet,
        _ connections: ConnectionSet,
        sourceClass: ClassID,
        to violations: inout Violations
    ) {
        for (i, s) in sources.prefix(violations.limit).enumerated() {
            violations.add(
                Candidate(
                    source: name(s),
                    destination: set.description,
                    connections: connections,
                    sourceClass: sourceClass,
                    destinationAddresses: set,
                    open: openHop(.egress, at: sourceClass, addresses: set, connections)
                ),
                pairs: i == 0 ? sources.count : 0
            )
        }
    }

    /// The hop towards (or from) addresses, when some of `connections` pass it only because no policy decides them:
    /// a side no NetworkPolicy isolates, or with admin tiers, what no tier decides.
    private func openHop(_ direction: Direction, at c: ClassID, addresses: IPSet, _ connections: ConnectionSet)
        -> Set<Direction>
    {
        guard !model.isolated.of(direction)[c] else { return [] }
        guard model.tiered else { return [direction] }
        let undecided = model.decide(direction, at: c, peer: .addresses(addresses)).undecided
        return undecided.intersection(connections).isEmpty ? [] : [direction]
    }

    func addFromAddresses(
        _ set: IPSet,
        _ destinations: [Int],
        _ connections: ConnectionSet,
        destinationClass: ClassID,
        to violations: inout Violations
    ) {
        for (i, d) in destinations.prefix(violations.limit).enumerated() {
            violations.add(
                Candidate(
                    source: set.description,
                    destination: name(d),
                    connections: connections,
                    destinationClass: destinationClass,
                    sourceAddresses: set,
                    open: openHop(.ingress, at: destinationClass, addresses: set, connections)
                ),
                pairs: i == 0 ? destinations.count : 0
            )
        }
    }

    /// Adds the flows from the ingress controller into `destinations` on `ports`, and sorts the examples again.
    func scanIngressController(_ destinations: Side, ports: ConnectionSet, into violations: inout Violations) {
        let wanted = Set(destinations.endpoints)
        for flow in model.ingress.flows where wanted.contains(flow.endpoint) {
            let bad = flow.connections.intersection(ports)
            guard !bad.isEmpty else { continue }
            let c = model.classOf(endpoint: flow.endpoint)
            violations.add(
                Candidate(
                    source: IngressController.name,
                    destination: name(flow.endpoint),
                    connections: bad,
                    destinationClass: c,
                    open: flow.ingressOpen ? [.ingress] : []
                ),
                pairs: 1
            )
        }
        violations.trim()
    }

    /// Collects the flows from `sources` to `destinations` for which `verdict` is non-empty. `verdict` gets the
    /// allowed connections and the signatures of both sides (see `groups`); for addresses, the piece itself.
    mutating func scan(
        _ sources: Side,
        _ destinations: Side,
        sourceSignature: (Int) -> [Bool] = { _ in [] },
        destinationSignature: (Int) -> [Bool] = { _ in [] },
        addressSignature: (IPSet) -> [(IPSet, [Bool])] = { [($0, [])] },
        verdict: (ConnectionSet, [Bool], [Bool]) -> ConnectionSet
    ) -> Violations {
        var violations = Violations(limit: options.examples)
        let sourceGroups = groups(sources.endpoints, signature: sourceSignature)
        let destinationGroups = groups(destinations.endpoints, signature: destinationSignature)
        for (cs, ss, sMembers) in sourceGroups {
            for (cd, ds, dMembers) in destinationGroups {
                let (allowed, open) = classFlow(cs, cd)
                let bad = verdict(allowed, ss, ds)
                guard !bad.isEmpty else { continue }
                addPairs(sMembers, dMembers, bad, open: open, classes: (cs, cd), to: &violations)
            }
        }
        /// The address pieces (atom, piece, signature) of `set`, computed once per side.
        func split(_ set: IPSet) -> [(IPRange, IPSet, [Bool])] {
            pieces(of: set).flatMap { atom, whole in addressSignature(whole).map { (atom, $0.0, $0.1) } }
        }
        /// Address pieces by verdict for one class, in address order: (verdict, addresses).
        func byVerdict(_ split: [(IPRange, IPSet, [Bool])], _ evaluate: (IPRange, [Bool]) -> ConnectionSet)
            -> [(ConnectionSet, IPSet)]
        {
            var groups = AddressGroups()
            for (atom, piece, signature) in split { groups.add(evaluate(atom, signature), piece) }
            return groups.groups
        }
        if !destinations.addresses.isEmpty {
            let pieces = split(destinations.addresses)
            for (cs, ss, sMembers) in sourceGroups {
                let groups = byVerdict(pieces) { verdict(model.egress(from: cs, to: $0), ss, $1) }
                for (bad, set) in groups { addToAddresses(sMembers, set, bad, sourceClass: cs, to: &violations) }
            }
        }
        if !sources.addresses.isEmpty {
            let pieces = split(sources.addresses)
            for (cd, ds, dMembers) in destinationGroups {
                let groups = byVerdict(pieces) { verdict(model.ingress(to: cd, from: $0), $1, ds) }
                for (bad, set) in groups { addFromAddresses(set, dMembers, bad, destinationClass: cd, to: &violations) }
            }
        }
        violations.trim()
        return violations
    }
}
