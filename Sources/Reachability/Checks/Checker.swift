package import KubeModel
import Parallel

/// Evaluates the rules of `netreach check` on an analyzed cluster.
///
/// Rules are evaluated on the class-level model the flows came from, so a rule costs (source classes ×
/// destination classes), not (pods × pods), and the engine never runs again.
package enum Checker {
    /// Evaluates every rule of `rules` against `result`.
    ///
    /// ```swift
    /// let report = try Checker.check(try RulesLoader.load("rules.yaml"), against: result)
    /// print(report.summary)
    /// ```
    /// - Throws: `Diagnostic` for a rule whose peers match nothing (unless `options.allowEmpty`).
    package static func check(_ rules: RuleFile, against result: Reachability, options: CheckOptions = CheckOptions())
        throws(Diagnostic) -> CheckReport
    {
        // Rules are independent: evaluate them in chunks on every core, each chunk with its own copy of the
        // context (and cache), then take the verdicts, warnings and the first error in file order.
        let base = CheckContext(result: result, options: options)
        let outcomes = Parallel.chunks(rules.rules.count, maxChunks: 16) { range in
            var context = base
            return range.map { i -> (Result<CheckResult, Diagnostic>, [Diagnostic]) in
                context.warnings = []
                do throws(Diagnostic) {
                    return (.success(try context.evaluate(rules.rules[i])), context.warnings)
                } catch {
                    return (.failure(error), context.warnings)
                }
            }
        }.flatMap { $0 }
        var results: [CheckResult] = []
        var warnings: [Diagnostic] = []
        for (verdict, ruleWarnings) in outcomes {
            warnings += ruleWarnings
            results.append(try verdict.get())
        }
        return CheckReport(file: rules.path, results: results, warnings: warnings)
    }
}

/// A rule's side resolved against the cluster.
private struct Side {
    /// Endpoint indices, in name order.
    var endpoints: [Int]
    var addresses: IPSet

    var isEmpty: Bool { endpoints.isEmpty && addresses.isEmpty }
}

/// A counter-example before it is printed.
private struct Candidate {
    var source: String
    var destination: String
    var connections: ConnectionSet
    var sourceClass: Int?
    var destinationClass: Int?
    var sourceAddresses: IPSet?
    var destinationAddresses: IPSet?
    var open: Set<Direction>
}

/// Counts counter-examples and keeps the first ones in name order without materializing them all.
private struct Violations {
    let limit: Int
    var count = 0
    var candidates: [Candidate] = []
    /// Once `limit` candidates are kept, the largest kept key: anything not smaller cannot be shown.
    var worst: (String, String)?

    /// Whether a candidate with this key could still be among the first `limit`.
    func wants(_ source: String, _ destination: String) -> Bool {
        guard let worst else { return true }
        return (source, destination) < worst
    }

    mutating func add(_ candidate: Candidate, pairs: Int) {
        count += pairs
        guard wants(candidate.source, candidate.destination) else { return }
        candidates.append(candidate)
        if candidates.count > 4 * limit { trim() }
    }

    mutating func trim() {
        candidates.sort { ($0.source, $0.destination) < ($1.source, $1.destination) }
        if candidates.count > limit { candidates.removeLast(candidates.count - limit) }
        if candidates.count == limit, let last = candidates.last { worst = (last.source, last.destination) }
    }
}

private struct CheckContext {
    let result: Reachability
    let model: ClassModel
    let options: CheckOptions
    var warnings: [Diagnostic] = []
    let cluster: Cluster
    let namespaceLabels: [String: [String: String]]
    let universe: IPSet
    /// Per direction and class: the policies selecting the class in that direction.
    let selecting: [Direction: [[Int]]]
    private var pairCache: [Int: (ConnectionSet, Set<Direction>)] = [:]
    /// Endpoints of each namespace, in name order.
    let endpointsByNamespace: [String: [Int]]
    /// Each endpoint's `ns/name[Kind]`.
    let names: [String]

