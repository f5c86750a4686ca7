import Foundation
import KubeModel
import Manifests
import Reachability
import Testing

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

private func flows(_ settings: EngineSettings) throws -> (lines: [String], model: ClassModel) {
    let cluster = try ManifestLoader.load([root + "/Fixtures/ipblock-pods/cluster.yaml"]).cluster
    let model = PolicyEngine(cluster: cluster, settings: settings).compile()
    let answer = model.answer()
    let lines = answer.flows.filter {
        answer.peers[$0.source].endpointIndex != nil && answer.peers[$0.destination].endpointIndex != nil
    }.map { "\(answer.peers[$0.source].name) => \(answer.peers[$0.destination].name) : \($0.connections)" }
    return (lines, model)
}

/// By default an ipBlock is addresses outside the cluster (the peers, Cilium): the pod reached through its /32 is
/// not reached as a pod.
@Test func byDefaultIPBlocksMatchNoPod() throws {
    let (lines, model) = try flows(EngineSettings())
    #expect(!lines.contains { $0.hasSuffix("=> app/db[Pod] : TCP 5432") })
    let warnings = model.pluginWarnings().filter { $0.group == "ipBlocks that hold pod IPs" }.map(\.message)
    #expect(warnings.count == 2)
    #expect(warnings.allSatisfy { $0.contains("(--cni generic), as Cilium and the peers do; on Calico") })
}

/// With `--ipblock-pods` (Calico, OVN-Kubernetes, the upstream e2e suite): an egress rule to a pod's /32 reaches
/// it, and an `except` carves one pod out of a /16, in both directions. A host-network pod's IP is the node's.
@Test func withIPBlockPodsTheyMatchThePodsWhoseIPsTheyHold() throws {
    let (lines, model) = try flows(EngineSettings(ipBlockMatchesPods: true))
    #expect(lines.filter { $0.hasSuffix("=> app/db[Pod] : TCP 5432") } == ["app/client[Pod] => app/db[Pod] : TCP 5432"])
    #expect(!lines.contains("app/batch[Pod] => app/db[Pod] : TCP 5432"))
    #expect(!lines.contains("app/agent[Pod] => app/db[Pod] : TCP 5432"))
    let podWarnings = model.pluginWarnings().filter { $0.group == "ipBlocks that hold pod IPs" }
    #expect(podWarnings.count == 2)
    #expect(podWarnings.allSatisfy { $0.message.contains("netreach matches") && $0.message.contains("--ipblock-pods") })
}

/// The flows between the fixture's pods under each profile, worked out by hand from README's table: client's /32
/// reaches db where ipBlocks match pod IPs; batch's node range reaches the host-network agent where they match node
/// addresses; everywhere but generic agent is governed by no policy (it accepts everything) and client's
/// podSelector no longer matches it.
@Test(arguments: [
    (
        EngineSettings(plugin: .generic),
        ["agent => batch : All", "agent => client : All", "client => agent : TCP 9100", "db => agent : TCP 9100"]
    ),
    (
        EngineSettings(plugin: .calico),
        [
            "agent => batch : All", "agent => client : All", "batch => agent : TCP 10250", "client => db : TCP 5432",
            "db => agent : All",
        ]
    ),
    (EngineSettings(plugin: .cilium), ["agent => batch : All", "agent => client : All", "db => agent : All"]),
    (
        EngineSettings(plugin: .cilium, ipBlockMatchesNodes: true),
        ["agent => batch : All", "agent => client : All", "batch => agent : TCP 10250", "db => agent : All"]
    ),
    (
        EngineSettings(plugin: .ovnKubernetes),
        ["agent => batch : All", "agent => client : All", "client => db : TCP 5432", "db => agent : All"]
    ),
    (
        EngineSettings(plugin: .antrea),
        ["agent => batch : All", "agent => client : All", "client => db : TCP 5432", "db => agent : All"]
    ),
    (
        EngineSettings(plugin: .calico, ipBlockMatchesPods: false),
        ["agent => batch : All", "agent => client : All", "batch => agent : TCP 10250", "db => agent : All"]
    ),
])
func eachProfileReadsTheFixtureAsItsPluginDoes(settings: EngineSettings, expected: [String]) throws {
    let (lines, model) = try flows(settings)
    let short = lines.map {
        $0.replacingOccurrences(of: "app/", with: "").replacingOccurrences(of: "[Pod]", with: "")
            .replacingOccurrences(of: "All Connections", with: "All")
    }
    // db reaches batch and client everywhere (no policy governs db's egress or their ingress).
    #expect(short == (expected + ["db => batch : All", "db => client : All"]).sorted(), "\(settings.name)")
    let ungoverned = model.pluginWarnings().filter { $0.message.contains("governed by no NetworkPolicy") }
    #expect(ungoverned.count == (settings.plugin == .generic ? 0 : 1))
}

