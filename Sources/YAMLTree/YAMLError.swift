/// A problem that stops a YAML stream from loading, with where it happened.
package struct YAMLError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    package enum Kind: Hashable, Sendable {
        /// libyaml rejected the text (`problem`, and `context` when libyaml gives one).
        case syntax(problem: String, context: String?)
        /// Nesting went past the limit.
        case tooDeep(limit: Int)
        /// The node count (aliases expanded) went past the limit.
        case tooManyNodes(limit: Int)
        /// The input is larger than the byte limit.
        case tooLarge(bytes: Int, limit: Int)
        /// One document's tree holds more nodes than the limit.
        case documentTooLarge(limit: Int)
        /// A mapping repeats a key.
        case duplicateKey(String, first: SourceMark)
        /// `*name` with no `&name` before it.
        case unknownAlias(String)
        /// `<<` whose value is not a mapping or a sequence of mappings.
        case invalidMerge
    }

    /// What went wrong.
    package var kind: Kind
    /// Where it went wrong.
    package var mark: SourceMark
    /// An extra sentence on how to fix it, or nil.
    package var hint: String?

    /// Creates an error.
    package init(_ kind: Kind, at mark: SourceMark, hint: String? = nil) {
        self.kind = kind
        self.mark = mark
        self.hint = hint
    }

    /// The message without location, lowercase, no final period.
    package var message: String {
        switch kind {
        case .syntax(let problem, let context):
            return context.map { "\(problem) \($0)" } ?? problem
        case .tooDeep(let limit):
            return "nesting deeper than \(limit) levels"
        case .tooManyNodes(let limit):
            return "aliases expand to more than \(limit) nodes (each counted at every use)"
        case .tooLarge(let bytes, let limit):
            return "input is \(bytes) bytes, more than the limit of \(limit) bytes"
        case .documentTooLarge(let limit):
            return "document holds more than \(limit) nodes outside the items of a List"
        case .duplicateKey(let key, let first):
            return "duplicate key '\(key)' (first defined at \(first))"
        case .unknownAlias(let name):
            return "unknown alias '*\(name)' (no anchor '&\(name)' before it)"
        case .invalidMerge:
            return "merge key '<<' needs a mapping or a sequence of mappings"
        }
    }

    /// `line:column: message`.
    package var description: String { "\(mark): \(message)" }
}
