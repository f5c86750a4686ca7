package import KubeModel

/// The kind of object a rule comes from.
package enum PolicyKind: String, Hashable, Sendable {
    /// `networking.k8s.io/v1` NetworkPolicy.
    case networkPolicy = "NetworkPolicy"
    /// `policy.networking.k8s.io/v1alpha1` AdminNetworkPolicy.
    case adminNetworkPolicy = "AdminNetworkPolicy"
    /// `policy.networking.k8s.io/v1alpha1` BaselineAdminNetworkPolicy.
    case baselineAdminNetworkPolicy = "BaselineAdminNetworkPolicy"
    /// `policy.networking.k8s.io/v1alpha2` ClusterNetworkPolicy.
    case clusterNetworkPolicy = "ClusterNetworkPolicy"

    /// The kind of an admin policy.
    package init(_ kind: AdminPolicyKind) {
        switch kind {
        case .adminNetworkPolicy: self = .adminNetworkPolicy
        case .baselineAdminNetworkPolicy: self = .baselineAdminNetworkPolicy
        case .clusterNetworkPolicy: self = .clusterNetworkPolicy
        }
    }
}

/// The policy a rule belongs to.
package enum RuleOwner: Hashable, Sendable {
    /// A NetworkPolicy (`Cluster.policies`).
    case networkPolicy(PolicyID)
    /// An admin policy (`Cluster.adminPolicies`), of the admin or the baseline tier.
    case admin(AdminPolicyID, AdminTier)
}

/// Where a compiled rule comes from: what explanations, check's "involved" and audit evidence name.
package struct RuleOrigin: Hashable, Sendable {
    /// The policy it belongs to.
    package var owner: RuleOwner
    /// The kind of policy.
    package var kind: PolicyKind
    /// The policy's namespace (empty for the cluster-scoped admin policies).
    package var namespace: String
    /// The policy's name.
    package var name: String
    /// The direction of the rule (`spec.ingress` or `spec.egress`).
    package var direction: Direction
    /// The rule's position in that list.
    package var index: Int
    /// The rule's `name` (admin policies; empty when it has none).
    package var ruleName = ""
    /// Where the rule is written (the policy's location when the rule has none).
    package var location: SourceLocation?

    /// The NetworkPolicy, nil for an admin policy's rule.
    package var policy: PolicyID? {
        if case .networkPolicy(let p) = owner { p } else { nil }
    }

    /// The admin policy, nil for a NetworkPolicy's rule.
    package var adminPolicy: AdminPolicyID? {
        if case .admin(let p, _) = owner { p } else { nil }
    }

    /// `spec.ingress[0]`.
    package var field: String { "spec.\(direction.specField)[\(index)]" }

    /// How every output names the rule: `NetworkPolicy db/postgres, ingress rule 1` (rules count from 1);
    /// `AdminNetworkPolicy deny-db, egress rule 2 'deny-to-db'` (cluster-scoped, with the rule's name).
    package var label: String {
        let rule = "\(direction.rawValue.lowercased()) rule \(index + 1)"
        guard adminPolicy != nil else { return "NetworkPolicy \(namespace)/\(name), \(rule)" }
        return "\(kind.rawValue) \(name), \(rule)\(ruleName.isEmpty ? "" : " '\(ruleName)'")"
    }
}

/// A rule compiled against the cluster: which classes and addresses its peers match, and where it comes from.
struct CompiledRule: Sendable {
    /// Where the rule is written.
    var origin: RuleOrigin
    /// For each class, whether a peer of the rule matches it.
    var matchesClass: ClassFlags
    /// Whether a peer of the rule matches the ingress controller (a pod without labels in a namespace no policy
    /// names): no peers, or a namespaceSelector that every namespace satisfies with a podSelector that every pod does.
    var matchesIngressController = false
    /// External addresses the rule's peers match.
    var addresses: IPSet
    /// Ports, nil for all.
    var ports: [PolicyPort]?
    /// The connections when the rule names no port by name (independent of the destination).
    var fixedConnections: ConnectionSet?
    /// What the rule does with what it matches: `.allow` for a NetworkPolicy rule, the action for an admin rule.
    var verdict: Verdict = .allow
}
