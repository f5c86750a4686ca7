import KubeModel
import Parallel

/// Finds where a cluster falls short of NetworkPolicy hardening (NSA/CISA guide, CIS benchmark). Each kind of
/// finding is one type in `Findings/`, registered in `checks`.
package enum Auditor {
    /// The annotation that suppresses findings: `"<rule id>: <reason>"`, several separated by newlines or `;`.
    package static let ignoreAnnotation = IgnoreAnnotation.key

    /// How many example flows a finding lists as evidence.
    static let evidenceLimit = 5

    /// Every kind of finding, in report order.
    static let checks: [any AuditCheck.Type] = [
        NamespaceWithoutPolicy.self, NamespaceWithoutDefaultDeny.self, EndpointNotIsolated.self,
        ReachableFromAllNamespaces.self, ReachableFromAnyAddress.self, EgressToCloudMetadata.self,
        EgressOpenedByRules.self, PolicySelectsNothing.self, PeerMatchesNothing.self,
        PolicyShadowed.self, HostNetwork.self, PolicyRulesIgnored.self, ServiceFindings.self, AdminTierFindings.self,
    ]

    /// Audits an analyzed cluster.
    package static func audit(_ result: Reachability) -> AuditReport {
        var context = AuditContext(result: result)
        for check in checks { check.run(&context) }
        var active: [Finding] = []
        var suppressed: [Finding] = []
        for finding in context.findings {
            if finding.suppression != nil { suppressed.append(finding) } else { active.append(finding) }
        }
        return AuditReport(
            findings: sort(active),
            suppressed: sort(suppressed),
            isolation: isolationMatrix(result),
            settings: result.model.settings
        )
    }

    /// Most severe first, then by location, rule and subject; ties in the order found. The keys are read once and
    /// indices sorted on every core: a 150,000-pod audit has 24,000 findings, and sorting them moved each whole.
    private static func sort(_ findings: [Finding]) -> [Finding] {
        let keys = findings.map { finding in
            (
                severity: finding.severity,
                location: finding.locations.first ?? SourceLocation(file: "~", line: 0, column: 0),
                rule: finding.rule.id,
                subject: finding.subject
            )
        }
        let order = Parallel.sortedIndices(findings.count) { i, j in
            let a = keys[i]
            let b = keys[j]
            if a.severity != b.severity { return a.severity > b.severity }
            return (a.location, a.rule, a.subject, i) < (b.location, b.rule, b.subject, j)
        }
        return order.map { findings[$0] }
    }

    /// The namespace matrix of `--isolation`. Namespaces whose classes fall in the same pair groups (a kind) have
    /// the same row and column but for their own cell, so cells are kept per pair of kinds and per namespace's own
    /// cell: thousands of namespaces without policies are one kind, and the matrix grows with kinds², not namespaces².
    /// - Complexity: O(pair-group edges × the kinds of their groups + kinds² + namespaces × their groups) time.
    package static func isolationMatrix(_ result: Reachability) -> IsolationMatrix {
        let names = Array(Set(result.cluster.endpoints.map(\.namespace))).sorted()
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element, $0.offset) })
        let model = result.model
        let flows = result.classFlows
        let groups = flows.groups
        // Per namespace: its classes' pair groups, ascending, with how many of its endpoints each holds.
        var held = [[GroupID: Int]](repeating: [:], count: names.count)
        for (c, cls) in model.classes.enumerated() {
            guard let i = index[cls.namespace] else { continue }
            held[i][groups.groupOf[c], default: 0] += cls.members.count
        }
        let groupLists = held.map { $0.keys.sorted() }
        var kindIndex: [[GroupID]: Int32] = [:]
        var kindOf: [Int32] = []
        var kindGroups: [[GroupID]] = []
        for list in groupLists {
            if let k = kindIndex[list] {
                kindOf.append(k)
            } else {
                let k = Int32(kindGroups.count)
                kindIndex[list] = k
                kindGroups.append(list)
                kindOf.append(k)
            }
        }
        let kinds = kindGroups.count
        // Per group, the kinds holding it, as ranges of one flat array: the loop below reads them for every edge,
        // and a list per group scattered over the heap was a cache miss per edge (live-shaped: 15,000 groups).
        var kindCount = [Int](repeating: 0, count: groups.count + 1)
        for list in kindGroups { for g in list { kindCount[g.index + 1] += 1 } }
        for g in 0..<groups.count { kindCount[g + 1] += kindCount[g] }
        let kindStart = kindCount
        var kindFlat = [Int](repeating: 0, count: kindStart[groups.count])
        var filled = kindStart
        for (k, list) in kindGroups.enumerated() {
            for g in list {
                kindFlat[filled[g.index]] = k
                filled[g.index] += 1
            }
        }
        // Between two namespaces (of kinds p and q, p == q for two of one kind): every endpoint pair is a flow. The
        // rows of a range of kinds p on each core, each with its own table of sets (cells hold ids of distinct sets;
        // the union of two ids is computed once), then put in one table: live-shaped, a fifth of a second on one core.
        let connections = flows.connections
        let outbound = flows.groupOutbound
        let (starts, flat) = (kindStart, kindFlat)
        let kindRanges = Parallel.ranges(kinds, maxChunks: 8)
        let pieces = Parallel.map(kindRanges.count, maxChunks: kindRanges.count) { w in
            let rows = kindRanges[w]
            var table = UnionTable()
            let ids = connections.map { table.id($0) }
            var cells = [Int32](repeating: table.none, count: rows.count * kinds)
            for (g, edges) in outbound.enumerated() {
                // The kinds of g (ascending) among these rows.
                var low = starts[g]
                while low < starts[g + 1], flat[low] < rows.lowerBound { low += 1 }
                var high = low
                while high < starts[g + 1], flat[high] < rows.upperBound { high += 1 }
                guard low < high else { continue }
                for edge in edges {
                    let id = ids[Int(edge.connection)]
                    for i in low..<high {
                        let row = (flat[i] - rows.lowerBound) * kinds
                        for j in starts[edge.peer.index]..<starts[edge.peer.index + 1] {
                            cells[row + flat[j]] = table.union(cells[row + flat[j]], id)
                        }
                    }
                }
            }
            return (cells, table.sets)
        }
        var table = UnionTable()
        let none = table.none
        var cells: [Int32] = []
        cells.reserveCapacity(kinds * kinds)
        for (rows, sets) in pieces {
            let global = sets.map { table.id($0) }
            cells += rows.map { global[Int($0)] }
        }
        let ids = connections.map { table.id($0) }
        func union(_ current: Int32, _ id: Int32) -> Int32 { table.union(current, id) }
        // A namespace's own cell: no flow from an endpoint to itself (a group holding one endpoint there).
        let diagonal = held.indices.map { i in
            var cell = none
            // In group order, so that the table's ids do not depend on the dictionary's.
            for g in groupLists[i] {
                let edges = flows.groupOutbound[g]
                let sources = held[i][g] ?? 0
                for h in groupLists[i] {
                    let destinations = held[i][h] ?? 0
                    guard sources * destinations - (g == h ? sources : 0) > 0,
                        let edge = Self.edge(edges, to: h)
                    else { continue }
                    cell = union(cell, ids[Int(edge.connection)])
                }
            }
            return cell
        }
        var namespacesOfKind = [Int](repeating: 0, count: kinds)
        for k in kindOf { namespacesOfKind[Int(k)] += 1 }
        let isolatedKind = (0..<kinds).map { p in
            (0..<kinds).allSatisfy { q in
                (p == q && namespacesOfKind[p] < 2) || (cells[p * kinds + q] == none && cells[q * kinds + p] == none)
            }
        }
        let isolated = names.indices.filter { isolatedKind[Int(kindOf[$0])] }.map { names[$0] }
        return IsolationMatrix(
            namespaces: names,
            kindOf: kindOf,
            cells: cells,
            diagonal: diagonal,
            sets: table.sets,
            isolated: names.count > 1 ? isolated : []
        )
    }

    /// The edge of `edges` (ascending by peer) towards `peer`, if any.
    private static func edge(_ edges: [Edge<GroupID>], to peer: GroupID) -> Edge<GroupID>? {
        var low = 0
        var high = edges.count
        while low < high {
            let mid = (low + high) / 2
            if edges[mid].peer < peer { low = mid + 1 } else { high = mid }
        }
        return low < edges.count && edges[low].peer == peer ? edges[low] : nil
    }

    /// Parses `netreach.io/ignore` into rule id → reason (entries separated by newlines or `;`); entries it
    /// cannot read are left out (the loader warns about them).
    package static func ignoredEntries(_ annotations: [String: String]) -> [String: String] {
        IgnoreAnnotation(annotations).reasons
    }
}

extension AuditRule {
    /// Every rule, in report order.
    package static let all: [AuditRule] = Auditor.checks.flatMap { $0.rules }
}
