import KubeModel
import Parallel

/// Finds where a cluster falls short of NetworkPolicy hardening (NSA/CISA guide, CIS benchmark).
package enum Auditor {
    /// The annotation that suppresses findings: `"<rule id>: <reason>"`, several separated by newlines or `;`.
    package static let ignoreAnnotation = IgnoreAnnotation.key

    /// How many example flows a finding lists as evidence.
    static let evidenceLimit = 5

    /// Audits an analyzed cluster.
    package static func audit(_ result: Reachability) -> AuditReport {
        var audit = Audit(result: result)
        audit.run()
        var active: [Finding] = []
        var suppressed: [Finding] = []
        for finding in audit.findings {
            if finding.suppression != nil { suppressed.append(finding) } else { active.append(finding) }
        }
        return AuditReport(findings: sort(active), suppressed: sort(suppressed), isolation: isolationMatrix(result))
    }

    private static func sort(_ findings: [Finding]) -> [Finding] {
        findings.sorted {
            let a = $0.locations.first ?? SourceLocation(file: "~", line: 0, column: 0)
            let b = $1.locations.first ?? SourceLocation(file: "~", line: 0, column: 0)
            return ($1.severity, a, $0.rule.id, $0.subject) < ($0.severity, b, $1.rule.id, $1.subject)
        }
    }

    /// The namespace matrix of `--isolation`.
    package static func isolationMatrix(_ result: Reachability) -> IsolationMatrix {
        let names = Array(Set(result.cluster.endpoints.map(\.namespace))).sorted()
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element, $0.offset) })
        var cells = Array(repeating: Array(repeating: ConnectionSet.none, count: names.count), count: names.count)
        let model = result.model
        for (s, edges) in result.classFlows.outbound.enumerated() {
            guard let i = index[model.classes[s].namespace] else { continue }
            for edge in edges {
                let d = Int(edge.peer)
                // A class of one endpoint reaching itself is no flow.
                if d == s, model.classes[s].members.count == 1 { continue }
                guard let j = index[model.classes[d].namespace] else { continue }
                cells[i][j].formUnion(result.classFlows.connections[Int(edge.connection)])
            }
        }
        let isolated = names.indices.filter { i in
            names.indices.allSatisfy { j in i == j || (cells[i][j].isEmpty && cells[j][i].isEmpty) }
        }.map { names[$0] }
        return IsolationMatrix(namespaces: names, connections: cells, isolated: names.count > 1 ? isolated : [])
    }

    /// Parses `netreach.io/ignore` into rule id → reason (entries separated by newlines or `;`); entries it
    /// cannot read are left out (the loader warns about them).
    package static func ignoredEntries(_ annotations: [String: String]) -> [String: String] {
        IgnoreAnnotation(annotations).reasons
    }
}

/// One side of the flows of an endpoint class: the peers it reaches (or that reach it), for evidence.
private struct Neighbors {
    /// The first peers by name, one more than the evidence shows (one may be the endpoint itself).
    var first: [(name: String, peer: Int, connections: ConnectionSet)] = []
    /// How many peers in all, counting each member of the class itself once if it is among them.
    var count = 0
    /// Whether the class reaches (or is reached by) its own members.
    var includesOwnClass = false
}

/// The state of one audit run. Everything is computed per endpoint class and stamped on its members, so the audit
/// never lists endpoint flows (it runs on 150,000 pods).
private struct Audit {
    let result: Reachability
    var findings: [Finding] = []
    let policiesByNamespace: [String: [Int]]
    /// Per direction and class, the policies selecting it (in policy order).
    let selecting: [Direction: [[Int]]]

    init(result: Reachability) {
        self.result = result
        var byNamespace: [String: [Int]] = [:]
        for (i, policy) in result.cluster.policies.enumerated() { byNamespace[policy.namespace, default: []].append(i) }
        policiesByNamespace = byNamespace
        selecting = result.model.selectingPolicies()
    }

