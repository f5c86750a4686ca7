/// A port a container declares, which named ports in policies resolve to.
public struct ContainerPort: Hashable, Sendable, Comparable {
    /// The port's name, if it has one.
    public var name: String?
    /// The port number, 1–65535.
    public var number: Int
    /// The protocol, TCP by default.
    public var networkProtocol: NetworkProtocol

    /// Creates a container port.
    public init(name: String?, number: Int, networkProtocol: NetworkProtocol = .tcp) {
        self.name = name
        self.number = number
        self.networkProtocol = networkProtocol
    }

    /// Orders by name, protocol, number.
    public static func < (lhs: ContainerPort, rhs: ContainerPort) -> Bool {
        (lhs.name ?? "", lhs.networkProtocol.rawValue, lhs.number) < (
            rhs.name ?? "", rhs.networkProtocol.rawValue, rhs.number
        )
    }
}

/// Something that runs pods: a bare Pod, or the workload that owns pods (Deployment, ReplicaSet, …).
///
/// All pods of one owner form one endpoint, named `namespace/name[Kind]`.
public struct Endpoint: Hashable, Sendable {
    /// The namespace.
    public var namespace: String
    /// The workload's (or bare pod's) name.
    public var name: String
    /// `Pod`, `Deployment`, `ReplicaSet`, `StatefulSet`, `DaemonSet`, `Job`, `CronJob`, …
    public var kind: String
    /// The pod labels policies select on.
    public var labels: [String: String]
    /// Ports declared by the containers, for named-port resolution.
    public var ports: [ContainerPort]
    /// True when the pods use the node's network (`hostNetwork: true`).
    public var hostNetwork: Bool
    /// Where the object was defined.
    public var location: SourceLocation?
    /// The object's annotations (`netreach.io/ignore` suppresses audit findings).
    public var annotations: [String: String]

    /// Creates an endpoint.
    public init(
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
    public var id: String { "\(namespace)/\(name)[\(kind)]" }
}
