import KubeModel
import Manifests
import TestSupport
import Testing

@testable import Reachability

// The reference for the engine (issue 11), independent of it. The random cluster is generated as plain values, written
// as YAML for netreach, and evaluated here straight from those values: its own selector matching, its own
// policyTypes default, its own address containment, and connections as plain sets of ports per protocol. Nothing
// of the engine (or of the model netreach loads) is reused, so a bug there cannot hide in both.

private typealias Generator = SplitMix

private struct Selector {
    var matchLabels: [(String, String)] = []
    var expressions: [(key: String, op: String, values: [String])] = []

    var yaml: String {
        var parts: [String] = []
        if !matchLabels.isEmpty {
            parts.append("matchLabels: {" + matchLabels.map { "\($0): \($1)" }.joined(separator: ", ") + "}")
        }
        if !expressions.isEmpty {
            let items = expressions.map { e in
                "{key: \(e.key), operator: \(e.op)"
                    + (e.values.isEmpty ? "" : ", values: [\(e.values.joined(separator: ", "))]") + "}"
            }
            parts.append("matchExpressions: [" + items.joined(separator: ", ") + "]")
        }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    /// Kubernetes' rules, written out: every matchLabels pair, then every expression.
    func matches(_ labels: [String: String]) -> Bool {
        for (key, value) in matchLabels where labels[key] != value { return false }
        for e in expressions {
            let value = labels[e.key]
            switch e.op {
            case "In": if value == nil || !e.values.contains(value ?? "") { return false }
            case "NotIn": if let value, e.values.contains(value) { return false }
            case "Exists": if value == nil { return false }
            default: if value != nil { return false }  // DoesNotExist
            }
        }
        return true
    }
}

private enum Peer {
    case pods(pod: Selector?, namespace: Selector?)
    case block(cidr: String, except: [String])
}

private struct Port {
    var proto: String?  // nil: not written (TCP)
    var number: Int?
    var name: String?
    var endPort: Int?

    var yaml: String {
        var parts: [String] = []
        if let proto { parts.append("protocol: \(proto)") }
        if let number { parts.append("port: \(number)") }
        if let name { parts.append("port: \(name)") }
        if let endPort { parts.append("endPort: \(endPort)") }
        return "{" + parts.joined(separator: ", ") + "}"
    }
}

private struct Rule {
    var peers: [Peer]?
    var ports: [Port]?
}

private struct Policy {
    var name: String
    var namespace: String
    var podSelector: Selector
    var ingress: [Rule]?
    var egress: [Rule]?
    var types: [String]?

    /// policyTypes as Kubernetes defaults it: Ingress, plus Egress when there are egress rules.
    var effectiveTypes: Set<String> {
        if let types { return Set(types) }
        return (egress ?? []).isEmpty ? ["Ingress"] : ["Ingress", "Egress"]
    }
}

private struct Pod {
    var name: String
    var namespace: String
    var labels: [(String, String)]
    var ports: [(name: String, number: Int, proto: String)]
    /// `status.podIP(s)`: the pod's own IPs, or its node's for a host-network pod.
    var ips: [String] = []
    var hostNetwork = false
    var nodeIP: String?

    var labelMap: [String: String] { Dictionary(labels, uniquingKeysWith: { $1 }) }
}

/// The ports of one protocol: every one, or a set.
private enum Ports: Equatable {
    case all
    case only(Set<Int>)
}

/// Per protocol (absent: none) the ports allowed.
private typealias Connections = [String: Ports]
private let protocols = ["TCP", "UDP", "SCTP"]
private let everything: Connections = ["TCP": .all, "UDP": .all, "SCTP": .all]

private func union(_ a: Connections, _ b: Connections) -> Connections {
    a.merging(b) { x, y in
        switch (x, y) {
        case (.only(let p), .only(let q)): return .only(p.union(q))
        default: return .all
        }
    }
}

private func intersection(_ a: Connections, _ b: Connections) -> Connections {
    var out: Connections = [:]
    for proto in protocols {
        guard let x = a[proto], let y = b[proto] else { continue }
        switch (x, y) {
        case (.all, let other), (let other, .all): out[proto] = other
        case (.only(let p), .only(let q)): out[proto] = .only(p.intersection(q))
        }
    }
    return out
}

/// The text netreach prints for a connection set.
private func text(_ c: Connections) -> String {
    let present = c.filter { if case .only(let ports) = $0.value { return !ports.isEmpty } else { return true } }
    if present.isEmpty { return "No Connections" }
    if protocols.allSatisfy({ present[$0] == .all }) { return "All Connections" }
    return protocols.compactMap { proto -> String? in
        guard let entry = present[proto] else { return nil }
        guard case .only(let ports) = entry else { return "\(proto) 1-65535" }
        var ranges: [String] = []
        var rest = ports.sorted()[...]
        while let first = rest.first {
            var last = first
            rest = rest.dropFirst()
            while rest.first == last + 1 {
                last += 1
                rest = rest.dropFirst()
            }
            ranges.append(first == last ? "\(first)" : "\(first)-\(last)")
        }
        return "\(proto) " + ranges.joined(separator: ",")
    }.joined(separator: "; ")
}

private struct RandomCluster {
    var namespaces: [(name: String, labels: [(String, String)])] = []
    var pods: [Pod] = []
    var policies: [Policy] = []
    /// The network-plugin settings the cluster is read with, chosen by the seed.
    var settings = EngineSettings()

