/// A Kubernetes Namespace with its labels.
package struct Namespace: Hashable, Sendable {
    /// The label every namespace carries with its own name.
    package static let nameLabel = "kubernetes.io/metadata.name"

    /// The namespace's name.
    package var name: String
    /// Its labels, always including `kubernetes.io/metadata.name`.
    package var labels: [String: String]
    /// Where it was defined; nil when it exists only because an object refers to it.
    package var location: SourceLocation?
    /// Its annotations (`netreach.io/ignore` suppresses audit findings).
    package var annotations: [String: String]

    /// Creates a namespace; adds the `kubernetes.io/metadata.name` label.
    package init(
        name: String,
        labels: [String: String] = [:],
        location: SourceLocation? = nil,
        annotations: [String: String] = [:]
    ) {
        self.name = name
        var labels = labels
        labels[Self.nameLabel] = name
        self.labels = labels
        self.location = location
        self.annotations = annotations
    }

    /// True when the namespace was not defined in the input but referred to.
    package var isImplicit: Bool { location == nil }
}
