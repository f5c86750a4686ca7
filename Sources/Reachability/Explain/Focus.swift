package import KubeModel

/// Which pairs a flow list or an explanation keeps, as netpol-analyzer's focus options choose them: pairs that
/// involve a focus workload, optionally only with some peers, in one direction, on one connection.
package struct Focus: Hashable, Sendable {
    /// `name` (that name in any namespace) or `namespace/name`, optionally `[Kind]`.
    package var workloads: [String] = []
    /// Only pairs between the focus workloads and these (same forms).
    package var peers: [String] = []
    /// Only flows into (`.ingress`) or out of (`.egress`) the focus workloads.
    package var direction: Direction?
    /// Only this connection.
    package var connection: ConnectionSet?

    /// No focus: every pair, every connection.
    package init() {}

    /// Whether anything is filtered.
    package var isEmpty: Bool { workloads.isEmpty && peers.isEmpty && direction == nil && connection == nil }

    /// Whether a workload name form (`name`, `namespace/name`, `namespace/name[Kind]`) names an endpoint.
    package static func names(_ text: String, _ endpoint: Endpoint) -> Bool {
        guard text.contains("/") else { return text == endpoint.name }
        return EndpointReference(text)?.matches(endpoint) ?? false
    }

    /// The focus decided once per endpoint of `endpoints`, to test pairs by index.
    package func resolved(for endpoints: [Endpoint]) -> ResolvedFocus {
        ResolvedFocus(
            all: workloads.isEmpty,
            isFocus: endpoints.map { e in workloads.isEmpty || workloads.contains { Self.names($0, e) } },
            isPeer: endpoints.map { e in peers.isEmpty || peers.contains { Self.names($0, e) } },
            anyPeer: peers.isEmpty,
            direction: direction
        )
    }

    /// The names that match no endpoint of `cluster`, to report as errors.
    package func unmatched(in cluster: Cluster) -> [String] {
        (workloads + peers).filter { text in !cluster.endpoints.contains { Self.names(text, $0) } }
    }
}

/// A focus decided per endpoint: which pairs, by endpoint index, it keeps.
package struct ResolvedFocus: Sendable {
    let all: Bool
    let isFocus: [Bool]
    let isPeer: [Bool]
    /// No `--focus-peer`: addresses may be the other side.
    let anyPeer: Bool
    let direction: Direction?

    /// Whether the pair from endpoint `source` to `destination` (nil: addresses outside the cluster) is kept.
    package func includes(_ source: Int?, _ destination: Int?) -> Bool {
        if all { return true }
        let outOf = source.map { isFocus[$0] } == true && (destination.map { isPeer[$0] } ?? anyPeer)
        let into = destination.map { isFocus[$0] } == true && (source.map { isPeer[$0] } ?? anyPeer)
        switch direction {
        case .egress?: return outOf
        case .ingress?: return into
        case nil: return outOf || into
        }
    }

    /// Whether the focus names endpoint `e` (every endpoint without a focus).
    package func names(_ e: Int) -> Bool { isFocus[e] }
}

/// One explained pair: its ends as reports name them, and its slices.
package struct ExplainedPair: Sendable {
    package var source: String
    package var destination: String
    package var slices: [ExplanationSlice]

    /// Creates a pair.
    package init(source: String, destination: String, slices: [ExplanationSlice]) {
        self.source = source
        self.destination = destination
        self.slices = slices
    }
}

extension ClassModel {
    /// Every ordered pair the focus keeps, explained, handed to `body` in a stable order: pairs from addresses
    /// (per destination endpoint, in name order), then per source endpoint in name order its pairs, sorted by
    /// destination. An endpoint's addresses are grouped by explanation (each group one pair), so the whole
    /// address space of the families in use is covered. With a focus connection, only its slices.
    /// - Complexity: O(kept endpoint pairs + endpoints × atoms) explanations; memory for one source at a time.
    package func explainedPairs(focus: Focus, _ body: (ExplainedPair) -> Void) {
        let endpoints = cluster.endpoints
        func restricted(_ slices: [ExplanationSlice]) -> [ExplanationSlice] {
            guard let connection = focus.connection else { return slices }
            return slices.compactMap { $0.restricted(to: connection) }
        }
        let kept = focus.resolved(for: endpoints)
        let focusIndices = endpoints.indices.filter(kept.names)
        for d in endpoints.indices where kept.includes(nil, d) {
            for (addresses, slices) in addressGroups(.ingress, endpoint: d) {
                let slices = restricted(slices)
                guard !slices.isEmpty else { continue }
                body(ExplainedPair(source: addresses.description, destination: endpoints[d].id, slices: slices))
            }
        }
        // A source the focus does not name can only pair with focus destinations.
        var cache: [ClassPair: [ExplanationSlice]] = [:]
        for s in endpoints.indices {
            var pairs: [ExplainedPair] = []
            let destinations = kept.names(s) ? Array(endpoints.indices) : focusIndices
            for d in destinations where d != s && kept.includes(s, d) {
                let key = ClassPair(from: classOf(endpoint: s), to: classOf(endpoint: d))
                let slices: [ExplanationSlice]
                if let known = cache[key] {
                    slices = known
                } else {
                    slices = restricted(explain(from: .endpoints(key.from), to: .endpoints(key.to)))
                    if cache.count < 1 << 16 { cache[key] = slices }
                }
                guard !slices.isEmpty else { continue }
                pairs.append(ExplainedPair(source: endpoints[s].id, destination: endpoints[d].id, slices: slices))
            }
            if kept.includes(s, nil) {
                for (addresses, slices) in addressGroups(.egress, endpoint: s) {
                    let slices = restricted(slices)
                    guard !slices.isEmpty else { continue }
                    pairs.append(
                        ExplainedPair(source: endpoints[s].id, destination: addresses.description, slices: slices)
                    )
                }
            }
            pairs.sort { $0.destination < $1.destination }
            for pair in pairs { body(pair) }
        }
        // The ingress controller's name sorts after every endpoint's: its pairs come last, as in the flow list.
        for e in ingress.byWay.keys.sorted(by: { endpoints[$0].id < endpoints[$1].id }) where kept.includes(nil, e) {
            let slices = restricted(explainIngressController(to: e))
            guard !slices.isEmpty else { continue }
            body(ExplainedPair(source: IngressController.name, destination: endpoints[e].id, slices: slices))
        }
    }

    /// The addresses (of `within`, or all) an endpoint sends to (`.egress`) or accepts from (`.ingress`), grouped
    /// by explanation, in address order of each group's first atom: every address of a group is explained alike.
    package func addressGroups(_ direction: Direction, endpoint e: Int, within: IPSet? = nil)
        -> [(IPSet, [ExplanationSlice])]
    {
        let c = ExplainedEnd.endpoints(classOf(endpoint: e))
        var order: [[ExplanationSlice]] = []
        var groups: [[ExplanationSlice]: IPSet] = [:]
        for atom in atoms {
            let addresses = within.map { $0.intersection(IPSet(atom)) } ?? IPSet(atom)
            guard !addresses.isEmpty else { continue }
            let end = ExplainedEnd.addresses(IPSet(atom))
            let slices = direction == .egress ? explain(from: c, to: end) : explain(from: end, to: c)
            if groups[slices] == nil { order.append(slices) }
            groups[slices, default: IPSet()].formUnion(addresses)
        }
        return order.map { (groups[$0] ?? IPSet(), $0) }
    }
}

/// A source and a destination class, the key of an explanation.
private struct ClassPair: Hashable {
    var from: ClassID
    var to: ClassID
}
