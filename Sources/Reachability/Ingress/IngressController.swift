package import KubeModel

/// The connections the cluster's ingress controller opens to workloads behind Ingresses and Routes, as
/// netpol-analyzer infers them (its `{ingress-controller}`), and what the reader should know about them.
struct IngressControllerAnswer: Sendable {
    /// Per endpoint reached, the connections (already cut by its ingress policies) and whether its ingress is open
    /// by default (no policy selects it).
    var flows: [(endpoint: Int, connections: ConnectionSet, ingressOpen: Bool)] = []
    /// Per endpoint a way in sends to: each (way, Service) and the connections it brings, before the policies
    /// (none when its ports do not match the pods'), what explanations name.
    var byWay: [Int: [(way: WayIn, service: String, connections: ConnectionSet)]] = [:]
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
        var services: [String: Int] = [:]
        for (s, service) in cluster.services.enumerated() { services[service.id] = s }
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
                guard let s = services["\(namespace)/\(backend.service)"] else {
                    out.warnings.append(
                        .warning(
                            "\(way.kind.rawValue) \(way.id) sends to Service '\(backend.service)', which is not in the input; that backend is left out",
                            at: backend.location ?? way.location
                        )
                    )
                    continue
                }
                let service = cluster.services[s]
                guard service.selector != nil else {
                    if warnedServices.insert(service.id).inserted {
                        // ExternalName is meant to name something outside: a note. No selector otherwise: a warning.
                        let external = service.type == "ExternalName"
                        let message =
                            "Service \(service.id) "
                            + (external
                                ? "is ExternalName: it forwards to a name outside the cluster, not to a workload"
                                : "has no selector: it selects no workload netreach can see")
                            + ", so \(way.kind.rawValue) \(way.id) reaches nothing through it"
                        out.warnings.append(
                            external ? .note(message, at: service.location) : .warning(message, at: service.location)
                        )
                    }
                    continue
                }
                let podPorts = Self.podPorts(of: service, asked: backend.port)
                let endpoints = cluster.endpoints
                for e in serviceEndpoints[s] {
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
                    if let i = out.byWay[e]?.firstIndex(where: { $0.way == way && $0.service == service.name }) {
                        out.byWay[e]?[i].connections.formUnion(connections)
                    } else {
                        out.byWay[e, default: []].append((way, service.name, connections))
                    }
                }
            }
        }
        for e in out.byWay.keys.sorted() {
            let c = classOf(endpoint: e)
            let decision = decide(.ingress, at: c, peer: .ingressController)
            let admitted = decision.allowed
            let wanted = (out.byWay[e] ?? []).reduce(ConnectionSet.none) { $0.union($1.connections) }
            let connections = wanted.intersection(admitted)
            if connections.isEmpty {
                out.warnings.append(
                    .warning(
                        "\(cluster.endpoints[e].id) is behind an Ingress or Route, but its ingress policies admit nothing from the ingress controller (a pod of a namespace no policy names)",
                        at: cluster.endpoints[e].location,
                        group: "workloads closed to the ingress controller"
                    )
                )
            } else {
                out.flows.append((e, connections, !decision.undecided.intersection(connections).isEmpty))
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

    /// Per endpoint an Ingress, Route or Gateway route sends to: each such object, the Service, and the connections
    /// it brings before the policies (diagrams draw them as ways in).
    package var ingressByWay: [Int: [(way: WayIn, service: String, connections: ConnectionSet)]] { ingress.byWay }

    /// The pair from the ingress controller to endpoint `e`, explained: its egress is no policy's (the system
    /// default); its ingress is what the ways in bring (allowed where one sends these connections, denied elsewhere
    /// with every way that sends to `e`) together with what `e`'s ingress policies say of a pod of a namespace no
    /// policy names. Empty when no way in sends to `e`.
    package func explainIngressController(to e: Int) -> [ExplanationSlice] {
        guard let entries = ingress.byWay[e] else { return [] }
        func reason(_ entry: (way: WayIn, service: String, connections: ConnectionSet), allows: Bool) -> SideReason {
            .wayIn(
                entry.way.kind,
                id: entry.way.id,
                service: entry.service,
                allows: allows,
                location: entry.way.location
            )
        }
        var ways = [SidePiece(connections: .all, allowed: false, reasons: [])]
        for entry in entries where !entry.connections.isEmpty {
            ways = ways.flatMap { piece -> [SidePiece] in
                let inside = piece.connections.intersection(entry.connections)
                let outside = piece.connections.subtracting(entry.connections)
                return [
                    inside.isEmpty
                        ? nil
                        : SidePiece(
                            connections: inside,
                            allowed: true,
                            reasons: piece.reasons + [reason(entry, allows: true)]
                        ),
                    outside.isEmpty
                        ? nil : SidePiece(connections: outside, allowed: piece.allowed, reasons: piece.reasons),
                ].compactMap { $0 }
            }
        }
        ways = ways.map { piece in
            piece.allowed
                ? piece
                : SidePiece(
                    connections: piece.connections,
                    allowed: false,
                    reasons: entries.map { reason($0, allows: false) }
                )
        }
        let c = classOf(endpoint: e)
        let policies = explainSide(.ingress, at: c, peer: .ingressController, destination: c)
        let egress = SidePiece(connections: .all, allowed: true, reasons: [.systemDefault])
        var slices: [ExplanationSlice] = []
        for way in ways {
            for policy in policies {
                let connections = way.connections.intersection(policy.connections)
                guard !connections.isEmpty else { continue }
                // No policy selecting the workload adds nothing to what the ways say.
                let said = policy.reasons == [.systemDefault] ? [] : policy.reasons
                var sliceEgress = egress
                sliceEgress.connections = connections
                slices.append(
                    ExplanationSlice(
                        connections: connections,
                        egress: sliceEgress,
                        ingress: SidePiece(
                            connections: connections,
                            allowed: way.allowed && policy.allowed,
                            reasons: way.reasons + said
                        )
                    )
                )
            }
        }
        return slices
    }
}
