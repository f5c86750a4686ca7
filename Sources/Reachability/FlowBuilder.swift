package import KubeModel
import Parallel

/// A flow at class level: towards (or from) `peer`, a class or, for addresses, a peer.
struct Edge<Target: TableID>: Sendable {
    var peer: Target
    /// Index into `ClassFlows.connections`.
    var connection: Int32
    /// `OpenHops` bits.
    var open: UInt8
}

/// Every flow at class level: what the analyses read, and what endpoint flows are expanded from. Class pairs are
/// stored per pair group (`PairGroups`): every class of a group reaches every class of the groups its group reaches.
struct ClassFlows: Sendable {
    /// Distinct connection sets.
    var connections: [ConnectionSet] = []
    /// The classes grouped by what every rule sees of them.
    var groups: PairGroups
    /// Per source group, the destination groups it reaches, ascending.
    var groupOutbound: [[Edge<GroupID>]] = []
    /// Per destination group, the source groups that reach it, ascending.
    var groupInbound: [[Edge<GroupID>]] = []
    /// Per class, the address peers it reaches.
    var externalOut: [[Edge<PeerID>]] = []
    /// Per class, the address peers that reach it.
    var externalIn: [[Edge<PeerID>]] = []

    /// The classes class `c` reaches, ascending.
    /// - Complexity: O(k log k) for the k classes it reaches; read once per class, not per pair.
    func outbound(_ c: ClassID) -> [Edge<ClassID>] {
        expand(groupOutbound[groups.groupOf[c]])
    }

    /// The classes that reach class `c`, ascending.
    func inbound(_ c: ClassID) -> [Edge<ClassID>] {
        expand(groupInbound[groups.groupOf[c]])
    }

    private func expand(_ edges: [Edge<GroupID>]) -> [Edge<ClassID>] {
        var out: [Edge<ClassID>] = []
        for edge in edges {
            for d in groups.classes[edge.peer] {
                out.append(Edge(peer: d, connection: edge.connection, open: edge.open))
            }
        }
        // Each group's classes are ascending; groups interleave only when some group has several classes.
        if edges.count != out.count { out.sort { $0.peer < $1.peer } }
        return out
    }
}

/// Which destinations a source can reach at all, found from the rules before any pair is evaluated (without admin
/// tiers): a source isolated for egress reaches only classes its egress rules' peers match, and a destination
/// isolated for ingress admits only sources some ingress rule's peer matches. The other pairs have no flow, and
/// among thousands of namespaces that each isolate themselves they are nearly all pairs: they cost a bit test.
struct PairFilter: Sendable {
    /// A bit per class that no policy isolates for ingress.
    let ingressOpen: [UInt64]
    /// Per pair group: the policies with an ingress rule whose peer matches the group's classes.
    let admitting: [[PolicyID]]
    /// A bit per class that is its pair group's representative.
    let representatives: [UInt64]
    /// Per policy, the classes it selects, as ranges of one flat array (`selectionStart[p]..<selectionStart[p + 1]`):
    /// `candidates` reads them for every admitting policy of every group, and a list per policy scattered over the
    /// heap was a cache miss each (live-shaped: 15,240 groups).
    private let selectionStart: [Int]
    private let selectionFlat: [Int32]

