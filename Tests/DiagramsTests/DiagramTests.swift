import Foundation
import KubeModel
import Manifests
import Reachability
import TestSupport
import Testing

@testable import Diagrams

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

private func shop() throws -> Reachability {
    PolicyEngine(cluster: try ManifestLoader.load([root + "/examples/shop"]).cluster).analyze()
}

private func analyze(_ yaml: String) throws -> Reachability {
    PolicyEngine(cluster: try ManifestLoader.load(bytes: Array(yaml.utf8), name: "t.yaml").cluster).analyze()
}

/// The Diagram value as text, one node or edge per line, for golden comparison.
private func dump(_ diagram: Diagram) -> String {
    var out = "title: \(diagram.title)\nlayout: \(diagram.layout.rawValue)\n"
    for node in diagram.nodes {
        let flags = [node.isFocus ? "focus" : nil, node.ingressOpen ? "ingress-open" : nil].compactMap { $0 }.joined(
            separator: ","
        )
        out +=
            "node \(node.id) [\(node.kind)] ns=\(node.namespace ?? "-") \(flags.isEmpty ? "" : "(\(flags)) ")label=\(node.label.debugDescription) tooltip=\(node.tooltip.debugDescription)\n"
    }
    for edge in diagram.edges {
        out +=
            "edge \(edge.from) -> \(edge.to) \(edge.protection) flows=\(edge.flowCount) label=\(edge.label)\n"
    }
    return out
}

private func compare(_ actual: String, golden name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    Golden.check(actual, against: "Fixtures/shop/" + name, sourceLocation: sourceLocation)
}

@Test(arguments: ["full", "namespaces", "to-db", "from-web"])
func shopViewsMatchTheirGoldenDiagramAndDOT(view name: String) throws {
    let result = try shop()
    let index = { (id: String) in result.cluster.endpoints.firstIndex { $0.id == id } ?? -1 }
    let view: DiagramView
    switch name {
    case "full": view = .full
    case "namespaces": view = .namespaces
    case "to-db": view = .to([index("db/postgres[StatefulSet]")])
    default: view = .from([index("frontend/web[Deployment]")])
    }
    let diagram = try DiagramBuilder.build(result, view: view)
    compare(dump(diagram), golden: "diagram-\(name).txt")
    compare(DOTWriter.dot(diagram), golden: "diagram-\(name).dot")
}

@Test func endpointsWithIdenticalConnectivityMergeIntoOneNode() throws {
    var yaml = ""
    for name in ["a", "b", "c"] {
        yaml +=
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: \(name), namespace: x}\nspec: {template: {metadata: {labels: {tier: web, app: \(name)}}}}\n---\n"
    }
    yaml +=
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: db, namespace: x}\nspec: {template: {metadata: {labels: {app: db}}}}\n---\n"
    yaml +=
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x}\nspec: {podSelector: {}, policyTypes: [Ingress, Egress], ingress: [{from: [{podSelector: {matchLabels: {tier: web}}}], ports: [{port: 5432}]}], egress: [{to: [{podSelector: {matchLabels: {app: db}}}]}]}\n"
    let diagram = try DiagramBuilder.build(try analyze(yaml), view: .full)
    #expect(diagram.nodes.map(\.label) == ["a, b, c\n(3 workloads)", "db\n[Deployment]"])
    #expect(diagram.nodes[0].tooltip == "x/a[Deployment]\nx/b[Deployment]\nx/c[Deployment]")
    #expect(diagram.edges.map { "\($0.from)->\($0.to) \($0.label) \($0.flowCount)" } == ["n0->n1 TCP 5432 3"])
}

