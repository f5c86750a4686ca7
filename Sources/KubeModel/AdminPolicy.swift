/// The admin policy tiers of `policy.networking.k8s.io` (network-policy-api): v1alpha1 AdminNetworkPolicy and
/// BaselineAdminNetworkPolicy, and their v1alpha2 successor ClusterNetworkPolicy, read into one model.
///
/// Per direction, the admin tier decides first (policies in `priority` order, lower first; rules in written order;
/// the first matching rule decides), then the NetworkPolicies if any selects the pod, else the baseline tier, else
/// the connection is allowed.

/// The tier a cluster-scoped policy sits in.
package enum AdminTier: String, Hashable, Sendable, Comparable {
    /// Above the NetworkPolicies: AdminNetworkPolicy, ClusterNetworkPolicy `tier: Admin`.
    case admin = "Admin"
    /// Below them, for pods no NetworkPolicy selects: BaselineAdminNetworkPolicy, ClusterNetworkPolicy
    /// `tier: Baseline`.
    case baseline = "Baseline"

    package static func < (a: Self, b: Self) -> Bool { a == .admin && b == .baseline }
}

/// The kind (and API version) an admin policy was written as.
package enum AdminPolicyKind: String, Hashable, Sendable {
    /// `policy.networking.k8s.io/v1alpha1` AdminNetworkPolicy.
    case adminNetworkPolicy = "AdminNetworkPolicy"
    /// `policy.networking.k8s.io/v1alpha1` BaselineAdminNetworkPolicy (a singleton named `default`).
    case baselineAdminNetworkPolicy = "BaselineAdminNetworkPolicy"
    /// `policy.networking.k8s.io/v1alpha2` ClusterNetworkPolicy (either tier).
    case clusterNetworkPolicy = "ClusterNetworkPolicy"
}

/// What a rule does with the connections it matches.
package enum AdminAction: String, Hashable, Sendable {
    /// v1alpha1 `Allow`: admit and stop.
    case allow = "Allow"
    /// v1alpha2 `Accept`: admit and stop.
    case accept = "Accept"
    /// Drop and stop.
    case deny = "Deny"
    /// Skip the remaining rules of the tier and hand the decision to the next tier.
    case pass = "Pass"

    /// Whether the action admits the connections (`Allow` or `Accept`).
    package var admits: Bool { self == .allow || self == .accept }
}

/// The pods a policy applies to (`spec.subject`), or that a `pods` peer names.
package enum AdminSelection: Hashable, Sendable {
    /// Every pod of the namespaces the selector matches.
    case namespaces(LabelSelector)
    /// The pods the pod selector matches, in the namespaces the namespace selector matches.
    case pods(namespaceSelector: LabelSelector, podSelector: LabelSelector)

    /// Whether a pod with `labels` in a namespace with `namespaceLabels` is selected.
    package func matches(namespaceLabels: [String: String], podLabels: [String: String]) -> Bool {
        switch self {
        case .namespaces(let namespaces): namespaces.matches(namespaceLabels)
        case .pods(let namespaces, let pods): namespaces.matches(namespaceLabels) && pods.matches(podLabels)
        }
    }
}

/// One item of an admin rule's `from` or `to` list.
package enum AdminPeer: Hashable, Sendable {
    /// `namespaces` or `pods`: pods of the cluster (never host-network pods).
    case pods(AdminSelection)
    /// Egress `networks`: CIDRs, outside the cluster and, by the specification, pod addresses inside it.
    case networks([CIDR])
    /// Egress `nodes`: the addresses (`status.addresses`) of the Node objects the selector matches.
    case nodes(LabelSelector)
    /// Egress `domainNames`: not evaluable offline; they match no address (with a warning).
    case domainNames([String])
    /// A peer with no field netreach knows (a newer API version): it fails closed as the specification says, so
    /// an `Allow`/`Accept` rule matches nothing through it and a `Deny`/`Pass` rule matches everything.
    case unrecognised(fields: [String])
}