    init(result: Reachability, options: CheckOptions) {
        self.result = result
        self.model = result.model
        self.options = options
        self.cluster = result.cluster
        var labels: [String: [String: String]] = [:]
        for namespace in cluster.namespaces { labels[namespace.name] = namespace.labels }
        namespaceLabels = labels
        universe = result.model.universe
        let endpoints = result.cluster.endpoints
        var byNamespace: [String: [Int]] = [:]
        for (e, endpoint) in endpoints.enumerated() { byNamespace[endpoint.namespace, default: []].append(e) }
        names = endpoints.map(\.id)
        endpointsByNamespace = byNamespace
        selecting = result.model.selectingPolicies()
    }

    mutating func evaluate(_ rule: CheckRule) throws(Diagnostic) -> CheckResult {
        switch rule.assertion {
        case .deny(let reach): return try deny(rule, reach)
        case .allow(let reach): return try allow(rule, reach)
        case .isolated(let namespace, let directions, let exceptions):
            return try isolated(rule, namespace, directions, exceptions)
        case .defaultDeny(let namespace, let directions): return try defaultDeny(rule, namespace, directions)
        case .noDefaultAllow(let namespace): return try noDefaultAllow(rule, namespace)
        }
    }

    // MARK: - Resolving peers

    private func matches(_ alternative: RulePeer.Alternative, _ endpoint: Endpoint) -> Bool {
        switch alternative {
        case .any: return true
        case .namespace(let name): return endpoint.namespace == name
        case .endpoint(let reference):
            return reference.matches(endpoint)
        case .selector(let namespaces, let pods):
            return (namespaces?.matches(namespaceLabels[endpoint.namespace] ?? [:]) ?? true)
                && pods.matches(endpoint.labels)
        case .cidr: return false
        }
    }

    private func resolve(_ peer: RulePeer) -> Side {
        var chosen = Set<Int>()
        var addresses = IPSet()
        for alternative in peer.alternatives {
            switch alternative {
            case .any:
                addresses.formUnion(universe)
                chosen.formUnion(cluster.endpoints.indices)
            case .cidr(let cidr):
                addresses.formUnion(IPSet(cidr).intersection(universe))
            case .namespace(let name):
                chosen.formUnion(endpointsByNamespace[name] ?? [])
            case .endpoint(let reference):
                chosen.formUnion(
                    (endpointsByNamespace[reference.namespace] ?? []).filter {
                        reference.matches(cluster.endpoints[$0])
                    }
                )
            case .selector(let namespaces, _):
                let candidates =
                    namespaces.map { selector in
                        endpointsByNamespace.filter { selector.matches(namespaceLabels[$0.key] ?? [:]) }.flatMap(
                            \.value
                        )
                    } ?? Array(cluster.endpoints.indices)
                chosen.formUnion(candidates.filter { matches(alternative, cluster.endpoints[$0]) })
            }
        }
        return Side(endpoints: chosen.sorted(), addresses: addresses)
    }

    /// Fails (or, with `allowEmpty`, warns) when a side names nothing in the cluster.
    private mutating func requireMatch(_ side: Side, _ peer: RulePeer, _ rule: CheckRule, role: String)
        throws(Diagnostic) -> Bool
    {
        guard side.isEmpty else { return true }
        let message = "'\(role): \(peer.description)' of rule '\(rule.name)' matches no endpoint"
        guard options.allowEmpty else {
            throw Diagnostic(message, at: peer.location, hint: suggestionHint(peer))
        }
        warnings.append(.warning("\(message); the rule passes (--allow-empty)", at: peer.location))
        return false
    }

