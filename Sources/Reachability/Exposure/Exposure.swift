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
                guard model.decides(direction, c) else {
                    entries.append((direction, .entireCluster, ExposedConnections(ports: .all, names: [])))
                    continue
                }
                if model.tiered {
                    entries += tieredExposure(
                        c,
                        direction,
                        namespaceLabels: namespaceLabels,
                        realMatch: &realMatch,
                        only: focus.connection
                    )
                    continue
                }
                // Every selector peer of the rules, with what its rule admits.
                var written: [(RuleSelectors, ExposedPeer, ExposedConnections)] = []
                for rule in model.governing.of(direction)[c] {
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
                // With admin tiers, the peer lists a workload's addresses among its exposure only when some pod the
                // input does not hold could reach it (or be reached) some way; otherwise its flows say it all.
                guard !model.tiered || !perClass[c].isEmpty else {
                    if !model.decides(direction, c) { out.unprotected.append((e, direction)) }
                    continue
                }
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
                if !model.decides(direction, c) { out.unprotected.append((e, direction)) }
            }
        }
        return out
    }

    /// The exposure of class `c` in `direction` with the admin tiers: every pod peer that a rule of any tier
    /// describes by selectors (and the entire cluster) is a representative pod, and gets what the tiers decide for
    /// it, a rule counting when its selectors hold every pod the representative stands for. A representative that
    /// gets the same as the entire cluster is not repeated; one that gets less (an admin Deny) is, even with no
    /// connections.
    private func tieredExposure(
        _ c: ClassID,
        _ direction: Direction,
        namespaceLabels: [String: [String: String]],
        realMatch: inout [RuleSelectors: Bool],
        only: ConnectionSet?
    ) -> [(Direction, ExposedPeer, ExposedConnections)] {
        let governing =
            model.adminGoverning.of(direction)[c]
            + (model.isolated.of(direction)[c]
                ? model.governing.of(direction)[c] : model.baselineGoverning.of(direction)[c])
        // Per rule: the selector peers it names (nil: it matches every pod, as a rule without peers does).
        var peersOf: [RuleID: [(RuleSelectors, ExposedPeer)]?] = [:]
        var representatives: [(RuleSelectors, ExposedPeer)] = [(RuleSelectors(), .entireCluster)]
        var seen: Set<RuleSelectors> = [RuleSelectors()]
        for r in governing {
            let list: [(RuleSelectors, ExposedPeer)]?
            if let admin = model.adminRule(r) {
                var out: [(RuleSelectors, ExposedPeer)] = []
                var everything = false
                for peer in admin.peers {
                    switch peer {
                    case .pods(.namespaces(let namespaces)):
                        out.append(Self.selectors(pods: nil, namespaces: namespaces))
                    case .pods(.pods(let namespaces, let pods)):
                        out.append(Self.selectors(pods: pods, namespaces: namespaces))
                    case .unrecognised where !admin.action.admits:
                        everything = true
                    case .networks, .nodes, .domainNames, .unrecognised:
                        break
                    }
                }
                list = everything ? nil : out
            } else {
                let rule = model.policyRule(r)
                let namespace = model.origin(r).namespace
                list = rule.peers.map { peers in
                    peers.compactMap { peer in
                        guard case .pods(let pods, let namespaces) = peer else { return nil }
                        return (
                            RuleSelectors(pods: pods, namespaces: namespaces, policyNamespace: namespace),
                            ExposedPeer(podSelector: pods, namespaceSelector: namespaces, policyNamespace: namespace)
                        )
                    }
                }
            }
            peersOf[r] = list
            for (selectors, peer) in list ?? [] where seen.insert(selectors).inserted {
                if selectors.isPlainLabels {
                    let matched =
                        realMatch[selectors]
                        ?? cluster.endpoints.contains { selectors.matches($0, namespaceLabels: namespaceLabels) }
                    realMatch[selectors] = matched
                    if matched { continue }  // a real pod matches it exactly: its flows say it all
                }
                representatives.append((selectors, peer))
            }
        }
        let destination: ClassID? = direction == .ingress ? c : nil
        var results: [(ExposedPeer, ConnectionSet)] = []
        for (selectors, peer) in representatives {
            let hop = model.tieredHop(direction, at: c, destination: destination) { r in
                guard let list = peersOf[r] else { return false }
                guard let list else { return true }
                return list.contains { $0.0.contains(selectors) }
            }
            // With a focus connection, a representative is compared with the entire cluster on it alone.
            results.append((peer, only.map(hop.allowed.intersection) ?? hop.allowed))
        }
        let cluster = results[0].1
        var out: [(Direction, ExposedPeer, ExposedConnections)] = []
        if !cluster.isEmpty { out.append((direction, .entireCluster, ExposedConnections(ports: cluster, names: []))) }
        for (peer, connections) in results.dropFirst().sorted(by: { $0.0 < $1.0 }) where connections != cluster {
            out.append((direction, peer, ExposedConnections(ports: connections, names: [])))
        }
        return out
    }

    /// An admin peer's selectors as exposure keys them (cluster-scoped: the namespace selector is always written;
    /// nil or empty pods: every pod).
    private static func selectors(pods: LabelSelector?, namespaces: LabelSelector) -> (RuleSelectors, ExposedPeer) {
        let pods = pods?.isEmpty == false ? pods : nil
        return (
            RuleSelectors(pods: pods, namespaces: namespaces, policyNamespace: ""),
            ExposedPeer(podSelector: pods, namespaceSelector: namespaces, policyNamespace: "")
        )
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
