import KubeModel
import Parallel

/// A JSON document built in code and written with keys in the order given, so output is deterministic.
enum JSONValue {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case int(Int)
    case bool(Bool)
    /// An array of objects built one element at a time as it is written, so a long report is never held twice
    /// (once as values, once as JSON). Written like `.array` of objects; a long one is built and rendered in blocks
    /// on every core, written in order.
    case objects(count: Int, element: @Sendable (Int) -> JSONValue)
    /// Like `.objects`, with each element written field by field straight into the text (`JSONObjectWriter`): for
    /// the longest arrays, where a value per element cost as much as the analysis (the findings of a 150,000-pod
    /// audit are 92 MB of text).
    case writtenObjects(count: Int, element: @Sendable (Int, inout JSONObjectWriter) -> Void)

    /// Whether `text` is written in JSON between quotes as it is.
    private static func isPlain(_ text: String) -> Bool {
        var ascii = true
        for byte in text.utf8 {
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F { return false }
            if byte >= 0x80 { ascii = false }
        }
        return ascii || !text.unicodeScalars.contains(where: \.needsDisplayEscape)
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        if isPlain(text) { return "\"" + text + "\"" }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.needsDisplayEscape:
                // Controls, bidirectional overrides and the like are escaped, so a report shown raw stays inert.
                for unit in String(scalar).utf16 {
                    let hex = String(unit, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Pretty-printed text with two-space indentation and a final newline.
    var text: String {
        var out = ""
        write(to: &out)
        return out
    }

    /// Writes the pretty-printed text and a final newline to `out` piece by piece, never as one string.
    func write(to out: inout some TextOutputStream) {
        write(to: &out, indent: "")
        out.write("\n")
    }

    /// As `write(to:)`, handing `out` the bytes as they are (no `String` made of each block: a 150,000-pod audit
    /// writes 57 MB of JSON).
    func write(to out: inout some UTF8Output) {
        write(to: &out, indent: "")
        out.write("\n")
    }

    /// Writes the pretty-printed text as a value nested at `indent` (spaces), without a final newline.
    ///
    /// The text is rendered as UTF-8 bytes (a 150,000-pod audit writes 100 MB: appending small strings cost more than
    /// building the report) and handed to `out` in blocks.
    func write(to out: inout some TextOutputStream, indent: String) {
        render(indent: indent) { out.write(String(decoding: $0, as: UTF8.self)) }
    }

    /// As `write(to:indent:)`, with the bytes handed over as they are.
    func write(to out: inout some UTF8Output, indent: String) {
        render(indent: indent) { out.write(utf8: $0) }
    }

    /// Renders the text at `indent` and hands it to `emit` block by block.
    private func render(indent: String, emit: ([UInt8]) -> Void) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 << 12)
        let flush = { (block: inout [UInt8]) in
            emit(block)
            block.removeAll(keepingCapacity: true)
        }
        withoutActuallyEscaping(flush) { render(into: &bytes, indent: indent.utf8.count, flush: $0) }
        emit(bytes)
    }

    /// Appends the text nested at `indent` spaces to `bytes`. An `.objects` array hands `flush` what `bytes` holds,
    /// then each batch of its blocks (`flush` may empty them); without `flush`, the blocks are appended to `bytes`.
    private func render(into bytes: inout [UInt8], indent: Int, flush: ((inout [UInt8]) -> Void)?) {
        switch self {
        case .string(let s): JSONValue.appendQuoted(s, to: &bytes)
        case .int(let i): bytes.append(contentsOf: String(i).utf8)
        case .bool(let b): bytes.append(contentsOf: (b ? "true" : "false").utf8)
        case .array(let items):
            if items.isEmpty {
                bytes.append(contentsOf: "[]".utf8)
                return
            }
            if items.allSatisfy({ if case .string = $0 { return true } else { return false } }) {
                bytes.append(UInt8(ascii: "["))
                for (i, item) in items.enumerated() {
                    if i > 0 { bytes.append(contentsOf: ", ".utf8) }
                    item.render(into: &bytes, indent: indent, flush: flush)
                }
                bytes.append(UInt8(ascii: "]"))
                return
            }
            bytes.append(contentsOf: "[\n".utf8)
            for (i, item) in items.enumerated() {
                Self.appendSpaces(indent + 2, to: &bytes)
                item.render(into: &bytes, indent: indent + 2, flush: flush)
                bytes.append(contentsOf: (i + 1 < items.count ? ",\n" : "\n").utf8)
                Self.handOver(&bytes, flush)
            }
            Self.appendSpaces(indent, to: &bytes)
            bytes.append(UInt8(ascii: "]"))
        case .objects(let count, let element):
            Self.renderBlocks(count, block: 128, into: &bytes, indent: indent, flush: flush) { i, text, inner in
                element(i).render(into: &text, indent: inner, flush: nil)
            }
        case .writtenObjects(let count, let element):
            Self.renderBlocks(count, block: 32, into: &bytes, indent: indent, flush: flush) { i, text, inner in
                var writer = JSONObjectWriter(indent: inner)
                swap(&writer.bytes, &text)
                writer.open()
                element(i, &writer)
                writer.close()
                swap(&writer.bytes, &text)
            }
        case .object(let pairs):
            if pairs.isEmpty {
                bytes.append(contentsOf: "{}".utf8)
                return
            }
            bytes.append(contentsOf: "{\n".utf8)
            for (i, (key, value)) in pairs.enumerated() {
                Self.appendSpaces(indent + 2, to: &bytes)
                JSONValue.appendQuoted(key, to: &bytes)
                bytes.append(contentsOf: ": ".utf8)
                value.render(into: &bytes, indent: indent + 2, flush: flush)
                bytes.append(contentsOf: (i + 1 < pairs.count ? ",\n" : "\n").utf8)
                Self.handOver(&bytes, flush)
            }
            Self.appendSpaces(indent, to: &bytes)
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Renders an array of `count` objects at `indent`, `element` appending element `i` at the inner indent, `block`
    /// elements a task.
    private static func renderBlocks(
        _ count: Int,
        block: Int,
        into bytes: inout [UInt8],
        indent: Int,
        flush: ((inout [UInt8]) -> Void)?,
        element: @Sendable (Int, inout [UInt8], Int) -> Void
    ) {
        guard count > 0 else {
            bytes.append(contentsOf: "[]".utf8)
            return
        }
        bytes.append(contentsOf: "[\n".utf8)
        flush?(&bytes)
        let inner = indent + 2
        // Blocks of elements rendered on every core, a batch of eight at a time (a 150,000-pod audit writes 100 MB
        // of findings), then written in order: the same text as one element after the other. Small elements go
        // 128 to a block: with batches of 128 elements the cores spent more time waking each other than rendering
        // (368,000 cells of a 2,000-namespace matrix, the other core idle four fifths of the time). Findings (4 KB
        // each) go 32 to a block: 1 MB a batch (128 to a block added 20 MB to the 150,000-pod audit's peak).
        let batch = 8
        var start = 0
        while start < count {
            let first = start
            let blocks = Swift.min(batch, (count - first + block - 1) / block)
            var texts = Parallel.map(blocks, maxChunks: 2) { b in
                var text: [UInt8] = []
                let low = first + b * block
                for i in low..<Swift.min(low + block, count) {
                    Self.appendSpaces(inner, to: &text)
                    element(i, &text, inner)
                    text.append(contentsOf: (i + 1 < count ? ",\n" : "\n").utf8)
                }
                return text
            }
            for b in texts.indices {
                if let flush { flush(&texts[b]) } else { bytes += texts[b] }
            }
            start += blocks * block
        }
        Self.appendSpaces(indent, to: &bytes)
        bytes.append(UInt8(ascii: "]"))
    }

    /// Hands what `bytes` holds to `flush` once it is past 64 KiB, so a long `.array` or `.object` streams as it
    /// did when it was written piece by piece, instead of being held whole.
    private static func handOver(_ bytes: inout [UInt8], _ flush: ((inout [UInt8]) -> Void)?) {
        if let flush, bytes.count >= 1 << 16 { flush(&bytes) }
    }

    fileprivate static func appendSpaces(_ count: Int, to bytes: inout [UInt8]) {
        // From a row of spaces (a repeated element was appended one by one: a tenth of a long report's writing).
        var left = count
        while left > 0 {
            let n = Swift.min(left, spaces.count)
            spaces.withUnsafeBufferPointer { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[..<n])) }
            left -= n
        }
    }

    private static let spaces = [UInt8](repeating: UInt8(ascii: " "), count: 64)

    /// Appends `quoted(text)`: the bytes of a string that needs no escape are copied as they are.
    fileprivate static func appendQuoted(_ text: String, to bytes: inout [UInt8]) {
        var text = text
        let plainASCII = text.withUTF8 { utf8 in
            guard
                !utf8.contains(where: {
                    $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 >= 0x7F
                })
            else { return false }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: utf8)
            bytes.append(UInt8(ascii: "\""))
            return true
        }
        if !plainASCII { bytes.append(contentsOf: quoted(text).utf8) }
    }
}

