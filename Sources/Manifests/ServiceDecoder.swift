import KubeModel
import YAMLTree

/// Services, Ingresses and Routes: the ways traffic reaches workloads through the cluster's front doors.
extension ObjectDecoder {
    func service(_ object: YAMLNode) throws(Diagnostic) -> Service {
        let meta = try metadata(object)
        let spec = reader.child(object, "spec")
        if let spec { _ = try reader.mapping(spec, field: "spec") }
        let selector = try reader.child(spec, "selector").map { (node) throws(Diagnostic) in
            try reader.labels(node, field: "spec.selector")
        }
        var ports: [ServicePort] = []
        if let list = reader.child(spec, "ports") {
            for (i, node) in try reader.sequence(list, field: "spec.ports").enumerated() {
                let field = "spec.ports[\(i)]"
                _ = try reader.mapping(node, field: field)
                guard let portNode = reader.child(node, "port") else {
                    throw Diagnostic(
                        "\(field) has no 'port'",
                        at: reader.location(node),
                        hint: "give each Service port its number"
                    )
                }
                ports.append(
                    ServicePort(
                        name: try reader.child(node, "name").map { (n) throws(Diagnostic) in
                            try reader.string(n, field: "\(field).name")
                        },
                        port: try reader.portNumber(portNode, field: "\(field).port"),
                        targetPort: try reader.child(node, "targetPort").map { (n) throws(Diagnostic) in
                            try portValue(n, field: "\(field).targetPort")
                        },
                        networkProtocol: try reader.networkProtocol(
                            reader.child(node, "protocol"),
                            field: "\(field).protocol"
                        )
                    )
                )
            }
        }
        let type =
            try reader.child(spec, "type").map { (n) throws(Diagnostic) in
                try reader.string(n, field: "spec.type")
            } ?? "ClusterIP"
        var service = Service(
            namespace: meta.namespace,
            name: meta.name,
            selector: selector?.isEmpty == true ? nil : selector,
            ports: ports,
            type: type,
            location: reader.location(object)
        )
        if let node = reader.child(spec, "externalTrafficPolicy") {
            let text = try reader.string(node, field: "spec.externalTrafficPolicy")
            guard text == "Cluster" || text == "Local" else {
                throw Diagnostic(
                    "spec.externalTrafficPolicy '\(text)' is not Cluster or Local",
                    at: reader.location(node),
                    hint: "write Cluster (the default) or Local"
                )
            }
            service.externalTrafficPolicy = text
        }
        service.externalIPs = try items(
            reader.child(spec, "externalIPs"),
            field: "spec.externalIPs",
            what: "an IP address",
            example: "203.0.113.10"
        ) {
            IPAddress($0)
        }
        service.sourceRanges = try items(
            reader.child(spec, "loadBalancerSourceRanges"),
            field: "spec.loadBalancerSourceRanges",
            what: "a CIDR",
            example: "203.0.113.0/24"
        ) { CIDR($0) }
        return service
    }

    /// An Ingress (`networking.k8s.io/v1`, or the `v1beta1` shape with `serviceName`/`servicePort`): its default
    /// backend and every path's backend that is a Service.
    func ingress(_ object: YAMLNode) throws(Diagnostic) -> WayIn {
        let meta = try metadata(object)
        let spec = reader.child(object, "spec")
        var backends: [WayIn.Backend] = []
        func backend(_ node: YAMLNode?, field: String) throws(Diagnostic) {
            guard let node else { return }
            _ = try reader.mapping(node, field: field)
            if let service = reader.child(node, "service") {
                guard let name = reader.child(service, "name") else {
                    throw Diagnostic(
                        "\(field).service has no 'name'",
                        at: reader.location(service),
                        hint: "name the Service"
                    )
                }
                let port = reader.child(service, "port")
                let value: PortValue?
                if let number = reader.child(port, "number") {
                    value = .number(try reader.portNumber(number, field: "\(field).service.port.number"))
                } else if let name = reader.child(port, "name") {
                    value = .named(try reader.string(name, field: "\(field).service.port.name"))
                } else {
                    value = nil
                }
                backends.append(
                    WayIn.Backend(
                        service: try reader.string(name, field: "\(field).service.name"),
                        port: value,
                        location: reader.location(node)
                    )
                )
            } else if let name = reader.child(node, "serviceName") {
                backends.append(
                    WayIn.Backend(
                        service: try reader.string(name, field: "\(field).serviceName"),
                        port: try reader.child(node, "servicePort").map { (n) throws(Diagnostic) in
                            try portValue(n, field: "\(field).servicePort")
                        },
                        location: reader.location(node)
                    )
                )
            }
        }
        try backend(reader.child(spec, "defaultBackend") ?? reader.child(spec, "backend"), field: "spec.defaultBackend")
        var hosts: [String] = []
        if let rules = reader.child(spec, "rules") {
            for (r, rule) in try reader.sequence(rules, field: "spec.rules").enumerated() {
                if let host = reader.child(rule, "host") {
                    hosts.append(try reader.string(host, field: "spec.rules[\(r)].host"))
                }
                guard let paths = reader.child(reader.child(rule, "http"), "paths") else { continue }
                for (p, path) in try reader.sequence(paths, field: "spec.rules[\(r)].http.paths").enumerated() {
                    try backend(reader.child(path, "backend"), field: "spec.rules[\(r)].http.paths[\(p)].backend")
                }
            }
        }
        var way = WayIn(
            kind: .ingress,
            namespace: meta.namespace,
            name: meta.name,
            backends: backends,
            location: reader.location(object)
        )
        way.hosts = Array(Set(hosts)).sorted()
        return way
    }