    init(seed: UInt64) {
        var g = Generator(state: seed)
        let plugin = NetworkPlugin.allCases[Int(seed % UInt64(NetworkPlugin.allCases.count))]
        settings = EngineSettings(
            plugin: plugin,
            ipBlockMatchesPods: seed % 11 == 0 ? true : nil,
            ipBlockMatchesNodes: seed % 3 == 0 ? seed % 2 == 0 : nil
        )
        let wide = seed % 7 == 0  // more than 64 classes: one distinct label per pod
        let names = ["a", "b", "c"]
        let defined = g.count(1...3)
        for name in names.prefix(defined) { namespaces.append((name, [("team", g.pick(["x", "y"]))])) }
        let apps = ["web", "api", "db"]
        for i in 0..<(wide ? 70 : g.count(3...8)) {
            var labels = [("app", g.pick(apps))]
            if g.chance(0.6) { labels.append(("tier", g.pick(["front", "back"]))) }
            if wide { labels.append(("id", "p\(i)")) }
            var ports: [(String, Int, String)] = []
            if g.chance(0.7) { ports.append(("http", g.pick([80, 8080]), "TCP")) }
            if g.chance(0.4) { ports.append(("dns", 53, "UDP")) }
            if g.chance(0.3) { ports.append(("http", 9000, "SCTP")) }
            // Some pods live in a namespace the input does not define.
            var pod = Pod(name: "p\(i)", namespace: g.pick(names), labels: labels, ports: ports)
            // Addresses from a live-cluster dump: pod IPs inside and outside the ipBlocks, host-network pods on the
            // node addresses, and pods without an IP (manifests from git).
            let node = "\(g.pick(["192.168", "172.16"])).\(g.count(0...1)).\(g.count(1...9))"
            if g.chance(0.15) {
                pod.hostNetwork = true
                pod.nodeIP = node
                pod.ips = g.chance(0.8) ? [node] : []
            } else if g.chance(0.75) {
                pod.nodeIP = node
                pod.ips = ["10.\(g.count(0...3)).\(g.count(0...7)).\(g.count(1...9))"]
                if g.chance(0.3) { pod.ips.append("fd00:\(g.count(1...4))::\(g.count(1...9))") }
            }
            pods.append(pod)
        }
        func selector() -> Selector {
            var s = Selector()
            switch g.count(0...5) {
            case 0: break
            case 1: s.matchLabels = [("app", g.pick(apps))]
            case 2: s.expressions = [("tier", g.pick(["Exists", "DoesNotExist"]), [])]
            case 3: s.expressions = [("app", g.pick(["In", "NotIn"]), [g.pick(apps), g.pick(apps)])]
            case 4: s.expressions = [("tier", g.pick(["In", "NotIn"]), [g.pick(["front", "back"])])]
            default:
                s.matchLabels = [("tier", g.pick(["front", "back"]))]
                s.expressions = [("app", "NotIn", ["db"]), ("app", "Exists", [])]
            }
            return s
        }
        func peer() -> Peer {
            switch g.count(0...6) {
            case 0: return .pods(pod: selector(), namespace: nil)
            case 1:
                var ns = Selector()
                ns.matchLabels = [("team", g.pick(["x", "y"]))]
                return .pods(pod: nil, namespace: ns)
            case 2: return .pods(pod: selector(), namespace: g.chance(0.5) ? Selector() : nil)
            case 3:
                var ns = Selector()
                ns.matchLabels = [(Namespace.nameLabel, g.pick(names))]
                return .pods(pod: selector(), namespace: ns)
            case 4:
                let b = g.count(0...3)
                let excepts = (0..<g.count(0...3)).map { _ in "10.\(b).\(g.count(0...7)).0/24" }
                return .block(cidr: "10.\(b).0.0/16", except: Array(Set(excepts)).sorted())
            case 5:
                let excepts = (0..<g.count(0...2)).map { _ in "fd00:\(g.count(1...4))::/32" }
                return .block(cidr: g.pick(["fd00::/16", "::/0"]), except: Array(Set(excepts)).sorted())
            default:
                return .block(cidr: g.pick(["0.0.0.0/0", "192.168.0.0/16", "172.16.0.0/12"]), except: [])
            }
        }
        func ports() -> [Port]? {
            guard g.chance(0.7) else { return nil }
            let options = [
                Port(number: 80), Port(name: "http"), Port(proto: "UDP", name: "dns"), Port(proto: "UDP"),
                Port(number: 8000, endPort: 8100), Port(proto: "SCTP", name: "http"), Port(proto: "UDP", number: 53),
                Port(proto: "TCP", number: 8080), Port(proto: "SCTP"),
            ]
            return (0..<g.count(1...2)).map { _ in g.pick(options) }
        }
        func rules() -> [Rule] {
            if g.chance(0.15) { return [] }
            return (0..<g.count(1...2)).map { _ in
                Rule(peers: g.chance(0.85) ? (0..<g.count(1...2)).map { _ in peer() } : nil, ports: ports())
            }
        }
        for i in 0..<g.count(1...6) {
            var policy = Policy(name: "np\(i)", namespace: g.pick(names), podSelector: selector())
            if g.chance(0.7) { policy.ingress = rules() }
            if g.chance(0.5) { policy.egress = rules() }
            if g.chance(0.5) {
                policy.types = [
                    policy.ingress != nil || g.chance(0.3) ? "Ingress" : nil,
                    policy.egress != nil || g.chance(0.3) ? "Egress" : nil,
                ].compactMap { $0 }
            }
            policies.append(policy)
        }
    }

    var yaml: String {
        var out = ""
        for ns in namespaces {
            let labels = ns.labels.map { "\($0): \($1)" }.joined(separator: ", ")
            out += "apiVersion: v1\nkind: Namespace\nmetadata: {name: \(ns.name), labels: {\(labels)}}\n---\n"
        }
        for pod in pods {
            let labels = pod.labels.map { "\($0): \($1)" }.joined(separator: ", ")
            let ports = pod.ports.map { "{name: \($0.name), containerPort: \($0.number), protocol: \($0.proto)}" }
            out +=
                "apiVersion: v1\nkind: Pod\nmetadata: {name: \(pod.name), namespace: \(pod.namespace), labels: {\(labels)}}\n"
            out +=
                "spec: {\(pod.hostNetwork ? "hostNetwork: true, " : "")containers: [{name: c, ports: [\(ports.joined(separator: ", "))]}]}\n"
            var status: [String] = []
            if let first = pod.ips.first {
                status.append("podIP: '\(first)', podIPs: [\(pod.ips.map { "{ip: '\($0)'}" }.joined(separator: ", "))]")
            }
            if let node = pod.nodeIP { status.append("hostIP: '\(node)'") }
            out += (status.isEmpty ? "" : "status: {\(status.joined(separator: ", "))}\n") + "---\n"
        }
        func rules(_ rules: [Rule], _ key: String) -> String {
            "["
                + rules.map { rule -> String in
                    var parts: [String] = []
                    if let peers = rule.peers {
                        let items = peers.map { peer -> String in
                            switch peer {
                            case .pods(let pod, let namespace):
                                return "{"
                                    + [
                                        pod.map { "podSelector: \($0.yaml)" },
                                        namespace.map { "namespaceSelector: \($0.yaml)" },
                                    ]
                                    .compactMap { $0 }.joined(separator: ", ") + "}"
                            case .block(let cidr, let except):
                                return "{ipBlock: {cidr: '\(cidr)'"
                                    + (except.isEmpty
                                        ? "" : ", except: [\(except.map { "'\($0)'" }.joined(separator: ", "))]") + "}}"
                            }
                        }
                        parts.append("\(key): [" + items.joined(separator: ", ") + "]")
                    }
                    if let ports = rule.ports {
                        parts.append("ports: [" + ports.map(\.yaml).joined(separator: ", ") + "]")
                    }
                    return "{" + parts.joined(separator: ", ") + "}"
                }.joined(separator: ", ") + "]"
        }
        for policy in policies {
            var spec = ["podSelector: \(policy.podSelector.yaml)"]
            if let ingress = policy.ingress { spec.append("ingress: " + rules(ingress, "from")) }
            if let egress = policy.egress { spec.append("egress: " + rules(egress, "to")) }
            if let types = policy.types { spec.append("policyTypes: [\(types.joined(separator: ", "))]") }
            out +=
                "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: \(policy.name), namespace: \(policy.namespace)}\n"
            out += "spec: {\(spec.joined(separator: ", "))}\n---\n"
        }
        return out
    }

