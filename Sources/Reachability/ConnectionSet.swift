public import KubeModel

/// Ports 1–65535 of one protocol.
public typealias PortSet = IntervalSet<Int>

extension IntervalSet where Bound == Int {
    /// Every port, 1–65535.
    public static let allPorts = PortSet(1...65535)
}

/// Allowed connections: a port set per protocol (TCP, UDP, SCTP).
public struct ConnectionSet: Hashable, Sendable, CustomStringConvertible {
    private var sets: [PortSet]

    /// No connection.
    public static let none = ConnectionSet(sets: [PortSet(), PortSet(), PortSet()])
    /// Every port of every protocol.
    public static let all = ConnectionSet(sets: [.allPorts, .allPorts, .allPorts])

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

    /// The set holding `ports` of `networkProtocol`.
    public init(_ networkProtocol: NetworkProtocol, _ ports: PortSet) {
        self = .none
        sets[Self.index(networkProtocol)] = ports
    }

    /// The ports allowed for a protocol.
    public subscript(networkProtocol: NetworkProtocol) -> PortSet {
        sets[Self.index(networkProtocol)]
    }

    /// True when nothing is allowed.
    public var isEmpty: Bool { sets.allSatisfy(\.isEmpty) }

    /// True when every port of every protocol is allowed.
    public var allowsAll: Bool { self == .all }

    /// Connections in either.
    public func union(_ other: ConnectionSet) -> ConnectionSet {
        ConnectionSet(sets: zip(sets, other.sets).map { $0.union($1) })
    }

    /// Adds `other`.
    public mutating func formUnion(_ other: ConnectionSet) {
        self = union(other)
    }

    /// Connections in both.
    public func intersection(_ other: ConnectionSet) -> ConnectionSet {
        if other.allowsAll { return self }
        if allowsAll { return other }
        return ConnectionSet(sets: zip(sets, other.sets).map { $0.intersection($1) })
    }

    /// Connections in `self` not in `other`.
    public func subtracting(_ other: ConnectionSet) -> ConnectionSet {
        ConnectionSet(sets: zip(sets, other.sets).map { $0.subtracting($1) })
    }

    /// Whether every connection of `self` is in `other`.
    public func isSubset(of other: ConnectionSet) -> Bool {
        zip(sets, other.sets).allSatisfy { $0.isSubset(of: $1) }
    }

    /// `All Connections`, `No Connections`, or `TCP 80,443,8000-8080; UDP 53` (TCP, UDP, SCTP order).
    public var description: String {
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
