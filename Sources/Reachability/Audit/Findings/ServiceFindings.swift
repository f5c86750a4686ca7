import KubeModel

extension AuditRule {
    /// A datastore that addresses outside the cluster reach through a Service or a route, its policies admitting any.
    package static let datastoreReachableFromOutside = AuditRule(
        id: "datastore-reachable-from-outside",
        severity: .error,
        title: "Datastore is reachable from outside the cluster",
        help:
            "A LoadBalancer or NodePort Service, externalIPs, an Ingress, a Route or a Gateway route brings outside "
            + "traffic to a workload that looks like a datastore (a StatefulSet, or a well-known database port), and "
            + "its ingress policies admit every address on that port. Remove the way in, or restrict the policy."
    )
    /// A workload that addresses outside the cluster reach through a Service or a route, its policies admitting any.
    package static let reachableFromOutside = AuditRule(
        id: "reachable-from-outside",
        severity: .warning,
        title: "Workload is reachable from outside the cluster by any address",
        help:
            "A LoadBalancer or NodePort Service, externalIPs, an Ingress, a Route or a Gateway route brings outside "
            + "traffic to the workload, and its ingress policies admit every address on that port. If only some "
            + "clients should reach it, restrict the policy's 'from' (and the LoadBalancer's source ranges)."
    )
    /// A LoadBalancer that admits every client address.
    package static let loadBalancerOpenToAll = AuditRule(
        id: "load-balancer-open-to-all",
        severity: .warning,
        title: "LoadBalancer admits every client address",
        help:
            "A Service of type LoadBalancer without spec.loadBalancerSourceRanges (or with 0.0.0.0/0 or ::/0 in them) "
            + "accepts clients from the whole internet. List the ranges that should reach it."
    )
    /// A Service whose target port no selected pod declares, or that its pods' ingress policies never admit.
    package static let brokenService = AuditRule(
        id: "broken-service",
        severity: .warning,
        title: "Service forwards to a port that is closed",
        help:
            "The Service's targetPort names a container port that none of the pods it selects declares, or the pods' "
            + "ingress policies admit that port from no source at all: connections through the Service fail."
    )
    /// A Service whose selector matches no workload.
    package static let serviceSelectsNothing = AuditRule(
        id: "service-selects-nothing",
        severity: .warning,
        title: "Service selects no workload",
        help:
            "The Service's selector matches no pod or workload of its namespace in the input, so it forwards to "
            + "nothing. Check the selector against the workloads' labels (and the namespace)."
    )
}

/// Services and the ways in from outside the cluster: what they expose, and Services that cannot work.
enum ServiceFindings: AuditCheck {
    static let rules: [AuditRule] = [
        .datastoreReachableFromOutside, .reachableFromOutside, .loadBalancerOpenToAll, .brokenService,
        .serviceSelectsNothing,
    ]

    /// Well-known ports of databases, caches and search engines.
    static let datastorePorts: Set<Int> = [
        1433, 1521, 2379, 3306, 5432, 5984, 6379, 7687, 8529, 9042, 9200, 9300, 11211, 26257, 27017, 28015,
    ]

