internal import CLibYAML

/// A reader of plain YAML events, for `YAMLParser.scan`: it builds what it wants as the events come, with no tree.
/// Each call returns false to stop the scan (the input is not the shape it reads).
package protocol YAMLScanVisitor {
    /// A mapping (`mapping`) or sequence opens at `mark`.
    mutating func open(mapping: Bool, at mark: SourceMark) -> Bool
    /// The innermost open mapping or sequence closes.
    mutating func close() -> Bool
    /// A scalar: its UTF-8 bytes (valid only during the call) and whether it is plain (not quoted, not a block).
    mutating func scalar(_ text: UnsafeBufferPointer<UInt8>, plain: Bool) -> Bool
}

extension YAMLParser {
    /// Streams the events of `bytes` to `visitor` without building a tree: the fast path for the large repetitive
    /// objects of a cluster (issue 18). True only when `bytes` hold exactly one document that `documents(in:)`
    /// reads without error and with nothing the visitor would need a tree for: no anchor, alias, explicit tag,
    /// merge key (`<<`), or key that is not a scalar or not ASCII; no duplicate key; within `limits` (depth, size
    /// and nodes, as the tree counts them); and the visitor took every event. Otherwise false, and the caller reads
    /// `bytes` with `documents(in:)`, which reports any problem at its position: the scan itself never reports one.
    /// - Complexity: O(n) in the input size.
    package static func scan(
        _ bytes: ArraySlice<UInt8>,
        limits: YAMLLimits = .default,
        origin: SourceMark = SourceMark(line: 1, column: 1),
        into visitor: inout some YAMLScanVisitor
    ) -> Bool {
        scan(bytes, limits: limits, origin: origin, fastPath: true, into: &visitor)
    }

    /// `scan` with the choice of reader: `fastPath` tries `BlockScanner` first (the plain block YAML of Kubernetes
    /// objects, without libyaml), and hands libyaml what it refuses; false reads with libyaml only (for tests that
    /// compare the two).
    package static func scan(
        _ bytes: ArraySlice<UInt8>,
        limits: YAMLLimits,
        origin: SourceMark,
        fastPath: Bool,
        into visitor: inout some YAMLScanVisitor
    ) -> Bool {
        guard bytes.count <= limits.maxBytes else { return false }
        return bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return false }
            if fastPath {
                var scanner = BlockScanner(bytes: buffer)
                if scanner.run() {
                    return replay(scanner.events, of: buffer, limits: limits, origin: origin, into: &visitor)
                }
            }
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return false }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, base, buffer.count)
            var checks = ScanChecks(limits: limits)
            var documents = 0
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return false }
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return documents == 1
                case YAML_DOCUMENT_START_EVENT:
                    documents += 1
                    guard documents == 1 else { return false }
                case YAML_DOCUMENT_END_EVENT, YAML_STREAM_START_EVENT:
                    break
                case YAML_SCALAR_EVENT:
                    let data = event.data.scalar
                    guard data.anchor == nil, data.tag == nil else { return false }
                    let text = UnsafeBufferPointer(start: data.value, count: data.value == nil ? 0 : data.length)
                    let plain =
                        data.style != YAML_SINGLE_QUOTED_SCALAR_STYLE && data.style != YAML_DOUBLE_QUOTED_SCALAR_STYLE
                        && data.style != YAML_LITERAL_SCALAR_STYLE && data.style != YAML_FOLDED_SCALAR_STYLE
                    guard checks.scalar(text, plain: plain, into: &visitor) else { return false }
                case YAML_MAPPING_START_EVENT, YAML_SEQUENCE_START_EVENT:
                    let isMapping = event.type == YAML_MAPPING_START_EVENT
                    let anchor = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
                    let tag = isMapping ? event.data.mapping_start.tag : event.data.sequence_start.tag
                    guard anchor == nil, tag == nil,
                        checks.open(
                            mapping: isMapping,
                            at: SourceMark(event.start_mark, origin: origin),
                            into: &visitor
                        )
                    else { return false }
                case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
                    guard checks.close(into: &visitor) else { return false }
                default:
                    // An alias, or an event this reader does not know.
                    return false
                }
            }
        }
    }

    /// Hands `BlockScanner`'s events to `visitor` with the checks libyaml's events get.
    private static func replay(
        _ events: [BlockScanner.Event],
        of buffer: UnsafeBufferPointer<UInt8>,
        limits: YAMLLimits,
        origin: SourceMark,
        into visitor: inout some YAMLScanVisitor
    ) -> Bool {
        var checks = ScanChecks(limits: limits)
        for event in events {
            switch event.kind {
            case .plain, .quoted:
                let text = UnsafeBufferPointer(rebasing: buffer[event.first..<event.second])
                guard checks.scalar(text, plain: event.kind == .plain, into: &visitor) else { return false }
            case .openMapping, .openSequence:
                let mark = SourceMark(offsetLine: event.first, column: event.second, origin: origin)
                guard checks.open(mapping: event.kind == .openMapping, at: mark, into: &visitor) else { return false }
            case .close:
                guard checks.close(into: &visitor) else { return false }
            }
        }
        return true
    }
}

/// What `YAMLParser.scan` checks of every event before its visitor sees it, whichever reader gave it: the limits
/// on depth and nodes (as the tree counts them) and the keys (`KeyTracker`).
private struct ScanChecks {
    let limits: YAMLLimits
    private var keys = KeyTracker()
    private var nodes = 0

