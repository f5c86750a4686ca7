import KubeModel
import YAMLTree

/// Decodes and validates a `networking.k8s.io/v1` NetworkPolicy.
struct PolicyDecoder {
    let reader: NodeReader
    /// The namespace of a policy without `metadata.namespace` (`-n`).
    let defaultNamespace: String
    /// Whether `defaultNamespace` replaces the policy's own (a kustomization's `namespace:`).
    var forced = false

    func policy(_ object: YAMLNode) throws(Diagnostic) -> NetworkPolicy {
        guard let meta = reader.child(object, "metadata"), let nameNode = reader.child(meta, "name") else {
            throw Diagnostic(
                "NetworkPolicy has no 'metadata.name'",
                at: reader.location(object),
                hint: "add metadata.name"
            )
        }
        let name = try reader.name(nameNode, field: "metadata.name", rule: .dnsSubdomain)
        let namespace =
            try reader.child(meta, "namespace").map { (n) throws(Diagnostic) in
                try reader.name(n, field: "metadata.namespace", rule: .dnsLabel)
            } ?? defaultNamespace
        guard let spec = reader.child(object, "spec") else {
            throw Diagnostic(
                "NetworkPolicy '\(name)' has no 'spec'",
                at: reader.location(object),
                hint: "add spec.podSelector ({} selects every pod)"
            )
        }
        _ = try reader.mapping(spec, field: "spec")
        guard let podSelectorNode = spec["podSelector"] else {
            throw Diagnostic(
                "NetworkPolicy '\(name)' has no 'spec.podSelector'",
                at: reader.location(spec),
                hint: "add 'podSelector: {}' to select every pod of the namespace"
            )
        }
        let podSelector = try reader.selector(podSelectorNode, field: "spec.podSelector")
        var policyTypes: Set<Direction>?
        if let typesNode = reader.child(spec, "policyTypes") {
            var types = Set<Direction>()
            for item in try reader.sequence(typesNode, field: "spec.policyTypes") {
                let text = try reader.string(item, field: "spec.policyTypes")
                guard let direction = Direction(rawValue: text) else {
                    throw Diagnostic(
                        "unknown policy type '\(text)' in spec.policyTypes",
                        at: reader.location(item),
                        hint: "use Ingress and/or Egress"
                    )
                }
                types.insert(direction)
            }
            policyTypes = types
        }
        let annotations = try reader.annotations(reader.child(meta, "annotations"), field: "metadata.annotations")
        let ingress = try rules(reader.child(spec, "ingress"), direction: .ingress)
        let egress = try rules(reader.child(spec, "egress"), direction: .egress)
        if let policyTypes {
            for (direction, rules) in [(Direction.ingress, ingress), (.egress, egress)]
            where !rules.isEmpty && !policyTypes.contains(direction) {
                let id = "\(namespace.isEmpty || forced ? defaultNamespace : namespace)/\(name)"
                reader.sink.warnings.append(
                    Diagnostic.warning(
                        "NetworkPolicy '\(id)' has spec.\(direction.specField) rules, but its policyTypes leave \(direction.rawValue) out: Kubernetes accepts it and those rules do nothing",
                        at: reader.child(spec, direction.specField).map(reader.location) ?? reader.location(spec),
                        group: "rules that policyTypes leave out"
                    )
                )
            }
        }
        return NetworkPolicy(
            namespace: namespace.isEmpty || forced ? defaultNamespace : namespace,
            name: name,
            podSelector: podSelector,
            policyTypes: policyTypes,
            ingress: ingress,
            egress: egress,
            location: reader.location(object),
            annotations: annotations
        )
    }

    private func rules(_ node: YAMLNode?, direction: Direction) throws(Diagnostic) -> [PolicyRule] {
        guard let node else { return [] }
        let section = direction.specField
        let peerKey = direction.peerField
        var rules: [PolicyRule] = []
        for (index, item) in try reader.sequence(node, field: "spec.\(section)").enumerated() {
            let path = "spec.\(section)[\(index)]"
            _ = try reader.mapping(item, field: path)
            var peers: [PolicyPeer]?
            if let peersNode = reader.child(item, peerKey) {
                let items = try reader.sequence(peersNode, field: "\(path).\(peerKey)")
                peers = try items.enumerated().map { (i, peer) throws(Diagnostic) in
                    try self.peer(peer, field: "\(path).\(peerKey)[\(i)]")
                }
                if peers?.isEmpty == true { peers = nil }
            }
            var ports: [PolicyPort]?
            if let portsNode = reader.child(item, "ports") {
                let items = try reader.sequence(portsNode, field: "\(path).ports")
                ports = try items.enumerated().map { (i, port) throws(Diagnostic) in
                    try self.port(port, field: "\(path).ports[\(i)]")
                }
                if ports?.isEmpty == true { ports = nil }
            }
            rules.append(PolicyRule(peers: peers, ports: ports, location: reader.location(item)))
        }
        return rules
    }