    init(_ model: ClassModel, groups: PairGroups, keys: FlowMemo.Keys) {
        var open = [UInt64](repeating: 0, count: keys.classWords)
        for c in 0..<model.classes.count where !model.isolated.ingress[c] { open[c / 64] |= 1 << UInt64(c % 64) }
        ingressOpen = open
        var representatives = [UInt64](repeating: 0, count: keys.classWords)
        for classes in groups.classes { representatives[classes[0].index / 64] |= 1 << UInt64(classes[0].index % 64) }
        self.representatives = representatives
        // Per range of policies, on every core, each group's admitting policies in order; then each group's lists
        // joined in range order (live-shaped: 10,000 policies' matches over 20,000 classes were a fifth of a second
        // on one core).
        let policyRules = model.policyRules
        let pieces = Parallel.chunks(policyRules.count, maxChunks: 8) { range in
            var admitting = [[PolicyID]](repeating: [], count: groups.count)
            // The last policy added to each group: policies are visited in order, so each is added once.
            var last = [Int32](repeating: -1, count: groups.count)
            for p in range {
                for r in policyRules[p].ingress {
                    keys.forEachMatch(of: r) { c in
                        let g = groups.groupOf[c].index
                        guard last[g] != Int32(p) else { return }
                        last[g] = Int32(p)
                        admitting[g].append(PolicyID(p))
                    }
                }
            }
            return admitting
        }
        admitting = Parallel.map(groups.count) { g in pieces.count == 1 ? pieces[0][g] : pieces.flatMap { $0[g] } }
        var start = [0]
        start.reserveCapacity(model.policySelection.count + 1)
        var flat: [Int32] = []
        for selection in model.policySelection {
            for c in selection { flat.append(Int32(c.index)) }
            start.append(flat.count)
        }
        selectionStart = start
        selectionFlat = flat
    }

    /// The classes group `g`'s representative `s` may reach: a bit per class, written into `bits`.
    func candidates(_ g: GroupID, _ s: ClassID, model: ClassModel, keys: FlowMemo.Keys, into bits: inout [UInt64]) {
        var ingress = ingressOpen
        for p in admitting[g] {
            for i in selectionStart[p.index]..<selectionStart[p.index + 1] {
                let c = Int(selectionFlat[i])
                ingress[c / 64] |= 1 << UInt64(c % 64)
            }
        }
        if model.isolated.egress[s] {
            for w in bits.indices { bits[w] = 0 }
            for r in model.governing.egress[s] { keys.addMatches(of: r, to: &bits) }
            for w in bits.indices { bits[w] &= ingress[w] }
        } else {
            bits = ingress
        }
    }
}

/// Evaluates class pairs (on every core) and expands them into endpoint flows with stable names and order.
struct FlowBuilder {
    let model: ClassModel

    func build() -> Reachability {
        let cluster = model.cluster
        var (classFlows, addressSets) = computeClassFlows()
        // On every core, each endpoint read in place (150,000 names to build and escape).
        var peers = Parallel.map(cluster.endpoints.count) { e in
            Peer(kind: .endpoint(e), name: cluster.endpoints[e].id.escapedForDisplay)
        }
        for set in addressSets { peers.append(Peer(kind: .external(set), name: set.description)) }
        // The ingress controller, last: its flows go into the same table of connection sets.
        let ingress = model.ingress.flows
        var controllerFlows: [Edge<PeerID>] = []
        if !ingress.isEmpty {
            peers.append(Peer(kind: .ingressController, name: IngressController.name))
            var index: [ConnectionSet: Int32] = [:]
            for (i, set) in classFlows.connections.enumerated() { index[set] = Int32(i) }
            for flow in ingress {
                let id: Int32
                if let known = index[flow.connections] {
                    id = known
                } else {
                    id = Int32(classFlows.connections.count)
                    classFlows.connections.append(flow.connections)
                    index[flow.connections] = id
                }
                controllerFlows.append(
                    Edge(
                        peer: PeerID(flow.endpoint),
                        connection: id,
                        open: flow.ingressOpen ? OpenHops.bit(.ingress) : 0
                    )
                )
            }
        }
        return Reachability(
            model: model,
            peers: peers,
            flowCount: Self.count(classFlows, model: model) + controllerFlows.count,
            isolation: isolation(),
            classFlows: classFlows,
            ingressControllerFlows: controllerFlows
        )
    }

    /// For each endpoint, the directions some policy isolates.
    private func isolation() -> [Set<Direction>] {
        // One set per kind of isolation, shared by the endpoints that have it (a set per endpoint was 150,000).
        let kinds: [Set<Direction>] = [[], [.ingress], [.egress], [.ingress, .egress]]
        let model = model
        return Parallel.map(model.classOfEndpoint.count) { e in
            let c = model.classOfEndpoint[e]
            return kinds[(model.isolated.ingress[c] ? 1 : 0) + (model.isolated.egress[c] ? 2 : 0)]
        }
    }

