extension LabelSelector {
    /// Parses kubectl's selector syntax: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, joined
    /// by `,`. Returns nil and the offending term when the text is not a selector.
    package static func parse(kubectl text: String) -> Result<LabelSelector, SelectorSyntaxError> {
        var terms: [String] = []
        var depth = 0
        var current = ""
        for character in text {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if character == ",", depth == 0 {
                terms.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        terms.append(current)
        var selector = LabelSelector()
        for raw in terms {
            let term = raw.trimmingSpaces
            let invalid = SelectorSyntaxError(term: term, text: text)
            if term.isEmpty { return .failure(invalid) }
            if let range = term.firstRange(of: " notin ") ?? term.firstRange(of: " in ") {
                let key = String(term[..<range.lowerBound]).trimmingSpaces
                let list = String(term[range.upperBound...]).trimmingSpaces
                guard isKey(key), list.hasPrefix("("), list.hasSuffix(")") else { return .failure(invalid) }
                let values = list.dropFirst().dropLast().split(separator: ",").map { String($0).trimmingSpaces }
                guard !values.isEmpty, !values.contains(where: { $0.isEmpty }) else { return .failure(invalid) }
                let op: Requirement.Operator = term[range].contains("notin") ? .notIn : .in
                selector.matchExpressions.append(.init(key: key, operator: op, values: values))
            } else if let range = term.firstRange(of: "!=") {
                let key = String(term[..<range.lowerBound]).trimmingSpaces
                guard isKey(key) else { return .failure(invalid) }
                selector.matchExpressions.append(
                    .init(key: key, operator: .notIn, values: [String(term[range.upperBound...]).trimmingSpaces])
                )
            } else if let range = term.firstRange(of: "==") ?? term.firstRange(of: "=") {
                let key = String(term[..<range.lowerBound]).trimmingSpaces
                guard isKey(key) else { return .failure(invalid) }
                selector.matchLabels[key] = String(term[range.upperBound...]).trimmingSpaces
            } else if term.hasPrefix("!") {
                let key = String(term.dropFirst()).trimmingSpaces
                guard isKey(key) else { return .failure(invalid) }
                selector.matchExpressions.append(.init(key: key, operator: .doesNotExist))
            } else {
                guard isKey(term) else { return .failure(invalid) }
                selector.matchExpressions.append(.init(key: term, operator: .exists))
            }
        }
        return .success(selector)
    }

    private static func isKey(_ key: String) -> Bool {
        !key.isEmpty && key.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) }
    }
}

/// A label selector in kubectl's syntax that does not parse.
package struct SelectorSyntaxError: Error, Hashable, Sendable {
    /// The term that is wrong.
    package var term: String
    /// The whole selector.
    package var text: String

    /// `invalid label selector term 'x' in 'y'`, or `invalid label selector 'x'` when the term is the whole text
    /// (so the value is not said twice).
    package var message: String {
        term.trimmingSpaces == text.trimmingSpaces
            ? "invalid label selector '\(text)'" : "invalid label selector term '\(term)' in '\(text)'"
    }
    /// How to write one.
    package static let hint =
        "use key=value, key!=value, 'key in (a,b)', 'key notin (a,b)', key or !key, joined by commas"
}

extension String {
    /// The text without leading and trailing whitespace.
    package var trimmingSpaces: String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        while text.last?.isWhitespace == true { text = text.dropLast() }
        return String(text)
    }

    /// Levenshtein distance, for "did you mean" suggestions.
    package func editDistance(to other: String) -> Int {
        let a = Array(self)
        let b = Array(other)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = Swift.min(
                    previous[j] + 1,
                    current[j - 1] + 1,
                    previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                )
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

extension LabelSelector {
    /// The selector as kubectl's requirement terms, sorted: `k=v`, `k in (a,b)`, `k notin (a,b)`, `k` (exists),
    /// `!k` (does not exist). Empty for `{}`.
    package var kubectlTerms: [String] {
        var terms = matchLabels.map { "\($0.key)=\($0.value)" }
        for requirement in matchExpressions {
            let values = requirement.values.sorted().joined(separator: ",")
            switch requirement.operator {
            case .in: terms.append("\(requirement.key) in (\(values))")
            case .notIn: terms.append("\(requirement.key) notin (\(values))")
            case .exists: terms.append(requirement.key)
            case .doesNotExist: terms.append("!\(requirement.key)")
            }
        }
        return Array(Set(terms)).sorted()
    }
}
