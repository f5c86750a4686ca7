package import KubeModel

/// The kind of object a rule comes from. NetworkPolicy is the only layer today; the admin tiers add theirs.
package enum PolicyKind: String, Hashable, Sendable {
    /// `networking.k8s.io/v1` NetworkPolicy.
    case networkPolicy = "NetworkPolicy"
}

/// Where a compiled rule comes from: what explanations, check's "involved" and audit evidence name.
package struct RuleOrigin: Hashable, Sendable {
    /// The policy, in `Cluster.policies`.
    package var policy: PolicyID
    /// The kind of policy.
    package var kind: PolicyKind
    /// The policy's namespace.
    package var namespace: String
    /// The policy's name.
    package var name: String
    /// The direction of the rule (`spec.ingress` or `spec.egress`).
    package var direction: Direction
    /// The rule's position in that list.
    package var index: Int
    /// Where the rule is written (the policy's location when the rule has none).
    package var location: SourceLocation?

    /// `spec.ingress[0]`.
    package var field: String { "spec.\(direction.specField)[\(index)]" }

    /// How every output names the rule: `NetworkPolicy db/postgres, ingress rule 1` (rules count from 1).
    package var label: String {
        "NetworkPolicy \(namespace)/\(name), \(direction.rawValue.lowercased()) rule \(index + 1)"
    }
}

/// A rule compiled against the cluster: which classes and addresses its peers match, and where it comes from.
struct CompiledRule: Sendable {
    /// Where the rule is written.
    var origin: RuleOrigin
    /// For each class, whether a peer of the rule matches it.
    var matchesClass: [Bool]
    /// Whether a peer of the rule matches the ingress controller (a pod without labels in a namespace no policy
    /// names): no peers, or a namespaceSelector that every namespace satisfies with a podSelector that every pod does.
    var matchesIngressController = false
    /// External addresses the rule's peers match.
    var addresses: IPSet
    /// Ports, nil for all.
    var ports: [PolicyPort]?
    /// The connections when the rule names no port by name (independent of the destination).
    var fixedConnections: ConnectionSet?
}
