import YAMLTree

/// A structure-aware mutator for Kubernetes manifests: it parses the input as YAML and changes it as a person
/// (or an attacker) edits a manifest — a value swapped for a boundary or hostile one, a field that matters added,
/// an entry dropped or repeated, one subtree put in another's place — then writes it back as JSON (which is
/// YAML). Byte-level mutations find what breaks the parser; these reach the decoders, the engine and the reports
/// with inputs that parse.
package struct StructureMutator {
    /// Values that sit on a boundary of something netreach checks, or that attack its output.
    static let values = [
        "", "0", "1", "-1", "65535", "65536", "99999999999999999999", "1e3", "0x50", "true", "null",
        "TCP", "UDP", "SCTP", "ICMP", "Ingress", "Egress", "In", "NotIn", "Exists", "DoesNotExist",
        "0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/33", "10.0.0.1/32", "::/0", "2001:db8::/129", "fe80::1/64",
        "300.1.1.1/8", "10.0.0.0", "http", "a-very-long-port-name", "dns", ":", ";", "a:b", ": x; y: z",
        "kube-system", "default", "Use_Upper", "a/b", "x[Pod]", "app", "app.kubernetes.io/name",
        "web\u{1B}[2J", "line\n::warning ::x", "cr\r\nlf", "bidi\u{202E}x", "tab\tx", "pipe|cell", "quote\"d",
        String(repeating: "a", count: 64), String(repeating: "b", count: 254), "netreach.io/ignore",
        "namespace-without-policy: reason", "v1", "networking.k8s.io/v1", "apps/v1", "List", "Pod", "Namespace",
        "NetworkPolicy", "Deployment", "CronJob", "Node", "ReplicaSet", "AdminNetworkPolicy",
        "BaselineAdminNetworkPolicy", "ClusterNetworkPolicy", "policy.networking.k8s.io/v1alpha1",
        "policy.networking.k8s.io/v1alpha2", "Allow", "Accept", "Deny", "Pass", "Admin", "Baseline", "1000", "1001",
    ]

    /// Keys whose presence changes what netreach does.
    static let keys = [
        "apiVersion", "kind", "metadata", "name", "namespace", "labels", "annotations", "ownerReferences",
        "controller", "spec", "template", "jobTemplate", "containers", "ports", "containerPort", "protocol",
        "hostNetwork", "podSelector", "namespaceSelector", "matchLabels", "matchExpressions", "key", "operator",
        "values", "policyTypes", "ingress", "egress", "from", "to", "ipBlock", "cidr", "except", "port", "endPort",
        "items", "rules", "deny", "allow", "isolated", "default-deny", "no-default-allow", "direction",
        "netreach.io/ignore", "priority", "subject", "action", "pods", "namespaces", "networks", "nodes",
        "domainNames", "portNumber", "portRange", "namedPort", "protocols", "destinationPort", "destinationNamedPort",
        "tier", "start", "end", "number", "range", "tcp", "udp",
    ]

    private var state: UInt64

    /// A mutator whose choices follow `seed`.
    package init(seed: UInt32) {
        state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1
    }

    private mutating func next(_ bound: Int) -> Int {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return bound <= 1 ? 0 : Int(state % UInt64(bound))
    }

    /// The mutated input, or nil when it is not YAML (the caller mutates its bytes instead).
    package mutating func mutate(_ bytes: [UInt8]) -> [UInt8]? {
        guard var documents = try? YAMLParser.documents(in: bytes), !documents.isEmpty else { return nil }
        let index = next(documents.count)
        guard var root = documents[index].root else { return nil }
        let count = Self.count(root)
        for _ in 0...next(3) {
            let target = next(count)
            let donor = Self.node(at: next(count), in: root) ?? root
            var position = 0
            root = mutate(root, target: target, donor: donor, position: &position)
        }
        documents[index].root = root
        var out = ""
        for (i, document) in documents.enumerated() {
            if i > 0 { out += "\n---\n" }
            if let root = document.root { Self.write(root, to: &out) }
        }
        return Array((out + "\n").utf8)
    }

    /// The tree with the node at pre-order `target` changed.
    private mutating func mutate(_ node: YAMLNode, target: Int, donor: YAMLNode, position: inout Int) -> YAMLNode {
        let mine = position
        position += 1
        if mine == target { return change(node, donor: donor) }
        var node = node
        switch node.content {
        case .scalar:
            break
        case .sequence(var items):
            for i in items.indices { items[i] = mutate(items[i], target: target, donor: donor, position: &position) }
            node.content = .sequence(items)
        case .mapping(var pairs):
            for i in pairs.indices {
                pairs[i].value = mutate(pairs[i].value, target: target, donor: donor, position: &position)
            }
            node.content = .mapping(pairs)
        }
        return node
    }

    private mutating func change(_ node: YAMLNode, donor: YAMLNode) -> YAMLNode {
        var node = node
        switch (node.content, next(5)) {
        case (.scalar, 0...2):
            node.content = .scalar(Self.values[next(Self.values.count)], next(2) == 0 ? .plain : .quoted, tag: nil)
        case (.sequence(var items), 0) where !items.isEmpty:
            items.remove(at: next(items.count))
            node.content = .sequence(items)
        case (.sequence(var items), 1...2):
            items.insert(items.isEmpty ? donor : items[next(items.count)], at: next(items.count + 1))
            node.content = .sequence(items)
        case (.mapping(var pairs), 0) where !pairs.isEmpty:
            pairs.remove(at: next(pairs.count))
            node.content = .mapping(pairs)
        case (.mapping(var pairs), 1...2):
            let key = Self.keys[next(Self.keys.count)]
            let value =
                next(2) == 0
                ? donor : YAMLNode(.scalar(Self.values[next(Self.values.count)], .plain, tag: nil), mark: node.mark)
            pairs.removeAll { $0.key.scalar == key }
            pairs.append(YAMLNode.Pair(key: YAMLNode(.scalar(key, .plain, tag: nil), mark: node.mark), value: value))
            node.content = .mapping(pairs)
        default:
            node = donor  // a subtree in another's place: a list where a map was, a policy inside a pod
        }
        return node
    }

    private static func count(_ node: YAMLNode) -> Int {
        switch node.content {
        case .scalar: return 1
        case .sequence(let items): return 1 + items.reduce(0) { $0 + count($1) }
        case .mapping(let pairs): return 1 + pairs.reduce(0) { $0 + count($1.value) }
        }
    }

    private static func node(at index: Int, in root: YAMLNode) -> YAMLNode? {
        var position = 0
        func find(_ node: YAMLNode) -> YAMLNode? {
            if position == index { return node }
            position += 1
            switch node.content {
            case .scalar: return nil
            case .sequence(let items): return items.lazy.compactMap(find).first
            case .mapping(let pairs): return pairs.lazy.compactMap { find($0.value) }.first
            }
        }
        return find(root)
    }

    /// JSON text of a node; plain scalars that YAML reads as numbers, booleans or null keep that type.
    static func write(_ node: YAMLNode, to out: inout String) {
        switch node.content {
        case .scalar(let text, let style, _):
            let typed = ["true", "false", "null", "~"].contains(text) || Int(text) != nil
            if style == .plain, typed {
                out += text == "~" ? "null" : text
            } else if style == .plain, text.isEmpty {
                out += "null"
            } else {
                quote(text, to: &out)
            }
        case .sequence(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += ", " }
                write(item, to: &out)
            }
            out += "]"
        case .mapping(let pairs):
            out += "{"
            for (i, pair) in pairs.enumerated() {
                if i > 0 { out += ", " }
                quote(pair.key.scalar ?? "key", to: &out)
                out += ": "
                write(pair.value, to: &out)
            }
            out += "}"
        }
    }

    private static func quote(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
