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
    package var location: SourceLocation?

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

/// An object that brings traffic from outside the cluster to Services of its namespace, through the ingress
/// controller: a Kubernetes Ingress or an OpenShift Route.
package struct WayIn: Hashable, Sendable {
    package enum Kind: String, Hashable, Sendable {
        case ingress = "Ingress"
        case route = "Route"
    }

    /// A Service of the object's namespace, and the port asked for (a Service port name or number; for a
    /// Route a target port; nil: every port of the Service).
    package struct Backend: Hashable, Sendable {
        package var service: String
        package var port: PortValue?
        package var location: SourceLocation?

        package init(service: String, port: PortValue?, location: SourceLocation? = nil) {
            self.service = service
            self.port = port
            self.location = location
        }
    }

    package var kind: Kind
    package var namespace: String
    package var name: String
    package var backends: [Backend]
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
