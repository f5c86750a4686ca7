import KubeModel
import YAMLTree

/// Decodes and validates the admin policy tiers of `policy.networking.k8s.io`: v1alpha1 AdminNetworkPolicy and
/// BaselineAdminNetworkPolicy, v1alpha2 ClusterNetworkPolicy. Validation follows the CRDs of network-policy-api
/// (v0.1.x for v1alpha1, v0.2.0 for v1alpha2): what the API server would reject is a located error.
struct AdminPolicyDecoder {
    let reader: NodeReader

    /// The v1alpha2 API version; the v1alpha1 kinds are the other two.
    static let v1alpha2 = "policy.networking.k8s.io/v1alpha2"

    func policy(_ object: YAMLNode, kind: AdminPolicyKind) throws(Diagnostic) -> AdminPolicy {
        let what = kind.rawValue
        guard let meta = reader.child(object, "metadata"), let nameNode = reader.child(meta, "name") else {
            throw Diagnostic("\(what) has no 'metadata.name'", at: reader.location(object), hint: "add metadata.name")
        }
        let name = try reader.name(nameNode, field: "metadata.name", rule: .dnsSubdomain)
        if kind == .baselineAdminNetworkPolicy && name != "default" {
            throw Diagnostic(
                "BaselineAdminNetworkPolicy '\(name)' is not named 'default'",
                at: reader.location(nameNode),
                hint: "the BaselineAdminNetworkPolicy is a singleton: the API server accepts only the name 'default'"
            )
        }
        guard let spec = reader.child(object, "spec") else {
            throw Diagnostic(
                "\(what) '\(name)' has no 'spec'",
                at: reader.location(object),
                hint: "add spec.subject and the rules"
            )
        }
        _ = try reader.mapping(spec, field: "spec")
        let tier: AdminTier
        switch kind {
        case .adminNetworkPolicy: tier = .admin
        case .baselineAdminNetworkPolicy: tier = .baseline
        case .clusterNetworkPolicy:
            guard let tierNode = reader.child(spec, "tier") else {
                throw Diagnostic(
                    "ClusterNetworkPolicy '\(name)' has no 'spec.tier'",
                    at: reader.location(spec),
                    hint: "add 'tier: Admin' (above NetworkPolicies) or 'tier: Baseline' (below them)"
                )
            }
            let text = try reader.string(tierNode, field: "spec.tier")
            guard let value = AdminTier(rawValue: text) else {
                throw Diagnostic(
                    "unknown tier '\(text)' in spec.tier",
                    at: reader.location(tierNode),
                    hint: "use Admin or Baseline"
                )
            }
            tier = value
        }
        var priority = 0
        if kind != .baselineAdminNetworkPolicy {
            guard let priorityNode = reader.child(spec, "priority") else {
                throw Diagnostic(
                    "\(what) '\(name)' has no 'spec.priority'",
                    at: reader.location(spec),
                    hint: "add a priority from 0 to 1000 (lower is evaluated first)"
                )
            }
            priority = try reader.int(priorityNode, field: "spec.priority")
            guard (0...1000).contains(priority) else {
                throw Diagnostic(
                    "spec.priority \(priority) of \(what) '\(name)' is out of range",
                    at: reader.location(priorityNode),
                    hint: "a priority is from 0 to 1000 (lower is evaluated first)"
                )
            }
        }
        guard let subjectNode = reader.child(spec, "subject") else {
            throw Diagnostic(
                "\(what) '\(name)' has no 'spec.subject'",
                at: reader.location(spec),
                hint: "add 'subject: {namespaces: {}}' to apply it to every pod, or name namespaces or pods"
            )
        }
        let subject = try selection(subjectNode, field: "spec.subject", version: kind)
        let annotations = try reader.annotations(reader.child(meta, "annotations"), field: "metadata.annotations")
        return AdminPolicy(
            kind: kind,
            name: name,
            tier: tier,
            priority: priority,
            subject: subject,
            ingress: try rules(reader.child(spec, "ingress"), direction: .ingress, kind: kind, tier: tier),
            egress: try rules(reader.child(spec, "egress"), direction: .egress, kind: kind, tier: tier),
            location: reader.location(object),
            annotations: annotations
        )
    }

