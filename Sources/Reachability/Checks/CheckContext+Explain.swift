import KubeModel

/// Which policies and endpoints explain the counter-examples of a failing rule, read from the decisions at each
/// hop (`ClassModel.decide`): the rules that decided are the explanation.
extension CheckContext {
    /// For flows that should not exist: the policies whose rules let them through, or the open side. Without
    /// duplicates, in the order found.
    func explainAllowed(_ candidates: [Candidate]) -> [CheckInvolvement] {
        var out = Involvements()
        for candidate in candidates {
            for direction in Direction.allCases {
                guard let c = candidate.governed(direction), let peer = candidate.peer(direction) else { continue }
                let side = candidate.sides(direction).governed.name
                let decision = model.decide(direction, at: c, peer: peer)
                for (policy, own) in byPolicy(decision.allowing(candidate.connections)) {
                    // The rules of this policy that let the flow through, located at the first of them.
                    let reason: Reason =
                        model.origin(own[0]).adminPolicy == nil
                        ? .admits(
                            policy,
                            rules: own.map { model.origin($0).index + 1 },
                            source: candidate.source,
                            destination: candidate.destination,
                            direction: direction
                        )
                        : .adminRules(
                            policy,
                            rules: own.map { model.origin($0).index + 1 },
                            verdict: .allow,
                            source: candidate.source,
                            destination: candidate.destination,
                            direction: direction
                        )
                    out.insert(reason, at: model.origin(own[0]).location ?? policy.location)
                }
                // What no policy decided passes by default: no policy selects the side (or the plugin leaves it out).
                guard !decision.undecided.intersection(candidate.connections).isEmpty else { continue }
                let members = model.classes[c].members
                out.insert(
                    model.classes[c].ungoverned
                        ? .ungoverned(endpoint: side, settings: model.settings.name)
                        : .notSelected(endpoint: side, directions: [direction]),
                    at: members.count == 1
                        ? cluster.endpoints[members[0]].location
                        : members.first { cluster.endpoints[$0].id.escapedForDisplay == side }.flatMap {
                            cluster.endpoints[$0].location
                        }
                )
            }
        }
        return out.list
    }

    /// For flows that should exist: the admin rules that deny them, and the policies that isolate a side without a
    /// rule that lets the flow through.
    func explainBlocked(_ candidates: [Candidate]) -> [CheckInvolvement] {
        var out = Involvements()
        for candidate in candidates {
            for direction in Direction.allCases {
                guard let c = candidate.governed(direction), let peer = candidate.peer(direction) else { continue }
                let decision = model.decide(direction, at: c, peer: peer)
                for (policy, own) in byPolicy(decision.rules(.deny, candidate.connections)) {
                    out.insert(
                        .adminRules(
                            policy,
                            rules: own.map { model.origin($0).index + 1 },
                            verdict: .deny,
                            source: candidate.source,
                            destination: candidate.destination,
                            direction: direction
                        ),
                        at: model.origin(own[0]).location ?? policy.location
                    )
                }
                // The NetworkPolicies' own deny (no rule gives it) when they decided some of the connections.
                let isolating = decision.parts.contains {
                    $0.verdict == .deny && $0.rules.isEmpty
                        && !$0.connections.intersection(candidate.connections).isEmpty
                }
                guard isolating else { continue }
                let admitting = Set(decision.allowing(candidate.connections).compactMap { model.origin($0).policy })
                for p in decision.selectedBy where !admitting.contains(p) {
                    let policy = model.policy(p)
                    out.insert(
                        .isolatesWithoutRule(
                            PolicyReference(policy),
                            endpoint: candidate.sides(direction).governed.name,
                            peer: candidate.sides(direction).other.name,
                            direction: direction,
                            connections: candidate.connections
                        ),
                        at: policy.location
                    )
                }
            }
        }
        return out.list
    }

    /// The rules grouped by their policy, NetworkPolicies first in policy order, then admin policies in evaluation
    /// order; the rules of each in rule order.
    private func byPolicy(_ rules: [RuleID]) -> [(PolicyReference, [RuleID])] {
        var groups: [RuleOwner: [RuleID]] = [:]
        for r in rules { groups[model.origin(r).owner, default: []].append(r) }
        func rank(_ owner: RuleOwner) -> (Int, Int) {
            switch owner {
            case .networkPolicy(let p): (1, p.index)
            case .admin(let p, _): (0, p.index)
            }
        }
        return groups.sorted { rank($0.key) < rank($1.key) }.map { owner, rules in
            (model.reference(owner), rules.sorted())
        }
    }
}

/// Involvements without duplicates, in the order first found.
private struct Involvements {
    private var seen = Set<CheckInvolvement>()
    private(set) var list: [CheckInvolvement] = []

    mutating func insert(_ reason: Reason, at location: SourceLocation?) {
        let involvement = CheckInvolvement(reason, at: location)
        if seen.insert(involvement).inserted { list.append(involvement) }
    }
}
