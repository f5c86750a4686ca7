import KubeModel
import Manifests
import Reachability
import Testing

// The admin tiers, point by point, as the network-policy-api reference states them (v1alpha1
// adminnetworkpolicy_types.go / baselineadminnetworkpolicy_types.go, v1alpha2 clusternetworkpolicy_types.go):
// the admin tier first (priority, lower first; the first matching rule decides; Pass skips the rest of the tier),
// then the NetworkPolicies if one selects the pod, else the baseline tier, else allow.

private let cluster =
    namespace("a", "{team: a}") + namespace("b", "{team: b}") + namespace("x", "{env: sandbox}")
    + pod(
        "pa",
        ns: "a",
        labels: "{app: pa}",
        ports: "[{name: http, containerPort: 80}, {name: dns, containerPort: 53, protocol: UDP}]"
    )
    + pod("pb", ns: "b", labels: "{app: pb}", ports: "[{name: http, containerPort: 8080}]")
    + pod("px", ns: "x", labels: "{app: px}")

private func anp(_ name: String, priority: Int, subject: String = "{namespaces: {}}", _ rules: String) -> String {
    "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: \(name)}\nspec: {priority: \(priority), subject: \(subject), \(rules)}\n---\n"
}

private func banp(subject: String = "{namespaces: {}}", _ rules: String) -> String {
    "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata: {name: default}\nspec: {subject: \(subject), \(rules)}\n---\n"
}

private func cnp(
    _ name: String,
    tier: String = "Admin",
    priority: Int,
    subject: String = "{namespaces: {}}",
    _ rules: String
)
    -> String
{
    "apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata: {name: \(name)}\nspec: {tier: \(tier), priority: \(priority), subject: \(subject), \(rules)}\n---\n"
}

/// The flow between two pods, or "none".
private func flow(_ yaml: String, _ source: String, _ destination: String) throws -> String {
    let line = try podFlows(yaml).first { $0.hasPrefix("\(source) => \(destination) : ") }
    return line.map { String($0.split(separator: ":", maxSplits: 1)[1].dropFirst()) } ?? "none"
}

private let fromAll = "ingress: [{name: r, action: Deny, from: [{namespaces: {}}]}]"

// 1. Admin tier first, in priority order; within a policy the first matching rule decides.
@Test func lowerPriorityDecidesFirstAndTheFirstMatchingRuleWins() throws {
    let allowThenDeny = anp(
        "p5",
        priority: 5,
        "ingress: [{name: allow, action: Allow, from: [{namespaces: {matchLabels: {team: b}}}], ports: [{portNumber: {port: 80}}]}, {name: deny, action: Deny, from: [{namespaces: {}}]}]"
    )
    let denyAll = anp(
        "p1",
        priority: 1,
        "ingress: [{name: deny, action: Deny, from: [{namespaces: {}}], ports: [{portNumber: {port: 80}}]}]"
    )
    // p5 alone: its Allow comes before its Deny.
    #expect(try flow(cluster + allowThenDeny, "b/pb[Pod]", "a/pa[Pod]") == "TCP 80")
    // p1 (priority 1) denies TCP 80 before p5 can allow it; the rest p5 denies.
    #expect(try flow(cluster + allowThenDeny + denyAll, "b/pb[Pod]", "a/pa[Pod]") == "none")
    // The same policies at swapped priorities: p5's Allow now decides first.
    let swapped = allowThenDeny.replacingOccurrences(of: "priority: 5", with: "priority: 0")
    #expect(try flow(cluster + swapped + denyAll, "b/pb[Pod]", "a/pa[Pod]") == "TCP 80")
}

// 1 and 2. Pass skips the remaining admin rules; the NetworkPolicies then decide, and a NetworkPolicy cannot
// override an admin Deny.
@Test func passHandsDownAndAdminDenyCannotBeOverridden() throws {
    let policies =
        anp(
            "pass-b",
            priority: 1,
            "ingress: [{name: pass, action: Pass, from: [{namespaces: {matchLabels: {team: b}}}]}]"
        )
        + anp("deny-all", priority: 2, fromAll)
        + netpol("open", ns: "a", "{podSelector: {}, ingress: [{}]}")
    // b is passed over deny-all to a's NetworkPolicy, which admits everything.
    #expect(try flow(cluster + policies, "b/pb[Pod]", "a/pa[Pod]") == "All Connections")
    // x is denied by deny-all, whatever a's NetworkPolicy admits.
    #expect(try flow(cluster + policies, "x/px[Pod]", "a/pa[Pod]") == "none")
}

