import KubeModel
import Testing

@testable import Reachability

private let pods = """
    apiVersion: v1
    kind: Pod
    metadata: {name: api, namespace: x, labels: {app: api}}
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: db, namespace: x, labels: {app: db}}
    ---
    """

/// A policy narrowed from a /8 to a /16 and from all ports to 5432, a workload added: each pair that changed once,
/// addresses compared over the whole space and grouped by what changed.
@Test func aDiffListsWhatChangedAndNothingElse() throws {
    let old = try analyze(
        pods + """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: db, namespace: x}
            spec: {podSelector: {matchLabels: {app: db}}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}}, {podSelector: {}}]}]}
            """
    )
    let new = try analyze(
        pods + """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: db, namespace: x}
            spec: {podSelector: {matchLabels: {app: db}}, ingress: [{from: [{ipBlock: {cidr: 10.1.0.0/16}}, {podSelector: {}}], ports: [{port: 5432}]}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: x, labels: {app: web}}
            """
    )
    let diff = ReachabilityDiff(old: old, new: new)
    let lines = diff.changes.map {
        "\($0.kind.rawValue) \($0.source) => \($0.destination) : \($0.old) -> \($0.new)"
            + ($0.sourceWorkload.map { " src \($0.rawValue)" } ?? "")
            + ($0.destinationWorkload.map { " dst \($0.rawValue)" } ?? "")
    }
    #expect(
        lines == [
            "added 0.0.0.0-255.255.255.255 => x/web[Pod] : No Connections -> All Connections dst added",
            "removed 10.0.0.0-10.0.255.255,10.2.0.0-10.255.255.255 => x/db[Pod] : All Connections -> No Connections",
            "changed 10.1.0.0-10.1.255.255 => x/db[Pod] : All Connections -> TCP 5432",
            "changed x/api[Pod] => x/db[Pod] : All Connections -> TCP 5432",
            "added x/api[Pod] => x/web[Pod] : No Connections -> All Connections dst added",
            "added x/db[Pod] => x/web[Pod] : No Connections -> All Connections dst added",
            "added x/web[Pod] => 0.0.0.0-255.255.255.255 : No Connections -> All Connections src added",
            "added x/web[Pod] => x/api[Pod] : No Connections -> All Connections src added",
            "added x/web[Pod] => x/db[Pod] : No Connections -> TCP 5432 src added",
        ]
    )
    #expect(diff.addedWorkloads == ["x/web[Pod]"] && diff.removedWorkloads.isEmpty)
    // api => db: api's egress stays open by default, db's ingress was and is selected; no status change.
    let apiToDB = try #require(diff.changes.first { $0.source == "x/api[Pod]" && $0.destination == "x/db[Pod]" })
    #expect(
        apiToDB.oldDefaultAllow == [.egress] && apiToDB.newDefaultAllow == [.egress] && !apiToDB.defaultAllowChanged
    )
    #expect(diff.summary == "6 flows added, 1 removed, 2 changed; 1 workload added")
    // Filters: into db, out of web, and either side in namespace x (addresses never match).
    #expect(
        ReachabilityDiff(old: old, new: new, filter: DiffFilter(to: ["db"])).changes.map(\.source) == [
            "10.0.0.0-10.0.255.255,10.2.0.0-10.255.255.255", "10.1.0.0-10.1.255.255", "x/api[Pod]", "x/web[Pod]",
        ]
    )
    #expect(ReachabilityDiff(old: old, new: new, filter: DiffFilter(from: ["x/web[Pod]"])).changes.count == 3)
    #expect(ReachabilityDiff(old: old, new: new, filter: DiffFilter(from: ["x/web[Deployment]"])).changes.isEmpty)
    #expect(ReachabilityDiff(old: old, new: new, filter: DiffFilter(from: ["x"], to: ["x"])).changes.count == 5)
    #expect(
        ReachabilityDiff(old: old, new: new, filter: DiffFilter(focus: ["api"])).changes.map(\.destination) == [
            "x/db[Pod]", "x/web[Pod]", "x/api[Pod]",
        ]
    )
    // The same version twice: nothing.
    let same = ReachabilityDiff(old: old, new: old)
    #expect(same.changes.isEmpty && same.summary == "0 flows added, 0 removed, 0 changed")
}

