import KubeModel
import Parallel

/// An endpoint of either version, matched by name, with what the diff's filter says of it.
struct JointEndpoint: Sendable {
    var id: String
    /// The name reports print (`id` escaped for display).
    var name: String
    /// Its index in the old version's endpoints, nil when only the new version has it.
    var old: Int?
    /// Its index in the new version's endpoints, nil when only the old version has it.
    var new: Int?
    /// Whether it passes `--from`, `--to` and `--focus` (each true when that option is not given).
    var from: Bool
    var to: Bool
    var focus: Bool
}

/// Every member of joint class `source` to every member of joint class `destination` changed this way.
struct ChangedPairs: Sendable {
    var source: Int
    var destination: Int
    var old: VersionFlow
    var new: VersionFlow
    /// How many endpoint pairs the filter keeps.
    var count: Int

    var kind: FlowChange.Kind { FlowChange.Kind(old: old.connections, new: new.connections) }
}

/// Every member of joint class `joint` to (`outbound`) or from `addresses` changed this way.
struct ChangedAddresses: Sendable {
    var joint: Int
    var outbound: Bool
    var addresses: IPSet
    var old: VersionFlow
    var new: VersionFlow
    /// How many endpoints the filter keeps.
    var count: Int

    var kind: FlowChange.Kind { FlowChange.Kind(old: old.connections, new: new.connections) }
}

/// The endpoints of two versions grouped by (old class, new class): members of one joint class are in the same
/// class in both versions (or in the same class of the one version that has them), so no rule of either version
/// tells them apart, and a pair of joint classes changes the same way for every pair of their members.
struct JointClasses: Sendable {
    let old: Reachability
    let new: Reachability
    private(set) var endpoints: [JointEndpoint] = []
    /// Per joint class: its class in the old version, -1 when its endpoints are only in the new version.
    private var oldClass: [Int32] = []
    /// Per joint class: its class in the new version, -1 when its endpoints are only in the old version.
    private var newClass: [Int32] = []
    /// Per joint class: its endpoints (indices into `endpoints`).
    private var members: [[Int]] = []
    /// Per joint class: how many of its members pass each part of the filter.
    private var tallies: [Tally] = []

    private struct Tally {
        /// Members that pass `--from`; those of them not in the focus.
        var from = 0
        var fromOutside = 0
        /// Members that pass `--to`; those of them not in the focus.
        var to = 0
        var toOutside = 0
        /// Members that pass `--from` and are in the focus; the same for `--to`.
        var fromFocus = 0
        var toFocus = 0
        /// Members that pass both and are in the focus (pairs of a member with itself, never a flow).
        var itself = 0
    }

    init(old: Reachability, new: Reachability, filter: DiffFilter) {
        self.old = old
        self.new = new
        var newIndex: [String: Int] = [:]
        newIndex.reserveCapacity(new.cluster.endpoints.count)
        for (i, endpoint) in new.cluster.endpoints.enumerated() { newIndex[endpoint.id] = i }
        var matched = [Bool](repeating: false, count: new.cluster.endpoints.count)
        func add(_ endpoint: Endpoint, old: Int?, new: Int?) {
            endpoints.append(
                JointEndpoint(
                    id: endpoint.id,
                    name: endpoint.id.escapedForDisplay,
                    old: old,
                    new: new,
                    from: filter.from.isEmpty || DiffFilter.matches(filter.from, endpoint),
                    to: filter.to.isEmpty || DiffFilter.matches(filter.to, endpoint),
                    focus: filter.focus.isEmpty || DiffFilter.matches(filter.focus, endpoint)
                )
            )
        }
        for (i, endpoint) in old.cluster.endpoints.enumerated() {
            let j = newIndex[endpoint.id]
            if let j { matched[j] = true }
            add(endpoint, old: i, new: j)
        }
        for (i, endpoint) in new.cluster.endpoints.enumerated() where !matched[i] { add(endpoint, old: nil, new: i) }

        var index: [Int64: Int] = [:]
        for (e, endpoint) in endpoints.enumerated() {
            let o = endpoint.old.map { Int32(old.model.classOf(endpoint: $0).index) } ?? -1
            let n = endpoint.new.map { Int32(new.model.classOf(endpoint: $0).index) } ?? -1
            let key = Int64(o) << 32 | Int64(UInt32(bitPattern: n))
            let c: Int
            if let known = index[key] {
                c = known
            } else {
                c = members.count
                index[key] = c
                oldClass.append(o)
                newClass.append(n)
                members.append([])
                tallies.append(Tally())
            }
            members[c].append(e)
            if endpoint.from {
                tallies[c].from += 1
                if endpoint.focus { tallies[c].fromFocus += 1 } else { tallies[c].fromOutside += 1 }
            }
            if endpoint.to {
                tallies[c].to += 1
                if endpoint.focus { tallies[c].toFocus += 1 } else { tallies[c].toOutside += 1 }
            }
            if endpoint.from, endpoint.to, endpoint.focus { tallies[c].itself += 1 }
        }
    }