    /// `spec.subject` or a `namespaces`/`pods` peer: exactly one of the two.
    private func selection(_ node: YAMLNode, field: String, version kind: AdminPolicyKind) throws(Diagnostic)
        -> AdminSelection
    {
        let pairs = try reader.mapping(node, field: field)
        let keys = pairs.map { $0.key.scalar ?? "?" }
        guard keys.count == 1, let key = keys.first, key == "namespaces" || key == "pods" else {
            throw Diagnostic(
                "\(field) must set exactly one of 'namespaces' and 'pods'\(keys.isEmpty ? "" : ", found \(keys.map { "'\($0)'" }.joined(separator: ", "))")",
                at: reader.location(node),
                hint: "'namespaces: {}' selects every pod; 'pods: {namespaceSelector: …, podSelector: …}' selects some"
            )
        }
        return try selection(key: key, pairs[0].value, field: "\(field).\(key)")
    }

    private func selection(key: String, _ value: YAMLNode, field: String)
        throws(Diagnostic) -> AdminSelection
    {
        if key == "namespaces" { return .namespaces(try reader.selector(value, field: field)) }
        _ = try reader.mapping(value, field: field)
        // An absent selector selects everything, as an empty one does (the upstream conformance tests leave
        // either out, and the API server accepts it).
        func selector(_ name: String) throws(Diagnostic) -> LabelSelector {
            try reader.child(value, name).map { (n) throws(Diagnostic) in
                try reader.selector(n, field: "\(field).\(name)")
            } ?? .everything
        }
        return .pods(namespaceSelector: try selector("namespaceSelector"), podSelector: try selector("podSelector"))
    }

    private func rules(_ node: YAMLNode?, direction: Direction, kind: AdminPolicyKind, tier: AdminTier)
        throws(Diagnostic) -> [AdminRule]
    {
        guard let node else { return [] }
        let section = "spec.\(direction.specField)"
        var out: [AdminRule] = []
        for (index, item) in try reader.sequence(node, field: section).enumerated() {
            let path = "\(section)[\(index)]"
            _ = try reader.mapping(item, field: path)
            let name =
                try reader.child(item, "name").map { (n) throws(Diagnostic) in
                    try reader.string(n, field: "\(path).name")
                } ?? ""
            if name.count > 100 {
                throw Diagnostic(
                    "\(path).name is longer than 100 characters",
                    at: reader.location(item),
                    hint: "shorten the rule name (the API server accepts up to 100 characters)"
                )
            }
            let action = try self.action(item, field: path, kind: kind)
            let peerKey = direction.peerField
            guard let peersNode = reader.child(item, peerKey),
                case let items = try reader.sequence(peersNode, field: "\(path).\(peerKey)"), !items.isEmpty
            else {
                throw Diagnostic(
                    "\(path) has no '\(peerKey)' peers",
                    at: reader.location(item),
                    hint: "list at least one peer; 'namespaces: {}' matches every pod of the cluster"
                )
            }
            var peers: [AdminPeer] = []
            for (i, peerNode) in items.enumerated() {
                peers.append(try peer(peerNode, field: "\(path).\(peerKey)[\(i)]", direction: direction, kind: kind))
            }
            let ports = try self.ports(item, field: path, kind: kind)
            out.append(
                AdminRule(name: name, action: action, peers: peers, ports: ports, location: reader.location(item))
            )
        }
        return out
    }

    private func action(_ item: YAMLNode, field: String, kind: AdminPolicyKind) throws(Diagnostic) -> AdminAction {
        guard let node = reader.child(item, "action") else {
            throw Diagnostic(
                "\(field) has no 'action'",
                at: reader.location(item),
                hint: kind == .clusterNetworkPolicy ? "use Accept, Deny or Pass" : "use Allow, Deny or Pass"
            )
        }
        let text = try reader.string(node, field: "\(field).action")
        let allowed: [AdminAction] =
            switch kind {
            case .adminNetworkPolicy: [.allow, .deny, .pass]
            case .baselineAdminNetworkPolicy: [.allow, .deny]
            case .clusterNetworkPolicy: [.accept, .deny, .pass]
            }
        guard let action = AdminAction(rawValue: text), allowed.contains(action) else {
            let hint: String
            switch (kind, text) {
            case (.clusterNetworkPolicy, "Allow"):
                hint = "ClusterNetworkPolicy (v1alpha2) renamed Allow to Accept"
            case (_, "Accept"):
                hint = "\(kind.rawValue) (v1alpha1) says Allow; Accept is the v1alpha2 ClusterNetworkPolicy's word"
            case (.baselineAdminNetworkPolicy, "Pass"):
                hint = "a BaselineAdminNetworkPolicy has nothing below it to pass to: use Allow or Deny"
            default:
                hint = "use \(allowed.map(\.rawValue).joined(separator: ", "))"
            }
            throw Diagnostic(
                "action '\(text)' is not allowed in \(field) of a \(kind.rawValue)",
                at: reader.location(node),
                hint: hint
            )
        }
        return action
    }

