import Foundation
import KubeModel
import Manifests
import Testing

// Inputs as repositories hold them (issue 12): Helm charts, Go templates, kustomize trees, manifests without a
// namespace.

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

private func write(_ files: [String: String], in dir: String) throws {
    for (path, text) in files {
        let full = dir + "/" + path
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        #expect(FileManager.default.createFile(atPath: full, contents: Data(text.utf8)))
    }
}

private let template = """
    {{- if .Values.networkPolicy.enabled }}
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: {{ include "redis.fullname" . }}
    spec:
      podSelector: {}
    {{- end }}

    """

private let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop, labels: {app: web}}\n"

@Test func aHelmChartInADirectoryIsSkippedWithTheCommandThatRendersIt() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try write(
        [
            "charts/redis/Chart.yaml": "apiVersion: v2\nname: redis\nversion: 1.0.0\n",
            "charts/redis/values.yaml": "networkPolicy: {enabled: true}\n",
            "charts/redis/templates/networkpolicy.yaml": template,
            "manifests/web.yaml": pod,
        ],
        in: dir
    )
    let result = try ManifestLoader.load([dir])
    #expect(result.cluster.endpoints.map(\.id) == ["shop/web[Pod]"])
    let charts = result.warnings.filter { $0.group == "Helm charts skipped" }
    #expect(charts.count == 1)
    #expect(charts.first?.message.contains("helm template redis \(dir)/charts/redis | netreach list -") == true)
}

@Test func aChartAloneIsAnErrorThatSaysItIsAChart() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try write(["Chart.yaml": "name: x\n", "templates/np.yaml": template], in: dir)
    let error = #expect(throws: Diagnostic.self) { try ManifestLoader.load([dir]) }
    #expect(
        error?.message
            == "no manifests in directory '\(dir)': it is a Helm chart, whose templates are manifests only once Helm renders them"
    )
    #expect(error?.hint?.hasPrefix("render the chart and read the result: helm template ") == true)
}

@Test func aTemplateFileIsNamedAsOneAtItsFirstBraces() throws {
    let error = #expect(throws: Diagnostic.self) {
        try ManifestLoader.load(bytes: Array(template.utf8), name: "np.yaml")
    }
    #expect(error?.message.hasPrefix("'np.yaml' is a template, not a manifest") == true)
    #expect(error?.location == SourceLocation(file: "np.yaml", line: 1, column: 1))
    #expect(error?.notes.first?.message.hasPrefix("reading it as YAML stopped here:") == true)
    // A manifest that only quotes braces (an alerting rule's text) is read as it is.
    let quoted = pod.replacingOccurrences(
        of: "labels: {app: web}",
        with: "labels: {app: web}, annotations: {summary: \"{{ $labels.instance }} is down\"}"
    )
    #expect(try ManifestLoader.load(bytes: Array(quoted.utf8), name: "ok.yaml").cluster.endpoints.count == 1)
}

@Test func withKeepGoingATemplateIsSkippedWholeAndTheEmptyResultSaysWhy() throws {
    // None of a template is read, not even a document of it that happens to parse.
    let mixed = #expect(throws: Diagnostic.self) {
        try ManifestLoader.load(
            bytes: Array((template + "---\n" + pod).utf8),
            name: "mixed.yaml",
            options: LoadOptions(keepGoing: true)
        )
    }
    #expect(mixed?.earlier.map(\.group) == ["templates skipped"])
    let error = #expect(throws: Diagnostic.self) {
        try ManifestLoader.load(bytes: Array(template.utf8), name: "np.yaml", options: LoadOptions(keepGoing: true))
    }
    #expect(error?.message == "no Kubernetes objects to analyze in 'np.yaml'")
    #expect(error?.hint?.hasPrefix("what was skipped are templates") == true)
}

@Test func anOverlayIsReadThroughItsKustomizationWithoutItsPatches() throws {
    let prod = try ManifestLoader.load([root + "/examples/kustomize/overlays/prod"])
    // The overlay's `namespace:` places its resources and the base's, as kustomize does.
    #expect(prod.cluster.endpoints.map(\.id) == ["shop-prod/api[Deployment]", "shop-prod/redis[StatefulSet]"])
    #expect(prod.cluster.policies.map(\.id) == ["shop-prod/api-ingress", "shop-prod/default-deny", "shop-prod/redis"])
    // One warning for the tree, none about duplicates: the patch is not an object, the base is read once.
    #expect(prod.warnings.map(\.group) == ["kustomizations read without kustomize", nil])
    #expect(
        prod.warnings.first?.message.hasSuffix(
            "kubectl kustomize \(root)/examples/kustomize/overlays/prod | netreach list -"
        ) == true
    )
}

