/// The direction of a connection as seen by the pod a policy selects.
package enum Direction: String, Hashable, Sendable, CaseIterable {
    /// Connections into the pod.
    case ingress = "Ingress"
    /// Connections out of the pod.
    case egress = "Egress"

    /// The field of a policy spec holding the rules of this direction: `ingress` or `egress`.
    package var specField: String { self == .ingress ? "ingress" : "egress" }

    /// The field of a rule holding its peers: `from` for ingress, `to` for egress.
    package var peerField: String { self == .ingress ? "from" : "to" }
}

/// `ipBlock`: a CIDR minus its `except` blocks.
package struct IPBlock: Hashable, Sendable {
    /// The block.
    package var cidr: CIDR
    /// Blocks inside `cidr` that are left out.
    package var except: [CIDR]

    /// Creates an ipBlock.
    package init(cidr: CIDR, except: [CIDR] = []) {
        self.cidr = cidr
        self.except = except
    }
}

/// One item of a rule's `from` or `to` list.
package enum PolicyPeer: Hashable, Sendable {
    /// `podSelector` and/or `namespaceSelector`. A nil `namespaceSelector` means the policy's own namespace;
    /// a nil `podSelector` means every pod of the selected namespaces.
    case pods(podSelector: LabelSelector?, namespaceSelector: LabelSelector?)
    /// `ipBlock`: addresses outside the cluster.
    case ipBlock(IPBlock)
}

/// The `port` of a policy port: a number or a container port name.
package enum PortValue: Hashable, Sendable {
    /// A port number.
    case number(Int)
    /// A named container port, resolved on the destination pod.
    case named(String)

    /// The number, or the name, as the manifest writes it.
    package var text: String {
        switch self {
        case .number(let number): return String(number)
        case .named(let name): return name
        }
    }
}

/// One item of a rule's `ports` list.
package struct PolicyPort: Hashable, Sendable {
    /// The protocol (TCP when omitted).
    package var networkProtocol: NetworkProtocol
    /// The port; nil means every port of the protocol.
    package var port: PortValue?
    /// The last port of a range starting at `port` (numbers only).
    package var endPort: Int?

    /// Creates a policy port.
    package init(networkProtocol: NetworkProtocol = .tcp, port: PortValue? = nil, endPort: Int? = nil) {
        self.networkProtocol = networkProtocol
        self.port = port
        self.endPort = endPort
    }
}

/// One ingress or egress rule.
package struct PolicyRule: Hashable, Sendable {
    /// The peers (`from` / `to`); nil means every peer, in and outside the cluster.
    package var peers: [PolicyPeer]?
    /// The ports; nil means every port and protocol.
    package var ports: [PolicyPort]?
    /// Where the rule was written.
    package var location: SourceLocation?

    /// Creates a rule.
    package init(peers: [PolicyPeer]? = nil, ports: [PolicyPort]? = nil, location: SourceLocation? = nil) {
        self.peers = peers
        self.ports = ports
        self.location = location
    }
}

