import Foundation
import KubeModel
import Manifests
import Testing

@Test func everyWorkloadKindIsAnEndpointWithTemplateLabelsAndPorts() throws {
    var text = ""
    for kind in ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"] {
        let api = kind == "ReplicationController" ? "v1" : (kind == "Job" ? "batch/v1" : "apps/v1")
        text += """
            apiVersion: \(api)
            kind: \(kind)
            metadata: {name: \(kind.lowercased()), namespace: ns}
            spec:
              template:
                metadata: {labels: {kind: \(kind.lowercased())}}
                spec:
                  containers:
                    - name: c
                      ports: [{name: http, containerPort: 8080}, {containerPort: 53, protocol: UDP}]
            ---

            """
    }
    text += """
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: nightly, namespace: ns}
        spec:
          schedule: "0 3 * * *"
          jobTemplate:
            spec:
              template:
                metadata: {labels: {kind: cronjob}}
                spec:
                  containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]
        """
    let endpoints = try load(text).cluster.endpoints
    #expect(
        endpoints.map(\.id) == [
            "ns/daemonset[DaemonSet]", "ns/deployment[Deployment]", "ns/job[Job]", "ns/nightly[CronJob]",
            "ns/replicaset[ReplicaSet]", "ns/replicationcontroller[ReplicationController]",
            "ns/statefulset[StatefulSet]",
        ]
    )
    let deployment = try #require(endpoints.first { $0.kind == "Deployment" })
    #expect(deployment.labels == ["kind": "deployment"])
    #expect(
        deployment.ports == [
            ContainerPort(name: "http", number: 8080), ContainerPort(name: nil, number: 53, networkProtocol: .udp),
        ]
    )
    #expect(endpoints.first { $0.kind == "CronJob" }?.labels == ["kind": "cronjob"])
}

@Test func workloadWithoutNamespaceIsInDefault() throws {
    let text =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {template: {metadata: {labels: {a: b}}}}\n"
    let result = try load(text)
    #expect(result.cluster.endpoints.map(\.id) == ["default/web[Deployment]"])
    #expect(
        result.warnings.map(\.description) == [
            "warning: namespace 'default' not defined in the input; assumed to exist with only the label kubernetes.io/metadata.name"
        ]
    )
}