    /// The peers that class `c` reaches (`inbound: false`) or that reach it, first ones by name.
    func neighbors(_ c: Int, inbound: Bool) -> Neighbors {
        let flows = result.classFlows
        let limit = Auditor.evidenceLimit + 1
        var out = Neighbors()
        var candidates: [(name: String, peer: Int, connections: ConnectionSet)] = []
        for edge in inbound ? flows.inbound[c] : flows.outbound[c] {
            let other = Int(edge.peer)
            let members = result.model.classes[other].members
            out.count += members.count
            if other == c { out.includesOwnClass = true }
            for m in members.prefix(limit) {
                candidates.append((result.peers[m].name, m, flows.connections[Int(edge.connection)]))
            }
        }
        for edge in inbound ? flows.externalIn[c] : flows.externalOut[c] {
            out.count += 1
            let peer = Int(edge.peer)
            candidates.append((result.peers[peer].name, peer, flows.connections[Int(edge.connection)]))
        }
        candidates.sort { $0.name < $1.name }
        out.first = Array(candidates.prefix(limit))
        return out
    }

    /// Evidence lines for endpoint `e` from its class's neighbors: `src => dst : conn`, at most the limit, and
    /// `… and N more`.
    func evidence(_ e: Int, _ neighbors: Neighbors, inbound: Bool) -> (count: Int, lines: [String]) {
        let count = neighbors.count - (neighbors.includesOwnClass ? 1 : 0)
        let name = result.peers[e].name
        var lines = neighbors.first.filter { $0.peer != e }.prefix(Auditor.evidenceLimit).map { other in
            inbound
                ? "\(other.name) => \(name) : \(other.connections)" : "\(name) => \(other.name) : \(other.connections)"
        }
        if count > lines.count { lines.append("… and \(count - lines.count) more") }
        return (count, lines)
    }

    var cluster: Cluster { result.cluster }

    mutating func run() {
        namespaces()
        endpoints()
        policies()
    }