    private func peer(_ node: YAMLNode, field: String, direction: Direction, kind: AdminPolicyKind)
        throws(Diagnostic) -> AdminPeer
    {
        let pairs = try reader.mapping(node, field: field)
        let known: Set<String> =
            direction == .ingress
            ? ["namespaces", "pods"] : ["namespaces", "pods", "nodes", "networks", "domainNames"]
        let keys = pairs.map { $0.key.scalar ?? "?" }
        let recognised = keys.filter(known.contains)
        if recognised.isEmpty {
            guard !keys.isEmpty else {
                throw Diagnostic(
                    "\(field) is empty",
                    at: reader.location(node),
                    hint: "set one of \(known.sorted().joined(separator: ", "))"
                )
            }
            // A field of a newer API version (or of the other direction): fail closed, as the specification says.
            reader.sink.warnings.append(
                Diagnostic.warning(
                    "\(field) has no field netreach knows (\(keys.map { "'\($0)'" }.joined(separator: ", "))): it fails closed, as the specification says (an Allow/Accept rule matches nothing through it, a Deny or Pass rule matches everything)",
                    at: reader.location(node),
                    group: "admin peers that fail closed"
                )
            )
            return .unrecognised(fields: keys)
        }
        guard keys.count == 1, let key = recognised.first, let value = pairs.first?.value else {
            throw Diagnostic(
                "\(field) sets \(keys.map { "'\($0)'" }.joined(separator: ", ")): a peer sets exactly one field",
                at: reader.location(node),
                hint: "put each in its own list item"
            )
        }
        switch key {
        case "namespaces", "pods":
            return .pods(try selection(key: key, value, field: "\(field).\(key)"))
        case "nodes":
            return .nodes(try reader.selector(value, field: "\(field).nodes"))
        case "networks":
            var cidrs: [CIDR] = []
            for (i, item) in try reader.sequence(value, field: "\(field).networks").enumerated() {
                let text = try reader.string(item, field: "\(field).networks[\(i)]")
                guard let cidr = CIDR(text) else {
                    throw .invalidCIDR(text, field: "\(field).networks[\(i)]", at: reader.location(item))
                }
                cidrs.append(cidr)
            }
            guard !cidrs.isEmpty else {
                throw Diagnostic(
                    "\(field).networks is empty",
                    at: reader.location(value),
                    hint: "list at least one CIDR, such as 0.0.0.0/0"
                )
            }
            return .networks(cidrs)
        default:
            let names = try reader.sequence(value, field: "\(field).domainNames").enumerated().map {
                (i, item) throws(Diagnostic) in try reader.string(item, field: "\(field).domainNames[\(i)]")
            }
            reader.sink.warnings.append(
                Diagnostic.warning(
                    "\(field).domainNames (\(names.joined(separator: ", "))) cannot be resolved offline: netreach keeps them and matches no address through them",
                    at: reader.location(value),
                    group: "domain names not resolved"
                )
            )
            return .domainNames(names)
        }
    }

    /// v1alpha1 `ports` or v1alpha2 `protocols`; nil when absent (every port).
    private func ports(_ item: YAMLNode, field: String, kind: AdminPolicyKind) throws(Diagnostic) -> [AdminPort]? {
        let key = kind == .clusterNetworkPolicy ? "protocols" : "ports"
        let other = kind == .clusterNetworkPolicy ? "ports" : "protocols"
        if let wrong = reader.child(item, other) {
            throw Diagnostic(
                "\(field).\(other) is not a field of a \(kind.rawValue)",
                at: reader.location(wrong),
                hint: kind == .clusterNetworkPolicy
                    ? "v1alpha2 writes ports under 'protocols', e.g. '- tcp: {destinationPort: {number: 80}}'"
                    : "v1alpha1 writes ports under 'ports', e.g. '- portNumber: {protocol: TCP, port: 80}'"
            )
        }
        guard let node = reader.child(item, key) else { return nil }
        var out: [AdminPort] = []
        for (i, portNode) in try reader.sequence(node, field: "\(field).\(key)").enumerated() {
            let path = "\(field).\(key)[\(i)]"
            let pairs = try reader.mapping(portNode, field: path)
            let fields =
                kind == .clusterNetworkPolicy
                ? ["tcp", "udp", "sctp", "destinationNamedPort"] : ["portNumber", "namedPort", "portRange"]
            let keys = pairs.map { $0.key.scalar ?? "?" }
            guard keys.count == 1, let name = keys.first, fields.contains(name), let value = pairs.first?.value else {
                throw Diagnostic(
                    "\(path) must set exactly one of \(fields.joined(separator: ", "))",
                    at: reader.location(portNode),
                    hint: "put each port in its own list item"
                )
            }
            out.append(try port(name, value, field: "\(path).\(name)"))
        }
        guard !out.isEmpty else {
            throw Diagnostic(
                "\(field).\(key) is empty",
                at: reader.location(node),
                hint: "list at least one port, or leave '\(key)' out for every port"
            )
        }
        return out
    }

