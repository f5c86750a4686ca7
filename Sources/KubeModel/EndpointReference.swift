/// `namespace/name` or `namespace/name[Kind]`: how users name one endpoint, on the command line (`--to`) and in
/// rules files.
package struct EndpointReference: Hashable, Sendable, CustomStringConvertible {
    /// The namespace.
    package var namespace: String
    /// The workload or pod name.
    package var name: String
    /// The kind (`Deployment`, `Pod`, …), or nil for any.
    package var kind: String?

    /// Creates a reference.
    package init(namespace: String, name: String, kind: String? = nil) {
        self.namespace = namespace
        self.name = name
        self.kind = kind
    }

    /// Whether `text` is written as a name rather than a label selector: it has a `/` and no selector syntax.
    package static func looksLikeReference(_ text: String) -> Bool {
        text.contains("/") && !text.contains(where: { "=!() ,".contains($0) })
    }

    /// Parses `namespace/name` or `namespace/name[Kind]`; nil when a part is empty or the name has another `/`.
    package init?(_ text: String) {
        guard let slash = text.firstIndex(of: "/") else { return nil }
        let namespace = String(text[..<slash])
        var name = String(text[text.index(after: slash)...])
        var kind: String?
        if name.hasSuffix("]"), let open = name.lastIndex(of: "[") {
            kind = String(name[name.index(after: open)..<name.index(before: name.endIndex)])
            name = String(name[..<open])
        }
        guard !namespace.isEmpty, !name.isEmpty, !name.contains("/"), kind?.isEmpty != true else { return nil }
        self.init(namespace: namespace, name: name, kind: kind)
    }

    /// Whether the reference names this endpoint (any kind when `kind` is nil).
    package func matches(_ endpoint: Endpoint) -> Bool {
        endpoint.namespace == namespace && endpoint.name == name && (kind == nil || kind == endpoint.kind)
    }

    /// As written: `namespace/name` or `namespace/name[Kind]`.
    package var description: String { "\(namespace)/\(name)" + (kind.map { "[\($0)]" } ?? "") }
}
