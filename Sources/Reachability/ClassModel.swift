import KubeModel

/// A rule compiled against the cluster: which classes and addresses its peers match.
struct CompiledRule: Sendable {
    /// For each class, whether a peer of the rule matches it.
    var matchesClass: [Bool]
    /// External addresses the rule's peers match.
    var addresses: IPSet
    /// Ports, nil for all.
    var ports: [PolicyPort]?
    /// The connections when the rule names no port by name (independent of the destination).
    var fixedConnections: ConnectionSet?
}

/// Endpoints grouped into classes, and for each class the rules that govern it.
struct ClassModel: Sendable {
    struct EndpointClass: Sendable {
        var namespace: String
        var labels: [String: String]
        var ports: [ContainerPort]
        /// Endpoint indices, ascending: `Cluster` sorts endpoints by id, so this is name order too.
        var members: [Int]
    }

    let cluster: Cluster
    var classes: [EndpointClass] = []
    var classOfEndpoint: [Int] = []
    var rules: [CompiledRule] = []
    /// Per direction and class: the rule indices of the policies that select it for that direction.
    var governing = PerDirection<[[Int]]>(repeating: [])
    /// Per direction and class: whether some policy selects it for that direction.
    var isolated = PerDirection<[Bool]>(repeating: [])
    /// External address atoms: disjoint ranges cut at every ipBlock boundary, covering the universe.
    var atoms: [IPRange] = []
    /// Per compiled rule: the atoms its addresses hold, as index intervals.
    var ruleAtoms: [[ClosedRange<Int>]] = []
    /// Every address of the families the atoms are cut from (they cover each family whole).
    var universe = IPSet()
    /// Per policy (same index as `cluster.policies`): the classes it selects and its compiled rules per direction.
    var policySelection: [[Int]] = []
    var policyRules: [[Direction: [Int]]] = []

    private struct ClassKey: Hashable {
        var namespace: String
        var labels: [String: String]
        var ports: [ContainerPort]
    }

    init(cluster: Cluster) {
        self.cluster = cluster
        var index: [ClassKey: Int] = [:]
        for (e, endpoint) in cluster.endpoints.enumerated() {
            let named = endpoint.ports.filter { $0.name != nil }.sorted()
            let key = ClassKey(namespace: endpoint.namespace, labels: endpoint.labels, ports: named)
            if let c = index[key] {
                classes[c].members.append(e)
                classOfEndpoint.append(c)
            } else {
                index[key] = classes.count
                classOfEndpoint.append(classes.count)
                classes.append(
                    EndpointClass(namespace: endpoint.namespace, labels: endpoint.labels, ports: named, members: [e])
                )
            }
        }
        compile()
    }

    private mutating func compile() {
        var namespaceLabels: [String: [String: String]] = [:]
        for namespace in cluster.namespaces { namespaceLabels[namespace.name] = namespace.labels }
        let classNamespaceLabels = classes.map { namespaceLabels[$0.namespace] ?? [Namespace.nameLabel: $0.namespace] }
        var selectorCache: [LabelSelector: [Bool]] = [:]
        func podMatches(_ selector: LabelSelector) -> [Bool] {
            if let cached = selectorCache[selector] { return cached }
            let result = classes.map { selector.matches($0.labels) }
            selectorCache[selector] = result
            return result
        }
        var namespaceCache: [LabelSelector: [Bool]] = [:]
        func namespaceMatches(_ selector: LabelSelector) -> [Bool] {
            if let cached = namespaceCache[selector] { return cached }
            let result = classNamespaceLabels.map { selector.matches($0) }
            namespaceCache[selector] = result
            return result
        }

        var boundaries = Set<IPFamily>([.v4])
        governing = PerDirection(repeating: Array(repeating: [], count: classes.count))
        isolated = PerDirection(repeating: Array(repeating: false, count: classes.count))
        var cuts: [IPFamily: Set<UInt128>] = [:]

        for policy in cluster.policies {
            let selected = podMatches(policy.podSelector).enumerated().filter {
                classes[$0.offset].namespace == policy.namespace && $0.element
            }
            .map(\.offset)
            policySelection.append(selected)
            policyRules.append([:])
            for direction in Direction.allCases where policy.policyTypes.contains(direction) {
                var ruleIndices: [Int] = []
                for rule in policy.rules(direction) {
                    var matchesClass = Array(repeating: false, count: classes.count)
                    var addresses = IPSet()
                    if let peers = rule.peers {
                        for peer in peers {
                            switch peer {
                            case .ipBlock(let block):
                                addresses.formUnion(IPSet(block))
                                boundaries.insert(block.cidr.family)
                                for cidr in [block.cidr] + block.except {
                                    cuts[cidr.family, default: []].insert(cidr.lower)
                                    if cidr.upper < cidr.family.maxAddress {
                                        cuts[cidr.family, default: []].insert(cidr.upper + 1)
                                    }
                                }
                            case .pods(let podSelector, let namespaceSelector):
                                let pods = podSelector.map(podMatches)
                                let namespaces = namespaceSelector.map(namespaceMatches)
                                for c in classes.indices {
                                    let inNamespace = namespaces?[c] ?? (classes[c].namespace == policy.namespace)
                                    if inNamespace && (pods?[c] ?? true) { matchesClass[c] = true }
                                }
                            }
                        }
                    } else {
                        matchesClass = Array(repeating: true, count: classes.count)
                        addresses = IPSet.all([.v4, .v6])
                    }
                    let isNamed =
                        rule.ports?.contains { if case .named = $0.port { return true } else { return false } } ?? false
                    rules.append(
                        CompiledRule(
                            matchesClass: matchesClass,
                            addresses: addresses,
                            ports: rule.ports,
                            fixedConnections: isNamed ? nil : Self.connections(rule.ports, destinationPorts: [])
                        )
                    )
                    ruleIndices.append(rules.count - 1)
                }
                policyRules[policyRules.count - 1][direction] = ruleIndices
                for c in selected {
                    isolated[direction][c] = true
                    governing[direction][c] += ruleIndices
                }
            }
        }
        for family in boundaries.sorted() {
            var points = cuts[family, default: []]
            points.insert(0)
            let sorted = points.sorted()
            for (i, start) in sorted.enumerated() {
                let end = i + 1 < sorted.count ? sorted[i + 1] - 1 : family.maxAddress
                atoms.append(IPRange(family: family, bounds: start...end))
            }
        }
        ruleAtoms = rules.map { atomIntervals($0.addresses) }
        universe = IPSet.all(Array(Set(atoms.map(\.family))).sorted())
    }

