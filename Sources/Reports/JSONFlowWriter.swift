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
        let names = result.peers.map { quoted($0.name) }
        for (i, flow) in flows.enumerated() {
            let hops: String
            switch (flow.defaultAllow.contains(.egress), flow.defaultAllow.contains(.ingress)) {
            case (true, true): hops = #"["egress", "ingress"]"#
            case (true, false): hops = #"["egress"]"#
            case (false, true): hops = #"["ingress"]"#
            case (false, false): hops = "[]"
            }
            out.write(
                "  {\"src\": \(names[flow.source]), \"dst\": \(names[flow.destination]), \"conn\": \"\(flow.connections)\", \"defaultAllow\": \(hops)}"
            )
            out.write(i + 1 < flows.count ? ",\n" : "\n")
        }
        out.write("]\n")
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + text + "\""
        }
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
