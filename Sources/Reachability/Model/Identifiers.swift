/// An index into one of the engine's tables, typed so that a class cannot be used where a rule is meant.
package protocol TableID: Hashable, Comparable, Sendable {
    /// The position in its table.
    var index: Int { get }
    /// The id of position `index`.
    init(_ index: Int)
}

extension TableID {
    /// By position.
    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.index < rhs.index }
}

/// An endpoint class: endpoints with the same namespace, labels and named ports (`ClassModel.classes`).
package struct ClassID: TableID {
    private let raw: Int32
    /// The position in `ClassModel.classes`.
    package var index: Int { Int(raw) }
    /// The class at `index`.
    package init(_ index: Int) { raw = Int32(truncatingIfNeeded: index) }
}

/// A compiled policy rule (`ClassModel.rules`).
package struct RuleID: TableID {
    private let raw: Int32
    /// The position in `ClassModel.rules`.
    package var index: Int { Int(raw) }
    /// The rule at `index`.
    package init(_ index: Int) { raw = Int32(truncatingIfNeeded: index) }
}

/// A policy of the cluster (`Cluster.policies`).
package struct PolicyID: TableID {
    private let raw: Int32
    /// The position in `Cluster.policies`.
    package var index: Int { Int(raw) }
    /// The policy at `index`.
    package init(_ index: Int) { raw = Int32(truncatingIfNeeded: index) }
}

/// A side of a flow (`Reachability.peers`): the endpoints first, in `Cluster.endpoints` order, then address sets.
package struct PeerID: TableID {
    private let raw: Int32
    /// The position in `Reachability.peers`.
    package var index: Int { Int(raw) }
    /// The peer at `index`.
    package init(_ index: Int) { raw = Int32(truncatingIfNeeded: index) }
}

extension Array {
    /// The element an id points to.
    /// (`_read`, like the standard subscript: reading a field of an element does not copy the element.)
    package subscript<ID: TableID>(_ id: ID) -> Element {
        _read { yield self[id.index] }
        _modify { yield &self[id.index] }
    }
}