// 2 and 3. The baseline decides only for pods no NetworkPolicy selects in that direction.
@Test func theBaselineDecidesOnlyWhereNoNetworkPolicySelects() throws {
    let policies = banp(fromAll) + netpol("open", ns: "a", "{podSelector: {}, ingress: [{}]}")
    #expect(try flow(cluster + policies, "b/pb[Pod]", "a/pa[Pod]") == "All Connections")  // NP decides
    #expect(try flow(cluster + policies, "a/pa[Pod]", "b/pb[Pod]") == "none")  // baseline denies
    // An egress-only NetworkPolicy does not take ingress from the baseline.
    let egressOnly = banp(fromAll) + netpol("out", ns: "b", "{podSelector: {}, policyTypes: [Egress], egress: [{}]}")
    #expect(try flow(cluster + egressOnly, "a/pa[Pod]", "b/pb[Pod]") == "none")
}

// 3. v1alpha2 baseline policies in priority order, with Accept, Deny and Pass (Pass: on to the default).
@Test func v1alpha2BaselinePoliciesFollowTheirPriorities() throws {
    let accept = cnp(
        "accept-b",
        tier: "Baseline",
        priority: 1,
        "ingress: [{action: Accept, from: [{namespaces: {matchLabels: {team: b}}}], protocols: [{tcp: {destinationPort: {number: 80}}}]}]"
    )
    let pass = cnp(
        "pass-x",
        tier: "Baseline",
        priority: 2,
        "ingress: [{action: Pass, from: [{namespaces: {matchLabels: {env: sandbox}}}]}]"
    )
    let deny = cnp("deny", tier: "Baseline", priority: 3, "ingress: [{action: Deny, from: [{namespaces: {}}]}]")
    let yaml = cluster + accept + pass + deny
    #expect(try flow(yaml, "b/pb[Pod]", "a/pa[Pod]") == "TCP 80")
    #expect(try flow(yaml, "x/px[Pod]", "a/pa[Pod]") == "All Connections")  // passed to the default
    #expect(try flow(yaml, "a/pa[Pod]", "b/pb[Pod]") == "none")
}

// 4 and 5. Nothing decides: allowed; a flow needs egress at the source and ingress at the destination.
@Test func aFlowNeedsBothHopsAndUndecidedIsAllowed() throws {
    #expect(
        try flow(
            cluster + anp("other", priority: 1, subject: "{namespaces: {matchLabels: {team: b}}}", fromAll),
            "x/px[Pod]",
            "a/pa[Pod]"
        ) == "All Connections"
    )
    let egressDeny = anp(
        "no-egress",
        priority: 1,
        subject: "{namespaces: {matchLabels: {team: a}}}",
        "egress: [{name: e, action: Deny, to: [{namespaces: {matchLabels: {team: b}}}], ports: [{portNumber: {protocol: TCP, port: 8080}}]}]"
    )
    let ingressAllow = anp(
        "in",
        priority: 2,
        subject: "{namespaces: {matchLabels: {team: b}}}",
        "ingress: [{name: i, action: Allow, from: [{namespaces: {}}], ports: [{portRange: {start: 8000, end: 8090}}]}, {name: d, action: Deny, from: [{namespaces: {}}]}]"
    )
    #expect(try flow(cluster + egressDeny + ingressAllow, "a/pa[Pod]", "b/pb[Pod]") == "TCP 8000-8079,8081-8090")
}

// 6. Subjects: pods (v1alpha2 without namespaceSelector: every namespace); host-network pods are not subjects.
@Test func subjectsSelectPodsAndNeverHostNetworkPods() throws {
    let yaml =
        cluster + pod("host", ns: "a", labels: "{app: pa}", extra: "hostNetwork: true, ")
        + cnp(
            "deny-pa",
            priority: 1,
            subject: "{pods: {podSelector: {matchLabels: {app: pa}}}}",
            fromAll.replacingOccurrences(of: "name: r, ", with: "")
        )
    #expect(try flow(yaml, "b/pb[Pod]", "a/pa[Pod]") == "none")
    #expect(try flow(yaml, "b/pb[Pod]", "a/host[Pod]") == "All Connections")
    // Nor `namespaces` peers: the host-network pod is not denied as a source.
    #expect(try flow(yaml, "a/host[Pod]", "b/pb[Pod]") == "All Connections")
}

