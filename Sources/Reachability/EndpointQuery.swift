package import KubeModel

/// Names one or more endpoints on the command line or in a rules file.
///
/// Three forms: `namespace/name` (any kind), `namespace/name[Kind]`, or a label selector in kubectl's syntax
/// (`app=postgres`, `tier in (db,cache)`, `env!=prod`, `!legacy`, several joined by `,`).
package struct EndpointQuery: Hashable, Sendable, CustomStringConvertible {
    enum Form: Hashable {
        case name(EndpointReference)
        case selector(LabelSelector)
    }

    let form: Form
    /// The text the query was parsed from.
    package let description: String

    /// Parses a query.
    /// - Throws: `Diagnostic` when the text is neither a name nor a valid selector.
    package init(_ text: String) throws(Diagnostic) {
        description = text
        let trimmed = text.trimmingSpaces
        if trimmed.isEmpty {
            throw Diagnostic("empty endpoint query", hint: "write namespace/name or a label selector such as app=web")
        }
        if EndpointReference.looksLikeReference(trimmed) {
            guard let reference = EndpointReference(trimmed) else {
                throw Diagnostic(
                    "'\(text)' is not namespace/name",
                    hint: "write namespace/name or namespace/name[Kind]"
                )
            }
            form = .name(reference)
            return
        }
        form = .selector(try Self.parseSelector(trimmed))
    }

    /// Whether the query names this endpoint.
    package func matches(_ endpoint: Endpoint) -> Bool {
        switch form {
        case .name(let reference):
            return reference.matches(endpoint)
        case .selector(let selector):
            return selector.matches(endpoint.labels)
        }
    }

    /// Indices of the endpoints of `cluster` the query names.
    package func matchingEndpoints(in cluster: Cluster) -> [Int] {
        cluster.endpoints.indices.filter { matches(cluster.endpoints[$0]) }
    }

    /// Endpoint ids that look like what the user meant: same name in another namespace, or a close spelling.
    package func suggestions(in cluster: Cluster, limit: Int = 5) -> [String] {
        let wanted: String
        switch form {
        case .name(let reference): wanted = "\(reference.namespace)/\(reference.name)"
        case .selector: wanted = description
        }
        let scored = cluster.endpoints.map { endpoint -> (Int, String) in
            let candidate = "\(endpoint.namespace)/\(endpoint.name)"
            let distance = candidate.editDistance(to: wanted)
            let bonus = candidate.contains(wanted) || wanted.contains(endpoint.name) ? -100 : 0
            return (distance + bonus, endpoint.id)
        }
        let threshold = Swift.max(3, wanted.count / 3)
        return scored.filter { $0.0 <= threshold }.sorted { $0 < $1 }.prefix(limit).map(\.1)
    }

    /// kubectl's selector syntax: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, joined by `,`.
    static func parseSelector(_ text: String) throws(Diagnostic) -> LabelSelector {
        switch LabelSelector.parse(kubectl: text) {
        case .success(let selector): return selector
        case .failure(let error): throw Diagnostic(error.message, hint: SelectorSyntaxError.hint)
        }
    }
}
