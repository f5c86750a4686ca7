import Foundation
import KubeModel
import TestSupport
import Testing
import YAMLTree

@testable import Manifests

/// What loading gave: the cluster and the warnings, or the error.
private enum Outcome: Equatable {
    case loaded(Cluster, [Diagnostic])
    case failed(Diagnostic)
}

private func outcome(_ text: String, scanPods: Bool, keepGoing: Bool = false, listCutBytes: Int = 1 << 20)
    -> Outcome
{
    var options = LoadOptions(keepGoing: keepGoing)
    options.scanPods = scanPods
    options.listCutBytes = listCutBytes
    do {
        let result = try ManifestLoader.load(bytes: Array(text.utf8), name: "pods.yaml", options: options)
        return .loaded(result.cluster, result.warnings)
    } catch {
        return .failed(error)
    }
}

/// The scanner's pod for a one-document text, or nil when it leaves the document to the tree.
private func scanned(_ text: String) -> PodOrWorkload? {
    PodScanner.pod(
        in: Array(text.utf8)[...],
        origin: SourceMark(line: 1, column: 1),
        file: "pods.yaml",
        limits: .default,
        defaultNamespace: "default",
        forcedNamespace: nil
    )
}

private let livePod = """
    apiVersion: v1
    kind: Pod
    metadata:
      name: web-7d4b9-x2x
      namespace: shop
      uid: 0b1c
      managedFields:
        - manager: kubelet
          fieldsV1: {f:status: {f:conditions: {}}}
      ownerReferences:
        - apiVersion: apps/v1
          kind: ReplicaSet
          name: web-7d4b9
          controller: true
      labels:
        app: web
        pod-template-hash: 7d4b9
        empty: ~
      annotations:
        note: "hello: world"
    spec:
      hostNetwork: false
      containers:
        - name: main
          image: web:1
          env: [{name: A, value: b}]
          ports:
            - {name: http, containerPort: 8080}
            - {containerPort: 53, protocol: UDP, name: ~}
        - name: sidecar
    status:
      phase: Running
      podIP: 10.0.0.7
      podIPs: [{ip: 10.0.0.7}, {ip: "fd00::7"}]
      hostIP: 192.168.1.2
      conditions: [{type: Ready, status: "True"}]
    """

@Test func theScannerReadsALivePodAsTheTreeDoes() throws {
    let pod = try #require(scanned(livePod))
    #expect(pod.endpoint.name == "web-7d4b9")
    #expect(pod.endpoint.kind == "ReplicaSet")
    #expect(pod.podName == "web-7d4b9-x2x")
    #expect(pod.endpoint.labels == ["app": "web", "pod-template-hash": "7d4b9", "empty": ""])
    #expect(pod.endpoint.ports.count == 2)
    #expect(pod.endpoint.addresses.map(\.description) == ["10.0.0.7", "fd00::7"])
    #expect(pod.endpoint.location == SourceLocation(file: "pods.yaml", line: 1, column: 1))
    let viaTree = outcome(livePod, scanPods: false)
    #expect(outcome(livePod, scanPods: true) == viaTree)
    guard case .loaded(let cluster, _) = viaTree else {
        Issue.record("the pod did not load")
        return
    }
    #expect(cluster.endpoints.map(\.name) == ["web-7d4b9"])
}

@Test func theScannerReadsJSONAndAGluedSeparatorAtTheirPositions() throws {
    let json = #"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "labels": {"app": "a"}}}"#
    #expect(try #require(scanned(json)).endpoint.labels == ["app": "a"])
    let text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---" + livePod + "\n---\n" + json + "\n"
    #expect(outcome(text, scanPods: true) == outcome(text, scanPods: false))
}

