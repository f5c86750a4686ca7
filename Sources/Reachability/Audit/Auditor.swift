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
    package static func isolationMatrix(_ result: Reachability) -> IsolationMatrix {
        let names = Array(Set(result.cluster.endpoints.map(\.namespace))).sorted()
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element, $0.offset) })
        var cells = Array(repeating: Array(repeating: ConnectionSet.none, count: names.count), count: names.count)
        let model = result.model
        for (s, edges) in result.classFlows.outbound.enumerated() {
            guard let i = index[model.classes[s].namespace] else { continue }
            for edge in edges {
                let d = edge.peer
                // A class of one endpoint reaching itself is no flow.
                if model.endpointPairs(from: ClassID(s), to: d) == 0 { continue }
                guard let j = index[model.classes[d].namespace] else { continue }
                cells[i][j].formUnion(result.classFlows.connections[Int(edge.connection)])
            }
        }
        let isolated = names.indices.filter { i in
            names.indices.allSatisfy { j in i == j || (cells[i][j].isEmpty && cells[j][i].isEmpty) }
        }.map { names[$0] }
        return IsolationMatrix(namespaces: names, connections: cells, isolated: names.count > 1 ? isolated : [])
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
