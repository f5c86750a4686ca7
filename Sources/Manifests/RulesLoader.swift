package import KubeModel
package import YAMLTree

/// Reads the rules file of `netreach check`.
///
/// ```yaml
/// rules:
///   - name: frontend never reaches the database
///     deny: {from: frontend, to: db}
///   - name: the API reaches postgres
///     allow: {from: backend/api, to: db/postgres, ports: [5432/TCP]}
///   - name: payments only takes calls from the API
///     isolated: payments
///     direction: ingress
///     except:
///       - {from: backend/api, ports: [8443/TCP]}
///   - name: db is default-deny
///     default-deny: db
///   - name: nothing is open by default
///     no-default-allow: all
/// ```
package enum RulesLoader {
    /// Loads and validates a rules file.
    /// - Throws: `Diagnostic` with the position of the first problem.
    package static func load(
        _ path: String,
        limits: YAMLLimits = .default,
        standardInput: () -> [UInt8] = ManifestLoader.readStandardInput
    ) throws(Diagnostic) -> RuleFile {
        let bytes = try InputFiles.read(
            InputPath(path),
            limit: limits.maxBytes,
            what: "rules",
            standardInput: standardInput
        ).bytes
        return try load(bytes: bytes, name: path, limits: limits)
    }

    /// Loads rules held in memory, as if read from a file called `name`.
    package static func load(bytes: [UInt8], name: String, limits: YAMLLimits = .default) throws(Diagnostic)
        -> RuleFile
    {
        let documents: [YAMLDocument]
        do {
            documents = try YAMLParser.documents(in: bytes, limits: limits)
        } catch {
            throw .yaml(error, file: name)
        }
        var decoder = RulesDecoder(reader: NodeReader(file: name))
        for document in documents {
            guard let root = document.root, !root.isNull else { continue }
            try decoder.decode(root)
        }
        guard !decoder.rules.isEmpty else {
            throw Diagnostic(
                "no rules in '\(name)'",
                at: SourceLocation(file: name, line: 1, column: 1),
                hint: "write a list under 'rules:', each with a name and one of deny, allow, isolated, "
                    + "default-deny, no-default-allow"
            )
        }
        return RuleFile(path: name, rules: decoder.rules)
    }
}

private struct RulesDecoder {
    let reader: NodeReader
    var rules: [CheckRule] = []
    private var names: [String: SourceLocation] = [:]

    init(reader: NodeReader) {
        self.reader = reader
    }

    static let assertionKeys = ["deny", "allow", "isolated", "default-deny", "no-default-allow"]
    static let ruleKeys = ["name", "description", "direction", "except"] + assertionKeys

    mutating func decode(_ root: YAMLNode) throws(Diagnostic) {
        let items: [YAMLNode]
        if root.sequence != nil {
            items = try reader.sequence(root, field: "rules")
        } else {
            let pairs = try reader.mapping(root, field: "the rules file")
            try checkKeys(pairs, allowed: ["rules"], field: "the rules file")
            guard let list = reader.child(root, "rules") else {
                throw Diagnostic(
                    "the rules file has no 'rules' list",
                    at: reader.location(root),
                    hint: "put the rules in a list under 'rules:'"
                )
            }
            items = try reader.sequence(list, field: "rules")
        }
        for (index, item) in items.enumerated() {
            rules.append(try rule(item, field: "rules[\(index)]"))
        }
    }

    private mutating func rule(_ node: YAMLNode, field: String) throws(Diagnostic) -> CheckRule {
        let pairs = try reader.mapping(node, field: field)
        try checkKeys(pairs, allowed: Self.ruleKeys, field: field)
        let name = try uniqueName(node, field: field)
        let description = try reader.child(node, "description").map { (n) throws(Diagnostic) in
            try reader.string(n, field: "\(field).description")
        }
        let location = reader.location(node)
        let present = Self.assertionKeys.filter { reader.child(node, $0) != nil }
        guard present.count == 1, let keyword = present.first, let body = reader.child(node, keyword) else {
            throw Diagnostic(
                present.isEmpty
                    ? "rule '\(name)' says nothing to check"
                    : "rule '\(name)' has \(present.joined(separator: " and ")); a rule checks one thing",
                at: location,
                hint: "give it exactly one of: \(Self.assertionKeys.joined(separator: ", "))"
            )
        }
        let assertion = try self.assertion(keyword, body, of: node, field: field)
        return CheckRule(name: name, description: description, assertion: assertion, location: location)
    }

