import KubeModel
package import Reachability

/// Writes explanations (`netreach explain`, `list --explain`): json for tools (the explain oracle's shape, with
/// locations and the rule's text added), txt for a person, md for a pull-request comment.
package enum ExplainReport {
    /// Writes every pair `pairs` hands over, streaming. `settings` names the network plugin in every format.
    package static func write(
        _ model: ClassModel,
        format: ReportFormat,
        pairs: ((ExplainedPair) -> Void) -> Void,
        to out: inout some TextOutputStream
    ) {
        switch format.kind {
        case .json:
            out.write("{\n  \"networkPlugin\": ")
            PluginText.json(model.settings).write(to: &out, indent: "  ")
            out.write(",\n  \"explanations\": [")
            var first = true
            // Pairs of the same two classes share their slices: each distinct list is rendered once.
            var rendered: [[ExplanationSlice]: String] = [:]
            pairs { pair in
                out.write(first ? "\n    " : ",\n    ")
                first = false
                let slices =
                    rendered[pair.slices]
                    ?? {
                        var text = ""
                        json(model, pair.slices).write(to: &text, indent: "      ")
                        if rendered.count < 1 << 12 { rendered[pair.slices] = text }
                        return text
                    }()
                out.write("{\n      \"src\": \(JSONValue.quoted(pair.source)),\n")
                out.write("      \"dst\": \(JSONValue.quoted(pair.destination)),\n")
                out.write("      \"slices\": \(slices)\n    }")
            }
            out.write(first ? "]\n}\n" : "\n  ]\n}\n")
        case .txt, .md:
            let markdown = format.kind == .md
            out.write(
                markdown ? "Network plugin: `\(model.settings.name)`\n" : PluginText.header(model.settings) + "\n"
            )
            var open: [String] = []
            pairs { pair in
                // Pairs the system default allows whole on both sides are listed at the end, one line each.
                if pair.slices.count == 1, let slice = pair.slices.first, slice.connections.allowsAll,
                    slice.egress.reasons == [.systemDefault], slice.ingress.reasons == [.systemDefault]
                {
                    open.append("\(pair.source) => \(pair.destination)".escapedForDisplay)
                    return
                }
                text(model, pair, markdown: markdown, to: &out)
            }
            if !open.isEmpty {
                out.write(
                    markdown
                        ? "\n### All connections, by the system default (no policy selects either side)\n\n"
                        : "\nAll connections, by the system default (no policy selects either side):\n"
                )
                for line in open { out.write(markdown ? "- `\(line)`\n" : "  \(line)\n") }
            }
        case .csv:
            break
        }
    }

    // MARK: - Text

    private static func text(
        _ model: ClassModel,
        _ pair: ExplainedPair,
        markdown: Bool,
        to out: inout some TextOutputStream
    ) {
        let title = "\(pair.source) => \(pair.destination)".escapedForDisplay
        out.write(markdown ? "\n### `\(title)`\n\n" : "\n\(title)\n")
        for slice in pair.slices {
            let verdict = slice.allowed ? "allowed" : "denied"
            out.write(markdown ? "- **\(slice.connections)**: \(verdict)\n" : "  \(slice.connections): \(verdict)\n")
            for (name, side) in [("egress", slice.egress), ("ingress", slice.ingress)] {
                let decision = side.allowed ? "allowed" : "denied"
                out.write(markdown ? "  - \(name) \(decision):\n" : "    \(name) \(decision):\n")
                for reason in side.reasons {
                    let line = sentence(model, reason, direction: name == "egress" ? .egress : .ingress)
                    out.write(markdown ? "    - \(markdownText(line))\n" : "      \(line)\n")
                }
            }
        }
    }

    /// A reason in words, located: `NetworkPolicy db/allow-api, ingress rule 1 (file:line:col): from …, ports …`.
    static func sentence(_ model: ClassModel, _ reason: SideReason, direction: Direction) -> String {
        switch reason {
        case .systemDefault:
            let what = model.tiered ? "no policy of any tier decides" : "no NetworkPolicy selects"
            return "\(what) this side for \(direction.rawValue.lowercased()): the system default allows it"
        case .hostNetwork:
            return "it uses the host network, which no NetworkPolicy governs (\(model.settings.name))"
        case .admittedBy(let r):
            return "\(ruleName(model, r)) admits it: \(ruleText(model, r))"
        case .tierRule(let r, let verdict):
            let does =
                switch verdict {
                case .allow: "admits it"
                case .deny: "denies it"
                case .pass: "passes it to the next tier"
                }
            return "\(ruleName(model, r)) \(does): \(ruleText(model, r))"
        case .noRules(let p):
            return "\(policyName(model, p)) selects it and has no \(direction.rawValue.lowercased()) rule"
        case .noRuleSelectsPeer(let p):
            return
                "\(policyName(model, p)) selects it; none of its \(direction.rawValue.lowercased()) rules selects the peer"
        case .portsMismatch(let r, let named):
            return "\(ruleName(model, r)) selects the peer but not these ports"
                + (named ? " (its named ports are not on the destination)" : "") + ": \(ruleText(model, r))"
        case .wayIn(let kind, let id, let service, let allows, let location):
            let name = "\(kind.rawValue) \(id)".escapedForDisplay + (location.map { " (\($0))" } ?? "")
            return allows
                ? "\(name) sends the ingress controller here through Service \(service.escapedForDisplay)"
                : "\(name) sends the ingress controller here through Service \(service.escapedForDisplay), but not on these ports"
        }
    }

    private static func policyName(_ model: ClassModel, _ p: PolicyID) -> String {
        let policy = model.policy(p)
        return "NetworkPolicy \(policy.id)".escapedForDisplay + (policy.location.map { " (\($0))" } ?? "")
    }

    private static func ruleName(_ model: ClassModel, _ r: RuleID) -> String {
        let origin = model.origin(r)
        return origin.label.escapedForDisplay + (origin.location.map { " (\($0))" } ?? "")
    }

    /// A rule in one line: `from podSelector app=api in namespace backend, ports TCP 5432`.
    static func ruleText(_ model: ClassModel, _ r: RuleID) -> String {
        if let rule = model.adminRule(r) { return adminRuleText(model.origin(r), rule) }
        let origin = model.origin(r)
        let rule = model.policyRule(r)
        let word = origin.direction == .ingress ? "from" : "to"
        let peers =
            rule.peers.map { peers in
                peers.map { peer -> String in
                    switch peer {
                    case .ipBlock(let block):
                        return "ipBlock \(block.cidr)"
                            + (block.except.isEmpty
                                ? "" : " except \(block.except.map(\.description).joined(separator: ", "))")
                    case .pods(let pods, let namespaces):
                        let podText = pods.map { "podSelector \(selectorText($0))" } ?? "every pod"
                        let namespaceText =
                            namespaces.map { "namespaces \(selectorText($0))" } ?? "namespace \(origin.namespace)"
                        return "\(podText) in \(namespaceText)"
                    }
                }.joined(separator: " or ")
            } ?? "anywhere"
        let ports =
            rule.ports.map { ports in
                ports.map { port -> String in
                    switch port.port {
                    case nil: return "\(port.networkProtocol.rawValue) all ports"
                    case .number(let start):
                        return "\(port.networkProtocol.rawValue) \(start)" + (port.endPort.map { "-\($0)" } ?? "")
                    case .named(let name): return "\(port.networkProtocol.rawValue) \(name)"
                    }
                }.joined(separator: ", ")
            } ?? "all ports"
        return "\(word) \(peers), ports \(ports)".escapedForDisplay
    }

    /// An admin rule in one line: `Deny to namespaces team=blocked, ports TCP 80`.
    static func adminRuleText(_ origin: RuleOrigin, _ rule: AdminRule) -> String {
        let word = origin.direction == .ingress ? "from" : "to"
        let peers = rule.peers.map { peer -> String in
            switch peer {
            case .pods(.namespaces(let namespaces)): "namespaces \(selectorText(namespaces))"
            case .pods(.pods(let namespaces, let pods)):
                "podSelector \(selectorText(pods)) in namespaces \(selectorText(namespaces))"
            case .networks(let cidrs): "networks \(cidrs.map(\.description).joined(separator: ", "))"
            case .nodes(let nodes): "nodes \(selectorText(nodes))"
            case .domainNames(let names): "domainNames \(names.joined(separator: ", ")) (not resolved)"
            case .unrecognised(let fields): "a peer netreach does not know (\(fields.joined(separator: ", ")))"
            }
        }.joined(separator: " or ")
        let ports = rule.ports.map { $0.map(\.text).joined(separator: ", ") } ?? "all ports"
        return "\(rule.action.rawValue) \(word) \(peers), ports \(ports)".escapedForDisplay
    }

    /// A selector in kubectl's syntax; `{}` for one that selects everything.
    static func selectorText(_ selector: LabelSelector) -> String {
        guard !selector.isEmpty else { return "{}" }
        var terms = selector.matchLabels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        for requirement in selector.matchExpressions {
            let values = requirement.values.joined(separator: ",")
            switch requirement.operator {
            case .in: terms.append("\(requirement.key) in (\(values))")
            case .notIn: terms.append("\(requirement.key) notin (\(values))")
            case .exists: terms.append(requirement.key)
            case .doesNotExist: terms.append("!\(requirement.key)")
            }
        }
        return terms.joined(separator: ",")
    }

    private static func markdownText(_ text: String) -> String {
        text.replacingAll("|", with: "\\|").replacingAll("<", with: "&lt;")
    }

    // MARK: - JSON

    private static func json(_ model: ClassModel, _ slices: [ExplanationSlice]) -> JSONValue {
        .array(
            slices.map { slice in
                .object([
                    ("conn", .string(slice.connections.description)),
                    ("allowed", .bool(slice.allowed)),
                    ("egress", json(model, slice.egress)),
                    ("ingress", json(model, slice.ingress)),
                ])
            }
        )
    }

    private static func json(_ model: ClassModel, _ side: SidePiece) -> JSONValue {
        .object([
            ("allowed", .bool(side.allowed)),
            ("by", .array(side.reasons.map { json(model, $0) })),
        ])
    }

    private static func json(_ model: ClassModel, _ reason: SideReason) -> JSONValue {
        func policy(_ namespace: String, _ name: String, _ effect: String) -> [(String, JSONValue)] {
            [
                ("kind", .string("NetworkPolicy")), ("namespace", .string(namespace)), ("name", .string(name)),
                ("effect", .string(effect)),
            ]
        }
        func rule(_ r: RuleID, _ effect: String) -> [(String, JSONValue)] {
            let origin = model.origin(r)
            var pairs = policy(origin.namespace, origin.name, effect)
            pairs.append(("rule_index", .int(origin.index + 1)))
            if let location = origin.location { pairs.append(("location", .string(location.description))) }
            pairs.append(("rule", .string(ruleText(model, r))))
            return pairs
        }
        func whole(_ p: PolicyID, _ why: String) -> [(String, JSONValue)] {
            let selecting = model.policy(p)
            var pairs = policy(selecting.namespace, selecting.name, "deny")
            pairs.append(("why", .string(why)))
            if let location = selecting.location { pairs.append(("location", .string(location.description))) }
            return pairs
        }
        switch reason {
        case .systemDefault:
            return .object([("kind", .string("SystemDefault")), ("effect", .string("allow"))])
        case .hostNetwork:
            return .object([
                ("kind", .string("SystemDefault")), ("effect", .string("allow")), ("why", .string("host-network")),
            ])
        case .admittedBy(let r):
            return .object(rule(r, "allow"))
        case .tierRule(let r, _):
            let origin = model.origin(r)
            let action = model.adminRule(r)?.action.rawValue.lowercased() ?? "allow"
            var pairs: [(String, JSONValue)] = [
                ("kind", .string(origin.kind.rawValue)), ("namespace", .string("")), ("name", .string(origin.name)),
                ("effect", .string(action)), ("rule_name", .string(origin.ruleName)),
            ]
            if case .admin(_, let tier) = origin.owner { pairs.append(("tier", .string(tier.rawValue))) }
            if let location = origin.location { pairs.append(("location", .string(location.description))) }
            pairs.append(("rule", .string(ruleText(model, r))))
            return .object(pairs)
        case .noRules(let p):
            return .object(whole(p, "no-rules"))
        case .noRuleSelectsPeer(let p):
            return .object(whole(p, "no-rule-selects-peer"))
        case .portsMismatch(let r, let named):
            var pairs = rule(r, "deny")
            pairs.insert(("why", .string(named ? "named-ports-mismatch" : "ports-mismatch")), at: 5)
            return .object(pairs)
        case .wayIn(let kind, let id, let service, let allows, let location):
            let parts = id.split(separator: "/", maxSplits: 1).map(String.init)
            var pairs: [(String, JSONValue)] = [
                ("kind", .string(kind.rawValue)), ("namespace", .string(parts.first ?? "")),
                ("name", .string(parts.last ?? "")), ("effect", .string(allows ? "allow" : "deny")),
                ("service", .string(service)),
            ]
            if !allows { pairs.append(("why", .string("ports-mismatch"))) }
            if let location { pairs.append(("location", .string(location.description))) }
            return .object(pairs)
        }
    }
}
