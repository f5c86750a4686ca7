import KubeModel
import Parallel
import Testing

@testable import Reachability

// Tests written for the mutants that survived the suite (issue 11): each would have failed on one of them.

@Test func aRuleWithoutPeersAdmitsIPv6AddressesToo() throws {
    // An IPv6 block elsewhere makes IPv6 atoms exist; the peerless egress rule must reach them as well.
    let yaml =
        pod("a", labels: "{app: a}")
        + netpol("p", "{podSelector: {matchLabels: {app: a}}, policyTypes: [Egress], egress: [{ports: [{port: 443}]}]}")
        + netpol("q", "{podSelector: {matchLabels: {app: none}}, ingress: [{from: [{ipBlock: {cidr: 'fd00::/8'}}]}]}")
    let lines = try flows(yaml)
    #expect(
        lines.contains("default/a[Pod] => 0.0.0.0-255.255.255.255,::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff : TCP 443")
    )
}

@Test func ipSetMembershipRespectsTheAddressFamily() throws {
    func range(_ text: String) throws -> IPRange {
        let cidr = try #require(CIDR(text))
        return IPRange(family: cidr.family, bounds: cidr.lower...cidr.upper)
    }
    let v4 = IPSet(try #require(CIDR("0.0.0.0/0")))
    let v6 = IPSet(try #require(CIDR("::/0")))
    // The same numbers in the other family are other addresses.
    #expect(!v4.contains(try range("::/96")))
    #expect(v4.contains(try range("10.0.0.0/8")))
    #expect(!v6.contains(try range("10.0.0.0/8")))
    #expect(v6.contains(try range("fd00::/8")))
}

@Test func anIPBlockWithTwoExceptEntriesLeavesThreePieces() throws {
    let yaml =
        pod("a")
        + netpol(
            "p",
            "{podSelector: {}, policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16, 10.3.0.0/16]}}]}]}"
        )
    #expect(
        try flows(yaml).filter { $0.hasPrefix("default/a[Pod] =>") } == [
            "default/a[Pod] => 10.0.0.0-10.0.255.255,10.2.0.0-10.2.255.255,10.4.0.0-10.255.255.255 : All Connections"
        ]
    )
}

/// 70 classes: more than the 64 chunks the engine cuts its work into, so a chunk holds two classes and the last
/// one fewer. Every pair must be counted: 70 pods that all reach each other give 70 × 69 flows. (The policy reads
/// `app`, so that each value is a class: labels no selector reads do not split classes.)
@Test func moreClassesThanChunksAreAllAnalyzed() throws {
    var yaml = ""
    for i in 0..<70 { yaml += pod("p\(i)", labels: "{app: a\(i)}") }
    yaml += netpol(
        "p",
        "{podSelector: {matchExpressions: [{key: app, operator: Exists}]}, ingress: [{from: [{podSelector: {}}]}]}"
    )
    let result = try analyze(yaml)
    #expect(result.model.classes.count == 70)
    let podFlows = result.flows.filter {
        result.peers[$0.source].endpointIndex != nil && result.peers[$0.destination].endpointIndex != nil
    }
    #expect(podFlows.count == 70 * 69)
    #expect(result.flowCount == Array(result.flows).count)
}

/// From one address to destinations whose names interleave between namespaces and kinds: the list is sorted by
/// source, then destination name, whatever the class order.
@Test func flowsFromOneAddressAreSortedByDestinationName() throws {
    let yaml =
        pod("b", ns: "x", labels: "{app: 1}") + pod("a", ns: "y", labels: "{app: 2}")
        + pod("c", ns: "x", labels: "{app: 3}")
        + pod("a", ns: "x", labels: "{app: 2}") + pod("b", ns: "y", labels: "{app: 1}")
    let destinations = try flows(yaml).filter { $0.hasPrefix("0.0.0.0") }.map { $0.components(separatedBy: " => ")[1] }
    #expect(destinations == destinations.sorted())
    #expect(destinations.count == 5)
}

@Test(arguments: [0, 1, 2, 63, 64, 65, 70, 127, 128, 129, 1000, 4970])
func parallelRangesCoverEveryIndexOnce(count: Int) {
    for maxChunks in [1, 2, 16, 64] {
        let ranges = Parallel.ranges(count, maxChunks: maxChunks)
        #expect(ranges.count <= maxChunks)
        #expect(ranges.flatMap { Array($0) } == Array(0..<count), "\(count) items in \(maxChunks) chunks")
        #expect(ranges.allSatisfy { !$0.isEmpty })
        #expect(Parallel.map(count, maxChunks: maxChunks) { $0 * 2 } == (0..<count).map { $0 * 2 })
        #expect(Parallel.chunks(count, maxChunks: maxChunks) { $0.count }.reduce(0, +) == count)
    }
}

/// The side task of `Parallel.map(_:alongside:_:)` runs once, beside every index's task, whose results stay in order.
@Test(arguments: [0, 1, 2, 9, 1000])
func parallelMapAlongsideRunsTheSideTaskOnce(count: Int) {
    final class Counter: @unchecked Sendable {
        var runs = 0
    }
    let counter = Counter()
    let results = Parallel.map(count, alongside: { counter.runs += 1 }) { $0 * 3 }
    #expect(results == (0..<count).map { $0 * 3 })
    #expect(counter.runs == 1)
}

/// The blocks of a flow listing are the same whether the body expands the next one itself (once or more: only the
/// first call counts) or leaves it to `forEachBlock`, and they are the flows in order.
@Test func flowBlocksAreTheSameWhoeverExpandsTheNext() throws {
    // 300 pods that all reach each other (and the addresses outside): more than one block of 65,536 flows.
    var yaml = ""
    for i in 0..<300 { yaml += pod("p\(i)", labels: "{app: a\(i % 3)}") }
    let result = try analyze(yaml)
    #expect(result.flowCount > 1 << 16)
    func blocks(_ expand: Int) -> [[String]] {
        var out: [[String]] = []
        result.flows.forEachBlock { block, expandNext in
            for _ in 0..<expand { expandNext() }
            out.append(block.map { "\($0.source.index) \($0.destination.index) \($0.connectionsIndex)" })
        }
        return out
    }
    let left = blocks(0)
    #expect(left.count > 1)
    #expect(blocks(1) == left)
    #expect(blocks(3) == left)
    let all = result.flows.map { "\($0.source.index) \($0.destination.index) \($0.connectionsIndex)" }
    #expect(left.flatMap { $0 } == all)
}

@Test(arguments: [0, 1, 2, 7, 8, 9, 1000, 4970])
func parallelSortedIndicesIsTheSortedOrder(count: Int) {
    // Few distinct keys, so most comparisons are ties broken by index (the order `mergeEndpoints` relies on).
    let keys = (0..<count).map { ($0 * 7919) % 13 }
    let less: @Sendable (Int, Int) -> Bool = { a, b in keys[a] == keys[b] ? a < b : keys[a] < keys[b] }
    let expected = (0..<count).sorted(by: less)
    #expect(Parallel.sortedIndices(count, by: less) == expected)
}

/// Labels that no selector reads do not split classes (`pod-template-hash` and the like): 70 pods with a unique
/// `id` each are one class while nothing reads `id`, and 70 once a policy does; the flows are the same either way.
@Test func labelsNoSelectorReadsDoNotSplitClasses() throws {
    var pods = ""
    for i in 0..<70 { pods += pod("p\(i)", labels: "{app: web, id: i\(i)}") }
    let unread = try analyze(
        pods + netpol("p", "{podSelector: {matchLabels: {app: web}}, ingress: [{from: [{podSelector: {}}]}]}")
    )
    #expect(unread.model.classes.count == 1)
    let read = try analyze(
        pods
            + netpol(
                "p",
                "{podSelector: {matchLabels: {app: web}}, ingress: [{from: [{podSelector: {matchExpressions: [{key: id, operator: Exists}]}}]}]}"
            )
    )
    #expect(read.model.classes.count == 70)
    let lines = { (r: Reachability) in
        r.flows.map { "\(r.peers[$0.source].name) \(r.peers[$0.destination].name) \($0.connections)" }
    }
    #expect(lines(unread) == lines(read))
}

/// An egress rule to a named port resolves per destination: towards one pod `http` is 80, which another policy's
/// port 80 covers, towards the other it is 8080, which it does not. The two pods are matched by the same rules,
/// so only their ports tell them apart: the policy is not shadowed, whichever pod comes first.
@Test(arguments: [("80", "8080"), ("8080", "80")])
func anEgressRuleToANamedPortIsCoveredPerDestination(ports: (String, String)) throws {
    let yaml =
        pod("client", labels: "{app: client}")
        + pod("web-a", labels: "{app: web, v: a}", ports: "[{name: http, containerPort: \(ports.0)}]")
        + pod("web-b", labels: "{app: web, v: b}", ports: "[{name: http, containerPort: \(ports.1)}]")
        + netpol(
            "named",
            "{podSelector: {matchLabels: {app: client}}, policyTypes: [Egress], egress: [{to: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: http}]}]}"
        )
        + netpol(
            "numbered",
            "{podSelector: {matchLabels: {app: client}}, policyTypes: [Egress], egress: [{to: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 80}]}]}"
        )
    let shadowed = Auditor.audit(try analyze(yaml)).findings.filter { $0.rule.id == "policy-shadowed" }.map(\.subject)
    // `numbered` is within `named` only towards the pod on 80; neither covers the other.
    #expect(shadowed.isEmpty)
}

/// A policy shadowed in two classes by the same policy names it once: as evidence, as a location and in the text.
@Test func aPolicyCoveringAShadowedOneInSeveralClassesIsNamedOnce() throws {
    let yaml =
        pod("a", labels: "{app: a}") + pod("b", labels: "{app: b}")
        + netpol("narrow", "{podSelector: {}, policyTypes: [Ingress], ingress: [{ports: [{port: 80}]}]}")
        + netpol("wide", "{podSelector: {}, policyTypes: [Ingress], ingress: [{}]}")
        // Reads `app`, so that a and b are two classes.
        + netpol("reader", "{podSelector: {matchLabels: {app: b}}, policyTypes: [Egress], egress: [{}]}")
    let model = try analyze(yaml).model
    #expect(model.classes.count == 2)
    let findings = Auditor.audit(try analyze(yaml)).findings.filter { $0.rule.id == "policy-shadowed" }
    let finding = try #require(findings.first)
    #expect(findings.count == 1)
    #expect(finding.subject == "NetworkPolicy default/narrow")
    #expect(finding.evidence.count == 1)
    #expect(finding.locations.count == 2)
    #expect(finding.message.components(separatedBy: "default/wide").count == 2)
}

/// Pods of two namespaces and three apps, addresses both ways (ipBlocks) and an ingress controller (an Ingress): every
/// kind of source a flow listing has.
let everySourceKind =
    (0..<12).map { i in
        pod(
            "p\(i)",
            ns: i % 2 == 0 ? "a" : "b",
            labels: "{app: x\(i % 3)}",
            ports: "[{name: http, containerPort: 8080}]"
        )
    }.joined()
    + netpol(
        "out",
        ns: "a",
        "{podSelector: {matchLabels: {app: x0}}, policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}], ports: [{port: 443}]}, {to: [{podSelector: {}}]}]}"
    )
    + netpol(
        "in",
        ns: "b",
        "{podSelector: {matchLabels: {app: x1}}, ingress: [{from: [{ipBlock: {cidr: 192.168.0.0/16}}, {namespaceSelector: {}}], ports: [{port: 8080}]}]}"
    )
    // A Service for the x1 pods and an Ingress to it, one flow-style document each.
    + "{apiVersion: v1, kind: Service, metadata: {name: front, namespace: b}, spec: {selector: {app: x1}, ports: [{port: 80, targetPort: http}]}}\n---\n"
    + "{apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {name: site, namespace: b}, spec: {defaultBackend: {service: {name: front, port: {number: 80}}}}}\n"

/// The runs of a listing stand for its flows: expanded, they are the flows in order; each skips its own source
/// (only where it is among the targets); runs of one key have the same targets, and every source of a class outside
/// a focus shares them; addresses and the ingress controller have runs of their own; no run is empty. The same holds
/// narrowed to a focus, where sources outside it have targets of their own kind (and keys of their own).
@Test func flowRunsStandForTheFlowsInOrder() throws {
    let result = try analyze(everySourceKind)
    var focus = Focus()
    focus.workloads = ["a/p0"]
    let resolved = focus.resolved(for: result.cluster.endpoints)
    for (sequence, narrowed) in [(result.flows, false), (result.flows(narrowedTo: resolved), true)] {
        var runs: [FlowRun] = []
        var blocks = 0
        sequence.forEachRunBlock { block, _ in
            runs += block
            blocks += 1
        }
        #expect(blocks == 1)
        var expanded: [Flow] = []
        for run in runs { run.append(to: &expanded, connections: result.distinctConnections) }
        #expect(expanded == Array(sequence))
        if narrowed {
            // Every flow the focus includes, and only flows of the whole list, in its order.
            let whole = Array(result.flows)
            let included = whole.filter {
                resolved.includes(result.peers[$0.source].endpointIndex, result.peers[$0.destination].endpointIndex)
            }
            #expect(Set(expanded).isSuperset(of: included) && !included.isEmpty)
            #expect(whole.filter(Set(expanded).contains) == expanded)
            #expect(expanded.count < whole.count)
        } else {
            #expect(expanded.count == result.flowCount)
        }
        #expect(runs.allSatisfy { $0.count > 0 })
        #expect(Set(runs.map(\.source)).count == runs.count)
        var byKey: [Int: [PeerID]] = [:]
        var keyOfClass: [ClassID: Int] = [:]
        for run in runs {
            let endpoint = result.peers[run.source].endpointIndex
            if let skip = run.skip {
                #expect(run.targets[skip].peer == run.source)
            } else {
                #expect(!run.targets.contains { $0.peer == run.source })
            }
            guard let key = run.key else {
                #expect(endpoint == nil)
                continue
            }
            let e = try #require(endpoint)
            let peers = run.targets.map(\.peer)
            #expect(byKey[key, default: peers] == peers)
            byKey[key] = peers
            if !resolved.names(e) || !narrowed {
                let c = result.model.classOfEndpoint[e]
                #expect(keyOfClass[c, default: key] == key)
                keyOfClass[c] = key
            }
        }
        #expect(byKey.count < runs.filter { $0.key != nil }.count)
        let unkeyed = runs.filter { $0.key == nil }.map { result.peers[$0.source].name }
        #expect(unkeyed.contains("{ingress-controller}"))
        #expect(unkeyed.contains { $0.hasPrefix("192.168.0.0") })
        #expect(runs.contains { run in run.targets.contains { result.peers[$0.peer].name.hasPrefix("10.0.0.0") } })
    }
}