// 7. Peers: networks (outside, and pod IPs where the input has them), nodes (Node addresses), domainNames (nothing),
// and a peer with an unknown field fails closed.
@Test func networksNodesDomainNamesAndUnknownPeers() throws {
    let ips =
        namespace("a") + namespace("b")
        + "apiVersion: v1\nkind: Pod\nmetadata: {name: pa, namespace: a}\nspec: {containers: [{name: c}]}\nstatus: {podIP: 10.0.0.5}\n---\n"
        + "apiVersion: v1\nkind: Pod\nmetadata: {name: pb, namespace: b}\nspec: {containers: [{name: c}]}\nstatus: {podIP: 10.9.0.5}\n---\n"
        + "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {role: infra}}\nstatus: {addresses: [{type: InternalIP, address: 192.168.0.1}, {type: Hostname, address: n1}]}\n---\n"
        + anp(
            "egress",
            priority: 1,
            subject: "{namespaces: {matchLabels: {kubernetes.io/metadata.name: b}}}",
            "egress: [{name: n, action: Deny, to: [{networks: [10.0.0.0/24]}]}, {name: nodes, action: Deny, to: [{nodes: {matchLabels: {role: infra}}}]}, {name: dns, action: Deny, to: [{domainNames: [example.com]}]}]"
        )
    let result = try analyze(ips)
    let lines = result.flows.map {
        "\(result.peers[$0.source].name) => \(result.peers[$0.destination].name) : \($0.connections)"
    }
    // The network holds pa's address: b's pod cannot reach it; a's pod reaches b's.
    #expect(!lines.contains { $0.hasPrefix("b/pb[Pod] => a/pa[Pod]") })
    #expect(lines.contains("a/pa[Pod] => b/pb[Pod] : All Connections"))
    // Outside: the network and the node's address are denied, the rest (the domain name matches nothing) allowed.
    let outside = lines.filter { $0.hasPrefix("b/pb[Pod] => ") && !$0.contains("[Pod] : ") }
    #expect(
        outside == [
            "b/pb[Pod] => 0.0.0.0-9.255.255.255,10.0.1.0-192.168.0.0,192.168.0.2-255.255.255.255 : All Connections"
        ]
    )
    let loaded = try ManifestLoader.load(bytes: Array(ips.utf8), name: "t.yaml")
    #expect(loaded.warnings.contains { $0.message.contains("domainNames (example.com) cannot be resolved offline") })

    // A peer of a field netreach does not know: an Allow matches nothing, a Deny everything.
    let unknown = { (action: String) in
        cluster + anp("future", priority: 1, "ingress: [{name: f, action: \(action), from: [{serviceAccounts: {}}]}]")
            + banp(fromAll)
    }
    #expect(try flow(unknown("Allow"), "b/pb[Pod]", "a/pa[Pod]") == "none")  // nothing matched: baseline denies
    #expect(try flow(unknown("Deny"), "b/pb[Pod]", "a/pa[Pod]") == "none")
    #expect(try flow(unknown("Pass"), "b/pb[Pod]", "a/pa[Pod]") == "none")  // passed to the baseline's Deny
    let withNP = unknown("Deny") + netpol("open", ns: "a", "{podSelector: {}, ingress: [{}]}")
    #expect(try flow(withNP, "b/pb[Pod]", "a/pa[Pod]") == "none")  // the admin Deny wins over the NP
    let allowWithNP = unknown("Allow") + netpol("open", ns: "a", "{podSelector: {}, ingress: [{}]}")
    #expect(try flow(allowWithNP, "b/pb[Pod]", "a/pa[Pod]") == "All Connections")  // NP decides
}