    /// Pairs (s, d), s ≠ d, of members of `source` and `destination` that the filter keeps: s passes `--from`, d
    /// passes `--to`, and one of them is in the focus.
    private func pairCount(_ source: Int, _ destination: Int) -> Int {
        let s = tallies[source]
        let d = tallies[destination]
        return s.from * d.to - s.fromOutside * d.toOutside - (source == destination ? s.itself : 0)
    }

    /// Every pair of joint classes whose connections differ, with the endpoint pairs the filter keeps (pairs with
    /// none are left out), in (source, destination) order.
    /// - Complexity: O(joint classes²), on every core.
    func changedPairs() -> [ChangedPairs] {
        // Both versions' connection sets in one table, so that equal sets compare as equal ids.
        var table: [ConnectionSet: Int32] = [:]
        var connections: [ConnectionSet] = []
        func ids(_ sets: [ConnectionSet]) -> [Int32] {
            sets.map { set in
                if let id = table[set] { return id }
                let id = Int32(connections.count)
                connections.append(set)
                table[set] = id
                return id
            }
        }
        let oldIDs = ids(old.classFlows.connections)
        let newIDs = ids(new.classFlows.connections)
        let joint = members.count
        let chunks = Parallel.chunks(joint) { [self, connections] range -> [ChangedPairs] in
            // A dense row per version: the connection id (-1: no flow) and open hops towards each class.
            var oldRow = [Int32](repeating: -1, count: old.model.classes.count)
            var oldOpen = [UInt8](repeating: 0, count: old.model.classes.count)
            var newRow = [Int32](repeating: -1, count: new.model.classes.count)
            var newOpen = [UInt8](repeating: 0, count: new.model.classes.count)
            var out: [ChangedPairs] = []
            func side(_ id: Int32, _ open: UInt8) -> VersionFlow {
                id < 0 ? .absent : VersionFlow(connections: connections[Int(id)], open: OpenHops.directions(open))
            }
            for s in range {
                let oldEdges = oldClass[s] < 0 ? [] : old.classFlows.outbound(ClassID(Int(oldClass[s])))
                let newEdges = newClass[s] < 0 ? [] : new.classFlows.outbound(ClassID(Int(newClass[s])))
                for edge in oldEdges {
                    oldRow[edge.peer.index] = oldIDs[Int(edge.connection)]
                    oldOpen[edge.peer.index] = edge.open
                }
                for edge in newEdges {
                    newRow[edge.peer.index] = newIDs[Int(edge.connection)]
                    newOpen[edge.peer.index] = edge.open
                }
                for d in 0..<joint {
                    let o = oldClass[d] < 0 ? -1 : oldRow[Int(oldClass[d])]
                    let n = newClass[d] < 0 ? -1 : newRow[Int(newClass[d])]
                    guard o != n else { continue }
                    let count = pairCount(s, d)
                    guard count > 0 else { continue }
                    let before = oldClass[d] < 0 ? VersionFlow.absent : side(o, oldOpen[Int(oldClass[d])])
                    let after = newClass[d] < 0 ? VersionFlow.absent : side(n, newOpen[Int(newClass[d])])
                    out.append(ChangedPairs(source: s, destination: d, old: before, new: after, count: count))
                }
                for edge in oldEdges { oldRow[edge.peer.index] = -1 }
                for edge in newEdges { newRow[edge.peer.index] = -1 }
            }
            return out
        }
        return chunks.flatMap { $0 }
    }

