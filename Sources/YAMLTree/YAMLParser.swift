internal import CLibYAML

/// Loads YAML (and JSON) byte streams into `YAMLDocument`s with libyaml's event API.
package enum YAMLParser {
    /// Parses every document of a stream.
    ///
    /// The bytes are handed to libyaml as they are (no `String` decoding), so invalid UTF-8 is reported
    /// with its position. Duplicate keys and unknown aliases are errors; merge keys (`<<`) are applied.
    ///
    /// ```swift
    /// let docs = try YAMLParser.documents(in: Array("a: 1\n".utf8))
    /// ```
    /// - Parameters:
    ///   - bytes: the raw input.
    ///   - limits: bounds on size, nesting and node count.
    ///   - origin: the position of `bytes[0]` in its file, when `bytes` is a slice of a larger file.
    ///   - items: when given, each item of a document's root-level `items` sequence (a `List`, as kubectl prints
    ///     it) is handed to it as soon as it is read, with the index of its document and its own index, and is not
    ///     kept in the tree: a List of any length is read in the memory of one item.
    /// - Throws: `YAMLError` with the position of the first problem.
    /// - Complexity: O(n) in the input size plus the size of expanded aliases (bounded by `limits`).
    package static func documents(
        in bytes: ArraySlice<UInt8>,
        limits: YAMLLimits = .default,
        origin: SourceMark = SourceMark(line: 1, column: 1),
        items: ((_ item: YAMLNode, _ document: Int, _ index: Int) -> Void)? = nil
    ) throws(YAMLError) -> [YAMLDocument] {
        if bytes.count > limits.maxBytes {
            throw YAMLError(
                .tooLarge(bytes: bytes.count, limit: limits.maxBytes),
                at: origin,
                hint: "split the file into smaller files"
            )
        }
        return try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLError) -> [YAMLDocument] in
            var builder = TreeBuilder(limits: limits, bytes: buffer, origin: origin, items: items)
            return try builder.run()
        }
    }

    /// The physical floor of reading `bytes`: libyaml parses them to events and nothing else is done (no tree, no
    /// strings). Returns the number of events; what the benchmark compares netreach with.
    /// - Throws: `YAMLError` at the first syntax error.
    package static func countEvents(in bytes: [UInt8]) throws(YAMLError) -> Int {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLError(
                .syntax(problem: "cannot initialise the YAML parser (out of memory)", context: nil),
                at: SourceMark(line: 1, column: 1)
            )
        }
        defer { yaml_parser_delete(&parser) }
        return try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLError) -> Int in
            guard let base = buffer.baseAddress else { return 0 }
            yaml_parser_set_input_string(&parser, base, buffer.count)
            var count = 0
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    let problem = parser.problem.map { String(cString: $0) } ?? "syntax error"
                    throw YAMLError(
                        .syntax(problem: problem, context: nil),
                        at: SourceMark(line: parser.problem_mark.line + 1, column: parser.problem_mark.column + 1)
                    )
                }
                defer { yaml_event_delete(&event) }
                count += 1
                if event.type == YAML_STREAM_END_EVENT { return count }
            }
        }
    }

    /// Parses every document of a whole input (see the slice's overload).
    package static func documents(
        in bytes: [UInt8],
        limits: YAMLLimits = .default,
        origin: SourceMark = SourceMark(line: 1, column: 1),
        items: ((_ item: YAMLNode, _ document: Int, _ index: Int) -> Void)? = nil
    ) throws(YAMLError) -> [YAMLDocument] {
        try documents(in: bytes[...], limits: limits, origin: origin, items: items)
    }
}

