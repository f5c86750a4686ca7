import KubeModel
import Manifests
import TestSupport
import Testing

@testable import Reachability

// Class pairs are computed per pair group (classes every rule treats alike) and the namespace matrix per kind of
// namespace (issue 18: 10,000 namespaces were 100 million class pairs). These tests check the class-level answers
// that read the groups against what the endpoint flows say, one flow at a time.

/// What the endpoint flows say about namespaces: per (source, destination) namespace, the union of the connections
/// and, per open-hop bits, how many flows.
struct NamespaceTally: Equatable {
    var cells: [[String]: ConnectionSet] = [:]
    var counts: [String: Int] = [:]

    init(_ result: Reachability) {
        let endpoints = result.cluster.endpoints
        func namespace(_ peer: PeerID) -> String? {
            peer.index < endpoints.count ? endpoints[peer.index].namespace : nil
        }
        for flow in result.flows {
            let from = namespace(flow.source)
            let to = namespace(flow.destination)
            counts["\(from ?? "*") -> \(to ?? "*") \(flow.openBits)", default: 0] += 1
            guard let from, let to else { continue }
            cells[[from, to], default: .none].formUnion(flow.connections)
        }
    }
}

/// The namespace matrix and the namespace sums agree with the endpoint flows, cell by cell.
func expectNamespaceAnswersAgreeWithFlows(
    _ result: Reachability,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    let tally = NamespaceTally(result)
    let matrix = Auditor.isolationMatrix(result)
    var wrong: [String] = []
    for (i, a) in matrix.namespaces.enumerated() {
        for (j, b) in matrix.namespaces.enumerated() {
            let expected = tally.cells[[a, b]] ?? .none
            if matrix.connections(i, j) != expected { wrong.append("\(a) -> \(b): \(matrix.connections(i, j))") }
        }
    }
    #expect(wrong.isEmpty, "\(wrong.prefix(5))", sourceLocation: sourceLocation)
    let isolated = matrix.namespaces.filter { a in
        matrix.namespaces.allSatisfy { b in a == b || (tally.cells[[a, b]] == nil && tally.cells[[b, a]] == nil) }
    }
    #expect(matrix.isolated == (matrix.namespaces.count > 1 ? isolated : []), sourceLocation: sourceLocation)
    var sums: [String: Int] = [:]
    for flow in result.namespaceFlows() {
        sums["\(flow.from ?? "*") -> \(flow.to ?? "*") \(OpenHops.bits(flow.defaultAllow))", default: 0] += flow.count
    }
    let endpointOnly = tally.counts.filter { !$0.key.hasPrefix("{") }
    #expect(sums == endpointOnly, sourceLocation: sourceLocation)
    expectMergedRowsAreTheUnionOfTheirCells(matrix, sourceLocation: sourceLocation)
    #expect(result.flowCount == tally.counts.values.reduce(0, +), sourceLocation: sourceLocation)
}

/// The merged matrix: its rows partition the namespaces (in order of their first), the namespaces of a row show the
/// same marks towards and from every other namespace and in their own cell, and a merged cell is the union of its
/// namespaces' cells.
func expectMergedRowsAreTheUnionOfTheirCells(
    _ matrix: IsolationMatrix,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    let (merged, rows) = matrix.merged()
    let n = matrix.namespaces.count
    #expect(rows.flatMap { $0 }.sorted() == Array(0..<n), sourceLocation: sourceLocation)
    #expect(rows.map { $0[0] } == rows.map { $0[0] }.sorted(), sourceLocation: sourceLocation)
    #expect(merged.namespaces.count == rows.count, sourceLocation: sourceLocation)
    func mark(_ set: ConnectionSet) -> Int { set.isEmpty ? 0 : set.allowsAll ? 2 : 1 }
    for members in rows {
        let first = members[0]
        for i in members.dropFirst() {
            let same =
                mark(matrix.connections(i, i)) == mark(matrix.connections(first, first))
                && (0..<n).allSatisfy { j in
                    members.contains(j)
                        || (mark(matrix.connections(i, j)) == mark(matrix.connections(first, j))
                            && mark(matrix.connections(j, i)) == mark(matrix.connections(j, first)))
                }
            #expect(
                same,
                "\(matrix.namespaces[i]) is in the row of \(matrix.namespaces[first])",
                sourceLocation: sourceLocation
            )
        }
    }
    for (a, rowA) in rows.enumerated() {
        for (b, rowB) in rows.enumerated() {
            var union = ConnectionSet.none
            for i in rowA { for j in rowB { union.formUnion(matrix.connections(i, j)) } }
            #expect(merged.connections(a, b) == union, sourceLocation: sourceLocation)
        }
    }
    #expect(merged.isolated == matrix.isolated, sourceLocation: sourceLocation)
    let labels = rows.map { $0.count == 1 ? matrix.namespaces[$0[0]] : "\(matrix.namespaces[$0[0]]) +\($0.count - 1)" }
    #expect(merged.namespaces == labels, sourceLocation: sourceLocation)
}

