/// A Kubernetes label selector: `matchLabels` AND every `matchExpressions` requirement.
package struct LabelSelector: Hashable, Sendable {
    /// A set-based requirement.
    package struct Requirement: Hashable, Sendable {
        /// The four operators Kubernetes defines.
        package enum Operator: String, Hashable, Sendable, CaseIterable {
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
        package var key: String
        /// The operator.
        package var `operator`: Operator
        /// The values for `In` and `NotIn`; empty for the others.
        package var values: [String]

        /// Creates a requirement.
        package init(key: String, operator: Operator, values: [String] = []) {
            self.key = key
            self.operator = `operator`
            self.values = values
        }
    }

    /// Exact key/value pairs.
    package var matchLabels: [String: String]
    /// Set-based requirements.
    package var matchExpressions: [Requirement]

    /// Creates a selector; the empty selector matches everything.
    package init(matchLabels: [String: String] = [:], matchExpressions: [Requirement] = []) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    /// The selector `{}`, which matches every object.
    package static let everything = LabelSelector()

    /// True for `{}`.
    package var isEmpty: Bool { matchLabels.isEmpty && matchExpressions.isEmpty }

    /// Whether, as a namespaceSelector, it matches every namespace there is or will be: it is empty, or it only
    /// asks for `kubernetes.io/metadata.name`, which every namespace carries.
    package var matchesEveryNamespace: Bool {
        matchLabels.isEmpty
            && matchExpressions.allSatisfy { $0.operator == .exists && $0.key == Namespace.nameLabel }
    }

    /// Whether an object with these labels is selected.
    package func matches(_ labels: [String: String]) -> Bool {
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
