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

    /// Creates a namespace; adds the `kubernetes.io/metadata.name` label.
    public init(name: String, labels: [String: String] = [:], location: SourceLocation? = nil) {
        self.name = name
        var labels = labels
        labels[Self.nameLabel] = name
        self.labels = labels
        self.location = location
    }

    /// True when the namespace was not defined in the input but referred to.
    public var isImplicit: Bool { location == nil }
}