    // MARK: - Class level

    /// What one worker computes for a range of pair groups, with its own table of distinct connection sets.
    private struct Chunk {
        var memo: FlowMemo
        var outbound: [[Edge<GroupID>]] = []
        /// Per group: connection id, addresses, and whether they pass its classes' hop by default.
        var externalOut: [[(Int32, IPSet, Bool)]] = []
        var externalIn: [[(Int32, IPSet, Bool)]] = []

        var connections: [ConnectionSet] { memo.table.connections }

        mutating func intern(_ connections: ConnectionSet) -> Int32 { memo.table.intern(connections) }
    }

    /// How many chunks the class pairs are cut into.
    static let chunks = 8

    private func computeChunk(
        _ range: Range<Int>,
        groups: PairGroups,
        filter: PairFilter?,
        universe: IPSet,
        keys: FlowMemo.Keys
    ) -> Chunk {
        var chunk = Chunk(memo: FlowMemo(keys: keys))
        let cache = model.tiered ? HopCache(model: model) : nil
        var candidates = [UInt64](repeating: 0, count: keys.classWords)
        for g in range {
            let s = groups.representative(GroupID(g))
            var edges: [Edge<GroupID>] = []
            func evaluate(_ h: GroupID) {
                let d = groups.representative(h)
                if model.tiered {
                    let (connections, open) = model.classFlow(from: s, to: d, cache: cache)
                    guard !connections.isEmpty else { return }
                    edges.append(Edge(peer: h, connection: chunk.intern(connections), open: OpenHops.bits(open)))
                } else if let (connection, open) = model.memoisedClassFlow(from: s, to: d, memo: &chunk.memo) {
                    edges.append(Edge(peer: h, connection: connection, open: open))
                }
            }
            if let filter {
                filter.candidates(GroupID(g), s, model: model, keys: keys, into: &candidates)
                // A group's representative is its first class, so ascending classes visit the groups in order.
                for w in candidates.indices {
                    var word = candidates[w] & filter.representatives[w]
                    while word != 0 {
                        evaluate(groups.groupOf[w * 64 + word.trailingZeroBitCount])
                        word &= word - 1
                    }
                }
            } else {
                for h in 0..<groups.count { evaluate(GroupID(h)) }
            }
            chunk.outbound.append(edges)
            // A class no policy decides reaches (or is reached by) every address on every port: one group.
            for direction in Direction.allCases {
                let pieces: [(Int32, IPSet, Bool)]
                if !model.decides(direction, s) {
                    pieces = [(chunk.intern(.all), universe, true)]
                } else if model.tiered {
                    pieces = model.tieredAddressFlows(s, direction).map { (chunk.intern($0.0), $0.1, $0.2) }
                } else {
                    pieces = model.addressFlows(s, direction).map { (chunk.intern($0.0), $0.1, false) }
                }
                if direction == .egress { chunk.externalOut.append(pieces) } else { chunk.externalIn.append(pieces) }
            }
        }
        return chunk
    }