    /// The rule's name, which no earlier rule has.
    private mutating func uniqueName(_ node: YAMLNode, field: String) throws(Diagnostic) -> String {
        guard let nameNode = reader.child(node, "name") else {
            throw Diagnostic(
                "\(field) has no 'name'",
                at: reader.location(node),
                hint: "give every rule a name; it is what CI reports show"
            )
        }
        let name = try reader.string(nameNode, field: "\(field).name").trimmingSpaces
        guard !name.isEmpty else {
            throw Diagnostic("\(field).name is empty", at: reader.location(nameNode))
        }
        if let first = names[name] {
            throw Diagnostic(
                "rule name '\(name)' is used twice (first at \(first))",
                at: reader.location(nameNode),
                hint: "rule names must be unique: CI reports identify rules by name"
            )
        }
        names[name] = reader.location(node)
        return name
    }

    /// What a rule asserts, from its one assertion key and the `direction` and `except` that go with it.
    private func assertion(_ keyword: String, _ body: YAMLNode, of node: YAMLNode, field: String)
        throws(Diagnostic) -> CheckRule.Assertion
    {
        let path = "\(field).\(keyword)"
        let directionNode = reader.child(node, "direction")
        let exceptNode = reader.child(node, "except")
        if let directionNode, keyword != "isolated", keyword != "default-deny" {
            throw Diagnostic(
                "'direction' does not apply to a \(keyword) rule",
                at: reader.location(directionNode),
                hint: "'direction' goes with isolated and default-deny"
            )
        }
        if let exceptNode, keyword != "isolated" {
            throw Diagnostic(
                "'except' does not apply to a \(keyword) rule",
                at: reader.location(exceptNode),
                hint: "'except' goes with isolated"
            )
        }
        switch keyword {
        case "deny":
            return .deny(try reach(body, field: path))
        case "allow":
            return .allow(try reach(body, field: path))
        case "isolated":
            let directions = try self.directions(directionNode, field: "\(field).direction")
            var exceptions: [RuleException] = []
            if let exceptNode {
                for (i, item) in try reader.sequence(exceptNode, field: "\(field).except").enumerated() {
                    exceptions.append(try exception(item, field: "\(field).except[\(i)]", directions: directions))
                }
            }
            return .isolated(peer: try isolatedPeer(body, field: path), directions: directions, except: exceptions)
        case "default-deny":
            return .defaultDeny(
                namespace: try namespace(body, field: path),
                directions: try directions(directionNode, field: "\(field).direction")
            )
        default:
            let text = try reader.string(body, field: path)
            return .noDefaultAllow(namespace: text == "all" ? nil : try namespace(body, field: path))
        }
    }

    private func reach(_ node: YAMLNode, field: String) throws(Diagnostic) -> RuleReach {
        let pairs = try reader.mapping(node, field: field)
        try checkKeys(pairs, allowed: ["from", "to", "ports"], field: field)
        guard let from = reader.child(node, "from"), let to = reader.child(node, "to") else {
            throw Diagnostic(
                "\(field) needs both 'from' and 'to'",
                at: reader.location(node),
                hint: "write 'any' for a side that may be anything"
            )
        }
        return RuleReach(
            from: try peer(from, field: "\(field).from"),
            to: try peer(to, field: "\(field).to"),
            ports: try ports(reader.child(node, "ports"), field: "\(field).ports")
        )
    }

