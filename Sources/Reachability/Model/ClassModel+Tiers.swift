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
        isolated.of(direction)[c]
            || (tiered && (!adminGoverning.of(direction)[c].isEmpty || !baselineGoverning.of(direction)[c].isEmpty))
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

    /// One hop on the fast path: what passes it and what of that no policy decided (default-allow). The other side
    /// is class `peer`, or what `matching` says of each rule. With a `cache`, the admin tier's answer for the rules
    /// of the governed class that match is computed once per set of such rules (a bit per rule, up to 256; not when
    /// an egress rule names a port, which resolves on the destination).
    func tieredHop(
        _ direction: Direction,
        at governed: ClassID,
        destination: ClassID?,
        cache: HopCache? = nil,
        peer: ClassID? = nil,
        matching matchingRule: ((RuleID) -> Bool)? = nil
    ) -> (allowed: ConnectionSet, undecided: ConnectionSet) {
        // A class peer is read from the bit matrix (a closure over the model would copy it at every call).
        func matching(_ r: RuleID) -> Bool {
            if let peer { return ruleMatches(r, peer) }
            return matchingRule?(r) ?? false
        }
        // The fixed connections and the empty and full sets from the cache, in its own storage (see `HopCache`).
        let fixed = cache?.fixed ?? tierTables.fixed
        let none = cache?.none ?? ConnectionSet.none
        func connections(_ r: RuleID) -> ConnectionSet {
            fixed[r.index] ?? self.connections(rules[r], destinationClass: destination)
        }
        // A tier's rules that match, in order, folded: what they allow and what they leave undecided.
        func fold(_ ids: [RuleID], _ undecided: inout ConnectionSet, _ allowed: inout ConnectionSet) {
            var passed = none
            for r in ids where matching(r) {
                guard !undecided.isEmpty else { return }
                var open = connections(r).intersection(undecided)
                if !passed.isEmpty { open = open.subtracting(passed) }
                guard !open.isEmpty else { continue }
                switch tierTables.verdicts[r.index] {
                case .allow:
                    allowed = allowed.isEmpty ? open : allowed.union(open)
                    undecided = undecided.subtracting(open)
                case .deny:
                    undecided = undecided.subtracting(open)
                case .pass:
                    passed = passed.isEmpty ? open : passed.union(open)
                }
            }
        }
        // The admin tier, from the cache when the same of its rules matched before.
        var undecided = cache?.all ?? ConnectionSet.all
        var allowed = none
        let admin = (cache?.admin ?? adminGoverning).of(direction)[governed]
        if !admin.isEmpty {
            var mask = RuleMask()
            var cacheable = cache != nil && admin.count <= RuleMask.capacity
            for (k, r) in admin.enumerated() where matching(r) {
                mask.insert(k)
                if direction.slot == 1 && fixed[r.index] == nil { cacheable = false }
            }
            if !mask.isEmpty {
                if cacheable, let known = cache?.lookup(direction, governed, mask) {
                    (allowed, undecided) = known
                } else {
                    fold(admin, &undecided, &allowed)
                    if cacheable { cache?.store(direction, governed, mask, (allowed, undecided)) }
                }
            }
        }
        guard !undecided.isEmpty else { return (allowed, none) }
        if (cache?.isolated ?? isolated).of(direction)[governed] {
            var admitted = none
            for r in (cache?.governing ?? governing).of(direction)[governed] where matching(r) {
                let more = connections(r)
                admitted = admitted.isEmpty ? more : admitted.union(more)
            }
            let rest = undecided.intersection(admitted)
            return (allowed.isEmpty ? rest : allowed.union(rest), none)
        }
        fold((cache?.baseline ?? baselineGoverning).of(direction)[governed], &undecided, &allowed)
        return (allowed.isEmpty ? undecided : allowed.union(undecided), undecided)
    }

    /// Whether rule `r`'s peers match class `c` (the bit matrix: no copy of the compiled rule).
    @inline(__always)
    func ruleMatches(_ r: RuleID, _ c: ClassID) -> Bool {
        tierTables.matches(r, c)
    }

    /// `classFlow` with the admin tiers.
    func tieredClassFlow(from source: ClassID, to destination: ClassID, cache: HopCache? = nil)
        -> (ConnectionSet, Set<Direction>)
    {
        let egress = tieredHop(.egress, at: source, destination: destination, cache: cache, peer: destination)
        guard !egress.allowed.isEmpty else { return (.none, []) }
        let ingress = tieredHop(.ingress, at: destination, destination: destination, cache: cache, peer: source)
        let allowed = egress.allowed.intersection(ingress.allowed)
        // Whether some allowed connection passes the hop only because no tier decides it (no array of the two hops
        // per class pair).
        func isOpen(_ undecided: ConnectionSet) -> Bool {
            !undecided.isEmpty && !(undecided.allowsAll ? allowed : undecided.intersection(allowed)).isEmpty
        }
        var open = Set<Direction>()
        if isOpen(egress.undecided) { open.insert(.egress) }
        if isOpen(ingress.undecided) { open.insert(.ingress) }
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
        let all = adminGoverning.of(direction)[c] + governing.of(direction)[c] + baselineGoverning.of(direction)[c]
        var events: [(position: Int, rule: RuleID, starts: Bool)] = []
        for r in all {
            for interval in ruleAtoms[r] {
                events.append((interval.lowerBound, r, true))
                events.append((interval.upperBound + 1, r, false))
            }
        }
        events.sort { ($0.position, $0.starts ? 1 : 0) < ($1.position, $1.starts ? 1 : 0) }
        var active: [RuleID: Int] = [:]
        // Grouped by connections and by whether some pass only by default, in order of first appearance.
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
                let set = addresses(atoms: position..<end)
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

/// Which of a class's rules (up to 256) match a peer: a hop cache key that allocates nothing.
struct RuleMask: Hashable {
    static let capacity = 256
    private var w0: UInt64 = 0
    private var w1: UInt64 = 0
    private var w2: UInt64 = 0
    private var w3: UInt64 = 0

    var isEmpty: Bool { w0 | w1 | w2 | w3 == 0 }

    mutating func insert(_ k: Int) {
        let bit = UInt64(1) << UInt64(k % 64)
        switch k / 64 {
        case 0: w0 |= bit
        case 1: w1 |= bit
        case 2: w2 |= bit
        default: w3 |= bit
        }
    }
}

/// Hop answers already computed, per direction and governed class, keyed by the bits of the class's rules that
/// matched (one per worker: not shared between threads).
final class HopCache {
    private var hops: [[RuleMask: (allowed: ConnectionSet, undecided: ConnectionSet)]]
    /// The rules' fixed connections, `ConnectionSet.all` and `.none`, in storage of this cache's own: a cache is one
    /// chunk's, read on one core, and the shared sets' reference counts were contended by both cores at every hop
    /// (most of the tiered answer's time).
    let fixed: [ConnectionSet?]
    let all = ConnectionSet.all.unshared
    let none = ConnectionSet.none.unshared
    /// The model's per-class rule lists and isolation flags, copied for the same reason.
    let admin: PerDirection<[[RuleID]]>
    let baseline: PerDirection<[[RuleID]]>
    let governing: PerDirection<[[RuleID]]>
    let isolated: PerDirection<[Bool]>

    init(model: ClassModel) {
        hops = Array(repeating: [:], count: model.classes.count * 2)
        fixed = model.tierTables.fixed.map { $0?.unshared }
        func copy<T>(_ lists: PerDirection<[[T]]>) -> PerDirection<[[T]]> {
            PerDirection(ingress: lists.ingress.map { $0.map { $0 } }, egress: lists.egress.map { $0.map { $0 } })
        }
        admin = copy(model.adminGoverning)
        baseline = copy(model.baselineGoverning)
        governing = copy(model.governing)
        isolated = PerDirection(ingress: model.isolated.ingress.map { $0 }, egress: model.isolated.egress.map { $0 })
    }

    func lookup(_ direction: Direction, _ c: ClassID, _ mask: RuleMask) -> (
        allowed: ConnectionSet, undecided: ConnectionSet
    )? {
        hops[c.index * 2 + direction.slot][mask]
    }

    func store(
        _ direction: Direction,
        _ c: ClassID,
        _ mask: RuleMask,
        _ result: (allowed: ConnectionSet, undecided: ConnectionSet)
    ) {
        hops[c.index * 2 + direction.slot][mask] = result
    }
}

/// The compiled rules as flat tables for the tiered fast path: a bit per class each rule's peers match, the rules'
/// verdicts and their connections when they do not depend on the destination (read without copying a rule).
final class TierTables: Sendable {
    private let bits: [UInt64]
    private let words: Int
    let verdicts: [Verdict]
    let fixed: [ConnectionSet?]

    init() {
        bits = []
        words = 0
        verdicts = []
        fixed = []
    }

    init(rules: [CompiledRule], classes: Int) {
        bits = Array(ClassModel.matchBitRows(rules, classes: classes).joined())
        words = (classes + 63) / 64
        verdicts = rules.map(\.verdict)
        fixed = rules.map(\.fixedConnections)
    }

    /// Whether rule `r`'s peers match class `c`.
    @inline(__always)
    func matches(_ r: RuleID, _ c: ClassID) -> Bool {
        bits[r.index * words + c.index / 64] & (1 << UInt64(c.index % 64)) != 0
    }
}