@Test func mergingKeepsEndpointsWithDifferentAnswersApart() throws {
    var yaml = ""
    for (name, port) in [("a", 80), ("b", 81)] {
        yaml += "apiVersion: v1\nkind: Pod\nmetadata: {name: \(name), namespace: x, labels: {app: \(name)}}\n---\n"
        yaml +=
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: \(name), namespace: x}\nspec: {podSelector: {matchLabels: {app: \(name)}}, policyTypes: [Ingress, Egress], ingress: [{ports: [{port: \(port)}]}]}\n---\n"
    }
    let diagram = try DiagramBuilder.build(try analyze(yaml), view: .full)
    #expect(diagram.nodes.filter { $0.kind == .endpoints }.count == 2)
}

@Test func tooLargeDiagramsAreRefusedWithAdvice() throws {
    #expect(
        throws: Diagnostic(
            "the diagram would have 12 nodes and 16 edges after merging, more than netreach draws legibly (5 nodes, 100 edges)",
            hint: "draw the namespace overview with --namespaces, or one question with --to or --from"
        )
    ) {
        try DiagramBuilder.build(try shop(), view: .full, maxNodes: 5, maxEdges: 100)
    }
}

@Test func layoutEngineFollowsSize() {
    #expect(LayoutEngine.choose(nodes: 10, edges: 50) == .dot)
    #expect(LayoutEngine.choose(nodes: 100, edges: 200) == .dot)
    #expect(LayoutEngine.choose(nodes: 80, edges: 200) == .sfdp)
    #expect(LayoutEngine.choose(nodes: 11, edges: 71) == .dot)
    #expect(LayoutEngine.choose(nodes: 31, edges: 150) == .sfdp)
    #expect(LayoutEngine.choose(nodes: 2000, edges: 201) == .sfdp)
}

@Test func largeDiagramsUseSfdpWithLabelsAsTooltips() throws {
    let diagram = Diagram(
        title: "t",
        nodes: [
            .init(
                id: "n0",
                label: "a",
                kind: .endpoints,
                namespace: "x",
                tooltip: "x/a",
                isFocus: false,
                ingressOpen: false
            )
        ],
        edges: [.init(from: "n0", to: "n0", label: "TCP 80", protection: .rules, flowCount: 2)],
        layout: .sfdp
    )
    let text = DOTWriter.dot(diagram)
    #expect(text.contains("layout=sfdp"))
    #expect(text.contains(#""n0" -> "n0" [tooltip="TCP 80 (2 flows)"];"#))
}

@Test func readableAddressRanges() {
    func range(_ a: String, _ b: String) -> IPRange {
        IPRange(family: .v4, bounds: (IPAddress(a)?.value ?? 0)...(IPAddress(b)?.value ?? 0))
    }
    #expect(DiagramBuilder.readable(range("0.0.0.0", "255.255.255.255")) == ["any IPv4 address"])
    #expect(DiagramBuilder.readable(range("10.0.0.0", "10.2.255.255")) == ["10.0.0.0/15", "10.2.0.0/16"])
    #expect(DiagramBuilder.readable(range("10.0.0.5", "10.0.0.5")) == ["10.0.0.5/32"])
    #expect(DiagramBuilder.readable(range("0.0.0.0", "9.255.255.255")) == ["0.0.0.0/5", "8.0.0.0/7"])
    #expect(DiagramBuilder.readable(range("0.0.0.0", "10.255.255.255")) == ["0.0.0.0-10.255.255.255"])
    #expect(DiagramBuilder.readable(range("0.0.0.0", "127.255.255.255")) == ["0.0.0.0/1"])
    // Halves and quarters of the IPv6 space: a /0 span does not fit in 128 bits (it trapped before).
    func range6(_ a: String, _ b: String) -> IPRange {
        IPRange(family: .v6, bounds: (IPAddress(a)?.value ?? 0)...(IPAddress(b)?.value ?? 0))
    }
    let top = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
    #expect(DiagramBuilder.readable(range6("::", "7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")) == ["::/1"])
    #expect(DiagramBuilder.readable(range6("8000::", top)) == ["8000::/1"])
    #expect(
        DiagramBuilder.readable(range6("::", "bfff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")) == ["::/1", "8000::/2"]
    )
    #expect(DiagramBuilder.readable(range6("::", top)) == ["any IPv6 address"])
}

