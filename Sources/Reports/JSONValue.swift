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

    /// Writes `quoted(text)` to `out`: a string that needs no escape goes out as it is, between quotes, with no
    /// new string built (the reports write millions of them).
    static func writeQuoted(_ text: String, to out: inout some TextOutputStream) {
        if isPlain(text) {
            out.write("\"")
            out.write(text)
            out.write("\"")
        } else {
            out.write(quoted(text))
        }
    }

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

    /// Writes the pretty-printed text as a value nested at `indent`, without a final newline.
    func write(to out: inout some TextOutputStream, indent: String) {
        switch self {
        case .string(let s): JSONValue.writeQuoted(s, to: &out)
        case .int(let i): out.write(String(i))
        case .bool(let b): out.write(b ? "true" : "false")
        case .array(let items):
            if items.isEmpty {
                out.write("[]")
                return
            }
            if items.allSatisfy({ if case .string = $0 { return true } else { return false } }) {
                out.write("[")
                for (i, item) in items.enumerated() {
                    if i > 0 { out.write(", ") }
                    item.write(to: &out, indent: indent)
                }
                out.write("]")
                return
            }
            out.write("[\n")
            for (i, item) in items.enumerated() {
                out.write(indent + "  ")
                item.write(to: &out, indent: indent + "  ")
                out.write(i + 1 < items.count ? ",\n" : "\n")
            }
            out.write(indent + "]")
        case .objects(let count, let element):
            guard count > 0 else {
                out.write("[]")
                return
            }
            out.write("[\n")
            let inner = indent + "  "
            // Blocks of elements rendered on every core, a batch at a time (a 150,000-pod audit writes 100 MB of
            // findings), then written in order: the same text as one element after the other.
            let block = 32
            let batch = 4
            var start = 0
            while start < count {
                let first = start
                let blocks = Swift.min(batch, (count - first + block - 1) / block)
                let texts = Parallel.map(blocks, maxChunks: 2) { b in
                    var text = ""
                    let low = first + b * block
                    for i in low..<Swift.min(low + block, count) {
                        text += inner
                        element(i).write(to: &text, indent: inner)
                        text += i + 1 < count ? ",\n" : "\n"
                    }
                    return text
                }
                for text in texts { out.write(text) }
                start += blocks * block
            }
            out.write(indent)
            out.write("]")
        case .object(let pairs):
            if pairs.isEmpty {
                out.write("{}")
                return
            }
            out.write("{\n")
            let inner = indent + "  "
            for (i, (key, value)) in pairs.enumerated() {
                out.write(inner)
                JSONValue.writeQuoted(key, to: &out)
                out.write(": ")
                value.write(to: &out, indent: inner)
                out.write(i + 1 < pairs.count ? ",\n" : "\n")
            }
            out.write(indent)
            out.write("}")
        }
    }
}