    func namespaceLabels(_ name: String) -> [String: String] {
        var labels = Dictionary(namespaces.first { $0.name == name }?.labels ?? [], uniquingKeysWith: { $1 })
        labels[Namespace.nameLabel] = name
        return labels
    }

    /// An address as (IPv6?, value); a CIDR as (IPv6?, first, last), computed here.
    static func cidr(_ text: String) -> (v6: Bool, low: UInt128, high: UInt128) {
        let parts = text.split(separator: "/")
        let prefix = Int(parts[1]) ?? 0
        let (v6, value) = address(String(parts[0]))
        let bits = v6 ? 128 : 32
        let hostBits = bits - prefix
        let mask: UInt128 = hostBits == 128 ? ~0 : ((1 << UInt128(hostBits)) - 1)
        return (v6, value & ~mask, value | mask)
    }

    static func address(_ text: String) -> (v6: Bool, value: UInt128) {
        if !text.contains(":") {
            return (false, text.split(separator: ".").reduce(UInt128(0)) { $0 << 8 | UInt128(Int($1) ?? 0) })
        }
        let halves = text.components(separatedBy: "::")
        let head = halves[0].split(separator: ":").map { UInt128(Int($0, radix: 16) ?? 0) }
        let tail = halves.count > 1 ? halves[1].split(separator: ":").map { UInt128(Int($0, radix: 16) ?? 0) } : []
        let groups = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        return (true, groups.reduce(UInt128(0)) { $0 << 16 | $1 })
    }

    /// Whether the network plugin leaves a pod out of every policy (README's profile table, written out again).
    func ungoverned(_ pod: Pod) -> Bool {
        pod.hostNetwork && settings.plugin != .generic
    }

    /// The addresses an ipBlock matches a pod by: its own IPs with `ipBlockMatchesPods`, a host-network pod's
    /// node address with `ipBlockMatchesNodes`.
    func matchedAddresses(_ pod: Pod) -> [(v6: Bool, value: UInt128)] {
        if pod.hostNetwork {
            return settings.ipBlockMatchesNodes ? (pod.ips + [pod.nodeIP].compactMap { $0 }).map(Self.address) : []
        }
        return settings.ipBlockMatchesPods ? pod.ips.map(Self.address) : []
    }

    func admits(_ rule: Rule, policy: Policy, pod: Pod?, address: (v6: Bool, value: UInt128)?) -> Bool {
        guard let peers = rule.peers else { return true }
        return peers.contains { peer in
            switch peer {
            case .pods(let podSelector, let namespaceSelector):
                guard let pod, !ungoverned(pod) else { return false }
                let inNamespace =
                    namespaceSelector.map { $0.matches(namespaceLabels(pod.namespace)) }
                    ?? (pod.namespace == policy.namespace)
                return inNamespace && (podSelector?.matches(pod.labelMap) ?? true)
            case .block(let cidr, let except):
                let addresses = address.map { [$0] } ?? pod.map(matchedAddresses) ?? []
                return addresses.contains { address in
                    let inside = { (text: String) -> Bool in
                        let c = Self.cidr(text)
                        return c.v6 == address.v6 && c.low <= address.value && address.value <= c.high
                    }
                    return inside(cidr) && !except.contains(where: inside)
                }
            }
        }
    }

    func ports(_ rule: Rule, destination: [(name: String, number: Int, proto: String)]) -> Connections {
        guard let ports = rule.ports else { return everything }
        var out: Connections = [:]
        for port in ports {
            let proto = port.proto ?? "TCP"
            if let number = port.number {
                out = union(out, [proto: .only(Set(number...(port.endPort ?? number)))])
            } else if let name = port.name {
                let numbers = destination.filter { $0.name == name && $0.proto == proto }.map(\.number)
                if !numbers.isEmpty { out = union(out, [proto: .only(Set(numbers))]) }
            } else {
                out = union(out, [proto: .all])
            }
        }
        return out
    }

