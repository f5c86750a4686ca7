/// A 1-based position in a source file, as libyaml reports it (columns count Unicode scalars).
package struct SourceMark: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// 1-based line number.
    package var line: Int
    /// 1-based column number.
    package var column: Int

    /// Creates a mark from 1-based coordinates.
    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line:column`.
    package var description: String { "\(line):\(column)" }

    /// Orders marks by line, then column.
    package static func < (lhs: SourceMark, rhs: SourceMark) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

/// How a scalar was written; a quoted `"80"` is a string, a plain `80` may be a number.
package enum ScalarStyle: Hashable, Sendable {
    /// Unquoted.
    case plain
    /// Single- or double-quoted.
    case quoted
    /// `|` or `>` block scalar.
    case block
}

/// One node of a YAML document with the position where it starts.
package struct YAMLNode: Hashable, Sendable {
    /// A key and its value inside a mapping, in document order.
    package struct Pair: Hashable, Sendable {
        /// The key node (almost always a scalar).
        package var key: YAMLNode
        /// The value node.
        package var value: YAMLNode

        /// Creates a pair.
        package init(key: YAMLNode, value: YAMLNode) {
            self.key = key
            self.value = value
        }
    }

    /// What the node holds.
    package enum Content: Hashable, Sendable {
        /// A scalar's text, how it was written, and its explicit tag if any.
        case scalar(String, ScalarStyle, tag: String?)
        /// A sequence's items.
        case sequence([YAMLNode])
        /// A mapping's pairs in document order; keys are unique.
        case mapping([Pair])
    }

    /// The node's content.
    package var content: Content
    /// Where the node starts.
    package var mark: SourceMark

    /// Creates a node.
    package init(_ content: Content, mark: SourceMark) {
        self.content = content
        self.mark = mark
    }
}

extension YAMLNode {
    /// The scalar text, or nil for a sequence or mapping.
    package var scalar: String? {
        if case .scalar(let text, _, _) = content { return text }
        return nil
    }

    /// The pairs of a mapping, or nil.
    package var mapping: [Pair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// The items of a sequence, or nil.
    package var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// True for `~`, `null`, `Null`, `NULL` and an empty plain scalar (YAML's null).
    package var isNull: Bool {
        guard case .scalar(let text, let style, let tag) = content else { return false }
        if tag == "tag:yaml.org,2002:null" { return true }
        guard style == .plain, tag == nil else { return false }
        return Self.isNull(plainText: text)
    }

    /// Whether the text of a plain, untagged scalar is YAML's null: empty, `~`, `null`, `Null` or `NULL` (the one
    /// definition, for the tree and for readers of events). Not generic: the pod scanner calls it for every scalar
    /// of a cluster, and an unspecialized generic call across modules cost 4% of reading it (issue 18).
    package static func isNull(plainText text: UnsafeBufferPointer<UInt8>) -> Bool {
        switch text.count {
        case 0: return true
        case 1: return text[0] == UInt8(ascii: "~")
        case 4:
            return text.elementsEqual("null".utf8) || text.elementsEqual("Null".utf8)
                || text.elementsEqual("NULL".utf8)
        default: return false
        }
    }

    /// `isNull(plainText:)` of a string.
    package static func isNull(plainText text: String) -> Bool {
        var text = text
        return text.withUTF8 { isNull(plainText: $0) }
    }

    /// The value of `key` in a mapping, or nil when absent or when this is not a mapping.
    package subscript(key: String) -> YAMLNode? {
        guard case .mapping(let pairs) = content else { return nil }
        for pair in pairs {
            if case .scalar(let text, _, _) = pair.key.content, text == key { return pair.value }
        }
        return nil
    }

    /// A short word for the node's shape, for messages: `mapping`, `sequence`, `scalar`.
    package var shape: String {
        switch content {
        case .scalar: return isNull ? "null" : "scalar"
        case .sequence: return "sequence"
        case .mapping: return "mapping"
        }
    }
}

/// One YAML document of a stream.
package struct YAMLDocument: Hashable, Sendable {
    /// The root node; nil for an empty document (`---` followed by nothing but comments).
    package var root: YAMLNode?
    /// Where the document starts.
    package var mark: SourceMark
    /// How many items of the root mapping's `items` sequence were handed to the parser's item handler as they
    /// were read, and are not in `root` (its `items` is then an empty sequence).
    package var streamedItems = 0

    /// Creates a document.
    package init(root: YAMLNode?, mark: SourceMark) {
        self.root = root
        self.mark = mark
    }
}

/// Explicit bounds on what one input may cost to load.
package struct YAMLLimits: Hashable, Sendable {
    /// Maximum nesting of sequences and mappings.
    package var maxDepth: Int
    /// Maximum number of nodes that aliases repeat, each counted at every use (plain nodes are bounded by `maxBytes`).
    package var maxNodes: Int
    /// Maximum size of one input in bytes.
    package var maxBytes: Int
    /// Maximum number of nodes held at once in one document's tree; the items of a List handed to an item
    /// handler as they are read do not stay, so a List of any length fits. A Kubernetes object is at most
    /// 1.5 MiB (etcd's limit), far below it.
    package var maxTreeNodes: Int

    /// Creates limits.
    package init(maxDepth: Int, maxNodes: Int, maxBytes: Int, maxTreeNodes: Int = 4_000_000) {
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
        self.maxBytes = maxBytes
        self.maxTreeNodes = maxTreeNodes
    }

    /// Depth 64, one million nodes, 64 MiB: far above any real manifest, far below what hurts.
    package static let `default` = YAMLLimits(maxDepth: 64, maxNodes: 1_000_000, maxBytes: 2 << 30)
}