/// Documents the scanner must leave to the tree: each one is read there with a message, or needs the tree.
@Test(arguments: [
    "kind: Pod\napiVersion: v1\nmetadata: &m {name: a}\nspec: {}\n",
    "kind: Pod\napiVersion: v1\nmetadata: {name: a, labels: {app: a}}\nx: &x 1\ny: *x\n",
    "kind: Pod\napiVersion: v1\nmetadata: {name: !!str a}\n",
    "kind: Pod\napiVersion: v1\nmetadata: {name: a}\nspec:\n  <<: {hostNetwork: true}\n",
    "kind: Pod\napiVersion: v1\nmetadata: {name: a}\nmetadata: {name: b}\n",
    "kind: Pod\napiVersion: v1\nmetadata: {name: a, annotations: {\"é\": 1, \"e\u{301}\": 2}}\n",
    "kind: Pod\napiVersion: v1\nmetadata: {name: Bad_Name}\n",
    "kind: Pod\napiVersion: v1\nmetadata: {name: a, labels: {\"bad key!\": x}}\n",
    "kind: Pod\napiVersion: v1\nmetadata: {name: a}\nspec: {containers: [{ports: [{containerport: 80}]}]}\n",
    "kind: Pod\napiVersion: v1\nmetadata: {name: a}\nstatus: {podIP: not-an-address}\n",
    "kind: Pod\napiVersion: v1\nmetadata: {name: a, annotations: {netreach.io/ignore: \"nonsense\"}}\n",
    "kind: Pod\napiVersion: v1\nmetadata: {name: a}\n...\nkind: Pod\n",
    "kind: Deployment\napiVersion: apps/v1\nmetadata: {name: a}\n",
    "kind: Pod\napiVersion: v1\n",
    "kind: ~\napiVersion: v1\nmetadata: {name: a}\n",
    "kind: Pod\nmetadata: {name: a}\n",
    "kind: Pod\napiVersion: v1\nmetadata: {name: a}\nspec: {hostNetwork: yes}\n",
    "kind: Pod\napiVersion: v1\nmetadata: {name: a}\nspec: {containers: [{ports: [{containerPort: 0}]}]}\n",
    "kind: Pod\napiVersion: v1\nmetadata: {name: a}\nspec: {containers: [{ports: [{containerPort: 80, protocol: udp}]}]}\n",
    "kind: Pod\napiVersion: v1\nmetadata: {name: a, ownerReferences: [{kind: \"no kind\", name: b}]}\n",
    "kind: Pod\napiVersion: v1\nmetadata: {name: a}\nspec: {containers: [{ports: [80]}]}\n",
    "kind: Pod\napiVersion: v1\nmetadata: {name: a}\nspec: [1]\n",
    "kind: Pod\napiVersion: v1\nmetadata: {name: a}\nspec: {containers: [{ports: [{containerPort: 80}]}]\n",
    "- kind: Pod\n",
    // A root `items` is a List's: the scanner stops there rather than read a whole cluster dump to the end.
    "kind: Pod\napiVersion: v1\nmetadata: {name: a}\nitems: []\n",
])
func theScannerLeavesToTheTreeWhatOnlyTheTreeReads(text: String) {
    #expect(scanned(text) == nil)
    for keepGoing in [false, true] {
        #expect(
            outcome(text, scanPods: true, keepGoing: keepGoing) == outcome(text, scanPods: false, keepGoing: keepGoing)
        )
    }
}