/// 40 namespaces without policies (team a or b; every fourth with two pods), five that isolate themselves, and a
/// monitoring namespace whose policy admits team a: its rule's peer tells team a's pods from team b's.
private func manyNamespaces() -> String {
    var yaml = ""
    for i in 0..<40 {
        let name = "open-\(i)"
        yaml += namespace(name, "{team: \(i % 2 == 0 ? "a" : "b")}")
        yaml += pod("p", ns: name, labels: "{app: web}", ports: "[{name: http, containerPort: 80}]")
        if i % 4 == 0 { yaml += pod("q", ns: name, labels: "{app: web}", ports: "[{name: http, containerPort: 80}]") }
    }
    for i in 0..<5 {
        let name = "vault-\(i)"
        yaml += namespace(name, "{team: v}")
        yaml += pod("p", ns: name, labels: "{app: db}")
        if i == 0 { yaml += pod("q", ns: name, labels: "{app: db}") }
        yaml += netpol(
            "own",
            ns: name,
            "{podSelector: {}, policyTypes: [Ingress, Egress], ingress: [{from: [{podSelector: {}}]}], egress: [{to: [{podSelector: {}}]}]}"
        )
    }
    yaml += namespace("monitoring", "{team: m}")
    yaml += pod("prom", ns: "monitoring", labels: "{app: prom}", ports: "[{name: http, containerPort: 9090}]")
    yaml += netpol(
        "from-a",
        ns: "monitoring",
        "{podSelector: {}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: a}}}], ports: [{port: http}]}]}"
    )
    return yaml
}

@Test func namespacesThatNoRuleTellsApartShareAPairGroup() throws {
    let result = try analyze(manyNamespaces())
    let model = result.model
    let groups = result.classFlows.groups
    func group(_ namespace: String) -> GroupID {
        groups.groupOf[model.classes.firstIndex { $0.namespace == namespace }!]
    }
    // Team a's namespaces are one group, team b's another (the monitoring rule's peer matches only team a).
    #expect(group("open-0") == group("open-2"))
    #expect(group("open-0") == group("open-4"))  // two pods: the class is bigger, the group the same
    #expect(group("open-1") == group("open-3"))
    #expect(group("open-0") != group("open-1"))
    // Each vault is governed by its own policy; the monitoring namespace by its own.
    #expect(Set((0..<5).map { group("vault-\($0)") }).count == 5)
    #expect(group("monitoring") != group("open-0"))
    #expect(groups.count == 2 + 5 + 1)
    #expect(model.classes.count == 46)
    expectNamespaceAnswersAgreeWithFlows(result)
    // A vault's own pods reach each other; a vault of one pod has no flow inside it.
    let matrix = Auditor.isolationMatrix(result)
    let vault0 = matrix.namespaces.firstIndex(of: "vault-0")!
    let vault1 = matrix.namespaces.firstIndex(of: "vault-1")!
    let open0 = matrix.namespaces.firstIndex(of: "open-0")!
    let open2 = matrix.namespaces.firstIndex(of: "open-2")!
    #expect(matrix.connections(vault0, vault0) == .all)
    #expect(matrix.connections(vault1, vault1) == .none)
    #expect(matrix.connections(open0, open0) == .all)  // two pods
    #expect(matrix.connections(open2, open2) == .none)  // one pod
    #expect(matrix.connections(open0, open2) == .all)
    #expect(matrix.isolated == (0..<5).map { "vault-\($0)" })
    // Merged: team a with two pods and with one, team b (one pod each), vault-0 (two pods) and the other vaults, and
    // the monitoring namespace.
    let rows = matrix.merged().rows.map { $0.map { matrix.namespaces[$0] } }
    #expect(rows.count == 6, "\(rows)")
    #expect(rows.first { $0.contains("vault-1") } == ["vault-1", "vault-2", "vault-3", "vault-4"])
    #expect(rows.first { $0.contains("open-0") }?.count == 10, "\(rows)")  // open-0, -4, -8, … (two pods each)
    // The monitoring namespace admits team a on its named port only.
    let monitoring = matrix.namespaces.firstIndex(of: "monitoring")!
    #expect(matrix.connections(open0, monitoring).description == "TCP 9090")
    #expect(matrix.connections(matrix.namespaces.firstIndex(of: "open-1")!, monitoring) == .none)
}