    /// For every joint class and direction, the addresses whose connections differ, grouped by what changed
    /// (`ReachabilityDiff.overlay`), with the endpoints the filter keeps (none: left out). Patterns never name
    /// addresses, so outbound changes need no `--to` and inbound ones no `--from`.
    func changedAddresses(filter: DiffFilter) -> [ChangedAddresses] {
        let perClass = Parallel.map(members.count) { [self] c -> [ChangedAddresses] in
            var out: [ChangedAddresses] = []
            for outbound in [true, false] {
                let count =
                    outbound
                    ? (filter.to.isEmpty ? tallies[c].fromFocus : 0) : (filter.from.isEmpty ? tallies[c].toFocus : 0)
                guard count > 0 else { continue }
                func sides(_ answer: Reachability, _ cls: Int32) -> [(IPSet, VersionFlow)] {
                    guard cls >= 0 else { return [] }
                    let flows = answer.classFlows
                    return (outbound ? flows.externalOut : flows.externalIn)[Int(cls)].map { edge in
                        (
                            answer.peers[edge.peer].addresses ?? IPSet(),
                            VersionFlow(
                                connections: flows.connections[Int(edge.connection)],
                                open: OpenHops.directions(edge.open)
                            )
                        )
                    }
                }
                for (set, before, after) in ReachabilityDiff.overlay(sides(old, oldClass[c]), sides(new, newClass[c])) {
                    out.append(
                        ChangedAddresses(
                            joint: c,
                            outbound: outbound,
                            addresses: set,
                            old: before,
                            new: after,
                            count: count
                        )
                    )
                }
            }
            return out
        }
        return perClass.flatMap { $0 }
    }

    /// The endpoint changes the groups stand for, that the filter keeps, sorted by source name, then destination
    /// name, each with what in the new version opened it.
    func list(pairs: [ChangedPairs], addresses: [ChangedAddresses]) -> [FlowChange] {
        // One order over every name a change can have: endpoints, then each address group's ranges.
        let addressNames = addresses.map(\.addresses.description)
        let names = endpoints.map(\.name) + addressNames
        // Equal names (address groups of different classes) rank equal.
        var rank = [Int32](repeating: 0, count: names.count)
        var position: Int32 = -1
        var previous: String?
        for i in names.indices.sorted(by: { names[$0] < names[$1] }) {
            if names[i] != previous { position += 1 }
            previous = names[i]
            rank[i] = position
        }
        struct Pending {
            var source: Int32
            var destination: Int32
            /// Index into pairs, then addresses (offset by the number of pairs).
            var group: Int32
            /// Joint endpoints, -1 for addresses.
            var sourceEndpoint: Int32
            var destinationEndpoint: Int32
        }
        var pending: [Pending] = []
        for (g, group) in pairs.enumerated() {
            for s in members[group.source] where endpoints[s].from {
                for d in members[group.destination]
                where d != s && endpoints[d].to && (endpoints[s].focus || endpoints[d].focus) {
                    pending.append(
                        Pending(
                            source: rank[s],
                            destination: rank[d],
                            group: Int32(g),
                            sourceEndpoint: Int32(s),
                            destinationEndpoint: Int32(d)
                        )
                    )
                }
            }
        }
        let addressName = endpoints.count
        for (a, group) in addresses.enumerated() {
            let g = Int32(pairs.count + a)
            for e in members[group.joint]
            where endpoints[e].focus && (group.outbound ? endpoints[e].from : endpoints[e].to) {
                let name = rank[addressName + a]
                pending.append(
                    group.outbound
                        ? Pending(
                            source: rank[e],
                            destination: name,
                            group: g,
                            sourceEndpoint: Int32(e),
                            destinationEndpoint: -1
                        )
                        : Pending(
                            source: name,
                            destination: rank[e],
                            group: g,
                            sourceEndpoint: -1,
                            destinationEndpoint: Int32(e)
                        )
                )
            }
        }
        pending.sort { ($0.source, $0.destination, $0.group) < ($1.source, $1.destination, $1.group) }
        let admitted = Parallel.map(pairs.count + addresses.count) { [self] g in
            g < pairs.count ? admittedBy(pairs[g]) : admittedBy(addresses[g - pairs.count])
        }
        return Parallel.map(pending.count) { [self, pending, addressNames] i in
            let entry = pending[i]
            let g = Int(entry.group)
            let group: (old: VersionFlow, new: VersionFlow, addresses: IPSet?, name: String) =
                g < pairs.count
                ? (pairs[g].old, pairs[g].new, nil, "")
                : (
                    addresses[g - pairs.count].old, addresses[g - pairs.count].new,
                    addresses[g - pairs.count].addresses, addressNames[g - pairs.count]
                )
            let source = entry.sourceEndpoint < 0 ? nil : endpoints[Int(entry.sourceEndpoint)]
            let destination = entry.destinationEndpoint < 0 ? nil : endpoints[Int(entry.destinationEndpoint)]
            var change = FlowChange(
                source: source?.name ?? group.name,
                destination: destination?.name ?? group.name,
                old: group.old.connections,
                new: group.new.connections,
                sourceWorkload: source.flatMap(Self.workloadChange),
                destinationWorkload: destination.flatMap(Self.workloadChange),
                oldDefaultAllow: group.old.open,
                newDefaultAllow: group.new.open,
                addresses: group.addresses
            )
            guard change.kind != .removed else { return change }
            change.admittedBy = admitted[g]
            // A new workload is what the change is about; otherwise both sides' manifests.
            let sides = [source, destination].compactMap { $0 }
            let added = sides.filter { $0.old == nil }
            change.endpointLocations = (added.isEmpty ? sides : added).compactMap { side in
                side.new.flatMap { new.cluster.endpoints[$0].location }
            }
            return change
        }
    }

