import KubeModel
import Manifests
import Reachability
import Testing

/// A deterministic pseudo-random generator (SplitMix64), so every failing seed can be replayed.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A random small cluster as YAML: namespaces with labels, pods with labels and named ports, and policies with
/// every kind of selector, peer, port and policyTypes combination the semantics cover.
private func randomCluster(seed: UInt64) -> String {
    var rng = SplitMix(state: seed)
    func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }
    func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    let namespaces = ["a", "b", "c"].prefix(Int.random(in: 2...3, using: &rng))
    let apps = ["web", "api", "db"]
    let tiers = ["front", "back"]
    var yaml = ""
    for ns in namespaces {
        yaml += "apiVersion: v1\nkind: Namespace\nmetadata: {name: \(ns), labels: {team: \(pick(["x", "y"]))}}\n---\n"
    }
    for i in 0..<Int.random(in: 3...7, using: &rng) {
        var labels = ["app: \(pick(apps))"]
        if chance(0.6) { labels.append("tier: \(pick(tiers))") }
        var ports: [String] = []
        if chance(0.7) { ports.append("{name: http, containerPort: \(pick([80, 8080]))}") }
        if chance(0.4) { ports.append("{name: dns, containerPort: 53, protocol: UDP}") }
        if chance(0.3) { ports.append("{name: http, containerPort: 9000, protocol: SCTP}") }
        yaml += """
            apiVersion: v1
            kind: Pod
            metadata: {name: p\(i), namespace: \(pick(Array(namespaces))), labels: {\(labels.joined(separator: ", "))}}
            spec: {containers: [{name: c, ports: [\(ports.joined(separator: ", "))]}]}
            ---

            """
    }
    func selector() -> String {
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: return "{}"
        case 1: return "{matchLabels: {app: \(pick(apps))}}"
        case 2: return "{matchExpressions: [{key: tier, operator: \(pick(["Exists", "DoesNotExist"]))}]}"
        case 3:
            return
                "{matchExpressions: [{key: app, operator: \(pick(["In", "NotIn"])), values: [\(pick(apps)), \(pick(apps))]}]}"
        default:
            return
                "{matchLabels: {tier: \(pick(tiers))}, matchExpressions: [{key: app, operator: NotIn, values: [db]}]}"
        }
    }
    func peer() -> String {
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: return "{podSelector: \(selector())}"
        case 1: return "{namespaceSelector: {matchLabels: {team: \(pick(["x", "y"]))}}}"
        case 2: return "{namespaceSelector: {}, podSelector: \(selector())}"
        case 3:
            let b = Int.random(in: 0...3, using: &rng)
            return "{ipBlock: {cidr: 10.\(b).0.0/16, except: [10.\(b).\(Int.random(in: 0...3, using: &rng)).0/24]}}"
        default: return "{ipBlock: {cidr: \(pick(["0.0.0.0/0", "192.168.0.0/16", "172.16.0.0/12"]))}}"
        }
    }
    func ports() -> String? {
        guard chance(0.7) else { return nil }
        let options = [
            "{port: 80}", "{port: http}", "{protocol: UDP, port: dns}", "{protocol: UDP}",
            "{port: 8000, endPort: 8100}",
            "{protocol: SCTP, port: http}", "{port: 53, protocol: UDP}",
        ]
        return "[" + (0..<Int.random(in: 1...2, using: &rng)).map { _ in pick(options) }.joined(separator: ", ") + "]"
    }
    func rules(_ key: String) -> String {
        if chance(0.15) { return "[]" }
        let rules = (0..<Int.random(in: 1...2, using: &rng)).map { _ -> String in
            var parts: [String] = []
            if chance(0.85) {
                parts.append(
                    "\(key): [" + (0..<Int.random(in: 1...2, using: &rng)).map { _ in peer() }.joined(separator: ", ")
                        + "]"
                )
            }
            if let ports = ports() { parts.append("ports: \(ports)") }
            return "{" + parts.joined(separator: ", ") + "}"
        }
        return "[" + rules.joined(separator: ", ") + "]"
    }
    for i in 0..<Int.random(in: 1...5, using: &rng) {
        var spec = ["podSelector: \(selector())"]
        let hasIngress = chance(0.7)
        let hasEgress = chance(0.5)
        if hasIngress { spec.append("ingress: \(rules("from"))") }
        if hasEgress { spec.append("egress: \(rules("to"))") }
        if chance(0.5) {
            let types = [hasIngress || chance(0.3) ? "Ingress" : nil, hasEgress || chance(0.3) ? "Egress" : nil]
                .compactMap { $0 }
            spec.append("policyTypes: [\(types.joined(separator: ", "))]")
        }
        yaml += """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: np\(i), namespace: \(pick(Array(namespaces)))}
            spec: {\(spec.joined(separator: ", "))}
            ---

            """
    }
    return yaml
}

/// The semantics of DESIGN.md applied literally, one pair at a time, with no classes, atoms or caches.
private struct Reference {
    let cluster: Cluster

    func namespaceLabels(_ name: String) -> [String: String] {
        cluster.namespaces.first { $0.name == name }?.labels ?? [Namespace.nameLabel: name]
    }

