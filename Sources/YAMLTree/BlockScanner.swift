/// Reads the plain block YAML that Kubernetes objects are written in (and that kubectl and most generators print)
/// to the events libyaml would give, without libyaml: the fast path of `YAMLParser.scan` (issue 18). libyaml spent
/// half of the reading of a 150,000-pod dump on its tokens and on a heap allocation per event.
///
/// It reads a strict subset and refuses everything else (`run()` is false), which `YAMLParser.scan` then hands to
/// libyaml, so a refusal never changes a result: only printable ASCII and line feeds (no tab, carriage return or
/// other byte); at most one `---` line before the content and no other document marker or directive; one root block
/// mapping; block mappings and sequences (indentless sequences under a key too), and `- key: value` entries; keys
/// and values on one line as plain scalars, or quoted without an escape (`'it''s'` and `"a\"b"` are refused);
/// `{}` and `[]`; comments. Refused: anchors, aliases, tags, block scalars (`|`, `>`), flow collections with
/// content, explicit keys (`?`), a value on the line after its key, a scalar that goes on to the next line, a
/// plain scalar that starts with an indicator (except `-` before a non-space), a key longer than 1,000 bytes
/// (libyaml's simple-key limit is 1,024), anything libyaml would report as an error (bad indentation, `a: b: c`,
/// text after a quote), and documents of more than `maxEvents` events.
///
/// What it accepts, libyaml reads without error to the same events in the same order, with the same scalar text
/// and style and the same marks on collections (the test `BlockScannerTests` compares the two on generated
/// documents).
struct BlockScanner {
    /// One event, as `YAMLParser.scan` hands it to its visitor.
    struct Event {
        enum Kind: UInt8 {
            case openMapping, openSequence, close, plain, quoted
        }

        var kind: Kind
        /// A scalar's first byte; an opening's line (from 0).
        var first: Int
        /// A scalar's end (one past its last byte); an opening's column (from 0).
        var second: Int
    }

    /// A pod has about 70 events; past this many, libyaml reads the document (a `List` of a whole cluster is one
    /// document, and is not worth holding as events here before the visitor refuses it).
    static let maxEvents = 1 << 14

    private struct Frame {
        var isMapping: Bool
        /// The column of its keys or of its `-`.
        var indent: Int
        /// A sequence whose `-` are at the column of its parent mapping's keys.
        var indentless = false
    }

    /// A key or `-` whose value is not on its line: it is a block on the next lines, or empty.
    private struct Pending {
        var indent: Int
        var isMappingValue: Bool
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private(set) var events: [Event] = []
    private var frames: [Frame] = []
    private var pending: Pending?
    private var line = 0
    private var lineStart = 0

    private static let space = UInt8(ascii: " ")
    private static let hash = UInt8(ascii: "#")
    private static let colon = UInt8(ascii: ":")
    private static let dash = UInt8(ascii: "-")

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        events.reserveCapacity(128)
        frames.reserveCapacity(16)
    }

    /// Reads the document; false when it is not in the subset (then `events` mean nothing).
    mutating func run() -> Bool {
        var position = 0
        var sawMarker = false
        let count = bytes.count
        while position < count {
            // The line's end, checking every byte: printable ASCII, and line feeds.
            var end = position
            while end < count {
                let byte = bytes[end]
                if byte == 0x0A { break }
                if byte < 0x20 || byte > 0x7E { return false }
                end += 1
            }
            lineStart = position
            var i = position
            while i < end, bytes[i] == Self.space { i += 1 }
            if i < end, bytes[i] != Self.hash {
                if i == position, end - position >= 3, isMarker(at: position) {
                    // `---` (and a comment) before the content; any other marker or a second one is refused.
                    guard bytes[position] == Self.dash, !sawMarker, events.isEmpty, restIsBlank(position + 3, end)
                    else { return false }
                    sawMarker = true
                } else {
                    guard contentLine(at: i, end: end), events.count <= Self.maxEvents else { return false }
                }
            }
            position = end + 1
            line += 1
        }
        if pending != nil { events.append(Event(kind: .plain, first: 0, second: 0)) }
        for _ in frames { events.append(Event(kind: .close, first: 0, second: 0)) }
        return !events.isEmpty
    }

    /// `---` or `...` at the start of a line, whatever follows (`---x` is a plain scalar to libyaml, but no
    /// Kubernetes object starts a line with it: refused with the markers).
    private func isMarker(at position: Int) -> Bool {
        let first = bytes[position]
        guard first == Self.dash || first == UInt8(ascii: ".") else { return false }
        return bytes[position + 1] == first && bytes[position + 2] == first
    }

    /// Nothing but spaces and a comment from `i` to `end`.
    private func restIsBlank(_ i: Int, _ end: Int) -> Bool {
        var j = i
        while j < end, bytes[j] == Self.space { j += 1 }
        return j == end || (bytes[j] == Self.hash && j > i)
    }

    private func isEntry(_ i: Int, _ end: Int) -> Bool {
        bytes[i] == Self.dash && (i + 1 == end || bytes[i + 1] == Self.space)
    }

    private mutating func open(mapping: Bool, indent: Int, indentless: Bool = false) {
        frames.append(Frame(isMapping: mapping, indent: indent, indentless: indentless))
        events.append(Event(kind: mapping ? .openMapping : .openSequence, first: line, second: indent))
    }

