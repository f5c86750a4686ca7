package import KubeModel

extension IPFamily {
    /// Whether this is IPv4: a check of the case here, where `==` is a call through the protocol's table (the
    /// family is compared for every rule and address atom).
    var isV4: Bool {
        if case .v4 = self { true } else { false }
    }

    /// Whether `other` is the same family, without `==` (see `isV4`).
    func isSame(as other: IPFamily) -> Bool { isV4 == other.isV4 }
}

/// A contiguous range of addresses of one family.
package struct IPRange: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The family.
    package var family: IPFamily
    /// First and last address.
    package var bounds: ClosedRange<UInt128>

    /// Creates a range.
    package init(family: IPFamily, bounds: ClosedRange<UInt128>) {
        self.family = family
        self.bounds = bounds
    }

    /// `first-last`, e.g. `0.0.0.0-9.255.255.255`.
    package var description: String {
        "\(IPAddress(family: family, value: bounds.lowerBound))-\(IPAddress(family: family, value: bounds.upperBound))"
    }

    /// Orders IPv4 first, then by first address.
    package static func < (lhs: IPRange, rhs: IPRange) -> Bool {
        (lhs.family, lhs.bounds.lowerBound) < (rhs.family, rhs.bounds.lowerBound)
    }
}

/// A set of IPv4 and IPv6 addresses.
package struct IPSet: Hashable, Sendable {
    /// IPv4 addresses (as numbers up to 2^32-1).
    package var v4: IntervalSet<UInt128>
    /// IPv6 addresses.
    package var v6: IntervalSet<UInt128>

    /// Creates a set.
    package init(v4: IntervalSet<UInt128> = IntervalSet(), v6: IntervalSet<UInt128> = IntervalSet()) {
        self.v4 = v4
        self.v6 = v6
    }

    /// The addresses of a CIDR block.
    package init(_ cidr: CIDR) {
        self.init()
        self[cidr.family] = IntervalSet(cidr.lower...cidr.upper)
    }

    /// The addresses of an ipBlock: its cidr minus every except.
    package init(_ block: IPBlock) {
        var set = IPSet(block.cidr)
        for except in block.except { set = set.subtracting(IPSet(except)) }
        self = set
    }

    /// Every address of the given families.
    package static func all(_ families: [IPFamily]) -> IPSet {
        var set = IPSet()
        for family in families { set[family] = IntervalSet(0...family.maxAddress) }
        return set
    }

    /// The set for one family.
    package subscript(family: IPFamily) -> IntervalSet<UInt128> {
        get { family.isV4 ? v4 : v6 }
        set { if family.isV4 { v4 = newValue } else { v6 = newValue } }
    }

    /// True when the set holds no address.
    package var isEmpty: Bool { v4.isEmpty && v6.isEmpty }

    /// Addresses in either.
    package func union(_ other: IPSet) -> IPSet { IPSet(v4: v4.union(other.v4), v6: v6.union(other.v6)) }

    /// Adds `other`.
    package mutating func formUnion(_ other: IPSet) { self = union(other) }

    /// Addresses in both.
    package func intersection(_ other: IPSet) -> IPSet {
        IPSet(v4: v4.intersection(other.v4), v6: v6.intersection(other.v6))
    }

    /// Addresses of `self` not in `other`.
    package func subtracting(_ other: IPSet) -> IPSet {
        IPSet(v4: v4.subtracting(other.v4), v6: v6.subtracting(other.v6))
    }

    /// The addresses of one range.
    package init(_ range: IPRange) {
        self.init()
        self[range.family] = IntervalSet(range.bounds)
    }

    /// Whether every address of `self` is in `other`.
    package func isSubset(of other: IPSet) -> Bool { v4.isSubset(of: other.v4) && v6.isSubset(of: other.v6) }

    /// Whether the whole range is in the set.
    package func contains(_ range: IPRange) -> Bool {
        // Read in place: the subscript's copy of a family's ranges was a retain and a release per rule and atom.
        range.family.isV4 ? v4.contains(range.bounds) : v6.contains(range.bounds)
    }

    /// The set as ranges, IPv4 first.
    package var ranges: [IPRange] {
        v4.ranges.map { IPRange(family: .v4, bounds: $0) } + v6.ranges.map { IPRange(family: .v6, bounds: $0) }
    }

    /// Ranges joined by `,`, e.g. `0.0.0.0-9.255.255.255,11.0.0.0-255.255.255.255`.
    package var description: String { ranges.map(\.description).joined(separator: ",") }
}

/// Address sets grouped by the connections they get, groups in order of first appearance (address order when
/// pieces come in address order): one peer per distinct answer.
struct AddressGroups {
    private(set) var groups: [(ConnectionSet, IPSet)] = []
    private var index: [ConnectionSet: Int] = [:]

    /// Adds `addresses` to the group of `connections`; empty connections are dropped.
    mutating func add(_ connections: ConnectionSet, _ addresses: IPSet) {
        guard !connections.isEmpty else { return }
        if let i = index[connections] {
            groups[i].1.formUnion(addresses)
        } else {
            index[connections] = groups.count
            groups.append((connections, addresses))
        }
    }
}
