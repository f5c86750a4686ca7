import KubeModel

/// One kind of audit finding: the rules it reports and the function that finds them. Registered in
/// `Auditor.checks`.
protocol AuditCheck: Sendable {
    /// The rules it reports, in report order (one, or one per direction).
    static var rules: [AuditRule] { get }
    /// Adds its findings to `context`.
    static func run(_ context: inout AuditContext)
}

/// One side of the flows of an endpoint class: the peers it reaches (or that reach it), for evidence.
struct Neighbors {
    /// The first peers by name, one more than the evidence shows (one may be the endpoint itself).
    var first: [(name: String, peer: PeerID, connections: ConnectionSet)] = []
    /// How many peers in all, counting each member of the class itself once if it is among them.
    var count = 0
    /// Whether the class reaches (or is reached by) its own members.
    var includesOwnClass = false
}

/// What every finding reads (the class-level answer and lookups built once) and where findings are collected.
/// Everything is computed per endpoint class and stamped on its members, so the audit never lists endpoint flows
/// (it runs on 150,000 pods).
struct AuditContext {
    let result: Reachability
    var findings: [Finding] = []
    /// Per namespace, its policies (indices into `cluster.policies`).
    let policiesByNamespace: [String: [Int]]
    /// Per pair group: the first endpoints of its classes by name (as many as `neighbors` keeps), so that a group of
    /// thousands of classes is read once.
    private let firstEndpoints: [[Int]]
    /// Per pair group: its first endpoint by name (`Int.max` for none), read for every edge before the list.
    private let firstEndpoint: [Int]

    var cluster: Cluster { result.cluster }
    var model: ClassModel { result.model }

    init(result: Reachability) {
        self.result = result
        var byNamespace: [String: [Int]] = [:]
        for (i, policy) in result.cluster.policies.enumerated() { byNamespace[policy.namespace, default: []].append(i) }
        policiesByNamespace = byNamespace
        let model = result.model
        let limit = Auditor.evidenceLimit + 1
        firstEndpoints = result.classFlows.groups.classes.map { classes in
            let members = classes.map { model.classes[$0].members }
            // Members are ascending endpoint indices, which are in name order.
            return members.count == 1 ? Array(members[0].prefix(limit)) : Array(members.joined().sorted().prefix(limit))
        }
        firstEndpoint = firstEndpoints.map { $0.first ?? Int.max }
    }

    /// Records a finding, suppressed when the object's `netreach.io/ignore` annotation names the rule.
    mutating func add(
        _ rule: AuditRule,
        subject: String,
        _ message: String,
        fix: String,
        at locations: [SourceLocation?],
        evidence: [Evidence] = [],
        annotations: [String: String]
    ) {
        findings.append(
            Finding(
                rule: rule,
                subject: subject,
                message: message,
                fix: fix,
                locations: locations.compactMap { $0 },
                evidence: evidence,
                suppression: IgnoreAnnotation(annotations).reasons[rule.id]
            )
        )
    }

    /// Records the finding for each endpoint of class `c`, about that endpoint: located at it, then at `also`;
    /// `message` and `evidence` get the endpoint's `ns/name[Kind]`.
    mutating func addForEachMember(
        of c: ClassID,
        _ rule: AuditRule,
        message: (String) -> String,
        fix: String,
        also: [SourceLocation?] = [],
        evidence: (String) -> [Evidence] = { _ in [] }
    ) {
        for e in model.classes[c].members {
            let endpoint = cluster.endpoints[e]
            add(
                rule,
                subject: endpoint.id,
                message(endpoint.id),
                fix: fix,
                at: [endpoint.location] + also,
                evidence: evidence(endpoint.id),
                annotations: endpoint.annotations
            )
        }
    }

    /// Whether endpoints of `namespace` are selected by some policy of theirs.
    func hasPolicies(_ namespace: String) -> Bool { !(policiesByNamespace[namespace] ?? []).isEmpty }

