package import KubeModel

/// Pods a rule describes by selectors rather than by the pods in the input: what a new namespace or a new pod
/// with the right labels would be admitted as.
package enum ExposedPeer: Hashable, Sendable, Comparable {
    /// Any pod of any namespace, including ones that do not exist yet.
    case entireCluster
    /// Pods matching `pods` (nil: every pod) in the namespace named.
    case namespace(String, pods: LabelSelector?)
    /// Pods matching `pods` (nil: every pod) in the namespaces matching the selector.
    case namespaces(LabelSelector, pods: LabelSelector?)

    /// The peer of a rule's `pods` peer written in `policyNamespace`; an empty namespace selector with no pod
    /// selector (or an empty one) is the entire cluster.
    init(podSelector: LabelSelector?, namespaceSelector: LabelSelector?, policyNamespace: String) {
        let pods = podSelector?.isEmpty == true ? nil : podSelector
        if let namespaceSelector {
            self =
                namespaceSelector.isEmpty && pods == nil ? .entireCluster : .namespaces(namespaceSelector, pods: pods)
        } else {
            self = .namespace(policyNamespace, pods: pods)
        }
    }

    /// `entire cluster`, `[namespace ns]/[pods app=x]`, `[namespaces team=a]/[all pods]`.
    package var description: String {
        func pods(_ selector: LabelSelector?) -> String {
            selector.map { "[pods \($0.kubectlTerms.joined(separator: ","))]" } ?? "[all pods]"
        }
        switch self {
        case .entireCluster: return "entire cluster"
        case .namespace(let name, let selector): return "[namespace \(name)]/" + pods(selector)
        case .namespaces(let namespaces, let selector):
            let terms = namespaces.kubectlTerms
            return "[namespaces \(terms.isEmpty ? "all" : terms.joined(separator: ","))]/" + pods(selector)
        }
    }

    /// The entire cluster first, then by description.
    package static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs == .entireCluster ? 0 : 1, lhs.description) < (rhs == .entireCluster ? 0 : 1, rhs.description)
    }
}

/// Connections a rule admits towards pods not in the input: ports, plus the named ports that no pod resolves
/// (an egress rule's named port is a port of the destination, which does not exist yet).
package struct ExposedConnections: Hashable, Sendable {
    package var ports: ConnectionSet
    /// Protocol and name of each unresolved named port.
    package var names: Set<NamedPort>

    package struct NamedPort: Hashable, Sendable, Comparable {
        package var networkProtocol: NetworkProtocol
        package var name: String

        package static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.networkProtocol.rawValue, lhs.name) < (rhs.networkProtocol.rawValue, rhs.name)
        }
    }

    package var isEmpty: Bool { ports.isEmpty && names.isEmpty }

    /// The flow list's text, with named ports after the numbers of their protocol: `TCP 8080,http; UDP dns`.
    package var description: String {
        guard !names.isEmpty else { return ports.description }
        var segments = ports.isEmpty ? [] : ports.description.split(separator: "; ").map(String.init)
        for (networkProtocol, named) in Dictionary(grouping: names, by: \.networkProtocol).sorted(by: {
            $0.key.rawValue < $1.key.rawValue
        }) {
            let list = named.sorted().map(\.name).joined(separator: ",")
            if let i = segments.firstIndex(where: { $0.hasPrefix(networkProtocol.rawValue + " ") }) {
                segments[i] += "," + list
            } else {
                segments.append("\(networkProtocol.rawValue) \(list)")
            }
        }
        return segments.sorted().joined(separator: "; ")
    }

    func isSubset(of other: Self) -> Bool { ports.isSubset(of: other.ports) && names.isSubset(of: other.names) }

    mutating func formUnion(_ other: Self) {
        ports.formUnion(other.ports)
        names.formUnion(other.names)
    }
}

