/// The API server's rules for names and labels, for input that never went through an API server.
///
/// A value the API server would reject for a character that cannot be printed (a control character, a line
/// break, a bidirectional override) is `unprintable`: it could inject lines or escape sequences into a terminal or
/// a CI log, so it is an error. A value that breaks only the naming rules (an uppercase letter, an underscore, a
/// length) is `nonConformant`: it is kept with a warning, since published test clusters contain such names.
package enum NameRule: Sendable {
    /// RFC 1123 label: namespaces (at most 63 of a-z, 0-9 and '-', alphanumeric at both ends).
    case dnsLabel
    /// RFC 1123 subdomain: most object names (at most 253; dot-separated labels).
    case dnsSubdomain
    /// A label key: an optional DNS-subdomain prefix and '/', then a name of at most 63 of A-Z, a-z, 0-9, '-',
    /// '_' and '.', alphanumeric at both ends.
    case labelKey
    /// A label value: empty, or a name as in a label key.
    case labelValue
    /// A kind (`Deployment`): letters and digits, starting with a letter.
    case kind

    /// The verdict on one value.
    package enum Verdict: Hashable, Sendable {
        /// Conforms.
        case valid
        /// Breaks the naming rules but is printable; kept with a warning that gives the reason.
        case nonConformant(String)
        /// Holds a character that cannot be printed (the reason names it); an error.
        case unprintable(String)
    }

    /// Checks `value` against the rule.
    package func check(_ value: String) -> Verdict {
        if let bad = value.unicodeScalars.first(where: { $0.needsDisplayEscape }) {
            let hex = String(bad.value, radix: 16, uppercase: true)
            return .unprintable(
                "it holds the unprintable character U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex)"
            )
        }
        switch self {
        case .dnsLabel:
            return Self.label(value, max: 63, what: "a DNS label")
        case .dnsSubdomain:
            let parts = value.split(separator: ".", omittingEmptySubsequences: false)
            let ok = value.utf8.count <= 253 && parts.allSatisfy { Self.label(String($0), max: 63, what: "") == .valid }
            return ok ? .valid : .nonConformant(Self.subdomainRule)
        case .labelKey:
            let parts = value.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2 {
                if case .nonConformant = NameRule.dnsSubdomain.check(String(parts[0])) {
                    return .nonConformant("the prefix of a label key is a DNS subdomain: " + Self.subdomainRule)
                }
            }
            guard let name = parts.last, !name.isEmpty else { return .nonConformant(Self.qualifiedNameRule) }
            return Self.qualifiedName(String(name))
        case .labelValue:
            return value.isEmpty ? .valid : Self.qualifiedName(value)
        case .kind:
            let scalars = Array(value.unicodeScalars)
            let ok =
                !scalars.isEmpty && scalars.allSatisfy { Self.isAlphanumeric($0, lowercaseOnly: false) }
                && !("0"..."9").contains(scalars[0])
            return ok ? .valid : .nonConformant("a kind has only letters and digits, and starts with a letter")
        }
    }

    private static let subdomainRule =
        "a DNS subdomain has at most 253 lowercase letters, digits, '-' and '.', and each part between dots starts and ends with a letter or digit"
    private static let qualifiedNameRule =
        "a label key's name and a label value have at most 63 letters, digits, '-', '_' and '.', and start and end with a letter or digit"

    private static func isAlphanumeric(_ c: Unicode.Scalar, lowercaseOnly: Bool) -> Bool {
        ("a"..."z").contains(c) || ("0"..."9").contains(c) || (!lowercaseOnly && ("A"..."Z").contains(c))
    }

    private static func label(_ value: String, max: Int, what: String) -> Verdict {
        let scalars = Array(value.unicodeScalars)
        let ok =
            !scalars.isEmpty && scalars.count <= max
            && scalars.allSatisfy { isAlphanumeric($0, lowercaseOnly: true) || $0 == "-" }
            && isAlphanumeric(scalars[0], lowercaseOnly: true)
            && isAlphanumeric(scalars[scalars.count - 1], lowercaseOnly: true)
        return ok
            ? .valid
            : .nonConformant(
                "\(what) has at most \(max) lowercase letters, digits and '-', and starts and ends with a letter or digit"
            )
    }

    private static func qualifiedName(_ value: String) -> Verdict {
        let scalars = Array(value.unicodeScalars)
        let ok =
            !scalars.isEmpty && scalars.count <= 63
            && scalars.allSatisfy { isAlphanumeric($0, lowercaseOnly: false) || $0 == "-" || $0 == "_" || $0 == "." }
            && isAlphanumeric(scalars[0], lowercaseOnly: false)
            && isAlphanumeric(scalars[scalars.count - 1], lowercaseOnly: false)
        return ok ? .valid : .nonConformant(qualifiedNameRule)
    }
}
