/// A port a container declares, which named ports in policies resolve to.
package struct ContainerPort: Hashable, Sendable, Comparable {
    /// The port's name, if it has one.
    package var name: String?
    /// The port number, 1–65535.
    package var number: Int
    /// The protocol, TCP by default.
    package var networkProtocol: NetworkProtocol

    /// Creates a container port.
    package init(name: String?, number: Int, networkProtocol: NetworkProtocol = .tcp) {
        self.name = name
        self.number = number
        self.networkProtocol = networkProtocol
    }

    /// Orders by name, protocol, number.
    package static func < (lhs: ContainerPort, rhs: ContainerPort) -> Bool {
        (lhs.name ?? "", lhs.networkProtocol.rawValue, lhs.number) < (
            rhs.name ?? "", rhs.networkProtocol.rawValue, rhs.number
        )
    }
}

/// Something that runs pods: a bare Pod, or the workload that owns pods (Deployment, ReplicaSet, …).
///
/// All pods of one owner form one endpoint, named `namespace/name[Kind]`.
package struct Endpoint: Hashable, Sendable {
    /// The namespace.
    package var namespace: String
    /// The workload's (or bare pod's) name.
    package var name: String
    /// `Pod`, `Deployment`, `ReplicaSet`, `StatefulSet`, `DaemonSet`, `Job`, `CronJob`, …
    package var kind: String
    /// The pod labels policies select on.
    package var labels: [String: String]
    /// Ports declared by the containers, for named-port resolution.
    package var ports: [ContainerPort]
    /// True when the pods use the node's network (`hostNetwork: true`).
    package var hostNetwork: Bool
    /// Where the object was defined.
    package var location: SourceLocation?
    /// The object's annotations (`netreach.io/ignore` suppresses audit findings).
    package var annotations: [String: String]
    /// The pods' IPs (`status.podIP`, `status.podIPs`), sorted; empty when the input has none (manifests in git).
    package var addresses: [IPAddress] = []
    /// The addresses of the nodes the pods run on (`status.hostIP`), sorted.
    package var nodeAddresses: [IPAddress] = []

    /// Creates an endpoint.
    package init(
        namespace: String,
        name: String,
        kind: String,
        labels: [String: String] = [:],
        ports: [ContainerPort] = [],
        hostNetwork: Bool = false,
        location: SourceLocation? = nil,
        annotations: [String: String] = [:]
    ) {
        self.namespace = namespace
        self.name = name
        self.kind = kind
        self.labels = labels
        self.ports = ports
        self.hostNetwork = hostNetwork
        self.location = location
        self.annotations = annotations
    }

    /// `namespace/name[Kind]`, the name every output uses.
    package var id: String { "\(namespace)/\(name)[\(kind)]" }
}