/// What each workload is open to beyond the pods in the input (netpol-analyzer's exposure analysis): the peers its
/// rules describe by selectors, the addresses they admit, and the directions no policy protects.
package struct Exposure: Sendable {
    /// A workload open to pods described by selectors.
    package struct Entry: Sendable {
        package var endpoint: Int
        package var direction: Direction
        package var peer: ExposedPeer
        package var connections: ExposedConnections
    }

    /// A workload open to addresses outside the cluster.
    package struct AddressEntry: Sendable {
        package var endpoint: Int
        package var direction: Direction
        package var addresses: IPSet
        package var connections: ConnectionSet
    }

    /// Sorted by workload name, direction (egress first), peer.
    package var entries: [Entry] = []
    /// Sorted by workload name, direction, address.
    package var addresses: [AddressEntry] = []
    /// Workloads and directions no policy selects, sorted by name, then direction.
    package var unprotected: [(endpoint: Int, direction: Direction)] = []
}

extension Reachability {
    /// The exposure of every endpoint the focus names, in the focus direction, on the focus connection (an entry
    /// that does not hold all of it is left out; one that does is that connection).
    /// - Complexity: O(classes × rules governing them + endpoints).
    package func exposure(focus: Focus = Focus()) -> Exposure {
        let resolved = focus.resolved(for: cluster.endpoints)
        var namespaceLabels: [String: [String: String]] = [:]
        for namespace in cluster.namespaces { namespaceLabels[namespace.name] = namespace.labels }
        let directions = focus.direction.map { [$0] } ?? [.egress, .ingress]
        // Per class and direction: the selector peers and what they get.
        var perClass: [[(Direction, ExposedPeer, ExposedConnections)]] = []
        var realMatch: [RuleSelectors: Bool] = [:]
        for c in model.classes.indices.map(ClassID.init) {
            var entries: [(Direction, ExposedPeer, ExposedConnections)] = []
            for direction in directions {
                guard model.isolated[direction][c] else {
                    entries.append((direction, .entireCluster, ExposedConnections(ports: .all, names: [])))
                    continue
                }
                // Every selector peer of the rules, with what its rule admits.
                var written: [(RuleSelectors, ExposedPeer, ExposedConnections)] = []
                for rule in model.governing[direction][c] {
                    let namespace = model.origin(rule).namespace
                    let policyRule = model.policyRule(rule)
                    let connections = exposedConnections(policyRule.ports, direction: direction, at: c)
                    guard !connections.isEmpty else { continue }
                    guard let list = policyRule.peers else {
                        written.append((RuleSelectors(), .entireCluster, connections))
                        continue
                    }
                    for case .pods(let pods, let namespaces) in list {
                        written.append(
                            (
                                RuleSelectors(pods: pods, namespaces: namespaces, policyNamespace: namespace),
                                ExposedPeer(
                                    podSelector: pods,
                                    namespaceSelector: namespaces,
                                    policyNamespace: namespace
                                ),
                                connections
                            )
                        )
                    }
                }
                // A pod that a selector describes gets what every rule whose selectors it also satisfies admits
                // (a rule asking for fewer labels admits it too).
                var seen = Set<RuleSelectors>()
                var peers: [(ExposedPeer, ExposedConnections)] = []
                for (selectors, peer, _) in written where seen.insert(selectors).inserted {
                    if selectors.isPlainLabels {
                        let matched =
                            realMatch[selectors]
                            ?? cluster.endpoints.indices.contains {
                                selectors.matches(cluster.endpoints[$0], namespaceLabels: namespaceLabels)
                            }
                        realMatch[selectors] = matched
                        // A real pod matches it exactly: its flows say it all (the peer's convention).
                        if matched { continue }
                    }
                    var connections = ExposedConnections(ports: .none, names: [])
                    for (other, _, admitted) in written where other.contains(selectors) {
                        connections.formUnion(admitted)
                    }
                    peers.append((peer, connections))
                }
                // What the entire cluster gets, a narrower peer getting no more is not worth a line.
                if let cluster = peers.first(where: { $0.0 == .entireCluster })?.1 {
                    peers.removeAll { $0.0 != .entireCluster && $0.1.isSubset(of: cluster) }
                }
                entries += peers.sorted { $0.0 < $1.0 }.map { (direction, $0.0, $0.1) }
            }
            perClass.append(entries)
        }
        var out = Exposure()
        let order = cluster.endpoints.indices.sorted { peers[$0].name < peers[$1].name }
        let only = focus.connection
        for e in order where resolved.names(e) {
            let c = model.classOf(endpoint: e)
            for (direction, peer, connections) in perClass[c] {
                var kept = connections
                if let only {
                    guard only.isSubset(of: connections.ports) else { continue }
                    kept = ExposedConnections(ports: only, names: [])
                }
                out.entries.append(.init(endpoint: e, direction: direction, peer: peer, connections: kept))
            }
            for direction in directions {
                let edges = direction == .egress ? classFlows.externalOut[c] : classFlows.externalIn[c]
                for edge in edges {
                    var connections = classFlows.connections[Int(edge.connection)]
                    if let only {
                        guard only.isSubset(of: connections) else { continue }
                        connections = only
                    }
                    out.addresses.append(
                        .init(
                            endpoint: e,
                            direction: direction,
                            addresses: peers[edge.peer].addresses ?? IPSet(),
                            connections: connections
                        )
                    )
                }
                if !model.isolated[direction][c] { out.unprotected.append((e, direction)) }
            }
        }
        return out
    }