    private func suggestionHint(_ peer: RulePeer) -> String {
        var names: [String] = []
        for alternative in peer.alternatives {
            switch alternative {
            case .endpoint(let reference):
                if let query = try? EndpointQuery("\(reference.namespace)/\(reference.name)") {
                    names += query.suggestions(in: cluster, limit: 3)
                }
            case .namespace(let name):
                names += Set(cluster.endpoints.map(\.namespace)).filter { $0.editDistance(to: name) <= 2 }.sorted()
            default: break
            }
        }
        let fix =
            "check the spelling against the manifests, or pass --allow-empty if the rule guards objects "
            + "that may not exist yet"
        return names.isEmpty ? fix : "did you mean \(names.joined(separator: ", "))? " + fix
    }

    private func namespaceExists(_ namespace: RuleNamespace, _ rule: CheckRule) throws(Diagnostic) -> Bool {
        if cluster.endpoints.contains(where: { $0.namespace == namespace.name })
            || cluster.namespaces.contains(where: { $0.name == namespace.name && !$0.isImplicit })
        {
            return true
        }
        let message = "namespace '\(namespace.name)' of rule '\(rule.name)' is not in the manifests"
        guard options.allowEmpty else {
            let close = Set(cluster.namespaces.map(\.name)).filter { $0.editDistance(to: namespace.name) <= 2 }
            throw Diagnostic(
                message,
                at: namespace.location,
                hint: (close.isEmpty ? "" : "did you mean \(close.sorted().joined(separator: ", "))? ")
                    + "check the name, or pass --allow-empty"
            )
        }
        return false
    }

    // MARK: - Class-level answers

    private mutating func classFlow(_ s: Int, _ d: Int) -> (ConnectionSet, Set<Direction>) {
        let key = s * model.classes.count + d
        if let cached = pairCache[key] { return cached }
        let answer = model.classFlow(from: s, to: d)
        pairCache[key] = answer
        return answer
    }