@Test func classesThatNamedPortsOrIsolationTellApartAreNotGrouped() throws {
    // Same labels and no policy in their namespaces, but a rule towards them names a port that only one defines,
    // and a deny-all policy with no rules isolates a third (its rule list is as empty as an unselected class's).
    let yaml =
        namespace("x") + namespace("y") + namespace("z") + namespace("client")
        + pod("p", ns: "x", labels: "{app: web}", ports: "[{name: http, containerPort: 80}]")
        + pod("p", ns: "y", labels: "{app: web}", ports: "[{name: http, containerPort: 8080}]")
        + pod("p", ns: "z", labels: "{app: web}", ports: "[{name: http, containerPort: 80}]")
        + netpol("deny", ns: "z", "{podSelector: {}, policyTypes: [Ingress]}")
        + pod("c", ns: "client", labels: "{app: client}")
        + netpol(
            "out",
            ns: "client",
            "{podSelector: {}, policyTypes: [Egress], egress: [{to: [{namespaceSelector: {}}], ports: [{port: http}]}]}"
        )
    let result = try analyze(yaml)
    let groups = result.classFlows.groups
    #expect(Set(groups.groupOf).count == 4)
    expectNamespaceAnswersAgreeWithFlows(result)
    #expect(
        try podFlows(yaml).filter { $0.hasPrefix("client/") } == [
            "client/c[Pod] => x/p[Pod] : TCP 80", "client/c[Pod] => y/p[Pod] : TCP 8080",
        ]
    )
}

@Test func twoNamespacesOfOneKindThatReachOnlyEachOtherAreNotIsolated() throws {
    // a1 and a2 have no policies and are one kind; the locked namespace denies everything both ways, so a1 and a2
    // reach each other and nothing else.
    let yaml =
        pod("p", ns: "a1") + pod("p", ns: "a2") + pod("p", ns: "locked")
        + netpol("deny", ns: "locked", "{podSelector: {}, policyTypes: [Ingress, Egress]}")
    let result = try analyze(yaml)
    #expect(Set(result.classFlows.groups.groupOf).count == 2)
    let matrix = Auditor.isolationMatrix(result)
    #expect(matrix.isolated == ["locked"])
    #expect(matrix.connections(0, 1) == .all)
    expectNamespaceAnswersAgreeWithFlows(result)
}

/// Endpoints are grouped into classes on every core in ranges cut where the namespace changes (issue 18): the
/// classes are those of one pass in endpoint order, and a namespace whose endpoints are not together in id order
/// (a name holding '/', from a hand-made cluster) is still one class, not one per range.
@Test func classesGroupedInNamespaceRangesAreThoseOfOnePass() {
    func endpoints(_ namespace: String, _ names: [String], app: String = "web") -> [Endpoint] {
        names.map { Endpoint(namespace: namespace, name: $0, kind: "Pod", labels: ["app": app]) }
    }
    // 40 namespaces of 1-3 pods, two label sets each: more than the 8 ranges.
    var many: [Endpoint] = []
    for n in 0..<40 {
        many += endpoints("ns-\(n)", (0..<(1 + n % 3)).map { "p\($0)" })
        many += endpoints("ns-\(n)", ["db"], app: "db")
    }
    // A policy reads `app`, so that the label tells classes apart.
    let reader = NetworkPolicy(namespace: "ns-0", name: "web", podSelector: LabelSelector(matchLabels: ["app": "web"]))
    let model = ClassModel(cluster: Cluster(namespaces: [], endpoints: many, policies: [reader]))
    #expect(model.classes.count == 80)
    // In first-member order, each class's members are the endpoints of its namespace and labels, ascending.
    #expect(model.classes.map { $0.members.first! } == model.classes.map { $0.members.first! }.sorted())
    for (c, cls) in model.classes.enumerated() {
        let expected = model.cluster.endpoints.indices.filter {
            model.cluster.endpoints[$0].namespace == cls.namespace && model.cluster.endpoints[$0].labels == cls.labels
        }
        #expect(cls.members == expected)
        #expect(cls.members.allSatisfy { model.classOf(endpoint: $0) == ClassID(c) })
    }
    // "a/a0".."a/a7", then namespace "a/b"'s "a/b/x0".., then "a/b0".. of namespace "a" again.
    let split =
        endpoints("a", (0..<8).map { "a\($0)" }) + endpoints("a/b", (0..<8).map { "x\($0)" })
        + endpoints("a", (0..<8).map { "b\($0)" })
    let splitModel = ClassModel(cluster: Cluster(namespaces: [], endpoints: split, policies: []))
    #expect(splitModel.cluster.endpoints.map(\.namespace).prefix(9).last == "a/b")
    #expect(splitModel.classes.map(\.namespace) == ["a", "a/b"])
    #expect(splitModel.classes.map(\.members.count) == [16, 8])
}

