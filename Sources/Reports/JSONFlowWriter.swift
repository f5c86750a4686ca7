import KubeModel
import Reachability

/// The JSON format: an array of flow objects, one per line, keys in a fixed order.
enum JSONFlowWriter {
    static func write(_ result: Reachability, flows: [Flow], to out: inout some TextOutputStream) {
        if flows.isEmpty {
            out.write("[]\n")
            return
        }
        out.write("[\n")
        for (i, flow) in flows.enumerated() {
            let hops = Direction.allCases.reversed().filter(flow.defaultAllow.contains).map { quoted($0.rawValue.lowercased()) }
            out.write("  {\"src\": ")
            out.write(quoted(result.peers[flow.source].name))
            out.write(", \"dst\": ")
            out.write(quoted(result.peers[flow.destination].name))
            out.write(", \"conn\": ")
            out.write(quoted(flow.connections.description))
            out.write(", \"defaultAllow\": [\(hops.joined(separator: ", "))]}")
            out.write(i + 1 < flows.count ? ",\n" : "\n")
        }
        out.write("]\n")
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