    private func port(_ key: String, _ value: YAMLNode, field: String) throws(Diagnostic) -> AdminPort {
        switch key {
        case "namedPort", "destinationNamedPort":
            return .named(
                try reader.portName(
                    value,
                    field: field,
                    hint: "a container port name is up to 15 of a-z, 0-9, '-', with a letter"
                )
            )
        case "portNumber":
            _ = try reader.mapping(value, field: field)
            let proto = try reader.networkProtocol(reader.child(value, "protocol"), field: "\(field).protocol")
            guard let portNode = reader.child(value, "port") else {
                throw Diagnostic(
                    "\(field) has no 'port'",
                    at: reader.location(value),
                    hint: "add a port from 1 to 65535"
                )
            }
            let number = try reader.portNumber(portNode, field: "\(field).port")
            return .numbers(proto, number...number)
        case "portRange":
            _ = try reader.mapping(value, field: field)
            let proto = try reader.networkProtocol(reader.child(value, "protocol"), field: "\(field).protocol")
            return .numbers(proto, try range(value, field: field))
        default:  // tcp, udp, sctp
            let proto: NetworkProtocol = key == "tcp" ? .tcp : key == "udp" ? .udp : .sctp
            _ = try reader.mapping(value, field: field)
            guard let destination = reader.child(value, "destinationPort") else {
                throw Diagnostic(
                    "\(field) has no 'destinationPort'",
                    at: reader.location(value),
                    hint: "add 'destinationPort: {number: 80}' or 'destinationPort: {range: {start: 8000, end: 8080}}'"
                )
            }
            let pairs = try reader.mapping(destination, field: "\(field).destinationPort")
            let keys = pairs.map { $0.key.scalar ?? "?" }
            if keys == ["number"], let node = reader.child(destination, "number") {
                let number = try reader.portNumber(node, field: "\(field).destinationPort.number")
                return .numbers(proto, number...number)
            }
            if keys == ["range"], let node = reader.child(destination, "range") {
                _ = try reader.mapping(node, field: "\(field).destinationPort.range")
                return .numbers(proto, try range(node, field: "\(field).destinationPort.range"))
            }
            throw Diagnostic(
                "\(field).destinationPort must set exactly one of 'number' and 'range'",
                at: reader.location(destination),
                hint: "write 'number: 80' or 'range: {start: 8000, end: 8080}'"
            )
        }
    }

    /// `start`/`end` of a port range: start below end, as the CRDs require.
    private func range(_ node: YAMLNode, field: String) throws(Diagnostic) -> ClosedRange<Int> {
        guard let startNode = reader.child(node, "start"), let endNode = reader.child(node, "end") else {
            throw Diagnostic(
                "\(field) needs 'start' and 'end'",
                at: reader.location(node),
                hint: "write 'start: 8000' and 'end: 8080'"
            )
        }
        let start = try reader.portNumber(startNode, field: "\(field).start")
        let end = try reader.portNumber(endNode, field: "\(field).end")
        guard start < end else {
            throw Diagnostic(
                "\(field) starts at \(start) but ends at \(end)",
                at: reader.location(endNode),
                hint: "the start of a port range must be below its end (for one port, give the number alone)"
            )
        }
        return start...end
    }

    /// A Node: its labels and IP addresses (what admin `nodes` peers match).
    func node(_ object: YAMLNode) throws(Diagnostic) -> Node {
        guard let meta = reader.child(object, "metadata"), let nameNode = reader.child(meta, "name") else {
            throw Diagnostic("Node has no 'metadata.name'", at: reader.location(object), hint: "add metadata.name")
        }
        let name = try reader.name(nameNode, field: "metadata.name", rule: .dnsSubdomain)
        let labels = try reader.labels(reader.child(meta, "labels"), field: "metadata.labels")
        var addresses = Set<IPAddress>()
        let status = reader.child(object, "status")
        for item in reader.child(status, "addresses")?.sequence ?? [] {
            // Hostnames and DNS names are not addresses a packet is sent to.
            guard let text = reader.child(item, "address")?.scalar, let address = IPAddress(text) else { continue }
            addresses.insert(address)
        }
        return Node(name: name, labels: labels, addresses: addresses.sorted(), location: reader.location(object))
    }
}