/// A pod document with a random choice, for every field the decoder reads, of a usual value, a null, a wrong
/// shape or a value that breaks a rule; nil choices leave the field out.
private func randomPod(_ random: inout SplitMix) -> String {
    // The first choice is the usual value; the others (one in ten of the fields) are nulls, wrong shapes and
    // values that break a rule.
    func field(_ key: String, _ choices: [String?], indent: String = "  ") -> String {
        guard let value = random.next() % 10 == 0 ? random.pick(choices) : choices[0] else { return "" }
        return "\(indent)\(key): \(value)\n"
    }
    var text = ""
    text += field("apiVersion", ["v1", "v1", "v1", "\"v1\"", "~", nil], indent: "")
    text += field("kind", ["Pod", "Pod", "Pod", "Pod", "'Pod'", "~", "Deployment", nil], indent: "")
    if random.next() % 20 != 0 {
        text += "metadata:\n"
        text += field("name", ["web-1", "web-1", "a.b", "Web_1", "\"\"", "~", "[x]", "\"a\\x07\"", nil])
        text += field("namespace", ["shop", "shop", "\"\"", "~", "Bad_NS", "{}", nil])
        text += field(
            "labels",
            [
                "{app: web}", "{app: web, tier: ~}", "{}", "~", "{\"bad key!\": x}", "{app: \"v@l\"}", "{a/b: c}", "x",
                "[app]", "{app: [x]}", nil,
            ]
        )
        text += field(
            "annotations",
            ["{note: hi}", "{note: ~}", "{netreach.io/ignore: \"default-allow: ok\"}", "{n: 1, n2: {x: y}}", "x", nil]
        )
        text += field(
            "ownerReferences",
            [
                "[{kind: ReplicaSet, name: rs-1, controller: true}]", "[{kind: Node, name: node-1, controller: true}]",
                "[{name: a}, {kind: StatefulSet, name: b, controller: \"true\"}]",
                "[{kind: StatefulSet, name: b, controller: TRUE}, {kind: ReplicaSet, name: c}]",
                "[{kind: \"bad kind\", name: x}]", "[{kind: ReplicaSet, name: Bad_Name}]", "[{kind: Job, name: ~}]",
                "[{kind: ~, name: j}]", "[]", "~", "x", "[x]", "{kind: Job}", "[{controller: [true], name: a}]", nil,
            ]
        )
        text += field("uid", ["abc", "{x: [1, {y: z}]}", nil])
    }
    let ports = [
        "{containerPort: 80}", "{containerPort: \"80\"}", "{containerPort: 0}", "{containerPort: 70000}",
        "{containerport: 80}", "{containerPort: 80, protocol: UDP}", "{containerPort: 80, protocol: udp}",
        "{containerPort: 80, name: http}", "{containerPort: 80, name: ~}", "{containerPort: ~}",
        "{containerPort: abc}", "{containerPort: 80, protocol: ~}", "{containerPort: +80}", "x",
    ]
    func port() -> String { random.next() % 8 == 0 ? random.pick(ports) : ports[random.pick([0, 5, 7])] }
    let container = "{name: c, image: i, ports: [\(port()), \(port())]}"
    text += field(
        "spec",
        [
            "{containers: [\(container)]}", "{containers: [\(container), {name: d}], hostNetwork: true}",
            "{hostNetwork: \(random.pick(["true", "false", "True", "FALSE", "yes", "~", "[]"]))}",
            "{containers: ~}", "{containers: x}", "{containers: [x]}", "{containers: [{ports: ~}]}",
            "{containers: [{ports: x}]}", "~", "x", "[]", nil,
        ],
        indent: ""
    )
    text += field(
        "status",
        [
            "{phase: Running, podIP: 10.0.0.1, hostIP: 192.168.0.1}", "{phase: Succeeded}", "{phase: Failed, podIP: ~}",
            "{podIP: not-ip}", "{podIPs: [{ip: 10.0.0.1}, {ip: \"fd00::1\"}]}", "{podIPs: [{ip: bad}]}",
            "{podIPs: [{}]}", "{podIPs: [x]}", "{podIPs: ~}", "{podIPs: x}", "{podIPs: {ip: 1.2.3.4}}",
            "{hostIP: bad}", "{hostIP: ~}", "{phase: ~}", "x", "[]", nil,
        ],
        indent: ""
    )
    if random.next() % 10 == 0 {
        text += random.pick(["extra: &a 1\nmore: *a\n", "metadata: {name: again}\n", "x: !!str y\n"])
    }
    return text
}

@Test func randomPodsLoadTheSameWithAndWithoutTheScanner() {
    var random = SplitMix(state: 18)
    var taken = 0
    var left = 0
    for seed in 0..<1500 {
        let text = randomPod(&random)
        if scanned(text) == nil { left += 1 } else { taken += 1 }
        let keepGoing = seed % 2 == 0
        let viaScanner = outcome(text, scanPods: true, keepGoing: keepGoing)
        let viaTree = outcome(text, scanPods: false, keepGoing: keepGoing)
        #expect(viaScanner == viaTree, "document \(seed):\n\(text)")
        if viaScanner != viaTree { return }
    }
    // Both paths are exercised: the scanner takes plain pods and leaves the rest.
    #expect(taken > 100)
    #expect(left > 100)
}

@Test func aStreamOfManyPodsLoadsTheSameWithAndWithoutTheScanner() {
    var random = SplitMix(state: 7)
    let text = (0..<300).map { _ in randomPod(&random) }.joined(separator: "---\n")
    #expect(outcome(text, scanPods: true, keepGoing: true) == outcome(text, scanPods: false, keepGoing: true))
    #expect(outcome(text, scanPods: true) == outcome(text, scanPods: false))
}

