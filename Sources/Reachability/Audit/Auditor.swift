import KubeModel

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

    private static func sort(_ findings: [Finding]) -> [Finding] {
        findings.sorted {
            let a = $0.locations.first ?? SourceLocation(file: "~", line: 0, column: 0)
            let b = $1.locations.first ?? SourceLocation(file: "~", line: 0, column: 0)
            return ($1.severity, a, $0.rule.id, $0.subject) < ($0.severity, b, $1.rule.id, $1.subject)
        }
    }

    /// The namespace matrix of `--isolation`.
    /// - Complexity: O(class edges + namespaces²) time, four bytes per cell.
    package static func isolationMatrix(_ result: Reachability) -> IsolationMatrix {
        let names = Array(Set(result.cluster.endpoints.map(\.namespace))).sorted()
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element, $0.offset) })
        let model = result.model
        let row = model.classes.map { index[$0.namespace] ?? -1 }
        // Cells hold ids of distinct sets; the union of two ids is computed once.
        var table = ConnectionTable()
        let none = table.intern(.none)
        let ids = result.classFlows.connections.map { table.intern($0) }
        var unions: [UInt64: Int32] = [:]
        let n = names.count
        var cells = [Int32](repeating: none, count: n * n)
        for (s, edges) in result.classFlows.outbound.enumerated() {
            let i = row[s]
            guard i >= 0 else { continue }
            for edge in edges {
                let d = edge.peer
                // A class of one endpoint reaching itself is no flow.
                if model.endpointPairs(from: ClassID(s), to: d) == 0 { continue }
                let j = row[d.index]
                guard j >= 0 else { continue }
                let id = ids[Int(edge.connection)]
                let current = cells[i * n + j]
                if current == none || current == id {
                    cells[i * n + j] = id
                    continue
                }
                let key = UInt64(UInt32(bitPattern: current)) << 32 | UInt64(UInt32(bitPattern: id))
                if let known = unions[key] {
                    cells[i * n + j] = known
                } else {
                    let union = table.intern(table.connections[Int(current)].union(table.connections[Int(id)]))
                    unions[key] = union
                    cells[i * n + j] = union
                }
            }
        }
        let isolated = names.indices.filter { i in
            names.indices.allSatisfy { j in i == j || (cells[i * n + j] == none && cells[j * n + i] == none) }
        }.map { names[$0] }
        return IsolationMatrix(
            namespaces: names,
            cells: cells,
            sets: table.connections,
            isolated: n > 1 ? isolated : []
        )
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