/// A policy that starts selecting a side turns a default-allow hop into one its rules decide: the diff says so.
@Test func aDiffSaysWhenAFlowIsNoLongerDefaultAllow() throws {
    let old = try analyze(pods)
    let new = try analyze(
        pods + """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: db, namespace: x}
            spec: {podSelector: {matchLabels: {app: db}}, ingress: [{ports: [{port: 5432}]}]}
            """
    )
    let change = try #require(
        ReachabilityDiff(old: old, new: new).changes.first {
            $0.source == "x/api[Pod]" && $0.destination == "x/db[Pod]"
        }
    )
    #expect(change.kind == .changed && change.defaultAllowChanged)
    #expect(change.oldDefaultAllow == [.egress, .ingress] && change.newDefaultAllow == [.egress])
}

/// A renamed workload is one removed and one added; a port range that widens is a change; a new namespace's
/// workloads are added with their flows.
@Test func renamesWideningsAndNewNamespaces() throws {
    let base = """
        apiVersion: v1
        kind: Pod
        metadata: {name: api, namespace: x, labels: {app: api}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: api, namespace: x}
        spec: {podSelector: {}, ingress: [{ports: [{port: 8000, endPort: 8080}]}]}
        ---

        """
    let old = try analyze(base + "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: x, labels: {app: web}}\n")
    let renamed = try analyze(
        base + "apiVersion: v1\nkind: Pod\nmetadata: {name: www, namespace: x, labels: {app: web}}\n"
    )
    let rename = ReachabilityDiff(old: old, new: renamed)
    #expect(rename.addedWorkloads == ["x/www[Pod]"] && rename.removedWorkloads == ["x/web[Pod]"])
    #expect(
        rename.changes.allSatisfy {
            $0.kind == .added ? $0.sourceWorkload == .added || $0.destinationWorkload == .added : $0.kind == .removed
        }
    )
    #expect(rename.changes.contains { $0.kind == .removed } && rename.changes.contains { $0.kind == .added })
    let widened = try analyze(
        base.replacingOccurrences(of: "endPort: 8080", with: "endPort: 9090")
            + "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: x, labels: {app: web}}\n"
    )
    let widening = ReachabilityDiff(old: old, new: widened)
    // Addresses into both workloads, and both ways between them.
    #expect(widening.changes.map(\.kind) == [.changed, .changed, .changed, .changed])
    #expect(
        widening.changes.allSatisfy { $0.old.description == "TCP 8000-8080" && $0.new.description == "TCP 8000-9090" }
    )
    let namespaced = try analyze(
        base + "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: x, labels: {app: web}}\n---\n"
            + "apiVersion: v1\nkind: Namespace\nmetadata: {name: y}\n---\n"
            + "apiVersion: v1\nkind: Pod\nmetadata: {name: job, namespace: y}\n"
    )
    let grown = ReachabilityDiff(old: old, new: namespaced)
    #expect(grown.addedWorkloads == ["y/job[Pod]"])
    #expect(
        grown.changes.allSatisfy { $0.kind == .added && ($0.source == "y/job[Pod]" || $0.destination == "y/job[Pod]") }
    )
    #expect(!grown.changes.isEmpty)
}

/// An Ingress added in the new version: the ingress controller's new flow is a change (the controller's name sorts
/// last), counted as listed; `--to` keeps it, `--from` never names the controller, so it drops it.
@Test func aNewIngressIsADiffOfTheControllersFlows() throws {
    let base =
        pods + """
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: x, labels: {app: web}}
            spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: x}
            spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}
            """
    let old = try analyze(base)
    let new = try analyze(
        base + "\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: x}\n"
            + "spec: {defaultBackend: {service: {name: web, port: {number: 80}}}}\n"
    )
    let diff = ReachabilityDiff(old: old, new: new)
    #expect(
        diff.changes.map { "\($0.kind) \($0.source) => \($0.destination) : \($0.new)" } == [
            "added {ingress-controller} => x/web[Pod] : TCP 8080"
        ]
    )
    #expect(diff.summary == "1 flow added, 0 removed, 0 changed")
    #expect(ReachabilityDiff(old: old, new: new, filter: DiffFilter(to: ["web"]), listing: false).counts[.added] == 1)
    #expect(ReachabilityDiff(old: old, new: new, filter: DiffFilter(from: ["x"])).changes.isEmpty)
    #expect(ReachabilityDiff(old: new, new: old).summary == "0 flows added, 1 removed, 0 changed")
}
