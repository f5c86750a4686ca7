import KubeModel

/// Expands class-level answers into endpoint flows with stable names and order.
struct FlowBuilder {
    let model: ClassModel

    func build() -> Reachability {
        let cluster = model.cluster
        var peers = cluster.endpoints.enumerated().map { Peer(kind: .endpoint($0.offset), name: $0.element.id) }
        var externalIndex: [IPSet: Int] = [:]
        func externalPeer(_ set: IPSet) -> Int {
            if let index = externalIndex[set] { return index }
            peers.append(Peer(kind: .external(set), name: set.description))
            externalIndex[set] = peers.count - 1
            return peers.count - 1
        }
        var flows: [Flow] = []
        let classCount = model.classes.count

        // Endpoint to endpoint, one class pair at a time.
        for s in 0..<classCount {
            for d in 0..<classCount {
                let (connections, open) = model.classFlow(from: s, to: d)
                guard !connections.isEmpty else { continue }
                for source in model.classes[s].members {
                    for destination in model.classes[d].members where source != destination {
                        flows.append(
                            Flow(source: source, destination: destination, connections: connections, defaultAllow: open)
                        )
                    }
                }
            }
        }

        // Endpoints and external addresses: group the atoms with equal connections into one peer.
        for c in 0..<classCount {
            let outbound = Self.group(model.atoms) { model.egress(from: c, to: $0) }
            let inbound = Self.group(model.atoms) { model.ingress(to: c, from: $0) }
            for (connections, set) in outbound {
                let peer = externalPeer(set)
                for source in model.classes[c].members {
                    flows.append(
                        Flow(
                            source: source,
                            destination: peer,
                            connections: connections,
                            defaultAllow: model.egressIsolated[c] ? [] : [.egress]
                        )
                    )
                }
            }
            for (connections, set) in inbound {
                let peer = externalPeer(set)
                for destination in model.classes[c].members {
                    flows.append(
                        Flow(
                            source: peer,
                            destination: destination,
                            connections: connections,
                            defaultAllow: model.ingressIsolated[c] ? [] : [.ingress]
                        )
                    )
                }
            }
        }

        // Stable order: by source name, then destination name.
        let order = peers.indices.sorted { peers[$0].name < peers[$1].name }
        var rank = Array(repeating: 0, count: peers.count)
        for (position, index) in order.enumerated() { rank[index] = position }
        flows.sort { (rank[$0.source], rank[$0.destination]) < (rank[$1.source], rank[$1.destination]) }

        var isolation: [Set<Direction>] = Array(repeating: [], count: cluster.endpoints.count)
        for (e, c) in model.classOfEndpoint.enumerated() {
            if model.ingressIsolated[c] { isolation[e].insert(.ingress) }
            if model.egressIsolated[c] { isolation[e].insert(.egress) }
        }
        return Reachability(cluster: cluster, peers: peers, flows: flows, isolation: isolation, model: model)
    }

    /// Groups atoms by the connections `evaluate` gives them, dropping empty ones; ordered by first address.
    private static func group(_ atoms: [IPRange], _ evaluate: (IPRange) -> ConnectionSet) -> [(ConnectionSet, IPSet)] {
        var groups: [(ConnectionSet, IPSet)] = []
        var index: [ConnectionSet: Int] = [:]
        for atom in atoms {
            let connections = evaluate(atom)
            guard !connections.isEmpty else { continue }
            var piece = IPSet()
            piece[atom.family] = IntervalSet(atom.bounds)
            if let i = index[connections] {
                groups[i].1.formUnion(piece)
            } else {
                index[connections] = groups.count
                groups.append((connections, piece))
            }
        }
        return groups
    }
}
