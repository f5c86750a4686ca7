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
            tierLayer(adminGoverning.of(direction)[governed], peer: peer, destination: destination),
            networkPolicies,
            tierLayer(baselineGoverning.of(direction)[governed], peer: peer, destination: destination),
        ])
    }

    /// What the NetworkPolicies say at one hop. Policies that select the endpoint in `direction` isolate it: the
    /// union of their rules that match `peer` is allowed, everything else denied. Selected by none, they say nothing.
    func networkPolicyLayer(_ direction: Direction, at governed: ClassID, peer: HopPeer) -> LayerDecision {
        guard isolated.of(direction)[governed] else { return .silent }
        let destination: ClassID? =
            switch (direction, peer) {
            case (.ingress, _): governed
            case (.egress, .endpoints(let c)): c
            case (.egress, .addresses), (.egress, .ingressController): nil
            }
        var allowed = ConnectionSet.none
        var deciding: [DecidingRule] = []
        for r in governing.of(direction)[governed] where matches(rules[r], peer) {
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
            selectedBy: selectedBy.of(direction)[governed]
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
            let more = connections(r, destinationClass: destination)
            out = out.map { $0.union(more) } ?? more
        }
        return out
    }

    /// The connections the `rules` whose addresses hold `atom` allow (towards class `destination`, nil outside).
    func union(_ rules: some Sequence<RuleID>, atom: IPRange, destination: ClassID?) -> ConnectionSet {
        var out = ConnectionSet.none
        for r in rules where self.rules[r].addresses.contains(atom) {
            out.formUnion(connections(r, destinationClass: destination))
        }
        return out
    }

    /// What an isolated class may send to (`.egress`) or accept from (`.ingress`) each address, grouped by
    /// connections in address order. A sweep over the atom intervals of the class's rules: the work grows with
    /// its rules, not with the number of atoms.
    func addressFlows(_ c: ClassID, _ direction: Direction) -> [(ConnectionSet, IPSet)] {
        var events: [(position: Int, rule: RuleID, starts: Bool)] = []
        for r in governing.of(direction)[c] {
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
            while j + 1 < range.upperBound, atoms[j + 1].family.isSame(as: family) { j += 1 }
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
    ///
    /// Reads the rule's fields in place: a rule passed by value was copied, a retain and a release of each of its
    /// arrays, for every rule of every pair and address atom.
    package func connections(_ rule: RuleID, destinationClass: ClassID?) -> ConnectionSet {
        if let fixed = rules[rule].fixedConnections { return fixed }
        return Self.connections(rules[rule].ports, destinationPorts: destinationClass.map { classes[$0].ports } ?? [])
    }
}

// MARK: - The class-level answer, memoised

/// Distinct connection sets by id: one table per worker of the class-level answer.
struct ConnectionTable {
    private(set) var connections: [ConnectionSet] = []
    /// Per id, whether its set is empty: read for every class pair, without copying the set.
    private(set) var empty: [Bool] = []
    private var index: [ConnectionSet: Int32] = [:]

    /// The id of `connections`, added when new.
    mutating func intern(_ connections: ConnectionSet) -> Int32 {
        if let id = index[connections] { return id }
        let id = Int32(self.connections.count)
        self.connections.append(connections)
        empty.append(connections.isEmpty)
        index[connections] = id
        return id
    }
}

/// Distinct connection sets by id, with the union of two ids computed once: the namespace matrix's cells, where
/// thousands of class edges fold into one cell.
struct UnionTable {
    private var table = ConnectionTable()
    private var unions: [UInt64: Int32] = [:]
    /// The id of the empty set.
    let none: Int32

    init() {
        none = table.intern(.none)
    }

    /// The id of `connections`.
    mutating func id(_ connections: ConnectionSet) -> Int32 { table.intern(connections) }

    /// The id of the union of the sets `a` and `b`.
    mutating func union(_ a: Int32, _ b: Int32) -> Int32 {
        if a == none || a == b { return b }
        if b == none { return a }
        let key = UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
        if let known = unions[key] { return known }
        let union = table.intern(table.connections[Int(a)].union(table.connections[Int(b)]))
        unions[key] = union
        return union
    }

    /// The sets, by id.
    var sets: [ConnectionSet] { table.connections }
}

/// What one worker of the class-level answer remembers. A hop's answer depends only on which of the governing
/// class's rules match the peer (and, for rules that name ports, on the destination's named ports), and few of those
/// subsets occur: the unions and intersections are computed once each and kept as ids of `table`.
struct FlowMemo {
    private struct HopKey: Hashable {
        /// The governing class's rules (`Keys.rules`): classes that the same policies select share answers.
        var rules: Int32
        var mask: RuleMask
        /// The destination's named ports (`Keys.ports`), or -1 when no matching rule names a port.
        var ports: Int32
    }

    /// What every worker's memo keys its hops by, computed once per class-level answer.
    struct Keys: Sendable {
        /// Per class, an id of its named container ports.
        let ports: [Int32]
        /// Per direction and class, an id of the list of its governing rules (one numbering for both directions).
        let rules: PerDirection<[Int32]>

        init(model: ClassModel) {
            func ids<Key: Hashable>(_ keys: [Key], into table: inout [Key: Int32]) -> [Int32] {
                keys.map { key in
                    if let id = table[key] { return id }
                    let id = Int32(table.count)
                    table[key] = id
                    return id
                }
            }
            var ports: [[ContainerPort]: Int32] = [:]
            self.ports = ids(model.classes.map(\.ports), into: &ports)
            var rules: [[RuleID]: Int32] = [:]
            self.rules = PerDirection(
                ingress: ids(model.governing.ingress, into: &rules),
                egress: ids(model.governing.egress, into: &rules)
            )
            var lists = [[RuleID]](repeating: [], count: rules.count)
            for (list, id) in rules { lists[Int(id)] = list }
            listStart = lists.reduce(into: [0]) { $0.append($0[$0.count - 1] + Int32($1.count)) }
            listRules = lists.flatMap { $0 }
            words = (model.classes.count + 63) / 64
            matchBits = Array(ClassModel.matchBitRows(model.rules, classes: model.classes.count).joined())
            named = model.rules.map { $0.fixedConnections == nil }
        }

        /// The rule lists of `rules`, one after another (`listRules[listStart[id]..<listStart[id + 1]]` is list
        /// `id`): read for every class pair without retaining an array of its own (two cores retaining the same
        /// arrays' counts cost more than the rest of the hop).
        let listStart: [Int32]
        let listRules: [RuleID]

        /// Per rule, a bit per class its peers match (`CompiledRule.matchesClass`, flat: read without touching a rule).
        private let matchBits: [UInt64]
        private let words: Int
        /// Per rule, whether it names a port (its connections depend on the destination's named ports).
        let named: [Bool]

        /// Whether a peer of rule `r` matches class `c`.
        func matches(_ r: RuleID, _ c: ClassID) -> Bool {
            matchBits[r.index * words + c.index / 64] & (1 << UInt64(c.index % 64)) != 0
        }

        /// Adds the classes rule `r`'s peers match to `bits` (a bit per class, `classWords` words).
        func addMatches(of r: RuleID, to bits: inout [UInt64]) {
            for w in 0..<words { bits[w] |= matchBits[r.index * words + w] }
        }

        /// Calls `body` with every class rule `r`'s peers match, ascending.
        func forEachMatch(of r: RuleID, _ body: (Int) -> Void) {
            forEachMatch(of: r, inWords: 0..<words, body)
        }

        /// Calls `body` with each class rule `r`'s peers match among classes `64 * words.lowerBound ..<
        /// 64 * words.upperBound`, ascending.
        func forEachMatch(of r: RuleID, inWords words: Range<Int>, _ body: (Int) -> Void) {
            for w in words {
                var word = matchBits[r.index * self.words + w]
                while word != 0 {
                    body(w * 64 + word.trailingZeroBitCount)
                    word &= word - 1
                }
            }
        }

        /// Words of a bit set over classes.
        var classWords: Int { words }
    }

    var table = ConnectionTable()
    private var hops: [HopKey: Int32] = [:]
    private var intersections: [UInt64: Int32] = [:]
    private let keys: Keys
    private let all: Int32

    init(keys: Keys) {
        self.keys = keys
        all = table.intern(.all)
    }

    init(model: ClassModel) {
        self.init(keys: Keys(model: model))
    }

    /// The union of the rules governing `governed` in `direction` that match class `peer`, towards `destination`;
    /// nil when none matches.
    mutating func hop(
        _ direction: Direction,
        at governed: ClassID,
        peer: ClassID,
        destination: ClassID,
        model: ClassModel
    )
        -> Int32?
    {
        // Stored properties and the flat rule lists, not `PerDirection`'s subscript and `model.governing`: that was a
        // call into another module for every class pair, and a retain of the rule list shared by both cores.
        let list = direction.isIngress ? keys.rules.ingress[governed.index] : keys.rules.egress[governed.index]
        let start = Int(keys.listStart[Int(list)])
        let count = Int(keys.listStart[Int(list) + 1]) - start
        guard count <= RuleMask.capacity else {
            return model.union(model.governing.of(direction)[governed], matching: peer, destination: destination).map {
                table.intern($0)
            }
        }
        var mask = RuleMask()
        var named = false
        for k in 0..<count {
            let r = keys.listRules[start + k]
            guard keys.matches(r, peer) else { continue }
            mask.insert(k)
            if keys.named[r.index] { named = true }
        }
        guard !mask.isEmpty else { return nil }
        let key = HopKey(rules: list, mask: mask, ports: named ? keys.ports[destination.index] : -1)
        if let known = hops[key] { return known }
        let rules = model.governing.of(direction)[governed]
        guard let union = model.union(rules, matching: peer, destination: destination) else { return nil }
        let id = table.intern(union)
        hops[key] = id
        return id
    }

    /// The connections in both, by id.
    mutating func intersection(_ a: Int32, _ b: Int32) -> Int32 {
        if a == all || a == b { return b }
        if b == all { return a }
        let key = UInt64(UInt32(bitPattern: min(a, b))) << 32 | UInt64(UInt32(bitPattern: max(a, b)))
        if let known = intersections[key] { return known }
        let id = table.intern(table.connections[Int(a)].intersection(table.connections[Int(b)]))
        intersections[key] = id
        return id
    }

    /// The id of every connection.
    var allID: Int32 { all }
}

extension ClassModel {
    /// `classFlow` for the class-level answer of a cluster without admin tiers, as an id of `memo.table` and the
    /// `OpenHops` bits; nil when nothing is allowed. The same answer (`DecisionTests` compares them).
    func memoisedClassFlow(from source: ClassID, to destination: ClassID, memo: inout FlowMemo) -> (Int32, UInt8)? {
        var open: UInt8 = 0
        var egress = memo.allID
        if isolated.egress[source] {
            guard let id = memo.hop(.egress, at: source, peer: destination, destination: destination, model: self),
                !memo.table.empty[Int(id)]
            else { return nil }
            egress = id
        } else {
            open |= OpenHops.bit(.egress)
        }
        var ingress = memo.allID
        if isolated.ingress[destination] {
            guard let id = memo.hop(.ingress, at: destination, peer: source, destination: destination, model: self)
            else { return nil }
            ingress = id
        } else {
            open |= OpenHops.bit(.ingress)
        }
        let allowed = memo.intersection(egress, ingress)
        guard !memo.table.empty[Int(allowed)] else { return nil }
        return (allowed, open)
    }
}
