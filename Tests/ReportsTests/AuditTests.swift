import Foundation
import KubeModel
import Manifests
import Reports
import TestSupport
import Testing

@testable import Reachability

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

private func audit(_ path: String) throws -> AuditReport {
    // Same-priority admin policies load as they do with --allow-same-priority (admin-same-priority's fixture).
    var options = LoadOptions()
    options.allowSamePriority = true
    return Auditor.audit(PolicyEngine(cluster: try ManifestLoader.load([path], options: options).cluster).analyze())
}

private func render(_ report: AuditReport, _ format: AuditFormat, isolation: Bool = false) -> String {
    var text = ""
    AuditReportWriter.write(report, format: format, isolation: isolation, to: &text)
    // As the CLI prints it when run from the repository root: relative paths, relative SARIF URIs.
    return text.replacingOccurrences(of: "file://" + root + "/", with: "").replacingOccurrences(
        of: root + "/",
        with: ""
    )
}

private func compare(_ actual: String, golden path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    Golden.check(actual, against: path, sourceLocation: sourceLocation)
}

private let auditRules = AuditRule.all.map(\.id)

@Test func everyRuleHasAFixturePair() throws {
    let folders = try FileManager.default.contentsOfDirectory(atPath: root + "/Fixtures/audit").sorted()
    #expect(folders == auditRules.sorted())
}

@Test(arguments: auditRules)
func ruleFiresOnItsPositiveFixtureAndStaysSilentOnItsTwin(rule: String) throws {
    let folder = root + "/Fixtures/audit/\(rule)"
    let positive = try audit(folder + "/positive")
    let negative = try audit(folder + "/negative")
    #expect(positive.findings.contains { $0.rule.id == rule }, "\(rule) must fire")
    #expect(!negative.findings.contains { $0.rule.id == rule }, "\(rule) must stay silent")
    compare(render(positive, .txt), golden: folder + "/positive/expected.txt")
    compare(render(negative, .txt), golden: folder + "/negative/expected.txt")
}

@Test func shopAuditMatchesItsGoldenFiles() throws {
    let report = try audit(root + "/examples/shop")
    compare(render(report, .txt, isolation: true), golden: root + "/Fixtures/shop/expected.audit.txt")
    compare(render(report, .json), golden: root + "/Fixtures/shop/expected.audit.json")
    compare(render(report, .sarif), golden: root + "/Fixtures/shop/expected.audit.sarif")
    compare(render(report, .github), golden: root + "/Fixtures/shop/expected.audit.github")
}

/// `-o github`: one workflow command per finding, of its severity, at its first location; then the summary.
@Test func githubAnnotatesEachFindingAtItsLocation() throws {
    let report = try audit(root + "/examples/shop")
    let lines = render(report, .github).split(separator: "\n").map(String.init)
    #expect(lines.count == report.findings.count + 1)
    for (line, finding) in zip(lines, report.findings) {
        let command = ["error": "::error ", "warning": "::warning ", "note": "::notice "][finding.severity.rawValue]
        #expect(line.hasPrefix(command ?? "?"), "\(line)")
        if let location = finding.locations.first {
            #expect(line.contains("line=\(location.line),col=\(location.column),"), "\(line)")
        }
        #expect(line.contains("title=netreach audit%3A \(finding.rule.id)::"))
    }
    #expect(lines.last?.hasPrefix("netreach audit: ") == true)
}

@Test func annotationSuppressesTheNamedFindingOnly() throws {
    let report = try audit(root + "/examples/shop")
    #expect(
        report.suppressed.map { "\($0.rule.id) \($0.subject) \($0.suppression ?? "")" } == [
            "reachable-from-any-address frontend/web[Deployment] public storefront behind the CDN"
        ]
    )
    #expect(
        !report.findings.contains {
            $0.rule.id == "reachable-from-any-address" && $0.subject == "frontend/web[Deployment]"
        }
    )
    #expect(AuditReportWriter.summary(report) == "3 errors, 8 warnings, 0 notes; 1 suppressed by netreach.io/ignore")
}

@Test func ignoreAnnotationTakesSeveralEntries() {
    let parsed = Auditor.ignoredEntries([
        "netreach.io/ignore": "host-network: node agent\negress-not-isolated; policy-shadowed: kept for clarity"
    ])
    #expect(
        parsed == [
            "host-network": "node agent", "egress-not-isolated": "no reason given",
            "policy-shadowed": "kept for clarity",
        ]
    )
}

