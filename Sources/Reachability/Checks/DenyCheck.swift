import KubeModel

/// `deny: {from, to, ports}`: no flow from `from` to `to` on those ports.
enum DenyCheck {
    static func evaluate(_ rule: CheckRule, _ reach: RuleReach, in context: inout CheckContext) throws(Diagnostic)
        -> CheckResult
    {
        guard let (sources, destinations) = try context.sides(reach, of: rule) else { return context.vacuous(rule) }
        let ports = context.connections(reach.ports)
        var violations = context.scan(sources, destinations) { allowed, _, _ in allowed.intersection(ports) }
        if sources.ingressController { context.scanIngressController(destinations, ports: ports, into: &violations) }
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
