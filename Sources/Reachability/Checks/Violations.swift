import KubeModel

/// A rule's side resolved against the cluster.
struct Side {
    /// Endpoint indices, in name order.
    var endpoints: [Int]
    var addresses: IPSet
    /// Whether the side includes the ingress controller (`internet`): what Ingresses and routes bring in.
    var ingressController = false

    var isEmpty: Bool { endpoints.isEmpty && addresses.isEmpty }
}

/// A counter-example before it is reported.
struct Candidate {
    var source: String
    var destination: String
    var connections: ConnectionSet
    var sourceClass: ClassID?
    var destinationClass: ClassID?
    var sourceAddresses: IPSet?
    var destinationAddresses: IPSet?
    var open: Set<Direction>

    /// The other side of the hop governed in `direction`, as a decision sees it.
    func peer(_ direction: Direction) -> HopPeer? {
        if direction == .ingress {
            return sourceClass.map(HopPeer.endpoints) ?? sourceAddresses.map(HopPeer.addresses)
        }
        return destinationClass.map(HopPeer.endpoints) ?? destinationAddresses.map(HopPeer.addresses)
    }

    /// The class whose policies govern the hop in `direction`: the destination's for ingress, the source's for egress.
    func governed(_ direction: Direction) -> ClassID? {
        sides(direction).governed.class
    }

    /// The two sides of the flow as the hop in `direction` sees them: the side whose policies govern it, the other.
    func sides(_ direction: Direction) -> (
        governed: (name: String, class: ClassID?), other: (name: String, class: ClassID?)
    ) {
        let source = (name: source, class: sourceClass)
        let destination = (name: destination, class: destinationClass)
        switch direction {
        case .ingress: return (destination, source)
        case .egress: return (source, destination)
        }
    }
}

/// Counts counter-examples and keeps the first ones in name order without materializing them all.
struct Violations {
    let limit: Int
    var count = 0
    var candidates: [Candidate] = []
    /// Once `limit` candidates are kept, the largest kept key: anything not smaller cannot be shown.
    var worst: (String, String)?

    init(limit: Int) { self.limit = limit }

    /// Whether a candidate with this key could still be among the first `limit`.
    func wants(_ source: String, _ destination: String) -> Bool {
        guard let worst else { return true }
        return (source, destination) < worst
    }

    mutating func add(_ candidate: Candidate, pairs: Int) {
        count += pairs
        guard wants(candidate.source, candidate.destination) else { return }
        candidates.append(candidate)
        if candidates.count > 4 * limit { trim() }
    }

    mutating func trim() {
        candidates.sort { ($0.source, $0.destination) < ($1.source, $1.destination) }
        if candidates.count > limit { candidates.removeLast(candidates.count - limit) }
        if candidates.count == limit, let last = candidates.last { worst = (last.source, last.destination) }
    }
}