@Test func isolationMatrixCallsOutIsolatedNamespaces() throws {
    let yaml = """
        apiVersion: v1
        kind: Pod
        metadata: {name: a, namespace: open}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: b, namespace: other}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: v, namespace: vault}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny, namespace: vault}
        spec: {podSelector: {}, policyTypes: [Ingress, Egress], ingress: [{from: [{podSelector: {}}]}], egress: [{to: [{podSelector: {}}]}]}
        """
    let result = PolicyEngine(cluster: try ManifestLoader.load(bytes: Array(yaml.utf8), name: "t.yaml").cluster)
        .analyze()
    let matrix = Auditor.isolationMatrix(result)
    #expect(matrix.namespaces == ["open", "other", "vault"])
    #expect(matrix.isolated == ["vault"])
    #expect(matrix.connections(0, 1) == .all)
    #expect(matrix.connections(0, 2) == .none)
}

/// Past `IsolationMatrix.mergeAbove` namespaces, the text grid and the JSON cells are between rows of namespaces that
/// show the same marks, and the rows are listed: 10,000 namespaces were a 100-million-cell grid.
@Test func aMatrixOfManyNamespacesIsMergedIntoRowsOfAlikeNamespaces() throws {
    var yaml = ""
    let count = IsolationMatrix.mergeAbove + 20
    for i in 0..<count {
        yaml += "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns-\(1000 + i)}\n---\n"
        // Every tenth namespace denies everything both ways.
        if i % 10 == 3 {
            yaml += """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny, namespace: ns-\(1000 + i)}
                spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
                ---

                """
        }
    }
    let report = Auditor.audit(
        PolicyEngine(cluster: try ManifestLoader.load(bytes: Array(yaml.utf8), name: "t.yaml").cluster).analyze()
    )
    let open = (0..<count).filter { $0 % 10 != 3 }.map { "ns-\(1000 + $0)" }
    let closed = (0..<count).filter { $0 % 10 == 3 }.map { "ns-\(1000 + $0)" }
    let text = render(report, .txt, isolation: true)
    #expect(text.contains("\(count) namespaces in 2 rows: namespaces with the same marks"))
    #expect(text.contains("from \\ to     ns-1000 +197  ns-1003 +21\n"))
    #expect(text.contains("ns-1000 +197 -> ns-1000 +197 : All Connections\n"))
    #expect(!text.contains("ns-1003 +21 -> "))
    #expect(text.contains("ns-1000 +197: \(open.joined(separator: ", "))\n"))
    #expect(text.contains("Isolated from all other namespaces: \(closed.joined(separator: ", "))\n"))
    let json = try JSONSerialization.jsonObject(with: Data(render(report, .json).utf8)) as? [String: Any]
    let isolation = try #require(json?["isolation"] as? [String: Any])
    #expect((isolation["namespaces"] as? [String])?.count == count)
    let rows = try #require(isolation["rows"] as? [[String: Any]])
    #expect(rows.map { $0["name"] as? String } == ["ns-1000 +197", "ns-1003 +21"])
    #expect(rows.map { $0["namespaces"] as? [String] } == [open, closed])
    let cells = try #require(isolation["connections"] as? [[String: String]])
    #expect(cells == [["from": "ns-1000 +197", "to": "ns-1000 +197", "conn": "All Connections"]])
    #expect(isolation["isolated"] as? [String] == closed)
}

/// SARIF must validate against the official 2.1.0 schema; `make deps` fetches it into .build/schemas.
@Test func sarifValidatesAgainstTheSchema() throws {
    let schema = root + "/.build/schemas/sarif-2.1.0.json"
    #expect(
        FileManager.default.fileExists(atPath: schema),
        "missing \(schema): run 'make deps' (scripts/fetch-schemas.sh)"
    )
    let report = try audit(root + "/examples/shop")
    let path = NSTemporaryDirectory() + "netreach-\(UUID().uuidString).sarif"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try render(report, .sarif).write(toFile: path, atomically: true, encoding: .utf8)
    let (status, output) = try runValidator(schema: schema, document: path)
    #expect(status == 0, "SARIF does not validate:\n\(output)")
}

