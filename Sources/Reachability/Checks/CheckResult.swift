package import KubeModel

/// How `Checker` evaluates a rules file.
package struct CheckOptions: Hashable, Sendable {
    /// Let a rule whose peers match nothing pass (with a warning) instead of being an error.
    package var allowEmpty: Bool
    /// How many counter-example flows a failing rule shows.
    package var examples: Int

    /// Creates options.
    package init(allowEmpty: Bool = false, examples: Int = 10) {
        self.allowEmpty = allowEmpty
        self.examples = max(1, examples)
    }
}

/// The verdict on one rule.
package struct CheckResult: Hashable, Sendable {
    /// The rule.
    package var rule: CheckRule
    /// Whether the cluster satisfies it.
    package var passed: Bool
    /// What was found: why it holds, or what breaks it.
    package var message: String
    /// The first counter-examples (flows, or endpoints), in name order.
    package var examples: [CheckExample]
    /// How many counter-examples exist in all.
    package var violations: Int
    /// Policies and endpoints that explain the failure, without duplicates, by location (Reports orders those of
    /// one location by their text).
    package var involved: [CheckInvolvement]
}

/// The verdicts on every rule of a rules file.
package struct CheckReport: Hashable, Sendable {
    /// The rules file.
    package var file: String
    /// One result per rule, in file order.
    package var results: [CheckResult]
    /// Rules that matched nothing and passed because of `allowEmpty`.
    package var warnings: [Diagnostic]
    /// The network-plugin settings the cluster was read with.
    package var settings = EngineSettings()

    /// How many rules failed.
    package var failed: Int { results.count { !$0.passed } }
    /// How many rules hold.
    package var passed: Int { results.count { $0.passed } }
    /// `5 rules: 3 passed, 2 failed`.
    package var summary: String {
        "\(results.count) \(results.count == 1 ? "rule" : "rules"): \(passed) passed, \(failed) failed"
    }
}