    /// Evaluates every pair of pair groups and every group against the address atoms, in parallel chunks, then
    /// merges the chunks in group order so the result does not depend on scheduling.
    private func computeClassFlows() -> (ClassFlows, [IPSet]) {
        let universe = model.universe
        let keys = FlowMemo.Keys(model: model)
        let groups = PairGroups(model, keys: keys)
        let filter = model.tiered ? nil : PairFilter(model, groups: groups, keys: keys)
        // Few chunks, so that each worker's memo serves many groups (the unions repeat across groups).
        let chunks = Parallel.chunks(groups.count, maxChunks: Self.chunks) { range in
            computeChunk(range, groups: groups, filter: filter, universe: universe, keys: keys)
        }
        var flows = ClassFlows(groups: groups)
        var global = ConnectionTable()  // the merged table of distinct connection sets
        var addressIndex: [IPSet: PeerID] = [:]
        var addressSets: [IPSet] = []
        let endpointCount = model.cluster.endpoints.count
        func address(_ set: IPSet) -> PeerID {
            if let index = addressIndex[set] { return index }
            let index = PeerID(endpointCount + addressSets.count)
            addressSets.append(set)
            addressIndex[set] = index
            return index
        }
        var externalOut: [[Edge<PeerID>]] = []
        var externalIn: [[Edge<PeerID>]] = []
        // Each chunk's connection ids turned into the merged table's, in chunk order; then the outbound edges
        // rewritten with them on every core, each list written in place (live-shaped: a map with an append per edge
        // over millions of edges was a third of a second on one core).
        let maps = chunks.map { $0.connections.map { global.intern($0) } }
        let outbounds = chunks.map(\.outbound)
        let place = outbounds.indices.flatMap { c in outbounds[c].indices.map { (chunk: c, group: $0) } }
        flows.groupOutbound = Parallel.map(place.count) { g in
            let (map, edges) = (maps[place[g].chunk], outbounds[place[g].chunk][place[g].group])
            return [Edge<GroupID>](unsafeUninitializedCapacity: edges.count) { buffer, count in
                for (i, edge) in edges.enumerated() {
                    buffer[i] = Edge(peer: edge.peer, connection: map[Int(edge.connection)], open: edge.open)
                }
                count = edges.count
            }
        }
        for (chunk, map) in zip(chunks, maps) {
            func edges(_ pieces: [(Int32, IPSet, Bool)], _ direction: Direction) -> [Edge<PeerID>] {
                pieces.map {
                    Edge(peer: address($0.1), connection: map[Int($0.0)], open: $0.2 ? OpenHops.bit(direction) : 0)
                }
            }
            for pieces in chunk.externalOut { externalOut.append(edges(pieces, .egress)) }
            for pieces in chunk.externalIn { externalIn.append(edges(pieces, .ingress)) }
        }
        // Per class, its group's address edges (one shared array per group).
        flows.externalOut = groups.groupOf.map { externalOut[$0] }
        flows.externalIn = groups.groupOf.map { externalIn[$0] }
        flows.connections = global.connections
        // The outbound edges turned around, on every core by range of destination groups (each source's edges are
        // ascending, so a worker reads only its range of them): one pass scattering appends over 15,000 lists was a
        // second of the live-shaped cluster on one core. Each list keeps its sources ascending.
        let outbound = flows.groupOutbound
        flows.groupInbound = Parallel.chunks(groups.count, maxChunks: 4) { range -> [[Edge<GroupID>]] in
            var inbound = [[Edge<GroupID>]](repeating: [], count: range.count)
            for (s, edges) in outbound.enumerated() {
                var low = 0
                var high = edges.count
                while low < high {
                    let mid = (low + high) / 2
                    if edges[mid].peer.index < range.lowerBound { low = mid + 1 } else { high = mid }
                }
                for edge in edges[low...] {
                    guard edge.peer.index < range.upperBound else { break }
                    inbound[edge.peer.index - range.lowerBound].append(
                        Edge(peer: GroupID(s), connection: edge.connection, open: edge.open)
                    )
                }
            }
            return inbound
        }.flatMap { $0 }
        return (flows, addressSets)
    }

    /// The number of endpoint flows the class flows stand for (no flow from an endpoint to itself).
    static func count(_ flows: ClassFlows, model: ClassModel) -> Int {
        let size = flows.groups.endpoints
        var total = 0
        for (g, edges) in flows.groupOutbound.enumerated() {
            // Every member of the group to every member of the peer group, less each member to itself.
            for edge in edges { total += size[g] * size[edge.peer] - (edge.peer.index == g ? size[g] : 0) }
        }
        for (c, cls) in model.classes.enumerated() {
            total += cls.members.count * (flows.externalOut[c].count + flows.externalIn[c].count)
        }
        return total
    }
}