/// A pod past the tree's node limit is the tree's error, not a pod the scanner read: the scan counts scalars too.
@Test func aPodPastTheNodeLimitIsLeftToTheTree() {
    let text =
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nextra: [" + (0..<40).map(String.init).joined(separator: ", ")
        + "]\n"
    let limits = YAMLLimits(maxDepth: 64, maxNodes: 1000, maxBytes: 1 << 20, maxTreeNodes: 30)
    let pod = PodScanner.pod(
        in: Array(text.utf8)[...],
        origin: SourceMark(line: 1, column: 1),
        file: "pods.yaml",
        limits: limits,
        defaultNamespace: "default",
        forcedNamespace: nil
    )
    #expect(pod == nil)
    func load(scanPods: Bool) -> String {
        var options = LoadOptions(limits: limits)
        options.scanPods = scanPods
        do {
            return "\(try ManifestLoader.load(bytes: Array(text.utf8), name: "pods.yaml", options: options).cluster)"
        } catch {
            return error.description
        }
    }
    #expect(load(scanPods: true) == load(scanPods: false))
    #expect(load(scanPods: false).contains("pods.yaml:"))
}

// MARK: - Lists cut into items

/// `documents` as the items of a List in kubectl's layout: `- ` before each item's first line, two spaces before the
/// others, then `trailer`.
private func kubectlList(
    _ documents: [String],
    header: String = "apiVersion: v1\nitems:\n",
    trailer: String = "kind: List\nmetadata:\n  resourceVersion: \"\"\n"
) -> String {
    header
        + documents.map { document in
            document.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated().map {
                ($0.offset == 0 ? "- " : "  ") + $0.element + "\n"
            }.joined()
        }.joined() + trailer
}

/// Whether the List's items are cut by their text and read on every core (not left to the parser).
private func cutsItems(_ text: String, keepGoing: Bool = false) -> Bool {
    var options = LoadOptions(keepGoing: keepGoing)
    options.listCutBytes = 0
    return ListCut.decode(
        Array(text.utf8)[...],
        origin: SourceMark(line: 1, column: 1),
        file: "pods.yaml",
        options: options
    ) != nil
}

/// Random Lists of random pods (a tenth of their fields broken) and other objects read the same cut into items as
/// through the tree, with and without --keep-going: objects, warnings in order, or the same error at the same place.
@Test func randomListsReadTheSameCutIntoItemsAsThroughTheTree() {
    var random = SplitMix(state: 23)
    var cut = 0
    var left = 0
    let others = [
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {team: a}}\n",
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec: {podSelector: {}, ingress: [{ports: [{port: 80}]}]}\n",
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: q, namespace: shop}\nspec: {podSelector: {}, ingress: [{ports: [{port: x-y-z-too-long-name}]}]}\n",
        "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: shop}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: shop}\nspec: {template: {metadata: {labels: {app: d}}}}\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {items: \"- x\"}\n",
    ]
    for seed in 0..<300 {
        let documents = (0..<(1 + Int(random.next() % 12))).map { _ in
            random.next() % 4 == 0 ? random.pick(others) : randomPod(&random)
        }
        let text = kubectlList(documents)
        let keepGoing = seed % 2 == 0
        if cutsItems(text, keepGoing: keepGoing) { cut += 1 } else { left += 1 }
        let viaItems = outcome(text, scanPods: true, keepGoing: keepGoing, listCutBytes: 0)
        let viaTree = outcome(text, scanPods: false, keepGoing: keepGoing)
        #expect(viaItems == viaTree, "list \(seed):\n\(text)")
        if viaItems != viaTree { return }
    }
    // Both ways are exercised: plain Lists are cut, and Lists with a piece that reads otherwise alone are not.
    #expect(cut > 50)
    #expect(left > 50)
}

/// Lists in and out of kubectl's layout: each reads the same cut into items as through the tree, and is cut only
/// where the layout and the pieces allow.
@Test(
    arguments: [
        // (name, text, cut)
        (
            "plain",
            kubectlList([plainPod("a"), plainPod("b"), "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"]),
            true
        ),
        (
            "line ends \\r\\n",
            kubectlList([plainPod("a"), plainPod("b")]).replacingOccurrences(of: "\n", with: "\r\n"), true
        ),
        (
            "comments and blank lines between items",
            kubectlList([plainPod("a")]).replacingOccurrences(
                of: "kind: List",
                with: "# between\n\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: x}\n\nkind: List"
            ),
            true
        ),
        (
            "the List's keys after and before",
            kubectlList([plainPod("a")], header: "items:\n", trailer: "kind: List\napiVersion: v1\n"), true
        ),
        (
            "an item that cannot be read",
            kubectlList([plainPod("a"), "apiVersion: v1\nkind: Pod\nmetadata: {name: [x]}\n"]), false
        ),
        (
            "an alias between items",
            kubectlList([
                "apiVersion: v1\nkind: Pod\nmetadata: &m {name: a}\n", "apiVersion: v1\nkind: Pod\nmetadata: *m\n",
            ]), false
        ),
        (
            "a typed list whose items have no kind",
            kubectlList(["metadata: {name: a}\n", "metadata: {name: b}\n"], trailer: "kind: PodList\n"), false
        ),
        ("items that are not mappings", kubectlList(["x\n", "y\n"]), false),
        ("not a List", kubectlList([plainPod("a")], trailer: "kind: ConfigMap\n"), false),
        (
            "indented items",
            "apiVersion: v1\nitems:\n  - apiVersion: v1\n    kind: Pod\n    metadata: {name: a}\nkind: List\n", false
        ),
        ("no items", "apiVersion: v1\nitems: []\nkind: List\n", false),
        ("a second items key", kubectlList([plainPod("a")], trailer: "kind: List\nitems:\n- x\n"), false),
        (
            "a continuation at the first column",
            kubectlList([plainPod("a")]).replacingOccurrences(of: "kind: List", with: "more text\nkind: List"), false
        ),
        ("a sequence as the document", "- apiVersion: v1\n  kind: Pod\nitems:\n- x\n", false),
    ]
)
func listsInAndOutOfKubectlsLayoutReadAsTheTreeReadsThem(name: String, text: String, cut: Bool) {
    #expect(cutsItems(text) == cut, "\(name)")
    for keepGoing in [false, true] {
        #expect(
            outcome(text, scanPods: true, keepGoing: keepGoing, listCutBytes: 0)
                == outcome(text, scanPods: false, keepGoing: keepGoing),
            "\(name), keepGoing \(keepGoing):\n\(text)"
        )
    }
}

