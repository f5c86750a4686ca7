package import KubeModel

/// One side of a flow: an endpoint of the cluster, or a set of external addresses. Reports read a peer through
/// `name`, `endpointIndex` and `addresses`, never by switching over every kind, so that new kinds of peer
/// (a Service, an ingress controller) can be added without touching them.
package struct Peer: Hashable, Sendable {
    /// What the peer is.
    package enum Kind: Hashable, Sendable {
        /// An endpoint of `Reachability.cluster.endpoints`, by index.
        case endpoint(Int)
        /// Addresses outside the cluster.
        case external(IPSet)
        /// The cluster's ingress controller (netpol-analyzer's `{ingress-controller}`): traffic from outside that
        /// Ingresses and Routes bring in.
        case ingressController
    }

    /// What the peer is.
    package var kind: Kind
    /// The name every report prints: `ns/name[Kind]` or `a.b.c.d-e.f.g.h[,…]`, escaped for display.
    package var name: String

    /// The endpoint index, or nil for other peers.
    package var endpointIndex: Int? {
        if case .endpoint(let index) = kind { return index }
        return nil
    }

    /// The external addresses, or nil for other peers.
    package var addresses: IPSet? {
        if case .external(let set) = kind { return set }
        return nil
    }
}

/// An allowed connection from one peer to another.
package struct Flow: Hashable, Sendable {
    /// The side that opens the connection.
    package var source: PeerID
    /// The side that accepts it.
    package var destination: PeerID
    /// The protocols and ports allowed.
    package var connections: ConnectionSet
    /// Index of `connections` in `Reachability.distinctConnections`, so formatters can render each value once.
    package var connectionsIndex: Int
    /// Bit 1: egress left open at the source; bit 2: ingress left open at the destination (`isOpen` reads them; the
    /// flow writers index their rendered words by them).
    package let openBits: UInt8

    init(source: PeerID, destination: PeerID, connections: ConnectionSet, connectionsIndex: Int, openBits: UInt8) {
        self.source = source
        self.destination = destination
        self.connections = connections
        self.connectionsIndex = connectionsIndex
        self.openBits = openBits
    }

    /// The hops left open by default because no policy isolates that side in that direction
    /// (`egress` at the source, `ingress` at the destination). Empty when rules allow the whole flow.
    package var defaultAllow: Set<Direction> { OpenHops.directions(openBits) }

    /// True when the flow exists only because a side is not isolated.
    package var isDefaultAllowed: Bool { openBits != 0 }

    /// Whether the hop in `direction` is open by default.
    package func isOpen(_ direction: Direction) -> Bool { openBits & OpenHops.bit(direction) != 0 }
}

/// Open hops as bits: 1 egress (at the source), 2 ingress (at the destination).
enum OpenHops {
    static func bit(_ direction: Direction) -> UInt8 { direction.isIngress ? 2 : 1 }

    static func bits(_ directions: Set<Direction>) -> UInt8 {
        directions.reduce(0) { $0 | bit($1) }
    }

    static func directions(_ bits: UInt8) -> Set<Direction> {
        var out = Set<Direction>()
        if bits & 1 != 0 { out.insert(.egress) }
        if bits & 2 != 0 { out.insert(.ingress) }
        return out
    }
}

