import KubeModel
import Manifests
import Testing

@testable import Reachability

/// A cluster with every kind of reason: `web` is selected by two policies whose rules admit `api` on overlapping
/// ports, a rule with a named port `web` does not have, an ipBlock with an except, a policy without egress rules.
private let yaml = """
    apiVersion: v1
    kind: Pod
    metadata: {name: api, namespace: x, labels: {app: api}}
    spec: {containers: [{name: c}]}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: web, namespace: x, labels: {app: web}}
    spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: free, namespace: x, labels: {app: free}}
    spec: {containers: [{name: c}]}
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: one, namespace: x}
    spec:
      podSelector: {matchLabels: {app: web}}
      ingress:
      - from: [{podSelector: {matchLabels: {app: api}}}]
        ports: [{port: 80}, {port: 443}]
      - from: [{podSelector: {matchLabels: {app: api}}}]
        ports: [{port: 80}, {port: grpc}]
      - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]
        ports: [{port: http}]
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: two, namespace: x}
    spec:
      podSelector: {matchLabels: {app: web}}
      ingress: [{from: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: 80}]}]
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: quiet, namespace: x}
    spec: {podSelector: {matchLabels: {app: api}}, policyTypes: [Egress]}
    """

private func model() throws -> ClassModel {
    let cluster = try ManifestLoader.load(bytes: Array(yaml.utf8), name: "t.yaml").cluster
    return PolicyEngine(cluster: cluster).compile()
}

private func end(_ model: ClassModel, _ name: String) -> ExplainedEnd {
    let e = model.cluster.endpoints.firstIndex { $0.name == name } ?? 0
    return .endpoints(model.classOf(endpoint: e))
}

/// A reason as text: `admit one#1`, `ports two#1 named`, `no-rules quiet`, `default`.
private func words(_ model: ClassModel, _ reasons: [SideReason]) -> [String] {
    reasons.map { reason in
        func rule(_ r: RuleID) -> String { "\(model.origin(r).name)#\(model.origin(r).index + 1)" }
        switch reason {
        case .systemDefault: return "default"
        case .hostNetwork: return "host"
        case .admittedBy(let r): return "admit " + rule(r)
        case .tierRule(let r, let verdict): return verdict.rawValue.lowercased() + " " + rule(r)
        case .noRules(let p): return "no-rules " + model.policy(p).name
        case .noRuleSelectsPeer(let p): return "no-rule-selects-peer " + model.policy(p).name
        case .portsMismatch(let r, let named): return "ports " + rule(r) + (named ? " named" : "")
        case .wayIn(let kind, let id, let service, let allows, _):
            return "\(allows ? "allow" : "deny") \(kind.rawValue) \(id) \(service)"
        }
    }
}

/// Every slice of api → web: both policies' rules, the first rule of a policy named for what it admits first
/// (one#2 admits TCP 80 too, after one#1), and per policy the first rule that selects the peer for what none admits
/// (netpol-analyzer's convention: one#2 is not named there).
@Test func slicesNameTheRulesThatDecideEachConnection() throws {
    let model = try model()
    let slices = model.explain(from: end(model, "api"), to: end(model, "web"))
    let text = slices.map {
        "\($0.connections) \($0.allowed ? "allowed" : "denied") egress \(words(model, $0.egress.reasons)) ingress \(words(model, $0.ingress.reasons))"
    }
    #expect(
        text == [
            // Egress: `quiet` selects api for egress and has no egress rule, so everything is denied there.
            "TCP 80 denied egress [\"no-rules quiet\"] ingress [\"admit one#1\", \"admit two#1\"]",
            "TCP 443 denied egress [\"no-rules quiet\"] ingress [\"admit one#1\"]",
            "TCP 1-79,81-442,444-65535; UDP 1-65535; SCTP 1-65535 denied egress [\"no-rules quiet\"] ingress [\"ports one#1\", \"ports two#1\"]",
        ]
    )
    // The slices cover every connection once.
    var covered = ConnectionSet.none
    for slice in slices {
        #expect(covered.intersection(slice.connections).isEmpty)
        covered.formUnion(slice.connections)
    }
    #expect(covered == .all)
}