    /// What a rule's ports admit towards pods not in the input: at ingress the governed pods' named ports resolve;
    /// at egress a named port belongs to the unknown destination and stays a name.
    private func exposedConnections(_ ports: [PolicyPort]?, direction: Direction, at c: ClassID) -> ExposedConnections {
        guard direction == .egress, let ports else {
            return ExposedConnections(
                ports: ClassModel.connections(ports, destinationPorts: model.classes[c].ports),
                names: []
            )
        }
        var names = Set<ExposedConnections.NamedPort>()
        var numbered: [PolicyPort] = []
        for port in ports {
            if case .named(let name)? = port.port {
                names.insert(.init(networkProtocol: port.networkProtocol, name: name))
            } else {
                numbered.append(port)
            }
        }
        return ExposedConnections(ports: ClassModel.connections(numbered, destinationPorts: []), names: names)
    }
}

/// A rule's `pods` peer as two sets of requirement terms, the policy's namespace written as the namespace-name
/// label: what exposure entries are keyed and compared by.
struct RuleSelectors: Hashable {
    var namespaceTerms: Set<String> = []
    var podTerms: Set<String> = []
    /// The selectors, to test real pods against (nil: every namespace / every pod).
    var namespaceSelector: LabelSelector?
    var podSelector: LabelSelector?

    /// The entire cluster.
    init() {}

    init(pods: LabelSelector?, namespaces: LabelSelector?, policyNamespace: String) {
        let namespaceSelector = namespaces ?? LabelSelector(matchLabels: [Namespace.nameLabel: policyNamespace])
        self.namespaceSelector = namespaceSelector
        podSelector = pods
        namespaceTerms = Set(namespaceSelector.kubectlTerms)
        podTerms = Set(pods?.kubectlTerms ?? [])
    }

    /// Whether `other` asks for every requirement these ask for (and maybe more), so that every pod `other`
    /// describes is one these describe too.
    func contains(_ other: RuleSelectors) -> Bool {
        namespaceTerms.isSubset(of: other.namespaceTerms) && podTerms.isSubset(of: other.podTerms)
    }

    /// Plain labels on both sides, neither empty: a real pod can match it exactly.
    var isPlainLabels: Bool {
        guard let namespaceSelector, let podSelector else { return false }
        return namespaceSelector.matchExpressions.isEmpty && podSelector.matchExpressions.isEmpty
            && !namespaceSelector.matchLabels.isEmpty && !podSelector.matchLabels.isEmpty
    }

    func matches(_ endpoint: Endpoint, namespaceLabels: [String: [String: String]]) -> Bool {
        guard podSelector?.matches(endpoint.labels) ?? true else { return false }
        let labels = namespaceLabels[endpoint.namespace] ?? [Namespace.nameLabel: endpoint.namespace]
        return namespaceSelector?.matches(labels) ?? true
    }
}