    private mutating func add(
        _ rule: AuditRule,
        subject: String,
        _ message: String,
        fix: String,
        at locations: [SourceLocation?],
        evidence: [String] = [],
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
                suppression: Auditor.ignoredEntries(annotations)[rule.id]
            )
        )
    }

    // MARK: - Namespaces

    private mutating func namespaces() {
        var endpointsByNamespace: [String: [Int]] = [:]
        for (i, endpoint) in cluster.endpoints.enumerated() {
            endpointsByNamespace[endpoint.namespace, default: []].append(i)
        }
        for namespace in cluster.namespaces {
            guard let members = endpointsByNamespace[namespace.name] else { continue }
            let location = namespace.location ?? cluster.endpoints[members[0]].location
            let policies = (policiesByNamespace[namespace.name] ?? []).map { cluster.policies[$0] }
            let noun = members.count == 1 ? "workload" : "workloads"
            if policies.isEmpty {
                add(
                    .namespaceWithoutPolicy,
                    subject: "namespace '\(namespace.name)'",
                    "namespace '\(namespace.name)' has no NetworkPolicy: its \(members.count) \(noun) \(members.count == 1 ? "accepts" : "accept") connections from anywhere and may connect anywhere",
                    fix:
                        "add a default-deny NetworkPolicy to '\(namespace.name)' (podSelector: {}, policyTypes: [Ingress, Egress]) and allow only what each workload needs",
                    at: [location] + members.prefix(3).map { cluster.endpoints[$0].location },
                    evidence: members.map { cluster.endpoints[$0].id },
                    annotations: namespace.annotations
                )
                continue
            }
            for direction in Direction.allCases {
                let hasDefaultDeny = policies.contains { $0.podSelector.isEmpty && $0.policyTypes.contains(direction) }
                guard !hasDefaultDeny else { continue }
                let word = direction.rawValue.lowercased()
                add(
                    direction == .ingress ? .namespaceWithoutDefaultDenyIngress : .namespaceWithoutDefaultDenyEgress,
                    subject: "namespace '\(namespace.name)'",
                    "namespace '\(namespace.name)' has no default-deny for \(word): a pod that no policy selects for \(word) is open",
                    fix:
                        "add a NetworkPolicy to '\(namespace.name)' with podSelector: {} and policyTypes: [\(direction.rawValue)]"
                        + (direction == .egress ? ", then allow DNS and the calls each workload makes" : ""),
                    at: [location] + policies.prefix(3).map(\.location),
                    annotations: namespace.annotations
                )
            }
        }
    }

    // MARK: - Endpoints

    private mutating func endpoints() {
        let metadata = IPAddress("169.254.169.254").map { IPRange(family: .v4, bounds: $0.value...$0.value) }
        let model = result.model
        let allNamespaces = Set(cluster.endpoints.map(\.namespace))
        for (c, endpointClass) in model.classes.enumerated() {
            let hasPolicies = !(policiesByNamespace[endpointClass.namespace] ?? []).isEmpty
            let inbound = hasPolicies && !model.isolated.ingress[c] ? neighbors(c, inbound: true) : nil
            let outbound = hasPolicies && !model.isolated.egress[c] ? neighbors(c, inbound: false) : nil
            let exposure = model.isolated.ingress[c] ? exposureFacts(c, allNamespaces: allNamespaces) : nil
            let egress = egressFacts(c, metadata: metadata)
            for e in model.classes[c].members {
                let endpoint = cluster.endpoints[e]
                for (direction, side) in [(Direction.ingress, inbound), (.egress, outbound)] {
                    guard let side else { continue }
                    let (count, lines) = evidence(e, side, inbound: direction == .ingress)
                    let word = direction.rawValue.lowercased()
                    add(
                        direction == .ingress ? .ingressNotIsolated : .egressNotIsolated,
                        subject: endpoint.id,
                        "\(endpoint.id) is not selected by any NetworkPolicy for \(word): \(count) \(count == 1 ? "flow exists" : "flows exist") only because of that",
                        fix:
                            "select it with a NetworkPolicy in '\(endpoint.namespace)' that has policyTypes [\(direction.rawValue)] and allows only what it needs",
                        at: [endpoint.location],
                        evidence: lines,
                        annotations: endpoint.annotations
                    )
                }
                if endpoint.hostNetwork {
                    add(
                        .hostNetwork,
                        subject: endpoint.id,
                        "\(endpoint.id) runs with hostNetwork: true; NetworkPolicy may not apply to it",
                        fix: "remove hostNetwork: true unless the workload must use the node's network",
                        at: [endpoint.location],
                        annotations: endpoint.annotations
                    )
                }
                if let exposure { report(exposure, for: e) }
                report(egress, for: e)
            }
        }
    }

    private struct ExposureFacts {
        var otherNamespaces: Int
        var fromAllNamespaces: Bool
        var fromNamespaces = ConnectionSet.none
        var fromAnyAddress: Bool
        var addressConnections = ConnectionSet.none
        var policies: [NetworkPolicy]
    }

    /// What reaches an ingress-isolated class from other namespaces and from addresses.
    private func exposureFacts(_ c: Int, allNamespaces: Set<String>) -> ExposureFacts {
        let model = result.model
        let namespace = model.classes[c].namespace
        var reaching = Set<String>()
        var fromNamespaces = ConnectionSet.none
        for edge in result.classFlows.inbound[c] {
            let other = model.classes[Int(edge.peer)].namespace
            guard other != namespace else { continue }
            reaching.insert(other)
            fromNamespaces.formUnion(result.classFlows.connections[Int(edge.connection)])
        }
        var fromAddresses = IPSet()
        var addressConnections = ConnectionSet.none
        for edge in result.classFlows.externalIn[c] {
            if case .external(let set) = result.peers[Int(edge.peer)].kind { fromAddresses.formUnion(set) }
            addressConnections.formUnion(result.classFlows.connections[Int(edge.connection)])
        }
        let others = allNamespaces.subtracting([namespace])
        return ExposureFacts(
            otherNamespaces: others.count,
            fromAllNamespaces: others.count >= 2 && reaching == others,
            fromNamespaces: fromNamespaces,
            fromAnyAddress: IPSet.all([.v4]).isSubset(of: fromAddresses),
            addressConnections: addressConnections,
            policies: policies(selectingClass: c, .ingress)
        )
    }

    /// Rules that open an isolated endpoint to every namespace or every address.
    private mutating func report(_ facts: ExposureFacts, for e: Int) {
        let endpoint = cluster.endpoints[e]
        if facts.fromAllNamespaces {
            add(
                .reachableFromAllNamespaces,
                subject: endpoint.id,
                "\(endpoint.id) is reachable from every other namespace (\(facts.otherNamespaces)) on \(facts.fromNamespaces)",
                fix: "narrow the ingress rules of the policies selecting it to the namespaces that need it",
                at: [endpoint.location] + facts.policies.map(\.location),
                evidence: facts.policies.map { "selected by NetworkPolicy \($0.id)" },
                annotations: endpoint.annotations
            )
        }
        if facts.fromAnyAddress {
            add(
                .reachableFromAnyAddress,
                subject: endpoint.id,
                "\(endpoint.id) is reachable from any IPv4 address on \(facts.addressConnections)",
                fix: "if it is not meant to be public, restrict the 'from' of the ingress rules that allow it",
                at: [endpoint.location] + facts.policies.map(\.location),
                evidence: facts.policies.map { "selected by NetworkPolicy \($0.id)" },
                annotations: endpoint.annotations
            )
        }
    }

    private struct EgressFacts {
        var isolated: Bool
        /// The address peer and connections that include TCP 80 to 169.254.169.254.
        var metadata: (name: String, connections: ConnectionSet)?
        var kubelet: [(name: String, connections: ConnectionSet)] = []
        var toEveryAddressOnEveryPort: Bool
        var policies: [NetworkPolicy]
    }

    /// What a class may send to addresses outside the cluster.
    private func egressFacts(_ c: Int, metadata: IPRange?) -> EgressFacts {
        let isolated = result.model.isolated.egress[c]
        var facts = EgressFacts(
            isolated: isolated,
            toEveryAddressOnEveryPort: false,
            policies: policies(selectingClass: c, .egress)
        )
        var toAll = IPSet()
        var allPorts = true
        for edge in result.classFlows.externalOut[c] {
            guard case .external(let set) = result.peers[Int(edge.peer)].kind else { continue }
            let connections = result.classFlows.connections[Int(edge.connection)]
            let name = result.peers[Int(edge.peer)].name
            if let metadata, set.contains(metadata), connections[.tcp].contains(80...80) {
                facts.metadata = (name, connections)
            }
            if isolated, connections[.tcp].contains(10250...10250) { facts.kubelet.append((name, connections)) }
            toAll.formUnion(set)
            if !connections.allowsAll { allPorts = false }
        }
        facts.kubelet.sort { $0.name < $1.name }
        facts.toEveryAddressOnEveryPort = isolated && allPorts && IPSet.all([.v4]).isSubset(of: toAll)
        return facts
    }

    private mutating func report(_ facts: EgressFacts, for e: Int) {
        let endpoint = cluster.endpoints[e]
        let why = facts.isolated ? "a rule allows it" : "no NetworkPolicy selects it for egress"
        if let metadata = facts.metadata {
            add(
                .egressToCloudMetadata,
                subject: endpoint.id,
                "\(endpoint.id) may connect to the cloud metadata API 169.254.169.254 on TCP 80 (\(why))",
                fix: facts.isolated
                    ? "add 169.254.169.254/32 to the except list of the ipBlock that allows it"
                    : "isolate it for egress with a NetworkPolicy whose ipBlocks except 169.254.169.254/32",
                at: [endpoint.location] + facts.policies.map(\.location),
                evidence: ["\(endpoint.id) => \(metadata.name) : \(metadata.connections)"],
                annotations: endpoint.annotations
            )
        }
        if !facts.kubelet.isEmpty {
            var lines = facts.kubelet.prefix(Auditor.evidenceLimit).map {
                "\(endpoint.id) => \($0.name) : \($0.connections)"
            }
            if facts.kubelet.count > lines.count { lines.append("… and \(facts.kubelet.count - lines.count) more") }
            add(
                .egressToKubelet,
                subject: endpoint.id,
                "\(endpoint.id) may connect to the kubelet port TCP 10250 outside the cluster",
                fix: "remove TCP 10250 from the egress rules that allow it, or narrow their ipBlocks",
                at: [endpoint.location] + facts.policies.map(\.location),
                evidence: lines,
                annotations: endpoint.annotations
            )
        }
        if facts.toEveryAddressOnEveryPort {
            add(
                .egressToAnyAddress,
                subject: endpoint.id,
                "\(endpoint.id) may connect to every IPv4 address on every port although it is isolated for egress",
                fix: "limit the egress rules that allow it to the addresses and ports it needs",
                at: [endpoint.location] + facts.policies.map(\.location),
                evidence: facts.policies.map { "selected by NetworkPolicy \($0.id)" },
                annotations: endpoint.annotations
            )
        }
    }

    /// The policies whose rules open class `c` in `direction` (those that only isolate it are left out).
    private func policies(selectingClass c: Int, _ direction: Direction) -> [NetworkPolicy] {
        (selecting[direction]?[c] ?? []).filter { !(result.model.policyRules[$0][direction] ?? []).isEmpty }
            .map { cluster.policies[$0] }
    }

    // MARK: - Policies

    private mutating func policies() {
        var namespaceLabels: [String: [String: String]] = [:]
        for namespace in cluster.namespaces { namespaceLabels[namespace.name] = namespace.labels }
        let model = result.model
        let selecting = self.selecting
        let words = (model.classes.count + 63) / 64
        let ruleBits = model.rules.map { rule -> [UInt64] in
            var bits = [UInt64](repeating: 0, count: words)
            for (c, matches) in rule.matchesClass.enumerated() where matches { bits[c / 64] |= 1 << UInt64(c % 64) }
            return bits
        }
        // The shadowing test is the audit's costliest part and independent per policy: run it on every core.
        let audit = self
        let covering = Parallel.map(cluster.policies.count) { p -> [Int]? in
            let policy = audit.cluster.policies[p]
            guard !model.policySelection[p].isEmpty, !audit.isDefaultDeny(policy) else { return nil }
            return audit.coveringPolicies(p, selecting: selecting, ruleBits: ruleBits)
        }
        for (p, policy) in cluster.policies.enumerated() {
            if result.model.policySelection[p].isEmpty {
                add(
                    .policySelectsNothing,
                    subject: "NetworkPolicy \(policy.id)",
                    "NetworkPolicy \(policy.id) selects no endpoint in namespace '\(policy.namespace)'",
                    fix:
                        "check spec.podSelector against the labels of the workloads in '\(policy.namespace)', or remove the policy",
                    at: [policy.location],
                    annotations: policy.annotations
                )
            } else if let covering = covering[p].map({ $0.map { cluster.policies[$0] } }) {
                add(
                    .policyShadowed,
                    subject: "NetworkPolicy \(policy.id)",
                    "NetworkPolicy \(policy.id) changes no flow: removing it leaves every flow as it is, because "
                        + "\(covering.map(\.id).joined(separator: ", ")) already "
                        + (covering.count == 1 ? "isolates and allows" : "isolate and allow") + " the same",
                    fix: "remove it, or merge its rules into the covering policies",
                    at: [policy.location] + covering.map(\.location),
                    evidence: covering.map { "covered by NetworkPolicy \($0.id)" },
                    annotations: policy.annotations
                )
            }
            for direction in Direction.allCases where policy.policyTypes.contains(direction) {
                for (r, rule) in policy.rules(direction).enumerated() {
                    for (q, peer) in (rule.peers ?? []).enumerated() {
                        guard case .pods(let podSelector, let namespaceSelector) = peer else { continue }
                        // Endpoints of a class share namespace and labels: checking the classes is enough.
                        let matches = model.classes.contains { endpointClass in
                            let inNamespace =
                                namespaceSelector.map { $0.matches(namespaceLabels[endpointClass.namespace] ?? [:]) }
                                ?? (endpointClass.namespace == policy.namespace)
                            return inNamespace && (podSelector?.matches(endpointClass.labels) ?? true)
                        }
                        guard !matches else { continue }
                        let field =
                            "spec.\(direction.rawValue.lowercased())[\(r)].\(direction == .ingress ? "from" : "to")[\(q)]"
                        add(
                            .peerMatchesNothing,
                            subject: "NetworkPolicy \(policy.id)",
                            "\(field) of NetworkPolicy \(policy.id) matches no endpoint, so it allows nothing",
                            fix: "check the selector's labels against the workloads and namespaces it should match",
                            at: [rule.location ?? policy.location],
                            annotations: policy.annotations
                        )
                    }
                }
            }
        }
    }

    /// A default-deny (`podSelector: {}` without rules) guards pods that do not exist yet; it is never "shadowed".
    private func isDefaultDeny(_ policy: NetworkPolicy) -> Bool {
        policy.podSelector.isEmpty && policy.ingress.isEmpty && policy.egress.isEmpty
    }

    /// The other policies that make `p` redundant, or nil when removing `p` would change some flow.
    ///
    /// Removing `p` changes nothing when, for every class it selects, each of its own rules is covered: whatever
    /// the rule lets through from a peer, the other rules selecting that class let through too. Most of that is
    /// settled with class bitsets (another rule whose connections include the rule's covers all its peers at
    /// once); only the peers and address atoms left over are compared one by one.
    private func coveringPolicies(_ p: Int, selecting: [Direction: [[Int]]], ruleBits: [[UInt64]]) -> [Int]? {
        let model = result.model
        let policy = cluster.policies[p]
        var covering = Set<Int>()
        for direction in Direction.allCases where policy.policyTypes.contains(direction) {
            let ownRules = model.policyRules[p][direction] ?? []
            let own = Set(ownRules)
            for c in model.policySelection[p] {
                let all = model.governing[direction][c]
                let others = all.filter { !own.contains($0) }
                let coveringHere = (selecting[direction]?[c] ?? []).filter { $0 != p }
                // Without another policy selecting c in this direction, removing p would lift the isolation.
                guard !coveringHere.isEmpty else { return nil }
                let withRules = coveringHere.filter { !(model.policyRules[$0][direction] ?? []).isEmpty }
                covering.formUnion(withRules.isEmpty ? coveringHere : withRules)
                for r in ownRules {
                    let rule = model.rules[r]
                    var remaining = ruleBits[r]
                    var remainingAddresses = rule.addresses
                    if let fixed = rule.fixedConnections {
                        for o in others {
                            guard let theirs = model.rules[o].fixedConnections, fixed.isSubset(of: theirs) else {
                                continue
                            }
                            for w in remaining.indices { remaining[w] &= ~ruleBits[o][w] }
                            remainingAddresses = remainingAddresses.subtracting(model.rules[o].addresses)
                        }
                    }
                    for (w, word) in remaining.enumerated() where word != 0 {
                        var bits = word
                        while bits != 0 {
                            let peer = w * 64 + bits.trailingZeroBitCount
                            bits &= bits - 1
                            let destination = direction == .ingress ? c : peer
                            let mine = model.connections(rule, destinationClass: destination)
                            guard !mine.isEmpty else { continue }
                            if !mine.isSubset(
                                of: model.union(others, matching: peer, destination: destination) ?? .none
                            ) {
                                return nil
                            }
                        }
                    }
                    guard !remainingAddresses.isEmpty else { continue }
                    let destination: Int? = direction == .ingress ? c : nil
                    let mine = model.connections(rule, destinationClass: destination)
                    guard !mine.isEmpty else { continue }
                    for a in model.atomIntervals(remainingAddresses).joined() {
                        if !mine.isSubset(of: model.union(others, atom: model.atoms[a], destination: destination)) {
                            return nil
                        }
                    }
                }
            }
        }
        return covering.sorted()
    }
}