    func side(_ governed: Pod, _ direction: String, peer: Pod?, address: (v6: Bool, value: UInt128)?) -> Connections {
        if ungoverned(governed) { return everything }
        let selecting = policies.filter {
            $0.namespace == governed.namespace && $0.podSelector.matches(governed.labelMap)
                && $0.effectiveTypes.contains(direction)
        }
        guard !selecting.isEmpty else { return everything }
        var out: Connections = [:]
        for policy in selecting {
            for rule in (direction == "Ingress" ? policy.ingress : policy.egress) ?? []
            where admits(rule, policy: policy, pod: peer, address: address) {
                let destination = direction == "Ingress" ? governed.ports : (peer?.ports ?? [])
                out = union(out, ports(rule, destination: destination))
            }
        }
        return out
    }
}

@Test(arguments: 0..<120)
func theEngineAgreesWithAnIndependentReference(seed: Int) throws {
    let random = RandomCluster(seed: UInt64(seed) &* 104_729 &+ 3)
    let yaml = random.yaml
    let cluster = try ManifestLoader.load(bytes: Array(yaml.utf8), name: "random.yaml").cluster
    let result = PolicyEngine(cluster: cluster, settings: random.settings).analyze()
    var engine: [String: String] = [:]
    for flow in result.flows {
        engine["\(result.peers[flow.source].name) -> \(result.peers[flow.destination].name)"] =
            flow.connections.description
    }
    var mismatches: [String] = []
    for a in random.pods {
        for b in random.pods where a.name != b.name {
            let expected = text(
                intersection(
                    random.side(a, "Egress", peer: b, address: nil),
                    random.side(b, "Ingress", peer: a, address: nil)
                )
            )
            let actual = engine["\(a.namespace)/\(a.name)[Pod] -> \(b.namespace)/\(b.name)[Pod]"] ?? "No Connections"
            if actual != expected {
                mismatches.append(
                    "\(a.namespace)/\(a.name) -> \(b.namespace)/\(b.name): \(actual), expected \(expected)"
                )
            }
        }
    }
    // Addresses: every boundary of every block and its neighbours, and fixed ones of both families.
    var samples = ["0.0.0.0", "8.8.8.8", "255.255.255.255", "::", "2001:db8::1", "ffff::1"].map(RandomCluster.address)
    for policy in random.policies {
        for rule in (policy.ingress ?? []) + (policy.egress ?? []) {
            for case .block(let cidr, let except) in rule.peers ?? [] {
                for text in [cidr] + except {
                    let c = RandomCluster.cidr(text)
                    let top: UInt128 = c.v6 ? ~0 : 0xFFFF_FFFF
                    for value in [c.low, c.high] + (c.low > 0 ? [c.low - 1] : []) + (c.high < top ? [c.high + 1] : []) {
                        samples.append((c.v6, value))
                    }
                }
            }
        }
    }
    // Each endpoint's flows to and from address sets, found once.
    var external: [String: (outbound: [(IPSet, String)], inbound: [(IPSet, String)])] = [:]
    for flow in result.flows {
        if case .external(let set) = result.peers[flow.destination].kind {
            external[result.peers[flow.source].name, default: ([], [])].outbound.append(
                (set, flow.connections.description)
            )
        } else if case .external(let set) = result.peers[flow.source].kind {
            external[result.peers[flow.destination].name, default: ([], [])].inbound.append(
                (set, flow.connections.description)
            )
        }
    }
    func engineText(_ pod: Pod, outbound: Bool, _ address: (v6: Bool, value: UInt128)) -> String {
        let flows = external["\(pod.namespace)/\(pod.name)[Pod]"]
        let family: IPFamily = address.v6 ? .v6 : .v4
        return (outbound ? flows?.outbound : flows?.inbound)?.first {
            $0.0[family].contains(address.value...address.value)
        }?.1
            ?? "No Connections"
    }
    for pod in random.pods {
        for address in samples {
            let egress = text(random.side(pod, "Egress", peer: nil, address: address))
            let ingress = text(random.side(pod, "Ingress", peer: nil, address: address))
            // The engine lists IPv6 addresses only when some ipBlock is IPv6; then, and for IPv4 always, compare.
            let v6Used = random.policies.contains { p in
                ((p.ingress ?? []) + (p.egress ?? [])).contains { r in
                    (r.peers ?? []).contains {
                        if case .block(let c, _) = $0 { return c.contains(":") } else { return false }
                    }
                }
            }
            guard !address.v6 || v6Used else { continue }
            let actualEgress = engineText(pod, outbound: true, address)
            let actualIngress = engineText(pod, outbound: false, address)
            if actualEgress != egress {
                mismatches.append("\(pod.name) -> \(address): \(actualEgress), expected \(egress)")
            }
            if actualIngress != ingress {
                mismatches.append("\(address) -> \(pod.name): \(actualIngress), expected \(ingress)")
            }
        }
    }
    #expect(
        mismatches.isEmpty,
        "seed \(seed), \(random.settings.name):\n\(mismatches.prefix(10).joined(separator: "\n"))\n\(yaml)"
    )
    // The answers read per pair group and kind of namespace (the matrix, the namespace sums, the count).
    expectNamespaceAnswersAgreeWithFlows(result)
}

/// The random clusters group classes, across namespaces and within one, so the reference checks grouped pairs.
@Test func theRandomClustersHaveClassesThatShareAPairGroup() throws {
    var across = 0
    var within = 0
    for seed in 0..<120 {
        let random = RandomCluster(seed: UInt64(seed) &* 104_729 &+ 3)
        let cluster = try ManifestLoader.load(bytes: Array(random.yaml.utf8), name: "random.yaml").cluster
        let result = PolicyEngine(cluster: cluster, settings: random.settings).analyze()
        let groups = result.classFlows.groups
        for classes in groups.classes where classes.count > 1 {
            let namespaces = Set(classes.map { result.model.classes[$0].namespace })
            if namespaces.count > 1 { across += 1 } else { within += 1 }
        }
    }
    #expect(across >= 10 && within >= 10, "groups across namespaces: \(across), within one: \(within)")
}

@Test func theIndependentReferenceCoversWhatItClaims() {
    let clusters = (0..<120).map { RandomCluster(seed: UInt64($0) &* 104_729 &+ 3) }
    #expect(clusters.contains { $0.pods.count > 64 }, "some cluster has more than 64 classes")
    let blocks = clusters.flatMap { $0.policies }.flatMap { ($0.ingress ?? []) + ($0.egress ?? []) }.flatMap {
        $0.peers ?? []
    }
    #expect(
        blocks.contains {
            if case .block(let c, let e) = $0 { return c.contains(":") && !e.isEmpty } else { return false }
        }
    )
    #expect(blocks.contains { if case .block(_, let e) = $0 { return e.count >= 2 } else { return false } })
    let operators = Set(clusters.flatMap { $0.policies }.flatMap { $0.podSelector.expressions.map(\.op) })
    #expect(operators == ["In", "NotIn", "Exists", "DoesNotExist"])
    // Every profile, with and without each ipBlock setting, on clusters holding host-network pods and pod IPs.
    #expect(Set(clusters.map(\.settings.plugin)) == Set(NetworkPlugin.allCases))
    #expect(Set(clusters.map(\.settings.ipBlockMatchesPods)) == [false, true])
    #expect(Set(clusters.map(\.settings.ipBlockMatchesNodes)) == [false, true])
    let pods = clusters.flatMap(\.pods)
    #expect(
        pods.contains { $0.hostNetwork && !$0.ips.isEmpty } && pods.contains { !$0.hostNetwork && $0.ips.count == 2 }
    )
}