    /// The peers that class `c` reaches (`inbound: false`) or that reach it, first ones by name; with `openOnly`,
    /// only the flows that pass c's hop by default (no policy of any tier decides them).
    func neighbors(_ c: ClassID, inbound: Bool, openOnly: Bool = false) -> Neighbors {
        let flows = result.classFlows
        let limit = Auditor.evidenceLimit + 1
        var out = Neighbors()
        // The first `limit` endpoints, kept sorted as they are met: endpoint indices are in name order (`members`),
        // so they are compared as numbers; a class connected to thousands of others sorted every name to keep six.
        var endpoints: [(peer: Int, connection: Int32)] = []
        let bit = OpenHops.bit(inbound ? .ingress : .egress)
        let g = flows.groups.groupOf[c]
        let edges = inbound ? flows.groupInbound[g] : flows.groupOutbound[g]
        // Read through buffers: a live-shaped audit reads 20,000 classes' thousands of edges, and an array fetched
        // per edge (retained and released) was most of the time.
        edges.withUnsafeBufferPointer { edges in
            flows.groups.endpoints.withUnsafeBufferPointer { sizes in
                firstEndpoint.withUnsafeBufferPointer { first in
                    for edge in edges where !openOnly || edge.open & bit != 0 {
                        let peer = edge.peer.index
                        out.count += sizes[peer]
                        if edge.peer == g { out.includesOwnClass = true }
                        // Full, and this group's first endpoint comes after the last kept: none of it is kept.
                        if endpoints.count == limit, first[peer] >= endpoints[limit - 1].peer { continue }
                        for m in firstEndpoints[peer] {
                            if endpoints.count == limit, let last = endpoints.last, m >= last.peer { break }
                            endpoints.insert(
                                (m, edge.connection),
                                at: endpoints.firstIndex { m < $0.peer } ?? endpoints.count
                            )
                            if endpoints.count > limit { endpoints.removeLast() }
                        }
                    }
                }
            }
        }
        var candidates = endpoints.map {
            (name: result.peers[$0.peer].name, peer: PeerID($0.peer), connection: $0.connection)
        }
        for edge in inbound ? flows.externalIn[c] : flows.externalOut[c] where !openOnly || edge.open & bit != 0 {
            out.count += 1
            candidates.append((result.peers[edge.peer].name, edge.peer, edge.connection))
        }
        candidates.sort { $0.name < $1.name }
        out.first = candidates.prefix(limit).map { ($0.name, $0.peer, flows.connections[Int($0.connection)]) }
        return out
    }

    /// Evidence for endpoint `e` from its class's neighbors: the first flows, at most the limit, and how many more.
    func evidence(_ e: Int, _ neighbors: Neighbors, inbound: Bool) -> (count: Int, evidence: [Evidence]) {
        let count = neighbors.count - (neighbors.includesOwnClass ? 1 : 0)
        let name = result.peers[e].name
        var evidence: [Evidence] = neighbors.first.filter { $0.peer.index != e }.prefix(Auditor.evidenceLimit).map {
            inbound
                ? .flow(source: $0.name, destination: name, connections: $0.connections)
                : .flow(source: name, destination: $0.name, connections: $0.connections)
        }
        if count > evidence.count { evidence.append(.more(count - evidence.count)) }
        return (count, evidence)
    }

    /// The policies whose rules open class `c` in `direction` (those that only isolate it are left out), in policy
    /// order: the origins of the rules that govern it.
    func policies(selectingClass c: ClassID, _ direction: Direction) -> [NetworkPolicy] {
        Set(model.governing.of(direction)[c].compactMap { model.origin($0).policy }).sorted().map { model.policy($0) }
    }
}

extension AuditContext {
    /// The policy rule a compiled rule was compiled from.
    func rule(_ id: RuleID) -> PolicyRule { model.policyRule(id) }

    /// The address peers class `c` may send to, with the connections.
    func addressesReached(by c: ClassID) -> [(Peer, ConnectionSet)] {
        result.classFlows.externalOut[c].map {
            (result.peers[$0.peer], result.classFlows.connections[Int($0.connection)])
        }
    }
}