    private func peer(_ node: YAMLNode, field: String) throws(Diagnostic) -> PolicyPeer {
        _ = try reader.mapping(node, field: field)
        let podSelector = try node["podSelector"].map { (n) throws(Diagnostic) in
            try reader.selector(n, field: "\(field).podSelector")
        }
        let namespaceSelector = try node["namespaceSelector"].map { (n) throws(Diagnostic) in
            try reader.selector(n, field: "\(field).namespaceSelector")
        }
        if let blockNode = reader.child(node, "ipBlock") {
            if podSelector != nil || namespaceSelector != nil {
                throw Diagnostic(
                    "\(field) combines ipBlock with a selector",
                    at: reader.location(node),
                    hint: "put the ipBlock in its own list item"
                )
            }
            return .ipBlock(try ipBlock(blockNode, field: "\(field).ipBlock"))
        }
        if podSelector == nil && namespaceSelector == nil {
            throw Diagnostic(
                "\(field) has none of podSelector, namespaceSelector, ipBlock",
                at: reader.location(node),
                hint: "an empty peer is not allowed; use 'podSelector: {}' for every pod of the namespace"
            )
        }
        return .pods(podSelector: podSelector, namespaceSelector: namespaceSelector)
    }

    private func ipBlock(_ node: YAMLNode, field: String) throws(Diagnostic) -> IPBlock {
        _ = try reader.mapping(node, field: field)
        guard let cidrNode = reader.child(node, "cidr") else {
            throw Diagnostic(
                "\(field) has no 'cidr'",
                at: reader.location(node),
                hint: "add a cidr such as 10.0.0.0/8"
            )
        }
        let cidrText = try reader.string(cidrNode, field: "\(field).cidr")
        guard let cidr = CIDR(cidrText) else {
            throw .invalidCIDR(cidrText, field: "\(field).cidr", at: reader.location(cidrNode))
        }
        var except: [CIDR] = []
        if let exceptNode = reader.child(node, "except") {
            for (i, item) in try reader.sequence(exceptNode, field: "\(field).except").enumerated() {
                let text = try reader.string(item, field: "\(field).except[\(i)]")
                guard let block = CIDR(text) else {
                    throw .invalidCIDR(text, field: "\(field).except[\(i)]", at: reader.location(item))
                }
                guard cidr.contains(block) else {
                    throw .exceptOutside(
                        text,
                        cidr: cidrText,
                        field: "\(field).except[\(i)]",
                        at: reader.location(item)
                    )
                }
                except.append(block)
            }
        }
        return IPBlock(cidr: cidr, except: except)
    }

    private func port(_ node: YAMLNode, field: String) throws(Diagnostic) -> PolicyPort {
        _ = try reader.mapping(node, field: field)
        let proto = try reader.networkProtocol(reader.child(node, "protocol"), field: "\(field).protocol")
        var value: PortValue?
        if let portNode = reader.child(node, "port") {
            let text = try reader.string(portNode, field: "\(field).port")
            if let number = Int(text) {
                value = .number(try reader.portNumber(portNode, field: "\(field).port"))
                _ = number
            } else {
                guard NodeReader.isPortName(text) else {
                    throw Diagnostic(
                        "invalid port name '\(text)' in \(field).port",
                        at: reader.location(portNode),
                        hint: "a port is a number from 1 to 65535 or a container port name (up to 15 of a-z, 0-9, '-')"
                    )
                }
                value = .named(text)
            }
        }
        var endPort: Int?
        if let endNode = reader.child(node, "endPort") {
            let end = try reader.portNumber(endNode, field: "\(field).endPort")
            guard case .number(let start) = value else {
                throw Diagnostic(
                    "\(field).endPort needs a numeric port",
                    at: reader.location(endNode),
                    hint: "endPort makes a range from a port number; it cannot follow a named port or stand alone"
                )
            }
            guard end >= start else {
                throw Diagnostic(
                    "\(field).endPort \(end) is below port \(start)",
                    at: reader.location(endNode),
                    hint: "endPort must be at least port"
                )
            }
            endPort = end
        }
        return PolicyPort(networkProtocol: proto, port: value, endPort: endPort)
    }
}