/// The decisions that explain a flow (`ClassModel.decide`, with the deciding rules) fold to the same connections as
/// the fast paths of the class-level answer, for every class pair and every address atom; and every deciding rule
/// is one of the governing policy's rules, in the right direction, that matches the peer.
@Test(arguments: 0..<40)
func decisionsAgreeWithTheClassLevelAnswer(seed: Int) throws {
    let random = RandomCluster(seed: UInt64(seed) &* 7_919 &+ 11)
    let cluster = try ManifestLoader.load(bytes: Array(random.yaml.utf8), name: "random.yaml").cluster
    let model = PolicyEngine(cluster: cluster, settings: random.settings).compile()
    let classes = (0..<model.classes.count).map(ClassID.init)
    func checkRules(_ decision: Decision, _ direction: Direction, at c: ClassID) {
        #expect(decision.isDecided == model.isolated[direction][c])
        #expect(decision.selectedBy == model.selectedBy[direction][c])
        for part in decision.parts {
            for deciding in part.rules {
                let origin = model.origin(deciding.rule)
                #expect(origin.direction == direction)
                #expect(origin.policy.map(decision.selectedBy.contains) == true)
                #expect(deciding.connections.isSubset(of: part.connections))
            }
        }
    }
    // One memo across every pair, as a worker of the class-level answer keeps it.
    var memo = FlowMemo(model: model)
    for s in classes {
        for d in classes {
            let egress = model.decide(.egress, at: s, peer: .endpoints(d))
            let ingress = model.decide(.ingress, at: d, peer: .endpoints(s))
            checkRules(egress, .egress, at: s)
            checkRules(ingress, .ingress, at: d)
            let (fast, open) = model.classFlow(from: s, to: d)
            #expect(egress.allowed.intersection(ingress.allowed) == fast)
            if let (id, bits) = model.memoisedClassFlow(from: s, to: d, memo: &memo) {
                #expect(memo.table.connections[Int(id)] == fast)
                #expect(bits == OpenHops.bits(open))
            } else {
                #expect(fast.isEmpty)
            }
            // The explanation's slices cover every connection once, and the allowed ones are the flow.
            let slices = model.explain(from: .endpoints(s), to: .endpoints(d))
            #expect(slices.reduce(ConnectionSet.none) { $0.union($1.connections) } == .all)
            for (i, a) in slices.enumerated() {
                for b in slices[(i + 1)...] { #expect(a.connections.intersection(b.connections).isEmpty) }
            }
            #expect(slices.filter(\.allowed).reduce(ConnectionSet.none) { $0.union($1.connections) } == fast)
            if !fast.isEmpty {
                #expect(open.contains(.egress) == !egress.isDecided)
                #expect(open.contains(.ingress) == !ingress.isDecided)
            }
        }
        for atom in model.atoms {
            let egress = model.decide(.egress, at: s, peer: .addresses(IPSet(atom)))
            let ingress = model.decide(.ingress, at: s, peer: .addresses(IPSet(atom)))
            checkRules(egress, .egress, at: s)
            #expect(egress.allowed == model.egress(from: s, to: atom))
            #expect(ingress.allowed == model.ingress(to: s, from: atom))
            let out = model.explain(from: .endpoints(s), to: .addresses(IPSet(atom)))
            #expect(out.filter(\.allowed).reduce(ConnectionSet.none) { $0.union($1.connections) } == egress.allowed)
        }
    }
}

/// The class-level diff (joint classes compared once, only changed pairs expanded) agrees with the plain diff of
/// both versions' endpoint flow lists: pair by pair, and address by address for each endpoint and direction. Its
/// counts (`listing: false`) agree with its list, and each filter keeps exactly the changes its patterns name.
@Test(arguments: 0..<60)
func theClassLevelDiffAgreesWithBothFlowLists(seed: Int) throws {
    let old = RandomCluster(seed: UInt64(seed) &* 6_007 &+ 5)
    var new = old
    var g = Generator(state: UInt64(seed) &+ 99)
    // A pull request: a pod relabelled (its class splits), one renamed, one removed, one added, a policy dropped,
    // and the policies of another cluster added.
    new.pods[0].labels = [("app", g.pick(["web", "api", "db"]))]
    if new.pods.count > 2 {
        new.pods[1].name = "renamed"
        new.pods.removeLast()
    }
    new.pods.append(Pod(name: "added", namespace: g.pick(["a", "b"]), labels: [("app", "web")], ports: []))
    if !new.policies.isEmpty { new.policies.removeFirst() }
    for var policy in RandomCluster(seed: UInt64(seed) &+ 1_000).policies.prefix(2) {
        policy.name = "other-" + policy.name
        new.policies.append(policy)
    }
    func analyze(_ random: RandomCluster) throws -> Reachability {
        let cluster = try ManifestLoader.load(bytes: Array(random.yaml.utf8), name: "random.yaml").cluster
        return PolicyEngine(cluster: cluster, settings: old.settings).analyze()
    }
    let before = try analyze(old)
    let after = try analyze(new)

    // The reference: endpoint pairs from both lists, and per (endpoint, outbound) the address pieces of each.
    struct Side: Hashable {
        var endpoint: String
        var outbound: Bool
    }
    var pairs: [String: (old: ConnectionSet, new: ConnectionSet)] = [:]
    var pieces: [Side: (old: [(IPSet, ConnectionSet)], new: [(IPSet, ConnectionSet)])] = [:]
    for (answer, isNew) in [(before, false), (after, true)] {
        for flow in answer.flows {
            let source = answer.peers[flow.source]
            let destination = answer.peers[flow.destination]
            if let set = source.addresses ?? destination.addresses {
                let side = Side(
                    endpoint: source.addresses == nil ? source.name : destination.name,
                    outbound: source.addresses == nil
                )
                if isNew {
                    pieces[side, default: ([], [])].new.append((set, flow.connections))
                } else {
                    pieces[side, default: ([], [])].old.append((set, flow.connections))
                }
            } else {
                let key = "\(source.name) => \(destination.name)"
                if isNew {
                    pairs[key, default: (.none, .none)].new = flow.connections
                } else {
                    pairs[key, default: (.none, .none)].old = flow.connections
                }
            }
        }
    }
    let expectedPairs = pairs.filter { $0.value.old != $0.value.new }.mapValues { "\($0.old) -> \($0.new)" }

    let diff = ReachabilityDiff(old: before, new: after)
    var actualPairs: [String: String] = [:]
    var covered: [Side: IPSet] = [:]
    for change in diff.changes {
        if let set = change.addresses {
            let outbound = change.destination == set.description
            let side = Side(endpoint: outbound ? change.source : change.destination, outbound: outbound)
            let entry = pieces[side] ?? ([], [])
            // Every address of the change had these connections in each version (sampled at each range's ends).
            for range in set.ranges {
                for value in [range.bounds.lowerBound, range.bounds.upperBound] {
                    let probe = IPSet(IPRange(family: range.family, bounds: value...value))
                    let was = entry.old.first { !$0.0.intersection(probe).isEmpty }?.1 ?? .none
                    let now = entry.new.first { !$0.0.intersection(probe).isEmpty }?.1 ?? .none
                    #expect(was == change.old && now == change.new, "seed \(seed): \(change)")
                }
            }
            #expect(covered[side, default: IPSet()].intersection(set).isEmpty, "seed \(seed): overlap")
            covered[side, default: IPSet()].formUnion(set)
        } else {
            actualPairs["\(change.source) => \(change.destination)"] = "\(change.old) -> \(change.new)"
        }
    }
    #expect(actualPairs == expectedPairs, "seed \(seed)")
    // Every address whose connections differ is covered: where neither version's pieces differ, nothing is.
    for (side, entry) in pieces {
        var differing = IPSet()
        let oldAll = entry.old.reduce(IPSet()) { $0.union($1.0) }
        let newAll = entry.new.reduce(IPSet()) { $0.union($1.0) }
        for (a, was) in entry.old {
            for (b, now) in entry.new where was != now { differing.formUnion(a.intersection(b)) }
            if !was.isEmpty { differing.formUnion(a.subtracting(newAll)) }
        }
        for (b, now) in entry.new where !now.isEmpty { differing.formUnion(b.subtracting(oldAll)) }
        #expect(covered[side, default: IPSet()] == differing, "seed \(seed): \(side)")
    }
    #expect(Set(diff.changes.map { "\($0.source) => \($0.destination)" }).count == diff.changes.count)
    #expect(
        diff.changes.map { [$0.source, $0.destination] }.elementsEqual(
            diff.changes.map { [$0.source, $0.destination] }.sorted { $0.lexicographicallyPrecedes($1) }
        )
    )

    // Counting only agrees with listing, and each filter keeps what its patterns name, with and without a focus.
    func names(_ pattern: String, _ side: String) -> Bool {
        side.hasPrefix(pattern + "/") || side.contains("/\(pattern)[")
    }
    let filters = [
        DiffFilter(), DiffFilter(from: ["a"]), DiffFilter(to: ["b", "p2"]), DiffFilter(from: ["a"], to: ["a"]),
        DiffFilter(focus: ["p0"]), DiffFilter(to: ["c"], focus: ["added", "renamed"]),
    ]
    for filter in filters {
        let listed = ReachabilityDiff(old: before, new: after, filter: filter)
        let kept = diff.changes.filter { change in
            (filter.from.isEmpty || filter.from.contains { names($0, change.source) })
                && (filter.to.isEmpty || filter.to.contains { names($0, change.destination) })
                && (filter.focus.isEmpty
                    || filter.focus.contains { names($0, change.source) || names($0, change.destination) })
        }
        let line = { (c: FlowChange) in "\(c.source) => \(c.destination): \(c.old) -> \(c.new)" }
        #expect(listed.changes.map(line) == kept.map(line), "seed \(seed), \(filter)")
        let counted = ReachabilityDiff(old: before, new: after, filter: filter, listing: false)
        #expect(counted.changes.isEmpty)
        for kind in [FlowChange.Kind.added, .removed, .changed] {
            #expect(counted.counts[kind, default: 0] == kept.count { $0.kind == kind }, "seed \(seed), \(filter)")
        }
        #expect(counted.summary == listed.summary)
    }
}

