import KubeModel

/// `allow: {from, to, ports}`: every source reaches every destination (on those ports, or on some connection).
enum AllowCheck {
    static func evaluate(_ rule: CheckRule, _ reach: RuleReach, in context: inout CheckContext) throws(Diagnostic)
        -> CheckResult
    {
        guard let (sources, destinations) = try context.sides(reach, of: rule) else { return context.vacuous(rule) }
        let ports = context.connections(reach.ports)
        let violations = context.scan(sources, destinations) { allowed, _, _ in
            if reach.ports == nil { return allowed.isEmpty ? .all : .none }
            return ports.subtracting(allowed)
        }
        let what = "\(reach.from.description) to \(reach.to.description)" + context.portsText(reach.ports)
        guard violations.count == 0 else {
            return CheckResult(
                rule: rule,
                passed: false,
                message:
                    "\(violations.count) \(violations.count == 1 ? "pair is" : "pairs are") not allowed from \(what)",
                examples: violations.candidates.map {
                    .missing(
                        source: $0.source,
                        destination: $0.destination,
                        connections: reach.ports == nil ? nil : $0.connections
                    )
                },
                violations: violations.count,
                involved: context.explainBlocked(violations.candidates)
            )
        }
        return context.pass(rule, "every source reaches every destination from \(what)")
    }
}
