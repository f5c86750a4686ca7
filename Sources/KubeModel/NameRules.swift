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
    ///
    /// - Complexity: O(n) over the UTF-8 bytes, without allocating for the valid names every label is.
    package func check(_ value: String) -> Verdict {
        // Printable ASCII that conforms, read from the string's own bytes (every name and label of a cluster is
        // checked: through `Substring.UTF8View` this was a tenth of reading a 150,000-pod dump).
        var value = value
        let (ascii, conforming) = value.withUTF8 { bytes in
            let ascii = !bytes.contains(where: { $0 < 0x20 || $0 >= 0x7F })
            return (ascii, ascii && conforms(bytes))
        }
        if conforming { return .valid }
        if !ascii {
            if let bad = value.unicodeScalars.first(where: { $0.needsDisplayEscape }) {
                let hex = String(bad.value, radix: 16, uppercase: true)
                return .unprintable(
                    "it holds the unprintable character U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex)"
                )
            }
            return .nonConformant(reason)  // printable, but not ASCII: no Kubernetes name has it
        }
        return .nonConformant(reason)
    }

    private var reason: String {
        switch self {
        case .dnsLabel:
            return
                "a DNS label has at most 63 lowercase letters, digits and '-', and starts and ends with a letter or digit"
        case .dnsSubdomain: return Self.subdomainRule
        case .labelKey, .labelValue:
            return "a label key is an optional DNS-subdomain prefix and '/', then a name; the name and a label value "
                + "have at most 63 letters, digits, '-', '_' and '.', and start and end with a letter or digit"
        case .kind: return "a kind has only letters and digits, and starts with a letter"
        }
    }

    private static let subdomainRule =
        "a DNS subdomain has at most 253 lowercase letters, digits, '-' and '.', and each part between dots starts and ends with a letter or digit"

    private func conforms(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        conforms(bytes, 0, bytes.count)
    }

    /// Whether `bytes[start..<end]` conforms.
    private func conforms(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        switch self {
        case .dnsLabel:
            return Self.isLabel(bytes, start, end)
        case .dnsSubdomain:
            // Label by label, without an array of them (a pod name is checked for every pod).
            guard end - start <= 253 else { return false }
            var low = start
            while true {
                var dot = low
                while dot < end, bytes[dot] != UInt8(ascii: ".") { dot += 1 }
                guard Self.isLabel(bytes, low, dot) else { return false }
                guard dot < end else { return true }
                low = dot + 1
            }
        case .labelKey:
            var slash = start
            while slash < end, bytes[slash] != UInt8(ascii: "/") { slash += 1 }
            guard slash < end else { return Self.isQualifiedName(bytes, start, end) }
            return slash > start && NameRule.dnsSubdomain.conforms(bytes, start, slash)
                && Self.isQualifiedName(bytes, slash + 1, end)
        case .labelValue:
            return start == end || Self.isQualifiedName(bytes, start, end)
        case .kind:
            guard start < end, Self.isLetter(bytes[start]) else { return false }
            for i in start..<end where !(Self.isLetter(bytes[i]) || Self.isDigit(bytes[i])) { return false }
            return true
        }
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private static func isLower(_ b: UInt8) -> Bool { b >= 0x61 && b <= 0x7A }
    private static func isLetter(_ b: UInt8) -> Bool { isLower(b) || (b >= 0x41 && b <= 0x5A) }

    /// RFC 1123 label: 1-63 of a-z, 0-9 and '-', alphanumeric at both ends.
    private static func isLabel(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard start < end, end - start <= 63 else { return false }
        let alphanumeric = { (b: UInt8) in isLower(b) || isDigit(b) }
        guard alphanumeric(bytes[start]), alphanumeric(bytes[end - 1]) else { return false }
        for i in start..<end where !(alphanumeric(bytes[i]) || bytes[i] == UInt8(ascii: "-")) { return false }
        return true
    }

    /// A qualified name: 1-63 of A-Z, a-z, 0-9, '-', '_' and '.', alphanumeric at both ends.
    private static func isQualifiedName(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard start < end, end - start <= 63 else { return false }
        let alphanumeric = { (b: UInt8) in isLetter(b) || isDigit(b) }
        guard alphanumeric(bytes[start]), alphanumeric(bytes[end - 1]) else { return false }
        for i in start..<end {
            let b = bytes[i]
            guard alphanumeric(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") else {
                return false
            }
        }
        return true
    }
}