/// The inbound edges are the outbound ones turned around (built on every core by range of destination groups):
/// the same edges, each list in ascending source order.
@Test func inboundEdgesAreTheOutboundOnesTurnedAround() throws {
    let flows = try analyze(manyNamespaces()).classFlows
    #expect(flows.groups.count == 8)
    var expected = [[String]](repeating: [], count: flows.groups.count)
    for (s, edges) in flows.groupOutbound.enumerated() {
        for edge in edges { expected[edge.peer.index].append("\(s) \(edge.connection) \(edge.open)") }
    }
    let inbound = flows.groupInbound.map { $0.map { "\($0.peer.index) \($0.connection) \($0.open)" } }
    #expect(inbound == expected)
    #expect(inbound.joined().count > 8)
}

/// 70 namespaces of one pod each, each admitting every other namespace on a port of its own: 70 kinds of one
/// namespace (no rule is alike), no flow inside any (one pod, and its own namespace is left out), "some" towards and
/// from every other. A kind of one namespace reads its own entry as its most common mark, so they are one row of the
/// merged matrix; kinds past the 32 of a word of marks included.
@Test func kindsOfOneNamespaceWithTheSameMarksShareAMergedRow() throws {
    var yaml = ""
    for i in 0..<70 {
        let name = "t-\(i)"
        yaml += namespace(name, "{team: t}")
        yaml += pod("p", ns: name, labels: "{app: web}")
        yaml += netpol(
            "others",
            ns: name,
            "{podSelector: {}, ingress: [{from: [{namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [\(name)]}]}}], ports: [{port: \(1000 + i)}]}]}"
        )
    }
    let result = try analyze(yaml)
    let matrix = Auditor.isolationMatrix(result)
    #expect(Set(result.classFlows.groups.groupOf).count == 70)
    #expect(matrix.connections(40, 40) == .none)
    #expect(matrix.connections(40, 41).description == "TCP \(1000 + Int(matrix.namespaces[41].dropFirst(2))!)")
    let rows = matrix.merged().rows
    #expect(rows == [Array(0..<70)], "\(rows)")
    expectMergedRowsAreTheUnionOfTheirCells(matrix)
}

/// Class flags as bits read and write as an array of Bools would, at every length around the word edges, and keep
/// the bits past their count 0 (the bit rows of the memo keys and tier tables are their words laid end to end).
@Test func classFlagsReadAndWriteAsBools() {
    var random = SplitMix(state: 64)
    for count in Array(0...140) + [1_000, 20_001] {
        #expect(
            ClassFlags(count: count, all: true).words.enumerated().allSatisfy { i, word in
                word == (count - i * 64 >= 64 ? ~0 : (1 << UInt64(count - i * 64)) - 1)
            },
            "\(count)"
        )
        for density in [0.0, 0.03, 0.5, 1.0] {
            var flags = ClassFlags(count: count, all: random.chance(0.5))
            var bools = (0..<count).map { flags[$0] }
            for _ in 0..<(count * 2) where count > 0 {
                let c = random.count(0...(count - 1))
                let value = random.chance(density)
                flags[c] = value
                bools[c] = value
            }
            #expect((0..<count).allSatisfy { flags[$0] == bools[$0] }, "\(count) \(density)")
            var words = [UInt64](repeating: 0, count: (count + 63) / 64)
            for c in bools.indices where bools[c] { words[c / 64] |= 1 << UInt64(c % 64) }
            #expect(flags.words == words, "\(count) \(density)")
            let members = bools.indices.filter { bools[$0] }.map(ClassID.init)
            #expect(ClassFlags(members, count: count) == flags)
            #expect(flags.isEmpty == members.isEmpty)
            let other = ClassFlags(members.filter { _ in random.chance(0.5) }, count: count)
            #expect(other.isSubset(of: flags))
            #expect(flags.isSubset(of: other) == (other == flags))
        }
    }
}