    /// An OpenShift Route (`route.openshift.io/v1`): `to` and `alternateBackends` that are Services, on
    /// `port.targetPort`.
    func route(_ object: YAMLNode) throws(Diagnostic) -> WayIn {
        let meta = try metadata(object)
        let spec = reader.child(object, "spec")
        let port = try reader.child(reader.child(spec, "port"), "targetPort").map { (n) throws(Diagnostic) in
            try portValue(n, field: "spec.port.targetPort")
        }
        var backends: [WayIn.Backend] = []
        var targets: [(YAMLNode, String)] = []
        if let to = reader.child(spec, "to") { targets.append((to, "spec.to")) }
        if let alternates = reader.child(spec, "alternateBackends") {
            for (i, node) in try reader.sequence(alternates, field: "spec.alternateBackends").enumerated() {
                targets.append((node, "spec.alternateBackends[\(i)]"))
            }
        }
        for (node, field) in targets {
            _ = try reader.mapping(node, field: field)
            let kind = try reader.child(node, "kind").map { (n) throws(Diagnostic) in
                try reader.string(n, field: "\(field).kind")
            }
            guard kind == nil || kind == "Service", let name = reader.child(node, "name") else { continue }
            backends.append(
                WayIn.Backend(
                    service: try reader.string(name, field: "\(field).name"),
                    port: port,
                    location: reader.location(node)
                )
            )
        }
        var way = WayIn(
            kind: .route,
            namespace: meta.namespace,
            name: meta.name,
            backends: backends,
            location: reader.location(object)
        )
        if let host = reader.child(spec, "host") { way.hosts = [try reader.string(host, field: "spec.host")] }
        return way
    }

    /// A Gateway API route (HTTPRoute, GRPCRoute, TCPRoute, TLSRoute): every `rules[].backendRefs[]` that is a
    /// Service (no `kind`, or `kind: Service` of the core group), in its own namespace or the one it names, on the
    /// Service port it names.
    func gatewayRoute(_ object: YAMLNode, kind: String) throws(Diagnostic) -> WayIn {
        let meta = try metadata(object)
        var backends: [WayIn.Backend] = []
        if let rules = reader.child(reader.child(object, "spec"), "rules") {
            for (r, rule) in try reader.sequence(rules, field: "spec.rules").enumerated() {
                guard let refs = reader.child(rule, "backendRefs") else { continue }
                for (b, ref) in try reader.sequence(refs, field: "spec.rules[\(r)].backendRefs").enumerated() {
                    let field = "spec.rules[\(r)].backendRefs[\(b)]"
                    _ = try reader.mapping(ref, field: field)
                    let refKind = try reader.child(ref, "kind").map { (n) throws(Diagnostic) in
                        try reader.string(n, field: "\(field).kind")
                    }
                    let group = try reader.child(ref, "group").map { (n) throws(Diagnostic) in
                        try reader.string(n, field: "\(field).group")
                    }
                    guard refKind == nil || refKind == "Service", group == nil || group == "",
                        let name = reader.child(ref, "name")
                    else { continue }
                    backends.append(
                        WayIn.Backend(
                            service: try reader.string(name, field: "\(field).name"),
                            namespace: try reader.child(ref, "namespace").map { (n) throws(Diagnostic) in
                                try reader.name(n, field: "\(field).namespace", rule: .dnsLabel)
                            },
                            port: try reader.child(ref, "port").map { (n) throws(Diagnostic) in
                                .number(try reader.portNumber(n, field: "\(field).port"))
                            },
                            location: reader.location(ref)
                        )
                    )
                }
            }
        }
        var way = WayIn(
            kind: WayIn.Kind(rawValue: kind) ?? .httpRoute,
            namespace: meta.namespace,
            name: meta.name,
            backends: backends,
            location: reader.location(object)
        )
        if let parents = reader.child(reader.child(object, "spec"), "parentRefs") {
            for (i, parent) in try reader.sequence(parents, field: "spec.parentRefs").enumerated() {
                guard let name = reader.child(parent, "name") else { continue }
                let namespace =
                    try reader.child(parent, "namespace").map { (n) throws(Diagnostic) in
                        try reader.name(n, field: "spec.parentRefs[\(i)].namespace", rule: .dnsLabel)
                    } ?? meta.namespace
                way.gateways.append("\(namespace)/\(try reader.string(name, field: "spec.parentRefs[\(i)].name"))")
            }
        }
        if let names = reader.child(reader.child(object, "spec"), "hostnames") {
            way.hosts = try reader.sequence(names, field: "spec.hostnames").enumerated().map {
                (i, node) throws(Diagnostic) in
                try reader.string(node, field: "spec.hostnames[\(i)]")
            }
        }
        return way
    }