    private func exception(_ node: YAMLNode, field: String, directions: Set<Direction>) throws(Diagnostic)
        -> RuleException
    {
        let pairs = try reader.mapping(node, field: field)
        try checkKeys(pairs, allowed: ["from", "to", "ports"], field: field)
        let from = reader.child(node, "from")
        let to = reader.child(node, "to")
        guard (from == nil) != (to == nil) else {
            throw Diagnostic(
                "\(field) needs exactly one of 'from' (what may come in) and 'to' (what may go out)",
                at: reader.location(node)
            )
        }
        if from != nil, !directions.contains(.ingress) {
            throw Diagnostic(
                "\(field) has 'from', but the rule checks egress only",
                at: reader.location(node),
                hint: "use 'to' for egress exceptions"
            )
        }
        if to != nil, !directions.contains(.egress) {
            throw Diagnostic(
                "\(field) has 'to', but the rule checks ingress only",
                at: reader.location(node),
                hint: "use 'from' for ingress exceptions"
            )
        }
        return RuleException(
            from: try from.map { (n) throws(Diagnostic) in try peer(n, field: "\(field).from") },
            to: try to.map { (n) throws(Diagnostic) in try peer(n, field: "\(field).to") },
            ports: try ports(reader.child(node, "ports"), field: "\(field).ports")
        )
    }

    private func directions(_ node: YAMLNode?, field: String) throws(Diagnostic) -> Set<Direction> {
        guard let node else { return [.ingress, .egress] }
        switch try reader.string(node, field: field).lowercased() {
        case "ingress": return [.ingress]
        case "egress": return [.egress]
        case "both": return [.ingress, .egress]
        case let other:
            throw Diagnostic(
                "\(field) must be ingress, egress or both, found '\(other)'",
                at: reader.location(node)
            )
        }
    }

    /// What an `isolated` rule encloses: endpoints (a namespace, a workload, a selection), not addresses.
    private func isolatedPeer(_ node: YAMLNode, field: String) throws(Diagnostic) -> RulePeer {
        let peer = try peer(node, field: field)
        for alternative in peer.alternatives {
            switch alternative {
            case .any, .cidr, .internet:
                throw Diagnostic(
                    "\(field) '\(peer.description)' is not a set of endpoints: isolated draws a boundary around endpoints",
                    at: peer.location,
                    hint:
                        "name a namespace, namespace/name, or a label selector; to forbid addresses, write a deny rule"
                )
            default: continue
            }
        }
        return peer
    }

    private func namespace(_ node: YAMLNode, field: String) throws(Diagnostic) -> RuleNamespace {
        let text = try reader.string(node, field: field).trimmingSpaces
        guard Self.isNamespaceName(text) else {
            throw Diagnostic(
                "\(field) must be a namespace name, found '\(text)'",
                at: reader.location(node),
                hint: "namespace names are lowercase letters, digits and '-' (a DNS label)"
            )
        }
        return RuleNamespace(name: text, location: reader.location(node))
    }

    // MARK: - Peers

    private func peer(_ node: YAMLNode, field: String) throws(Diagnostic) -> RulePeer {
        if let items = node.sequence {
            guard !items.isEmpty else {
                throw Diagnostic(
                    "\(field) is an empty list",
                    at: reader.location(node),
                    hint: "name at least one peer, or 'any'"
                )
            }
            var parts: [RulePeer] = []
            for (i, item) in items.enumerated() { parts.append(try peer(item, field: "\(field)[\(i)]")) }
            return RulePeer(
                parts.flatMap(\.alternatives),
                description: parts.map(\.description).joined(separator: " or "),
                location: reader.location(node),
                items: parts.count > 1 ? parts.flatMap { $0.items.isEmpty ? [$0] : $0.items } : []
            )
        }
        if node.mapping != nil { return try peerMapping(node, field: field) }
        let text = try reader.string(node, field: field).trimmingSpaces
        return RulePeer(
            [try alternative(text, node: node, field: field)],
            description: text,
            location: reader.location(node)
        )
    }