@Test func podsOfOneOwnerAreOneEndpointNamedForTheOwner() throws {
    let text = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web-7d9f-abcde
          namespace: shop
          labels: {app: web}
          ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7d9f, controller: true}]
        spec: {containers: [{name: c, ports: [{name: http, containerPort: 80}]}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: web-7d9f-fghij
          namespace: shop
          labels: {app: web}
          ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7d9f, controller: true}]
        spec: {containers: [{name: c, ports: [{name: http, containerPort: 80}]}]}
        """
    let result = try load(text)
    #expect(result.cluster.endpoints.map(\.id) == ["shop/web-7d9f[ReplicaSet]"])
    #expect(result.cluster.endpoints[0].ports == [ContainerPort(name: "http", number: 80)])
}

@Test func ownerReferenceWithoutKindIsReportedAsPod() throws {
    let text =
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p-1\n  ownerReferences: [{name: owner, controller: true}]\n"
    #expect(try load(text).cluster.endpoints.map(\.id) == ["default/owner[Pod]"])
}

@Test func mirrorPodsOwnedByANodeStayPods() throws {
    let text =
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: etcd-node1\n  namespace: kube-system\n  ownerReferences: [{apiVersion: v1, kind: Node, name: node1, controller: true}]\n"
    #expect(try load(text).cluster.endpoints.map(\.id) == ["kube-system/etcd-node1[Pod]"])
}

@Test func podsOfOneOwnerWithDifferentLabelsWarn() throws {
    let text = """
        apiVersion: v1
        kind: Pod
        metadata: {name: a, labels: {app: x}, ownerReferences: [{kind: DaemonSet, name: ds, controller: true}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: b, labels: {app: y}, ownerReferences: [{kind: DaemonSet, name: ds, controller: true}]}
        """
    let result = try load(text)
    #expect(result.cluster.endpoints.map(\.labels) == [["app": "x"]])
    #expect(
        result.warnings.first?.description
            == "test.yaml:5:1: warning: pod 'b' has other labels than pod 'a' of the same owner default/ds[DaemonSet]; netreach uses the labels of 'a' for all of them"
    )
}

/// Pods of many owners, interleaved: each owner's pods merge in reading order, the endpoints come out sorted by id,
/// and the warnings in reading order (the merge sorts by id; the warnings must not follow it).
@Test func podsOfInterleavedOwnersMergeInReadingOrder() throws {
    var text = ""
    for i in 0..<60 {
        let owner = ["web", "db", "api", "cache"][(i * 7) % 4]
        let label = i % 9 == 0 ? "odd" : owner
        text += """
            apiVersion: v1
            kind: Pod
            metadata: {name: \(owner)-\(i), labels: {app: \(label)}, ownerReferences: [{kind: ReplicaSet, name: \(owner), controller: true}]}
            spec: {containers: [{ports: [{containerPort: \(8000 + i % 3)}]}]}
            ---

            """
    }
    text += "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: web}\n---\n"
    text += "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: web}\n"
    let result = try load(text)
    #expect(
        result.cluster.endpoints.map(\.id) == [
            "default/api[ReplicaSet]", "default/cache[ReplicaSet]", "default/db[ReplicaSet]", "default/web[ReplicaSet]",
        ]
    )
    #expect(result.cluster.endpoints.allSatisfy { $0.ports.map(\.number) == [8000, 8001, 8002] })
    let merged = result.warnings.filter {
        $0.group == "pods of one owner with other labels" || $0.group == "objects defined again"
    }
    let lines = merged.compactMap { $0.location?.line }
    #expect(lines.count == merged.count)
    #expect(lines == lines.sorted())
    // Pods 0, 9, ... 54 are labelled `odd`. Pod 0 is the first of `web`, so the 13 other `web` pods not labelled
    // `odd` warn; `cache` (9, 45), `api` (18, 54) and `db` (27) warn once per `odd` pod. The ReplicaSet `web` read
    // after its pods takes their place without a warning, and is then defined again.
    #expect(merged.filter { $0.group == "pods of one owner with other labels" }.count == 18)
    #expect(merged.last?.message.hasPrefix("default/web[ReplicaSet] is defined again") == true)
}

@Test func kubectlListsAndTypedListsWhoseItemsOmitKind() throws {
    let text = """
        apiVersion: v1
        kind: List
        items:
          - {apiVersion: v1, kind: Namespace, metadata: {name: a, labels: {env: prod}}}
          - {apiVersion: v1, kind: Pod, metadata: {name: p, namespace: a}}
        ---
        apiVersion: v1
        kind: PodList
        items:
          - metadata: {name: q, namespace: a}
        ---
        apiVersion: v1
        kind: NamespaceList
        items:
          - metadata: {name: b}
        """
    let cluster = try load(text).cluster
    #expect(cluster.namespaces.map(\.name) == ["a", "b"])
    #expect(cluster.namespaces[0].labels["env"] == "prod")
    #expect(cluster.endpoints.map(\.id) == ["a/p[Pod]", "a/q[Pod]"])
}

@Test func listItemWithoutKindInAPlainListIsAnError() {
    let e = loadError("apiVersion: v1\nkind: List\nitems:\n  - metadata: {name: q}\n")
    #expect(e?.message == "items[0] of a List has no 'kind'")
    #expect(e?.location?.description == "test.yaml:4:5")
}

@Test func helmTemplateOutputWithCommentsAndEmptyDocumentsLoads() throws {
    let text = """
        ---
        # Source: chart/templates/unused.yaml
        ---
        # Source: chart/templates/pod.yaml
        apiVersion: v1
        kind: Pod
        metadata:
          name: "release-web"
          labels:
            app.kubernetes.io/name: web
        ---

        ...
        """
    let result = try load(text)
    #expect(result.cluster.endpoints.map(\.id) == ["default/release-web[Pod]"])
}

@Test func gluedDocumentSeparatorIsReadAsKubectlDoes() throws {
    let text =
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\n"
    let result = try load(text)
    #expect(result.cluster.endpoints.map(\.id) == ["a/p[Pod]"])
    #expect(
        result.warnings.map(\.description) == [
            "test.yaml:4:1: warning: '---' is followed by text on the same line; read as a document separator, as kubectl does (put a line break after '---')"
        ]
    )
}

@Test func positionsAfterAGluedSeparatorAreExact() {
    let text =
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec: {podSelector: {}, ingress: [{ports: [{port: 0}]}]}\n"
    #expect(loadError(text)?.location?.description == "test.yaml:7:51")
}

@Test func unsupportedKindsAreSummarizedInOneWarning() throws {
    let text = """
        apiVersion: v1
        kind: Service
        metadata: {name: s}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: c1}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: c2}
        ---
        apiVersion: crd.projectcalico.org/v1
        kind: NetworkPolicy
        metadata: {name: calico}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        """
    let result = try load(text)
    #expect(result.cluster.policies.isEmpty)
    #expect(
        result.warnings.last?.description
            == "warning: skipped 3 objects of unsupported kinds: ConfigMap (2), NetworkPolicy (crd.projectcalico.org) (1)"
    )
}

@Test func nonKubernetesDocumentsAreSkippedWithOneWarning() throws {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n---\nname: not-a-manifest\n---\n- a\n- list\n"
    let result = try load(text)
    #expect(result.cluster.endpoints.count == 1)
    #expect(
        result.warnings.last?.description
            == "warning: skipped 2 documents that are not Kubernetes objects (no kind/apiVersion), first at test.yaml:5:1"
    )
}

@Test func directoriesAreSearchedRecursivelyForManifestExtensions() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
    let pod = { (name: String) in Data("apiVersion: v1\nkind: Pod\nmetadata: {name: \(name)}\n".utf8) }
    FileManager.default.createFile(atPath: dir + "/a.yaml", contents: pod("a"))
    FileManager.default.createFile(atPath: dir + "/sub/b.yml", contents: pod("b"))
    FileManager.default.createFile(
        atPath: dir + "/sub/c.json",
        contents: Data(#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "c"}}"#.utf8)
    )
    FileManager.default.createFile(atPath: dir + "/sub/notes.txt", contents: pod("ignored"))
    let result = try ManifestLoader.load([dir])
    #expect(result.cluster.endpoints.map(\.name) == ["a", "b", "c"])
}

@Test func standardInputIsReadForDash() throws {
    let result = try ManifestLoader.load(["-"]) {
        Array("apiVersion: v1\nkind: Pod\nmetadata: {name: from-stdin}\n".utf8)
    }
    #expect(result.cluster.endpoints.map(\.id) == ["default/from-stdin[Pod]"])
}

@Test func errorsFromStandardInputNameIt() {
    #expect(throws: Diagnostic.self) {
        try ManifestLoader.load(["-"]) { Array("a: [\n".utf8) }
    }
    do {
        _ = try ManifestLoader.load(["-"]) { Array("a: [\n".utf8) }
    } catch {
        #expect(error.location?.file == "-")
    }
}

@Test func containerPortWithMisspelledFieldIsIgnoredWithAWarning() throws {
    let text =
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      ports: [{name: udps, containerport: 3535}]\n"
    let result = try load(text)
    #expect(result.cluster.endpoints[0].ports.isEmpty)
    #expect(
        result.warnings.first?.description
            == "test.yaml:7:15: warning: spec.containers[0].ports[0] has no 'containerPort' (found 'containerport'; field names are case-sensitive); the port is ignored"
    )
}

@Test func policyDecodingResolvesPeersPortsAndTypes() throws {
    let text = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: p, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: db}}
          egress:
            - to:
                - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
                - namespaceSelector: {}
                  podSelector: {matchLabels: {app: x}}
              ports:
                - {port: 53, protocol: UDP}
                - {port: 8000, endPort: 8080}
                - {port: dns-tcp}
          ingress:
            - {}
        """
    let policy = try #require(try load(text).cluster.policies.first)
    #expect(policy.policyTypes == [.ingress, .egress])
    #expect(
        policy.ingress == [
            PolicyRule(peers: nil, ports: nil, location: SourceLocation(file: "test.yaml", line: 16, column: 7))
        ]
    )
    let rule = try #require(policy.egress.first)
    #expect(
        rule.peers == [
            .ipBlock(IPBlock(cidr: try #require(CIDR("10.0.0.0/8")), except: [try #require(CIDR("10.1.0.0/16"))])),
            .pods(podSelector: LabelSelector(matchLabels: ["app": "x"]), namespaceSelector: .everything),
        ]
    )
    #expect(
        rule.ports == [
            PolicyPort(networkProtocol: .udp, port: .number(53)),
            PolicyPort(networkProtocol: .tcp, port: .number(8000), endPort: 8080),
            PolicyPort(networkProtocol: .tcp, port: .named("dns-tcp")),
        ]
    )
}