@Test func schemaValidatorRejectsInvalidSARIF() throws {
    let schema = root + "/.build/schemas/sarif-2.1.0.json"
    #expect(FileManager.default.fileExists(atPath: schema), "missing \(schema): run 'make deps'")
    let path = NSTemporaryDirectory() + "netreach-\(UUID().uuidString).sarif"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try #"{"version": "2.1.0", "runs": [{"results": []}]}"#.write(toFile: path, atomically: true, encoding: .utf8)
    let (status, output) = try runValidator(schema: schema, document: path)
    #expect(status == 1)
    #expect(output.contains("'tool' is a required property"))
}

/// The checks read the compiled model only: the class-level answer has the same one, and the same verdicts.
@Test func checksReadTheCompiledModel() throws {
    let cluster = try ManifestLoader.load([root + "/examples/shop"]).cluster
    let answer = PolicyEngine(cluster: cluster).analyze()
    let rules = try RulesLoader.load(root + "/examples/shop/rules.yaml")
    let compiled = PolicyEngine(cluster: cluster).compile()
    let report = try Checker.check(rules, against: compiled)
    #expect(try report == Checker.check(rules, against: answer.model))
    #expect(report.failed == 2)
}

/// `reachable-from-all-namespaces` follows from the selector, not from how many namespaces the input holds: a
/// repository with one other namespace (or none) is told too.
@Test(arguments: [
    ("{}", true),
    ("{matchExpressions: [{key: kubernetes.io/metadata.name, operator: Exists}]}", true),
    ("{matchLabels: {team: core}}", false),
])
func everyNamespaceFollowsFromTheSelector(selector: String, fires: Bool) throws {
    let yaml = """
        apiVersion: v1
        kind: Pod
        metadata: {name: redis, namespace: argocd, labels: {app: redis}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: redis, namespace: argocd}
        spec:
          podSelector: {matchLabels: {app: redis}}
          ingress: [{from: [{namespaceSelector: \(selector)}], ports: [{port: 6379}]}]
        """
    let result = PolicyEngine(cluster: try ManifestLoader.load(bytes: Array(yaml.utf8), name: "t.yaml").cluster)
        .analyze()
    let found = Auditor.audit(result).findings.filter { $0.rule.id == "reachable-from-all-namespaces" }
    #expect(found.count == (fires ? 1 : 0))
    if fires {
        #expect(
            found.first?.message
                == "argocd/redis[Pod] is reachable from every namespace, present or future, on TCP 6379"
        )
        #expect(
            found.first?.evidence.map(\.text) == [
                "spec.ingress[0] of NetworkPolicy argocd/redis admits every namespace"
            ]
        )
    }
}

private func auditYAML(_ yaml: String) throws -> AuditReport {
    Auditor.audit(
        PolicyEngine(cluster: try ManifestLoader.load(bytes: Array(yaml.utf8), name: "t.yaml").cluster).analyze()
    )
}

private let threeWorkers = (1...3).map {
    "apiVersion: v1\nkind: Pod\nmetadata: {name: w\($0), namespace: t, labels: {app: worker}}\n---\n"
}.joined()

/// One `egress: [{}]` rule is one cause: one finding at the rule, listing the endpoints it opens, with a fix for
/// the rule as written (it has no 'to'), not three findings per workload.
@Test func oneAllowAllEgressRuleIsOneFinding() throws {
    let report = try auditYAML(
        threeWorkers + """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: workers, namespace: t}
            spec: {podSelector: {matchLabels: {app: worker}}, policyTypes: [Egress], egress: [{}]}
            """
    )
    let egress = report.findings.filter { $0.rule.id.hasPrefix("egress-to-") }
    #expect(egress.count == 1)
    #expect(egress.first?.rule.id == "egress-to-cloud-metadata")
    #expect(
        egress.first?.message
            == "spec.egress[0] of NetworkPolicy t/workers lets 3 endpoints connect to the cloud metadata API 169.254.169.254 on TCP 80: it allows every address on every port"
    )
    #expect(egress.first?.fix.hasPrefix("give the rule a 'to'") == true)
    #expect(egress.first?.evidence.map(\.text) == ["t/w1[Pod]", "t/w2[Pod]", "t/w3[Pod]"])
    #expect(egress.first?.locations.first?.line == 16)
}

