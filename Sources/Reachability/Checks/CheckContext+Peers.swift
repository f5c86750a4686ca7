import KubeModel

/// Resolving the peers and namespaces a rule names against the cluster.
extension CheckContext {
    /// Whether an endpoint matches one alternative of a rule's peer.
    func matches(_ alternative: RulePeer.Alternative, _ endpoint: Endpoint) -> Bool {
        switch alternative {
        case .any: return true
        case .namespace(let name): return endpoint.namespace == name
        case .endpoint(let reference):
            return reference.matches(endpoint)
        case .selector(let namespaces, let pods):
            return (namespaces?.matches(namespaceLabels[endpoint.namespace] ?? [:]) ?? true)
                && pods.matches(endpoint.labels)
        case .cidr, .internet: return false
        }
    }

    /// The endpoints and addresses a rule's peer names.
    func resolve(_ peer: RulePeer) -> Side {
        var chosen = Set<Int>()
        var addresses = IPSet()
        var outside = false
        for alternative in peer.alternatives {
            switch alternative {
            case .any:
                addresses.formUnion(universe)
                chosen.formUnion(cluster.endpoints.indices)
            case .cidr(let cidr):
                addresses.formUnion(IPSet(cidr).intersection(universe))
            case .internet:
                addresses.formUnion(universe)
                outside = true
            case .namespace(let name):
                chosen.formUnion(endpointsByNamespace[name] ?? [])
            case .endpoint(let reference):
                chosen.formUnion(
                    (endpointsByNamespace[reference.namespace] ?? []).filter {
                        reference.matches(cluster.endpoints[$0])
                    }
                )
            case .selector(let namespaces, _):
                let candidates =
                    namespaces.map { selector in
                        endpointsByNamespace.filter { selector.matches(namespaceLabels[$0.key] ?? [:]) }.flatMap(
                            \.value
                        )
                    } ?? Array(cluster.endpoints.indices)
                chosen.formUnion(candidates.filter { matches(alternative, cluster.endpoints[$0]) })
            }
        }
        return Side(endpoints: chosen.sorted(), addresses: addresses, ingressController: outside)
    }

    /// Fails (or, with `allowEmpty`, warns) when a side names nothing in the cluster, or when an item of a side
    /// written as a list does (a typo in one item must not pass unnoticed because the others match).
    mutating func requireMatch(_ side: Side, _ peer: RulePeer, _ rule: CheckRule, role: String)
        throws(Diagnostic) -> Bool
    {
        guard side.isEmpty else {
            for item in peer.items where resolve(item).isEmpty {
                let message =
                    "'\(role): \(item.description)', an item of '\(role): \(peer.description)' of rule '\(rule.name)', matches no endpoint"
                guard options.allowEmpty else {
                    throw Diagnostic(message, at: item.location, hint: suggestionHint(item))
                }
                warnings.append(.warning("\(message); the item is left out (--allow-empty)", at: item.location))
            }
            return true
        }
        let message = "'\(role): \(peer.description)' of rule '\(rule.name)' matches no endpoint"
        guard options.allowEmpty else {
            throw Diagnostic(message, at: peer.location, hint: suggestionHint(peer))
        }
        warnings.append(.warning("\(message); the rule passes (--allow-empty)", at: peer.location))
        return false
    }

    /// The sources and destinations of a deny or allow rule, each required to match; nil when one matches nothing
    /// and `allowEmpty` lets the rule pass.
    mutating func sides(_ reach: RuleReach, of rule: CheckRule) throws(Diagnostic) -> (Side, Side)? {
        let sources = resolve(reach.from)
        let destinations = resolve(reach.to)
        guard try requireMatch(sources, reach.from, rule, role: "from"),
            try requireMatch(destinations, reach.to, rule, role: "to")
        else { return nil }
        return (sources, destinations)
    }

    /// Names close to those of a peer that matched nothing, and how to fix the rule.
    func suggestionHint(_ peer: RulePeer) -> String {
        var names: [String] = []
        for alternative in peer.alternatives {
            switch alternative {
            case .endpoint(let reference):
                if let query = try? EndpointQuery("\(reference.namespace)/\(reference.name)") {
                    names += query.suggestions(in: cluster, limit: 3)
                }
            case .namespace(let name):
                names += Set(cluster.endpoints.map(\.namespace)).filter { $0.editDistance(to: name) <= 2 }.sorted()
                // A bare word is a namespace; the user may have meant a workload of that name.
                names += cluster.endpoints.filter { $0.name == name }.map { "\($0.namespace)/\($0.name)" }
            default: break
            }
        }
        let fix =
            "check the spelling against the manifests, or pass --allow-empty if the rule guards objects "
            + "that may not exist yet"
        return names.isEmpty ? fix : "did you mean \(names.joined(separator: ", "))? " + fix
    }

    /// Whether the namespace a rule names exists (an error, or with `allowEmpty` false, when it does not).
    func namespaceExists(_ namespace: RuleNamespace, _ rule: CheckRule) throws(Diagnostic) -> Bool {
        if cluster.endpoints.contains(where: { $0.namespace == namespace.name })
            || cluster.namespaces.contains(where: { $0.name == namespace.name && !$0.isImplicit })
        {
            return true
        }
        let message = "namespace '\(namespace.name)' of rule '\(rule.name)' is not in the manifests"
        guard options.allowEmpty else {
            let close = Set(cluster.namespaces.map(\.name)).filter { $0.editDistance(to: namespace.name) <= 2 }
            throw Diagnostic(
                message,
                at: namespace.location,
                hint: (close.isEmpty ? "" : "did you mean \(close.sorted().joined(separator: ", "))? ")
                    + "check the name, or pass --allow-empty"
            )
        }
        return false
    }

    /// The connections a rule's `ports` names (all when it names none).
    func connections(_ ports: [RulePort]?) -> ConnectionSet {
        guard let ports else { return .all }
        var out = ConnectionSet.none
        for port in ports {
            out.formUnion(ConnectionSet(port.networkProtocol, port.ports.map { PortSet($0) } ?? .allPorts))
        }
        return out
    }

    /// ` on 80/TCP, 53/UDP`, or nothing for all ports.
    func portsText(_ ports: [RulePort]?) -> String {
        guard let ports else { return "" }
        return " on "
            + ports.map { port in
                port.ports.map { range in
                    "\(range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound)-\(range.upperBound)")/\(port.networkProtocol.rawValue)"
                } ?? port.networkProtocol.rawValue
            }.joined(separator: ", ")
    }
}