    /// The flows from the ingress controller that differ, by destination name. The controller is no workload, so
    /// `--from` patterns never name it.
    func changedIngressControllerFlows(filter: DiffFilter) -> [FlowChange] {
        guard filter.from.isEmpty else { return [] }
        func flows(_ answer: Reachability) -> [String: VersionFlow] {
            var out: [String: VersionFlow] = [:]
            for edge in answer.ingressControllerFlows {
                out[answer.cluster.endpoints[edge.peer.index].id] = VersionFlow(
                    connections: answer.classFlows.connections[Int(edge.connection)],
                    open: OpenHops.directions(edge.open)
                )
            }
            return out
        }
        let before = flows(old)
        let after = flows(new)
        guard !before.isEmpty || !after.isEmpty else { return [] }
        var changes: [FlowChange] = []
        for endpoint in endpoints where endpoint.to && endpoint.focus {
            let was = before[endpoint.id] ?? .absent
            let now = after[endpoint.id] ?? .absent
            guard was.connections != now.connections else { continue }
            var change = FlowChange(
                source: IngressController.name,
                destination: endpoint.name,
                old: was.connections,
                new: now.connections,
                sourceWorkload: nil,
                destinationWorkload: Self.workloadChange(endpoint),
                oldDefaultAllow: was.open,
                newDefaultAllow: now.open
            )
            if change.kind != .removed {
                change.endpointLocations =
                    endpoint.new.flatMap { new.cluster.endpoints[$0].location }.map { [$0] } ?? []
            }
            changes.append(change)
        }
        return changes.sorted { $0.destination < $1.destination }
    }

    private static func workloadChange(_ endpoint: JointEndpoint) -> WorkloadChange? {
        endpoint.old == nil ? .added : endpoint.new == nil ? .removed : nil
    }

    /// The rules of the new version that admit what a pair group gained, in rule order.
    private func admittedBy(_ group: ChangedPairs) -> [RuleOrigin] {
        let source = ClassID(Int(newClass[group.source]))
        let destination = ClassID(Int(newClass[group.destination]))
        return admitted(
            group.old,
            group.new,
            at: [(.egress, source, .endpoints(destination)), (.ingress, destination, .endpoints(source))]
        )
    }

    /// The rules of the new version that admit what an address group gained, in rule order.
    private func admittedBy(_ group: ChangedAddresses) -> [RuleOrigin] {
        let direction: Direction = group.outbound ? .egress : .ingress
        return admitted(
            group.old,
            group.new,
            at: [(direction, ClassID(Int(newClass[group.joint])), .addresses(group.addresses))]
        )
    }

    /// The rules that allow, at these hops of the new version, what `new` has and `old` had not; none for a
    /// removed flow (the new version may not even have its classes).
    private func admitted(_ old: VersionFlow, _ new: VersionFlow, at hops: [(Direction, ClassID, HopPeer)])
        -> [RuleOrigin]
    {
        guard !new.connections.isEmpty else { return [] }
        let gained = new.connections.subtracting(old.connections)
        let model = self.new.model
        return hops.flatMap { model.decide($0.0, at: $0.1, peer: $0.2).allowing(gained) }.sorted().map(model.origin)
    }
}