/// KALM's NP-004: TCP 10250 to a pod selector reaches the kubelets through the nodes' host-network pods.
@Test func theKubeletPortTowardsPodsIsAKubeletFinding() throws {
    let report = try auditYAML(
        threeWorkers + """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: workers, namespace: t}
            spec:
              podSelector: {matchLabels: {app: worker}}
              policyTypes: [Egress]
              egress: [{to: [{namespaceSelector: {}}], ports: [{port: 10000, endPort: 11000}]}]
            """
    )
    let kubelet = report.findings.filter { $0.rule.id == "egress-to-kubelet" }
    #expect(
        kubelet.map(\.message) == [
            "spec.egress[0] of NetworkPolicy t/workers lets 3 endpoints connect to the kubelet port TCP 10250 of pods, which include the nodes' host-network pods"
        ]
    )
    // All ports to pods is not this finding: only a rule that names the port.
    let allPorts = try auditYAML(
        threeWorkers + """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: workers, namespace: t}
            spec: {podSelector: {matchLabels: {app: worker}}, policyTypes: [Egress], egress: [{to: [{podSelector: {}}]}]}
            """
    )
    #expect(!allPorts.findings.contains { $0.rule.id == "egress-to-kubelet" })
}

@Test func aRuleFindingIsSuppressedOnThePolicyOrOnEveryEndpointItOpens() throws {
    let policy = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: workers, namespace: t, annotations: ANNOTATIONS}
        spec: {podSelector: {matchLabels: {app: worker}}, policyTypes: [Egress], egress: [{}]}
        """
    let onPolicy = try auditYAML(
        threeWorkers
            + policy.replacingOccurrences(
                of: "ANNOTATIONS",
                with: "{netreach.io/ignore: \"egress-to-cloud-metadata: crawler\"}"
            )
    )
    #expect(onPolicy.suppressed.map(\.rule.id) == ["egress-to-cloud-metadata"])
    let annotated = threeWorkers.replacingOccurrences(
        of: "labels: {app: worker}}",
        with: "labels: {app: worker}, annotations: {netreach.io/ignore: \"egress-to-cloud-metadata: crawler\"}}"
    )
    let onEndpoints = try auditYAML(annotated + policy.replacingOccurrences(of: "ANNOTATIONS", with: "{}"))
    #expect(onEndpoints.suppressed.map(\.suppression) == ["crawler"])
    #expect(!onEndpoints.findings.contains { $0.rule.id == "egress-to-cloud-metadata" })
}

/// A finding's evidence names the first peers by name, whatever order the classes that hold them come in: here the
/// class of `a-1` also holds `z-1`…`z-6`, and the five `b-` pods are a class of their own.
@Test(arguments: [false, true])
func evidenceNamesTheFirstPeersByNameAcrossClasses(twoGroups: Bool) throws {
    var pods = ["a-1": "x", "web": "w"]
    for i in 1...6 {
        pods["z-\(i)"] = "x"
        pods["b-\(i)"] = "y"
    }
    // A policy that reads `role` (and selects nothing) splits the pods into classes by it. Without a rule no rule
    // tells the classes apart: one pair group, whose first endpoints interleave its classes' members. With a rule
    // whose peer is role x, the peers of web fall in two pair groups (x, and y with web itself).
    var yaml = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: reads-role, namespace: n}
        spec:
          podSelector: {matchLabels: {role: nobody}}
          policyTypes: [Ingress]
          ingress: \(twoGroups ? "[{from: [{podSelector: {matchLabels: {role: x}}}]}]" : "[]")

        """
    for (name, role) in pods.sorted(by: { $0.key < $1.key }) {
        yaml += "---\napiVersion: v1\nkind: Pod\nmetadata: {name: \(name), namespace: n, labels: {role: \(role)}}\n"
    }
    let loaded = try ManifestLoader.load(bytes: Array(yaml.utf8), name: "evidence.yaml")
    let result = PolicyEngine(cluster: loaded.cluster).analyze()
    #expect(result.model.classes.count == 3 && Set(result.classFlows.groups.groupOf).count == (twoGroups ? 2 : 1))
    let report = Auditor.audit(result)
    let finding = try #require(
        report.findings.first { $0.rule.id == "ingress-not-isolated" && $0.subject == "n/web[Pod]" }
    )
    let named = finding.evidence.map(\.text).filter { $0.contains(" => n/web[Pod]") }.map {
        String($0.prefix { $0 != " " })
    }
    // Every address first ("0…" sorts before letters), then the pods by name; none of the z- pods.
    #expect(named == ["0.0.0.0-255.255.255.255", "n/a-1[Pod]", "n/b-1[Pod]", "n/b-2[Pod]", "n/b-3[Pod]"])
}