/// Turns libyaml events into nodes. Iterative, so nesting costs heap, not stack.
private struct TreeBuilder {
    /// An open collection. Its finished children wait in the builder's shared `scratchItems` / `scratchPairs` from
    /// `start` on, and become one array of exactly their number when it closes: one allocation per collection,
    /// where an array per frame grew (and was copied) several times for the few keys of a Kubernetes mapping.
    private struct Frame {
        var isMapping: Bool
        var mark: SourceMark
        var anchor: String?
        var countAtStart: Int
        /// `held` when the frame opened: the nodes of its subtree are `held` minus this when it closes.
        var heldAtStart = 0
        /// Where the frame's children start in `scratchItems` (a sequence) or `scratchPairs` (a mapping).
        var start: Int
        var merges: [YAMLNode] = []
        /// The scalar keys seen and where, once the mapping is past `scanned` pairs (a mapping of a Kubernetes
        /// object has a handful of keys: they are compared in place, without a table per mapping).
        var firstSeen: [String: SourceMark]?
        var pendingKey: YAMLNode?

        static let scanned = 16
    }

    let limits: YAMLLimits
    let bytes: UnsafeBufferPointer<UInt8>
    let origin: SourceMark
    private var stack: [Frame] = []
    /// The finished items of every open sequence, innermost last (see `Frame`).
    private var scratchItems: [YAMLNode] = []
    /// The finished pairs of every open mapping, innermost last.
    private var scratchPairs: [YAMLNode.Pair] = []
    private var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    private var nodeCount = 0
    /// Nodes that aliases repeat, counted at every use.
    private var expandedNodes = 0
    private var documents: [YAMLDocument] = []
    private var documentRoot: YAMLNode?
    private var documentMark = SourceMark(line: 1, column: 1)
    /// Where the items of a root-level `items` sequence go as they are read (see `YAMLParser.documents`).
    private let itemHandler: ((YAMLNode, Int, Int) -> Void)?
    private var streamedItems = 0
    /// Plain nodes held in the current document's tree (streamed items leave it), against `maxTreeNodes`.
    private var held = 0

    init(
        limits: YAMLLimits,
        bytes: UnsafeBufferPointer<UInt8>,
        origin: SourceMark,
        items: ((YAMLNode, Int, Int) -> Void)?
    ) {
        self.limits = limits
        self.bytes = bytes
        self.origin = origin
        self.itemHandler = items
    }

