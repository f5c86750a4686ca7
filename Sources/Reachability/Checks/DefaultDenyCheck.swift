import KubeModel

/// `default-deny: ns` (with `direction`): the namespace has a policy selecting every pod with no rules.
enum DefaultDenyCheck {
    static func evaluate(
        _ rule: CheckRule,
        _ namespace: RuleNamespace,
        _ directions: Set<Direction>,
        in context: inout CheckContext
    ) throws(Diagnostic) -> CheckResult {
        guard try context.namespaceExists(namespace, rule) else { return context.vacuous(rule) }
        let model = context.model
        let policies = context.cluster.policies.filter { $0.namespace == namespace.name }
        var missing: [Direction] = []
        var examples: [CheckExample] = []
        var count = 0
        var baselines: [String] = []
        var byPolicy: [String] = []
        let definition = context.cluster.namespaces.first { $0.name == namespace.name }
        for direction in Direction.allCases where directions.contains(direction) {
            let found = policies.contains {
                $0.podSelector.isEmpty && $0.policyTypes.contains(direction) && $0.rules(direction).isEmpty
            }
            guard !found else {
                byPolicy.append(direction.rawValue.lowercased())
                continue
            }
            // A baseline Deny of every pod peer that covers the namespace is a default-deny too (for pods, the
            // peers an admin policy's ingress names).
            if let definition, let r = model.baselineDefaultDeny(direction, namespace: definition) {
                baselines.append(model.origin(r).label)
                continue
            }
            missing.append(direction)
            // The namespace's endpoints only (every endpoint was read, and copied, for every rule).
            for e in context.endpointsByNamespace[namespace.name] ?? []
            where !model.isolated.of(direction)[model.classOf(endpoint: e)] {
                count += 1
                if examples.count < context.options.examples {
                    examples.append(.notIsolated(endpoint: context.names[e], direction: direction))
                }
            }
        }
        let words = directions.count == 2 ? "ingress and egress" : directions.first?.rawValue.lowercased() ?? ""
        guard missing.isEmpty else {
            let involved = policies.filter { policy in missing.contains { policy.policyTypes.contains($0) } }.map {
                CheckInvolvement(
                    .notDefaultDeny(PolicyReference($0), selectsEveryPod: $0.podSelector.isEmpty),
                    at: $0.location
                )
            }
            let list = missing.map { $0.rawValue.lowercased() }.joined(separator: " and ")
            return CheckResult(
                rule: rule,
                passed: false,
                message: "'\(namespace.name)' has no default-deny NetworkPolicy (podSelector: {}, no rules) for \(list)"
                    + (count > 0 ? "; \(count) \(count == 1 ? "endpoint is" : "endpoints are") open" : ""),
                examples: examples,
                violations: max(count, missing.count),
                involved: involved
            )
        }
        guard baselines.isEmpty else {
            let own = byPolicy.isEmpty ? "" : "a NetworkPolicy for \(byPolicy.joined(separator: " and ")); "
            return context.pass(
                rule,
                "'\(namespace.name)' has a default-deny for \(words): \(own)\(baselines.joined(separator: "; ")) (baseline Deny of every pod)"
            )
        }
        return context.pass(rule, "'\(namespace.name)' has a default-deny NetworkPolicy for \(words)")
    }
}
