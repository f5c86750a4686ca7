package import KubeModel

/// A workload that exists in only one of two versions.
package enum WorkloadChange: String, Hashable, Sendable {
    case added, removed
}

/// One pair whose connections differ between two versions.
package struct FlowChange: Hashable, Sendable {
    /// What happened to the pair: a new flow, a flow gone, or other connections.
    package enum Kind: String, Hashable, Sendable {
        case added, removed, changed
    }

    /// The source as reports name it (`ns/name[Kind]` or address ranges).
    package var source: String
    /// The destination as reports name it.
    package var destination: String
    /// The connections in the old version (`.none`: no flow).
    package var old: ConnectionSet
    /// The connections in the new version (`.none`: no flow).
    package var new: ConnectionSet
    /// Set when the source is a workload that exists in only one version.
    package var sourceWorkload: WorkloadChange?
    /// Set when the destination is a workload that exists in only one version.
    package var destinationWorkload: WorkloadChange?
    /// The hops left open by default (no policy selects that side) in the old version; empty without a flow.
    package var oldDefaultAllow: Set<Direction> = []
    /// The same in the new version.
    package var newDefaultAllow: Set<Direction> = []

    /// The addresses, when one side is addresses outside the cluster.
    package var addresses: IPSet?
    /// The rules of the new version that admit the new connections (added or changed flows), in rule order.
    package var admittedBy: [RuleOrigin] = []
    /// Where the new version defines the pair's new workloads, or else both its workloads (for a change no rule
    /// admits: default-allow).
    package var endpointLocations: [SourceLocation] = []

    /// Whether the flow's default-allow status differs between the versions (both have a flow, and a side that
    /// no policy selected is now selected, or the other way round).
    package var defaultAllowChanged: Bool { kind == .changed && oldDefaultAllow != newDefaultAllow }

    package var kind: Kind { old.isEmpty ? .added : new.isEmpty ? .removed : .changed }
}

