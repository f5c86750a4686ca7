/// The direction of a connection as seen by the pod a policy selects.
public enum Direction: String, Hashable, Sendable, CaseIterable {
    /// Connections into the pod.
    case ingress = "Ingress"
    /// Connections out of the pod.
    case egress = "Egress"
}

/// `ipBlock`: a CIDR minus its `except` blocks.
public struct IPBlock: Hashable, Sendable {
    /// The block.
    public var cidr: CIDR
    /// Blocks inside `cidr` that are left out.
    public var except: [CIDR]

    /// Creates an ipBlock.
    public init(cidr: CIDR, except: [CIDR] = []) {
        self.cidr = cidr
        self.except = except
    }
}

/// One item of a rule's `from` or `to` list.
public enum PolicyPeer: Hashable, Sendable {
    /// `podSelector` and/or `namespaceSelector`. A nil `namespaceSelector` means the policy's own namespace;
    /// a nil `podSelector` means every pod of the selected namespaces.
    case pods(podSelector: LabelSelector?, namespaceSelector: LabelSelector?)
    /// `ipBlock`: addresses outside the cluster.
    case ipBlock(IPBlock)
}

/// The `port` of a policy port: a number or a container port name.
public enum PortValue: Hashable, Sendable {
    /// A port number.
    case number(Int)
    /// A named container port, resolved on the destination pod.
    case named(String)
}

/// One item of a rule's `ports` list.
public struct PolicyPort: Hashable, Sendable {
    /// The protocol (TCP when omitted).
    public var networkProtocol: NetworkProtocol
    /// The port; nil means every port of the protocol.
    public var port: PortValue?
    /// The last port of a range starting at `port` (numbers only).
    public var endPort: Int?

    /// Creates a policy port.
    public init(networkProtocol: NetworkProtocol = .tcp, port: PortValue? = nil, endPort: Int? = nil) {
        self.networkProtocol = networkProtocol
        self.port = port
        self.endPort = endPort
    }
}

/// One ingress or egress rule.
public struct PolicyRule: Hashable, Sendable {
    /// The peers (`from` / `to`); nil means every peer, in and outside the cluster.
    public var peers: [PolicyPeer]?
    /// The ports; nil means every port and protocol.
    public var ports: [PolicyPort]?
    /// Where the rule was written.
    public var location: SourceLocation?

    /// Creates a rule.
    public init(peers: [PolicyPeer]? = nil, ports: [PolicyPort]? = nil, location: SourceLocation? = nil) {
        self.peers = peers
        self.ports = ports
        self.location = location
    }
}

/// A `networking.k8s.io/v1` NetworkPolicy with its `policyTypes` already resolved.
public struct NetworkPolicy: Hashable, Sendable {
    /// The namespace the policy lives in (and whose pods it selects).
    public var namespace: String
    /// The policy's name.
    public var name: String
    /// Which pods of `namespace` the policy selects.
    public var podSelector: LabelSelector
    /// The directions the policy isolates: `policyTypes`, or when absent Ingress plus Egress if it has
    /// egress rules (the Kubernetes default).
    public var policyTypes: Set<Direction>
    /// Ingress rules (unions of allowed connections).
    public var ingress: [PolicyRule]
    /// Egress rules.
    public var egress: [PolicyRule]
    /// Where the policy was defined.
    public var location: SourceLocation?
    /// The policy's annotations (`netreach.io/ignore` suppresses audit findings).
    public var annotations: [String: String]

    /// Creates a policy. When `policyTypes` is nil, it is derived as Kubernetes does.
    public init(
        namespace: String,
        name: String,
        podSelector: LabelSelector = .everything,
        policyTypes: Set<Direction>? = nil,
        ingress: [PolicyRule] = [],
        egress: [PolicyRule] = [],
        location: SourceLocation? = nil,
        annotations: [String: String] = [:]
    ) {
        self.namespace = namespace
        self.name = name
        self.podSelector = podSelector
        self.policyTypes = policyTypes ?? (egress.isEmpty ? [.ingress] : [.ingress, .egress])
        self.ingress = ingress
        self.egress = egress
        self.location = location
        self.annotations = annotations
    }

    /// `namespace/name`.
    public var id: String { "\(namespace)/\(name)" }

    /// The rules of one direction.
    public func rules(_ direction: Direction) -> [PolicyRule] {
        direction == .ingress ? ingress : egress
    }
}

/// Everything netreach reads from the manifests.
public struct Cluster: Hashable, Sendable {
    /// Namespaces, defined or implicit, sorted by name.
    public var namespaces: [Namespace]
    /// Endpoints, sorted by id.
    public var endpoints: [Endpoint]
    /// NetworkPolicies, sorted by namespace and name.
    public var policies: [NetworkPolicy]

    /// Creates a cluster; adds implicit namespaces for any that endpoints or policies name but `namespaces`
    /// lacks, and sorts everything.
    public init(namespaces: [Namespace], endpoints: [Endpoint], policies: [NetworkPolicy]) {
        var byName: [String: Namespace] = [:]
        for namespace in namespaces { byName[namespace.name] = namespace }
        for name in endpoints.map(\.namespace) + policies.map(\.namespace) where byName[name] == nil {
            byName[name] = Namespace(name: name)
        }
        self.namespaces = byName.values.sorted { $0.name < $1.name }
        // Ids are built once, not at every comparison (150,000 endpoints).
        self.endpoints = endpoints.map { ($0.id, $0) }.sorted { $0.0 < $1.0 }.map(\.1)
        self.policies = policies.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
    }
}