    /// The atoms inside `set`, as intervals of atom indices (atoms never straddle an ipBlock boundary).
    func atomIntervals(_ set: IPSet) -> [ClosedRange<Int>] {
        var out: [ClosedRange<Int>] = []
        for range in set.ranges {
            var low = 0
            var high = atoms.count
            while low < high {
                let mid = (low + high) / 2
                if (atoms[mid].family, atoms[mid].bounds.lowerBound) < (range.family, range.bounds.lowerBound) {
                    low = mid + 1
                } else {
                    high = mid
                }
            }
            var last = low - 1
            while last + 1 < atoms.count, atoms[last + 1].family == range.family,
                atoms[last + 1].bounds.upperBound <= range.bounds.upperBound
            {
                last += 1
            }
            if last >= low { out.append(low...last) }
        }
        return out
    }

    /// What an isolated class may send to (`.egress`) or accept from (`.ingress`) each address, grouped by
    /// connections in address order. A sweep over the atom intervals of the class's rules: the work grows with
    /// its rules, not with the number of atoms.
    func addressFlows(_ c: Int, _ direction: Direction) -> [(ConnectionSet, IPSet)] {
        let ruleIndices = governing[direction][c]
        var events: [(position: Int, rule: Int, starts: Bool)] = []
        for r in ruleIndices {
            for interval in ruleAtoms[r] {
                events.append((interval.lowerBound, r, true))
                events.append((interval.upperBound + 1, r, false))
            }
        }
        events.sort { ($0.position, $0.starts ? 1 : 0) < ($1.position, $1.starts ? 1 : 0) }
        var active: [Int: Int] = [:]
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
            var piece = IPSet()
            var i = position
            while i < end {
                let family = atoms[i].family
                var j = i
                while j + 1 < end, atoms[j + 1].family == family { j += 1 }
                piece.formUnion(
                    IPSet(IPRange(family: family, bounds: atoms[i].bounds.lowerBound...atoms[j].bounds.upperBound))
                )
                i = j + 1
            }
            groups.add(connections, piece)
        }
        return groups.groups
    }

    /// Per direction and class: the policies (indices into `cluster.policies`) selecting the class that way.
    func selectingPolicies() -> [Direction: [[Int]]] {
        var selecting: [Direction: [[Int]]] = [:]
        for direction in Direction.allCases {
            var perClass = Array(repeating: [Int](), count: classes.count)
            for (p, selected) in policySelection.enumerated() where cluster.policies[p].policyTypes.contains(direction)
            {
                for c in selected { perClass[c].append(p) }
            }
            selecting[direction] = perClass
        }
        return selecting
    }

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

    func connections(_ rule: CompiledRule, destinationClass: Int?) -> ConnectionSet {
        if let fixed = rule.fixedConnections { return fixed }
        return Self.connections(rule.ports, destinationPorts: destinationClass.map { classes[$0].ports } ?? [])
    }

    /// What `source` may send to `destination`, with the hops left open by default.
    /// Unions start from the first matching rule's connections, so the common single-rule case allocates nothing.
    func classFlow(from source: Int, to destination: Int) -> (ConnectionSet, Set<Direction>) {
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
    func egress(from source: Int, to atom: IPRange) -> ConnectionSet {
        guard isolated.egress[source] else { return .all }
        return union(governing.egress[source], atom: atom, destination: nil)
    }

    /// What a class accepts from an address atom.
    func ingress(to destination: Int, from atom: IPRange) -> ConnectionSet {
        guard isolated.ingress[destination] else { return .all }
        return union(governing.ingress[destination], atom: atom, destination: destination)
    }

    /// The connections the `rules` that match class `peer` allow towards class `destination`; nil when none
    /// matches. Starts from the first match, so the usual one-rule case allocates nothing.
    func union(_ rules: some Sequence<Int>, matching peer: Int, destination: Int) -> ConnectionSet? {
        var out: ConnectionSet?
        for r in rules where self.rules[r].matchesClass[peer] {
            let more = connections(self.rules[r], destinationClass: destination)
            out = out.map { $0.union(more) } ?? more
        }
        return out
    }

    /// The connections the `rules` whose addresses hold `atom` allow (towards class `destination`, nil outside).
    func union(_ rules: some Sequence<Int>, atom: IPRange, destination: Int?) -> ConnectionSet {
        var out = ConnectionSet.none
        for r in rules where self.rules[r].addresses.contains(atom) {
            out.formUnion(connections(self.rules[r], destinationClass: destination))
        }
        return out
    }
}