/// Random admin tiers over a random cluster: AdminNetworkPolicies and ClusterNetworkPolicies of both tiers (and
/// sometimes the v1alpha1 baseline), with namespace, pod, network and unknown peers, ports of both versions.
private func randomTiers(_ g: inout Generator) -> String {
    var out = ""
    let subjects = [
        "{namespaces: {}}", "{namespaces: {matchLabels: {team: x}}}",
        "{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}}",
        "{namespaces: {matchLabels: {kubernetes.io/metadata.name: b}}}",
    ]
    let podPeers = [
        "{namespaces: {}}", "{namespaces: {matchLabels: {team: y}}}",
        "{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: api}}}}",
        "{pods: {namespaceSelector: {matchLabels: {team: x}}, podSelector: {matchLabels: {tier: back}}}}",
    ]
    func rules(_ direction: String, v2: Bool, baseline: Bool, _ g: inout Generator) -> String {
        var list: [String] = []
        for i in 0..<g.count(1...3) {
            let actions = v2 ? ["Accept", "Deny", "Pass"] : baseline ? ["Allow", "Deny"] : ["Allow", "Deny", "Pass"]
            var peers = [g.pick(podPeers)]
            if direction == "egress" && g.chance(0.3) {
                peers.append(g.pick(["{networks: [10.0.0.0/14]}", "{networks: [0.0.0.0/0, \"::/0\"]}"]))
            }
            if g.chance(0.05) { peers = ["{serviceAccounts: {}}"] }
            var rule =
                "{name: r\(i), action: \(g.pick(actions)), \(direction == "ingress" ? "from" : "to"): [\(peers.joined(separator: ", "))]"
            if g.chance(0.6) {
                let ports =
                    v2
                    ? g.pick([
                        "[{tcp: {destinationPort: {number: 80}}}]",
                        "[{udp: {destinationPort: {range: {start: 50, end: 60}}}}]",
                        "[{destinationNamedPort: http}]",
                        "[{tcp: {destinationPort: {range: {start: 1, end: 8080}}}}, {destinationNamedPort: dns}]",
                    ])
                    : g.pick([
                        "[{portNumber: {port: 80}}]", "[{portRange: {protocol: UDP, start: 50, end: 60}}]",
                        "[{namedPort: http}]",
                        "[{portNumber: {protocol: SCTP, port: 9000}}, {namedPort: dns}]",
                    ])
                rule += ", \(v2 ? "protocols" : "ports"): \(ports)"
            }
            list.append(rule + "}")
        }
        return "\(direction): [\(list.joined(separator: ", "))]"
    }
    var priorities = Array(0...30).shuffled(using: &g)
    for i in 0..<g.count(1...5) {
        let v2 = g.chance(0.5)
        let baseline = v2 && g.chance(0.4)
        let directions = [g.chance(0.7) ? "ingress" : nil, g.chance(0.6) ? "egress" : nil].compactMap { $0 }
        let body = directions.map { rules($0, v2: v2, baseline: baseline, &g) }.joined(separator: ", ")
        let spec =
            "priority: \(priorities.removeLast()), subject: \(g.pick(subjects))\(body.isEmpty ? "" : ", " + body)"
        out +=
            v2
            ? "apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata: {name: c\(i)}\nspec: {tier: \(baseline ? "Baseline" : "Admin"), \(spec)}\n---\n"
            : "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: a\(i)}\nspec: {\(spec)}\n---\n"
    }
    if g.chance(0.5) {
        out +=
            "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata: {name: default}\nspec: {subject: \(g.pick(subjects)), \(rules("ingress", v2: false, baseline: true, &g)), \(rules("egress", v2: false, baseline: true, &g))}\n---\n"
    }
    return out
}

