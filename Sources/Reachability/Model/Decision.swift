/// What a layer of policy says about some connections at one hop of a flow.
package enum Verdict: String, Hashable, Sendable {
    /// The connections may pass this hop.
    case allow = "Allow"
    /// The connections are dropped.
    case deny = "Deny"
    /// The layer gives up the connections to the next layer (an admin tier's `Pass`).
    case pass = "Pass"
}

/// A rule that decided some connections, with what it allows (or denies) on its own.
package struct DecidingRule: Hashable, Sendable {
    /// The rule.
    package var rule: RuleID
    /// The connections this rule gives its verdict to, towards the flow's destination: in a folded `Decision`, only
    /// those no earlier part decided.
    package var connections: ConnectionSet
}

/// One part of a decision: connections, the verdict they get, and what gave it.
package struct DecisionPart: Hashable, Sendable {
    /// The connections this part decides.
    package var connections: ConnectionSet
    /// The verdict.
    package var verdict: Verdict
    /// The rules that gave the verdict, in rule order; each may cover only some of `connections`. Empty for the
    /// deny of an isolating layer (NetworkPolicy), which no rule gives: the layer's `selectedBy` policies do.
    package var rules: [DecidingRule]

    /// Creates a part.
    package init(_ connections: ConnectionSet, _ verdict: Verdict, rules: [DecidingRule] = []) {
        self.connections = connections
        self.verdict = verdict
        self.rules = rules
    }
}

/// What one layer of policy (an admin tier, NetworkPolicy, a baseline) says at one hop: its parts in priority
/// order, earlier parts first. A layer that does not select the endpoint says nothing (no parts).
package struct LayerDecision: Hashable, Sendable {
    /// The parts, highest priority first; they may overlap (an earlier part wins).
    package var parts: [DecisionPart]
    /// The policies of the layer that select the endpoint in this direction (for NetworkPolicy: that isolate it).
    package var selectedBy: [PolicyID]

    /// A layer that says something.
    package init(_ parts: [DecisionPart], selectedBy: [PolicyID]) {
        self.parts = parts
        self.selectedBy = selectedBy
    }

    /// A layer that does not select the endpoint.
    package static let silent = LayerDecision([], selectedBy: [])
}

/// The decision at one hop of a flow (egress at the source, or ingress at the destination), for every connection:
/// the layers folded in priority order. A connection no layer decides is allowed by default.
///
/// ```swift
/// let hop = Decision(folding: [adminTier, networkPolicies, baseline])
/// hop.allowed          // what passes the hop
/// hop.undecided        // what passes only because nothing selects the endpoint
/// ```
package struct Decision: Hashable, Sendable {
    /// The decided connections, disjoint, in the order the layers decided them (never `.pass`).
    package private(set) var parts: [DecisionPart] = []
    /// The connections no layer decided: allowed by default.
    package private(set) var undecided = ConnectionSet.all
    /// The policies that select the endpoint in this direction, layer by layer.
    package private(set) var selectedBy: [PolicyID] = []

    /// Folds layers, the highest priority first. Within a layer, an earlier part wins; connections a part passes
    /// skip the rest of that layer and go to the next one.
    package init(folding layers: [LayerDecision]) {
        for layer in layers {
            selectedBy += layer.selectedBy
            var passed = ConnectionSet.none
            for part in layer.parts {
                let open = part.connections.intersection(undecided).subtracting(passed)
                guard !open.isEmpty else { continue }
                if part.verdict == .pass {
                    passed.formUnion(open)
                    continue
                }
                var decided = part
                decided.connections = open
                // A rule is named for what it decided here, not for what an earlier part took.
                decided.rules = part.rules.compactMap { rule in
                    let connections = rule.connections.intersection(open)
                    return connections.isEmpty ? nil : DecidingRule(rule: rule.rule, connections: connections)
                }
                parts.append(decided)
                undecided = undecided.subtracting(open)
            }
        }
    }

    /// What passes the hop: the allowed parts and the undecided connections.
    package var allowed: ConnectionSet {
        parts.reduce(undecided) { $1.verdict == .allow ? $0.union($1.connections) : $0 }
    }

    /// Whether some layer decides the hop (for NetworkPolicy: some policy isolates the endpoint this way).
    package var isDecided: Bool { undecided != .all }

    /// The rules that let some of `connections` through, in rule order.
    package func allowing(_ connections: ConnectionSet) -> [RuleID] {
        rules(.allow, connections)
    }

    /// The rules that give `verdict` to some of `connections`.
    package func rules(_ verdict: Verdict, _ connections: ConnectionSet) -> [RuleID] {
        var out: [RuleID] = []
        for part in parts where part.verdict == verdict {
            for rule in part.rules where !rule.connections.intersection(connections).isEmpty {
                out.append(rule.rule)
            }
        }
        return out
    }
}
