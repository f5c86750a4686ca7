import KubeModel
import Parallel

extension AuditRule {
    /// A rule peer that matches nothing.
    package static let peerMatchesNothing = AuditRule(
        id: "peer-matches-nothing",
        severity: .note,
        title: "Rule peer matches no endpoint",
        help: "A podSelector/namespaceSelector in a rule matches no endpoint in the input, so it allows nothing. Check "
            + "its labels, or whether the namespace labels exist."
    )
}

/// A pod or namespace selector in a rule that matches no endpoint.
enum PeerMatchesNothing: AuditCheck {
    static let rules: [AuditRule] = [.peerMatchesNothing]

    static func run(_ context: inout AuditContext) {
        let namespaces = context.cluster.namespaces
        let classes = context.model.classes
        let policies = context.cluster.policies
        // Endpoints of a class share namespace and labels: checking the classes is enough. They are looked at by
        // namespace, and the namespaces a namespaceSelector matches are found once per distinct selector (2,000
        // namespaces and 10,000 policies: every peer against every class was most of the audit). The selectors'
        // namespaces, then each policy's peers, on every core; the findings added in policy order.
        var classesIn: [String: [Int]] = [:]
        for (c, endpointClass) in classes.enumerated() { classesIn[endpointClass.namespace, default: []].append(c) }
        var selectors = Set<LabelSelector>()
        for policy in policies {
            for case .pods(_, let namespaceSelector?) in policy.peersOfItsTypes { selectors.insert(namespaceSelector) }
        }
        let distinct = Array(selectors)
        let names = Parallel.map(distinct.count) { i in namespaces.filter { distinct[i].matches($0.labels) }.map(\.name)
        }
        let selected = Dictionary(uniqueKeysWithValues: zip(distinct, names))
        let index = classesIn
        let empty = Parallel.map(policies.count) { p -> [(direction: Direction, rule: Int, peer: Int)] in
            let policy = policies[p]
            var out: [(direction: Direction, rule: Int, peer: Int)] = []
            for direction in Direction.allCases where policy.policyTypes.contains(direction) {
                for (r, rule) in policy.rules(direction).enumerated() {
                    for (q, peer) in (rule.peers ?? []).enumerated() {
                        guard case .pods(let podSelector, let namespaceSelector) = peer else { continue }
                        let inNamespaces = namespaceSelector.map { selected[$0] ?? [] } ?? [policy.namespace]
                        let matches = inNamespaces.contains { namespace in
                            (index[namespace] ?? []).contains { c in
                                podSelector?.matches(classes[c].labels) ?? true
                            }
                        }
                        if !matches { out.append((direction, r, q)) }
                    }
                }
            }
            return out
        }
        for (p, peers) in empty.enumerated() {
            let policy = policies[p]
            for (direction, r, q) in peers {
                let rule = policy.rules(direction)[r]
                let field = "spec.\(direction.specField)[\(r)].\(direction.peerField)[\(q)]"
                context.add(
                    .peerMatchesNothing,
                    subject: "NetworkPolicy \(policy.id)",
                    "\(field) of NetworkPolicy \(policy.id) matches no endpoint, so it allows nothing",
                    fix: "check the selector's labels against the workloads and namespaces it should match",
                    at: [rule.location ?? policy.location],
                    annotations: policy.annotations
                )
            }
        }
    }
}
