/// The `netreach.io/ignore` annotation, which suppresses audit findings on an object:
/// `"<finding id>: <reason>"` entries separated by newlines or `;`.
package struct IgnoreAnnotation: Hashable, Sendable {
    /// The annotation's key.
    package static let key = "netreach.io/ignore"

    /// Finding id → reason (`no reason given` when the entry has none).
    package var reasons: [String: String] = [:]
    /// Entries that could not be read (no finding id), as written.
    package var malformed: [String] = []

    /// Reads the annotation of an object; empty when it has none. Never fails: an entry it cannot read is kept in
    /// `malformed`, for a warning.
    package init(_ annotations: [String: String]) {
        self.init(value: annotations[Self.key] ?? "")
    }

    /// Reads the annotation's value.
    package init(value: String) {
        for entry in value.split(whereSeparator: { $0 == "\n" || $0 == ";" || $0 == "\r\n" }) {
            let text = String(entry).trimmingSpaces
            if text.isEmpty { continue }
            let id: String
            let reason: String
            if let colon = text.firstIndex(of: ":") {
                id = String(text[..<colon]).trimmingSpaces
                reason = String(text[text.index(after: colon)...]).trimmingSpaces
            } else {
                id = text
                reason = ""
            }
            guard !id.isEmpty, !id.contains(where: \.isWhitespace) else {
                malformed.append(text)
                continue
            }
            reasons[id] = reason.isEmpty ? "no reason given" : reason
        }
    }
}
