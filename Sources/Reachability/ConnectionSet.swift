package import KubeModel

/// Ports 1–65535 of one protocol.
package typealias PortSet = IntervalSet<Int>

extension IntervalSet where Bound == Int {
    /// Every port, 1–65535.
    package static let allPorts = PortSet(1...65535)
}

/// Allowed connections: a port set per protocol (TCP, UDP, SCTP).
package struct ConnectionSet: Hashable, Sendable, CustomStringConvertible {
    private var sets: [PortSet]

    /// No connection.
    package static let none = ConnectionSet(sets: [PortSet(), PortSet(), PortSet()])
    /// Every port of every protocol.
    package static let all = ConnectionSet(sets: [.allPorts, .allPorts, .allPorts])

    private init(sets: [PortSet]) {
        self.sets = sets
    }

    private static func index(_ p: NetworkProtocol) -> Int {
        switch p {
        case .tcp: return 0
        case .udp: return 1
        case .sctp: return 2
        }
    }

    /// The same connections in storage of their own, shared with no other set: what one thread reads over and over
    /// (a hop with admin tiers) without contending with the other cores for the reference counts of shared arrays.
    var unshared: ConnectionSet {
        ConnectionSet(sets: sets.map { PortSet(copying: $0) })
    }

    /// The set holding `ports` of `networkProtocol`.
    package init(_ networkProtocol: NetworkProtocol, _ ports: PortSet) {
        self = .none
        sets[Self.index(networkProtocol)] = ports
    }

    /// The ports allowed for a protocol.
    package subscript(networkProtocol: NetworkProtocol) -> PortSet {
        sets[Self.index(networkProtocol)]
    }

    /// True when nothing is allowed.
    package var isEmpty: Bool { sets[0].isEmpty && sets[1].isEmpty && sets[2].isEmpty }

    /// True when every port of every protocol is allowed (`self == .all`, read set by set: comparing with `.all` as
    /// arrays was a tenth of a hop with admin tiers).
    package var allowsAll: Bool {
        func isAll(_ ports: PortSet) -> Bool { ports.ranges.count == 1 && ports.ranges[0] == 1...65535 }
        return isAll(sets[0]) && isAll(sets[1]) && isAll(sets[2])
    }

    /// Connections in either.
    package func union(_ other: ConnectionSet) -> ConnectionSet {
        // The same sets (one rule's, or memoised ones) are united over and over: no new array for them. Only the
        // same storage is looked for (comparing the sets cost more than it saved where they differ).
        let same = sets.withUnsafeBufferPointer { a in
            other.sets.withUnsafeBufferPointer { a.baseAddress == $0.baseAddress }
        }
        if same { return self }
        return ConnectionSet(sets: [
            sets[0].union(other.sets[0]), sets[1].union(other.sets[1]), sets[2].union(other.sets[2]),
        ])
    }

    /// Adds `other`.
    package mutating func formUnion(_ other: ConnectionSet) {
        self = union(other)
    }

    /// Connections in both.
    package func intersection(_ other: ConnectionSet) -> ConnectionSet {
        if other.allowsAll { return self }
        if allowsAll { return other }
        return ConnectionSet(sets: zip(sets, other.sets).map { $0.intersection($1) })
    }

    /// Connections in `self` not in `other`.
    package func subtracting(_ other: ConnectionSet) -> ConnectionSet {
        // Nothing taken away (no exception matches, most of the time): no new sets.
        if other.sets[0].isEmpty && other.sets[1].isEmpty && other.sets[2].isEmpty { return self }
        return ConnectionSet(sets: zip(sets, other.sets).map { $0.subtracting($1) })
    }

    /// Whether every connection of `self` is in `other`.
    package func isSubset(of other: ConnectionSet) -> Bool {
        sets[0].isSubset(of: other.sets[0]) && sets[1].isSubset(of: other.sets[1])
            && sets[2].isSubset(of: other.sets[2])
    }

    /// `All Connections`, `No Connections`, or `TCP 80,443,8000-8080; UDP 53` (TCP, UDP, SCTP order).
    package var description: String {
        if allowsAll { return "All Connections" }
        if isEmpty { return "No Connections" }
        return NetworkProtocol.allCases.compactMap { p -> String? in
            let ports = self[p]
            guard !ports.isEmpty else { return nil }
            let text = ports.ranges.map {
                $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)"
            }
            return "\(p.rawValue) \(text.joined(separator: ","))"
        }.joined(separator: "; ")
    }
}