@Test func dotQuotingEscapes() {
    #expect(DOTWriter.quote("a\"b\\c\nd") == #""a\"b\\c\nd""#)
    #expect(DOTWriter.escapeHTML("<a & \"b\">") == "&lt;a &amp; &quot;b&quot;&gt;")
}

@Test(arguments: [RenderFormat.svg, .png, .pdf])
func rendersInProcess(format: RenderFormat) throws {
    let diagram = try DiagramBuilder.build(try shop(), view: .namespaces)
    let rendered = try GraphvizRenderer.render(diagram, format: format)
    let magic: [UInt8]
    switch format {
    case .png: magic = [0x89, 0x50, 0x4E, 0x47]
    case .pdf: magic = Array("%PDF".utf8)
    default: magic = []
    }
    #expect(rendered.bytes.count > 1000)
    if format == .svg {
        #expect(String(decoding: rendered.bytes, as: UTF8.self).contains("<svg"))
    } else {
        #expect(Array(rendered.bytes.prefix(4)) == magic)
    }
}

@Test func graphvizMessagesAreCaughtNotPrinted() throws {
    let rendered = try GraphvizRenderer.render(dot: "digraph { a [shape=nosuchshape] }", engine: "dot", format: "svg")
    #expect(rendered.warnings.contains { $0.contains("nosuchshape") })
}

@Test func unreadableDOTIsARenderError() {
    #expect(throws: Diagnostic.self) {
        try GraphvizRenderer.render(dot: "digraph { a -> }", engine: "dot", format: "svg")
    }
}

@Test func focusOnAnUnreachableEndpointSaysSo() throws {
    let yaml = """
        apiVersion: v1
        kind: Pod
        metadata: {name: vault, namespace: x}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny, namespace: x}
        spec: {podSelector: {}, policyTypes: [Ingress]}
        """
    let diagram = try DiagramBuilder.build(try analyze(yaml), view: .to([0]))
    #expect(diagram.title == "Who can reach x/vault[Pod]: nothing can (network plugin: --cni generic)")
    #expect(diagram.nodes.map(\.isFocus) == [true])
}

@Test func diagramsRefuseTooManyFlowsButTheNamespaceOverviewDrawsAnySize() throws {
    let cluster = try ManifestLoader.load([root + "/examples/shop"]).cluster
    let compact = PolicyEngine(cluster: cluster).analyze()
    let error = #expect(throws: Diagnostic.self) {
        try DiagramBuilder.build(compact, view: .full, maxFlows: 5)
    }
    #expect(error?.message == "the cluster has 14 flows between endpoints, more than netreach draws from (5)")
    // The overview reads the class-level answer, and gives what the endpoint flows give.
    let overview = try DiagramBuilder.build(compact, view: .namespaces, maxFlows: 5)
    #expect(overview.edges.map(\.flowCount).reduce(0, +) == compact.flowCount)
}

/// Past 20 namespaces the overview is a grid with the marks of `audit --isolation`.
@Test func manyNamespacesAreDrawnAsAMatrix() throws {
    var yaml = ""
    for i in 0..<21 {
        yaml += "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns\(String(format: "%02d", i))}\n---\n"
    }
    yaml += """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: only-web, namespace: ns00}
        spec: {podSelector: {}, ingress: [{ports: [{port: 80}]}]}
        """
    let diagram = try DiagramBuilder.build(try analyze(yaml), view: .namespaces)
    let matrix = try #require(diagram.matrix)
    try #require(matrix.namespaces.count == 21 && matrix.marks.count == 21)
    #expect(diagram.nodes.isEmpty)
    #expect(matrix.marks[1][0] == .some)
    #expect(matrix.marks[0][1] == .all)
    #expect(matrix.marks[0][0] == .none)
    let dot = DOTWriter.dot(diagram)
    #expect(dot.contains("row may open connections to column: &#x25CF; all, &#x25D0; some ports, &#xB7; none"))
    #expect(dot.contains("Reachability between 21 namespaces"))
    let rendered = try GraphvizRenderer.render(diagram, format: .svg)
    #expect(String(decoding: rendered.bytes, as: UTF8.self).contains("<svg"))
}