// 8. Ports: portNumber, portRange, namedPort (any protocol); v1alpha2 protocols with number, range, named port.
@Test func portsOfBothVersions() throws {
    func only(_ ports: String, v2: Bool = false) throws -> String {
        let rules =
            v2
            ? "ingress: [{action: Accept, from: [{namespaces: {}}], protocols: \(ports)}, {action: Deny, from: [{namespaces: {}}]}]"
            : "ingress: [{name: a, action: Allow, from: [{namespaces: {}}], ports: \(ports)}, {name: d, action: Deny, from: [{namespaces: {}}]}]"
        let policy =
            v2
            ? cnp("p", priority: 1, subject: "{namespaces: {matchLabels: {team: a}}}", rules)
            : anp("p", priority: 1, subject: "{namespaces: {matchLabels: {team: a}}}", rules)
        return try flow(cluster + policy, "b/pb[Pod]", "a/pa[Pod]")
    }
    #expect(try only("[{portNumber: {port: 80}}]") == "TCP 80")
    #expect(try only("[{portNumber: {protocol: UDP, port: 53}}]") == "UDP 53")
    #expect(try only("[{portRange: {protocol: SCTP, start: 10, end: 20}}]") == "SCTP 10-20")
    // A named port matches the container port of that name, whatever its protocol.
    #expect(try only("[{namedPort: dns}]") == "UDP 53")
    #expect(try only("[{namedPort: missing}]") == "none")
    #expect(
        try only(
            "[{tcp: {destinationPort: {number: 80}}}, {udp: {destinationPort: {range: {start: 50, end: 60}}}}]",
            v2: true
        ) == "TCP 80; UDP 50-60"
    )
    #expect(try only("[{destinationNamedPort: http}]", v2: true) == "TCP 80")
}

// Both API versions of the same tiers give the same flows (the bundled example).
@Test func bothVersionsOfTheExampleAgree() throws {
    let root = #filePath.components(separatedBy: "/Tests/").first ?? "."
    func lines(_ version: String) throws -> [String] {
        let loaded = try ManifestLoader.load([root + "/examples/tiers/cluster", root + "/examples/tiers/\(version)"])
        let result = PolicyEngine(cluster: loaded.cluster).analyze()
        return result.flows.map {
            "\(result.peers[$0.source].name) => \(result.peers[$0.destination].name) : \($0.connections)"
        }
    }
    let v1 = try lines("v1alpha1")
    #expect(v1 == (try lines("v1alpha2")))
    // The admin Deny holds against db's NetworkPolicy; the Pass hands monitoring to backend's policy (metrics only)
    // and to the baseline's default-deny for frontend.
    #expect(!v1.contains { $0.hasPrefix("sandbox/experiment[Deployment] => db/") })
    #expect(v1.contains("monitoring/prometheus[Deployment] => backend/api[Deployment] : TCP 9100"))
    #expect(!v1.contains { $0.hasPrefix("monitoring/prometheus[Deployment] => frontend/") })
    #expect(v1.contains("frontend/web[Deployment] => db/postgres[StatefulSet] : TCP 5432"))
}

// Explanations name the tier rules, with the Pass before what decided next.
@Test func explanationsNameTheTierRules() throws {
    let yaml =
        cluster
        + anp(
            "pass-b",
            priority: 1,
            "ingress: [{name: pass-from-b, action: Pass, from: [{namespaces: {matchLabels: {team: b}}}]}]"
        )
        + banp("ingress: [{name: baseline-deny, action: Deny, from: [{namespaces: {}}]}]")
    let result = try analyze(yaml)
    let model = result.model
    let a = try #require(model.cluster.endpoints.firstIndex { $0.name == "pa" })
    let b = try #require(model.cluster.endpoints.firstIndex { $0.name == "pb" })
    let slices = model.explain(from: .endpoints(model.classOf(endpoint: b)), to: .endpoints(model.classOf(endpoint: a)))
    #expect(slices.count == 1)
    let reasons = slices.first?.ingress.reasons.compactMap { reason -> String? in
        guard case .tierRule(let r, let verdict) = reason else { return nil }
        return "\(model.origin(r).name)/\(model.origin(r).ruleName) \(verdict.rawValue)"
    }
    #expect(reasons == ["pass-b/pass-from-b Pass", "default/baseline-deny Deny"])
    #expect(slices.first?.allowed == false)
}

