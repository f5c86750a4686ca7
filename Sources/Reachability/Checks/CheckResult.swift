public import KubeModel

/// How `Checker` evaluates a rules file.
public struct CheckOptions: Hashable, Sendable {
    /// Let a rule whose peers match nothing pass (with a warning) instead of being an error.
    public var allowEmpty: Bool
    /// How many counter-example flows a failing rule shows.
    public var examples: Int

    /// Creates options.
    public init(allowEmpty: Bool = false, examples: Int = 10) {
        self.allowEmpty = allowEmpty
        self.examples = max(1, examples)
    }
}

/// A policy or endpoint that explains a failing rule, with where it is defined.
public struct CheckInvolvement: Hashable, Sendable, Comparable {
    /// What it does to the flows, e.g. `NetworkPolicy db/allow-api admits backend/api[Deployment] (ingress)`.
    public var text: String
    /// Where it is defined.
    public var location: SourceLocation?

    /// Creates an involvement.
    public init(_ text: String, at location: SourceLocation?) {
        self.text = text
        self.location = location
    }

    /// By location, then text.
    public static func < (lhs: CheckInvolvement, rhs: CheckInvolvement) -> Bool {
        switch (lhs.location, rhs.location) {
        case let (l?, r?) where l != r: return l < r
        case (nil, _?): return false
        case (_?, nil): return true
        default: return lhs.text < rhs.text
        }
    }
}

/// The verdict on one rule.
public struct CheckResult: Hashable, Sendable {
    /// The rule.
    public var rule: CheckRule
    /// Whether the cluster satisfies it.
    public var passed: Bool
    /// What was found: why it holds, or what breaks it.
    public var message: String
    /// The first counter-examples (flows, or endpoints), in name order.
    public var examples: [String]
    /// How many counter-examples exist in all.
    public var violations: Int
    /// Policies and endpoints that explain the failure.
    public var involved: [CheckInvolvement]
}

/// The verdicts on every rule of a rules file.
public struct CheckReport: Hashable, Sendable {
    /// The rules file.
    public var file: String
    /// One result per rule, in file order.
    public var results: [CheckResult]
    /// Rules that matched nothing and passed because of `allowEmpty`.
    public var warnings: [String]

    /// How many rules failed.
    public var failed: Int { results.count { !$0.passed } }
    /// How many rules hold.
    public var passed: Int { results.count { $0.passed } }
    /// `5 rules: 3 passed, 2 failed`.
    public var summary: String {
        "\(results.count) \(results.count == 1 ? "rule" : "rules"): \(passed) passed, \(failed) failed"
    }
}

/// A rule that cannot be evaluated, such as one whose peers match nothing.
public struct CheckError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// Where in the rules file.
    public var location: SourceLocation
    /// How to fix it.
    public var hint: String?

    /// Creates an error.
    public init(_ message: String, at location: SourceLocation, hint: String? = nil) {
        self.message = message
        self.location = location
        self.hint = hint
    }

    /// `file:line:column: error: message`, then the hint.
    public var description: String {
        DiagnosticText.render("error", message, at: location, hint: hint)
    }
}