/// Past `IsolationMatrix.mergeAbove` namespaces, the grid's rows are namespaces with the same marks (10,000
/// namespaces were a 100-million-cell grid that took 16 GB to draw).
@Test func thousandsOfNamespacesAreDrawnAsRowsOfAlikeNamespaces() throws {
    var yaml = ""
    let count = IsolationMatrix.mergeAbove + 1
    for i in 0..<count {
        yaml += "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns-\(1000 + i)}\n---\n"
    }
    yaml += """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: only-web, namespace: ns-1000}
        spec: {podSelector: {}, ingress: [{ports: [{port: 80}]}]}
        """
    let diagram = try DiagramBuilder.build(try analyze(yaml), view: .namespaces)
    let matrix = try #require(diagram.matrix)
    #expect(matrix.namespaces == ["ns-1000", "ns-1001 +\(count - 2)"])
    #expect(matrix.marks == [[.none, .all], [.some, .all]])
    #expect(diagram.title.hasPrefix("Reachability between \(count) namespaces (2 rows: namespaces with the same marks"))
    let rendered = try GraphvizRenderer.render(diagram, format: .svg)
    #expect(String(decoding: rendered.bytes, as: UTF8.self).contains("ns&#45;1001 +\(count - 2)"))
}

/// Argo CD's Redis: its clients have no egress policy, but Redis admits exactly them. Those edges are the
/// destination's choice, not "unprotected"; a pod that nothing protects is.
@Test func edgesSayWhatProtectsTheDestination() throws {
    let yaml = """
        apiVersion: v1
        kind: Pod
        metadata: {name: server, namespace: argocd, labels: {app: server}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: redis, namespace: argocd, labels: {app: redis}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: redis, namespace: argocd}
        spec:
          podSelector: {matchLabels: {app: redis}}
          policyTypes: [Ingress, Egress]
          ingress: [{from: [{podSelector: {matchLabels: {app: server}}}], ports: [{port: 6379}]}]
        """
    let diagram = try DiagramBuilder.build(try analyze(yaml), view: .full)
    let byLabel = Dictionary(uniqueKeysWithValues: diagram.nodes.map { ($0.id, $0.label) })
    let edges = diagram.edges.map { "\(byLabel[$0.from] ?? "?") -> \(byLabel[$0.to] ?? "?"): \($0.protection)" }
    #expect(
        edges == [
            "server\n[Pod] -> redis\n[Pod]: openEgress",
            "server\n[Pod] -> any IPv4 address: openIngress",
            "any IPv4 address -> server\n[Pod]: openIngress",
        ]
    )
    let dot = DOTWriter.dot(diagram)
    #expect(dot.contains("admitted by the destination's rules; the source has no egress policy"))
    #expect(dot.contains("unprotected: nothing guards the destination"))
    #expect(!dot.contains("allowed by rules on both sides"))
    #expect(diagram.title == "Reachability of 2 endpoints in 1 namespace (network plugin: --cni generic)")
}

/// Arrows both ways between two nodes are written in one direction (the second with `dir=back`), so dot draws
/// them side by side, each with its label, instead of one line with the labels on top of each other.
@Test func arrowsBothWaysAreDrawnSideBySide() {
    let node = { (id: String) in
        Diagram.Node(
            id: id,
            label: id,
            kind: .endpoints,
            namespace: nil,
            tooltip: "",
            isFocus: false,
            ingressOpen: false
        )
    }
    let diagram = Diagram(
        title: "t",
        nodes: [node("n0"), node("n1")],
        edges: [
            .init(from: "n0", to: "n1", label: "All Connections", protection: .rules, flowCount: 1),
            .init(from: "n1", to: "n0", label: "TCP 80", protection: .rules, flowCount: 1),
        ],
        layout: .dot
    )
    let lines = DOTWriter.dot(diagram).split(separator: "\n").filter { $0.contains("->") }
    #expect(
        lines == [
            #"  "n0" -> "n1" [label="All Connections", tooltip="All Connections (1 flow)"];"#,
            #"  "n0" -> "n1" [dir=back, label="TCP 80", tooltip="TCP 80 (1 flow)"];"#,
        ]
    )
}