/// A destination of a run of flows (`FlowRun`).
package struct FlowTarget: Sendable {
    /// The destination's place in output order (sorts the targets).
    let rank: Int32
    /// The destination.
    package let peer: PeerID
    /// Index of the flow's connections in `Reachability.distinctConnections`.
    package let connectionsIndex: Int32
    /// The hops left open by default, as `Flow.openBits`.
    package let openBits: UInt8
}

/// The flows from one source, in output order: to each of `targets` but `targets[skip]` (the source itself, which
/// has no flow to itself). Every member of a pair group has the same targets, so the runs of its members share one
/// list, and a writer can render each list once (`key`) instead of each flow.
package struct FlowRun: Sendable {
    /// The side that opens the connections.
    package let source: PeerID
    /// Identifies `targets` within one flow sequence: runs with the same key have the same targets (nil: a list of
    /// this run's own).
    package let key: Int?
    /// The destinations, sorted in output order.
    package let targets: [FlowTarget]
    /// The position of the source itself in `targets`, which is skipped; nil when it is not there.
    package let skip: Int?

    init(source: PeerID, key: Int?, targets: [FlowTarget], skip: Int?) {
        self.source = source
        self.key = key
        self.targets = targets
        self.skip = skip
    }

    /// Consecutive flows from one source (at least one), as a run of their own, in their order.
    package init(flows: ArraySlice<Flow>) {
        precondition(!flows.isEmpty, "a run has at least one flow")
        let source = flows[flows.startIndex].source
        self.source = source
        key = nil
        targets = flows.map {
            precondition($0.source == source, "the flows of a run have one source")
            // The rank sorts the targets the expander builds; these are in order already.
            return FlowTarget(
                rank: 0,
                peer: $0.destination,
                connectionsIndex: Int32($0.connectionsIndex),
                openBits: $0.openBits
            )
        }
        skip = nil
    }

    /// How many flows the run stands for.
    package var count: Int { targets.count - (skip == nil ? 0 : 1) }

    /// Appends the run's flows to `flows`, in order (`connections`: `Reachability.distinctConnections`).
    package func append(to flows: inout [Flow], connections: [ConnectionSet]) {
        for (i, target) in targets.enumerated() where i != skip {
            flows.append(
                Flow(
                    source: source,
                    destination: target.peer,
                    connections: connections[Int(target.connectionsIndex)],
                    connectionsIndex: Int(target.connectionsIndex),
                    openBits: target.openBits
                )
            )
        }
    }
}

