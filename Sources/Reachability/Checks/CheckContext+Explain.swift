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
                guard model.isolated[direction][c] else {
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
                    continue
                }
                let decision = model.decide(direction, at: c, peer: peer)
                let allowing = decision.allowing(candidate.connections)
                for policy in policies(allowing) {
                    // The rules of this policy that let the flow through, located at the first of them.
                    let own = allowing.filter { model.policy(model.origin($0).policy) == policy }
                    out.insert(
                        .admits(
                            PolicyReference(policy),
                            rules: own.map { model.origin($0).index + 1 },
                            source: candidate.source,
                            destination: candidate.destination,
                            direction: direction
                        ),
                        at: own.first.flatMap { model.origin($0).location } ?? policy.location
                    )
                }
            }
        }
        return out.list
    }

    /// For flows that should exist: the policies that isolate a side without a rule that lets the flow through.
    func explainBlocked(_ candidates: [Candidate]) -> [CheckInvolvement] {
        var out = Involvements()
        for candidate in candidates {
            for direction in Direction.allCases {
                guard let c = candidate.governed(direction), model.isolated[direction][c],
                    let peer = candidate.peer(direction)
                else { continue }
                let decision = model.decide(direction, at: c, peer: peer)
                let admitting = Set(decision.allowing(candidate.connections).map { model.origin($0).policy })
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

    /// The policies of `rules`, each once, in policy order.
    private func policies(_ rules: [RuleID]) -> [NetworkPolicy] {
        Set(rules.map { model.origin($0).policy }).sorted().map { model.policy($0) }
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
