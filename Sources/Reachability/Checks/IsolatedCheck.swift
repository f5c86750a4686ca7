import KubeModel

/// `isolated: ns` (or `ns/name`, or a selector; with `direction` and `except`): nothing crosses the boundary of
/// those endpoints but the exceptions.
enum IsolatedCheck {
    static func evaluate(
        _ rule: CheckRule,
        _ peer: RulePeer,
        _ directions: Set<Direction>,
        _ exceptions: [RuleException],
        in context: inout CheckContext
    ) throws(Diagnostic) -> CheckResult {
        let enclosed = context.resolve(peer)
        if peer.alternatives.count == 1, case .namespace(let name) = peer.alternatives[0] {
            // A namespace the manifests define may be empty today; the rule guards what comes.
            guard try context.namespaceExists(RuleNamespace(name: name, location: peer.location), rule) else {
                return context.vacuous(rule)
            }
        } else {
            guard try context.requireMatch(enclosed, peer, rule, role: "isolated") else { return context.vacuous(rule) }
        }
        for exception in exceptions {
            for (role, peer) in [("except.from", exception.from), ("except.to", exception.to)] {
                guard let peer else { continue }
                _ = try context.requireMatch(context.resolve(peer), peer, rule, role: role)
            }
        }
        let inside = Side(endpoints: enclosed.endpoints, addresses: IPSet())
        let members = Set(enclosed.endpoints)
        let outside = Side(
            endpoints: context.cluster.endpoints.indices.filter { !members.contains($0) },
            addresses: context.universe
        )
        var total = Violations(limit: context.options.examples)
        for direction in Direction.allCases where directions.contains(direction) {
            let exempt = Exemptions(exceptions, direction, in: context)
            let violations =
                direction == .ingress
                ? context.scan(
                    outside,
                    inside,
                    sourceSignature: exempt.signature(of:),
                    addressSignature: exempt.signatures(of:)
                ) { allowed, outsider, _ in allowed.subtracting(exempt.connections(outsider)) }
                : context.scan(
                    inside,
                    outside,
                    destinationSignature: exempt.signature(of:),
                    addressSignature: exempt.signatures(of:)
                ) { allowed, _, outsider in allowed.subtracting(exempt.connections(outsider)) }
            total.count += violations.count
            total.candidates += violations.candidates
        }
        total.trim()
        let word = directions.count == 2 ? "in or out" : directions.contains(.ingress) ? "in" : "out"
        let unless = exceptions.isEmpty ? "" : " beyond the listed exceptions"
        guard total.count == 0 else {
            return context.failure(
                rule,
                "\(total.count) \(total.count == 1 ? "flow crosses" : "flows cross") the boundary of '\(peer.description)' (\(word))\(unless)",
                total,
                involved: context.explainAllowed(total.candidates)
            )
        }
        return context.pass(rule, "nothing crosses the boundary of '\(peer.description)' (\(word))\(unless)")
    }
}

/// The exceptions of an `isolated` rule that apply in one direction, resolved. An outsider's signature says which
/// exceptions match it; what the exceptions allow it is the union of their connections.
private struct Exemptions {
    /// Each exception's peer, resolved, with the connections it exempts.
    let resolved: [(Side, ConnectionSet)]
    /// Per exception, which endpoints it names.
    let masks: [[Bool]]
    /// Per exception, the connections it exempts (apart from its side: read for every pair of classes, a tuple
    /// read with its side retained both).
    private let exempted: [ConnectionSet]

    init(_ exceptions: [RuleException], _ direction: Direction, in context: CheckContext) {
        resolved = exceptions.compactMap { exception -> (Side, ConnectionSet)? in
            guard let peer = exception.peer(direction) else { return nil }
            return (context.resolve(peer), context.connections(exception.ports))
        }
        exempted = resolved.map(\.1)
        let count = context.cluster.endpoints.count
        masks = resolved.map { side, _ -> [Bool] in
            var mask = [Bool](repeating: false, count: count)
            for e in side.endpoints { mask[e] = true }
            return mask
        }
    }

    /// Which exceptions name endpoint `e`.
    func signature(of e: Int) -> [Bool] { masks.map { $0[e] } }

    /// `piece` split by which exceptions name its addresses.
    func signatures(of piece: IPSet) -> [(IPSet, [Bool])] {
        var parts: [(IPSet, [Bool])] = [(piece, [])]
        for (side, _) in resolved {
            parts = parts.flatMap { set, signature -> [(IPSet, [Bool])] in
                let within = set.intersection(side.addresses)
                let without = set.subtracting(side.addresses)
                return (within.isEmpty ? [] : [(within, signature + [true])])
                    + (without.isEmpty ? [] : [(without, signature + [false])])
            }
        }
        return parts
    }

    /// What the exceptions matching a signature allow.
    func connections(_ signature: [Bool]) -> ConnectionSet {
        var out = ConnectionSet.none
        for i in signature.indices where signature[i] { out.formUnion(exempted[i]) }
        return out
    }
}