@Test func aTreeOfVariantsWarnsOncePerKustomizationAndReadsTheBaseOnce() throws {
    let all = try ManifestLoader.load([root + "/examples/kustomize"])
    #expect(all.warnings.filter { $0.group == "kustomizations read without kustomize" }.count == 3)
    #expect(!all.warnings.contains { $0.group == "paths skipped" || $0.group == "objects defined again" })
    // The base once as itself and once under each overlay's namespace: three variants, no collision.
    #expect(
        all.cluster.endpoints.map(\.id) == [
            "default/api[Deployment]", "default/redis[StatefulSet]", "shop-dev/api[Deployment]",
            "shop-dev/redis[StatefulSet]", "shop-prod/api[Deployment]", "shop-prod/redis[StatefulSet]",
        ]
    )
}

@Test func kustomizeResourcesThatAreRemoteOrMissingAreNamed() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try write(
        [
            "kustomization.yaml":
                "resources:\n- web.yaml\n- missing.yaml\n- https://github.com/x/y//base?ref=v1\npatches:\n- path: web-patch.yaml\n",
            "web.yaml": pod,
            "web-patch.yaml": pod.replacingOccurrences(of: "name: web", with: "name: patched"),
        ],
        in: dir
    )
    let result = try ManifestLoader.load([dir])
    #expect(result.cluster.endpoints.map(\.id) == ["shop/web[Pod]"])
    let messages = result.warnings.map(\.message)
    #expect(messages.contains { $0.contains("missing.yaml") && $0.contains("cannot be read") })
    #expect(messages.contains { $0.contains("remote resource 'https://github.com/x/y//base?ref=v1'") })
}

@Test func aKustomizeResourceOutsideTheTreeIsNotRead() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try write(
        ["secret.yaml": pod, "app/kustomization.yaml": "resources:\n- ../secret.yaml\n", "app/web.yaml": pod],
        in: dir
    )
    let error = #expect(throws: Diagnostic.self) { try ManifestLoader.load([dir + "/app"]) }
    #expect(error?.earlier.contains { $0.message.contains("outside the directory and the working directory") } == true)
}

@Test func objectsWithoutANamespaceTakeTheOneGivenWithN() throws {
    let text = """
        apiVersion: v1
        kind: Pod
        metadata: {name: web, labels: {app: web}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: db, namespace: data}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny}
        spec: {podSelector: {}}

        """
    let result = try ManifestLoader.load(
        bytes: Array(text.utf8),
        name: "t.yaml",
        options: LoadOptions(defaultNamespace: "shop")
    )
    #expect(result.cluster.endpoints.map(\.id) == ["data/db[Pod]", "shop/web[Pod]"])
    #expect(result.cluster.policies.map(\.id) == ["shop/deny"])
    #expect(try load(text).cluster.policies.map(\.id) == ["default/deny"])
}

