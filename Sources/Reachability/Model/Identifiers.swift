/// An index into one of the engine's tables, typed so that a class cannot be used where a rule is meant.
package protocol TableID: Hashable, Comparable, Sendable {
    /// The position in its table.
    var index: Int { get }
    /// The id of position `index`.
    init(_ index: Int)
}

/// A position in the table `Table` names (a phantom type: only the compiler sees it). Four bytes, so the
/// per-class tables of 150,000 pods stay small.
package struct TableIndex<Table>: TableID {
    private let raw: Int32
    /// The position in the table.
    package var index: Int { Int(raw) }
    /// The id of position `index`.
    package init(_ index: Int) { raw = Int32(truncatingIfNeeded: index) }

    /// By position.
    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.raw < rhs.raw }
}

/// The tables ids point into.
package enum Tables {
    /// `ClassModel.classes`: endpoints with the same namespace, labels and named ports.
    package enum Classes {}
    /// `ClassFlows.groupClasses`: classes that every rule treats alike, whose class pairs are computed once.
    package enum PairGroups {}
    /// `ClassModel.rules`: compiled policy rules.
    package enum Rules {}
    /// `Cluster.policies`.
    package enum Policies {}
    /// `Cluster.adminPolicies`.
    package enum AdminPolicies {}
    /// `Reachability.peers`: the endpoints first, in `Cluster.endpoints` order, then address sets.
    package enum Peers {}
}

/// An endpoint class (`ClassModel.classes`).
package typealias ClassID = TableIndex<Tables.Classes>
/// A group of classes whose class pairs have one answer (`ClassFlows.groupClasses`).
package typealias GroupID = TableIndex<Tables.PairGroups>
/// A compiled policy rule (`ClassModel.rules`).
package typealias RuleID = TableIndex<Tables.Rules>
/// A policy of the cluster (`Cluster.policies`).
package typealias PolicyID = TableIndex<Tables.Policies>
/// An admin policy of the cluster (`Cluster.adminPolicies`: AdminNetworkPolicy, BaselineAdminNetworkPolicy,
/// ClusterNetworkPolicy).
package typealias AdminPolicyID = TableIndex<Tables.AdminPolicies>
/// A side of a flow (`Reachability.peers`).
package typealias PeerID = TableIndex<Tables.Peers>

extension Array {
    /// The element an id points to (`_read`, like the standard subscript: reading a field of an element does not
    /// copy the element).
    package subscript<ID: TableID>(_ id: ID) -> Element {
        _read { yield self[id.index] }
        _modify { yield &self[id.index] }
    }
}