    private func alternative(_ text: String, node: YAMLNode, field: String) throws(Diagnostic)
        -> RulePeer.Alternative
    {
        if text == "any" { return .any }
        if text == "internet" { return .internet }
        if let first = text.first, first.isHexDigit || first == ":", text.contains("/"),
            text.allSatisfy({ $0.isHexDigit || ".:/".contains($0) })
        {
            guard let cidr = CIDR(text) else { throw .invalidCIDR(text, field: field, at: reader.location(node)) }
            return .cidr(cidr)
        }
        if EndpointReference.looksLikeReference(text) {
            guard let reference = EndpointReference(text), Self.isNamespaceName(reference.namespace) else {
                throw Diagnostic(
                    "\(field) '\(text)' is not namespace/name",
                    at: reader.location(node),
                    hint: "write namespace/name, namespace/name[Kind], a namespace, a label selector, a CIDR or any"
                )
            }
            return .endpoint(reference)
        }
        if Self.isNamespaceName(text) { return .namespace(text) }
        if !text.contains(where: { "=!() ,".contains($0) }) {
            throw Diagnostic(
                "\(field) '\(text)' is not a namespace name",
                at: reader.location(node),
                hint: "a bare word names a namespace (lowercase letters, digits, '-'); to select pods that carry a "
                    + "label, write {podSelector: \(text)}"
            )
        }
        return .selector(namespaces: nil, pods: try selector(text, node: node, field: field))
    }

    private func peerMapping(_ node: YAMLNode, field: String) throws(Diagnostic) -> RulePeer {
        let pairs = try reader.mapping(node, field: field)
        try checkKeys(pairs, allowed: ["namespace", "namespaceSelector", "podSelector", "cidr"], field: field)
        let location = reader.location(node)
        if let cidrNode = reader.child(node, "cidr") {
            guard pairs.count == 1 else {
                throw Diagnostic(
                    "\(field) mixes 'cidr' with selectors",
                    at: location,
                    hint: "addresses outside the cluster and endpoints are separate peers: list them separately"
                )
            }
            let text = try reader.string(cidrNode, field: "\(field).cidr").trimmingSpaces
            guard let cidr = CIDR(text) else {
                throw .invalidCIDR(text, field: "\(field).cidr", at: reader.location(cidrNode))
            }
            return RulePeer([.cidr(cidr)], description: text, location: location)
        }
        let namespaceNode = reader.child(node, "namespace")
        let namespaceSelectorNode = reader.child(node, "namespaceSelector")
        let podSelectorNode = reader.child(node, "podSelector")
        if namespaceNode != nil, namespaceSelectorNode != nil {
            throw Diagnostic(
                "\(field) has both 'namespace' and 'namespaceSelector'",
                at: location,
                hint: "use one: a namespace name, or a selector on namespace labels"
            )
        }
        var namespaces: LabelSelector?
        var parts: [String] = []
        if let namespaceNode {
            let name = try namespace(namespaceNode, field: "\(field).namespace").name
            namespaces = LabelSelector(matchLabels: [Namespace.nameLabel: name])
            parts.append("namespace \(name)")
        }
        if let namespaceSelectorNode {
            let text = try reader.string(namespaceSelectorNode, field: "\(field).namespaceSelector")
            namespaces = try selector(text, node: namespaceSelectorNode, field: "\(field).namespaceSelector")
            parts.append("namespaces \(text)")
        }
        var pods = LabelSelector.everything
        if let podSelectorNode {
            let text = try reader.string(podSelectorNode, field: "\(field).podSelector")
            pods = try selector(text, node: podSelectorNode, field: "\(field).podSelector")
            parts.append("pods \(text)")
        }
        guard !parts.isEmpty else {
            throw Diagnostic(
                "\(field) is an empty mapping",
                at: location,
                hint: "use namespace, namespaceSelector, podSelector or cidr"
            )
        }
        return RulePeer(
            [.selector(namespaces: namespaces, pods: pods)],
            description: parts.joined(separator: ", "),
            location: location
        )
    }