/// Expands class-level flows into endpoint flows in output order (by source name, then destination name), a block
/// at a time, so a caller can stream any number of flows in bounded memory. Every member of a class has the same
/// destinations (less itself), so each pair group's sorted destination list is built once and reused: a block is a
/// list of runs (`FlowRun`), one per source, that share those lists.
package struct FlowExpander {
    private let model: ClassModel
    private let classFlows: ClassFlows
    private let order: [PeerID]
    private let rank: [Int32]
    private let endpointCount: Int
    private let controllerFlows: [Edge<PeerID>]
    private var fromAddress: [[(ClassID, Int32, UInt8)]]
    /// Per pair group: its classes' destinations (the same for each).
    private var templates: [GroupID: [FlowTarget]] = [:]
    private var cached = 0
    private var position = 0
    /// With a focus that names some endpoints: per class, its members the focus names, and the destinations of a
    /// class among them only (what a source outside the focus can pair with).
    private let focus: ResolvedFocus?
    private var focusMembers: [[Int]] = []
    private var focusTemplates: [GroupID: [FlowTarget]] = [:]

    init(answer: Reachability, focus: ResolvedFocus? = nil) {
        model = answer.model
        classFlows = answer.classFlows
        let peers = answer.peers
        endpointCount = model.cluster.endpoints.count
        controllerFlows = answer.ingressControllerFlows
        order = peers.indices.sorted { peers[$0].name < peers[$1].name }.map(PeerID.init)
        var rank = [Int32](repeating: 0, count: peers.count)
        for (position, peer) in order.enumerated() { rank[peer] = Int32(position) }
        self.rank = rank
        // Per peer that is not an endpoint (address sets, and the ingress controller, which has none).
        var fromAddress = [[(ClassID, Int32, UInt8)]](repeating: [], count: peers.count - endpointCount)
        for (c, edges) in classFlows.externalIn.enumerated() {
            for edge in edges {
                fromAddress[edge.peer.index - endpointCount].append((ClassID(c), edge.connection, edge.open))
            }
        }
        self.fromAddress = fromAddress
        self.focus = focus?.all == false ? focus : nil
        if let focus = self.focus {
            focusMembers = model.classes.map { $0.members.filter(focus.names) }
        }
    }

    private func target(_ peer: PeerID, _ connection: Int32, _ open: UInt8) -> FlowTarget {
        FlowTarget(rank: rank[peer], peer: peer, connectionsIndex: connection, openBits: open)
    }

    /// The destinations of class `c` that the focus names, in output order.
    private mutating func focusTemplate(_ c: ClassID) -> [FlowTarget] {
        let g = classFlows.groups.groupOf[c]
        if let known = focusTemplates[g] { return known }
        var targets: [FlowTarget] = []
        for edge in classFlows.outbound(c) {
            for m in focusMembers[edge.peer.index] { targets.append(target(PeerID(m), edge.connection, edge.open)) }
        }
        targets.sort { $0.rank < $1.rank }
        focusTemplates[g] = targets
        return targets
    }

    private mutating func template(_ c: ClassID) -> [FlowTarget] {
        let g = classFlows.groups.groupOf[c]
        if let known = templates[g] { return known }
        var targets: [FlowTarget] = []
        for edge in classFlows.outbound(c) {
            for m in model.classes[edge.peer].members { targets.append(target(PeerID(m), edge.connection, edge.open)) }
        }
        for edge in classFlows.externalOut[c] { targets.append(target(edge.peer, edge.connection, edge.open)) }
        targets.sort { $0.rank < $1.rank }
        if cached + targets.count > 8_000_000 {
            templates.removeAll()
            cached = 0
        }
        templates[g] = targets
        cached += targets.count
        return targets
    }

    /// The runs of the next sources in order, standing for at least `atLeast` flows unless the end comes first; nil
    /// at the end. A source without flows has no run.
    mutating func next(atLeast: Int) -> [FlowRun]? {
        guard position < order.count else { return nil }
        var runs: [FlowRun] = []
        var count = 0
        func add(_ run: FlowRun) {
            guard run.count > 0 else { return }
            runs.append(run)
            count += run.count
        }
        while position < order.count, count < atLeast {
            let p = order[position]
            position += 1
            if p.index < endpointCount {
                let c = model.classOfEndpoint[p.index]
                let g = classFlows.groups.groupOf[c].index
                let narrowed = focus.map { $0.names(p.index) } == false
                let targets = narrowed ? focusTemplate(c) : template(c)
                let key = narrowed ? classFlows.groups.classes.count + g : g
                add(FlowRun(source: p, key: key, targets: targets, skip: Self.position(of: rank[p], in: targets)))
            } else if !controllerFlows.isEmpty, p.index == rank.count - 1 {
                let targets = controllerFlows.map { target($0.peer, $0.connection, $0.open) }
                add(FlowRun(source: p, key: nil, targets: targets.sorted { $0.rank < $1.rank }, skip: nil))
            } else {
                var targets: [FlowTarget] = []
                for (c, connection, open) in fromAddress[p.index - endpointCount] {
                    for m in model.classes[c].members { targets.append(target(PeerID(m), connection, open)) }
                }
                add(FlowRun(source: p, key: nil, targets: targets.sorted { $0.rank < $1.rank }, skip: nil))
            }
        }
        return runs
    }

    /// The position of the target of rank `rank` in `targets` (sorted by rank), nil when none has it.
    private static func position(of rank: Int32, in targets: [FlowTarget]) -> Int? {
        var low = 0
        var high = targets.count
        while low < high {
            let middle = (low + high) / 2
            if targets[middle].rank < rank { low = middle + 1 } else { high = middle }
        }
        return low < targets.count && targets[low].rank == rank ? low : nil
    }
}

