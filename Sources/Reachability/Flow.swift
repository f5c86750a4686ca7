package import KubeModel

/// One side of a flow: an endpoint of the cluster or a set of external addresses.
package struct Peer: Hashable, Sendable {
    /// What the peer is.
    package enum Kind: Hashable, Sendable {
        /// An endpoint of `Reachability.cluster.endpoints`, by index.
        case endpoint(Int)
        /// Addresses outside the cluster.
        case external(IPSet)
    }

    /// What the peer is.
    package var kind: Kind
    /// The name every report prints: `ns/name[Kind]` or `a.b.c.d-e.f.g.h[,…]`, escaped for display.
    package var name: String

    /// The endpoint index, or nil for addresses.
    package var endpointIndex: Int? {
        if case .endpoint(let index) = kind { return index }
        return nil
    }
}

/// An allowed connection from one peer to another.
package struct Flow: Hashable, Sendable {
    /// Index into `Reachability.peers` of the side that opens the connection.
    package var source: Int
    /// Index into `Reachability.peers` of the side that accepts it.
    package var destination: Int
    /// The protocols and ports allowed.
    package var connections: ConnectionSet
    /// Index of `connections` in `Reachability.distinctConnections`, so formatters can render each value once.
    package var connectionsIndex: Int
    /// Bit 1: egress left open at the source; bit 2: ingress left open at the destination.
    let openBits: UInt8

    init(source: Int, destination: Int, connections: ConnectionSet, connectionsIndex: Int, openBits: UInt8) {
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
    static func bit(_ direction: Direction) -> UInt8 { direction == .egress ? 1 : 2 }

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

/// The answer for a cluster: every allowed flow, in a stable order, and the isolation of each endpoint.
package struct Reachability: Sendable {
    /// The analyzed cluster.
    package let cluster: Cluster
    /// Every peer that appears in a flow: all endpoints (same order as `cluster.endpoints`), then address sets.
    package let peers: [Peer]
    /// Allowed flows between endpoints and with addresses, sorted by source name, then destination name.
    /// Empty when the analysis was made with `expandingFlows: false`; `flowCount` is always right.
    package let flows: [Flow]
    /// How many flows there are, whether or not `flows` holds them.
    package let flowCount: Int
    /// Every distinct connection set of the flows; `Flow.connectionsIndex` points here.
    package let distinctConnections: [ConnectionSet]
    /// For each endpoint (same index as `cluster.endpoints`), the directions some policy isolates.
    package let isolation: [Set<Direction>]
    /// The class-level model the flows were computed from, for analyses (audit, checks).
    let model: ClassModel
    /// The flows between classes (and with address peers), from which `flows` is expanded.
    let classFlows: ClassFlows
}
