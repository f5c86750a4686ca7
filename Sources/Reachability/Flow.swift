public import KubeModel

/// One side of a flow: an endpoint of the cluster or a set of external addresses.
public struct Peer: Hashable, Sendable {
    /// What the peer is.
    public enum Kind: Hashable, Sendable {
        /// An endpoint of `Reachability.cluster.endpoints`, by index.
        case endpoint(Int)
        /// Addresses outside the cluster.
        case external(IPSet)
    }

    /// What the peer is.
    public var kind: Kind
    /// The name every report prints: `ns/name[Kind]` or `a.b.c.d-e.f.g.h[,…]`.
    public var name: String

    /// The endpoint index, or nil for addresses.
    public var endpointIndex: Int? {
        if case .endpoint(let index) = kind { return index }
        return nil
    }
}

/// An allowed connection from one peer to another.
public struct Flow: Hashable, Sendable {
    /// Index into `Reachability.peers` of the side that opens the connection.
    public var source: Int
    /// Index into `Reachability.peers` of the side that accepts it.
    public var destination: Int
    /// The protocols and ports allowed.
    public var connections: ConnectionSet
    /// The hops left open by default because no policy isolates that side in that direction
    /// (`egress` at the source, `ingress` at the destination). Empty when rules allow the whole flow.
    public var defaultAllow: Set<Direction>

    /// True when the flow exists only because a side is not isolated.
    public var isDefaultAllowed: Bool { !defaultAllow.isEmpty }
}

/// The answer for a cluster: every allowed flow, in a stable order, and the isolation of each endpoint.
public struct Reachability: Sendable {
    /// The analyzed cluster.
    public let cluster: Cluster
    /// Every peer that appears in a flow: all endpoints (same order as `cluster.endpoints`), then address sets.
    public let peers: [Peer]
    /// Allowed flows, sorted by source name, then destination name.
    public let flows: [Flow]
    /// For each endpoint (same index as `cluster.endpoints`), the directions some policy isolates.
    public let isolation: [Set<Direction>]
    /// The class-level model the flows were computed from, for analyses (audit, checks).
    let model: ClassModel
}