extension ClassModel {
    /// How many endpoint flows one class edge stands for: every member to every member, less each member to itself.
    func endpointPairs(from s: ClassID, to d: ClassID) -> Int {
        let sources = classes[s].members.count
        return sources * classes[d].members.count - (s == d ? sources : 0)
    }
}

/// Flows between namespaces (and with addresses), summed from the class-level answer: what a namespace overview
/// draws, at any size, without listing endpoint flows.
package struct NamespaceFlow: Hashable, Sendable {
    /// The source namespace, nil for addresses outside the cluster.
    package var from: String?
    /// The destination namespace, nil for addresses.
    package var to: String?
    /// The hops left open by default (`egress` at the source, `ingress` at the destination).
    package var defaultAllow: Set<Direction>
    /// The union of the flows' connections.
    package var connections: ConnectionSet
    /// How many endpoint flows it stands for.
    package var count: Int
}

extension Reachability {
    /// Every flow summed by (source namespace, destination namespace, open hops), in a stable order.
    /// - Complexity: O(pair-group edges × the namespaces of their two groups), whatever the number of endpoint flows.
    package func namespaceFlows() -> [NamespaceFlow] {
        struct Key: Hashable {
            var from: String?
            var to: String?
            var open: UInt8
        }
        var sums: [Key: (ConnectionSet, Int)] = [:]
        func add(_ key: Key, _ connections: ConnectionSet, _ count: Int) {
            guard count > 0 else { return }
            let current = sums[key] ?? (.none, 0)
            sums[key] = (current.0.union(connections), current.1 + count)
        }
        let flows = classFlows
        let groups = flows.groups
        // Per group, its endpoints by namespace: a group edge stands for every pair of them.
        let namespaces = groups.classes.map { classes in
            var count: [String: Int] = [:]
            for c in classes { count[model.classes[c].namespace, default: 0] += model.classes[c].members.count }
            return count.sorted { $0.key < $1.key }
        }
        for (g, edges) in flows.groupOutbound.enumerated() {
            for edge in edges {
                let connections = flows.connections[Int(edge.connection)]
                for (from, sources) in namespaces[g] {
                    for (to, destinations) in namespaces[edge.peer] {
                        // Less each endpoint to itself, within one group and namespace.
                        let pairs = sources * destinations - (edge.peer.index == g && from == to ? sources : 0)
                        add(Key(from: from, to: to, open: edge.open), connections, pairs)
                    }
                }
            }
        }
        for (s, source) in model.classes.enumerated() {
            for edge in flows.externalOut[s] {
                add(
                    Key(from: source.namespace, to: nil, open: edge.open),
                    flows.connections[Int(edge.connection)],
                    source.members.count
                )
            }
            for edge in flows.externalIn[s] {
                add(
                    Key(from: nil, to: source.namespace, open: edge.open),
                    flows.connections[Int(edge.connection)],
                    source.members.count
                )
            }
        }
        // The ingress controller comes from outside the cluster, as addresses do.
        for edge in ingressControllerFlows {
            add(
                Key(from: nil, to: cluster.endpoints[edge.peer.index].namespace, open: edge.open),
                flows.connections[Int(edge.connection)],
                1
            )
        }
        return sums.map {
            NamespaceFlow(
                from: $0.key.from,
                to: $0.key.to,
                defaultAllow: OpenHops.directions($0.key.open),
                connections: $0.value.0,
                count: $0.value.1
            )
        }.sorted {
            ($0.from ?? "\u{10FFFF}", $0.to ?? "\u{10FFFF}", OpenHops.bits($0.defaultAllow)) < (
                $1.from ?? "\u{10FFFF}", $1.to ?? "\u{10FFFF}", OpenHops.bits($1.defaultAllow)
            )
        }
    }
}