@Test func emptyEgressListDoesNotAddEgressToPolicyTypes() throws {
    let text =
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec: {podSelector: {}, egress: []}\n"
    #expect(try load(text).cluster.policies.first?.policyTypes == [.ingress])
}

@Test func podsOfAWorkloadInTheInputAreThatWorkload() throws {
    let workload =
        "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: web-1, namespace: s}\nspec: {template: {metadata: {labels: {app: web}}}}\n---\n"
    let pod =
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web-1-x, namespace: s, labels: {app: web, pod-template-hash: x}, ownerReferences: [{kind: ReplicaSet, name: web-1, controller: true}]}\nspec: {containers: [{name: c, ports: [{name: http, containerPort: 80}]}]}\n---\n"
    for text in [workload + pod, pod + workload] {
        let result = try load(text)
        #expect(result.cluster.endpoints.map(\.id) == ["s/web-1[ReplicaSet]"])
        #expect(result.cluster.endpoints[0].labels == ["app": "web"])
        #expect(result.cluster.endpoints[0].ports == [ContainerPort(name: "http", number: 80)])
        #expect(result.cluster.endpoints[0].location?.line == (text.hasPrefix("apiVersion: apps") ? 1 : 6))
        #expect(
            !result.warnings.contains { $0.message.contains("defined again") || $0.message.contains("other labels") }
        )
    }
}