/// Writes one JSON object field by field straight into text, as `JSONValue.object` renders the same fields at the
/// same indent (`JSONValue.writtenObjects`).
struct JSONObjectWriter {
    fileprivate var bytes: [UInt8] = []
    /// The object's own indent (its fields are two spaces further in).
    private let indent: Int
    private var fields = 0

    fileprivate init(indent: Int) {
        self.indent = indent
    }

    fileprivate mutating func open() {
        bytes.append(UInt8(ascii: "{"))
    }

    fileprivate mutating func close() {
        if fields > 0 {
            bytes.append(UInt8(ascii: "\n"))
            JSONValue.appendSpaces(indent, to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Starts a field: `key` is one of the report's own names, written as it is.
    private mutating func key(_ key: StaticString) {
        if fields > 0 { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\n"))
        JSONValue.appendSpaces(indent + 2, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        bytes.append(contentsOf: "\": ".utf8)
        fields += 1
    }

    mutating func string(_ key: StaticString, _ value: String) {
        self.key(key)
        JSONValue.appendQuoted(value, to: &bytes)
    }

    mutating func int(_ key: StaticString, _ value: Int) {
        self.key(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    /// An array of strings, on one line as `JSONValue.array` writes one.
    mutating func strings(_ key: StaticString, count: Int, _ element: (Int) -> String) {
        self.key(key)
        bytes.append(UInt8(ascii: "["))
        for i in 0..<count {
            if i > 0 { bytes.append(contentsOf: ", ".utf8) }
            JSONValue.appendQuoted(element(i), to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// An array of objects, one per line block as `JSONValue.array` writes one.
    mutating func objects(_ key: StaticString, count: Int, _ element: (Int, inout JSONObjectWriter) -> Void) {
        self.key(key)
        guard count > 0 else {
            bytes.append(contentsOf: "[]".utf8)
            return
        }
        bytes.append(contentsOf: "[\n".utf8)
        for i in 0..<count {
            JSONValue.appendSpaces(indent + 4, to: &bytes)
            var writer = JSONObjectWriter(indent: indent + 4)
            swap(&writer.bytes, &bytes)
            writer.open()
            element(i, &writer)
            writer.close()
            swap(&writer.bytes, &bytes)
            bytes.append(contentsOf: (i + 1 < count ? ",\n" : "\n").utf8)
        }
        JSONValue.appendSpaces(indent + 2, to: &bytes)
        bytes.append(UInt8(ascii: "]"))
    }
}