    /// A Gateway API Gateway: its listeners' names, ports, protocols and host names.
    func gateway(_ object: YAMLNode) throws(Diagnostic) -> Gateway {
        let meta = try metadata(object)
        var listeners: [Gateway.Listener] = []
        if let list = reader.child(reader.child(object, "spec"), "listeners") {
            for (i, node) in try reader.sequence(list, field: "spec.listeners").enumerated() {
                let field = "spec.listeners[\(i)]"
                guard let port = reader.child(node, "port") else {
                    throw Diagnostic(
                        "\(field) has no 'port'",
                        at: reader.location(node),
                        hint: "give each listener its port"
                    )
                }
                listeners.append(
                    Gateway.Listener(
                        name: try reader.child(node, "name").map { (n) throws(Diagnostic) in
                            try reader.string(n, field: "\(field).name")
                        } ?? "",
                        port: try reader.portNumber(port, field: "\(field).port"),
                        networkProtocol: try reader.child(node, "protocol").map { (n) throws(Diagnostic) in
                            try reader.string(n, field: "\(field).protocol")
                        } ?? "HTTP",
                        hostname: try reader.child(node, "hostname").map { (n) throws(Diagnostic) in
                            try reader.string(n, field: "\(field).hostname")
                        }
                    )
                )
            }
        }
        return Gateway(
            namespace: meta.namespace,
            name: meta.name,
            listeners: listeners,
            location: reader.location(object)
        )
    }

    /// A Gateway API ReferenceGrant: `from` kinds and namespaces, `to` kinds and optional names.
    func referenceGrant(_ object: YAMLNode) throws(Diagnostic) -> ReferenceGrant {
        let meta = try metadata(object)
        let spec = reader.child(object, "spec")
        var from: [ReferenceGrant.KindInNamespace] = []
        var to: [ReferenceGrant.KindNamed] = []
        if let list = reader.child(spec, "from") {
            for (i, item) in try reader.sequence(list, field: "spec.from").enumerated() {
                guard let kind = reader.child(item, "kind"), let namespace = reader.child(item, "namespace") else {
                    throw Diagnostic(
                        "spec.from[\(i)] needs 'kind' and 'namespace'",
                        at: reader.location(item),
                        hint: "a ReferenceGrant names the kind and namespace of the objects it lets refer"
                    )
                }
                from.append(
                    .init(
                        kind: try reader.string(kind, field: "spec.from[\(i)].kind"),
                        namespace: try reader.string(namespace, field: "spec.from[\(i)].namespace")
                    )
                )
            }
        }
        if let list = reader.child(spec, "to") {
            for (i, item) in try reader.sequence(list, field: "spec.to").enumerated() {
                guard let kind = reader.child(item, "kind") else {
                    throw Diagnostic(
                        "spec.to[\(i)] has no 'kind'",
                        at: reader.location(item),
                        hint: "name the kind, e.g. Service"
                    )
                }
                to.append(
                    .init(
                        kind: try reader.string(kind, field: "spec.to[\(i)].kind"),
                        name: try reader.child(item, "name").map { (n) throws(Diagnostic) in
                            try reader.string(n, field: "spec.to[\(i)].name")
                        }
                    )
                )
            }
        }
        return ReferenceGrant(
            namespace: meta.namespace,
            name: meta.name,
            from: from,
            to: to,
            location: reader.location(object)
        )
    }

    /// The items of the list at `field` (none when absent), each read by `parse`; one it rejects is a located
    /// error that says what was expected, with an example.
    private func items<T>(
        _ node: YAMLNode?,
        field: String,
        what: String,
        example: String,
        _ parse: (String) -> T?
    ) throws(Diagnostic) -> [T] {
        guard let node else { return [] }
        var out: [T] = []
        for (i, item) in try reader.sequence(node, field: field).enumerated() {
            let text = try reader.string(item, field: "\(field)[\(i)]")
            guard let value = parse(text) else {
                throw Diagnostic(
                    "\(field)[\(i)] '\(text)' is not \(what)",
                    at: reader.location(item),
                    hint: "write \(what) such as \(example)"
                )
            }
            out.append(value)
        }
        return out
    }

    /// A port given as a number or a name (a Service's `targetPort`, a Route's `targetPort`).
    func portValue(_ node: YAMLNode, field: String) throws(Diagnostic) -> PortValue {
        let text = try reader.string(node, field: field)
        if Int(text) != nil { return .number(try reader.portNumber(node, field: field)) }
        return .named(
            try reader.portName(
                node,
                field: field,
                hint: "a port is a number from 1 to 65535 or a container port name (up to 15 of a-z, 0-9, '-')"
            )
        )
    }
}