@Test func aWorkloadDefinedTwiceWarns() throws {
    let workload =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {template: {metadata: {labels: {app: web}}}}\n---\n"
    let result = try load(workload + workload)
    #expect(result.cluster.endpoints.count == 1)
    #expect(
        result.warnings.first?.description
            == "test.yaml:6:1: warning: default/web[Deployment] is defined again (first at test.yaml:1:1); the first definition is used"
    )
}

/// kubectl prints a List's `kind` after its `items`: items that name their kind are read as they come, items of a
/// typed list that omit it wait for the List's kind, and every error is located and in item order. A document
/// of another kind that happens to hold `items` is not read as a List.
@Test func listItemsAreReadWhateverComesFirst() throws {
    let text = """
        apiVersion: v1
        items:
          - {apiVersion: v1, kind: Pod, metadata: {name: p, namespace: a}}
          - metadata: {name: q, namespace: a}
        kind: PodList
        ---
        apiVersion: v1
        items:
          - {apiVersion: v1, kind: Pod, metadata: {name: ghost, namespace: a}}
        kind: ConfigMap
        metadata: {name: c}
        """
    let result = try load(text)
    #expect(result.cluster.endpoints.map(\.id) == ["a/p[Pod]", "a/q[Pod]"])
    #expect(result.warnings.contains { $0.message.contains("ConfigMap (1)") })
    let bad = """
        apiVersion: v1
        items:
          - {apiVersion: v1, kind: Pod, metadata: {name: ok}}
          - {apiVersion: v1, kind: Pod, metadata: {name: p, labels: {"a": [x]}}}
          - metadata: {name: q}
        kind: List
        """
    let e = loadError(bad)
    #expect(e?.location?.description == "test.yaml:4:67")
    let kept = try load(bad, keepGoing: true)
    #expect(kept.cluster.endpoints.map(\.id) == ["default/ok[Pod]"])
    #expect(kept.warnings.filter { $0.message.hasPrefix("skipped object: ") }.map(\.location?.line) == [4, 5])
}