/// What a change of the manifests does to reachability: every pair whose connections differ, and the workloads
/// that exist in only one version. Endpoints are matched by name; addresses outside the cluster are compared over
/// the whole address space, cut where either version's rules cut it.
package struct ReachabilityDiff: Sendable {
    /// The changed pairs, sorted by source, then destination.
    package var changes: [FlowChange] = []
    /// Workloads only in the new version, by name.
    package var addedWorkloads: [String] = []
    /// Workloads only in the old version, by name.
    package var removedWorkloads: [String] = []

    /// Compares two answers.
    /// - Complexity: O(flows of both versions); every endpoint flow of both is read once.
    package init(old: Reachability, new: Reachability) {
        let oldNames = Set(old.cluster.endpoints.map(\.id))
        let newNames = Set(new.cluster.endpoints.map(\.id))
        addedWorkloads = newNames.subtracting(oldNames).sorted()
        removedWorkloads = oldNames.subtracting(newNames).sorted()
        func workload(_ name: String) -> WorkloadChange? {
            addedWorkloads.contains(name) ? .added : removedWorkloads.contains(name) ? .removed : nil
        }
        var pairs: [PairKey: (old: VersionFlow, new: VersionFlow)] = [:]
        var addresses: [EndpointSideKey: (old: [(IPSet, VersionFlow)], new: [(IPSet, VersionFlow)])] = [:]
        for (answer, isNew) in [(old, false), (new, true)] {
            for flow in answer.flows {
                let source = answer.peers[flow.source]
                let destination = answer.peers[flow.destination]
                let side = VersionFlow(connections: flow.connections, open: flow.defaultAllow)
                if let set = destination.addresses ?? source.addresses {
                    let outbound = destination.addresses != nil
                    let key = EndpointSideKey(endpoint: outbound ? source.name : destination.name, outbound: outbound)
                    var entry = addresses[key] ?? ([], [])
                    if isNew { entry.new.append((set, side)) } else { entry.old.append((set, side)) }
                    addresses[key] = entry
                } else {
                    let key = PairKey(source: source.name, destination: destination.name)
                    var entry = pairs[key] ?? (.absent, .absent)
                    if isNew { entry.new = side } else { entry.old = side }
                    pairs[key] = entry
                }
            }
        }
        for (key, value) in pairs where value.old.connections != value.new.connections {
            changes.append(
                FlowChange(
                    source: key.source,
                    destination: key.destination,
                    old: value.old.connections,
                    new: value.new.connections,
                    sourceWorkload: workload(key.source),
                    destinationWorkload: workload(key.destination),
                    oldDefaultAllow: value.old.open,
                    newDefaultAllow: value.new.open
                )
            )
        }
        for (key, value) in addresses {
            for (set, before, after) in Self.overlay(value.old, value.new) {
                let name = set.description
                changes.append(
                    FlowChange(
                        source: key.outbound ? key.endpoint : name,
                        destination: key.outbound ? name : key.endpoint,
                        old: before.connections,
                        new: after.connections,
                        sourceWorkload: key.outbound ? workload(key.endpoint) : nil,
                        destinationWorkload: key.outbound ? nil : workload(key.endpoint),
                        oldDefaultAllow: before.open,
                        newDefaultAllow: after.open,
                        addresses: set
                    )
                )
            }
        }
        changes.sort { ($0.source, $0.destination) < ($1.source, $1.destination) }
        // What in the new version opened each new connection: its admitting rules, else its workloads.
        let model = new.model
        let endpointOf = Dictionary(
            new.cluster.endpoints.enumerated().map { ($0.element.id, $0.offset) },
            uniquingKeysWith: { first, _ in first }
        )
        for i in changes.indices where changes[i].kind != .removed {
            let change = changes[i]
            let gained = change.new.subtracting(change.old)
            let source = endpointOf[change.source]
            let destination = endpointOf[change.destination]
            func peer(_ endpoint: Int?) -> HopPeer? {
                if let endpoint { return .endpoints(model.classOf(endpoint: endpoint)) }
                return change.addresses.map { .addresses($0) }
            }
            var rules: [RuleID] = []
            if let s = source, let to = peer(destination) {
                rules += model.decide(.egress, at: model.classOf(endpoint: s), peer: to).allowing(gained)
            }
            if let d = destination, let from = peer(source) {
                rules += model.decide(.ingress, at: model.classOf(endpoint: d), peer: from).allowing(gained)
            }
            changes[i].admittedBy = rules.sorted().map(model.origin)
            // A new workload is what the change is about; otherwise both sides' manifests.
            let sides = [(source, change.sourceWorkload), (destination, change.destinationWorkload)]
            let added = sides.filter { $0.1 == .added }
            changes[i].endpointLocations = (added.isEmpty ? sides : added).compactMap(\.0)
                .compactMap { new.cluster.endpoints[$0].location }
        }
    }

    /// The addresses whose connections differ between two lists of disjoint address pieces, grouped by the
    /// (old, new) sides, in address order of each group.
    static func overlay(_ old: [(IPSet, VersionFlow)], _ new: [(IPSet, VersionFlow)]) -> [(
        IPSet, VersionFlow, VersionFlow
    )] {
        var groups: [[VersionFlow]: IPSet] = [:]
        var order: [[VersionFlow]] = []
        func add(_ set: IPSet, _ before: VersionFlow, _ after: VersionFlow) {
            guard !set.isEmpty, before.connections != after.connections else { return }
            let key = [before, after]
            if groups[key] == nil { order.append(key) }
            groups[key, default: IPSet()].formUnion(set)
        }
        let oldAll = old.reduce(IPSet()) { $0.union($1.0) }
        let newAll = new.reduce(IPSet()) { $0.union($1.0) }
        for (set, before) in old {
            for (other, after) in new { add(set.intersection(other), before, after) }
            add(set.subtracting(newAll), before, .absent)
        }
        for (set, after) in new { add(set.subtracting(oldAll), .absent, after) }
        return order.map { key in (groups[key] ?? IPSet(), key[0], key[1]) }
            .sorted {
                ($0.0.ranges.first.map { ($0.family, $0.bounds.lowerBound) } ?? (.v6, .max))
                    < ($1.0.ranges.first.map { ($0.family, $0.bounds.lowerBound) } ?? (.v6, .max))
            }
    }

    /// Only the changes whose source matches one of `from` and whose destination matches one of `to` (each empty:
    /// any), and, with `focus`, those with a side that matches one of it. A pattern is a namespace, `name` (in any
    /// namespace) or `namespace/name`, optionally `[Kind]`; it never matches addresses.
    package func filtered(from: [String] = [], to: [String] = [], focus: [String] = []) -> ReachabilityDiff {
        func matches(_ patterns: [String], _ side: String) -> Bool {
            // A side is an endpoint id (`ns/name[Kind]`) or address ranges, which no pattern names.
            guard let id = EndpointReference(side), let kind = id.kind else { return false }
            let endpoint = Endpoint(namespace: id.namespace, name: id.name, kind: kind)
            return patterns.contains { $0 == id.namespace || Focus.names($0, endpoint) }
        }
        var out = self
        out.changes = changes.filter { change in
            (from.isEmpty || matches(from, change.source)) && (to.isEmpty || matches(to, change.destination))
                && (focus.isEmpty || matches(focus, change.source) || matches(focus, change.destination))
        }
        return out
    }

    /// `3 flows added, 1 removed, 2 changed; 1 workload added`.
    package var summary: String {
        func count(_ kind: FlowChange.Kind) -> Int { changes.count { $0.kind == kind } }
        let flows = count(.added)
        var text =
            "\(flows) \(flows == 1 ? "flow" : "flows") added, \(count(.removed)) removed, \(count(.changed)) changed"
        let workloads = [(addedWorkloads.count, "added"), (removedWorkloads.count, "removed")].filter { $0.0 > 0 }
        if let first = workloads.first {
            text += "; \(first.0) \(first.0 == 1 ? "workload" : "workloads") \(first.1)"
            text += workloads.dropFirst().map { ", \($0.0) \($0.1)" }.joined()
        }
        return text
    }
}

/// One version's flow of a pair: its connections and the hops open by default.
struct VersionFlow: Hashable {
    var connections: ConnectionSet
    var open: Set<Direction>

    /// No flow.
    static let absent = VersionFlow(connections: .none, open: [])
}

private struct PairKey: Hashable {
    var source: String
    var destination: String
}

private struct EndpointSideKey: Hashable {
    var endpoint: String
    var outbound: Bool
}
