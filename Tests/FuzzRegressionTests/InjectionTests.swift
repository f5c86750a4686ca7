import FuzzHarness
import KubeModel
import Reachability
import Testing

/// Values a pull request could write into a manifest to take over a terminal or a CI log.
private let hostile = [
    "web\u{1B}[2J\u{1B}]0;pwned\u{07}",
    "api\n::warning file=x::injected",
    "::error::starts-a-line",
    "db\r\nx,y|z<b>",
    "bidi\u{202E}lmth.exe",
    "c1\u{9B}31m",
    "tab\there",
]

/// A cluster holding the hostile values everywhere the model carries text, built as values so that nothing in
/// the loader stops them: only the writers stand between them and the output.
private func hostileCluster() -> Cluster {
    var namespaces: [Namespace] = []
    var endpoints: [Endpoint] = []
    var policies: [NetworkPolicy] = []
    var services: [Service] = []
    var waysIn: [WayIn] = []
    for (i, text) in hostile.enumerated() {
        // A Service and an Ingress (with a backend that is missing) for each: flows from the ingress controller,
        // warnings, audit findings and explanations that name them.
        services.append(
            Service(
                namespace: text,
                name: text,
                selector: ["app": "x"],
                ports: [ServicePort(name: text, port: 80, targetPort: .named(text), networkProtocol: .tcp)],
                type: i.isMultiple(of: 2) ? "LoadBalancer" : "ClusterIP",
                location: SourceLocation(file: "k8s/\(text).yaml", line: 20, column: 1)
            )
        )
        waysIn.append(
            WayIn(
                kind: i.isMultiple(of: 2) ? .ingress : .httpRoute,
                namespace: text,
                name: text,
                backends: [.init(service: text, port: nil), .init(service: "gone" + text, namespace: text, port: nil)],
                location: SourceLocation(file: "k8s/\(text).yaml", line: 30, column: 1)
            )
        )
        let file = "k8s/\(text).yaml"
        let ignore = "namespace-without-policy: \(text); egress-to-cloud-metadata: \(text)"
        namespaces.append(
            Namespace(
                name: text,
                labels: [text: text],
                location: SourceLocation(file: file, line: 1, column: 1),
                annotations: i.isMultiple(of: 2) ? [IgnoreAnnotation.key: ignore] : [:]
            )
        )
        for kind in ["Deployment", text] {
            endpoints.append(
                Endpoint(
                    namespace: text,
                    name: text,
                    kind: kind,
                    labels: ["app": "x", text: text],
                    ports: [ContainerPort(name: text, number: 80 + i)],
                    location: SourceLocation(file: file, line: 2 + i, column: 1),
                    annotations: i.isMultiple(of: 3) ? [IgnoreAnnotation.key: ignore] : [:]
                )
            )
        }
        if i.isMultiple(of: 2) {
            policies.append(
                NetworkPolicy(
                    namespace: text,
                    name: text,
                    podSelector: LabelSelector(matchLabels: [text: text]),
                    policyTypes: [.ingress],
                    ingress: [PolicyRule(ports: [PolicyPort(port: .named(text))])],
                    location: SourceLocation(file: file, line: 9, column: 1)
                )
            )
        }
    }
    // Admin policies whose names and rule names carry them (rule names are free text up to 100 characters): an
    // Allow, a Pass shadowed by it (audit names both), a baseline Deny, in explanations, findings and tooltips.
    var adminPolicies: [AdminPolicy] = []
    for (i, text) in hostile.enumerated() {
        let rules = [
            AdminRule(name: text, action: .allow, peers: [.pods(.namespaces(.everything))], ports: [.named(text)]),
            AdminRule(name: text + "2", action: .pass, peers: [.pods(.namespaces(.everything))], ports: [.named(text)]),
        ]
        adminPolicies.append(
            AdminPolicy(
                kind: i.isMultiple(of: 2) ? .adminNetworkPolicy : .clusterNetworkPolicy,
                name: text,
                tier: .admin,
                priority: i,
                subject: .pods(namespaceSelector: .everything, podSelector: LabelSelector(matchLabels: [text: text])),
                ingress: rules,
                egress: [
                    AdminRule(name: text, action: .deny, peers: [.domainNames([text]), .unrecognised(fields: [text])])
                ],
                location: SourceLocation(file: "k8s/admin-\(text).yaml", line: 1, column: 1)
            )
        )
    }
    return Cluster(
        namespaces: namespaces,
        endpoints: endpoints,
        policies: policies,
        services: services,
        waysIn: waysIn,
        adminPolicies: adminPolicies
    )
}

/// Rules whose names and descriptions carry the hostile values (YAML escapes), and that fail, so that every
/// check format prints them.
private let hostileRules = """
    rules:
      - name: "deny \\e[2J\\n::warning ::injected"
        description: "line one\\r\\n::error::two \\u202E"
        deny: {from: any, to: any}
      - name: "::error::named"
        no-default-allow: all
      - name: "fine"
        default-deny: 'api'
    """

/// The promise of the README's "Bad input" section: whatever the input holds, no output of netreach carries a byte
/// below 0x20 other than its own newlines and tabs, no DEL or C1 control, and no line that starts a GitHub Actions
/// workflow command other than the ones the `github` format writes, one per failing rule.
@Test func noInputValueInjectsALineOrAControlCharacterInAnyFormat() {
    let violations = FuzzPipeline.run(cluster: hostileCluster(), rules: Array(hostileRules.utf8))
    #expect(violations.isEmpty, "\(violations.map(\.description).joined(separator: "\n"))")
    // The hostile Services and ways in are in play: the ingress controller reaches the workloads, and the missing
    // backends are warned about.
    let model = PolicyEngine(cluster: hostileCluster()).compile()
    let answer = model.answer()
    #expect(answer.flows.contains { answer.peers[$0.source].name == "{ingress-controller}" })
    #expect(model.ingressWarnings().contains { $0.message.contains("which is not in the input") })
}

/// The check itself: it finds what it must (so a passing run above means something).
@Test func outputSafetyCheckCatchesInjection() {
    let benign = FuzzPipeline.run(cluster: Cluster(namespaces: [], endpoints: [], policies: []), rules: [])
    #expect(benign.isEmpty)
    #expect(FuzzPipeline.problem(in: "a\u{1B}[2J") != nil)
    #expect(FuzzPipeline.problem(in: "ok\n::warning x") != nil)
    #expect(FuzzPipeline.problem(in: "a\r\n") != nil)
    #expect(FuzzPipeline.problem(in: "a\u{9B}") != nil)
    #expect(FuzzPipeline.problem(in: "a\u{202E}b") != nil)
    #expect(FuzzPipeline.problem(in: "… ● ◐ · é") == nil)
    #expect(FuzzPipeline.problem(in: "fine\tline\n") == nil)
    #expect(FuzzPipeline.problem(in: "::error x\n", commands: 1) == nil)
}

@Test(arguments: hostile)
func displayEscapingLeavesNothingUnsafe(value: String) {
    let escaped = value.escapedForDisplay
    #expect(FuzzPipeline.problem(in: escaped) == nil)
    #expect(!escaped.contains("\n"))
}

@Test func displayEscapingKeepsOrdinaryTextAsItIs() {
    #expect("frontend/web[Deployment]".escapedForDisplay == "frontend/web[Deployment]")
    #expect("café ✓".escapedForDisplay == "café ✓")
    #expect("a\u{1B}b\\c".escapedForDisplay == "a\\x1bb\\\\c")
    #expect("::x".escapedForDisplay == "\\x3a:x")
    #expect("\u{202E}".escapedForDisplay == "\\u{202e}")
}