/// The items of a long List are decoded in batches on other cores while the parser reads on: objects, warnings and
/// errors come out in item order, exactly as the same objects read one document at a time, wherever batch
/// boundaries fall (items that wait for the List's kind and items that fail included).
@Test func aLongListReadsAsItsItemsOneByOne() throws {
    var items: [String] = []
    var documents: [String] = []
    for i in 0..<3_000 {
        let namespace = "ns\(i % 7)"
        // Every 97th pod has a port without containerPort (a warning); every 101st omits its kind (it waits).
        let ports = i % 97 == 0 ? "spec: {containers: [{name: c, ports: [{name: web}]}]}" : "spec: {}"
        let kind = i % 101 == 0 ? "" : "kind: Pod, apiVersion: v1, "
        items.append(
            "  - {\(kind)metadata: {name: p\(i), namespace: \(namespace), labels: {i: \"\(i % 5)\"}}, \(ports)}"
        )
        documents.append(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p\(i), namespace: \(namespace), labels: {i: \"\(i % 5)\"}}\n\(ports)\n"
        )
    }
    let list = try load("apiVersion: v1\nitems:\n" + items.joined(separator: "\n") + "\nkind: PodList\n")
    let separate = try load(documents.joined(separator: "---\n"))
    #expect(list.cluster.endpoints.count == 3_000)
    #expect(list.cluster.endpoints.map(\.id) == separate.cluster.endpoints.map(\.id))
    #expect(list.cluster.endpoints.map(\.labels) == separate.cluster.endpoints.map(\.labels))
    let listWarnings = list.warnings.map(\.message)
    #expect(listWarnings.count == separate.warnings.count)
    #expect(listWarnings.filter { $0.contains("has no 'containerPort'") }.count == 31)
    // The same item order: item i's warning names items[i].
    let paths = list.warnings.compactMap { $0.message.split(separator: " ").first.map(String.init) }.filter {
        $0.hasPrefix("spec.containers")
    }
    #expect(paths.count == 31)
    let lines = list.warnings.filter { $0.message.contains("containerPort") }.compactMap(\.location?.line)
    #expect(lines == lines.sorted())
    #expect(lines.first == 3)
    // An item that cannot be read stops the List at that item, wherever it falls; --keep-going skips it alone.
    var broken = items
    broken[2_500] = "  - {kind: Pod, apiVersion: v1, metadata: {name: bad, labels: {a: [x]}}}"
    let text = "apiVersion: v1\nitems:\n" + broken.joined(separator: "\n") + "\nkind: PodList\n"
    #expect(loadError(text)?.location?.line == 2_503)
    let kept = try load(text, keepGoing: true)
    #expect(kept.cluster.endpoints.count == 2_999)
    #expect(kept.warnings.filter { $0.message.hasPrefix("skipped object: ") }.map(\.location?.line) == [2_503])
}
