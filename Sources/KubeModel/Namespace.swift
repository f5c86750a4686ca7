/// A Kubernetes Namespace with its labels.
public struct Namespace: Hashable, Sendable {
    /// The label every namespace carries with its own name.
    public static let nameLabel = "kubernetes.io/metadata.name"

    /// The namespace's name.
    public var name: String
    /// Its labels, always including `kubernetes.io/metadata.name`.
    public var labels: [String: String]
    /// Where it was defined; nil when it exists only because an object refers to it.
    public var location: SourceLocation?
    /// Its annotations (`netreach.io/ignore` suppresses audit findings).
    public var annotations: [String: String]

    /// Creates a namespace; adds the `kubernetes.io/metadata.name` label.
    public init(
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
    public var isImplicit: Bool { location == nil }
}
