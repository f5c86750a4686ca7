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

        /// What happened to a pair whose connections went from `old` to `new` (which differ).
        init(old: ConnectionSet, new: ConnectionSet) {
            self = old.isEmpty ? .added : new.isEmpty ? .removed : .changed
        }
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

    package var kind: Kind { Kind(old: old, new: new) }
}

/// Which changes a diff keeps: those whose source matches one of `from` and whose destination matches one of `to`
/// (each empty: any), and, with `focus`, those with a side that matches one of it. A pattern is a namespace, `name`
/// (in any namespace) or `namespace/name`, optionally `[Kind]`; it never matches addresses.
package struct DiffFilter: Sendable {
    package var from: [String]
    package var to: [String]
    package var focus: [String]

    /// A filter; all empty keeps every change.
    package init(from: [String] = [], to: [String] = [], focus: [String] = []) {
        self.from = from
        self.to = to
        self.focus = focus
    }

    /// Whether one of `patterns` names `endpoint`.
    static func matches(_ patterns: [String], _ endpoint: Endpoint) -> Bool {
        patterns.contains { $0 == endpoint.namespace || Focus.names($0, endpoint) }
    }
}

/// What a change of the manifests does to reachability: every pair whose connections differ, and the workloads
/// that exist in only one version. Endpoints are matched by name; addresses outside the cluster are compared over
/// the whole address space, cut where either version's rules cut it.
///
/// The versions are compared at class level: endpoints that share their class in the old version and their class
/// in the new one (a *joint class*) change the same way towards every other joint class, so each pair of joint
/// classes is compared once, and only pairs that changed are expanded into endpoint pairs (or only counted).
package struct ReachabilityDiff: Sendable {
    /// The changed pairs, sorted by source, then destination (empty when the diff was only counted).
    package var changes: [FlowChange] = []
    /// Workloads only in the new version, by name.
    package var addedWorkloads: [String] = []
    /// Workloads only in the old version, by name.
    package var removedWorkloads: [String] = []
    /// How many pairs changed in each way (the same whether `changes` was listed or only counted).
    package private(set) var counts: [FlowChange.Kind: Int] = [:]

    /// Compares two answers, keeping the changes `filter` keeps; with `listing` false only counts them.
    /// - Complexity: O(joint classes² + changes listed), whatever the number of endpoint flows.
    package init(old: Reachability, new: Reachability, filter: DiffFilter = DiffFilter(), listing: Bool = true) {
        let joint = JointClasses(old: old, new: new, filter: filter)
        addedWorkloads = joint.endpoints.filter { $0.old == nil }.map(\.id).sorted()
        removedWorkloads = joint.endpoints.filter { $0.new == nil }.map(\.id).sorted()
        let pairs = joint.changedPairs()
        let addresses = joint.changedAddresses(filter: filter)
        for group in pairs { counts[group.kind, default: 0] += group.count }
        for group in addresses { counts[group.kind, default: 0] += group.count }
        let controller = joint.changedIngressControllerFlows(filter: filter)
        for change in controller { counts[change.kind, default: 0] += 1 }
        guard listing else { return }
        // The ingress controller's name sorts after every endpoint and address: its changes come last.
        changes = joint.list(pairs: pairs, addresses: addresses) + controller
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

    /// `3 flows added, 1 removed, 2 changed; 1 workload added`.
    package var summary: String {
        func count(_ kind: FlowChange.Kind) -> Int { counts[kind] ?? 0 }
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
struct VersionFlow: Hashable, Sendable {
    var connections: ConnectionSet
    var open: Set<Direction>

    /// No flow.
    static let absent = VersionFlow(connections: .none, open: [])
}