/// The name reports print: the profile, then the points set on top of it as their flags.
@Test func settingsAreNamedAsTheCommandLineWritesThem() {
    #expect(EngineSettings().name == "--cni generic")
    #expect(EngineSettings(plugin: .cilium, ipBlockMatchesNodes: true).name == "--cni cilium --ipblock-nodes")
    #expect(EngineSettings(plugin: .calico, ipBlockMatchesPods: false).name == "--cni calico --no-ipblock-pods")
    #expect(EngineSettings(plugin: .calico, ipBlockMatchesPods: true).name == "--cni calico")
    #expect(EngineSettings(ipBlockMatchesPods: true).name == "--cni generic --ipblock-pods")
}

/// A pod without an IP (manifests from git) cannot be matched by an ipBlock: the reader is told.
@Test func podsWithoutAnIPAreMatchedBySelectorsOnlyAndSaidSo() throws {
    let yaml = """
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: app}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web, namespace: app}
        spec: {podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}}]}]}
        """
    let cluster = try ManifestLoader.load(bytes: Array(yaml.utf8), name: "t.yaml").cluster
    let model = PolicyEngine(cluster: cluster, settings: EngineSettings(ipBlockMatchesPods: true)).compile()
    #expect(
        model.pluginWarnings().map(\.message) == [
            "1 endpoint has no pod IP in the input (status.podIP); ipBlocks cannot match it (--cni generic --ipblock-pods), selectors only (read the pods from the cluster: kubectl get pods -A -o yaml)"
        ]
    )
}

/// An ipBlock that holds node addresses (status.hostIP, and host-network pods' IPs) is warned about too.
@Test func anIPBlockThatHoldsNodeAddressesIsWarnedAbout() throws {
    let (_, model) = try flows(EngineSettings())
    let nodes = model.pluginWarnings().filter { $0.group == "ipBlocks that hold node addresses" }
    #expect(nodes.count == 1)
    #expect(
        nodes.first?.message.hasPrefix(
            "spec.egress[0].to[0] of NetworkPolicy app/batch-nodes, ipBlock 192.168.0.0/24, holds the node addresses of 4 endpoints"
        ) == true
    )
}

/// Pod IPs of both families with the same numbers (0.1.0.1 and ::1:1 are both 65,537), read in alternation: each
/// ipBlock finds every pod IP of its own family and none of the other (the pod IPs are sorted by family, then
/// number, before the blocks are looked up). Endpoints sort by id, so `app/p11[Pod]` comes before `app/p1[Pod]`.
@Test func ipBlocksFindThePodIPsOfTheirOwnFamilyOnly() throws {
    var yaml = ""
    for i in 1...40 {
        let address = i % 2 == 0 ? "0.1.0.\(i)" : "::1:\(String(i, radix: 16))"
        yaml +=
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p\(i), namespace: app}\nspec: {containers: [{name: c}]}\nstatus: {podIP: '\(address)'}\n---\n"
    }
    yaml +=
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: out, namespace: app}\nspec: {podSelector: {}, policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: 0.1.0.0/24}}, {ipBlock: {cidr: '::1:0/112'}}]}]}\n"
    let cluster = try ManifestLoader.load(bytes: Array(yaml.utf8), name: "test.yaml").cluster
    let warnings = PolicyEngine(cluster: cluster, settings: EngineSettings()).compile().pluginWarnings()
        .filter { $0.group == "ipBlocks that hold pod IPs" }.map(\.message)
    #expect(warnings.count == 2, "\(warnings)")
    #expect(warnings.contains { $0.contains("ipBlock 0.1.0.0/24, holds the IPs of 20 pods (app/p10[Pod], …)") })
    #expect(warnings.contains { $0.contains("ipBlock ::1:0/112, holds the IPs of 20 pods (app/p11[Pod], …)") })
}
