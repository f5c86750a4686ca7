/// One port of a Service: the port clients use, and the pods' port it forwards to.
package struct ServicePort: Hashable, Sendable {
    package var name: String?
    package var port: Int
    /// A number or a container port name; nil means `port`.
    package var targetPort: PortValue?
    package var networkProtocol: NetworkProtocol

    package init(name: String?, port: Int, targetPort: PortValue?, networkProtocol: NetworkProtocol) {
        self.name = name
        self.port = port
        self.targetPort = targetPort
        self.networkProtocol = networkProtocol
    }

    /// The pods' port this forwards to.
    package var podPort: PortValue { targetPort ?? .number(port) }
}

/// A Service (`v1`): the pods its selector picks in its namespace, on its ports.
package struct Service: Hashable, Sendable {
    package var namespace: String
    package var name: String
    /// nil: no selector (endpoints managed elsewhere); the Service selects no workload netreach can see.
    package var selector: [String: String]?
    package var ports: [ServicePort]
    /// ClusterIP, NodePort, LoadBalancer or ExternalName.
    package var type: String
    /// `spec.externalIPs`: addresses outside the cluster on which the nodes accept the Service's ports.
    package var externalIPs: [IPAddress] = []
    /// `spec.loadBalancerSourceRanges`: the client ranges a LoadBalancer admits (empty: every address).
    package var sourceRanges: [CIDR] = []
    /// `spec.externalTrafficPolicy`: `Cluster` (the default: a node may forward, and the pod sees a node's address)
    /// or `Local` (the pod sees the client's address).
    package var externalTrafficPolicy = "Cluster"
    package var location: SourceLocation?

    /// Whether addresses outside the cluster reach it directly: a LoadBalancer, a NodePort, or external IPs.
    package var isExposed: Bool { type == "LoadBalancer" || type == "NodePort" || !externalIPs.isEmpty }

    package init(
        namespace: String,
        name: String,
        selector: [String: String]?,
        ports: [ServicePort],
        type: String = "ClusterIP",
        location: SourceLocation? = nil
    ) {
        self.namespace = namespace
        self.name = name
        self.selector = selector
        self.ports = ports
        self.type = type
        self.location = location
    }

    /// `namespace/name`.
    package var id: String { "\(namespace)/\(name)" }
}

/// An object that brings traffic from outside the cluster to Services, through the ingress controller or a
/// Gateway: a Kubernetes Ingress, an OpenShift Route, or a Gateway API route.
package struct WayIn: Hashable, Sendable {
    package enum Kind: String, Hashable, Sendable {
        case ingress = "Ingress"
        case route = "Route"
        case httpRoute = "HTTPRoute"
        case grpcRoute = "GRPCRoute"
        case tcpRoute = "TCPRoute"
        case tlsRoute = "TLSRoute"
    }

    /// A Service, and the port asked for (a Service port name or number; for a Route a target port; nil: every
    /// port of the Service).
    package struct Backend: Hashable, Sendable {
        package var service: String
        /// The Service's namespace when it is not the object's own (Gateway API `backendRefs[].namespace`).
        package var namespace: String?
        package var port: PortValue?
        package var location: SourceLocation?

        package init(service: String, namespace: String? = nil, port: PortValue?, location: SourceLocation? = nil) {
            self.service = service
            self.namespace = namespace
            self.port = port
            self.location = location
        }
    }

    package var kind: Kind
    package var namespace: String
    package var name: String
    package var backends: [Backend]
    /// The host names it answers for (Ingress `rules[].host`, Route `spec.host`, Gateway routes `spec.hostnames`).
    package var hosts: [String] = []
    /// For a Gateway API route, the Gateways it attaches to (`spec.parentRefs`), as `namespace/name`.
    package var gateways: [String] = []
    package var location: SourceLocation?

    package init(kind: Kind, namespace: String, name: String, backends: [Backend], location: SourceLocation? = nil) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.backends = backends
        self.location = location
    }

    /// `namespace/name`.
    package var id: String { "\(namespace)/\(name)" }
}

/// A Gateway API ReferenceGrant: in its namespace, lets objects of the kinds and namespaces in `from` refer to the
/// objects in `to` (here: routes in other namespaces to Services).
package struct ReferenceGrant: Hashable, Sendable {
    package var namespace: String
    package var name: String
    /// Kind and namespace of the objects allowed to refer.
    package var from: [KindInNamespace]
    /// Kind, and name (nil: any), of the objects they may refer to.
    package var to: [KindNamed]
    package var location: SourceLocation?

    package struct KindInNamespace: Hashable, Sendable {
        package var kind: String
        package var namespace: String
        package init(kind: String, namespace: String) {
            self.kind = kind
            self.namespace = namespace
        }
    }

    package struct KindNamed: Hashable, Sendable {
        package var kind: String
        package var name: String?
        package init(kind: String, name: String?) {
            self.kind = kind
            self.name = name
        }
    }

    package init(namespace: String, name: String, from: [KindInNamespace], to: [KindNamed], location: SourceLocation?) {
        self.namespace = namespace
        self.name = name
        self.from = from
        self.to = to
        self.location = location
    }

    /// `namespace/name`.
    package var id: String { "\(namespace)/\(name)" }

    /// Whether an object of `kind` in `namespace` may refer to the Service `service` of this grant's namespace.
    package func allows(_ kind: String, from namespace: String, toService service: String) -> Bool {
        from.contains { $0.kind == kind && $0.namespace == namespace }
            && to.contains { $0.kind == "Service" && ($0.name == nil || $0.name == service) }
    }
}

/// A Gateway API Gateway: where outside traffic enters, on its listeners, before its routes send it to Services.
package struct Gateway: Hashable, Sendable {
    /// One listener: a port, a protocol, and the host name it answers for (nil: any).
    package struct Listener: Hashable, Sendable {
        package var name: String
        package var port: Int
        package var networkProtocol: String
        package var hostname: String?

        package init(name: String, port: Int, networkProtocol: String, hostname: String?) {
            self.name = name
            self.port = port
            self.networkProtocol = networkProtocol
            self.hostname = hostname
        }
    }

    package var namespace: String
    package var name: String
    package var listeners: [Listener]
    package var location: SourceLocation?

    package init(namespace: String, name: String, listeners: [Listener], location: SourceLocation?) {
        self.namespace = namespace
        self.name = name
        self.listeners = listeners
        self.location = location
    }

    /// `namespace/name`.
    package var id: String { "\(namespace)/\(name)" }
}