/// With admin tiers, the decisions (the three layers folded, which explanations read) agree with the fast paths
/// (with and without the hop cache) for every class pair and address atom; the open hops are the undecided ones;
/// explanations cover every connection and allow exactly the flow; the address sweep agrees atom by atom.
@Test(arguments: 0..<40)
func tieredDecisionsAgreeWithTheFastPaths(seed: Int) throws {
    let random = RandomCluster(seed: UInt64(seed) &* 4_241 &+ 3)
    var g = Generator(state: UInt64(seed) &+ 17)
    var options = LoadOptions()
    options.allowSamePriority = true
    let yaml = random.yaml + "\n---\n" + randomTiers(&g)
    let cluster = try ManifestLoader.load(bytes: Array(yaml.utf8), name: "random.yaml", options: options).cluster
    #expect(!cluster.adminPolicies.isEmpty)
    let model = PolicyEngine(cluster: cluster, settings: random.settings).compile()
    #expect(model.tiered)
    // With tiers every class is its own pair group, and the answers read per group still agree with the flows.
    let answer = model.answer()
    #expect(answer.classFlows.groups.count == model.classes.count)
    expectNamespaceAnswersAgreeWithFlows(answer)
    let classes = (0..<model.classes.count).map(ClassID.init)
    let cache = HopCache(model: model)
    for s in classes {
        for d in classes {
            let egress = model.decide(.egress, at: s, peer: .endpoints(d))
            let ingress = model.decide(.ingress, at: d, peer: .endpoints(s))
            let allowed = egress.allowed.intersection(ingress.allowed)
            let (fast, open) = model.classFlow(from: s, to: d)
            let (cached, cachedOpen) = model.classFlow(from: s, to: d, cache: cache)
            #expect(fast == allowed)
            #expect(cached == allowed && cachedOpen == open)
            if !fast.isEmpty {
                #expect(open.contains(.egress) == !egress.undecided.intersection(fast).isEmpty)
                #expect(open.contains(.ingress) == !ingress.undecided.intersection(fast).isEmpty)
            }
            let slices = model.explain(from: .endpoints(s), to: .endpoints(d))
            #expect(slices.reduce(ConnectionSet.none) { $0.union($1.connections) } == .all)
            #expect(slices.filter(\.allowed).reduce(ConnectionSet.none) { $0.union($1.connections) } == fast)
        }
        for direction in Direction.allCases {
            let sweep = model.decides(direction, s) ? model.tieredAddressFlows(s, direction) : []
            for atom in model.atoms {
                let decision = model.decide(direction, at: s, peer: .addresses(IPSet(atom)))
                let fast = direction == .egress ? model.egress(from: s, to: atom) : model.ingress(to: s, from: atom)
                #expect(decision.allowed == fast)
                guard model.decides(direction, s) else { continue }
                let group = sweep.first { $0.1.contains(atom) }
                #expect((group?.0 ?? ConnectionSet.none) == decision.allowed)
                if let group { #expect(group.2 == !decision.undecided.isEmpty) }
            }
        }
    }
}

/// A focus narrows the flows before they are expanded (sources outside it pair only with focus endpoints); what it
/// keeps is exactly what filtering every flow keeps, in the same order, for each endpoint of random clusters as the
/// focus, in each direction and with a peer.
@Test(arguments: 0..<20)
func narrowedFlowsKeepWhatTheFocusKeeps(seed: Int) throws {
    let random = RandomCluster(seed: UInt64(seed) &* 6_151 &+ 5)
    let cluster = try ManifestLoader.load(bytes: Array(random.yaml.utf8), name: "random.yaml").cluster
    let result = PolicyEngine(cluster: cluster, settings: random.settings).analyze()
    struct Kept: Equatable {
        var source: PeerID
        var destination: PeerID
        var connections: ConnectionSet
    }
    for endpoint in cluster.endpoints.prefix(4) {
        for direction in [nil, Direction.ingress, .egress] {
            for peers in [[], [cluster.endpoints.last?.namespace ?? ""]] {
                var focus = Focus()
                focus.workloads = ["\(endpoint.namespace)/\(endpoint.name)"]
                focus.direction = direction
                focus.peers = peers
                let resolved = focus.resolved(for: cluster.endpoints)
                func kept(_ flows: FlowSequence) -> [Kept] {
                    flows.filter {
                        resolved.includes(
                            result.peers[$0.source].endpointIndex,
                            result.peers[$0.destination].endpointIndex
                        )
                    }.map { Kept(source: $0.source, destination: $0.destination, connections: $0.connections) }
                }
                let everything = kept(result.flows)
                #expect(kept(result.flows(narrowedTo: resolved)) == everything)
            }
        }
    }
}

/// The definition of a shadowed policy, checked plainly: every class it selects is also selected by another policy
/// in that direction, and for each of its rules, each peer class and each address atom the rule admits, the other
/// rules governing the class allow at least as much. No bit sets, no covering shortcut, no memo by match.
private func plainlyShadowed(_ p: PolicyID, in model: ClassModel) -> Bool {
    let policy = model.policy(p)
    let defaultDeny = policy.podSelector.isEmpty && policy.ingress.isEmpty && policy.egress.isEmpty
    guard !model.policySelection[p].isEmpty, !defaultDeny else { return false }
    for direction in Direction.allCases where policy.policyTypes.contains(direction) {
        let own = model.policyRules[p][direction]
        for c in model.policySelection[p] {
            guard model.selectedBy[direction][c].contains(where: { $0 != p }) else { return false }
            let others = model.governing[direction][c].filter { !own.contains($0) }
            for r in own {
                for index in model.classes.indices where model.rules[r].matchesClass[index] {
                    let peer = ClassID(index)
                    let destination = direction == .ingress ? c : peer
                    let mine = model.connections(r, destinationClass: destination)
                    let theirs = model.union(others, matching: peer, destination: destination) ?? .none
                    if !mine.isEmpty, !mine.isSubset(of: theirs) { return false }
                }
                let destination: ClassID? = direction == .ingress ? c : nil
                let mine = model.connections(r, destinationClass: destination)
                guard !mine.isEmpty else { continue }
                for a in model.atomIntervals(model.rules[r].addresses).joined()
                where !mine.isSubset(of: model.union(others, atom: model.atoms[a], destination: destination)) {
                    return false
                }
            }
        }
    }
    return true
}

/// `policy-shadowed` names exactly the policies the plain definition calls shadowed, and removing one changes no
/// flow (the promise of the finding). Each random cluster gets a copy of its first policy, and every other one a
/// copy whose ingress rules admit every peer, so that some policies are shadowed (and some shadowing is partial).
@Test func shadowedPoliciesAreThoseWhoseRemovalChangesNoFlow() throws {
    func analyze(_ random: RandomCluster) throws -> Reachability {
        let cluster = try ManifestLoader.load(bytes: Array(random.yaml.utf8), name: "random.yaml").cluster
        return PolicyEngine(cluster: cluster, settings: random.settings).analyze()
    }
    func flows(_ result: Reachability) -> [String] {
        result.flows.map { "\(result.peers[$0.source].name) => \(result.peers[$0.destination].name) \($0.connections)" }
            .sorted()
    }
    var shadowed = 0
    var kept = 0
    for seed in 0..<80 {
        var random = RandomCluster(seed: UInt64(seed) &* 7_919 &+ 11)
        guard let first = random.policies.first else { continue }
        func variant(_ name: String, _ change: (Rule) -> Rule, ingress: Bool = true, egress: Bool = true) {
            var copy = first
            copy.name = name
            if ingress { copy.ingress = copy.ingress?.map(change) }
            if egress { copy.egress = copy.egress?.map(change) }
            random.policies.append(copy)
        }
        variant("copy") { $0 }
        switch seed % 4 {
        case 0: variant("any-peer", { Rule(peers: nil, ports: $0.ports) }, egress: seed % 8 == 0)
        case 1: variant("all-ports") { Rule(peers: $0.peers, ports: nil) }
        case 2:
            // Named ports made numbers: the same as the name for some destinations, not for others.
            variant("numbered") { rule in
                Rule(peers: rule.peers, ports: rule.ports?.map { $0.name == "http" ? Port(number: 80) : $0 })
            }
        default: variant("one-port") { Rule(peers: $0.peers, ports: [Port(number: 80)]) }
        }
        let result = try analyze(random)
        let model = result.model
        let reported = Set(
            Auditor.audit(result).findings.filter { $0.rule.id == "policy-shadowed" }.map(\.subject)
        )
        let expected = Set(
            model.cluster.policies.indices.filter { plainlyShadowed(PolicyID($0), in: model) }
                .map { "NetworkPolicy \(model.cluster.policies[$0].id)" }
        )
        #expect(reported == expected, "seed \(seed):\n\(random.yaml)")
        let all = flows(result)
        for (i, policy) in random.policies.enumerated() {
            guard reported.contains("NetworkPolicy \(policy.namespace)/\(policy.name)") else {
                kept += 1
                continue
            }
            shadowed += 1
            var without = random
            without.policies.remove(at: i)
            #expect(flows(try analyze(without)) == all, "seed \(seed): removing \(policy.name) changes flows")
        }
    }
    // Both answers occur often enough to mean something.
    #expect(shadowed > 40)
    #expect(kept > 40)
}

/// Pair groups are the classes alike by definition (same isolation, governing rules, named ports and matching rules),
/// whether classes are compared by their lists of matching rules or bit by bit.
@Test func pairGroupsAreTheClassesAlikeByDefinition() throws {
    var grouped = 0
    // Models of more than one word of classes: PairGroups hashes and lists ranges of words on every core.
    var multiWord = 0
    for seed in 0..<60 {
        let random = RandomCluster(seed: UInt64(seed) &* 104_729 &+ 3)
        let cluster = try ManifestLoader.load(bytes: Array(random.yaml.utf8), name: "random.yaml").cluster
        let model = PolicyEngine(cluster: cluster, settings: random.settings).analyze().model
        guard !model.tiered else { continue }
        let keys = FlowMemo.Keys(model: model)
        func alike(_ a: Int, _ b: Int) -> Bool {
            model.isolated.ingress[a] == model.isolated.ingress[b]
                && model.isolated.egress[a] == model.isolated.egress[b]
                && (!model.isolated.ingress[a] || keys.rules.ingress[a] == keys.rules.ingress[b])
                && (!model.isolated.egress[a] || keys.rules.egress[a] == keys.rules.egress[b])
                && keys.ports[a] == keys.ports[b]
                && model.rules.indices.allSatisfy {
                    keys.matches(RuleID($0), ClassID(a)) == keys.matches(RuleID($0), ClassID(b))
                }
        }
        let byLists = PairGroups(model, keys: keys)
        let byBits = PairGroups(model, keys: keys, listLimit: 0)
        #expect(byLists.groupOf == byBits.groupOf, "seed \(seed)")
        for a in model.classes.indices {
            for b in model.classes.indices where b > a {
                #expect((byLists.groupOf[a] == byLists.groupOf[b]) == alike(a, b), "seed \(seed): classes \(a), \(b)")
            }
        }
        grouped += byLists.classes.filter { $0.count > 1 }.count
        if keys.classWords > 1 { multiWord += 1 }
    }
    #expect(grouped > 20)
    #expect(multiWord > 0)
}