/// An edge names the rules that admit its flows at either hop (its tooltip in SVG); a default-allow hop names none.
@Test func edgesNameTheRulesThatAdmitThem() throws {
    let result = try shop()
    let postgres = try #require(result.cluster.endpoints.firstIndex { $0.name == "postgres" })
    let diagram = try DiagramBuilder.build(result, view: .to([postgres]))
    let edge = try #require(diagram.edges.first { $0.label == "TCP 5432" })
    #expect(edge.rules == ["NetworkPolicy backend/api, egress rule 1", "NetworkPolicy db/postgres, ingress rule 1"])
    #expect(
        DOTWriter.dot(diagram).contains(
            "admitted by NetworkPolicy backend/api, egress rule 1\\nNetworkPolicy db/postgres, ingress rule 1"
        )
    )
    let monitoring = try #require(result.cluster.endpoints.firstIndex { $0.name == "prometheus" })
    let open = try DiagramBuilder.build(result, view: .from([monitoring]))
    // prometheus has no egress policy; api's ingress rule for it is the only rule.
    let toAPI = try #require(open.edges.first { $0.label == "TCP 9100" })
    #expect(toAPI.rules.allSatisfy { $0.contains("ingress rule") } && !toAPI.rules.isEmpty)
}

/// The diagram of a diff draws only the changed flows: added green, removed red and dashed, changed orange with
/// old → new on the label, the legend naming only what is drawn.
@Test func aDiffIsDrawnAsItsChanges() throws {
    let pods = """
        apiVersion: v1
        kind: Pod
        metadata: {name: api, namespace: x, labels: {app: api}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: db, namespace: x, labels: {app: db}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: old, namespace: x, labels: {app: old}}
        ---

        """
    let policy = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: db, namespace: x}
        spec: {podSelector: {matchLabels: {app: db}}, ingress: [{from: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: 5432}]}]}
        """
    let old = try analyze(pods + policy.replacingOccurrences(of: "port: 5432", with: "port: 5433"))
    let new = try analyze(pods.replacingOccurrences(of: "name: old", with: "name: new") + policy)
    let diff = ReachabilityDiff(old: old, new: new, filter: DiffFilter(focus: ["db"]))
    let diagram = try DiagramBuilder.build(diff, settings: EngineSettings())
    let changes = Dictionary(grouping: diagram.edges, by: { $0.change })
    #expect(changes[.changed]?.map(\.label) == ["TCP 5433 → TCP 5432"])
    // db now reaches new and no longer old (its egress is open; its ingress admits only api).
    #expect(changes[.added]?.count == 1 && changes[.removed]?.count == 1)
    let dot = DOTWriter.dot(diagram)
    #expect(dot.contains("label=\"TCP 5433 → TCP 5432\"") && dot.contains("color=\"#ca6f1e\""))
    #expect(dot.contains("style=dashed") && dot.contains("&#x254C;&#x254C;&#x25B6; removed"))
    #expect(!dot.contains("allowed by rules on both sides"))
    #expect(diagram.title.hasPrefix("Changes: 1 flow added, 1 removed, 1 changed; 1 workload added, 1 removed"))
    #expect(throws: Diagnostic.self) { try DiagramBuilder.build(diff, settings: EngineSettings(), maxEdges: 2) }
}

/// Ways in are drawn as their own nodes with a dashed arrow to the workloads they bring outside traffic to: the
/// shop's Ingress (with its host) to the storefront, its LoadBalancer to the API; a question about the database
/// shows neither (no way in reaches it).
@Test func waysInAreDrawnAsTheirOwnNodes() throws {
    let result = PolicyEngine(cluster: try ManifestLoader.load([root + "/examples/shop"]).cluster).analyze()
    func ways(_ diagram: Diagram) -> [String] {
        let label = Dictionary(uniqueKeysWithValues: diagram.nodes.map { ($0.id, $0.label) })
        return diagram.edges.filter(\.isWayIn).map {
            "\(label[$0.from] ?? "?") -> \(label[$0.to] ?? "?") : \($0.label)"
        }.sorted()
    }
    let full = try DiagramBuilder.build(result, view: .full)
    #expect(
        ways(full) == [
            "Ingress frontend/shop\nshop.example.com -> web\n[Deployment] : TCP 8080",
            "LoadBalancer\nbackend/api-public -> api\n[Deployment] : TCP 443",
        ]
    )
    let web = try #require(result.cluster.endpoints.firstIndex { $0.name == "web" })
    #expect(ways(try DiagramBuilder.build(result, view: .to([web]))).count == 1)
    let db = try #require(result.cluster.endpoints.firstIndex { $0.name == "postgres" })
    #expect(ways(try DiagramBuilder.build(result, view: .to([db]))).isEmpty)
    #expect(DOTWriter.dot(full).contains("a way in: the Service or route that brings outside traffic"))
}

/// A Gateway route's way in names its Gateway, and without host names of its own shows the listeners' host names.
@Test func gatewayRoutesShowTheirGatewayAndItsHosts() throws {
    let result = try analyze(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: shop, labels: {app: web}}
        spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: public, namespace: infra}
        spec: {gatewayClassName: example, listeners: [{name: https, port: 443, protocol: HTTPS, hostname: shop.example.com}]}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: web, namespace: shop}
        spec: {parentRefs: [{name: public, namespace: infra}], rules: [{backendRefs: [{name: web, port: 80}]}]}
        """
    )
    #expect(result.cluster.gateways.map(\.id) == ["infra/public"])
    #expect(result.cluster.gateways.first?.listeners.map(\.port) == [443])
    let diagram = try DiagramBuilder.build(result, view: .full)
    #expect(diagram.nodes.contains { $0.label == "HTTPRoute shop/web\nshop.example.com\nvia Gateway infra/public" })
}

