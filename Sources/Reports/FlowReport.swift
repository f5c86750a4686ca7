import KubeModel
package import Reachability

/// Writes a flow list in one of the report formats, streaming line by line.
package enum FlowReport {
    /// Writes the flows of `result` to `out`, streaming: when `result` was analyzed without expanding its flows,
    /// they are expanded block by block as they are written, so memory stays bounded. With `onlyDefaultAllow`, only
    /// flows that exist because a side has no policy; with `markOpenHops`, txt lines end with the hops they rely on:
    /// `(default-allow: egress)` is the source's side, `ingress` the destination's (csv, md and json always carry
    /// them).
    ///
    /// ```swift
    /// var text = ""
    /// FlowReport.write(result, format: .txt, to: &text)
    /// ```
    package static func write(
        _ result: Reachability,
        format: ReportFormat,
        onlyDefaultAllow: Bool = false,
        markOpenHops: Bool = false,
        focus: Focus = Focus(),
        exposure: Exposure? = nil,
        to out: inout some UTF8Output
    ) {
        var lines: FlowLines?
        let only = focus.connection
        switch format.kind {
        case .txt:
            out.write(PluginText.header(result.model.settings) + "\n")
            lines = FlowLines(result, style: .txt(markOpenHops: markOpenHops), onlyConnection: only)
        case .json:
            lines = FlowLines(result, style: .json, onlyConnection: only)
            out.write("{\n  \"networkPlugin\": ")
            PluginText.json(result.model.settings).write(to: &out, indent: "  ")
            out.write(",\n  \"flows\": [")
        case .csv: out.write("src,dst,conn,default_allow\n")
        case .md:
            out.write("Network plugin: `\(result.model.settings.name)`\n\n")
            out.write("| src | dst | conn | default-allow |\n|---|---|---|---|\n")
        }
        let focused = focus.resolved(for: result.cluster.endpoints)
        func kept(_ flow: Flow) -> Bool {
            if onlyDefaultAllow, !flow.isDefaultAllowed { return false }
            if let only, flow.connections.intersection(only).isEmpty { return false }
            return focused.includes(
                result.peers[flow.source].endpointIndex,
                result.peers[flow.destination].endpointIndex
            )
        }
        let filtered = onlyDefaultAllow || !focus.isEmpty
        let flows = focus.workloads.isEmpty ? result.flows : result.flows(narrowedTo: focused)
        if !filtered, lines != nil {
            // Every flow, as runs: no value per flow.
            flows.forEachRunBlock { runs, expandNext in lines?.add(runs: runs, to: &out, alongside: expandNext) }
        } else {
            flows.forEachBlock { block, expandNext in
                let flows = filtered ? block.filter(kept) : block
                switch format.kind {
                case .txt, .json:
                    lines?.add(flows, to: &out, alongside: expandNext)
                case .csv:
                    for flow in flows {
                        out.write(fields(result, flow, only: only).map(csvField).joined(separator: ",") + "\n")
                    }
                case .md:
                    for flow in flows {
                        out.write(
                            "| " + fields(result, flow, only: only).map(markdownCell).joined(separator: " | ") + " |\n"
                        )
                    }
                }
            }
        }
        if format.kind == .json {
            out.write(lines?.wroteLine == true ? "\n  ]" : "]")
            if let exposure { ExposureReport.writeJSON(exposure, of: result, to: &out) }
            out.write("\n}\n")
        } else if format.kind == .txt, let exposure {
            ExposureReport.writeText(exposure, of: result, to: &out)
        }
    }

    /// The cells of a csv or md row: source, destination, connections, open hops.
    private static func fields(_ result: Reachability, _ flow: Flow, only: ConnectionSet?) -> [String] {
        [
            result.peers[flow.source].name, result.peers[flow.destination].name,
            (only ?? flow.connections).description, hops(flow),
        ]
        .map(\.escapedForDisplay)
    }

    /// The open hops of a flow as text: `egress`, `ingress`, `egress+ingress`, or empty.
    static func hops(_ flow: Flow) -> String {
        Direction.allCases.reversed().filter(flow.defaultAllow.contains).map { $0.rawValue.lowercased() }.joined(
            separator: "+"
        )
    }

    /// An RFC 4180 field, quoted when it holds a comma, a quote or a line break (checked per scalar: `\r\n` is one
    /// Character).
    static func csvField(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
            return text
        }
        return "\"" + text.replacingAll("\"", with: "\"\"") + "\""
    }

    /// A table cell: `|` escaped, `<` as an entity (no HTML from the input), line breaks escaped for display.
    static func markdownCell(_ text: String) -> String {
        text.escapedForDisplay.replacingAll("|", with: "\\|").replacingAll("<", with: "&lt;")
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