    /// Endpoints grouped by class (and by `signature`), each group in name order.
    private func groups(_ endpoints: [Int], signature: (Int) -> [Bool] = { _ in [] }) -> [(Int, [Bool], [Int])] {
        var index: [GroupKey: Int] = [:]
        var out: [(Int, [Bool], [Int])] = []
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

    private struct GroupKey: Hashable {
        var cls: Int
        var signature: [Bool]
    }

    /// The atoms (clipped to `set`) that `set` touches.
    private func pieces(of set: IPSet) -> [(IPRange, IPSet)] {
        var out: [(IPRange, IPSet)] = []
        for atom in model.atoms {
            let piece = IPSet(atom).intersection(set)
            if !piece.isEmpty { out.append((atom, piece)) }
        }
        return out
    }

    private func connections(_ ports: [RulePort]?) -> ConnectionSet {
        guard let ports else { return .all }
        var out = ConnectionSet.none
        for port in ports {
            out.formUnion(ConnectionSet(port.networkProtocol, port.ports.map { PortSet($0) } ?? .allPorts))
        }
        return out
    }

    private func name(_ e: Int) -> String { names[e] }

    /// Adds the endpoint pairs of two groups whose verdict is `connections` (non-empty means a violation).
    private func addPairs(
        _ sources: [Int],
        _ destinations: [Int],
        _ connections: ConnectionSet,
        open: Set<Direction>,
        classes: (Int, Int),
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

    private func addToAddresses(
        _ sources: [Int],
        _ set: IPSet,
        _ connections: ConnectionSet,
        sourceClass: Int,
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
                    open: model.isolated.egress[sourceClass] ? [] : [.egress]
                ),
                pairs: i == 0 ? sources.count : 0
            )
        }
    }

    private func addFromAddresses(
        _ set: IPSet,
        _ destinations: [Int],
        _ connections: ConnectionSet,
        destinationClass: Int,
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
                    open: model.isolated.ingress[destinationClass] ? [] : [.ingress]
                ),
                pairs: i == 0 ? destinations.count : 0
            )
        }
    }

    /// Collects the flows from `sources` to `destinations` for which `verdict` is non-empty. `verdict` gets the
    /// allowed connections and the signatures of both sides (see `groups`); for addresses, the piece itself.
    private mutating func scan(
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

    // MARK: - deny and allow

    private mutating func deny(_ rule: CheckRule, _ reach: RuleReach) throws(Diagnostic) -> CheckResult {
        let sources = resolve(reach.from)
        let destinations = resolve(reach.to)
        guard try requireMatch(sources, reach.from, rule, role: "from"),
            try requireMatch(destinations, reach.to, rule, role: "to")
        else { return vacuous(rule) }
        let ports = connections(reach.ports)
        let violations = scan(sources, destinations) { allowed, _, _ in allowed.intersection(ports) }
        let what = "\(reach.from.description) to \(reach.to.description)" + portsText(reach.ports)
        guard violations.count == 0 else {
            return failure(
                rule,
                "\(violations.count) \(violations.count == 1 ? "flow is" : "flows are") allowed from \(what)",
                violations,
                involved: explainAllowed(violations.candidates)
            )
        }
        return pass(rule, "nothing is allowed from \(what)")
    }

    private mutating func allow(_ rule: CheckRule, _ reach: RuleReach) throws(Diagnostic) -> CheckResult {
        let sources = resolve(reach.from)
        let destinations = resolve(reach.to)
        guard try requireMatch(sources, reach.from, rule, role: "from"),
            try requireMatch(destinations, reach.to, rule, role: "to")
        else { return vacuous(rule) }
        let ports = connections(reach.ports)
        let violations = scan(sources, destinations) { allowed, _, _ in
            if reach.ports == nil { return allowed.isEmpty ? .all : .none }
            return ports.subtracting(allowed)
        }
        let what = "\(reach.from.description) to \(reach.to.description)" + portsText(reach.ports)
        guard violations.count == 0 else {
            let examples = violations.candidates.map { candidate in
                "\(candidate.source) => \(candidate.destination) : "
                    + (reach.ports == nil ? "no connection" : "missing \(candidate.connections)")
            }
            return CheckResult(
                rule: rule,
                passed: false,
                message:
                    "\(violations.count) \(violations.count == 1 ? "pair is" : "pairs are") not allowed from \(what)",
                examples: examples,
                violations: violations.count,
                involved: explainBlocked(violations.candidates)
            )
        }
        return pass(rule, "every source reaches every destination from \(what)")
    }

    // MARK: - isolated

    private mutating func isolated(
        _ rule: CheckRule,
        _ namespace: RuleNamespace,
        _ directions: Set<Direction>,
        _ exceptions: [RuleException]
    ) throws(Diagnostic) -> CheckResult {
        guard try namespaceExists(namespace, rule) else { return vacuous(rule) }
        let inside = cluster.endpoints.indices.filter { cluster.endpoints[$0].namespace == namespace.name }
        let outside = Side(
            endpoints: cluster.endpoints.indices.filter { cluster.endpoints[$0].namespace != namespace.name },
            addresses: universe
        )
        let insideSide = Side(endpoints: inside, addresses: IPSet())
        var total = Violations(limit: options.examples)
        for direction in Direction.allCases where directions.contains(direction) {
            let relevant = exceptions.compactMap { exception -> (RulePeer, ConnectionSet)? in
                guard let peer = direction == .ingress ? exception.from : exception.to else { return nil }
                return (peer, connections(exception.ports))
            }
            let resolved = relevant.map { (resolve($0.0), $0.1) }
            let masks = resolved.map { side, _ -> [Bool] in
                var mask = [Bool](repeating: false, count: cluster.endpoints.count)
                for e in side.endpoints { mask[e] = true }
                return mask
            }
            let endpointSignature: (Int) -> [Bool] = { e in masks.map { $0[e] } }
            let addressSignature: (IPSet) -> [(IPSet, [Bool])] = { piece in
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
            let exempt: ([Bool]) -> ConnectionSet = { signature in
                var out = ConnectionSet.none
                for (i, matched) in signature.enumerated() where matched { out.formUnion(resolved[i].1) }
                return out
            }
            let violations =
                direction == .ingress
                ? scan(
                    outside,
                    insideSide,
                    sourceSignature: endpointSignature,
                    addressSignature: addressSignature
                ) { allowed, outsider, _ in allowed.subtracting(exempt(outsider)) }
                : scan(
                    insideSide,
                    outside,
                    destinationSignature: endpointSignature,
                    addressSignature: addressSignature
                ) { allowed, _, outsider in allowed.subtracting(exempt(outsider)) }
            total.count += violations.count
            total.candidates += violations.candidates
        }
        total.trim()
        let word = directions.count == 2 ? "in or out" : directions.contains(.ingress) ? "in" : "out"
        let unless = exceptions.isEmpty ? "" : " beyond the listed exceptions"
        guard total.count == 0 else {
            return failure(
                rule,
                "\(total.count) \(total.count == 1 ? "flow crosses" : "flows cross") the boundary of '\(namespace.name)' (\(word))\(unless)",
                total,
                involved: explainAllowed(total.candidates)
            )
        }
        return pass(rule, "nothing crosses the boundary of '\(namespace.name)' (\(word))\(unless)")
    }

    // MARK: - default-deny and no-default-allow

    private func defaultDeny(_ rule: CheckRule, _ namespace: RuleNamespace, _ directions: Set<Direction>)
        throws(Diagnostic) -> CheckResult
    {
        guard try namespaceExists(namespace, rule) else { return vacuous(rule) }
        let policies = cluster.policies.filter { $0.namespace == namespace.name }
        var missing: [Direction] = []
        var examples: [String] = []
        var count = 0
        for direction in Direction.allCases where directions.contains(direction) {
            let found = policies.contains {
                $0.podSelector.isEmpty && $0.policyTypes.contains(direction) && $0.rules(direction).isEmpty
            }
            guard !found else { continue }
            missing.append(direction)
            for (e, endpoint) in cluster.endpoints.enumerated()
            where endpoint.namespace == namespace.name && !result.isolation[e].contains(direction) {
                count += 1
                if examples.count < options.examples {
                    examples.append("\(endpoint.id) is not isolated for \(direction.rawValue.lowercased())")
                }
            }
        }
        let words = directions.count == 2 ? "ingress and egress" : directions.first?.rawValue.lowercased() ?? ""
        guard missing.isEmpty else {
            let involved = policies.filter { policy in missing.contains { policy.policyTypes.contains($0) } }.map {
                CheckInvolvement(
                    "NetworkPolicy \($0.id) selects \($0.podSelector.isEmpty ? "every pod" : "only some pods")"
                        + ($0.podSelector.isEmpty ? " but has rules" : ""),
                    at: $0.location
                )
            }
            let list = missing.map { $0.rawValue.lowercased() }.joined(separator: " and ")
            return CheckResult(
                rule: rule,
                passed: false,
                message: "'\(namespace.name)' has no default-deny NetworkPolicy (podSelector: {}, no rules) for \(list)"
                    + (count > 0 ? "; \(count) \(count == 1 ? "endpoint is" : "endpoints are") open" : ""),
                examples: examples,
                violations: max(count, missing.count),
                involved: involved.sorted()
            )
        }
        return pass(rule, "'\(namespace.name)' has a default-deny NetworkPolicy for \(words)")
    }

    private mutating func noDefaultAllow(_ rule: CheckRule, _ namespace: RuleNamespace?) throws(Diagnostic)
        -> CheckResult
    {
        if let namespace, try !namespaceExists(namespace, rule) { return vacuous(rule) }
        func inScope(_ c: Int) -> Bool { namespace == nil || model.classes[c].namespace == namespace?.name }
        // Class pairs are evaluated on demand: a flow is open at the source when the source's class is not isolated
        // for egress, at the destination when the destination's is not isolated for ingress.
        let classCount = model.classes.count
        let openEgress = (0..<classCount).filter { inScope($0) && !model.isolated.egress[$0] }
        let openIngress = (0..<classCount).filter { inScope($0) && !model.isolated.ingress[$0] }
        let counted = Set(openEgress)
        var violations = Violations(limit: options.examples)
        // Per class: bit 1 when its egress is open for some flow in scope, bit 2 for ingress.
        var open = [UInt8](repeating: 0, count: classCount)
        func add(_ s: Int, _ d: Int) {
            if d == s, model.classes[s].members.count == 1 { return }
            let (connections, hops) = classFlow(s, d)
            guard !connections.isEmpty else { return }
            let egress = hops.contains(.egress) && inScope(s)
            let ingress = hops.contains(.ingress) && inScope(d)
            guard egress || ingress else { return }
            if egress { open[s] |= 1 }
            if ingress { open[d] |= 2 }
            addPairs(
                model.classes[s].members,
                model.classes[d].members,
                connections,
                open: OpenHops.directions((egress ? 1 : 0) | (ingress ? 2 : 0)),
                classes: (s, d),
                to: &violations
            )
        }
        for s in openEgress {
            for d in 0..<classCount { add(s, d) }
            // Not isolated for egress: every address, every connection.
            addToAddresses(model.classes[s].members, universe, .all, sourceClass: s, to: &violations)
        }
        for d in openIngress {
            for s in 0..<classCount where !counted.contains(s) { add(s, d) }
            addFromAddresses(universe, model.classes[d].members, .all, destinationClass: d, to: &violations)
        }
        for s in openEgress where !universe.isEmpty { open[s] |= 1 }
        for d in openIngress where !universe.isEmpty { open[d] |= 2 }
        violations.trim()
        let count = violations.count
        let examples = failure(rule, "", violations, involved: []).examples
        let scope = namespace.map { "of '\($0.name)'" } ?? "in the cluster"
        guard count == 0 else {
            let involved = cluster.endpoints.indices.filter { open[model.classOfEndpoint[$0]] != 0 }.prefix(
                options.examples
            ).map { e in
                let bits = open[model.classOfEndpoint[e]]
                let words = (bits & 2 != 0 ? ["ingress"] : []) + (bits & 1 != 0 ? ["egress"] : [])
                return CheckInvolvement(
                    "\(name(e)) is not selected by any NetworkPolicy for \(words.joined(separator: " or "))",
                    at: cluster.endpoints[e].location
                )
            }
            return CheckResult(
                rule: rule,
                passed: false,
                message: "\(count) \(count == 1 ? "flow" : "flows") \(scope) \(count == 1 ? "exists" : "exist") "
                    + "only because a side has no policy",
                examples: examples,
                violations: count,
                involved: involved.sorted()
            )
        }
        return pass(rule, "every flow \(scope) is allowed by a rule")
    }

    // MARK: - Explanations

    /// For flows that should not exist: the policies whose rules let them through, or the open side.
    private func explainAllowed(_ candidates: [Candidate]) -> [CheckInvolvement] {
        var out = Set<CheckInvolvement>()
        for candidate in candidates {
            for direction in Direction.allCases {
                let governed = direction == .ingress ? candidate.destinationClass : candidate.sourceClass
                guard let c = governed else { continue }
                let side = direction == .ingress ? candidate.destination : candidate.source
                let isolated = model.isolated[direction][c]
                guard isolated else {
                    let endpoint = cluster.endpoints[model.classes[c].members[0]]
                    out.insert(
                        CheckInvolvement(
                            "\(side) is not selected by any NetworkPolicy for \(direction.rawValue.lowercased())",
                            at: model.classes[c].members.count == 1 ? endpoint.location : nil
                        )
                    )
                    continue
                }
                for p in admitting(direction, governed: c, candidate) {
                    let what =
                        direction == .ingress
                        ? "admits \(candidate.source) into \(candidate.destination) (ingress)"
                        : "lets \(candidate.source) reach \(candidate.destination) (egress)"
                    out.insert(
                        CheckInvolvement(
                            "NetworkPolicy \(cluster.policies[p].id) \(what)",
                            at: cluster.policies[p].location
                        )
                    )
                }
            }
        }
        return out.sorted()
    }

    /// For flows that should exist: the policies that isolate a side without a rule that lets the flow through.
    private func explainBlocked(_ candidates: [Candidate]) -> [CheckInvolvement] {
        var out = Set<CheckInvolvement>()
        for candidate in candidates {
            if let d = candidate.destinationClass, model.isolated.ingress[d] {
                for p in selecting[.ingress]?[d] ?? [] where !admitting(.ingress, governed: d, candidate).contains(p) {
                    out.insert(
                        CheckInvolvement(
                            "NetworkPolicy \(cluster.policies[p].id) isolates \(candidate.destination) for ingress "
                                + "and no rule admits \(candidate.source)\(onPorts(candidate))",
                            at: cluster.policies[p].location
                        )
                    )
                }
            }
            if let s = candidate.sourceClass, model.isolated.egress[s] {
                for p in selecting[.egress]?[s] ?? [] where !admitting(.egress, governed: s, candidate).contains(p) {
                    out.insert(
                        CheckInvolvement(
                            "NetworkPolicy \(cluster.policies[p].id) isolates \(candidate.source) for egress "
                                + "and no rule lets it reach \(candidate.destination)\(onPorts(candidate))",
                            at: cluster.policies[p].location
                        )
                    )
                }
            }
        }
        return out.sorted()
    }

    private func onPorts(_ candidate: Candidate) -> String {
        candidate.connections.allowsAll ? "" : " on \(candidate.connections)"
    }

    /// The policies selecting class `governed` in `direction` whose rules let the candidate's other side through
    /// on some of the candidate's connections.
    private func admitting(_ direction: Direction, governed: Int, _ candidate: Candidate) -> [Int] {
        let otherClass = direction == .ingress ? candidate.sourceClass : candidate.destinationClass
        let otherAddresses = direction == .ingress ? candidate.sourceAddresses : candidate.destinationAddresses
        let destinationClass = direction == .ingress ? governed : candidate.destinationClass
        return (selecting[direction]?[governed] ?? []).filter { p in
            (model.policyRules[p][direction] ?? []).contains { r in
                let rule = model.rules[r]
                let peerMatches =
                    otherClass.map { rule.matchesClass[$0] }
                    ?? otherAddresses.map { !rule.addresses.intersection($0).isEmpty } ?? false
                guard peerMatches else { return false }
                let allowed = model.connections(rule, destinationClass: destinationClass)
                return !allowed.intersection(candidate.connections).isEmpty || candidate.connections.isEmpty
            }
        }
    }

    // MARK: - Results

    private func portsText(_ ports: [RulePort]?) -> String {
        guard let ports else { return "" }
        return " on "
            + ports.map { port in
                port.ports.map { range in
                    "\(range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound)-\(range.upperBound)")/\(port.networkProtocol.rawValue)"
                } ?? port.networkProtocol.rawValue
            }.joined(separator: ", ")
    }

    private func pass(_ rule: CheckRule, _ message: String) -> CheckResult {
        CheckResult(rule: rule, passed: true, message: message, examples: [], violations: 0, involved: [])
    }

    private func vacuous(_ rule: CheckRule) -> CheckResult {
        pass(rule, "matches nothing in the manifests (--allow-empty)")
    }

    private func failure(_ rule: CheckRule, _ message: String, _ violations: Violations, involved: [CheckInvolvement])
        -> CheckResult
    {
        let examples = violations.candidates.map { candidate in
            let hops = Direction.allCases.reversed().filter(candidate.open.contains).map { $0.rawValue.lowercased() }
            return "\(candidate.source) => \(candidate.destination) : \(candidate.connections)"
                + (hops.isEmpty ? "" : "  (default-allow: \(hops.joined(separator: "+")))")
        }
        return CheckResult(
            rule: rule,
            passed: false,
            message: message,
            examples: examples,
            violations: violations.count,
            involved: involved
        )
    }
}