/// A `networking.k8s.io/v1` NetworkPolicy with its `policyTypes` already resolved.
package struct NetworkPolicy: Hashable, Sendable {
    /// The namespace the policy lives in (and whose pods it selects).
    package var namespace: String
    /// The policy's name.
    package var name: String
    /// Which pods of `namespace` the policy selects.
    package var podSelector: LabelSelector
    /// The directions the policy isolates: `policyTypes`, or when absent Ingress plus Egress if it has
    /// egress rules (the Kubernetes default).
    package var policyTypes: Set<Direction>
    /// Ingress rules (unions of allowed connections).
    package var ingress: [PolicyRule]
    /// Egress rules.
    package var egress: [PolicyRule]
    /// Where the policy was defined.
    package var location: SourceLocation?
    /// The policy's annotations (`netreach.io/ignore` suppresses audit findings).
    package var annotations: [String: String]

    /// Creates a policy. When `policyTypes` is nil, it is derived as Kubernetes does.
    package init(
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
    package var id: String { "\(namespace)/\(name)" }

    /// The rules of one direction.
    package func rules(_ direction: Direction) -> [PolicyRule] {
        direction == .ingress ? ingress : egress
    }

    /// The peers of the rules of the directions in `policyTypes` (the rules of another direction are never read).
    package var peersOfItsTypes: [PolicyPeer] {
        Direction.allCases.filter(policyTypes.contains).flatMap { rules($0).flatMap { $0.peers ?? [] } }
    }
}

/// Everything netreach reads from the manifests.
package struct Cluster: Hashable, Sendable {
    /// Namespaces, defined or implicit, sorted by name.
    package var namespaces: [Namespace]
    /// Endpoints, sorted by id.
    package var endpoints: [Endpoint]
    /// NetworkPolicies, sorted by namespace and name.
    package var policies: [NetworkPolicy]
    /// Services, sorted by namespace and name.
    package var services: [Service]
    /// Ingresses, Routes and Gateway API routes, sorted by kind, namespace and name.
    package var waysIn: [WayIn]
    /// Gateway API ReferenceGrants, sorted by namespace and name.
    package var referenceGrants: [ReferenceGrant]
    /// Gateway API Gateways, sorted by namespace and name.
    package var gateways: [Gateway]
    /// AdminNetworkPolicies, BaselineAdminNetworkPolicies and ClusterNetworkPolicies, in evaluation order (tier,
    /// priority, kind, name).
    package var adminPolicies: [AdminPolicy]
    /// Nodes, sorted by name (what admin `nodes` peers match).
    package var nodes: [Node]

    /// Creates a cluster; adds implicit namespaces for any that endpoints or policies name but `namespaces`
    /// lacks, and sorts everything. `endpointsInIDOrder` says the caller has already sorted `endpoints` by id (the
    /// loader's merge does): they are kept as given instead of sorted again.
    package init(
        namespaces: [Namespace],
        endpoints: [Endpoint],
        endpointsInIDOrder: Bool = false,
        policies: [NetworkPolicy],
        services: [Service] = [],
        waysIn: [WayIn] = [],
        referenceGrants: [ReferenceGrant] = [],
        gateways: [Gateway] = [],
        adminPolicies: [AdminPolicy] = [],
        nodes: [Node] = []
    ) {
        var byName: [String: Namespace] = [:]
        for namespace in namespaces { byName[namespace.name] = namespace }
        var previous: String?
        for e in endpoints.indices where endpoints[e].namespace != previous {
            let namespace = endpoints[e].namespace
            previous = namespace
            if byName[namespace] == nil { byName[namespace] = Namespace(name: namespace) }
        }
        for policy in policies where byName[policy.namespace] == nil {
            byName[policy.namespace] = Namespace(name: policy.namespace)
        }
        self.namespaces = byName.values.sorted { $0.name < $1.name }
        if endpointsInIDOrder {
            assert(zip(endpoints, endpoints.dropFirst()).allSatisfy { $0.id <= $1.id }, "endpoints not in id order")
            self.endpoints = endpoints
        } else {
            // Ids are built once, not at every comparison (150,000 endpoints).
            self.endpoints = endpoints.map { ($0.id, $0) }.sorted { $0.0 < $1.0 }.map(\.1)
        }
        self.policies = policies.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
        self.services = services.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
        self.gateways = gateways.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
        self.referenceGrants = referenceGrants.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
        self.adminPolicies = adminPolicies.sorted(by: AdminPolicy.evaluationOrder)
        self.nodes = nodes.sorted { $0.name < $1.name }
        self.waysIn = waysIn.sorted {
            ($0.kind.rawValue, $0.namespace, $0.name) < ($1.kind.rawValue, $1.namespace, $1.name)
        }
    }
}

extension Cluster {
    /// The indices of each namespace's endpoints, ascending. One lookup per run of endpoints of one namespace
    /// (sorted by id, a namespace's endpoints are one run) and no endpoint copied: a loop over the endpoints'
    /// values copied 150,000 of them each time.
    package func endpointIndicesByNamespace() -> [String: [Int]] {
        var out: [String: [Int]] = [:]
        var start = 0
        while start < endpoints.count {
            let namespace = endpoints[start].namespace
            var end = start + 1
            while end < endpoints.count, endpoints[end].namespace == namespace { end += 1 }
            out[namespace, default: []].append(contentsOf: start..<end)
            start = end
        }
        return out
    }
}

/// One value per direction, read and written by `Direction`: `isolated[direction]` instead of an ingress copy,
/// an egress copy and a `direction == .ingress ? … : …` at every use.
package struct PerDirection<Value> {
    /// The value for connections into the pod.
    package var ingress: Value
    /// The value for connections out of the pod.
    package var egress: Value

    /// Creates the pair.
    package init(ingress: Value, egress: Value) {
        self.ingress = ingress
        self.egress = egress
    }

    /// The same starting value for both directions.
    package init(repeating value: Value) {
        self.init(ingress: value, egress: value)
    }

    /// The value for `direction`, changed in place (no copy of an array value on write).
    package subscript(direction: Direction) -> Value {
        get { direction == .ingress ? ingress : egress }
        _modify {
            if direction == .ingress { yield &ingress } else { yield &egress }
        }
    }
}

extension PerDirection: Sendable where Value: Sendable {}
extension PerDirection: Equatable where Value: Equatable {}
extension PerDirection: Hashable where Value: Hashable {}
