import KubeModel

/// `deny: {from, to, ports}`: no flow from `from` to `to` on those ports.
enum DenyCheck {
    static func evaluate(_ rule: CheckRule, _ reach: RuleReach, in context: inout CheckContext) throws(Diagnostic)
        -> CheckResult
    {
        let sources = context.resolve(reach.from)
        let destinations = context.resolve(reach.to)
        guard try context.requireMatch(sources, reach.from, rule, role: "from"),
            try context.requireMatch(destinations, reach.to, rule, role: "to")
        else { return context.vacuous(rule) }
        let ports = context.connections(reach.ports)
        let violations = context.scan(sources, destinations) { allowed, _, _ in allowed.intersection(ports) }
        let what = "\(reach.from.description) to \(reach.to.description)" + context.portsText(reach.ports)
        guard violations.count == 0 else {
            return context.failure(
                rule,
                "\(violations.count) \(violations.count == 1 ? "flow is" : "flows are") allowed from \(what)",
                violations,
                involved: context.explainAllowed(violations.candidates)
            )
        }
        return context.pass(rule, "nothing is allowed from \(what)")
    }
}