    init(limits: YAMLLimits) {
        self.limits = limits
    }

    mutating func scalar(_ text: UnsafeBufferPointer<UInt8>, plain: Bool, into visitor: inout some YAMLScanVisitor)
        -> Bool
    {
        nodes += 1
        return nodes <= limits.maxTreeNodes && keys.scalar(text, plain: plain) && visitor.scalar(text, plain: plain)
    }

    mutating func open(mapping: Bool, at mark: SourceMark, into visitor: inout some YAMLScanVisitor) -> Bool {
        nodes += 1
        return keys.depth < limits.maxDepth && nodes <= limits.maxTreeNodes && keys.open(mapping: mapping)
            && visitor.open(mapping: mapping, at: mark)
    }

    mutating func close(into visitor: inout some YAMLScanVisitor) -> Bool {
        keys.close()
        return visitor.close()
    }
}

extension SourceMark {
    /// The position of a libyaml mark in the input that starts at `origin` (its first line may start past column 1).
    init(_ m: yaml_mark_t, origin: SourceMark) {
        self.init(offsetLine: Int(m.line), column: Int(m.column), origin: origin)
    }

    /// The position of line `offsetLine` and column `column` (both from 0) of the input that starts at `origin`.
    init(offsetLine line: Int, column: Int, origin: SourceMark) {
        self.init(line: origin.line + line, column: column + 1 + (line == 0 ? origin.column - 1 : 0))
    }
}

/// The keys of every open mapping, to find a duplicate as the tree builder does (scalar keys compared by text,
/// whatever their style), without a string per key.
private struct KeyTracker {
    private struct Frame {
        var isMapping: Bool
        /// In a mapping: whether the next node is a key.
        var expectsKey = true
        /// Where this mapping's keys start in `keys`.
        var start: Int
    }

    private var frames: [Frame] = []
    /// The keys of the open mappings, innermost last, as ranges of `bytes`.
    private var keys: [Range<Int>] = []
    private var bytes: [UInt8] = []

    /// Room for a pod's keys from the start: growing three arrays step by step was a dozen allocations per
    /// document of a 150,000-pod file.
    init() {
        frames.reserveCapacity(16)
        keys.reserveCapacity(64)
        bytes.reserveCapacity(1024)
    }

    /// Past this many keys, a mapping is left to the tree builder (which keeps a table for them).
    private static let maxKeys = 64

    var depth: Int { frames.count }

    /// A mapping or sequence opens; false when it is a key.
    mutating func open(mapping: Bool) -> Bool {
        if let top = frames.last, top.isMapping, top.expectsKey { return false }
        frames.append(Frame(isMapping: mapping, start: keys.count))
        return true
    }

    mutating func close() {
        guard let frame = frames.popLast() else { return }
        if frame.isMapping, frame.start < keys.count {
            bytes.removeSubrange(keys[frame.start].lowerBound...)
            keys.removeSubrange(frame.start...)
        }
        valueDone()
    }

    /// A scalar; false when it is a merge key, a key already in its mapping, or a key that is not ASCII.
    mutating func scalar(_ text: UnsafeBufferPointer<UInt8>, plain: Bool) -> Bool {
        guard let top = frames.last, top.isMapping, top.expectsKey else {
            valueDone()
            return true
        }
        if plain, text.count == 2, text[0] == UInt8(ascii: "<"), text[1] == UInt8(ascii: "<") { return false }
        // Swift compares non-ASCII keys as Unicode text (two spellings of é are one key): left to the tree.
        guard keys.count - top.start < Self.maxKeys, !text.contains(where: { $0 >= 0x80 }) else { return false }
        for range in keys[top.start...] where range.count == text.count {
            if bytes[range].elementsEqual(text) { return false }
        }
        keys.append(bytes.count..<bytes.count + text.count)
        bytes.append(contentsOf: text)
        frames[frames.count - 1].expectsKey = false
        return true
    }

    /// A value of the innermost mapping is complete: a key comes next.
    private mutating func valueDone() {
        guard let top = frames.last, top.isMapping else { return }
        frames[frames.count - 1].expectsKey = true
    }
}

/// Every event a scan hands its visitor, as text, then whether the scan read the input: what the tests and the fuzz
/// harness compare between the block scanner and libyaml.
package struct YAMLScanRecorder: YAMLScanVisitor {
    private var events: [String] = []

    /// The events of `bytes` with (`fastPath`) or without the block scanner, and `read` or `refused` last.
    package static func events(
        _ bytes: ArraySlice<UInt8>,
        origin: SourceMark = SourceMark(line: 1, column: 1),
        fastPath: Bool
    ) -> [String] {
        var recorder = YAMLScanRecorder()
        let read = YAMLParser.scan(bytes, limits: .default, origin: origin, fastPath: fastPath, into: &recorder)
        return recorder.events + [read ? "read" : "refused"]
    }

    package mutating func open(mapping: Bool, at mark: SourceMark) -> Bool {
        events.append("\(mapping ? "{" : "[") \(mark)")
        return true
    }

    package mutating func close() -> Bool {
        events.append("end")
        return true
    }

    package mutating func scalar(_ text: UnsafeBufferPointer<UInt8>, plain: Bool) -> Bool {
        events.append("\(plain ? "plain" : "quoted") \(Array(text))")
        return true
    }
}
