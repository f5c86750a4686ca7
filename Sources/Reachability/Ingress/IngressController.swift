package import KubeModel

/// The connections the cluster's ingress controller opens to workloads behind Ingresses and Routes, as
/// netpol-analyzer infers them (its `{ingress-controller}`), and what the reader should know about them.
struct IngressControllerAnswer: Sendable {
    /// Per endpoint reached, the connections (already cut by its ingress policies) and whether its ingress is open
    /// by default (no policy selects it).
    var flows: [(endpoint: Int, connections: ConnectionSet, ingressOpen: Bool)] = []
    /// Per endpoint reached, the objects that bring the traffic (`Ingress ns/name`), in input order, each once.
    var ways: [Int: [WayIn]] = [:]
    var warnings: [Diagnostic] = []
}

/// The peer's name for the ingress controller, and the namespace of the pod it stands for (no pod labels).
enum IngressController {
    static let name = "{ingress-controller}"
    static let namespace = "ingress-controller-ns"
}

extension ClassModel {
    /// Every Ingress and Route of the cluster, through the Services of its namespace, to the workloads they select,
    /// on the pods' ports the Service forwards to (TCP, and only ports the pods declare), cut by what the workloads'
    /// ingress policies admit from a pod of a namespace no policy names.
    /// - Complexity: O(ways in × backends × endpoints of the namespace + endpoints reached × their rules).
    /// (`ingress` holds the answer: the model computes it once.)
    func ingressController() -> IngressControllerAnswer {
        var out = IngressControllerAnswer()
        let cluster = cluster
        guard !cluster.waysIn.isEmpty else { return out }
        var services: [String: Service] = [:]
        for service in cluster.services { services[service.id] = service }
        var byNamespace: [String: [Int]] = [:]
        for (e, endpoint) in cluster.endpoints.enumerated() { byNamespace[endpoint.namespace, default: []].append(e) }
        var wanted: [Int: ConnectionSet] = [:]
        var warnedServices = Set<String>()
        for way in cluster.waysIn {
            for backend in way.backends {
                let namespace = backend.namespace ?? way.namespace
                // Gateway API: a Service of another namespace needs a ReferenceGrant there.
                if namespace != way.namespace,
                    !cluster.referenceGrants.contains(where: {
                        $0.namespace == namespace
                            && $0.allows(way.kind.rawValue, from: way.namespace, toService: backend.service)
                    })
                {
                    out.warnings.append(
                        .warning(
                            "\(way.kind.rawValue) \(way.id) sends to Service \(namespace)/\(backend.service) in another namespace, and no ReferenceGrant in the input lets it; that backend is left out, as a Gateway leaves it",
                            at: backend.location ?? way.location
                        )
                    )
                    continue
                }
                guard let service = services["\(namespace)/\(backend.service)"] else {
                    out.warnings.append(
                        .warning(
                            "\(way.kind.rawValue) \(way.id) sends to Service '\(backend.service)', which is not in the input; that backend is left out",
                            at: backend.location ?? way.location
                        )
                    )
                    continue
                }
                guard let selector = service.selector else {
                    if warnedServices.insert(service.id).inserted {
                        let why =
                            service.type == "ExternalName"
                            ? "is ExternalName: it forwards to a name outside the cluster, not to a workload"
                            : "has no selector: it selects no workload netreach can see"
                        out.warnings.append(
                            .warning(
                                "Service \(service.id) \(why), so \(way.kind.rawValue) \(way.id) reaches nothing through it",
                                at: service.location
                            )
                        )
                    }
                    continue
                }
                let podPorts = Self.podPorts(of: service, asked: backend.port)
                let endpoints = cluster.endpoints
                for e in byNamespace[service.namespace] ?? []
                where selector.allSatisfy({ endpoints[e].labels[$0.key] == $0.value }) {
                    var connections = ConnectionSet.none
                    for port in podPorts {
                        switch port {
                        case .named(let name):
                            // Only TCP reaches a workload through an Ingress or a Route.
                            for container in endpoints[e].ports
                            where container.name == name && container.networkProtocol == .tcp {
                                connections.formUnion(ConnectionSet(.tcp, PortSet(container.number...container.number)))
                            }
                        case .number(let number):
                            // The peer's convention: a port the pods declare (any protocol), reached over TCP.
                            if endpoints[e].ports.contains(where: { $0.number == number }) {
                                connections.formUnion(ConnectionSet(.tcp, PortSet(number...number)))
                            }
                        }
                    }
                    wanted[e, default: .none].formUnion(connections)
                    if !connections.isEmpty, out.ways[e]?.last != way { out.ways[e, default: []].append(way) }
                }
            }
        }
        let controllerNamespace = [Namespace.nameLabel: IngressController.namespace]
        for e in wanted.keys.sorted() {
            let c = classOf(endpoint: e)
            let isolated = self.isolated.ingress[c]
            var admitted = ConnectionSet.all
            if isolated {
                admitted = .none
                for rule in governing.ingress[c] {
                    let written = policyRule(rule)
                    let matches =
                        written.peers?.contains { peer in
                            guard case .pods(let pods, let namespaces) = peer, let namespaces else { return false }
                            return namespaces.matches(controllerNamespace) && (pods?.matches([:]) ?? true)
                        } ?? true
                    if matches { admitted.formUnion(connections(rules[rule], destinationClass: c)) }
                }
            }
            let connections = (wanted[e] ?? .none).intersection(admitted)
            if connections.isEmpty {
                out.warnings.append(
                    .warning(
                        "\(cluster.endpoints[e].id) is behind an Ingress or Route, but its ingress policies admit nothing from the ingress controller (a pod of a namespace no policy names)",
                        at: cluster.endpoints[e].location,
                        group: "workloads closed to the ingress controller"
                    )
                )
            } else {
                out.flows.append((e, connections, !isolated))
            }
        }
        return out
    }

    /// The pods' ports a backend reaches: the target port of the Service port it asks for (the first that matches
    /// by name, number or target port), or of every Service port when it asks for none.
    static func podPorts(of service: Service, asked: PortValue?) -> [PortValue] {
        guard let asked else { return service.ports.map(\.podPort) }
        let match = service.ports.first { port in
            switch asked {
            case .named(let name): return port.name == name || port.targetPort == asked
            case .number(let number): return port.port == number || port.targetPort == asked
            }
        }
        return match.map { [$0.podPort] } ?? []
    }

    /// What the reader should know about Ingresses and Routes: backends without a Service, Services without a
    /// selector, workloads their policies close to the ingress controller.
    package func ingressWarnings() -> [Diagnostic] { ingress.warnings }
}