// The network-policy-api user stories (site-src/user-stories.md), written here as ClusterNetworkPolicies: what
// each story promises, checked on a small cluster.
@Test func theApiUserStoriesHoldAsV1alpha2() throws {
    let base =
        namespace("sensitive") + namespace("monitoring") + namespace("kube-system") + namespace("app")
        + pod("secret", ns: "sensitive", labels: "{app: secret}")
        + pod("prom", ns: "monitoring", labels: "{app: prom}")
        + pod(
            "dns",
            ns: "kube-system",
            labels: "{app: kube-dns}",
            ports: "[{name: dns, containerPort: 53, protocol: UDP}]"
        )
        + pod("web", ns: "app", labels: "{app: web}")
    // Story 1: deny all traffic into a sensitive namespace at the cluster level, whatever its owners write.
    let story1 = cnp(
        "deny-into-sensitive",
        priority: 10,
        subject: "{namespaces: {matchLabels: {kubernetes.io/metadata.name: sensitive}}}",
        "ingress: [{name: select-all-deny-all, action: Deny, from: [{namespaces: {}}]}]"
    )
    let owners = netpol("open", ns: "sensitive", "{podSelector: {}, ingress: [{}]}")
    // Story 2: monitoring reaches every pod, and every pod reaches the cluster DNS, whatever namespaces deny.
    let story2 = cnp(
        "allow-monitoring-and-dns",
        priority: 30,
        "ingress: [{action: Accept, from: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}]}], egress: [{action: Accept, to: [{pods: {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {app: kube-dns}}}}]}]"
    )
    let appDeny = netpol("deny-all", ns: "app", "{podSelector: {}, policyTypes: [Ingress, Egress]}")
    // Story 5: a cluster-wide default-deny that namespaces can override with their own policies.
    let story5 = cnp(
        "default-deny",
        tier: "Baseline",
        priority: 10,
        "ingress: [{action: Deny, from: [{namespaces: {}}]}]"
    )
    let yaml = base + story1 + owners + story2 + appDeny + story5
    #expect(try flow(yaml, "app/web[Pod]", "sensitive/secret[Pod]") == "none")  // story 1 over the owners' NP
    #expect(try flow(yaml, "monitoring/prom[Pod]", "sensitive/secret[Pod]") == "none")  // priority 10 before 30
    #expect(try flow(yaml, "monitoring/prom[Pod]", "app/web[Pod]") == "All Connections")  // story 2 over deny-all
    #expect(try flow(yaml, "app/web[Pod]", "kube-system/dns[Pod]") == "none")  // egress accepted, ingress: baseline
    let dnsOpen = yaml + netpol("dns-in", ns: "kube-system", "{podSelector: {}, ingress: [{}]}")
    #expect(try flow(dnsOpen, "app/web[Pod]", "kube-system/dns[Pod]") == "All Connections")  // story 5 overridden
    #expect(try flow(yaml, "kube-system/dns[Pod]", "monitoring/prom[Pod]") == "none")  // story 5 holds
}

// The default-allow findings and checks count only what no tier decides: a baseline Deny of every pod protects
// a pod no NetworkPolicy selects from other pods (addresses, which an admin ingress rule cannot name, stay open).
@Test func defaultAllowCountsOnlyWhatNoTierDecides() throws {
    let yaml =
        namespace("a") + pod("pa", ns: "a", labels: "{app: pa}") + pod("pb", ns: "a", labels: "{app: pb}")
        + pod("pc", ns: "b", labels: "{app: pc}")
        + netpol("only-pa", ns: "a", "{podSelector: {matchLabels: {app: pa}}, ingress: [{}]}")
    let baseline = banp("ingress: [{name: deny-pods, action: Deny, from: [{namespaces: {}}]}]")
    func findings(_ yaml: String) throws -> [String] {
        Auditor.audit(try analyze(yaml)).findings.filter {
            $0.rule.id == "ingress-not-isolated" || $0.rule.id == "namespace-without-default-deny-ingress"
        }.map(\.message)
    }
    #expect(
        try findings(yaml) == [
            "namespace 'a' has no default-deny for ingress: a pod that no policy selects for ingress is open",
            "a/pb[Pod] is not selected by any NetworkPolicy for ingress: 3 flows exist only because of that",
        ]
    )
    // With the baseline: the namespace has a default-deny, and only the address flow into pb is open.
    #expect(
        try findings(yaml + baseline) == [
            "a/pb[Pod] is not selected by any NetworkPolicy for ingress: 1 flow exists only because of that"
        ]
    )
    let rules = try RulesLoader.load(bytes: Array("rules:\n- name: n\n  no-default-allow: a\n".utf8), name: "r.yaml")
    let check = try Checker.check(rules, against: try analyze(yaml + baseline).model)
    let examples = check.results.first?.examples.map(\.text) ?? []
    #expect(examples.contains { $0.hasPrefix("0.0.0.0-255.255.255.255 => a/pb[Pod]") })
    #expect(!examples.contains { $0.hasSuffix("(default-allow: ingress)") && $0.contains("[Pod] => a/pb[Pod]") })
    #expect(check.results.first?.violations == 4)
}