    /// A line whose first non-space byte, at `i`, is not a comment.
    private mutating func contentLine(at i: Int, end: Int) -> Bool {
        let indent = i - lineStart
        let entry = isEntry(i, end)
        if let pending {
            self.pending = nil
            if indent > pending.indent || (pending.isMappingValue && indent == pending.indent && entry) {
                // The value is a block that starts on this line.
                open(mapping: !entry, indent: indent, indentless: indent == pending.indent)
            } else {
                events.append(Event(kind: .plain, first: i, second: i))  // an empty value
            }
        }
        while let top = frames.last, top.indent > indent || (top.indentless && top.indent == indent && !entry) {
            frames.removeLast()
            events.append(Event(kind: .close, first: 0, second: 0))
        }
        guard let top = frames.last else {
            // The root: a mapping; nothing may follow it.
            guard events.isEmpty, !entry else { return false }
            open(mapping: true, indent: indent)
            return key(at: i, end: end)
        }
        guard top.indent == indent else { return false }
        if top.isMapping {
            return !entry && key(at: i, end: end)
        }
        guard entry else { return false }
        var j = i + 1
        while j < end, bytes[j] == Self.space { j += 1 }
        if j == end || bytes[j] == Self.hash {
            pending = Pending(indent: indent, isMappingValue: false)
            return true
        }
        // `- key: value` opens a mapping at the key's column.
        if isKey(at: j, end: end) {
            open(mapping: true, indent: j - lineStart)
            return key(at: j, end: end)
        }
        return value(at: j, end: end)
    }

    /// The end of a quoted scalar that starts at `i` (its closing quote), or nil when it has a backslash (in double
    /// quotes) or does not end on its line.
    private func quoteEnd(_ i: Int, _ end: Int) -> Int? {
        let quote = bytes[i]
        var j = i + 1
        while j < end {
            let byte = bytes[j]
            // A doubled quote ('it''s') ends here too; the quote after it is neither a space nor `:`, so the line is
            // refused by whoever reads on.
            if byte == quote { return j }
            if byte == UInt8(ascii: "\\"), quote == UInt8(ascii: "\"") { return nil }
            j += 1
        }
        return nil
    }

    private func isQuote(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") }

    /// Whether a plain scalar may start at `i`: not an indicator, except `-` before a non-space.
    private func plainStarts(_ i: Int, _ end: Int) -> Bool {
        switch bytes[i] {
        case UInt8(ascii: "-"): return i + 1 < end && bytes[i + 1] != Self.space
        case UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"),
            UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: "&"), UInt8(ascii: "*"),
            UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"), UInt8(ascii: "\""),
            UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"):
            return false
        default: return true
        }
    }

    /// Where a plain scalar from `i` stops: at a `:` before a space or the line's end (`colon` true), or at a
    /// comment or the line's end (`colon` false).
    private func plainStop(_ i: Int, _ end: Int) -> (at: Int, colon: Bool) {
        var j = i
        while j < end {
            let byte = bytes[j]
            if byte == Self.colon, j + 1 == end || bytes[j + 1] == Self.space { return (j, true) }
            if byte == Self.hash, bytes[j - 1] == Self.space { return (j, false) }
            j += 1
        }
        return (end, false)
    }

    /// `end` less the spaces before it, not before `i`.
    private func trimmed(_ i: Int, _ end: Int) -> Int {
        var e = end
        while e > i, bytes[e - 1] == Self.space { e -= 1 }
        return e
    }

    /// Whether the text at `i` is a key: a scalar, then `:` before a space or the line's end.
    private func isKey(at i: Int, end: Int) -> Bool {
        if isQuote(bytes[i]) {
            guard let close = quoteEnd(i, end) else { return false }
            var j = close + 1
            while j < end, bytes[j] == Self.space { j += 1 }
            return j < end && bytes[j] == Self.colon && (j + 1 == end || bytes[j + 1] == Self.space)
        }
        return plainStarts(i, end) && plainStop(i, end).colon
    }

    /// A key at `i` of the innermost mapping, and its value.
    private mutating func key(at i: Int, end: Int) -> Bool {
        var j: Int
        if isQuote(bytes[i]) {
            guard let close = quoteEnd(i, end) else { return false }
            events.append(Event(kind: .quoted, first: i + 1, second: close))
            j = close + 1
            while j < end, bytes[j] == Self.space { j += 1 }
            // libyaml's limit is on the distance from the key to its `:`, spaces included.
            guard j < end, bytes[j] == Self.colon, j + 1 == end || bytes[j + 1] == Self.space, j - i <= 1_000 else {
                return false
            }
        } else {
            guard plainStarts(i, end) else { return false }
            let stop = plainStop(i, end)
            guard stop.colon, stop.at - i <= 1_000 else { return false }
            events.append(Event(kind: .plain, first: i, second: trimmed(i, stop.at)))
            j = stop.at
        }
        j += 1
        while j < end, bytes[j] == Self.space { j += 1 }
        if j == end || bytes[j] == Self.hash {
            pending = Pending(indent: frames[frames.count - 1].indent, isMappingValue: true)
            return true
        }
        return value(at: j, end: end)
    }

    /// A value on its key's or `-`'s line, at `i`: a scalar, `{}` or `[]`, then nothing but a comment.
    private mutating func value(at i: Int, end: Int) -> Bool {
        let byte = bytes[i]
        if isQuote(byte) {
            guard let close = quoteEnd(i, end) else { return false }
            events.append(Event(kind: .quoted, first: i + 1, second: close))
            return restIsBlank(close + 1, end)
        }
        if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
            let closing = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            guard i + 1 < end, bytes[i + 1] == closing else { return false }
            events.append(
                Event(
                    kind: byte == UInt8(ascii: "{") ? .openMapping : .openSequence,
                    first: line,
                    second: i - lineStart
                )
            )
            events.append(Event(kind: .close, first: 0, second: 0))
            return restIsBlank(i + 2, end)
        }
        guard plainStarts(i, end) else { return false }
        let stop = plainStop(i, end)
        guard !stop.colon else { return false }  // `a: b: c`
        events.append(Event(kind: .plain, first: i, second: trimmed(i, stop.at)))
        return true
    }
}