    mutating func run() throws(YAMLError) -> [YAMLDocument] {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLError(
                .syntax(problem: "cannot initialise the YAML parser (out of memory)", context: nil),
                at: origin
            )
        }
        defer { yaml_parser_delete(&parser) }
        if let base = bytes.baseAddress {
            yaml_parser_set_input_string(&parser, base, bytes.count)
        } else {
            return []
        }
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else {
                throw parserError(parser)
            }
            defer { yaml_event_delete(&event) }
            if event.type == YAML_STREAM_END_EVENT { break }
            try handle(event)
        }
        return documents
    }

    private func mark(_ m: yaml_mark_t) -> SourceMark {
        SourceMark(m, origin: origin)
    }

    /// Position of a byte offset, for reader errors (libyaml gives only the offset for those).
    private func mark(offset: Int) -> SourceMark {
        var line = 0
        var column = 0
        for byte in bytes.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 0
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        var m = yaml_mark_t()
        m.line = line
        m.column = column
        return mark(m)
    }

    /// A mark, except that the end of an input without a final newline is the end of its last line: libyaml moves
    /// its mark to a line after the last one there.
    private func clampedMark(_ m: yaml_mark_t) -> SourceMark {
        m.index >= bytes.count ? mark(offset: bytes.count) : mark(m)
    }

    private func parserError(_ parser: yaml_parser_t) -> YAMLError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        if parser.error == YAML_READER_ERROR {
            var text = problem
            if parser.problem_value != -1 {
                let hex = String(parser.problem_value, radix: 16, uppercase: true)
                text += " (byte 0x\(hex.count < 2 ? "0" + hex : hex))"
            }
            return YAMLError(
                .syntax(problem: text, context: nil),
                at: mark(offset: parser.problem_offset),
                hint: problem.contains("UTF") ? "save the file as UTF-8" : nil
            )
        }
        let at = clampedMark(parser.problem_mark)
        var context: String?
        if let ctx = parser.context {
            let contextMark = clampedMark(parser.context_mark)
            context =
                contextMark == at ? "(\(String(cString: ctx)))" : "(\(String(cString: ctx)) started at \(contextMark))"
        }
        var hint: String?
        let offset = parser.problem_mark.index
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "\t") {
            hint = "YAML indentation must use spaces; replace the tab with spaces"
        }
        return YAMLError(.syntax(problem: problem, context: context), at: at, hint: hint)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    /// Counts nodes, for the size of each anchor. Only what aliases repeat counts against `maxNodes`: plain
    /// nodes are bounded by the input's bytes, and a dump of a big cluster has millions of them.
    private mutating func count(_ n: Int, at m: SourceMark, expanding: Bool = false) throws(YAMLError) {
        if !expanding {
            held += n
            if held > limits.maxTreeNodes {
                throw YAMLError(
                    .documentTooLarge(limit: limits.maxTreeNodes),
                    at: m,
                    hint:
                        "a Kubernetes object is at most 1.5 MiB; split the document into one document per object (a List's items may be any number)"
                )
            }
        }
        nodeCount += n
        guard expanding else { return }
        expandedNodes += n
        if expandedNodes > limits.maxNodes {
            throw YAMLError(
                .tooManyNodes(limit: limits.maxNodes),
                at: m,
                hint: "remove the alias that repeats large nodes"
            )
        }
    }

    private mutating func handle(_ event: yaml_event_t) throws(YAMLError) {
        let at = mark(event.start_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documentRoot = nil
            documentMark = at
            anchors = [:]
            streamedItems = 0
            held = 0
        case YAML_DOCUMENT_END_EVENT:
            var document = YAMLDocument(root: documentRoot, mark: documentMark)
            document.streamedItems = streamedItems
            documents.append(document)
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let text: String
            if let value = data.value {
                text = String(decoding: UnsafeBufferPointer(start: value, count: data.length), as: UTF8.self)
            } else {
                text = ""
            }
            let style: ScalarStyle
            switch data.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE, YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .quoted
            case YAML_LITERAL_SCALAR_STYLE, YAML_FOLDED_SCALAR_STYLE: style = .block
            default: style = .plain
            }
            let node = YAMLNode(.scalar(text, style, tag: Self.string(data.tag)), mark: at)
            try count(1, at: at)
            if let anchor = Self.string(data.anchor) { anchors[anchor] = (node, 1) }
            try add(node, held: 1)
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let (node, size) = anchors[name] else {
                throw YAMLError(.unknownAlias(name), at: at, hint: "define '&\(name)' before using '*\(name)'")
            }
            try count(size, at: at, expanding: true)
            try add(YAMLNode(node.content, mark: at), held: 0)
        case YAML_SEQUENCE_START_EVENT:
            try push(isMapping: false, anchor: Self.string(event.data.sequence_start.anchor), at: at)
        case YAML_MAPPING_START_EVENT:
            try push(isMapping: true, anchor: Self.string(event.data.mapping_start.anchor), at: at)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            try pop()
        default:
            break
        }
    }

    private mutating func push(isMapping: Bool, anchor: String?, at: SourceMark) throws(YAMLError) {
        if stack.count >= limits.maxDepth {
            throw YAMLError(
                .tooDeep(limit: limits.maxDepth),
                at: at,
                hint: "Kubernetes manifests are never this deep; check the file is what you meant"
            )
        }
        let frame = Frame(
            isMapping: isMapping,
            mark: at,
            anchor: anchor,
            countAtStart: nodeCount,
            heldAtStart: held,
            start: isMapping ? scratchPairs.count : scratchItems.count
        )
        try count(1, at: at)
        stack.append(frame)
    }

    private mutating func pop() throws(YAMLError) {
        guard let frame = stack.popLast() else { return }
        let node: YAMLNode
        if frame.isMapping {
            let pairs = Array(scratchPairs[frame.start...])
            scratchPairs.removeSubrange(frame.start...)
            node = try Self.applyMerges(pairs, frame.merges, mark: frame.mark)
        } else {
            node = YAMLNode(.sequence(Array(scratchItems[frame.start...])), mark: frame.mark)
            scratchItems.removeSubrange(frame.start...)
        }
        if let anchor = frame.anchor { anchors[anchor] = (node, nodeCount - frame.countAtStart) }
        try add(node, held: held - frame.heldAtStart)
    }

    private static func applyMerges(_ pairs: [YAMLNode.Pair], _ merges: [YAMLNode], mark: SourceMark)
        throws(YAMLError) -> YAMLNode
    {
        var pairs = pairs
        guard !merges.isEmpty else { return YAMLNode(.mapping(pairs), mark: mark) }
        var present = Set(pairs.compactMap { $0.key.scalar })
        for source in merges {
            let sources: [YAMLNode]
            switch source.content {
            case .mapping: sources = [source]
            case .sequence(let items): sources = items
            case .scalar: throw YAMLError(.invalidMerge, at: source.mark)
            }
            for item in sources {
                guard let itemPairs = item.mapping else { throw YAMLError(.invalidMerge, at: item.mark) }
                for pair in itemPairs {
                    guard let key = pair.key.scalar, !present.contains(key) else { continue }
                    present.insert(key)
                    pairs.append(pair)
                }
            }
        }
        return YAMLNode(.mapping(pairs), mark: mark)
    }

    /// Where the scalar key `text` was first written in the open mapping `top`, if it was.
    private func firstMark(of text: String, in top: Int) -> SourceMark? {
        if let firstSeen = stack[top].firstSeen { return firstSeen[text] }
        for pair in scratchPairs[stack[top].start...] {
            if case .scalar(let key, _, _) = pair.key.content, key == text { return pair.key.mark }
        }
        return nil
    }

    /// Records the scalar key `text` of the open mapping `top` (called before its pair is appended); past
    /// `Frame.scanned` keys they go to a table.
    private mutating func noteKey(_ text: String, at mark: SourceMark, in top: Int) {
        if stack[top].firstSeen != nil {
            stack[top].firstSeen?[text] = mark
        } else if scratchPairs.count - stack[top].start >= Frame.scanned {
            var table: [String: SourceMark] = [:]
            for pair in scratchPairs[stack[top].start...] {
                if case .scalar(let key, _, _) = pair.key.content { table[key] = pair.key.mark }
            }
            table[text] = mark
            stack[top].firstSeen = table
        }
    }

    /// Adds a finished node (`held`: the plain nodes of its subtree) to the open collection, or hands it to the
    /// item handler when it is an item of the root mapping's `items` sequence.
    private mutating func add(_ node: YAMLNode, held size: Int) throws(YAMLError) {
        guard !stack.isEmpty else {
            documentRoot = node
            return
        }
        let top = stack.count - 1
        guard stack[top].isMapping else {
            if top == 1, let itemHandler, stack[0].isMapping,
                case .scalar("items", .plain, nil)? = stack[0].pendingKey?.content
            {
                itemHandler(node, documents.count, streamedItems)
                streamedItems += 1
                held -= size
                return
            }
            scratchItems.append(node)
            return
        }
        guard let key = stack[top].pendingKey else {
            stack[top].pendingKey = node
            return
        }
        stack[top].pendingKey = nil
        if case .scalar("<<", .plain, nil) = key.content {
            stack[top].merges.append(node)
            return
        }
        if case .scalar(let text, _, _) = key.content {
            if let first = firstMark(of: text, in: top) {
                throw YAMLError(
                    .duplicateKey(text, first: first),
                    at: key.mark,
                    hint: "remove one of the two '\(text)' keys"
                )
            }
            noteKey(text, at: key.mark, in: top)
        }
        scratchPairs.append(YAMLNode.Pair(key: key, value: node))
    }
}
