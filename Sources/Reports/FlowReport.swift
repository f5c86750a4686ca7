import KubeModel
public import Reachability

/// Writes a flow list in one of the report formats, streaming line by line.
public enum FlowReport {
    /// Writes `flows` (by default all of `result.flows`) to `out`. With `markOpenHops`, txt lines end with the
    /// hops a default-allow flow relies on: `(default-allow: egress)` is the source's side, `ingress` the
    /// destination's (csv, md and json always carry them).
    ///
    /// ```swift
    /// var text = ""
    /// FlowReport.write(result, format: .txt, to: &text)
    /// ```
    public static func write(
        _ result: Reachability,
        format: ReportFormat,
        flows: [Flow]? = nil,
        markOpenHops: Bool = false,
        to out: inout some TextOutputStream
    ) {
        let flows = flows ?? result.flows
        switch format.kind {
        case .txt:
            FlowLines.write(result, flows: flows, style: .txt(markOpenHops: markOpenHops), to: &out)
        case .json:
            if flows.isEmpty {
                out.write("[]\n")
            } else {
                out.write("[\n")
                FlowLines.write(result, flows: flows, style: .json, to: &out)
                out.write("]\n")
            }
        case .csv:
            out.write("src,dst,conn,default_allow\n")
            for flow in flows {
                let fields = [
                    result.peers[flow.source].name, result.peers[flow.destination].name, flow.connections.description,
                    hops(flow),
                ]
                out.write(fields.map(csvField).joined(separator: ",") + "\n")
            }
        case .md:
            out.write("| src | dst | conn | default-allow |\n|---|---|---|---|\n")
            for flow in flows {
                let fields = [
                    result.peers[flow.source].name, result.peers[flow.destination].name, flow.connections.description,
                    hops(flow),
                ]
                out.write("| " + fields.map(markdownCell).joined(separator: " | ") + " |\n")
            }
        }
    }

    /// The open hops of a flow as text: `egress`, `ingress`, `egress+ingress`, or empty.
    static func hops(_ flow: Flow) -> String {
        Direction.allCases.reversed().filter(flow.defaultAllow.contains).map { $0.rawValue.lowercased() }.joined(
            separator: "+"
        )
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingAll("\"", with: "\"\"") + "\""
    }

    static func markdownCell(_ text: String) -> String {
        text.replacingAll("|", with: "\\|")
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        out.reserveCapacity(count)
        for character in self {
            if character == target { out += replacement } else { out.append(character) }
        }
        return out
    }
}
