/// A Kubernetes label selector: `matchLabels` AND every `matchExpressions` requirement.
public struct LabelSelector: Hashable, Sendable {
    /// A set-based requirement.
    public struct Requirement: Hashable, Sendable {
        /// The four operators Kubernetes defines.
        public enum Operator: String, Hashable, Sendable, CaseIterable {
            /// The label's value is one of `values`.
            case `in` = "In"
            /// The label is absent or its value is not one of `values`.
            case notIn = "NotIn"
            /// The label is present.
            case exists = "Exists"
            /// The label is absent.
            case doesNotExist = "DoesNotExist"
        }

        /// The label key.
        public var key: String
        /// The operator.
        public var `operator`: Operator
        /// The values for `In` and `NotIn`; empty for the others.
        public var values: [String]

        /// Creates a requirement.
        public init(key: String, operator: Operator, values: [String] = []) {
            self.key = key
            self.operator = `operator`
            self.values = values
        }
    }

    /// Exact key/value pairs.
    public var matchLabels: [String: String]
    /// Set-based requirements.
    public var matchExpressions: [Requirement]

    /// Creates a selector; the empty selector matches everything.
    public init(matchLabels: [String: String] = [:], matchExpressions: [Requirement] = []) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    /// The selector `{}`, which matches every object.
    public static let everything = LabelSelector()

    /// True for `{}`.
    public var isEmpty: Bool { matchLabels.isEmpty && matchExpressions.isEmpty }

    /// Whether an object with these labels is selected.
    public func matches(_ labels: [String: String]) -> Bool {
        for (key, value) in matchLabels where labels[key] != value { return false }
        for requirement in matchExpressions {
            let value = labels[requirement.key]
            switch requirement.operator {
            case .in:
                guard let value, requirement.values.contains(value) else { return false }
            case .notIn:
                if let value, requirement.values.contains(value) { return false }
            case .exists:
                if value == nil { return false }
            case .doesNotExist:
                if value != nil { return false }
            }
        }
        return true
    }
}
