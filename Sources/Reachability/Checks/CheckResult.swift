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

/// A policy or endpoint that explains a failing rule, with where it is defined.
package struct CheckInvolvement: Hashable, Sendable, Comparable {
    /// What it does to the flows, e.g. `NetworkPolicy db/allow-api admits backend/api[Deployment] (ingress)`.
    package var text: String
    /// Where it is defined.
    package var location: SourceLocation?

    /// Creates an involvement.
    package init(_ text: String, at location: SourceLocation?) {
        self.text = text
        self.location = location
    }

    /// By location, then text.
    package static func < (lhs: CheckInvolvement, rhs: CheckInvolvement) -> Bool {
        switch (lhs.location, rhs.location) {
        case let (l?, r?) where l != r: return l < r
        case (nil, _?): return false
        case (_?, nil): return true
        default: return lhs.text < rhs.text
        }
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
    package var examples: [String]
    /// How many counter-examples exist in all.
    package var violations: Int
    /// Policies and endpoints that explain the failure.
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

    /// How many rules failed.
    package var failed: Int { results.count { !$0.passed } }
    /// How many rules hold.
    package var passed: Int { results.count { $0.passed } }
    /// `5 rules: 3 passed, 2 failed`.
    package var summary: String {
        "\(results.count) \(results.count == 1 ? "rule" : "rules"): \(passed) passed, \(failed) failed"
    }
}