@Test func rulesThatPolicyTypesLeaveOutAreWarnedAbout() throws {
    let text = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web, namespace: t}
        spec:
          podSelector: {}
          policyTypes: [Egress]
          ingress:
            - ports: [{port: 80}]

        """
    let result = try load(text)
    #expect(
        result.warnings.first?.message
            == "NetworkPolicy 't/web' has spec.ingress rules, but its policyTypes leave Ingress out: Kubernetes accepts it and those rules do nothing"
    )
    #expect(result.warnings.first?.location?.line == 8)
    // Without policyTypes, Kubernetes derives them from the rules: nothing is left out.
    #expect(
        try load(text.replacingOccurrences(of: "  policyTypes: [Egress]\n", with: "")).warnings.allSatisfy {
            $0.group != "rules that policyTypes leave out"
        }
    )
}

@Test func aKustomizationNamespaceThatIsNoNameIsRefused() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try write(
        ["kustomization.yaml": "namespace: \"Bad\\u001b[31m\"\nresources: [web.yaml]\n", "web.yaml": pod],
        in: dir
    )
    let result = try ManifestLoader.load([dir])
    #expect(
        result.warnings.contains {
            $0.message.hasPrefix("cannot read the kustomization") && $0.message.contains("is not a namespace name")
        }
    )
    #expect(result.cluster.endpoints.map(\.id) == ["shop/web[Pod]"])
}

@Test func aKustomizationLinkedFromOutsideTheTreeIsNotRead() throws {
    let outside = try temporaryDirectory()
    let dir = try temporaryDirectory()
    defer {
        try? FileManager.default.removeItem(atPath: dir)
        try? FileManager.default.removeItem(atPath: outside)
    }
    try write(["kustomization.yaml": "resources: [web.yaml]\n"], in: outside)
    try write(["web.yaml": pod], in: dir)
    try FileManager.default.createSymbolicLink(
        atPath: dir + "/kustomization.yaml",
        withDestinationPath: outside + "/kustomization.yaml"
    )
    let result = try ManifestLoader.load([dir])
    #expect(result.warnings.contains { $0.message.contains("a symbolic link out of the tree netreach reads") })
    #expect(result.cluster.endpoints.map(\.id) == ["shop/web[Pod]"])
}

@Test func kustomizationsThatListEachOtherEnd() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try write(
        [
            "kustomization.yaml": "resources: [a]\n",
            "a/kustomization.yaml": "namespace: one\nresources: [., ../b, web.yaml]\n",
            "a/web.yaml": pod,
            "b/kustomization.yaml": "namespace: two\nresources: [../a, extra]\n",
            "b/extra/db.yaml": pod.replacingOccurrences(of: "name: web", with: "name: db"),
        ],
        in: dir
    )
    let result = try ManifestLoader.load([dir])
    // a's namespace wins over b's for everything a reaches, as kustomize's outer namespace does.
    #expect(result.cluster.endpoints.map(\.id) == ["one/db[Pod]", "one/web[Pod]"])
    #expect(!result.warnings.contains { $0.message.contains("already searched") })
}

@Test func podIPsAreReadFromStatusAndMergedPerOwner() throws {
    let text = """
        apiVersion: v1
        kind: Pod
        metadata: {name: web-1, namespace: t, ownerReferences: [{kind: ReplicaSet, name: web-5d, controller: true}]}
        status: {podIP: 10.0.0.1, podIPs: [{ip: 10.0.0.1}, {ip: "fd00::1"}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web-2, namespace: t, ownerReferences: [{kind: ReplicaSet, name: web-5d, controller: true}]}
        status: {podIP: not-an-ip}

        """
    let result = try load(text)
    #expect(result.cluster.endpoints.first?.addresses.map(\.description) == ["10.0.0.1", "fd00::1"])
    #expect(result.warnings.first?.message == "status.podIP 'not-an-ip' is not an IP address; it is left out")
}

@Test func completedPodsAreKeptAndCountedOrLeftOut() throws {
    let text = """
        apiVersion: v1
        kind: Pod
        metadata: {name: create-1, namespace: t, ownerReferences: [{kind: Job, name: admission-create, controller: true}]}
        status: {phase: Succeeded}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: t}
        status: {phase: Running, podIP: 10.0.0.2}

        """
    let kept = try load(text)
    #expect(kept.cluster.endpoints.map(\.id) == ["t/admission-create[Job]", "t/web[Pod]"])
    #expect(kept.warnings.contains { $0.message.hasPrefix("1 completed pod is kept") })
    var options = LoadOptions()
    options.skipCompleted = true
    let skipped = try ManifestLoader.load(bytes: Array(text.utf8), name: "t.yaml", options: options)
    #expect(skipped.cluster.endpoints.map(\.id) == ["t/web[Pod]"])
    #expect(skipped.warnings.contains { $0.message.hasPrefix("left out 1 completed pod") })
}

@Test func aKustomizeResourceWithAControlCharacterIsNotRead() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try write(["kustomization.yaml": "resources: [\"web.yaml\\u0000../../x\", web.yaml]\n", "web.yaml": pod], in: dir)
    let result = try ManifestLoader.load([dir])
    #expect(result.cluster.endpoints.map(\.id) == ["shop/web[Pod]"])
    #expect(result.warnings.contains { $0.message.contains("holds a control character") })
    #expect(result.warnings.allSatisfy { !$0.description.unicodeScalars.contains { $0.value == 0 } })
}

/// A dump in the shape kubectl prints (one List; status, managedFields, owners the dump does not hold, pod IPs,
/// a host-network pod, a completed pod, a Node) reads as it is.
@Test func aKubectlDumpReadsAsItIs() throws {
    let path = root + "/Fixtures/kubectl-dump/dump.yaml"
    let dump = try ManifestLoader.load([path])
    #expect(
        dump.cluster.endpoints.map(\.id) == [
            "db/migrate[Job]", "db/postgres[StatefulSet]", "kube-system/kube-proxy[DaemonSet]",
            "shop/web-6c9f7d8b4d[ReplicaSet]",
        ]
    )
    let web = try #require(dump.cluster.endpoints.last)
    #expect(web.addresses.map(\.description) == ["10.244.1.5", "10.244.2.7", "fd00:10:244:1::5"])
    #expect(web.nodeAddresses.map(\.description) == ["192.168.10.11", "192.168.10.12"])
    #expect(dump.cluster.endpoints.first { $0.name == "kube-proxy" }?.hostNetwork == true)
    #expect(dump.cluster.policies.map(\.id) == ["db/postgres"])
    #expect(
        dump.warnings.map(\.message) == [
            "1 completed pod is kept (status.phase Succeeded or Failed), as the peers keep them; --skip-completed leaves them out"
        ]
    )
    // The Node is read: admin policies' `nodes` peers match its addresses.
    #expect(dump.cluster.nodes.map(\.name) == ["node-1"])
    #expect(dump.cluster.nodes.first?.addresses.map(\.description) == ["192.168.10.11"])
    var options = LoadOptions()
    options.skipCompleted = true
    let running = try ManifestLoader.load([path], options: options)
    #expect(!running.cluster.endpoints.contains { $0.kind == "Job" })
}