/// A side no policy selects is the system default; addresses inside an except are not admitted; a named port
/// the destination has resolves.
@Test func defaultSidesAndAddressesAreExplained() throws {
    let model = try model()
    let free = model.explain(from: end(model, "web"), to: end(model, "free"))
    #expect(free.count == 1 && free[0].connections == .all && free[0].allowed)
    #expect(free[0].egress.reasons == [.systemDefault] && free[0].ingress.reasons == [.systemDefault])
    // No rule of either policy selecting web selects free.
    let denied = model.explain(from: end(model, "free"), to: end(model, "web"))
    #expect(denied.map(\.connections) == [.all] && denied.allSatisfy { !$0.allowed })
    #expect(words(model, denied[0].ingress.reasons) == ["no-rule-selects-peer one", "no-rule-selects-peer two"])
    let web = try #require(model.cluster.endpoints.firstIndex { $0.name == "web" })
    let groups = model.addressGroups(.ingress, endpoint: web).map { addresses, slices in
        "\(addresses.description): "
            + slices.filter(\.allowed).map { "\($0.connections) \(words(model, $0.ingress.reasons))" }
            .joined()
    }
    #expect(
        groups == [
            "0.0.0.0-9.255.255.255,10.1.0.0-10.1.255.255,11.0.0.0-255.255.255.255: ",
            "10.0.0.0-10.0.255.255,10.2.0.0-10.255.255.255: TCP 8080 [\"admit one#3\"]",
        ]
    )
}

/// The explanation agrees with the answer: what its allowed slices hold is what the flow carries.
@Test func allowedSlicesAreTheFlow() throws {
    let model = try model()
    let answer = model.answer()
    for flow in answer.flows {
        guard let s = answer.peers[flow.source].endpointIndex, let d = answer.peers[flow.destination].endpointIndex
        else { continue }
        let slices = model.explain(
            from: .endpoints(model.classOf(endpoint: s)),
            to: .endpoints(model.classOf(endpoint: d))
        )
        let allowed = slices.filter(\.allowed).reduce(ConnectionSet.none) { $0.union($1.connections) }
        #expect(allowed == flow.connections)
    }
}

/// The focus keeps the pairs that involve a workload, in a direction, with a peer, on one connection.
@Test func focusKeepsThePairsItNames() throws {
    let model = try model()
    func pairs(_ focus: Focus) -> [String] {
        var out: [String] = []
        model.explainedPairs(focus: focus) { out.append("\($0.source) => \($0.destination)") }
        return out
    }
    var focus = Focus()
    focus.workloads = ["web"]
    focus.direction = .ingress
    #expect(
        pairs(focus) == [
            "0.0.0.0-9.255.255.255,10.1.0.0-10.1.255.255,11.0.0.0-255.255.255.255 => x/web[Pod]",
            "10.0.0.0-10.0.255.255,10.2.0.0-10.255.255.255 => x/web[Pod]", "x/api[Pod] => x/web[Pod]",
            "x/free[Pod] => x/web[Pod]",
        ]
    )
    focus.peers = ["x/api"]
    #expect(pairs(focus) == ["x/api[Pod] => x/web[Pod]"])
    focus.connection = ConnectionSet(.udp, PortSet(53...53))
    var slices: [ExplanationSlice] = []
    model.explainedPairs(focus: focus) { slices += $0.slices }
    #expect(slices.map(\.connections) == [ConnectionSet(.udp, PortSet(53...53))])
    #expect(
        Focus.names("x/web[Pod]", model.cluster.endpoints[2])
            != Focus.names("x/web[Deployment]", model.cluster.endpoints[2])
    )
    #expect(focus.unmatched(in: model.cluster).isEmpty)
    focus.workloads = ["wbe"]
    #expect(focus.unmatched(in: model.cluster) == ["wbe"])
}