/// An item as deep as the limits allow inside a List, and one level deeper: the same answer cut into items (whose
/// depth is counted from the List) as through the tree.
@Test func anItemAtTheDepthLimitReadsAsInTheList() {
    func nested(_ depth: Int) -> String {
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a, annotations: {n: x}}\nextra: "
            + String(repeating: "[", count: depth)
            + String(repeating: "]", count: depth) + "\n"
    }
    for depth in 4...8 {
        let text = kubectlList([plainPod("b"), nested(depth)])
        let limits = YAMLLimits(maxDepth: 8, maxNodes: 1000, maxBytes: 1 << 20)
        #expect(
            loadedNames(text, limits: limits, cutting: true) == loadedNames(text, limits: limits, cutting: false),
            "depth \(depth)"
        )
    }
}

/// Aliases count against the limits over the whole List: items that each repeat nodes within the limit, but not all
/// of them together, fail as the whole document fails (the cut leaves Lists with aliases to the parser).
@Test func aliasesCountOverTheWholeList() {
    let item =
        "apiVersion: v1\nkind: Pod\nmetadata: {name: NAME}\nstatus: {a: &x [1, 2, 3, 4, 5, 6, 7, 8], b: [*x, *x, *x, *x]}\n"
    let items = (0..<10).map { item.replacingOccurrences(of: "NAME", with: "p\($0)") }
    let limits = YAMLLimits(maxDepth: 64, maxNodes: 200, maxBytes: 1 << 20)
    func load(_ text: String, cutting: Bool) -> String { loadedNames(text, limits: limits, cutting: cutting) }
    // One item alone is within the limits; the ten of them together are not.
    #expect(load(kubectlList([items[0]]), cutting: false) == "p0")
    let all = kubectlList(items)
    #expect(load(all, cutting: false).contains("alias"))
    #expect(load(all, cutting: true) == load(all, cutting: false))
}

/// The names of the endpoints `text` loads, cut into items (at any size) or through the tree, or the error with its
/// place.
private func loadedNames(_ text: String, limits: YAMLLimits, cutting: Bool) -> String {
    var options = LoadOptions(limits: limits)
    options.scanPods = cutting
    options.listCutBytes = 0
    do {
        return try ManifestLoader.load(bytes: Array(text.utf8), name: "list.yaml", options: options).cluster.endpoints
            .map(\.name).joined(separator: ",")
    } catch {
        return "\(error.location.map { "\($0)" } ?? ""): \(error.message)"
    }
}

private func plainPod(_ name: String) -> String {
    "apiVersion: v1\nkind: Pod\nmetadata: {name: \(name), namespace: shop, labels: {app: web}}\nspec: {containers: [{name: c}]}\n"
}

/// The kubectl dump of the fixtures (comments before the List, nodes, owned and completed pods, IPv6) is cut into
/// its items and reads the same as through the tree, with and without --keep-going.
@Test func theKubectlDumpIsCutAndReadsAsTheTreeReadsIt() throws {
    let path =
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path + "/Fixtures/kubectl-dump/dump.yaml"
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(cutsItems(text))
    for keepGoing in [false, true] {
        let viaItems = outcome(text, scanPods: true, keepGoing: keepGoing, listCutBytes: 0)
        #expect(viaItems == outcome(text, scanPods: false, keepGoing: keepGoing))
        guard case .loaded(let cluster, _) = viaItems else {
            Issue.record("the dump does not load: \(viaItems)")
            return
        }
        #expect(cluster.endpoints.count > 3)
    }
}