/// The class-level answer, the second stage of an analysis: which class reaches which class and which addresses,
/// on which connections, and the isolation of each endpoint. Endpoint flows are the third stage: `flows`, a lazy
/// sequence expanded from this answer in output order.
package struct Reachability: Sendable {
    /// The analyzed cluster.
    package var cluster: Cluster { model.cluster }
    /// The compiled model the answer was computed from.
    package let model: ClassModel
    /// Every peer that appears in a flow: all endpoints (same order as `cluster.endpoints`), then address sets.
    package let peers: [Peer]
    /// How many endpoint flows there are (computed from the classes, without listing them).
    package let flowCount: Int
    /// Every distinct connection set of the flows; `Flow.connectionsIndex` points here.
    package var distinctConnections: [ConnectionSet] { classFlows.connections }
    /// For each endpoint (same index as `cluster.endpoints`), the directions some policy isolates.
    package let isolation: [Set<Direction>]
    /// The flows between classes (and with address peers), from which `flows` is expanded.
    let classFlows: ClassFlows
    /// The flows from the ingress controller (the last peer, when there are any): towards endpoint peers.
    let ingressControllerFlows: [Edge<PeerID>]

    /// Every allowed flow between endpoints and with addresses, sorted by source name, then destination name,
    /// expanded as it is read: any number of flows streams in bounded memory.
    package var flows: FlowSequence { FlowSequence(answer: self) }

    /// The flows `focus` can keep, in the same order: at least every flow it includes (the caller still filters),
    /// and from a source the focus does not name only the flows into focus endpoints, so one workload's flows
    /// cost its own pairs, not the whole cluster's.
    package func flows(narrowedTo focus: ResolvedFocus) -> FlowSequence { FlowSequence(answer: self, focus: focus) }
}

/// The endpoint flows of an answer, in output order (source name, then destination name), expanded block by block.
package struct FlowSequence: Sequence, Sendable {
    let answer: Reachability
    var focus: ResolvedFocus?

    /// Calls `body` with consecutive blocks of the flows, in order, and a function that expands the block after
    /// this one: `body` may call it once while it handles the block (on another core, beside its own work); if it
    /// does not, it is called when `body` returns.
    package func forEachBlock(_ body: ([Flow], _ expandNext: @escaping @Sendable () -> Void) throws -> Void) rethrows {
        let connections = answer.distinctConnections
        try forEachRunBlock { runs, expandNext in
            var flows: [Flow] = []
            flows.reserveCapacity(runs.reduce(0) { $0 + $1.count })
            for run in runs { run.append(to: &flows, connections: connections) }
            try body(flows, expandNext)
        }
    }

    /// Calls `body` with consecutive blocks of the flows as runs (one source each, whose targets the runs of one
    /// pair group share), in order: what a writer of millions of flows reads, so that it renders each shared list
    /// once and makes no value per flow. `expandNext` is as in `forEachBlock`.
    package func forEachRunBlock(
        _ body: ([FlowRun], _ expandNext: @escaping @Sendable () -> Void) throws -> Void
    ) rethrows {
        guard answer.flowCount > 0 else { return }
        nonisolated(unsafe) var expander = FlowExpander(answer: answer, focus: focus)
        nonisolated(unsafe) var next = expander.next(atLeast: 1 << 16)
        while let block = next {
            nonisolated(unsafe) var expanded = false
            let expandNext: @Sendable () -> Void = {
                guard !expanded else { return }
                expanded = true
                next = expander.next(atLeast: 1 << 16)
            }
            try body(block, expandNext)
            expandNext()
        }
    }

    /// Iterates the flows one by one.
    package struct Iterator: IteratorProtocol {
        var expander: FlowExpander?
        let connections: [ConnectionSet]
        var block: [Flow] = []
        var position = 0

        /// The next flow, nil after the last.
        package mutating func next() -> Flow? {
            while position == block.count {
                guard let runs = expander?.next(atLeast: 1 << 12) else {
                    expander = nil
                    return nil
                }
                block = []
                for run in runs { run.append(to: &block, connections: connections) }
                position = 0
            }
            position += 1
            return block[position - 1]
        }
    }

    /// Iterates the flows one by one.
    package func makeIterator() -> Iterator {
        Iterator(
            expander: answer.flowCount > 0 ? FlowExpander(answer: answer, focus: focus) : nil,
            connections: answer.distinctConnections
        )
    }

    /// The number of flows; narrowed to a focus, 0 (it keeps some of them, how many is not known before: a count
    /// above what the sequence holds makes `Array(_:)` and `map` trap).
    package var underestimatedCount: Int { focus == nil ? answer.flowCount : 0 }
}