/// One item of an admin rule's ports (`ports` in v1alpha1, `protocols` in v1alpha2).
package enum AdminPort: Hashable, Sendable {
    /// `portNumber` (a range of one) or `portRange`; v1alpha2 `tcp`/`udp`/`sctp` `destinationPort`.
    case numbers(NetworkProtocol, ClosedRange<Int>)
    /// `namedPort` / `destinationNamedPort`: the destination pod's container port with that name, of any protocol.
    case named(String)

    /// `TCP 80`, `UDP 1000-2000`, `named port http`: how messages name it.
    package var text: String {
        switch self {
        case .numbers(let proto, let range):
            range.count == 1
                ? "\(proto.rawValue) \(range.lowerBound)" : "\(proto.rawValue) \(range.lowerBound)-\(range.upperBound)"
        case .named(let name): "named port \(name)"
        }
    }
}

/// One ingress or egress rule of an admin policy.
package struct AdminRule: Hashable, Sendable {
    /// `name` (optional in v1alpha2; empty when absent).
    package var name: String
    /// `action`.
    package var action: AdminAction
    /// `from` / `to` (at least one).
    package var peers: [AdminPeer]
    /// `ports` / `protocols`; nil means every port of every protocol.
    package var ports: [AdminPort]?
    /// Where the rule is written.
    package var location: SourceLocation?

    /// Creates a rule.
    package init(
        name: String,
        action: AdminAction,
        peers: [AdminPeer],
        ports: [AdminPort]? = nil,
        location: SourceLocation? = nil
    ) {
        self.name = name
        self.action = action
        self.peers = peers
        self.ports = ports
        self.location = location
    }
}

/// An AdminNetworkPolicy, BaselineAdminNetworkPolicy or ClusterNetworkPolicy.
package struct AdminPolicy: Hashable, Sendable {
    /// The kind it was written as.
    package var kind: AdminPolicyKind
    /// The policy's name (cluster-scoped: no namespace).
    package var name: String
    /// The tier.
    package var tier: AdminTier
    /// `spec.priority` (0–1000, lower first); 0 for the v1alpha1 baseline, which has none.
    package var priority: Int
    /// `spec.subject`.
    package var subject: AdminSelection
    /// Ingress rules, in written order (the first that matches decides).
    package var ingress: [AdminRule]
    /// Egress rules, in written order.
    package var egress: [AdminRule]
    /// Where the policy was defined.
    package var location: SourceLocation?
    /// The policy's annotations (`netreach.io/ignore` suppresses audit findings).
    package var annotations: [String: String]

    /// Creates a policy.
    package init(
        kind: AdminPolicyKind,
        name: String,
        tier: AdminTier,
        priority: Int,
        subject: AdminSelection,
        ingress: [AdminRule] = [],
        egress: [AdminRule] = [],
        location: SourceLocation? = nil,
        annotations: [String: String] = [:]
    ) {
        self.kind = kind
        self.name = name
        self.tier = tier
        self.priority = priority
        self.subject = subject
        self.ingress = ingress
        self.egress = egress
        self.location = location
        self.annotations = annotations
    }

    /// The rules of one direction.
    package func rules(_ direction: Direction) -> [AdminRule] {
        direction == .ingress ? ingress : egress
    }

    /// The order policies are evaluated in: tier, priority, then (for equal priorities, which the specification
    /// leaves undefined and netreach rejects unless told otherwise) kind and name.
    package static func evaluationOrder(_ a: Self, _ b: Self) -> Bool {
        (a.tier, a.priority, a.kind.rawValue, a.name) < (b.tier, b.priority, b.kind.rawValue, b.name)
    }
}

/// A Kubernetes Node: what an admin policy's egress `nodes` peer matches.
package struct Node: Hashable, Sendable {
    /// The node's name.
    package var name: String
    /// The node's labels.
    package var labels: [String: String]
    /// `status.addresses` that are IP addresses (InternalIP, ExternalIP).
    package var addresses: [IPAddress]
    /// Where the Node was defined.
    package var location: SourceLocation?

    /// Creates a node.
    package init(name: String, labels: [String: String], addresses: [IPAddress], location: SourceLocation? = nil) {
        self.name = name
        self.labels = labels
        self.addresses = addresses
        self.location = location
    }
}