    private func selector(_ text: String, node: YAMLNode, field: String) throws(Diagnostic) -> LabelSelector {
        switch LabelSelector.parse(kubectl: text) {
        case .success(let selector): return selector
        case .failure(let error):
            throw Diagnostic(
                "\(field): \(error.message)",
                at: reader.location(node),
                hint: SelectorSyntaxError.hint + "; a bare word is a namespace, namespace/name an endpoint"
            )
        }
    }

    // MARK: - Ports

    private func ports(_ node: YAMLNode?, field: String) throws(Diagnostic) -> [RulePort]? {
        guard let node else { return nil }
        let items = node.sequence ?? [node]
        guard !items.isEmpty else {
            throw Diagnostic(
                "\(field) is an empty list",
                at: reader.location(node),
                hint: "leave 'ports' out to mean every port"
            )
        }
        var ports: [RulePort] = []
        for (i, item) in items.enumerated() {
            ports.append(try port(item, field: node.sequence == nil ? field : "\(field)[\(i)]"))
        }
        return ports
    }

    private func port(_ node: YAMLNode, field: String) throws(Diagnostic) -> RulePort {
        let text = try reader.string(node, field: field).trimmingSpaces
        let invalid = Diagnostic(
            "\(field) '\(text)' is not a port",
            at: reader.location(node),
            hint: "write PORT/PROTOCOL or FIRST-LAST/PROTOCOL (5432/TCP, 8000-8080/TCP, 53/UDP), a bare number "
                + "for TCP, or a protocol alone for all its ports"
        )
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, let first = parts.first, !first.isEmpty else { throw invalid }
        if parts.count == 1, let proto = NetworkProtocol(rawValue: first.uppercased()) { return RulePort(proto) }
        var networkProtocol = NetworkProtocol.tcp
        if parts.count == 2 {
            guard let proto = NetworkProtocol(rawValue: parts[1].uppercased()) else {
                throw .unknownProtocol(parts[1], field: field, at: reader.location(node))
            }
            networkProtocol = proto
        }
        let bounds = first.split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count <= 2, let low = Int(bounds[0]), let high = Int(bounds.last ?? "") else {
            if first.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }), first.contains(where: \.isLetter) {
                throw Diagnostic(
                    "\(field) '\(text)' is a named port; rules take port numbers",
                    at: reader.location(node),
                    hint: "write the number the container declares for it, such as 8080/TCP"
                )
            }
            throw invalid
        }
        for value in [low, high] where !(1...65535).contains(value) {
            throw .portOutOfRange(value, field: field, at: reader.location(node))
        }
        guard low <= high else {
            throw Diagnostic(
                "\(field) '\(text)' ends before it starts",
                at: reader.location(node),
                hint: "write the range low-high"
            )
        }
        return RulePort(networkProtocol, low...high)
    }

    // MARK: - Helpers

    private func checkKeys(_ pairs: [YAMLNode.Pair], allowed: [String], field: String) throws(Diagnostic) {
        for pair in pairs {
            let key = try reader.string(pair.key, field: "\(field) key")
            guard !allowed.contains(key) else { continue }
            let close = allowed.min { $0.editDistance(to: key) < $1.editDistance(to: key) }
            let hint =
                close.flatMap { $0.editDistance(to: key) <= 3 ? "did you mean '\($0)'? " : nil } ?? ""
            throw Diagnostic(
                "unknown key '\(key)' in \(field)",
                at: reader.location(pair.key),
                hint: hint + "allowed here: \(allowed.joined(separator: ", "))"
            )
        }
    }

    static func isNamespaceName(_ text: String) -> Bool {
        guard let first = text.first, let last = text.last, text.count <= 63 else { return false }
        return text.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
            && first != "-" && last != "-"
    }
}