    /// What `rule`'s ports allow towards a destination with these container ports (external: none).
    func ports(_ rule: PolicyRule, destination: [ContainerPort]) -> ConnectionSet {
        guard let ports = rule.ports else { return .all }
        var out = ConnectionSet.none
        for port in ports {
            switch port.port {
            case nil: out.formUnion(ConnectionSet(port.networkProtocol, .allPorts))
            case .number(let n): out.formUnion(ConnectionSet(port.networkProtocol, PortSet(n...(port.endPort ?? n))))
            case .named(let name):
                for c in destination where c.name == name && c.networkProtocol == port.networkProtocol {
                    out.formUnion(ConnectionSet(port.networkProtocol, PortSet(c.number...c.number)))
                }
            }
        }
        return out
    }

    /// Whether a rule's peers admit `peer` (an endpoint or an address) for a policy in `namespace`.
    func admits(_ rule: PolicyRule, namespace: String, endpoint: Endpoint?, address: IPAddress?) -> Bool {
        guard let peers = rule.peers else { return true }
        return peers.contains { peer in
            switch peer {
            case .pods(let pods, let namespaces):
                guard let endpoint else { return false }
                let inNamespace =
                    namespaces.map { $0.matches(namespaceLabels(endpoint.namespace)) }
                    ?? (endpoint.namespace == namespace)
                return inNamespace && (pods?.matches(endpoint.labels) ?? true)
            case .ipBlock(let block):
                guard let address else { return false }
                let inside = { (cidr: CIDR) in
                    cidr.family == address.family && cidr.lower <= address.value && address.value <= cidr.upper
                }
                return inside(block.cidr) && !block.except.contains(where: inside)
            }
        }
    }

    /// What `governed` allows in `direction` with `peer`; `.all` when no policy isolates it that way.
    func side(_ governed: Endpoint, _ direction: Direction, peer: Endpoint?, address: IPAddress?) -> ConnectionSet {
        let policies = cluster.policies.filter {
            $0.namespace == governed.namespace && $0.podSelector.matches(governed.labels)
                && $0.policyTypes.contains(direction)
        }
        guard !policies.isEmpty else { return .all }
        var out = ConnectionSet.none
        for policy in policies {
            for rule in policy.rules(direction)
            where admits(rule, namespace: policy.namespace, endpoint: peer, address: address) {
                // Named ports resolve on the destination: the governed pod for ingress, the peer for egress.
                let destination = direction == .ingress ? governed.ports : (peer?.ports ?? [])
                out.formUnion(ports(rule, destination: destination))
            }
        }
        return out
    }

    func pair(_ a: Endpoint, _ b: Endpoint) -> ConnectionSet {
        side(a, .egress, peer: b, address: nil).intersection(side(b, .ingress, peer: a, address: nil))
    }
}

@Test(arguments: 0..<150)
func classEngineAgreesWithThePerPairReference(seed: Int) throws {
    let yaml = randomCluster(seed: UInt64(seed) &* 7919 &+ 17)
    let cluster = try ManifestLoader.load(bytes: Array(yaml.utf8), name: "random.yaml").cluster
    let result = PolicyEngine(cluster: cluster).analyze()
    let reference = Reference(cluster: cluster)
    var engine: [String: ConnectionSet] = [:]
    for flow in result.flows {
        engine["\(result.peers[flow.source].name) -> \(result.peers[flow.destination].name)"] = flow.connections
    }
    for a in cluster.endpoints {
        for b in cluster.endpoints where a != b {
            let expected = reference.pair(a, b)
            let actual = engine["\(a.id) -> \(b.id)"] ?? .none
            #expect(actual == expected, "seed \(seed): \(a.id) -> \(b.id)\n\(yaml)")
        }
    }
    // Addresses: every ipBlock boundary and its neighbours, and a few fixed ones.
    var samples = ["0.0.0.0", "8.8.8.8", "255.255.255.255"].compactMap { IPAddress($0) }
    for policy in cluster.policies {
        for rule in policy.ingress + policy.egress {
            for case .ipBlock(let block) in rule.peers ?? [] {
                for cidr in [block.cidr] + block.except {
                    for value in [cidr.lower, cidr.upper] + (cidr.lower > 0 ? [cidr.lower - 1] : [])
                        + (cidr.upper < cidr.family.maxAddress ? [cidr.upper + 1] : [])
                    {
                        samples.append(IPAddress(family: cidr.family, value: value))
                    }
                }
            }
        }
    }
    func engineConnections(from source: Int?, to destination: Int?, address: IPAddress) -> ConnectionSet {
        for flow in result.flows {
            let endpointSide = source ?? destination
            let endpointPeer = source != nil ? flow.source : flow.destination
            let addressPeer = source != nil ? flow.destination : flow.source
            guard endpointPeer == endpointSide, case .external(let set) = result.peers[addressPeer].kind else {
                continue
            }
            if set[address.family].contains(address.value...address.value) { return flow.connections }
        }
        return .none
    }
    for (e, endpoint) in cluster.endpoints.enumerated() {
        for address in samples {
            let egress = reference.side(endpoint, .egress, peer: nil, address: address)
            #expect(
                engineConnections(from: e, to: nil, address: address) == egress,
                "seed \(seed): \(endpoint.id) -> \(address)"
            )
            let ingress = reference.side(endpoint, .ingress, peer: nil, address: address)
            #expect(
                engineConnections(from: nil, to: e, address: address) == ingress,
                "seed \(seed): \(address) -> \(endpoint.id)"
            )
        }
    }
}
