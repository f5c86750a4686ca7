/// The transport protocols a NetworkPolicy can name, in the order netreach prints them.
package enum NetworkProtocol: String, Hashable, Sendable, CaseIterable, Comparable {
    /// TCP, the default when a port omits `protocol`.
    case tcp = "TCP"
    /// UDP.
    case udp = "UDP"
    /// SCTP.
    case sctp = "SCTP"

    /// Orders TCP, UDP, SCTP.
    package static func < (lhs: NetworkProtocol, rhs: NetworkProtocol) -> Bool {
        lhs.order < rhs.order
    }

    private var order: Int {
        switch self {
        case .tcp: return 0
        case .udp: return 1
        case .sctp: return 2
        }
    }
}