    static func run(_ context: inout AuditContext) {
        let model = context.model
        let cluster = context.cluster
        // Per endpoint: the ways in from outside, and the connections they bring.
        var exposures: [Int: [(way: String, connections: ConnectionSet, location: SourceLocation?)]] = [:]
        for (s, service) in cluster.services.enumerated() {
            guard let selector = service.selector else { continue }
            let selected = model.serviceEndpoints[s]
            if selected.isEmpty {
                context.add(
                    .serviceSelectsNothing,
                    subject: "Service \(service.id)",
                    "Service \(service.id) selects no workload in namespace '\(service.namespace)' (selector \(selector.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")))",
                    fix: "check spec.selector against the labels of the workloads in '\(service.namespace)'",
                    at: [service.location],
                    annotations: [:]
                )
                continue
            }
            if service.type == "LoadBalancer",
                service.sourceRanges.isEmpty || service.sourceRanges.contains(where: { $0.prefixLength == 0 })
            {
                context.add(
                    .loadBalancerOpenToAll,
                    subject: "Service \(service.id)",
                    service.sourceRanges.isEmpty
                        ? "LoadBalancer Service \(service.id) has no loadBalancerSourceRanges: every client address reaches it"
                        : "LoadBalancer Service \(service.id) admits every client address (a source range of length 0)",
                    fix: "set spec.loadBalancerSourceRanges to the client ranges that should reach it",
                    at: [service.location],
                    annotations: [:]
                )
            }
            for port in service.ports {
                // One finding per Service port and kind of break, naming the pods it concerns.
                var undeclared: [Int] = []
                var closed: [(Int, ConnectionSet)] = []
                for e in selected {
                    let endpoint = cluster.endpoints[e]
                    let number: Int?
                    switch port.podPort {
                    case .number(let n): number = n
                    case .named(let name):
                        number =
                            endpoint.ports.first { $0.name == name && $0.networkProtocol == port.networkProtocol }?
                            .number
                    }
                    guard let number else {
                        undeclared.append(e)
                        continue
                    }
                    let connections = ConnectionSet(port.networkProtocol, PortSet(number...number))
                    let c = model.classOf(endpoint: e)
                    if model.isolated.ingress[c], Self.admitted(model, c).intersection(connections).isEmpty {
                        closed.append((e, connections))
                    }
                    if service.isExposed {
                        let way = service.externalIPs.isEmpty ? "\(service.type) Service" : "externalIPs of Service"
                        exposures[e, default: []].append(("\(way) \(service.id)", connections, service.location))
                    }
                }
                func some(_ endpoints: [Int]) -> String {
                    let first = cluster.endpoints[endpoints[0]].id
                    return endpoints.count == selected.count
                        ? (selected.count == 1 ? first : "any of its \(selected.count) workloads")
                        : "\(endpoints.count) of its \(selected.count) workloads (\(first)\(endpoints.count > 1 ? ", …" : ""))"
                }
                func evidence(_ endpoints: [Int]) -> [Evidence] {
                    endpoints.prefix(Auditor.evidenceLimit).map { .endpoint(cluster.endpoints[$0].id) }
                        + (endpoints.count > Auditor.evidenceLimit
                            ? [.more(endpoints.count - Auditor.evidenceLimit)] : [])
                }
                if !undeclared.isEmpty {
                    context.add(
                        .brokenService,
                        subject: "Service \(service.id)",
                        "Service \(service.id) forwards port \(port.port) to container port '\(port.podPort.text)', which \(some(undeclared)) does not declare",
                        fix:
                            "set targetPort to a port the pods declare, or name the container port '\(port.podPort.text)'",
                        at: [service.location, cluster.endpoints[undeclared[0]].location],
                        evidence: undeclared.count > 1 ? evidence(undeclared) : [],
                        annotations: [:]
                    )
                }
                if let (first, connections) = closed.first {
                    context.add(
                        .brokenService,
                        subject: "Service \(service.id)",
                        "Service \(service.id) forwards to \(connections) on \(some(closed.map(\.0))), which its ingress policies admit from no source",
                        fix:
                            "admit the port in an ingress rule of the policies that select the Service's pods, or point the Service at an open port",
                        at: [service.location, cluster.endpoints[first].location],
                        evidence: context.policies(selectingClass: model.classOf(endpoint: first), .ingress).map {
                            .selectedBy(PolicyReference($0))
                        },
                        annotations: [:]
                    )
                }
            }
        }
        // Ingresses, Routes and Gateway routes: what the ingress controller reaches.
        let controller = model.ingress
        for flow in controller.flows {
            // The objects that bring something, in input order, each once.
            var ways: [WayIn] = []
            for entry in controller.byWay[flow.endpoint] ?? []
            where !entry.connections.isEmpty && !ways.contains(entry.way) {
                ways.append(entry.way)
            }
            let names = ways.map { "\($0.kind.rawValue) \($0.id)" }
            exposures[flow.endpoint, default: []].append(
                (names.joined(separator: ", "), flow.connections, ways.first?.location)
            )
        }
        for e in exposures.keys.sorted() {
            let endpoint = cluster.endpoints[e]
            let c = model.classOf(endpoint: e)
            for way in exposures[e] ?? [] {
                let open = Self.openToEveryAddress(context, c, way.connections)
                guard !open.isEmpty else { continue }
                let datastore =
                    endpoint.kind == "StatefulSet"
                    || NetworkProtocol.allCases.contains { p in
                        open[p].ranges.contains { r in datastorePorts.contains { r.contains($0) } }
                    }
                context.add(
                    datastore ? .datastoreReachableFromOutside : .reachableFromOutside,
                    subject: endpoint.id,
                    "\(endpoint.id) is reachable from outside the cluster through \(way.way) on \(open), and its ingress policies admit every address there",
                    fix: datastore
                        ? "a datastore should not face the internet: remove the way in, or admit only the clients that need it in its ingress policy"
                        : "if only some clients should reach it, admit only them in its ingress policy (and set loadBalancerSourceRanges)",
                    at: [endpoint.location, way.location],
                    evidence: context.policies(selectingClass: c, .ingress).map { .selectedBy(PolicyReference($0)) },
                    annotations: endpoint.annotations
                )
            }
        }
    }

    /// What class `c`'s ingress rules admit from some source (every connection when no policy isolates it).
    static func admitted(_ model: ClassModel, _ c: ClassID) -> ConnectionSet {
        guard model.isolated.ingress[c] else { return .all }
        var out = ConnectionSet.none
        for rule in model.governing.ingress[c] {
            out.formUnion(model.connections(model.rules[rule], destinationClass: c))
        }
        return out
    }

    /// The part of `connections` that every IPv4 address may open to class `c`: the address pieces of its ingress
    /// are disjoint, so it is what every piece within IPv4 allows, when the pieces cover IPv4 whole.
    static func openToEveryAddress(_ context: AuditContext, _ c: ClassID, _ connections: ConnectionSet) -> ConnectionSet
    {
        let flows = context.result.classFlows
        let everything = IPSet.all([.v4])
        var open = connections
        var covered = IPSet()
        for edge in flows.externalIn[c] {
            let set = (context.result.peers[edge.peer].addresses ?? IPSet()).intersection(everything)
            guard !set.isEmpty else { continue }
            covered.formUnion(set)
            open = open.intersection(flows.connections[Int(edge.connection)])
        }
        return everything.isSubset(of: covered) ? open : .none
    }
}