/// A flow an admin-tier rule admits is drawn bold, with the rule in its tooltip and a legend line; one the
/// namespaces' policies admit is not.
@Test func flowsAnAdminRuleAdmitsAreDrawnBold() throws {
    var yaml = ""
    for name in ["a", "b"] {
        yaml +=
            "apiVersion: v1\nkind: Pod\nmetadata: {name: \(name), namespace: \(name), labels: {app: \(name)}}\nspec: {containers: [{name: c}]}\n---\n"
    }
    yaml +=
        "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: a-in}\nspec: {priority: 1, subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: a}}}, ingress: [{name: from-b, action: Allow, from: [{namespaces: {}}], ports: [{portNumber: {port: 80}}]}, {name: rest, action: Deny, from: [{namespaces: {}}]}]}\n---\n"
    yaml +=
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: b-in, namespace: b}\nspec: {podSelector: {}, ingress: [{from: [{namespaceSelector: {}}], ports: [{port: 443}]}]}\n"
    let diagram = try DiagramBuilder.build(try analyze(yaml), view: .full)
    let edges = diagram.edges.filter { !$0.isWayIn && $0.label.hasPrefix("TCP") }
    #expect(edges.map { "\($0.label) \($0.isTierDecided)" }.sorted() == ["TCP 443 false", "TCP 80 true"])
    #expect(edges.first { $0.label == "TCP 80" }?.rules == ["AdminNetworkPolicy a-in, ingress rule 1 'from-b'"])
    let dot = DOTWriter.dot(diagram)
    #expect(dot.contains("penwidth=3"))
    #expect(dot.contains("bold: an admin or baseline rule admits it"))
}
